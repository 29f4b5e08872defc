/* The bridge in C (the C twin of bridge.ts, same behaviour; see NFS.md and spec.py): compiled for wasm32 by
 * clang against libVig's imports, and natively by gcc against runtime/native/libvig.c as the benchmark's
 * native baseline. */
#include <stdint.h>
#include "../../libvig/c/libvig.h"
#include "../../nf-abi/c/frame-layout.h"
#include "../../nf-abi/c/nf.h"

#define CONFIG(name) __attribute__((import_module("config"), import_name(#name)))
CONFIG(capacity) int32_t capacity(void);
CONFIG(expiration_time) int64_t expiration_time(void);
CONFIG(learn_group_sources) int32_t learn_group_sources(void);
CONFIG(static_rules_count) int32_t static_rules_count(void);
CONFIG(static_rules_addr) int64_t static_rules_addr(int32_t row);
CONFIG(static_rules_device) int32_t static_rules_device(int32_t row);
CONFIG(static_rules_output) int32_t static_rules_output(int32_t row);

enum { DROP_RULE = -2 };

/* nf.json's records: StaticKey { addr: bytes:6, device: u16 }, DynamicValue { output_port: u16 }. */
struct static_key {
  uint8_t addr[MAC_SIZE];
  uint16_t device;
};

/* Handles, allocated in nf_init in the order of nf.json's "state" list, then stat_vals (see nfs/README.md). */
static int32_t dyn_emap, dyn_vals, stat_emap, stat_vals;

void nf_init(void) {
  dyn_emap = emap_allocate(MAC_SIZE, capacity());
  dyn_vals = vector_allocate(sizeof(uint16_t), capacity());
  stat_emap = emap_allocate(sizeof(struct static_key), capacity());
  stat_vals = vector_allocate(sizeof(int32_t), capacity());
  for (int32_t row = 0; row < static_rules_count(); row++) {
    int64_t addr = static_rules_addr(row);
    struct static_key key;
    for (int byte = 0; byte < MAC_SIZE; byte++) key.addr[byte] = (uint8_t)(addr >> (8 * byte));
    key.device = (uint16_t)static_rules_device(row);
    int32_t index = emap_add(stat_emap, &key, 0);
    if (index < 0) __builtin_trap(); /* more static rules than the static table's capacity */
    int32_t output = static_rules_output(row);
    vector_set(stat_vals, index, &output);
  }
}

/* The source address is reachable through `device`: refresh a known entry, or learn it if there is room. */
static void learn(int32_t device, const uint8_t *source, int64_t now) {
  int32_t known = emap_get(dyn_emap, source);
  if (known >= 0) {
    emap_refresh(dyn_emap, known, now);
  } else if (!emap_full(dyn_emap)) {
    int32_t index = emap_add(dyn_emap, source, now);
    uint16_t port = (uint16_t)device;
    vector_set(dyn_vals, index, &port);
  }
}

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, int64_t now) {
  if (length < ETHER_HEADER) return DROP;
  if (expiration_time() <= now) emap_expire(dyn_emap, now - expiration_time());
  /* A group source (its first octet's I/G bit set) denotes no end station (802.1D 7.8): nothing to learn. */
  if ((packet[ETHER_SADDR] & 1) == 0 || learn_group_sources()) learn(device, packet + ETHER_SADDR, now);

  struct static_key key;
  __builtin_memcpy(key.addr, packet + ETHER_DADDR, MAC_SIZE);
  key.device = (uint16_t)device;
  int32_t rule = emap_get(stat_emap, &key);
  if (rule >= 0) {
    int32_t output;
    vector_get(stat_vals, rule, &output);
    return output == DROP_RULE || output == device ? DROP : output;
  }
  int32_t learned = emap_get(dyn_emap, packet + ETHER_DADDR);
  if (learned >= 0) {
    uint16_t port;
    vector_get(dyn_vals, learned, &port);
    return port == device ? DROP : port;
  }
  return FLOOD;
}
