// Misuse an NF can commit is reported, not absorbed: each precondition of libvig/README.md throws a LibVigError
// naming the call, the object and what to do, and leaves the object as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLibVig, LibVigError } from '../../libvig/runtime/index.ts';

function setUp() {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { imports } = createLibVig(memory);
  const put = (at: number, ...bytes: number[]): number => (new Uint8Array(memory.buffer).set(bytes, at), at);
  return { imports, put, memory };
}

function assertRejected(call: () => unknown, operation: string, ...phrases: RegExp[]): void {
  assert.throws(call, (error: unknown) => {
    assert.ok(error instanceof LibVigError, `expected a LibVigError, got ${String(error)}`);
    assert.equal(error.operation, operation);
    for (const phrase of phrases) assert.match(error.message, phrase);
    return true;
  });
}

test('emap: adding a present key, time going backwards, unallocated indices and absent keys are rejected', () => {
  const { imports, put } = setUp();
  const map = imports.emap_allocate(2, 4);
  const key = put(100, 1, 2);
  const index = imports.emap_add(map, key, 50n);
  assertRejected(() => imports.emap_add(map, key, 60n), 'emap_add', /already present at index 0/, /emap_get/);
  assertRejected(() => imports.emap_add(map, put(200, 3, 4), 49n), 'emap_add', /time went backwards/, /49 ns is before 50 ns/);
  assertRejected(() => imports.emap_refresh(map, index, 10n), 'emap_refresh', /time went backwards/);
  assertRejected(() => imports.emap_refresh(map, 1, 60n), 'emap_refresh', /index 1 is not allocated/);
  assertRejected(() => imports.emap_get_key(map, 4, 300), 'emap_get_key', /index 4 is out of range 0\.\.3/);
  assertRejected(() => imports.emap_erase(map, put(200, 3, 4)), 'emap_erase', /not present/);
  assert.equal(imports.emap_count(map), 1, 'a rejected call changes nothing');
  assert.equal(imports.emap_get(map, key), index);
  assert.equal(imports.emap_has_idx(map, -1), 0, 'has_idx is total: out of range is simply not allocated');
});

test('keys and records must lie inside the NF memory', () => {
  const { imports, memory } = setUp();
  const map = imports.emap_allocate(13, 4);
  const end = memory.buffer.byteLength;
  assertRejected(() => imports.emap_get(map, end - 12), 'emap_get', /13 bytes at address \d+ lie outside the NF's memory \(65536 bytes\)/);
  assertRejected(() => imports.emap_get(map, -1), 'emap_get', /address 4294967295/);
  const vector = imports.vector_allocate(8, 2);
  assertRejected(() => imports.vector_set(vector, 0, end - 4), 'vector_set', /outside the NF's memory/);
});

test('the NF memory may grow between calls', () => {
  const { imports, memory, put } = setUp();
  const map = imports.emap_allocate(2, 4);
  imports.emap_add(map, put(10, 5, 6), 0n);
  memory.grow(1);
  const key = put(70_000, 5, 6);
  assert.equal(imports.emap_get(map, key), 0, 'a key above the old end is read from the grown memory');
});

test('vector: indices out of range are rejected', () => {
  const { imports } = setUp();
  const vector = imports.vector_allocate(4, 3);
  assertRejected(() => imports.vector_get(vector, 3, 0), 'vector_get', /index 3 is out of range 0\.\.2/);
  assertRejected(() => imports.vector_set(vector, -1, 0), 'vector_set', /index -1 is out of range/);
});

test('handles must name an object of the right kind', () => {
  const { imports, put } = setUp();
  const vector = imports.vector_allocate(4, 3);
  assertRejected(() => imports.emap_get(vector, put(0, 1)), 'emap_get', /expected an emap handle but it is a vector/, /emap_allocate/);
  assertRejected(() => imports.lpm_lookup(7, 0), 'lpm_lookup', /no object has this handle/);
  const cht = imports.cht_allocate(5, 2);
  assertRejected(() => imports.cht_find_backend(cht, 0, vector), 'cht_find_backend', /expected an emap handle/);
  // emap_expire answers calls that expire nothing without JavaScript (libvig/runtime/time-adapter.ts), but only for
  // emaps: at times that would expire nothing from an emap, other handles are still rejected.
  imports.emap_allocate(1, 2);
  for (const time of [-(2n ** 63n), 0n, 2n ** 63n - 1n]) {
    assertRejected(() => imports.emap_expire(vector, time), 'emap_expire', /expected an emap handle but it is a vector/);
    assertRejected(() => imports.emap_expire(cht, time), 'emap_expire', /expected an emap handle but it is a cht/);
    for (const unknown of [-1, 7, 1 << 20]) assertRejected(() => imports.emap_expire(unknown, time), 'emap_expire', /no object has this handle/);
  }
});

test('allocation arguments are checked', () => {
  const { imports } = setUp();
  assertRejected(() => imports.emap_allocate(0, 4), 'emap_allocate', /key_size is 0; it must be between 1 and/);
  assertRejected(() => imports.vector_allocate(4, -1), 'vector_allocate', /capacity is -1/);
  assertRejected(() => imports.cht_allocate(12, 3), 'cht_allocate', /height 12 is not a prime/);
  assertRejected(() => imports.lpm_allocate(0), 'lpm_allocate', /capacity is 0/);
});

test('lpm: prefix lengths beyond 32 and negative values are rejected', () => {
  const { imports } = setUp();
  const lpm = imports.lpm_allocate(2);
  assertRejected(() => imports.lpm_add(lpm, 0, 33, 1), 'lpm_add', /prefix length 33 is not in 0\.\.32/);
  assertRejected(() => imports.lpm_add(lpm, 0, 8, -1), 'lpm_add', /value -1 is negative/);
  assert.equal(imports.lpm_lookup(lpm, 0), -1, 'rejected rules are not added');
});
