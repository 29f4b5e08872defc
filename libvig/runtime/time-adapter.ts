// The three imports whose time argument is an i64 (emap_add, emap_refresh, emap_expire), as WebAssembly
// functions that split the time into two i32 halves and call the JavaScript run-time with those; emap_expire
// answers most calls itself.
//
// Why: the WebAssembly JS API hands an i64 to a JavaScript host function as a BigInt, a heap allocation per call,
// and BigInt comparisons are calls into the V8 runtime; the bridge passes a time on two of its six libVig calls
// per packet. An import that is itself an exported WebAssembly function is called wasm-to-wasm, so here the i64
// never becomes a BigInt: the NF calls this module's `emap_refresh(map, index, now)`, which calls the run-time's
// `emap_refresh(map, index, low, high)` with two numbers. The ABI (names and signatures) stays as it is, and a
// JavaScript caller still passes a BigInt, which the JS API converts to an i64 (modulo 2^64, as for any i64
// argument).
//
// Most expiries expire nothing (about 90% of the bridge's frames), and crossing into JavaScript costs more than
// the answer. So the module reads a store in linear memory where the run-time keeps, per emap handle, the stamp of
// the emap's oldest entry (index-chain.ts writes it whenever the oldest entry changes); `emap_expire(map, time)`
// with `time <= oldest` (signed) returns 0 without leaving WebAssembly, as the run-time would, since expiry
// removes only stamps strictly before `time`. Every other call goes to JavaScript: due expiries, and handles that
// are not emaps, or beyond the store, whose LibVigErrors the run-time throws.
//
// Each run-time's store is a region of a memory that many adapter instances share (an arena), not a memory of
// its own: V8 reserves gigabytes of address space for every memory, which made one per run-time cost some
// 40-60 µs to create and many full collections to free (the libVig tests, which create a run-time per random
// sequence, took 2.5 times as long). Regions are never reused: a full arena is left to the garbage collector,
// which frees it with the last adapter instance and emap that use it.
//
// The module is encoded by hand (toolchain/wasm-encoding.ts): three functions of a few dozen instructions.
import { functionBody, functionType, i32Const, i64Const, IMMUTABLE, KIND, LIMITS_WITHOUT_MAXIMUM, MAGIC_AND_VERSION, memoryArgument, name, op, section, SECTION, TYPE, u32, vector } from '../../toolchain/wasm-encoding.ts';

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

// A run-time's store: one 16-byte record per handle 0..SHORTCUT_HANDLES-1, zero at first, from byte `base` of its
// arena. The oldest stamp is an i64 at the record's start (little-endian: the low half's word, then the high
// half's); at byte 8, an i32 that is 1 once the handle is an emap's.
const RECORD_BYTES_LOG2 = 4;
const RECORD_BYTES = 1 << RECORD_BYTES_LOG2;
const WORDS_PER_RECORD = RECORD_BYTES / 4;
const IS_EMAP_OFFSET = 8;
/** The handles emap_expire can answer for without JavaScript (an NF allocates a handful of objects). */
export const SHORTCUT_HANDLES = 64;
const REGION_BYTES = SHORTCUT_HANDLES * RECORD_BYTES;
const ARENA_PAGES = 16;
/** How many run-times' stores an arena holds. */
export const REGIONS_PER_ARENA = (ARENA_PAGES * 65536) / REGION_BYTES;

interface Arena {
  memory: WebAssembly.Memory;
  /** The memory as words (it never grows, so the view stays valid). */
  words: Int32Array;
  regionsTaken: number;
}

let arena: Arena | null = null;

export class TimeAdapter {
  readonly imports: TimeImports;
  private readonly words: Int32Array;
  /** The word at which this run-time's store begins. */
  private readonly baseWord: number;

  constructor(split: SplitTimeFunctions) {
    if (arena === null || arena.regionsTaken === REGIONS_PER_ARENA) {
      const memory = new WebAssembly.Memory({ initial: ARENA_PAGES });
      arena = { memory, words: new Int32Array(memory.buffer), regionsTaken: 0 };
    }
    const base = arena.regionsTaken++ * REGION_BYTES;
    const store = { memory: arena.memory, base: new WebAssembly.Global({ value: 'i32', mutable: false }, base) };
    this.imports = new WebAssembly.Instance(adapterModule(), { split: { ...split }, store }).exports as unknown as TimeImports;
    this.words = arena.words;
    this.baseWord = base / 4;
  }

  /**
   * Where the emap of `handle` keeps its oldest stamp for the adapter: two words, the low and the high half. Beyond
   * the store's capacity, a pair of its own, which the adapter never reads.
   */
  oldestStampCell(handle: number): Int32Array {
    if (handle >= SHORTCUT_HANDLES) return new Int32Array(2);
    const word = this.baseWord + handle * WORDS_PER_RECORD;
    return this.words.subarray(word, word + 2);
  }

  /** Lets emap_expire answer for `handle`, an emap whose cell holds its oldest stamp from now on. */
  enableExpiryShortcut(handle: number): void {
    if (handle < SHORTCUT_HANDLES) this.words[this.baseWord + handle * WORDS_PER_RECORD + IS_EMAP_OFFSET / 4] = 1;
  }
}

let compiled: WebAssembly.Module | null = null;

function adapterModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(encodeAdapter()));
}

/** One adapter: passes its leading i32 parameters on, then the i64 parameter's low and high halves. */
interface Adapter {
  name: keyof TimeImports;
  leadingI32s: number;
  returnsI32: boolean;
  /** Instructions before the call, which may answer without it. */
  prelude?: number[];
}

/** emap_expire(map, time)'s record address: the store's base (global 0) + map * RECORD_BYTES. */
const RECORD_ADDRESS = [op.globalGet, 0, op.localGet, 0, ...i32Const(RECORD_BYTES_LOG2), op.i32Shl, op.i32Add];
/** emap_expire(map, time) returns 0 if `map` is an emap's handle in the store and `time` <= its oldest stamp. */
const RETURN_IF_NOTHING_DUE = [
  ...[op.localGet, 0, ...i32Const(SHORTCUT_HANDLES), op.i32LtU], // unsigned: not negative either
  op.if, TYPE.emptyBlock,
  ...[...RECORD_ADDRESS, op.i32Load, ...memoryArgument(2, IS_EMAP_OFFSET)],
  op.if, TYPE.emptyBlock,
  ...[op.localGet, 1, ...RECORD_ADDRESS, op.i64Load, ...memoryArgument(3, 0), op.i64LeS],
  op.if, TYPE.emptyBlock, ...i32Const(0), op.return, op.end,
  op.end,
  op.end,
];

const ADAPTERS: Adapter[] = [
  { name: 'emap_add', leadingI32s: 2, returnsI32: true },
  { name: 'emap_refresh', leadingI32s: 2, returnsI32: false },
  { name: 'emap_expire', leadingI32s: 1, returnsI32: true, prelude: RETURN_IF_NOTHING_DUE },
];

function encodeAdapter(): Uint8Array {
  const results = (adapter: Adapter): number[] => (adapter.returnsI32 ? [TYPE.i32] : []);
  // Types 0..2: the imported split functions; types 3..5: the exported adapters, in ADAPTERS order.
  const splitTypes = ADAPTERS.map((a) => functionType([...Array<number>(a.leadingI32s + 2).fill(TYPE.i32)], results(a)));
  const abiTypes = ADAPTERS.map((a) => functionType([...Array<number>(a.leadingI32s).fill(TYPE.i32), TYPE.i64], results(a)));
  const imports = [
    ...ADAPTERS.map((a, i) => [...name('split'), ...name(a.name), KIND.function, i]),
    [...name('store'), ...name('memory'), KIND.memory, LIMITS_WITHOUT_MAXIMUM, ...u32(ARENA_PAGES)],
    [...name('store'), ...name('base'), KIND.global, TYPE.i32, IMMUTABLE],
  ];
  const exports = ADAPTERS.map((a, i) => [...name(a.name), KIND.function, ADAPTERS.length + i]);
  const bodies = ADAPTERS.map((a, i) => {
    const time = a.leadingI32s;
    const leading = Array.from({ length: a.leadingI32s }, (_, local) => [op.localGet, local]).flat();
    const low = [op.localGet, time, op.i32WrapI64];
    const high = [op.localGet, time, ...i64Const(32), op.i64ShrS, op.i32WrapI64];
    return functionBody([], [...(a.prelude ?? []), ...leading, ...low, ...high, op.call, i, op.end]);
  });
  return new Uint8Array([
    ...MAGIC_AND_VERSION,
    ...section(SECTION.type, vector([...splitTypes, ...abiTypes])),
    ...section(SECTION.import, vector(imports)),
    ...section(SECTION.function, vector(ADAPTERS.map((_, i) => [ADAPTERS.length + i]))),
    ...section(SECTION.export, vector(exports)),
    ...section(SECTION.code, vector(bodies)),
  ]);
}
