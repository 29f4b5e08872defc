// Native baseline of `npm run bench:libvig`: the emap's key table (libvig/runtime/key-table.ts) in C, same slot
// layout (a probe word per slot: hash, chain bit, free bit; apart from it the entries: index, chain counter, key),
// hash (MurmurHash3 x86_32 over little-endian words) and linear probing with chain counters.
// The lookup is kept out of line, as a library call is for an NF compiled without LTO.
//
// Usage: flow_lookup CAPACITY KEY_COUNT MISS_COUNT ROUNDS REPETITIONS < keys
// stdin: KEY_COUNT keys to insert, then KEY_COUNT keys to look up (hits), then MISS_COUNT absent keys, 13 bytes
// each. Prints "hit_ns miss_ns hit_sum miss_sum": the best of the repetitions in ns per lookup, then the sums of
// the results of one pass (the indices found, -1 per miss), which must equal the WebAssembly side's.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { KEY_SIZE = 13, KEY_WORDS = (KEY_SIZE + 3) / 4, ENTRY_INDEX = 0, ENTRY_CHAIN = 1, ENTRY_HEADER = 2,
       STRIDE = ENTRY_HEADER + KEY_WORDS };
#define CHAIN_ABOVE_ZERO 0x40000000
#define FREE INT32_MIN

struct table {
  int32_t *probes;
  int32_t *entries;
  uint32_t mask;
};

static uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t hash_key_words(const uint32_t *words) {
  uint32_t h = 0;
  for (int w = 0; w < KEY_WORDS; w++) {
    uint32_t k = rotl(words[w] * 0xcc9e2d51u, 15) * 0x1b873593u;
    h = rotl(h ^ k, 13) * 5 + 0xe6546b64u;
  }
  h ^= KEY_SIZE;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return (h ^ (h >> 16)) & 0x3fffffffu; /* 30 bits, as the run-time keeps (see hash.ts) */
}

static void read_key(const uint8_t *key, uint32_t *words) {
  words[KEY_WORDS - 1] = 0;
  memcpy(words, key, KEY_SIZE);
}

__attribute__((noinline)) int32_t table_get(const struct table *t, const uint8_t *key) {
  uint32_t words[KEY_WORDS];
  read_key(key, words);
  int32_t hash = (int32_t)hash_key_words(words);
  uint32_t start = (uint32_t)hash & t->mask, slot = start;
  do {
    int32_t probe = t->probes[slot];
    if ((probe & ~CHAIN_ABOVE_ZERO) == hash) {
      const int32_t *at = t->entries + (size_t)slot * STRIDE;
      if (memcmp(at + ENTRY_HEADER, words, sizeof words) == 0) return at[ENTRY_INDEX];
    }
    if ((probe & CHAIN_ABOVE_ZERO) == 0) return -1;
    slot = (slot + 1) & t->mask;
  } while (slot != start);
  return -1;
}

static void table_insert(struct table *t, const uint8_t *key, int32_t index) {
  uint32_t words[KEY_WORDS];
  read_key(key, words);
  int32_t hash = (int32_t)hash_key_words(words);
  uint32_t slot = (uint32_t)hash & t->mask;
  while (t->probes[slot] >= 0) {
    t->entries[(size_t)slot * STRIDE + ENTRY_CHAIN]++;
    t->probes[slot] |= CHAIN_ABOVE_ZERO;
    slot = (slot + 1) & t->mask;
  }
  t->probes[slot] = hash | (t->probes[slot] & CHAIN_ABOVE_ZERO);
  int32_t *at = t->entries + (size_t)slot * STRIDE;
  at[ENTRY_INDEX] = index;
  memcpy(at + ENTRY_HEADER, words, sizeof words);
}

/* CPU time of the process, as the WebAssembly side measures its own: time spent preempted does not count. */
static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int64_t sum_of_lookups(const struct table *t, const uint8_t *keys, int count) {
  int64_t sum = 0;
  for (int k = 0; k < count; k++) sum += table_get(t, keys + (size_t)k * KEY_SIZE);
  return sum;
}

static double best_ns_per_lookup(const struct table *t, const uint8_t *keys, int count, int rounds, int repetitions) {
  double best = 1e30;
  for (int repetition = 0; repetition < repetitions; repetition++) {
    double started = now_ns();
    volatile int64_t sink = 0;
    for (int round = 0; round < rounds; round++) sink += sum_of_lookups(t, keys, count);
    double per_lookup = (now_ns() - started) / ((double)rounds * count);
    if (per_lookup < best) best = per_lookup;
  }
  return best;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s CAPACITY KEY_COUNT MISS_COUNT ROUNDS REPETITIONS < keys\n", argv[0]);
    return 2;
  }
  uint32_t capacity = (uint32_t)atoi(argv[1]);
  int key_count = atoi(argv[2]), miss_count = atoi(argv[3]), rounds = atoi(argv[4]), repetitions = atoi(argv[5]);
  uint32_t slot_count = 1;
  while (slot_count < 2 * capacity) slot_count <<= 1; /* as key-table.ts sizes an emap's slots */
  struct table t = { malloc((size_t)slot_count * sizeof(int32_t)), calloc((size_t)slot_count * STRIDE, sizeof(int32_t)), slot_count - 1 };
  for (uint32_t slot = 0; slot < slot_count; slot++) t.probes[slot] = FREE;
  size_t input_size = (size_t)(2 * key_count + miss_count) * KEY_SIZE;
  uint8_t *input = malloc(input_size);
  if (fread(input, 1, input_size, stdin) != input_size) {
    fprintf(stderr, "flow_lookup: expected %zu bytes of keys on stdin\n", input_size);
    return 2;
  }
  for (int k = 0; k < key_count; k++) table_insert(&t, input + (size_t)k * KEY_SIZE, k);
  const uint8_t *hits = input + (size_t)key_count * KEY_SIZE, *misses = input + (size_t)2 * key_count * KEY_SIZE;
  double hit_ns = best_ns_per_lookup(&t, hits, key_count, rounds, repetitions);
  double miss_ns = best_ns_per_lookup(&t, misses, miss_count, rounds, repetitions);
  printf("%.3f %.3f %lld %lld\n", hit_ns, miss_ns, (long long)sum_of_lookups(&t, hits, key_count),
         (long long)sum_of_lookups(&t, misses, miss_count));
  return 0;
}
