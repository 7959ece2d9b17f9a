/* flags.c - a small pflag: --name=value, --name value, -x value, -xvalue, bool
 * flags with optional =true/false, `--` ending the options, and pflag's
 * error messages for unknown flags and missing arguments. */
#include "flags.h"

#include <stdlib.h>
#include <string.h>

void strlist_push(arena *a, strlist *l, const char *s)
{
	l->v = arena_realloc(a, l->v, l->n * sizeof(char *), (l->n + 1) * sizeof(char *));
	l->v[l->n++] = s;
}

static const flag_def *find_long(const flag_def *d, const char *name, size_t n)
{
	for (; d->name; d++)
		if (strlen(d->name) == n && !memcmp(d->name, name, n))
			return d;
	return NULL;
}

static const flag_def *find_short(const flag_def *d, char c)
{
	for (; d->name; d++)
		if (d->shorthand == c)
			return d;
	return NULL;
}

/* Splits a StringSlice value as pflag does (a CSV record). */
static void add_slice(arena *a, strlist *l, const char *v)
{
	while (1) {
		const char *c = strchr(v, ',');
		strlist_push(a, l, c ? arena_strndup(a, v, (size_t)(c - v)) : arena_strdup(a, v));
		if (!c)
			break;
		v = c + 1;
	}
}

static int set_value(arena *a, const flag_def *d, const char *v, const char *shown,
		     const char **err)
{
	switch (d->type) {
	case FLAG_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "t") || !strcmp(v, "T") ||
		    !strcmp(v, "TRUE") || !strcmp(v, "True"))
			*(bool *)d->dst = true;
		else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "f") ||
			 !strcmp(v, "F") || !strcmp(v, "FALSE") || !strcmp(v, "False"))
			*(bool *)d->dst = false;
		else {
			*err = arena_sprintf(a,
					     "invalid argument \"%s\" for \"%s\" flag: "
					     "strconv.ParseBool: parsing \"%s\": invalid syntax",
					     v, shown, v);
			return -1;
		}
		return 0;
	case FLAG_STRING:
		*(const char **)d->dst = v;
		return 0;
	case FLAG_ARRAY:
		strlist_push(a, d->dst, v);
		return 0;
	case FLAG_SLICE:
		add_slice(a, d->dst, v);
		return 0;
	case FLAG_INT: {
		char *end;
		long x = strtol(v, &end, 0);
		if (!*v || *end) {
			*err = arena_sprintf(a,
					     "invalid argument \"%s\" for \"%s\" flag: "
					     "strconv.ParseInt: parsing \"%s\": invalid syntax",
					     v, shown, v);
			return -1;
		}
		*(int *)d->dst = (int)x;
		return 0;
	}
	}
	return 0;
}

static int parse_long(arena *a, const flag_def *defs, int argc, char **argv, int *i,
		      const char **err)
{
	const char *arg = argv[*i] + 2;
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	const flag_def *d = find_long(defs, arg, n);
	if (!d) {
		*err = arena_sprintf(a, "unknown flag: --%.*s", (int)n, arg);
		return -1;
	}
	const char *shown = arena_sprintf(a, "--%s", d->name);
	if (d->shorthand)
		shown = arena_sprintf(a, "-%c, --%s", d->shorthand, d->name);
	if (eq)
		return set_value(a, d, eq + 1, shown, err);
	if (d->type == FLAG_BOOL)
		return set_value(a, d, "true", shown, err);
	if (*i + 1 >= argc) {
		*err = arena_sprintf(a, "flag needs an argument: --%s", d->name);
		return -1;
	}
	return set_value(a, d, argv[++*i], shown, err);
}

static int parse_short(arena *a, const flag_def *defs, int argc, char **argv, int *i,
		       const char **err)
{
	const char *arg = argv[*i] + 1;
	for (size_t k = 0; arg[k]; k++) {
		const flag_def *d = find_short(defs, arg[k]);
		if (!d) {
			*err = arena_sprintf(a, "unknown shorthand flag: '%c' in -%s", arg[k], arg);
			return -1;
		}
		const char *shown = arena_sprintf(a, "-%c, --%s", d->shorthand, d->name);
		if (d->type == FLAG_BOOL) {
			if (arg[k + 1] == '=')
				return set_value(a, d, arg + k + 2, shown, err);
			if (set_value(a, d, "true", shown, err) != 0)
				return -1;
			continue;
		}
		const char *v = arg + k + 1;
		if (*v == '=')
			v++;
		if (!*v) {
			if (*i + 1 >= argc) {
				*err = arena_sprintf(a, "flag needs an argument: '%c' in -%s",
						     arg[k], arg);
				return -1;
			}
			v = argv[++*i];
		}
		return set_value(a, d, v, shown, err);
	}
	return 0;
}

int flags_parse(arena *a, const flag_def *defs, int argc, char **argv, strlist *pos,
		const char **err)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		int rc = 0;
		if (!strcmp(arg, "--")) {
			for (i++; i < argc; i++)
				strlist_push(a, pos, argv[i]);
			break;
		} else if (arg[0] == '-' && arg[1] == '-' && arg[2]) {
			rc = parse_long(a, defs, argc, argv, &i, err);
		} else if (arg[0] == '-' && arg[1]) {
			rc = parse_short(a, defs, argc, argv, &i, err);
		} else {
			strlist_push(a, pos, arg);
		}
		if (rc != 0)
			return -1;
	}
	return 0;
}
