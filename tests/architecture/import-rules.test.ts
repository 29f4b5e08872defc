// The import rules (README.md here): the checker on a fixture with one seeded breach of each rule, then on the repository itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkImportRules, findImports, findMayImportLines, packageName } from './import-rules.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const FIXTURE = join(here, 'fixture');
const REPOSITORY = join(here, '..', '..');
const importsOf = (file: string) => findImports(file, readFileSync(join(FIXTURE, file), 'utf8')).map(({ line, specifier }) => `${line} ${specifier}`);

test('the fixture: exactly one problem per seeded breach, nothing from the clean folders or from comments', () => {
  assert.deepEqual(checkImportRules(FIXTURE), [
    'engine/index.ts:8: imports engine/pool/pool.ts, which engine/README.md does not allow (May import: `abi/index.ts`, `solver/`, `engine/session/`)',
    'engine/index.ts:9: imports npm package @lezer/common, which engine/README.md does not allow (May import: `abi/index.ts`, `solver/`, `engine/session/`)',
    'engine/session/replay.ts:4: imports runtime/instantiate.ts, which engine/session/README.md does not allow (May import: `solver/`)',
    'engine/session/replay.ts:6: imports ./missing.ts, which is not a file (engine/session/missing.ts)',
    'folder import cycle: ping/ -> pong/ -> ping/ (ping/ping.ts:1 imports pong/pong.ts; pong/pong.ts:1 imports ping/helper.ts)',
    'import cycle: cycle/a.ts -> cycle/b.ts -> cycle/c.ts -> cycle/a.ts',
    "loose/orphan.ts: no folder above it has a README.md with a 'May import:' line",
    'runtime/README.md:3: May import entry `solver` is a folder: write `solver/`',
    "runtime/README.md:3: the 'May import:' line goes on to line 4; keep the entries on one line and end the list with a full stop (later lines are not read)",
    'runtime/harness.c:4: imports nf/nf.h, which runtime/README.md does not allow (May import: `abi/`, `solver`)',
  ]);
});

test('the fixture: every import form is found, and nothing in comments, strings or regular expressions', () => {
  assert.deepEqual(importsOf('solver/index.ts'), [
    '1 z3-solver',
    '2 node:fs',
    '3 path',
    '4 node:module',
    '5 z3-solver/build/high-level/types.js',
    '8 z3-solver/build/z3-built.wasm',
    '9 z3-solver/package.json',
    '10 z3-solver',
  ]);
  assert.deepEqual(importsOf('engine/index.ts'), [
    '2 ../abi/index.ts',
    '6 ../solver/index.ts',
    '7 ./session/replay.ts',
    '8 ./pool/pool.ts',
    '9 @lezer/common/dist/index.js',
    '10 ./helper.ts',
    '11 ./session/replay.ts',
    '12 ./helper.ts',
    '14 ./helper.ts',
    '15 ./worker.ts',
  ]);
  assert.deepEqual(importsOf('engine/session/replay.ts'), ['1 ../../solver/index.ts', '4 ../../runtime/instantiate.ts', '6 ./missing.ts']);
  assert.deepEqual(importsOf('engine/helper.ts'), []);
  assert.deepEqual(importsOf('nf/nf.ts'), ['1 ../abi/outputs', '2 ../abi']);
  assert.deepEqual(importsOf('runtime/harness.c'), ['3 ../abi/abi.h', '4 ../nf/nf.h']);
});

test('tricky sources: regular expressions and nested template literals do not hide or invent imports', () => {
  const source = [
    "const slashes = /\\/\\/ not a comment/; import a from './a.ts';",
    "const t = `${{ x: `${'}'}` }.x} // not a comment`; import './b.ts';",
    "const ratio = 4 / 2; /* import './c.ts' */ const d = await import('./d.ts');",
    "console.log(\"require('./e.ts')\"); const r = x.require('./f.ts'); require('./g.ts');",
  ].join('\n');
  assert.deepEqual(findImports('t.ts', source), [
    { line: 1, specifier: './a.ts' },
    { line: 2, specifier: './b.ts' },
    { line: 3, specifier: './d.ts' },
    { line: 4, specifier: './g.ts' },
  ]);
});

test('README lines and package names', () => {
  const readme = [
    '# x',
    '```',
    'May import: `ignored/`',
    '```',
    'May import: `a/`, `b.ts` (see `b.md`. Really.) and `npm:@s/p`. Never `c/`.',
    'Says `May import:` in prose.',
  ].join('\n');
  assert.deepEqual(findMayImportLines(readme), [{ line: 5, entries: ['a/', 'b.ts', 'b.md', 'npm:@s/p'], continued: false }]);
  assert.deepEqual(findMayImportLines('May import: `a/`, `b.ts` (the\nreason), `c/`.\n'), [{ line: 1, entries: ['a/', 'b.ts'], continued: true }]);
  assert.deepEqual(findMayImportLines('May import: `a/` and `b.ts`\n\nProse `x`.'), [{ line: 1, entries: ['a/', 'b.ts'], continued: false }]);
  assert.equal(packageName('z3-solver/build/x.js'), 'z3-solver');
  assert.equal(packageName('@lezer/common/dist/index.js'), '@lezer/common');
});

test('the repository follows its import rules', () => {
  const problems = checkImportRules(REPOSITORY, { exclude: ['tests/architecture/fixture'] });
  assert.deepEqual(problems, [], `${problems.length} import-rule problems (tests/architecture/README.md says how the rules read):\n${problems.join('\n')}`);
});
