/* pull.c - `render pull repo/chart | URL | chart --repo URL`, as Helm 3.17.3 does it:
 * the chart archive NAME-VERSION.tgz is written to --destination, or unpacked
 * under --untardir with --untar. Deliberate difference: when the index gives a
 * digest, the download is checked against it (Helm 3 does not), and nothing
 * is left in the destination when it does not match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../chart/archive.h"
#include "../net/oci.h"
#include "../net/repo.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"

#pragma weak archive_read_chart

typedef struct pull_opts {
	const char *version, *dest, *untardir, *repo_url, *username, *password, *ca_file,
	    *cert_file, *key_file;
	const char *keyring, *repo_config, *repo_cache, *ns, *kube_context, *registry_config;
	bool devel, untar, pass_credentials, insecure, plain_http, prov, verify, debug;
} pull_opts;

/* What to download: the URL, the digest the index gives, and how to talk to the host. */
typedef struct target {
	const char *url, *digest, *repo_url;
	http_opts http;
	bool pass_credentials;
} target;

/* "scheme://host" of a URL, for the rule that credentials go to the repository's host only. */
static const char *origin(arena *a, const char *url)
{
	const char *sep = strstr(url, "://");
	if (!sep)
		return "";
	return arena_strndup(a, url, (size_t)(sep + 3 + strcspn(sep + 3, "/?#") - url));
}

/* Applies a repository entry's TLS files and credentials over the flags, as Helm's options do. */
static void apply_entry(target *t, const repo_entry *e)
{
	t->repo_url = e->url;
	if (*e->cert_file || *e->key_file || *e->ca_file) {
		t->http.cert_file = e->cert_file;
		t->http.key_file = e->key_file;
		t->http.ca_file = e->ca_file;
	}
	if (*e->username && *e->password) {
		t->http.username = e->username;
		t->http.password = e->password;
		t->pass_credentials = e->pass_credentials;
	}
	t->http.insecure = t->http.insecure || e->insecure;
}

static int find_version(arena *a, value idx, const char *cname, const char *version,
			const char **url, const char **digest, const char **err)
{
	vmap *cv = repo_index_get(a, idx, cname, version, err);
	if (!cv)
		return -1;
	value *urls = map_getc(cv, "urls"), *d = map_getc(cv, "digest");
	if (!urls || urls->kind != V_LIST || !urls->u.l->len ||
	    urls->u.l->items[0].kind != V_STRING) {
		*err = "no downloadable URLs";
		return 1;
	}
	*url = urls->u.l->items[0].u.s;
	/* only a SHA-256 in hex is checked (Helm itself checks none) */
	*digest = d && d->kind == V_STRING && d->len == 64 &&
			  strspn(d->u.s, "0123456789abcdefABCDEF") == 64
		      ? d->u.s
		      : "";
	return 0;
}

/* repo.FindChartInAuthAndTLSAndPassRepoURL: the chart's absolute URL in the repository at --repo.
 */
static int resolve_repo_flag(arena *a, const pull_opts *o, const char *cname, target *t,
			     const char **err)
{
	repo_entry e = {.name = "",
			.url = o->repo_url,
			.username = t->http.username,
			.password = t->http.password,
			.ca_file = t->http.ca_file,
			.cert_file = t->http.cert_file,
			.key_file = t->http.key_file,
			.insecure = t->http.insecure,
			.pass_credentials = t->pass_credentials};
	value idx;
	if (repo_download_index(a, &e, NULL, NULL, &idx, err)) {
		*err = arena_sprintf(
		    a, "looks like \"%s\" is not a valid chart repository or cannot be reached: %s",
		    http_redact(a, o->repo_url), *err);
		return -1;
	}
	const char *what = *o->version
			       ? arena_sprintf(a, "chart \"%s\" version \"%s\"", cname, o->version)
			       : arena_sprintf(a, "chart \"%s\"", cname);
	const char *url, *e2;
	int rc = find_version(a, idx, cname, o->version, &url, &t->digest, &e2);
	if (rc < 0) {
		*err = arena_sprintf(a, "%s not found in %s repository", what,
				     http_redact(a, o->repo_url));
		return -1;
	}
	if (rc > 0) {
		*err = arena_sprintf(a, "%s has no downloadable URLs", what);
		return -1;
	}
	t->url = repo_resolve_url(a, o->repo_url, url);
	t->repo_url = o->repo_url;
	return 0;
}

/* Whether the cached index at path lists url among its download URLs (scanReposForURL;
 * an index that cannot be read is passed over, where Helm stops with an error). */
static bool index_has_url(arena *a, const char *path, const char *url)
{
	value idx;
	const char *err;
	if (repo_index_load(a, path, &idx, &err))
		return false;
	value *en = map_getc(idx.u.m, "entries");
	for (uint32_t j = 0; en && en->kind == V_MAP && j < en->u.m->len; j++) {
		value l = en->u.m->e[j].val;
		for (uint32_t k = 0; l.kind == V_LIST && k < l.u.l->len; k++) {
			value *u = map_getc(l.u.l->items[k].u.m, "urls");
			for (uint32_t m = 0; u && u->kind == V_LIST && m < u->u.l->len; m++)
				if (u->u.l->items[m].kind == V_STRING &&
				    !strcmp(u->u.l->items[m].u.s, url))
					return true;
		}
	}
	return false;
}

/* ChartDownloader.ResolveChartVersion for `repo/chart` and absolute URLs. */
static int resolve(arena *a, const pull_opts *o, const char *ref, target *t, const char **err)
{
	repo_file f;
	if (repo_file_load(a, repo_config_file(a, o->repo_config), &f, NULL, err))
		return -1;
	const char *cache = repo_cache_dir(a, o->repo_cache);
	const char *sep = strstr(ref, "://");
	if (sep && !sep[3 + strcspn(sep + 3, "/?#")]) {
		*err = arena_sprintf(
		    a, "non-absolute URLs should be in form of repo_name/path_to_chart, got: %s",
		    http_redact(a, ref));
		return -1;
	}
	if (sep && sep[3] == '/')
		ref = sep + 3; /* no host (file:///x): the path is read as repo/chart */
	else if (sep) {
		const char *scheme = repo_url_scheme(a, ref);
		if (scheme && strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
			*err = arena_sprintf(a, "scheme \"%s\" not supported", scheme);
			return -1;
		}
		t->url = ref;
		t->repo_url = ref;
		for (size_t i = 0; i < f.n; i++) {
			if (index_has_url(
				a, arena_sprintf(a, "%s/%s-index.yaml", cache, f.v[i].name), ref)) {
				apply_entry(t, &f.v[i]);
				break;
			}
		}
		return 0;
	}
	const char *cname;
	repo_entry *e = repo_for_ref(a, &f, ref, &cname, err);
	if (!e)
		return -1;
	const char *name = e->name;
	apply_entry(t, e);
	value idx;
	if (repo_index_load(a, arena_sprintf(a, "%s/%s-index.yaml", cache, name), &idx, err)) {
		*err = arena_sprintf(a, "no cached repo found. (try 'helm repo update'): %s", *err);
		return -1;
	}
	const char *url;
	int rc = find_version(a, idx, cname, o->version, &url, &t->digest, err);
	if (rc < 0) {
		*err = arena_sprintf(
		    a,
		    "chart \"%s\" matching %s not found in %s index. (try 'helm repo update'): %s",
		    cname, o->version, name, *err);
		return -1;
	}
	if (rc > 0) {
		*err = arena_sprintf(a, "chart \"%s\" has no downloadable URLs", ref);
		return -1;
	}
	t->url = repo_resolve_url(a, e->url, url);
	return 0;
}

static const char *base_name(const char *path)
{
	size_t n = strcspn(path, "?#");
	const char *s = path + n;
	while (s > path && s[-1] != '/')
		s--;
	return s;
}

static const char *path_join(arena *a, const char *x, const char *y)
{
	if (!strcmp(x, ".") || !*x)
		return y;
	if (!strcmp(y, "."))
		return x;
	return arena_sprintf(a, "%s/%s", x, y);
}

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

/* chartutil.ExpandFile: the files under dir/<name from Chart.yaml>/. */
static int expand(arena *a, const char *dir, const chart_file *files, size_t n, const char **err)
{
	const char *name = "";
	for (size_t i = 0; i < n; i++) {
		value meta;
		const char *e2;
		if (!strcmp(files[i].name, "Chart.yaml") &&
		    !yaml_load(a, files[i].data, files[i].len, &meta, &e2) && meta.kind == V_MAP) {
			value *v = map_getc(meta.u.m, "name");
			if (v && v->kind == V_STRING)
				name = v->u.s;
		}
	}
	if (!*name || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, ".")) {
		*err = "chart name not specified";
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const char *fn = files[i].name;
		if (fn[0] == '/' || strstr(fn, "../") || !strcmp(fn, "..") ||
		    (strlen(fn) >= 3 && !strcmp(fn + strlen(fn) - 3, "/.."))) {
			*err = arena_sprintf(
			    a, "chart illegally references a path outside its folder: %s", fn);
			return -1;
		}
		const char *out = arena_sprintf(a, "%s/%s", path_join(a, dir, name), fn);
		const char *slash = strrchr(out, '/');
		if (mkdirs(a, arena_strndup(a, out, (size_t)(slash - out)))) {
			*err = arena_sprintf(a, "mkdir %s: %s", out, repo_strerror(a, errno));
			return -1;
		}
		FILE *fp = fopen(out, "wb");
		if (!fp || fwrite(files[i].data, 1, files[i].len, fp) != files[i].len ||
		    fclose(fp)) {
			*err = arena_sprintf(a, "open %s: %s", out, repo_strerror(a, errno));
			return -1;
		}
	}
	return 0;
}

/* Unpacks a downloaded archive (what names it in errors) under --untardir. */
static int untar_data(arena *a, const pull_opts *o, const char *ref, const char *what,
		      const char *data, size_t len, const char **err)
{
	if (!archive_read_chart) {
		*err = "reading chart archives is not available in this build";
		return -1;
	}
	chart_file *files;
	size_t n;
	if (archive_read_chart(a, what, data, len, &files, &n, err))
		return -1;
	const char *ud = o->untardir[0] == '/' ? o->untardir : path_join(a, o->dest, o->untardir);
	const char *check = strcmp(ud, ".") ? path_join(a, ud, base_name(ref)) : base_name(ref);
	struct stat st;
	if (!stat(check, &st)) {
		*err = arena_sprintf(
		    a, "failed to untar: a file or directory with the name %s already exists",
		    check);
		return -1;
	}
	if (mkdirs(a, check)) {
		*err = arena_sprintf(a, "failed to untar (mkdir): mkdir %s: %s", check,
				     repo_strerror(a, errno));
		return -1;
	}
	return expand(a, ud, files, n, err);
}

static int untar(arena *a, const pull_opts *o, const char *ref, const target *t, const char **err)
{
	char *data;
	size_t len;
	if (http_get(a, t->url, &t->http, &data, &len, err))
		return -1;
	if (*t->digest && strcasecmp(http_sha256_hex(a, data, len), t->digest)) {
		*err = arena_sprintf(
		    a,
		    "digest mismatch for %s: the index says sha256:%s, the download is sha256:%s",
		    http_redact(a, t->url), t->digest, http_sha256_hex(a, data, len));
		return -1;
	}
	return untar_data(a, o, ref, base_name(t->url), data, len, err);
}

/* oci://host/path/chart[:tag]: pulled with every digest checked, then written as
 * NAME-VERSION.tgz (the name and tag of the reference) or unpacked. */
static int write_new(arena *a, const char *dest, const char *data, size_t len, const char **err);

static int pull_oci(arena *a, const pull_opts *o, const char *ref, const char **err)
{
	oci_opts oo = {.ca_file = o->ca_file,
		       .cert_file = o->cert_file,
		       .key_file = o->key_file,
		       .username = o->username,
		       .password = o->password,
		       .registry_config = o->registry_config,
		       .insecure = o->insecure,
		       .plain_http = o->plain_http};
	oci_chart ch;
	if (oci_pull(a, ref, o->version, &oo, &ch, err))
		return -1;
	oci_print_result("Pulled", ch.ref, ch.digest);
	const char *file = oci_file_name(a, ch.ref);
	const char *data = ch.data;
	size_t len = ch.len;
	if (!o->untar && write_new(a, path_join(a, o->dest, file), data, len, err))
		return -1;
	if (o->prov) { /* Helm pulls again for the provenance layer; a missing one only warns */
		oo.with_prov = true;
		if (oci_pull(a, ref, o->version, &oo, &ch, err)) {
			printf("WARNING: Verification not found for %s: %s\n", ref, *err);
		} else {
			oci_print_result("Pulled", ch.ref, ch.digest);
			if (!o->untar &&
			    write_new(a, path_join(a, o->dest, arena_sprintf(a, "%s.prov", file)),
				      ch.prov, ch.prov_len, err))
				return -1;
		}
	}
	return o->untar ? untar_data(a, o, ref, file, data, len, err) : 0;
}

/* Writes data to dest through a temporary file renamed into place. */
static int write_new(arena *a, const char *dest, const char *data, size_t len, const char **err)
{
	const char *tmp = arena_sprintf(a, "%s.partXXXXXX", dest);
	int fd = mkstemp((char *)tmp);
	FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) || chmod(tmp, 0644) ||
	    rename(tmp, dest)) {
		*err = arena_sprintf(a, "open %s: %s", dest, repo_strerror(a, errno));
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	return 0;
}

static int pull_one(arena *a, const pull_opts *o, const char *ref, const char **err)
{
	target t = {.http = {.username = o->username,
			     .password = o->password,
			     .ca_file = o->ca_file,
			     .cert_file = o->cert_file,
			     .key_file = o->key_file,
			     .insecure = o->insecure,
			     .accept = "application/gzip,application/octet-stream",
			     .max_size = (size_t)100 << 20},
		    .pass_credentials = o->pass_credentials,
		    .digest = ""};
	if (!strncmp(ref, "oci://", 6))
		return pull_oci(a, o, ref, err);
	if (*o->repo_url) {
		if (resolve_repo_flag(a, o, ref, &t, err))
			return -1;
	} else if (resolve(a, o, ref, &t, err)) {
		return -1;
	}
	if (t.http.username && *t.http.username && !t.pass_credentials &&
	    strcmp(origin(a, t.url), origin(a, t.repo_url))) {
		t.http.username = NULL;
		t.http.password = NULL;
	}
	if (!*base_name(t.url)) {
		*err = arena_sprintf(a, "invalid chart URL format: %s", http_redact(a, t.url));
		return -1;
	}
	if (o->untar)
		return untar(a, o, *o->repo_url ? t.url : ref, &t, err);
	const char *dest = path_join(a, o->dest, base_name(t.url));
	return http_get_file(a, t.url, &t.http, dest, t.digest, err);
}

int cmd_pull(arena *a, int argc, char **argv)
{
	pull_opts o = {.version = "", .dest = ".", .untardir = ".", .repo_url = ""};
	const flag_def defs[] = {
	    {"version", 0, FLAG_STRING, &o.version},
	    {"devel", 0, FLAG_BOOL, &o.devel},
	    {"destination", 'd', FLAG_STRING, &o.dest},
	    {"untar", 0, FLAG_BOOL, &o.untar},
	    {"untardir", 0, FLAG_STRING, &o.untardir},
	    {"repo", 0, FLAG_STRING, &o.repo_url},
	    {"username", 0, FLAG_STRING, &o.username},
	    {"password", 0, FLAG_STRING, &o.password},
	    {"pass-credentials", 0, FLAG_BOOL, &o.pass_credentials},
	    {"ca-file", 0, FLAG_STRING, &o.ca_file},
	    {"cert-file", 0, FLAG_STRING, &o.cert_file},
	    {"key-file", 0, FLAG_STRING, &o.key_file},
	    {"insecure-skip-tls-verify", 0, FLAG_BOOL, &o.insecure},
	    {"plain-http", 0, FLAG_BOOL, &o.plain_http},
	    {"prov", 0, FLAG_BOOL, &o.prov},
	    {"verify", 0, FLAG_BOOL, &o.verify},
	    {"keyring", 0, FLAG_STRING, &o.keyring},
	    {"repository-config", 0, FLAG_STRING, &o.repo_config},
	    {"repository-cache", 0, FLAG_STRING, &o.repo_cache},
	    {"debug", 0, FLAG_BOOL, &o.debug},
	    {"namespace", 'n', FLAG_STRING, &o.ns},
	    {"kube-context", 0, FLAG_STRING, &o.kube_context},
	    {"registry-config", 0, FLAG_STRING, &o.registry_config},
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	if (!pos.n)
		return cli_error(
		    "\"helm pull\" requires at least 1 argument\n\nUsage:  helm pull [chart URL | "
		    "repo/chartname] [...] [flags]");
	if (o.verify || (o.prov && strncmp(pos.v[0], "oci://", 6)))
		return cli_error("--verify and --prov are not supported by render");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!*o.version && o.devel)
		o.version = ">0.0.0-0";
	for (size_t i = 0; i < pos.n; i++)
		if (pull_one(a, &o, pos.v[i], &err))
			return cli_error(err);
	return 0;
}
