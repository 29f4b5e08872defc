// Model-based tests of the emap run-time, through the libvig imports with keys in a WebAssembly.Memory.
import { test } from 'node:test';
import type { LibVig } from '../../libvig/runtime/index.ts';
import { describeCall, drawAddress, freshLibVig, hex, isOutside, outcome, readBytes, writeBytes } from './harness/abi-memory.ts';
import { checkAgainstModel, REJECTED, type Scenario } from './harness/model-check.ts';
import { WeightedChoices, type Random } from './harness/random.ts';
import { ContractEmap } from './models/contract-emap.ts';
import { ReferenceEmap, type EmapModel, type EmapOp, type OldestEntry } from './models/emap-model.ts';

interface EmapConfig {
  capacity: number;
  keySize: number;
  /** Keys share `prefix` except for the bytes of their number, written little-endian at `numberAt`. */
  prefix: Uint8Array;
  numberAt: number;
  /** Keys are numbered 0..universe-1. */
  universe: number;
  /** The first stamp; later stamps advance by 0..maxTimeStep. */
  startTime: bigint;
  maxTimeStep: number;
  weights: WeightedChoices<EmapOp['name']>;
  /**
   * The share of expiries, refreshes and erasures aimed at the oldest entry (expiries at its stamp, one before
   * or one after, or at the extremes of time): where time-adapter.ts decides whether to call JavaScript at all.
   */
  aimAtOldest: number;
  /** Add only, until the emap is full. */
  fillFirst: boolean;
  violationRate: number;
}

interface EmapPair {
  model: EmapModel;
  libvig: LibVig;
  handle: number;
  /** The generator's clock: the latest stamp given (the next one is not before it). */
  clock: bigint;
}

const BALANCED_WEIGHTS = { get: 20, has_idx: 8, get_key: 7, add: 25, refresh: 10, erase: 8, expire: 12, count: 5, full: 5 };
const BALANCED = new WeightedChoices<EmapOp['name']>(BALANCED_WEIGHTS);
const NEEDS_AN_ENTRY = new Set<EmapOp['name']>(['get_key', 'refresh', 'erase']);
const EXPIRY_HEAVY = new WeightedChoices<EmapOp['name']>({ ...BALANCED_WEIGHTS, add: 30, expire: 35, refresh: 15 });

function keyNumbered(config: EmapConfig, number: number): Uint8Array {
  const key = config.prefix.slice();
  for (let byte = 0; byte < Math.min(4, config.keySize); byte++) key[config.numberAt + byte] = (number >>> (8 * byte)) & 0xff;
  return key;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Times at the extremes, and where a half of the i64 carries or changes sign. */
const EXTREME_TIMES = [INT64_MIN, INT64_MIN + 1n, -1n, 0n, 2n ** 31n, 2n ** 32n, INT64_MAX - 1n, INT64_MAX];
/** First stamps, some just below where a half carries or changes sign, and near both ends of time. */
const START_TIMES = [0n, INT64_MIN + 100n, -300n, 2n ** 31n - 300n, 2n ** 32n - 300n, INT64_MAX - 2n ** 32n];

function drawConfig(random: Random, capacities: readonly number[], overrides: Partial<EmapConfig> = {}): EmapConfig {
  const capacity = random.pick(capacities);
  // Drawn before the prefix and the number's place, which must fit the key size an override fixes.
  const keySize = overrides.keySize ?? random.pick([1, 2, 3, 4, 5, 6, 8, 12, 13, 16, 17]);
  const numberBytes = Math.min(4, keySize);
  const expiryHeavy = random.chance(0.3);
  return {
    capacity,
    keySize,
    prefix: Uint8Array.from({ length: keySize }, () => random.below(256)),
    numberAt: random.between(0, keySize - numberBytes),
    universe: Math.min(2 ** (8 * numberBytes), Math.max(4, 2 * capacity)),
    startTime: random.chance(0.25) ? BigInt(random.next()) << 28n : random.pick(START_TIMES),
    maxTimeStep: expiryHeavy ? 50 : random.pick([0, 3, 1000]),
    weights: expiryHeavy ? EXPIRY_HEAVY : BALANCED,
    aimAtOldest: 0.3,
    fillFirst: capacity <= 16 && random.chance(0.2),
    violationRate: 0.01,
    ...overrides,
  };
}

/** How far `someIndex` scans from a random index: all of a small emap, a stretch of a large one. */
const SCAN_LIMIT = 256;

/** An index that is (or is not) allocated, when one is found; else any index in or near the range. */
function someIndex(random: Random, model: EmapModel, allocated: boolean): number {
  for (let attempt = 0; attempt < 8; attempt++) {
    const index = random.between(-2, model.capacity + 1);
    if (model.hasIdx(index) === allocated) return index;
  }
  const start = random.below(model.capacity);
  for (let offset = 0; offset < Math.min(model.capacity, SCAN_LIMIT); offset++) {
    const index = (start + offset) % model.capacity;
    if (model.hasIdx(index) === allocated) return index;
  }
  return random.between(-2, model.capacity + 1);
}

function someKey(random: Random, config: EmapConfig, model: EmapModel, present: boolean): Uint8Array {
  if (present && model.count() > 0) {
    const index = someIndex(random, model, true);
    if (model.hasIdx(index)) return model.getKey(index);
  }
  for (let attempt = 0; attempt < 16; attempt++) {
    const key = keyNumbered(config, random.below(config.universe));
    if (model.get(key) >= 0 === present) return key;
  }
  return keyNumbered(config, random.below(config.universe));
}

function nextOp(random: Random, config: EmapConfig, pair: EmapPair): EmapOp {
  const { model } = pair;
  const breaking = random.chance(config.violationRate);
  const drawn = config.fillFirst && !model.full() ? 'add' : random.weighted(config.weights);
  // An operation on an entry, drawn when there is none, would only break its precondition: add one instead.
  const name = !breaking && model.count() === 0 && NEEDS_AN_ENTRY.has(drawn) ? 'add' : drawn;
  switch (name) {
    case 'get':
      return { name, key: someKey(random, config, model, random.chance(0.5)), at: keyAddress(random, config, breaking) };
    case 'has_idx':
      return { name, index: someIndex(random, model, random.chance(0.5)) };
    case 'get_key':
      return { name, index: someIndex(random, model, !breaking), at: drawAddress(random, config.keySize, breaking && random.chance(0.5)) };
    case 'add':
      return { name, key: someKey(random, config, model, breaking && random.chance(0.5)), now: nextTime(random, config, pair, breaking), at: keyAddress(random, config, breaking) };
    case 'refresh': {
      const oldest = aimedAtOldest(random, config, model);
      const index = oldest && !breaking ? oldest.index : someIndex(random, model, !breaking || random.chance(0.5));
      return { name, index, now: nextTime(random, config, pair, breaking) };
    }
    case 'erase': {
      const oldest = aimedAtOldest(random, config, model);
      const key = oldest && !breaking ? model.getKey(oldest.index) : someKey(random, config, model, !breaking);
      return { name, key, at: keyAddress(random, config, breaking) };
    }
    case 'expire':
      return { name, time: expiryTime(random, config, pair) };
    default:
      return { name };
  }
}

/** The oldest entry, when there is one and this operation is to aim at it. */
function aimedAtOldest(random: Random, config: EmapConfig, model: EmapModel): OldestEntry | null {
  return random.chance(config.aimAtOldest) ? model.oldest() : null;
}

/** An i64, as WebAssembly passes it (near the smallest time, `clock - k` wraps around). */
function expiryTime(random: Random, config: EmapConfig, pair: EmapPair): bigint {
  if (random.chance(config.aimAtOldest)) {
    const oldest = pair.model.oldest();
    if (oldest === null || random.chance(0.2)) return random.pick(EXTREME_TIMES);
    return BigInt.asIntN(64, oldest.stamp + BigInt(random.between(-1, 1)));
  }
  return BigInt.asIntN(64, pair.clock + BigInt(random.between(-4 * config.maxTimeStep - 2, config.maxTimeStep + 1)));
}

/** Where the key goes; when the operation is meant to break a precondition, sometimes across the memory's end. */
function keyAddress(random: Random, config: EmapConfig, breaking: boolean): number {
  return drawAddress(random, config.keySize, breaking && random.chance(0.25));
}

/** The next stamp; when the operation is meant to break a precondition, sometimes one before the last. */
function nextTime(random: Random, config: EmapConfig, pair: EmapPair, breaking: boolean): bigint {
  // i64 values, as WebAssembly passes them (a time just before the smallest one wraps around).
  if (breaking && random.chance(0.5)) return BigInt.asIntN(64, pair.clock - BigInt(random.between(1, 5)));
  return BigInt.asIntN(64, pair.clock + BigInt(random.between(0, config.maxTimeStep)));
}

function violation(pair: EmapPair, op: EmapOp, keySize: number): string | null {
  if ('at' in op && isOutside(op.at, keySize)) return 'the key lies outside the memory';
  return pair.model.violation(op);
}

function step(pair: EmapPair, op: EmapOp, keySize: number): { expected: string; actual: string } {
  const { model, handle } = pair;
  const abi = pair.libvig.imports;
  if ('key' in op) writeBytes(op.at, op.key);
  if (violation(pair, op, keySize) !== null) return { expected: REJECTED, actual: outcome(() => callRejected(pair, op), REJECTED) };
  switch (op.name) {
    case 'get':
      return { expected: String(model.get(op.key)), actual: String(abi.emap_get(handle, op.at)) };
    case 'has_idx':
      return { expected: String(model.hasIdx(op.index)), actual: String(abi.emap_has_idx(handle, op.index) === 1) };
    case 'get_key':
      abi.emap_get_key(handle, op.index, op.at);
      return { expected: hex(model.getKey(op.index)), actual: hex(readBytes(op.at, keySize)) };
    case 'add': {
      const actual = abi.emap_add(handle, op.at, op.now);
      if (actual >= 0) pair.clock = op.now;
      return { expected: String(model.add(op.key, op.now, actual)), actual: String(actual) };
    }
    case 'refresh':
      abi.emap_refresh(handle, op.index, op.now);
      model.refresh(op.index, op.now);
      pair.clock = op.now;
      return { expected: 'done', actual: 'done' };
    case 'erase':
      abi.emap_erase(handle, op.at);
      model.erase(op.key);
      return { expected: 'done', actual: 'done' };
    case 'expire':
      return { expected: String(model.expire(op.time)), actual: String(abi.emap_expire(handle, op.time)) };
    case 'count':
      return { expected: String(model.count()), actual: String(abi.emap_count(handle)) };
    case 'full':
      return { expected: String(model.full()), actual: String(abi.emap_full(handle) === 1) };
  }
}

/** Calls the run-time with an operation the model rejects (only operations that have preconditions get here). */
function callRejected({ libvig, handle }: EmapPair, op: EmapOp): number | void {
  const abi = libvig.imports;
  switch (op.name) {
    case 'get':
      return abi.emap_get(handle, op.at);
    case 'get_key':
      return abi.emap_get_key(handle, op.index, op.at);
    case 'add':
      return abi.emap_add(handle, op.at, op.now);
    case 'refresh':
      return abi.emap_refresh(handle, op.index, op.now);
    case 'erase':
      return abi.emap_erase(handle, op.at);
    default:
      throw new Error(`emap_${op.name} has no precondition to break`);
  }
}

/** The scenario with a given model: the plain reference, or the one executed from the verifier's contract. */
const scenarioWith = (createModel: (config: EmapConfig) => EmapModel): Scenario<EmapConfig, EmapOp, EmapPair> => ({
  create(config) {
    const libvig = freshLibVig();
    const handle = libvig.imports.emap_allocate(config.keySize, config.capacity);
    return { model: createModel(config), libvig, handle, clock: config.startTime };
  },
  nextOp,
  violation: (pair, op) => violation(pair, op, (pair.libvig.objects[pair.handle] as { keySize: number }).keySize),
  step: (pair, op) => step(pair, op, (pair.libvig.objects[pair.handle] as { keySize: number }).keySize),
  describe: (op) => describeCall('emap_', op),
  describeConfig: (config) => `capacity ${config.capacity}, ${config.keySize}-byte keys, first stamp ${config.startTime}`,
});

const emapScenario = scenarioWith((config) => new ReferenceEmap(config.capacity));
const contractScenario = scenarioWith((config) => new ContractEmap(config.capacity, config.keySize));

test('emap: 100,000 random sequences at small capacities agree with the model', () => {
  checkAgainstModel(emapScenario, {
    sequences: 100_000,
    maxLength: 30,
    config: (random) => drawConfig(random, [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 64]),
  });
});

test('emap: filled to 65,536 entries, then churned with frequent expiry', () => {
  checkAgainstModel(emapScenario, {
    sequences: 1,
    minLength: 90_000,
    maxLength: 90_000,
    config: (random) => drawConfig(random, [65_536], { keySize: 13, fillFirst: true, weights: EXPIRY_HEAVY, maxTimeStep: 3, violationRate: 0.001, aimAtOldest: 0 }),
  });
});

test('emap: 20,000 sequences of expiries at, just before and just after the oldest stamp agree with the model', () => {
  // Whether emap_expire is due is decided in time-adapter.ts, from the oldest stamp the run-time keeps there.
  checkAgainstModel(emapScenario, {
    sequences: 20_000,
    maxLength: 40,
    config: (random) => drawConfig(random, [1, 2, 3, 4, 8], { weights: EXPIRY_HEAVY, maxTimeStep: random.pick([0, 1, 3]), aimAtOldest: 0.8 }),
  });
});

test('emap: capacities that are not powers of two, above 65,536', () => {
  checkAgainstModel(emapScenario, {
    sequences: 2,
    minLength: 30_000,
    maxLength: 30_000,
    config: (random) => drawConfig(random, [70_001, 100_000], { violationRate: 0.001, aimAtOldest: 0 }),
  });
});

test('emap: 100,000 random sequences agree with the model executed from the ghost-map contract', () => {
  checkAgainstModel(contractScenario, {
    sequences: 100_000,
    maxLength: 20,
    config: (random) => drawConfig(random, [1, 2, 3, 4, 5, 8, 16]),
  });
});

test('emap: the contract model, full tables and expiry-heavy sequences', () => {
  checkAgainstModel(contractScenario, {
    sequences: 2_000,
    minLength: 40,
    maxLength: 60,
    config: (random) => drawConfig(random, [4, 8], { fillFirst: true, weights: EXPIRY_HEAVY, maxTimeStep: 3 }),
  });
});
