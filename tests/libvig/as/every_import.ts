// Calls every libvig import through the AssemblyScript declarations, one exported wrapper per import, so that
// tests/libvig/declarations.test.ts can drive the real imports from WebAssembly.
import { emap_add, emap_allocate, emap_count, emap_erase, emap_expire, emap_full, emap_get, emap_get_key, emap_has_idx, emap_refresh } from "../../../libvig/as/emap";
import { vector_allocate, vector_get, vector_set } from "../../../libvig/as/vector";
import { cht_allocate, cht_find_backend } from "../../../libvig/as/cht";
import { lpm_add, lpm_allocate, lpm_lookup } from "../../../libvig/as/lpm";

export function call_emap_allocate(key_size: i32, capacity: i32): i32 { return emap_allocate(key_size, capacity); }
export function call_emap_get(map: i32, key: usize): i32 { return emap_get(map, key); }
export function call_emap_has_idx(map: i32, index: i32): i32 { return emap_has_idx(map, index); }
export function call_emap_get_key(map: i32, index: i32, out: usize): void { emap_get_key(map, index, out); }
export function call_emap_add(map: i32, key: usize, now: i64): i32 { return emap_add(map, key, now); }
export function call_emap_refresh(map: i32, index: i32, now: i64): void { emap_refresh(map, index, now); }
export function call_emap_erase(map: i32, key: usize): void { emap_erase(map, key); }
export function call_emap_expire(map: i32, time: i64): i32 { return emap_expire(map, time); }
export function call_emap_count(map: i32): i32 { return emap_count(map); }
export function call_emap_full(map: i32): i32 { return emap_full(map); }
export function call_vector_allocate(record_size: i32, capacity: i32): i32 { return vector_allocate(record_size, capacity); }
export function call_vector_get(vector: i32, index: i32, out: usize): void { vector_get(vector, index, out); }
export function call_vector_set(vector: i32, index: i32, record: usize): void { vector_set(vector, index, record); }
export function call_cht_allocate(height: i32, backend_capacity: i32): i32 { return cht_allocate(height, backend_capacity); }
export function call_cht_find_backend(cht: i32, hash: i32, backends: i32): i32 { return cht_find_backend(cht, hash, backends); }
export function call_lpm_allocate(capacity: i32): i32 { return lpm_allocate(capacity); }
export function call_lpm_add(lpm: i32, prefix: u32, length: i32, value: i32): i32 { return lpm_add(lpm, prefix, length, value); }
export function call_lpm_lookup(lpm: i32, address: u32): i32 { return lpm_lookup(lpm, address); }
