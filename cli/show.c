/* show.c - `render show chart|values|readme|crds|all CHART`, as `helm show` prints
 * them: the Chart.yaml metadata re-marshalled through chart.Metadata's JSON fields,
 * values.yaml as written, the first README of the chart root (any case), and
 * the crds/ files of the chart and its subcharts, with `---` between parts for `all`. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../chart/chart.h"
#include "../chart/package.h"
#include "../net/oci.h"
#include "../values/gofmt.h"
#include "../values/json.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"
#include "dependency.h"

enum show_part { SHOW_CHART = 1, SHOW_VALUES = 2, SHOW_README = 4, SHOW_CRDS = 8 };

static const struct show_kind {
	const char *name;
	int parts;
} show_kinds[] = {
    {"all", SHOW_CHART | SHOW_VALUES | SHOW_README | SHOW_CRDS},
    {"chart", SHOW_CHART},
    {"values", SHOW_VALUES},
    {"readme", SHOW_README},
    {"crds", SHOW_CRDS},
};

static int show_chart(arena *a, const chart *c, strbuf *out, const char **err)
{
	if (chart_metadata_yaml(a, c->meta, out, err) != 0)
		return -1;
	sb_addc(out, '\n');
	return 0;
}

static void show_values(const chart *c, bool all, strbuf *out)
{
	if (!c->raw_values)
		return;
	if (all)
		sb_adds(out, "---\n");
	sb_add(out, c->raw_values->data, c->raw_values->len);
	sb_addc(out, '\n');
}

static const char *const readme_names[] = {"readme.md", "readme.txt", "readme"};

static void show_readme(const chart *c, bool all, strbuf *out)
{
	for (size_t i = 0; i < c->nfiles; i++)
		for (size_t k = 0; k < sizeof(readme_names) / sizeof(readme_names[0]); k++) {
			if (strcasecmp(c->files[i].name, readme_names[k]))
				continue;
			if (all)
				sb_adds(out, "---\n");
			sb_add(out, c->files[i].data, c->files[i].len);
			sb_addc(out, '\n');
			return;
		}
}

static bool crd_file(const char *n)
{
	size_t l = strlen(n);
	if (strncmp(n, "crds/", 5))
		return false;
	return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(n + l - 5, ".json"));
}

/* chart.CRDObjects: the chart's crds/ files, then each subchart's. */
static void collect_crds(const chart *c, const chart_file ***v, size_t *n, arena *a)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		if (!crd_file(c->files[i].name))
			continue;
		*v = arena_realloc(a, *v, *n * sizeof(**v), (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = &c->files[i];
	}
	for (size_t i = 0; i < c->ndeps; i++)
		collect_crds(c->deps[i], v, n, a);
}

static void show_crds(arena *a, const chart *c, bool all, strbuf *out)
{
	const chart_file **crds = NULL;
	size_t n = 0;
	collect_crds(c, &crds, &n, a);
	if (n && all && strncmp(crds[0]->data, "---", 3))
		sb_adds(out, "---\n");
	for (size_t i = 0; i < n; i++) {
		sb_add(out, crds[i]->data, crds[i]->len);
		sb_addc(out, '\n');
	}
}

/* One jsonpath field chain (".a.b[0]"); NULL when a key or index is missing. */
static const value *jsonpath_lookup(arena *a, const value *v, const char *p, size_t n)
{
	const char *end = p + n;
	while (p < end && v) {
		if (*p == '.') {
			const char *k = ++p;
			while (p < end && *p != '.' && *p != '[')
				p++;
			if (p == k)
				continue;
			v = v->kind == V_MAP ? map_get(v->u.m, k, (size_t)(p - k)) : NULL;
		} else if (*p == '[') {
			char *e;
			long i = strtol(p + 1, &e, 10);
			if (e >= end || *e != ']' || v->kind != V_LIST || i < 0 ||
			    (uint32_t)i >= v->u.l->len)
				return NULL;
			v = &v->u.l->items[i];
			p = e + 1;
		} else {
			return NULL;
		}
	}
	(void)a;
	return v;
}

/* --jsonpath, the subset of kubectl's templates that field chains need:
 * strings print raw, maps and lists as JSON, other values as Go prints them. */
static int show_jsonpath(arena *a, const chart *c, const char *tpl, strbuf *out, const char **err)
{
	value root = {.kind = V_MAP, .u.m = c->values};
	size_t start = out->len;
	for (const char *p = tpl; *p;) {
		const char *open = strchr(p, '{');
		if (!open) {
			sb_adds(out, p);
			break;
		}
		sb_add(out, p, (size_t)(open - p));
		const char *close = strchr(open, '}');
		if (!close) {
			*err = arena_sprintf(a, "error parsing jsonpath %s: unclosed action", tpl);
			return -1;
		}
		const char *in = open + 1;
		size_t n = (size_t)(close - in);
		p = close + 1;
		if (n < 2 || in[0] != '.')
			continue; /* "{.}" and actions beyond field chains print nothing */
		const value *v = jsonpath_lookup(a, &root, in, n);
		if (!v) {
			out->len = start; /* a missing key: Helm prints nothing at all */
			return 0;
		}
		const char *e;
		if (v->kind == V_STRING)
			sb_add(out, v->u.s, v->len);
		else if (v->kind == V_MAP || v->kind == V_LIST)
			json_emit(out, *v, &e);
		else
			go_print_value(out, *v);
	}
	return 0;
}

static int show_run(arena *a, int parts, const char *dir, strbuf *out, const char **err)
{
	chart *c;
	if (access(dir, F_OK) != 0 && !strchr(dir, '/')) {
		*err = arena_sprintf(
		    a, "non-absolute URLs should be in form of repo_name/path_to_chart, got: %s",
		    dir);
		return -1;
	}
	if (chart_load_dir(a, dir, &c, err) != 0)
		return -1;
	bool all = parts == (SHOW_CHART | SHOW_VALUES | SHOW_README | SHOW_CRDS);
	if ((parts & SHOW_CHART) && show_chart(a, c, out, err) != 0)
		return -1;
	if (parts & SHOW_VALUES)
		show_values(c, all, out);
	if (parts & SHOW_README)
		show_readme(c, all, out);
	if (parts & SHOW_CRDS)
		show_crds(a, c, all, out);
	return 0;
}

int cmd_show(arena *a, int argc, char **argv)
{
	if (argc < 1)
		return cli_error(
		    "\"helm show\" requires a subcommand: all, chart, crds, readme or values");
	const struct show_kind *k = NULL;
	for (size_t i = 0; i < sizeof(show_kinds) / sizeof(show_kinds[0]); i++)
		if (!strcmp(show_kinds[i].name, argv[0]))
			k = &show_kinds[i];
	if (!k)
		return cli_error(
		    arena_sprintf(a, "unknown command \"%s\" for \"helm show\"", argv[0]));
	const char *version = NULL, *repo = NULL, *jsonpath = NULL;
	bool devel = false;
	oci_opts oci = {0};
	const flag_def defs[] = {
	    {"version", 0, FLAG_STRING, &version}, OCI_FLAGS(oci),
	    {"repo", 0, FLAG_STRING, &repo},	   {"jsonpath", 0, FLAG_STRING, &jsonpath},
	    {"devel", 0, FLAG_BOOL, &devel},	   {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc - 1, argv + 1, &pos, &err) != 0)
		return cli_error(err);
	if (pos.n != 1)
		return cli_error(arena_sprintf(
		    a,
		    "\"helm show %s\" requires 1 argument\n\nUsage:  helm show %s [CHART] [flags]",
		    k->name, k->name));
	if (!strncmp(pos.v[0], "oci://", 6) && oci_fetch_chart(a, pos.v[0],
							       version && *version ? version
							       : devel		   ? ">0.0.0-0"
										   : "",
							       &oci, &pos.v[0], &err))
		return cli_error(err);
	if (dependency_locate(a, &pos.v[0], version, repo, devel, &err) != 0)
		return cli_error(err);
	strbuf out;
	sb_init(&out, a);
	if (jsonpath && k->parts == SHOW_VALUES) {
		chart *c;
		if (chart_load_dir(a, pos.v[0], &c, &err) != 0 ||
		    show_jsonpath(a, c, jsonpath, &out, &err))
			return cli_error(err);
	} else if (show_run(a, k->parts, pos.v[0], &out, &err) != 0) {
		return cli_error(err);
	}
	if (write_stdout(out.buf ? out.buf : "", out.len) != 0)
		return cli_error("write error on standard output");
	return 0;
}
