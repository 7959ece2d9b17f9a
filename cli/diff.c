/* diff.c - `render diff upgrade NAME CHART`, beyond Helm: what `upgrade` would
 * change, object by object, as unified diffs (coloured on a terminal). The new
 * side is an upgrade run with --dry-run (the same values rules, capabilities,
 * rendering and --post-renderer as the real one); the old side is the
 * deployed release. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../release/action.h"
#include "../release/diff.h"
#include "../release/storage.h"
#include "commands.h"
#include "common.h"
#include "postrender_flags.h"

int cmd_diff(arena *a, int argc, char **argv)
{
	if (argc < 1 || strcmp(argv[0], "upgrade"))
		return cli_error("render diff: the only subcommand is upgrade\n\nUsage:  render "
				 "diff upgrade RELEASE CHART [flags]");
	values_opts vo = {0};
	kube_opts ko = {0};
	action_opts ao = {.dry_run = true, .field_manager = "helm"};
	const char *color = "auto";
	bool detailed = false;
	pr_flags pr = {0};
	const flag_def defs[] = {
	    VALUES_FLAGS(vo),
	    KUBE_FLAGS(ko),
	    {"reuse-values", 0, FLAG_BOOL, &ao.reuse_values},
	    {"reset-values", 0, FLAG_BOOL, &ao.reset_values},
	    {"reset-then-reuse-values", 0, FLAG_BOOL, &ao.reset_then_reuse},
	    {"skip-schema-validation", 0, FLAG_BOOL, &ao.skip_schema},
	    {"color", 0, FLAG_STRING, &color},
	    {"detailed-exitcode", 0, FLAG_BOOL, &detailed},
	    PR_FLAGS(pr),
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (pr_flags_parse(a, defs, &pr, argc - 1, argv + 1, &pos, &err) != 0)
		return cli_error(err);
	ao.post_renderer = pr.path; /* the new side as upgrade --post-renderer stores it */
	ao.pr_args = pr.args.v;
	ao.npr_args = pr.args.n;
	if (pos.n != 2)
		return cli_error("\"render diff upgrade\" requires 2 arguments\n\nUsage:  render "
				 "diff upgrade RELEASE CHART [flags]");
	kube_client *k;
	storage *s = cli_storage(a, &ko, false, &k);
	if (!s)
		return 1;
	if (kube_reachable(k, &err))
		return cli_error(err);
	release *cur;
	if (storage_last(s, pos.v[0], &cur, &err))
		return cli_error(err);
	vmap *user;
	chart *c;
	if (values_from_flags(a, &vo, pos.v[1], &user, &err) != 0 ||
	    chart_load_dir(a, pos.v[1], &c, &err) != 0)
		return cli_error(err);
	release *next;
	if (action_upgrade(a, k, pos.v[0], c, user, &ao, &next, &err) != 0)
		return cli_error(err);
	bool paint = !strcmp(color, "always") || (!strcmp(color, "auto") && isatty(1));
	strbuf out;
	sb_init(&out, a);
	size_t changed =
	    manifest_diff(a, cur->manifest, next->manifest, kube_namespace(k), paint, &out);
	if (write_stdout(out.buf ? out.buf : "", out.len) != 0)
		return cli_error("write error on standard output");
	return detailed && changed ? 2 : 0;
}
