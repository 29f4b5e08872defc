// Access to the NF's linear memory, where keys and records are copied from and to.
// The NF's memory exists only once its instance does, and its ArrayBuffer is replaced whenever it grows, so
// the views are re-made lazily when the buffer changes.
import { LibVigError } from './errors.ts';

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
    if (pointer < 0 || pointer + size > this.byteView.length) {
      const at = pointer >>> 0;
      throw new LibVigError(operation, handle, `${size} bytes at address ${at} lie outside the NF's memory (${this.byteView.length} bytes); pass a pointer into the NF's own data`);
    }
    return this.dataView;
  }

  /**
   * The whole memory as bytes, once `size` bytes at `pointer` are checked to lie inside it. The caller indexes it
   * at `pointer`: a subarray per call would allocate on every vector access.
   */
  bytes(pointer: number, size: number, operation: string, handle: number): Uint8Array {
    this.view(pointer, size, operation, handle);
    return this.byteView;
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
