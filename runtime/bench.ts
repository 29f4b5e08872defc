// The benchmark: one trace, run by the verified .wasm NF and by its baselines in the same process, in turn in
// each repetition (so that noise from other work on the machine spreads over all of them), outputs
// cross-checked, figures summarised as data (for the CLI's table and JSON, and for the kernel's plots).
import { DROP, loadManifest, type Manifest } from '../nf-abi/index.ts';
import { trafficFromCapture } from './capture-traffic.ts';
import { implementationsOf, type ImplementationId } from './implementations.ts';
import { readPcap, writePcap } from './pcap.ts';
import { latencyPercentiles, spread, summariseLatencies, type LatencySummary, type Spread } from './statistics.ts';
import type { PacketTrace, ProcessedPackets } from './trace.ts';
import { BENCH_ROUTES, generateRoutedTraffic, routingTable, withBenchRoutes } from './route-traffic.ts';
import { DEFAULT_TRAFFIC, generateTraffic, liveFlows, mainTableCapacity, type TrafficOptions } from './traffic.ts';

export interface BenchOptions {
  traffic: TrafficOptions;
  /** Replay this capture instead of generating traffic. */
  pcap?: string;
  /** Write the verified NF's output frames (measured packets of the last repetition) to this capture. */
  pcapOut?: string;
  repetitions: number;
  /** Throughput passes of each implementation in a repetition: the fastest counts (pass.ts's Repeat). */
  passes: number;
}

export const DEFAULT_BENCH: BenchOptions = { traffic: DEFAULT_TRAFFIC, repetitions: 5, passes: 1 };

export interface ImplementationFigures {
  id: ImplementationId;
  /** Measured packets per second in each repetition's fastest throughput pass, in millions. */
  mpps: Spread;
  /** The same, repetition by repetition. */
  mppsByRepetition: number[];
  /** Probe latency in ns: each repetition's median, 99th percentile and maximum, spread over repetitions. */
  latencyNs: { median: Spread; p99: Spread; max: Spread };
  /** The last repetition's probe latency in ns at each percent 0, 1, ..., 100 (its distribution, for CDF plots). */
  latencyPercentilesNs: number[];
}

export interface NfBenchmark {
  nf: string;
  traffic: {
    source: string;
    measuredPackets: number;
    untimedPackets: number;
    probes: number;
    /** Live flows in the main table (generated traffic only). */
    tableOccupancy?: { flows: number; capacity: number };
    /** Prefixes in a router's generated routing table, which replaces nf.json's (generated traffic only). */
    routes?: number;
    frameSizes: string;
  };
  repetitions: number;
  /** Throughput passes per repetition, the fastest of which is the repetition's figure. */
  passes: number;
  implementations: ImplementationFigures[];
  /**
   * The verified NF's throughput divided by each baseline's, repetition by repetition: both ran in the same
   * repetition, seconds apart, so a host that slows down for a while slows both.
   */
  ratios: Partial<Record<Exclude<ImplementationId, 'wasm'>, Spread>>;
  /** Baselines this NF lacks, and why. */
  missing: string[];
  /** Frames the verified NF sent in the last repetition and where they were written (with --pcap-out). */
  pcapOut?: { file: string; frames: number };
}

export class OutputMismatch extends Error {}

/**
 * The NF's manifest as benchmarked and its traffic: the capture when `pcap` is given, else generated. A router runs
 * with a generated routing table of thousands of prefixes (route-traffic.ts), the same for all implementations.
 */
export function benchTraffic(nfDir: string, options: Pick<BenchOptions, 'traffic' | 'pcap'>): { manifest: Manifest; trace: PacketTrace; table: string | null } {
  const table = routingTable(loadManifest(nfDir));
  const manifest = table ? withBenchRoutes(loadManifest(nfDir), table, options.traffic.seed) : loadManifest(nfDir);
  const trace = options.pcap
    ? trafficFromCapture(manifest, readPcap(options.pcap), options.pcap, options.traffic)
    : table
      ? generateRoutedTraffic(manifest, table, options.traffic)
      : generateTraffic(manifest, options.traffic);
  return { manifest, trace, table };
}

export async function benchmarkNf(nfDir: string, options: BenchOptions = DEFAULT_BENCH, progress: (line: string) => void = () => {}): Promise<NfBenchmark> {
  const { manifest, trace, table } = benchTraffic(nfDir, options);
  const { implementations, missing } = await implementationsOf(nfDir, manifest);
  progress(`${manifest.name}: ${trace.untimed} untimed + ${trace.measured} measured packets; ${implementations.map((i) => i.id).join(', ')}`);
  const runs = implementations.map((implementation) => ({ implementation, run: implementation.prepare(trace), repetitions: [] as Repetition[], last: null as ProcessedPackets | null }));
  for (let repetition = 0; repetition < options.repetitions; repetition++) {
    // Every other repetition in reverse order, so that neither going first nor following another one's run
    // (its garbage, its forked process) favours an implementation.
    const order = repetition % 2 === 0 ? runs : [...runs].reverse();
    for (const entry of order) {
      // The processed records live in a buffer the next repetition reuses: summarise them now.
      const { elapsedNs, processed } = entry.run(options.passes);
      entry.repetitions.push({ mpps: trace.measured / elapsedNs * 1e3, latency: summariseLatencies(processed.latencies()), percentiles: latencyPercentiles(processed.latencies()) });
      entry.last = processed;
    }
    progress(`  repetition ${repetition + 1}/${options.repetitions}: ${order.map((r) => `${r.implementation.id} ${r.repetitions.at(-1)!.mpps.toFixed(2)} Mpps`).join(', ')}`);
  }
  const reference = runs[0]!.last!;
  for (const { implementation, last } of runs.slice(1)) requireSameOutputs(reference, last!, implementation.id, trace, manifest.devices);

  const implementationsFigures = runs.map(({ implementation, repetitions }) => figures(implementation.id, repetitions));
  const ratios: NfBenchmark['ratios'] = {};
  const [wasm, ...baselines] = implementationsFigures;
  for (const figure of baselines) ratios[figure.id as Exclude<ImplementationId, 'wasm'>] = spread(figure.mppsByRepetition.map((mpps, repetition) => wasm!.mppsByRepetition[repetition]! / mpps));
  const result: NfBenchmark = {
    nf: manifest.name,
    traffic: {
      source: options.pcap ?? 'generated',
      measuredPackets: trace.measured,
      untimedPackets: trace.untimed,
      probes: trace.measuredProbes(),
      ...(options.pcap ? {} : table ? { routes: BENCH_ROUTES } : { tableOccupancy: { flows: liveFlows(manifest, options.traffic.occupancy), capacity: mainTableCapacity(manifest) } }),
      frameSizes: options.pcap ? 'from the capture' : options.traffic.sizes.map((s) => (options.traffic.sizes.length > 1 ? `${s.bytes}:${s.weight}` : `${s.bytes}`)).join(','),
    },
    repetitions: options.repetitions,
    passes: options.passes,
    implementations: implementationsFigures,
    ratios,
    missing,
  };
  if (options.pcapOut) result.pcapOut = { file: options.pcapOut, frames: writePcap(options.pcapOut, sentFrames(trace, reference)) };
  return result;
}

/** One repetition of one implementation, summarised. */
interface Repetition {
  mpps: number;
  latency: LatencySummary;
  percentiles: number[];
}

function figures(id: ImplementationId, repetitions: Repetition[]): ImplementationFigures {
  const latencies = repetitions.map((repetition) => repetition.latency);
  return {
    id,
    mpps: spread(repetitions.map((repetition) => repetition.mpps)),
    mppsByRepetition: repetitions.map((repetition) => repetition.mpps),
    latencyNs: {
      median: spread(latencies.map((l) => l.median)),
      p99: spread(latencies.map((l) => l.p99)),
      max: spread(latencies.map((l) => l.max)),
    },
    latencyPercentilesNs: repetitions.at(-1)?.percentiles ?? [],
  };
}

function requireSameOutputs(reference: ProcessedPackets, other: ProcessedPackets, id: ImplementationId, trace: PacketTrace, devices: number): void {
  const packet = reference.firstDifference(other, devices);
  if (packet < 0) return;
  const describe = (processed: ProcessedPackets) => {
    const sent = processed.sentOn(packet, devices);
    const on = Array.from({ length: devices }, (_, device) => device).filter((device) => sent & (1 << device));
    return on.length ? `devices ${on.join(', ')}, bytes ${Buffer.from(processed.frame(packet).subarray(0, 16)).toString('hex')}...` : 'no device (dropped)';
  };
  throw new OutputMismatch(
    `the ${id} baseline and the verified NF disagree on measured packet ${packet} (trace packet ${trace.untimed + packet}, input device ${trace.device(trace.untimed + packet)}): ` +
      `wasm gave ${describe(reference)}, ${id} gave ${describe(other)}: one of the two is wrong for this nf.json (a baseline that does not implement the NF, or a configuration the NF mishandles, which \`vigor verify\` on the same folder shows)`,
  );
}

/** The frames the NF sent (every result but DROP), stamped with their time of arrival: what --pcap-out writes. */
export function* sentFrames(trace: PacketTrace, processed: ProcessedPackets): Generator<{ time: bigint; frame: Uint8Array }> {
  for (let packet = 0; packet < processed.count; packet++) {
    if (processed.output(packet) !== DROP) yield { time: trace.time(trace.untimed + packet), frame: processed.frame(packet) };
  }
}
