// Seeding libVig's run-time through its ABI with the state a counterexample's model gives the objects, and
// reading state back: the replay worker's side, on concrete values only.
import { type LibVigImports, PACKET_BASE } from '../../nf-abi/index.ts';
import { Cht, Emap, type LibVig } from '../../libvig/index.ts';
import type { EmapEntry } from '../ghost/concrete.ts';
import type { ObjectSeed, StateRead } from './replay-protocol.ts';

const NONE = -1;

/** Scratch bytes for keys and records: the staging area before the packet area, never valid for an NF. */
function scratch(memory: WebAssembly.Memory, bytes: bigint, size: number): number {
  const view = new Uint8Array(memory.buffer, PACKET_BASE, size);
  for (let i = 0; i < size; i++) view[i] = Number((bytes >> BigInt(8 * i)) & 0xffn);
  return PACKET_BASE;
}

/** `size` bytes at `address`, as a little-endian number. */
function readBytes(memory: WebAssembly.Memory, address: number, size: number): bigint {
  const view = new Uint8Array(memory.buffer, address, size);
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(view[i]!);
  return value;
}

/**
 * Every libVig object gets the entries, indices, stamps, records or rules of its seed. An lpm is emptied by the
 * run-time's `clear` (libVig's ABI has no removal), then given the model's rules at the addresses the NF looked
 * up; rules that no table can hold together show as a replay that does not reproduce. A cht keeps nf_init's table
 * (`checkCht`).
 */
export function seedState(libvig: LibVig, memory: WebAssembly.Memory, seeds: readonly ObjectSeed[], now: bigint): void {
  const { imports } = libvig;
  for (const seed of seeds) {
    if (seed.kind === 'emap') {
      seedEmap(imports, memory, seed, now);
      // The contract lets the state before the packet hold a stamp as recent as the packet's time
      // (engine/contracts/emap.ts requireTime): a stamp before it, refused there, is refused here too.
      const table = libvig.objects[seed.handle];
      if (!(table instanceof Emap)) throw new Error(`object ${seed.handle} is no emap`);
      table.raiseLatestStamp(now);
    } else if (seed.kind === 'cht') checkCht(libvig, seed);
    else if (seed.kind === 'vector') {
      for (const [index, record] of seed.records) if (index < seed.capacity) imports.vector_set(seed.handle, index, scratch(memory, record, seed.recordBytes));
    } else {
      const table = libvig.objects[seed.handle];
      if (!table || !('clear' in table)) throw new Error(`object ${seed.handle} is no lpm table`);
      table.clear();
      for (const { prefix, length, value } of seed.rules) imports.lpm_add(seed.handle, prefix, length, value);
    }
  }
}

/**
 * The run-time's free indices form a stack: fill the table with placeholder keys, free the wanted indices in the
 * reverse of the order the real keys are added (oldest stamp first), then add them: each lands where the model
 * has it, and the index the packet's first add takes (the model's choice) is the next one free. Placeholders
 * stand for the entries the model counts but never names; they are made recent, but for those the model's
 * expiry removes, which keep the placeholders' stamp 0. When that add takes an index the expiry frees (the
 * theory's addedIndex), its entry is made the newest of those the expiry removes, so that it is freed last and
 * on top of the stack: stamps are never read back, only whether the expiry removes an entry matters.
 */
function seedEmap(libvig: LibVigImports, memory: WebAssembly.Memory, seed: Extract<ObjectSeed, { kind: 'emap' }>, now: bigint): void {
  const { handle, name, capacity, keyBytes, state, expiry } = seed;
  const key = (bytes: bigint) => scratch(memory, bytes, keyBytes);
  const present = state.entries.filter((e) => e.present);
  const fillers = Math.max(0, (state.count ?? present.length) - present.length);
  const wantedIndices = new Set(present.map((e) => e.index));

  // Empty it (nf_init may have filled it), then fill it with placeholders up to capacity.
  for (let i = 0; i < capacity; i++) {
    if (!libvig.emap_has_idx(handle, i)) continue;
    libvig.emap_get_key(handle, i, PACKET_BASE);
    libvig.emap_erase(handle, PACKET_BASE);
  }
  const used = new Set(state.entries.map((e) => e.key));
  const placeholders = new Map<number, bigint>();
  for (let candidate = 1n; placeholders.size < capacity; candidate++) {
    const placeholder = (candidate << 8n) | 0xa5n; // a pattern no real address has by chance
    if (used.has(placeholder)) continue;
    const index = libvig.emap_add(handle, key(placeholder), 0n);
    if (index === NONE) break;
    placeholders.set(index, placeholder);
  }
  // Unnamed entries go to indices the path wants free only when the count leaves no other room (a full table has
  // no free index, whatever a model says of an index no invariant was asked about); the index the packet's add
  // takes goes last, and is freed last, so that it is on top of the stack once the named entries are back.
  const free = new Set(state.free);
  const rank = (index: number) => (index === seed.addIndex ? 2 : free.has(index) ? 1 : 0);
  const candidates = [...placeholders.keys()].filter((i) => !wantedIndices.has(i)).sort((a, b) => rank(a) - rank(b));
  const keep = new Set(candidates.slice(0, fillers));
  const freedLast = (e: EmapEntry) => expiry !== null && e.index === seed.addIndex && BigInt.asIntN(64, e.stamp) < expiry.time;
  const stamped = present.map((e) => (freedLast(e) ? { ...e, stamp: minimum(expiry!.time - 1n, now) } : e));
  const wanted = stamped.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : Number(freedLast(a)) - Number(freedLast(b))));
  const unwanted = [...placeholders].filter(([index]) => !keep.has(index) && !wantedIndices.has(index));
  for (const [, placeholder] of unwanted.sort(([a], [b]) => Number(a === seed.addIndex) - Number(b === seed.addIndex))) libvig.emap_erase(handle, key(placeholder));
  for (const entry of [...wanted].reverse()) libvig.emap_erase(handle, key(placeholders.get(entry.index)!));
  for (const entry of wanted) {
    const index = libvig.emap_add(handle, key(entry.key), entry.stamp);
    if (index !== entry.index) throw new Error(`${name}: the run-time placed a key at index ${index}, not ${entry.index}`);
  }
  for (const index of [...keep].slice(expiry?.fillers ?? 0)) libvig.emap_refresh(handle, index, now);
}

const minimum = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * The run-time's table must be the one the counterexample's cht choices were made the table's for (the same rows
 * over the same backends, from nf.json's configuration), and on the packet it must choose what the counterexample
 * has for each of those hashes: a choice that differs stops the NF with what differed, so the replay says so.
 */
function checkCht(libvig: LibVig, seed: Extract<ObjectSeed, { kind: 'cht' }>): void {
  const table = libvig.objects[seed.handle];
  if (!(table instanceof Cht)) throw new Error(`object ${seed.handle} is no cht`);
  if (table.height !== seed.height || table.backendCapacity !== seed.capacity) {
    throw new Error(`the run-time's cht has ${table.height} rows over ${table.backendCapacity} backends, the counterexample's choices were made for ${seed.height} rows over ${seed.capacity}`);
  }
  if (seed.choices.length === 0) return;
  const expected = new Map(seed.choices.map(({ hash, backend }) => [hash, backend]));
  const find = table.findBackend.bind(table);
  table.findBackend = (hash, isAlive) => {
    const chosen = find(hash, isAlive);
    const backend = expected.get(hash >>> 0);
    if (backend !== undefined && backend !== chosen) {
      throw new Error(`the run-time's cht chose ${chosen < 0 ? 'no backend' : `backend ${chosen}`} for hash 0x${(hash >>> 0).toString(16).padStart(8, '0')}, where the counterexample has ${backend < 0 ? 'none' : `backend ${backend}`}`);
    }
    return chosen;
  };
}

/**
 * One read's value now (see `StateRead`); `globals` reads the instance's exports of globals. Object reads come
 * only for objects nf_init allocated, so for NFs that import libVig.
 */
export function readState(runtime: LibVig | null, memory: WebAssembly.Memory, read: StateRead, globals: (index: number) => bigint): bigint | null {
  const libvig = runtime?.imports;
  switch (read.kind) {
    case 'global': return globals(read.index);
    case 'memory': return readBytes(memory, read.address, read.bytes);
    case 'emap-key': return BigInt(libvig!.emap_get(read.handle, scratch(memory, read.key, read.keyBytes)));
    case 'emap-index':
      if (!libvig!.emap_has_idx(read.handle, read.index)) return null;
      libvig!.emap_get_key(read.handle, read.index, PACKET_BASE);
      return readBytes(memory, PACKET_BASE, read.keyBytes);
    case 'emap-count': return BigInt(libvig!.emap_count(read.handle));
    case 'emap-stamp': {
      const table = runtime!.objects[read.handle];
      if (!(table instanceof Emap)) throw new Error(`object ${read.handle} is no emap`);
      return table.stampAt(read.index);
    }
    case 'vector':
      libvig!.vector_get(read.handle, read.index, PACKET_BASE);
      return readBytes(memory, PACKET_BASE, read.recordBytes);
  }
}
