// The allocator half of an emap (libVig's double chain): indices 0..capacity-1, each free or allocated with a
// time stamp. Allocated indices form a list ordered by stamp (stamps never decrease, so a new or refreshed
// index goes to the newest end) and expiry pops from the oldest end. Free indices form a stack: the index
// freed last is allocated first; at the start the stack holds 0 on top, then 1, 2, ...

//
// Times are i64 nanoseconds held as two i32 halves (low, high), as time-adapter.ts passes them: no BigInt on the
// per-packet path. Signed i64 order is exact on the halves: the high halves compared signed, then the low halves
// compared unsigned.
//
// The oldest entry's stamp is also kept in a cell of time-adapter.ts's store, from which its emap_expire answers
// the calls that expire nothing without calling JavaScript. An index is re-stamped only between unlinking and
// appending it, so that stamp changes only where the list's oldest end does, and the cell is written there: when
// the oldest index is unlinked and when an index joins an empty list. With no entry, it holds the greatest time.

const NONE = -1;
/** The greatest i64, as halves: an empty chain's cell (no time is after it, so no expiry is due). */
const LATEST_TIME_LOW = -1;
const LATEST_TIME_HIGH = 0x7fffffff;

/** Whether the time (aLow, aHigh) is strictly before (bLow, bHigh), as signed i64 values. */
export function isTimeBefore(aLow: number, aHigh: number, bLow: number, bHigh: number): boolean {
  return aHigh < bHigh || (aHigh === bHigh && aLow >>> 0 < bLow >>> 0);
}

/** The time (low, high) as a BigInt, for messages. */
export function timeAsBigInt(low: number, high: number): bigint {
  return (BigInt(high) << 32n) | BigInt(low >>> 0);
}

export class IndexChain {
  count = 0;
  /** The greatest stamp given so far, as halves (at first the smallest i64); a smaller one would break the list's order. */
  latestLow = 0;
  latestHigh = -0x80000000;
  /** Index i's stamp: its low half at 2i, its high half at 2i + 1 (one cache line for both). */
  private readonly stamps: Int32Array;
  private readonly older: Int32Array;
  private readonly newer: Int32Array;
  private readonly allocated: Uint8Array;
  private readonly freeStack: Int32Array;
  private freeTop: number;
  private oldest = NONE;
  private newest = NONE;

  /** `oldestStamp`: the cell (low half, high half) where the oldest entry's stamp is kept for time-adapter.ts. */
  constructor(
    readonly capacity: number,
    private readonly oldestStamp: Int32Array,
  ) {
    this.stamps = new Int32Array(2 * capacity);
    this.older = new Int32Array(capacity);
    this.newer = new Int32Array(capacity);
    this.allocated = new Uint8Array(capacity);
    this.freeStack = new Int32Array(capacity);
    for (let depth = 0; depth < capacity; depth++) this.freeStack[depth] = capacity - 1 - depth;
    this.freeTop = capacity;
    this.publishOldestStamp();
  }

  /** Whether `index` is allocated; false for any index out of range. */
  isAllocated(index: number): boolean {
    return index >= 0 && index < this.capacity && this.allocated[index] === 1;
  }

  /** An allocated index's stamp. */
  stampOf(index: number): bigint {
    return timeAsBigInt(this.stamps[2 * index]!, this.stamps[2 * index + 1]!);
  }

  /** Takes a free index stamped `now` (not before the latest stamp), or returns -1 when every index is allocated. */
  allocate(nowLow: number, nowHigh: number): number {
    if (this.freeTop === 0) return NONE;
    const index = this.freeStack[--this.freeTop]!;
    this.allocated[index] = 1;
    this.count++;
    this.append(index, nowLow, nowHigh);
    return index;
  }

  /** Re-stamps an allocated index with `now` (not before the latest stamp). */
  refresh(index: number, nowLow: number, nowHigh: number): void {
    this.unlink(index);
    this.append(index, nowLow, nowHigh);
  }

  /** Frees an allocated index. */
  free(index: number): void {
    this.unlink(index);
    this.allocated[index] = 0;
    this.count--;
    this.freeStack[this.freeTop++] = index;
  }

  /** The oldest allocated index if its stamp is strictly before `time`, else -1. */
  oldestBefore(timeLow: number, timeHigh: number): number {
    const oldest = this.oldest;
    if (oldest === NONE) return NONE;
    return isTimeBefore(this.stamps[2 * oldest]!, this.stamps[2 * oldest + 1]!, timeLow, timeHigh) ? oldest : NONE;
  }

  /** Makes `now` the latest stamp given if it is later (no entry changes). */
  raiseLatest(nowLow: number, nowHigh: number): void {
    if (!isTimeBefore(this.latestLow, this.latestHigh, nowLow, nowHigh)) return;
    this.latestLow = nowLow;
    this.latestHigh = nowHigh;
  }

  /** Whether `now` is before the latest stamp (which would break the list's order). */
  isBeforeLatest(nowLow: number, nowHigh: number): boolean {
    return isTimeBefore(nowLow, nowHigh, this.latestLow, this.latestHigh);
  }

  private append(index: number, nowLow: number, nowHigh: number): void {
    this.stamps[2 * index] = nowLow;
    this.stamps[2 * index + 1] = nowHigh;
    this.latestLow = nowLow;
    this.latestHigh = nowHigh;
    this.older[index] = this.newest;
    this.newer[index] = NONE;
    if (this.newest === NONE) {
      this.oldest = index;
      this.publishOldestStamp();
    } else this.newer[this.newest] = index;
    this.newest = index;
  }

  private unlink(index: number): void {
    const older = this.older[index]!;
    const newer = this.newer[index]!;
    if (older === NONE) {
      this.oldest = newer;
      this.publishOldestStamp();
    } else this.newer[older] = newer;
    if (newer === NONE) this.newest = older;
    else this.older[newer] = older;
  }

  private publishOldestStamp(): void {
    const { oldest, oldestStamp } = this;
    if (oldest === NONE) {
      oldestStamp[0] = LATEST_TIME_LOW;
      oldestStamp[1] = LATEST_TIME_HIGH;
    } else {
      oldestStamp[0] = this.stamps[2 * oldest]!;
      oldestStamp[1] = this.stamps[2 * oldest + 1]!;
    }
  }
}
