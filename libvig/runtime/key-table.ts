// The map half of an emap: fixed-size byte keys -> index, an open-addressing hash table with linear probing.
// As in libVig's map, every slot keeps a chain counter: how many stored keys probed past it before finding
// their own slot. A lookup can stop at the first slot whose counter is zero, which ends most misses early, and
// erasing needs no tombstones.
//
// Each slot lives in two arrays. `probes` holds one word per slot, all that a probe reads until a hash matches:
// the stored key's hash, or FREE, plus a bit saying whether the chain counter is above zero. `entries` holds the
// key's index, the exact chain counter and the key's words, read only where the hash matches (and written by
// insertion and removal). A miss then reads 4 bytes a slot (512 KiB for a 65,536-entry emap) instead of whole
// slots (2.5 MiB for a 6-byte key), which stay in the core's cache where whole slots could not; a hit reads
// the same entry line as before. The lookups of an NF are mostly waits for memory, so that is where the time
// goes: the bridge looks up, per frame, a key in a static table that misses and up to two learned addresses.

/** A probe word: the hash (30 bits, never negative: hash.ts), the chain bit, and the sign bit for a free slot. */
const HASH_BITS = 0x3fffffff;
const CHAIN_ABOVE_ZERO = 0x40000000;
const FREE = 0x80000000 | 0;

const ENTRY_INDEX = 0; // the stored key's index (meaningful only while the probe word is not FREE)
const ENTRY_CHAIN = 1; // how many stored keys probed past this slot
const ENTRY_HEADER = 2;

export class KeyTable {
  /** The key's size rounded up to whole 32-bit words (the tail is zero-padded). */
  readonly keyWords: number;
  /** Words per slot in `entries`. */
  private readonly stride: number;
  private readonly mask: number;
  private readonly probes: Int32Array;
  /** Read-only outside this class: where keyAt points. */
  readonly entries: Int32Array;
  private readonly slotOfIndex: Int32Array;

  /**
   * Slot count: the smallest power of two of at least twice the capacity. A full emap is then at most half full,
   * so lookups stay short when an NF's table fills up (a flood of new flows must not make every miss scan the
   * table), at the price of twice the slots.
   */
  constructor(capacity: number, keySize: number) {
    this.keyWords = Math.ceil(keySize / 4);
    this.stride = ENTRY_HEADER + this.keyWords;
    const slotCount = 2 ** Math.ceil(Math.log2(2 * capacity));
    this.mask = slotCount - 1;
    this.probes = new Int32Array(slotCount).fill(FREE);
    this.entries = new Int32Array(slotCount * this.stride);
    this.slotOfIndex = new Int32Array(capacity).fill(-1);
  }

  /**
   * The index stored for `key` (whose hash is `hash`), or -1. Ends at a slot no stored key probed past, or on
   * coming back to `start` (counter updates can leave every chain above zero, so a miss may go full circle);
   * ending there rather than counting probes, measured, made a miss in a 90%-full table a third faster.
   */
  find(key: Int32Array, hash: number): number {
    const { probes, mask } = this;
    const start = hash & mask;
    let slot = start;
    do {
      const probe = probes[slot]!;
      // A free slot's word is negative, so it never equals a hash.
      if ((probe & ~CHAIN_ABOVE_ZERO) === hash) {
        const at = slot * this.stride;
        if (this.holdsKey(at + ENTRY_HEADER, key)) return this.entries[at + ENTRY_INDEX]!;
      }
      if ((probe & CHAIN_ABOVE_ZERO) === 0) return -1;
      slot = (slot + 1) & mask;
    } while (slot !== start);
    return -1;
  }

  /**
   * Whether the slot's key words at `at` are `key`'s. The first four words are compared without a loop: that
   * covers the usual keys (MAC addresses, flow ids) and, measured, saves a tenth of a lookup.
   */
  private holdsKey(at: number, key: Int32Array): boolean {
    const { entries, keyWords } = this;
    if (entries[at] !== key[0]) return false;
    if (keyWords < 2) return true;
    if (entries[at + 1] !== key[1]) return false;
    if (keyWords < 3) return true;
    if (entries[at + 2] !== key[2]) return false;
    if (keyWords < 4) return true;
    if (entries[at + 3] !== key[3]) return false;
    for (let word = 4; word < keyWords; word++) if (entries[at + word] !== key[word]) return false;
    return true;
  }

  /** Stores `key` under `index`. The caller guarantees the key is absent and fewer than `capacity` keys are stored. */
  insert(key: Int32Array, hash: number, index: number): void {
    const { probes, entries, stride, mask } = this;
    let slot = hash & mask;
    while (probes[slot]! >= 0) {
      entries[slot * stride + ENTRY_CHAIN]!++;
      probes[slot]! |= CHAIN_ABOVE_ZERO;
      slot = (slot + 1) & mask;
    }
    probes[slot] = hash | (probes[slot]! & CHAIN_ABOVE_ZERO);
    const at = slot * stride;
    entries[at + ENTRY_INDEX] = index;
    entries.set(key, at + ENTRY_HEADER);
    this.slotOfIndex[index] = slot;
  }

  /** Removes the key stored under `index` (which must be stored). */
  remove(index: number): void {
    const { probes, entries, stride, mask } = this;
    const target = this.slotOfIndex[index]!;
    for (let slot = probes[target]! & HASH_BITS & mask; slot !== target; slot = (slot + 1) & mask) {
      if (--entries[slot * stride + ENTRY_CHAIN]! === 0) probes[slot]! &= ~CHAIN_ABOVE_ZERO;
    }
    probes[target] = FREE | (probes[target]! & CHAIN_ABOVE_ZERO);
    this.slotOfIndex[index] = -1;
  }

  /** Where in `entries` the words of the key stored under `index` (which must be stored) begin, until the next change. */
  keyAt(index: number): number {
    return this.slotOfIndex[index]! * this.stride + ENTRY_HEADER;
  }
}
