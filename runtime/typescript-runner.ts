// Runs a trace through a TypeScript baseline NF: per packet, a call with the frame as a Uint8Array view, processed
// in place in a working copy of the records. Everything a packet needs is prepared before timing starts.
import type { TypeScriptNf } from './baselines/index.ts';
import type { PassResult } from './implementations.ts';
import { FIELD_DEVICE, FIELD_LATENCY, ProcessedPackets, RECORD_HEADER, type PacketTrace } from './trace.ts';

export interface PreparedTrace {
  /** The records, processed in place; reset from the trace before every pass. */
  work: Uint8Array;
  frames: Uint8Array[];
  devices: Int32Array;
  times: Float64Array;
  probes: Uint8Array;
  /** Where each packet's result goes: int32 and float64 indices into `work`. */
  resultWord: Int32Array;
  latencyWord: Int32Array;
  resultWords: Int32Array;
  latencies: Float64Array;
}

export function prepareTrace(trace: PacketTrace): PreparedTrace {
  const work = trace.records.slice();
  const count = trace.count;
  const prepared: PreparedTrace = {
    work,
    frames: [],
    devices: new Int32Array(count),
    times: new Float64Array(count),
    probes: new Uint8Array(count),
    resultWord: new Int32Array(count),
    latencyWord: new Int32Array(count),
    resultWords: new Int32Array(work.buffer),
    latencies: new Float64Array(work.buffer),
  };
  for (let packet = 0; packet < count; packet++) {
    const at = trace.offsets[packet]!;
    const frame = trace.frame(packet);
    prepared.frames.push(work.subarray(at + RECORD_HEADER, at + RECORD_HEADER + frame.length));
    prepared.devices[packet] = trace.device(packet);
    prepared.times[packet] = Number(trace.time(packet));
    prepared.probes[packet] = trace.isProbe(packet) ? 1 : 0;
    prepared.resultWord[packet] = (at + FIELD_DEVICE) / 4;
    prepared.latencyWord[packet] = (at + FIELD_LATENCY) / 8;
  }
  return prepared;
}

function runPackets(nf: TypeScriptNf, trace: PreparedTrace, from: number, to: number, timeProbes: boolean): void {
  const { frames, devices, times, probes, resultWord, latencyWord, resultWords, latencies } = trace;
  for (let packet = from; packet < to; packet++) {
    if (timeProbes && probes[packet] === 1) {
      const started = performance.now();
      resultWords[resultWord[packet]!] = nf.process(devices[packet]!, frames[packet]!, times[packet]!);
      latencies[latencyWord[packet]!] = (performance.now() - started) * 1e6;
    } else {
      resultWords[resultWord[packet]!] = nf.process(devices[packet]!, frames[packet]!, times[packet]!);
    }
  }
}

/** One pass on a fresh NF from `create`; returns the measured segment's time and processed records. */
export function runTypeScriptPass(create: () => TypeScriptNf, trace: PacketTrace, prepared: PreparedTrace, timeProbes: boolean): PassResult {
  prepared.work.set(trace.records);
  const nf = create();
  runPackets(nf, prepared, 0, trace.untimed, false);
  const started = performance.now();
  runPackets(nf, prepared, trace.untimed, trace.count, timeProbes);
  const elapsedNs = (performance.now() - started) * 1e6;
  return { elapsedNs, processed: new ProcessedPackets(trace, prepared.work.slice(trace.offsets[trace.untimed], trace.offsets[trace.count])) };
}
