/* template.h - Go's text/template: a set of named templates, parsed and executed.
 *
 * A tset is one namespace of templates, like a *template.Template and all the
 * templates associated with it. Parsing adds the file's template and every
 * `define` in it; a later definition replaces an earlier one unless its body
 * is empty (Go's rule). Execution is reentrant, so `include` and `tpl` run
 * nested executions from inside a function call.
 *
 * All memory comes from the arena given to tset_new. A tset is not shared
 * between threads; clones share parsed trees, into which the executor
 * writes nothing but its lookup caches (functions found, map entry hints).
 */
#ifndef RENDER_TEMPLATE_H
#define RENDER_TEMPLATE_H

#include "../values/strbuf.h"
#include "../values/value.h"
#include "funcs.h"

typedef struct tset tset;

enum terr_kind {
	TERR_NONE,
	TERR_PARSE, /* Go's parse error: "template: NAME:LINE: msg" */
	TERR_EXEC,  /* Go's template.ExecError: "template: NAME:L:C: executing ..." */
	TERR_OTHER, /* an error returned by a writer or the engine */
};

typedef struct terror {
	enum terr_kind kind;
	const char *msg; /* in the set's arena */
} terror;

/* funcs: the embedder's functions (may be NULL). They shadow the builtins
 * (and, or, not, len, index, slice, print, printf, println, html, js,
 * urlquery, call, eq, ne, lt, le, gt, ge), as in Go. */
tset *tset_new(arena *a, const fn_table *funcs);
/* A new set sharing every template of t; templates added to it later do not touch t. */
tset *tset_clone(arena *a, const tset *t);

/* Option missingkey=error (Helm's --strict lint); default is missingkey=zero. */
void tset_set_strict(tset *t, bool strict);
/* The embedder's per-render state, handed to functions as fnctx.host. */
void tset_set_host(tset *t, void *host);
/* Output limit in bytes for one execution (0: none). Past it execution fails. */
void tset_set_output_limit(tset *t, size_t max);

/* Parses text as the template NAME (Go: t.New(name).Parse(text)).
 * Returns 0, or -1 with err filled (TERR_PARSE). The text is not copied: it
 * must live as long as the set (put it in the arena). */
int tset_parse(tset *t, const char *name, const char *text, size_t len, terror *err);

bool tset_has(const tset *t, const char *name);
/* Drops NAME from t (a clone's own table; other sets keep it). Used by tpl:
 * Go executes the tree it just parsed even when an empty tree did not
 * replace an older one of the same name. */
void tset_forget(tset *t, const char *name);

/* Executes NAME with dot (and $) = data, appending the output to out.
 * Returns 0, or -1 with err filled ("template: no template %q associated with
 * template %q" is TERR_OTHER, as in Go). */
int tset_exec(tset *t, const char *name, value data, strbuf *out, terror *err);

/* From inside a function: execute NAME in the set that is running, with the
 * same host (used by include). The error text is Go's ExecuteTemplate error. */
int fnctx_exec(fnctx *c, const char *name, value data, strbuf *out, terror *err);

#endif
