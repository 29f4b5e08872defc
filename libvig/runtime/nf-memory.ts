// Access to the NF's linear memory, where keys and records are copied from and to.
// The NF's memory exists only once its instance does, and its ArrayBuffer is replaced whenever it grows, so
// the views are re-made lazily when the buffer changes.
import { violation } from './errors.ts';

/** The NF's memory, or a function that returns it (called at the first libVig call that needs memory). */
export type MemorySource = WebAssembly.Memory | (() => WebAssembly.Memory);

export class NfMemory {
  private memory: WebAssembly.Memory | null;
  private buffer: ArrayBuffer | null = null;
  private dataView = new DataView(new ArrayBuffer(0));
  private byteView = new Uint8Array(0);

  constructor(private readonly source: MemorySource) {
    this.memory = source instanceof WebAssembly.Memory ? source : null;
  }

  /** A view of `size` bytes at `pointer`, checked to lie inside the memory. */
  view(pointer: number, size: number, operation: string, handle: number): DataView {
    // A view of a replaced buffer has length 0, so the fast path below also proves the view is current.
    if (pointer >= 0 && pointer + size <= this.byteView.length) return this.dataView;
    this.refresh();
    if (pointer < 0 || pointer + size > this.byteView.length) throw violation.outsideMemory(operation, handle, size, pointer, this.byteView.length);
    return this.dataView;
  }

  /**
   * Copies `size` bytes at `pointer` into `words` from word `at` on, as little-endian words, the last one
   * zero-padded. A 32-bit word at a time through the DataView, which takes any alignment: measured from
   * WebAssembly with 16-byte records (libvig/bench/imports.ts), a vector_get cost 23-29 ns copied byte by byte
   * through a Uint8Array and 11-12 ns a word at a time (an import that does nothing: 5 ns).
   */
  readWords(pointer: number, size: number, words: Int32Array, at: number, operation: string, handle: number): void {
    const view = this.view(pointer, size, operation, handle);
    const tail = pointer + (size & ~3);
    for (let from = pointer; from < tail; from += 4) words[at++] = view.getInt32(from, true);
    if ((size & 3) === 0) return;
    let last = 0;
    for (let byte = 0; byte < (size & 3); byte++) last |= view.getUint8(tail + byte) << (byte * 8);
    words[at] = last;
  }

  /** The converse of readWords: `size` bytes from `words` (from word `at` on) to `pointer`. */
  writeWords(words: Int32Array, at: number, pointer: number, size: number, operation: string, handle: number): void {
    const view = this.view(pointer, size, operation, handle);
    const tail = pointer + (size & ~3);
    for (let to = pointer; to < tail; to += 4) view.setInt32(to, words[at++]!, true);
    if ((size & 3) === 0) return;
    const last = words[at]!;
    for (let byte = 0; byte < (size & 3); byte++) view.setUint8(tail + byte, last >>> (byte * 8));
  }

  private refresh(): void {
    const memory = (this.memory ??= (this.source as () => WebAssembly.Memory)());
    const buffer = memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.dataView = new DataView(buffer);
    this.byteView = new Uint8Array(buffer);
  }
}
