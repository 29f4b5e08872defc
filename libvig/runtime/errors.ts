// The one error type the run-time throws: a libVig precondition violated by the NF (or a bad allocation).
// Thrown from a host import, it unwinds the NF's WebAssembly call like a trap, so a run stops at the first
// misuse instead of corrupting state; the message names the call, the object and the rule that was broken.

export class LibVigError extends Error {
  constructor(
    /** The import that was called, e.g. `emap_add`. */
    readonly operation: string,
    /** The object's handle, or -1 for an allocation. */
    readonly handle: number,
    detail: string,
  ) {
    super(`libvig ${operation}${handle >= 0 ? ` (object ${handle})` : ''}: ${detail}`);
    this.name = 'LibVigError';
  }
}
