// Runs a trace through the verified .wasm NF with libVig's run-time: JavaScript copies bursts of records into
// the NF's staging area and out again; the WebAssembly driver (wasm-driver.ts) runs each burst's packets.
import type { NfBinary } from './instantiate.ts';
import { loadNf } from './instantiate.ts';
import type { PassResult } from './implementations.ts';
import { ProcessedPackets, type PacketTrace } from './trace.ts';
import { BURST_PACKETS, instantiateDriver, STAGING_BYTES, type Driver } from './wasm-driver.ts';

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
    if (trace.offsets[end]! - start > STAGING_BYTES) throw new RangeError(`packet ${packet}'s frame is too large to stage (at most ${STAGING_BYTES - 24} bytes)`);
    input.push(trace.records.subarray(start, trace.offsets[end]));
    outputs.push(output.subarray(start, trace.offsets[end]));
    packets.push(end - packet);
    packet = end;
  }
  return { input, output: outputs, packets: Int32Array.from(packets), firstMeasured: firstMeasured < 0 ? input.length : firstMeasured };
}

/** The burst loop: called once per segment, so V8 optimises it as a whole; no allocation per packet. */
function runBursts(bursts: Bursts, from: number, to: number, memory: WebAssembly.Memory, driver: Driver, timeProbes: number): void {
  let staged = new Uint8Array(memory.buffer, 0, STAGING_BYTES);
  for (let burst = from; burst < to; burst++) {
    const input = bursts.input[burst]!;
    // A view of a buffer that the NF's memory.grow replaced has length 0: take a new one.
    if (staged.length === 0) staged = new Uint8Array(memory.buffer, 0, STAGING_BYTES);
    staged.set(input);
    driver.run(bursts.packets[burst]!, timeProbes);
    if (staged.length === 0) staged = new Uint8Array(memory.buffer, 0, STAGING_BYTES);
    bursts.output[burst]!.set(staged.subarray(0, input.length));
  }
}

const clock = (): number => performance.now();

/** One pass over `trace` on a fresh NF instance; returns the measured segment's time and processed records. */
export function runWasmPass(build: NfBinary & { module: WebAssembly.Module }, trace: PacketTrace, bursts: Bursts, output: Uint8Array, timeProbes: boolean): PassResult {
  const nf = loadNf(build);
  const driver = instantiateDriver(nf.exports, clock);
  runBursts(bursts, 0, bursts.firstMeasured, nf.memory, driver, 0);
  const started = performance.now();
  runBursts(bursts, bursts.firstMeasured, bursts.input.length, nf.memory, driver, timeProbes ? 1 : 0);
  const elapsedNs = (performance.now() - started) * 1e6;
  return { elapsedNs, processed: new ProcessedPackets(trace, output.slice(trace.offsets[trace.untimed], trace.offsets[trace.count])) };
}
