// Entry point of the run-time implementation: the `libvig` import object for one NF instance.
//
//   let instance: WebAssembly.Instance;
//   const libvig = createLibVig(() => instance.exports.memory as WebAssembly.Memory);
//   ({ instance } = await WebAssembly.instantiate(wasm, { libvig: libvig.imports, ... }));
//
// Each NF instance needs its own: handles number the objects that instance allocated (0, 1, 2, ... in
// allocation order, whatever their kind).
import type { LibVigImports } from '../../nf-abi/index.ts';
import { Cht } from './cht.ts';
import { Emap } from './emap.ts';
import { MAX_SIZE, type ObjectKind, violation } from './errors.ts';
import { Lpm } from './lpm.ts';
import { LpmLookup } from './lpm-lookup.ts';
import { NfMemory, type MemorySource } from './nf-memory.ts';
import { TimeAdapter } from './time-adapter.ts';
import { Vector } from './vector.ts';

export { LibVigError } from './errors.ts';
export type { MemorySource } from './nf-memory.ts';
export type { LibVigImports } from '../../nf-abi/index.ts';
export { Cht, Emap, Lpm, Vector };

export type LibVigObject = Emap | Vector | Cht | Lpm;

export interface LibVig {
  /** The import object for module "libvig" (names and signatures: libvig/abi.ts, meaning: libvig/README.md). */
  imports: LibVigImports;
  /** The objects allocated so far, by handle (for tests and tools that inspect state). */
  objects: readonly LibVigObject[];
}

const KINDS = new Map<unknown, ObjectKind>([
  [Emap, 'emap'],
  [Vector, 'vector'],
  [Cht, 'cht'],
  [Lpm, 'lpm'],
]);

export function createLibVig(memorySource: MemorySource): LibVig {
  // Methods rather than arrow functions: the per-call cost is the same, and a fresh run-time per test sequence
  // stays cheap under tsx, which wraps every arrow function it names.
  // The imports with an i64 time, as the JavaScript functions time-adapter.ts calls with the time's two halves
  // (never before `registry` below, which keeps the adapter's store, exists).
  const timeAdapter = new TimeAdapter({
    emap_add(map: number, key: number, nowLow: number, nowHigh: number): number {
      return registry.emap(map, 'emap_add').add(key, nowLow, nowHigh);
    },
    emap_refresh(map: number, index: number, nowLow: number, nowHigh: number): void {
      registry.emap(map, 'emap_refresh').refresh(index, nowLow, nowHigh);
    },
    emap_expire(map: number, timeLow: number, timeHigh: number): number {
      return registry.emap(map, 'emap_expire').expire(timeLow, timeHigh);
    },
  });
  const registry = new Registry(new NfMemory(memorySource), timeAdapter);
  const imports: LibVigImports = {
    emap_allocate(keySize: number, capacity: number): number {
      requireSize('emap_allocate', 'key_size', keySize);
      requireSize('emap_allocate', 'capacity', capacity);
      return registry.addEmap(keySize, capacity);
    },
    emap_get(map: number, key: number): number {
      return registry.emap(map, 'emap_get').get(key);
    },
    emap_has_idx(map: number, index: number): number {
      return registry.emap(map, 'emap_has_idx').hasIndex(index) ? 1 : 0;
    },
    emap_get_key(map: number, index: number, out: number): void {
      registry.emap(map, 'emap_get_key').getKey(index, out);
    },
    emap_add: timeAdapter.imports.emap_add,
    emap_refresh: timeAdapter.imports.emap_refresh,
    emap_erase(map: number, key: number): void {
      registry.emap(map, 'emap_erase').erase(key);
    },
    emap_expire: timeAdapter.imports.emap_expire,
    emap_count(map: number): number {
      return registry.emap(map, 'emap_count').count;
    },
    emap_full(map: number): number {
      return registry.emap(map, 'emap_full').full ? 1 : 0;
    },

    vector_allocate(recordSize: number, capacity: number): number {
      requireSize('vector_allocate', 'record_size', recordSize);
      requireSize('vector_allocate', 'capacity', capacity);
      return registry.addVector(recordSize, capacity);
    },
    vector_get(vector: number, index: number, out: number): void {
      registry.vector(vector, 'vector_get').get(index, out);
    },
    vector_set(vector: number, index: number, record: number): void {
      registry.vector(vector, 'vector_set').set(index, record);
    },

    cht_allocate(height: number, backendCapacity: number): number {
      requireSize('cht_allocate', 'height', height);
      requireSize('cht_allocate', 'backend_capacity', backendCapacity);
      return registry.add(new Cht(registry.objects.length, height, backendCapacity));
    },
    cht_find_backend(cht: number, hash: number, backends: number): number {
      const liveBackends = registry.emap(backends, 'cht_find_backend');
      return registry.objectOf(Cht, cht, 'cht_find_backend').findBackend(hash, (backend) => liveBackends.hasIndex(backend));
    },

    lpm_allocate(capacity: number): number {
      requireSize('lpm_allocate', 'capacity', capacity);
      return registry.addLpm(capacity);
    },
    lpm_add(lpm: number, prefix: number, length: number, value: number): number {
      return registry.objectOf(Lpm, lpm, 'lpm_add').add(prefix, length, value);
    },
    // Answered in WebAssembly (lpm-lookup.ts), made when first read: a run-time whose NF has no lpm never pays for it.
    get lpm_lookup() {
      return registry.lpmLookup.lpm_lookup;
    },
  };
  return { imports, objects: registry.objects };
}

/** One NF instance's objects, by handle. */
class Registry {
  readonly objects: LibVigObject[] = [];
  /** The emaps, vectors and lpm tables by handle, so that the per-packet calls find theirs without a type test. */
  private readonly emaps: Emap[] = [];
  private readonly vectors: Vector[] = [];
  private readonly lpms: Lpm[] = [];

  constructor(
    readonly memory: NfMemory,
    private readonly timeAdapter: TimeAdapter,
  ) {}

  add(object: LibVigObject): number {
    return this.objects.push(object) - 1;
  }

  addEmap(keySize: number, capacity: number): number {
    const handle = this.objects.length;
    const emap = new Emap(handle, keySize, capacity, this.memory, this.timeAdapter.oldestStampCell(handle));
    this.emaps[handle] = emap;
    this.add(emap);
    // Only now: had the emap failed to be created, the handle would go to another object.
    this.timeAdapter.enableExpiryShortcut(handle);
    return handle;
  }

  addVector(recordSize: number, capacity: number): number {
    const vector = new Vector(this.objects.length, recordSize, capacity, this.memory);
    this.vectors[vector.handle] = vector;
    return this.add(vector);
  }

  private lookupStore: LpmLookup | null = null;

  /** Where lpm tries keep their slots, and the lookup that reads them in WebAssembly (the others' in JavaScript). */
  get lpmLookup(): LpmLookup {
    return (this.lookupStore ??= new LpmLookup((lpm, address) => this.lpm(lpm, 'lpm_lookup').lookup(address)));
  }

  addLpm(capacity: number): number {
    const lpm = new Lpm(this.objects.length, capacity, this.lpmLookup);
    this.lpms[lpm.handle] = lpm;
    return this.add(lpm);
  }

  lpm(handle: number, operation: string): Lpm {
    return this.lpms[handle] ?? this.objectOf(Lpm, handle, operation);
  }

  emap(handle: number, operation: string): Emap {
    return this.emaps[handle] ?? this.objectOf(Emap, handle, operation);
  }

  vector(handle: number, operation: string): Vector {
    return this.vectors[handle] ?? this.objectOf(Vector, handle, operation);
  }

  objectOf<Kind extends LibVigObject>(kind: abstract new (...args: never[]) => Kind, handle: number, operation: string): Kind {
    const object = this.objects[handle];
    if (object instanceof kind) return object as Kind;
    throw violation.wrongKind(operation, handle, KINDS.get(kind)!, object === undefined ? null : KINDS.get(object.constructor)!);
  }
}

function requireSize(operation: string, parameter: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_SIZE) {
    throw violation.size(operation, parameter, value);
  }
}
