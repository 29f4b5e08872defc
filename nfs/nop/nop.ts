// NOP (NFS.md): a frame with an Ethernet header received on device d leaves on device 1 - d, untouched; a frame
// too short for one is dropped (Vigor's nop spec). No state.
import { DROP } from "../../nf-abi/outputs";

const ETHER_HEADER = 14;

export function nf_init(): void {}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  return length < ETHER_HEADER ? DROP : 1 - device;
}
