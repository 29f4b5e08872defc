/* The stack's C twin (driver.ts and io-loop.ts, step for step) for the native baseline: the same rings, registers and
 * loop on nf-abi/c/device.h's protocol, so that the C NF is measured through the same work as the .wasm one.
 *
 * Compiled by runtime/native-baseline.ts with -DDEVICES, -DFRAME_MIN, -DFRAME_MAX (nf.json) and -DPACKET_AREA.
 * Protocol addresses (descriptor ADDRESS, ring bases) are those of the .wasm's linear memory; here the device
 * region is the array stack_region, at protocol address DEVICE_REGION_BASE. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../nf-abi/c/device.h"
#include "../../nf-abi/c/nf.h"
#include "stack.h"

#if !defined(STACK_DEVICES) || !defined(STACK_FRAME_MIN) || !defined(STACK_FRAME_MAX) || !defined(PACKET_AREA)
#error "compile with -DDEVICES=... -DFRAME_MIN=... -DFRAME_MAX=... -DPACKET_AREA=... (runtime/native-baseline.ts does)"
#endif

int32_t nf_process(int32_t device, uint8_t *packet, int32_t length, int64_t now);

enum { MASK = STACK_RING_SIZE - 1, LONGEST = STACK_FRAME_MAX < BUFFER_BYTES ? STACK_FRAME_MAX : BUFFER_BYTES };

uint8_t stack_region[STACK_DEVICES * DEVICE_STRIDE] __attribute__((aligned(64)));
static uint8_t packet_area[PACKET_AREA] __attribute__((aligned(64)));

/* The driver's state for a device (driver.ts keeps the same in the region). */
struct driver_state {
  int32_t rx_next, rx_tail, rx_head, tx_tail, tx_tail_written, tx_clean;
  uint16_t sending[MAX_RING_SIZE];
  uint16_t *tx_sending[MAX_RING_SIZE];
};
static struct driver_state *state(int device) {
  return (struct driver_state *)(stack_region + device * DEVICE_STRIDE + DRIVER_STATE_OFFSET);
}
_Static_assert(sizeof(struct driver_state) <= BUFFERS_OFFSET - DRIVER_STATE_OFFSET, "the driver's state fits its place");

static uint8_t *rx_descriptor(int device, int index) {
  return stack_region + device * DEVICE_STRIDE + RX_RING_OFFSET + index * DESCRIPTOR_BYTES;
}
static uint8_t *tx_descriptor(int device, int index) {
  return stack_region + device * DEVICE_STRIDE + TX_RING_OFFSET + index * DESCRIPTOR_BYTES;
}
static uint32_t rx_buffer_address(int device, int index) {
  return DEVICE_REGION_BASE + device * DEVICE_STRIDE + BUFFERS_OFFSET + index * BUFFER_BYTES;
}
static uint16_t status_of(const uint8_t *descriptor) {
  uint16_t status;
  memcpy(&status, descriptor + DESCRIPTOR_STATUS, 2);
  return status;
}
static void set_status(uint8_t *descriptor, uint16_t status) {
  memcpy(descriptor + DESCRIPTOR_STATUS, &status, 2);
}

void stack_init(void) {
  for (int device = 0; device < STACK_DEVICES; device++) {
    write_register(device, REGISTER_RX_BASE, DEVICE_REGION_BASE + device * DEVICE_STRIDE + RX_RING_OFFSET);
    write_register(device, REGISTER_RX_SIZE, STACK_RING_SIZE);
    write_register(device, REGISTER_TX_BASE, DEVICE_REGION_BASE + device * DEVICE_STRIDE + TX_RING_OFFSET);
    write_register(device, REGISTER_TX_SIZE, STACK_RING_SIZE);
    for (int index = 0; index < STACK_RING_SIZE; index++) {
      uint32_t address = rx_buffer_address(device, index);
      memcpy(rx_descriptor(device, index) + DESCRIPTOR_ADDRESS, &address, 4);
      set_status(rx_descriptor(device, index), 0);
    }
    memset(state(device), 0, sizeof(struct driver_state));
    state(device)->rx_tail = MASK;
    write_register(device, REGISTER_RX_TAIL, MASK);
    write_register(device, REGISTER_CONTROL, CONTROL_RX_ENABLE | CONTROL_TX_ENABLE);
  }
}

static void reclaim_sent(int device) {
  struct driver_state *at = state(device);
  int32_t queued = (at->tx_tail_written - at->tx_clean) & MASK;
  int32_t sent = (read_register(device, REGISTER_TX_HEAD) - at->tx_clean) & MASK;
  if (sent > queued) return;
  int32_t index = at->tx_clean;
  for (int32_t n = 0; n < sent; n++) {
    if (!(status_of(tx_descriptor(device, index)) & STATUS_DONE)) break;
    (*at->tx_sending[index])--;
    index = (index + 1) & MASK;
  }
  at->tx_clean = index;
}

static void read_received(int device) {
  struct driver_state *at = state(device);
  int32_t head = read_register(device, REGISTER_RX_HEAD);
  int32_t owned = (at->rx_tail - at->rx_next) & MASK;
  at->rx_head = ((head - at->rx_next) & MASK) <= owned ? head & MASK : at->rx_next;
}

static uint8_t *next_received(int device) {
  struct driver_state *at = state(device);
  if (at->rx_next == at->rx_head) return NULL;
  uint8_t *descriptor = rx_descriptor(device, at->rx_next);
  if (!(status_of(descriptor) & STATUS_DONE)) {
    at->rx_head = at->rx_next;
    return NULL;
  }
  return descriptor;
}

static void send(int to, int from, int index, int32_t length) {
  struct driver_state *at = state(to);
  int32_t next = (at->tx_tail + 1) & MASK;
  if (next == at->tx_clean) return;
  uint8_t *descriptor = tx_descriptor(to, at->tx_tail);
  uint32_t address = rx_buffer_address(from, index);
  uint16_t bytes = (uint16_t)length;
  int64_t stamp = 0;
  memcpy(descriptor + DESCRIPTOR_ADDRESS, &address, 4);
  memcpy(descriptor + DESCRIPTOR_LENGTH, &bytes, 2);
  set_status(descriptor, 0);
  memcpy(descriptor + DESCRIPTOR_STAMP, &stamp, 8);
  uint16_t *count = &state(from)->sending[index];
  (*count)++;
  at->tx_sending[at->tx_tail] = count;
  at->tx_tail = next;
}

static void flush_sent(int device) {
  struct driver_state *at = state(device);
  if (at->tx_tail == at->tx_tail_written) return;
  at->tx_tail_written = at->tx_tail;
  write_register(device, REGISTER_TX_TAIL, at->tx_tail);
}

static void refill(int device) {
  struct driver_state *at = state(device);
  int32_t index = at->rx_tail;
  while (((index + 1) & MASK) != at->rx_next && at->sending[index] == 0) {
    set_status(rx_descriptor(device, index), 0);
    index = (index + 1) & MASK;
  }
  if (index == at->rx_tail) return;
  at->rx_tail = index;
  write_register(device, REGISTER_RX_TAIL, index);
}

/* io-loop.ts's copyBlocks: whole 64-byte blocks (gcc turns the fixed-size memcpy into wide moves). */
static void copy_blocks(uint8_t *to, const uint8_t *from, int32_t length) {
  for (int32_t done = 0; done < length; done += 64) memcpy(to + done, from + done, 64);
}

static int64_t last_time = INT64_MIN;

void stack_poll(void) {
  int64_t clock = now();
  for (int device = 0; device < STACK_DEVICES; device++) {
    reclaim_sent(device);
    read_received(device);
  }
  for (;;) {
    int from = -1;
    uint8_t *descriptor = NULL;
    int64_t stamp = 0;
    for (int device = 0; device < STACK_DEVICES; device++) {
      uint8_t *candidate = next_received(device);
      if (!candidate) continue;
      int64_t candidate_stamp;
      memcpy(&candidate_stamp, candidate + DESCRIPTOR_STAMP, 8);
      if (from < 0 || candidate_stamp < stamp) from = device, descriptor = candidate, stamp = candidate_stamp;
    }
    if (from < 0) break;
    uint16_t length;
    memcpy(&length, descriptor + DESCRIPTOR_LENGTH, 2);
    int index = (int)((descriptor - rx_descriptor(from, 0)) / DESCRIPTOR_BYTES);
    state(from)->rx_next = (state(from)->rx_next + 1) & MASK;
    if ((status_of(descriptor) & STATUS_ERROR) || length < STACK_FRAME_MIN || length > LONGEST) continue;
    int64_t time = stamp > clock ? clock : stamp;
    if (time < last_time) time = last_time;
    last_time = time;
    uint8_t *buffer = stack_region + (rx_buffer_address(from, index) - DEVICE_REGION_BASE);
    copy_blocks(packet_area, buffer, length);
    int32_t output = nf_process(from, packet_area, length, time);
    if (output == FLOOD) {
      if (STACK_DEVICES < 2) continue;
      copy_blocks(buffer, packet_area, length);
      for (int to = 0; to < STACK_DEVICES; to++)
        if (to != from) send(to, from, index, length);
    } else if (output != DROP && (uint32_t)output < (uint32_t)STACK_DEVICES) {
      copy_blocks(buffer, packet_area, length);
      send(output, from, index, length);
    }
  }
  for (int device = 0; device < STACK_DEVICES; device++) {
    flush_sent(device);
    refill(device);
  }
}

void stack_reset(void) {
  last_time = INT64_MIN;
  memset(stack_region, 0, sizeof stack_region);
}
