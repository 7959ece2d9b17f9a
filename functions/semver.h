/* semver.h - Masterminds semver v3 constraints, for the code outside the
 * template functions that needs them (dependency versions, repository lookups). */
#ifndef RENDER_SEMVER_H
#define RENDER_SEMVER_H

#include <stdbool.h>
#include <stdint.h>

#include "../values/arena.h"

/* Checks version against the constraint cons ("^1.2", ">= 1, < 2 || 3.x", "1.2.3 - 1.4").
 * Returns 0 with *ok set, or -1 with *err set to Masterminds' message when the
 * constraint or the version does not parse (Helm's IsCompatibleRange treats
 * that as false). */
int semver_check(arena *a, const char *cons, const char *version, bool *ok, const char **err);

/* Masterminds' NewVersion accepts version ("1.2", "v1.2.3-rc.1+b"). */
bool semver_valid(arena *a, const char *version);

/* NewVersion then String(): *canonical is "1.2.3-pre+meta" (no "v"). Returns 0,
 * or -1 with *err set to Masterminds' message. */
int semver_parse(arena *a, const char *version, const char **canonical, uint64_t *major,
		 uint64_t *minor, const char **err);

#endif
