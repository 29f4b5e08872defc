// vector: `capacity` fixed-size records, all zero at first. Records are copied between the NF's memory and
// libVig's storage, so the NF never holds a pointer into libVig.
import { LibVigError } from './errors.ts';
import type { NfMemory } from './nf-memory.ts';

export class Vector {
  private readonly records: Uint8Array;

  constructor(
    readonly handle: number,
    readonly recordSize: number,
    readonly capacity: number,
    private readonly memory: NfMemory,
  ) {
    this.records = new Uint8Array(recordSize * capacity);
  }

  get(index: number, outPointer: number): void {
    const at = this.recordAt(index, 'vector_get');
    copyBytes(this.records, at, this.memory.bytes(outPointer, this.recordSize, 'vector_get', this.handle), outPointer, this.recordSize);
  }

  set(index: number, inPointer: number): void {
    const at = this.recordAt(index, 'vector_set');
    copyBytes(this.memory.bytes(inPointer, this.recordSize, 'vector_set', this.handle), inPointer, this.records, at, this.recordSize);
  }

  private recordAt(index: number, operation: string): number {
    if (index < 0 || index >= this.capacity) {
      throw new LibVigError(operation, this.handle, `index ${index} is out of range 0..${this.capacity - 1}; check the index before using it`);
    }
    return index * this.recordSize;
  }
}

/** Records up to this size are copied byte by byte; larger ones by `set`, whose fixed cost (two views) then pays. */
const LARGE_RECORD = 64;

function copyBytes(from: Uint8Array, fromAt: number, to: Uint8Array, toAt: number, size: number): void {
  if (size > LARGE_RECORD) {
    to.set(from.subarray(fromAt, fromAt + size), toAt);
    return;
  }
  for (let byte = 0; byte < size; byte++) to[toAt + byte] = from[fromAt + byte]!;
}
