// Pay-as-you-go verification: a session explores the NF once (traces cached by binary hash and layers, in memory
// and on disk under .cache/traces), then
// checks properties one at a time against the cached traces, running only the spec side.
import { basename, resolve } from 'node:path';
import { buildNf, type NfBuild, type Variant } from '../../toolchain/build.ts';
import { Solver } from '../solver/z3.ts';
import { analyzeSpec, propertiesFolder, readSpecFile, type SpecDiagnostic, type SpecText } from '../spec/frontend/index.ts';
import { specPython } from '../spec/python.ts';
import type { NfExploration } from '../nf/explore-nf.ts';
import type { Violation, Watch } from '../symbex/violations.ts';
import { checkSpec, type Failure, type NoPacketCheck, type RaisedOn, SpecRuntimeError, SpecStopped } from '../validate/check.ts';
import { type Replay, replayTrace, replayViolation } from './replay.ts';
import { replayIdlePoll, replayOnStackedBuild, stackedBuildsFor } from './stack-replay.ts';
import { exploreCached } from './trace-cache.ts';
import type { Layers } from '../stack/layers.ts';
import { pollsWithoutPackets } from '../stack/explore-layers.ts';
import type { StackedBuilds } from '../stack/explore-stack.ts';

/** The engine walks terms recursively: a spec value chained from thousands of operations exhausts its stack. */
const TOO_DEEP = 'the verifier ran out of stack walking the values this spec built: usually one chained from thousands of ' +
  'operations (a sum or `|` accumulated in a loop); build it as a balanced tree, or use mem(x, values) for membership';

/** A failure with its counterexample replayed on the run-time NF. */
export type ReplayedFailure = Failure & { replay: Replay };

export type PropertyResult =
  | {
      name: string;
      file: string;
      verdict: 'holds' | 'fails';
      dialect: 'statement' | 'function';
      traces: number;
      specPaths: number;
      queries: number;
      seconds: number;
      /** The longest one Z3 query took (seconds). */
      slowestQuery: number;
      lines: number;
      /** The spec claims nothing (AnalyzedSpec.claims): it holds of every NF. */
      claimsNothing: boolean;
      failures: ReplayedFailure[];
      /** Whether the spec was run with `a_packet_received` false, or why not. */
      noPacket: NoPacketCheck;
    }
  /** `raisedOn`: for a spec that raised while it ran, the trace and an input on which it did. */
  | { name: string; file: string; verdict: 'invalid'; errors: SpecDiagnostic[]; raisedOn?: RaisedOn }
  /** The check was stopped (the spec's time or memory limit, an interpreter crash): no verdict about the NF. */
  | { name: string; file: string; verdict: 'error'; message: string };

const explorations = new Map<string, Promise<NfExploration>>();


export class VerificationSession {
  /** Properties checked or defined in this session, importable by name from later ones, with the file they show as. */
  private readonly cells = new Map<string, { text: string; file: string }>();

  private constructor(
    readonly nfDir: string,
    readonly build: NfBuild,
    readonly exploration: NfExploration,
    readonly layers: Layers,
    private readonly solver: Solver,
    /** The stacked builds `--layers full` or `nf,io` explored the polls over: each one's violations replay there. */
    private readonly stacked: StackedBuilds | null,
  ) {}

  /** `variant`: the NF built from a patched source (a seeded bug), explored and cached under its own binary. */
  static async open(nfDir: string, options: Watch & { layers?: Layers; variant?: Variant } = {}): Promise<VerificationSession> {
    const dir = resolve(nfDir);
    const build = await buildNf(dir, { variant: options.variant });
    const layers = options.layers ?? 'nf';
    const solver = await Solver.create();
    // The manifest too: the binary's hash does not cover nf.json, whose config values the traces take as constants.
    const key = `${build.hash}/${layers}/${JSON.stringify(build.manifest)}`;
    let exploration = explorations.get(key);
    if (!exploration) {
      exploration = exploreCached(build, layers, { solver, shouldStop: options.shouldStop, progress: options.progress });
      explorations.set(key, exploration);
      // An interrupted or failed exploration is not cached.
      exploration.catch(() => explorations.delete(key));
    }
    // Python starts while the NF is explored: property checks then time the spec side only.
    const [explored] = await Promise.all([exploration, specPython()]);
    const stacked = layers === 'nf' ? null : await stackedBuildsFor(dir, layers, { variant: options.variant });
    return new VerificationSession(dir, build, explored, layers, solver, stacked);
  }

  /** Makes a property importable by `name` without checking it (restoring a session's cells). */
  define(name: string, text: string, file = `${name} (cell)`): void {
    this.cells.set(name, { text, file });
  }

  /** Checks a property given as text (a cell, or a file's contents, spec-file.ts); it becomes importable by `name`. */
  async check(name: string, source: string | SpecText, file = `${name}.py`, watch: Watch = {}): Promise<PropertyResult> {
    const { text, undecodable } = typeof source === 'string' ? { text: source, undecodable: undefined } : source;
    const lookupFile = propertiesFolder(this.nfDir);
    const analysis = analyzeSpec({
      name,
      file,
      text,
      ...(undecodable ? { undecodable } : {}),
      manifest: this.build.manifest,
      lookupProperty: (property, importer) => {
        const cell = this.cells.get(property);
        return cell !== undefined ? { name: property, ...cell } : lookupFile(property, importer);
      },
    });
    if (!analysis.ok) return { name, file, verdict: 'invalid', errors: analysis.errors };
    this.cells.set(name, { text, file });
    try {
      const result = await checkSpec(this.exploration, analysis.spec, this.solver, { ...watch, ioLoop: pollsWithoutPackets(this.layers) });
      const failures = result.failures.map((failure) => ({
        ...failure,
        replay: failure.iteration === 'no packet' ? this.replayWithoutPacket() : this.replayThroughCht(failure),
      }));
      return { name, file, dialect: analysis.spec.dialect, lines: analysis.spec.lines.withImports, claimsNothing: !analysis.spec.claims, ...result, failures };
    } catch (e) {
      if (e instanceof SpecStopped) return { name, file, verdict: 'error', message: e.message };
      if (e instanceof RangeError && /call stack/.test(e.message)) return { name, file, verdict: 'error', message: TOO_DEEP };
      if (!(e instanceof SpecRuntimeError)) throw e;
      const where = e.location ?? { file, line: 1, column: 1, importedFrom: [] };
      return { name, file, verdict: 'invalid', errors: [{ ...where, kind: 'runtime', message: e.reason }], raisedOn: e.raisedOn };
    }
  }

  /** A failure on the stack's iteration without a packet: a poll of the stacked build on a device that received nothing. */
  private replayWithoutPacket(): Replay {
    const build = this.layers === 'nf' ? undefined : this.stacked?.[this.layers];
    if (!build) throw new Error('internal: an iteration without a packet was checked with no stacked build');
    return replayIdlePoll(build);
  }

  /**
   * A failure's replay, and what its cht choices were (engine/validate/cht-refinement.ts): one the NF's table
   * never shows has no run to replay; where the replay reproduces, the run-time's table chose as it says.
   */
  private replayThroughCht(failure: Failure): Replay {
    if (failure.cht?.outcome === 'never-shown') return { reproduced: false, observed: failure.cht.explanation };
    const replay = replayTrace(this.exploration, failure);
    return replay.reproduced && failure.cht?.outcome === 'table' ? { ...replay, observed: `${replay.observed}; ${failure.cht.explanation}` } : replay;
  }

  /**
   * The NF's own faults (low-level properties, always checked), each replayed on the run-time NF. No property
   * can hold of an NF that has them.
   */
  violations(): { violation: Violation; replay: Replay }[] {
    return [...this.exploration.initViolations, ...this.exploration.violations].map((violation) => ({
      violation,
      replay: (this.stacked && replayOnStackedBuild(this.stacked, violation)) ?? replayViolation(this.exploration, violation),
    }));
  }

  async checkFile(path: string, watch: Watch = {}): Promise<PropertyResult> {
    const name = basename(path).replace(/\.py$/, '');
    return this.check(name, readSpecFile(path), path, watch);
  }
}
