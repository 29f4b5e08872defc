// The I/O loop's side of the contract with the NF (the middle layer): nf_process, called by the stack, is replaced
// by what the NF layer verified of it, and the loop is checked to keep that layer's assumptions. Each call must
// pass the frame the device received on that device (bytes and length within nf.json's bounds) and a time that
// never goes backwards; after the poll, every frame sent must be one nf_process asked for, on the devices its
// result names, with the bytes nf_process left. Then the NF's spec, proved of nf_process alone, holds of every
// packet the stack delivers.
import { DROP, FLOOD, type Manifest, PACKET_BASE } from '../nf-abi/index.ts';
import * as T from '../engine/solver/term.ts';
import type { Assignment, Term } from '../engine/solver/term.ts';
import type { Oracle } from '../engine/symbex/interpreter.ts';
import type { Contract } from '../engine/symbex/import-contracts.ts';
import type { ExecutionState, Value } from '../engine/symbex/state.ts';
import { toTerm } from '../engine/symbex/values.ts';
import { deviceState, type DeviceModelState, type Received, setDeviceState } from './device-state.ts';
import { describeDevices } from './driver-rules.ts';
import { modelNames, receivedOf } from './model-names.ts';
import { scriptedOutput } from './scripted-runs.ts';

/** One call of nf_process on a path: what it was given and what the contract made its result. */
interface Delivery {
  device: Term;
  length: Term;
  time: Term;
  received: Received;
  /** nf_process's result, and the frame as it left it. */
  output: Term;
  frame: Term;
}

const KEY = 'stack-models/deliveries';

const deliveriesOf = (state: ExecutionState): readonly Delivery[] => (state.contractData.get(KEY) as Delivery[] | undefined) ?? [];

/**
 * nf_process as the NF layer verified it: any result, any frame bytes, given the inputs that layer assumes.
 * `noDevice`: a result that is no device (the smallest, nf.json's device count) is one more path, for the loop's
 * guard to be checked; output-range.ts proves nf_process returns none, so `full`, where a path costs a device
 * model's, leaves it out.
 */
export function nfProcessContract(manifest: Manifest, options: { noDevice?: boolean } = {}): Contract {
  return ({ state, oracle }, [device, packet, length, time]) => {
    const at: At = { state, oracle, devices: manifest.devices };
    // A scripted run (scripted-runs.ts): every frame goes out unchanged, where the script sends it.
    const { mode } = deviceState(state, manifest.devices);
    if (mode !== 'explore') {
      setDeviceState(state, { ...deviceState(state, manifest.devices), lastTime: toTerm(time!, 64) });
      // An i32 is a number 0 .. 2^32-1 here (engine/symbex/state.ts): FLOOD's -2 as its two's complement.
      return [scriptedOutput(mode, device as number, manifest.devices) >>> 0];
    }
    if (packet !== PACKET_BASE) broken(at, `called nf_process with the frame at ${String(packet)}, not at ${PACKET_BASE}`);
    const [d, n, t] = [toTerm(device!, 32), toTerm(length!, 32), toTerm(time!, 64)];
    at.calling = { device: d, length: n, time: t };
    must(at, T.compare('ult', d, T.bv(manifest.devices, 32)), `called nf_process with a device beyond the NF's ${manifest.devices}`);
    must(at, T.and(T.compare('ule', T.bv(manifest.frame.min, 32), n), T.compare('ule', n, T.bv(manifest.frame.max, 32))),
      `called nf_process with a length outside nf.json's frame bounds [${manifest.frame.min}, ${manifest.frame.max}]`);
    const earlier = deliveriesOf(state);
    const received = receivedFrame(at, d, n, manifest.frame.max);
    at.calling.received = received;
    const twice = earlier.find((e) => e.received === received);
    if (twice) broken(at, `called nf_process a second time with the frame of RX descriptor ${received.index} of device ${received.device}`);
    must(at, T.eq(received.error, T.bv(0, 1)), 'called nf_process with a frame the device marked with its ERROR bit');
    const model = deviceState(state, manifest.devices);
    must(at, T.eq(t, handedTime(at, received.stamp, model)), 'called nf_process with a time other than its stamp capped at the clock and raised to the previous frame\'s time');
    // Any result the NF layer allows (output-range.ts proves nf_process returns no other): one path each.
    const results = [DROP >>> 0, FLOOD >>> 0, ...Array.from({ length: manifest.devices + (options.noDevice ? 1 : 0) }, (_, e) => e)];
    const chosen = T.variable(modelNames.nfOutput(model.made), 32);
    const cases = results.map((r) => T.eq(chosen, T.bv(r, 32)));
    oracle.assume(state, [T.or(...cases)]);
    const output = T.bv(results[oracle.choose(state, cases)]!, 32);
    const frame = T.arrayVariable(modelNames.nfFrame(model.made));
    setDeviceState(state, { ...model, made: model.made + 1, lastTime: t });
    for (let k = 0; k < manifest.frame.max; k++) state.memory.write(PACKET_BASE + k, T.select(frame, T.bv(k, 32)));
    state.contractData.set(KEY, [...earlier, { device: d, length: n, time: t, received, output, frame }]);
    return [Number(output.value)];
  };
}

/**
 * stack/README.md's rule, One poll step 3: the frame's stamp, capped at the clock the poll read, raised to the
 * time of the previous frame (in any poll: the times an NF sees never decrease).
 */
function handedTime(at: At, stamp: Term, model: DeviceModelState): Term {
  if (model.clock === null) return broken(at, 'called nf_process before reading the clock (now())');
  const clock = toTerm(model.clock, 64);
  const capped = T.ite(T.compare('slt', clock, stamp), clock, stamp);
  if (model.lastTime === null) return capped;
  const previous = toTerm(model.lastTime, 64);
  return T.ite(T.compare('slt', capped, previous), previous, capped);
}

/**
 * The frame at PACKET_BASE is one the device received on `device`: its first `length` bytes are those of one
 * RX buffer's frame (the stack copies whole blocks, so a byte past `length` may differ).
 */
function receivedFrame(at: At, device: Term, length: Term, max: number): Received {
  // The frame is the one whose descriptor's LENGTH the length was read from (their names share descriptor and number).
  const names = T.variablesOf([length]).map((v) => receivedOf(v.name)).filter((r) => r !== null && r.field === 'length');
  const source = names.length === 1 ? T.arrayVariable(modelNames.received(names[0]!.d, names[0]!.i, 'frame', names[0]!.n)) : null;
  const received = source ? deviceState(at.state, at.devices).received.get(source.name) : undefined;
  if (!source || !received) return broken(at, 'called nf_process with a length that is no received frame\'s LENGTH');
  must(at, T.eq(device, T.bv(received.device, 32)), `called nf_process with the frame of RX descriptor ${received.index} of device ${received.device} as if from another device`);
  sameBytes(at, PACKET_BASE, source, length, max, (k) => `called nf_process with byte ${k} of the frame other than the device received (RX descriptor ${received.index} of device ${received.device})`);
  return received;
}

/**
 * After the poll: every TX descriptor handed to a device sends the frame of one delivery whose result names that
 * device (FLOOD: every other one), with its length and the bytes nf_process left; every such device got it once.
 * An iteration that delivers nothing sends nothing (the spec's `a_packet_received` false).
 */
export function checkSends(manifest: Manifest): (state: ExecutionState, oracle: Oracle) => void {
  return (state, oracle) => {
    const at = { state, oracle, devices: manifest.devices };
    const deliveries = deliveriesOf(state);
    const { sent } = deviceState(state, manifest.devices);
    const asks = (delivery: Delivery, e: number): Term =>
      T.or(T.eq(delivery.output, T.bv(e, 32)), T.and(T.eq(delivery.output, T.bv(FLOOD >>> 0, 32)), T.not(T.eq(delivery.device, T.bv(e, 32)))));
    for (const send of sent) {
      const delivery = deliveries.find((d) => d.received.buffer === send.address);
      const what = `TX descriptor ${send.index} of device ${send.device}`;
      if (!delivery) broken(at, `sent ${what} from 0x${send.address.toString(16)}, a frame no call of nf_process returned`);
      must(at, asks(delivery, send.device), `sent ${what}, the frame of RX descriptor ${delivery.received.index} of device ${delivery.received.device}, to a device nf_process's result does not name`);
      must(at, T.eq(toTerm(send.length as Value, 16), T.extract(15, 0, delivery.length)), `sent ${what} with a LENGTH other than the frame's`);
      sameBytes(at, send.address, delivery.frame, delivery.length, manifest.frame.max, (k) => `sent ${what} with byte ${k} other than nf_process left it`);
    }
    for (const delivery of deliveries) {
      for (let e = 0; e < manifest.devices; e++) {
        const copies = sent.filter((s) => s.device === e && s.address === delivery.received.buffer).length;
        if (copies > 1) broken(at, `sent the frame of RX descriptor ${delivery.received.index} of device ${delivery.received.device} ${copies} times on device ${e}`);
        if (copies === 0) must(at, T.not(asks(delivery, e)), `did not send the frame of RX descriptor ${delivery.received.index} of device ${delivery.received.device} on device ${e}, which nf_process's result names (${DROP} is DROP, ${FLOOD} FLOOD)`);
      }
    }
  };
}

/**
 * The bytes at `address` below `length` must be `frame`'s in value: each that is not the frame's own term must
 * equal it where `k < length`. A byte that is a choice (the stack's block copy merged over the trip counts the
 * length allows: engine/symbex/merge.ts) may be, and the checks go on; the first byte that is another value
 * outright ends them (one counterexample is enough, and its model has the two values differ, so a replay shows
 * it). The message names the byte that differs.
 */
function sameBytes(at: At, address: number, frame: Term, length: Term, bytes: number, message: (byte: number) => string): void {
  const checks: { k: number; holds: Term }[] = [];
  for (let k = 0; k < bytes; k++) {
    const byte = at.state.memory.read(address + k);
    const expected = T.select(frame, T.bv(k, 32));
    if (byte === expected) continue;
    const shorter = T.compare('ule', length, T.bv(k, 32));
    checks.push({ k, holds: T.or(shorter, T.eq(typeof byte === 'number' ? T.bv(byte, 8) : byte, expected)) });
    if (typeof byte === 'number' || byte.op !== 'ite') break;
  }
  const holds = T.and(...checks.map((c) => c.holds));
  const differing = (witness: Assignment) => message(checks.find((c) => T.evaluate(c.holds, witness) === 0n)?.k ?? 0);
  if (holds === T.FALSE) broken(at, differing(at.state.model));
  if (holds !== T.TRUE) at.oracle.require(at.state, holds, 'delivery', (witness) => words(at, differing(witness), witness));
}

interface At {
  state: ExecutionState;
  oracle: Oracle;
  devices: number;
  /** The call of nf_process being checked, for the counterexample's words. */
  calling?: { device: Term; length: Term; time: Term; received?: Received };
}

/** As driver-rules.ts's: the failing side is a violation worded with its model, the path goes on where it holds. */
function must(at: At, condition: Term, message: string): void {
  if (condition === T.TRUE) return;
  if (condition === T.FALSE) return broken(at, message);
  at.oracle.require(at.state, condition, 'delivery', (witness) => words(at, message, witness));
}

function broken(at: At, message: string): never {
  return at.oracle.fail(at.state, 'delivery', (witness) => words(at, message, witness));
}

const words = (at: At, message: string, witness: Assignment): string =>
  [`the I/O loop ${message}`, describeDeliveries(at, witness), describeDevices(at.state, at.devices, witness)].filter((part) => part !== '').join('; ');

/**
 * The poll in the I/O loop's terms under `witness`: the clock, each frame handed to nf_process (device, length,
 * stamp, time, what nf_process returned) and the call being checked, then what was sent on which device.
 */
export function describeDeliveries(at: Pick<At, 'state' | 'devices' | 'calling'>, witness: Assignment): string {
  const model = deviceState(at.state, at.devices);
  const value = (v: bigint | Term) => (typeof v === 'bigint' ? v : T.evaluate(v, witness));
  const signed = (v: bigint | Term) => BigInt.asIntN(64, value(v));
  const result = (output: Term) => {
    const r = Number(value(output)) | 0;
    return r === DROP ? 'DROP' : r === FLOOD ? 'FLOOD' : r >= 0 && r < at.devices ? `device ${r}` : `${r} (no device)`;
  };
  const frame = (d: { device: Term; length: Term; time: Term; received?: Received }) =>
    `device ${value(d.device)}, length ${value(d.length)}${d.received ? `, stamp ${signed(d.received.stamp)}` : ''}, time ${signed(d.time)}`;
  const parts = deliveriesOf(at.state).map((d) => `nf_process(${frame(d)}) returned ${result(d.output)}`);
  if (at.calling) parts.push(`then nf_process(${frame(at.calling)}) was called`);
  for (const send of model.sent) {
    const from = [...model.received.values()].find((r) => r.buffer === send.address);
    parts.push(`sent on device ${send.device}: ${from ? `the frame of device ${from.device}` : `0x${send.address.toString(16)}`}, length ${value(send.length)}`);
  }
  if (parts.length === 0) return '';
  return `${model.clock === null ? '' : `clock ${signed(model.clock)}: `}${parts.join('; ')}`;
}
