// Well-formed output, a low-level property checked with no spec: a forwarded IPv4 frame whose IPv4 header checksum
// (and TCP/UDP checksum, when present) was valid on input leaves with a valid one. Checked over the traces after
// exploration.
import { DROP, ETHER_LENGTH, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP } from '../../nf-abi/index.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { Form, Linearizer } from '../solver/modular.ts';
import { normalize } from '../solver/normal.ts';
import { SHORT_FRAME_BYTES } from '../solver/wishes.ts';
import type { Solver } from '../solver/z3.ts';
import type { Exploration, Trace } from '../symbex/explore.ts';
import { toTerm } from '../symbex/values.ts';
import { EngineError, type Violation } from '../symbex/violations.ts';
import { arrayFrame, type FrameBytes, frameHeaders, packetFrame } from './frame-headers.ts';

// Offsets in the frame (an IPv4 header right after Ethernet) of the bytes the TCP/UDP checksum depends on beyond
// the segment: the pseudo-header's addresses, and what fixes the segment (IHL, total length, protocol).
const IPV4_AT = ETHER_LENGTH;
const IPV4_MAX_END = IPV4_AT + 60;
const TOTAL_LENGTH_AT = IPV4_AT + 2;
const PROTOCOL_AT = IPV4_AT + 9;
const ADDRESSES_AT = IPV4_AT + 12;
const SEGMENT_MIN_AT = IPV4_AT + 20;
/** Where the checksum is in the TCP or UDP header: the segment must hold it (nf-abi/checksum.ts's rule). */
const TCP_CHECKSUM = 16;
const UDP_CHECKSUM = 6;

// ------------------------------------------------------------------ one's-complement arithmetic (RFC 1071)

/**
 * A byte's contribution to a one's-complement sum of 16-bit big-endian words, as a 32-bit term: the high byte of
 * its word at an even offset (every header starts at an even offset, so frame offsets decide).
 */
export function wordContribution(byte: Term, offset: number): Term {
  return T.zext(offset % 2 === 0 ? T.concat(byte, T.bv(0, 8)) : byte, offset % 2 === 0 ? 16 : 24);
}

/** A 32-bit sum folded to 16 bits with end-around carries (twice is enough): congruent modulo 0xffff. */
export function foldSum(sum: Term): Term {
  const once = (s: Term) => T.binary('add', T.binary('and', s, T.bv(0xffff, 32)), T.binary('lshr', s, T.bv(16, 32)));
  return once(once(sum));
}

/** A nonzero sum over a header and its checksum is valid when it folds to 0xffff (it is 0 modulo 0xffff). */
export const checksumValid = (sum: Term): Term => T.eq(foldSum(sum), T.bv(0xffff, 32));

/** The sum changes by a multiple of 0xffff: a valid checksum stays valid (RFC 1624). */
const unchangedModulo = (delta: Term): Term => T.or(T.eq(foldSum(delta), T.bv(0, 32)), T.eq(foldSum(delta), T.bv(0xffff, 32)));

/** A sum as a balanced tree (a frame's worth of terms in a chain is too deep to translate). */
function add(terms: Term[]): Term {
  if (terms.length === 0) return T.bv(0, 32);
  if (terms.length === 1) return terms[0]!;
  const half = terms.length >> 1;
  return T.binary('add', add(terms.slice(0, half)), add(terms.slice(half)));
}

/** `wordContribution` at a computed offset: its parity decides the byte's half of the word. */
function contributionAt(byte: Term, offset: Term): Term {
  if (T.isConst(offset)) return wordContribution(byte, Number(offset.value));
  return T.ite(T.eq(T.extract(0, 0, offset), T.bv(0, 1)), wordContribution(byte, 0), wordContribution(byte, 1));
}

/** Sum of the bytes at `offsets` that `within` holds for. */
function sumOver(frame: FrameBytes, offsets: number[], within: (offset: Term) => Term): Term {
  return add(offsets.map((p) => T.ite(within(T.bv(p, 32)), wordContribution(frame.at(p), p), T.bv(0, 32))));
}

/** A byte's change of the sum, modulo 0xffff: what it adds now and no longer adds before. */
const byteChange = (now: Term, before: Term, offset: Term): Term => T.binary('add', contributionAt(now, offset), T.binary('sub', T.bv(0xffff, 32), contributionAt(before, offset)));

/** A byte the NF changed: where, the byte written, and the byte it replaced (a write of its store chain, say). */
interface ByteWrite {
  at: Term;
  value: Term;
  replaced: Term;
}

/**
 * The writes of a frame's store chain (the NF wrote at an offset of wide range), oldest first; null when the chain
 * is not over the received frame's array.
 */
function chainWrites(chain: Term, received: Term): ByteWrite[] | null {
  const writes: ByteWrite[] = [];
  let array = chain;
  for (; array.op === 'store'; array = array.args[0]!) {
    const [inner, at, value] = array.args as [Term, Term, Term];
    writes.push({ at, value, replaced: T.select(inner, at) });
  }
  return array === received ? writes.reverse() : null;
}

/**
 * The writes of a store chain that can change a checksum. A write of the byte that was there (a copy onto itself)
 * cannot, nor can a write at a computed offset that the path keeps away from the bytes the checksum covers and
 * from those that fix its structure. When every write at a computed offset is one of these (a trailer zeroed past
 * the datagram), only the writes at constant offsets count, and the quick proof sees them as it sees any NF's;
 * otherwise every write that changes a byte counts, each at every offset it may reach.
 */
function writesThatCount(solver: Solver, pathCondition: Term[], premise: Term, header: 'ipv4' | 'tcpudp', before: Checksum, writes: ByteWrite[]): ByteWrite[] {
  const changing = writes.filter((w) => w.value !== w.replaced);
  const computed = changing.filter((w) => !T.isConst(w.at));
  const reaches = (at: Term) => T.or(before.covers(at), ...STRUCTURE[header].map((p) => T.eq(at, T.bv(p, 32))));
  const keptAway = computed.length === 0 || ask(solver, pathCondition, T.and(premise, T.or(...computed.map((w) => reaches(w.at))))) === null;
  return keptAway ? changing.filter((w) => T.isConst(w.at)) : changing;
}

/**
 * How writes changed the sum over the bytes `within` holds for, modulo 0xffff: each write changes one byte, from the
 * one it replaced to the one it wrote, so a chain's changes add up to the whole frame's (a term per write where the
 * frame's bytes would be a frame's worth of choices, too many for Z3's stack).
 */
function changeByWrites(writes: ByteWrite[], within: (offset: Term) => Term): Term {
  return add(writes.map((w) => T.ite(within(w.at), byteChange(w.value, w.replaced, w.at), T.bv(0, 32))));
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
const inside = (p: Term, from: Term, to: Term): Term => T.and(T.compare('ule', from, p), T.compare('ult', p, to));
const byteAt = (frame: FrameBytes, at: Term): Term => (T.isConst(at) ? frame.at(Number(at.value)) : frame.atComputed(at));
const bigEndian16 = (frame: FrameBytes, at: Term): Term => T.zext(T.concat(byteAt(frame, at), byteAt(frame, T.binary('add', at, T.bv(1, 32)))), 16);
/** The 16-bit word of a sum at an even frame offset. */
const word = (frame: FrameBytes, at: number): Term => bigEndian16(frame, T.bv(at, 32));

// ------------------------------------------------------------------ the two checksums of a frame

/** A checksum of a frame: whether it is there, whether it is valid, and which bytes it covers. */
interface Checksum {
  present: Term;
  /**
   * The one's-complement sum of the bytes covered, and whether it is valid: built on demand, a sum over up to a
   * frame's worth of bytes, which the usual proof never needs.
   */
  sum(): Term;
  valid(): Term;
  /** The frame offset of the checksum field (a 16-bit word, at an even offset). */
  field: Term;
  /** Whether `offset` is one of the bytes summed (given the frame's structure). */
  covers(offset: Term): Term;
  /** The offsets that bound the bytes covered. */
  extent: Term[];
}

/**
 * The extent's offsets as they are, or as constants (a model's): with a constant extent, a sum over the frame has
 * no choice per byte, which Z3 handles where a frame's worth of choices overflows its stack.
 */
type Pin = (offset: Term) => Term;
const same: Pin = (offset) => offset;

function ipv4Checksum(frame: FrameBytes, length: Term, pin: Pin): Checksum {
  const ipv4 = frameHeaders(frame, length)[1]!;
  const covers = (p: Term) => inside(p, ipv4.offset, pin(ipv4.end));
  const sum = () => sumOver(frame, range(IPV4_AT, IPV4_MAX_END), covers);
  return { present: ipv4.present, sum, valid: () => checksumValid(sum()), field: T.bv(IPV4_AT + 10, 32), covers, extent: [ipv4.end] };
}

/** The TCP or UDP checksum: over the pseudo-header and the segment up to the IPv4 total length (RFC 793, 768). */
function tcpudpChecksum(frame: FrameBytes, length: Term, frameMax: number, pin: Pin): Checksum {
  const { present, at, segmentAt, segmentEnd } = tcpudpChecksumField(frame, length);
  const segmentLength = T.binary('sub', segmentEnd, segmentAt);
  const protocol = frame.at(PROTOCOL_AT);
  const covers = (p: Term) => T.ite(T.compare('ult', p, T.bv(SEGMENT_MIN_AT, 32)), T.compare('ule', T.bv(ADDRESSES_AT, 32), p), inside(p, pin(segmentAt), pin(segmentEnd)));
  const pseudoHeader = [T.zext(protocol, 24), T.binary('and', segmentLength, T.bv(0xffff, 32))];
  const sum = () => add([...pseudoHeader, sumOver(frame, range(ADDRESSES_AT, frameMax), covers)]);
  return { present, sum, valid: () => checksumValid(sum()), field: at, covers, extent: [segmentAt, segmentEnd] };
}

/** Where the TCP or UDP checksum field is, the segment it covers, and whether the frame carries that checksum. */
function tcpudpChecksumField(frame: FrameBytes, length: Term, ihl?: number): { present: Term; at: Term; segmentAt: Term; segmentEnd: Term } {
  const ipv4 = frameHeaders(frame, length, ihl)[1]!;
  const totalLength = bigEndian16(frame, T.bv(TOTAL_LENGTH_AT, 32));
  const segmentAt = ipv4.end;
  const segmentEnd = T.binary('add', T.bv(IPV4_AT, 32), totalLength);
  const protocol = frame.at(PROTOCOL_AT);
  const longEnough = (checksumAt: number) => T.compare('ule', T.binary('add', segmentAt, T.bv(checksumAt + 2, 32)), segmentEnd);
  const udpChecksum = bigEndian16(frame, T.binary('add', segmentAt, T.bv(UDP_CHECKSUM, 32)));
  const present = T.and(
    ipv4.present,
    T.compare('ule', segmentEnd, length),
    T.or(
      T.and(T.eq(protocol, T.bv(IP_PROTOCOL_TCP, 8)), longEnough(TCP_CHECKSUM)),
      // A UDP checksum of zero means "none" (RFC 768).
      T.and(T.eq(protocol, T.bv(IP_PROTOCOL_UDP, 8)), longEnough(UDP_CHECKSUM), T.not(T.eq(udpChecksum, T.bv(0, 32)))),
    ),
  );
  const at = T.binary('add', segmentAt, T.ite(T.eq(protocol, T.bv(IP_PROTOCOL_TCP, 8)), T.bv(TCP_CHECKSUM, 32), T.bv(UDP_CHECKSUM, 32)));
  return { present, at, segmentAt, segmentEnd };
}

/**
 * Whether frame offset `p` is a byte of a checksum the frame carries: the IPv4 header checksum, or the TCP or UDP
 * checksum when it is there (a UDP checksum of 0, "none", is not). Specs compare checksums by validity, which
 * this check proves, not by value (engine/validate/obligations.ts).
 */
export function inChecksumField(frame: FrameBytes, length: Term, p: Term, ihl?: number): Term {
  const ipv4 = frameHeaders(frame, length, ihl)[1]!;
  const transport = tcpudpChecksumField(frame, length, ihl);
  const within = (at: Term) => T.and(T.compare('ule', at, p), T.compare('ult', p, T.binary('add', at, T.bv(2, 32))));
  return T.or(T.and(ipv4.present, within(T.bv(IPV4_AT + 10, 32))), T.and(transport.present, within(transport.at)));
}

/** A frame's IPv4 header checksum and TCP/UDP checksum: whether each is there and valid (constants for a concrete frame). */
export function frameChecksums(frame: FrameBytes, length: Term, frameMax: number): Record<'ipv4' | 'tcpudp', { present: Term; valid: Term }> {
  const decided = (checksum: Checksum) => ({ present: checksum.present, valid: checksum.valid() });
  return { ipv4: decided(ipv4Checksum(frame, length, same)), tcpudp: decided(tcpudpChecksum(frame, length, frameMax, same)) };
}

/** The bytes that fix which bytes a checksum covers: the IHL, and for TCP/UDP the total length and protocol. */
const STRUCTURE = { ipv4: [IPV4_AT], tcpudp: [IPV4_AT, TOTAL_LENGTH_AT, TOTAL_LENGTH_AT + 1, PROTOCOL_AT] };

// ------------------------------------------------------------------ the check

export interface WellFormedInputs {
  /** nf_process's symbolic length and frame (INPUT). */
  input: { length: Term; packet: Term };
  frameMax: number;
  /** Source location of a code offset. */
  locate(offset: number): string;
}

/** Adds a `checksum` violation for each trace that can send a frame whose valid checksum it broke. */
export function checkWellFormed(run: Exploration, inputs: WellFormedInputs, solver: Solver): void {
  const congruences: Congruences = new Map();
  for (const trace of run.traces) {
    try {
      run.violations.push(...checksumViolations(trace, inputs, solver, congruences));
    } catch (e) {
      if (!(e instanceof Undecided)) throw e;
      throw new EngineError(
        `the solver gave up while checking that the frames sent at ${inputs.locate(trace.final.returnOffset)} keep valid checksums: ${e.message}. ` +
          'An update by RFC 1624 eqn. 3 over the 16-bit words the NF changed (in one step or one per word), or an IPv4 header checksum computed afresh, is proven in milliseconds where its sums cannot wrap; other ways of computing a correct one may be beyond the solver (docs/spec-language.md, section 8, "checksum")',
      );
    }
  }
  run.figures.violations = run.violations.length;
}

/** A checksum question Z3 did not answer (its reason), named with the path's place by checkWellFormed. */
class Undecided extends Error {}

/**
 * The RFC 1624 congruences earlier paths' quick proofs asked about, by term id: the first path's constraints, the
 * constraints under which it was proven on its own (term ids), and whether that was tried.
 */
type Congruences = Map<number, { firstPath: Set<number>; support: number[] | null; askedAlone: boolean }>;

function checksumViolations(trace: Trace, inputs: WellFormedInputs, solver: Solver, congruences: Congruences): Violation[] {
  const packet = trace.final.packet!;
  const snapshot = packet.snapshot();
  // Bytes the NF wrote (every byte, once it wrote at a computed offset): only these can change a sum.
  const written = snapshot.chain ? range(0, inputs.frameMax) : snapshot.cells.map(([offset]) => offset).sort((a, b) => a - b);
  const { length } = inputs.input;
  const input = arrayFrame(inputs.input.packet);
  const output = packetFrame(packet);
  const sent = T.not(T.eq(toTerm(trace.results[0]!, 32), T.bv(DROP, 32)));
  const writes = snapshot.chain && chainWrites(snapshot.chain, inputs.input.packet);
  const violations: Violation[] = [];
  const checks = [
    { header: 'ipv4' as const, region: (p: number) => p >= IPV4_AT && p < IPV4_MAX_END, of: (frame: FrameBytes, pin: Pin = same) => ipv4Checksum(frame, length, pin) },
    { header: 'tcpudp' as const, region: (p: number) => p >= IPV4_AT, of: (frame: FrameBytes, pin: Pin = same) => tcpudpChecksum(frame, length, inputs.frameMax, pin) },
  ];
  for (const { header, region, of } of checks) {
    if (!written.some(region)) continue;
    const before = of(input);
    const after = of(output);
    const premise = T.and(sent, before.present, after.present);
    const counted = writes && writesThatCount(solver, trace.pathCondition, premise, header, before, writes);
    // With only writes at constant offsets counted, the frame as the checksum sees it: theirs over the input's.
    const atConstants = counted && counted.every((w) => T.isConst(w.at)) ? counted : null;
    const seen = atConstants ? arrayFrame(atConstants.reduce((array, w) => T.store(array, w.at, w.value), inputs.input.packet)) : output;
    const touched = atConstants ? [...new Set(atConstants.map((w) => Number(w.at.value)))].filter(region).sort((a, b) => a - b) : written.filter(region);
    if (touched.length === 0) continue;
    const sameStructure = T.and(...STRUCTURE[header].map((p) => T.eq(output.at(p), input.at(p))));
    // With the structure unchanged, a valid sum stays valid exactly when the written bytes' words changed it by a
    // multiple of 0xffff; otherwise compare the whole sum, which is only built where the structure may change.
    const changes = counted ?? touched.map((p) => ({ at: T.bv(p, 32), value: output.at(p), replaced: input.at(p) }));
    const changed = T.not(unchangedModulo(changeByWrites(changes, before.covers)));
    const structureMayChange = sameStructure !== T.TRUE && ask(solver, trace.pathCondition, T.and(premise, T.not(sameStructure))) !== null;
    const candidate = T.and(premise, structureMayChange ? T.ite(sameStructure, changed, T.not(after.valid())) : changed);
    const quick = { input, output: seen, touched, sent, before, after };
    // Frames the quick proof found where a sum of the NF's may wrap: a bug's witnesses, once their input is valid.
    const wraps: Wrap[] = [];
    // The quick proof compares 16-bit words: with a write that may reach any of them, every word is a choice, and
    // the question counting each write's change is the smaller one.
    const incremental = candidate === T.FALSE || (counted && !atConstants) ? null : updatedIncrementally(solver, trace, header, quick, congruences, wraps);
    if (incremental === 'proven') continue;
    let valid = before.valid();
    const wanted: Wanted = { input, received: inputs.input.packet, before, length, frameMax: inputs.frameMax, candidate, valid };
    let model = withValidChecksum(wraps.map((w) => w.model), trace.pathCondition, wanted);
    if (model) model = shortWrap(solver, trace.pathCondition, wraps, wanted) ?? model;
    model ??= incremental && deviationFromValidInput(solver, trace.pathCondition, incremental, wanted);
    if (!model) {
      // Cheap first: without the input's validity (a sum over the whole frame) the query is small and, for an NF
      // that keeps its checksums right, already unsatisfiable.
      const found = candidate === T.FALSE ? null : ask(solver, trace.pathCondition, candidate);
      if (found === null) continue;
      // A valid input too, first with the extent of a short frame's candidate (or the candidate's) made constant,
      // and the frame still short where it can be (Z3's own choice of length is anything up to the largest).
      const short = T.compare('ule', length, T.bv(SHORT_FRAME_BYTES, 32));
      const witness = ask(solver, trace.pathCondition, T.and(candidate, short)) ?? found;
      const pin: Pin = (t) => T.bv(T.evaluate(t, witness), t.width);
      valid = T.and(of(input, pin).valid(), ...before.extent.map((t) => T.eq(t, pin(t))));
      model = (witness !== found ? ask(solver, trace.pathCondition, T.and(candidate, valid, short)) : null) ?? ask(solver, trace.pathCondition, T.and(candidate, valid));
      if (model === null) {
        // Not with that extent (the path constrains the bytes covered): the whole question, over any extent.
        valid = before.valid();
        model = ask(solver, trace.pathCondition, T.and(candidate, valid));
      }
    }
    if (model === null) continue;
    const name = header === 'ipv4' ? 'IPv4 header checksum' : 'TCP/UDP checksum';
    violations.push({
      kind: 'checksum',
      message: `the frame sent has an invalid ${name}, though the received frame's was valid: the NF changed bytes the checksum covers without updating it (RFC 1624 gives the incremental update)`,
      offset: trace.final.returnOffset,
      location: inputs.locate(trace.final.returnOffset),
      stack: [],
      model,
      pathCondition: [...trace.pathCondition, candidate, valid],
      calls: trace.calls,
      decisions: trace.decisions,
      evidence: { kind: 'bad-checksum', header },
    });
  }
  return violations;
}

/**
 * The quick proof, for an NF that updates a checksum incrementally (RFC 1624 eqn. 3): on this path the checksum
 * sent is, modulo 0xffff, ~(~HC + sum of (~m + m')) over the covered 16-bit words the NF changed, computed here in
 * the same way. Eqn. 3 keeps the sum over the covered bytes modulo 0xffff, so a valid checksum stays valid. The
 * general check asks the solver for that congruence itself, which bit-blasting cannot settle in minutes once
 * three words change (a NAT's address and port); two like computations are equal in milliseconds. Where the
 * checksum is (the IHL, TCP or UDP) is taken from a model and proven case by case, for a path that leaves it open
 * (a branchless NF). When the NF computes it otherwise, the frames where the two differ (a Deviation), for
 * deviationFromValidInput to look for a counterexample in. Null when the path writes a frame's worth of bytes
 * after the checksum or leaves too many places open. The general check decides what these leave open.
 */
function updatedIncrementally(
  solver: Solver,
  trace: Trace,
  header: 'ipv4' | 'tcpudp',
  frames: { input: FrameBytes; output: FrameBytes; touched: number[]; sent: Term; before: Checksum; after: Checksum },
  congruences: Congruences,
  wraps: Wrap[],
): 'proven' | Deviation | null {
  const { pathCondition } = trace;
  const premise = T.and(frames.sent, frames.before.present, frames.after.present);
  const ihl = T.extract(3, 0, frames.input.at(IPV4_AT));
  const protocol = frames.input.at(PROTOCOL_AT);
  const proven: Term[] = [];
  for (let place = 0; place < MAX_CHECKSUM_PLACES; place++) {
    const model = ask(solver, pathCondition, T.and(premise, ...proven.map((p) => T.not(p))));
    if (model === null) return 'proven'; // no (other) frame sent with both checksums there: nothing to keep valid
    const headerBytes = 4 * Number(T.evaluate(ihl, model));
    const tcp = header === 'tcpudp' && T.evaluate(protocol, model) === BigInt(IP_PROTOCOL_TCP);
    const structure = T.and(T.eq(ihl, T.bv(headerBytes / 4, 4)), header === 'tcpudp' ? T.eq(protocol, T.bv(tcp ? IP_PROTOCOL_TCP : IP_PROTOCOL_UDP, 8)) : T.TRUE);
    const answer = updatedInPlace(solver, trace, header, frames, congruences, { premise: T.and(premise, structure), headerBytes, tcp }, wraps);
    if (answer !== 'proven') return answer;
    proven.push(structure);
  }
  return null;
}

/** How many places of a checksum (IHL, TCP or UDP) a path may leave open for the quick proof: one per IHL and protocol would be 22. */
const MAX_CHECKSUM_PLACES = 4;

/** The quick proof where `premise` puts the checksum: the header `headerBytes` long and, for TCP/UDP, `tcp` or not. */
function updatedInPlace(
  solver: Solver,
  trace: Trace,
  header: 'ipv4' | 'tcpudp',
  frames: { input: FrameBytes; output: FrameBytes; touched: number[] },
  congruences: Congruences,
  place: { premise: Term; headerBytes: number; tcp: boolean },
  wraps: Wrap[],
): 'proven' | Deviation | null {
  const { pathCondition } = trace;
  const { input, touched } = frames;
  const { premise } = place;
  // The output's bytes with the protocol the premise fixes put in: a write whose offset the protocol chose (a
  // branchless NF) leaves the bytes it did not reach as the input's own, where the solver would have to see it.
  const protocol = input.at(PROTOCOL_AT);
  const known = new Map(header === 'tcpudp' ? [[protocol.id, T.bv(place.tcp ? IP_PROTOCOL_TCP : IP_PROTOCOL_UDP, 8)]] : []);
  const memo = new Map<number, Term>();
  const output: FrameBytes = known.size === 0 ? frames.output : { ...frames.output, at: (p: number) => T.substitute(frames.output.at(p), known, memo) };
  const headerEnd = IPV4_AT + place.headerBytes;
  let checksumAt = IPV4_AT + 10;
  let covered = (p: number) => p >= IPV4_AT && p < headerEnd;
  const kept: Term[] = [];
  if (header === 'tcpudp') {
    checksumAt = headerEnd + (place.tcp ? TCP_CHECKSUM : UDP_CHECKSUM);
    // The pseudo-header's addresses, and the segment up to its checksum (which `present` puts inside it).
    covered = (p: number) => (p >= ADDRESSES_AT && p < SEGMENT_MIN_AT) || (p >= headerEnd && p < checksumAt + 2);
    // Bytes after the checksum that a write may have reached (one at an offset chosen by the protocol, say) must
    // have kept their values; a frame's worth of them (a store chain) is left to the general check.
    const after = touched.filter((p) => p >= checksumAt + 2);
    if (after.length > T.NARROW_RANGE) return null;
    kept.push(...after.map((p) => T.eq(output.at(p), input.at(p))));
  }
  const complement = (w: Term) => T.binary('xor', w, T.bv(0xffff, 32));
  // A byte a write may have reached but did not on this path is the input's own term: its word adds nothing.
  const same = (p: number) => output.at(p) === input.at(p);
  const changed = [...new Set(touched.filter(covered).map((p) => p & ~1))].filter((w) => w !== checksumAt && !(same(w) && same(w + 1)));
  const sum = add([complement(word(input, checksumAt)), ...changed.map((w) => T.binary('add', complement(word(input, w)), word(output, w)))]);
  const expected = complement(foldSum(sum));
  const sent = word(output, checksumAt);
  const zero = (w: Term) => T.or(T.eq(w, T.bv(0, 32)), T.eq(w, T.bv(0xffff, 32)));
  const sameStructure = T.and(...STRUCTURE[header].map((p) => T.eq(output.at(p), input.at(p))), ...kept);
  const structureKept = () => (ask(solver, pathCondition, T.and(premise, T.not(sameStructure))) === null ? 'proven' : null);
  if (balancedModulo(solver, pathCondition, premise, { input, output, words: [checksumAt, ...changed], headerEnd: header === 'ipv4' ? headerEnd : null }, wraps)) return structureKept();
  // In normal form (byte swaps written as shifts, sums associated otherwise: a C twin's update) the two computations
  // meet where they agree, which leaves Z3 a small question (engine/solver/normal.ts).
  const congruent = normalize(T.or(T.eq(sent, expected), T.and(zero(sent), zero(expected))));
  // Paths that compute the checksum alike (one per IHL a parser accepts) share the congruence. Proven on its own
  // under the path constraints it shares variables with (its support: the TTL's bound, ...), it holds on every
  // path that has them, and what is left there is whether the path keeps the structure, a question without sums.
  // It is asked on its own at its second path when that support is the first path's too (else the paths differ
  // where it matters, and the question would not be asked again); a first path asks it with the path, where Z3's
  // work on the path's earlier queries helps (docs/PITFALLS.md).
  const onPath = new Set(pathCondition.map((t) => t.id));
  const seen = congruences.get(congruent.id);
  if (!seen) congruences.set(congruent.id, { firstPath: onPath, support: null, askedAlone: false });
  else if (seen.support?.every((id) => onPath.has(id))) return structureKept();
  else if (!seen.askedAlone) {
    seen.askedAlone = true;
    const support = solver.dependentConstraints(pathCondition, T.not(congruent), trace.model).map((t) => t.id);
    if (support.every((id) => seen.firstPath.has(id)) && solver.check(pathCondition, T.not(congruent), trace.model).status === 'unsat') {
      seen.support = support;
      return structureKept();
    }
  }
  if (ask(solver, pathCondition, T.and(premise, T.not(T.and(sameStructure, congruent)))) === null) return 'proven';
  return { query: T.and(premise, sameStructure, T.not(congruent)), involved: new Set(range(IPV4_AT, Math.max(headerEnd, checksumAt + 2)).filter((p) => covered(p) && !STRUCTURE[header].includes(p))) };
}

/**
 * The quick proof in modular arithmetic (engine/solver/modular.ts): the words the NF changed, the checksum's among
 * them, changed the sum by a multiple of 0xffff, as linear forms over the input's bytes and the NF's other values.
 * For the IPv4 header (`headerEnd` given, the IHL fixed), a multiple of the input's own header sum counts too, which
 * validity makes a multiple of 0xffff: a checksum computed afresh. Whatever the association of the NF's sums, its
 * folds, complements and byte order, and however many steps it takes; what no rule takes apart (a sum that may
 * wrap) is an atom, which must cancel, or the question goes to Z3.
 */
function balancedModulo(
  solver: Solver,
  pathCondition: Term[],
  premise: Term,
  frames: { input: FrameBytes; output: FrameBytes; words: number[]; headerEnd: number | null },
  wraps: Wrap[],
): boolean {
  const { input, output, words, headerEnd } = frames;
  const linearizer = new Linearizer((claim) => {
    const query = T.and(premise, T.not(claim));
    const answer = solver.check(pathCondition, query);
    if (answer.status === 'sat') wraps.push({ query, model: answer.model });
    return answer.status === 'unsat';
  });
  const change = new Form();
  for (const w of words) {
    change.add(linearizer.formOf(word(output, w))).add(linearizer.formOf(word(input, w)), -1n);
  }
  if (headerEnd === null) return change.isZero();
  const headerSum = new Form();
  for (let w = IPV4_AT; w < headerEnd; w += 2) headerSum.add(linearizer.formOf(word(input, w)));
  // The multiple: the TOS byte's coefficient (its place value in the header's sum is 1).
  return change.add(headerSum, -change.coefficientOf(input.at(IPV4_AT + 1))).isZero();
}

/** Sent frames whose checksum is not eqn. 3's modulo 0xffff, their structure fixed (updatedIncrementally), and the input bytes that decide it. */
interface Deviation {
  query: Term;
  /** The bytes the checksum covers up to its field, but those that fix its structure (the IHL, ...). */
  involved: Set<number>;
}

/**
 * A counterexample from a deviation: a frame sent with a checksum other than eqn. 3's, from a valid input. The
 * input bytes outside the involved ones are pinned to a deviating model's values, which leaves a small question
 * where the general check's (does the change keep the sum modulo 0xffff?) takes Z3 minutes once three words
 * change. The covered bytes stay free: whether a miscomputed update shows (a carry lost, say) depends on the sum
 * of every covered word, and validity ties the checksum to that sum. What is found is confirmed against the
 * general check's question; null when this way finds nothing.
 */
function deviationFromValidInput(
  solver: Solver,
  pathCondition: Term[],
  deviation: Deviation,
  frame: Wanted,
): T.Assignment | null {
  const short = T.compare('ule', frame.length, T.bv(SHORT_FRAME_BYTES, 32));
  const seed = ask(solver, pathCondition, T.and(deviation.query, short)) ?? ask(solver, pathCondition, deviation.query);
  if (seed === null) return null;
  const pinned = (t: Term) => T.eq(t, T.bv(T.evaluate(t, seed), t.width));
  const pins = range(0, frame.frameMax).filter((p) => !deviation.involved.has(p)).map((p) => pinned(frame.input.at(p)));
  const answer = solver.check(pathCondition, T.and(deviation.query, frame.valid, pinned(frame.length), ...pins));
  if (answer.status !== 'sat') return null;
  return T.evaluate(T.and(frame.candidate, frame.valid), answer.model) === 1n ? answer.model : null;
}

/** A frame where a sum of the NF's may wrap (`model`), and the question it answers. */
interface Wrap {
  query: Term;
  model: T.Assignment;
}

/**
 * withValidChecksum's counterexample from a short frame, where one wraps too: asked only once a wrap is a bug's
 * witness (a correct NF's sums may wrap where it does not matter), as the quick proof's frames are any length.
 */
function shortWrap(solver: Solver, pathCondition: Term[], wraps: Wrap[], frame: Wanted): T.Assignment | null {
  const short = T.compare('ule', frame.length, T.bv(SHORT_FRAME_BYTES, 32));
  for (const { query } of wraps) {
    const answer = solver.check(pathCondition, T.and(query, short));
    const model = answer.status === 'sat' ? withValidChecksum([answer.model], pathCondition, frame) : null;
    if (model) return model;
  }
  return null;
}

/** A counterexample to a checksum: a frame the path sends with `candidate` (a bad checksum), received `valid`. */
interface Wanted {
  input: FrameBytes;
  /** The received frame's array variable. */
  received: Term;
  before: Checksum;
  length: Term;
  frameMax: number;
  candidate: Term;
  valid: Term;
}

/**
 * The first of `seeds` (frames the path sends) made a valid input without the solver: the received checksum field
 * set to the value that makes its sum valid (the field is a covered word of its own); kept when the path still holds
 * and the frame sent has a bad checksum. A sum that wraps where it must not (an IPv4 checksum computed afresh and folded once) shows
 * in a frame the quick proof finds in milliseconds, whose received checksum is arbitrary; if the NF does not read
 * that checksum, setting it keeps the wrap. Z3 asked for a valid input with the wrap at once exhausts its budget.
 */
function withValidChecksum(seeds: T.Assignment[], pathCondition: Term[], frame: Wanted): T.Assignment | null {
  if (seeds.length === 0 || frame.received.op !== 'var') return null;
  const name = frame.received.name;
  const receivedSum = foldSum(frame.before.sum());
  const counterexample = T.and(frame.candidate, frame.valid);
  for (const seed of seeds) {
    const field = Number(T.evaluate(frame.before.field, seed));
    const bytes = seed.arrays.get(name) ?? { entries: new Map<number, number>(), fallback: 0 };
    const withField = (value: number): T.Assignment => ({
      ...seed,
      arrays: new Map(seed.arrays).set(name, { entries: new Map(bytes.entries).set(field, value >> 8).set(field + 1, value & 0xff), fallback: bytes.fallback }),
    });
    const folded = Number(T.evaluate(receivedSum, withField(0)));
    const repaired = withField(folded === 0xffff ? 0 : 0xffff - folded);
    const holds = (t: Term) => T.evaluate(t, repaired) === 1n;
    if (pathCondition.every(holds) && holds(counterexample)) return repaired;
  }
  return null;
}

function ask(solver: Solver, pathCondition: Term[], query: Term): T.Assignment | null {
  const answer = solver.check(pathCondition, query);
  if (answer.status === 'unknown') throw new Undecided(answer.reason);
  return answer.status === 'sat' ? answer.model : null;
}
