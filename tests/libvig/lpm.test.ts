// Model-based tests of the lpm run-time, through the libvig imports.
import { test } from 'node:test';
import type { LibVig } from '../../libvig/runtime/index.ts';
import { freshLibVig, outcome } from './harness/abi-memory.ts';
import { checkAgainstModel, REJECTED, type Scenario } from './harness/model-check.ts';
import type { Random } from './harness/random.ts';
import { ContractLpm } from './models/contract-lpm.ts';
import { ReferenceLpm, type LpmModel, type LpmOp } from './models/lpm-model.ts';

interface LpmConfig {
  capacity: number;
  /** Prefixes and addresses are drawn near these, so that rules overlap and lookups match. */
  bases: number[];
  addWeight: number;
  /** Prefix lengths rules are drawn with (besides random ones). */
  lengths: number[];
}

interface LpmPair {
  model: LpmModel;
  libvig: LibVig;
  handle: number;
}

const VIOLATION_RATE = 0.02;

/** `base` with some of its bits below `keep` (counted from the most significant) changed at random. */
function near(random: Random, base: number, keep: number): number {
  const low = keep >= 32 ? 0 : random.next() >>> keep;
  return (base ^ low) | 0;
}

function nextOp(random: Random, config: LpmConfig): LpmOp {
  const base = random.pick(config.bases);
  if (!random.chance(config.addWeight)) return { name: 'lookup', address: near(random, base, random.between(0, 32)) };
  const breaking = random.chance(VIOLATION_RATE);
  const length = breaking && random.chance(0.5) ? random.pick([-1, 33, 64]) : random.chance(0.1) ? random.between(0, 32) : random.pick(config.lengths);
  const value = breaking && random.chance(0.5) ? -random.between(1, 5) : random.below(2 ** 31);
  // The bits past the length are noise the table must ignore.
  return { name: 'add', prefix: near(random, base, length), length, value };
}

function step({ model, libvig, handle }: LpmPair, op: LpmOp): { expected: string; actual: string } {
  const abi = libvig.imports;
  if (op.name === 'lookup') return { expected: String(model.lookup(op.address)), actual: String(abi.lpm_lookup(handle, op.address)) };
  const actual = outcome(() => abi.lpm_add(handle, op.prefix, op.length, op.value), REJECTED);
  return { expected: model.violation(op) === null ? String(model.add(op.prefix, op.length, op.value)) : REJECTED, actual };
}

/** The scenario with a given model: the plain reference, or the one executed from the verifier's contract. */
const scenarioWith = (createModel: (capacity: number) => LpmModel): Scenario<LpmConfig, LpmOp, LpmPair> => ({
  create({ capacity }) {
    const libvig = freshLibVig();
    return { model: createModel(capacity), libvig, handle: libvig.imports.lpm_allocate(capacity) };
  },
  nextOp,
  violation: (pair, op) => pair.model.violation(op),
  step,
  describe: (op) =>
    op.name === 'add' ? `lpm_add(${dotted(op.prefix)}/${op.length} -> ${op.value})` : `lpm_lookup(${dotted(op.address)})`,
  describeConfig: (config) => `capacity ${config.capacity}`,
});

const lpmScenario = scenarioWith((capacity) => new ReferenceLpm(capacity));

/** An address as a.b.c.d, first octet most significant. */
const dotted = (address: number): string => [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');

const SHORT_AND_LONG = [0, 1, 7, 8, 15, 16, 23, 24, 31, 32];
const drawBases = (random: Random, count: number): number[] => Array.from({ length: count }, () => random.next() | 0);

test('lpm: 100,000 random sequences agree with the model', () => {
  checkAgainstModel(lpmScenario, {
    sequences: 100_000,
    maxLength: 24,
    config: (random) => ({ capacity: random.pick([1, 2, 3, 5, 8, 16, 100]), bases: drawBases(random, random.between(1, 3)), addWeight: 0.5, lengths: SHORT_AND_LONG }),
  });
});

test('lpm: filled with 65,536 distinct rules (and refused more), looked up throughout', () => {
  checkAgainstModel(lpmScenario, {
    sequences: 1,
    minLength: 90_000,
    maxLength: 90_000,
    config: (random) => ({ capacity: 65_536, bases: drawBases(random, 90_000), addWeight: 0.996, lengths: [20, 24, 28, 32] }),
  });
});

test('lpm: 100,000 random sequences agree with the model executed from the ghost contract', () => {
  checkAgainstModel(scenarioWith((capacity) => new ContractLpm(capacity)), {
    sequences: 100_000,
    maxLength: 24,
    config: (random) => ({ capacity: random.pick([1, 2, 3, 5, 8, 16]), bases: drawBases(random, random.between(1, 3)), addWeight: 0.5, lengths: SHORT_AND_LONG }),
  });
});
