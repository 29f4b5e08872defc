// Each violation kind and each engine error, on small hand-written NFs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import binaryen from 'binaryen';
import type { NfBuild } from '../../toolchain/build.ts';
import { DecodeError, decodeModule } from '../../engine/wasm/decode.ts';
import { exploreNf, inputFromModel } from '../../engine/nf/explore-nf.ts';
import { EngineError } from '../../engine/symbex/violations.ts';

/** An NF whose nf_process body is `body` (WAT), with `extra` module fields. */
function watNf(body: string, extra = '', frameMax = 64): NfBuild {
  const module = binaryen.parseText(`(module ${extra} (memory (export "memory") 2)
    (func (export "nf_init"))
    (func (export "nf_process") (param $device i32) (param $packet i32) (param $length i32) (param $now i64) (result i32) ${body}))`);
  module.setFeatures(binaryen.Features.All);
  assert.ok(module.validate());
  return {
    wasm: module.emitBinary(), sourceMap: null, wasmPath: '', hash: '', language: 'assemblyscript', compileSeconds: 0, dir: '',
    manifest: { name: 'wat', description: '', source: 'wat', devices: 2, frame: { min: 0, max: frameMax }, config: {}, records: {}, state: [] },
  };
}

describe('violations', () => {
  test('a call to an import without a contract', async () => {
    const run = await exploreNf(watNf('(drop (call $rng)) (i32.const 0)', '(import "vendor" "rng" (func $rng (result i32)))'));
    assert.equal(run.violations.length, 1);
    assert.equal(run.violations[0]!.kind, 'missing-contract');
    assert.match(run.violations[0]!.message, /vendor\.rng, which has no contract/);
  });

  test('an access outside every region (below the packet area)', async () => {
    const run = await exploreNf(watNf('(i32.store (i32.const 100) (i32.const 1)) (i32.const 0)'));
    assert.equal(run.violations[0]!.kind, 'out-of-bounds');
    assert.match(run.violations[0]!.message, /write of 4 bytes at address 100 is outside every memory region/);
  });

  test('a computed address that can leave the frame: split into in-bounds traces and a violation', async () => {
    // packet[packet[0]]: in bounds only when packet[0] < length.
    const run = await exploreNf(watNf('(i32.load8_u (i32.add (local.get $packet) (i32.load8_u (local.get $packet))))', ''));
    const kinds = run.violations.map((v) => v.kind).sort();
    assert.ok(kinds.includes('packet-overrun'), kinds.join());
    const overrun = run.violations.find((v) => v.kind === 'packet-overrun')!;
    const input = inputFromModel(overrun.model);
    assert.ok(input.length === 0 || input.packet[0]! >= input.length, 'the counterexample indexes past the frame');
    assert.ok(run.traces.length >= 1, 'the in-bounds side goes on');
  });

  test('an empty memory.fill or memory.copy past the end of memory traps, as WebAssembly has it; at the end it does not', async () => {
    // The memory is 2 pages: 131,072 bytes.
    const past = await exploreNf(watNf('(memory.fill (i32.const 131073) (i32.const 0) (i32.const 0)) (i32.const 0)'));
    assert.deepEqual(past.violations.map((v) => v.kind), ['out-of-bounds']);
    assert.match(past.violations[0]!.message, /^memory\.fill of 0 bytes whose destination is past the end of memory/);
    const source = await exploreNf(watNf('(memory.copy (i32.const 65536) (i32.add (i32.const 131072) (local.get $device)) (i32.const 0)) (i32.const 0)'));
    assert.deepEqual(source.violations.map((v) => v.kind), ['out-of-bounds']);
    assert.match(source.violations[0]!.message, /^memory\.copy of 0 bytes whose source is past the end of memory/);
    assert.ok(inputFromModel(source.violations[0]!.model).device > 0, 'the device that puts the source past the end');
    const atEnd = await exploreNf(watNf('(memory.fill (i32.const 131072) (i32.const 0) (i32.const 0)) (i32.const 0)'));
    assert.deepEqual(atEnd.violations, []);
  });

  test('unbounded recursion is a hang', async () => {
    const run = await exploreNf(watNf('(call $down (local.get $length))', '(func $down (param i32) (result i32) (call $down (local.get 0)))'));
    assert.equal(run.violations[0]!.kind, 'hang');
    assert.match(run.violations[0]!.message, /call depth exceeds/);
  });

  test('a loop as long as the largest frame is bounded work; one ten times as long is a hang', async () => {
    const counting = (times: number) =>
      `(local $i i32) (loop $again (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $again (i32.lt_u (local.get $i) (i32.const ${times})))) (i32.const 0)`;
    const once = await exploreNf(watNf(counting(600), '', 600));
    assert.deepEqual(once.violations, []);
    assert.equal(once.traces.length, 1);
    const tenfold = await exploreNf(watNf(counting(6000), '', 600));
    assert.deepEqual(tenfold.violations.map((v) => v.kind), ['hang']);
    assert.match(tenfold.violations[0]!.message, /loop runs more than 600 iterations/);
  });

  test('a loop over every row of a config table longer than a frame is bounded work too', async () => {
    const imports = '(import "config" "rules_count" (func $count (result i32))) (import "config" "rules_port" (func $port (param i32) (result i32)))';
    const sum = '(local $row i32) (local $sum i32) (block $done (loop $again (br_if $done (i32.ge_u (local.get $row) (call $count))) ' +
      '(local.set $sum (i32.add (local.get $sum) (call $port (local.get $row)))) (local.set $row (i32.add (local.get $row) (i32.const 1))) (br $again))) (i32.const 0)';
    const build = watNf(sum, imports);
    const rows = Array.from({ length: 2000 }, (_, i) => ({ port: i }));
    const run = await exploreNf({ ...build, manifest: { ...build.manifest, tables: { rules: { columns: { port: 'u16' }, rows } } } });
    assert.deepEqual(run.violations, []);
    assert.equal(run.traces.length, 1);
  });

  test('env.abort is a violation', async () => {
    const run = await exploreNf(watNf('(if (i32.eq (local.get $device) (i32.const 1)) (then (call $abort (i32.const 0) (i32.const 0) (i32.const 7) (i32.const 3)))) (i32.const 0)',
      '(import "env" "abort" (func $abort (param i32 i32 i32 i32)))'));
    assert.equal(run.traces.length, 1);
    assert.equal(run.violations.length, 1);
    assert.equal(run.violations[0]!.kind, 'abort');
    assert.equal(inputFromModel(run.violations[0]!.model).device, 1);
  });
});

describe('engine errors: unsupported input is refused, never answered wrongly', () => {
  test('a float instruction', async () => {
    await assert.rejects(exploreNf(watNf('(drop (f32.add (f32.const 1) (f32.const 2))) (i32.const 0)')), (e: Error) =>
      e instanceof EngineError && /^wasm byte \d+: the verifier does not execute f32\.const \(in .*\): write this code without them$/.test(e.message));
  });

  test('a SIMD instruction', async () => {
    await assert.rejects(exploreNf(watNf('(drop (i32x4.splat (i32.const 1))) (i32.const 0)')), (e: Error) =>
      e instanceof EngineError && /^wasm byte \d+: the verifier does not execute SIMD instructions \(in .*\)/.test(e.message));
  });

  // At run time the devices and libVig's run-time own the memory above the NF's (nf-abi/memory-layout.ts).
  test("memory.size and memory.grow in the NF's code, in nf_process or nf_init", async () => {
    const refused = (what: string) => (e: Error) => e instanceof EngineError && new RegExp(`the verifier does not execute ${what} \\(in .*\\): an NF works within the memory it declares`).test(e.message);
    await assert.rejects(exploreNf(watNf('(i32.store (i32.sub (i32.shl (memory.size) (i32.const 16)) (i32.const 4)) (i32.const 1)) (i32.const 0)')), refused('memory\\.size'));
    await assert.rejects(exploreNf(watNf('(drop (memory.grow (i32.const 300))) (i32.const 0)')), refused('memory\\.grow'));
    const init = binaryen.parseText(`(module (memory (export "memory") 2)
      (func (export "nf_init") (drop (memory.grow (i32.const 1))))
      (func (export "nf_process") (param i32 i32 i32 i64) (result i32) (i32.const 0)))`);
    await assert.rejects(exploreNf({ ...watNf('(i32.const 0)'), wasm: init.emitBinary() }), refused('memory\\.grow'));
  });

  test('a state object nf.json declares and nf_init never allocates', async () => {
    const build = watNf('(i32.const 0)');
    build.manifest = { ...build.manifest, config: { capacity: { type: 'u32', value: 4 } }, records: { Mac: [{ name: 'addr', type: 'u64' }] }, state: [{ name: 'macs', kind: 'vector', record: 'Mac', capacity: 'capacity' }] };
    await assert.rejects(exploreNf(build), (e: Error) =>
      e instanceof EngineError && /^wat\/nf\.json declares state "macs" \(vector\) that nf_init never allocates: allocate every object/.test(e.message));
  });

  test('bytes that are not WebAssembly', () => {
    assert.throws(() => decodeModule(new TextEncoder().encode('hello, world')), DecodeError);
  });
});
