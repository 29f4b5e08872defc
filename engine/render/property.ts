// Text renderings of property results: one property's verdict with its counterexamples, and the verdict table.
import type { NfExploration } from '../nf/explore-nf.ts';
import type { PropertyResult } from '../session/session.ts';
import { formatDiagnostic } from '../spec/frontend/index.ts';
import { describeFailure } from './failure.ts';
import { plural, SHOWN_BYTES } from './text.ts';

export function formatPropertyResult(run: NfExploration, result: PropertyResult): string {
  if (result.verdict === 'invalid') return [`${result.name}: INVALID SPEC`, ...result.errors.map((e) => `  ${formatDiagnostic(e)}`)].join('\n');
  const head = `${result.name}: ${result.verdict === 'holds' ? 'HOLDS' : 'FAILS'} on ${run.build.manifest.name} (NF layers; ` +
    `${plural(result.traces, 'trace')}, ${plural(result.specPaths, 'spec path')}, ${result.queries} queries, ${result.seconds.toFixed(2)} s)`;
  const lines = [head];
  for (const failure of result.failures) {
    const d = describeFailure(run, failure);
    const shown = d.packet.slice(0, SHOWN_BYTES).map((b) => b.toString(16).padStart(2, '0')).join(' ');
    lines.push(
      `  counterexample: device ${d.device}, time ${d.time} ns, frame of ${d.length} bytes: ${shown || '(empty)'}${d.length > SHOWN_BYTES ? ` … (${d.length - SHOWN_BYTES} more)` : ''}`,
      ...d.headers.map((h) => `    ${h.protocol}: ${h.fields.map((f) => `${f.name} ${f.value}`).join(', ')}`),
      `  the NF: ${d.nfOutput}; the spec requires ${d.specRequires}`,
      `  failed: ${d.failed.join('; ')}`,
      ...d.stateEntries.map((entry) => `  state: ${entry}`),
      `  NF path: ${d.nfLines.join(', ') || '(no branch)'}`,
      `  spec: ${d.specLine ?? '(end of spec)'}${d.specDecisions.length ? `, after decisions at ${d.specDecisions.join(', ')}` : ''}`,
    );
    if (d.replay) lines.push(`  replay on the run-time NF (V8, run-time libVig): ${d.replay.reproduced ? 'reproduced' : 'NOT reproduced'}, ${d.replay.observed}`);
  }
  return lines.join('\n');
}

/** A row of the verdict table: a property's verdict and figures (an invalid spec has none). */
export interface PropertyRow {
  name: string;
  verdict: 'holds' | 'fails' | 'invalid';
  traces?: number;
  specPaths?: number;
  queries?: number;
  seconds?: number;
  lines?: number;
}

/** One row per property: verdict, traces, spec paths, queries, seconds. */
export function formatResultTable(nf: string, traces: number, results: PropertyRow[]): string {
  const rows = results.map((r) => r.verdict === 'invalid'
    ? [r.name, 'INVALID', '', '', '', '', '']
    : [r.name, r.verdict === 'holds' ? 'holds' : 'FAILS', String(r.traces), String(r.specPaths), String(r.queries), (r.seconds ?? 0).toFixed(2), String(r.lines)]);
  const header = ['property', 'verdict', 'traces', 'spec paths', 'queries', 'seconds', 'lines'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const held = results.filter((r) => r.verdict === 'holds').length;
  return [`${nf}: ${held} of ${results.length} properties hold (${plural(traces, 'trace')})`, line(header), ...rows.map(line)].join('\n');
}
