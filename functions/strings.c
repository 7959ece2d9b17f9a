/* strings.c - Sprig's string functions (trim, upper, title, quote, indent, replace...).
 *
 * Each follows the Go code Sprig calls (strings, goutils, xstrings), quirks
 * included: goutils' nospace and initials work on bytes and re-encode bytes
 * above 0x7F as runes, Go's case maps turn invalid UTF-8 into U+FFFD, and Go's
 * slice panics become the same runtime errors.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../values/gofmt.h"
#include "args.h"
#include "functions.h"

#define RUNE_ERROR 0xFFFD

/* A substring, copied so that it is NUL-terminated as every string value is. */
static value sv(arena *a, const char *s, size_t n)
{
	return v_str(a, s, n);
}

/* The start of the last rune of s[:n] and the rune, as utf8.DecodeLastRuneInString. */
static size_t last_rune(const char *s, size_t n, int32_t *r)
{
	size_t start = n - 1;
	for (size_t k = 0; k < 3 && start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80; k++)
		start--;
	int size;
	*r = utf8_decode(s + start, n - start, &size);
	if (start + (size_t)size != n) {
		*r = RUNE_ERROR;
		return n - 1;
	}
	return start;
}

/* strings.Map with a rune function; invalid bytes become U+FFFD. */
static value map_runes(fnctx *c, value s, int32_t (*fn)(int32_t))
{
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < s.len;) {
		int size;
		int32_t r = utf8_decode(s.u.s + i, s.len - i, &size);
		utf8_put(&sb, fn(r));
		i += (size_t)size;
	}
	return arg_sbval(&sb);
}

static value f_upper(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return map_runes(c, argv[0], uni_to_upper);
}

static value f_lower(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return map_runes(c, argv[0], uni_to_lower);
}

/* goutils SwapCase: upper/title -> lower; lower -> title at a word start, else upper. */
static value f_swapcase(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	bool ws = true;
	for (size_t i = 0; i < argv[0].len;) {
		int size;
		int32_t r = utf8_decode(argv[0].u.s + i, argv[0].len - i, &size);
		i += (size_t)size;
		if (uni_is_upper(r) || uni_is_title(r)) {
			r = uni_to_lower(r);
			ws = false;
		} else if (uni_is_lower(r)) {
			r = ws ? uni_to_title(r) : uni_to_upper(r);
			ws = false;
		} else {
			ws = uni_is_space(r);
		}
		utf8_put(&sb, r);
	}
	return arg_sbval(&sb);
}

/* strings.Title's separator test. */
static bool title_sep(int32_t r)
{
	if (r <= 0x7F)
		return !(uni_is_letter(r) || uni_is_digit(r) || r == '_');
	if (uni_is_letter(r) || uni_is_number(r))
		return false;
	return uni_is_space(r);
}

/* strings.Title: the rune after a separator goes to title case. */
static value f_title(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	int32_t prev = ' ';
	for (size_t i = 0; i < argv[0].len;) {
		int size;
		int32_t r = utf8_decode(argv[0].u.s + i, argv[0].len - i, &size);
		i += (size_t)size;
		utf8_put(&sb, title_sep(prev) ? uni_to_title(r) : r);
		prev = r;
	}
	return arg_sbval(&sb);
}

/* goutils Uncapitalize: the first rune of each space-separated word goes to lower case. */
static value f_untitle(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	bool next = true;
	for (size_t i = 0; i < argv[0].len;) {
		int size;
		int32_t r = utf8_decode(argv[0].u.s + i, argv[0].len - i, &size);
		i += (size_t)size;
		if (uni_is_space(r)) {
			next = true;
		} else if (next) {
			r = uni_to_lower(r);
			next = false;
		}
		utf8_put(&sb, r);
	}
	return arg_sbval(&sb);
}
static bool in_cutset(value cut, int32_t r)
{
	for (size_t i = 0; i < cut.len;) {
		int size;
		if (utf8_decode(cut.u.s + i, cut.len - i, &size) == r)
			return true;
		i += (size_t)size;
	}
	return false;
}

/* strings.Trim (cut given) or strings.TrimSpace (cut NULL). */
static value trim_runes(arena *a, value s, const value *cut)
{
	size_t b = 0, e = s.len;
	while (b < e) {
		int size;
		int32_t r = utf8_decode(s.u.s + b, e - b, &size);
		if (!(cut ? in_cutset(*cut, r) : uni_is_space(r)))
			break;
		b += (size_t)size;
	}
	while (e > b) {
		int32_t r;
		size_t start = last_rune(s.u.s + b, e - b, &r) + b;
		if (!(cut ? in_cutset(*cut, r) : uni_is_space(r)))
			break;
		e = start;
	}
	return (b == 0 && e == s.len) ? s : sv(a, s.u.s + b, e - b);
}

static value f_trim(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return trim_runes(c->a, argv[0], NULL);
}

static value f_trimall(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	if (argv[0].len == 0)
		return argv[1];
	return trim_runes(c->a, argv[1], &argv[0]);
}

static value f_trimprefix(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value p = argv[0], s = argv[1];
	if (s.len >= p.len && memcmp(s.u.s, p.u.s, p.len) == 0)
		return sv(c->a, s.u.s + p.len, s.len - p.len);
	return s;
}

static value f_trimsuffix(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value p = argv[0], s = argv[1];
	if (s.len >= p.len && memcmp(s.u.s + s.len - p.len, p.u.s, p.len) == 0)
		return sv(c->a, s.u.s, s.len - p.len);
	return s;
}

static const char *find(const char *h, size_t hn, const char *n, size_t nn)
{
	if (nn == 0)
		return h;
	return memmem(h, hn, n, nn);
}

static value f_contains(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_bool(find(argv[1].u.s, argv[1].len, argv[0].u.s, argv[0].len) != NULL);
}

static value f_hasprefix(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	value p = argv[0], s = argv[1];
	return v_bool(s.len >= p.len && memcmp(s.u.s, p.u.s, p.len) == 0);
}

static value f_hassuffix(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	value p = argv[0], s = argv[1];
	return v_bool(s.len >= p.len && memcmp(s.u.s + s.len - p.len, p.u.s, p.len) == 0);
}

/* strings.Repeat's panics (a negative count, an int overflow, a length over Go's
 * 1<<48 allocation limit), then our size cap. */
static void repeat_check(fnctx *c, size_t n, int64_t count)
{
	if (count == 0 || count == 1)
		return;
	if (count < 0)
		fn_fail(c, "strings: negative Repeat count");
	if (n > 0 && (uint64_t)count > (uint64_t)INT64_MAX / n)
		fn_fail(c, "strings: Repeat output length overflow");
	if (n > 0 && (uint64_t)count * n > (uint64_t)1 << 48)
		fn_fail(c, "runtime error: makeslice: len out of range");
	if (n > 0 && (uint64_t)count > ARGS_MAX_BYTES / n)
		arg_check_bytes(c, ARGS_MAX_BYTES + 1);
}

/* strings.Repeat, with Go's panics and our size cap. */
static void repeat_into(fnctx *c, strbuf *sb, const char *s, size_t n, int64_t count)
{
	repeat_check(c, n, count);
	for (int64_t i = 0; i < count && n > 0; i++)
		sb_add(sb, s, n);
}

static value f_repeat(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	repeat_into(c, &sb, argv[1].u.s, argv[1].len, argv[0].u.i);
	return arg_sbval(&sb);
}

/* Sprig's substring: s[:end] when start < 0, s[start:] when end is past the string. */
static value f_substr(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t start = argv[0].u.i, end = argv[1].u.i;
	value s = argv[2];
	int64_t len = (int64_t)s.len;
	if (start < 0) {
		if (end > len)
			fn_fail(c,
				"runtime error: slice bounds out of range [:%lld] with length %lld",
				(long long)end, (long long)len);
		if (end < 0)
			fn_fail(c, "runtime error: slice bounds out of range [:%lld]",
				(long long)end);
		return sv(c->a, s.u.s, (size_t)end);
	}
	if (end < 0 || end > len) {
		if (start > len)
			fn_fail(c, "runtime error: slice bounds out of range [%lld:%lld]",
				(long long)start, (long long)len);
		return sv(c->a, s.u.s + start, (size_t)(len - start));
	}
	if (start > end)
		fn_fail(c, "runtime error: slice bounds out of range [%lld:%lld]", (long long)start,
			(long long)end);
	return sv(c->a, s.u.s + start, (size_t)(end - start));
}

static value f_trunc(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t n = argv[0].u.i, len = argv[1].len;
	value s = argv[1];
	if (n < 0 && len + n > 0)
		return sv(c->a, s.u.s + len + n, (size_t)-n);
	if (n >= 0 && len > n)
		return sv(c->a, s.u.s, (size_t)n);
	return s;
}

/* goutils AbbreviateFull; *err set where it returns an error (Sprig then gives ""). */
static value abbreviate(fnctx *c, value s, int64_t offset, int64_t width, bool *err)
{
	int64_t len = s.len;
	if (len == 0)
		return s;
	if (width < 4) {
		*err = true;
		return v_str_static("", 0);
	}
	if (len <= width)
		return s;
	if (offset > len)
		offset = len;
	if (len - offset < width - 3)
		offset = len - (width - 3);
	strbuf sb;
	sb_init(&sb, c->a);
	if (offset <= 4) {
		sb_add(&sb, s.u.s, (size_t)(width - 3));
		sb_adds(&sb, "...");
		return arg_sbval(&sb);
	}
	if (width < 7) {
		*err = true;
		return v_str_static("", 0);
	}
	sb_adds(&sb, "...");
	if (offset + width - 3 < len) {
		value rest = abbreviate(c, v_str_static(s.u.s + offset, (size_t)(len - offset)), 0,
					width - 3, err);
		sb_add(&sb, rest.u.s, rest.len);
	} else {
		sb_add(&sb, s.u.s + len - (width - 3), (size_t)(width - 3));
	}
	return arg_sbval(&sb);
}

static value f_abbrev(fnctx *c, value *argv, int argc)
{
	(void)argc;
	bool err = false;
	if (argv[0].u.i < 4)
		return argv[1];
	value r = abbreviate(c, argv[1], 0, argv[0].u.i, &err);
	return err ? v_str_static("", 0) : r;
}

static value f_abbrevboth(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t left = argv[0].u.i, right = argv[1].u.i;
	bool err = false;
	if (right < 4 || (left > 0 && right < 7))
		return argv[2];
	value r = abbreviate(c, argv[2], left, right, &err);
	return err ? v_str_static("", 0) : r;
}

/* goutils walks bytes and writes each kept byte as a rune (so 0xC3 becomes "Ã"). */
static void put_byte_rune(strbuf *sb, unsigned char b)
{
	utf8_put(sb, b);
}

static value f_nospace(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value s = argv[0];
	strbuf sb;
	sb_init(&sb, c->a);
	size_t kept = 0;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char b = (unsigned char)s.u.s[i];
		if (!uni_is_space(b)) {
			put_byte_rune(&sb, b);
			kept++;
		}
	}
	return kept == s.len ? s : arg_sbval(&sb);
}

static value f_initials(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value s = argv[0];
	strbuf sb;
	sb_init(&sb, c->a);
	bool gap = true;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char b = (unsigned char)s.u.s[i];
		if (uni_is_space(b)) {
			gap = true;
		} else if (gap) {
			put_byte_rune(&sb, b);
			gap = false;
		}
	}
	return arg_sbval(&sb);
}

/* xstrings.Shuffle: a random permutation of the runes. */
static value f_shuffle(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value s = argv[0];
	int32_t *runes = arena_alloc(c->a, (s.len + 1) * sizeof(int32_t));
	size_t n = 0;
	for (size_t i = 0; i < s.len; n++) {
		int size;
		runes[n] = utf8_decode(s.u.s + i, s.len - i, &size);
		i += (size_t)size;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	unsigned seed = (unsigned)ts.tv_nsec ^ (unsigned)(uintptr_t)runes;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rand_r(&seed) % i;
		int32_t t = runes[i - 1];
		runes[i - 1] = runes[j];
		runes[j] = t;
	}
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < n; i++)
		utf8_put(&sb, runes[i]);
	return arg_sbval(&sb);
}

/* WrapCustom's step for a word longer than the width at str[off]; returns the new offset. */
static size_t wrap_long(strbuf *sb, const char *str, size_t len, size_t off, size_t w,
			const char *nl, size_t nllen, bool longwords)
{
	if (longwords) {
		sb_add(sb, str + off, w);
		sb_add(sb, nl, nllen);
		return off + w;
	}
	const char *next = memchr(str + off + w, ' ', len - off - w);
	if (!next) {
		sb_add(sb, str + off, len - off);
		return len;
	}
	sb_add(sb, str + off, (size_t)(next - str) - off);
	sb_add(sb, nl, nllen);
	return (size_t)(next - str) + 1;
}

/* goutils WrapCustom, working on bytes; long words are broken only by wrapWith. */
static value wrap(fnctx *c, value s, int64_t width, const char *nl, size_t nllen, bool longwords)
{
	if (s.len == 0)
		return s;
	if (nllen == 0)
		nl = "\n", nllen = 1;
	const char *str = s.u.s;
	size_t len = s.len, off = 0, w = width < 1 ? 1 : (size_t)width;
	strbuf sb;
	sb_init(&sb, c->a);
	while (len - off > w) {
		if (str[off] == ' ') {
			off++;
			continue;
		}
		const char *sp = NULL;
		for (size_t k = off; k < off + w + 1; k++)
			if (str[k] == ' ')
				sp = str + k;
		if (sp) {
			sb_add(&sb, str + off, (size_t)(sp - str) - off);
			sb_add(&sb, nl, nllen);
			off = (size_t)(sp - str) + 1;
		} else {
			off = wrap_long(&sb, str, len, off, w, nl, nllen, longwords);
		}
		arg_check_bytes(c, sb.len);
	}
	sb_add(&sb, str + off, len - off);
	return arg_sbval(&sb);
}

static value f_wrap(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return wrap(c, argv[1], argv[0].u.i, "", 0, false);
}

static value f_wrapwith(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return wrap(c, argv[2], argv[0].u.i, argv[1].u.s, argv[1].len, true);
}

static value f_quote(fnctx *c, value *argv, int argc)
{
	strbuf sb;
	sb_init(&sb, c->a);
	bool first = true;
	for (int i = 0; i < argc; i++) {
		if (argv[i].kind == V_NIL)
			continue;
		if (!first)
			sb_addc(&sb, ' ');
		first = false;
		value s = arg_strval(c->a, argv[i]);
		go_quote(&sb, s.u.s, s.len);
	}
	return arg_sbval(&sb);
}

static value f_squote(fnctx *c, value *argv, int argc)
{
	strbuf sb;
	sb_init(&sb, c->a);
	bool first = true;
	for (int i = 0; i < argc; i++) {
		if (argv[i].kind == V_NIL)
			continue;
		if (!first)
			sb_addc(&sb, ' ');
		first = false;
		sb_addc(&sb, '\'');
		go_print_value(&sb, argv[i]);
		sb_addc(&sb, '\'');
	}
	return arg_sbval(&sb);
}

static value f_cat(fnctx *c, value *argv, int argc)
{
	strbuf sb;
	sb_init(&sb, c->a);
	bool first = true;
	for (int i = 0; i < argc; i++) {
		if (argv[i].kind == V_NIL)
			continue;
		if (!first)
			sb_addc(&sb, ' ');
		first = false;
		go_print_value(&sb, argv[i]);
	}
	return arg_sbval(&sb);
}

static value indent(fnctx *c, int64_t spaces, value s, bool nl)
{
	repeat_check(c, 1, spaces);
	uint64_t lines = 1;
	for (size_t i = 0; i < s.len; i++)
		lines += s.u.s[i] == '\n';
	if ((uint64_t)spaces > ARGS_MAX_BYTES / lines)
		arg_check_bytes(c, ARGS_MAX_BYTES + 1);
	arg_check_bytes(c, s.len + lines * (uint64_t)spaces);
	/* the exact size is known: one allocation, whole lines copied */
	size_t n = (nl ? 1 : 0) + s.len + (size_t)lines * (size_t)spaces;
	char *out = arena_alloc_raw(c->a, n + 1), *o = out;
	if (nl)
		*o++ = '\n';
	const char *p = s.u.s, *end = s.u.s + s.len;
	for (;;) {
		memset(o, ' ', (size_t)spaces);
		o += spaces;
		const char *q = memchr(p, '\n', (size_t)(end - p));
		const char *stop = q ? q + 1 : end;
		memcpy(o, p, (size_t)(stop - p));
		o += stop - p;
		if (!q)
			break;
		p = stop;
	}
	*o = 0;
	return (value){.kind = V_STRING, .len = (uint32_t)n, .u.s = out};
}

static value f_indent(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return indent(c, argv[0].u.i, argv[1], false);
}

static value f_nindent(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return indent(c, argv[0].u.i, argv[1], true);
}

/* strings.Replace(src, old, new, -1); an empty old inserts new around every rune. */
static value f_replace(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value old = argv[0], new = argv[1], s = argv[2];
	if (old.len == new.len && memcmp(old.u.s, new.u.s, old.len) == 0)
		return s;
	strbuf sb;
	sb_init(&sb, c->a);
	size_t start = 0;
	if (old.len == 0) {
		sb_add(&sb, new.u.s, new.len);
		while (start < s.len) {
			int size;
			utf8_decode(s.u.s + start, s.len - start, &size);
			sb_add(&sb, s.u.s + start, (size_t)size);
			sb_add(&sb, new.u.s, new.len);
			start += (size_t)size;
			arg_check_bytes(c, sb.len);
		}
		return arg_sbval(&sb);
	}
	const char *hit;
	while ((hit = find(s.u.s + start, s.len - start, old.u.s, old.len)) != NULL) {
		sb_add(&sb, s.u.s + start, (size_t)(hit - s.u.s) - start);
		sb_add(&sb, new.u.s, new.len);
		start = (size_t)(hit - s.u.s) + old.len;
		arg_check_bytes(c, sb.len);
	}
	if (start == 0)
		return s;
	sb_add(&sb, s.u.s + start, s.len - start);
	return arg_sbval(&sb);
}

static value f_plural(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return argv[2].u.i == 1 ? argv[0] : argv[1];
}

static value f_tostring(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return arg_strval(c->a, argv[0]);
}

static value f_hello(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argv, (void)argc;
	return v_str_static("Hello!", 6);
}

/* xstrings' connector test: '-', '_' or Unicode space. */
static bool is_conn(int32_t r)
{
	return r == '-' || r == '_' || uni_is_space(r);
}

/* xstrings' isAlphabet: any Unicode letter. */
/* xstrings isAlphabet: a letter, but not a CJK ideograph. */
static bool is_alpha(int32_t r)
{
	return uni_is_letter(r) && !(r >= 0x4E00 && r <= 0x9FCC) && !(r >= 0x3400 && r <= 0x4D85) &&
	       !(r >= 0x20000 && r <= 0x2B81D);
}

/* The rest of xstrings toCamelCase after the first letter r0: connectors dropped,
 * the rune after one goes upper case, and a run of capitals after an upper first
 * letter goes lower case ("HTTP_server" -> "HttpServer"). */
static void camel_rest(strbuf *sb, const char *s, size_t n, size_t i, int32_t r0, bool up)
{
	while (i < n) {
		int size;
		int32_t r1 = r0;
		r0 = utf8_decode(s + i, n - i, &size);
		i += (size_t)size;
		if (is_conn(r0) && is_conn(r1)) {
			utf8_put(sb, r1);
			continue;
		}
		if (is_conn(r1)) {
			up = uni_is_upper(r0);
			r0 = uni_to_upper(r0);
		} else {
			if (up && uni_is_upper(r0))
				r0 = uni_to_lower(r0);
			else if (up)
				up = false;
			utf8_put(sb, r1);
		}
	}
	utf8_put(sb, r0);
}

/* xstrings toCamelCase(str, isBig=true), which Sprig's camelcase calls. Leading
 * connectors are kept; a string of only connectors repeats its last one. */
static value f_camelcase(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *s = argv[0].u.s;
	size_t n = argv[0].len, i = 0;
	int32_t r0 = 0;
	if (n == 0)
		return argv[0];
	strbuf sb;
	sb_init(&sb, c->a);
	while (i < n) {
		int size;
		r0 = utf8_decode(s + i, n - i, &size);
		i += (size_t)size;
		if (!is_conn(r0))
			break;
		utf8_put(&sb, r0);
	}
	if (i >= n) {
		utf8_put(&sb, is_conn(r0) ? r0 : uni_to_upper(r0));
		return arg_sbval(&sb);
	}
	camel_rest(&sb, s, n, i, uni_to_upper(r0), uni_is_upper(r0));
	return arg_sbval(&sb);
}

enum wtype { W_INVALID, W_NUMBER, W_UPPER, W_ALPHA, W_CONN, W_PUNCT, W_OTHER };

typedef struct word {
	enum wtype t;
	const char *s;
	size_t n;
} word;

/* xstrings nextValidRune: skips invalid bytes; at the end returns prev. */
static size_t next_valid(const char *s, size_t n, int32_t prev, int32_t *r)
{
	size_t size = 0;
	while (n > 0) {
		int sz;
		*r = utf8_decode(s, n, &sz);
		size += (size_t)sz;
		if (*r != RUNE_ERROR)
			return size;
		s += sz;
		n -= (size_t)sz;
	}
	*r = prev;
	return size;
}

/* Extends a word while pred holds (and, for letters, the rune is not upper case). */
static size_t extend(const char *s, size_t n, size_t off, int32_t r, bool (*pred)(int32_t),
		     bool stop_upper)
{
	while (off < n) {
		size_t size = next_valid(s + off, n - off, r, &r);
		if (!pred(r) || (stop_upper && uni_is_upper(r)))
			break;
		off += size;
	}
	return off;
}

static bool is_other_end(int32_t r)
{
	return !(is_conn(r) || is_alpha(r) || uni_is_number(r) || uni_is_punct(r));
}

static size_t upper_word(const char *s, size_t n, size_t off, int32_t r)
{
	if (off >= n)
		return off;
	size_t size = next_valid(s + off, n - off, r, &r);
	if (uni_is_upper(r)) {
		size_t prev = size;
		off += size;
		while (off < n) {
			size = next_valid(s + off, n - off, r, &r);
			if (!uni_is_upper(r))
				break;
			prev = size;
			off += size;
		}
		if (off < n && is_alpha(r))
			off -= prev;
		return off;
	}
	if (is_alpha(r))
		return extend(s, n, off + size, r, is_alpha, true);
	return off;
}

/* xstrings nextWord. */
static word next_word(const char *s, size_t n)
{
	word w = {W_INVALID, s, 0};
	int32_t r;
	if (n == 0)
		return w;
	size_t off = next_valid(s, n, RUNE_ERROR, &r);
	if (r == RUNE_ERROR) {
		w.n = off;
		return w;
	}
	if (is_conn(r))
		w.t = W_CONN, off = extend(s, n, off, r, is_conn, false);
	else if (uni_is_punct(r))
		w.t = W_PUNCT, off = extend(s, n, off, r, uni_is_punct, false);
	else if (uni_is_upper(r))
		w.t = W_UPPER, off = upper_word(s, n, off, r);
	else if (is_alpha(r))
		w.t = W_ALPHA, off = extend(s, n, off, r, is_alpha, true);
	else if (uni_is_number(r))
		w.t = W_NUMBER, off = extend(s, n, off, r, uni_is_number, false);
	else
		w.t = W_OTHER, off = extend(s, n, off, r, is_other_end, false);
	w.n = off;
	return w;
}

static void to_lower(strbuf *sb, enum wtype t, word w, char conn)
{
	if (t != W_UPPER && t != W_CONN) {
		sb_add(sb, w.s, w.n);
		return;
	}
	for (size_t i = 0; i < w.n;) {
		int size;
		int32_t r = utf8_decode(w.s + i, w.n - i, &size);
		i += (size_t)size;
		utf8_put(sb, is_conn(r) ? conn : uni_is_upper(r) ? uni_to_lower(r) : r);
	}
}

#define NEXT() (w = next_word(w.s + w.n, end - (w.s + w.n)))
#define REST() ((size_t)(end - (w.s + w.n)))

/* After a number word: the letters and digits glued to it, then a connector. */
static word glue_run(strbuf *sb, word w, const char *end, char conn)
{
	while (w.t == W_ALPHA || w.t == W_NUMBER) {
		to_lower(sb, w.t, w, conn);
		NEXT();
	}
	if (w.t != W_INVALID && w.t != W_PUNCT && w.t != W_CONN)
		sb_addc(sb, conn);
	return w;
}

/* The default branch of camelCaseToLowerCase: a letter word followed by w. */
static word after_letters(strbuf *sb, word w, const char *end, char conn)
{
	if (w.t != W_NUMBER) {
		if (w.t != W_CONN && w.t != W_PUNCT)
			sb_addc(sb, conn);
		return w;
	}
	if (REST() == 0)
		return w;
	word last = w;
	NEXT();
	if (w.t != W_ALPHA) {
		to_lower(sb, W_NUMBER, last, conn);
		if (w.t != W_CONN && w.t != W_PUNCT)
			sb_addc(sb, conn);
		return w;
	}
	sb_addc(sb, conn);
	to_lower(sb, W_NUMBER, last, conn);
	return glue_run(sb, w, end, conn);
}

/* xstrings camelCaseToLowerCase, behind snakecase and kebabcase. */
static value lower_case_words(fnctx *c, value s, char conn)
{
	const char *end = s.u.s + s.len;
	strbuf sb;
	sb_init(&sb, c->a);
	if (s.len == 0)
		return s;
	word w = next_word(s.u.s, s.len);
	while (REST() > 0) {
		if (w.t != W_CONN)
			to_lower(&sb, w.t, w, conn);
		word last = w;
		NEXT();
		switch (last.t) {
		case W_NUMBER:
			w = glue_run(&sb, w, end, conn);
			break;
		case W_CONN:
			to_lower(&sb, last.t, last, conn);
			break;
		case W_PUNCT:
			break;
		default:
			w = after_letters(&sb, w, end, conn);
		}
	}
	to_lower(&sb, w.t, w, conn);
	return arg_sbval(&sb);
}

static value f_snakecase(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return lower_case_words(c, argv[0], '_');
}

static value f_kebabcase(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return lower_case_words(c, argv[0], '-');
}

const fn_def fn_family_strings[] = {
    {"abbrev", f_abbrev, "is"},
    {"abbrevboth", f_abbrevboth, "iis"},
    {"camelcase", f_camelcase, "s"},
    {"cat", f_cat, "v*"},
    {"contains", f_contains, "ss"},
    {"hasPrefix", f_hasprefix, "ss"},
    {"hasSuffix", f_hassuffix, "ss"},
    {"hello", f_hello, ""},
    {"indent", f_indent, "is"},
    {"initials", f_initials, "s"},
    {"kebabcase", f_kebabcase, "s"},
    {"lower", f_lower, "s"},
    {"nindent", f_nindent, "is"},
    {"nospace", f_nospace, "s"},
    {"plural", f_plural, "ssi"},
    {"quote", f_quote, "v*"},
    {"repeat", f_repeat, "is"},
    {"replace", f_replace, "sss"},
    {"shuffle", f_shuffle, "s"},
    {"snakecase", f_snakecase, "s"},
    {"squote", f_squote, "v*"},
    {"substr", f_substr, "iis"},
    {"swapcase", f_swapcase, "s"},
    {"title", f_title, "s"},
    {"toString", f_tostring, "v"},
    {"trim", f_trim, "s"},
    {"trimAll", f_trimall, "ss"},
    {"trimPrefix", f_trimprefix, "ss"},
    {"trimSuffix", f_trimsuffix, "ss"},
    {"trimall", f_trimall, "ss"},
    {"trunc", f_trunc, "is"},
    {"untitle", f_untitle, "s"},
    {"upper", f_upper, "s"},
    {"wrap", f_wrap, "is"},
    {"wrapWith", f_wrapwith, "iss"},
    {0},
};
