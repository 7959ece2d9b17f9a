/* dependency.c - `render dependency list|update|build [CHART]`.
 * list: each dependency declared in Chart.yaml with its status in charts/, as
 * `helm dependency list` prints it (pkg/action/dependency.go), then warnings
 * for charts/ entries Chart.yaml does not declare. update and build: Helm's
 * downloader.Manager (resolve versions from repository indexes or an OCI
 * registry's tags, fetch or package each dependency into charts/ through a
 * temporary folder, write Chart.lock with HashReq's digest). */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../chart/chart.h"
#include "../chart/deps.h"
#include "../chart/package.h"
#include "../functions/semver.h"
#include "../net/oci.h"
#include "../net/repo.h"
#include "../values/gofmt.h"
#include "../values/json.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"
#include "dependency.h"
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
		if (stat(f, &st) != 0 ||
		    (!S_ISDIR(st.st_mode) && (l < 4 || strcmp(f + l - 4, ".tgz"))))
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
	uitable t;
	uitable_init(&t, a, 4, 80);
	uitable_row(&t, (const char *[]){"NAME", "VERSION", "REPOSITORY", "STATUS"});
	for (uint32_t i = 0; i < deps->u.l->len; i++) {
		const vmap *d =
		    deps->u.l->items[i].kind == V_MAP ? deps->u.l->items[i].u.m : v_map_new(a).u.m;
		const char *name = dep_str(d, "name"), *version = dep_str(d, "version");
		uitable_row(&t, (const char *[]){name, version, dep_str(d, "repository"),
						 status(a, dir, c, name, version)});
	}
	uitable_write(&t, out);
	sb_addc(out, '\n');
	print_missing(a, dir, deps, out);
	return 0;
}

/* filepath.Clean. */
static const char *go_clean(arena *a, const char *p)
{
	bool abs = p[0] == '/';
	const char **seg = arena_alloc(a, (strlen(p) / 2 + 2) * sizeof(char *));
	size_t n = 0, dots = 0;
	for (const char *s = p; *s;) {
		size_t l = strcspn(s, "/");
		const char *x = arena_strndup(a, s, l);
		if (!l || !strcmp(x, ".")) {
			/* nothing */
		} else if (!strcmp(x, "..")) {
			if (n > dots)
				n--;
			else if (!abs)
				seg[n++] = x, dots++;
		} else {
			seg[n++] = x;
		}
		s += l;
		while (*s == '/')
			s++;
	}
	strbuf sb;
	sb_init(&sb, a);
	if (abs)
		sb_addc(&sb, '/');
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? "/" : "", seg[i]);
	if (!sb.len)
		sb_addc(&sb, '.');
	return sb_str(&sb);
}

/* The time prefix of Go's log package: "2009/11/10 23:00:00". */
static const char *log_time(arena *a)
{
	time_t t = time(NULL);
	struct tm tm;
	char buf[32];
	localtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y/%m/%d %H:%M:%S", &tm);
	return arena_strdup(a, buf);
}

/* ---- update and build: Helm's downloader.Manager ---- */

/* chart.Dependency as the manager handles it. */
typedef struct dep {
	const char *name, *version, *repository, *condition, *alias;
	value tags, import_values; /* V_NIL when absent */
	bool enabled;
	const char *repo_name; /* the repositories.yaml entry (or helm-manager-...), or NULL */
} dep;

typedef struct deplist {
	dep *v;
	size_t n;
	bool nil; /* Go's nil slice: no dependencies key at all */
} deplist;

typedef struct lockfile {
	deplist deps;
	const char *digest, *generated;
} lockfile;

typedef struct mgr {
	arena *a;
	const char *dir, *repo_config, *repo_cache;
	FILE *out; /* NULL: io.Discard */
	bool skip_refresh, debug;
	oci_opts oci; /* the registry client of oci:// dependencies */
	repo_file rf;
	bool rf_missing;
} mgr;

static void say(const mgr *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const mgr *m, const char *fmt, ...)
{
	if (!m->out)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(m->out, fmt, ap);
	va_end(ap);
	fflush(m->out);
}

static deplist deps_of(arena *a, value list)
{
	deplist l = {.nil = list.kind != V_LIST};
	if (l.nil)
		return l;
	l.v = arena_alloc(a, (list.u.l->len + 1) * sizeof(dep));
	for (uint32_t i = 0; i < list.u.l->len; i++) {
		value it = list.u.l->items[i];
		const vmap *d = it.kind == V_MAP ? it.u.m : v_map_new(a).u.m;
		value *t = map_getc(d, "tags"), *iv = map_getc(d, "import-values"),
		      *en = map_getc(d, "enabled");
		l.v[l.n++] = (dep){
		    .name = dep_str(d, "name"),
		    .version = dep_str(d, "version"),
		    .repository = dep_str(d, "repository"),
		    .condition = dep_str(d, "condition"),
		    .alias = dep_str(d, "alias"),
		    .tags = t && t->kind == V_LIST ? *t : v_nil(),
		    .import_values = iv && iv->kind == V_LIST ? *iv : v_nil(),
		    .enabled = en && en->kind == V_BOOL && en->u.b,
		};
	}
	return l;
}

/* json.Marshal of one chart.Dependency (struct order, omitempty). */
static int dep_json(strbuf *sb, const dep *d, const char **err)
{
	sb_adds(sb, "{\"name\":");
	json_quote(sb, d->name, strlen(d->name), true);
	if (*d->version) {
		sb_adds(sb, ",\"version\":");
		json_quote(sb, d->version, strlen(d->version), true);
	}
	sb_adds(sb, ",\"repository\":");
	json_quote(sb, d->repository, strlen(d->repository), true);
	if (*d->condition) {
		sb_adds(sb, ",\"condition\":");
		json_quote(sb, d->condition, strlen(d->condition), true);
	}
	if (d->tags.kind == V_LIST && d->tags.u.l->len) {
		sb_adds(sb, ",\"tags\":");
		if (json_emit(sb, d->tags, err))
			return -1;
	}
	if (d->enabled)
		sb_adds(sb, ",\"enabled\":true");
	if (d->import_values.kind == V_LIST && d->import_values.u.l->len) {
		sb_adds(sb, ",\"import-values\":");
		if (json_emit(sb, d->import_values, err))
			return -1;
	}
	if (*d->alias) {
		sb_adds(sb, ",\"alias\":");
		json_quote(sb, d->alias, strlen(d->alias), true);
	}
	sb_addc(sb, '}');
	return 0;
}

static int deps_json(strbuf *sb, const deplist *l, const char **err)
{
	if (l->nil) {
		sb_adds(sb, "null");
		return 0;
	}
	sb_addc(sb, '[');
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			sb_addc(sb, ',');
		if (dep_json(sb, &l->v[i], err))
			return -1;
	}
	sb_addc(sb, ']');
	return 0;
}

/* resolver.HashReq: sha256 of json.Marshal([2][]*Dependency{req, lock}). */
static const char *hash_req(arena *a, const deplist *req, const deplist *lock)
{
	strbuf sb;
	const char *err;
	sb_init(&sb, a);
	sb_addc(&sb, '[');
	if (deps_json(&sb, req, &err))
		return "";
	sb_addc(&sb, ',');
	if (deps_json(&sb, lock, &err))
		return "";
	sb_addc(&sb, ']');
	return arena_sprintf(a, "sha256:%s", http_sha256_hex(a, sb.buf, sb.len));
}

/* resolver.HashV2Req: sha256 of json.Marshal({"dependencies": req}). */
static const char *hash_v2_req(arena *a, const deplist *req)
{
	strbuf sb;
	const char *err;
	sb_init(&sb, a);
	sb_adds(&sb, "{\"dependencies\":");
	if (deps_json(&sb, req, &err))
		return "";
	sb_addc(&sb, '}');
	return arena_sprintf(a, "sha256:%s", http_sha256_hex(a, sb.buf, sb.len));
}

static bool is_v1(const chart *c)
{
	return c->api_version && !strcmp(c->api_version, "v1");
}

/* Chart.lock (requirements.lock for apiVersion v1): 0 with *lock, 1 when absent. */
static int lock_load(mgr *m, const chart *c, lockfile *lock, const char **err)
{
	arena *a = m->a;
	const char *name = is_v1(c) ? "requirements.lock" : "Chart.lock";
	const char *path = join(a, m->dir, name), *data;
	size_t len;
	if (access(path, F_OK))
		return 1;
	if (read_whole_file(a, path, &data, &len, err))
		return -1;
	value v;
	const char *e;
	if (yaml_load_map(a, data, len, &v, &e)) {
		*err = arena_sprintf(a, "cannot load %s: %s", name, e);
		return -1;
	}
	value *deps = map_getc(v.u.m, "dependencies");
	lock->deps = deps_of(a, deps ? *deps : v_nil());
	lock->digest = dep_str(v.u.m, "digest");
	lock->generated = dep_str(v.u.m, "generated");
	return 0;
}

/* writeLock: sigs.k8s.io/yaml of chart.Lock. */
static int lock_write(mgr *m, const chart *c, const lockfile *lock, const char **err)
{
	arena *a = m->a;
	value root = v_map_new(a), list = lock->deps.nil ? v_nil() : v_list_new(a, 0);
	for (size_t i = 0; i < lock->deps.n; i++) {
		const dep *d = &lock->deps.v[i];
		value e = v_map_new(a);
		map_setc(a, e.u.m, "name", v_cstr(a, d->name));
		map_setc(a, e.u.m, "repository", v_cstr(a, d->repository));
		if (*d->version)
			map_setc(a, e.u.m, "version", v_cstr(a, d->version));
		list_push(a, list.u.l, e);
	}
	map_setc(a, root.u.m, "dependencies", list);
	map_setc(a, root.u.m, "digest", v_cstr(a, lock->digest));
	map_setc(a, root.u.m, "generated", v_cstr(a, lock->generated));
	strbuf sb;
	sb_init(&sb, a);
	if (yaml_emit(&sb, root, err))
		return -1;
	const char *path = join(a, m->dir, is_v1(c) ? "requirements.lock" : "Chart.lock");
	const char *tmp = arena_sprintf(a, "%s.tmp-%d", path, (int)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		*err = arena_sprintf(a, "open %s: %s", path, repo_strerror(a, errno));
		return -1;
	}
	bool bad = fwrite(sb.buf, 1, sb.len, f) != sb.len;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path)) {
		*err = arena_sprintf(a, "write %s: %s", path, repo_strerror(a, errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* resolver.GetLocalPath: the folder a file:// repository names, which must exist. */
static const char *local_path(arena *a, const char *repo, const char *chartpath, const char **err)
{
	const char *p = !strncmp(repo, "file://", 7) ? repo + 7 : repo;
	const char *full = p[0] == '/' ? go_clean(a, p) : go_clean(a, join(a, chartpath, p));
	struct stat st;
	if (stat(full, &st)) {
		*err = errno == ENOENT
			   ? arena_sprintf(a, "directory %s not found", full)
			   : arena_sprintf(a, "stat %s: %s", full, repo_strerror(a, errno));
		return NULL;
	}
	return full;
}

/* urlutil.Equal, for the URLs repositories use: a trailing slash does not count. */
static bool url_equal(const char *x, const char *y)
{
	size_t n = strlen(x), k = strlen(y);
	while (n && x[n - 1] == '/')
		n--;
	while (k && y[k - 1] == '/')
		k--;
	return n == k && !strncmp(x, y, n);
}

/* url.ParseRequestURI succeeds: an absolute URL or an absolute path. */
static bool request_uri(arena *a, const char *s)
{
	const char *scheme = repo_url_scheme(a, s);
	return s[0] == '/' || (scheme && *scheme);
}

static int load_repos(mgr *m, const char **err)
{
	return repo_file_load(m->a, repo_config_file(m->a, m->repo_config), &m->rf, &m->rf_missing,
			      err);
}

/* resolveRepoNames: each dependency's repository entry; "@name" and
 * "alias:name" are replaced by the entry's URL. */
static int resolve_repo_names(mgr *m, deplist *req, const char **err)
{
	arena *a = m->a;
	strbuf missing;
	bool non_url = false;
	sb_init(&missing, a);
	for (size_t i = 0; i < req->n; i++) {
		dep *d = &req->v[i];
		d->repo_name = NULL;
		if (!*d->repository)
			continue;
		if (!strncmp(d->repository, "file://", 7)) {
			if (!local_path(a, d->repository, m->dir, err))
				return -1;
			if (m->debug)
				say(m, "Repository from local path: %s\n", d->repository);
			d->repo_name = d->repository;
			continue;
		}
		if (!strncmp(d->repository, "oci://", 6)) {
			d->repo_name = d->repository;
			continue;
		}
		for (size_t k = 0; k < m->rf.n && !d->repo_name; k++) {
			const repo_entry *e = &m->rf.v[k];
			const char *r = d->repository;
			if ((r[0] == '@' && !strcmp(r + 1, e->name)) ||
			    (!strncmp(r, "alias:", 6) && !strcmp(r + 6, e->name))) {
				d->repository = e->url;
				d->repo_name = e->name;
			} else if (url_equal(e->url, r)) {
				d->repo_name = e->name;
			}
		}
		if (d->repo_name || request_uri(a, d->repository))
			continue;
		sb_addf(&missing, "%s%s", missing.len ? ", " : "", d->repository);
		if (!strstr(d->repository, "//") && d->repository[0] != '@' &&
		    strncmp(d->repository, "alias:", 6))
			non_url = true;
	}
	if (!missing.len)
		return 0;
	*err = arena_sprintf(
	    a, "no repository definition for %s. Please add them via 'helm repo add'%s",
	    sb_str(&missing),
	    non_url ? "\nNote that repositories must be URLs or aliases. For example, to refer to "
		      "the \"example\"\n"
		      "repository, use \"https://charts.example.com/\" or \"@example\" instead of\n"
		      "\"example\". Don't forget to add the repo, too ('helm repo add')."
		    : "");
	return -1;
}

/* parallelRepoUpdate, one repository after the other. */
static void repo_update(mgr *m, const repo_entry *e, bool managed)
{
	const char *err;
	const char *cache = repo_cache_dir(m->a, m->repo_cache);
	if (repo_download_index(m->a, e, cache, e->name, NULL, &err)) {
		if (managed)
			say(m,
			    "...Unable to get an update from the \"%s\" chart repository:\n\t%s\n",
			    e->url, err);
		else
			say(m,
			    "...Unable to get an update from the \"%s\" chart repository "
			    "(%s):\n\t%s\n",
			    e->name, e->url, err);
	} else {
		say(m, "...Successfully got an update from the \"%s\" chart repository\n",
		    managed ? e->url : e->name);
	}
}

/* ensureMissingRepos: repositories given by URL only get a cached index
 * under the name helm-manager-<sha256 of the URL>. */
static int ensure_missing_repos(mgr *m, deplist *req, const char **err)
{
	arena *a = m->a;
	repo_entry *ru = arena_alloc(a, (req->n + 1) * sizeof(repo_entry));
	size_t n = 0;
	for (size_t i = 0; i < req->n; i++) {
		dep *d = &req->v[i];
		if (!*d->repository || d->repo_name)
			continue;
		d->repo_name = arena_sprintf(
		    a, "helm-manager-%s", http_sha256_hex(a, d->repository, strlen(d->repository)));
		ru[n++] = (repo_entry){.name = d->repo_name,
				       .url = d->repository,
				       .username = "",
				       .password = "",
				       .cert_file = "",
				       .key_file = "",
				       .ca_file = ""};
	}
	if (m->skip_refresh || !n)
		return 0;
	say(m, "Getting updates for unmanaged Helm repositories...\n");
	for (size_t i = 0; i < n; i++)
		if (repo_check_url(a, ru[i].url, err))
			return -1;
	for (size_t i = 0; i < n; i++)
		repo_update(m, &ru[i], true);
	return 0;
}

/* UpdateRepositories: every repository of repositories.yaml. */
static int update_repositories(mgr *m, const char **err)
{
	if (!m->rf.n)
		return 0;
	say(m, "Hang tight while we grab the latest from your chart repositories...\n");
	for (size_t i = 0; i < m->rf.n; i++)
		if (repo_check_url(m->a, m->rf.v[i].url, err))
			return -1;
	for (size_t i = 0; i < m->rf.n; i++)
		repo_update(m, &m->rf.v[i], false);
	say(m, "Update Complete. \xe2\x8e\x88Happy Helming!\xe2\x8e\x88\n");
	return 0;
}

static bool url_has_urls(value cv)
{
	value *u = cv.kind == V_MAP ? map_getc(cv.u.m, "urls") : NULL;
	return u && u->kind == V_LIST && u->u.l->len;
}

/* Resolver.Resolve for an oci:// repository: an exact version as it is, else
 * the newest tag the constraint allows; with none, the constraint stays for
 * the download to refuse (Helm counts it found). */
static int resolve_oci(mgr *m, const dep *d, dep *l, const char **err)
{
	arena *a = m->a;
	const char **tags, *e2;
	size_t n;
	bool ok;
	if (semver_valid(a, d->version))
		return 0;
	if (oci_tags(a, arena_sprintf(a, "%s/%s", d->repository + 6, d->name), &m->oci, &tags, &n,
		     &e2)) {
		*err = arena_sprintf(a, "could not retrieve list of tags for repository %s: %s",
				     d->repository, e2);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!semver_check(a, d->version, tags[i], &ok, &e2) && ok) {
			l->version = tags[i];
			break;
		}
	}
	return 0;
}

/* Resolver.Resolve: the version of each dependency the lock file records. */
static int resolve(mgr *m, const deplist *req, lockfile *lock, const char **err)
{
	arena *a = m->a;
	strbuf missing;
	size_t nmissing = 0;
	sb_init(&missing, a);
	lock->deps = (deplist){.v = arena_alloc(a, (req->n + 1) * sizeof(dep)), .n = req->n};
	for (size_t i = 0; i < req->n; i++) {
		const dep *d = &req->v[i];
		dep *l = &lock->deps.v[i];
		*l = (dep){.name = d->name,
			   .repository = d->repository,
			   .version = d->version,
			   .condition = "",
			   .alias = ""};
		bool ok;
		const char *e2;
		if (semver_check(a, d->version, "0.0.0", &ok, &e2)) {
			*err = arena_sprintf(
			    a, "dependency \"%s\" has an invalid version/constraint format: %s",
			    d->name, e2);
			return -1;
		}
		bool found = false;
		if (!*d->repository) {
			if (!local_path(a, join(a, "charts", d->name), m->dir, err))
				return -1;
			continue;
		} else if (!strncmp(d->repository, "file://", 7)) {
			const char *p = local_path(a, d->repository, m->dir, err);
			chart *c;
			if (!p || chart_load_dir(a, p, &c, err))
				return -1;
			if (!semver_valid(a, c->version ? c->version : ""))
				continue;
			found = !semver_check(a, d->version, c->version, &ok, &e2) && ok;
			if (found)
				l->version = c->version;
		} else if (!strncmp(d->repository, "oci://", 6)) {
			if (resolve_oci(m, d, l, err))
				return -1;
			found = true;
		} else {
			value idx;
			const char *path = arena_sprintf(
			    a, "%s/%s-index.yaml", repo_cache_dir(a, m->repo_cache), d->repo_name);
			if (repo_index_load(a, path, &idx, &e2)) {
				*err = arena_sprintf(a,
						     "no cached repository for %s found. (try "
						     "'helm repo update'): %s",
						     d->repo_name, e2);
				return -1;
			}
			value *en = map_getc(idx.u.m, "entries");
			value *vs = en && en->kind == V_MAP ? map_getc(en->u.m, d->name) : NULL;
			if (!vs) {
				*err = arena_sprintf(a, "%s chart not found in repo %s", d->name,
						     d->repository);
				return -1;
			}
			for (uint32_t k = 0; vs->kind == V_LIST && k < vs->u.l->len && !found;
			     k++) {
				value cv = vs->u.l->items[k];
				const char *v = dep_str(cv.u.m, "version");
				if (!url_has_urls(cv) || !semver_valid(a, v))
					continue;
				found = !semver_check(a, d->version, v, &ok, &e2) && ok;
				if (found)
					l->version = v;
			}
		}
		if (!found) {
			sb_addf(&missing, "%s\"%s\" (repository \"%s\", version \"%s\")",
				nmissing++ ? ", " : "", d->name, d->repository, d->version);
		}
	}
	if (nmissing) {
		*err = arena_sprintf(
		    a,
		    "can't get a valid version for %zu subchart(s): %s. Make sure a matching chart "
		    "version exists in the repo, or change the version constraint in Chart.yaml",
		    nmissing, sb_str(&missing));
		return -1;
	}
	lock->digest = hash_req(a, req, &lock->deps);
	lock->generated = repo_now(a);
	return 0;
}

/* A chart repository with its cached index (loadChartRepositories). */
typedef struct crepo {
	const repo_entry *e;
	value index;
} crepo;

static int load_chart_repos(mgr *m, crepo **out, const char **err)
{
	arena *a = m->a;
	*out = arena_alloc(a, (m->rf.n + 1) * sizeof(crepo));
	for (size_t i = 0; i < m->rf.n; i++) {
		const char *path = arena_sprintf(a, "%s/%s-index.yaml",
						 repo_cache_dir(a, m->repo_cache), m->rf.v[i].name);
		(*out)[i].e = &m->rf.v[i];
		if (repo_index_load(a, path, &(*out)[i].index, err))
			return -1;
	}
	return 0;
}

/* normalizeURL: a relative chart URL joined to the repository's path. */
static const char *normalize_url(arena *a, const char *base, const char *ref)
{
	const char *scheme = repo_url_scheme(a, ref);
	if (scheme && *scheme)
		return ref;
	const char *sep = strstr(base, "://");
	const char *p = sep ? sep + 3 + strcspn(sep + 3, "/?#") : base;
	size_t pl = strcspn(p, "?#");
	const char *joined = go_clean(a, arena_sprintf(a, "/%.*s/%s", (int)pl, p, ref));
	return arena_sprintf(a, "%.*s%s%s", (int)(p - base), base, joined, p + pl);
}

/* findChartURL for an http(s) repository: the URL, digest and how to talk to it. */
static int find_chart_url(mgr *m, const crepo *repos, const dep *d, const char **url,
			  const char **digest, http_opts *o, const char **err)
{
	arena *a = m->a;
	*digest = "";
	for (size_t i = 0; i < m->rf.n; i++) {
		if (!url_equal(d->repository, repos[i].e->url))
			continue;
		value *en = map_getc(repos[i].index.u.m, "entries");
		value *vs = en && en->kind == V_MAP ? map_getc(en->u.m, d->name) : NULL;
		if (!vs || vs->kind != V_LIST) {
			*err = "entry not found";
			return -1;
		}
		for (uint32_t k = 0; k < vs->u.l->len; k++) {
			value cv = vs->u.l->items[k];
			if (!url_has_urls(cv))
				continue;
			const char *v = dep_str(cv.u.m, "version");
			if (*d->version && strcmp(v, d->version) &&
			    repo_version_cmp(a, v, d->version) != 0)
				continue;
			value u = map_getc(cv.u.m, "urls")->u.l->items[0];
			*url = normalize_url(a, d->repository, u.kind == V_STRING ? u.u.s : "");
			*digest = dep_str(cv.u.m, "digest");
			*o = repo_http_opts(repos[i].e);
			return 0;
		}
		*err = "no matching version";
		return -1;
	}
	/* repo.FindChartInRepoURL: the index fetched afresh */
	repo_entry e = {.name = "",
			.url = d->repository,
			.username = "",
			.password = "",
			.cert_file = "",
			.key_file = "",
			.ca_file = ""};
	value idx;
	const char *e2;
	vmap *cv;
	if (repo_download_index(a, &e, NULL, NULL, &idx, &e2)) {
		*err = arena_sprintf(a,
				     "chart %s not found in %s: looks like \"%s\" is not a valid "
				     "chart repository or cannot be reached: %s",
				     d->name, d->repository, d->repository, e2);
		return -1;
	}
	if (!(cv = repo_index_get(a, idx, d->name, d->version, &e2)) ||
	    !url_has_urls((value){.kind = V_MAP, .u.m = cv})) {
		*err = arena_sprintf(a,
				     "chart %s not found in %s: chart \"%s\" version \"%s\" not "
				     "found in %s repository",
				     d->name, d->repository, d->name, d->version, d->repository);
		return -1;
	}
	value u = map_getc(cv, "urls")->u.l->items[0];
	*url = repo_resolve_url(a, d->repository, u.kind == V_STRING ? u.u.s : "");
	*digest = dep_str(cv, "digest");
	*o = repo_http_opts(&e);
	return 0;
}

/* Removes the temporary folder and what is in it. */
static void remove_tmp(const char *tmp)
{
	DIR *dd = opendir(tmp);
	if (dd) {
		for (struct dirent *e; (e = readdir(dd));) {
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				char p[4096];
				snprintf(p, sizeof p, "%s/%s", tmp, e->d_name);
				unlink(p);
			}
		}
		closedir(dd);
	}
	rmdir(tmp);
}

/* A charts/ dependency without repository: it must be there and match. */
static int check_in_charts(mgr *m, const char *dest, const dep *d, const char **err)
{
	arena *a = m->a;
	say(m,
	    "Dependency %s did not declare a repository. Assuming it exists in the charts "
	    "directory\n",
	    d->name);
	const char *p = join(a, dest, d->name);
	chart *c;
	bool ok;
	const char *e2;
	if (chart_load_dir(a, p, &c, &e2)) {
		*err = arena_sprintf(a, "unable to load chart '%s': %s", p, e2);
		return -1;
	}
	if (semver_check(a, d->version, "0.0.0", &ok, &e2)) {
		*err = arena_sprintf(
		    a, "dependency %s has an invalid version/constraint format: %s", d->name, e2);
		return -1;
	}
	if (semver_check(a, d->version, c->version, &ok, &e2) || !ok) {
		*err = arena_sprintf(
		    a, "dependency %s at version %s does not satisfy the constraint %s", d->name,
		    c->version, d->version);
		return 1;
	}
	return 0;
}

/* tarFromLocalDir: a file:// dependency packaged into tmp. */
static int tar_local(mgr *m, dep *d, const char *tmp, const char **err)
{
	arena *a = m->a;
	const char *p = local_path(a, d->repository, m->dir, err), *out, *e2;
	chart *c;
	bool ok;
	if (!p || chart_load_dir(a, p, &c, err))
		return -1;
	if (semver_check(a, d->version, "0.0.0", &ok, &e2)) {
		*err = arena_sprintf(
		    a, "dependency %s has an invalid version/constraint format: %s", d->name, e2);
		return -1;
	}
	if (semver_check(a, d->version, c->version, &ok, &e2) || !ok) {
		*err = arena_sprintf(a, "can't get a valid version for dependency %s", d->name);
		return -1;
	}
	chart_package_opts po = {.dest = tmp};
	if (chart_package(a, p, &po, &out, err))
		return -1;
	d->version = c->version;
	return 0;
}

static bool in_list(const char *const *l, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i], s))
			return true;
	return false;
}

/* safeMoveDeps: the new archives into charts/, then the outdated ones removed. */
static void move_deps(mgr *m, const deplist *deps, const char *tmp, const char *dest)
{
	arena *a = m->a;
	const char **moved = NULL, **olds = NULL;
	size_t nmoved = 0, nold = 0;
	glob_t g;
	if (glob(join(a, dest, "*"), 0, NULL, &g) == 0) {
		olds = arena_alloc(a, (g.gl_pathc + 1) * sizeof(char *));
		for (size_t i = 0; i < g.gl_pathc; i++)
			olds[nold++] = arena_strdup(a, g.gl_pathv[i]);
		globfree(&g);
	}
	if (glob(join(a, tmp, "*"), 0, NULL, &g) == 0) {
		moved = arena_alloc(a, (g.gl_pathc + 1) * sizeof(char *));
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *src = g.gl_pathv[i], *base = strrchr(src, '/') + 1;
			const char *dst = join(a, dest, base);
			moved[nmoved++] = dst;
			if (rename(src, dst))
				say(m, "Unable to move %s to charts dir %s (Skipping)", src,
				    repo_strerror(a, errno));
		}
		globfree(&g);
	}
	say(m, "Deleting outdated charts\n");
	for (size_t i = 0; i < nold; i++) {
		struct stat st;
		chart *c;
		const char *e2;
		if (stat(olds[i], &st) || S_ISDIR(st.st_mode) || in_list(moved, nmoved, olds[i]))
			continue;
		if (chart_load_dir(a, olds[i], &c, &e2)) {
			say(m, "Could not verify %s for deletion: %s (Skipping)\n", olds[i], e2);
			continue;
		}
		bool local = false;
		for (size_t k = 0; k < deps->n && !local; k++)
			local = !*deps->v[k].repository && !strcmp(deps->v[k].name, c->name);
		if (!local && unlink(olds[i]))
			say(m, "Could not delete %s: %s (Skipping)", olds[i],
			    repo_strerror(a, errno));
	}
}

/* An oci:// dependency pulled into tmp as NAME-VERSION.tgz ("Pulled:" and
 * "Digest:" on stderr). Helm never counts it as already downloaded: it
 * remembers the reference without the tag and looks it up with it. */
static int fetch_oci(mgr *m, const dep *d, const char *tmp, const char **err)
{
	arena *a = m->a;
	const char *ref = arena_sprintf(a, "%s/%s", d->repository, d->name), *path, *e2;
	say(m, "Downloading %s from repo %s\n", d->name, d->repository);
	if (oci_fetch_chart_to(a, ref, d->version, &m->oci, tmp, &path, &e2)) {
		*err = arena_sprintf(a, "could not download %s: %s", ref, e2);
		return 1;
	}
	return 0;
}

/* A remote dependency downloaded into tmp (digest checked when the index
 * gives one); an archive already fetched for another alias is not fetched twice. */
static int fetch_remote(mgr *m, const crepo *repos, const dep *d, const char *tmp,
			const char **seen, size_t *nseen, const char **err)
{
	arena *a = m->a;
	const char *url, *digest, *e2;
	http_opts o;
	if (!strncmp(d->repository, "oci://", 6))
		return fetch_oci(m, d, tmp, err);
	if (find_chart_url(m, repos, d, &url, &digest, &o, &e2)) {
		*err = arena_sprintf(a, "could not find : %s", e2);
		return 1;
	}
	if (in_list(seen, *nseen, url)) {
		say(m, "Already downloaded %s from repo %s\n", d->name, d->repository);
		return 0;
	}
	say(m, "Downloading %s from repo %s\n", d->name, d->repository);
	const char *base = url + strcspn(url, "?#");
	while (base > url && base[-1] != '/')
		base--;
	const char *fname = arena_strndup(a, base, strcspn(base, "?#"));
	if (!*fname || !strcmp(fname, ".") || !strcmp(fname, "..")) {
		*err = arena_sprintf(a, "could not download %s: invalid chart URL format",
				     http_redact(a, url));
		return 1;
	}
	const char *file = join(a, tmp, fname);
	o.accept = "application/gzip,application/octet-stream";
	o.max_size = (size_t)100 << 20;
	bool hex = strlen(digest) == 64 && strspn(digest, "0123456789abcdefABCDEF") == 64;
	if (http_get_file(a, url, &o, file, hex ? digest : "", &e2)) {
		*err = arena_sprintf(a, "could not download %s: %s", url, e2);
		return 1;
	}
	seen[(*nseen)++] = url;
	return 0;
}

/* charts/ (created when missing) and the temporary folder beside it. */
static int make_dirs(mgr *m, const char *dest, const char *tmp, const char **err)
{
	arena *a = m->a;
	struct stat st;
	if (!stat(dest, &st)) {
		if (!S_ISDIR(st.st_mode)) {
			*err = arena_sprintf(a, "\"%s\" is not a directory", dest);
			return -1;
		}
	} else if (mkdir(dest, 0755)) {
		*err = arena_sprintf(a, "mkdir %s: %s", dest, repo_strerror(a, errno));
		return -1;
	}
	if (mkdir(tmp, 0755) && errno != EEXIST) {
		*err = arena_sprintf(a, "mkdir %s: %s", tmp, repo_strerror(a, errno));
		return -1;
	}
	return 0;
}

/* downloadAll: every dependency into charts/, through a temporary folder
 * so that a failure leaves charts/ as it was. */
static int download_all(mgr *m, deplist *deps, const char **err)
{
	arena *a = m->a;
	crepo *repos;
	const char *dest = join(a, m->dir, "charts");
	const char *tmp = join(a, m->dir, arena_sprintf(a, "tmpcharts-%d", (int)getpid()));
	if (load_chart_repos(m, &repos, err) || make_dirs(m, dest, tmp, err))
		return -1;
	say(m, "Saving %zu charts\n", deps->n);
	int rc = 0;
	const char **seen = arena_alloc(a, (deps->n + 1) * sizeof(char *));
	size_t nseen = 0;
	for (size_t i = 0; i < deps->n && !rc; i++) {
		dep *d = &deps->v[i];
		if (!*d->repository) {
			rc = check_in_charts(m, dest, d, err);
		} else if (!strncmp(d->repository, "file://", 7)) {
			if (m->debug)
				say(m, "Archiving %s from repo %s\n", d->name, d->repository);
			rc = tar_local(m, d, tmp, err) ? 1 : 0;
		} else {
			rc = fetch_remote(m, repos, d, tmp, seen, &nseen, err);
		}
	}
	if (rc > 0)
		say(m, "Save error occurred:  %s\n", *err);
	if (!rc)
		move_deps(m, deps, tmp, dest);
	remove_tmp(tmp);
	return rc ? -1 : 0;
}

/* Helm's hasAllRepos: every locked http(s) repository is in repositories.yaml. */
static int has_all_repos(mgr *m, const deplist *deps, const char **err)
{
	strbuf missing;
	sb_init(&missing, m->a);
	for (size_t i = 0; i < deps->n; i++) {
		const char *r = deps->v[i].repository;
		bool found = !*r || !strncmp(r, "file://", 7) || !strncmp(r, "oci://", 6);
		for (size_t k = 0; k < m->rf.n && !found; k++)
			found = url_equal(m->rf.v[k].url, r);
		if (!found)
			sb_addf(&missing, "%s%s", missing.len ? ", " : "", r);
	}
	if (!missing.len)
		return 0;
	*err = arena_sprintf(
	    m->a,
	    "no repository definition for %s. Please add the missing repos via 'helm repo add'",
	    sb_str(&missing));
	return -1;
}

static int load_chart(mgr *m, chart **c, const char **err)
{
	struct stat st;
	if (stat(m->dir, &st)) {
		*err = arena_sprintf(m->a, "could not find %s: stat %s: %s", m->dir, m->dir,
				     repo_strerror(m->a, errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = "only unpacked charts can be updated";
		return -1;
	}
	if (chart_load_dir(m->a, m->dir, c, err))
		return -1;
	return load_repos(m, err);
}

static value meta_deps(const chart *c)
{
	value *d = c->meta.kind == V_MAP ? map_getc(c->meta.u.m, "dependencies") : NULL;
	return d ? *d : v_nil();
}

/* Manager.Update. */
static int mgr_update(mgr *m, const char **err)
{
	chart *c;
	if (load_chart(m, &c, err))
		return -1;
	deplist req = deps_of(m->a, meta_deps(c));
	if (req.nil)
		return 0;
	lockfile lock, old;
	if (resolve_repo_names(m, &req, err) || ensure_missing_repos(m, &req, err))
		return -1;
	if (!m->skip_refresh && update_repositories(m, err))
		return -1;
	if (resolve(m, &req, &lock, err) || download_all(m, &lock.deps, err))
		return -1;
	lock.digest = hash_req(m->a, &req, &lock.deps);
	int has_old = lock_load(m, c, &old, err);
	if (has_old < 0)
		return -1;
	if (has_old == 0 && !strcmp(old.digest, lock.digest))
		return 0;
	return lock_write(m, c, &lock, err);
}

/* Manager.Build. */
static int mgr_build(mgr *m, const char **err)
{
	chart *c;
	lockfile lock;
	if (load_chart(m, &c, err))
		return -1;
	int has = lock_load(m, c, &lock, err);
	if (has < 0)
		return -1;
	if (has > 0)
		return mgr_update(m, err);
	deplist req = deps_of(m->a, meta_deps(c));
	const char *v2sum = is_v1(c) ? hash_v2_req(m->a, &req) : NULL;
	if (resolve_repo_names(m, &req, err))
		return -1;
	if (strcmp(hash_req(m->a, &req, &lock.deps), lock.digest)) {
		if (is_v1(c)) {
			fprintf(stderr,
				"%s warning: a valid Helm v3 hash was not found. Checking against "
				"Helm v2 hash...\n",
				log_time(m->a));
			if (strcmp(v2sum, lock.digest)) {
				*err = "the lock file (requirements.lock) is out of sync with the "
				       "dependencies file (requirements.yaml). Please update the "
				       "dependencies";
				return -1;
			}
		} else {
			*err = "the lock file (Chart.lock) is out of sync with the dependencies "
			       "file (Chart.yaml). Please update the dependencies";
			return -1;
		}
	}
	if (has_all_repos(m, &lock.deps, err))
		return -1;
	if (!m->skip_refresh && update_repositories(m, err))
		return -1;
	return download_all(m, &lock.deps, err);
}

int dependency_update_dir(arena *a, const char *dir, FILE *out, const char **err)
{
	mgr m = {.a = a, .dir = dir, .out = out};
	return mgr_update(&m, err);
}

static int dependency_list_cmd(arena *a, int argc, char **argv)
{
	const flag_def defs[] = {{0}};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	if (pos.n > 1)
		return cli_error(
		    arena_sprintf(a, "\"helm dependency list\" accepts at most 1 "
				     "argument\n\nUsage:  helm dependency list CHART [flags]"));
	strbuf out;
	sb_init(&out, a);
	if (dependency_list(a, pos.n ? pos.v[0] : ".", &out, &err) != 0)
		return cli_error(err);
	if (write_stdout(out.buf ? out.buf : "", out.len) != 0)
		return cli_error("write error on standard output");
	return 0;
}

/* `dependency update` and `dependency build`, which share their flags. */
static int dependency_manage(arena *a, const char *sub, int argc, char **argv)
{
	mgr m = {.a = a, .out = stdout};
	bool verify = false;
	const char *keyring = NULL;
	const flag_def defs[] = {
	    {"skip-refresh", 0, FLAG_BOOL, &m.skip_refresh},
	    {"verify", 0, FLAG_BOOL, &verify},
	    {"keyring", 0, FLAG_STRING, &keyring},
	    {"repository-config", 0, FLAG_STRING, &m.repo_config},
	    {"repository-cache", 0, FLAG_STRING, &m.repo_cache},
	    {"debug", 0, FLAG_BOOL, &m.debug},
	    OCI_FLAGS(m.oci),
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	if (pos.n > 1)
		return cli_error(
		    arena_sprintf(a,
				  "\"helm dependency %s\" accepts at most 1 argument\n\nUsage:  "
				  "helm dependency %s CHART [flags]",
				  sub, sub));
	if (verify)
		return cli_error("--verify is not supported by render");
	if (oci_check_tls(a, &m.oci, &err))
		return cli_error(arena_sprintf(a, "missing registry client: %s", err));
	m.dir = pos.n ? pos.v[0] : ".";
	int rc = !strcmp(sub, "update") ? mgr_update(&m, &err) : mgr_build(&m, &err);
	fflush(stdout);
	return rc ? cli_error(err) : 0;
}

int cmd_dependency(arena *a, int argc, char **argv)
{
	static const struct {
		const char *name, *alias;
	} subs[] = {{"list", "ls"}, {"update", "up"}, {"build", NULL}};
	for (size_t i = 0; argc >= 1 && i < sizeof subs / sizeof subs[0]; i++) {
		if (strcmp(argv[0], subs[i].name) &&
		    (!subs[i].alias || strcmp(argv[0], subs[i].alias)))
			continue;
		if (i == 0)
			return dependency_list_cmd(a, argc - 1, argv + 1);
		return dependency_manage(a, subs[i].name, argc - 1, argv + 1);
	}
	return cli_error("render dependency: the subcommands are list, update and build");
}

int dependency_ensure(arena *a, const char *dir, chart **c, const char **err)
{
	const char *e2;
	if (!deps_check(a, *c, &e2))
		return 0;
	if (dependency_update_dir(a, dir, stdout, err))
		return -1;
	return chart_load_dir(a, dir, c, err);
}

int dependency_locate(arena *a, const char **name, const char *version, const char *repo,
		      bool devel, const char **err)
{
	repo_locate_opts o = {.version = version ? version : "", .repo_url = repo};
	if (!*o.version && devel)
		o.version = ">0.0.0-0";
	return repo_locate_chart(a, *name, &o, name, err);
}
