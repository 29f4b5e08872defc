// Records, keys and values of an NF's libVig state in the words nf.json gives them: records by field name, a
// `bytes:6` field as a MAC address, an emap's one-field key as its value. The one notation of state for
// counterexamples, replays and trace terms (field values of frames are notation.ts's).
import { fieldBytes, type Manifest, type RecordField } from './manifest.ts';
import { showField } from './notation.ts';

/** The bytes of a value as libVig stores it, least significant first (memory order on a little-endian machine). */
const bytesOf = (value: bigint, size: number): number[] => Array.from({ length: size }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));

/**
 * A record field's value from its bits: a `bytes:6` field is a MAC address (nf-abi's notation), an `i32` signed,
 * any other field (a `bytes:N` too) the number a spec reads from it, a little-endian load.
 */
export function showRecordField(type: RecordField['type'], value: bigint): string {
  if (type === 'i32') return String(BigInt.asIntN(32, value));
  return type === 'bytes:6' ? showField('mac', bytesOf(value, 6)) : String(value);
}

/** A record as its type and fields, in nf.json's order: `DynamicValue { output_port: 0 }`. */
export function showRecord(manifest: Manifest, record: string, value: bigint): string {
  let offset = 0;
  const parts = (manifest.records[record] ?? []).map(({ name, type }) => {
    const bits = BigInt(fieldBytes(type) * 8);
    const field = (value >> BigInt(offset * 8)) & ((1n << bits) - 1n);
    offset += fieldBytes(type);
    return `${name}: ${showRecordField(type, field)}`;
  });
  return `${record} { ${parts.join(', ')} }`;
}

/** The record type of a state object's keys (an emap) or elements (a vector), if nf.json names one. */
export const recordOf = (manifest: Manifest, object: string): string | undefined => manifest.state.find((s) => s.name === object)?.record;

/**
 * A state object's key or element: a one-field record of an emap's key as its field's value (specs pass a MAC
 * address to `dyn_emap.has`), any other record with its field names; without a record, the number a spec reads.
 */
export function showStateValue(manifest: Manifest, object: string, value: bigint): string {
  const record = recordOf(manifest, object);
  const fields = record ? manifest.records[record] : undefined;
  if (!record || !fields) return String(value);
  const isKey = manifest.state.find((s) => s.name === object)?.kind === 'emap';
  return fields.length === 1 && isKey ? showRecordField(fields[0]!.type, value) : showRecord(manifest, record, value);
}
