// Loads an NF's verified .wasm into V8 with its config and run-time imports, runs nf_init, and feeds frames.
import { type Manifest, type NfExports, PACKET_BASE, tableImports } from '../nf-abi/index.ts';
import { createLibVig, type LibVig } from './runtime/index.ts';
import { importedMemoryLimits } from '../toolchain/wasm-encoding.ts';
import { wasmLibVig, wasmLibVigOn } from './wasm/load.ts';

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
  const abort = () => {
    throw new NfAbort(`${build.manifest.name} called abort`);
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
