// Replaying a counterexample on the run-time NF: the very .wasm in V8 with libVig's run-time, its state seeded
// through the libVig ABI with the entries the counterexample's model describes, then the frame processed.
import { type LibVigImports, outputName, PACKET_BASE } from '../../nf-abi/index.ts';
import { loadNf } from '../../libvig/index.ts';
import type { LibVigObject } from '../contracts/index.ts';
import type { Assignment, Term } from '../solver/term.ts';
import { concreteEmap, concreteVector, type ConcreteEmap } from '../ghost/concrete.ts';
import { inputFromModel, type NfExploration } from '../nf/explore-nf.ts';

export interface Replay {
  /** Did the run-time NF do what the trace predicts for this input (output, or the same fault)? */
  reproduced: boolean;
  /** What happened, in words: the output, or the run-time's error. */
  observed: string;
}

const NONE = -1;

/**
 * Replays `witness` (a model and the terms it speaks about) on the run-time NF: it should give `expected`,
 * the output the trace predicts, or a fault for a violation.
 */
export function replayOnRuntime(run: NfExploration, witness: { model: Assignment; terms: readonly Term[] }, expected: { output: bigint } | { fault: true }): Replay {
  const { model, terms } = witness;
  const input = inputFromModel(model);
  const nf = loadNf(run.build);
  try {
    if (nf.libvig) seedState(nf.libvig.imports, nf.memory, run.objects, terms, model, input.now);
  } catch (e) {
    return { reproduced: false, observed: `the run-time state could not be seeded from the counterexample: ${(e as Error).message}` };
  }
  let output: number;
  try {
    output = nf.process(input.device, input.packet, input.now).output;
  } catch (e) {
    return { reproduced: 'fault' in expected, observed: `the run-time stopped: ${(e as Error).message}` };
  }
  const observed = `the run-time NF returned ${outputName(output)}`;
  return { reproduced: 'output' in expected && BigInt.asUintN(32, BigInt(output)) === expected.output, observed };
}

/** Every libVig object gets the entries, indices, stamps and records the model gives the state at the path's terms. */
function seedState(libvig: LibVigImports, memory: WebAssembly.Memory, objects: readonly LibVigObject[], terms: readonly Term[], model: Assignment, now: bigint): void {
  const scratch = (bytes: bigint, size: number): number => {
    const view = new Uint8Array(memory.buffer, PACKET_BASE, size);
    for (let i = 0; i < size; i++) view[i] = Number((bytes >> BigInt(8 * i)) & 0xffn);
    return PACKET_BASE;
  };
  // lpm tables are left as nf_init made them (seeding rules from a model is not done yet); a cht has no state.
  objects.forEach((object, handle) => {
    if (object.kind === 'emap') seedEmap(libvig, handle, object, concreteEmap(object.name, object.keyBytes * 8, object.capacity, terms, model), now, scratch);
    if (object.kind === 'vector') {
      for (const [index, record] of concreteVector(object.name, object.recordBytes * 8, terms, model)) {
        if (index < object.capacity) libvig.vector_set(handle, index, scratch(record, object.recordBytes));
      }
    }
  });
}

/**
 * The run-time's free indices form a stack: fill the table with placeholder keys, free the wanted indices in the
 * reverse of the order the real keys are added (oldest stamp first), then add them: each lands where the model
 * has it. Placeholders stand for the entries the model counts but never names; they are made recent.
 */
function seedEmap(libvig: LibVigImports, handle: number, object: Extract<LibVigObject, { kind: 'emap' }>, state: ConcreteEmap, now: bigint, scratch: (bytes: bigint, size: number) => number): void {
  const { name, capacity, keyBytes } = object;
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
    const key = (candidate << 8n) | 0xa5n; // a pattern no real address has by chance
    if (used.has(key)) continue;
    const index = libvig.emap_add(handle, scratch(key, keyBytes), 0n);
    if (index === NONE) break;
    placeholders.set(index, key);
  }
  // Unnamed entries go to indices the path wants free only when the count leaves no other room (a full table has
  // no free index, whatever a model says of an index no invariant was asked about).
  const free = new Set(state.free);
  const candidates = [...placeholders.keys()].filter((i) => !wantedIndices.has(i)).sort((a, b) => Number(free.has(a)) - Number(free.has(b)));
  const keep = new Set(candidates.slice(0, fillers));
  const wanted = [...present].sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0));
  for (const [index, key] of placeholders) if (!keep.has(index) && !wantedIndices.has(index)) libvig.emap_erase(handle, scratch(key, keyBytes));
  for (const entry of [...wanted].reverse()) libvig.emap_erase(handle, scratch(placeholders.get(entry.index)!, keyBytes));
  for (const entry of wanted) {
    const index = libvig.emap_add(handle, scratch(entry.key, keyBytes), entry.stamp);
    if (index !== entry.index) throw new Error(`${name}: the run-time placed a key at index ${index}, not ${entry.index}`);
  }
  for (const index of keep) libvig.emap_refresh(handle, index, now);
}
