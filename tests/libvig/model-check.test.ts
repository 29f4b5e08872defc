// The model-based harness itself: it finds a planted disagreement and shrinks the sequence to a minimal one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAgainstModel, REJECTED, type Scenario } from './harness/model-check.ts';

type CounterOp = { name: 'increment' } | { name: 'decrement' } | { name: 'read' };

/** A counter that must stay non-negative; the "run-time" under test misreads the value 3 as 4. */
interface CounterPair {
  model: number;
  runtime: number;
}

const buggyCounter: Scenario<null, CounterOp, CounterPair> = {
  create: () => ({ model: 0, runtime: 0 }),
  nextOp: (random) => ({ name: random.pick(['increment', 'decrement', 'read'] as const) }),
  violation: (pair, op) => (op.name === 'decrement' && pair.model === 0 ? 'the counter is zero' : null),
  step(pair, op) {
    if (op.name === 'read') return { expected: String(pair.model), actual: String(pair.runtime === 3 ? 4 : pair.runtime) };
    if (buggyCounter.violation(pair, op) !== null) return { expected: REJECTED, actual: REJECTED };
    const change = op.name === 'increment' ? 1 : -1;
    pair.model += change;
    pair.runtime += change;
    return { expected: 'done', actual: 'done' };
  },
  describe: (op) => op.name,
  describeConfig: () => 'counter',
};

test('a disagreement is reported with the shortest failing sequence', () => {
  assert.throws(
    () => checkAgainstModel(buggyCounter, { sequences: 1000, minLength: 30, maxLength: 30, config: () => null }),
    (error: Error) => {
      const steps = error.message.split('\n').filter((line) => /^\s+\d+\. /.test(line));
      assert.deepEqual(steps.map((line) => line.trim().replace(/^\d+\. /, '')), ['increment', 'increment', 'increment', 'read'], error.message);
      assert.match(error.message, /at step 4: model says 3\n\s+run-time says 4/);
      return true;
    },
  );
});
