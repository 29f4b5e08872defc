// plotly figures as offline HTML: plotly.js (npm plotly.js-basic-dist-min) in one script element per page, and per
// figure a placeholder plus a small script that draws it as soon as plotly.js is there, whichever comes first.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** As front ends and nbformat hold it; notebooks from elsewhere may leave the layout out. */
export interface PlotlyFigure {
  data: unknown[];
  /** `height` (pixels) sizes the placeholder; plotly's own default otherwise. */
  layout?: Record<string, unknown> & { height?: number };
}

/** Figures that ran before plotly.js wait here (an output reached the page before the one carrying the library). */
const QUEUE = 'window.vigorPendingPlots';

let plotlySource: string | undefined;

/**
 * The basic bundle (bar, scatter, pie: 1.2 MB) rather than the full one (4.8 MB): every plot of the kernel is bars,
 * and an executed notebook with the library once stays under 2 MB. It is inlined as is, so it must not contain
 * `</script` (ends the element) or `<!--` (can hide the end of the element from the HTML parser).
 */
function plotlySourceText(): string {
  if (plotlySource === undefined) {
    const path = createRequire(import.meta.url).resolve('plotly.js-basic-dist-min');
    const source = readFileSync(path, 'utf8');
    if (/<\/script|<!--/i.test(source)) throw new Error(`${path} contains "</script" or "<!--" and cannot be inlined in HTML`);
    plotlySource = source;
  }
  return plotlySource;
}

/** plotly.js unless the page has it already, then every figure that was waiting for it. */
export function plotlyLibraryScript(): string {
  return `<script>
if (typeof window.Plotly === "undefined") {
${plotlySourceText()}
}
(${QUEUE} || []).splice(0).forEach(function (draw) { draw(); });
</script>`;
}

/**
 * A figure drawn into an element with this id. The placeholder text stays only where scripts do not run (an untrusted
 * notebook) or where no output of the page carries plotly.js (the one that did was cleared).
 */
export function figureHtml(figure: PlotlyFigure, id: string): string {
  // JSON in a script: `<` is escaped so that no string in the figure can close the element.
  const json = JSON.stringify(figure).replace(/</g, '\\u003c');
  const height = typeof figure.layout?.height === 'number' ? figure.layout.height : 450;
  return `<div id="${id}" class="vigor-plot" style="width:100%;height:${height}px">Plot (needs JavaScript and plotly.js, which the kernel puts in the first plot output of its session: trust the notebook, or restart the kernel and run all)</div>
<script>
(function () {
  var figure = ${json};
  function draw() {
    var element = document.getElementById(${JSON.stringify(id)});
    element.textContent = "";
    window.Plotly.newPlot(element, figure.data, figure.layout, { displaylogo: false, responsive: true });
  }
  if (typeof window.Plotly === "undefined") (${QUEUE} = ${QUEUE} || []).push(draw);
  else draw();
})();
</script>`;
}
