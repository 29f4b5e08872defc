// libVig's run-time in AssemblyScript, on the NF's own memory: the same emap, vector, cht and lpm as libvig/runtime/, called by the NF wasm-to-wasm.
//
// Every object lives in libVig's region of the NF's memory (nf-abi/memory-layout.ts), which the NF never reaches:
// a handle table at the region's start, then the objects, bump-allocated (objects are allocated in nf_init and
// never freed). Compiled with `--importMemory` and without data segments (no strings, no static arrays): the
// module's memory is the NF's. The behaviour is the JavaScript run-time's to the bit (libvig/README.md states it;
// tests/libvig/wasm-runtime.test.ts runs both on the same random operations): the same index allocation and
// expiry order, the same Maglev table, the same lpm trie, and the same precondition checks in the same order,
// each reported through the import `fail` (failures.ts), whose JavaScript throws the run-time's LibVigError.
import { LIBVIG_REGION_BASE, LIBVIG_REGION_END } from "../../../nf-abi/memory-layout";
import { FAIL_CHT_TOO_LARGE, FAIL_HEIGHT_NOT_PRIME, FAIL_INDEX_NOT_ALLOCATED, FAIL_INDEX_OUT_OF_RANGE, FAIL_KEY_ABSENT, FAIL_KEY_PRESENT, FAIL_NEGATIVE_VALUE, FAIL_OUTSIDE_MEMORY, FAIL_PREFIX_LENGTH, FAIL_REGION_FULL, FAIL_SIZE, FAIL_TIME_BACKWARDS, FAIL_WRONG_KIND, KIND_CHT, KIND_EMAP, KIND_LPM, KIND_NONE, KIND_VECTOR, OP_CHT_ALLOCATE, OP_CHT_FIND_BACKEND, OP_EMAP_ADD, OP_EMAP_ALLOCATE, OP_EMAP_COUNT, OP_EMAP_ERASE, OP_EMAP_EXPIRE, OP_EMAP_FULL, OP_EMAP_GET, OP_EMAP_GET_KEY, OP_EMAP_HAS_IDX, OP_EMAP_REFRESH, OP_LPM_ADD, OP_LPM_ALLOCATE, OP_LPM_LOOKUP, OP_VECTOR_ALLOCATE, OP_VECTOR_GET, OP_VECTOR_SET } from "../failures";
import { MAX_CHT_ENTRIES, MAX_SIZE } from "../../../nf-abi/libvig-limits";

/** Throws the LibVigError (load.ts): it never returns. */
// @ts-ignore: decorator
@external("host", "fail") declare function fail(reason: i32, operation: i32, handle: i32, a: i32, b: i32, c: i64, d: i64): void;

/**
 * Reports a failure through `fail`, then traps. `fail` never returns, but the compilers cannot know that: without
 * the trap, every value a check's caller uses later would live across the call, and V8 keeps such values on the
 * stack from their definition on, in the calls that pass their checks too (docs/PITFALLS.md).
 */
// @ts-ignore: decorator
@inline function failed(reason: i32, operation: i32, handle: i32, a: i32, b: i32, c: i64, d: i64): void {
  fail(reason, operation, handle, a, b, c, d);
  unreachable();
}

/** Handles the table has room for: an NF allocates a handful of objects. */
const MAX_HANDLES = 4096;
/** The handle table: per handle, its kind (i32) and its object's address (i32). */
const HANDLE_TABLE: usize = LIBVIG_REGION_BASE;
const NONE = -1;
const PAGE_BYTES: usize = 65536;

let handleCount = 0;
/** The first free byte of the region. */
let top: usize = HANDLE_TABLE + MAX_HANDLES * 8;

/** `bytes` zeroed bytes of the region, 8-aligned; with `operation` and `handle` for the report when it is full. */
function allocate(bytes: i64, operation: i32, handle: i32): usize {
  const at = (top + 7) & ~7;
  const end = <i64>at + bytes;
  if (end > <i64>LIBVIG_REGION_END) failed(FAIL_REGION_FULL, operation, handle, 0, 0, bytes, 0);
  grow(<usize>end);
  memory.fill(at, 0, <usize>bytes);
  top = <usize>end;
  return at;
}

/** Grows memory to hold byte `end` - 1. */
function grow(end: usize): void {
  const have = <usize>memory.size() * PAGE_BYTES;
  if (end > have && memory.grow(<i32>((end - have + PAGE_BYTES - 1) / PAGE_BYTES)) < 0) unreachable();
}

/** Registers a new object; its handle is the count so far, as in the JavaScript run-time (only once it exists). */
function register(kind: i32, object: usize, operation: i32): i32 {
  if (handleCount == MAX_HANDLES) failed(FAIL_REGION_FULL, operation, -1, 0, 0, 8, 0);
  const handle = handleCount++;
  store<i32>(HANDLE_TABLE + <usize>handle * 8, kind);
  store<u32>(HANDLE_TABLE + <usize>handle * 8 + 4, <u32>object);
  return handle;
}

/** The object of `handle`, which must be of `kind`. */
// @ts-ignore: decorator
@inline function objectOf(handle: i32, kind: i32, operation: i32): usize {
  if (<u32>handle < <u32>handleCount) {
    const entry = HANDLE_TABLE + <usize>handle * 8;
    if (load<i32>(entry) == kind) return <usize>load<u32>(entry, 4);
  }
  wrongKind(handle, kind, operation);
  return unreachable();
}

function wrongKind(handle: i32, kind: i32, operation: i32): void {
  const found = <u32>handle < <u32>handleCount ? load<i32>(HANDLE_TABLE + <usize>handle * 8) : KIND_NONE;
  fail(FAIL_WRONG_KIND, operation, handle, kind, found, 0, 0);
}

function requireSize(operation: i32, parameter: i32, value: i32): void {
  if (value < 1 || value > MAX_SIZE) failed(FAIL_SIZE, operation, -1, parameter, value, 0, 0);
}

/** An allocation's two sizes, the first checked first. */
function requireSizes(operation: i32, first: i32, second: i32): void {
  requireSize(operation, 0, first);
  requireSize(operation, 1, second);
}

/** Checks that `size` bytes at `pointer` lie inside the NF's memory. */
// @ts-ignore: decorator
@inline function requireInMemory(pointer: i32, size: i32, operation: i32, handle: i32): void {
  const bytes = <i64>memory.size() << 16;
  if (pointer < 0 || <i64>pointer + <i64>size > bytes) failed(FAIL_OUTSIDE_MEMORY, operation, handle, size, pointer, bytes, 0);
}

/**
 * Copies `size` bytes, 64-bit words, then a 32-bit one, then the last 1-3 bytes: keys and records are a few bytes,
 * and `memory.copy` is a call into V8's C++ (docs/PITFALLS.md), several ns a copy. Words as wide as the NF's own
 * fields: a u64 the NF reads right after `vector_get` wrote it as two 32-bit halves cannot be forwarded from the
 * stores and waits for both (the policer's nf_process stalled there in profiles).
 */
// @ts-ignore: decorator
@inline function copyBytes(to: usize, from: usize, size: i32): void {
  const doubles = <usize>(size & ~7);
  let at: usize = 0;
  for (; at < doubles; at += 8) store<i64>(to + at, load<i64>(from + at));
  if (<usize>size - at >= 4) {
    store<i32>(to + at, load<i32>(from + at));
    at += 4;
  }
  for (; at < <usize>size; at++) store<u8>(to + at, load<u8>(from + at));
}

// ---- The key hash (libvig/runtime/hash.ts): MurmurHash3 over little-endian words, the last zero-padded.

// @ts-ignore: decorator
@inline function mixKeyWord(h: i32, word: i32): i32 {
  let k = word * <i32>0xcc9e2d51;
  k = rotl<i32>(k, 15);
  h ^= k * <i32>0x1b873593;
  h = rotl<i32>(h, 13);
  return h * 5 + <i32>0xe6546b64;
}

function finalMix(h: i32): i32 {
  h ^= <i32>(<u32>h >> 16);
  h *= <i32>0x85ebca6b;
  h ^= <i32>(<u32>h >> 13);
  h *= <i32>0xc2b2ae35;
  return h ^ <i32>(<u32>h >> 16);
}

// ---- emap: a key table (libvig/runtime/key-table.ts) and an index chain (index-chain.ts).

const HASH_BITS = 0x3fffffff;
const CHAIN_ABOVE_ZERO = 0x40000000;
const FREE = <i32>0x80000000;
const ENTRY_INDEX = 0;
const ENTRY_CHAIN = 1;
const ENTRY_HEADER = 2;

@unmanaged class Emap {
  keySize: i32;
  capacity: i32;
  keyWords: i32;
  /** Words per slot in `entries`. */
  stride: i32;
  mask: i32;
  count: i32;
  freeTop: i32;
  oldest: i32;
  newest: i32;
  /** The greatest stamp given so far (at first the smallest i64). */
  latest: i64;
  /** i32 per slot. */
  probes: usize;
  /** stride words per slot. */
  entries: usize;
  /** i32 per index: its slot, or -1. */
  slotOfIndex: usize;
  /** i64 per index. */
  stamps: usize;
  older: usize;
  newer: usize;
  /** u8 per index. */
  allocated: usize;
  freeStack: usize;
  /** The current call's key, as words. */
  key: usize;
}

export function emap_allocate(keySize: i32, capacity: i32): i32 {
  requireSizes(OP_EMAP_ALLOCATE, keySize, capacity);
  const keyWords = (keySize + 3) >> 2;
  const stride = ENTRY_HEADER + keyWords;
  const slots = <i64>1 << (64 - clz<i64>(<i64>(2 * capacity) - 1));
  const entriesBytes = slots * <i64>stride * 4;
  const indexBytes = <i64>capacity * (4 + 8 + 4 + 4 + 1 + 4);
  const emap = changetype<Emap>(allocate(<i64>offsetof<Emap>() + slots * 4 + entriesBytes + indexBytes + <i64>keyWords * 4 + 8, OP_EMAP_ALLOCATE, -1));
  let at = changetype<usize>(emap) + offsetof<Emap>();
  emap.keySize = keySize;
  emap.capacity = capacity;
  emap.keyWords = keyWords;
  emap.stride = stride;
  emap.mask = <i32>slots - 1;
  emap.oldest = NONE;
  emap.newest = NONE;
  emap.latest = i64.MIN_VALUE;
  at = (at + 7) & ~7;
  emap.stamps = at;
  at += <usize>capacity * 8;
  emap.probes = at;
  at += <usize>slots * 4;
  emap.entries = at;
  at += <usize>entriesBytes;
  emap.slotOfIndex = at;
  at += <usize>capacity * 4;
  emap.older = at;
  at += <usize>capacity * 4;
  emap.newer = at;
  at += <usize>capacity * 4;
  emap.freeStack = at;
  at += <usize>capacity * 4;
  emap.key = at;
  at += <usize>keyWords * 4;
  emap.allocated = at;
  for (let slot = 0; slot < <i32>slots; slot++) store<i32>(emap.probes + (<usize>slot << 2), FREE);
  memory.fill(emap.slotOfIndex, 0xff, <usize>capacity * 4);
  for (let depth = 0; depth < capacity; depth++) store<i32>(emap.freeStack + (<usize>depth << 2), capacity - 1 - depth);
  emap.freeTop = capacity;
  return register(KIND_EMAP, changetype<usize>(emap), OP_EMAP_ALLOCATE);
}

/** Copies the key at `pointer` into the emap's key words (the last zero-padded) and returns its hash. */
// @ts-ignore: decorator
@inline function readKey(emap: Emap, pointer: i32, operation: i32, handle: i32): i32 {
  const keySize = emap.keySize;
  requireInMemory(pointer, keySize, operation, handle);
  const key = emap.key;
  const whole = keySize >> 2;
  let hash = 0;
  for (let word = 0; word < whole; word++) {
    const value = load<i32>(<usize>pointer + (<usize>word << 2));
    store<i32>(key + (<usize>word << 2), value);
    hash = mixKeyWord(hash, value);
  }
  const tailBytes = keySize & 3;
  if (tailBytes != 0) {
    const tail = <usize>pointer + (<usize>whole << 2);
    let last: i32 = load<u8>(tail);
    if (tailBytes > 1) last |= <i32>load<u8>(tail, 1) << 8;
    if (tailBytes > 2) last |= <i32>load<u8>(tail, 2) << 16;
    store<i32>(key + (<usize>whole << 2), last);
    hash = mixKeyWord(hash, last);
  }
  return finalMix(hash ^ keySize) & HASH_BITS;
}

/** Whether the slot's key words at `at` are the emap's current key. */
function holdsKey(emap: Emap, at: usize): bool {
  const key = emap.key;
  const words = emap.keyWords;
  for (let word = 0; word < words; word++) {
    if (load<i32>(at + (<usize>word << 2)) != load<i32>(key + (<usize>word << 2))) return false;
  }
  return true;
}

/** The index stored for the current key (whose hash is `hash`), or -1. */
// @ts-ignore: decorator
@inline function find(emap: Emap, hash: i32): i32 {
  const probes = emap.probes;
  const mask = emap.mask;
  const start = hash & mask;
  let slot = start;
  do {
    const probe = load<i32>(probes + (<usize>slot << 2));
    if ((probe & ~CHAIN_ABOVE_ZERO) == hash) {
      const at = emap.entries + ((<usize>slot * <usize>emap.stride) << 2);
      if (holdsKey(emap, at + ENTRY_HEADER * 4)) return load<i32>(at, ENTRY_INDEX * 4);
    }
    if ((probe & CHAIN_ABOVE_ZERO) == 0) return NONE;
    slot = (slot + 1) & mask;
  } while (slot != start);
  return NONE;
}

function insert(emap: Emap, hash: i32, index: i32): void {
  const probes = emap.probes;
  const mask = emap.mask;
  let slot = hash & mask;
  while (load<i32>(probes + (<usize>slot << 2)) >= 0) {
    const chain = emap.entries + ((<usize>slot * <usize>emap.stride) << 2) + ENTRY_CHAIN * 4;
    store<i32>(chain, load<i32>(chain) + 1);
    store<i32>(probes + (<usize>slot << 2), load<i32>(probes + (<usize>slot << 2)) | CHAIN_ABOVE_ZERO);
    slot = (slot + 1) & mask;
  }
  const probe = probes + (<usize>slot << 2);
  store<i32>(probe, hash | (load<i32>(probe) & CHAIN_ABOVE_ZERO));
  const at = emap.entries + ((<usize>slot * <usize>emap.stride) << 2);
  store<i32>(at, index, ENTRY_INDEX * 4);
  copyBytes(at + ENTRY_HEADER * 4, emap.key, emap.keyWords << 2);
  store<i32>(emap.slotOfIndex + (<usize>index << 2), slot);
}

/** Removes the key stored under `index` from the table and frees the index. */
// @ts-ignore: decorator
@inline function removeIndex(emap: Emap, index: i32): void {
  const probes = emap.probes;
  const mask = emap.mask;
  const target = load<i32>(emap.slotOfIndex + (<usize>index << 2));
  for (let slot = load<i32>(probes + (<usize>target << 2)) & HASH_BITS & mask; slot != target; slot = (slot + 1) & mask) {
    const chain = emap.entries + ((<usize>slot * <usize>emap.stride) << 2) + ENTRY_CHAIN * 4;
    const left = load<i32>(chain) - 1;
    store<i32>(chain, left);
    if (left == 0) store<i32>(probes + (<usize>slot << 2), load<i32>(probes + (<usize>slot << 2)) & ~CHAIN_ABOVE_ZERO);
  }
  const probe = probes + (<usize>target << 2);
  store<i32>(probe, FREE | (load<i32>(probe) & CHAIN_ABOVE_ZERO));
  store<i32>(emap.slotOfIndex + (<usize>index << 2), NONE);
  unlink(emap, index);
  store<u8>(emap.allocated + <usize>index, 0);
  emap.count--;
  store<i32>(emap.freeStack + (<usize>emap.freeTop << 2), index);
  emap.freeTop++;
}

// @ts-ignore: decorator
@inline function isAllocated(emap: Emap, index: i32): bool {
  return <u32>index < <u32>emap.capacity && load<u8>(emap.allocated + <usize>index) == 1;
}

function append(emap: Emap, index: i32, now: i64): void {
  store<i64>(emap.stamps + (<usize>index << 3), now);
  emap.latest = now;
  store<i32>(emap.older + (<usize>index << 2), emap.newest);
  store<i32>(emap.newer + (<usize>index << 2), NONE);
  if (emap.newest == NONE) emap.oldest = index;
  else store<i32>(emap.newer + (<usize>emap.newest << 2), index);
  emap.newest = index;
}

function unlink(emap: Emap, index: i32): void {
  const older = load<i32>(emap.older + (<usize>index << 2));
  const newer = load<i32>(emap.newer + (<usize>index << 2));
  if (older == NONE) emap.oldest = newer;
  else store<i32>(emap.newer + (<usize>older << 2), newer);
  if (newer == NONE) emap.newest = older;
  else store<i32>(emap.older + (<usize>newer << 2), older);
}

// @ts-ignore: decorator
@inline function requireAllocated(emap: Emap, index: i32, operation: i32, handle: i32): void {
  if (!isAllocated(emap, index)) failed(FAIL_INDEX_NOT_ALLOCATED, operation, handle, index, emap.capacity, 0, 0);
}

// @ts-ignore: decorator
@inline function requireTimeNotBefore(emap: Emap, now: i64, operation: i32, handle: i32): void {
  if (now < emap.latest) failed(FAIL_TIME_BACKWARDS, operation, handle, 0, 0, now, emap.latest);
}

export function emap_get(map: i32, key: i32): i32 {
  const emap = changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_GET));
  return find(emap, readKey(emap, key, OP_EMAP_GET, map));
}

export function emap_has_idx(map: i32, index: i32): i32 {
  return isAllocated(changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_HAS_IDX)), index) ? 1 : 0;
}

export function emap_get_key(map: i32, index: i32, out: i32): void {
  const emap = changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_GET_KEY));
  requireAllocated(emap, index, OP_EMAP_GET_KEY, map);
  requireInMemory(out, emap.keySize, OP_EMAP_GET_KEY, map);
  const slot = load<i32>(emap.slotOfIndex + (<usize>index << 2));
  copyBytes(<usize>out, emap.entries + ((<usize>slot * <usize>emap.stride + ENTRY_HEADER) << 2), emap.keySize);
}

export function emap_add(map: i32, key: i32, now: i64): i32 {
  const emap = changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_ADD));
  requireTimeNotBefore(emap, now, OP_EMAP_ADD, map);
  const hash = readKey(emap, key, OP_EMAP_ADD, map);
  const present = find(emap, hash);
  if (present >= 0) failed(FAIL_KEY_PRESENT, OP_EMAP_ADD, map, present, 0, 0, 0);
  if (emap.freeTop == 0) return NONE;
  emap.freeTop--;
  const index = load<i32>(emap.freeStack + (<usize>emap.freeTop << 2));
  store<u8>(emap.allocated + <usize>index, 1);
  emap.count++;
  append(emap, index, now);
  insert(emap, hash, index);
  return index;
}

export function emap_refresh(map: i32, index: i32, now: i64): void {
  const emap = changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_REFRESH));
  requireAllocated(emap, index, OP_EMAP_REFRESH, map);
  requireTimeNotBefore(emap, now, OP_EMAP_REFRESH, map);
  unlink(emap, index);
  append(emap, index, now);
}

export function emap_erase(map: i32, key: i32): void {
  const emap = changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_ERASE));
  const index = find(emap, readKey(emap, key, OP_EMAP_ERASE, map));
  if (index < 0) failed(FAIL_KEY_ABSENT, OP_EMAP_ERASE, map, 0, 0, 0, 0);
  removeIndex(emap, index);
}

export function emap_expire(map: i32, time: i64): i32 {
  const emap = changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_EXPIRE));
  let removed = 0;
  for (let oldest = emap.oldest; oldest != NONE && load<i64>(emap.stamps + (<usize>oldest << 3)) < time; oldest = emap.oldest) {
    removeIndex(emap, oldest);
    removed++;
  }
  return removed;
}

export function emap_count(map: i32): i32 {
  return changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_COUNT)).count;
}

export function emap_full(map: i32): i32 {
  const emap = changetype<Emap>(objectOf(map, KIND_EMAP, OP_EMAP_FULL));
  return emap.count == emap.capacity ? 1 : 0;
}

// ---- vector: records as whole words, the last zero-padded (libvig/runtime/vector.ts).

@unmanaged class Vector {
  recordSize: i32;
  capacity: i32;
  /** Bytes per record: whole words. */
  stride: i32;
  records: usize;
}

export function vector_allocate(recordSize: i32, capacity: i32): i32 {
  requireSizes(OP_VECTOR_ALLOCATE, recordSize, capacity);
  const stride = ((recordSize + 3) >> 2) << 2;
  const vector = changetype<Vector>(allocate(<i64>offsetof<Vector>() + <i64>stride * <i64>capacity, OP_VECTOR_ALLOCATE, -1));
  vector.recordSize = recordSize;
  vector.capacity = capacity;
  vector.stride = stride;
  vector.records = changetype<usize>(vector) + offsetof<Vector>();
  return register(KIND_VECTOR, changetype<usize>(vector), OP_VECTOR_ALLOCATE);
}

/** Record `index`'s address, checked to be in range. */
// @ts-ignore: decorator
@inline function recordAt(vector: Vector, index: i32, operation: i32, handle: i32): usize {
  if (<u32>index >= <u32>vector.capacity) failed(FAIL_INDEX_OUT_OF_RANGE, operation, handle, index, vector.capacity, 0, 0);
  return vector.records + <usize>index * <usize>vector.stride;
}

export function vector_get(handle: i32, index: i32, out: i32): void {
  const vector = changetype<Vector>(objectOf(handle, KIND_VECTOR, OP_VECTOR_GET));
  const record = recordAt(vector, index, OP_VECTOR_GET, handle);
  requireInMemory(out, vector.recordSize, OP_VECTOR_GET, handle);
  copyBytes(<usize>out, record, vector.recordSize);
}

export function vector_set(handle: i32, index: i32, source: i32): void {
  const vector = changetype<Vector>(objectOf(handle, KIND_VECTOR, OP_VECTOR_SET));
  const record = recordAt(vector, index, OP_VECTOR_SET, handle);
  requireInMemory(source, vector.recordSize, OP_VECTOR_SET, handle);
  copyBytes(record, <usize>source, vector.recordSize);
}

// ---- cht: the Maglev table (libvig/runtime/cht.ts).

@unmanaged class Cht {
  height: i32;
  backendCapacity: i32;
  /** Row r's backends, most preferred first, from i32 r x backendCapacity on. */
  preferences: usize;
}

function isPrime(n: i32): bool {
  if (n < 2) return false;
  for (let divisor = 2; divisor * divisor <= n; divisor++) if (n % divisor == 0) return false;
  return true;
}

export function cht_allocate(height: i32, backendCapacity: i32): i32 {
  requireSizes(OP_CHT_ALLOCATE, height, backendCapacity);
  if (!isPrime(height)) failed(FAIL_HEIGHT_NOT_PRIME, OP_CHT_ALLOCATE, -1, height, 0, 0, 0);
  const entries = <i64>height * <i64>backendCapacity;
  if (entries > MAX_CHT_ENTRIES) failed(FAIL_CHT_TOO_LARGE, OP_CHT_ALLOCATE, -1, height, backendCapacity, 0, 0);
  const cht = changetype<Cht>(allocate(<i64>offsetof<Cht>() + entries * 4, OP_CHT_ALLOCATE, -1));
  cht.height = height;
  cht.backendCapacity = backendCapacity;
  cht.preferences = changetype<usize>(cht) + offsetof<Cht>();
  // The fill's working arrays, given back to the region once the table is filled.
  const kept = top;
  const rowOf = allocate(<i64>backendCapacity * 4, OP_CHT_ALLOCATE, -1);
  const skip = allocate(<i64>backendCapacity * 4, OP_CHT_ALLOCATE, -1);
  const filled = allocate(<i64>height * 4, OP_CHT_ALLOCATE, -1);
  for (let backend = 0; backend < backendCapacity; backend++) {
    store<i32>(rowOf + (<usize>backend << 2), <i32>(<u32>finalMix(2 * backend) % <u32>height));
    store<i32>(skip + (<usize>backend << 2), <i32>(<u32>finalMix(2 * backend + 1) % <u32>(height - 1)) + 1);
  }
  for (let step = 0; step < height; step++) {
    for (let backend = 0; backend < backendCapacity; backend++) {
      const row = load<i32>(rowOf + (<usize>backend << 2));
      const count = load<i32>(filled + (<usize>row << 2));
      store<i32>(filled + (<usize>row << 2), count + 1);
      store<i32>(cht.preferences + ((<usize>row * <usize>backendCapacity + <usize>count) << 2), backend);
      store<i32>(rowOf + (<usize>backend << 2), (row + load<i32>(skip + (<usize>backend << 2))) % height);
    }
  }
  top = kept;
  return register(KIND_CHT, changetype<usize>(cht), OP_CHT_ALLOCATE);
}

export function cht_find_backend(handle: i32, hash: i32, backends: i32): i32 {
  const live = changetype<Emap>(objectOf(backends, KIND_EMAP, OP_CHT_FIND_BACKEND));
  const cht = changetype<Cht>(objectOf(handle, KIND_CHT, OP_CHT_FIND_BACKEND));
  const capacity = cht.backendCapacity;
  const row = cht.preferences + ((<usize>(<u32>hash % <u32>cht.height) * <usize>capacity) << 2);
  for (let at = 0; at < capacity; at++) {
    const backend = load<i32>(row + (<usize>at << 2));
    if (isAllocated(live, backend)) return backend;
  }
  return NONE;
}

// ---- lpm: a trie of four one-octet levels with prefix expansion and leaf pushing (libvig/runtime/lpm.ts).

const FANOUT = 256;
/** A slot below NONE is a node: CHILD - slot. */
const CHILD = -2;

@unmanaged class Lpm {
  capacity: i32;
  /** Nodes in use, and room for this many slots. */
  nodes: i32;
  room: i32;
  /** i32 per slot: a value, NONE, or a node. */
  slots: usize;
  /** i8 per slot: the length of the rule its value comes from. */
  lengths: usize;
  /** The rules present (masked prefix x 33 + length, plus 1; 0 is a free cell): an open-addressing set. */
  rules: usize;
  ruleCells: i32;
  ruleCount: i32;
}

export function lpm_allocate(capacity: i32): i32 {
  requireSize(OP_LPM_ALLOCATE, 0, capacity);
  const lpm = changetype<Lpm>(allocate(<i64>offsetof<Lpm>(), OP_LPM_ALLOCATE, -1));
  lpm.capacity = capacity;
  lpm.nodes = 1;
  lpm.room = FANOUT;
  lpm.slots = allocate(FANOUT * 4, OP_LPM_ALLOCATE, -1);
  memory.fill(lpm.slots, 0xff, FANOUT * 4);
  lpm.lengths = allocate(FANOUT, OP_LPM_ALLOCATE, -1);
  memory.fill(lpm.lengths, 0xff, FANOUT);
  lpm.ruleCells = 16;
  lpm.rules = allocate(16 * 8, OP_LPM_ALLOCATE, -1);
  return register(KIND_LPM, changetype<usize>(lpm), OP_LPM_ALLOCATE);
}

/** Whether the rule is present, or is a new one the table has room for (then added): false when it is full. */
function ruleFits(lpm: Lpm, rule: u64, handle: i32): bool {
  const mask = lpm.ruleCells - 1;
  for (let cell = ruleCell(rule, mask); ; cell = (cell + 1) & mask) {
    const held = load<u64>(lpm.rules + (<usize>cell << 3));
    if (held == rule) return true;
    if (held == 0) break;
  }
  if (lpm.ruleCount == lpm.capacity) return false;
  if ((lpm.ruleCount + 1) * 2 > lpm.ruleCells) {
    const cells = lpm.ruleCells * 2;
    const rules = allocate(<i64>cells * 8, OP_LPM_ADD, handle);
    for (let old = 0; old < lpm.ruleCells; old++) {
      const held = load<u64>(lpm.rules + (<usize>old << 3));
      if (held != 0) placeRule(rules, cells - 1, held);
    }
    lpm.rules = rules;
    lpm.ruleCells = cells;
  }
  placeRule(lpm.rules, lpm.ruleCells - 1, rule);
  lpm.ruleCount++;
  return true;
}

// @ts-ignore: decorator
@inline function ruleCell(rule: u64, mask: i32): i32 {
  return finalMix(<i32>rule ^ <i32>(rule >> 32)) & mask;
}

function placeRule(rules: usize, mask: i32, rule: u64): void {
  let cell = ruleCell(rule, mask);
  while (load<u64>(rules + (<usize>cell << 3)) != 0) cell = (cell + 1) & mask;
  store<u64>(rules + (<usize>cell << 3), rule);
}

// @ts-ignore: decorator
@inline function octet(address: u32, level: i32): i32 {
  return <i32>((address >> (8 * (3 - level))) & 0xff);
}

export function lpm_add(handle: i32, prefix: i32, length: i32, value: i32): i32 {
  const lpm = changetype<Lpm>(objectOf(handle, KIND_LPM, OP_LPM_ADD));
  if (length < 0 || length > 32) failed(FAIL_PREFIX_LENGTH, OP_LPM_ADD, handle, length, 0, 0, 0);
  if (value < 0) failed(FAIL_NEGATIVE_VALUE, OP_LPM_ADD, handle, value, 0, 0, 0);
  const masked = <u32>(length == 0 ? 0 : prefix & (-1 << (32 - length)));
  if (!ruleFits(lpm, <u64>masked * 33 + <u64>length + 1, handle)) return 0;
  const level = length == 0 ? 0 : (length - 1) >> 3;
  let node = 0;
  for (let above = 0; above < level; above++) {
    const slot = node * FANOUT + octet(masked, above);
    const held = load<i32>(lpm.slots + (<usize>slot << 2));
    if (held >= NONE) {
      const child = newNode(lpm, held, load<i8>(lpm.lengths + <usize>slot), handle);
      store<i32>(lpm.slots + (<usize>slot << 2), CHILD - child);
    }
    node = CHILD - load<i32>(lpm.slots + (<usize>slot << 2));
  }
  const first = node * FANOUT + octet(masked, level);
  fill(lpm, first, first + (1 << (8 * (level + 1) - length)), value, <i8>length);
  return 1;
}

/** Slots [from, to) take the rule unless a longer one covers them. */
function fill(lpm: Lpm, from: i32, to: i32, value: i32, length: i8): void {
  for (let slot = from; slot < to; slot++) {
    const held = load<i32>(lpm.slots + (<usize>slot << 2));
    if (held < NONE) fill(lpm, (CHILD - held) * FANOUT, (CHILD - held + 1) * FANOUT, value, length);
    else if (load<i8>(lpm.lengths + <usize>slot) <= length) {
      store<i32>(lpm.slots + (<usize>slot << 2), value);
      store<i8>(lpm.lengths + <usize>slot, length);
    }
  }
}

/** A node whose slots hold `value`, from a rule of `length`; the slots move (doubled) when they are full. */
function newNode(lpm: Lpm, value: i32, length: i8, handle: i32): i32 {
  if ((lpm.nodes + 1) * FANOUT > lpm.room) {
    const room = lpm.room * 2;
    const slots = allocate(<i64>room * 4, OP_LPM_ADD, handle);
    const lengths = allocate(<i64>room, OP_LPM_ADD, handle);
    memory.copy(slots, lpm.slots, <usize>lpm.room * 4);
    memory.copy(lengths, lpm.lengths, <usize>lpm.room);
    lpm.slots = slots;
    lpm.lengths = lengths;
    lpm.room = room;
  }
  const node = lpm.nodes++;
  for (let slot = node * FANOUT; slot < (node + 1) * FANOUT; slot++) store<i32>(lpm.slots + (<usize>slot << 2), value);
  memory.fill(lpm.lengths + <usize>(node * FANOUT), <u8>length, FANOUT);
  return node;
}

export function lpm_lookup(handle: i32, address: i32): i32 {
  const slots = changetype<Lpm>(objectOf(handle, KIND_LPM, OP_LPM_LOOKUP)).slots;
  // Four levels at most, written out: a loop would check V8's stack limit at every level.
  let held = load<i32>(slots + (<usize>(<u32>address >> 24) << 2));
  if (held >= NONE) return held;
  held = childSlot(slots, held, address >> 16);
  if (held >= NONE) return held;
  held = childSlot(slots, held, address >> 8);
  if (held >= NONE) return held;
  return childSlot(slots, held, address);
}

/** The slot of `node` (a slot below NONE) for the low octet of `bits`. */
// @ts-ignore: decorator
@inline function childSlot(slots: usize, node: i32, bits: i32): i32 {
  return load<i32>(slots + ((<usize>((CHILD - node) * FANOUT) + <usize>(bits & 0xff)) << 2));
}
