// Entry point of the run-time implementation: the `libvig` import object for one NF instance.
//
//   const libvig = createLibVig(() => instance.exports.memory as WebAssembly.Memory);
//   const instance = await WebAssembly.instantiate(wasm, { libvig: libvig.imports, ... });
//
// Each NF instance needs its own: handles number the objects that instance allocated (0, 1, 2, ... in
// allocation order, whatever their kind).
import { Emap } from './emap.ts';
import { LibVigError } from './errors.ts';
import { NfMemory, type MemorySource } from './nf-memory.ts';

export { LibVigError } from './errors.ts';
export type { MemorySource } from './nf-memory.ts';

type LibVigObject = Emap;

export interface LibVig {
  /** The import object for module "libvig" (names and signatures: libvig/README.md). */
  imports: Record<string, (...args: never[]) => number | void>;
  /** The objects allocated so far, by handle (for tests and tools that inspect state). */
  objects: readonly LibVigObject[];
}

export function createLibVig(memorySource: MemorySource): LibVig {
  const memory = new NfMemory(memorySource);
  const objects: LibVigObject[] = [];

  const emap = (handle: number, operation: string): Emap => {
    const object = objects[handle];
    if (object instanceof Emap) return object;
    throw new LibVigError(operation, handle, `object ${handle} is not an emap; pass the handle emap_allocate returned`);
  };

  const imports = {
    emap_allocate(keySize: number, capacity: number): number {
      requireSize('emap_allocate', 'key_size', keySize);
      requireSize('emap_allocate', 'capacity', capacity);
      objects.push(new Emap(objects.length, keySize, capacity, memory));
      return objects.length - 1;
    },
    emap_get: (map: number, key: number): number => emap(map, 'emap_get').get(key),
    emap_has_idx: (map: number, index: number): number => (emap(map, 'emap_has_idx').hasIndex(index) ? 1 : 0),
    emap_get_key: (map: number, index: number, out: number): void => emap(map, 'emap_get_key').getKey(index, out),
    emap_add: (map: number, key: number, now: bigint): number => emap(map, 'emap_add').add(key, now),
    emap_refresh: (map: number, index: number, now: bigint): void => emap(map, 'emap_refresh').refresh(index, now),
    emap_erase: (map: number, key: number): void => emap(map, 'emap_erase').erase(key),
    emap_expire: (map: number, time: bigint): number => emap(map, 'emap_expire').expire(time),
    emap_count: (map: number): number => emap(map, 'emap_count').count,
    emap_full: (map: number): number => {
      const object = emap(map, 'emap_full');
      return object.count === object.capacity ? 1 : 0;
    },
  };
  return { imports, objects };
}

/** Sizes and capacities: positive, and small enough that the tables fit in memory. */
const MAX_SIZE = 1 << 24;

function requireSize(operation: string, parameter: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_SIZE) {
    throw new LibVigError(operation, -1, `${parameter} is ${value}; it must be between 1 and ${MAX_SIZE}`);
  }
}
