// Decodes a WebAssembly binary into the IR the interpreter walks. Every instruction keeps its byte offset
// in the module, which is what source maps speak about.
import { OPCODES } from './opcodes.ts';

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FuncType {
  params: ValueType[];
  results: ValueType[];
}

export interface Instruction {
  op: number;
  /** Byte offset of the opcode in the module. */
  offset: number;
  /** First immediate: index, label depth, constant (i32), memarg offset, block's param count. */
  a: number;
  /** Second immediate: block result count, call_indirect table. */
  b: number;
  /** i64.const value. */
  big: bigint;
  /** br_table targets (the last one is the default). */
  targets: number[] | null;
  /** block/loop/if: index of the matching `end`; if: index of `else` (or of `end`). */
  end: number;
  elseAt: number;
}

export interface WasmFunction {
  index: number;
  name: string;
  type: FuncType;
  /** Types of the locals that follow the parameters. */
  locals: ValueType[];
  code: Instruction[];
  /** Set when the body holds an instruction the decoder cannot step over (SIMD, threads). */
  undecodable: { offset: number; what: string } | null;
}

export interface Import {
  module: string;
  name: string;
  kind: 'func' | 'table' | 'memory' | 'global';
  type?: FuncType;
  global?: { type: ValueType; mutable: boolean };
}

export interface GlobalDefinition {
  type: ValueType;
  mutable: boolean;
  /** Initial value: a constant, or the index of an imported global. */
  init: { value: bigint } | { global: number };
}

export interface WasmModule {
  types: FuncType[];
  imports: Import[];
  /** Imported functions first (index = import order), then defined functions. */
  functionTypes: FuncType[];
  functions: WasmFunction[];
  importedFunctionCount: number;
  globals: GlobalDefinition[];
  importedGlobals: Import[];
  memory: { min: number; max: number | null } | null;
  exports: Map<string, { kind: Import['kind']; index: number }>;
  data: { offset: number; bytes: Uint8Array }[];
  /** Table 0 contents after element segments: function indices (or -1). */
  table: number[];
  functionNames: Map<number, string>;
  /** Names of globals (index space with imports first), from the name section when the producer kept them. */
  globalNames: Map<number, string>;
}

/** Stands where the decoder had to stop; executing it is an "unsupported instruction" error. */
export const UNDECODABLE = -1;

export class DecodeError extends Error {
  constructor(readonly offset: number, detail: string) {
    super(`invalid WebAssembly at byte ${offset}: ${detail}`);
    this.name = 'DecodeError';
  }
}

const VALUE_TYPES: Record<number, ValueType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

class Reader {
  constructor(readonly bytes: Uint8Array, public at = 0) {}
  get done(): boolean {
    return this.at >= this.bytes.length;
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new DecodeError(this.at, 'unexpected end');
    return this.bytes[this.at++]!;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  signed(bits: number): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (shift < BigInt(bits) + 7n && b & 0x40) result -= 1n << shift;
    return BigInt.asIntN(bits, result);
  }
  name(): string {
    const length = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return text;
  }
  valueType(): ValueType {
    const code = this.byte();
    const type = VALUE_TYPES[code];
    if (!type) throw new DecodeError(this.at - 1, `unknown value type 0x${code.toString(16)}`);
    return type;
  }
  limits(): { min: number; max: number | null } {
    const flags = this.byte();
    const min = this.u32();
    return { min, max: flags & 1 ? this.u32() : null };
  }
  /** A constant expression: the initial value of a global or the offset of a segment. */
  constExpr(): { value: bigint } | { global: number } {
    const op = this.byte();
    let result: { value: bigint } | { global: number };
    if (op === 0x41) result = { value: this.signed(32) };
    else if (op === 0x42) result = { value: this.signed(64) };
    else if (op === 0x23) result = { global: this.u32() };
    else if (op === 0x43) { this.at += 4; result = { value: 0n }; }
    else if (op === 0x44) { this.at += 8; result = { value: 0n }; }
    else if (op === 0xd0) { this.byte(); result = { value: -1n }; }
    else if (op === 0xd2) result = { value: BigInt(this.u32()) };
    else throw new DecodeError(this.at - 1, `unsupported constant expression opcode 0x${op.toString(16)}`);
    if (this.byte() !== 0x0b) throw new DecodeError(this.at - 1, 'constant expression must end with `end`');
    return result;
  }
}

export function decodeModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d];
  if (bytes.length < 8 || magic.some((b, i) => bytes[i] !== b)) throw new DecodeError(0, 'not a WebAssembly module (bad magic number)');
  r.at = 8;
  const module: WasmModule = {
    types: [], imports: [], functionTypes: [], functions: [], importedFunctionCount: 0, globals: [], importedGlobals: [],
    memory: null, exports: new Map(), data: [], table: [], functionNames: new Map(), globalNames: new Map(),
  };
  const bodies: { start: number; end: number }[] = [];
  const definedTypes: FuncType[] = [];
  const elementSegments: { offset: { value: bigint } | { global: number }; functions: number[] }[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    switch (id) {
      case 1: readTypes(r, module); break;
      case 2: readImports(r, module); break;
      case 3: for (let n = r.u32(); n > 0; n--) definedTypes.push(module.types[r.u32()]!); break;
      case 4: for (let n = r.u32(); n > 0; n--) { r.byte(); r.limits(); } break;
      case 5: if (r.u32() > 0) module.memory = r.limits(); break;
      case 6:
        for (let n = r.u32(); n > 0; n--) {
          const type = r.valueType();
          const mutable = r.byte() === 1;
          module.globals.push({ type, mutable, init: r.constExpr() });
        }
        break;
      case 7:
        for (let n = r.u32(); n > 0; n--) {
          const name = r.name();
          const kind = (['func', 'table', 'memory', 'global'] as const)[r.byte()]!;
          module.exports.set(name, { kind, index: r.u32() });
        }
        break;
      case 9: readElements(r, elementSegments); break;
      case 10:
        for (let n = r.u32(); n > 0; n--) {
          const length = r.u32();
          bodies.push({ start: r.at, end: r.at + length });
          r.at += length;
        }
        break;
      case 11: readData(r, module); break;
      case 0: readCustom(r, end, module); break;
      default: break;
    }
    r.at = end;
  }
  module.functionTypes.push(...definedTypes);
  bodies.forEach((body, i) => {
    const index = module.importedFunctionCount + i;
    const name = module.functionNames.get(index) ?? `function ${index}`;
    module.functions.push(decodeBody(bytes, body.start, body.end, index, name, definedTypes[i]!, module));
  });
  for (const segment of elementSegments) {
    const base = 'value' in segment.offset ? Number(segment.offset.value) : 0;
    segment.functions.forEach((f, i) => (module.table[base + i] = f));
  }
  return module;
}

function readTypes(r: Reader, module: WasmModule): void {
  for (let n = r.u32(); n > 0; n--) {
    if (r.byte() !== 0x60) throw new DecodeError(r.at - 1, 'expected a function type');
    const params = Array.from({ length: r.u32() }, () => r.valueType());
    const results = Array.from({ length: r.u32() }, () => r.valueType());
    module.types.push({ params, results });
  }
}

function readImports(r: Reader, module: WasmModule): void {
  for (let n = r.u32(); n > 0; n--) {
    const moduleName = r.name();
    const name = r.name();
    const kind = r.byte();
    if (kind === 0) {
      const type = module.types[r.u32()]!;
      module.imports.push({ module: moduleName, name, kind: 'func', type });
      module.functionTypes.push(type);
      module.importedFunctionCount++;
    } else if (kind === 1) {
      r.byte();
      r.limits();
      module.imports.push({ module: moduleName, name, kind: 'table' });
    } else if (kind === 2) {
      module.memory = r.limits();
      module.imports.push({ module: moduleName, name, kind: 'memory' });
    } else {
      const global = { type: r.valueType(), mutable: r.byte() === 1 };
      const entry: Import = { module: moduleName, name, kind: 'global', global };
      module.imports.push(entry);
      module.importedGlobals.push(entry);
    }
  }
}

function readElements(r: Reader, out: { offset: { value: bigint } | { global: number }; functions: number[] }[]): void {
  for (let n = r.u32(); n > 0; n--) {
    const flags = r.u32();
    if (flags !== 0 && flags !== 2) throw new DecodeError(r.at, `element segment kind ${flags} is not supported`);
    if (flags === 2) r.u32();
    const offset = r.constExpr();
    if (flags === 2) r.byte();
    out.push({ offset, functions: Array.from({ length: r.u32() }, () => r.u32()) });
  }
}

function readData(r: Reader, module: WasmModule): void {
  for (let n = r.u32(); n > 0; n--) {
    const flags = r.u32();
    if (flags === 1) throw new DecodeError(r.at, 'passive data segments are not supported');
    if (flags === 2) r.u32();
    const offset = r.constExpr();
    const length = r.u32();
    module.data.push({ offset: 'value' in offset ? Number(offset.value) : 0, bytes: r.bytes.slice(r.at, r.at + length) });
    r.at += length;
  }
}

function readCustom(r: Reader, end: number, module: WasmModule): void {
  if (r.name() !== 'name') return;
  while (r.at < end) {
    const kind = r.byte();
    const size = r.u32();
    const next = r.at + size;
    const names = kind === 1 ? module.functionNames : kind === 7 ? module.globalNames : null;
    if (names) {
      for (let n = r.u32(); n > 0; n--) {
        const index = r.u32();
        names.set(index, r.name());
      }
    }
    r.at = next;
  }
}

function decodeBody(bytes: Uint8Array, start: number, end: number, index: number, name: string, type: FuncType, module: WasmModule): WasmFunction {
  const r = new Reader(bytes, start);
  const locals: ValueType[] = [];
  for (let groups = r.u32(); groups > 0; groups--) {
    const count = r.u32();
    const t = r.valueType();
    for (let i = 0; i < count; i++) locals.push(t);
  }
  const code: Instruction[] = [];
  const open: number[] = [];
  let undecodable: WasmFunction['undecodable'] = null;
  while (r.at < end) {
    const offset = r.at;
    let op = r.byte();
    if (op === 0xfc) op = 0xfc00 + r.u32();
    const info = OPCODES.get(op);
    if (!info) {
      const what = op === 0xfd ? 'SIMD instructions' : op === 0xfe ? 'atomic (threads) instructions' : `opcode 0x${op.toString(16)}`;
      undecodable = { offset, what };
      code.push(instruction(UNDECODABLE, offset));
      break;
    }
    const ins = instruction(op, offset);
    switch (info.immediate) {
      case 'block': {
        const bt = r.signed(33);
        if (bt === -64n) { ins.a = 0; ins.b = 0; }
        else if (bt < 0n) { ins.a = 0; ins.b = 1; }
        else { const t = module.types[Number(bt)]!; ins.a = t.params.length; ins.b = t.results.length; }
        open.push(code.length);
        break;
      }
      case 'label': case 'func': case 'index': ins.a = r.u32(); break;
      case 'labels': ins.targets = Array.from({ length: r.u32() + 1 }, () => r.u32()); break;
      case 'call_indirect': ins.a = r.u32(); ins.b = r.u32(); break;
      case 'memarg': r.u32(); ins.a = r.u32(); break;
      case 'byte': r.byte(); break;
      case 'two_indices': ins.a = r.u32(); ins.b = r.u32(); break;
      case 'i32': ins.a = Number(r.signed(32)); break;
      case 'i64': ins.big = r.signed(64); break;
      case 'f32': r.at += 4; break;
      case 'f64': r.at += 8; break;
      case 'select_types': for (let n = r.u32(); n > 0; n--) r.valueType(); break;
      case 'ref_type': r.byte(); break;
      case 'none': break;
    }
    if (info.name === 'else') code[open[open.length - 1]!]!.elseAt = code.length;
    if (info.name === 'end' && open.length > 0) {
      const opener = code[open.pop()!]!;
      opener.end = code.length;
      if (opener.elseAt < 0) opener.elseAt = code.length;
    }
    code.push(ins);
  }
  return { index, name, type, locals, code, undecodable };
}

function instruction(op: number, offset: number): Instruction {
  return { op, offset, a: 0, b: 0, big: 0n, targets: null, end: -1, elseAt: -1 };
}
