// Late-bound imports: functions a module can be instantiated with before the WebAssembly functions they stand for exist.
//
// Why: the modules that serve an NF on its own memory (libVig's run-time, libvig/wasm/; the emulated device,
// runtime/as/device.ts) import that memory, so they can only be instantiated once the NF has exported it, yet
// the NF needs its imports when it is instantiated. A JavaScript trampoline would put a wasm-to-js transition
// back on every call; here a hand-encoded module imports a table of funcref and exports one function per import,
// each passing its arguments on with `call_indirect` into its slot: the NF is instantiated with those exports,
// then the modules on its memory, whose exports `bind` sets into the slots. Calls stay wasm-to-wasm (a few ns,
// docs/PITFALLS.md). A slot still unbound traps ("null function") when called.
import type { ImportSignature } from '../nf-abi/index.ts';
import { functionBody, functionType, i32Const, KIND, LIMITS_WITHOUT_MAXIMUM, MAGIC_AND_VERSION, name, op, section, SECTION, TYPE, u32, vector } from './wasm-encoding.ts';

export interface LateBinding<Name extends string> {
  /** The functions to instantiate the importing module with, by name. */
  imports: Record<Name, WebAssembly.ExportValue>;
  /** Makes import `name` call `target`, an exported WebAssembly function of the same signature. */
  bind(name: Name, target: WebAssembly.ExportValue): void;
}

const compiled = new Map<string, WebAssembly.Module>();

/** Late-bound functions with the given signatures (such as nf-abi's LIBVIG_ABI or DEVICE_ABI). */
export function lateBinding<Name extends string>(signatures: Readonly<Record<Name, ImportSignature>>): LateBinding<Name> {
  const names = Object.keys(signatures) as Name[];
  const key = JSON.stringify(signatures);
  let module = compiled.get(key);
  if (!module) {
    module = new WebAssembly.Module(encodeTrampolines(names.map((n) => signatures[n])));
    compiled.set(key, module);
  }
  const table = new WebAssembly.Table({ element: 'anyfunc', initial: names.length });
  const exports = new WebAssembly.Instance(module, { bind: { table } }).exports;
  const imports = Object.fromEntries(names.map((n, slot) => [n, exports[String(slot)]!])) as Record<Name, WebAssembly.ExportValue>;
  return {
    imports,
    bind(bound, target) {
      table.set(names.indexOf(bound), target as WebAssembly.ExportValue as Parameters<WebAssembly.Table['set']>[1]);
    },
  };
}

const VALUE_TYPE = { i32: TYPE.i32, i64: TYPE.i64 } as const;

/** Function i: type i, its parameters passed on to `call_indirect` of slot i of the imported table. */
function encodeTrampolines(signatures: ImportSignature[]): Uint8Array {
  const types = signatures.map((s) => functionType(s.params.map(([, type]) => VALUE_TYPE[type]), s.result ? [VALUE_TYPE[s.result]] : []));
  const bodies = signatures.map((s, slot) => {
    const passOn = s.params.flatMap((_, local) => [op.localGet, local]);
    return functionBody([], [...passOn, ...i32Const(slot), op.callIndirect, ...u32(slot), 0x00, op.end]);
  });
  return new Uint8Array([
    ...MAGIC_AND_VERSION,
    ...section(SECTION.type, vector(types)),
    ...section(SECTION.import, vector([[...name('bind'), ...name('table'), KIND.table, TYPE.funcref, LIMITS_WITHOUT_MAXIMUM, ...u32(signatures.length)]])),
    ...section(SECTION.function, vector(signatures.map((_, slot) => u32(slot)))),
    ...section(SECTION.export, vector(signatures.map((_, slot) => [...name(String(slot)), KIND.function, ...u32(slot)]))),
    ...section(SECTION.code, vector(bodies)),
  ]);
}
