// Plots of what this kernel verified: a plotly figure as application/vnd.plotly.v1+json (JupyterLab, nteract,
// VS Code render it), plus a text/html fallback that carries plotly.js itself (npm plotly.js-dist-min), so the
// plot also shows in nbconvert's HTML and classic front ends, offline, without RequireJS or a CDN.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MimeBundle } from '../session/output.ts';

export type PlotKind = 'traces' | 'times';
export const PLOT_KINDS: readonly PlotKind[] = ['traces', 'times'];

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

interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
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
  const figure = plotFigure(kind, records);
  return {
    'text/plain': plotText(kind, records),
    'application/vnd.plotly.v1+json': figure,
    'text/html': plotHtml(figure),
  };
}

function plotText(kind: PlotKind, records: VerificationRecord[]): string {
  const lines = records.map((r) =>
    r.property === undefined
      ? `  explore ${r.nf}: ${r.traces} traces, ${r.seconds.toFixed(2)} s`
      : `  ${r.nf}: ${r.property} (${r.verdict}): ${r.traces} traces, ${r.specPaths} spec paths, ${r.seconds.toFixed(2)} s`,
  );
  return [`${kind === 'traces' ? 'Traces and spec paths' : 'Verification times'} (plot):`, ...lines].join('\n');
}

let plotlySource: string | undefined;

/** plotly.js, read once; it must not contain `</script` (it would end the script element early). */
function plotlyScript(): string {
  if (plotlySource === undefined) {
    const path = createRequire(import.meta.url).resolve('plotly.js-dist-min');
    const source = readFileSync(path, 'utf8');
    if (/<\/script/i.test(source)) throw new Error(`${path} contains "</script" and cannot be embedded in HTML output`);
    plotlySource = source;
  }
  return plotlySource;
}

function plotHtml(figure: Figure): string {
  const id = `vigor-plot-${randomUUID()}`;
  // JSON in a script: `<` is escaped so that no string in the figure can close the element.
  const json = JSON.stringify(figure).replace(/</g, '\\u003c');
  return `<div id="${id}" class="vigor-plot" style="width:100%;height:${String(figure.layout.height)}px"></div>
<script>
if (typeof window.Plotly === "undefined") {
${plotlyScript()}
}
(function () {
  var figure = ${json};
  window.Plotly.newPlot(${JSON.stringify(id)}, figure.data, figure.layout, { displaylogo: false, responsive: true });
})();
</script>`;
}
