// The benchmark's summary lines: a capture's frame sizes in words, repetitions and passes counted in the singular and plural.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NfBenchmark } from '../../runtime/bench.ts';
import { formatBenchmarks } from '../../runtime/report.ts';

const spread = { min: 1, median: 1, max: 1 };

function benchmark(traffic: NfBenchmark['traffic'], repetitions: number, passes: number): NfBenchmark {
  const figures = { id: 'wasm' as const, mpps: spread, mppsByRepetition: [1], latencyNs: { median: spread, p99: spread, max: spread }, latencyPercentilesNs: [] };
  return { nf: 'nop', traffic, repetitions, passes, implementations: [figures], ratios: {}, missing: [] };
}

test("a capture's frames are said in words, generated sizes in bytes; one repetition or pass is singular", () => {
  const captured = formatBenchmarks([benchmark({ source: 'in.pcap', measuredPackets: 10, untimedPackets: 0, probes: 10, frameSizes: 'from the capture' }, 1, 1)]);
  assert.match(captured, /^nop: in\.pcap traffic, 10 measured packets \(10 probes timed\) after 0 untimed, frames from the capture; 1 repetition \(one throughput pass each\)$/m);
  const generated = formatBenchmarks([benchmark({ source: 'generated', measuredPackets: 10, untimedPackets: 5, probes: 1, frameSizes: '64:7,1514:1', tableOccupancy: { flows: 5, capacity: 8 } }, 3, 2)]);
  assert.match(generated, /^nop: generated traffic, .*, frames 64:7,1514:1 bytes, main table 5\/8 flows; 3 repetitions \(each the fastest of 2 throughput passes\)$/m);
});
