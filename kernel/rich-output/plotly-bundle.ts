// A plotly figure as a MIME bundle: application/vnd.plotly.v1+json (JupyterLab, nteract, VS Code render it), plus
// a text/html fallback that carries plotly.js itself (npm plotly.js-dist-min), so the plot also shows in
// nbconvert's HTML and classic front ends, offline, without RequireJS or a CDN.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { MimeBundle } from '../session/output.ts';

export interface Figure {
  data: Record<string, unknown>[];
  /** `height` (pixels) sizes the HTML fallback's element. */
  layout: Record<string, unknown> & { height: number };
}

/** `text` is the text/plain representation: what the plot shows, in words and numbers. */
export function figureBundle(text: string, figure: Figure): MimeBundle {
  return { 'text/plain': text, 'application/vnd.plotly.v1+json': figure, 'text/html': plotHtml(figure) };
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
  return `<div id="${id}" class="vigor-plot" style="width:100%;height:${figure.layout.height}px"></div>
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
