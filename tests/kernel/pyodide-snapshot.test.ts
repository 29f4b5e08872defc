// The kernel's Python restored from a memory image (the image itself: tests/spec/pyodide-snapshot.test.ts): random
// numbers are not shared between kernels restored from one image.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PythonRuntime } from '../../kernel/python/python-runtime.ts';
import { RecordingSink } from './recording-sink.ts';

test('two kernels restored from one snapshot draw different random numbers', async () => {
  const draws: string[] = [];
  for (let kernel = 0; kernel < 2; kernel++) {
    const python = new PythonRuntime();
    const outcome = await python.execute('import random\nrandom.random()', 'Cell In[1]', new RecordingSink(), new AbortController().signal);
    assert.ok(outcome.status === 'ok' && outcome.result);
    draws.push(String(outcome.result.data['text/plain']));
    await python.close();
  }
  assert.notEqual(draws[0], draws[1]);
});
