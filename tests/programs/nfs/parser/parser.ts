// A parsing-heavy test NF (not one of the product's NFs): every header offset after the IPv4 header depends on
// the packet (IHL), options are summed in a loop, and the frame is rewritten in place.
import { DROP, FLOOD } from "../../../../nf-abi/outputs";

// @ts-ignore: decorator
@external("config", "web_port") declare const WEB_PORT: u16;

const ETHER_LEN: i32 = 14;

function ipv4Options(packet: usize, ihl: i32): u32 {
  let sum: u32 = 0;
  for (let word = 5; word < ihl; word++) sum += load<u32>(packet + ETHER_LEN + word * 4);
  return sum;
}

export function nf_init(): void {}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  if (length < ETHER_LEN) return DROP;
  if (load<u16>(packet + 12) != 0x0008) return 1 - device; // not IPv4: bridged untouched
  if (length < ETHER_LEN + 20) return DROP;
  const versionIhl = load<u8>(packet + ETHER_LEN);
  if (versionIhl >> 4 != 4) return DROP;
  const ihl = <i32>(versionIhl & 0xf);
  if (ihl < 5) return DROP;
  const l4 = ETHER_LEN + ihl * 4;
  if (length < l4 + 4) return DROP;
  const protocol = load<u8>(packet + ETHER_LEN + 9);
  if (protocol != 6 && protocol != 17) return DROP;
  if (ipv4Options(packet, ihl) == 0xffffffff) return DROP; // options of all ones: malformed
  const ttl = load<u8>(packet + ETHER_LEN + 8);
  if (ttl <= 1) return DROP;
  store<u8>(packet + ETHER_LEN + 8, ttl - 1);
  // RFC 1624 incremental update: the TTL is the high byte of its 16-bit word.
  let sum = <u32>bswap<u16>(load<u16>(packet + ETHER_LEN + 10)) + 0x100;
  sum = (sum & 0xffff) + (sum >> 16);
  store<u16>(packet + ETHER_LEN + 10, bswap<u16>(<u16>sum));
  const dstPort = bswap<u16>(load<u16>(packet + l4 + 2));
  if (dstPort == WEB_PORT) return 1;
  if (dstPort < 1024) return FLOOD;
  return 1 - device;
}
