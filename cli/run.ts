// `vigor run NOTEBOOK [-o OUT.ipynb] [--html OUT.html] [--allow-errors]`: executes a notebook without Jupyter,
// through the kernel's cell handler, into NAME.executed.ipynb beside it (the input is rewritten only when -o names
// it); exit 1 when a cell fails (later cells are not run, unless --allow-errors: then every cell runs, each failure
// is reported, and the exit status is 0, as nbconvert's), 2 when the file is no notebook, 130 on Ctrl-C (the
// notebook is still written, as executed so far).
import { basename, join, parse } from 'node:path';
import type { WordedCommand } from '../options/index.ts';
import { requireFile, requireFileToWrite } from './input-files.ts';

export function addRun(program: WordedCommand, exit: (code: number) => void): void {
  const command = program
    .command('run')
    .description('execute a notebook without Jupyter; the executed notebook goes to NAME.executed.ipynb beside NAME.ipynb ' +
      '(like nbconvert\'s NAME.nbconvert.ipynb), never over the input unless -o names it')
    .usage('NOTEBOOK [-o OUT.ipynb] [--html OUT.html] [--progress] [--allow-errors]')
    .argument('<NOTEBOOK>', 'an nbformat 4 notebook (.ipynb)')
    .option('-o, --output <OUT.ipynb>', 'write the executed notebook here instead (may be NOTEBOOK itself)')
    .option('--html <OUT.html>', 'also export it as an HTML page')
    .option('--progress', 'print each cell on stderr as it starts, and its time when it ends')
    .option('--allow-errors', 'run every cell even when one fails (as nbconvert\'s --allow-errors); the failures are reported, exit status 0');
  command.action(async (notebookPath: string, { output, html, progress, allowErrors }: { output?: string; html?: string; progress?: boolean; allowErrors?: boolean }) => {
    requireFile(command, notebookPath, notebookPath);
    const outputPath = output ?? executedPath(notebookPath);
    // Checked before the cells run, which can take minutes: a path that cannot be written would lose their outputs.
    requireFileToWrite(command, `-o ${outputPath}`, outputPath, basename(executedPath(notebookPath)));
    if (html) requireFileToWrite(command, `--html ${html}`, html, `${parse(notebookPath).name}.html`);
    exit(await run(notebookPath, outputPath, html, progress === true, allowErrors === true));
  });
}

/** Where an executed notebook goes by default: `analysis.ipynb` -> `analysis.executed.ipynb`, in the same folder. */
function executedPath(notebookPath: string): string {
  const { dir, name } = parse(notebookPath);
  return join(dir, `${name}.executed.ipynb`);
}

async function run(notebookPath: string, outputPath: string, htmlPath: string | undefined, progress: boolean, allowErrors: boolean): Promise<number> {
  // Loaded here so that the other commands start without the kernel.
  const { NotebookError, runNotebook } = await import('../kernel/index.ts');
  // Ctrl-C interrupts the running cell and the notebook is written as executed so far; a second one, for a cell
  // that does not stop, ends the process at once as Ctrl-C does by default.
  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (!interrupt.signal.aborted) return interrupt.abort();
    process.off('SIGINT', onInterrupt);
    process.kill(process.pid, 'SIGINT');
  };
  process.on('SIGINT', onInterrupt);
  let result: Awaited<ReturnType<typeof runNotebook>>;
  try {
    result = await runNotebook({ notebookPath, outputPath, allowErrors, signal: interrupt.signal, ...(htmlPath ? { htmlPath } : {}), ...(progress ? { progress: (line: string) => console.error(line) } : {}) });
  } catch (error) {
    // A file that is no notebook is an input the command cannot use (exit 2), said before any cell ran.
    if (!(error instanceof NotebookError)) throw error;
    console.error(`error: ${error.message}`);
    return 2;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  const written = `${outputPath}${htmlPath ? `, HTML to ${htmlPath}` : ''}`;
  if (interrupt.signal.aborted) {
    const where = result.interrupted === undefined ? 'after the last cell' : `at cell ${result.interrupted + 1} of ${notebookPath}`;
    console.error(`interrupted ${where}; the notebook as executed so far (${result.cellsRun} code cell(s), later cells not run) is written to ${written}`);
    // As a shell reports a process that Ctrl-C ended (128 + SIGINT).
    return 130;
  }
  console.log(`ran ${result.cellsRun} code cell(s); executed notebook written to ${written}`);
  for (const { cellIndex, error } of result.failures) {
    console.error(`cell ${cellIndex + 1} of ${notebookPath} failed${allowErrors ? '' : '; later cells were not run'}:\n${error.traceback.join('\n')}`);
  }
  return result.failures.length > 0 && !allowErrors ? 1 : 0;
}
