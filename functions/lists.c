/* lists.c - Sprig's list functions (list, first, append, uniq, slice, chunk, join, split, seq...).
 *
 * Sprig walks its list arguments by reflection, so any slice works and anything
 * else fails with its "Cannot ... on type KIND" text; a nil argument is Go's nil
 * dereference. The must- variants share the same code: in Sprig 3.3 the plain
 * ones panic with the same error, which the template engine reports the same way.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "functions.h"

static const char GT_LISTLIST[] = "[][]interface {}";

static noreturn void nil_deref(fnctx *c)
{
	fn_fail(c, "runtime error: invalid memory address or nil pointer dereference");
}

/* The items of a slice argument, or Sprig's error: "<pre><kind><post>". */
static vlist *need_list2(fnctx *c, value v, const char *pre, const char *post)
{
	if (v.kind == V_LIST)
		return v.u.l;
	if (v.kind == V_NIL)
		nil_deref(c);
	if (v.kind == V_OBJ && v.u.o->cls->to_plain) {
		const char *k = arg_kind(v);
		value p = v.u.o->cls->to_plain(c->a, v.u.o);
		if (p.kind == V_LIST && (strcmp(k, "slice") == 0 || strcmp(k, "array") == 0))
			return p.u.l;
	}
	fn_fail(c, "%s%s%s", pre, arg_kind(v), post);
}

static vlist *need_list(fnctx *c, value v, const char *pre)
{
	return need_list2(c, v, pre, "");
}

static value new_list(arena *a, uint32_t cap, const char *gotype)
{
	value v = v_list_new(a, cap);
	v.u.l->gotype = gotype;
	return v;
}

static value copy_range(arena *a, const vlist *l, uint32_t from, uint32_t to)
{
	value out = new_list(a, to - from, GT_LIST);
	for (uint32_t i = from; i < to; i++)
		list_push(a, out.u.l, l->items[i]);
	return out;
}

static value f_list(fnctx *c, value *argv, int argc)
{
	value out = new_list(c->a, (uint32_t)argc, GT_LIST);
	for (int i = 0; i < argc; i++)
		list_push(c->a, out.u.l, argv[i]);
	return out;
}

static value f_push(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot push on type ");
	value out = copy_range(c->a, l, 0, l->len);
	list_push(c->a, out.u.l, argv[1]);
	return out;
}

static value f_prepend(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot prepend on type ");
	value out = new_list(c->a, l->len + 1, GT_LIST);
	list_push(c->a, out.u.l, argv[1]);
	for (uint32_t i = 0; i < l->len; i++)
		list_push(c->a, out.u.l, l->items[i]);
	return out;
}

static value f_first(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot find first on type ");
	return l->len ? l->items[0] : v_nil();
}

static value f_last(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot find last on type ");
	return l->len ? l->items[l->len - 1] : v_nil();
}

static value f_rest(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot find rest on type ");
	return copy_range(c->a, l, l->len ? 1 : 0, l->len);
}

static value f_initial(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot find initial on type ");
	return copy_range(c->a, l, 0, l->len ? l->len - 1 : 0);
}

static value f_reverse(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot find reverse on type ");
	value out = new_list(c->a, l->len, GT_LIST);
	for (uint32_t i = l->len; i > 0; i--)
		list_push(c->a, out.u.l, l->items[i - 1]);
	return out;
}

static value f_compact(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot compact on type ");
	value out = new_list(c->a, l->len, GT_LIST);
	for (uint32_t i = 0; i < l->len; i++)
		if (!value_empty(l->items[i]))
			list_push(c->a, out.u.l, l->items[i]);
	return out;
}

static bool in_items(const value *items, uint32_t n, value v)
{
	for (uint32_t i = 0; i < n; i++)
		if (arg_deep_equal(v, items[i]))
			return true;
	return false;
}

static value f_uniq(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vlist *l = need_list(c, argv[0], "Cannot find uniq on type ");
	value out = new_list(c->a, l->len, GT_LIST);
	for (uint32_t i = 0; i < l->len; i++)
		if (!in_items(out.u.l->items, out.u.l->len, l->items[i]))
			list_push(c->a, out.u.l, l->items[i]);
	return out;
}

static value f_without(fnctx *c, value *argv, int argc)
{
	vlist *l = need_list(c, argv[0], "Cannot find without on type ");
	value out = new_list(c->a, l->len, GT_LIST);
	for (uint32_t i = 0; i < l->len; i++)
		if (!in_items(argv + 1, (uint32_t)(argc - 1), l->items[i]))
			list_push(c->a, out.u.l, l->items[i]);
	return out;
}

static value f_has(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (argv[1].kind == V_NIL)
		return v_bool(false);
	vlist *l = need_list(c, argv[1], "Cannot find has on type ");
	return v_bool(in_items(l->items, l->len, argv[0]));
}

/* Sprig's slice: LIST [START [END]] by reflect.Value.Slice; keeps the list's Go type. */
static value f_slice(fnctx *c, value *argv, int argc)
{
	vlist *l = need_list(c, argv[0], "list should be type of slice or array but ");
	if (l->len == 0)
		return v_nil();
	int64_t start = argc > 1 ? arg_int64(argv[1]) : 0;
	int64_t end = argc > 2 ? arg_int64(argv[2]) : (int64_t)l->len;
	if (start < 0 || end < start || end > (int64_t)l->len)
		fn_fail(c, "reflect.Value.Slice: slice index out of bounds");
	value out = copy_range(c->a, l, (uint32_t)start, (uint32_t)end);
	out.u.l->gotype = l->gotype;
	return out;
}

static value f_concat(fnctx *c, value *argv, int argc)
{
	value out = new_list(c->a, 0, GT_LIST);
	for (int i = 0; i < argc; i++) {
		vlist *l = need_list2(c, argv[i], "Cannot concat type ", " as list");
		for (uint32_t k = 0; k < l->len; k++)
			list_push(c->a, out.u.l, l->items[k]);
	}
	return out;
}

/* Sprig's chunk, with its float arithmetic: a size of 0 or below fails as Go's make does. */
static value f_chunk(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t size = argv[0].u.i;
	vlist *l = need_list(c, argv[1], "Cannot chunk type ");
	int64_t len = l->len;
	int64_t cs = arg_f2i(floor((double)(len - 1) / (double)size) + 1);
	if (cs < 0 || cs > ARGS_MAX_ITEMS)
		fn_fail(c, "runtime error: makeslice: len out of range");
	value out = new_list(c->a, (uint32_t)cs, GT_LISTLIST);
	for (int64_t i = 0; i < cs; i++) {
		int64_t clen = size;
		if (i == cs - 1) {
			/* math.Mod of two integers (len >= 0): the remainder, exactly */
			clen = size == 0
				   ? arg_f2i(floor((double)NAN))
				   : len % (int64_t)(size < 0 ? -(uint64_t)size : (uint64_t)size);
			if (clen == 0)
				clen = size;
		}
		if (clen < 0)
			fn_fail(c, "runtime error: makeslice: len out of range");
		if (i * size + clen > len)
			fn_fail(c, "runtime error: index out of range [%lld] with length %lld",
				(long long)len, (long long)len);
		list_push(c->a, out.u.l,
			  copy_range(c->a, l, (uint32_t)(i * size), (uint32_t)(i * size + clen)));
	}
	return out;
}

static int cmp_str(const void *x, const void *y)
{
	const value *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->u.s, b->u.s, n);
	return r ? r : (a->len > b->len) - (a->len < b->len);
}

static value f_sortalpha(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value v = argv[0];
	if (v.kind != V_LIST) {
		value out = new_list(c->a, 1, GT_STRLIST);
		list_push(c->a, out.u.l, arg_strval(c->a, v));
		return out;
	}
	value src = arg_strslice(c->a, v);
	value out = new_list(c->a, src.u.l->len, GT_STRLIST);
	for (uint32_t i = 0; i < src.u.l->len; i++)
		list_push(c->a, out.u.l, src.u.l->items[i]);
	if (out.u.l->len > 1)
		qsort(out.u.l->items, out.u.l->len, sizeof(value), cmp_str);
	return out;
}

static value f_join(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value parts = arg_strslice(c->a, argv[1]);
	strbuf sb;
	sb_init(&sb, c->a);
	for (uint32_t i = 0; i < parts.u.l->len; i++) {
		if (i)
			sb_add(&sb, argv[0].u.s, argv[0].len);
		sb_add(&sb, parts.u.l->items[i].u.s, parts.u.l->items[i].len);
		arg_check_bytes(c, sb.len);
	}
	return arg_sbval(&sb);
}

/* strings.SplitN with an empty separator: one part per UTF-8 sequence, the last takes the rest. */
static value explode(fnctx *c, value s, int64_t n)
{
	int64_t runes = 0;
	for (size_t i = 0; i < s.len; runes++) {
		int size;
		utf8_decode(s.u.s + i, s.len - i, &size);
		i += (size_t)size;
	}
	if (n < 0 || n > runes)
		n = runes;
	value out = new_list(c->a, (uint32_t)n, GT_STRLIST);
	size_t pos = 0;
	for (int64_t k = 0; k + 1 < n; k++) {
		int size;
		utf8_decode(s.u.s + pos, s.len - pos, &size);
		list_push(c->a, out.u.l, v_str(c->a, s.u.s + pos, (size_t)size));
		pos += (size_t)size;
	}
	if (n > 0)
		list_push(c->a, out.u.l, v_str(c->a, s.u.s + pos, s.len - pos));
	return out;
}

/* strings.SplitN(s, sep, n) into a []string; n < 0 means all, n == 0 none. */
static value split_n(fnctx *c, value s, value sep, int64_t n)
{
	if (sep.len == 0)
		return explode(c, s, n);
	value out = new_list(c->a, 4, GT_STRLIST);
	if (n == 0)
		return out;
	size_t pos = 0;
	while (n < 0 || (int64_t)out.u.l->len + 1 < n) {
		const char *hit = memmem(s.u.s + pos, s.len - pos, sep.u.s, sep.len);
		if (!hit)
			break;
		size_t at = (size_t)(hit - s.u.s);
		list_push(c->a, out.u.l, v_str(c->a, s.u.s + pos, at - pos));
		pos = at + sep.len;
	}
	list_push(c->a, out.u.l, v_str(c->a, s.u.s + pos, s.len - pos));
	return out;
}

static value f_splitlist(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return split_n(c, argv[1], argv[0], -1);
}

static value parts_map(fnctx *c, value parts)
{
	value m = v_map_new(c->a);
	m.u.m->gotype = GT_STRMAP;
	for (uint32_t i = 0; i < parts.u.l->len; i++) {
		char key[24];
		int kn = snprintf(key, sizeof(key), "_%u", i);
		map_set(c->a, m.u.m, key, (size_t)kn, parts.u.l->items[i]);
	}
	return m;
}

static value f_split(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return parts_map(c, split_n(c, argv[1], argv[0], -1));
}

static value f_splitn(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return parts_map(c, split_n(c, argv[2], argv[0], argv[1].u.i));
}

/* Sprig's untilStep as a []int, refusing results past the item cap. */
static value until_step(fnctx *c, int64_t start, int64_t stop, int64_t step)
{
	value out = new_list(c->a, 0, GT_INTLIST);
	uint64_t count = 0;
	if (stop < start && step < 0)
		count = ((uint64_t)start - (uint64_t)stop + (0 - (uint64_t)step) - 1) /
			(0 - (uint64_t)step);
	else if (stop >= start && step > 0)
		count = ((uint64_t)stop - (uint64_t)start + (uint64_t)step - 1) / (uint64_t)step;
	arg_check_items(c, count);
	out = new_list(c->a, (uint32_t)count, GT_INTLIST);
	int64_t v = start;
	for (uint64_t i = 0; i < count; i++, v = (int64_t)((uint64_t)v + (uint64_t)step))
		list_push(c->a, out.u.l, v_int(v));
	return out;
}

static value f_until(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t n = argv[0].u.i;
	return until_step(c, 0, n, n < 0 ? -1 : 1);
}

static value f_untilstep(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return until_step(c, argv[0].u.i, argv[1].u.i, argv[2].u.i);
}

/* Sprig's seq: `seq END`, `seq START END`, `seq START STEP END`, as a spaced string. */
static value f_seq(fnctx *c, value *argv, int argc)
{
	int64_t start, end, step, inc = 1;
	if (argc == 1) {
		start = 1, end = argv[0].u.i;
		inc = end < start ? -1 : 1;
		step = inc;
	} else if (argc == 2) {
		start = argv[0].u.i, end = argv[1].u.i;
		inc = step = end < start ? -1 : 1;
	} else if (argc == 3) {
		start = argv[0].u.i, step = argv[1].u.i, end = argv[2].u.i;
		if (end < start) {
			inc = -1;
			if (step > 0)
				return v_str_static("", 0);
		}
	} else {
		return v_str_static("", 0);
	}
	value l = until_step(c, start, end + inc, step);
	strbuf sb;
	sb_init(&sb, c->a);
	for (uint32_t i = 0; i < l.u.l->len; i++) {
		sb_addf(&sb, i ? " %lld" : "%lld", (long long)l.u.l->items[i].u.i);
		if (i % 4096 == 0)
			arg_check_bytes(c, sb.len);
	}
	arg_check_bytes(c, sb.len);
	return arg_sbval(&sb);
}

const fn_def fn_family_lists[] = {
    {"append", f_push, "vv"},
    {"chunk", f_chunk, "iv"},
    {"compact", f_compact, "v"},
    {"concat", f_concat, "v*"},
    {"first", f_first, "v"},
    {"has", f_has, "vv"},
    {"initial", f_initial, "v"},
    {"join", f_join, "sv"},
    {"last", f_last, "v"},
    {"list", f_list, "v*"},
    {"mustAppend", f_push, "vv"},
    {"mustChunk", f_chunk, "iv"},
    {"mustCompact", f_compact, "v"},
    {"mustFirst", f_first, "v"},
    {"mustHas", f_has, "vv"},
    {"mustInitial", f_initial, "v"},
    {"mustLast", f_last, "v"},
    {"mustPrepend", f_prepend, "vv"},
    {"mustPush", f_push, "vv"},
    {"mustRest", f_rest, "v"},
    {"mustReverse", f_reverse, "v"},
    {"mustSlice", f_slice, "vv*"},
    {"mustUniq", f_uniq, "v"},
    {"mustWithout", f_without, "vv*"},
    {"prepend", f_prepend, "vv"},
    {"push", f_push, "vv"},
    {"rest", f_rest, "v"},
    {"reverse", f_reverse, "v"},
    {"seq", f_seq, "i*"},
    {"slice", f_slice, "vv*"},
    {"sortAlpha", f_sortalpha, "v"},
    {"split", f_split, "ss"},
    {"splitList", f_splitlist, "ss"},
    {"splitn", f_splitn, "sis"},
    {"tuple", f_list, "v*"},
    {"uniq", f_uniq, "v"},
    {"until", f_until, "i"},
    {"untilStep", f_untilstep, "iii"},
    {"without", f_without, "vv*"},
    {0},
};
