/* NOP in C, the second front door: the same behaviour as nop.ts, compiled by clang --target=wasm32. */
#include <stdint.h>

void nf_init(void) {}

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, uint64_t now) {
  (void)packet;
  (void)length;
  (void)now;
  return 1 - device;
}
