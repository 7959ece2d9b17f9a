/* load.c - reads a chart folder as Helm's loader.LoadDir does.
 *
 * Files are walked in lexical order, .helmignore rules are honoured (plus
 * Helm's default rule that hides dotfiles in templates/), and each file is
 * sorted into metadata, values, schema, templates, subcharts or plain files.
 * Sizes are capped so that a hostile chart cannot exhaust memory.
 */
#include "chart.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../values/json.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"

#define MAX_FILE_SIZE (5u << 20)
#define MAX_TOTAL_SIZE (100u << 20)
#define MAX_FILES 100000

struct walk {
	arena *a;
	const char *root;
	chart_file *files;
	size_t n, cap, total;
	const char **ignore; /* .helmignore patterns */
	size_t nignore;
	const char *err;
};

static bool ignored(const struct walk *w, const char *rel, bool isdir)
{
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	if (strncmp(rel, "templates/.", 11) == 0 && strchr(rel + 10, '/') == NULL && rel[11])
		return true;
	for (size_t i = 0; i < w->nignore; i++) {
		const char *p = w->ignore[i];
		size_t pl = strlen(p);
		char pat[1024];
		bool dironly = pl && p[pl - 1] == '/';
		if (dironly && !isdir)
			continue;
		snprintf(pat, sizeof(pat), "%.*s", (int)(dironly ? pl - 1 : pl), p);
		if (pat[0] == '/') {
			if (fnmatch(pat + 1, rel, FNM_PATHNAME) == 0)
				return true;
		} else if (strchr(pat, '/')) {
			if (fnmatch(pat, rel, FNM_PATHNAME) == 0)
				return true;
		} else if (fnmatch(pat, base, 0) == 0) {
			return true;
		}
	}
	return false;
}

static int read_file(arena *a, const char *path, const char **data, size_t *len, const char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = arena_sprintf(a, "open %s: %s", path, strerror(errno));
		return -1;
	}
	strbuf sb;
	sb_init(&sb, a);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > MAX_FILE_SIZE) {
			fclose(f);
			*err = arena_sprintf(a, "file '%s' is too large (over %u bytes)", path,
					     MAX_FILE_SIZE);
			return -1;
		}
		sb_add(&sb, buf, n);
	}
	fclose(f);
	*data = sb_str(&sb);
	*len = sb.len;
	return 0;
}

static int name_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int walk_dir(struct walk *w, const char *rel)
{
	const char *path = rel[0] ? arena_sprintf(w->a, "%s/%s", w->root, rel) : w->root;
	DIR *d = opendir(path);
	if (!d) {
		w->err = arena_sprintf(w->a, "open %s: %s", path, strerror(errno));
		return -1;
	}
	const char **names = NULL;
	size_t nn = 0, cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (nn == cap) {
			size_t nc = cap ? cap * 2 : 16;
			names = arena_realloc(w->a, names, cap * sizeof(*names), nc * sizeof(*names));
			cap = nc;
		}
		names[nn++] = arena_strdup(w->a, e->d_name);
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof(*names), name_cmp);
	for (size_t i = 0; i < nn; i++) {
		const char *r = rel[0] ? arena_sprintf(w->a, "%s/%s", rel, names[i]) : names[i];
		const char *full = arena_sprintf(w->a, "%s/%s", w->root, r);
		struct stat st;
		if (stat(full, &st) != 0)
			continue;
		bool isdir = S_ISDIR(st.st_mode);
		if (ignored(w, r, isdir))
			continue;
		if (isdir) {
			if (walk_dir(w, r) != 0)
				return -1;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (w->n >= MAX_FILES) {
			w->err = arena_sprintf(w->a, "chart '%s' has too many files", w->root);
			return -1;
		}
		chart_file f = {.name = r};
		if (read_file(w->a, full, &f.data, &f.len, &w->err) != 0)
			return -1;
		w->total += f.len;
		if (w->total > MAX_TOTAL_SIZE) {
			w->err = arena_sprintf(w->a, "chart '%s' is too large", w->root);
			return -1;
		}
		if (w->n == w->cap) {
			size_t nc = w->cap ? w->cap * 2 : 32;
			w->files = arena_realloc(w->a, w->files, w->cap * sizeof(chart_file),
						 nc * sizeof(chart_file));
			w->cap = nc;
		}
		w->files[w->n++] = f;
	}
	return 0;
}

static void load_helmignore(struct walk *w)
{
	const char *data;
	size_t len;
	const char *err;
	const char *p = arena_sprintf(w->a, "%s/.helmignore", w->root);
	if (access(p, R_OK) != 0 || read_file(w->a, p, &data, &len, &err) != 0)
		return;
	w->ignore = arena_alloc(w->a, (len / 2 + 2) * sizeof(char *));
	for (const char *s = data; *s;) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char *line = arena_strndup(w->a, s, n);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			line[--n] = 0;
		char *t = line;
		while (*t == ' ' || *t == '\t')
			t++;
		if (*t && *t != '#' && *t != '!')
			w->ignore[w->nignore++] = t;
		s = e ? e + 1 : s + n;
	}
}

static const char *meta_str(const chart *c, const char *key)
{
	value *v = c->meta.kind == V_MAP ? map_getc(c->meta.u.m, key) : NULL;
	return v && v->kind == V_STRING ? v->u.s : NULL;
}

static int load_metadata(arena *a, chart *c, const chart_file *f, const char **err)
{
	const char *e;
	if (yaml_load_map(a, f->data, f->len, &c->meta, &e) != 0) {
		*err = arena_sprintf(a, "cannot load Chart.yaml: %s", e);
		return -1;
	}
	c->name = meta_str(c, "name");
	c->version = meta_str(c, "version");
	c->api_version = meta_str(c, "apiVersion");
	c->type = meta_str(c, "type");
	return 0;
}

static int validate_metadata(arena *a, const chart *c, const char **err)
{
	if (!c->api_version || !*c->api_version)
		*err = "validation: chart.metadata.apiVersion is required";
	else if (!c->name || !*c->name)
		*err = "validation: chart.metadata.name is required";
	else if (!c->version || !*c->version)
		*err = "validation: chart.metadata.version is required";
	else if (c->type && *c->type && strcmp(c->type, "application") && strcmp(c->type, "library"))
		*err = "validation: chart.metadata.type must be application or library";
	else
		return 0;
	(void)a;
	return -1;
}

static void add_file(arena *a, chart_file **arr, size_t *n, chart_file f)
{
	*arr = arena_realloc(a, *arr, *n * sizeof(chart_file), (*n + 1) * sizeof(chart_file));
	(*arr)[(*n)++] = f;
}

static int classify(arena *a, chart *c, struct walk *w, const char **err)
{
	const chart_file *meta = NULL;
	for (size_t i = 0; i < w->n; i++) {
		chart_file f = w->files[i];
		if (!strcmp(f.name, "Chart.yaml")) {
			meta = &w->files[i];
		} else if (!strcmp(f.name, "values.yaml")) {
			value v;
			const char *e;
			if (yaml_load_map(a, f.data, f.len, &v, &e) != 0) {
				*err = arena_sprintf(a, "cannot load values.yaml: %s", e);
				return -1;
			}
			c->values = v.u.m;
		} else if (!strcmp(f.name, "values.schema.json")) {
			const char *e;
			if (json_parse(a, f.data, f.len, &c->schema, &e) != 0) {
				*err = arena_sprintf(a, "cannot load values.schema.json: %s", e);
				return -1;
			}
		} else if (!strncmp(f.name, "templates/", 10)) {
			add_file(a, &c->templates, &c->ntemplates, f);
		} else if (!strncmp(f.name, "charts/", 7)) {
			continue; /* subcharts: loaded by the dependency code */
		} else if (strcmp(f.name, "Chart.lock") && strcmp(f.name, "requirements.yaml") &&
			   strcmp(f.name, "requirements.lock")) {
			add_file(a, &c->files, &c->nfiles, f);
		}
	}
	if (!meta) {
		*err = "Chart.yaml file is missing";
		return -1;
	}
	if (load_metadata(a, c, meta, err) != 0)
		return -1;
	return validate_metadata(a, c, err);
}

int chart_load_dir(arena *a, const char *dir, chart **out, const char **err)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		*err = arena_sprintf(a, "path \"%s\" not found", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = arena_sprintf(a, "file '%s' does not appear to be a gzipped archive; got 'application/octet-stream'", dir);
		return -1;
	}
	struct walk w = {.a = a, .root = dir};
	load_helmignore(&w);
	if (walk_dir(&w, "") != 0) {
		*err = w.err;
		return -1;
	}
	chart *c = arena_alloc(a, sizeof(*c));
	c->dir = dir;
	c->values = v_map_new(a).u.m;
	if (classify(a, c, &w, err) != 0)
		return -1;
	c->values->gotype = GT_VALUES;
	*out = c;
	return 0;
}

const char *chart_full_path(arena *a, const chart *c)
{
	if (!c->parent)
		return c->name;
	return arena_sprintf(a, "%s/charts/%s", chart_full_path(a, c->parent), c->name);
}
