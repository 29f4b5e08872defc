// The map half of an emap: fixed-size byte keys -> index, an open-addressing hash table with linear probing.
// As in libVig's map, every slot keeps a chain counter: how many stored keys probed past it before finding
// their own slot. A lookup can stop at the first slot whose counter is zero, which ends most misses early, and
// erasing needs no tombstones.
//
// Slots live in one Int32Array, `SLOT_HEADER` words of bookkeeping followed by the key's words, so a probe
// touches one cache line. libvig/bench/flow_lookup.c uses the same layout, hash and probing.

const SLOT_INDEX = 0; // the key's index, or EMPTY
const SLOT_HASH = 1;
const SLOT_CHAIN = 2;
const SLOT_HEADER = 3;
const EMPTY = -1;

export class KeyTable {
  /** The key's size rounded up to whole 32-bit words (the tail is zero-padded). */
  readonly keyWords: number;
  private readonly stride: number;
  private readonly mask: number;
  private readonly slots: Int32Array;
  private readonly slotOfIndex: Int32Array;

  /**
   * Slot count: the smallest power of two of at least twice the capacity. A full emap is then at most half full,
   * so lookups stay short when an NF's table fills up (a flood of new flows must not make every miss scan the
   * table), at the price of twice the slots.
   */
  constructor(capacity: number, keySize: number) {
    this.keyWords = Math.ceil(keySize / 4);
    this.stride = SLOT_HEADER + this.keyWords;
    const slotCount = 2 ** Math.ceil(Math.log2(2 * capacity));
    this.mask = slotCount - 1;
    this.slots = new Int32Array(slotCount * this.stride);
    for (let slot = 0; slot < slotCount; slot++) this.slots[slot * this.stride + SLOT_INDEX] = EMPTY;
    this.slotOfIndex = new Int32Array(capacity).fill(EMPTY);
  }

  /** The index stored for `key` (whose hash is `hash`), or -1. */
  find(key: Int32Array, hash: number): number {
    const { slots, stride, mask } = this;
    const start = hash & mask;
    for (let slot = this.nextCandidate(start, start, hash); slot >= 0; ) {
      const at = slot * stride;
      if (this.holdsKey(at + SLOT_HEADER, key)) return slots[at + SLOT_INDEX]!;
      if (slots[at + SLOT_CHAIN] === 0) return -1;
      slot = (slot + 1) & mask;
      slot = slot === start ? -1 : this.nextCandidate(slot, start, hash);
    }
    return -1;
  }

  /**
   * From `slot` on, the first slot holding a key whose hash is `hash`; -1 after a slot no stored key probed
   * past, or on coming back to `start` (counter updates can leave every chain above zero, so a miss may go full
   * circle). Kept apart from the key comparison, and ending at `start` rather than counting probes, the loop
   * does only what it must: measured, that makes a miss in a 90%-full table a third faster.
   */
  private nextCandidate(slot: number, start: number, hash: number): number {
    const { slots, stride, mask } = this;
    do {
      const at = slot * stride;
      if (slots[at + SLOT_HASH] === hash && slots[at + SLOT_INDEX] !== EMPTY) return slot;
      if (slots[at + SLOT_CHAIN] === 0) return -1;
      slot = (slot + 1) & mask;
    } while (slot !== start);
    return -1;
  }

  /**
   * Whether the slot's key words at `at` are `key`'s. The first four words are compared without a loop: that
   * covers the usual keys (MAC addresses, flow ids) and, measured, saves a tenth of a lookup.
   */
  private holdsKey(at: number, key: Int32Array): boolean {
    const { slots, keyWords } = this;
    if (slots[at] !== key[0]) return false;
    if (keyWords < 2) return true;
    if (slots[at + 1] !== key[1]) return false;
    if (keyWords < 3) return true;
    if (slots[at + 2] !== key[2]) return false;
    if (keyWords < 4) return true;
    if (slots[at + 3] !== key[3]) return false;
    for (let word = 4; word < keyWords; word++) if (slots[at + word] !== key[word]) return false;
    return true;
  }

  /** Stores `key` under `index`. The caller guarantees the key is absent and fewer than `capacity` keys are stored. */
  insert(key: Int32Array, hash: number, index: number): void {
    const { slots, stride, mask } = this;
    let slot = hash & mask;
    while (slots[slot * stride + SLOT_INDEX] !== EMPTY) {
      slots[slot * stride + SLOT_CHAIN]!++;
      slot = (slot + 1) & mask;
    }
    const at = slot * stride;
    slots[at + SLOT_INDEX] = index;
    slots[at + SLOT_HASH] = hash;
    slots.set(key, at + SLOT_HEADER);
    this.slotOfIndex[index] = slot;
  }

  /** Removes the key stored under `index` (which must be stored). */
  remove(index: number): void {
    const { slots, stride, mask } = this;
    const target = this.slotOfIndex[index]!;
    for (let slot = slots[target * stride + SLOT_HASH]! & mask; slot !== target; slot = (slot + 1) & mask) {
      slots[slot * stride + SLOT_CHAIN]!--;
    }
    slots[target * stride + SLOT_INDEX] = EMPTY;
    this.slotOfIndex[index] = EMPTY;
  }

  /** The words of the key stored under `index` (which must be stored); a view, valid until the next change. */
  keyOf(index: number): Int32Array {
    const at = this.slotOfIndex[index]! * this.stride + SLOT_HEADER;
    return this.slots.subarray(at, at + this.keyWords);
  }
}
