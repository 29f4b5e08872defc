// What the cht does, as a model (libvig/README.md, "cht"). Where the run-time fills its table step by step as
// Maglev does, the reference computes the answer from the definition: backend b visits row r at step
// (r - offset(b)) / skip(b) mod height, and a row prefers earlier steps, then lower backends.
import { chtOffset, chtSkip } from '../../../libvig/runtime/cht.ts';

export interface ChtModel {
  readonly height: number;
  readonly backendCapacity: number;
  /** The first backend of the hash's row for which `isAlive` holds, or -1. */
  findBackend(hash: number, isAlive: (backend: number) => boolean): number;
}

export class ReferenceCht implements ChtModel {
  private readonly offsets: number[];
  /** The inverse of each backend's skip modulo the height (a prime). */
  private readonly inverseSkips: number[];

  constructor(
    readonly height: number,
    readonly backendCapacity: number,
  ) {
    const backends = Array.from({ length: backendCapacity }, (_, backend) => backend);
    this.offsets = backends.map((backend) => chtOffset(backend, height));
    this.inverseSkips = backends.map((backend) => powerModulo(chtSkip(backend, height), height - 2, height));
  }

  findBackend(hash: number, isAlive: (backend: number) => boolean): number {
    const row = (hash >>> 0) % this.height;
    // The first live backend of the row's list is the live backend visiting the row earliest (lowest on ties).
    let chosen = -1;
    let chosenStep = Infinity;
    for (let backend = 0; backend < this.backendCapacity; backend++) {
      const step = ((row - this.offsets[backend]! + this.height) * this.inverseSkips[backend]!) % this.height;
      if (step < chosenStep && isAlive(backend)) {
        chosen = backend;
        chosenStep = step;
      }
    }
    return chosen;
  }
}

/**
 * base^exponent mod modulus (Fermat: a^(p-2) is a's inverse modulo a prime p). Heights are below 2^26, so
 * products stay exact in doubles.
 */
function powerModulo(base: number, exponent: number, modulus: number): number {
  let result = 1;
  let power = base % modulus;
  for (let rest = exponent; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) result = (result * power) % modulus;
    power = (power * power) % modulus;
  }
  return result;
}
