// Runs a trace through the verified .wasm NF with libVig's run-time: bursts (bursts.ts) are staged in the NF's own
// memory, and the WebAssembly driver (wasm-driver.ts) runs each burst's packets.
import { runBursts, splitBursts, STAGING_BYTES } from './bursts.ts';
import type { NfBinary } from './instantiate.ts';
import { loadNf } from './instantiate.ts';
import type { Pass } from './implementations.ts';
import { settleBeforeTiming } from './quiet-heap.ts';
import { ProcessedPackets, type PacketTrace } from './trace.ts';
import { instantiateDriver } from './wasm-driver.ts';

const clock = (): number => performance.now();

/** Passes over `trace`, each on a fresh NF instance; the processed records of a pass live until the next. */
export function prepareWasmPasses(build: NfBinary & { module: WebAssembly.Module }, trace: PacketTrace): Pass {
  const output = new Uint8Array(trace.records.length);
  const bursts = splitBursts(trace, output);
  const processed = new ProcessedPackets(trace, output.subarray(trace.offsets[trace.untimed], trace.offsets[trace.count]));
  return (timeProbes) => {
    const nf = loadNf(build);
    const driver = instantiateDriver(nf.exports, clock);
    let staged = new Uint8Array(nf.memory.buffer, 0, STAGING_BYTES);
    // A view of a buffer that the NF's memory.grow replaced has length 0.
    const staging = () => (staged.length ? staged : (staged = new Uint8Array(nf.memory.buffer, 0, STAGING_BYTES)));
    runBursts(bursts, 0, bursts.firstMeasured, staging, (packets) => driver.run(packets, 0));
    settleBeforeTiming(output);
    const probes = timeProbes ? 1 : 0;
    const started = performance.now();
    runBursts(bursts, bursts.firstMeasured, bursts.input.length, staging, (packets) => driver.run(packets, probes));
    return { elapsedNs: (performance.now() - started) * 1e6, processed };
  };
}
