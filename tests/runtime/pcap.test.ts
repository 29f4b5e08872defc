// Classic pcap files: what we write reads back the same; microsecond files in either byte order are read; an FCS
// the header announces is cut off; other formats, frames the capture cut short and damaged headers are refused
// with the frame and what to do.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { PcapError, readPcap, writePcap } from '../../runtime/pcap.ts';

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
  view.setUint32(36, 4, false);
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

interface Record {
  frame: number[];
  /** Bytes on the wire (default: the frame's length). */
  onWire?: number;
  fraction?: number;
}

/** A little-endian microsecond capture (`magic` and the header's fields as given) of `records`. */
function capture(name: string, records: Record[], header: { magic?: number; version?: [number, number]; snaplen?: number; linkType?: number } = {}): string {
  const bytes = new Uint8Array(24 + records.reduce((sum, { frame }) => sum + 16 + frame.length, 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, header.magic ?? 0xa1b2c3d4, true);
  view.setUint16(4, header.version?.[0] ?? 2, true);
  view.setUint16(6, header.version?.[1] ?? 4, true);
  view.setUint32(16, header.snaplen ?? 65535, true);
  view.setUint32(20, header.linkType ?? 1, true);
  let at = 24;
  for (const { frame, onWire, fraction } of records) {
    view.setUint32(at, 7, true);
    view.setUint32(at + 4, fraction ?? 0, true);
    view.setUint32(at + 8, frame.length, true);
    view.setUint32(at + 12, onWire ?? frame.length, true);
    bytes.set(frame, at + 16);
    at += 16 + frame.length;
  }
  const file = join(work, name);
  writeFileSync(file, bytes);
  return file;
}

const frame = (length: number, fill = 1): number[] => new Array<number>(length).fill(fill);

test('a frame the capture cut short is refused, naming the frame, both lengths and the snaplen to use', () => {
  const file = capture('cut-by-snaplen.pcap', [{ frame: frame(40) }, { frame: frame(40), onWire: 64 }], { snaplen: 40 });
  assert.throws(() => readPcap(file), (e) => e instanceof PcapError && /: frame 2 was captured cut to 40 of its 64 bytes; capture with a snaplen that keeps whole frames \(tcpdump -s 0/.test(e.message));
});

test('damaged record headers and unknown versions are refused with the frame or the version', () => {
  const cases: [string, string, RegExp][] = [
    ['more-than-on-wire.pcap', capture('more-than-on-wire.pcap', [{ frame: frame(64), onWire: 20 }]), /: frame 1 holds 64 bytes of a frame of 20 on the wire: the record header is damaged/],
    ['over-snaplen.pcap', capture('over-snaplen.pcap', [{ frame: frame(60) }, { frame: frame(64) }], { snaplen: 60 }), /: frame 2 holds 64 bytes, more than the file's snaplen of 60/],
    ['version.pcap', capture('version.pcap', [{ frame: frame(64) }], { version: [9, 9] }), /is pcap version 9\.9; only 2\.4/],
    ['microseconds.pcap', capture('microseconds.pcap', [{ frame: frame(64) }, { frame: frame(64), fraction: 1_000_000 }]), /: frame 2's time stamp has 1000000 µs past the second, which must be below 1000000/],
    ['nanoseconds.pcap', capture('nanoseconds.pcap', [{ frame: frame(64), fraction: 1_000_000_000 }], { magic: 0xa1b23c4d }), /: frame 1's time stamp has 1000000000 ns past the second, which must be below 1000000000/],
    ['fcs-length-alone.pcap', capture('fcs-length-alone.pcap', [{ frame: frame(64) }], { linkType: (2 << 28 | 1) >>> 0 }), /link-type field 0x20000001 sets reserved bits, or an FCS length without the bit/],
  ];
  for (const [name, file, message] of cases) assert.throws(() => readPcap(file), (e) => e instanceof PcapError && message.test(e.message), name);
  // A snaplen of 0 says nothing about frame lengths; 999,999 µs and 999,999,999 ns are the last fractions.
  assert.equal(readPcap(capture('snaplen-0.pcap', [{ frame: frame(64) }], { snaplen: 0 })).length, 1);
  assert.equal(readPcap(capture('last-us.pcap', [{ frame: frame(64), fraction: 999_999 }]))[0]!.time, 7_999_999_000n);
  assert.equal(readPcap(capture('last-ns.pcap', [{ frame: frame(64), fraction: 999_999_999 }], { magic: 0xa1b23c4d }))[0]!.time, 7_999_999_999n);
});

test("an FCS the link-type field announces (libpcap's LT_FCS bits) is cut off each frame", () => {
  const withFcs = [...frame(60, 7), 0xde, 0xad, 0xbe, 0xef];
  // Bit 26: frames carry an FCS; bits 28-31: its length in 16-bit words (2: Ethernet's 4 bytes).
  const file = capture('fcs.pcap', [{ frame: withFcs }, { frame: withFcs }], { linkType: (0x20000000 | 0x04000000 | 1) >>> 0 });
  assert.deepEqual(readPcap(file).map(({ frame }) => [...frame]), [frame(60, 7), frame(60, 7)]);
  const short = capture('fcs-short.pcap', [{ frame: [1, 2] }], { linkType: (0x20000000 | 0x04000000 | 1) >>> 0 });
  assert.throws(() => readPcap(short), /: frame 1 has 2 bytes, fewer than the 4-byte FCS the header says every frame ends with/);
});
