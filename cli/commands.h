/* commands.h - the subcommands, one file each; main.c holds the table. */
#ifndef RENDER_COMMANDS_H
#define RENDER_COMMANDS_H

#include "../values/arena.h"

/* Each takes the arguments after the subcommand's name and returns the exit code. */
int cmd_template(arena *a, int argc, char **argv);
int cmd_version(arena *a, int argc, char **argv);
int cmd_show(arena *a, int argc, char **argv);
int cmd_lint(arena *a, int argc, char **argv);
int cmd_dependency(arena *a, int argc, char **argv);
int cmd_diff(arena *a, int argc, char **argv);
int cmd_repo(arena *a, int argc, char **argv);
int cmd_pull(arena *a, int argc, char **argv);
int cmd_package(arena *a, int argc, char **argv);
int cmd_releasedebug(arena *a, int argc, char **argv); /* hidden: __release */
int cmd_list(arena *a, int argc, char **argv);
int cmd_history(arena *a, int argc, char **argv);
int cmd_status(arena *a, int argc, char **argv);
int cmd_get(arena *a, int argc, char **argv);
int cmd_kubedebug(arena *a, int argc, char **argv); /* hidden: __kube */
int cmd_install(arena *a, int argc, char **argv);
int cmd_upgrade(arena *a, int argc, char **argv);
int cmd_rollback(arena *a, int argc, char **argv);
int cmd_uninstall(arena *a, int argc, char **argv);
int cmd_push(arena *a, int argc, char **argv);
int cmd_registry(arena *a, int argc, char **argv);

/* Helm's statusPrinter (status.c), shared by `status` and `get all`. */
#include <stdbool.h>
#include "../values/strbuf.h"
struct release;
typedef struct status_flags {
	bool debug, show_description, show_metadata;
} status_flags;
int status_print(arena *a, strbuf *sb, const struct release *r, const status_flags *f,
		 const char **err);
/* chartutil.CoalesceValues(rel.Chart, rel.Config). */
struct vmap *status_computed_values(arena *a, const struct release *r);

#endif
