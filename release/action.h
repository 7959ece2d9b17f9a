/* action.h - the release-changing actions, in Helm 3.17's order of steps
 * (pkg/action install.go, upgrade.go, rollback.go, uninstall.go, hooks.go):
 * records written through release/store_write.h, chart objects created,
 * patched and deleted through net/kube.h, hooks run and waited for.
 * Everything lives in the caller's arena.
 */
#ifndef RENDER_ACTION_H
#define RENDER_ACTION_H

#include "../chart/chart.h"
#include "../net/kube.h"
#include "../values/strbuf.h"
#include "record.h"

typedef struct action_opts {
	bool dry_run, wait, wait_for_jobs, atomic, no_hooks, skip_crds, create_namespace;
	bool force, keep_history, reuse_values, reset_values, reset_then_reuse, skip_schema;
	bool cleanup_on_fail, replace,
	    take_ownership;	    /* replace: install over an uninstalled or failed release */
	long timeout_ms;	    /* --timeout (5m0s by default) */
	const char *description;    /* --description, NULL: Helm's text */
	vmap *labels;		    /* --labels, NULL when none */
	int history_max;	    /* --history-max, 0: unlimited */
	const char *field_manager;  /* --field-manager ("helm") */
	bool server_side;	    /* --server-side: chart objects applied server-side */
	bool force_conflicts;	    /* --force-conflicts: applies take conflicting fields */
	bool dry_run_server;	    /* --dry-run=server: lookup still asks the cluster */
	const char *dry_run_option; /* --dry-run's value ("" when none), checked by the CLI */
	const char *post_renderer;  /* --post-renderer (from postrender_find), NULL: none */
	const char **pr_args;	    /* --post-renderer-args */
	size_t npr_args;
} action_opts;

/* helm install NAME CHART with the user's values. *out is the release (also
 * on most errors, as Helm returns it). Returns 0, or -1 with Helm's message
 * (without the "INSTALLATION FAILED: " the command adds). */
int action_install(arena *a, kube_client *k, const char *name, chart *c, vmap *user,
		   const action_opts *o, release **out, const char **err);

/* helm upgrade NAME CHART (the release must exist). */
int action_upgrade(arena *a, kube_client *k, const char *name, chart *c, vmap *user,
		   const action_opts *o, release **out, const char **err);

/* helm rollback NAME [REVISION] (0: the previous one). */
int action_rollback(arena *a, kube_client *k, const char *name, int64_t version,
		    const action_opts *o, const char **err);

/* helm uninstall NAME. *info receives the kept-resources text ("" when none). */
int action_uninstall(arena *a, kube_client *k, const char *name, const action_opts *o,
		     const char **info, const char **err);

/* helm uninstall's options that action_opts lacks: --cascade (as the API
 * spells it: "Background", "Orphan", "Foreground") and --ignore-not-found
 * (a release whose history cannot be read counts as uninstalled). */
typedef struct uninstall_opts {
	const char *propagation;
	bool ignore_not_found;
} uninstall_opts;

/* action_uninstall with those options . */
int action_uninstall_with(arena *a, kube_client *k, const char *name, const action_opts *o,
			  const uninstall_opts *u, const char **info, const char **err);

/* Whether release name has records (Helm's History != ErrReleaseNotFound):
 * 1, or 2 when the newest is uninstalled; 0 when none; -1 with *err. */
int action_release_exists(arena *a, kube_client *k, const char *name, const char **err);

/* From now on SIGINT and SIGTERM print "Release NAME has been cancelled."
 * and make a running install or upgrade fail with "context canceled" (the
 * release recorded as failed), as Helm's commands do. */
void action_catch_signals(const char *name);

/* Go's time.ParseDuration into milliseconds; -1 with Go's error text. */
int action_parse_duration(arena *a, const char *s, long *ms, const char **err);

#endif
