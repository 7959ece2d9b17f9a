/* schema.c - JSON Schema validation with the semantics and messages of
 * xeipuuv/gojsonschema v1.2.0, the validator of Helm 3.17.3 (see schema.h).
 *
 * Two phases, as in gojsonschema: compile the schema document into `sub` nodes
 * (resolving $id and $ref through a pool of documents, rewriting every $ref to an
 * absolute URI first), then walk the instance. The walk keeps gojsonschema's
 * "score" so anyOf/oneOf/contains report the errors of the closest branch.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gofmt.h"
#include "json.h"
#include "schema.h"
#include "schema_regex.h"

enum { DRAFT4 = 4, DRAFT6 = 6, DRAFT7 = 7, HYBRID = 1 << 30 };
enum { AP_NONE, AP_BOOL, AP_SCHEMA };

typedef struct sub sub;

typedef struct dep {
	const char *key;
	const char **req; /* NULL when the dependency is a schema */
	size_t nreq;
	sub *s;
} dep;

typedef struct patprop {
	const char *pat;
	const schema_re *re;
	sub *s;
} patprop;

/* long double holds every int64 and every double exactly, so bounds compare as
 * gojsonschema's big.Rat do (9007199254740993 > 9007199254740992) */
typedef struct numkw {
	bool has;
	long double v;
} numkw;

struct sub {
	int draft;
	int pass; /* -1: a schema object; 0/1: the false/true schema */
	sub *ref;
	const char *property;
	const char *types[8];
	int ntypes;
	sub **props;
	size_t nprops;
	patprop *pp;
	size_t npp;
	int ap_kind, ai_kind;
	bool ap_bool, ai_bool;
	sub *ap, *ai, *propnames, *contains, *not_, *if_, *then_, *else_;
	dep *deps;
	size_t ndeps;
	sub **items;
	size_t nitems;
	bool items_single;
	numkw multiple_of, minimum, maximum, ex_min, ex_max;
	int64_t min_len, max_len, min_props, max_props, min_items, max_items; /* -1: none */
	const schema_re *pattern;
	const char *pattern_src, *format;
	const char **required;
	size_t nrequired;
	bool unique;
	const char *constv;
	const char **enumv;
	size_t nenum;
	sub **any_of, **one_of, **all_of;
	size_t nany, none, nall;
};

/* ---- compiling ---- */

typedef struct pooldoc {
	const char *ref;
	value doc;
	struct pooldoc *next;
} pooldoc;

typedef struct refent {
	const char *ref;
	sub *s;
	struct refent *next;
} refent;

/* The document order of one JSON object's keys, as indexes into its sorted vmap. */
typedef struct keyorder {
	const vmap *m;
	uint32_t *idx;
	struct keyorder *next;
} keyorder;

typedef struct comp {
	arena *a;
	pooldoc *pool;
	refent *refs;
	const char *err;
	int depth;
	keyorder *orders;
} comp;

static int fail(comp *c, const char *msg)
{
	if (!c->err)
		c->err = msg;
	return -1;
}

static const char *cat(comp *c, const char *a, const char *b)
{
	return arena_sprintf(c->a, "%s%s", a, b);
}

static bool is_num(value v)
{
	return v.kind == V_FLOAT || v.kind == V_INT || v.kind == V_INT64;
}
static double num(value v)
{
	return v.kind == V_FLOAT ? v.u.f : (double)v.u.i;
}
static long double lnum(value v)
{
	return v.kind == V_FLOAT ? v.u.f : (long double)v.u.i;
}
static bool is_schema_kind(value v)
{
	return v.kind == V_MAP || v.kind == V_BOOL;
}

/* ---- URIs, as far as gojsonreference resolves them ---- */

static size_t scheme_len(const char *s)
{
	size_t i = 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	while (s[i] && (strchr("+-.", s[i]) || (s[i] >= '0' && s[i] <= '9') ||
			((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')))
		i++;
	return s[i] == ':' ? i : 0;
}

/* Drops an empty fragment: Go's url.String() prints no bare '#'. */
static const char *uri_norm(comp *c, const char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '#')
		return arena_strndup(c->a, s, n - 1);
	return s;
}

static const char *strip_fragment(comp *c, const char *s)
{
	const char *h = strchr(s, '#');
	return h ? arena_strndup(c->a, s, (size_t)(h - s)) : s;
}

/* RFC 3986 remove_dot_segments, enough for schema ids. */
static const char *remove_dots(comp *c, const char *path)
{
	strbuf out;
	sb_init(&out, c->a);
	const char *p = path;
	while (*p) {
		const char *e = strchr(p + 1, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && !strncmp(p, "/.", 2)) {
			if (!e)
				sb_addc(&out, '/');
		} else if (n == 3 && !strncmp(p, "/..", 3)) {
			while (out.len && out.buf[out.len - 1] != '/')
				out.len--;
			if (out.len)
				out.len--;
			if (!e)
				sb_addc(&out, '/');
		} else {
			sb_add(&out, p, n);
		}
		p += n;
	}
	return sb_str(&out);
}

/* ResolveReference(base, ref) */
static const char *uri_resolve(comp *c, const char *base, const char *ref)
{
	if (scheme_len(ref))
		return uri_norm(c, ref);
	const char *b = strip_fragment(c, base);
	if (!*ref || ref[0] == '#')
		return uri_norm(c, cat(c, b, ref));
	size_t sl = scheme_len(b);
	const char *auth = b + (sl ? sl + 1 : 0);
	if (ref[0] == '/' && ref[1] == '/')
		return uri_norm(c, arena_sprintf(c->a, "%.*s%s", (int)(auth - b), b, ref));
	const char *path = auth;
	if (auth[0] == '/' && auth[1] == '/') {
		const char *slash = strchr(auth + 2, '/');
		path = slash ? slash : auth + strlen(auth);
	}
	const char *q = strchr(path, '?');
	size_t plen = q ? (size_t)(q - path) : strlen(path);
	if (ref[0] == '?')
		return uri_norm(c, arena_sprintf(c->a, "%.*s%s", (int)(path - b + plen), b, ref));
	if (ref[0] == '/')
		return uri_norm(
		    c, arena_sprintf(c->a, "%.*s%s", (int)(path - b), b, remove_dots(c, ref)));
	const char *dir = path + plen;
	while (dir > path && dir[-1] != '/')
		dir--;
	const char *merged = (path == auth + plen || plen == 0) && path != auth
				 ? cat(c, "/", ref)
				 : arena_sprintf(c->a, "%.*s%s", (int)(dir - path), path, ref);
	/* Go's resolvePath roots every merged path, even under a base without one
	 * ("foo" against "#" is "/foo") */
	if (merged[0] != '/')
		merged = cat(c, "/", merged);
	merged = remove_dots(c, merged);
	return uri_norm(c, arena_sprintf(c->a, "%.*s%s", (int)(path - b), b, merged));
}

/* ---- the document order of the schema's objects ----
 *
 * gojsonschema takes "properties" from a Go map decoded from the file, and a Go map
 * of up to 8 entries is walked from a random rotation of its insertion order, most
 * often from the start: so Helm reports an object's properties in document order
 * more often than in any other. Our maps are sorted, so the order is read again from
 * the text, walking it beside the parsed value. */

typedef struct jwalk {
	comp *c;
	const char *p, *end;
	int depth;
} jwalk;

static void jw_space(jwalk *w)
{
	while (w->p < w->end && strchr(" \t\r\n", *w->p) && *w->p)
		w->p++;
}

/* A string at w->p, decoded enough to look keys up (escapes, \u without pairs). */
static bool jw_string(jwalk *w, strbuf *out)
{
	if (w->p >= w->end || *w->p != '"')
		return false;
	for (w->p++; w->p < w->end && *w->p != '"'; w->p++) {
		char ch = *w->p;
		if (ch != '\\') {
			sb_addc(out, ch);
			continue;
		}
		if (++w->p >= w->end)
			return false;
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *esc = strchr(from, *w->p);
		if (esc && *w->p) {
			sb_addc(out, to[esc - from]);
		} else if (*w->p == 'u' && w->end - w->p > 4) {
			unsigned u =
			    (unsigned)strtoul(arena_strndup(w->c->a, w->p + 1, 4), NULL, 16);
			if (u >= 0xD800 && u < 0xDC00 && w->end - w->p > 10 && w->p[5] == '\\' &&
			    w->p[6] == 'u') {
				unsigned lo = (unsigned)strtoul(arena_strndup(w->c->a, w->p + 7, 4),
								NULL, 16);
				if (lo >= 0xDC00 && lo < 0xE000) {
					u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
					sb_addc(out, (char)(0xF0 | u >> 18));
					sb_addc(out, (char)(0x80 | ((u >> 12) & 63)));
					sb_addc(out, (char)(0x80 | ((u >> 6) & 63)));
					sb_addc(out, (char)(0x80 | (u & 63)));
					w->p += 10;
					continue;
				}
			}
			if (u < 0x80) {
				sb_addc(out, (char)u);
			} else if (u < 0x800) {
				sb_addc(out, (char)(0xC0 | u >> 6)),
				    sb_addc(out, (char)(0x80 | (u & 63)));
			} else {
				sb_addc(out, (char)(0xE0 | u >> 12));
				sb_addc(out, (char)(0x80 | ((u >> 6) & 63)));
				sb_addc(out, (char)(0x80 | (u & 63)));
			}
			w->p += 4;
		} else {
			return false;
		}
	}
	if (w->p >= w->end)
		return false;
	w->p++;
	return true;
}

static bool jw_value(jwalk *w, value v);

static bool jw_object(jwalk *w, const vmap *m)
{
	uint32_t *idx = arena_alloc(w->c->a, (m->len + 1) * sizeof *idx), n = 0;
	bool *seen = arena_alloc(w->c->a, (m->len + 1) * sizeof *seen);
	w->p++;
	for (jw_space(w); w->p < w->end && *w->p != '}';) {
		strbuf key;
		sb_init(&key, w->c->a);
		if (!jw_string(w, &key))
			return false;
		value *v = map_get(m, sb_str(&key), key.len);
		jw_space(w);
		if (!v || w->p >= w->end || *w->p != ':')
			return false;
		w->p++;
		if (!jw_value(w, *v))
			return false;
		uint32_t i =
		    (uint32_t)((const ventry *)((const char *)v - offsetof(ventry, val)) - m->e);
		if (i < m->len && !seen[i])
			seen[i] = true, idx[n++] = i;
		jw_space(w);
		if (w->p < w->end && *w->p == ',')
			w->p++, jw_space(w);
	}
	if (w->p >= w->end || n != m->len)
		return false;
	w->p++;
	keyorder *o = arena_alloc(w->c->a, sizeof *o);
	o->m = m, o->idx = idx, o->next = w->c->orders;
	w->c->orders = o;
	return true;
}

/* Walks one JSON value of the text beside v, the value it was parsed into. */
static bool jw_value(jwalk *w, value v)
{
	bool ok = true;
	jw_space(w);
	if (w->p >= w->end || ++w->depth > 1000)
		return false;
	if (*w->p == '{' && v.kind == V_MAP) {
		ok = jw_object(w, v.u.m);
	} else if (*w->p == '[' && v.kind == V_LIST) {
		w->p++;
		for (uint32_t i = 0; ok && i < v.u.l->len; i++) {
			ok = jw_value(w, v.u.l->items[i]);
			jw_space(w);
			if (ok && w->p < w->end && *w->p == ',')
				w->p++;
		}
		jw_space(w);
		ok = ok && w->p < w->end && *w->p++ == ']';
	} else if (*w->p == '"') {
		strbuf skip;
		sb_init(&skip, w->c->a);
		ok = jw_string(w, &skip);
	} else {
		while (w->p < w->end && !strchr(",]} \t\r\n", *w->p))
			w->p++;
	}
	w->depth--;
	return ok;
}

static const uint32_t *key_order(comp *c, const vmap *m)
{
	for (keyorder *o = c->orders; o; o = o->next)
		if (o->m == m)
			return o->idx;
	return NULL;
}

/* ---- the document pool ---- */

static pooldoc *pool_find(comp *c, const char *ref)
{
	for (pooldoc *p = c->pool; p; p = p->next)
		if (!strcmp(p->ref, ref))
			return p;
	return NULL;
}

static void pool_add(comp *c, const char *ref, value doc)
{
	pooldoc *p = arena_alloc(c->a, sizeof *p);
	p->ref = ref, p->doc = doc, p->next = c->pool;
	c->pool = p;
}

static void parse_refs(comp *c, value doc, const char *base);

static void parse_refs_map(comp *c, vmap *m, const char *base)
{
	const char *local = base;
	value *id = map_getc(m, "id");
	if (!id)
		id = map_getc(m, "$id");
	if (id && id->kind == V_STRING) {
		local = uri_resolve(c, base, id->u.s);
		if (!pool_find(c, local))
			pool_add(c, local, (value){.kind = V_MAP, .u.m = m});
	}
	value *ref = map_getc(m, "$ref");
	if (ref && ref->kind == V_STRING)
		*ref = v_cstr(c->a, uri_resolve(c, local, ref->u.s));
	for (uint32_t i = 0; i < m->len; i++) {
		const char *k = m->e[i].key;
		value v = m->e[i].val;
		if (!strcmp(k, "const") || !strcmp(k, "enum"))
			continue;
		bool named = !strcmp(k, "properties") || !strcmp(k, "dependencies") ||
			     !strcmp(k, "patternProperties");
		if (named && v.kind == V_MAP) {
			for (uint32_t j = 0; j < v.u.m->len; j++)
				parse_refs(c, v.u.m->e[j].val, local);
		} else if (!named) {
			parse_refs(c, v, local);
		}
	}
}

/* parseReferencesRecursive: registers every $id and makes every $ref absolute. */
static void parse_refs(comp *c, value doc, const char *base)
{
	if (++c->depth > 2000) {
		c->depth--;
		return;
	}
	if (doc.kind == V_LIST)
		for (uint32_t i = 0; i < doc.u.l->len; i++)
			parse_refs(c, doc.u.l->items[i], base);
	else if (doc.kind == V_MAP)
		parse_refs_map(c, doc.u.m, base);
	c->depth--;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 32;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* url.Parse's unescaping of the fragment. */
static const char *unescape(comp *c, const char *s)
{
	strbuf out;
	sb_init(&out, c->a);
	for (; *s; s++) {
		if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			sb_addc(&out, (char)(hexval(s[1]) * 16 + hexval(s[2])));
			s += 2;
		} else {
			sb_addc(&out, *s);
		}
	}
	return sb_str(&out);
}

/* gojsonpointer's Get. */
static int pointer_get(comp *c, value doc, const char *ptr, value *out)
{
	/* gojsonreference drops the parse error of such a pointer ("#foo") and keeps
	 * the empty one, so the reference names the whole document */
	if (*ptr && *ptr != '/')
		ptr = "";
	while (*ptr) {
		const char *e = strchr(ptr + 1, '/');
		size_t n = e ? (size_t)(e - ptr - 1) : strlen(ptr + 1);
		strbuf tok;
		sb_init(&tok, c->a);
		for (size_t i = 0; i < n; i++) {
			const char *p = ptr + 1 + i;
			if (p[0] == '~' && (p[1] == '0' || p[1] == '1') && i + 1 < n)
				sb_addc(&tok, p[1] == '0' ? '~' : '/'), i++;
			else
				sb_addc(&tok, *p);
		}
		const char *t = sb_str(&tok);
		if (doc.kind == V_MAP) {
			value *v = map_get(doc.u.m, t, tok.len);
			if (!v)
				return fail(c, arena_sprintf(c->a, "Object has no key '%s'", t));
			doc = *v;
		} else if (doc.kind == V_LIST) {
			char *end;
			long idx = strtol(t, &end, 10);
			if (!*t || *end)
				return fail(
				    c, arena_sprintf(c->a,
						     "strconv.Atoi: parsing \"%s\": invalid syntax",
						     t));
			if (idx < 0 || idx >= (long)doc.u.l->len)
				return fail(c, arena_sprintf(c->a,
							     "Out of bound array[0,%u] index '%ld'",
							     doc.u.l->len, idx));
			doc = doc.u.l->items[idx];
		} else {
			return fail(c, arena_sprintf(c->a, "Invalid token reference '%s'", t));
		}
		ptr += n + 1;
	}
	*out = doc;
	return 0;
}

/* schemaPool.GetDocument */
static int get_document(comp *c, const char *ref, value *out)
{
	pooldoc *p = pool_find(c, ref);
	if (p) {
		*out = p->doc;
		return 0;
	}
	const char *hash = strchr(ref, '#');
	if ((p = pool_find(c, strip_fragment(c, ref)))) {
		if (pointer_get(c, p->doc, hash ? unescape(c, hash + 1) : "", out) != 0)
			return -1;
		pool_add(c, ref, *out);
		return 0;
	}
	if (!scheme_len(ref))
		return fail(c, arena_sprintf(c->a, "Reference %s must be canonical", ref));
	return fail(c, arena_sprintf(c->a, "unable to load the remote schema %s", ref));
}

/* ---- parsing a schema node ---- */

static int parse_schema(comp *c, value node, sub *s, int draft);

static sub *new_sub(comp *c, const char *property)
{
	sub *s = arena_alloc(c->a, sizeof *s);
	s->pass = -1;
	s->property = property;
	s->min_len = s->max_len = s->min_props = s->max_props = s->min_items = s->max_items = -1;
	return s;
}

static sub *child(comp *c, value node, const char *property, int draft)
{
	sub *s = new_sub(c, property);
	return parse_schema(c, node, s, draft) == 0 ? s : NULL;
}

static int type_err(comp *c, const char *expected, const char *given)
{
	return fail(c,
		    arena_sprintf(c->a, "Invalid type. Expected: %s, given: %s", expected, given));
}

static const char *marshal(arena *a, value v);

static int add_type(comp *c, sub *s, value t)
{
	static const char *const valid[] = {"array", "boolean", "integer", "number",
					    "null",  "object",	"string"};
	if (t.kind != V_STRING)
		return type_err(c, "string/array of strings", "type");
	size_t i = 0;
	while (i < 7 && strcmp(valid[i], t.u.s))
		i++;
	if (i == 7)
		return fail(c,
			    arena_sprintf(c->a,
					  "has a primitive type that is NOT VALID -- given: /%s/ "
					  "Expected valid values are:[array boolean integer number "
					  "null object string]",
					  t.u.s));
	for (int k = 0; k < s->ntypes; k++)
		if (!strcmp(s->types[k], valid[i]))
			return fail(c, arena_sprintf(c->a, "%s type is duplicated", valid[i]));
	s->types[s->ntypes++] = valid[i];
	return 0;
}

static int parse_type(comp *c, sub *s, value t)
{
	if (t.kind == V_STRING)
		return add_type(c, s, t);
	if (t.kind != V_LIST)
		return type_err(c, "string/array of strings", "type");
	for (uint32_t i = 0; i < t.u.l->len; i++)
		if (add_type(c, s, t.u.l->items[i]) != 0)
			return -1;
	return 0;
}

/* A list of subschemas (items as an array, allOf, anyOf, oneOf). */
static int parse_list(comp *c, value v, const char *key, sub ***out, size_t *n, int draft,
		      const char *errkey)
{
	if (v.kind != V_LIST)
		return fail(c, arena_sprintf(c->a, "%s must be of an array", errkey));
	*out = arena_alloc(c->a, (v.u.l->len + 1) * sizeof(sub *));
	for (uint32_t i = 0; i < v.u.l->len; i++) {
		if (!((*out)[i] = child(c, v.u.l->items[i], key, draft)))
			return -1;
	}
	*n = v.u.l->len;
	return 0;
}

/* mustBeInteger, then >= 0 */
static int parse_count(comp *c, vmap *m, const char *key, int64_t *out)
{
	value *v = map_getc(m, key);
	if (!v)
		return 0;
	if (!is_num(*v) || num(*v) != floor(num(*v)) || fabs(num(*v)) > 9.2e18)
		return fail(c, arena_sprintf(c->a, "%s must be of an integer", key));
	if (num(*v) < 0)
		return fail(c, arena_sprintf(c->a, "%s must be greater than or equal to 0", key));
	*out = (int64_t)num(*v);
	return 0;
}

static int parse_number(comp *c, vmap *m, const char *key, numkw *out)
{
	value *v = map_getc(m, key);
	if (!v)
		return 0;
	if (!is_num(*v))
		return fail(c, arena_sprintf(c->a, "%s must be of a number", key));
	out->has = true, out->v = lnum(*v);
	return 0;
}

/* exclusiveMinimum/exclusiveMaximum: a boolean in draft 4, a number from draft 6, either in hybrid.
 */
static int parse_exclusive(comp *c, sub *s, value *v, const char *key, const char *base,
			   numkw *bound, numkw *ex)
{
	bool allow_bool = s->draft == DRAFT4 || s->draft == HYBRID;
	bool allow_num = s->draft != DRAFT4;
	if (v->kind == V_BOOL && allow_bool) {
		if (!bound->has)
			return fail(c,
				    arena_sprintf(c->a, "%s cannot be used without %s", key, base));
		if (v->u.b)
			*ex = *bound, bound->has = false;
		return 0;
	}
	if (is_num(*v) && allow_num) {
		ex->has = true, ex->v = lnum(*v);
		return 0;
	}
	return type_err(c,
			s->draft == DRAFT4 ? "boolean"
			: allow_bool	   ? "boolean/number"
					   : "number",
			key);
}

static int parse_numbers(comp *c, sub *s, vmap *m)
{
	value *v;
	if ((v = map_getc(m, "multipleOf"))) {
		if (!is_num(*v))
			return type_err(c, "number", "multipleOf");
		if (num(*v) <= 0)
			return fail(c, "multipleOf must be strictly greater than 0");
		s->multiple_of.has = true, s->multiple_of.v = lnum(*v);
	}
	if (parse_number(c, m, "minimum", &s->minimum) != 0)
		return -1;
	if ((v = map_getc(m, "exclusiveMinimum")) &&
	    parse_exclusive(c, s, v, "exclusiveMinimum", "minimum", &s->minimum, &s->ex_min) != 0)
		return -1;
	if (parse_number(c, m, "maximum", &s->maximum) != 0)
		return -1;
	if ((v = map_getc(m, "exclusiveMaximum")) &&
	    parse_exclusive(c, s, v, "exclusiveMaximum", "maximum", &s->maximum, &s->ex_max) != 0)
		return -1;
	return 0;
}

static int parse_strings(comp *c, sub *s, vmap *m)
{
	value *v;
	if (parse_count(c, m, "minLength", &s->min_len) ||
	    parse_count(c, m, "maxLength", &s->max_len))
		return -1;
	if (s->min_len >= 0 && s->max_len >= 0 && s->min_len > s->max_len)
		return fail(c, "minLength cannot be greater than maxLength");
	if ((v = map_getc(m, "pattern"))) {
		if (v->kind != V_STRING)
			return fail(c, "pattern must be of a string");
		if (!(s->pattern = schema_re_compile(c->a, v->u.s, v->len)))
			return fail(c, "pattern must be a valid regex");
		s->pattern_src = v->u.s;
	}
	if ((v = map_getc(m, "format"))) {
		if (v->kind != V_STRING)
			return fail(c, "format must be of type string");
		s->format = v->u.s;
	}
	return 0;
}

static int parse_required(comp *c, sub *s, value v)
{
	if (v.kind != V_LIST)
		return fail(c, "required must be of an array");
	s->required = arena_alloc(c->a, (v.u.l->len + 1) * sizeof(char *));
	for (uint32_t i = 0; i < v.u.l->len; i++) {
		value r = v.u.l->items[i];
		if (r.kind != V_STRING)
			return fail(c, "required items must be string");
		for (size_t k = 0; k < s->nrequired; k++)
			if (!strcmp(s->required[k], r.u.s))
				return fail(c, "required items must be unique");
		s->required[s->nrequired++] = r.u.s;
	}
	return 0;
}

static int parse_objects(comp *c, sub *s, vmap *m)
{
	value *v;
	if (parse_count(c, m, "minProperties", &s->min_props) ||
	    parse_count(c, m, "maxProperties", &s->max_props))
		return -1;
	if (s->min_props >= 0 && s->max_props >= 0 && s->min_props > s->max_props)
		return fail(c, "minProperties cannot be greater than maxProperties");
	if ((v = map_getc(m, "required")) && parse_required(c, s, *v) != 0)
		return -1;
	return 0;
}

static int parse_arrays(comp *c, sub *s, vmap *m)
{
	value *v;
	if (parse_count(c, m, "minItems", &s->min_items) ||
	    parse_count(c, m, "maxItems", &s->max_items))
		return -1;
	if ((v = map_getc(m, "uniqueItems"))) {
		if (v->kind != V_BOOL)
			return fail(c, "uniqueItems must be of a boolean");
		s->unique = v->u.b;
	}
	if ((v = map_getc(m, "contains")) && s->draft >= DRAFT6 &&
	    !(s->contains = child(c, *v, "contains", s->draft)))
		return -1;
	return 0;
}

static int parse_enum(comp *c, sub *s, vmap *m)
{
	value *v;
	if ((v = map_getc(m, "const")) && s->draft >= DRAFT6)
		s->constv = marshal(c->a, *v);
	if (!(v = map_getc(m, "enum")))
		return 0;
	if (v->kind != V_LIST)
		return fail(c, "enum must be of an array");
	s->enumv = arena_alloc(c->a, (v->u.l->len + 1) * sizeof(char *));
	for (uint32_t i = 0; i < v->u.l->len; i++) {
		const char *e = marshal(c->a, v->u.l->items[i]);
		for (size_t k = 0; k < s->nenum; k++)
			if (!strcmp(s->enumv[k], e))
				return fail(c, "enum items must be unique");
		s->enumv[s->nenum++] = e;
	}
	return 0;
}

/* A single schema keyword (not, if, then, else, propertyNames): an object or boolean. */
static int parse_one(comp *c, vmap *m, const char *key, sub **out, int draft, const char *errmsg)
{
	value *v = map_getc(m, key);
	if (!v)
		return 0;
	if (!is_schema_kind(*v))
		return fail(c, errmsg);
	return (*out = child(c, *v, key, draft)) ? 0 : -1;
}

static int parse_logic(comp *c, sub *s, vmap *m)
{
	value *v;
	if ((v = map_getc(m, "oneOf")) &&
	    parse_list(c, *v, "oneOf", &s->one_of, &s->none, s->draft, "oneOf"))
		return -1;
	if ((v = map_getc(m, "anyOf")) &&
	    parse_list(c, *v, "anyOf", &s->any_of, &s->nany, s->draft, "anyOf"))
		return -1;
	if ((v = map_getc(m, "allOf")) &&
	    parse_list(c, *v, "allOf", &s->all_of, &s->nall, s->draft, "anyOf"))
		return -1;
	if (parse_one(c, m, "not", &s->not_, s->draft, "not must be of an object"))
		return -1;
	if (s->draft < DRAFT7)
		return 0;
	if (parse_one(c, m, "if", &s->if_, s->draft, "if must be of an object") ||
	    parse_one(c, m, "then", &s->then_, s->draft, "then must be of an object") ||
	    parse_one(c, m, "else", &s->else_, s->draft, "else must be of an object"))
		return -1;
	return 0;
}

static int parse_properties(comp *c, sub *s, value v)
{
	if (v.kind != V_MAP)
		return fail(c, "properties must be of type object");
	const uint32_t *order = key_order(c, v.u.m);
	s->props = arena_alloc(c->a, (v.u.m->len + 1) * sizeof(sub *));
	for (uint32_t i = 0; i < v.u.m->len; i++) {
		const ventry *e = &v.u.m->e[order ? order[i] : i];
		if (!(s->props[i] = child(c, e->val, e->key, s->draft)))
			return -1;
	}
	s->nprops = v.u.m->len;
	return 0;
}

static int parse_pattern_props(comp *c, sub *s, value v)
{
	if (v.kind != V_MAP)
		return type_err(c, "valid schema", "patternProperties");
	s->pp = arena_alloc(c->a, (v.u.m->len + 1) * sizeof(patprop));
	for (uint32_t i = 0; i < v.u.m->len; i++) {
		const ventry *e = &v.u.m->e[i];
		patprop *p = &s->pp[i];
		p->pat = e->key;
		if (!(p->re = schema_re_compile(c->a, e->key, e->klen)))
			return fail(c, arena_sprintf(c->a, "Invalid regex pattern '%s'", e->key));
		if (!(p->s = child(c, e->val, e->key, s->draft)))
			return -1;
	}
	s->npp = v.u.m->len;
	return 0;
}

/* additionalProperties / additionalItems: a boolean or a schema. */
static int parse_additional(comp *c, sub *s, value *v, const char *key, int *kind, bool *b,
			    sub **out)
{
	if (v->kind == V_BOOL) {
		*kind = AP_BOOL, *b = v->u.b;
		return 0;
	}
	if (v->kind != V_MAP)
		return type_err(c, "boolean/valid schema", key);
	*kind = AP_SCHEMA;
	return (*out = child(c, *v, key, s->draft)) ? 0 : -1;
}

static int parse_dependencies(comp *c, sub *s, value v)
{
	if (v.kind != V_MAP)
		return fail(c, "dependencies must be of type object");
	s->deps = arena_alloc(c->a, (v.u.m->len + 1) * sizeof(dep));
	for (uint32_t i = 0; i < v.u.m->len; i++) {
		const ventry *e = &v.u.m->e[i];
		dep *d = &s->deps[s->ndeps];
		d->key = e->key;
		if (e->val.kind == V_LIST) {
			d->req = arena_alloc(c->a, (e->val.u.l->len + 1) * sizeof(char *));
			for (uint32_t k = 0; k < e->val.u.l->len; k++) {
				if (e->val.u.l->items[k].kind != V_STRING)
					return fail(c, "dependency must be of type schema or array "
						       "of strings");
				d->req[d->nreq++] = e->val.u.l->items[k].u.s;
			}
			if (d->nreq)
				s->ndeps++;
		} else if (is_schema_kind(e->val)) {
			if (!(d->s = child(c, e->val, e->key, s->draft)))
				return -1;
			s->ndeps++;
		} else {
			return fail(c, "dependency must be of type schema or array of strings");
		}
	}
	return 0;
}

static int parse_items(comp *c, sub *s, value v)
{
	if (v.kind == V_LIST)
		return parse_list(c, v, "items", &s->items, &s->nitems, s->draft, "items");
	if (!is_schema_kind(v))
		return type_err(c, "valid schema/array of schemas", "items");
	s->items = arena_alloc(c->a, sizeof(sub *));
	s->items_single = true, s->nitems = 1;
	return (s->items[0] = child(c, v, "items", s->draft)) ? 0 : -1;
}

static int parse_definitions(comp *c, sub *s, value v)
{
	if (v.kind != V_MAP)
		return type_err(c, "array of schemas", "definitions");
	for (uint32_t i = 0; i < v.u.m->len; i++) {
		if (!is_schema_kind(v.u.m->e[i].val))
			return type_err(c, "array of schemas", "definitions");
		if (!child(c, v.u.m->e[i].val, "definitions", s->draft))
			return -1;
	}
	return 0;
}

/* parseReference: the referenced node becomes a subschema, shared by every use of the same $ref. */
static int parse_reference(comp *c, sub *s, const char *ref)
{
	value doc;
	sub *ns = new_sub(c, "$ref");
	refent *r = arena_alloc(c->a, sizeof *r);
	r->ref = ref, r->s = ns, r->next = c->refs;
	c->refs = r;
	if (get_document(c, ref, &doc) != 0)
		return -1;
	if (!is_schema_kind(doc))
		return fail(c, "valid schema must be of type object");
	if (parse_schema(c, doc, ns, s->draft) != 0)
		return -1;
	s->ref = ns;
	return 0;
}

static int parse_meta(comp *c, sub *s, vmap *m)
{
	static const char *const strs[] = {"title", "description"};
	const char *idkey = s->draft == DRAFT4			      ? "id"
			    : s->draft == HYBRID && map_getc(m, "id") ? "id"
								      : "$id";
	value *v = map_getc(m, idkey);
	if (v && v->kind != V_STRING)
		return type_err(c, "string", idkey);
	if ((v = map_getc(m, "definitions")) && parse_definitions(c, s, *v) != 0)
		return -1;
	for (size_t i = 0; i < 2; i++)
		if ((v = map_getc(m, strs[i])) && v->kind != V_STRING)
			return type_err(c, "string", strs[i]);
	return 0;
}

static int parse_structure(comp *c, sub *s, vmap *m)
{
	value *v;
	if ((v = map_getc(m, "type")) && parse_type(c, s, *v) != 0)
		return -1;
	if ((v = map_getc(m, "properties")) && parse_properties(c, s, *v) != 0)
		return -1;
	if ((v = map_getc(m, "additionalProperties")) &&
	    parse_additional(c, s, v, "additionalProperties", &s->ap_kind, &s->ap_bool, &s->ap) !=
		0)
		return -1;
	if ((v = map_getc(m, "patternProperties")) && parse_pattern_props(c, s, *v) != 0)
		return -1;
	if (s->draft >= DRAFT6 && (v = map_getc(m, "propertyNames"))) {
		if (!is_schema_kind(*v))
			return type_err(c, "valid schema", "patternProperties");
		if (!(s->propnames = child(c, *v, "propertyNames", s->draft)))
			return -1;
	}
	if ((v = map_getc(m, "dependencies")) && parse_dependencies(c, s, *v) != 0)
		return -1;
	if ((v = map_getc(m, "items")) && parse_items(c, s, *v) != 0)
		return -1;
	if ((v = map_getc(m, "additionalItems")) &&
	    parse_additional(c, s, v, "additionalItems", &s->ai_kind, &s->ai_bool, &s->ai) != 0)
		return -1;
	return 0;
}

static int parse_schema(comp *c, value node, sub *s, int draft)
{
	if (!s->draft)
		s->draft = draft;
	if (s->draft >= DRAFT6 && node.kind == V_BOOL) {
		s->pass = node.u.b;
		return 0;
	}
	if (node.kind != V_MAP)
		return fail(c, "Expected: valid schema, given: Invalid JSON");
	if (++c->depth > 5000)
		return fail(c, "schema nesting is too deep");
	vmap *m = node.u.m;
	int rc = -1;
	value *v;
	if (parse_meta(c, s, m) != 0)
		goto out;
	if ((v = map_getc(m, "$ref"))) {
		if (v->kind != V_STRING) {
			type_err(c, "string", "$ref");
			goto out;
		}
		refent *r = c->refs;
		while (r && strcmp(r->ref, v->u.s))
			r = r->next;
		if (!r) {
			rc = parse_reference(c, s, v->u.s);
			goto out;
		}
		s->ref = r->s;
	}
	if (parse_structure(c, s, m) || parse_numbers(c, s, m) || parse_strings(c, s, m) ||
	    parse_objects(c, s, m) || parse_arrays(c, s, m) || parse_enum(c, s, m) ||
	    parse_logic(c, s, m))
		goto out;
	rc = 0;
out:
	c->depth--;
	return rc;
}

/* The draft named by $schema, or hybrid. */
static int detect_draft(comp *c, value doc, int *draft)
{
	static const struct {
		const char *url;
		int draft;
	} known[] = {
	    {"http://json-schema.org/draft-04/schema", DRAFT4},
	    {"http://json-schema.org/draft-06/schema", DRAFT6},
	    {"http://json-schema.org/draft-07/schema", DRAFT7},
	};
	*draft = HYBRID;
	value *v = doc.kind == V_MAP ? map_getc(doc.u.m, "$schema") : NULL;
	if (!v)
		return 0;
	if (v->kind != V_STRING)
		return fail(c, "$schema must be of type string");
	const char *url = uri_norm(c, v->u.s);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(url, known[i].url))
			*draft = known[i].draft;
	return 0;
}

/* ---- validating ---- */

typedef struct ctx {
	const char *head;
	const struct ctx *tail;
} ctx;

typedef struct verr {
	const char *field;
	const char *desc;
} verr;

typedef struct result {
	verr *e;
	size_t n, cap;
	int score;
} result;

typedef struct vstate {
	arena *a;
	int depth;
} vstate;

static const char *ctx_field(arena *a, const ctx *c)
{
	strbuf sb;
	size_t n = 0;
	const ctx *parts[256];
	for (const ctx *p = c; p && n < 256; p = p->tail)
		parts[n++] = p;
	sb_init(&sb, a);
	while (n--) {
		sb_adds(&sb, parts[n]->head);
		if (n)
			sb_addc(&sb, '.');
	}
	const char *s = sb_str(&sb);
	return !strncmp(s, "(root).", 7) ? s + 7 : s;
}

static void push(vstate *st, result *r, const char *field, const char *desc)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 8;
		r->e = arena_realloc(st->a, r->e, r->cap * sizeof(verr), ncap * sizeof(verr));
		r->cap = ncap;
	}
	r->e[r->n].field = field;
	r->e[r->n++].desc = desc;
}

/* addInternalError: the message, and a score of -2. */
static void add_err(vstate *st, result *r, const ctx *c, const char *desc)
{
	push(st, r, ctx_field(st->a, c), desc);
	r->score -= 2;
}

/* mergeErrors */
static void merge(vstate *st, result *r, const result *o)
{
	for (size_t i = 0; i < o->n; i++)
		push(st, r, o->e[i].field, o->e[i].desc);
	r->score += o->score;
}

/* text/template's print of a *big.Float: the shortest %g form, as Go's %v of a float64. */
static const char *fmt_num(arena *a, long double lv)
{
	strbuf sb;
	double v = lv == 0 ? 0 : (double)lv; /* big.Rat has no negative zero */
	sb_init(&sb, a);
	go_format_float(&sb, v, 'g', -1);
	return sb_str(&sb);
}

/* Go's encoding/json of v, numbers as float64 (marshalWithoutNumber). */
static value floats(arena *a, value v)
{
	if (v.kind == V_INT || v.kind == V_INT64)
		return v_float((double)v.u.i);
	if (v.kind == V_LIST) {
		value l = v_list_new(a, v.u.l->len);
		for (uint32_t i = 0; i < v.u.l->len; i++)
			list_push(a, l.u.l, floats(a, v.u.l->items[i]));
		return l;
	}
	if (v.kind == V_MAP) {
		value m = v_map_new(a);
		for (uint32_t i = 0; i < v.u.m->len; i++)
			map_set(a, m.u.m, v.u.m->e[i].key, v.u.m->e[i].klen,
				floats(a, v.u.m->e[i].val));
		return m;
	}
	return v;
}

static const char *marshal(arena *a, value v)
{
	strbuf sb;
	const char *err;
	sb_init(&sb, a);
	if (json_emit(&sb, floats(a, v), &err) != 0)
		return "null";
	return sb_str(&sb);
}

static void validate(vstate *st, const sub *s, value node, result *r, const ctx *c);

static result sub_validate(vstate *st, const sub *s, value node, const ctx *c)
{
	result r = {0};
	validate(st, s, node, &r, c);
	return r;
}

static bool is_int_value(value v)
{
	return v.kind != V_FLOAT || (isfinite(v.u.f) && v.u.f == floor(v.u.f));
}

static const char *given_type(value v)
{
	switch (v.kind) {
	case V_NIL:
		return "null";
	case V_BOOL:
		return "boolean";
	case V_INT:
	case V_INT64:
	case V_FLOAT:
		return is_int_value(v) ? "integer" : "number";
	case V_STRING:
		return "string";
	case V_LIST:
		return "array";
	default:
		return "object";
	}
}

static bool has_type(const sub *s, const char *t)
{
	for (int i = 0; i < s->ntypes; i++)
		if (!strcmp(s->types[i], t))
			return true;
	return false;
}

static const char *types_string(arena *a, const sub *s)
{
	if (s->ntypes == 1)
		return s->types[0];
	strbuf sb;
	sb_init(&sb, a);
	sb_addc(&sb, '[');
	for (int i = 0; i < s->ntypes; i++)
		sb_addf(&sb, "%s%s", i ? "," : "", s->types[i]);
	sb_addc(&sb, ']');
	return sb_str(&sb);
}

/* anyOf: the first valid branch ends it; else the best-scoring branch's errors. */
static void validate_any_of(vstate *st, const sub *s, value node, result *r, const ctx *c)
{
	result best = {0};
	bool have_best = false;
	for (size_t i = 0; i < s->nany; i++) {
		result o = sub_validate(st, s->any_of[i], node, c);
		if (o.n == 0)
			return;
		if (!have_best || o.score > best.score)
			best = o, have_best = true;
	}
	add_err(st, r, c, "Must validate at least one schema (anyOf)");
	merge(st, r, &best);
}

static void validate_one_of(vstate *st, const sub *s, value node, result *r, const ctx *c)
{
	result best = {0};
	bool have_best = false;
	size_t valid = 0;
	for (size_t i = 0; i < s->none; i++) {
		result o = sub_validate(st, s->one_of[i], node, c);
		if (o.n == 0)
			valid++;
		else if (valid == 0 && (!have_best || o.score > best.score))
			best = o, have_best = true;
	}
	if (valid == 1)
		return;
	add_err(st, r, c, "Must validate one and only one schema (oneOf)");
	if (valid == 0)
		merge(st, r, &best);
}

static void validate_dependencies(vstate *st, const sub *s, value node, result *r, const ctx *c)
{
	if (node.kind != V_MAP)
		return;
	for (uint32_t i = 0; i < node.u.m->len; i++) {
		for (size_t k = 0; k < s->ndeps; k++) {
			const dep *d = &s->deps[k];
			if (strcmp(d->key, node.u.m->e[i].key))
				continue;
			if (d->s) {
				validate(st, d->s, node, r, c);
				continue;
			}
			for (size_t j = 0; j < d->nreq; j++)
				if (!map_getc(node.u.m, d->req[j]))
					add_err(st, r, c,
						arena_sprintf(st->a, "Has a dependency on %s",
							      d->req[j]));
		}
	}
}

static void validate_condition(vstate *st, const sub *s, value node, result *r, const ctx *c)
{
	result cond = sub_validate(st, s->if_, node, c);
	const sub *branch = cond.n == 0 ? s->then_ : s->else_;
	if (!branch)
		return;
	result o = sub_validate(st, branch, node, c);
	if (o.n == 0)
		return;
	add_err(st, r, c,
		cond.n == 0 ? "Must validate \"then\" as \"if\" was valid"
			    : "Must validate \"else\" as \"if\" was not valid");
	merge(st, r, &o);
}

/* validateSchema */
static void validate_logic(vstate *st, const sub *s, value node, result *r, const ctx *c)
{
	if (s->nany)
		validate_any_of(st, s, node, r, c);
	if (s->none)
		validate_one_of(st, s, node, r, c);
	if (s->nall) {
		size_t valid = 0;
		for (size_t i = 0; i < s->nall; i++) {
			result o = sub_validate(st, s->all_of[i], node, c);
			valid += o.n == 0;
			merge(st, r, &o);
		}
		if (valid != s->nall)
			add_err(st, r, c, "Must validate all the schemas (allOf)");
	}
	if (s->not_) {
		result o = sub_validate(st, s->not_, node, c);
		if (o.n == 0)
			add_err(st, r, c, "Must not validate the schema (not)");
	}
	if (s->ndeps)
		validate_dependencies(st, s, node, r, c);
	if (s->if_)
		validate_condition(st, s, node, r, c);
	r->score++;
}

/* ---- formats ---- */

static bool all_match(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return false;
	return true;
}

static bool digits(const char *s, size_t n)
{
	return all_match(s, n, "0123456789");
}

static int num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* YYYY-MM-DD with a real day of the month. */
static bool fmt_date_part(const char *s, size_t n)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (n != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2))
		return false;
	int y = atoi(s), mo = num2(s + 5), d = num2(s + 8);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return false;
	return !(mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* HH:MM:SS[.frac] then, if zone, Z or ±hh:mm. */
static bool fmt_time_part(const char *s, size_t n, bool zone)
{
	size_t i = 8;
	if (n < 8 || !digits(s, 2) || s[2] != ':' || !digits(s + 3, 2) || s[5] != ':' ||
	    !digits(s + 6, 2))
		return false;
	if (num2(s) > 23 || num2(s + 3) > 59 || num2(s + 6) > 59)
		return false;
	if (i < n && (s[i] == '.' || s[i] == ',') && i + 1 < n && digits(s + i + 1, 1))
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (!zone)
		return i == n;
	if (i < n && s[i] == 'Z')
		return i + 1 == n;
	return i + 6 == n && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) &&
	       s[i + 3] == ':' && digits(s + i + 4, 2) && num2(s + i + 1) <= 24 &&
	       num2(s + i + 4) <= 60;
}

static bool fmt_time(const char *s, size_t n)
{
	return fmt_time_part(s, n, true) || fmt_time_part(s, n, false);
}

static bool fmt_date(const char *s, size_t n)
{
	return fmt_date_part(s, n);
}

static bool fmt_date_time(const char *s, size_t n)
{
	if (fmt_time(s, n) || fmt_date_part(s, n))
		return true;
	return n > 11 && s[10] == 'T' && fmt_date_part(s, 10) &&
	       fmt_time_part(s + 11, n - 11, true);
}

static bool fmt_ipv4(const char *s, size_t n)
{
	unsigned char buf[16];
	if (memchr(s, 0, n) || !memchr(s, '.', n))
		return false;
	return inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, buf) == 1;
}

static bool fmt_ipv6(const char *s, size_t n)
{
	unsigned char buf[16];
	return !memchr(s, 0, n) && memchr(s, ':', n) && inet_pton(AF_INET6, s, buf) == 1;
}

/* The shape url.Parse accepts: no control bytes, no space in the host, valid %-escapes. */
static bool url_ok(const char *s, size_t n)
{
	size_t sl = scheme_len(s), host_end = 0;
	if (memchr(s, '\\', n))
		return false;
	if (n > sl + 2 && !strncmp(s + sl + (sl > 0), "//", 2))
		host_end = sl + (sl > 0) + 2 + strcspn(s + sl + (sl > 0) + 2, "/?#");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f || (ch == ' ' && i < host_end))
			return false;
		if (ch == '%' && (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0))
			return false;
	}
	return !(n && s[0] == ':');
}

static bool fmt_uri(const char *s, size_t n)
{
	return url_ok(s, n) && scheme_len(s) > 0;
}
static bool fmt_uri_ref(const char *s, size_t n)
{
	return url_ok(s, n);
}

static bool fmt_uri_template(const char *s, size_t n)
{
	int open = 0;
	if (!url_ok(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '{' && open++)
			return false;
		if (s[i] == '}' && open)
			open--;
	}
	return !open;
}

static bool fmt_hostname(const char *s, size_t n)
{
	size_t label = 0;
	if (n == 0 || n >= 256)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-')
				return false;
			label = 0;
		} else if (all_match(
			       s + i, 1,
			       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")) {
			label++;
		} else {
			return false;
		}
	}
	return true;
}

/* atext plus any UTF-8 byte, as net/mail allows. */
static bool atoms(const char *s, size_t n, const char *atext)
{
	for (size_t i = 0; i < n; i++)
		if (!((unsigned char)s[i] >= 0x80 || all_match(s + i, 1, atext)))
			return false;
	return true;
}

/* addr-spec: dot-atom or quoted-string, @, dot-atom or domain literal, as net/mail reads it. */
static bool email_addr(const char *s, size_t n)
{
	static const char atext[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.";
	const char *at = memchr(s, '@', n);
	if (!at || at == s || at == s + n - 1)
		return false;
	size_t ln = (size_t)(at - s), dn = n - ln - 1;
	bool quoted = ln >= 2 && s[0] == '"' && s[ln - 1] == '"';
	for (size_t i = quoted ? ln : 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
	if (!quoted && (!atoms(s, ln, atext) || s[0] == '.' || s[ln - 1] == '.'))
		return false;
	if (dn >= 2 && at[1] == '[' && s[n - 1] == ']')
		return true;
	return atoms(at + 1, dn, atext) && at[1] != '.' && s[n - 1] != '.';
}

/* mail.ParseAddress: "a@b.c" or "Name <a@b.c>", spaces around allowed. */
static bool fmt_email(const char *s, size_t n)
{
	if (memchr(s, 0, n))
		return false;
	while (n && s[0] == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	const char *lt = memchr(s, '<', n);
	if (n && s[n - 1] == '>' && lt)
		return email_addr(lt + 1, (size_t)(s + n - 1 - lt - 1));
	return email_addr(s, n);
}

static bool fmt_uuid(const char *s, size_t n)
{
	static const int groups[] = {8, 4, 4, 4, 12};
	size_t i = 0;
	for (int g = 0; g < 5; g++) {
		if (g && (i >= n || s[i++] != '-'))
			return false;
		if (i + (size_t)groups[g] > n ||
		    !all_match(s + i, (size_t)groups[g], "0123456789abcdef"))
			return false;
		i += (size_t)groups[g];
	}
	return i == n;
}

static bool json_pointer_tail(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '~' && (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1')))
			return false;
	return n == 0 || s[0] == '/';
}

static bool fmt_json_pointer(const char *s, size_t n)
{
	return json_pointer_tail(s, n);
}

static bool fmt_rel_json_pointer(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0 || (s[0] == '0' && i > 1))
		return false;
	if (i < n && s[i] == '#')
		return i + 1 == n;
	return json_pointer_tail(s + i, n - i);
}

typedef struct fmtcheck {
	const char *name;
	bool (*ok)(const char *s, size_t n);
} fmtcheck;

static const fmtcheck formats[] = {
    {"date", fmt_date},
    {"time", fmt_time},
    {"date-time", fmt_date_time},
    {"hostname", fmt_hostname},
    {"email", fmt_email},
    {"idn-email", fmt_email},
    {"ipv4", fmt_ipv4},
    {"ipv6", fmt_ipv6},
    {"uri", fmt_uri},
    {"uri-reference", fmt_uri_ref},
    {"iri", fmt_uri},
    {"iri-reference", fmt_uri_ref},
    {"uri-template", fmt_uri_template},
    {"uuid", fmt_uuid},
    {"regex", NULL},
    {"json-pointer", fmt_json_pointer},
    {"relative-json-pointer", fmt_rel_json_pointer},
};

/* FormatCheckers.IsFormat: unknown formats pass; known ones fail on non-strings. */
static bool format_ok(vstate *st, const char *format, value v)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (strcmp(formats[i].name, format))
			continue;
		if (v.kind != V_STRING)
			return false;
		if (!formats[i].ok)
			return v.len == 0 || schema_re_compile(st->a, v.u.s, v.len) != NULL;
		return formats[i].ok(v.u.s, v.len);
	}
	return true;
}

/* validateCommon: const, enum, format. */
static void validate_common(vstate *st, const sub *s, value node, result *r, const ctx *c)
{
	const char *field = NULL;
	if (s->constv || s->nenum)
		field = ctx_field(st->a, c);
	if (s->constv && strcmp(marshal(st->a, node), s->constv))
		add_err(st, r, c, arena_sprintf(st->a, "%s does not match: %s", field, s->constv));
	if (s->nenum) {
		const char *js = marshal(st->a, node);
		size_t i = 0;
		while (i < s->nenum && strcmp(s->enumv[i], js))
			i++;
		if (i == s->nenum) {
			strbuf sb;
			sb_init(&sb, st->a);
			for (size_t k = 0; k < s->nenum; k++)
				sb_addf(&sb, "%s%s", k ? ", " : "", s->enumv[k]);
			add_err(st, r, c,
				arena_sprintf(st->a, "%s must be one of the following: %s", field,
					      sb_str(&sb)));
		}
	}
	if (s->format && !format_ok(st, s->format, node))
		add_err(st, r, c, arena_sprintf(st->a, "Does not match format '%s'", s->format));
	r->score++;
}

/* ---- numbers ---- */

/* The shortest decimal m * 10^e that reads back as f. */
static void decimal_of(double f, int64_t *m, int *e)
{
	char buf[48];
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, f);
		if (strtod(buf, NULL) == f)
			break;
	}
	int64_t mant = 0;
	int frac = 0;
	bool neg = buf[0] == '-', dot = false;
	const char *p = buf + neg;
	for (; *p && *p != 'e'; p++) {
		if (*p == '.') {
			dot = true;
			continue;
		}
		mant = mant * 10 + (*p - '0');
		frac += dot;
	}
	*m = neg ? -mant : mant;
	*e = atoi(p + 1) - frac;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b, b = t;
	}
	return a;
}

/* big.Rat's (value / multiple).IsInt(), on the decimals Go would read. */
static bool is_multiple(double v, double mult)
{
	int64_t m1, m2;
	int e1, e2;
	if (!isfinite(v) || !isfinite(mult))
		return false;
	decimal_of(v, &m1, &e1);
	decimal_of(mult, &m2, &e2);
	uint64_t a = (uint64_t)(m1 < 0 ? -m1 : m1), b = (uint64_t)(m2 < 0 ? -m2 : m2);
	if (a == 0)
		return true;
	if (e1 >= e2) {
		uint64_t rest = b / gcd64(a, b);
		for (int k = e1 - e2; k > 0 && rest > 1; k--) {
			int moved = 0;
			if (rest % 2 == 0)
				rest /= 2, moved = 1;
			if (rest % 5 == 0)
				rest /= 5, moved = 1;
			if (!moved)
				break;
		}
		return rest == 1;
	}
	if (a % b)
		return false;
	uint64_t q = a / b;
	for (int k = e2 - e1; k > 0; k--) {
		if (q % 10)
			return false;
		q /= 10;
	}
	return true;
}

static void validate_number(vstate *st, const sub *s, long double v, result *r, const ctx *c)
{
	if (s->multiple_of.has && !is_multiple((double)v, (double)s->multiple_of.v))
		add_err(st, r, c,
			arena_sprintf(st->a, "Must be a multiple of %s",
				      fmt_num(st->a, s->multiple_of.v)));
	if (s->maximum.has && v > s->maximum.v)
		add_err(st, r, c,
			arena_sprintf(st->a, "Must be less than or equal to %s",
				      fmt_num(st->a, s->maximum.v)));
	if (s->ex_max.has && v >= s->ex_max.v)
		add_err(st, r, c,
			arena_sprintf(st->a, "Must be less than %s", fmt_num(st->a, s->ex_max.v)));
	if (s->minimum.has && v < s->minimum.v)
		add_err(st, r, c,
			arena_sprintf(st->a, "Must be greater than or equal to %s",
				      fmt_num(st->a, s->minimum.v)));
	if (s->ex_min.has && v <= s->ex_min.v)
		add_err(
		    st, r, c,
		    arena_sprintf(st->a, "Must be greater than %s", fmt_num(st->a, s->ex_min.v)));
	r->score++;
}

static size_t rune_count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

static void validate_string(vstate *st, const sub *s, value v, result *r, const ctx *c)
{
	size_t runes = rune_count(v.u.s, v.len);
	if (s->min_len >= 0 && runes < (uint64_t)s->min_len)
		add_err(st, r, c,
			arena_sprintf(st->a, "String length must be greater than or equal to %lld",
				      (long long)s->min_len));
	if (s->max_len >= 0 && runes > (uint64_t)s->max_len)
		add_err(st, r, c,
			arena_sprintf(st->a, "String length must be less than or equal to %lld",
				      (long long)s->max_len));
	if (s->pattern && !schema_re_match(st->a, s->pattern, v.u.s, v.len))
		add_err(st, r, c,
			arena_sprintf(st->a, "Does not match pattern '%s'", s->pattern_src));
	r->score++;
}

/* ---- arrays ---- */

static ctx *index_ctx(vstate *st, const ctx *c, size_t i)
{
	ctx *n = arena_alloc(st->a, sizeof *n);
	n->head = arena_sprintf(st->a, "%zu", i), n->tail = c;
	return n;
}

static void validate_items(vstate *st, const sub *s, const vlist *l, result *r, const ctx *c)
{
	if (s->items_single) {
		for (uint32_t i = 0; i < l->len; i++) {
			result o = sub_validate(st, s->items[0], l->items[i], index_ctx(st, c, i));
			merge(st, r, &o);
		}
		return;
	}
	if (!s->nitems)
		return;
	for (size_t i = 0; i < s->nitems && i < l->len; i++) {
		result o = sub_validate(st, s->items[i], l->items[i], index_ctx(st, c, i));
		merge(st, r, &o);
	}
	if (s->nitems >= l->len)
		return;
	if (s->ai_kind == AP_BOOL && !s->ai_bool)
		add_err(st, r, c, "No additional items allowed on array");
	if (s->ai_kind == AP_SCHEMA)
		for (size_t i = s->nitems; i < l->len; i++) {
			result o = sub_validate(st, s->ai, l->items[i], index_ctx(st, c, i));
			merge(st, r, &o);
		}
}

static void validate_unique(vstate *st, const vlist *l, result *r, const ctx *c)
{
	const char **seen = arena_alloc(st->a, (l->len + 1) * sizeof(char *));
	size_t *last = arena_alloc(st->a, (l->len + 1) * sizeof(size_t));
	size_t nseen = 0;
	for (uint32_t j = 0; j < l->len; j++) {
		const char *js = marshal(st->a, l->items[j]);
		size_t k = 0;
		while (k < nseen && strcmp(seen[k], js))
			k++;
		if (k < nseen)
			add_err(
			    st, r, c,
			    arena_sprintf(st->a, "array items[%zu,%u] must be unique", last[k], j));
		else
			seen[nseen++] = js;
		last[k] = j;
	}
}

static void validate_contains(vstate *st, const sub *s, const vlist *l, result *r, const ctx *c)
{
	result best = {0};
	bool have_best = false;
	for (uint32_t i = 0; i < l->len; i++) {
		result o = sub_validate(st, s->contains, l->items[i], index_ctx(st, c, i));
		if (o.n == 0)
			return;
		if (!have_best || o.score > best.score)
			best = o, have_best = true;
	}
	add_err(st, r, c, "At least one of the items must match");
	if (have_best)
		merge(st, r, &best);
}

static void validate_array(vstate *st, const sub *s, const vlist *l, result *r, const ctx *c)
{
	validate_items(st, s, l, r, c);
	if (s->min_items >= 0 && l->len < (uint64_t)s->min_items)
		add_err(st, r, c,
			arena_sprintf(st->a, "Array must have at least %lld items",
				      (long long)s->min_items));
	if (s->max_items >= 0 && l->len > (uint64_t)s->max_items)
		add_err(st, r, c,
			arena_sprintf(st->a, "Array must have at most %lld items",
				      (long long)s->max_items));
	if (s->unique)
		validate_unique(st, l, r, c);
	if (s->contains)
		validate_contains(st, s, l, r, c);
	r->score++;
}

/* ---- objects ---- */

static ctx *key_ctx(vstate *st, const ctx *c, const char *key)
{
	ctx *n = arena_alloc(st->a, sizeof *n);
	n->head = key, n->tail = c;
	return n;
}

static bool validate_pattern_props(vstate *st, const sub *s, const ventry *e, result *r,
				   const ctx *c)
{
	bool matched = false;
	for (size_t i = 0; i < s->npp; i++) {
		if (!schema_re_match(st->a, s->pp[i].re, e->key, e->klen))
			continue;
		matched = true;
		result o = sub_validate(st, s->pp[i].s, e->val, key_ctx(st, c, e->key));
		merge(st, r, &o);
	}
	if (matched)
		r->score++;
	return matched;
}

static bool is_declared(const sub *s, const char *key)
{
	for (size_t i = 0; i < s->nprops; i++)
		if (!strcmp(s->props[i]->property, key))
			return true;
	return false;
}

static void validate_object(vstate *st, const sub *s, const vmap *m, result *r, const ctx *c)
{
	if (s->min_props >= 0 && m->len < (uint64_t)s->min_props)
		add_err(st, r, c,
			arena_sprintf(st->a, "Must have at least %lld properties",
				      (long long)s->min_props));
	if (s->max_props >= 0 && m->len > (uint64_t)s->max_props)
		add_err(st, r, c,
			arena_sprintf(st->a, "Must have at most %lld properties",
				      (long long)s->max_props));
	for (size_t i = 0; i < s->nrequired; i++) {
		if (map_getc(m, s->required[i]))
			r->score++;
		else
			add_err(st, r, c, arena_sprintf(st->a, "%s is required", s->required[i]));
	}
	for (uint32_t i = 0; i < m->len; i++) {
		const ventry *e = &m->e[i];
		bool found = is_declared(s, e->key);
		bool pp = validate_pattern_props(st, s, e, r, c);
		if (found || pp)
			continue;
		if (s->ap_kind == AP_BOOL && !s->ap_bool)
			add_err(
			    st, r, c,
			    arena_sprintf(st->a, "Additional property %s is not allowed", e->key));
		if (s->ap_kind == AP_SCHEMA) {
			result o = sub_validate(st, s->ap, e->val, key_ctx(st, c, e->key));
			merge(st, r, &o);
		}
	}
	if (s->propnames)
		for (uint32_t i = 0; i < m->len; i++) {
			result o = sub_validate(st, s->propnames,
						v_str_static(m->e[i].key, m->e[i].klen), c);
			if (o.n == 0)
				continue;
			add_err(st, r, c,
				arena_sprintf(st->a, "Property name of \"%s\" does not match",
					      m->e[i].key));
			merge(st, r, &o);
		}
	r->score++;
}

static void validate_properties(vstate *st, const sub *s, const vmap *m, result *r, const ctx *c)
{
	for (size_t i = 0; i < s->nprops; i++) {
		value *v = map_getc(m, s->props[i]->property);
		if (v)
			validate(st, s->props[i], *v, r, key_ctx(st, c, s->props[i]->property));
	}
}

/* validateRecursive */
static void validate(vstate *st, const sub *s, value node, result *r, const ctx *c)
{
	if (s->pass >= 0) {
		if (!s->pass)
			add_err(st, r, c, "False always fails validation");
		return;
	}
	if (s->ref) {
		if (++st->depth < 10000)
			validate(st, s->ref, node, r, c);
		st->depth--;
		return;
	}
	if (node.kind == V_OBJ)
		node = node.u.o->cls->to_plain ? node.u.o->cls->to_plain(st->a, node.u.o) : v_nil();
	const char *given = given_type(node);
	bool ok = has_type(s, given) || (!strcmp(given, "integer") && has_type(s, "number"));
	if (s->ntypes && !ok) {
		add_err(st, r, c,
			arena_sprintf(st->a, "Invalid type. Expected: %s, given: %s",
				      types_string(st->a, s), given));
		return;
	}
	validate_logic(st, s, node, r, c);
	if (is_num(node))
		validate_number(st, s, lnum(node), r, c);
	if (node.kind == V_LIST)
		validate_array(st, s, node.u.l, r, c);
	if (node.kind == V_MAP)
		validate_object(st, s, node.u.m, r, c);
	validate_common(st, s, node, r, c);
	if (node.kind == V_STRING)
		validate_string(st, s, node, r, c);
	if (node.kind == V_MAP)
		validate_properties(st, s, node.u.m, r, c);
	r->score++;
}

int schema_validate(arena *a, value schema, value instance, strbuf *errors)
{
	return schema_validate_src(a, schema, NULL, 0, instance, errors);
}

int schema_validate_src(arena *a, value schema, const char *src, size_t len, value instance,
			strbuf *errors)
{
	comp c = {.a = a};
	int draft;
	value doc = value_deep_copy(a, schema);
	if (src) {
		jwalk w = {.c = &c, .p = src, .end = src + len};
		jw_value(&w, doc);
	}
	if (detect_draft(&c, doc, &draft) != 0)
		goto bad;
	if (doc.kind != V_MAP && doc.kind != V_BOOL) {
		fail(&c, "schema is invalid");
		goto bad;
	}
	parse_refs(&c, doc, "");
	pool_add(&c, "", doc);
	sub *root = new_sub(&c, "(root)");
	if (parse_schema(&c, doc, root, draft) != 0)
		goto bad;
	vstate st = {.a = a};
	ctx rootctx = {.head = "(root)"};
	result r = sub_validate(&st, root, instance, &rootctx);
	for (size_t i = 0; i < r.n; i++)
		sb_addf(errors, "- %s: %s\n", r.e[i].field, r.e[i].desc);
	return (int)r.n;
bad:
	sb_adds(errors, c.err ? c.err : "invalid schema");
	return -1;
}
