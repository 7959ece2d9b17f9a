/* store_write.c - writes Helm's release records (Secrets, or ConfigMaps with
 * HELM_DRIVER=configmap) through net/kube.h: the object is built by
 * release/record.c exactly as Helm's driver builds it, sent as JSON.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_write.h"

static bool use_configmaps(void)
{
	const char *d = getenv("HELM_DRIVER");
	return d && (!strcmp(d, "configmap") || !strcmp(d, "configmaps"));
}

static kube_resource store_resource(void)
{
	kube_resource r = {
	    .group = "", .version = "v1", .name = "secrets", .kind = "Secret", .namespaced = true};
	if (use_configmaps()) {
		r.name = "configmaps";
		r.kind = "ConfigMap";
	}
	return r;
}

static int build(arena *a, const release *r, bool create, value *obj, const char **err)
{
	int64_t now = (int64_t)time(NULL);
	if (use_configmaps())
		return release_configmap(a, r, create, now, obj, err);
	return release_secret(a, r, create, now, obj, err);
}

int store_create(arena *a, kube_client *k, const char *ns, const release *r, const char **err)
{
	kube_resource res = store_resource();
	value obj;
	long st = 0;
	const char *e;
	if (build(a, r, true, &obj, &e)) {
		*err = arena_sprintf(a, "create: failed to encode release \"%s\": %s", r->name, e);
		return -1;
	}
	if (kube_create(k, &res, ns, obj, NULL, &st, &e) == 0)
		return 0;
	*err = st == 409 ? "release: already exists"
	       : st	 ? arena_sprintf(a, "create: failed to create: %s", e)
			 : e;
	return -1;
}

int store_update(arena *a, kube_client *k, const char *ns, const release *r, const char **err)
{
	kube_resource res = store_resource();
	value obj;
	long st = 0;
	const char *e;
	if (build(a, r, false, &obj, &e)) {
		*err = arena_sprintf(a, "update: failed to encode release \"%s\": %s", r->name, e);
		return -1;
	}
	const char *key = release_key(a, r->name, r->version);
	if (kube_update(k, &res, ns, key, obj, NULL, &st, &e) == 0)
		return 0;
	*err = st ? arena_sprintf(a, "update: failed to update: %s", e) : e;
	return -1;
}

int store_delete(arena *a, kube_client *k, const char *ns, const char *name, int64_t version,
		 const char **err)
{
	kube_resource res = store_resource();
	long st = 0;
	const char *e;
	if (kube_delete(k, &res, ns, release_key(a, name, version), NULL, &st, &e) == 0)
		return 0;
	*err = st == 404 ? "release: not found"
	       : st	 ? arena_sprintf(a, "delete: failed to delete: %s", e)
			 : e;
	return -1;
}
