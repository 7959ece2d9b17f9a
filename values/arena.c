/* arena.c - bump allocation in chunks for one render.
 *
 * Small requests are carved from the current chunk; a request larger than a
 * quarter chunk gets a chunk of its own so that big strings waste nothing.
 * An arena that outgrows its first chunk is a big one (a whole render): its
 * later chunks are larger and mapped with their pages already in place, one
 * system call instead of a page fault per 4 KiB, which costs twice as much.
 */
#include "arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define CHUNK_SIZE (64 * 1024)
#define ALIGN	   16

struct chunk {
	struct chunk *next;
	size_t size, used;
	bool mapped; /* from mmap, not malloc */
	_Alignas(ALIGN) unsigned char data[];
};

#define BIG_CHUNK_SIZE (256 * 1024 - sizeof(struct chunk)) /* 256 KiB with the header */

struct arena {
	struct chunk *head;
	size_t total, limit;
	arena_limit_fn on_limit;
	void *ud;
};

static void die_oom(void)
{
	fputs("render: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

arena *arena_new(void)
{
	return xcalloc(1, sizeof(arena));
}

void arena_free(arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		if (c->mapped)
			munmap(c, sizeof(struct chunk) + c->size);
		else
			free(c);
	}
	free(a);
}

static struct chunk *chunk_new(arena *a, size_t size)
{
	if (a->limit && a->total + size > a->limit && a->on_limit) {
		arena_limit_fn fn = a->on_limit;
		a->on_limit = NULL; /* the handler may allocate its message */
		fn(a->ud);
	}
	struct chunk *c = NULL;
	if (size == BIG_CHUNK_SIZE) {
		c = mmap(NULL, sizeof(struct chunk) + size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (c == MAP_FAILED)
			c = NULL;
		else
			c->mapped = true;
	}
	if (!c) {
		c = xmalloc(sizeof(struct chunk) + size);
		c->mapped = false;
	}
	c->size = size;
	c->used = 0;
	a->total += size;
	return c;
}

/* Uninitialised memory; arena_alloc zeroes it, the copying functions need not. */
static void *alloc_raw(arena *a, size_t n)
{
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		if (n > CHUNK_SIZE / 4) {
			struct chunk *big = chunk_new(a, n);
			big->used = n;
			if (c) { /* keep the current chunk first: it still has room */
				big->next = c->next;
				c->next = big;
			} else {
				big->next = NULL;
				a->head = big;
			}
			return big->data;
		}
		c = chunk_new(a, a->head ? BIG_CHUNK_SIZE : CHUNK_SIZE);
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

void *arena_alloc_raw(arena *a, size_t n)
{
	return alloc_raw(a, n);
}

void *arena_alloc(arena *a, size_t n)
{
	void *p = alloc_raw(a, n);
	memset(p, 0, n ? n : 1);
	return p;
}

/* Grows old to newn bytes: in place when it is the current chunk's last block,
 * else by copying into a new block (the old one is abandoned). The bytes past
 * oldn are left as they are. */
void *arena_realloc_raw(arena *a, void *old, size_t oldn, size_t newn)
{
	if (newn <= oldn)
		return old;
	struct chunk *c = a->head;
	size_t oa = (oldn + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	size_t na = (newn + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (old && c && (unsigned char *)old + oa == c->data + c->used &&
	    (unsigned char *)old >= c->data && c->used - oa + na <= c->size) {
		c->used = c->used - oa + na;
		return old;
	}
	char *p = alloc_raw(a, newn);
	if (old && oldn)
		memcpy(p, old, oldn);
	return p;
}

void arena_shrink(arena *a, void *p, size_t oldn, size_t newn)
{
	struct chunk *c = a->head;
	size_t oa = (oldn + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	size_t na = (newn + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (newn < oldn && c && (unsigned char *)p >= c->data &&
	    (unsigned char *)p + oa == c->data + c->used)
		c->used -= oa - na;
}

void *arena_realloc(arena *a, void *old, size_t oldn, size_t newn)
{
	if (newn <= oldn)
		return old;
	char *p = arena_realloc_raw(a, old, oldn, newn);
	memset(p + oldn, 0, newn - oldn);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *p = alloc_raw(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_sprintf(arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = arena_alloc(a, (size_t)(n < 0 ? 0 : n) + 1);
	if (n > 0)
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

void arena_get_limit(const arena *a, size_t *max_bytes, arena_limit_fn *fn, void **ud)
{
	*max_bytes = a->limit;
	*fn = a->on_limit;
	*ud = a->ud;
}

void arena_set_limit(arena *a, size_t max_bytes, arena_limit_fn fn, void *ud)
{
	a->limit = max_bytes;
	a->on_limit = fn;
	a->ud = ud;
}

size_t arena_used(const arena *a)
{
	return a->total;
}
