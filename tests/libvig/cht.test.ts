// Model-based tests of the cht run-time: lookups against a live-backend emap that changes between them, all
// through the libvig imports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chtChoice } from '../../engine/contracts/index.ts';
import { EmapQueries } from '../../engine/ghost/emap.ts';
import * as T from '../../engine/solver/term.ts';
import type { LibVig } from '../../libvig/runtime/index.ts';
import { describeCall, drawAddress, freshLibVig, writeBytes } from './harness/abi-memory.ts';
import { checkAgainstModel, type Scenario } from './harness/model-check.ts';
import { Random } from './harness/random.ts';
import { ReferenceCht, type ChtModel } from './models/cht-model.ts';
import { ContractEmap } from './models/contract-emap.ts';
import { ReferenceEmap } from './models/emap-model.ts';

interface ChtConfig {
  height: number;
  backendCapacity: number;
  /** Capacity of the live-backend emap: its indices are the backends that can be alive. */
  emapCapacity: number;
}

/** A lookup, or a change of the live backends (backends are emap entries keyed by a 4-byte number). */
type ChtOp = { name: 'find'; hash: number } | { name: 'add_backend'; key: number; at: number } | { name: 'erase_backend'; key: number; at: number } | { name: 'expire'; time: bigint };

interface ChtPair {
  cht: ChtModel;
  backends: ReferenceEmap;
  libvig: LibVig;
  chtHandle: number;
  emapHandle: number;
  clock: bigint;
}

const KEY_SIZE = 4;
const keyBytes = (key: number): Uint8Array => new Uint8Array(new Uint32Array([key]).buffer);

function nextOp(random: Random, config: ChtConfig, pair: ChtPair): ChtOp {
  const key = random.below(2 * config.emapCapacity + 1);
  const present = pair.backends.get(keyBytes(key)) >= 0;
  switch (random.pick(['find', 'find', 'change', 'expire'] as const)) {
    case 'find':
      return { name: 'find', hash: random.next() | 0 };
    case 'change':
      return { name: present ? 'erase_backend' : 'add_backend', key, at: drawAddress(random, KEY_SIZE, false) };
    case 'expire':
      return { name: 'expire', time: pair.clock - BigInt(random.below(2 * config.emapCapacity)) };
  }
}

function step(pair: ChtPair, op: ChtOp): { expected: string; actual: string } {
  const abi = pair.libvig.imports;
  switch (op.name) {
    case 'find':
      return {
        expected: String(pair.cht.findBackend(op.hash, (backend) => pair.backends.hasIdx(backend))),
        actual: String(abi.cht_find_backend(pair.chtHandle, op.hash, pair.emapHandle)),
      };
    case 'add_backend': {
      writeBytes(op.at, keyBytes(op.key));
      const actual = abi.emap_add(pair.emapHandle, op.at, ++pair.clock);
      return { expected: String(pair.backends.add(keyBytes(op.key), pair.clock)), actual: String(actual) };
    }
    case 'erase_backend':
      writeBytes(op.at, keyBytes(op.key));
      abi.emap_erase(pair.emapHandle, op.at);
      pair.backends.erase(keyBytes(op.key));
      return { expected: 'done', actual: 'done' };
    case 'expire':
      return { expected: String(pair.backends.expire(op.time)), actual: String(abi.emap_expire(pair.emapHandle, op.time)) };
  }
}

const chtScenario: Scenario<ChtConfig, ChtOp, ChtPair> = {
  create({ height, backendCapacity, emapCapacity }) {
    const libvig = freshLibVig();
    const chtHandle = libvig.imports.cht_allocate(height, backendCapacity);
    const emapHandle = libvig.imports.emap_allocate(KEY_SIZE, emapCapacity);
    return { cht: new ReferenceCht(height, backendCapacity), backends: new ReferenceEmap(emapCapacity), libvig, chtHandle, emapHandle, clock: 0n };
  },
  nextOp,
  violation: () => null,
  step,
  describe: (op) => describeCall(op.name === 'find' ? 'cht_' : 'emap/', op),
  describeConfig: (config) => `height ${config.height}, ${config.backendCapacity} backends, emap capacity ${config.emapCapacity}`,
};

test('cht: 100,000 random sequences of lookups and backend changes agree with the model', () => {
  checkAgainstModel(chtScenario, {
    sequences: 100_000,
    maxLength: 16,
    config: (random) => {
      const height = random.pick([2, 3, 5, 7, 11, 13, 31, 97, 257]);
      const backendCapacity = random.between(1, random.pick([3, 8, 40]));
      return { height, backendCapacity, emapCapacity: random.between(1, backendCapacity + 2) };
    },
  });
});

test('cht: a 65,537-row table over 32 backends', () => {
  checkAgainstModel(chtScenario, {
    sequences: 2,
    minLength: 5_000,
    maxLength: 5_000,
    config: () => ({ height: 65_537, backendCapacity: 32, emapCapacity: 32 }),
  });
});

// The verifier's cht contract does not say which live backend the table prefers, only what any answer satisfies:
// every answer of the run-time must satisfy it, with the emap's ghost state executed from its contract too.
test('cht: 20,000 random sequences: every run-time choice satisfies the contract', () => {
  for (let sequence = 0; sequence < 20_000; sequence++) {
    const random = new Random(7_000_000 + sequence);
    const height = random.pick([2, 3, 5, 7, 13, 31]);
    const capacity = random.between(1, 8);
    const emapCapacity = random.between(1, capacity + 3);
    const libvig = freshLibVig();
    const chtHandle = libvig.imports.cht_allocate(height, capacity);
    const emapHandle = libvig.imports.emap_allocate(KEY_SIZE, emapCapacity);
    const ghost = new ContractEmap(emapCapacity, KEY_SIZE);
    const queries = new EmapQueries({ now: T.bv(0, 64) }, []);
    for (let step = 0, clock = 0n; step < 12; step++) {
      const key = random.below(2 * emapCapacity + 1);
      writeBytes(0, keyBytes(key));
      const present = ghost.get(keyBytes(key)) >= 0;
      if (random.chance(0.5)) {
        if (present) {
          libvig.imports.emap_erase(emapHandle, 0);
          ghost.erase(keyBytes(key));
        } else {
          const index = libvig.imports.emap_add(emapHandle, 0, ++clock);
          assert.equal(ghost.add(keyBytes(key), clock, index), index);
        }
        continue;
      }
      const hash = random.next() | 0;
      const answer = libvig.imports.cht_find_backend(chtHandle, hash, emapHandle);
      const { choice, facts } = chtChoice({ name: 'table', capacity }, { version: ghost.ghost, capacity: emapCapacity }, T.bv(hash >>> 0, 32), queries);
      const model = T.emptyAssignment();
      const args = choice.args.map((a) => T.evaluate(a, model)).join(',');
      model.functions.set(choice.name, { entries: new Map([[args, BigInt.asUintN(32, BigInt(answer))]]), fallback: 0n });
      for (const fact of facts) assert.equal(T.evaluate(fact, model), 1n, `sequence ${sequence}: answer ${answer} breaks ${T.show(fact)}`);
    }
  }
});
