// `vigor run`: executes a notebook's code cells in order through the kernel's cell handler, without Jupyter,
// and writes the outputs back as a front end would have, also when the run is interrupted.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KernelSession } from './kernel-session.ts';
import type { ExecuteSummary } from './session/cell-handler.ts';
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
  /**
   * Aborted to stop the run (Ctrl-C in `vigor run`): the running cell is interrupted as Jupyter's interrupt does
   * (Python raises KeyboardInterrupt, a magic sees its signal aborted), later cells are not run, and the notebook is
   * still written, as executed so far: the finished cells' outputs are what the user waited for.
   */
  signal?: AbortSignal;
}

export interface RunNotebookResult {
  cellsRun: number;
  /**
   * The failing cells (0-based indices among all cells) and their errors: the first only, later cells not run,
   * unless `allowErrors`.
   */
  failures: { cellIndex: number; error: CellError }[];
  /**
   * When `signal` aborted: the cell marked interrupted (a KeyboardInterrupt output), the one running or, when the
   * abort came between cells, the next, which did not run; undefined when no code cell was left to mark.
   */
  interrupted?: number;
}

/**
 * How long an interrupted cell may take to stop (Python stops at once; a magic at its next check of its signal)
 * before the run stops waiting and writes what the cell showed so far.
 */
const INTERRUPT_GRACE_MS = 10_000;

export async function runNotebook(options: RunNotebookOptions): Promise<RunNotebookResult> {
  const notebookPath = resolve(options.notebookPath);
  const notebook = parseNotebook(readFileSync(notebookPath, 'utf8'), notebookPath);
  const session = new KernelSession({ workingDirectory: dirname(notebookPath) });
  const displays = new Map<string, NotebookOutput[]>();
  const result: RunNotebookResult = { cellsRun: 0, failures: [] };
  const { signal } = options;
  const interrupt = () => session.interrupt();
  signal?.addEventListener('abort', interrupt);
  try {
    for (const [cellIndex, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      if ((result.failures.length > 0 && !options.allowErrors) || result.interrupted !== undefined || signal?.aborted) {
        // Outputs of cells after a failure or an interrupt would be stale: the cell did not run this time.
        cell.outputs = [];
        cell.execution_count = null;
        if (signal?.aborted && result.interrupted === undefined) {
          result.interrupted = cellIndex;
          cell.outputs.push({ output_type: 'error', ...interruptedError('interrupted before the cell ran') });
        }
        continue;
      }
      const sink = new NotebookSink(displays);
      const started = performance.now();
      options.progress?.(`cell ${cellIndex + 1} of ${notebook.cells.length}: ${joinSource(cell.source).split('\n')[0]!.slice(0, 80)}`);
      const execution = session.execute(joinSource(cell.source), options.progress ? tellingProgress(sink, options.progress) : sink, { silent: false, storeHistory: true });
      const summary = signal ? await endedOrGivenUp(execution, signal) : await execution;
      // Whatever error a cell ends with after the interrupt (Python replaced because it did not stop, a magic's own
      // message), the interrupt is what stopped it.
      const interrupted = signal?.aborted === true && summary?.status !== 'ok';
      options.progress?.(`cell ${cellIndex + 1} ${interrupted ? 'interrupted' : summary?.status === 'ok' ? 'done' : 'failed'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      // A cell that did not stop in time keeps what it showed, marked as interrupted.
      if (!summary) sink.error(interruptedError(`the cell did not stop within ${INTERRUPT_GRACE_MS / 1000} s of the interrupt; its outputs so far are kept`));
      cell.outputs = sink.outputs;
      cell.execution_count = summary?.executionCount ?? null;
      result.cellsRun++;
      if (interrupted) result.interrupted = cellIndex;
      else if (summary?.status === 'error') result.failures.push({ cellIndex, error: summary.error });
    }
  } finally {
    signal?.removeEventListener('abort', interrupt);
    await session.close();
  }
  notebook.metadata.language_info = kernelInfo().language_info;
  writeFileSync(resolve(options.outputPath), `${JSON.stringify(notebook, null, 1)}\n`);
  if (options.htmlPath) writeFileSync(resolve(options.htmlPath), exportHtml(notebook, notebookPath));
  return result;
}

/** The error output that marks a cell the interrupt stopped, as Python's own KeyboardInterrupt reads. */
function interruptedError(evalue: string): CellError {
  return { ename: 'KeyboardInterrupt', evalue, traceback: [`KeyboardInterrupt: ${evalue}`] };
}

/** The cell's summary, or undefined when it has not ended INTERRUPT_GRACE_MS after `signal` aborted. */
function endedOrGivenUp(execution: Promise<ExecuteSummary>, signal: AbortSignal): Promise<ExecuteSummary | undefined> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const giveUpLater = () => (timer = setTimeout(() => resolve(undefined), INTERRUPT_GRACE_MS));
    if (signal.aborted) giveUpLater();
    else signal.addEventListener('abort', giveUpLater, { once: true });
    execution.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', giveUpLater);
    });
  });
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
