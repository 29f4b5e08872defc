// The three imports whose time argument is an i64 (emap_add, emap_refresh, emap_expire), as WebAssembly
// functions that split the time into two i32 halves and call the JavaScript run-time with those.
//
// Why: the WebAssembly JS API hands an i64 to a JavaScript host function as a BigInt, a heap allocation per call,
// and BigInt comparisons are calls into the V8 runtime; the bridge passes a time on two of its six libVig calls
// per packet. An import that is itself an exported WebAssembly function is called wasm-to-wasm, so here the i64
// never becomes a BigInt: the NF calls this module's `emap_refresh(map, index, now)`, which calls the run-time's
// `emap_refresh(map, index, low, high)` with two numbers. The ABI (names and signatures) stays as it is, and a
// JavaScript caller still passes a BigInt, which the JS API converts to an i64 (modulo 2^64, as for any i64
// argument).
//
// The module is encoded here by hand (three functions of a dozen instructions) so that the run-time needs no
// assembler and stays synchronous to create.

/** The run-time functions the adapter calls: the time as its low and its high 32 bits, each as the i32 they form. */
export interface SplitTimeFunctions {
  emap_add(map: number, key: number, nowLow: number, nowHigh: number): number;
  emap_refresh(map: number, index: number, nowLow: number, nowHigh: number): void;
  emap_expire(map: number, timeLow: number, timeHigh: number): number;
}

/** The ABI's functions, with the i64 time argument. */
export interface TimeImports {
  emap_add(map: number, key: number, now: bigint): number;
  emap_refresh(map: number, index: number, now: bigint): void;
  emap_expire(map: number, time: bigint): number;
}

export function adaptTimeImports(split: SplitTimeFunctions): TimeImports {
  const instance = new WebAssembly.Instance(adapterModule(), { split: { ...split } });
  return instance.exports as unknown as TimeImports;
}

let compiled: WebAssembly.Module | null = null;

function adapterModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(encodeAdapter()));
}

const I32 = 0x7f;
const I64 = 0x7e;
const FUNCTION_TYPE = 0x60;
const KIND_FUNCTION = 0x00;
const op = { end: 0x0b, call: 0x10, localGet: 0x20, i64Const: 0x42, i32WrapI64: 0xa7, i64ShrS: 0x87 };
const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 };

// Every count and length below is under 128, so each is its own one-byte LEB128.
const name = (text: string): number[] => [text.length, ...new TextEncoder().encode(text)];
const vector = (items: number[][]): number[] => [items.length, ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, content.length, ...content];
const functionType = (params: number[], results: number[]): number[] => [FUNCTION_TYPE, ...vector(params.map((t) => [t])), ...vector(results.map((t) => [t]))];

/** One adapter: passes its leading i32 parameters on, then the i64 parameter's low and high halves. */
interface Adapter {
  name: keyof TimeImports;
  leadingI32s: number;
  returnsI32: boolean;
}

const ADAPTERS: Adapter[] = [
  { name: 'emap_add', leadingI32s: 2, returnsI32: true },
  { name: 'emap_refresh', leadingI32s: 2, returnsI32: false },
  { name: 'emap_expire', leadingI32s: 1, returnsI32: true },
];

function encodeAdapter(): Uint8Array {
  const results = (adapter: Adapter): number[] => (adapter.returnsI32 ? [I32] : []);
  // Types 0..2: the imported split functions; types 3..5: the exported adapters, in ADAPTERS order.
  const splitTypes = ADAPTERS.map((a) => functionType([...Array<number>(a.leadingI32s + 2).fill(I32)], results(a)));
  const abiTypes = ADAPTERS.map((a) => functionType([...Array<number>(a.leadingI32s).fill(I32), I64], results(a)));
  const imports = ADAPTERS.map((a, i) => [...name('split'), ...name(a.name), KIND_FUNCTION, i]);
  const exports = ADAPTERS.map((a, i) => [...name(a.name), KIND_FUNCTION, ADAPTERS.length + i]);
  const bodies = ADAPTERS.map((a, i) => {
    const time = a.leadingI32s;
    const leading = Array.from({ length: a.leadingI32s }, (_, local) => [op.localGet, local]).flat();
    const low = [op.localGet, time, op.i32WrapI64];
    const high = [op.localGet, time, op.i64Const, 32, op.i64ShrS, op.i32WrapI64];
    const body = [0 /* no locals */, ...leading, ...low, ...high, op.call, i, op.end];
    return [body.length, ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(SECTION.type, vector([...splitTypes, ...abiTypes])),
    ...section(SECTION.import, vector(imports)),
    ...section(SECTION.function, vector(ADAPTERS.map((_, i) => [ADAPTERS.length + i]))),
    ...section(SECTION.export, vector(exports)),
    ...section(SECTION.code, vector(bodies)),
  ]);
}
