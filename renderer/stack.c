/* stack.c - the bounds of the calling thread's C stack: a stack declared by
 * tset_set_stack (the command's own, switched to with swapcontext), else the
 * thread's from pthread, else the main thread's from its rlimit. Found once
 * per thread: pthread_getattr_np costs several system calls. */
#include "stack.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <unistd.h>

static _Thread_local uintptr_t floor_addr;
static _Thread_local bool known;

void tset_set_stack(void *lowest)
{
	floor_addr = (uintptr_t)lowest;
	known = true;
}

static uintptr_t find_floor(void)
{
	char here;
	if (gettid() == getpid()) {
		/* The main thread: glibc would read /proc/self/maps; the rlimit is
		 * enough, counting from here (the little above is in the reserve). */
		struct rlimit rl;
		if (getrlimit(RLIMIT_STACK, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
			return 0;
		return (uintptr_t)&here > rl.rlim_cur ? (uintptr_t)&here - rl.rlim_cur : 0;
	}
	pthread_attr_t at;
	void *addr;
	size_t size;
	if (pthread_getattr_np(pthread_self(), &at) != 0)
		return 0;
	int rc = pthread_attr_getstack(&at, &addr, &size);
	pthread_attr_destroy(&at);
	return rc == 0 ? (uintptr_t)addr : 0;
}

uintptr_t tset_stack_floor(void)
{
	if (!known) {
		floor_addr = find_floor();
		known = true;
	}
	return floor_addr;
}
