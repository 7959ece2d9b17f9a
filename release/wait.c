/* wait.c - Helm's readiness checks (--wait, --wait-for-jobs), hooks'
 * WatchUntilReady, and the wait for deleted hooks to go away.
 */
#include <stdlib.h>
#include <string.h>

#include "kobj.h"

/* ---- readiness (Helm's --wait) ---- */

static int64_t ival(value v, int64_t dflt)
{
	return ko_is_num(v) ? (int64_t)ko_num(v) : dflt;
}

bool ko_has_condition(value obj, const char *type, const char **reason)
{
	value conds = ko_mget(ko_mget(obj, "status"), "conditions");
	for (uint32_t i = 0; conds.kind == V_LIST && i < conds.u.l->len; i++) {
		value cd = conds.u.l->items[i];
		const char *t = ko_sget(cd, "type"), *s = ko_sget(cd, "status");
		if (t && s && !strcmp(t, type) && !strcmp(s, "True")) {
			if (reason)
				*reason = ko_sget(cd, "reason") ? ko_sget(cd, "reason") : "";
			return true;
		}
	}
	return false;
}

static int64_t max_unavailable(value spec, int64_t replicas)
{
	value mu = ko_mget(ko_mget(ko_mget(spec, "strategy"), "rollingUpdate"), "maxUnavailable");
	const char *type = ko_sget(ko_mget(spec, "strategy"), "type");
	if (type && strcmp(type, "RollingUpdate"))
		return 0;
	if (ko_is_num(mu))
		return (int64_t)ko_num(mu);
	long pct = 25;
	if (mu.kind == V_STRING)
		pct = atol(mu.u.s);
	return replicas * pct / 100;
}

/* 1 ready, 0 not yet, -1 failed (*err). */
static int obj_ready(act *c, const kobj *o, value cur, const char **err)
{
	value spec = ko_mget(cur, "spec"), status = ko_mget(cur, "status");
	const char *k = o->kind;
	if (!strcmp(k, "Deployment")) {
		if (ko_mget(spec, "paused").kind == V_BOOL && ko_mget(spec, "paused").u.b)
			return 1;
		int64_t want = ival(ko_mget(spec, "replicas"), 1);
		int64_t exp = want - max_unavailable(spec, want);
		return ival(ko_mget(status, "updatedReplicas"), 0) >= want &&
		       ival(ko_mget(status, "readyReplicas"), 0) >= exp;
	}
	if (!strcmp(k, "StatefulSet") || !strcmp(k, "ReplicaSet") ||
	    !strcmp(k, "ReplicationController"))
		return ival(ko_mget(status, "readyReplicas"), 0) >=
		       ival(ko_mget(spec, "replicas"), 1);
	if (!strcmp(k, "DaemonSet"))
		return ival(ko_mget(status, "numberReady"), 0) >=
		       ival(ko_mget(status, "desiredNumberScheduled"), 0);
	if (!strcmp(k, "Pod"))
		return ko_has_condition(cur, "Ready", NULL) ||
		       (ko_sget(status, "phase") && !strcmp(ko_sget(status, "phase"), "Succeeded"));
	if (!strcmp(k, "PersistentVolumeClaim"))
		return ko_sget(status, "phase") && !strcmp(ko_sget(status, "phase"), "Bound");
	if (!strcmp(k, "Service")) {
		const char *t = ko_sget(spec, "type");
		if (t && !strcmp(t, "ExternalName"))
			return 1;
		if (!ko_sget(spec, "clusterIP") || !*ko_sget(spec, "clusterIP"))
			return 0;
		return !t || strcmp(t, "LoadBalancer") ||
		       ko_mget(ko_mget(status, "loadBalancer"), "ingress").kind == V_LIST;
	}
	if (!strcmp(k, "Job") && c->o->wait_for_jobs) {
		const char *reason;
		if (ko_has_condition(cur, "Failed", &reason)) {
			*err = arena_sprintf(c->a, "job %s failed: %s", o->name, reason);
			return -1;
		}
		return ko_has_condition(cur, "Complete", NULL);
	}
	return 1;
}

int ko_wait_ready(act *c, const kobjs *l, const char **err)
{
	long deadline = ko_now_ms() + c->o->timeout_ms;
	for (size_t i = 0; i < l->n; i++) {
		for (;;) {
			value cur;
			long st;
			const char *e;
			int r = 0;
			if (ko_get(c, &l->v[i], &cur, &st, &e) == 0)
				r = obj_ready(c, &l->v[i], cur, err);
			if (r < 0)
				return -1;
			if (r > 0)
				break;
			if (ko_now_ms() >= deadline || ko_cancelled) {
				*err =
				    ko_cancelled ? "context canceled" : "context deadline exceeded";
				return -1;
			}
			ko_nap();
		}
	}
	return 0;
}

/* Helm's WatchUntilReady for hooks: Jobs complete, Pods succeed. */
int ko_watch_hook(act *c, const kobj *o, const char **err)
{
	long deadline = ko_now_ms() + c->o->timeout_ms;
	bool job = !strcmp(o->kind, "Job"), pod = !strcmp(o->kind, "Pod");
	if (!job && !pod)
		return 0;
	for (;;) {
		value cur;
		long st;
		const char *e, *reason;
		if (ko_get(c, o, &cur, &st, &e) == 0) {
			const char *phase = ko_sget(ko_mget(cur, "status"), "phase");
			if (job && ko_has_condition(cur, "Complete", NULL))
				return 0;
			if (job && ko_has_condition(cur, "Failed", &reason)) {
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
		if (ko_now_ms() >= deadline || ko_cancelled) {
			*err = ko_cancelled ? "context canceled"
					    : "timed out waiting for the condition";
			return -1;
		}
		ko_nap();
	}
}

void ko_wait_deleted(act *c, const kobjs *l)
{
	long deadline = ko_now_ms() + c->o->timeout_ms;
	for (size_t i = 0; i < l->n; i++) {
		value cur;
		long st = 0;
		const char *e;
		while (ko_get(c, &l->v[i], &cur, &st, &e) == 0 && ko_now_ms() < deadline)
			ko_nap();
	}
}
