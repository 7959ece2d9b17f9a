/* registry.c - joins the family tables into one sorted table, once. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "functions.h"

static const fn_def *const families[] = {
    fn_family_strings,	fn_family_lists,    fn_family_dicts,  fn_family_math,  fn_family_conv,
    fn_family_defaults, fn_family_encoding, fn_family_crypto, fn_family_regex, fn_family_semver,
    fn_family_dates,	fn_family_paths,    fn_family_helm,   fn_family_toml,
};

static fn_def *all;
static fn_table table;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
	size_t n = 0;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const fn_def *d = families[f]; d->name; d++)
			n++;
	all = xcalloc(n, sizeof(fn_def));
	n = 0;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const fn_def *d = families[f]; d->name; d++)
			all[n++] = *d;
	fn_table_sort(all, n);
	table.defs = all;
	table.n = n;
}

const fn_table *functions_table(void)
{
	pthread_once(&once, build);
	return &table;
}
