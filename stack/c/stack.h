/* The C stack's face (stack.c): what the native harness calls, and the device region it emulates a device on. */
#ifndef STACK_STACK_H
#define STACK_STACK_H

#include <stdint.h>

/* The device region: protocol address DEVICE_REGION_BASE + n is stack_region[n]. */
extern uint8_t stack_region[];

/* As the .wasm's stack_init and stack_poll (stack/README.md). */
void stack_init(void);
void stack_poll(void);
/* Back to the state of a fresh instance: an empty region, no time seen. */
void stack_reset(void);

#endif
