// Verification tables stay left-aligned where JupyterLab and nbconvert right-align HTML tables: a trace table, a
// verdict table and a counterexample, rendered in headless Chromium under JupyterLab's table rules
// (jupyterlab-tables.css, restated from its packages) and in nbconvert's HTML export of a notebook holding them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VerificationSession } from '../../engine/session/session.ts';
import { nfSummary, propertyReport } from '../../kernel/verification/report-data.ts';
import { nfSummaryBundle, verdictBundle } from '../../kernel/verification/render.ts';
import { chromiumMissing } from './chromium.ts';
import { type ChromiumPage, withChromium } from './chromium-pages.ts';
import { jupyterMissing, SYSTEM_PYTHON } from './jupyter-environment.ts';

const LEARNER = fileURLToPath(new URL('../programs/nfs/learner', import.meta.url));
const JUPYTERLAB_TABLES = readFileSync(new URL('./jupyterlab-tables.css', import.meta.url), 'utf8');
/** A table with no alignment of its own: under the rules it must read right-aligned, or the rules are not in force. */
const CONTROL = '<table class="control"><tr><th>x</th><td>1</td></tr></table>';

const chromium = chromiumMissing();
const jupyter = jupyterMissing();
if (chromium) console.log(`# SKIPPED: ${chromium}`);
if (jupyter) console.log(`# SKIPPED nbconvert's export: ${jupyter}`);

const directory = mkdtempSync(join(tmpdir(), 'vigor-tables-'));
let outputs: string[];
before(async () => {
  const session = await VerificationSession.open(LEARNER);
  const result = await session.check('always_floods', 'h = pop_header(ether, on_mismatch=([], []))\nreturn ([1 - received_on_port], [ether(h)])');
  assert.equal(result.verdict, 'fails', 'a counterexample to render');
  const summary = nfSummary(session, 'nf');
  outputs = [nfSummaryBundle(summary), verdictBundle(summary, { reports: [propertyReport(session, result)], table: '' })].map((bundle) => `${String(bundle['text/html'])}${CONTROL}`);
});
after(() => rmSync(directory, { recursive: true, force: true }));

interface Alignment {
  cells: { text: string; align: string; number: boolean }[];
  control: string[];
  tableMargins: string[];
}

/** Every cell's computed alignment in the page's verification outputs, the control table's, and the tables' side margins. */
const alignment = (page: ChromiumPage) => page.evaluate<Alignment>(`(() => {
  const cells = [...document.querySelectorAll('.vigor td, .vigor th')]
    .map((c) => ({ text: c.textContent.slice(0, 40), align: getComputedStyle(c).textAlign, number: c.classList.contains('number') }));
  const control = [...document.querySelectorAll('table.control td, table.control th')].map((c) => getComputedStyle(c).textAlign);
  const tableMargins = [...document.querySelectorAll('.vigor table')].map((t) => getComputedStyle(t).marginLeft);
  return { cells, control, tableMargins };
})()`);

function assertLeftAligned({ cells, control, tableMargins }: Alignment, where: string) {
  assert.ok(control.length === 2 * outputs.length && control.every((a) => a === 'right'), `${where}: the rules right-align a plain table (${control})`);
  assert.ok(cells.length > 30, `${where}: the trace table, the verdicts and the counterexample are on the page (${cells.length} cells)`);
  for (const cell of cells) assert.equal(cell.align, cell.number ? 'right' : 'left', `${where}: cell ${JSON.stringify(cell.text)}`);
  assert.ok(cells.some((cell) => cell.text.startsWith('NF path')), `${where}: the counterexample's rows`);
  assert.ok(tableMargins.every((margin) => margin === '0px'), `${where}: tables at the output's left edge, not centred (${tableMargins})`);
}

test("under JupyterLab's table rules, text cells read left-aligned and numbers right-aligned", { skip: chromium }, async () => {
  const page = join(directory, 'jupyterlab.html');
  const area = (html: string) => `<div class="jp-OutputArea-output jp-RenderedHTMLCommon jp-RenderedHTML" data-mime-type="text/html">${html}</div>`;
  writeFileSync(page, `<!DOCTYPE html><html><head><meta charset="utf-8"><style>${JUPYTERLAB_TABLES}</style></head><body>${outputs.map(area).join('')}</body></html>`);
  await withChromium(async (open) => assertLeftAligned(await alignment(await open(pathToFileURL(page).href)), 'JupyterLab'));
});

test("in nbconvert's HTML export (its lab template and stylesheet), the same", { skip: chromium || jupyter }, async () => {
  const notebook = join(directory, 'tables.ipynb');
  const cells = outputs.map((html, i) => ({
    cell_type: 'code', metadata: {}, source: i === 0 ? '%nf learner' : '%verify', execution_count: i + 1,
    outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': html, 'text/plain': 'tables' } }],
  }));
  writeFileSync(notebook, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  const page = join(directory, 'tables.html');
  const exported = spawnSync(SYSTEM_PYTHON, ['-m', 'nbconvert', '--to', 'html', '--output', page, notebook], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(exported.status, 0, exported.stderr);
  await withChromium(async (open) => assertLeftAligned(await alignment(await open(pathToFileURL(page).href)), "nbconvert's export"));
});
