// What the device model keeps on a path: each device's registers and rings, the fresh values it has made, and the
// descriptor and register words of linear memory as the model and the rules read and write them.
import { device as D, type Ring } from '../nf-abi/index.ts';
import * as T from '../engine/solver/term.ts';
import type { Term } from '../engine/solver/term.ts';
import type { Byte } from '../engine/symbex/memory.ts';
import type { ExecutionState } from '../engine/symbex/state.ts';
import { modelNames } from './model-names.ts';
import type { ScriptedRun } from './scripted-runs.ts';

export { deviceOwns, descriptorAddress, devicePart, finishedForDriver, ownedByDevice, type Ring } from '../nf-abi/index.ts';

export interface DeviceRegisters {
  control: number;
  rx: Ring;
  tx: Ring;
}

/** A frame the device received: the buffer it filled, and the descriptor's values (the bytes' array names it). */
export interface Received {
  device: number;
  index: number;
  buffer: number;
  length: Term;
  stamp: Term;
  /** The descriptor's ERROR bit (1 bit). */
  error: Term;
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
  /** The clock (now()) as the I/O loop last read it, and the time it handed the last frame (null: none yet). */
  clock: bigint | Term | null;
  lastTime: bigint | Term | null;
  /**
   * `explore`: the device does anything the model allows (up to the bounds); otherwise one of the scripted runs
   * that bring the rings to a later starting point (scripted-runs.ts).
   */
  mode: 'explore' | ScriptedRun;
}

const KEY = 'stack-models/device';

export function deviceState(state: ExecutionState, devices: number): DeviceModelState {
  const kept = state.contractData.get(KEY) as DeviceModelState | undefined;
  if (kept) return kept;
  const ring = (): Ring => ({ base: 0, size: 0, head: 0, tail: 0 });
  return { devices: Array.from({ length: devices }, () => ({ control: 0, rx: ring(), tx: ring() })), made: 0, received: new Map(), sent: [], clock: null, lastTime: null, mode: 'explore' };
}

export function setDeviceState(state: ExecutionState, model: DeviceModelState): void {
  state.contractData.set(KEY, model);
}

/** `devices` with device `d`'s registers replaced by `change` of them. */
export function withDevice(model: DeviceModelState, d: number, change: (r: DeviceRegisters) => DeviceRegisters): DeviceModelState {
  return { ...model, devices: model.devices.map((r, i) => (i === d ? change(r) : r)) };
}


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

/**
 * The device (or the driver's contract) fills RX descriptor `i` of device `d` at `at` and its buffer: any LENGTH,
 * STAMP (a time), ERROR bit and bytes, DONE set. Returns the frame, named by its bytes' array.
 */
export function fillReceived(state: ExecutionState, d: number, i: number, at: number, buffer: number, made: number): [string, Received] {
  const error = T.variable(modelNames.received(d, i, 'error', made), 1);
  const length = T.variable(modelNames.received(d, i, 'length', made), 16);
  writeWord(state, at + D.DESCRIPTOR_LENGTH, 2, length);
  writeWord(state, at + D.DESCRIPTOR_STATUS, 2, T.concat(T.bv(0, 14), T.concat(error, T.bv(D.STATUS_DONE, 1))));
  const stamp = T.variable(modelNames.received(d, i, 'stamp', made), 64);
  state.pathCondition.push(isTime(stamp));
  writeWord(state, at + D.DESCRIPTOR_STAMP, 8, stamp);
  const frame = T.arrayVariable(modelNames.received(d, i, 'frame', made));
  for (let k = 0; k < D.BUFFER_BYTES; k++) state.memory.write(buffer + k, T.select(frame, T.bv(k, 32)));
  return [frame.name, { device: d, index: i, buffer, length, stamp, error }];
}

/** A device's times (now(), RX stamps) are nanoseconds since it started: below 2^63, as the NF layer assumes. */
export const isTime = (t: Term): Term => T.compare('sle', T.bv(0, 64), t);

/** Where device `e`'s part of the region starts. */
