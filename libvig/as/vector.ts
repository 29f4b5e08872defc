// libVig vector imports for AssemblyScript NFs: import { vector_get, ... } from "./vector".
// Semantics, preconditions and results: libvig/README.md. Records are copied to and from the NF's memory.

/** Creates a vector of `capacity` records of `record_size` bytes, all zero; returns its handle. Call in nf_init. */
// @ts-ignore: decorator
@external("libvig", "vector_allocate")
export declare function vector_allocate(record_size: i32, capacity: i32): i32;

/** Copies record `index` (0 <= index < capacity) to `out`. */
// @ts-ignore: decorator
@external("libvig", "vector_get")
export declare function vector_get(vector: i32, index: i32, out: usize): void;

/** Replaces record `index` (0 <= index < capacity) with the bytes at `record`. */
// @ts-ignore: decorator
@external("libvig", "vector_set")
export declare function vector_set(vector: i32, index: i32, record: usize): void;
