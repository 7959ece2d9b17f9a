/* regex.h - Go regular expressions for other function families (semver's grammar).
 *
 * Patterns use Go's RE2 syntax and Go's leftmost-first matching, as regex.c
 * gives the template functions; the results live in the arena.
 */
#ifndef RENDER_FUNCTIONS_REGEX_H
#define RENDER_FUNCTIONS_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "../values/arena.h"

/* Go's FindAllStringSubmatchIndex(s, max) (max < 0: all matches). Each match has
 * 2 * *ncap offsets in *m (groups included; SIZE_MAX for a group that did not
 * take part). Returns the number of matches, or -1 if the pattern is invalid or
 * the match limit was hit. */
long regex_find_all(arena *a, const char *pattern, const char *s, size_t n, long max, size_t **m,
		    uint32_t *ncap);

#endif
