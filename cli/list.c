/* list.c - `render list`: Helm's `helm list` over the release Secrets.
 *
 * The latest revision of each release (per namespace), kept by the status
 * flags (deployed and failed by default), --filter (a Go regexp on the name)
 * and -l (a selector on the storage labels), sorted by name or date, cut by
 * --offset and --max, printed as Helm's table, JSON or YAML.
 */
#include <stdlib.h>
#include <string.h>

#include "../functions/regex.h"
#include "../release/storage.h"
#include "../values/json.h"
#include "../values/yaml.h"
#include "commands.h"
#include "common.h"
#include "table.h"

enum {
	S_DEPLOYED = 1 << 0,
	S_UNINSTALLED = 1 << 1,
	S_UNINSTALLING = 1 << 2,
	S_PENDING_INSTALL = 1 << 3,
	S_PENDING_UPGRADE = 1 << 4,
	S_PENDING_ROLLBACK = 1 << 5,
	S_SUPERSEDED = 1 << 6,
	S_FAILED = 1 << 7,
	S_UNKNOWN = 1 << 8,
	S_ALL = (1 << 9) - 1,
};

typedef struct list_opts {
	bool all, all_ns, by_date, reverse, short_, no_headers;
	bool deployed, failed, pending, superseded, uninstalled, uninstalling;
	int max, offset;
	const char *filter, *selector, *output, *time_format;
	kube_opts ko;
} list_opts;

static unsigned state_of(const char *s)
{
	static const struct {
		const char *name;
		unsigned bit;
	} t[] = {
	    {"deployed", S_DEPLOYED},
	    {"uninstalled", S_UNINSTALLED},
	    {"uninstalling", S_UNINSTALLING},
	    {"pending-install", S_PENDING_INSTALL},
	    {"pending-upgrade", S_PENDING_UPGRADE},
	    {"pending-rollback", S_PENDING_ROLLBACK},
	    {"superseded", S_SUPERSEDED},
	    {"failed", S_FAILED},
	};
	for (size_t i = 0; s && i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(s, t[i].name))
			return t[i].bit;
	return S_UNKNOWN;
}

static unsigned state_mask(const list_opts *o)
{
	if (o->all)
		return S_ALL;
	unsigned m = (o->deployed ? S_DEPLOYED : 0) | (o->uninstalled ? S_UNINSTALLED : 0) |
		     (o->uninstalling ? S_UNINSTALLING : 0) | (o->failed ? S_FAILED : 0) |
		     (o->superseded ? S_SUPERSEDED : 0) |
		     (o->pending ? S_PENDING_INSTALL | S_PENDING_UPGRADE | S_PENDING_ROLLBACK : 0);
	return m ? m : S_DEPLOYED | S_FAILED;
}

/* One requirement of a label selector: key, op ('=', '!', 'e' exists, 'n' not exists), value. */
static bool label_match(const release *r, const char *req)
{
	const char *op = strpbrk(req, "=!");
	const char *key = req, *val = NULL;
	size_t klen;
	bool neg = false;
	if (req[0] == '!' && !strchr(req, '=')) {
		key = req + 1;
		klen = strlen(key);
		value *v = r->labels ? map_get(r->labels, key, klen) : NULL;
		return !v;
	}
	if (!op) {
		value *v = r->labels ? map_get(r->labels, key, strlen(key)) : NULL;
		return v != NULL;
	}
	klen = (size_t)(op - req);
	if (op[0] == '!') {
		neg = true;
		val = op + 2;
	} else {
		val = op[1] == '=' ? op + 2 : op + 1;
	}
	while (klen && key[klen - 1] == ' ')
		klen--;
	while (*val == ' ')
		val++;
	value *v = r->labels ? map_get(r->labels, key, klen) : NULL;
	bool eq = v && v->kind == V_STRING && !strcmp(v->u.s, val);
	return neg ? !eq : eq;
}

static bool selector_match(arena *a, const release *r, const char *sel)
{
	if (!sel || !*sel)
		return true;
	char *s = arena_strdup(a, sel), *save = NULL;
	for (char *p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if (*p && !label_match(r, p))
			return false;
	}
	return true;
}

static const char *ns_of(const release *r)
{
	return r->namespace ? r->namespace : "";
}

/* Keeps the highest revision of each name in each namespace. */
static size_t latest_only(release **v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool drop = false;
		for (size_t j = 0; j < n && !drop; j++)
			drop =
			    j != i &&
			    !strcmp(v[j]->name ? v[j]->name : "", v[i]->name ? v[i]->name : "") &&
			    !strcmp(ns_of(v[j]), ns_of(v[i])) &&
			    (v[j]->version > v[i]->version ||
			     (v[j]->version == v[i]->version && j < i));
		if (!drop)
			v[k++] = v[i];
	}
	return k;
}

static int cmp_time(const release *x, const release *y)
{
	rel_time tx = x->info ? x->info->last_deployed : (rel_time){0};
	rel_time ty = y->info ? y->info->last_deployed : (rel_time){0};
	int64_t ux = rel_time_unix(tx), uy = rel_time_unix(ty); /* Helm compares whole seconds */
	return ux < uy ? -1 : ux > uy;
}

static int cmp_name(const void *p, const void *q)
{
	const release *x = *(release *const *)p, *y = *(release *const *)q;
	return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

/* A stable insertion sort (Go's sort for short slices), descending when rev. */
static void sort_releases(release **v, size_t n, bool by_date, bool rev)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			int c = by_date ? cmp_time(v[j - 1], v[j]) : cmp_name(&v[j - 1], &v[j]);
			if (rev ? c >= 0 : c <= 0)
				break;
			release *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static const char *meta_str(const release *r, const char *key)
{
	if (!r->chart || r->chart->metadata.kind != V_MAP)
		return "";
	value *v = map_getc(r->chart->metadata.u.m, key);
	return v && v->kind == V_STRING ? v->u.s : "";
}

static const char *updated(arena *a, const release *r, const char *time_format)
{
	if (!r->info || !r->info->last_deployed.set)
		return "-";
	if (time_format && *time_format)
		return rel_time_layout(a, r->info->last_deployed, time_format);
	return rel_time_string(a, r->info->last_deployed);
}

static const char *row_field(arena *a, const list_opts *o, const release *r, int i)
{
	switch (i) {
	case 0:
		return r->name ? r->name : "";
	case 1:
		return ns_of(r);
	case 2:
		return arena_sprintf(a, "%lld", (long long)r->version);
	case 3:
		return updated(a, r, o->time_format);
	case 4:
		return r->info && r->info->status ? r->info->status : "";
	case 5:
		return arena_sprintf(a, "%s-%s", meta_str(r, "name"), meta_str(r, "version"));
	default:
		return meta_str(r, "appVersion");
	}
}

static const char *const json_keys[] = {"name",	  "namespace", "revision",   "updated",
					"status", "chart",     "app_version"};

static int print_releases(arena *a, const list_opts *o, int fmt, release **v, size_t n)
{
	strbuf sb;
	sb_init(&sb, a);
	if (o->short_) {
		for (size_t i = 0; i < n; i++)
			sb_addf(&sb, "%s\n", v[i]->name ? v[i]->name : "");
	} else if (fmt == 0) {
		uitable t;
		uitable_init(&t, a, 7, 0);
		static const char *const head[] = {"NAME",   "NAMESPACE", "REVISION",	"UPDATED",
						   "STATUS", "CHART",	  "APP VERSION"};
		if (!o->no_headers)
			uitable_row(&t, head);
		for (size_t i = 0; i < n; i++) {
			const char *cells[7];
			for (int c = 0; c < 7; c++)
				cells[c] = row_field(a, o, v[i], c);
			uitable_row(&t, cells);
		}
		uitable_write(&t, &sb);
		if (!t.nrows)
			sb_addc(&sb, '\n');
	} else if (fmt == 1) {
		sb_addc(&sb, '[');
		for (size_t i = 0; i < n; i++) {
			sb_adds(&sb, i ? ",{" : "{");
			for (int c = 0; c < 7; c++) {
				const char *f = row_field(a, o, v[i], c);
				sb_addf(&sb, "%s\"%s\":", c ? "," : "", json_keys[c]);
				json_quote(&sb, f, strlen(f), true);
			}
			sb_addc(&sb, '}');
		}
		sb_adds(&sb, "]\n");
	} else {
		value list = v_list_new(a, (uint32_t)n);
		for (size_t i = 0; i < n; i++) {
			value m = v_map_new(a);
			for (int c = 0; c < 7; c++)
				map_setc(a, m.u.m, json_keys[c],
					 v_cstr(a, row_field(a, o, v[i], c)));
			list_push(a, list.u.l, m);
		}
		const char *err;
		if (yaml_emit(&sb, list, &err))
			return cli_error(err);
	}
	return write_stdout(sb.buf, sb.len) ? 1 : 0;
}

/* Helm's List.Run after the records are read. */
static size_t select_releases(arena *a, const list_opts *o, release **v, size_t n)
{
	unsigned mask = state_mask(o);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (o->filter && *o->filter) {
			size_t *m;
			uint32_t ncap;
			const char *nm = v[i]->name ? v[i]->name : "";
			if (regex_find_all(a, o->filter, nm, strlen(nm), 1, &m, &ncap) <= 0)
				continue;
		}
		v[k++] = v[i];
	}
	n = k;
	if (mask != S_SUPERSEDED)
		n = latest_only(v, n);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if ((state_of(v[i]->info ? v[i]->info->status : NULL) & mask) &&
		    selector_match(a, v[i], o->selector))
			v[k++] = v[i];
	n = k;
	sort_releases(v, n, o->by_date, o->reverse);
	return n;
}

int cmd_list(arena *a, int argc, char **argv)
{
	list_opts o = {.max = 256};
	const flag_def defs[] = {
	    {"all", 'a', FLAG_BOOL, &o.all},
	    {"all-namespaces", 'A', FLAG_BOOL, &o.all_ns},
	    {"date", 'd', FLAG_BOOL, &o.by_date},
	    {"deployed", 0, FLAG_BOOL, &o.deployed},
	    {"failed", 0, FLAG_BOOL, &o.failed},
	    {"filter", 'f', FLAG_STRING, &o.filter},
	    {"max", 'm', FLAG_INT, &o.max},
	    {"no-headers", 0, FLAG_BOOL, &o.no_headers},
	    {"offset", 0, FLAG_INT, &o.offset},
	    {"output", 'o', FLAG_STRING, &o.output},
	    {"pending", 0, FLAG_BOOL, &o.pending},
	    {"reverse", 'r', FLAG_BOOL, &o.reverse},
	    {"selector", 'l', FLAG_STRING, &o.selector},
	    {"short", 'q', FLAG_BOOL, &o.short_},
	    {"superseded", 0, FLAG_BOOL, &o.superseded},
	    {"time-format", 0, FLAG_STRING, &o.time_format},
	    {"uninstalled", 0, FLAG_BOOL, &o.uninstalled},
	    {"uninstalling", 0, FLAG_BOOL, &o.uninstalling},
	    KUBE_FLAGS(o.ko),
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	int fmt = release_output_format(a, o.output, &err);
	if (fmt < 0)
		return cli_error(err);
	kube_client *k;
	storage *s = cli_storage(a, &o.ko, o.all_ns, &k);
	if (!s)
		return 1;
	if (pos.n)
		return cli_error(arena_sprintf(
		    a, "\"helm list\" accepts no arguments\n\nUsage:  helm list [flags]"));
	if (kube_reachable(k, &err))
		return cli_error(err);
	if (o.filter && *o.filter) {
		size_t *m;
		uint32_t ncap;
		if (regex_find_all(a, o.filter, "", 0, 1, &m, &ncap) < 0)
			return cli_error(arena_sprintf(a, "error parsing regexp: `%s`", o.filter));
	}
	release **v;
	size_t n;
	if (storage_list(s, NULL, &v, &n, &err))
		return cli_error(err);
	n = select_releases(a, &o, v, n);
	if (o.offset < 0 || (size_t)o.offset >= n)
		return print_releases(a, &o, fmt, v, 0);
	size_t lim = n;
	if (o.max > 0 && (size_t)o.max < lim)
		lim = (size_t)o.max;
	size_t last = (size_t)o.offset + lim;
	if (last > n)
		last = n;
	return print_releases(a, &o, fmt, v + o.offset, last - (size_t)o.offset);
}
