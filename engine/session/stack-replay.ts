// A stack counterexample (`--layers full` or `nf,io`: a `device` or `delivery` violation) replayed on the stacked .wasm in V8, with a device (or the driver's contract) scripted from its model.
import type { Manifest } from '../../nf-abi/index.ts';
import { buildNf, buildStackedNf, type StackedBuildOptions, type StackVariant } from '../../toolchain/build.ts';
import { DEFAULT_FRAMES_PER_POLL_IO, explorePolls, type StackedBuilds } from '../stack/explore-stack.ts';
import type { StackedLayers } from '../stack/layers.ts';
import type { Violation, Watch } from '../symbex/violations.ts';
import type { Replay } from './replay.ts';
import { REPLAY_BOUND_MS, runOnReplayThread } from './replay-thread.ts';
import type { PollStart, ReplayedLayers, StackRunOutcome } from './stack-replay-run.ts';
import { brokenRuleOf } from './stack-replay-rules.ts';

/**
 * A failure on the stack's iteration that received no packet, replayed: one poll of the stacked .wasm (its real
 * nf_process) on a device that received nothing. It reproduces when the NF did what that iteration's trace says,
 * nothing: no libVig call (it was not called), no TX tail written (nothing sent), its memory unchanged.
 */
export function replayIdlePoll(stacked: { hash: string; wasm: Uint8Array; manifest: Manifest }): Replay {
  const result = runOnReplayThread({ kind: 'idle-poll', nf: { hash: stacked.hash, wasm: stacked.wasm, manifest: stacked.manifest } });
  if (result.kind === 'timed-out') return { reproduced: false, observed: `one poll of the stacked .wasm on a device that received nothing did not end within ${result.ms / 1000} s` };
  const outcome = result.answer;
  if (outcome.kind === 'stopped') return { reproduced: false, observed: `the stacked .wasm stopped in a poll on a device that received nothing: ${outcome.message}` };
  const did = [
    ...(outcome.libvigCalls > 0 ? [`the NF ran (${outcome.libvigCalls} libVig calls)`] : []),
    ...(outcome.txTailWrites > 0 ? [`the stack handed the device frames to send (${outcome.txTailWrites} TX tail writes)`] : []),
    ...(outcome.nfMemoryChanged ? ['the NF\'s memory changed'] : []),
  ];
  const words = 'one poll of the stacked .wasm on a device that received nothing';
  return did.length === 0
    ? { reproduced: true, observed: `${words}: the NF was not called (no libVig call), nothing was sent (no TX tail written) and its memory is as the poll found it` }
    : { reproduced: false, observed: `${words}: ${did.join('; ')}` };
}

const STARTS: Record<PollStart, string> = {
  initialised: 'the poll right after stack_init',
  'warm-up': 'the poll after a warm-up that brings the rings to their wrap',
  backlog: 'the poll after the warm-up and a backlog (the device sent nothing for a ring\'s length: TX descriptors in flight hold RX buffers)',
};

/** How a layer's stack violations replay: `full` on the build that runs, `nf,io` on the build that keeps the driver's calls. */
export function replayedLayers(layers: StackedLayers): ReplayedLayers {
  return layers === 'full' ? { layers } : { layers, framesPerPoll: DEFAULT_FRAMES_PER_POLL_IO };
}

/** The stacked builds whose polls `layers` explore (engine/stack/explore-stack.ts: explorePolls), with the NF's `variant` or the stack's `stackVariant` (a seeded bug) patched in. */
export async function stackedBuildsFor(nfDir: string, layers: StackedLayers, options: Omit<StackedBuildOptions, 'keepDriverCalls'> = {}): Promise<StackedBuilds> {
  const io = await buildStackedNf(nfDir, { ...options, keepDriverCalls: true });
  return layers === 'nf,io' ? { 'nf,io': io } : { full: await buildStackedNf(nfDir, options), 'nf,io': io };
}

/**
 * A stack violation (one found over a stacked build: its `stackedBuild`) replayed on the build it was found over,
 * or undefined for a violation of nf_process alone.
 */
export function replayOnStackedBuild(stacked: StackedBuilds, violation: Violation): Replay | undefined {
  const kind = violation.stackedBuild;
  if (!kind) return undefined;
  const build = stacked[kind];
  if (!build) throw new Error(`internal: a violation found over the ${kind} stacked build, which this verification did not build`);
  return replayStackViolation(build, violation, replayedLayers(kind));
}

/**
 * A seeded stack bug verified: the polls `layers` explore (`full`: the stack's, and the I/O loop's over the
 * driver's contract; `nf,io`: the latter) over the NF's stacked builds with one of the stack's files patched,
 * each violation replayed on the build it was found over.
 */
export async function verifyStackVariant(nfDir: string, stackVariant: StackVariant, watch: Watch = {}, layers: StackedLayers = 'full'): Promise<{ violation: Violation; replay: Replay }[]> {
  const stacked = await stackedBuildsFor(nfDir, layers, { stackVariant });
  const run = await explorePolls(await buildNf(nfDir), layers, { stacked, ...watch });
  return run.violations.map((violation) => ({ violation, replay: replayOnStackedBuild(stacked, violation)! }));
}

/**
 * What a stack violation says the run does, for comparing a replay's: a device rule broken at a register or
 * descriptor (stack-replay-rules.ts: brokenRuleOf), or what the I/O loop did (the words before the counterexample's).
 */
function claimOf(kind: 'device' | 'delivery', message: string): string | null {
  if (kind === 'delivery') return message.startsWith('the I/O loop ') ? message.split(';')[0]! : null;
  const broken = brokenRuleOf(message);
  return broken && `rule ${broken.rule} at ${broken.place}`;
}

/**
 * What a stack violation's replay must show: the same device rule or loop contract broken (`device`,
 * `delivery`), the run stopped by a trap (the stack's own faults, as an NF's: an access out of bounds, ...), or
 * the poll not returning (`hang`).
 */
type StackClaim = { kind: 'device' | 'delivery'; broken: string } | { kind: 'stops' | 'hangs' };

function stackClaimOf(violation: Violation): StackClaim | string {
  if (violation.kind === 'device' || violation.kind === 'delivery') {
    const broken = claimOf(violation.kind, violation.message);
    return broken ? { kind: violation.kind, broken } : `the violation is worded as no rule of the device protocol or the I/O loop's contract, so a replay has nothing to compare: ${violation.message}`;
  }
  const evidence = violation.evidence?.kind ?? (violation.kind === 'hang' ? 'hangs' : 'stops');
  return evidence === 'stops' || evidence === 'hangs' ? { kind: evidence } : `not replayed: a stack replay shows a broken device rule or loop contract, a trap or a hang, and this ${violation.kind} violation needs a run to ${evidence}`;
}

/**
 * Replays a stack violation: nf_init, stack_init and the explored poll on the stacked .wasm, its device and
 * nf_process answering from the model, every register access and every load and store of the device region
 * checked against the protocol's rules (stack-replay-rules.ts), and each call of nf_process and each send
 * against the loop's contract (stack-replay-delivery.ts). The violation does not say which of the exploration's
 * starting points its poll had: the replay runs from each in turn (STARTS' order). It reproduces when the
 * run breaks the same rule at the same register or descriptor (`device`), the loop does what the violation says
 * (`delivery`), a trap stops it (a fault of the stack's code), or it does not return within the replay's bound
 * (`hang`).
 */
export function replayStackViolation(stacked: { hash: string; wasm: Uint8Array; manifest: Manifest }, violation: Violation, replayed: ReplayedLayers = { layers: 'full' }): Replay {
  const claim = stackClaimOf(violation);
  if (typeof claim === 'string') return { reproduced: false, observed: claim };
  const tried: string[] = [];
  // `nf,io` explores one poll, right after stack_init (the driver's contract models no rings to wrap).
  const starts = replayed.layers === 'full' ? (Object.keys(STARTS) as PollStart[]) : ['initialised' as const];
  for (const start of starts) {
    const result = runOnReplayThread({ kind: 'stack', nf: { hash: stacked.hash, wasm: stacked.wasm, manifest: stacked.manifest }, model: violation.model, start, ...replayed });
    if (result.kind === 'timed-out') {
      const words = result.runningNf ? `from ${STARTS[start]}, the stack did not return within ${REPLAY_BOUND_MS / 1000} s and was stopped` : `from ${STARTS[start]}, the replay's own work took over ${result.ms / 1000} s`;
      if (claim.kind === 'hangs' && result.runningNf) return { reproduced: true, observed: `on ${replayedBuild(replayed.layers)}, ${words}` };
      tried.push(words);
      continue;
    }
    const outcome = result.answer;
    if (outcome.kind === 'broken') {
      const words = `on ${replayedBuild(replayed.layers)}, in ${outcome.during === 'the poll' ? STARTS[start] : outcome.during}: ${outcome.message}${replayed.layers === 'full' ? `; ${outcome.devices}` : ''}`;
      if ((claim.kind === 'device' || claim.kind === 'delivery') && outcome.violation === claim.kind && claimOf(claim.kind, outcome.message) === claim.broken) return { reproduced: true, observed: words };
      tried.push(`${words} (the violation: ${'broken' in claim ? claim.broken : violation.message})`);
      continue;
    }
    if (claim.kind === 'stops' && outcome.kind === 'stopped') return { reproduced: true, observed: `on ${replayedBuild(replayed.layers)}, from ${STARTS[start]}, the run stopped in ${outcome.during}: ${outcome.message}` };
    tried.push(`from ${STARTS[start]}, ${outcomeWords(outcome, replayed.layers)}`);
  }
  return { reproduced: false, observed: tried.join('; ') };
}

/** The build a stack violation of `layers` replays on, and what stands for the layer below it there. */
export const replayedBuild = (layers: StackedLayers): string => layers === 'full'
  ? 'the stacked .wasm, with a device scripted from the counterexample'
  : "the stacked .wasm that keeps the driver's calls, the driver's entry points answering from the counterexample";

function outcomeWords(outcome: Exclude<StackRunOutcome, { kind: 'broken' }>, layers: ReplayedLayers['layers']): string {
  switch (outcome.kind) {
    case 'kept': return layers === 'full'
      ? `the stack kept every rule of the device protocol through ${outcome.polls} poll(s) (${outcome.devices})`
      : 'the I/O loop kept its contracts with the driver and with nf_process through the poll';
    case 'stopped': return `the stacked .wasm stopped in ${outcome.during}: ${outcome.message}`;
    case 'not-run': return outcome.message;
  }
}
