// Spec files are read as Python reads them (PEP 263): UTF-8 unless line 1 or 2 declares another encoding; bytes
// that do not decode are an error at their line and column (Python refuses such a file too), never characters
// silently replaced; through `import` the error is in the imported file, with the import that brought it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeSpec } from '../../engine/spec/frontend/analyze.ts';
import { propertiesFolder } from '../../engine/spec/frontend/property-files.ts';
import { decodeSpec, readSpecFile } from '../../engine/spec/frontend/spec-file.ts';
import { bridgeManifest } from './helpers.ts';

/** Bytes from a string of char codes below 256. */
const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const NOT_UTF8 = /^byte 0x([0-9a-f]{2}) is not UTF-8: save the file as UTF-8, or declare its encoding on line 1 or 2 \(# -\*- coding: latin-1 -\*-\)$/;

test('UTF-8, with or without a byte-order mark, and U+FFFD the file itself holds: read as written', () => {
  assert.deepEqual(decodeSpec(new TextEncoder().encode('débit = 1  # café\nx = "\uFFFD"\n')), { text: 'débit = 1  # café\nx = "\uFFFD"\n' });
  assert.deepEqual(decodeSpec(bytes('\xef\xbb\xbfx = 1\n')), { text: 'x = 1\n' });
});

test('a byte that is not UTF-8: its line and column, the byte, and what to do; the text before it', () => {
  const read = decodeSpec(bytes('from state import dyn_emap\n# caf\xe9 au lait\nx = 1\n'));
  assert.equal(read.text, 'from state import dyn_emap\n# caf');
  assert.deepEqual([read.undecodable?.line, read.undecodable?.column], [2, 6]);
  assert.equal(NOT_UTF8.exec(read.undecodable!.message)?.[1], 'e9');
  // After a genuine U+FFFD and a byte-order mark: still the first bad byte, counted in characters.
  const later = decodeSpec(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('s = "\uFFFDé"\n'), ...bytes('t = "\xff"\n')]));
  assert.deepEqual([later.undecodable?.line, later.undecodable?.column], [2, 6]);
  assert.equal(NOT_UTF8.exec(later.undecodable!.message)?.[1], 'ff');
});

test('a declared encoding (PEP 263, line 1 or 2, Python\'s names) decodes the file; an unknown one is an error at its line', () => {
  assert.deepEqual(decodeSpec(bytes('# -*- coding: latin-1 -*-\nd\xe9bit = 1\n')), { text: '# -*- coding: latin-1 -*-\ndébit = 1\n' });
  assert.equal(decodeSpec(bytes('#!/usr/bin/env python3\n# vim: set fileencoding=iso_8859_1 :\nx = "\xe9"\n')).text.endsWith('x = "é"\n'), true);
  assert.equal(decodeSpec(bytes('x = 1\n\n# coding: latin-1\ny = "\xe9"\n')).undecodable?.line, 4, 'a declaration on line 3 declares nothing');
  const wrong = decodeSpec(bytes('# coding: shift_jis\nx = "\x82"\n'));
  assert.deepEqual(wrong.undecodable, { line: 1, column: 1, message: "the file does not decode as 'shift-jis', the encoding this line declares: declare the one it was saved in" });
  const unknown = decodeSpec(bytes('x = 1\n# coding: klingon\n'));
  assert.deepEqual(unknown.undecodable, { line: 2, column: 1, message: "unknown encoding 'klingon': declare one Python knows (utf-8, latin-1, cp1252, ...)" });
});

const folder = mkdtempSync(join(tmpdir(), 'vigor-encodings-'));
after(() => rmSync(folder, { recursive: true, force: true }));

test('an undecodable spec is invalid at the bad byte; through import, in the property that holds it', () => {
  const nf = join(folder, 'nf');
  writeFileSync(join(folder, 'spec.py'), bytes('from state import dyn_emap\nx = "\xe9"\n'));
  const own = analyzeSpec({ name: 'spec', file: 'spec.py', ...readSpecFile(join(folder, 'spec.py')), manifest: bridgeManifest });
  assert.ok(!own.ok);
  assert.deepEqual(own.errors.map((e) => [e.file, e.line, e.column, e.kind]), [['spec.py', 2, 6, 'syntax']]);
  mkdirSync(join(nf, 'properties'), { recursive: true });
  writeFileSync(join(nf, 'properties', 'latin.py'), bytes('# caf\xe9\n'));
  const importer = analyzeSpec({ name: 'uses', file: 'uses.py', text: 'x = 1\nimport latin\n', manifest: bridgeManifest, lookupProperty: propertiesFolder(nf, nf) });
  assert.ok(!importer.ok);
  assert.deepEqual(importer.errors.map((e) => [e.file, e.line, e.column, e.importedFrom]), [['properties/latin.py', 1, 6, [{ file: 'uses.py', line: 2, column: 1 }]]]);
  assert.match(importer.errors[0]!.message, NOT_UTF8);
});
