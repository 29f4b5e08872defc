// Traffic policer (NFS.md, spec.py): a token bucket per destination IPv4 address limits what the WAN (device 0)
// sends each LAN host (device 1) to `rate` bytes a second with bursts of up to `burst` bytes; LAN to WAN passes;
// malformed IPv4 is dropped; a destination not seen for the expiration time is forgotten.
import { DROP } from "../../nf-abi/outputs";
import { emap_add, emap_allocate, emap_expire, emap_get, emap_refresh } from "../../libvig/as/emap";
import { vector_allocate, vector_get, vector_set } from "../../libvig/as/vector";
import { ETHER_HEADER, ETHER_TYPE, ETHER_TYPE_IPV4, IP, IP_ADDRESS_SIZE, IP_DADDR, IP_HEADER, IP_TOTAL_LENGTH } from "../../nf-abi/frame-layout";

// @ts-ignore: decorator
@external("config", "capacity") declare const CAPACITY: u32;
// @ts-ignore: decorator
@external("config", "expiration_time") declare const EXPIRATION_TIME: u64;
/** Tokens (bytes) a bucket gains per second. */
// @ts-ignore: decorator
@external("config", "rate") declare const RATE: u64;
/** The most tokens (bytes) a bucket holds. */
// @ts-ignore: decorator
@external("config", "burst") declare const BURST: u64;

const WAN_DEVICE = 0;
const LAN_DEVICE = 1;
const NS_PER_SECOND: u64 = 1_000_000_000;

// DynamicValue (nf.json records): bucket_size u64, bucket_time u64. A static buffer: no frame allocates memory.
const BUCKET_SIZE = 0;
const BUCKET_TIME = 8;
const DYNAMIC_VALUE_SIZE = 16;
const dynamicValue = memory.data(DYNAMIC_VALUE_SIZE);

// Handles, allocated in nf_init in the order of nf.json's "state" list.
let flowEmap: i32 = -1;
let dynVals: i32 = -1;

export function nf_init(): void {
  // The refill multiplies an elapsed time below fillTime() by RATE: that product, at most BURST x 10^9 + RATE, must fit 64 bits.
  if (RATE == 0 || BURST > (U64.MAX_VALUE - RATE) / NS_PER_SECOND) abort("rate must be nonzero and burst x 10^9 + rate below 2^64");
  flowEmap = emap_allocate(IP_ADDRESS_SIZE, CAPACITY);
  dynVals = vector_allocate(DYNAMIC_VALUE_SIZE, CAPACITY);
}

export function nf_process(device: i32, packet: usize, length: i32, now: i64): i32 {
  if (!wellFormed(packet, length)) return DROP;
  // Before the expiration time has passed the threshold is negative and expires nothing (stamps are >= 0).
  emap_expire(flowEmap, now - <i64>EXPIRATION_TIME);
  if (device == LAN_DEVICE) return WAN_DEVICE;
  return police(packet + IP_DADDR, <u64>length, <u64>now) ? LAN_DEVICE : DROP;
}

/**
 * IPv4 (version 4) with a header of at least 5 words that the frame holds, and a total length within the frame.
 * The tests after the length are combined without branches: one path.
 */
function wellFormed(packet: usize, length: i32): bool {
  if (length < ETHER_HEADER + IP_HEADER) return false;
  const versionIhl = load<u8>(packet + IP);
  const headerLength = <i32>(versionIhl & 15) * 4;
  const totalLength = <i32>bswap<u16>(load<u16>(packet + IP_TOTAL_LENGTH));
  return (
    (load<u16>(packet + ETHER_TYPE) == ETHER_TYPE_IPV4) &
    (versionIhl >> 4 == 4) &
    (headerLength >= IP_HEADER) &
    (ETHER_HEADER + headerLength <= length) &
    (ETHER_HEADER + totalLength <= length)
  ) != 0;
}

/** Whether a frame of `size` bytes to the address at `destination` fits its bucket, which is charged if so. */
function police(destination: usize, size: u64, now: u64): bool {
  const index = emap_get(flowEmap, destination);
  if (index < 0) return admit(destination, size, now);
  emap_refresh(flowEmap, index, now);
  vector_get(dynVals, index, dynamicValue);
  const tokens = refilled(load<u64>(dynamicValue + BUCKET_SIZE), load<u64>(dynamicValue + BUCKET_TIME), now);
  const fits = size <= tokens;
  store<u64>(dynamicValue + BUCKET_SIZE, fits ? tokens - size : tokens);
  store<u64>(dynamicValue + BUCKET_TIME, now);
  vector_set(dynVals, index, dynamicValue);
  return fits;
}

/** A new destination gets a full bucket less this frame, if the frame fits one and the table has room. */
function admit(destination: usize, size: u64, now: u64): bool {
  if (size > BURST) return false;
  // -1 when the table is full: one call into libVig instead of emap_full and emap_add.
  const index = emap_add(flowEmap, destination, now);
  if (index < 0) return false;
  store<u64>(dynamicValue + BUCKET_SIZE, BURST - size);
  store<u64>(dynamicValue + BUCKET_TIME, now);
  vector_set(dynVals, index, dynamicValue);
  return true;
}

/**
 * `tokens + (now - stamp) x RATE / 10^9`, capped at BURST, without overflowing 64 bits: from fillTime() on, the
 * refill alone reaches BURST, so the product is only taken below it, where it fits (nf_init checks the config).
 * A stamp after `now` (no packet leaves one) gives nothing.
 */
function refilled(tokens: u64, stamp: u64, now: u64): u64 {
  if (tokens >= BURST) return BURST;
  if (now <= stamp) return tokens;
  const elapsed = now - stamp;
  if (elapsed >= fillTime()) return BURST;
  const added = elapsed * RATE / NS_PER_SECOND;
  return added >= BURST - tokens ? BURST : tokens + added;
}

/** The time in ns an empty bucket takes to fill, rounded up: ceil(BURST x 10^9 / RATE). */
// @ts-ignore: decorator
@inline function fillTime(): u64 {
  return (BURST * NS_PER_SECOND + RATE - 1) / RATE;
}
