// A self-contained HTML page of an executed notebook: inputs and outputs, no external resources. Plots are drawn
// from their plotly JSON, as JupyterLab does, with plotly.js once in the head whatever the outputs carry.
import { basename } from 'node:path';
import { joinSource, type Notebook, type NotebookCell, type NotebookOutput } from './notebook-format.ts';
import { figureHtml, plotlyLibraryScript, PLOTLY_MIME, type PlotlyFigure } from './plotly-html.ts';

const STYLE = `
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
.cell { margin: 1rem 0; }
.input { background: #f5f5f7; border-left: 3px solid #8aa; padding: .5rem; }
.prompt { color: #888; font-family: monospace; font-size: .8rem; }
pre { margin: 0; white-space: pre-wrap; font-size: .85rem; }
.output { padding: .5rem; border-left: 3px solid transparent; }
.stderr { background: #fff3f3; }
.error { background: #fdd; border-left-color: #c33; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2rem .5rem; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function exportHtml(notebook: Notebook, title: string): string {
  let plots = 0;
  const page: Page = { plotId: () => `plot-${++plots}` };
  const cells = notebook.cells.map((cell) => renderCell(cell, page)).join('\n');
  // Before the body, so that every plot draws as its script is parsed.
  const library = plots > 0 ? plotlyLibraryScript() : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(basename(title))}</title><style>${STYLE}</style>${library}</head>
<body>
${cells}
</body></html>
`;
}

/** What rendering one output needs from the page: unique element ids for plots. */
interface Page {
  plotId(): string;
}

function renderCell(cell: NotebookCell, page: Page): string {
  const source = joinSource(cell.source);
  if (cell.cell_type === 'markdown') return `<div class="cell markdown">${renderMarkdown(source)}</div>`;
  if (cell.cell_type === 'raw') return `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
  const prompt = `<div class="prompt">In [${cell.execution_count ?? ' '}]:</div>`;
  const outputs = (cell.outputs ?? []).map((output) => renderOutput(output, page)).join('\n');
  return `<div class="cell code">${prompt}<div class="input"><pre>${escapeHtml(source)}</pre></div>${outputs}</div>`;
}

function renderOutput(output: NotebookOutput, page: Page): string {
  switch (output.output_type) {
    case 'stream':
      return `<div class="output ${output.name}"><pre>${escapeHtml(output.text)}</pre></div>`;
    case 'error':
      return `<div class="output error"><pre>${escapeHtml(output.traceback.join('\n'))}</pre></div>`;
    case 'display_data':
    case 'execute_result':
      return `<div class="output">${renderBundle(output.data, page)}</div>`;
  }
}

/** The richest representation this page can show without external resources. */
function renderBundle(data: Record<string, unknown>, page: Page): string {
  const text = (mime: string) => joinSource(data[mime]);
  // Not the bundle's text/html: that may carry a copy of plotly.js, or rely on one in another output.
  if (PLOTLY_MIME in data) return figureHtml(data[PLOTLY_MIME] as PlotlyFigure, page.plotId());
  if ('text/html' in data) return text('text/html');
  if ('image/svg+xml' in data) return text('image/svg+xml');
  for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
    if (mime in data) return `<img src="data:${mime};base64,${text(mime).replace(/\s/g, '')}" alt="">`;
  }
  if ('text/markdown' in data) return renderMarkdown(text('text/markdown'));
  return `<pre>${escapeHtml(text('text/plain'))}</pre>`;
}

/** Headings, paragraphs and inline code: enough for notebook prose; anything else stays readable text. */
function renderMarkdown(markdown: string): string {
  return markdown
    .split(/\n{2,}/)
    .map((block) => {
      const heading = /^(#{1,6})\s+(.*)$/.exec(block.trim());
      if (heading) return `<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`;
      return `<p>${inline(block)}</p>`;
    })
    .join('\n');
}

function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}
