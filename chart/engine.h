/* engine.h - Helm's render engine (pkg/engine): every template of a chart tree
 * parsed into one set and executed with its chart's scoped values. */
#ifndef RENDER_ENGINE_H
#define RENDER_ENGINE_H

#include "../values/strbuf.h"
#include "chart.h"
#include "objects.h"

typedef struct render_opts {
	const char *release_name, *namespace;
	bool is_upgrade, is_install;
	int revision;
	capabilities caps;
	bool strict, lint_mode;
	strbuf *log; /* Helm's log lines from the functions (lint mode), or NULL */
	/* lookup's view of the cluster, or NULL for Helm's empty map (no cluster,
	 * --dry-run=client, template, lint): see helm_lookup_fn in functions.h */
	int (*lookup)(void *ctx, arena *a, const char *api_version, const char *kind,
		      const char *ns, const char *name, value *out, const char **err);
	void *lookup_ctx;
} render_opts;

typedef struct rendered {
	const char *name;    /* "t/templates/x.yaml" */
	const char *content; /* with every "<no value>" removed */
} rendered;

/* Renders the chart tree with values (already coalesced). The results are
 * sorted by name. Returns 0, or -1 with *err set to Helm's message. */
int engine_render(arena *a, const chart *c, vmap *values, const render_opts *o, rendered **out,
		  size_t *n, const char **err);

#endif
