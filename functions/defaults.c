/* defaults.c - Sprig's defaults, logic and reflection: default, empty, coalesce,
 * all, any, ternary, typeOf, typeIs, typeIsLike, kindOf, kindIs, deepEqual.
 *
 * "Empty" is Sprig's: nil, false, 0, "" and empty lists and maps; a struct never
 * is. Type names are Go's %T ("float64", "map[string]interface {}", "<nil>") and
 * kinds are reflect's ("slice", "map", "invalid" for nil).
 */
#include <string.h>

#include "args.h"
#include "functions.h"

static value f_default(fnctx *c, value *argv, int argc)
{
	(void)c;
	if (argc < 2 || value_empty(argv[1]))
		return argv[0];
	return argv[1];
}

static value f_empty(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_bool(value_empty(argv[0]));
}

static value f_coalesce(fnctx *c, value *argv, int argc)
{
	(void)c;
	for (int i = 0; i < argc; i++)
		if (!value_empty(argv[i]))
			return argv[i];
	return v_nil();
}

static value f_all(fnctx *c, value *argv, int argc)
{
	(void)c;
	for (int i = 0; i < argc; i++)
		if (value_empty(argv[i]))
			return v_bool(false);
	return v_bool(true);
}

static value f_any(fnctx *c, value *argv, int argc)
{
	(void)c;
	for (int i = 0; i < argc; i++)
		if (!value_empty(argv[i]))
			return v_bool(true);
	return v_bool(false);
}

static value f_ternary(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return argv[2].u.b ? argv[0] : argv[1];
}

static value f_typeof(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_cstr(c->a, value_gotype(argv[0]));
}

static bool str_is(value s, const char *t)
{
	return s.len == strlen(t) && memcmp(s.u.s, t, s.len) == 0;
}

static value f_typeis(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_bool(str_is(argv[0], value_gotype(argv[1])));
}

static value f_typeislike(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	const char *t = value_gotype(argv[1]);
	value want = argv[0];
	return v_bool(str_is(want, t) || (t[0] == '*' && str_is(want, t + 1)));
}

static value f_kindof(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, arg_kind(argv[0]));
}

static value f_kindis(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_bool(str_is(argv[0], arg_kind(argv[1])));
}

static value f_deepequal(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_bool(arg_deep_equal(argv[0], argv[1]));
}

const fn_def fn_family_defaults[] = {
    {"all", f_all, "v*"},
    {"any", f_any, "v*"},
    {"coalesce", f_coalesce, "v*"},
    {"deepEqual", f_deepequal, "vv"},
    {"default", f_default, "vv*"},
    {"empty", f_empty, "v"},
    {"kindIs", f_kindis, "sv"},
    {"kindOf", f_kindof, "v"},
    {"ternary", f_ternary, "vvb"},
    {"typeIs", f_typeis, "sv"},
    {"typeIsLike", f_typeislike, "sv"},
    {"typeOf", f_typeof, "v"},
    {0},
};
