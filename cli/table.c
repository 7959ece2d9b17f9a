/* table.c - uitable's layout: widths in runes, long cells cut with "..."
 * (runewidth.Truncate), every cell padded, the last column too. */
#include "table.h"

#include <stdbool.h>
#include <stdint.h>
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
		t->rows =
		    arena_realloc(t->a, t->rows, t->cap * sizeof *t->rows, nc * sizeof *t->rows);
		t->cap = nc;
	}
	const char **row = arena_alloc(t->a, t->ncols * sizeof *row);
	memcpy(row, cells, t->ncols * sizeof *row);
	t->rows[t->nrows++] = row;
}

/* East Asian wide and fullwidth runes take two columns (the common ranges). */
static bool wide(uint32_t r)
{
	return (r >= 0x1100 && r <= 0x115F) || (r >= 0x2E80 && r <= 0x303E) ||
	       (r >= 0x3041 && r <= 0x33FF) || (r >= 0x3400 && r <= 0x4DBF) ||
	       (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0xA000 && r <= 0xA4CF) ||
	       (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) ||
	       (r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) ||
	       (r >= 0xFFE0 && r <= 0xFFE6) || (r >= 0x1F300 && r <= 0x1F64F) ||
	       (r >= 0x1F900 && r <= 0x1F9FF) || (r >= 0x20000 && r <= 0x3FFFD);
}

/* runewidth.StringWidth: control characters (tabs and newlines included) take
 * no column, wide runes two, the others one. */
static size_t width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		const unsigned char *u = (const unsigned char *)s + i;
		size_t k = u[0] < 0x80	  ? 1
			   : u[0] >= 0xf0 ? 4
			   : u[0] >= 0xe0 ? 3
			   : u[0] >= 0xc0 ? 2
					  : 1;
		if (i + k > n)
			k = n - i;
		uint32_t r = k == 1 ? u[0] : (uint32_t)(u[0] & (0x7f >> k));
		for (size_t j = 1; j < k; j++)
			r = r << 6 | (u[j] & 0x3f);
		i += k;
		if (r < 0x20 || (r >= 0x7f && r <= 0x9f))
			continue;
		w += wide(r) ? 2 : 1;
	}
	return w;
}

/* The widest line of a cell. */
static size_t line_width(const char *s)
{
	size_t best = 0;
	for (const char *p = s;;) {
		const char *nl = strchr(p, '\n');
		size_t w = width(p, nl ? (size_t)(nl - p) : strlen(p));
		if (w > best)
			best = w;
		if (!nl)
			return best;
		p = nl + 1;
	}
}

/* The display width of one rune starting at s (its byte length in *n). */
static size_t rune_width(const char *s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	*n = u[0] < 0x80 ? 1 : u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 1;
	for (size_t i = 1; i < *n; i++)
		if (!s[i]) {
			*n = i;
			break;
		}
	return width(s, *n);
}

/* uitable's strutil.Resize: padded with spaces to n columns, or cut rune by
 * rune before n-3 columns and ended with "...". */
static const char *resize(arena *a, const char *s, size_t len, size_t n)
{
	size_t w = width(s, len);
	if (w == n)
		return arena_strndup(a, s, len);
	if (w < n) {
		char *o = arena_alloc(a, len + (n - w) + 1);
		memcpy(o, s, len);
		memset(o + len, ' ', n - w);
		return o;
	}
	size_t keep = 0, cols = 0;
	while (keep < len) {
		size_t rn, rw = rune_width(s + keep, &rn);
		keep += rn;
		if (cols + rw + 3 >= n)
			break;
		cols += rw;
	}
	return arena_sprintf(a, "%.*s...", (int)keep, s);
}

/* Row.String: a cell with several lines makes the row several lines tall; the
 * other columns are blank there. */
static void write_row(uitable *t, const char **row, const size_t *wid, strbuf *out)
{
	const char **cells = arena_alloc(t->a, t->ncols * sizeof(char *));
	size_t lc = 1;
	for (size_t c = 0; c < t->ncols; c++) {
		const char *v = row[c] ? row[c] : "";
		cells[c] = resize(t->a, v, strlen(v), wid[c]);
		size_t lines = 1;
		for (const char *p = cells[c]; (p = strchr(p, '\n')); p++)
			lines++;
		if (lines > lc)
			lc = lines;
	}
	for (size_t x = 0; x < lc; x++) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				sb_addc(out, '\t');
			const char *p = cells[c];
			for (size_t k = 0; p && k < x; k++)
				p = (p = strchr(p, '\n')) ? p + 1 : NULL;
			if (!p) { /* PadLeft(" ", width) */
				sb_adds(out, resize(t->a, " ", 1, wid[c] ? wid[c] : 1));
				continue;
			}
			const char *nl = strchr(p, '\n');
			sb_adds(out, resize(t->a, p, nl ? (size_t)(nl - p) : strlen(p), wid[c]));
		}
		sb_addc(out, '\n');
	}
}

void uitable_write(uitable *t, strbuf *out)
{
	size_t *wid = arena_alloc(t->a, (t->ncols + 1) * sizeof *wid);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w = line_width(t->rows[r][c] ? t->rows[r][c] : "");
			if (t->max_width && w > t->max_width)
				w = t->max_width;
			if (w > wid[c])
				wid[c] = w;
		}
	for (size_t r = 0; r < t->nrows; r++)
		write_row(t, t->rows[r], wid, out);
}
