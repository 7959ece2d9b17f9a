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
int cmd_repo(arena *a, int argc, char **argv);
int cmd_pull(arena *a, int argc, char **argv);
int cmd_package(arena *a, int argc, char **argv);
int cmd_releasedebug(arena *a, int argc, char **argv); /* hidden: __release */

#endif
