/* table.h - text tables as Helm prints them (gosuri/uitable: columns padded to
 * their widest cell, joined by a tab, cells over MaxColWidth cut with "..."). */
#ifndef RENDER_CLI_TABLE_H
#define RENDER_CLI_TABLE_H

#include "../values/strbuf.h"

typedef struct table {
	arena *a;
	size_t ncols, nrows, cap;
	const char **cells; /* nrows * ncols */
	size_t max_col_width; /* 0: no limit */
} table;

void table_init(table *t, arena *a, size_t ncols, size_t max_col_width);
/* Adds one row of ncols cells (copied pointers; the strings must outlive the table). */
void table_add(table *t, const char *const *cells);
/* Appends the table, rows separated by "\n", without a final newline (as uitable's String). */
void table_print(const table *t, strbuf *out);

#endif
