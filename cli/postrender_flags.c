/* postrender_flags.c - the --post-renderer flags shared by template, install,
 * upgrade and diff upgrade: pflag's postRendererString checks each value as it
 * is met, which a table parser can only mimic by parsing again on prefixes of
 * argv when something failed. */
#include <string.h>

#include "../chart/postrender.h"
#include "../values/gofmt.h"
#include "../values/strbuf.h"
#include "postrender_flags.h"

/* The checks pflag runs in postRendererString.Set, value by value. */
static int check(arena *a, pr_flags *p, const char **err)
{
	for (size_t i = 0; i < p->renderers.n; i++) {
		const char *v = p->renderers.v[i], *e;
		if (!*v)
			continue;
		if (postrender_find(a, v, &p->path, &e) != 0) {
			strbuf sb;
			sb_init(&sb, a);
			sb_adds(&sb, "invalid argument ");
			go_quote(&sb, v, strlen(v));
			sb_addf(&sb, " for \"--post-renderer\" flag: %s", e);
			*err = sb_str(&sb);
			return -1;
		}
	}
	return 0;
}

int pr_flags_parse(arena *a, const flag_def *defs, pr_flags *p, int argc, char **argv, strlist *pos,
		   const char **err)
{
	if (flags_parse(a, defs, argc, argv, pos, err) == 0 && check(a, p, err) == 0)
		return 0;
	const char *first = *err;
	bool any = false;
	for (int i = 0; i < argc && !any; i++)
		any = strstr(argv[i], "post-renderer") != NULL;
	for (int k = 1; any && k < argc && k <= 4096; k++) {
		strlist sub = {0};
		*p = (pr_flags){0};
		if (flags_parse(a, defs, k, argv, &sub, err) == 0 && check(a, p, err) != 0)
			return -1;
	}
	*err = first;
	return -1;
}
