/* oci.h - Helm charts in OCI registries, as Helm 3.17.3 stores them.
 *
 * A chart is a manifest whose config is the chart's metadata as JSON
 * (application/vnd.cncf.helm.config.v1+json) and whose layers are the chart
 * archive and, when there is one, its provenance file. The tag is the chart
 * version with '+' written as '_'. Credentials come from the flags or from
 * Helm's registry config file, a Docker config.json that `registry login` writes.
 */
#ifndef RENDER_OCI_H
#define RENDER_OCI_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

typedef struct oci_opts {
	const char *ca_file, *cert_file, *key_file; /* NULL or "" for none */
	const char *username, *password; /* used when both are set, else the config file */
	const char *registry_config;	 /* NULL or "": HELM_REGISTRY_CONFIG or the default */
	bool insecure;			 /* skip TLS verification */
	bool plain_http;		 /* http:// (always so for localhost, as Helm 3) */
	bool with_prov;			 /* oci_pull: the provenance layer too (required) */
} oci_opts;

/* The flag table entries of oci_opts for a cli command (cli/flags.h's flag_def). */
#define OCI_FLAGS(o)                                                                               \
	{"ca-file", 0, FLAG_STRING, &(o).ca_file}, {"cert-file", 0, FLAG_STRING, &(o).cert_file},  \
	    {"key-file", 0, FLAG_STRING, &(o).key_file},                                           \
	    {"username", 0, FLAG_STRING, &(o).username},                                           \
	    {"password", 0, FLAG_STRING, &(o).password},                                           \
	    {"registry-config", 0, FLAG_STRING, &(o).registry_config},                             \
	    {"insecure-skip-tls-verify", 0, FLAG_BOOL, &(o).insecure},                             \
	{                                                                                          \
		"plain-http", 0, FLAG_BOOL, &(o).plain_http                                        \
	}

/* Helm's newRegistryClientWithTLS: the certificate, key (both given) and CA
 * files must be readable and hold PEM data. Returns 0, or -1 with *err
 * ("can't create TLS config for client: can't read CA file: PATH"). */
int oci_check_tls(arena *a, const oci_opts *o, const char **err);

/* The registry config file: flag, HELM_REGISTRY_CONFIG, <config home>/registry/config.json. */
const char *oci_config_file(arena *a, const char *flag);

/* A chart pulled from a registry. */
typedef struct oci_chart {
	const char *ref;	    /* "host/repo:tag", as Helm prints it */
	const char *digest;	    /* the manifest's "sha256:..." */
	const char *name, *version; /* from the config */
	const char *data;	    /* the chart archive, its sha256 checked */
	size_t len;
	const char *prov; /* the provenance file, or NULL */
	size_t prov_len;
} oci_chart;

/* Resolves ref ("oci://host/path/name[:tag]") and version (exact, a semver
 * constraint, or "" for the tag or else the newest) and downloads the chart,
 * checking every blob's digest. Returns 0, or -1 with *err in Helm's words
 * ("HOST/REPO:TAG: not found"...). */
int oci_pull(arena *a, const char *ref, const char *version, const oci_opts *o, oci_chart *out,
	     const char **err);

/* The tags of ref ("[oci://]host/path/name") that are strict semver versions, '_'
 * read as '+', newest first, as Helm's registry client Tags lists them (over
 * HTTPS unless plain_http, even for localhost). Returns 0, or -1 with *err
 * ("GET \"URL\": unexpected status code 404: ..."). */
int oci_tags(arena *a, const char *ref, const oci_opts *o, const char ***tags, size_t *n,
	     const char **err);

/* Pushes the chart archive data (read from the file what) and prov, when not NULL, under remote
 * ("oci://host/path"), as REMOTE/NAME:VERSION; created is the RFC 3339 time
 * of the annotation org.opencontainers.image.created. Fills *ref and *digest
 * for the "Pushed:" and "Digest:" lines. */
int oci_push(arena *a, const char *what, const char *data, size_t len, const char *prov,
	     size_t prov_len, const char *remote, const char *created, const oci_opts *o,
	     const char **ref, const char **digest, const char **err);

/* Checks the credentials against host's /v2/ and stores them in the config file. */
int oci_login(arena *a, const char *host, const char *user, const char *pass, const oci_opts *o,
	      const char **err);
/* Removes host from the config file ("not logged in" when absent). */
int oci_logout(arena *a, const char *host, const oci_opts *o, const char **err);

/* The file name Helm gives a pulled chart: the reference's last path segment and
 * tag ("host/charts/demo:1.0.0_b" -> "demo-1.0.0+b.tgz"; a digest gives "demo@sha256-HEX.tgz"). */
const char *oci_file_name(arena *a, const char *ref);

/* Prints "Pulled: REF" or "Pushed: REF" and "Digest: D" on stderr, with Helm's
 * note on '+' written as '_' when the reference (pull) or the tag (push) has one. */
void oci_print_result(const char *verb, const char *ref, const char *digest);

/* For template and show: pulls ref into Helm's repository cache as
 * NAME-VERSION.tgz (printing "Pulled:" and "Digest:" on stderr as Helm does)
 * and sets *path to it. */
int oci_fetch_chart(arena *a, const char *ref, const char *version, const oci_opts *o,
		    const char **path, const char **err);
/* The same into the folder dir (created when missing), e.g. a chart's charts/
 * for `dependency update` of an oci:// repository (ref: REPOSITORY/NAME). */
int oci_fetch_chart_to(arena *a, const char *ref, const char *version, const oci_opts *o,
		       const char *dir, const char **path, const char **err);

#endif
