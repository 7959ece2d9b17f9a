/* schema_regex.c - the one PCRE2 user in values/: patterns for schema.c.
 *
 * PCRE2 allocates through a general context whose allocator is the arena, so a
 * compiled pattern and its match data die with the render like everything else.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "schema_regex.h"

struct schema_re {
	pcre2_code *code;
	pcre2_general_context *gc;
};

static void *re_alloc(size_t n, void *ud) { return arena_alloc(ud, n); }
static void re_free(void *p, void *ud) { (void)p, (void)ud; }

schema_re *schema_re_compile(arena *a, const char *pat, size_t n)
{
	int code;
	PCRE2_SIZE off;
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
