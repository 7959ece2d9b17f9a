/* dependency.c - `render dependency list [CHART]`: each dependency declared in
 * Chart.yaml with its status in charts/, as `helm dependency list` prints it
 * (pkg/action/dependency.go), then warnings for charts/ entries Chart.yaml
 * does not declare. */
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../chart/chart.h"
#include "../functions/semver.h"
#include "../values/gofmt.h"
#include "../values/strbuf.h"
#include "commands.h"
#include "common.h"
#include "table.h"

static const char *dep_str(const vmap *d, const char *key)
{
	value *v = map_getc(d, key);
	return v && v->kind == V_STRING ? v->u.s : "";
}

/* filepath.Join(dir, rest) for the paths Helm prints: "./x/" is "x". */
static const char *join(arena *a, const char *dir, const char *rest)
{
	while (dir[0] == '.' && dir[1] == '/')
		dir += 2;
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || (n == 1 && dir[0] == '.'))
		return rest;
	return arena_sprintf(a, "%.*s/%s", (int)n, dir, rest);
}

/* semver.StrictNewVersion: MAJOR.MINOR.PATCH, no "v", no leading zeros. */
static bool strict_semver(const char *s)
{
	for (int part = 0; part < 3; part++) {
		if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		if (part < 2 && *s++ != '.')
			return false;
	}
	return *s == 0 || *s == '-' || *s == '+';
}

/* The constraint check both status paths share. */
static const char *version_status(arena *a, const char *want, const char *have, const char *good)
{
	bool ok;
	const char *err;
	if (!strcmp(want, have ? have : ""))
		return good;
	if (semver_check(a, want, have ? have : "", &ok, &err) != 0)
		return "invalid version";
	return ok ? good : "wrong version";
}

static const char *archive_status(arena *a, const char *path, const char *name, const char *version)
{
	struct stat st;
	chart *c;
	const char *err;
	if (stat(path, &st) != 0)
		return NULL;
	if (chart_load_dir(a, path, &c, &err) != 0)
		return "corrupt";
	if (strcmp(c->name, name))
		return "misnamed";
	return version_status(a, version, c->version, "ok");
}

static const char *status(arena *a, const char *dir, const chart *parent, const char *name,
			  const char *version)
{
	glob_t g;
	const char *pat = join(a, dir, arena_sprintf(a, "charts/%s-*.tgz", name)), *r;
	if (glob(pat, 0, NULL, &g) == 0) {
		size_t found = 0;
		const char *one = NULL;
		if (g.gl_pathc == 1) {
			one = arena_strdup(a, g.gl_pathv[0]);
			found = 1;
		} else {
			for (size_t i = 0; i < g.gl_pathc; i++) {
				const char *base = strrchr(g.gl_pathv[i], '/') + 1;
				const char *ver = arena_strndup(a, base + strlen(name) + 1,
								strlen(base) - strlen(name) - 5);
				if (strict_semver(ver)) {
					one = arena_strdup(a, g.gl_pathv[i]);
					found++;
				}
			}
		}
		globfree(&g);
		if (found > 1)
			return "too many matches";
		if (found == 1 && (r = archive_status(a, one, name, version)))
			return r;
	}
	const chart *dep = NULL;
	for (size_t i = 0; i < parent->ndeps; i++)
		if (!strcmp(parent->deps[i]->name, name))
			dep = parent->deps[i];
	if (!dep)
		return "missing";
	return version_status(a, version, dep->version, "unpacked");
}

static void print_missing(arena *a, const char *dir, const value *deps, strbuf *out)
{
	glob_t g;
	if (glob(join(a, dir, "charts/*"), 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *f = g.gl_pathv[i];
		struct stat st;
		size_t l = strlen(f);
		if (stat(f, &st) != 0 || (!S_ISDIR(st.st_mode) && (l < 4 || strcmp(f + l - 4, ".tgz"))))
			continue;
		chart *c;
		const char *err;
		strbuf q;
		sb_init(&q, a);
		go_quote(&q, f, l);
		if (chart_load_dir(a, f, &c, &err) != 0) {
			sb_addf(out, "WARNING: %s is not a chart.\n", sb_str(&q));
			continue;
		}
		bool found = false;
		for (uint32_t k = 0; k < deps->u.l->len && !found; k++)
			found = deps->u.l->items[k].kind == V_MAP &&
				!strcmp(dep_str(deps->u.l->items[k].u.m, "name"), c->name);
		if (!found)
			sb_addf(out, "WARNING: %s is not in Chart.yaml.\n", sb_str(&q));
	}
	globfree(&g);
}

static int dependency_list(arena *a, const char *dir, strbuf *out, const char **err)
{
	chart *c;
	if (chart_load_dir(a, dir, &c, err) != 0)
		return -1;
	value *deps = c->meta.kind == V_MAP ? map_getc(c->meta.u.m, "dependencies") : NULL;
	if (!deps || deps->kind != V_LIST) {
		sb_addf(out, "WARNING: no dependencies at %s\n", join(a, dir, "charts"));
		return 0;
	}
	table t;
	table_init(&t, a, 4, 80);
	table_add(&t, (const char *[]){"NAME", "VERSION", "REPOSITORY", "STATUS"});
	for (uint32_t i = 0; i < deps->u.l->len; i++) {
		const vmap *d = deps->u.l->items[i].kind == V_MAP ? deps->u.l->items[i].u.m
								    : v_map_new(a).u.m;
		const char *name = dep_str(d, "name"), *version = dep_str(d, "version");
		table_add(&t, (const char *[]){name, version, dep_str(d, "repository"),
					       status(a, dir, c, name, version)});
	}
	table_print(&t, out);
	sb_adds(out, "\n\n");
	print_missing(a, dir, deps, out);
	return 0;
}

int cmd_dependency(arena *a, int argc, char **argv)
{
	if (argc < 1 || (strcmp(argv[0], "list") && strcmp(argv[0], "ls")))
		return cli_error("render dependency: the subcommands are list (update and build come with repositories)");
	const flag_def defs[] = {{0}};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc - 1, argv + 1, &pos, &err) != 0)
		return cli_error(err);
	if (pos.n > 1)
		return cli_error(arena_sprintf(a, "\"helm dependency list\" accepts at most 1 argument\n\nUsage:  helm dependency list CHART [flags]"));
	strbuf out;
	sb_init(&out, a);
	if (dependency_list(a, pos.n ? pos.v[0] : ".", &out, &err) != 0)
		return cli_error(err);
	if (write_stdout(out.buf ? out.buf : "", out.len) != 0)
		return cli_error("write error on standard output");
	return 0;
}
