/* chart.h - a Helm chart in memory: metadata, values, templates and files.
 *
 * Loading mirrors Helm's loader: Chart.yaml is the metadata, values.yaml the
 * defaults, values.schema.json the schema, templates/ the templates, charts/
 * the subcharts, and every other file is reachable through .Files.
 */
#ifndef RENDER_CHART_H
#define RENDER_CHART_H

#include "../values/value.h"

typedef struct chart_file {
	const char *name; /* relative to the chart root, '/'-separated */
	const char *data; /* NUL-terminated too */
	size_t len;
} chart_file;

typedef struct chart {
	const char *dir;  /* where it was loaded from */
	value meta;       /* Chart.yaml as a map (json field names) */
	const char *name, *version, *api_version, *type;
	vmap *values;     /* values.yaml (empty map when absent) */
	value schema;     /* values.schema.json, V_NIL when absent */
	chart_file *templates;
	size_t ntemplates;
	chart_file *files; /* everything else, for .Files */
	size_t nfiles;
	struct chart **deps;
	size_t ndeps;
	struct chart *parent;
} chart;

/* Loads a chart folder. Returns 0, or -1 with *err set to Helm's message. */
int chart_load_dir(arena *a, const char *dir, chart **out, const char **err);

/* "t" for the root, "t/charts/sub" for a subchart: the prefix of template names. */
const char *chart_full_path(arena *a, const chart *c);

#endif
