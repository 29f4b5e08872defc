// Shared by the tests that drive the kernel with Debian's Jupyter: whether it is installed, and a throwaway
// Jupyter environment (kernelspec in a temporary prefix; config, data and runtime dirs temporary too).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's python3, not a pyenv shim that cannot see Debian's modules. */
export const SYSTEM_PYTHON = '/usr/bin/python3';
const PACKAGES = 'jupyter-client python3-nbclient python3-nbformat python3-jupyter-kernel-test jupyter-nbconvert';

/** Undefined when usable, else the reason to skip, saying what to install. */
export function jupyterMissing(): string | undefined {
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import jupyter_client, jupyter_kernel_test, nbclient, nbformat, nbconvert'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `Debian's Jupyter packages are missing (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}); install them: apt-get install -y ${PACKAGES}`;
}

export interface JupyterEnvironment {
  directory: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

export function createJupyterEnvironment(): JupyterEnvironment {
  const directory = mkdtempSync(join(tmpdir(), 'vigor-jupyter-'));
  const install = spawnSync(process.execPath, ['bin/vigor.js', 'kernel', 'install', '--prefix', directory], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`vigor kernel install failed: ${install.stderr}`);
  const env = {
    ...process.env,
    JUPYTER_PATH: join(directory, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: join(directory, 'data'),
    JUPYTER_CONFIG_DIR: join(directory, 'config'),
    JUPYTER_RUNTIME_DIR: join(directory, 'runtime'),
    IPYTHONDIR: join(directory, 'ipython'),
    // Never read the user's own Jupyter configuration or kernels.
    JUPYTER_PLATFORM_DIRS: '1',
    HOME: directory,
  };
  return { directory, env, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
