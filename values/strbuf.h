/* strbuf.h - growable byte strings in an arena, for building output. */
#ifndef RENDER_STRBUF_H
#define RENDER_STRBUF_H

#include <stddef.h>

#include "arena.h"

typedef struct strbuf {
	arena *a;
	char *buf;
	size_t len, cap;
} strbuf;

void sb_init(strbuf *sb, arena *a);
void sb_add(strbuf *sb, const char *s, size_t n);
void sb_adds(strbuf *sb, const char *s);
void sb_addc(strbuf *sb, char c);
void sb_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for n more bytes and returns where they go (caller then adds n to len). */
char *sb_grow(strbuf *sb, size_t n);
/* The contents, NUL-terminated; the buffer stays usable. */
const char *sb_str(strbuf *sb);

#endif
