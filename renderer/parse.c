/* parse.c - Go 1.23 text/template's parser and the template set.
 *
 * A recursive-descent port of parse.go with its three-token lookahead, so
 * errors name the same token and line as Go ("template: NAME:LINE: msg").
 * A parse collects its trees (the file's and each define/block) first, then
 * adds them to the set by Go's rule: an empty body never replaces a template.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "../values/gofmt.h"
#include "internal.h"
#include "stack.h"

#define MAX_STACK_DEPTH	  10000
#define MAX_PIPELINE_CMDS 1000

typedef struct parser {
	tset *set;
	arena *a;
	lexer lex;
	jmp_buf jb;
	const char *err;
	const char *parse_name;
	const char *text;
	size_t len;
	tentry *trees; /* this parse's tree set */
	uint32_t ntrees;
	uintptr_t stack_floor; /* the lowest address of this thread's C stack */
} parser;

/* Nested actions recurse; with this much C stack left the parse stops (Go's
 * stack would grow instead: an input this deep cannot be matched anyway). */
#define PARSE_STACK_RESERVE (256 * 1024)

/* One tree being parsed: Go's *Tree with its parsing state. */
typedef struct tp {
	parser *p;
	ttree *t;
	item token[3];
	int peek_count;
	const char **vars;
	uint32_t nvars;
	int range_depth;
	int action_line;
	int stack_depth;
} tp;

/* Appends to an arena array whose capacity is the next power of two. */
static void *grow(arena *a, void *arr, uint32_t n, size_t sz)
{
	if (n == 0)
		return arena_alloc(a, sz);
	if ((n & (n - 1)) == 0)
		return arena_realloc(a, arr, n * sz, 2 * n * sz);
	return arr;
}

static void push_node(arena *a, node ***arr, uint32_t *n, node *x)
{
	*arr = grow(a, *arr, *n, sizeof **arr);
	(*arr)[(*n)++] = x;
}

/* A list of nodes collected on the C stack, then copied once at its final
 * size: growing arena arrays by doubling would abandon every smaller copy. */
typedef struct nvec {
	node **v;
	uint32_t n, cap;
	node *inl[8];
} nvec;

static void nvec_init(nvec *v)
{
	v->v = v->inl;
	v->n = 0;
	v->cap = sizeof v->inl / sizeof *v->inl;
}

static void nvec_push(arena *a, nvec *v, node *x)
{
	if (v->n == v->cap) {
		node **nv = arena_alloc_raw(a, 2 * (size_t)v->cap * sizeof *nv);
		memcpy(nv, v->v, v->n * sizeof *nv);
		v->v = nv;
		v->cap *= 2;
	}
	v->v[v->n++] = x;
}

/* Stores the list as (*kids, *n). */
static void nvec_done(arena *a, nvec *v, node ***kids, uint32_t *n)
{
	*n = v->n;
	if (v->v != v->inl) { /* already in the arena */
		*kids = v->v;
		return;
	}
	*kids = v->n ? arena_alloc_raw(a, v->n * sizeof **kids) : NULL;
	if (v->n)
		memcpy(*kids, v->v, v->n * sizeof **kids);
}

static noreturn void perrorf(tp *t, const char *msg)
{
	parser *p = t->p;
	p->err = arena_sprintf(p->a, "template: %s:%d: %s", p->parse_name, t->token[0].line, msg);
	longjmp(p->jb, 1);
}

static const char *quote(arena *a, const char *s, size_t n)
{
	strbuf sb;
	sb_init(&sb, a);
	go_quote(&sb, s, n);
	return sb_str(&sb);
}

/* Go's item.String(). */
static const char *item_str(arena *a, item it)
{
	if (it.typ == IT_EOF)
		return "EOF";
	if (it.typ == IT_ERROR)
		return arena_strndup(a, it.val, it.len);
	if (it.typ > IT_KEYWORD)
		return arena_sprintf(a, "<%.*s>", (int)it.len, it.val);
	size_t runes = 0, i = 0;
	for (; i < it.len && runes < 10; i++)
		if ((it.val[i] & 0xC0) != 0x80)
			runes++;
	while (i < it.len && (it.val[i] & 0xC0) == 0x80)
		i++;
	if (i < it.len)
		return arena_sprintf(a, "%s...", quote(a, it.val, i));
	return quote(a, it.val, it.len);
}

static bool stack_low(const tp *t)
{
	char here;
	return t->p->stack_floor && (uintptr_t)&here < t->p->stack_floor + PARSE_STACK_RESERVE;
}

static item tnext(tp *t)
{
	if (t->peek_count > 0)
		t->peek_count--;
	else
		lex_next(&t->p->lex, &t->token[0]);
	return t->token[t->peek_count];
}

static void backup(tp *t)
{
	t->peek_count++;
}

static void backup2(tp *t, item t1)
{
	t->token[1] = t1;
	t->peek_count = 2;
}

static void backup3(tp *t, item t2, item t1)
{
	t->token[1] = t1;
	t->token[2] = t2;
	t->peek_count = 3;
}

static item tpeek(tp *t)
{
	if (t->peek_count > 0)
		return t->token[t->peek_count - 1];
	t->peek_count = 1;
	lex_next(&t->p->lex, &t->token[0]);
	return t->token[0];
}

/* tnext until an item that is not a space, copying only that one out */
static item next_nonspace(tp *t)
{
	for (;;) {
		if (t->peek_count > 0)
			t->peek_count--;
		else
			lex_next(&t->p->lex, &t->token[0]);
		if (t->token[t->peek_count].typ != IT_SPACE)
			return t->token[t->peek_count];
	}
}

static item peek_nonspace(tp *t)
{
	item it = next_nonspace(t);
	backup(t);
	return it;
}

static noreturn void unexpected(tp *t, item it, const char *context)
{
	arena *a = t->p->a;
	if (it.typ == IT_ERROR) {
		const char *extra = "";
		if (t->action_line != 0 && t->action_line != it.line) {
			bool act = it.len >= 7 && memcmp(it.val + it.len - 7, " action", 7) == 0;
			extra = arena_sprintf(a, "%s started at %s:%d", act ? "" : " in action",
					      t->p->parse_name, t->action_line);
		}
		perrorf(t, arena_sprintf(a, "%s%s", item_str(a, it), extra));
	}
	perrorf(t, arena_sprintf(a, "unexpected %s in %s", item_str(a, it), context));
}

static item expect(tp *t, enum itype want, const char *context)
{
	item it = next_nonspace(t);
	if (it.typ != want)
		unexpected(t, it, context);
	return it;
}

static node *new_node(tp *t, enum ntype type, uint32_t pos)
{
	node *n = arena_alloc(t->p->a, sizeof *n);
	n->type = (uint8_t)type;
	n->pos = pos;
	return n;
}

static void start_parse(tp *t, parser *p, ttree *tree)
{
	memset(t, 0, sizeof *t);
	t->p = p;
	t->t = tree;
	t->vars = arena_alloc(p->a, sizeof *t->vars);
	t->vars[0] = "$";
	t->nvars = 1;
}

static void push_var(tp *t, const char *name)
{
	t->vars = grow(t->p->a, t->vars, t->nvars, sizeof *t->vars);
	t->vars[t->nvars++] = name;
}

/* Splits "a.b.c" into idents and their keys, in one allocation: the
 * pointers, the keys, then a copy of the text with its dots made NULs. */
static void split_ident(arena *a, node *n, const char *s, size_t len)
{
	uint32_t parts = 1;
	for (size_t i = 0; i < len; i++)
		parts += s[i] == '.';
	size_t head = parts * (sizeof *n->ident + sizeof *n->keys);
	char *mem = arena_alloc_raw(a, head + len + 1);
	char *c = mem + head;
	memcpy(c, s, len);
	c[len] = 0;
	n->ident = (const char **)(void *)mem;
	n->keys = (fkey *)(void *)(mem + parts * sizeof *n->ident);
	n->nident = 0;
	size_t st = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || c[i] == '.') {
			c[i] = 0;
			n->keys[n->nident] = (fkey){(uint32_t)(i - st), 0};
			n->ident[n->nident++] = c + st;
			st = i + 1;
		}
	}
}

static void set_keys(arena *a, node *n)
{
	n->keys = arena_alloc_raw(a, n->nident * sizeof *n->keys);
	for (uint32_t i = 0; i < n->nident; i++)
		n->keys[i] = (fkey){(uint32_t)strlen(n->ident[i]), 0};
}

static node *new_variable(tp *t, uint32_t pos, const char *s, size_t len)
{
	node *n = new_node(t, N_VAR, pos);
	split_ident(t->p->a, n, s, len);
	return n;
}

static node *new_field(tp *t, uint32_t pos, const char *s, size_t len)
{
	node *n = new_node(t, N_FIELD, pos);
	split_ident(t->p->a, n, s + 1, len - 1); /* drop the leading dot */
	return n;
}

/* ---- numbers ---- */

static int lower(int c)
{
	return c | 0x20;
}

static bool underscore_ok(const char *s, size_t n)
{
	int saw = '^';
	size_t i = 0;
	if (n >= 1 && (s[0] == '-' || s[0] == '+'))
		s++, n--;
	bool hex = false;
	if (n >= 2 && s[0] == '0' &&
	    (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if ((s[i] >= '0' && s[i] <= '9') ||
		    (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseUint(s, 0, 64). */
static bool parse_uint(const char *s, size_t n, uint64_t *out)
{
	if (n == 0)
		return false;
	const char *s0 = s;
	size_t n0 = n;
	int base = 10;
	if (s[0] == '0') {
		if (n >= 3 && lower(s[1]) == 'b')
			base = 2, s += 2, n -= 2;
		else if (n >= 3 && lower(s[1]) == 'o')
			base = 8, s += 2, n -= 2;
		else if (n >= 3 && lower(s[1]) == 'x')
			base = 16, s += 2, n -= 2;
		else
			base = 8, s++, n--;
	}
	uint64_t v = 0;
	bool us = false;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], d;
		if (c == '_') {
			us = true;
			continue;
		}
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (lower(c) >= 'a' && lower(c) <= 'z')
			d = lower(c) - 'a' + 10;
		else
			return false;
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (us && !underscore_ok(s0, n0))
		return false;
	*out = v;
	return true;
}

static bool parse_int(const char *s, size_t n, int64_t *out)
{
	bool neg = false;
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++, n--;
	}
	uint64_t u;
	if (!parse_uint(s, n, &u))
		return false;
	if (!neg && u > (uint64_t)INT64_MAX)
		return false;
	if (neg && u > (uint64_t)INT64_MAX + 1)
		return false;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

/* strconv.ParseFloat(s, 64), without the inf/nan spellings the lexer cannot produce. */
static bool parse_float(arena *a, const char *s, size_t n, double *out)
{
	char *buf = arena_alloc(a, n + 1);
	size_t k = 0;
	bool us = false, hex = false, hasp = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_') {
			us = true;
			continue;
		}
		buf[k++] = s[i];
	}
	buf[k] = 0;
	if (us && !underscore_ok(s, n))
		return false;
	const char *b = buf + (buf[0] == '+' || buf[0] == '-');
	hex = b[0] == '0' && lower(b[1]) == 'x';
	hasp = strpbrk(buf, "pP") != NULL;
	if (hex != hasp || (b[0] == '0' && (lower(b[1]) == 'o' || lower(b[1]) == 'b')))
		return false;
	if (!((b[0] >= '0' && b[0] <= '9') || b[0] == '.'))
		return false;
	char *end;
	double f = strtod(buf, &end);
	if (*end || end == buf || f == __builtin_inf() || f == -__builtin_inf())
		return false;
	*out = f;
	return true;
}

static const char *number_error(tp *t, const char *s, size_t n, node *nd)
{
	arena *a = t->p->a;
	uint64_t u;
	int64_t i;
	if ((nd->is_uint = parse_uint(s, n, &u)))
		nd->i = (int64_t)u;
	if ((nd->is_int = parse_int(s, n, &i)))
		nd->i = i;
	if (nd->is_int) {
		nd->is_float = true;
		nd->f = (double)nd->i;
	} else if (nd->is_uint) {
		nd->is_float = true;
		nd->f = (double)u;
	} else {
		double f;
		if (parse_float(a, s, n, &f)) {
			if (!strpbrk(arena_strndup(a, s, n), ".eEpP"))
				return arena_sprintf(a, "illegal number syntax: %s",
						     quote(a, s, n));
			nd->is_float = true;
			nd->f = f;
			if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 &&
			    (double)(int64_t)f == f) {
				nd->is_int = true;
				nd->i = (int64_t)f;
			}
		}
	}
	if (!nd->is_int && !nd->is_uint && !nd->is_float)
		return arena_sprintf(a, "illegal number syntax: %s", quote(a, s, n));
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (lower(c) >= 'a' && lower(c) <= 'f')
		return lower(c) - 'a' + 10;
	return -1;
}

static void put_utf8(strbuf *sb, uint32_t r)
{
	char u[4];
	int n;
	if (r < 0x80)
		u[0] = (char)r, n = 1;
	else if (r < 0x800)
		u[0] = (char)(0xC0 | (r >> 6)), u[1] = (char)(0x80 | (r & 0x3F)), n = 2;
	else if (r < 0x10000)
		u[0] = (char)(0xE0 | (r >> 12)), u[1] = (char)(0x80 | ((r >> 6) & 0x3F)),
		u[2] = (char)(0x80 | (r & 0x3F)), n = 3;
	else
		u[0] = (char)(0xF0 | (r >> 18)), u[1] = (char)(0x80 | ((r >> 12) & 0x3F)),
		u[2] = (char)(0x80 | ((r >> 6) & 0x3F)), u[3] = (char)(0x80 | (r & 0x3F)), n = 4;
	sb_add(sb, u, (size_t)n);
}

/* strconv.UnquoteChar: decodes one (escaped) character of s; returns bytes used or 0 on error.
 * *rune is the value; *is_byte is set for \x and octal escapes (raw bytes in strings). */
static size_t unquote_char(const char *s, size_t n, char quote_ch, uint32_t *rune, bool *is_byte)
{
	*is_byte = false;
	if (n == 0)
		return 0;
	unsigned char c = (unsigned char)s[0];
	if (c == (unsigned char)quote_ch && (quote_ch == '\'' || quote_ch == '"'))
		return 0;
	if (c >= 0x80) {
		size_t w = 1;
		while (w < n && w < 4 && ((unsigned char)s[w] & 0xC0) == 0x80)
			w++;
		*rune = 0; /* multibyte: copy raw */
		*is_byte = true;
		return w | ((size_t)1 << 62);
	}
	if (c != '\\') {
		*rune = c;
		return 1;
	}
	if (n < 2)
		return 0;
	static const char esc[] = "a\ab\bf\fn\nr\rt\tv\v\\\\";
	for (const char *e = esc; *e; e += 2)
		if (s[1] == e[0]) {
			*rune = (unsigned char)e[1];
			return 2;
		}
	int digits = s[1] == 'x' ? 2 : s[1] == 'u' ? 4 : s[1] == 'U' ? 8 : 0;
	if (digits) {
		if (n < (size_t)(2 + digits))
			return 0;
		uint32_t v = 0;
		for (int i = 0; i < digits; i++) {
			int h = hexval((unsigned char)s[2 + i]);
			if (h < 0)
				return 0;
			v = v * 16 + (uint32_t)h;
		}
		if (s[1] == 'x') {
			*rune = v;
			*is_byte = quote_ch != '\'';
			return 4;
		}
		if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
			return 0;
		*rune = v;
		return (size_t)(2 + digits);
	}
	if (s[1] >= '0' && s[1] <= '7') {
		if (n < 4)
			return 0;
		uint32_t v = 0;
		for (int i = 1; i <= 3; i++) {
			if (s[i] < '0' || s[i] > '7')
				return 0;
			v = v * 8 + (uint32_t)(s[i] - '0');
		}
		if (v > 255)
			return 0;
		*rune = v;
		*is_byte = quote_ch != '\'';
		return 4;
	}
	if ((s[1] == '\'' || s[1] == '"') && s[1] == quote_ch) {
		*rune = (unsigned char)s[1];
		return 2;
	}
	return 0;
}

bool go_unquote(arena *a, const char *s, size_t n, const char **out, uint32_t *outlen)
{
	if (n < 2 || s[0] != s[n - 1])
		return false;
	/* the common case, nothing to decode or refuse: one copy */
	bool raw = s[0] == '`';
	if ((raw || s[0] == '"') && !memchr(s + 1, s[0], n - 2) &&
	    !memchr(s + 1, raw ? '\r' : '\\', n - 2) && (raw || !memchr(s + 1, '\n', n - 2))) {
		*out = arena_strndup(a, s + 1, n - 2);
		*outlen = (uint32_t)(n - 2);
		return true;
	}
	if (s[0] == '`') {
		strbuf sb;
		sb_init(&sb, a);
		for (size_t i = 1; i < n - 1; i++) {
			if (s[i] == '`')
				return false;
			if (s[i] != '\r')
				sb_addc(&sb, s[i]);
		}
		*out = sb_str(&sb);
		*outlen = (uint32_t)sb.len;
		return true;
	}
	if (s[0] != '"')
		return false;
	strbuf sb;
	sb_init(&sb, a);
	size_t i = 1;
	while (i < n - 1) {
		uint32_t r;
		bool isb;
		size_t w = unquote_char(s + i, n - 1 - i, '"', &r, &isb);
		if (w == 0 || s[i] == '\n')
			return false;
		if (w & ((size_t)1 << 62)) {
			w &= ~((size_t)1 << 62);
			sb_add(&sb, s + i, w);
		} else if (isb) {
			sb_addc(&sb, (char)r);
		} else {
			put_utf8(&sb, r);
		}
		i += w;
	}
	sb_str(&sb);
	*out = sb.buf ? sb.buf : "";
	*outlen = (uint32_t)sb.len;
	return true;
}

static node *new_number(tp *t, item it)
{
	arena *a = t->p->a;
	node *n = new_node(t, N_NUMBER, it.pos);
	n->text = arena_strndup(a, it.val, it.len);
	n->tlen = it.len;
	if (it.typ == IT_CHARCONST) {
		uint32_t r;
		bool isb;
		size_t w = unquote_char(it.val + 1, it.len - 1, '\'', &r, &isb);
		if (w & ((size_t)1 << 62)) {
			w &= ~((size_t)1 << 62);
			/* decode the multibyte rune */
			const unsigned char *u = (const unsigned char *)it.val + 1;
			r = w == 2 ? ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu)
			    : w == 3
				? ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu)
				: ((u[0] & 0x07u) << 18) | ((u[1] & 0x3Fu) << 12) |
				      ((u[2] & 0x3Fu) << 6) | (u[3] & 0x3Fu);
		}
		if (w == 0)
			perrorf(t, "invalid syntax");
		if (it.len - 1 - w != 1 || it.val[it.len - 1] != '\'')
			perrorf(t, arena_sprintf(a, "malformed character constant: %s", n->text));
		n->i = r;
		n->f = r;
		n->is_int = n->is_uint = n->is_float = true;
		return n;
	}
	if (it.typ == IT_COMPLEX || (it.len > 0 && it.val[it.len - 1] == 'i'))
		perrorf(t, arena_sprintf(a, "complex constants are not supported: %s", n->text));
	const char *e = number_error(t, it.val, it.len, n);
	if (e)
		perrorf(t, e);
	return n;
}

/* ---- grammar ---- */

static node *pipeline(tp *t, const char *context, enum itype end);
static node *item_list(tp *t, node **end);
static node *if_control(tp *t);
static node *with_control(tp *t);

static node *term(tp *t)
{
	parser *p = t->p;
	item it = next_nonspace(t);
	switch (it.typ) {
	case IT_IDENT: {
		const char *name = arena_strndup(p->a, it.val, it.len);
		const fn_def *fn = tset_find_func(p->set, name);
		if (!fn)
			perrorf(t, arena_sprintf(p->a, "function %s not defined",
						 quote(p->a, it.val, it.len)));
		node *n = new_node(t, N_IDENT, it.pos);
		n->text = name;
		n->tlen = it.len;
		n->fn = fn; /* the executor looks it up again only for another table */
		n->fn_table = p->set->funcs;
		return n;
	}
	case IT_DOT:
		return new_node(t, N_DOT, it.pos);
	case IT_NIL:
		return new_node(t, N_NIL, it.pos);
	case IT_VARIABLE: {
		node *v = new_variable(t, it.pos, it.val, it.len);
		for (uint32_t i = 0; i < t->nvars; i++)
			if (strcmp(t->vars[i], v->ident[0]) == 0)
				return v;
		perrorf(t, arena_sprintf(p->a, "undefined variable %s",
					 quote(p->a, v->ident[0], strlen(v->ident[0]))));
	}
	case IT_FIELD:
		return new_field(t, it.pos, it.val, it.len);
	case IT_BOOL: {
		node *n = new_node(t, N_BOOL, it.pos);
		n->flag = it.len == 4;
		return n;
	}
	case IT_CHARCONST:
	case IT_COMPLEX:
	case IT_NUMBER:
		return new_number(t, it);
	case IT_LPAREN: {
		if (t->stack_depth >= MAX_STACK_DEPTH || stack_low(t))
			perrorf(t, "max expression depth exceeded");
		t->stack_depth++;
		node *n = pipeline(t, "parenthesized pipeline", IT_RPAREN);
		t->stack_depth--;
		return n;
	}
	case IT_STRING:
	case IT_RAWSTRING: {
		node *n = new_node(t, N_STRING, it.pos);
		if (!go_unquote(p->a, it.val, it.len, &n->text, &n->tlen))
			perrorf(t, "invalid syntax");
		n->quoted = it.val; /* the source lives as long as the set */
		n->qlen = it.len;
		return n;
	}
	default:
		break;
	}
	backup(t);
	return NULL;
}

static node *operand(tp *t)
{
	node *n = term(t);
	if (!n || tpeek(t).typ != IT_FIELD)
		return n;
	arena *a = t->p->a;
	node *chain = new_node(t, N_CHAIN, tpeek(t).pos);
	chain->pipe = n;
	while (tpeek(t).typ == IT_FIELD) {
		item f = tnext(t);
		chain->ident = grow(a, chain->ident, chain->nident, sizeof *chain->ident);
		chain->ident[chain->nident++] = arena_strndup(a, f.val + 1, f.len - 1);
	}
	if (n->type == N_FIELD || n->type == N_VAR) {
		node *m = new_node(t, n->type, chain->pos);
		m->nident = n->nident + chain->nident;
		m->ident = arena_alloc(a, m->nident * sizeof *m->ident);
		memcpy(m->ident, n->ident, n->nident * sizeof *m->ident);
		memcpy(m->ident + n->nident, chain->ident, chain->nident * sizeof *m->ident);
		set_keys(a, m);
		return m;
	}
	if (n->type == N_BOOL || n->type == N_STRING || n->type == N_NUMBER || n->type == N_NIL ||
	    n->type == N_DOT) {
		strbuf sb;
		sb_init(&sb, a);
		node_string(&sb, n);
		perrorf(t, arena_sprintf(a, "unexpected . after term %s",
					 quote(a, sb_str(&sb), sb.len)));
	}
	set_keys(a, chain);
	return chain;
}

static node *command(tp *t)
{
	node *cmd = new_node(t, N_CMD, peek_nonspace(t).pos);
	nvec args;
	nvec_init(&args);
	for (;;) {
		peek_nonspace(t);
		node *op = operand(t);
		if (op)
			nvec_push(t->p->a, &args, op);
		item it = tnext(t);
		if (it.typ == IT_SPACE)
			continue;
		if (it.typ == IT_RDELIM || it.typ == IT_RPAREN)
			backup(t);
		else if (it.typ != IT_PIPE)
			unexpected(t, it, "operand");
		break;
	}
	nvec_done(t->p->a, &args, &cmd->kids, &cmd->nkids);
	if (cmd->nkids == 0)
		perrorf(t, "empty command");
	return cmd;
}

static void check_pipeline(tp *t, node *pipe, const char *context)
{
	if (pipe->nkids == 0)
		perrorf(t, arena_sprintf(t->p->a, "missing value for %s", context));
	for (uint32_t i = 1; i < pipe->nkids; i++) {
		switch (pipe->kids[i]->kids[0]->type) {
		case N_BOOL:
		case N_DOT:
		case N_NIL:
		case N_NUMBER:
		case N_STRING:
			perrorf(t, arena_sprintf(t->p->a,
						 "non executable command in pipeline stage %u",
						 i + 1));
		}
	}
}

/* The declarations part of a pipeline; returns false when there is none. */
static void pipeline_decls(tp *t, node *pipe, const char *context)
{
	arena *a = t->p->a;
decls:;
	item v = peek_nonspace(t);
	if (v.typ != IT_VARIABLE)
		return;
	tnext(t);
	item after = tpeek(t);
	item nx = peek_nonspace(t);
	if (nx.typ == IT_ASSIGN || nx.typ == IT_DECLARE) {
		pipe->flag = nx.typ == IT_ASSIGN;
		next_nonspace(t);
		push_node(a, &pipe->decl, &pipe->ndecl, new_variable(t, v.pos, v.val, v.len));
		push_var(t, arena_strndup(a, v.val, v.len));
	} else if (nx.typ == IT_CHAR && nx.len == 1 && nx.val[0] == ',') {
		next_nonspace(t);
		push_node(a, &pipe->decl, &pipe->ndecl, new_variable(t, v.pos, v.val, v.len));
		push_var(t, arena_strndup(a, v.val, v.len));
		if (strcmp(context, "range") == 0 && pipe->ndecl < 2) {
			enum itype pt = peek_nonspace(t).typ;
			if (pt == IT_VARIABLE || pt == IT_RDELIM || pt == IT_RPAREN)
				goto decls;
			perrorf(t, "range can only initialize variables");
		}
		perrorf(t, arena_sprintf(a, "too many declarations in %s", context));
	} else if (after.typ == IT_SPACE) {
		backup3(t, v, after);
	} else {
		backup2(t, v);
	}
}

static node *pipeline(tp *t, const char *context, enum itype end)
{
	node *pipe = new_node(t, N_PIPE, peek_nonspace(t).pos);
	pipeline_decls(t, pipe, context);
	nvec cmds;
	nvec_init(&cmds);
	for (;;) {
		item it = next_nonspace(t);
		if (it.typ == end) {
			nvec_done(t->p->a, &cmds, &pipe->kids, &pipe->nkids);
			check_pipeline(t, pipe, context);
			return pipe;
		}
		switch (it.typ) {
		case IT_BOOL:
		case IT_CHARCONST:
		case IT_COMPLEX:
		case IT_DOT:
		case IT_FIELD:
		case IT_IDENT:
		case IT_NUMBER:
		case IT_NIL:
		case IT_RAWSTRING:
		case IT_STRING:
		case IT_VARIABLE:
		case IT_LPAREN:
			backup(t);
			nvec_push(t->p->a, &cmds, command(t));
			if (cmds.n > MAX_PIPELINE_CMDS)
				perrorf(t, "pipeline too long");
			break;
		default:
			unexpected(t, it, context);
		}
	}
}

static const char *node_str(tp *t, node *n)
{
	strbuf sb;
	sb_init(&sb, t->p->a);
	node_string(&sb, n);
	return sb_str(&sb);
}

static node *parse_control(tp *t, enum ntype type, const char *context)
{
	uint32_t nvars = t->nvars;
	node *n = new_node(t, type, 0);
	n->pipe = pipeline(t, context, IT_RDELIM);
	if (type == N_RANGE)
		t->range_depth++;
	node *next;
	n->list = item_list(t, &next);
	if (type == N_RANGE)
		t->range_depth--;
	if (next->type == N_ELSE) {
		if (type == N_IF && tpeek(t).typ == IT_IF) {
			tnext(t);
			n->elselist = new_node(t, N_LIST, next->pos);
			push_node(t->p->a, &n->elselist->kids, &n->elselist->nkids, if_control(t));
		} else if (type == N_WITH && tpeek(t).typ == IT_WITH) {
			tnext(t);
			n->elselist = new_node(t, N_LIST, next->pos);
			push_node(t->p->a, &n->elselist->kids, &n->elselist->nkids,
				  with_control(t));
		} else {
			n->elselist = item_list(t, &next);
			if (next->type != N_END)
				perrorf(t, arena_sprintf(t->p->a, "expected end; found %s",
							 node_str(t, next)));
		}
	}
	n->pos = n->pipe->pos;
	t->nvars = nvars;
	return n;
}

static node *if_control(tp *t)
{
	return parse_control(t, N_IF, "if");
}
static node *with_control(tp *t)
{
	return parse_control(t, N_WITH, "with");
}

static const char *template_name(tp *t, item it, const char *context)
{
	const char *s;
	uint32_t n;
	if (it.typ != IT_STRING && it.typ != IT_RAWSTRING)
		unexpected(t, it, context);
	if (!go_unquote(t->p->a, it.val, it.len, &s, &n))
		perrorf(t, "invalid syntax");
	return s;
}

static void add_tree(tp *t);

static node *block_control(tp *t)
{
	const char *context = "block clause";
	item it = next_nonspace(t);
	const char *name = template_name(t, it, context);
	node *pipe = pipeline(t, context, IT_RDELIM);
	ttree *tree = arena_alloc(t->p->a, sizeof *tree);
	*tree = (ttree){name, t->p->parse_name, NULL, t->p->text, t->p->len};
	tp bt;
	start_parse(&bt, t->p, tree);
	node *end;
	tree->root = item_list(&bt, &end);
	if (end->type != N_END)
		perrorf(t,
			arena_sprintf(t->p->a, "unexpected %s in %s", node_str(t, end), context));
	add_tree(&bt);
	node *n = new_node(t, N_TEMPLATE, it.pos);
	n->text = name;
	n->pipe = pipe;
	return n;
}

static node *template_control(tp *t)
{
	const char *context = "template clause";
	item it = next_nonspace(t);
	const char *name = template_name(t, it, context);
	node *pipe = NULL;
	if (next_nonspace(t).typ != IT_RDELIM) {
		backup(t);
		pipe = pipeline(t, context, IT_RDELIM);
	}
	node *n = new_node(t, N_TEMPLATE, it.pos);
	n->text = name;
	n->pipe = pipe;
	return n;
}

static node *loop_control(tp *t, item kw, enum ntype type, const char *what)
{
	item it = next_nonspace(t);
	if (it.typ != IT_RDELIM)
		unexpected(t, it, what);
	if (t->range_depth == 0)
		perrorf(t, arena_sprintf(t->p->a, "%s outside {{range}}", what));
	return new_node(t, type, kw.pos);
}

static node *else_control(tp *t)
{
	item pk = peek_nonspace(t);
	if (pk.typ == IT_IF || pk.typ == IT_WITH)
		return new_node(t, N_ELSE, pk.pos);
	item it = expect(t, IT_RDELIM, "else");
	return new_node(t, N_ELSE, it.pos);
}

static node *action(tp *t)
{
	item it = next_nonspace(t);
	switch (it.typ) {
	case IT_BLOCK:
		return block_control(t);
	case IT_BREAK:
		return loop_control(t, it, N_BREAK, "{{break}}");
	case IT_CONTINUE:
		return loop_control(t, it, N_CONTINUE, "{{continue}}");
	case IT_ELSE:
		return else_control(t);
	case IT_END:
		return new_node(t, N_END, expect(t, IT_RDELIM, "end").pos);
	case IT_IF:
		return if_control(t);
	case IT_RANGE:
		return parse_control(t, N_RANGE, "range");
	case IT_TEMPLATE:
		return template_control(t);
	case IT_WITH:
		return with_control(t);
	default:
		break;
	}
	backup(t);
	item tok = tpeek(t);
	node *n = new_node(t, N_ACTION, tok.pos);
	n->pipe = pipeline(t, "command", IT_RDELIM);
	return n;
}

static node *text_or_action(tp *t)
{
	item it = next_nonspace(t);
	switch (it.typ) {
	case IT_TEXT: {
		node *n = new_node(t, N_TEXT, it.pos);
		n->text = it.val;
		n->tlen = it.len;
		return n;
	}
	case IT_LDELIM: {
		t->action_line = it.line;
		node *n = action(t);
		t->action_line = 0;
		return n;
	}
	default:
		unexpected(t, it, "input");
	}
}

static node *item_list(tp *t, node **end)
{
	if (stack_low(t))
		perrorf(t, "max expression depth exceeded");
	node *list = new_node(t, N_LIST, peek_nonspace(t).pos);
	nvec kids;
	nvec_init(&kids);
	while (peek_nonspace(t).typ != IT_EOF) {
		node *n = text_or_action(t);
		if (n->type == N_END || n->type == N_ELSE) {
			nvec_done(t->p->a, &kids, &list->kids, &list->nkids);
			*end = n;
			return list;
		}
		nvec_push(t->p->a, &kids, n);
	}
	perrorf(t, "unexpected EOF");
}

static bool is_space_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_empty_tree(const node *n)
{
	if (!n)
		return true;
	switch (n->type) {
	case N_LIST:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (!is_empty_tree(n->kids[i]))
				return false;
		return true;
	case N_TEXT:
		for (uint32_t i = 0; i < n->tlen; i++)
			if (!is_space_byte(n->text[i]))
				return false;
		return true;
	case N_COMMENT:
		return true;
	default:
		return false;
	}
}

/* Go's Tree.add: into this parse's tree set. */
static void add_tree(tp *t)
{
	parser *p = t->p;
	for (uint32_t i = 0; i < p->ntrees; i++) {
		if (strcmp(p->trees[i].name, t->t->name) != 0)
			continue;
		if (is_empty_tree(p->trees[i].tree->root)) {
			p->trees[i].tree = t->t;
			return;
		}
		if (!is_empty_tree(t->t->root))
			perrorf(t,
				arena_sprintf(p->a, "template: multiple definition of template %s",
					      quote(p->a, t->t->name, strlen(t->t->name))));
		return;
	}
	p->trees = grow(p->a, p->trees, p->ntrees, sizeof *p->trees);
	p->trees[p->ntrees++] = (tentry){t->t->name, t->t};
}

static void parse_definition(tp *t)
{
	const char *context = "define clause";
	item it = next_nonspace(t);
	if (it.typ != IT_STRING && it.typ != IT_RAWSTRING)
		unexpected(t, it, context);
	const char *name;
	uint32_t n;
	if (!go_unquote(t->p->a, it.val, it.len, &name, &n))
		perrorf(t, "invalid syntax");
	t->t->name = name;
	expect(t, IT_RDELIM, context);
	node *end;
	t->t->root = item_list(t, &end);
	if (end->type != N_END)
		perrorf(t,
			arena_sprintf(t->p->a, "unexpected %s in %s", node_str(t, end), context));
	add_tree(t);
}

static void parse_top(tp *t)
{
	parser *p = t->p;
	t->t->root = new_node(t, N_LIST, tpeek(t).pos);
	nvec kids;
	nvec_init(&kids);
	while (tpeek(t).typ != IT_EOF) {
		if (tpeek(t).typ == IT_LDELIM) {
			item delim = tnext(t);
			if (next_nonspace(t).typ == IT_DEFINE) {
				ttree *tree = arena_alloc(p->a, sizeof *tree);
				*tree = (ttree){"definition", p->parse_name, NULL, p->text, p->len};
				tp dt;
				start_parse(&dt, p, tree);
				parse_definition(&dt);
				continue;
			}
			backup2(t, delim);
		}
		node *n = text_or_action(t);
		if (n->type == N_END || n->type == N_ELSE)
			perrorf(t, arena_sprintf(p->a, "unexpected %s", node_str(t, n)));
		nvec_push(p->a, &kids, n);
	}
	nvec_done(p->a, &kids, &t->t->root->kids, &t->t->root->nkids);
}

/* ---- the set ---- */

static uint32_t set_find(const tset *t, const char *name, bool *found)
{
	uint32_t lo = 0, hi = t->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		int c = strcmp(t->e[mid].name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Eight bytes a step: template names are long and share prefixes. */
static uint32_t name_hash(const char *s)
{
	size_t n = strlen(s);
	uint64_t h = n, w;
	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15u;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0x9E3779B97F4A7C15u;
	return (uint32_t)(h >> 32);
}

void tset_index(tset *t)
{
	if (t->idx || t->is_clone)
		return;
	uint32_t cap = 16;
	while (cap < 2 * t->n)
		cap *= 2;
	t->idx = arena_alloc(t->a, cap * sizeof *t->idx);
	t->idx_mask = cap - 1;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t h = name_hash(t->e[i].name) & t->idx_mask;
		while (t->idx[h])
			h = (h + 1) & t->idx_mask;
		t->idx[h] = i + 1;
	}
}

/* Every include looks its template up: a hash probe instead of a binary search. */
ttree *tset_lookup(const tset *t, const char *name)
{
	if (!t->idx) {
		bool found;
		uint32_t i = set_find(t, name, &found);
		return found ? t->e[i].tree : NULL;
	}
	for (uint32_t h = name_hash(name) & t->idx_mask; t->idx[h]; h = (h + 1) & t->idx_mask) {
		const tentry *e = &t->e[t->idx[h] - 1];
		if (strcmp(e->name, name) == 0)
			return e->tree;
	}
	return NULL;
}

bool tset_has(const tset *t, const char *name)
{
	return tset_lookup(t, name) != NULL;
}

void tset_forget(tset *t, const char *name)
{
	bool found;
	uint32_t i = set_find(t, name, &found);
	if (!found)
		return;
	memmove(t->e + i, t->e + i + 1, (t->n - i - 1) * sizeof *t->e);
	t->n--;
	t->idx = NULL;
}

/* Go's associate: a new empty tree does not replace an existing one. */
static void set_add(tset *t, const char *name, ttree *tree)
{
	bool found;
	uint32_t i = set_find(t, name, &found);
	if (found) {
		if (!is_empty_tree(tree->root))
			t->e[i].tree = tree; /* the index holds positions: still right */
		return;
	}
	t->idx = NULL;
	if (t->n == t->cap) {
		uint32_t nc = t->cap ? t->cap * 2 : 16;
		t->e = arena_realloc(t->a, t->e, t->cap * sizeof *t->e, nc * sizeof *t->e);
		t->cap = nc;
	}
	memmove(t->e + i + 1, t->e + i, (t->n - i) * sizeof *t->e);
	t->e[i] = (tentry){name, tree};
	t->n++;
}

tset *tset_new(arena *a, const fn_table *funcs)
{
	tset *t = arena_alloc(a, sizeof *t);
	t->a = a;
	t->funcs = funcs;
	/* a function named break or continue hides the keyword (Go's lexer rule) */
	t->break_ok = !tset_find_func(t, "break");
	t->continue_ok = !tset_find_func(t, "continue");
	return t;
}

tset *tset_clone(arena *a, const tset *src)
{
	tset *t = arena_alloc(a, sizeof *t);
	*t = *src;
	t->a = a;
	t->cap = src->n;
	t->idx = NULL;
	t->is_clone = true;
	t->e = arena_alloc(a, (src->n ? src->n : 1) * sizeof *t->e);
	memcpy(t->e, src->e, src->n * sizeof *t->e);
	return t;
}

void tset_set_strict(tset *t, bool strict)
{
	t->strict = strict;
}
void tset_set_host(tset *t, void *host)
{
	t->host = host;
}
void tset_set_output_limit(tset *t, size_t max)
{
	t->outlim = max;
}

const fn_def *tset_find_func(const tset *t, const char *name)
{
	const fn_def *d = t->funcs ? fn_table_find(t->funcs, name) : NULL;
	return d ? d : fn_table_find(&builtin_table, name);
}

/* The parser state is not local to this function, so it keeps its values
 * across the longjmp of an error (C11 7.13.2.1). */
static int parse_run(parser *p, tset *t, const char *text, size_t len, terror *err)
{
	if (setjmp(p->jb)) {
		err->kind = TERR_PARSE;
		err->msg = p->err;
		return -1;
	}
	ttree *tree = arena_alloc(t->a, sizeof *tree);
	*tree = (ttree){p->parse_name, p->parse_name, NULL, text, len};
	tp top;
	start_parse(&top, p, tree);
	parse_top(&top);
	add_tree(&top);
	for (uint32_t i = 0; i < p->ntrees; i++)
		set_add(t, p->trees[i].name, p->trees[i].tree);
	err->kind = TERR_NONE;
	err->msg = NULL;
	return 0;
}

int tset_parse(tset *t, const char *name, const char *text, size_t len, terror *err)
{
	parser ps; /* on the C stack: nothing keeps it after the parse */
	memset(&ps, 0, sizeof ps);
	parser *p = &ps;
	p->set = t;
	p->a = t->a;
	p->parse_name = arena_strdup(t->a, name);
	p->text = text;
	p->len = len;
	lex_init(&p->lex, t->a, text, len);
	p->lex.break_ok = t->break_ok;
	p->lex.continue_ok = t->continue_ok;
	p->stack_floor = tset_stack_floor();
	return parse_run(p, t, text, len, err);
}

/* ---- Go's Node.String(), for error contexts ---- */

static void kids_string(strbuf *sb, const node *n)
{
	for (uint32_t i = 0; i < n->nkids; i++)
		node_string(sb, n->kids[i]);
}

static void branch_string(strbuf *sb, const node *n, const char *name)
{
	sb_addf(sb, "{{%s ", name);
	node_string(sb, n->pipe);
	sb_adds(sb, "}}");
	node_string(sb, n->list);
	if (n->elselist) {
		sb_adds(sb, "{{else}}");
		node_string(sb, n->elselist);
	}
	sb_adds(sb, "{{end}}");
}

static void idents_string(strbuf *sb, const node *n, uint32_t from, bool lead_dot)
{
	for (uint32_t i = from; i < n->nident; i++) {
		if (i > from || lead_dot)
			sb_addc(sb, '.');
		sb_adds(sb, n->ident[i]);
	}
}

static void pipe_string(strbuf *sb, const node *n)
{
	for (uint32_t i = 0; i < n->ndecl; i++) {
		if (i)
			sb_adds(sb, ", ");
		node_string(sb, n->decl[i]);
	}
	if (n->ndecl)
		sb_adds(sb, n->flag ? " = " : " := ");
	for (uint32_t i = 0; i < n->nkids; i++) {
		if (i)
			sb_adds(sb, " | ");
		node_string(sb, n->kids[i]);
	}
}

void node_string(strbuf *sb, const node *n)
{
	if (!n)
		return;
	switch ((enum ntype)n->type) {
	case N_LIST:
		kids_string(sb, n);
		break;
	case N_TEXT:
	case N_COMMENT:
		sb_add(sb, n->text, n->tlen);
		break;
	case N_ACTION:
		sb_adds(sb, "{{");
		node_string(sb, n->pipe);
		sb_adds(sb, "}}");
		break;
	case N_IF:
		branch_string(sb, n, "if");
		break;
	case N_RANGE:
		branch_string(sb, n, "range");
		break;
	case N_WITH:
		branch_string(sb, n, "with");
		break;
	case N_TEMPLATE:
		sb_adds(sb, "{{template ");
		go_quote(sb, n->text, strlen(n->text));
		if (n->pipe) {
			sb_addc(sb, ' ');
			node_string(sb, n->pipe);
		}
		sb_adds(sb, "}}");
		break;
	case N_BREAK:
		sb_adds(sb, "{{break}}");
		break;
	case N_CONTINUE:
		sb_adds(sb, "{{continue}}");
		break;
	case N_PIPE:
		pipe_string(sb, n);
		break;
	case N_CMD:
		for (uint32_t i = 0; i < n->nkids; i++) {
			if (i)
				sb_addc(sb, ' ');
			if (n->kids[i]->type == N_PIPE) {
				sb_addc(sb, '(');
				node_string(sb, n->kids[i]);
				sb_addc(sb, ')');
			} else {
				node_string(sb, n->kids[i]);
			}
		}
		break;
	case N_FIELD:
		idents_string(sb, n, 0, true);
		break;
	case N_VAR:
		idents_string(sb, n, 0, false);
		break;
	case N_CHAIN:
		if (n->pipe->type == N_PIPE) {
			sb_addc(sb, '(');
			node_string(sb, n->pipe);
			sb_addc(sb, ')');
		} else {
			node_string(sb, n->pipe);
		}
		idents_string(sb, n, 0, true);
		break;
	case N_IDENT:
	case N_NUMBER:
		sb_adds(sb, n->text);
		break;
	case N_DOT:
		sb_addc(sb, '.');
		break;
	case N_NIL:
		sb_adds(sb, "nil");
		break;
	case N_BOOL:
		sb_adds(sb, n->flag ? "true" : "false");
		break;
	case N_STRING:
		sb_add(sb, n->quoted, n->qlen);
		break;
	case N_END:
		sb_adds(sb, "{{end}}");
		break;
	case N_ELSE:
		sb_adds(sb, "{{else}}");
		break;
	}
}

void node_context(arena *a, const ttree *tr, const node *n, const char **loc, const char **ctx)
{
	uint32_t pos = n->pos, line = 1, col = pos;
	for (uint32_t i = 0; i < pos && i < tr->len; i++) {
		if (tr->text[i] == '\n') {
			line++;
			col = pos - i - 1;
		}
	}
	*loc = arena_sprintf(a, "%s:%u:%u", tr->parse_name, line, col);
	strbuf sb;
	sb_init(&sb, a);
	node_string(&sb, n);
	*ctx = sb_str(&sb);
}
