/* lint.c - `render lint [CHART...]`: Helm 3.17.3's `helm lint` report.
 *
 * The rules live in chart/lint.c; this file finds the charts (--with-subcharts
 * walks charts/ for folders and archives, an archive is unpacked into a
 * temporary folder as Helm does), prints each chart's messages under its
 * "==> Linting" header, and ends with Helm's summary and exit status. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../chart/archive.h"
#include "../chart/lint.h"
#include "../functions/functions.h"
#include "../functions/semver.h"
#include "../net/kube.h"
#include "../net/kubeconfig.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"

struct lint_cli {
	values_opts vo;
	kube_opts ko; /* Helm's global flags; only the namespace matters */
	const char *kube_version;
	bool strict, with_subcharts, quiet, skip_schema;
};

static const char *clean(arena *a, const char *p)
{
	return go_path_clean(a, p, strlen(p));
}

static const char *path_join(arena *a, const char *dir, const char *name)
{
	return clean(a, arena_sprintf(a, "%s/%s", dir, name));
}

static const char *path_dir(arena *a, const char *p)
{
	const char *slash = strrchr(p, '/');
	if (!slash)
		return ".";
	return clean(a, arena_strndup(a, p, (size_t)(slash - p + 1)));
}

static const char *path_abs(arena *a, const char *p)
{
	if (*p == '/')
		return clean(a, p);
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)))
		return clean(a, p);
	return path_join(a, cwd, p);
}

static bool is_archive(const char *p)
{
	size_t n = strlen(p);
	return (n >= 4 && !strcmp(p + n - 4, ".tgz")) || (n >= 7 && !strcmp(p + n - 7, ".tar.gz"));
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* filepath.Walk over dir in lexical order, collecting chart folders and archives. */
static void walk_charts(arena *a, const char *dir, strlist *paths, int depth)
{
	struct stat root;
	if (depth == 0 && (lstat(dir, &root) != 0 || !S_ISDIR(root.st_mode)))
		return; /* Walk does not follow a symbolic link at its root */
	DIR *d = depth < 64 ? opendir(dir) : NULL;
	if (!d)
		return;
	strlist names = {0};
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			strlist_push(a, &names, arena_strdup(a, e->d_name));
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_names);
	for (size_t i = 0; i < names.n; i++) {
		const char *p = arena_sprintf(a, "%s/%s", dir, names.v[i]);
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (!strcmp(names.v[i], "Chart.yaml"))
			strlist_push(a, paths, path_dir(a, p));
		else if (is_archive(p))
			strlist_push(a, paths, p);
		if (S_ISDIR(st.st_mode))
			walk_charts(a, p, paths, depth + 1);
	}
}

static void remove_tree(arena *a, const char *p)
{
	struct stat st;
	if (lstat(p, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(p);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				remove_tree(a, arena_sprintf(a, "%s/%s", p, e->d_name));
		if (d)
			closedir(d);
		rmdir(p);
		return;
	}
	unlink(p);
}

static int write_file_at(arena *a, const char *root, const char *name, const chart_file *f)
{
	const char *path = arena_sprintf(a, "%s/%s/%s", root, name, f->name);
	for (const char *s = path + strlen(root) + 1; (s = strchr(s, '/')); s++)
		mkdir(arena_strndup(a, path, (size_t)(s - path)), 0755);
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return -1;
	size_t w = fwrite(f->data, 1, f->len, fp);
	return fclose(fp) == 0 && w == f->len ? 0 : -1;
}

/* Helm's lintChart for an archive: unpack into a temporary folder named after
 * the chart; *tmp is the folder to remove afterwards. */
static int unpack_archive(arena *a, const char *path, const char **dir, const char **tmp,
			  const char **err)
{
	const char *data;
	size_t len;
	chart_file *files;
	size_t n;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		*err = arena_sprintf(a, "unable to extract tarball: read %s: is a directory", path);
		return -1;
	}
	if (read_whole_file(a, path, &data, &len, err) != 0) {
		*err = arena_sprintf(a, "unable to open tarball: %s", *err);
		return -1;
	}
	if (archive_read_chart_data(a, path, data, len, &files, &n, err) != 0) {
		*err = arena_sprintf(a, "unable to extract tarball: %s", *err);
		return -1;
	}
	const char *name = NULL;
	for (size_t i = 0; i < n; i++) {
		value meta;
		const char *e = NULL;
		if (strcmp(files[i].name, "Chart.yaml"))
			continue;
		if (yaml_load(a, files[i].data, files[i].len, &meta, &e) == 0 &&
		    meta.kind != V_MAP && meta.kind != V_NIL)
			e = arena_sprintf(
			    a,
			    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
			    "%s into Go value of type chart.Metadata",
			    meta.kind == V_LIST	    ? "array"
			    : meta.kind == V_STRING ? "string"
			    : meta.kind == V_BOOL   ? "bool"
						    : "number");
		if (!e)
			e = lint_metadata_type_error(a, meta);
		if (e) {
			*err = arena_sprintf(
			    a, "unable to extract tarball: cannot load Chart.yaml: %s", e);
			return -1;
		}
		value *v = meta.kind == V_MAP ? map_getc(meta.u.m, "name") : NULL;
		name = v && v->kind == V_STRING ? v->u.s : NULL;
	}
	if (!name || !*name) {
		*err = "unable to extract tarball: chart name not specified";
		return -1;
	}
	if (strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, ".")) {
		*err = arena_sprintf(
		    a, "unable to extract tarball: chart name %s is not a folder name", name);
		return -1;
	}
	const char *td = getenv("TMPDIR");
	char *t = arena_sprintf(a, "%s/helm-lintXXXXXX", td && *td ? td : "/tmp");
	if (!mkdtemp(t)) {
		*err = arena_sprintf(a, "unable to create temp dir to extract tarball: %s",
				     strerror(errno));
		return -1;
	}
	*tmp = t;
	mkdir(arena_sprintf(a, "%s/%s", t, name), 0755);
	for (size_t i = 0; i < n; i++)
		if (write_file_at(a, t, name, &files[i]) != 0) {
			*err = arena_sprintf(a, "unable to extract tarball: cannot write %s",
					     files[i].name);
			return -1;
		}
	*dir = arena_sprintf(a, "%s/%s", t, name);
	return 0;
}

/* action.Lint.Run for one path: the messages, or *err when it is not a chart. */
static int lint_path(arena *a, const char *path, vmap *user, const lint_opts *lo, lint_result *res,
		     strbuf *log, const char **err)
{
	const char *dir = path, *tmp = NULL;
	int rc = 0;
	if (is_archive(path) && unpack_archive(a, path, &dir, &tmp, err) != 0) {
		rc = -1;
		goto out;
	}
	const char *cy = path_join(a, dir, "Chart.yaml");
	struct stat st;
	if (stat(cy, &st) != 0) {
		char *e = arena_strdup(a, strerror(errno));
		e[0] = (char)(e[0] >= 'A' && e[0] <= 'Z' ? e[0] + 32 : e[0]);
		*err = arena_sprintf(a, "unable to check Chart.yaml file in chart: stat %s: %s", cy,
				     e);
		rc = -1;
		goto out;
	}
	lint_all(a, path_abs(a, dir), user, lo, res, log);
out:
	if (tmp)
		remove_tree(a, tmp);
	return rc;
}

/* One chart's report into out; returns true when it failed. */
static bool report(arena *a, const struct lint_cli *o, const char *path, vmap *user,
		   const lint_opts *lo, strbuf *out, strbuf *log, size_t *noisy)
{
	lint_result res = {0};
	const char *err = NULL;
	lint_path(a, path, user, lo, &res, log, &err);
	int tolerance = o->strict ? LINT_WARNING : LINT_ERROR;
	bool failed = err != NULL, loud = err != NULL;
	for (size_t i = 0; i < res.n; i++) {
		failed = failed || res.msgs[i].sev >= tolerance;
		loud = loud || res.msgs[i].sev > LINT_INFO;
	}
	*noisy += loud;
	if (o->quiet && !loud)
		return failed;
	sb_addf(out, "==> Linting %s\n", path);
	if (!res.n && err)
		sb_addf(out, "Error %s\n", err);
	for (size_t i = 0; i < res.n; i++)
		if (!o->quiet || res.msgs[i].sev > LINT_INFO)
			sb_addf(out, "%s\n", lint_msg_string(a, &res.msgs[i]));
	sb_addc(out, '\n');
	return failed;
}

static int kube_version(arena *a, const char *v, lint_opts *lo, const char **err)
{
	capabilities_default(a, &lo->caps);
	lo->kube_major = 1;
	lo->kube_minor = 32;
	if (!v || !*v)
		return 0;
	if (!semver_valid(a, v)) { /* capabilities_set_kube_version accepts "1.21+" */
		*err = arena_sprintf(a, "invalid kube version '%s': Invalid Semantic Version", v);
		return -1;
	}
	if (capabilities_set_kube_version(a, &lo->caps, v, err) != 0)
		return -1;
	lo->kube_major = atoi(lo->caps.kube_major);
	lo->kube_minor = atoi(lo->caps.kube_minor);
	return 0;
}

int cmd_lint(arena *a, int argc, char **argv)
{
	struct lint_cli o = {0};
	const flag_def defs[] = {
	    VALUES_FLAGS(o.vo),
	    KUBE_FLAGS(o.ko),
	    {"kube-version", 0, FLAG_STRING, &o.kube_version},
	    {"strict", 0, FLAG_BOOL, &o.strict},
	    {"with-subcharts", 0, FLAG_BOOL, &o.with_subcharts},
	    {"quiet", 0, FLAG_BOOL, &o.quiet},
	    {"skip-schema-validation", 0, FLAG_BOOL, &o.skip_schema},
	    {0},
	};
	strlist paths = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &paths, &err) != 0)
		return cli_error(err);
	if (paths.n == 0)
		strlist_push(a, &paths, ".");
	/* settings.Namespace(): the flag, HELM_NAMESPACE, (the kubeconfig context's
	 * namespace is not read here), else "default" */
	kubeconfig_env(&o.ko);
	const char *ns = o.ko.namespace;
	lint_opts lo = {.namespace = ns && *ns ? ns : "default", .skip_schema = o.skip_schema};
	if (kube_version(a, o.kube_version, &lo, &err) != 0)
		return cli_error(err);
	if (o.with_subcharts)
		for (size_t i = 0, n = paths.n; i < n; i++)
			walk_charts(a, path_join(a, paths.v[i], "charts"), &paths, 0);
	vmap *user;
	if (values_from_flags(a, &o.vo, paths.v[0], &user, &err) != 0)
		return cli_error(err);
	strbuf out, log;
	sb_init(&out, a);
	size_t failed = 0, noisy = 0;
	for (size_t i = 0; i < paths.n; i++) {
		sb_init(&log, a);
		failed += report(a, &o, paths.v[i], user, &lo, &out, &log, &noisy);
		if (log.len)
			fwrite(log.buf, 1, log.len, stderr);
	}
	if (write_stdout(out.buf ? out.buf : "", out.len) != 0)
		return cli_error("write error on standard output");
	const char *summary =
	    arena_sprintf(a, "%zu chart(s) linted, %zu chart(s) failed", paths.n, failed);
	if (failed)
		return cli_error(summary);
	if (!o.quiet || noisy) {
		sb_init(&out, a);
		sb_addf(&out, "%s\n", summary);
		if (write_stdout(out.buf, out.len) != 0)
			return cli_error("write error on standard output");
	}
	return 0;
}
