/* table.h - text tables as Helm prints them with gosuri/uitable: cells padded
 * to their column's width, columns joined by a tab, every row ended by '\n'. */
#ifndef RENDER_CLI_TABLE_H
#define RENDER_CLI_TABLE_H

#include "../values/strbuf.h"

/* gosuri/uitable as Helm uses it: cells padded to their column's width with
 * spaces, columns joined by a tab, every row ended by '\n'. max_width > 0
 * cuts longer cells to max_width with "...". */
typedef struct uitable {
	arena *a;
	const char ***rows;
	size_t nrows, ncols, cap;
	size_t max_width;
} uitable;

void uitable_init(uitable *t, arena *a, size_t ncols, size_t max_width);
/* Adds a row of ncols cells (copied by reference). */
void uitable_row(uitable *t, const char *const *cells);
/* Appends the table to out. */
void uitable_write(uitable *t, strbuf *out);

#endif
