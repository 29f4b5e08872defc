// What the vector does, as a model (libvig/README.md, "vector"); a contract-executed model can implement
// `VectorModel` too and plug into tests/libvig/vector.test.ts.

export type VectorOp = { name: 'get'; index: number; at: number } | { name: 'set'; index: number; record: Uint8Array; at: number };

export interface VectorModel {
  readonly capacity: number;
  get(index: number): Uint8Array;
  set(index: number, record: Uint8Array): void;
  /** The precondition `op` breaks, or null if it may be called. */
  violation(op: VectorOp): string | null;
}

export class ReferenceVector implements VectorModel {
  private readonly records = new Map<number, Uint8Array>();

  constructor(
    readonly capacity: number,
    readonly recordSize: number,
  ) {}

  get(index: number): Uint8Array {
    return this.records.get(index) ?? new Uint8Array(this.recordSize);
  }

  set(index: number, record: Uint8Array): void {
    this.records.set(index, record.slice());
  }

  violation(op: VectorOp): string | null {
    return op.index >= 0 && op.index < this.capacity ? null : 'the index is out of range';
  }
}
