// Stateful firewall (NFS.md, spec.py): only replies to internal traffic come in. Internal TCP/UDP packets open or
// refresh their flow and leave on the external device; an external packet comes in only as a reply to an open
// flow (its reversed 5-tuple), to the device that flow came from; everything else is dropped.
import { DROP } from "../../nf-abi/outputs";
import { emap_add, emap_allocate, emap_expire, emap_get, emap_refresh } from "../../libvig/as/emap";
import { vector_allocate, vector_get, vector_set } from "../../libvig/as/vector";
import { DST_PORT, IP_DADDR, IP_PROTOCOL, IP_SADDR, SRC_PORT, TRANSPORT } from "../../nf-abi/frame-layout";
import { ETHER_ADDRESSES_SIZE, flowFrame, loadEtherAddresses, setEtherAddresses } from "../flow-frame/flow-frame";

// @ts-ignore: decorator
@external("config", "capacity") declare const CAPACITY: u32;
// @ts-ignore: decorator
@external("config", "expiration_time") declare const EXPIRATION_TIME: u64;

/** nf.json "devices"; device 1 is the external side. */
const DEVICES = 2;
const EXT_DEVICE = 1;

// FlowId (nf.json records), as the internal side sees the flow: sp u16, dp u16, sip u32, dip u32, prot u8: 13 bytes.
/** sp then dp, written as one word: libVig reads keys in 32-bit words (docs/PITFALLS.md, "WebAssembly and V8"). */
const KEY_PORTS = 0;
const KEY_SIP = 4;
const KEY_DIP = 8;
const KEY_PROT = 12;
const FLOW_ID_SIZE = 13;
const flowId = memory.data(16);
/** DeviceId { device: u16 }: the internal device of a flow. */
const DEVICE_ID_SIZE = 2;
const deviceId = memory.data(DEVICE_ID_SIZE);

/** Per device: the Ethernet addresses of the frames it sends (nf.json "ether_addresses"), filled in nf_init. */
const etherAddresses = memory.data(ETHER_ADDRESSES_SIZE * DEVICES);

// Handles, allocated in nf_init in the order of nf.json's "state" list.
let flowEmap: i32 = -1;
let intDevices: i32 = -1;

export function nf_init(): void {
  flowEmap = emap_allocate(FLOW_ID_SIZE, CAPACITY);
  intDevices = vector_allocate(DEVICE_ID_SIZE, CAPACITY);
  loadEtherAddresses(etherAddresses);
}

export function nf_process(device: i32, packet: usize, length: i32, now: i64): i32 {
  // Before the expiration time has passed the threshold is negative and expires nothing (stamps are >= 0).
  emap_expire(flowEmap, now - <i64>EXPIRATION_TIME);
  if (!flowFrame(packet, length)) return DROP;
  return device == EXT_DEVICE ? inbound(packet, now) : outbound(device, packet, now);
}

/** An internal packet: its flow is refreshed, or opened if the table has room; it goes out either way. */
function outbound(device: i32, packet: usize, now: i64): i32 {
  store<u32>(flowId + KEY_PORTS, load<u32>(packet + TRANSPORT + SRC_PORT));
  store<u32>(flowId + KEY_SIP, load<u32>(packet + IP_SADDR));
  store<u32>(flowId + KEY_DIP, load<u32>(packet + IP_DADDR));
  store<u8>(flowId + KEY_PROT, load<u8>(packet + IP_PROTOCOL));
  const index = emap_get(flowEmap, flowId);
  if (index >= 0) {
    emap_refresh(flowEmap, index, now);
  } else {
    // -1 when the table is full: the packet still goes out, its flow unrecorded.
    const added = emap_add(flowEmap, flowId, now);
    if (added >= 0) {
      store<u16>(deviceId, <u16>device);
      vector_set(intDevices, added, deviceId);
    }
  }
  return leave(packet, EXT_DEVICE);
}

/** An external packet comes in only as a reply: its reversed 5-tuple is an open flow, which it refreshes. */
function inbound(packet: usize, now: i64): i32 {
  store<u32>(flowId + KEY_PORTS, rotr<u32>(load<u32>(packet + TRANSPORT + SRC_PORT), 16)); // the ports swapped
  store<u32>(flowId + KEY_SIP, load<u32>(packet + IP_DADDR));
  store<u32>(flowId + KEY_DIP, load<u32>(packet + IP_SADDR));
  store<u8>(flowId + KEY_PROT, load<u8>(packet + IP_PROTOCOL));
  const index = emap_get(flowEmap, flowId);
  if (index < 0) return DROP;
  emap_refresh(flowEmap, index, now);
  vector_get(intDevices, index, deviceId);
  // As a choice between the devices (below DEVICES, nf.json), so that the verifier sees the few places the
  // Ethernet addresses may come from.
  return leave(packet, select<i32>(1, 0, load<u16>(deviceId) == 1));
}

/** Sets the frame's Ethernet addresses to those of `output` (nf.json "ether_addresses") and returns `output`. */
function leave(packet: usize, output: i32): i32 {
  setEtherAddresses(packet, etherAddresses, output);
  return output;
}
