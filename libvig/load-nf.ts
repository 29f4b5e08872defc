// Loads an NF's verified .wasm into V8 with its config and run-time imports, runs nf_init, and feeds frames.
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { type Manifest, ManifestError, type NfExports, PACKET_BASE, tableImports } from '../nf-abi/index.ts';
import { createLibVig, type LibVig } from './runtime/index.ts';
import { importedMemoryLimits } from '../toolchain/wasm-encoding.ts';
import { wasmLibVig, wasmLibVigOn } from './wasm/load.ts';

/** The NF called AssemblyScript's abort (or a C NF its own `abort` import): the message says what and where. */
export class NfAbort extends Error {}

export interface LoadedNf {
  instance: WebAssembly.Instance;
  exports: NfExports;
  memory: WebAssembly.Memory;
  /** libVig's JavaScript run-time objects of this instance (null when the NF imports nothing from libvig, or runs on the WebAssembly run-time). */
  libvig: LibVig | null;
  /** Copies the frame to `at` (default: the packet area), calls nf_process, returns the output and the frame after it. */
  process(device: number, frame: Uint8Array, now: bigint, at?: number): { output: number; frame: Uint8Array };
  /**
   * Grows memory by a page (which nothing of the NF's uses yet) and returns where a frame of `length` bytes ends
   * flush with the end of memory: there, reading or writing past the frame traps instead of reading zeros.
   */
  frameAtEnd(length: number): number;
}

export type ImportObject = Record<string, Record<string, WebAssembly.ImportValue>>;

/** What loading needs: the manifest and the binary, optionally already compiled (instantiating many times). */
export interface NfBinary {
  wasm: Uint8Array;
  manifest: Manifest;
  module?: WebAssembly.Module;
  /** The .wasm's source map (a build's): where an abort that passes no location of its own was called. */
  sourceMap?: string | null;
  /** The NF's folder (a build's): whose nf.json an nf_init that aborts refuses. */
  dir?: string;
}

export interface LoadOptions {
  /**
   * libVig's WebAssembly run-time (`compiledLibVig()`, libvig/wasm/) instead of the JavaScript one: the NF's libVig
   * calls never leave WebAssembly. What runs NFs for speed uses it; the verifier's replays keep the JavaScript
   * run-time, whose objects they seed and inspect (`libvig`).
   */
  libvig?: WebAssembly.Module;
  /** Told of every call of the JavaScript run-time's imports (a replay that watches whether the NF ran). */
  onLibVigCall?: (name: string) => void;
}

/**
 * Instantiates the NF with its config (module `config`), libVig's run-time (module `libvig`, unless
 * `extraImports` brings its own) and `env.abort`, then runs nf_init.
 */
export function loadNf(build: NfBinary, extraImports: ImportObject = {}, options: LoadOptions = {}): LoadedNf {
  const module = build.module ?? new WebAssembly.Module(build.wasm);
  const importsLibVig = WebAssembly.Module.imports(module).some((entry) => entry.module === 'libvig') && !extraImports.libvig;
  // A stacked build imports its memory (toolchain/build.ts): created here, fresh, with the limits it declares.
  const memoryImport = WebAssembly.Module.imports(module).find((entry) => entry.kind === 'memory');
  const limits = memoryImport ? importedMemoryLimits(build.wasm) : null;
  const ownMemory = limits ? new WebAssembly.Memory(limits) : null;
  let exports: NfExports | null = null;
  // On a memory that exists before the NF, the WebAssembly run-time's functions are the NF's imports themselves.
  const direct = importsLibVig && options.libvig && ownMemory ? wasmLibVigOn(options.libvig, ownMemory) : null;
  const lateBound = importsLibVig && options.libvig && !ownMemory ? wasmLibVig(options.libvig) : null;
  const libvig = importsLibVig && !options.libvig ? createLibVig(() => exports!.memory) : null;
  const abort = (message: number, fileName: number, line: number, column: number): never => {
    const memory = ownMemory ?? exports?.memory;
    throw new NfAbort(abortText(asString(memory, message), asString(memory, fileName), line >>> 0, column >>> 0, build.sourceMap, new Error().stack));
  };
  const watched = (calls: LibVig['imports'], tell: (name: string) => void) =>
    Object.fromEntries(Object.entries(calls).map(([name, call]) => [name, (...args: unknown[]) => {
      tell(name);
      return (call as (...a: unknown[]) => unknown)(...args);
    }]));
  const imports: ImportObject = {
    ...(libvig ? { libvig: options.onLibVigCall ? watched(libvig.imports, options.onLibVigCall) : libvig.imports } : {}),
    ...(direct ? { libvig: direct } : {}),
    ...(lateBound ? { libvig: lateBound.imports } : {}),
    ...extraImports,
    config: configImports(module, build.manifest),
    env: { abort, ...extraImports.env },
  };
  if (memoryImport && ownMemory) imports[memoryImport.module] = { ...imports[memoryImport.module], [memoryImport.name]: ownMemory };
  const instance = new WebAssembly.Instance(module, imports);
  exports = instance.exports as unknown as NfExports;
  if (ownMemory && exports.memory !== ownMemory) throw new Error(`${build.manifest.name}'s .wasm imports its memory but does not export it: the run-time and the stack's device read the NF's memory through its export`);
  lateBound?.attach(exports.memory);
  try {
    exports.nf_init();
  } catch (e) {
    // nf_init reads nothing but the config: an NF that aborts there refuses nf.json (an input, as a bad manifest).
    if (e instanceof NfAbort) {
      const manifest = build.dir ? join(build.dir, 'nf.json') : `${build.manifest.name}/nf.json`;
      throw new ManifestError(manifest, `nf_init of ${build.manifest.name} stops on this config and these tables: ${e.message}; change them or the NF (vigor verify shows the path to the abort)`);
    }
    throw new Error(`nf_init of ${build.manifest.name} failed: ${(e as Error).message}`, { cause: e });
  }
  const memory = exports.memory;
  const nf = exports;
  return {
    instance,
    exports: nf,
    memory,
    libvig,
    process(device, frame, now, at = PACKET_BASE) {
      new Uint8Array(memory.buffer, at, frame.length).set(frame);
      const output = nf.nf_process(device, at, frame.length, BigInt.asIntN(64, now));
      return { output, frame: new Uint8Array(memory.buffer, at, frame.length).slice() };
    },
    frameAtEnd(length) {
      memory.grow(1);
      return memory.buffer.byteLength - length;
    },
  };
}

/**
 * What an abort says, worded as the verifier's abort violations: its message, and where it was called: the
 * location AssemblyScript passes (none for a call of `abort()` in the NF's source), else the source map's line for
 * the innermost WebAssembly frame of `stack` (taken in the import, that frame is the call).
 */
function abortText(message: string | null, file: string | null, line: number, column: number, sourceMap: string | null | undefined, stack: string | undefined): string {
  let where: string | null = line > 0 ? `${file ?? 'source'}:${line}:${column}` : null;
  const offset = /wasm-function\[\d+\]:0x([0-9a-f]+)/.exec(stack ?? '')?.[1];
  if (!where && sourceMap && offset) {
    const entry = new SourceMap(JSON.parse(sourceMap) as ConstructorParameters<typeof SourceMap>[0]).findEntry(0, Number.parseInt(offset, 16));
    if ('originalSource' in entry && entry.originalSource) where = `${entry.originalSource}:${entry.originalLine + 1}`;
  }
  return `abort called${where ? ` at ${where}` : ''}${message ? `: ${message}` : ''}`;
}

/** An AssemblyScript string at `pointer` in `memory` (UTF-16, its length in bytes in the 4 bytes before it), or null. */
function asString(memory: WebAssembly.Memory | undefined, pointer: number): string | null {
  const at = pointer >>> 0;
  if (!memory || at < 4 || at > memory.buffer.byteLength) return null;
  const length = new DataView(memory.buffer).getUint32(at - 4, true);
  if (at + length > memory.buffer.byteLength) return null;
  return new TextDecoder('utf-16le').decode(new Uint8Array(memory.buffer, at, length & ~1));
}

/** Module `config`: the manifest's values (globals or functions without parameters) and its tables' functions. */
function configImports(module: WebAssembly.Module, manifest: Manifest): Record<string, WebAssembly.ImportValue> {
  const tables = tableImports(manifest);
  const config: Record<string, WebAssembly.ImportValue> = {};
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.module !== 'config') continue;
    const table = tables.get(entry.name);
    if (table) {
      const isCount = table.length === 0;
      if (entry.kind === 'function') config[entry.name] = table;
      else if (isCount && entry.kind === 'global') config[entry.name] = new WebAssembly.Global({ value: 'i32', mutable: false }, (table as () => number)());
      else throw new Error(`${manifest.name} imports config table column "${entry.name}" as a ${entry.kind}; import it as a function of the row (i32)`);
      continue;
    }
    const declared = manifest.config[entry.name];
    if (!declared) throw new Error(`${manifest.name} imports config value "${entry.name}", which nf.json declares neither in "config" nor as a table import`);
    const value = BigInt(declared.value);
    const wide = declared.type === 'u64';
    config[entry.name] = entry.kind === 'global'
      ? new WebAssembly.Global({ value: wide ? 'i64' : 'i32', mutable: false }, wide ? value : Number(BigInt.asIntN(32, value)))
      : () => (wide ? value : Number(BigInt.asIntN(32, value)));
  }
  return config;
}
