// One Pyodide for spec execution: loaded once, the prelude imported once. Python calls back into the engine
// synchronously through the `vigor_bridge` module, which forwards to the path currently running.
import { readFileSync } from 'node:fs';
import { loadPyodide, type PyodideAPI } from 'pyodide';
import { HEADER_FIELDS } from '../../nf-abi/index.ts';

/** What Python may ask of the engine while one spec path runs (see prelude.py). */
export interface SpecHost {
  decide(nodes: string, condition: number, line: number): boolean;
  state(nodes: string, object: string, operation: string, args: string): string;
  transmitted(nodes: string): string;
  /** The devices the NF sent the frame on (Vigor's `sent_on_ports`), as handles. */
  sentDevices(nodes: string): string;
}

export type SpecDialect = 'statement' | 'function';

export interface SpecPython {
  /** Runs one path: returns the JSON the prelude's `run` produces. */
  run(host: SpecHost, dialect: SpecDialect, body: string, inputs: unknown): string;
}

let instance: Promise<SpecPython> | undefined;

export function specPython(): Promise<SpecPython> {
  return (instance ??= start());
}

async function start(): Promise<SpecPython> {
  const pyodide: PyodideAPI = await loadPyodide();
  let host: SpecHost | null = null;
  const current = (): SpecHost => {
    if (!host) throw new Error('vigor_bridge called outside a spec run');
    return host;
  };
  pyodide.registerJsModule('vigor_bridge', {
    decide: (nodes: string, condition: number, line: number) => current().decide(nodes, condition, line),
    state: (nodes: string, object: string, operation: string, args: string) => current().state(nodes, object, operation, args),
    transmitted: (nodes: string) => current().transmitted(nodes),
    sent_devices: (nodes: string) => current().sentDevices(nodes),
    header_fields: () => JSON.stringify(HEADER_FIELDS),
  });
  const prelude = readFileSync(new URL('./prelude.py', import.meta.url), 'utf8');
  pyodide.FS.writeFile('/home/pyodide/vigor_prelude.py', prelude);
  const run = pyodide.runPython('import vigor_prelude\nvigor_prelude.run') as (dialect: string, body: string, inputs: string) => string;
  return {
    run(nextHost, dialect, body, inputs) {
      host = nextHost;
      try {
        return run(dialect, body, JSON.stringify(inputs));
      } finally {
        host = null;
      }
    },
  };
}
