// Runs a stacked NF (toolchain's buildStackedNf) on an emulated device: the trace's records play the wire.
//
// The device has two halves on the NF's own memory. Module "device"'s imports, which the stack calls a few times
// per poll, are JavaScript here and check every register write against nf-abi/device.ts's rules (a stack that
// breaks one stops with a DeviceProtocolError naming the register and the rule). The per-packet half, filling RX
// descriptors and sending TX ones, is as/device.ts, compiled with the toolchain on the NF's memory, so that no
// JavaScript runs per packet: it calls stack_poll wasm-to-wasm. The trace's records are copied into the NF's
// memory after the device region (device-layout.ts) and processed there in place.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { device, DEVICE_MODULE, type DeviceImportName, deviceRegionEnd, REGISTER_NAMES } from '../nf-abi/index.ts';
import { compileSource } from '../toolchain/build.ts';
import { loadNf, type NfBinary } from '../libvig/index.ts';
import { DEVICE_AREA_ALIGN, REGISTER_STRIDE } from './device-layout.ts';

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

/** The device, once its per-packet half is compiled. */
export async function deviceEmulation(): Promise<EmulateDevice> {
  const module = await compiledDevice();
  return (build, records) => emulateOn(module, build, records);
}

function emulateOn(module: WebAssembly.Module, build: NfBinary & { module: WebAssembly.Module }, records: Uint8Array): EmulatedNic {
  const devices = build.manifest.devices;
  const registerFile = align(deviceRegionEnd(devices));
  const clockAt = registerFile + devices * REGISTER_STRIDE * 4;
  const slotTable = align(clockAt + 8);
  const recordsAt = align(slotTable + devices * device.MAX_RING_SIZE * 4);
  let memory: WebAssembly.Memory | null = null;
  let words = new Int32Array(0);
  let view = new DataView(new ArrayBuffer(0));
  const registers = (): Int32Array => {
    // A view of a buffer that memory.grow replaced has length 0.
    if (words.length === 0) {
      words = new Int32Array(memory!.buffer, registerFile, devices * REGISTER_STRIDE);
      view = new DataView(memory!.buffer);
    }
    return words;
  };
  const imports = {
    read_register(at: number, register: number): number {
      checkRegister(at, register, devices, 'read');
      return registers()[at * REGISTER_STRIDE + register]!;
    },
    write_register(at: number, register: number, value: number): void {
      checkRegister(at, register, devices, 'write');
      const file = registers();
      const problem = writeProblem(file.subarray(at * REGISTER_STRIDE, (at + 1) * REGISTER_STRIDE), register, value, devices);
      if (problem) throw new DeviceProtocolError(`the stack wrote ${value} to device ${at}'s ${REGISTER_NAMES[register]}: ${problem}`);
      file[at * REGISTER_STRIDE + register] = value;
    },
    now(): bigint {
      registers();
      return view.getBigInt64(clockAt, true);
    },
  } satisfies Record<DeviceImportName, unknown>;
  const nf = loadNf(build, { [DEVICE_MODULE]: imports });
  memory = nf.memory;
  const stack = nf.instance.exports as unknown as { stack_init(): void; stack_poll(): void };
  // The device's area (and the region under it) exists before the stack's first register access.
  const end = recordsAt + records.length;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE_BYTES));
  new Uint8Array(memory.buffer, recordsAt, records.length).set(records);
  try {
    stack.stack_init();
  } catch (e) {
    // stack/driver.ts's driverInit traps only when the region cannot be had.
    if (e instanceof WebAssembly.RuntimeError) {
      throw new Error(`the stack could not start: ${build.manifest.name}'s static data reaches the stack's device region at ${device.DEVICE_REGION_BASE} (nf-abi/device.ts; keep its tables in libVig, not in static arrays), or memory could not grow over the region`, { cause: e });
    }
    throw e;
  }
  const instance = new WebAssembly.Instance(module, { env: { memory, abort: deviceAbort }, host: { stack_poll: stack.stack_poll, clock: () => performance.now() } });
  const emulation = instance.exports as unknown as DeviceExports;
  emulation.init(registerFile, slotTable, devices);
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
    records: (from, to) => new Uint8Array(memory!.buffer, recordsAt + from, to - from),
  };
}

/** The innermost frame of an error's stack, trimmed. */
const innermostFrame = (error: Error): string | undefined => error.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim();

const align = (address: number): number => Math.ceil(address / DEVICE_AREA_ALIGN) * DEVICE_AREA_ALIGN;

function deviceAbort(): never {
  throw new Error(`${DEVICE_SOURCE} called abort`);
}

function checkRegister(at: number, register: number, devices: number, access: 'read' | 'write'): void {
  if (!Number.isInteger(at) || at < 0 || at >= devices) throw new DeviceProtocolError(`the stack tried to ${access} a register of device ${at}, but the NF has devices 0 to ${devices - 1} (rule 1, nf-abi/device.ts)`);
  if (register < 0 || register >= device.REGISTER_COUNT) throw new DeviceProtocolError(`the stack tried to ${access} register ${register} of device ${at}, which does not exist (registers 0 to ${device.REGISTER_COUNT - 1}; rule 1)`);
}

/** What is wrong with writing `value` to `register` of a device whose registers are `file`, or null. */
function writeProblem(file: Int32Array, register: number, value: number, devices: number): string | null {
  const control = file[device.REGISTER_CONTROL]!;
  switch (register) {
    case device.REGISTER_CONTROL:
      return (value & device.CONTROL_RESERVED) !== 0 ? `reserved bits 0x${((value & device.CONTROL_RESERVED) >>> 0).toString(16)} set (rule 1)` : null;
    case device.REGISTER_RX_HEAD:
    case device.REGISTER_TX_HEAD:
      return 'only the device writes a HEAD (rule 1)';
    case device.REGISTER_RX_BASE:
    case device.REGISTER_RX_SIZE:
      return ringProblem(control & device.CONTROL_RX_ENABLE, file, device.REGISTER_RX_BASE, register, value, devices);
    case device.REGISTER_TX_BASE:
    case device.REGISTER_TX_SIZE:
      return ringProblem(control & device.CONTROL_TX_ENABLE, file, device.REGISTER_TX_BASE, register, value, devices);
    case device.REGISTER_RX_TAIL:
      return tailProblem(file, device.REGISTER_RX_SIZE, device.REGISTER_RX_HEAD, device.REGISTER_RX_TAIL, value);
    case device.REGISTER_TX_TAIL:
      return tailProblem(file, device.REGISTER_TX_SIZE, device.REGISTER_TX_HEAD, device.REGISTER_TX_TAIL, value);
    default:
      return null;
  }
}

/** Rule 2: a ring is set up while its direction is disabled, aligned, of a power-of-two size, inside the region. */
function ringProblem(enabled: number, file: Int32Array, baseRegister: number, register: number, value: number, devices: number): string | null {
  if (enabled) return 'a ring is set up only while its direction is disabled in CONTROL (rule 2)';
  const base = register === baseRegister ? value >>> 0 : file[baseRegister]! >>> 0;
  const size = register === baseRegister ? file[baseRegister + 1]! : value;
  if (register !== baseRegister && (size < 2 || size > device.MAX_RING_SIZE || (size & (size - 1)) !== 0)) return `a ring's size is a power of two from 2 to ${device.MAX_RING_SIZE} (rule 2)`;
  if (base % device.DESCRIPTOR_BYTES !== 0) return `a ring's base is a multiple of ${device.DESCRIPTOR_BYTES} (rule 2)`;
  const end = base + Math.max(size, 0) * device.DESCRIPTOR_BYTES;
  if (base !== 0 && (base < device.DEVICE_REGION_BASE || end > deviceRegionEnd(devices))) return `the ring [${base}, ${end}) lies outside the device region [${device.DEVICE_REGION_BASE}, ${deviceRegionEnd(devices)}) (rule 2)`;
  return null;
}

/** Rule 3: a TAIL moves forward over descriptors the driver owns, never to HEAD. */
function tailProblem(file: Int32Array, sizeRegister: number, headRegister: number, tailRegister: number, value: number): string | null {
  const size = file[sizeRegister]!;
  if (size === 0) return 'the ring has no size yet (rule 2 comes first)';
  if (value < 0 || value >= size) return `an index of a ring of ${size} descriptors is 0 to ${size - 1}`;
  const head = file[headRegister]!;
  const before = (file[tailRegister]! - head + size) % size;
  const after = (value - head + size) % size;
  // Moving back, or forward onto or past HEAD, leaves the device fewer descriptors than it owned.
  if (after < before) return `with HEAD ${head} and TAIL ${file[tailRegister]} the device owned ${before} descriptors and would own ${after}: a TAIL moves only forward over descriptors the driver owns, never onto HEAD (rule 3)`;
  return null;
}

/** Whether a WebAssembly binary has a data section (id 11): sections follow the 8-byte header as id, LEB128 size, body. */
function hasDataSection(wasm: Uint8Array): boolean {
  for (let at = 8; at < wasm.length; ) {
    const id = wasm[at++]!;
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[at++]!;
      size += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    if (id === 11) return true;
    at += size;
  }
  return false;
}
