// The I/O loop's contract with nf_process (stack-models/delivery.ts) checked at run time in a stack replay: what it hands nf_process, and what it sends.
import { DROP, FLOOD, type Manifest, PACKET_BASE } from '../../nf-abi/index.ts';
import type { Sent } from './stack-replay-rules.ts';

/** The loop broke its contract with nf_process: the run stops there, worded as the verifier words it. */
export class LoopBroken extends Error {
  constructor(what: string) {
    super(`the I/O loop ${what}`);
    this.name = 'LoopBroken';
  }
}

/** A frame the scripted device received in the poll: its descriptor's values and its bytes. */
export interface ReceivedFrame {
  device: number;
  index: number;
  buffer: number;
  length: number;
  stamp: bigint;
  error: boolean;
  bytes: Uint8Array;
}

interface Delivery {
  received: ReceivedFrame;
  output: number;
  /** The frame as nf_process left it (the model's). */
  frame: Uint8Array;
}

const frameOf = (r: ReceivedFrame) => `RX descriptor ${r.index} of device ${r.device}`;

/** The loop's calls of nf_process and its sends over one run, against delivery.ts's rules. */
export class DeliveryChecker {
  private readonly deliveries: Delivery[] = [];
  /** The clock the loop last read (now()), and the time it handed the last frame. */
  clock: bigint | null = null;
  lastTime: bigint | null = null;

  constructor(private readonly manifest: Manifest) {}

  /**
   * Checks a call of nf_process against the frames received; returns the frame it is. The verifier knows which
   * descriptor's LENGTH the length came from; a run knows only the value, so the frame is `taken` (the one the loop
   * last took from the driver, when the replay knows it) if its length is that, else a frame of that length from
   * that device not yet delivered.
   */
  call(received: readonly ReceivedFrame[], device: number, packet: number, length: number, time: bigint, memory: Uint8Array, taken: ReceivedFrame | null = null): ReceivedFrame {
    const { devices, frame } = this.manifest;
    if (packet !== PACKET_BASE) throw new LoopBroken(`called nf_process with the frame at ${packet}, not at ${PACKET_BASE}`);
    if (device < 0 || device >= devices) throw new LoopBroken(`called nf_process with a device beyond the NF's ${devices}`);
    if (length < frame.min || length > frame.max) throw new LoopBroken(`called nf_process with a length outside nf.json's frame bounds [${frame.min}, ${frame.max}]`);
    const candidates = received.filter((r) => r.length === length);
    const source = (taken?.length === length ? taken : null) ?? candidates.find((r) => r.device === device && !this.deliveries.some((d) => d.received === r)) ?? candidates.find((r) => r.device === device) ?? candidates[0];
    if (!source) throw new LoopBroken('called nf_process with a length that is no received frame\'s LENGTH');
    if (source.device !== device) throw new LoopBroken(`called nf_process with the frame of ${frameOf(source)} as if from another device`);
    const differs = firstDifference(memory.subarray(PACKET_BASE, PACKET_BASE + length), source.bytes);
    if (differs !== null) throw new LoopBroken(`called nf_process with byte ${differs} of the frame other than the device received (${frameOf(source)})`);
    if (this.deliveries.some((d) => d.received === source)) throw new LoopBroken(`called nf_process a second time with the frame of ${frameOf(source)}`);
    if (source.error) throw new LoopBroken('called nf_process with a frame the device marked with its ERROR bit');
    if (this.clock === null) throw new LoopBroken('called nf_process before reading the clock (now())');
    const capped = this.clock < source.stamp ? this.clock : source.stamp;
    const handed = this.lastTime !== null && capped < this.lastTime ? this.lastTime : capped;
    if (time !== handed) throw new LoopBroken('called nf_process with a time other than its stamp capped at the clock and raised to the previous frame\'s time');
    this.lastTime = time;
    return source;
  }

  /** nf_process returned `output` with `frame` (the model's) for `received`. */
  returned(received: ReceivedFrame, output: number, frame: Uint8Array): void {
    this.deliveries.push({ received, output, frame });
  }

  /** After the poll: every frame sent is one nf_process asked for, as it left it, on each device its result names, once. */
  checkSends(sent: readonly Sent[], memory: Uint8Array): void {
    const asks = (d: Delivery, e: number) => d.output === e || (d.output === FLOOD && d.received.device !== e);
    for (const send of sent) {
      const delivery = this.deliveries.find((d) => d.received.buffer === send.address);
      const what = `TX descriptor ${send.index} of device ${send.device}`;
      if (!delivery) throw new LoopBroken(`sent ${what} from 0x${send.address.toString(16)}, a frame no call of nf_process returned`);
      if (!asks(delivery, send.device)) throw new LoopBroken(`sent ${what}, the frame of ${frameOf(delivery.received)}, to a device nf_process's result does not name`);
      if (send.length !== delivery.received.length) throw new LoopBroken(`sent ${what} with a LENGTH other than the frame's`);
      const differs = firstDifference(memory.subarray(send.address, send.address + send.length), delivery.frame);
      if (differs !== null) throw new LoopBroken(`sent ${what} with byte ${differs} other than nf_process left it`);
    }
    for (const delivery of this.deliveries) {
      for (let e = 0; e < this.manifest.devices; e++) {
        const copies = sent.filter((s) => s.device === e && s.address === delivery.received.buffer).length;
        if (copies > 1) throw new LoopBroken(`sent the frame of ${frameOf(delivery.received)} ${copies} times on device ${e}`);
        if (copies === 0 && asks(delivery, e)) throw new LoopBroken(`did not send the frame of ${frameOf(delivery.received)} on device ${e}, which nf_process's result names (${DROP} is DROP, ${FLOOD} FLOOD)`);
      }
    }
  }
}

/** The first index below `actual`'s length where the two differ, or null. */
function firstDifference(actual: Uint8Array, expected: Uint8Array): number | null {
  for (let k = 0; k < actual.length; k++) if (actual[k] !== expected[k]) return k;
  return null;
}
