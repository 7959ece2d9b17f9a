/* table.c - uitable's layout: widths in runes, long cells cut with "..."
 * (runewidth.Truncate), every cell padded, the last column too. */
#include "table.h"

#include <string.h>

void uitable_init(uitable *t, arena *a, size_t ncols, size_t max_width)
{
	memset(t, 0, sizeof *t);
	t->a = a;
	t->ncols = ncols;
	t->max_width = max_width;
}

void uitable_row(uitable *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 16;
		t->rows = arena_realloc(t->a, t->rows, t->cap * sizeof *t->rows, nc * sizeof *t->rows);
		t->cap = nc;
	}
	const char **row = arena_alloc(t->a, t->ncols * sizeof *row);
	memcpy(row, cells, t->ncols * sizeof *row);
	t->rows[t->nrows++] = row;
}

/* Display width in runes (UTF-8 continuation bytes do not count). */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* s cut to max runes, the last three being "..." (runewidth.Truncate). */
static const char *cut(arena *a, const char *s, size_t max)
{
	if (!max || width(s) <= max)
		return s;
	size_t keep = max > 3 ? max - 3 : 0, w = 0;
	const char *p = s;
	for (; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80) {
			if (w == keep)
				break;
			w++;
		}
	}
	return arena_sprintf(a, "%.*s...", (int)(p - s), s);
}

void uitable_write(uitable *t, strbuf *out)
{
	size_t *wid = arena_alloc(t->a, (t->ncols + 1) * sizeof *wid);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			t->rows[r][c] = cut(t->a, t->rows[r][c] ? t->rows[r][c] : "", t->max_width);
			size_t w = width(t->rows[r][c]);
			if (w > wid[c])
				wid[c] = w;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				sb_addc(out, '\t');
			sb_adds(out, t->rows[r][c]);
			for (size_t w = width(t->rows[r][c]); w < wid[c]; w++)
				sb_addc(out, ' ');
		}
		sb_addc(out, '\n');
	}
}
