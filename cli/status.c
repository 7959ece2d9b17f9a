/* status.c - `render status NAME`: Helm's `helm status`, and the status
 * printer `render get all` shares (status_print): name, dates, status,
 * revision, test hooks, values, hooks and manifest, notes, as Helm's
 * statusPrinter writes them; -o json|yaml prints the release without its chart.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../release/storage.h"
#include "../values/coalesce.h"
#include "../values/json.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"

static const char *meta(const release *r, const char *key)
{
	if (!r->chart || r->chart->metadata.kind != V_MAP)
		return "";
	value *v = map_getc(r->chart->metadata.u.m, key);
	return v && v->kind == V_STRING ? v->u.s : "";
}

static const char *s_or(const char *s)
{
	return s ? s : "";
}

/* strings.TrimSpace for ASCII white space. */
static void add_trimmed(strbuf *sb, const char *s)
{
	size_t n = strlen(s);
	while (n && strchr(" \t\n\r\v\f", s[n - 1]))
		n--;
	while (n && strchr(" \t\n\r\v\f", *s)) {
		s++;
		n--;
	}
	sb_add(sb, s, n);
}

static void test_suite(arena *a, strbuf *sb, const release *r)
{
	bool any = false;
	for (size_t i = 0; i < r->nhooks; i++) {
		const rel_hook *h = &r->hooks[i];
		bool test = false;
		for (size_t e = 0; e < h->nevents; e++)
			test |= !strcmp(h->events[e], "test");
		if (!test)
			continue;
		any = true;
		if (!h->started_at.set)
			continue;
		sb_addf(sb,
			"TEST SUITE:     %s\nLast Started:   %s\nLast Completed: %s\nPhase:        "
			"  %s\n",
			s_or(h->name), rel_time_ansic(a, h->started_at),
			rel_time_ansic(a, h->completed_at), s_or(h->phase));
	}
	if (!any)
		sb_adds(sb, "TEST SUITE: None\n");
}

/* chartutil.CoalesceValues(rel.Chart, rel.Config) for the stored top chart. */
vmap *status_computed_values(arena *a, const release *r)
{
	vtree t = {.name = meta(r, "name")};
	if (r->chart && r->chart->values.kind == V_MAP)
		t.values = r->chart->values.u.m;
	vmap *user = r->config.kind == V_MAP ? r->config.u.m : v_map_new(a).u.m;
	vmap *out = coalesce_values(a, &t, user, NULL);
	return out ? out : v_map_new(a).u.m;
}

static int values_section(arena *a, strbuf *sb, const release *r, const char **err)
{
	sb_adds(sb, "USER-SUPPLIED VALUES:\n");
	if (yaml_emit(sb, r->config.kind == V_MAP ? r->config : v_nil(), err))
		return -1;
	sb_adds(sb, "\nCOMPUTED VALUES:\n");
	value all = {.kind = V_MAP, .u.m = status_computed_values(a, r)};
	if (yaml_emit(sb, all, err))
		return -1;
	sb_addc(sb, '\n');
	return 0;
}

int status_print(arena *a, strbuf *sb, const release *r, const status_flags *f, const char **err)
{
	const rel_info *in = r->info;
	rel_info none = {0};
	if (!in)
		in = &none;
	sb_addf(sb, "NAME: %s\n", s_or(r->name));
	if (in->last_deployed.set)
		sb_addf(sb, "LAST DEPLOYED: %s\n", rel_time_ansic(a, in->last_deployed));
	sb_addf(sb, "NAMESPACE: %s\nSTATUS: %s\nREVISION: %lld\n", s_or(r->namespace),
		s_or(in->status), (long long)r->version);
	if (f->show_metadata)
		sb_addf(sb, "CHART: %s\nVERSION: %s\nAPP_VERSION: %s\n", meta(r, "name"),
			meta(r, "version"), meta(r, "appVersion"));
	if (f->show_description)
		sb_addf(sb, "DESCRIPTION: %s\n", s_or(in->description));
	test_suite(a, sb, r);
	if (f->debug && values_section(a, sb, r, err))
		return -1;
	if (f->debug || (in->description && !strcasecmp(in->description, "Dry run complete"))) {
		sb_adds(sb, "HOOKS:\n");
		for (size_t i = 0; i < r->nhooks; i++)
			sb_addf(sb, "---\n# Source: %s\n%s\n", s_or(r->hooks[i].path),
				s_or(r->hooks[i].manifest));
		sb_addf(sb, "MANIFEST:\n%s\n", s_or(r->manifest));
	}
	if (in->notes && *in->notes) {
		sb_adds(sb, "NOTES:\n");
		add_trimmed(sb, in->notes);
		sb_addc(sb, '\n');
	}
	return 0;
}

/* -o json|yaml: the release as encoding/json sees it, chart removed. */
static int print_object(arena *a, strbuf *sb, release *r, int fmt, const char **err)
{
	release copy = *r;
	copy.chart = NULL;
	strbuf js;
	sb_init(&js, a);
	if (release_to_json(&js, &copy, err))
		return -1;
	if (fmt == 1) {
		sb_add(sb, js.buf, js.len);
		sb_addc(sb, '\n');
		return 0;
	}
	value v;
	if (json_parse(a, js.buf, js.len, &v, err))
		return -1;
	return yaml_emit(sb, v, err);
}

int cmd_status(arena *a, int argc, char **argv)
{
	int revision = 0;
	bool show_desc = false, show_res = false;
	const char *output = NULL;
	kube_opts ko = {0};
	const flag_def defs[] = {
	    {"revision", 0, FLAG_INT, &revision},
	    {"output", 'o', FLAG_STRING, &output},
	    {"show-desc", 0, FLAG_BOOL, &show_desc},
	    {"show-resources", 0, FLAG_BOOL, &show_res},
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
		return cli_error("\"helm status\" requires 1 argument\n\nUsage:  helm status "
				 "RELEASE_NAME [flags]");
	if (show_res)
		return cli_error("status --show-resources is not supported yet");
	if (kube_reachable(k, &err))
		return cli_error(err);
	release *r;
	if (storage_content(s, pos.v[0], revision, &r, &err))
		return cli_error(err);
	strbuf sb;
	sb_init(&sb, a);
	status_flags f = {.show_description = show_desc};
	int rc = fmt == 0 ? status_print(a, &sb, r, &f, &err) : print_object(a, &sb, r, fmt, &err);
	if (rc)
		return cli_error(err);
	return write_stdout(sb.buf, sb.len) ? 1 : 0;
}
