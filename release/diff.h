/* diff.h - what an upgrade would change: two release manifests compared object
 * by object (kind, namespace, name), each change as a unified diff. */
#ifndef RENDER_DIFF_H
#define RENDER_DIFF_H

#include <stdbool.h>

#include "../values/strbuf.h"

/* A unified diff of two texts, line by line (Myers' algorithm), with `context`
 * lines around each change and --- / +++ headers naming them. Appends nothing
 * when the texts are equal. color adds terminal colours (red, green, cyan).
 * Returns the number of changed lines. */
size_t text_diff(arena *a, const char *old, const char *new_text, const char *old_label,
		 const char *new_label, int context, bool color, strbuf *out);

/* Compares two manifests ("---\n# Source: ...\n" documents, as release records
 * keep them) object by object; objects are matched by kind, namespace and name
 * and printed in the new manifest's order, then removed ones. Returns how many
 * objects differ (added, removed or changed). */
size_t manifest_diff(arena *a, const char *old_manifest, const char *new_manifest,
		     const char *default_namespace, bool color, strbuf *out);

#endif
