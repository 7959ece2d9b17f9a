/* coalesce.c - Helm's layering of values: cli/values mergeMaps and chartutil's
 * CoalesceValues/MergeValues (v3.17.3), with its warnings and its sharing.
 *
 * Helm deep-copies the user values once and each chart's values.yaml on every
 * use, but copies `global` tables only one level deep (copyMap), so nested global
 * tables stay shared between a parent and its subcharts: we keep that too.
 */
#include <stdarg.h>

#include "coalesce.h"
#include "gofmt.h"

typedef struct cctx {
	arena *a;
	strbuf *warn;
	bool merge;
	const char *err;
} cctx;

static const char GLOBAL[] = "global";

/* Line numbers of Helm 3.17.3's log.Printf calls in pkg/chartutil/coalesce.go. */
enum {
	L_DEST_GLOBAL = 138,
	L_SRC_GLOBAL = 145,
	L_CONFLICT = 161,
	L_KEY_TABLE = 175,
	L_SKIPPED = 237,
	L_OVERWRITE = 298,
	L_DEST_TABLE = 301,
};

static bool is_table(const value *v)
{
	return v && v->kind == V_MAP;
}

void values_merge(arena *a, vmap *dst, const vmap *src)
{
	for (uint32_t i = 0; i < src->len; i++) {
		const ventry *e = &src->e[i];
		value *cur = map_get(dst, e->key, e->klen);
		if (e->val.kind == V_MAP && is_table(cur)) {
			vmap *m = map_copy(a, cur->u.m);
			values_merge(a, m, e->val.u.m);
			map_set(a, dst, e->key, e->klen, (value){.kind = V_MAP, .u.m = m});
			continue;
		}
		map_set(a, dst, e->key, e->klen, e->val);
	}
}

/* log.Printf with Helm's Lshortfile prefix; val, when given, is printed with %v after the text. */
static void warn_line(cctx *c, int line, const char *text, const value *val, const char *tail)
{
	if (!c->warn)
		return;
	sb_addf(c->warn, "coalesce.go:%d: %s", line, text);
	if (val)
		go_print_value(c->warn, *val);
	sb_adds(c->warn, tail);
	sb_addc(c->warn, '\n');
}

static const char *concat_prefix(cctx *c, const char *a, const char *b)
{
	if (!*a)
		return b;
	return arena_sprintf(c->a, "%s.%s", a, b);
}

/* coalesceTablesFullKey: src's keys fill in dst (dst wins); a dst null deletes unless merging. */
static void coalesce_tables(cctx *c, vmap *dst, const vmap *src, const char *prefix, bool merge)
{
	const vmap *s = map_copy(c->a, src); /* iterate a snapshot: dst may be src */
	for (uint32_t i = 0; i < s->len; i++) {
		const ventry *e = &s->e[i];
		const char *fullkey = concat_prefix(c, prefix, e->key);
		value *dv = map_get(dst, e->key, e->klen);
		if (dv && !merge && dv->kind == V_NIL) {
			map_del(dst, e->key, e->klen);
		} else if (!dv) {
			map_set(c->a, dst, e->key, e->klen, e->val);
		} else if (e->val.kind == V_MAP) {
			if (is_table(dv))
				coalesce_tables(c, dv->u.m, e->val.u.m, fullkey, merge);
			else
				warn_line(
				    c, L_OVERWRITE,
				    arena_sprintf(
					c->a,
					"warning: cannot overwrite table with non table for %s (",
					fullkey),
				    &e->val, ")");
		} else if (is_table(dv) && e->val.kind != V_NIL) {
			warn_line(c, L_DEST_TABLE,
				  arena_sprintf(c->a,
						"warning: destination for %s is a table. Ignoring "
						"non-table value (",
						fullkey),
				  &e->val, ")");
		}
	}
}

/* coalesceValues: the chart's own values (a fresh deep copy) under v. */
static void coalesce_chart_values(cctx *c, const vtree *ch, vmap *v, const char *prefix)
{
	const char *sub = concat_prefix(c, prefix, ch->name);
	if (!ch->values)
		return;
	vmap *vc = value_deep_copy(c->a, (value){.kind = V_MAP, .u.m = ch->values}).u.m;
	for (uint32_t i = 0; i < vc->len; i++) {
		const ventry *e = &vc->e[i];
		value *cur = map_get(v, e->key, e->klen);
		if (!cur) {
			map_set(c->a, v, e->key, e->klen, e->val);
		} else if (cur->kind == V_NIL && !c->merge) {
			map_del(v, e->key, e->klen);
		} else if (cur->kind == V_MAP) {
			if (e->val.kind == V_MAP)
				coalesce_tables(c, cur->u.m, e->val.u.m,
						concat_prefix(c, sub, e->key), c->merge);
			else if (e->val.kind != V_NIL)
				warn_line(
				    c, L_SKIPPED,
				    arena_sprintf(c->a,
						  "warning: skipped value for %s.%s: Not a table.",
						  sub, e->key),
				    NULL, "");
		}
	}
}

/* Finds dest[global] as a table, or a new one when absent; NULL (after a warning) if not a table.
 */
static vmap *global_table(cctx *c, vmap *m, int line, const char *which)
{
	value *g = map_getc(m, GLOBAL);
	if (!g)
		return v_map_new(c->a).u.m;
	if (g->kind == V_MAP)
		return g->u.m;
	warn_line(c, line,
		  arena_sprintf(c->a, "warning: skipping globals because %s global is not a table.",
				which),
		  NULL, "");
	return NULL;
}

/* coalesceGlobals: the parent's globals copied and merged into a subchart's section. */
static void coalesce_globals(cctx *c, vmap *dest, vmap *src, const char *prefix)
{
	vmap *dg, *sg;
	if (!(dg = global_table(c, dest, L_DEST_GLOBAL, "destination")))
		return;
	if (!(sg = global_table(c, src, L_SRC_GLOBAL, "source")))
		return;
	for (uint32_t i = 0; i < sg->len; i++) {
		const ventry *e = &sg->e[i];
		value *dv = map_get(dg, e->key, e->klen);
		if (e->val.kind == V_MAP) {
			value vv = {.kind = V_MAP, .u.m = map_copy(c->a, e->val.u.m)};
			if (dv && dv->kind != V_MAP) {
				strbuf q;
				sb_init(&q, c->a);
				go_quote(&q, e->key, e->klen);
				warn_line(
				    c, L_CONFLICT,
				    arena_sprintf(
					c->a,
					"Conflict: cannot merge map onto non-map for %s. Skipping.",
					sb_str(&q)),
				    NULL, "");
				continue;
			}
			if (dv)
				coalesce_tables(c, vv.u.m, dv->u.m,
						concat_prefix(c, prefix, e->key), true);
			map_set(c->a, dg, e->key, e->klen, vv);
		} else if (is_table(dv)) {
			warn_line(c, L_KEY_TABLE,
				  arena_sprintf(c->a, "key %s is table. Skipping", e->key), NULL,
				  "");
		} else {
			map_set(c->a, dg, e->key, e->klen, e->val);
		}
	}
	map_setc(c->a, dest, GLOBAL, (value){.kind = V_MAP, .u.m = dg});
}

static int coalesce_chart(cctx *c, const vtree *ch, vmap *dest, const char *prefix);

/* coalesceDeps: each subchart's section, with globals, coalesced with its values.yaml. */
static int coalesce_deps(cctx *c, const vtree *ch, vmap *dest, const char *prefix)
{
	for (size_t i = 0; i < ch->ndeps; i++) {
		const vtree *sub = ch->deps[i];
		value *cur = map_getc(dest, sub->name);
		if (!cur) {
			map_setc(c->a, dest, sub->name, v_map_new(c->a));
			cur = map_getc(dest, sub->name);
		} else if (cur->kind != V_MAP) {
			strbuf t;
			sb_init(&t, c->a);
			go_sprintf(&t, "%t", 2, cur, 1);
			c->err =
			    arena_sprintf(c->a, "type mismatch on %s: %s", sub->name, sb_str(&t));
			return -1;
		}
		vmap *dv = cur->u.m;
		const char *sp = concat_prefix(c, prefix, ch->name);
		coalesce_globals(c, dv, dest, sp);
		if (coalesce_chart(c, sub, dv, sp) != 0)
			return -1;
	}
	return 0;
}

static int coalesce_chart(cctx *c, const vtree *ch, vmap *dest, const char *prefix)
{
	coalesce_chart_values(c, ch, dest, prefix);
	return coalesce_deps(c, ch, dest, prefix);
}

vmap *coalesce_values_ex(arena *a, const vtree *chart, vmap *user, bool merge, strbuf *warn,
			 const char **err)
{
	cctx c = {.a = a, .warn = warn, .merge = merge};
	vmap *dest =
	    user ? value_deep_copy(a, (value){.kind = V_MAP, .u.m = user}).u.m : v_map_new(a).u.m;
	if (coalesce_chart(&c, chart, dest, "") != 0) {
		if (err)
			*err = c.err;
		return NULL;
	}
	return dest;
}

vmap *coalesce_values(arena *a, const vtree *chart, vmap *user, strbuf *warn)
{
	return coalesce_values_ex(a, chart, user, false, warn, NULL);
}

vmap *coalesce_tables_merge(arena *a, vmap *dst, const vmap *src, bool merge, strbuf *warn)
{
	cctx c = {.a = a, .warn = warn, .merge = merge};
	if (!src)
		return dst;
	if (!dst)
		return (vmap *)src;
	coalesce_tables(&c, dst, src, "", merge);
	return dst;
}
