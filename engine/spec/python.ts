// One Pyodide for spec execution, loaded once and locked down (sandbox.py): a spec's code reaches no host module
// or file, each property runs in a fresh prelude module, and Python time (per spec path) and memory are limited
// (limits.ts).
// Python calls back into the engine synchronously through the `vigor_bridge` module, which forwards to the path
// currently running; an interpreter a spec crashes is replaced for the next property.
import { readFileSync } from 'node:fs';
import type { PyodideAPI } from 'pyodide';
import { HEADER_FIELDS, PROTOCOL_ALIASES, TCP_FLAGS } from '../../nf-abi/index.ts';
import { SpecClock, specLimits } from './limits.ts';
import { loadPreloadedPyodide } from './pyodide-snapshot.ts';

/** What Python may ask of the engine while one spec path runs (see prelude.py). */
export interface SpecHost {
  decide(nodes: string, condition: number, line: number): boolean;
  state(nodes: string, object: string, operation: string, args: string): string;
  transmitted(nodes: string): string;
  /** The devices the NF sent the frame on (Vigor's `sent_on_ports`), as handles. */
  sentDevices(nodes: string): string;
  /** The NF's shared hash of a record (`_<record>_hash`) applied to the field nodes `fields` (JSON), as a handle. */
  hash(nodes: string, record: string, fields: string): string;
}

export type SpecDialect = 'statement' | 'function';

export interface SpecPython {
  /** A fresh prelude for one property: its paths share no Python name or object with any other property's. */
  property(dialect: SpecDialect, body: string): SpecProperty;
}

export interface SpecProperty {
  /** Runs one path: returns the JSON the prelude's `run` produces (a spec that crashed the interpreter is an error). */
  run(host: SpecHost, inputs: unknown): string;
}

let instance: Promise<SpecPython> | undefined;

export function specPython(): Promise<SpecPython> {
  return (instance ??= start());
}

type PreludeRun = (dialect: string, body: string, inputs: string) => string;

async function start(): Promise<SpecPython> {
  const limits = specLimits();
  // `js` is an empty object: even an interpreter that somehow imported it again would find nothing of the host.
  // Restored from a memory image of a booted interpreter that ran nothing (README.md, "Start-up"): `vigor_bridge`,
  // the prelude and the lock-down below run after restoring, exactly as after booting.
  const pyodide: PyodideAPI = await loadPreloadedPyodide('spec', '', { jsglobals: Object.create(null) as object });
  const clock = new SpecClock(limits);
  pyodide.setInterruptBuffer(clock.interrupt);
  capHeap(pyodide, limits.mebibytes);
  let host: SpecHost | null = null;
  // The engine's time is not the spec's: the clock stops while Python waits for an answer.
  const ask = <T>(question: (host: SpecHost) => T): T => {
    if (!host) throw new Error('vigor_bridge called outside a spec run');
    clock.leave();
    try {
      return question(host);
    } finally {
      clock.enter();
    }
  };
  pyodide.registerJsModule('vigor_bridge', {
    decide: (nodes: string, condition: number, line: number) => ask((h) => h.decide(nodes, condition, line)),
    time_up: () => clock.disarm(),
    state: (nodes: string, object: string, operation: string, args: string) => ask((h) => h.state(nodes, object, operation, args)),
    transmitted: (nodes: string) => ask((h) => h.transmitted(nodes)),
    sent_devices: (nodes: string) => ask((h) => h.sentDevices(nodes)),
    hash: (nodes: string, record: string, fields: string) => ask((h) => h.hash(nodes, record, fields)),
    header_fields: () => JSON.stringify(HEADER_FIELDS),
    tcp_flags: () => JSON.stringify(TCP_FLAGS),
    protocol_aliases: () => JSON.stringify(PROTOCOL_ALIASES),
  });
  for (const file of ['sandbox.py', 'prelude.py']) pyodide.FS.writeFile(`/home/pyodide/${file}`, readFileSync(new URL(`./${file}`, import.meta.url), 'utf8'));
  const freshPrelude = pyodide.runPython(LOCK_DOWN) as (time: string, memory: string) => PreludeRun;
  // The limits' verdicts, worded once: the prelude reports them, and so does a time limit that strikes outside it.
  const ranTooLong = `the spec ran longer than ${limits.seconds} s`;
  const neededTooMuch = `the spec needed more memory than the ${limits.mebibytes} MiB its interpreter may use`;
  let crashed = false;
  return {
    property(dialect, body) {
      const run = freshPrelude(ranTooLong, neededTooMuch);
      return {
        run(nextHost, inputs) {
          if (crashed) return stopped(null, 'the spec interpreter crashed earlier in this property');
          host = nextHost;
          clock.start();
          try {
            return run(dialect, body, JSON.stringify(inputs));
          } catch (e) {
            // The time limit struck outside the prelude's handler (as the spec's run ended): still the limit.
            if (isInterrupt(e)) return stopped(null, ranTooLong);
            if (!isFatal(e)) throw e;
            crashed = true;
            instance = undefined;
            void clock.stop();
            return stopped(null, `the spec crashed the Python interpreter (${firstLine(e)}), e.g. by freeing a structure nested too deeply; the next property gets a new interpreter`);
          } finally {
            clock.leave();
            host = null;
          }
        },
      };
    },
  };
}

/** Runs once: the prelude compiled, then the interpreter locked down; returns the maker of fresh preludes. */
const LOCK_DOWN = `
import difflib, json, sys, types, unicodedata, sandbox, vigor_bridge
with open("/home/pyodide/prelude.py") as source:
    _prelude = compile(source.read(), "prelude.py", "exec")
# unicodedata: Python's compiler imports it to normalize a non-ASCII name (a spec's \`débit\`).
sandbox.lock_down({"difflib": difflib, "json": json, "sys": sys, "types": types, "unicodedata": unicodedata, "sandbox": sandbox, "vigor_bridge": vigor_bridge})
lambda time, memory: sandbox.fresh_module("vigor_prelude", _prelude, _LIMITS={"time": time, "memory": memory}).run
`;

/** The interpreter's heap may grow `mebibytes` beyond its size now: past that, allocations fail (MemoryError). */
function capHeap(pyodide: PyodideAPI, mebibytes: number): void {
  const memory = (pyodide as unknown as { _module: { memory: WebAssembly.Memory } })._module.memory;
  const grow = memory.grow.bind(memory);
  const cap = memory.buffer.byteLength + mebibytes * 2 ** 20;
  // Emscripten grows the heap through this method and turns a throw into a failed allocation.
  memory.grow = (pages: number) => {
    if (memory.buffer.byteLength + pages * 65536 > cap) throw new RangeError(`the spec interpreter may not grow past ${mebibytes} MiB`);
    return grow(pages);
  };
}

function isInterrupt(e: unknown): boolean {
  return e instanceof Error && e.name === 'PythonError' && /^KeyboardInterrupt\s*$/m.test(e.message);
}

function isFatal(e: unknown): boolean {
  return e instanceof Error && ((e as { pyodide_fatal_error?: boolean }).pyodide_fatal_error === true || /Pyodide already fatally failed/.test(e.message));
}

const firstLine = (e: unknown) => String(e instanceof Error ? e.message : e).split('\n').find((line) => line.trim() !== '') ?? 'no message';

/** A run the interpreter could not finish (a crash): the property's verdict is an error, not a spec mistake. */
function stopped(line: number | null, message: string): string {
  return JSON.stringify({ nodes: [], outcome: { kind: 'limit', line, message } });
}
