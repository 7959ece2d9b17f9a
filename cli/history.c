/* history.c - `render history NAME`: Helm's `helm history`, the revisions of
 * one release (the newest --max of them, oldest first) as Helm's table, JSON
 * or YAML.
 */
#include <stdlib.h>
#include <string.h>

#include "../release/storage.h"
#include "../values/json.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"
#include "table.h"

static int by_revision_desc(const void *p, const void *q)
{
	const release *x = *(release *const *)p, *y = *(release *const *)q;
	return x->version < y->version ? 1 : x->version > y->version ? -1 : 0;
}

static const char *meta(const release *r, const char *key)
{
	if (!r->chart || r->chart->metadata.kind != V_MAP)
		return NULL;
	value *v = map_getc(r->chart->metadata.u.m, key);
	return v && v->kind == V_STRING ? v->u.s : "";
}

static const char *chart_name(arena *a, const release *r)
{
	const char *n = meta(r, "name");
	return n ? arena_sprintf(a, "%s-%s", n, meta(r, "version")) : "MISSING";
}

static const char *app_version(const release *r)
{
	const char *v = meta(r, "appVersion");
	return v ? v : "MISSING";
}

static rel_time updated(const release *r)
{
	return r->info ? r->info->last_deployed : (rel_time){0};
}

static const char *str_or(const char *s)
{
	return s ? s : "";
}

static void write_table(arena *a, strbuf *sb, release **v, size_t n)
{
	uitable t;
	uitable_init(&t, a, 6,
		     0); /* Helm sets MaxColWidth 60, which uitable ignores without Wrap */
	static const char *const head[] = {"REVISION", "UPDATED",     "STATUS",
					   "CHART",    "APP VERSION", "DESCRIPTION"};
	uitable_row(&t, head);
	for (size_t i = 0; i < n; i++) {
		const release *r = v[i];
		const char *cells[6] = {
		    arena_sprintf(a, "%lld", (long long)r->version),
		    rel_time_ansic(a, updated(r)),
		    r->info ? str_or(r->info->status) : "",
		    chart_name(a, r),
		    app_version(r),
		    r->info ? str_or(r->info->description) : "",
		};
		uitable_row(&t, cells);
	}
	uitable_write(&t, sb);
}

static const char *rfc3339(arena *a, rel_time t)
{
	if (!t.set)
		return "";
	strbuf sb;
	sb_init(&sb, a);
	rel_time_format(&sb, t);
	return sb_str(&sb);
}

static void write_json(arena *a, strbuf *sb, release **v, size_t n)
{
	sb_addc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		const release *r = v[i];
		const char *f[5] = {rfc3339(a, updated(r)), r->info ? str_or(r->info->status) : "",
				    chart_name(a, r), app_version(r),
				    r->info ? str_or(r->info->description) : ""};
		static const char *const keys[5] = {"updated", "status", "chart", "app_version",
						    "description"};
		sb_addf(sb, "%s{\"revision\":%lld", i ? "," : "", (long long)r->version);
		for (int k = 0; k < 5; k++) {
			sb_addf(sb, ",\"%s\":", keys[k]);
			json_quote(sb, f[k], strlen(f[k]), true);
		}
		sb_addc(sb, '}');
	}
	sb_adds(sb, "]\n");
}

static int write_yaml(arena *a, strbuf *sb, release **v, size_t n, const char **err)
{
	value list = v_list_new(a, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		const release *r = v[i];
		value m = v_map_new(a);
		map_setc(a, m.u.m, "revision", v_int(r->version));
		map_setc(a, m.u.m, "updated", v_cstr(a, rfc3339(a, updated(r))));
		map_setc(a, m.u.m, "status", v_cstr(a, r->info ? str_or(r->info->status) : ""));
		map_setc(a, m.u.m, "chart", v_cstr(a, chart_name(a, r)));
		map_setc(a, m.u.m, "app_version", v_cstr(a, app_version(r)));
		map_setc(a, m.u.m, "description",
			 v_cstr(a, r->info ? str_or(r->info->description) : ""));
		list_push(a, list.u.l, m);
	}
	return yaml_emit(sb, list, err);
}

int cmd_history(arena *a, int argc, char **argv)
{
	int max = 256;
	const char *output = NULL;
	kube_opts ko = {0};
	const flag_def defs[] = {
	    {"max", 0, FLAG_INT, &max},
	    {"output", 'o', FLAG_STRING, &output},
	    KUBE_FLAGS(ko),
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	int fmt = release_output_format(a, output, &err);
	if (fmt < 0)
		return cli_error(err);
	kube_client *k;
	storage *s = cli_storage(a, &ko, false, &k);
	if (!s)
		return 1;
	if (pos.n != 1)
		return cli_error("\"helm history\" requires 1 argument\n\nUsage:  helm history "
				 "RELEASE_NAME [flags]");
	if (kube_reachable(k, &err))
		return cli_error(err);
	if (!storage_valid_name(pos.v[0]))
		return cli_error(arena_sprintf(a, "release name is invalid: %s", pos.v[0]));
	release **v;
	size_t n;
	if (storage_history(s, pos.v[0], &v, &n, &err))
		return cli_error(err);
	qsort(v, n, sizeof *v, by_revision_desc);
	if (max < 0)
		max = 0;
	if (n > (size_t)max)
		n = (size_t)max;
	for (size_t i = 0; i < n / 2; i++) { /* oldest first */
		release *t = v[i];
		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
	strbuf sb;
	sb_init(&sb, a);
	if (fmt == 0)
		write_table(a, &sb, v, n);
	else if (fmt == 1)
		write_json(a, &sb, v, n);
	else if (write_yaml(a, &sb, v, n, &err))
		return cli_error(err);
	return write_stdout(sb.buf, sb.len) ? 1 : 0;
}
