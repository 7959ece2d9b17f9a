/* fuzz_template.c - libFuzzer target for the template language (renderer/).
 *
 * The input is parsed as one template; if it parses, it is executed with a
 * small fixed data map and an output limit. Two local functions exercise the
 * executor's error and nested-execution paths: `fail` (fn_fail) and `include`
 * (fnctx_exec, depth-limited through the host pointer, as Helm does).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../renderer/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_host {
	int depth;
} fuzz_host;

static value f_fail(fnctx *c, value *argv, int argc)
{
	(void)argc;
	fn_fail(c, "%s", argv[0].u.s);
}

static value f_include(fnctx *c, value *argv, int argc)
{
	(void)argc;
	fuzz_host *h = c->host;
	if (h->depth >= 20)
		fn_fail(c, "include too deep");
	strbuf out;
	sb_init(&out, c->a);
	terror err;
	h->depth++;
	int rc = fnctx_exec(c, argv[0].u.s, argv[1], &out, &err);
	h->depth--;
	if (rc)
		fn_fail(c, "%s", err.msg);
	return v_str(c->a, out.buf ? out.buf : "", out.len);
}

static const fn_def fuzz_defs[] = {
    {"fail", f_fail, "s"},
    {"include", f_include, "sv"},
};

static const fn_table fuzz_funcs = {fuzz_defs, sizeof fuzz_defs / sizeof *fuzz_defs};

static value fuzz_data(arena *a)
{
	value vals = v_map_new(a);
	vals.u.m->gotype = GT_VALUES;
	map_setc(a, vals.u.m, "a", v_float(1));
	map_setc(a, vals.u.m, "s", v_cstr(a, "str"));
	map_setc(a, vals.u.m, "n", v_nil());
	map_setc(a, vals.u.m, "t", v_bool(true));
	value l = v_list_new(a, 2);
	list_push(a, l.u.l, v_int64(1));
	list_push(a, l.u.l, v_cstr(a, "x"));
	map_setc(a, vals.u.m, "l", l);
	value m = v_map_new(a);
	map_setc(a, m.u.m, "k", v_cstr(a, "v"));
	map_setc(a, vals.u.m, "m", m);
	value top = v_map_new(a);
	top.u.m->gotype = GT_VALUES;
	map_setc(a, top.u.m, "Values", vals);
	return top;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	fuzz_host host = {0};
	tset *t = tset_new(a, &fuzz_funcs);
	tset_set_host(t, &host);
	tset_set_output_limit(t, 1 << 16);
	tset_set_strict(t, size > 0 && data[0] == '!');
	char *text = arena_strndup(a, (const char *)data, size);
	terror err;
	if (tset_parse(t, "fuzz", text, size, &err) == 0) {
		strbuf out;
		sb_init(&out, a);
		tset_exec(t, "fuzz", fuzz_data(a), &out, &err);
	}
	arena_free(a);
	return 0;
}
