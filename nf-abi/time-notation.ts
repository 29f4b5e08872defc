// Times in a counterexample's words: durations from a readable origin instead of raw nanoseconds, as
// counterexamples and replays show them (records, keys and values of state: record-notation.ts).
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
