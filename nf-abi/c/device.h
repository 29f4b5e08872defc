/* device.ts's register protocol for the C stack, with the same names and values (checked by tests/stack). */
#ifndef NF_ABI_DEVICE_H
#define NF_ABI_DEVICE_H

#include <stdint.h>

/* Module "device": the registers and clock of a device, as the C stack reaches them (device.ts says the rules). */
int32_t read_register(int32_t device, int32_t reg);
void write_register(int32_t device, int32_t reg, int32_t value);
int64_t now(void);

enum {
  REGISTER_CONTROL = 0,
  REGISTER_RX_BASE = 1,
  REGISTER_RX_SIZE = 2,
  REGISTER_RX_HEAD = 3,
  REGISTER_RX_TAIL = 4,
  REGISTER_TX_BASE = 5,
  REGISTER_TX_SIZE = 6,
  REGISTER_TX_HEAD = 7,
  REGISTER_TX_TAIL = 8,
  REGISTER_COUNT = 9,
  CONTROL_RX_ENABLE = 1,
  CONTROL_TX_ENABLE = 2,
  CONTROL_RESERVED = -4,
  DESCRIPTOR_BYTES = 16,
  DESCRIPTOR_ADDRESS = 0,
  DESCRIPTOR_LENGTH = 4,
  DESCRIPTOR_STATUS = 6,
  DESCRIPTOR_STAMP = 8,
  STATUS_DONE = 1,
  STATUS_ERROR = 2,
  MAX_RING_SIZE = 512,
  STACK_RING_SIZE = 512,
  BUFFER_BYTES = 2048,
  DEVICE_REGION_BASE = 0x100000,
  RX_RING_OFFSET = 0,
  TX_RING_OFFSET = 0x2000,
  DRIVER_STATE_OFFSET = 0x4000,
  BUFFERS_OFFSET = 0x8000,
  DEVICE_STRIDE = 0x108000,
};

#endif
