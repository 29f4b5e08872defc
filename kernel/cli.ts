// `npx vigor kernel install|start ...` and `npx vigor run NOTEBOOK ...` (bin/vigor.js routes them here).
import { parseArgs } from 'node:util';
import { installKernelspec, KERNEL_NAME, type InstallTarget } from './kernelspec.ts';
import { runNotebook } from './notebook/run-notebook.ts';
import { startKernel } from './start-kernel.ts';

const USAGE = `usage:
  vigor kernel install [--user | --prefix DIR]   write the "${KERNEL_NAME}" kernelspec (default: --user)
  vigor kernel start --connection-file FILE      run the kernel (what Jupyter starts)
  vigor run NOTEBOOK [-o OUT.ipynb] [--html OUT.html]
                                                 execute a notebook without Jupyter (default: outputs written into NOTEBOOK)`;

class UsageError extends Error {}

export async function main(args: string[]): Promise<number> {
  try {
    const [command, ...rest] = args;
    if (command === 'kernel' && rest[0] === 'install') return install(rest.slice(1));
    if (command === 'kernel' && rest[0] === 'start') return await start(rest.slice(1));
    if (command === 'run') return await run(rest);
    throw new UsageError(`unknown command "${args.join(' ')}"`);
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`vigor: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    console.error(`vigor: ${(error as Error).message}`);
    return 1;
  }
}

function install(args: string[]): number {
  const { values } = parseArgs({ args, options: { user: { type: 'boolean' }, prefix: { type: 'string' } }, strict: true });
  if (values.user && values.prefix !== undefined) throw new UsageError('give either --user or --prefix DIR, not both');
  const target: InstallTarget = values.prefix !== undefined ? { kind: 'prefix', prefix: values.prefix } : { kind: 'user' };
  const directory = installKernelspec(target);
  console.log(`installed the "${KERNEL_NAME}" kernelspec in ${directory}`);
  return 0;
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'connection-file': { type: 'string' } }, strict: true });
  const connectionFile = values['connection-file'];
  if (!connectionFile) throw new UsageError('kernel start needs --connection-file FILE (Jupyter passes it; see the kernelspec)');
  // Returns once the sockets are bound; they keep the process alive until shutdown.
  await startKernel(connectionFile);
  return 0;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { output: { type: 'string', short: 'o' }, html: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`run needs exactly one notebook, got ${positionals.length}`);
  const [notebookPath] = positionals;
  const outputPath = values.output ?? notebookPath;
  const result = await runNotebook({ notebookPath, outputPath, ...(values.html ? { htmlPath: values.html } : {}) });
  console.log(`ran ${result.cellsRun} code cell(s); executed notebook written to ${outputPath}${values.html ? `, HTML to ${values.html}` : ''}`);
  if (!result.failure) return 0;
  const { cellIndex, error } = result.failure;
  console.error(`cell ${cellIndex + 1} of ${notebookPath} failed; later cells were not run:\n${error.traceback.join('\n')}`);
  return 1;
}
