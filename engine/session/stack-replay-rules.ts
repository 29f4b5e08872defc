// The device protocol's rules (nf-abi/device.ts) checked at run time, on concrete registers and memory: what a stack replay's device enforces.
//
// stack-models/driver-rules.ts is the verifier's reading of the same rules over symbolic state; this one watches
// a real run (every register access, and every load and store of the device region while stack_poll runs). A
// broken rule stops the run with the rule and what the driver did, worded as the verifier words it, so that
// `brokenRuleOf` reads the rule and the register or descriptor from either.
import { bufferAt, descriptorAddress, device as D, deviceOwns, devicePart, deviceRegionEnd, finishedForDriver, ownedByDevice as owned, REGISTER_NAMES, type Ring, ringAt } from '../../nf-abi/index.ts';


export interface Registers {
  control: number;
  rx: Ring;
  tx: Ring;
}

/** A TX descriptor the driver handed to the device (by moving TX_TAIL over it). */
export interface Sent {
  device: number;
  index: number;
  address: number;
  length: number;
}

/** The run broke a rule: it stops there (a JavaScript exception unwinds the .wasm). */
export class RuleBroken extends Error {
  constructor(readonly rule: number, readonly what: string) {
    super(`rule ${rule} of the device protocol (nf-abi/device.ts): the driver ${what}`);
    this.name = 'RuleBroken';
  }
}

/**
 * The rule and the register or descriptor (or address) a device violation's words name first: the verifier's
 * (stack-models/driver-rules.ts) and this checker's are worded alike, so a replay compares the two.
 */
export function brokenRuleOf(message: string): { rule: number; place: string } | null {
  const rule = /^rule (\d+) of the device protocol/.exec(message);
  if (!rule) return null;
  const what = message.split(';')[0]!;
  const place = /(?:RX|TX) descriptor \d+ of device \d+|\b[A-Z][A-Z_]* of device \d+|register \d+ of device \d+|at 0x[0-9a-f]+/.exec(what);
  return { rule: Number(rule[1]), place: place?.[0] ?? what };
}

const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;

/** The rules over a run: the registers as the device holds them, and the memory they refer to. */
export class RuleChecker {
  readonly registers: Registers[];
  /** What the driver handed to TX rings since the last `takeSent`. */
  private sent: Sent[] = [];
  private readonly end: number;

  constructor(readonly devices: number, private readonly view: () => DataView) {
    const ring = (): Ring => ({ base: 0, size: 0, head: 0, tail: 0 });
    this.registers = Array.from({ length: devices }, () => ({ control: 0, rx: ring(), tx: ring() }));
    this.end = deviceRegionEnd(devices);
  }

  takeSent(): Sent[] {
    const sent = this.sent;
    this.sent = [];
    return sent;
  }

  /** Rule 1 for a read or write: the device and register exist. */
  registerInRange(device: number, register: number, verb: 'read' | 'write'): void {
    if (device < 0 || device >= this.devices) throw new RuleBroken(1, `${verb} of register ${register} of device ${device}; the NF has ${this.devices} device(s)`);
    if (register < 0 || register >= D.REGISTER_COUNT) throw new RuleBroken(1, `${verb} of register ${register} of device ${device}, which has registers 0..${D.REGISTER_COUNT - 1} (${REGISTER_NAMES.join(', ')})`);
  }

  /** Rules 1 to 3 for a register write, and 4, 6, 7, 8 for each descriptor a TAIL hands over. */
  write(d: number, register: number, value: number): void {
    this.registerInRange(d, register, 'write');
    const registers = this.registers[d]!;
    const name = `${REGISTER_NAMES[register]} of device ${d}`;
    if (register === D.REGISTER_RX_HEAD || register === D.REGISTER_TX_HEAD) throw new RuleBroken(1, `wrote ${hex(value)} to ${name}: only the device writes a HEAD`);
    if (register === D.REGISTER_CONTROL) {
      const reserved = value & D.CONTROL_RESERVED;
      if (reserved !== 0) throw new RuleBroken(1, `wrote ${hex(value)} to ${name}, setting reserved bits ${hex(reserved)} (only ${hex(~D.CONTROL_RESERVED)} may be set)`);
      for (const [bit, direction] of [[D.CONTROL_RX_ENABLE, 'rx'], [D.CONTROL_TX_ENABLE, 'tx']] as const) {
        const ring = registers[direction];
        const inside = ring.size > 0 && ring.base >= D.DEVICE_REGION_BASE && ring.base + ring.size * D.DESCRIPTOR_BYTES <= this.end;
        if ((value & bit) !== 0 && (registers.control & bit) === 0 && !inside) {
          throw new RuleBroken(2, `enabled ${direction.toUpperCase()} of device ${d} with its ring at ${hex(ring.base)}, ${ring.size} descriptors: not a ring inside the device region`);
        }
      }
      registers.control = value;
      return;
    }
    const direction = register <= D.REGISTER_RX_TAIL ? 'rx' : 'tx';
    const enable = direction === 'rx' ? D.CONTROL_RX_ENABLE : D.CONTROL_TX_ENABLE;
    const ring = registers[direction];
    if (register === D.REGISTER_RX_BASE || register === D.REGISTER_TX_BASE || register === D.REGISTER_RX_SIZE || register === D.REGISTER_TX_SIZE) {
      if ((registers.control & enable) !== 0) throw new RuleBroken(2, `wrote ${name} while ${direction.toUpperCase()} is enabled`);
      const isBase = register === D.REGISTER_RX_BASE || register === D.REGISTER_TX_BASE;
      if (isBase && value % D.DESCRIPTOR_BYTES !== 0) throw new RuleBroken(2, `wrote ${hex(value)} to ${name}: not ${D.DESCRIPTOR_BYTES}-byte aligned`);
      if (!isBase && (value < 2 || value > D.MAX_RING_SIZE || (value & (value - 1)) !== 0)) throw new RuleBroken(2, `wrote ${value} to ${name}: a size is a power of two in [2, ${D.MAX_RING_SIZE}]`);
      if (isBase) ring.base = value >>> 0;
      else ring.size = value;
      return;
    }
    if (ring.size === 0 || value < 0 || value >= ring.size) throw new RuleBroken(3, `wrote ${value} to ${name}, whose ring has ${ring.size} descriptors`);
    const before = owned(ring);
    const after = (value - ring.head + ring.size) % ring.size;
    if (after < before) {
      throw new RuleBroken(3, `moved ${name} from ${ring.tail} to ${value} with ${direction.toUpperCase()}_HEAD at ${ring.head}: past descriptors the device owns (it would own ${after}, it owned ${before})`);
    }
    for (let k = 0; k < after - before; k++) this.handOver(d, direction, ring, (ring.tail + k) % ring.size);
    ring.tail = value;
  }

  /** A descriptor handed to the device: STATUS cleared (rule 4), ADDRESS a buffer (6, 8), no buffer in flight (7). */
  private handOver(d: number, direction: 'rx' | 'tx', ring: Ring, i: number): void {
    const view = this.view();
    const descriptor = descriptorAddress(ring, i);
    const what = `${direction.toUpperCase()} descriptor ${i} of device ${d}`;
    if (view.getUint16(descriptor + D.DESCRIPTOR_STATUS, true) !== 0) throw new RuleBroken(direction === 'rx' ? 4 : 6, `handed ${what} to the device with its STATUS not cleared`);
    const address = view.getUint32(descriptor + D.DESCRIPTOR_ADDRESS, true);
    const buffer = bufferAt(this.devices, address);
    if (!buffer) throw new RuleBroken(direction === 'rx' ? 8 : 6, `handed ${what} to the device with ADDRESS ${hex(address)}, which is no buffer of the device region`);
    if (direction === 'rx') {
      if (address !== buffer.start) throw new RuleBroken(8, `handed ${what} with ADDRESS ${hex(address)}, inside a buffer rather than at its start`);
      this.registers.forEach((registers, e) => {
        for (let k = 0; k < owned(registers.tx); k++) {
          const j = (registers.tx.head + k) % registers.tx.size;
          const sent = view.getUint32(descriptorAddress(registers.tx, j) + D.DESCRIPTOR_ADDRESS, true);
          if (sent >= buffer.start && sent < buffer.start + D.BUFFER_BYTES) throw new RuleBroken(7, `handed ${what} back while TX descriptor ${j} of device ${e}, which the device still owns, sends from its buffer`);
        }
      });
      return;
    }
    const length = view.getUint16(descriptor + D.DESCRIPTOR_LENGTH, true);
    const room = buffer.start + D.BUFFER_BYTES - address;
    if (length > room) throw new RuleBroken(6, `handed ${what} to the device with a LENGTH past the end of its buffer (${room} bytes from ADDRESS ${hex(address)})`);
    this.sent.push({ device: d, index: i, address, length });
  }

  /** Rule 8 and the descriptor rules (4, 6) for a load or store of `bytes` at `address`. */
  access(address: number, bytes: number, write: boolean): void {
    if (address + bytes <= D.DEVICE_REGION_BASE || address >= this.end) return;
    const verb = write ? 'wrote' : 'read';
    const ring = ringAt(this.registers, address);
    if (ring) {
      const { d, direction, ring: r, i, field } = ring;
      const what = `${direction.toUpperCase()} descriptor ${i} of device ${d}`;
      if (field + bytes > D.DESCRIPTOR_BYTES) throw new RuleBroken(8, `${verb} ${bytes} bytes across the end of ${what}`);
      if (write && deviceOwns(r, i)) throw new RuleBroken(direction === 'rx' ? 4 : 6, `${verb} ${what} while the device owns it (${direction.toUpperCase()}_HEAD ${r.head}, ${direction.toUpperCase()}_TAIL ${r.tail})`);
      const payload = (field < D.DESCRIPTOR_STATUS && field + bytes > D.DESCRIPTOR_LENGTH) || field + bytes > D.DESCRIPTOR_STAMP;
      if (direction === 'rx' && !write && payload) {
        if (!finishedForDriver(r, i)) throw new RuleBroken(4, `read the LENGTH or STAMP of ${what} before the device finished it (RX_HEAD ${r.head}, RX_TAIL ${r.tail})`);
        if ((this.view().getUint16(descriptorAddress(r, i) + D.DESCRIPTOR_STATUS, true) & D.STATUS_DONE) === 0) throw new RuleBroken(4, `read the LENGTH or STAMP of ${what} before its DONE bit is set`);
      }
      return;
    }
    const e = Math.floor((address - D.DEVICE_REGION_BASE) / D.DEVICE_STRIDE);
    const offset = address - devicePart(e);
    const registers = this.registers[e]!;
    const inactive = registers.control === 0 && registers.rx.size === 0 && registers.tx.size === 0;
    if (inactive || (offset >= D.DRIVER_STATE_OFFSET && offset + bytes <= D.BUFFERS_OFFSET)) return;
    const buffer = bufferAt(this.devices, address);
    if (!buffer) throw new RuleBroken(8, `${verb} ${bytes} bytes at ${hex(address)} in device ${e}'s part of the region: no descriptor, buffer or driver state`);
    if (address + bytes > buffer.start + D.BUFFER_BYTES) throw new RuleBroken(5, `${verb} ${bytes} bytes at ${hex(address)}, across the end of a ${D.BUFFER_BYTES}-byte buffer (a length trusted beyond its buffer)`);
    const owner = this.rxOwner(buffer.start, e, buffer.index);
    if (owner && !finishedForDriver(owner.ring, owner.i)) {
      throw new RuleBroken(write ? 8 : 4, `${verb} the buffer of RX descriptor ${owner.i} of device ${owner.d}, which the device has not finished (RX_HEAD ${owner.ring.head}, RX_TAIL ${owner.ring.tail})`);
    }
  }

  /** Each device's registers, in the verifier's words (stack-models/driver-rules.ts: describeDevices). */
  describe(): string {
    return this.registers.map((r, d) => `device ${d}: CONTROL ${hex(r.control)}, ${(['rx', 'tx'] as const).map((x) => `${x.toUpperCase()}_HEAD ${r[x].head}, ${x.toUpperCase()}_TAIL ${r[x].tail}`).join(', ')}`).join('; ');
  }

  /** The RX descriptor whose ADDRESS is `start` (first the one the stack's layout pairs with it, then any). */
  private rxOwner(start: number, device: number, index: number): { d: number; ring: Ring; i: number } | null {
    const view = this.view();
    const points = (ring: Ring, i: number) => view.getUint32(descriptorAddress(ring, i) + D.DESCRIPTOR_ADDRESS, true) === start;
    const paired = this.registers[device]?.rx;
    if (paired && index < paired.size && points(paired, index)) return { d: device, ring: paired, i: index };
    for (const [d, registers] of this.registers.entries()) {
      for (let i = 0; i < registers.rx.size; i++) if (points(registers.rx, i)) return { d, ring: registers.rx, i };
    }
    return null;
  }
}
