/* ignore.h - .helmignore rules as Helm 3.17.3's pkg/ignore reads and applies
 * them, with Go's filepath.Match for the patterns. */
#ifndef RENDER_IGNORE_H
#define RENDER_IGNORE_H

#include <stdbool.h>

#include "../values/arena.h"

typedef struct ignore_rules ignore_rules;

/* Parses the text of a .helmignore (NULL: no file) and adds Helm's default
 * rule `templates/.?*` after it. Returns NULL with *err set to Helm's message
 * ("double-star (**) syntax is not supported", "syntax error in pattern"). */
ignore_rules *ignore_parse(arena *a, const char *text, const char **err);

/* Rules.Ignore: whether the '/'-separated path (relative to the chart root)
 * is left out. Rules are tried in order; the first match wins, and a negated
 * rule leaves out every path it does not match. */
bool ignore_match(const ignore_rules *r, const char *path, bool is_dir);

/* Go's filepath.Match on '/'-separated names: 1 match, 0 no match, -1 bad pattern. */
int go_path_match(const char *pattern, const char *name);

#endif
