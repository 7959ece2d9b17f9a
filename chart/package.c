/* package.c - a chart folder written as a chart archive, as chartutil.Save
 * writes it (used by `render package` and by `dependency update` for file://
 * dependencies): the folder is loaded with chart_load_dir (.helmignore applied
 * as Helm applies it), its files are classified as loader.LoadFiles does, and
 * Save's layout is written: per chart, Chart.yaml re-marshalled from the
 * metadata, Chart.lock, values.yaml as it is, values.schema.json, templates,
 * other files, then each subchart as a nested folder (a .tgz in charts/ too).
 * Unlike Helm the archive is reproducible: fixed order, owner and mode, mtime
 * from SOURCE_DATE_EPOCH or else 0 (1970-01-01).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "chart.h"
#include "../functions/semver.h"
#include "../values/gofmt.h"
#include "../values/file.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"
#include "package.h"

#define MAX_DEPTH 64 /* subcharts within subcharts */

/* A chart as Helm's chart.Chart holds it for saving. */
typedef struct pchart {
	vmap *meta;
	const char *name, *api_version;
	const chart_file *values, *schema, *lock;
	chart_file *templates, *files;
	size_t ntemplates, nfiles;
	struct pchart **deps;
	size_t ndeps;
} pchart;

typedef struct flist {
	chart_file *v;
	size_t n, cap;
} flist;

static void flist_push(arena *a, flist *l, chart_file f)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 16;
		l->v = arena_realloc(a, l->v, l->cap * sizeof(chart_file), nc * sizeof(chart_file));
		l->cap = nc;
	}
	l->v[l->n++] = f;
}

/* filepath.Walk's order: component by component, each folder's names sorted. */
static int walk_cmp(const void *x, const void *y)
{
	const char *a = ((const chart_file *)x)->name, *b = ((const chart_file *)y)->name;
	while (*a && *a == *b)
		a++, b++;
	int ca = *a == '/' ? 0 : (unsigned char)*a, cb = *b == '/' ? 0 : (unsigned char)*b;
	if (!*a && *b)
		return -1;
	if (*a && !*b)
		return 1;
	return ca - cb;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !memcmp(s + n - m, suf, m);
}

/* --- Chart.yaml and Chart.lock as sigs.k8s.io/yaml marshals Helm's structs --- */

enum ftype { F_STR, F_STRS, F_STRMAP, F_BOOL, F_ANY, F_MAINTAINERS, F_DEPS, F_TIME };

struct field {
	const char *name;
	enum ftype type;
	bool keep; /* no omitempty */
};

static const struct field metadata_fields[] = {
    {"name", F_STR, 0},
    {"home", F_STR, 0},
    {"sources", F_STRS, 0},
    {"version", F_STR, 0},
    {"description", F_STR, 0},
    {"keywords", F_STRS, 0},
    {"maintainers", F_MAINTAINERS, 0},
    {"icon", F_STR, 0},
    {"apiVersion", F_STR, 0},
    {"condition", F_STR, 0},
    {"tags", F_STR, 0},
    {"appVersion", F_STR, 0},
    {"deprecated", F_BOOL, 0},
    {"annotations", F_STRMAP, 0},
    {"kubeVersion", F_STR, 0},
    {"dependencies", F_DEPS, 0},
    {"type", F_STR, 0},
    {NULL, 0, 0},
};
static const struct field maintainer_fields[] = {
    {"name", F_STR, 0},
    {"email", F_STR, 0},
    {"url", F_STR, 0},
    {NULL, 0, 0},
};
static const struct field dependency_fields[] = {
    {"name", F_STR, 1},		 {"version", F_STR, 0}, {"repository", F_STR, 1},
    {"condition", F_STR, 0},	 {"tags", F_STRS, 0},	{"enabled", F_BOOL, 0},
    {"import-values", F_ANY, 0}, {"alias", F_STR, 0},	{NULL, 0, 0},
};
static const struct field lock_fields[] = {
    {"generated", F_TIME, 1},
    {"digest", F_STR, 1},
    {"dependencies", F_DEPS, 1},
    {NULL, 0, 0},
};

/* A YAML scalar read into a Go string field: sigs.k8s.io/yaml turns numbers
 * and booleans into their text (1.10 gives "1.1", 1e3 "1000"). */
static value as_string(arena *a, value v)
{
	strbuf sb;
	sb_init(&sb, a);
	switch (v.kind) {
	case V_FLOAT:
		go_format_float(&sb, v.u.f, 'f', -1);
		break;
	case V_INT:
	case V_INT64:
		sb_addf(&sb, "%lld", (long long)v.u.i);
		break;
	case V_BOOL:
		sb_adds(&sb, v.u.b ? "true" : "false");
		break;
	case V_NIL:
		break;
	default:
		return v;
	}
	return v_str(a, sb_str(&sb), sb.len);
}

/* time.Time's RFC3339Nano: trailing zeros of the fraction dropped. */
static value as_time(arena *a, value v)
{
	if (v.kind != V_STRING)
		return v_str_static("0001-01-01T00:00:00Z", 20);
	char *s = arena_strdup(a, v.u.s);
	char *dot = strchr(s, '.');
	if (dot && strchr(s, 'T')) {
		char *end = dot + 1;
		while (*end >= '0' && *end <= '9')
			end++;
		char *z = end;
		while (z > dot + 1 && z[-1] == '0')
			z--;
		if (z == dot + 1)
			z = dot;
		memmove(z, end, strlen(end) + 1);
	}
	return v_cstr(a, s);
}

static value struct_of(arena *a, value in, const struct field *fields);

static value typed(arena *a, value x, enum ftype t)
{
	switch (t) {
	case F_STR:
		return as_string(a, x);
	case F_TIME:
		return as_time(a, x);
	case F_STRS:
	case F_MAINTAINERS:
	case F_DEPS:
		if (x.kind == V_LIST) {
			value out = v_list_new(a, x.u.l->len);
			for (uint32_t i = 0; i < x.u.l->len; i++) {
				value it = list_get(x.u.l, i);
				it = t == F_STRS ? as_string(a, it)
						 : struct_of(a, it,
							     t == F_DEPS ? dependency_fields
									 : maintainer_fields);
				list_push(a, out.u.l, it);
			}
			return out;
		}
		return x;
	case F_STRMAP:
		if (x.kind == V_MAP) {
			value out = v_map_new(a);
			for (uint32_t i = 0; i < x.u.m->len; i++)
				map_setc(a, out.u.m, x.u.m->e[i].key,
					 as_string(a, x.u.m->e[i].val));
			return out;
		}
		return x;
	default:
		return x;
	}
}

static value struct_of(arena *a, value in, const struct field *fields)
{
	value out = v_map_new(a);
	for (const struct field *f = fields; f->name; f++) {
		value *v = in.kind == V_MAP ? map_getc(in.u.m, f->name) : NULL;
		value x = typed(a, v ? *v : v_nil(), f->type);
		if (f->keep && x.kind == V_NIL)
			x = f->type == F_DEPS ? v_nil() : v_str_static("", 0);
		if (!f->keep && value_empty(x))
			continue;
		map_setc(a, out.u.m, f->name, x);
	}
	return out;
}

int chart_metadata_yaml(arena *a, value meta, strbuf *out, const char **err)
{
	return yaml_emit(out, struct_of(a, meta, metadata_fields), err);
}

static int marshal(arena *a, value v, const struct field *fields, chart_file *out, const char **err)
{
	strbuf sb;
	sb_init(&sb, a);
	if (yaml_emit(&sb, struct_of(a, v, fields), err) != 0)
		return -1;
	out->data = sb_str(&sb);
	out->len = sb.len;
	return 0;
}

/* --- Metadata.Validate's sanitizeString: white space becomes ' ', and
 * characters Go does not print (controls, format characters) are dropped --- */

static bool go_space(uint32_t r)
{
	return (r >= 9 && r <= 13) || r == ' ' || r == 0x85 || r == 0xa0 || r == 0x1680 ||
	       (r >= 0x2000 && r <= 0x200a) || r == 0x2028 || r == 0x2029 || r == 0x202f ||
	       r == 0x205f || r == 0x3000;
}

static bool go_unprintable(uint32_t r)
{
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == 0xad || (r >= 0x200b && r <= 0x200f) ||
	       (r >= 0x202a && r <= 0x202e) || (r >= 0x2060 && r <= 0x206f) || r == 0xfeff ||
	       (r >= 0xfff9 && r <= 0xfffb) || (r >= 0xe000 && r <= 0xf8ff) || r > 0x10ffff;
}

/* One UTF-8 rune at s (n bytes left); an invalid byte reads as U+FFFD, as Go does. */
static uint32_t utf8_rune(const unsigned char *s, size_t n, size_t *len)
{
	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	int k = s[0] >= 0xf0 && s[0] <= 0xf4 ? 3 : s[0] >= 0xe0 ? 2 : s[0] >= 0xc2 ? 1 : 0;
	if (s[0] > 0xf4 || k == 0 || (size_t)k >= n)
		return 0xfffd;
	uint32_t r = s[0] & (0x3f >> k);
	for (int i = 1; i <= k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0xfffd;
		r = r << 6 | (s[i] & 0x3f);
	}
	if ((k == 2 && r < 0x800) || (k == 3 && (r < 0x10000 || r > 0x10ffff)) ||
	    (r >= 0xd800 && r <= 0xdfff))
		return 0xfffd;
	*len = (size_t)k + 1;
	return r;
}

static value sanitized(arena *a, value v)
{
	if (v.kind != V_STRING)
		return v;
	strbuf sb;
	sb_init(&sb, a);
	const unsigned char *s = (const unsigned char *)v.u.s;
	for (size_t i = 0, l; i < v.len; i += l) {
		uint32_t r = utf8_rune(s + i, v.len - i, &l);
		if (go_space(r))
			sb_addc(&sb, ' ');
		else if (r == 0xfffd && l == 1)
			sb_adds(&sb, "\xef\xbf\xbd");
		else if (!go_unprintable(r))
			sb_add(&sb, (const char *)s + i, l);
	}
	return v_str(a, sb_str(&sb), sb.len);
}

/* Sanitizes the named fields of a map; list fields item by item. */
static void sanitize_fields(arena *a, vmap *m, const char *const *names)
{
	for (; *names; names++) {
		value *v = map_getc(m, *names);
		if (v && v->kind == V_LIST)
			for (uint32_t i = 0; i < v->u.l->len; i++)
				v->u.l->items[i] = sanitized(a, v->u.l->items[i]);
		else if (v)
			*v = sanitized(a, *v);
	}
}

static void sanitize_meta(arena *a, vmap *m)
{
	static const char *const meta[] = {"name",	"description", "home",	     "icon",
					   "condition", "tags",	       "appVersion", "kubeVersion",
					   "sources",	"keywords",    NULL};
	static const char *const maint[] = {"name", "email", "url", NULL};
	static const char *const dep[] = {"name",      "version", "repository",
					  "condition", "tags",	  NULL};
	sanitize_fields(a, m, meta);
	const char *const *sub[] = {maint, dep};
	const char *lists[] = {"maintainers", "dependencies"};
	for (int k = 0; k < 2; k++) {
		value *l = map_getc(m, lists[k]);
		for (uint32_t i = 0; l && l->kind == V_LIST && i < l->u.l->len; i++)
			if (l->u.l->items[i].kind == V_MAP)
				sanitize_fields(a, l->u.l->items[i].u.m, sub[k]);
	}
}

/* --- loading: Helm's LoadFiles over a flat, walk-ordered file list --- */

static const char *meta_str(vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	return v && v->kind == V_STRING ? v->u.s : NULL;
}

static int validate(arena *a, pchart *c, const char **err)
{
	const char *ver = meta_str(c->meta, "version"), *type = meta_str(c->meta, "type");
	if (!c->api_version || !*c->api_version)
		*err = "validation: chart.metadata.apiVersion is required";
	else if (!c->name || !*c->name)
		*err = "validation: chart.metadata.name is required";
	else if (!ver || !*ver)
		*err = "validation: chart.metadata.version is required";
	else if (!semver_valid(a, ver))
		*err =
		    arena_sprintf(a, "validation: chart.metadata.version \"%s\" is invalid", ver);
	else if (type && *type && strcmp(type, "application") && strcmp(type, "library"))
		*err = "validation: chart.metadata.type must be application or library";
	else
		return 0;
	return -1;
}

static int load_files(arena *a, chart_file *files, size_t n, int depth, pchart **out,
		      const char **err);

/* The subchart an entry of charts/ belongs to: "charts/NAME/..." or "charts/NAME". */
static size_t sub_len(const char *name)
{
	const char *slash = strchr(name + 7, '/');
	return slash ? (size_t)(slash - name - 7) : strlen(name + 7);
}

struct indexed {
	chart_file f;
	size_t i;
};

static int sub_cmp(const void *x, const void *y)
{
	const struct indexed *p = x, *q = y;
	size_t lp = sub_len(p->f.name), lq = sub_len(q->f.name);
	int c = memcmp(p->f.name + 7, q->f.name + 7, lp < lq ? lp : lq);
	if (c == 0 && lp != lq)
		c = lp < lq ? -1 : 1;
	return c ? c : (p->i < q->i ? -1 : p->i > q->i);
}

/* An archive may interleave subcharts' files: gather each subchart's, in order. */
static void group_subs(arena *a, flist *sub)
{
	struct indexed *v = arena_alloc(a, (sub->n + 1) * sizeof(*v));
	for (size_t i = 0; i < sub->n; i++)
		v[i] = (struct indexed){sub->v[i], i};
	if (sub->n)
		qsort(v, sub->n, sizeof(*v), sub_cmp);
	for (size_t i = 0; i < sub->n; i++)
		sub->v[i] = v[i].f;
}

/* Groups charts/NAME... by NAME and loads each as a subchart. */
static int load_deps(arena *a, pchart *c, flist *sub, int depth, const char **err)
{
	group_subs(a, sub);
	c->deps = arena_alloc(a, (sub->n + 1) * sizeof(pchart *)); /* at most one per entry */
	for (size_t i = 0; i < sub->n;) {
		const char *rest = sub->v[i].name + 7;
		const char *slash = strchr(rest, '/');
		size_t cl = slash ? (size_t)(slash - rest) : strlen(rest);
		const char *cname = arena_strndup(a, rest, cl);
		flist group = {0};
		size_t j = i;
		for (; j < sub->n && !strncmp(sub->v[j].name + 7, cname, cl) &&
		       (sub->v[j].name[7 + cl] == '/' || !sub->v[j].name[7 + cl]);
		     j++) {
			chart_file f = sub->v[j];
			if (f.name[7 + cl] == '/') {
				f.name += 7 + cl + 1;
				flist_push(a, &group, f);
			}
		}
		bool single = j == i + 1 && !sub->v[i].name[7 + cl];
		i = j;
		if (cname[0] == '_' || cname[0] == '.')
			continue;
		pchart *sc = NULL;
		int rc;
		if (has_suffix(cname, ".tgz") && single) {
			chart_file *af;
			size_t an;
			const chart_file *t = &sub->v[i - 1];
			rc = archive_read_chart_data(a, cname, t->data, t->len, &af, &an, err);
			if (rc == 0)
				rc = load_files(a, af, an, depth + 1, &sc, err);
		} else {
			rc = load_files(a, group.v, group.n, depth + 1, &sc, err);
		}
		if (rc != 0) {
			*err = arena_sprintf(a, "error unpacking subchart %s in %s: %s", cname,
					     c->name, *err);
			return -1;
		}
		c->deps[c->ndeps++] = sc;
	}
	return 0;
}

static int load_files(arena *a, chart_file *files, size_t n, int depth, pchart **out,
		      const char **err)
{
	if (depth > MAX_DEPTH) {
		*err = arena_sprintf(a, "subcharts are nested more than %d deep", MAX_DEPTH);
		return -1;
	}
	pchart *c = arena_alloc(a, sizeof(*c));
	const chart_file *meta = NULL;
	for (size_t i = 0; i < n && !meta; i++)
		if (!strcmp(files[i].name, "Chart.yaml"))
			meta = &files[i];
	if (!meta) {
		*err = "Chart.yaml file is missing";
		return -1;
	}
	value mv;
	const char *e;
	if (yaml_load_map(a, meta->data, meta->len, &mv, &e) != 0) {
		*err = arena_sprintf(a, "cannot load Chart.yaml: %s", e);
		return -1;
	}
	c->meta = struct_of(a, mv, metadata_fields).u.m; /* typed as chart.Metadata */
	sanitize_meta(a, c->meta);
	c->name = meta_str(c->meta, "name");
	c->api_version = meta_str(c->meta, "apiVersion");
	if (!c->api_version || !*c->api_version) { /* Helm: a chart without one is v1 */
		c->api_version = "v1";
		map_setc(a, c->meta, "apiVersion", v_str_static("v1", 2));
	}
	bool v1 = !strcmp(c->api_version, "v1");
	flist tpl = {0}, other = {0}, sub = {0};
	for (size_t i = 0; i < n; i++) {
		chart_file *f = &files[i];
		if (f == meta)
			continue;
		if (!strcmp(f->name, "Chart.lock")) {
			c->lock = f;
		} else if (!strcmp(f->name, "values.yaml")) {
			c->values = f;
		} else if (!strcmp(f->name, "values.schema.json")) {
			c->schema = f;
		} else if (!strcmp(f->name, "requirements.yaml") ||
			   !strcmp(f->name, "requirements.lock")) {
			value rv; /* dependencies move into the metadata; v1 keeps the file */
			if (!strcmp(f->name, "requirements.yaml") &&
			    yaml_load_map(a, f->data, f->len, &rv, &e) == 0 &&
			    map_getc(rv.u.m, "dependencies"))
				map_setc(a, c->meta, "dependencies",
					 *map_getc(rv.u.m, "dependencies"));
			if (v1)
				flist_push(a, &other, *f);
		} else if (!strncmp(f->name, "templates/", 10)) {
			flist_push(a, &tpl, *f);
		} else if (!strncmp(f->name, "charts/", 7) && !has_suffix(f->name, ".prov")) {
			flist_push(a, &sub, *f);
		} else {
			flist_push(a, &other, *f);
		}
	}
	c->templates = tpl.v, c->ntemplates = tpl.n;
	c->files = other.v, c->nfiles = other.n;
	if (validate(a, c, err) != 0)
		return -1;
	if (load_deps(a, c, &sub, depth, err) != 0)
		return -1;
	*out = c;
	return 0;
}

/* --- the folder: chart_load_dir for .helmignore, raw bytes for the rest --- */

static int read_raw(arena *a, const char *path, flist *l, const char *name, const char **err)
{
	const char *data;
	size_t len;
	if (access(path, F_OK) != 0)
		return 0;
	if (file_read(a, path, &data, &len, err) != 0)
		return -1;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3, len -= 3;
	flist_push(a, l, (chart_file){.name = name, .data = data, .len = len});
	return 0;
}

static bool is_raw(const char *name, const char *const *raw, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, raw[i]))
			return true;
	return false;
}

/* The chart name a Chart.yaml gives, typed and sanitized as the loader does. */
static const char *name_of(arena *a, const char *data, size_t len)
{
	value v;
	const char *e;
	if (yaml_load_map(a, data, len, &v, &e) != 0)
		return NULL;
	vmap *m = struct_of(a, v, metadata_fields).u.m;
	sanitize_meta(a, m);
	return meta_str(m, "name");
}

/* The chart name of a folder (its Chart.yaml) or of an archive. */
static const char *entry_chart_name(arena *a, const char *path, bool dir)
{
	const char *data, *err;
	size_t len;
	if (dir) {
		path = arena_sprintf(a, "%s/Chart.yaml", path);
		if (access(path, F_OK) != 0 || file_read(a, path, &data, &len, &err) != 0)
			return NULL;
		return name_of(a, data, len);
	}
	chart_file *files;
	size_t n;
	if (file_read(a, path, &data, &len, &err) != 0 ||
	    archive_read_chart_data(a, path, data, len, &files, &n, &err) != 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].name, "Chart.yaml"))
			return name_of(a, files[i].data, files[i].len);
	return NULL;
}

static int tree_files(arena *a, const chart *c, const char *dir, const char *prefix, flist *l,
		      const char **err);

/* charts/ of a folder chart: folders and archives in walk order. The loader made
 * one subchart of each that .helmignore left in, in that same order; an entry
 * whose chart is not the next subchart was ignored. */
static int charts_dir(arena *a, const chart *c, const char *dir, const char *prefix, flist *l,
		      const char **err)
{
	const char *cdir = arena_sprintf(a, "%s/charts", dir);
	DIR *d = opendir(cdir);
	if (!d)
		return 0;
	flist names = {0};
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.' && e->d_name[0] != '_')
			flist_push(a, &names, (chart_file){.name = arena_strdup(a, e->d_name)});
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(chart_file), walk_cmp);
	size_t next = 0;
	for (size_t i = 0; i < names.n && next < c->ndeps; i++) {
		const char *nm = names.v[i].name;
		const char *full = arena_sprintf(a, "%s/%s", cdir, nm);
		const char *rel = arena_sprintf(a, "%scharts/%s", prefix, nm);
		struct stat st;
		if (stat(full, &st) != 0)
			continue;
		bool isdir = S_ISDIR(st.st_mode);
		if (!isdir && !(S_ISREG(st.st_mode) && has_suffix(nm, ".tgz")))
			continue;
		const char *cname = entry_chart_name(a, full, isdir);
		const chart *dep = c->deps[next];
		if (!cname || !dep->name || strcmp(cname, dep->name))
			continue;
		next++;
		if (isdir ? tree_files(a, dep, full, arena_sprintf(a, "%s/", rel), l, err) != 0
			  : read_raw(a, full, l, rel, err) != 0)
			return -1;
	}
	return 0;
}

/* The files Helm's LoadDir hands LoadFiles, for a chart of the loaded tree:
 * templates and files as the loader kept them (.helmignore applied), the
 * files it parses read as they are, then charts/. */
static int tree_files(arena *a, const chart *c, const char *dir, const char *prefix, flist *l,
		      const char **err)
{
	static const char *const raw[] = {"Chart.yaml",	       "Chart.lock",
					  "values.yaml",       "values.schema.json",
					  "requirements.yaml", "requirements.lock"};
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++)
		if (read_raw(a, arena_sprintf(a, "%s/%s", dir, raw[i]), l,
			     arena_sprintf(a, "%s%s", prefix, raw[i]), err) != 0)
			return -1;
	const chart_file *sets[] = {c->templates, c->files};
	size_t counts[] = {c->ntemplates, c->nfiles};
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < counts[s]; i++) {
			chart_file f = sets[s][i];
			if (is_raw(f.name, raw, sizeof(raw) / sizeof(raw[0])))
				continue; /* read above */
			f.name = arena_sprintf(a, "%s%s", prefix, f.name);
			if (f.len >= 3 && !memcmp(f.data, "\xef\xbb\xbf", 3))
				f.data += 3, f.len -= 3;
			flist_push(a, l, f);
		}
	return charts_dir(a, c, dir, prefix, l, err);
}

/* --- writing: chartutil.Save's order --- */

static int emit_chart(arena *a, const pchart *c, const char *base, flist *out, const char **err)
{
	chart_file f = {.name = arena_sprintf(a, "%s/Chart.yaml", base)};
	value meta = {.kind = V_MAP, .u.m = c->meta};
	if (!strcmp(c->api_version, "v1")) {
		meta.u.m = map_copy(a, c->meta);
		map_del(meta.u.m, "dependencies", 12);
	}
	if (marshal(a, meta, metadata_fields, &f, err) != 0)
		return -1;
	flist_push(a, out, f);
	if (c->lock && !strcmp(c->api_version, "v2")) {
		value lv;
		const char *e;
		if (yaml_load_map(a, c->lock->data, c->lock->len, &lv, &e) != 0) {
			*err = arena_sprintf(a, "cannot load Chart.lock: %s", e);
			return -1;
		}
		f.name = arena_sprintf(a, "%s/Chart.lock", base);
		if (marshal(a, lv, lock_fields, &f, err) != 0)
			return -1;
		flist_push(a, out, f);
	}
	const chart_file *single[] = {c->values, c->schema};
	for (int i = 0; i < 2; i++)
		if (single[i]) {
			f = *single[i];
			f.name = arena_sprintf(a, "%s/%s", base, f.name);
			flist_push(a, out, f);
		}
	const chart_file *sets[] = {c->templates, c->files};
	size_t counts[] = {c->ntemplates, c->nfiles};
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < counts[s]; i++) {
			f = sets[s][i];
			f.name = arena_sprintf(a, "%s/%s", base, f.name);
			flist_push(a, out, f);
		}
	for (size_t i = 0; i < c->ndeps; i++)
		if (emit_chart(a, c->deps[i],
			       arena_sprintf(a, "%s/charts/%s", base, c->deps[i]->name), out,
			       err) != 0)
			return -1;
	return 0;
}

/* Helm's CheckDependencies: every declared dependency must be in charts/. */
static int check_deps(arena *a, const pchart *c, const char **err)
{
	value *deps = map_getc(c->meta, "dependencies");
	if (!deps || deps->kind != V_LIST)
		return 0;
	strbuf missing;
	sb_init(&missing, a);
	for (uint32_t i = 0; i < deps->u.l->len; i++) {
		value d = list_get(deps->u.l, i);
		value *nv = d.kind == V_MAP ? map_getc(d.u.m, "name") : NULL;
		const char *name = nv ? as_string(a, *nv).u.s : "";
		if (!name)
			name = "";
		bool found = false;
		for (size_t k = 0; k < c->ndeps && !found; k++)
			found = !strcmp(c->deps[k]->name, name);
		if (!found)
			sb_addf(&missing, "%s%s", missing.len ? ", " : "", name);
	}
	if (!missing.len)
		return 0;
	*err = arena_sprintf(a, "found in Chart.yaml, but missing in charts/ directory: %s",
			     sb_str(&missing));
	return -1;
}

static long long source_date_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 0) {
		fprintf(stderr, "WARNING: invalid SOURCE_DATE_EPOCH %s: using 0\n", s);
		return 0;
	}
	return v;
}

static const char *dest_path(arena *a, const char *dest, const char *file, const char **err)
{
	struct stat st;
	if (stat(dest, &st) != 0) {
		char *p = arena_strdup(a, dest); /* os.MkdirAll */
		for (char *s = p + 1;; s++) {
			if (*s == '/' || !*s) {
				char c = *s;
				*s = 0;
				if (mkdir(p, 0755) != 0 && errno != EEXIST) {
					*err = arena_sprintf(a, "mkdir %s: %s", p,
							     go_strerror(a, errno));
					return NULL;
				}
				*s = c;
				if (!c)
					break;
			}
		}
	} else if (!S_ISDIR(st.st_mode)) {
		*err = arena_sprintf(a, "is not a directory: %s", dest);
		return NULL;
	}
	size_t n = strlen(dest);
	while (n > 1 && dest[n - 1] == '/')
		n--;
	while (n > 2 && !strncmp(dest, "./", 2))
		dest += 2, n -= 2;
	if (n == 1 && dest[0] == '.')
		return file;
	return arena_sprintf(a, "%.*s/%s", (int)n, dest, file);
}

int chart_package(arena *a, const char *path, const chart_package_opts *o, const char **out_path,
		  const char **err)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		*err = arena_sprintf(a, "stat %s: %s", path, go_strerror(a, errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) { /* Helm's LoadDir walks the file and finds no Chart.yaml */
		*err = "Chart.yaml file is missing";
		return -1;
	}
	flist files = {0};
	pchart *c;
	chart *tree;
	if (chart_load_dir(a, path, &tree, err) != 0 ||
	    tree_files(a, tree, path, "", &files, err) != 0)
		return -1;
	qsort(files.v, files.n, sizeof(chart_file), walk_cmp);
	if (load_files(a, files.v, files.n, 0, &c, err) != 0)
		return -1;
	if (o->version && *o->version) {
		if (!semver_valid(a, o->version)) {
			*err = "Invalid Semantic Version";
			return -1;
		}
		map_setc(a, c->meta, "version", v_cstr(a, o->version));
	}
	if (o->app_version && *o->app_version)
		map_setc(a, c->meta, "appVersion", v_cstr(a, o->app_version));
	if (o->check_deps && check_deps(a, c, err) != 0)
		return -1;
	const char *dest = o->dest;
	if (!strcmp(dest, ".")) {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd))) {
			*err = arena_sprintf(a, "getwd: %s", go_strerror(a, errno));
			return -1;
		}
		dest = arena_strdup(a, cwd);
	}
	const char *file = arena_sprintf(a, "%s-%s.tgz", c->name, meta_str(c->meta, "version"));
	const char *out = dest_path(a, dest, file, err);
	if (!out) {
		*err = arena_sprintf(a, "failed to save: %s", *err);
		return -1;
	}
	flist entries = {0};
	if (emit_chart(a, c, c->name, &entries, err) != 0 ||
	    archive_write_chart(a, out, entries.v, entries.n, source_date_epoch(), err) != 0) {
		*err = arena_sprintf(a, "failed to save: %s", *err);
		return -1;
	}
	*out_path = out;
	return 0;
}
