/* wait.c - Helm's readiness checks (--wait, --wait-for-jobs), hooks'
 * WatchUntilReady, and the wait for deleted hooks to go away. --wait polls
 * every object each 200 ms and shows its progress on stderr: one live line
 * per object on a terminal, plain lines on its changes otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- progress on stderr ---- */

/* The kinds --wait looks at (the others are ready at once and get no line). */
static bool watched(const act *c, const char *k)
{
	static const char *const kinds[] = {"Deployment",
					    "StatefulSet",
					    "ReplicaSet",
					    "ReplicationController",
					    "DaemonSet",
					    "Pod",
					    "PersistentVolumeClaim",
					    "Service"};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(k, kinds[i]))
			return true;
	return !strcmp(k, "Job") && c->o->wait_for_jobs;
}

/* What a not-ready object is waiting for: "1/3 ready", "Pending"... */
static const char *obj_state(arena *a, const kobj *o, value cur)
{
	value spec = ko_mget(cur, "spec"), status = ko_mget(cur, "status");
	const char *k = o->kind, *phase = ko_sget(status, "phase");
	if (!strcmp(k, "Deployment") || !strcmp(k, "StatefulSet") || !strcmp(k, "ReplicaSet") ||
	    !strcmp(k, "ReplicationController"))
		return arena_sprintf(a, "%lld/%lld ready",
				     (long long)ival(ko_mget(status, "readyReplicas"), 0),
				     (long long)ival(ko_mget(spec, "replicas"), 1));
	if (!strcmp(k, "DaemonSet"))
		return arena_sprintf(a, "%lld/%lld ready",
				     (long long)ival(ko_mget(status, "numberReady"), 0),
				     (long long)ival(ko_mget(status, "desiredNumberScheduled"), 0));
	if (!strcmp(k, "Job"))
		return arena_sprintf(a, "%lld/%lld complete",
				     (long long)ival(ko_mget(status, "succeeded"), 0),
				     (long long)ival(ko_mget(spec, "completions"), 1));
	if (!strcmp(k, "Pod"))
		return arena_sprintf(a, "%s, not ready", phase ? phase : "Pending");
	if (!strcmp(k, "PersistentVolumeClaim"))
		return phase ? phase : "Pending";
	if (!strcmp(k, "Service"))
		return ko_sget(spec, "clusterIP") && *ko_sget(spec, "clusterIP")
			   ? "waiting for a load balancer"
			   : "waiting for a cluster IP";
	return "not ready";
}

/* One line per watched object: redrawn in place on a terminal (when they
 * fit), otherwise printed as a plain line when the object's state changes
 * (a first look prints nothing, so output stays Helm's when nothing moves). */
typedef struct progress {
	const char **text; /* per object; NULL: not watched or not seen yet */
	size_t drawn;	   /* lines on the terminal */
	bool tty;
} progress;

#define PROGRESS_MAX_LINES 20

static void progress_draw(const kobjs *l, progress *p)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += p->text[i] != NULL;
	if (p->drawn)
		fprintf(stderr, "\033[%zuA", p->drawn);
	for (size_t i = 0; i < l->n; i++)
		if (p->text[i])
			fprintf(stderr, "\r\033[K%s/%s: %s\n", l->v[i].kind, l->v[i].name,
				p->text[i]);
	p->drawn = n;
	fflush(stderr);
}

/* Records object i's state; true when it changed. */
static bool progress_set(const kobjs *l, progress *p, size_t i, const char *state)
{
	if (p->text[i] && !strcmp(p->text[i], state))
		return false;
	if (!p->tty && p->text[i])
		fprintf(stderr, "%s/%s: %s\n", l->v[i].kind, l->v[i].name, state);
	p->text[i] = state;
	return true;
}

int ko_wait_ready(act *c, const kobjs *l, const char **err)
{
	long deadline = ko_now_ms() + c->o->timeout_ms;
	progress p = {.text = arena_alloc(c->a, (l->n + 1) * sizeof(char *))};
	bool *ready = arena_alloc(c->a, (l->n + 1) * sizeof(bool));
	size_t nwatched = 0;
	for (size_t i = 0; i < l->n; i++) {
		p.text[i] = NULL;
		ready[i] = false;
		nwatched += watched(c, l->v[i].kind);
	}
	p.tty = isatty(2) && nwatched <= PROGRESS_MAX_LINES;
	for (;;) {
		bool all = true, changed = false;
		for (size_t i = 0; i < l->n; i++) {
			if (ready[i])
				continue;
			value cur;
			long st;
			const char *e, *state = "not found";
			int r = 0;
			if (ko_get(c, &l->v[i], &cur, &st, &e) == 0) {
				r = obj_ready(c, &l->v[i], cur, err);
				state = r < 0	? "failed"
					: r > 0 ? "ready"
						: obj_state(c->a, &l->v[i], cur);
			}
			if (watched(c, l->v[i].kind))
				changed |= progress_set(l, &p, i, state);
			if (r < 0) {
				if (p.tty && changed)
					progress_draw(l, &p);
				return -1;
			}
			ready[i] = r > 0;
			all &= ready[i];
		}
		if (p.tty && changed)
			progress_draw(l, &p);
		if (all)
			return 0;
		if (ko_now_ms() >= deadline || ko_cancelled) {
			*err = ko_cancelled ? "context canceled" : "context deadline exceeded";
			return -1;
		}
		ko_nap();
	}
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
