/* common.h - what several subcommands share: values from flags, errors, output. */
#ifndef RENDER_CLI_COMMON_H
#define RENDER_CLI_COMMON_H

#include <stdio.h>

#include "../values/value.h"
#include "flags.h"

typedef struct values_opts {
	strlist files, set, set_string, set_json, set_file, set_literal;
	const char *environment; /* --environment NAME: the chart's values-NAME.yaml */
} values_opts;

/* The flag table entries for values_opts (appended by each command's table). */
#define VALUES_FLAGS(vo)                                                                           \
	{"values", 'f', FLAG_SLICE, &(vo).files}, {"set", 0, FLAG_ARRAY, &(vo).set},               \
	    {"set-string", 0, FLAG_ARRAY, &(vo).set_string},                                       \
	    {"set-json", 0, FLAG_ARRAY, &(vo).set_json},                                           \
	    {"set-file", 0, FLAG_ARRAY, &(vo).set_file},                                           \
	    {"set-literal", 0, FLAG_ARRAY, &(vo).set_literal},                                     \
	{                                                                                          \
		"environment", 0, FLAG_STRING, &(vo).environment                                   \
	}

/* Helm's MergeValues: -f files in order, then --set-json, --set, --set-string,
 * --set-file, --set-literal. chart_dir is used for --environment. */
int values_from_flags(arena *a, const values_opts *o, const char *chart_dir, vmap **out,
		      const char **err);

/* Reads a whole file into the arena (NUL-terminated). Returns 0 or -1 with Go's error text. */
int read_whole_file(arena *a, const char *path, const char **data, size_t *len, const char **err);

/* "a, b, c": the arguments from the i-th on, as Helm lists unexpected ones. */
const char *join_args(arena *a, const strlist *l, size_t from);

struct storage;
struct kube_client;
struct kube_opts;
/* The release storage of a command (release/storage.h's storage_open). When
 * HELM_DRIVER names no driver it prints Helm's log line and returns NULL: the
 * command then exits 1. */
struct storage *cli_storage(arena *a, const struct kube_opts *o, bool all_namespaces,
			    struct kube_client **k);

/* Helm's --dry-run value as pflag leaves it (DryRunOption): the last one
 * before "--" wins, a bare --dry-run is "client", "" when none is given. */
const char *cli_dry_run_option(int argc, char **argv);

/* Helm's validateDryRunOptionFlag: NULL when v (from cli_dry_run_option) is
 * allowed, else the error to print. */
const char *cli_dry_run_invalid(const char *v);

/* Prints "Error: MSG" to stderr as Helm does and returns 1. */
int cli_error(const char *msg);

/* Writes all of buf to stdout; returns 0 or -1. */
int write_stdout(const char *buf, size_t n);

#endif
