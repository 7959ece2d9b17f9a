/* helm.c - Helm's own template functions (pkg/engine/funcs.go and engine.go).
 *
 * include and tpl run nested executions; required and fail wrap their message
 * in Helm's HELM_ERR_START/END markers so that the engine's clean-up can turn
 * them into `execution error at (file:line:col): msg`. lookup asks the cluster
 * through the host's callback; with none it returns an empty map, and
 * getHostByName an empty string, as Helm does.
 */
#include <string.h>

#include "functions.h"
#include "../values/gofmt.h"
#include "../values/json.h"
#include "../values/strbuf.h"
#include "../values/yaml.h"

#define WARN_START    "HELM_ERR_START"
#define WARN_END      "HELM_ERR_END"
#define RECURSION_MAX 1000

static helm_host *host_of(fnctx *c)
{
	return c->host;
}

static value fn_include(fnctx *c, value *argv, int argc)
{
	(void)argc;
	helm_host *h = host_of(c);
	const char *name = argv[0].u.s;
	value *count = map_get(h->include_depth, name, argv[0].len);
	if (count && count->u.i > RECURSION_MAX)
		fn_fail(c,
			"rendering template has a nested reference name: %s: unable to execute "
			"template",
			name);
	if (count)
		count->u.i++;
	else
		map_set(c->a, h->include_depth, name, argv[0].len, v_int(1));
	/* nested includes stack up in the one scratch buffer: each copies its
	 * result out and gives the space back */
	strbuf local, *sb = h->scratch ? h->scratch : &local;
	if (!h->scratch)
		sb_init(&local, c->a);
	size_t start = sb->len;
	terror te;
	int rc = fnctx_exec(c, name, argv[1], sb, &te);
	/* looked up again: nested includes may have moved the map's entries */
	map_get(h->include_depth, name, argv[0].len)->u.i--;
	value r = v_str(c->a, sb->buf ? sb->buf + start : "", sb->len - start);
	sb->len = start;
	if (rc != 0)
		fn_fail(c, "%s", te.msg);
	return r;
}

/* Helm 3.17.3's tpl: a clone of the running set, the text parsed as "gotpl",
 * executed with vals; errors are Go's own, wrapped. */
static value fn_tpl(fnctx *c, value *argv, int argc)
{
	(void)argc;
	helm_host *h = host_of(c);
	tset *set = tset_clone(c->a, c->set);
	tset_set_strict(set, h->strict);
	tset_set_host(set, h);
	terror te;
	strbuf quoted;
	sb_init(&quoted, c->a);
	go_quote(&quoted, argv[0].u.s, argv[0].len);
	const char *text = arena_strndup(c->a, argv[0].u.s, argv[0].len);
	/* an outer tpl's "gotpl" must not survive an empty text (Go runs the new tree) */
	tset_forget(set, "gotpl");
	if (tset_parse(set, "gotpl", text, argv[0].len, &te) != 0)
		fn_fail(c, "cannot parse template %s: %s", sb_str(&quoted), te.msg);
	strbuf sb;
	sb_init(&sb, c->a);
	if (tset_exec(set, "gotpl", argv[1], &sb, &te) != 0)
		fn_fail(c, "error during tpl function execution for %s: %s", sb_str(&quoted),
			te.msg);
	const char *out = sb_str(&sb);
	strbuf clean;
	sb_init(&clean, c->a);
	for (const char *p = out; *p;) {
		const char *hit = strstr(p, "<no value>");
		if (!hit) {
			sb_adds(&clean, p);
			break;
		}
		sb_add(&clean, p, (size_t)(hit - p));
		p = hit + 10;
	}
	return v_str(c->a, clean.buf ? clean.buf : "", clean.len);
}

static value fn_required(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value v = argv[1];
	if (v.kind == V_NIL || (v.kind == V_STRING && v.len == 0)) {
		if (host_of(c)->lint_mode) {
			if (host_of(c)->log)
				sb_addf(host_of(c)->log,
					"engine.go:206: [INFO] Missing required value: %s\n",
					argv[0].u.s);
			return v_str_static("", 0);
		}
		fn_fail(c, WARN_START "%s" WARN_END, argv[0].u.s);
	}
	return v;
}

static value fn_fail_helm(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (host_of(c)->lint_mode) {
		if (host_of(c)->log)
			sb_addf(host_of(c)->log, "engine.go:227: [INFO] Fail: %s\n", argv[0].u.s);
		return v_str_static("", 0);
	}
	fn_fail(c, WARN_START "%s" WARN_END, argv[0].u.s);
}

/* lookup APIVERSION KIND NAMESPACE NAME: the cluster's object, the List when
 * NAME is "", an empty map when not found or when no cluster is asked. */
static value fn_lookup(fnctx *c, value *argv, int argc)
{
	(void)argc;
	helm_host *h = host_of(c);
	if (!h->lookup || h->lint_mode)
		return v_map_new(c->a);
	value out;
	const char *err = NULL;
	if (h->lookup(h->lookup_ctx, c->a, argv[0].u.s, argv[1].u.s, argv[2].u.s, argv[3].u.s, &out,
		      &err) != 0)
		fn_fail(c, "%s", err ? err : "lookup failed");
	return out.kind == V_MAP ? out : v_map_new(c->a);
}

/* The buffer without its last newline, as the string value itself (no copy). */
static value trimmed(strbuf *sb)
{
	if (sb->len && sb->buf[sb->len - 1] == '\n')
		sb->len--;
	const char *s = sb_str(sb);
	return (value){.kind = V_STRING, .len = (uint32_t)sb->len, .u.s = s};
}

static value fn_to_yaml(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	const char *err;
	if (yaml_emit(&sb, argv[0], &err) != 0)
		return v_str_static("", 0);
	return trimmed(&sb);
}

/* Helm 4's mustToYaml: toYaml that fails instead of returning "". */
static value fn_must_to_yaml(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	const char *err;
	if (yaml_emit(&sb, argv[0], &err) != 0)
		fn_fail(c, "%s", err);
	return trimmed(&sb);
}

static value fn_to_yaml_pretty(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	const char *err;
	if (yaml_emit_pretty(&sb, argv[0], &err) != 0)
		return v_str_static("", 0);
	return trimmed(&sb);
}

static value error_map(fnctx *c, const char *err)
{
	value m = v_map_new(c->a);
	map_setc(c->a, m.u.m, "Error", v_cstr(c->a, err));
	return m;
}

static value fn_from_yaml(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value v;
	const char *err;
	if (yaml_load_map(c->a, argv[0].u.s, argv[0].len, &v, &err) != 0)
		return error_map(c, err);
	return v;
}

static value fn_from_yaml_array(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value v;
	const char *err = NULL;
	if (yaml_load(c->a, argv[0].u.s, argv[0].len, &v, &err) == 0 && v.kind != V_LIST &&
	    v.kind != V_NIL)
		err = arena_sprintf(c->a,
				    "error unmarshaling JSON: while decoding JSON: json: cannot "
				    "unmarshal %s into Go value of type []interface {}",
				    v.kind == V_MAP	 ? "object"
				    : v.kind == V_STRING ? "string"
				    : v.kind == V_BOOL	 ? "bool"
							 : "number");
	if (err) {
		value l = v_list_new(c->a, 1);
		list_push(c->a, l.u.l, v_cstr(c->a, err));
		return l;
	}
	return v.kind == V_NIL ? v_list_new(c->a, 0) : v;
}

static value fn_to_json(fnctx *c, value *argv, int argc)
{
	(void)argc;
	strbuf sb;
	sb_init(&sb, c->a);
	const char *err;
	if (json_emit(&sb, argv[0], &err) != 0)
		return v_str_static("", 0);
	return v_str(c->a, sb.buf ? sb.buf : "", sb.len);
}

/* A top-level number that does not fit a float64: Go reports the type
 * mismatch with the target before it would read the number. */
static bool top_number_overflow(const char *s, size_t n, const char *err)
{
	while (n && strchr(" \t\r\n", *s))
		s++, n--;
	return n && (*s == '-' || (*s >= '0' && *s <= '9')) &&
	       !strncmp(err, "json: cannot unmarshal number ", 30);
}

static value fn_from_json(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value v;
	const char *err;
	if (json_parse(c->a, argv[0].u.s, argv[0].len, &v, &err) != 0) {
		if (top_number_overflow(argv[0].u.s, argv[0].len, err))
			err = "json: cannot unmarshal number into Go value of type "
			      "map[string]interface {}";
		return error_map(c, err);
	}
	if (v.kind == V_NIL)
		return v_map_new(c->a);
	if (v.kind != V_MAP)
		return error_map(c, arena_sprintf(c->a,
						  "json: cannot unmarshal %s into Go value of type "
						  "map[string]interface {}",
						  json_type_name(v)));
	return v;
}

static value fn_from_json_array(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value v;
	const char *err = NULL;
	if (json_parse(c->a, argv[0].u.s, argv[0].len, &v, &err) == 0 && v.kind != V_LIST &&
	    v.kind != V_NIL)
		err = arena_sprintf(
		    c->a, "json: cannot unmarshal %s into Go value of type []interface {}",
		    json_type_name(v));
	else if (err && top_number_overflow(argv[0].u.s, argv[0].len, err))
		err = "json: cannot unmarshal number into Go value of type []interface {}";
	if (err) {
		value l = v_list_new(c->a, 1);
		list_push(c->a, l.u.l, v_cstr(c->a, err));
		return l;
	}
	return v.kind == V_NIL ? v_list_new(c->a, 0) : v;
}

static value fn_get_host_by_name(fnctx *c, value *argv, int argc)
{
	(void)c;
	(void)argv;
	(void)argc;
	return v_str_static("", 0);
}

const fn_def fn_family_helm[] = {
    {"fail", fn_fail_helm, "s"},
    {"fromJson", fn_from_json, "s"},
    {"fromJsonArray", fn_from_json_array, "s"},
    {"fromYaml", fn_from_yaml, "s"},
    {"fromYamlArray", fn_from_yaml_array, "s"},
    {"getHostByName", fn_get_host_by_name, "s"},
    {"include", fn_include, "sv"},
    {"lookup", fn_lookup, "ssss"},
    {"required", fn_required, "sv"},
    {"toJson", fn_to_json, "v"},
    {"toYaml", fn_to_yaml, "v"},
    {"mustToYaml", fn_must_to_yaml, "v"},
    {"toYamlPretty", fn_to_yaml_pretty, "v"},
    {"tpl", fn_tpl, "sv"},
    {0},
};

/* pkg/engine cleanupParseError: "parse error at (LOCATION): MSG". */
const char *helm_parse_error(arena *a, const char *filename, const terror *err)
{
	const char *msg = err->msg;
	const char *first = strstr(msg, ": ");
	if (!first)
		return arena_sprintf(a, "parse error in (%s): %s", filename, msg);
	const char *loc = first + 2;
	const char *loc_end = strstr(loc, ": ");
	const char *last = msg;
	for (const char *p = msg; (p = strstr(p, ": ")); p += 2)
		last = p + 2;
	size_t loclen = loc_end ? (size_t)(loc_end - loc) : strlen(loc);
	return arena_sprintf(a, "parse error at (%.*s): %s", (int)loclen, loc, last);
}

/* pkg/engine cleanupExecError: errors carrying Helm's markers become
 * "execution error at (LOCATION): MSG"; other exec errors stay as they are. */
const char *helm_exec_error(arena *a, const char *filename, const terror *err)
{
	if (err->kind != TERR_EXEC)
		return err->msg;
	const char *msg = err->msg;
	const char *t1 = strstr(msg, ": ");
	const char *t2 = t1 ? strstr(t1 + 2, ": ") : NULL;
	if (!t2)
		return arena_sprintf(a, "execution error in (%s): %s", filename, msg);
	const char *rest = t2 + 2;
	const char *s = strstr(rest, WARN_START);
	const char *e = s ? strstr(s + strlen(WARN_START), WARN_END) : NULL;
	if (!s || !e)
		return msg;
	/* the regexp ((?s).*) is greedy and crosses lines: up to the last end marker */
	for (const char *x = e; (x = strstr(x + 1, WARN_END));)
		e = x;
	s += strlen(WARN_START);
	return arena_sprintf(a, "execution error at (%.*s): %.*s", (int)(t2 - t1 - 2), t1 + 2,
			     (int)(e - s), s);
}
