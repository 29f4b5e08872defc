// How libvig/wasm/libvig.ts reports a broken precondition to its loader (load.ts), valid AssemblyScript and TypeScript.
//
// The module has no strings (its memory is the NF's: no static data), so it calls its import `fail(reason,
// operation, handle, a, b, c, d)` with numbers, and the loader throws the LibVigError the JavaScript run-time would
// (libvig/runtime/errors.ts words both). Operations are numbered in the order of nf-abi/libvig-abi.ts's LIBVIG_ABI
// (load.ts checks these numbers against it); a, b, c, d are the reason's details, listed with each.

export const OP_EMAP_ALLOCATE = 0;
export const OP_EMAP_GET = 1;
export const OP_EMAP_HAS_IDX = 2;
export const OP_EMAP_GET_KEY = 3;
export const OP_EMAP_ADD = 4;
export const OP_EMAP_REFRESH = 5;
export const OP_EMAP_ERASE = 6;
export const OP_EMAP_EXPIRE = 7;
export const OP_EMAP_COUNT = 8;
export const OP_EMAP_FULL = 9;
export const OP_VECTOR_ALLOCATE = 10;
export const OP_VECTOR_GET = 11;
export const OP_VECTOR_SET = 12;
export const OP_CHT_ALLOCATE = 13;
export const OP_CHT_FIND_BACKEND = 14;
export const OP_LPM_ALLOCATE = 15;
export const OP_LPM_ADD = 16;
export const OP_LPM_LOOKUP = 17;

/** Object kinds, as the handle table stores them (0: no object). */
export const KIND_NONE = 0;
export const KIND_EMAP = 1;
export const KIND_VECTOR = 2;
export const KIND_CHT = 3;
export const KIND_LPM = 4;

/** a: which parameter (0 the first, 1 the second), b: its value. */
export const FAIL_SIZE = 0;
/** a: the kind expected, b: the kind found. */
export const FAIL_WRONG_KIND = 1;
/** a: the size, b: the pointer, c: the memory's bytes. */
export const FAIL_OUTSIDE_MEMORY = 2;
/** a: the index the key has. */
export const FAIL_KEY_PRESENT = 3;
export const FAIL_KEY_ABSENT = 4;
/** a: the index, b: the emap's capacity. */
export const FAIL_INDEX_NOT_ALLOCATED = 5;
/** c: the time given, d: the latest time. */
export const FAIL_TIME_BACKWARDS = 6;
/** a: the index, b: the vector's capacity. */
export const FAIL_INDEX_OUT_OF_RANGE = 7;
/** a: the height. */
export const FAIL_HEIGHT_NOT_PRIME = 8;
/** a: the height, b: the backend capacity. */
export const FAIL_CHT_TOO_LARGE = 9;
/** a: the prefix length. */
export const FAIL_PREFIX_LENGTH = 10;
/** a: the value. */
export const FAIL_NEGATIVE_VALUE = 11;
/** c: the bytes asked for. libVig's region (nf-abi/memory-layout.ts) cannot hold the object. */
export const FAIL_REGION_FULL = 12;
