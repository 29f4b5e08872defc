// libVig emap imports for AssemblyScript NFs: import { emap_get, ... } from "./emap".
// Semantics, preconditions and results: libvig/README.md. Pointers are into the NF's memory; keys are copied.

/** Creates an emap of `capacity` entries with `key_size`-byte keys; returns its handle. Call in nf_init. */
// @ts-ignore: decorator
@external("libvig", "emap_allocate")
export declare function emap_allocate(key_size: i32, capacity: i32): i32;

/** The index of the key at `key`, or -1 when absent. */
// @ts-ignore: decorator
@external("libvig", "emap_get")
export declare function emap_get(map: i32, key: usize): i32;

/** 1 if `index` is allocated, else 0 (also 0 for any index out of range). */
// @ts-ignore: decorator
@external("libvig", "emap_has_idx")
export declare function emap_has_idx(map: i32, index: i32): i32;

/** Copies the key of allocated `index` to `out`. */
// @ts-ignore: decorator
@external("libvig", "emap_get_key")
export declare function emap_get_key(map: i32, index: i32, out: usize): void;

/** Adds the absent key at `key`, stamped `now`: returns its new index, or -1 when the emap is full. */
// @ts-ignore: decorator
@external("libvig", "emap_add")
export declare function emap_add(map: i32, key: usize, now: i64): i32;

/** Re-stamps allocated `index` with `now`. */
// @ts-ignore: decorator
@external("libvig", "emap_refresh")
export declare function emap_refresh(map: i32, index: i32, now: i64): void;

/** Removes the present key at `key` and frees its index. */
// @ts-ignore: decorator
@external("libvig", "emap_erase")
export declare function emap_erase(map: i32, key: usize): void;

/** Removes every entry stamped strictly before `time`; returns how many. */
// @ts-ignore: decorator
@external("libvig", "emap_expire")
export declare function emap_expire(map: i32, time: i64): i32;

/** The number of entries. */
// @ts-ignore: decorator
@external("libvig", "emap_count")
export declare function emap_count(map: i32): i32;

/** 1 if every index is allocated (emap_add would return -1), else 0. */
// @ts-ignore: decorator
@external("libvig", "emap_full")
export declare function emap_full(map: i32): i32;
