// `vigor kernel install`: writes the kernelspec that tells Jupyter how to start this kernel.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KERNEL_NAME = 'vigor';

export type InstallTarget = { kind: 'user' } | { kind: 'prefix'; prefix: string };

/** Where Jupyter looks for kernelspecs of this target (Linux layout; JUPYTER_DATA_DIR overrides the user one). */
export function kernelspecDirectory(target: InstallTarget): string {
  if (target.kind === 'prefix') return join(target.prefix, 'share', 'jupyter', 'kernels', KERNEL_NAME);
  const dataDir = process.env.JUPYTER_DATA_DIR || join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'jupyter');
  return join(dataDir, 'kernels', KERNEL_NAME);
}

export function kernelspec() {
  // bin/vigor.js registers the tsx loader and runs `kernel start`; absolute paths, so any cwd works. The CLI is
  // started as a process, not imported (it imports the kernel).
  const cli = join(fileURLToPath(new URL('../bin/', import.meta.url)), 'vigor.js');
  return {
    argv: [process.execPath, cli, 'kernel', 'start', '--connection-file', '{connection_file}'],
    display_name: 'Vigor (Python properties)',
    language: 'python',
    interrupt_mode: 'signal',
    metadata: { debugger: false },
  };
}

export function installKernelspec(target: InstallTarget): string {
  const directory = kernelspecDirectory(target);
  makeFolders(directory);
  writeFileSync(join(directory, 'kernel.json'), `${JSON.stringify(kernelspec(), null, 2)}\n`);
  return directory;
}

/**
 * `mkdir -p`, a level at a time: Node's recursive mkdirSync never returns where mkdir answers ENOENT under a folder
 * that exists (anywhere in /proc); here that error reaches the user.
 */
function makeFolders(directory: string): void {
  const parent = dirname(directory);
  if (parent !== directory && !existsSync(parent)) makeFolders(parent);
  try {
    mkdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
