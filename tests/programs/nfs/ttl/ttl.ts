// Test NF for the well-formed-output check: decrements the IPv4 TTL and updates the header checksum incrementally
// (RFC 1624, equation 3: HC' = ~(~HC + ~m + m')). Tests patch the update out, or rewrite a TCP port.
import { DROP } from "../../../../nf-abi/outputs";

const ETHER_LEN: i32 = 14;
const TTL_WORD: i32 = ETHER_LEN + 8; // TTL and protocol: one 16-bit word of the header
const CHECKSUM: i32 = ETHER_LEN + 10;

export function nf_init(): void {}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  if (length < ETHER_LEN) return DROP;
  if (load<u16>(packet + 12) != 0x0008 || length < ETHER_LEN + 20) return 1 - device; // not IPv4: untouched
  const ttl = load<u8>(packet + TTL_WORD);
  if (ttl <= 1) return DROP;
  const before = <u32>bswap<u16>(load<u16>(packet + TTL_WORD));
  store<u8>(packet + TTL_WORD, ttl - 1);
  const after = <u32>bswap<u16>(load<u16>(packet + TTL_WORD));
  let sum: u32 = (~<u32>bswap<u16>(load<u16>(packet + CHECKSUM)) & 0xffff) + (~before & 0xffff) + after;
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  store<u16>(packet + CHECKSUM, bswap<u16>(<u16>~sum));
  return 1 - device; // forwarded
}
