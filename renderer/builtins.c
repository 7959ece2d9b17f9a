/* builtins.c - text/template's predefined functions (Go's funcs.go): and, or,
 * not, len, index, slice, print, printf, println, html, js, urlquery, call and
 * the comparisons. The embedder's table shadows these (Helm's slice is Sprig's).
 * and/or are marked lazy: the executor evaluates their arguments one by one.
 */
#include <string.h>

#include "../values/gofmt.h"
#include "internal.h"

static value bi_and_or(fnctx *c, value *argv, int argc)
{
	(void)c;
	return argc ? argv[argc - 1] : v_nil();
}

static value bi_not(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_bool(!value_truthy(argv[0]));
}

enum bkind { K_INVALID, K_BOOL, K_INT, K_FLOAT, K_STRING };

static enum bkind basic_kind(value v)
{
	switch (v.kind) {
	case V_BOOL:
		return K_BOOL;
	case V_INT:
	case V_INT64:
		return K_INT;
	case V_FLOAT:
		return K_FLOAT;
	case V_STRING:
		return K_STRING;
	default:
		return K_INVALID;
	}
}

static const char *vtext(arena *a, value v)
{
	strbuf sb;
	sb_init(&sb, a);
	go_print_value(&sb, v);
	return sb_str(&sb);
}

/* fmt's %s of a value, as Go's error texts print reflect.Values. */
static const char *stext(arena *a, value v)
{
	strbuf sb;
	sb_init(&sb, a);
	go_sprintf(&sb, "%s", 2, &v, 1);
	return sb_str(&sb);
}

static bool same_ref(value a, value b)
{
	if (a.kind != b.kind)
		return false;
	return a.kind == V_OBJ ? a.u.o->data == b.u.o->data && a.u.o->cls == b.u.o->cls : false;
}

static bool eq_one(fnctx *c, value a, value b)
{
	enum bkind k1 = basic_kind(a), k2 = basic_kind(b);
	if (k1 != k2) {
		if (a.kind != V_NIL && b.kind != V_NIL)
			fn_fail(c, "incompatible types for comparison");
		return false;
	}
	switch (k1) {
	case K_BOOL:
		return a.u.b == b.u.b;
	case K_FLOAT:
		return a.u.f == b.u.f;
	case K_INT:
		return a.u.i == b.u.i;
	case K_STRING:
		return a.len == b.len && memcmp(a.u.s, b.u.s, a.len) == 0;
	case K_INVALID:
		break;
	}
	if (a.kind == V_NIL || b.kind == V_NIL)
		return a.kind == b.kind;
	if (a.kind != b.kind)
		fn_fail(c, "non-comparable types %s: %s, %s: %s", stext(c->a, a), value_gotype(a),
			value_gotype(b), vtext(c->a, b));
	if (a.kind == V_LIST || a.kind == V_MAP)
		fn_fail(c, "non-comparable type %s: %s", stext(c->a, b), value_gotype(b));
	return same_ref(a, b);
}

static value bi_eq(fnctx *c, value *argv, int argc)
{
	if (argc < 2)
		fn_fail(c, "missing argument for comparison");
	for (int i = 1; i < argc; i++)
		if (eq_one(c, argv[0], argv[i]))
			return v_bool(true);
	return v_bool(false);
}

static value bi_ne(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_bool(!eq_one(c, argv[0], argv[1]));
}

static bool lt_one(fnctx *c, value a, value b)
{
	enum bkind k1 = basic_kind(a), k2 = basic_kind(b);
	if (k1 == K_INVALID || k2 == K_INVALID)
		fn_fail(c, "invalid type for comparison");
	if (k1 != k2)
		fn_fail(c, "incompatible types for comparison");
	switch (k1) {
	case K_FLOAT:
		return a.u.f < b.u.f;
	case K_INT:
		return a.u.i < b.u.i;
	case K_STRING: {
		size_t n = a.len < b.len ? a.len : b.len;
		int r = memcmp(a.u.s, b.u.s, n);
		return r < 0 || (r == 0 && a.len < b.len);
	}
	default:
		fn_fail(c, "invalid type for comparison");
	}
}

static value bi_lt(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_bool(lt_one(c, argv[0], argv[1]));
}
static value bi_ge(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_bool(!lt_one(c, argv[0], argv[1]));
}

static value bi_le(fnctx *c, value *argv, int argc)
{
	(void)argc;
	bool r = lt_one(c, argv[0], argv[1]);
	return v_bool(r || eq_one(c, argv[0], argv[1]));
}

static value bi_gt(fnctx *c, value *argv, int argc)
{
	(void)argc;
	bool r = lt_one(c, argv[0], argv[1]);
	return v_bool(!(r || eq_one(c, argv[0], argv[1])));
}

/* The type Go's indirect() leaves for an error message: pointers are dereferenced. */
static const char *indirect_type(value v)
{
	const char *t = value_gotype(v);
	return v.kind == V_OBJ && t[0] == '*' ? t + 1 : t;
}

static value bi_len(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value v = argv[0];
	if (v.kind == V_OBJ && v.u.o->cls->to_plain && v.u.o->cls->kind &&
	    (!strcmp(v.u.o->cls->kind, "map") || !strcmp(v.u.o->cls->kind, "slice")))
		v = v.u.o->cls->to_plain(c->a, v.u.o); /* Go maps and slices with methods */
	switch (v.kind) {
	case V_STRING:
		return v_int(v.len);
	case V_LIST:
		return v_int(v.u.l->len);
	case V_MAP:
		return v_int(v.u.m->len);
	case V_NIL:
		if (v.len) /* a nil read out of an interface{} slot */
			fn_fail(c, "len of nil pointer");
		fn_fail(c, "reflect: call of reflect.Value.Type on zero Value");
	default:
		fn_fail(c, "len of type %s", indirect_type(v));
	}
}

static int64_t index_arg(fnctx *c, value ix, int64_t cap)
{
	if (ix.kind == V_NIL)
		fn_fail(c, "cannot index slice/array with nil");
	if (!value_is_int(ix))
		fn_fail(c, "cannot index slice/array with type %s", value_gotype(ix));
	if (ix.u.i < 0 || ix.u.i > cap)
		fn_fail(c, "index out of range: %lld", (long long)ix.u.i);
	return ix.u.i;
}

static value index_map(fnctx *c, vmap *m, value ix)
{
	if (ix.kind == V_NIL)
		fn_fail(c, "value is nil; should be of type string");
	if (ix.kind != V_STRING)
		fn_fail(c, "value has type %s; should be string", value_gotype(ix));
	value *v = map_get(m, ix.u.s, ix.len);
	if (v)
		return *v;
	return strcmp(m->gotype, GT_STRMAP) == 0 ? v_str_static("", 0) : v_nil();
}

static value bi_index(fnctx *c, value *argv, int argc)
{
	value it = argv[0];
	if (it.kind == V_NIL)
		fn_fail(c, "index of untyped nil");
	for (int i = 1; i < argc; i++) {
		if (it.kind == V_NIL)
			fn_fail(c, "index of nil pointer");
		if (it.kind == V_OBJ && it.u.o->cls->to_plain && it.u.o->cls->kind &&
		    (!strcmp(it.u.o->cls->kind, "map") || !strcmp(it.u.o->cls->kind, "slice")))
			it = it.u.o->cls->to_plain(c->a,
						   it.u.o); /* Go maps and slices with methods */
		if (it.kind == V_LIST) {
			int64_t x = index_arg(c, argv[i], it.u.l->len);
			if (x == it.u.l->len)
				fn_fail(c, "reflect: slice index out of range");
			it = it.u.l->items[x];
		} else if (it.kind == V_STRING) {
			int64_t x = index_arg(c, argv[i], it.len);
			if (x == it.len)
				fn_fail(c, "reflect: string index out of range");
			it = v_uint8((uint8_t)it.u.s[x]);
		} else if (it.kind == V_MAP) {
			it = index_map(c, it.u.m, argv[i]);
		} else {
			fn_fail(c, "can't index item of type %s", indirect_type(it));
		}
	}
	return it;
}

static value bi_slice(fnctx *c, value *argv, int argc)
{
	value it = argv[0];
	if (it.kind == V_NIL)
		fn_fail(c, "slice of untyped nil");
	if (argc > 4)
		fn_fail(c, "too many slice indexes: %d", argc - 1);
	int64_t cap = it.kind == V_LIST	    ? (int64_t)it.u.l->len
		      : it.kind == V_STRING ? (int64_t)it.len
					    : -1;
	if (cap < 0)
		fn_fail(c, "can't slice it of type %s", value_gotype(it));
	if (it.kind == V_STRING && argc == 4)
		fn_fail(c, "cannot 3-index slice a string");
	int64_t ix[3] = {0, cap, cap};
	for (int i = 1; i < argc; i++)
		ix[i - 1] = index_arg(c, argv[i], cap);
	if (ix[0] > ix[1])
		fn_fail(c, "invalid slice index: %lld > %lld", (long long)ix[0], (long long)ix[1]);
	if (it.kind == V_STRING)
		return v_str(c->a, it.u.s + ix[0], (size_t)(ix[1] - ix[0]));
	value l = v_list_new(c->a, (uint32_t)(ix[1] - ix[0]));
	l.u.l->gotype = it.u.l->gotype;
	for (int64_t i = ix[0]; i < ix[1]; i++)
		list_push(c->a, l.u.l, it.u.l->items[i]);
	return l;
}

static value bi_print(fnctx *c, value *argv, int argc)
{
	strbuf sb;
	sb_init(&sb, c->a);
	go_sprint(&sb, argv, argc);
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value bi_println(fnctx *c, value *argv, int argc)
{
	strbuf sb;
	sb_init(&sb, c->a);
	go_sprintln(&sb, argv, argc);
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value bi_printf(fnctx *c, value *argv, int argc)
{
	strbuf sb;
	sb_init(&sb, c->a);
	go_sprintf(&sb, argv[0].u.s, argv[0].len, argv + 1, argc - 1);
	return v_str(c->a, sb_str(&sb), sb.len);
}

/* Go's evalArgs: one string as is, else fmt.Sprint with nil as "<no value>". */
static const char *eval_args(fnctx *c, value *argv, int argc, size_t *len)
{
	if (argc == 1 && argv[0].kind == V_STRING) {
		*len = argv[0].len;
		return argv[0].u.s;
	}
	value *args = arena_alloc(c->a, (size_t)(argc + 1) * sizeof *args);
	for (int i = 0; i < argc; i++)
		args[i] = argv[i].kind == V_NIL ? v_str_static("<no value>", 10) : argv[i];
	strbuf sb;
	sb_init(&sb, c->a);
	go_sprint(&sb, args, argc);
	*len = sb.len;
	return sb_str(&sb);
}

static value bi_html(fnctx *c, value *argv, int argc)
{
	size_t n;
	const char *s = eval_args(c, argv, argc, &n);
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '"':
			sb_adds(&sb, "&#34;");
			break;
		case '\'':
			sb_adds(&sb, "&#39;");
			break;
		case '&':
			sb_adds(&sb, "&amp;");
			break;
		case '<':
			sb_adds(&sb, "&lt;");
			break;
		case '>':
			sb_adds(&sb, "&gt;");
			break;
		case 0:
			sb_adds(&sb, "\xEF\xBF\xBD");
			break;
		default:
			sb_addc(&sb, s[i]);
		}
	}
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value bi_js(fnctx *c, value *argv, int argc)
{
	size_t n;
	const char *s = eval_args(c, argv, argc, &n);
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		switch (ch) {
		case '\\':
			sb_adds(&sb, "\\\\");
			break;
		case '\'':
			sb_adds(&sb, "\\'");
			break;
		case '"':
			sb_adds(&sb, "\\\"");
			break;
		case '<':
			sb_adds(&sb, "\\u003C");
			break;
		case '>':
			sb_adds(&sb, "\\u003E");
			break;
		case '&':
			sb_adds(&sb, "\\u0026");
			break;
		case '=':
			sb_adds(&sb, "\\u003D");
			break;
		default:
			if (ch < ' ') {
				sb_addf(&sb, "\\u%04X", ch);
			} else if (ch >= 0x80) { /* runes Go deems unprintable: \u2028 */
				int32_t r;
				int w = go_rune_at(s + i, n - i, &r);
				if (go_is_print(r))
					sb_add(&sb, s + i, (size_t)w);
				else
					sb_addf(&sb, "\\u%04X", (unsigned)r);
				i += (size_t)w - 1;
			} else {
				sb_addc(&sb, (char)ch);
			}
		}
	}
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value bi_urlquery(fnctx *c, value *argv, int argc)
{
	size_t n;
	const char *s = eval_args(c, argv, argc, &n);
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			sb_addc(&sb, (char)ch);
		else if (ch == ' ')
			sb_addc(&sb, '+');
		else
			sb_addf(&sb, "%%%02X", ch);
	}
	return v_str(c->a, sb_str(&sb), sb.len);
}

/* argv[0] is the callee's source text, inserted by the executor as Go does. */
static value bi_call(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (argv[1].kind == V_NIL)
		fn_fail(c, "call of nil");
	fn_fail(c, "non-function %s of type %s", argv[0].u.s, value_gotype(argv[1]));
}

static const fn_def builtin_defs[] = {
    {"and", bi_and_or, "vv*"},
    {"call", bi_call, "vv*"},
    {"eq", bi_eq, "vv*"},
    {"ge", bi_ge, "vv"},
    {"gt", bi_gt, "vv"},
    {"html", bi_html, "v*"},
    {"index", bi_index, "vv*"},
    {"js", bi_js, "v*"},
    {"le", bi_le, "vv"},
    {"len", bi_len, "v"},
    {"lt", bi_lt, "vv"},
    {"ne", bi_ne, "vv"},
    {"not", bi_not, "v"},
    {"or", bi_and_or, "vv*"},
    {"print", bi_print, "v*"},
    {"printf", bi_printf, "sv*"},
    {"println", bi_println, "v*"},
    {"slice", bi_slice, "vv*"},
    {"urlquery", bi_urlquery, "v*"},
};

const fn_table builtin_table = {builtin_defs, sizeof builtin_defs / sizeof *builtin_defs};

bool fn_is_lazy(const fn_def *d)
{
	return d->impl == bi_and_or;
}
