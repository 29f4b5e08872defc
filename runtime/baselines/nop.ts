// nop as a developer would write it in TypeScript: every frame goes out on the other device.
import type { TypeScriptNf } from './typescript-nf.ts';

export function createNop(): TypeScriptNf {
  return { process: (device) => 1 - device };
}
