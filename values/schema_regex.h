/* schema_regex.h - regular expressions for JSON Schema's pattern and patternProperties.
 *
 * Go's regexp (RE2) semantics as far as PCRE2 allows: UTF-8, unanchored search,
 * `$` only at the very end. Compiled patterns live in the arena.
 */
#ifndef RENDER_SCHEMA_REGEX_H
#define RENDER_SCHEMA_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

typedef struct schema_re schema_re;

/* Returns NULL when the pattern does not compile. */
schema_re *schema_re_compile(arena *a, const char *pat, size_t n);
/* regexp.MatchString: does the pattern match anywhere in s? */
bool schema_re_match(arena *a, const schema_re *re, const char *s, size_t n);

#endif
