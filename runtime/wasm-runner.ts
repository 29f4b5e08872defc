// Runs a trace through the verified .wasm NF with libVig's run-time: bursts (bursts.ts) are staged in the NF's own
// memory, and the WebAssembly driver (wasm-driver.ts) runs each burst's packets.
import { prepareBurstPasses, STAGING_BYTES } from './bursts.ts';
import { loadNf, type NfBinary } from '../libvig/index.ts';
import type { Pass } from './pass.ts';
import type { PacketTrace } from './trace.ts';
import { instantiateDriver } from './wasm-driver.ts';

const clock = (): number => performance.now();

/** Passes over `trace`, each on a fresh NF instance; the processed records of a pass live until the next. */
export function prepareWasmPasses(build: NfBinary & { module: WebAssembly.Module }, trace: PacketTrace): Pass {
  return prepareBurstPasses(trace, () => {
    const nf = loadNf(build);
    const driver = instantiateDriver(nf.exports, clock);
    let staged = new Uint8Array(nf.memory.buffer, 0, STAGING_BYTES);
    return {
      // A view of a buffer that the NF's memory.grow replaced has length 0.
      staging: () => (staged.length ? staged : (staged = new Uint8Array(nf.memory.buffer, 0, STAGING_BYTES))),
      processStaged: (packets, timeProbes) => driver.run(packets, timeProbes ? 1 : 0),
    };
  });
}
