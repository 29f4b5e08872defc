// lpm: IPv4 longest-prefix match over at most `capacity` rules (prefix/length -> value). Addresses are 32-bit
// numbers with the first octet most significant (10.0.0.0/8 is 0x0a000000): an NF that loads an address from a
// packet little-endian byte-swaps it first. One hash map per prefix length; a lookup tries the longest
// non-empty length first. Rules are added at nf_init and looked up per packet, so this favours simplicity.
import { LibVigError } from './errors.ts';

const NONE = -1;

export class Lpm {
  /** rulesByLength[length]: masked prefix -> value. */
  private readonly rulesByLength = Array.from({ length: 33 }, () => new Map<number, number>());
  /** Prefix lengths that have rules, longest first. */
  private usedLengths: number[] = [];
  private count = 0;

  constructor(
    readonly handle: number,
    readonly capacity: number,
  ) {}

  /** Adds or replaces the rule for prefix/length; returns 1, or 0 when a new rule finds the table full. */
  add(prefix: number, length: number, value: number): number {
    if (!Number.isInteger(length) || length < 0 || length > 32) {
      throw new LibVigError('lpm_add', this.handle, `prefix length ${length} is not in 0..32`);
    }
    if (value < 0) throw new LibVigError('lpm_add', this.handle, `value ${value} is negative; values are 0..2^31-1 (-1 means "no match")`);
    const rules = this.rulesByLength[length]!;
    const key = prefix & prefixMask(length);
    if (!rules.has(key)) {
      if (this.count === this.capacity) return 0;
      this.count++;
      if (rules.size === 0) this.usedLengths = [...this.usedLengths, length].sort((a, b) => b - a);
    }
    rules.set(key, value);
    return 1;
  }

  /** The value of the longest prefix that matches `address`, or -1. */
  lookup(address: number): number {
    for (const length of this.usedLengths) {
      const value = this.rulesByLength[length]!.get(address & prefixMask(length));
      if (value !== undefined) return value;
    }
    return NONE;
  }
}

/** The mask that keeps the `length` most significant bits, as a signed 32-bit number. */
function prefixMask(length: number): number {
  return length === 0 ? 0 : -1 << (32 - length);
}
