/* lint.c - `render lint [CHART...]`: Helm's chart linter (pkg/lint) and its report.
 *
 * Rules run in Helm's order: Chart.yaml (presence, format, name, apiVersion,
 * version, maintainers, sources, icon, type), values.yaml, then the templates
 * rendered in lint mode (required/fail do not stop it) with each document
 * checked as YAML, for its metadata.name and for a selector, then the chart load.
 * Not done: schema validation, API deprecations, dependency and crds/ checks. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../chart/engine.h"
#include "../chart/manifest.h"
#include "../values/coalesce.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"

enum severity { SEV_INFO, SEV_WARNING, SEV_ERROR };
static const char *const sev_names[] = {"INFO", "WARNING", "ERROR"};

struct lint_opts {
	values_opts vo;
	const char *namespace, *kube_version;
	bool strict, with_subcharts, quiet, skip_schema;
};

struct linter {
	arena *a;
	const char *dir;
	strbuf msgs;
	int nmsgs, highest;
	vmap *user;
	const struct lint_opts *o;
	const char *load_err; /* why the chart does not load, or NULL */
};

static void lint_add(struct linter *l, int sev, const char *path, const char *msg)
{
	if (!l->o->quiet || sev > SEV_INFO)
		sb_addf(&l->msgs, "[%s] %s: %s\n", sev_names[sev], path, msg);
	l->nmsgs++;
	if (sev > l->highest)
		l->highest = sev;
}

static const char *meta_str(value meta, const char *key)
{
	value *v = meta.kind == V_MAP ? map_getc(meta.u.m, key) : NULL;
	return v && v->kind == V_STRING ? v->u.s : "";
}

static value meta_get(value meta, const char *key)
{
	value *v = meta.kind == V_MAP ? map_getc(meta.u.m, key) : NULL;
	return v ? *v : v_nil();
}

/* Masterminds/semver's NewVersion: v?N(.N(.N)?)?(-pre)?(+build)?. */
static bool ident_part(const char **p)
{
	const char *s = *p;
	while (isalnum((unsigned char)*s) || *s == '-' || *s == '.')
		s++;
	if (s == *p || s[-1] == '.' || **p == '.' || strstr(*p, "..") == *p)
		return false;
	*p = s;
	return true;
}

static bool valid_semver(const char *s)
{
	if (*s == 'v')
		s++;
	for (int part = 0; part < 3; part++) {
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s != '.' || part == 2)
			break;
		s++;
	}
	if (*s == '-' && (s++, !ident_part(&s)))
		return false;
	if (*s == '+' && (s++, !ident_part(&s)))
		return false;
	return *s == 0;
}

/* govalidator.IsRequestURL: an absolute URL with a scheme. */
static bool valid_url(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	while (isalnum((unsigned char)*s) || *s == '+' || *s == '-' || *s == '.')
		s++;
	return *s == ':' && !strchr(s, ' ');
}

static bool valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at > s && strchr(at, '.') && !strchr(s, ' ');
}

static void lint_maintainers(struct linter *l, value meta)
{
	value ms = meta_get(meta, "maintainers");
	for (uint32_t i = 0; ms.kind == V_LIST && i < ms.u.l->len; i++) {
		value m = list_get(ms.u.l, i);
		const char *name = meta_str(m, "name"), *email = meta_str(m, "email");
		const char *url = meta_str(m, "url");
		if (!*name)
			lint_add(l, SEV_ERROR, "Chart.yaml", "each maintainer requires a name");
		else if (*email && !valid_email(email))
			lint_add(l, SEV_ERROR, "Chart.yaml",
				 arena_sprintf(l->a, "invalid email '%s' for maintainer '%s'", email, name));
		else if (*url && !valid_url(url))
			lint_add(l, SEV_ERROR, "Chart.yaml",
				 arena_sprintf(l->a, "invalid url '%s' for maintainer '%s'", url, name));
	}
}

static void lint_sources(struct linter *l, value meta)
{
	value ss = meta_get(meta, "sources");
	for (uint32_t i = 0; ss.kind == V_LIST && i < ss.u.l->len; i++) {
		value s = list_get(ss.u.l, i);
		if (s.kind == V_STRING && !valid_url(s.u.s))
			lint_add(l, SEV_ERROR, "Chart.yaml",
				 arena_sprintf(l->a, "invalid source URL '%s'", s.u.s));
	}
}

static void lint_api_version(struct linter *l, const char *api)
{
	if (!*api)
		lint_add(l, SEV_ERROR, "Chart.yaml",
			 "apiVersion is required. The value must be either \"v1\" or \"v2\"");
	else if (strcmp(api, "v1") && strcmp(api, "v2"))
		lint_add(l, SEV_ERROR, "Chart.yaml",
			 arena_sprintf(l->a, "apiVersion '%s' is not valid. The value must be either \"v1\" or \"v2\"", api));
}

static void lint_chartfile(struct linter *l)
{
	const char *path = arena_sprintf(l->a, "%s/Chart.yaml", l->dir), *data, *err;
	size_t len;
	value meta;
	if (read_whole_file(l->a, path, &data, &len, &err) != 0) {
		lint_add(l, SEV_ERROR, "Chart.yaml", err);
		return;
	}
	if (yaml_load_map(l->a, data, len, &meta, &err) != 0) {
		lint_add(l, SEV_ERROR, "Chart.yaml", arena_sprintf(l->a, "unable to parse YAML\n\t%s", err));
		return;
	}
	const char *name = meta_str(meta, "name"), *version = meta_str(meta, "version");
	const char *api = meta_str(meta, "apiVersion"), *icon = meta_str(meta, "icon");
	if (!*name)
		lint_add(l, SEV_ERROR, "Chart.yaml", "name is required");
	lint_api_version(l, api);
	if (!*version)
		lint_add(l, SEV_ERROR, "Chart.yaml", "version is required");
	else if (!valid_semver(version))
		lint_add(l, SEV_ERROR, "Chart.yaml",
			 arena_sprintf(l->a, "version '%s' is not a valid SemVer", version));
	lint_maintainers(l, meta);
	lint_sources(l, meta);
	if (!*icon)
		lint_add(l, SEV_INFO, "Chart.yaml", "icon is recommended");
	else if (!valid_url(icon))
		lint_add(l, SEV_ERROR, "Chart.yaml", arena_sprintf(l->a, "invalid icon URL '%s'", icon));
	if (!strcmp(api, "v1") && *meta_str(meta, "type"))
		lint_add(l, SEV_ERROR, "Chart.yaml",
			 "chart type is not valid in apiVersion 'v1'. It is valid in apiVersion 'v2'");
}

static void lint_values(struct linter *l)
{
	const char *path = arena_sprintf(l->a, "%s/values.yaml", l->dir), *data, *err;
	size_t len;
	value v;
	struct stat st;
	if (stat(path, &st) != 0) {
		lint_add(l, SEV_INFO, "values.yaml", "file does not exist");
		return;
	}
	if (read_whole_file(l->a, path, &data, &len, &err) != 0 ||
	    yaml_load_map(l->a, data, len, &v, &err) != 0)
		lint_add(l, SEV_ERROR, "values.yaml", arena_sprintf(l->a, "unable to parse YAML: %s", err));
}

/* Kubernetes name validation, chosen by kind as Helm's validateMetadataNameFunc. */
enum name_rule { NAME_SUBDOMAIN, NAME_DNS1035, NAME_DNS1123_LABEL, NAME_PATH_SEGMENT, NAME_NONE };

static const struct kind_rule {
	const char *kind;
	enum name_rule rule;
} kind_rules[] = {
	{"service", NAME_DNS1035},
	{"namespace", NAME_DNS1123_LABEL},
	{"certificatesigningrequest", NAME_NONE},
	{"role", NAME_PATH_SEGMENT},
	{"clusterrole", NAME_PATH_SEGMENT},
	{"rolebinding", NAME_PATH_SEGMENT},
	{"clusterrolebinding", NAME_PATH_SEGMENT},
};

static const char MSG_SUBDOMAIN[] =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
static const char MSG_DNS1035[] =
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
static const char MSG_DNS1123_LABEL[] =
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

static bool alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, with a letter first when alpha_first. */
static bool valid_label(const char *s, size_t n, bool alpha_first)
{
	if (n == 0 || !alnum_lower(s[0]) || !alnum_lower(s[n - 1]))
		return false;
	if (alpha_first && !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum_lower(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool valid_subdomain(const char *s)
{
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		if (!valid_label(s, n, false))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

/* The messages Kubernetes gives for name under rule, "; "-free, into msgs. */
static size_t name_errors(const char *name, enum name_rule rule, const char **msgs, arena *a)
{
	size_t n = 0, len = strlen(name);
	switch (rule) {
	case NAME_SUBDOMAIN:
		if (len > 253)
			msgs[n++] = "must be no more than 253 characters";
		if (!valid_subdomain(name))
			msgs[n++] = MSG_SUBDOMAIN;
		break;
	case NAME_DNS1035:
	case NAME_DNS1123_LABEL:
		if (len > 63)
			msgs[n++] = "must be no more than 63 characters";
		if (!valid_label(name, len, rule == NAME_DNS1035))
			msgs[n++] = rule == NAME_DNS1035 ? MSG_DNS1035 : MSG_DNS1123_LABEL;
		break;
	case NAME_PATH_SEGMENT:
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			msgs[n++] = arena_sprintf(a, "may not be '%s'", name);
		if (strchr(name, '/'))
			msgs[n++] = "may not contain '/'";
		if (strchr(name, '%'))
			msgs[n++] = "may not contain '%'";
		break;
	case NAME_NONE:
		break;
	}
	return n;
}

static void lint_name(struct linter *l, const char *path, const char *kind, const char *name)
{
	enum name_rule rule = NAME_SUBDOMAIN;
	for (size_t i = 0; i < sizeof(kind_rules) / sizeof(kind_rules[0]); i++)
		if (!strcasecmp(kind_rules[i].kind, kind))
			rule = kind_rules[i].rule;
	const char *msgs[3];
	size_t n = name_errors(name, rule, msgs, l->a);
	if (!n)
		return;
	strbuf sb;
	sb_init(&sb, l->a);
	sb_addf(&sb, "object name does not conform to Kubernetes naming requirements: \"%s\": ", name);
	if (n > 1)
		sb_addc(&sb, '[');
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%smetadata.name: Invalid value: \"%s\": %s", i ? ", " : "", name, msgs[i]);
	if (n > 1)
		sb_addc(&sb, ']');
	lint_add(l, SEV_WARNING, path, sb_str(&sb));
}

static const char *const selector_kinds[] = {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"};

/* One rendered document; returns false when it does not parse (Helm stops the file there). */
static bool lint_doc(struct linter *l, const char *path, const char *doc, const char *file)
{
	value v;
	const char *err;
	if (yaml_load(l->a, doc, strlen(doc), &v, &err) != 0) {
		lint_add(l, SEV_ERROR, path, arena_sprintf(l->a, "unable to parse YAML: %s", err));
		return false;
	}
	if (v.kind == V_NIL)
		return true;
	static const char *const kinds[] = {[V_LIST] = "array", [V_STRING] = "string",
					    [V_FLOAT] = "number", [V_BOOL] = "bool"};
	if (v.kind != V_MAP) {
		lint_add(l, SEV_ERROR, path, arena_sprintf(l->a,
			 "unable to parse YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go value of type rules.K8sYamlStruct",
			 v.kind < sizeof(kinds) / sizeof(kinds[0]) && kinds[v.kind] ? kinds[v.kind] : "value"));
		return false;
	}
	const char *kind = meta_str(v, "kind");
	const char *name = meta_str(meta_get(v, "metadata"), "name");
	lint_name(l, path, kind, name);
	for (size_t i = 0; i < sizeof(selector_kinds) / sizeof(selector_kinds[0]); i++)
		if (!strcmp(kind, selector_kinds[i]) && !strstr(file, "matchLabels") &&
		    !strstr(file, "matchExpressions"))
			lint_add(l, SEV_ERROR, path, arena_sprintf(l->a,
				 "a %s must contain matchLabels or matchExpressions, and \"%s\" does not", kind, name));
	return true;
}

static bool has_ext(const char *name, const char *ext)
{
	const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
	if (!dot || (slash && dot < slash))
		return !*ext;
	return !strcmp(dot, ext);
}

static const char *ext_of(const char *name)
{
	const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
	return dot && (!slash || dot > slash) ? dot : "";
}

static const char *rendered_of(const rendered *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].name, name))
			return files[i].content;
	return NULL;
}

static void lint_file(struct linter *l, const chart *c, const chart_file *t, const rendered *files,
		      size_t n)
{
	static const char *const exts[] = {".yaml", ".yml", ".tpl", ".txt"};
	bool ok = false;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		ok = ok || has_ext(t->name, exts[i]);
	if (!ok)
		lint_add(l, SEV_ERROR, t->name, arena_sprintf(l->a,
			 "file extension '%s' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt", ext_of(t->name)));
	if (!has_ext(t->name, ".yaml"))
		return;
	const char *out = rendered_of(files, n, arena_sprintf(l->a, "%s/%s", c->name, t->name));
	if (!out)
		return;
	const char **docs;
	size_t nd = manifest_split(l->a, out, &docs);
	for (size_t i = 0; i < nd; i++)
		if (!lint_doc(l, t->name, docs[i], out))
			break;
}

static vtree *tree_of(arena *a, const chart *c)
{
	vtree *t = arena_alloc(a, sizeof(*t));
	t->name = c->name;
	t->values = c->values;
	t->ndeps = c->ndeps;
	t->deps = arena_alloc(a, (c->ndeps + 1) * sizeof(vtree *));
	for (size_t i = 0; i < c->ndeps; i++)
		t->deps[i] = tree_of(a, c->deps[i]);
	return t;
}

static int lint_render(struct linter *l, const chart *c, rendered **files, size_t *n,
		       const char **err)
{
	render_opts ro = {
		.release_name = "test-release",
		.namespace = l->o->namespace && *l->o->namespace ? l->o->namespace : "default",
		.lint_mode = true,
	};
	capabilities_default(l->a, &ro.caps);
	if (l->o->kube_version &&
	    capabilities_set_kube_version(l->a, &ro.caps, l->o->kube_version, err) != 0)
		return -1;
	vmap *vals = coalesce_values_ex(l->a, tree_of(l->a, c), l->user, false, NULL, err);
	if (!vals)
		return -1;
	return engine_render(l->a, c, vals, &ro, files, n, err);
}

static void lint_templates(struct linter *l)
{
	chart *c;
	const char *err;
	if (chart_load_dir(l->a, l->dir, &c, &err) != 0) {
		l->load_err = err;
		lint_add(l, SEV_ERROR, "templates/", err);
		return;
	}
	if (!valid_semver(c->version)) {
		l->load_err = arena_sprintf(l->a, "validation: chart.metadata.version \"%s\" is invalid", c->version);
		lint_add(l, SEV_ERROR, "templates/", l->load_err);
		return;
	}
	rendered *files;
	size_t n;
	if (lint_render(l, c, &files, &n, &err) != 0) {
		lint_add(l, SEV_ERROR, "templates/", err);
		return;
	}
	for (size_t i = 0; i < c->ntemplates; i++)
		lint_file(l, c, &c->templates[i], files, n);
}

/* Lints one chart folder into out; returns true when it failed. *noisy is set
 * when it had a warning or an error (--quiet then still prints the summary). */
static bool lint_one(arena *a, const struct lint_opts *o, vmap *user, const char *dir, strbuf *out,
		     bool *noisy)
{
	struct linter l = {.a = a, .dir = dir, .user = user, .o = o};
	sb_init(&l.msgs, a);
	struct stat st;
	const char *cy = arena_sprintf(a, "%s/Chart.yaml", dir);
	if (stat(cy, &st) != 0) {
		*noisy = true;
		sb_addf(out, "==> Linting %s\n", dir);
		sb_addf(out, "Error unable to check Chart.yaml file in chart: stat %s: %s\n\n", cy,
			"no such file or directory");
		return true;
	}
	lint_chartfile(&l);
	lint_values(&l);
	lint_templates(&l);
	if (l.load_err)
		lint_add(&l, SEV_ERROR, "", arena_sprintf(a, "unable to load chart\n\t%s", l.load_err));
	bool failed = l.highest >= (o->strict ? SEV_WARNING : SEV_ERROR);
	*noisy = *noisy || l.highest > SEV_INFO;
	if (o->quiet && l.highest == SEV_INFO)
		return failed; /* --quiet: a chart with nothing above INFO prints nothing */
	sb_addf(out, "==> Linting %s\n", dir);
	sb_add(out, l.msgs.buf ? l.msgs.buf : "", l.msgs.len);
	sb_addc(out, '\n');
	return failed;
}

int cmd_lint(arena *a, int argc, char **argv)
{
	struct lint_opts o = {0};
	const flag_def defs[] = {
		VALUES_FLAGS(o.vo),
		{"namespace", 'n', FLAG_STRING, &o.namespace},
		{"kube-version", 0, FLAG_STRING, &o.kube_version},
		{"strict", 0, FLAG_BOOL, &o.strict},
		{"with-subcharts", 0, FLAG_BOOL, &o.with_subcharts},
		{"quiet", 0, FLAG_BOOL, &o.quiet},
		{"skip-schema-validation", 0, FLAG_BOOL, &o.skip_schema},
		{0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	if (pos.n == 0)
		strlist_push(a, &pos, ".");
	vmap *user;
	if (values_from_flags(a, &o.vo, pos.v[0], &user, &err) != 0)
		return cli_error(err);
	strbuf out;
	sb_init(&out, a);
	size_t failed = 0;
	bool noisy = false;
	for (size_t i = 0; i < pos.n; i++)
		failed += lint_one(a, &o, user, pos.v[i], &out, &noisy);
	if (!failed && (!o.quiet || noisy))
		sb_addf(&out, "%zu chart(s) linted, 0 chart(s) failed\n", pos.n);
	if (write_stdout(out.buf ? out.buf : "", out.len) != 0)
		return cli_error("write error on standard output");
	if (failed)
		return cli_error(arena_sprintf(a, "%zu chart(s) linted, %zu chart(s) failed", pos.n, failed));
	return 0;
}
