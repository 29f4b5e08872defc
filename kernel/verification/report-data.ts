// Worker side: turns the engine's results (which hold solver terms and models) into the plain-data reports the
// kernel renders, keeping the engine's own text renderings alongside.
import { describeFailure, describeRaisedOn, describeViolation, formatExploration, formatPropertyResult, listProperties, type PropertyResult, traceLines, traceOutput, type VerificationSession } from '../../engine/index.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Layers, NfSummary, PropertyReport } from './engine-protocol.ts';

export function nfSummary(session: VerificationSession, layers: Layers): NfSummary {
  const run = session.exploration;
  return {
    nfDir: session.nfDir,
    name: session.build.manifest.name,
    layers,
    manifest: session.build.manifest,
    text: formatExploration(run),
    figures: {
      traces: run.figures.traces,
      violations: violationCount(session),
      instructions: run.figures.instructions,
      queries: run.figures.queries,
      solverSeconds: run.figures.solverSeconds,
      seconds: run.figures.seconds,
    },
    traces: run.traces.map((trace) => ({
      output: traceOutput(run, trace),
      calls: trace.calls.map((call) => call.name),
      lines: traceLines(run, trace),
    })),
    violations: session.violations().map(({ violation, replay }) => describeViolation(run, violation, replay)),
    hasSpec: existsSync(join(session.nfDir, 'spec.py')),
    propertyFiles: listProperties(session.nfDir).map((property) => property.name),
  };
}

/** The NF's own violations (nf_init's and nf_process's): while there are any, no property holds. */
export function violationCount(session: VerificationSession): number {
  return session.exploration.initViolations.length + session.exploration.violations.length;
}

export function propertyReport(session: VerificationSession, result: PropertyResult): PropertyReport {
  const text = formatPropertyResult(session.exploration, result);
  if (result.verdict === 'invalid') {
    const { raisedOn, ...rest } = result;
    return { ...rest, text, ...(raisedOn ? { raisedOn: describeRaisedOn(session.exploration, raisedOn) } : {}) };
  }
  if (result.verdict === 'error') return { ...result, text };
  const { failures, ...figures } = result;
  return { ...figures, text, counterexamples: failures.map((failure) => describeFailure(session.exploration, failure)) };
}
