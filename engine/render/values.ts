// Values in the NF's own words: records by field name (nf.json's layouts), emap keys as specs pass them, and
// times as durations from a readable origin instead of raw nanoseconds.
import { type Manifest, type RecordField, showField } from '../../nf-abi/index.ts';
import { layout } from '../validate/check.ts';

const bytesOf = (value: bigint, size: number): number[] => Array.from({ length: size }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));

/**
 * A field's value from its bits: a `bytes:6` field is a MAC address (nf-abi's notation), another byte string its
 * bytes, a number its decimal value.
 */
export function showRecordField(type: RecordField['type'], value: bigint): string {
  if (type === 'i32') return String(BigInt.asIntN(32, value));
  if (!type.startsWith('bytes:')) return String(value);
  const size = Number(type.slice('bytes:'.length));
  const bytes = bytesOf(value, size);
  return size === 6 ? showField('mac', bytes) : bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** A record as its type and fields: `DynamicValue { output_port: 0 }`. */
export function showRecord(manifest: Manifest, record: string, value: bigint): string {
  const fields = manifest.records[record] ?? [];
  const parts = layout(fields).map(([name, offset, bits, signed], i) => {
    const bitsOf = (value >> BigInt(offset * 8)) & ((1n << BigInt(bits)) - 1n);
    return `${name}: ${showRecordField(fields[i]!.type, signed ? BigInt.asIntN(bits, bitsOf) : bitsOf)}`;
  });
  return `${record} { ${parts.join(', ')} }`;
}

/** The record type of a state object's keys (an emap) or elements (a vector), if nf.json names one. */
export const recordOf = (manifest: Manifest, object: string): string | undefined => manifest.state.find((s) => s.name === object)?.record;

/**
 * A state object's key or element: a one-field record as its field's value (specs pass a MAC address to
 * `dyn_emap.has`), a record of several fields with their names; without a record, its bytes.
 */
export function showStateValue(manifest: Manifest, object: string, value: bigint, bytes: number): string {
  const record = recordOf(manifest, object);
  const fields = record ? manifest.records[record] : undefined;
  if (!record || !fields) return bytesOf(value, bytes).map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return fields.length === 1 && isKey(manifest, object) ? showRecordField(fields[0]!.type, value) : showRecord(manifest, record, value);
}

const isKey = (manifest: Manifest, object: string) => manifest.state.find((s) => s.name === object)?.kind === 'emap';

const UNITS: readonly [unit: string, ns: bigint][] = [
  ['d', 86_400_000_000_000n], ['h', 3_600_000_000_000n], ['min', 60_000_000_000n], ['s', 1_000_000_000n], ['ms', 1_000_000n], ['µs', 1_000n], ['ns', 1n],
];

/** A duration in days down to nanoseconds, without the units that are zero (`5 min`, `5 min 1 ns`, `0 ns`): exact. */
export function showDuration(ns: bigint): string {
  if (ns < 0n) return `-${showDuration(-ns)}`;
  const parts: string[] = [];
  let rest = ns;
  for (const [unit, size] of UNITS) {
    if (rest >= size) parts.push(`${rest / size} ${unit}`);
    rest %= size;
  }
  return parts.length ? parts.join(' ') : '0 ns';
}

/**
 * Times of one counterexample from the packet's arrival, `t0`: the entries it relies on were stamped `t0 - 5 min`,
 * which reads against an expiration time directly. `origin` gives t0 in nanoseconds, so it can be re-run.
 */
export class TimeOrigin {
  constructor(readonly t0: bigint) {}

  show(time: bigint): string {
    const offset = time - this.t0;
    return offset === 0n ? 't0' : offset > 0n ? `t0 + ${showDuration(offset)}` : `t0 - ${showDuration(-offset)}`;
  }

  get origin(): string {
    return `t0 = ${this.t0} ns`;
  }
}
