// How every implementation receives packets, like a NIC's receive and transmit rings: consecutive trace records
// are copied in bursts into a staging area, processed there in place (each frame handed to the NF), and the burst
// is copied out. The verified .wasm, the native C harness and the TypeScript baseline all do exactly this, so
// that the figures differ only by how each runs the NF.
//
// The .wasm's staging area is [0, STAGING_BYTES) of the NF's own memory, the addresses below the packet area that
// no verified NF can reach (toolchain/README.md). Bursts are large because each JavaScript copy has a fixed cost
// of about 100 ns: at 32 packets a burst, the two copies cost ~6 ns a packet, as much as the .wasm nop itself.
import { PACKET_BASE } from '../nf-abi/index.ts';
import type { Pass } from './pass.ts';
import { settleBeforeTiming } from './quiet-heap.ts';
import { ProcessedPackets, RECORD_HEADER, type PacketTrace } from './trace.ts';

export const STAGING_BYTES = PACKET_BASE;
export const BURST_PACKETS = 256;
/** The largest frame a burst can stage: its record (header, then the frame) must fit the staging area. */
export const MAX_STAGED_FRAME = STAGING_BYTES - RECORD_HEADER;

/** Consecutive records staged together: at most BURST_PACKETS, within STAGING_BYTES, never across measuring's start. */
export interface Bursts {
  /** Record bytes of each burst in the trace, and where its processed copy goes. */
  input: Uint8Array[];
  output: Uint8Array[];
  packets: Int32Array;
  /** Bursts [0, firstMeasured) are untimed. */
  firstMeasured: number;
}

export function splitBursts(trace: PacketTrace, output: Uint8Array): Bursts {
  const input: Uint8Array[] = [];
  const outputs: Uint8Array[] = [];
  const packets: number[] = [];
  let firstMeasured = -1;
  for (let packet = 0; packet < trace.count; ) {
    if (packet === trace.untimed) firstMeasured = input.length;
    const start = trace.offsets[packet]!;
    let end = packet;
    do end++;
    while (end < trace.count && end - packet < BURST_PACKETS && end !== trace.untimed && trace.offsets[end + 1]! - start <= STAGING_BYTES);
    if (trace.offsets[end]! - start > STAGING_BYTES) throw new RangeError(`packet ${packet}'s frame is too large to stage (at most ${MAX_STAGED_FRAME} bytes)`);
    input.push(trace.records.subarray(start, trace.offsets[end]));
    outputs.push(output.subarray(start, trace.offsets[end]));
    packets.push(end - packet);
    packet = end;
  }
  return { input, output: outputs, packets: Int32Array.from(packets), firstMeasured: firstMeasured < 0 ? input.length : firstMeasured };
}

/** What a pass needs of an implementation: a fresh NF's staging area, and how it processes the staged records. */
export interface StagedNf {
  /** Asked again after processing: a view of a WebAssembly memory that grew meanwhile is stale. */
  staging(): Uint8Array;
  processStaged(packets: number, timeProbes: boolean): void;
}

/**
 * Passes over `trace`, each on the fresh NF `freshNf` returns: the untimed bursts, then the measured ones timed
 * as a whole. The processed records of a pass live in one buffer, until the next pass. The heap is settled before
 * the untimed bursts, which then bring the NF's state back into the caches (as stacked-runner.ts).
 */
export function prepareBurstPasses(trace: PacketTrace, freshNf: () => StagedNf): Pass {
  const output = new Uint8Array(trace.records.length);
  const bursts = splitBursts(trace, output);
  const processed = new ProcessedPackets(trace, output.subarray(trace.offsets[trace.untimed], trace.offsets[trace.count]));
  return (timeProbes) => {
    const nf = freshNf();
    settleBeforeTiming(output);
    runBursts(bursts, 0, bursts.firstMeasured, nf, false);
    const started = performance.now();
    runBursts(bursts, bursts.firstMeasured, bursts.input.length, nf, timeProbes);
    return { elapsedNs: (performance.now() - started) * 1e6, processed };
  };
}

/** Runs bursts [from, to): each is staged, processed in place and copied out. Called once per segment, so V8 optimises the loop as a whole. */
function runBursts(bursts: Bursts, from: number, to: number, nf: StagedNf, timeProbes: boolean): void {
  // A view of the processed part of the staging area, made anew only when the bursts' size changes or the NF's
  // memory grew (a view of a replaced buffer has length 0), not once a burst: allocating it showed in profiles.
  let processed = new Uint8Array(0);
  for (let burst = from; burst < to; burst++) {
    const input = bursts.input[burst]!;
    nf.staging().set(input);
    nf.processStaged(bursts.packets[burst]!, timeProbes);
    if (processed.length !== input.length) processed = nf.staging().subarray(0, input.length);
    bursts.output[burst]!.set(processed);
  }
}
