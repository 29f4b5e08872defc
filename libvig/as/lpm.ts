// libVig lpm (IPv4 longest-prefix match) imports for AssemblyScript NFs: import { ... } from "./lpm".
// Addresses and prefixes have the first octet most significant (bswap a little-endian load from a packet).
// Semantics, preconditions and results: libvig/README.md.

/** Creates an empty table of at most `capacity` rules; returns its handle. Call in nf_init. */
// @ts-ignore: decorator
@external("libvig", "lpm_allocate")
export declare function lpm_allocate(capacity: i32): i32;

/** Adds (or replaces) the rule prefix/length -> value (value >= 0): 1, or 0 when a new rule finds the table full. */
// @ts-ignore: decorator
@external("libvig", "lpm_add")
export declare function lpm_add(lpm: i32, prefix: u32, length: i32, value: i32): i32;

/** The value of the longest rule matching `address`, or -1. */
// @ts-ignore: decorator
@external("libvig", "lpm_lookup")
export declare function lpm_lookup(lpm: i32, address: u32): i32;
