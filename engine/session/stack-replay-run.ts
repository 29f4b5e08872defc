// A stack counterexample run on the stacked .wasm in V8 (the replay worker's side): a device scripted from the model, the run-time rule checker watching.
//
// The device answers as stack-models/ does on the counterexample's path, value for value: the model's fresh
// values are named there by what they are and a count of the values made so far on the path (device-model.ts,
// device-state.ts, delivery.ts), and this device makes them in the same order, so it reads each from the model by
// the same name (a value the model does not name is 0, as on the path). nf_process is the layer above, which the
// verifier replaces by the NF layer's contract: here too it answers the model's result and frame. Binaryen's
// `instrument-memory` pass gives the checker every load and store (instrumented-build.ts; the stack's code is
// otherwise the build's), and an access below the frame's area, where no region of a poll lies, stops the run;
// each call of nf_process and the poll's sends go through the loop's contract (stack-replay-delivery.ts). Under
// `nf,io` the driver's entry points are replaced the same way and answer as its contract did
// (stack-replay-driver.ts), and the device is asked only for the clock in the poll.
import { descriptorAddress, device as D, DEVICE_MODULE, type DeviceImportName, type Manifest, ownedByDevice as owned, PACKET_BASE, type Ring } from '../../nf-abi/index.ts';
import { loadNf } from '../../libvig/index.ts';
import { driverExport, type DriverEntry } from '../../toolchain/build.ts';
import type { Assignment } from '../solver/term.ts';
import { DeliveryChecker, LoopBroken, type ReceivedFrame } from './stack-replay-delivery.ts';
import { DriverReplay, type ModelValues } from './stack-replay-driver.ts';
import { modelNames } from '../../stack-models/model-names.ts';
import { SCRIPTED_FRAME_LENGTH, SCRIPTED_RUNS, scriptedFinished, scriptedOutput, scriptedPolls, type ScriptedRun } from '../../stack-models/scripted-runs.ts';
import { RuleBroken, RuleChecker } from './stack-replay-rules.ts';
import { instrumentedModule, memoryHooks, outsideRegions, REPLAY_MODULE } from './instrumented-build.ts';

/** Where the explored poll started: right after stack_init, or after a scripted run and those before it (stack-models/scripted-runs.ts). */
export type PollStart = 'initialised' | ScriptedRun;

/**
 * `full`: the stacked build that runs, its device scripted; `nf,io`: the build with the driver's entry points kept
 * (toolchain's keepDriverCalls), which answer as the driver's contract did, giving up to `framesPerPoll` frames.
 */
export type ReplayedLayers = { layers: 'full' } | { layers: 'nf,io'; framesPerPoll: number };

export type StackRunRequest = {
  kind: 'stack';
  nf: { hash: string; wasm: Uint8Array; manifest: Manifest };
  model: Assignment;
  start: PollStart;
} & ReplayedLayers;

export type StackRunOutcome =
  /** The run broke a rule of the device protocol or the loop's contract; `during` says where (stack_init, a scripted run, the poll). */
  | { kind: 'broken'; violation: 'device' | 'delivery'; message: string; during: string; devices: string }
  | { kind: 'kept'; polls: number; devices: string }
  | { kind: 'stopped'; message: string; during: string }
  | { kind: 'not-run'; message: string };

/** Marks NF code running (timed by the session's bound) or not, per stretch. */
export type Stretch = (running: boolean) => void;

/** The model's value of a scalar (0 when it names none, as evaluation does), and of an array's byte. */
const scalar = (model: Assignment, name: string): bigint => model.scalars.get(name) ?? 0n;
const arrayByte = (model: Assignment, name: string, index: number): number => {
  const array = model.arrays.get(name);
  return array ? (array.entries.get(index) ?? array.fallback) : 0;
};

const EMPTY: Assignment = { scalars: new Map(), arrays: new Map(), functions: new Map() };

/**
 * Runs nf_init and stack_init, the scripted runs up to the one the poll started after, then the poll, with the
 * device answering from `request.model` in the poll (from no model before it, as the exploration's set-up runs).
 */
export async function runStackReplay(request: StackRunRequest, stretch: Stretch): Promise<StackRunOutcome> {
  const { manifest } = request.nf;
  const devices = manifest.devices;
  let memory: WebAssembly.Memory | null = null;
  let view = new DataView(new ArrayBuffer(0));
  const currentView = () => (view.buffer === memory!.buffer ? view : (view = new DataView(memory!.buffer)));
  const checker = new RuleChecker(devices, currentView);
  const delivery = new DeliveryChecker(manifest);
  let received: ReceivedFrame[] = [];
  let mode: 'explore' | ScriptedRun = 'explore';
  let answers = EMPTY;
  let made = 0;
  let watching = false;

  /** The device finishes some of its descriptors (device-model.ts: finish): as many as the model says. */
  const finish = (d: number, direction: 'rx' | 'tx'): number => {
    const ring = checker.registers[d]![direction];
    const finished = Number(scalar(answers, modelNames.finished(d, direction, made++)));
    const early = scalar(answers, modelNames.doneEarly(d, direction, made++)) === 1n;
    for (let k = 0; k < finished; k++) complete(d, direction, ring, (ring.head + k) % ring.size);
    if (ring.size > 0) ring.head = (ring.head + finished) % ring.size;
    if (early) complete(d, direction, ring, ring.head);
    return ring.head;
  };
  const complete = (d: number, direction: 'rx' | 'tx', ring: Ring, i: number) => {
    const v = currentView();
    const at = descriptorAddress(ring, i);
    const status = v.getUint16(at + D.DESCRIPTOR_STATUS, true);
    if ((status & D.STATUS_DONE) !== 0) return;
    if (direction === 'tx') return v.setUint16(at + D.DESCRIPTOR_STATUS, status | D.STATUS_DONE, true);
    const error = Number(scalar(answers, modelNames.received(d, i, 'error', made)));
    v.setUint16(at + D.DESCRIPTOR_LENGTH, Number(scalar(answers, modelNames.received(d, i, 'length', made))), true);
    v.setUint16(at + D.DESCRIPTOR_STATUS, (error << 1) | D.STATUS_DONE, true);
    v.setBigInt64(at + D.DESCRIPTOR_STAMP, BigInt.asIntN(64, scalar(answers, modelNames.received(d, i, 'stamp', made))), true);
    const buffer = v.getUint32(at + D.DESCRIPTOR_ADDRESS, true);
    const bytes = Uint8Array.from({ length: D.BUFFER_BYTES }, (_, k) => arrayByte(answers, modelNames.received(d, i, 'frame', made), k));
    new Uint8Array(memory!.buffer, buffer, D.BUFFER_BYTES).set(bytes);
    received.push({ device: d, index: i, buffer, length: v.getUint16(at + D.DESCRIPTOR_LENGTH, true), stamp: v.getBigInt64(at + D.DESCRIPTOR_STAMP, true), error: error !== 0, bytes });
    made++;
  };
  /** The device of a scripted run (stack-models/device-model.ts: scripted). */
  const scripted = (run: ScriptedRun, d: number, direction: 'rx' | 'tx'): number => {
    const ring = checker.registers[d]![direction];
    const finished = scriptedFinished(run, direction, d, owned(ring));
    const v = currentView();
    for (let k = 0; k < finished; k++) {
      const at = descriptorAddress(ring, (ring.head + k) % ring.size);
      if (direction === 'rx') {
        v.setUint16(at + D.DESCRIPTOR_LENGTH, SCRIPTED_FRAME_LENGTH, true);
        v.setBigInt64(at + D.DESCRIPTOR_STAMP, 0n, true);
        new Uint8Array(memory!.buffer, v.getUint32(at + D.DESCRIPTOR_ADDRESS, true), D.BUFFER_BYTES).fill(0);
      }
      v.setUint16(at + D.DESCRIPTOR_STATUS, D.STATUS_DONE, true);
    }
    ring.head = (ring.head + finished) % ring.size;
    return ring.head;
  };

  const device: Record<DeviceImportName, (...args: never[]) => unknown> = {
    read_register: (d: number, register: number): number => {
      checker.registerInRange(d, register, 'read');
      const registers = checker.registers[d]!;
      const direction = register === D.REGISTER_RX_HEAD ? 'rx' : register === D.REGISTER_TX_HEAD ? 'tx' : null;
      if (direction) return mode === 'explore' ? finish(d, direction) : scripted(mode, d, direction);
      const values: Record<number, number> = {
        [D.REGISTER_CONTROL]: registers.control, [D.REGISTER_RX_BASE]: registers.rx.base, [D.REGISTER_RX_SIZE]: registers.rx.size,
        [D.REGISTER_RX_TAIL]: registers.rx.tail, [D.REGISTER_TX_BASE]: registers.tx.base, [D.REGISTER_TX_SIZE]: registers.tx.size,
        [D.REGISTER_TX_TAIL]: registers.tx.tail,
      };
      return values[register]!;
    },
    write_register: (d: number, register: number, value: number): void => checker.write(d, register, value),
    now: (): bigint => {
      if (mode !== 'explore') return 0n;
      delivery.clock = BigInt.asIntN(64, scalar(answers, modelNames.now(made++)));
      return delivery.clock;
    },
  };
  /** nf_process as the NF layer's contract (stack-models/delivery.ts): in a scripted run, the script's output. */
  const layerAbove = (d: number, packet: number, length: number, time: bigint): number => {
    if (mode !== 'explore') {
      delivery.lastTime = time;
      return scriptedOutput(mode, d, devices);
    }
    const source = delivery.call(received, d, packet, length, time, new Uint8Array(memory!.buffer), driver?.taken);
    const count = made++;
    const output = Number(BigInt.asIntN(32, scalar(answers, modelNames.nfOutput(count))));
    const frame = Uint8Array.from({ length: manifest.frame.max }, (_, k) => arrayByte(answers, modelNames.nfFrame(count), k));
    new Uint8Array(memory!.buffer, PACKET_BASE, frame.length).set(frame);
    delivery.returned(source, output, frame);
    return output;
  };
  // The stack's polls are explored with the frame's area and all above it as memory (engine/stack's layout): an
  // access below it is the violation `out-of-bounds`, which V8 lets through.
  let inPoll = false;
  const env = memoryHooks({
    access(address, bytes, write) {
      if (inPoll && address < PACKET_BASE) throw outsideRegions(address, bytes, write, `memory ${PACKET_BASE}..${memory!.buffer.byteLength - 1}`);
      if (watching) checker.access(address, bytes, write);
    },
  });

  let during = 'nf_init';
  const run = (what: string, code: () => void): StackRunOutcome | null => {
    during = what;
    stretch(true);
    try {
      code();
      return null;
    } catch (e) {
      if (e instanceof RuleBroken || e instanceof LoopBroken) return { kind: 'broken', violation: e instanceof RuleBroken ? 'device' : 'delivery', message: e.message, during, devices: checker.describe() };
      return { kind: 'stopped', message: (e as Error).message, during };
    } finally {
      stretch(false);
    }
  };
  let stack: { stack_init(): void; stack_poll(): void } | null = null;
  // `nf,io`: the driver's entry points answer from the same model, counting its values with the device's.
  const values: ModelValues = { nextNumber: () => made++, scalar: (name) => scalar(answers, name), arrayByte: (name, k) => arrayByte(answers, name, k) };
  const driver = request.layers === 'nf,io' ? new DriverReplay(manifest, request.framesPerPoll, values, () => new Uint8Array(memory!.buffer), received) : null;
  const replaced: Record<string, (...args: never[]) => unknown> = { nf_process: layerAbove };
  if (driver) for (const [entry, answer] of Object.entries(driver.entries())) replaced[driverExport(entry as DriverEntry)] = answer;
  let module: WebAssembly.Module;
  try {
    module = await instrumentedModule(request.nf, Object.keys(replaced));
  } catch (e) {
    return { kind: 'not-run', message: `the stacked .wasm could not be instrumented for the replay: ${(e as Error).message}` };
  }
  const imports = { [DEVICE_MODULE]: device, env, [REPLAY_MODULE]: replaced } as never;
  const started = run('nf_init', () => {
    const nf = loadNf({ wasm: request.nf.wasm, manifest, module }, imports);
    memory = nf.memory;
    stack = nf.instance.exports as unknown as typeof stack;
  }) ?? run('stack_init', () => stack!.stack_init());
  if (started) return started;
  let polls = 0;
  const poll = (what: string) => run(what, () => {
    // Under `nf,io` the device region is the driver contract's to keep (it has no rules of the device protocol).
    watching = !driver;
    inPoll = true;
    try {
      stack!.stack_poll();
    } finally {
      inPoll = watching = false;
    }
    polls++;
  });
  const runs = request.start === 'initialised' ? [] : SCRIPTED_RUNS.slice(0, SCRIPTED_RUNS.indexOf(request.start) + 1);
  for (const run of runs) {
    mode = run;
    const polls = scriptedPolls(checker.registers[0]!.rx.size);
    for (let k = 0; k < polls; k++) {
      const broke = poll(`poll ${k + 1} of the ${run}`);
      if (broke) return broke;
    }
    mode = 'explore';
    received = [];
    checker.takeSent();
  }
  answers = request.model;
  const afterPoll = () => {
    driver?.checkEnd();
    delivery.checkSends(driver ? driver.sent : checker.takeSent(), new Uint8Array(memory!.buffer));
  };
  return poll('the poll') ?? run('the poll', afterPoll) ?? { kind: 'kept', polls, devices: checker.describe() };
}
