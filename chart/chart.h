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

/* One entry of Chart.yaml's dependencies (requirements.yaml for v1 charts). */
typedef struct chart_dep {
	const char *name, *version, *repository, *condition, *alias;
	const char **tags;
	size_t ntags;
	bool enabled;
	value import_values; /* the list as written (V_NIL when absent) */
} chart_dep;

typedef struct chart {
	const char *dir; /* where it was loaded from */
	value meta;	 /* Chart.yaml as a map (json field names) */
	const char *name, *version, *api_version, *type;
	vmap *values;		      /* values.yaml (empty map when absent) */
	const chart_file *raw_values; /* values.yaml as written, or NULL */
	value schema;		      /* values.schema.json, V_NIL when absent or not JSON */
	const char *schema_src;	      /* its text, for the document order of its properties */
	size_t schema_len;
	const char
	    *schema_err; /* why values.schema.json is not JSON (Helm reports it when validating) */
	chart_file *templates;
	size_t ntemplates;
	chart_file *files; /* everything else, for .Files */
	size_t nfiles;
	struct chart **deps;
	size_t ndeps;
	struct chart *parent;
	/* the declared dependencies, filled by deps_process (chart/deps.h);
	 * has_mdeps is false when Chart.yaml declares none (Go's nil slice) */
	chart_dep **mdeps;
	size_t nmdeps;
	bool has_mdeps;
	bool processed; /* went through deps_process: mdeps is what .Chart.Dependencies shows */
} chart;

/* Loads a chart folder, or a chart archive when dir is a file, with its
 * subcharts from charts/ (folders and .tgz). Returns 0, or -1 with *err set
 * to Helm's message. */
int chart_load_dir(arena *a, const char *dir, chart **out, const char **err);

/* Loads a chart archive (.tgz) from a file. */
int chart_load_archive(arena *a, const char *path, chart **out, const char **err);

/* Builds a chart from its files (names relative to the chart root), as
 * Helm's loader.LoadFiles: metadata, values, schema, templates, subcharts. */
int chart_load_files(arena *a, const chart_file *files, size_t n, chart **out, const char **err);

/* "t" for the root, "t/charts/sub" for a subchart: the prefix of template names. */
const char *chart_full_path(arena *a, const chart *c);

#endif
