/* lookup.c - `lookup` in templates against the cluster (Helm 3.17's
 * pkg/engine/lookup_func.go over client-go's dynamic client): discovery
 * finds the resource of apiVersion/kind, then one GET of the object or the
 * list. Not found is an empty map; other failures are Helm's errors, and its
 * two log lines on stderr when the group version is unknown.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lookup.h"

/* k8s.io/apimachinery's JSON decoding into unstructured maps: integers are int64. */
static value unstructured(value v)
{
	if (v.kind == V_FLOAT && v.u.f == floor(v.u.f) && fabs(v.u.f) < 9223372036854775808.0)
		return v_int64((int64_t)v.u.f);
	if (v.kind == V_MAP)
		for (uint32_t i = 0; i < v.u.m->len; i++)
			v.u.m->e[i].val = unstructured(v.u.m->e[i].val);
	if (v.kind == V_LIST)
		for (uint32_t i = 0; i < v.u.l->len; i++)
			v.u.l->items[i] = unstructured(v.u.l->items[i]);
	return v;
}

static const char *sget(value m, const char *key)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, key) : NULL;
	return v && v->kind == V_STRING ? v->u.s : NULL;
}

/* UnstructuredList.UnstructuredContent(): "items" always there; an item
 * without kind and apiVersion takes the list's ("XList" less "List"). */
static value as_list(arena *a, value l)
{
	if (l.kind != V_MAP)
		l = v_map_new(a);
	value *items = map_getc(l.u.m, "items");
	if (!items || items->kind != V_LIST) {
		map_setc(a, l.u.m, "items", v_list_new(a, 0));
		return l;
	}
	const char *lk = sget(l, "kind"), *av = sget(l, "apiVersion");
	size_t n = lk ? strlen(lk) : 0;
	const char *ik = n >= 4 && !strcmp(lk + n - 4, "List") ? arena_strndup(a, lk, n - 4) : lk;
	for (uint32_t i = 0; i < items->u.l->len; i++) {
		value it = items->u.l->items[i];
		if (it.kind != V_MAP || sget(it, "kind") || sget(it, "apiVersion"))
			continue;
		map_setc(a, it.u.m, "kind", v_cstr(a, ik ? ik : ""));
		map_setc(a, it.u.m, "apiVersion", v_cstr(a, av ? av : ""));
	}
	return l;
}

/* schema.FromAPIVersionAndKind(...).String(): "group/version, Kind=K" */
static const char *gvk_string(arena *a, const char *api_version, const char *kind)
{
	const char *slash = strchr(api_version, '/');
	if (slash && strchr(slash + 1, '/'))
		return arena_sprintf(a, "/, Kind=%s", kind);
	if (!slash)
		return arena_sprintf(a, "/%s, Kind=%s", api_version, kind);
	return arena_sprintf(a, "%s, Kind=%s", api_version, kind);
}

/* Discovery found no such kind: when the group version itself is missing it
 * is Helm's error; otherwise client-go goes on with an empty resource, which
 * asks "/api" (a list) or "/api/NAME". Returns 1 for that, -1 on error. */
static int no_kind(kube_client *k, arena *a, const char *api_version, const char *kind,
		   const char **err)
{
	const char *gv = api_version, *e = "groupVersion shouldn't be empty";
	long st = 0;
	value d;
	const char *slash = strchr(gv, '/');
	if (slash && strchr(slash + 1, '/'))
		gv = ""; /* schema.ParseGroupVersion fails: an empty group version */
	if (*gv && kube_call(k, "GET", arena_sprintf(a, slash ? "/apis/%s" : "/api/%s", gv), NULL,
			     NULL, 0, &d, &st, &e) == 0)
		return 1;
	fprintf(
	    stderr,
	    "lookup_func.go:130: [ERROR] unable to retrieve resource list for: %s , error: %s\n",
	    gv, e);
	const char *gvk = gvk_string(a, api_version, kind);
	fprintf(stderr,
		"lookup_func.go:104: [ERROR] unable to get apiresource from unstructured: %s , "
		"error %s\n",
		gvk, e);
	*err = arena_sprintf(a, "unable to get apiresource from unstructured: %s: %s", gvk, e);
	return -1;
}

int release_lookup(void *ctx, arena *a, const char *api_version, const char *kind, const char *ns,
		   const char *name, value *out, const char **err)
{
	kube_client *k = ctx;
	kube_resource r;
	const char *e, *path;
	long st = 0;
	value v;
	if (kube_resource_for(k, api_version, kind, &r, &e) == 0) {
		path = kube_path(a, &r, r.namespaced ? ns : NULL, name && *name ? name : NULL);
	} else {
		if (no_kind(k, a, api_version, kind, err) < 0)
			return -1;
		path = name && *name ? arena_sprintf(a, "/api/%s", kube_query_escape(a, name))
				     : "/api";
	}
	if (kube_call(k, "GET", path, NULL, NULL, 0, &v, &st, &e)) {
		if (st == 404) {
			*out = v_map_new(a);
			return 0;
		}
		*err = e;
		return -1;
	}
	v = unstructured(v);
	*out = name && *name ? (v.kind == V_MAP ? v : v_map_new(a)) : as_list(a, v);
	return 0;
}
