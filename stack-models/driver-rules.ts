// The checks on what the driver does to a device (nf-abi/device.ts's rules, numbered as there): register writes,
// and every access of the device region. A broken rule is a `device` violation worded in device terms: the rule,
// what the driver did, and the registers and descriptors of the path's counterexample.
import { bufferAt, device as D, deviceRegionEnd, REGISTER_NAMES, ringAt } from '../nf-abi/index.ts';
import * as T from '../engine/solver/term.ts';
import type { Assignment, Term } from '../engine/solver/term.ts';
import type { MemoryWatch, Oracle } from '../engine/symbex/interpreter.ts';
import type { ExecutionState } from '../engine/symbex/state.ts';
import { deviceState, type DeviceModelState, descriptorAddress, deviceOwns, devicePart, finishedForDriver, readWord, type Ring, type Sent, setDeviceState, withDevice } from './device-state.ts';

/** What the rules need: the state and oracle of the path (a contract's context, or a memory access's). */
interface At {
  state: ExecutionState;
  oracle: Oracle;
}

export interface DriverRules {
  devices: number;
  /** Rule 1 for a read or write: the device and register exist. */
  registerInRange(at: At, device: number, register: number, verb: 'read' | 'write'): void;
}

export function driverRules(devices: number): DriverRules {
  return {
    devices,
    registerInRange: (at, device, register, verb) => {
      if (device >= devices) broken(at, devices, 1, `${verb} of register ${register} of device ${device}; the NF has ${devices} device(s)`);
      if (register >= D.REGISTER_COUNT) broken(at, devices, 1, `${verb} of register ${register} of device ${device}, which has registers 0..${D.REGISTER_COUNT - 1} (${REGISTER_NAMES.join(', ')})`);
    },
  };
}

export function checkRegisterWrite(at: At, rules: DriverRules, d: number, register: number, value: number): void {
  const { devices } = rules;
  rules.registerInRange(at, d, register, 'write');
  const model = deviceState(at.state, devices);
  const registers = model.devices[d]!;
  const name = `${REGISTER_NAMES[register]} of device ${d}`;
  const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;
  if (register === D.REGISTER_RX_HEAD || register === D.REGISTER_TX_HEAD) broken(at, devices, 1, `wrote ${hex(value)} to ${name}: only the device writes a HEAD`);
  if (register === D.REGISTER_CONTROL) {
    const reserved = value & D.CONTROL_RESERVED;
    if (reserved !== 0) broken(at, devices, 1, `wrote ${hex(value)} to ${name}, setting reserved bits ${hex(reserved)} (only ${hex(~D.CONTROL_RESERVED)} may be set)`);
    for (const [bit, direction] of [[D.CONTROL_RX_ENABLE, 'rx'], [D.CONTROL_TX_ENABLE, 'tx']] as const) {
      const ring = registers[direction];
      const inside = ring.size > 0 && ring.base >= D.DEVICE_REGION_BASE && ring.base + ring.size * D.DESCRIPTOR_BYTES <= deviceRegionEnd(devices);
      if ((value & bit) !== 0 && (registers.control & bit) === 0 && !inside) {
        broken(at, devices, 2, `enabled ${direction.toUpperCase()} of device ${d} with its ring at ${hex(ring.base)}, ${ring.size} descriptors: not a ring inside the device region`);
      }
    }
    return update(at.state, model, d, (r) => ({ ...r, control: value }));
  }
  const direction = register <= D.REGISTER_RX_TAIL ? 'rx' : 'tx';
  const enable = direction === 'rx' ? D.CONTROL_RX_ENABLE : D.CONTROL_TX_ENABLE;
  const ring = registers[direction];
  if (register === D.REGISTER_RX_BASE || register === D.REGISTER_TX_BASE || register === D.REGISTER_RX_SIZE || register === D.REGISTER_TX_SIZE) {
    if ((registers.control & enable) !== 0) broken(at, devices, 2, `wrote ${name} while ${direction.toUpperCase()} is enabled`);
    const isBase = register === D.REGISTER_RX_BASE || register === D.REGISTER_TX_BASE;
    if (isBase && value % D.DESCRIPTOR_BYTES !== 0) broken(at, devices, 2, `wrote ${hex(value)} to ${name}: not ${D.DESCRIPTOR_BYTES}-byte aligned`);
    if (!isBase && (value < 2 || value > D.MAX_RING_SIZE || (value & (value - 1)) !== 0)) broken(at, devices, 2, `wrote ${value} to ${name}: a size is a power of two in [2, ${D.MAX_RING_SIZE}]`);
    return update(at.state, model, d, (r) => ({ ...r, [direction]: { ...ring, ...(isBase ? { base: value } : { size: value }) } }));
  }
  // A TAIL (rule 3): forward, over descriptors the driver owns.
  if (ring.size === 0 || value >= ring.size) broken(at, devices, 3, `wrote ${value} to ${name}, whose ring has ${ring.size} descriptors`);
  const before = (ring.tail - ring.head + ring.size) % ring.size;
  const after = (value - ring.head + ring.size) % ring.size;
  if (after < before) {
    broken(at, devices, 3, `moved ${name} from ${ring.tail} to ${value} with ${direction.toUpperCase()}_HEAD at ${ring.head}: ` +
      `past descriptors the device owns (it would own ${after}, it owned ${before})`);
  }
  const sent = Array.from({ length: after - before }, (_, k) => handOver(at, devices, d, direction, ring, (ring.tail + k) % ring.size));
  const moved = withDevice(model, d, (r) => ({ ...r, [direction]: { ...ring, tail: value } }));
  setDeviceState(at.state, { ...moved, sent: [...moved.sent, ...sent.filter((s): s is Sent => s !== null)] });
}

/**
 * A descriptor the driver hands to the device: STATUS cleared (rule 4), ADDRESS a buffer (6, 8), no buffer in
 * flight (7). A TX descriptor comes back as what it sends.
 */
function handOver(at: At, devices: number, d: number, direction: 'rx' | 'tx', ring: Ring, i: number): Sent | null {
  const descriptor = descriptorAddress(ring, i);
  const what = `${direction.toUpperCase()} descriptor ${i} of device ${d}`;
  const status = readWord(at.state, descriptor + D.DESCRIPTOR_STATUS, 2);
  must(at, devices, eqTerm(status, 0n, 16), direction === 'rx' ? 4 : 6, `handed ${what} to the device with its STATUS not cleared`);
  const address = readWord(at.state, descriptor + D.DESCRIPTOR_ADDRESS, 4);
  if (typeof address !== 'bigint') return broken(at, devices, 8, `handed ${what} to the device with an ADDRESS that depends on the input`);
  const buffer = bufferAt(devices, Number(address));
  if (!buffer) broken(at, devices, direction === 'rx' ? 8 : 6, `handed ${what} to the device with ADDRESS 0x${address.toString(16)}, which is no buffer of the device region`);
  if (direction === 'rx') {
    if (Number(address) !== buffer.start) broken(at, devices, 8, `handed ${what} with ADDRESS 0x${address.toString(16)}, inside a buffer rather than at its start`);
    const model = deviceState(at.state, devices);
    model.devices.forEach((registers, e) => {
      for (let k = 0; k < (registers.tx.size === 0 ? 0 : (registers.tx.tail - registers.tx.head + registers.tx.size) % registers.tx.size); k++) {
        const j = (registers.tx.head + k) % registers.tx.size;
        const sent = readWord(at.state, descriptorAddress(registers.tx, j) + D.DESCRIPTOR_ADDRESS, 4);
        if (typeof sent === 'bigint' && Number(sent) >= buffer.start && Number(sent) < buffer.start + D.BUFFER_BYTES) {
          broken(at, devices, 7, `handed ${what} back while TX descriptor ${j} of device ${e}, which the device still owns, sends from its buffer`);
        }
      }
    });
    return null;
  }
  const length = readWord(at.state, descriptor + D.DESCRIPTOR_LENGTH, 2);
  const room = BigInt(buffer.start + D.BUFFER_BYTES - Number(address));
  must(at, devices, typeof length === 'bigint' ? length <= room : T.compare('ule', length, T.bv(room, 16)), 6,
    `handed ${what} to the device with a LENGTH past the end of its buffer (${room} bytes from ADDRESS 0x${address.toString(16)})`);
  return { device: d, index: i, address: Number(address), length };
}

/** Rule 8 and the descriptor rules (4, 6) for every access of the device region. */
export function memoryWatch(devices: number): MemoryWatch {
  const end = deviceRegionEnd(devices);
  return (state, oracle, { low, high, bytes, write }) => {
    if (high + bytes <= D.DEVICE_REGION_BASE || low >= end) return;
    const at = { state, oracle };
    const verb = write ? 'wrote' : 'read';
    if (low !== high) broken(at, devices, 8, `${verb} ${bytes} bytes of the device region at an address computed from the input (0x${low.toString(16)}..0x${high.toString(16)})`);
    const model = deviceState(state, devices);
    const ring = ringAt(model.devices, low);
    if (ring) {
      const { d, direction, ring: r, i, field } = ring;
      const what = `${direction.toUpperCase()} descriptor ${i} of device ${d}`;
      if (field + bytes > D.DESCRIPTOR_BYTES) broken(at, devices, 8, `${verb} ${bytes} bytes across the end of ${what}`);
      if (write && deviceOwns(r, i)) broken(at, devices, direction === 'rx' ? 4 : 6, `${verb} ${what} while the device owns it (${direction.toUpperCase()}_HEAD ${r.head}, ${direction.toUpperCase()}_TAIL ${r.tail})`);
      const payload = field < D.DESCRIPTOR_STATUS && field + bytes > D.DESCRIPTOR_LENGTH || field + bytes > D.DESCRIPTOR_STAMP;
      if (direction === 'rx' && !write && payload) {
        if (!finishedForDriver(r, i)) broken(at, devices, 4, `read the LENGTH or STAMP of ${what} before the device finished it (RX_HEAD ${r.head}, RX_TAIL ${r.tail})`);
        const status = readWord(state, descriptorAddress(r, i) + D.DESCRIPTOR_STATUS, 2);
        must(at, devices, bitSet(status, D.STATUS_DONE), 4, `read the LENGTH or STAMP of ${what} before its DONE bit is set`);
      }
      return;
    }
    const e = Math.floor((low - D.DEVICE_REGION_BASE) / D.DEVICE_STRIDE);
    const offset = low - devicePart(e);
    const inactive = model.devices[e]!.control === 0 && model.devices[e]!.rx.size === 0 && model.devices[e]!.tx.size === 0;
    if (inactive || (offset >= D.DRIVER_STATE_OFFSET && offset + bytes <= D.BUFFERS_OFFSET)) return;
    const buffer = bufferAt(devices, low);
    if (!buffer) return broken(at, devices, 8, `${verb} ${bytes} bytes at 0x${low.toString(16)} in device ${e}'s part of the region: no descriptor, buffer or driver state`);
    if (low + bytes > buffer.start + D.BUFFER_BYTES) broken(at, devices, 5, `${verb} ${bytes} bytes at 0x${low.toString(16)}, across the end of a ${D.BUFFER_BYTES}-byte buffer (a length trusted beyond its buffer)`);
    const owner = rxOwner(state, model, buffer.start, e, buffer.index);
    if (owner && !finishedForDriver(owner.ring, owner.i)) {
      broken(at, devices, write ? 8 : 4, `${verb} the buffer of RX descriptor ${owner.i} of device ${owner.d}, which the device has not finished (RX_HEAD ${owner.ring.head}, RX_TAIL ${owner.ring.tail})`);
    }
  };
}

/** The RX descriptor whose ADDRESS is `start` (first the one the stack's layout pairs with it, then any). */
function rxOwner(state: ExecutionState, model: DeviceModelState, start: number, device: number, index: number): { d: number; ring: Ring; i: number } | null {
  const points = (ring: Ring, i: number) => readWord(state, descriptorAddress(ring, i) + D.DESCRIPTOR_ADDRESS, 4) === BigInt(start);
  const paired = model.devices[device]?.rx;
  if (paired && index < paired.size && points(paired, index)) return { d: device, ring: paired, i: index };
  for (const [d, registers] of model.devices.entries()) {
    for (let i = 0; i < registers.rx.size; i++) if (points(registers.rx, i)) return { d, ring: registers.rx, i };
  }
  return null;
}

const eqTerm = (value: bigint | Term, expected: bigint, width: number): boolean | Term => (typeof value === 'bigint' ? value === expected : T.eq(value, T.bv(expected, width)));
const bitSet = (value: bigint | Term, bit: number): boolean | Term =>
  typeof value === 'bigint' ? (value & BigInt(bit)) !== 0n : T.not(T.eq(T.binary('and', value, T.bv(bit, value.width)), T.bv(0, value.width)));

/**
 * `condition` must hold; where it can fail, that side is a violation (worded with its model's values) and the
 * path goes on where it holds. No fork: a contract or an access may check many conditions.
 */
function must(at: At, devices: number, condition: boolean | Term, rule: number, message: string): void {
  if (condition === true || condition === T.TRUE) return;
  if (condition === false || condition === T.FALSE) return broken(at, devices, rule, message);
  at.oracle.require(at.state, condition, 'device', (witness) => words(at.state, devices, rule, message, witness));
}

function update(state: ExecutionState, model: DeviceModelState, d: number, change: Parameters<typeof withDevice>[2]): void {
  setDeviceState(state, withDevice(model, d, change));
}

/** A `device` violation: the rule, what the driver did, and the devices as the counterexample has them. */
function broken(at: At, devices: number, rule: number, message: string): never {
  return at.oracle.fail(at.state, 'device', (witness) => words(at.state, devices, rule, message, witness));
}

const words = (state: ExecutionState, devices: number, rule: number, message: string, witness: Assignment): string =>
  `rule ${rule} of the device protocol (nf-abi/device.ts): the driver ${message}; ${describeDevices(state, devices, witness)}`;

/** Each device's registers and the descriptors it finished for the driver, under `witness` (a model of the path). */
export function describeDevices(state: ExecutionState, devices: number, witness: Assignment): string {
  const model = deviceState(state, devices);
  const value = (v: bigint | Term) => (typeof v === 'bigint' ? v : T.evaluate(v, witness));
  return model.devices.map((r, d) => {
    const rings = (['rx', 'tx'] as const).map((direction) => `${direction.toUpperCase()}_HEAD ${r[direction].head}, ${direction.toUpperCase()}_TAIL ${r[direction].tail}`);
    const finished: string[] = [];
    for (let k = 0; r.rx.size > 0 && k < (r.rx.head - r.rx.tail + r.rx.size) % r.rx.size; k++) {
      const i = (r.rx.tail + k) % r.rx.size;
      const at = descriptorAddress(r.rx, i);
      finished.push(`RX descriptor ${i}: LENGTH ${value(readWord(state, at + D.DESCRIPTOR_LENGTH, 2))}, STATUS 0x${value(readWord(state, at + D.DESCRIPTOR_STATUS, 2)).toString(16)}`);
    }
    return `device ${d}: CONTROL 0x${r.control.toString(16)}, ${rings.join(', ')}${finished.length ? `; ${finished.join('; ')}` : ''}`;
  }).join('; ');
}
