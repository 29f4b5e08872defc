// Any text, however broken, gives diagnostics inside the text (never an exception from the
// front-end), and completion answers at any cursor: the kernel calls both on half-typed cells.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeSpec } from '../../engine/spec/frontend/analyze.ts';
import { completeSpec } from '../../engine/spec/frontend/complete.ts';
import { bridgeManifest, nfDir } from './helpers.ts';

for (const file of ['spec.py', 'properties/no_loop_fn.py']) {
  test(`robustness: every prefix of bridge/${file}, with a character dropped`, () => {
    const full = readFileSync(`${nfDir('bridge')}/${file}`, 'utf8');
    for (let cut = 0; cut <= full.length; cut += 2) {
      const text = full.slice(0, cut) + full.slice(cut + 1, cut + 20);
      const result = analyzeSpec({ name: 'prefix', file: 'prefix.py', text, manifest: bridgeManifest });
      const lineCount = text.split('\n').length + 1;
      for (const error of result.ok ? [] : result.errors) {
        assert.ok(error.line >= 1 && error.line <= lineCount && error.column >= 1, `${error.line}:${error.column} ${error.message} in ${JSON.stringify(text)}`);
      }
      assert.ok(Array.isArray(completeSpec({ text, offset: cut, manifest: bridgeManifest }).items));
    }
  });
}
