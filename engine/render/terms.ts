// Solver terms in the NF's domain words, for traces and counterexamples: frame bytes as header fields
// (`ether.daddr`), libVig state as the spec language reads it (`dyn_emap.get(ether.daddr)`, `dyn_vals.get(i)
// .output_port`, `the_index_allocated`), records by field name, outputs as DROP and FLOOD, constants in their
// field's notation (mac("..."), ip("...")), times as `now - 5 min`. A subterm met more than once is named once.
import { DROP, FLOOD, HEADER_FIELDS, type Manifest, type Protocol, recordOf, showDuration, showField, showRecord } from '../../nf-abi/index.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import { layout } from '../validate/check.ts';

/** What a constant stands for where it appears: an NF result, a header field, a record, a time, or a number. */
type Kind =
  | { is: 'output' }
  | { is: 'field'; protocol: Protocol; field: string }
  | { is: 'record'; record: string }
  | { is: 'time' }
  | { is: 'number'; signed: boolean };

const NUMBER: Kind = { is: 'number', signed: false };

/** Where headers sit when the NF reads them at constant offsets: Ethernet at 0, IPv4 (without options) after it. */
const FIXED_HEADERS: readonly [Protocol, number][] = [['ether', 0], ['ipv4', 14]];

const INPUTS = { packet: 'packet', device: 'device', now: 'now', length: 'length' };

/** Names for subterms used more than once (`x1`, `x2`, ...), at most this many. */
const MAX_NAMES = 4;
/** A repeated subterm is named only when it is at least this big (nodes of its tree). */
const NAMED_SIZE = 6;

/**
 * `term` in the NF's words: the value of an NF result (`output`: -1 and -2 read DROP and FLOOD), or a condition
 * or number. Repeated subterms become `x1 ... where x1 = ...`.
 */
export function describeTerm(term: Term, manifest: Manifest, options: { output?: boolean; limit?: number } = {}): string {
  const printer = new Printer(manifest);
  const root = printer.normalise(term);
  const names = printer.nameRepeats(root);
  const text = printer.render(root, options.output ? { is: 'output' } : printer.kindOf(root), true);
  const where = names.map(([name, t]) => `${name} = ${printer.render(t, printer.usedAs.get(t.id) ?? printer.kindOf(t), true)}`);
  const whole = where.length ? `${text}, where ${where.join(', ')}` : text;
  const limit = options.limit ?? 400;
  return whole.length <= limit ? whole : `${whole.slice(0, limit - 1)}…`;
}

class Printer {
  private readonly names = new Map<number, string>();
  /** How each named subterm was first used: its definition shows its constants so. */
  readonly usedAs = new Map<number, Kind>();
  private readonly normalised = new Map<number, Term>();

  constructor(private readonly manifest: Manifest) {}

  /**
   * Rewrites what compilers make of conditions back into conditions (bitwise `|` and `&` of `c ? 1 : 0` numbers as
   * `or` and `and`, their comparison with 0 as `not`), joins one key's differently nested concatenations, and drops
   * a choice repeated in a branch that already decided it.
   */
  normalise(t: Term): Term {
    return T.buildBottomUp(t, this.normalised, (x) => {
      const args = x.args.map((a) => this.normalised.get(a.id)!);
      const rebuilt = args.every((a, i) => a === x.args[i]) ? x : T.rebuild(x, args);
      // One key built by differently nested concatenations is one term: the same comparison reads the same.
      if (rebuilt.op === 'concat') return this.parts(rebuilt, false).reduce((hi, lo) => T.concat(hi, lo));
      if (rebuilt.op === 'ite') {
        const [c, then, otherwise] = rebuilt.args as [Term, Term, Term];
        // A choice repeated in a branch it already decided (a table lookup evaluated twice).
        if (otherwise.op === 'ite' && otherwise.args[0] === c) return T.ite(c, then, otherwise.args[2]!);
        if (then.op === 'ite' && then.args[0] === c) return T.ite(c, then.args[1]!, otherwise);
      }
      const [a, b] = rebuilt.args.map(asCondition);
      // Rebuilt as `c ? 1 : 0`, whose comparison with 0 or 1 the term builder turns into `not c` or `c`.
      if ((rebuilt.op === 'or' || rebuilt.op === 'and') && a && b) return T.ite(rebuilt.op === 'or' ? T.or(a, b) : T.and(a, b), T.bv(1, rebuilt.width), T.bv(0, rebuilt.width));
      return rebuilt;
    });
  }

  /** Names the biggest subterms that occur more than once (counting occurrences in the tree, not the DAG). */
  nameRepeats(root: Term): [string, Term][] {
    const named: [string, Term][] = [];
    while (named.length < MAX_NAMES) {
      const counts = new Map<number, number>();
      const sizes = new Map<number, number>();
      const visit = (t: Term, top: boolean) => {
        if (!top && this.names.has(t.id)) return;
        counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
        if ((counts.get(t.id) ?? 0) > 1) return;
        for (const a of t.args) visit(a, false);
      };
      visit(root, true);
      for (const [, t] of named) visit(t, true);
      const size = (t: Term): number => {
        if (sizes.has(t.id)) return sizes.get(t.id)!;
        const own = this.leaf(t) ? 1 : 1 + t.args.reduce((sum, a) => sum + size(a), 0);
        sizes.set(t.id, own);
        return own;
      };
      const all = [root, ...named.map(([, t]) => t)];
      const candidates = [...T.subterms(all).values()].filter((t) => (counts.get(t.id) ?? 0) > 1 && !this.names.has(t.id) && t.width !== T.BOOL && size(t) >= NAMED_SIZE && !this.leaf(t));
      if (candidates.length === 0) break;
      const biggest = candidates.reduce((a, b) => (size(b) > size(a) ? b : a));
      const name = `x${named.length + 1}`;
      this.names.set(biggest.id, name);
      named.push([name, biggest]);
    }
    return named;
  }

  /** Terms shown as one word: constants, inputs, header fields, state counts. */
  private leaf(t: Term): boolean {
    // An open value of the ghost theory (`the_index_allocated`) reads as one word, whatever its operands.
    return t.op === 'const' || t.op === 'var' || (t.op === 'apply' && t.name.includes('@')) || this.packetBytes(t) !== null;
  }

  /** What a term's constants should read as, when it is compared with one. */
  kindOf(t: Term): Kind {
    const bytes = this.packetBytes(t);
    if (bytes) {
      const field = headerField(bytes.from, bytes.to);
      if (field && field.whole) return { is: 'field', protocol: field.protocol, field: field.field };
    }
    if (t.op === 'var' && t.name === INPUTS.now) return { is: 'time' };
    if (t.op === 'apply' && t.name.endsWith('.stamp')) return { is: 'time' };
    if ((t.op === 'add' || t.op === 'sub') && t.width === 64 && t.args.some((a) => this.kindOf(a).is === 'time')) return { is: 'time' };
    if (t.op === 'zext' || t.op === 'sext') return this.kindOf(t.args[0]!);
    if (t.op === 'ite') {
      const branch = this.kindOf(t.args[1]!);
      return branch.is === 'number' ? this.kindOf(t.args[2]!) : branch;
    }
    const record = this.recordShape(t);
    if (record) return { is: 'record', record: record.record };
    return NUMBER;
  }

  render(t: Term, kind: Kind, top = false): string {
    const name = this.names.get(t.id);
    if (name && !top) {
      if (!this.usedAs.has(t.id)) this.usedAs.set(t.id, kind);
      return name;
    }
    const s = (x: Term, k: Kind = NUMBER) => this.render(x, k);
    const bytes = this.packetBytes(t);
    if (bytes) return packetName(bytes.from, bytes.to);
    switch (t.op) {
      case 'const': return t.width === T.BOOL ? (t.value === 1n ? 'True' : 'False') : this.constant(t, kind);
      case 'var': return this.variable(t);
      case 'zext': return this.render(t.args[0]!, kind);
      case 'sext': return this.render(t.args[0]!, kind);
      case 'extract': return this.extract(t);
      case 'concat': {
        const record = this.recordShape(t);
        if (record) return `${record.record} { ${record.fields.map(([field, part]) => `${field}: ${this.render(part, this.kindOf(part))}`).join(', ')} }`;
        return `(${t.args.map((a) => s(a)).join(' ++ ')})`;
      }
      case 'ite': return `(${this.render(t.args[1]!, kind)} if ${s(t.args[0]!)} else ${this.render(t.args[2]!, kind)})`;
      case 'not': {
        const inner = t.args[0]!;
        if (inner.op === 'eq') return this.comparison(inner.args[0]!, '!=', inner.args[1]!, false);
        return `not ${s(inner)}`;
      }
      case 'band': return `(${s(t.args[0]!)} and ${s(t.args[1]!)})`;
      case 'bor': return `(${s(t.args[0]!)} or ${s(t.args[1]!)})`;
      case 'eq': return this.comparison(t.args[0]!, '==', t.args[1]!, false);
      case 'ult': return this.comparison(t.args[0]!, '<', t.args[1]!, false);
      case 'ule': return this.comparison(t.args[0]!, '<=', t.args[1]!, false);
      case 'slt': return this.comparison(t.args[0]!, '<', t.args[1]!, true);
      case 'sle': return this.comparison(t.args[0]!, '<=', t.args[1]!, true);
      case 'add': {
        const [a, b] = t.args as [Term, Term];
        const time = this.kindOf(t).is === 'time';
        if (T.isConst(b)) {
          const signed = BigInt.asIntN(t.width, b.value);
          const amount = (v: bigint) => (time ? showDuration(v) : String(v));
          return signed < 0n ? `(${s(a)} - ${amount(-signed)})` : `(${s(a)} + ${amount(signed)})`;
        }
        return `(${s(a)} + ${s(b)})`;
      }
      case 'apply': return this.application(t);
      case 'select': return `packet[${s(t.args[1]!)}]`;
      default: {
        const symbol = SYMBOLS[t.op];
        if (symbol && t.args.length === 2) return `(${s(t.args[0]!)} ${symbol} ${s(t.args[1]!)})`;
        return `${t.op}(${t.args.map((a) => s(a)).join(', ')})`;
      }
    }
  }

  /** A comparison, its constant side in the other side's notation. */
  private comparison(a: Term, op: string, b: Term, signed: boolean): string {
    const kindA = this.kindOf(a);
    const kindB = this.kindOf(b);
    const number: Kind = { is: 'number', signed };
    const kind = kindA.is !== 'number' ? kindA : kindB.is !== 'number' ? kindB : number;
    return `(${this.render(a, kind)} ${op} ${this.render(b, kind)})`;
  }

  private constant(t: Term, kind: Kind): string {
    const signed = BigInt.asIntN(t.width, t.value);
    switch (kind.is) {
      case 'output':
        if (t.width === 32 && signed === BigInt(DROP)) return 'DROP';
        if (t.width === 32 && signed === BigInt(FLOOD)) return 'FLOOD';
        return String(signed);
      case 'field': {
        const [, , size, notation] = HEADER_FIELDS[kind.protocol].find(([name]) => name === kind.field)!;
        const bytes = Array.from({ length: size }, (_, i) => Number((t.value >> BigInt(8 * i)) & 0xffn));
        return notation === 'number' ? String(t.value) : showField(notation, bytes);
      }
      case 'record': return showRecord(this.manifest, kind.record, t.value);
      case 'time': return signed === 0n ? '0' : showDuration(signed);
      case 'number': return kind.signed || (t.width >= 32 && signed < 0n && signed > -65536n) ? String(signed) : String(t.value);
    }
  }

  private variable(t: Term): string {
    const count = /^(\w+)\.count$/.exec(t.name);
    if (count) return `len(${count[1]})`;
    return t.name;
  }

  /** Low bits of an input that fit them whole (a device number below 2^16) read as the input; else a bit range. */
  private extract(t: Term): string {
    const inner = t.args[0]!;
    const lo = Number(t.value);
    const bound = inner.op === 'var' ? { [INPUTS.device]: this.manifest.devices, [INPUTS.length]: this.manifest.frame.max + 1 }[inner.name] : undefined;
    if (lo === 0 && bound !== undefined && BigInt(bound) <= 1n << BigInt(t.hi + 1)) return this.render(inner, NUMBER);
    const field = this.vectorField(t);
    if (field) return field;
    return `${this.render(inner, NUMBER)}[bits ${lo}..${t.hi}]`;
  }

  /** `dyn_vals.get(i).output_port`: a field's bits of a vector's record. */
  private vectorField(t: Term): string | null {
    const whole = t.op === 'extract' ? t.args[0]! : t;
    if (whole.op !== 'apply' || !whole.name.endsWith('.value')) return null;
    const object = whole.name.slice(0, -'.value'.length);
    const record = recordOf(this.manifest, object);
    if (!record || !this.manifest.records[record]) return null;
    const lo = t.op === 'extract' ? Number(t.value) : 0;
    const bits = t.width;
    const field = layout(this.manifest.records[record]!).find(([, offset, width]) => offset * 8 === lo && width === bits);
    const get = `${object}.get(${this.render(whole.args[0]!, NUMBER)})`;
    return field ? `${get}.${field[0]}` : t === whole ? get : null;
  }

  /** libVig's state as the spec language reads it. */
  private application(t: Term): string {
    const s = (x: Term) => this.render(x, this.kindOf(x));
    const version = /^(\w+)\.(\w+)@([\w.]+)$/.exec(t.name);
    if (version) {
      const [, object, what, shape] = version;
      const after = shape!.split('.').slice(1);
      // An add's index is the spec's the_index_allocated; other open values are named with the operations before.
      if (what === 'new') return 'the_index_allocated';
      const ops = after.length ? ` after ${after.join(', ')}` : '';
      return what === 'count' ? `len(${object}${ops})` : `${object}.${what}${ops}`;
    }
    const [object, what] = t.name.split('.') as [string, string | undefined];
    switch (what) {
      case 'has': return `${object}.has(${s(t.args[0]!)})`;
      case 'index': return `${object}.get(${s(t.args[0]!)})`;
      case 'value': return this.vectorField(t) ?? `${object}.get(${s(t.args[0]!)})`;
      default: return `${t.name}(${t.args.map(s).join(', ')})`;
    }
  }

  /** A run of frame bytes at consecutive constant offsets, loaded little-endian (byte `from` lowest). */
  private packetBytes(t: Term): { from: number; to: number } | null {
    const offsets: number[] = [];
    const collect = (x: Term): boolean => {
      if (x.op === 'concat') return collect(x.args[0]!) && collect(x.args[1]!);
      if (x.op !== 'select' || !T.isConst(x.args[1]!) || x.args[0]!.op !== 'var' || x.args[0]!.name !== INPUTS.packet) return false;
      offsets.push(Number(x.args[1]!.value));
      return true;
    };
    if (!collect(t)) return null;
    const consecutive = offsets.every((o, i) => o === offsets[0]! - i);
    return consecutive ? { from: offsets[offsets.length - 1]!, to: offsets[0]! } : null;
  }

  /**
   * A concatenation whose parts are exactly the fields of a record of nf.json (a key the NF built in memory, such
   * as the bridge's StaticKey): the record and each field's part.
   */
  private recordShape(t: Term): { record: string; fields: [string, Term][] } | null {
    if (t.op !== 'concat') return null;
    const parts = this.parts(t);
    if (parts.length < 2) return null;
    for (const [record, fields] of Object.entries(this.manifest.records)) {
      const shape = layout(fields);
      if (shape.length !== parts.length || shape.reduce((bits, [, , width]) => bits + width, 0) !== t.width) continue;
      // Parts come most significant first; fields from the lowest byte.
      const low = [...parts].reverse();
      let at = 0;
      if (shape.every(([, offset, width], i) => offset * 8 === at && low[i]!.width === width && (at += width) > 0)) return { record, fields: shape.map(([name], i) => [name, low[i]!]) };
    }
    return null;
  }

  /** A concatenation's parts, most significant first, runs of frame bytes kept whole. */
  private parts(t: Term, merge = true): Term[] {
    if (t.op !== 'concat' || (merge && this.packetBytes(t))) return [t];
    const [hi, lo] = t.args as [Term, Term];
    const parts = [...this.parts(hi, merge), ...this.parts(lo, merge)];
    if (!merge) return parts;
    // Adjacent frame bytes split across the concatenation's nesting belong to one field.
    const merged: Term[] = [];
    for (const part of parts) {
      const last = merged[merged.length - 1];
      const joined = last ? T.concat(last, part) : null;
      if (last && joined && this.packetBytes(last) && this.packetBytes(part) && this.packetBytes(joined)) merged[merged.length - 1] = joined;
      else merged.push(part);
    }
    return merged;
  }
}

const SYMBOLS: Partial<Record<T.Op, string>> = {
  sub: '-', mul: '*', and: '&', or: '|', xor: '^', shl: '<<', lshr: '>>', ashr: '>>', udiv: '/', sdiv: '/', urem: '%', srem: '%',
};

/** A 0-or-1 number as the condition it encodes, if it is one. */
function asCondition(t: Term): Term | null {
  if (t.op === 'const' && t.value <= 1n) return T.bool(t.value === 1n);
  if (t.op !== 'ite' || !T.isConst(t.args[1]!) || !T.isConst(t.args[2]!)) return null;
  const [then, otherwise] = [t.args[1]!.value, t.args[2]!.value];
  if (then === 1n && otherwise === 0n) return t.args[0]!;
  if (then === 0n && otherwise === 1n) return T.not(t.args[0]!);
  return null;
}

/** The header field that frame bytes `from..to` belong to, when the NF read it at its fixed offset. */
function headerField(from: number, to: number): { protocol: Protocol; field: string; whole: boolean; at: number } | null {
  for (const [protocol, base] of FIXED_HEADERS) {
    for (const [field, offset, size] of HEADER_FIELDS[protocol]) {
      const start = base + offset;
      if (from >= start && to < start + size) return { protocol, field, whole: from === start && to === start + size - 1, at: from - start };
    }
  }
  return null;
}

/** Frame bytes by the header field they are (`ether.daddr`), part of one (`ether.daddr[0..3]`), or by offset. */
function packetName(from: number, to: number): string {
  const field = headerField(from, to);
  if (!field) return from === to ? `packet[${from}]` : `packet[${from}..${to}]`;
  const name = `${field.protocol}.${field.field}`;
  return field.whole ? name : from === to ? `${name}[${field.at}]` : `${name}[${field.at}..${field.at + to - from}]`;
}
