// `vigor kernel install [--user | --prefix DIR]` and `vigor kernel start --connection-file FILE`: the notebook
// kernel's kernelspec for Jupyter, and the kernel process Jupyter runs.
import type { InstallTarget } from '../kernel/index.ts';
import type { WordedCommand } from '../options/index.ts';
import { requireFile, requireFolderToMake } from './input-files.ts';

export function addKernel(program: WordedCommand, exit: (code: number) => void): void {
  const kernel = program.command('kernel').description('the notebook kernel');
  const install = kernel
    .command('install')
    .description('write the kernelspec Jupyter starts the kernel with (default: --user)')
    .usage('[--user | --prefix DIR]')
    .option('--user', "in the user's Jupyter folder")
    .option('--prefix <DIR>', 'in DIR/share/jupyter/kernels (a virtual environment, a test)');
  install.action(async ({ user, prefix }: { user?: boolean; prefix?: string }) => {
    if (user && prefix !== undefined) install.error('give either --user or --prefix DIR, not both');
    if (prefix !== undefined) requireFolderToMake(install, `--prefix ${prefix}`, prefix);
    // Loaded here (as in start) so that the other commands start without the kernel.
    const { installKernelspec, KERNEL_NAME } = await import('../kernel/index.ts');
    const target: InstallTarget = prefix !== undefined ? { kind: 'prefix', prefix } : { kind: 'user' };
    let directory: string;
    try {
      directory = installKernelspec(target);
    } catch (error) {
      // A folder the user may not write, or a file system that refuses it: what failed, with the system's reason.
      if (!(error as NodeJS.ErrnoException).code) throw error;
      return install.error(`the kernelspec could not be written: ${(error as Error).message}; choose a folder you can write with --prefix DIR`);
    }
    console.log(`installed the "${KERNEL_NAME}" kernelspec in ${directory}`);
    exit(0);
  });
  const start = kernel
    .command('start')
    .description('run the kernel (what Jupyter starts)')
    .usage('--connection-file FILE')
    .option('--connection-file <FILE>', 'the connection file Jupyter writes (the kernelspec passes it)');
  start.action(async ({ connectionFile }: { connectionFile?: string }) => {
    if (!connectionFile) return start.error('kernel start needs --connection-file FILE (Jupyter passes it; see the kernelspec)');
    requireFile(start, `--connection-file ${connectionFile}`, connectionFile);
    const { readConnectionFile, startKernel } = await import('../kernel/index.ts');
    // Read once here for its mistakes (a file that is not Jupyter's JSON is an input error, exit 2); the kernel
    // reads it again as it starts.
    try {
      readConnectionFile(connectionFile);
    } catch (error) {
      return start.error((error as Error).message);
    }
    // Returns once the sockets are bound; they keep the process alive until shutdown.
    await startKernel(connectionFile);
    exit(0);
  });
}
