// Runs a trace through the stacked .wasm (the NF with the stack under it) on the emulated device (emulated-device.ts).
import type { NfBinary } from '../libvig/index.ts';
import type { EmulateDevice } from './emulated-device.ts';
import type { Pass } from './pass.ts';
import { settleBeforeTiming } from './quiet-heap.ts';
import { ProcessedPackets, type PacketTrace } from './trace.ts';

/**
 * Passes over `trace`, each on a fresh NF and device: the untimed packets, then the measured ones timed as a whole.
 * The heap is settled before the untimed packets, not between them and the timing: settling writes the whole
 * output and collects, which leaves the NF's tables out of the caches, and the untimed packets bring them back,
 * as the native harness's warm-up does after it lays out its wire (docs/PITFALLS.md, "Measuring in one process").
 */
export function prepareStackedPasses(emulate: EmulateDevice, build: NfBinary & { module: WebAssembly.Module }, trace: PacketTrace): Pass {
  const measuredFrom = trace.offsets[trace.untimed]!;
  const output = new Uint8Array(trace.records.length - measuredFrom);
  const processed = new ProcessedPackets(trace, output);
  return (timeProbes) => {
    const nic = emulate(build, trace.records);
    settleBeforeTiming(output);
    nic.run(0, trace.untimed, false);
    const started = performance.now();
    nic.run(measuredFrom, trace.measured, timeProbes);
    const elapsedNs = (performance.now() - started) * 1e6;
    output.set(nic.records(measuredFrom, trace.records.length));
    return { elapsedNs, processed };
  };
}
