/* kube.h - a small Kubernetes API client: requests with the kubeconfig's
 * credentials, JSON bodies as values, discovery (kind -> resource), and
 * get/list/create/update/patch/delete of any object. Errors read as Helm
 * shows client-go's: a Status object's message, else client-go's generic text
 * for the HTTP status ("the server has asked for the client to provide credentials").
 */
#ifndef RENDER_KUBE_H
#define RENDER_KUBE_H

#include <stdbool.h>
#include <stddef.h>

#include "../values/value.h"
#include "kubeconfig.h"

/* Helm's global cluster flags, for a command's flag table (cli/flags.h). */
#define KUBE_FLAGS(ko)                                                                             \
	{"kubeconfig", 0, FLAG_STRING, &(ko).kubeconfig},                                          \
	    {"kube-context", 0, FLAG_STRING, &(ko).context},                                       \
	    {"namespace", 'n', FLAG_STRING, &(ko).namespace},                                      \
	    {"kube-apiserver", 0, FLAG_STRING, &(ko).apiserver},                                   \
	    {"kube-token", 0, FLAG_STRING, &(ko).token},                                           \
	    {"kube-as-user", 0, FLAG_STRING, &(ko).as_user},                                       \
	    {"kube-ca-file", 0, FLAG_STRING, &(ko).ca_file},                                       \
	    {"kube-tls-server-name", 0, FLAG_STRING, &(ko).tls_server_name},                       \
	    {"kube-insecure-skip-tls-verify", 0, FLAG_BOOL, &(ko).insecure},                       \
	    {"debug", 0, FLAG_BOOL, &(ko).debug},                                                  \
	    {"burst-limit", 0, FLAG_STRING, &(ko).burst_limit},                                    \
	    {"qps", 0, FLAG_STRING, &(ko).qps}, {"kube-as-group", 0, FLAG_STRING, &(ko).as_group}, \
	    {"repository-config", 0, FLAG_STRING, &(ko).repo_config},                              \
	    {"repository-cache", 0, FLAG_STRING, &(ko).repo_cache},                                \
	{                                                                                          \
		"registry-config", 0, FLAG_STRING, &(ko).registry_config                           \
	}

typedef struct kube_client kube_client;

/* A client for o (HELM_* environment variables applied). It never fails:
 * a configuration error is kept and returned by the first request, as Helm
 * reports it ("Kubernetes cluster unreachable: context \"x\" does not exist"). */
kube_client *kube_new(arena *a, const kube_opts *o);
/* The namespace commands work in: -n, HELM_NAMESPACE, the context's, "default". */
const char *kube_namespace(const kube_client *k);

/* GET /version, as Helm's IsReachable. Returns 0, or -1 with
 * *err = "Kubernetes cluster unreachable: ...". */
int kube_reachable(kube_client *k, const char **err);

/* One request to path ("/api/v1/..." with any query). body may be NULL.
 * A 2xx answer returns 0 with its JSON in *out (V_NIL when empty or not JSON).
 * Otherwise -1 with *err (the Status message or client-go's generic text) and
 * *status the HTTP status, 0 when no answer came. out and status may be NULL. */
int kube_call(kube_client *k, const char *method, const char *path, const char *content_type,
	      const char *body, size_t len, value *out, long *status, const char **err);

/* An API resource found by discovery. */
typedef struct kube_resource {
	const char *group, *version; /* "" for the core group */
	const char *name;	     /* plural: "deployments" */
	const char *kind;
	bool namespaced;
} kube_resource;

/* Finds the resource of apiVersion/kind ("apps/v1", "Deployment"). Returns 0, or -1
 * with *err ("no matches for kind \"X\" in version \"g/v\""). Cached per group version. */
int kube_resource_for(kube_client *k, const char *api_version, const char *kind, kube_resource *out,
		      const char **err);

/* "/apis/G/V[/namespaces/NS]/PLURAL[/NAME]"; ns is ignored for cluster-scoped
 * resources and NULL or "" lists across namespaces; name may be NULL. */
const char *kube_path(arena *a, const kube_resource *r, const char *ns, const char *name);

/* Object operations. Each returns 0 (with the server's object in *out when
 * out is not NULL), or -1 with *err and *status (404: not found). */
int kube_get(kube_client *k, const kube_resource *r, const char *ns, const char *name, value *out,
	     long *status, const char **err);
/* label_selector may be NULL ("owner=helm,name=x" as the API takes it). */
int kube_list(kube_client *k, const kube_resource *r, const char *ns, const char *label_selector,
	      value *out, long *status, const char **err);
int kube_create(kube_client *k, const kube_resource *r, const char *ns, value obj, value *out,
		long *status, const char **err);
int kube_update(kube_client *k, const kube_resource *r, const char *ns, const char *name, value obj,
		value *out, long *status, const char **err);
/* type: "merge", "json", "strategic" or "apply" (server-side apply, with
 * field_manager and force). */
int kube_patch(kube_client *k, const kube_resource *r, const char *ns, const char *name,
	       const char *type, const char *patch, size_t len, const char *field_manager,
	       bool force, value *out, long *status, const char **err);
/* propagation: "Background", "Foreground", "Orphan" or NULL for the server's default. */
int kube_delete(kube_client *k, const kube_resource *r, const char *ns, const char *name,
		const char *propagation, long *status, const char **err);

/* "a=b,c" with every byte a URL query needs escaped. */
const char *kube_query_escape(arena *a, const char *s);

#endif
