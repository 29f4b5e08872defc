// A plotly figure as a MIME bundle: application/vnd.plotly.v1+json (JupyterLab with plotly's extension, nteract and
// VS Code draw it with their own plotly.js), text/plain, and a text/html fallback for nbconvert's HTML and front ends
// without a plotly renderer. The fallback refers to plotly.js; only the first plot of a session carries it
// (`withPlotlyLibrary`), so a notebook holds plotly.js once, offline, without RequireJS or a CDN.
import { randomUUID } from 'node:crypto';
import { figureHtml, plotlyLibraryScript, PLOTLY_MIME, type PlotlyFigure } from '../notebook/plotly-html.ts';
import type { MimeBundle } from '../session/output.ts';

export interface Figure extends PlotlyFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown> & { height: number };
}

/** `text` is the text/plain representation: what the plot shows, in words and numbers. */
export function figureBundle(text: string, figure: Figure): MimeBundle {
  // A fresh id: outputs of earlier runs stay on the page beside this one.
  return { 'text/plain': text, [PLOTLY_MIME]: figure, 'text/html': figureHtml(figure, `vigor-plot-${randomUUID()}`) };
}

/** The bundle whose HTML also loads plotly.js, for the page's other plots too. */
export function withPlotlyLibrary(bundle: MimeBundle): MimeBundle {
  return { ...bundle, 'text/html': `${plotlyLibraryScript()}\n${String(bundle['text/html'])}` };
}
