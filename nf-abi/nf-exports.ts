// The functions every NF exports, and how its result reads.
import { DROP, FLOOD } from './outputs.ts';

export const NF_EXPORTS: readonly string[] = ['nf_init', 'nf_process'];

/** The exports every NF has, as the WebAssembly JS API shows them. */
export interface NfExports {
  memory: WebAssembly.Memory;
  nf_init(): void;
  nf_process(device: number, packet: number, length: number, now: bigint): number;
}

/** The name of a special result of nf_process (given as an i32, or as the u32 the verifier holds), else null. */
export function specialOutput(result: number | bigint): 'DROP' | 'FLOOD' | null {
  const signed = Number(BigInt.asIntN(32, BigInt(result)));
  return signed === DROP ? 'DROP' : signed === FLOOD ? 'FLOOD' : null;
}

/** nf_process's result in words: DROP, FLOOD or `device N`. */
export function outputName(result: number | bigint): string {
  return specialOutput(result) ?? `device ${BigInt.asUintN(32, BigInt(result))}`;
}
