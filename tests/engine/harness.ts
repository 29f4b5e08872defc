// Shared by the engine tests: running a module in V8 and in the engine on the same inputs.
import * as T from '../../engine/solver/term.ts';
import { MEMORY_BASE, PACKET_BASE } from '../../nf-abi/index.ts';
import type { Solver } from '../../engine/solver/z3.ts';
import { decodeModule } from '../../engine/wasm/decode.ts';
import { DEFAULT_LIMITS, type Exploration, Machine } from '../../engine/symbex/explore.ts';
import type { Value } from '../../engine/symbex/state.ts';

export type Outcome = { trap: true } | { trap: false; result: bigint; memory: Uint8Array };

/** Signature of every differential-test entry point: (i32, i32, i64, i64) -> i64. */
export type Args = [number, number, bigint, bigint];

export const OBSERVED_BYTES = 512;

export function v8Run(module: WebAssembly.Module, entry: string, args: Args): Outcome {
  const instance = new WebAssembly.Instance(module, {});
  const fn = instance.exports[entry] as (...a: unknown[]) => bigint;
  try {
    const result = fn(args[0] | 0, args[1] | 0, BigInt.asIntN(64, args[2]), BigInt.asIntN(64, args[3]));
    const memory = new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer, MEMORY_BASE, OBSERVED_BYTES).slice();
    return { trap: false, result: BigInt.asUintN(64, result), memory };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return { trap: true };
    throw e;
  }
}

export function machineFor(wasm: Uint8Array, coverage?: Set<number>): Machine {
  return new Machine(decodeModule(wasm), { sourceMap: null, importedGlobals: new Map(), contracts: new Map(), limits: DEFAULT_LIMITS, coverage });
}

// Programs, not NFs: memory.size and memory.grow are among the instructions checked against V8.
const layout = { packetBase: PACKET_BASE, memoryBase: MEMORY_BASE, length: 0, growsMemory: true } as const;

export function engineRunConcrete(machine: Machine, entry: string, args: Args): Outcome {
  const run = machine.explore(entry, [args[0] >>> 0, args[1] >>> 0, BigInt.asUintN(64, args[2]), BigInt.asUintN(64, args[3])], {
    layout, packet: null, pathCondition: [], model: T.emptyAssignment(),
  }, null);
  if (run.violations.length > 0) return { trap: true };
  const [trace] = run.traces;
  const memory = new Uint8Array(OBSERVED_BYTES);
  for (let i = 0; i < OBSERVED_BYTES; i++) memory[i] = trace!.final.memory.read(MEMORY_BASE + i) as number;
  return { trap: false, result: BigInt(trace!.results[0] as bigint), memory };
}

export const SYMBOLIC_ARGS = [T.variable('a', 32), T.variable('b', 32), T.variable('c', 64), T.variable('d', 64)];

export function exploreSymbolic(machine: Machine, entry: string, solver: Solver): Exploration {
  return machine.explore(entry, SYMBOLIC_ARGS as Value[], { layout, packet: null, pathCondition: [], model: T.emptyAssignment() }, solver);
}

export function assignmentOf(args: Args): T.Assignment {
  const assignment = T.emptyAssignment();
  SYMBOLIC_ARGS.forEach((v, i) => assignment.scalars.set(v.name, BigInt.asUintN(v.width, BigInt(args[i]!))));
  return assignment;
}

/**
 * The outcome the symbolic exploration predicts for concrete arguments: the one path whose condition holds,
 * its result and memory evaluated by Z3 itself (so the translation to Z3 is checked, not only constant folding).
 */
export function predicted(run: Exploration, args: Args, solver: Solver): Outcome {
  const assignment = assignmentOf(args);
  const holds = (pc: T.Term[]) => pc.every((c) => T.evaluate(c, assignment) === 1n);
  const matching = run.traces.filter((t) => holds(t.pathCondition));
  const trapping = run.violations.filter((v) => holds(v.pathCondition));
  if (matching.length + trapping.length !== 1) throw new Error(`${matching.length} traces and ${trapping.length} violations match ${args}`);
  const checkZ3 = (pc: T.Term[]) => solver.evaluate(pc, assignment).every((v) => v === 1n);
  if (trapping.length === 1) {
    if (!checkZ3(trapping[0]!.pathCondition)) throw new Error('Z3 disagrees with the evaluator on a violation path condition');
    return { trap: true };
  }
  const trace = matching[0]!;
  if (!checkZ3(trace.pathCondition)) throw new Error('Z3 disagrees with the evaluator on a path condition');
  const memory = new Uint8Array(OBSERVED_BYTES);
  const symbolic: { at: number; term: T.Term }[] = [];
  for (let i = 0; i < OBSERVED_BYTES; i++) {
    const cell = trace.final.memory.read(MEMORY_BASE + i);
    if (typeof cell === 'number') memory[i] = cell;
    else symbolic.push({ at: i, term: cell });
  }
  const result = trace.results[0]!;
  const values = solver.evaluate([...symbolic.map((c) => c.term), typeof result === 'object' ? result : T.bv(result as bigint, 64)], assignment);
  symbolic.forEach((c, i) => (memory[c.at] = Number(values[i])));
  return { trap: false, result: values[values.length - 1]!, memory };
}

/** Random arguments biased towards the values that break arithmetic (0, ±1, extremes, shift widths). */
export function randomArgs(random: () => number): Args {
  const special32 = [0, 1, -1, 2, 31, 32, 33, 0x7fffffff, -0x80000000, 0xdead, 0xbeef, 100, 101];
  const special64 = [0n, 1n, -1n, 63n, 64n, 65n, 0x7fffffffffffffffn, -0x8000000000000000n];
  const pick32 = () => (random() < 0.3 ? special32[Math.floor(random() * special32.length)]! : Math.floor(random() * 2 ** 32) | 0);
  const pick64 = () => (random() < 0.3 ? special64[Math.floor(random() * special64.length)]! : (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32)));
  return [pick32(), pick32(), pick64(), pick64()];
}

/** A small deterministic generator, so a failure names a reproducible seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
