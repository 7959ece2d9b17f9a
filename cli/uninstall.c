/* uninstall.c - `render uninstall NAME...`: delete releases with their
 * objects and records, as `helm uninstall` (release/action.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../release/action.h"
#include "commands.h"
#include "install.h"

/* --cascade as the API spells the propagation policy, NULL when invalid */
static const char *cascade_policy(const char *s)
{
	static const char *const v[][2] = {
	    {"background", "Background"}, {"foreground", "Foreground"}, {"orphan", "Orphan"}};
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(s, v[i][0]))
			return v[i][1];
	return NULL;
}

int cmd_uninstall(arena *a, int argc, char **argv)
{
	kube_opts ko = {0};
	action_opts ao = {0};
	uninstall_opts uo = {0};
	const char *timeout = NULL, *cascade = "background";
	const flag_def defs[] = {
	    KUBE_FLAGS(ko),
	    {"dry-run", 0, FLAG_BOOL, &ao.dry_run},
	    {"keep-history", 0, FLAG_BOOL, &ao.keep_history},
	    {"no-hooks", 0, FLAG_BOOL, &ao.no_hooks},
	    {"ignore-not-found", 0, FLAG_BOOL, &uo.ignore_not_found},
	    {"wait", 0, FLAG_BOOL, &ao.wait},
	    {"timeout", 0, FLAG_STRING, &timeout},
	    {"description", 0, FLAG_STRING, &ao.description},
	    {"cascade", 0, FLAG_STRING, &cascade},
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	if (pos.n < 1)
		return cli_error("\"helm uninstall\" requires at least 1 argument\n\nUsage:  helm "
				 "uninstall RELEASE_NAME [...] [flags]");
	if (!(uo.propagation = cascade_policy(cascade)))
		return cli_error(
		    arena_sprintf(a,
				  "invalid cascade value (%s). Must be \"background\", "
				  "\"foreground\", or \"orphan\"",
				  cascade));
	if (install_timeout(a, timeout, &ao.timeout_ms, &err))
		return cli_error(err);
	ao.field_manager = "helm";
	kube_client *k = kube_new(a, &ko);
	for (size_t i = 0; i < pos.n; i++) {
		const char *info;
		if (action_uninstall_with(a, k, pos.v[i], &ao, &uo, &info, &err))
			return cli_error(err);
		if (*info)
			printf("%s\n", info);
		printf("release \"%s\" uninstalled\n", pos.v[i]);
	}
	return 0;
}
