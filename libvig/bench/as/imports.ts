// Benchmark driver, called from libvig/bench/imports.ts: calls one libvig import (or `bench.nothing`, an import
// that does nothing: the boundary's own cost) in a loop, the way an NF calls it, over a handful of indices and
// keys so that what is measured is the call and not the memory behind it.
import { emap_add, emap_allocate, emap_expire, emap_get, emap_get_key, emap_refresh } from "../../as/emap";
import { lpm_add, lpm_allocate, lpm_lookup } from "../../as/lpm";
import { vector_allocate, vector_get, vector_set } from "../../as/vector";

// @ts-ignore: decorator
@external("bench", "nothing") declare function nothing(a: i32, b: i32, c: i32): void;

/** The imports measured, in the order imports.ts names them. */
const NOTHING = 0;
const EMAP_GET_HIT = 1;
const EMAP_GET_MISS = 2;
const EMAP_REFRESH = 3;
const EMAP_GET_KEY = 4;
const EMAP_EXPIRE_NOTHING = 5;
const VECTOR_GET = 6;
const VECTOR_SET = 7;
const LPM_LOOKUP = 8;

/** Keys are IPv4 addresses (as the policer's), records 16 bytes (as its buckets). */
const KEY_SIZE = 4;
const RECORD_SIZE = 16;
const ENTRIES = 16;
const CAPACITY = 65536;
/** At an odd address, as a key read from a frame is. */
const key = memory.data(16) + 2;
const record = memory.data(RECORD_SIZE);
let emap: i32 = -1;
let vector: i32 = -1;
let lpm: i32 = -1;

function keyAt(k: i32): void {
  store<u32>(key, <u32>k * 2654435761);
}

export function setup(): void {
  emap = emap_allocate(KEY_SIZE, CAPACITY);
  vector = vector_allocate(RECORD_SIZE, CAPACITY);
  lpm = lpm_allocate(16);
  for (let k = 0; k < ENTRIES; k++) {
    keyAt(k);
    emap_add(emap, key, 0);
  }
  lpm_add(lpm, 0x0a000000, 8, 1);
  lpm_add(lpm, 0x0a010000, 16, 2);
}

/** Calls import `which` `count` times; returns a sum of results, so that no call is dead. */
export function run(which: i32, count: i32): i32 {
  let sum = 0;
  for (let n = 0; n < count; n++) {
    const k = n & (ENTRIES - 1);
    if (which == NOTHING) nothing(vector, k, record);
    else if (which == EMAP_GET_HIT) { keyAt(k); sum += emap_get(emap, key); }
    else if (which == EMAP_GET_MISS) { keyAt(k + ENTRIES); sum += emap_get(emap, key); }
    else if (which == EMAP_REFRESH) emap_refresh(emap, k, 1);
    else if (which == EMAP_GET_KEY) emap_get_key(emap, k, key);
    else if (which == EMAP_EXPIRE_NOTHING) sum += emap_expire(emap, 0);
    else if (which == VECTOR_GET) vector_get(vector, k, record);
    else if (which == VECTOR_SET) vector_set(vector, k, record);
    else if (which == LPM_LOOKUP) sum += lpm_lookup(lpm, 0x0a010000 | k);
  }
  return sum;
}
