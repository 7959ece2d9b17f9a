/* common.c - values from flags (Helm's pkg/cli/values), file reading, errors. */
#include "common.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "../release/storage.h"
#include "../values/coalesce.h"
#include "../values/file.h"
#include "../values/strbuf.h"
#include "../values/strvals.h"
#include "../values/yaml.h"

int read_whole_file(arena *a, const char *path, const char **data, size_t *len, const char **err)
{
	if (strcmp(path, "-"))
		return file_read(a, path, data, len, err);
	strbuf sb; /* "-": standard input */
	sb_init(&sb, a);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		sb_add(&sb, buf, n);
	*data = sb_str(&sb);
	*len = sb.len;
	return 0;
}

static int merge_file(arena *a, vmap *base, const char *path, const char **err)
{
	const char *data, *e;
	size_t len;
	if (read_whole_file(a, path, &data, &len, err) != 0)
		return -1;
	value v;
	if (yaml_load_map(a, data, len, &v, &e) != 0) {
		*err = arena_sprintf(a, "failed to parse %s: %s", path, e);
		return -1;
	}
	values_merge(a, base, v.u.m);
	return 0;
}

static int reader(arena *a, const char *path, const char **data, size_t *len, const char **err,
		  void *ud)
{
	(void)ud;
	return read_whole_file(a, path, data, len, err);
}

int values_from_flags(arena *a, const values_opts *o, const char *chart_dir, vmap **out,
		      const char **err)
{
	vmap *base = v_map_new(a).u.m;
	if (o->environment && *o->environment) {
		const char *p = arena_sprintf(a, "%s/values-%s.yaml", chart_dir, o->environment);
		if (access(p, R_OK) != 0) {
			*err =
			    arena_sprintf(a, "environment \"%s\": %s not found", o->environment, p);
			return -1;
		}
		if (merge_file(a, base, p, err) != 0)
			return -1;
	}
	for (size_t i = 0; i < o->files.n; i++)
		if (merge_file(a, base, o->files.v[i], err) != 0)
			return -1;
	static const enum strvals_mode modes[] = {SV_JSON, SV_SET, SV_STRING, SV_FILE, SV_LITERAL};
	const strlist *lists[] = {&o->set_json, &o->set, &o->set_string, &o->set_file,
				  &o->set_literal};
	for (size_t m = 0; m < 5; m++)
		for (size_t i = 0; i < lists[m]->n; i++)
			if (strvals_parse(a, lists[m]->v[i], modes[m], base, reader, NULL, err) !=
			    0)
				return -1;
	*out = base;
	return 0;
}

int cli_error(const char *msg)
{
	fprintf(stderr, "Error: %s\n", msg);
	return 1;
}

int write_stdout(const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(1, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

const char *join_args(arena *a, const strlist *l, size_t from)
{
	strbuf sb;
	sb_init(&sb, a);
	for (size_t i = from; i < l->n; i++) {
		if (i > from)
			sb_adds(&sb, ", ");
		sb_adds(&sb, l->v[i]);
	}
	return sb_str(&sb);
}

storage *cli_storage(arena *a, const kube_opts *o, bool all_namespaces, kube_client **k)
{
	storage *s = storage_open(a, o, all_namespaces, k);
	if (storage_driver_error(s)) {
		fprintf(stderr, "%s\n", storage_driver_error(s));
		return NULL;
	}
	return s;
}

const char *cli_dry_run_option(int argc, char **argv)
{
	const char *v = "";
	for (int i = 0; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--dry-run"))
			v = "client";
		else if (!strncmp(argv[i], "--dry-run=", 10))
			v = argv[i] + 10;
	}
	return v;
}

const char *cli_dry_run_invalid(const char *v)
{
	static const char *const ok[] = {"", "false", "true", "none", "client", "server"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(v, ok[i]))
			return NULL;
	return "Invalid dry-run flag. Flag must one of the following: false, true, none, client, "
	       "server";
}
