/* libVig imports for C NFs (clang --target=wasm32): #include "../../libvig/c/libvig.h".
 * Every function is an import from WebAssembly module "libvig"; semantics, preconditions and results are in
 * libvig/README.md. Handles are created in nf_init; pointers are into the NF's memory and keys and records are
 * copied; time is signed 64-bit nanoseconds; -1 means "none". */
#ifndef LIBVIG_H
#define LIBVIG_H

#include <stdint.h>

#define LIBVIG_IMPORT(name) __attribute__((import_module("libvig"), import_name(#name)))

/* emap: key -> index, index -> key, index allocator with time stamps */
LIBVIG_IMPORT(emap_allocate) int32_t emap_allocate(int32_t key_size, int32_t capacity);
LIBVIG_IMPORT(emap_get) int32_t emap_get(int32_t map, const void *key);
LIBVIG_IMPORT(emap_has_idx) int32_t emap_has_idx(int32_t map, int32_t index);
LIBVIG_IMPORT(emap_get_key) void emap_get_key(int32_t map, int32_t index, void *out);
LIBVIG_IMPORT(emap_add) int32_t emap_add(int32_t map, const void *key, int64_t now);
LIBVIG_IMPORT(emap_refresh) void emap_refresh(int32_t map, int32_t index, int64_t now);
LIBVIG_IMPORT(emap_erase) void emap_erase(int32_t map, const void *key);
LIBVIG_IMPORT(emap_expire) int32_t emap_expire(int32_t map, int64_t time);
LIBVIG_IMPORT(emap_count) int32_t emap_count(int32_t map);
LIBVIG_IMPORT(emap_full) int32_t emap_full(int32_t map);

/* vector: fixed-size records */
LIBVIG_IMPORT(vector_allocate) int32_t vector_allocate(int32_t record_size, int32_t capacity);
LIBVIG_IMPORT(vector_get) void vector_get(int32_t vector, int32_t index, void *out);
LIBVIG_IMPORT(vector_set) void vector_set(int32_t vector, int32_t index, const void *record);

/* cht: Maglev lookup table */
LIBVIG_IMPORT(cht_allocate) int32_t cht_allocate(int32_t height, int32_t backend_capacity);
LIBVIG_IMPORT(cht_find_backend) int32_t cht_find_backend(int32_t cht, uint32_t hash, int32_t backends);

/* lpm: IPv4 longest-prefix match, addresses with the first octet most significant */
LIBVIG_IMPORT(lpm_allocate) int32_t lpm_allocate(int32_t capacity);
LIBVIG_IMPORT(lpm_add) int32_t lpm_add(int32_t lpm, uint32_t prefix, int32_t length, int32_t value);
LIBVIG_IMPORT(lpm_lookup) int32_t lpm_lookup(int32_t lpm, uint32_t address);

#undef LIBVIG_IMPORT
#endif
