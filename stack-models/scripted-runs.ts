// The scripted device runs that bring the rings to the states a poll is explored from after the first (right after
// stack_init): what the scripted device does and what nf_process answers in each. The model (device-model.ts,
// delivery.ts) and the replay (engine/session/stack-replay-run.ts) both follow this one script.
//
// A leaf (nf-abi's outputs aside), so that the replay reads it without the models.
import { FLOOD } from '../nf-abi/index.ts';

/**
 * `warm-up`: every device receives a frame a poll, nf_process sends it on the next device, device 0 sends every
 * TX descriptor queued and the others all but the last: the rings about to wrap, one TX descriptor in flight.
 * `backlog`, after the warm-up: every device still receives a frame a poll while it owns an RX descriptor,
 * nf_process floods it, and no device sends anything: RX buffers held by TX descriptors in flight, TX rings full
 * where more than one device feeds them (a send then finds no room), RX rings run dry where only one does.
 */
export type ScriptedRun = 'warm-up' | 'backlog';

/** In the order they run, each from where the one before left the rings. */
export const SCRIPTED_RUNS: readonly ScriptedRun[] = ['warm-up', 'backlog'];

/** Polls in each run: a ring's length less one, as many frames as a device can hold for the driver. */
export const scriptedPolls = (ringSize: number): number => ringSize - 1;

/** The frame every scripted reception writes: its length (the bytes are zero, the stamp 0). */
export const SCRIPTED_FRAME_LENGTH = 64;

/** How many of the descriptors it owns device `d` finishes when its RX_HEAD or TX_HEAD is read. */
export function scriptedFinished(run: ScriptedRun, direction: 'rx' | 'tx', d: number, owned: number): number {
  if (direction === 'rx') return Math.min(1, owned);
  return run === 'backlog' ? 0 : Math.max(0, owned - (d === 0 ? 0 : 1));
}

/** What nf_process returns for a frame of device `d` in a scripted run. */
export const scriptedOutput = (run: ScriptedRun, d: number, devices: number): number => (run === 'backlog' ? FLOOD : (d + 1) % devices);
