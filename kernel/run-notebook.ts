// `vigor run`: executes a notebook's code cells in order through the kernel's cell handler, without Jupyter,
// and writes the outputs back as a front end would have.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KernelSession } from './kernel-session.ts';
import type { CellError } from './session/output.ts';
import { kernelInfo } from './protocol/kernel-info.ts';
import { exportHtml } from './notebook/html-export.ts';
import { joinSource, parseNotebook, type NotebookOutput } from './notebook/notebook-format.ts';
import { NotebookSink } from './notebook/notebook-sink.ts';

export interface RunNotebookOptions {
  notebookPath: string;
  /** Where the executed notebook is written (the input itself when the same path). */
  outputPath: string;
  htmlPath?: string;
}

export interface RunNotebookResult {
  cellsRun: number;
  /** The first failing cell (0-based index among all cells) and its error; later cells were not run. */
  failure?: { cellIndex: number; error: CellError };
}

export async function runNotebook(options: RunNotebookOptions): Promise<RunNotebookResult> {
  const notebookPath = resolve(options.notebookPath);
  const notebook = parseNotebook(readFileSync(notebookPath, 'utf8'), notebookPath);
  const session = new KernelSession({ workingDirectory: dirname(notebookPath) });
  const displays = new Map<string, NotebookOutput[]>();
  const result: RunNotebookResult = { cellsRun: 0 };
  try {
    for (const [cellIndex, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      if (result.failure) {
        // Outputs of cells after a failure would be stale: the cell did not run this time.
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      const sink = new NotebookSink(displays);
      const summary = await session.execute(joinSource(cell.source), sink, { silent: false, storeHistory: true });
      cell.outputs = sink.outputs;
      cell.execution_count = summary.executionCount;
      result.cellsRun++;
      if (summary.status === 'error') result.failure = { cellIndex, error: summary.error };
    }
  } finally {
    await session.close();
  }
  notebook.metadata.language_info = kernelInfo().language_info;
  writeFileSync(resolve(options.outputPath), `${JSON.stringify(notebook, null, 1)}\n`);
  if (options.htmlPath) writeFileSync(resolve(options.htmlPath), exportHtml(notebook, notebookPath));
  return result;
}
