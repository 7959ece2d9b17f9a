/* schema_regex.c - the one PCRE2 user in values/: patterns for schema.c.
 *
 * PCRE2 allocates through a general context whose allocator is the arena, so a
 * compiled pattern and its match data die with the render like everything else.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string.h>

#include "schema_regex.h"

struct schema_re {
	pcre2_code *code;
	pcre2_general_context *gc;
};

static void *re_alloc(size_t n, void *ud) { return arena_alloc(ud, n); }

/* Rejects what PCRE2 accepts but Go's RE2 syntax does not: lookaround, atomic groups,
 * possessive quantifiers, backreferences and escapes Go does not know. */
static bool go_syntax_ok(const char *p, size_t n)
{
	static const char go_escapes[] = "afnrtvxdDsSwWbBAzpPQE0";
	bool in_class = false;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i], next = i + 1 < n ? p[i + 1] : 0;
		if (ch == '\\') {
			bool word = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
				    (next >= '0' && next <= '9') || next == '_';
			if (next == 'Q') {
				const char *e = strstr(p + i, "\\E");
				i = e ? (size_t)(e - p) + 1 : n;
				continue;
			}
			if (next >= '1' && next <= '7' && !(i + 2 < n && p[i + 2] >= '0' && p[i + 2] <= '7'))
				return false;
			if (word && !(next >= '1' && next <= '7') && !strchr(go_escapes, next))
				return false;
			i++;
		} else if (in_class) {
			in_class = ch != ']';
		} else if (ch == '[') {
			in_class = true;
			if (next == '^')
				i++;
			if (i + 1 < n && p[i + 1] == ']')
				i++;
		} else if (ch == '(' && next == '?' && i + 2 < n && strchr("=!>", p[i + 2])) {
			return false;
		} else if (ch == '(' && next == '?' && i + 3 < n && p[i + 2] == '<' && strchr("=!", p[i + 3])) {
			return false;
		} else if (strchr("*+?}", ch) && ch && next == '+') {
			return false;
		}
	}
	return true;
}
static void re_free(void *p, void *ud) { (void)p, (void)ud; }

schema_re *schema_re_compile(arena *a, const char *pat, size_t n)
{
	int code;
	PCRE2_SIZE off;
	if (!go_syntax_ok(pat, n))
		return NULL;
	schema_re *re = arena_alloc(a, sizeof *re);
	re->gc = pcre2_general_context_create(re_alloc, re_free, a);
	pcre2_compile_context *cc = pcre2_compile_context_create(re->gc);
	re->code = pcre2_compile((PCRE2_SPTR)pat, n,
				 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY, &code, &off, cc);
	return re->code ? re : NULL;
}

bool schema_re_match(arena *a, const schema_re *re, const char *s, size_t n)
{
	(void)a;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, re->gc);
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	return rc >= 0;
}
