/* postrender_flags.h - --post-renderer and --post-renderer-args as template,
 * install and upgrade declare them (Helm's bindPostRenderFlag): each
 * --post-renderer value is checked when pflag meets it, so a missing
 * executable is a flag error, reported in command-line order. */
#ifndef RENDER_POSTRENDER_FLAGS_H
#define RENDER_POSTRENDER_FLAGS_H

#include "flags.h"

typedef struct pr_flags {
	strlist renderers, args; /* every --post-renderer value, --post-renderer-args */
	const char *path;	 /* the executable the last non-empty one names; NULL: none */
} pr_flags;

/* The flag table entries for pr_flags (appended by each command's table). */
#define PR_FLAGS(p)                                                                                \
	{"post-renderer", 0, FLAG_ARRAY, &(p).renderers},                                          \
	{                                                                                          \
		"post-renderer-args", 0, FLAG_ARRAY, &(p).args                                     \
	}

/* flags_parse, then the --post-renderer checks (an empty value is ignored, the
 * last one wins, the first naming no executable fails with "invalid argument
 * \"X\" for \"--post-renderer\" flag: ..."). pflag reports whichever error it
 * meets first, left to right: when both kinds exist, the shortest prefix of
 * argv that parses cleanly but names a missing post-renderer says which.
 * p must be what defs' PR_FLAGS entries point at. Returns 0 with p->path set
 * (or NULL), or -1 with *err. */
int pr_flags_parse(arena *a, const flag_def *defs, pr_flags *p, int argc, char **argv, strlist *pos,
		   const char **err);

#endif
