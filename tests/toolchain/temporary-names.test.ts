// toolchain/build.ts's temporary files (a variant's patched copy, a stacked build's entry) are a thread's own: the
// verification pool's workers are threads of one process, each loading the module afresh, and two of them once
// took `.stacked-PID-1.ts` from under each other's compiler (`vigor verify --layers nf,io`).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { startTypeScriptWorker } from '../../engine/pool/worker-thread.ts';

test('the first temporary name of two worker threads of one process differ', async () => {
  const tokens = await Promise.all([0, 1].map(async () => {
    const worker = startTypeScriptWorker(new URL('./token-worker.ts', import.meta.url));
    const [token] = await once(worker, 'message');
    await worker.terminate();
    return token as string;
  }));
  assert.match(tokens[0]!, new RegExp(`^${process.pid}-`), 'named after the process');
  assert.notEqual(tokens[0], tokens[1]);
});
