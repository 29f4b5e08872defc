// State an NF keeps outside libVig: a global or memory byte that some packet can leave changed and some packet
// reads before writing it. Every packet is explored from nf_init's memory and globals, so such state would be
// verified only with nf_init's values; it is rejected instead, naming the place, the writing and the reading line.
import * as T from '../solver/term.ts';
import type { Assignment, Term } from '../solver/term.ts';
import type { Solver } from '../solver/z3.ts';
import type { Exploration, Machine, Trace } from '../symbex/explore.ts';
import type { AccessOffsets } from '../symbex/accesses.ts';
import type { Value } from '../symbex/state.ts';
import { toTerm } from '../symbex/values.ts';
import { EngineError, type Violation, type ViolationEvidence } from '../symbex/violations.ts';

type Place = Extract<ViolationEvidence, { kind: 'changes' }>['place'];

/** A path that can leave a location changed: the witness of the change and the instruction that wrote it. */
interface Change {
  trace: Trace;
  model: Assignment;
  changed: Term;
  writtenAt: number;
}

/** Adds the `state` violations of an exploration of nf_process whose paths tracked their accesses (`trackAccesses`). */
export function checkCarriedState(run: Exploration, machine: Machine, solver: Solver): void {
  run.violations.push(...carriedState(machine, run.traces, solver));
  run.figures.violations = run.violations.length;
}

/** One per global and one per variable in memory, with the model of a path that changes it. */
function carriedState(machine: Machine, traces: readonly Trace[], solver: Solver): Violation[] {
  const logs = traces.map((trace) => {
    if (!trace.final.accesses) throw new Error('internal: the exploration did not track accesses');
    return trace.final.accesses;
  });
  const entry = machine.start;
  const globalReads = firstOf(logs.map((log) => log.globalsReadFirst));
  const memoryReads = firstOf(logs.map((log) => log.memoryReadsFirst));
  const violations: Violation[] = [];

  for (const [index, readAt] of globalReads) {
    const before = entry.globals[index]!;
    const width = typeof before === 'bigint' ? 64 : 32;
    const change = firstChange(traces, solver, (trace) => {
      const writtenAt = trace.final.accesses!.globalsWritten.get(index);
      return writtenAt === undefined ? null : { writtenAt, before, after: trace.final.globals[index]!, width };
    });
    if (!change) continue;
    const name = sourceName(machine.module.globalNames.get(index));
    const what = name ? `global \`${name}\`` : `global ${index} (the module keeps no global names)`;
    violations.push(violation(machine, change, readAt, what, { global: index, name: name ?? `${index}` }));
  }

  const changes = new Map<number, Change>();
  for (const address of [...memoryReads.keys()].sort((a, b) => a - b)) {
    const change = firstChange(traces, solver, (trace) => {
      const writtenAt = trace.final.accesses!.memoryWrites.get(address);
      return writtenAt === undefined ? null : { writtenAt, before: entry.memory.read(address), after: trace.final.memory.read(address), width: 8 };
    });
    if (change) changes.set(address, change);
  }
  const covered = new Set<number>();
  for (const [address, change] of changes) {
    if (covered.has(address)) continue;
    // The place is the whole variable: the adjacent bytes read first and written by the same path (a counter
    // whose increment changes only its low byte is still a 4-byte counter).
    const writes = change.trace.final.accesses!.memoryWrites;
    const part = (a: number) => memoryReads.has(a) && writes.has(a);
    let low = address;
    let high = address;
    while (part(low - 1)) low--;
    while (part(high + 1)) high++;
    for (let a = low; a <= high; a++) covered.add(a);
    const bytesText = low === high ? `memory byte ${low}` : `memory bytes ${low}..${high}`;
    violations.push(violation(machine, change, memoryReads.get(address)!, bytesText, { address: low, bytes: high - low + 1 }));
  }
  return violations;
}

/** For each location, the first offset any log gives it. */
function firstOf(maps: readonly AccessOffsets[]): Map<number, number> {
  const union = new Map<number, number>();
  for (const map of maps) for (const [at, offset] of map) if (!union.has(at)) union.set(at, offset);
  return union;
}

/** The first path (in exploration order) that can end with the location's value different from its value at entry. */
function firstChange(
  traces: readonly Trace[],
  solver: Solver,
  written: (trace: Trace) => { writtenAt: number; before: Value; after: Value; width: number } | null,
): Change | null {
  for (const trace of traces) {
    const write = written(trace);
    if (!write) continue;
    const changed = T.not(T.eq(toTerm(write.after, write.width), toTerm(write.before, write.width)));
    if (changed === T.FALSE) continue;
    if (T.evaluate(changed, trace.model) === 1n) return { trace, model: trace.model, changed, writtenAt: write.writtenAt };
    const answer = solver.check(trace.pathCondition, changed);
    if (answer.status === 'unknown') throw new EngineError(`the solver gave up deciding whether a path can change state at ${write.writtenAt}: ${answer.reason}`);
    if (answer.status === 'sat') return { trace, model: answer.model, changed, writtenAt: write.writtenAt };
  }
  return null;
}

/** A name-section name as the source spells it: without the module path AssemblyScript puts in front. */
function sourceName(name: string | undefined): string | null {
  return name ? name.slice(name.lastIndexOf('/') + 1) : null;
}

function violation(machine: Machine, change: Change, readAt: number, what: string, place: Place): Violation {
  const { trace } = change;
  return {
    kind: 'state',
    message:
      `nf_process keeps state outside libVig: ${what} ${what.startsWith('memory bytes') ? 'are' : 'is'} written at ${machine.locate(change.writtenAt)} and read at ${machine.locate(readAt)} ` +
      'before any write in the same packet; move it into a libVig object (a vector) or write it before reading it',
    offset: change.writtenAt,
    location: machine.locate(change.writtenAt),
    stack: [],
    model: change.model,
    pathCondition: [...trace.pathCondition, change.changed],
    calls: trace.calls,
    decisions: trace.decisions,
    evidence: { kind: 'changes', place },
  };
}
