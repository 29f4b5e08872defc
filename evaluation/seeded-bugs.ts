// Table 4, measured: each seeded bug of seeded-bugs.json built into its NF (or its stack), verified live, and the
// step that caught it: exploration (a fault, hang, bad checksum, state outside libVig; for the stack, a device
// protocol rule the poll breaks), contract (a libVig precondition or an emap key invariant broken), or validation
// (the property fails); its counterexample replayed on the run-time NF (a stack's: on the stacked .wasm).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError, VerificationSession, verifyStackVariant, type Violation } from '../engine/index.ts';
import { loadManifest } from '../nf-abi/index.ts';
import type { StackVariant, Variant } from '../toolchain/build.ts';
import { PROJECT_ROOT } from './nf-list.ts';

export interface SeededBug {
  id: string;
  nf: string;
  layer: string;
  bug: string;
  /** The test file that asserts on the same variant. */
  test: string;
  /** Checked when exploration finds no violation: `spec` (spec.py) or a file of properties/; null for a stack bug. */
  property: string | null;
  /** In the small default run. */
  small: boolean;
  /** An edit of the NF's source, or, with `file`, of that file of stack/ (verified by the poll of `layers`). */
  variant: Variant | StackVariant;
  /** A stack bug's: `full` (the default), the stack's poll over the device model; `nf,io`, the I/O loop's over the driver's contract. */
  layers?: 'full' | 'nf,io';
}

export type CaughtBy = 'exploration' | 'contract' | 'validation';

export interface SeededBugResult extends Omit<SeededBug, 'variant' | 'small'> {
  /** The seeded edit, as `find` -> `replace` lines. */
  edit: string;
  /** The step that caught the bug, or null when none did (then `detail` says why). */
  caughtBy: CaughtBy | null;
  /** The violation kind or the failed obligations, in the engine's words. */
  detail: string;
  /** Whether the counterexample replayed on the run-time NF showed what verification claimed. */
  reproduced: boolean | null;
  seconds: number;
}

const CONTRACT_KINDS: ReadonlySet<Violation['kind']> = new Set(['precondition', 'invariant']);

export function seededBugs(file = join(PROJECT_ROOT, 'evaluation', 'seeded-bugs.json')): SeededBug[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { bugs: SeededBug[] }).bugs;
}

export async function runSeededBug(bug: SeededBug, nfDir: string): Promise<SeededBugResult> {
  const { variant, small: _small, ...described } = bug;
  const started = performance.now();
  const done = (caughtBy: CaughtBy | null, detail: string, reproduced: boolean | null): SeededBugResult =>
    ({ ...described, edit: describeEdit(variant), caughtBy, detail, reproduced, seconds: (performance.now() - started) / 1000 });
  try {
    return await verifySeededBug(bug, nfDir, done);
  } catch (error) {
    // The engine gave no answer (a solver that gave up, say): a row saying so, not the end of the table.
    if (!(error instanceof EngineError)) throw error;
    return done(null, `no answer: ${error.message}`, null);
  }
}

type Row = (caughtBy: CaughtBy | null, detail: string, reproduced: boolean | null) => SeededBugResult;

async function verifySeededBug({ variant, property, layers }: SeededBug, nfDir: string, done: Row): Promise<SeededBugResult> {
  const stale = staleEdit(nfDir, variant);
  if (stale) return done(null, stale, null);
  if ('file' in variant) return stackBug(nfDir, variant, layers ?? 'full', done);
  const session = await VerificationSession.open(nfDir, { variant });
  const violations = session.violations();
  if (violations.length > 0) {
    const first = violations.find((v) => CONTRACT_KINDS.has(v.violation.kind)) ?? violations[0]!;
    const step = CONTRACT_KINDS.has(first.violation.kind) ? 'contract' : 'exploration';
    return done(step, `${first.violation.kind}: ${first.violation.message.split('\n')[0]}`, first.replay.reproduced);
  }
  if (property === null) return done(null, 'not caught: exploration found no violation, and seeded-bugs.json names no property to check', null);
  const path = property === 'spec' ? join(nfDir, 'spec.py') : join(nfDir, 'properties', `${property}.py`);
  const result = await session.checkFile(path);
  if (result.verdict === 'fails') {
    const failure = result.failures[0]!;
    return done('validation', `${property} fails: ${failure.failed.join(', ')}`, failure.replay.reproduced);
  }
  return done(null, `not caught: ${property} ${result.verdict === 'holds' ? 'holds' : `gave ${result.verdict}`} of the variant`, null);
}

/**
 * A stack bug: caught when the poll's exploration breaks a rule of the device protocol (or the NF's contract); under
 * `nf,io`, the I/O loop's contract with the driver or with nf_process.
 */
async function stackBug(nfDir: string, variant: StackVariant, layers: 'full' | 'nf,io', done: Row): Promise<SeededBugResult> {
  const violations = await verifyStackVariant(nfDir, variant, {}, layers);
  const first = violations.find((v) => v.violation.kind === (layers === 'full' ? 'device' : 'delivery')) ?? violations[0];
  if (!first) return done(null, `not caught: the poll kept ${layers === 'full' ? 'the device protocol' : 'the driver\'s contract'} and the NF's contract on every path`, null);
  return done('exploration', `${first.violation.kind}: ${first.violation.message.split(';')[0]}`, first.replay.reproduced);
}

/** Why the seeded edit no longer applies to its source (it changed since), or undefined when it does. */
function staleEdit(nfDir: string, variant: Variant | StackVariant): string | undefined {
  const source = 'file' in variant ? join(PROJECT_ROOT, 'stack', variant.file) : join(nfDir, loadManifest(nfDir).source);
  const text = readFileSync(source, 'utf8');
  const stale = variant.patches.find((patch) => text.split(patch.find).length !== 2);
  if (!stale) return undefined;
  return `not run: the seeded edit's text ${JSON.stringify(stale.find)} must occur exactly once in ${source}, and occurs ${text.split(stale.find).length - 1} times: update evaluation/seeded-bugs.json`;
}

/** The seeded edit as `find` -> `replace`, for the table. */
function describeEdit(variant: Variant): string {
  return variant.patches.map((p) => `${JSON.stringify(p.find)} -> ${JSON.stringify(p.replace)}`).join('; ');
}
