// Test NF: learns which device each source MAC lives behind; forwards to it, floods unknown destinations.
import { DROP, FLOOD } from "../../../../nf-abi/outputs";
import { emap_add, emap_allocate, emap_expire, emap_get, emap_refresh } from "../../../../libvig/as/emap";
import { vector_allocate, vector_get, vector_set } from "../../../../libvig/as/vector";

// @ts-ignore: decorator
@external("config", "capacity") declare const CAPACITY: u32;
// @ts-ignore: decorator
@external("config", "max_age") declare const MAX_AGE: u64;

let macs: i32 = 0;
let ports: i32 = 0;
const scratch = memory.data(4);

export function nf_init(): void {
  macs = emap_allocate(6, CAPACITY);
  ports = vector_allocate(4, CAPACITY);
}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  if (length < 14) return DROP;
  emap_expire(macs, <i64>(now - MAX_AGE));
  let source = emap_get(macs, packet + 6);
  if (source < 0) {
    source = emap_add(macs, packet + 6, now);
  } else {
    emap_refresh(macs, source, now);
  }
  if (source >= 0) {
    store<u32>(scratch, device);
    vector_set(ports, source, scratch);
  }
  const destination = emap_get(macs, packet);
  if (destination < 0) return FLOOD;
  vector_get(ports, destination, scratch);
  const port = load<i32>(scratch);
  return port == device ? DROP : port;
}
