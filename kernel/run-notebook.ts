// `vigor run`: executes a notebook's code cells in order through the kernel's cell handler, without Jupyter,
// and writes the outputs back as a front end would have.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KernelSession } from './kernel-session.ts';
import type { CellError, OutputSink } from './session/output.ts';
import { kernelInfo } from './protocol/kernel-info.ts';
import { exportHtml } from './notebook/html-export.ts';
import { joinSource, parseNotebook, type NotebookOutput } from './notebook/notebook-format.ts';
import { NotebookSink } from './notebook/notebook-sink.ts';

export interface RunNotebookOptions {
  notebookPath: string;
  /** Where the executed notebook is written (the input itself when the same path). */
  outputPath: string;
  htmlPath?: string;
  /** Told each cell as it starts and how it ended (`vigor run --progress` prints these on stderr). */
  progress?: (line: string) => void;
  /** Run every cell whatever fails (nbconvert's `--allow-errors`): an audit's later checks still get their verdicts. */
  allowErrors?: boolean;
}

export interface RunNotebookResult {
  cellsRun: number;
  /**
   * The failing cells (0-based indices among all cells) and their errors: the first only, later cells not run,
   * unless `allowErrors`.
   */
  failures: { cellIndex: number; error: CellError }[];
}

export async function runNotebook(options: RunNotebookOptions): Promise<RunNotebookResult> {
  const notebookPath = resolve(options.notebookPath);
  const notebook = parseNotebook(readFileSync(notebookPath, 'utf8'), notebookPath);
  const session = new KernelSession({ workingDirectory: dirname(notebookPath) });
  const displays = new Map<string, NotebookOutput[]>();
  const result: RunNotebookResult = { cellsRun: 0, failures: [] };
  try {
    for (const [cellIndex, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      if (result.failures.length > 0 && !options.allowErrors) {
        // Outputs of cells after a failure would be stale: the cell did not run this time.
        cell.outputs = [];
        cell.execution_count = null;
        continue;
      }
      const sink = new NotebookSink(displays);
      const started = performance.now();
      options.progress?.(`cell ${cellIndex + 1} of ${notebook.cells.length}: ${joinSource(cell.source).split('\n')[0]!.slice(0, 80)}`);
      const summary = await session.execute(joinSource(cell.source), options.progress ? tellingProgress(sink, options.progress) : sink, { silent: false, storeHistory: true });
      options.progress?.(`cell ${cellIndex + 1} ${summary.status === 'ok' ? 'done' : 'failed'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      cell.outputs = sink.outputs;
      cell.execution_count = summary.executionCount;
      result.cellsRun++;
      if (summary.status === 'error') result.failures.push({ cellIndex, error: summary.error });
    }
  } finally {
    await session.close();
  }
  notebook.metadata.language_info = kernelInfo().language_info;
  writeFileSync(resolve(options.outputPath), `${JSON.stringify(notebook, null, 1)}\n`);
  if (options.htmlPath) writeFileSync(resolve(options.htmlPath), exportHtml(notebook, notebookPath));
  return result;
}

/** How often a long cell's progress line is told (its display updates come several times a second). */
const PROGRESS_EVERY_MS = 5000;

/** `sink`, also telling `progress` the text of a cell's progress display now and then (magics' long work). */
function tellingProgress(sink: OutputSink, progress: (line: string) => void): OutputSink {
  let told = performance.now();
  return {
    stream: (name, text) => sink.stream(name, text),
    displayData: (item) => sink.displayData(item),
    updateDisplayData(item) {
      sink.updateDisplayData(item);
      const text = item.data['text/plain'];
      if (typeof text === 'string' && performance.now() - told >= PROGRESS_EVERY_MS) {
        told = performance.now();
        progress(`  ${text}`);
      }
    },
    executeResult: (count, data, metadata) => sink.executeResult(count, data, metadata),
    error: (error) => sink.error(error),
    clearOutput: (wait) => sink.clearOutput(wait),
  };
}
