// `import name`: inlined as text with a position map back to each file; unknown names and cycles
// are errors at the import.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { analyzeSpec } from '../../engine/spec/frontend/analyze.ts';
import { propertiesFolder } from '../../engine/spec/frontend/property-files.ts';
import { analyze, bridgeManifest, nfDir, onlyError } from './helpers.ts';

test('import: an unknown property is an error at its name', () => {
  const error = onlyError('from state import dyn_emap\nimport lern\n');
  assert.equal(error.kind, 'import');
  assert.deepEqual([error.file, error.line, error.column], ['test.py', 2, 8]);
  assert.match(error.message, /unknown property 'lern': there is no properties\/lern.py .* no property named 'lern' defined earlier in the session/);
});

test('import: a cycle is reported where it closes, with the chain', () => {
  const error = onlyError('import first\n', { cells: { first: 'x = 1\nimport second\n', second: 'import first\n' } });
  assert.deepEqual([error.file, error.line, error.column], ['cell second', 1, 8]);
  assert.match(error.message, /import cycle: first imports second imports first/);
  assert.deepEqual(error.importedFrom, [
    { file: 'cell first', line: 2, column: 1 },
    { file: 'test.py', line: 1, column: 1 },
  ]);
});

test('import: a spec that imports itself is a cycle', () => {
  const error = onlyError('import spec_under_test\n');
  assert.match(error.message, /import cycle: spec_under_test imports spec_under_test/);
});

test('import: a function-dialect property cannot be included', () => {
  const error = onlyError('import fn\n', { cells: { fn: 'def spec(packet, config, transmitted_packet):\n    pass\n' } });
  assert.deepEqual([error.line, error.column], [1, 8]);
  assert.match(error.message, /function dialect/);
});

test('import: the text is inlined in place, and every line maps back to its file', () => {
  const cells = { base: 'from state import dyn_emap\nh = pop_header(ether, on_mismatch=([], []))', middle: 'import base\nknown = dyn_emap.has(h.saddr)\n' };
  const result = analyze('# top\nimport middle\nif known:\n    pass\n', { cells });
  assert.ok(result.ok);
  const { text, positions, imports } = result.spec;
  assert.deepEqual(imports, ['middle', 'base']);
  const lines = text.split('\n');
  const where = (needle: string) => {
    const line = lines.findIndex((l) => l.includes(needle)) + 1;
    assert.ok(line > 0, `${needle} is not in the inlined text`);
    const at = positions.locateLine(line, lines[line - 1]!.indexOf(needle) + 1);
    return [at.file, at.line, at.column, at.importedFrom.map((i) => `${i.file}:${i.line}`).join(' < ')];
  };
  assert.deepEqual(where('# top'), ['test.py', 1, 1, '']);
  assert.deepEqual(where('pop_header'), ['cell base', 2, 5, 'cell middle:1 < test.py:2']);
  assert.deepEqual(where('known ='), ['cell middle', 2, 1, 'test.py:2']);
  assert.deepEqual(where('if known'), ['test.py', 3, 1, '']);
  assert.ok(text.indexOf('pop_header') < text.indexOf('known =') && text.indexOf('known =') < text.indexOf('if known'));
});

test('import: a property imported twice is included once', () => {
  const cells = { pop: 'h = pop_header(ether, on_mismatch=([], []))\n', a: 'import pop\n', b: 'import pop\n' };
  const result = analyze('import a\nimport b\nx = h.saddr\n', { cells });
  assert.ok(result.ok);
  assert.equal(result.spec.text.split('pop_header').length - 1, 1);
  assert.deepEqual(result.spec.imports, ['a', 'pop', 'b']);
});

test("import: an operator's spec file imports from its own folder first, then from the NF's properties/", () => {
  // A folder of specs outside the NF, as an auditor keeps them: its own `learn` shadows the bridge's.
  const folder = mkdtempSync(join(tmpdir(), 'vigor-operator-specs-'));
  writeFileSync(join(folder, 'common.py'), 'h = pop_header(ether, on_mismatch=([], []))\n');
  writeFileSync(join(folder, 'learn.py'), 'x = 1\n');
  writeFileSync(join(folder, 'audit.py'), 'import common\nimport learn\nimport refresh\nreturn ([1 - received_on_port], [ether(h)])\n');
  const lookupProperty = propertiesFolder(nfDir('bridge'));
  const audit = join(folder, 'audit.py');
  const analysis = analyzeSpec({ name: 'audit', file: audit, text: readFileSync(audit, 'utf8'), manifest: bridgeManifest, lookupProperty });
  assert.ok(analysis.ok, JSON.stringify(analysis));
  assert.deepEqual(analysis.spec.imports, ['common', 'learn', 'refresh']);
  const bridgeProperty = (name: string) => readFileSync(join(nfDir('bridge'), 'properties', `${name}.py`), 'utf8');
  assert.ok(analysis.spec.text.includes('x = 1\n') && !analysis.spec.text.includes(bridgeProperty('learn')), 'the folder\'s learn, not the bridge\'s');
  assert.ok(analysis.spec.text.includes(bridgeProperty('refresh')), 'the bridge\'s refresh');
  // A cell has no folder: only the NF's properties/ (and earlier cells) are looked in.
  assert.equal(lookupProperty('common', 'Cell In[3]'), undefined);
  assert.equal(lookupProperty('learn', 'Cell In[3]')?.file, relative(process.cwd(), join(nfDir('bridge'), 'properties', 'learn.py')));
  const missing = analyzeSpec({ name: 'audit', file: audit, text: 'import absent\n', manifest: bridgeManifest, lookupProperty });
  assert.ok(!missing.ok);
  assert.match(missing.errors[0]!.message, new RegExp(`there is no properties/absent.py for this NF, no absent.py beside ${audit.replaceAll('.', '\\.')} and no property`));
});
