// The allocator half of an emap (libVig's double chain): indices 0..capacity-1, each free or allocated with a
// time stamp. Allocated indices form a list ordered by stamp (stamps never decrease, so a new or refreshed
// index goes to the newest end) and expiry pops from the oldest end. Free indices form a stack: the index
// freed last is allocated first; at the start the stack holds 0 on top, then 1, 2, ...

const NONE = -1;

export class IndexChain {
  count = 0;
  /** The greatest stamp given so far; a smaller one would break the list's order. */
  latestStamp = -(2n ** 63n);
  private readonly stamps: BigInt64Array;
  private readonly older: Int32Array;
  private readonly newer: Int32Array;
  private readonly allocated: Uint8Array;
  private readonly freeStack: Int32Array;
  private freeTop: number;
  private oldest = NONE;
  private newest = NONE;

  constructor(readonly capacity: number) {
    this.stamps = new BigInt64Array(capacity);
    this.older = new Int32Array(capacity);
    this.newer = new Int32Array(capacity);
    this.allocated = new Uint8Array(capacity);
    this.freeStack = new Int32Array(capacity);
    for (let depth = 0; depth < capacity; depth++) this.freeStack[depth] = capacity - 1 - depth;
    this.freeTop = capacity;
  }

  /** Whether `index` is allocated; false for any index out of range. */
  isAllocated(index: number): boolean {
    return index >= 0 && index < this.capacity && this.allocated[index] === 1;
  }

  /** Takes a free index stamped `now` (not before `latestStamp`), or returns -1 when every index is allocated. */
  allocate(now: bigint): number {
    if (this.freeTop === 0) return NONE;
    const index = this.freeStack[--this.freeTop]!;
    this.allocated[index] = 1;
    this.count++;
    this.append(index, now);
    return index;
  }

  /** Re-stamps an allocated index with `now` (not before `latestStamp`). */
  refresh(index: number, now: bigint): void {
    this.unlink(index);
    this.append(index, now);
  }

  /** Frees an allocated index. */
  free(index: number): void {
    this.unlink(index);
    this.allocated[index] = 0;
    this.count--;
    this.freeStack[this.freeTop++] = index;
  }

  /** The oldest allocated index if its stamp is strictly before `time`, else -1. */
  oldestBefore(time: bigint): number {
    return this.oldest !== NONE && this.stamps[this.oldest]! < time ? this.oldest : NONE;
  }

  private append(index: number, now: bigint): void {
    this.stamps[index] = now;
    this.latestStamp = now;
    this.older[index] = this.newest;
    this.newer[index] = NONE;
    if (this.newest === NONE) this.oldest = index;
    else this.newer[this.newest] = index;
    this.newest = index;
  }

  private unlink(index: number): void {
    const older = this.older[index]!;
    const newer = this.newer[index]!;
    if (older === NONE) this.oldest = newer;
    else this.newer[older] = newer;
    if (newer === NONE) this.newest = older;
    else this.older[newer] = older;
  }
}
