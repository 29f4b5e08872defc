// What a spec path claims about an NF trace, as labelled terms that must hold on the path.
import type { SpecObject } from '../contracts/index.ts';
import { EmapQueries, type EmapVersion, type GhostClock } from '../ghost/emap.ts';
import { vectorGet, type VectorVersion } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { DROP, FLOOD, HEADER_FIELDS, type Protocol } from '../../nf-abi/index.ts';
import { type FrameBytes, frameHeaders } from '../nf/frame-headers.ts';
import { inChecksumField } from '../nf/well-formed.ts';

/**
 * Checksum fields (ipv4.cksum, and TCP's or UDP's in the payload) are compared by validity, not by value: the
 * well-formed check (engine/nf/well-formed.ts) proves that a checksum valid on input is valid on output, and
 * its value follows from every other byte. So a spec that rewrites an address need not compute checksums.
 */
const CHECKSUM_FIELD = 'cksum';

export interface Obligation {
  label: string;
  term: Term;
}

/** The NF's output value as the set of devices the frame leaves on. */
export function sentOn(output: Term, device: Term, j: number): Term {
  return T.or(T.eq(output, T.bv(j, 32)), T.and(T.eq(output, T.bv(FLOOD, 32)), T.not(T.eq(device, T.bv(j, 32)))));
}

/**
 * `return (ports, headers)`: the frame leaves on exactly `ports` (unless "any"), carrying exactly these headers
 * with these fields, and every byte after the last of them is the input's, in place (unless the header list
 * ended with `...`: `anyPayload`).
 */
export function outcomeObligations(
  claim: { ports: Term[] | 'any'; headers: { protocol: Protocol; fields: Record<string, Term | 'any'> }[]; anyPayload: boolean },
  nf: {
    output: Term; device: Term; devices: number; inputFrame: FrameBytes; finalFrame: FrameBytes; length: Term; ihl: { input?: number; final?: number };
    /** The offsets the NF wrote in the frame, or null when it wrote at a computed offset (any byte may differ). */
    written: number[] | null;
  },
): Obligation[] {
  const obligations: Obligation[] = [];
  const { output, device, devices } = nf;
  // Compared as sets of devices the frame leaves on: a value that names no device sends it nowhere.
  if (claim.ports !== 'any') {
    const ports = claim.ports;
    for (let j = 0; j < devices; j++) {
      const claimed = T.or(...ports.map((p) => T.eq(p, T.bv(j, 32))));
      obligations.push({ label: `output devices (device ${j})`, term: T.eq(sentOn(output, device, j), claimed) });
    }
  }
  const sent = T.not(T.eq(output, T.bv(DROP, 32)));
  const frame = new Map(frameHeaders(nf.finalFrame, nf.length, nf.ihl.final).map((h) => [h.protocol, h]));
  for (const header of claim.headers) {
    const actual = frame.get(header.protocol)!;
    obligations.push({ label: `the frame sent carries ${header.protocol === 'ipv4' ? 'an' : 'a'} ${header.protocol} header`, term: T.or(T.not(sent), actual.present) });
    for (const [field] of HEADER_FIELDS[header.protocol]) {
      const expected = header.fields[field];
      if (expected === undefined || expected === 'any' || field === CHECKSUM_FIELD) continue;
      obligations.push({ label: `${header.protocol}.${field} of the frame sent`, term: T.or(T.not(sent), T.eq(actual.fields[field]!, expected)) });
    }
  }
  if (!claim.anyPayload) {
    // Every offset from the end of the last listed header to the frame's end. Only the bytes the NF wrote can
    // differ from the input's: each is compared at its constant offset, which Z3 settles without the frame as an
    // array. Once it wrote at a computed offset, one free offset stands for them all.
    const payloadAt = claim.headers.length === 0 ? T.bv(0, 32) : frame.get(claim.headers.at(-1)!.protocol)!.end;
    const unchanged = (p: Term, final: Term, input: Term) => {
      const inPayload = T.and(T.compare('ule', payloadAt, p), T.compare('ult', p, nf.length));
      return T.or(T.not(inPayload), inChecksumField(nf.inputFrame, nf.length, p, nf.ihl.input), T.eq(final, input));
    };
    const p = T.variable('payload.any_offset', 32);
    const payload = nf.written === null
      ? unchanged(p, nf.finalFrame.atComputed(p), nf.inputFrame.atComputed(p))
      : T.and(...nf.written.map((at) => unchanged(T.bv(at, 32), nf.finalFrame.at(at), nf.inputFrame.at(at))));
    obligations.push({ label: 'the payload of the frame sent (every byte after the last listed header) is the input\'s', term: T.or(T.not(sent), payload) });
  }
  return obligations;
}

/** A record field: its name, its lowest bit in the record and its width in bits (the manifest's layout). */
export type RecordField = readonly [name: string, low: number, bits: number];

/** An object compared: the NF's final version, the spec's, and its record fields (none: compared whole). */
export interface ComparedObject {
  object: SpecObject;
  nf: EmapVersion | VectorVersion;
  spec: EmapVersion | VectorVersion;
  fields: RecordField[];
}

/**
 * The NF's final state of an object equals the spec's: on a fresh key and a fresh index (nothing constrains
 * them, so this holds for every key and index), and the counts. An emap with a values vector (manifest
 * `values`) is a map to those values: they are compared at every allocated index. No quantifier reaches the
 * solver.
 */
export function stateObligations(compared: ComparedObject, values: ComparedObject | null, clock: GhostClock, facts: Term[]): Obligation[] {
  const { object } = compared;
  const i = T.variable(`${object.name}.any_index`, 32);
  if (object.kind === 'vector') {
    const below = T.compare('ult', i, T.bv(object.capacity, 32));
    return recordObligations(`${object.name}: the record at each index`, compared, i, below, facts);
  }
  const q = new EmapQueries(clock, facts);
  const nf = compared.nf as EmapVersion;
  const spec = compared.spec as EmapVersion;
  const k = T.variable(`${object.name}.any_key`, object.keyBytes * 8);
  const has = q.has(nf, k);
  const allocated = q.allocated(nf, i);
  return [
    { label: `${object.name}: which keys are present`, term: T.eq(has, q.has(spec, k)) },
    { label: `${object.name}: the index of each key`, term: T.or(T.not(has), T.eq(q.index(nf, k), q.index(spec, k))) },
    { label: `${object.name}: which indices are allocated`, term: T.eq(allocated, q.allocated(spec, i)) },
    { label: `${object.name}: the key at each index`, term: T.or(T.not(allocated), T.eq(q.keyOf(nf, i), q.keyOf(spec, i))) },
    { label: `${object.name}: time stamps`, term: T.or(T.not(allocated), T.eq(q.stamp(nf, i), q.stamp(spec, i))) },
    { label: `${object.name}: the number of entries`, term: T.eq(q.count(nf), q.count(spec)) },
    ...(values ? recordObligations(`${object.name}: the value at each index (${values.object.name})`, values, i, allocated, facts) : []),
  ];
}

/** A vector's record at index `i` is the same in both versions wherever `where` holds: field by field. */
function recordObligations(label: string, vector: ComparedObject, i: Term, where: Term, facts: Term[]): Obligation[] {
  const nf = vectorGet(vector.nf as VectorVersion, i, facts);
  const spec = vectorGet(vector.spec as VectorVersion, i, facts);
  const parts = vector.fields.length > 1 ? vector.fields : [[null, 0, nf.width] as const];
  return parts.map(([field, low, bits]) => ({
    label: field === null ? label : `${label}: field ${field}`,
    term: T.or(T.not(where), T.eq(T.extract(low + bits - 1, low, nf), T.extract(low + bits - 1, low, spec))),
  }));
}
