// Text renderings of an exploration: its figures, traces and violations, and the NF lines a trace went through.
import { specialOutput } from '../../nf-abi/index.ts';
import * as T from '../solver/term.ts';
import type { Trace } from '../symbex/explore.ts';
import { plural, SHOWN_BYTES } from './text.ts';
import { formatLocation, SourceMap } from '../wasm/sourcemap.ts';
import { inputFromModel, type NfExploration } from '../nf/explore-nf.ts';
import type { Value } from '../symbex/state.ts';
import type { Violation } from '../symbex/violations.ts';

export function showValue(v: Value): string {
  if (typeof v === 'object') return T.show(v);
  return specialOutput(v) ?? String(v);
}

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

