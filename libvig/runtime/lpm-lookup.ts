// lpm_lookup answered inside WebAssembly: the lpm tries (lpm.ts) keep their slots in a WebAssembly memory, and a
// small module encoded by hand walks them, so that an NF's lookup is a wasm-to-wasm call that never enters
// JavaScript.
//
// Why: a lookup over thousands of prefixes mostly waits for cache lines, and a call into JavaScript runs hundreds
// of instructions around the wait, which keeps the processor from overlapping one packet's misses with the next
// packet's work; the C baseline's loop overlaps them. Measured on the router's benchmark (docs/PITFALLS.md).
//
// Memory, as for the time adapter's store (time-adapter.ts): an arena shared by many run-times, since a memory
// per run-time costs tens of microseconds to create. Each run-time gets a handle table (a word per handle below
// LOOKUP_HANDLES: the byte address of that lpm's slots, 0 for a handle that is no lpm) and its tries are
// allocated after it, the arena growing as they need; a run-time created once the arena holds ARENA_RENEW_BYTES
// starts a new arena, and an old one goes to the garbage collector with the last run-time using it. An lpm moved
// by its growth leaves its old slots unused: tries grow while nf_init adds rules, not per packet.
//
// The module: `lpm_lookup(lpm, address)` reads the table's entry; for a handle in the table with an lpm, it walks
// the trie (lpm.ts: a slot below -1 is a node of the next level); any other handle goes to the JavaScript run-time,
// which throws the LibVigError (or looks up an lpm whose handle is beyond the table).
import { functionBody, functionType, i32Const, IMMUTABLE, KIND, LIMITS_WITHOUT_MAXIMUM, MAGIC_AND_VERSION, memoryArgument, name, op, section, SECTION, TYPE, vector } from '../../toolchain/wasm-encoding.ts';

/** Handles whose lookups stay in WebAssembly (an NF allocates a handful of objects). */
export const LOOKUP_HANDLES = 64;
const TABLE_BYTES = LOOKUP_HANDLES * 4;
const PAGE_BYTES = 65536;
const ARENA_RENEW_BYTES = 64 << 20;

interface Arena {
  memory: WebAssembly.Memory;
  /** The memory as words, re-made whenever it grows. */
  words: Int32Array;
  /** The first free byte. */
  top: number;
}

let current: Arena | null = null;

export class LpmLookup {
  readonly lpm_lookup: (lpm: number, address: number) => number;
  private readonly arena: Arena;
  /** The word where this run-time's handle table starts. */
  private readonly table: number;

  constructor(javascriptLookup: (lpm: number, address: number) => number) {
    if (current === null || current.top >= ARENA_RENEW_BYTES) {
      const memory = new WebAssembly.Memory({ initial: 1 });
      current = { memory, words: new Int32Array(memory.buffer), top: 0 };
    }
    this.arena = current;
    this.table = this.allocate(TABLE_BYTES / 4);
    const store = { memory: this.arena.memory, table: new WebAssembly.Global({ value: 'i32', mutable: false }, this.table * 4) };
    const exports = new WebAssembly.Instance(lookupModule(), { js: { lpm_lookup: javascriptLookup }, store }).exports;
    this.lpm_lookup = exports.lpm_lookup as (lpm: number, address: number) => number;
  }

  /** The arena's words (valid until the next `allocate`). */
  get words(): Int32Array {
    return this.arena.words;
  }

  /** `count` words, zeroed; returns the first one's index in `words`. */
  allocate(count: number): number {
    const arena = this.arena;
    const end = arena.top + count * 4;
    if (end > arena.memory.buffer.byteLength) {
      arena.memory.grow(Math.ceil((end - arena.memory.buffer.byteLength) / PAGE_BYTES));
      arena.words = new Int32Array(arena.memory.buffer);
    }
    const first = arena.top / 4;
    arena.top = end;
    return first;
  }

  /** The lpm of `handle` keeps its slots from word `first` on; handles beyond the table are looked up in JavaScript. */
  place(handle: number, first: number): void {
    if (handle < LOOKUP_HANDLES) this.arena.words[this.table + handle] = first * 4;
  }
}

let compiled: WebAssembly.Module | null = null;

function lookupModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(encodeLookup()));
}

// Locals of lpm_lookup: its parameters, then the slots' byte address, the slot held, and the shift of the octet read.
const [LPM, ADDRESS, BASE, HELD, SHIFT] = [0, 1, 2, 3, 4];
/** held = the word at base + 4 x (index on the stack). */
const LOAD_SLOT = [...i32Const(2), op.i32Shl, op.localGet, BASE, op.i32Add, op.i32Load, ...memoryArgument(2, 0), op.localSet, HELD];

function encodeLookup(): Uint8Array {
  const body = [
    // An lpm in the table: its slots' address, else JavaScript's answer.
    op.localGet, LPM, ...i32Const(LOOKUP_HANDLES), op.i32LtU, // unsigned: not negative either
    op.if, TYPE.emptyBlock,
    ...[op.globalGet, 0, op.localGet, LPM, ...i32Const(2), op.i32Shl, op.i32Add, op.i32Load, ...memoryArgument(2, 0), op.localTee, BASE],
    op.if, TYPE.emptyBlock,
    // The root's slot of the first octet, then one level per octet while the slot is a node (below -1).
    ...[op.localGet, ADDRESS, ...i32Const(24), op.i32ShrU, ...LOAD_SLOT, ...i32Const(16), op.localSet, SHIFT],
    op.block, TYPE.emptyBlock, op.loop, TYPE.emptyBlock,
    ...[op.localGet, HELD, ...i32Const(-1), op.i32LtS, op.i32Eqz, op.brIf, 1],
    // node = -2 - held; slot = node * 256 + ((address >> shift) & 255)
    ...[...i32Const(-2), op.localGet, HELD, op.i32Sub, ...i32Const(8), op.i32Shl],
    ...[op.localGet, ADDRESS, op.localGet, SHIFT, op.i32ShrU, ...i32Const(255), op.i32And, op.i32Add, ...LOAD_SLOT],
    ...[op.localGet, SHIFT, ...i32Const(8), op.i32Sub, op.localSet, SHIFT, op.br, 0],
    op.end, op.end,
    op.localGet, HELD, op.return,
    op.end,
    op.end,
    op.localGet, LPM, op.localGet, ADDRESS, op.call, 0,
    op.end,
  ];
  const signature = functionType([TYPE.i32, TYPE.i32], [TYPE.i32]);
  return new Uint8Array([
    ...MAGIC_AND_VERSION,
    ...section(SECTION.type, vector([signature])),
    ...section(SECTION.import, vector([
      [...name('js'), ...name('lpm_lookup'), KIND.function, 0],
      [...name('store'), ...name('memory'), KIND.memory, LIMITS_WITHOUT_MAXIMUM, 1],
      [...name('store'), ...name('table'), KIND.global, TYPE.i32, IMMUTABLE],
    ])),
    ...section(SECTION.function, vector([[0]])),
    ...section(SECTION.export, vector([[...name('lpm_lookup'), KIND.function, 1]])),
    ...section(SECTION.code, vector([functionBody([[3, TYPE.i32]], body)])),
  ]);
}
