// The hot loop of the verified NF, in WebAssembly: a tiny module that imports the NF's own memory and
// nf_process and runs a burst of staged trace records (runtime/trace.ts) through it. Calls from WebAssembly to
// an imported WebAssembly function stay inside V8's compiled code, so a packet costs no JavaScript boundary, no
// BigInt for its time stamp and no allocation; JavaScript only copies whole bursts in and out, as a NIC driver's
// receive and transmit bursts would.
//
// Staging: bursts of records are copied to address 0 of the NF's memory (bursts.ts), and each frame in turn to
// PACKET_BASE, where the verifier assumed it, and back. Frames are copied by the driver's own loops: 64-byte
// blocks of four unrolled 16-byte (v128) copies, then 8-byte words up to the record's padding. V8 compiles
// memory.copy to a call into C++ that costs more than a 64-byte frame's copies; against a loop of 8-byte copies,
// the blocks take a 64-byte frame's two copies and call from about 6 ns to 5, a 1514-byte frame's from 100 ns to
// 40. The module is encoded by hand (toolchain/wasm-encoding.ts).
import { PACKET_BASE } from '../nf-abi/index.ts';
import { f64Const, functionBody, functionType, i32Const, KIND, LIMITS_WITHOUT_MAXIMUM, MAGIC_AND_VERSION, memoryArgument as memarg, name, op, section, SECTION, simd, TYPE, vector } from '../toolchain/wasm-encoding.ts';
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

// Function indices: imports first (0 nf_process, 1 clock), then run (2). Locals of run: 0 count, 1 timeProbes
// (parameters), 2 record, 3 length, 4 timed, 5 copied, 6 padded (length rounded up to 8) (i32), 7 started (f64).
const [NF_PROCESS, CLOCK] = [0, 1];
const [COUNT, TIME_PROBES, RECORD, LENGTH, TIMED, COPIED, PADDED, STARTED] = [0, 1, 2, 3, 4, 5, 6, 7];
const BLOCK_BYTES = 64;
const V128 = { bytes: 16, load: simd.v128Load, store: simd.v128Store };
const I64 = { bytes: 8, load: [op.i64Load], store: [op.i64Store] };

function encodeDriver(): Uint8Array {
  const get = (local: number) => [op.localGet, local];
  const set = (local: number) => [op.localSet, local];
  // Copies the record's frame to the packet area (or back), whole words up to the record's padding.
  const copyFrame = (toPacketArea: boolean) => {
    const recordWord = [...get(COPIED), ...get(RECORD), op.i32Add];
    const packetWord = get(COPIED);
    const [to, toOffset, from, fromOffset] = toPacketArea
      ? [packetWord, PACKET_BASE, recordWord, RECORD_HEADER]
      : [recordWord, RECORD_HEADER, packetWord, PACKET_BASE];
    // Copies `bytes` at a time, as unrolled loads and stores of `unit`, while that many remain. Records are only
    // 8-byte aligned: every access says so (alignment 2^3).
    const copyLoop = (bytes: number, unit: { bytes: number; load: number[]; store: number[] }) => [
      op.block, TYPE.emptyBlock, op.loop, TYPE.emptyBlock,
      ...get(COPIED), ...i32Const(bytes), op.i32Add, ...get(PADDED), op.i32GtS, op.brIf, 1,
      ...Array.from({ length: bytes / unit.bytes }, (_, n) => [...to, ...from, ...unit.load, ...memarg(3, fromOffset + n * unit.bytes), ...unit.store, ...memarg(3, toOffset + n * unit.bytes)]).flat(),
      ...get(COPIED), ...i32Const(bytes), op.i32Add, ...set(COPIED),
      op.br, 0,
      op.end, op.end,
    ];
    return [...i32Const(0), ...set(COPIED), ...copyLoop(BLOCK_BYTES, V128), ...copyLoop(8, I64)];
  };
  const body = [
    op.block, TYPE.emptyBlock, op.loop, TYPE.emptyBlock,
    ...get(COUNT), op.i32Eqz, op.brIf, 1,
    ...get(RECORD), op.i32Load16U, ...memarg(1, FIELD_LENGTH), ...set(LENGTH),
    ...get(LENGTH), ...i32Const(7), op.i32Add, ...i32Const(-8), op.i32And, ...set(PADDED),
    ...get(TIME_PROBES), ...get(RECORD), op.i32Load16U, ...memarg(1, FIELD_FLAGS), op.i32And, ...set(TIMED),
    ...get(TIMED), op.if, TYPE.emptyBlock, op.call, CLOCK, ...set(STARTED), op.end,
    ...copyFrame(true),
    // record.device = nf_process(record.device, PACKET_BASE, length, record.time)
    ...get(RECORD),
    ...get(RECORD), op.i32Load, ...memarg(2, 0), ...i32Const(PACKET_BASE), ...get(LENGTH), ...get(RECORD), op.i64Load, ...memarg(3, FIELD_TIME),
    op.call, NF_PROCESS,
    op.i32Store, ...memarg(2, 0),
    ...copyFrame(false),
    // record.latency = (clock() - started) in ns
    ...get(TIMED), op.if, TYPE.emptyBlock,
    ...get(RECORD), op.call, CLOCK, ...get(STARTED), op.f64Sub, ...f64Const(1e6), op.f64Mul, op.f64Store, ...memarg(3, FIELD_LATENCY),
    op.end,
    ...get(RECORD), ...i32Const(RECORD_HEADER), op.i32Add, ...get(PADDED), op.i32Add, ...set(RECORD),
    ...get(COUNT), ...i32Const(1), op.i32Sub, ...set(COUNT),
    op.br, 0,
    op.end, op.end, op.end,
  ];
  // Types: 0 nf_process, 1 clock, 2 run.
  const types = [functionType([TYPE.i32, TYPE.i32, TYPE.i32, TYPE.i64], [TYPE.i32]), functionType([], [TYPE.f64]), functionType([TYPE.i32, TYPE.i32], [])];
  const bytes = [
    ...MAGIC_AND_VERSION,
    ...section(SECTION.type, vector(types)),
    ...section(SECTION.import, vector([
      [...name('nf'), ...name('memory'), KIND.memory, LIMITS_WITHOUT_MAXIMUM, 0],
      [...name('nf'), ...name('nf_process'), KIND.function, 0],
      [...name('nf'), ...name('clock'), KIND.function, 1],
    ])),
    ...section(SECTION.function, vector([[2]])),
    ...section(SECTION.export, vector([[...name('run'), KIND.function, 2]])),
    ...section(SECTION.code, vector([functionBody([[5, TYPE.i32], [1, TYPE.f64]], body)])),
  ];
  return new Uint8Array(bytes);
}
