// IEEE 802.1D MAC learning bridge (NFS.md, spec.py): learns which device each individual source address lives
// behind, forgets addresses not seen for the expiration time, forwards by static rule, else by learned entry, else
// floods.
import { DROP, FLOOD } from "../../nf-abi/outputs";
import { emap_add, emap_allocate, emap_expire, emap_full, emap_get, emap_refresh } from "../../libvig/as/emap";
import { vector_allocate, vector_get, vector_set } from "../../libvig/as/vector";
import { ETHER_DADDR, ETHER_HEADER, ETHER_SADDR, MAC_SIZE } from "../../nf-abi/frame-layout";

// @ts-ignore: decorator
@external("config", "capacity") declare const CAPACITY: u32;
// @ts-ignore: decorator
@external("config", "expiration_time") declare const EXPIRATION_TIME: u64;
/** Nonzero: learn group source addresses too, as Vigor 1.0's bridge does (802.1D 7.8 learns only individual ones). */
// @ts-ignore: decorator
@external("config", "learn_group_sources") declare const LEARN_GROUP_SOURCES: u8;

// The static rules (nf.json "tables"): one row per (destination, input device), read once in nf_init.
// @ts-ignore: decorator
@external("config", "static_rules_count") declare function static_rules_count(): i32;
/** The row's MAC address, its wire bytes as a little-endian i64 (byte 0 in the low bits). */
// @ts-ignore: decorator
@external("config", "static_rules_addr") declare function static_rules_addr(row: i32): i64;
// @ts-ignore: decorator
@external("config", "static_rules_device") declare function static_rules_device(row: i32): i32;
// @ts-ignore: decorator
@external("config", "static_rules_output") declare function static_rules_output(row: i32): i32;

/** A static rule's output meaning "filter the frame". */
const DROP_RULE: i32 = -2;

// Records, laid out as nf.json's records: StaticKey { addr: bytes:6, device: u16 }, DynamicValue
// { output_port: u16 }, StaticValue { output: i32 }. Static buffers, so no frame allocates memory.
const STATIC_KEY_SIZE = 8;
const DYNAMIC_VALUE_SIZE = 2;
const STATIC_VALUE_SIZE = 4;
const staticKey = memory.data(STATIC_KEY_SIZE);
const dynamicValue = memory.data(DYNAMIC_VALUE_SIZE);
const staticValue = memory.data(STATIC_VALUE_SIZE);

// Handles, allocated in nf_init in the order of nf.json's "state" list (the verifier names them by that order).
let dynEmap: i32 = -1;
let dynVals: i32 = -1;
let statEmap: i32 = -1;
let statVals: i32 = -1;

export function nf_init(): void {
  dynEmap = emap_allocate(MAC_SIZE, CAPACITY);
  dynVals = vector_allocate(DYNAMIC_VALUE_SIZE, CAPACITY);
  statEmap = emap_allocate(STATIC_KEY_SIZE, CAPACITY);
  statVals = vector_allocate(STATIC_VALUE_SIZE, CAPACITY);
  const rules = static_rules_count();
  for (let row = 0; row < rules; row++) {
    const addr = static_rules_addr(row);
    store<u32>(staticKey, <u32>addr);
    store<u16>(staticKey + 4, <u16>(addr >> 32));
    store<u16>(staticKey + MAC_SIZE, <u16>static_rules_device(row));
    const index = emap_add(statEmap, staticKey, 0);
    if (index < 0) abort("more static rules than the static table's capacity");
    store<i32>(staticValue, static_rules_output(row));
    vector_set(statVals, index, staticValue);
  }
}

export function nf_process(device: i32, packet: usize, length: i32, now: i64): i32 {
  if (length < ETHER_HEADER) return DROP;
  if (<i64>EXPIRATION_TIME <= now) emap_expire(dynEmap, now - <i64>EXPIRATION_TIME);
  // A group source (its first octet's I/G bit set) denotes no end station (802.1D 7.8): nothing to learn.
  if ((load<u8>(packet + ETHER_SADDR) & 1) == 0 || LEARN_GROUP_SOURCES != 0) learn(device, packet + ETHER_SADDR, now);

  // The address's first four bytes, then its last two and the device, as words: V8 runs a 6-byte memory.copy as a
  // call into C++, and libVig reads keys in 32-bit words, which two 16-bit stores would stall (docs/PITFALLS.md).
  store<u32>(staticKey, load<u32>(packet + ETHER_DADDR));
  store<u32>(staticKey + 4, <u32>load<u16>(packet + ETHER_DADDR + 4) | (<u32>device << 16));
  const rule = emap_get(statEmap, staticKey);
  if (rule >= 0) {
    vector_get(statVals, rule, staticValue);
    const output = load<i32>(staticValue);
    return output == DROP_RULE || output == device ? DROP : output;
  }
  const learned = emap_get(dynEmap, packet + ETHER_DADDR);
  if (learned >= 0) {
    vector_get(dynVals, learned, dynamicValue);
    const output = <i32>load<u16>(dynamicValue);
    return output == device ? DROP : output;
  }
  return FLOOD;
}

/** The source address is reachable through `device`: refresh a known entry, or learn it if there is room. */
function learn(device: i32, source: usize, now: i64): void {
  const known = emap_get(dynEmap, source);
  if (known >= 0) {
    emap_refresh(dynEmap, known, now);
  } else if (!emap_full(dynEmap)) {
    const index = emap_add(dynEmap, source, now);
    store<u16>(dynamicValue, <u16>device);
    vector_set(dynVals, index, dynamicValue);
  }
}
