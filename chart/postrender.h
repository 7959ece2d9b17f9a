/* postrender.h - Helm's --post-renderer (pkg/postrender/exec.go): the rendered
 * manifests are piped through an executable, whose output replaces them.
 * Hooks and NOTES.txt never go through it. */
#ifndef RENDER_POSTRENDER_H
#define RENDER_POSTRENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "../values/arena.h"
#include "pipeline.h"

/* Largest output accepted from a post-renderer (Helm has no limit). */
#define POSTRENDER_MAX_OUTPUT ((size_t)256 << 20)

/* The executable a --post-renderer value names, as Helm's getFullPath: a path
 * with a '/' is checked as given, a bare name is searched in $PATH; the result
 * is made absolute and cleaned. Returns 0 with *full, or -1 with *err in Helm's
 * words ("unable to find binary at X: exec: \"X\": ..."); the command line adds
 * "invalid argument \"X\" for \"--post-renderer\" flag: " in front. */
int postrender_find(arena *a, const char *path, const char **full, const char **err);

/* Runs the executable at path (used as given: resolve it with postrender_find
 * first) with args, no shell, in the current environment and directory; feeds
 * the inlen bytes at in on its stdin while reading its stdout and stderr.
 * Returns 0 with *out (NUL-terminated, in a) and *outlen, or -1 with *err as
 * Helm's execRender.Run: "error while running command PATH. error output:\n
 * STDERR: exit status N" (or "signal: killed", "fork/exec PATH: ..."). */
int postrender_run(arena *a, const char *path, const char **args, size_t nargs, const char *in,
		   size_t inlen, const char **out, size_t *outlen, const char **err);

/* The text renderResources hands to a post-renderer (and, without one, the
 * release manifest): with include_crds the crds/ files of the chart tree, then
 * every non-hook document in install order, each "---\n# Source: P\nTEXT\n". */
void postrender_join(strbuf *sb, const pipeline_result *pr, bool include_crds);

/* postrender_join, then postrender_run on it: *text is what the
 * post-renderer printed, the release manifest from then on (hooks are kept as
 * they were). Returns 0, or -1 with *err = "error while running post render on
 * files: ..." as Helm. path must come from postrender_find. */
int postrender_manifest(arena *a, const pipeline_result *pr, bool include_crds, const char *path,
			const char **args, size_t nargs, const char **text, const char **err);

#endif
