/* lookup.h - the template function lookup against a cluster, as Helm 3.17's
 * pkg/engine/lookup_func.go runs it during install, upgrade and
 * --dry-run=server: plug release_lookup and its kube_client into render_opts.
 */
#ifndef RENDER_LOOKUP_H
#define RENDER_LOOKUP_H

#include "../net/kube.h"

/* A helm_lookup_fn (functions/functions.h) whose ctx is a kube_client *.
 * *out: the object, or the List (kind XList, items with kind and apiVersion
 * filled in) when name is ""; an empty map when the server answers 404.
 * Numbers come back as client-go's unstructured decoding gives them:
 * integers int64, others float64. Everything lives in a (the client's own
 * discovery cache too): one client per rendering thread. */
int release_lookup(void *ctx, arena *a, const char *api_version, const char *kind, const char *ns,
		   const char *name, value *out, const char **err);

#endif
