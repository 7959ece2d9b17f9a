/* regex.c - Sprig's regex functions, with Go's RE2 syntax on top of PCRE2.
 *
 * A pattern is first read as Go's regexp/syntax reads it: what Go rejects
 * (backreferences, lookarounds, possessive quantifiers, \Z, repeat counts over
 * 1000...) fails with Go's error text, and what Go accepts is rewritten into an
 * equivalent PCRE2 pattern (octal and \v escapes, literal braces, Go's \s). The
 * match loops copy Go's FindAll, ReplaceAll, Split and Expand rules for empty
 * matches. This is the only file that includes pcre2.h; match limits make a
 * pathological pattern fail instead of hanging.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "../values/pcre2_lazy.h"
#include <stdlib.h>
#include <string.h>

#include "../values/gofmt.h"
#include "../values/strbuf.h"
#include "functions.h"
#include "regex.h"

/* ---- Go syntax check and translation ---- */

typedef struct rxparse {
	const char *pat, *end; /* the whole Go pattern */
	strbuf *out;	       /* the PCRE2 pattern */
	arena *a;
	const char *err; /* Go's error text, once failed */
	int depth;	 /* open groups */
	/* Go's repeatIsValid: the largest product of nested {n,m} counts in the last item
	 * and in each open group (index depth), at most 1000 */
	long item, *grp;
} rxparse;

static bool rp_fail(rxparse *p, const char *code, const char *from, size_t n)
{
	if (!p->err)
		p->err =
		    arena_sprintf(p->a, "error parsing regexp: %s: `%.*s`", code, (int)n, from);
	return false;
}

static void sb_insert(strbuf *sb, size_t at, const char *s)
{
	size_t n = strlen(s);
	sb_grow(sb, n);
	memmove(sb->buf + at + n, sb->buf + at, sb->len - at);
	memcpy(sb->buf + at, s, n);
	sb->len += n;
}

static bool is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Width of the UTF-8 sequence at s (1 for an invalid byte), as Go's DecodeRune. */
static size_t rune_width(const char *s, const char *end)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t left = (size_t)(end - s), n;
	if (left == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	n = u[0] >= 0xf0 && u[0] < 0xf5	  ? 4
	    : u[0] >= 0xe0		  ? 3
	    : u[0] >= 0xc2 && u[0] < 0xe0 ? 2
					  : 1;
	if (n > left)
		return 1;
	for (size_t i = 1; i < n; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Go's parseEscape for a rune-producing escape at *sp ('\\' first). Sets *r. */
static bool rp_escape(rxparse *p, const char **sp, long *r)
{
	const char *s = *sp, *t = s + 1;
	if (t >= p->end)
		return rp_fail(p, "trailing backslash at end of expression", "", 0);
	int c = (unsigned char)*t++;
	static const char simple[] = "a\af\fn\nr\rt\tv\v";
	const char *q;
	if (c < 0x80 && !is_alnum(c)) {
		*r = c;
	} else if (c >= '1' && c <= '7' && (t >= p->end || *t < '0' || *t > '7')) {
		return rp_fail(p, "invalid escape sequence", s, (size_t)(t - s));
	} else if (c >= '0' && c <= '7') {
		*r = c - '0';
		for (int i = 1; i < 3 && t < p->end && *t >= '0' && *t <= '7'; i++)
			*r = *r * 8 + (*t++ - '0');
	} else if (c == 'x' && t < p->end && *t == '{') {
		int nhex = 0;
		*r = 0;
		for (t++; t < p->end && *t != '}'; t++, nhex++)
			if (hexval((unsigned char)*t) < 0 ||
			    (*r = *r * 16 + hexval((unsigned char)*t)) > 0x10ffff)
				return rp_fail(p, "invalid escape sequence", s,
					       (size_t)(t + 1 - s));
		if (t >= p->end || nhex == 0)
			return rp_fail(p, "invalid escape sequence", s,
				       (size_t)(t + (t < p->end) - s));
		t++;
	} else if (c == 'x' && t < p->end) {
		int x = hexval((unsigned char)*t++);
		int y = t < p->end ? hexval((unsigned char)*t) : -1;
		t += t < p->end;
		if (x < 0 || y < 0)
			return rp_fail(p, "invalid escape sequence", s, (size_t)(t - s));
		*r = x * 16 + y;
	} else if (c < 0x80 && (q = strchr(simple, c)) && (q - simple) % 2 == 0) {
		*r = (unsigned char)q[1];
	} else {
		t = s + 1 + rune_width(s + 1, p->end);
		return rp_fail(p, "invalid escape sequence", s, (size_t)(t - s));
	}
	*sp = t;
	return true;
}

static void emit_rune(rxparse *p, long r)
{
	if (r < 0x80 && is_alnum((int)r))
		sb_addc(p->out, (char)r);
	else
		sb_addf(p->out, "\\x{%lx}", r);
}

static const char *const posix_names[] = {"alnum", "alpha", "ascii", "blank",  "cntrl",
					  "digit", "graph", "lower", "print",  "punct",
					  "space", "upper", "word",  "xdigit", NULL};

/* `[:name:]` or `[:^name:]` inside a class at s; 0 if not one, -1 on error, else its length. */
static int rp_posix(rxparse *p, const char *s)
{
	if (p->end - s < 3 || s[0] != '[' || s[1] != ':')
		return 0;
	const char *close = memmem(s + 2, (size_t)(p->end - s - 2), ":]", 2);
	if (!close)
		return 0;
	const char *name = s + 2 + (s[2] == '^');
	size_t n = (size_t)(close - name);
	for (int i = 0; posix_names[i]; i++)
		if (strlen(posix_names[i]) == n && !memcmp(posix_names[i], name, n)) {
			sb_add(p->out, s, (size_t)(close + 2 - s));
			return (int)(close + 2 - s);
		}
	rp_fail(p, "invalid character class range", s, (size_t)(close + 2 - s));
	return -1;
}

/* \p{Name}, \pL, \P...; returns the bytes used (copied as is for PCRE2). */
static size_t rp_uniclass(rxparse *p, const char *s)
{
	const char *t = s + 2;
	if (t >= p->end)
		return rp_fail(p, "invalid character class range", s, (size_t)(t - s)), 0;
	if (*t == '{') {
		const char *close = memchr(t, '}', (size_t)(p->end - t));
		if (!close)
			return rp_fail(p, "invalid character class range", s, (size_t)(p->end - s)),
			       0;
		t = close + 1;
	} else {
		t += rune_width(t, p->end);
	}
	int code;
	PCRE2_SIZE off;
	pcre2_code *probe =
	    pcre2_compile((PCRE2_SPTR)s, (size_t)(t - s), PCRE2_UTF, &code, &off, NULL);
	if (!probe)
		return rp_fail(p, "invalid character class range", s, (size_t)(t - s)), 0;
	pcre2_code_free(probe);
	sb_add(p->out, s, (size_t)(t - s));
	return (size_t)(t - s);
}

/* A class escape (\d \s \w, their negations, \p) at s; 0 if not one. */
static size_t rp_class_escape(rxparse *p, const char *s, bool in_class)
{
	if (p->end - s < 2 || s[0] != '\\')
		return 0;
	switch (s[1]) {
	case 'd':
	case 'D':
	case 'w':
	case 'W':
		sb_add(p->out, s, 2);
		return 2;
	case 's':
		sb_adds(p->out, in_class ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]");
		return 2;
	case 'S':
		sb_adds(p->out, in_class ? "\\S" : "[^\\t\\n\\f\\r ]");
		return 2;
	case 'p':
	case 'P':
		return rp_uniclass(p, s);
	}
	return 0;
}

/* One class character (literal or escape); *r gets the rune. */
static bool rp_class_char(rxparse *p, const char **sp, const char *whole, long *r)
{
	const char *s = *sp;
	if (s >= p->end)
		return rp_fail(p, "missing closing ]", whole, (size_t)(p->end - whole));
	if (*s == '\\')
		return rp_escape(p, sp, r);
	size_t w = rune_width(s, p->end);
	if (w == 1)
		*r = (unsigned char)*s;
	else
		*r = -(long)(s - p->pat) - 1; /* multi-byte: copied as bytes */
	*sp = s + w;
	return true;
}

static void emit_class_char(rxparse *p, const char *from, const char *to, long r)
{
	if (r < 0)
		sb_add(p->out, from, (size_t)(to - from));
	else
		emit_rune(p, r);
}

static long rune_value(const char *s, long r)
{
	if (r >= 0)
		return r;
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0xe0)
		return (u[0] & 0x1f) << 6 | (u[1] & 0x3f);
	if (u[0] < 0xf0)
		return (u[0] & 0x0f) << 12 | (u[1] & 0x3f) << 6 | (u[2] & 0x3f);
	return (u[0] & 0x07) << 18 | (u[1] & 0x3f) << 12 | (u[2] & 0x3f) << 6 | (u[3] & 0x3f);
}

/* Go's parseClass: s points at '['. Returns the rest, or NULL on error. */
static const char *rp_class(rxparse *p, const char *s)
{
	const char *whole = s, *t = s + 1;
	sb_addc(p->out, '[');
	if (t < p->end && *t == '^')
		sb_addc(p->out, '^'), t++;
	for (bool first = true; t >= p->end || *t != ']' || first; first = false) {
		int k = rp_posix(p, t);
		size_t m = k ? 0 : rp_class_escape(p, t, true);
		if (k < 0 || p->err)
			return NULL;
		if (k > 0 || m > 0) {
			t += k > 0 ? (size_t)k : m;
			continue;
		}
		const char *lo_at = t;
		long lo, hi;
		if (!rp_class_char(p, &t, whole, &lo))
			return NULL;
		const char *lo_end = t;
		emit_class_char(p, lo_at, lo_end, lo);
		if (p->end - t >= 2 && t[0] == '-' && t[1] != ']') {
			const char *hi_at = ++t;
			if (!rp_class_char(p, &t, whole, &hi))
				return NULL;
			if (rune_value(hi_at, hi) < rune_value(lo_at, lo))
				return rp_fail(p, "invalid character class range", lo_at,
					       (size_t)(t - lo_at)),
				       NULL;
			sb_addc(p->out, '-');
			emit_class_char(p, hi_at, t, hi);
		}
	}
	sb_addc(p->out, ']');
	return t + 1;
}

/* Go's parseInt for repeat counts: no leading zeros; -1 when too big. */
static const char *rp_int(const char *s, const char *end, long *n)
{
	if (s >= end || *s < '0' || *s > '9' ||
	    (end - s >= 2 && s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
		return NULL;
	for (*n = 0; s < end && *s >= '0' && *s <= '9'; s++)
		*n = *n >= 100000000 || *n < 0 ? -1 : *n * 10 + (*s - '0');
	return s;
}

/* `{n}`, `{n,}`, `{n,m}` at s; NULL when it is not a repeat (then '{' is literal). */
static const char *rp_braces(const char *s, const char *end, long *min, long *max)
{
	const char *t = rp_int(s + 1, end, min);
	if (!t || t >= end)
		return NULL;
	if (*t == ',') {
		t++;
		if (t < end && *t == '}')
			*max = -1;
		else if (!(t = rp_int(t, end, max)))
			return NULL;
	} else {
		*max = *min;
	}
	return t < end && *t == '}' ? t + 1 : NULL;
}

/* A repetition operator at s; *last is the previous operator (NULL if the last item
 * was not a repetition), *can whether there is something to repeat. */
static const char *rp_repeat(rxparse *p, const char *s, const char **last, bool can)
{
	const char *t;
	long min = 0, max = 0;
	if (*s == '{') {
		t = rp_braces(s, p->end, &min, &max);
		if (!t)
			return NULL;
	} else {
		t = s + 1;
	}
	/* Go checks the count first, on the braces alone */
	if (*s == '{' && (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)))
		return rp_fail(p, "invalid repeat count", s, (size_t)(t - s)), NULL;
	bool lazy = t < p->end && *t == '?';
	t += lazy;
	if (*last)
		return rp_fail(p, "invalid nested repetition operator", *last, (size_t)(t - *last)),
		       NULL;
	if (!can)
		return rp_fail(p, "missing argument to repetition operator", s, (size_t)(t - s)),
		       NULL;
	long m = max < 0 ? min : max;
	if (*s == '{' && (min >= 2 || max >= 2) && m > 0 && p->item > 1000 / m)
		return rp_fail(p, "invalid repeat count", s, (size_t)(t - s)), NULL;
	if (*s == '{')
		p->item = m == 0 ? 0 : p->item * m;
	if (*s == '{' && max < 0)
		sb_addf(p->out, "{%ld,}", min);
	else if (*s == '{')
		sb_addf(p->out, "{%ld,%ld}", min, max);
	else
		sb_addc(p->out, *s);
	if (lazy)
		sb_addc(p->out, '?');
	*last = s;
	return t;
}

static bool valid_capture_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '_' && (unsigned char)s[i] < 0x80)
			return false;
	return true;
}

/* Go's parsePerlFlags at s ("(?..."). *opens is set when a group opens. */
static const char *rp_perl_group(rxparse *p, const char *s, bool *opens)
{
	const char *t = s + 2;
	size_t left = (size_t)(p->end - s);
	if ((left > 4 && s[2] == 'P' && s[3] == '<') || (left > 3 && s[2] == '<')) {
		const char *name = s + (s[2] == 'P' ? 4 : 3);
		const char *close = memchr(s, '>', left);
		if (!close)
			return rp_fail(p, "invalid named capture", s, left), NULL;
		if (!valid_capture_name(name, (size_t)(close - name)))
			return rp_fail(p, "invalid named capture", s, (size_t)(close + 1 - s)),
			       NULL;
		sb_addf(p->out, "(?<%.*s>", (int)(close - name), name);
		*opens = true;
		return close + 1;
	}
	bool neg = false, saw = false;
	for (; t < p->end; t++) {
		char c = *t;
		if (c == 'i' || c == 'm' || c == 's' || c == 'U') {
			saw = true;
		} else if (c == '-' && !neg) {
			neg = true;
			saw = false;
		} else if ((c == ':' || c == ')') && (!neg || saw)) {
			*opens = c == ':';
			if (t > s + 2 || *opens)
				sb_addf(p->out, "(?%.*s", (int)(t + 1 - (s + 2)), s + 2);
			return t + 1;
		} else {
			t += rune_width(t, p->end);
			break;
		}
	}
	return rp_fail(p, "invalid or unsupported Perl syntax", s,
		       (size_t)((t > p->end ? p->end : t) - s)),
	       NULL;
}

/* Escapes outside classes: assertions, \Q...\E, class escapes, runes. */
static const char *rp_backslash(rxparse *p, const char *s, bool *item)
{
	*item = true;
	if (p->end - s >= 2) {
		char c = s[1];
		if (c == 'A' || c == 'z' || c == 'b' || c == 'B') {
			sb_add(p->out, s, 2);
			return s + 2;
		}
		if (c == 'C')
			return rp_fail(p, "invalid escape sequence", s, 2), NULL;
		if (c == 'Q') {
			const char *lit = s + 2, *e = memmem(lit, (size_t)(p->end - lit), "\\E", 2);
			const char *stop = e ? e : p->end;
			for (const char *q = lit; q < stop; q++)
				if ((unsigned char)*q < 0x80 && !is_alnum((unsigned char)*q))
					sb_addf(p->out, "\\x{%x}", (unsigned char)*q);
				else
					sb_addc(p->out, *q);
			*item = stop > lit;
			return e ? e + 2 : p->end;
		}
	}
	size_t m = rp_class_escape(p, s, false);
	if (p->err)
		return NULL;
	if (m)
		return s + m;
	long r;
	const char *t = s;
	if (!rp_escape(p, &t, &r))
		return NULL;
	emit_rune(p, r);
	return t;
}

/* Reads the whole Go pattern; returns false with p->err set when Go rejects it. */
static bool rp_parse(rxparse *p)
{
	const char *s = p->pat, *last = NULL;
	bool can = false, is_assert = false;
	size_t item_at = 0;
	for (const char *q = s; q < p->end; q += rune_width(q, p->end))
		if ((unsigned char)*q >= 0x80 && rune_width(q, p->end) == 1)
			return rp_fail(p, "invalid UTF-8", p->pat, (size_t)(p->end - p->pat));
	while (s < p->end) {
		const char *was_last = last, *t = NULL;
		size_t at = p->out->len;
		bool was_assert = is_assert;
		last = NULL;
		is_assert = false;
		bool opens = false;
		switch (*s) {
		case '(':
			if (p->end - s >= 2 && s[1] == '?') {
				t = rp_perl_group(p, s, &opens);
				if (t && opens)
					p->depth++, can = false, p->grp[p->depth] = 0;
			} else {
				sb_addc(p->out, '(');
				p->depth++, can = false, t = s + 1;
				p->grp[p->depth] = 0;
			}
			break;
		case ')':
			if (p->depth == 0)
				return rp_fail(p, "unexpected )", p->pat,
					       (size_t)(p->end - p->pat));
			sb_addc(p->out, ')');
			p->item = p->grp[p->depth];
			p->depth--, can = true, t = s + 1;
			break;
		case '|':
			sb_addc(p->out, '|');
			can = false, t = s + 1;
			break;
		case '*':
		case '+':
		case '?':
		case '{':
			last = was_last;
			if (was_assert && can && !was_last &&
			    (*s != '{' || rp_braces(s, p->end, &(long){0}, &(long){0}))) {
				sb_insert(p->out, item_at, "(?:");
				sb_addc(p->out, ')');
			}
			t = rp_repeat(p, s, &last, can);
			if (!t && !p->err && *s == '{') {
				sb_adds(p->out, "\\{");
				last = NULL, can = true, t = s + 1, p->item = 1;
			}
			break;
		case '[':
			t = rp_class(p, s);
			can = true, p->item = 1;
			break;
		case '\\':
			t = rp_backslash(p, s, &can);
			p->item = 1;
			break;
		case '^':
		case '$':
		case '.':
			sb_addc(p->out, *s);
			can = true, t = s + 1, is_assert = *s != '.', p->item = 1;
			break;
		default:
			t = s + rune_width(s, p->end);
			sb_add(p->out, s, (size_t)(t - s));
			can = true, p->item = 1;
		}
		if (!t)
			return false;
		if (*s != '(' && *s != '|' && p->item > p->grp[p->depth])
			p->grp[p->depth] = p->item;
		if (*s == '\\' && t == s + 2 && strchr("AzbB", s[1]))
			is_assert = true;
		if (!last)
			item_at = at;
		s = t;
	}
	if (p->depth > 0)
		return rp_fail(p, "missing closing )", p->pat, (size_t)(p->end - p->pat));
	return true;
}

/* ---- compiled patterns ---- */

typedef struct rx {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	uint32_t ncap; /* groups including group 0 */
} rx;

/* Compiles a Go pattern; returns NULL, or Go's error text. */
static const char *rx_compile(arena *a, value pat, rx *r)
{
	strbuf out;
	sb_init(&out, a);
	rxparse p = {.pat = pat.u.s, .end = pat.u.s + pat.len, .out = &out, .a = a};
	p.grp = arena_alloc(a, (pat.len + 1) * sizeof *p.grp);
	p.grp[0] = 0;
	memset(r, 0, sizeof *r);
	if (!rp_parse(&p))
		return p.err;
	int code;
	PCRE2_SIZE off;
	uint32_t opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY |
			PCRE2_DUPNAMES | PCRE2_NEVER_BACKSLASH_C | PCRE2_ALLOW_EMPTY_CLASS |
			PCRE2_ALT_CIRCUMFLEX;
	r->code = pcre2_compile((PCRE2_SPTR)sb_str(&out), out.len, opts, &code, &off, NULL);
	if (!r->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		return arena_sprintf(a, "error parsing regexp: %s: `%.*s`", (char *)msg,
				     (int)pat.len, pat.u.s);
	}
	r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
	r->mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(r->mc, 5000000);
	pcre2_set_depth_limit(r->mc, 100000);
	pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &r->ncap);
	r->ncap++;
	return NULL;
}

static void rx_free(rx *r)
{
	pcre2_match_context_free(r->mc);
	pcre2_match_data_free(r->md);
	pcre2_code_free(r->code);
	memset(r, 0, sizeof *r);
}

/* Matches from pos; returns the ovector, NULL when there is no match; *fail on a limit. */
static PCRE2_SIZE *rx_exec(rx *r, value s, size_t pos, bool *fail)
{
	int rc = pcre2_match(r->code, (PCRE2_SPTR)s.u.s, s.len, pos, 0, r->md, r->mc);
	if (rc == PCRE2_ERROR_NOMATCH)
		return NULL;
	if (rc < 0) {
		*fail = true;
		return NULL;
	}
	return pcre2_get_ovector_pointer(r->md);
}

/* Go's allMatches: up to n matches (n < 0: all), each ncap*2 offsets in *out.
 * Returns the count, or -1 when PCRE2 gave up. */
static long rx_all(arena *a, rx *r, value s, long n, size_t **out)
{
	size_t cap = 8, count = 0, pos = 0, prev_end = SIZE_MAX, w = 2 * r->ncap;
	*out = arena_alloc(a, cap * w * sizeof(size_t));
	if (n < 0)
		n = (long)s.len + 1;
	bool fail = false;
	while ((long)count < n && pos <= s.len) {
		PCRE2_SIZE *ov = rx_exec(r, s, pos, &fail);
		if (!ov)
			break;
		bool accept = true;
		if (ov[1] == pos) {
			accept = ov[0] != prev_end;
			pos += pos < s.len ? rune_width(s.u.s + pos, s.u.s + s.len) : 1;
		} else {
			pos = ov[1];
		}
		prev_end = ov[1];
		if (!accept)
			continue;
		if (count == cap) {
			*out = arena_realloc(a, *out, cap * w * sizeof(size_t),
					     2 * cap * w * sizeof(size_t));
			cap *= 2;
		}
		for (size_t i = 0; i < w; i++)
			(*out)[count * w + i] = ov[i] == PCRE2_UNSET ? SIZE_MAX : ov[i];
		count++;
	}
	return fail ? -1 : (long)count;
}

/* ---- Go's Regexp.Expand ---- */

/* Go's extract: a $name or ${name} reference at s (after '$'). */
static const char *expand_ref(const char *s, const char *end, const char **name, size_t *nlen)
{
	bool brace = s < end && *s == '{';
	const char *t = s + brace, *start = t;
	while (t < end && (is_alnum((unsigned char)*t) || *t == '_' || (unsigned char)*t >= 0x80))
		t++;
	if (t == start || (brace && (t >= end || *t != '}')))
		return NULL;
	*name = start;
	*nlen = (size_t)(t - start);
	return t + brace;
}

static long group_number(const char *name, size_t n)
{
	long num = 0;
	if (n > 1 && name[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (name[i] < '0' || name[i] > '9' || num >= 100000000)
			return -1;
		num = num * 10 + (name[i] - '0');
	}
	return num;
}

static void expand_group(strbuf *sb, rx *r, value src, const size_t *m, const char *name, size_t n)
{
	long g = group_number(name, n);
	if (g < 0) {
		char nm[256];
		int idx = -1;
		if (n < sizeof nm) {
			memcpy(nm, name, n);
			nm[n] = 0;
			idx = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR)nm);
		}
		g = idx > 0 ? idx : -1;
	}
	if (g >= 0 && (uint32_t)g < r->ncap && m[2 * g] != SIZE_MAX)
		sb_add(sb, src.u.s + m[2 * g], m[2 * g + 1] - m[2 * g]);
}

static void expand(strbuf *sb, rx *r, value tmpl, value src, const size_t *m)
{
	const char *s = tmpl.u.s, *end = s + tmpl.len;
	while (s < end) {
		const char *d = memchr(s, '$', (size_t)(end - s));
		if (!d)
			break;
		sb_add(sb, s, (size_t)(d - s));
		s = d + 1;
		if (s < end && *s == '$') {
			sb_addc(sb, '$');
			s++;
			continue;
		}
		const char *name;
		size_t n;
		const char *rest = expand_ref(s, end, &name, &n);
		if (!rest) {
			sb_addc(sb, '$');
			continue;
		}
		expand_group(sb, r, src, m, name, n);
		s = rest;
	}
	sb_add(sb, s, (size_t)(end - s));
}

/* ---- the functions ---- */

/* The non-must forms panic in Go (regexp.MustCompile); the message quotes the pattern. */
static const char *panic_text(arena *a, value pat, const char *err)
{
	strbuf sb;
	sb_init(&sb, a);
	sb_adds(&sb, "regexp: Compile(");
	bool back = !memchr(pat.u.s, '`', pat.len);
	for (size_t i = 0; back && i < pat.len; i++)
		if (((unsigned char)pat.u.s[i] < 0x20 && pat.u.s[i] != '\t') || pat.u.s[i] == 0x7f)
			back = false;
	if (back) {
		sb_addc(&sb, '`');
		sb_add(&sb, pat.u.s, pat.len);
		sb_addc(&sb, '`');
	} else {
		go_quote(&sb, pat.u.s, pat.len);
	}
	sb_addf(&sb, "): %s", err);
	return sb_str(&sb);
}

static void compile_or_fail(fnctx *c, value pat, rx *r, bool must)
{
	const char *err = rx_compile(c->a, pat, r);
	if (err)
		fn_fail(c, "%s", must ? err : panic_text(c->a, pat, err));
}

static bool is_must(fnctx *c)
{
	return c->fn->name[0] == 'm';
}

static noreturn void limit_fail(fnctx *c, rx *r)
{
	rx_free(r);
	fn_fail(c, "regexp: match limit exceeded");
}

static value fn_regexMatch(fnctx *c, value *argv, int argc)
{
	(void)argc;
	rx r;
	const char *err = rx_compile(c->a, argv[0], &r);
	if (err && is_must(c))
		fn_fail(c, "%s", err);
	if (err)
		return v_bool(false);
	bool fail = false;
	bool hit = rx_exec(&r, argv[1], 0, &fail) != NULL;
	if (fail)
		limit_fail(c, &r);
	rx_free(&r);
	return v_bool(hit);
}

static value str_list(fnctx *c, value s, const size_t *m, long n, size_t w)
{
	value l = v_list_new(c->a, (uint32_t)n);
	l.u.l->gotype = GT_STRLIST;
	for (long i = 0; i < n; i++)
		list_push(c->a, l.u.l, v_str(c->a, s.u.s + m[i * w], m[i * w + 1] - m[i * w]));
	return l;
}

static value fn_regexFindAll(fnctx *c, value *argv, int argc)
{
	(void)argc;
	rx r;
	compile_or_fail(c, argv[0], &r, is_must(c));
	size_t *m;
	long n = argv[2].u.i == 0 ? 0 : rx_all(c->a, &r, argv[1], argv[2].u.i, &m);
	if (n < 0)
		limit_fail(c, &r);
	size_t w = 2 * r.ncap;
	rx_free(&r);
	return str_list(c, argv[1], n ? m : NULL, n, w);
}

static value fn_regexFind(fnctx *c, value *argv, int argc)
{
	(void)argc;
	rx r;
	compile_or_fail(c, argv[0], &r, is_must(c));
	bool fail = false;
	PCRE2_SIZE *ov = rx_exec(&r, argv[1], 0, &fail);
	if (fail)
		limit_fail(c, &r);
	value out = ov ? v_str(c->a, argv[1].u.s + ov[0], ov[1] - ov[0]) : v_str_static("", 0);
	rx_free(&r);
	return out;
}

/* Go's replaceAll loop; literal: no $ expansion. Returns false when PCRE2 gave up. */
static bool replace_all(strbuf *sb, rx *r, value src, value repl, bool literal)
{
	size_t last_end = 0, pos = 0;
	bool fail = false;
	size_t *m = malloc(2 * r->ncap * sizeof(size_t));
	while (pos <= src.len) {
		PCRE2_SIZE *ov = rx_exec(r, src, pos, &fail);
		if (!ov)
			break;
		for (uint32_t i = 0; i < 2 * r->ncap; i++)
			m[i] = ov[i] == PCRE2_UNSET ? SIZE_MAX : ov[i];
		sb_add(sb, src.u.s + last_end, m[0] - last_end);
		if (m[1] > last_end || m[0] == 0) {
			if (literal)
				sb_add(sb, repl.u.s, repl.len);
			else
				expand(sb, r, repl, src, m);
		}
		last_end = m[1];
		size_t w = pos < src.len ? rune_width(src.u.s + pos, src.u.s + src.len) : 0;
		pos = pos + w > m[1] ? pos + w : pos + 1 > m[1] ? pos + 1 : m[1];
	}
	free(m);
	sb_add(sb, src.u.s + last_end, src.len - last_end);
	return !fail;
}

static value replace_fn(fnctx *c, value *argv, bool literal)
{
	rx r;
	compile_or_fail(c, argv[0], &r, is_must(c));
	strbuf sb;
	sb_init(&sb, c->a);
	if (!replace_all(&sb, &r, argv[1], argv[2], literal))
		limit_fail(c, &r);
	rx_free(&r);
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value fn_regexReplaceAll(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return replace_fn(c, argv, false);
}

static value fn_regexReplaceAllLiteral(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return replace_fn(c, argv, true);
}

static value fn_regexSplit(fnctx *c, value *argv, int argc)
{
	(void)argc;
	rx r;
	compile_or_fail(c, argv[0], &r, is_must(c));
	value s = argv[1], out = v_list_new(c->a, 4);
	out.u.l->gotype = GT_STRLIST;
	long n = argv[2].u.i;
	if (n == 0 || (argv[0].len > 0 && s.len == 0)) {
		rx_free(&r);
		if (n != 0)
			list_push(c->a, out.u.l, v_str_static("", 0));
		return out;
	}
	size_t *m, w = 2 * r.ncap, beg = 0, end = 0;
	long count = rx_all(c->a, &r, s, n, &m);
	if (count < 0)
		limit_fail(c, &r);
	rx_free(&r);
	for (long i = 0; i < count; i++) {
		if (n > 0 && (long)out.u.l->len == n - 1)
			break;
		end = m[i * w];
		if (m[i * w + 1] != 0)
			list_push(c->a, out.u.l, v_str(c->a, s.u.s + beg, end - beg));
		beg = m[i * w + 1];
	}
	if (end != s.len)
		list_push(c->a, out.u.l, v_str(c->a, s.u.s + beg, s.len - beg));
	return out;
}

static value fn_regexQuoteMeta(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < argv[0].len; i++) {
		if (strchr("\\.+*?()|[]{}^$", argv[0].u.s[i]) && argv[0].u.s[i])
			sb_addc(&sb, '\\');
		sb_addc(&sb, argv[0].u.s[i]);
	}
	return v_str(c->a, sb_str(&sb), sb.len);
}

const fn_def fn_family_regex[] = {
    {"regexMatch", fn_regexMatch, "ss"},
    {"mustRegexMatch", fn_regexMatch, "ss"},
    {"regexFind", fn_regexFind, "ss"},
    {"mustRegexFind", fn_regexFind, "ss"},
    {"regexFindAll", fn_regexFindAll, "ssi"},
    {"mustRegexFindAll", fn_regexFindAll, "ssi"},
    {"regexReplaceAll", fn_regexReplaceAll, "sss"},
    {"mustRegexReplaceAll", fn_regexReplaceAll, "sss"},
    {"regexReplaceAllLiteral", fn_regexReplaceAllLiteral, "sss"},
    {"mustRegexReplaceAllLiteral", fn_regexReplaceAllLiteral, "sss"},
    {"regexSplit", fn_regexSplit, "ssi"},
    {"mustRegexSplit", fn_regexSplit, "ssi"},
    {"regexQuoteMeta", fn_regexQuoteMeta, "s"},
    {0},
};

long regex_find_all(arena *a, const char *pattern, const char *s, size_t n, long max, size_t **m,
		    uint32_t *ncap)
{
	rx r;
	if (rx_compile(a, v_str_static(pattern, strlen(pattern)), &r))
		return -1;
	long count = rx_all(a, &r, v_str_static(s, n), max, m);
	*ncap = r.ncap;
	rx_free(&r);
	return count;
}
