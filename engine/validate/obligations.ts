// What a spec path claims about an NF trace, as labelled terms that must hold on the path.
import type { SpecObject } from '../contracts/index.ts';
import { EmapQueries, type EmapVersion, type GhostClock } from '../ghost/emap.ts';
import { vectorGet, type VectorVersion } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { DROP, FLOOD, HEADER_FIELDS, type Protocol } from '../../nf-abi/index.ts';
import { type FrameBytes, frameHeaders } from './headers.ts';

export interface Obligation {
  label: string;
  term: Term;
}

/** The NF's output value as the set of devices the frame leaves on. */
export function sentOn(output: Term, device: Term, j: number): Term {
  return T.or(T.eq(output, T.bv(j, 32)), T.and(T.eq(output, T.bv(FLOOD, 32)), T.not(T.eq(device, T.bv(j, 32)))));
}

/** `return (ports, headers)`: the frame leaves on exactly `ports` (unless "any"), with these header fields. */
export function outcomeObligations(
  claim: { ports: Term[] | 'any'; headers: { protocol: Protocol; fields: Record<string, Term | 'any'> }[] },
  nf: { output: Term; device: Term; devices: number; finalFrame: FrameBytes; length: Term },
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
  if (claim.headers.length > 0) {
    const sent = T.not(T.eq(output, T.bv(DROP, 32)));
    const frame = new Map(frameHeaders(nf.finalFrame, nf.length).map((h) => [h.protocol, h]));
    for (const header of claim.headers) {
      const actual = frame.get(header.protocol)!;
      for (const [field] of HEADER_FIELDS[header.protocol]) {
        const expected = header.fields[field];
        if (expected === undefined || expected === 'any') continue;
        obligations.push({ label: `${header.protocol}.${field} of the frame sent`, term: T.or(T.not(sent), T.eq(actual.fields[field]!, expected)) });
      }
    }
  }
  return obligations;
}

/**
 * The NF's final state of an object equals the spec's: on a fresh key and a fresh index (nothing constrains
 * them, so this holds for every key and index), and the counts. No quantifier reaches the solver.
 */
export function stateObligations(object: SpecObject, nfVersion: EmapVersion | VectorVersion, specVersion: EmapVersion | VectorVersion, clock: GhostClock, facts: Term[]): Obligation[] {
  const i = T.variable(`${object.name}.any_index`, 32);
  if (object.kind === 'vector') {
    return [{ label: `${object.name}: records`, term: T.or(T.not(T.compare('ult', i, T.bv(object.capacity, 32))), T.eq(vectorGet(nfVersion as VectorVersion, i, facts), vectorGet(specVersion as VectorVersion, i, facts))) }];
  }
  const q = new EmapQueries(clock, facts);
  const nf = nfVersion as EmapVersion;
  const spec = specVersion as EmapVersion;
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
  ];
}
