/* upgrade.c - `render upgrade NAME CHART`: a new revision of a release from
 * a local chart, as `helm upgrade` (release/action.h); with --install a
 * missing release is installed. Prints Helm's status block.
 */
#include <stdlib.h>
#include <string.h>

#include "../release/action.h"
#include "../release/storage.h"
#include "commands.h"
#include "install.h"
#include "postrender_flags.h"

struct upgrade_opts {
	values_opts vo;
	kube_opts ko;
	action_opts ao;
	strlist labels;
	const char *timeout, *history_max, *version, *repo, *output, *server_side;
	pr_flags pr; /* --post-renderer, --post-renderer-args */
	bool install, hide_notes, devel, dep_update, verify, render_sub_notes, disable_openapi;
	bool enable_dns, skip_tests, dry_run_flag, recreate, skip_crds;
};

int cmd_upgrade(arena *a, int argc, char **argv)
{
	struct upgrade_opts o = {0};
	const flag_def defs[] = {
	    VALUES_FLAGS(o.vo),
	    KUBE_FLAGS(o.ko),
	    {"install", 'i', FLAG_BOOL, &o.install},
	    {"create-namespace", 0, FLAG_BOOL, &o.ao.create_namespace},
	    {"dry-run", 0, FLAG_BOOL, &o.dry_run_flag},
	    {"wait", 0, FLAG_BOOL, &o.ao.wait},
	    {"wait-for-jobs", 0, FLAG_BOOL, &o.ao.wait_for_jobs},
	    {"timeout", 0, FLAG_STRING, &o.timeout},
	    {"atomic", 0, FLAG_BOOL, &o.ao.atomic},
	    {"no-hooks", 0, FLAG_BOOL, &o.ao.no_hooks},
	    {"skip-crds", 0, FLAG_BOOL, &o.skip_crds},
	    {"description", 0, FLAG_STRING, &o.ao.description},
	    {"labels", 'l', FLAG_SLICE, &o.labels},
	    {"force", 0, FLAG_BOOL, &o.ao.force},
	    {"force-replace", 0, FLAG_BOOL, &o.ao.force},
	    {"server-side", 0, FLAG_STRING, &o.server_side},
	    {"force-conflicts", 0, FLAG_BOOL, &o.ao.force_conflicts},
	    {"field-manager", 0, FLAG_STRING, &o.ao.field_manager},
	    {"reuse-values", 0, FLAG_BOOL, &o.ao.reuse_values},
	    {"reset-values", 0, FLAG_BOOL, &o.ao.reset_values},
	    {"reset-then-reuse-values", 0, FLAG_BOOL, &o.ao.reset_then_reuse},
	    {"history-max", 0, FLAG_STRING, &o.history_max},
	    {"cleanup-on-fail", 0, FLAG_BOOL, &o.ao.cleanup_on_fail},
	    {"recreate-pods", 0, FLAG_BOOL, &o.recreate},
	    {"skip-schema-validation", 0, FLAG_BOOL, &o.ao.skip_schema},
	    {"hide-notes", 0, FLAG_BOOL, &o.hide_notes},
	    {"output", 'o', FLAG_STRING, &o.output},
	    {"version", 0, FLAG_STRING, &o.version},
	    {"repo", 0, FLAG_STRING, &o.repo},
	    {"devel", 0, FLAG_BOOL, &o.devel},
	    {"dependency-update", 0, FLAG_BOOL, &o.dep_update},
	    {"verify", 0, FLAG_BOOL, &o.verify},
	    {"render-subchart-notes", 0, FLAG_BOOL, &o.render_sub_notes},
	    {"disable-openapi-validation", 0, FLAG_BOOL, &o.disable_openapi},
	    {"enable-dns", 0, FLAG_BOOL, &o.enable_dns},
	    {"take-ownership", 0, FLAG_BOOL, &o.ao.take_ownership},
	    PR_FLAGS(o.pr),
	    {0},
	};
	strlist pos = {0};
	const char *err;
	o.ao.dry_run_option = cli_dry_run_option(argc, argv);
	o.ao.dry_run_server = !strcmp(o.ao.dry_run_option, "server");
	install_fix_dry_run(a, argc, argv, &o.ao.dry_run);
	if (pr_flags_parse(a, defs, &o.pr, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	o.ao.post_renderer = o.pr.path;
	o.ao.pr_args = o.pr.args.v;
	o.ao.npr_args = o.pr.args.n;
	o.ao.dry_run |= o.dry_run_flag;
	o.ao.skip_crds = o.skip_crds;
	if (pos.n != 2)
		return cli_error(arena_sprintf(a, "\"helm upgrade\" requires 2 arguments\n\nUsage: "
						  " helm upgrade [RELEASE] [CHART] [flags]"));
	if (install_timeout(a, o.timeout, &o.ao.timeout_ms, &err) ||
	    install_labels(a, &o.labels, &o.ao.labels, &err))
		return cli_error(err);
	const char *hm = o.history_max ? o.history_max : getenv("HELM_MAX_HISTORY");
	o.ao.history_max = hm && *hm ? atoi(hm) : 10;
	int fmt = release_output_format(a, o.output, &err);
	if (fmt < 0)
		return cli_error(err);
	if (install_server_side(a, o.server_side, &o.ao, &err))
		return cli_error(arena_sprintf(a, "UPGRADE FAILED: %s", err));
	if (o.ao.force_conflicts && !o.ao.server_side)
		return cli_error("UPGRADE FAILED: invalid client update option(s): forceConflicts "
				 "enabled when serverSideApply disabled");
	const char *name = pos.v[0], *dir = pos.v[1];
	if (install_locate(a, &dir, o.version, o.repo, o.devel, &err))
		return cli_error(err);
	kube_client *k = kube_new(a, &o.ko);
	if (o.install) {
		int ex = action_release_exists(a, k, name, &err);
		if (ex < 0)
			return cli_error(err);
		if (ex == 0 || ex == 2) {
			if (!fmt)
				printf("Release \"%s\" does not exist. Installing it now.\n", name);
			fflush(stdout);
			action_opts io = o.ao;
			io.skip_crds = o.skip_crds;
			io.replace = true;
			return install_run(a, k, name, dir, &o.vo, &io, o.hide_notes, fmt, "");
		}
	}
	if (cli_dry_run_invalid(o.ao.dry_run_option))
		return cli_error(cli_dry_run_invalid(o.ao.dry_run_option));
	vmap *user;
	chart *c;
	release *r = NULL;
	if (install_load_chart(a, dir, &c, &err) || values_from_flags(a, &o.vo, dir, &user, &err))
		return cli_error(err);
	action_catch_signals(name);
	if (action_upgrade(a, k, name, c, user, &o.ao, &r, &err))
		return cli_error(arena_sprintf(a, "UPGRADE FAILED: %s", err));
	if (!fmt)
		printf("Release \"%s\" has been upgraded. Happy Helming!\n", name);
	fflush(stdout);
	return install_print(a, r, o.hide_notes, fmt);
}
