/* lint.c - Helm 3.17.3's chart linter (pkg/lint/rules): Chart.yaml, values.yaml,
 * the templates rendered in lint mode, and the dependencies, in Helm's order.
 *
 * Files are read from the chart folder as Helm reads them, so every message
 * names what Helm names. The deprecation table is client-go v0.32's, as
 * measured with Helm 3.17.3 (its k8sVersionMinor is 32). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../functions/semver.h"
#include "../values/coalesce.h"
#include "../values/json.h"
#include "../values/schema.h"
#include "../values/yaml.h"
#include "deps.h"
#include "engine.h"
#include "lint.h"
#include "pipeline.h"

struct linter {
	arena *a;
	const char *dir;
	const lint_opts *o;
	vmap *user;
	lint_result *out;
	size_t cap;
	strbuf *log;
};

/* support.Linter.RunLinterRule: records err when not NULL; true when it passed. */
static bool rule(struct linter *l, int sev, const char *path, const char *err)
{
	if (!err)
		return true;
	if (l->out->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		l->out->msgs = arena_realloc(l->a, l->out->msgs, l->cap * sizeof(lint_msg),
					     ncap * sizeof(lint_msg));
		l->cap = ncap;
	}
	l->out->msgs[l->out->n++] = (lint_msg){sev, path, err};
	return false;
}

const char *lint_msg_string(arena *a, const lint_msg *m)
{
	const char *sev = m->sev == LINT_INFO	   ? "INFO"
			  : m->sev == LINT_WARNING ? "WARNING"
						   : "ERROR";
	return arena_sprintf(a, "[%s] %s: %s", sev, m->path, m->text);
}

static value map_val(value m, const char *key)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, key) : NULL;
	return v ? *v : v_nil();
}

/* A YAML number as sigs.k8s.io/yaml writes it for a string field: an integer
 * in full, else strconv.FormatFloat(f, 'g', -1, 32). */
static const char *float_text(arena *a, double f)
{
	if (f == (double)(long long)f && f > -1e18 && f < 1e18)
		return arena_sprintf(a, "%lld", (long long)f);
	for (int prec = 1; prec < 17; prec++) {
		const char *s = arena_sprintf(a, "%.*g", prec, f);
		if ((float)strtod(s, NULL) == (float)f)
			return s;
	}
	return arena_sprintf(a, "%g", f);
}

/* A scalar as sigs.k8s.io/yaml hands it to a string field: its text. */
static const char *scalar_text(arena *a, value v)
{
	switch (v.kind) {
	case V_STRING:
		return v.u.s;
	case V_BOOL:
		return v.u.b ? "true" : "false";
	case V_INT:
	case V_INT64:
		return arena_sprintf(a, "%lld", (long long)v.u.i);
	case V_FLOAT:
		return float_text(a, v.u.f);
	default:
		return "";
	}
}

/* A Metadata string field. */
static const char *str_field(arena *a, value m, const char *key)
{
	return scalar_text(a, map_val(m, key));
}

/* Go's %T of a value decoded from JSON. */
static const char *go_type(value v)
{
	switch (v.kind) {
	case V_NIL:
		return "<nil>";
	case V_BOOL:
		return "bool";
	case V_STRING:
		return "string";
	case V_LIST:
		return "[]interface {}";
	case V_MAP:
		return "map[string]interface {}";
	default:
		return "float64";
	}
}

static const char *type_check(struct linter *l, value meta, const char *key)
{
	value *v = meta.kind == V_MAP ? map_getc(meta.u.m, key) : NULL;
	if (!v || v->kind == V_STRING)
		return NULL;
	return arena_sprintf(l->a, "%s should be of type string but it's of type %s", key,
			     go_type(*v));
}

/* %XX escapes are well formed in s[0..n). */
static bool escapes_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '%' && (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
				    !isxdigit((unsigned char)s[i + 2])))
			return false;
	return true;
}

/* govalidator.IsRequestURL: url.ParseRequestURI succeeds and there is a scheme. */
static bool is_request_url(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (const char *q = s; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			return false;
	while (isalnum((unsigned char)*s) || *s == '+' || *s == '-' || *s == '.')
		s++;
	if (*s++ != ':')
		return false;
	if (*s != '/')
		return true; /* opaque */
	const char *query = strchr(s, '?');
	size_t n = query ? (size_t)(query - s) : strlen(s);
	if (strncmp(s, "//", 2)) /* an absolute path */
		return escapes_ok(s, n);
	s += 2;
	n -= 2;
	size_t al = strcspn(s, "/");
	if (al > n)
		al = n;
	const char *host = s, *at = NULL;
	for (size_t i = 0; i < al; i++)
		if (s[i] == '@')
			at = s + i;
	if (at)
		host = at + 1;
	size_t hl = al - (size_t)(host - s);
	if (hl && host[0] == '[') {
		const char *close = memchr(host, ']', hl);
		if (!close)
			return false;
		hl -= (size_t)(close + 1 - host);
		host = close + 1;
		if (hl && *host != ':')
			return false;
	}
	const char *colon = memchr(host, ':', hl);
	for (const char *q = host; q < (colon ? colon : host + hl); q++)
		if (*q == ' ' || *q == '%' || *q == '"' || *q == '<' || *q == '>')
			return false;
	if (colon)
		for (const char *q = colon + 1; q < host + hl; q++)
			if (!isdigit((unsigned char)*q))
				return false;
	return escapes_ok(s + al, n - al);
}

/* A dotted quad as govalidator's URLIP accepts it: the first byte 1-223, the last 0-255. */
static int ipv4_url(const char *h, size_t n)
{
	int parts = 0, vals[4];
	size_t i = 0;
	while (i < n && parts < 4) {
		size_t d = 0;
		int v = 0;
		while (i < n && h[i] >= '0' && h[i] <= '9' && d < 4)
			v = v * 10 + (h[i++] - '0'), d++;
		if (!d)
			return -1;
		vals[parts++] = v;
		if (i < n && h[i] != '.')
			return -1;
		i += i < n;
	}
	if (parts != 4 || i < n)
		return -1; /* not a dotted quad: a host name */
	return vals[0] >= 1 && vals[0] <= 223 && vals[1] <= 255 && vals[2] <= 255 && vals[3] <= 255;
}

/* govalidator.IsURL, approximately: its checks on url.Parse's result, then
 * rxURL's shape: an optional known scheme, user info, a host, a port, a path. */
static bool is_url(const char *s)
{
	size_t n = strlen(s);
	if (n <= 3 || n >= 2083 || *s == '.')
		return false;
	for (const char *q = s; *q; q++)
		if (isspace((unsigned char)*q))
			return false;
	const char *p = strstr(s, "://");
	if (!p && !strchr(s, ':') && !strchr(s, '.'))
		return false; /* url.Parse: no host, a path without a dot */
	if (p) {
		static const char *const schemes[] = {"ftp", "tcp",  "udp",  "ws",
						      "wss", "http", "https"};
		bool known = false;
		for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
			known = known || ((size_t)(p - s) == strlen(schemes[i]) &&
					  !strncmp(s, schemes[i], (size_t)(p - s)));
		if (!known)
			return false;
		s = p + 3;
	}
	size_t hl = strcspn(s, "/?#");
	const char *at = memchr(s, '@', hl);
	for (const char *q = at; q; q = memchr(q + 1, '@', hl - (size_t)(q + 1 - s)))
		at = q;
	if (at) {
		hl -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	const char *colon = memchr(s, ':', hl);
	if (colon) {
		size_t pl = hl - (size_t)(colon + 1 - s);
		if (pl < 1 || pl > 5 || strspn(colon + 1, "0123456789") < pl)
			return false;
		hl = (size_t)(colon - s);
	}
	if (!hl || *s == '.' || *s == '-')
		return false;
	int ip = ipv4_url(s, hl);
	if (ip >= 0)
		return ip == 1;
	if (s[hl - 1] == '.')
		hl--;
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c >= 0x80 || c == '-' || c == '_' || c == '.') ||
		    (c == '.' && (i + 1 == hl || !i || !isalnum((unsigned char)s[i - 1]))))
			return false;
	}
	return hl && (isalnum((unsigned char)s[hl - 1]) || (unsigned char)s[hl - 1] >= 0x80);
}

static bool email_alnum(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* govalidator.IsEmail's grammar: dot-atoms (or a quoted string) @ labels and a
 * letter-edged top-level label, with an optional final dot. */
static bool is_email(const char *s)
{
	const char *at = strrchr(s, '@');
	if (!at || at == s)
		return false;
	if (*s == '"') {
		if (at - s < 2 || at[-1] != '"')
			return false;
	} else {
		for (const char *q = s; q < at; q++) {
			unsigned char c = (unsigned char)*q;
			if (c == '.' && (q == s || q + 1 == at || q[1] == '.'))
				return false;
			if (c != '.' && !email_alnum(c) && !strchr("!#$%&'*+-/=?^_`{|}~", c))
				return false;
		}
	}
	const char *d = at + 1;
	size_t n = strlen(d);
	if (n && d[n - 1] == '.')
		n--;
	const char *dot = NULL;
	for (size_t i = 0; i < n; i++)
		if (d[i] == '.')
			dot = d + i;
	if (!dot || dot == d)
		return false;
	size_t pl = (size_t)(dot - d), tl = n - pl - 1;
	if (!email_alnum((unsigned char)d[0]) || !email_alnum((unsigned char)d[pl - 1]))
		return false;
	for (size_t i = 0; i < pl; i++)
		if (!email_alnum((unsigned char)d[i]) && !strchr("-.~_", d[i]))
			return false;
	const char *t = dot + 1;
	if (!tl || isdigit((unsigned char)t[0]) || !email_alnum((unsigned char)t[0]) ||
	    isdigit((unsigned char)t[tl - 1]) || !email_alnum((unsigned char)t[tl - 1]))
		return false;
	for (size_t i = 0; i < tl; i++)
		if (!email_alnum((unsigned char)t[i]) && !strchr("-_~", t[i]))
			return false;
	return true;
}

/* Go's message for errno, as os.PathError prints it. */
static const char *errno_text(arena *a, int e)
{
	char *s = arena_strdup(a, strerror(e));
	s[0] = (char)tolower((unsigned char)s[0]);
	return s;
}

/* os.ReadFile: 0 with the contents, or -1 with Go's message. */
static int read_file(arena *a, const char *path, const char **data, size_t *len, const char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = arena_sprintf(a, "open %s: %s", path, errno_text(a, errno));
		return -1;
	}
	strbuf sb;
	sb_init(&sb, a);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > (64u << 20)) {
			fclose(f);
			*err = arena_sprintf(a, "read %s: file too large", path);
			return -1;
		}
		sb_add(&sb, buf, n);
	}
	int bad = ferror(f) ? errno : 0;
	fclose(f);
	if (bad) {
		*err = arena_sprintf(a, "read %s: %s", path, errno_text(a, bad));
		return -1;
	}
	*len = sb.len;
	*data = sb.buf ? sb_str(&sb) : "";
	return 0;
}

/* filepath.Base */
static const char *base_name(arena *a, const char *s)
{
	size_t n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		n--;
	if (n == 1 && s[0] == '/')
		return "/";
	const char *start = s;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			start = s + i + 1;
	return arena_strndup(a, start, (size_t)(s + n - start));
}

static const char *check_name(struct linter *l, const char *name)
{
	if (!*name)
		return "name is required";
	if (strcmp(base_name(l->a, name), name))
		return arena_sprintf(l->a, "chart name \"%s\" is invalid", name);
	return NULL;
}

static const char *check_api_version(struct linter *l, const char *api)
{
	if (!*api)
		return "apiVersion is required. The value must be either \"v1\" or \"v2\"";
	if (strcmp(api, "v1") && strcmp(api, "v2"))
		return arena_sprintf(
		    l->a, "apiVersion '%s' is not valid. The value must be either \"v1\" or \"v2\"",
		    api);
	return NULL;
}

/* The prerelease of a valid version is "0" with 0.0.0: ">0.0.0-0" fails it. */
static bool is_lowest(const char *v, const char **meta)
{
	if (*v == 'v')
		v++;
	for (int part = 0; part < 3 && *v != '-'; part++) {
		if (*v != '0')
			return false;
		while (*v == '0')
			v++;
		if (*v == '.')
			v++;
	}
	if (strncmp(v, "-0", 2) || (v[2] && v[2] != '+'))
		return false;
	*meta = v[2] ? v + 2 : "";
	return true;
}

static const char *check_version(struct linter *l, const char *version)
{
	const char *meta;
	if (!*version)
		return "version is required";
	if (!semver_valid(l->a, version))
		return arena_sprintf(l->a, "version '%s' is not a valid SemVer", version);
	if (is_lowest(version, &meta))
		return arena_sprintf(l->a, "version 0.0.0-0%s is less than or equal to 0.0.0-0",
				     meta);
	return NULL;
}

static const char *check_maintainers(struct linter *l, value meta)
{
	value ms = map_val(meta, "maintainers");
	for (uint32_t i = 0; ms.kind == V_LIST && i < ms.u.l->len; i++) {
		value m = list_get(ms.u.l, i);
		const char *name = str_field(l->a, m, "name"), *email = str_field(l->a, m, "email");
		const char *url = str_field(l->a, m, "url");
		if (!*name)
			return "each maintainer requires a name";
		if (*email && !is_email(email))
			return arena_sprintf(l->a, "invalid email '%s' for maintainer '%s'", email,
					     name);
		if (*url && !is_url(url))
			return arena_sprintf(l->a, "invalid url '%s' for maintainer '%s'", url,
					     name);
	}
	return NULL;
}

static const char *check_sources(struct linter *l, value meta)
{
	value ss = map_val(meta, "sources");
	for (uint32_t i = 0; ss.kind == V_LIST && i < ss.u.l->len; i++) {
		const char *s = ss.u.l->items[i].kind == V_STRING ? ss.u.l->items[i].u.s : "";
		if (!*s || !is_request_url(s))
			return arena_sprintf(l->a, "invalid source URL '%s'", s);
	}
	return NULL;
}

/* Go types of chart.Metadata's fields, as encoding/json names them. */
enum mtype { T_STRING, T_STRINGS, T_BOOL, T_MAINTAINERS, T_DEPS, T_STRMAP, T_LIST };

static const struct mfield {
	const char *name;
	enum mtype type;
} metadata_fields[] =
    {
	{"annotations", T_STRMAP}, {"apiVersion", T_STRING},  {"appVersion", T_STRING},
	{"condition", T_STRING},   {"dependencies", T_DEPS},  {"deprecated", T_BOOL},
	{"description", T_STRING}, {"home", T_STRING},	      {"icon", T_STRING},
	{"keywords", T_STRINGS},   {"kubeVersion", T_STRING}, {"maintainers", T_MAINTAINERS},
	{"name", T_STRING},	   {"sources", T_STRINGS},    {"tags", T_STRING},
	{"type", T_STRING},	   {"version", T_STRING},     {NULL, T_STRING},
},
  maintainer_fields[] =
      {
	  {"email", T_STRING},
	  {"name", T_STRING},
	  {"url", T_STRING},
	  {NULL, T_STRING},
},
  dependency_fields[] = {
      {"alias", T_STRING},	 {"condition", T_STRING}, {"enabled", T_BOOL},
      {"import-values", T_LIST}, {"name", T_STRING},	  {"repository", T_STRING},
      {"tags", T_STRINGS},	 {"version", T_STRING},	  {NULL, T_STRING},
};

static const char *const mtype_names[] = {
    [T_STRING] = "string",
    [T_STRINGS] = "[]string",
    [T_BOOL] = "bool",
    [T_MAINTAINERS] = "[]*chart.Maintainer",
    [T_DEPS] = "[]*chart.Dependency",
    [T_STRMAP] = "map[string]string",
    [T_LIST] = "[]interface {}",
};

static const char *mtype_error(arena *a, value v, const char *field, const char *type)
{
	return arena_sprintf(a,
			     "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
			     "%s into Go struct field %s of type %s",
			     json_type_name(v), field, type);
}

static const char *struct_type_error(arena *a, value m, const struct mfield *fields,
				     const char *sname, const char *prefix);

/* The first json.Unmarshal type error of v as a field of Go type t. */
static const char *value_type_error(arena *a, value v, enum mtype t, const char *field,
				    const char *path)
{
	bool scalar = v.kind != V_LIST && v.kind != V_MAP;
	if (v.kind == V_NIL)
		return NULL;
	switch (t) {
	case T_STRING:
		return scalar ? NULL : mtype_error(a, v, field, "string");
	case T_BOOL:
		return v.kind == V_BOOL ? NULL : mtype_error(a, v, field, "bool");
	case T_STRMAP:
		if (v.kind != V_MAP)
			return mtype_error(a, v, field, mtype_names[t]);
		for (uint32_t i = 0; i < v.u.m->len; i++) {
			value e = v.u.m->e[i].val;
			if (e.kind == V_LIST || e.kind == V_MAP)
				return mtype_error(a, e, field, "string");
		}
		return NULL;
	default:
		break;
	}
	if (v.kind != V_LIST)
		return mtype_error(a, v, field, mtype_names[t]);
	for (uint32_t i = 0; i < v.u.l->len; i++) {
		value e = v.u.l->items[i];
		const char *err = NULL;
		if (t == T_STRINGS)
			err = value_type_error(a, e, T_STRING, field, path);
		else if (t == T_MAINTAINERS || t == T_DEPS) {
			const char *el =
			    t == T_MAINTAINERS ? "chart.Maintainer" : "chart.Dependency";
			if (e.kind != V_MAP && e.kind != V_NIL)
				err = mtype_error(a, e, field, el);
			else
				err = struct_type_error(a, e,
							t == T_MAINTAINERS ? maintainer_fields
									   : dependency_fields,
							el + 6, path);
		}
		if (err)
			return err;
	}
	return NULL;
}

static const char *struct_type_error(arena *a, value m, const struct mfield *fields,
				     const char *sname, const char *prefix)
{
	if (m.kind != V_MAP)
		return NULL;
	for (uint32_t i = 0; i < m.u.m->len; i++)
		for (const struct mfield *f = fields; f->name; f++) {
			if (strcmp(f->name, m.u.m->e[i].key))
				continue;
			const char *path =
			    *prefix ? arena_sprintf(a, "%s.%s", prefix, f->name) : f->name;
			const char *err =
			    value_type_error(a, m.u.m->e[i].val, f->type,
					     arena_sprintf(a, "%s.%s", sname, path), path);
			if (err)
				return err;
		}
	return NULL;
}

const char *lint_metadata_type_error(arena *a, value meta)
{
	return struct_type_error(a, meta, metadata_fields, "Metadata", "");
}

static void lint_chartfile(struct linter *l)
{
	const char *name = "Chart.yaml", *path = arena_sprintf(l->a, "%s/Chart.yaml", l->dir);
	const char *data, *err = NULL;
	size_t len;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		rule(l, LINT_ERROR, name, "should be a file, not a directory");
		err = arena_sprintf(l->a, "read %s: is a directory", path);
	}
	value meta = v_nil();
	if (!err && read_file(l->a, path, &data, &len, &err) == 0)
		yaml_load(l->a, data, len, &meta, &err);
	if (!err && meta.kind != V_MAP && meta.kind != V_NIL)
		err = arena_sprintf(l->a,
				    "error unmarshaling JSON: while decoding JSON: json: cannot "
				    "unmarshal %s into Go value of type chart.Metadata",
				    meta.kind == V_LIST	    ? "array"
				    : meta.kind == V_STRING ? "string"
				    : meta.kind == V_BOOL   ? "bool"
							    : "number");
	if (!err)
		err = lint_metadata_type_error(l->a, meta);
	if (!rule(l, LINT_ERROR, name,
		  err ? arena_sprintf(l->a, "unable to parse YAML\n\t%s", err) : NULL))
		return;
	const char *api = str_field(l->a, meta, "apiVersion");
	rule(l, LINT_ERROR, name, check_name(l, str_field(l->a, meta, "name")));
	rule(l, LINT_ERROR, name, check_api_version(l, api));
	rule(l, LINT_ERROR, name, type_check(l, meta, "version"));
	rule(l, LINT_ERROR, name, check_version(l, str_field(l->a, meta, "version")));
	rule(l, LINT_ERROR, name, type_check(l, meta, "appVersion"));
	rule(l, LINT_ERROR, name, check_maintainers(l, meta));
	rule(l, LINT_ERROR, name, check_sources(l, meta));
	const char *icon = str_field(l->a, meta, "icon");
	rule(l, LINT_INFO, name, *icon ? NULL : "icon is recommended");
	rule(l, LINT_ERROR, name,
	     *icon && !is_request_url(icon) ? arena_sprintf(l->a, "invalid icon URL '%s'", icon)
					    : NULL);
	if (*str_field(l->a, meta, "type") && strcmp(api, "v2"))
		rule(l, LINT_ERROR, name,
		     arena_sprintf(l->a,
				   "chart type is not valid in apiVersion '%s'. It is valid in "
				   "apiVersion 'v2'",
				   api));
	value deps = map_val(meta, "dependencies");
	if (deps.kind == V_LIST && deps.u.l->len && strcmp(api, "v2"))
		rule(l, LINT_ERROR, name,
		     arena_sprintf(l->a,
				   "dependencies are not valid in the Chart file with apiVersion "
				   "'%s'. They are valid in apiVersion 'v2'",
				   api));
}

static vmap *map_deep(arena *a, vmap *m)
{
	return value_deep_copy(a, (value){.kind = V_MAP, .u.m = m}).u.m;
}

static void lint_values(struct linter *l)
{
	const char *name = "values.yaml", *path = arena_sprintf(l->a, "%s/values.yaml", l->dir);
	const char *data, *err = NULL;
	size_t len;
	struct stat st;
	value v = v_nil();
	if (!rule(l, LINT_INFO, name, stat(path, &st) != 0 ? "file does not exist" : NULL))
		return;
	if (read_file(l->a, path, &data, &len, &err) == 0 &&
	    yaml_load(l->a, data, len, &v, &err) == 0 && v.kind != V_MAP && v.kind != V_NIL)
		err = arena_sprintf(l->a,
				    "error unmarshaling JSON: while decoding JSON: json: cannot "
				    "unmarshal %s into Go value of type chartutil.Values",
				    json_type_name(v));
	if (err) {
		rule(l, LINT_ERROR, name, arena_sprintf(l->a, "unable to parse YAML: %s", err));
		return;
	}
	vmap *merged = l->user ? map_deep(l->a, l->user) : v_map_new(l->a).u.m;
	merged = coalesce_tables_merge(l->a, merged, v.kind == V_MAP ? v.u.m : NULL, false, l->log);
	const char *spath = arena_sprintf(l->a, "%s/values.schema.json", l->dir);
	value schema;
	if (read_file(l->a, spath, &data, &len, &err) != 0 || !len)
		return;
	if (json_parse(l->a, data, len, &schema, &err) != 0) {
		rule(l, LINT_ERROR, name, err);
		return;
	}
	strbuf sb;
	sb_init(&sb, l->a);
	if (schema_validate_src(l->a, schema, data, len, (value){.kind = V_MAP, .u.m = merged},
				&sb) != 0)
		rule(l, LINT_ERROR, name, sb_str(&sb));
}

/* Kubernetes name validation, chosen by kind as Helm's validateMetadataNameFunc. */
enum name_rule { NAME_SUBDOMAIN, NAME_DNS1035, NAME_DNS1123_LABEL, NAME_PATH_SEGMENT, NAME_NONE };

static const struct kind_rule {
	const char *kind;
	enum name_rule rule;
} kind_rules[] = {
    {"service", NAME_DNS1035},
    {"namespace", NAME_DNS1123_LABEL},
    {"certificatesigningrequest", NAME_NONE},
    {"role", NAME_PATH_SEGMENT},
    {"clusterrole", NAME_PATH_SEGMENT},
    {"rolebinding", NAME_PATH_SEGMENT},
    {"clusterrolebinding", NAME_PATH_SEGMENT},
};

static const char MSG_SUBDOMAIN[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
static const char MSG_DNS1035[] =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
static const char MSG_DNS1123_LABEL[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

static bool alnum_lower(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, with a letter first when alpha_first. */
static bool valid_label(const char *s, size_t n, bool alpha_first)
{
	if (n == 0 || !alnum_lower(s[0]) || !alnum_lower(s[n - 1]))
		return false;
	if (alpha_first && !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum_lower(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool valid_subdomain(const char *s)
{
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		if (!valid_label(s, n, false))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

/* The messages Kubernetes gives for name under rule. */
static size_t name_errors(arena *a, const char *name, enum name_rule rule, const char **msgs)
{
	size_t n = 0, len = strlen(name);
	switch (rule) {
	case NAME_SUBDOMAIN:
		if (len > 253)
			msgs[n++] = "must be no more than 253 characters";
		if (!valid_subdomain(name))
			msgs[n++] = MSG_SUBDOMAIN;
		break;
	case NAME_DNS1035:
	case NAME_DNS1123_LABEL:
		if (len > 63)
			msgs[n++] = "must be no more than 63 characters";
		if (!valid_label(name, len, rule == NAME_DNS1035))
			msgs[n++] = rule == NAME_DNS1035 ? MSG_DNS1035 : MSG_DNS1123_LABEL;
		break;
	case NAME_PATH_SEGMENT:
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			msgs[n++] = arena_sprintf(a, "may not be '%s'", name);
		if (strchr(name, '/'))
			msgs[n++] = "may not contain '/'";
		if (strchr(name, '%'))
			msgs[n++] = "may not contain '%'";
		break;
	case NAME_NONE:
		break;
	}
	return n;
}

/* Go's %q for the common case: quotes and backslashes escaped. */
static const char *go_quote(arena *a, const char *s)
{
	strbuf sb;
	sb_init(&sb, a);
	sb_addc(&sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_addf(&sb, "\\%c", c);
		else if (c == '\n')
			sb_adds(&sb, "\\n");
		else if (c == '\t')
			sb_adds(&sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			sb_addf(&sb, "\\x%02x", c);
		else
			sb_addc(&sb, (char)c);
	}
	sb_addc(&sb, '"');
	return sb_str(&sb);
}

static const char *check_metadata_name(arena *a, const char *kind, const char *name)
{
	enum name_rule r = NAME_SUBDOMAIN;
	for (size_t i = 0; i < sizeof(kind_rules) / sizeof(kind_rules[0]); i++)
		if (!strcasecmp(kind_rules[i].kind, kind))
			r = kind_rules[i].rule;
	const char *msgs[3];
	size_t n = name_errors(a, name, r, msgs);
	if (!n)
		return NULL;
	const char *q = go_quote(a, name);
	strbuf sb;
	sb_init(&sb, a);
	sb_addf(&sb, "object name does not conform to Kubernetes naming requirements: %s: ", q);
	if (n > 1)
		sb_addc(&sb, '[');
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%smetadata.name: Invalid value: %s: %s", i ? ", " : "", q, msgs[i]);
	if (n > 1)
		sb_addc(&sb, ']');
	return sb_str(&sb);
}

/* Kubernetes API lifecycles as client-go v0.32's scheme knows them (what
 * Helm 3.17.3's deprecations.go asks): group/version, kind, the minor version
 * of 1.x that deprecated it, the one that removed it (0: none), the replacement. */
static const struct deprecation {
	const char *gv, *kind;
	int deprecated, removed;
	const char *use;
} deprecations[] = {
    {"admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicy", 35, 38, NULL},
    {"admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBinding", 35, 38, NULL},
    {"admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBindingList", 35, 38, NULL},
    {"admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyList", 35, 38, NULL},
    {"admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy", 29, 32, NULL},
    {"admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding", 29, 32, NULL},
    {"admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBindingList", 29, 32, NULL},
    {"admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyList", 29, 32, NULL},
    {"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", 16, 22,
     "admissionregistration.k8s.io/v1 MutatingWebhookConfiguration"},
    {"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfigurationList", 16, 22,
     "admissionregistration.k8s.io/v1 MutatingWebhookConfigurationList"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicy", 31, 34, NULL},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyBinding", 31, 34, NULL},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyBindingList", 31, 34, NULL},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyList", 31, 34, NULL},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", 16, 22,
     "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration"},
    {"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfigurationList", 16, 22,
     "admissionregistration.k8s.io/v1 ValidatingWebhookConfigurationList"},
    {"apps/v1beta1", "ControllerRevision", 8, 16, "apps/v1 ControllerRevision"},
    {"apps/v1beta1", "ControllerRevisionList", 8, 16, "apps/v1 ControllerRevisionList"},
    {"apps/v1beta1", "Deployment", 8, 16, "apps/v1 Deployment"},
    {"apps/v1beta1", "DeploymentList", 8, 16, "apps/v1 DeploymentList"},
    {"apps/v1beta1", "DeploymentRollback", 8, 16, "apps/v1 DeploymentRollback"},
    {"apps/v1beta1", "Scale", 8, 16, "autoscaling/v1 Scale"},
    {"apps/v1beta1", "StatefulSet", 8, 16, "apps/v1 StatefulSet"},
    {"apps/v1beta1", "StatefulSetList", 8, 16, "apps/v1 StatefulSetList"},
    {"apps/v1beta2", "ControllerRevision", 9, 16, "apps/v1 ControllerRevision"},
    {"apps/v1beta2", "ControllerRevisionList", 9, 16, "apps/v1 ControllerRevisionList"},
    {"apps/v1beta2", "DaemonSet", 9, 16, "apps/v1 DaemonSet"},
    {"apps/v1beta2", "DaemonSetList", 9, 16, "apps/v1 DaemonSetList"},
    {"apps/v1beta2", "Deployment", 9, 16, "apps/v1 Deployment"},
    {"apps/v1beta2", "DeploymentList", 9, 16, "apps/v1 DeploymentList"},
    {"apps/v1beta2", "ReplicaSet", 9, 16, "apps/v1 ReplicaSet"},
    {"apps/v1beta2", "ReplicaSetList", 9, 16, "apps/v1 ReplicaSetList"},
    {"apps/v1beta2", "Scale", 9, 16, "autoscaling/v1 Scale"},
    {"apps/v1beta2", "StatefulSet", 9, 16, "apps/v1 StatefulSet"},
    {"apps/v1beta2", "StatefulSetList", 9, 16, "apps/v1 StatefulSetList"},
    {"authentication.k8s.io/v1alpha1", "SelfSubjectReview", 29, 32, NULL},
    {"authentication.k8s.io/v1beta1", "SelfSubjectReview", 30, 33, NULL},
    {"authentication.k8s.io/v1beta1", "TokenReview", 19, 22,
     "authentication.k8s.io/v1 TokenReview"},
    {"authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", 19, 22,
     "authorization.k8s.io/v1 LocalSubjectAccessReview"},
    {"authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", 19, 22,
     "authorization.k8s.io/v1 SelfSubjectAccessReview"},
    {"authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", 19, 22,
     "authorization.k8s.io/v1 SelfSubjectRulesReview"},
    {"authorization.k8s.io/v1beta1", "SubjectAccessReview", 19, 22,
     "authorization.k8s.io/v1 SubjectAccessReview"},
    {"autoscaling/v2beta1", "HorizontalPodAutoscaler", 22, 25,
     "autoscaling/v2 HorizontalPodAutoscaler"},
    {"autoscaling/v2beta1", "HorizontalPodAutoscalerList", 22, 25,
     "autoscaling/v2beta2 HorizontalPodAutoscalerList"},
    {"autoscaling/v2beta2", "HorizontalPodAutoscaler", 23, 26,
     "autoscaling/v2 HorizontalPodAutoscaler"},
    {"autoscaling/v2beta2", "HorizontalPodAutoscalerList", 22, 25, NULL},
    {"batch/v1beta1", "CronJob", 21, 25, "batch/v1 CronJob"},
    {"batch/v1beta1", "CronJobList", 21, 25, "batch/v1 CronJobList"},
    {"certificates.k8s.io/v1alpha1", "ClusterTrustBundle", 34, 37, NULL},
    {"certificates.k8s.io/v1alpha1", "ClusterTrustBundleList", 34, 37, NULL},
    {"certificates.k8s.io/v1beta1", "CertificateSigningRequest", 19, 22,
     "certificates.k8s.io/v1 CertificateSigningRequest"},
    {"certificates.k8s.io/v1beta1", "CertificateSigningRequestList", 19, 22,
     "certificates.k8s.io/v1 CertificateSigningRequestList"},
    {"coordination.k8s.io/v1alpha2", "LeaseCandidate", 35, 38, NULL},
    {"coordination.k8s.io/v1alpha2", "LeaseCandidateList", 35, 38, NULL},
    {"coordination.k8s.io/v1beta1", "Lease", 19, 22, "coordination.k8s.io/v1 Lease"},
    {"coordination.k8s.io/v1beta1", "LeaseList", 19, 22, "coordination.k8s.io/v1 LeaseList"},
    {"discovery.k8s.io/v1beta1", "EndpointSlice", 21, 25, "discovery.k8s.io/v1 EndpointSlice"},
    {"discovery.k8s.io/v1beta1", "EndpointSliceList", 21, 25, "discovery.k8s.io/v1 EndpointSlice"},
    {"events.k8s.io/v1beta1", "Event", 22, 25, NULL},
    {"events.k8s.io/v1beta1", "EventList", 22, 25, NULL},
    {"extensions/v1beta1", "DaemonSet", 8, 16, "apps/v1 DaemonSet"},
    {"extensions/v1beta1", "DaemonSetList", 8, 16, "apps/v1 DaemonSetList"},
    {"extensions/v1beta1", "Deployment", 8, 16, "apps/v1 Deployment"},
    {"extensions/v1beta1", "DeploymentList", 8, 16, "apps/v1 DeploymentList"},
    {"extensions/v1beta1", "DeploymentRollback", 8, 16, NULL},
    {"extensions/v1beta1", "Ingress", 14, 22, "networking.k8s.io/v1 Ingress"},
    {"extensions/v1beta1", "IngressList", 14, 22, "networking.k8s.io/v1 IngressList"},
    {"extensions/v1beta1", "NetworkPolicy", 9, 16, "networking.k8s.io/v1 NetworkPolicy"},
    {"extensions/v1beta1", "NetworkPolicyList", 9, 16, "networking.k8s.io/v1 NetworkPolicyList"},
    {"extensions/v1beta1", "ReplicaSet", 8, 16, "apps/v1 ReplicaSet"},
    {"extensions/v1beta1", "ReplicaSetList", 8, 16, "apps/v1 ReplicaSetList"},
    {"extensions/v1beta1", "Scale", 2, 16, NULL},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", 23, 26,
     "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchemaList", 23, 26,
     "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchemaList"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", 23, 26,
     "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration"},
    {"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfigurationList", 23, 26,
     "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfigurationList"},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", 26, 29,
     "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema"},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchemaList", 26, 29,
     "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchemaList"},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", 26, 29,
     "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration"},
    {"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfigurationList", 26, 29,
     "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfigurationList"},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 29, 32,
     "flowcontrol.apiserver.k8s.io/v1 FlowSchema"},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchemaList", 29, 32,
     "flowcontrol.apiserver.k8s.io/v1 FlowSchemaList"},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", 29, 32,
     "flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration"},
    {"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfigurationList", 29, 32,
     "flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfigurationList"},
    {"networking.k8s.io/v1alpha1", "IPAddress", 30, 33, NULL},
    {"networking.k8s.io/v1alpha1", "IPAddressList", 30, 33, NULL},
    {"networking.k8s.io/v1alpha1", "ServiceCIDR", 30, 33, NULL},
    {"networking.k8s.io/v1alpha1", "ServiceCIDRList", 30, 33, NULL},
    {"networking.k8s.io/v1beta1", "IPAddress", 34, 37, NULL},
    {"networking.k8s.io/v1beta1", "IPAddressList", 34, 37, NULL},
    {"networking.k8s.io/v1beta1", "Ingress", 19, 22, "networking.k8s.io/v1 Ingress"},
    {"networking.k8s.io/v1beta1", "IngressClass", 19, 22, "networking.k8s.io/v1 IngressClassList"},
    {"networking.k8s.io/v1beta1", "IngressClassList", 19, 22,
     "networking.k8s.io/v1 IngressClassList"},
    {"networking.k8s.io/v1beta1", "IngressList", 19, 22, "networking.k8s.io/v1 IngressList"},
    {"networking.k8s.io/v1beta1", "ServiceCIDR", 34, 37, NULL},
    {"networking.k8s.io/v1beta1", "ServiceCIDRList", 34, 37, NULL},
    {"node.k8s.io/v1beta1", "RuntimeClass", 22, 25, NULL},
    {"node.k8s.io/v1beta1", "RuntimeClassList", 22, 25, NULL},
    {"policy/v1beta1", "Eviction", 22, 25, NULL},
    {"policy/v1beta1", "PodDisruptionBudget", 21, 25, "policy/v1 PodDisruptionBudget"},
    {"policy/v1beta1", "PodDisruptionBudgetList", 21, 25, "policy/v1 PodDisruptionBudgetList"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRole", 17, 22,
     "rbac.authorization.k8s.io/v1 ClusterRole"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", 17, 22,
     "rbac.authorization.k8s.io/v1 ClusterRoleBinding"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBindingList", 17, 22,
     "rbac.authorization.k8s.io/v1 ClusterRoleBindingList"},
    {"rbac.authorization.k8s.io/v1beta1", "ClusterRoleList", 17, 22,
     "rbac.authorization.k8s.io/v1 ClusterRoleList"},
    {"rbac.authorization.k8s.io/v1beta1", "Role", 17, 22, "rbac.authorization.k8s.io/v1 Role"},
    {"rbac.authorization.k8s.io/v1beta1", "RoleBinding", 17, 22,
     "rbac.authorization.k8s.io/v1 RoleBinding"},
    {"rbac.authorization.k8s.io/v1beta1", "RoleBindingList", 17, 22,
     "rbac.authorization.k8s.io/v1 RoleBindingList"},
    {"rbac.authorization.k8s.io/v1beta1", "RoleList", 17, 22,
     "rbac.authorization.k8s.io/v1 RoleList"},
    {"resource.k8s.io/v1alpha3", "DeviceClass", 34, 37, "resource.k8s.io/v1beta1 DeviceClass"},
    {"resource.k8s.io/v1alpha3", "DeviceClassList", 34, 37,
     "resource.k8s.io/v1beta1 DeviceClassList"},
    {"resource.k8s.io/v1alpha3", "ResourceClaim", 34, 37, "resource.k8s.io/v1beta1 ResourceClaim"},
    {"resource.k8s.io/v1alpha3", "ResourceClaimList", 34, 37,
     "resource.k8s.io/v1beta1 ResourceClaimList"},
    {"resource.k8s.io/v1alpha3", "ResourceClaimTemplate", 34, 37,
     "resource.k8s.io/v1beta1 ResourceClaimTemplate"},
    {"resource.k8s.io/v1alpha3", "ResourceClaimTemplateList", 34, 37,
     "resource.k8s.io/v1beta1 ResourceClaimTemplateList"},
    {"resource.k8s.io/v1alpha3", "ResourceSlice", 34, 37, "resource.k8s.io/v1beta1 ResourceSlice"},
    {"resource.k8s.io/v1alpha3", "ResourceSliceList", 34, 37,
     "resource.k8s.io/v1beta1 ResourceSliceList"},
    {"resource.k8s.io/v1beta1", "DeviceClass", 35, 38, NULL},
    {"resource.k8s.io/v1beta1", "DeviceClassList", 35, 38, NULL},
    {"resource.k8s.io/v1beta1", "ResourceClaim", 35, 38, NULL},
    {"resource.k8s.io/v1beta1", "ResourceClaimList", 35, 38, NULL},
    {"resource.k8s.io/v1beta1", "ResourceClaimTemplate", 35, 38, NULL},
    {"resource.k8s.io/v1beta1", "ResourceClaimTemplateList", 35, 38, NULL},
    {"resource.k8s.io/v1beta1", "ResourceSlice", 35, 38, NULL},
    {"resource.k8s.io/v1beta1", "ResourceSliceList", 35, 38, NULL},
    {"scheduling.k8s.io/v1beta1", "PriorityClass", 14, 22, "scheduling.k8s.io/v1 PriorityClass"},
    {"scheduling.k8s.io/v1beta1", "PriorityClassList", 14, 22,
     "scheduling.k8s.io/v1 PriorityClassList"},
    {"storage.k8s.io/v1alpha1", "CSIStorageCapacity", 21, 24,
     "storage.k8s.io/v1beta1 CSIStorageCapacity"},
    {"storage.k8s.io/v1alpha1", "CSIStorageCapacityList", 21, 24,
     "storage.k8s.io/v1beta1 CSIStorageCapacityList"},
    {"storage.k8s.io/v1alpha1", "VolumeAttachment", 21, 24, "storage.k8s.io/v1 VolumeAttachment"},
    {"storage.k8s.io/v1alpha1", "VolumeAttachmentList", 21, 24,
     "storage.k8s.io/v1 VolumeAttachmentList"},
    {"storage.k8s.io/v1alpha1", "VolumeAttributesClass", 32, 35, NULL},
    {"storage.k8s.io/v1alpha1", "VolumeAttributesClassList", 32, 35, NULL},
    {"storage.k8s.io/v1beta1", "CSIDriver", 19, 22, "storage.k8s.io/v1 CSIDriver"},
    {"storage.k8s.io/v1beta1", "CSIDriverList", 19, 22, "storage.k8s.io/v1 CSIDriverList"},
    {"storage.k8s.io/v1beta1", "CSINode", 17, 22, "storage.k8s.io/v1 CSINode"},
    {"storage.k8s.io/v1beta1", "CSINodeList", 17, 22, "storage.k8s.io/v1 CSINode"},
    {"storage.k8s.io/v1beta1", "CSIStorageCapacity", 24, 27,
     "storage.k8s.io/v1 CSIStorageCapacity"},
    {"storage.k8s.io/v1beta1", "CSIStorageCapacityList", 24, 27,
     "storage.k8s.io/v1 CSIStorageCapacityList"},
    {"storage.k8s.io/v1beta1", "StorageClass", 19, 22, "storage.k8s.io/v1 StorageClass"},
    {"storage.k8s.io/v1beta1", "StorageClassList", 19, 22, "storage.k8s.io/v1 StorageClassList"},
    {"storage.k8s.io/v1beta1", "VolumeAttachment", 19, 22, "storage.k8s.io/v1 VolumeAttachment"},
    {"storage.k8s.io/v1beta1", "VolumeAttachmentList", 19, 22,
     "storage.k8s.io/v1 VolumeAttachmentList"},
    {"storage.k8s.io/v1beta1", "VolumeAttributesClass", 34, 37, NULL},
    {"storage.k8s.io/v1beta1", "VolumeAttributesClassList", 34, 37, NULL},
    {"storagemigration.k8s.io/v1alpha1", "StorageVersionMigration", 33, 36, NULL},
    {"storagemigration.k8s.io/v1alpha1", "StorageVersionMigrationList", 33, 36, NULL},
    {"v1", "ComponentStatus", 19, 0, NULL},
    {"v1", "ComponentStatusList", 19, 0, NULL},
};

static const char *check_deprecation(struct linter *l, const char *api, const char *kind)
{
	if (!*api || !*kind)
		return NULL;
	for (size_t i = 0; i < sizeof(deprecations) / sizeof(deprecations[0]); i++) {
		const struct deprecation *d = &deprecations[i];
		if (strcmp(d->gv, api) || strcmp(d->kind, kind))
			continue;
		int maj = l->o->kube_major, min = l->o->kube_minor;
		if ((maj || min) && (maj < 1 || (maj == 1 && min < d->deprecated)))
			return NULL;
		strbuf sb;
		sb_init(&sb, l->a);
		sb_addf(&sb, "%s %s is deprecated in v1.%d+", api, kind, d->deprecated);
		if (d->removed)
			sb_addf(&sb, ", unavailable in v1.%d+", d->removed);
		if (d->use)
			sb_addf(&sb, "; use %s", d->use);
		return sb_str(&sb);
	}
	return NULL;
}

static const char *check_selector(struct linter *l, const char *kind, const char *name,
				  const char *content)
{
	static const char *const kinds[] = {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet"};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i]) && !strstr(content, "matchLabels") &&
		    !strstr(content, "matchExpressions"))
			return arena_sprintf(
			    l->a,
			    "a %s must contain matchLabels or matchExpressions, and %s does not",
			    kind, go_quote(l->a, name));
	return NULL;
}

/* A List whose first document's items carry helm.sh/resource-policy. */
static const char *check_list(const char *kind, value first)
{
	if (strcmp(kind, "List"))
		return NULL;
	value items = map_val(first, "items");
	for (uint32_t i = 0; items.kind == V_LIST && i < items.u.l->len; i++) {
		value ann = map_val(map_val(items.u.l->items[i], "metadata"), "annotations");
		if (ann.kind == V_MAP && map_getc(ann.u.m, "helm.sh/resource-policy"))
			return "Annotation 'helm.sh/resource-policy' within List objects are "
			       "ignored";
	}
	return NULL;
}

/* encoding/json's field match: the exact key, else one equal ignoring case. */
static value field(value m, const char *name)
{
	if (m.kind != V_MAP)
		return v_nil();
	value *v = map_getc(m.u.m, name);
	if (v)
		return *v;
	for (uint32_t i = 0; i < m.u.m->len; i++)
		if (!strcasecmp(m.u.m->e[i].key, name))
			return m.u.m->e[i].val;
	return v_nil();
}

/* How one document is decoded: through sigs.k8s.io/yaml (scalars become the
 * strings a string field wants), or, for a JSON stream, by encoding/json alone. */
struct decoding {
	bool json;
	const char *prefix; /* before "json: cannot unmarshal" */
};

/* A string field of K8sYamlStruct, or json's type error in *err (the first wins). */
static const char *struct_str(arena *a, const struct decoding *d, value m, const char *name,
			      const char *where, const char **err)
{
	value v = field(m, name);
	if (v.kind == V_LIST || v.kind == V_MAP ||
	    (d->json && v.kind != V_STRING && v.kind != V_NIL)) {
		if (!*err)
			*err = arena_sprintf(
			    a, "%sjson: cannot unmarshal %s into Go struct field %s of type string",
			    d->prefix, json_type_name(v), where);
		return "";
	}
	return scalar_text(a, v);
}

struct k8s_head {
	const char *api, *kind, *name;
};

/* Go's json.Decoder on a syntax error: "json: offset N: MSG", N the index of
 * the bytes read up to the offending one, found as the shortest prefix that fails otherwise than
 * by ending early. */
static const char *json_syntax_error(arena *a, const char *doc, size_t len, size_t base,
				     const char *msg)
{
	static const char eof[] = "unexpected end of JSON input";
	size_t lo = 1, hi = len;
	value v;
	const char *e;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (json_parse(a, doc, mid, &v, &e) != 0 && strcmp(e, eof))
			hi = mid;
		else
			lo = mid + 1;
	}
	return arena_sprintf(a, "json: offset %zu: %s", base + lo, msg);
}

/* Unmarshalling one document into *K8sYamlStruct: 0 with *set false for an
 * empty document, or -1 with Helm's message. base is the document's offset in
 * the stream (for JSON syntax errors). */
static int decode_head(arena *a, const char *doc, size_t len, size_t base, bool json,
		       struct k8s_head *h, bool *set, const char **err)
{
	struct decoding d = {json, json ? "" : "error unmarshaling JSON: while decoding JSON: "};
	value v;
	*set = false;
	*err = NULL;
	if (json && json_parse(a, doc, len, &v, err) != 0) {
		*err = json_syntax_error(a, doc, len, base, *err);
		return -1;
	}
	if (!json && yaml_load(a, doc, len, &v, err) != 0)
		return -1;
	if (v.kind == V_NIL)
		return 0;
	if (v.kind != V_MAP) {
		*err = arena_sprintf(
		    a, "%sjson: cannot unmarshal %s into Go value of type rules.K8sYamlStruct",
		    d.prefix, json_type_name(v));
		return -1;
	}
	h->api = struct_str(a, &d, v, "apiVersion", "K8sYamlStruct.apiVersion", err);
	h->kind = struct_str(a, &d, v, "Kind", "K8sYamlStruct.Kind", err);
	value md = field(v, "Metadata");
	h->name = "";
	if (md.kind != V_NIL && md.kind != V_MAP && !*err)
		*err = arena_sprintf(a,
				     "%sjson: cannot unmarshal %s into Go struct field "
				     "K8sYamlStruct.Metadata of type rules.k8sYamlMetadata",
				     d.prefix, json_type_name(md));
	if (md.kind == V_MAP) {
		struct_str(a, &d, md, "Namespace", "k8sYamlMetadata.Metadata.Namespace", err);
		h->name = struct_str(a, &d, md, "Name", "k8sYamlMetadata.Metadata.Name", err);
	}
	*set = true;
	return *err ? -1 : 0;
}

/* The next document of a YAML stream as k8s.io's YAMLReader cuts it: lines
 * "---" (plus spaces or a comment) separate, anything else after "---" is an
 * error. Returns 1 with the document, 0 at the end, -1 with *err. */
static int next_doc(arena *a, const char **p, const char **doc, size_t *len, const char **err)
{
	const char *s = *p, *start = NULL;
	while (*s) {
		const char *nl = strchr(s, '\n');
		const char *end = nl ? nl + 1 : s + strlen(s);
		if (!strncmp(s, "---", 3)) {
			const char *t = s + 3;
			while (t < end && isspace((unsigned char)*t))
				t++;
			if (t < end && *t != '#') {
				const char *e = end;
				while (e > t && isspace((unsigned char)e[-1]))
					e--;
				*err = arena_sprintf(a, "invalid Yaml document separator: %.*s",
						     (int)(e - t), t);
				return -1;
			}
			if (start) {
				*doc = start;
				*len = (size_t)(s - start);
				*p = end;
				return 1;
			}
		} else if (!start) {
			start = s;
		}
		s = end;
	}
	*p = s;
	if (!start)
		return 0;
	*doc = start;
	*len = (size_t)(s - start);
	return 1;
}

/* The end of the JSON value at s (an object, as GuessJSONStream saw '{'). */
static const char *json_value_end(const char *s)
{
	int depth = 0;
	bool in_str = false;
	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_str = false;
		} else if (*s == '"') {
			in_str = true;
		} else if (*s == '{' || *s == '[') {
			depth++;
		} else if (*s == '}' || *s == ']') {
			if (--depth == 0)
				return s + 1;
		}
	}
	return s;
}

/* validateTopIndentLevel */
static const char *check_indent(arena *a, const char *content)
{
	for (const char *s = content; *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s), next = n + (nl != NULL);
		if (n >= 65536) /* bufio.Scanner's token limit */
			return "bufio.Scanner: token too long";
		if (n && s[n - 1] == '\r') /* ScanLines drops it */
			n--;
		bool blank = true;
		for (size_t i = 0; i < n; i++)
			if (!isspace((unsigned char)s[i]))
				blank = false;
		if (!blank) {
			if (*s == ' ' || *s == '\t')
				return arena_sprintf(a,
						     "document starts with an illegal indent: %s, "
						     "which may cause parsing problems",
						     go_quote(a, arena_strndup(a, s, n)));
			return NULL;
		}
		s += next;
	}
	return NULL;
}

/* One document's rules; false when it did not decode (Helm stops linting templates). */
static bool lint_doc(struct linter *l, const char *path, const char *doc, size_t len,
		     const char *content, value *first)
{
	struct k8s_head h;
	bool set, json = content[strspn(content, " \t\r\n\v\f")] == '{';
	const char *err;
	if (decode_head(l->a, doc, len, (size_t)(doc - content), json, &h, &set, &err) != 0)
		return rule(l, LINT_ERROR, path,
			    arena_sprintf(l->a, "unable to parse YAML: %s", err));
	if (!set)
		return true;
	rule(l, LINT_WARNING, path, check_metadata_name(l->a, h.kind, h.name));
	rule(l, LINT_WARNING, path, check_deprecation(l, h.api, h.kind));
	rule(l, LINT_ERROR, path, check_selector(l, h.kind, h.name, content));
	if (!strcmp(h.kind, "List") && first->kind == V_NIL) {
		const char *p = content, *d, *e;
		size_t dl;
		if (next_doc(l->a, &p, &d, &dl, &e) == 1)
			yaml_load(l->a, d, dl, first, &e);
	}
	rule(l, LINT_ERROR, path, check_list(h.kind, *first));
	return true;
}

/* The rendered file's documents; false when one did not decode. */
static bool lint_content(struct linter *l, const char *path, const char *content)
{
	value first = v_nil();
	const char *p = content, *doc, *err;
	size_t len;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '{') {
		while (*p) {
			const char *end = json_value_end(p);
			if (!lint_doc(l, path, p, (size_t)(end - p), content, &first))
				return false;
			p = end;
			while (isspace((unsigned char)*p))
				p++;
		}
		return true;
	}
	p = content;
	for (;;) {
		int r = next_doc(l->a, &p, &doc, &len, &err);
		if (r == 0)
			return true;
		if (r < 0)
			return rule(l, LINT_ERROR, path,
				    arena_sprintf(l->a, "unable to parse YAML: %s", err));
		if (!lint_doc(l, path, doc, len, content, &first))
			return false;
	}
}

static const char *ext_of(const char *name)
{
	const char *slash = strrchr(name, '/'), *dot = strrchr(name, '.');
	return dot && (!slash || dot > slash) ? dot : "";
}

/* "?helm\.sh/hook"?:\s+crd-install */
static const char *find_crd_hook(const char *s)
{
	for (const char *p = strstr(s, "helm.sh/hook"); p; p = strstr(p + 1, "helm.sh/hook")) {
		const char *q = p + 12;
		if (*q == '"')
			q++;
		if (*q++ != ':' || !isspace((unsigned char)*q))
			continue;
		while (isspace((unsigned char)*q))
			q++;
		if (!strncmp(q, "crd-install", 11))
			return p;
	}
	return NULL;
}

static const char *rendered_of(const rendered *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].name, name))
			return files[i].content;
	return NULL;
}

static size_t count_templates(const chart *c)
{
	size_t n = c->ntemplates;
	for (size_t i = 0; i < c->ndeps; i++)
		n += count_templates(c->deps[i]);
	return n;
}

static int render_for_lint(struct linter *l, chart **tp, rendered **files, size_t *n,
			   bool *quiet_fail, const char **err)
{
	chart *c, *t;
	*quiet_fail = false;
	if (chart_load_dir(l->a, l->dir, &c, err) != 0)
		return -1;
	*quiet_fail = true;
	if (deps_process(l->a, c, l->user, false, &t, l->log, err) != 0)
		return -1;
	vmap *vals = coalesce_values_ex(l->a, deps_vtree(l->a, t), l->user, false, l->log, err);
	if (!vals)
		return -1;
	*quiet_fail = false;
	/* ToRenderValues coalesces once more (its warnings print again) */
	vals = coalesce_values_ex(l->a, deps_vtree(l->a, t), vals, false, l->log, err);
	if (!vals)
		return -1;
	if (!l->o->skip_schema && pipeline_validate(l->a, t, vals, err) != 0)
		return -1;
	render_opts ro = {
	    .release_name = "test-release",
	    .namespace = l->o->namespace,
	    .caps = l->o->caps,
	    .lint_mode = true,
	    .log = l->log,
	};
	*tp = t;
	*files = NULL;
	*n = 0;
	if (!count_templates(t))
		return 0; /* nothing to render (and engine_render's qsort wants a list) */
	return engine_render(l->a, t, vals, &ro, files, n, err);
}

static void lint_templates(struct linter *l)
{
	const char *fpath = "templates/", *err;
	struct stat st;
	const char *tdir = arena_sprintf(l->a, "%s/templates", l->dir);
	if (stat(tdir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		rule(l, LINT_WARNING, fpath, "not a directory");
		return;
	}
	chart *c;
	rendered *files;
	size_t n;
	bool quiet_fail;
	if (render_for_lint(l, &c, &files, &n, &quiet_fail, &err) != 0) {
		if (!quiet_fail)
			rule(l, LINT_ERROR, fpath, err);
		return;
	}
	for (size_t i = 0; i < c->ntemplates; i++) {
		const chart_file *t = &c->templates[i];
		const char *ext = ext_of(t->name);
		if (strcmp(ext, ".yaml") && strcmp(ext, ".yml") && strcmp(ext, ".tpl") &&
		    strcmp(ext, ".txt"))
			rule(l, LINT_ERROR, t->name,
			     arena_sprintf(l->a,
					   "file extension '%s' not valid. Valid extensions are "
					   ".yaml, .yml, .tpl, or .txt",
					   ext));
		if (find_crd_hook(t->data))
			rule(l, LINT_WARNING, t->name,
			     "manifest is a crd-install hook. This hook is no longer supported in "
			     "v3 and all CRDs should also exist the crds/ directory at the top "
			     "level of the chart");
		if (strstr(t->data, ".Release.Time"))
			rule(l, LINT_ERROR, t->name,
			     ".Release.Time has been removed in v3, please replace with the `now` "
			     "function in your templates");
		if (strcmp(ext, ".yaml"))
			continue;
		const char *out =
		    rendered_of(files, n, arena_sprintf(l->a, "%s/%s", c->name, t->name));
		const char *p = out ? out : "";
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		rule(l, LINT_WARNING, t->name, check_indent(l->a, out));
		if (!lint_content(l, t->name, out))
			return;
	}
}

static bool declared(arena *a, value deps, const char *name)
{
	for (uint32_t i = 0; deps.kind == V_LIST && i < deps.u.l->len; i++)
		if (!strcmp(str_field(a, deps.u.l->items[i], "name"), name))
			return true;
	return false;
}

static void lint_dependencies(struct linter *l)
{
	chart *c;
	const char *err;
	if (chart_load_dir(l->a, l->dir, &c, &err) != 0) {
		rule(l, LINT_ERROR, "", arena_sprintf(l->a, "unable to load chart\n\t%s", err));
		return;
	}
	value deps = map_val(c->meta, "dependencies");
	strbuf miss;
	sb_init(&miss, l->a);
	for (size_t i = 0; i < c->ndeps; i++)
		if (!declared(l->a, deps, c->deps[i]->name))
			sb_addf(&miss, "%s%s", miss.len ? "," : "", c->deps[i]->name);
	if (miss.len)
		rule(l, LINT_ERROR, l->dir,
		     arena_sprintf(l->a, "chart metadata is missing these dependencies: %s",
				   sb_str(&miss)));
	sb_init(&miss, l->a);
	for (uint32_t i = 0; deps.kind == V_LIST && i < deps.u.l->len; i++) {
		const char *name = str_field(l->a, deps.u.l->items[i], "name");
		bool found = false;
		for (size_t j = 0; j < c->ndeps && !found; j++)
			found = !strcmp(c->deps[j]->name, name);
		if (!found)
			sb_addf(&miss, "%s%s", miss.len ? "," : "", name);
	}
	if (miss.len)
		rule(l, LINT_WARNING, l->dir,
		     arena_sprintf(l->a, "chart directory is missing these dependencies: %s",
				   sb_str(&miss)));
}

void lint_all(arena *a, const char *dir, vmap *user, const lint_opts *o, lint_result *out,
	      strbuf *log)
{
	struct linter l = {.a = a, .dir = dir, .o = o, .user = user, .out = out, .log = log};
	out->msgs = NULL;
	out->n = 0;
	lint_chartfile(&l);
	lint_values(&l);
	lint_templates(&l);
	lint_dependencies(&l);
}
