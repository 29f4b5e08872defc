// The benchmark's figures as a text table, and the words that say what was measured (the kernel's table shows them too).
import type { NfBenchmark } from './bench.ts';
import type { ImplementationId } from './implementations.ts';
import type { Spread } from './statistics.ts';

export const IMPLEMENTATION_LABELS: Record<ImplementationId, string> = {
  wasm: 'verified .wasm',
  c: 'native C (gcc -O2)',
  typescript: 'TypeScript + Maps',
};

const range = (s: Spread, digits: number): string => `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}-${s.max.toFixed(digits)}]`;

export function formatBenchmarks(results: NfBenchmark[]): string {
  const header = ['NF', 'implementation', 'Mpps median [min-max]', 'wasm/this median [min-max]', 'probe latency ns: median', 'p99', 'max'];
  const rows = results.flatMap((result) =>
    result.implementations.map((figures) => [
      result.nf,
      IMPLEMENTATION_LABELS[figures.id],
      range(figures.mpps, 2),
      figures.id === 'wasm' ? '1.00' : range(result.ratios[figures.id as Exclude<ImplementationId, 'wasm'>]!, 2),
      range(figures.latencyNs.median, 0),
      figures.latencyNs.p99.median.toFixed(0),
      figures.latencyNs.max.max.toFixed(0),
    ]),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const notes = results.flatMap((result) => [
    `${result.nf}: ${benchmarkNote(result)}`,
    ...result.missing.map((reason) => `${result.nf}: no baseline ${reason}`),
    ...(result.pcapOut ? [`${result.nf}: ${result.pcapOut.frames} output frames written to ${result.pcapOut.file}`] : []),
  ]);
  return [line(header), ...rows.map(line), '', 'wasm/this: the throughputs\' ratio in each repetition (implementations run in turn on the same packets). p99 is the median over repetitions, max the largest; latency includes reading the clock.', ...notes].join('\n');
}

/** What a benchmark ran: its traffic, and how many repetitions of how many throughput passes. */
export function benchmarkNote({ traffic, repetitions, passes }: NfBenchmark): string {
  const occupancy = traffic.tableOccupancy ? `, main table ${traffic.tableOccupancy.flows}/${traffic.tableOccupancy.capacity} flows` : traffic.routes ? `, ${traffic.routes} generated routes and a default route` : '';
  // Generated traffic's sizes are numbers ("64", "64:7,594:4"); a capture's are said in words.
  const frames = traffic.source === 'generated' ? `${traffic.frameSizes} bytes` : traffic.frameSizes;
  const fastest = passes === 1 ? 'one throughput pass each' : `each the fastest of ${passes} throughput passes`;
  return `${traffic.source} traffic, ${traffic.measuredPackets} measured packets (${traffic.probes} probes timed) after ${traffic.untimedPackets} untimed, frames ${frames}${occupancy}; ${repetitions} repetition${repetitions === 1 ? '' : 's'} (${fastest})`;
}
