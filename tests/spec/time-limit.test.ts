// The spec clock's watchdog: past a run's budget it interrupts Python again and again (an interrupt dropped by C
// code must not let the run go on) until the prelude's handler disarms it; after that no interrupt lands in the
// handler, where it would escape as a PythonError instead of the time-limit verdict.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { SpecClock } from '../../engine/spec/limits.ts';

const SIGINT = 2;
const flag = (clock: SpecClock) => Atomics.load(clock.interrupt, 0);
/** What Pyodide does when it raises KeyboardInterrupt. */
const consume = (clock: SpecClock) => Atomics.store(clock.interrupt, 0, 0);

test('past its budget a run is interrupted until the handler disarms the clock, then not again in that run', async () => {
  const clock = new SpecClock({ seconds: 0.01, mebibytes: 64 });
  try {
    clock.start();
    await sleep(150);
    assert.equal(flag(clock), SIGINT, 'interrupted once the budget is spent');
    consume(clock);
    await sleep(150);
    assert.equal(flag(clock), SIGINT, 'an interrupt that did not stop the run is raised again');
    clock.disarm();
    assert.equal(flag(clock), 0, 'disarming clears a pending interrupt');
    // The handler may still call the engine (the bridge leaves and enters the clock around each call).
    clock.leave();
    clock.enter();
    await sleep(150);
    assert.equal(flag(clock), 0, 'no interrupt in the handler');
    clock.leave();
    clock.start();
    await sleep(150);
    assert.equal(flag(clock), SIGINT, 'the next run has its own budget and interrupt');
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
    assert.equal(flag(clock), 0, 'no interrupt while the engine works');
    clock.enter();
    await sleep(250);
    assert.equal(flag(clock), SIGINT);
  } finally {
    await clock.stop();
  }
});
