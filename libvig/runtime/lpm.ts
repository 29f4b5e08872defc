// lpm: IPv4 longest-prefix match over at most `capacity` rules (prefix/length -> value). Addresses are 32-bit
// numbers with the first octet most significant (10.0.0.0/8 is 0x0a000000): an NF that loads an address from a
// packet little-endian byte-swaps it first. A multibit trie of four levels, one octet each, with controlled prefix
// expansion and leaf pushing: a slot holds either the value of the longest rule covering it or the node of the
// next level, whose slots inherit that value. A lookup reads at most four 4-byte slots, whatever the number of
// rules (a hash map per prefix length costs one probe per length tried), and the table stays small enough for the
// router's benchmark with thousands of prefixes to run mostly from cache. The slots live in a WebAssembly memory
// whose lookups a hand-encoded module answers without entering JavaScript (lpm-lookup.ts). The native baseline's
// lpm (runtime/native/libvig.c) is the same trie.
import { violation } from './errors.ts';
import type { LpmLookup } from './lpm-lookup.ts';

const NONE = -1;
/** Slots per node: one per value of the octet a level reads. */
const FANOUT = 256;
const LEVELS = 4;
/** A slot below NONE is a node: `CHILD - slot` (the root, node 0, is never a child). */
const CHILD = -2;

export class Lpm {
  /**
   * Per slot (node * FANOUT + octet), from word `base` of the store's words: a value (>= 0), NONE, or a node of
   * the next level (below NONE); room for `room` slots.
   */
  private base: number;
  private room = FANOUT;
  /** The length of the rule each slot's value comes from, pushed down to the slots of its nodes (adds only). */
  private lengths = new Int8Array(FANOUT).fill(NONE);
  private nodes = 1;
  /** The rules present, by identity (masked prefix and length): whether an add is new, for the capacity. */
  private readonly rules = new Set<number>();

  constructor(
    readonly handle: number,
    readonly capacity: number,
    private readonly store: LpmLookup,
  ) {
    this.base = store.allocate(FANOUT);
    store.words.fill(NONE, this.base, this.base + FANOUT);
    store.place(handle, this.base);
  }

  /** Adds or replaces the rule for prefix/length; returns 1, or 0 when a new rule finds the table full. */
  add(prefix: number, length: number, value: number): number {
    if (!Number.isInteger(length) || length < 0 || length > 32) throw violation.prefixLength(this.handle, length);
    if (value < 0) throw violation.negativeValue(this.handle, value);
    const masked = (prefix & prefixMask(length)) >>> 0;
    const rule = masked * 33 + length;
    if (!this.rules.has(rule)) {
      if (this.rules.size === this.capacity) return 0;
      this.rules.add(rule);
    }
    // The rule lives at the level holding its last bit; the levels above lead there.
    const level = length === 0 ? 0 : (length - 1) >> 3;
    let node = 0;
    for (let above = 0; above < level; above++) {
      const slot = node * FANOUT + octet(masked, above);
      if (this.store.words[this.base + slot]! >= NONE) {
        // Grown first: newNode may move the slots. The new node inherits the slot's value.
        const child = this.newNode(this.store.words[this.base + slot]!, this.lengths[slot]!);
        this.store.words[this.base + slot] = CHILD - child;
      }
      node = CHILD - this.store.words[this.base + slot]!;
    }
    // It covers 2^(8 x (level + 1) - length) consecutive slots, and the nodes below them.
    const first = node * FANOUT + octet(masked, level);
    this.fill(first, first + (1 << (8 * (level + 1) - length)), value, length);
    return 1;
  }

  /**
   * Slots [from, to) take the rule unless a longer one covers them. A slot holding this very length holds this
   * rule (its bits are the slot's), so a replacement overwrites it.
   */
  private fill(from: number, to: number, value: number, length: number): void {
    const words = this.store.words;
    for (let slot = from; slot < to; slot++) {
      const held = words[this.base + slot]!;
      if (held < NONE) this.fill((CHILD - held) * FANOUT, (CHILD - held + 1) * FANOUT, value, length);
      else if (this.lengths[slot]! <= length) {
        words[this.base + slot] = value;
        this.lengths[slot] = length;
      }
    }
  }

  /**
   * Removes every rule. Not part of libVig's ABI: the verifier's replays give a table the rules of a
   * counterexample's state instead of nf_init's.
   */
  clear(): void {
    this.rules.clear();
    this.nodes = 1;
    this.store.words.fill(NONE, this.base, this.base + FANOUT);
    this.lengths.fill(NONE, 0, FANOUT);
  }

  /** The value of the longest prefix that matches `address`, or -1 (lpm-lookup.ts does the same in WebAssembly). */
  lookup(address: number): number {
    const words = this.store.words;
    const base = this.base;
    let held = words[base + (address >>> 24)]!;
    for (let shift = 16; held < NONE; shift -= 8) held = words[base + (CHILD - held) * FANOUT + ((address >>> shift) & 0xff)]!;
    return held;
  }

  /** A node whose slots hold `value`, from a rule of `length`. */
  private newNode(value: number, length: number): number {
    if ((this.nodes + 1) * FANOUT > this.room) {
      const base = this.store.allocate(2 * this.room);
      this.store.words.copyWithin(base, this.base, this.base + this.room);
      this.base = base;
      this.store.place(this.handle, base);
      this.room *= 2;
      const lengths = new Int8Array(this.room);
      lengths.set(this.lengths);
      this.lengths = lengths;
    }
    const node = this.nodes++;
    this.store.words.fill(value, this.base + node * FANOUT, this.base + (node + 1) * FANOUT);
    this.lengths.fill(length, node * FANOUT, (node + 1) * FANOUT);
    return node;
  }
}

/** Octet `level` of an address, the first (most significant) at level 0. */
const octet = (address: number, level: number): number => (address >>> (8 * (LEVELS - 1 - level))) & 0xff;

/** The mask that keeps the `length` most significant bits, as a signed 32-bit number. */
function prefixMask(length: number): number {
  return length === 0 ? 0 : -1 << (32 - length);
}
