// Classic libpcap files (the format tcpdump -w writes and Wireshark opens): a 24-byte global header, then per
// frame a 16-byte record header and the captured bytes. We write nanosecond time stamps (magic 0xa1b23c4d,
// which tcpdump and Wireshark read) and read both resolutions in either byte order. Errors number frames from 1,
// as Wireshark does.
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC_MICROSECONDS = 0xa1b2c3d4;
const MAGIC_NANOSECONDS = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;

export interface CapturedFrame {
  /** Nanoseconds since the epoch (or since the capture's start: pcap does not say which). */
  time: bigint;
  frame: Uint8Array;
}

export class PcapError extends Error {}

export function writePcap(file: string, frames: Iterable<CapturedFrame>): number {
  const list = [...frames];
  const bytes = new Uint8Array(GLOBAL_HEADER + list.reduce((sum, { frame }) => sum + RECORD_HEADER + frame.length, 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC_NANOSECONDS, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, SNAPLEN, true);
  view.setUint32(20, LINKTYPE_ETHERNET, true);
  let at = GLOBAL_HEADER;
  for (const { time, frame } of list) {
    view.setUint32(at, Number(time / 1_000_000_000n), true);
    view.setUint32(at + 4, Number(time % 1_000_000_000n), true);
    view.setUint32(at + 8, frame.length, true);
    view.setUint32(at + 12, frame.length, true);
    bytes.set(frame, at + RECORD_HEADER);
    at += RECORD_HEADER + frame.length;
  }
  writeFileSync(file, bytes);
  return list.length;
}

export function readPcap(file: string): CapturedFrame[] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new PcapError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (bytes.length < GLOBAL_HEADER) throw new PcapError(`${file} is too short (${bytes.length} bytes) to be a pcap file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = [MAGIC_MICROSECONDS, MAGIC_NANOSECONDS].includes(view.getUint32(0, true));
  const magic = view.getUint32(0, little);
  if (magic !== MAGIC_MICROSECONDS && magic !== MAGIC_NANOSECONDS) {
    throw new PcapError(`${file} is not a classic pcap file (magic 0x${view.getUint32(0, false).toString(16)}); pcapng files can be converted with: editcap -F pcap IN OUT`);
  }
  const linkType = view.getUint32(20, little) & 0xffff;
  if (linkType !== LINKTYPE_ETHERNET) throw new PcapError(`${file} holds link type ${linkType}, not Ethernet (1): NFs receive Ethernet frames`);
  const fractionNs = magic === MAGIC_NANOSECONDS ? 1n : 1000n;
  const frames: CapturedFrame[] = [];
  for (let at = GLOBAL_HEADER; at < bytes.length; ) {
    if (at + RECORD_HEADER > bytes.length) throw new PcapError(`${file}: frame ${frames.length + 1} is cut short (record header at byte ${at})`);
    const seconds = BigInt(view.getUint32(at, little));
    const fraction = BigInt(view.getUint32(at + 4, little));
    const captured = view.getUint32(at + 8, little);
    const start = at + RECORD_HEADER;
    if (start + captured > bytes.length) throw new PcapError(`${file}: frame ${frames.length + 1} claims ${captured} bytes but the file ends first`);
    frames.push({ time: seconds * 1_000_000_000n + fraction * fractionNs, frame: bytes.slice(start, start + captured) });
    at = start + captured;
  }
  return frames;
}
