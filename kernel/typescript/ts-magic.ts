// `%%ts`: the cell body runs as TypeScript in the kernel's own Node.js process through tslab's executor
// (declarations persist between %%ts cells; `import * as tslab from "tslab"` gives tslab.display). A run-time
// error is shown at the cell's lines, without the frames of tslab and the kernel; an interrupt is
// KeyboardInterrupt; an error the cell's code throws later (a timer, a promise nobody awaits) is reported, not fatal.
import { createRequire } from 'node:module';
import { format, inspect } from 'node:util';
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

/** The kernel's own stderr (a %%ts cell redirects process.stderr to its output while it runs). */
const kernelStderr = process.stderr.write.bind(process.stderr);

/** vm's error when SIGINT stops a script run with breakOnSigint (a synchronous loop). */
const isSigintBreak = (value: unknown) => (value as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';

/**
 * `reportLate` shows the text of an error that %%ts code threw outside any cell's run (a timer, a rejected promise
 * nobody awaited), on whatever cell is running then or the next one.
 */
export function typeScriptMagic(rootDir: string, reportLate: (text: string) => void): Magic {
  let executor: Executor | undefined;
  /** Where the executor's console writes; set for the duration of one %%ts cell. */
  let target: { sink: OutputSink; errors: string[]; interrupted: boolean } | undefined;
  /** The JavaScript tslab made of the latest cell: what run-time errors' line numbers count. */
  let lastJavaScript = '';

  function createExecutor(): Executor {
    const { createExecutor: create } = requireFromHere('tslab/dist/executor.js') as TslabExecutorModule;
    const { createConverter } = requireFromHere('tslab/dist/converter.js') as TslabConverterModule;
    let nodeConverter: Converter | undefined;
    let browserConverter: Converter | undefined;
    // Converters build a TypeScript language service (slow): only when a cell needs one.
    const converters = {
      get node() {
        return (nodeConverter ??= keepingOutput(createConverter({ isBrowser: false }), (output) => (lastJavaScript = output)));
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
      error: (...args: unknown[]) => {
        if (!target) return;
        if (isSigintBreak(args[0])) target.interrupted = true;
        target.errors.push(format(...args));
      },
    });
  }

  return {
    name: 'ts',
    kind: 'cell',
    summary: 'run the cell as TypeScript in Node.js (tslab): declarations persist between %%ts cells',
    async run({ body, firstLine }, { sink, signal, executionCount }) {
      if (signal.aborted) return cellError('KeyboardInterrupt', 'interrupted before the cell started');
      if (!executor) {
        executor = createExecutor();
        reportLateErrorsTo(reportLate);
      }
      const running = executor;
      target = { sink, errors: [], interrupted: false };
      const current = target;
      const errors = target.errors;
      const restoreStreams = redirectProcessStreams(sink);
      tslabJupyter.lastWriteDisplayData = (display, update) => publishTslabDisplay(sink, display, update);
      const onAbort = () => running.interrupt();
      signal.addEventListener('abort', onAbort);
      try {
        // Leading newlines make tslab's diagnostics (line:column) count lines from the top of the cell.
        const code = '\n'.repeat(firstLine - 1) + body;
        lastJavaScript = '';
        const succeeded = await running.execute(code);
        // SIGINT breaks a synchronous loop (vm's breakOnSigint); an interrupt request ends an awaited promise.
        if (!succeeded && (current.interrupted || signal.aborted)) {
          // breakOnSigint kept the signal from the process's own SIGINT listeners (the kernel's, `vigor run`'s,
          // which stops the notebook there): they get it now.
          if (!signal.aborted) process.emit('SIGINT', 'SIGINT');
          return cellError('KeyboardInterrupt', '', ['KeyboardInterrupt']);
        }
        if (!succeeded) {
          const message = errors.join('\n') || 'the TypeScript cell failed';
          const thrown = lastJavaScript && RUN_TIME_FRAME.test(message) ? runTimeError(message, lastJavaScript, code, `Cell In[${executionCount}]`) : undefined;
          return thrown ?? cellError('TypeScriptError', message.split('\n')[0]!, message.split('\n'));
        }
        if (errors.length > 0) sink.stream('stderr', `${errors.join('\n')}\n`);
        return { status: 'ok' };
      } finally {
        signal.removeEventListener('abort', onAbort);
        tslabJupyter.lastWriteDisplayData = null;
        restoreStreams();
        target = undefined;
        // A promise the cell rejected without awaiting it is reported once this turn of the event loop ends: still
        // on this cell's output (the session's, not process.stdout, which goes back to the kernel before waiting).
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    dispose() {
      executor?.close();
      stopReportingLateErrorsTo(reportLate);
    },
  };
}

/**
 * Where errors of %%ts code thrown outside its cell go: the session of the latest TypeScript magic that ran code.
 * Without handlers Node would end the process (the kernel, or `vigor run`), losing Python's namespace and the
 * verified traces. The handlers stay once installed: a timer may fire after its session closed (then the error is
 * only logged). They catch the kernel's own stray errors too, which are logged with their stack, never dropped.
 */
let lateErrorReport: ((text: string) => void) | undefined;
let lateErrorHandlersInstalled = false;

function reportLateErrorsTo(report: (text: string) => void): void {
  lateErrorReport = report;
  if (lateErrorHandlersInstalled) return;
  lateErrorHandlersInstalled = true;
  process.on('uncaughtException', (error) => reportLateError('Uncaught', error));
  process.on('unhandledRejection', (reason) => reportLateError('Unhandled promise rejection:', reason));
}

function stopReportingLateErrorsTo(report: (text: string) => void): void {
  if (lateErrorReport === report) lateErrorReport = undefined;
}

function reportLateError(kind: string, thrown: unknown): void {
  const headline = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : inspect(thrown);
  // tslab runs cells as `evalmachine.<anonymous>`; an error raised elsewhere, with a stack, is the kernel's.
  const fromCell = !(thrown instanceof Error) || thrown.stack === undefined || thrown.stack.includes('evalmachine.<anonymous>');
  kernelStderr(`vigor kernel: ${fromCell ? '%%ts code' : 'the kernel\'s own code (it goes on)'}: ${kind} ${thrown instanceof Error ? (thrown.stack ?? headline) : headline}\n`);
  lateErrorReport?.(`${kind} ${headline} (${fromCell ? 'in asynchronous %%ts code' : 'an error of the kernel itself; its log has the stack'})\n`);
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

/** The converter as tslab uses it, telling `onOutput` the JavaScript of each cell it converts. */
function keepingOutput(converter: Converter, onOutput: (javaScript: string) => void): Converter {
  const convert = converter.convert.bind(converter);
  converter.convert = (previousDeclarations, source) => {
    const converted = convert(previousDeclarations, source);
    onOutput(converted.output ?? '');
    return converted;
  };
  return converter;
}

/** tslab runs a cell's JavaScript with vm under this name; its own prefix shares the first line. */
const RUN_TIME_FRAME = /evalmachine\.<anonymous>:(\d+)/;

/**
 * An exception thrown by a cell's code, as tslab printed it (V8's `file:line`, the line and a caret, then the
 * stack), said at the cell's lines: frames of the cell only (not tslab's, vm's or the kernel's), each line of the
 * generated JavaScript traced back to the cell line it came from.
 */
function runTimeError(printed: string, javaScript: string, code: string, cellName: string): ReturnType<typeof cellError> | undefined {
  const lines = printed.split('\n');
  const headline = lines.findIndex((line) => /^\w*(Error|Exception)\b.*?: /.test(line) || /^Uncaught /.test(line));
  if (headline < 0) return undefined;
  const [, name = 'Error', message = ''] = /^(\w+)(?:\s*\[[^\]]*\])?: ([\s\S]*)$/.exec(lines[headline]!) ?? [];
  const where = (jsLine: number) => {
    const cellLine = cellLineOf(javaScript.split('\n')[jsLine - 1] ?? '', code);
    return cellLine === undefined ? cellName : `${cellName}, line ${cellLine}`;
  };
  const frames = lines
    .slice(headline + 1)
    .flatMap((line) => {
      const frame = /^\s+at (?:(.+?) \()?evalmachine\.<anonymous>:(\d+):\d+\)?$/.exec(line);
      if (!frame) return [];
      const [, fn, jsLine] = frame;
      return [`    at ${fn ? `${fn} (${where(Number(jsLine))})` : where(Number(jsLine))}`];
    })
    // tslab's wrapper function around the whole cell is the last frame of the cell's own: not the user's.
    .slice(0, -1);
  const top = lines.slice(0, headline).join('\n');
  const thrownAt = RUN_TIME_FRAME.exec(top) ?? RUN_TIME_FRAME.exec(printed);
  const location = thrownAt ? where(Number(thrownAt[1])) : cellName;
  const cellLine = /line (\d+)$/.exec(location)?.[1];
  const source = cellLine === undefined ? [] : [`    ${code.split('\n')[Number(cellLine) - 1]!.trim()}`];
  return cellError(name, message, [`${location}`, ...source, `${name}: ${message}`, ...frames]);
}

/**
 * The cell line a line of tslab's JavaScript came from. TypeScript's output drops types and reflows, so lines are
 * matched by their words: the cell line holding most of the JavaScript line's words (at least half), the first
 * such; undefined when none does.
 */
function cellLineOf(javaScriptLine: string, code: string): number | undefined {
  const words = javaScriptLine.match(/\w+/g)?.filter((word) => word !== 'exports') ?? [];
  if (words.length === 0) return undefined;
  let best: { line: number; score: number } | undefined;
  code.split('\n').forEach((text, index) => {
    const present = new Set(text.match(/\w+/g) ?? []);
    const score = words.filter((word) => present.has(word)).length / words.length;
    if (score >= 0.5 && (!best || score > best.score)) best = { line: index + 1, score };
  });
  return best?.line;
}
