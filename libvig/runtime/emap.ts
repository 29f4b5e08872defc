// emap: the spec-facing object (key -> index, index -> key, index allocator with time stamps), as the NF sees
// it through the libvig imports. Checks every precondition of libvig/README.md and throws a LibVigError when
// one is broken.
import { LibVigError } from './errors.ts';
import { hashKeyWords } from './hash.ts';
import { IndexChain } from './index-chain.ts';
import { KeyTable } from './key-table.ts';
import type { NfMemory } from './nf-memory.ts';

export class Emap {
  private readonly table: KeyTable;
  private readonly chain: IndexChain;
  /** The key of the current call, as words. */
  private readonly key: Int32Array;

  constructor(
    readonly handle: number,
    readonly keySize: number,
    readonly capacity: number,
    private readonly memory: NfMemory,
  ) {
    this.table = new KeyTable(capacity, keySize);
    this.chain = new IndexChain(capacity);
    this.key = new Int32Array(this.table.keyWords);
  }

  get count(): number {
    return this.chain.count;
  }

  get full(): boolean {
    return this.chain.count === this.capacity;
  }

  get(keyPointer: number): number {
    return this.table.find(this.key, this.readKey(keyPointer, 'emap_get'));
  }

  hasIndex(index: number): boolean {
    return this.chain.isAllocated(index);
  }

  getKey(index: number, outPointer: number): void {
    this.requireAllocated(index, 'emap_get_key');
    const view = this.memory.view(outPointer, this.keySize, 'emap_get_key', this.handle);
    const words = this.table.keyOf(index);
    for (let byte = 0; byte < this.keySize; byte++) view.setUint8(outPointer + byte, words[byte >> 2]! >>> ((byte & 3) * 8));
  }

  add(keyPointer: number, now: bigint): number {
    this.requireTimeNotBefore(now, 'emap_add');
    const hash = this.readKey(keyPointer, 'emap_add');
    const present = this.table.find(this.key, hash);
    if (present >= 0) {
      throw new LibVigError('emap_add', this.handle, `the key is already present at index ${present}; call emap_get first and add only when it returns -1`);
    }
    const index = this.chain.allocate(now);
    if (index >= 0) this.table.insert(this.key, hash, index);
    return index;
  }

  refresh(index: number, now: bigint): void {
    this.requireAllocated(index, 'emap_refresh');
    this.requireTimeNotBefore(now, 'emap_refresh');
    this.chain.refresh(index, now);
  }

  erase(keyPointer: number): void {
    const index = this.table.find(this.key, this.readKey(keyPointer, 'emap_erase'));
    if (index < 0) throw new LibVigError('emap_erase', this.handle, 'the key is not present; erase only a key emap_get found');
    this.remove(index);
  }

  expire(time: bigint): number {
    let removed = 0;
    for (let index = this.chain.oldestBefore(time); index >= 0; index = this.chain.oldestBefore(time)) {
      this.remove(index);
      removed++;
    }
    return removed;
  }

  private remove(index: number): void {
    this.table.remove(index);
    this.chain.free(index);
  }

  /** Copies the key at `pointer` into `this.key` (whole little-endian words, the last one zero-padded) and returns its hash. */
  private readKey(pointer: number, operation: string): number {
    const view = this.memory.view(pointer, this.keySize, operation, this.handle);
    const { key, keySize } = this;
    const wholeWords = keySize >> 2;
    for (let word = 0; word < wholeWords; word++) key[word] = view.getInt32(pointer + word * 4, true);
    const tail = pointer + wholeWords * 4;
    switch (keySize & 3) {
      case 1:
        key[wholeWords] = view.getUint8(tail);
        break;
      case 2:
        key[wholeWords] = view.getUint16(tail, true);
        break;
      case 3:
        key[wholeWords] = view.getUint16(tail, true) | (view.getUint8(tail + 2) << 16);
        break;
    }
    return hashKeyWords(key, keySize);
  }

  private requireAllocated(index: number, operation: string): void {
    if (!this.chain.isAllocated(index)) {
      const what = index >= 0 && index < this.capacity ? 'is not allocated' : `is out of range 0..${this.capacity - 1}`;
      throw new LibVigError(operation, this.handle, `index ${index} ${what}; use an index emap_get or emap_add returned, after checking emap_has_idx`);
    }
  }

  private requireTimeNotBefore(now: bigint, operation: string): void {
    if (now < this.chain.latestStamp) {
      throw new LibVigError(operation, this.handle, `time went backwards: ${now} ns is before ${this.chain.latestStamp} ns, the last time given to emap_add or emap_refresh`);
    }
  }
}
