/* exec.c - Go 1.23 text/template's executor (exec.go) over our value model.
 *
 * A walk of the syntax tree with Go's variable stack, its argument rules for
 * function calls and its exact error texts. Errors jump to the one recovery
 * point of the running execution (Go panics and recovers there too); nested
 * executions (include, tpl) have their own. A value read out of an
 * interface-typed container (a map[string]interface{} entry, a []interface{}
 * item) remembers that, because Go's messages differ for it ("interface {}").
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../values/gofmt.h"
#include "../values/yaml.h"
#include "internal.h"
#include "stack.h"

#define MAX_EXEC_DEPTH 100000

typedef struct xv {
	value v;
	bool iface; /* came out of an interface{} slot: V_NIL then means a typed nil */
} xv;

typedef struct xvar {
	const char *name;
	xv val;
} xvar;

struct texec {
	tset *set;
	arena *a;
	strbuf *out;
	size_t out_start;
	const char *err;
	const ttree *tmpl;
	const node *at;
	xvar *vars; /* inl until more are needed */
	uint32_t nvars, capvars, base;
	int depth;
	const node *call_node;
	uintptr_t stack_floor; /* the lowest address of this thread's C stack */
	/* last, so that run() need not zero them: */
	jmp_buf jb;
	xvar inl[8];
};

/* Template calls stop with 256 KB of stack left; expressions, deeper, at 128 KB. */
#define STACK_RESERVE_TEMPLATE (256 * 1024)
#define STACK_RESERVE_EXPR     (128 * 1024)

static bool stack_low(const struct texec *x, uintptr_t reserve)
{
	char here;
	return x->stack_floor && (uintptr_t)&here < x->stack_floor + reserve;
}

enum walk_result { WALK_OK, WALK_BREAK, WALK_CONTINUE };

static const xv MISSING_XV = {{.kind = V_NIL}, false};

static xv plain(value v)
{
	return (xv){v, false};
}

static noreturn void xfail_msg(struct texec *x, const char *msg)
{
	if (!x->at) {
		x->err = arena_sprintf(x->a, "template: %s: %s", x->tmpl->name, msg);
	} else {
		const char *loc, *ctx;
		node_context(x->a, x->tmpl, x->at, &loc, &ctx);
		x->err = arena_sprintf(x->a, "template: %s: executing \"%s\" at <%s>: %s", loc,
				       x->tmpl->name, ctx, msg);
	}
	longjmp(x->jb, 1);
}

static noreturn void xerrorf(struct texec *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static noreturn void xerrorf(struct texec *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	const char *m = arena_strdup(x->a, msg ? msg : "out of memory");
	free(msg);
	xfail_msg(x, m);
}

static const char *quoted(arena *a, const char *s)
{
	strbuf sb;
	sb_init(&sb, a);
	go_quote(&sb, s, strlen(s));
	return sb_str(&sb);
}

static const char *node_text(arena *a, const node *n)
{
	strbuf sb;
	sb_init(&sb, a);
	node_string(&sb, n);
	return sb_str(&sb);
}

static const char *value_text(arena *a, value v)
{
	strbuf sb;
	sb_init(&sb, a);
	go_print_value(&sb, v);
	return sb_str(&sb);
}

/* Go type names are shared pointers nearly always: compare those first. */
static bool gotype_is(const char *t, const char *gt)
{
	return t == gt || strcmp(t, gt) == 0;
}

static const char *type_name(xv v)
{
	if (v.iface)
		return "interface {}";
	return value_gotype(v.v);
}

/* ---- variables ---- */

static void push_var(struct texec *x, const char *name, xv v)
{
	if (x->nvars == x->capvars) {
		uint32_t nc = x->capvars * 2;
		xvar *nv = arena_alloc(x->a, nc * sizeof *nv);
		memcpy(nv, x->vars, x->nvars * sizeof *nv);
		x->vars = nv;
		x->capvars = nc;
	}
	x->vars[x->nvars++] = (xvar){name, v};
}

static xvar *find_var(struct texec *x, const char *name)
{
	for (uint32_t i = x->nvars; i-- > x->base;)
		if (strcmp(x->vars[i].name, name) == 0)
			return &x->vars[i];
	xerrorf(x, "undefined variable: %s", name);
}

/* ---- function calls ---- */

static const char *param_type(char c)
{
	switch (c) {
	case 's':
		return "string";
	case 'i':
		return "int";
	case 'I':
		return "int64";
	case 'u':
		return "uint32";
	case 'f':
		return "float64";
	case 'b':
		return "bool";
	case 'l':
		return GT_LIST;
	case 'S':
		return GT_STRLIST;
	case 'm':
		return GT_MAP;
	case 'M':
		return GT_VALUES;
	default:
		return "interface {}";
	}
}

static bool can_be_nil(char c)
{
	return strchr("vlSmMo", c) != NULL;
}

static value zero_of(struct texec *x, char c)
{
	if (c == 'l' || c == 'S') {
		value l = v_list_new(x->a, 0);
		l.u.l->gotype = c == 'l' ? GT_LIST : GT_STRLIST;
		return l;
	}
	if (c == 'm' || c == 'M') {
		value m = v_map_new(x->a);
		m.u.m->gotype = c == 'm' ? GT_MAP : GT_VALUES;
		return m;
	}
	return v_nil();
}

static bool assignable(value v, char c)
{
	switch (c) {
	case 's':
		return v.kind == V_STRING;
	case 'i':
		return v.kind == V_INT;
	case 'I':
		return v.kind == V_INT64;
	case 'u':
		return false; /* no template value is a uint32 */
	case 'f':
		return v.kind == V_FLOAT;
	case 'b':
		return v.kind == V_BOOL;
	case 'l':
		return v.kind == V_LIST && gotype_is(v.u.l->gotype, GT_LIST);
	case 'S':
		return v.kind == V_LIST && gotype_is(v.u.l->gotype, GT_STRLIST);
	case 'm':
	case 'M':
		return v.kind == V_MAP &&
		       (gotype_is(v.u.m->gotype, GT_MAP) || gotype_is(v.u.m->gotype, GT_VALUES));
	default:
		return true;
	}
}

/* Go's validateType; c == 0 is the nil type (a chain's receiver). */
static value validate_type(struct texec *x, xv v, char c)
{
	if (v.v.kind == V_NIL && !v.iface) {
		if (c == 0 || c == 'v' || c == 'o')
			return v_nil();
		if (can_be_nil(c))
			return zero_of(x, c);
		xerrorf(x, "invalid value; expected %s", param_type(c));
	}
	if (c == 0 || c == 'v' || c == 'o')
		return v.v.kind == V_NIL ? (value){.kind = V_NIL, .len = 1} : v.v;
	if (v.v.kind == V_NIL)
		xerrorf(x, "wrong type for value; expected %s; got interface {}", param_type(c));
	if (!assignable(v.v, c))
		xerrorf(x, "wrong type for value; expected %s; got %s", param_type(c),
			value_gotype(v.v));
	if (v.v.kind == V_MAP && (c == 'm' || c == 'M')) {
		/* Go converts the argument to the parameter's type */
		value r = v.v;
		r.len = c == 'm' && gotype_is(r.u.m->gotype, GT_VALUES) ? VMAP_PLAIN : 0;
		return r;
	}
	return v.v;
}

static bool is_hex_int(const char *s)
{
	return strlen(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !strpbrk(s, "pP");
}

static value ideal_constant(struct texec *x, const node *n)
{
	x->at = n;
	if (n->is_float && !is_hex_int(n->text) && n->text[0] != '\'' && strpbrk(n->text, ".eEpP"))
		return v_float(n->f);
	if (n->is_int)
		return v_int(n->i);
	xerrorf(x, "%s overflows int", n->text);
}

static xv eval_pipeline(struct texec *x, xv dot, const node *pipe);
static xv eval_field_node(struct texec *x, xv dot, const node *f, const node *const *args,
			  uint32_t nargs, const xv *final);
static xv eval_variable_node(struct texec *x, xv dot, const node *v, const node *const *args,
			     uint32_t nargs, const xv *final);
static xv eval_chain_node(struct texec *x, xv dot, const node *c, const node *const *args,
			  uint32_t nargs, const xv *final);
static xv eval_function(struct texec *x, xv dot, const node *id, const node *cmd,
			const node *const *args, uint32_t nargs, const xv *final);

static value eval_literal(struct texec *x, const node *n, char c)
{
	switch (c) {
	case 'b':
		if (n->type == N_BOOL)
			return v_bool(n->flag);
		xerrorf(x, "expected bool; found %s", node_text(x->a, n));
	case 'f':
		if (n->type == N_NUMBER && n->is_float)
			return v_float(n->f);
		xerrorf(x, "expected float; found %s", node_text(x->a, n));
	case 'i':
	case 'I':
		if (n->type == N_NUMBER && n->is_int)
			return c == 'i' ? v_int(n->i) : v_int64(n->i);
		xerrorf(x, "expected integer; found %s", node_text(x->a, n));
	case 'u': /* reflect's SetUint truncates to 32 bits */
		if (n->type == N_NUMBER && (n->is_uint || (n->is_int && n->i >= 0)))
			return v_int((int64_t)(uint32_t)n->i);
		xerrorf(x, "expected unsigned integer; found %s", node_text(x->a, n));
	case 's':
		if (n->type == N_STRING)
			return v_str_static(n->text, n->tlen);
		xerrorf(x, "expected string; found %s", node_text(x->a, n));
	case 'v':
	case 'o':
	case 0:
		switch (n->type) {
		case N_BOOL:
			return v_bool(n->flag);
		case N_NUMBER:
			return ideal_constant(x, n);
		case N_STRING:
			return v_str_static(n->text, n->tlen);
		default:
			break;
		}
		xerrorf(x, "can't handle assignment of %s to empty interface argument",
			node_text(x->a, n));
	default:
		xerrorf(x, "can't handle %s for arg of type %s", node_text(x->a, n), param_type(c));
	}
}

/* Go's evalArg: evaluates n for a parameter of type letter c. */
static value eval_arg(struct texec *x, xv dot, char c, const node *n)
{
	x->at = n;
	switch (n->type) {
	case N_DOT:
		return validate_type(x, dot, c);
	case N_NIL:
		if (c == 0 || can_be_nil(c))
			return zero_of(x, c);
		xerrorf(x, "cannot assign nil to %s", param_type(c));
	case N_FIELD:
		return validate_type(x, eval_field_node(x, dot, n, &n, 1, NULL), c);
	case N_VAR:
		return validate_type(x, eval_variable_node(x, dot, n, NULL, 0, NULL), c);
	case N_PIPE:
		return validate_type(x, eval_pipeline(x, dot, n), c);
	case N_IDENT:
		return validate_type(x, eval_function(x, dot, n, n, NULL, 0, NULL), c);
	case N_CHAIN:
		return validate_type(x, eval_chain_node(x, dot, n, NULL, 0, NULL), c);
	default:
		return eval_literal(x, n, c);
	}
}

typedef struct sig {
	const char *p; /* parameter letters, receiver skipped */
	int num_in;    /* Go's NumIn without the receiver */
	bool variadic;
} sig;

static sig parse_sig(const fn_def *fn, bool method)
{
	sig s = {fn->sig ? fn->sig : "", 0, false};
	if (method && s.p[0] == 'o')
		s.p++;
	size_t n = strlen(s.p);
	s.variadic = n > 0 && s.p[n - 1] == '*';
	s.num_in = (int)(s.variadic ? n - 1 : n);
	return s;
}

static char param_at(const sig *s, int i)
{
	if (s->variadic && i >= s->num_in - 1)
		return s->p[s->num_in - 1];
	return s->p[i];
}

static xv call_lazy(struct texec *x, xv dot, const fn_def *fn, const node *const *args,
		    uint32_t nargs, const xv *final)
{
	bool is_or = fn->name[0] == 'o';
	value v = v_nil();
	for (uint32_t i = 0; i < nargs; i++) {
		v = eval_arg(x, dot, 'v', args[i]);
		if (value_truthy(v) == is_or)
			return plain(v);
	}
	if (final)
		v = validate_type(x, *final, 'v');
	return plain(v);
}

/* Go's evalCall. args[0] is the function's own node; recv is a method's receiver. */
static xv eval_call(struct texec *x, xv dot, const fn_def *fn, bool builtin, const node *at,
		    const char *name, const node *const *args, uint32_t nargs, const xv *final,
		    const value *recv)
{
	if (args) {
		args++;
		nargs--;
	}
	sig s = parse_sig(fn, recv != NULL);
	int num_in = (int)nargs + (final ? 1 : 0);
	int num_fixed = (int)nargs;
	if (s.variadic) {
		num_fixed = s.num_in - 1;
		if (num_in < num_fixed)
			xerrorf(x, "wrong number of args for %s: want at least %d got %u", name,
				s.num_in - 1, nargs);
	} else if (num_in != s.num_in) {
		xerrorf(x, "wrong number of args for %s: want %d got %d", name, s.num_in, num_in);
	}
	if (builtin && fn_is_lazy(fn))
		return call_lazy(x, dot, fn, args, nargs, final);
	int off = recv ? 1 : 0;
	/* functions copy what they keep, so a short argument vector lives here;
	 * every slot is written below, and one nil follows the last */
	value argv_buf[8];
	value *argv = num_in + off + 1 <= 8
			  ? argv_buf
			  : arena_alloc(x->a, (size_t)(num_in + off + 1) * sizeof *argv);
	argv[num_in + off] = v_nil();
	if (recv)
		argv[0] = *recv;
	int i = 0;
	for (; i < (int)nargs; i++)
		argv[off + i] = eval_arg(x, dot, param_at(&s, i), args[i]);
	if (final)
		argv[off + i] = validate_type(x, *final, param_at(&s, num_in - 1));
	if (builtin && strcmp(name, "call") == 0) { /* Go passes the callee's text first */
		value *av = arena_alloc(x->a, (size_t)(num_in + 2) * sizeof *av);
		const char *callee = nargs
					 ? node_text(x->a, args[0])
					 : arena_sprintf(x->a, "<%s Value>", value_gotype(argv[0]));
		av[0] = v_cstr(x->a, callee);
		memcpy(av + 1, argv, (size_t)num_in * sizeof *av);
		argv = av;
		off = 1;
	}
	fnctx c = {x->a, x->set, x, x->set->host, fn};
	x->call_node = at;
	value r = fn->impl(&c, argv, num_in + off);
	return plain(r);
}

static xv eval_function(struct texec *x, xv dot, const node *id, const node *cmd,
			const node *const *args, uint32_t nargs, const xv *final)
{
	x->at = id;
	const fn_def *fn = id->fn;
	if (!fn || id->fn_table != x->set->funcs) { /* the parser found it in another table */
		fn = tset_find_func(x->set, id->text);
		node *w = (node *)id; /* a cache: with keys' hints, all a tree gets written */
		w->fn = fn;
		w->fn_table = x->set->funcs;
	}
	if (!fn)
		xerrorf(x, "%s is not a defined function", quoted(x->a, id->text));
	uintptr_t f = (uintptr_t)fn, b = (uintptr_t)builtin_table.defs;
	bool builtin = f >= b && f < b + builtin_table.n * sizeof *builtin_table.defs;
	return eval_call(x, dot, fn, builtin, cmd, id->text, args, nargs, final, NULL);
}

/* ---- fields ---- */

static bool map_elems_iface(const vmap *m)
{
	return m->gotype == GT_MAP || m->gotype == GT_VALUES || !gotype_is(m->gotype, GT_STRMAP);
}
static bool list_elems_iface(const vlist *l)
{
	return gotype_is(l->gotype, GT_LIST);
}

/* Method tables are short: the first letter rules most names out. */
static const fn_def *find_in(const fn_def *d, const char *name)
{
	for (; d && d->name; d++)
		if (d->name[0] == name[0] && strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* ---- chartutil.Values: a map type with methods, which Go looks up before keys ---- */

static bool is_table(value v)
{
	return v.kind == V_MAP &&
	       (gotype_is(v.u.m->gotype, GT_MAP) || gotype_is(v.u.m->gotype, GT_VALUES));
}

static value values_of(arena *a, value v) /* a Values holding v's entries */
{
	value t = v_map_new(a);
	t.u.m = map_copy(a, v.u.m);
	t.u.m->gotype = GT_VALUES;
	return t;
}

/* Walks name's dotted parts; on a part that is no table, *bad is it. */
static value values_table(fnctx *c, value v, const char *name, const char **bad)
{
	*bad = NULL;
	for (const char *p = name;; p++) {
		const char *e = strchr(p, '.');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		value *t = map_get(v.u.m, p, n);
		if (!t || !is_table(*t)) {
			*bad = arena_strndup(c->a, p, n);
			return v;
		}
		v = *t;
		if (!e)
			return v;
		p = e;
	}
}

static value vm_as_map(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return argv[0].u.m->len ? argv[0] : v_map_new(c->a);
}

static value vm_yaml(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	const char *err;
	if (yaml_emit(&sb, argv[0], &err) != 0)
		fn_fail(c, "%s", err);
	return v_str(c->a, sb.buf ? sb.buf : "", sb.len);
}

static value vm_table(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *bad;
	value t = values_table(c, argv[0], argv[1].u.s, &bad);
	if (bad)
		fn_fail(c, "\"%s\" is not a table", bad);
	return values_of(c->a, t);
}

static value vm_path_value(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *path = argv[1].u.s, *dot = strrchr(path, '.');
	if (!*path)
		fn_fail(c, "YAML path cannot be empty");
	const char *key = dot ? dot + 1 : path, *bad = NULL;
	value t = argv[0];
	if (dot)
		t = values_table(c, t, arena_strndup(c->a, path, (size_t)(dot - path)), &bad);
	value *v = bad ? NULL : map_getc(t.u.m, key);
	if (!v || (v->kind == V_MAP && strcmp(v->u.m->gotype, GT_MAP) == 0))
		fn_fail(c, "\"%s\" is not a value", key);
	return *v;
}

static value vm_encode(fnctx *c, value *argv, int argc)
{
	(void)argc;
	fn_fail_raw(c, "wrong type for value; expected io.Writer; got %s", value_gotype(argv[1]));
}

static const fn_def values_methods[] = {
    {"AsMap", vm_as_map, "o"}, {"Encode", vm_encode, "ov"}, {"PathValue", vm_path_value, "os"},
    {"Table", vm_table, "os"}, {"YAML", vm_yaml, "o"},	    {0},
};

static const fn_def *find_values_method(value v, const char *name)
{
	if (v.kind != V_MAP || name[0] < 'A' || name[0] > 'Z' || v.len == VMAP_PLAIN ||
	    v.u.m->gotype == GT_MAP || !gotype_is(v.u.m->gotype, GT_VALUES))
		return NULL; /* the methods are exported: a lower-case name is a key */
	return find_in(values_methods, name);
}

static xv eval_map_field(struct texec *x, const vmap *m, const char *name, fkey *k, bool has_args)
{
	if (has_args)
		xerrorf(x, "%s is not a method but has arguments", name);
	value *v;
	const ventry *e = k->hint < m->len ? &m->e[k->hint] : NULL;
	if (e && e->klen == k->len && memcmp(e->key, name, k->len) == 0) {
		v = &m->e[k->hint].val;
	} else {
		v = map_get(m, name, k->len);
		if (v) /* map_get points into the entry: remember which */
			k->hint = (uint32_t)(((const char *)v - (const char *)m->e) / sizeof *m->e);
	}
	if (v)
		return (xv){*v, map_elems_iface(m)};
	if (x->set->strict)
		xerrorf(x, "map has no entry for key %s", quoted(x->a, name));
	if (!map_elems_iface(m))
		return plain(v_str_static("", 0));
	return (xv){v_nil(), true};
}

static xv eval_field(struct texec *x, xv dot, const char *name, fkey *key, const node *at,
		     const node *const *args, uint32_t nargs, const xv *final, xv recv)
{
	if (recv.v.kind == V_NIL && !recv.iface) {
		if (x->set->strict)
			xerrorf(x, "nil data; no entry for key %s", quoted(x->a, name));
		return MISSING_XV;
	}
	if (recv.v.kind == V_NIL)
		xerrorf(x, "nil pointer evaluating interface {}.%s", name);
	bool has_args = nargs > 1 || final;
	if (recv.v.kind == V_OBJ) {
		const vclass *cls = recv.v.u.o->cls;
		const fn_def *m = find_in(cls->methods, name);
		if (m)
			return eval_call(x, dot, m, false, at, name, args, nargs, final, &recv.v);
		value out;
		if (cls->field && cls->field(x->a, recv.v.u.o, name, &out)) {
			if (has_args)
				xerrorf(x, "%s has arguments but cannot be invoked as function",
					name);
			return plain(out);
		}
	}
	const fn_def *vm = find_values_method(recv.v, name);
	if (vm)
		return eval_call(x, dot, vm, false, at, name, args, nargs, final, &recv.v);
	if (recv.v.kind == V_MAP)
		return eval_map_field(x, recv.v.u.m, name, key, has_args);
	xerrorf(x, "can't evaluate field %s in type %s", name, type_name(recv));
}

static xv eval_field_chain(struct texec *x, xv dot, xv recv, const node *at,
			   const char *const *ident, fkey *keys, uint32_t n,
			   const node *const *args, uint32_t nargs, const xv *final)
{
	for (uint32_t i = 0; i + 1 < n; i++)
		recv = eval_field(x, dot, ident[i], &keys[i], at, NULL, 0, NULL, recv);
	return eval_field(x, dot, ident[n - 1], &keys[n - 1], at, args, nargs, final, recv);
}

static xv eval_field_node(struct texec *x, xv dot, const node *f, const node *const *args,
			  uint32_t nargs, const xv *final)
{
	x->at = f;
	return eval_field_chain(x, dot, dot, f, f->ident, f->keys, f->nident, args, nargs, final);
}

static void not_a_function(struct texec *x, const node *const *args, uint32_t nargs,
			   const xv *final)
{
	if (nargs > 1 || final)
		xerrorf(x, "can't give argument to non-function %s", node_text(x->a, args[0]));
}

static xv eval_chain_node(struct texec *x, xv dot, const node *c, const node *const *args,
			  uint32_t nargs, const xv *final)
{
	x->at = c;
	if (c->pipe->type == N_NIL)
		xerrorf(x, "indirection through explicit nil in %s", node_text(x->a, c));
	value r = eval_arg(x, dot, 0, c->pipe);
	return eval_field_chain(x, dot, plain(r), c, c->ident, c->keys, c->nident, args, nargs,
				final);
}

static xv eval_variable_node(struct texec *x, xv dot, const node *v, const node *const *args,
			     uint32_t nargs, const xv *final)
{
	x->at = v;
	xv val = find_var(x, v->ident[0])->val;
	if (v->nident == 1) {
		if (args)
			not_a_function(x, args, nargs, final);
		return val;
	}
	return eval_field_chain(x, dot, val, v, v->ident + 1, v->keys + 1, v->nident - 1, args,
				nargs, final);
}

static xv eval_command(struct texec *x, xv dot, const node *cmd, const xv *final)
{
	const node *first = cmd->kids[0];
	const node *const *args = (const node *const *)cmd->kids;
	switch (first->type) {
	case N_FIELD:
		return eval_field_node(x, dot, first, args, cmd->nkids, final);
	case N_CHAIN:
		return eval_chain_node(x, dot, first, args, cmd->nkids, final);
	case N_IDENT:
		return eval_function(x, dot, first, cmd, args, cmd->nkids, final);
	case N_PIPE:
		not_a_function(x, args, cmd->nkids, final);
		return eval_pipeline(x, dot, first);
	case N_VAR:
		return eval_variable_node(x, dot, first, args, cmd->nkids, final);
	default:
		break;
	}
	x->at = first;
	not_a_function(x, args, cmd->nkids, final);
	switch (first->type) {
	case N_BOOL:
		return plain(v_bool(first->flag));
	case N_DOT:
		return dot;
	case N_NIL:
		xerrorf(x, "nil is not a command");
	case N_NUMBER:
		return plain(ideal_constant(x, first));
	case N_STRING:
		return plain(v_str_static(first->text, first->tlen));
	default:
		break;
	}
	xerrorf(x, "can't evaluate command %s", quoted(x->a, node_text(x->a, first)));
}

static xv eval_pipeline(struct texec *x, xv dot, const node *pipe)
{
	if (!pipe)
		return MISSING_XV;
	x->at = pipe;
	if (stack_low(x, STACK_RESERVE_EXPR))
		xerrorf(x, "expression nesting too deep for the C stack");
	xv val = MISSING_XV;
	for (uint32_t i = 0; i < pipe->nkids; i++) {
		val = eval_command(x, dot, pipe->kids[i], i ? &val : NULL);
		val.iface = false; /* Go digs into interface{} after each command */
	}
	for (uint32_t i = 0; i < pipe->ndecl; i++) {
		if (pipe->flag)
			find_var(x, pipe->decl[i]->ident[0])->val = val;
		else
			push_var(x, pipe->decl[i]->ident[0], val);
	}
	return val;
}

/* ---- statements ---- */

static enum walk_result walk(struct texec *x, xv dot, const node *n);

static void check_output(struct texec *x)
{
	if (x->set->outlim && x->out->len - x->out_start > x->set->outlim)
		xerrorf(x, "output exceeds the limit of %zu bytes", x->set->outlim);
}

static enum walk_result walk_if_with(struct texec *x, xv dot, const node *n)
{
	uint32_t mark = x->nvars;
	xv val = eval_pipeline(x, dot, n->pipe);
	enum walk_result r = WALK_OK;
	if (value_truthy(val.v))
		r = walk(x, n->type == N_WITH ? val : dot, n->list);
	else if (n->elselist)
		r = walk(x, dot, n->elselist);
	x->nvars = mark;
	return r;
}

static void range_vars(struct texec *x, const node *pipe, xv key, xv elem)
{
	if (pipe->ndecl == 0)
		return;
	if (pipe->flag) {
		if (pipe->ndecl > 1)
			find_var(x, pipe->decl[0]->ident[0])->val = key;
		else
			find_var(x, pipe->decl[0]->ident[0])->val = elem;
	} else {
		x->vars[x->nvars - 1].val = elem;
	}
	if (pipe->ndecl > 1) {
		if (pipe->flag)
			find_var(x, pipe->decl[1]->ident[0])->val = elem;
		else
			x->vars[x->nvars - 2].val = key;
	}
}

/* One iteration; returns false on break. */
static bool range_once(struct texec *x, const node *n, xv key, xv elem)
{
	uint32_t mark = x->nvars;
	range_vars(x, n->pipe, key, elem);
	enum walk_result r = walk(x, elem, n->list);
	x->nvars = mark;
	return r != WALK_BREAK;
}

static void walk_range(struct texec *x, xv dot, const node *n)
{
	x->at = n;
	uint32_t mark0 = x->nvars;
	xv val = eval_pipeline(x, dot, n->pipe);
	value v = val.v;
	bool any = false;
	if (v.kind == V_OBJ && v.u.o->cls->to_plain && v.u.o->cls->kind &&
	    (!strcmp(v.u.o->cls->kind, "map") || !strcmp(v.u.o->cls->kind, "slice")))
		v = v.u.o->cls->to_plain(x->a,
					 v.u.o); /* Go maps and slices with methods (.Files) */
	if (v.kind == V_LIST && v.u.l->len) {
		any = true;
		bool ifc = list_elems_iface(v.u.l);
		for (uint32_t i = 0; i < v.u.l->len; i++)
			if (!range_once(x, n, plain(v_int(i)), (xv){v.u.l->items[i], ifc}))
				break;
	} else if (v.kind == V_MAP && v.u.m->len) {
		any = true;
		bool ifc = map_elems_iface(v.u.m);
		for (uint32_t i = 0; i < v.u.m->len; i++) {
			ventry *e = &v.u.m->e[i];
			if (!range_once(x, n, plain(v_str_static(e->key, e->klen)),
					(xv){e->val, ifc}))
				break;
		}
	} else if (v.kind != V_NIL && v.kind != V_LIST && v.kind != V_MAP) {
		xerrorf(x, "range can't iterate over %s", value_text(x->a, v));
	}
	if (!any && n->elselist)
		walk(x, dot, n->elselist);
	x->nvars = mark0;
}

static void walk_template(struct texec *x, xv dot, const node *n)
{
	x->at = n;
	const ttree *t = tset_lookup(x->set, n->text);
	if (!t)
		xerrorf(x, "template %s not defined", quoted(x->a, n->text));
	if (x->depth == MAX_EXEC_DEPTH || stack_low(x, STACK_RESERVE_TEMPLATE))
		xerrorf(x, "exceeded maximum template depth (%d)", MAX_EXEC_DEPTH);
	dot = eval_pipeline(x, dot, n->pipe);
	const ttree *saved_tmpl = x->tmpl;
	uint32_t saved_base = x->base, saved_n = x->nvars;
	x->depth++;
	x->tmpl = t;
	x->base = x->nvars;
	push_var(x, "$", dot);
	walk(x, dot, t->root);
	x->depth--;
	x->tmpl = saved_tmpl;
	x->base = saved_base;
	x->nvars = saved_n;
}

static void walk_action(struct texec *x, xv dot, const node *n)
{
	xv val = eval_pipeline(x, dot, n->pipe);
	if (n->pipe->ndecl)
		return;
	x->at = n;
	go_print_template(x->out, val.v);
	check_output(x);
}

static enum walk_result walk(struct texec *x, xv dot, const node *n)
{
	x->at = n;
	switch ((enum ntype)n->type) {
	case N_ACTION:
		walk_action(x, dot, n);
		break;
	case N_BREAK:
		return WALK_BREAK;
	case N_CONTINUE:
		return WALK_CONTINUE;
	case N_IF:
	case N_WITH:
		return walk_if_with(x, dot, n);
	case N_LIST:
		for (uint32_t i = 0; i < n->nkids; i++) {
			enum walk_result r = walk(x, dot, n->kids[i]);
			if (r != WALK_OK)
				return r;
		}
		break;
	case N_RANGE:
		walk_range(x, dot, n);
		break;
	case N_TEMPLATE:
		walk_template(x, dot, n);
		break;
	case N_TEXT:
		sb_add(x->out, n->text, n->tlen);
		check_output(x);
		break;
	case N_COMMENT:
		break;
	default:
		xerrorf(x, "unknown node: %s", node_text(x->a, n));
	}
	return WALK_OK;
}

/* ---- entry points ---- */

/* The arena's limit handler while a template runs: the runaway render becomes
 * this template's error. */
static void limit_hit(void *ud)
{
	struct texec *x = ud;
	size_t max;
	arena_limit_fn fn;
	void *u;
	arena_get_limit(x->a, &max, &fn, &u);
	xerrorf(x, "out of memory: the render went past its limit of %zu MiB", max >> 20);
}

static int run(tset *t, uintptr_t floor, const char *name, value data, strbuf *out, terror *err)
{
	tset_index(t);
	const ttree *tree = tset_lookup(t, name);
	if (!tree) {
		err->kind = TERR_OTHER;
		err->msg = arena_sprintf(
		    t->a, "template: no template %s associated with template \"gotpl\"",
		    quoted(t->a, name));
		return -1;
	}
	/* on the C stack: an include runs hundreds of times per chart */
	struct texec xs;
	memset(&xs, 0, offsetof(struct texec, jb));
	struct texec *x = &xs;
	x->vars = x->inl;
	x->capvars = sizeof x->inl / sizeof x->inl[0];
	x->set = t;
	x->a = t->a;
	x->out = out;
	x->out_start = out->len;
	x->tmpl = tree;
	x->stack_floor = floor;
	size_t lim;
	arena_limit_fn prev_fn;
	void *prev_ud;
	arena_get_limit(t->a, &lim, &prev_fn, &prev_ud);
	if (setjmp(x->jb)) {
		arena_set_limit(t->a, lim, prev_fn, prev_ud);
		err->kind = TERR_EXEC;
		err->msg = x->err;
		return -1;
	}
	if (lim)
		arena_set_limit(t->a, lim, limit_hit, x);
	push_var(x, "$", plain(data));
	if (!tree->root) {
		x->at = NULL;
		xerrorf(x, "%s is an incomplete or empty template", quoted(x->a, name));
	}
	walk(x, plain(data), tree->root);
	arena_set_limit(t->a, lim, prev_fn, prev_ud);
	err->kind = TERR_NONE;
	err->msg = NULL;
	return 0;
}

int tset_exec(tset *t, const char *name, value data, strbuf *out, terror *err)
{
	return run(t, tset_stack_floor(), name, data, out, err);
}

int fnctx_exec(fnctx *c, const char *name, value data, strbuf *out, terror *err)
{
	return run(c->set, c->x->stack_floor, name, data, out, err);
}

noreturn void fn_fail(fnctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	struct texec *x = c->x;
	const char *m =
	    arena_sprintf(x->a, "error calling %s: %s", c->fn ? c->fn->name : "?", msg ? msg : "");
	free(msg);
	x->at = x->call_node;
	xfail_msg(x, m);
}

noreturn void fn_fail_raw(fnctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	struct texec *x = c->x;
	const char *m = arena_strdup(x->a, msg ? msg : "");
	free(msg);
	x->at = x->call_node;
	xfail_msg(x, m);
}

noreturn void exec_fail_plain(fnctx *c, const char *msg)
{
	struct texec *x = c->x;
	x->at = x->call_node;
	xfail_msg(x, arena_sprintf(x->a, "error calling %s: %s", c->fn->name, msg));
}

const char *fnctx_template_name(fnctx *c)
{
	return c->x->tmpl->name;
}
