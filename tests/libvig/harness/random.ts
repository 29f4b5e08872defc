// A small seeded generator (xorshift128), so that every random sequence can be replayed from its seed.

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = seed | 1;
    this.b = 0x9e3779b9 ^ seed;
    this.c = 0x243f6a88;
    this.d = 0xb7e15162;
    for (let warm = 0; warm < 8; warm++) this.next();
  }

  /** A uniformly random unsigned 32-bit integer. */
  next(): number {
    let t = this.d;
    const s = this.a;
    this.d = this.c;
    this.c = this.b;
    this.b = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.a = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.a;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.next() / 2 ** 32) * n);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.below(high - low + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability * 2 ** 32;
  }

  pick<T>(choices: readonly T[]): T {
    return choices[this.below(choices.length)]!;
  }

  /** Picks a label of `choices` with probability proportional to its weight. */
  weighted<Label extends string>(choices: WeightedChoices<Label>): Label {
    const roll = this.below(choices.total);
    let at = 0;
    while (choices.cumulative[at]! <= roll) at++;
    return choices.labels[at]!;
  }
}

/** Labels with weights, prepared once for `Random.weighted`. */
export class WeightedChoices<Label extends string> {
  readonly labels: Label[];
  readonly cumulative: number[] = [];
  readonly total: number;

  constructor(weights: Readonly<Record<Label, number>>) {
    this.labels = Object.keys(weights) as Label[];
    let sum = 0;
    for (const label of this.labels) this.cumulative.push((sum += weights[label]));
    this.total = sum;
  }
}
