// What the device model keeps on a path: each device's registers and rings, the fresh values it has made, and the
// descriptor and register words of linear memory as the model and the rules read and write them.
import { device as D } from '../nf-abi/index.ts';
import * as T from '../engine/solver/term.ts';
import type { Term } from '../engine/solver/term.ts';
import type { Byte } from '../engine/symbex/memory.ts';
import type { ExecutionState } from '../engine/symbex/state.ts';

/** One ring: where the driver put it, its size, and its HEAD (device) and TAIL (driver) indices. */
export interface Ring {
  base: number;
  size: number;
  head: number;
  tail: number;
}

export interface DeviceRegisters {
  control: number;
  rx: Ring;
  tx: Ring;
}

/** A frame the device received: the array its bytes are, and the buffer it filled. */
export interface Received {
  device: number;
  index: number;
  buffer: number;
}

/** A TX descriptor the driver handed to the device (by moving TX_TAIL over it). */
export interface Sent {
  device: number;
  index: number;
  address: number;
  length: bigint | Term;
}

/** The model's state on a path: immutable values (a fork copies the map, not them). */
export interface DeviceModelState {
  devices: readonly DeviceRegisters[];
  /** Fresh values made so far on this path: their names number them. */
  made: number;
  /** The frames received, by the name of their bytes' array. */
  received: ReadonlyMap<string, Received>;
  sent: readonly Sent[];
  /**
   * `explore`: the device does anything the model allows (up to the bounds); `warm-up`: one scripted run of it
   * that brings the rings near their wrap (device-model.ts).
   */
  mode: 'explore' | 'warm-up';
}

const KEY = 'stack-models/device';

export function deviceState(state: ExecutionState, devices: number): DeviceModelState {
  const kept = state.contractData.get(KEY) as DeviceModelState | undefined;
  if (kept) return kept;
  const ring = (): Ring => ({ base: 0, size: 0, head: 0, tail: 0 });
  return { devices: Array.from({ length: devices }, () => ({ control: 0, rx: ring(), tx: ring() })), made: 0, received: new Map(), sent: [], mode: 'explore' };
}

export function setDeviceState(state: ExecutionState, model: DeviceModelState): void {
  state.contractData.set(KEY, model);
}

/** `devices` with device `d`'s registers replaced by `change` of them. */
export function withDevice(model: DeviceModelState, d: number, change: (r: DeviceRegisters) => DeviceRegisters): DeviceModelState {
  return { ...model, devices: model.devices.map((r, i) => (i === d ? change(r) : r)) };
}

/** The device owns [HEAD, TAIL): how many, and whether it owns descriptor `i`. */
export const ownedByDevice = (ring: Ring): number => (ring.size === 0 ? 0 : (ring.tail - ring.head + ring.size) % ring.size);
export const deviceOwns = (ring: Ring, i: number): boolean => ring.size > 0 && (i - ring.head + ring.size) % ring.size < ownedByDevice(ring);
/** The device finished [TAIL, HEAD) and handed them to the driver (with the one slot a full ring keeps empty). */
export const finishedForDriver = (ring: Ring, i: number): boolean => ring.size > 0 && (i - ring.tail + ring.size) % ring.size < (ring.head - ring.tail + ring.size) % ring.size;

export const descriptorAddress = (ring: Ring, i: number): number => ring.base + i * D.DESCRIPTOR_BYTES;

/** A little-endian field of linear memory: a number when concrete, else a term. */
export function readWord(state: ExecutionState, address: number, bytes: number): bigint | Term {
  const parts: Byte[] = [];
  for (let i = 0; i < bytes; i++) parts.push(state.memory.read(address + i));
  if (parts.every((p) => typeof p === 'number')) return parts.reduceRight((v, p) => (v << 8n) | BigInt(p as number), 0n);
  const term = (p: Byte): Term => (typeof p === 'number' ? T.bv(p, 8) : p);
  let word = term(parts[bytes - 1]!);
  for (let i = bytes - 2; i >= 0; i--) word = T.concat(word, term(parts[i]!));
  return word;
}

/** Writes as the device does (DMA): straight into memory, not through the driver's rules. */
export function writeWord(state: ExecutionState, address: number, bytes: number, value: bigint | Term): void {
  for (let i = 0; i < bytes; i++) {
    state.memory.write(address + i, typeof value === 'bigint' ? Number((value >> BigInt(8 * i)) & 0xffn) : T.extract(8 * i + 7, 8 * i, value));
  }
}

/** Where device `e`'s part of the region starts. */
export const devicePart = (e: number): number => D.DEVICE_REGION_BASE + e * D.DEVICE_STRIDE;
