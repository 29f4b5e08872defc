// Traffic for a router: an NF whose state is an lpm filled from the config table of the same name (columns prefix,
// length, device) is benchmarked with a routing table of thousands of prefixes in place of nf.json's rows, shaped
// like a BGP table (mostly /24s, then /22-/23, few shorter than /16) plus a default route, and traffic to
// addresses inside those prefixes. Probes go to 240.0.0.0/4 (reserved, never in the generated table): only the
// default route matches them, after every level of the lookup.
import { type ConfigTable, holdsPrefixes, type Manifest } from '../nf-abi/index.ts';
import { writeFlowFrame } from './flow-frames.ts';
import { TraceBuilder, type PacketTrace } from './trace.ts';
import { requirePacketCounts, sizePicker, TrafficError, type TrafficOptions, xorshift } from './traffic.ts';

/** Prefixes of the benchmark's routing table (besides the default route). */
export const BENCH_ROUTES = 10_000;
/** Share of prefixes per length, after the lengths announced in the global BGP table (roughly, 2020s). */
const LENGTH_WEIGHTS: [number, number][] = [
  [8, 0.2], [12, 0.3], [14, 0.6], [16, 2], [17, 1], [18, 1.8], [19, 3], [20, 4], [21, 5], [22, 12], [23, 10], [24, 60],
];
/** Time step per packet: a router keeps no time. */
const STEP_NS = 1000n;

/** The name of the NF's routing table (an lpm filled from the config table of its name), or null for other NFs. */
export function routingTable(manifest: Manifest): string | null {
  const lpm = manifest.state.find((object) => object.kind === 'lpm');
  const table = lpm && manifest.tables?.[lpm.name];
  return table && holdsPrefixes(table) && 'device' in table.columns ? lpm.name : null;
}

/** `manifest` with its routing table replaced by `BENCH_ROUTES` generated prefixes and a default route. */
export function withBenchRoutes(manifest: Manifest, table: string, seed: number): Manifest {
  const random = xorshift(seed);
  const total = LENGTH_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  const seen = new Set<string>();
  const rows: ConfigTable['rows'] = [];
  while (rows.length < BENCH_ROUTES) {
    let left = random() * total;
    const length = LENGTH_WEIGHTS.find(([, weight]) => (left -= weight) < 0)?.[0] ?? 24;
    // Unicast space 1.0.0.0-223.255.255.255, masked to the length.
    const address = (1 + Math.floor(random() * 223)) * 2 ** 24 + Math.floor(random() * 2 ** 24);
    const prefix = (address - (address % 2 ** (32 - length))) >>> 0;
    const text = [24, 16, 8, 0].map((shift) => (prefix >>> shift) & 0xff).join('.');
    if (seen.has(`${text}/${length}`)) continue;
    seen.add(`${text}/${length}`);
    rows.push({ prefix: text, length, device: Math.floor(random() * manifest.devices) });
  }
  rows.push({ prefix: '0.0.0.0', length: 0, device: 0 });
  const tables = { ...manifest.tables, [table]: { ...manifest.tables![table]!, rows } };
  return { ...manifest, tables };
}

/** Packets to addresses inside the routes of `manifest`'s `table` (probes to 240.0.0.0/4), from both devices. */
export function generateRoutedTraffic(manifest: Manifest, table: string, options: TrafficOptions): PacketTrace {
  if (!(options.newFlowShare >= 0 && options.newFlowShare <= 1)) throw new TrafficError(`the share of probes must be between 0 and 1, not ${options.newFlowShare}`);
  requirePacketCounts(options, Math.max(...options.sizes.map((size) => size.bytes)));
  const pickSize = sizePicker(manifest, options.sizes);
  const random = xorshift(options.seed);
  const routes = manifest.tables![table]!.rows.filter((row) => Number(row.length) > 0);
  const trace = new TraceBuilder();
  const total = options.warmup + options.packets;
  for (let index = 0; index < total; index++) {
    const probe = random() < options.newFlowShare;
    let address: number;
    if (probe) {
      address = (0xf0000000 | Math.floor(random() * 2 ** 28)) >>> 0;
    } else {
      const route = routes[Math.floor(random() * routes.length)]!;
      const prefix = String(route.prefix).split('.').reduce((word, octet) => word * 256 + Number(octet), 0);
      address = (prefix + Math.floor(random() * 2 ** (32 - Number(route.length)))) >>> 0;
    }
    const frame = trace.add(index % manifest.devices, BigInt(index) * STEP_NS, pickSize(random()), probe && index >= options.warmup);
    writeFlowFrame(index, index, frame, address);
  }
  return trace.finish(options.warmup);
}
