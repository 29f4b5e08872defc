// `vigor bench` inputs it cannot use, refused with what was wrong and what to do (exit 2), before any measuring:
// numbers not in decimal or too many packets for a trace, seeds past 32 bits, generator options beside --pcap, an
// output that is the capture read, devices and pipes given as files, a capture cut by its snaplen, an NF whose
// frame bounds leave generated frames no room, and an NF whose nf_init aborts on its config.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writePcap } from '../../runtime/pcap.ts';
import { MAX_TRACE_BYTES, recordSize } from '../../runtime/trace.ts';
import { vigor } from './in-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vigor-bench-inputs-'));
// Two folders below the repository's root, as nfs/bridge is: its sources include nf-abi/ by relative path.
const cache = join(ROOT, '.cache');
mkdirSync(cache, { recursive: true });
const inProject = mkdtempSync(join(cache, 'bench-inputs-'));
after(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(inProject, { recursive: true, force: true });
});

/** Options that keep a benchmark that should have been refused short. */
const SHORT = ['--packets', '10', '--warmup', '0', '--repetitions', '1'];
const capture = join(work, 'in.pcap');
writePcap(capture, [{ time: 0n, frame: new Uint8Array(64) }]);

/** A copy of nfs/NAME whose nf.json `change` edits, at `dir`. */
function nfCopy(name: string, dir: string, change: (manifest: Record<string, any>) => void): string {
  cpSync(join(ROOT, 'nfs', name), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'nf.json'), 'utf8')) as Record<string, any>;
  change(manifest);
  writeFileSync(join(dir, 'nf.json'), JSON.stringify(manifest));
  return dir;
}

async function refused(args: string[], message: RegExp): Promise<void> {
  const run = await vigor(['bench', ...args]);
  assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
  assert.match(run.stderr, message);
  assert.equal(run.stdout, '', 'nothing was measured');
}

describe('numbers are decimal, and a trace holds what the run-time can hand to every implementation', () => {
  for (const text of ['0x10', '0b11', ' 7', '1_000']) {
    test(`--packets "${text}"`, () => refused(['nfs/nop', '--packets', text], new RegExp(`--packets takes a whole number, not "${text}"`)));
  }

  test('--packets 1e9, 1e300 and 2,600,000 frames of 1514 bytes: at most N packets of B bytes fit', async () => {
    const fill = Math.floor(0.9 * 65536);
    for (const [packets, bytes] of [['1e9', 64], ['1e300', 64], ['2600000', 1514]] as const) {
      const fit = Math.floor(MAX_TRACE_BYTES / recordSize(bytes));
      await refused(['nfs/nop', '--packets', packets, '--sizes', String(bytes)], new RegExp(`^error: ${String(Number(packets)).replace('+', '\\+')} measured and 100000 untimed packets besides the ${fill} that fill the table do not fit in a trace: at most ${fit} packets of ${bytes} bytes fit \\(${MAX_TRACE_BYTES} bytes of records`, 'm'));
    }
  });

  test('--seed past 32 bits would alias a smaller seed', () => refused(['nfs/nop', ...SHORT, '--seed', String(2 ** 32 + 1)], /the seed must be a whole number from 0 to 4294967295, not 4294967297/));

  test('--occupancy that keeps no flow live is refused, not raised to one flow', () => refused(['nfs/nop', ...SHORT, '--occupancy', '0.0000001'], /occupancy 1e-7 of nop's main table of 65536 entries keeps no flow live \(it rounds down to 0\); give at least 1\/65536/));
});

test('--sizes, --occupancy and --new-flows beside --pcap: the capture decides them', async () => {
  await refused(['nfs/nop', ...SHORT, '--pcap', capture, '--sizes', '128'], /^error: --sizes shapes generated traffic; with --pcap the capture decides its frames and flows: drop it or --pcap$/m);
  await refused(['nfs/nop', ...SHORT, '--pcap', capture, '--occupancy', '0.5', '--new-flows', '0.2'], /^error: --occupancy and --new-flows shape generated traffic; .*drop them or --pcap$/m);
});

test('--pcap-out or --json naming the capture --pcap reads: refused before it is overwritten', async () => {
  const before = readFileSync(capture);
  await refused(['nfs/nop', ...SHORT, '--pcap', capture, '--pcap-out', capture], /^error: --pcap-out .*in\.pcap: is the file --pcap reads, which writing it would destroy: name another file$/m);
  // The same file by another path.
  await refused(['nfs/nop', ...SHORT, '--pcap', capture, '--json', join(work, '.', '..', work.split('/').at(-1)!, 'in.pcap')], /^error: --json .*in\.pcap: is the file --pcap reads/m);
  assert.deepEqual(readFileSync(capture), before);
});

describe('a device or a pipe where a file is read says what it is', () => {
  test('/dev/null and /dev/zero as --pcap: a device', async () => {
    for (const device of ['/dev/null', '/dev/zero']) await refused(['nfs/nop', ...SHORT, '--pcap', device], new RegExp(`^error: --pcap ${device}: is a device, not a regular file: name a file$`, 'm'));
  });

  test('a pipe: read by one NF (here refusing the cut frame it holds), refused where it would be read again', async (t) => {
    const mkfifo = spawnSync('mkfifo', [join(work, 'pipe')]);
    if (mkfifo.status !== 0) return t.skip('mkfifo is not available');
    const pipe = join(work, 'pipe');
    await refused(['nfs/nop', 'nfs/bridge', ...SHORT, '--pcap', pipe], /^error: --pcap .*pipe: is a pipe, which gives what it holds only once, and this command reads the file more than once: save it to a file and name that$/m);
    const verify = await vigor(['verify', 'nfs/nop', '--spec', pipe]);
    assert.equal(verify.code, 2, verify.stderr);
    assert.match(verify.stderr, /^error: --spec .*pipe: is a pipe, which gives what it holds only once/m);
    // One NF reads the capture once: the pipe is read to its end, and its cut frame refused by number.
    const cut = join(work, 'cut.pcap');
    writePcap(cut, [{ time: 0n, frame: new Uint8Array(64) }, { time: 1n, frame: new Uint8Array(64) }]);
    const bytes = readFileSync(cut);
    bytes.writeUInt32LE(100, 24 + 16 + 64 + 12);
    writeFileSync(cut, bytes);
    const writer = spawn('sh', ['-c', `cat '${cut}' > '${pipe}'`]);
    try {
      await refused(['nfs/nop', ...SHORT, '--pcap', pipe], /^error: .*pipe: frame 2 was captured cut to 64 of its 100 bytes; capture with a snaplen that keeps whole frames/m);
    } finally {
      writer.kill();
    }
  });
});

test('an NF whose frame.max leaves generated frames no room: says so and suggests --pcap', async () => {
  for (const max of [0, 13]) {
    const nf = nfCopy('nop', join(work, `nop-max-${max}`), (manifest) => (manifest.frame.max = max));
    await refused([nf, ...SHORT], new RegExp(`^error: nop/nf\\.json "frame" allows frames of at most ${max} bytes, which leaves no room for generated frames: they carry Ethernet, IPv4 and UDP headers, 42 bytes at least; replay frames that fit with --pcap FILE$`, 'm'));
  }
});

test("an nf_init that aborts on its config: the NF's message and source line, exit 2 as a manifest the NF refuses", async () => {
  // Three static rules in a static table of capacity 2: bridge.ts's nf_init aborts adding the third.
  const nf = nfCopy('bridge', inProject, (manifest) => {
    manifest.config.capacity.value = 2;
    const rows = manifest.tables.static_rules.rows as Record<string, unknown>[];
    rows.push({ ...rows[0], addr: '01:80:c2:00:00:0e' });
  });
  const relative = nf.slice(ROOT.length);
  await refused([nf, ...SHORT, '--occupancy', '0.5'], new RegExp(
    `^error: ${nf.replace(/[.]/g, '\\.')}/nf\\.json: nf_init of bridge stops on this config and these tables: abort called at ${relative.replace(/[.]/g, '\\.')}/bridge\\.ts:58: ` +
      "more static rules than the static table's capacity; change them or the NF \\(vigor verify shows the path to the abort\\)$", 'm'));
});
