// Benchmark results as rich output: the run-time's own table as text/plain (what `vigor bench` prints), an HTML
// table with every spread, and plotly bar charts of throughput and probe latency per NF and implementation.
import { benchmarkNote, formatBenchmarks, IMPLEMENTATION_LABELS, type ImplementationId, type NfBenchmark, type Spread } from '../../runtime/index.ts';
import { escapeHtml } from '../notebook/html-export.ts';
import { cell, row, section, table } from '../rich-output/html-table.ts';
import { figureBundle, type Figure } from '../rich-output/plotly-bundle.ts';
import type { MimeBundle } from '../session/output.ts';

const IMPLEMENTATIONS = Object.keys(IMPLEMENTATION_LABELS) as ImplementationId[];

const range = (s: Spread, digits: number) => `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
const number = (text: string) => cell(text, 'number');

/** The verified NF's throughput divided by this implementation's, over repetitions ("1.00" for the verified NF itself). */
function wasmOverThis(result: NfBenchmark, id: ImplementationId): string {
  return id === 'wasm' ? '1.00' : range(result.ratios[id]!, 2);
}

export function benchmarkTableBundle(results: NfBenchmark[]): MimeBundle {
  const header = ['NF', 'implementation', 'Mpps median [min–max]', 'wasm ÷ this median [min–max]', 'probe latency ns: median [min–max]', 'p99 [min–max]', 'max [min–max]'];
  const rows = results.flatMap((result) =>
    result.implementations.map((figures) =>
      row([
        cell(result.nf),
        cell(IMPLEMENTATION_LABELS[figures.id]),
        number(range(figures.mpps, 2)),
        number(wasmOverThis(result, figures.id)),
        number(range(figures.latencyNs.median, 0)),
        number(range(figures.latencyNs.p99, 0)),
        number(range(figures.latencyNs.max, 0)),
      ]),
    ),
  );
  const notes = results.flatMap((result) => [
    `${result.nf}: ${benchmarkNote(result)}`,
    ...result.missing.map((reason) => `${result.nf}: no baseline ${reason}`),
  ]);
  const explanation = 'Spreads are over repetitions; each repetition runs every implementation on the same packets, one after the other (in reverse order every other repetition). ' +
    '"wasm ÷ this" is the ratio of the two throughputs in each repetition, so a host that slows down for a while slows both. Latency is per probe packet (a new flow: the longest path), clock reads included.';
  const html = `${table(header, rows)}<p>${escapeHtml(explanation)}</p><ul>${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`;
  return { 'text/plain': formatBenchmarks(results), 'text/html': section(html) };
}

/** One bar per NF in each implementation's trace, error bars from the minimum to the maximum over repetitions. */
function bars(results: NfBenchmark[], id: ImplementationId, categories: (nf: string) => string[], spreads: (figures: NfBenchmark['implementations'][number]) => Spread[]) {
  const x: string[] = [];
  const shown: Spread[] = [];
  for (const result of results) {
    const figures = result.implementations.find((f) => f.id === id);
    if (!figures) continue;
    x.push(...categories(result.nf));
    shown.push(...spreads(figures));
  }
  return {
    type: 'bar',
    name: IMPLEMENTATION_LABELS[id],
    x,
    y: shown.map((s) => s.median),
    error_y: { type: 'data', symmetric: false, array: shown.map((s) => s.max - s.median), arrayminus: shown.map((s) => s.median - s.min) },
  };
}

export function benchmarkFigures(results: NfBenchmark[]): { throughput: Figure; latency: Figure } {
  const present = IMPLEMENTATIONS.filter((id) => results.some((result) => result.implementations.some((f) => f.id === id)));
  // NFs differ by orders of magnitude (nop against a bridge at full table): a log axis keeps every bar readable.
  // Its labels between powers of ten are whole numbers ("2000", not plotly's default "2" after "1000").
  const layout = (title: string, axis: string) => ({
    title: { text: title },
    barmode: 'group',
    xaxis: { automargin: true },
    yaxis: { title: { text: axis }, type: 'log', minorloglabels: 'complete' },
    height: 420,
  });
  return {
    throughput: {
      data: present.map((id) => bars(results, id, (nf) => [nf], (f) => [f.mpps])),
      layout: layout('Throughput per NF and implementation (median, min–max over repetitions)', 'Mpps (log scale)'),
    },
    latency: {
      data: present.map((id) => bars(results, id, (nf) => [`${nf} median`, `${nf} p99`], (f) => [f.latencyNs.median, f.latencyNs.p99])),
      layout: layout('Probe latency per NF and implementation (median and p99 of each repetition, min–max over repetitions)', 'ns (log scale)'),
    },
  };
}

export function benchmarkPlotBundles(results: NfBenchmark[]): MimeBundle[] {
  const { throughput, latency } = benchmarkFigures(results);
  const lines = (describe: (figures: NfBenchmark['implementations'][number]) => string) =>
    results.flatMap((result) => result.implementations.map((figures) => `  ${result.nf}, ${IMPLEMENTATION_LABELS[figures.id]}: ${describe(figures)}`));
  return [
    figureBundle(['Throughput, Mpps median [min–max] (plot):', ...lines((f) => range(f.mpps, 2))].join('\n'), throughput),
    figureBundle(['Probe latency, ns median and p99 [min–max] (plot):', ...lines((f) => `median ${range(f.latencyNs.median, 0)}, p99 ${range(f.latencyNs.p99, 0)}`)].join('\n'), latency),
  ];
}
