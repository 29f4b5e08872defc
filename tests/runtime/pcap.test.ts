// Classic pcap files: what we write reads back the same; microsecond files in either byte order are read; other
// formats are refused with what to do.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readPcap, writePcap } from '../../runtime/pcap.ts';

const work = mkdtempSync(join(tmpdir(), 'vigor-pcap-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('frames and nanosecond time stamps survive a write and a read', () => {
  const frames = [
    { time: 1_700_000_000_123_456_789n, frame: Uint8Array.from({ length: 64 }, (_, i) => i) },
    { time: 1_700_000_001_000_000_001n, frame: Uint8Array.from({ length: 1514 }, (_, i) => 255 - (i & 255)) },
  ];
  const file = join(work, 'round.pcap');
  assert.equal(writePcap(file, frames), 2);
  assert.deepEqual(readPcap(file), frames);
});

test('a big-endian microsecond capture is read with its time in ns', () => {
  const bytes = new Uint8Array(24 + 16 + 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xa1b2c3d4, false);
  view.setUint16(4, 2, false);
  view.setUint16(6, 4, false);
  view.setUint32(16, 65535, false);
  view.setUint32(20, 1, false);
  view.setUint32(24, 10, false);
  view.setUint32(28, 5, false);
  view.setUint32(32, 4, false);
  view.setUint32(36, 60, false);
  bytes.set([1, 2, 3, 4], 40);
  const file = join(work, 'big-endian.pcap');
  writeFileSync(file, bytes);
  assert.deepEqual(readPcap(file), [{ time: 10_000_005_000n, frame: Uint8Array.from([1, 2, 3, 4]) }]);
});

test('pcapng and cut files are refused with what is wrong', () => {
  const pcapng = join(work, 'capture.pcapng');
  writeFileSync(pcapng, Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(28).fill(0)]));
  assert.throws(() => readPcap(pcapng), /not a classic pcap file .*editcap -F pcap IN OUT/);
  const cut = join(work, 'cut.pcap');
  writePcap(cut, [{ time: 0n, frame: new Uint8Array(100) }]);
  const whole = new Uint8Array(readFileSync(cut));
  writeFileSync(cut, whole.subarray(0, whole.length - 10));
  assert.throws(() => readPcap(cut), /frame 1 claims 100 bytes but the file ends first/);
});
