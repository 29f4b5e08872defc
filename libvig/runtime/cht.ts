// cht: the Maglev lookup table (Eisenbud et al., NSDI'16) in Vigor's form. Each of `height` rows (a prime)
// lists every backend 0..backendCapacity-1 once, in the row's order of preference; a lookup walks the row the
// hash selects and takes the first backend that is alive (allocated in an emap). When a backend dies, only the
// flows that preferred it move.
//
// The order is fixed by the allocation arguments alone (libvig/README.md states it for the contract):
// backend b visits the rows offset(b), offset(b) + skip(b), offset(b) + 2 skip(b), ... (mod height), a
// permutation because height is prime and 0 < skip(b) < height; a row prefers the backends that visit it
// earlier, and among those visiting it at the same step, the lower-numbered.
import { MAX_CHT_ENTRIES, violation } from './errors.ts';
import { finalMix } from './hash.ts';

export class Cht {
  /** Row r's backends, most preferred first, at [r * backendCapacity, (r + 1) * backendCapacity). */
  private readonly preferences: Int32Array;

  constructor(
    readonly handle: number,
    readonly height: number,
    readonly backendCapacity: number,
  ) {
    if (!isPrime(height)) throw violation.heightNotPrime(height);
    if (height * backendCapacity > MAX_CHT_ENTRIES) throw violation.chtTooLarge(height, backendCapacity);
    this.preferences = new Int32Array(height * backendCapacity);
    const rowOf = new Int32Array(backendCapacity);
    const skip = new Int32Array(backendCapacity);
    for (let backend = 0; backend < backendCapacity; backend++) {
      rowOf[backend] = chtOffset(backend, height);
      skip[backend] = chtSkip(backend, height);
    }
    const filled = new Int32Array(height);
    for (let step = 0; step < height; step++) {
      for (let backend = 0; backend < backendCapacity; backend++) {
        const row = rowOf[backend]!;
        this.preferences[row * backendCapacity + filled[row]!++] = backend;
        rowOf[backend] = (row + skip[backend]!) % height;
      }
    }
  }

  /** The row a hash selects (the hash taken unsigned). */
  row(hash: number): number {
    return (hash >>> 0) % this.height;
  }

  /**
   * Row `row`'s backends, most preferred first: a view of the table, not a copy. The verifier reads it to make a
   * counterexample's choices this table's own (engine/validate/cht-refinement.ts).
   */
  preferenceRow(row: number): Int32Array {
    return this.preferences.subarray(row * this.backendCapacity, (row + 1) * this.backendCapacity);
  }

  /** The first backend of the hash's row for which `isAlive` holds, or -1. */
  findBackend(hash: number, isAlive: (backend: number) => boolean): number {
    const start = this.row(hash) * this.backendCapacity;
    for (let at = start; at < start + this.backendCapacity; at++) {
      if (isAlive(this.preferences[at]!)) return this.preferences[at]!;
    }
    return -1;
  }
}

/** The first row backend b visits: fmix32(2b) mod height (fmix32 is Murmur3's finaliser, taken unsigned). */
export function chtOffset(backend: number, height: number): number {
  return (finalMix(2 * backend) >>> 0) % height;
}

/** The step between the rows backend b visits: fmix32(2b + 1) mod (height - 1) + 1. */
export function chtSkip(backend: number, height: number): number {
  return ((finalMix(2 * backend + 1) >>> 0) % (height - 1)) + 1;
}

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let divisor = 2; divisor * divisor <= n; divisor++) if (n % divisor === 0) return false;
  return true;
}
