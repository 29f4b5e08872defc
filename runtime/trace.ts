// A packet trace: every frame with its input device and time, laid out exactly as the hot loops consume it, so
// that the WebAssembly driver, the device emulation, the native C harness and the TypeScript baseline read the
// same bytes (the layout: record-layout.ts).
import { FLOOD, LIBVIG_REGION_END } from '../nf-abi/index.ts';
import { FIELD_DEVICE, FIELD_FLAGS, FIELD_LATENCY, FIELD_LENGTH, FIELD_TIME, FLAG_PROBE, RECORD_HEADER } from './record-layout.ts';

export { FIELD_DEVICE, FIELD_FLAGS, FIELD_LATENCY, FIELD_LENGTH, FIELD_TIME, FLAG_PROBE, RECORD_HEADER } from './record-layout.ts';

export const recordSize = (frameLength: number): number => RECORD_HEADER + ((frameLength + 7) & ~7);

/** Traffic the run-time cannot run: its options, a capture's frames, a trace too large (`vigor bench` exits 2). */
export class TrafficError extends Error {}

/**
 * The most bytes a trace's records may take, a multiple of a record's alignment. The native harness is handed
 * them in one writeFileSync (native-baseline.ts), which Node refuses above 2^31 - 1 bytes; the stacked NF holds
 * them in its memory, at most 4 GiB, after libVig's region. The write binds.
 */
export const MAX_TRACE_BYTES = Math.floor(Math.min(2 ** 31 - 1, 2 ** 32 - LIBVIG_REGION_END) / 8) * 8;
export const TRACE_LIMIT = `${MAX_TRACE_BYTES} bytes of records: the native baseline gets them in one write, which Node caps at 2 GiB`;

/** How many packets whose frames have at most `frameLength` bytes a trace holds. */
export const tracePackets = (frameLength: number): number => Math.floor(MAX_TRACE_BYTES / recordSize(frameLength));

/**
 * Packets [0, untimed) fill the NF's tables and warm up the code (never timed); [untimed, count) are measured.
 */
export class PacketTrace {
  constructor(
    /** All records, back to back. */
    readonly records: Uint8Array,
    /** Byte offset of each packet's record, plus one final entry: the end of the last record. */
    readonly offsets: Uint32Array,
    readonly untimed: number,
  ) {}

  get count(): number {
    return this.offsets.length - 1;
  }

  /** The same packets with the first `untimed` untimed (0: every packet is measured and compared). */
  withUntimed(untimed: number): PacketTrace {
    if (untimed > this.count) throw new RangeError(`a trace of ${this.count} packets cannot have ${untimed} untimed ones`);
    return new PacketTrace(this.records, this.offsets, untimed);
  }

  get measured(): number {
    return this.count - this.untimed;
  }

  private get view(): DataView {
    return new DataView(this.records.buffer, this.records.byteOffset, this.records.byteLength);
  }

  device(packet: number): number {
    return this.view.getInt32(this.offsets[packet]! + FIELD_DEVICE, true);
  }

  time(packet: number): bigint {
    return this.view.getBigInt64(this.offsets[packet]! + FIELD_TIME, true);
  }

  isProbe(packet: number): boolean {
    return (this.view.getUint16(this.offsets[packet]! + FIELD_FLAGS, true) & FLAG_PROBE) !== 0;
  }

  frame(packet: number): Uint8Array {
    const at = this.offsets[packet]!;
    return this.records.subarray(at + RECORD_HEADER, at + RECORD_HEADER + this.view.getUint16(at + FIELD_LENGTH, true));
  }

  /** The number of probes among the measured packets. */
  measuredProbes(): number {
    let probes = 0;
    for (let packet = this.untimed; packet < this.count; packet++) if (this.isProbe(packet)) probes++;
    return probes;
  }

}

/** Appends packets to a trace, growing its buffer as needed, up to MAX_TRACE_BYTES. */
export class TraceBuilder {
  private records = new Uint8Array(1 << 16);
  private offsets = new Uint32Array(1 << 10);
  private count = 0;

  /** Adds a packet and returns its frame's bytes (zeroed) for the caller to fill. */
  add(device: number, time: bigint, length: number, probe: boolean): Uint8Array {
    const at = this.offsets[this.count]!;
    const end = at + recordSize(length);
    // Generated traffic is checked before it is made (traffic.ts requirePacketCounts); a capture's frames only here.
    if (end > MAX_TRACE_BYTES) throw new TrafficError(`packet ${this.count + 1} (a frame of ${length} bytes) does not fit in a trace, which holds ${TRACE_LIMIT}: run at most ${this.count} packets of these frames`);
    if (end > this.records.length) this.records = grow(this.records, end, MAX_TRACE_BYTES);
    if (this.count + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.count + 2);
    const view = new DataView(this.records.buffer, at, RECORD_HEADER);
    view.setInt32(FIELD_DEVICE, device, true);
    view.setUint16(FIELD_LENGTH, length, true);
    view.setUint16(FIELD_FLAGS, probe ? FLAG_PROBE : 0, true);
    view.setBigInt64(FIELD_TIME, time, true);
    this.offsets[++this.count] = end;
    return this.records.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length);
  }

  /** The trace; its first `untimed` packets fill tables and warm up, the rest are measured. */
  finish(untimed: number): PacketTrace {
    return new PacketTrace(this.records.slice(0, this.offsets[this.count]), this.offsets.slice(0, this.count + 1), 0).withUntimed(untimed);
  }
}

function grow<T extends Uint8Array | Uint32Array>(array: T, atLeast: number, most = Infinity): T {
  const bigger = new (array.constructor as new (length: number) => T)(Math.min(most, Math.max(atLeast, array.length * 2)));
  bigger.set(array);
  return bigger;
}

/** What a run did to the measured packets: a copy of their records after processing. */
export class ProcessedPackets {
  constructor(private readonly trace: PacketTrace, readonly records: Uint8Array) {}

  private at(packet: number): number {
    return this.trace.offsets[this.trace.untimed + packet]! - this.trace.offsets[this.trace.untimed]!;
  }

  get count(): number {
    return this.trace.measured;
  }

  /** nf_process's result for measured packet `packet` (0 = the first measured one). */
  output(packet: number): number {
    return new DataView(this.records.buffer, this.records.byteOffset).getInt32(this.at(packet) + FIELD_DEVICE, true);
  }

  frame(packet: number): Uint8Array {
    const at = this.at(packet) + RECORD_HEADER;
    return this.records.subarray(at, at + this.trace.frame(this.trace.untimed + packet).length);
  }

  /** Latencies of the timed (probe) packets, in packet order, in ns. */
  latencies(): Float64Array {
    const view = new DataView(this.records.buffer, this.records.byteOffset);
    const found: number[] = [];
    for (let packet = 0; packet < this.count; packet++) {
      if (this.trace.isProbe(this.trace.untimed + packet)) found.push(view.getFloat64(this.at(packet) + FIELD_LATENCY, true));
    }
    return Float64Array.from(found);
  }

  /** The devices measured packet `packet` went out on, as bits, for an NF with `devices` devices (sentOn). */
  sentOn(packet: number, devices: number): number {
    return sentOn(this.output(packet), this.trace.device(this.trace.untimed + packet), devices);
  }

  /**
   * The first measured packet on which two runs differ, or -1 when they agree: in the devices it went out on
   * (sentOn: a FLOOD is the same as sending to each other device) or, when it went out, in its bytes. A dropped
   * frame's bytes are seen by nobody, and a run through the stack does not keep them.
   */
  firstDifference(other: ProcessedPackets, devices: number): number {
    for (let packet = 0; packet < this.count; packet++) {
      const sent = this.sentOn(packet, devices);
      if (sent !== other.sentOn(packet, devices)) return packet;
      if (sent === 0) continue;
      const mine = this.frame(packet);
      const theirs = other.frame(packet);
      if (mine.length !== theirs.length || mine.some((byte, at) => byte !== theirs[at])) return packet;
    }
    return -1;
  }
}

/**
 * What leaves an NF with `devices` devices for nf_process's `result` on a frame from `input`, as a bit per
 * device: nothing for DROP (or a result that is no device, which the stack drops), every other device for FLOOD.
 */
export function sentOn(result: number, input: number, devices: number): number {
  if (result === FLOOD) return (2 ** devices - 1) & ~(1 << input);
  return result >= 0 && result < devices ? 1 << result : 0;
}
