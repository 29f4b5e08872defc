// Test NF for TCP flags in specs (not one of the product's NFs): connections open only from inside (device 0),
// the way the NAT's "non-SYN packet from inside for an unknown flow" question needs; resets from outside stop.
import { DROP } from "../../../../nf-abi/outputs";

const ETHER_LEN: i32 = 14;
const TCP_LEN: i32 = 20; // the fixed header: the flags are its byte 13
const SYN: u8 = 0x02;
const RST: u8 = 0x04;

export function nf_init(): void {}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  if (length < ETHER_LEN + 20 || load<u16>(packet + 12) != 0x0008) return DROP;
  const versionIhl = load<u8>(packet + ETHER_LEN);
  const ihl = <i32>(versionIhl & 0xf);
  if (versionIhl >> 4 != 4 || ihl < 5) return DROP;
  const tcp = ETHER_LEN + ihl * 4;
  if (length < tcp + TCP_LEN || load<u8>(packet + ETHER_LEN + 9) != 6) return DROP;
  const flags = load<u8>(packet + tcp + 13);
  if (device == 0) return (flags & SYN) != 0 ? 1 : DROP;
  return (flags & RST) != 0 ? DROP : 0;
}
