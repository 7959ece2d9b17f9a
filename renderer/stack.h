/* stack.h - where the calling thread's C stack ends, so that deep template
 * recursion stops with Go's error before it overflows. */
#ifndef RENDER_STACK_H
#define RENDER_STACK_H

#include <stddef.h>
#include <stdint.h>

/* Declares the stack the calling thread now runs on (after a context switch). */
void tset_set_stack(void *base, size_t size);

/* The lowest usable address of the calling thread's stack, or 0 if unknown. */
uintptr_t tset_stack_floor(void);

#endif
