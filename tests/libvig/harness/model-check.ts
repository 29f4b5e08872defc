// Model-based testing of a libVig structure: random operation sequences run on the run-time implementation
// (through the ABI) and on a model; every result must agree. A failing sequence is shrunk to a minimal one
// (no single operation, nor any chunk of them, can be removed and keep it failing) before it is reported.
import { Random } from './random.ts';

/** What one structure's test supplies. `Config` fixes a sequence's shape (capacity, key size...). */
export interface Scenario<Config, Op, Pair> {
  /** A fresh model and run-time object, side by side. */
  create(config: Config): Pair;
  /**
   * The next operation, drawn in the state the pair is in. Operations that break a precondition are drawn only
   * when `violation` reports them, so that the test also checks the run-time rejects them.
   */
  nextOp(random: Random, config: Config, pair: Pair): Op;
  /** Why the model says `op` breaks a precondition in the pair's state, or null if it is allowed. */
  violation(pair: Pair, op: Op): string | null;
  /** Runs `op` on both sides; the results as text, `expected` from the model, `actual` from the run-time. */
  step(pair: Pair, op: Op): { expected: string; actual: string };
  describe(op: Op): string;
  describeConfig(config: Config): string;
}

/** A run-time call that broke a precondition must throw; its result is compared as this text. */
export const REJECTED = 'rejected (precondition)';

export interface CheckOptions<Config> {
  sequences: number;
  /** Operations per sequence: between these (inclusive), drawn per sequence. */
  minLength?: number;
  maxLength: number;
  config: (random: Random) => Config;
  seed?: number;
}

interface Failure {
  ops: unknown[];
  step: number;
  expected: string;
  actual: string;
}

/** Runs `options.sequences` random sequences; throws with the shrunk failing sequence if any disagrees. */
export function checkAgainstModel<Config, Op, Pair>(scenario: Scenario<Config, Op, Pair>, options: CheckOptions<Config>): void {
  const baseSeed = options.seed ?? Number(process.env.LIBVIG_TEST_SEED ?? 1);
  for (let sequence = 0; sequence < options.sequences; sequence++) {
    const seed = (baseSeed * 1_000_003 + sequence) >>> 0;
    const random = new Random(seed);
    const config = options.config(random);
    const pair = scenario.create(config);
    const length = random.between(options.minLength ?? 1, options.maxLength);
    const ops: Op[] = [];
    for (let index = 0; index < length; index++) {
      const op = scenario.nextOp(random, config, pair);
      ops.push(op);
      const outcome = runStep(scenario, pair, op);
      if (outcome.expected !== outcome.actual) {
        const minimal = shrink(scenario, config, ops);
        throw new Error(report(scenario, config, seed, minimal));
      }
    }
  }
}

function runStep<Config, Op, Pair>(scenario: Scenario<Config, Op, Pair>, pair: Pair, op: Op): { expected: string; actual: string } {
  try {
    return scenario.step(pair, op);
  } catch (error) {
    return { expected: '(no exception)', actual: `threw ${(error as Error).stack ?? String(error)}` };
  }
}

/** Replays `ops` on a fresh pair: the first disagreement, or null if all agree. */
function replay<Config, Op, Pair>(scenario: Scenario<Config, Op, Pair>, config: Config, ops: Op[]): Failure | null {
  const pair = scenario.create(config);
  for (let step = 0; step < ops.length; step++) {
    const { expected, actual } = runStep(scenario, pair, ops[step]!);
    if (expected !== actual) return { ops: ops.slice(0, step + 1), step, expected, actual };
  }
  return null;
}

/**
 * Removes chunks of operations, halving the chunk size down to single operations, while the sequence still
 * fails. A removal that makes a later operation break a precondition it did not break before would test
 * something else, so such candidates are skipped (checked against the model while replaying).
 */
function shrink<Config, Op, Pair>(scenario: Scenario<Config, Op, Pair>, config: Config, failing: Op[]): Failure {
  let best = replay(scenario, config, failing)!;
  let ops = best.ops as Op[];
  for (let before = Infinity; ops.length < before; ) {
    before = ops.length;
    for (let chunk = Math.max(1, ops.length >> 1); chunk >= 1; chunk = chunk === 1 ? 0 : Math.max(1, chunk >> 1)) {
    for (let start = 0; start < ops.length; ) {
      const candidate = [...ops.slice(0, start), ...ops.slice(start + chunk)];
      const failure = candidate.length > 0 && keepsPreconditions(scenario, config, ops, candidate) ? replay(scenario, config, candidate) : null;
      if (failure) {
        best = failure;
        ops = failure.ops as Op[];
      } else {
          start += chunk;
        }
      }
    }
  }
  return best;
}

/** Whether every operation of `candidate` is as (in)valid as it was in `original`. */
function keepsPreconditions<Config, Op, Pair>(scenario: Scenario<Config, Op, Pair>, config: Config, original: Op[], candidate: Op[]): boolean {
  const wasViolation = new Map<Op, boolean>();
  const before = scenario.create(config);
  for (const op of original) {
    wasViolation.set(op, scenario.violation(before, op) !== null);
    runStep(scenario, before, op);
  }
  const after = scenario.create(config);
  for (const op of candidate) {
    if ((scenario.violation(after, op) !== null) !== wasViolation.get(op)) return false;
    runStep(scenario, after, op);
  }
  return true;
}

function report<Config, Op, Pair>(scenario: Scenario<Config, Op, Pair>, config: Config, seed: number, failure: Failure): string {
  const lines = (failure.ops as Op[]).map((op, index) => `  ${String(index + 1).padStart(3)}. ${scenario.describe(op)}`);
  return [
    `the run-time and the model disagree (seed ${seed}; ${scenario.describeConfig(config)}); shortest failing sequence:`,
    ...lines,
    `at step ${failure.step + 1}: model says ${failure.expected}`,
    `                 run-time says ${failure.actual}`,
  ].join('\n');
}
