// Inputs `vigor` cannot use, refused before any work with the path named and what to give instead; exit 2, never
// a raw EISDIR/ENOTDIR with exit 1 after the work was done: folders where files are written, an NF's nf.json for
// its folder, a folder named like a spec, notebooks that are not nbformat 4, kernel paths, loop bounds out of range.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { vigor } from './in-process.ts';

const work = mkdtempSync(join(tmpdir(), 'vigor-inputs-'));
after(() => rmSync(work, { recursive: true, force: true }));

const folder = join(work, 'a-folder');
mkdirSync(folder);
/** A file where a folder must be: paths under it cannot exist. */
const file = join(work, 'a-file');
writeFileSync(file, 'not a folder\n');
const notebook = join(work, 'cells.ipynb');
writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', metadata: {}, source: 'print("ran")' }] }));

/** An NF that does not compile: a command that reaches the build says "cannot compile", so none of these may. */
function brokenNf(name: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'properties'), { recursive: true });
  writeFileSync(join(dir, 'nf.json'), JSON.stringify({ name, source: 'broken.ts', devices: 2, frame: { min: 0, max: 64 } }));
  writeFileSync(join(dir, 'broken.ts'), 'export function nf_process(d: i32): i32 { return d +; }\n');
  return dir;
}

describe('a folder where a file is written is refused before the work, with a file to give instead', () => {
  test('vigor run -o DIR and --html DIR: no cell runs; exit 2', async () => {
    for (const option of ['-o', '--html']) {
      const run = await vigor(['run', notebook, option, folder]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^error: ${option} .*a-folder: is a folder; name a file to write, e.g. .*a-folder/cells\\.(executed\\.ipynb|html)$`, 'm'));
      assert.doesNotMatch(run.stdout, /ran \d+ code cell/);
    }
    const under = await vigor(['run', notebook, '-o', join(file, 'out.ipynb')]);
    assert.equal(under.code, 2);
    assert.match(under.stderr, /^error: -o .*a-file\/out\.ipynb: .*a-file is a file, not a folder$/m);
  });

  test('vigor bench --json DIR, --pcap-out DIR, --json under a file: refused before the benchmark; exit 2', async () => {
    for (const [option, example] of [['--json', 'bench.json'], ['--pcap-out', 'output.pcap']] as const) {
      const run = await vigor(['bench', 'nfs/nop', option, folder]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^error: ${option} .*a-folder: is a folder; name a file to write, e.g. .*a-folder/${example.replace('.', '\\.')}$`, 'm'));
      assert.equal(run.stdout, '', 'nothing was measured');
    }
    const under = await vigor(['bench', 'nfs/nop', '--json', join(file, 'sub', 'figures.json')]);
    assert.equal(under.code, 2);
    assert.match(under.stderr, /^error: --json .*figures\.json: .*a-file is a file, not a folder$/m);
  });
});

describe("an NF's nf.json given for its folder: the folder to give instead; exit 2", () => {
  for (const command of [['verify'], ['traces'], ['bench', '--packets', '10']]) {
    test(`vigor ${command[0]} nfs/nop/nf.json`, async () => {
      const run = await vigor([command[0]!, 'nfs/nop/nf.json', ...command.slice(1)]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /^error: nfs\/nop\/nf\.json is the NF's manifest: give the NF's folder, nfs\/nop$/m);
    });
  }
});

describe('a folder named like a spec is an input error naming it, before the NF is built; exit 2', () => {
  test('properties/NAME.py that is a folder', async () => {
    const nf = brokenNf('property-folder');
    mkdirSync(join(nf, 'properties', 'dir.py'));
    const run = await vigor(['verify', nf]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^error: .*property-folder\/properties\/dir\.py is a folder, not a spec file: .*rename or remove the folder$/m);
    assert.doesNotMatch(run.stderr, /EISDIR|cannot compile/);
  });

  test('spec.py that is a folder', async () => {
    const nf = brokenNf('spec-folder');
    mkdirSync(join(nf, 'spec.py'));
    const run = await vigor(['verify', nf]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^error: .*spec-folder\/spec\.py is a folder, not a spec file/m);
    assert.doesNotMatch(run.stderr, /EISDIR|cannot compile/);
  });
});

describe('a file that is no nbformat 4 notebook is an input error (exit 2), saying what is wrong', () => {
  const cases: [string, string, RegExp][] = [
    ['invalid JSON', '{"nbformat": 4,', /is not a notebook: it is not valid JSON, line 1/],
    ['empty', '', /is not a notebook: it is not valid JSON/],
    ['nbformat 3', JSON.stringify({ nbformat: 3, worksheets: [] }), /is not an nbformat 4 notebook \(nbformat: 3\); convert it/],
    ['a top-level list', '[]', /is not a notebook: its JSON is a list, not an object with "cells"/],
    ['no "cells" key', JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {} }), /is not a notebook: it has no "cells" key/],
  ];
  for (const [what, text, message] of cases) {
    test(what, async () => {
      const path = join(work, `${what.replace(/\W+/g, '-')}.ipynb`);
      writeFileSync(path, text);
      const run = await vigor(['run', path]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
    });
  }
});

describe('vigor kernel: paths it cannot use; exit 2', () => {
  test('install --prefix under a file names the file', async () => {
    const run = await vigor(['kernel', 'install', '--prefix', join(file, 'sub')]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^error: --prefix .*a-file\/sub: .*a-file is a file, not a folder$/m);
  });

  // Node's recursive mkdir never returns there (mkdir answers ENOENT under a folder that exists): the command hung,
  // so it runs in a process of its own, which a regression leaves to the timeout.
  test('install --prefix where no folder can be made (in /proc) says so and ends', () => {
    const run = spawnSync(process.execPath, ['bin/vigor.js', 'kernel', 'install', '--prefix', '/proc/vigor-kernel'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 2, `${run.error ?? ''} ${run.stderr}`);
    assert.match(run.stderr, /^error: the kernelspec could not be written: ENOENT: .*mkdir '\/proc\/vigor-kernel'; choose a folder you can write with --prefix DIR$/m);
  });

  test('start --connection-file missing, or not the JSON Jupyter writes', async () => {
    const missing = await vigor(['kernel', 'start', '--connection-file', join(work, 'missing.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: --connection-file .*missing\.json: no such file$/m);
    const malformed = join(work, 'malformed.json');
    writeFileSync(malformed, 'nope\n');
    const bad = await vigor(['kernel', 'start', '--connection-file', malformed]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: cannot read the connection file .*malformed\.json: /m);
    const lacking = join(work, 'lacking.json');
    writeFileSync(lacking, '{"ip": "127.0.0.1"}\n');
    const partial = await vigor(['kernel', 'start', '--connection-file', lacking]);
    assert.equal(partial.code, 2);
    assert.match(partial.stderr, /^error: connection file .*lacking\.json lacks "shell_port"/m);
  });
});

describe('vigor traces --loop-bound out of range: refused with the range; exit 2', () => {
  for (const bound of ['0', '99999999999999999999', '10001']) {
    test(bound, async () => {
      const run = await vigor(['traces', brokenNf(`bound-${bound.length}-${bound[0]}`), '--loop-bound', bound]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^error: --loop-bound takes a whole number from 1 to 10000, not "${bound}"$`, 'm'));
    });
  }
});

describe('vigor verify --property takes the name of a file of properties/ only; exit 2', () => {
  const nf = brokenNf('named');
  writeFileSync(join(nf, 'properties', 'drops.py'), 'return ([], [])\n');
  writeFileSync(join(nf, 'spec.py'), 'return ([], [])\n');
  for (const [name, said] of [['drops.py', /the name is drops \(--property drops\)/], ['../spec', /has no \.\.\/spec\.py/], ['absent', /has no absent\.py/]] as const) {
    test(name, async () => {
      const run = await vigor(['verify', nf, '--property', name]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`^error: no property ${name.replace(/\./g, '\\.')}: `, 'm'));
      assert.match(run.stderr, said);
      assert.match(run.stderr, /\(properties: drops; --spec FILE checks any other file\)/);
    });
  }
});
