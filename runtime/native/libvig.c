/* libVig's emap, vector, cht and lpm for NFs compiled natively (gcc -O2), the benchmark's native baseline: the functions
 * of libvig/c/libvig.h that the C twins use (an NF calling another fails to link), with the semantics of libvig/README.md and the same structures as the run-time
 * (libvig/runtime/): open addressing with linear probing and chain counters, MurmurHash3 over little-endian
 * words, a probe word per slot (hash, chain bit, free bit) kept apart from the entries so a miss reads 4 bytes a
 * slot, and a doubly linked list of indices ordered by time stamp over a stack of free indices; the lpm is the
 * run-time's four-level trie of one octet per level; the cht is the run-time's table of per-row preference lists.
 * A broken precondition prints what was wrong and exits with status 3. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../libvig/c/libvig.h"

enum { MAX_OBJECTS = 64, EMPTY = -1, NONE = -1 };
/* A probe word: the slot's key hash (30 bits), CHAIN_ABOVE_ZERO when keys probed past it, FREE when it holds none. */
#define CHAIN_ABOVE_ZERO 0x40000000
#define FREE INT32_MIN

struct slot_header {
  int32_t index; /* EMPTY, or the index of the key stored here */
  int32_t hash;
  int32_t chain; /* how many stored keys probed past this slot */
};

struct emap {
  int32_t key_size, key_words, capacity, stride; /* stride: slot size in 32-bit words */
  uint32_t mask;
  int32_t *slots;
  int32_t *probes;
  int32_t *slot_of_index;
  int64_t *stamps;
  int32_t *older, *newer, *free_stack;
  int32_t free_top, count, oldest, newest;
  int64_t latest_stamp;
};

struct vector {
  int32_t record_size, capacity;
  uint8_t *records;
};

enum { LPM_FANOUT = 256, LPM_CHILD = -2 };

struct lpm {
  int32_t capacity, count, nodes, slot_capacity;
  /* Per slot (node * LPM_FANOUT + octet): a value (>= 0), NONE, or LPM_CHILD - node, a node of the next level
   * whose slots inherit the value (leaf pushing); and the length of the rule each value comes from (adds only). */
  int32_t *slots;
  int8_t *lengths;
  /* The rules present (masked prefix << 6 | length, plus 1; 0 is an empty slot), for the capacity. */
  uint64_t *rules;
  uint32_t rule_mask;
};

/* A Maglev table (libvig/runtime/cht.ts): row r's backends, most preferred first, at [r * backends, (r + 1) * backends). */
struct cht {
  int32_t height, backends;
  int32_t *preferences;
};

static struct object {
  enum { KIND_EMAP, KIND_VECTOR, KIND_LPM, KIND_CHT } kind;
  union {
    struct emap emap;
    struct vector vector;
    struct lpm lpm;
    struct cht cht;
  };
} objects[MAX_OBJECTS];
static int32_t object_count;

static _Noreturn void violation(const char *operation, int32_t handle, const char *what) {
  fprintf(stderr, "libvig %s (object %d): %s\n", operation, handle, what);
  exit(3);
}

static void *zeroed(size_t count, size_t size) {
  void *memory = calloc(count, size);
  if (!memory) violation("allocate", -1, "out of memory");
  return memory;
}

static struct object *new_object(const char *operation, int32_t size, int32_t capacity) {
  if (size < 1 || capacity < 1 || size > (1 << 24) || capacity > (1 << 24)) violation(operation, -1, "sizes and capacities must be in 1..2^24");
  if (object_count == MAX_OBJECTS) violation(operation, -1, "too many objects");
  return &objects[object_count];
}

static struct emap *emap_of(int32_t handle, const char *operation) {
  if (handle < 0 || handle >= object_count || objects[handle].kind != KIND_EMAP) violation(operation, handle, "not an emap handle");
  return &objects[handle].emap;
}

static struct vector *vector_of(int32_t handle, const char *operation) {
  if (handle < 0 || handle >= object_count || objects[handle].kind != KIND_VECTOR) violation(operation, handle, "not a vector handle");
  return &objects[handle].vector;
}

/* Frees every object: the harness starts each pass with a fresh NF. */
void libvig_reset(void) {
  for (int32_t handle = 0; handle < object_count; handle++) {
    if (objects[handle].kind == KIND_VECTOR) {
      free(objects[handle].vector.records);
      continue;
    }
    if (objects[handle].kind == KIND_CHT) {
      free(objects[handle].cht.preferences);
      continue;
    }
    if (objects[handle].kind == KIND_LPM) {
      struct lpm *lpm = &objects[handle].lpm;
      free(lpm->slots), free(lpm->lengths), free(lpm->rules);
      continue;
    }
    struct emap *map = &objects[handle].emap;
    free(map->slots), free(map->slot_of_index), free(map->stamps), free(map->older), free(map->newer), free(map->free_stack);
  }
  object_count = 0;
}

int32_t emap_allocate(int32_t key_size, int32_t capacity) {
  struct object *object = new_object("emap_allocate", key_size, capacity);
  object->kind = KIND_EMAP;
  struct emap *map = &object->emap;
  uint32_t slot_count = 1; /* at least twice the capacity, as libvig/runtime/key-table.ts */
  while (slot_count < 2 * (uint32_t)capacity) slot_count *= 2;
  map->key_size = key_size;
  map->key_words = (key_size + 3) / 4;
  map->capacity = capacity;
  map->stride = (int32_t)(sizeof(struct slot_header) / 4) + map->key_words;
  map->mask = slot_count - 1;
  map->slots = zeroed((size_t)slot_count * map->stride, 4);
  map->probes = zeroed(slot_count, 4);
  for (uint32_t slot = 0; slot < slot_count; slot++) {
    map->slots[(size_t)slot * map->stride] = EMPTY;
    map->probes[slot] = FREE;
  }
  map->slot_of_index = zeroed(capacity, 4);
  for (int32_t index = 0; index < capacity; index++) map->slot_of_index[index] = EMPTY;
  map->stamps = zeroed(capacity, 8);
  map->older = zeroed(capacity, 4);
  map->newer = zeroed(capacity, 4);
  map->free_stack = zeroed(capacity, 4);
  for (int32_t depth = 0; depth < capacity; depth++) map->free_stack[depth] = capacity - 1 - depth;
  map->free_top = capacity;
  map->count = 0;
  map->oldest = map->newest = NONE;
  map->latest_stamp = INT64_MIN;
  return object_count++;
}

static uint32_t rotate_left(uint32_t x, int by) { return (x << by) | (x >> (32 - by)); }

/* MurmurHash3 x86_32 (seed 0) over the key's words, 30 bits kept (as libvig/runtime/hash.ts). */
static int32_t hash_words(const uint32_t *words, int32_t word_count, int32_t key_size) {
  uint32_t h = 0;
  for (int32_t word = 0; word < word_count; word++) {
    h ^= rotate_left(words[word] * 0xcc9e2d51u, 15) * 0x1b873593u;
    h = rotate_left(h, 13) * 5 + 0xe6546b64u;
  }
  h ^= (uint32_t)key_size;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return (int32_t)(h & 0x3fffffffu);
}

/* Copies the key into whole words (the last zero-padded) and returns its hash. */
static int32_t read_key(const struct emap *map, const void *key, uint32_t *words) {
  words[map->key_words - 1] = 0;
  memcpy(words, key, map->key_size);
  return hash_words(words, map->key_words, map->key_size);
}

static int32_t *slot_at(const struct emap *map, uint32_t slot) { return map->slots + (size_t)slot * map->stride; }

static int32_t find(const struct emap *map, const uint32_t *words, int32_t hash) {
  uint32_t slot = (uint32_t)hash & map->mask;
  for (uint32_t probe = 0; probe <= map->mask; probe++, slot = (slot + 1) & map->mask) {
    int32_t word = map->probes[slot];
    if ((word & ~CHAIN_ABOVE_ZERO) == hash) {
      const int32_t *at = slot_at(map, slot);
      if (memcmp(at + 3, words, (size_t)map->key_words * 4) == 0) return ((const struct slot_header *)at)->index;
    }
    if ((word & CHAIN_ABOVE_ZERO) == 0) return NONE;
  }
  return NONE;
}

int32_t emap_get(int32_t handle, const void *key) {
  const struct emap *map = emap_of(handle, "emap_get");
  uint32_t words[map->key_words];
  int32_t hash = read_key(map, key, words);
  return find(map, words, hash);
}

static void append(struct emap *map, int32_t index, int64_t now) {
  map->stamps[index] = now;
  map->latest_stamp = now;
  map->older[index] = map->newest;
  map->newer[index] = NONE;
  if (map->newest == NONE) map->oldest = index;
  else map->newer[map->newest] = index;
  map->newest = index;
}

static void unlink_index(struct emap *map, int32_t index) {
  int32_t older = map->older[index], newer = map->newer[index];
  if (older == NONE) map->oldest = newer;
  else map->newer[older] = newer;
  if (newer == NONE) map->newest = older;
  else map->older[newer] = older;
}

static void require_time(const struct emap *map, int64_t now, const char *operation, int32_t handle) {
  if (now < map->latest_stamp) violation(operation, handle, "time went backwards");
}

int32_t emap_add(int32_t handle, const void *key, int64_t now) {
  struct emap *map = emap_of(handle, "emap_add");
  require_time(map, now, "emap_add", handle);
  uint32_t words[map->key_words];
  int32_t hash = read_key(map, key, words);
  if (find(map, words, hash) != NONE) violation("emap_add", handle, "the key is already present");
  if (map->free_top == 0) return NONE;
  int32_t index = map->free_stack[--map->free_top];
  map->count++;
  append(map, index, now);
  uint32_t slot = (uint32_t)hash & map->mask;
  while (map->probes[slot] >= 0) {
    ((struct slot_header *)slot_at(map, slot))->chain++;
    map->probes[slot] |= CHAIN_ABOVE_ZERO;
    slot = (slot + 1) & map->mask;
  }
  map->probes[slot] = hash | (map->probes[slot] & CHAIN_ABOVE_ZERO);
  int32_t *at = slot_at(map, slot);
  ((struct slot_header *)at)->index = index;
  ((struct slot_header *)at)->hash = hash;
  memcpy(at + 3, words, (size_t)map->key_words * 4);
  map->slot_of_index[index] = (int32_t)slot;
  return index;
}

static int is_allocated(const struct emap *map, int32_t index) {
  return index >= 0 && index < map->capacity && map->slot_of_index[index] != EMPTY;
}

void emap_refresh(int32_t handle, int32_t index, int64_t now) {
  struct emap *map = emap_of(handle, "emap_refresh");
  if (!is_allocated(map, index)) violation("emap_refresh", handle, "the index is not allocated");
  require_time(map, now, "emap_refresh", handle);
  unlink_index(map, index);
  append(map, index, now);
}

int32_t emap_has_idx(int32_t handle, int32_t index) {
  return is_allocated(emap_of(handle, "emap_has_idx"), index);
}

void emap_get_key(int32_t handle, int32_t index, void *out) {
  const struct emap *map = emap_of(handle, "emap_get_key");
  if (!is_allocated(map, index)) violation("emap_get_key", handle, "the index is not allocated");
  memcpy(out, slot_at(map, (uint32_t)map->slot_of_index[index]) + 3, (size_t)map->key_size);
}

/* Removes the key stored under allocated `index` and frees the index. */
static void remove_index(struct emap *map, int32_t index) {
  uint32_t target = (uint32_t)map->slot_of_index[index];
  for (uint32_t slot = (uint32_t)((struct slot_header *)slot_at(map, target))->hash & map->mask; slot != target; slot = (slot + 1) & map->mask) {
    if (--((struct slot_header *)slot_at(map, slot))->chain == 0) map->probes[slot] &= ~CHAIN_ABOVE_ZERO;
  }
  ((struct slot_header *)slot_at(map, target))->index = EMPTY;
  map->probes[target] = FREE | (map->probes[target] & CHAIN_ABOVE_ZERO);
  map->slot_of_index[index] = EMPTY;
  unlink_index(map, index);
  map->count--;
  map->free_stack[map->free_top++] = index;
}

void emap_erase(int32_t handle, const void *key) {
  struct emap *map = emap_of(handle, "emap_erase");
  uint32_t words[map->key_words];
  int32_t index = find(map, words, read_key(map, key, words));
  if (index == NONE) violation("emap_erase", handle, "the key is not present");
  remove_index(map, index);
}

int32_t emap_expire(int32_t handle, int64_t time) {
  struct emap *map = emap_of(handle, "emap_expire");
  int32_t removed = 0;
  while (map->oldest != NONE && map->stamps[map->oldest] < time) {
    remove_index(map, map->oldest);
    removed++;
  }
  return removed;
}

int32_t emap_full(int32_t handle) {
  const struct emap *map = emap_of(handle, "emap_full");
  return map->count == map->capacity;
}

int32_t vector_allocate(int32_t record_size, int32_t capacity) {
  struct object *object = new_object("vector_allocate", record_size, capacity);
  object->kind = KIND_VECTOR;
  object->vector.record_size = record_size;
  object->vector.capacity = capacity;
  object->vector.records = zeroed(capacity, record_size);
  return object_count++;
}

static uint8_t *record_at(int32_t handle, int32_t index, const char *operation, int32_t *size) {
  struct vector *vector = vector_of(handle, operation);
  if (index < 0 || index >= vector->capacity) violation(operation, handle, "index out of range");
  *size = vector->record_size;
  return vector->records + (size_t)index * vector->record_size;
}

void vector_get(int32_t handle, int32_t index, void *out) {
  int32_t size;
  const uint8_t *record = record_at(handle, index, "vector_get", &size);
  memcpy(out, record, size);
}

void vector_set(int32_t handle, int32_t index, const void *record) {
  int32_t size;
  uint8_t *stored = record_at(handle, index, "vector_set", &size);
  memcpy(stored, record, size);
}

int32_t lpm_allocate(int32_t capacity) {
  struct object *object = new_object("lpm_allocate", 1, capacity);
  object->kind = KIND_LPM;
  struct lpm *lpm = &object->lpm;
  uint32_t rule_slots = 1;
  while (rule_slots < 2 * (uint32_t)capacity) rule_slots *= 2;
  lpm->capacity = capacity;
  lpm->count = 0;
  lpm->nodes = 1;
  lpm->slot_capacity = LPM_FANOUT;
  lpm->slots = zeroed(LPM_FANOUT, 4);
  lpm->lengths = zeroed(LPM_FANOUT, 1);
  for (int32_t slot = 0; slot < LPM_FANOUT; slot++) lpm->slots[slot] = NONE, lpm->lengths[slot] = NONE;
  lpm->rules = zeroed(rule_slots, 8);
  lpm->rule_mask = rule_slots - 1;
  return object_count++;
}

static struct lpm *lpm_of(int32_t handle, const char *operation) {
  if (handle < 0 || handle >= object_count || objects[handle].kind != KIND_LPM) violation(operation, handle, "not an lpm handle");
  return &objects[handle].lpm;
}

/* Whether the rule was present; adds it when absent and the table has room (*full otherwise). */
static int lpm_rule_known(struct lpm *lpm, uint64_t rule, int *full) {
  uint32_t slot = (uint32_t)((rule * 0x9e3779b97f4a7c15ull) >> 40) & lpm->rule_mask;
  for (; lpm->rules[slot] != 0; slot = (slot + 1) & lpm->rule_mask) {
    if (lpm->rules[slot] == rule) return 1;
  }
  *full = lpm->count == lpm->capacity;
  if (!*full) lpm->rules[slot] = rule, lpm->count++;
  return 0;
}

/* A node whose slots hold `value`, from a rule of `length`. */
static int32_t lpm_new_node(struct lpm *lpm, int32_t value, int8_t length) {
  if ((lpm->nodes + 1) * LPM_FANOUT > lpm->slot_capacity) {
    size_t slots = (size_t)lpm->slot_capacity * 2;
    lpm->slots = realloc(lpm->slots, slots * 4);
    lpm->lengths = realloc(lpm->lengths, slots);
    if (!lpm->slots || !lpm->lengths) violation("lpm_add", -1, "out of memory");
    lpm->slot_capacity = (int32_t)slots;
  }
  int32_t node = lpm->nodes++;
  for (int32_t slot = node * LPM_FANOUT; slot < (node + 1) * LPM_FANOUT; slot++) lpm->slots[slot] = value, lpm->lengths[slot] = length;
  return node;
}

/* Slots [from, to) and the nodes below them take the rule unless a longer one covers them. */
static void lpm_fill(struct lpm *lpm, int32_t from, int32_t to, int32_t value, int32_t length) {
  for (int32_t slot = from; slot < to; slot++) {
    int32_t held = lpm->slots[slot];
    if (held < NONE) lpm_fill(lpm, (LPM_CHILD - held) * LPM_FANOUT, (LPM_CHILD - held + 1) * LPM_FANOUT, value, length);
    else if (lpm->lengths[slot] <= length) lpm->slots[slot] = value, lpm->lengths[slot] = (int8_t)length;
  }
}

int32_t lpm_add(int32_t handle, uint32_t prefix, int32_t length, int32_t value) {
  struct lpm *lpm = lpm_of(handle, "lpm_add");
  if (length < 0 || length > 32) violation("lpm_add", handle, "prefix length not in 0..32");
  if (value < 0) violation("lpm_add", handle, "negative value");
  uint32_t masked = length == 0 ? 0 : prefix & (0xffffffffu << (32 - length));
  int full = 0;
  if (!lpm_rule_known(lpm, ((uint64_t)masked << 6 | (uint64_t)length) + 1, &full) && full) return 0;
  int level = length == 0 ? 0 : (length - 1) >> 3;
  int32_t node = 0;
  for (int above = 0; above < level; above++) {
    int32_t slot = node * LPM_FANOUT + (int32_t)((masked >> (24 - 8 * above)) & 0xff);
    if (lpm->slots[slot] >= NONE) {
      int32_t child = lpm_new_node(lpm, lpm->slots[slot], lpm->lengths[slot]); /* first: it may move the slots */
      lpm->slots[slot] = LPM_CHILD - child;
    }
    node = LPM_CHILD - lpm->slots[slot];
  }
  int32_t first = node * LPM_FANOUT + (int32_t)((masked >> (24 - 8 * level)) & 0xff);
  lpm_fill(lpm, first, first + (1 << (8 * (level + 1) - length)), value, length);
  return 1;
}

int32_t lpm_lookup(int32_t handle, uint32_t address) {
  const int32_t *slots = lpm_of(handle, "lpm_lookup")->slots;
  int32_t held = slots[address >> 24];
  for (int shift = 16; held < NONE; shift -= 8) held = slots[(LPM_CHILD - held) * LPM_FANOUT + (int32_t)((address >> shift) & 0xff)];
  return held;
}

/* cht.ts's finalMix: Murmur3's finaliser, which derives each backend's permutation. */
static uint32_t final_mix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return h ^ (h >> 16);
}

/* cht.ts's Cht: backend b visits rows offset(b), offset(b) + skip(b), ... (mod height); each step, every backend in
 * turn takes the next free place of the row it visits. */
int32_t cht_allocate(int32_t height, int32_t backend_capacity) {
  struct object *object = new_object("cht_allocate", height, backend_capacity);
  int prime = height >= 2;
  for (int32_t divisor = 2; prime && (int64_t)divisor * divisor <= height; divisor++) prime = height % divisor != 0;
  if (!prime) violation("cht_allocate", -1, "the height must be a prime");
  if ((int64_t)height * backend_capacity > (1 << 26)) violation("cht_allocate", -1, "height x backend_capacity must be at most 2^26");
  object->kind = KIND_CHT;
  struct cht *cht = &object->cht;
  cht->height = height;
  cht->backends = backend_capacity;
  cht->preferences = zeroed((size_t)height * backend_capacity, 4);
  int32_t *row_of = zeroed(backend_capacity, 4), *skip = zeroed(backend_capacity, 4), *filled = zeroed(height, 4);
  for (int32_t backend = 0; backend < backend_capacity; backend++) {
    row_of[backend] = (int32_t)(final_mix(2u * (uint32_t)backend) % (uint32_t)height);
    skip[backend] = (int32_t)(final_mix(2u * (uint32_t)backend + 1) % (uint32_t)(height - 1)) + 1;
  }
  for (int32_t step = 0; step < height; step++) {
    for (int32_t backend = 0; backend < backend_capacity; backend++) {
      int32_t row = row_of[backend];
      cht->preferences[(size_t)row * backend_capacity + filled[row]++] = backend;
      row_of[backend] = (int32_t)(((int64_t)row + skip[backend]) % height);
    }
  }
  free(row_of), free(skip), free(filled);
  return object_count++;
}

int32_t cht_find_backend(int32_t handle, uint32_t hash, int32_t backends) {
  if (handle < 0 || handle >= object_count || objects[handle].kind != KIND_CHT) violation("cht_find_backend", handle, "not a cht handle");
  const struct cht *cht = &objects[handle].cht;
  const struct emap *live = emap_of(backends, "cht_find_backend");
  const int32_t *row = cht->preferences + (size_t)(hash % (uint32_t)cht->height) * cht->backends;
  for (int32_t at = 0; at < cht->backends; at++) {
    if (is_allocated(live, row[at])) return row[at];
  }
  return NONE;
}
