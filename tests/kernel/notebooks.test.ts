// Every notebook in notebooks/ runs with no cell error, through `vigor run` and through Debian's
// `jupyter nbconvert --execute`; the HTML export of an executed notebook, opened in headless Chromium, shows its plots.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { joinSource, type Notebook, type NotebookCell } from '../../kernel/notebook/notebook-format.ts';
import { chromiumMissing, headlessChromium } from './chromium.ts';
import { createJupyterEnvironment, jupyterMissing, SYSTEM_PYTHON, type JupyterEnvironment } from './jupyter-environment.ts';
import { countColour, readPng } from './png.ts';

// The evaluation notebooks (minutes of verification and benchmarks) run in tests/evaluation/, once per runner.
const EVALUATION = new Set(['paper-evaluation.ipynb', 'operator-audit.ipynb']);
// Hidden names are other tests' temporary copies (tests/evaluation writes notebooks/.test-*), here only while they run.
const NOTEBOOKS = readdirSync('notebooks').filter((name) => name.endsWith('.ipynb') && !name.startsWith('.') && !EVALUATION.has(name)).sort().map((name) => resolve('notebooks', name));
const jupyter = jupyterMissing();
const chromium = chromiumMissing();
if (jupyter) console.log(`# SKIPPED nbconvert tests: ${jupyter}`);
if (chromium) console.log(`# SKIPPED rendering test: ${chromium}`);

const directory = mkdtempSync(join(tmpdir(), 'vigor-notebooks-'));
let environment: JupyterEnvironment;
before(() => {
  if (!jupyter) environment = createJupyterEnvironment();
});
after(() => {
  environment?.remove();
  rmSync(directory, { recursive: true, force: true });
});

function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, 'utf8')) as Notebook;
}

/** The cells that did not run or that ended in an error, described for the assertion message. */
function problems(notebook: Notebook): string[] {
  return notebook.cells.flatMap((cell, index) => {
    if (cell.cell_type !== 'code') return [];
    const errors = (cell.outputs ?? []).filter((output) => output.output_type === 'error');
    if (errors.length > 0) return [`cell ${index + 1}: ${errors.map((e) => (e.output_type === 'error' ? `${e.ename}: ${e.evalue}` : '')).join('; ')}`];
    return typeof cell.execution_count === 'number' ? [] : [`cell ${index + 1} did not run`];
  });
}

const plainText = (cell: NotebookCell) => (cell.outputs ?? []).map((output) => ('data' in output ? joinSource(output.data['text/plain']) : '')).join('\n');

test('notebooks/ holds the explore-bridge notebook', () => {
  assert.ok(NOTEBOOKS.some((path) => path.endsWith('explore-bridge.ipynb')));
});

for (const path of NOTEBOOKS) {
  test(`vigor run executes ${basename(path)} with no cell error`, () => {
    const output = join(directory, `run-${basename(path)}`);
    const run = spawnSync(process.execPath, ['bin/vigor.js', 'run', path, '-o', output], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(problems(readNotebook(output)), []);
  });

  test(`jupyter nbconvert --execute runs ${basename(path)} with no cell error`, { skip: jupyter }, () => {
    const executed = executeWithNbconvert(path);
    assert.deepEqual(problems(readNotebook(executed)), []);
  });
}

const executedByNbconvert = new Map<string, string>();

/** Executes a notebook in place (its folder is the kernel's working directory), writing the result elsewhere; once. */
function executeWithNbconvert(path: string): string {
  const done = executedByNbconvert.get(path);
  if (done) return done;
  const output = join(directory, `nbconvert-${basename(path)}`);
  const run = spawnSync(
    SYSTEM_PYTHON,
    ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=300', '--output', output, path],
    { env: environment.env, encoding: 'utf8', timeout: 400_000 },
  );
  assert.equal(run.status, 0, run.stderr);
  executedByNbconvert.set(path, output);
  return output;
}

const EXPLORE_BRIDGE = resolve('notebooks', 'explore-bridge.ipynb');

test('explore-bridge: the first learning property fails with a counterexample (a verdict), its fix holds', { skip: jupyter }, () => {
  const notebook = readNotebook(executeWithNbconvert(EXPLORE_BRIDGE));
  const cellNamed = (name: string) => notebook.cells.find((cell) => joinSource(cell.source).startsWith(`%%property ${name}\n`));
  const [learns, fixed] = [cellNamed('learns'), cellNamed('learns_with_ageing')];
  assert.ok(learns && fixed, 'the notebook defines learns and learns_with_ageing');
  assert.match(plainText(learns), /learns\s+FAILS/);
  assert.match(plainText(learns), /counterexample: device \d, time [^,]+, frame/);
  assert.match(plainText(fixed), /learns_with_ageing\s+holds/);
});

test('a papermill-injected parameters cell chooses the NF of explore-bridge (%nf {nf})', () => {
  const notebook = readNotebook(EXPLORE_BRIDGE);
  const parameters = notebook.cells.findIndex((cell) => (cell.metadata.tags as string[] | undefined)?.includes('parameters'));
  assert.ok(parameters >= 0, 'the notebook has a parameters cell');
  // What papermill inserts for `-p nf PATH`: here the bridge again, by an absolute path.
  const bridgePath = resolve('nfs', 'bridge');
  const injected = { cell_type: 'code' as const, metadata: { tags: ['injected-parameters'] }, source: `# Parameters\nnf = ${JSON.stringify(bridgePath)}\n`, outputs: [], execution_count: null };
  notebook.cells.splice(parameters + 1, 0, injected);
  const input = join(directory, 'papermill-input.ipynb');
  const output = join(directory, 'papermill.ipynb');
  writeFileSync(input, JSON.stringify(notebook));
  const run = spawnSync(process.execPath, ['bin/vigor.js', 'run', input, '-o', output], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  const executed = readNotebook(output);
  assert.deepEqual(problems(executed), []);
  const selection = executed.cells.find((cell) => joinSource(cell.source) === '%nf {nf}');
  assert.ok(JSON.stringify(selection?.outputs).includes(`%nf ${bridgePath}: `), 'the injected value was selected');
});

// Plotly's default first two colours (traces, spec paths) and the colour of a check that holds (times).
const BAR_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c'];

test('the HTML export of the executed notebook, opened in headless Chromium, shows the plots', { skip: jupyter ?? chromium }, () => {
  const executed = executeWithNbconvert(EXPLORE_BRIDGE);
  const page = join(directory, 'explore-bridge.html');
  const exported = spawnSync(SYSTEM_PYTHON, ['-m', 'nbconvert', '--to', 'html', '--output', page, executed], { env: environment.env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(exported.status, 0, exported.stderr);
  const plots = readNotebook(executed).cells.flatMap((cell) => cell.outputs ?? []).filter((output) => 'data' in output && 'application/vnd.plotly.v1+json' in output.data);
  assert.ok(plots.length >= 2, 'the notebook has plots');

  const dom = headlessChromium(pathToFileURL(page).href, ['--dump-dom']);
  // Plotly draws each plot as an SVG of class main-svg, with one group per bar trace.
  assert.ok((dom.match(/<svg class="main-svg"/g) ?? []).length >= plots.length, 'every plot drew its SVG');
  assert.ok((dom.match(/class="trace bars"/g) ?? []).length >= 3, 'the bar traces were drawn');

  // The whole page in one tall screenshot; the plots are the only pixels of exactly these colours.
  const screenshot = join(directory, 'explore-bridge.png');
  headlessChromium(pathToFileURL(page).href, ['--window-size=1000,16000', '--hide-scrollbars', `--screenshot=${screenshot}`]);
  const pixels = readPng(readFileSync(screenshot));
  for (const colour of BAR_COLOURS) assert.ok(countColour(pixels, colour) > 200, `bars of colour ${colour} are visible in ${screenshot}`);
});
