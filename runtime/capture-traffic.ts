// Traffic from a capture (--pcap): its frames, replayed as often as needed to cover the warm-up and the measured
// packets. A classic pcap does not record the receiving interface, so every frame arrives on device 0.
import type { Manifest } from '../nf-abi/index.ts';
import type { CapturedFrame } from './pcap.ts';
import { TraceBuilder, type PacketTrace } from './trace.ts';
import { requirePacketCounts, runnableFrames, TrafficError, type TrafficOptions } from './traffic.ts';

/** Time between the end of one replay of the capture and the start of the next. */
const REPLAY_GAP_NS = 1000n;

/**
 * Every measured frame is timed (a capture has no probes). Time stamps are taken relative to the first frame;
 * one that goes backwards is raised to its predecessor's, as libVig requires time never to decrease.
 */
export function trafficFromCapture(manifest: Manifest, frames: CapturedFrame[], source: string, options: Pick<TrafficOptions, 'packets' | 'warmup'>): PacketTrace {
  if (frames.length === 0) throw new TrafficError(`${source} holds no frames`);
  requirePacketCounts(options, frames.reduce((longest, { frame }) => Math.max(longest, frame.length), 0));
  const bounds = runnableFrames(manifest);
  frames.forEach(({ frame }, index) => {
    if (frame.length < bounds.min || frame.length > bounds.max) {
      throw new TrafficError(`${source}: frame ${index + 1} has ${frame.length} bytes, outside ${bounds.min}..${bounds.max} (${bounds.why})`);
    }
  });
  const first = frames[0]!.time;
  const relative: bigint[] = [];
  for (const { time } of frames) relative.push(time - first > (relative.at(-1) ?? 0n) ? time - first : (relative.at(-1) ?? 0n));
  const replayLength = relative.at(-1)! + REPLAY_GAP_NS;
  const trace = new TraceBuilder();
  const total = options.warmup + options.packets;
  for (let index = 0; index < total; index++) {
    const replay = Math.floor(index / frames.length);
    const at = index % frames.length;
    const frame = frames[at]!.frame;
    trace.add(0, BigInt(replay) * replayLength + relative[at]!, frame.length, index >= options.warmup).set(frame);
  }
  return trace.finish(options.warmup);
}
