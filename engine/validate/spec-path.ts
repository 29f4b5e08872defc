// One run of a spec on one NF trace: Python's nodes become terms, its truth tests are decided against the
// trace's path condition (the current model picks the side; one query checks the other, which becomes an
// alternative to re-run), and its state operations build the spec's own ghost versions.
import { chtChoice, type SpecObject } from '../contracts/index.ts';
import { emapAdd, emapErase, emapExpire, EmapQueries, emapRefresh, type EmapVersion, type GhostClock } from '../ghost/emap.ts';
import { lpmMatch, type LpmVersion } from '../ghost/lpm.ts';
import { vectorGet, vectorSet, type VectorVersion } from '../ghost/vector.ts';
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import type { Solver } from '../solver/z3.ts';
import { EngineError } from '../symbex/violations.ts';
import type { SpecHost } from '../spec/python.ts';

/** A spec path to run: the decisions to replay, and a model that satisfies them. */
export interface Alternative {
  prefix: boolean[];
  model: Assignment;
}

export class InfeasiblePath extends Error {}

/** Terms the engine hands to Python by number (inputs, header fields, state answers). */
export class Handles {
  readonly terms: Term[] = [];
  /**
   * `bounds`: the least and greatest value the term has on every path (the inputs' assumptions), tighter than its
   * width's; Python computes the widths of exact arithmetic from them. Decimal strings: exact beyond 2^53.
   */
  add(term: Term, bounds?: readonly [bigint, bigint]): [number, number] | [number, number, string, string] {
    this.terms.push(term);
    const handle = this.terms.length - 1;
    return bounds ? [handle, term.width, String(bounds[0]), String(bounds[1])] : [handle, term.width];
  }
}

type SpecVersion = EmapVersion | VectorVersion;

/** An emap specs see as a map to values (manifest `values`): where each key's value is. */
export interface ValueView {
  vector: string;
  /** The value's bits within the record (the record's only field; `signed`: an i32), or null for the whole record. */
  field: { low: number; bits: number; signed: boolean } | null;
}

export class SpecPath implements SpecHost {
  /**
   * An error the engine raised while Python called it: Python sees it as an exception of the spec, so the driver
   * looks here first (the engine's failure, not the spec's).
   */
  hostError: unknown = null;
  readonly decisions: boolean[] = [];
  readonly decisionLines: number[] = [];
  readonly alternatives: Alternative[] = [];
  readonly pathCondition: Term[];
  readonly versions: Map<string, SpecVersion>;
  model: Assignment;
  private readonly nodes: Term[] = [];
  private readonly known = new Set<Term>();

  constructor(
    private readonly solver: Solver,
    private readonly handles: Handles,
    private readonly objects: Map<string, SpecObject>,
    private readonly clock: GhostClock,
    private readonly valueViews: Map<string, ValueView>,
    start: { received: boolean; pathCondition: Term[]; alternative: Alternative; versions: Map<string, SpecVersion>; lpms: ReadonlyMap<string, LpmVersion> },
    /** What the NF sent (decided lazily, through this path's decisions): the function dialect's view, and the devices. */
    private readonly sent: { transmitted(path: SpecPath): unknown; devices(path: SpecPath): Term[] },
    /** The NF's cht tables by name, and its shared hashes (engine/nf/shared-hash.ts). */
    private readonly nfParts: { chts: ReadonlyMap<string, { name: string; capacity: number }>; hash(record: string, fields: Term[]): Term },
  ) {
    this.pathCondition = [...start.pathCondition];
    for (const t of this.pathCondition) this.known.add(t);
    this.model = start.alternative.model;
    this.prefix = start.alternative.prefix;
    this.versions = new Map(start.versions);
    this.lpms = start.lpms;
    this.received = start.received;
  }

  /**
   * Whether the iteration received a packet. Without one, `expire_all` changes nothing: libVig expires only when
   * nf_process asks, so entries age in place until the next packet, whose paths start from any stamps up to its
   * time (the ghost base) and whose own expiry removes them (docs/spec-language.md, "Meaning").
   */
  private readonly received: boolean;

  /** The lpm tables specs read (`routes.lookup(a)`): read only, as nf_process found them. */
  private readonly lpms: ReadonlyMap<string, LpmVersion>;

  private readonly prefix: boolean[];

  /** Reads the nodes Python appended since its last call. */
  ingest(json: string): void {
    for (const node of JSON.parse(json) as (string | number)[][]) this.nodes.push(this.build(node));
  }

  term(index: number): Term {
    const t = this.nodes[index];
    if (!t) throw new EngineError(`internal: spec node ${index} is unknown`);
    return t;
  }

  decide(nodes: string, condition: number, line: number): boolean {
    return this.guard(() => {
      this.ingest(nodes);
      return this.decideTerm(this.term(condition), line);
    });
  }

  private guard<R>(call: () => R): R {
    try {
      return call();
    } catch (e) {
      this.hostError ??= e;
      throw e;
    }
  }

  decideTerm(condition: Term, line = 0): boolean {
    let taken: boolean;
    const index = this.decisions.length;
    if (index < this.prefix.length) taken = this.prefix[index]!;
    else if (T.isConst(condition)) taken = condition.value === 1n;
    else if (this.known.has(condition) || this.known.has(T.not(condition))) taken = this.known.has(condition);
    else {
      taken = T.evaluate(condition, this.model) === 1n;
      const other = taken ? T.not(condition) : condition;
      const answer = this.solver.check(this.pathCondition, other, this.model);
      if (answer.status === 'unknown') throw new EngineError(`the solver gave up on a decision of the spec at line ${line}: ${answer.reason}`);
      if (answer.status === 'sat') this.alternatives.push({ prefix: [...this.decisions, !taken], model: answer.model });
    }
    if (!T.isConst(condition)) this.add(taken ? condition : T.not(condition));
    this.decisions.push(taken);
    this.decisionLines.push(line);
    return taken;
  }

  /** Facts that hold (ghost invariants at new terms): keep the model satisfying the path. */
  assume(facts: Term[]): void {
    const fresh = facts.filter((f) => f !== T.TRUE && !this.known.has(f));
    if (fresh.length === 0) return;
    for (const f of fresh) this.add(f);
    if (fresh.every((f) => T.evaluate(f, this.model) === 1n)) return;
    const answer = this.solver.check(this.pathCondition, T.TRUE);
    if (answer.status !== 'sat') throw new InfeasiblePath();
    this.model = answer.model;
  }

  private add(fact: Term): void {
    if (this.known.has(fact)) return;
    this.known.add(fact);
    this.pathCondition.push(fact);
  }

  /** `object` names the spec's own copy, or with `@nf` the state the NF left (read only: the function dialect). */
  state(nodes: string, object: string, operation: string, args: string): string {
    return this.guard(() => this.stateOperation(nodes, object, operation, args));
  }

  private stateOperation(nodes: string, object: string, operation: string, args: string): string {
    this.ingest(nodes);
    const [name, when] = object.split('@') as [string, string | undefined];
    const lpm = this.lpms.get(name);
    if (lpm && when === undefined) return this.lookup(lpm, operation, args);
    const target = this.objects.get(name);
    const version = when === 'nf' ? target?.version : this.versions.get(name);
    if (!target || !version) throw new EngineError(`the NF has no state object named ${name}`);
    if (when === 'nf' && !['has', 'get', 'get_key', 'has_idx', 'full'].includes(operation)) {
      throw new EngineError(`the NF's final state of ${name} is read only (${operation})`);
    }
    object = name;
    const [a, b, c] = (JSON.parse(args) as number[]).map((i) => this.term(i));
    const facts: Term[] = [];
    const answer = (t: Term, bounds?: readonly [bigint, bigint]) => {
      this.assume(facts);
      return JSON.stringify(this.handles.add(t, bounds));
    };
    if (target.kind === 'vector') {
      const v = version as VectorVersion;
      if (operation === 'get') return answer(vectorGet(v, a!, facts));
      this.versions.set(object, vectorSet(v, a!, b!));
      return 'null';
    }
    const v = version as EmapVersion;
    const queries = new EmapQueries(this.clock, facts);
    const [method, chtName] = operation.split(':') as [string, string | undefined];
    if (chtName !== undefined) {
      // The cht's choice for the hash over this version of the emap: the very term the NF's cht_find_backend gets
      // when it asks with the same hash of the same version (engine/contracts/cht.ts).
      const table = this.nfParts.chts.get(chtName);
      if (!table) throw new EngineError(`the NF has no cht named ${chtName}`);
      const { choice, facts: chosen } = chtChoice(table, { version: v, capacity: target.capacity }, a!, queries);
      facts.push(...chosen);
      if (method === 'exists_with_cht') return answer(T.not(T.eq(choice, T.bv(-1n, 32))));
      if (method === 'choose_with_cht') return answer(choice, signedBounds(32));
      throw new EngineError(`emaps have no operation ${method} with a cht`);
    }
    switch (operation) {
      case 'has': return answer(queries.has(v, a!));
      case 'get': {
        const view = this.valueViews.get(object);
        if (!view) return answer(queries.index(v, a!));
        const values = when === 'nf' ? this.objects.get(view.vector)?.version : this.versions.get(view.vector);
        const record = vectorGet(values as VectorVersion, queries.index(v, a!), facts);
        if (!view.field) return answer(record);
        const { low, bits, signed } = view.field;
        return answer(T.extract(low + bits - 1, low, record), signed ? signedBounds(bits) : undefined);
      }
      case 'get_key': return answer(queries.keyOf(v, a!));
      case 'has_idx': return answer(T.and(T.compare('ult', a!, T.bv(target.capacity, 32)), queries.allocated(v, a!)));
      case 'full': return answer(queries.full(v));
      case 'add': this.versions.set(object, emapAdd(v, a!, b!, c!)); break;
      case 'refresh': this.versions.set(object, emapRefresh(v, a!, b!)); break;
      case 'erase': this.versions.set(object, emapErase(v, a!)); break;
      case 'expire': if (this.received) this.versions.set(object, emapExpire(v, a!)); break;
      default: throw new EngineError(`emaps have no operation ${operation}`);
    }
    return 'null';
  }

  /** `lookup(address)` on an lpm: the address is a header field's value (wire bytes little-endian), the table's has its first octet most significant. */
  private lookup(version: LpmVersion, operation: string, args: string): string {
    if (operation !== 'lookup') throw new EngineError(`lpm tables have no operation ${operation}`);
    const wire = this.term((JSON.parse(args) as number[])[0]!);
    const byte = (i: number) => T.extract(8 * i + 7, 8 * i, wire);
    const facts: Term[] = [];
    const { value } = lpmMatch(version, T.concat(T.concat(byte(0), byte(1)), T.concat(byte(2), byte(3))), facts);
    this.assume(facts);
    return JSON.stringify(this.handles.add(value, signedBounds(32)));
  }

  hash(nodes: string, record: string, fields: string): string {
    return this.guard(() => {
      this.ingest(nodes);
      const hashed = this.nfParts.hash(record, (JSON.parse(fields) as number[]).map((i) => this.term(i)));
      return JSON.stringify(this.handles.add(hashed));
    });
  }

  transmitted(nodes: string): string {
    return this.guard(() => {
      this.ingest(nodes);
      return JSON.stringify(this.sent.transmitted(this));
    });
  }

  sentDevices(nodes: string): string {
    return this.guard(() => {
      this.ingest(nodes);
      return JSON.stringify(this.sent.devices(this).map((d) => this.handles.add(d)));
    });
  }

  /**
   * `value`, which equals `same` wherever `where` holds (prelude.py's _scaled_quotient makes sure; the value is
   * easier to reason about, `same` is the NF's term): `same` when this path implies `where`, so the solver compares
   * it with the NF's term as it is; else `value`, with their equality where `where` holds as a fact of the path.
   */
  private alias(value: Term, same: Term, where: Term): Term {
    if (this.known.has(where) || where === T.TRUE) return same;
    if (this.solver.check(this.pathCondition, T.not(where), this.model).status === 'unsat') return same;
    this.add(T.or(T.not(where), T.eq(same, value)));
    return value;
  }

  private build(node: (string | number)[]): Term {
    const [op, width] = node as [string, number];
    const arg = (i: number) => this.term(node[i] as number);
    switch (op) {
      case 'c': return width === 0 ? T.bool(node[2] === '1') : T.bv(BigInt(node[2] as string), width);
      case 'r': {
        const t = this.handles.terms[node[2] as number];
        if (!t) throw new EngineError(`internal: spec handle ${node[2]} is unknown`);
        return t;
      }
      case 'not': return T.not(arg(2));
      case 'band': return T.and(arg(2), arg(3));
      case 'bor': return T.or(arg(2), arg(3));
      case 'eq': return T.eq(arg(2), arg(3));
      case 'ult': case 'ule': case 'slt': case 'sle': return T.compare(op, arg(2), arg(3));
      case 'ite': return T.ite(arg(2), arg(3), arg(4));
      case 'alias': return this.alias(arg(2), arg(3), arg(4));
      case 'zext': return T.zext(arg(2), width - arg(2).width);
      case 'sext': return T.sext(arg(2), width - arg(2).width);
      case 'extract': return T.extract((node[3] as number) + width - 1, node[3] as number, arg(2));
      case 'concat': return T.concat(arg(2), arg(3));
      case 'add': case 'sub': case 'mul': case 'udiv': case 'urem': case 'sdiv': case 'srem': case 'and': case 'or': case 'xor': case 'shl': case 'lshr': case 'ashr':
        return T.binary(op, arg(2), arg(3));
      default: throw new EngineError(`internal: unknown spec node ${op}`);
    }
  }
}

/** The values of a two's complement number of `bits` bits. */
const signedBounds = (bits: number): [bigint, bigint] => [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n];
