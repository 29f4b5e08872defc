// Contracts of the vector imports (libvig/runtime/vector.ts): fixed-size records by index, over engine/ghost/vector.ts.
import { fieldBound, type Manifest, type StateObject } from '../../nf-abi/index.ts';
import { vectorBase, vectorGet, vectorSet } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import type { CallContext } from '../symbex/import-contracts.ts';
import type { Value } from '../symbex/state.ts';
import { toTerm } from '../symbex/values.ts';
import { allocate, concrete, find, i32, type LibVigObject, type StructureContracts, update } from './objects.ts';

export function vectorContracts(manifest: Manifest): StructureContracts<'vector'> {
  return {
    vector_allocate: (context, args) => {
      const [recordBytes, capacity] = args.map((a) => concrete(context, a, 'vector_allocate'));
      return allocate(context, manifest, 'vector', capacity!, (name, declared) => ({
        kind: 'vector', name, recordBytes: recordBytes!, capacity: capacity!,
        version: vectorBase({ name, capacity: capacity!, recordBits: recordBytes! * 8, invariant: recordInvariant(manifest, declared) }, true),
      }));
    },

    vector_get: (context, [vector, index, out]) => {
      const object = find(context, vector!, 'vector');
      const i = requireSlot(context, object, index!, 'vector_get');
      const facts: Term[] = [];
      const record = vectorGet(object.version, i, facts);
      context.oracle.assume(context.state, facts);
      context.write(out!, object.recordBytes, record);
      return [];
    },

    vector_set: (context, [vector, index, record]) => {
      const object = find(context, vector!, 'vector');
      const i = requireSlot(context, object, index!, 'vector_set');
      const value = toTerm(context.read(record!, object.recordBytes), object.recordBytes * 8);
      const kept = object.version.object.invariant?.(value);
      if (kept && context.oracle.choose(context.state, [kept, T.not(kept)]) === 1) brokenBounds(context, object, vector as number, i, value);
      update(context.state, object, vectorSet(object.version, i, value));
      return [];
    },
  };
}

/** A set that stores a record breaking the bounds: a violation whose replay must find that record stored. */
function brokenBounds(context: CallContext, object: Extract<LibVigObject, { kind: 'vector' }>, handle: number, index: Term, value: Term): never {
  const record = T.evaluate(value, context.state.model);
  return context.oracle.fail(context.state, 'precondition', `vector_set on ${object.name}: the record may break the bounds nf.json declares for its fields`, {
    kind: 'stores-record', handle, object: object.name, index: Number(T.evaluate(index, context.state.model)),
    record: Array.from({ length: object.recordBytes }, (_, k) => Number((record >> BigInt(8 * k)) & 0xffn)),
  });
}

/** The manifest's field bounds of a vector's records, as a condition on a record's bits. */
export function recordInvariant(manifest: Manifest, declared: StateObject | undefined): ((record: Term) => Term) | null {
  const fields = declared?.record ? manifest.records[declared.record] : undefined;
  if (!fields) return null;
  const bounds: { low: number; bits: number; below: bigint }[] = [];
  let offset = 0;
  for (const field of fields) {
    const bits = fieldBits(field.type);
    if (field.below !== undefined) bounds.push({ low: offset, bits, below: fieldBound(manifest, field.below) });
    offset += bits;
  }
  if (bounds.length === 0) return null;
  return (record) => T.and(...bounds.map((b) => T.compare('ult', T.extract(b.low + b.bits - 1, b.low, record), T.bv(b.below, b.bits))));
}

const fieldBits = (type: string): number => (type.startsWith('bytes:') ? Number(type.slice(6)) : { u8: 1, u16: 2, u32: 4, i32: 4, u64: 8 }[type]!) * 8;

function requireSlot(context: CallContext, object: Extract<LibVigObject, { kind: 'vector' }>, index: Value, what: string): Term {
  const i = toTerm(index, 32);
  context.oracle.require(context.state, T.compare('ult', i, i32(object.capacity)), 'precondition', `${what} on ${object.name}: the index may be outside 0..${object.capacity - 1}`);
  return i;
}
