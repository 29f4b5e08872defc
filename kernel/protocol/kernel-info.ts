// kernel_info_reply content. Answered before Pyodide has loaded, so versions come from package metadata.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PROTOCOL_VERSION } from './wire.ts';

const requireFromHere = createRequire(import.meta.url);

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function kernelInfo() {
  const packageVersion = readJson<{ version: string }>(new URL('../../package.json', import.meta.url).pathname).version;
  const pythonVersion = readJson<{ info: { python: string } }>(requireFromHere.resolve('pyodide/pyodide-lock.json')).info.python;
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'vigor',
    implementation_version: packageVersion,
    // "python" so papermill, nbclient and editors treat cells as Python (they are, unless a magic says otherwise).
    language_info: {
      name: 'python',
      version: pythonVersion,
      mimetype: 'text/x-python',
      file_extension: '.py',
      pygments_lexer: 'ipython3',
      codemirror_mode: { name: 'ipython', version: 3 },
      nbconvert_exporter: 'python',
    },
    banner: `Vigor ${packageVersion}: properties of network functions in Python ${pythonVersion} (Pyodide); %%ts for TypeScript`,
    help_links: [],
  };
}
