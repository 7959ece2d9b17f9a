/* rollback.c - `render rollback NAME [REVISION]`: a new revision with an
 * earlier revision's manifest and values, as `helm rollback` (release/action.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../release/action.h"
#include "commands.h"
#include "install.h"

int cmd_rollback(arena *a, int argc, char **argv)
{
	kube_opts ko = {0};
	action_opts ao = {0};
	const char *timeout = NULL, *history_max = NULL, *server_side = NULL;
	bool recreate = false, dry_flag = false;
	const flag_def defs[] = {
	    KUBE_FLAGS(ko),
	    {"dry-run", 0, FLAG_BOOL, &dry_flag},
	    {"wait", 0, FLAG_BOOL, &ao.wait},
	    {"wait-for-jobs", 0, FLAG_BOOL, &ao.wait_for_jobs},
	    {"timeout", 0, FLAG_STRING, &timeout},
	    {"no-hooks", 0, FLAG_BOOL, &ao.no_hooks},
	    {"force", 0, FLAG_BOOL, &ao.force},
	    {"force-replace", 0, FLAG_BOOL, &ao.force},
	    {"server-side", 0, FLAG_STRING, &server_side},
	    {"force-conflicts", 0, FLAG_BOOL, &ao.force_conflicts},
	    {"field-manager", 0, FLAG_STRING, &ao.field_manager},
	    {"recreate-pods", 0, FLAG_BOOL, &recreate},
	    {"cleanup-on-fail", 0, FLAG_BOOL, &ao.cleanup_on_fail},
	    {"history-max", 0, FLAG_STRING, &history_max},
	    {0},
	};
	strlist pos = {0};
	const char *err;
	install_fix_dry_run(a, argc, argv, &ao.dry_run);
	if (flags_parse(a, defs, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	ao.dry_run |= dry_flag;
	if (pos.n < 1)
		return cli_error("\"helm rollback\" requires at least 1 argument\n\nUsage:  helm "
				 "rollback <RELEASE> [REVISION] [flags]");
	if (install_timeout(a, timeout, &ao.timeout_ms, &err))
		return cli_error(err);
	const char *hm = history_max ? history_max : getenv("HELM_MAX_HISTORY");
	ao.history_max = hm && *hm ? atoi(hm) : 10;
	if (install_server_side(a, server_side, &ao, &err))
		return cli_error(err);
	if (ao.force_conflicts && !ao.server_side)
		return cli_error("invalid client update option(s): forceConflicts enabled when "
				 "serverSideApply disabled");
	int64_t rev = 0;
	if (pos.n > 1) {
		char *end;
		long long v = strtoll(pos.v[1], &end, 10);
		if (!*pos.v[1] || *end)
			return cli_error(
			    arena_sprintf(a,
					  "could not convert revision to a number: strconv.Atoi: "
					  "parsing \"%s\": invalid syntax",
					  pos.v[1]));
		rev = v;
	}
	kube_client *k = kube_new(a, &ko);
	if (action_rollback(a, k, pos.v[0], rev, &ao, &err))
		return cli_error(err);
	fputs("Rollback was a success! Happy Helming!\n", stdout);
	return 0;
}
