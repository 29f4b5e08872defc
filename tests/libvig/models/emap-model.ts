// What the emap does, as a model the harness checks the run-time against (libvig/README.md, "emap").
// `ReferenceEmap` is the plain reference. A model executed from the ghost-map contracts can implement
// `EmapModel` too and plug into tests/libvig/emap.test.ts unchanged.

export type EmapOp =
  | { name: 'get'; key: Uint8Array; at: number }
  | { name: 'has_idx'; index: number }
  | { name: 'get_key'; index: number; at: number }
  | { name: 'add'; key: Uint8Array; now: bigint; at: number }
  | { name: 'refresh'; index: number; now: bigint }
  | { name: 'erase'; key: Uint8Array; at: number }
  | { name: 'expire'; time: bigint }
  | { name: 'count' }
  | { name: 'full' };

/** An entry with the smallest stamp. */
export interface OldestEntry {
  index: number;
  stamp: bigint;
}

export interface EmapModel {
  readonly capacity: number;
  get(key: Uint8Array): number;
  hasIdx(index: number): boolean;
  getKey(index: number): Uint8Array;
  /**
   * The index `add` returns (-1 when full). The ABI fixes which free index is taken, and the reference predicts
   * it, ignoring `indexChosenByRuntime`; a model that leaves the choice open (a contract's "some free index")
   * can check that the run-time's choice is free and adopt it.
   */
  add(key: Uint8Array, now: bigint, indexChosenByRuntime: number): number;
  refresh(index: number, now: bigint): void;
  erase(key: Uint8Array): void;
  expire(time: bigint): number;
  count(): number;
  full(): boolean;
  /** An entry with the smallest stamp, or null when there is none (for drawing operations around it). */
  oldest(): OldestEntry | null;
  /** The precondition `op` breaks in the current state, or null if it may be called. */
  violation(op: EmapOp): string | null;
}

/** The precondition of the emap ABI that `op` breaks, from a model's answers (every model has the same ones). */
export function emapViolation(model: Pick<EmapModel, 'get' | 'hasIdx'>, op: EmapOp, timeGoesBack: (now: bigint) => boolean): string | null {
  const stampable = (now: bigint) => (timeGoesBack(now) ? 'time went backwards' : null);
  switch (op.name) {
    case 'add':
      return model.get(op.key) >= 0 ? 'the key is present' : stampable(op.now);
    case 'refresh':
      return model.hasIdx(op.index) ? stampable(op.now) : 'the index is not allocated';
    case 'get_key':
      return model.hasIdx(op.index) ? null : 'the index is not allocated';
    case 'erase':
      return model.get(op.key) >= 0 ? null : 'the key is absent';
    default:
      return null;
  }
}

export class ReferenceEmap implements EmapModel {
  private readonly indexOfKey = new Map<string, number>();
  private readonly keyOfIndex = new Map<number, Uint8Array>();
  /** Allocated index -> stamp, in the order they were stamped (deleting and re-setting moves one to the end). */
  private readonly stampsByAge = new Map<number, bigint>();
  /** Free indices; the last one is taken next. */
  private readonly freeIndices: number[];
  private latestStamp: bigint | null = null;

  constructor(readonly capacity: number) {
    this.freeIndices = Array.from({ length: capacity }, (_, depth) => capacity - 1 - depth);
  }

  get(key: Uint8Array): number {
    return this.indexOfKey.get(keyText(key)) ?? -1;
  }

  hasIdx(index: number): boolean {
    return this.keyOfIndex.has(index);
  }

  getKey(index: number): Uint8Array {
    return this.keyOfIndex.get(index)!;
  }

  add(key: Uint8Array, now: bigint): number {
    const index = this.freeIndices.pop();
    if (index === undefined) return -1;
    this.indexOfKey.set(keyText(key), index);
    this.keyOfIndex.set(index, key);
    this.stamp(index, now);
    return index;
  }

  refresh(index: number, now: bigint): void {
    this.stampsByAge.delete(index);
    this.stamp(index, now);
  }

  erase(key: Uint8Array): void {
    this.remove(this.get(key));
  }

  expire(time: bigint): number {
    // Stamps never decrease (a precondition), so the entries stamped before `time` are the oldest ones.
    const expired: number[] = [];
    for (const [index, stamp] of this.stampsByAge) {
      if (stamp >= time) break;
      expired.push(index);
    }
    for (const index of expired) this.remove(index);
    return expired.length;
  }

  count(): number {
    return this.keyOfIndex.size;
  }

  full(): boolean {
    return this.count() === this.capacity;
  }

  oldest(): OldestEntry | null {
    for (const [index, stamp] of this.stampsByAge) return { index, stamp };
    return null;
  }

  violation(op: EmapOp): string | null {
    return emapViolation(this, op, (now) => this.latestStamp !== null && now < this.latestStamp);
  }

  private stamp(index: number, now: bigint): void {
    this.stampsByAge.set(index, now);
    this.latestStamp = now;
  }

  private remove(index: number): void {
    this.indexOfKey.delete(keyText(this.keyOfIndex.get(index)!));
    this.keyOfIndex.delete(index);
    this.stampsByAge.delete(index);
    this.freeIndices.push(index);
  }
}

/** A key as a map key: one character per byte. */
function keyText(key: Uint8Array): string {
  let text = '';
  for (const byte of key) text += String.fromCharCode(byte);
  return text;
}
