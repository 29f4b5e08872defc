// The pieces of the WebAssembly binary format that the run-time's hand-encoded modules are written with (the
// burst driver, runtime/wasm-driver.ts; libVig's time adapter, libvig/runtime/time-adapter.ts; the late-bound
// imports, late-binding.ts): encoding a
// module of a few dozen instructions needs no assembler at run time and stays synchronous.

export const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
export const SECTION = { custom: 0, type: 1, import: 2, function: 3, memory: 5, export: 7, code: 10, data: 11 };
export const TYPE = { i32: 0x7f, i64: 0x7e, f64: 0x7c, funcref: 0x70, function: 0x60, emptyBlock: 0x40 };
export const KIND = { function: 0x00, table: 0x01, memory: 0x02, global: 0x03 };
export const LIMITS_WITHOUT_MAXIMUM = 0x00;
export const LIMITS_WITH_MAXIMUM = 0x01;
export const IMMUTABLE = 0x00;

export const op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, call: 0x10, callIndirect: 0x11,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, globalGet: 0x23,
  i32Load: 0x28, i64Load: 0x29, i32Load16U: 0x2f, i32Store: 0x36, i64Store: 0x37, f64Store: 0x39,
  i32Const: 0x41, i64Const: 0x42, f64Const: 0x44,
  i32Eqz: 0x45, i32LtS: 0x48, i32LtU: 0x49, i32GtS: 0x4a, i32GeS: 0x4e, i64LeS: 0x57,
  i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Shl: 0x74, i32ShrU: 0x76, i64ShrS: 0x87, f64Sub: 0xa1, f64Mul: 0xa2, i32WrapI64: 0xa7,
};

/** Instructions after the SIMD prefix byte (0xfd), their numbers in LEB128 (both below 128 here). */
export const simd = { v128Load: [0xfd, 0x00], v128Store: [0xfd, 0x0b] };

/** LEB128, as every count, length, index and constant is encoded. */
function leb128(value: number, signed: boolean): number[] {
  const bytes: number[] = [];
  for (;;) {
    const low = value & 0x7f;
    value = signed ? value >> 7 : value >>> 7;
    const done = signed ? (value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0) : value === 0;
    if (done) return [...bytes, low];
    bytes.push(low | 0x80);
  }
}

export const u32 = (value: number): number[] => leb128(value, false);
export const i32Const = (value: number): number[] => [op.i32Const, ...leb128(value, true)];
export const i64Const = (value: number): number[] => [op.i64Const, ...leb128(value, true)];
export const f64Const = (value: number): number[] => [op.f64Const, ...new Uint8Array(new Float64Array([value]).buffer)];
/** A memory access's alignment (log2 of its bytes) and address offset. */
export const memoryArgument = (alignLog2: number, offset: number): number[] => [...u32(alignLog2), ...u32(offset)];
export const name = (text: string): number[] => [...u32(text.length), ...new TextEncoder().encode(text)];
export const vector = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];
export const section = (id: number, content: number[]): number[] => [id, ...u32(content.length), ...content];
export const functionType = (params: number[], results: number[]): number[] => [TYPE.function, ...vector(params.map((t) => [t])), ...vector(results.map((t) => [t]))];
/** A function body: its locals as (count, type) groups, then its instructions (ending with `end`). */
export const functionBody = (locals: [number, number][], instructions: number[]): number[] => {
  const body = [...vector(locals.map(([count, type]) => [...u32(count), type])), ...instructions];
  return [...u32(body.length), ...body];
};

/**
 * Whether a binary has a data section (id 11): a module compiled to run on another module's memory must not, or
 * its data would land in that memory. Sections follow the 8-byte header as id, LEB128 size, body.
 */
export function hasDataSection(wasm: Uint8Array): boolean {
  return sectionsOf(wasm).some(({ id }) => id === SECTION.data);
}

/** A memory's limits in pages, as a module declares them. */
export interface MemoryLimits {
  initial: number;
  maximum?: number;
}

/**
 * The limits of the memory `wasm` imports, or null if it imports none. What instantiates such a module creates
 * the memory with exactly these limits, fresh: a memory as the module would have defined it itself.
 */
export function importedMemoryLimits(wasm: Uint8Array): MemoryLimits | null {
  const imports = sectionsOf(wasm).find(({ id }) => id === SECTION.import);
  if (!imports) return null;
  const reader = { at: imports.start };
  const next = () => readU32(wasm, reader);
  for (let count = next(); count > 0; count--) {
    for (let names = 0; names < 2; names++) {
      const bytes = next();
      reader.at += bytes;
    }
    const kind = wasm[reader.at++]!;
    if (kind === KIND.function) next();
    else if (kind === KIND.table) {
      reader.at++;
      if (next() === LIMITS_WITH_MAXIMUM) next();
      next();
    } else if (kind === KIND.global) reader.at += 2;
    else {
      const flags = next();
      const initial = next();
      return flags === LIMITS_WITH_MAXIMUM ? { initial, maximum: next() } : { initial };
    }
  }
  return null;
}

/** Where the code section's content starts: the offset the code addresses of DWARF (clang's -g) count from. */
export function codeSectionStart(wasm: Uint8Array): number {
  const code = sectionsOf(wasm).find(({ id }) => id === SECTION.code);
  if (!code) throw new Error('the module has no code section');
  return code.start;
}

/** The module without its custom sections whose name starts with `prefix` (`.debug_`: DWARF, which nothing run reads). */
export function withoutCustomSections(wasm: Uint8Array, prefix: string): Uint8Array {
  const kept = sectionsOf(wasm).filter(({ id, start }) => {
    if (id !== SECTION.custom) return true;
    const reader = { at: start };
    const length = readU32(wasm, reader);
    return !new TextDecoder().decode(wasm.subarray(reader.at, reader.at + length)).startsWith(prefix);
  });
  return new Uint8Array(Buffer.concat([Uint8Array.from(MAGIC_AND_VERSION), ...kept.map(({ from, end }) => wasm.subarray(from, end))]));
}

/** The sections of a module: id, where the section begins (`from`), where its content starts and where it ends. */
function sectionsOf(wasm: Uint8Array): { id: number; from: number; start: number; end: number }[] {
  const sections: { id: number; from: number; start: number; end: number }[] = [];
  const reader = { at: MAGIC_AND_VERSION.length };
  while (reader.at < wasm.length) {
    const from = reader.at;
    const id = wasm[reader.at++]!;
    const size = readU32(wasm, reader);
    sections.push({ id, from, start: reader.at, end: reader.at + size });
    reader.at += size;
  }
  return sections;
}

function readU32(wasm: Uint8Array, reader: { at: number }): number {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    if (reader.at >= wasm.length) throw new Error('a LEB128 number runs past the end of the module');
    const byte = wasm[reader.at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value;
  }
}
