// `vigor run NOTEBOOK [-o OUT.ipynb] [--html OUT.html]`: executes a notebook without Jupyter, through the kernel's
// cell handler; exit 1 when a cell fails (later cells are not run).
import type { WordedCommand } from '../options/index.ts';

export function addRun(program: WordedCommand, exit: (code: number) => void): void {
  program
    .command('run')
    .description('execute a notebook without Jupyter (default: outputs written into NOTEBOOK)')
    .usage('NOTEBOOK [-o OUT.ipynb] [--html OUT.html]')
    .argument('<NOTEBOOK>', 'an nbformat 4 notebook (.ipynb)')
    .option('-o, --output <OUT.ipynb>', 'write the executed notebook here instead')
    .option('--html <OUT.html>', 'also export it as an HTML page')
    .action(async (notebookPath: string, { output, html }: { output?: string; html?: string }) => exit(await run(notebookPath, output ?? notebookPath, html)));
}

async function run(notebookPath: string, outputPath: string, htmlPath: string | undefined): Promise<number> {
  // Loaded here so that the other commands start without the kernel.
  const { runNotebook } = await import('../kernel/index.ts');
  const result = await runNotebook({ notebookPath, outputPath, ...(htmlPath ? { htmlPath } : {}) });
  console.log(`ran ${result.cellsRun} code cell(s); executed notebook written to ${outputPath}${htmlPath ? `, HTML to ${htmlPath}` : ''}`);
  if (!result.failure) return 0;
  const { cellIndex, error } = result.failure;
  console.error(`cell ${cellIndex + 1} of ${notebookPath} failed; later cells were not run:\n${error.traceback.join('\n')}`);
  return 1;
}
