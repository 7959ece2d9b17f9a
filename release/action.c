/* action.c - install, upgrade, rollback and uninstall as Helm 3.17 runs them:
 * the same order of record writes (pending-*, then deployed/failed), CRDs,
 * hooks (hooks.c), objects (kobj.c) and waits (wait.c).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../chart/pipeline.h"
#include "../chart/postrender.h"
#include "../values/coalesce.h"
#include "../values/json.h"
#include "../values/yaml.h"
#include "kobj.h"
#include "lookup.h"
#include "store_write.h"

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
	caps->kube_version = ko_sget(v, "gitVersion") ? ko_sget(v, "gitVersion") : "";
	caps->kube_major = ko_sget(v, "major") ? ko_sget(v, "major") : "";
	caps->kube_minor = ko_sget(v, "minor") ? ko_sget(v, "minor") : "";
	const char **gvs = NULL;
	size_t ngv = 0;
	if (kube_call(c->k, "GET", "/api", NULL, NULL, 0, &l, NULL, &e) == 0) {
		value vs = ko_mget(l, "versions");
		for (uint32_t i = 0; vs.kind == V_LIST && i < vs.u.l->len; i++)
			if (vs.u.l->items[i].kind == V_STRING) {
				gvs = arena_realloc(c->a, gvs, ngv * sizeof(char *),
						    (ngv + 1) * sizeof(char *));
				gvs[ngv++] = vs.u.l->items[i].u.s;
			}
	}
	if (kube_call(c->k, "GET", "/apis", NULL, NULL, 0, &l, NULL, &e) == 0) {
		value gs = ko_mget(l, "groups");
		for (uint32_t i = 0; gs.kind == V_LIST && i < gs.u.l->len; i++) {
			value vs = ko_mget(gs.u.l->items[i], "versions");
			for (uint32_t j = 0; vs.kind == V_LIST && j < vs.u.l->len; j++) {
				const char *gv = ko_sget(vs.u.l->items[j], "groupVersion");
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
		value rs = ko_mget(l, "resources");
		for (uint32_t j = 0; rs.kind == V_LIST && j < rs.u.l->len; j++) {
			const char *kind = ko_sget(rs.u.l->items[j], "kind");
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
	if (ko_build(c, sb_str(&sb), NULL, &l, &e)) {
		*err = arena_sprintf(c->a, "failed to install CRD crds: %s", e);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++) {
		long st = 0;
		if (ko_create(c, &l.v[i], &e) == 0)
			continue;
		value cur;
		if (ko_get(c, &l.v[i], &cur, &st, &e) == 0)
			continue; /* "CRD x is already present. Skipping." */
		*err = arena_sprintf(c->a, "failed to install CRD %s: %s", l.v[i].name, e);
		return -1;
	}
	/* Helm waits (up to a minute) until the new kinds are served */
	long deadline = ko_now_ms() + 60000;
	for (size_t i = 0; i < l.n; i++) {
		value cur;
		long st;
		while (ko_now_ms() < deadline && (ko_get(c, &l.v[i], &cur, &st, &e) ||
						  !ko_has_condition(cur, "Established", NULL)))
			ko_nap();
	}
	return 0;
}

/* What Helm's dependency processing leaves in the stored metadata: each
 * dependency's "enabled", and import-values rewritten as child/parent maps. */
static value processed_meta(arena *a, const chart *ch)
{
	value deps = ko_mget(ch->meta, "dependencies");
	if (deps.kind != V_LIST || !deps.u.l->len)
		return ch->meta;
	value meta = value_deep_copy(a, ch->meta);
	deps = ko_mget(meta, "dependencies");
	value kept = v_list_new(a, deps.u.l->len);
	for (uint32_t i = 0; i < deps.u.l->len; i++) {
		value d = deps.u.l->items[i];
		if (d.kind != V_MAP)
			continue;
		/* an alias becomes the name; disabled dependencies are dropped */
		const char *alias = ko_sget(d, "alias"), *dn = ko_sget(d, "name");
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
		value iv = ko_mget(d, "import-values");
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
				const char *cs = ko_sget(x, "child"), *ps = ko_sget(x, "parent");
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
	if (!c->o->dry_run || c->o->dry_run_server) { /* renderResources' interactWithRemote */
		po.ro.lookup = release_lookup;
		po.ro.lookup_ctx = c->k;
	}
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
	if (c->o->post_renderer) { /* its output is the manifest; never CRDs in its input */
		if (postrender_manifest(c->a, &pr, false, c->o->post_renderer, c->o->pr_args,
					c->o->npr_args, &r->manifest, err))
			return -1;
	} else {
		strbuf man;
		sb_init(&man, c->a);
		postrender_join(&man, &pr, false);
		r->manifest = sb_str(&man);
	}
	hooks_make(c->a, &pr.ms, r);
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
		if (ko_get(c, &l->v[i], &cur, &st, &e)) {
			if (st == 404)
				continue;
			*err = arena_sprintf(c->a,
					     "could not get information about the resource %s "
					     "\"%s\" in namespace \"%s\": %s",
					     l->v[i].kind, l->v[i].name, l->v[i].ns, e);
			return -1;
		}
		value meta = ko_mget(cur, "metadata");
		if (c->o->take_ownership) {
			adopt->v[adopt->n++] = l->v[i];
			continue;
		}
		const struct {
			value m;
			const char *what, *key, *want;
		} req[] = {
		    {ko_mget(meta, "labels"), "label", "app.kubernetes.io/managed-by", "Helm"},
		    {ko_mget(meta, "annotations"), "annotation", "meta.helm.sh/release-name", name},
		    {ko_mget(meta, "annotations"), "annotation", "meta.helm.sh/release-namespace",
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
	c->propagation = NULL;
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

/* releaseutil.UninstallOrder; unknown kinds go last, alphabetically */
static const char *const uninstall_order[] = {
    "APIService",
    "Ingress",
    "IngressClass",
    "Service",
    "CronJob",
    "Job",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "Pod",
    "DaemonSet",
    "RoleBindingList",
    "RoleBinding",
    "RoleList",
    "Role",
    "ClusterRoleBindingList",
    "ClusterRoleBinding",
    "ClusterRoleList",
    "ClusterRole",
    "CustomResourceDefinition",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "ConfigMap",
    "SecretList",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "PodSecurityPolicy",
    "LimitRange",
    "ResourceQuota",
    "NetworkPolicy",
    "Namespace",
};

/* one document of the release manifest as deleteRelease sorts it */
typedef struct udoc {
	const char *key; /* SplitManifests' "manifest-N", sorted as strings */
	const char *content, *kind, *name, *policy;
	int rank; /* -1: unknown kind */
	bool hook;
} udoc;

static int udoc_rank(const char *kind)
{
	for (size_t i = 0; i < sizeof uninstall_order / sizeof uninstall_order[0]; i++)
		if (!strcmp(uninstall_order[i], kind))
			return (int)i;
	return -1;
}

static bool udoc_less(const udoc *x, const udoc *y)
{
	if (x->rank < 0 && y->rank < 0)
		return strcmp(x->kind, y->kind) < 0;
	if (x->rank < 0 || y->rank < 0)
		return y->rank < 0 && x->rank >= 0;
	return x->rank < y->rank;
}

/* SplitManifests then SortManifests(UninstallOrder): documents in the order
 * of their keys as strings, hooks left out, then a stable sort by kind. */
static int uninstall_docs(arena *a, const char *text, udoc **out, size_t *nout, const char **err)
{
	const char **docs;
	size_t nd = manifest_split(a, text ? text : "", &docs), n = 0;
	udoc *d = arena_alloc(a, (nd + 1) * sizeof *d);
	for (size_t i = 0; i < nd; i++) {
		value v, e;
		const char *ye;
		if (!*docs[i])
			continue;
		if (yaml_load(a, docs[i], strlen(docs[i]), &v, &ye)) {
			*err = ye;
			return -1;
		}
		e = ko_mget(ko_mget(v, "metadata"), "annotations");
		udoc x = {.key = arena_sprintf(a, "manifest-%zu", i), .content = docs[i]};
		x.kind = ko_sget(v, "kind") ? ko_sget(v, "kind") : "";
		x.name = ko_sget(ko_mget(v, "metadata"), "name");
		x.name = x.name ? x.name : "";
		x.policy = e.kind == V_MAP && map_getc(e.u.m, "helm.sh/resource-policy")
			       ? ko_sget(e, "helm.sh/resource-policy")
			       : NULL;
		if (e.kind == V_MAP && map_getc(e.u.m, "helm.sh/resource-policy") && !x.policy)
			x.policy = "";
		x.hook = e.kind == V_MAP && map_getc(e.u.m, "helm.sh/hook");
		x.rank = udoc_rank(x.kind);
		size_t j = n++;
		for (; j > 0 && strcmp(d[j - 1].key, x.key) > 0; j--)
			d[j] = d[j - 1];
		d[j] = x;
	}
	/* insertion sort by kind: stable */
	for (size_t i = 1; i < n; i++) {
		udoc x = d[i];
		size_t j = i;
		for (; j > 0 && udoc_less(&x, &d[j - 1]); j--)
			d[j] = d[j - 1];
		d[j] = x;
	}
	*out = d;
	*nout = n;
	return 0;
}

/* filterManifestsToKeep's test: the policy, trimmed and lowercased, is "keep" */
static bool policy_keep(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f')
		p++;
	size_t n = strlen(p);
	while (n && strchr(" \t\n\r\v\f", p[n - 1]))
		n--;
	return n == 4 && !strncasecmp(p, "keep", 4);
}

/* deleteRelease: the objects deleted in uninstall order with the chosen
 * propagation; *kept lists those a resource policy keeps. */
static int delete_release(act *c, const release *rel, kobjs *deleted, const char **kept)
{
	udoc *d;
	size_t n;
	const char *e;
	strbuf keep, del;
	sb_init(&keep, c->a);
	sb_init(&del, c->a);
	deleted->n = 0;
	*kept = "";
	if (uninstall_docs(c->a, rel->manifest, &d, &n, &e))
		return -1; /* "corrupted release record" */
	for (size_t i = 0; i < n; i++) {
		if (d[i].hook)
			continue;
		if (!d[i].policy)
			sb_addf(&del, "\n---\n%s", d[i].content);
		else if (policy_keep(d[i].policy))
			sb_addf(&keep, "[%s] %s\n", d[i].kind, d[i].name);
		/* any other policy: neither kept nor deleted, as Helm does */
	}
	*kept = sb_str(&keep);
	if (ko_build(c, sb_str(&del), NULL, deleted, &e))
		return -1;
	int rc = deleted->n ? ko_delete_all(c, deleted, &e) : 0;
	c->propagation = NULL;
	return rc;
}

/* waitForDeletedResources: every object gone before the timeout */
static int wait_deleted(act *c, const kobjs *l, const char **err)
{
	long deadline = ko_now_ms() + c->o->timeout_ms;
	for (;;) {
		size_t i = 0;
		for (; i < l->n; i++) {
			value cur;
			long st = 0;
			const char *e;
			if (ko_get(c, &l->v[i], &cur, &st, &e) == 0)
				break;
			if (st != 404) {
				*err = e;
				return -1;
			}
		}
		if (i == l->n)
			return 0;
		if (ko_now_ms() >= deadline) {
			*err = "context deadline exceeded";
			return -1;
		}
		ko_nap();
	}
}

static const char *join_errors(arena *a, const char **errs, size_t n)
{
	strbuf sb;
	sb_init(&sb, a);
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? "; " : "", errs[i]);
	return arena_sprintf(a, "uninstallation completed with %zu error(s): %s", n, sb_str(&sb));
}

int action_uninstall(arena *a, kube_client *k, const char *name, const action_opts *o,
		     const char **info, const char **err)
{
	uninstall_opts u = {.propagation = "Background"};
	return action_uninstall_with(a, k, name, o, &u, info, err);
}

int action_uninstall_with(arena *a, kube_client *k, const char *name, const action_opts *o,
			  const uninstall_opts *u, const char **info, const char **err)
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
		if (u->ignore_not_found)
			return 0;
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
	if (!o->no_hooks && hooks_exec(&c, rel, "pre-delete", err))
		return -1;
	act_record(&c, rel);
	kobjs del;
	const char *kept;
	c.propagation = u->propagation;
	if (delete_release(&c, rel, &del, &kept)) {
		*err = arena_sprintf(a, "failed to delete release: %s", name);
		return -1;
	}
	if (*kept)
		*info = arena_sprintf(
		    a, "These resources were kept due to the resource policy:\n%s", kept);
	const char *errs[3];
	size_t ne = 0;
	if (o->wait && wait_deleted(&c, &del, &e))
		errs[ne++] = e;
	if (!o->no_hooks && hooks_exec(&c, rel, "post-delete", &e))
		errs[ne++] = e;
	rel->info->status = "uninstalled";
	rel->info->description =
	    o->description && *o->description ? o->description : "Uninstallation complete";
	if (!o->keep_history) {
		if (purge(&c, rels, n, &e))
			errs[ne++] =
			    arena_sprintf(a, "uninstall: Failed to purge the release: %s", e);
	} else {
		act_record(&c, rel);
	}
	if (ne) {
		*err = join_errors(a, errs, ne);
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
	vmap *meta = ko_mmake(a, nso.u.m, "metadata");
	map_setc(a, meta, "name", v_cstr(a, c->ns));
	map_setc(a, ko_mmake(a, meta, "labels"), "name", v_cstr(a, c->ns));
	kobj nk = {.obj = nso, .res = nsr, .ns = "", .name = c->ns, .kind = "Namespace"};
	long st = 0;
	const char *e;
	if (ko_create(c, &nk, &e) && ko_get(c, &nk, &cur, &st, &e)) {
		*err = ko_multierror(a, &e, 1);
		return -1;
	}
	return 0;
}

static int install_fail(act *c, release *r, const char *why, const char **err)
{
	if (ko_cancelled)
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
	act_record(c, r);
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
	if (ko_build(&c, r->manifest, name, &res, &e)) {
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
			act_record(&c, prior);
		}
	}
	if (store_create(a, k, c.ns, r, err))
		return -1;
	if (ko_cancelled)
		return install_fail(&c, r, "context canceled", err);
	if (!o->no_hooks && hooks_exec(&c, r, "pre-install", &e))
		return install_fail(&c, r, arena_sprintf(a, "failed pre-install: %s", e), err);
	if (ko_cancelled || (adopt.n == 0 && res.n && ko_create_all(&c, &res, &e)))
		return install_fail(&c, r, e, err);
	if (adopt.n && ko_update_all(&c, &adopt, &res, NULL, &e))
		return install_fail(&c, r, e, err);
	if (oo.wait && ko_wait_ready(&c, &res, &e))
		return install_fail(&c, r, e, err);
	if (ko_cancelled || (!o->no_hooks && hooks_exec(&c, r, "post-install", &e)))
		return install_fail(&c, r, arena_sprintf(a, "failed post-install: %s", e), err);
	r->info->status = "deployed";
	r->info->description =
	    o->description && *o->description ? o->description : "Install complete";
	act_record(&c, r);
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
	if (ko_build(&c, cur->manifest, NULL, &curo, &e)) {
		*err = arena_sprintf(
		    a, "unable to build kubernetes objects from current release manifest: %s", e);
		goto fail_plain;
	}
	if (ko_build(&c, t->manifest, NULL, &tgt, &e)) {
		*err = arena_sprintf(
		    a, "unable to build kubernetes objects from new release manifest: %s", e);
		goto fail_plain;
	}
	if (!o->no_hooks && hooks_exec(&c, t, "pre-rollback", err))
		goto fail_plain;
	for (size_t i = 0; i < tgt.n; i++)
		ko_set_owner_meta(&c, tgt.v[i].obj, name);
	if (ko_update_all(&c, &curo, &tgt, NULL, &e) || (o->wait && ko_wait_ready(&c, &tgt, &e))) {
		release *cr = copy_release(a, cur);
		cr->info->status = "superseded";
		t->info->status = "failed";
		t->info->description = arena_sprintf(a, "Rollback \"%s\" failed: %s", name, e);
		act_record(&c, cr);
		act_record(&c, t);
		*err = e;
		return -1;
	}
	if (!o->no_hooks && hooks_exec(&c, t, "post-rollback", err))
		goto fail_plain;
	for (size_t i = 0; i < n; i++)
		if (h[i]->info && h[i]->info->status && !strcmp(h[i]->info->status, "deployed")) {
			h[i]->info->status = "superseded";
			act_record(&c, h[i]);
		}
	t->info->status = "deployed";
	act_record(&c, t);
	return 0;
fail_plain:
	/* Helm returns here and then still records the target as it stands */
	act_record(&c, t);
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
	if (ko_cancelled)
		why = "context canceled";
	r->info->status = "failed";
	r->info->description = arena_sprintf(c->a, "Upgrade \"%s\" failed: %s", r->name, why);
	act_record(c, r);
	const char *e;
	if (c->o->cleanup_on_fail && created && created->n && ko_delete_all(c, created, &e)) {
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
	/* prepareUpgrade's validateManifest: the new manifest first, its error bare */
	if (ko_build(&c, r->manifest, name, &tgt, err))
		return -1;
	if (ko_build(&c, cur->manifest, NULL, &curo, &e)) {
		*err = arena_sprintf(
		    a, "unable to build kubernetes objects from current release manifest: %s", e);
		return -1;
	}
	created.v = arena_alloc(a, (tgt.n + 1) * sizeof(kobj));
	for (size_t i = 0; i < tgt.n; i++)
		if (!ko_find(&curo, &tgt.v[i]))
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
	if (ko_cancelled || (!o->no_hooks && hooks_exec(&c, r, "pre-upgrade", &e)))
		return upgrade_fail(&c, r, NULL,
				    arena_sprintf(a, "pre-upgrade hooks failed: %s", e), err);
	if (ko_update_all(&c, &orig, &tgt, &made, &e)) {
		act_record(&c, cur);
		return upgrade_fail(&c, r, &made, e, err);
	}
	if (oo.wait && ko_wait_ready(&c, &tgt, &e)) {
		act_record(&c, cur);
		return upgrade_fail(&c, r, &made, e, err);
	}
	if (ko_cancelled || (!o->no_hooks && hooks_exec(&c, r, "post-upgrade", &e)))
		return upgrade_fail(&c, r, &made,
				    arena_sprintf(a, "post-upgrade hooks failed: %s", e), err);
	cur->info->status = "superseded";
	act_record(&c, cur);
	r->info->status = "deployed";
	r->info->description =
	    o->description && *o->description ? o->description : "Upgrade complete";
	if (store_update(a, k, c.ns, r, err))
		return -1;
	return 0;
}
