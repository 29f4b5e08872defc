// The kernel's public face, for the CLI (cli/): the kernel process Jupyter runs, its kernelspec, and notebooks run
// without Jupyter. Folders outside kernel/ import the kernel only from here (tests may reach inside).
export { installKernelspec, type InstallTarget, KERNEL_NAME } from './kernelspec.ts';
export { NotebookError } from './notebook/notebook-format.ts';
export { readConnectionFile } from './protocol/connection.ts';
export { runNotebook } from './run-notebook.ts';
export { startKernel } from './start-kernel.ts';
