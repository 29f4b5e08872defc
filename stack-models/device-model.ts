// What a device may do, as contracts of the `device` imports: a register read answers with any value the protocol
// allows, having finished any number (up to the bound per poll) of the descriptors the device owns, with any
// contents; now() answers any time. Register writes go through the driver rules (driver-rules.ts) first.
import { device as D, DEVICE_MODULE, type DeviceImportName, REGISTER_NAMES } from '../nf-abi/index.ts';
import * as T from '../engine/solver/term.ts';
import type { Term } from '../engine/solver/term.ts';
import { type CallContext, type Contract, type ContractTable, importKey } from '../engine/symbex/import-contracts.ts';
import { isTerm } from '../engine/symbex/values.ts';
import type { ExecutionState } from '../engine/symbex/state.ts';
import { checkRegisterWrite, type DriverRules } from './driver-rules.ts';
import { deviceState, type DeviceModelState, descriptorAddress, fillReceived, isTime, ownedByDevice, readWord, type Received, type Ring, setDeviceState, withDevice, writeWord } from './device-state.ts';
import { modelNames } from './model-names.ts';
import { SCRIPTED_FRAME_LENGTH, scriptedFinished, type ScriptedRun } from './scripted-runs.ts';

export interface DeviceModelOptions {
  devices: number;
  /**
   * Frames all devices receive in one poll, and TX descriptors each sends between two reads of its TX_HEAD: the
   * bound that keeps a poll's paths few (a device may finish a whole ring; the model explores up to this many).
   */
  framesPerPoll: number;
  /**
   * Held to frames the I/O loop delivers: no ERROR bit, a LENGTH within these bounds, stamped at the clock the
   * loop read, no descriptor done before HEAD says so. For the exploration of several frames a poll
   * (engine/stack/explore-stack.ts), whose paths would otherwise multiply by every frame's cases.
   */
  plainFrames?: FrameBounds;
}

/** The lengths of frames the I/O loop hands to nf_process (nf.json's bounds, a buffer's size at most). */
export interface FrameBounds {
  min: number;
  max: number;
}

export const DEFAULT_FRAMES_PER_POLL = 1;
/** Frames a poll where the device gives plain frames only (`plainFrames`). */
export const SEVERAL_FRAMES_PER_POLL = 2;

/** A contract for each import of DEVICE_ABI (the type checks that none is missing), keyed `device.<name>`. */
export function deviceContracts(options: DeviceModelOptions, rules: DriverRules): ContractTable {
  const read: Contract = (context, [d, r]) => {
    const { state, oracle } = context;
    const [device, register] = [concrete(context, d, 'device'), concrete(context, r, 'register')];
    rules.registerInRange(context, device, register, 'read');
    const model = deviceState(state, options.devices);
    const registers = model.devices[device]!;
    if (model.mode !== 'explore' && (register === D.REGISTER_RX_HEAD || register === D.REGISTER_TX_HEAD)) return [scripted(state, model, model.mode, device, register)];
    if (register === D.REGISTER_RX_HEAD) return [finish(state, oracle, model, device, 'rx', options.framesPerPoll - model.received.size, options.plainFrames)];
    if (register === D.REGISTER_TX_HEAD) return [finish(state, oracle, model, device, 'tx', options.framesPerPoll, options.plainFrames)];
    const values: Record<number, number> = {
      [D.REGISTER_CONTROL]: registers.control, [D.REGISTER_RX_BASE]: registers.rx.base, [D.REGISTER_RX_SIZE]: registers.rx.size,
      [D.REGISTER_RX_TAIL]: registers.rx.tail, [D.REGISTER_TX_BASE]: registers.tx.base, [D.REGISTER_TX_SIZE]: registers.tx.size,
      [D.REGISTER_TX_TAIL]: registers.tx.tail,
    };
    return [values[register]!];
  };
  const write: Contract = (context, [d, r, v]) => {
    const [device, register, value] = [concrete(context, d, 'device'), concrete(context, r, 'register'), concrete(context, v, 'value')];
    checkRegisterWrite(context, rules, device, register, value);
    return [];
  };
  const contracts: Record<DeviceImportName, Contract> = { read_register: read, write_register: write, now: clockContract(options.devices) };
  return new Map(Object.entries(contracts).map(([name, contract]) => [importKey({ module: DEVICE_MODULE, name }), contract]));
}

/** `device.now`: any time (a scripted run's: 0), kept as the clock the I/O loop read (delivery.ts checks times by it). */
export function clockContract(devices: number): Contract {
  return ({ state, oracle }) => {
    const model = deviceState(state, devices);
    if (model.mode !== 'explore') return [0n];
    const time = T.variable(modelNames.now(model.made), 64);
    setDeviceState(state, { ...model, made: model.made + 1, clock: time });
    oracle.assume(state, [isTime(time)]);
    return [time];
  };
}

/**
 * The device finished some of its descriptors since the driver last looked (a choice among 0 .. the bound, and
 * for RX whether the next one is done before HEAD says so): fills or completes them, advances HEAD, returns it.
 */
function finish(state: ExecutionState, oracle: CallContext['oracle'], model: DeviceModelState, d: number, direction: 'rx' | 'tx', bound: number, plain: FrameBounds | undefined): number {
  const ring = model.devices[d]![direction];
  const most = Math.max(0, Math.min(bound, ownedByDevice(ring)));
  let made = model.made;
  const count = T.variable(modelNames.finished(d, direction, made++), 32);
  // A device sets DONE before it moves HEAD: for RX, the next descriptor it owns may already be done too.
  const early = T.variable(modelNames.doneEarly(d, direction, made++), 1);
  const cases: { finished: number; early: boolean; holds: Term }[] = [];
  for (let k = 0; k <= most; k++) {
    const counted = T.eq(count, T.bv(k, 32));
    if (direction === 'rx' && k < ownedByDevice(ring) && !plain) {
      cases.push({ finished: k, early: true, holds: T.and(counted, T.eq(early, T.bv(1, 1))) }, { finished: k, early: false, holds: T.and(counted, T.eq(early, T.bv(0, 1))) });
    } else cases.push({ finished: k, early: false, holds: counted });
  }
  oracle.assume(state, [T.compare('ule', count, T.bv(most, 32)), ...(plain ? [T.eq(early, T.bv(0, 1))] : [])]);
  // One choice per call: a forked path re-runs the call and replays it.
  const { finished, early: doneEarly } = cases[cases.length === 1 ? 0 : oracle.choose(state, cases.map((c) => c.holds))]!;
  const received = new Map(model.received);
  const fill = (i: number) => (made = complete(state, d, direction, ring, i, made, received, plain && { ...plain, clock: model.clock }));
  for (let k = 0; k < finished; k++) fill((ring.head + k) % ring.size);
  const head = ring.size === 0 ? ring.head : (ring.head + finished) % ring.size;
  if (doneEarly) fill(head);
  const moved: Ring = { ...ring, head };
  setDeviceState(state, { ...withDevice(model, d, (r) => ({ ...r, [direction]: moved })), made, received });
  return head;
}

/** The device of a scripted run (scripted-runs.ts): a frame of zero bytes stamped 0 received, TX descriptors sent as scripted. */
function scripted(state: ExecutionState, model: DeviceModelState, run: ScriptedRun, d: number, register: number): number {
  const direction = register === D.REGISTER_RX_HEAD ? 'rx' : 'tx';
  const ring = model.devices[d]![direction];
  const finished = scriptedFinished(run, direction, d, ownedByDevice(ring));
  for (let k = 0; k < finished; k++) {
    const at = descriptorAddress(ring, (ring.head + k) % ring.size);
    if (direction === 'rx') {
      writeWord(state, at + D.DESCRIPTOR_LENGTH, 2, BigInt(SCRIPTED_FRAME_LENGTH));
      writeWord(state, at + D.DESCRIPTOR_STAMP, 8, 0n);
      const buffer = Number(readWord(state, at + D.DESCRIPTOR_ADDRESS, 4));
      for (let b = 0; b < D.BUFFER_BYTES; b++) state.memory.write(buffer + b, 0);
    }
    writeWord(state, at + D.DESCRIPTOR_STATUS, 2, BigInt(D.STATUS_DONE));
  }
  const head = (ring.head + finished) % ring.size;
  setDeviceState(state, withDevice(model, d, (r) => ({ ...r, [direction]: { ...ring, head } })));
  return head;
}

/**
 * The device finishes descriptor `i`: RX gets any length, stamp (a time, as now()'s), error bit and frame bytes
 * (noted in `received`), or with `plain` a frame the loop delivers; TX is marked sent.
 */
function complete(state: ExecutionState, d: number, direction: 'rx' | 'tx', ring: Ring, i: number, made: number, received: Map<string, Received>, plain: (FrameBounds & { clock: DeviceModelState['clock'] }) | undefined): number {
  const at = descriptorAddress(ring, i);
  const status = readWord(state, at + D.DESCRIPTOR_STATUS, 2);
  if (typeof status === 'bigint' && (status & BigInt(D.STATUS_DONE)) !== 0n) return made; // done already (early)
  if (direction === 'tx') {
    writeWord(state, at + D.DESCRIPTOR_STATUS, 2, typeof status === 'bigint' ? status | BigInt(D.STATUS_DONE) : T.binary('or', status, T.bv(D.STATUS_DONE, 16)));
    return made;
  }
  const buffer = readWord(state, at + D.DESCRIPTOR_ADDRESS, 4);
  // The driver checks keep ADDRESS a buffer of the region (rule 8 at hand-over); the device fills all of it.
  if (typeof buffer !== 'bigint') return made + 1;
  const [name, frame] = fillReceived(state, d, i, at, Number(buffer), made);
  received.set(name, frame);
  if (plain) {
    state.pathCondition.push(T.eq(frame.error, T.bv(0, 1)), T.compare('ule', T.bv(plain.min, 16), frame.length), T.compare('ule', frame.length, T.bv(plain.max, 16)));
    if (plain.clock !== null) state.pathCondition.push(T.eq(frame.stamp, typeof plain.clock === 'bigint' ? T.bv(plain.clock, 64) : plain.clock));
  }
  return made + 1;
}

/** A register operand: the model needs it concrete (the stack's registers and indices are). */
function concrete({ state, oracle }: CallContext, value: number | bigint | Term, what: string): number {
  if (!isTerm(value)) return Number(value);
  const pinned = oracle.pinned(state, value as Term);
  if (pinned !== null) return Number(pinned);
  return oracle.fail(state, 'device', `a device register's ${what} depends on the input (registers: ${REGISTER_NAMES.join(', ')}): the device model needs it fixed on each path`);
}
