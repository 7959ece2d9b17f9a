/* kubeconfig.h - where the Kubernetes API is and how to log in, found as
 * kubectl and Helm find it: --kubeconfig, else KUBECONFIG (files merged by
 * kubectl's rules), else ~/.kube/config, else the pod's service account, else
 * http://localhost:8080; then Helm's --kube-* overrides. Credentials are kept
 * in the arena and never printed.
 */
#ifndef RENDER_KUBECONFIG_H
#define RENDER_KUBECONFIG_H

#include <stdbool.h>

#include "../values/arena.h"

/* Helm's global flags about the cluster (NULL or "" when not given). */
typedef struct kube_opts {
	const char *kubeconfig;	     /* --kubeconfig */
	const char *context;	     /* --kube-context, else HELM_KUBECONTEXT */
	const char *namespace;	     /* -n/--namespace, else HELM_NAMESPACE */
	const char *apiserver;	     /* --kube-apiserver, else HELM_KUBEAPISERVER */
	const char *token;	     /* --kube-token, else HELM_KUBETOKEN */
	const char *as_user;	     /* --kube-as-user, else HELM_KUBEASUSER */
	const char *ca_file;	     /* --kube-ca-file, else HELM_KUBECAFILE */
	const char *tls_server_name; /* --kube-tls-server-name (accepted, not used yet) */
	bool insecure;		     /* --kube-insecure-skip-tls-verify */
	/* Helm's other global flags, accepted and not used */
	bool debug;
	const char *burst_limit, *qps, *as_group, *repo_config, *repo_cache, *registry_config;
} kube_opts;

/* The connection one command uses. */
typedef struct kube_config {
	const char *server;	      /* "https://host:port", no final slash */
	const char *context;	      /* the context's name, "" when none */
	const char *namespace;	      /* the namespace a command works in (never NULL) */
	const char *ca_pem, *ca_file; /* after loading, files are read into the _pem fields */
	const char *cert_pem, *cert_file, *key_pem, *key_file;
	const char *token;		 /* bearer token, NULL when none */
	const char *username, *password; /* basic auth, used when there is no token */
	const char *as_user;
	bool insecure;
	const char *proxy_url;		      /* NULL: the environment's */
	const char *cluster_name, *user_name; /* the context's, for messages */
	const char *cred_err;		      /* an exec plugin's failure: requests fail with
					       * "Get \"URL\": getting credentials: ERR" */
} kube_config;

/* Fills o's unset fields from Helm's environment variables (HELM_NAMESPACE...). */
void kubeconfig_env(kube_opts *o);

/* Loads the configuration for o. Always fills out->namespace (flag, else the
 * context's, else the service account's, else "default"). Returns 0, or -1
 * with *err in client-go's words ("context \"x\" does not exist"); Helm prints
 * such errors after "Kubernetes cluster unreachable: ". Runs an exec credential
 * plugin when the user has one.
 * RENDER_SERVICEACCOUNT_DIR replaces /var/run/secrets/kubernetes.io/serviceaccount
 * (for tests). */
int kubeconfig_load(arena *a, const kube_opts *o, kube_config *out, const char **err);

/* Standard padded base64 as Go decodes it (\r and \n skipped) into arena
 * memory, NUL-terminated. Returns 0, or -1 with *bad_at the input byte Go's
 * "illegal base64 data at input byte N" names. */
int kube_b64_decode(arena *a, const char *s, size_t n, char **out, size_t *outlen, size_t *bad_at);

#endif
