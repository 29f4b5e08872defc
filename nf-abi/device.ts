// The device register protocol between the stack's driver (stack/) and a device: imports, registers, descriptors, memory, rules.
//
// One file for both languages, like outputs.ts: the AssemblyScript stack imports it by relative path, TypeScript
// through nf-abi/index.ts (`device`); c/device.h mirrors it for the C stack (tests/stack checks the mirror).
//
// What it is modelled on: a NIC like Intel's 82599 (ixgbe), reduced to what a driver must get right. Each device
// has a receive (RX) and a transmit (TX) ring of 16-byte descriptors in the NF's linear memory; head and tail
// registers split each ring between the device and the driver; the device marks a descriptor it has finished
// with a done bit. Registers are reached only through the imports of module "device", as a driver reaches a
// NIC's registers only through MMIO: that is where a device (the run-time's emulation, the verifier's model)
// answers. The rules below are the protocol; the verifier checks the driver against them (engine, stack-models/),
// the run-time's emulation refuses a register write that breaks one.
//
// Rings (both directions), with size N and indices taken modulo N:
// - the device owns descriptors [HEAD, TAIL): count (TAIL - HEAD) mod N, at most N - 1, so HEAD == TAIL is
//   "the device owns none"; the driver owns the others.
// - the device works through its descriptors in order: it fills (RX) or sends (TX) the one at HEAD, sets its
//   STATUS_DONE, and advances HEAD, by as many as it finished, never past TAIL. Only the device writes HEAD.
// - the driver hands descriptors to the device by advancing TAIL over descriptors it owns, never to or past HEAD
//   (after the write the device owns at most N - 1). Only the driver writes TAIL.
//
// Rules for the driver (each is a check of the verifier; a seeded bug breaks each in tests/stack):
// 1. It reads and writes only registers [0, REGISTER_COUNT) of devices [0, devices), writes no HEAD, and
//    writes CONTROL with no reserved bit (CONTROL_RESERVED) set.
// 2. It writes RX_BASE/RX_SIZE (TX_BASE/TX_SIZE) only while CONTROL's RX (TX) enable bit is clear; a base is
//    DESCRIPTOR_BYTES-aligned, a size a power of two in [2, MAX_RING_SIZE], the ring inside the device region.
// 3. It moves a TAIL only over descriptors it owns (above), and only forward.
// 4. It reads an RX descriptor's LENGTH and STAMP only once the descriptor is below RX_HEAD (as the driver last
//    read it) and its STATUS_DONE is set; it clears STATUS before handing the descriptor back.
// 5. It trusts no RX length beyond its buffer: a frame is at most BUFFER_BYTES, the device may write any u16.
// 6. It writes a TX descriptor only while it owns it (never one in [TX_HEAD, TX_TAIL)), with its ADDRESS and
//    LENGTH inside one buffer of the device region and STATUS 0.
// 7. It hands no RX descriptor to the device while a TX descriptor the device owns points into its buffer (the
//    device would receive into a frame it is sending).
// 8. It reads and writes memory of the device region only as descriptors and buffers (and its own state,
//    DRIVER_STATE_OFFSET): ring contents are read only as rules 4 and 6 allow. The NF never reaches the region.
//
// What a device may do (stack-models/ says it for the verifier; the run-time's emulation is one such device):
// fill any RX descriptor it owns with any LENGTH, STAMP and STATUS_ERROR, set STATUS_DONE on any prefix of its
// descriptors and advance RX_HEAD over them, send and complete any prefix of its TX descriptors, and answer
// now() with any time. It never writes a descriptor's ADDRESS, nor a buffer it was not handed.

// Module "device": read_register(device: i32, register: i32) -> i32, write_register(device: i32, register: i32,
// value: i32), now() -> i64 (the device's clock, nanoseconds). device-abi.ts has them as data (names are strings,
// which would be static data in every module importing this file).

// Registers, per device: word indices, each an i32.
/** Enable bits; every other bit is reserved and written 0. */
export const REGISTER_CONTROL = 0;
/** Address of the RX ring's first descriptor (driver, while RX is disabled). */
export const REGISTER_RX_BASE = 1;
/** Descriptors in the RX ring (driver, while RX is disabled). */
export const REGISTER_RX_SIZE = 2;
/** The next RX descriptor the device fills; those from the driver's last seen one up to it are done (device). */
export const REGISTER_RX_HEAD = 3;
/** RX descriptors [RX_HEAD, RX_TAIL) are the device's to fill (driver). */
export const REGISTER_RX_TAIL = 4;
export const REGISTER_TX_BASE = 5;
export const REGISTER_TX_SIZE = 6;
/** The next TX descriptor the device sends; those before it are sent (device). */
export const REGISTER_TX_HEAD = 7;
/** TX descriptors [TX_HEAD, TX_TAIL) are queued for the device to send (driver). */
export const REGISTER_TX_TAIL = 8;
export const REGISTER_COUNT = 9;

/** CONTROL: the device receives into its RX descriptors. */
export const CONTROL_RX_ENABLE = 1;
/** CONTROL: the device sends its TX descriptors. */
export const CONTROL_TX_ENABLE = 2;
/** CONTROL's bits that are no enable bit: reserved, always written 0. */
export const CONTROL_RESERVED = ~(CONTROL_RX_ENABLE | CONTROL_TX_ENABLE);

// A descriptor: 16 bytes, little-endian.
export const DESCRIPTOR_BYTES = 16;
/** u32: the buffer's address. Written by the driver only; the device reads it. */
export const DESCRIPTOR_ADDRESS = 0;
/** u16: RX: the frame's length in bytes (device); TX: the bytes to send (driver). */
export const DESCRIPTOR_LENGTH = 4;
/** u16: STATUS_* bits (device sets them on completion, the driver clears them). */
export const DESCRIPTOR_STATUS = 6;
/** i64: RX: when the frame arrived, on the device's clock, in nanoseconds (device). TX: unused, 0. */
export const DESCRIPTOR_STAMP = 8;
/** The device has finished with the descriptor: received into it (RX) or sent it (TX). */
export const STATUS_DONE = 1;
/** RX: the frame arrived damaged (bad FCS, overrun); the driver drops it. */
export const STATUS_ERROR = 2;

/** A ring's largest size: the device region has room for rings and buffers this large. */
export const MAX_RING_SIZE = 512;
/** The size the stack's driver gives its rings (a device's model may see any size the rules allow). */
export const STACK_RING_SIZE = 512;
/** Every buffer (one per RX descriptor) holds this many bytes: frames up to 2048 bytes pass the stack. */
export const BUFFER_BYTES = 2048;

// The device region: where rings, buffers and the driver's own state live, above the NF's static data (which
// stack_init checks ends below it) and never reachable by the NF. Device d's part starts at
// DEVICE_REGION_BASE + d * DEVICE_STRIDE; the region ends after the last device's part. The stack grows memory
// to cover it in stack_init.
export const DEVICE_REGION_BASE = 0x100000;
/** Offsets in a device's part: its RX ring, TX ring, the driver's state for it, then its RX buffers. */
export const RX_RING_OFFSET = 0;
export const TX_RING_OFFSET = MAX_RING_SIZE * DESCRIPTOR_BYTES;
export const DRIVER_STATE_OFFSET = 2 * MAX_RING_SIZE * DESCRIPTOR_BYTES;
export const BUFFERS_OFFSET = 0x8000;
export const DEVICE_STRIDE = BUFFERS_OFFSET + MAX_RING_SIZE * BUFFER_BYTES;
