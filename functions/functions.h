/* functions.h - the template function library of Helm 3.17.3 (Sprig + Helm's own).
 *
 * One table of every name a Helm template can call (FUNCTIONS.txt), built from
 * one table per family file. The table is immutable; any number of renders may
 * use it at once.
 */
#ifndef RENDER_FUNCTIONS_H
#define RENDER_FUNCTIONS_H

#include "../renderer/funcs.h"
#include "../renderer/template.h"

/* The whole library, sorted. */
const fn_table *functions_table(void);

/* The family tables, each ended by an entry with a NULL name. */
extern const fn_def fn_family_strings[];
extern const fn_def fn_family_lists[];
extern const fn_def fn_family_dicts[];
extern const fn_def fn_family_math[];
extern const fn_def fn_family_conv[];
extern const fn_def fn_family_defaults[];
extern const fn_def fn_family_encoding[];
extern const fn_def fn_family_crypto[];
extern const fn_def fn_family_regex[];
extern const fn_def fn_family_semver[];
extern const fn_def fn_family_dates[];
extern const fn_def fn_family_paths[];
extern const fn_def fn_family_helm[];
extern const fn_def fn_family_toml[];

/* lookup's access to the cluster: 0 with the object (or List) in *out, an
 * empty map when it is not found; -1 with *err (Helm's text, without
 * "error calling lookup: "). Called from the rendering thread only. */
typedef int (*helm_lookup_fn)(void *ctx, arena *a, const char *api_version, const char *kind,
			      const char *ns, const char *name, value *out, const char **err);

/* Helm's per-render state that its own functions need (fnctx.host points here). */
typedef struct helm_host {
	arena *a;
	bool lint_mode;	       /* required/fail do not fail; lookup is empty */
	vmap *include_depth;   /* template name -> nested include count */
	const fn_table *funcs; /* for tpl's fresh template sets */
	tset *reference;       /* every template of the chart tree, for tpl */
	bool strict;	       /* missingkey=error */
	strbuf *log;	       /* Helm's log lines (lint mode's required/fail), or NULL */
	strbuf *scratch;       /* outputs of include and templates are built here, then copied */
	helm_lookup_fn lookup; /* the cluster for lookup, or NULL: an empty map */
	void *lookup_ctx;
} helm_host;

/* Go's path.Clean (filepath.Clean on Unix) of the n bytes at p: "a/./b/../c" is "a/c". */
const char *go_path_clean(arena *a, const char *p, size_t n);

/* Helm's engine error clean-ups (pkg/engine/engine.go), shared with the chart engine. */
const char *helm_parse_error(arena *a, const char *filename, const terror *err);
const char *helm_exec_error(arena *a, const char *filename, const terror *err);

#endif
