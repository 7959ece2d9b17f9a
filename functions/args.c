/* args.c - Go's conversion rules for Sprig's arguments (spf13/cast, strconv, fmt).
 *
 * Parsing follows strconv's grammar exactly (base prefixes, underscores, no
 * spaces) because charts depend on the corners: `int "010"` is 8, `int "1.0"`
 * is 1, `float64 "0x10"` is 0. Unicode classes come from glibc's C.UTF-8
 * locale, opened once and then only read.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "../values/gofmt.h"
#include "args.h"
#include "unicat.h"

static char lower(char c)
{
	return (char)(c | 0x20);
}

/* strconv's underscoreOK: underscores only between digits (or after a base prefix). */
static bool underscore_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	bool hex = false;
	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' && strchr("box", lower(s[1]))) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		char c = s[i];
		if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
			saw = '0';
		} else if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
		} else {
			if (saw == '_')
				return false;
			saw = '!';
		}
	}
	return saw != '_';
}

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (lower(c) >= 'a' && lower(c) <= 'z')
		return lower(c) - 'a' + 10;
	return 99;
}

/* strconv.ParseUint(s, base, 64). */
static bool parse_uint(const char *s, size_t n, int base, uint64_t *out)
{
	const char *s0 = s;
	size_t n0 = n;
	bool base0 = base == 0, unders = false;
	if (n == 0)
		return false;
	if (base0) {
		base = 10;
		if (s[0] == '0') {
			char p = n >= 3 ? lower(s[1]) : 0;
			base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 8;
			size_t skip = (p == 'b' || p == 'o' || p == 'x') ? 2 : 1;
			s += skip;
			n -= skip;
		}
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_' && base0) {
			unders = true;
			continue;
		}
		int d = digit_val(s[i]);
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (unders && !underscore_ok(s0, n0))
		return false;
	*out = v;
	return true;
}

bool arg_parse_int(const char *s, size_t n, int base, int64_t *out)
{
	bool neg = false;
	uint64_t u;
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (!parse_uint(s, n, base, &u))
		return false;
	if (neg ? u > (uint64_t)1 << 63 : u >= (uint64_t)1 << 63)
		return false;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

/* "inf", "+Infinity", "NaN"... as strconv's special() accepts them. */
static bool parse_special(const char *s, size_t n, double *out)
{
	double sign = 1;
	size_t i = 0;
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		sign = s[0] == '-' ? -1 : 1;
		i = 1;
	}
	if ((n - i == 3 || n - i == 8) && strncasecmp(s + i, "infinity", n - i) == 0) {
		*out = sign * INFINITY;
		return true;
	}
	if (i == 0 && n == 3 && strncasecmp(s, "nan", 3) == 0) {
		*out = NAN;
		return true;
	}
	return false;
}

/* Checks strconv's float grammar; returns false on anything strtod would be laxer about. */
static bool float_syntax(const char *s, size_t n, bool *unders)
{
	size_t i = 0;
	int digits = 0;
	bool hex = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i + 1 < n && s[i] == '0' && lower(s[i + 1]) == 'x') {
		hex = true;
		i += 2;
	}
	for (bool dot = false; i < n; i++) {
		if (s[i] == '_') {
			*unders = true;
		} else if (s[i] == '.' && !dot) {
			dot = true;
		} else if (digit_val(s[i]) < (hex ? 16 : 10)) {
			digits++;
		} else {
			break;
		}
	}
	if (digits == 0)
		return false;
	if (i < n && lower(s[i]) == (hex ? 'p' : 'e')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t e0 = i;
		for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			*unders |= s[i] == '_';
		if (i == e0)
			return false;
	} else if (hex) {
		return false;
	}
	return i == n;
}

bool arg_parse_float(const char *s, size_t n, double *out)
{
	bool unders = false;
	if (parse_special(s, n, out))
		return true;
	if (!float_syntax(s, n, &unders) || (unders && !underscore_ok(s, n)))
		return false;
	char *buf = xmalloc(n + 1), *end;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			buf[k++] = s[i];
	buf[k] = 0;
	errno = 0;
	double f = strtod(buf, &end);
	bool ok = *end == 0 && !(errno == ERANGE && isinf(f));
	free(buf);
	if (ok)
		*out = f;
	return ok;
}

int64_t arg_f2i(double f)
{
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)f;
}

/* cast's trimZeroDecimal: "10.00" -> "10"; "10.5" and "1." stay. */
static size_t trim_zero_decimal(const char *s, size_t n)
{
	bool zero = false;
	for (size_t i = n; i > 0; i--) {
		if (s[i - 1] == '.') {
			return zero ? i - 1 : n;
		} else if (s[i - 1] == '0') {
			zero = true;
		} else {
			return n;
		}
	}
	return n;
}

int64_t arg_int64(value v)
{
	int64_t r = 0;
	switch ((enum vkind)v.kind) {
	case V_INT:
	case V_INT64:
		return v.u.i;
	case V_FLOAT:
		return arg_f2i(v.u.f);
	case V_BOOL:
		return v.u.b;
	case V_STRING:
		return arg_parse_int(v.u.s, trim_zero_decimal(v.u.s, v.len), 0, &r) ? r : 0;
	default:
		return 0;
	}
}

double arg_float64(value v)
{
	double f = 0;
	switch ((enum vkind)v.kind) {
	case V_INT:
	case V_INT64:
		return (double)v.u.i;
	case V_FLOAT:
		return v.u.f;
	case V_BOOL:
		return v.u.b;
	case V_STRING:
		return arg_parse_float(v.u.s, v.len, &f) ? f : 0;
	default:
		return 0;
	}
}

value arg_strval(arena *a, value v)
{
	if (v.kind == V_STRING)
		return v;
	strbuf sb;
	sb_init(&sb, a);
	go_print_value(&sb, v);
	return arg_sbval(&sb);
}

value arg_strslice(arena *a, value v)
{
	if (v.kind == V_LIST && v.u.l->gotype == GT_STRLIST)
		return v;
	value out = v_list_new(a, v.kind == V_LIST ? v.u.l->len : 1);
	out.u.l->gotype = GT_STRLIST;
	if (v.kind == V_LIST) {
		for (uint32_t i = 0; i < v.u.l->len; i++)
			if (v.u.l->items[i].kind != V_NIL)
				list_push(a, out.u.l, arg_strval(a, v.u.l->items[i]));
	} else if (v.kind != V_NIL) {
		list_push(a, out.u.l, arg_strval(a, v));
	}
	return out;
}

const char *arg_kind(value v)
{
	return value_kind(v);
}

static bool deep_equal(value x, value y, int depth)
{
	if (x.kind != y.kind || depth > 1000)
		return false;
	switch ((enum vkind)x.kind) {
	case V_NIL:
		return true;
	case V_BOOL:
		return x.u.b == y.u.b;
	case V_INT:
	case V_INT64:
		return x.u.i == y.u.i;
	case V_FLOAT:
		return x.u.f == y.u.f;
	case V_STRING:
		return x.len == y.len && memcmp(x.u.s, y.u.s, x.len) == 0;
	case V_LIST:
		if (strcmp(x.u.l->gotype, y.u.l->gotype) || x.u.l->len != y.u.l->len)
			return false;
		for (uint32_t i = 0; i < x.u.l->len; i++)
			if (!deep_equal(x.u.l->items[i], y.u.l->items[i], depth + 1))
				return false;
		return true;
	case V_MAP:
		if (strcmp(x.u.m->gotype, y.u.m->gotype) || x.u.m->len != y.u.m->len)
			return false;
		for (uint32_t i = 0; i < x.u.m->len; i++) {
			const ventry *e = &x.u.m->e[i], *f = &y.u.m->e[i];
			if (e->klen != f->klen || memcmp(e->key, f->key, e->klen) ||
			    !deep_equal(e->val, f->val, depth + 1))
				return false;
		}
		return true;
	case V_OBJ:
		return x.u.o->cls == y.u.o->cls && x.u.o->data == y.u.o->data;
	}
	return false;
}

bool arg_deep_equal(value x, value y)
{
	return deep_equal(x, y, 0);
}

value arg_sbval(strbuf *sb)
{
	if (sb->len == 0)
		return v_str_static("", 0);
	sb_str(sb);
	return v_str_static(sb->buf, sb->len);
}

void arg_check_bytes(fnctx *c, uint64_t n)
{
	if (n > ARGS_MAX_BYTES)
		fn_fail(c, "result too large: over the limit of %zu bytes", ARGS_MAX_BYTES);
}

void arg_check_items(fnctx *c, uint64_t n)
{
	if (n > ARGS_MAX_ITEMS)
		fn_fail(c, "result too large: over the limit of %d items", ARGS_MAX_ITEMS);
}

int32_t utf8_decode(const char *str, size_t n, int *size)
{
	const unsigned char *s = (const unsigned char *)str;
	static const struct {
		unsigned char lead_max, len, lo, hi; /* second byte range */
		int32_t mask;
	} forms[] = {
	    {0xC1, 0, 0, 0, 0},		 {0xDF, 2, 0x80, 0xBF, 0x1F}, {0xE0, 3, 0xA0, 0xBF, 0x0F},
	    {0xEC, 3, 0x80, 0xBF, 0x0F}, {0xED, 3, 0x80, 0x9F, 0x0F}, {0xEF, 3, 0x80, 0xBF, 0x0F},
	    {0xF0, 4, 0x90, 0xBF, 0x07}, {0xF3, 4, 0x80, 0xBF, 0x07}, {0xF4, 4, 0x80, 0x8F, 0x07},
	};
	*size = 1;
	if (n == 0)
		return 0xFFFD;
	if (s[0] < 0x80)
		return s[0];
	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (s[0] > forms[f].lead_max)
			continue;
		int len = forms[f].len;
		if (len == 0 || n < (size_t)len || s[1] < forms[f].lo || s[1] > forms[f].hi)
			return 0xFFFD;
		int32_t r = s[0] & forms[f].mask;
		for (int i = 1; i < len; i++) {
			if (i > 1 && (s[i] & 0xC0) != 0x80)
				return 0xFFFD;
			r = (r << 6) | (s[i] & 0x3F);
		}
		*size = len;
		return r;
	}
	return 0xFFFD;
}

void utf8_put(strbuf *sb, int32_t r)
{
	char b[4];
	if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = 0xFFFD;
	if (r < 0x80) {
		sb_addc(sb, (char)r);
		return;
	}
	int n = r < 0x800 ? 2 : r < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
	for (int i = n - 1; i > 0; i--, r >>= 6)
		b[i] = (char)(0x80 | (r & 0x3F));
	b[0] = (char)(lead[n] | r);
	sb_add(sb, b, (size_t)n);
}

static pthread_once_t loc_once = PTHREAD_ONCE_INIT;
static locale_t loc;

static void loc_open(void)
{
	loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t utf8_locale(void)
{
	pthread_once(&loc_once, loc_open);
	return loc;
}

bool uni_is_space(int32_t r)
{
	if (r < 0x100)
		return (r >= 9 && r <= 13) || r == ' ' || r == 0x85 || r == 0xA0;
	return r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 ||
	       r == 0x202F || r == 0x205F || r == 0x3000;
}

/* Title-case letters: the Latin digraphs and a few Greek forms. */
bool uni_is_title(int32_t r)
{
	return r == 0x1C5 || r == 0x1C8 || r == 0x1CB || r == 0x1F2 ||
	       (r >= 0x1F88 && r <= 0x1FAF && (r & 8)) || r == 0x1FBC || r == 0x1FCC || r == 0x1FFC;
}

bool uni_is_upper(int32_t r)
{
	if (r < 0x80)
		return r >= 'A' && r <= 'Z';
	return unicat_is(UC_UPPER, r);
}

bool uni_is_lower(int32_t r)
{
	if (r < 0x80)
		return r >= 'a' && r <= 'z';
	return unicat_is(UC_LOWER, r);
}

bool uni_is_letter(int32_t r)
{
	if (r < 0x80)
		return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
	return unicat_is(UC_LETTER, r);
}

bool uni_is_digit(int32_t r)
{
	return r >= '0' && r <= '9';
}

bool uni_is_number(int32_t r)
{
	if (r < 0x80)
		return uni_is_digit(r);
	return unicat_is(UC_NUMBER, r);
}

/* Go's punctuation (category P): ASCII symbols such as $ + < = > ^ ` | ~ are not punctuation. */
bool uni_is_punct(int32_t r)
{
	if (r < 0x80)
		return r > ' ' && r < 0x7F && strchr("!\"#%&'()*,-./:;?@[\\]_{}", r) != NULL;
	return unicat_is(UC_PUNCT, r);
}

int32_t uni_to_upper(int32_t r)
{
	if (r < 0x80)
		return (r >= 'a' && r <= 'z') ? r - 32 : r;
	locale_t l = utf8_locale();
	return l ? (int32_t)towupper_l((wint_t)r, l) : r;
}

int32_t uni_to_lower(int32_t r)
{
	if (r < 0x80)
		return (r >= 'A' && r <= 'Z') ? r + 32 : r;
	locale_t l = utf8_locale();
	return l ? (int32_t)towlower_l((wint_t)r, l) : r;
}

int32_t uni_to_title(int32_t r)
{
	static const int32_t digraphs[][2] = {
	    {0x1C4, 0x1C5}, {0x1C5, 0x1C5}, {0x1C6, 0x1C5}, {0x1C7, 0x1C8},
	    {0x1C8, 0x1C8}, {0x1C9, 0x1C8}, {0x1CA, 0x1CB}, {0x1CB, 0x1CB},
	    {0x1CC, 0x1CB}, {0x1F1, 0x1F2}, {0x1F2, 0x1F2}, {0x1F3, 0x1F2},
	};
	for (size_t i = 0; i < sizeof(digraphs) / sizeof(digraphs[0]); i++)
		if (digraphs[i][0] == r)
			return digraphs[i][1];
	return uni_to_upper(r);
}
