// The driver's contract (`--layers nf,io`): what each of the driver's entry points may return to the I/O loop, and what the loop's calls of them must be.
//
// With the driver replaced, no device and no ring is modelled: a device's next frame is any frame (LENGTH,
// STAMP, ERROR bit, bytes) in the next buffer of its ring, or none, up to a bound per poll; the loop must ask
// every device before it takes a frame, take them in stamp order (ties: the lower device), copy and send only
// the frame it is delivering, with its length, and at the end have drained, flushed and refilled every device.
// delivery.ts then checks nf_process's side and that what was sent is what nf_process asked for: the driver's
// requests are recorded as the device model records the TX descriptors it is handed (`sent`).
import { device as D, type Manifest, PACKET_BASE, rxBufferAt, rxDescriptorAt } from '../nf-abi/index.ts';
import * as T from '../engine/solver/term.ts';
import type { Term } from '../engine/solver/term.ts';
import type { Oracle } from '../engine/symbex/interpreter.ts';
import type { CallContext, Contract } from '../engine/symbex/import-contracts.ts';
import type { ExecutionState, Value } from '../engine/symbex/state.ts';
import { isTerm, toTerm } from '../engine/symbex/values.ts';
import { describeDeliveries } from './delivery.ts';
import { deviceState, fillReceived, type Received, setDeviceState } from './device-state.ts';
import { modelNames } from './model-names.ts';

/** One device as the loop has used it this poll. */
interface DeviceCalls {
  /** reclaimSent and readReceived called (step 2 of a poll). */
  reclaimed: boolean;
  read: boolean;
  /** The frame nextReceived gave and the loop has not taken yet. */
  offered: Received | null;
  /** nextReceived said there is no frame: it says so for the rest of the poll. */
  drained: boolean;
  /** The ring index of the device's next frame. */
  next: number;
  /** How many sends on this device flushSent had handed over when last called (null: not called), and refill. */
  flushed: number | null;
  refilled: boolean;
}

interface DriverCalls {
  devices: readonly DeviceCalls[];
  /** Frames nextReceived has given this poll, over all devices. */
  frames: number;
  /** The frame the loop took last (consumeReceived): the one it may copy and send. */
  taken: Received | null;
}

const KEY = 'stack-models/driver-calls';

function callsOf(state: ExecutionState, devices: number): DriverCalls {
  const kept = state.contractData.get(KEY) as DriverCalls | undefined;
  const fresh = (): DeviceCalls => ({ reclaimed: false, read: false, offered: null, drained: false, next: 0, flushed: null, refilled: false });
  return kept ?? { devices: Array.from({ length: devices }, fresh), frames: 0, taken: null };
}

function update(state: ExecutionState, calls: DriverCalls, d: number, change: Partial<DeviceCalls>, rest: Partial<DriverCalls> = {}): void {
  state.contractData.set(KEY, { ...calls, ...rest, devices: calls.devices.map((c, e) => (e === d ? { ...c, ...change } : c)) });
}

/**
 * A contract for each of the driver's entry points (toolchain/build.ts's DRIVER_ENTRIES, by their names in
 * stack/driver.ts), given `framesPerPoll`, the bound on frames the driver gives in one poll.
 */
export function driverContracts(manifest: Manifest, framesPerPoll: number): Record<string, Contract> {
  const devices = manifest.devices;
  const deviceOf = (context: CallContext, value: Value | undefined, call: string): number => {
    const d = concrete(context, value!, `the device of ${call}`, devices);
    if (d < 0 || d >= devices) broken(context, devices, `called the driver's ${call} for device ${d}, but the NF has ${devices}`);
    return d;
  };
  const start = (which: 'reclaimed' | 'read', call: string): Contract => (context, [device]) => {
    const d = deviceOf(context, device, call);
    update(context.state, callsOf(context.state, devices), d, { [which]: true });
    return [];
  };
  const nextReceived: Contract = (context, [device]) => {
    const { state, oracle } = context;
    const d = deviceOf(context, device, 'nextReceived');
    const calls = callsOf(state, devices);
    const own = calls.devices[d]!;
    if (!own.read) broken(context, devices, `asked for device ${d}'s next frame before reading how far it received (readReceived)`);
    if (own.offered) return [rxDescriptorAt(d, own.offered.index)];
    if (own.drained || calls.frames >= framesPerPoll) return none(state, calls, d);
    const model = deviceState(state, devices);
    const some = T.variable(modelNames.rxNext(d, model.made), 1);
    // One choice per call: a forked path re-runs the call and replays it, so the value is counted only after the
    // choice (both sides then name it, and the frame after it, alike: a replay reads them by those names).
    const chosen = oracle.choose(state, [T.eq(some, T.bv(0, 1)), T.eq(some, T.bv(1, 1))]);
    setDeviceState(state, { ...model, made: model.made + 1 });
    if (chosen === 0) return none(state, calls, d);
    const at = rxDescriptorAt(d, own.next);
    const after = deviceState(state, devices);
    const [name, frame] = fillReceived(state, d, own.next, at, rxBufferAt(d, own.next), after.made);
    setDeviceState(state, { ...after, made: after.made + 1, received: new Map([...after.received, [name, frame]]) });
    update(state, calls, d, { offered: frame, next: (own.next + 1) % D.STACK_RING_SIZE }, { frames: calls.frames + 1 });
    return [at];
  };
  const consumeReceived: Contract = (context, [device]) => {
    const { state } = context;
    const d = deviceOf(context, device, 'consumeReceived');
    const calls = callsOf(state, devices);
    const frame = calls.devices[d]!.offered;
    if (!frame) broken(context, devices, `took a frame of device ${d} (consumeReceived) the driver had not given`);
    calls.devices.forEach((other, e) => {
      if (e === d) return;
      if (!other.offered && !other.drained) broken(context, devices, `took device ${d}'s frame without asking device ${e} for its next one`);
      if (other.offered) {
        must(context, devices, T.compare(e < d ? 'slt' : 'sle', frame.stamp, other.offered.stamp),
          `took device ${d}'s frame before device ${e}'s, stamped ${e < d ? 'no later' : 'earlier'}`);
      }
    });
    update(state, calls, d, { offered: null }, { taken: frame });
    return [];
  };
  const copyBlocks: Contract = (context, [to, from, length]) => {
    const { state } = context;
    const [target, source] = [concrete(context, to!, 'where a copy goes', devices), concrete(context, from!, 'where a copy comes from', devices)];
    const untaken = callsOf(state, devices).devices.find((own) => own.offered?.buffer === source)?.offered;
    if (untaken) broken(context, devices, `copied the frame of RX descriptor ${untaken.index} of device ${untaken.device} without taking it from the driver (consumeReceived): the driver gives it again`);
    const frame = takenFrame(context, devices, 'copied');
    const toNf = target === PACKET_BASE && source === frame.buffer;
    if (!toNf && !(target === frame.buffer && source === PACKET_BASE)) {
      broken(context, devices, `copied 0x${source.toString(16)} to 0x${target.toString(16)}: neither the frame of device ${frame.device} to the packet area nor back`);
    }
    sameLength(context, devices, length!, frame, 'copied');
    // The driver copies whole 64-byte blocks: bytes past the length are no part of the frame either way.
    const bytes = Math.min(Math.ceil(manifest.frame.max / 64) * 64, D.BUFFER_BYTES);
    for (let k = 0; k < bytes; k++) state.memory.write(target + k, state.memory.read(source + k));
    return [];
  };
  const send: Contract = (context, [to, from, index, length]) => {
    const { state } = context;
    const frame = takenFrame(context, devices, 'sent');
    const e = concrete(context, to!, 'the device a frame is sent on', devices);
    if (e < 0 || e >= devices) broken(context, devices, `asked the driver to send the frame of device ${frame.device} on device ${e}, but the NF has ${devices}`);
    const [f, i] = [concrete(context, from!, 'the device a sent frame came from', devices), concrete(context, index!, 'the buffer a frame is sent from', devices)];
    if (f !== frame.device || i !== frame.index) broken(context, devices, `asked the driver to send buffer ${i} of device ${f}, not the frame of device ${frame.device} it is delivering`);
    if (callsOf(state, devices).devices[e]!.flushed !== null) broken(context, devices, `asked the driver to send on device ${e} after handing that device its frames (flushSent)`);
    sameLength(context, devices, length!, frame, 'sent');
    const model = deviceState(state, devices);
    const index_ = model.sent.filter((s) => s.device === e).length;
    setDeviceState(state, { ...model, sent: [...model.sent, { device: e, index: index_, address: frame.buffer, length: T.extract(15, 0, toTerm(length!, 32)) }] });
    return [];
  };
  const flushSent: Contract = (context, [device]) => {
    const d = deviceOf(context, device, 'flushSent');
    const sent = deviceState(context.state, devices).sent.filter((s) => s.device === d).length;
    update(context.state, callsOf(context.state, devices), d, { flushed: sent });
    return [];
  };
  const refill: Contract = (context, [device]) => {
    const d = deviceOf(context, device, 'refill');
    update(context.state, callsOf(context.state, devices), d, { refilled: true });
    return [];
  };
  return { reclaimSent: start('reclaimed', 'reclaimSent'), readReceived: start('read', 'readReceived'), nextReceived, consumeReceived, copyBlocks, send, flushSent, refill };
}

/** After the poll: every device was read, drained, flushed after its last send and refilled (steps 2 and 5). */
export function checkDriverCalls(devices: number): (state: ExecutionState, oracle: Oracle) => void {
  return (state, oracle) => {
    const at = { state, oracle };
    const sent = deviceState(state, devices).sent;
    callsOf(state, devices).devices.forEach((own, d) => {
      if (!own.reclaimed || !own.read) broken(at, devices, `ended the poll without reclaiming device ${d}'s sent frames and reading how far it received (reclaimSent, readReceived)`);
      if (own.offered) broken(at, devices, `ended the poll with device ${d}'s frame given by the driver and not taken`);
      if (!own.drained) broken(at, devices, `ended the poll without asking device ${d} for its frames until it had none`);
      if (own.flushed !== sent.filter((s) => s.device === d).length) broken(at, devices, `ended the poll without handing device ${d} the frames queued on it (flushSent)`);
      if (!own.refilled) broken(at, devices, `ended the poll without handing device ${d} back its delivered RX descriptors (refill)`);
    });
  };
}

function none(state: ExecutionState, calls: DriverCalls, d: number): number[] {
  update(state, calls, d, { drained: true });
  return [0];
}

function takenFrame(context: Pick<CallContext, 'state' | 'oracle'>, devices: number, verb: string): Received {
  return callsOf(context.state, devices).taken ?? broken(context, devices, `${verb} a frame before taking one from the driver (consumeReceived)`);
}

function sameLength(context: Pick<CallContext, 'state' | 'oracle'>, devices: number, length: Value, frame: Received, verb: string): void {
  must(context, devices, T.eq(toTerm(length, 32), T.zext(frame.length, 16)), `${verb} the frame of device ${frame.device} with a length other than its LENGTH`);
}

/** The loop's arguments to the driver are concrete on each path (its devices, indices and addresses are). */
function concrete(context: Pick<CallContext, 'state' | 'oracle'>, value: Value, what: string, devices: number): number {
  if (!isTerm(value)) return Number(value) | 0;
  const pinned = context.oracle.pinned(context.state, value as Term);
  if (pinned !== null) return Number(BigInt.asIntN(32, pinned));
  return broken(context, devices, `passed the driver ${what} computed from the input`);
}

function must(at: Pick<CallContext, 'state' | 'oracle'>, devices: number, condition: Term, message: string): void {
  if (condition === T.TRUE) return;
  if (condition === T.FALSE) return broken(at, devices, message);
  at.oracle.require(at.state, condition, 'delivery', (witness) => words(at.state, devices, message, witness));
}

function broken(at: Pick<CallContext, 'state' | 'oracle'>, devices: number, message: string): never {
  return at.oracle.fail(at.state, 'delivery', (witness) => words(at.state, devices, message, witness));
}

const words = (state: ExecutionState, devices: number, message: string, witness: T.Assignment): string =>
  [`the I/O loop ${message} (the driver's contract)`, describeGiven(state, devices, witness), describeDeliveries({ state, devices }, witness)].filter((part) => part !== '').join('; ');

/** The frames the driver gave this poll under `witness`: device, RX descriptor, LENGTH, STAMP, ERROR bit. */
function describeGiven(state: ExecutionState, devices: number, witness: T.Assignment): string {
  const given = [...deviceState(state, devices).received.values()].map((r) =>
    `device ${r.device} RX descriptor ${r.index} (LENGTH ${T.evaluate(r.length, witness)}, STAMP ${T.evaluate(r.stamp, witness)}${T.evaluate(r.error, witness) ? ', ERROR' : ''})`);
  return given.length === 0 ? 'the driver gave no frame' : `the driver gave ${given.join(', ')}`;
}
