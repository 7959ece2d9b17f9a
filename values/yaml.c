/* yaml.c - YAML in and out as Helm sees it (the one file that includes libyaml).
 *
 * Loading: libyaml's parser gives events; we build a node tree as yaml.v2's
 * parser does, then decode it with yaml.v2's YAML 1.1 resolver, merge keys and
 * alias budget, and apply sigs.k8s.io/yaml's trip through JSON (numbers become
 * float64, keys strings). Emitting: the value is normalised as JSON then yaml.v2
 * would see it, and libyaml's emitter (which yaml.v2's is a port of) writes it.
 */
#include "yaml.h"
#include "yaml_emit.h"
#include "yaml_tree.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "gofmt.h"

#define TAG_PREFIX "tag:yaml.org,2002:"
#define MAX_DEPTH  10000

/* ---- the node tree ---- */

typedef struct anchor {
	const char *name;
	ynode *node;
} anchor;

typedef struct ybuild {
	arena *a;
	ynode **stack;
	uint32_t depth, cap;
	anchor *anchors;
	uint32_t nanchors, capanchors;
	ynode *root;
	bool have_root;
	const char *err;
	const char *text; /* the source, for what libyaml accepts and yaml.v2 does not */
	size_t len;
} ybuild;

void yaml_kid_push(arena *a, ynode *p, ynode *k)
{
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 4;
		p->kids =
		    arena_realloc(a, p->kids, p->n * sizeof(*p->kids), cap * sizeof(*p->kids));
		p->cap = cap;
	}
	p->kids[p->n++] = k;
}

static void anchor_add(ybuild *b, const unsigned char *name, ynode *n)
{
	if (!name)
		return;
	if (b->nanchors == b->capanchors) {
		uint32_t cap = b->capanchors ? b->capanchors * 2 : 8;
		b->anchors = arena_realloc(b->a, b->anchors, b->nanchors * sizeof(anchor),
					   cap * sizeof(anchor));
		b->capanchors = cap;
	}
	b->anchors[b->nanchors++] = (anchor){arena_strdup(b->a, (const char *)name), n};
}

static ynode *anchor_find(ybuild *b, const char *name)
{
	for (uint32_t i = b->nanchors; i-- > 0;)
		if (!strcmp(b->anchors[i].name, name))
			return b->anchors[i].node;
	return NULL;
}

/* Attaches a finished or opened node to its parent (or makes it the root). */
static void attach(ybuild *b, ynode *n)
{
	if (b->depth)
		yaml_kid_push(b->a, b->stack[b->depth - 1], n);
	else if (!b->have_root)
		b->root = n, b->have_root = true;
}

static int open_node(ybuild *b, ynode *n)
{
	attach(b, n);
	if (b->depth >= MAX_DEPTH) {
		b->err = "yaml: exceeded max depth of 10000";
		return -1;
	}
	if (b->depth == b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 16;
		b->stack = arena_realloc(b->a, b->stack, b->depth * sizeof(ynode *),
					 cap * sizeof(ynode *));
		b->cap = cap;
	}
	b->stack[b->depth++] = n;
	return 0;
}

static ynode *new_node(ybuild *b, enum ykind k, const unsigned char *tag)
{
	ynode *n = arena_alloc(b->a, sizeof(*n));
	n->kind = k;
	n->tag = tag ? arena_strdup(b->a, (const char *)tag) : NULL;
	return n;
}

/* libyaml reads `\/` in a double-quoted scalar as `/`; yaml.v2's scanner
 * stops there ("found unknown escape character", its line when not the first). */
static int bad_escape(ybuild *b, const yaml_event_t *e)
{
	size_t i = e->start_mark.index, end = e->end_mark.index;
	size_t line = e->start_mark.line;
	if (e->data.scalar.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE || !b->text || end > b->len)
		return 0;
	for (; i < end; i++) {
		if (b->text[i] == '\n')
			line++;
		if (b->text[i] != '\\' || i + 1 >= end)
			continue;
		if (b->text[++i] != '/')
			continue;
		if (line)
			b->err = arena_sprintf(
			    b->a, "yaml: line %zu: found unknown escape character", line + 1);
		else
			b->err = "yaml: found unknown escape character";
		return -1;
	}
	return 0;
}

/* Handles one event; returns 1 at the first document's end, -1 on error, 0 to go on. */
static int on_event(ybuild *b, const yaml_event_t *e)
{
	ynode *n;
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		if (bad_escape(b, e) != 0)
			return -1;
		n = new_node(b, Y_SCALAR, e->data.scalar.tag);
		n->val =
		    arena_strndup(b->a, (const char *)e->data.scalar.value, e->data.scalar.length);
		n->len = e->data.scalar.length;
		n->plain = e->data.scalar.plain_implicit;
		anchor_add(b, e->data.scalar.anchor, n);
		attach(b, n);
		return 0;
	case YAML_ALIAS_EVENT:
		n = new_node(b, Y_ALIAS, NULL);
		n->val = arena_strdup(b->a, (const char *)e->data.alias.anchor);
		n->alias = anchor_find(b, n->val);
		if (!n->alias) {
			b->err =
			    arena_sprintf(b->a, "yaml: unknown anchor '%s' referenced", n->val);
			return -1;
		}
		attach(b, n);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
		n = new_node(b, Y_SEQ, e->data.sequence_start.tag);
		anchor_add(b, e->data.sequence_start.anchor, n);
		return open_node(b, n);
	case YAML_MAPPING_START_EVENT:
		n = new_node(b, Y_MAP, e->data.mapping_start.tag);
		anchor_add(b, e->data.mapping_start.anchor, n);
		return open_node(b, n);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		b->depth--;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
	case YAML_STREAM_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

/* yaml.v2's parser failure text: "yaml: line N: problem". */
static const char *parse_error(arena *a, const yaml_parser_t *p)
{
	size_t line = 0;
	if (p->problem_mark.line != 0) {
		line = p->problem_mark.line;
		if (p->error == YAML_SCANNER_ERROR)
			line++;
	} else if (p->context_mark.line != 0) {
		line = p->context_mark.line;
	}
	const char *msg = p->problem ? p->problem : "unknown problem parsing YAML content";
	if (line)
		return arena_sprintf(a, "yaml: line %zu: %s", line, msg);
	return arena_sprintf(a, "yaml: %s", msg);
}

/* Parses the first document into a node tree; *root is NULL for an empty stream. */
int yaml_libyaml_tree(arena *a, const char *text, size_t len, ynode **root, const char **err)
{
	yaml_parser_t p;
	ybuild b = {.a = a, .text = text, .len = len};
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	int rc = 0;
	while (rc == 0) {
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e)) {
			b.err = parse_error(a, &p);
			rc = -1;
			break;
		}
		rc = on_event(&b, &e);
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	if (rc < 0) {
		*err = b.err;
		return -1;
	}
	*root = b.root;
	return 0;
}

/* ---- yaml.v2's resolver ---- */

enum rtag { R_STR, R_NULL, R_BOOL, R_INT, R_UINT, R_FLOAT, R_TIMESTAMP, R_MERGE };

typedef struct resolved {
	enum rtag tag;
	bool b;
	int64_t i;
	uint64_t u;
	double f;
} resolved;

static const struct {
	const char *word;
	uint8_t len;
	enum rtag tag;
	int v; /* bool value, or the sign of an infinity, or 0 for NaN */
} resolve_map[] = {
    {"y", 1, R_BOOL, 1},       {"Y", 1, R_BOOL, 1},	  {"yes", 3, R_BOOL, 1},
    {"Yes", 3, R_BOOL, 1},     {"YES", 3, R_BOOL, 1},	  {"true", 4, R_BOOL, 1},
    {"True", 4, R_BOOL, 1},    {"TRUE", 4, R_BOOL, 1},	  {"on", 2, R_BOOL, 1},
    {"On", 2, R_BOOL, 1},      {"ON", 2, R_BOOL, 1},	  {"n", 1, R_BOOL, 0},
    {"N", 1, R_BOOL, 0},       {"no", 2, R_BOOL, 0},	  {"No", 2, R_BOOL, 0},
    {"NO", 2, R_BOOL, 0},      {"false", 5, R_BOOL, 0},	  {"False", 5, R_BOOL, 0},
    {"FALSE", 5, R_BOOL, 0},   {"off", 3, R_BOOL, 0},	  {"Off", 3, R_BOOL, 0},
    {"OFF", 3, R_BOOL, 0},     {"", 0, R_NULL, 0},	  {"~", 1, R_NULL, 0},
    {"null", 4, R_NULL, 0},    {"Null", 4, R_NULL, 0},	  {"NULL", 4, R_NULL, 0},
    {".nan", 4, R_FLOAT, 0},   {".NaN", 4, R_FLOAT, 0},	  {".NAN", 4, R_FLOAT, 0},
    {".inf", 4, R_FLOAT, 1},   {".Inf", 4, R_FLOAT, 1},	  {".INF", 4, R_FLOAT, 1},
    {"+.inf", 5, R_FLOAT, 1},  {"+.Inf", 5, R_FLOAT, 1},  {"+.INF", 5, R_FLOAT, 1},
    {"-.inf", 5, R_FLOAT, -1}, {"-.Inf", 5, R_FLOAT, -1}, {"-.INF", 5, R_FLOAT, -1},
    {"<<", 2, R_MERGE, 0},
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads 1 or 2 digits (Go's time.Parse for "1", "15", "4", "5") within [lo, hi]. */
static bool ts_num(const char *s, size_t n, size_t *i, int lo, int hi, int *out)
{
	if (*i >= n || !is_digit(s[*i]))
		return false;
	int v = s[(*i)++] - '0';
	if (*i < n && is_digit(s[*i]))
		v = v * 10 + (s[(*i)++] - '0');
	*out = v;
	return v >= lo && v <= hi;
}

static bool ts_time(const char *s, size_t n, size_t *i)
{
	int h, m, sec;
	if (!ts_num(s, n, i, 0, 23, &h) || *i >= n || s[(*i)++] != ':' ||
	    !ts_num(s, n, i, 0, 59, &m) || *i >= n || s[(*i)++] != ':' ||
	    !ts_num(s, n, i, 0, 59, &sec))
		return false;
	if (*i < n && (s[*i] == '.' || s[*i] == ',') && *i + 1 < n && is_digit(s[*i + 1]))
		for ((*i)++; *i < n && is_digit(s[*i]);)
			(*i)++;
	return true;
}

/* yaml.v2's parseTimestamp: "2006-1-2", "2006-1-2 15:4:5.9", "2006-1-2T15:4:5.9Z07:00". */
static bool is_timestamp(const char *s, size_t n)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	size_t i = 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i != 4 || i == n || s[i] != '-')
		return false;
	int year = atoi(s), mon, day;
	i++;
	if (!ts_num(s, n, &i, 1, 12, &mon) || i >= n || s[i++] != '-' ||
	    !ts_num(s, n, &i, 1, 31, &day))
		return false;
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day > mdays[mon - 1] || (mon == 2 && day == 29 && !leap))
		return false;
	if (i == n)
		return true;
	char sep = s[i++];
	if (sep == ' ') {
		while (i < n && s[i] == ' ') /* a layout space matches a run of spaces */
			i++;
		return ts_time(s, n, &i) && i == n;
	}
	if ((sep != 'T' && sep != 't') || !ts_time(s, n, &i) || i >= n)
		return false;
	if (s[i] == 'Z')
		return i + 1 == n;
	int hh, mm;
	if (s[i] != '+' && s[i] != '-')
		return false;
	i++;
	if (i + 5 != n || !is_digit(s[i]) || !is_digit(s[i + 1]) || s[i + 2] != ':' ||
	    !is_digit(s[i + 3]) || !is_digit(s[i + 4]))
		return false;
	hh = (s[i] - '0') * 10 + s[i + 1] - '0';
	mm = (s[i + 3] - '0') * 10 + s[i + 4] - '0';
	return hh < 24 && mm < 60;
}

/* Go's strconv.ParseUint(s, 0, 64) on an unsigned digit string; returns 0 ok, 1 syntax, 2 range. */
static int parse_uint(const char *s, uint64_t *out, int *basep)
{
	int base = 10;
	if (s[0] == '0' && s[1]) {
		char c = s[1] | 0x20;
		base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 8;
		s += c == 'x' || c == 'o' || c == 'b' ? 2 : 1;
		if (!*s)
			return 1;
	}
	if (!*s)
		return 1;
	*basep = base;
	uint64_t v = 0;
	bool range = false;
	for (; *s; s++) {
		int d = is_digit(*s)				   ? *s - '0'
			: (*s | 0x20) >= 'a' && (*s | 0x20) <= 'z' ? (*s | 0x20) - 'a' + 10
								   : 99;
		if (d >= base)
			return 1;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			range = true;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return range ? 2 : 0;
}

static bool float_syntax(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	const char *d = s;
	if (*s == '.') {
		s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	} else {
		while (is_digit(*s))
			s++;
		if (s == d)
			return false;
		if (*s == '.')
			for (s++; is_digit(*s);)
				s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == 0;
}

/* Go's ParseFloat on a yamlStyleFloat text: fails on overflow. */
static bool parse_float(const char *s, double *out)
{
	double f = strtod(s, NULL);
	if (isinf(f))
		return false;
	*out = f;
	return true;
}

/* ParseInt(plain, 0, 64) then ParseUint, as yaml.v2 tries them; 0 ok, 1 syntax, 2 range. */
static int resolve_int(const char *plain, resolved *r, int *base)
{
	const char *d = plain[0] == '-' || plain[0] == '+' ? plain + 1 : plain;
	uint64_t u;
	int rc = parse_uint(d, &u, base);
	if (rc)
		return rc;
	if (plain[0] == '-' ? u <= (uint64_t)INT64_MAX + 1 : u <= (uint64_t)INT64_MAX) {
		r->tag = R_INT;
		r->i = plain[0] == '-' ? (int64_t)(0 - u) : (int64_t)u;
		r->f = plain[0] == '-' && u ? -(double)u : (double)u; /* -0 is the int 0 */
		return 0;
	}
	if (plain[0] != '-' && plain[0] != '+') {
		r->tag = R_UINT;
		r->u = u;
		r->f = (double)u;
		return 0;
	}
	return plain[0] == '+' ? 1 : 2;
}

static void resolve_number(arena *a, const char *in, size_t n, resolved *r)
{
	char *plain = arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (in[i] != '_')
			plain[k++] = in[i];
	plain[k] = 0;
	int base = 10;
	if (resolve_int(plain, r, &base) == 0)
		return;
	if (float_syntax(plain) && parse_float(plain, &r->f)) {
		r->tag = R_FLOAT;
		return;
	}
}

/* Whether a word of letters may be in resolve_map: its lower case is one of the
 * table's words (whose case forms the table then checks). Spares the table's
 * loop for the many short words that are none of them ("name", "kind"). */
static bool maybe_table_word(const char *in, size_t n)
{
	static const char *const lower[] = {"y",   "n",	   "on",   "no",   "yes",
					    "off", "true", "null", "false"};
	char w[6];
	if (n == 0 || n > 5)
		return n == 0;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)(in[i] | 0x20);
	w[n] = 0;
	for (size_t i = 0; i < sizeof lower / sizeof lower[0]; i++)
		if (!strcmp(w, lower[i]))
			return true;
	return false;
}

/* yaml.v2's resolve for an untagged plain scalar. */
static void resolve_plain(arena *a, const char *in, size_t n, resolved *r)
{
	*r = (resolved){.tag = R_STR};
	unsigned char h = n ? (unsigned char)in[0] : 'N';
	bool map_hint = strchr("yYnNtTfFoO~", h) && h;
	if (!(map_hint || h == '.' || h == '+' || h == '-' || is_digit((char)h) || n == 0))
		return;
	/* the table's words start with one of these; most plain scalars do not */
	bool maybe_word = n <= 5 && (n == 0 || strchr("yYnNtTfFoO~.+-<", h));
	if (maybe_word && n && ((h | 0x20) >= 'a' && (h | 0x20) <= 'z'))
		maybe_word = maybe_table_word(in, n);
	for (size_t i = 0; maybe_word && i < sizeof resolve_map / sizeof resolve_map[0]; i++) {
		if (resolve_map[i].len != n || (n && resolve_map[i].word[0] != in[0]) ||
		    memcmp(resolve_map[i].word, in, n))
			continue;
		r->tag = resolve_map[i].tag;
		r->b = resolve_map[i].v == 1;
		r->f = resolve_map[i].v ? resolve_map[i].v * INFINITY : NAN;
		return;
	}
	if (map_hint || n == 0)
		return;
	if (memchr(in, 0, n))
		return;
	if (h == '.') {
		char *s = arena_strndup(a, in, n);
		if (float_syntax(s) && parse_float(s, &r->f))
			r->tag = R_FLOAT;
		return;
	}
	if (is_digit((char)h) && is_timestamp(in, n)) {
		r->tag = R_TIMESTAMP;
		return;
	}
	resolve_number(a, in, n, r);
}

char yaml_plain_class(arena *a, const char *s, size_t n)
{
	unsigned char h = n ? (unsigned char)s[0] : 0;
	if (h && !strchr("yYnNtTfFoO~.+-0123456789", h))
		return 's'; /* resolve_plain's own first test, without the call */
	if (n > 5 && ((h | 0x20) >= 'a' && (h | 0x20) <= 'z'))
		return 's'; /* no word of the table is longer, no number starts with a letter */
	resolved r;
	resolve_plain(a, s, n, &r);
	if (r.tag == R_STR)
		return 's';
	if (r.tag == R_FLOAT && !isfinite(r.f))
		return 'f';
	return r.tag == R_MERGE ? 'm' : 'o';
}

/* ---- decoding (yaml.v2's decoder, then sigs.k8s.io/yaml's JSON view) ---- */

typedef struct dctx {
	arena *a;
	const char *err;      /* a yaml.v2 decode error: stops decoding */
	const char *conv_err; /* the first key conversion error (reported after decoding) */
	const char *json_err; /* the first NaN/Inf (json.Marshal fails last) */
	long decode_count, alias_count, alias_depth;
} dctx;

static value dec_node(dctx *c, ynode *n);

/* Gives maps the Go type yaml.v2 decodes them to, for error messages. */
static void yaml_v2_types(value v, int depth)
{
	if (depth > 100)
		return;
	if (v.kind == V_MAP) {
		v.u.m->gotype = "map[interface {}]interface {}";
		for (uint32_t i = 0; i < v.u.m->len; i++)
			yaml_v2_types(v.u.m->e[i].val, depth + 1);
	} else if (v.kind == V_LIST) {
		for (uint32_t i = 0; i < v.u.l->len; i++)
			yaml_v2_types(v.u.l->items[i], depth + 1);
	}
}

/* Go's base64.StdEncoding.DecodeString (yaml.v2 ignores line breaks first); false when invalid. */
static bool base64_decode(arena *a, const char *s, size_t n, value *out)
{
	static const char alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *buf = arena_alloc(a, n + 1);
	size_t o = 0, k = 0, pad = 0;
	uint32_t acc = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r')
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		const char *p = s[i] ? strchr(alpha, s[i]) : NULL;
		if (!p || pad)
			return false;
		acc = (acc << 6) | (uint32_t)(p - alpha);
		if (++k % 4 == 0) {
			buf[o++] = (char)(acc >> 16), buf[o++] = (char)(acc >> 8),
			buf[o++] = (char)acc;
			acc = 0;
		}
	}
	if ((k + pad) % 4 || (k % 4 == 1) || pad > 2 || (pad && (k + pad) % 4))
		return false;
	if (k % 4 == 2)
		buf[o++] = (char)(acc >> 4);
	else if (k % 4 == 3)
		buf[o++] = (char)(acc >> 10), buf[o++] = (char)(acc >> 2);
	*out = v_str(a, buf, o);
	return true;
}

static const char *short_tag(arena *a, const char *tag)
{
	if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)))
		return tag;
	return arena_sprintf(a, "!!%s", tag + strlen(TAG_PREFIX));
}

static const char *rtag_name(enum rtag t)
{
	static const char *const names[] = {"str", "null",  "bool",	 "int",
					    "int", "float", "timestamp", "merge"};
	return names[t];
}

static value resolved_value(dctx *c, ynode *n, const resolved *r)
{
	switch (r->tag) {
	case R_NULL:
		return v_nil();
	case R_BOOL:
		return v_bool(r->b);
	case R_INT:
	case R_UINT:
	case R_FLOAT:
		if (!c->json_err && (isnan(r->f) || isinf(r->f)))
			c->json_err = isnan(r->f) ? "json: unsupported value: NaN"
				      : r->f > 0  ? "json: unsupported value: +Inf"
						  : "json: unsupported value: -Inf";
		return v_float(r->f);
	default:
		return v_str(c->a, n->val, n->len);
	}
}

/* Resolves a scalar node with its tag as yaml.v2's d.scalar does. */
static void dec_resolve(dctx *c, ynode *n, resolved *r)
{
	*r = (resolved){.tag = R_STR};
	const char *tag = n->tag;
	if (tag && !strcmp(tag, "!"))
		tag = NULL, n->plain = false;
	if (!tag) {
		if (n->plain)
			resolve_plain(c->a, n->val, n->len, r);
		return;
	}
	static const char *const resolvable[] = {"str",	  "bool", "int",
						 "float", "null", "timestamp"};
	const char *st = short_tag(c->a, tag);
	bool ok = false;
	for (size_t i = 0; i < 6; i++)
		ok |= st[0] == '!' && st[1] == '!' && !strcmp(st + 2, resolvable[i]);
	if (!ok || !strcmp(st, "!!str"))
		return;
	resolve_plain(c->a, n->val, n->len, r);
	const char *want = st + 2;
	if (!strcmp(want, rtag_name(r->tag)) || (!strcmp(want, "float") && r->tag == R_INT))
		return;
	if (r->tag == R_MERGE && !strcmp(want, "merge"))
		return;
	c->err = arena_sprintf(c->a, "yaml: cannot decode !!%s `%s` as a %s", rtag_name(r->tag),
			       n->val, st);
}

static value dec_scalar(dctx *c, ynode *n)
{
	resolved r;
	value v;
	if (n->tag && !strcmp(n->tag, TAG_PREFIX "binary")) {
		if (base64_decode(c->a, n->val, n->len, &v))
			return v;
		c->err = "yaml: !!binary value contains invalid base64 data";
		return v_nil();
	}
	dec_resolve(c, n, &r);
	return resolved_value(c, n, &r);
}

/* Go's strconv.FormatFloat(f, 'g', -1, 32), as sigs.k8s.io/yaml writes float keys. */
static const char *float32_key(arena *a, double f)
{
	if (isnan(f))
		return ".nan";
	if (isinf(f))
		return f > 0 ? ".inf" : "-.inf";
	float x = (float)f;
	char buf[64];
	int p = 1;
	for (; p < 10; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, (double)x);
		if (strtof(buf, NULL) == x)
			break;
	}
	double rounded = strtod(buf, NULL);
	strbuf b;
	sb_init(&b, a);
	go_format_float(&b, rounded, 'g', -1);
	return sb_str(&b);
}

/* sigs.k8s.io/yaml's error for a key JSON cannot have (nil, uint64, big.Int). */
static void key_error(dctx *c, const char *type, const char *key, value v)
{
	if (c->conv_err)
		return;
	value args[] = {v_cstr(c->a, key), v};
	strbuf b;
	sb_init(&b, c->a);
	sb_addf(&b, "unsupported map key of type: %s, key: ", type);
	static const char f[] = "%s, value: %+#v";
	go_sprintf(&b, f, sizeof f - 1, args, 2);
	c->conv_err = sb_str(&b);
}

typedef struct ykey {
	const char *s;	   /* the JSON key */
	const char *type;  /* set when convertToJSONableObject refuses the key */
	const char *shown; /* the key as %+#v shows it */
} ykey;

/* The JSON key of a key node, as yaml.v2 decodes it and convertToJSONableObject converts it. */
static ykey dec_key(dctx *c, ynode *k)
{
	ykey y = {0};
	if (k->kind != Y_SEQ && k->kind != Y_MAP) {
		c->decode_count++;
		if (c->alias_depth > 0)
			c->alias_count++;
	}
	if (k->kind == Y_ALIAS) {
		if (k->visiting) {
			c->err =
			    arena_sprintf(c->a, "yaml: anchor '%s' value contains itself", k->val);
			return y;
		}
		k->visiting = true;
		c->alias_depth++;
		y = dec_key(c, k->alias);
		c->alias_depth--;
		k->visiting = false;
		return y;
	}
	if (k->kind != Y_SCALAR) {
		value kv = dec_node(c, k);
		yaml_v2_types(kv, 0);
		strbuf b;
		sb_init(&b, c->a);
		sb_adds(&b, "yaml: invalid map key: ");
		go_sprintf(&b, "%#v", 3, &kv, 1);
		if (!c->err)
			c->err = sb_str(&b);
		return y;
	}
	resolved r;
	dec_resolve(c, k, &r);
	switch (r.tag) {
	case R_NULL:
		return (ykey){"null", "%!s(<nil>)", "<nil>"};
	case R_BOOL:
		return (ykey){r.b ? "true" : "false", NULL, NULL};
	case R_INT:
		return (ykey){arena_sprintf(c->a, "%lld", (long long)r.i), NULL, NULL};
	case R_UINT:
		return (ykey){arena_sprintf(c->a, "%llu", (unsigned long long)r.u), "uint64",
			      arena_sprintf(c->a, "0x%llx", (unsigned long long)r.u)};
	case R_FLOAT:
		return (ykey){float32_key(c->a, r.f), NULL, NULL};
	default:
		return (ykey){k->val, NULL, NULL};
	}
}

static bool is_merge(const ynode *k)
{
	return k->kind == Y_SCALAR && k->len == 2 && !memcmp(k->val, "<<", 2) &&
	       (k->plain || (k->tag && !strcmp(k->tag, TAG_PREFIX "merge")));
}

static void dec_map_into(dctx *c, ynode *n, vmap *m);

static const ynode *unalias(const ynode *n)
{
	return n->kind == Y_ALIAS ? n->alias : n;
}

static void dec_merge(dctx *c, ynode *v, vmap *m)
{
	static const char want_map[] =
	    "yaml: map merge requires map or sequence of maps as the value";
	if (v->kind == Y_MAP || (v->kind == Y_ALIAS && unalias(v)->kind == Y_MAP)) {
		value x = dec_node(c, v);
		for (uint32_t i = 0; x.kind == V_MAP && i < x.u.m->len; i++)
			map_set(c->a, m, x.u.m->e[i].key, x.u.m->e[i].klen, x.u.m->e[i].val);
		return;
	}
	if (v->kind != Y_SEQ) {
		c->err = want_map;
		return;
	}
	for (uint32_t i = v->n; i-- > 0 && !c->err;) {
		if (unalias(v->kids[i])->kind != Y_MAP) {
			c->err = want_map;
			return;
		}
		dec_merge(c, v->kids[i], m);
	}
}

/* ---- %+#v of what yaml.v2 decodes, for sigs.k8s.io/yaml's key errors ---- */

typedef struct rawkey {
	ynode *k, *v;
	resolved r;
	int rank; /* fmt's map key order: nil, string, uint64, int, float64, bool */
} rawkey;

static int rawkey_cmp(const void *pa, const void *pb)
{
	const rawkey *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	switch (a->r.tag) {
	case R_UINT:
		return a->r.u < b->r.u ? -1 : a->r.u > b->r.u;
	case R_INT:
		return a->r.i < b->r.i ? -1 : a->r.i > b->r.i;
	case R_FLOAT:
		return a->r.f < b->r.f ? -1 : a->r.f > b->r.f;
	case R_BOOL:
		return (int)a->r.b - (int)b->r.b;
	case R_NULL:
		return 0;
	default: {
		size_t n = a->k->len < b->k->len ? a->k->len : b->k->len;
		int d = memcmp(a->k->val, b->k->val, n);
		return d ? d : (a->k->len > b->k->len) - (a->k->len < b->k->len);
	}
	}
}

static bool raw_print(dctx *c, strbuf *b, ynode *n, int depth);

static bool raw_scalar_print(dctx *c, strbuf *b, ynode *n, const resolved *r)
{
	switch (r->tag) {
	case R_NULL:
		sb_adds(b, "interface {}(nil)");
		break;
	case R_BOOL:
		sb_adds(b, r->b ? "true" : "false");
		break;
	case R_INT:
		sb_addf(b, "%lld", (long long)r->i);
		break;
	case R_UINT:
		sb_addf(b, "0x%llx", (unsigned long long)r->u);
		break;
	case R_FLOAT:
		go_format_float(b, r->f, 'g', -1);
		break;
	default:
		if (n->tag && !strcmp(n->tag, TAG_PREFIX "binary"))
			return false;
		go_quote(b, n->val, n->len);
	}
	(void)c;
	return true;
}

static bool raw_map(dctx *c, strbuf *b, ynode *n, int depth)
{
	rawkey *keys = arena_alloc(c->a, (n->n / 2 + 1) * sizeof *keys);
	size_t nk = 0;
	for (uint32_t i = 0; i + 1 < n->n; i += 2) {
		ynode *k = (ynode *)unalias(n->kids[i]);
		if (k->kind != Y_SCALAR || is_merge(k))
			return false;
		rawkey e = {.k = k, .v = n->kids[i + 1]};
		dec_resolve(c, k, &e.r);
		static const int rank[] = {
		    [R_STR] = 1,  [R_NULL] = 0,	 [R_BOOL] = 5,	    [R_INT] = 3,
		    [R_UINT] = 2, [R_FLOAT] = 4, [R_TIMESTAMP] = 1, [R_MERGE] = 1};
		e.rank = rank[e.r.tag];
		size_t j = 0;
		while (j < nk && rawkey_cmp(&keys[j], &e) != 0)
			j++;
		keys[j] = e; /* a duplicate key keeps its last value */
		nk += j == nk;
	}
	qsort(keys, nk, sizeof *keys, rawkey_cmp);
	sb_adds(b, "map[interface {}]interface {}{");
	for (size_t i = 0; i < nk; i++) {
		if (i)
			sb_adds(b, ", ");
		if (!raw_scalar_print(c, b, keys[i].k, &keys[i].r))
			return false;
		sb_addc(b, ':');
		if (!raw_print(c, b, keys[i].v, depth + 1))
			return false;
	}
	sb_addc(b, '}');
	return true;
}

static bool raw_print(dctx *c, strbuf *b, ynode *n, int depth)
{
	n = (ynode *)unalias(n);
	if (depth > 100 || n->kind == Y_ALIAS)
		return false;
	if (n->kind == Y_MAP)
		return raw_map(c, b, n, depth);
	if (n->kind == Y_SEQ) {
		sb_adds(b, "[]interface {}{");
		for (uint32_t i = 0; i < n->n; i++) {
			if (i)
				sb_adds(b, ", ");
			if (!raw_print(c, b, n->kids[i], depth + 1))
				return false;
		}
		sb_addc(b, '}');
		return true;
	}
	resolved r;
	dec_resolve(c, n, &r);
	return raw_scalar_print(c, b, n, &r);
}

/* A scalar as yaml.v2 decodes it (ints stay ints), for error messages. */
static value raw_scalar(dctx *c, ynode *n, value v)
{
	n = (ynode *)unalias(n);
	if (n->kind != Y_SCALAR || (n->tag && !strcmp(n->tag, TAG_PREFIX "binary")))
		return v;
	resolved r;
	dec_resolve(c, n, &r);
	return r.tag == R_INT ? v_int(r.i) : v;
}

static void dec_map_into(dctx *c, ynode *n, vmap *m)
{
	for (uint32_t i = 0; i + 1 < n->n && !c->err; i += 2) {
		if (is_merge(n->kids[i])) {
			dec_merge(c, n->kids[i + 1], m);
			continue;
		}
		ykey k = dec_key(c, n->kids[i]);
		if (c->err || !k.s)
			return;
		const char *before = c->conv_err;
		value v = dec_node(c, n->kids[i + 1]);
		/* Go checks a key before its value, and a duplicate key reports its last value */
		if (k.type && (!before || map_get(m, k.s, strlen(k.s)))) {
			c->conv_err = NULL;
			key_error(c, k.type, k.shown, raw_scalar(c, n->kids[i + 1], v));
			strbuf raw;
			sb_init(&raw, c->a);
			ynode *vn = (ynode *)unalias(n->kids[i + 1]);
			if ((vn->kind == Y_MAP || vn->kind == Y_SEQ) && raw_print(c, &raw, vn, 0))
				c->conv_err = arena_sprintf(
				    c->a, "unsupported map key of type: %s, key: %s, value: %s",
				    k.type, k.shown, sb_str(&raw));
		}
		map_set(c->a, m, k.s, strlen(k.s), v);
	}
}

static double allowed_alias_ratio(long count)
{
	if (count <= 400000)
		return 0.99;
	if (count >= 4000000)
		return 0.10;
	return 0.99 - 0.89 * ((double)(count - 400000) / 3600000.0);
}

static value dec_alias(dctx *c, ynode *n)
{
	if (n->visiting) {
		c->err = arena_sprintf(c->a, "yaml: anchor '%s' value contains itself", n->val);
		return v_nil();
	}
	n->visiting = true;
	c->alias_depth++;
	value v = dec_node(c, n->alias);
	c->alias_depth--;
	n->visiting = false;
	return v;
}

static value dec_node(dctx *c, ynode *n)
{
	c->decode_count++;
	if (c->alias_depth > 0)
		c->alias_count++;
	if (c->alias_count > 100 && c->decode_count > 1000 &&
	    (double)c->alias_count / (double)c->decode_count > allowed_alias_ratio(c->decode_count))
		c->err = "yaml: document contains excessive aliasing";
	if (c->err)
		return v_nil();
	switch (n->kind) {
	case Y_SCALAR:
		return dec_scalar(c, n);
	case Y_ALIAS:
		return dec_alias(c, n);
	case Y_SEQ: {
		value l = v_list_new(c->a, n->n);
		for (uint32_t i = 0; i < n->n && !c->err; i++)
			list_push(c->a, l.u.l, dec_node(c, n->kids[i]));
		return l;
	}
	case Y_MAP: {
		value m = v_map_new(c->a);
		dec_map_into(c, n, m.u.m);
		return m;
	}
	}
	return v_nil();
}

/* json.Marshal's error for the first NaN or Inf it meets in v (maps in key order), or
 * NULL: values a duplicate key replaced do not count. */
static const char *json_nonfinite(value v, int depth)
{
	if (depth > 10000)
		return NULL;
	if (v.kind == V_FLOAT && (isnan(v.u.f) || isinf(v.u.f)))
		return isnan(v.u.f) ? "json: unsupported value: NaN"
		       : v.u.f > 0  ? "json: unsupported value: +Inf"
				    : "json: unsupported value: -Inf";
	const char *e = NULL;
	for (uint32_t i = 0; v.kind == V_LIST && !e && i < v.u.l->len; i++)
		e = json_nonfinite(v.u.l->items[i], depth + 1);
	for (uint32_t i = 0; v.kind == V_MAP && !e && i < v.u.m->len; i++)
		e = json_nonfinite(v.u.m->e[i].val, depth + 1);
	return e;
}

int yaml_load(arena *a, const char *text, size_t len, value *out, const char **err)
{
	ynode *root = NULL;
	const char *e = NULL;
	int fast = yaml_fast_tree(a, text, len, &root);
	if ((fast || yaml_libyaml_tree(a, text, len, &root, &e) == 0) && root) {
		dctx c = {.a = a};
		c.decode_count = 1; /* the document node */
		*out = dec_node(&c, root);
		if (c.json_err)
			c.json_err = json_nonfinite(*out, 0);
		e = c.err ? c.err : c.conv_err ? c.conv_err : c.json_err;
	} else if (!e) {
		*out = v_nil();
	}
	if (e) {
		*err = arena_sprintf(a, "error converting YAML to JSON: %s", e);
		return -1;
	}
	return 0;
}

int yaml_load_map(arena *a, const char *text, size_t len, value *out, const char **err)
{
	if (yaml_load(a, text, len, out, err))
		return -1;
	static const char *const kinds[] = {
	    [V_BOOL] = "bool",	  [V_INT] = "number",	 [V_INT64] = "number",
	    [V_FLOAT] = "number", [V_STRING] = "string", [V_LIST] = "array"};
	if (out->kind == V_NIL) {
		*out = v_map_new(a);
	} else if (out->kind != V_MAP) {
		*err = arena_sprintf(a,
				     "error unmarshaling JSON: while decoding JSON: json: cannot "
				     "unmarshal %s into Go "
				     "value of type map[string]interface {}",
				     out->kind < V_MAP ? kinds[out->kind] : "object");
		return -1;
	}
	return 0;
}

/* ---- emitting (sigs.k8s.io/yaml.Marshal: JSON, then yaml.v2) ---- */

typedef struct yemit {
	yaml_emitter_t em;
	arena *a;
	const char **err;
	bool via_json; /* toYaml: strings pass through encoding/json and yaml.v2's reader */
	bool ubreak;   /* a plain-style string ended with U+2028, U+2029 or U+0085 */
} yemit;

static int write_out(void *data, unsigned char *buf, size_t size)
{
	sb_add(data, (const char *)buf, size);
	return 1;
}

static int emit_event(yemit *y, yaml_event_t *e)
{
	if (yaml_emitter_emit(&y->em, e))
		return 0;
	*y->err =
	    arena_sprintf(y->a, "yaml: %s", y->em.problem ? y->em.problem : "emitter failure");
	return -1;
}

static int emit_scalar(yemit *y, const char *s, size_t n, yaml_scalar_style_t style)
{
	yaml_event_t e;
	yaml_scalar_event_initialize(&e, NULL, NULL, (yaml_char_t *)s, (int)n, 1, 1, style);
	return emit_event(y, &e);
}

/* yaml.v2's isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i >= n || !is_digit(s[i]))
		return false;
	while (i < n && (is_digit(s[i]) || s[i] == '_'))
		i++;
	int groups = 0;
	while (i < n && s[i] == ':') {
		i++;
		size_t d = 0;
		while (i + d < n && is_digit(s[i + d]) && d < 2)
			d++;
		if (d == 0 || (d == 2 && s[i] > '5'))
			return false;
		i += d;
		groups++;
	}
	if (!groups)
		return false;
	if (i < n && s[i] == '.')
		for (i++; i < n && (is_digit(s[i]) || s[i] == '_');)
			i++;
	return i == n;
}

/* Go's json.Marshal replaces invalid UTF-8 with U+FFFD; returns s itself when valid. */
static const char *valid_utf8(arena *a, const char *s, size_t n, size_t *outn)
{
	size_t ascii = 0;
	while (ascii < n && (unsigned char)s[ascii] < 0x80)
		ascii++;
	if (ascii == n) { /* the common case: nothing to check or copy */
		*outn = n;
		return s;
	}
	strbuf q;
	sb_init(&q, a);
	bool bad = false;
	sb_add(&q, s, ascii);
	for (size_t i = ascii; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t w = c < 0x80		? 1
			   : (c & 0xE0) == 0xC0 ? 2
			   : (c & 0xF0) == 0xE0 ? 3
			   : (c & 0xF8) == 0xF0 ? 4
						: 0;
		uint32_t r = w == 2 ? c & 0x1F : w == 3 ? c & 0x0F : c & 0x07;
		bool ok = w > 0 && i + w <= n;
		for (size_t k = 1; ok && k < w; k++) {
			ok = ((unsigned char)s[i + k] & 0xC0) == 0x80;
			r = (r << 6) | ((unsigned char)s[i + k] & 0x3F);
		}
		if (ok && w > 1)
			ok = r >= (w == 2   ? 0x80u
				   : w == 3 ? 0x800u
					    : 0x10000u) &&
			     r <= 0x10FFFF && (r < 0xD800 || r > 0xDFFF);
		if (!ok) {
			sb_adds(&q, "\xEF\xBF\xBD");
			bad = true;
			i++;
		} else {
			sb_add(&q, s + i, w);
			i += w;
		}
	}
	if (!bad) {
		*outn = n;
		return s;
	}
	*outn = q.len;
	return sb_str(&q);
}

/* yaml.v2's reader refuses these runes, which encoding/json writes raw. */
static bool json_yaml_refused(uint32_t r)
{
	return r == 0x7F || (r >= 0x80 && r <= 0x9F && r != 0x85) || r == 0xFFFE || r == 0xFFFF;
}

/* The string yaml.v2 reads back from the JSON of s: a raw NEL (U+0085) is a line break
 * inside the double-quoted scalar, folded with the raw spaces around it as the
 * scanner does. Keys cannot span lines: -1. Other refused runes: -1. */
static int json_yaml_trip(yemit *y, const char *s, size_t n, bool key, const char **out,
			  size_t *outn)
{
	bool nel = false;
	size_t i0 = 0;
	while (i0 < n && (unsigned char)s[i0] < 0x7F)
		i0++;		      /* plain ASCII below DEL is never refused */
	for (size_t i = i0; i < n;) { /* s is valid UTF-8 here */
		unsigned char c = (unsigned char)s[i];
		size_t w = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
		uint32_t r = w == 1 ? c : w == 2 ? c & 0x1Fu : w == 3 ? c & 0x0Fu : c & 0x07u;
		for (size_t k = 1; k < w && i + k < n; k++)
			r = (r << 6) | ((unsigned char)s[i + k] & 0x3Fu);
		if (r == 0x85)
			nel = true;
		else if (json_yaml_refused(r))
			goto refused;
		i += w;
	}
	*out = s;
	*outn = n;
	if (!nel)
		return 0;
	if (key)
		goto refused;
	strbuf b;
	sb_init(&b, y->a);
	for (size_t i = 0; i < n;) {
		while (
		    i < n && s[i] != ' ' &&
		    !((unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85))
			sb_add(&b, s + i++, 1);
		size_t spaces = 0, breaks = 0;
		while (i < n) {
			if (s[i] == ' ') {
				if (!breaks)
					spaces++;
				i++;
			} else if ((unsigned char)s[i] == 0xC2 && i + 1 < n &&
				   (unsigned char)s[i + 1] == 0x85) {
				breaks++;
				i += 2;
			} else {
				break;
			}
		}
		if (breaks == 1)
			sb_add(&b, " ", 1);
		for (size_t k = 1; k < breaks; k++)
			sb_add(&b, "\n", 1);
		for (size_t k = 0; !breaks && k < spaces; k++)
			sb_add(&b, " ", 1);
	}
	*out = b.buf ? b.buf : "";
	*outn = b.len;
	return 0;
refused:
	*y->err = "yaml: control characters are not allowed";
	return -1;
}

/* The length of the Unicode line break (U+2028, U+2029, U+0085) ending at s[end], or 0. */
static size_t ubreak_len(const char *s, size_t n, size_t end)
{
	(void)n;
	if (end >= 3 && !memcmp(s + end - 3, "\xE2\x80", 2) &&
	    ((unsigned char)s[end - 1] == 0xA8 || (unsigned char)s[end - 1] == 0xA9))
		return 3;
	return end >= 2 && !memcmp(s + end - 2, "\xC2\x85", 2) ? 2 : 0;
}

/* libyaml indents before the closing quote of a single-quoted scalar that ends with a
 * line break; yaml.v2 and yaml.v3 do not: drops the spaces between such a break and a
 * quote that ends its line. */
static void drop_break_indent(strbuf *b, size_t start)
{
	size_t o = start;
	for (size_t i = start; i < b->len; i++) {
		size_t k = o - start;
		if (b->buf[i] == ' ' && k > 0 && ubreak_len(b->buf + start, k, k)) {
			size_t j = i;
			while (j < b->len && b->buf[j] == ' ')
				j++;
			if (j < b->len && b->buf[j] == '\'' &&
			    (j + 1 == b->len || b->buf[j + 1] == '\n')) {
				i = j - 1;
				continue;
			}
		}
		b->buf[o++] = b->buf[i];
	}
	b->len = o;
}

bool yaml_plain_string(arena *a, const char *s, size_t n)
{
	resolved r;
	resolve_plain(a, s, n, &r);
	return r.tag == R_STR && !is_base60_float(s, n);
}

static int emit_string(yemit *y, const char *s, size_t n, bool key)
{
	s = valid_utf8(y->a, s, n, &n);
	if (y->via_json && json_yaml_trip(y, s, n, key, &s, &n))
		return -1;
	bool plain = yaml_plain_string(y->a, s, n);
	yaml_scalar_style_t style = memchr(s, '\n', n) ? YAML_LITERAL_SCALAR_STYLE
				    : plain	       ? YAML_PLAIN_SCALAR_STYLE
						       : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	if (style == YAML_PLAIN_SCALAR_STYLE && ubreak_len(s, n, n))
		y->ubreak = true;
	return emit_scalar(y, s, n, style);
}

const char *yaml_int_text(char buf[24], int64_t i)
{
	char *p = buf + 24;
	uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (i < 0)
		*--p = '-';
	return p;
}

/* Appends the decimal digits of i. */
static void add_int(strbuf *b, int64_t i)
{
	char d[24];
	const char *p = yaml_int_text(d, i);
	sb_add(b, p, (size_t)(d + sizeof d - p));
}

void yaml_float_text(arena *a, strbuf *b, double f)
{
	double abs = fabs(f);
	if (abs < 9007199254740992.0 && f == floor(f)) {
		add_int(b, (int64_t)f); /* below 2^53 the 'f' form below is this integer */
		return;
	}
	if (abs < 1e21 && f == floor(f)) {
		size_t at = b->len;
		go_format_float(b, f, 'f', -1);
		resolved r;
		resolve_plain(a, b->buf + at, b->len - at, &r);
		if (r.tag == R_INT || r.tag == R_UINT) {
			b->len = at;
			if (r.tag == R_INT)
				add_int(b, r.i);
			else
				sb_addf(b, "%llu", (unsigned long long)r.u);
			return;
		}
		b->len = at;
	}
	go_format_float(b, f, 'g', -1);
}

/* A float64 as JSON writes it and yaml.v2 reads that back and prints it. */
static int emit_float(yemit *y, double f)
{
	if (isnan(f) || isinf(f)) {
		*y->err = isnan(f) ? "json: unsupported value: NaN"
			  : f > 0  ? "json: unsupported value: +Inf"
				   : "json: unsupported value: -Inf";
		return -1;
	}
	strbuf b;
	sb_init(&b, y->a);
	yaml_float_text(y->a, &b, f);
	return emit_scalar(y, b.buf, b.len, YAML_PLAIN_SCALAR_STYLE);
}

static bool is_letter(int32_t r)
{
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == 0xAA || r == 0xB5 ||
	       r == 0xBA ||
	       (r >= 0xC0 && r != 0xD7 && r != 0xF7 && !(r >= 0x2000 && r <= 0x2BFF) &&
		!(r >= 0x3000 && r <= 0x303F));
}

/* Decodes s into runes (invalid bytes as U+FFFD); returns the count. */
static size_t to_runes(arena *a, const char *s, size_t n, int32_t **out)
{
	int32_t *r = arena_alloc(a, (n + 1) * sizeof(int32_t));
	size_t k = 0;
	for (size_t i = 0; i < n; k++) {
		unsigned char c = (unsigned char)s[i];
		size_t w = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
		if (i + w > n)
			w = 1;
		int32_t v = w == 1 ? c : w == 2 ? c & 0x1F : w == 3 ? c & 0x0F : c & 0x07;
		for (size_t j = 1; j < w; j++)
			v = (v << 6) | ((unsigned char)s[i + j] & 0x3F);
		r[k] = v;
		i += w;
	}
	*out = r;
	return k;
}

/* A key as keyList.Less reads it: its runes, or for an ASCII key (the usual
 * case) its bytes, which are its runes, so no rune array is made. */
typedef struct kview {
	const ventry *e;
	int32_t *r; /* NULL: read the key's bytes */
	size_t n;   /* runes */
} kview;

static inline int32_t kat(const kview *k, size_t i)
{
	return k->r ? k->r[i] : (unsigned char)k->e->key[i];
}

/* yaml.v2's keyList.Less for two string keys: letters, then digit runs compared as numbers. */
static bool key_less(const kview *a, const kview *b)
{
	size_t an = a->n, bn = b->n;
	for (size_t i = 0; i < an && i < bn; i++) {
		int32_t ac = kat(a, i), bc = kat(b, i);
		if (ac == bc)
			continue;
		bool al = is_letter(ac), bl = is_letter(bc);
		if (al && bl)
			return ac < bc;
		if (al || bl)
			return bl;
		uint64_t av = 0, bv = 0; /* Go's int64 arithmetic wraps */
		if (ac == '0' || bc == '0') {
			for (size_t j = i; j-- > 0 && kat(a, j) >= '0' && kat(a, j) <= '9';) {
				if (kat(a, j) != '0') {
					av = bv = 1;
					break;
				}
			}
		}
		size_t ai = i, bi = i;
		for (; ai < an && kat(a, ai) >= '0' && kat(a, ai) <= '9'; ai++)
			av = av * 10 + (uint64_t)(kat(a, ai) - '0');
		for (; bi < bn && kat(b, bi) >= '0' && kat(b, bi) <= '9'; bi++)
			bv = bv * 10 + (uint64_t)(kat(b, bi) - '0');
		if (av != bv)
			return (int64_t)av < (int64_t)bv;
		if (ai != bi)
			return ai < bi;
		return ac < bc;
	}
	return an < bn;
}

/* Sorts the keys: insertion for small maps (no buffer, few compares on the
 * mostly sorted keys maps hold), a stable merge above. keyList.Less is not a
 * consistent order for some key sets (a1b < a9 < a10 < a100 < a1b); Helm's result
 * for those depends on Go's random map order, so no order matches it always. */
static void sort_keys(kview *k, size_t n, kview *tmp)
{
	if (n <= 12) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && key_less(&k[j], &k[j - 1]); j--) {
				kview t = k[j];
				k[j] = k[j - 1];
				k[j - 1] = t;
			}
		return;
	}
	size_t h = n / 2;
	sort_keys(k, h, tmp);
	sort_keys(k + h, n - h, tmp);
	size_t i = 0, j = h, o = 0;
	while (i < h && j < n)
		tmp[o++] = key_less(&k[j], &k[i]) ? k[j++] : k[i++];
	while (i < h)
		tmp[o++] = k[i++];
	while (j < n)
		tmp[o++] = k[j++];
	memcpy(k, tmp, n * sizeof(*k));
}

void yaml_key_order(arena *a, const vmap *m, const ventry **order)
{
	kview kbuf[16], tbuf[16]; /* small maps sort on the stack */
	size_t n = m->len;
	kview *k = n <= 16 ? kbuf : arena_alloc_raw(a, n * sizeof(*k));
	kview *tmp = n <= 16 ? tbuf : arena_alloc_raw(a, n * sizeof(*k));
	for (size_t i = 0; i < n; i++) {
		const ventry *e = &m->e[i];
		size_t b = 0;
		while (b < e->klen && (unsigned char)e->key[b] < 0x80)
			b++;
		k[i].e = e;
		k[i].r = NULL;
		k[i].n = e->klen;
		if (b < e->klen)
			k[i].n = to_runes(a, e->key, e->klen, &k[i].r);
	}
	sort_keys(k, n, tmp);
	for (size_t i = 0; i < n; i++)
		order[i] = k[i].e;
}

static int emit_node(yemit *y, value v, int depth);

static int emit_map(yemit *y, const vmap *m, int depth)
{
	yaml_event_t e;
	const ventry **order = arena_alloc_raw(y->a, (m->len + 1) * sizeof(*order));
	yaml_key_order(y->a, m, order);
	yaml_mapping_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	if (emit_event(y, &e))
		return -1;
	for (uint32_t i = 0; i < m->len; i++)
		if (emit_string(y, order[i]->key, order[i]->klen, true) ||
		    emit_node(y, order[i]->val, depth + 1))
			return -1;
	yaml_mapping_end_event_initialize(&e);
	return emit_event(y, &e);
}

static int emit_list(yemit *y, const vlist *l, int depth)
{
	yaml_event_t e;
	yaml_sequence_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	if (emit_event(y, &e))
		return -1;
	for (uint32_t i = 0; i < l->len; i++)
		if (emit_node(y, l->items[i], depth + 1))
			return -1;
	yaml_sequence_end_event_initialize(&e);
	return emit_event(y, &e);
}

static int emit_node(yemit *y, value v, int depth)
{
	char buf[32];
	if (depth > 1000) {
		*y->err = arena_sprintf(y->a, "json: unsupported value: encountered a cycle via %s",
					value_gotype(v));
		return -1;
	}
	switch ((enum vkind)v.kind) {
	case V_NIL:
		return emit_scalar(y, "null", 4, YAML_PLAIN_SCALAR_STYLE);
	case V_BOOL:
		return emit_scalar(y, v.u.b ? "true" : "false", v.u.b ? 4 : 5,
				   YAML_PLAIN_SCALAR_STYLE);
	case V_INT:
	case V_INT64:
		snprintf(buf, sizeof buf, "%lld", (long long)v.u.i);
		return emit_scalar(y, buf, strlen(buf), YAML_PLAIN_SCALAR_STYLE);
	case V_FLOAT:
		return emit_float(y, v.u.f);
	case V_STRING:
		return emit_string(y, v.u.s, v.len, false);
	case V_LIST:
		return emit_list(y, v.u.l, depth);
	case V_MAP:
		return emit_map(y, v.u.m, depth);
	case V_OBJ:
		return emit_node(y,
				 v.u.o->cls->to_plain ? v.u.o->cls->to_plain(y->a, v.u.o) : v_nil(),
				 depth + 1);
	}
	return 0;
}

static int emit_doc(yemit *y, value v)
{
	yaml_event_t e;
	yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
	if (emit_event(y, &e))
		return -1;
	yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1);
	if (emit_event(y, &e) || emit_node(y, v, 0))
		return -1;
	yaml_document_end_event_initialize(&e, 1);
	if (emit_event(y, &e))
		return -1;
	yaml_stream_end_event_initialize(&e);
	return emit_event(y, &e);
}

/* libyaml writes straight into out; the fixes below then work on what it wrote. */
int yaml_emit_libyaml(strbuf *out, value v, const char **err)
{
	size_t start = out->len;
	yemit y = {.a = out->a, .err = err, .via_json = true};
	yaml_emitter_initialize(&y.em);
	yaml_emitter_set_output(&y.em, write_out, out);
	yaml_emitter_set_unicode(&y.em, 1);
	yaml_emitter_set_width(&y.em, 80);
	int rc = emit_doc(&y, v);
	yaml_emitter_delete(&y.em);
	if (rc) {
		out->len = start;
		return -1;
	}
	if (y.ubreak)
		drop_break_indent(out, start);
	/* libyaml's end marker after an open-ended scalar; yaml.v2 writes none */
	if (out->len - start >= 5 && !memcmp(out->buf + out->len - 5, "\n...\n", 5))
		out->len -= 4;
	return 0;
}

int yaml_emit(strbuf *out, value v, const char **err)
{
	if (yaml_emit_fast(out, v))
		return 0;
	return yaml_emit_libyaml(out, v, err);
}

/* ---- toYamlPretty: yaml.v3's encoder, indent 2, sequences indented, no folding ----
 * The block structure is laid out here; each scalar is rendered by libyaml in the
 * same context (a map value, a key or a sequence item) and spliced in. */

enum sctx { S_VALUE, S_KEY, S_ITEM };

/* A scalar's text as yaml.v3 would write it in context, continuation lines unindented. */
static int render_scalar(yemit *y, value v, enum sctx ctx, strbuf *out)
{
	strbuf tmp;
	sb_init(&tmp, y->a);
	yemit s = {.a = y->a, .err = y->err};
	yaml_event_t e;
	yaml_emitter_initialize(&s.em);
	yaml_emitter_set_output(&s.em, write_out, &tmp);
	yaml_emitter_set_unicode(&s.em, 1);
	yaml_emitter_set_width(&s.em, -1);
	yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING);
	int rc = emit_event(&s, &e);
	yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1);
	rc = rc ? rc : emit_event(&s, &e);
	if (ctx == S_ITEM)
		yaml_sequence_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	else
		yaml_mapping_start_event_initialize(&e, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	rc = rc ? rc : emit_event(&s, &e);
	if (!rc && ctx == S_VALUE)
		rc = emit_scalar(&s, "k", 1, YAML_PLAIN_SCALAR_STYLE);
	rc = rc ? rc : emit_node(&s, v, 0);
	if (!rc && ctx == S_KEY)
		rc = emit_scalar(&s, "x", 1, YAML_PLAIN_SCALAR_STYLE);
	if (ctx == S_ITEM)
		yaml_sequence_end_event_initialize(&e);
	else
		yaml_mapping_end_event_initialize(&e);
	rc = rc ? rc : emit_event(&s, &e);
	yaml_document_end_event_initialize(&e, 1);
	rc = rc ? rc : emit_event(&s, &e);
	yaml_stream_end_event_initialize(&e);
	rc = rc ? rc : emit_event(&s, &e);
	yaml_emitter_delete(&s.em);
	if (rc)
		return -1;
	if (s.ubreak)
		drop_break_indent(&tmp, 0);
	size_t skip = ctx == S_KEY ? 0 : 2, end = tmp.len;
	if (end >= 5 && !memcmp(tmp.buf + end - 5, "\n...\n", 5))
		end -= 4;
	if (end > skip && tmp.buf[end - 1] == '\n')
		end--;
	if (ctx == S_VALUE)
		skip = 3;
	if (ctx == S_KEY && end >= 3 && !memcmp(tmp.buf + end - 3, ": x", 3))
		end -= 3;
	sb_add(out, tmp.buf + skip, end > skip ? end - skip : 0);
	return 0;
}

static void add_indent(strbuf *out, int n)
{
	for (int i = 0; i < n; i++)
		sb_addc(out, ' ');
}

/* Writes a rendered scalar, indenting its continuation lines by ind. */
static void put_lines(strbuf *out, const strbuf *s, int ind)
{
	for (size_t i = 0; i < s->len; i++) {
		sb_addc(out, s->buf[i]);
		if (s->buf[i] == '\n' && i + 1 < s->len && s->buf[i + 1] != '\n')
			add_indent(out, ind);
	}
}

static int v3_node(yemit *y, strbuf *out, value v, int ind, enum sctx ctx, int depth);

static bool v3_is_block(value v)
{
	return (v.kind == V_MAP && v.u.m->len) || (v.kind == V_LIST && v.u.l->len);
}

/* yaml.v3 allows tabs in a literal block, libyaml does not: a multi-line string with
 * tabs is rendered with a letter it lacks in their place (tabs and letters weigh the
 * same in the style choice), and the tabs are put back if a literal block came out. */
static int v3_tabbed_literal(yemit *y, value v, enum sctx ctx, strbuf *out)
{
	const char *s = v.u.s;
	if (ctx == S_KEY || !memchr(s, '\n', v.len) || !memchr(s, '\t', v.len))
		return 1;
	static const char letters[] = "qzjxkvwyQZJXKVWY";
	const char *l = letters;
	while (*l && memchr(s, *l, v.len))
		l++;
	if (!*l)
		return 1;
	char *t = arena_alloc(y->a, v.len + 1);
	for (uint32_t i = 0; i < v.len; i++)
		t[i] = s[i] == '\t' ? *l : s[i];
	t[v.len] = 0;
	strbuf r;
	sb_init(&r, y->a);
	if (render_scalar(y, v_str(y->a, t, v.len), ctx, &r) || !r.len || r.buf[0] != '|')
		return 1;
	for (size_t i = 0; i < r.len; i++)
		if (r.buf[i] == *l)
			r.buf[i] = '\t';
	sb_add(out, r.buf, r.len);
	return 0;
}

static bool is_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int32_t r;
		int w = go_rune_at(s + i, n - i, &r);
		if (r == 0xFFFD && (w != 3 || memcmp(s + i, "\xEF\xBF\xBD", 3)))
			return false;
		i += (size_t)w;
	}
	return true;
}

/* yaml.v3 writes a string that is not UTF-8 as !!binary base64, in lines of 70
 * characters under a literal block when it takes more than one. */
static void v3_binary(strbuf *s, const char *d, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	strbuf e;
	sb_init(&e, s->a);
	for (size_t j = 0; j < n; j += 3) {
		unsigned x = (unsigned)(unsigned char)d[j] << 16 |
			     (j + 1 < n ? (unsigned)(unsigned char)d[j + 1] << 8 : 0) |
			     (j + 2 < n ? (unsigned char)d[j + 2] : 0);
		sb_addc(&e, b64[x >> 18 & 63]);
		sb_addc(&e, b64[x >> 12 & 63]);
		sb_addc(&e, j + 1 < n ? b64[x >> 6 & 63] : '=');
		sb_addc(&e, j + 2 < n ? b64[x & 63] : '=');
	}
	sb_adds(s, "!!binary ");
	if (e.len < 70) {
		sb_add(s, e.buf, e.len);
		return;
	}
	sb_addc(s, '|');
	for (size_t i = 0; i < e.len; i += 70) {
		sb_adds(s, "\n  ");
		sb_add(s, e.buf + i, e.len - i < 70 ? e.len - i : 70);
	}
}

static int v3_scalar(yemit *y, strbuf *out, value v, int ind, enum sctx ctx)
{
	strbuf s;
	sb_init(&s, y->a);
	if (v.kind == V_STRING && ctx != S_KEY && !is_utf8(v.u.s, v.len)) {
		v3_binary(&s, v.u.s, v.len);
		put_lines(out, &s, ctx == S_ITEM ? ind - 2 : ind);
		return 0;
	}
	if (v.kind == V_STRING && v3_tabbed_literal(y, v, ctx, &s) == 0) {
		put_lines(out, &s, ctx == S_ITEM ? ind - 2 : ind);
		return 0;
	}
	if (v.kind == V_FLOAT) {
		if (isnan(v.u.f) || isinf(v.u.f))
			sb_adds(out, isnan(v.u.f) ? ".nan" : v.u.f > 0 ? ".inf" : "-.inf");
		else
			go_format_float(out, v.u.f, 'g', -1);
		return 0;
	}
	if (v.kind == V_MAP || v.kind == V_LIST) {
		sb_adds(out, v.kind == V_MAP ? "{}" : "[]");
		return 0;
	}
	if (render_scalar(y, v, ctx, &s))
		return -1;
	put_lines(out, &s, ctx == S_ITEM ? ind - 2 : ind);
	return 0;
}

static int v3_map(yemit *y, strbuf *out, const vmap *m, int ind, int depth)
{
	const ventry **order = arena_alloc_raw(y->a, (m->len + 1) * sizeof(*order));
	yaml_key_order(y->a, m, order);
	for (uint32_t i = 0; i < m->len; i++) {
		if (i)
			add_indent(out, ind);
		value key = v_str_static(order[i]->key, order[i]->klen), val = order[i]->val;
		if (v3_scalar(y, out, key, ind, S_KEY))
			return -1;
		if (out->len && out->buf[out->len - 1] == '\n')
			add_indent(out, ind); /* after a complex "? key" */
		sb_addc(out, ':');
		if (val.kind == V_OBJ)
			val = val.u.o->cls->to_plain ? val.u.o->cls->to_plain(y->a, val.u.o)
						     : v_nil();
		if (v3_is_block(val)) {
			sb_addc(out, '\n');
			add_indent(out, ind + 2);
			if (v3_node(y, out, val, ind + 2, S_VALUE, depth + 1))
				return -1;
		} else {
			sb_addc(out, ' ');
			if (v3_node(y, out, val, ind, S_VALUE, depth + 1))
				return -1;
		}
	}
	return 0;
}

static int v3_node(yemit *y, strbuf *out, value v, int ind, enum sctx ctx, int depth)
{
	if (depth > 1000) {
		*y->err = "yaml: exceeded max depth";
		return -1;
	}
	if (v.kind == V_OBJ)
		v = v.u.o->cls->to_plain ? v.u.o->cls->to_plain(y->a, v.u.o) : v_nil();
	if (v.kind == V_MAP && v.u.m->len)
		return v3_map(y, out, v.u.m, ind, depth);
	if (!(v.kind == V_LIST && v.u.l->len)) {
		if (v3_scalar(y, out, v, ind, ctx))
			return -1;
		sb_addc(out, '\n');
		return 0;
	}
	for (uint32_t i = 0; i < v.u.l->len; i++) {
		if (i)
			add_indent(out, ind);
		sb_adds(out, "- ");
		if (v3_node(y, out, v.u.l->items[i], ind + 2, S_ITEM, depth + 1))
			return -1;
	}
	return 0;
}

int yaml_emit_pretty(strbuf *out, value v, const char **err)
{
	strbuf tmp;
	sb_init(&tmp, out->a);
	yemit y = {.a = out->a, .err = err};
	if (v3_node(&y, &tmp, v, 0, S_VALUE, 0))
		return -1;
	sb_add(out, tmp.buf, tmp.len);
	return 0;
}
