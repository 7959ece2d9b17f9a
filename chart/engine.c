/* engine.c - pkg/engine's render: collect templates, parse, execute, clean up.
 *
 * Templates are parsed and executed deepest path first, then in reverse
 * lexical order (Helm's sortTemplates), which decides which duplicate define
 * wins and which error is reported first. Each chart's templates share one
 * data map, whose "Template" entry is replaced before each file runs.
 */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "../functions/functions.h"
#include "../renderer/template.h"
#include "../values/strbuf.h"

/* One template's output may not exceed this (Helm has no limit but memory). */
#define MAX_TEMPLATE_OUTPUT ((size_t)256 << 20)

struct tpl {
	const char *name;
	int depth; /* slashes in name, for the parse order */
	const chart_file *file;
	value data; /* the chart's shared top-level map */
	const char *base_path;
};

struct collect {
	arena *a;
	struct tpl *t;
	size_t n, cap;
};

static value scope_values(arena *a, const chart *c, value parent_values)
{
	if (!c->parent)
		return parent_values;
	value *v = parent_values.kind == V_MAP ? map_getc(parent_values.u.m, c->name) : NULL;
	if (v && v->kind == V_MAP) {
		/* Values.Table gives the same map as chartutil.Values; the header is
		 * copied so that the parent still sees a map[string]interface {} */
		vmap *m = arena_alloc(a, sizeof(*m));
		*m = *v->u.m;
		m->gotype = GT_VALUES;
		return (value){.kind = V_MAP, .u.m = m};
	}
	value m = v_map_new(a);
	m.u.m->gotype = GT_VALUES;
	return m;
}

static int slashes(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '/';
	return n;
}

/* recAllTpls: the chart's top-level data map, also returned for the parent's .Subcharts. */
static value collect(struct collect *col, const chart *c, value release, value caps, value values)
{
	arena *a = col->a;
	value next = v_map_new(a);
	next.u.m->gotype = GT_VALUES;
	map_setc(a, next.u.m, "Chart", obj_chart(a, c));
	map_setc(a, next.u.m, "Files", obj_files(a, c->files, c->nfiles));
	map_setc(a, next.u.m, "Release", release);
	map_setc(a, next.u.m, "Capabilities", caps);
	value vals = scope_values(a, c, values);
	map_setc(a, next.u.m, "Values", vals);
	value subcharts = v_map_new(a);
	map_setc(a, next.u.m, "Subcharts", subcharts);
	const char *full = chart_full_path(a, c);
	for (size_t i = 0; i < c->ndeps; i++)
		map_setc(a, subcharts.u.m, c->deps[i]->name,
			 collect(col, c->deps[i], release, caps, vals));
	bool library = c->type && !strcmp(c->type, "library");
	for (size_t i = 0; i < c->ntemplates; i++) {
		const chart_file *f = &c->templates[i];
		const char *base = strrchr(f->name, '/');
		base = base ? base + 1 : f->name;
		if (library && base[0] != '_')
			continue;
		if (col->n == col->cap) {
			size_t nc = col->cap ? col->cap * 2 : 32;
			col->t = arena_realloc(a, col->t, col->cap * sizeof(struct tpl),
					       nc * sizeof(struct tpl));
			col->cap = nc;
		}
		const char *name = arena_sprintf(a, "%s/%s", full, f->name);
		col->t[col->n++] = (struct tpl){
		    .name = name,
		    .depth = slashes(name),
		    .file = f,
		    .data = next,
		    .base_path = arena_sprintf(a, "%s/templates", full),
		};
	}
	return next;
}

/* Deepest first, then reverse lexical: sort.Reverse(byPathLen). */
static int parse_order(const void *x, const void *y)
{
	const struct tpl *a = x, *b = y;
	if (a->depth != b->depth)
		return b->depth - a->depth;
	return strcmp(b->name, a->name);
}

static value release_map(arena *a, const render_opts *o)
{
	value r = v_map_new(a);
	map_setc(a, r.u.m, "Name", v_cstr(a, o->release_name));
	map_setc(a, r.u.m, "Namespace", v_cstr(a, o->namespace));
	map_setc(a, r.u.m, "IsUpgrade", v_bool(o->is_upgrade));
	map_setc(a, r.u.m, "IsInstall", v_bool(o->is_install));
	map_setc(a, r.u.m, "Revision", v_int(o->revision));
	map_setc(a, r.u.m, "Service", v_str_static("Helm", 4));
	return r;
}

static const char NO_VALUE[] = "<no value>";

/* The first "<no value>" in s[0..n), or NULL: '<' is rare in manifests, so
 * memchr finds the candidates faster than memmem's general search. */
static const char *find_no_value(const char *s, size_t n)
{
	const size_t k = sizeof(NO_VALUE) - 1;
	for (const char *end = s + n; (size_t)(end - s) >= k;) {
		const char *lt = memchr(s, '<', (size_t)(end - s) - k + 1);
		if (!lt)
			return NULL;
		if (!memcmp(lt, NO_VALUE, k))
			return lt;
		s = lt + 1;
	}
	return NULL;
}

static const char *strip_no_value(arena *a, const char *s, size_t n)
{
	if (!find_no_value(s, n))
		return s;
	strbuf sb;
	sb_init(&sb, a);
	for (const char *end = s + n;;) {
		const char *hit = find_no_value(s, (size_t)(end - s));
		if (!hit) {
			sb_add(&sb, s, (size_t)(end - s));
			break;
		}
		sb_add(&sb, s, (size_t)(hit - s));
		s = hit + sizeof(NO_VALUE) - 1;
	}
	return sb_str(&sb);
}

static int by_name(const void *x, const void *y)
{
	return strcmp(((const rendered *)x)->name, ((const rendered *)y)->name);
}

int engine_render(arena *a, const chart *c, vmap *values, const render_opts *o, rendered **out,
		  size_t *n, const char **err)
{
	struct collect col = {.a = a};
	capabilities *caps = arena_alloc(a, sizeof(*caps));
	*caps = o->caps;
	values->gotype = GT_VALUES;
	collect(&col, c, release_map(a, o), obj_capabilities(a, caps),
		(value){.kind = V_MAP, .u.m = values});
	if (col.n)
		qsort(col.t, col.n, sizeof(struct tpl), parse_order);

	helm_host *host = arena_alloc(a, sizeof(*host));
	host->a = a;
	host->lint_mode = o->lint_mode;
	host->log = o->log;
	host->lookup = o->lookup;
	host->lookup_ctx = o->lookup_ctx;
	host->strict = o->strict;
	host->funcs = functions_table();
	host->include_depth = v_map_new(a).u.m;
	host->scratch = arena_alloc(a, sizeof(strbuf));
	sb_init(host->scratch, a);
	tset *set = tset_new(a, host->funcs);
	tset_set_strict(set, o->strict);
	tset_set_output_limit(set, MAX_TEMPLATE_OUTPUT);
	tset_set_host(set, host);
	host->reference = set;
	terror te;
	for (size_t i = 0; i < col.n; i++) {
		const chart_file *f = col.t[i].file;
		if (tset_parse(set, col.t[i].name, f->data, f->len, &te) != 0) {
			*err = helm_parse_error(a, col.t[i].name, &te);
			return -1;
		}
	}
	rendered *res = arena_alloc(a, (col.n + 1) * sizeof(rendered));
	size_t nres = 0;
	for (size_t i = 0; i < col.n; i++) {
		const char *base = strrchr(col.t[i].name, '/') + 1;
		if (base[0] == '_')
			continue;
		value tmpl = v_map_new(a);
		map_setc(a, tmpl.u.m, "Name", v_cstr(a, col.t[i].name));
		map_setc(a, tmpl.u.m, "BasePath", v_cstr(a, col.t[i].base_path));
		tmpl.u.m->gotype = GT_VALUES;
		map_setc(a, col.t[i].data.u.m, "Template", tmpl);
		strbuf *sb = host->scratch;
		sb->len = 0;
		if (tset_exec(set, col.t[i].name, col.t[i].data, sb, &te) != 0) {
			*err = helm_exec_error(a, col.t[i].name, &te);
			return -1;
		}
		res[nres].name = col.t[i].name;
		const char *text = strip_no_value(a, sb_str(sb), sb->len);
		res[nres].content = text == sb->buf ? arena_strndup(a, text, sb->len) : text;
		nres++;
	}
	if (nres)
		qsort(res, nres, sizeof(rendered), by_name);
	*out = res;
	*n = nres;
	return 0;
}
