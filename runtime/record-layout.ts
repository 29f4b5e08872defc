// A trace record's layout (trace.ts): one file for both languages, read by the TypeScript run-time and the AssemblyScript device emulation (as/).
//
// Record layout (little-endian), one per packet, 8-byte aligned:
//   0  i32  input device; after processing, nf_process's result (output device, DROP or FLOOD)
//   4  u16  frame length in bytes
//   6  u16  flags (PROBE: a packet whose latency is measured)
//   8  i64  time, nanoseconds
//  16  f64  after processing: the packet's latency in ns when it was timed, else 0
//  24  the frame, padded with zeros to a multiple of 8 bytes

export const RECORD_HEADER = 24;
export const FIELD_DEVICE = 0;
export const FIELD_LENGTH = 4;
export const FIELD_FLAGS = 6;
export const FIELD_TIME = 8;
export const FIELD_LATENCY = 16;
export const FLAG_PROBE = 1;
