// Source maps of WebAssembly modules: "column" is the byte offset in the module (there is one line).
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export class SourceMap {
  private constructor(
    private readonly offsets: number[],
    private readonly locations: SourceLocation[],
  ) {}

  static parse(json: string): SourceMap {
    const map = JSON.parse(json) as { sources: string[]; mappings: string };
    const offsets: number[] = [];
    const locations: SourceLocation[] = [];
    // Fields are deltas from the previous segment: column, source, line, column.
    const state = [0, 0, 0, 0];
    for (const segment of map.mappings.split(/[,;]/)) {
      if (segment === '') continue;
      const fields = decodeVlq(segment);
      fields.forEach((delta, i) => (state[i] = state[i]! + delta));
      if (fields.length < 4) continue;
      offsets.push(state[0]!);
      locations.push({ file: map.sources[state[1]!] ?? '?', line: state[2]! + 1, column: state[3]! + 1 });
    }
    const order = offsets.map((_, i) => i).sort((x, y) => offsets[x]! - offsets[y]!);
    return new SourceMap(order.map((i) => offsets[i]!), order.map((i) => locations[i]!));
  }

  /** The mapping at or before `offset` (greatest lower bound), as compilers map only the first byte of a span. */
  locate(offset: number): SourceLocation | null {
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid]! <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? null : this.locations[found]!;
  }
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    if (digit < 0) throw new Error(`invalid source map character ${JSON.stringify(ch)}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    value = 0;
    shift = 0;
  }
  return values;
}

export const formatLocation = (loc: SourceLocation | null, offset: number): string => (loc ? `${loc.file}:${loc.line}` : `wasm byte ${offset}`);
