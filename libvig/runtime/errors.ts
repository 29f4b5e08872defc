// The one error type the run-time throws: a libVig precondition violated by the NF (or a bad allocation).
// Thrown from a host import, it unwinds the NF's WebAssembly call like a trap, so a run stops at the first
// misuse instead of corrupting state; the message names the call, the object and the rule that was broken.
//
// Both run-times (this folder's, and libvig/wasm/'s, which reports its failures through an import) word their
// errors with the functions of `violation` below, so that a NF breaking a rule reads the same on either.
import { MAX_CHT_ENTRIES, MAX_SIZE } from '../../nf-abi/index.ts';

export { MAX_CHT_ENTRIES, MAX_SIZE };

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

/** The kinds of object, as the allocating import names them (`emap` for emap_allocate). */
export type ObjectKind = 'emap' | 'vector' | 'cht' | 'lpm';
const WITH_ARTICLE: Record<ObjectKind, string> = { emap: 'an emap', vector: 'a vector', cht: 'a cht', lpm: 'an lpm' };

/** Every precondition failure, worded once. */
export const violation = {
  size: (operation: string, parameter: string, value: number) =>
    new LibVigError(operation, -1, `${parameter} is ${value}; it must be between 1 and ${MAX_SIZE}`),
  wrongKind: (operation: string, handle: number, expected: ObjectKind, found: ObjectKind | null) => {
    const what = found === null ? 'no object has this handle' : `it is ${WITH_ARTICLE[found]}`;
    return new LibVigError(operation, handle, `expected ${WITH_ARTICLE[expected]} handle but ${what}; pass the handle ${expected}_allocate returned`);
  },
  outsideMemory: (operation: string, handle: number, size: number, pointer: number, memoryBytes: number) =>
    new LibVigError(operation, handle, `${size} bytes at address ${pointer >>> 0} lie outside the NF's memory (${memoryBytes} bytes); pass a pointer into the NF's own data`),
  keyPresent: (operation: string, handle: number, index: number) =>
    new LibVigError(operation, handle, `the key is already present at index ${index}; call emap_get first and add only when it returns -1`),
  keyAbsent: (operation: string, handle: number) => new LibVigError(operation, handle, 'the key is not present; erase only a key emap_get found'),
  indexNotAllocated: (operation: string, handle: number, index: number, capacity: number) => {
    const what = index >= 0 && index < capacity ? 'is not allocated' : `is out of range 0..${capacity - 1}`;
    return new LibVigError(operation, handle, `index ${index} ${what}; use an index emap_get or emap_add returned, after checking emap_has_idx`);
  },
  timeBackwards: (operation: string, handle: number, now: bigint, latest: bigint) =>
    new LibVigError(operation, handle, `time went backwards: ${now} ns is before ${latest} ns, the last time given to emap_add or emap_refresh`),
  indexOutOfRange: (operation: string, handle: number, index: number, capacity: number) =>
    new LibVigError(operation, handle, `index ${index} is out of range 0..${capacity - 1}; check the index before using it`),
  heightNotPrime: (height: number) =>
    new LibVigError('cht_allocate', -1, `height ${height} is not a prime; Maglev needs a prime height (e.g. 65537 for 65,536 rows)`),
  chtTooLarge: (height: number, backendCapacity: number) =>
    new LibVigError('cht_allocate', -1, `height ${height} x ${backendCapacity} backends is more than ${MAX_CHT_ENTRIES} entries; use a smaller height`),
  prefixLength: (handle: number, length: number) => new LibVigError('lpm_add', handle, `prefix length ${length} is not in 0..32`),
  /** The WebAssembly run-time's only failure of its own: its region (nf-abi/memory-layout.ts) cannot hold an object. */
  regionFull: (operation: string, handle: number, bytes: bigint) =>
    new LibVigError(operation, handle, `libVig's region of the NF's memory (nf-abi/memory-layout.ts) has no room for ${bytes} more bytes; allocate smaller tables`),
  negativeValue: (handle: number, value: number) =>
    new LibVigError('lpm_add', handle, `value ${value} is negative; values are 0..2^31-1 (-1 means "no match")`),
};
