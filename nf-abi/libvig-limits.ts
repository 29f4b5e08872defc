// The sizes libVig's allocations accept: part of its contract (libvig/README.md), which both run-times enforce and
// the verifier's contracts state. Valid AssemblyScript and TypeScript at once (libvig/wasm/as/libvig.ts imports it by relative path).

/** Sizes and capacities: positive, and small enough that the tables fit in memory. */
export const MAX_SIZE = 1 << 24;
/** A cht's rows times backends is bounded so that the table stays a few hundred MiB at most. */
export const MAX_CHT_ENTRIES = 1 << 26;
