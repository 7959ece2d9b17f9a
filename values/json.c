/* json.c - JSON in and out with Go's encoding/json semantics.
 *
 * Parsing goes through jansson (the one file that includes it), then Go's
 * json.Unmarshal-into-interface{} view: float64 numbers, string-keyed maps,
 * last duplicate key wins. Syntax errors are described by a small scanner that
 * follows Go's, so the texts match. Emitting is hand-written: encoding/json's
 * escaping and float layout must be matched byte for byte.
 */
#include "json.h"

#include <dlfcn.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "gofmt.h"
#include "lazylib.h"

/* ---- Go's syntax error texts ---- */

typedef struct jscan {
	const char *s;
	size_t n, i;
	const char *err;
	arena *a;
} jscan;

static void js_ws(jscan *j)
{
	while (j->i < j->n && strchr(" \t\r\n", j->s[j->i]) && j->s[j->i])
		j->i++;
}

/* Go quotes the offending character as strconv.QuoteRune does, in single quotes. */
static bool js_fail(jscan *j, const char *context)
{
	if (j->err)
		return false;
	/* At the end Go's scanner feeds a space: inside a number, literal or escape that is the
	 * error. */
	bool mid_token = !strncmp(context, "in ", 3) || !strncmp(context, "after decimal", 13);
	if (j->i >= j->n && !mid_token) {
		j->err = "unexpected end of JSON input";
		return false;
	}
	unsigned char c = j->i < j->n ? (unsigned char)j->s[j->i] : ' ';
	if (c == '\'' || c == '"') {
		j->err = arena_sprintf(j->a, "invalid character %s %s", c == '"' ? "'\"'" : "'\\''",
				       context);
		return false;
	}
	char u[2] = {(char)c, 0};
	size_t un = 1;
	if (c >= 0x80)
		u[0] = (char)(0xC0 | (c >> 6)), u[1] = (char)(0x80 | (c & 0x3F)), un = 2;
	strbuf q;
	sb_init(&q, j->a);
	go_quote(&q, u, un);
	j->err = arena_sprintf(j->a, "invalid character '%.*s' %s", (int)q.len - 2, sb_str(&q) + 1,
			       context);
	return false;
}

static bool js_value(jscan *j, int depth);

static bool js_string(jscan *j)
{
	j->i++;
	while (j->i < j->n) {
		unsigned char c = (unsigned char)j->s[j->i];
		if (c == '"') {
			j->i++;
			return true;
		}
		if (c < 0x20)
			return js_fail(j, "in string literal");
		if (c == '\\') {
			j->i++;
			if (j->i >= j->n)
				return js_fail(j, "in string escape code");
			if (j->s[j->i] == 'u') {
				for (int k = 1; k <= 4; k++) {
					j->i++;
					if (j->i >= j->n ||
					    !strchr("0123456789abcdefABCDEF", j->s[j->i]) ||
					    !j->s[j->i])
						return js_fail(
						    j, "in \\u hexadecimal character escape");
				}
			} else if (!strchr("\"\\/bfnrt", j->s[j->i]) || !j->s[j->i]) {
				return js_fail(j, "in string escape code");
			}
		}
		j->i++;
	}
	return js_fail(j, "");
}

static bool js_digits(jscan *j, const char *context)
{
	if (j->i >= j->n || j->s[j->i] < '0' || j->s[j->i] > '9')
		return js_fail(j, context);
	while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return true;
}

static bool js_number(jscan *j)
{
	if (j->s[j->i] == '-')
		j->i++;
	if (j->i < j->n && j->s[j->i] == '0')
		j->i++;
	else if (!js_digits(j, "in numeric literal"))
		return false;
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (!js_digits(j, "after decimal point in numeric literal"))
			return false;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (!js_digits(j, "in exponent of numeric literal"))
			return false;
	}
	return true;
}

static bool js_literal(jscan *j, const char *word)
{
	for (size_t k = 0; word[k]; k++, j->i++) {
		if (j->i >= j->n || j->s[j->i] != word[k]) {
			if (k == 0)
				return js_fail(j, "looking for beginning of value");
			char ctx[64];
			snprintf(ctx, sizeof ctx, "in literal %s (expecting '%c')", word, word[k]);
			return js_fail(j, arena_strdup(j->a, ctx));
		}
	}
	return true;
}

static bool js_object(jscan *j, int depth)
{
	j->i++;
	js_ws(j);
	if (j->i < j->n && j->s[j->i] == '}')
		return j->i++, true;
	for (;;) {
		js_ws(j);
		if (j->i >= j->n || j->s[j->i] != '"')
			return js_fail(j, "looking for beginning of object key string");
		if (!js_string(j))
			return false;
		js_ws(j);
		if (j->i >= j->n || j->s[j->i] != ':')
			return js_fail(j, "after object key");
		j->i++;
		if (!js_value(j, depth + 1))
			return false;
		js_ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->s[j->i] == '}')
			return j->i++, true;
		return js_fail(j, "after object key:value pair");
	}
}

static bool js_array(jscan *j, int depth)
{
	j->i++;
	js_ws(j);
	if (j->i < j->n && j->s[j->i] == ']')
		return j->i++, true;
	for (;;) {
		if (!js_value(j, depth + 1))
			return false;
		js_ws(j);
		if (j->i < j->n && j->s[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->s[j->i] == ']')
			return j->i++, true;
		return js_fail(j, "after array element");
	}
}

static bool js_value(jscan *j, int depth)
{
	js_ws(j);
	if (depth > 10000) {
		j->err = "exceeded max depth";
		return false;
	}
	if (j->i >= j->n)
		return js_fail(j, "");
	switch (j->s[j->i]) {
	case '{':
		return js_object(j, depth);
	case '[':
		return js_array(j, depth);
	case '"':
		return js_string(j);
	case 't':
		return js_literal(j, "true");
	case 'f':
		return js_literal(j, "false");
	case 'n':
		return js_literal(j, "null");
	default:
		if (j->s[j->i] == '-' || (j->s[j->i] >= '0' && j->s[j->i] <= '9'))
			return js_number(j);
		return js_fail(j, "looking for beginning of value");
	}
}

/* Go's json.Valid with its error text; NULL when the text is valid JSON. */
static const char *json_check(arena *a, const char *text, size_t len)
{
	jscan j = {.s = text, .n = len, .a = a};
	if (!js_value(&j, 0))
		return j.err;
	js_ws(&j);
	if (j.i < j.n) {
		js_fail(&j, "after top-level value");
		return j.err;
	}
	return NULL;
}

/* Length of the valid UTF-8 sequence at s, or 0 when the bytes there are invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t w = s[0] < 0x80		   ? 1
		   : (s[0] & 0xE0) == 0xC0 ? 2
		   : (s[0] & 0xF0) == 0xE0 ? 3
		   : (s[0] & 0xF8) == 0xF0 ? 4
					   : 0;
	if (w == 0 || w > n)
		return 0;
	uint32_t r = w == 1 ? s[0] : w == 2 ? s[0] & 0x1Fu : w == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
	for (size_t k = 1; k < w; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		r = (r << 6) | (s[k] & 0x3Fu);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (r < min[w] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		return 0;
	return w;
}

/* ---- jansson, loaded on first use: most renders never parse JSON ---- */

#define JANSSON_SONAME "libjansson.so.4"
#define JANSSON_FUNCS(X)                                                                           \
	X(json_array_get)                                                                          \
	X(json_array_size)                                                                         \
	X(json_delete)                                                                             \
	X(json_integer_value)                                                                      \
	X(json_loadb)                                                                              \
	X(json_object_iter)                                                                        \
	X(json_object_iter_key)                                                                    \
	X(json_object_iter_key_len)                                                                \
	X(json_object_iter_next)                                                                   \
	X(json_object_iter_value)                                                                  \
	X(json_object_key_to_iter)                                                                 \
	X(json_real_value)                                                                         \
	X(json_string_length)                                                                      \
	X(json_string_value)

LAZY_LIBRARY(jansson, JANSSON_SONAME, JANSSON_FUNCS)

/* from here on, each jansson name calls through the table */
#define json_array_get		 jansson_api()->json_array_get
#define json_array_size		 jansson_api()->json_array_size
#define json_delete		 jansson_api()->json_delete
#define json_integer_value	 jansson_api()->json_integer_value
#define json_loadb		 jansson_api()->json_loadb
#define json_object_iter	 jansson_api()->json_object_iter
#define json_object_iter_key	 jansson_api()->json_object_iter_key
#define json_object_iter_key_len jansson_api()->json_object_iter_key_len
#define json_object_iter_next	 jansson_api()->json_object_iter_next
#define json_object_iter_value	 jansson_api()->json_object_iter_value
#define json_object_key_to_iter	 jansson_api()->json_object_key_to_iter
#define json_real_value		 jansson_api()->json_real_value
#define json_string_length	 jansson_api()->json_string_length
#define json_string_value	 jansson_api()->json_string_value

/* ---- parsing ---- */

static value from_jansson(arena *a, json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		value m = v_map_new(a);
		const char *k;
		size_t klen;
		json_t *v;
		json_object_keylen_foreach(j, k, klen, v)
		    map_set(a, m.u.m, k, klen, from_jansson(a, v));
		return m;
	}
	case JSON_ARRAY: {
		value l = v_list_new(a, (uint32_t)json_array_size(j));
		for (size_t i = 0; i < json_array_size(j); i++)
			list_push(a, l.u.l, from_jansson(a, json_array_get(j, i)));
		return l;
	}
	case JSON_STRING:
		return v_str(a, json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		return v_float((double)json_integer_value(j));
	case JSON_REAL:
		return v_float(json_real_value(j));
	case JSON_TRUE:
		return v_bool(true);
	case JSON_FALSE:
		return v_bool(false);
	case JSON_NULL:
		break;
	}
	return v_nil();
}

/* Go reads invalid UTF-8 inside strings as U+FFFD; jansson refuses it, so replace it first. */
static const char *fix_utf8(arena *a, const char *text, size_t *len)
{
	size_t i = 0;
	while (i < *len && utf8_len((const unsigned char *)text + i, *len - i))
		i += utf8_len((const unsigned char *)text + i, *len - i);
	if (i == *len)
		return text;
	strbuf b;
	sb_init(&b, a);
	for (i = 0; i < *len;) {
		size_t w = utf8_len((const unsigned char *)text + i, *len - i);
		if (w)
			sb_add(&b, text + i, w);
		else
			sb_adds(&b, "\xEF\xBF\xBD");
		i += w ? w : 1;
	}
	*len = b.len;
	return sb_str(&b);
}

int json_parse(arena *a, const char *text, size_t len, value *out, const char **err)
{
	const char *e = json_check(a, text, len);
	if (e) {
		*err = e;
		return -1;
	}
	text = fix_utf8(a, text, &len);
	json_error_t je;
	json_t *j =
	    json_loadb(text, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &je);
	if (!j) {
		const char *near = strstr(je.text, "overflow near '");
		if (near)
			*err = arena_sprintf(
			    a, "json: cannot unmarshal number %.*s into Go value of type float64",
			    (int)strcspn(near + 15, "'"), near + 15);
		else
			*err = arena_strdup(a, je.text);
		return -1;
	}
	*out = from_jansson(a, j);
	json_delete(j); /* the root: json_decref is inline and would link jansson */
	return 0;
}

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The length of the first JSON value in text (after leading space), without
 * checking it: the decoder's parse of that value reports its own errors. */
static size_t first_value_end(const char *text, size_t len)
{
	size_t i = 0;
	while (i < len && json_space(text[i]))
		i++;
	int depth = 0;
	bool in_str = false;
	for (; i < len; i++) {
		char c = text[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"' && (in_str = false, depth == 0))
				return i + 1;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth <= 0)
			return i + 1;
		else if (depth == 0 && (json_space(c) || c == ',' || c == ':'))
			return i;
	}
	return len;
}

int json_parse_first(arena *a, const char *text, size_t len, value *out, const char **err)
{
	size_t i = 0;
	while (i < len && json_space(text[i]))
		i++;
	if (i == len) {
		*err = "EOF";
		return -1;
	}
	if (json_parse(a, text, first_value_end(text, len), out, err) == 0)
		return 0;
	if (!strcmp(*err, "unexpected end of JSON input"))
		*err = "unexpected EOF";
	return -1;
}

/* ---- emitting ---- */

typedef struct jemit {
	strbuf *out;
	const char *indent; /* NULL: compact */
	const char **err;
} jemit;

/* The short escape encoding/json uses for c, or NULL. */
static const char *json_escape(unsigned char c)
{
	static const char chars[] = "\"\\\n\r\t\b\f";
	static const char *const escapes[] = {"\\\"", "\\\\", "\\n", "\\r", "\\t", "\\b", "\\f"};
	const char *p = c ? strchr(chars, c) : NULL;
	return p ? escapes[p - chars] : NULL;
}

void json_quote(strbuf *out, const char *s, size_t n, bool escape_html)
{
	static const char hex[] = "0123456789abcdef";
	sb_addc(out, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			const char *e = json_escape(c);
			if (e)
				sb_adds(out, e);
			else if (c < 0x20 || (escape_html && (c == '<' || c == '>' || c == '&')))
				sb_addf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			else
				sb_addc(out, (char)c);
			i++;
			continue;
		}
		size_t w = utf8_len((const unsigned char *)s + i, n - i);
		if (w == 0)
			sb_adds(out, "\\ufffd");
		else if (w == 3 && c == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
			 ((unsigned char)s[i + 2] & 0xFE) == 0xA8)
			sb_addf(out, "\\u202%c", s[i + 2] == (char)0xA8 ? '8' : '9');
		else
			sb_add(out, s + i, w);
		i += w ? w : 1;
	}
	sb_addc(out, '"');
}

static int emit_float(jemit *e, double f)
{
	if (isnan(f) || isinf(f)) {
		*e->err = isnan(f) ? "json: unsupported value: NaN"
			  : f > 0  ? "json: unsupported value: +Inf"
				   : "json: unsupported value: -Inf";
		return -1;
	}
	double abs = fabs(f);
	char fmt = abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
	size_t start = e->out->len;
	go_format_float(e->out, f, fmt, -1);
	char *b = e->out->buf + start;
	size_t n = e->out->len - start;
	if (fmt == 'e' && n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
		b[n - 2] = b[n - 1];
		e->out->len--;
	}
	return 0;
}

static void newline(jemit *e, int depth)
{
	if (!e->indent)
		return;
	sb_addc(e->out, '\n');
	for (int i = 0; i < depth; i++)
		sb_adds(e->out, e->indent);
}

static int emit_value(jemit *e, value v, int depth);

static int emit_list(jemit *e, const vlist *l, int depth)
{
	sb_addc(e->out, '[');
	for (uint32_t i = 0; i < l->len; i++) {
		if (i)
			sb_addc(e->out, ',');
		newline(e, depth + 1);
		if (emit_value(e, l->items[i], depth + 1))
			return -1;
	}
	if (l->len)
		newline(e, depth);
	sb_addc(e->out, ']');
	return 0;
}

static int emit_map(jemit *e, const vmap *m, int depth)
{
	sb_addc(e->out, '{');
	for (uint32_t i = 0; i < m->len; i++) {
		if (i)
			sb_addc(e->out, ',');
		newline(e, depth + 1);
		json_quote(e->out, m->e[i].key, m->e[i].klen, true);
		sb_adds(e->out, e->indent ? ": " : ":");
		if (emit_value(e, m->e[i].val, depth + 1))
			return -1;
	}
	if (m->len)
		newline(e, depth);
	sb_addc(e->out, '}');
	return 0;
}

/* A struct: its fields in declaration order (the keys listed in order first). */
static int emit_struct(jemit *e, const vmap *m, const char *const *order, int depth)
{
	vmap *o = v_map_new(e->out->a).u.m;
	o->e = arena_alloc(e->out->a, (m->len + 1) * sizeof(ventry));
	for (const char *const *k = order; *k; k++) {
		value *v = map_getc(m, *k);
		if (v)
			o->e[o->len++] =
			    (ventry){.key = *k, .klen = (uint32_t)strlen(*k), .val = *v};
	}
	for (uint32_t i = 0; i < m->len; i++) {
		bool listed = false;
		for (const char *const *k = order; *k && !listed; k++)
			listed = !strcmp(*k, m->e[i].key);
		if (!listed)
			o->e[o->len++] = m->e[i];
	}
	return emit_map(e, o, depth);
}

static int emit_value(jemit *e, value v, int depth)
{
	if (depth > 1000) {
		*e->err =
		    arena_sprintf(e->out->a, "json: unsupported value: encountered a cycle via %s",
				  value_gotype(v));
		return -1;
	}
	switch ((enum vkind)v.kind) {
	case V_NIL:
		sb_adds(e->out, "null");
		return 0;
	case V_BOOL:
		sb_adds(e->out, v.u.b ? "true" : "false");
		return 0;
	case V_INT:
	case V_INT64:
		sb_addf(e->out, "%lld", (long long)v.u.i);
		return 0;
	case V_FLOAT:
		return emit_float(e, v.u.f);
	case V_STRING:
		json_quote(e->out, v.u.s, v.len, true);
		return 0;
	case V_LIST:
		return emit_list(e, v.u.l, depth);
	case V_MAP:
		return emit_map(e, v.u.m, depth);
	case V_OBJ:
		if (!v.u.o->cls->to_plain) {
			sb_adds(e->out, "null");
			return 0;
		}
		if (v.u.o->cls->json_order) {
			value p = v.u.o->cls->to_plain(e->out->a, v.u.o);
			if (p.kind == V_MAP)
				return emit_struct(e, p.u.m, v.u.o->cls->json_order, depth);
			return emit_value(e, p, depth);
		}
		return emit_value(e, v.u.o->cls->to_plain(e->out->a, v.u.o), depth + 1);
	}
	return 0;
}

/* Emits into a scratch buffer so that a failure leaves out untouched, as Go returns no bytes. */
static int emit_top(strbuf *out, value v, const char *indent, const char **err)
{
	strbuf tmp;
	sb_init(&tmp, out->a);
	jemit e = {.out = &tmp, .indent = indent, .err = err};
	if (emit_value(&e, v, 0))
		return -1;
	sb_add(out, tmp.buf, tmp.len);
	return 0;
}

int json_emit(strbuf *out, value v, const char **err)
{
	return emit_top(out, v, NULL, err);
}

int json_emit_indent(strbuf *out, value v, const char *indent, const char **err)
{
	return emit_top(out, v, indent ? indent : "  ", err);
}

const char *json_type_name(value v)
{
	switch (v.kind) {
	case V_MAP:
		return "object";
	case V_LIST:
		return "array";
	case V_STRING:
		return "string";
	case V_BOOL:
		return "bool";
	default:
		return "number";
	}
}
