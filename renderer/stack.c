/* stack.c - the bounds of the calling thread's C stack: a stack declared by
 * tset_set_stack (the command's own, switched to with swapcontext), else the
 * thread's from pthread, else the main thread's from its rlimit. */
#include "stack.h"

#include <pthread.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <unistd.h>

static _Thread_local uintptr_t declared;

void tset_set_stack(void *base, size_t size)
{
	(void)size;
	declared = (uintptr_t)base;
}

uintptr_t tset_stack_floor(void)
{
	char here;
	if (declared && (uintptr_t)&here > declared)
		return declared;
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
