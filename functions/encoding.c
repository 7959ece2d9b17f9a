/* encoding.c - Sprig's encodings: b64enc, b64dec, b32enc, b32dec, adler32sum, and
 * Sprig's JSON variants (toPrettyJson, toRawJson, mustToJson...; toJson is Helm's).
 *
 * Decoding follows Go's encoding/base64 and encoding/base32 StdEncoding rule for
 * rule, because Sprig returns the decoder's error text ("illegal base64 data at
 * input byte N") as the result, so the offsets must be Go's. The SHA sums live in
 * crypto.c, the one libcrypto user.
 */
#include <string.h>

#include "../values/json.h"
#include "../values/strbuf.h"
#include "functions.h"

static const char b64_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b32_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int alpha_index(const char *alpha, unsigned char c)
{
	const char *p = c ? strchr(alpha, c) : NULL;
	return p ? (int)(p - alpha) : -1;
}

static value fn_b64enc(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const unsigned char *s = (const unsigned char *)argv[0].u.s;
	size_t n = argv[0].len;
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		sb_addc(&sb, b64_alpha[v >> 18 & 63]);
		sb_addc(&sb, b64_alpha[v >> 12 & 63]);
		sb_addc(&sb, i + 1 < n ? b64_alpha[v >> 6 & 63] : '=');
		sb_addc(&sb, i + 2 < n ? b64_alpha[v & 63] : '=');
	}
	return v_str(c->a, sb_str(&sb), sb.len);
}

static size_t skip_newlines(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* One 4-character quantum of Go's base64 decodeQuantum. Returns the new input
 * offset; *dlen gets the count of 6-bit digits, *bad the error offset or -1. */
static size_t b64_quantum(const char *s, size_t n, size_t si, unsigned char dbuf[4], int *dlen,
			  long *bad)
{
	*dlen = 4;
	for (int j = 0; j < 4; j++) {
		if (si == n) {
			if (j == 0) {
				*dlen = 0;
				return si;
			}
			*bad = (long)(si - (size_t)j);
			return si;
		}
		unsigned char in = (unsigned char)s[si++];
		int d = alpha_index(b64_alpha, in);
		if (d >= 0) {
			dbuf[j] = (unsigned char)d;
			continue;
		}
		if (in == '\n' || in == '\r') {
			j--;
			continue;
		}
		if (in != '=' || j < 2) {
			*bad = (long)(si - 1);
			return si;
		}
		if (j == 2) {
			si = skip_newlines(s, n, si);
			if (si == n) {
				*bad = (long)n;
				return si;
			}
			if (s[si] != '=') {
				*bad = (long)(si - 1);
				return si;
			}
			si++;
		}
		si = skip_newlines(s, n, si);
		if (si < n)
			*bad = (long)si;
		*dlen = j;
		return si;
	}
	return si;
}

static value fn_b64dec(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *s = argv[0].u.s;
	size_t n = argv[0].len, si = 0;
	strbuf sb;
	sb_init(&sb, c->a);
	while (si < n) {
		unsigned char d[4] = {0};
		int dlen;
		long bad = -1;
		si = b64_quantum(s, n, si, d, &dlen, &bad);
		if (bad >= 0)
			return v_cstr(
			    c->a,
			    arena_sprintf(c->a, "illegal base64 data at input byte %ld", bad));
		unsigned v =
		    (unsigned)d[0] << 18 | (unsigned)d[1] << 12 | (unsigned)d[2] << 6 | d[3];
		if (dlen >= 2)
			sb_addc(&sb, (char)(v >> 16));
		if (dlen >= 3)
			sb_addc(&sb, (char)(v >> 8));
		if (dlen >= 4)
			sb_addc(&sb, (char)v);
		if (dlen < 4)
			break;
	}
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value fn_b32enc(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const unsigned char *s = (const unsigned char *)argv[0].u.s;
	size_t n = argv[0].len;
	static const int chars_for[6] = {0, 2, 4, 5, 7, 8};
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < n; i += 5) {
		size_t k = n - i < 5 ? n - i : 5;
		uint64_t v = 0;
		for (size_t j = 0; j < 5; j++)
			v = v << 8 | (j < k ? s[i + j] : 0);
		for (int j = 0; j < 8; j++)
			sb_addc(&sb, j < chars_for[k] ? b32_alpha[v >> (35 - 5 * j) & 31] : '=');
	}
	return v_str(c->a, sb_str(&sb), sb.len);
}

/* Go's base32 decode on input already stripped of newlines; returns the error
 * offset or -1. */
static long b32_decode(const char *src, size_t olen, strbuf *out)
{
	size_t left = olen, p = 0;
	bool end = false;
	while (left > 0 && !end) {
		unsigned char d[8] = {0};
		int dlen = 8;
		for (int j = 0; j < 8;) {
			if (left == 0)
				return (long)(olen - left - (size_t)j);
			unsigned char in = (unsigned char)src[p++];
			left--;
			if (in == '=' && j >= 2 && left < 8) {
				if (left + (size_t)j < 7)
					return (long)olen;
				for (size_t k = 0; k < (size_t)(7 - j); k++)
					if (left > k && src[p + k] != '=')
						return (long)(olen - left + k - 1);
				dlen = j;
				end = true;
				if (dlen == 1 || dlen == 3 || dlen == 6)
					return (long)(olen - left - 1);
				break;
			}
			int v = alpha_index(b32_alpha, in);
			if (v < 0)
				return (long)(olen - left - 1);
			d[j++] = (unsigned char)v;
		}
		unsigned char o[5] = {
		    (unsigned char)(d[0] << 3 | d[1] >> 2),
		    (unsigned char)(d[1] << 6 | d[2] << 1 | d[3] >> 4),
		    (unsigned char)(d[3] << 4 | d[4] >> 1),
		    (unsigned char)(d[4] << 7 | d[5] << 2 | d[6] >> 3),
		    (unsigned char)(d[6] << 5 | d[7]),
		};
		static const int bytes_for[9] = {0, 0, 1, 0, 2, 3, 0, 4, 5};
		sb_add(out, (const char *)o, (size_t)bytes_for[dlen]);
	}
	return -1;
}

static value fn_b32dec(fnctx *c, value *argv, int argc)
{
	(void)argc;
	char *buf = arena_alloc(c->a, argv[0].len + 1);
	size_t n = 0;
	for (size_t i = 0; i < argv[0].len; i++)
		if (argv[0].u.s[i] != '\n' && argv[0].u.s[i] != '\r')
			buf[n++] = argv[0].u.s[i];
	strbuf sb;
	sb_init(&sb, c->a);
	long bad = b32_decode(buf, n, &sb);
	if (bad >= 0)
		return v_cstr(c->a,
			      arena_sprintf(c->a, "illegal base32 data at input byte %ld", bad));
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value fn_adler32sum(fnctx *c, value *argv, int argc)
{
	(void)argc;
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < argv[0].len; i++) {
		a = (a + (unsigned char)argv[0].u.s[i]) % 65521;
		b = (b + a) % 65521;
	}
	return v_cstr(c->a, arena_sprintf(c->a, "%u", (unsigned)(b << 16 | a)));
}

/* encoding/json with SetEscapeHTML(false): undo the \u003c, \u003e, \u0026 escapes. */
static value unescape_html(fnctx *c, const char *s, size_t n)
{
	strbuf sb;
	sb_init(&sb, c->a);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			sb_addc(&sb, s[i]);
			continue;
		}
		if (s[i + 1] == 'u' && i + 5 < n && !memcmp(s + i + 2, "00", 2)) {
			const char *h = s + i + 4;
			char ch = !memcmp(h, "3c", 2)	? '<'
				  : !memcmp(h, "3e", 2) ? '>'
				  : !memcmp(h, "26", 2) ? '&'
							: 0;
			if (ch) {
				sb_addc(&sb, ch);
				i += 5;
				continue;
			}
		}
		sb_add(&sb, s + i, 2);
		i++;
	}
	return v_str(c->a, sb_str(&sb), sb.len);
}

/* mode: 0 json.Marshal, 1 MarshalIndent "  ", 2 Encoder without HTML escaping. */
static value json_out(fnctx *c, value v, int mode, bool must)
{
	strbuf sb;
	sb_init(&sb, c->a);
	const char *err = NULL;
	int rc = mode == 1 ? json_emit_indent(&sb, v, "  ", &err) : json_emit(&sb, v, &err);
	if (rc < 0 && must)
		fn_fail(c, "%s", err);
	if (rc < 0)
		return v_str_static("", 0);
	return mode == 2 ? unescape_html(c, sb.buf, sb.len) : v_str(c->a, sb_str(&sb), sb.len);
}

static value fn_toPrettyJson(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return json_out(c, argv[0], 1, c->fn->name[0] == 'm');
}

static value fn_toRawJson(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return json_out(c, argv[0], 2, true);
}

static value fn_mustToJson(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return json_out(c, argv[0], 0, true);
}

static value fn_mustFromJson(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value out;
	const char *err = NULL;
	if (json_parse(c->a, argv[0].u.s, argv[0].len, &out, &err) < 0)
		fn_fail(c, "%s", err);
	return out;
}

const fn_def fn_family_encoding[] = {
    {"b64enc", fn_b64enc, "s"},
    {"b64dec", fn_b64dec, "s"},
    {"b32enc", fn_b32enc, "s"},
    {"b32dec", fn_b32dec, "s"},
    {"adler32sum", fn_adler32sum, "s"},
    {"toPrettyJson", fn_toPrettyJson, "v"},
    {"mustToPrettyJson", fn_toPrettyJson, "v"},
    {"toRawJson", fn_toRawJson, "v"},
    {"mustToRawJson", fn_toRawJson, "v"},
    {"mustToJson", fn_mustToJson, "v"},
    {"mustFromJson", fn_mustFromJson, "s"},
    {0},
};
