/* storage.h - Helm's Secrets storage driver (pkg/storage/driver/secrets.go):
 * releases kept as helm.sh/release.v1 Secrets labelled owner=helm, name=NAME,
 * status=..., version=N (or ConfigMaps with HELM_DRIVER=configmap), read back
 * with release/record.h. Also the small printing helpers the release commands
 * share (Go time formats and layouts).
 */
#ifndef RENDER_STORAGE_H
#define RENDER_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../net/kube.h"
#include "record.h"

typedef struct storage storage;

/* The client and driver a release command uses: the client's namespace, or
 * every namespace when all_namespaces. *k receives the client. */
storage *storage_open(arena *a, const kube_opts *o, bool all_namespaces, kube_client **k);

/* HELM_DRIVER's problem, as the whole line Helm logs before exiting 1
 * ("helm.go:78: unknown driver \"x\""), or NULL. Drivers: secret(s) (the
 * default), configmap(s); memory and sql are not supported. */
const char *storage_driver_error(const storage *s);

/* The driver for namespace ns ("" for every namespace, as `list -A`). */
storage *storage_new(arena *a, kube_client *k, const char *ns);

/* Every record labelled owner=helm (plus selector, "k=v,..." or NULL), in the
 * server's order; records that do not decode are skipped, as Helm skips them.
 * Errors: "list: failed to list: MSG". */
int storage_list(storage *s, const char *selector, release ***out, size_t *n, const char **err);

/* The records of release name (owner=helm,name=NAME), in the server's order.
 * No Secret at all: -1 with "release: not found"; Secrets that do not decode
 * give 0 with *n == 0, as Helm. */
int storage_history(storage *s, const char *name, release ***out, size_t *n, const char **err);

/* Revision version of name: "release: not found" when there is no such Secret,
 * "get: failed to get \"KEY\": MSG" on other errors. */
int storage_get(storage *s, const char *name, int64_t version, release **out, const char **err);

/* The highest revision of name (Helm's storage.Last); none decodes:
 * "no revision for release \"NAME\"". */
int storage_last(storage *s, const char *name, release **out, const char **err);

/* Helm's releaseContent: the named release at version (<= 0: the last),
 * with Helm's name check ("releaseContent: Release name is invalid: NAME"). */
int storage_content(storage *s, const char *name, int64_t version, release **out, const char **err);

/* chartutil.ValidateReleaseName. */
bool storage_valid_name(const char *name);

/* ---- printing ---- */

/* Helm's -o/--output values: 0 table, 1 json, 2 yaml; -1 with Helm's flag
 * error in *err ("invalid argument \"x\" for \"-o, --output\" flag: invalid format type"). */
int release_output_format(arena *a, const char *s, const char **err);

/* Go's time.Time.String(): "2026-12-06 01:02:03.123456789 +0000 UTC". */
const char *rel_time_string(arena *a, rel_time t);
/* t.Format(layout) with Go's reference-time layout ("2006-01-02 15:04:05Z0700"). */
const char *rel_time_layout(arena *a, rel_time t, const char *layout);
/* t.Format(time.ANSIC): "Sun Dec  6 01:02:03 2026". */
const char *rel_time_ansic(arena *a, rel_time t);

#endif
