/* strbuf.c - growable byte strings in an arena. Growth doubles, so building a
 * string of n bytes costs O(n) copying and at most 2n abandoned bytes. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sb_init(strbuf *sb, arena *a)
{
	sb->a = a;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

char *sb_grow(strbuf *sb, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap * 2 : 64;
		while (cap < sb->len + n + 1)
			cap *= 2;
		sb->buf = arena_realloc_raw(sb->a, sb->buf, sb->len, cap);
		sb->cap = cap;
	}
	return sb->buf + sb->len;
}

void sb_addf(strbuf *sb, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		vsnprintf(sb_grow(sb, (size_t)n), (size_t)n + 1, fmt, ap2);
		sb->len += (size_t)n;
	}
	va_end(ap2);
}

const char *sb_str(strbuf *sb)
{
	sb_grow(sb, 0);
	sb->buf[sb->len] = 0;
	return sb->buf;
}
