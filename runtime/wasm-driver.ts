// The hot loop of the verified NF, in WebAssembly: a tiny module that imports the NF's own memory and
// nf_process and runs a burst of staged trace records (runtime/trace.ts) through it. Calls from WebAssembly to
// an imported WebAssembly function stay inside V8's compiled code, so a packet costs no JavaScript boundary, no
// BigInt for its time stamp and no allocation; JavaScript only copies whole bursts in and out, as a NIC driver's
// receive and transmit bursts would.
//
// Staging: bursts of records are copied to address 0 of the NF's memory (bursts.ts), and each frame in turn to
// PACKET_BASE, where the verifier assumed it, and back. Frames are copied a word (8 bytes) at a time by the driver's own loop: records are padded
// to 8 bytes, and V8 compiles memory.copy to a call into C++ that costs more than a 64-byte frame's eight words.
// The module is encoded here by hand (about 50 instructions) so that running needs no assembler.
import { PACKET_BASE } from '../toolchain/build.ts';
import { FIELD_FLAGS, FIELD_LATENCY, FIELD_LENGTH, FIELD_TIME, RECORD_HEADER } from './trace.ts';

export interface Driver {
  /** Runs the `count` records staged at address 0; with `timeProbes`, times each probe with the clock import. */
  run(count: number, timeProbes: number): void;
}

/** Instantiates the driver over an NF instance's exports; `clock` returns milliseconds (performance.now). */
export function instantiateDriver(nf: { memory: WebAssembly.Memory; nf_process: unknown }, clock: () => number): Driver {
  const instance = new WebAssembly.Instance(driverModule(), { nf: { memory: nf.memory, nf_process: nf.nf_process as WebAssembly.ImportValue, clock } });
  return instance.exports as unknown as Driver;
}

let compiled: WebAssembly.Module | null = null;

function driverModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(encodeDriver()));
}

const I32 = 0x7f;
const I64 = 0x7e;
const F64 = 0x7c;
const op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, call: 0x10, localGet: 0x20, localSet: 0x21,
  i32Load: 0x28, i64Load: 0x29, i32Load16U: 0x2f, i32Store: 0x36, f64Store: 0x39, i32Const: 0x41, f64Const: 0x44,
  i64Store: 0x37, i32Eqz: 0x45, i32GeS: 0x4e, i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, f64Sub: 0xa1, f64Mul: 0xa2,
  void: 0x40,
};

function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signed(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

const name = (text: string): number[] => [...unsigned(text.length), ...new TextEncoder().encode(text)];
const vector = (items: number[][]): number[] => [...unsigned(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => [id, ...unsigned(content.length), ...content];
const memarg = (align: number, offset: number): number[] => [align, ...unsigned(offset)];
const f64 = (value: number): number[] => [...new Uint8Array(new Float64Array([value]).buffer)];

// Function indices: imports first (0 nf_process, 1 clock), then run (2). Locals of run: 0 count, 1 timeProbes
// (parameters), 2 record, 3 length, 4 timed, 5 copied (i32), 6 started (f64).
const [NF_PROCESS, CLOCK] = [0, 1];
const [COUNT, TIME_PROBES, RECORD, LENGTH, TIMED, COPIED, STARTED] = [0, 1, 2, 3, 4, 5, 6];

function encodeDriver(): Uint8Array {
  const get = (local: number) => [op.localGet, local];
  const set = (local: number) => [op.localSet, local];
  const i32 = (value: number) => [op.i32Const, ...signed(value)];
  // Copies the record's frame to the packet area (or back), whole words up to the record's padding.
  const copyFrame = (toPacketArea: boolean) => {
    const recordWord = [...get(COPIED), ...get(RECORD), op.i32Add];
    const packetWord = get(COPIED);
    const [to, toOffset, from, fromOffset] = toPacketArea
      ? [packetWord, PACKET_BASE, recordWord, RECORD_HEADER]
      : [recordWord, RECORD_HEADER, packetWord, PACKET_BASE];
    return [
      ...i32(0), ...set(COPIED),
      op.block, op.void, op.loop, op.void,
      ...get(COPIED), ...get(LENGTH), op.i32GeS, op.brIf, 1,
      ...to, ...from, op.i64Load, ...memarg(3, fromOffset), op.i64Store, ...memarg(3, toOffset),
      ...get(COPIED), ...i32(8), op.i32Add, ...set(COPIED),
      op.br, 0,
      op.end, op.end,
    ];
  };
  const body = [
    op.block, op.void, op.loop, op.void,
    ...get(COUNT), op.i32Eqz, op.brIf, 1,
    ...get(RECORD), op.i32Load16U, ...memarg(1, FIELD_LENGTH), ...set(LENGTH),
    ...get(TIME_PROBES), ...get(RECORD), op.i32Load16U, ...memarg(1, FIELD_FLAGS), op.i32And, ...set(TIMED),
    ...get(TIMED), op.if, op.void, op.call, CLOCK, ...set(STARTED), op.end,
    ...copyFrame(true),
    // record.device = nf_process(record.device, PACKET_BASE, length, record.time)
    ...get(RECORD),
    ...get(RECORD), op.i32Load, ...memarg(2, 0), ...i32(PACKET_BASE), ...get(LENGTH), ...get(RECORD), op.i64Load, ...memarg(3, FIELD_TIME),
    op.call, NF_PROCESS,
    op.i32Store, ...memarg(2, 0),
    ...copyFrame(false),
    // record.latency = (clock() - started) in ns
    ...get(TIMED), op.if, op.void,
    ...get(RECORD), op.call, CLOCK, ...get(STARTED), op.f64Sub, op.f64Const, ...f64(1e6), op.f64Mul, op.f64Store, ...memarg(3, FIELD_LATENCY),
    op.end,
    // record += RECORD_HEADER + length rounded up to 8 (RECORD_HEADER is a multiple of 8)
    ...get(RECORD), ...get(LENGTH), ...i32(RECORD_HEADER + 7), op.i32Add, ...i32(-8), op.i32And, op.i32Add, ...set(RECORD),
    ...get(COUNT), ...i32(1), op.i32Sub, ...set(COUNT),
    op.br, 0,
    op.end, op.end, op.end,
  ];
  const locals = vector([[...unsigned(4), I32], [...unsigned(1), F64]]);
  const code = [...locals, ...body];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, ...vector([[I32], [I32], [I32], [I64]]), ...vector([[I32]])], [0x60, 0, ...vector([[F64]])], [0x60, ...vector([[I32], [I32]]), 0]])),
    ...section(2, vector([
      [...name('nf'), ...name('memory'), 0x02, 0x00, 0],
      [...name('nf'), ...name('nf_process'), 0x00, 0],
      [...name('nf'), ...name('clock'), 0x00, 1],
    ])),
    ...section(3, vector([[2]])),
    ...section(7, vector([[...name('run'), 0x00, 2]])),
    ...section(10, vector([[...unsigned(code.length), ...code]])),
  ];
  return new Uint8Array(bytes);
}
