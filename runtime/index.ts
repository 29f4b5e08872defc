// The run-time's public face: what the CLI (`vigor bench`), the kernel's %bench and the scripts use of it.
// Folders outside runtime/ import the run-time only from here (tests may reach inside).

// The benchmark: an NF run for real against its baselines, its figures as data, and the figures as a table.
export { benchmarkNf, type BenchOptions, DEFAULT_BENCH, type NfBenchmark } from './bench.ts';
export type { ImplementationId } from './implementations.ts';
export type { Spread } from './statistics.ts';
export { benchmarkNote, formatBenchmarks, IMPLEMENTATION_LABELS } from './report.ts';
export { captureDecides, DEFAULT_TRAFFIC } from './traffic.ts';
// What the run-time cannot run: traffic options, a capture, a native baseline (`vigor bench` exits 2 on them).
export { TrafficError } from './traffic.ts';
export { PcapError } from './pcap.ts';
export { NativeBaselineError } from './native-baseline.ts';
