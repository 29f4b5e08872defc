// Text renderings of an exploration: its figures, traces and violations, and the NF lines a trace went through.
import { type Manifest, specialOutput } from '../../nf-abi/index.ts';
import type { Trace } from '../symbex/explore.ts';
import { plural } from './text.ts';
import type { NfExploration } from '../nf/explore-nf.ts';
import type { Value } from '../symbex/state.ts';
import { describeTerm } from './terms.ts';
import { formatViolation } from './violation.ts';

/** An NF result in the NF's words: DROP, FLOOD, a device, or what it depends on (header fields, state, records). */
export function showOutput(v: Value, manifest: Manifest): string {
  if (typeof v === 'object') return describeTerm(v, manifest, { output: true });
  return specialOutput(v) ?? String(v);
}

/** A trace's output, as the trace table shows it. */
export const traceOutput = (run: NfExploration, trace: Trace): string => showOutput(trace.results[0]!, run.build.manifest);

export function formatExploration(run: NfExploration): string {
  const { figures, build } = run;
  const lines = [
    `${build.manifest.name}: ${plural(figures.traces, 'trace')}, ${plural(figures.violations + run.initViolations.length, 'violation')}`,
    `  ${figures.instructions} instructions, ${plural(figures.queries, 'query', 'queries')} (${figures.cacheHits} cached), ` +
      `solver ${figures.solverSeconds.toFixed(3)} s, exploration ${figures.seconds.toFixed(3)} s, ` +
      `build ${build.compileSeconds > 0 ? `${build.compileSeconds.toFixed(1)} s` : 'cached'}`,
  ];
  run.traces.forEach((trace, i) => {
    const calls = trace.calls.map((c) => c.name);
    lines.push(`  trace ${i + 1}: output ${traceOutput(run, trace)}${calls.length ? `; calls ${calls.join(', ')}` : ''}`);
  });
  for (const violation of [...run.initViolations, ...run.violations]) lines.push(...formatViolation(run, violation));
  return lines.join('\n');
}
