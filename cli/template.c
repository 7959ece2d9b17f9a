/* template.c - `render template [NAME] [CHART]`: render a chart locally and
 * print it as `helm template` does (CRDs with --include-crds, then manifests
 * in install order, then hooks), all of it or nothing; --post-renderer pipes
 * the CRDs and manifests (never the hooks) through an executable first, and
 * --dry-run=server (none, false) lets lookup ask the cluster, as Helm's does. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../chart/pipeline.h"
#include "../chart/postrender.h"
#include "../release/lookup.h"
#include "../functions/functions.h"
#include "../renderer/template.h"
#include "../net/oci.h"
#include "../values/gofmt.h"
#include "../values/strbuf.h"
#include "commands.h"
#include "common.h"
#include "dependency.h"
#include "install.h"
#include "postrender_flags.h"

struct template_opts {
	values_opts vo;
	const char *namespace, *kube_version, *output_dir, *name_template;
	strlist api_versions, show_only;
	pr_flags pr; /* --post-renderer, --post-renderer-args */
	bool include_crds, skip_crds, no_hooks, skip_tests, is_upgrade, release_name_dir;
	bool generate_name, validate, debug, dry_run_dummy, devel, skip_schema, dep_update;
	const char *version, *description, *repo, *timeout;
	oci_opts oci;	     /* oci:// charts */
	kube_opts ko;	     /* the cluster --dry-run=server (or none, false) asks for lookups */
	bool lookup;	     /* that --dry-run */
	const char *dry_run; /* --dry-run's value, "" when none */
	/* install's flags, which Helm's template shares and ignores */
	bool ignored, verify;
	const char *keyring;
	strlist labels;
};

static bool valid_release_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 53)
		return false;
	/* dot-separated labels of [a-z0-9-], each starting and ending alphanumeric */
	const char *p = s;
	while (*p) {
		const char *start = p;
		while (*p && *p != '.') {
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
				return false;
			p++;
		}
		if (p == start || start[0] == '-' || p[-1] == '-')
			return false;
		if (*p == '.' && !*++p)
			return false;
	}
	return true;
}

static void add_doc(strbuf *sb, const char *path, const char *content)
{
	sb_adds(sb, "---\n# Source: ");
	sb_adds(sb, path);
	sb_addc(sb, '\n');
	sb_adds(sb, content);
	sb_addc(sb, '\n');
}

static bool has_manifest_ext(const char *n)
{
	size_t l = strlen(n);
	return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(n + l - 5, ".json"));
}

/* writeToFile: "---\n# Source: NAME\nDATA\n" into DIR/NAME, appended to it or
 * truncating it, and a "wrote" line for the log. */
static int write_out_file(arena *a, const char *dir, const char *name, const char *data,
			  bool append, strbuf *log, const char **err)
{
	const char *path = arena_sprintf(a, "%s/%s", dir, name);
	char *tmp = arena_strdup(a, path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
				*err = arena_sprintf(a, "mkdir %s: %s", tmp, strerror(errno));
				return -1;
			}
			*p = '/';
		}
	FILE *f = fopen(path, append ? "a" : "w");
	if (!f) {
		*err = arena_sprintf(a, "open %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "---\n# Source: %s\n%s\n", name, data);
	if (fclose(f) != 0) {
		*err = arena_sprintf(a, "write %s: %s", path, strerror(errno));
		return -1;
	}
	sb_addf(log, "wrote %s\n", path);
	return 0;
}

/* Where documents go: the output, or files under --output-dir (the first write of
 * a file in a run truncates it, later ones append, as Helm's fileWritten map). */
struct sink {
	strbuf *out, *log;
	const char *dir;
	vmap *written;
};

static int sink_doc(arena *a, struct sink *s, const char *path, const char *content, bool append,
		    const char **err)
{
	if (!s->dir) {
		add_doc(s->out, path, content);
		return 0;
	}
	if (write_out_file(a, s->dir, path, content, append, s->log, err) != 0)
		return -1;
	map_setc(a, s->written, path, v_bool(true));
	return 0;
}

static int add_crds(arena *a, struct sink *s, const chart *c, const char **err)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		if (strncmp(c->files[i].name, "crds/", 5) || !has_manifest_ext(c->files[i].name))
			continue;
		const char *path =
		    arena_sprintf(a, "%s/%s", chart_full_path(a, c), c->files[i].name);
		if (sink_doc(a, s, path, c->files[i].data, map_getc(s->written, path) != NULL, err))
			return -1;
	}
	for (size_t i = 0; i < c->ndeps; i++)
		if (add_crds(a, s, c->deps[i], err) != 0)
			return -1;
	return 0;
}

static bool go_space(int32_t r)
{
	return (r >= 9 && r <= 13) || r == ' ' || r == 0x85 || r == 0xA0 || r == 0x1680 ||
	       (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F ||
	       r == 0x205F || r == 0x3000;
}

/* strings.TrimSpace of the n bytes at s (a post-renderer's output may hold any
 * bytes): the span that stays. */
static void trim_span(const char *s, size_t n, size_t *from, size_t *to)
{
	/* Go's strings.TrimSpace: Unicode spaces off both ends, the middle untouched */
	size_t start = 0, end = n;
	while (start < end) {
		int32_t r;
		int w = go_rune_at(s + start, end - start, &r);
		if (!go_space(r))
			break;
		start += (size_t)w;
	}
	while (end > start) {
		size_t b = end - 1;
		while (b > start && end - b < 4 && ((unsigned char)s[b] & 0xC0) == 0x80)
			b--;
		int32_t r;
		int w = go_rune_at(s + b, end - b, &r);
		if (b + (size_t)w != end || !go_space(r))
			break; /* an invalid last byte is U+FFFD, not a space */
		end = b;
	}
	*from = start;
	*to = end;
}

static void add_trimmed(strbuf *sb, const char *s, size_t n)
{
	size_t from, to;
	trim_span(s, n, &from, &to);
	sb_add(sb, s + from, to - from);
}

/* Pipes the manifest through --post-renderer as renderResources does: under
 * --output-dir the documents went to files and the post-renderer reads nothing;
 * its output is printed either way. */
static int post_render(arena *a, struct template_opts *o, const pipeline_result *pr,
		       const char **text, size_t *len, const char **err)
{
	strbuf in;
	sb_init(&in, a);
	if (!o->output_dir)
		postrender_join(&in, pr, o->include_crds);
	const char *e;
	if (postrender_run(a, o->pr.path, o->pr.args.v, o->pr.args.n, in.buf ? in.buf : "", in.len,
			   text, len, &e) != 0) {
		*err = arena_sprintf(a, "error while running post render on files: %s", e);
		return -1;
	}
	return 0;
}

/* Helm's interactWithRemote (--dry-run=server, none or false): lookup asks the
 * cluster, capabilities stay the defaults. The configuration is loaded first,
 * as ToRESTConfig is, so that its error stops the render before any template. */
static int template_kube(arena *a, struct template_opts *o, render_opts *ro, const char **err)
{
	kube_opts ko = o->ko;
	kube_config cfg;
	ko.namespace = o->namespace;
	kubeconfig_env(&ko);
	if (kubeconfig_load(a, &ko, &cfg, err) != 0) {
		*err = arena_sprintf(a, "%s\n\nUse --debug flag to render out invalid YAML", *err);
		return -1;
	}
	ro->lookup = release_lookup;
	ro->lookup_ctx = kube_new(a, &ko);
	return 0;
}

/* --show-only: keep the documents whose "# Source: chart/PATH" matches a pattern. */
static int show_only(arena *a, const char *all, const strlist *pats, strbuf *out, const char **err)
{
	const char **docs;
	size_t nd = manifest_split(a, all, &docs);
	for (size_t p = 0; p < pats->n; p++) {
		bool missing = true;
		for (size_t i = 0; i < nd; i++) {
			const char *src = strstr(docs[i], "# Source: ");
			if (!src)
				continue;
			src += 10;
			const char *slash = strchr(src, '/');
			const char *nl = strchr(src, '\n');
			if (!slash || (nl && slash > nl) || slash == src)
				continue;
			const char *path = arena_strndup(
			    a, slash + 1, nl ? (size_t)(nl - slash - 1) : strlen(slash + 1));
			if (fnmatch(pats->v[p], path, FNM_PATHNAME) != 0)
				continue;
			sb_adds(out, "---\n");
			sb_adds(out, docs[i]);
			sb_addc(out, '\n');
			missing = false;
		}
		if (missing) {
			*err = arena_sprintf(a, "could not find template %s in chart", pats->v[p]);
			return -1;
		}
	}
	return 0;
}

static int render_chart(arena *a, struct template_opts *o, const char *name, const char *dir,
			strbuf *out, const char **err)
{
	vmap *user;
	chart *c;
	if (!strncmp(dir, "oci://", 6) && oci_fetch_chart(a, dir,
							  o->version && *o->version ? o->version
							  : o->devel		    ? ">0.0.0-0"
										    : "",
							  &o->oci, &dir, err))
		return -1;
	if (dependency_locate(a, &dir, o->version, o->repo, o->devel, err) != 0 ||
	    values_from_flags(a, &o->vo, dir, &user, err) != 0)
		return -1;
	if (o->verify) { /* LocateChart's verification: render cannot check signatures */
		struct stat st;
		const char *prov = arena_sprintf(a, "%s.prov", dir);
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			*err = "unpacked charts cannot be verified";
		else if (stat(prov, &st) != 0)
			*err = arena_sprintf(a,
					     "could not load provenance file %s: stat %s: no such "
					     "file or directory",
					     prov, prov);
		else
			*err = "--verify is not supported by render";
		return -1;
	}
	if (chart_load_dir(a, dir, &c, err) != 0 ||
	    (o->dep_update && dependency_ensure(a, dir, &c, err) != 0))
		return -1;
	value *dep = map_getc(c->meta.u.m, "deprecated");
	if (dep && dep->kind == V_BOOL && dep->u.b)
		fputs("WARNING: This chart is deprecated\n", stderr);
	if (c->type && !strcmp(c->type, "library")) {
		*err = "library charts are not installable";
		return -1;
	}
	if (cli_dry_run_invalid(o->dry_run)) { /* runInstall checks it before the name */
		*err = cli_dry_run_invalid(o->dry_run);
		return -1;
	}
	if (!*name) {
		*err = "release name \"\": no name provided";
		return -1;
	}
	if (o->validate) { /* not client-only: Install.RunWithContext's IsReachable first */
		kube_opts ko = o->ko;
		ko.namespace = o->namespace;
		kubeconfig_env(&ko);
		if (kube_reachable(kube_new(a, &ko), err) != 0)
			return -1;
	}
	if (!valid_release_name(name)) {
		*err = arena_sprintf(a,
				     "release name \"%s\": invalid release name, must match regex "
				     "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9]"
				     ")?)*$ and the length must not be longer than 53",
				     name);
		return -1;
	}
	render_opts ro = {
	    .release_name = name,
	    .namespace = o->namespace && *o->namespace ? o->namespace : "default",
	    .is_upgrade = o->is_upgrade,
	    .is_install = !o->is_upgrade,
	    .revision = 1,
	};
	capabilities_default(a, &ro.caps);
	if (o->kube_version && *o->kube_version &&
	    capabilities_set_kube_version(a, &ro.caps, o->kube_version, err) != 0)
		return -1;
	for (size_t i = 0; i < o->api_versions.n; i++)
		capabilities_add_api(a, &ro.caps, o->api_versions.v[i]);
	if (o->lookup && template_kube(a, o, &ro, err) != 0)
		return -1;
	pipeline_opts po = {.ro = ro, .skip_schema = o->skip_schema};
	pipeline_result pr;
	strbuf warn;
	sb_init(&warn, a);
	bool render_failed;
	int rc = pipeline_run(a, c, user, &po, &pr, &warn, &render_failed, err);
	if (warn.len)
		fputs(sb_str(&warn), stderr);
	if (rc != 0) {
		if (render_failed)
			*err = arena_sprintf(a, "%s\n\nUse --debug flag to render out invalid YAML",
					     *err);
		return -1;
	}
	manifest_set ms = pr.ms;
	c = pr.chart;
	strbuf rel, log;
	sb_init(&rel, a);
	sb_init(&log, a);
	/* Helm's template prints CRDs with --include-crds even when --skip-crds is given;
	 * under --output-dir they go to the folder itself, never the release-name one */
	struct sink sk = {
	    .out = &rel, .log = &log, .dir = o->output_dir, .written = v_map_new(a).u.m};
	if (o->include_crds && add_crds(a, &sk, c, err) != 0)
		return -1;
	const char *outdir = o->output_dir;
	if (outdir && o->release_name_dir)
		outdir = arena_sprintf(a, "%s/%s", outdir, name);
	sk.dir = outdir;
	size_t need = rel.len + 1, hook_need = 1;
	for (size_t i = 0; i < ms.ngeneric; i++)
		need += strlen(ms.generic[i].path) + strlen(ms.generic[i].content) + 17;
	for (size_t i = 0; i < ms.nhooks; i++)
		hook_need += strlen(ms.hooks[i].path) + strlen(ms.hooks[i].content) + 17;
	if (!outdir) /* one buffer of the right size, not a doubling chain */
		sb_grow(&rel, need + (o->pr.path ? 0 : hook_need));
	for (size_t i = 0; i < ms.ngeneric; i++) {
		const char *p = ms.generic[i].path;
		if (sink_doc(a, &sk, p, ms.generic[i].content, map_getc(sk.written, p) != NULL,
			     err))
			return -1;
	}
	const char *text = rel.buf ? rel.buf : "";
	size_t tlen = rel.len;
	int ret = 0;
	if (o->pr.path && post_render(a, o, &pr, &text, &tlen, err) != 0) {
		/* Helm returns the release without a manifest: --debug prints it */
		if (!o->debug) {
			*err = arena_sprintf(a, "%s\n\nUse --debug flag to render out invalid YAML",
					     *err);
			return -1;
		}
		text = "", tlen = 0, ret = -2;
	}
	strbuf all;
	if (text == rel.buf) { /* trimmed in place, the hooks follow in the same buffer */
		size_t from, to;
		trim_span(text, tlen, &from, &to);
		memmove(rel.buf, rel.buf + from, to - from);
		rel.len = to - from;
		all = rel;
	} else {
		sb_init(&all, a);
		sb_grow(&all, tlen + 1 + (outdir ? 0 : hook_need));
		add_trimmed(&all, text, tlen);
	}
	sb_addc(&all, '\n');
	for (size_t i = 0; !o->no_hooks && i < ms.nhooks; i++) {
		if (o->skip_tests && ms.hooks[i].test_hook)
			continue;
		if (outdir) { /* hooks append to any file already there */
			struct stat st;
			const char *p = arena_sprintf(a, "%s/%s", outdir, ms.hooks[i].path);
			if (write_out_file(a, outdir, ms.hooks[i].path, ms.hooks[i].content,
					   stat(p, &st) == 0, &log, err))
				return -1;
		} else {
			add_doc(&all, ms.hooks[i].path, ms.hooks[i].content);
		}
	}
	if (!log.len && !o->show_only.n && !out->len) {
		*out = all; /* the usual case: no copy */
		return ret;
	}
	sb_add(out, log.buf, log.len);
	if (o->show_only.n && show_only(a, sb_str(&all), &o->show_only, out, err) != 0)
		return -1;
	if (!o->show_only.n)
		sb_add(out, all.buf, all.len);
	return ret;
}

/* --name-template: action.TemplateName, a template run with no data. */
static int name_from_template(arena *a, const char *text, const char **name, const char **err)
{
	tset *set = tset_new(a, functions_table());
	terror te;
	strbuf sb;
	sb_init(&sb, a);
	if (tset_parse(set, "name-template", text, strlen(text), &te) != 0 ||
	    tset_exec(set, "name-template", v_nil(), &sb, &te) != 0) {
		*err = te.msg;
		return -1;
	}
	*name = sb_str(&sb);
	return 0;
}

int cmd_template(arena *a, int argc, char **argv)
{
	struct template_opts o = {0};
	const flag_def defs[] = {
	    VALUES_FLAGS(o.vo),
	    {"namespace", 'n', FLAG_STRING, &o.namespace},
	    {"kube-version", 0, FLAG_STRING, &o.kube_version},
	    {"api-versions", 'a', FLAG_SLICE, &o.api_versions},
	    {"show-only", 's', FLAG_ARRAY, &o.show_only},
	    {"output-dir", 0, FLAG_STRING, &o.output_dir},
	    {"release-name", 0, FLAG_BOOL, &o.release_name_dir},
	    {"include-crds", 0, FLAG_BOOL, &o.include_crds},
	    {"skip-crds", 0, FLAG_BOOL, &o.skip_crds},
	    {"no-hooks", 0, FLAG_BOOL, &o.no_hooks},
	    {"skip-tests", 0, FLAG_BOOL, &o.skip_tests},
	    {"is-upgrade", 0, FLAG_BOOL, &o.is_upgrade},
	    {"generate-name", 'g', FLAG_BOOL, &o.generate_name},
	    {"name-template", 0, FLAG_STRING, &o.name_template},
	    {"validate", 0, FLAG_BOOL, &o.validate},
	    {"debug", 0, FLAG_BOOL, &o.debug},
	    {"devel", 0, FLAG_BOOL, &o.devel},
	    {"skip-schema-validation", 0, FLAG_BOOL, &o.skip_schema},
	    {"version", 0, FLAG_STRING, &o.version},
	    {"description", 0, FLAG_STRING, &o.description},
	    PR_FLAGS(o.pr),
	    {"dry-run", 0, FLAG_BOOL, &o.dry_run_dummy},
	    {"kubeconfig", 0, FLAG_STRING, &o.ko.kubeconfig},
	    {"kube-context", 0, FLAG_STRING, &o.ko.context},
	    {"kube-apiserver", 0, FLAG_STRING, &o.ko.apiserver},
	    {"kube-token", 0, FLAG_STRING, &o.ko.token},
	    {"kube-as-user", 0, FLAG_STRING, &o.ko.as_user},
	    {"kube-as-group", 0, FLAG_STRING, &o.ko.as_group},
	    {"kube-ca-file", 0, FLAG_STRING, &o.ko.ca_file},
	    {"kube-tls-server-name", 0, FLAG_STRING, &o.ko.tls_server_name},
	    {"kube-insecure-skip-tls-verify", 0, FLAG_BOOL, &o.ko.insecure},
	    {"burst-limit", 0, FLAG_STRING, &o.ko.burst_limit},
	    {"qps", 0, FLAG_STRING, &o.ko.qps},
	    {"repository-config", 0, FLAG_STRING, &o.ko.repo_config},
	    {"repository-cache", 0, FLAG_STRING, &o.ko.repo_cache},
	    {"repo", 0, FLAG_STRING, &o.repo},
	    OCI_FLAGS(o.oci),
	    {"dependency-update", 0, FLAG_BOOL, &o.dep_update},
	    {"timeout", 0, FLAG_STRING, &o.timeout},
	    {"atomic", 0, FLAG_BOOL, &o.ignored},
	    {"create-namespace", 0, FLAG_BOOL, &o.ignored},
	    {"disable-openapi-validation", 0, FLAG_BOOL, &o.ignored},
	    {"enable-dns", 0, FLAG_BOOL, &o.ignored},
	    {"force", 0, FLAG_BOOL, &o.ignored},
	    {"hide-notes", 0, FLAG_BOOL, &o.ignored},
	    {"pass-credentials", 0, FLAG_BOOL, &o.ignored},
	    {"render-subchart-notes", 0, FLAG_BOOL, &o.ignored},
	    {"replace", 0, FLAG_BOOL, &o.ignored},
	    {"take-ownership", 0, FLAG_BOOL, &o.ignored},
	    {"wait", 0, FLAG_BOOL, &o.ignored},
	    {"wait-for-jobs", 0, FLAG_BOOL, &o.ignored},
	    {"verify", 0, FLAG_BOOL, &o.verify},
	    {"keyring", 0, FLAG_STRING, &o.keyring},
	    {"labels", 'l', FLAG_SLICE, &o.labels},
	    {0},
	};
	strlist pos = {0};
	const char *err, *dro = cli_dry_run_option(argc, argv);
	/* template is a dry run, but not for these values: lookup asks the cluster */
	o.lookup = !strcmp(dro, "server") || !strcmp(dro, "none") || !strcmp(dro, "false");
	o.dry_run = dro;
	install_fix_dry_run(a, argc, argv, &o.dry_run_dummy);
	if (pr_flags_parse(a, defs, &o.pr, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	vmap *labels;
	long timeout_ms;
	if (install_labels(a, &o.labels, &labels, &err) != 0 ||
	    install_timeout(a, o.timeout, &timeout_ms, &err) != 0)
		return cli_error(err);
	const char *name = "release-name", *dir;
	if (pos.n == 0) {
		if (access("Chart.yaml", R_OK) != 0)
			return cli_error("\"helm template\" requires at least 1 argument\n\nUsage: "
					 " helm template [NAME] [CHART] [flags]");
		dir = ".";
	} else if (pos.n == 1) {
		dir = pos.v[0];
	} else if (pos.n == 2) {
		name = pos.v[0];
		dir = pos.v[1];
		if (o.generate_name)
			return cli_error("cannot set --generate-name and also specify a name");
		if (o.name_template && *o.name_template)
			return cli_error("cannot set --name-template and also specify a name");
	} else {
		return cli_error(
		    arena_sprintf(a, "expected at most two arguments, unexpected arguments: %s",
				  join_args(a, &pos, 2)));
	}
	if (pos.n < 2 && o.name_template && *o.name_template &&
	    name_from_template(a, o.name_template, &name, &err) != 0)
		return cli_error(err);
	strbuf out;
	sb_init(&out, a);
	int rc = render_chart(a, &o, name, dir, &out, &err);
	if (rc == -1)
		return cli_error(err);
	if (write_stdout(out.buf ? out.buf : "", out.len) != 0)
		return cli_error("write error on standard output");
	return rc ? cli_error(err) : 0;
}
