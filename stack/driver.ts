// The stack's driver, in AssemblyScript: a device's RX and TX descriptor rings, kept by nf-abi/device.ts's protocol.
//
// Everything it keeps lives in the device region (device.ts), whose layout it computes rather than reads: a
// buffer's address comes from the descriptor's index, never from ring memory the device can write, and which
// RX buffer a TX descriptor sends from is in the driver's own state. Registers are read once per poll, not per
// packet: RX_HEAD says how many frames arrived, TX_HEAD how many were sent.
//
// The functions the I/O loop calls that are not `@inline` are the driver's entry points (toolchain/build.ts,
// DRIVER_ENTRIES): in the build `--layers nf,io` verifies, each stays a function of its own, for the driver's
// contract (stack-models/driver-contract.ts) to replace; the build that runs lets the optimiser inline them. The
// `@inline` ones read a descriptor or compute an address.
import { BUFFER_BYTES, BUFFERS_OFFSET, DESCRIPTOR_ADDRESS, DESCRIPTOR_BYTES, DESCRIPTOR_LENGTH, DESCRIPTOR_STAMP, DESCRIPTOR_STATUS, DEVICE_REGION_BASE, DEVICE_STRIDE, DRIVER_STATE_OFFSET, MAX_RING_SIZE, REGISTER_CONTROL, REGISTER_RX_BASE, REGISTER_RX_HEAD, REGISTER_RX_SIZE, REGISTER_RX_TAIL, REGISTER_TX_BASE, REGISTER_TX_HEAD, REGISTER_TX_SIZE, REGISTER_TX_TAIL, RX_RING_OFFSET, STACK_RING_SIZE, STATUS_DONE, TX_RING_OFFSET, CONTROL_RX_ENABLE, CONTROL_TX_ENABLE } from "../nf-abi/device";

// @ts-ignore: decorator
@external("device", "read_register") declare function read_register(device: i32, register: i32): i32;
// @ts-ignore: decorator
@external("device", "write_register") declare function write_register(device: i32, register: i32, value: i32): void;

/** Every ring has STACK_RING_SIZE descriptors (nf-abi/device.ts says why that many): indices wrap with this mask. */
const MASK: i32 = STACK_RING_SIZE - 1;
const PAGE_BYTES: i32 = 65536;

// The driver's state for a device, at DRIVER_STATE_OFFSET in its part of the region: indices into its rings,
// then a count per RX buffer of the TX descriptors not yet reclaimed that send from it, then for each TX
// descriptor the address of that count.
/** The next RX descriptor to deliver. */
const RX_NEXT = 0;
/** RX_TAIL as the driver last wrote it. */
const RX_TAIL = 4;
/** RX_HEAD as the driver last read it (within [RX_NEXT, RX_TAIL]). */
const RX_HEAD = 8;
/** TX_TAIL as the driver will write it at the end of the poll. */
const TX_TAIL = 12;
/** TX_TAIL as the driver last wrote it. */
const TX_TAIL_WRITTEN = 16;
/** The oldest TX descriptor not reclaimed yet. */
const TX_CLEAN = 20;
const SENDING = 64;
const TX_SENDING = SENDING + MAX_RING_SIZE * 2;

// @ts-ignore: decorator
@inline function part(device: i32): usize {
  return <usize>(DEVICE_REGION_BASE + device * DEVICE_STRIDE);
}
// @ts-ignore: decorator
@inline function state(device: i32): usize {
  return part(device) + DRIVER_STATE_OFFSET;
}
// @ts-ignore: decorator
@inline export function rxDescriptor(device: i32, index: i32): usize {
  return part(device) + RX_RING_OFFSET + <usize>(index * DESCRIPTOR_BYTES);
}
// @ts-ignore: decorator
@inline function txDescriptor(device: i32, index: i32): usize {
  return part(device) + TX_RING_OFFSET + <usize>(index * DESCRIPTOR_BYTES);
}
// @ts-ignore: decorator
@inline export function rxBuffer(device: i32, index: i32): usize {
  return part(device) + BUFFERS_OFFSET + <usize>(index * BUFFER_BYTES);
}
// @ts-ignore: decorator
@inline function sending(device: i32, index: i32): usize {
  return state(device) + SENDING + <usize>(index * 2);
}

/** Grows memory over the device region and sets up each device's rings, every RX descriptor handed to the device. */
export function driverInit(devices: i32): void {
  // The NF's static data (and its heap's start) must lie below the region: the run-time names this trap.
  if (__heap_base > <usize>DEVICE_REGION_BASE) unreachable();
  const end = DEVICE_REGION_BASE + devices * DEVICE_STRIDE;
  const pages = (end + PAGE_BYTES - 1) / PAGE_BYTES - <i32>memory.size();
  if (pages > 0 && memory.grow(pages) < 0) unreachable();
  for (let device = 0; device < devices; device++) {
    write_register(device, REGISTER_RX_BASE, <i32>rxDescriptor(device, 0));
    write_register(device, REGISTER_RX_SIZE, STACK_RING_SIZE);
    write_register(device, REGISTER_TX_BASE, <i32>txDescriptor(device, 0));
    write_register(device, REGISTER_TX_SIZE, STACK_RING_SIZE);
    for (let index = 0; index < STACK_RING_SIZE; index++) {
      const descriptor = rxDescriptor(device, index);
      store<u32>(descriptor + DESCRIPTOR_ADDRESS, <u32>rxBuffer(device, index));
      store<u16>(descriptor + DESCRIPTOR_STATUS, 0);
    }
    // The device owns every RX descriptor but the last: a ring it owned whole would look empty (HEAD == TAIL).
    store<i32>(state(device) + RX_TAIL, MASK);
    write_register(device, REGISTER_RX_TAIL, MASK);
    write_register(device, REGISTER_CONTROL, CONTROL_RX_ENABLE | CONTROL_TX_ENABLE);
  }
}

/**
 * Reclaims the TX descriptors the device has sent since the last poll, releasing the RX buffers they sent from.
 * A TX_HEAD outside the descriptors the device owns is not believed, nor a descriptor without its done bit.
 */
export function reclaimSent(device: i32): void {
  const at = state(device);
  const clean = load<i32>(at + TX_CLEAN);
  const queued = (load<i32>(at + TX_TAIL_WRITTEN) - clean) & MASK;
  const sent = (read_register(device, REGISTER_TX_HEAD) - clean) & MASK;
  if (sent > queued) return;
  let index = clean;
  for (let n = 0; n < sent; n++) {
    if ((load<u16>(txDescriptor(device, index) + DESCRIPTOR_STATUS) & STATUS_DONE) == 0) break;
    const count = load<u32>(at + TX_SENDING + <usize>(index * 4));
    store<u16>(count, load<u16>(count) - 1);
    index = (index + 1) & MASK;
  }
  store<i32>(at + TX_CLEAN, index);
}

/** Reads how far the device has received; a RX_HEAD outside the descriptors the device owned is not believed. */
export function readReceived(device: i32): void {
  const at = state(device);
  const next = load<i32>(at + RX_NEXT);
  const head = read_register(device, REGISTER_RX_HEAD);
  const owned = (load<i32>(at + RX_TAIL) - next) & MASK;
  store<i32>(at + RX_HEAD, ((head - next) & MASK) <= owned ? head & MASK : next);
}

/**
 * The next RX descriptor of `device` that is done and not yet delivered, or 0: none below RX_HEAD, or the next
 * one's done bit is not set (the device has not finished it, whatever its head said: it waits for a later poll).
 */
export function nextReceived(device: i32): usize {
  const at = state(device);
  const next = load<i32>(at + RX_NEXT);
  if (next == load<i32>(at + RX_HEAD)) return 0;
  const descriptor = rxDescriptor(device, next);
  if ((load<u16>(descriptor + DESCRIPTOR_STATUS) & STATUS_DONE) == 0) {
    store<i32>(at + RX_HEAD, next);
    return 0;
  }
  return descriptor;
}

/** The receive stamp of a descriptor nextReceived returned. */
// @ts-ignore: decorator
@inline export function stampOf(descriptor: usize): i64 {
  return load<i64>(descriptor + DESCRIPTOR_STAMP);
}

/** Marks `device`'s next RX descriptor delivered (its frame handed on or dropped). */
export function consumeReceived(device: i32): void {
  const at = state(device) + RX_NEXT;
  store<i32>(at, (load<i32>(at) + 1) & MASK);
}

// @ts-ignore: decorator
@inline export function lengthOf(descriptor: usize): i32 {
  return <i32>load<u16>(descriptor + DESCRIPTOR_LENGTH);
}

// @ts-ignore: decorator
@inline export function statusOf(descriptor: usize): i32 {
  return <i32>load<u16>(descriptor + DESCRIPTOR_STATUS);
}

/**
 * Queues `length` bytes of RX buffer `index` of device `from` for sending on device `to`, without copying: the
 * buffer stays the driver's until the device has sent it. A full TX ring drops the frame on that device.
 */
export function send(to: i32, from: i32, index: i32, length: i32): void {
  const at = state(to);
  const tail = load<i32>(at + TX_TAIL);
  const next = (tail + 1) & MASK;
  if (next == load<i32>(at + TX_CLEAN)) return;
  const descriptor = txDescriptor(to, tail);
  store<u32>(descriptor + DESCRIPTOR_ADDRESS, <u32>rxBuffer(from, index));
  store<u16>(descriptor + DESCRIPTOR_LENGTH, <u16>length);
  store<u16>(descriptor + DESCRIPTOR_STATUS, 0);
  store<i64>(descriptor + DESCRIPTOR_STAMP, 0);
  const count = sending(from, index);
  store<u16>(count, load<u16>(count) + 1);
  store<u32>(at + TX_SENDING + <usize>(tail * 4), <u32>count);
  store<i32>(at + TX_TAIL, next);
}

/** Hands the device the frames queued this poll. */
export function flushSent(device: i32): void {
  const at = state(device);
  const tail = load<i32>(at + TX_TAIL);
  if (tail == load<i32>(at + TX_TAIL_WRITTEN)) return;
  store<i32>(at + TX_TAIL_WRITTEN, tail);
  write_register(device, REGISTER_TX_TAIL, tail);
}

/**
 * Hands back to the device, in ring order, the delivered RX descriptors whose buffers no TX descriptor still
 * sends from, their status cleared. The one before RX_NEXT stays the driver's, so the device never owns all.
 */
export function refill(device: i32): void {
  const at = state(device);
  const next = load<i32>(at + RX_NEXT);
  const tail = load<i32>(at + RX_TAIL);
  let index = tail;
  while (((index + 1) & MASK) != next && load<u16>(sending(device, index)) == 0) {
    store<u16>(rxDescriptor(device, index) + DESCRIPTOR_STATUS, 0);
    index = (index + 1) & MASK;
  }
  if (index == tail) return;
  store<i32>(at + RX_TAIL, index);
  write_register(device, REGISTER_RX_TAIL, index);
}

/**
 * Copies `length` bytes from `from` to `to` in whole 64-byte blocks of eight unrolled 8-byte loads and stores:
 * V8 runs memory.copy as a call into C++ that costs more than a 64-byte frame's copy (docs/PITFALLS.md), and
 * plain words keep the stack free of SIMD for the verifier. Both ends have room for the rounding: a buffer holds
 * BUFFER_BYTES, the packet area MAX_FRAME.
 */
export function copyBlocks(to: usize, from: usize, length: i32): void {
  for (let done: usize = 0; done < <usize>length; done += 64) {
    store<u64>(to + done, load<u64>(from + done));
    store<u64>(to + done, load<u64>(from + done, 8), 8);
    store<u64>(to + done, load<u64>(from + done, 16), 16);
    store<u64>(to + done, load<u64>(from + done, 24), 24);
    store<u64>(to + done, load<u64>(from + done, 32), 32);
    store<u64>(to + done, load<u64>(from + done, 40), 40);
    store<u64>(to + done, load<u64>(from + done, 48), 48);
    store<u64>(to + done, load<u64>(from + done, 56), 56);
  }
}
