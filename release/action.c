/* action.c - install, upgrade, rollback and uninstall as Helm 3.17 runs them:
 * the same order of record writes (pending-*, then deployed/failed), hooks
 * in weight order with their delete policies, objects created with POST
 * (fieldManager=helm), changed with a three-way JSON merge patch (original
 * manifest, new manifest, live object), deleted with Background propagation.
 * Server-side apply is not used: Helm 3 does not, and its records and
 * managedFields then stay interchangeable with Helm's own.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../chart/pipeline.h"
#include "../values/coalesce.h"
#include "../values/json.h"
#include "../values/yaml.h"
#include "action.h"
#include "storage.h"
#include "store_write.h"

/* ---- one action's context ---- */

typedef struct act {
	arena *a;
	kube_client *k;
	storage *s;
	const char *ns;
	const action_opts *o;
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

static const char *sget(value m, const char *key)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, key) : NULL;
	return v && v->kind == V_STRING ? v->u.s : NULL;
}

static value mget(value m, const char *key)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, key) : NULL;
	return v ? *v : v_nil();
}

/* m[key] as a map, made when missing. */
static vmap *mmake(arena *a, vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	if (v && v->kind == V_MAP)
		return v->u.m;
	value n = v_map_new(a);
	map_setc(a, m, key, n);
	return n.u.m;
}

static double num(value v)
{
	switch (v.kind) {
	case V_INT:
	case V_INT64:
		return (double)v.u.i;
	case V_FLOAT:
		return v.u.f;
	default:
		return 0;
	}
}

static bool is_num(value v)
{
	return v.kind == V_INT || v.kind == V_INT64 || v.kind == V_FLOAT;
}

static bool value_equal(value x, value y)
{
	if (is_num(x) && is_num(y))
		return num(x) == num(y);
	if (x.kind != y.kind)
		return false;
	switch (x.kind) {
	case V_NIL:
		return true;
	case V_BOOL:
		return x.u.b == y.u.b;
	case V_STRING:
		return x.len == y.len && !memcmp(x.u.s, y.u.s, x.len);
	case V_LIST:
		if (x.u.l->len != y.u.l->len)
			return false;
		for (uint32_t i = 0; i < x.u.l->len; i++)
			if (!value_equal(x.u.l->items[i], y.u.l->items[i]))
				return false;
		return true;
	case V_MAP:
		if (x.u.m->len != y.u.m->len)
			return false;
		for (uint32_t i = 0; i < x.u.m->len; i++) {
			value *o = map_get(y.u.m, x.u.m->e[i].key, x.u.m->e[i].klen);
			if (!o || !value_equal(x.u.m->e[i].val, *o))
				return false;
		}
		return true;
	default:
		return false;
	}
}

/* Go's multierror text, as Helm's perform() returns it. */
static const char *multierror(arena *a, const char **errs, size_t n)
{
	strbuf sb;
	sb_init(&sb, a);
	if (n == 1)
		sb_adds(&sb, "1 error occurred:\n");
	else
		sb_addf(&sb, "%zu errors occurred:\n", n);
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "\t* %s\n", errs[i]);
	sb_addc(&sb, '\n');
	return sb_str(&sb);
}

/* SIGINT/SIGTERM cancel the action as Helm's context does: the release is
 * then marked failed ("context canceled") instead of staying pending. */
static volatile sig_atomic_t cancelled;
static char cancel_msg[160];
static size_t cancel_len;

static void on_signal(int sig)
{
	(void)sig;
	if (!cancelled && cancel_len) {
		ssize_t w = write(STDOUT_FILENO, cancel_msg, cancel_len);
		(void)w;
	}
	cancelled = 1;
}

void action_catch_signals(const char *name)
{
	int n = snprintf(cancel_msg, sizeof cancel_msg, "Release %s has been cancelled.\n", name);
	cancel_len = n > 0 && (size_t)n < sizeof cancel_msg ? (size_t)n : 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap(void)
{
	struct timespec ts = {0, 200 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

int action_parse_duration(arena *a, const char *s, long *ms, const char **err)
{
	static const struct {
		const char *u;
		double f;
	} units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1},
		     {"s", 1e3},   {"m", 6e4},	 {"h", 3.6e6}};
	const char *p = s;
	double total = 0;
	bool neg = false;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!strcmp(p, "0")) {
		*ms = 0;
		return 0;
	}
	if (!*p)
		goto bad;
	while (*p) {
		char *end;
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			goto bad;
		double v = strtod(p, &end);
		if (end == p)
			goto bad;
		p = end;
		size_t best = 0, bl = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].u);
			if (!strncmp(p, units[i].u, l) && l > bl) {
				best = i;
				bl = l;
			}
		}
		if (!bl) {
			if (!*p || (*p >= '0' && *p <= '9'))
				*err = arena_sprintf(a, "time: missing unit in duration \"%s\"", s);
			else
				*err = arena_sprintf(
				    a, "time: unknown unit \"%.*s\" in duration \"%s\"",
				    (int)strcspn(p, "0123456789."), p, s);
			return -1;
		}
		total += v * units[best].f;
		p += bl;
	}
	*ms = (long)(neg ? -total : total);
	return 0;
bad:
	*err = arena_sprintf(a, "time: invalid duration \"%s\"", s);
	return -1;
}

/* ---- building objects from a manifest (Helm's KubeClient.Build) ---- */

static void set_owner_meta(act *c, value obj, const char *rel_name)
{
	vmap *meta = mmake(c->a, obj.u.m, "metadata");
	vmap *lb = mmake(c->a, meta, "labels");
	vmap *an = mmake(c->a, meta, "annotations");
	map_setc(c->a, lb, "app.kubernetes.io/managed-by", v_cstr(c->a, "Helm"));
	map_setc(c->a, an, "meta.helm.sh/release-name", v_cstr(c->a, rel_name));
	map_setc(c->a, an, "meta.helm.sh/release-namespace", v_cstr(c->a, c->ns));
}

/* The objects of text in order. rel_name != NULL adds Helm's ownership metadata. */
static int build(act *c, const char *text, const char *rel_name, kobjs *out, const char **err)
{
	const char **docs;
	size_t nd = manifest_split(c->a, text ? text : "", &docs);
	out->v = arena_alloc(c->a, (nd + 1) * sizeof(kobj));
	out->n = 0;
	for (size_t i = 0; i < nd; i++) {
		value v;
		const char *e;
		if (yaml_load(c->a, docs[i], strlen(docs[i]), &v, &e)) {
			*err = arena_sprintf(c->a, "error parsing : %s", e);
			return -1;
		}
		if (v.kind == V_NIL)
			continue;
		const char *av = sget(v, "apiVersion"), *kind = sget(v, "kind");
		value meta = mget(v, "metadata");
		if (v.kind != V_MAP || !av || !kind) {
			*err = arena_sprintf(c->a, "error validating data: %s",
					     !av ? "apiVersion not set" : "kind not set");
			return -1;
		}
		kobj *o = &out->v[out->n];
		o->obj = v;
		o->kind = kind;
		o->name = sget(meta, "name") ? sget(meta, "name") : "";
		const char *ons = sget(meta, "namespace");
		if (kube_resource_for(c->k, av, kind, &o->res, &e)) {
			*err =
			    arena_sprintf(c->a,
					  "resource mapping not found for name: \"%s\" namespace: "
					  "\"%s\" from \"\": %s\nensure CRDs are installed first",
					  o->name, ons ? ons : "", e);
			return -1;
		}
		o->ns = !o->res.namespaced ? "" : ons && *ons ? ons : c->ns;
		if (rel_name)
			set_owner_meta(c, v, rel_name);
		out->n++;
	}
	return 0;
}

static bool same_obj(const kobj *x, const kobj *y)
{
	return !strcmp(x->res.group, y->res.group) && !strcmp(x->kind, y->kind) &&
	       !strcmp(x->ns, y->ns) && !strcmp(x->name, y->name);
}

static const kobj *find_obj(const kobjs *l, const kobj *o)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_obj(&l->v[i], o))
			return &l->v[i];
	return NULL;
}

/* ---- object operations ---- */

static const char *to_json(arena *a, value v, size_t *len)
{
	strbuf sb;
	const char *e;
	sb_init(&sb, a);
	if (json_emit(&sb, v, &e))
		sb_adds(&sb, "{}");
	*len = sb.len;
	return sb_str(&sb);
}

static int obj_get(act *c, const kobj *o, value *out, long *st, const char **err)
{
	return kube_get(c->k, &o->res, o->ns, o->name, out, st, err);
}

static int obj_create(act *c, const kobj *o, const char **err)
{
	size_t len;
	const char *body = to_json(c->a, o->obj, &len);
	const char *path =
	    arena_sprintf(c->a, "%s?fieldManager=%s", kube_path(c->a, &o->res, o->ns, NULL),
			  kube_query_escape(c->a, c->o->field_manager));
	long st;
	return kube_call(c->k, "POST", path, "application/json", body, len, NULL, &st, err);
}

static int obj_delete(act *c, const kobj *o, long *st, const char **err)
{
	return kube_delete(c->k, &o->res, o->ns, o->name, "Background", st, err);
}

/* jsonmergepatch's three-way patch: keys dropped since orig become null,
 * keys whose live value differs from mod take mod's. */
static vmap *three_way(arena *a, value orig, value mod, value cur)
{
	vmap *p = v_map_new(a).u.m;
	for (uint32_t i = 0; i < mod.u.m->len; i++) {
		const ventry *e = &mod.u.m->e[i];
		value *cv = cur.kind == V_MAP ? map_get(cur.u.m, e->key, e->klen) : NULL;
		value *ov = orig.kind == V_MAP ? map_get(orig.u.m, e->key, e->klen) : NULL;
		if (e->val.kind == V_MAP && cv && cv->kind == V_MAP) {
			vmap *sub = three_way(a, ov ? *ov : v_nil(), e->val, *cv);
			if (sub->len)
				map_set(a, p, e->key, e->klen, (value){.kind = V_MAP, .u.m = sub});
		} else if (!cv || !value_equal(e->val, *cv)) {
			map_set(a, p, e->key, e->klen, e->val);
		}
	}
	for (uint32_t i = 0; orig.kind == V_MAP && i < orig.u.m->len; i++) {
		const ventry *e = &orig.u.m->e[i];
		if (!map_get(mod.u.m, e->key, e->klen) && cur.kind == V_MAP &&
		    map_get(cur.u.m, e->key, e->klen))
			map_set(a, p, e->key, e->klen, v_nil());
	}
	return p;
}

/* Helm's updateResource: a patch from the original, or a replace with --force. */
static int obj_update(act *c, const kobj *o, const kobj *orig, value cur, const char **err)
{
	long st;
	const char *e;
	size_t len;
	if (c->o->force) {
		value obj = value_deep_copy(c->a, o->obj);
		vmap *meta = mmake(c->a, obj.u.m, "metadata");
		const char *rv = sget(mget(cur, "metadata"), "resourceVersion");
		if (rv)
			map_setc(c->a, meta, "resourceVersion", v_cstr(c->a, rv));
		if (kube_update(c->k, &o->res, o->ns, o->name, obj, NULL, &st, &e) == 0)
			return 0;
		*err = arena_sprintf(c->a, "failed to replace object: %s", e);
		return -1;
	}
	vmap *p = three_way(c->a, orig ? orig->obj : v_nil(), o->obj, cur);
	if (!p->len)
		return 0;
	const char *body = to_json(c->a, (value){.kind = V_MAP, .u.m = p}, &len);
	const char *path =
	    arena_sprintf(c->a, "%s?fieldManager=%s", kube_path(c->a, &o->res, o->ns, o->name),
			  kube_query_escape(c->a, c->o->field_manager));
	if (kube_call(c->k, "PATCH", path, "application/merge-patch+json", body, len, NULL, &st,
		      &e) == 0)
		return 0;
	*err = arena_sprintf(c->a, "cannot patch \"%s\" with kind %s: %s", o->name, o->kind, e);
	return -1;
}

/* Helm's KubeClient.Create: every object, errors gathered. */
static int create_all(act *c, const kobjs *l, const char **err)
{
	const char **errs = arena_alloc(c->a, (l->n + 1) * sizeof(char *));
	size_t ne = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *e;
		if (obj_create(c, &l->v[i], &e))
			errs[ne++] = e;
	}
	if (!ne)
		return 0;
	*err = multierror(c->a, errs, ne);
	return -1;
}

/* Helm's KubeClient.Delete (not-found ignored); errors gathered. */
static int delete_all(act *c, const kobjs *l, const char **err)
{
	const char **errs = arena_alloc(c->a, (l->n + 1) * sizeof(char *));
	size_t ne = 0;
	for (size_t i = 0; i < l->n; i++) {
		long st = 0;
		const char *e;
		if (obj_delete(c, &l->v[i], &st, &e) && st != 404)
			errs[ne++] = e;
	}
	if (!ne)
		return 0;
	*err = multierror(c->a, errs, ne);
	return -1;
}

/* Helm's KubeClient.Update(original, target, force); the objects it
 * created (or tried to) are added to created when not NULL. */
static int update_all(act *c, const kobjs *orig, const kobjs *target, kobjs *created,
		      const char **err)
{
	if (created) {
		created->v = arena_alloc(c->a, (target->n + 1) * sizeof(kobj));
		created->n = 0;
	}
	strbuf upd;
	sb_init(&upd, c->a);
	for (size_t i = 0; i < target->n; i++) {
		const kobj *o = &target->v[i];
		value cur;
		long st = 0;
		const char *e;
		if (obj_get(c, o, &cur, &st, &e)) {
			if (st != 404) {
				*err = arena_sprintf(
				    c->a, "could not get information about the resource: %s", e);
				return -1;
			}
			if (created)
				created->v[created->n++] = *o;
			if (obj_create(c, o, &e)) {
				*err = arena_sprintf(c->a, "failed to create resource: %s", e);
				return -1;
			}
			continue;
		}
		const kobj *oo = find_obj(orig, o);
		if (!oo) {
			*err = arena_sprintf(c->a, "no %s with the name \"%s\" found", o->kind,
					     o->name);
			return -1;
		}
		if (obj_update(c, o, oo, cur, &e)) {
			if (upd.len)
				sb_adds(&upd, " && ");
			sb_adds(&upd, e);
		}
	}
	if (upd.len) {
		*err = sb_str(&upd);
		return -1;
	}
	for (size_t i = 0; i < orig->n; i++) {
		const kobj *o = &orig->v[i];
		value cur;
		long st;
		const char *e;
		if (find_obj(target, o) || obj_get(c, o, &cur, &st, &e))
			continue;
		const char *pol =
		    sget(mget(mget(cur, "metadata"), "annotations"), "helm.sh/resource-policy");
		if (pol && !strcmp(pol, "keep"))
			continue;
		obj_delete(c, o, &st, &e);
	}
	return 0;
}

/* ---- readiness (Helm's --wait) ---- */

static int64_t ival(value v, int64_t dflt)
{
	return is_num(v) ? (int64_t)num(v) : dflt;
}

static bool has_condition(value obj, const char *type, const char **reason)
{
	value conds = mget(mget(obj, "status"), "conditions");
	for (uint32_t i = 0; conds.kind == V_LIST && i < conds.u.l->len; i++) {
		value cd = conds.u.l->items[i];
		const char *t = sget(cd, "type"), *s = sget(cd, "status");
		if (t && s && !strcmp(t, type) && !strcmp(s, "True")) {
			if (reason)
				*reason = sget(cd, "reason") ? sget(cd, "reason") : "";
			return true;
		}
	}
	return false;
}

static int64_t max_unavailable(value spec, int64_t replicas)
{
	value mu = mget(mget(mget(spec, "strategy"), "rollingUpdate"), "maxUnavailable");
	const char *type = sget(mget(spec, "strategy"), "type");
	if (type && strcmp(type, "RollingUpdate"))
		return 0;
	if (is_num(mu))
		return (int64_t)num(mu);
	long pct = 25;
	if (mu.kind == V_STRING)
		pct = atol(mu.u.s);
	return replicas * pct / 100;
}

/* 1 ready, 0 not yet, -1 failed (*err). */
static int obj_ready(act *c, const kobj *o, value cur, const char **err)
{
	value spec = mget(cur, "spec"), status = mget(cur, "status");
	const char *k = o->kind;
	if (!strcmp(k, "Deployment")) {
		if (mget(spec, "paused").kind == V_BOOL && mget(spec, "paused").u.b)
			return 1;
		int64_t want = ival(mget(spec, "replicas"), 1);
		int64_t exp = want - max_unavailable(spec, want);
		return ival(mget(status, "updatedReplicas"), 0) >= want &&
		       ival(mget(status, "readyReplicas"), 0) >= exp;
	}
	if (!strcmp(k, "StatefulSet") || !strcmp(k, "ReplicaSet") ||
	    !strcmp(k, "ReplicationController"))
		return ival(mget(status, "readyReplicas"), 0) >= ival(mget(spec, "replicas"), 1);
	if (!strcmp(k, "DaemonSet"))
		return ival(mget(status, "numberReady"), 0) >=
		       ival(mget(status, "desiredNumberScheduled"), 0);
	if (!strcmp(k, "Pod"))
		return has_condition(cur, "Ready", NULL) ||
		       (sget(status, "phase") && !strcmp(sget(status, "phase"), "Succeeded"));
	if (!strcmp(k, "PersistentVolumeClaim"))
		return sget(status, "phase") && !strcmp(sget(status, "phase"), "Bound");
	if (!strcmp(k, "Service")) {
		const char *t = sget(spec, "type");
		if (t && !strcmp(t, "ExternalName"))
			return 1;
		if (!sget(spec, "clusterIP") || !*sget(spec, "clusterIP"))
			return 0;
		return !t || strcmp(t, "LoadBalancer") ||
		       mget(mget(status, "loadBalancer"), "ingress").kind == V_LIST;
	}
	if (!strcmp(k, "Job") && c->o->wait_for_jobs) {
		const char *reason;
		if (has_condition(cur, "Failed", &reason)) {
			*err = arena_sprintf(c->a, "job %s failed: %s", o->name, reason);
			return -1;
		}
		return has_condition(cur, "Complete", NULL);
	}
	return 1;
}

static int wait_ready(act *c, const kobjs *l, const char **err)
{
	long deadline = now_ms() + c->o->timeout_ms;
	for (size_t i = 0; i < l->n; i++) {
		for (;;) {
			value cur;
			long st;
			const char *e;
			int r = 0;
			if (obj_get(c, &l->v[i], &cur, &st, &e) == 0)
				r = obj_ready(c, &l->v[i], cur, err);
			if (r < 0)
				return -1;
			if (r > 0)
				break;
			if (now_ms() >= deadline || cancelled) {
				*err = cancelled ? "context canceled" : "context deadline exceeded";
				return -1;
			}
			nap();
		}
	}
	return 0;
}

/* Helm's WatchUntilReady for hooks: Jobs complete, Pods succeed. */
static int watch_hook(act *c, const kobj *o, const char **err)
{
	long deadline = now_ms() + c->o->timeout_ms;
	bool job = !strcmp(o->kind, "Job"), pod = !strcmp(o->kind, "Pod");
	if (!job && !pod)
		return 0;
	for (;;) {
		value cur;
		long st;
		const char *e, *reason;
		if (obj_get(c, o, &cur, &st, &e) == 0) {
			const char *phase = sget(mget(cur, "status"), "phase");
			if (job && has_condition(cur, "Complete", NULL))
				return 0;
			if (job && has_condition(cur, "Failed", &reason)) {
				*err = arena_sprintf(c->a, "job %s failed: %s", o->name, reason);
				return -1;
			}
			if (pod && phase && !strcmp(phase, "Succeeded"))
				return 0;
			if (pod && phase && !strcmp(phase, "Failed")) {
				*err = arena_sprintf(c->a, "pod %s failed", o->name);
				return -1;
			}
		}
		if (now_ms() >= deadline || cancelled) {
			*err =
			    cancelled ? "context canceled" : "timed out waiting for the condition";
			return -1;
		}
		nap();
	}
}

static void wait_deleted(act *c, const kobjs *l)
{
	long deadline = now_ms() + c->o->timeout_ms;
	for (size_t i = 0; i < l->n; i++) {
		value cur;
		long st = 0;
		const char *e;
		while (obj_get(c, &l->v[i], &cur, &st, &e) == 0 && now_ms() < deadline)
			nap();
	}
}

/* ---- hooks (hooks.go) ---- */

static bool has_str(const char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void split_list(arena *a, const char *s, const char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!s)
		return;
	const char *p = s;
	for (;;) {
		size_t l = strcspn(p, ",");
		const char *b = p, *e = p + l;
		while (b < e && (*b == ' ' || *b == '\t' || *b == '\n'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
			e--;
		char *item = arena_strndup(a, b, (size_t)(e - b));
		for (char *q = item; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		*out = arena_realloc(a, *out, *n * sizeof(char *), (*n + 1) * sizeof(char *));
		(*out)[(*n)++] = item;
		if (!p[l])
			break;
		p += l + 1;
	}
}

/* The release hooks of the sorted hook manifests (releaseutil's sortManifestsByHooks). */
static void make_hooks(arena *a, const manifest_set *ms, release *r)
{
	static const char *const events[] = {
	    "pre-install",  "post-install", "pre-delete",    "post-delete", "pre-upgrade",
	    "post-upgrade", "pre-rollback", "post-rollback", "test",	    NULL};
	r->hooks = arena_alloc(a, (ms->nhooks + 1) * sizeof(rel_hook));
	r->nhooks = 0;
	for (size_t i = 0; i < ms->nhooks; i++) {
		const manifest *m = &ms->hooks[i];
		value v = v_nil();
		const char *e;
		yaml_load(a, m->content, strlen(m->content), &v, &e);
		value ann = mget(mget(v, "metadata"), "annotations");
		rel_hook *h = &r->hooks[r->nhooks++];
		memset(h, 0, sizeof *h);
		h->name =
		    sget(mget(v, "metadata"), "name") ? sget(mget(v, "metadata"), "name") : "";
		h->kind = sget(v, "kind") ? sget(v, "kind") : "";
		h->path = m->path;
		h->manifest = m->content;
		h->weight = m->weight;
		const char **ev;
		size_t nev;
		split_list(a, sget(ann, "helm.sh/hook"), &ev, &nev);
		h->events = arena_alloc(a, (nev + 1) * sizeof(char *));
		for (size_t j = 0; j < nev; j++) {
			const char *x = !strcmp(ev[j], "test-success") ? "test" : ev[j];
			for (int k = 0; events[k]; k++)
				if (!strcmp(events[k], x))
					h->events[h->nevents++] = events[k];
		}
		if (!h->nevents)
			h->events = NULL;
		split_list(a, sget(ann, "helm.sh/hook-delete-policy"), &h->delete_policies,
			   &h->ndelete_policies);
	}
}

static int delete_hook_by_policy(act *c, rel_hook *h, const char *policy, const char **err)
{
	if (h->kind && !strcmp(h->kind, "CustomResourceDefinition"))
		return 0;
	if (!has_str(h->delete_policies, h->ndelete_policies, policy))
		return 0;
	kobjs l;
	const char *e;
	if (build(c, h->manifest, NULL, &l, &e)) {
		*err = arena_sprintf(
		    c->a, "unable to build kubernetes object for deleting hook %s: %s", h->path, e);
		return -1;
	}
	if (delete_all(c, &l, err))
		return -1;
	wait_deleted(c, &l);
	return 0;
}

static void record(act *c, const release *r)
{
	const char *e;
	/* Helm only logs this (with --debug); a record left behind as pending-*
	 * or outdated must not go unreported, so it is printed. */
	if (store_update(c->a, c->k, c->ns, r, &e))
		fprintf(stderr,
			"WARNING: failed to record the release %s (revision %lld, status %s): %s\n",
			r->name, (long long)r->version,
			r->info && r->info->status ? r->info->status : "", e);
}

static int exec_hooks(act *c, release *r, const char *event, const char **err)
{
	rel_hook **run = arena_alloc(c->a, (r->nhooks + 1) * sizeof(rel_hook *));
	size_t n = 0;
	for (size_t i = 0; i < r->nhooks; i++)
		if (has_str(r->hooks[i].events, r->hooks[i].nevents, event))
			run[n++] = &r->hooks[i];
	for (size_t i = 1; i < n; i++) /* stable insertion sort: weight, then name */
		for (size_t j = i; j > 0; j--) {
			rel_hook *x = run[j - 1], *y = run[j];
			if (x->weight < y->weight ||
			    (x->weight == y->weight && strcmp(x->name, y->name) <= 0))
				break;
			run[j - 1] = y;
			run[j] = x;
		}
	for (size_t i = 0; i < n; i++) {
		rel_hook *h = run[i];
		if (!h->ndelete_policies) {
			h->delete_policies = arena_alloc(c->a, sizeof(char *));
			h->delete_policies[0] = "before-hook-creation";
			h->ndelete_policies = 1;
		}
		if (delete_hook_by_policy(c, h, "before-hook-creation", err))
			return -1;
		kobjs l;
		const char *e;
		if (build(c, h->manifest, NULL, &l, &e)) {
			*err = arena_sprintf(c->a,
					     "unable to build kubernetes object for %s hook %s: %s",
					     event, h->path, e);
			return -1;
		}
		h->started_at = rel_time_now();
		h->completed_at = (rel_time){0};
		h->phase = "Running";
		record(c, r);
		h->phase = "Unknown";
		if (create_all(c, &l, &e)) {
			h->completed_at = rel_time_now();
			h->phase = "Failed";
			*err = arena_sprintf(c->a, "warning: Hook %s %s failed: %s", event, h->path,
					     e);
			return -1;
		}
		const char **errs = arena_alloc(c->a, (l.n + 1) * sizeof(char *));
		size_t ne = 0;
		for (size_t j = 0; j < l.n; j++)
			if (watch_hook(c, &l.v[j], &e))
				errs[ne++] = e;
		h->completed_at = rel_time_now();
		if (ne) {
			h->phase = "Failed";
			const char *de;
			delete_hook_by_policy(c, h, "hook-failed", &de);
			*err = multierror(c->a, errs, ne);
			return -1;
		}
		h->phase = "Succeeded";
	}
	for (size_t i = n; i-- > 0;)
		if (delete_hook_by_policy(c, run[i], "hook-succeeded", err))
			return -1;
	return 0;
}

/* ---- capabilities from the cluster (getCapabilities, GetVersionSet) ---- */

static void add_api(arena *a, capabilities *caps, const char *s)
{
	for (size_t i = 0; i < caps->napi; i++)
		if (!strcmp(caps->api_versions[i], s))
			return;
	capabilities_add_api(a, caps, s);
}

static int cluster_caps(act *c, capabilities *caps, const char **err)
{
	value v, l;
	const char *e;
	memset(caps, 0, sizeof *caps);
	if (kube_call(c->k, "GET", "/version", NULL, NULL, 0, &v, NULL, &e)) {
		*err = arena_sprintf(c->a, "could not get server version from Kubernetes: %s", e);
		return -1;
	}
	caps->kube_version = sget(v, "gitVersion") ? sget(v, "gitVersion") : "";
	caps->kube_major = sget(v, "major") ? sget(v, "major") : "";
	caps->kube_minor = sget(v, "minor") ? sget(v, "minor") : "";
	const char **gvs = NULL;
	size_t ngv = 0;
	if (kube_call(c->k, "GET", "/api", NULL, NULL, 0, &l, NULL, &e) == 0) {
		value vs = mget(l, "versions");
		for (uint32_t i = 0; vs.kind == V_LIST && i < vs.u.l->len; i++)
			if (vs.u.l->items[i].kind == V_STRING) {
				gvs = arena_realloc(c->a, gvs, ngv * sizeof(char *),
						    (ngv + 1) * sizeof(char *));
				gvs[ngv++] = vs.u.l->items[i].u.s;
			}
	}
	if (kube_call(c->k, "GET", "/apis", NULL, NULL, 0, &l, NULL, &e) == 0) {
		value gs = mget(l, "groups");
		for (uint32_t i = 0; gs.kind == V_LIST && i < gs.u.l->len; i++) {
			value vs = mget(gs.u.l->items[i], "versions");
			for (uint32_t j = 0; vs.kind == V_LIST && j < vs.u.l->len; j++) {
				const char *gv = sget(vs.u.l->items[j], "groupVersion");
				if (!gv)
					continue;
				gvs = arena_realloc(c->a, gvs, ngv * sizeof(char *),
						    (ngv + 1) * sizeof(char *));
				gvs[ngv++] = gv;
			}
		}
	}
	for (size_t i = 0; i < ngv; i++)
		add_api(c->a, caps, gvs[i]);
	for (size_t i = 0; i < ngv; i++) {
		const char *path = strchr(gvs[i], '/') ? arena_sprintf(c->a, "/apis/%s", gvs[i])
						       : arena_sprintf(c->a, "/api/%s", gvs[i]);
		if (kube_call(c->k, "GET", path, NULL, NULL, 0, &l, NULL, &e))
			continue;
		value rs = mget(l, "resources");
		for (uint32_t j = 0; rs.kind == V_LIST && j < rs.u.l->len; j++) {
			const char *kind = sget(rs.u.l->items[j], "kind");
			if (kind)
				add_api(c->a, caps, arena_sprintf(c->a, "%s/%s", gvs[i], kind));
		}
	}
	return 0;
}

/* ---- rendering ---- */

static bool has_ext(const char *n)
{
	size_t l = strlen(n);
	return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(n + l - 5, ".json"));
}

static void collect_crds(arena *a, const chart *ch, strbuf *out)
{
	for (size_t i = 0; i < ch->nfiles; i++)
		if (!strncmp(ch->files[i].name, "crds/", 5) && has_ext(ch->files[i].name)) {
			sb_addf(out, "---\n%s\n", ch->files[i].data);
		}
	for (size_t i = 0; i < ch->ndeps; i++)
		collect_crds(a, ch->deps[i], out);
}

/* installCRDs: create each, an existing one is skipped; then wait until established. */
static int install_crds(act *c, const chart *ch, const char **err)
{
	strbuf sb;
	sb_init(&sb, c->a);
	collect_crds(c->a, ch, &sb);
	if (!sb.len)
		return 0;
	kobjs l;
	const char *e;
	if (build(c, sb_str(&sb), NULL, &l, &e)) {
		*err = arena_sprintf(c->a, "failed to install CRD crds: %s", e);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++) {
		long st = 0;
		if (obj_create(c, &l.v[i], &e) == 0)
			continue;
		value cur;
		if (obj_get(c, &l.v[i], &cur, &st, &e) == 0)
			continue; /* "CRD x is already present. Skipping." */
		*err = arena_sprintf(c->a, "failed to install CRD %s: %s", l.v[i].name, e);
		return -1;
	}
	/* Helm waits (up to a minute) until the new kinds are served */
	long deadline = now_ms() + 60000;
	for (size_t i = 0; i < l.n; i++) {
		value cur;
		long st;
		while (now_ms() < deadline && (obj_get(c, &l.v[i], &cur, &st, &e) ||
					       !has_condition(cur, "Established", NULL)))
			nap();
	}
	return 0;
}

/* What Helm's dependency processing leaves in the stored metadata: each
 * dependency's "enabled", and import-values rewritten as child/parent maps. */
static value processed_meta(arena *a, const chart *ch)
{
	value deps = mget(ch->meta, "dependencies");
	if (deps.kind != V_LIST || !deps.u.l->len)
		return ch->meta;
	value meta = value_deep_copy(a, ch->meta);
	deps = mget(meta, "dependencies");
	value kept = v_list_new(a, deps.u.l->len);
	for (uint32_t i = 0; i < deps.u.l->len; i++) {
		value d = deps.u.l->items[i];
		if (d.kind != V_MAP)
			continue;
		/* an alias becomes the name; disabled dependencies are dropped */
		const char *alias = sget(d, "alias"), *dn = sget(d, "name");
		const char *key = alias && *alias ? alias : dn ? dn : "";
		bool on = false;
		for (size_t j = 0; j < ch->nmdeps; j++)
			on |= ch->mdeps[j]->enabled && !strcmp(ch->mdeps[j]->name, key);
		if (!on)
			continue;
		if (alias && *alias)
			map_setc(a, d.u.m, "name", v_cstr(a, alias));
		map_setc(a, d.u.m, "enabled", v_bool(true));
		list_push(a, kept.u.l, d);
		value iv = mget(d, "import-values");
		if (iv.kind != V_LIST)
			continue;
		value out = v_list_new(a, iv.u.l->len);
		for (uint32_t j = 0; j < iv.u.l->len; j++) {
			value x = iv.u.l->items[j], m = v_map_new(a);
			if (x.kind == V_STRING) {
				map_setc(a, m.u.m, "child",
					 v_cstr(a, arena_sprintf(a, "exports.%s", x.u.s)));
				map_setc(a, m.u.m, "parent", v_cstr(a, "."));
			} else if (x.kind == V_MAP) {
				const char *cs = sget(x, "child"), *ps = sget(x, "parent");
				map_setc(a, m.u.m, "child", v_cstr(a, cs ? cs : ""));
				map_setc(a, m.u.m, "parent", v_cstr(a, ps ? ps : ""));
			} else {
				continue;
			}
			list_push(a, out.u.l, m);
		}
		if (out.u.l->len)
			map_setc(a, d.u.m, "import-values", out);
		else
			map_del(d.u.m, "import-values", 13);
	}
	if (kept.u.l->len)
		map_setc(a, meta.u.m, "dependencies", kept);
	else
		map_del(meta.u.m, "dependencies", 12);
	return meta;
}

static rel_chart *chart_record(arena *a, const chart *ch)
{
	const char *schema = NULL, *lock_text, *e;
	size_t schema_len = 0, lock_len;
	value lock = v_nil();
	if (ch->dir) {
		const char *sp = arena_sprintf(a, "%s/values.schema.json", ch->dir);
		const char *lp = arena_sprintf(a, "%s/Chart.lock", ch->dir);
		FILE *f;
		if ((f = fopen(sp, "rb"))) {
			strbuf sb;
			char buf[4096];
			size_t n;
			sb_init(&sb, a);
			while ((n = fread(buf, 1, sizeof buf, f)) > 0)
				sb_add(&sb, buf, n);
			fclose(f);
			schema_len = sb.len;
			schema = sb_str(&sb);
		}
		if ((f = fopen(lp, "rb"))) {
			strbuf sb;
			char buf[4096];
			size_t n;
			sb_init(&sb, a);
			while ((n = fread(buf, 1, sizeof buf, f)) > 0)
				sb_add(&sb, buf, n);
			fclose(f);
			lock_len = sb.len;
			lock_text = sb_str(&sb);
			if (yaml_load_map(a, lock_text, lock_len, &lock, &e))
				lock = v_nil();
		}
	}
	rel_chart *rc = release_chart_from(a, ch, ch->raw_values != NULL, schema, schema_len, lock);
	rc->metadata = processed_meta(a, ch);
	return rc;
}

/* renderResources: hooks, the manifest ("---\n# Source: P\nDOC\n" each) and notes. */
static int render(act *c, const chart *ch, vmap *vals, const char *name, int64_t rev, bool upgrade,
		  release *r, chart **processed, const char **err)
{
	pipeline_opts po = {.skip_schema = c->o->skip_schema};
	po.ro.release_name = name;
	po.ro.namespace = c->ns;
	po.ro.is_install = !upgrade;
	po.ro.is_upgrade = upgrade;
	po.ro.revision = (int)rev;
	if (cluster_caps(c, &po.ro.caps, err))
		return -1;
	pipeline_result pr;
	strbuf warn;
	sb_init(&warn, c->a);
	bool render_failed = false;
	int rc = pipeline_run(c->a, ch, vals, &po, &pr, &warn, &render_failed, err);
	if (warn.len)
		fputs(sb_str(&warn), stderr);
	if (rc)
		return -1;
	strbuf man;
	sb_init(&man, c->a);
	for (size_t i = 0; i < pr.ms.ngeneric; i++)
		sb_addf(&man, "---\n# Source: %s\n%s\n", pr.ms.generic[i].path,
			pr.ms.generic[i].content);
	r->manifest = sb_str(&man);
	make_hooks(c->a, &pr.ms, r);
	if (pr.notes && *pr.notes)
		r->info->notes = pr.notes;
	*processed = pr.chart;
	return 0;
}

static vmap *labels_copy(arena *a, vmap *l)
{
	return l ? map_copy(a, l) : NULL;
}

static int check_labels(const action_opts *o, const char **err)
{
	for (uint32_t i = 0; o->labels && i < o->labels->len; i++)
		if (release_system_label(o->labels->e[i].key)) {
			*err = "user supplied labels contains system reserved label name. System "
			       "labels: [name owner status version createdAt modifiedAt]";
			return -1;
		}
	return 0;
}

/* existingResourceConflict: objects already there must carry this release's
 * ownership metadata; those that do are adopted (returned in adopt). */
static int ownership(act *c, const kobjs *l, const char *name, kobjs *adopt, const char **err)
{
	adopt->v = arena_alloc(c->a, (l->n + 1) * sizeof(kobj));
	adopt->n = 0;
	for (size_t i = 0; i < l->n; i++) {
		value cur;
		long st = 0;
		const char *e;
		if (obj_get(c, &l->v[i], &cur, &st, &e)) {
			if (st == 404)
				continue;
			*err = arena_sprintf(c->a,
					     "could not get information about the resource %s "
					     "\"%s\" in namespace \"%s\": %s",
					     l->v[i].kind, l->v[i].name, l->v[i].ns, e);
			return -1;
		}
		value meta = mget(cur, "metadata");
		if (c->o->take_ownership) {
			adopt->v[adopt->n++] = l->v[i];
			continue;
		}
		const struct {
			value m;
			const char *what, *key, *want;
		} req[] = {
		    {mget(meta, "labels"), "label", "app.kubernetes.io/managed-by", "Helm"},
		    {mget(meta, "annotations"), "annotation", "meta.helm.sh/release-name", name},
		    {mget(meta, "annotations"), "annotation", "meta.helm.sh/release-namespace",
		     c->ns},
		};
		strbuf sb;
		sb_init(&sb, c->a);
		for (size_t j = 0; j < 3; j++) {
			value *v =
			    req[j].m.kind == V_MAP ? map_getc(req[j].m.u.m, req[j].key) : NULL;
			const char *have = v && v->kind == V_STRING ? v->u.s : NULL;
			if (have && !strcmp(have, req[j].want))
				continue;
			sb_adds(&sb, sb.len ? "; " : "");
			if (!v)
				sb_addf(&sb,
					"%s validation error: missing key \"%s\": must be set to "
					"\"%s\"",
					req[j].what, req[j].key, req[j].want);
			else
				sb_addf(&sb,
					"%s validation error: key \"%s\" must equal \"%s\": "
					"current value is \"%s\"",
					req[j].what, req[j].key, req[j].want, have ? have : "");
		}
		if (sb.len) {
			*err = arena_sprintf(
			    c->a,
			    "%s \"%s\" in namespace \"%s\" exists and cannot be imported into the "
			    "current release: invalid ownership metadata; %s",
			    l->v[i].kind, l->v[i].name, l->v[i].ns, sb_str(&sb));
			return -1;
		}
		adopt->v[adopt->n++] = l->v[i];
	}
	return 0;
}

static void act_init(act *c, arena *a, kube_client *k, const action_opts *o)
{
	c->a = a;
	c->k = k;
	c->o = o;
	c->ns = kube_namespace(k);
	c->s = storage_new(a, k, c->ns);
}

static const char *invalid_name(arena *a, const char *name)
{
	return arena_sprintf(a,
			     "release name \"%s\": invalid release name, must match regex "
			     "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ "
			     "and the length must not be longer than 53",
			     name);
}

static release *latest(release **v, size_t n)
{
	release *r = NULL;
	for (size_t i = 0; i < n; i++)
		if (!r || v[i]->version > r->version)
			r = v[i];
	return r;
}

int action_release_exists(arena *a, kube_client *k, const char *name, const char **err)
{
	release **v;
	size_t n;
	storage *s = storage_new(a, k, kube_namespace(k));
	if (kube_reachable(k, err))
		return -1;
	if (storage_history(s, name, &v, &n, err))
		return !strcmp(*err, "release: not found") ? 0 : -1;
	release *r = latest(v, n);
	if (!r)
		return 0;
	return r->info && r->info->status && !strcmp(r->info->status, "uninstalled") ? 2 : 1;
}

/* ---- uninstall ---- */

static int purge(act *c, release **rels, size_t n, const char **err)
{
	for (size_t i = 0; i < n; i++)
		if (store_delete(c->a, c->k, c->ns, rels[i]->name, rels[i]->version, err))
			return -1;
	return 0;
}

int action_uninstall(arena *a, kube_client *k, const char *name, const action_opts *o,
		     const char **info, const char **err)
{
	act c;
	act_init(&c, a, k, o);
	*info = "";
	if (kube_reachable(k, err))
		return -1;
	if (o->dry_run) { /* only whether the release is there */
		release *r;
		return storage_content(c.s, name, 0, &r, err);
	}
	if (!storage_valid_name(name)) {
		*err = arena_sprintf(a, "uninstall: Release name is invalid: %s", name);
		return -1;
	}
	release **rels;
	size_t n;
	const char *e;
	if (storage_history(c.s, name, &rels, &n, &e)) {
		*err = arena_sprintf(a, "uninstall: Release not loaded: %s: %s", name, e);
		return -1;
	}
	release *rel = latest(rels, n);
	if (!rel || !rel->info) {
		*err = "no release provided";
		return -1;
	}
	if (rel->info->status && !strcmp(rel->info->status, "uninstalled")) {
		if (!o->keep_history) {
			if (purge(&c, rels, n, &e)) {
				*err = arena_sprintf(
				    a, "uninstall: Failed to purge the release: %s", e);
				return -1;
			}
			return 0;
		}
		*err = arena_sprintf(a, "the release named \"%s\" is already deleted", name);
		return -1;
	}
	rel->info->status = "uninstalling";
	rel->info->deleted = rel_time_now();
	rel->info->description = "Deletion in progress (or silently failed)";
	if (!o->no_hooks && exec_hooks(&c, rel, "pre-delete", err))
		return -1;
	record(&c, rel);
	/* deleteRelease: the manifest's objects in uninstall order, kept ones skipped */
	kobjs l, del;
	if (build(&c, rel->manifest, NULL, &l, &e)) {
		*err = arena_sprintf(a, "failed to delete release: %s", name);
		return -1;
	}
	del.v = arena_alloc(a, (l.n + 1) * sizeof(kobj));
	del.n = 0;
	strbuf kept;
	sb_init(&kept, a);
	for (size_t i = l.n; i-- > 0;) {
		const char *pol = sget(mget(mget(l.v[i].obj, "metadata"), "annotations"),
				       "helm.sh/resource-policy");
		if (pol && !strcmp(pol, "keep"))
			sb_addf(&kept, "[%s] %s\n", l.v[i].kind, l.v[i].name);
		else
			del.v[del.n++] = l.v[i];
	}
	if (delete_all(&c, &del, &e)) {
		*err = arena_sprintf(a, "failed to delete release: %s", name);
		return -1;
	}
	if (kept.len)
		*info = arena_sprintf(
		    a, "These resources were kept due to the resource policy:\n%s", sb_str(&kept));
	if (o->wait)
		wait_deleted(&c, &del);
	const char *errs[2];
	size_t ne = 0;
	if (!o->no_hooks && exec_hooks(&c, rel, "post-delete", &e))
		errs[ne++] = e;
	rel->info->status = "uninstalled";
	rel->info->description =
	    o->description && *o->description ? o->description : "Uninstallation complete";
	if (!o->keep_history) {
		if (purge(&c, rels, n, &e))
			errs[ne++] =
			    arena_sprintf(a, "uninstall: Failed to purge the release: %s", e);
	} else if (store_update(a, k, c.ns, rel, &e)) {
		errs[ne++] = arena_sprintf(a, "uninstall: Failed to update release: %s", e);
	}
	if (ne) {
		*err = arena_sprintf(a, "uninstallation completed with %zu error(s): %s%s%s", ne,
				     errs[0], ne > 1 ? "; " : "", ne > 1 ? errs[1] : "");
		return -1;
	}
	return 0;
}

/* ---- install ---- */

static release *new_release(arena *a, const char *name, const char *ns, int64_t version)
{
	release *r = arena_alloc(a, sizeof *r);
	memset(r, 0, sizeof *r);
	r->info = arena_alloc(a, sizeof *r->info);
	memset(r->info, 0, sizeof *r->info);
	r->name = name;
	r->namespace = ns;
	r->version = version;
	return r;
}

/* availableName: *prior is the last record when --replace may take its place. */
static int available_name(act *c, const char *name, release **prior, const char **err)
{
	release **hist;
	size_t n;
	const char *e;
	*prior = NULL;
	if (!storage_valid_name(name)) {
		*err = invalid_name(c->a, name);
		return -1;
	}
	if (c->o->dry_run || storage_history(c->s, name, &hist, &n, &e) || !n)
		return 0;
	*prior = latest(hist, n);
	const char *st = (*prior)->info && (*prior)->info->status ? (*prior)->info->status : "";
	if (!c->o->replace || (strcmp(st, "uninstalled") && strcmp(st, "failed"))) {
		*err = "cannot re-use a name that is still in use";
		return -1;
	}
	return 0;
}

/* --create-namespace: a Namespace labelled name=NS; one already there is fine. */
static int create_namespace(act *c, const char **err)
{
	arena *a = c->a;
	kube_resource nsr = {
	    .group = "", .version = "v1", .name = "namespaces", .kind = "Namespace"};
	value nso = v_map_new(a), cur;
	map_setc(a, nso.u.m, "apiVersion", v_cstr(a, "v1"));
	map_setc(a, nso.u.m, "kind", v_cstr(a, "Namespace"));
	vmap *meta = mmake(a, nso.u.m, "metadata");
	map_setc(a, meta, "name", v_cstr(a, c->ns));
	map_setc(a, mmake(a, meta, "labels"), "name", v_cstr(a, c->ns));
	kobj nk = {.obj = nso, .res = nsr, .ns = "", .name = c->ns, .kind = "Namespace"};
	long st = 0;
	const char *e;
	if (obj_create(c, &nk, &e) && obj_get(c, &nk, &cur, &st, &e)) {
		*err = multierror(a, &e, 1);
		return -1;
	}
	return 0;
}

static int install_fail(act *c, release *r, const char *why, const char **err)
{
	if (cancelled)
		why = "context canceled";
	r->info->status = "failed";
	r->info->description = arena_sprintf(c->a, "Release \"%s\" failed: %s", r->name, why);
	if (c->o->atomic) {
		action_opts uo = *c->o;
		uo.keep_history = false;
		const char *info, *e;
		if (action_uninstall(c->a, c->k, r->name, &uo, &info, &e)) {
			*err = arena_sprintf(c->a,
					     "an error occurred while uninstalling the release. "
					     "original install error: %s: %s",
					     why, e);
			return -1;
		}
		*err = arena_sprintf(
		    c->a, "release %s failed, and has been uninstalled due to atomic being set: %s",
		    r->name, why);
		return -1;
	}
	record(c, r);
	*err = why;
	return -1;
}

int action_install(arena *a, kube_client *k, const char *name, chart *ch, vmap *user,
		   const action_opts *o, release **out, const char **err)
{
	act c;
	action_opts oo = *o;
	oo.wait = o->wait || o->atomic;
	act_init(&c, a, k, &oo);
	*out = NULL;
	const char *e = "context canceled";
	if (kube_reachable(k, err))
		return -1;
	release *prior;
	if (available_name(&c, name, &prior, err))
		return -1;
	if (!o->dry_run && !o->skip_crds && install_crds(&c, ch, err))
		return -1;
	if (check_labels(o, err))
		return -1;
	release *r = new_release(a, name, c.ns, 1);
	r->config = (value){.kind = V_MAP, .u.m = user};
	r->labels = labels_copy(a, o->labels);
	r->info->first_deployed = r->info->last_deployed = rel_time_now();
	r->info->status = "unknown";
	chart *processed;
	if (render(&c, ch, user, name, 1, false, r, &processed, err))
		return -1;
	r->chart = chart_record(a, processed);
	*out = r;
	r->info->status = "pending-install";
	r->info->description = "Initial install underway";
	kobjs res, adopt = {0};
	if (build(&c, r->manifest, name, &res, &e)) {
		*err = arena_sprintf(
		    a, "unable to build kubernetes objects from release manifest: %s", e);
		return -1;
	}
	if (res.n && ownership(&c, &res, name, &adopt, &e)) {
		*err = arena_sprintf(a, "Unable to continue with install: %s", e);
		return -1;
	}
	if (o->dry_run) {
		r->info->description = "Dry run complete";
		return 0;
	}
	if (o->create_namespace && create_namespace(&c, err))
		return -1;
	if (prior) { /* replaceRelease: the next revision; the last one superseded */
		r->version = prior->version + 1;
		if (strcmp(prior->info->status, "failed")) {
			prior->info->status = "superseded";
			prior->info->description = "superseded by new release";
			record(&c, prior);
		}
	}
	if (store_create(a, k, c.ns, r, err))
		return -1;
	if (cancelled)
		return install_fail(&c, r, "context canceled", err);
	if (!o->no_hooks && exec_hooks(&c, r, "pre-install", &e))
		return install_fail(&c, r, arena_sprintf(a, "failed pre-install: %s", e), err);
	if (cancelled || (adopt.n == 0 && res.n && create_all(&c, &res, &e)))
		return install_fail(&c, r, e, err);
	if (adopt.n && update_all(&c, &adopt, &res, NULL, &e))
		return install_fail(&c, r, e, err);
	if (oo.wait && wait_ready(&c, &res, &e))
		return install_fail(&c, r, e, err);
	if (cancelled || (!o->no_hooks && exec_hooks(&c, r, "post-install", &e)))
		return install_fail(&c, r, arena_sprintf(a, "failed post-install: %s", e), err);
	r->info->status = "deployed";
	r->info->description =
	    o->description && *o->description ? o->description : "Install complete";
	record(&c, r);
	return 0;
}

/* ---- history pruning (storage.removeLeastRecent) ---- */

static void prune_history(act *c, const char *name, int max)
{
	release **h;
	size_t n;
	const char *e;
	if (max <= 0 || storage_history(c->s, name, &h, &n, &e) || n <= (size_t)max)
		return;
	for (size_t i = 1; i < n; i++) /* oldest first */
		for (size_t j = i; j > 0 && h[j - 1]->version > h[j]->version; j--) {
			release *t = h[j - 1];
			h[j - 1] = h[j];
			h[j] = t;
		}
	int64_t deployed = -1;
	for (size_t i = 0; i < n; i++)
		if (h[i]->info && h[i]->info->status && !strcmp(h[i]->info->status, "deployed"))
			deployed = h[i]->version;
	size_t del = 0;
	for (size_t i = 0; i < n && n - del > (size_t)max; i++) {
		if (h[i]->version == deployed)
			continue;
		store_delete(c->a, c->k, c->ns, name, h[i]->version, &e);
		del++;
	}
}

/* ---- rollback ---- */

static release *copy_release(arena *a, const release *r)
{
	release *x = arena_alloc(a, sizeof *x);
	*x = *r;
	x->info = arena_alloc(a, sizeof *x->info);
	memset(x->info, 0, sizeof *x->info);
	if (r->info)
		*x->info = *r->info;
	return x;
}

static int history_sorted(act *c, const char *name, release ***h, size_t *n, const char **err)
{
	if (storage_history(c->s, name, h, n, err))
		return -1;
	for (size_t i = 1; i < *n; i++)
		for (size_t j = i; j > 0 && (*h)[j - 1]->version > (*h)[j]->version; j--) {
			release *t = (*h)[j - 1];
			(*h)[j - 1] = (*h)[j];
			(*h)[j] = t;
		}
	return 0;
}

int action_rollback(arena *a, kube_client *k, const char *name, int64_t version,
		    const action_opts *o, const char **err)
{
	act c;
	act_init(&c, a, k, o);
	if (kube_reachable(k, err))
		return -1;
	if (!storage_valid_name(name)) {
		*err = arena_sprintf(a, "prepareRollback: Release name is invalid: %s", name);
		return -1;
	}
	if (version < 0) {
		*err = "invalid release revision number";
		return -1;
	}
	release **h, *cur, *prev;
	size_t n;
	if (history_sorted(&c, name, &h, &n, err))
		return -1;
	cur = h[n - 1];
	int64_t pv = version ? version : cur->version - 1;
	bool found = false;
	for (size_t i = 0; i < n; i++)
		found |= h[i]->version == pv;
	if (!found) {
		*err = arena_sprintf(a, "release has no %lld version", (long long)pv);
		return -1;
	}
	if (storage_get(c.s, name, pv, &prev, err))
		return -1;
	vmap *lb = NULL;
	for (uint32_t i = 0; prev->labels && i < prev->labels->len; i++)
		if (!release_system_label(prev->labels->e[i].key)) {
			if (!lb)
				lb = v_map_new(a).u.m;
			map_setc(a, lb, prev->labels->e[i].key, prev->labels->e[i].val);
		}
	release *t = new_release(a, name, cur->namespace, cur->version + 1);
	t->chart = prev->chart;
	t->config = prev->config;
	t->info->first_deployed = cur->info ? cur->info->first_deployed : rel_time_now();
	t->info->last_deployed = rel_time_now();
	t->info->status = "pending-rollback";
	t->info->notes = prev->info ? prev->info->notes : NULL;
	t->info->description = arena_sprintf(a, "Rollback to %lld", (long long)pv);
	t->labels = lb;
	t->manifest = prev->manifest;
	t->hooks = prev->hooks;
	t->nhooks = prev->nhooks;
	if (o->dry_run)
		return 0;
	prune_history(&c, name, o->history_max - 1);
	if (store_create(a, k, c.ns, t, err))
		return -1;
	kobjs curo, tgt;
	const char *e;
	if (build(&c, cur->manifest, NULL, &curo, &e)) {
		*err = arena_sprintf(
		    a, "unable to build kubernetes objects from current release manifest: %s", e);
		goto fail_plain;
	}
	if (build(&c, t->manifest, NULL, &tgt, &e)) {
		*err = arena_sprintf(
		    a, "unable to build kubernetes objects from new release manifest: %s", e);
		goto fail_plain;
	}
	if (!o->no_hooks && exec_hooks(&c, t, "pre-rollback", err))
		goto fail_plain;
	for (size_t i = 0; i < tgt.n; i++)
		set_owner_meta(&c, tgt.v[i].obj, name);
	if (update_all(&c, &curo, &tgt, NULL, &e) || (o->wait && wait_ready(&c, &tgt, &e))) {
		release *cr = copy_release(a, cur);
		cr->info->status = "superseded";
		t->info->status = "failed";
		t->info->description = arena_sprintf(a, "Rollback \"%s\" failed: %s", name, e);
		record(&c, cr);
		record(&c, t);
		*err = e;
		return -1;
	}
	if (!o->no_hooks && exec_hooks(&c, t, "post-rollback", err))
		goto fail_plain;
	for (size_t i = 0; i < n; i++)
		if (h[i]->info && h[i]->info->status && !strcmp(h[i]->info->status, "deployed")) {
			h[i]->info->status = "superseded";
			record(&c, h[i]);
		}
	t->info->status = "deployed";
	record(&c, t);
	return 0;
fail_plain:
	/* Helm returns here and then still records the target as it stands */
	record(&c, t);
	return -1;
}

/* ---- upgrade ---- */

static vmap *old_values(arena *a, const release *cur)
{
	vtree t = {.name = ""};
	if (cur->chart && cur->chart->values.kind == V_MAP)
		t.values = cur->chart->values.u.m;
	vmap *cfg = cur->config.kind == V_MAP ? cur->config.u.m : v_map_new(a).u.m;
	vmap *v = coalesce_values(a, &t, cfg, NULL);
	return v ? v : v_map_new(a).u.m;
}

static vmap *reuse_values(arena *a, const action_opts *o, chart *ch, const release *cur, vmap *vals)
{
	vmap *cfg = cur->config.kind == V_MAP ? cur->config.u.m : NULL;
	if (o->reset_values)
		return vals;
	if (o->reuse_values) {
		ch->values = old_values(a, cur);
		if (cfg)
			vals = coalesce_tables_merge(a, map_copy(a, vals), map_copy(a, cfg), false,
						     NULL);
		return vals;
	}
	if (o->reset_then_reuse) {
		if (cfg)
			vals = coalesce_tables_merge(a, map_copy(a, vals), map_copy(a, cfg), false,
						     NULL);
		return vals;
	}
	if (vals->len == 0 && cfg && cfg->len)
		return cfg;
	return vals;
}

static int upgrade_fail(act *c, release *r, const kobjs *created, const char *why, const char **err)
{
	if (cancelled)
		why = "context canceled";
	r->info->status = "failed";
	r->info->description = arena_sprintf(c->a, "Upgrade \"%s\" failed: %s", r->name, why);
	record(c, r);
	const char *e;
	if (c->o->cleanup_on_fail && created && created->n && delete_all(c, created, &e)) {
		*err = arena_sprintf(
		    c->a,
		    "an error occurred while cleaning up resources. original upgrade error: %s: %s",
		    why, e);
		return -1;
	}
	if (!c->o->atomic) {
		*err = why;
		return -1;
	}
	release **h;
	size_t n;
	if (history_sorted(c, r->name, &h, &n, &e)) {
		*err = arena_sprintf(c->a,
				     "an error occurred while finding last successful release. "
				     "original upgrade error: %s: %s",
				     why, e);
		return -1;
	}
	int64_t to = 0;
	for (size_t i = 0; i < n; i++)
		if (h[i]->info && h[i]->info->status &&
		    (!strcmp(h[i]->info->status, "superseded") ||
		     !strcmp(h[i]->info->status, "deployed")))
			to = h[i]->version;
	if (!to) {
		*err = arena_sprintf(c->a,
				     "unable to find a previously successful release when "
				     "attempting to rollback. original upgrade error: %s",
				     why);
		return -1;
	}
	action_opts ro = *c->o;
	ro.wait = true;
	if (action_rollback(c->a, c->k, r->name, to, &ro, &e)) {
		*err = arena_sprintf(c->a,
				     "an error occurred while rolling back the release. original "
				     "upgrade error: %s: %s",
				     why, e);
		return -1;
	}
	*err = arena_sprintf(
	    c->a, "release %s failed, and has been rolled back due to atomic being set: %s",
	    r->name, why);
	return -1;
}

static bool is_pending(const char *s)
{
	return s && (!strcmp(s, "pending-install") || !strcmp(s, "pending-upgrade") ||
		     !strcmp(s, "pending-rollback"));
}

/* prepareUpgrade's choice: *last the newest record, *cur the deployed one
 * (the last failed one when none is deployed). */
static int upgrade_base(act *c, const char *name, release **lastp, release **curp, const char **err)
{
	release **h, *last, *cur = NULL;
	size_t n;
	const char *e;
	if (history_sorted(c, name, &h, &n, &e)) {
		*err = !strcmp(e, "release: not found")
			   ? arena_sprintf(c->a, "\"%s\" has no deployed releases", name)
			   : e;
		return -1;
	}
	last = h[n - 1];
	if (last->info && is_pending(last->info->status)) {
		*err = "another operation (install/upgrade/rollback) is in progress";
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (h[i]->info && h[i]->info->status && !strcmp(h[i]->info->status, "deployed"))
			cur = h[i];
	if (!cur) {
		const char *st = last->info && last->info->status ? last->info->status : "";
		if (strcmp(st, "failed")) {
			*err = arena_sprintf(c->a, "\"%s\" has no deployed releases", name);
			return -1;
		}
		cur = last;
	}
	*lastp = last;
	*curp = cur;
	return 0;
}

int action_upgrade(arena *a, kube_client *k, const char *name, chart *ch, vmap *user,
		   const action_opts *o, release **out, const char **err)
{
	act c;
	action_opts oo = *o;
	oo.wait = o->wait || o->atomic;
	act_init(&c, a, k, &oo);
	*out = NULL;
	if (kube_reachable(k, err))
		return -1;
	if (!storage_valid_name(name)) {
		*err = arena_sprintf(a, "release name is invalid: %s", name);
		return -1;
	}
	release *last, *cur;
	const char *e = "context canceled";
	if (upgrade_base(&c, name, &last, &cur, err))
		return -1;
	vmap *vals = reuse_values(a, o, ch, cur, user);
	if (check_labels(o, err))
		return -1;
	release *r = new_release(a, name, cur->namespace, last->version + 1);
	r->config = (value){.kind = V_MAP, .u.m = vals};
	chart *processed;
	if (render(&c, ch, vals, name, r->version, true, r, &processed, err))
		return -1;
	r->chart = chart_record(a, processed);
	r->info->first_deployed = cur->info ? cur->info->first_deployed : rel_time_now();
	r->info->last_deployed = rel_time_now();
	r->info->status = "pending-upgrade";
	r->info->description = "Preparing upgrade";
	/* mergeCustomLabels(last.Labels, --labels): "null" removes a label */
	vmap *lb = last->labels ? map_copy(a, last->labels) : v_map_new(a).u.m;
	for (uint32_t i = 0; o->labels && i < o->labels->len; i++)
		map_set(a, lb, o->labels->e[i].key, o->labels->e[i].klen, o->labels->e[i].val);
	for (uint32_t i = lb->len; i-- > 0;)
		if (lb->e[i].val.kind == V_STRING && !strcmp(lb->e[i].val.u.s, "null"))
			map_del(lb, lb->e[i].key, lb->e[i].klen);
	r->labels = lb;
	*out = r;
	kobjs curo, tgt, created = {0}, adopt, made = {0};
	if (build(&c, cur->manifest, NULL, &curo, &e)) {
		*err = arena_sprintf(
		    a, "unable to build kubernetes objects from current release manifest: %s", e);
		return -1;
	}
	if (build(&c, r->manifest, name, &tgt, &e)) {
		*err = arena_sprintf(
		    a, "unable to build kubernetes objects from new release manifest: %s", e);
		return -1;
	}
	created.v = arena_alloc(a, (tgt.n + 1) * sizeof(kobj));
	for (size_t i = 0; i < tgt.n; i++)
		if (!find_obj(&curo, &tgt.v[i]))
			created.v[created.n++] = tgt.v[i];
	if (ownership(&c, &created, name, &adopt, &e)) {
		*err = arena_sprintf(a, "Unable to continue with update: %s", e);
		return -1;
	}
	kobjs orig;
	orig.v = arena_alloc(a, (curo.n + adopt.n + 1) * sizeof(kobj));
	orig.n = 0;
	for (size_t i = 0; i < curo.n; i++)
		orig.v[orig.n++] = curo.v[i];
	for (size_t i = 0; i < adopt.n; i++)
		orig.v[orig.n++] = adopt.v[i];
	if (o->dry_run) {
		r->info->description = "Dry run complete";
		return 0;
	}
	prune_history(&c, name, o->history_max - 1);
	if (store_create(a, k, c.ns, r, err))
		return -1;
	if (cancelled || (!o->no_hooks && exec_hooks(&c, r, "pre-upgrade", &e)))
		return upgrade_fail(&c, r, NULL,
				    arena_sprintf(a, "pre-upgrade hooks failed: %s", e), err);
	if (update_all(&c, &orig, &tgt, &made, &e)) {
		record(&c, cur);
		return upgrade_fail(&c, r, &made, e, err);
	}
	if (oo.wait && wait_ready(&c, &tgt, &e)) {
		record(&c, cur);
		return upgrade_fail(&c, r, &made, e, err);
	}
	if (cancelled || (!o->no_hooks && exec_hooks(&c, r, "post-upgrade", &e)))
		return upgrade_fail(&c, r, &made,
				    arena_sprintf(a, "post-upgrade hooks failed: %s", e), err);
	cur->info->status = "superseded";
	record(&c, cur);
	r->info->status = "deployed";
	r->info->description =
	    o->description && *o->description ? o->description : "Upgrade complete";
	if (store_update(a, k, c.ns, r, err))
		return -1;
	return 0;
}
