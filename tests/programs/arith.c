/* Differential-test program in C (clang --target=wasm32): switch tables, function pointers, 64-bit math. */
#include <stdint.h>

static uint8_t out[256];

static int32_t add(int32_t x, int32_t y) { return x + y; }
static int32_t sub(int32_t x, int32_t y) { return x - y; }
static int32_t mul(int32_t x, int32_t y) { return x * y; }
static int32_t (*const ops[3])(int32_t, int32_t) = {add, sub, mul};

static int64_t classify(int32_t k, int64_t x) {
  switch (k & 15) {
    case 0: return x + 11;
    case 1: return x ^ 0x5555;
    case 2: return x >> 5;
    case 3: return (int64_t)((uint64_t)x >> 33);
    case 4: return x * 3;
    case 5: return -x;
    case 6: return x & 0xffff;
    default: return x | 1;
  }
}

__attribute__((export_name("run"))) int64_t run(int32_t a, int32_t b, int64_t c, int64_t d) {
  volatile uint8_t *o = out;
  *(volatile uint32_t *)(o + 0) = (uint32_t)a * 2654435761u + ((uint32_t)b >> (a & 31));
  *(volatile int16_t *)(o + 4) = (int16_t)(a - b);
  *(volatile int64_t *)(o + 8) = classify(a, c);
  *(volatile int64_t *)(o + 16) = (int64_t)a * (int64_t)b + (c << (d & 63));
  *(volatile int32_t *)(o + 24) = ops[(uint32_t)b % 3u](a, b);
  *(volatile uint32_t *)(o + 28) = (uint32_t)__builtin_clz((uint32_t)a | 1) + (uint32_t)__builtin_popcountll((uint64_t)c);
  *(volatile int32_t *)(o + 32) = (int8_t)o[1] + (int16_t)(o[2] | (o[3] << 8));
  if (b != 0 && !(a == INT32_MIN && b == -1)) *(volatile int32_t *)(o + 36) = a / b - a % b;
  if (d != 0) *(volatile uint64_t *)(o + 40) = (uint64_t)c % (uint64_t)d;
  uint32_t acc = 0;
  for (int32_t i = 0; i < (a & 3); i++) acc = acc * 33 + o[i];
  *(volatile uint32_t *)(o + 48) = acc;
  return c < d ? c : d;
}
