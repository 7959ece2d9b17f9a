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
 * including every subchart's section and `global`. user is deep-copied first
 * (it is not changed), and so is each chart's values.yaml. Warnings that Helm
 * logs (type clashes) are appended to warn, one per line, with Go's log prefix
 * ("coalesce.go:298: warning: cannot overwrite table with non table for t.a (map[b:1])"),
 * when warn is not NULL; Helm logs them in map order, which is random.
 * Returns NULL on Helm's one error (a subchart's section is not a map). */
vmap *coalesce_values(arena *a, const vtree *chart, vmap *user, strbuf *warn);

/* The same with merge = false; merge = true is chartutil.MergeValues, which keeps
 * nulls. Helm runs MergeValues too when Chart.yaml declares dependencies
 * (processDependencyEnabled), so its warnings then print twice. On error returns
 * NULL and sets *err to Helm's text, e.g. "type mismatch on sub: %!t(int64=1)". */
vmap *coalesce_values_ex(arena *a, const vtree *chart, vmap *user, bool merge, strbuf *warn,
			 const char **err);

/* chartutil.MergeTables (merge) / CoalesceTables: src's keys fill in dst, dst
 * wins; dst is changed and returned. Warnings as in coalesce_values. */
vmap *coalesce_tables_merge(arena *a, vmap *dst, const vmap *src, bool merge, strbuf *warn);

#endif
