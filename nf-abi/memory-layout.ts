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
