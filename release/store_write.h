/* store_write.h - the writing half of Helm's Secrets storage driver
 * (pkg/storage/driver/secrets.go Create, Update, Delete) and the storage
 * layer's history pruning (MaxHistory), with Helm's error texts. Reading is
 * release/storage.h. HELM_DRIVER=configmap writes ConfigMaps instead.
 */
#ifndef RENDER_STORE_WRITE_H
#define RENDER_STORE_WRITE_H

#include "../net/kube.h"
#include "record.h"

/* POST the record of r in namespace ns (createdAt label). An existing key:
 * "release: already exists"; other errors "create: failed to create: MSG". */
int store_create(arena *a, kube_client *k, const char *ns, const release *r, const char **err);

/* PUT the record of r (modifiedAt label): "update: failed to update: MSG". */
int store_update(arena *a, kube_client *k, const char *ns, const release *r, const char **err);

/* DELETE revision version of name: "delete: failed to delete: MSG"
 * ("release: not found" when it is not there). */
int store_delete(arena *a, kube_client *k, const char *ns, const char *name, int64_t version,
		 const char **err);

#endif
