// libVig's WebAssembly run-time (libvig/wasm/) against the JavaScript one: long random operation sequences on both, identical results, state and errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLibVig, LibVigError, type LibVigImports } from '../../libvig/runtime/index.ts';
import { compiledLibVig } from '../../libvig/index.ts';
import { wasmLibVig } from '../../libvig/wasm/load.ts';
import { LIBVIG_REGION_BASE } from '../../nf-abi/index.ts';
import { Random, WeightedChoices } from './harness/random.ts';

const SEEDS = Number(process.env.LIBVIG_WASM_SEQUENCES ?? 400);
const SEED_BASE = Number(process.env.LIBVIG_TEST_SEED ?? 1);
/** Where keys and records are written and read: the first page (the objects live from LIBVIG_REGION_BASE on). */
const SCRATCH = 2048;
const PRIMES = [2, 3, 5, 7, 11, 13, 17, 31, 61];

type Call = (runtime: LibVigImports) => number | bigint | void;
interface Step {
  text: string;
  call: Call;
}

/** Both run-times on one memory (keys are read from the same bytes; the wasm one keeps its objects in libVig's region). */
async function pair(): Promise<{ js: LibVigImports; wasm: LibVigImports; memory: WebAssembly.Memory }> {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const inWasm = wasmLibVig(await compiledLibVig());
  inWasm.attach(memory);
  return { js: createLibVig(memory).imports, wasm: inWasm.imports as unknown as LibVigImports, memory };
}

/** What a call did: its result, or the error's message (a LibVigError; anything else fails the test as it is). */
function outcome(call: () => number | bigint | void): string {
  try {
    return `= ${String(call())}`;
  } catch (e) {
    if (e instanceof LibVigError) return `LibVigError: ${e.message}`;
    throw e;
  }
}

interface Objects {
  emaps: { handle: number; keySize: number; capacity: number }[];
  vectors: { handle: number; recordSize: number; capacity: number }[];
  chts: number[];
  lpms: number[];
  count: number;
}

/** Every observable of every object: counts, allocated indices and their keys, records, lookups. */
function observe(runtime: LibVigImports, memory: WebAssembly.Memory, objects: Objects, random: Random): string[] {
  const seen: string[] = [];
  const bytes = (at: number, size: number) => [...new Uint8Array(memory.buffer, at, size)].join(',');
  for (const { handle, keySize, capacity } of objects.emaps) {
    seen.push(`emap ${handle}: count ${runtime.emap_count(handle)} full ${runtime.emap_full(handle)}`);
    for (let index = 0; index < capacity; index++) {
      if (runtime.emap_has_idx(handle, index) === 1) {
        runtime.emap_get_key(handle, index, SCRATCH + 512);
        seen.push(`  ${index}: ${bytes(SCRATCH + 512, keySize)}`);
      }
    }
  }
  for (const { handle, recordSize, capacity } of objects.vectors) {
    for (let index = 0; index < capacity; index++) {
      runtime.vector_get(handle, index, SCRATCH + 512);
      seen.push(`vector ${handle}[${index}]: ${bytes(SCRATCH + 512, recordSize)}`);
    }
  }
  const draws = Array.from({ length: 8 }, () => random.next() | 0);
  for (const cht of objects.chts) for (const { handle } of objects.emaps) seen.push(`cht ${cht} over ${handle}: ${draws.map((hash) => runtime.cht_find_backend(cht, hash, handle)).join(',')}`);
  for (const lpm of objects.lpms) seen.push(`lpm ${lpm}: ${draws.map((address) => runtime.lpm_lookup(lpm, address)).join(',')}`);
  return seen;
}

/** A random sequence's set-up: allocations, some of them bad (both run-times must refuse those alike). */
function allocations(random: Random, objects: Objects, large: boolean): Step[] {
  const steps: Step[] = [];
  const size = (most: number) => (random.chance(0.03) ? random.pick([0, -1, (1 << 24) + 1]) : random.between(1, most));
  const kinds = Array.from({ length: random.between(2, 6) }, () => random.pick(['emap', 'emap', 'vector', 'cht', 'lpm'] as const));
  for (const kind of kinds) {
    const handle = objects.count;
    if (kind === 'emap') {
      const keySize = size(13);
      const capacity = large ? random.between(500, 3000) : size(24);
      steps.push({ text: `emap_allocate(${keySize}, ${capacity})`, call: (r) => r.emap_allocate(keySize, capacity) });
      if (keySize >= 1 && keySize <= 1 << 24 && capacity >= 1 && capacity <= 1 << 24) objects.emaps.push({ handle, keySize, capacity });
      else continue;
    } else if (kind === 'vector') {
      const recordSize = size(11);
      const capacity = size(12);
      steps.push({ text: `vector_allocate(${recordSize}, ${capacity})`, call: (r) => r.vector_allocate(recordSize, capacity) });
      if (recordSize >= 1 && recordSize <= 1 << 24 && capacity >= 1 && capacity <= 1 << 24) objects.vectors.push({ handle, recordSize, capacity });
      else continue;
    } else if (kind === 'cht') {
      // Too many entries only with a height that makes them so (a smaller table of that many backends is valid).
      const tooLarge = random.chance(0.05);
      const height = tooLarge ? 61 : random.chance(0.1) ? random.pick([1, 4, 9, 65536]) : random.pick(PRIMES);
      const backends = tooLarge ? 1 << 24 : random.between(1, 8);
      steps.push({ text: `cht_allocate(${height}, ${backends})`, call: (r) => r.cht_allocate(height, backends) });
      if (PRIMES.includes(height) && backends <= 8) objects.chts.push(handle);
      else continue;
    } else {
      const capacity = size(20);
      steps.push({ text: `lpm_allocate(${capacity})`, call: (r) => r.lpm_allocate(capacity) });
      if (capacity >= 1 && capacity <= 1 << 24) objects.lpms.push(handle);
      else continue;
    }
    objects.count++;
  }
  return steps;
}

/** One random operation over the objects; keys come from a small pool, so that hits, re-adds and full tables happen. */
function operation(random: Random, objects: Objects, clock: { now: bigint }, memory: WebAssembly.Memory): Step {
  const badHandle = () => random.pick([-1, objects.count, objects.count + 3, random.below(objects.count + 1)]);
  const write = (size: number): number => {
    if (random.chance(0.01)) return random.pick([-4, memory.buffer.byteLength - Math.max(1, size - 1), 0x7fffffff]);
    const at = SCRATCH + random.below(300);
    const pool = random.below(size === 1 ? 6 : 30);
    const view = new Uint8Array(memory.buffer, at, size);
    for (let byte = 0; byte < size; byte++) view[byte] = (pool * 37 + byte * (pool + 1)) & 0xff;
    return at;
  };
  const time = (): bigint => {
    if (random.chance(0.02)) return clock.now - BigInt(random.between(1, 5));
    clock.now += BigInt(random.below(4));
    return clock.now;
  };
  const pickEmap = () => (objects.emaps.length > 0 ? random.pick(objects.emaps) : null);
  const kind = random.weighted(OPERATIONS);
  const emap = pickEmap();
  if (kind.startsWith('emap') && emap) {
    const map = random.chance(0.02) ? badHandle() : emap.handle;
    const index = random.chance(0.05) ? random.pick([-1, emap.capacity, emap.capacity + 1]) : random.below(emap.capacity);
    switch (kind) {
      case 'emap_get': { const key = write(emap.keySize); return { text: `emap_get(${map}, @${key})`, call: (r) => r.emap_get(map, key) }; }
      case 'emap_add': { const key = write(emap.keySize); const now = time(); return { text: `emap_add(${map}, @${key}, ${now})`, call: (r) => r.emap_add(map, key, now) }; }
      case 'emap_erase': { const key = write(emap.keySize); return { text: `emap_erase(${map}, @${key})`, call: (r) => r.emap_erase(map, key) }; }
      case 'emap_refresh': { const now = time(); return { text: `emap_refresh(${map}, ${index}, ${now})`, call: (r) => r.emap_refresh(map, index, now) }; }
      case 'emap_expire': {
        const at = clock.now - BigInt(random.below(12)) + (random.chance(0.05) ? 1n << 40n : 0n);
        return { text: `emap_expire(${map}, ${at})`, call: (r) => r.emap_expire(map, at) };
      }
      case 'emap_has_idx': return { text: `emap_has_idx(${map}, ${index})`, call: (r) => r.emap_has_idx(map, index) };
      case 'emap_get_key': { const out = random.chance(0.02) ? -8 : SCRATCH + 400; return { text: `emap_get_key(${map}, ${index}, @${out})`, call: (r) => r.emap_get_key(map, index, out) }; }
      default: return random.chance(0.5) ? { text: `emap_count(${map})`, call: (r) => r.emap_count(map) } : { text: `emap_full(${map})`, call: (r) => r.emap_full(map) };
    }
  }
  if (kind === 'vector' && objects.vectors.length > 0) {
    const vector = random.pick(objects.vectors);
    const handle = random.chance(0.02) ? badHandle() : vector.handle;
    const index = random.chance(0.05) ? random.pick([-1, vector.capacity]) : random.below(vector.capacity);
    if (random.chance(0.5)) { const record = write(vector.recordSize); return { text: `vector_set(${handle}, ${index}, @${record})`, call: (r) => r.vector_set(handle, index, record) }; }
    const out = random.chance(0.02) ? memory.buffer.byteLength - 1 : SCRATCH + 400;
    return { text: `vector_get(${handle}, ${index}, @${out})`, call: (r) => r.vector_get(handle, index, out) };
  }
  if (kind === 'cht' && objects.chts.length > 0 && emap) {
    const cht = random.chance(0.03) ? badHandle() : random.pick(objects.chts);
    const backends = random.chance(0.03) ? badHandle() : emap.handle;
    const hash = random.next() | 0;
    return { text: `cht_find_backend(${cht}, ${hash}, ${backends})`, call: (r) => r.cht_find_backend(cht, hash, backends) };
  }
  if (kind === 'lpm' && objects.lpms.length > 0) {
    const lpm = random.chance(0.03) ? badHandle() : random.pick(objects.lpms);
    const prefix = random.pick([0x0a000000, 0x0a010000, 0x0a010200, 0xc0a80000 | 0, 0, random.next() | 0]);
    if (random.chance(0.5)) {
      const length = random.chance(0.03) ? random.pick([-1, 33]) : random.pick([0, 8, 12, 16, 20, 24, 28, 32, random.between(0, 32)]);
      const value = random.chance(0.03) ? -1 : random.below(50);
      return { text: `lpm_add(${lpm}, ${prefix}, ${length}, ${value})`, call: (r) => r.lpm_add(lpm, prefix, length, value) };
    }
    const address = (prefix + random.below(1 << random.pick([0, 4, 10, 18, 30]))) | 0;
    return { text: `lpm_lookup(${lpm}, ${address})`, call: (r) => r.lpm_lookup(lpm, address) };
  }
  const handle = badHandle();
  return { text: `emap_get(${handle}, @${SCRATCH})`, call: (r) => r.emap_get(handle, SCRATCH) };
}

const OPERATIONS = new WeightedChoices({
  emap_get: 6, emap_add: 8, emap_erase: 2, emap_refresh: 3, emap_expire: 2, emap_has_idx: 1, emap_get_key: 1, emap_count: 1,
  vector: 4, cht: 2, lpm: 4,
});

/** What the sequences reached: each operation's kinds of outcome (errors by their wording, numbers left out). */
const covered = new Set<string>();

function coverageOf(text: string, result: string): string {
  const name = text.slice(0, text.indexOf('('));
  if (result.startsWith('LibVigError')) return `${name} ${result.replace(/-?\d+/g, 'N')}`;
  const value = Number(result.slice(2));
  return `${name} ${value === -1 ? '-1' : value === 0 ? '0' : value > 0 ? 'positive' : result}`;
}

/** Runs sequence `seed` on both run-times; returns the first divergence, or null. */
async function runSequence(seed: number, length: number, large: boolean): Promise<string | null> {
  const random = new Random(seed);
  const { js, wasm, memory } = await pair();
  const objects: Objects = { emaps: [], vectors: [], chts: [], lpms: [], count: 0 };
  // Times where the i64's low half carries, or that start at the extremes of time.
  const clock = { now: random.pick([0n, (1n << 32n) - 3n, -(1n << 63n), (1n << 62n), -5n]) };
  const done: string[] = [];
  const steps = allocations(random, objects, large);
  const allocated = steps.length;
  for (let n = 0; n < length; n++) steps.push(operation(random, objects, clock, memory));
  for (const step of steps) {
    const [fromJs, fromWasm] = [outcome(() => step.call(js)), outcome(() => step.call(wasm))];
    done.push(`${step.text} ${fromJs}`);
    covered.add(coverageOf(step.text, fromJs));
    if (fromJs !== fromWasm) return `seed ${seed}, step ${done.length}: ${step.text}\n  JavaScript: ${fromJs}\n  WebAssembly: ${fromWasm}\nafter:\n${done.slice(-12, -1).join('\n')}`;
    // The state of every object, once all are allocated (in long sequences, every 50 steps).
    if (done.length < allocated || (large && done.length % 50 !== 0)) continue;
    const [jsState, wasmState] = [observe(js, memory, objects, new Random(seed + done.length)), observe(wasm, memory, objects, new Random(seed + done.length))];
    const differs = jsState.findIndex((line, i) => line !== wasmState[i]);
    if (differs >= 0 || jsState.length !== wasmState.length) {
      return `seed ${seed}, after step ${done.length}: ${step.text}\n  JavaScript state: ${jsState[differs]}\n  WebAssembly state: ${wasmState[differs]}\nafter:\n${done.slice(-12).join('\n')}`;
    }
  }
  return null;
}

test(`${SEEDS} random sequences of 300 operations at small capacities: the same results, errors and state on both run-times`, async () => {
  for (let seed = SEED_BASE; seed < SEED_BASE + SEEDS; seed++) {
    const divergence = await runSequence(seed, 300, false);
    assert.equal(divergence, null, divergence ?? '');
  }
});

test('the sequences reach full tables, expiries, every kind of lookup result and every precondition failure', () => {
  const expected = [
    'emap_add -1', 'emap_add positive', 'emap_expire positive', 'emap_get -1', 'emap_get positive', 'cht_find_backend positive', 'cht_find_backend -1',
    'lpm_lookup positive', 'lpm_lookup -1', 'lpm_add 0', 'emap_full positive',
  ];
  const failures = ['wrong kind: expected', 'outside the NF', 'already present', 'not present', 'is not allocated', 'is out of range', 'time went backwards', 'is not a prime', 'more than N entries', 'prefix length', 'is negative', 'it must be between'];
  const missing = [...expected.filter((c) => !covered.has(c)), ...failures.filter((f) => ![...covered].some((c) => c.includes(f.replace('wrong kind: ', ''))))];
  assert.deepEqual(missing, [], `never reached: ${missing.join('; ')}`);
});

test('long sequences at capacities in the thousands (tables filled, expired, refilled): the same on both', async () => {
  for (let seed = SEED_BASE; seed < SEED_BASE + 4; seed++) {
    const divergence = await runSequence(1_000_000 + seed, 20_000, true);
    assert.equal(divergence, null, divergence ?? '');
  }
});

test("the WebAssembly run-time keeps its objects in libVig's region: the NF's memory below it stays as it was", async () => {
  const { wasm, memory } = await pair();
  const page = new Uint8Array(memory.buffer, 0, 65536);
  for (let at = 0; at < page.length; at++) page[at] = (at * 7) & 0xff;
  const before = page.slice();
  const emap = wasm.emap_allocate(6, 1000);
  const vector = wasm.vector_allocate(8, 1000);
  assert.equal(wasm.emap_add(emap, SCRATCH, 5n), 0);
  wasm.vector_set(vector, 999, SCRATCH);
  assert.ok(memory.buffer.byteLength > LIBVIG_REGION_BASE, 'memory grew to hold the region');
  assert.deepEqual(new Uint8Array(memory.buffer, 0, 65536), before);
  assert.deepEqual(new Uint8Array(memory.buffer, 65536, LIBVIG_REGION_BASE - 65536).some((byte) => byte !== 0), false);
});
