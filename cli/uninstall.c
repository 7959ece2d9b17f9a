/* uninstall.c - `render uninstall NAME...`: delete releases with their
 * objects and records, as `helm uninstall` (release/action.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../release/action.h"
#include "commands.h"
#include "install.h"

int cmd_uninstall(arena *a, int argc, char **argv)
{
	kube_opts ko = {0};
	action_opts ao = {0};
	const char *timeout = NULL, *cascade = NULL;
	bool ignore_not_found = false;
	const flag_def defs[] = {
	    KUBE_FLAGS(ko),
	    {"dry-run", 0, FLAG_BOOL, &ao.dry_run},
	    {"keep-history", 0, FLAG_BOOL, &ao.keep_history},
	    {"no-hooks", 0, FLAG_BOOL, &ao.no_hooks},
	    {"ignore-not-found", 0, FLAG_BOOL, &ignore_not_found},
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
	if (install_timeout(a, timeout, &ao.timeout_ms, &err))
		return cli_error(err);
	ao.field_manager = "helm";
	kube_client *k = kube_new(a, &ko);
	for (size_t i = 0; i < pos.n; i++) {
		const char *info;
		if (action_uninstall(a, k, pos.v[i], &ao, &info, &err)) {
			if (ignore_not_found && strstr(err, "release: not found"))
				continue;
			return cli_error(err);
		}
		if (*info)
			printf("%s\n", info);
		printf("release \"%s\" uninstalled\n", pos.v[i]);
	}
	return 0;
}
