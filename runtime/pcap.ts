// Classic libpcap files (the format tcpdump -w writes and Wireshark opens): a 24-byte global header, then per
// frame a 16-byte record header and the captured bytes. We write nanosecond time stamps (magic 0xa1b23c4d,
// which tcpdump and Wireshark read) and read both resolutions in either byte order. Errors number frames from 1,
// as Wireshark does. A frame the capture cut short (a snaplen below its size) is refused: replayed, it would be a
// shorter frame than the one seen on the wire.
import { readFileSync, writeFileSync } from 'node:fs';

const MAGIC_MICROSECONDS = 0xa1b2c3d4;
const MAGIC_NANOSECONDS = 0xa1b23c4d;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;
/**
 * The link-type field's upper bits, as libpcap (pcap/pcap.h LT_FCS_*) and Wireshark read them: bit 26 says every
 * frame ends with an FCS of as many 16-bit words as bits 28-31 say; bits 16-25 are reserved, zero.
 */
const LINKTYPE_FCS_PRESENT = 0x04000000;
const LINKTYPE_RESERVED = 0x03ff0000;
const fcsWords = (field: number): number => field >>> 28;

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
  const major = view.getUint16(4, little);
  const minor = view.getUint16(6, little);
  if (major !== 2 || minor !== 4) throw new PcapError(`${file} is pcap version ${major}.${minor}; only 2.4, what libpcap, tcpdump and Wireshark write, is read`);
  const snaplen = view.getUint32(16, little);
  const linkField = view.getUint32(20, little);
  const linkType = linkField & 0xffff;
  if (linkType !== LINKTYPE_ETHERNET) throw new PcapError(`${file} holds link type ${linkType}, not Ethernet (1): NFs receive Ethernet frames`);
  const hasFcs = (linkField & LINKTYPE_FCS_PRESENT) !== 0;
  if ((linkField & LINKTYPE_RESERVED) !== 0 || (!hasFcs && fcsWords(linkField) !== 0)) {
    throw new PcapError(`${file}: the link-type field 0x${linkField.toString(16).padStart(8, '0')} sets reserved bits, or an FCS length without the bit saying frames carry one: the header is damaged`);
  }
  // NFs receive frames without their FCS (as NICs hand them over): a capture that kept it loses it here.
  const fcs = hasFcs ? fcsWords(linkField) * 2 : 0;
  const fractionNs = magic === MAGIC_NANOSECONDS ? 1n : 1000n;
  const fractions = magic === MAGIC_NANOSECONDS ? 1_000_000_000 : 1_000_000;
  const frames: CapturedFrame[] = [];
  for (let at = GLOBAL_HEADER; at < bytes.length; ) {
    const number = frames.length + 1;
    if (at + RECORD_HEADER > bytes.length) throw new PcapError(`${file}: frame ${number} is cut short (record header at byte ${at})`);
    const seconds = BigInt(view.getUint32(at, little));
    const fraction = view.getUint32(at + 4, little);
    const captured = view.getUint32(at + 8, little);
    const onWire = view.getUint32(at + 12, little);
    if (fraction >= fractions) {
      throw new PcapError(`${file}: frame ${number}'s time stamp has ${fraction} ${fractionNs === 1n ? 'ns' : 'µs'} past the second, which must be below ${fractions}: the record header is damaged`);
    }
    if (captured > onWire) throw new PcapError(`${file}: frame ${number} holds ${captured} bytes of a frame of ${onWire} on the wire: the record header is damaged`);
    if (snaplen > 0 && captured > snaplen) throw new PcapError(`${file}: frame ${number} holds ${captured} bytes, more than the file's snaplen of ${snaplen}: the record header is damaged`);
    const start = at + RECORD_HEADER;
    if (start + captured > bytes.length) throw new PcapError(`${file}: frame ${number} claims ${captured} bytes but the file ends first`);
    if (captured < onWire) {
      throw new PcapError(`${file}: frame ${number} was captured cut to ${captured} of its ${onWire} bytes; capture with a snaplen that keeps whole frames (tcpdump -s 0, its default)`);
    }
    if (captured < fcs) throw new PcapError(`${file}: frame ${number} has ${captured} bytes, fewer than the ${fcs}-byte FCS the header says every frame ends with`);
    frames.push({ time: seconds * 1_000_000_000n + BigInt(fraction) * fractionNs, frame: bytes.slice(start, start + captured - fcs) });
    at = start + captured;
  }
  return frames;
}
