/* pipeline.c - the steps between a loaded chart and its ordered documents, as
 * Helm 3.17.3's install action takes them (template, install, upgrade, diff
 * all come through here): CheckDependencies, ProcessDependenciesWithMerge,
 * CoalesceValues, schema validation, the engine, then SortManifests. */
#include "pipeline.h"

#include <string.h>

#include "../functions/semver.h"
#include "../values/schema.h"
#include "deps.h"

static void validate_tree(arena *a, const chart *c, vmap *values, strbuf *sb)
{
	if (c->schema_err) {
		sb_addf(sb, "%s:\n%s", c->name, c->schema_err);
	} else if (c->schema_src) {
		strbuf e;
		sb_init(&e, a);
		if (schema_validate_src(a, c->schema, c->schema_src, c->schema_len,
					(value){.kind = V_MAP, .u.m = values}, &e) != 0) {
			sb_addf(sb, "%s:\n", c->name);
			sb_add(sb, e.buf ? e.buf : "", e.len);
		}
	}
	for (size_t i = 0; i < c->ndeps; i++) {
		value *sv = map_getc(values, c->deps[i]->name);
		vmap *sub = sv && sv->kind == V_MAP ? sv->u.m : v_map_new(a).u.m;
		validate_tree(a, c->deps[i], sub, sb);
	}
}

int pipeline_validate(arena *a, const chart *c, vmap *values, const char **err)
{
	strbuf sb;
	sb_init(&sb, a);
	validate_tree(a, c, values, &sb);
	if (!sb.len)
		return 0;
	*err = arena_sprintf(
	    a,
	    "values don't meet the specifications of the schema(s) in the following chart(s):\n%s",
	    sb_str(&sb));
	return -1;
}

static bool is_notes(const char *name)
{
	size_t l = strlen(name);
	return l >= 9 && !strcmp(name + l - 9, "NOTES.txt");
}

int pipeline_run(arena *a, const chart *c, vmap *user, const pipeline_opts *o, pipeline_result *out,
		 strbuf *warn, bool *render_failed, const char **err)
{
	*render_failed = false;
	memset(out, 0, sizeof(*out));
	if (deps_check(a, c, err) != 0) {
		*err = arena_sprintf(
		    a,
		    "An error occurred while checking for chart dependencies. You may need to run "
		    "`helm dependency build` to fetch missing dependencies: %s",
		    *err);
		return -1;
	}
	chart *t;
	if (deps_process(a, c, user, true, &t, warn, err) != 0)
		return -1;
	vmap *vals = coalesce_values_ex(a, deps_vtree(a, t), user, false, warn, err);
	if (!vals)
		return -1;
	if (!o->skip_schema && pipeline_validate(a, t, vals, err) != 0)
		return -1;
	out->chart = t;
	out->values = vals;
	value *kv = t->meta.kind == V_MAP ? map_getc(t->meta.u.m, "kubeVersion") : NULL;
	bool ok;
	const char *e;
	if (kv && kv->kind == V_STRING && kv->len &&
	    (semver_check(a, kv->u.s, o->ro.caps.kube_version, &ok, &e) != 0 || !ok)) {
		*err = arena_sprintf(
		    a, "chart requires kubeVersion: %s which is incompatible with Kubernetes %s",
		    kv->u.s, o->ro.caps.kube_version);
		*render_failed = true;
		return -1;
	}
	if (engine_render(a, t, vals, &o->ro, &out->files, &out->nfiles, err) != 0) {
		*render_failed = true;
		return -1;
	}
	rendered *docs = arena_alloc(a, (out->nfiles + 1) * sizeof(rendered));
	size_t n = 0;
	const char *root_notes = arena_sprintf(a, "%s/templates/NOTES.txt", t->name);
	for (size_t i = 0; i < out->nfiles; i++) {
		if (!is_notes(out->files[i].name)) {
			docs[n++] = out->files[i];
			continue;
		}
		if (!strcmp(out->files[i].name, root_notes))
			out->notes = out->files[i].content;
	}
	if (manifest_sort(a, docs, n, &out->ms, err) != 0) {
		*render_failed = true;
		return -1;
	}
	return 0;
}
