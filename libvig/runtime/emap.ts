// emap: the spec-facing object (key -> index, index -> key, index allocator with time stamps), as the NF sees
// it through the libvig imports. Checks every precondition of libvig/README.md and throws a LibVigError when
// one is broken.
import { violation } from './errors.ts';
import { finishKeyHash, mixKeyWord } from './hash.ts';
import { IndexChain, timeAsBigInt } from './index-chain.ts';
import { KeyTable } from './key-table.ts';
import type { NfMemory } from './nf-memory.ts';

export class Emap {
  private readonly table: KeyTable;
  private readonly chain: IndexChain;
  /** The key of the current call, as words. */
  private readonly key: Int32Array;

  constructor(
    readonly handle: number,
    readonly keySize: number,
    readonly capacity: number,
    private readonly memory: NfMemory,
    /** Where the oldest entry's stamp is kept for time-adapter.ts's emap_expire (index-chain.ts). */
    oldestStamp: Int32Array,
  ) {
    this.table = new KeyTable(capacity, keySize);
    this.chain = new IndexChain(capacity, oldestStamp);
    this.key = new Int32Array(this.table.keyWords);
  }

  /**
   * A replay's seeding (no ABI call does it): the latest stamp given is at least `now`, as when a packet at that time
   * came before. libVig's contract allows a state that recent, so a stamp before `now` is refused as going back.
   */
  raiseLatestStamp(now: bigint): void {
    this.chain.raiseLatest(Number(BigInt.asIntN(32, now)), Number(BigInt.asIntN(32, now >> 32n)));
  }

  /** Index `index`'s time stamp, null when it is free: for replays, which compare stamps (libVig's ABI reads none). */
  stampAt(index: number): bigint | null {
    return this.chain.isAllocated(index) ? this.chain.stampOf(index) : null;
  }

  get count(): number {
    return this.chain.count;
  }

  get full(): boolean {
    return this.chain.count === this.capacity;
  }

  get(keyPointer: number): number {
    return this.table.find(this.key, this.readKey(keyPointer, 'emap_get'));
  }

  hasIndex(index: number): boolean {
    return this.chain.isAllocated(index);
  }

  getKey(index: number, outPointer: number): void {
    this.requireAllocated(index, 'emap_get_key');
    this.memory.writeWords(this.table.entries, this.table.keyAt(index), outPointer, this.keySize, 'emap_get_key', this.handle);
  }

  /** Times here and below are i64 nanoseconds as their low and high 32-bit halves (index-chain.ts). */
  add(keyPointer: number, nowLow: number, nowHigh: number): number {
    this.requireTimeNotBefore(nowLow, nowHigh, 'emap_add');
    const hash = this.readKey(keyPointer, 'emap_add');
    const present = this.table.find(this.key, hash);
    if (present >= 0) {
      throw violation.keyPresent('emap_add', this.handle, present);
    }
    const index = this.chain.allocate(nowLow, nowHigh);
    if (index >= 0) this.table.insert(this.key, hash, index);
    return index;
  }

  refresh(index: number, nowLow: number, nowHigh: number): void {
    this.requireAllocated(index, 'emap_refresh');
    this.requireTimeNotBefore(nowLow, nowHigh, 'emap_refresh');
    this.chain.refresh(index, nowLow, nowHigh);
  }

  erase(keyPointer: number): void {
    const index = this.table.find(this.key, this.readKey(keyPointer, 'emap_erase'));
    if (index < 0) throw violation.keyAbsent('emap_erase', this.handle);
    this.remove(index);
  }

  expire(timeLow: number, timeHigh: number): number {
    let removed = 0;
    for (let index = this.chain.oldestBefore(timeLow, timeHigh); index >= 0; index = this.chain.oldestBefore(timeLow, timeHigh)) {
      this.remove(index);
      removed++;
    }
    return removed;
  }

  private remove(index: number): void {
    this.table.remove(index);
    this.chain.free(index);
  }

  /** Copies the key at `pointer` into `this.key` (whole little-endian words, the last one zero-padded) and returns its hash. */
  private readKey(pointer: number, operation: string): number {
    const view = this.memory.view(pointer, this.keySize, operation, this.handle);
    const { key, keySize } = this;
    const wholeWords = keySize >> 2;
    let hash = 0;
    for (let word = 0; word < wholeWords; word++) {
      const value = view.getInt32(pointer + word * 4, true);
      key[word] = value;
      hash = mixKeyWord(hash, value);
    }
    const tail = pointer + wholeWords * 4;
    switch (keySize & 3) {
      case 0:
        return finishKeyHash(hash, keySize);
      case 1:
        key[wholeWords] = view.getUint8(tail);
        break;
      case 2:
        key[wholeWords] = view.getUint16(tail, true);
        break;
      case 3:
        key[wholeWords] = view.getUint16(tail, true) | (view.getUint8(tail + 2) << 16);
        break;
    }
    return finishKeyHash(mixKeyWord(hash, key[wholeWords]!), keySize);
  }

  private requireAllocated(index: number, operation: string): void {
    if (!this.chain.isAllocated(index)) throw violation.indexNotAllocated(operation, this.handle, index, this.capacity);
  }

  private requireTimeNotBefore(nowLow: number, nowHigh: number, operation: string): void {
    const { chain } = this;
    if (chain.isBeforeLatest(nowLow, nowHigh)) {
      throw violation.timeBackwards(operation, this.handle, timeAsBigInt(nowLow, nowHigh), timeAsBigInt(chain.latestLow, chain.latestHigh));
    }
  }
}
