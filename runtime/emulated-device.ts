// Runs a stacked NF (toolchain's buildStackedNf) on an emulated device: the trace's records play the wire.
//
// The device is as/device.ts, compiled with the toolchain on the NF's own memory: it fills RX descriptors, calls
// stack_poll wasm-to-wasm and sends TX ones, and answers module "device"'s imports (bound to the NF through
// toolchain/late-binding.ts), checking every register access against nf-abi/device.ts's rules, so that no
// JavaScript runs per poll. A stack that breaks a rule stops with a DeviceProtocolError naming the register and the
// rule, worded here from what as/device.ts found (device-layout.ts's PROBLEM_*). The NF runs on libVig's WebAssembly run-time
// (libvig/wasm/), whose objects fill libVig's region of the same memory; the device's own area (device-layout.ts)
// and the trace's records, copied in and processed there in place, come after that region.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { device, DEVICE_ABI, DEVICE_MODULE, type DeviceImportName, deviceRegionEnd, LIBVIG_REGION_BASE, LIBVIG_REGION_END, REGISTER_NAMES } from '../nf-abi/index.ts';
import { compileSource } from '../toolchain/build.ts';
import { hasDataSection } from '../toolchain/wasm-encoding.ts';
import { compiledLibVig, loadNf, type NfBinary } from '../libvig/index.ts';
import { DEVICE_AREA_ALIGN, PROBLEM_HEAD_WRITTEN, PROBLEM_NO_DEVICE, PROBLEM_NO_REGISTER, PROBLEM_RESERVED_BITS, PROBLEM_RING_ALIGNMENT, PROBLEM_RING_OUTSIDE, PROBLEM_RING_SIZE, PROBLEM_RING_WHILE_ENABLED, PROBLEM_TAIL_BACKWARDS, PROBLEM_TAIL_INDEX, PROBLEM_TAIL_WITHOUT_SIZE, REGISTER_STRIDE } from './device-layout.ts';
import { lateBinding } from '../toolchain/late-binding.ts';

export class DeviceProtocolError extends Error {}

const RUNTIME_DIR = dirname(fileURLToPath(import.meta.url));
const DEVICE_SOURCE = join(RUNTIME_DIR, 'as', 'device.ts');
/** What the device's source imports besides the toolchain's shared sources. */
const DEVICE_IMPORTS = [join(RUNTIME_DIR, 'record-layout.ts'), join(RUNTIME_DIR, 'device-layout.ts'), join(RUNTIME_DIR, '..', 'nf-abi', 'device.ts')];
const PAGE_BYTES = 65536;

interface DeviceExports {
  init(registerFile: number, slotTable: number, devices: number): void;
  run(records: number, count: number, timeProbes: number): void;
}

let deviceModule: Promise<WebAssembly.Module> | null = null;

/** The per-packet half, compiled once per process (and cached on disk by the toolchain). */
function compiledDevice(): Promise<WebAssembly.Module> {
  return (deviceModule ??= compileSource(DEVICE_SOURCE, { exports: [], ascFlags: ['--importMemory'], alsoReads: DEVICE_IMPORTS }).then(({ wasm }) => {
    if (hasDataSection(wasm)) throw new Error(`${DEVICE_SOURCE} compiled with static data, which would land in the NF's memory: keep strings and static arrays out of it`);
    return new WebAssembly.Module(wasm);
  }));
}

export interface EmulatedNic {
  /** Runs `count` records from byte `offset` of the records on, in order; with `timeProbes`, each probe alone and timed. */
  run(offset: number, count: number, timeProbes: boolean): void;
  /** The records [from, to) (byte offsets) as processed: outputs, sent frames, latencies. */
  records(from: number, to: number): Uint8Array;
}

/** Loads a fresh instance of the stacked NF `build` (nf_init and stack_init run) on a fresh device with `records` (a trace's) on its wire. */
export type EmulateDevice = (build: NfBinary & { module: WebAssembly.Module }, records: Uint8Array) => EmulatedNic;

/** The device, once its per-packet half and libVig's WebAssembly run-time (libvig/wasm/) are compiled. */
export async function deviceEmulation(): Promise<EmulateDevice> {
  const [module, libvig] = await Promise.all([compiledDevice(), compiledLibVig()]);
  return (build, records) => emulateOn(module, libvig, build, records);
}

function emulateOn(module: WebAssembly.Module, libvig: WebAssembly.Module, build: NfBinary & { module: WebAssembly.Module }, records: Uint8Array): EmulatedNic {
  const devices = build.manifest.devices;
  if (deviceRegionEnd(devices) > LIBVIG_REGION_BASE) {
    throw new Error(`${build.manifest.name} has ${devices} devices, whose device region (nf-abi/device.ts) would reach libVig's region at ${LIBVIG_REGION_BASE} (nf-abi/memory-layout.ts); run it with fewer devices`);
  }
  // The device's own area, after libVig's region: its objects grow into that region after nf_init too.
  const registerFile = LIBVIG_REGION_END;
  const clockAt = registerFile + devices * REGISTER_STRIDE * 4;
  const slotTable = align(clockAt + 8);
  const recordsAt = align(slotTable + devices * device.MAX_RING_SIZE * 4);
  // Module "device": as/device.ts's exports, bound once it is instantiated on the NF's memory.
  const registers = lateBinding(DEVICE_ABI);
  const nf = loadNf(build, { [DEVICE_MODULE]: registers.imports }, { libvig });
  const memory = nf.memory;
  const stack = nf.instance.exports as unknown as { stack_init(): void; stack_poll(): void };
  // The device's area (and the region under it) exists before the stack's first register access.
  const end = recordsAt + records.length;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE_BYTES));
  new Uint8Array(memory.buffer, recordsAt, records.length).set(records);
  const protocol_error = (write: number, at: number, register: number, value: number, problem: number): never => {
    const file = () => new Int32Array(memory.buffer, registerFile + at * REGISTER_STRIDE * 4, REGISTER_STRIDE);
    throw new DeviceProtocolError(protocolProblem(write === 1, at, register, value, problem, file, devices));
  };
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: deviceAbort }, host: { stack_poll: stack.stack_poll, clock: () => performance.now(), protocol_error } });
  for (const name of Object.keys(DEVICE_ABI) as DeviceImportName[]) registers.bind(name, instance.exports[name]!);
  const emulation = instance.exports as unknown as DeviceExports;
  emulation.init(registerFile, slotTable, devices);
  try {
    stack.stack_init();
  } catch (e) {
    // stack/driver.ts's driverInit traps only when the region cannot be had.
    if (e instanceof WebAssembly.RuntimeError) {
      throw new Error(`the stack could not start: ${build.manifest.name}'s static data reaches the stack's device region at ${device.DEVICE_REGION_BASE} (nf-abi/device.ts; keep its tables in libVig, not in static arrays), or memory could not grow over the region`, { cause: e });
    }
    throw e;
  }
  return {
    run(offset, count, timeProbes) {
      try {
        emulation.run(recordsAt + offset, count, timeProbes ? 1 : 0);
      } catch (e) {
        // A trap whose innermost frame is the device's own code is one of its checks (the NF's traps pass on).
        const innermost = e instanceof WebAssembly.RuntimeError ? innermostFrame(e) : undefined;
        if (innermost?.includes('runtime/as/device/')) {
          throw new DeviceProtocolError(`the emulated device stopped (${(e as Error).message}) ${innermost}: the stack handed it a TX descriptor outside its buffers or kept every RX descriptor (runtime/as/device.ts says which check is where)`, { cause: e });
        }
        throw e;
      }
    },
    records: (from, to) => new Uint8Array(memory.buffer, recordsAt + from, to - from),
  };
}

/** The innermost frame of an error's stack, trimmed. */
const innermostFrame = (error: Error): string | undefined => error.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim();

const align = (address: number): number => Math.ceil(address / DEVICE_AREA_ALIGN) * DEVICE_AREA_ALIGN;

function deviceAbort(): never {
  throw new Error(`${DEVICE_SOURCE} called abort`);
}

/**
 * A DeviceProtocolError's message: what as/device.ts found (`problem`, device-layout.ts) when the stack wrote
 * `value` to (or read) `register` of device `at`, whose registers `file` gives, unchanged by the access.
 */
function protocolProblem(write: boolean, at: number, register: number, value: number, problem: number, file: () => Int32Array, devices: number): string {
  const access = write ? 'write' : 'read';
  switch (problem) {
    case PROBLEM_NO_DEVICE: return `the stack tried to ${access} a register of device ${at}, but the NF has devices 0 to ${devices - 1} (rule 1, nf-abi/device.ts)`;
    case PROBLEM_NO_REGISTER: return `the stack tried to ${access} register ${register} of device ${at}, which does not exist (registers 0 to ${device.REGISTER_COUNT - 1}; rule 1)`;
  }
  return `the stack wrote ${value} to device ${at}'s ${REGISTER_NAMES[register]}: ${writeProblem(file(), register, value, problem, devices)}`;
}

/** Why writing `value` to `register` of the device whose registers are `file` breaks a rule (the problem as/device.ts found). */
function writeProblem(file: Int32Array, register: number, value: number, problem: number, devices: number): string {
  const baseRegister = register === device.REGISTER_RX_BASE || register === device.REGISTER_RX_SIZE ? device.REGISTER_RX_BASE : device.REGISTER_TX_BASE;
  const base = register === baseRegister ? value >>> 0 : file[baseRegister]! >>> 0;
  const size = register === baseRegister ? file[baseRegister + 1]! : value;
  const [sizeRegister, headRegister] = register === device.REGISTER_RX_TAIL ? [device.REGISTER_RX_SIZE, device.REGISTER_RX_HEAD] : [device.REGISTER_TX_SIZE, device.REGISTER_TX_HEAD];
  const ringSize = file[sizeRegister]!;
  const head = file[headRegister]!;
  switch (problem) {
    case PROBLEM_RESERVED_BITS: return `reserved bits 0x${((value & device.CONTROL_RESERVED) >>> 0).toString(16)} set (rule 1)`;
    case PROBLEM_HEAD_WRITTEN: return 'only the device writes a HEAD (rule 1)';
    // Rule 2: a ring is set up while its direction is disabled, aligned, of a power-of-two size, inside the region.
    case PROBLEM_RING_WHILE_ENABLED: return 'a ring is set up only while its direction is disabled in CONTROL (rule 2)';
    case PROBLEM_RING_SIZE: return `a ring's size is a power of two from 2 to ${device.MAX_RING_SIZE} (rule 2)`;
    case PROBLEM_RING_ALIGNMENT: return `a ring's base is a multiple of ${device.DESCRIPTOR_BYTES} (rule 2)`;
    case PROBLEM_RING_OUTSIDE: return `the ring [${base}, ${base + Math.max(size, 0) * device.DESCRIPTOR_BYTES}) lies outside the device region [${device.DEVICE_REGION_BASE}, ${deviceRegionEnd(devices)}) (rule 2)`;
    // Rule 3: a TAIL moves forward over descriptors the driver owns, never to HEAD.
    case PROBLEM_TAIL_WITHOUT_SIZE: return 'the ring has no size yet (rule 2 comes first)';
    case PROBLEM_TAIL_INDEX: return `an index of a ring of ${ringSize} descriptors is 0 to ${ringSize - 1}`;
    case PROBLEM_TAIL_BACKWARDS: {
      const before = (file[register]! - head + ringSize) % ringSize;
      const after = (value - head + ringSize) % ringSize;
      // Moving back, or forward onto or past HEAD, leaves the device fewer descriptors than it owned.
      return `with HEAD ${head} and TAIL ${file[register]} the device owned ${before} descriptors and would own ${after}: a TAIL moves only forward over descriptors the driver owns, never onto HEAD (rule 3)`;
    }
    default: return `problem ${problem}, which runtime/device-layout.ts does not define`;
  }
}
