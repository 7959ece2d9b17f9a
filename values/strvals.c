/* strvals.c - the --set family, a port of the semantics of Helm's pkg/strvals.
 *
 * Helm reads the argument rune by rune (invalid UTF-8 becomes U+FFFD), so we do
 * too. Go's runtime panics on a bad type assertion become Helm's recovered
 * "unable to parse key: interface conversion: ..." errors. --set-json finds the
 * extent of each JSON value with encoding/json's scanner rules, then json_parse.
 */
#include <stdio.h>
#include <string.h>

#include "gofmt.h"
#include "json.h"
#include "strbuf.h"
#include "strvals.h"

enum { SV_OK = 0, SV_EOF = 1, SV_NOTLIST = 2, SV_ERR = -1 };
enum { MAX_INDEX = 65536, MAX_NESTED_NAME_LEVEL = 30, JSON_MAX_DEPTH = 10000 };

typedef struct svp {
	arena *a;
	const unsigned char *s;
	size_t n, pos, lastpos;
	enum strvals_mode mode;
	strvals_reader reader;
	void *ud;
	const char *err;
} svp;

/* ---- runes ---- */

/* Decodes one rune as Go's utf8.DecodeRune does: invalid input is U+FFFD, width 1. */
static int utf8_decode(const unsigned char *s, size_t n, size_t *w)
{
	static const struct {
		unsigned char mask, lead;
		int len;
		int min;
	} t[] = {
	    {0xE0, 0xC0, 2, 0x80},
	    {0xF0, 0xE0, 3, 0x800},
	    {0xF8, 0xF0, 4, 0x10000},
	};
	*w = 1;
	if (s[0] < 0x80)
		return s[0];
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
		if ((s[0] & t[k].mask) != t[k].lead)
			continue;
		if ((size_t)t[k].len > n)
			return 0xFFFD;
		int r = s[0] & (0x7F >> t[k].len);
		for (int j = 1; j < t[k].len; j++) {
			if ((s[j] & 0xC0) != 0x80)
				return 0xFFFD;
			r = (r << 6) | (s[j] & 0x3F);
		}
		if (r < t[k].min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
			return 0xFFFD;
		*w = (size_t)t[k].len;
		return r;
	}
	return 0xFFFD;
}

static void utf8_put(strbuf *sb, int r)
{
	char b[4];
	size_t n;
	if (r < 0x80) {
		b[0] = (char)r, n = 1;
	} else if (r < 0x800) {
		b[0] = (char)(0xC0 | (r >> 6)), b[1] = (char)(0x80 | (r & 0x3F)), n = 2;
	} else if (r < 0x10000) {
		b[0] = (char)(0xE0 | (r >> 12)), b[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		b[2] = (char)(0x80 | (r & 0x3F)), n = 3;
	} else {
		b[0] = (char)(0xF0 | (r >> 18)), b[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((r >> 6) & 0x3F)), b[3] = (char)(0x80 | (r & 0x3F)), n = 4;
	}
	sb_add(sb, b, n);
}

/* ReadRune: the next rune, or -1 at the end. */
static int sv_read(svp *p)
{
	size_t w;
	if (p->pos >= p->n)
		return -1;
	int r = utf8_decode(p->s + p->pos, p->n - p->pos, &w);
	p->lastpos = p->pos;
	p->pos += w;
	return r;
}

static void sv_unread(svp *p)
{
	p->pos = p->lastpos;
}

/* runesUntil: collects runes into out until one in stop; a backslash escapes the next
 * rune unless literal. Returns SV_OK with *last set, or SV_EOF. */
static int sv_until(svp *p, const char *stop, strbuf *out, int *last, bool literal)
{
	sb_init(out, p->a);
	sb_str(out);
	for (;;) {
		int r = sv_read(p);
		if (r < 0)
			return SV_EOF;
		if (r < 0x80 && r && strchr(stop, r)) {
			*last = r;
			return SV_OK;
		}
		if (r == '\\' && !literal) {
			r = sv_read(p);
			if (r < 0)
				return SV_EOF;
		}
		utf8_put(out, r);
	}
}

/* unicode.IsSpace */
static bool is_space(int r)
{
	static const int wide[] = {0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
	if (r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0)
		return true;
	if (r >= 0x2000 && r <= 0x200A)
		return true;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (r == wide[i])
			return true;
	return false;
}

/* ---- errors and Go's type assertions ---- */

static int sv_fail(svp *p, const char *msg)
{
	p->err = msg;
	return SV_ERR;
}

static const char *quoted(svp *p, const strbuf *k)
{
	strbuf q;
	sb_init(&q, p->a);
	go_quote(&q, k->buf ? k->buf : "", k->len);
	return sb_str(&q);
}

/* The panic Helm recovers from when a value has the wrong Go type. */
static int sv_assert_fail(svp *p, value v, const char *want)
{
	const char *have = v.kind == V_NIL ? "nil" : value_gotype(v);
	return sv_fail(
	    p, arena_sprintf(
		   p->a, "unable to parse key: interface conversion: interface {} is %s, not %s",
		   have, want));
}

/* %q of a []rune: ['a' 'b'] */
static const char *quote_runes(svp *p, const strbuf *k)
{
	strbuf q, one;
	sb_init(&q, p->a);
	sb_addc(&q, '[');
	for (size_t i = 0; i < k->len;) {
		size_t w;
		int r = utf8_decode((const unsigned char *)k->buf + i, k->len - i, &w);
		if (i)
			sb_addc(&q, ' ');
		if (r == '\'' || r == '"') {
			sb_adds(&q, r == '\'' ? "'\\''" : "'\"'");
		} else {
			sb_init(&one, p->a);
			go_quote(&one, k->buf + i, w);
			sb_addc(&q, '\'');
			sb_add(&q, one.buf + 1, one.len - 2);
			sb_addc(&q, '\'');
		}
		i += w;
	}
	sb_addc(&q, ']');
	return sb_str(&q);
}

static void sv_set(svp *p, vmap *data, const strbuf *k, value v)
{
	if (k->len)
		map_set(p->a, data, k->buf, k->len, v);
}

/* ---- typed values ---- */

/* strings.EqualFold against a lowercase ASCII word (ſ folds to s, K sign to k). */
static bool fold_eq(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	for (; *word; word++) {
		if (i >= n)
			return false;
		size_t w;
		int r = utf8_decode((const unsigned char *)s + i, n - i, &w);
		i += w;
		if (r >= 'A' && r <= 'Z')
			r += 'a' - 'A';
		if (r == 0x17F)
			r = 's';
		if (r == 0x212A)
			r = 'k';
		if (r != *word)
			return false;
	}
	return i == n;
}

/* strconv.ParseInt(s, 10, 64) */
static bool parse_int64(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, lim;
	if (n && (s[0] == '+' || s[0] == '-'))
		neg = s[0] == '-', i = 1;
	if (i == n)
		return false;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* typedVal */
static value typed_val(svp *p, const strbuf *k)
{
	const char *s = k->buf ? k->buf : "";
	int64_t i;
	if (p->mode == SV_STRING)
		return v_str(p->a, s, k->len);
	if (fold_eq(s, k->len, "true"))
		return v_bool(true);
	if (fold_eq(s, k->len, "false"))
		return v_bool(false);
	if (fold_eq(s, k->len, "null"))
		return v_nil();
	if (k->len == 1 && s[0] == '0')
		return v_int64(0);
	if (k->len && s[0] != '0' && parse_int64(s, k->len, &i))
		return v_int64(i);
	return v_str(p->a, s, k->len);
}

/* t.reader: typed or string for --set/--set-string, the file's bytes for --set-file. */
static int sv_reader(svp *p, const strbuf *rs, value *out)
{
	const char *data, *err = NULL;
	size_t len;
	if (p->mode != SV_FILE) {
		*out = typed_val(p, rs);
		return SV_OK;
	}
	*out = v_nil();
	if (!p->reader)
		return sv_fail(p, "no file reader");
	const char *path = arena_strndup(p->a, rs->buf ? rs->buf : "", rs->len);
	if (p->reader(p->a, path, &data, &len, &err, p->ud) != 0)
		return sv_fail(p, err ? err : "read error");
	*out = v_str(p->a, data, len);
	return SV_OK;
}

/* ---- lists ---- */

/* setIndex: stores v at index, growing the list with nils (a new list, as Go's make+copy). */
static int set_index(svp *p, vlist **list, int64_t index, value v)
{
	if (index < 0)
		return sv_fail(
		    p, arena_sprintf(p->a, "negative %lld index not allowed", (long long)index));
	if (index > MAX_INDEX)
		return sv_fail(
		    p, arena_sprintf(p->a,
				     "index of %lld is greater than maximum supported index of %d",
				     (long long)index, MAX_INDEX));
	vlist *l = *list;
	if (!l || l->len <= (uint64_t)index) {
		vlist *nl = v_list_new(p->a, (uint32_t)index + 1).u.l;
		for (uint32_t i = 0; i <= (uint32_t)index; i++)
			list_push(p->a, nl, i < (l ? l->len : 0) ? l->items[i] : v_nil());
		*list = l = nl;
	}
	l->items[index] = v;
	return SV_OK;
}

/* strconv.Atoi's result or its error text. */
static int sv_atoi(svp *p, const strbuf *v, int64_t *out)
{
	const char *s = v->buf ? v->buf : "";
	size_t i = (v->len && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
	bool digits = i < v->len;
	for (size_t j = i; j < v->len; j++)
		digits = digits && s[j] >= '0' && s[j] <= '9';
	if (digits && parse_int64(s, v->len, out))
		return SV_OK;
	return sv_fail(p, arena_sprintf(p->a, "error parsing index: strconv.Atoi: parsing %s: %s",
					quoted(p, v),
					digits ? "value out of range" : "invalid syntax"));
}

/* keyIndex: the number up to ']' */
static int sv_key_index(svp *p, int64_t *out)
{
	strbuf v;
	int last;
	if (sv_until(p, "]", &v, &last, p->mode == SV_LITERAL) == SV_EOF)
		return sv_fail(p, "error parsing index: EOF");
	return sv_atoi(p, &v, out);
}

/* valList: `{a,b}`; SV_NOTLIST when the value does not start with '{'. */
static int sv_val_list(svp *p, vlist **out)
{
	strbuf rs;
	int last, r = sv_read(p);
	value v;
	if (r < 0)
		return SV_EOF;
	if (r != '{') {
		sv_unread(p);
		return SV_NOTLIST;
	}
	*out = v_list_new(p->a, 4).u.l;
	for (;;) {
		if (sv_until(p, ",}", &rs, &last, false) == SV_EOF)
			return sv_fail(p, "list must terminate with '}'");
		if (last == '}') {
			r = sv_read(p);
			if (r >= 0 && r != ',')
				sv_unread(p);
		}
		int rc = sv_reader(p, &rs, &v);
		if (rc == SV_OK || last == '}')
			list_push(p->a, *out, v);
		if (rc != SV_OK || last == '}')
			return rc;
	}
}

/* ---- --set-json: the extent of one JSON value, by encoding/json's scanner ---- */

static bool json_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t json_skip_ws(const unsigned char *s, size_t n, size_t i)
{
	while (i < n && json_ws(s[i]))
		i++;
	return i;
}

static bool is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string starting at s[i] == '"'; returns the index after it or 0 on error. */
static size_t json_string(const unsigned char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '"')
			return i + 1;
		if (s[i] < 0x20)
			return 0;
		if (s[i] != '\\')
			continue;
		if (++i >= n)
			return 0;
		if (s[i] == 'u') {
			for (int k = 0; k < 4; k++)
				if (++i >= n || !is_hex(s[i]))
					return 0;
		} else if (!strchr("\"\\/bfnrt", s[i]) || !s[i]) {
			return 0;
		}
	}
	return 0;
}

static size_t json_digits(const unsigned char *s, size_t n, size_t i)
{
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* A number; returns the index after it or 0 on error. */
static size_t json_number(const unsigned char *s, size_t n, size_t i)
{
	size_t j;
	if (s[i] == '-')
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return 0;
	i = s[i] == '0' ? i + 1 : json_digits(s, n, i);
	if (i < n && s[i] == '.') {
		j = json_digits(s, n, i + 1);
		if (j == i + 1)
			return 0;
		i = j;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		j = json_digits(s, n, i);
		if (j == i)
			return 0;
		i = j;
	}
	return i;
}

/* A scalar (string, number, literal) at s[i]; returns the index after it or 0. */
static size_t json_scalar(const unsigned char *s, size_t n, size_t i)
{
	static const char *const lits[] = {"true", "false", "null"};
	if (i >= n)
		return 0;
	if (s[i] == '"')
		return json_string(s, n, i);
	if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9'))
		return json_number(s, n, i);
	for (size_t k = 0; k < 3; k++) {
		size_t l = strlen(lits[k]);
		if (n - i >= l && !memcmp(s + i, lits[k], l))
			return i + l;
	}
	return 0;
}

/* Finds where the JSON value starting at s[0] ends; returns that length or 0 on error. */
static size_t json_extent(arena *a, const unsigned char *s, size_t n)
{
	char *stack = NULL;
	int depth = 0;
	size_t i = json_skip_ws(s, n, 0);
	for (;;) {
		/* a value starts at i */
		if (i < n && (s[i] == '{' || s[i] == '[')) {
			if (!stack)
				stack = arena_alloc(a, JSON_MAX_DEPTH + 1);
			if (depth >= JSON_MAX_DEPTH)
				return 0;
			stack[depth++] = (char)s[i];
			i = json_skip_ws(s, n, i + 1);
			if (i < n && s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
				depth--, i++;
				goto after;
			}
			if (stack[depth - 1] == '[')
				continue;
			goto key;
		}
		if (!(i = json_scalar(s, n, i)))
			return 0;
	after:
		if (depth == 0)
			return i;
		i = json_skip_ws(s, n, i);
		if (i < n && s[i] == (stack[depth - 1] == '{' ? '}' : ']')) {
			depth--, i++;
			goto after;
		}
		if (i >= n || s[i] != ',')
			return 0;
		i = json_skip_ws(s, n, i + 1);
		if (stack[depth - 1] == '[')
			continue;
	key:
		if (i >= n || s[i] != '"' || !(i = json_string(s, n, i)))
			return 0;
		i = json_skip_ws(s, n, i);
		if (i >= n || s[i] != ':')
			return 0;
		i = json_skip_ws(s, n, i + 1);
	}
}

/* emptyVal: skips spaces; true at the end or after a comma (consumed). */
static bool sv_empty_val(svp *p)
{
	for (;;) {
		int r = sv_read(p);
		if (r < 0 || r == ',')
			return true;
		if (!is_space(r)) {
			sv_unread(p);
			return false;
		}
	}
}

/* The JSON value after '=' (nil when empty), then the blanks and comma after it. */
static int sv_json_value(svp *p, value *out)
{
	const char *err;
	*out = v_nil();
	if (sv_empty_val(p))
		return SV_OK;
	size_t len = json_extent(p->a, p->s + p->pos, p->n - p->pos);
	if (!len)
		return sv_fail(p, "invalid JSON value");
	if (json_parse(p->a, (const char *)p->s + p->pos, len, out, &err) != 0)
		return sv_fail(p, err ? err : "invalid JSON value");
	p->pos += len;
	sv_empty_val(p);
	return SV_OK;
}

/* ---- keys ---- */

static int sv_key(svp *p, vmap *data, int level);

/* The value after `key=` or `key[i]=`: *out set; returns SV_OK, SV_EOF (value "") or an error. */
static int sv_value(svp *p, value *out)
{
	strbuf rs;
	int last;
	vlist *l = NULL;
	if (p->mode == SV_JSON)
		return sv_json_value(p, out);
	if (p->mode == SV_LITERAL) {
		sv_until(p, "", &rs, &last, true);
		*out = v_str(p->a, rs.buf ? rs.buf : "", rs.len);
		return SV_OK;
	}
	int rc = sv_val_list(p, &l);
	if (rc == SV_OK || rc == SV_EOF) {
		*out = rc == SV_OK ? (value){.kind = V_LIST, .u.l = l} : v_str_static("", 0);
		return rc;
	}
	if (rc != SV_NOTLIST)
		return rc;
	sv_until(p, ",", &rs, &last, false);
	return sv_reader(p, &rs, out);
}

/* listItem: what follows `[i]`. */
static int sv_list_item(svp *p, vlist **list, int64_t i, int level)
{
	strbuf k;
	int last;
	value v;
	vlist *l = *list;
	if (i < 0)
		return sv_fail(
		    p, arena_sprintf(p->a, "negative %lld index not allowed", (long long)i));
	int rc = sv_until(p, "[.=", &k, &last, p->mode == SV_LITERAL);
	if (k.len > 0)
		return sv_fail(p, arena_sprintf(p->a, "unexpected data at end of array index: %s",
						quote_runes(p, &k)));
	if (rc == SV_EOF)
		return SV_EOF;
	if (last == '=') {
		rc = sv_value(p, &v);
		if (rc == SV_ERR)
			return rc;
		return set_index(p, list, i, v);
	}
	if (last == '[') {
		int64_t next;
		vlist *crt = NULL;
		if ((rc = sv_key_index(p, &next)) != SV_OK)
			return rc;
		if (l && l->len > i && l->items[i].kind != V_NIL) {
			if (l->items[i].kind != V_LIST)
				return sv_assert_fail(p, l->items[i], GT_LIST);
			crt = l->items[i].u.l;
		}
		if ((rc = sv_list_item(p, &crt, next, level)) != SV_OK)
			return rc;
		return set_index(p, list, i, (value){.kind = V_LIST, .u.l = crt});
	}
	value inner = v_map_new(p->a);
	if (l && l->len > i) {
		if (l->items[i].kind == V_MAP)
			inner = l->items[i];
		else
			l->items[i] = inner;
	}
	if ((rc = sv_key(p, inner.u.m, level)) != SV_OK)
		return rc;
	return set_index(p, list, i, inner);
}

/* `key[`: find or make the list, then the item. */
static int sv_key_list(svp *p, vmap *data, const strbuf *k, int level)
{
	int64_t i;
	int rc = sv_key_index(p, &i);
	vlist *list;
	if (rc != SV_OK)
		return rc;
	value *cur = map_get(data, k->buf ? k->buf : "", k->len);
	if (cur && cur->kind != V_LIST)
		return sv_assert_fail(p, *cur, GT_LIST);
	list = cur ? cur->u.l : v_list_new(p->a, 0).u.l;
	rc = sv_list_item(p, &list, i, level);
	sv_set(p, data, k, (value){.kind = V_LIST, .u.l = list});
	return rc;
}

/* `key.`: find or make the map, then recurse. */
static int sv_key_map(svp *p, vmap *data, const strbuf *k, int level)
{
	if (++level > MAX_NESTED_NAME_LEVEL)
		return sv_fail(p, arena_sprintf(p->a,
						"value name nested level is greater than maximum "
						"supported nested level of %d",
						MAX_NESTED_NAME_LEVEL));
	value *cur = map_get(data, k->buf ? k->buf : "", k->len);
	if (cur && cur->kind != V_MAP)
		return sv_assert_fail(p, *cur, GT_MAP);
	value inner = cur ? *cur : v_map_new(p->a);
	int rc = sv_key(p, inner.u.m, level);
	if (rc == SV_OK && inner.u.m->len == 0)
		return sv_fail(p, arena_sprintf(p->a, "key map %s has no value", quoted(p, k)));
	if (inner.u.m->len)
		sv_set(p, data, k, inner);
	return rc;
}

static int sv_key(svp *p, vmap *data, int level)
{
	strbuf k;
	int last;
	value v;
	bool literal = p->mode == SV_LITERAL;
	int rc = sv_until(p, literal ? "=[." : "=[,.", &k, &last, literal);
	if (rc == SV_EOF) {
		if (k.len == 0)
			return SV_EOF;
		return sv_fail(p, arena_sprintf(p->a, "key %s has no value", quoted(p, &k)));
	}
	switch (last) {
	case '[':
		return sv_key_list(p, data, &k, level);
	case '.':
		return sv_key_map(p, data, &k, level);
	case ',':
		sv_set(p, data, &k, v_str_static("", 0));
		return sv_fail(p, arena_sprintf(p->a, "key %s has no value (cannot end with ,)",
						quoted(p, &k)));
	default:
		rc = sv_value(p, &v);
		if (rc != SV_ERR)
			sv_set(p, data, &k, v);
		return rc;
	}
}

int strvals_parse(arena *a, const char *arg, enum strvals_mode mode, vmap *dst,
		  strvals_reader reader, void *ud, const char **err)
{
	static const char *const flag[] = {
	    [SV_SET] = "--set",	      [SV_STRING] = "--set-string",   [SV_JSON] = "--set-json",
	    [SV_FILE] = "--set-file", [SV_LITERAL] = "--set-literal",
	};
	svp p = {.a = a,
		 .s = (const unsigned char *)arg,
		 .n = strlen(arg),
		 .mode = mode,
		 .reader = reader,
		 .ud = ud};
	int rc;
	while ((rc = sv_key(&p, dst, 0)) == SV_OK)
		;
	if (rc == SV_EOF)
		return 0;
	if (mode == SV_JSON)
		*err = arena_sprintf(a, "failed parsing %s data %s", flag[mode], arg);
	else
		*err = arena_sprintf(a, "failed parsing %s data: %s", flag[mode], p.err);
	return -1;
}
