// `vigor bench`: the table and the JSON, a pcap written by --pcap-out that tcpdump reads back, the same capture
// replayed with --pcap, and usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadManifest } from '../../nf-abi/index.ts';
import type { NfBenchmark } from '../../runtime/bench.ts';
import { unlessInstalled } from '../tools.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vigor-bench-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function vigor(...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin', 'vigor.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
}

const SMALL = ['--packets', '3000', '--warmup', '500', '--repetitions', '2', '--passes', '2', '--occupancy', '0.01'];

test('vigor bench prints a row per implementation and writes the same figures as JSON', () => {
  const json = join(work, 'figures.json');
  const run = vigor('bench', 'nfs/nop', 'nfs/bridge', ...SMALL, '--json', json);
  assert.equal(run.status, 0, run.stderr);
  const results = JSON.parse(readFileSync(json, 'utf8')) as NfBenchmark[];
  assert.deepEqual(results.map((r) => r.nf), ['nop', 'bridge']);
  for (const result of results) {
    assert.equal(result.passes, 2);
    assert.match(run.stdout, new RegExp(`^${result.nf}: generated traffic, 3000 measured packets .*; 2 repetitions \\(each the fastest of 2 throughput passes\\)$`, 'm'));
    assert.deepEqual(result.implementations.map((i) => i.id), ['wasm', 'c', 'typescript']);
    assert.equal(result.traffic.measuredPackets, 3000);
    // Progress names the implementations in the order they ran: every other repetition reversed.
    const mpps = (id: string) => `${id} [\\d.]+ Mpps`;
    assert.match(run.stderr, new RegExp(`^${result.nf}: .*\\n +repetition 1/2: ${['wasm', 'c', 'typescript'].map(mpps).join(', ')}\\n +repetition 2/2: ${['typescript', 'c', 'wasm'].map(mpps).join(', ')}$`, 'm'));
    assert.ok(result.traffic.probes > 0 && result.traffic.probes < 3000);
    for (const figures of result.implementations) {
      assert.ok(figures.mpps.min > 0 && figures.mpps.min <= figures.mpps.median && figures.mpps.median <= figures.mpps.max);
      assert.deepEqual([...figures.mppsByRepetition].sort((a, b) => a - b), [figures.mpps.min, figures.mpps.max]);
      assert.ok(figures.latencyNs.median.median > 0 && figures.latencyNs.median.median <= figures.latencyNs.max.max);
      assert.match(run.stdout, new RegExp(`${result.nf}\\s+\\S.*${figures.mpps.median.toFixed(2)}`));
    }
    // Each repetition's ratio pairs the two implementations' throughputs of that repetition.
    const [wasm, ...baselines] = result.implementations;
    for (const baseline of baselines) {
      const ratios = baseline.mppsByRepetition.map((mpps, repetition) => wasm!.mppsByRepetition[repetition]! / mpps).sort((a, b) => a - b);
      const shown = result.ratios[baseline.id as 'c' | 'typescript']!;
      assert.deepEqual([shown.min, shown.max], ratios);
      assert.ok(ratios.includes(shown.median));
      assert.match(run.stdout, new RegExp(`${result.nf}\\s+\\S.*${baseline.mpps.median.toFixed(2)} \\[.*\\]\\s+${shown.median.toFixed(2)} \\[${shown.min.toFixed(2)}-${shown.max.toFixed(2)}\\]`));
    }
  }
});

test('a pcap written by --pcap-out is read back by tcpdump, and replays through --pcap', { skip: unlessInstalled('tcpdump') }, () => {
  const pcap = join(work, 'out.pcap');
  const json = join(work, 'out.json');
  const run = vigor('bench', 'nfs/bridge', ...SMALL, '--pcap-out', pcap, '--json', json);
  assert.equal(run.status, 0, run.stderr);
  const [result] = JSON.parse(readFileSync(json, 'utf8')) as NfBenchmark[];
  const frames = result!.pcapOut!.frames;
  assert.ok(frames > 0 && frames < 3000, `${frames} frames sent`);

  const tcpdump = spawnSync('tcpdump', ['-r', pcap, '-nn', '-e', '-tt'], { encoding: 'utf8' });
  assert.equal(tcpdump.status, 0, tcpdump.stderr);
  const lines = tcpdump.stdout.trim().split('\n');
  assert.equal(lines.length, frames);
  // Generated flows: locally administered MACs 02:00:..., IPv4/UDP between 10.0.0.0/8 addresses, 64-byte frames.
  assert.match(lines[0]!, /^\d+\.\d+ 02:00:[0-9a-f:]+ > [0-9a-f:]+, ethertype IPv4 \(0x0800\), length 64: 10\.\d+\.\d+\.\d+\.\d+ > 10\.\d+\.\d+\.\d+\.\d+: UDP, length 22$/);

  const replay = vigor('bench', 'nfs/bridge', '--pcap', pcap, '--packets', '1000', '--warmup', '100', '--repetitions', '1', '--json', join(work, 'replay.json'));
  assert.equal(replay.status, 0, replay.stderr);
  const [replayed] = JSON.parse(readFileSync(join(work, 'replay.json'), 'utf8')) as NfBenchmark[];
  assert.equal(replayed!.traffic.source, pcap);
  assert.equal(replayed!.traffic.probes, 1000, 'every measured packet of a capture is timed');
});

test("the NAT's capture: every frame it sends leaves from nf.json's ext_ip, and the capture replays through --pcap", { skip: unlessInstalled('tcpdump') }, () => {
  const pcap = join(work, 'nat.pcap');
  const run = vigor('bench', 'nfs/nat', ...SMALL, '--pcap-out', pcap, '--json', join(work, 'nat.json'));
  assert.equal(run.status, 0, run.stderr);
  // Config values are little-endian loads of the wire bytes: the first byte on the wire is the least significant.
  const extIp = loadManifest(join(ROOT, 'nfs', 'nat')).config.ext_ip!.value;
  const address = [0, 8, 16, 24].map((shift) => (Number(extIp) >>> shift) & 0xff).join('.');
  const tcpdump = spawnSync('tcpdump', ['-r', pcap, '-nn'], { encoding: 'utf8' });
  assert.equal(tcpdump.status, 0, tcpdump.stderr);
  const sources = new Set(tcpdump.stdout.trim().split('\n').map((line) => / IP (\d+\.\d+\.\d+\.\d+)\.\d+ > /.exec(line)?.[1]));
  assert.deepEqual([...sources], [address]);
  const replay = vigor('bench', 'nfs/nat', '--pcap', pcap, '--packets', '1000', '--warmup', '100', '--repetitions', '1', '--json', join(work, 'nat-replay.json'));
  assert.equal(replay.status, 0, replay.stderr);
});

test('vigor bench reports user errors with what to do, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['bench'], /usage: vigor bench NF_DIR/],
    [['bench', 'nfs/bridge', '--occupancy', 'full'], /--occupancy takes a number, not "full"/],
    [['bench', 'nfs/bridge', '--occupancy', '1.5'], /occupancy must be between 0 and 1/],
    [['bench', 'nfs/bridge', '--sizes', '20'], /frame size 20 is outside 42\.\.1514/],
    [['bench', 'nfs/bridge', '--pcap', join(work, 'missing.pcap')], /--pcap .*missing\.pcap: no such file/],
    [['bench', 'nfs/nop', 'nfs/bridge', '--pcap-out', join(work, 'x.pcap')], /--pcap-out writes one NF's output/],
    [['bench', 'nfs/bridge', '--frobnicate'], /unknown option --frobnicate/],
    [['bench', 'nfs/bridge', '--passes', '0'], /--passes must be at least 1/],
  ];
  for (const [args, message] of cases) {
    const run = vigor(...args);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});
