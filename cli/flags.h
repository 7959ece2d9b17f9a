/* flags.h - command-line options declared as tables, parsed as cobra/pflag does. */
#ifndef RENDER_FLAGS_H
#define RENDER_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "../values/arena.h"

enum flag_type {
	FLAG_BOOL,
	FLAG_STRING,
	FLAG_ARRAY, /* repeatable, each value kept whole (pflag StringArray) */
	FLAG_SLICE, /* repeatable, each value split at commas (pflag StringSlice) */
	FLAG_INT,
};

typedef struct strlist {
	const char **v;
	size_t n;
} strlist;

typedef struct flag_def {
	const char *name; /* long name, without dashes */
	char shorthand;	  /* 0 for none */
	enum flag_type type;
	void *dst; /* bool*, const char**, strlist*, int* */
} flag_def;

/* Parses argv against the table (ended by a NULL name); positional arguments
 * are collected in pos. Returns 0, or -1 with *err in pflag's words. */
int flags_parse(arena *a, const flag_def *defs, int argc, char **argv, strlist *pos,
		const char **err);

void strlist_push(arena *a, strlist *l, const char *s);

#endif
