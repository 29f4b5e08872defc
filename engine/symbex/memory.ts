// Memory of one path: linear memory as copy-on-write pages of concrete bytes with symbolic bytes on top, and
// the received frame as a separate buffer of bytes over an SMT array (so symbolic offsets work); term.ts keeps
// the array from Z3 wherever the offsets are constant or narrow.
import { type Term, bv, eq, ite, NARROW_RANGE, select, store, unsignedRange } from '../solver/term.ts';

export type Byte = number | Term;

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;

export class LinearMemory {
  /** Every address written while set (a path holding loop exits: where they may differ from it); not cloned. */
  written: Set<number> | null = null;

  private constructor(
    private pages: (Uint8Array | undefined)[],
    /** Pages this path owns; the others are shared with a sibling path and copied before a write. */
    private owned: boolean[],
    /** The symbolic bytes, a map per page, shared and copied on write like the pages. */
    private symbolic: (Map<number, Term> | undefined)[],
    private symbolicOwned: boolean[],
    public size: number,
  ) {}

  static create(size: number): LinearMemory {
    return new LinearMemory([], [], [], [], size);
  }

  clone(): LinearMemory {
    this.owned = this.owned.map(() => false);
    this.symbolicOwned = this.symbolicOwned.map(() => false);
    return new LinearMemory([...this.pages], [...this.owned], [...this.symbolic], [...this.symbolicOwned], this.size);
  }

  read(address: number): Byte {
    const index = address >>> PAGE_BITS;
    const s = this.symbolic[index]?.get(address);
    if (s) return s;
    return this.pages[index]?.[address & (PAGE_SIZE - 1)] ?? 0;
  }

  write(address: number, value: Byte): void {
    this.written?.add(address);
    const index = address >>> PAGE_BITS;
    if (typeof value === 'number') {
      if (this.symbolic[index]?.has(address)) this.symbolicPage(index).delete(address);
      this.page(address)[address & (PAGE_SIZE - 1)] = value;
    } else {
      this.symbolicPage(index).set(address, value);
    }
  }

  writeBytes(address: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.write(address + i, bytes[i]!);
  }

  /** Addresses that hold symbolic bytes (for tests and state comparison). */
  symbolicAddresses(): number[] {
    return this.symbolic.flatMap((page) => [...(page?.keys() ?? [])]);
  }

  private page(address: number): Uint8Array {
    const index = address >>> PAGE_BITS;
    let page = this.pages[index];
    if (!page) {
      page = new Uint8Array(PAGE_SIZE);
      this.pages[index] = page;
      this.owned[index] = true;
    } else if (!this.owned[index]) {
      page = page.slice();
      this.pages[index] = page;
      this.owned[index] = true;
    }
    return page;
  }

  private symbolicPage(index: number): Map<number, Term> {
    let page = this.symbolic[index];
    if (!page || !this.symbolicOwned[index]) {
      page = new Map(page);
      this.symbolic[index] = page;
      this.symbolicOwned[index] = true;
    }
    return page;
  }
}

/**
 * The received frame. Bytes written at concrete offsets are kept per cell, and so are writes at a symbolic
 * offset of narrow range (each byte it may reach becomes a choice); once a write at a symbolic offset of wider
 * range happens, the contents become one store chain over the initial array and every read goes through it.
 */
export class PacketBuffer {
  private constructor(
    readonly capacity: number,
    readonly initial: (offset: number) => Byte,
    readonly initialArray: Term | null,
    private cells: Byte[],
    private chain: Term | null,
  ) {}

  static symbolic(capacity: number, array: Term): PacketBuffer {
    return new PacketBuffer(capacity, (i) => select(array, bv(i, 32)), array, [], null);
  }

  static concrete(bytes: Uint8Array, capacity: number): PacketBuffer {
    return new PacketBuffer(capacity, (i) => bytes[i] ?? 0, null, [], null);
  }

  clone(): PacketBuffer {
    return new PacketBuffer(this.capacity, this.initial, this.initialArray, [...this.cells], this.chain);
  }

  read(offset: number): Byte {
    if (this.chain) return select(this.chain, bv(offset, 32));
    return this.cells[offset] ?? this.initial(offset);
  }

  write(offset: number, value: Byte): void {
    if (this.chain) this.chain = store(this.chain, bv(offset, 32), byteTerm(value));
    else this.cells[offset] = value;
  }

  readSymbolic(offset: Term): Term {
    return select(this.contents(), offset);
  }

  writeSymbolic(offset: Term, value: Byte): void {
    const [lo, hi] = unsignedRange(offset);
    if (this.chain || hi - lo >= BigInt(NARROW_RANGE)) {
      this.chain = store(this.contents(), offset, byteTerm(value));
      return;
    }
    const last = Math.min(Number(hi), this.capacity - 1);
    for (let at = Number(lo); at <= last; at++) this.write(at, ite(eq(offset, bv(at, 32)), byteTerm(value), byteTerm(this.read(at))));
  }

  /** The whole buffer as one array term (initial array with every write applied). */
  contents(): Term {
    if (this.chain) return this.chain;
    if (!this.initialArray) throw new Error('a concrete packet buffer has no array form');
    let array = this.initialArray;
    this.cells.forEach((value, offset) => {
      if (value !== undefined) array = store(array, bv(offset, 32), byteTerm(value));
    });
    return array;
  }

  /** What a trace keeps of the frame (for the trace cache): the bytes written, or the store chain. */
  snapshot(): { capacity: number; cells: [number, Byte][]; chain: Term | null } {
    const cells: [number, Byte][] = [];
    this.cells.forEach((value, offset) => value !== undefined && cells.push([offset, value]));
    return { capacity: this.capacity, cells, chain: this.chain };
  }

  static restore(snapshot: ReturnType<PacketBuffer['snapshot']>, array: Term): PacketBuffer {
    const buffer = new PacketBuffer(snapshot.capacity, (i) => select(array, bv(i, 32)), array, [], snapshot.chain);
    for (const [offset, value] of snapshot.cells) buffer.cells[offset] = value;
    return buffer;
  }

  /** Does any byte differ from the initial contents symbolically (used to decide what a trace reports)? */
  written(): boolean {
    return this.chain !== null || this.cells.some((c) => c !== undefined);
  }
}

export const byteTerm = (b: Byte): Term => (typeof b === 'number' ? bv(b, 8) : b);

/** A byte of linear memory at a symbolic address known to lie in [low, high]: a choice over the candidates. */
export function readAmong(memory: LinearMemory, address: Term, low: number, high: number): Term {
  let result = byteTerm(memory.read(high));
  for (let a = high - 1; a >= low; a--) result = ite(eq(address, bv(a, address.width)), byteTerm(memory.read(a)), result);
  return result;
}

export function writeAmong(memory: LinearMemory, address: Term, low: number, high: number, value: Byte): void {
  for (let a = low; a <= high; a++) memory.write(a, ite(eq(address, bv(a, address.width)), byteTerm(value), byteTerm(memory.read(a))));
}
