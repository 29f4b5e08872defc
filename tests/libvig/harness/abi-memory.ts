// The test side of the ABI: a WebAssembly.Memory standing in for an NF's memory, where keys and records are
// placed at the addresses the operations name before a libvig import is called, and read back after.
import { createLibVig, type LibVig } from '../../../libvig/runtime/index.ts';

export const TEST_MEMORY_BYTES = 65536;

/** One page, shared by every sequence of a test file (creating a memory per sequence would dominate). */
const memory = new WebAssembly.Memory({ initial: TEST_MEMORY_BYTES / 65536 });
/** The memory never grows, so one view serves throughout. */
const bytes = new Uint8Array(memory.buffer);

/** A fresh run-time (no objects yet) over the test memory. */
export function freshLibVig(): LibVig {
  return createLibVig(memory);
}

export function writeBytes(address: number, data: Uint8Array): void {
  // A range partly outside the memory is written as far as it fits: the call must then reject it.
  if (address < bytes.length) bytes.set(address + data.length <= bytes.length ? data : data.subarray(0, bytes.length - address), address);
}

export function readBytes(address: number, size: number): Uint8Array {
  return bytes.slice(address, address + size);
}

/** Where to place `size` bytes: inside the memory, at any alignment, or (when `outside`) crossing its end. */
export function drawAddress(random: { between(low: number, high: number): number }, size: number, outside: boolean): number {
  return outside ? random.between(TEST_MEMORY_BYTES - size + 1, TEST_MEMORY_BYTES + 8) : random.between(0, TEST_MEMORY_BYTES - size);
}

export function isOutside(address: number, size: number): boolean {
  return address < 0 || address + size > TEST_MEMORY_BYTES;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Runs a run-time call; a LibVigError (a rejected precondition) becomes the text REJECTED. */
export function outcome(call: () => number | bigint | boolean | string | void, rejected: string): string {
  try {
    return String(call());
  } catch (error) {
    if ((error as Error).name === 'LibVigError') return rejected;
    throw error;
  }
}

/** An operation as a call, for failure reports: `emap_add(key=0a0b, now=5, at=100)`. */
export function describeCall(prefix: string, op: { name: string }): string {
  const fields = Object.entries(op as Record<string, unknown>)
    .filter(([field]) => field !== 'name')
    .map(([field, value]) => `${field}=${value instanceof Uint8Array ? hex(value) : String(value)}`);
  return `${prefix}${op.name}(${fields.join(', ')})`;
}
