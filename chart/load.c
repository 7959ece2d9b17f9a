/* load.c - reads a chart folder as Helm's loader.LoadDir does.
 *
 * Files are walked in lexical order, .helmignore rules are honoured (plus
 * Helm's default rule that hides dotfiles in templates/), and each file is
 * sorted into metadata, values, schema, templates, subcharts or plain files.
 * Sizes are capped so that a hostile chart cannot exhaust memory.
 */
#include "chart.h"
#include "archive.h"
#include "ignore.h"
#include "lint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../functions/functions.h"
#include "../functions/semver.h"
#include "../values/file.h"
#include "../values/gofmt.h"
#include "../values/json.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"

#define MAX_FILE_SIZE  (5u << 20)
#define MAX_TOTAL_SIZE (100u << 20)
#define MAX_FILES      100000
#define MAX_DEPTH      64 /* subcharts within subcharts */

static int load_files(arena *a, const chart_file *files, size_t n, int depth, chart **out,
		      const char **err);

struct walk {
	arena *a;
	const char *root;
	chart_file *files;
	size_t n, cap, total;
	const ignore_rules *ignore; /* .helmignore and Helm's default rule */
	const char *err;
};

static int too_large(arena *a, const char *path, size_t max, const char **err)
{
	const char *base = strrchr(path, '/');
	if (max == MAX_FILE_SIZE) /* Helm's loader names the file by its base name */
		*err =
		    arena_sprintf(a, "chart file \"%s\" is larger than the maximum file size %zu",
				  base ? base + 1 : path, max);
	else
		*err = arena_sprintf(a, "file '%s' is too large (over %zu bytes)", path, max);
	return -1;
}

/* The whole file in one arena block. Chart files are small: one read into a
 * guessed buffer usually meets the end (a short read of a regular file), and
 * the unused tail goes back to the arena; fstat only for bigger files. */
#define READ_GUESS 8192

static int read_fail(arena *a, int fd, const char *what, const char *path, const char **err)
{
	*err = arena_sprintf(a, "%s %s: %s", what, path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int read_file(arena *a, const char *path, size_t max, const char **data, size_t *len,
		     const char **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return read_fail(a, fd, "open", path, err);
	size_t cap = READ_GUESS < max + 1 ? READ_GUESS : max + 1, n = 0;
	char *buf = arena_alloc_raw(a, cap + 1);
	for (bool sized = false;;) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return read_fail(a, fd, "read", path, err);
		n += (size_t)r;
		if (n < cap)
			break; /* a short read of a regular file: its end */
		if (n > max) {
			close(fd);
			return too_large(a, path, max, err);
		}
		size_t nc = cap * 2;
		struct stat st;
		if (!sized && fstat(fd, &st) == 0 && st.st_size >= 0) {
			sized = true;
			if ((uint64_t)st.st_size > max) {
				close(fd);
				return too_large(a, path, max, err);
			}
			if ((size_t)st.st_size + 1 > nc)
				nc = (size_t)st.st_size + 1;
		}
		if (nc > max + 1)
			nc = max + 1;
		buf = arena_realloc_raw(a, buf, cap + 1, nc + 1);
		cap = nc;
	}
	close(fd);
	buf[n] = 0;
	arena_shrink(a, buf, cap + 1, n + 1);
	*data = buf;
	*len = n;
	return 0;
}

/* A folder entry, with its d_type: DT_UNKNOWN when the file system does not say. */
struct entry {
	const char *name;
	unsigned char type;
};

static int name_cmp(const void *x, const void *y)
{
	return strcmp(((const struct entry *)x)->name, ((const struct entry *)y)->name);
}

/* filepath.Abs: path made absolute against the working folder, cleaned of "./". */
static const char *abs_path(arena *a, const char *path)
{
	char cwd[PATH_MAX];
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (!strcmp(path, "."))
		return arena_strdup(a, cwd);
	return arena_sprintf(a, "%s/%s", cwd, path);
}

static const char *clean(arena *a, const char *p)
{
	return go_path_clean(a, p, strlen(p));
}

/* Helm's sympath.Walk follows links and says so (log.Printf, walk.go:75);
 * a link that leads nowhere is an error. */
static int note_symlink(struct walk *w, const char *full)
{
	const char *shown = clean(w->a, abs_path(w->a, full));
	char target[PATH_MAX];
	if (!realpath(full, target)) {
		char link[PATH_MAX];
		ssize_t n = readlink(full, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = 0;
		const char *dir = arena_strndup(w->a, shown, (size_t)(strrchr(shown, '/') - shown));
		const char *to = link[0] == '/' ? link : arena_sprintf(w->a, "%s/%s", dir, link);
		/* EvalSymlinks names the first component that does not exist */
		char *t = arena_strdup(w->a, clean(w->a, to));
		int e = ENOENT;
		struct stat st;
		for (char *p = t + 1;; p++) {
			if (*p != '/' && *p)
				continue;
			char c = *p;
			*p = 0;
			if (lstat(t, &st) != 0) {
				e = errno;
				break;
			}
			if (!c)
				break;
			*p = c;
		}
		w->err = arena_sprintf(w->a, "error evaluating symlink %s: lstat %s: %s", shown, t,
				       go_strerror(w->a, e));
		return -1;
	}
	fprintf(stderr,
		"walk.go:75: found symbolic link in path: %s resolves to %s. Contents of linked "
		"file included and used\n",
		shown, target);
	return 0;
}

static int walk_dir(struct walk *w, const char *rel)
{
	const char *path = rel[0] ? arena_sprintf(w->a, "%s/%s", w->root, rel) : w->root;
	DIR *d = opendir(path);
	if (!d) {
		w->err = arena_sprintf(w->a, "open %s: %s", path, strerror(errno));
		return -1;
	}
	struct entry *names = NULL;
	size_t nn = 0, cap = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (nn == cap) {
			size_t nc = cap ? cap * 2 : 16;
			names =
			    arena_realloc(w->a, names, cap * sizeof(*names), nc * sizeof(*names));
			cap = nc;
		}
		names[nn].name = arena_strdup(w->a, e->d_name);
		names[nn++].type = e->d_type;
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof(*names), name_cmp);
	for (size_t i = 0; i < nn; i++) {
		const char *r =
		    rel[0] ? arena_sprintf(w->a, "%s/%s", rel, names[i].name) : names[i].name;
		const char *full = arena_sprintf(w->a, "%s/%s", w->root, r);
		/* the directory entry's type spares a stat for plain files and folders */
		unsigned char type = names[i].type;
		struct stat st;
		if (type == DT_LNK || type == DT_UNKNOWN) {
			if (lstat(full, &st) == 0 && S_ISLNK(st.st_mode) &&
			    note_symlink(w, full) != 0)
				return -1;
			if (stat(full, &st) != 0)
				continue;
			type = S_ISDIR(st.st_mode)   ? DT_DIR
			       : S_ISREG(st.st_mode) ? DT_REG
						     : DT_UNKNOWN;
		}
		bool isdir = type == DT_DIR;
		if (ignore_match(w->ignore, r, isdir))
			continue;
		if (isdir) {
			if (walk_dir(w, r) != 0)
				return -1;
			continue;
		}
		if (type != DT_REG) {
			w->err = arena_sprintf(
			    w->a, "cannot load irregular file %s as it has file mode type bits set",
			    clean(w->a, abs_path(w->a, full)));
			return -1;
		}
		if (w->n >= MAX_FILES) {
			w->err = arena_sprintf(w->a, "chart '%s' has too many files", w->root);
			return -1;
		}
		chart_file f = {.name = r};
		if (read_file(w->a, full, MAX_FILE_SIZE, &f.data, &f.len, &w->err) != 0)
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

static int load_helmignore(struct walk *w)
{
	const char *data = NULL, *err;
	size_t len;
	const char *p = arena_sprintf(w->a, "%s/.helmignore", w->root);
	if (access(p, F_OK) == 0 && read_file(w->a, p, MAX_FILE_SIZE, &data, &len, &err) != 0) {
		w->err = err;
		return -1;
	}
	w->ignore = ignore_parse(w->a, data, &err);
	if (!w->ignore) {
		w->err = err;
		return -1;
	}
	return 0;
}

static const char *meta_str(const chart *c, const char *key)
{
	value *v = c->meta.kind == V_MAP ? map_getc(c->meta.u.m, key) : NULL;
	return v && v->kind == V_STRING ? v->u.s : NULL;
}

/* A scalar as its Go text; an integral number prints as the integer yaml.v2
 * would have read (`version: 1000000` is "1000000", not "1e+06"). */
static void print_scalar(strbuf *sb, value v)
{
	if (v.kind == V_FLOAT && v.u.f == (double)(int64_t)v.u.f && v.u.f > -9.2e18 &&
	    v.u.f < 9.2e18)
		sb_addf(sb, "%lld", (long long)v.u.f);
	else
		go_print_value(sb, v);
}

/* sigs.k8s.io/yaml into a string field: a scalar YAML resolved as a bool or a
 * number becomes its Go printing (`name: y` is "true", `version: 1.10` is "1.1"). */
static void stringify(arena *a, vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	if (!v || v->kind == V_STRING || v->kind == V_MAP || v->kind == V_LIST)
		return;
	if (v->kind == V_NIL) {
		map_del(m, key, strlen(key));
		return;
	}
	strbuf sb;
	sb_init(&sb, a);
	print_scalar(&sb, *v);
	*v = v_str(a, sb.buf ? sb.buf : "", sb.len);
}

static void stringify_list(arena *a, vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	if (!v || v->kind != V_LIST)
		return;
	for (uint32_t i = 0; i < v->u.l->len; i++) {
		value *it = &v->u.l->items[i];
		if (it->kind == V_STRING || it->kind == V_MAP || it->kind == V_LIST ||
		    it->kind == V_NIL)
			continue;
		strbuf sb;
		sb_init(&sb, a);
		print_scalar(&sb, *it);
		*it = v_str(a, sb.buf ? sb.buf : "", sb.len);
	}
}

/* The length of the UTF-8 sequence at s, and its code point (U+FFFD when invalid). */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
	if (!n) {
		*cp = 0xFFFD;
		return 1;
	}
	uint32_t c = s[0] & (0x7F >> n);
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		c = c << 6 | (s[i] & 0x3F);
	}
	*cp = c;
	return n;
}

static bool unicode_space(uint32_t c)
{
	return (c >= 9 && c <= 13) || c == ' ' || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

/* Not printable for Go: controls, and the format characters charts meet in practice. */
static bool unprintable(uint32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || (c >= 0x200B && c <= 0x200F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF ||
	       (c >= 0xD800 && c <= 0xDFFF) || (c >= 0xE000 && c <= 0xF8FF);
}

/* chart.sanitizeString: spaces become ' ', unprintable characters go. */
static void sanitize(arena *a, vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	if (!v || v->kind != V_STRING)
		return;
	strbuf sb;
	sb_init(&sb, a);
	bool changed = false;
	for (uint32_t i = 0; i < v->len;) {
		uint32_t c;
		int n = utf8_next((const unsigned char *)v->u.s + i, &c);
		if (unicode_space(c)) {
			sb_addc(&sb, ' ');
			changed |= c != ' ';
		} else if (unprintable(c)) {
			changed = true;
		} else {
			sb_add(&sb, v->u.s + i, (size_t)n);
		}
		i += (uint32_t)n;
	}
	if (changed)
		*v = v_str(a, sb.buf ? sb.buf : "", sb.len);
}

static void sanitize_list(arena *a, vmap *m, const char *key)
{
	value *l = map_getc(m, key);
	if (!l || l->kind != V_LIST)
		return;
	for (uint32_t i = 0; i < l->u.l->len; i++) {
		vmap *tmp = v_map_new(a).u.m;
		map_setc(a, tmp, "x", l->u.l->items[i]);
		sanitize(a, tmp, "x");
		l->u.l->items[i] = *map_getc(tmp, "x");
	}
}

static void stringify_all(arena *a, vmap *m, const char *const *keys)
{
	for (; *keys; keys++) {
		stringify(a, m, *keys);
		sanitize(a, m, *keys);
	}
}

/* The string fields of chart.Metadata, Maintainer and Dependency as Go decodes them. */
static void typed_metadata(arena *a, vmap *m)
{
	static const char *const meta_keys[] = {"name",	      "home",	     "description",
						"icon",	      "condition",   "tags",
						"appVersion", "kubeVersion", NULL};
	static const char *const raw_keys[] = {"version", "apiVersion", "type", NULL};
	static const char *const maint_keys[] = {"name", "email", "url", NULL};
	static const char *const dep_keys[] = {"name", "version", "repository", "condition", NULL};
	stringify_all(a, m, meta_keys);
	for (const char *const *k = raw_keys; *k; k++)
		stringify(a, m, *k);
	stringify_list(a, m, "sources");
	stringify_list(a, m, "keywords");
	sanitize_list(a, m, "sources");
	sanitize_list(a, m, "keywords");
	value *l = map_getc(m, "maintainers");
	for (uint32_t i = 0; l && l->kind == V_LIST && i < l->u.l->len; i++)
		if (l->u.l->items[i].kind == V_MAP)
			stringify_all(a, l->u.l->items[i].u.m, maint_keys);
	l = map_getc(m, "dependencies");
	for (uint32_t i = 0; l && l->kind == V_LIST && i < l->u.l->len; i++)
		if (l->u.l->items[i].kind == V_MAP) {
			stringify_all(a, l->u.l->items[i].u.m, dep_keys);
			stringify(a, l->u.l->items[i].u.m, "alias");
			stringify_list(a, l->u.l->items[i].u.m, "tags");
			sanitize_list(a, l->u.l->items[i].u.m, "tags");
		}
	value *an = map_getc(m, "annotations");
	if (an && an->kind == V_MAP)
		for (uint32_t i = 0; i < an->u.m->len; i++)
			stringify(a, an->u.m, an->u.m->e[i].key);
}

static int load_metadata(arena *a, chart *c, const chart_file *f, const char **err)
{
	const char *e;
	if (yaml_load(a, f->data, f->len, &c->meta, &e) != 0) {
		*err = arena_sprintf(a, "cannot load Chart.yaml: %s", e);
		return -1;
	}
	if (c->meta.kind == V_NIL)
		c->meta = v_map_new(a);
	if (c->meta.kind != V_MAP) {
		*err = arena_sprintf(
		    a,
		    "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: "
		    "cannot unmarshal %s into Go value of type chart.Metadata",
		    c->meta.kind == V_LIST     ? "array"
		    : c->meta.kind == V_STRING ? "string"
		    : c->meta.kind == V_BOOL   ? "bool"
					       : "number");
		return -1;
	}
	if ((e = lint_metadata_type_error(a, c->meta))) {
		*err = arena_sprintf(a, "cannot load Chart.yaml: %s", e);
		return -1;
	}
	typed_metadata(a, c->meta.u.m);
	c->name = meta_str(c, "name");
	c->version = meta_str(c, "version");
	c->api_version = meta_str(c, "apiVersion");
	c->type = meta_str(c, "type");
	if (!c->api_version || !*c->api_version) {
		/* Helm 2 charts may omit it: Helm's loader assumes v1 */
		c->api_version = "v1";
		map_setc(a, c->meta.u.m, "apiVersion", v_str_static("v1", 2));
	}
	return 0;
}

static bool valid_alias(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* Dependency.Validate and the rule that names and aliases are unique. */
static int validate_dependencies(arena *a, const chart *c, const char **err)
{
	value *deps = map_getc(c->meta.u.m, "dependencies");
	if (!deps || deps->kind != V_LIST)
		return 0;
	const vlist *l = deps->u.l;
	const char **keys = arena_alloc(a, (l->len + 1) * sizeof(char *));
	for (uint32_t i = 0; i < l->len; i++) {
		value d = l->items[i];
		if (d.kind != V_MAP) {
			keys[i] = "";
			continue;
		}
		value *name = map_getc(d.u.m, "name"), *alias = map_getc(d.u.m, "alias");
		const char *n = name && name->kind == V_STRING ? name->u.s : "";
		const char *al = alias && alias->kind == V_STRING ? alias->u.s : "";
		if (*al && !valid_alias(al)) {
			*err = arena_sprintf(
			    a,
			    "validation: dependency \"%s\" has disallowed characters in the alias",
			    n);
			return -1;
		}
		keys[i] = *al ? al : n;
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(keys[j], keys[i])) {
				*err = arena_sprintf(a,
						     "validation: more than one dependency with "
						     "name or alias \"%s\"",
						     keys[i]);
				return -1;
			}
	}
	return 0;
}

static bool has_null(const vmap *m, const char *key)
{
	value *l = map_getc(m, key);
	for (uint32_t i = 0; l && l->kind == V_LIST && i < l->u.l->len; i++)
		if (l->u.l->items[i].kind == V_NIL)
			return true;
	return false;
}

static int validate_metadata(arena *a, const chart *c, const char **err)
{
	const char *base = c->name ? strrchr(c->name, '/') : NULL;
	if (!c->name || !*c->name)
		*err = "validation: chart.metadata.name is required";
	else if (base) /* Helm 3.17.3: name != filepath.Base(name) */
		*err =
		    arena_sprintf(a, "validation: chart.metadata.name \"%s\" is invalid", c->name);
	else if (!c->version || !*c->version)
		*err = "validation: chart.metadata.version is required";
	else if (!semver_valid(a, c->version))
		*err = arena_sprintf(a, "validation: chart.metadata.version \"%s\" is invalid",
				     c->version);
	else if (c->type && *c->type && strcmp(c->type, "application") &&
		 strcmp(c->type, "library"))
		*err = "validation: chart.metadata.type must be application or library";
	else if (has_null(c->meta.u.m, "maintainers"))
		*err = "validation: maintainers must not contain empty or null nodes";
	else if (has_null(c->meta.u.m, "dependencies"))
		*err = "validation: dependencies must not contain empty or null nodes";
	else
		return validate_dependencies(a, c, err);
	return -1;
}

/* Appends f; the array grows by doubling (its capacity is the next power of two). */
static void add_file(arena *a, chart_file **arr, size_t *n, chart_file f)
{
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;
		*arr = arena_realloc(a, *arr, *n * sizeof(chart_file), cap * sizeof(chart_file));
	}
	(*arr)[(*n)++] = f;
}

/* The files under charts/, grouped by their first path component. */
struct subgroup {
	const char *name;
	chart_file *files;
	size_t n;
};

static void add_sub(arena *a, struct subgroup **g, size_t *ng, const chart_file *f)
{
	const char *rest = f->name + 7, *slash = strchr(rest, '/');
	const char *cname = slash ? arena_strndup(a, rest, (size_t)(slash - rest)) : rest;
	size_t i = 0;
	while (i < *ng && strcmp((*g)[i].name, cname))
		i++;
	if (i == *ng) {
		*g = arena_realloc(a, *g, *ng * sizeof(**g), (*ng + 1) * sizeof(**g));
		(*g)[(*ng)++] = (struct subgroup){.name = cname};
	}
	chart_file sf = *f;
	sf.name = rest;
	add_file(a, &(*g)[i].files, &(*g)[i].n, sf);
}

static int load_requirements(arena *a, chart *c, const chart_file *f, const char **err)
{
	value v;
	const char *e;
	if (yaml_load_map(a, f->data, f->len, &v, &e) != 0) {
		*err = arena_sprintf(a, "cannot load requirements.yaml: %s", e);
		return -1;
	}
	value *deps = map_getc(v.u.m, "dependencies");
	if (deps && c->meta.kind == V_MAP) {
		map_setc(a, c->meta.u.m, "dependencies", *deps);
		typed_metadata(a, c->meta.u.m);
	}
	return 0;
}

static int classify(arena *a, chart *c, const chart_file *files, size_t n, struct subgroup **subs,
		    size_t *nsubs, const char **err)
{
	const chart_file *meta = NULL, *reqs = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].name, "Chart.yaml"))
			meta = &files[i];
	if (!meta) {
		*err = "Chart.yaml file is missing";
		return -1;
	}
	if (load_metadata(a, c, meta, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		chart_file f = files[i];
		size_t l = strlen(f.name);
		if (!strcmp(f.name, "Chart.yaml") || !strcmp(f.name, "Chart.lock")) {
			continue;
		} else if (!strcmp(f.name, "values.yaml")) {
			value v;
			const char *e;
			if (yaml_load_map(a, f.data, f.len, &v, &e) != 0) {
				*err = arena_sprintf(a, "cannot load values.yaml: %s", e);
				return -1;
			}
			c->values = v.u.m;
			c->raw_values = &files[i];
		} else if (!strcmp(f.name, "values.schema.json")) {
			if (json_parse_first(a, f.data, f.len, &c->schema, &c->schema_err) != 0)
				c->schema = v_nil();
			c->schema_src = f.data, c->schema_len = f.len;
		} else if (!strcmp(f.name, "requirements.yaml") ||
			   !strcmp(f.name, "requirements.lock")) {
			if (f.name[13] == 'y') {
				reqs = &files[i];
				if (strcmp(c->api_version,
					   "v1")) /* Helm's log.Printf, at load time */
					fputs("load.go:120: Warning: Dependencies are handled in "
					      "Chart.yaml since apiVersion \"v2\". We recommend "
					      "migrating dependencies to Chart.yaml.\n",
					      stderr);
			}
			if (!strcmp(c->api_version, "v1"))
				add_file(a, &c->files, &c->nfiles, f);
		} else if (!strncmp(f.name, "templates/", 10)) {
			add_file(a, &c->templates, &c->ntemplates, f);
		} else if (!strncmp(f.name, "charts/", 7) &&
			   !(l > 5 && !strcmp(f.name + l - 5, ".prov"))) {
			add_sub(a, subs, nsubs, &f);
		} else {
			add_file(a, &c->files, &c->nfiles, f);
		}
	}
	if (reqs && load_requirements(a, c, reqs, err) != 0)
		return -1;
	return validate_metadata(a, c, err);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t l = strlen(s), n = strlen(suffix);
	return l >= n && !strcmp(s + l - n, suffix);
}

/* One subchart: a .tgz, or a folder whose files lose their "NAME/" prefix. */
static int load_sub(arena *a, const char *parent, const struct subgroup *g, int depth, chart **out,
		    const char **err)
{
	if (ends_with(g->name, ".tgz")) {
		if (strcmp(g->files[0].name, g->name)) {
			*err = arena_sprintf(a, "error unpacking tar in %s: expected %s, got %s",
					     parent, g->name, g->files[0].name);
			return -2;
		}
		chart_file *files;
		size_t n;
		if (archive_read_chart_data(a, g->name, g->files[0].data, g->files[0].len, &files,
					    &n, err))
			return -1;
		return load_files(a, files, n, depth + 1, out, err);
	}
	chart_file *files = arena_alloc(a, (g->n + 1) * sizeof(chart_file));
	size_t n = 0;
	for (size_t i = 0; i < g->n; i++) {
		const char *slash = strchr(g->files[i].name, '/');
		if (!slash)
			continue;
		files[n] = g->files[i];
		files[n++].name = slash + 1;
	}
	return load_files(a, files, n, depth + 1, out, err);
}

/* Helm's loader removes a UTF-8 byte order mark from every file. */
static const chart_file *strip_boms(arena *a, const chart_file *files, size_t n)
{
	chart_file *copy = NULL;
	for (size_t i = 0; i < n; i++) {
		if (files[i].len < 3 || memcmp(files[i].data, "\xEF\xBB\xBF", 3))
			continue;
		if (!copy) {
			copy = arena_alloc(a, (n + 1) * sizeof(chart_file));
			memcpy(copy, files, n * sizeof(chart_file));
		}
		copy[i].data += 3;
		copy[i].len -= 3;
	}
	return copy ? copy : files;
}

static int load_files(arena *a, const chart_file *files, size_t n, int depth, chart **out,
		      const char **err)
{
	if (depth > MAX_DEPTH) {
		*err = "chart dependencies are nested too deeply";
		return -1;
	}
	files = strip_boms(a, files, n);
	chart *c = arena_alloc(a, sizeof(*c));
	c->values = v_map_new(a).u.m;
	struct subgroup *subs = NULL;
	size_t nsubs = 0;
	if (classify(a, c, files, n, &subs, &nsubs, err) != 0)
		return -1;
	c->values->gotype = GT_VALUES;
	c->deps = arena_alloc(a, (nsubs + 1) * sizeof(chart *));
	for (size_t i = 0; i < nsubs; i++) {
		if (subs[i].name[0] == '_' || subs[i].name[0] == '.')
			continue;
		chart *sc;
		int rc = load_sub(a, c->name, &subs[i], depth, &sc, err);
		if (rc != 0) {
			if (rc == -1)
				*err = arena_sprintf(a, "error unpacking subchart %s in %s: %s",
						     subs[i].name, c->name, *err);
			return -1;
		}
		sc->parent = c;
		c->deps[c->ndeps++] = sc;
	}
	*out = c;
	return 0;
}

int chart_load_files(arena *a, const chart_file *files, size_t n, chart **out, const char **err)
{
	return load_files(a, files, n, 0, out, err);
}

int chart_load_dir(arena *a, const char *dir, chart **out, const char **err)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		*err = arena_sprintf(a, "path \"%s\" not found", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return chart_load_archive(a, dir, out, err);
	struct walk w = {.a = a, .root = dir};
	if (load_helmignore(&w) != 0 || walk_dir(&w, "") != 0) {
		*err = w.err;
		return -1;
	}
	if (chart_load_files(a, w.files, w.n, out, err) != 0)
		return -1;
	(*out)->dir = dir;
	return 0;
}

int chart_load_archive(arena *a, const char *path, chart **out, const char **err)
{
	const char *data;
	size_t len;
	chart_file *files;
	size_t n;
	if (read_file(a, path, MAX_TOTAL_SIZE, &data, &len, err) != 0)
		return -1;
	char abs[PATH_MAX];
	const char *what = realpath(path, abs) ? arena_strdup(a, abs) : path;
	if (archive_read_chart(a, what, data, len, &files, &n, err) != 0)
		return -1;
	if (chart_load_files(a, files, n, out, err) != 0)
		return -1;
	(*out)->dir = path;
	return 0;
}

const char *chart_full_path(arena *a, const chart *c)
{
	if (!c->parent)
		return c->name;
	return arena_sprintf(a, "%s/charts/%s", chart_full_path(a, c->parent), c->name);
}
