// A violation of the NF's own (a fault, a libVig precondition or key invariant broken, a hang, state kept outside
// libVig, ...) as plain data a person reads, like a property's failure: what and where, the input that reaches it,
// the NF path to it, and its replay. The CLI renders it as text, the kernel as an HTML table.
import type { NfExploration } from '../nf/explore-nf.ts';
import type { Replay } from '../session/replay.ts';
import { replayedBuild } from '../session/stack-replay.ts';
import type { Violation } from '../symbex/violations.ts';
import { describeInput, formatInput, type InputDescription } from './failure.ts';
import { formatStep, nfSourceFile, type PathStep, violationPath } from './nf-path.ts';
import { replayWords, shownPath } from './text.ts';

export interface ViolationDescription extends InputDescription {
  kind: Violation['kind'];
  message: string;
  /** Where it happened (`file:line`), and the calls it is inside, innermost first. */
  location: string;
  stack: string[];
  /** The NF's source lines that lead to it, the way each decision went, and the line where it happened. */
  nfPath: PathStep[];
  replay: Replay | null;
  /** What the replay ran on: the NF on libVig's run-time, or (a stack violation) the stacked build on a scripted device. */
  replayedOn: string;
}

export function describeViolation(run: NfExploration, violation: Violation, replay: Replay | null = null): ViolationDescription {
  return {
    ...describeInput(violation.model).input,
    ...(run.initViolations.includes(violation) ? { atStartUp: true as const } : {}),
    kind: violation.kind,
    message: violation.message,
    location: shownSourceLocation(violation.location),
    stack: violation.stack.map(shownSourceLocation),
    nfPath: violationPath(run, violation),
    replay,
    replayedOn: violation.stackedBuild ? replayedBuild(violation.stackedBuild) : 'the run-time NF',
  };
}

/** A `file:line` of the engine's (files named from the project's root) with the file as `shownPath` names it. */
function shownSourceLocation(location: string): string {
  const at = /^(.*):(\d+)$/.exec(location);
  return at ? `${shownPath(nfSourceFile(at[1]!))}:${at[2]}` : location;
}

/** The violation as text: the CLI's `traces` and `verify`. */
export function formatViolation(run: NfExploration, violation: Violation, replay: Replay | null = null): string[] {
  const d = describeViolation(run, violation, replay);
  return [
    `  VIOLATION (${d.kind}) at ${d.location}: ${d.message}`,
    ...d.stack.map((s) => `    called from ${s}`),
    ...formatInput(d),
    '    NF path:',
    ...d.nfPath.map((step) => `      ${formatStep(step)}`),
    ...(d.replay ? [`    replay on ${d.replayedOn}: ${replayWords(d.replay)}`] : []),
  ];
}
