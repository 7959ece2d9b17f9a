/* dependency.h - what other commands borrow from `dependency`: the update
 * (`template --dependency-update`, `package --dependency-update`) and chart
 * references through repositories (`template rel repo/chart --version X`).
 */
#ifndef RENDER_CLI_DEPENDENCY_H
#define RENDER_CLI_DEPENDENCY_H

#include <stdbool.h>
#include <stdio.h>

#include "../chart/chart.h"

#include "../values/arena.h"

/* Manager.Update on the chart folder dir, with the default repository
 * files; progress lines go to out (NULL: nowhere). Returns 0, or -1 with *err. */
int dependency_update_dir(arena *a, const char *dir, FILE *out, const char **err);

/* install's dependency check: when a dependency declared by *c is missing
 * from charts/, Manager.Update runs on dir (progress lines on stdout) and *c
 * is loaded again. Returns 0, or -1 with *err. */
int dependency_ensure(arena *a, const char *dir, chart **c, const char **err);

/* ChartPathOptions.LocateChart for a command's CHART argument: *name is kept
 * when it exists on disk, else replaced by the archive downloaded into the
 * repository cache from "repo/chart", from --repo URL (repo non-empty), or
 * from an absolute URL. devel without a version means ">0.0.0-0". */
int dependency_locate(arena *a, const char **name, const char *version, const char *repo,
		      bool devel, const char **err);

#endif
