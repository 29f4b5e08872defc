// Where the emulated device (as/device.ts, emulated-device.ts) keeps its own state: one file for both languages.
//
// Its area starts after libVig's region in the NF's memory (nf-abi/memory-layout.ts), DEVICE_AREA_ALIGN-aligned: the register
// file (REGISTER_STRIDE words per device, then the device clock as an i64), then for each device and RX
// descriptor the record it received last (an i32), then the trace records.

/** Words of the register file per device: a power of two above nf-abi/device.ts's REGISTER_COUNT. */
export const REGISTER_STRIDE = 16;
export const DEVICE_AREA_ALIGN = 64;
/**
 * Frames the device receives between two polls, at most: a poll's JavaScript calls (its register reads and writes,
 * about ten) are shared by this many frames, and the RX descriptors of the frames still being sent after a poll
 * (up to this many) leave the device the rest of nf-abi/device.ts's STACK_RING_SIZE for the next burst. 256
 * rather than 64: the native baseline's nop ran 27 Mpps instead of 24 (CPU time, 5 runs each).
 */
export const DEVICE_BURST = 256;

// Why a register access breaks nf-abi/device.ts's protocol: as/device.ts checks every access and reports one of
// these through its import `protocol_error(write, device, register, value, problem)`, before the access changes
// anything; emulated-device.ts words it as a DeviceProtocolError.
export const PROBLEM_NO_DEVICE = 1;
export const PROBLEM_NO_REGISTER = 2;
export const PROBLEM_RESERVED_BITS = 3;
export const PROBLEM_HEAD_WRITTEN = 4;
export const PROBLEM_RING_WHILE_ENABLED = 5;
export const PROBLEM_RING_SIZE = 6;
export const PROBLEM_RING_ALIGNMENT = 7;
export const PROBLEM_RING_OUTSIDE = 8;
export const PROBLEM_TAIL_WITHOUT_SIZE = 9;
export const PROBLEM_TAIL_INDEX = 10;
export const PROBLEM_TAIL_BACKWARDS = 11;
