/* install.c - `render install [NAME] [CHART]`: install a local chart (folder
 * or .tgz) into the cluster as `helm install` does (release/action.h), then
 * print Helm's status block. Beyond Helm: with no arguments inside a chart
 * folder it installs "." under the chart's name. The helpers at the top
 * (--dry-run forms, --labels, --timeout, chart loading) serve upgrade.c and rollback.c too
 * (cli/install.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../chart/chart.h"
#include "../net/oci.h"
#include "../release/action.h"
#include "../release/storage.h"
#include "../values/json.h"
#include "../values/yaml.h"
#include "commands.h"
#include "install.h"
#include "common.h"
#include "dependency.h"
#include "postrender_flags.h"

/* Helm's --dry-run takes an optional value (client, server, true, false, none);
 * an empty one is no dry run for install and upgrade, as "none". */
void install_fix_dry_run(arena *a, int argc, char **argv, bool *dry)
{
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (strncmp(argv[i], "--dry-run=", 10))
			continue;
		const char *v = argv[i] + 10;
		*dry = *v && strcmp(v, "false") && strcmp(v, "none");
		argv[i] = arena_strdup(a, "--dry-run=false");
	}
}

/* pflag's StringToString: "k=v,k2=v2" (repeatable). */
int install_labels(arena *a, const strlist *in, vmap **out, const char **err)
{
	*out = NULL;
	for (size_t i = 0; i < in->n; i++) {
		const char *p = in->v[i];
		while (*p) {
			size_t l = strcspn(p, ",");
			const char *kv = arena_strndup(a, p, l), *eq = strchr(kv, '=');
			if (!eq) {
				*err = arena_sprintf(a,
						     "invalid argument \"%s\" for \"-l, --labels\" "
						     "flag: %s must be formatted as key=value",
						     in->v[i], kv);
				return -1;
			}
			if (!*out)
				*out = v_map_new(a).u.m;
			map_set(a, *out, kv, (size_t)(eq - kv), v_cstr(a, eq + 1));
			p += l + (p[l] == ',');
		}
	}
	return 0;
}

/* Helm 4's --server-side: "true", "false" or "auto" (the previous release's
 * method; render's records do not carry Helm 4's apply_method, so auto is
 * render's default, on). --force replaces as in Helm 3, so it turns it off. */
int install_server_side(arena *a, const char *s, action_opts *ao, const char **err)
{
	if (!s || !strcmp(s, "auto") || !strcmp(s, "true"))
		ao->server_side = true;
	else if (!strcmp(s, "false"))
		ao->server_side = false;
	else {
		*err = arena_sprintf(a, "invalid/unknown release server-side apply method: %s", s);
		return -1;
	}
	if (ao->force)
		ao->server_side = false;
	if (!ao->field_manager || !*ao->field_manager)
		ao->field_manager = "helm";
	return 0;
}

int install_timeout(arena *a, const char *s, long *ms, const char **err)
{
	const char *e;
	*ms = 300000;
	if (!s)
		return 0;
	if (action_parse_duration(a, s, ms, &e) == 0)
		return 0;
	*err = arena_sprintf(a, "invalid argument \"%s\" for \"--timeout\" flag: %s", s, e);
	return -1;
}

/* Loads an installable chart (CheckIfInstallable, the deprecation warning). */
int install_locate(arena *a, const char **dir, const char *version, const char *repo, bool devel,
		   const char **err)
{
	oci_opts oci = {0};
	if (!strncmp(*dir, "oci://", 6))
		return oci_fetch_chart(a, *dir,
				       version && *version ? version
				       : devel		   ? ">0.0.0-0"
							   : "",
				       &oci, dir, err);
	return dependency_locate(a, dir, version, repo, devel, err);
}

int install_load_chart(arena *a, const char *dir, chart **c, const char **err)
{
	if (chart_load_dir(a, dir, c, err) != 0)
		return -1;
	value *dep = map_getc((*c)->meta.u.m, "deprecated");
	if (dep && dep->kind == V_BOOL && dep->u.b)
		fputs("WARNING: This chart is deprecated\n", stderr);
	const char *t = (*c)->type && *(*c)->type ? (*c)->type : "application";
	if (strcmp(t, "application")) {
		*err = arena_sprintf(a, "%s charts are not installable", t);
		return -1;
	}
	return 0;
}

/* -o json|yaml: the whole release, chart included, as Helm encodes it. */
static int print_object(arena *a, const release *r, int fmt)
{
	strbuf js, sb;
	const char *err;
	value v;
	sb_init(&js, a);
	sb_init(&sb, a);
	if (release_to_json(&js, r, &err))
		return cli_error(err);
	if (fmt == 1) {
		sb_add(&sb, js.buf, js.len);
		sb_addc(&sb, '\n');
	} else if (json_parse(a, js.buf, js.len, &v, &err) || yaml_emit(&sb, v, &err)) {
		return cli_error(err);
	}
	return write_stdout(sb.buf, sb.len) ? 1 : 0;
}

/* Helm's statusPrinter after install/upgrade (fmt: 0 table, 1 json, 2 yaml). */
int install_print(arena *a, const release *r, bool hide_notes, int fmt)
{
	strbuf sb;
	const char *err;
	if (fmt)
		return print_object(a, r, fmt);
	sb_init(&sb, a);
	release copy = *r;
	rel_info info = r->info ? *r->info : (rel_info){0};
	if (hide_notes)
		info.notes = NULL;
	copy.info = &info;
	status_flags f = {0};
	if (status_print(a, &sb, &copy, &f, &err))
		return cli_error(err);
	return write_stdout(sb.buf ? sb.buf : "", sb.len) ? 1 : 0;
}

struct install_opts {
	values_opts vo;
	kube_opts ko;
	action_opts ao;
	strlist labels;
	const char *timeout, *name_template, *version, *repo, *output;
	pr_flags pr; /* --post-renderer, --post-renderer-args */
	bool generate_name, hide_notes, devel, dep_update, verify, render_sub_notes;
	bool disable_openapi, enable_dns, skip_tests, dry_run_flag, insecure_tls;
	bool plain_http, pass_credentials;
};

static int install_args(arena *a, struct install_opts *o, const strlist *pos, const char **name,
			const char **dir, const char **err)
{
	if (pos->n > 2) {
		*err = arena_sprintf(a, "expected at most two arguments, unexpected arguments: %s",
				     join_args(a, pos, 2));
		return -1;
	}
	if (pos->n == 2) {
		*name = pos->v[0];
		*dir = pos->v[1];
		if (o->generate_name) {
			*err = "cannot set --generate-name and also specify a name";
			return -1;
		}
		return 0;
	}
	if (pos->n == 0) { /* beyond Helm: the chart in the current folder */
		*dir = ".";
		*name = NULL;
		return 0;
	}
	*dir = pos->v[0];
	if (!o->generate_name) {
		*err = "must either provide a name or specify --generate-name";
		return -1;
	}
	const char *base = strrchr(*dir, '/') ? strrchr(*dir, '/') + 1 : *dir;
	if (!*base || !strcmp(base, "."))
		base = "chart";
	*name = arena_sprintf(a, "%.*s-%lld", (int)strcspn(base, "."), base, (long long)time(NULL));
	return 0;
}

/* The install itself; shared with `upgrade --install` (prefix: "" there). */
int install_run(arena *a, kube_client *k, const char *name, const char *dir, const values_opts *vo,
		const action_opts *ao, bool hide_notes, int fmt, const char *prefix)
{
	const char *err;
	vmap *user;
	chart *c;
	release *r = NULL;
	if (install_load_chart(a, dir, &c, &err) || values_from_flags(a, vo, dir, &user, &err))
		return cli_error(arena_sprintf(a, "%s%s", prefix, err));
	if (!name)
		name = c->name;
	if (ao->dry_run_option && cli_dry_run_invalid(ao->dry_run_option))
		return cli_error(
		    arena_sprintf(a, "%s%s", prefix, cli_dry_run_invalid(ao->dry_run_option)));
	action_catch_signals(name);
	if (action_install(a, k, name, c, user, ao, &r, &err))
		return cli_error(arena_sprintf(a, "%s%s", prefix, err));
	return install_print(a, r, hide_notes, fmt);
}

int cmd_install(arena *a, int argc, char **argv)
{
	struct install_opts o = {0};
	const flag_def defs[] = {
	    VALUES_FLAGS(o.vo),
	    KUBE_FLAGS(o.ko),
	    {"create-namespace", 0, FLAG_BOOL, &o.ao.create_namespace},
	    {"dry-run", 0, FLAG_BOOL, &o.dry_run_flag},
	    {"wait", 0, FLAG_BOOL, &o.ao.wait},
	    {"wait-for-jobs", 0, FLAG_BOOL, &o.ao.wait_for_jobs},
	    {"timeout", 0, FLAG_STRING, &o.timeout},
	    {"atomic", 0, FLAG_BOOL, &o.ao.atomic},
	    {"no-hooks", 0, FLAG_BOOL, &o.ao.no_hooks},
	    {"skip-crds", 0, FLAG_BOOL, &o.ao.skip_crds},
	    {"description", 0, FLAG_STRING, &o.ao.description},
	    {"labels", 'l', FLAG_SLICE, &o.labels},
	    {"force", 0, FLAG_BOOL, &o.ao.force},
	    {"force-replace", 0, FLAG_BOOL, &o.ao.force},
	    {"server-side", 0, FLAG_BOOL, &o.ao.server_side},
	    {"force-conflicts", 0, FLAG_BOOL, &o.ao.force_conflicts},
	    {"field-manager", 0, FLAG_STRING, &o.ao.field_manager},
	    {"generate-name", 'g', FLAG_BOOL, &o.generate_name},
	    {"name-template", 0, FLAG_STRING, &o.name_template},
	    {"skip-schema-validation", 0, FLAG_BOOL, &o.ao.skip_schema},
	    {"hide-notes", 0, FLAG_BOOL, &o.hide_notes},
	    {"output", 'o', FLAG_STRING, &o.output},
	    {"version", 0, FLAG_STRING, &o.version},
	    {"repo", 0, FLAG_STRING, &o.repo},
	    {"devel", 0, FLAG_BOOL, &o.devel},
	    {"dependency-update", 0, FLAG_BOOL, &o.dep_update},
	    {"replace", 0, FLAG_BOOL, &o.ao.replace},
	    {"verify", 0, FLAG_BOOL, &o.verify},
	    {"render-subchart-notes", 0, FLAG_BOOL, &o.render_sub_notes},
	    {"disable-openapi-validation", 0, FLAG_BOOL, &o.disable_openapi},
	    {"enable-dns", 0, FLAG_BOOL, &o.enable_dns},
	    {"take-ownership", 0, FLAG_BOOL, &o.ao.take_ownership},
	    PR_FLAGS(o.pr),
	    {0},
	};
	strlist pos = {0};
	const char *err, *name, *dir;
	o.ao.server_side = true;
	o.ao.field_manager = "helm";
	o.ao.dry_run_option = cli_dry_run_option(argc, argv);
	o.ao.dry_run_server = !strcmp(o.ao.dry_run_option, "server");
	install_fix_dry_run(a, argc, argv, &o.ao.dry_run);
	if (pr_flags_parse(a, defs, &o.pr, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	o.ao.post_renderer = o.pr.path;
	o.ao.pr_args = o.pr.args.v;
	o.ao.npr_args = o.pr.args.n;
	o.ao.dry_run |= o.dry_run_flag;
	if (o.ao.force) /* --force replaces, as in Helm 3: no server-side apply */
		o.ao.server_side = false;
	if (!*o.ao.field_manager)
		o.ao.field_manager = "helm";
	if (pos.n == 0 && access("Chart.yaml", R_OK) != 0)
		return cli_error("\"helm install\" requires at least 1 argument\n\nUsage:  helm "
				 "install [NAME] [CHART] [flags]");
	if (install_timeout(a, o.timeout, &o.ao.timeout_ms, &err) ||
	    install_labels(a, &o.labels, &o.ao.labels, &err))
		return cli_error(err);
	int fmt = release_output_format(a, o.output, &err);
	if (fmt < 0)
		return cli_error(err);
	if (o.name_template)
		return cli_error("render install: --name-template is not supported yet");
	if (install_args(a, &o, &pos, &name, &dir, &err) ||
	    install_locate(a, &dir, o.version, o.repo, o.devel, &err))
		return cli_error(arena_sprintf(a, "INSTALLATION FAILED: %s", err));
	kube_client *k = kube_new(a, &o.ko);
	return install_run(a, k, name, dir, &o.vo, &o.ao, o.hide_notes, fmt,
			   "INSTALLATION FAILED: ");
}
