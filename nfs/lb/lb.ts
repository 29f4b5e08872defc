// Maglev load balancer (Eisenbud et al., NSDI'16; NFS.md, spec.py): client TCP/UDP flows arriving on the external
// device go to a live backend, the one the consistent-hashing table (cht) prefers for the flow's hash, with the
// destination MAC and IP rewritten to the backend's; backends announce themselves with heartbeats on the other
// devices, which register or refresh them and are never forwarded.
import { DROP } from "../../nf-abi/outputs";
import { cht_allocate, cht_find_backend } from "../../libvig/as/cht";
import { emap_add, emap_allocate, emap_erase, emap_expire, emap_get, emap_has_idx, emap_refresh } from "../../libvig/as/emap";
import { vector_allocate, vector_get, vector_set } from "../../libvig/as/vector";
import { DST_PORT, ETHER_SADDR, IP_CHECKSUM, IP_DADDR, IP_PROTOCOL, IP_SADDR, SRC_PORT, TRANSPORT } from "../../nf-abi/frame-layout";
import { flowFrame, updatedChecksum, updateTransportChecksum, wordsChange } from "../flow-frame/flow-frame";

// @ts-ignore: decorator
@external("config", "flow_capacity") declare const FLOW_CAPACITY: u32;
// @ts-ignore: decorator
@external("config", "backend_capacity") declare const BACKEND_CAPACITY: u32;
/** A prime (Maglev's lookup table size, NSDI'16 3.4). */
// @ts-ignore: decorator
@external("config", "cht_height") declare const CHT_HEIGHT: u32;
// @ts-ignore: decorator
@external("config", "flow_expiration_time") declare const FLOW_EXPIRATION_TIME: u64;
// @ts-ignore: decorator
@external("config", "backend_expiration_time") declare const BACKEND_EXPIRATION_TIME: u64;
// @ts-ignore: decorator
@external("config", "device_macs_count") declare function device_macs_count(): i32;
// @ts-ignore: decorator
@external("config", "device_macs_device") declare function device_macs_device(row: i32): i32;
// @ts-ignore: decorator
@external("config", "device_macs_mac") declare function device_macs_mac(row: i32): i64;

/** nf.json "devices": backends on 0 and 1, clients on 2. */
const DEVICES = 3;
const EXT_DEVICE = 2;

// LoadBalancedFlow (nf.json records): src_ip u32, dst_ip u32, src_port u16, dst_port u16, protocol u8: 13 bytes.
const FLOW_SRC_IP = 0;
const FLOW_DST_IP = 4;
/** src_port then dst_port, as in the TCP/UDP header. */
const FLOW_PORTS = 8;
const FLOW_PROTOCOL = 12;
const FLOW_SIZE = 13;
const flow = memory.data(16);
// LoadBalancedBackend: nic u16, mac 6 bytes, ip u32: 12 bytes.
const BACKEND_NIC = 0;
const BACKEND_MAC = 2;
const BACKEND_IP = 8;
const BACKEND_SIZE = 12;
const backend = memory.data(BACKEND_SIZE);
/** ip_addr { addr: u32 }, the key of backend_ip_emap; a backend id (u32) of flow_id_to_backend_id. */
const WORD_SIZE = 4;
const backendIp = memory.data(WORD_SIZE);
const backendId = memory.data(WORD_SIZE);

/** Per device: the source MAC of the frames it sends (nf.json "device_macs"), filled in nf_init. */
const deviceMacs = memory.data(8 * DEVICES);

// Handles, allocated in nf_init in the order of nf.json's "state" list.
let flowEmap: i32 = -1;
let flowToBackend: i32 = -1;
let backends: i32 = -1;
let backendIpEmap: i32 = -1;
let cht: i32 = -1;

export function nf_init(): void {
  flowEmap = emap_allocate(FLOW_SIZE, FLOW_CAPACITY);
  flowToBackend = vector_allocate(WORD_SIZE, FLOW_CAPACITY);
  backends = vector_allocate(BACKEND_SIZE, BACKEND_CAPACITY);
  backendIpEmap = emap_allocate(WORD_SIZE, BACKEND_CAPACITY);
  cht = cht_allocate(CHT_HEIGHT, BACKEND_CAPACITY);
  for (let row = 0; row < device_macs_count(); row++) {
    store<u64>(deviceMacs + <usize>device_macs_device(row) * 8, device_macs_mac(row));
  }
}

/**
 * The flow hash the cht row is chosen by: the spec's `_LoadBalancedFlow_hash(flow)` is this very function, run
 * by the verifier on the spec's flow (fields in nf.json's order, zero-extended), so NF and spec share one
 * definition. Straight-line (the verifier refuses a hash with branches) and without multiplications (the solver
 * compares the NF's and the spec's applications bit by bit): Jenkins' one-at-a-time steps over the words.
 */
export function _LoadBalancedFlow_hash(src_ip: u32, dst_ip: u32, src_port: u32, dst_port: u32, protocol: u32): u32 {
  let h = src_ip;
  h += h << 10;
  h ^= h >> 6;
  h += dst_ip;
  h += h << 10;
  h ^= h >> 6;
  h += (src_port << 16) | dst_port;
  h += h << 10;
  h ^= h >> 6;
  h += protocol;
  h += h << 3;
  h ^= h >> 11;
  h += h << 15;
  return h;
}

export function nf_process(device: i32, packet: usize, length: i32, now: i64): i32 {
  // Before an expiration time has passed the threshold is negative and expires nothing (stamps are >= 0).
  emap_expire(flowEmap, now - <i64>FLOW_EXPIRATION_TIME);
  emap_expire(backendIpEmap, now - <i64>BACKEND_EXPIRATION_TIME);
  if (!flowFrame(packet, length)) return DROP;
  // The 5-tuple is parsed for every frame, heartbeats too: the TCP/UDP header is part of a valid frame.
  store<u32>(flow + FLOW_SRC_IP, load<u32>(packet + IP_SADDR));
  store<u32>(flow + FLOW_DST_IP, load<u32>(packet + IP_DADDR));
  // Both ports as one word: libVig reads the key in 32-bit words, and a word written as two 16-bit halves cannot
  // be forwarded from the stores (the load waits for them to reach the cache; docs/PITFALLS.md).
  store<u32>(flow + FLOW_PORTS, load<u32>(packet + TRANSPORT + SRC_PORT));
  store<u8>(flow + FLOW_PROTOCOL, load<u8>(packet + IP_PROTOCOL));
  if (device != EXT_DEVICE) {
    heartbeat(device, packet, now);
    return DROP;
  }
  const index = emap_get(flowEmap, flow);
  if (index >= 0) {
    vector_get(flowToBackend, index, backendId);
    const known = load<i32>(backendId);
    if (emap_has_idx(backendIpEmap, known)) {
      emap_refresh(flowEmap, index, now);
      return forward(packet, known);
    }
    // Its backend expired (NSDI'16 3.3: connections to a dead backend move): the flow is chosen again.
    emap_erase(flowEmap, flow);
  }
  const hash = _LoadBalancedFlow_hash(
    load<u32>(packet + IP_SADDR), load<u32>(packet + IP_DADDR),
    load<u16>(packet + TRANSPORT + SRC_PORT), load<u16>(packet + TRANSPORT + DST_PORT), load<u8>(packet + IP_PROTOCOL),
  );
  const chosen = cht_find_backend(cht, hash, backendIpEmap);
  if (chosen < 0) return DROP;
  // -1 when the table is full: the packet still goes to the chosen backend, its flow unrecorded.
  const added = emap_add(flowEmap, flow, now);
  if (added >= 0) {
    store<i32>(backendId, chosen);
    vector_set(flowToBackend, added, backendId);
  }
  return forward(packet, chosen);
}

/** A backend's heartbeat: registered (device, source MAC, source IP) if unknown and there is room, else refreshed. */
function heartbeat(device: i32, packet: usize, now: i64): void {
  store<u32>(backendIp, load<u32>(packet + IP_SADDR));
  const index = emap_get(backendIpEmap, backendIp);
  if (index >= 0) {
    emap_refresh(backendIpEmap, index, now);
    return;
  }
  const added = emap_add(backendIpEmap, backendIp, now);
  if (added < 0) return;
  store<u16>(backend + BACKEND_NIC, <u16>device);
  store<u32>(backend + BACKEND_MAC, load<u32>(packet + ETHER_SADDR));
  store<u16>(backend + BACKEND_MAC + 4, load<u16>(packet + ETHER_SADDR + 4));
  store<u32>(backend + BACKEND_IP, load<u32>(packet + IP_SADDR));
  vector_set(backends, added, backend);
}

/**
 * Sends the frame to backend `id`: destination MAC and IP become the backend's, the source MAC the output
 * device's, and the IPv4 and TCP/UDP checksums (the pseudo-header covers the address) are updated (RFC 1624).
 */
function forward(packet: usize, id: i32): i32 {
  vector_get(backends, id, backend);
  const address = load<u32>(backend + BACKEND_IP);
  const change = wordsChange(bswap<u32>(load<u32>(packet + IP_DADDR)), bswap<u32>(address));
  store<u32>(packet + IP_DADDR, address);
  store<u16>(packet + IP_CHECKSUM, updatedChecksum(load<u16>(packet + IP_CHECKSUM), change));
  updateTransportChecksum(packet, change);
  store<u32>(packet, load<u32>(backend + BACKEND_MAC));
  store<u16>(packet + 4, load<u16>(backend + BACKEND_MAC + 4));
  // Backends live on devices 0 and 1 (nf.json: nic below 2, as heartbeats register them); as a choice between the
  // two, so that the verifier sees the few places the source MAC may come from (a read at an address computed
  // from a 16-bit field is refused).
  const output = select<i32>(1, 0, load<u16>(backend + BACKEND_NIC) == 1);
  const mac = deviceMacs + <usize>output * 8;
  store<u32>(packet + ETHER_SADDR, load<u32>(mac));
  store<u16>(packet + ETHER_SADDR + 4, load<u16>(mac + 4));
  return output;
}
