/* package.h - a chart folder packed into NAME-VERSION.tgz as chartutil.Save
 * packs it: the code behind `render package` and behind `dependency update`
 * for file:// dependencies.
 */
#ifndef RENDER_PACKAGE_H
#define RENDER_PACKAGE_H

#include <stdbool.h>

#include "../values/strbuf.h"
#include "../values/value.h"

typedef struct chart_package_opts {
	const char *version, *app_version; /* NULL or "": as Chart.yaml says */
	const char *dest; /* folder, created when missing; "." is the working folder */
	bool check_deps;  /* every declared dependency must be in charts/ */
} chart_package_opts;

/* Loads the chart folder path as Helm's LoadDir does and writes it as
 * DEST/NAME-VERSION.tgz (temporary file renamed into place). *out_path gets
 * the path written, absolute when dest is ".". Returns 0, or -1 with *err
 * set to Helm's message ("failed to save: ..." for write errors). */
int chart_package(arena *a, const char *path, const chart_package_opts *o, const char **out_path,
		  const char **err);

/* yaml.Marshal(chart.Metadata) of a loaded Chart.yaml (meta): its fields in
 * Go's order with Go's types and omitempty rules, as Chart.yaml is written into
 * a package and as `show chart` prints it. */
int chart_metadata_yaml(arena *a, value meta, strbuf *out, const char **err);

#endif
