// The router's three implementations on the benchmark's routing table (10,000 generated prefixes): 10^5 packets,
// a share of them made malformed, with no hop left or to no route, give the same output device and the same bytes
// from the verified .wasm (run-time libVig's lpm), the C twin (the native lpm in runtime/native/libvig.c) and the
// TypeScript baseline (a Map per prefix length).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../../nf-abi/index.ts';
import { implementationsOf } from '../../runtime/implementations.ts';
import { generateRoutedTraffic, routingTable, withBenchRoutes } from '../../runtime/route-traffic.ts';
import { RECORD_HEADER } from '../../runtime/trace.ts';
import { DEFAULT_TRAFFIC } from '../../runtime/traffic.ts';

const ROUTER = fileURLToPath(new URL('../../nfs/router', import.meta.url));

/** What becomes of every tenth packet (by its number mod 10), frame bytes from the start of the frame. */
const DAMAGE: ((frame: Uint8Array) => void)[] = [
  (frame) => void (frame[22] = 1), // TTL 1: no hop left
  (frame) => void (frame[22] = 0),
  (frame) => void (frame[14] = 0x44), // IHL 4
  (frame) => void (frame[17] = (frame.length - 14 + 1) & 0xff), // total length one past the frame (64-byte frames)
  (frame) => void (frame[12] = 0x86), // EtherType 0x86dd, IPv6
  (frame) => void (frame[14] = 0x65), // version 6
  (frame) => void (frame[22] = 2), // forwarded with TTL 1
  (frame) => void (frame[14] = 0x46), // a 24-byte header: forwarded
];

test('router: 10^5 packets give the same devices and bytes from the .wasm NF, the C twin and the TypeScript baseline', async () => {
  const nf = loadManifest(ROUTER);
  const table = routingTable(nf)!;
  assert.equal(table, 'routes');
  const bench = withBenchRoutes(nf, table, 1);
  // Without the default route, the probes (240.0.0.0/4) have no route.
  const manifest = { ...bench, tables: { [table]: { ...bench.tables![table]!, rows: bench.tables![table]!.rows.filter((row) => Number(row.length) > 0) } } };
  const trace = generateRoutedTraffic(manifest, table, { ...DEFAULT_TRAFFIC, packets: 100_000, warmup: 0, newFlowShare: 0.1 }).withUntimed(0);
  for (let packet = 0; packet < trace.count; packet++) {
    const at = trace.offsets[packet]! + RECORD_HEADER;
    DAMAGE[packet % 10]?.(trace.records.subarray(at, at + 64));
  }

  const { implementations, missing } = await implementationsOf(ROUTER, manifest);
  assert.deepEqual(implementations.map((i) => i.id), ['wasm', 'c', 'typescript'], missing.join('; '));
  const [wasm, ...baselines] = implementations.map((i) => i.prepare(trace)(1).processed);
  const outcomes = new Map<number, number>();
  for (let packet = 0; packet < wasm!.count; packet++) outcomes.set(wasm!.output(packet), (outcomes.get(wasm!.output(packet)) ?? 0) + 1);
  // Forwarded to each device, and dropped (malformed, no hop left, no route).
  for (const outcome of [0, 1, -1]) assert.ok((outcomes.get(outcome) ?? 0) > 1000, `outcome ${outcome} occurs ${outcomes.get(outcome) ?? 0} times`);
  baselines.forEach((processed, at) => assert.equal(wasm!.firstDifference(processed, manifest.devices), -1, `first packet where the .wasm router and ${implementations[at + 1]!.id} differ`));
});
