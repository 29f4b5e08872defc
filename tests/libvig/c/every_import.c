/* Calls every libvig import through libvig/c/libvig.h, one exported wrapper per import, so that
 * tests/libvig/declarations.test.ts can drive the real imports from WebAssembly compiled by clang. */
#include "../../../libvig/c/libvig.h"

#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(call_emap_allocate) int32_t call_emap_allocate(int32_t key_size, int32_t capacity) { return emap_allocate(key_size, capacity); }
EXPORT(call_emap_get) int32_t call_emap_get(int32_t map, const void *key) { return emap_get(map, key); }
EXPORT(call_emap_has_idx) int32_t call_emap_has_idx(int32_t map, int32_t index) { return emap_has_idx(map, index); }
EXPORT(call_emap_get_key) void call_emap_get_key(int32_t map, int32_t index, void *out) { emap_get_key(map, index, out); }
EXPORT(call_emap_add) int32_t call_emap_add(int32_t map, const void *key, int64_t now) { return emap_add(map, key, now); }
EXPORT(call_emap_refresh) void call_emap_refresh(int32_t map, int32_t index, int64_t now) { emap_refresh(map, index, now); }
EXPORT(call_emap_erase) void call_emap_erase(int32_t map, const void *key) { emap_erase(map, key); }
EXPORT(call_emap_expire) int32_t call_emap_expire(int32_t map, int64_t time) { return emap_expire(map, time); }
EXPORT(call_emap_count) int32_t call_emap_count(int32_t map) { return emap_count(map); }
EXPORT(call_emap_full) int32_t call_emap_full(int32_t map) { return emap_full(map); }
EXPORT(call_vector_allocate) int32_t call_vector_allocate(int32_t record_size, int32_t capacity) { return vector_allocate(record_size, capacity); }
EXPORT(call_vector_get) void call_vector_get(int32_t vector, int32_t index, void *out) { vector_get(vector, index, out); }
EXPORT(call_vector_set) void call_vector_set(int32_t vector, int32_t index, const void *record) { vector_set(vector, index, record); }
EXPORT(call_cht_allocate) int32_t call_cht_allocate(int32_t height, int32_t backend_capacity) { return cht_allocate(height, backend_capacity); }
EXPORT(call_cht_find_backend) int32_t call_cht_find_backend(int32_t cht, uint32_t hash, int32_t backends) { return cht_find_backend(cht, hash, backends); }
EXPORT(call_lpm_allocate) int32_t call_lpm_allocate(int32_t capacity) { return lpm_allocate(capacity); }
EXPORT(call_lpm_add) int32_t call_lpm_add(int32_t lpm, uint32_t prefix, int32_t length, int32_t value) { return lpm_add(lpm, prefix, length, value); }
EXPORT(call_lpm_lookup) int32_t call_lpm_lookup(int32_t lpm, uint32_t address) { return lpm_lookup(lpm, address); }
