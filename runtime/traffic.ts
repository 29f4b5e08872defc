// The traffic generator, after the Vigor/VigNAT evaluation method: background flows keep the NF's main table at
// a fixed occupancy (90% by default) while probe packets, each the first packet of a new flow, take the NF's
// longest path (table misses, then an insertion).
//
// How the occupancy stays fixed: the live flows form a FIFO window of W = occupancy x capacity flows. Every
// packet takes the flow at the window's head and appends a flow at its tail: the same flow (a background packet,
// which refreshes it) or a brand-new one (a probe; the old head then leaves for good). So the last W packets
// always come from W distinct flows, and time advances by `step` per packet with W x step <= expiration <
// (W + 1) x step: every flow of the window is still fresh, and a flow that left expires exactly one packet
// later. The table therefore holds W entries before every packet, W + 1 at most.
import { device, type Manifest } from '../nf-abi/index.ts';
import { MAX_STAGED_FRAME } from './bursts.ts';
import { MIN_FLOW_FRAME, writeFlowFrame } from './flow-frames.ts';
import { TraceBuilder, TRACE_LIMIT, tracePackets, TrafficError, type PacketTrace } from './trace.ts';

export { TrafficError } from './trace.ts';

export interface TrafficOptions {
  /** Fraction of the main table kept full by background flows, in (0, 1). */
  occupancy: number;
  /** Packets measured per repetition. */
  packets: number;
  /** Packets run after the table is filled and before measuring (not timed). */
  warmup: number;
  /** Fraction of the packets (after the fill) that are probes, i.e. start a new flow. */
  newFlowShare: number;
  /** Frame sizes in bytes (the bytes the NF receives, no FCS) with relative weights. */
  sizes: { bytes: number; weight: number }[];
  seed: number;
}

export const DEFAULT_TRAFFIC: TrafficOptions = {
  occupancy: 0.9,
  packets: 500_000,
  warmup: 100_000,
  newFlowShare: 0.1,
  sizes: [{ bytes: 64, weight: 1 }],
  seed: 1,
};

/** The evaluation's table size (NFS.md), used for flows when an NF has no table of its own (nop). */
const EVALUATION_CAPACITY = 65_536;
/** Flow numbers stay below 2^31: with this bit set, a destination belongs to no flow. */
const UNKNOWN_DESTINATION = 0x80000000;
/**
 * NFs whose flows only the internal side opens (NFS.md: nat, fw; device 1 is external): every flow's packets
 * arrive on device 0, so that they fill the table and probes take the longest path (a miss, then an insertion).
 * Every other NF gets flows on alternating devices.
 */
const FLOWS_FROM_INSIDE = new Set(['nat', 'fw']);
/**
 * NFs whose main table is keyed by the destination of the frames device 0 receives (NFS.md: pol, which buckets
 * what the WAN sends each LAN address): every packet arrives on device 0 and goes to its flow.
 */
const FLOWS_TO_DESTINATIONS = new Set(['pol']);
/**
 * NFs whose clients arrive on one device while backends keep themselves alive with heartbeats on the others
 * (NFS.md: lb, clients on device 2): every flow's packets arrive on the client device. One heartbeat per backend
 * (config `backend_capacity`, sources no flow has) registers them before the flows, and heartbeats go on, each at
 * the time of the flow packet after it (so the flows' window keeps its timing), each backend's often enough that
 * none expires (`backend_expiration_time`).
 */
const CLIENT_DEVICE: ReadonlyMap<string, number> = new Map([['lb', 2]]);
/**
 * NFs whose main table is keyed by the 5-tuple (NFS.md: nat, fw, lb): a flow's packets all carry one, its own
 * number as the far end, so that a background packet refreshes its flow instead of opening another.
 */
const KEYED_BY_FIVE_TUPLE = new Set(['nat', 'fw', 'lb']);
/** Heartbeat sources: flow numbers from here on (10.255.0.0/16) are backends, far above any client flow's. */
const BACKEND_SOURCES = 0xff0000;
/** Time step for NFs without an expiration time: 1 us per packet. */
const DEFAULT_STEP_NS = 1000n;

/** The capacity of the NF's main table: its first emap (nf.json "state"), or the evaluation size if it has none. */
export function mainTableCapacity(manifest: Manifest): number {
  const table = manifest.state.find((object) => object.kind === 'emap');
  if (!table) return EVALUATION_CAPACITY;
  return typeof table.capacity === 'number' ? table.capacity : Number(manifest.config[table.capacity]!.value);
}

/**
 * Measured packets 1 or more, untimed ones 0 or more, whole numbers: generated traffic's and a capture's. With
 * the traffic's largest frame (and the packets it `adds` to them: a table's fill, heartbeats), all must fit in a
 * trace (trace.ts MAX_TRACE_BYTES), checked before the trace is built; without a frame length, against the
 * shortest records.
 */
export function requirePacketCounts(options: Pick<TrafficOptions, 'packets' | 'warmup'>, largestFrame = 0, adds: { packets: number; what: string } = { packets: 0, what: '' }): void {
  if (!Number.isInteger(options.packets) || options.packets < 1) throw new TrafficError(`the number of packets must be a positive integer, not ${options.packets}`);
  if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new TrafficError(`the number of untimed packets must be a whole number, 0 or more, not ${options.warmup}`);
  const fit = tracePackets(largestFrame);
  if (adds.packets + options.warmup + options.packets <= fit) return;
  const besides = adds.packets > 0 ? ` besides the ${adds.packets} ${adds.what}` : '';
  const frames = largestFrame > 0 ? `of ${largestFrame} bytes` : 'even of the shortest frames';
  throw new TrafficError(
    `${options.packets} measured and ${options.warmup} untimed packets${besides} do not fit in a trace: at most ${fit} packets ${frames} fit (${TRACE_LIMIT}); ` +
      `run fewer${largestFrame > 0 ? ' or shorter' : ''} packets`,
  );
}

/** Why options that shape generated traffic (`flags`, as written) cannot go with a capture: `vigor bench`'s and %bench's words. */
export function captureDecides(flags: readonly string[]): string {
  const [verb, pronoun] = flags.length === 1 ? ['shapes', 'it'] : ['shape', 'them'];
  return `${flags.join(' and ')} ${verb} generated traffic; with --pcap the capture decides its frames and flows: drop ${pronoun} or --pcap`;
}

/** The flows generated traffic keeps live in `manifest`'s main table at `occupancy`: what the run uses and reports. */
export function liveFlows(manifest: Manifest, occupancy: number): number {
  if (!(occupancy > 0 && occupancy < 1)) throw new TrafficError(`occupancy must be between 0 and 1 (exclusive), not ${occupancy}`);
  const capacity = mainTableCapacity(manifest);
  const flows = Math.floor(occupancy * capacity);
  if (flows < 1) {
    const instead = capacity > 1 ? `give at least 1/${capacity}` : 'a table of 1 entry cannot be kept partly full: replay a capture with --pcap';
    throw new TrafficError(`occupancy ${occupancy} of ${manifest.name}'s main table of ${capacity} ${capacity > 1 ? 'entries' : 'entry'} keeps no flow live (it rounds down to 0); ${instead}`);
  }
  return flows;
}

export function generateTraffic(manifest: Manifest, options: TrafficOptions): PacketTrace {
  const { newFlowShare } = options;
  const window = liveFlows(manifest, options.occupancy);
  if (!(newFlowShare >= 0 && newFlowShare <= 1)) throw new TrafficError(`the share of new flows must be between 0 and 1, not ${newFlowShare}`);
  const pickSize = sizePicker(manifest, options.sizes);
  const toDestinations = FLOWS_TO_DESTINATIONS.has(manifest.name);
  const fromDevice0 = toDestinations || FLOWS_FROM_INSIDE.has(manifest.name);
  const fiveTuple = KEYED_BY_FIVE_TUPLE.has(manifest.name);
  const clientDevice = CLIENT_DEVICE.get(manifest.name);
  const step = timeStep(manifest, window);
  const heartbeats = clientDevice === undefined ? null : heartbeatPlan(manifest, step);
  const total = window + options.warmup + options.packets;
  const heartbeatCount = heartbeats ? heartbeats.backends + Math.ceil(total / heartbeats.every) : 0;
  requirePacketCounts(options, Math.max(...options.sizes.map((size) => size.bytes)), {
    packets: window + heartbeatCount,
    what: `that fill the table${heartbeats ? " and backends' heartbeats" : ''}`,
  });
  const random = xorshift(options.seed);
  const live = new Int32Array(window);
  let head = 0;
  let nextFlow = 0;
  const trace = new TraceBuilder();
  let heartbeatsSent = 0;
  let untimed = 0;
  const heartbeat = (backend: number, time: bigint) => {
    heartbeatsSent++;
    // Backends live on the devices below the client device, in turn.
    const frame = trace.add(backend % clientDevice!, time, pickSize(random()), false);
    writeFlowFrame(BACKEND_SOURCES + backend, 0, frame);
  };
  if (heartbeats) for (let backend = 0; backend < heartbeats.backends; backend++) heartbeat(backend, 0n);
  for (let index = 0; index < total; index++) {
    if (heartbeats && index % heartbeats.every === 0) heartbeat((index / heartbeats.every) % heartbeats.backends, BigInt(index) * step);
    // Heartbeats among the measured packets are measured with them.
    if (index === window + options.warmup) untimed = index + heartbeatsSent;
    const filling = index < window;
    const probe = !filling && random() < newFlowShare;
    const flow = filling || probe ? nextFlow++ : live[head]!;
    // Background packets go to a live flow (known to the NF; drawn before this packet changes the window);
    // probes to an address no flow has, so that they also take the NF's lookup-miss paths. A table keyed by
    // destination swaps the two: the packet goes to its flow, from the other address. A table keyed by the
    // 5-tuple needs the same far end on every packet of a flow: a new flow number alone makes a probe new.
    const destination = filling || fiveTuple ? flow : probe ? UNKNOWN_DESTINATION | flow : live[Math.floor(random() * window)]!;
    live[head] = flow;
    head = (head + 1) % window;
    const measured = index >= window + options.warmup;
    const device = clientDevice ?? (fromDevice0 ? 0 : flow % manifest.devices);
    const frame = trace.add(device, BigInt(index) * step, pickSize(random()), probe && measured);
    if (toDestinations) writeFlowFrame(destination, flow, frame);
    else writeFlowFrame(flow, destination, frame);
  }
  return trace.finish(untimed);
}

/** How many backends send heartbeats, and every how many flow packets one does (each in turn). */
function heartbeatPlan(manifest: Manifest, step: bigint): { backends: number; every: number } {
  const backends = Number(manifest.config.backend_capacity?.value ?? 1);
  const expiration = BigInt(manifest.config.backend_expiration_time?.value ?? 0);
  // Each backend twice per expiration time.
  const every = Number(expiration / (2n * BigInt(backends) * step));
  if (every < 1) throw new TrafficError(`${manifest.name}: backend_expiration_time ${expiration} ns is too short for ${backends} backends to send heartbeats in time at ${step} ns per packet`);
  return { backends, every };
}

/** The per-packet time step that keeps exactly the last `window` packets' flows fresh (see the header). */
function timeStep(manifest: Manifest, window: number): bigint {
  const expiration = manifest.config.expiration_time ?? manifest.config.flow_expiration_time;
  if (!expiration) return DEFAULT_STEP_NS;
  const expirationNs = BigInt(expiration.value);
  const step = expirationNs / BigInt(window);
  if (step === 0n || BigInt(window + 1) * step <= expirationNs) {
    throw new TrafficError(
      `${manifest.name}: an expiration time of ${expirationNs} ns is too short to keep ${window} flows fresh with distinct time stamps; ` +
        `it must be more than ${window} x ${window + 1} ns (lower the occupancy or raise expiration_time)`,
    );
  }
  return step;
}

/**
 * The frame lengths the benchmark can run through `manifest`'s NF, and why those bounds: nf.json's, within a
 * buffer of the stack's rings (nf-abi/device.ts: one buffer a frame) and a burst of the baselines' staging area.
 */
export function runnableFrames(manifest: Manifest): { min: number; max: number; why: string } {
  const { min, max } = manifest.frame;
  const largest = Math.min(device.BUFFER_BYTES, MAX_STAGED_FRAME);
  if (max <= largest) return { min, max, why: `${manifest.name}/nf.json "frame"` };
  return { min, max: largest, why: `${manifest.name}/nf.json "frame" allows up to ${max} bytes, but the stack's buffers hold frames of at most ${largest}` };
}

export function sizePicker(manifest: Manifest, sizes: TrafficOptions['sizes']): (uniform: number) => number {
  if (sizes.length === 0) throw new TrafficError('give at least one frame size');
  const bounds = runnableFrames(manifest);
  const low = Math.max(MIN_FLOW_FRAME, bounds.min);
  if (bounds.max < low) {
    throw new TrafficError(`${bounds.why} allows frames of at most ${bounds.max} bytes, which leaves no room for generated frames: they carry Ethernet, IPv4 and UDP headers, ${MIN_FLOW_FRAME} bytes at least; replay frames that fit with --pcap FILE`);
  }
  for (const { bytes, weight } of sizes) {
    if (!Number.isInteger(bytes) || bytes < low || bytes > bounds.max) {
      throw new TrafficError(`frame size ${bytes} is outside ${low}..${bounds.max} (${bounds.why}, and room for Ethernet, IPv4 and UDP headers)`);
    }
    if (!(weight > 0)) throw new TrafficError(`frame size ${bytes}: the weight must be positive, not ${weight}`);
  }
  const total = sizes.reduce((sum, size) => sum + size.weight, 0);
  return (uniform) => {
    let left = uniform * total;
    for (const size of sizes) if ((left -= size.weight) < 0) return size.bytes;
    return sizes[sizes.length - 1]!.bytes;
  };
}

/** A seeded xorshift32 generator of numbers in [0, 1): the same seed gives the same traffic. */
export function xorshift(seed: number): () => number {
  // Its state is 32 bits: a larger seed would give another seed's traffic.
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new TrafficError(`the seed must be a whole number from 0 to ${0xffffffff}, not ${seed}`);
  let state = seed || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
