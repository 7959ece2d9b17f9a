/* dicts.c - Sprig's dict functions (dict, get, set, merge, dig, pick, keys, deepCopy...).
 *
 * Maps are shared references, so set, unset and merge change the caller's map
 * as Go's do. merge follows mergo's rules as Sprig calls them: nested maps merge,
 * the destination keeps non-empty values unless overwriting, and an overwrite
 * copies empty and nil source values too. Go's map order is random where Sprig
 * exposes it (keys, values); we give sorted order, which charts sort anyway.
 */
#include <string.h>

#include "args.h"
#include "functions.h"

/* A map parameter: a V_MAP, or NULL for Go's nil map. */
static vmap *opt_map(value v)
{
	return v.kind == V_MAP ? v.u.m : NULL;
}

static value mapval(vmap *m)
{
	return (value){.kind = V_MAP, .u.m = m};
}

static value f_dict(fnctx *c, value *argv, int argc)
{
	value m = v_map_new(c->a);
	for (int i = 0; i < argc; i += 2) {
		value k = arg_strval(c->a, argv[i]);
		map_set(c->a, m.u.m, k.u.s, k.len,
			i + 1 < argc ? argv[i + 1] : v_str_static("", 0));
	}
	return m;
}

static value f_get(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	vmap *m = opt_map(argv[0]);
	value *v = m ? map_get(m, argv[1].u.s, argv[1].len) : NULL;
	return v ? *v : v_str_static("", 0);
}

static value f_set(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vmap *m = opt_map(argv[0]);
	if (!m)
		fn_fail(c, "assignment to entry in nil map");
	map_set(c->a, m, argv[1].u.s, argv[1].len, argv[2]);
	return argv[0];
}

static value f_unset(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	vmap *m = opt_map(argv[0]);
	if (m)
		map_del(m, argv[1].u.s, argv[1].len);
	return argv[0];
}

static value f_haskey(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	vmap *m = opt_map(argv[0]);
	return v_bool(m && map_get(m, argv[1].u.s, argv[1].len));
}

static value f_pluck(fnctx *c, value *argv, int argc)
{
	value out = v_list_new(c->a, (uint32_t)argc);
	for (int i = 1; i < argc; i++) {
		vmap *m = opt_map(argv[i]);
		value *v = m ? map_get(m, argv[0].u.s, argv[0].len) : NULL;
		if (v)
			list_push(c->a, out.u.l, *v);
	}
	return out;
}

static value f_keys(fnctx *c, value *argv, int argc)
{
	value out = v_list_new(c->a, 0);
	out.u.l->gotype = GT_STRLIST;
	for (int i = 0; i < argc; i++) {
		vmap *m = opt_map(argv[i]);
		for (uint32_t k = 0; m && k < m->len; k++)
			list_push(c->a, out.u.l, v_str_static(m->e[k].key, m->e[k].klen));
	}
	return out;
}

static value f_values(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vmap *m = opt_map(argv[0]);
	value out = v_list_new(c->a, m ? m->len : 0);
	for (uint32_t k = 0; m && k < m->len; k++)
		list_push(c->a, out.u.l, m->e[k].val);
	return out;
}

static bool in_keys(const value *keys, int n, const char *k, size_t kn)
{
	for (int i = 0; i < n; i++)
		if (keys[i].len == kn && memcmp(keys[i].u.s, k, kn) == 0)
			return true;
	return false;
}

static value f_pick(fnctx *c, value *argv, int argc)
{
	vmap *m = opt_map(argv[0]);
	value out = v_map_new(c->a);
	for (int i = 1; i < argc; i++) {
		value *v = m ? map_get(m, argv[i].u.s, argv[i].len) : NULL;
		if (v)
			map_set(c->a, out.u.m, argv[i].u.s, argv[i].len, *v);
	}
	return out;
}

static value f_omit(fnctx *c, value *argv, int argc)
{
	vmap *m = opt_map(argv[0]);
	value out = v_map_new(c->a);
	for (uint32_t k = 0; m && k < m->len; k++)
		if (!in_keys(argv + 1, argc - 1, m->e[k].key, m->e[k].klen))
			map_set(c->a, out.u.m, m->e[k].key, m->e[k].klen, m->e[k].val);
	return out;
}

/* mergo's deepMerge of map[string]interface{} values, as Sprig's merge calls it. */
static void merge_into(fnctx *c, vmap *dst, const vmap *src, bool overwrite, int depth)
{
	if (depth > 1000)
		fn_fail(c, "merge: maps nested too deep");
	for (uint32_t i = 0; i < src->len; i++) {
		const ventry *e = &src->e[i];
		value sv = e->val, *dv = map_get(dst, e->key, e->klen);
		if (sv.kind == V_NIL) {
			if (overwrite)
				map_set(c->a, dst, e->key, e->klen, sv);
			continue;
		}
		bool dst_full = dv && !value_empty(*dv);
		if (sv.kind == V_MAP && dv && dv->kind == V_MAP) {
			if (dv->u.m != sv.u.m)
				merge_into(c, dv->u.m, sv.u.m, overwrite, depth + 1);
			if (dst_full)
				continue;
		}
		if (sv.kind == V_LIST && dst_full) {
			if (overwrite)
				map_set(c->a, dst, e->key, e->klen, sv);
			continue;
		}
		if (overwrite || !dv || !dst_full)
			map_set(c->a, dst, e->key, e->klen, sv);
	}
}

static value merge(fnctx *c, value *argv, int argc, bool overwrite)
{
	vmap *dst = opt_map(argv[0]);
	if (!dst)
		dst = v_map_new(c->a).u.m;
	for (int i = 1; i < argc; i++) {
		vmap *src = opt_map(argv[i]);
		if (src && src != dst)
			merge_into(c, dst, src, overwrite, 0);
	}
	return argv[0].kind == V_MAP ? argv[0] : mapval(dst);
}

static value f_merge(fnctx *c, value *argv, int argc)
{
	return merge(c, argv, argc, false);
}

static value f_mergeoverwrite(fnctx *c, value *argv, int argc)
{
	return merge(c, argv, argc, true);
}

static noreturn void bad_conversion(fnctx *c, value v, const char *want)
{
	fn_fail(c, "interface conversion: interface {} is %s, not %s",
		v.kind == V_NIL ? "nil" : value_gotype(v), want);
}

/* A value that must be exactly map[string]interface{} (Go's type assertion). */
static vmap *assert_map(fnctx *c, value v)
{
	if (v.kind != V_MAP || strcmp(value_gotype(v), GT_MAP) != 0)
		bad_conversion(c, v, GT_MAP);
	return v.u.m;
}

/* dig KEY... DEFAULT DICT: nested lookup; a missing key gives DEFAULT. */
static value f_dig(fnctx *c, value *argv, int argc)
{
	if (argc < 3)
		fn_fail(c, "dig needs at least three arguments");
	vmap *m = assert_map(c, argv[argc - 1]);
	value def = argv[argc - 2];
	int nkeys = argc - 2;
	for (int i = 0; i < nkeys; i++)
		if (argv[i].kind != V_STRING)
			bad_conversion(c, argv[i], "string");
	for (int i = 0;; i++) {
		value *step = map_get(m, argv[i].u.s, argv[i].len);
		if (!step)
			return def;
		if (i == nkeys - 1)
			return *step;
		m = assert_map(c, *step);
	}
}

static value f_deepcopy(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (argv[0].kind == V_NIL)
		fn_fail(c, "reflect: call of reflect.Value.Type on zero Value");
	return value_deep_copy(c->a, argv[0]);
}

const fn_def fn_family_dicts[] = {
    {"deepCopy", f_deepcopy, "v"},
    {"dict", f_dict, "v*"},
    {"dig", f_dig, "v*"},
    {"get", f_get, "ms"},
    {"hasKey", f_haskey, "ms"},
    {"keys", f_keys, "m*"},
    {"merge", f_merge, "mm*"},
    {"mergeOverwrite", f_mergeoverwrite, "mm*"},
    {"mustDeepCopy", f_deepcopy, "v"},
    {"mustMerge", f_merge, "mm*"},
    {"mustMergeOverwrite", f_mergeoverwrite, "mm*"},
    {"omit", f_omit, "ms*"},
    {"pick", f_pick, "ms*"},
    {"pluck", f_pluck, "sm*"},
    {"set", f_set, "msv"},
    {"unset", f_unset, "ms"},
    {"values", f_values, "m"},
    {0},
};
