// The driver's contract (stack-models/driver-contract.ts) at run time in an `nf,io` replay: the driver's entry points answer from the model and check the loop's calls of them.
//
// Value for value as the contract made them on the counterexample's path: whether a device has a next frame
// (`device<d>.rx_next#<n>`), then the frame (stack-models/device-state.ts: fillReceived's LENGTH, STAMP, ERROR bit
// and bytes, numbered by the next count), written into the RX descriptor and buffer where the stack keeps them. A
// call that breaks the contract stops the run with the verifier's words for it, so that a replay can compare.
import { device as D, type Manifest, PACKET_BASE, rxBufferAt, rxDescriptorAt } from '../../nf-abi/index.ts';
import type { DriverEntry } from '../../toolchain/build.ts';
import { LoopBroken, type ReceivedFrame } from './stack-replay-delivery.ts';
import { modelNames } from '../../stack-models/model-names.ts';
import type { Sent } from './stack-replay-rules.ts';

/** What the replay's model answers: fresh values by name, numbered as the path numbered them. */
export interface ModelValues {
  /** The number the next fresh value has on the path; counts it. */
  nextNumber(): number;
  scalar(name: string): bigint;
  arrayByte(name: string, index: number): number;
}

/** One device as the loop has used it this poll (driver-contract.ts: DeviceCalls). */
interface DeviceCalls {
  reclaimed: boolean;
  read: boolean;
  offered: ReceivedFrame | null;
  drained: boolean;
  next: number;
  flushed: number | null;
  refilled: boolean;
}

const broken = (what: string): never => {
  throw new LoopBroken(`${what} (the driver's contract)`);
};

/** The driver's entry points for one poll, on `memory`, the frames it gives added to `received`. */
export class DriverReplay {
  readonly sent: Sent[] = [];
  private readonly devices: DeviceCalls[];
  private frames = 0;
  private lastTaken: ReceivedFrame | null = null;

  constructor(
    private readonly manifest: Manifest,
    private readonly framesPerPoll: number,
    private readonly values: ModelValues,
    private readonly memory: () => Uint8Array,
    private readonly received: ReceivedFrame[],
  ) {
    this.devices = Array.from({ length: manifest.devices }, () => ({ reclaimed: false, read: false, offered: null, drained: false, next: 0, flushed: null, refilled: false }));
  }

  /** The frame the loop took last (consumeReceived): the one it may copy, hand nf_process and send. */
  get taken(): ReceivedFrame | null {
    return this.lastTaken;
  }

  /** The imports that stand for the driver's entry points, by entry. */
  entries(): Record<DriverEntry, (...args: never[]) => number | void> {
    return {
      reclaimSent: (d: number) => void (this.own(d, 'reclaimSent').reclaimed = true),
      readReceived: (d: number) => void (this.own(d, 'readReceived').read = true),
      nextReceived: (d: number) => this.nextReceived(d),
      consumeReceived: (d: number) => this.consumeReceived(d),
      copyBlocks: (to: number, from: number, length: number) => this.copyBlocks(to >>> 0, from >>> 0, length),
      send: (to: number, from: number, index: number, length: number) => this.send(to, from, index, length),
      flushSent: (d: number) => void (this.own(d, 'flushSent').flushed = this.sent.filter((s) => s.device === d).length),
      refill: (d: number) => void (this.own(d, 'refill').refilled = true),
    };
  }

  /** After the poll (driver-contract.ts: checkDriverCalls): every device read, drained, flushed and refilled. */
  checkEnd(): void {
    this.devices.forEach((own, d) => {
      if (!own.reclaimed || !own.read) broken(`ended the poll without reclaiming device ${d}'s sent frames and reading how far it received (reclaimSent, readReceived)`);
      if (own.offered) broken(`ended the poll with device ${d}'s frame given by the driver and not taken`);
      if (!own.drained) broken(`ended the poll without asking device ${d} for its frames until it had none`);
      if (own.flushed !== this.sent.filter((s) => s.device === d).length) broken(`ended the poll without handing device ${d} the frames queued on it (flushSent)`);
      if (!own.refilled) broken(`ended the poll without handing device ${d} back its delivered RX descriptors (refill)`);
    });
  }

  private own(d: number, call: string): DeviceCalls {
    return this.devices[d] ?? broken(`called the driver's ${call} for device ${d}, but the NF has ${this.manifest.devices}`);
  }

  private nextReceived(d: number): number {
    const own = this.own(d, 'nextReceived');
    if (!own.read) broken(`asked for device ${d}'s next frame before reading how far it received (readReceived)`);
    if (own.offered) return rxDescriptorAt(d, own.offered.index);
    if (own.drained || this.frames >= this.framesPerPoll || this.values.scalar(modelNames.rxNext(d, this.values.nextNumber())) === 0n) {
      own.drained = true;
      return 0;
    }
    const frame = this.fill(d, own.next);
    own.offered = frame;
    own.next = (own.next + 1) % D.STACK_RING_SIZE;
    this.frames++;
    return rxDescriptorAt(d, frame.index);
  }

  /** RX descriptor `i` of device `d` and its buffer as the model has them (device-state.ts: fillReceived). */
  private fill(d: number, i: number): ReceivedFrame {
    const number = this.values.nextNumber();
    const length = Number(this.values.scalar(modelNames.received(d, i, 'length', number)) & 0xffffn);
    const error = this.values.scalar(modelNames.received(d, i, 'error', number)) !== 0n;
    const stamp = BigInt.asIntN(64, this.values.scalar(modelNames.received(d, i, 'stamp', number)));
    const bytes = Uint8Array.from({ length: D.BUFFER_BYTES }, (_, k) => this.values.arrayByte(modelNames.received(d, i, 'frame', number), k));
    const at = rxDescriptorAt(d, i);
    const view = new DataView(this.memory().buffer);
    view.setUint16(at + D.DESCRIPTOR_LENGTH, length, true);
    view.setUint16(at + D.DESCRIPTOR_STATUS, ((error ? 1 : 0) << 1) | D.STATUS_DONE, true);
    view.setBigInt64(at + D.DESCRIPTOR_STAMP, stamp, true);
    const buffer = rxBufferAt(d, i);
    this.memory().set(bytes, buffer);
    const frame: ReceivedFrame = { device: d, index: i, buffer, length, stamp, error, bytes };
    this.received.push(frame);
    return frame;
  }

  private consumeReceived(d: number): void {
    const frame = this.own(d, 'consumeReceived').offered ?? broken(`took a frame of device ${d} (consumeReceived) the driver had not given`);
    this.devices.forEach((other, e) => {
      if (e === d) return;
      if (!other.offered && !other.drained) broken(`took device ${d}'s frame without asking device ${e} for its next one`);
      if (other.offered && !(e < d ? frame.stamp < other.offered.stamp : frame.stamp <= other.offered.stamp)) {
        broken(`took device ${d}'s frame before device ${e}'s, stamped ${e < d ? 'no later' : 'earlier'}`);
      }
    });
    this.devices[d]!.offered = null;
    this.lastTaken = frame;
  }

  private copyBlocks(to: number, from: number, length: number): void {
    const untaken = this.devices.find((own) => own.offered?.buffer === from)?.offered;
    if (untaken) broken(`copied the frame of RX descriptor ${untaken.index} of device ${untaken.device} without taking it from the driver (consumeReceived): the driver gives it again`);
    const frame = this.takenFrame('copied');
    if (!(to === PACKET_BASE && from === frame.buffer) && !(to === frame.buffer && from === PACKET_BASE)) {
      broken(`copied 0x${from.toString(16)} to 0x${to.toString(16)}: neither the frame of device ${frame.device} to the packet area nor back`);
    }
    this.sameLength(length, frame, 'copied');
    // Whole 64-byte blocks, as the driver copies.
    const bytes = Math.min(Math.ceil(this.manifest.frame.max / 64) * 64, D.BUFFER_BYTES);
    const memory = this.memory();
    memory.copyWithin(to, from, from + bytes);
  }

  private send(to: number, from: number, index: number, length: number): void {
    const frame = this.takenFrame('sent');
    if (to < 0 || to >= this.manifest.devices) broken(`asked the driver to send the frame of device ${frame.device} on device ${to}, but the NF has ${this.manifest.devices}`);
    if (from !== frame.device || index !== frame.index) broken(`asked the driver to send buffer ${index} of device ${from}, not the frame of device ${frame.device} it is delivering`);
    if (this.devices[to]!.flushed !== null) broken(`asked the driver to send on device ${to} after handing that device its frames (flushSent)`);
    this.sameLength(length, frame, 'sent');
    this.sent.push({ device: to, index: this.sent.filter((s) => s.device === to).length, address: frame.buffer, length });
  }

  private takenFrame(verb: string): ReceivedFrame {
    return this.lastTaken ?? broken(`${verb} a frame before taking one from the driver (consumeReceived)`);
  }

  private sameLength(length: number, frame: ReceivedFrame, verb: string): void {
    if (length !== frame.length) broken(`${verb} the frame of device ${frame.device} with a length other than its LENGTH`);
  }
}
