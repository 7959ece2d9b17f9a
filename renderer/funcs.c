/* funcs.c - function tables (Go's FuncMap): sorted arrays searched by name. */
#include <stdlib.h>
#include <string.h>

#include "funcs.h"

const fn_def *fn_table_find(const fn_table *t, const char *name)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = t->defs[mid].name;
		/* most probes differ in the first letter: no call for those */
		int c = (unsigned char)s[0] - (unsigned char)name[0];
		if (c == 0)
			c = strcmp(s, name);
		if (c == 0)
			return &t->defs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	const char *x = ((const fn_def *)a)->name, *y = ((const fn_def *)b)->name;
	int c = (unsigned char)x[0] - (unsigned char)y[0];
	return c ? c : strcmp(x, y);
}

void fn_table_sort(fn_def *defs, size_t n)
{
	qsort(defs, n, sizeof *defs, by_name);
}
