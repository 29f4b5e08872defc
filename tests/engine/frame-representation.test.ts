// The frame's representation against V8: bytes at constant offsets are plain bit-vector constants to Z3, reads
// at narrow computed offsets are choices among them, and the SMT array appears only for wide computed offsets.
// Programs mix all three (and overlapping widths, and a length check one byte short); on random frames V8, the
// traces' terms and Z3 (through the translation and its byte-to-array links) must agree on result, frame and traps.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import binaryen from 'binaryen';
import { MEMORY_BASE, PACKET_BASE } from '../../nf-abi/index.ts';
import * as T from '../../engine/solver/term.ts';
import { Solver } from '../../engine/solver/z3.ts';
import { DEFAULT_LIMITS, type Exploration, Machine } from '../../engine/symbex/explore.ts';
import { PacketBuffer } from '../../engine/symbex/memory.ts';
import { decodeModule } from '../../engine/wasm/decode.ts';
import { finalPacketBytes } from '../../engine/nf/explore-nf.ts';
import { seededRandom } from './harness.ts';

const CAPACITY = 320;
const INPUTS = Number(process.env.FRAME_INPUTS ?? 400);
const packet = T.arrayVariable('frame');
const length = T.variable('frame_length', 32);

// Every entry is nf_process-shaped: (device, packet address, length, now).
const PROGRAM = `(module
  (memory (export "memory") 1)
  ;; Reads at a narrow (b14 & 31) and a wide (u16 at 0 & 255) computed offset after a write at constant offset 20.
  (func (export "sym_after_const") (param $d i32) (param $p i32) (param $len i32) (param $now i64) (result i32)
    (i32.store8 offset=20 (local.get $p) (i32.const 0x77))
    (i32.add
      (i32.load8_u (i32.add (local.get $p) (i32.and (i32.load8_u offset=14 (local.get $p)) (i32.const 31))))
      (i32.shl (i32.load8_u (i32.add (local.get $p) (i32.and (i32.load16_u (local.get $p)) (i32.const 255)))) (i32.const 8))))
  ;; Reads at constant offsets (some overlapping the offsets written) after a narrow and a wide computed-offset write.
  (func (export "const_after_sym") (param $d i32) (param $p i32) (param $len i32) (param $now i64) (result i32)
    (i32.store8 (i32.add (local.get $p) (i32.and (i32.load8_u offset=14 (local.get $p)) (i32.const 31))) (i32.const 0xab))
    (i32.store8 (i32.add (local.get $p) (i32.and (i32.load16_u (local.get $p)) (i32.const 255))) (i32.const 0xcd))
    (i32.xor (i32.load offset=12 (local.get $p)) (i32.shl (i32.load16_u offset=20 (local.get $p)) (i32.const 7))))
  ;; Overlapping loads of four widths, signed and unsigned, around a 16-bit store into their middle.
  (func (export "overlap") (param $d i32) (param $p i32) (param $len i32) (param $now i64) (result i64)
    (i32.store16 offset=3 (local.get $p) (i32.load16_u offset=6 (local.get $p)))
    (i64.xor
      (i64.load offset=1 (local.get $p))
      (i64.extend_i32_u (i32.xor
        (i32.load offset=2 (local.get $p))
        (i32.xor (i32.shl (i32.load16_s offset=3 (local.get $p)) (i32.const 5)) (i32.load8_s offset=4 (local.get $p)))))))
  ;; A transport-style field at 14 + 4 * (b14 & 15) + 2, behind a length check one byte short.
  (func (export "bounds") (param $d i32) (param $p i32) (param $len i32) (param $now i64) (result i32)
    (local $l4 i32)
    (if (i32.lt_u (local.get $len) (i32.const 15)) (then (return (i32.const -1))))
    (local.set $l4 (i32.add (i32.const 14) (i32.shl (i32.and (i32.load8_u offset=14 (local.get $p)) (i32.const 15)) (i32.const 2))))
    (if (i32.lt_u (local.get $len) (i32.add (local.get $l4) (i32.const 3))) (then (return (i32.const -2))))
    (i32.load16_u offset=2 (i32.add (local.get $p) (local.get $l4))))
  ;; A loop up to (b14 & 15) fixes it on each path, so the read after it, at 14 + 4 * (b14 & 15), has one offset.
  (func (export "pinned") (param $d i32) (param $p i32) (param $len i32) (param $now i64) (result i32)
    (local $ihl i32) (local $i i32)
    (if (i32.lt_u (local.get $len) (i32.const 15)) (then (return (i32.const -1))))
    (local.set $ihl (i32.and (i32.load8_u offset=14 (local.get $p)) (i32.const 15)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $ihl)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (if (i32.lt_u (local.get $len) (i32.add (i32.const 16) (i32.shl (local.get $ihl) (i32.const 2)))) (then (return (i32.const -2))))
    (i32.load16_u offset=14 (i32.add (local.get $p) (i32.shl (local.get $ihl) (i32.const 2)))))
)`;

interface Outcome {
  trap: boolean;
  result?: bigint;
  frame?: Uint8Array;
}

let solver: Solver;
let wasm: Uint8Array;
before(async () => {
  solver = await Solver.create();
  const module = binaryen.parseText(PROGRAM);
  assert.ok(module.validate(), 'the test program is valid');
  wasm = module.emitBinary();
});

function explore(entry: string): Exploration {
  const machine = new Machine(decodeModule(wasm), { sourceMap: null, importedGlobals: new Map(), contracts: new Map(), limits: DEFAULT_LIMITS });
  return machine.explore(entry, [0, PACKET_BASE, length, 0n], {
    layout: { packetBase: PACKET_BASE, memoryBase: MEMORY_BASE, length },
    packet: PacketBuffer.symbolic(CAPACITY, packet),
    pathCondition: [T.compare('ule', length, T.bv(CAPACITY, 32))],
    model: T.emptyAssignment(),
  }, solver);
}

/** V8 with the frame flush against the end of memory: any access past its length traps. */
function v8Run(entry: string, frame: Uint8Array): Outcome {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), {});
  const memory = new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer);
  const at = memory.length - frame.length;
  memory.set(frame, at);
  try {
    const result = (instance.exports[entry] as (...a: unknown[]) => number | bigint)(0, at, frame.length, 0n);
    return { trap: false, result: BigInt.asUintN(typeof result === 'bigint' ? 64 : 32, BigInt(result)), frame: memory.slice(at) };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return { trap: true };
    throw e;
  }
}

function inputAssignment(frame: Uint8Array): T.Assignment {
  const assignment = T.emptyAssignment();
  assignment.scalars.set(length.name, BigInt(frame.length));
  assignment.arrays.set(packet.name, { entries: new Map([...frame].map((b, i) => [i, b])), fallback: 0 });
  return assignment;
}

/** The input as facts for Z3: its length and every byte of the buffer (the bytes past the length are 0). */
function inputFacts(frame: Uint8Array): T.Term[] {
  const bytes = Array.from({ length: CAPACITY }, (_, i) => T.eq(T.select(packet, T.bv(i, 32)), T.bv(frame[i] ?? 0, 8)));
  return [T.eq(length, T.bv(frame.length, 32)), T.and(...bytes)];
}

/** What the exploration predicts for a frame: by term evaluation, and (with `z3`) as Z3 proves it. */
function predicted(run: Exploration, frame: Uint8Array, z3: boolean): Outcome {
  const assignment = inputAssignment(frame);
  const holds = (pc: T.Term[]) => pc.every((c) => T.evaluate(c, assignment) === 1n);
  const traces = run.traces.filter((t) => holds(t.pathCondition));
  const violations = run.violations.filter((v) => holds(v.pathCondition));
  assert.equal(traces.length + violations.length, 1, `exactly one trace or violation matches a frame of ${frame.length} bytes`);
  const facts = inputFacts(frame);
  if (violations.length === 1) {
    if (z3) assert.equal(solver.check([...violations[0]!.pathCondition, ...facts], T.TRUE).status, 'sat', 'Z3 agrees the violation path holds');
    return { trap: true };
  }
  const trace = traces[0]!;
  const width = typeof trace.results[0] === 'number' || (typeof trace.results[0] === 'object' && trace.results[0].width === 32) ? 32 : 64;
  const result = T.evaluate(typeof trace.results[0] === 'object' ? trace.results[0] : T.bv(trace.results[0] as number | bigint, width), assignment);
  const bytes = finalPacketBytes(trace.final.packet!, frame.length, assignment);
  if (z3) {
    const resultTerm = typeof trace.results[0] === 'object' ? trace.results[0] : T.bv(trace.results[0] as number | bigint, width);
    const sameFrame = Array.from(bytes, (b, i) => {
      const cell = trace.final.packet!.read(i);
      return T.eq(typeof cell === 'number' ? T.bv(cell, 8) : cell, T.bv(b, 8));
    });
    const other = T.not(T.and(T.eq(resultTerm, T.bv(result, width)), ...sameFrame));
    assert.equal(solver.check([...trace.pathCondition, ...facts], other).status, 'unsat', 'Z3 proves the result and the frame for this input');
  }
  return { trap: false, result, frame: bytes };
}

/** Random frames biased to the interesting offsets: short and long, b14 often small, the u16 at 0 often inside. */
function randomFrame(random: () => number): Uint8Array {
  const len = random() < 0.2 ? Math.floor(random() * 80) : Math.floor(random() * (CAPACITY + 1));
  const frame = Uint8Array.from({ length: len }, () => Math.floor(random() * 256));
  if (len > 1 && random() < 0.5) [frame[0], frame[1]] = [Math.floor(random() * Math.min(len, 256)), Math.floor(random() * 2) * 0x100];
  if (len > 14 && random() < 0.5) frame[14] = random() < 0.5 ? 20 : Math.floor(random() * 32);
  return frame;
}

function differential(entry: string, seed: number): Exploration {
  const run = explore(entry);
  const random = seededRandom(seed);
  for (let n = 0; n < INPUTS; n++) {
    const frame = randomFrame(random);
    const context = `${entry} on frame ${n} (${frame.length} bytes) [seed ${seed}]`;
    const expected = v8Run(entry, frame);
    assert.deepEqual(predicted(run, frame, n % 8 === 0), expected, context);
  }
  return run;
}

describe('the frame: constant, narrow and wide offsets agree with V8', () => {
  test('a read at a computed offset sees a write at a constant one', () => {
    const run = differential('sym_after_const', 11);
    assert.ok(run.traces.length > 0 && run.violations.length > 0, 'both in-bounds traces and overruns');
  });

  test('reads at constant offsets see writes at computed ones (narrow, then wide)', () => {
    differential('const_after_sym', 12);
  });

  test('overlapping loads of different widths around a store', () => {
    differential('overlap', 13);
  });

  test('a length check one byte short: the overrun is found exactly where the length allows it', () => {
    const run = differential('bounds', 14);
    const overruns = run.violations.filter((v) => v.kind === 'packet-overrun');
    assert.equal(overruns.length, 1, 'one packet-overrun violation');
    const model = overruns[0]!.model;
    const l4 = 14 + 4 * (Number(T.evaluate(T.select(packet, T.bv(14, 32)), model)) & 15);
    assert.equal(Number(T.evaluate(length, model)), l4 + 3, 'its witness frame ends one byte into the field');
  });

  test('an offset the path condition pins is read as a constant offset', () => {
    const run = differential('pinned', 15);
    assert.ok(run.traces.length >= 16, 'a path per value of b14 & 15');
    const computedReads = run.traces.flatMap((t) => [...T.subterms([...t.pathCondition, ...t.results.filter((r): r is T.Term => typeof r === 'object')]).values()])
      .filter((term) => term.op === 'select' && term.args[1]!.op !== 'const');
    assert.deepEqual(computedReads.map((term) => T.show(term)), [], 'no read at a computed offset is left');
  });
});

describe('Z3 sees the array only where an offset is computed', () => {
  const x = T.variable('x', 32);
  const i = T.variable('i', 32);
  const byte = (k: number) => T.select(packet, T.bv(k, 32));

  test('a constant-offset byte and a wide computed-offset read of the same array are tied', () => {
    const pathCondition = [T.eq(byte(3), T.bv(7, 8)), T.eq(T.select(packet, i), T.bv(9, 8))];
    assert.equal(solver.check(pathCondition, T.eq(i, T.bv(3, 32))).status, 'unsat', 'the read at i cannot be byte 3');
    const other = solver.check(pathCondition, T.eq(i, T.bv(4, 32)));
    assert.equal(other.status, 'sat');
    if (other.status === 'sat') for (const c of pathCondition) assert.equal(T.evaluate(c, other.model), 1n, 'the model reads as Z3 saw it');
    // And the other way round: the computed-offset read first on the stack, the constant byte in the query.
    assert.equal(solver.check([T.eq(T.select(packet, i), T.bv(9, 8)), T.eq(i, T.bv(5, 32))], T.eq(byte(5), T.bv(8, 8))).status, 'unsat');
  });

  test("Z3 evaluates bytes at constant offsets with the assignment's array values", () => {
    const assignment = T.emptyAssignment();
    assignment.arrays.set(packet.name, { entries: new Map([[3, 0xab]]), fallback: 7 });
    assert.deepEqual(solver.evaluate([T.concat(byte(3), byte(4))], assignment), [0xab07n]);
  });

  test('a narrow computed offset becomes a choice among constant offsets, equal to the array read', () => {
    const narrow = T.binary('add', T.binary('and', x, T.bv(15, 32)), T.bv(14, 32));
    const read = T.select(packet, narrow);
    assert.notEqual(read.op, 'select', 'no array read is left');
    const array = T.select(packet, T.binary('add', x, T.bv(14, 32)));
    assert.equal(solver.check([T.compare('ult', x, T.bv(16, 32))], T.not(T.eq(read, array))).status, 'unsat', 'same byte as the array read');
  });

  test('a query answered from the constraints it depends on keeps every other constraint true', () => {
    const y = T.variable('y', 32);
    const pathCondition = [T.compare('ult', x, T.bv(10, 32)), T.eq(byte(1), T.bv(2, 8)), T.compare('ult', T.bv(5, 32), y)];
    const known = T.emptyAssignment();
    known.scalars.set('x', 3n);
    known.scalars.set('y', 6n);
    known.arrays.set(packet.name, { entries: new Map([[1, 2]]), fallback: 0 });
    for (const query of [T.eq(y, T.bv(40, 32)), T.eq(byte(2), T.bv(1, 8)), T.eq(x, T.bv(9, 32))]) {
      const answer = solver.check(pathCondition, query, known);
      assert.equal(answer.status, 'sat');
      if (answer.status === 'sat') for (const c of [...pathCondition, query]) assert.equal(T.evaluate(c, answer.model), 1n, `${T.show(c)} holds`);
    }
    assert.equal(solver.check(pathCondition, T.eq(byte(1), T.bv(3, 8)), known).status, 'unsat', 'a dependency on the path condition is kept');
    // A constraint the known model falsifies is no longer independent of anything: it is checked too.
    assert.equal(solver.check([...pathCondition, T.eq(x, T.bv(20, 32))], T.TRUE, known).status, 'unsat');
  });
});
