/* stack.h - where the calling thread's C stack ends, so that deep template
 * recursion (parsing or executing) stops with Go's error before it overflows. */
#ifndef RENDER_STACK_H
#define RENDER_STACK_H

#include <stdint.h>

/* Declares the lowest usable address of the stack the calling thread now runs
 * on (after a context switch to a stack of its own). */
void tset_set_stack(void *lowest);

/* The lowest usable address of the calling thread's stack, or 0 if unknown;
 * found once per thread. */
uintptr_t tset_stack_floor(void);

#endif
