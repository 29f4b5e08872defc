// nop as a developer would write it in TypeScript: a frame with an Ethernet header goes out on the other device,
// a shorter one is dropped.
import { DROP, ETHER_LENGTH } from '../../nf-abi/index.ts';
import type { TypeScriptNf } from './typescript-nf.ts';

export function createNop(): TypeScriptNf {
  return { process: (device, frame) => (frame.length < ETHER_LENGTH ? DROP : 1 - device) };
}
