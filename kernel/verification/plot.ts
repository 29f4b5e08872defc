// Plots of what this kernel verified: trace counts and spec paths per property, and verification times; an NF
// verified with several layers (nf, full) shows them side by side, as Vigor's Table 3 does.
import { figureBundle, type Figure } from '../rich-output/plotly-bundle.ts';
import type { MimeBundle } from '../session/output.ts';
import { LAYERS } from '../../engine/index.ts';
import type { Layers } from './engine-protocol.ts';

export type PlotKind = 'traces' | 'times';

/** One property checked in this kernel session, or one exploration of an NF. */
export interface VerificationRecord {
  nf: string;
  layers: Layers;
  /** A property's name, or undefined for the exploration of the NF itself. */
  property?: string;
  verdict?: 'holds' | 'fails';
  traces: number;
  specPaths?: number;
  seconds: number;
}

export function plotFigure(kind: PlotKind, records: VerificationRecord[]): Figure {
  const checks = records.filter((r) => r.property !== undefined);
  const layers = layersShown(records);
  const tag = (l: Layers) => (layers.length > 1 ? ` (${l} layers)` : '');
  const label = (r: VerificationRecord) => (r.property === undefined ? `explore ${r.nf}` : `${r.nf}: ${r.property}`);
  if (kind === 'traces') {
    // One pair of series per layers: plotly groups each property's bars, so the layers stand side by side.
    return {
      data: layers.flatMap((l) => {
        const shown = checks.filter((r) => r.layers === l);
        return [
          { type: 'bar', name: `NF traces${tag(l)}`, x: shown.map(label), y: shown.map((r) => r.traces) },
          { type: 'bar', name: `spec paths${tag(l)}`, x: shown.map(label), y: shown.map((r) => r.specPaths ?? 0) },
        ];
      }),
      layout: { title: { text: 'Traces and spec paths per property' }, barmode: 'group', xaxis: { automargin: true }, yaxis: { title: { text: 'count' } }, height: 420 },
    };
  }
  // Exploration runs once per NF and layers; checks reuse its traces (pay-as-you-go): one series each, named in
  // the legend. Each layers' bar of one exploration or property comes next to the others'.
  const timed = (r: VerificationRecord) => `${label(r)}${tag(r.layers)}`;
  const first = new Map<string, number>();
  records.forEach((r, i) => first.set(label(r), first.get(label(r)) ?? i));
  const order = [...records].sort((a, b) => first.get(label(a))! - first.get(label(b))! || layers.indexOf(a.layers) - layers.indexOf(b.layers));
  const series = TIME_SERIES.map(({ name, color, shows }) => {
    const shown = records.filter(shows);
    return { type: 'bar', name, x: shown.map(timed), y: shown.map((r) => Number(r.seconds.toFixed(3))), marker: { color } };
  }).filter((trace) => trace.x.length > 0);
  return {
    data: series,
    layout: {
      title: { text: 'Verification time: exploration once per NF, then each property' },
      // One bar per category, so stacking only keeps each bar full width; the categories stay in the order they ran.
      barmode: 'stack',
      // A legend even for one series; stacked bars would list it bottom-up otherwise.
      showlegend: true,
      legend: { traceorder: 'normal' },
      xaxis: { automargin: true, categoryorder: 'array', categoryarray: order.map(timed) },
      yaxis: { title: { text: 'seconds' } },
      height: 420,
    },
  };
}

const TIME_SERIES: { name: string; color: string; shows: (r: VerificationRecord) => boolean }[] = [
  { name: 'exploration of the NF (once)', color: '#8c6bb1', shows: (r) => r.property === undefined },
  { name: 'property check: holds', color: '#2ca02c', shows: (r) => r.verdict === 'holds' },
  { name: 'property check: fails', color: '#d62728', shows: (r) => r.verdict === 'fails' },
];

export function plotBundle(kind: PlotKind, records: VerificationRecord[]): MimeBundle {
  return figureBundle(plotText(kind, records), plotFigure(kind, records));
}

/** The layers the records were verified with, in the engine's order (nf before full). */
function layersShown(records: VerificationRecord[]): Layers[] {
  return [...new Set(records.map((r) => r.layers))].sort((a, b) => LAYERS.indexOf(a) - LAYERS.indexOf(b));
}

function plotText(kind: PlotKind, records: VerificationRecord[]): string {
  const lines = records.map((r) =>
    r.property === undefined
      ? `  explore ${r.nf} (${r.layers} layers): ${r.traces} traces, ${r.seconds.toFixed(2)} s`
      : `  ${r.nf}: ${r.property} (${r.verdict}, ${r.layers} layers): ${r.traces} traces, ${r.specPaths} spec paths, ${r.seconds.toFixed(2)} s`,
  );
  return [`${kind === 'traces' ? 'Traces and spec paths' : 'Verification times'} (plot):`, ...lines].join('\n');
}
