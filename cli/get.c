/* get.c - `render get manifest|values|notes|hooks|all NAME`: Helm's `helm get`,
 * one part of a stored release (the last revision, or --revision N); `get all
 * --template` runs a Go template over the release's Go fields. Also the hidden
 * `render __kube`, raw API requests and the object calls of net/kube.h with
 * the kubeconfig's credentials, for tests.
 */
#include <stdlib.h>
#include <string.h>

#include "../release/storage.h"
#include "../renderer/template.h"
#include "../values/json.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"

typedef struct get_opts {
	int revision;
	bool all_values;
	const char *output, *template_;
	kube_opts ko;
} get_opts;

static const char *s_or(const char *s)
{
	return s ? s : "";
}

static int get_values(arena *a, strbuf *sb, const release *r, const get_opts *o, int fmt,
		      const char **err)
{
	value v = r->config.kind == V_MAP ? r->config : v_nil();
	if (o->all_values)
		v = (value){.kind = V_MAP, .u.m = status_computed_values(a, r)};
	if (fmt == 1) {
		if (json_emit(sb, v, err))
			return -1;
		sb_addc(sb, '\n');
		return 0;
	}
	if (fmt == 0)
		sb_adds(sb, o->all_values ? "COMPUTED VALUES:\n" : "USER-SUPPLIED VALUES:\n");
	return yaml_emit(sb, v, err);
}

/* ---- get all --template: the release as Go's template sees *release.Release
 * (field names as Go spells them; times as time.Time prints) ---- */

static void put(arena *a, vmap *m, const char *k, value v)
{
	map_setc(a, m, k, v);
}

/* Go structs as objects over a map of their fields, so a missing field is
 * Go's "can't evaluate field X in type *release.Info". */
static bool obj_field(arena *a, const vobj *o, const char *name, value *out)
{
	(void)a;
	value *v = map_getc(o->data, name);
	if (v)
		*out = *v;
	return v != NULL;
}

static value obj_plain(arena *a, const vobj *o)
{
	(void)a;
	return (value){.kind = V_MAP, .u.m = o->data};
}

#define STRUCT_CLASS(var, gt)                                                                      \
	static const vclass var = {                                                                \
	    .gotype = gt, .field = obj_field, .to_plain = obj_plain, .kind = "ptr"}
STRUCT_CLASS(cls_release, "*release.Release");
STRUCT_CLASS(cls_info, "*release.Info");
STRUCT_CLASS(cls_chart, "*chart.Chart");
STRUCT_CLASS(cls_meta, "*chart.Metadata");
STRUCT_CLASS(cls_hook, "*release.Hook");
STRUCT_CLASS(cls_run, "release.HookExecution");

static value as_obj(arena *a, const vclass *c, value m)
{
	return v_obj(a, c, m.u.m);
}

static value tstr(arena *a, const char *s)
{
	return v_cstr(a, s ? s : "");
}

static value ttime(arena *a, rel_time t)
{
	return v_cstr(a, t.set ? rel_time_string(a, t) : "0001-01-01 00:00:00 +0000 UTC");
}

static value tmeta(arena *a, value md)
{
	static const char *const names[][2] = {
	    {"name", "Name"},
	    {"home", "Home"},
	    {"sources", "Sources"},
	    {"version", "Version"},
	    {"description", "Description"},
	    {"keywords", "Keywords"},
	    {"maintainers", "Maintainers"},
	    {"icon", "Icon"},
	    {"apiVersion", "APIVersion"},
	    {"condition", "Condition"},
	    {"tags", "Tags"},
	    {"appVersion", "AppVersion"},
	    {"deprecated", "Deprecated"},
	    {"annotations", "Annotations"},
	    {"kubeVersion", "KubeVersion"},
	    {"dependencies", "Dependencies"},
	    {"type", "Type"},
	};
	value m = v_map_new(a);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		value *v = md.kind == V_MAP ? map_getc(md.u.m, names[i][0]) : NULL;
		const char *k = names[i][0];
		value zero = !strcmp(k, "deprecated")	 ? v_bool(false)
			     : !strcmp(k, "annotations") ? v_map_new(a)
			     : (!strcmp(k, "sources") || !strcmp(k, "keywords") ||
				!strcmp(k, "maintainers") || !strcmp(k, "dependencies"))
				 ? v_list_new(a, 0)
				 : v_str_static("", 0);
		put(a, m.u.m, names[i][1], v ? *v : zero);
	}
	return as_obj(a, &cls_meta, m);
}

static value template_data(arena *a, const release *r)
{
	value rel = v_map_new(a), info = v_map_new(a), chart = v_map_new(a),
	      hooks = v_list_new(a, 4);
	const rel_info *in = r->info;
	if (in) {
		put(a, info.u.m, "FirstDeployed", ttime(a, in->first_deployed));
		put(a, info.u.m, "LastDeployed", ttime(a, in->last_deployed));
		put(a, info.u.m, "Deleted", ttime(a, in->deleted));
		put(a, info.u.m, "Description", tstr(a, in->description));
		put(a, info.u.m, "Status", tstr(a, in->status));
		put(a, info.u.m, "Notes", tstr(a, in->notes));
	}
	if (r->chart) {
		put(a, chart.u.m, "Metadata", tmeta(a, r->chart->metadata));
		put(a, chart.u.m, "Values",
		    r->chart->values.kind == V_MAP ? r->chart->values : v_map_new(a));
	}
	for (size_t i = 0; i < r->nhooks; i++) {
		const rel_hook *h = &r->hooks[i];
		value hm = v_map_new(a), run = v_map_new(a), ev = v_list_new(a, 2);
		for (size_t e = 0; e < h->nevents; e++)
			list_push(a, ev.u.l, tstr(a, h->events[e]));
		put(a, run.u.m, "StartedAt", ttime(a, h->started_at));
		put(a, run.u.m, "CompletedAt", ttime(a, h->completed_at));
		put(a, run.u.m, "Phase", tstr(a, h->phase));
		put(a, hm.u.m, "Name", tstr(a, h->name));
		put(a, hm.u.m, "Kind", tstr(a, h->kind));
		put(a, hm.u.m, "Path", tstr(a, h->path));
		put(a, hm.u.m, "Manifest", tstr(a, h->manifest));
		put(a, hm.u.m, "Events", ev);
		put(a, hm.u.m, "LastRun", as_obj(a, &cls_run, run));
		put(a, hm.u.m, "Weight", v_int(h->weight));
		list_push(a, hooks.u.l, as_obj(a, &cls_hook, hm));
	}
	put(a, rel.u.m, "Name", tstr(a, r->name));
	put(a, rel.u.m, "Info", in ? as_obj(a, &cls_info, info) : v_nil());
	put(a, rel.u.m, "Chart", r->chart ? as_obj(a, &cls_chart, chart) : v_nil());
	put(a, rel.u.m, "Config", r->config.kind == V_MAP ? r->config : v_map_new(a));
	put(a, rel.u.m, "Manifest", tstr(a, r->manifest));
	put(a, rel.u.m, "Hooks", hooks);
	put(a, rel.u.m, "Version", v_int(r->version));
	put(a, rel.u.m, "Namespace", tstr(a, r->namespace));
	value data = v_map_new(a);
	put(a, data.u.m, "Release", as_obj(a, &cls_release, rel));
	return data;
}

/* Helm's tpl(): text/template without extra functions, named "_". */
static int run_template(arena *a, strbuf *sb, const char *text, const release *r, const char **err)
{
	tset *t = tset_new(a, NULL);
	terror te = {0};
	const char *src = arena_strdup(a, text);
	if (tset_parse(t, "_", src, strlen(src), &te) ||
	    tset_exec(t, "_", template_data(a, r), sb, &te)) {
		*err = te.msg;
		return -1;
	}
	return 0;
}

static int get_part(arena *a, strbuf *sb, const char *what, const release *r, const get_opts *o,
		    int fmt, const char **err)
{
	if (!strcmp(what, "manifest")) {
		sb_addf(sb, "%s\n", s_or(r->manifest));
	} else if (!strcmp(what, "notes")) {
		if (r->info && r->info->notes && *r->info->notes)
			sb_addf(sb, "NOTES:\n%s\n", r->info->notes);
	} else if (!strcmp(what, "hooks")) {
		for (size_t i = 0; i < r->nhooks; i++)
			sb_addf(sb, "---\n# Source: %s\n%s\n", s_or(r->hooks[i].path),
				s_or(r->hooks[i].manifest));
	} else if (!strcmp(what, "values")) {
		return get_values(a, sb, r, o, fmt, err);
	} else if (o->template_ && *o->template_) {
		return run_template(a, sb, o->template_, r, err);
	} else {
		status_flags f = {.debug = true, .show_metadata = true};
		return status_print(a, sb, r, &f, err);
	}
	return 0;
}

int cmd_get(arena *a, int argc, char **argv)
{
	static const char *const subs[] = {"all", "hooks", "manifest", "notes", "values"};
	const char *what = argc > 0 ? argv[0] : "";
	bool known = false;
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		known |= !strcmp(what, subs[i]);
	if (!known)
		return cli_error(
		    "\"helm get\" requires a subcommand: all, hooks, manifest, notes or values");
	get_opts o = {0};
	bool is_values = !strcmp(what, "values"), is_all = !strcmp(what, "all");
	flag_def defs[32] = {{"revision", 0, FLAG_INT, &o.revision}, KUBE_FLAGS(o.ko)};
	size_t nd = 0;
	while (defs[nd].name)
		nd++;
	if (is_values) {
		defs[nd++] = (flag_def){"all", 'a', FLAG_BOOL, &o.all_values};
		defs[nd++] = (flag_def){"output", 'o', FLAG_STRING, &o.output};
	}
	if (is_all)
		defs[nd++] = (flag_def){"template", 0, FLAG_STRING, &o.template_};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc - 1, argv + 1, &pos, &err))
		return cli_error(err);
	int fmt = release_output_format(a, o.output, &err);
	if (fmt < 0)
		return cli_error(err);
	kube_client *k;
	storage *s = cli_storage(a, &o.ko, false, &k);
	if (!s)
		return 1;
	if (pos.n != 1)
		return cli_error(arena_sprintf(a,
					       "\"helm get %s\" requires 1 argument\n\nUsage:  "
					       "helm get %s RELEASE_NAME [flags]",
					       what, what));
	if (kube_reachable(k, &err))
		return cli_error(err);
	release *r;
	if (storage_content(s, pos.v[0], o.revision, &r, &err))
		return cli_error(err);
	strbuf sb;
	sb_init(&sb, a);
	if (get_part(a, &sb, what, r, &o, fmt, &err))
		return cli_error(err);
	return write_stdout(sb.buf, sb.len) ? 1 : 0;
}

/* __kube obj OP APIVERSION KIND NS NAME [BODY]: the object calls of net/kube.h. */
static int kube_obj(arena *a, kube_client *k, const strlist *p)
{
	if (p->n < 6 || p->n > 7)
		return cli_error(
		    "usage: render __kube obj get|list|create|update|merge|apply|delete APIVERSION "
		    "KIND NS NAME [BODY]");
	const char *op = p->v[1], *ns = p->v[4], *name = p->v[5],
		   *body = p->n == 7 ? p->v[6] : "{}";
	const char *err;
	kube_resource r;
	if (kube_resource_for(k, p->v[2], p->v[3], &r, &err))
		return cli_error(err);
	value obj = v_nil(), out = v_nil();
	if (json_parse(a, body, strlen(body), &obj, &err))
		return cli_error(err);
	long st = 0;
	int rc;
	if (!strcmp(op, "get"))
		rc = kube_get(k, &r, ns, name, &out, &st, &err);
	else if (!strcmp(op, "list"))
		rc = kube_list(k, &r, ns, *name ? name : NULL, &out, &st, &err);
	else if (!strcmp(op, "create"))
		rc = kube_create(k, &r, ns, obj, &out, &st, &err);
	else if (!strcmp(op, "update"))
		rc = kube_update(k, &r, ns, name, obj, &out, &st, &err);
	else if (!strcmp(op, "merge") || !strcmp(op, "apply"))
		rc = kube_patch(k, &r, ns, name, op, body, strlen(body), "render", true, &out, &st,
				&err);
	else if (!strcmp(op, "delete"))
		rc = kube_delete(k, &r, ns, name, "Background", &st, &err);
	else
		return cli_error(arena_sprintf(a, "unknown operation \"%s\"", op));
	if (rc) {
		printf("%ld\n", st);
		fflush(stdout);
		return cli_error(err);
	}
	strbuf sb;
	sb_init(&sb, a);
	sb_addf(&sb, "%s %s\n", r.name, r.namespaced ? "namespaced" : "cluster");
	if (out.kind != V_NIL && json_emit(&sb, out, &err))
		return cli_error(err);
	sb_addc(&sb, '\n');
	return write_stdout(sb.buf, sb.len) ? 1 : 0;
}

/* render __kube [flags] METHOD PATH [BODY]: prints the status and the answer;
 * `reachable`, `obj ...` and --print-namespace are the other forms. */
int cmd_kubedebug(arena *a, int argc, char **argv)
{
	kube_opts ko = {0};
	bool ns_only = false;
	const flag_def defs[] = {KUBE_FLAGS(ko), {"print-namespace", 0, FLAG_BOOL, &ns_only}, {0}};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	kube_client *k = kube_new(a, &ko);
	if (ns_only) {
		printf("%s\n", kube_namespace(k));
		return 0;
	}
	if (pos.n && !strcmp(pos.v[0], "obj"))
		return kube_obj(a, k, &pos);
	if (pos.n && !strcmp(pos.v[0], "reachable")) {
		if (kube_reachable(k, &err))
			return cli_error(err);
		return 0;
	}
	if (pos.n < 2 || pos.n > 3)
		return cli_error("usage: render __kube METHOD PATH [BODY]");
	const char *body = pos.n == 3 ? pos.v[2] : NULL;
	value out;
	long st;
	int rc =
	    kube_call(k, pos.v[0], pos.v[1], NULL, body, body ? strlen(body) : 0, &out, &st, &err);
	if (rc) {
		printf("%ld\n", st);
		fflush(stdout);
		return cli_error(err);
	}
	strbuf sb;
	sb_init(&sb, a);
	sb_addf(&sb, "%ld\n", st);
	if (json_emit(&sb, out, &err))
		return cli_error(err);
	sb_addc(&sb, '\n');
	return write_stdout(sb.buf, sb.len) ? 1 : 0;
}
