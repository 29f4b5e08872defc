// nf_process's symbolic input, and the wishes on it that make a counterexample read in a user's terms (engine/solver/wishes.ts).
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { SHORT_FRAME_BYTES, type WishGroups } from '../solver/wishes.ts';
import { frameLayout } from '../../nf-abi/index.ts';

/** The symbolic inputs of nf_process, by the names models use. */
export const INPUT = {
  device: T.variable('device', 32),
  length: T.variable('length', 32),
  now: T.variable('now', 64),
  packet: T.arrayVariable('packet'),
};

const DAY_NS = 86_400_000_000_000n;

/** An Ethernet header alone, then room for IPv4 and TCP/UDP headers. */
const SHORT_FRAMES = [frameLayout.ETHER_HEADER, SHORT_FRAME_BYTES];

/**
 * For a model of `conditions`: a short frame (with `preferred` first, where given), then every libVig stamp they
 * speak of at most a day before the packet, then the packet within the clock's first day. Left free, the solver
 * picks a frame of a thousand bytes, entries stamped 146 years earlier, `t0 = 4611686018762932224 ns`.
 */
export function readableWishes(conditions: readonly Term[], preferred: Term | null = null): WishGroups {
  const short = SHORT_FRAMES.map((bytes) => T.compare('ule', INPUT.length, T.bv(bytes, 32)));
  const stamps = recentStamps(conditions);
  return [
    preferred ? [...short.map((wish) => T.and(preferred, wish)), ...short] : short,
    ...(stamps ? [[stamps]] : []),
    [T.compare('ule', INPUT.now, T.bv(DAY_NS, 64))],
  ];
}

/** That every emap stamp `conditions` speak of is at most a day before the packet (none is after it). */
function recentStamps(conditions: readonly Term[]): Term | null {
  const stamps = [...T.subterms(conditions).values()].filter((t) => t.op === 'apply' && t.name.endsWith('.stamp'));
  if (stamps.length === 0) return null;
  return T.and(...stamps.map((stamp) => T.compare('ule', T.binary('sub', INPUT.now, stamp), T.bv(DAY_NS, 64))));
}
