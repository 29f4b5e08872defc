// The NF-facing declarations (libvig/as/*.ts, libvig/c/libvig.h) against the ABI table (libvig/abi.ts) and the
// run-time: compiled imports have exactly the table's signatures, and calls made from WebAssembly through them
// behave as the reference models say.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LIBVIG_ABI, LIBVIG_MODULE } from '../../nf-abi/index.ts';
import { createLibVig, LibVigError } from '../../libvig/runtime/index.ts';
import { compileSource } from '../../toolchain/build.ts';
import { functionImports } from './harness/wasm-imports.ts';
import { ReferenceCht } from './models/cht-model.ts';
import { ReferenceEmap } from './models/emap-model.ts';
import { ReferenceLpm } from './models/lpm-model.ts';
import { unlessInstalled } from '../tools.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

type Wrappers = Record<string, (...args: (number | bigint)[]) => number> & { memory: WebAssembly.Memory };

async function instantiate(source: string): Promise<{ wrappers: Wrappers; imports: ReturnType<typeof functionImports> }> {
  const { wasm } = await compileSource(join(HERE, source), { exports: [] });
  let wrappers: Wrappers | null = null;
  const libvig = createLibVig(() => wrappers!.memory);
  const { instance } = await WebAssembly.instantiate(wasm, { [LIBVIG_MODULE]: libvig.imports, env: { abort: () => assert.fail(`${source} aborted`) } });
  wrappers = instance.exports as Wrappers;
  return { wrappers, imports: functionImports(wasm) };
}

function assertSignaturesMatchAbi(imports: ReturnType<typeof functionImports>): void {
  const declared = Object.fromEntries(imports.filter((i) => i.module === LIBVIG_MODULE).map((i) => [i.name, { params: i.params, results: i.results }]));
  const expected = Object.fromEntries(
    Object.entries(LIBVIG_ABI).map(([name, signature]) => [name, { params: signature.params.map(([, type]) => type), results: signature.result ? [signature.result] : [] }]),
  );
  assert.deepEqual(declared, expected);
}

/** A short NF-like session through the wrappers, each result compared with the reference models. */
function exerciseEveryImport(call: Wrappers): void {
  const bytes = () => new Uint8Array(call.memory.buffer);
  const KEY = 4096;
  const OUT = 8192;
  const key = (text: string): Uint8Array => new TextEncoder().encode(text.padEnd(13, '.'));
  const put = (data: Uint8Array, at = KEY): number => (bytes().set(data, at), at);

  const flows = call.call_emap_allocate!(13, 2);
  const model = new ReferenceEmap(2);
  const a = key('flow a');
  const b = key('flow b');
  assert.equal(call.call_emap_add!(flows, put(a), 10n), model.add(a, 10n));
  assert.equal(call.call_emap_get!(flows, put(a)), model.get(a));
  assert.equal(call.call_emap_get!(flows, put(b)), model.get(b));
  assert.equal(call.call_emap_has_idx!(flows, model.get(a)), 1);
  call.call_emap_get_key!(flows, model.get(a), OUT);
  assert.deepEqual(bytes().slice(OUT, OUT + 13), a);
  assert.equal(call.call_emap_add!(flows, put(b), 20n), model.add(b, 20n));
  assert.equal(call.call_emap_full!(flows), Number(model.full()));
  call.call_emap_refresh!(flows, model.get(a), 30n);
  model.refresh(model.get(a), 30n);
  assert.equal(call.call_emap_expire!(flows, 25n), model.expire(25n));
  assert.equal(call.call_emap_count!(flows), model.count());
  call.call_emap_erase!(flows, put(a));
  model.erase(a);
  assert.equal(call.call_emap_count!(flows), model.count());
  assert.throws(() => call.call_emap_refresh!(flows, 0, 5n), LibVigError, 'a precondition broken inside WebAssembly surfaces as a LibVigError');

  const records = call.call_vector_allocate!(3, 4);
  call.call_vector_set!(records, 3, put(Uint8Array.of(7, 8, 9)));
  call.call_vector_get!(records, 3, OUT);
  assert.deepEqual([...bytes().slice(OUT, OUT + 3)], [7, 8, 9]);

  const backends = call.call_emap_allocate!(4, 3);
  const liveBackends = new ReferenceEmap(3);
  for (const [name, now] of [['b0', 1n], ['b1', 2n]] as const) {
    const backendKey = new TextEncoder().encode(name.padEnd(4));
    assert.equal(call.call_emap_add!(backends, put(backendKey), now), liveBackends.add(backendKey, now));
  }
  const cht = call.call_cht_allocate!(7, 3);
  const chtModel = new ReferenceCht(7, 3);
  for (const hash of [0, 1, 5, 6, -1, 0x7fffffff]) {
    assert.equal(call.call_cht_find_backend!(cht, hash, backends), chtModel.findBackend(hash, (backend) => liveBackends.hasIdx(backend)));
  }

  const routes = call.call_lpm_allocate!(2);
  const lpmModel = new ReferenceLpm(2);
  for (const [prefix, length, value] of [[0x0a000000, 8, 1], [0x0a010000, 16, 2], [0xc0a80000 | 0, 16, 3]] as const) {
    assert.equal(call.call_lpm_add!(routes, prefix, length, value), lpmModel.add(prefix, length, value));
  }
  for (const address of [0x0a010203, 0x0a020304, 0xc0a80001 | 0, 0x0b000000]) assert.equal(call.call_lpm_lookup!(routes, address), lpmModel.lookup(address));
}

test('the AssemblyScript declarations import exactly the ABI, with its signatures, and work from WebAssembly', async () => {
  const { wrappers, imports } = await instantiate('as/every_import.ts');
  assertSignaturesMatchAbi(imports);
  exerciseEveryImport(wrappers);
});

test('the C header imports exactly the ABI, with its signatures, and works from WebAssembly', { skip: unlessInstalled('clang') }, async () => {
  const { wrappers, imports } = await instantiate('c/every_import.c');
  assertSignaturesMatchAbi(imports);
  exerciseEveryImport(wrappers);
});

test('the run-time provides exactly the ABI', () => {
  const imports = createLibVig(new WebAssembly.Memory({ initial: 1 })).imports;
  assert.deepEqual(
    Object.entries(imports).map(([name, host]) => [name, host.length]),
    Object.entries(LIBVIG_ABI).map(([name, signature]) => [name, signature.params.length]),
  );
});
