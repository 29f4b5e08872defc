// NAT (RFC 3022 network address and port translation; NFS.md, spec.py): internal TCP/UDP flows leave on the
// external device from the external address and a port per flow, replies from a flow's remote end come back
// translated, and everything else is dropped.
import { DROP } from "../../nf-abi/outputs";
import { emap_add, emap_allocate, emap_expire, emap_get, emap_get_key, emap_has_idx, emap_refresh } from "../../libvig/as/emap";
import { DST_PORT, IP_CHECKSUM, IP_DADDR, IP_PROTOCOL, IP_SADDR, SRC_PORT, TRANSPORT } from "../../nf-abi/frame-layout";
import { ETHER_ADDRESSES_SIZE, flowFrame, loadEtherAddresses, setEtherAddresses, updatedChecksum, updateTransportChecksum, wordsChange } from "../flow-frame/flow-frame";

// @ts-ignore: decorator
@external("config", "capacity") declare const CAPACITY: u32;
// @ts-ignore: decorator
@external("config", "expiration_time") declare const EXPIRATION_TIME: u64;
/** The external address, as a little-endian load of its wire bytes (as the NF reads addresses). */
// @ts-ignore: decorator
@external("config", "ext_ip") declare const EXT_IP: u32;
/** Flow i's external port is START_PORT + i, as a little-endian load of the port's wire bytes (Vigor's NAT). */
// @ts-ignore: decorator
@external("config", "start_port") declare const START_PORT: u32;

/** nf.json "devices"; device 1 is the external (WAN) side. */
const DEVICES = 2;
const EXT_DEVICE = 1;

// FlowId (nf.json records): sp u16, dp u16, sip u32, dip u32, idev u16, prot u8, packed: 15 bytes.
const KEY_SP = 0;
const KEY_DP = 2;
/** sp and dp, written as one word: libVig reads keys in 32-bit words (docs/PITFALLS.md, "WebAssembly and V8"). */
const KEY_PORTS = KEY_SP;
const KEY_SIP = 4;
const KEY_DIP = 8;
const KEY_IDEV = 12;
const KEY_PROT = 14;
const FLOW_ID_SIZE = 15;
const flowId = memory.data(16);

/** Per device: the Ethernet addresses of the frames it sends (nf.json "ether_addresses"), filled in nf_init. */
const etherAddresses = memory.data(ETHER_ADDRESSES_SIZE * DEVICES);

// Handles, allocated in nf_init in the order of nf.json's "state" list.
let flowEmap: i32 = -1;

export function nf_init(): void {
  // Flow i's port START_PORT + i must be a 16-bit port for every index.
  if (<u64>START_PORT + <u64>CAPACITY > 0x10000) abort("start_port + capacity exceeds 65536: some flows would have no port");
  flowEmap = emap_allocate(FLOW_ID_SIZE, CAPACITY);
  loadEtherAddresses(etherAddresses);
}

export function nf_process(device: i32, packet: usize, length: i32, now: i64): i32 {
  // Before the expiration time has passed the threshold is negative and expires nothing (stamps are >= 0).
  emap_expire(flowEmap, now - <i64>EXPIRATION_TIME);
  if (!flowFrame(packet, length)) return DROP;
  return device == EXT_DEVICE ? inbound(packet, now) : outbound(device, packet, now);
}

/** An internal packet: its flow (opened if new and there is room) leaves from the external address and port. */
function outbound(device: i32, packet: usize, now: i64): i32 {
  store<u32>(flowId + KEY_PORTS, load<u32>(packet + TRANSPORT + SRC_PORT));
  store<u32>(flowId + KEY_SIP, load<u32>(packet + IP_SADDR));
  store<u32>(flowId + KEY_DIP, load<u32>(packet + IP_DADDR));
  store<u16>(flowId + KEY_IDEV, <u16>device);
  store<u8>(flowId + KEY_PROT, load<u8>(packet + IP_PROTOCOL));
  let index = emap_get(flowEmap, flowId);
  if (index >= 0) {
    emap_refresh(flowEmap, index, now);
  } else {
    // -1 when the table is full: one call into libVig instead of emap_full and emap_add.
    index = emap_add(flowEmap, flowId, now);
    if (index < 0) return DROP;
  }
  rewrite(packet, IP_SADDR, EXT_IP, SRC_PORT, <u16>(START_PORT + <u32>index));
  return leave(packet, EXT_DEVICE);
}

/**
 * An external packet: the flow its destination port names, if that flow exists and the packet comes from the
 * flow's remote end (address, port and protocol all match; without this check anyone could inject packets into
 * the internal network), is refreshed and the packet goes back to the flow's internal address, port and device.
 */
function inbound(packet: usize, now: i64): i32 {
  const index = <i32>load<u16>(packet + TRANSPORT + DST_PORT) - <i32>START_PORT;
  if (!emap_has_idx(flowEmap, index)) return DROP;
  emap_get_key(flowEmap, index, flowId);
  const fromRemoteEnd =
    (load<u32>(flowId + KEY_DIP) == load<u32>(packet + IP_SADDR)) &
    (load<u16>(flowId + KEY_DP) == load<u16>(packet + TRANSPORT + SRC_PORT)) &
    (load<u8>(flowId + KEY_PROT) == load<u8>(packet + IP_PROTOCOL));
  if (!fromRemoteEnd) return DROP;
  emap_refresh(flowEmap, index, now);
  // A flow's device is always below DEVICES (packets open flows), but the table's contract does not know it.
  const internal = <i32>load<u16>(flowId + KEY_IDEV);
  if (internal >= DEVICES) return DROP;
  rewrite(packet, IP_DADDR, load<u32>(flowId + KEY_SIP), DST_PORT, load<u16>(flowId + KEY_SP));
  // As a choice between the devices, so that the verifier sees the few places the addresses may come from.
  return leave(packet, select<i32>(1, 0, internal == 1));
}

/**
 * Replaces the address at `addressAt` and the port at `portAt` (offset in the TCP/UDP header), updating the IPv4
 * header checksum and the TCP or UDP checksum incrementally (RFC 1624), which covers the address through the
 * pseudo-header. A UDP checksum of 0 means "none" (RFC 768) and stays 0. The sums are over the wire's big-endian
 * words: byte order does not change a one's-complement sum (RFC 1071), but the verifier proves the update
 * against sums of big-endian words, which is much easier for it in the same form. (An updated UDP checksum can
 * come out 0, once in 65,535 sums, which receivers read as "none"; writing 0xffff instead makes the proof a
 * case split the solver does not finish in seconds: see nfs/README.md.)
 */
function rewrite(packet: usize, addressAt: usize, address: u32, portAt: usize, port: u16): void {
  const transport = packet + TRANSPORT;
  const addressChange = wordsChange(bswap<u32>(load<u32>(packet + addressAt)), bswap<u32>(address));
  const change = addressChange + (~<u32>bswap<u16>(load<u16>(transport + portAt)) & 0xffff) + <u32>bswap<u16>(port);
  store<u32>(packet + addressAt, address);
  store<u16>(transport + portAt, port);
  store<u16>(packet + IP_CHECKSUM, updatedChecksum(load<u16>(packet + IP_CHECKSUM), addressChange));
  updateTransportChecksum(packet, change);
}

/** Sets the frame's Ethernet addresses to those of `output` (nf.json "ether_addresses") and returns `output`. */
function leave(packet: usize, output: i32): i32 {
  setEtherAddresses(packet, etherAddresses, output);
  return output;
}
