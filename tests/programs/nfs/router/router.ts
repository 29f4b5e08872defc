// Test NF: IPv4 routing by longest-prefix match; the default route spreads flows over the live backends with a
// Maglev table keyed by the source address. Backends announce themselves, so their table changes at run time.
import { DROP } from "../../../../nf-abi/outputs";
import { emap_add, emap_allocate, emap_full, emap_get } from "../../../../libvig/as/emap";
import { lpm_add, lpm_allocate, lpm_lookup } from "../../../../libvig/as/lpm";
import { cht_allocate, cht_find_backend } from "../../../../libvig/as/cht";

const LOAD_BALANCED: i32 = 2;
let routes: i32 = 0;
let backends: i32 = 0;
let table: i32 = 0;

export function nf_init(): void {
  routes = lpm_allocate(16);
  backends = emap_allocate(4, 4);
  table = cht_allocate(7, 4);
  lpm_add(routes, 0x0a000000, 8, 0); // 10.0.0.0/8 -> device 0
  lpm_add(routes, 0x0a010000, 16, 1); // 10.1.0.0/16 -> device 1
  lpm_add(routes, 0, 0, LOAD_BALANCED); // default: load-balanced
}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  if (length < 34) {
    // A short frame on device 1 announces a live backend: its first four bytes.
    if (device == 1 && length >= 4 && emap_get(backends, packet) < 0 && !emap_full(backends)) emap_add(backends, packet, now);
    return DROP;
  }
  const destination = bswap<u32>(load<u32>(packet + 30)); // first octet most significant, as lpm wants it
  const route = lpm_lookup(routes, destination);
  if (route < 0) return DROP;
  if (route != LOAD_BALANCED) return route;
  const backend = cht_find_backend(table, load<i32>(packet + 26), backends);
  if (backend < 0) return DROP;
  return backend & 1;
}
