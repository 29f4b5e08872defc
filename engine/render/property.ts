// Text renderings of property results: one property's verdict with its counterexamples, and the verdict table.
import type { NfExploration } from '../nf/explore-nf.ts';
import type { PropertyResult } from '../session/session.ts';
import { formatDiagnostic, type SpecDiagnostic } from '../spec/frontend/index.ts';
import { describeFailure, describeRaisedOn, formatInput, formatRaisedOn } from './failure.ts';
import { formatStep } from './nf-path.ts';
import { plural, replayWords, shownPath } from './text.ts';

export function formatPropertyResult(run: NfExploration, result: PropertyResult): string {
  if (result.verdict === 'invalid') {
    const raisedOn = result.raisedOn ? formatRaisedOn(describeRaisedOn(run, result.raisedOn)) : [];
    return [`${result.name}: INVALID SPEC`, ...result.errors.map((e) => `  ${formatDiagnostic(shownFiles(e))}`), ...raisedOn].join('\n');
  }
  if (result.verdict === 'error') return formatPropertyError(result.name, result.message);
  // The spec is checked against nf_process's traces whatever the layers (the layers under it are proved by their own exploration).
  const head = `${result.name}: ${result.verdict === 'holds' ? 'HOLDS' : 'FAILS'} on ${run.build.manifest.name} (` +
    `${plural(result.traces, 'trace')} of nf_process, ${plural(result.specPaths, 'spec path')}, ${result.queries} queries, ${result.seconds.toFixed(2)} s)`;
  const lines = [
    head,
    ...(result.claimsNothing ? [`  ${CLAIMS_NOTHING_WORDS}`] : []),
    ...(result.noPacket && result.noPacket !== 'checked' ? [`  ${NO_PACKET_WORDS[result.noPacket]}`] : []),
  ];
  for (const failure of result.failures) {
    const d = describeFailure(run, failure);
    lines.push(
      ...formatInput(d, '  '),
      `  the NF: ${d.nfOutput}; the spec requires ${d.specRequires}`,
      `  failed: ${d.failed.join('; ')}`,
      ...d.differences.map((difference) => `  after the ${d.received ? 'packet' : 'iteration'}: ${difference}`),
      ...d.stateEntries.map((entry) => `  state before: ${entry}`),
      ...(d.nfPath.length ? ['  NF path:', ...d.nfPath.map((step) => `    ${formatStep(step)}`)] : []),
      `  spec: ${d.specLine ?? '(end of spec)'}${d.specDecisions.length ? `, after decisions at ${d.specDecisions.join(', ')}` : ''}`,
    );
    if (d.replay) lines.push(`  replay on the run-time NF (V8, run-time libVig): ${replayWords(d.replay)}`);
  }
  return lines.join('\n');
}

/** Why a spec was not run with `a_packet_received` false (check.ts: NoPacketCheck), so that a HOLDS is not read as covering it. */
const NO_PACKET_WORDS = {
  'not at these layers': 'a_packet_received false: NOT checked: these layers hold no I/O loop, so no iteration without a packet, and the spec\'s branch for one was not run (--layers full checks it)',
  'function dialect': 'a_packet_received false: not run: a function-dialect spec speaks of one packet, and an iteration of the stack without one has none',
} as const;

/** A diagnostic with its files as compilers name them (`shownPath`). */
const shownFiles = (e: SpecDiagnostic): SpecDiagnostic => ({ ...e, file: shownPath(e.file), importedFrom: e.importedFrom.map((at) => ({ ...at, file: shownPath(at.file) })) });

/**
 * A row of the verdict table: a property's verdict and figures; an invalid spec has none, and a property whose
 * check stopped on an error (a crash of the checker, a solver that gave up) has the error's message instead.
 */
export type PropertyRow =
  | { name: string; verdict: 'holds' | 'fails'; traces: number; specPaths: number; queries: number; seconds: number; lines: number; claimsNothing: boolean }
  | { name: string; verdict: 'invalid' }
  | { name: string; verdict: 'error'; message: string };

/** A property's result as a row of the verdict table. */
export function propertyRow(result: PropertyResult): PropertyRow {
  if (result.verdict === 'invalid') return { name: result.name, verdict: result.verdict };
  if (result.verdict === 'error') return { name: result.name, verdict: result.verdict, message: result.message };
  const { name, verdict, traces, specPaths, queries, seconds, lines, claimsNothing } = result;
  return { name, verdict, traces, specPaths, queries, seconds, lines, claimsNothing };
}

/** One property's check that stopped on an error, in words (what the CLI prints below the table). */
export function formatPropertyError(name: string, message: string): string {
  return `${name}: ERROR: ${message}\n  the verifier could not check this property (no verdict about the NF); the other properties' verdicts stand`;
}

/**
 * A verdict as the table shows it. No property holds of an NF with low-level violations (an out-of-bounds access,
 * a trap, ...): the spec was checked on the paths without them only. A spec that claims nothing holds of any NF:
 * the table says so beside its verdict. The CLI and the kernel both word it here.
 */
export function verdictWord(verdict: PropertyRow['verdict'], violations: number, claimsNothing = false): string {
  if (verdict === 'holds') return `${violations > 0 ? `holds ${WITHOUT_VIOLATIONS}` : 'holds'}${claimsNothing ? ` (${CLAIMS_NOTHING})` : ''}`;
  return verdict === 'fails' ? 'FAILS' : verdict.toUpperCase();
}

const WITHOUT_VIOLATIONS = 'on paths without violations';
const CLAIMS_NOTHING = 'claims nothing';
/** What makes a spec claim something (engine/spec/frontend/analyze.ts: `claims`), and what it means when none does. */
const NOTHING_CLAIMED = 'no assert, return or compared state object in it constrains the NF';
const HOLDS_OF_EVERY_NF = 'holds of every NF, whatever the NF does';
const CLAIMS_NOTHING_WORDS = `the spec ${CLAIMS_NOTHING}: ${NOTHING_CLAIMED}, so it ${HOLDS_OF_EVERY_NF}`;

/** Under a verdict table: which specs claim nothing, and what that means (null when every spec claims something). */
export function claimsNothingNote(results: readonly PropertyRow[]): string | null {
  const names = results.filter((r) => (r.verdict === 'holds' || r.verdict === 'fails') && r.claimsNothing).map((r) => r.name);
  if (names.length === 0) return null;
  return `note: ${names.join(', ')} ${names.length === 1 ? 'claims' : 'claim'} nothing: ${NOTHING_CLAIMED}, so such a spec ${HOLDS_OF_EVERY_NF}`;
}

/** The verdicts in one line: how many hold, or why none does while the NF has violations; then what did not. */
export function verdictSummary(nf: string, traces: number, violations: number, results: readonly Pick<PropertyRow, 'verdict'>[]): string {
  const count = (verdict: PropertyRow['verdict']) => results.filter((r) => r.verdict === verdict).length;
  const held = `${count('holds')} of ${results.length}`;
  const others = [`${count('fails')} failing`, `${count('invalid')} invalid`, `${count('error')} ERROR`].filter((part) => !part.startsWith('0 '));
  const figures = [...others, plural(traces, 'trace')].join(', ');
  if (violations > 0) {
    return `${nf}: the NF has ${plural(violations, 'violation')}: no property holds until they are fixed (${held} hold ${WITHOUT_VIOLATIONS}; ${figures})`;
  }
  return `${nf}: ${held} properties hold (${figures})`;
}

/** One row per property: verdict, traces, spec paths, queries, seconds; under a summary that counts violations. */
export function formatResultTable(nf: string, traces: number, violations: number, results: PropertyRow[]): string {
  const rows = results.map((r) => r.verdict === 'holds' || r.verdict === 'fails'
    ? [r.name, verdictWord(r.verdict, violations, r.claimsNothing), String(r.traces), String(r.specPaths), String(r.queries), r.seconds.toFixed(2), String(r.lines)]
    : [r.name, verdictWord(r.verdict, violations), '', '', '', '', '']);
  const header = ['property', 'verdict', 'traces', 'spec paths', 'queries', 'seconds', 'lines'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const note = claimsNothingNote(results);
  return [verdictSummary(nf, traces, violations, results), line(header), ...rows.map(line), ...(note ? [note] : [])].join('\n');
}
