// Plots of what this kernel verified: trace counts and spec paths per property, and verification times.
import { figureBundle, type Figure } from '../rich-output/plotly-bundle.ts';
import type { MimeBundle } from '../session/output.ts';

export type PlotKind = 'traces' | 'times';

/** One property checked in this kernel session, or one exploration of an NF. */
export interface VerificationRecord {
  nf: string;
  /** A property's name, or undefined for the exploration of the NF itself. */
  property?: string;
  verdict?: 'holds' | 'fails';
  traces: number;
  specPaths?: number;
  seconds: number;
}

export function plotFigure(kind: PlotKind, records: VerificationRecord[]): Figure {
  const checks = records.filter((r) => r.property !== undefined);
  const label = (r: VerificationRecord) => (r.property === undefined ? `explore ${r.nf}` : `${r.nf}: ${r.property}`);
  if (kind === 'traces') {
    return {
      data: [
        { type: 'bar', name: 'NF traces', x: checks.map(label), y: checks.map((r) => r.traces) },
        { type: 'bar', name: 'spec paths', x: checks.map(label), y: checks.map((r) => r.specPaths ?? 0) },
      ],
      layout: { title: { text: 'Traces and spec paths per property' }, barmode: 'group', xaxis: { automargin: true }, yaxis: { title: { text: 'count' } }, height: 420 },
    };
  }
  return {
    data: [
      {
        type: 'bar',
        name: 'seconds',
        x: records.map(label),
        y: records.map((r) => Number(r.seconds.toFixed(3))),
        // Exploration runs once per NF; checks reuse its traces (pay-as-you-go): colour tells them apart.
        marker: { color: records.map((r) => (r.property === undefined ? '#8c6bb1' : r.verdict === 'fails' ? '#d62728' : '#2ca02c')) },
      },
    ],
    layout: { title: { text: 'Verification time: exploration once per NF, then each property' }, xaxis: { automargin: true }, yaxis: { title: { text: 'seconds' } }, height: 420 },
  };
}

export function plotBundle(kind: PlotKind, records: VerificationRecord[]): MimeBundle {
  return figureBundle(plotText(kind, records), plotFigure(kind, records));
}

function plotText(kind: PlotKind, records: VerificationRecord[]): string {
  const lines = records.map((r) =>
    r.property === undefined
      ? `  explore ${r.nf}: ${r.traces} traces, ${r.seconds.toFixed(2)} s`
      : `  ${r.nf}: ${r.property} (${r.verdict}): ${r.traces} traces, ${r.specPaths} spec paths, ${r.seconds.toFixed(2)} s`,
  );
  return [`${kind === 'traces' ? 'Traces and spec paths' : 'Verification times'} (plot):`, ...lines].join('\n');
}
