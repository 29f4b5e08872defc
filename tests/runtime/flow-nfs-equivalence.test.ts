// The NAT's, the firewall's and the load balancer's three implementations against each other: 20,000 frames (flows
// from inside, replies from their remote ends and from strangers, or clients and backends' heartbeats, malformed
// and fragmented frames, full tables, expiry)
// through the verified .wasm, the native C twin and the TypeScript baseline give the same output device and
// bytes, and every frame sent whose checksums were valid leaves with valid ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ipv4ChecksumValid, transportChecksumValid } from '../../nf-abi/index.ts';
import { buildNf } from '../../toolchain/build.ts';
import { TYPESCRIPT_BASELINES } from '../../runtime/baselines/index.ts';
import { buildNativeHarness, cTwinOf, runNativeHarness } from '../../runtime/native-baseline.ts';
import { TraceBuilder } from '../../runtime/trace.ts';
import { prepareTypeScriptPasses } from '../../runtime/typescript-runner.ts';
import { stackedOutputs } from '../stack/run-stacked.ts';

const PACKETS = 20_000;
const STEP_NS = 10_000n;

/** A seeded xorshift32: the same frames on every run. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

function sum(bytes: Uint8Array, from: number, to: number, start = 0): number {
  let total = start;
  for (let at = from; at < to; at += 2) total += (bytes[at]! << 8) | (at + 1 < to ? bytes[at + 1]! : 0);
  while (total > 0xffff) total = (total & 0xffff) + (total >>> 16);
  return total;
}

/** Writes a TCP or UDP frame with valid checksums, then maybe breaks one thing about it. */
function writeFrame(frame: Uint8Array, pick: (n: number) => number, external: boolean, nf: string): void {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const tcp = pick(2) === 0;
  const inside = 0x0a000000 + pick(4);
  const remote = 0x08080800 + pick(2);
  view.setUint16(12, 0x0800);
  frame[14] = 0x45;
  view.setUint16(16, frame.length - 14);
  frame[22] = 64;
  frame[23] = tcp ? 6 : 17;
  view.setUint32(26, external ? remote + (pick(8) === 0 ? 16 : 0) : inside);
  // A reply goes to the NAT's external address, or through the firewall to the inside.
  view.setUint32(30, !external ? remote : nf === 'nat' ? 0xc0000201 : inside);
  view.setUint16(34, external ? 80 + pick(2) + (pick(8) === 0 ? 100 : 0) : 1024 + pick(4));
  // A reply's destination port is a flow index as the NAT numbers ports (little-endian loads, start_port 0).
  if (!external) view.setUint16(36, 80 + pick(2));
  else if (nf === 'nat') view.setUint16(36, pick(72), true);
  else view.setUint16(36, 1024 + pick(4));
  for (let at = tcp ? 54 : 42; at < frame.length; at++) frame[at] = pick(256);
  view.setUint16(24, ~sum(frame, 14, 34) & 0xffff);
  const checksumAt = tcp ? 50 : 40;
  if (!tcp) view.setUint16(38, frame.length - 34);
  const noUdpChecksum = !tcp && pick(4) === 0;
  if (!noUdpChecksum) view.setUint16(checksumAt, ~sum(frame, 34, frame.length, sum(frame, 26, 34, frame[23]! + frame.length - 34)) & 0xffff || 0xffff);
  switch (pick(16)) {
    case 0: view.setUint16(12, 0x86dd); break; // IPv6
    case 1: frame[14] = 0x46; break; // IPv4 options
    case 2: view.setUint16(16, frame.length - 13); break; // longer than the frame
    case 3: frame[20] |= 0x20; break; // More Fragments
    case 4: frame[21] = 1 + pick(255); break; // a later fragment
    case 5: frame[23] = 1; break; // ICMP
    case 6: frame[24] ^= 1 + pick(255); break; // a broken IPv4 checksum
    case 7: view.setUint16(16, 20 + (tcp ? 19 : 7)); break; // too short for the TCP or UDP header
    default:
  }
}

/**
 * Per NF: a small config (the tables fill up, entries come and go), the device external frames (replies, or the
 * load balancer's clients) arrive on, how many of 5 frames are external, and the devices the others arrive on.
 * The load balancer's 4 backend addresses exceed its 3 backends, which expire after some 15 frames unless a
 * heartbeat comes: backends come and go, and flows move.
 */
const SETUPS: Record<string, { config: Record<string, number>; externalDevice: number; externalOfFive: number; internalDevices: number }> = {
  nat: { config: { capacity: 64, expiration_time: 2_000_000 }, externalDevice: 1, externalOfFive: 2, internalDevices: 1 },
  fw: { config: { capacity: 64, expiration_time: 2_000_000 }, externalDevice: 1, externalOfFive: 2, internalDevices: 1 },
  lb: {
    config: { flow_capacity: 64, backend_capacity: 3, cht_height: 13, flow_expiration_time: 2_000_000, backend_expiration_time: 150_000 },
    externalDevice: 2, externalOfFive: 4, internalDevices: 2,
  },
};

for (const [nf, setup] of Object.entries(SETUPS)) test(`${nf}: the .wasm, the native C twin and the TypeScript baseline agree on 20,000 frames, and keep checksums valid`, async () => {
  const dir = fileURLToPath(new URL(`../../nfs/${nf}`, import.meta.url));
  const build = await buildNf(dir);
  const manifest = structuredClone(build.manifest);
  for (const [key, value] of Object.entries(setup.config)) manifest.config[key]!.value = value;

  const pick = random(7);
  const traffic = new TraceBuilder();
  for (let packet = 0; packet < PACKETS; packet++) {
    const external = pick(5) < setup.externalOfFive;
    const length = pick(10) === 0 ? 14 + pick(40) : 60 + pick(40);
    const frame = traffic.add(external ? setup.externalDevice : setup.internalDevices > 1 ? pick(setup.internalDevices) : 0, BigInt(packet) * STEP_NS, length, false);
    if (length >= 60) writeFrame(frame, pick, external, nf);
  }
  const trace = traffic.finish(0);

  const wasm = await stackedOutputs(dir, trace, manifest);
  const typescript = prepareTypeScriptPasses(() => TYPESCRIPT_BASELINES[nf]!(manifest), trace)(false).processed;
  const native = runNativeHarness(buildNativeHarness(cTwinOf(dir, manifest)!, manifest), trace, new Uint8Array(trace.records.length), 1).processed;
  assert.equal(wasm.firstDifference(typescript, manifest.devices), -1, 'first frame where the .wasm and the TypeScript NF differ');
  assert.equal(wasm.firstDifference(native, manifest.devices), -1, 'first frame where the .wasm and the C NF differ');

  const outcomes = new Map<number, number>();
  for (let packet = 0; packet < wasm.count; packet++) {
    const output = wasm.output(packet);
    outcomes.set(output, (outcomes.get(output) ?? 0) + 1);
    if (output < 0) continue;
    const input = trace.frame(packet);
    const sent = wasm.frame(packet);
    if (ipv4ChecksumValid(input)) assert.equal(ipv4ChecksumValid(sent), true, `frame ${packet}: IPv4 checksum`);
    if (transportChecksumValid(input)) assert.equal(transportChecksumValid(sent), true, `frame ${packet}: TCP/UDP checksum`);
  }
  // Outbound frames, replies let in (or frames to backends on either device), and drops all occur often.
  for (const outcome of [0, 1, -1]) assert.ok((outcomes.get(outcome) ?? 0) > 200, `outcome ${outcome} occurs ${outcomes.get(outcome) ?? 0} times`);
});
