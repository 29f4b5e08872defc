// The evaluation notebooks end to end: the paper's tables from live runs (every NF a row in every table, figures
// equal to the engine's own), and the operator's audit with its stated verdicts; under `vigor run` and nbclient.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { discoverNfs } from '../../evaluation/index.ts';
import { exploreCached } from '../../engine/index.ts';
import { buildNf } from '../../toolchain/build.ts';
import { createJupyterEnvironment, jupyterMissing, SYSTEM_PYTHON, type JupyterEnvironment } from '../kernel/jupyter-environment.ts';

interface Output { output_type: string; data?: Record<string, unknown>; ename?: string; evalue?: string }
interface Cell { cell_type: string; source: string | string[]; outputs?: Output[]; execution_count?: number | null; metadata?: { tags?: string[] } }
interface Notebook { cells: Cell[] }
interface ReportTable { title: string; header: string[]; rows: unknown[][]; notes: string[] }
interface PaperTable { columns: string[]; figures: Record<string, Record<string, { value: number | null; source: string | null }>> }
interface PaperReference { nfs: Record<string, unknown>; setup: { source: string }; table3: PaperTable; table5: PaperTable }
interface SeededBugEntry { id: string; nf: string; layer: string; layers?: string; bug: string; small: boolean; variant: { file?: string } }
interface Spread { median: number; min: number; max: number }
interface Report { tables: ReportTable[]; bugs: { id: string; caught_by: string | null; reproduced: boolean | null }[]; benchmarks: { nf: string; ratios: Record<string, Spread> }[] }

const PAPER = resolve('notebooks/paper-evaluation.ipynb');
const AUDIT = resolve('notebooks/operator-audit.ipynb');
const NFS = discoverNfs().map((dir) => basename(dir));
const jupyter = jupyterMissing();
const directory = mkdtempSync(join(tmpdir(), 'vigor-evaluation-'));
let environment: JupyterEnvironment | undefined;

/** The notebook with its parameters cell's values replaced (as papermill injects them), written beside the original. */
function withParameters(path: string, parameters: string): string {
  const notebook = JSON.parse(readFileSync(path, 'utf8')) as Notebook;
  const cell = notebook.cells.find((c) => c.metadata?.tags?.includes('parameters'));
  assert.ok(cell, `${path} has a parameters cell`);
  cell.source = parameters;
  // Beside the original: the kernel's working directory (relative NF names) is the notebook's folder.
  const copy = join(resolve('notebooks'), `.test-${process.pid}-${basename(path)}`);
  writeFileSync(copy, JSON.stringify(notebook));
  return copy;
}

function vigorRun(path: string): Notebook {
  const output = join(directory, `run-${basename(path)}`);
  const run = spawnSync(process.execPath, ['bin/vigor.js', 'run', path, '-o', output], { encoding: 'utf8', timeout: 900_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(readFileSync(output, 'utf8')) as Notebook;
}

function nbclientRun(path: string): Notebook {
  const output = join(directory, `nbclient-${basename(path)}`);
  const script = 'import sys, nbformat, nbclient\nnb = nbformat.read(sys.argv[1], 4)\n' +
    'nbclient.NotebookClient(nb, timeout=900, kernel_name="vigor", resources={"metadata": {"path": sys.argv[3]}}).execute()\nnbformat.write(nb, sys.argv[2])\n';
  const run = spawnSync(SYSTEM_PYTHON, ['-c', script, path, output, resolve('notebooks')], { env: environment!.env, encoding: 'utf8', timeout: 1_000_000 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(readFileSync(output, 'utf8')) as Notebook;
}

function cellErrors(notebook: Notebook): string[] {
  return notebook.cells.flatMap((cell, index) => (cell.outputs ?? []).filter((o) => o.output_type === 'error').map((o) => `cell ${index + 1}: ${o.ename}: ${o.evalue}`));
}

/** The data output of the notebook's last cell (report.json's content). */
function report(notebook: Notebook): Report {
  const data = notebook.cells.flatMap((cell) => cell.outputs ?? []).map((o) => o.data?.['application/json']).find((d) => d !== undefined);
  assert.ok(data, 'the notebook ends with its data');
  return data as Report;
}

const table = (r: Report, prefix: string) => r.tables.find((t) => t.title.startsWith(prefix)) ?? assert.fail(`no ${prefix}`);
const column = (t: ReportTable, name: string) => t.rows.map((row) => row[t.header.indexOf(name)]);

let full: Notebook;
const cleanup: string[] = [];
before(() => {
  if (!jupyter) environment = createJupyterEnvironment();
  // Every NF, the small seeded-bug set, tiny benchmarks: one execution every assertion below shares.
  const copy = withParameters(PAPER, 'only = ""\nbench_packets = 2000\nbench_repetitions = 1');
  cleanup.push(copy);
  full = vigorRun(copy);
});
after(() => {
  environment?.remove();
  for (const file of cleanup) rmSync(file, { force: true });
  rmSync(directory, { recursive: true, force: true });
});

test('vigor run executes the paper evaluation with no cell error', () => {
  assert.deepEqual(cellErrors(full), []);
});

test('every table has a row for every NF of nfs/', () => {
  const r = report(full);
  assert.equal(r.tables.length, 7);
  for (const t of r.tables) {
    const firsts = t.rows.map((row) => String(row[0]));
    if (t.title.startsWith('Table 2')) assert.deepEqual(NFS.filter((nf) => !firsts.includes(`NF ${nf}`)), [], t.title);
    else assert.deepEqual(NFS.filter((nf) => !firsts.includes(nf)), [], t.title);
  }
});

test("Table 3's trace counts are the engine's own exploration of each NF", async () => {
  const t = table(report(full), 'Table 3');
  const traces = column(t, 'traces (nf)');
  for (const [index, nf] of t.rows.map((row) => String(row[0])).entries()) {
    const run = await exploreCached(await buildNf(resolve('nfs', nf)), 'nf');
    assert.equal(traces[index], run.figures.traces, nf);
  }
});

test('Table 4 records the step that caught each seeded bug, live (the JSON stores none)', () => {
  const bugs = new Map(report(full).bugs.map((b) => [b.id, b]));
  assert.equal(bugs.get('router-ttl-one')?.caught_by, 'validation');
  assert.equal(bugs.get('bridge-learn-when-full')?.caught_by, 'contract');
  assert.equal(bugs.get('nat-no-ip-checksum')?.caught_by, 'exploration');
  for (const bug of bugs.values()) assert.equal(bug.reproduced, true, `${bug.id}: its counterexample replays`);
});

test("Table 4 has a row for each seeded bug of the small run, the stack's caught by exploration in device terms and replayed", () => {
  const seeded = (JSON.parse(readFileSync(resolve('evaluation/seeded-bugs.json'), 'utf8')) as { bugs: SeededBugEntry[] }).bugs.filter((bug) => bug.small);
  const r = report(full);
  const t = table(r, 'Table 4');
  const bugs = new Map(r.bugs.map((b) => [b.id, b]));
  const stack = seeded.filter((bug) => bug.variant.file !== undefined);
  assert.ok(stack.length > 0, 'the small run has a seeded bug of the stack');
  for (const bug of seeded) {
    const row = t.rows.find((candidate) => candidate[0] === bug.nf && candidate[t.header.indexOf('bug')] === bug.bug);
    assert.ok(row && bugs.has(bug.id), `Table 4 has ${bug.id}`);
    if (bug.variant.file === undefined) continue;
    assert.equal(row[t.header.indexOf('layer')], bug.layer, bug.id);
    assert.equal(bugs.get(bug.id)!.caught_by, 'exploration', bug.id);
    // An I/O-loop bug verified under nf,io breaks the loop's contract with the driver or with nf_process.
    assert.match(String(row[t.header.indexOf('what the verifier said')]), bug.layers === 'nf,io' ? /^delivery: the I\/O loop / : /^device: rule \d of the device protocol/, bug.id);
    assert.equal(row[t.header.indexOf('replay reproduces')], 'yes', bug.id);
  }
});

test("Table 5 has the three implementations measured for every NF with baselines, and the .wasm's ratio to each from the same run", () => {
  const r = report(full);
  const t = table(r, 'Table 5');
  for (const label of ['verified .wasm', 'C twin', 'TypeScript']) {
    for (const value of column(t, `${label} Mpps (min-max)`)) assert.match(String(value), /^\d+\.\d\d \(/, label);
  }
  for (const [id, label] of [['c', 'C twin'], ['typescript', 'TypeScript']] as const) {
    const ratios = column(t, `verified .wasm / ${label} (min-max)`);
    t.rows.forEach((row, at) => {
      const measured = r.benchmarks.find((b) => b.nf === row[0])!.ratios[id]!;
      const [median, min, max] = String(ratios[at]).match(/^(\d+\.\d\d) \((\d+\.\d\d)-(\d+\.\d\d)\)$/)!.slice(1).map(Number);
      assert.deepEqual([median, min, max], [measured.median, measured.min, measured.max].map((x) => Number(x.toFixed(2))), `${row[0]} ${label}`);
      assert.ok(min! <= median! && median! <= max!, `${row[0]} ${label}`);
    });
  }
});

test("the paper's columns of Tables 3 and 5 are paper-reference.json's, a null shown as not found, with their sources as notes", () => {
  const reference = JSON.parse(readFileSync(resolve('evaluation/paper-reference.json'), 'utf8')) as PaperReference;
  const r = report(full);
  for (const [prefix, key] of [['Table 3', 'table3'], ['Table 5', 'table5']] as const) {
    const t = table(r, prefix);
    const paperColumns = t.header.filter((h) => h.startsWith('paper: '));
    assert.equal(paperColumns.length, reference[key].columns.length, prefix);
    const paperRows = t.rows.filter((row) => String(row[0]) in reference.nfs);
    assert.ok(paperRows.length > 0, `${prefix} has a row of an NF the paper has`);
    for (const row of t.rows) {
      const nf = String(row[0]);
      reference[key].columns.forEach((column, index) => {
        const expected = nf in reference.nfs ? reference[key].figures[nf]![column]!.value ?? 'not found' : 'not published';
        assert.equal(row[t.header.indexOf(paperColumns[index]!)], expected, `${prefix} ${nf} ${column}`);
      });
    }
    const notes = t.notes.join('\n');
    assert.ok(notes.includes('different hardware') && notes.includes(reference.setup.source), `${prefix}: the hardware caveat`);
    for (const figures of Object.values(reference[key].figures)) {
      for (const entry of Object.values(figures)) if (entry.value !== null) assert.ok(notes.includes(entry.source!), `${prefix}: source ${entry.source}`);
    }
  }
});

test('the operator audit runs under vigor run with the verdicts it states', () => {
  const audit = vigorRun(AUDIT);
  assert.deepEqual(cellErrors(audit), []);
  const printed = audit.cells.flatMap((c) => c.outputs ?? []).map((o) => JSON.stringify(o)).join('\n');
  for (const line of ['non_syn_dropped: fails, as expected', 'non_syn_dropped_when_full: holds, as expected', 'expensive_while_cheap_alive: fails, as expected', 'Explained: a new connection from', 'stp_never_forwarded: holds, as expected']) {
    assert.ok(printed.includes(line), line);
  }
});

test('under nbclient: the evaluation narrowed to one NF by its parameter, and the audit', { skip: jupyter }, () => {
  const copy = withParameters(PAPER, 'only = "nop"\nbench_packets = 2000\nbench_repetitions = 1');
  cleanup.push(copy);
  const narrowed = nbclientRun(copy);
  assert.deepEqual(cellErrors(narrowed), []);
  // Rows of nop alone (Table 4 has one per seeded bug of it).
  for (const t of report(narrowed).tables.filter((t) => !t.title.startsWith('Table 2'))) assert.deepEqual([...new Set(t.rows.map((row) => row[0]))], ['nop'], t.title);
  assert.deepEqual(cellErrors(nbclientRun(AUDIT)), []);
});
