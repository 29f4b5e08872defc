// Benchmark driver, called from libvig/bench/run.ts: looks NAT flow keys (13-byte FlowId) up in an emap the way
// an NF does, through the libvig imports. The host writes the keys into this module's memory.
import { emap_add, emap_allocate, emap_get } from "../../as/emap";

const FLOW_ID_SIZE: i32 = 13;
let flows: i32 = -1;

/** Makes room for `count` keys and returns their address; the host fills them. */
export function reserve_keys(count: i32): usize {
  const bytes = count * FLOW_ID_SIZE;
  const base = memory.size() << 16;
  memory.grow((bytes + 0xffff) >> 16);
  return <usize>base;
}

/** Creates the table and adds the first `count` keys at `keys`. */
export function fill(capacity: i32, keys: usize, count: i32): void {
  flows = emap_allocate(FLOW_ID_SIZE, capacity);
  for (let k = 0; k < count; k++) emap_add(flows, keys + <usize>(k * FLOW_ID_SIZE), 0);
}

/** Looks up `count` keys at `keys`, `rounds` times; returns the sum of the indices found (so nothing is dead). */
export function lookup_all(keys: usize, count: i32, rounds: i32): i32 {
  let sum: i32 = 0;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < count; k++) sum += emap_get(flows, keys + <usize>(k * FLOW_ID_SIZE));
  }
  return sum;
}
