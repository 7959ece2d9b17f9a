/* strvals.h - the --set family, as Helm's pkg/strvals parses it.
 *
 * `a.b=v`, `a\.b` for a literal dot, `,` between pairs (`\,` escapes), `{a,b}`
 * lists, `a[1]=x` indexes (padding with null), and per mode: --set types
 * integers (int64), true, false and null; --set-string keeps strings; --set-json
 * parses JSON values; --set-file reads the value from a file; --set-literal takes
 * the whole right side as one string.
 */
#ifndef RENDER_STRVALS_H
#define RENDER_STRVALS_H

#include "value.h"

enum strvals_mode {
	SV_SET,
	SV_STRING,
	SV_JSON,
	SV_FILE,
	SV_LITERAL,
};

/* Reads a file for --set-file; returns 0 and the bytes, or -1 and an error text. */
typedef int (*strvals_reader)(arena *a, const char *path, const char **data, size_t *len,
			      const char **err, void *ud);

/* Parses one flag argument into dst. Returns 0, or -1 with *err set to Helm's text
 * (e.g. `failed parsing --set data: key "a" has no value`). */
int strvals_parse(arena *a, const char *arg, enum strvals_mode mode, vmap *dst,
		  strvals_reader reader, void *ud, const char **err);

#endif
