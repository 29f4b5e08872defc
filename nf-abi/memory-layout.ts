// Where things live in an NF's linear memory: the layout the toolchain builds for and every other layer relies on.

/**
 * The compilers place static data at MEMORY_BASE and above, so [PACKET_BASE, MEMORY_BASE) is free for the
 * received frame (32 KiB: jumbo frames fit) and [0, PACKET_BASE) is never a valid address for an NF. The
 * run-time stages bursts of packets there: a verified NF cannot reach it, and the larger it is, the fewer
 * JavaScript copies a run needs.
 */
export const PACKET_BASE = 32768;
export const MEMORY_BASE = 65536;
export const MAX_FRAME = MEMORY_BASE - PACKET_BASE;

/**
 * libVig's region: where the run-time's WebAssembly libVig (libvig/wasm/) keeps its objects, in the NF's own
 * memory, which it must share to read keys at the NF's pointers. Above the stack's device region (nf-abi/device.ts,
 * 1 MiB plus about 1 MiB a device: room for 14 devices) and out of every NF's reach, as the verifier proves for
 * every access; the emulated device keeps its own area after LIBVIG_REGION_END. Memory grows into the region as
 * libVig allocates, so an NF with small tables commits little of it.
 */
export const LIBVIG_REGION_BASE = 0x1000000;
export const LIBVIG_REGION_END = 0x8000000;
