// Text renderings of explorations for the CLI (and, later, the kernel's text/plain output).
import * as T from './solver/term.ts';
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
