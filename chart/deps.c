/* deps.c - which subcharts take part in a render, under which names, and the
 * values they hand up to their parents (Helm 3.17.3 chartutil/dependencies.go).
 *
 * The order of steps, and Helm's quirks, are kept: conditions are looked up in
 * values coalesced at each level (a subchart's defaults land at the top of the
 * tree), tags only at the top, an alias makes a copy of the subchart, and
 * import-values replace a chart's values with its fully merged tree.
 */
#include "deps.h"

#include <string.h>

#include "../functions/semver.h"
#include "../values/gofmt.h"

/* Line numbers of Helm 3.17.3's log.Printf calls in pkg/chartutil/dependencies.go. */
enum {
	L_COND_NONBOOL = 63,
	L_TAG_NONBOOL = 94,
	L_IMPORT_CHILD = 269,
	L_IMPORT_EXPORTS = 286,
};

struct proc {
	arena *a;
	strbuf *warn;
	bool merge; /* ProcessDependenciesWithMerge */
	const char *err;
};

static const char *str_field(const vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	return v && v->kind == V_STRING ? v->u.s : "";
}

static chart_dep *parse_dep(arena *a, value d)
{
	chart_dep *r = arena_alloc(a, sizeof(*r));
	r->import_values = v_nil();
	if (d.kind != V_MAP) {
		r->name = r->version = r->repository = r->condition = r->alias = "";
		return r;
	}
	const vmap *m = d.u.m;
	r->name = str_field(m, "name");
	r->version = str_field(m, "version");
	r->repository = str_field(m, "repository");
	r->condition = str_field(m, "condition");
	r->alias = str_field(m, "alias");
	value *tags = map_getc(m, "tags");
	if (tags && tags->kind == V_LIST) {
		r->tags = arena_alloc(a, (tags->u.l->len + 1) * sizeof(char *));
		for (uint32_t i = 0; i < tags->u.l->len; i++)
			if (tags->u.l->items[i].kind == V_STRING)
				r->tags[r->ntags++] = tags->u.l->items[i].u.s;
	}
	value *iv = map_getc(m, "import-values");
	if (iv && iv->kind == V_LIST)
		r->import_values = *iv;
	return r;
}

/* A private copy of the tree, with the declared dependencies parsed. */
static chart *clone_tree(arena *a, const chart *c, chart *parent)
{
	chart *n = arena_alloc(a, sizeof(*n));
	*n = *c;
	n->parent = parent;
	n->mdeps = NULL;
	n->nmdeps = 0;
	n->has_mdeps = false;
	n->processed = true;
	value *deps = c->meta.kind == V_MAP ? map_getc(c->meta.u.m, "dependencies") : NULL;
	if (deps && deps->kind == V_LIST) {
		n->has_mdeps = true;
		n->mdeps = arena_alloc(a, (deps->u.l->len + 1) * sizeof(chart_dep *));
		for (uint32_t i = 0; i < deps->u.l->len; i++)
			n->mdeps[n->nmdeps++] = parse_dep(a, deps->u.l->items[i]);
	}
	n->deps = arena_alloc(a, (c->ndeps + 1) * sizeof(chart *));
	for (size_t i = 0; i < c->ndeps; i++)
		n->deps[i] = clone_tree(a, c->deps[i], n);
	return n;
}

vtree *deps_vtree(arena *a, const chart *c)
{
	vtree *t = arena_alloc(a, sizeof(*t));
	t->name = c->name;
	t->values = c->values;
	t->ndeps = c->ndeps;
	t->deps = arena_alloc(a, (c->ndeps + 1) * sizeof(vtree *));
	for (size_t i = 0; i < c->ndeps; i++)
		t->deps[i] = deps_vtree(a, c->deps[i]);
	return t;
}

/* IsCompatibleRange: a constraint or version that does not parse is no match. */
static bool compatible(arena *a, const char *constraint, const char *version)
{
	bool ok;
	const char *err;
	return semver_check(a, constraint, version ? version : "", &ok, &err) == 0 && ok;
}

/* getAliasDependency: a copy of the matching subchart, renamed to the alias. */
static chart *alias_dependency(arena *a, chart *const *charts, size_t n, const chart_dep *dep)
{
	for (size_t i = 0; i < n; i++) {
		const chart *c = charts[i];
		if (strcmp(c->name, dep->name) || !compatible(a, dep->version, c->version))
			continue;
		chart *out = arena_alloc(a, sizeof(*out));
		*out = *c;
		if (*dep->alias) {
			out->name = dep->alias;
			out->meta.u.m = map_copy(a, c->meta.u.m);
			map_setc(a, out->meta.u.m, "name", v_cstr(a, dep->alias));
		}
		return out;
	}
	return NULL;
}

/* Values.Table: the map at a dotted path; NULL with *missing naming the failing key. */
static vmap *table(arena *a, vmap *v, const char *path, const char **missing)
{
	for (const char *p = path;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		value *x = map_get(v, p, n);
		if (!x || x->kind != V_MAP) {
			*missing = arena_strndup(a, p, n);
			return NULL;
		}
		v = x->u.m;
		if (!dot)
			return v;
		p = dot + 1;
	}
}

static void warn_line(struct proc *p, int line, const char *text)
{
	if (p->warn)
		sb_addf(p->warn, "dependencies.go:%d: %s\n", line, text);
}

/* Values.PathValue: a non-table value at a dotted path. */
static value *path_value(arena *a, vmap *v, const char *path)
{
	const char *dot = strrchr(path, '.'), *missing;
	if (dot) {
		v = table(a, v, arena_strndup(a, path, (size_t)(dot - path)), &missing);
		if (!v)
			return NULL;
		path = dot + 1;
	}
	value *x = map_getc(v, path);
	return x && x->kind != V_MAP ? x : NULL;
}

static void process_conditions(struct proc *p, chart *c, vmap *cvals, const char *cpath)
{
	for (size_t i = 0; i < c->nmdeps; i++) {
		chart_dep *r = c->mdeps[i];
		const char *s = r->condition;
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		for (const char *e; *s; s = *e ? e + 1 : e) {
			e = strchr(s, ',');
			if (!e)
				e = s + strlen(s);
			const char *cond = arena_strndup(p->a, s, (size_t)(e - s));
			size_t cl = strlen(cond);
			if (!*e)
				while (cl && strchr(" \t\n\r", cond[cl - 1]))
					((char *)cond)[--cl] = 0;
			if (!cl)
				continue;
			value *vv =
			    path_value(p->a, cvals, arena_sprintf(p->a, "%s%s", cpath, cond));
			if (!vv)
				continue;
			if (vv->kind == V_BOOL) {
				r->enabled = vv->u.b;
				break;
			}
			warn_line(
			    p, L_COND_NONBOOL,
			    arena_sprintf(
				p->a,
				"Warning: Condition path '%s' for chart %s returned non-bool value",
				cond, r->name));
		}
	}
}

static void process_tags(struct proc *p, chart *c, vmap *cvals)
{
	const char *missing;
	vmap *vt = table(p->a, cvals, "tags", &missing);
	if (!vt)
		return;
	for (size_t i = 0; i < c->nmdeps; i++) {
		chart_dep *r = c->mdeps[i];
		bool has_true = false, has_false = false;
		for (size_t k = 0; k < r->ntags; k++) {
			value *b = map_getc(vt, r->tags[k]);
			if (!b)
				continue;
			if (b->kind == V_BOOL)
				*(b->u.b ? &has_true : &has_false) = true;
			else
				warn_line(
				    p, L_TAG_NONBOOL,
				    arena_sprintf(
					p->a,
					"Warning: Tag '%s' for chart %s returned non-bool value",
					r->tags[k], r->name));
		}
		if (!has_true && has_false)
			r->enabled = false;
		else
			r->enabled = true;
	}
}

static bool removed(const char **rm, size_t nrm, const char *name)
{
	for (size_t i = 0; i < nrm; i++)
		if (!strcmp(rm[i], name))
			return true;
	return false;
}

/* processDependencyEnabled: aliases, then tags and conditions, then recursion. */
static int process_enabled(struct proc *p, chart *c, vmap *v, const char *path)
{
	arena *a = p->a;
	if (!c->has_mdeps)
		return 0;
	chart **cd = arena_alloc(a, (c->ndeps + c->nmdeps + 1) * sizeof(chart *));
	size_t ncd = 0;
	for (size_t i = 0; i < c->ndeps; i++) {
		bool declared = false;
		for (size_t j = 0; j < c->nmdeps && !declared; j++)
			declared = !strcmp(c->deps[i]->name, c->mdeps[j]->name) &&
				   compatible(a, c->mdeps[j]->version, c->deps[i]->version);
		if (!declared)
			cd[ncd++] = c->deps[i];
	}
	for (size_t j = 0; j < c->nmdeps; j++) {
		chart *dep = alias_dependency(a, c->deps, c->ndeps, c->mdeps[j]);
		if (dep)
			cd[ncd++] = dep;
		if (*c->mdeps[j]->alias)
			c->mdeps[j]->name = c->mdeps[j]->alias;
	}
	for (size_t i = 0; i < ncd; i++)
		cd[i]->parent = c;
	c->deps = cd;
	c->ndeps = ncd;
	for (size_t j = 0; j < c->nmdeps; j++)
		c->mdeps[j]->enabled = true;
	vmap *cvals = coalesce_values_ex(a, deps_vtree(a, c), v, false, p->warn, &p->err);
	if (!cvals)
		return -1;
	process_tags(p, c, cvals);
	process_conditions(p, c, cvals, path);
	const char **rm = arena_alloc(a, (c->nmdeps + 1) * sizeof(char *));
	size_t nrm = 0;
	for (size_t j = 0; j < c->nmdeps; j++)
		if (!c->mdeps[j]->enabled)
			rm[nrm++] = c->mdeps[j]->name;
	chart **kept = arena_alloc(a, (ncd + 1) * sizeof(chart *));
	size_t nkept = 0;
	for (size_t i = 0; i < ncd; i++)
		if (!removed(rm, nrm, cd[i]->name))
			kept[nkept++] = cd[i];
	chart_dep **kmeta = arena_alloc(a, (c->nmdeps + 1) * sizeof(chart_dep *));
	size_t nkmeta = 0;
	for (size_t j = 0; j < c->nmdeps; j++)
		if (!removed(rm, nrm, c->mdeps[j]->name))
			kmeta[nkmeta++] = c->mdeps[j];
	for (size_t i = 0; i < nkept; i++)
		if (process_enabled(p, kept[i], cvals,
				    arena_sprintf(a, "%s%s.", path, kept[i]->name)))
			return -1;
	c->mdeps = kmeta;
	c->nmdeps = nkmeta;
	c->has_mdeps = nkmeta > 0; /* append(nil, empty...) stays nil */
	c->deps = kept;
	c->ndeps = nkept;
	return 0;
}

/* pathToMap: data nested under a dotted path ("." is data itself). */
static vmap *path_to_map(arena *a, const char *path, vmap *data)
{
	if (!strcmp(path, "."))
		return data;
	vmap *cur = data;
	const char *end = path + strlen(path);
	for (;;) {
		const char *start = end;
		while (start > path && start[-1] != '.')
			start--;
		vmap *m = v_map_new(a).u.m;
		map_set(a, m, start, (size_t)(end - start), (value){.kind = V_MAP, .u.m = cur});
		cur = m;
		if (start == path)
			return cur;
		end = start - 1;
	}
}

static const char *iv_string(const vmap *m, const char *key)
{
	value *v = map_getc(m, key);
	return v && v->kind == V_STRING ? v->u.s : NULL;
}

/* trimNilValues */
static void trim_nils(vmap *m)
{
	for (uint32_t i = 0; i < m->len;) {
		if (m->e[i].val.kind == V_NIL) {
			map_del(m, m->e[i].key, m->e[i].klen);
			continue;
		}
		if (m->e[i].val.kind == V_MAP)
			trim_nils(m->e[i].val.u.m);
		i++;
	}
}

/* processImportValues: children's tables copied up, under the parent's own values. */
static int import_values(struct proc *p, chart *c)
{
	arena *a = p->a;
	if (!c->has_mdeps)
		return 0;
	vmap *cvals = coalesce_values_ex(a, deps_vtree(a, c), NULL, p->merge, p->warn, &p->err);
	if (!cvals)
		return -1;
	vmap *b = v_map_new(a).u.m;
	for (size_t j = 0; j < c->nmdeps; j++) {
		chart_dep *r = c->mdeps[j];
		if (r->import_values.kind != V_LIST)
			continue;
		value out = v_list_new(a, r->import_values.u.l->len);
		for (uint32_t k = 0; k < r->import_values.u.l->len; k++) {
			value iv = r->import_values.u.l->items[k];
			const char *child, *parent, *missing;
			if (iv.kind == V_MAP) {
				child = iv_string(iv.u.m, "child");
				parent = iv_string(iv.u.m, "parent");
				if (!child || !parent) {
					p->err = arena_sprintf(a,
							       "import-values of dependency %s: "
							       "child and parent must be strings",
							       r->name);
					return -1;
				}
			} else if (iv.kind == V_STRING) {
				child = arena_sprintf(a, "exports.%s", iv.u.s);
				parent = ".";
			} else {
				continue;
			}
			value m = v_map_new(a);
			map_setc(a, m.u.m, "child", v_cstr(a, child));
			map_setc(a, m.u.m, "parent", v_cstr(a, parent));
			m.u.m->gotype = GT_STRMAP;
			list_push(a, out.u.l, m);
			vmap *vv =
			    table(a, cvals, arena_sprintf(a, "%s.%s", r->name, child), &missing);
			if (!vv) {
				strbuf q;
				sb_init(&q, a);
				go_quote(&q, missing, strlen(missing));
				if (iv.kind == V_MAP)
					warn_line(
					    p, L_IMPORT_CHILD,
					    arena_sprintf(a,
							  "Warning: ImportValues missing table "
							  "from chart %s: %s is not a table",
							  r->name, sb_str(&q)));
				else
					warn_line(p, L_IMPORT_EXPORTS,
						  arena_sprintf(a,
								"Warning: ImportValues missing "
								"table: %s is not a table",
								sb_str(&q)));
				continue;
			}
			b = coalesce_tables_merge(a, b, path_to_map(a, parent, vv), p->merge,
						  p->warn);
		}
		r->import_values = out;
	}
	vmap *copy = value_deep_copy(a, (value){.kind = V_MAP, .u.m = cvals}).u.m;
	if (!p->merge)
		trim_nils(copy);
	c->values = coalesce_tables_merge(a, copy, b, p->merge, p->warn);
	c->values->gotype = GT_VALUES;
	return 0;
}

static int process_imports(struct proc *p, chart *c)
{
	for (size_t i = 0; i < c->ndeps; i++)
		if (process_imports(p, c->deps[i]) != 0)
			return -1;
	return import_values(p, c);
}

int deps_process(arena *a, const chart *c, vmap *user, bool merge, chart **out, strbuf *warn,
		 const char **err)
{
	struct proc p = {.a = a, .warn = warn, .merge = merge};
	chart *t = clone_tree(a, c, NULL);
	if (!user)
		user = v_map_new(a).u.m;
	if (process_enabled(&p, t, user, "") != 0 || process_imports(&p, t) != 0) {
		*err = p.err;
		return -1;
	}
	*out = t;
	return 0;
}

int deps_check(arena *a, const chart *c, const char **err)
{
	value *deps = c->meta.kind == V_MAP ? map_getc(c->meta.u.m, "dependencies") : NULL;
	if (!deps || deps->kind != V_LIST)
		return 0;
	strbuf missing;
	sb_init(&missing, a);
	for (uint32_t i = 0; i < deps->u.l->len; i++) {
		const chart_dep *r = parse_dep(a, deps->u.l->items[i]);
		bool found = false;
		for (size_t j = 0; j < c->ndeps && !found; j++)
			found = !strcmp(c->deps[j]->name, r->name);
		if (found)
			continue;
		if (missing.len)
			sb_adds(&missing, ", ");
		sb_adds(&missing, r->name);
	}
	if (!missing.len)
		return 0;
	*err = arena_sprintf(a, "found in Chart.yaml, but missing in charts/ directory: %s",
			     sb_str(&missing));
	return -1;
}
