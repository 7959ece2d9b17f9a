/* kobj.h - what the release actions share (internal to release/): one
 * action's context, the Kubernetes objects of a manifest, and the object
 * operations of Helm's KubeClient (Build, Create, Update, Delete, Wait),
 * split across kobj.c (objects), wait.c (readiness) and hooks.c (hooks).
 */
#ifndef RENDER_KOBJ_H
#define RENDER_KOBJ_H

#include <signal.h>

#include "../chart/manifest.h"
#include "action.h"
#include "storage.h"

/* one action's context */
typedef struct act {
	arena *a;
	kube_client *k;
	storage *s;
	const char *ns;
	const action_opts *o;
	const char *propagation; /* DELETE's propagationPolicy, NULL: Background */
} act;

/* One object of a manifest, with its API resource. */
typedef struct kobj {
	value obj;
	kube_resource res;
	const char *ns, *name, *kind;
} kobj;

typedef struct kobjs {
	kobj *v;
	size_t n;
} kobjs;

/* Set by SIGINT/SIGTERM once action_catch_signals ran. */
extern volatile sig_atomic_t ko_cancelled;

/* small accessors: m[key] as a string (NULL when not one), as a value
 * (nil when missing), as a map made when missing */
const char *ko_sget(value m, const char *key);
value ko_mget(value m, const char *key);
vmap *ko_mmake(arena *a, vmap *m, const char *key);
double ko_num(value v);
bool ko_is_num(value v);
bool ko_equal(value x, value y);
bool ko_has_str(const char **v, size_t n, const char *s);
bool ko_has_condition(value obj, const char *type, const char **reason);

/* Go's multierror text, as Helm's perform() returns it. */
const char *ko_multierror(arena *a, const char **errs, size_t n);

long ko_now_ms(void);
void ko_nap(void); /* 200 ms between polls */

/* The objects of text in order (KubeClient.Build). rel_name != NULL adds
 * Helm's ownership metadata. Each document is checked as Helm's builder
 * does: "error validating \"\": error validating data: ..." for a missing or
 * mistyped apiVersion/kind, "unable to decode \"\": json: ..." for metadata
 * fields of the wrong JSON type. */
int ko_build(act *c, const char *text, const char *rel_name, kobjs *out, const char **err);
/* Helm's ownership label and annotations on obj. */
void ko_set_owner_meta(act *c, value obj, const char *rel_name);
const kobj *ko_find(const kobjs *l, const kobj *o);
const char *ko_json(arena *a, value v, size_t *len);

int ko_get(act *c, const kobj *o, value *out, long *st, const char **err);
/* POST (fieldManager from the options) */
int ko_create(act *c, const kobj *o, const char **err);
/* Server-side apply: PATCH application/apply-patch+yaml with fieldManager
 * and force; creates the object when missing. */
int ko_apply(act *c, const kobj *o, bool force, const char **err);
int ko_delete(act *c, const kobj *o, long *st, const char **err);
int ko_update(act *c, const kobj *o, const kobj *orig, value cur, const char **err);
/* every object created (applied without force with server_side, as Helm 4's
 * Create); errors gathered */
int ko_create_all(act *c, const kobjs *l, const char **err);
int ko_delete_all(act *c, const kobjs *l, const char **err);
int ko_update_all(act *c, const kobjs *orig, const kobjs *target, kobjs *created, const char **err);

/* wait.c: --wait readiness, hooks' WatchUntilReady, deletion waits */
int ko_wait_ready(act *c, const kobjs *l, const char **err);
int ko_watch_hook(act *c, const kobj *o, const char **err);
void ko_wait_deleted(act *c, const kobjs *l);

/* hooks.c: the release's hooks from the sorted manifests; running one event */
void hooks_make(arena *a, const manifest_set *ms, release *r);
int hooks_exec(act *c, release *r, const char *event, const char **err);

/* Writes r's record; a failure is printed as a warning. */
void act_record(act *c, const release *r);

#endif
