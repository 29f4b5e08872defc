// Plots in a notebook as a reader gets them: `vigor run` of a notebook with ten plots (%plot times, traces, bench)
// writes plotly.js once in the executed .ipynb and once in its HTML export, both under 2 MB; every plot draws offline in
// headless Chromium from our HTML export and from nbconvert's export of the executed notebook (one Chromium for both);
// %plot times names its series in a legend; log axes label every tick with its whole value.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Notebook } from '../../kernel/notebook/notebook-format.ts';
import { chromiumMissing } from './chromium.ts';
import { withChromium, type ChromiumPage, type Clip } from './chromium-pages.ts';
import { jupyterMissing, SYSTEM_PYTHON } from './jupyter-environment.ts';
import { countColour, readPng } from './png.ts';

const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
/** The banner every plotly.js bundle opens with. */
const PLOTLY_LIBRARY = /\* plotly\.js \([^)]*\) v\d+\.\d+/g;
const MAX_BYTES = 2 * 1024 * 1024;
const SMALL_BENCH = '--packets 20000 --warmup 5000 --repetitions 2';

const CELLS = [
  `%nf ${resolve('tests/programs/nfs/learner')}`,
  '%%property drops_short\nif packet_size < 14:\n    return ([], [])',
  '%plot times',
  '%plot traces times',
  `%bench nop bridge ${SMALL_BENCH}`,
  '%plot bench',
  '# property: always_floods\nh = pop_header(ether, on_mismatch=([], []))\nreturn ([1 - received_on_port], [ether(h)])',
  '%plot times traces',
  '%plot bench times',
];
const PLOTS = 10;

const directory = mkdtempSync(join(tmpdir(), 'vigor-plots-'));
const input = join(directory, 'plots.ipynb');
const executed = join(directory, 'plots.executed.ipynb');
const page = join(directory, 'plots.html');
const jupyter = jupyterMissing();
const chromium = chromiumMissing();
if (chromium) console.log(`# SKIPPED rendering test: ${chromium}`);
if (jupyter) console.log(`# SKIPPED nbconvert's HTML export in the rendering test: ${jupyter}`);

let notebook: Notebook;
before(() => {
  const cells = CELLS.map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }));
  writeFileSync(input, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  const run = spawnSync(process.execPath, ['bin/vigor.js', 'run', input, '--html', page], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  notebook = JSON.parse(readFileSync(executed, 'utf8')) as Notebook;
});
after(() => rmSync(directory, { recursive: true, force: true }));

type Bundle = Record<string, unknown>;
interface Trace {
  name: string;
  x: string[];
  y: number[];
}
interface Layout {
  title: { text: string };
  showlegend?: boolean;
  yaxis: { type?: string; minorloglabels?: string };
}

const plotOutputs = (): Bundle[] =>
  notebook.cells.flatMap((cell) => cell.outputs ?? []).flatMap((output) => ('data' in output && PLOTLY_MIME in output.data ? [output.data] : []));
const figures = () => plotOutputs().map((data) => data[PLOTLY_MIME] as { data: Trace[]; layout: Layout });
const html = (data: Bundle) => String(data['text/html']);

test('ten plots: plotly.js once in the executed notebook and once in its HTML export, each file under 2 MB', () => {
  const outputs = plotOutputs();
  assert.equal(outputs.length, PLOTS);
  assert.deepEqual(outputs.map((data) => (html(data).match(PLOTLY_LIBRARY) ?? []).length), [1, ...Array(PLOTS - 1).fill(0)], 'only the first plot output carries plotly.js');
  for (const path of [executed, page]) {
    const text = readFileSync(path, 'utf8');
    assert.equal((text.match(PLOTLY_LIBRARY) ?? []).length, 1, `plotly.js once in ${path}`);
    assert.ok(statSync(path).size < MAX_BYTES, `${path} is ${statSync(path).size} bytes`);
  }
  const exported = readFileSync(page, 'utf8');
  assert.ok(!/<(script|link|img)[^>]+(src|href)=/i.test(exported), 'the page loads nothing from elsewhere');
});

test('%plot times names its series in a legend: the exploration, checks that hold, checks that fail', () => {
  const times = figures().filter((figure) => figure.layout.title.text.startsWith('Verification time'));
  assert.equal(times.length, 4);
  const names = (figure: { data: Trace[] }) => figure.data.map((trace) => trace.name);
  // The failing property was checked after the second of these plots.
  assert.deepEqual(names(times[1]!), ['exploration of the NF (once)', 'property check: holds']);
  assert.deepEqual(names(times.at(-1)!), ['exploration of the NF (once)', 'property check: holds', 'property check: fails']);
  for (const figure of times) assert.equal(figure.layout.showlegend, true, 'a legend even for a single series');
  assert.deepEqual(times.at(-1)!.data.map((trace) => trace.x), [['explore learner'], ['learner: drops_short'], ['learner: always_floods']]);
});

test('log axes of %plot bench label the ticks between powers of ten with whole values, not single digits', () => {
  const logAxes = figures().filter((figure) => figure.layout.yaxis.type === 'log');
  assert.equal(logAxes.length, 4, 'throughput and latency, twice');
  for (const figure of logAxes) assert.equal(figure.layout.yaxis.minorloglabels, 'complete', figure.layout.title.text);
});

/** What the page shows of each plot (an element of class vigor-plot), once plotly drew them all or 20 s passed. */
interface DrawnPlot {
  title: string;
  drawn: boolean;
  bars: number;
  colours: string[];
  legend: string[];
  logTicks: string[] | null;
  clip: Clip;
}

const DRAWN_PLOTS = `(async () => {
  const plots = () => [...document.querySelectorAll('.vigor-plot')];
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && !plots().every((plot) => plot.querySelector('.main-svg .trace.bars'))) await new Promise((r) => setTimeout(r, 100));
  return plots().map((plot) => {
    const box = plot.getBoundingClientRect();
    const layout = plot._fullLayout;
    return {
      title: layout ? layout.title.text : '',
      drawn: Boolean(plot.querySelector('.main-svg')),
      bars: [...plot.querySelectorAll('.trace.bars .point path')].filter((path) => /^M[\\d.]/.test(path.getAttribute('d') || '')).length,
      colours: (plot._fullData || []).map((trace) => trace.marker.color),
      legend: [...plot.querySelectorAll('.legendtext')].map((text) => text.textContent),
      logTicks: layout && layout.yaxis.type === 'log' ? [...plot.querySelectorAll('.ytick text')].map((text) => text.textContent) : null,
      clip: { x: box.left + window.scrollX, y: box.top + window.scrollY, width: box.width, height: box.height },
    };
  });
})()`;

/** "1000", "20k", "1.5M" as numbers; NaN for anything else. */
function tickValue(label: string): number {
  const match = /^(\d+(?:\.\d+)?)([kMGB]?)$/.exec(label);
  return match ? Number(match[1]) * { '': 1, k: 1e3, M: 1e6, G: 1e9, B: 1e9 }[match[2] as '' | 'k' | 'M' | 'G' | 'B'] : NaN;
}

async function assertPlotsDrawn(chromiumPage: ChromiumPage, what: string): Promise<void> {
  const plots = await chromiumPage.evaluate<DrawnPlot[]>(DRAWN_PLOTS);
  assert.equal(plots.length, PLOTS, `${what}: ten plots on the page`);
  const blank = plots.flatMap((plot, index) => (plot.drawn ? [] : [index + 1]));
  assert.deepEqual(blank, [], `${what}: plotly drew every plot (not these)`);
  assert.deepEqual(plots.map((plot) => plot.title), figures().map((figure) => figure.layout.title.text), `${what}: the plots in order`);
  for (const [index, plot] of plots.entries()) {
    const name = `${what}, plot ${index + 1} (${plot.title})`;
    assert.ok(plot.bars > 0, `${name}: plotly drew its bars`);
    // The bars as pixels: each series' colour fills part of the plot's own area.
    const pixels = readPng(await chromiumPage.screenshot(plot.clip));
    for (const colour of plot.colours) assert.ok(countColour(pixels, colour) > 100, `${name}: bars of colour ${colour} are visible`);
    if (plot.title.startsWith('Verification time')) assert.deepEqual(plot.legend, figures()[index]!.data.map((trace) => trace.name), `${name}: the legend`);
    if (plot.logTicks) {
      const values = plot.logTicks.map(tickValue);
      assert.ok(values.length >= 2 && values.every((value, i) => value > (values[i - 1] ?? 0)), `${name}: log ticks read ${plot.logTicks.join(', ')}`);
    }
  }
}

test('every plot draws offline in headless Chromium, from our HTML export and from nbconvert\'s', { skip: chromium }, async () => {
  let nbconvertPage: string | undefined;
  if (!jupyter) {
    nbconvertPage = join(directory, 'plots.nbconvert.html');
    const exported = spawnSync(SYSTEM_PYTHON, ['-m', 'nbconvert', '--to', 'html', '--output', nbconvertPage, executed], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(exported.status, 0, exported.stderr);
  }
  await withChromium(async (open) => {
    await assertPlotsDrawn(await open(pathToFileURL(page).href), 'our HTML export');
    if (nbconvertPage) await assertPlotsDrawn(await open(pathToFileURL(nbconvertPage).href), "nbconvert's HTML export");
  });
});
