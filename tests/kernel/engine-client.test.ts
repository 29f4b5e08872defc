// The verifier's worker started ahead of the first %nf (EngineClient.prepare): a request sent while it prepares
// waits for it, and a prepare that comes after a request was sent is not sent (the worker holds one at a time).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { EngineClient } from '../../kernel/verification/engine-client.ts';
import { WorkerFailure } from '../../kernel/workers/interruptible-worker.ts';

const LEARNER = resolve('tests/programs/nfs/learner');
const signal = () => new AbortController().signal;

test('a request sent while the verifier prepares is answered after it; an interrupt meanwhile stops the wait', async () => {
  const engine = new EngineClient();
  try {
    engine.prepare();
    const interrupt = new AbortController();
    const waiting = engine.open(LEARNER, 'nf', interrupt.signal, () => {});
    interrupt.abort();
    await assert.rejects(waiting, (error: unknown) => error instanceof WorkerFailure && error.interrupted);
    assert.equal((await engine.open(LEARNER, 'nf', signal(), () => {})).figures.traces, 7);
  } finally {
    await engine.close();
  }
});

test('a prepare after the first request does not take the worker from it', { timeout: 120_000 }, async () => {
  const engine = new EngineClient();
  try {
    const opening = engine.open(LEARNER, 'nf', signal(), () => {});
    // Once the request is with the worker (as when Python finished starting after the first %nf was sent).
    await new Promise((resolve) => setTimeout(resolve, 100));
    engine.prepare();
    assert.equal((await opening).figures.traces, 7);
  } finally {
    await engine.close();
  }
});
