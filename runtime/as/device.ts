// The emulated device the run-time runs stacked NFs on, in AssemblyScript: it receives trace records into the stack's RX rings and sends from its TX rings.
//
// It plays a NIC on nf-abi/device.ts's protocol, on the NF's own memory (imported): a record's frame arrives on
// its device at its time, written into the RX descriptor at RX_HEAD; after each stack_poll, every queued TX
// descriptor is sent at once. What went out is written back into the trace record it came from (found through
// the RX buffer the descriptor sends from), as nf_process's result would read: DROP when the frame went out
// nowhere, the device when on one, FLOOD when on several; and the frame's bytes as sent. No JavaScript runs per
// packet: this module also answers module "device"'s imports (read_register, write_register, now), which the stack
// calls a few times a poll, bound to the NF without JavaScript (toolchain/late-binding.ts), and checks every register
// access against nf-abi/device.ts's rules; a broken rule goes to the import `protocol_error`, which throws.
//
// Compiled without data segments (its memory is the NF's): no strings, no static arrays.
import { BUFFER_BYTES, BUFFERS_OFFSET, CONTROL_RESERVED, CONTROL_RX_ENABLE, CONTROL_TX_ENABLE, DESCRIPTOR_ADDRESS, DESCRIPTOR_BYTES, DESCRIPTOR_LENGTH, DESCRIPTOR_STAMP, DESCRIPTOR_STATUS, DEVICE_REGION_BASE, DEVICE_STRIDE, MAX_RING_SIZE, REGISTER_CONTROL, REGISTER_COUNT, REGISTER_RX_BASE, REGISTER_RX_HEAD, REGISTER_RX_SIZE, REGISTER_RX_TAIL, REGISTER_TX_BASE, REGISTER_TX_HEAD, REGISTER_TX_SIZE, REGISTER_TX_TAIL, STATUS_DONE, STATUS_ERROR } from "../../nf-abi/device";
import { DROP, FLOOD } from "../../nf-abi/outputs";
import { FIELD_DEVICE, FIELD_FLAGS, FIELD_LATENCY, FIELD_LENGTH, FIELD_TIME, FLAG_PROBE, RECORD_HEADER } from "../record-layout";
import { DEVICE_BURST, PROBLEM_HEAD_WRITTEN, PROBLEM_NO_DEVICE, PROBLEM_NO_REGISTER, PROBLEM_RESERVED_BITS, PROBLEM_RING_ALIGNMENT, PROBLEM_RING_OUTSIDE, PROBLEM_RING_SIZE, PROBLEM_RING_WHILE_ENABLED, PROBLEM_TAIL_BACKWARDS, PROBLEM_TAIL_INDEX, PROBLEM_TAIL_WITHOUT_SIZE, REGISTER_STRIDE } from "../device-layout";

// @ts-ignore: decorator
@external("host", "stack_poll") declare function stack_poll(): void;
/** Milliseconds (performance.now), for probe latencies. */
// @ts-ignore: decorator
@external("host", "clock") declare function clock(): f64;
/** Throws the DeviceProtocolError (emulated-device.ts): it never returns. */
// @ts-ignore: decorator
@external("host", "protocol_error") declare function protocol_error(write: i32, device: i32, register: i32, value: i32, problem: i32): void;

/** protocol_error, then a trap that tells the compilers nothing follows (libvig/wasm/as/libvig.ts's `failed` says why). */
// @ts-ignore: decorator
@inline function brokenRule(write: i32, device: i32, register: i32, value: i32, problem: i32): void {
  protocol_error(write, device, register, value, problem);
  unreachable();
}

/** The register file (device-layout.ts). */
let registers: usize = 0;
/** For each device and RX descriptor, the address of the record whose frame it received last. */
let slots: usize = 0;
let devices: i32 = 0;
let latestStamp: i64 = 0;

// @ts-ignore: decorator
@inline function register(device: i32, index: i32): usize {
  return registers + <usize>((device * REGISTER_STRIDE + index) * 4);
}

export function init(registerFile: usize, slotTable: usize, deviceCount: i32): void {
  registers = registerFile;
  slots = slotTable;
  devices = deviceCount;
}

// Module "device"'s imports, checked (nf-abi/device.ts's rules 1 to 3).

export function read_register(device: i32, index: i32): i32 {
  const problem = registerProblem(device, index);
  if (problem != 0) brokenRule(0, device, index, 0, problem);
  return load<i32>(register(device, index));
}

export function write_register(device: i32, index: i32, value: i32): void {
  let problem = registerProblem(device, index);
  if (problem == 0) problem = writeProblem(device, index, value);
  if (problem != 0) brokenRule(1, device, index, value, problem);
  store<i32>(register(device, index), value);
}

/** The device's clock: the stamp of the latest frame received. */
export function now(): i64 {
  return load<i64>(register(devices, 0));
}

/** Rule 1: devices [0, devices), registers [0, REGISTER_COUNT). */
function registerProblem(device: i32, index: i32): i32 {
  if (<u32>device >= <u32>devices) return PROBLEM_NO_DEVICE;
  if (<u32>index >= <u32>REGISTER_COUNT) return PROBLEM_NO_REGISTER;
  return 0;
}

function writeProblem(device: i32, index: i32, value: i32): i32 {
  const control = load<i32>(register(device, REGISTER_CONTROL));
  if (index == REGISTER_CONTROL) return (value & CONTROL_RESERVED) != 0 ? PROBLEM_RESERVED_BITS : 0;
  if (index == REGISTER_RX_HEAD || index == REGISTER_TX_HEAD) return PROBLEM_HEAD_WRITTEN;
  if (index == REGISTER_RX_BASE || index == REGISTER_RX_SIZE) return ringProblem(control & CONTROL_RX_ENABLE, device, REGISTER_RX_BASE, index, value);
  if (index == REGISTER_TX_BASE || index == REGISTER_TX_SIZE) return ringProblem(control & CONTROL_TX_ENABLE, device, REGISTER_TX_BASE, index, value);
  if (index == REGISTER_RX_TAIL) return tailProblem(device, REGISTER_RX_SIZE, REGISTER_RX_HEAD, REGISTER_RX_TAIL, value);
  if (index == REGISTER_TX_TAIL) return tailProblem(device, REGISTER_TX_SIZE, REGISTER_TX_HEAD, REGISTER_TX_TAIL, value);
  return 0;
}

/** Rule 2: a ring is set up while its direction is disabled, aligned, of a power-of-two size, inside the region. */
function ringProblem(enabled: i32, device: i32, baseRegister: i32, index: i32, value: i32): i32 {
  if (enabled != 0) return PROBLEM_RING_WHILE_ENABLED;
  const base = <u32>(index == baseRegister ? value : load<i32>(register(device, baseRegister)));
  const size = index == baseRegister ? load<i32>(register(device, baseRegister + 1)) : value;
  if (index != baseRegister && (size < 2 || size > MAX_RING_SIZE || (size & (size - 1)) != 0)) return PROBLEM_RING_SIZE;
  if (base % DESCRIPTOR_BYTES != 0) return PROBLEM_RING_ALIGNMENT;
  const end = <i64>base + <i64>max(size, 0) * DESCRIPTOR_BYTES;
  if (base != 0 && (base < <u32>DEVICE_REGION_BASE || end > <i64>DEVICE_REGION_BASE + <i64>devices * DEVICE_STRIDE)) return PROBLEM_RING_OUTSIDE;
  return 0;
}

/** Rule 3: a TAIL moves forward over descriptors the driver owns, never to HEAD. */
function tailProblem(device: i32, sizeRegister: i32, headRegister: i32, tailRegister: i32, value: i32): i32 {
  const size = load<i32>(register(device, sizeRegister));
  if (size == 0) return PROBLEM_TAIL_WITHOUT_SIZE;
  if (value < 0 || value >= size) return PROBLEM_TAIL_INDEX;
  const head = load<i32>(register(device, headRegister));
  const before = (load<i32>(register(device, tailRegister)) - head + size) % size;
  const after = (value - head + size) % size;
  return after < before ? PROBLEM_TAIL_BACKWARDS : 0;
}

/**
 * Runs `count` records from `records` through the stack, in order. With `timeProbes`, a probe is received alone
 * and its latency is the stack_poll that handles it, in ns.
 */
export function run(records: usize, count: i32, timeProbes: i32): void {
  let record = records;
  let remaining = count;
  while (remaining > 0) {
    const timed = timeProbes != 0 && (load<u16>(record + FIELD_FLAGS) & FLAG_PROBE) != 0;
    const received = receive(record, timed ? 1 : min(remaining, DEVICE_BURST), timeProbes != 0);
    if (received == 0) unreachable(); // no RX descriptor free after a poll: the stack hands none back
    let started: f64 = 0;
    if (timed) started = clock();
    stack_poll();
    if (timed) store<f64>(record + FIELD_LATENCY, (clock() - started) * 1e6);
    send();
    for (let n = 0; n < received; n++) record += recordBytes(record);
    remaining -= received;
  }
  // The last frames' RX descriptors go back to the device at the next poll: one with nothing received.
  stack_poll();
  send();
}

// @ts-ignore: decorator
@inline function recordBytes(record: usize): usize {
  return <usize>(RECORD_HEADER + ((<i32>load<u16>(record + FIELD_LENGTH) + 7) & ~7));
}

/**
 * Receives up to `most` records from `record` on, each into the RX descriptor at its device's RX_HEAD, while
 * the device owns one and the stack would deliver them in the trace's order (by stamp, then device); stops
 * before a probe when probes are timed. Returns how many it received.
 */
function receive(first: usize, most: i32, stopAtProbes: bool): i32 {
  let record = first;
  let lastStamp: i64 = 0;
  let lastDevice = 0;
  for (let n = 0; n < most; n++) {
    const device = load<i32>(record + FIELD_DEVICE);
    const stamp = load<i64>(record + FIELD_TIME);
    if (n > 0 && (stamp < lastStamp || (stamp == lastStamp && device < lastDevice))) return n;
    if (n > 0 && stopAtProbes && (load<u16>(record + FIELD_FLAGS) & FLAG_PROBE) != 0) return n;
    if (<u32>device >= <u32>devices) unreachable(); // the run-time checks records' devices before running
    if ((load<i32>(register(device, REGISTER_CONTROL)) & CONTROL_RX_ENABLE) == 0) return n;
    const mask = load<i32>(register(device, REGISTER_RX_SIZE)) - 1;
    const head = load<i32>(register(device, REGISTER_RX_HEAD));
    if (head == load<i32>(register(device, REGISTER_RX_TAIL))) return n;
    const descriptor = <usize>(load<i32>(register(device, REGISTER_RX_BASE)) + head * DESCRIPTOR_BYTES);
    const length = <i32>load<u16>(record + FIELD_LENGTH);
    copyWords(<usize>load<u32>(descriptor + DESCRIPTOR_ADDRESS), record + RECORD_HEADER, min(length, BUFFER_BYTES));
    store<u16>(descriptor + DESCRIPTOR_LENGTH, <u16>length);
    store<i64>(descriptor + DESCRIPTOR_STAMP, stamp);
    store<u16>(descriptor + DESCRIPTOR_STATUS, <u16>(length > BUFFER_BYTES ? STATUS_DONE | STATUS_ERROR : STATUS_DONE));
    store<usize>(slots + <usize>((device * (mask + 1) + head) * 4), record);
    store<i32>(record + FIELD_DEVICE, DROP);
    store<i32>(register(device, REGISTER_RX_HEAD), (head + 1) & mask);
    if (stamp > latestStamp) latestStamp = stamp;
    store<i64>(register(devices, 0), latestStamp);
    lastStamp = stamp;
    lastDevice = device;
    record += recordBytes(record);
  }
  return most;
}

/** Sends every queued TX descriptor of every device, writing what went out into the records it came from. */
function send(): void {
  for (let device = 0; device < devices; device++) {
    if ((load<i32>(register(device, REGISTER_CONTROL)) & CONTROL_TX_ENABLE) == 0) continue;
    const mask = load<i32>(register(device, REGISTER_TX_SIZE)) - 1;
    const base = <usize>load<i32>(register(device, REGISTER_TX_BASE));
    const tail = load<i32>(register(device, REGISTER_TX_TAIL));
    let head = load<i32>(register(device, REGISTER_TX_HEAD));
    while (head != tail) {
      const descriptor = base + <usize>(head * DESCRIPTOR_BYTES);
      const address = <usize>load<u32>(descriptor + DESCRIPTOR_ADDRESS);
      const length = <i32>load<u16>(descriptor + DESCRIPTOR_LENGTH);
      // Rule 6 (nf-abi/device.ts): the frame lies in one RX buffer of the region; a device would fault here.
      const from = <i32>((address - DEVICE_REGION_BASE) / DEVICE_STRIDE);
      const offset = <i32>(address - DEVICE_REGION_BASE - <usize>(from * DEVICE_STRIDE)) - BUFFERS_OFFSET;
      const rxSize = load<i32>(register(from, REGISTER_RX_SIZE));
      const index = offset / BUFFER_BYTES;
      if (address < <usize>DEVICE_REGION_BASE || from >= devices || offset < 0 || index >= rxSize || offset % BUFFER_BYTES + length > BUFFER_BYTES) unreachable();
      const record = load<usize>(slots + <usize>((from * rxSize + index) * 4));
      const output = load<i32>(record + FIELD_DEVICE);
      if (output == DROP) {
        store<i32>(record + FIELD_DEVICE, device);
        copyWords(record + RECORD_HEADER, address, min(length, <i32>load<u16>(record + FIELD_LENGTH)));
      } else {
        store<i32>(record + FIELD_DEVICE, FLOOD);
      }
      store<u16>(descriptor + DESCRIPTOR_STATUS, STATUS_DONE);
      head = (head + 1) & mask;
    }
    store<i32>(register(device, REGISTER_TX_HEAD), head);
  }
}

/**
 * Copies `length` bytes rounded up to whole 8-byte words (a record's frame is padded to 8, a buffer holds 2048):
 * 16 bytes at a time, then the last 8 if any.
 */
// @ts-ignore: decorator
@inline function copyWords(to: usize, from: usize, length: i32): void {
  const words = <usize>((length + 7) & ~7);
  const pairs = words & ~15;
  let done: usize = 0;
  for (; done < pairs; done += 16) v128.store(to + done, v128.load(from + done));
  if (done < words) store<u64>(to + done, load<u64>(from + done));
}
