// Where the emulated device (as/device.ts, emulated-device.ts) keeps its own state: one file for both languages.
//
// Its area starts after the stack's device region in the NF's memory, DEVICE_AREA_ALIGN-aligned: the register
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
