/* install.h - what `install`, `upgrade`, `rollback` and `uninstall` share
 * (install.c): flag forms, chart loading, the install itself, printing. */
#ifndef RENDER_CLI_INSTALL_H
#define RENDER_CLI_INSTALL_H

#include "../chart/chart.h"
#include "../release/action.h"
#include "common.h"

/* Rewrites --dry-run=VALUE (client, server, true; false, none) into the bool flag. */
void install_fix_dry_run(arena *a, int argc, char **argv, bool *dry);
/* --labels k=v,... into a map (NULL when none). */
int install_labels(arena *a, const strlist *in, vmap **out, const char **err);
/* upgrade's and rollback's --server-side true|false|auto into ao (with --force, off). */
int install_server_side(arena *a, const char *s, action_opts *ao, const char **err);
/* --timeout (Go duration; 5m0s when s is NULL) in milliseconds. */
int install_timeout(arena *a, const char *s, long *ms, const char **err);
/* Loads a chart that can be installed ("library charts are not installable"). */
int install_load_chart(arena *a, const char *dir, chart **c, const char **err);
/* ChartPathOptions.LocateChart: an oci:// reference, repo/chart, --repo URL or a
 * URL becomes a downloaded archive (*dir is replaced by its path); a local
 * chart is left as it is. */
int install_locate(arena *a, const char **dir, const char *version, const char *repo, bool devel,
		   const char **err);
/* Prints Helm's status block for r (fmt 0), or the release as JSON (1) or
 * YAML (2); returns the exit code. */
int install_print(arena *a, const release *r, bool hide_notes, int fmt);
/* Installs dir as name (NULL: the chart's name); errors prefixed by prefix. */
int install_run(arena *a, kube_client *k, const char *name, const char *dir, const values_opts *vo,
		const action_opts *ao, bool hide_notes, int fmt, const char *prefix);

#endif
