/* NOP in C, the second front door: the same behaviour as nop.ts (a frame with an Ethernet header goes to the
 * other device, a shorter one is dropped), compiled by clang --target=wasm32. */
#include <stdint.h>
#include "../../nf-abi/c/nf.h"

enum { ETHER_HEADER = 14 };

void nf_init(void) {}

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, uint64_t now) {
  (void)packet;
  (void)now;
  return length < ETHER_HEADER ? DROP : 1 - device;
}
