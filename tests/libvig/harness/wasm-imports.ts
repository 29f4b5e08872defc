// Reads the function imports of a WebAssembly binary with their signatures (the JS API lists imports without
// types), so tests can check that compiled declarations match the ABI table exactly.

export interface FunctionImport {
  module: string;
  name: string;
  params: string[];
  results: string[];
}

const VALUE_TYPES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };
const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;

export function functionImports(wasm: Uint8Array): FunctionImport[] {
  let at = 8; // magic and version
  const u32 = (): number => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[at++]!;
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
    }
  };
  const name = (): string => {
    const length = u32();
    at += length;
    return new TextDecoder().decode(wasm.subarray(at - length, at));
  };
  const valueTypes = (): string[] => Array.from({ length: u32() }, () => VALUE_TYPES[wasm[at++]!] ?? 'other');
  const limits = (): void => {
    const hasMaximum = wasm[at++]! & 1;
    u32();
    if (hasMaximum) u32();
  };
  const types: { params: string[]; results: string[] }[] = [];
  const imports: FunctionImport[] = [];
  while (at < wasm.length) {
    const id = wasm[at++]!;
    const size = u32();
    const end = at + size;
    if (id === SECTION_TYPE) {
      for (let count = u32(); count > 0; count--) {
        at++; // 0x60: function type
        types.push({ params: valueTypes(), results: valueTypes() });
      }
    } else if (id === SECTION_IMPORT) {
      for (let count = u32(); count > 0; count--) {
        const module = name();
        const field = name();
        const kind = wasm[at++]!;
        if (kind === 0) imports.push({ module, name: field, ...types[u32()]! });
        else if (kind === 1) (at++, limits());
        else if (kind === 2) limits();
        else at += 2; // global: value type and mutability
      }
    }
    at = end;
  }
  return imports;
}
