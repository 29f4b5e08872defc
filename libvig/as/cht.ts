// libVig cht (Maglev lookup table) imports for AssemblyScript NFs: import { ... } from "./cht".
// Semantics, preconditions and results: libvig/README.md.

/** Creates and fills a table of `height` rows (a prime) over backends 0..backend_capacity-1; returns its handle. */
// @ts-ignore: decorator
@external("libvig", "cht_allocate")
export declare function cht_allocate(height: i32, backend_capacity: i32): i32;

/** The first backend of row hash % height (hash unsigned) allocated in emap `backends`, or -1 if none is. */
// @ts-ignore: decorator
@external("libvig", "cht_find_backend")
export declare function cht_find_backend(cht: i32, hash: i32, backends: i32): i32;
