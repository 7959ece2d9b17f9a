/* arena.h - the one owner of a render's memory.
 *
 * Every value, string, list, map and syntax node of a render is carved from one
 * arena and freed at once by arena_free. Nothing is freed singly. Allocation
 * never fails for the caller: out of memory ends the program (as tmux's xmalloc),
 * and an arena over its byte limit calls the arena's limit handler, which the
 * executor points at its recovery point so a runaway template becomes an error.
 */
#ifndef RENDER_ARENA_H
#define RENDER_ARENA_H

#include <stddef.h>

typedef struct arena arena;

/* Called when an allocation would take the arena past its limit; must not return. */
typedef void (*arena_limit_fn)(void *ud);

arena *arena_new(void);
void arena_free(arena *a);

/* Zeroed memory, aligned for any value. */
void *arena_alloc(arena *a, size_t n);
/* Like arena_alloc, without zeroing: for buffers filled at once. */
void *arena_alloc_raw(arena *a, size_t n);
/* Copies n bytes and appends a NUL, so the result is also a C string. */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
/* Grows an earlier allocation from this arena (the old block is abandoned). */
void *arena_realloc(arena *a, void *old, size_t oldn, size_t newn);
/* Gives back the tail of p (oldn bytes, the arena's last allocation) past newn. */
void arena_shrink(arena *a, void *p, size_t oldn, size_t newn);
/* Like arena_realloc, without zeroing the new bytes. */
void *arena_realloc_raw(arena *a, void *old, size_t oldn, size_t newn);
char *arena_sprintf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Caps the bytes the arena may hold (0 = no cap). Past it, fn(ud) is called. */
void arena_set_limit(arena *a, size_t max_bytes, arena_limit_fn fn, void *ud);
size_t arena_used(const arena *a);
/* The current cap and handler (to restore them after a nested change). */
void arena_get_limit(const arena *a, size_t *max_bytes, arena_limit_fn *fn, void **ud);

/* Process-wide allocation helpers that die on out-of-memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
