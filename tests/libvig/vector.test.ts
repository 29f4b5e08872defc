// Model-based tests of the vector run-time, through the libvig imports with records in a WebAssembly.Memory.
import { test } from 'node:test';
import type { LibVig } from '../../libvig/runtime/index.ts';
import { describeCall, drawAddress, freshLibVig, hex, isOutside, outcome, readBytes, writeBytes } from './harness/abi-memory.ts';
import { checkAgainstModel, REJECTED, type Scenario } from './harness/model-check.ts';
import type { Random } from './harness/random.ts';
import { ContractVector } from './models/contract-vector.ts';
import { ReferenceVector, type VectorModel, type VectorOp } from './models/vector-model.ts';

interface VectorConfig {
  capacity: number;
  recordSize: number;
}

interface VectorPair {
  model: VectorModel;
  libvig: LibVig;
  handle: number;
  recordSize: number;
}

const VIOLATION_RATE = 0.02;

function nextOp(random: Random, config: VectorConfig): VectorOp {
  const breaking = random.chance(VIOLATION_RATE);
  const outOfRange = breaking && random.chance(0.6);
  const index = outOfRange ? random.pick([-1, -2, config.capacity, config.capacity + 1, 2 ** 31 - 1]) : random.below(config.capacity);
  const at = drawAddress(random, config.recordSize, breaking && !outOfRange);
  if (random.chance(0.5)) return { name: 'get', index, at };
  return { name: 'set', index, record: Uint8Array.from({ length: config.recordSize }, () => random.below(256)), at };
}

function violation(pair: VectorPair, op: VectorOp): string | null {
  return isOutside(op.at, pair.recordSize) ? 'the record lies outside the memory' : pair.model.violation(op);
}

function step(pair: VectorPair, op: VectorOp): { expected: string; actual: string } {
  const { model, handle, recordSize } = pair;
  const abi = pair.libvig.imports;
  if (op.name === 'set') writeBytes(op.at, op.record);
  const call = () => (op.name === 'get' ? abi.vector_get(handle, op.index, op.at) : abi.vector_set(handle, op.index, op.at));
  if (violation(pair, op) !== null) return { expected: REJECTED, actual: outcome(call, REJECTED) };
  call();
  if (op.name === 'get') return { expected: hex(model.get(op.index)), actual: hex(readBytes(op.at, recordSize)) };
  model.set(op.index, op.record);
  return { expected: 'done', actual: 'done' };
}

/** The scenario with a given model: the plain reference, or the one executed from the verifier's contract. */
const scenarioWith = (createModel: (capacity: number, recordSize: number) => VectorModel): Scenario<VectorConfig, VectorOp, VectorPair> => ({
  create({ capacity, recordSize }) {
    const libvig = freshLibVig();
    const handle = libvig.imports.vector_allocate(recordSize, capacity);
    return { model: createModel(capacity, recordSize), libvig, handle, recordSize };
  },
  nextOp,
  violation,
  step,
  describe: (op) => describeCall('vector_', op),
  describeConfig: (config) => `capacity ${config.capacity}, ${config.recordSize}-byte records`,
});

const vectorScenario = scenarioWith((capacity, recordSize) => new ReferenceVector(capacity, recordSize));

const drawRecordSize = (random: Random): number => random.pick([1, 2, 3, 4, 6, 8, 13, 16, 24]);

test('vector: 100,000 random sequences at small capacities agree with the model', () => {
  checkAgainstModel(vectorScenario, {
    sequences: 100_000,
    maxLength: 20,
    config: (random) => ({ capacity: random.pick([1, 2, 3, 5, 8, 64, 1000]), recordSize: drawRecordSize(random) }),
  });
});

test('vector: capacities of 65,536 and more', () => {
  checkAgainstModel(vectorScenario, {
    sequences: 4,
    minLength: 20_000,
    maxLength: 20_000,
    config: (random) => ({ capacity: random.pick([65_536, 100_000]), recordSize: drawRecordSize(random) }),
  });
});

test('vector: 100,000 random sequences agree with the model executed from the ghost contract', () => {
  checkAgainstModel(scenarioWith((capacity, recordSize) => new ContractVector(capacity, recordSize)), {
    sequences: 100_000,
    maxLength: 20,
    config: (random) => ({ capacity: random.pick([1, 2, 3, 5, 8, 64, 1000]), recordSize: drawRecordSize(random) }),
  });
});
