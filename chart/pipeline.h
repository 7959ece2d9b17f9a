/* pipeline.h - what every command that renders a chart does, in Helm's order
 * (action.Install and friends): check and process dependencies, coalesce the
 * values, validate them against every chart's schema, render, and sort. */
#ifndef RENDER_PIPELINE_H
#define RENDER_PIPELINE_H

#include "../values/strbuf.h"
#include "engine.h"
#include "manifest.h"

typedef struct pipeline_opts {
	render_opts ro;
	bool skip_schema; /* --skip-schema-validation */
} pipeline_opts;

typedef struct pipeline_result {
	chart *chart;	 /* the processed tree: disabled subcharts gone, aliases applied */
	vmap *values;	 /* the coalesced values the root chart rendered with */
	rendered *files; /* every rendered template, NOTES.txt files included */
	size_t nfiles;
	manifest_set ms;   /* the documents, NOTES.txt excluded, in install order */
	const char *notes; /* the root chart's rendered NOTES.txt, or NULL */
} pipeline_result;

/* Renders chart c with the user's values. Helm's log lines (coalescing and
 * dependency warnings) are appended to warn. Returns 0, or -1 with *err set to
 * Helm's message; *render_failed is set when the error came from rendering or
 * from the YAML of the output (where Helm suggests --debug). */
int pipeline_run(arena *a, const chart *c, vmap *user, const pipeline_opts *o, pipeline_result *out,
		 strbuf *warn, bool *render_failed, const char **err);

/* schema validation of every chart of a processed tree, as Helm's
 * ValidateAgainstSchema; returns 0, or -1 with the full message in *err. */
int pipeline_validate(arena *a, const chart *c, vmap *values, const char **err);

#endif
