// vector: `capacity` fixed-size records, all zero at first. Records are copied between the NF's memory and
// libVig's storage, so the NF never holds a pointer into libVig.
import { violation } from './errors.ts';
import type { NfMemory } from './nf-memory.ts';

export class Vector {
  /** Record i's bytes as little-endian words from word i x stride on, the last word zero-padded. */
  private readonly words: Int32Array;
  private readonly stride: number;

  constructor(
    readonly handle: number,
    readonly recordSize: number,
    readonly capacity: number,
    private readonly memory: NfMemory,
  ) {
    this.stride = Math.ceil(recordSize / 4);
    this.words = new Int32Array(this.stride * capacity);
  }

  get(index: number, outPointer: number): void {
    this.memory.writeWords(this.words, this.recordAt(index, 'vector_get'), outPointer, this.recordSize, 'vector_get', this.handle);
  }

  set(index: number, inPointer: number): void {
    this.memory.readWords(inPointer, this.recordSize, this.words, this.recordAt(index, 'vector_set'), 'vector_set', this.handle);
  }

  /** The first word of record `index`, checked to be in range. */
  private recordAt(index: number, operation: string): number {
    if (index < 0 || index >= this.capacity) throw violation.indexOutOfRange(operation, this.handle, index, this.capacity);
    return index * this.stride;
  }
}
