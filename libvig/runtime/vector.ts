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
    this.memory.bytes(outPointer, this.recordSize, 'vector_get', this.handle).set(this.records.subarray(at, at + this.recordSize));
  }

  set(index: number, inPointer: number): void {
    const at = this.recordAt(index, 'vector_set');
    this.records.set(this.memory.bytes(inPointer, this.recordSize, 'vector_set', this.handle), at);
  }

  private recordAt(index: number, operation: string): number {
    if (index < 0 || index >= this.capacity) {
      throw new LibVigError(operation, this.handle, `index ${index} is out of range 0..${this.capacity - 1}; check the index before using it`);
    }
    return index * this.recordSize;
  }
}
