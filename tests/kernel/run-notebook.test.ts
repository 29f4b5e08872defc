// `npx vigor run` on real notebooks: outputs written beside the .ipynb (or to -o), an HTML export, failures reported,
// and Ctrl-C: the notebook still written as executed so far.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { joinSource, type Notebook, parseNotebook } from '../../kernel/notebook/notebook-format.ts';

const directory = mkdtempSync(join(tmpdir(), 'vigor-run-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function code(source: string) {
  return { cell_type: 'code', metadata: {}, source, outputs: [{ output_type: 'stream', name: 'stdout', text: 'stale\n' }], execution_count: 9 };
}

function writeNotebook(name: string, cells: object[]): string {
  const path = join(directory, name);
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  return path;
}

function vigor(...args: string[]) {
  return spawnSync(process.execPath, ['bin/vigor.js', ...args], { encoding: 'utf8', timeout: 120_000 });
}

test('vigor run executes every code cell in order and writes outputs and an HTML page', () => {
  const input = writeNotebook('ok.ipynb', [
    { cell_type: 'markdown', metadata: {}, source: '# Checks' },
    code('flows = {"a": 1}\nprint("flows:", len(flows))\nlen(flows) + 1'),
    code('display(HTML("<table><tr><td>ok</td></tr></table>"))'),
    code('%%ts\nconsole.log([1, 2].map((x) => x * 2).join(","))'),
  ]);
  const output = join(directory, 'ok.out.ipynb');
  const html = join(directory, 'ok.html');
  const run = vigor('run', input, '-o', output, '--html', html);
  assert.equal(run.status, 0, run.stderr);
  const notebook = JSON.parse(readFileSync(output, 'utf8')) as Notebook;
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === 'code');
  assert.deepEqual(codeCells.map((cell) => cell.execution_count), [1, 2, 3]);
  assert.deepEqual(codeCells[0].outputs, [
    { output_type: 'stream', name: 'stdout', text: 'flows: 1\n' },
    { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '2' }, metadata: {} },
  ]);
  assert.equal(codeCells[1].outputs?.[0].output_type, 'display_data');
  assert.deepEqual(codeCells[2].outputs, [{ output_type: 'stream', name: 'stdout', text: '2,4\n' }]);
  assert.equal((notebook.metadata.language_info as { name: string }).name, 'python');
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<table><tr><td>ok<\/td><\/tr><\/table>/);
  assert.match(page, /flows: 1/);
  assert.equal(JSON.parse(readFileSync(input, 'utf8')).cells[1].outputs[0].text, 'stale\n', 'the input is left alone when -o is given');
});

test('a failing cell stops the run with exit code 1, its traceback, and no stale outputs below it', () => {
  const input = writeNotebook('fails.ipynb', [code('x = 1'), code('x = 1\nundefined_name + x'), code('print("never")')]);
  const run = vigor('run', input);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /cell 2 of .*fails\.ipynb failed; later cells were not run/);
  assert.match(run.stderr, /File "Cell In\[2\]", line 2[\s\S]*NameError: name 'undefined_name' is not defined/);
  // Without -o the executed notebook goes beside the input, which is left alone.
  assert.match(run.stdout, /executed notebook written to .*fails\.executed\.ipynb/);
  assert.equal(JSON.parse(readFileSync(input, 'utf8')).cells[1].outputs[0].text, 'stale\n');
  const notebook = JSON.parse(readFileSync(join(directory, 'fails.executed.ipynb'), 'utf8')) as Notebook;
  assert.equal(notebook.cells[1].outputs?.[0].output_type, 'error');
  assert.deepEqual([notebook.cells[2].outputs, notebook.cells[2].execution_count], [[], null]);
});

test('--allow-errors runs every cell past failures, reports each, and exits 0, as nbconvert does', () => {
  const input = writeNotebook('audit.ipynb', [code('%nf nonexistent'), code('x = 1\nundefined_name + x'), code('print("still run")')]);
  const output = join(directory, 'audit.out.ipynb');
  const run = vigor('run', input, '-o', output, '--allow-errors');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /ran 3 code cell\(s\)/);
  assert.match(run.stderr, /cell 1 of .*audit\.ipynb failed:\nUsageError: "nonexistent" is not an NF/);
  assert.match(run.stderr, /cell 2 of .*audit\.ipynb failed:[\s\S]*NameError: name 'undefined_name' is not defined/);
  assert.doesNotMatch(run.stderr, /later cells were not run/);
  const notebook = JSON.parse(readFileSync(output, 'utf8')) as Notebook;
  assert.deepEqual(notebook.cells.map((cell) => cell.execution_count), [1, 2, 3]);
  assert.deepEqual(notebook.cells[2].outputs, [{ output_type: 'stream', name: 'stdout', text: 'still run\n' }]);
});

test('a file that is not a notebook is reported with what to do', () => {
  const path = join(directory, 'old.ipynb');
  writeFileSync(path, JSON.stringify({ nbformat: 3, worksheets: [] }));
  const run = vigor('run', path);
  assert.equal(run.status, 2, 'an input error, not a failed run');
  assert.match(run.stderr, /not an nbformat 4 notebook \(nbformat: 3\); convert it/);
  assert.equal(vigor('run').status, 2, 'no notebook given is a usage error');
});

test('a notebook that is broken says where: the line and column of its JSON, or the cell, counted from 1', () => {
  const thrown = (text: string) => {
    try {
      parseNotebook(text, 'audit.ipynb');
    } catch (e) {
      return (e as Error).message;
    }
    assert.fail(`accepted: ${text}`);
  };
  assert.equal(thrown('{\n "nbformat": 4,\n "cells": [{"cell_type": "code", "source": "1",, }]\n}\n'), 'audit.ipynb is not a notebook: it is not valid JSON, line 3, column 48: property name expected');
  assert.equal(thrown('null'), 'audit.ipynb is not a notebook: its JSON is null, not an object with "cells"');
  assert.equal(thrown('[]'), 'audit.ipynb is not a notebook: its JSON is a list, not an object with "cells"');
  assert.equal(thrown('{"nbformat": 4, "metadata": 3, "cells": []}'), 'audit.ipynb: "metadata" is the number 3, not an object');
  assert.equal(thrown('{"nbformat": 4, "cells": [{"cell_type": "code", "source": "ok"}, {"cell_type": "codee", "source": 3}, 7, {"cell_type": "raw", "source": ["a", 1], "outputs": {}}]}'), [
    'audit.ipynb: cell 2: "cell_type" is the string "codee", not one of "code", "markdown", "raw"',
    'audit.ipynb: cell 2: "source" is the number 3, not a string or a list of strings',
    'audit.ipynb: cell 3: the number 7, not a cell (an object with "cell_type" and "source")',
    'audit.ipynb: cell 4: "source" is a list, not a string or a list of strings',
    'audit.ipynb: cell 4: "outputs" is an object, not a list',
  ].join('\n'));
  // Accepted: a byte-order mark before the JSON, and no metadata (the run writes language_info into it).
  const notebook = parseNotebook('\uFEFF{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code", "source": ["1 +", " 1"]}]}', 'audit.ipynb');
  assert.deepEqual(notebook.metadata, {});
  assert.equal(joinSource(notebook.cells[0]!.source), '1 + 1');
});

/** `vigor run --progress` on `input` in a process of its own, once its progress shows `started`; its stderr grows in `output`. */
async function runStarted(input: string, started: RegExp) {
  const child = spawn(process.execPath, ['bin/vigor.js', 'run', input, '--progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stderr: '' };
  child.stderr.setEncoding('utf8');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
  await new Promise<void>((resolve) => child.stderr.on('data', (chunk: string) => {
    output.stderr += chunk;
    if (started.test(output.stderr)) resolve();
  }));
  return { child, exited, output };
}

test('Ctrl-C interrupts the running cell, writes the notebook as executed so far, says where, and exits 130', async () => {
  const input = writeNotebook('interrupted.ipynb', [code('print(1)'), code('while True: pass'), code('print("never")')]);
  // Interrupted once the endless cell has started (and Python with it).
  const { child, exited, output } = await runStarted(input, /cell 2 of 3: while True/);
  await new Promise((resolve) => setTimeout(resolve, 500));
  child.kill('SIGINT');
  assert.equal(await exited, 130, output.stderr);
  const { stderr } = output;
  assert.match(stderr, /cell 2 interrupted/);
  assert.match(stderr, /interrupted at cell 2 of .*interrupted\.ipynb; the notebook as executed so far \(2 code cell\(s\), later cells not run\) is written to .*interrupted\.executed\.ipynb/);
  const notebook = JSON.parse(readFileSync(join(directory, 'interrupted.executed.ipynb'), 'utf8')) as Notebook;
  assert.deepEqual(notebook.cells[0]!.outputs, [{ output_type: 'stream', name: 'stdout', text: '1\n' }], 'the finished cell keeps its output');
  assert.equal(notebook.cells[1]!.outputs?.at(-1)?.output_type, 'error');
  assert.equal((notebook.cells[1]!.outputs?.at(-1) as { ename: string }).ename, 'KeyboardInterrupt');
  assert.deepEqual([notebook.cells[2]!.outputs, notebook.cells[2]!.execution_count], [[], null], 'no stale output below');
});

// vm's breakOnSigint stops the loop and keeps the signal from vigor run's own listener, which the magic tells.
test('Ctrl-C during a %%ts loop that never yields interrupts the run there too, and exits 130', async () => {
  const input = writeNotebook('ts-loop.ipynb', [code('%%ts\nwhile (true) {}'), code('print("never")')]);
  const { child, exited, output } = await runStarted(input, /cell 1 of 2: %%ts/);
  // One that comes while tslab converts the cell (synchronous work, before the loop) is lost: repeated until it ends.
  const repeat = setInterval(() => child.kill('SIGINT'), 2000);
  const status = await exited.finally(() => clearInterval(repeat));
  assert.equal(status, 130, output.stderr);
  assert.match(output.stderr, /cell 1 interrupted/);
  assert.match(output.stderr, /interrupted at cell 1 of .*ts-loop\.ipynb/);
  const notebook = JSON.parse(readFileSync(join(directory, 'ts-loop.executed.ipynb'), 'utf8')) as Notebook;
  assert.equal((notebook.cells[0]!.outputs?.at(-1) as { ename: string }).ename, 'KeyboardInterrupt');
});

test("%nf given an NF's nf.json says to give its folder, as vigor does", () => {
  const input = writeNotebook('manifest.ipynb', [code(`%nf ${join(process.cwd(), 'nfs', 'nop', 'nf.json')}`)]);
  const run = vigor('run', input);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /UsageError: .*nfs\/nop\/nf\.json is the NF's manifest: give the NF's folder, .*nfs\/nop$/m);
});
