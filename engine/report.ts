// Text renderings of explorations for the CLI (and, later, the kernel's text/plain output).
import { objectsOf } from './contracts/libvig.ts';
import { concreteEmap, concreteVector } from './ghost/concrete.ts';
import * as T from './solver/term.ts';
import { formatDiagnostic } from './spec/frontend/index.ts';
import type { Trace } from './symbex/explore.ts';
import { describeFailure } from './verify/describe.ts';
import type { Failure } from './validate/check.ts';
import type { PropertySummary } from './verify/pool.ts';
import type { PropertyResult } from './verify/session.ts';
import { formatLocation, SourceMap } from './wasm/sourcemap.ts';
import type { NfExploration } from './symbex/nf.ts';
import { inputFromModel } from './symbex/nf.ts';
import type { Value } from './symbex/state.ts';
import type { Violation } from './symbex/violations.ts';

const OUTCOMES: Record<string, string> = { '4294967295': 'DROP', '4294967294': 'FLOOD' };

export function showValue(v: Value): string {
  if (typeof v === 'object') return T.show(v);
  return OUTCOMES[String(v)] ?? String(v);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatExploration(run: NfExploration): string {
  const { figures, build } = run;
  const lines = [
    `${build.manifest.name}: ${plural(figures.traces, 'trace')}, ${plural(figures.violations + run.initViolations.length, 'violation')}`,
    `  ${figures.instructions} instructions, ${plural(figures.queries, 'query').replace('querys', 'queries')} (${figures.cacheHits} cached), ` +
      `solver ${figures.solverSeconds.toFixed(3)} s, exploration ${figures.seconds.toFixed(3)} s, ` +
      `build ${build.compileSeconds > 0 ? `${build.compileSeconds.toFixed(1)} s` : 'cached'}`,
  ];
  run.traces.forEach((trace, i) => {
    const calls = trace.calls.map((c) => c.name);
    lines.push(`  trace ${i + 1}: output ${showValue(trace.results[0]!)}${calls.length ? `; calls ${calls.join(', ')}` : ''}`);
  });
  for (const violation of [...run.initViolations, ...run.violations]) lines.push(...formatViolation(violation));
  return lines.join('\n');
}

const SHOWN_BYTES = 64;

export function formatViolation(v: Violation): string[] {
  const input = inputFromModel(v.model);
  const shown = Array.from(input.packet.subarray(0, SHOWN_BYTES), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const rest = input.length > SHOWN_BYTES ? ` … (${input.length - SHOWN_BYTES} more)` : '';
  return [
    `  VIOLATION (${v.kind}) at ${v.location}: ${v.message}`,
    ...v.stack.map((s) => `    called from ${s}`),
    `    counterexample: device ${input.device}, time ${input.now} ns, frame of ${input.length} bytes${shown ? `: ${shown}${rest}` : ''}`,
  ];
}

/** NF source lines where a trace decided something, in order, without repeats. */
export function traceLines(run: NfExploration, trace: Trace): string[] {
  const map = run.build.sourceMap ? SourceMap.parse(run.build.sourceMap) : null;
  const lines = trace.decisions.map((d) => formatLocation(map?.locate(Math.floor(d / 1024)) ?? null, Math.floor(d / 1024)));
  return lines.filter((line, i) => line !== lines[i - 1]);
}

const hexBytes = (value: bigint, bits: number): string =>
  Array.from({ length: bits / 8 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0')).join(bits === 48 ? ':' : ' ');

/** The entries of the state before the packet that the counterexample relies on (keys present or absent, records). */
export function stateEntries(run: NfExploration, failure: Failure): string[] {
  const lines: string[] = [];
  for (const object of objectsOf(run.traces[failure.trace]!.final)) {
    if (object.kind === 'vector') {
      for (const [index, record] of concreteVector(object.name, object.recordBytes * 8, failure.terms, failure.model)) lines.push(`${object.name}[${index}] = ${hexBytes(record, object.recordBytes * 8)}`);
      continue;
    }
    if (object.kind !== 'emap') continue;
    const state = concreteEmap(object.name, object.keyBytes * 8, object.capacity, failure.terms, failure.model);
    for (const entry of state.entries) {
      const key = hexBytes(entry.key, object.keyBytes * 8);
      lines.push(entry.present ? `${object.name} holds ${key} at index ${entry.index}, stamped ${entry.stamp} ns` : `${object.name} does not hold ${key}`);
    }
    if (state.count !== null) lines.push(`${object.name} has ${state.count} entries`);
  }
  return lines;
}

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

/** One row per property: verdict, traces, spec paths, queries, seconds. */
export function formatResultTable(nf: string, traces: number, results: Pick<PropertySummary, 'name' | 'verdict' | 'traces' | 'specPaths' | 'queries' | 'seconds' | 'lines'>[]): string {
  const rows = results.map((r) => r.verdict === 'invalid'
    ? [r.name, 'INVALID', '', '', '', '', '']
    : [r.name, r.verdict === 'holds' ? 'holds' : 'FAILS', String(r.traces), String(r.specPaths), String(r.queries), (r.seconds ?? 0).toFixed(2), String(r.lines)]);
  const header = ['property', 'verdict', 'traces', 'spec paths', 'queries', 'seconds', 'lines'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const held = results.filter((r) => r.verdict === 'holds').length;
  return [`${nf}: ${held} of ${results.length} properties hold (${plural(traces, 'trace')})`, line(header), ...rows.map(line)].join('\n');
}
