/* strbuf.h - growable byte strings in an arena, for building output. */
#ifndef RENDER_STRBUF_H
#define RENDER_STRBUF_H

#include <stddef.h>
#include <string.h>

#include "arena.h"

typedef struct strbuf {
	arena *a;
	char *buf;
	size_t len, cap;
} strbuf;

void sb_init(strbuf *sb, arena *a);
void sb_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for n more bytes and returns where they go (caller then adds n to len). */
char *sb_grow(strbuf *sb, size_t n);

/* Appending is inline while the buffer has room (it keeps a byte for the NUL). */
static inline void sb_add(strbuf *sb, const char *s, size_t n)
{
	if (!n)
		return;
	char *p = sb->len + n < sb->cap ? sb->buf + sb->len : sb_grow(sb, n);
	memcpy(p, s, n);
	sb->len += n;
}

static inline void sb_adds(strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

static inline void sb_addc(strbuf *sb, char c)
{
	char *p = sb->len + 1 < sb->cap ? sb->buf + sb->len : sb_grow(sb, 1);
	*p = c;
	sb->len++;
}
/* The contents, NUL-terminated; the buffer stays usable. */
const char *sb_str(strbuf *sb);

#endif
