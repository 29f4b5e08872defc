// Loads an NF's verified .wasm into V8 with its config and run-time imports, runs nf_init, and feeds frames.
import { PACKET_BASE } from '../toolchain/build.ts';
import type { Manifest } from '../toolchain/manifest.ts';

export class NfAbort extends Error {}

export interface LoadedNf {
  instance: WebAssembly.Instance;
  memory: WebAssembly.Memory;
  /** Copies the frame to `at` (default: the packet area), calls nf_process, returns the output and the frame after it. */
  process(device: number, frame: Uint8Array, now: bigint, at?: number): { output: number; frame: Uint8Array };
}

export type ImportObject = Record<string, Record<string, WebAssembly.ImportValue>>;

export function loadNf(build: { wasm: Uint8Array; manifest: Manifest }, extraImports: ImportObject = {}): LoadedNf {
  const module = new WebAssembly.Module(build.wasm);
  const config: Record<string, WebAssembly.ImportValue> = {};
  for (const entry of WebAssembly.Module.imports(module)) {
    if (entry.module !== 'config') continue;
    const declared = build.manifest.config[entry.name];
    if (!declared) throw new Error(`${build.manifest.name} imports config value "${entry.name}", which nf.json does not declare`);
    const value = BigInt(declared.value);
    const wide = declared.type === 'u64';
    config[entry.name] = entry.kind === 'global'
      ? new WebAssembly.Global({ value: wide ? 'i64' : 'i32', mutable: false }, wide ? value : Number(BigInt.asIntN(32, value)))
      : () => (wide ? value : Number(BigInt.asIntN(32, value)));
  }
  const abort = () => {
    throw new NfAbort(`${build.manifest.name} called abort`);
  };
  const instance = new WebAssembly.Instance(module, { ...extraImports, config, env: { abort, ...extraImports.env } });
  const exports = instance.exports as { memory: WebAssembly.Memory; nf_init(): void; nf_process(d: number, p: number, l: number, t: bigint): number };
  exports.nf_init();
  const memory = exports.memory;
  return {
    instance,
    memory,
    process(device, frame, now, at = PACKET_BASE) {
      new Uint8Array(memory.buffer, at, frame.length).set(frame);
      const output = exports.nf_process(device, at, frame.length, BigInt.asIntN(64, now));
      return { output, frame: new Uint8Array(memory.buffer, at, frame.length).slice() };
    },
  };
}
