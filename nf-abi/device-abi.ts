// The device protocol's imports and registers as data for TypeScript: signatures, register names, the region's extent, and the ring and buffer arithmetic the verifier's rules and the replay's checker both read.
import { type ImportSignature } from './libvig-abi.ts';
import { BUFFER_BYTES, BUFFERS_OFFSET, DESCRIPTOR_BYTES, DEVICE_REGION_BASE, DEVICE_STRIDE, RX_RING_OFFSET } from './device.ts';

/** The module the stack imports a device's registers and clock from. */
export const DEVICE_MODULE = 'device';

/** Every import of module "device", with its WebAssembly signature (device.ts says what each means). */
export const DEVICE_ABI = {
  read_register: { params: [['device', 'i32'], ['register', 'i32']], result: 'i32' },
  write_register: { params: [['device', 'i32'], ['register', 'i32'], ['value', 'i32']], result: null },
  now: { params: [], result: 'i64' },
} as const satisfies Record<string, ImportSignature>;

export type DeviceImportName = keyof typeof DEVICE_ABI;

/** Register names by index, as errors and counterexamples show them (device.ts: REGISTER_<NAME>). */
export const REGISTER_NAMES: readonly string[] = ['CONTROL', 'RX_BASE', 'RX_SIZE', 'RX_HEAD', 'RX_TAIL', 'TX_BASE', 'TX_SIZE', 'TX_HEAD', 'TX_TAIL'];

/** The device region of an NF with `devices` devices: [DEVICE_REGION_BASE, end). */
export function deviceRegionEnd(devices: number): number {
  return DEVICE_REGION_BASE + devices * DEVICE_STRIDE;
}

/** One ring: where the driver put it, its size, and its HEAD (device) and TAIL (driver) indices. */
export interface Ring {
  base: number;
  size: number;
  head: number;
  tail: number;
}

/** Device `d`'s part of the region. */
export const devicePart = (d: number): number => DEVICE_REGION_BASE + d * DEVICE_STRIDE;
export const descriptorAddress = (ring: Ring, i: number): number => ring.base + i * DESCRIPTOR_BYTES;
/** Where the stack keeps device `d`'s RX descriptor `i` and its buffer (stack/driver.ts lays its rings out so). */
export const rxDescriptorAt = (d: number, i: number): number => devicePart(d) + RX_RING_OFFSET + i * DESCRIPTOR_BYTES;
export const rxBufferAt = (d: number, i: number): number => devicePart(d) + BUFFERS_OFFSET + i * BUFFER_BYTES;

/** The device owns [HEAD, TAIL): how many, and whether it owns descriptor `i`. */
export const ownedByDevice = (ring: Ring): number => (ring.size === 0 ? 0 : (ring.tail - ring.head + ring.size) % ring.size);
export const deviceOwns = (ring: Ring, i: number): boolean => ring.size > 0 && (i - ring.head + ring.size) % ring.size < ownedByDevice(ring);
/**
 * The driver's part of a ring, [TAIL, HEAD): what the device finished and handed over, and the slot a ring keeps
 * empty. HEAD == TAIL is a device that owns none (the driver never hands it all, rule 3): the whole ring, as when
 * a device that sends nothing has every RX buffer held by a TX descriptor in flight.
 */
export const finishedForDriver = (ring: Ring, i: number): boolean => ring.size > 0 && !deviceOwns(ring, i);

/** The buffer of the region holding `address`: its start, and its device and index. */
export function bufferAt(devices: number, address: number): { start: number; device: number; index: number } | null {
  if (address < DEVICE_REGION_BASE || address >= deviceRegionEnd(devices)) return null;
  const device = Math.floor((address - DEVICE_REGION_BASE) / DEVICE_STRIDE);
  const offset = address - devicePart(device) - BUFFERS_OFFSET;
  if (offset < 0) return null;
  const index = Math.floor(offset / BUFFER_BYTES);
  return { start: devicePart(device) + BUFFERS_OFFSET + index * BUFFER_BYTES, device, index };
}

/** The descriptor holding `address` among the devices' rings: device, direction, ring, index and byte in it. */
export function ringAt(devices: readonly { rx: Ring; tx: Ring }[], address: number): { d: number; direction: 'rx' | 'tx'; ring: Ring; i: number; field: number } | null {
  for (const [d, registers] of devices.entries()) {
    for (const direction of ['rx', 'tx'] as const) {
      const ring = registers[direction];
      if (ring.size > 0 && address >= ring.base && address < ring.base + ring.size * DESCRIPTOR_BYTES) {
        return { d, direction, ring, i: Math.floor((address - ring.base) / DESCRIPTOR_BYTES), field: (address - ring.base) % DESCRIPTOR_BYTES };
      }
    }
  }
  return null;
}
