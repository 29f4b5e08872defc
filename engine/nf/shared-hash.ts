// Hash functions an NF shares with its specs (docs/spec-language.md: `_LoadBalancedFlow_hash(flow)`): the NF exports
// `_<Record>_hash`, taking the record's fields in nf.json order, each zero-extended to an i32; a spec's call runs
// that very function symbolically on the spec's fields, so the hash has one definition, the NF's.
import { MEMORY_BASE, PACKET_BASE } from '../../nf-abi/index.ts';
import type { NfBuild } from '../../toolchain/build.ts';
import * as T from '../solver/term.ts';
import type { Term } from '../solver/term.ts';
import type { Solver } from '../solver/z3.ts';
import type { Machine } from '../symbex/explore.ts';
import { toTerm } from '../symbex/values.ts';
import { EngineError } from '../symbex/violations.ts';
import { decodeModule } from '../wasm/decode.ts';
import { nfMachine } from './explore-nf.ts';

/** The export a record's shared hash is. */
export const hashExport = (record: string): string => `_${record}_hash`;

/** The records of the manifest whose hash the NF exports. */
export function sharedHashRecords(build: NfBuild): string[] {
  const { exports } = decodeModule(build.wasm);
  return Object.keys(build.manifest.records).filter((record) => exports.get(hashExport(record))?.kind === 'func');
}

const machines = new WeakMap<NfBuild, Machine>();

/**
 * The NF's `_<record>_hash` applied to `fields` (terms of any width up to 32 bits): its one result term. The
 * function must run on one path without violations (no branch on its arguments, no libVig call), so that the
 * term stands for it on every input.
 */
export function applySharedHash(build: NfBuild, solver: Solver, record: string, fields: Term[]): Term {
  let machine = machines.get(build);
  if (!machine) {
    const made = nfMachine(build);
    if (made.initViolations.length > 0) throw new EngineError(`nf_init failed: ${made.initViolations[0]!.message}`);
    machines.set(build, (machine = made.machine));
  }
  const name = hashExport(record);
  const args = fields.map((f) => (f.width < 32 ? T.zext(f, 32 - f.width) : f));
  const run = machine.explore(name, args, {
    layout: { packetBase: PACKET_BASE, memoryBase: MEMORY_BASE, length: T.bv(0, 32) },
    packet: null,
    pathCondition: [],
    model: T.emptyAssignment(),
  }, solver);
  const [trace] = run.traces;
  if (run.violations.length > 0 || run.traces.length !== 1 || !trace) {
    const why = run.violations[0]?.message ?? `it runs on ${run.traces.length} paths`;
    throw new EngineError(`the NF's ${name}, which specs share, must compute its result on one path without violations: ${why}`);
  }
  return toTerm(trace.results[0]!, 32);
}
