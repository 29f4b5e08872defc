// A pass of an implementation over a packet trace: what the runners return and the benchmark times.
import type { ProcessedPackets } from './trace.ts';

/**
 * One repetition: the measured segment's time in a throughput pass, and the records after a latency pass. The
 * records live in a buffer the implementation reuses: they are valid until its next repetition.
 */
export interface PassResult {
  elapsedNs: number;
  processed: ProcessedPackets;
}

/** One pass over the trace on a freshly initialised NF, probes timed one by one or not at all. */
export type Pass = (timeProbes: boolean) => PassResult;

/**
 * A repetition of an implementation: `throughputPasses` throughput passes, of which the fastest counts, then a
 * latency pass. Work elsewhere on the machine only ever adds time to a pass, so the fastest of a few is the least
 * disturbed by short interruptions (not by a host's slow drifts); every implementation is measured the same way
 * (the native harness in C).
 */
export type Repeat = (throughputPasses: number) => PassResult;

/** The repetition of an implementation whose passes are run from here (the .wasm and the TypeScript baseline). */
export function throughputThenLatency(pass: Pass): Repeat {
  return (throughputPasses) => {
    let elapsedNs = Infinity;
    for (let n = 0; n < throughputPasses; n++) elapsedNs = Math.min(elapsedNs, pass(false).elapsedNs);
    return { elapsedNs, processed: pass(true).processed };
  };
}
