// Loop exits merged (RunSetup.mergeLoopExits, engine/symbex/merge.ts): a 64-byte block copy over a symbolic
// length goes on as one path instead of one per trip count, and that path still says what V8 computes.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import binaryen from 'binaryen';
import * as T from '../../engine/solver/term.ts';
import { Solver } from '../../engine/solver/z3.ts';
import type { Exploration } from '../../engine/symbex/explore.ts';
import type { Value } from '../../engine/symbex/state.ts';
import { MEMORY_BASE, PACKET_BASE } from '../../nf-abi/index.ts';
import { type Args, machineFor, predicted, SYMBOLIC_ARGS, v8Run } from '../engine/harness.ts';

const SOURCE = MEMORY_BASE + 1024;
/** 200 bytes before the end of the 2-page memory: a fourth block reads past it. */
const NEAR_END = 2 * 65536 - 200;

/** `$copy_to_N`: copies `a & 255` bytes, rounded up to 64-byte blocks, from `from` to MEMORY_BASE, as the stack does. */
const copy = (name: string, from: number) => `
  (func (export "${name}") (param $a i32) (param $b i32) (param $c i64) (param $d i64) (result i64)
    (local $done i32) (local $length i32)
    (local.set $length (i32.and (local.get $a) (i32.const 255)))
    (loop $blocks
      (if (i32.lt_u (local.get $done) (local.get $length))
        (then
${Array.from({ length: 8 }, (_, k) => `          (i64.store offset=${k * 8} (i32.add (local.get $done) (i32.const ${MEMORY_BASE})) (i64.load offset=${k * 8} (i32.add (local.get $done) (i32.const ${from}))))`).join('\n')}
          (local.set $done (i32.add (local.get $done) (i32.const 64)))
          (br $blocks))))
    ;; A branch on a copied byte after the loop: byte 100 was copied when the length is above 64.
    (if (result i64) (i32.eq (i32.load8_u (i32.const ${MEMORY_BASE + 100})) (i32.const 101))
      (then (i64.extend_i32_u (local.get $done)))
      (else (i64.const 7))))`;

const WAT = `(module
  (memory (export "memory") 2)
  (data (i32.const ${SOURCE}) "${Array.from({ length: 256 }, (_, i) => `\\${(i + 1) % 256 < 16 ? '0' : ''}${((i + 1) % 256).toString(16)}`).join('')}")
  ${copy('copy', SOURCE)}
  ${copy('copy_near_end', NEAR_END)}
)`;

let solver: Solver;
before(async () => (solver = await Solver.create()));

function explore(entry: string, mergeLoopExits: boolean): Exploration {
  const module = binaryen.parseText(WAT);
  assert.ok(module.validate(), 'the test program is valid');
  const machine = machineFor(module.emitBinary());
  return machine.explore(entry, SYMBOLIC_ARGS as Value[], {
    layout: { packetBase: PACKET_BASE, memoryBase: MEMORY_BASE, length: 0 }, packet: null, pathCondition: [], model: T.emptyAssignment(), mergeLoopExits,
  }, solver);
}

const lengths = [0, 1, 63, 64, 65, 100, 101, 128, 129, 192, 193, 255, 256 + 70];
const argsOf = (length: number): Args => [length, 0, 0n, 0n];

describe('a block copy over a symbolic length', () => {
  test('forks once per trip count without merging, and is one path before its last branch with it', () => {
    // Lengths 0..255 take 0..4 blocks: five trip counts. Each decides byte 100 (101 from 2 blocks on, else 0),
    // so the branch on it after the loop does not fork again: 5 paths.
    assert.equal(explore('copy', false).traces.length, 5);
    // Merged: one path leaves the loop; byte 100 is a choice by the length, so the branch on it forks: 2 paths.
    const merged = explore('copy', true);
    assert.equal(merged.traces.length, 2);
    assert.equal(merged.violations.length, 0);
  });

  test('the merged paths compute what V8 does, byte for byte', () => {
    const run = explore('copy', true);
    const v8 = new WebAssembly.Module(binaryen.parseText(WAT).emitBinary());
    for (const length of lengths) assert.deepEqual(predicted(run, argsOf(length), solver), v8Run(v8, 'copy', argsOf(length)), `length ${length}`);
  });

  test('a block that reads past memory is still a violation; the trip counts before it merge', () => {
    // Blocks 0..3 read up to 256 bytes from 200 bytes before the end: the fourth block (lengths 193..255)
    // reads past it. Without merging the four safe trip counts are four traces.
    const forked = explore('copy_near_end', false);
    assert.deepEqual([forked.traces.length, forked.violations.map((v) => v.kind)], [4, ['out-of-bounds']]);
    const run = explore('copy_near_end', true);
    assert.deepEqual(run.violations.map((v) => v.kind), ['out-of-bounds']);
    assert.equal(run.traces.length, 1, 'the four safe trip counts as one path (zeros there: byte 100 decides nothing)');
    const v8 = new WebAssembly.Module(binaryen.parseText(WAT).emitBinary());
    for (const length of lengths) assert.deepEqual(predicted(run, argsOf(length), solver), v8Run(v8, 'copy_near_end', argsOf(length)), `length ${length}`);
  });
});
