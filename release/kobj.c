/* kobj.c - the objects of a release manifest and the KubeClient operations
 * on them: with server-side apply (Helm 4's default, render's too) each
 * object is sent whole as an apply patch under the field manager; without
 * it, as Helm 3.17 does, objects are created with POST and changed with a
 * three-way JSON merge patch. Deletion uses Background propagation unless
 * the action asks for another (helm uninstall --cascade).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../values/json.h"
#include "../values/yaml.h"
#include "kobj.h"

const char *ko_sget(value m, const char *key)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, key) : NULL;
	return v && v->kind == V_STRING ? v->u.s : NULL;
}

value ko_mget(value m, const char *key)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, key) : NULL;
	return v ? *v : v_nil();
}

/* m[key] as a map, made when missing. */
vmap *ko_mmake(arena *a, vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	if (v && v->kind == V_MAP)
		return v->u.m;
	value n = v_map_new(a);
	map_setc(a, m, key, n);
	return n.u.m;
}

double ko_num(value v)
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

bool ko_is_num(value v)
{
	return v.kind == V_INT || v.kind == V_INT64 || v.kind == V_FLOAT;
}

bool ko_equal(value x, value y)
{
	if (ko_is_num(x) && ko_is_num(y))
		return ko_num(x) == ko_num(y);
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
			if (!ko_equal(x.u.l->items[i], y.u.l->items[i]))
				return false;
		return true;
	case V_MAP:
		if (x.u.m->len != y.u.m->len)
			return false;
		for (uint32_t i = 0; i < x.u.m->len; i++) {
			value *o = map_get(y.u.m, x.u.m->e[i].key, x.u.m->e[i].klen);
			if (!o || !ko_equal(x.u.m->e[i].val, *o))
				return false;
		}
		return true;
	default:
		return false;
	}
}

/* Go's multierror text, as Helm's perform() returns it. */
const char *ko_multierror(arena *a, const char **errs, size_t n)
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
volatile sig_atomic_t ko_cancelled;
static char cancel_msg[160];
static size_t cancel_len;

static void on_signal(int sig)
{
	(void)sig;
	if (!ko_cancelled && cancel_len) {
		ssize_t w = write(STDOUT_FILENO, cancel_msg, cancel_len);
		(void)w;
	}
	ko_cancelled = 1;
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

long ko_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ko_nap(void)
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

void ko_set_owner_meta(act *c, value obj, const char *rel_name)
{
	vmap *meta = ko_mmake(c->a, obj.u.m, "metadata");
	vmap *lb = ko_mmake(c->a, meta, "labels");
	vmap *an = ko_mmake(c->a, meta, "annotations");
	map_setc(c->a, lb, "app.kubernetes.io/managed-by", v_cstr(c->a, "Helm"));
	map_setc(c->a, an, "meta.helm.sh/release-name", v_cstr(c->a, rel_name));
	map_setc(c->a, an, "meta.helm.sh/release-namespace", v_cstr(c->a, c->ns));
}

/* Whether v decodes into an int64; else *what is the error's value text
 * ("number 1.5" for numbers that are not int64s). */
static bool fits_int64(arena *a, value v, const char **what)
{
	if (v.kind == V_NIL || v.kind == V_INT || v.kind == V_INT64)
		return true;
	if (v.kind == V_FLOAT && v.u.f == (double)(int64_t)v.u.f &&
	    v.u.f >= -9.2233720368547758e18 && v.u.f < 9.2233720368547758e18)
		return true;
	*what = json_type_name(v);
	if (v.kind == V_FLOAT) {
		size_t len;
		*what = arena_sprintf(a, "number %s", ko_json(a, v, &len));
	}
	return false;
}

/* the keys of map m in bytewise order, as the YAML-to-JSON step leaves them */
static uint32_t *sorted_keys(arena *a, const vmap *m)
{
	uint32_t *ix = arena_alloc(a, (m->len + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < m->len; i++) {
		uint32_t j = i;
		for (; j > 0 && strcmp(m->e[ix[j - 1]].key, m->e[i].key) > 0; j--)
			ix[j] = ix[j - 1];
		ix[j] = i;
	}
	return ix;
}

/* ObjectMeta's JSON fields and their Go types (the rest are not checked) */
static const struct meta_field {
	const char *name, *gotype;
	char shape; /* s string, i int64, m map[string]string, l []string, o list of objects */
} meta_fields[] = {
    {"annotations", "map[string]string", 'm'},
    {"creationTimestamp", "string", 's'},
    {"deletionGracePeriodSeconds", "int64", 'i'},
    {"deletionTimestamp", "string", 's'},
    {"finalizers", "[]string", 'l'},
    {"generateName", "string", 's'},
    {"generation", "int64", 'i'},
    {"labels", "map[string]string", 'm'},
    {"managedFields", "[]v1.ManagedFieldsEntry", 'o'},
    {"name", "string", 's'},
    {"namespace", "string", 's'},
    {"ownerReferences", "[]v1.OwnerReference", 'o'},
    {"resourceVersion", "string", 's'},
    {"selfLink", "string", 's'},
    {"uid", "types.UID", 's'},
};

/* The first type error of one ObjectMeta field, or NULL. */
static const char *meta_field_error(arena *a, const struct meta_field *f, value v)
{
	const char *what = NULL, *type = f->gotype;
	if (v.kind == V_NIL)
		return NULL;
	switch (f->shape) {
	case 's':
		if (v.kind != V_STRING)
			what = json_type_name(v);
		break;
	case 'i':
		fits_int64(a, v, &what);
		break;
	case 'm':
		if (v.kind != V_MAP) {
			what = json_type_name(v);
			break;
		}
		type = "string";
		for (uint32_t i = 0, *ix = sorted_keys(a, v.u.m); !what && i < v.u.m->len; i++) {
			value x = v.u.m->e[ix[i]].val;
			if (x.kind != V_NIL && x.kind != V_STRING)
				what = json_type_name(x);
		}
		break;
	default:
		if (v.kind != V_LIST) {
			what = json_type_name(v);
			break;
		}
		type = f->shape == 'l' ? "string" : f->gotype + 2;
		for (uint32_t i = 0; !what && i < v.u.l->len; i++) {
			value x = v.u.l->items[i];
			if (x.kind != V_NIL && x.kind != (f->shape == 'l' ? V_STRING : V_MAP))
				what = json_type_name(x);
		}
	}
	if (!what)
		return NULL;
	return arena_sprintf(
	    a,
	    "json: cannot unmarshal %s into Go struct field ObjectMeta.metadata.%s "
	    "of type %s",
	    what, f->name, type);
}

/* Decoding the metadata into ObjectMeta (case-sensitive, keys in order):
 * encoding/json's first type error, or NULL. */
static const char *meta_error(arena *a, value meta)
{
	if (meta.kind == V_NIL)
		return NULL;
	if (meta.kind != V_MAP)
		return arena_sprintf(a,
				     "json: cannot unmarshal %s into Go struct field "
				     "metadataOnlyObject.metadata of type v1.ObjectMeta",
				     json_type_name(meta));
	uint32_t *ix = sorted_keys(a, meta.u.m);
	for (uint32_t i = 0; i < meta.u.m->len; i++) {
		const ventry *e = &meta.u.m->e[ix[i]];
		for (size_t j = 0; j < sizeof meta_fields / sizeof meta_fields[0]; j++) {
			if (strcmp(meta_fields[j].name, e->key))
				continue;
			const char *err = meta_field_error(a, &meta_fields[j], e->val);
			if (err)
				return err;
		}
	}
	return NULL;
}

/* The schema validator's getObjectKind: its errors as an aggregate, or NULL. */
static const char *kind_error(arena *a, value v)
{
	if (v.kind != V_MAP)
		return "invalid object to validate";
	const char *errs[2];
	size_t n = 0;
	value *av = map_getc(v.u.m, "apiVersion"), *kind = map_getc(v.u.m, "kind");
	if (!av || av->kind == V_NIL)
		errs[n++] = "apiVersion not set";
	else if (av->kind != V_STRING)
		errs[n++] = "apiVersion isn't string type";
	else if (strchr(av->u.s, '/') && strchr(strchr(av->u.s, '/') + 1, '/'))
		errs[n++] = arena_sprintf(a, "unexpected GroupVersion string: %s", av->u.s);
	if (!kind || kind->kind == V_NIL)
		errs[n++] = "kind not set";
	else if (kind->kind != V_STRING)
		errs[n++] = "kind isn't string type";
	if (n == 0)
		return NULL;
	return n == 1 ? errs[0] : arena_sprintf(a, "[%s, %s]", errs[0], errs[1]);
}

/* The objects of text in order. rel_name != NULL adds Helm's ownership metadata. */
int ko_build(act *c, const char *text, const char *rel_name, kobjs *out, const char **err)
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
		if ((e = kind_error(c->a, v))) {
			*err = arena_sprintf(c->a,
					     "error validating \"\": error validating data: %s", e);
			return -1;
		}
		value meta = ko_mget(v, "metadata");
		if ((e = meta_error(c->a, meta))) {
			*err = arena_sprintf(c->a, "unable to decode \"\": %s", e);
			return -1;
		}
		const char *av = ko_sget(v, "apiVersion"), *kind = ko_sget(v, "kind");
		kobj *o = &out->v[out->n];
		o->obj = v;
		o->kind = kind;
		o->name = ko_sget(meta, "name") ? ko_sget(meta, "name") : "";
		const char *ons = ko_sget(meta, "namespace");
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
			ko_set_owner_meta(c, v, rel_name);
		out->n++;
	}
	return 0;
}

static bool same_obj(const kobj *x, const kobj *y)
{
	return !strcmp(x->res.group, y->res.group) && !strcmp(x->kind, y->kind) &&
	       !strcmp(x->ns, y->ns) && !strcmp(x->name, y->name);
}

const kobj *ko_find(const kobjs *l, const kobj *o)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_obj(&l->v[i], o))
			return &l->v[i];
	return NULL;
}

/* ---- object operations ---- */

const char *ko_json(arena *a, value v, size_t *len)
{
	strbuf sb;
	const char *e;
	sb_init(&sb, a);
	if (json_emit(&sb, v, &e))
		sb_adds(&sb, "{}");
	*len = sb.len;
	return sb_str(&sb);
}

/* client-go refuses a named operation without a name; the object path would
 * otherwise name the whole collection (a DELETE there empties it). */
static int unnamed(const kobj *o, long *st, const char **err)
{
	if (*o->name)
		return 0;
	if (st)
		*st = 0;
	*err = "resource name may not be empty";
	return -1;
}

int ko_get(act *c, const kobj *o, value *out, long *st, const char **err)
{
	if (unnamed(o, st, err))
		return -1;
	return kube_get(c->k, &o->res, o->ns, o->name, out, st, err);
}

int ko_create(act *c, const kobj *o, const char **err)
{
	size_t len;
	const char *body = ko_json(c->a, o->obj, &len);
	const char *path =
	    arena_sprintf(c->a, "%s?fieldManager=%s", kube_path(c->a, &o->res, o->ns, NULL),
			  kube_query_escape(c->a, c->o->field_manager));
	long st;
	return kube_call(c->k, "POST", path, "application/json", body, len, NULL, &st, err);
}

int ko_delete(act *c, const kobj *o, long *st, const char **err)
{
	if (unnamed(o, st, err))
		return -1;
	return kube_delete(c->k, &o->res, o->ns, o->name,
			   c->propagation ? c->propagation : "Background", st, err);
}

/* group/version, Kind=KIND as Go prints a GroupVersionKind */
static const char *gvk_string(arena *a, const kobj *o)
{
	return arena_sprintf(a, "%s/%s, Kind=%s", o->res.group, o->res.version, o->kind);
}

/* Helm 4's patchResourceServerSide: the whole object as an apply patch
 * (JSON is YAML), owned by the field manager; a 409 is a field conflict. */
int ko_apply(act *c, const kobj *o, bool force, const char **err)
{
	size_t len;
	long st = 0;
	const char *e;
	if (unnamed(o, &st, err))
		return -1;
	const char *body = ko_json(c->a, o->obj, &len);
	const char *path = arena_sprintf(
	    c->a, "%s?fieldManager=%s&force=%s", kube_path(c->a, &o->res, o->ns, o->name),
	    kube_query_escape(c->a, c->o->field_manager), force ? "true" : "false");
	if (kube_call(c->k, "PATCH", path, "application/apply-patch+yaml", body, len, NULL, &st,
		      &e) == 0)
		return 0;
	if (st == 415)
		*err = arena_sprintf(c->a, "server-side apply not available on the server: %s", e);
	else if (st == 409)
		*err = arena_sprintf(
		    c->a,
		    "conflict occurred while applying object %s/%s %s: %s\n"
		    "(use --force-conflicts to take these fields of %s \"%s\" from their "
		    "other managers)",
		    o->ns, o->name, gvk_string(c->a, o), e, o->kind, o->name);
	else
		*err = e;
	return -1;
}

/* fieldsV1 sets are tries of objects: their union merges the tries. */
static value fields_union(arena *a, value x, value y)
{
	if (x.kind != V_MAP)
		return y;
	if (y.kind != V_MAP)
		return x;
	value u = (value){.kind = V_MAP, .u.m = map_copy(a, x.u.m)};
	for (uint32_t i = 0; i < y.u.m->len; i++) {
		const ventry *e = &y.u.m->e[i];
		value *have = map_get(u.u.m, e->key, e->klen);
		map_set(a, u.u.m, e->key, e->klen, have ? fields_union(a, *have, e->val) : e->val);
	}
	return u;
}

static bool is_entry(value m, const char *mgr, const char *op)
{
	const char *man = ko_sget(m, "manager"), *eop = ko_sget(m, "operation");
	const char *sub = ko_sget(m, "subresource");
	return man && eop && !strcmp(man, mgr) && !strcmp(eop, op) && (!sub || !*sub);
}

/* The JSON patch that sets managedFields, guarded by the resourceVersion. */
static const char *managed_patch(arena *a, value list, const char *rv, size_t *len)
{
	value ops = v_list_new(a, 2);
	const char *paths[] = {"/metadata/managedFields", "/metadata/resourceVersion"};
	value vals[] = {list, v_cstr(a, rv)};
	for (int i = 0; i < 2; i++) {
		value op = v_map_new(a);
		map_setc(a, op.u.m, "op", v_cstr(a, "replace"));
		map_setc(a, op.u.m, "path", v_cstr(a, paths[i]));
		map_setc(a, op.u.m, "value", vals[i]);
		list_push(a, ops.u.l, op);
	}
	return ko_json(a, ops, len);
}

/* client-go's csaupgrade, as Helm 4 runs it before applying: the fields the
 * manager owned through Update operations (Helm 3's merge patches) move to
 * its Apply entry, so applying does not conflict with its own past. */
static int csa_upgrade(act *c, const kobj *o, value cur, const char **err)
{
	value meta = ko_mget(cur, "metadata"), mf = ko_mget(meta, "managedFields");
	const char *mgr = c->o->field_manager, *rv = ko_sget(meta, "resourceVersion");
	if (mf.kind != V_LIST || !rv)
		return 0;
	vlist *l = mf.u.l;
	int ap = -1, up = -1;
	for (uint32_t i = 0; i < l->len; i++) {
		if (ap < 0 && is_entry(l->items[i], mgr, "Apply"))
			ap = (int)i;
		if (up < 0 && is_entry(l->items[i], mgr, "Update"))
			up = (int)i;
	}
	if (up < 0)
		return 0;
	value target = value_deep_copy(c->a, l->items[ap >= 0 ? ap : up]);
	map_setc(c->a, target.u.m, "operation", v_cstr(c->a, "Apply"));
	const char *tav = ko_sget(target, "apiVersion");
	for (uint32_t i = 0; i < l->len; i++) {
		const char *av = ko_sget(l->items[i], "apiVersion");
		if (is_entry(l->items[i], mgr, "Update") && av && tav && !strcmp(av, tav)) {
			value f = fields_union(c->a, ko_mget(target, "fieldsV1"),
					       ko_mget(l->items[i], "fieldsV1"));
			map_setc(c->a, target.u.m, "fieldsV1", f);
			break;
		}
	}
	value nl = v_list_new(c->a, l->len);
	for (uint32_t i = 0; i < l->len; i++) {
		if ((int)i == (ap >= 0 ? ap : up))
			list_push(c->a, nl.u.l, target);
		else if (!is_entry(l->items[i], mgr, "Update"))
			list_push(c->a, nl.u.l, l->items[i]);
	}
	size_t len;
	long st;
	const char *e, *body = managed_patch(c->a, nl, rv, &len);
	const char *path =
	    arena_sprintf(c->a, "%s?fieldManager=%s", kube_path(c->a, &o->res, o->ns, o->name),
			  kube_query_escape(c->a, mgr));
	if (kube_call(c->k, "PATCH", path, "application/json-patch+json", body, len, NULL, &st,
		      &e) == 0)
		return 0;
	*err =
	    arena_sprintf(c->a, "failed to patch object to upgrade CSA field manager %s/%s %s: %s",
			  o->ns, o->name, gvk_string(c->a, o), e);
	return -1;
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
		} else if (!cv || !ko_equal(e->val, *cv)) {
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

/* Helm's updateResource: a replace with --force, else an apply (server-side)
 * or a patch from the original. */
int ko_update(act *c, const kobj *o, const kobj *orig, value cur, const char **err)
{
	long st;
	const char *e;
	size_t len;
	if (unnamed(o, &st, err))
		return -1;
	if (c->o->force) {
		value obj = value_deep_copy(c->a, o->obj);
		vmap *meta = ko_mmake(c->a, obj.u.m, "metadata");
		const char *rv = ko_sget(ko_mget(cur, "metadata"), "resourceVersion");
		if (rv)
			map_setc(c->a, meta, "resourceVersion", v_cstr(c->a, rv));
		if (kube_update(c->k, &o->res, o->ns, o->name, obj, NULL, &st, &e) == 0)
			return 0;
		*err = arena_sprintf(c->a, "failed to replace object: %s", e);
		return -1;
	}
	if (c->o->server_side)
		return csa_upgrade(c, o, cur, err) ? -1
						   : ko_apply(c, o, c->o->force_conflicts, err);
	vmap *p = three_way(c->a, orig ? orig->obj : v_nil(), o->obj, cur);
	if (!p->len)
		return 0;
	const char *body = ko_json(c->a, (value){.kind = V_MAP, .u.m = p}, &len);
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
int ko_create_all(act *c, const kobjs *l, const char **err)
{
	const char **errs = arena_alloc(c->a, (l->n + 1) * sizeof(char *));
	size_t ne = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *e;
		if (c->o->server_side ? ko_apply(c, &l->v[i], false, &e)
				      : ko_create(c, &l->v[i], &e))
			errs[ne++] = e;
	}
	if (!ne)
		return 0;
	*err = ko_multierror(c->a, errs, ne);
	return -1;
}

/* Helm's KubeClient.Delete (not-found ignored); errors gathered. */
int ko_delete_all(act *c, const kobjs *l, const char **err)
{
	const char **errs = arena_alloc(c->a, (l->n + 1) * sizeof(char *));
	size_t ne = 0;
	for (size_t i = 0; i < l->n; i++) {
		long st = 0;
		const char *e;
		if (ko_delete(c, &l->v[i], &st, &e) && st != 404)
			errs[ne++] = e;
	}
	if (!ne)
		return 0;
	*err = ko_multierror(c->a, errs, ne);
	return -1;
}

/* Helm's KubeClient.Update(original, target, force); the objects it
 * created (or tried to) are added to created when not NULL. */
int ko_update_all(act *c, const kobjs *orig, const kobjs *target, kobjs *created, const char **err)
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
		if (ko_get(c, o, &cur, &st, &e)) {
			if (st != 404) {
				*err = arena_sprintf(
				    c->a, "could not get information about the resource: %s", e);
				return -1;
			}
			if (created)
				created->v[created->n++] = *o;
			if (c->o->server_side ? ko_apply(c, o, c->o->force_conflicts, &e)
					      : ko_create(c, o, &e)) {
				*err = arena_sprintf(c->a, "failed to create resource: %s", e);
				return -1;
			}
			continue;
		}
		const kobj *oo = ko_find(orig, o);
		if (!oo) {
			*err = arena_sprintf(c->a, "no %s with the name \"%s\" found", o->kind,
					     o->name);
			return -1;
		}
		if (ko_update(c, o, oo, cur, &e)) {
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
		if (ko_find(target, o) || ko_get(c, o, &cur, &st, &e))
			continue;
		const char *pol = ko_sget(ko_mget(ko_mget(cur, "metadata"), "annotations"),
					  "helm.sh/resource-policy");
		if (pol && !strcmp(pol, "keep"))
			continue;
		ko_delete(c, o, &st, &e);
	}
	return 0;
}
