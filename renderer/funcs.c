/* funcs.c - function tables (Go's FuncMap): sorted arrays searched by name. */
#include <stdlib.h>
#include <string.h>

#include "funcs.h"

const fn_def *fn_table_find(const fn_table *t, const char *name)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->defs[mid].name, name);
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
	return strcmp(((const fn_def *)a)->name, ((const fn_def *)b)->name);
}

void fn_table_sort(fn_def *defs, size_t n)
{
	qsort(defs, n, sizeof *defs, by_name);
}
