// The project's loader (loader/): TypeScript runs, and Binaryen's and Pyodide's large modules load untouched by
// tsx's rewrite (which cost ~20 s and 0.4 s a process), in processes started with it and in the project's workers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTypeScriptWorker } from '../../engine/pool/worker-thread.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// tsx is active where the project's module is rewritten: the others as they are there are the loader's doing.
const EXPECTED = { binaryen: 'as is', pyodideCore: 'as is', project: 'transformed' };

test("a process started with the loader runs TypeScript and loads Binaryen and Pyodide as they are, the project's modules through tsx", () => {
  const script = `const { howModulesLoad } = await import(${JSON.stringify(new URL('./how-modules-load.ts', import.meta.url).href)});
    const { MEMORY_BASE } = await import(${JSON.stringify(join(ROOT, 'nf-abi', 'memory-layout.ts'))});
    console.log(JSON.stringify({ ...(await howModulesLoad()), memoryBase: MEMORY_BASE }));`;
  const run = spawnSync(process.execPath, ['--import', './loader/register.js', '--input-type=module', '--eval', script], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { ...EXPECTED, memoryBase: 65536 });
});

test("the project's worker threads load Binaryen and Pyodide as they are, the project's modules through tsx", async () => {
  const worker = startTypeScriptWorker(new URL('./loading-probe.ts', import.meta.url));
  const answer = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.deepEqual(answer, EXPECTED);
});
