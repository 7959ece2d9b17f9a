/* objects.c - the Go structs Helm hands to templates, as value classes.
 *
 * Field names are Go's (`.Chart.AppVersion`), JSON names are the struct tags
 * (`toJson .Chart`), and a missing field is an error, as on a Go struct.
 */
#include "objects.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../renderer/funcs.h"
#include "../values/strbuf.h"
#include "../functions/semver.h"
#include "../values/yaml.h"

/* ---- .Chart ---- */

struct chart_obj {
	const chart *c;
};

/* Go field name, JSON name, and the zero value's type. */
static const struct {
	const char *go, *json;
	char zero; /* s string, l []string, m map[string]string, b bool, p pointer list */
} chart_fields[] = {
    {"Name", "name", 's'},
    {"Home", "home", 's'},
    {"Sources", "sources", 'l'},
    {"Version", "version", 's'},
    {"Description", "description", 's'},
    {"Keywords", "keywords", 'l'},
    {"Maintainers", "maintainers", 'p'},
    {"Icon", "icon", 's'},
    {"APIVersion", "apiVersion", 's'},
    {"Condition", "condition", 's'},
    {"Tags", "tags", 's'},
    {"AppVersion", "appVersion", 's'},
    {"Deprecated", "deprecated", 'b'},
    {"Annotations", "annotations", 'm'},
    {"KubeVersion", "kubeVersion", 's'},
    {"Dependencies", "dependencies", 'p'},
    {"Type", "type", 's'},
};

static value zero_of(arena *a, char z)
{
	value v;
	switch (z) {
	case 's':
		return v_str_static("", 0);
	case 'b':
		return v_bool(false);
	case 'm':
		v = v_map_new(a);
		v.u.m->gotype = GT_STRMAP;
		return v;
	case 'l':
		v = v_list_new(a, 0);
		v.u.l->gotype = GT_STRLIST;
		return v;
	default:
		return v_list_new(a, 0);
	}
}

/* ---- *chart.Dependency ---- */

static const char *const dep_json_order[] = {
    "name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias", NULL,
};

static value dep_tags(arena *a, const chart_dep *d)
{
	value l = v_list_new(a, (uint32_t)d->ntags);
	l.u.l->gotype = GT_STRLIST;
	for (size_t i = 0; i < d->ntags; i++)
		list_push(a, l.u.l, v_cstr(a, d->tags[i]));
	return l;
}

static bool dep_field(arena *a, const vobj *o, const char *name, value *out)
{
	const chart_dep *d = o->data;
	if (!strcmp(name, "Name"))
		*out = v_cstr(a, d->name);
	else if (!strcmp(name, "Version"))
		*out = v_cstr(a, d->version);
	else if (!strcmp(name, "Repository"))
		*out = v_cstr(a, d->repository);
	else if (!strcmp(name, "Condition"))
		*out = v_cstr(a, d->condition);
	else if (!strcmp(name, "Tags"))
		*out = dep_tags(a, d);
	else if (!strcmp(name, "Enabled"))
		*out = v_bool(d->enabled);
	else if (!strcmp(name, "ImportValues"))
		*out = d->import_values.kind == V_LIST ? d->import_values : v_list_new(a, 0);
	else if (!strcmp(name, "Alias"))
		*out = v_cstr(a, d->alias);
	else
		return false;
	return true;
}

static value dep_plain(arena *a, const vobj *o)
{
	const chart_dep *d = o->data;
	value m = v_map_new(a);
	map_setc(a, m.u.m, "name", v_cstr(a, d->name));
	if (*d->version)
		map_setc(a, m.u.m, "version", v_cstr(a, d->version));
	map_setc(a, m.u.m, "repository", v_cstr(a, d->repository));
	if (*d->condition)
		map_setc(a, m.u.m, "condition", v_cstr(a, d->condition));
	if (d->ntags)
		map_setc(a, m.u.m, "tags", dep_tags(a, d));
	if (d->enabled)
		map_setc(a, m.u.m, "enabled", v_bool(true));
	if (d->import_values.kind == V_LIST && d->import_values.u.l->len)
		map_setc(a, m.u.m, "import-values", d->import_values);
	if (*d->alias)
		map_setc(a, m.u.m, "alias", v_cstr(a, d->alias));
	return m;
}

static const fn_def dep_methods[] = {{0}};

static const vclass dep_class = {
    .gotype = "*chart.Dependency",
    .field = dep_field,
    .methods = dep_methods,
    .to_plain = dep_plain,
    .kind = "ptr",
    .json_order = dep_json_order,
};

/* ---- *chart.Maintainer ---- */

static const char *const maint_json_order[] = {"name", "email", "url", NULL};

static value maint_get(arena *a, const vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	return v && v->kind == V_STRING ? *v : v_str_static("", 0);
	(void)a;
}

static bool maint_field(arena *a, const vobj *o, const char *name, value *out)
{
	const vmap *m = o->data;
	if (!strcmp(name, "Name"))
		*out = maint_get(a, m, "name");
	else if (!strcmp(name, "Email"))
		*out = maint_get(a, m, "email");
	else if (!strcmp(name, "URL"))
		*out = maint_get(a, m, "url");
	else
		return false;
	return true;
}

static value maint_plain(arena *a, const vobj *o)
{
	const vmap *m = o->data;
	value p = v_map_new(a);
	for (const char *const *k = maint_json_order; *k; k++) {
		value v = maint_get(a, m, *k);
		if (v.len)
			map_setc(a, p.u.m, *k, v);
	}
	return p;
}

static const fn_def maint_methods[] = {{0}};

static const vclass maint_class = {
    .gotype = "*chart.Maintainer",
    .field = maint_field,
    .methods = maint_methods,
    .to_plain = maint_plain,
    .kind = "ptr",
    .json_order = maint_json_order,
};

/* Maintainers as []*chart.Maintainer, or NULL when Chart.yaml has none. */
static bool maintainers(arena *a, const chart *c, value *out)
{
	value *l = c->meta.kind == V_MAP ? map_getc(c->meta.u.m, "maintainers") : NULL;
	if (!l || l->kind != V_LIST)
		return false;
	*out = v_list_new(a, l->u.l->len);
	out->u.l->gotype = "[]*chart.Maintainer";
	for (uint32_t i = 0; i < l->u.l->len; i++) {
		value it = l->u.l->items[i];
		list_push(a, out->u.l,
			  v_obj(a, &maint_class, it.kind == V_MAP ? it.u.m : v_map_new(a).u.m));
	}
	return true;
}

static value dependencies(arena *a, const chart *c)
{
	value l = v_list_new(a, (uint32_t)c->nmdeps);
	l.u.l->gotype = "[]*chart.Dependency";
	for (size_t i = 0; i < c->nmdeps; i++)
		list_push(a, l.u.l, v_obj(a, &dep_class, c->mdeps[i]));
	return l;
}

static bool chart_field(arena *a, const vobj *o, const char *name, value *out)
{
	const struct chart_obj *co = o->data;
	if (!strcmp(name, "IsRoot")) {
		*out = v_bool(co->c->parent == NULL);
		return true;
	}
	if (!strcmp(name, "Dependencies") && (co->c->has_mdeps || co->c->processed)) {
		*out = dependencies(a, co->c);
		return true;
	}
	if (!strcmp(name, "Maintainers") && maintainers(a, co->c, out))
		return true;
	for (size_t i = 0; i < sizeof(chart_fields) / sizeof(chart_fields[0]); i++) {
		if (chart_fields[i].go[0] != name[0] || strcmp(chart_fields[i].go, name))
			continue;
		value *v = co->c->meta.kind == V_MAP
			       ? map_getc(co->c->meta.u.m, chart_fields[i].json)
			       : NULL;
		if (v && v->kind != V_NIL) {
			*out = *v;
			if (v->kind == V_LIST && chart_fields[i].zero == 'l')
				out->u.l->gotype = GT_STRLIST;
			if (v->kind == V_MAP && chart_fields[i].zero == 'm')
				out->u.m->gotype = GT_STRMAP;
		} else {
			*out = zero_of(a, chart_fields[i].zero);
		}
		return true;
	}
	return false;
}

static value chart_plain(arena *a, const vobj *o)
{
	const struct chart_obj *co = o->data;
	value m = v_map_new(a);
	for (size_t i = 0; i < sizeof(chart_fields) / sizeof(chart_fields[0]); i++) {
		value *v = co->c->meta.kind == V_MAP
			       ? map_getc(co->c->meta.u.m, chart_fields[i].json)
			       : NULL;
		if (v && value_truthy(*v))
			map_setc(a, m.u.m, chart_fields[i].json, *v);
	}
	value ml;
	if (maintainers(a, co->c, &ml) && ml.u.l->len)
		map_setc(a, m.u.m, "maintainers", ml);
	if (co->c->has_mdeps && co->c->nmdeps)
		map_setc(a, m.u.m, "dependencies", dependencies(a, co->c));
	else
		map_del(m.u.m, "dependencies", 12);
	map_setc(a, m.u.m, "IsRoot", v_bool(co->c->parent == NULL));
	return m;
}

static const fn_def no_methods[] = {{0}};

static const char *const chart_json_order[] = {
    "name",	    "home",	   "sources",	 "version",	"description",
    "keywords",	    "maintainers", "icon",	 "apiVersion",	"condition",
    "tags",	    "appVersion",  "deprecated", "annotations", "kubeVersion",
    "dependencies", "type",	   "IsRoot",	 NULL,
};

/* chart.Metadata on its own (.Chart.Metadata, and the embedded struct when
 * fmt prints .Chart): the same fields, Go's declaration order. */
static const char *const metadata_go_fields[] = {
    "Name",	   "Home",	  "Sources",	 "Version",	 "Description", "Keywords",
    "Maintainers", "Icon",	  "APIVersion",	 "Condition",	 "Tags",	"AppVersion",
    "Deprecated",  "Annotations", "KubeVersion", "Dependencies", "Type",	NULL,
};

static bool metadata_field(arena *a, const vobj *o, const char *name, value *out)
{
	return strcmp(name, "IsRoot") && chart_field(a, o, name, out);
}

static value metadata_plain(arena *a, const vobj *o)
{
	value m = chart_plain(a, o);
	map_del(m.u.m, "IsRoot", 6);
	return m;
}

static const vclass metadata_class = {
    .gotype = "chart.Metadata",
    .json_order = chart_json_order,
    .field = metadata_field,
    .methods = no_methods,
    .to_plain = metadata_plain,
    .kind = "struct",
    .go_fields = metadata_go_fields,
};

static bool chart_struct_field(arena *a, const vobj *o, const char *name, value *out)
{
	if (!strcmp(name, "Metadata")) {
		*out = v_obj(a, &metadata_class, o->data);
		return true;
	}
	return chart_field(a, o, name, out);
}

static const char *const chart_go_fields[] = {"Metadata", "IsRoot", NULL};

static const vclass chart_class = {
    .gotype = "struct { chart.Metadata; IsRoot bool }",
    .json_order = chart_json_order,
    .field = chart_struct_field,
    .methods = no_methods,
    .to_plain = chart_plain,
    .kind = "struct",
    .go_fields = chart_go_fields,
};

value obj_chart(arena *a, const chart *c)
{
	struct chart_obj *co = arena_alloc(a, sizeof(*co));
	co->c = c;
	return v_obj(a, &chart_class, co);
}

/* ---- .Capabilities ---- */

static const char *const default_apis[] = {
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
};

void capabilities_default(arena *a, capabilities *caps)
{
	caps->kube_version = "v1.32.0";
	caps->kube_major = "1";
	caps->kube_minor = "32";
	caps->napi = sizeof(default_apis) / sizeof(default_apis[0]);
	caps->api_versions = arena_alloc(a, caps->napi * sizeof(char *));
	memcpy(caps->api_versions, default_apis, sizeof(default_apis));
}

void capabilities_add_api(arena *a, capabilities *caps, const char *gv)
{
	caps->api_versions = arena_realloc(a, caps->api_versions, caps->napi * sizeof(char *),
					   (caps->napi + 1) * sizeof(char *));
	caps->api_versions[caps->napi++] = arena_strdup(a, gv);
}

/* Helm parses --kube-version with Masterminds semver (NewVersion: loose, "v" optional). */
int capabilities_set_kube_version(arena *a, capabilities *caps, const char *v, const char **err)
{
	const char *canon, *e;
	uint64_t maj, min;
	if (semver_parse(a, v, &canon, &maj, &min, &e) != 0) {
		*err = arena_sprintf(a, "invalid kube version '%s': %s", v, e);
		return -1;
	}
	caps->kube_version = arena_sprintf(a, "v%s", canon);
	caps->kube_major = arena_sprintf(a, "%llu", (unsigned long long)maj);
	caps->kube_minor = arena_sprintf(a, "%llu", (unsigned long long)min);
	return 0;
}

static value api_list(arena *a, const capabilities *caps)
{
	value l = v_list_new(a, (uint32_t)caps->napi);
	for (size_t i = 0; i < caps->napi; i++)
		list_push(a, l.u.l, v_cstr(a, caps->api_versions[i]));
	l.u.l->gotype = "chartutil.VersionSet";
	return l;
}

static value versionset_has(fnctx *c, value *argv, int argc)
{
	(void)c;
	(void)argc;
	const capabilities *caps = argv[0].u.o->data;
	for (size_t i = 0; i < caps->napi; i++)
		if (strlen(caps->api_versions[i]) == argv[1].len &&
		    !memcmp(caps->api_versions[i], argv[1].u.s, argv[1].len))
			return v_bool(true);
	return v_bool(false);
}

static const fn_def versionset_methods[] = {{"Has", versionset_has, "os"}, {0}};

static value versionset_plain(arena *a, const vobj *o)
{
	return api_list(a, o->data);
}

static const vclass versionset_class = {
    .gotype = "chartutil.VersionSet",
    .methods = versionset_methods,
    .to_plain = versionset_plain,
    .kind = "slice",
};

static bool kube_field(arena *a, const vobj *o, const char *name, value *out)
{
	const capabilities *caps = o->data;
	const char *s = !strcmp(name, "Version") ? caps->kube_version
			: !strcmp(name, "Major") ? caps->kube_major
			: !strcmp(name, "Minor") ? caps->kube_minor
						 : NULL;
	if (!s)
		return false;
	*out = v_cstr(a, s);
	return true;
}

static value kube_string(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const capabilities *caps = argv[0].u.o->data;
	return v_cstr(c->a, caps->kube_version);
}

static const fn_def kube_methods[] = {
    {"GitVersion", kube_string, "o"},
    {"String", kube_string, "o"},
    {0},
};

static value kube_plain(arena *a, const vobj *o)
{
	const capabilities *caps = o->data;
	value m = v_map_new(a);
	map_setc(a, m.u.m, "Version", v_cstr(a, caps->kube_version));
	map_setc(a, m.u.m, "Major", v_cstr(a, caps->kube_major));
	map_setc(a, m.u.m, "Minor", v_cstr(a, caps->kube_minor));
	return m;
}

static const char *kube_to_string(arena *a, const vobj *o)
{
	(void)a;
	return ((const capabilities *)o->data)->kube_version;
}

static const char *const kube_fields[] = {"Version", "Major", "Minor", NULL};

static const vclass kube_class = {
    .gotype = "chartutil.KubeVersion",
    .field = kube_field,
    .methods = kube_methods,
    .to_plain = kube_plain,
    .to_string = kube_to_string,
    .kind = "struct",
    .json_order = kube_fields,
    .go_fields = kube_fields,
    .ptr_stringer = true, /* func (kv *KubeVersion) String() */
};

static const struct {
	const char *go, *json, *val;
} helm_version[] = {
    {"Version", "version", "v3.17.3"},
    {"GitCommit", "git_commit", "e4da49785aa6e6ee2b86efd5dd9e43400318262b"},
    {"GitTreeState", "git_tree_state", "clean"},
    {"GoVersion", "go_version", "go1.23.7"},
};

static bool helmver_field(arena *a, const vobj *o, const char *name, value *out)
{
	(void)o;
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(helm_version[i].go, name)) {
			*out = v_cstr(a, helm_version[i].val);
			return true;
		}
	return false;
}

static value helmver_plain(arena *a, const vobj *o)
{
	(void)o;
	value m = v_map_new(a);
	for (size_t i = 0; i < 4; i++)
		map_setc(a, m.u.m, helm_version[i].json, v_cstr(a, helm_version[i].val));
	return m;
}

static const char *const helmver_go[] = {"Version", "GitCommit", "GitTreeState", "GoVersion", NULL};
static const char *const helmver_json[] = {"version", "git_commit", "git_tree_state", "go_version",
					   NULL};

static const vclass helmver_class = {
    .gotype = "version.BuildInfo",
    .field = helmver_field,
    .methods = no_methods,
    .to_plain = helmver_plain,
    .kind = "struct",
    .json_order = helmver_json,
    .go_fields = helmver_go,
};

static bool caps_field(arena *a, const vobj *o, const char *name, value *out)
{
	if (!strcmp(name, "APIVersions"))
		*out = v_obj(a, &versionset_class, o->data);
	else if (!strcmp(name, "KubeVersion"))
		*out = v_obj(a, &kube_class, o->data);
	else if (!strcmp(name, "HelmVersion"))
		*out = v_obj(a, &helmver_class, o->data);
	else
		return false;
	return true;
}

static value caps_plain(arena *a, const vobj *o)
{
	value m = v_map_new(a);
	map_setc(a, m.u.m, "APIVersions", api_list(a, o->data));
	vobj k = {&kube_class, o->data}, h = {&helmver_class, o->data};
	map_setc(a, m.u.m, "KubeVersion", kube_plain(a, &k));
	map_setc(a, m.u.m, "HelmVersion", helmver_plain(a, &h));
	return m;
}

static const char *const caps_fields[] = {"KubeVersion", "APIVersions", "HelmVersion", NULL};

static const vclass caps_class = {
    .gotype = "*chartutil.Capabilities",
    .field = caps_field,
    .methods = no_methods,
    .to_plain = caps_plain,
    .kind = "ptr",
    .json_order = caps_fields,
    .go_fields = caps_fields,
};

value obj_capabilities(arena *a, const capabilities *caps)
{
	return v_obj(a, &caps_class, (void *)caps);
}

/* ---- .Files ---- */

struct files_obj {
	const chart_file *f;
	size_t n;
};

static const chart_file *files_find(const struct files_obj *fo, const value *name)
{
	for (size_t i = 0; i < fo->n; i++)
		if (strlen(fo->f[i].name) == name->len &&
		    !memcmp(fo->f[i].name, name->u.s, name->len))
			return &fo->f[i];
	return NULL;
}

static value files_get(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const chart_file *f = files_find(argv[0].u.o->data, &argv[1]);
	return f ? v_str_static(f->data, f->len) : v_str(c->a, "", 0);
}

static value files_lines(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const chart_file *f = files_find(argv[0].u.o->data, &argv[1]);
	value l = v_list_new(c->a, 0);
	l.u.l->gotype = GT_STRLIST;
	if (!f || !f->len)
		return l;
	size_t len = f->len;
	if (f->data[len - 1] == '\n')
		len--;
	const char *s = f->data, *end = f->data + len;
	for (;;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl) {
			list_push(c->a, l.u.l, v_str(c->a, s, (size_t)(end - s)));
			break;
		}
		list_push(c->a, l.u.l, v_str(c->a, s, (size_t)(nl - s)));
		s = nl + 1;
	}
	return l;
}

/* gobwas/glob with '/' as separator: `*` stays within a path segment, `**` crosses them. */
static bool glob_match(const char *p, const char *s)
{
	for (; *p; p++) {
		if (*p == '*') {
			bool any = p[1] == '*';
			while (*p == '*')
				p++;
			for (const char *t = s;; t++) {
				if (glob_match(p, t))
					return true;
				if (!*t || (!any && *t == '/'))
					return false;
			}
		}
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return false;
			for (const char *alt = p + 1; alt <= close;) {
				const char *e = alt;
				while (e < close && *e != ',')
					e++;
				char buf[1024];
				int n = snprintf(buf, sizeof(buf), "%.*s%s", (int)(e - alt), alt,
						 close + 1);
				if (n > 0 && (size_t)n < sizeof(buf) && glob_match(buf, s))
					return true;
				alt = e + 1;
			}
			return false;
		}
		if (*p == '\\' && p[1]) { /* an escaped character matches itself */
			if (p[1] != *s)
				return false;
			p++;
			s++;
			continue;
		}
		if (!*s)
			return false;
		if (*p == '[') {
			const char *close = strchr(p + 1, ']');
			if (!close || *s == '/')
				return false;
			char pat[256];
			snprintf(pat, sizeof(pat), "%.*s", (int)(close - p + 1), p);
			if (pat[1] == '^')
				pat[1] = '!';
			char one[2] = {*s, 0};
			if (fnmatch(pat, one, 0) != 0)
				return false;
			p = close;
		} else if (*p == '?' ? *s == '/' : *p != *s) {
			return false;
		}
		s++;
	}
	return *s == 0;
}

static const vclass files_class;

static value files_glob(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const struct files_obj *fo = argv[0].u.o->data;
	struct files_obj *nf = arena_alloc(c->a, sizeof(*nf));
	chart_file *out = arena_alloc(c->a, (fo->n + 1) * sizeof(chart_file));
	for (size_t i = 0; i < fo->n; i++)
		if (glob_match(argv[1].u.s, fo->f[i].name))
			out[nf->n++] = fo->f[i];
	nf->f = out;
	return v_obj(c->a, &files_class, nf);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static value files_as(fnctx *c, const struct files_obj *fo, bool secrets)
{
	if (!fo->n)
		return v_str_static("", 0);
	value m = v_map_new(c->a);
	m.u.m->gotype = GT_STRMAP;
	for (size_t i = 0; i < fo->n; i++) {
		value v = v_str_static(fo->f[i].data, fo->f[i].len);
		if (secrets) {
			static const char b64[] =
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
			strbuf sb;
			sb_init(&sb, c->a);
			const unsigned char *d = (const unsigned char *)fo->f[i].data;
			size_t n = fo->f[i].len;
			for (size_t j = 0; j < n; j += 3) {
				unsigned x = (unsigned)d[j] << 16 |
					     (j + 1 < n ? d[j + 1] << 8 : 0) |
					     (j + 2 < n ? d[j + 2] : 0);
				sb_addc(&sb, b64[x >> 18 & 63]);
				sb_addc(&sb, b64[x >> 12 & 63]);
				sb_addc(&sb, j + 1 < n ? b64[x >> 6 & 63] : '=');
				sb_addc(&sb, j + 2 < n ? b64[x & 63] : '=');
			}
			v = v_str(c->a, sb_str(&sb), sb.len);
		}
		map_setc(c->a, m.u.m, base_name(fo->f[i].name), v);
	}
	strbuf out;
	sb_init(&out, c->a);
	const char *err;
	if (yaml_emit(&out, m, &err) != 0)
		return v_str_static("", 0);
	if (out.len && out.buf[out.len - 1] == '\n')
		out.len--;
	return v_str(c->a, out.buf, out.len);
}

static value files_asconfig(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return files_as(c, argv[0].u.o->data, false);
}

static value files_assecrets(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return files_as(c, argv[0].u.o->data, true);
}

static const fn_def files_methods[] = {
    {"AsConfig", files_asconfig, "o"},
    {"AsSecrets", files_assecrets, "o"},
    {"Get", files_get, "os"},
    {"GetBytes", files_get, "os"},
    {"Glob", files_glob, "os"},
    {"Lines", files_lines, "os"},
    {0},
};

static value files_plain(arena *a, const vobj *o)
{
	const struct files_obj *fo = o->data;
	value m = v_map_new(a);
	for (size_t i = 0; i < fo->n; i++)
		map_setc(a, m.u.m, fo->f[i].name, v_str_static(fo->f[i].data, fo->f[i].len));
	return m;
}

/* .Files.NAME: engine.files is a map[string][]byte, so a field that is not a
 * method is a key; a missing one is a nil []byte, which prints "[]". */
static bool files_field(arena *a, const vobj *o, const char *name, value *out)
{
	for (const fn_def *m = files_methods; m->name; m++)
		if (!strcmp(m->name, name))
			return false;
	const struct files_obj *fo = o->data;
	for (size_t i = 0; i < fo->n; i++)
		if (!strcmp(fo->f[i].name, name)) {
			*out = v_str(a, fo->f[i].data, fo->f[i].len);
			return true;
		}
	*out = v_list_new(a, 0);
	out->u.l->gotype = "[]uint8";
	return true;
}

static const vclass files_class = {
    .gotype = "engine.files",
    .field = files_field,
    .methods = files_methods,
    .to_plain = files_plain,
    .kind = "map",
};

value obj_files(arena *a, const chart_file *files, size_t n)
{
	struct files_obj *fo = arena_alloc(a, sizeof(*fo));
	fo->f = files;
	fo->n = n;
	return v_obj(a, &files_class, fo);
}
