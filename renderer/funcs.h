/* funcs.h - how the template engine calls functions: Go's FuncMap in C.
 *
 * The embedder hands the engine a table of fn_def, as Go's template.Funcs is
 * handed a FuncMap; the engine never includes functions/. Each entry declares
 * its Go parameter types so the engine can apply Go's argument rules exactly:
 * literals are converted to the parameter type, computed values must already
 * have it ("wrong type for value; expected int; got int64"), nil is refused
 * where Go's type cannot be nil ("invalid value; expected string").
 */
#ifndef RENDER_FUNCS_H
#define RENDER_FUNCS_H

#include <stdnoreturn.h>

#include "../values/value.h"

struct fnctx;

typedef value (*fn_impl)(struct fnctx *c, value *argv, int argc);

/* Parameter type letters in fn_def.sig, one per parameter:
 *   v interface{}   s string   i int   I int64   u uint32   f float64   b bool
 *   l []interface{} S []string m map[string]interface{}   M chartutil.Values
 *   o any object or value (a method receiver; never checked)
 * A final '*' makes the last letter variadic: "s*" is ...string, "vv*" is
 * (interface{}, ...interface{}). An empty sig takes no arguments.
 */
typedef struct fn_def {
	const char *name;
	fn_impl impl;
	const char *sig;
} fn_def;

/* A sorted, searchable set of functions. */
typedef struct fn_table {
	const fn_def *defs; /* sorted by name (strcmp) */
	size_t n;
} fn_table;

const fn_def *fn_table_find(const fn_table *t, const char *name);
/* Sorts defs in place (call once when building a table). */
void fn_table_sort(fn_def *defs, size_t n);

struct tset;
struct texec;

typedef struct fnctx {
	arena *a;
	struct tset *set; /* the template set being executed */
	struct texec *x;  /* the running execution (opaque) */
	void *host;	  /* the embedder's per-render state (chart engine) */
	const fn_def *fn; /* the function being called */
} fnctx;

/* Ends the call with an error; the engine reports it as Go does:
 * `template: NAME:L:C: executing "NAME" at <node>: error calling FN: MSG`. */
noreturn void fn_fail(fnctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the call with an error whose text is used as is (no "error calling FN: "). */
noreturn void fn_fail_raw(fnctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Name of the template being executed (for Helm's .Template-free helpers and messages). */
const char *fnctx_template_name(fnctx *c);

#endif
