/* repo.c - Helm's chart repository files, read and written as Helm 3.17.3 does.
 *
 * repositories.yaml (repo.File), the cached <name>-index.yaml and
 * <name>-charts.txt, index.yaml parsing with Helm's checks and newest-first
 * sorting, IndexFile.Get's constraint lookup, and helmpath's folder rules.
 * Indexes are kept as plain values (maps in JSON field names), as loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../functions/semver.h"
#include "../values/file.h"
#include "../values/json.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"
#include "repo.h"

const char *repo_strerror(arena *a, int e)
{
	return go_strerror(a, e);
}

/* ---- paths (helmpath's lazypath and cli.EnvSettings) ---- */

static const char *home_path(arena *a, const char *helm_var, const char *xdg_var,
			     const char *fallback)
{
	const char *v = getenv(helm_var);
	if (v && *v)
		return v;
	v = getenv(xdg_var);
	if (v && *v)
		return arena_sprintf(a, "%s/helm", v);
	const char *home = getenv("HOME");
	return arena_sprintf(a, "%s/%s/helm", home ? home : "", fallback);
}

const char *repo_config_home(arena *a)
{
	return home_path(a, "HELM_CONFIG_HOME", "XDG_CONFIG_HOME", ".config");
}

const char *repo_cache_home(arena *a)
{
	return home_path(a, "HELM_CACHE_HOME", "XDG_CACHE_HOME", ".cache");
}

const char *repo_config_file(arena *a, const char *flag)
{
	if (flag && *flag)
		return flag;
	const char *v = getenv("HELM_REPOSITORY_CONFIG");
	if (v && *v)
		return v;
	return arena_sprintf(a, "%s/repositories.yaml", repo_config_home(a));
}

const char *repo_cache_dir(arena *a, const char *flag)
{
	if (flag && *flag)
		return flag;
	const char *v = getenv("HELM_REPOSITORY_CACHE");
	if (v && *v)
		return v;
	return arena_sprintf(a, "%s/repository", repo_cache_home(a));
}

/* mkdir -p with mode 0755. */
static int mkdirs(arena *a, const char *dir)
{
	char *p = arena_strdup(a, dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

static const char *dir_of(arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return ".";
	return slash == path ? "/" : arena_strndup(a, path, (size_t)(slash - path));
}

static int read_file(arena *a, const char *path, char **data, size_t *len, const char **err)
{
	const char *d;
	if (file_read(a, path, &d, len, err) != 0)
		return -1;
	*data = (char *)d;
	return 0;
}

/* Writes data to path (created with mode; an existing file keeps its mode). */
static int write_file(arena *a, const char *path, const char *data, size_t len, int mode,
		      const char **err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0) {
		*err = arena_sprintf(a, "open %s: %s", path, repo_strerror(a, errno));
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			*err = arena_sprintf(a, "write %s: %s", path, repo_strerror(a, errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd)) {
		*err = arena_sprintf(a, "write %s: %s", path, repo_strerror(a, errno));
		return -1;
	}
	return 0;
}

/* ---- repositories.yaml ---- */

static const char *str_field(vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	return v && v->kind == V_STRING ? v->u.s : "";
}

static bool bool_field(vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	return v && v->kind == V_BOOL && v->u.b;
}

int repo_file_load(arena *a, const char *path, repo_file *f, bool *missing, const char **err)
{
	memset(f, 0, sizeof *f);
	f->api_version = "";
	f->generated = "0001-01-01T00:00:00Z";
	if (missing)
		*missing = false;
	char *data;
	size_t len;
	if (access(path, F_OK) && errno == ENOENT) {
		if (missing)
			*missing = true;
		return 0;
	}
	if (read_file(a, path, &data, &len, err))
		return -1;
	value root;
	if (yaml_load(a, data, len, &root, err))
		return -1;
	if (root.kind != V_MAP)
		return 0;
	vmap *m = root.u.m;
	f->api_version = str_field(m, "apiVersion");
	if (*str_field(m, "generated"))
		f->generated = str_field(m, "generated");
	value *list = map_getc(m, "repositories");
	if (!list || list->kind != V_LIST)
		return 0;
	for (uint32_t i = 0; i < list->u.l->len; i++) {
		value it = list->u.l->items[i];
		if (it.kind != V_MAP)
			continue;
		vmap *e = it.u.m;
		repo_entry r = {
		    .name = str_field(e, "name"),
		    .url = str_field(e, "url"),
		    .username = str_field(e, "username"),
		    .password = str_field(e, "password"),
		    .cert_file = str_field(e, "certFile"),
		    .key_file = str_field(e, "keyFile"),
		    .ca_file = str_field(e, "caFile"),
		    .insecure = bool_field(e, "insecure_skip_tls_verify"),
		    .pass_credentials = bool_field(e, "pass_credentials_all"),
		};
		repo_file_update(a, f, &r);
	}
	return 0;
}

int repo_file_write(arena *a, const char *path, const repo_file *f, const char **err)
{
	value root = v_map_new(a), list = v_list_new(a, (uint32_t)f->n);
	map_setc(a, root.u.m, "apiVersion", v_cstr(a, f->api_version));
	map_setc(a, root.u.m, "generated", v_cstr(a, f->generated));
	for (size_t i = 0; i < f->n; i++) {
		const repo_entry *e = &f->v[i];
		value m = v_map_new(a);
		map_setc(a, m.u.m, "caFile", v_cstr(a, e->ca_file));
		map_setc(a, m.u.m, "certFile", v_cstr(a, e->cert_file));
		map_setc(a, m.u.m, "insecure_skip_tls_verify", v_bool(e->insecure));
		map_setc(a, m.u.m, "keyFile", v_cstr(a, e->key_file));
		map_setc(a, m.u.m, "name", v_cstr(a, e->name));
		map_setc(a, m.u.m, "pass_credentials_all", v_bool(e->pass_credentials));
		map_setc(a, m.u.m, "password", v_cstr(a, e->password));
		map_setc(a, m.u.m, "url", v_cstr(a, e->url));
		map_setc(a, m.u.m, "username", v_cstr(a, e->username));
		list_push(a, list.u.l, m);
	}
	map_setc(a, root.u.m, "repositories", list);
	strbuf sb;
	sb_init(&sb, a);
	if (yaml_emit(&sb, root, err))
		return -1;
	if (mkdirs(a, dir_of(a, path))) {
		*err = arena_sprintf(a, "mkdir %s: %s", dir_of(a, path), repo_strerror(a, errno));
		return -1;
	}
	return write_file(a, path, sb_str(&sb), sb.len, 0600, err);
}

repo_entry *repo_file_get(repo_file *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

void repo_file_update(arena *a, repo_file *f, const repo_entry *e)
{
	repo_entry *old = repo_file_get(f, e->name);
	if (old) {
		*old = *e;
		return;
	}
	if (f->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 8;
		f->v = arena_realloc(a, f->v, f->cap * sizeof *f->v, nc * sizeof *f->v);
		f->cap = nc;
	}
	f->v[f->n++] = *e;
}

bool repo_file_remove(repo_file *f, const char *name)
{
	repo_entry *e = repo_file_get(f, name);
	if (!e)
		return false;
	size_t i = (size_t)(e - f->v);
	memmove(f->v + i, f->v + i + 1, (f->n - i - 1) * sizeof *f->v);
	f->n--;
	return true;
}

bool repo_entry_equal(const repo_entry *x, const repo_entry *y)
{
	return !strcmp(x->name, y->name) && !strcmp(x->url, y->url) &&
	       !strcmp(x->username, y->username) && !strcmp(x->password, y->password) &&
	       !strcmp(x->cert_file, y->cert_file) && !strcmp(x->key_file, y->key_file) &&
	       !strcmp(x->ca_file, y->ca_file) && x->insecure == y->insecure &&
	       x->pass_credentials == y->pass_credentials;
}

int repo_lock(arena *a, const char *config_file)
{
	const char *base = strrchr(config_file, '/');
	base = base ? base + 1 : config_file;
	const char *dot = strrchr(base, '.');
	const char *lock =
	    dot ? arena_sprintf(a, "%.*s.lock", (int)(dot - config_file), config_file)
		: arena_sprintf(a, "%s.lock", config_file);
	if (mkdirs(a, dir_of(a, lock)))
		return -1;
	int fd = open(lock, O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		return -1;
	for (int i = 0; i < 300; i++) {
		if (!flock(fd, LOCK_EX | LOCK_NB))
			return fd;
		usleep(100000);
	}
	close(fd);
	return -1;
}

http_opts repo_http_opts(const repo_entry *e)
{
	return (http_opts){
	    .ca_file = e->ca_file,
	    .cert_file = e->cert_file,
	    .key_file = e->key_file,
	    .insecure = e->insecure,
	    .username = e->username,
	    .password = e->password,
	};
}

/* ---- versions ---- */

typedef struct ver {
	unsigned long long n[3];
	const char *pre; /* "" when none; ends at '+' or NUL */
	size_t prelen;
} ver;

static bool ver_parse(const char *s, ver *v)
{
	memset(v, 0, sizeof *v);
	v->pre = "";
	if (*s == 'v')
		s++;
	for (int i = 0; i < 3; i++) {
		if (i && *s != '.')
			break;
		if (i)
			s++;
		if (*s < '0' || *s > '9')
			return false;
		v->n[i] = strtoull(s, (char **)&s, 10);
	}
	if (*s == '-') {
		v->pre = ++s;
		v->prelen = strcspn(s, "+");
		s += v->prelen;
	}
	return *s == 0 || *s == '+';
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

static int pre_cmp(const char *x, size_t xn, const char *y, size_t yn)
{
	if (!xn || !yn)
		return xn == yn ? 0 : xn ? -1 : 1;
	while (xn || yn) {
		if (!xn || !yn)
			return xn ? 1 : -1;
		size_t xi = strcspn(x, "."), yi = strcspn(y, ".");
		xi = xi < xn ? xi : xn;
		yi = yi < yn ? yi : yn;
		bool xd = all_digits(x, xi), yd = all_digits(y, yi);
		int c;
		if (xd && yd) {
			unsigned long long p = strtoull(x, NULL, 10), q = strtoull(y, NULL, 10);
			c = p < q ? -1 : p > q;
		} else if (xd || yd) {
			c = xd ? -1 : 1;
		} else {
			c = strncmp(x, y, xi < yi ? xi : yi);
			if (!c)
				c = xi < yi ? -1 : xi > yi;
		}
		if (c)
			return c < 0 ? -1 : 1;
		x += xi, xn -= xi, y += yi, yn -= yi;
		if (xn)
			x++, xn--;
		if (yn)
			y++, yn--;
	}
	return 0;
}

int repo_version_cmp(arena *a, const char *x, const char *y)
{
	ver p, q;
	bool okp = semver_valid(a, x) && ver_parse(x, &p),
	     okq = semver_valid(a, y) && ver_parse(y, &q);
	if (!okp || !okq)
		return okp == okq ? 0 : okp ? 1 : -1;
	for (int i = 0; i < 3; i++)
		if (p.n[i] != q.n[i])
			return p.n[i] < q.n[i] ? -1 : 1;
	return pre_cmp(p.pre, p.prelen, q.pre, q.prelen);
}

/* ---- index files ---- */

static const char *version_of(value v)
{
	if (v.kind != V_MAP)
		return "";
	return str_field(v.u.m, "version");
}

void repo_index_sort(arena *a, value index)
{
	value *entries = index.kind == V_MAP ? map_getc(index.u.m, "entries") : NULL;
	if (!entries || entries->kind != V_MAP)
		return;
	for (uint32_t i = 0; i < entries->u.m->len; i++) {
		value l = entries->u.m->e[i].val;
		if (l.kind != V_LIST)
			continue;
		value *it = l.u.l->items;
		/* insertion sort: stable, newest first */
		for (uint32_t j = 1; j < l.u.l->len; j++) {
			value t = it[j];
			uint32_t k = j;
			while (k > 0 &&
			       repo_version_cmp(a, version_of(it[k - 1]), version_of(t)) < 0) {
				it[k] = it[k - 1];
				k--;
			}
			it[k] = t;
		}
	}
}

/* Keeps the versions Helm's loadIndex keeps: maps with a name and a valid version. */
static void index_clean(arena *a, vmap *entries)
{
	for (uint32_t i = 0; i < entries->len; i++) {
		value *l = &entries->e[i].val;
		if (l->kind != V_LIST) {
			*l = v_list_new(a, 0);
			continue;
		}
		uint32_t w = 0;
		for (uint32_t j = 0; j < l->u.l->len; j++) {
			value cv = l->u.l->items[j];
			if (cv.kind != V_MAP || !*str_field(cv.u.m, "name") ||
			    !semver_valid(a, version_of(cv)))
				continue;
			if (!*str_field(cv.u.m, "apiVersion"))
				map_setc(a, cv.u.m, "apiVersion", v_str_static("v1", 2));
			l->u.l->items[w++] = cv;
		}
		l->u.l->len = w;
	}
}

int repo_index_parse(arena *a, const char *data, size_t len, value *index, const char **err)
{
	if (len == 0) {
		*err = "empty index.yaml file";
		return -1;
	}
	if (yaml_load(a, data, len, index, err))
		return -1;
	if (index->kind == V_NIL)
		*index = v_map_new(a);
	if (index->kind != V_MAP) {
		*err = arena_sprintf(a,
				     "error unmarshaling JSON: while decoding JSON: json: cannot "
				     "unmarshal %s into Go "
				     "value of type repo.IndexFile",
				     json_type_name(*index));
		return -1;
	}
	value *entries = map_getc(index->u.m, "entries");
	if (entries && entries->kind == V_MAP)
		index_clean(a, entries->u.m);
	repo_index_sort(a, *index);
	if (!*str_field(index->u.m, "apiVersion")) {
		*err = "no API version specified";
		return -1;
	}
	return 0;
}

int repo_index_load(arena *a, const char *path, value *index, const char **err)
{
	char *data;
	size_t len;
	if (read_file(a, path, &data, &len, err))
		return -1;
	if (repo_index_parse(a, data, len, index, err)) {
		*err = arena_sprintf(a, "error loading %s: %s", path, *err);
		return -1;
	}
	return 0;
}

vmap *repo_index_get(arena *a, value index, const char *name, const char *version, const char **err)
{
	value *entries = map_getc(index.u.m, "entries");
	value *l = entries && entries->kind == V_MAP ? map_getc(entries->u.m, name) : NULL;
	if (!l) {
		*err = "no chart name found";
		return NULL;
	}
	if (l->kind != V_LIST || !l->u.l->len) {
		*err = "no chart version found";
		return NULL;
	}
	const char *cons = *version ? version : "*";
	bool ok;
	if (semver_check(a, cons, "0.0.0", &ok, err))
		return NULL;
	if (*version)
		for (uint32_t i = 0; i < l->u.l->len; i++)
			if (!strcmp(version_of(l->u.l->items[i]), version))
				return l->u.l->items[i].u.m;
	for (uint32_t i = 0; i < l->u.l->len; i++) {
		const char *v = version_of(l->u.l->items[i]);
		const char *e2;
		if (!semver_check(a, cons, v, &ok, &e2) && ok)
			return l->u.l->items[i].u.m;
	}
	*err = arena_sprintf(a, "no chart version found for %s-%s", name, version);
	return NULL;
}

/* Splits a URL into "scheme://host", path and "?query" (without the fragment). */
static void url_split(arena *a, const char *url, const char **prefix, const char **path,
		      const char **query)
{
	const char *sep = strstr(url, "://");
	const char *p = sep ? sep + 3 + strcspn(sep + 3, "/?#") : url;
	*prefix = arena_strndup(a, url, (size_t)(p - url));
	size_t pl = strcspn(p, "?#");
	*path = arena_strndup(a, p, pl);
	*query = p[pl] == '?' ? arena_strndup(a, p + pl, strcspn(p + pl, "#")) : "";
}

/* Removes "." and ".." segments (RFC 3986 5.2.4), keeping a trailing slash. */
static const char *clean_path(arena *a, const char *p)
{
	strbuf out;
	sb_init(&out, a);
	while (*p) {
		size_t n = strcspn(p + 1, "/") + 1; /* one "/seg" */
		if (*p != '/')
			n = strcspn(p, "/");
		const char *seg = *p == '/' ? p + 1 : p;
		size_t sl = n - (size_t)(seg - p);
		if (sl == 1 && seg[0] == '.') {
			if (!p[n])
				sb_addc(&out, '/');
		} else if (sl == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out.len && out.buf[out.len - 1] != '/')
				out.len--;
			if (out.len)
				out.len--;
			if (!p[n])
				sb_addc(&out, '/');
		} else {
			sb_addc(&out, '/');
			sb_add(&out, seg, sl);
		}
		p += n;
	}
	return out.len ? sb_str(&out) : "/";
}

const char *repo_resolve_url(arena *a, const char *base, const char *ref)
{
	size_t sl =
	    strspn(ref, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	if (sl > 0 && ref[sl] == ':')
		return ref;
	const char *prefix, *path, *query, *rp, *rpath, *rq;
	url_split(a, base, &prefix, &path, &query);
	url_split(a, ref, &rp, &rpath, &rq);
	if (!strncmp(ref, "//", 2)) {
		const char *sep = strstr(base, "://");
		return arena_sprintf(a, "%.*s:%s%s", sep ? (int)(sep - base) : 0, base, ref, query);
	}
	const char *joined;
	if (rpath[0] == '/') {
		joined = rpath;
	} else {
		size_t pl = strlen(path);
		while (pl && path[pl - 1] == '/')
			pl--;
		joined = arena_sprintf(a, "%.*s/%s", (int)pl, path, rpath);
	}
	return arena_sprintf(a, "%s%s%s", prefix, clean_path(a, joined), query);
}

const char *repo_url_scheme(arena *a, const char *url)
{
	size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	if (n && url[n] == ':' && ((url[0] | 0x20) >= 'a' && (url[0] | 0x20) <= 'z'))
		return arena_strndup(a, url, n);
	return url[strcspn(url, "/:")] == ':' ? NULL : "";
}

int repo_check_url(arena *a, const char *url, const char **err)
{
	const char *scheme = repo_url_scheme(a, url);
	if (!scheme) {
		*err = arena_sprintf(a, "invalid chart URL format: %s", http_redact(a, url));
		return -1;
	}
	if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
		*err = arena_sprintf(a, "could not find protocol handler for: %s", scheme);
		return -1;
	}
	return 0;
}

int repo_download_index(arena *a, const repo_entry *e, const char *cache_dir, const char *name,
			value *index, const char **err)
{
	if (repo_check_url(a, e->url, err))
		return -1;
	const char *prefix, *path, *query;
	url_split(a, e->url, &prefix, &path, &query);
	size_t pl = strlen(path);
	while (pl && path[pl - 1] == '/')
		pl--;
	const char *url =
	    arena_sprintf(a, "%s%s%s", prefix,
			  clean_path(a, arena_sprintf(a, "%.*s/index.yaml", (int)pl, path)), query);
	http_opts o = repo_http_opts(e);
	char *data;
	size_t len;
	value idx;
	if (http_get(a, url, &o, &data, &len, err) || repo_index_parse(a, data, len, &idx, err))
		return -1;
	if (index)
		*index = idx;
	if (!name)
		return 0;
	strbuf names;
	sb_init(&names, a);
	value *entries = map_getc(idx.u.m, "entries");
	for (uint32_t i = 0; entries && entries->kind == V_MAP && i < entries->u.m->len; i++)
		sb_addf(&names, "%s\n", entries->u.m->e[i].key);
	if (mkdirs(a, cache_dir)) {
		*err = arena_sprintf(a, "mkdir %s: %s", cache_dir, repo_strerror(a, errno));
		return -1;
	}
	if (write_file(a, arena_sprintf(a, "%s/%s-charts.txt", cache_dir, name), sb_str(&names),
		       names.len, 0644, err))
		return -1;
	return write_file(a, arena_sprintf(a, "%s/%s-index.yaml", cache_dir, name), data, len, 0644,
			  err);
}

const char *repo_now(arena *a)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	char date[64], frac[16] = "", zone[40] = "Z";
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	if (ts.tv_nsec) {
		snprintf(frac, sizeof frac, ".%09ld", ts.tv_nsec);
		for (size_t n = strlen(frac); n > 1 && frac[n - 1] == '0'; n--)
			frac[n - 1] = 0;
	}
	if (tm.tm_gmtoff) {
		long off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
		snprintf(zone, sizeof zone, "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+',
			 off / 3600, off / 60 % 60);
	}
	return arena_sprintf(a, "%s%s%s", date, frac, zone);
}

/* ---- chart references (ChartPathOptions.LocateChart) ---- */

/* The first download URL of a chart version, or NULL. */
static const char *first_url(vmap *cv)
{
	value *u = map_getc(cv, "urls");
	if (!u || u->kind != V_LIST || !u->u.l->len || u->u.l->items[0].kind != V_STRING)
		return NULL;
	return u->u.l->items[0].u.s;
}

/* The digest the index gives, when it is a SHA-256 in hex (Helm checks none). */
static const char *hex_digest(vmap *cv)
{
	const char *d = str_field(cv, "digest");
	return strlen(d) == 64 && strspn(d, "0123456789abcdefABCDEF") == 64 ? d : "";
}

/* repo.FindChartInAuthAndTLSAndPassRepoURL: name in the repository at o->repo_url. */
static int locate_in_url(arena *a, const char *name, const repo_locate_opts *o, const char **url,
			 const char **digest, const char **err)
{
	repo_entry e = {.name = "",
			.url = o->repo_url,
			.username = o->username ? o->username : "",
			.password = o->password ? o->password : "",
			.cert_file = o->cert_file ? o->cert_file : "",
			.key_file = o->key_file ? o->key_file : "",
			.ca_file = o->ca_file ? o->ca_file : "",
			.insecure = o->insecure};
	value idx;
	const char *e2;
	if (repo_download_index(a, &e, NULL, NULL, &idx, &e2)) {
		*err = arena_sprintf(
		    a, "looks like \"%s\" is not a valid chart repository or cannot be reached: %s",
		    http_redact(a, o->repo_url), e2);
		return -1;
	}
	const char *what = *o->version
			       ? arena_sprintf(a, "chart \"%s\" version \"%s\"", name, o->version)
			       : arena_sprintf(a, "chart \"%s\"", name);
	vmap *cv = repo_index_get(a, idx, name, o->version, &e2);
	if (!cv) {
		*err = arena_sprintf(a, "%s not found in %s repository", what,
				     http_redact(a, o->repo_url));
		return -1;
	}
	if (!first_url(cv)) {
		*err = arena_sprintf(a, "%s has no downloadable URLs", what);
		return -1;
	}
	*url = repo_resolve_url(a, o->repo_url, first_url(cv));
	*digest = hex_digest(cv);
	return 0;
}

repo_entry *repo_for_ref(arena *a, repo_file *f, const char *ref, const char **chart,
			 const char **err)
{
	const char *slash = strchr(ref, '/');
	if (!slash) {
		*err = arena_sprintf(
		    a, "non-absolute URLs should be in form of repo_name/path_to_chart, got: %s",
		    ref);
		return NULL;
	}
	const char *name = arena_strndup(a, ref, (size_t)(slash - ref));
	repo_entry *e = repo_file_get(f, name);
	if (!e)
		*err = arena_sprintf(a, "repo %s not found", name);
	else if (!*e->url)
		*err = arena_sprintf(a, "no URL found for repository %s", name);
	*chart = slash + 1;
	return e && *e->url ? e : NULL;
}

/* ChartDownloader.ResolveChartVersion for "repo/chart": the cached index of repo. */
static int locate_in_repo(arena *a, const char *ref, const repo_locate_opts *o, http_opts *h,
			  const char **url, const char **digest, const char **err)
{
	repo_file f;
	if (repo_file_load(a, repo_config_file(a, o->repo_config), &f, NULL, err))
		return -1;
	const char *cname;
	repo_entry *e = repo_for_ref(a, &f, ref, &cname, err);
	if (!e)
		return -1;
	const char *rname = e->name;
	value idx;
	const char *e2;
	const char *path =
	    arena_sprintf(a, "%s/%s-index.yaml", repo_cache_dir(a, o->repo_cache), rname);
	if (repo_index_load(a, path, &idx, &e2)) {
		*err = arena_sprintf(a, "no cached repo found. (try 'helm repo update'): %s", e2);
		return -1;
	}
	vmap *cv = repo_index_get(a, idx, cname, o->version, &e2);
	if (!cv) {
		*err = arena_sprintf(
		    a,
		    "chart \"%s\" matching %s not found in %s index. (try 'helm repo update'): %s",
		    cname, o->version, rname, e2);
		return -1;
	}
	if (!first_url(cv)) {
		*err = arena_sprintf(a, "chart \"%s\" has no downloadable URLs", ref);
		return -1;
	}
	*url = repo_resolve_url(a, e->url, first_url(cv));
	*digest = hex_digest(cv);
	*h = repo_http_opts(e);
	return 0;
}

int repo_locate_chart(arena *a, const char *name, const repo_locate_opts *o, const char **path,
		      const char **err)
{
	struct stat st;
	if (!stat(name, &st)) {
		*path = name;
		return 0;
	}
	if (name[0] == '/' || name[0] == '.') {
		*err = arena_sprintf(a, "path \"%s\" not found", name);
		return -1;
	}
	if (!strncmp(name, "oci://", 6)) {
		*err = "oci:// charts are not supported by render yet";
		return -1;
	}
	const char *url = name, *digest = "";
	http_opts h = {.username = o->username,
		       .password = o->password,
		       .ca_file = o->ca_file,
		       .cert_file = o->cert_file,
		       .key_file = o->key_file,
		       .insecure = o->insecure};
	const char *scheme = repo_url_scheme(a, name);
	if (o->repo_url && *o->repo_url) {
		if (locate_in_url(a, name, o, &url, &digest, err))
			return -1;
	} else if (!scheme || !*scheme) {
		if (locate_in_repo(a, name, o, &h, &url, &digest, err))
			return -1;
	} else if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
		*err = arena_sprintf(a, "scheme \"%s\" not supported", scheme);
		return -1;
	}
	h.accept = "application/gzip,application/octet-stream";
	h.max_size = (size_t)100 << 20;
	const char *cache = repo_cache_dir(a, o->repo_cache);
	size_t n = strcspn(url, "?#");
	const char *base = url + n;
	while (base > url && base[-1] != '/')
		base--;
	if (base == url + n ||
	    (base[0] == '.' && (base + 1 == url + n || (base[1] == '.' && base + 2 == url + n)))) {
		*err = arena_sprintf(a, "invalid chart URL format: %s", http_redact(a, url));
		return -1;
	}
	if (mkdirs(a, cache)) {
		*err = arena_sprintf(a, "mkdir %s: %s", cache, repo_strerror(a, errno));
		return -1;
	}
	const char *dest = arena_sprintf(a, "%s/%.*s", cache, (int)(url + n - base), base);
	if (http_get_file(a, url, &h, dest, digest, err))
		return -1;
	*path = dest;
	return 0;
}
