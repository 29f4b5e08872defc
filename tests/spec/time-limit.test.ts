// The spec clock's watchdog interrupts a run once: a second KeyboardInterrupt would land in the prelude's handling
// of the first and escape it (seen under load as a PythonError instead of the time-limit verdict).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { SpecClock } from '../../engine/spec/limits.ts';

const SIGINT = 2;

test('a run past its budget is interrupted once, and the next run can be interrupted again', async () => {
  const clock = new SpecClock({ seconds: 0.01, mebibytes: 64 });
  try {
    clock.start();
    await sleep(150);
    assert.equal(Atomics.load(clock.interrupt, 0), SIGINT, 'interrupted once the budget is spent');
    // Pyodide clears the flag as it raises KeyboardInterrupt; the run is still past its deadline.
    Atomics.store(clock.interrupt, 0, 0);
    await sleep(150);
    assert.equal(Atomics.load(clock.interrupt, 0), 0, 'not interrupted a second time in the same run');
    clock.leave();
    clock.start();
    await sleep(150);
    assert.equal(Atomics.load(clock.interrupt, 0), SIGINT, 'the next run has its own interrupt');
  } finally {
    await clock.stop();
  }
});

test('time spent outside Python does not count', async () => {
  const clock = new SpecClock({ seconds: 0.1, mebibytes: 64 });
  try {
    clock.start();
    clock.leave();
    await sleep(250);
    assert.equal(Atomics.load(clock.interrupt, 0), 0, 'no interrupt while the engine works');
    clock.enter();
    await sleep(250);
    assert.equal(Atomics.load(clock.interrupt, 0), SIGINT);
  } finally {
    await clock.stop();
  }
});
