// The device protocol's imports and registers as data for TypeScript: signatures, register names, the region's extent.
import { type ImportSignature } from './libvig-abi.ts';
import { DEVICE_REGION_BASE, DEVICE_STRIDE } from './device.ts';

/** The module the stack imports a device's registers and clock from. */
export const DEVICE_MODULE = 'device';

/** Every import of module "device", with its WebAssembly signature (device.ts says what each means). */
export const DEVICE_ABI = {
  read_register: { params: [['device', 'i32'], ['register', 'i32']], result: 'i32' },
  write_register: { params: [['device', 'i32'], ['register', 'i32'], ['value', 'i32']], result: null },
  now: { params: [], result: 'i64' },
} as const satisfies Record<string, ImportSignature>;

export type DeviceImportName = keyof typeof DEVICE_ABI;

/** Register names by index, as errors and counterexamples show them (device.ts: REGISTER_<NAME>). */
export const REGISTER_NAMES: readonly string[] = ['CONTROL', 'RX_BASE', 'RX_SIZE', 'RX_HEAD', 'RX_TAIL', 'TX_BASE', 'TX_SIZE', 'TX_HEAD', 'TX_TAIL'];

/** The device region of an NF with `devices` devices: [DEVICE_REGION_BASE, end). */
export function deviceRegionEnd(devices: number): number {
  return DEVICE_REGION_BASE + devices * DEVICE_STRIDE;
}
