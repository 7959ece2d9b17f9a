/* table.c - uitable's layout: each column as wide as its widest cell (in runes),
 * every cell padded on the right, cells joined by a tab, rows by a newline. */
#include "table.h"

#include <string.h>

void table_init(table *t, arena *a, size_t ncols, size_t max_col_width)
{
	memset(t, 0, sizeof(*t));
	t->a = a;
	t->ncols = ncols;
	t->max_col_width = max_col_width;
}

void table_add(table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 8;
		t->cells = arena_realloc(t->a, t->cells, t->cap * t->ncols * sizeof(char *),
					 nc * t->ncols * sizeof(char *));
		t->cap = nc;
	}
	memcpy(t->cells + t->nrows * t->ncols, cells, t->ncols * sizeof(char *));
	t->nrows++;
}

/* Runes in s (UTF-8 continuation bytes do not count); wide characters count as one. */
static size_t runes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The byte length of the first n runes of s. */
static size_t rune_bytes(const char *s, size_t n)
{
	size_t i = 0;
	for (; s[i] && n; n--)
		for (i++; ((unsigned char)s[i] & 0xC0) == 0x80; i++)
			;
	return i;
}

static const char *cut(const table *t, const char *s)
{
	size_t w = t->max_col_width;
	if (!w || runes(s) <= w)
		return s;
	if (w <= 3)
		return arena_strndup(t->a, s, rune_bytes(s, w));
	return arena_sprintf(t->a, "%.*s...", (int)rune_bytes(s, w - 3), s);
}

void table_print(const table *t, strbuf *out)
{
	size_t *width = arena_alloc(t->a, (t->ncols + 1) * sizeof(size_t));
	const char **c = arena_alloc(t->a, (t->nrows * t->ncols + 1) * sizeof(char *));
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		c[i] = cut(t, t->cells[i] ? t->cells[i] : "");
		size_t w = runes(c[i]);
		if (w > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		if (r)
			sb_addc(out, '\n');
		for (size_t k = 0; k < t->ncols; k++) {
			const char *s = c[r * t->ncols + k];
			if (k)
				sb_addc(out, '\t');
			sb_adds(out, s);
			for (size_t p = runes(s); p < width[k]; p++)
				sb_addc(out, ' ');
		}
	}
}
