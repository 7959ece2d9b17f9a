/* deps.h - Helm's dependency processing (chartutil/dependencies.go and
 * action.CheckDependencies): conditions, tags, aliases and import-values.
 *
 * Processing never changes the loaded chart: it works on a copy of the tree,
 * so one loaded chart can be rendered many times, on several threads.
 */
#ifndef RENDER_DEPS_H
#define RENDER_DEPS_H

#include "../values/coalesce.h"
#include "chart.h"

/* action.CheckDependencies: each dependency declared by the chart is present in
 * charts/. Returns 0, or -1 with *err set to Helm's message. */
int deps_check(arena *a, const chart *c, const char **err);

/* chartutil.ProcessDependenciesWithMerge(chart, user) when merge is true (install,
 * template), ProcessDependencies otherwise (lint): *out is a copy of the
 * tree with disabled subcharts removed, aliases applied and imported values
 * merged into each chart's values. Helm's log lines (coalesce and dependency
 * warnings) are appended to warn. Returns 0, or -1 with *err set. */
int deps_process(arena *a, const chart *c, vmap *user, bool merge, chart **out, strbuf *warn,
		 const char **err);

/* The tree that coalescing walks: names (aliases), values and subcharts. */
vtree *deps_vtree(arena *a, const chart *c);

#endif
