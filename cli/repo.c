/* repo.c - `render repo add|list|remove|update|index`, as Helm 3.17.3 prints them.
 *
 * The files are Helm's (repositories.yaml, <cache>/<name>-index.yaml and
 * -charts.txt), so render and helm can share one configuration. Deliberate
 * differences: updates run one after another in file order (Helm's parallel
 * order is random), and URLs printed (messages and `repo list`) never show
 * user:password@.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../chart/archive.h"
#include "../net/repo.h"
#include "../values/json.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"
#include "table.h"

#pragma weak archive_read_chart

/* Helm's global flags that matter here, accepted by every repo subcommand. */
typedef struct globals {
	const char *repo_config, *repo_cache, *ns, *kube_context;
	bool debug;
} globals;

#define GLOBAL_FLAGS(g)                                                                            \
	{"repository-config", 0, FLAG_STRING, &(g).repo_config},                                   \
	    {"repository-cache", 0, FLAG_STRING, &(g).repo_cache},                                 \
	    {"debug", 0, FLAG_BOOL, &(g).debug}, {"namespace", 'n', FLAG_STRING, &(g).ns},         \
	{                                                                                          \
		"kube-context", 0, FLAG_STRING, &(g).kube_context                                  \
	}

static int usage_error(arena *a, const char *sub, const char *need, const char *use)
{
	return cli_error(
	    arena_sprintf(a, "\"helm repo %s\" %s\n\nUsage:  helm repo %s", sub, need, use));
}

/* ---- add ---- */

static const char *const deprecated_repos[][2] = {
    {"//kubernetes-charts.storage.googleapis.com", "https://charts.helm.sh/stable"},
    {"//kubernetes-charts-incubator.storage.googleapis.com", "https://charts.helm.sh/incubator"},
};

static const char *read_password(arena *a, bool from_stdin, const char **err)
{
	strbuf sb;
	sb_init(&sb, a);
	if (from_stdin) {
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
			sb_add(&sb, buf, n);
		if (sb.len && sb.buf[sb.len - 1] == '\n')
			sb.len--;
		if (sb.len && sb.buf[sb.len - 1] == '\r')
			sb.len--;
		return sb_str(&sb);
	}
	fputs("Password: ", stdout);
	fflush(stdout);
	if (!isatty(0)) {
		putchar('\n');
		fflush(stdout);
		*err = "inappropriate ioctl for device";
		return NULL;
	}
	char *p = getpass("");
	putchar('\n');
	return arena_strdup(a, p ? p : "");
}

/* Empty strings for the flags not given, and the password from stdin or the terminal
 * when only a user name was given. */
static int fill_entry(arena *a, repo_entry *e, bool pw_stdin, const char **err)
{
	const char **s[] = {&e->username, &e->password, &e->cert_file, &e->key_file, &e->ca_file};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (!*s[i])
			*s[i] = "";
	if (*e->username && !*e->password && !(e->password = read_password(a, pw_stdin, err)))
		return -1;
	return 0;
}

static int repo_add(arena *a, int argc, char **argv)
{
	globals g = {0};
	repo_entry e = {0};
	bool force = false, no_update = false, allow_dep = false, pw_stdin = false;
	const flag_def defs[] = {
	    {"username", 0, FLAG_STRING, &e.username},
	    {"password", 0, FLAG_STRING, &e.password},
	    {"password-stdin", 0, FLAG_BOOL, &pw_stdin},
	    {"pass-credentials", 0, FLAG_BOOL, &e.pass_credentials},
	    {"force-update", 0, FLAG_BOOL, &force},
	    {"no-update", 0, FLAG_BOOL, &no_update},
	    {"cert-file", 0, FLAG_STRING, &e.cert_file},
	    {"key-file", 0, FLAG_STRING, &e.key_file},
	    {"ca-file", 0, FLAG_STRING, &e.ca_file},
	    {"insecure-skip-tls-verify", 0, FLAG_BOOL, &e.insecure},
	    {"allow-deprecated-repos", 0, FLAG_BOOL, &allow_dep},
	    GLOBAL_FLAGS(g),
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	if (pos.n != 2)
		return usage_error(a, "add", "requires 2 arguments", "add [NAME] [URL] [flags]");
	e.name = pos.v[0];
	e.url = pos.v[1];
	if (strchr(e.name, '/'))
		return cli_error(arena_sprintf(a,
					       "repository name (%s) contains '/', please specify "
					       "a different name without '/'",
					       e.name));
	for (size_t i = 0; !allow_dep && i < sizeof deprecated_repos / sizeof deprecated_repos[0];
	     i++)
		if (strstr(e.url, deprecated_repos[i][0]))
			return cli_error(arena_sprintf(
			    a, "repo \"%s\" is no longer available; try \"%s\" instead",
			    http_redact(a, e.url), deprecated_repos[i][1]));
	const char *cfg = repo_config_file(a, g.repo_config);
	int lock = repo_lock(a, cfg);
	if (lock < 0)
		return cli_error(
		    arena_sprintf(a, "cannot lock %s: %s", cfg, repo_strerror(a, errno)));
	repo_file f;
	if (repo_file_load(a, cfg, &f, NULL, &err))
		goto fail;
	if (fill_entry(a, &e, pw_stdin, &err))
		goto fail;
	repo_entry *old = repo_file_get(&f, e.name);
	if (!force && old) {
		close(lock);
		if (!repo_entry_equal(old, &e))
			return cli_error(arena_sprintf(
			    a,
			    "repository name (%s) already exists, please specify a different name",
			    e.name));
		printf("\"%s\" already exists with the same configuration, skipping\n", e.name);
		return 0;
	}
	if (repo_check_url(a, e.url, &err))
		goto fail;
	if (repo_download_index(a, &e, repo_cache_dir(a, g.repo_cache), e.name, NULL, &err)) {
		err = arena_sprintf(
		    a, "looks like \"%s\" is not a valid chart repository or cannot be reached: %s",
		    http_redact(a, e.url), err);
		goto fail;
	}
	repo_file_update(a, &f, &e);
	if (repo_file_write(a, cfg, &f, &err))
		goto fail;
	close(lock);
	printf("\"%s\" has been added to your repositories\n", e.name);
	return 0;
fail:
	close(lock);
	return cli_error(err);
}

/* ---- list ---- */

static void print_table(arena *a, const repo_file *f)
{
	uitable t;
	uitable_init(&t, a, 2, 0);
	uitable_row(&t, (const char *[]){"NAME", "URL"});
	for (size_t i = 0; i < f->n; i++)
		uitable_row(&t, (const char *[]){f->v[i].name, http_redact(a, f->v[i].url)});
	strbuf sb;
	sb_init(&sb, a);
	uitable_write(&t, &sb);
	write_stdout(sb.buf, sb.len);
}

static int repo_list(arena *a, int argc, char **argv)
{
	globals g = {0};
	const char *format = "table";
	const flag_def defs[] = {{"output", 'o', FLAG_STRING, &format}, GLOBAL_FLAGS(g), {0}};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "yaml"))
		return cli_error(arena_sprintf(
		    a, "invalid argument \"%s\" for \"-o, --output\" flag: invalid format type",
		    format));
	if (pos.n)
		return usage_error(a, "list", "accepts no arguments", "list [flags]");
	repo_file f;
	if (repo_file_load(a, repo_config_file(a, g.repo_config), &f, NULL, &err))
		f.n = 0;
	if (!strcmp(format, "table")) {
		if (!f.n)
			return cli_error("no repositories to show");
		print_table(a, &f);
		return 0;
	}
	value list = v_list_new(a, (uint32_t)f.n);
	for (size_t i = 0; i < f.n; i++) {
		value m = v_map_new(a);
		map_setc(a, m.u.m, "name", v_cstr(a, f.v[i].name));
		map_setc(a, m.u.m, "url", v_cstr(a, http_redact(a, f.v[i].url)));
		list_push(a, list.u.l, m);
	}
	strbuf sb;
	sb_init(&sb, a);
	int rc = !strcmp(format, "json") ? json_emit(&sb, list, &err) : yaml_emit(&sb, list, &err);
	if (rc)
		return cli_error(err);
	if (!strcmp(format, "json"))
		sb_addc(&sb, '\n');
	write_stdout(sb.buf, sb.len);
	return 0;
}

/* ---- remove ---- */

static int remove_cache_file(arena *a, const char *path, const char **err)
{
	if (unlink(path) && errno != ENOENT) {
		*err = arena_sprintf(a, "can't remove index file %s: %s", path,
				     repo_strerror(a, errno));
		return -1;
	}
	return 0;
}

static int repo_remove(arena *a, int argc, char **argv)
{
	globals g = {0};
	const flag_def defs[] = {GLOBAL_FLAGS(g), {0}};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	if (!pos.n)
		return usage_error(a, "remove", "requires at least 1 argument",
				   "remove [REPO1 [REPO2 ...]] [flags]");
	const char *cfg = repo_config_file(a, g.repo_config),
		   *cache = repo_cache_dir(a, g.repo_cache);
	repo_file f;
	bool missing;
	if (repo_file_load(a, cfg, &f, &missing, &err))
		return cli_error(err);
	if (missing || !f.n)
		return cli_error("no repositories configured");
	for (size_t i = 0; i < pos.n; i++) {
		const char *name = pos.v[i];
		if (!repo_file_remove(&f, name))
			return cli_error(arena_sprintf(a, "no repo named \"%s\" found", name));
		if (repo_file_write(a, cfg, &f, &err) ||
		    remove_cache_file(a, arena_sprintf(a, "%s/%s-charts.txt", cache, name), &err) ||
		    remove_cache_file(a, arena_sprintf(a, "%s/%s-index.yaml", cache, name), &err))
			return cli_error(err);
		printf("\"%s\" has been removed from your repositories\n", name);
	}
	return 0;
}

/* ---- update ---- */

static int repo_update(arena *a, int argc, char **argv)
{
	globals g = {0};
	bool fail_on = false;
	const flag_def defs[] = {
	    {"fail-on-repo-update-fail", 0, FLAG_BOOL, &fail_on}, GLOBAL_FLAGS(g), {0}};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	const char *cfg = repo_config_file(a, g.repo_config),
		   *cache = repo_cache_dir(a, g.repo_cache);
	repo_file f;
	bool missing;
	if (repo_file_load(a, cfg, &f, &missing, &err))
		return cli_error(err);
	if (missing || !f.n)
		return cli_error("no repositories found. You must add one before updating");
	for (size_t i = 0; i < pos.n; i++)
		if (!repo_file_get(&f, pos.v[i]))
			return cli_error(arena_sprintf(
			    a, "no repositories found matching '%s'.  Nothing will be updated",
			    pos.v[i]));
	puts("Hang tight while we grab the latest from your chart repositories...");
	strbuf failed;
	sb_init(&failed, a);
	for (size_t i = 0; i < f.n; i++) {
		const repo_entry *e = &f.v[i];
		bool wanted = !pos.n;
		for (size_t j = 0; j < pos.n && !wanted; j++)
			wanted = !strcmp(pos.v[j], e->name);
		if (!wanted)
			continue;
		if (repo_download_index(a, e, cache, e->name, NULL, &err)) {
			printf("...Unable to get an update from the \"%s\" chart repository "
			       "(%s):\n\t%s\n",
			       e->name, http_redact(a, e->url), err);
			sb_addf(&failed, "%s%s", failed.len ? " " : "", http_redact(a, e->url));
		} else {
			printf("...Successfully got an update from the \"%s\" chart repository\n",
			       e->name);
		}
		fflush(stdout);
	}
	if (fail_on && failed.len)
		return cli_error(arena_sprintf(
		    a, "Failed to update the following repositories: [%s]", sb_str(&failed)));
	puts("Update Complete. \xe2\x8e\x88Happy Helming!\xe2\x8e\x88");
	return 0;
}

/* ---- index ---- */

/* chart.Metadata's JSON fields; the others in Chart.yaml are dropped, empty ones omitted. */
static const char *const metadata_fields[] = {
    "name",	   "home",	  "sources",	 "version",	 "description", "keywords",
    "maintainers", "icon",	  "apiVersion",	 "condition",	 "tags",	"appVersion",
    "deprecated",  "annotations", "kubeVersion", "dependencies", "type",	NULL,
};

/* path.Clean of p (p non-empty): "." and ".." resolved, no double or trailing slash. */
static const char *clean(arena *a, const char *p)
{
	bool rooted = *p == '/';
	const char **seg = arena_alloc(a, (strlen(p) / 2 + 2) * sizeof *seg);
	size_t n = 0;
	for (const char *s = p; *s;) {
		size_t l = strcspn(s, "/");
		const char *e = arena_strndup(a, s, l);
		if (!strcmp(e, "..") && n && strcmp(seg[n - 1], ".."))
			n--;
		else if (!strcmp(e, "..") && !rooted)
			seg[n++] = e;
		else if (*e && strcmp(e, ".") && strcmp(e, ".."))
			seg[n++] = e;
		s += l + (s[l] == '/');
	}
	strbuf sb;
	sb_init(&sb, a);
	if (rooted)
		sb_addc(&sb, '/');
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? "/" : "", seg[i]);
	return sb.len ? sb_str(&sb) : ".";
}

static int unhex(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Percent-decodes s (bad escapes are kept as they are). */
static const char *unescape(arena *a, const char *s)
{
	strbuf sb;
	sb_init(&sb, a);
	for (; *s; s++) {
		if (*s == '%' && unhex(s[1]) >= 0 && unhex(s[2]) >= 0) {
			sb_addc(&sb, (char)(unhex(s[1]) * 16 + unhex(s[2])));
			s += 2;
		} else {
			sb_addc(&sb, *s);
		}
	}
	return sb_str(&sb);
}

/* Go's URL path escaping: unreserved characters and $&+,/:;=@ stay, the rest is %XX. */
static const char *escape_path(arena *a, const char *s)
{
	strbuf sb;
	sb_init(&sb, a);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-_.~$&+,/:;=@", c))
			sb_addc(&sb, (char)c);
		else
			sb_addf(&sb, "%%%02X", c);
	}
	return sb_str(&sb);
}

/* urlutil.URLJoin(base, seg): the path joined with path.Join, the query kept. */
static const char *url_join(arena *a, const char *base, const char *seg)
{
	const char *sep = strstr(base, "://");
	const char *p = sep ? sep + 3 + strcspn(sep + 3, "/?#") : base;
	size_t pl = strcspn(p, "?#");
	const char *path = unescape(a, arena_strndup(a, p, pl));
	const char *query = p[pl] == '?' ? arena_strndup(a, p + pl, strcspn(p + pl, "#")) : "";
	const char *joined = *path && *seg ? arena_sprintf(a, "%s/%s", path, seg)
			     : *path	   ? path
					   : seg;
	joined = *joined ? clean(a, joined) : "";
	if (sep && *joined && *joined != '/')
		joined = arena_sprintf(a, "/%s", joined);
	return arena_sprintf(a, "%.*s%s%s", (int)(p - base), base, escape_path(a, joined), query);
}

/* The index entry for one archive, or V_NIL when it is not a chart (Helm skips those). */
static value index_entry(arena *a, const char *path, const char *url, const char **err)
{
	char *data;
	size_t len;
	const char *d;
	if (read_whole_file(a, path, &d, &len, err))
		return v_nil();
	data = (char *)d;
	chart_file *files;
	size_t n;
	if (!archive_read_chart || archive_read_chart(a, path, data, len, &files, &n, err))
		return v_nil();
	value meta = v_nil();
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].name, "Chart.yaml") &&
		    yaml_load(a, files[i].data, files[i].len, &meta, err))
			return v_nil();
	if (meta.kind != V_MAP)
		return v_nil();
	value out = v_map_new(a);
	for (size_t i = 0; metadata_fields[i]; i++) {
		value *v = map_getc(meta.u.m, metadata_fields[i]);
		if (v && !value_empty(*v))
			map_setc(a, out.u.m, metadata_fields[i], *v);
	}
	value *name = map_getc(out.u.m, "name"), *ver = map_getc(out.u.m, "version");
	if (!name || name->kind != V_STRING || !ver || ver->kind != V_STRING)
		return v_nil();
	if (!map_getc(out.u.m, "apiVersion"))
		map_setc(a, out.u.m, "apiVersion", v_cstr(a, "v1"));
	value urls = v_list_new(a, 1);
	list_push(a, urls.u.l, v_cstr(a, url));
	map_setc(a, out.u.m, "urls", urls);
	map_setc(a, out.u.m, "created", v_cstr(a, repo_now(a)));
	map_setc(a, out.u.m, "digest", v_cstr(a, http_sha256_hex(a, data, len)));
	return out;
}

static void index_add(arena *a, vmap *entries, value cv)
{
	const char *name = map_getc(cv.u.m, "name")->u.s;
	value *l = map_getc(entries, name);
	if (!l) {
		map_setc(a, entries, name, v_list_new(a, 2));
		l = map_getc(entries, name);
	}
	list_push(a, l->u.l, cv);
}

static bool index_has(vmap *entries, const char *name, const char *version)
{
	value *l = map_getc(entries, name);
	for (uint32_t i = 0; l && l->kind == V_LIST && i < l->u.l->len; i++) {
		value *v = map_getc(l->u.l->items[i].u.m, "version");
		if (v && v->kind == V_STRING && !strcmp(v->u.s, version))
			return true;
	}
	return false;
}

/* --json prints Go structs, so fields come in declaration order: each map is
 * wrapped in an object whose class gives repo.IndexFile's, ChartVersion's,
 * Maintainer's or Dependency's order. */
static const char *const index_order[] = {"serverInfo", "apiVersion",  "generated", "entries",
					  "publicKeys", "annotations", NULL};
static const char *const cv_order[] = {
    "name",	   "home",	  "sources",	 "version",	 "description", "keywords",
    "maintainers", "icon",	  "apiVersion",	 "condition",	 "tags",	"appVersion",
    "deprecated",  "annotations", "kubeVersion", "dependencies", "type",	"urls",
    "created",	   "removed",	  "digest",	 NULL,
};
static const char *const maint_order[] = {"name", "email", "url", NULL};
static const char *const dep_order[] = {"name",		 "version", "repository",
					"condition",	 "tags",    "enabled",
					"import-values", "alias",   NULL};

static value plain_of(arena *a, const vobj *o)
{
	(void)a;
	return (value){.kind = V_MAP, .u.m = o->data};
}

static const vclass index_cls = {
    .gotype = "*repo.IndexFile", .to_plain = plain_of, .json_order = index_order};
static const vclass cv_cls = {
    .gotype = "*repo.ChartVersion", .to_plain = plain_of, .json_order = cv_order};
static const vclass maint_cls = {
    .gotype = "*chart.Maintainer", .to_plain = plain_of, .json_order = maint_order};
static const vclass dep_cls = {
    .gotype = "*chart.Dependency", .to_plain = plain_of, .json_order = dep_order};

/* Wraps each map of list l (when it is a list) in cls. */
static void wrap_list(arena *a, value *l, const vclass *cls)
{
	for (uint32_t i = 0; l && l->kind == V_LIST && i < l->u.l->len; i++)
		if (l->u.l->items[i].kind == V_MAP)
			l->u.l->items[i] = v_obj(a, cls, l->u.l->items[i].u.m);
}

static value json_view(arena *a, value idx)
{
	value *entries = map_getc(idx.u.m, "entries");
	for (uint32_t i = 0; entries && entries->kind == V_MAP && i < entries->u.m->len; i++) {
		value *l = &entries->u.m->e[i].val;
		for (uint32_t j = 0; l->kind == V_LIST && j < l->u.l->len; j++) {
			value cv = l->u.l->items[j];
			if (cv.kind != V_MAP)
				continue;
			wrap_list(a, map_getc(cv.u.m, "maintainers"), &maint_cls);
			wrap_list(a, map_getc(cv.u.m, "dependencies"), &dep_cls);
		}
		wrap_list(a, l, &cv_cls);
	}
	return v_obj(a, &index_cls, idx.u.m);
}

/* fileutil.AtomicWriteFile: a temporary file beside path, renamed over it. */
static int write_index(arena *a, value idx, const char *path, bool json, const char **err)
{
	strbuf sb;
	sb_init(&sb, a);
	if (json ? json_emit_indent(&sb, json_view(a, idx), "  ", err) : yaml_emit(&sb, idx, err))
		return -1;
	const char *tmp = arena_sprintf(a, "%s%u", path, (unsigned)rand());
	FILE *fp = fopen(tmp, "wbx");
	if (!fp) {
		*err = arena_sprintf(a, "open %s: %s", tmp, repo_strerror(a, errno));
		return -1;
	}
	if (fwrite(sb.buf, 1, sb.len, fp) != sb.len || fclose(fp) || chmod(tmp, 0644) ||
	    rename(tmp, path)) {
		*err = arena_sprintf(a, "write %s: %s", tmp, repo_strerror(a, errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static value new_index(arena *a)
{
	value idx = v_map_new(a);
	map_setc(a, idx.u.m, "apiVersion", v_cstr(a, "v1"));
	map_setc(a, idx.u.m, "entries", v_map_new(a));
	map_setc(a, idx.u.m, "generated", v_cstr(a, repo_now(a)));
	return idx;
}

static int index_dir(arena *a, const char *dir, const char *base_url, value *out, const char **err)
{
	value idx = new_index(a);
	vmap *entries = map_getc(idx.u.m, "entries")->u.m;
	const char *pats[2] = {arena_sprintf(a, "%s/*.tgz", dir),
			       arena_sprintf(a, "%s/*/*.tgz", dir)};
	for (int p = 0; p < 2; p++) {
		glob_t gl;
		if (glob(pats[p], GLOB_PERIOD, NULL, &gl))
			continue;
		for (size_t i = 0; i < gl.gl_pathc; i++) {
			const char *rel = gl.gl_pathv[i] + strlen(dir) + 1;
			const char *slash = strrchr(rel, '/');
			const char *parent =
			    slash ? arena_strndup(a, rel, (size_t)(slash - rel)) : "";
			const char *file = slash ? slash + 1 : rel;
			const char *url = url_join(a, url_join(a, base_url, parent), file);
			const char *e2;
			value cv = index_entry(a, gl.gl_pathv[i], url, &e2);
			if (cv.kind == V_MAP)
				index_add(a, entries, cv);
		}
		globfree(&gl);
	}
	(void)err;
	*out = idx;
	return 0;
}

/* IndexFile.Merge: the versions of the index at path that idx lacks are added;
 * a missing file is first written as an empty index, as Helm does. */
static int index_merge(arena *a, value idx, const char *path, bool json, const char **err)
{
	value old;
	if (access(path, F_OK)) {
		old = new_index(a);
		if (write_index(a, old, path, json, err))
			return -1;
	} else if (repo_index_load(a, path, &old, err)) {
		*err = arena_sprintf(a, "merge failed: %s", *err);
		return -1;
	}
	vmap *entries = map_getc(idx.u.m, "entries")->u.m;
	value *oe = map_getc(old.u.m, "entries");
	for (uint32_t i = 0; oe && oe->kind == V_MAP && i < oe->u.m->len; i++) {
		value l = oe->u.m->e[i].val;
		for (uint32_t j = 0; l.kind == V_LIST && j < l.u.l->len; j++) {
			value cv = l.u.l->items[j];
			value *v = map_getc(cv.u.m, "version");
			if (v && v->kind == V_STRING &&
			    !index_has(entries, oe->u.m->e[i].key, v->u.s))
				index_add(a, entries, cv);
		}
	}
	return 0;
}

static int repo_index(arena *a, int argc, char **argv)
{
	globals g = {0};
	const char *url = "", *merge = "";
	bool json = false;
	const flag_def defs[] = {{"url", 0, FLAG_STRING, &url},
				 {"merge", 0, FLAG_STRING, &merge},
				 {"json", 0, FLAG_BOOL, &json},
				 GLOBAL_FLAGS(g),
				 {0}};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	if (pos.n != 1)
		return usage_error(a, "index", "requires 1 argument", "index [DIR] [flags]");
	if (!archive_read_chart)
		return cli_error("reading chart archives is not available in this build");
	const char *dir = pos.v[0];
	char cwd[4096];
	if (dir[0] != '/' && getcwd(cwd, sizeof cwd))
		dir = arena_sprintf(a, "%s/%s", cwd, dir);
	dir = clean(a, dir);
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	value idx;
	if (index_dir(a, dir, url, &idx, &err))
		return cli_error(err);
	if (*merge && index_merge(a, idx, merge, json, &err))
		return cli_error(err);
	repo_index_sort(a, idx);
	if (write_index(a, idx, arena_sprintf(a, "%s/index.yaml", dir), json, &err))
		return cli_error(err);
	return 0;
}

static const struct subcommand {
	const char *name, *alias;
	int (*run)(arena *a, int argc, char **argv);
} subcommands[] = {
    {"add", NULL, repo_add},	   {"list", "ls", repo_list},	{"remove", "rm", repo_remove},
    {"update", "up", repo_update}, {"index", NULL, repo_index},
};

int cmd_repo(arena *a, int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0); /* messages and errors interleave as Helm's do */
	if (argc < 1 || argv[0][0] == '-') {
		fputs("This command consists of multiple subcommands to interact with chart "
		      "repositories.\n\n"
		      "Usage:\n  render repo [command]\n\nAvailable Commands:\n  add, index, list, "
		      "remove, update\n",
		      stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (!strcmp(argv[0], subcommands[i].name) ||
		    (subcommands[i].alias && !strcmp(argv[0], subcommands[i].alias)))
			return subcommands[i].run(a, argc - 1, argv + 1);
	return cli_error(arena_sprintf(a, "unknown command \"%s\" for \"helm repo\"", argv[0]));
}
