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
