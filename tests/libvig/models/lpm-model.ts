// What the lpm does, as a model (libvig/README.md, "lpm"): the rules, all of them tried at every lookup.

export type LpmOp = { name: 'add'; prefix: number; length: number; value: number } | { name: 'lookup'; address: number };

export interface LpmModel {
  readonly capacity: number;
  /** 1 if the rule was added or replaced, 0 if a new rule found the table full. */
  add(prefix: number, length: number, value: number): number;
  lookup(address: number): number;
  violation(op: LpmOp): string | null;
}

export class ReferenceLpm implements LpmModel {
  /** The rules, by length and the prefix's significant bits (the rest of the prefix does not matter). */
  private readonly rules = new Map<string, { prefix: number; length: number; value: number }>();

  constructor(readonly capacity: number) {}

  add(prefix: number, length: number, value: number): number {
    const name = `${length}/${length === 0 ? 0 : prefix >>> (32 - length)}`;
    const existing = this.rules.get(name);
    if (existing) existing.value = value;
    else if (this.rules.size === this.capacity) return 0;
    else this.rules.set(name, { prefix, length, value });
    return 1;
  }

  lookup(address: number): number {
    let best: { length: number; value: number } | null = null;
    for (const rule of this.rules.values()) if (matches(rule, address) && (best === null || rule.length > best.length)) best = rule;
    return best?.value ?? -1;
  }

  violation(op: LpmOp): string | null {
    if (op.name === 'lookup') return null;
    if (!(op.length >= 0 && op.length <= 32)) return 'the prefix length is not in 0..32';
    return op.value < 0 ? 'the value is negative' : null;
  }
}

/** Whether the first `rule.length` bits of `address` (most significant first) are those of the rule's prefix. */
function matches(rule: { prefix: number; length: number }, address: number): boolean {
  return rule.length === 0 || (address ^ rule.prefix) >>> (32 - rule.length) === 0;
}
