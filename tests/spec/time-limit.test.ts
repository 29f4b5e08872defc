// The spec clock's watchdog: past a run's budget it interrupts Python again and again (an interrupt dropped by C
// code must not let the run go on) until the prelude's handler disarms it; after that no interrupt lands in the
// handler, where it would escape as a PythonError instead of the time-limit verdict.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { SpecClock } from '../../engine/spec/limits.ts';

const SIGINT = 2;
const flag = (clock: SpecClock) => Atomics.load(clock.interrupt, 0);
/**
 * The flag once the watchdog has had its chance: it polls from a thread of its own, which a loaded machine (the
 * suite runs two files at once) may start or schedule late, so an interrupt due is waited for, up to 5 s.
 */
async function flagWhenDue(clock: SpecClock): Promise<number> {
  for (let waited = 0; flag(clock) !== SIGINT && waited < 5000; waited += 10) await sleep(10);
  return flag(clock);
}
/** What Pyodide does when it raises KeyboardInterrupt. */
const consume = (clock: SpecClock) => Atomics.store(clock.interrupt, 0, 0);

test('past its budget a run is interrupted until the handler disarms the clock, then not again in that run', async () => {
  const clock = new SpecClock({ seconds: 0.01, mebibytes: 64 });
  try {
    clock.start();
    assert.equal(await flagWhenDue(clock), SIGINT, 'interrupted once the budget is spent');
    consume(clock);
    assert.equal(await flagWhenDue(clock), SIGINT, 'an interrupt that did not stop the run is raised again');
    clock.disarm();
    assert.equal(flag(clock), 0, 'disarming clears a pending interrupt');
    // The handler may still call the engine (the bridge leaves and enters the clock around each call).
    clock.leave();
    clock.enter();
    await sleep(150);
    assert.equal(flag(clock), 0, 'no interrupt in the handler');
    clock.leave();
    clock.start();
    assert.equal(await flagWhenDue(clock), SIGINT, 'the next run has its own budget and interrupt');
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
    assert.equal(await flagWhenDue(clock), SIGINT);
  } finally {
    await clock.stop();
  }
});
