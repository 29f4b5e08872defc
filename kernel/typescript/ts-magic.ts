// `%%ts`: the cell body runs as TypeScript in the kernel's own Node.js process through tslab's executor
// (declarations persist between %%ts cells; `import * as tslab from "tslab"` gives tslab.display).
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { cellError, type MimeBundle, type OutputSink } from '../session/output.ts';
import type { Magic } from '../session/magics.ts';

type TslabExecutorModule = typeof import('tslab/dist/executor.js');
type TslabConverterModule = typeof import('tslab/dist/converter.js');
type Executor = ReturnType<TslabExecutorModule['createExecutor']>;
type Converter = ReturnType<TslabConverterModule['createConverter']>;
interface TslabDisplayData {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

// tslab is CommonJS; its `display` API publishes through this module-level hook of tslab/dist/jupyter.
const requireFromHere = createRequire(import.meta.url);
const tslabJupyter = requireFromHere('tslab/dist/jupyter.js') as { lastWriteDisplayData: ((data: TslabDisplayData, update: boolean) => void) | null };

export function typeScriptMagic(rootDir: string): Magic {
  let executor: Executor | undefined;
  /** Where the executor's console writes; set for the duration of one %%ts cell. */
  let target: { sink: OutputSink; errors: string[] } | undefined;

  function createExecutor(): Executor {
    const { createExecutor: create } = requireFromHere('tslab/dist/executor.js') as TslabExecutorModule;
    const { createConverter } = requireFromHere('tslab/dist/converter.js') as TslabConverterModule;
    let nodeConverter: Converter | undefined;
    let browserConverter: Converter | undefined;
    // Converters build a TypeScript language service (slow): only when a cell needs one.
    const converters = {
      get node() {
        return (nodeConverter ??= createConverter({ isBrowser: false }));
      },
      get browser() {
        return (browserConverter ??= createConverter({ isBrowser: true }));
      },
      close() {
        nodeConverter?.close();
        browserConverter?.close();
      },
    };
    return create(rootDir, converters, {
      log: (...args: unknown[]) => target?.sink.stream('stdout', `${format(...args)}\n`),
      // Kept apart: if the cell fails they are its error message, otherwise they are printed to stderr.
      error: (...args: unknown[]) => target?.errors.push(format(...args)),
    });
  }

  return {
    name: 'ts',
    kind: 'cell',
    summary: 'run the cell as TypeScript in Node.js (tslab): declarations persist between %%ts cells',
    async run({ body, firstLine }, { sink, signal }) {
      executor ??= createExecutor();
      const running = executor;
      target = { sink, errors: [] };
      const errors = target.errors;
      const restoreStreams = redirectProcessStreams(sink);
      tslabJupyter.lastWriteDisplayData = (display, update) => publishTslabDisplay(sink, display, update);
      const onAbort = () => running.interrupt();
      signal.addEventListener('abort', onAbort);
      try {
        // Leading newlines make tslab's diagnostics (line:column) count lines from the top of the cell.
        const succeeded = await running.execute('\n'.repeat(firstLine - 1) + body);
        if (!succeeded) {
          const message = errors.join('\n') || 'the TypeScript cell failed';
          return cellError('TypeScriptError', message.split('\n')[0], message.split('\n'));
        }
        if (errors.length > 0) sink.stream('stderr', `${errors.join('\n')}\n`);
        return { status: 'ok' };
      } finally {
        signal.removeEventListener('abort', onAbort);
        tslabJupyter.lastWriteDisplayData = null;
        restoreStreams();
        target = undefined;
      }
    },
    dispose() {
      executor?.close();
    },
  };
}

/** console.log in a %%ts cell writes to process.stdout: send it to the cell while the cell runs. */
function redirectProcessStreams(sink: OutputSink): () => void {
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].write = ((chunk: string | Uint8Array) => {
      sink.stream(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  }
  return () => {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  };
}

function publishTslabDisplay(sink: OutputSink, display: TslabDisplayData, update: boolean): void {
  const [firstMime] = Object.keys(display.data);
  // Every output carries text/plain, for front ends that show nothing richer.
  const data = { 'text/plain': `<${firstMime} output>`, ...display.data };
  const displayId = display.transient?.display_id;
  if (update && displayId) sink.updateDisplayData({ data, metadata: display.metadata, displayId });
  else sink.displayData({ data, metadata: display.metadata, ...(displayId ? { displayId } : {}) });
}
