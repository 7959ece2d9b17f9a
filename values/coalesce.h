/* coalesce.h - Helm's rules for layering values (chartutil/coalesce.go, cli/values).
 *
 * Order: chart values.yaml < each -f file in order < --set-json < --set <
 * --set-string < --set-file < --set-literal. User layers are deep-merged
 * among themselves (maps merge, everything else replaces); then the chart's
 * defaults are coalesced under them, where a user null deletes the chart's key,
 * and subcharts get their scoped values plus `global`.
 */
#ifndef RENDER_COALESCE_H
#define RENDER_COALESCE_H

#include "strbuf.h"
#include "value.h"

/* cli/values mergeMaps: deep merge of src into dst (src wins, maps recurse). */
void values_merge(arena *a, vmap *dst, const vmap *src);

/* A chart as coalescing sees it: its name (or alias), its values.yaml, its dependencies. */
typedef struct vtree {
	const char *name;
	vmap *values; /* the chart's own values.yaml; may be NULL */
	struct vtree **deps;
	size_t ndeps;
} vtree;

/* chartutil.CoalesceValues(chart, user): the values a chart renders with,
 * including every subchart's section and `global`. Warnings that Helm logs
 * (type clashes) are appended to warn, one per line, when warn is not NULL. */
vmap *coalesce_values(arena *a, const vtree *chart, vmap *user, strbuf *warn);

#endif
