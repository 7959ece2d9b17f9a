/* hooks.c - release hooks as Helm's hooks.go runs them: in weight order,
 * with their delete policies, each recorded as it starts and ends.
 */
#include <stdio.h>
#include <string.h>

#include "../values/yaml.h"
#include "kobj.h"
#include "store_write.h"

/* ---- hooks (hooks.go) ---- */

bool ko_has_str(const char **v, size_t n, const char *s)
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
void hooks_make(arena *a, const manifest_set *ms, release *r)
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
		value ann = ko_mget(ko_mget(v, "metadata"), "annotations");
		rel_hook *h = &r->hooks[r->nhooks++];
		memset(h, 0, sizeof *h);
		h->name = ko_sget(ko_mget(v, "metadata"), "name")
			      ? ko_sget(ko_mget(v, "metadata"), "name")
			      : "";
		h->kind = ko_sget(v, "kind") ? ko_sget(v, "kind") : "";
		h->path = m->path;
		h->manifest = m->content;
		h->weight = m->weight;
		const char **ev;
		size_t nev;
		split_list(a, ko_sget(ann, "helm.sh/hook"), &ev, &nev);
		h->events = arena_alloc(a, (nev + 1) * sizeof(char *));
		for (size_t j = 0; j < nev; j++) {
			const char *x = !strcmp(ev[j], "test-success") ? "test" : ev[j];
			for (int k = 0; events[k]; k++)
				if (!strcmp(events[k], x))
					h->events[h->nevents++] = events[k];
		}
		if (!h->nevents)
			h->events = NULL;
		split_list(a, ko_sget(ann, "helm.sh/hook-delete-policy"), &h->delete_policies,
			   &h->ndelete_policies);
	}
}

static int delete_hook_by_policy(act *c, rel_hook *h, const char *policy, const char **err)
{
	if (h->kind && !strcmp(h->kind, "CustomResourceDefinition"))
		return 0;
	if (!ko_has_str(h->delete_policies, h->ndelete_policies, policy))
		return 0;
	kobjs l;
	const char *e;
	if (ko_build(c, h->manifest, NULL, &l, &e)) {
		*err = arena_sprintf(
		    c->a, "unable to build kubernetes object for deleting hook %s: %s", h->path, e);
		return -1;
	}
	if (ko_delete_all(c, &l, err))
		return -1;
	ko_wait_deleted(c, &l);
	return 0;
}

void act_record(act *c, const release *r)
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

int hooks_exec(act *c, release *r, const char *event, const char **err)
{
	rel_hook **run = arena_alloc(c->a, (r->nhooks + 1) * sizeof(rel_hook *));
	size_t n = 0;
	for (size_t i = 0; i < r->nhooks; i++)
		if (ko_has_str(r->hooks[i].events, r->hooks[i].nevents, event))
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
		if (ko_build(c, h->manifest, NULL, &l, &e)) {
			*err = arena_sprintf(c->a,
					     "unable to build kubernetes object for %s hook %s: %s",
					     event, h->path, e);
			return -1;
		}
		h->started_at = rel_time_now();
		h->completed_at = (rel_time){0};
		h->phase = "Running";
		act_record(c, r);
		h->phase = "Unknown";
		if (ko_create_all(c, &l, &e)) {
			h->completed_at = rel_time_now();
			h->phase = "Failed";
			*err = arena_sprintf(c->a, "warning: Hook %s %s failed: %s", event, h->path,
					     e);
			return -1;
		}
		const char **errs = arena_alloc(c->a, (l.n + 1) * sizeof(char *));
		size_t ne = 0;
		for (size_t j = 0; j < l.n; j++)
			if (ko_watch_hook(c, &l.v[j], &e))
				errs[ne++] = e;
		h->completed_at = rel_time_now();
		if (ne) {
			h->phase = "Failed";
			const char *de;
			delete_hook_by_policy(c, h, "hook-failed", &de);
			*err = ko_multierror(c->a, errs, ne);
			return -1;
		}
		h->phase = "Succeeded";
	}
	for (size_t i = n; i-- > 0;)
		if (delete_hook_by_policy(c, run[i], "hook-succeeded", err))
			return -1;
	return 0;
}
