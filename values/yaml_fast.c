/* yaml_fast.c - libyaml's node tree for plain documents, without libyaml.
 *
 * libyaml spends some two hundred instructions per byte; most values files
 * and fromYaml inputs are plain block YAML. A document in the subset read
 * here (block maps and sequences, one-line plain and quoted scalars, literal
 * block scalars `|` and `|-`, one-line flow collections, comments, UTF-8) gets
 * the very tree yaml.c would build from libyaml's events, and is decoded by
 * the same code. Anything else (anchors, tags, folded or kept scalars,
 * multi-line scalars, tabs in structure, document markers...) returns 0 and
 * goes to libyaml, so everything accepted here is YAML that libyaml accepts
 * alike. fuzz/fuzz_yaml_fast.c holds it to that.
 */
#include <string.h>

#include "yaml_tree.h"
#include "yaml_scan.h"

#define MAX_DEPTH 64
#define MAX_KEY	  1000 /* libyaml's simple keys stop at 1024 characters */

typedef struct frame {
	int indent;
	bool indentless; /* a sequence at its key's own indentation */
	ynode *node;	 /* Y_MAP or Y_SEQ */
} frame;

typedef struct fs {
	arena *a;
	frame st[MAX_DEPTH];
	int n;
	ynode *root;
	bool pending, pending_key; /* a key or a dash with nothing after it */
	int pending_indent;
	ynode *pending_parent;
} fs;

static ynode *scalar_node(fs *f, const char *s, size_t n, bool plain)
{
	ynode *y = arena_alloc(f->a, sizeof *y);
	y->kind = Y_SCALAR;
	y->val = arena_strndup(f->a, s, n);
	y->len = n;
	y->plain = plain;
	return y;
}

static ynode *coll_node(fs *f, enum ykind k)
{
	ynode *y = arena_alloc(f->a, sizeof *y);
	y->kind = k;
	return y;
}

/* A quoted scalar on one line from p (at the quote): the position after the
 * closing quote and *out the node, or NULL (multi-line, an escape not handled). */
static const char *quoted(fs *f, const char *p, const char *e, ynode **out)
{
	char q = *p++;
	const char *s = p;
	bool esc = false;
	for (; p < e; p++) {
		if (*p == '\t')
			return NULL;
		if (*p == q) {
			if (q == '\'' && p + 1 < e && p[1] == '\'') {
				esc = true;
				p++;
				continue;
			}
			break;
		}
		if (q == '"' && *p == '\\') {
			if (p + 1 >= e || !strchr("0abtnvfre \"\\", p[1]))
				return NULL;
			esc = true;
			p++;
		}
	}
	if (p >= e)
		return NULL;
	if (!esc) {
		*out = scalar_node(f, s, (size_t)(p - s), false);
		return p + 1;
	}
	char *buf = arena_alloc(f->a, (size_t)(p - s) + 1), *o = buf;
	for (const char *r = s; r < p; r++) {
		if (q == '\'') {
			*o++ = *r;
			if (*r == '\'')
				r++;
			continue;
		}
		if (*r != '\\') {
			*o++ = *r;
			continue;
		}
		static const char from[] = "0abtnvfre \"/\\", to[] = "\0\a\b\t\n\v\f\r\x1b \"/\\";
		r++;
		*o++ = to[strchr(from, *r) - from];
	}
	ynode *y = coll_node(f, Y_SCALAR);
	y->val = buf;
	y->len = (size_t)(o - buf);
	*o = 0;
	*out = y;
	return p + 1;
}

/* A plain scalar in a flow collection: up to , [ ] { } or, for a key, the colon. */
static const char *flow_plain(fs *f, const char *p, const char *e, bool key, ynode **out)
{
	const char *t = ys_flow_plain_end(p, e, key);
	if (t)
		*out = scalar_node(f, p, (size_t)(t - p), true);
	return t;
}

static const char *flow_node(fs *f, const char *p, const char *e, int depth, ynode **out);

/* A one-line flow collection at p ('[' or '{'). */
static const char *flow(fs *f, const char *p, const char *e, int depth, ynode **out)
{
	if (depth > 16)
		return NULL;
	char close = *p == '[' ? ']' : '}';
	bool map = *p == '{';
	ynode *c = coll_node(f, map ? Y_MAP : Y_SEQ);
	*out = c;
	p = ys_skip_sp(p + 1, e);
	if (p < e && *p == close)
		return p + 1;
	for (;;) {
		if (p >= e)
			return NULL;
		ynode *k, *v;
		if (map) {
			const char *k0 = p;
			const char *q = *p == '"' || *p == '\'' ? quoted(f, p, e, &k)
								: flow_plain(f, p, e, true, &k);
			if (!q)
				return NULL;
			p = ys_skip_sp(q, e);
			if (p + 1 >= e || *p != ':' || p[1] != ' ' || p - k0 > MAX_KEY)
				return NULL;
			p = ys_skip_sp(p + 1, e);
			yaml_kid_push(f->a, c, k);
		}
		p = flow_node(f, p, e, depth, &v);
		if (!p)
			return NULL;
		yaml_kid_push(f->a, c, v);
		p = ys_skip_sp(p, e);
		if (p < e && *p == close)
			return p + 1;
		if (p >= e || *p != ',')
			return NULL;
		p = ys_skip_sp(p + 1, e);
		if (p < e && *p == close)
			return NULL; /* a trailing comma */
	}
}

static const char *flow_node(fs *f, const char *p, const char *e, int depth, ynode **out)
{
	if (p >= e)
		return NULL;
	if (*p == '[' || *p == '{')
		return flow(f, p, e, depth + 1, out);
	if (*p == '"' || *p == '\'')
		return quoted(f, p, e, out);
	return flow_plain(f, p, e, false, out);
}

/* A key at p ("key:" then a space or the line end): the position after the
 * colon and *key; NULL when p starts no key; *bail when the subset refuses it. */
static const char *parse_key(fs *f, const char *p, const char *e, ynode **key, bool *bail)
{
	*bail = false;
	if (*p == '"' || *p == '\'') {
		const char *q = quoted(f, p, e, key);
		if (!q)
			return *bail = true, NULL;
		const char *c = ys_skip_sp(q, e);
		if (c >= e || *c != ':' || (c + 1 < e && c[1] != ' '))
			return NULL; /* a quoted scalar value */
		if (c - p > MAX_KEY) /* libyaml measures a simple key up to its colon */
			return *bail = true, NULL;
		return c + 1;
	}
	const char *s = p;
	while (p < e && !(*p == ':' && (p + 1 >= e || p[1] == ' '))) {
		if (*p == '#' && p > s && p[-1] == ' ')
			return NULL;
		p++;
	}
	if (p >= e)
		return NULL;
	if (ys_bad_plain_start(s, e))
		return *bail = true, NULL;
	const char *t = p;
	while (t > s && t[-1] == ' ')
		t--;
	if (t == s || p - s > MAX_KEY)
		return *bail = true, NULL;
	*key = scalar_node(f, s, (size_t)(t - s), true);
	return p + 1;
}

/* The value after "key: " or "- ": 'n' nothing, 'b' a literal block scalar
 * header (*strip for "|-"), 's' a node in *out, 0 to bail. */
static char value_at(fs *f, const char *p, const char *e, ynode **out, bool *strip)
{
	if (p >= e || *p == '#')
		return 'n';
	if (*p == '|') {
		p++;
		*strip = p < e && *p == '-';
		if (*strip)
			p++;
		if (p < e && *p != ' ')
			return 0; /* "|+", an indentation indicator, or junk */
		return ys_rest_empty(p, e) ? 'b' : 0;
	}
	if (*p == '[' || *p == '{') {
		const char *q = flow(f, p, e, 0, out);
		return q && ys_rest_empty(q, e) ? 's' : 0;
	}
	if (*p == '"' || *p == '\'') {
		const char *q = quoted(f, p, e, out);
		return q && ys_rest_empty(q, e) ? 's' : 0;
	}
	if (ys_bad_plain_start(p, e))
		return 0;
	const char *s = p;
	while (p < e && !(*p == '#' && p[-1] == ' ')) {
		if (*p == ':' && (p + 1 >= e || p[1] == ' '))
			return 0;
		p++;
	}
	const char *t = p;
	while (t > s && t[-1] == ' ')
		t--;
	*out = scalar_node(f, s, (size_t)(t - s), true);
	return 's';
}

static bool push(fs *f, int indent, ynode *node)
{
	if (f->n == MAX_DEPTH)
		return false;
	f->st[f->n++] = (frame){.indent = indent, .node = node};
	return true;
}

/* A pending value: a block collection opening on this line, or an empty scalar. */
static bool settle_pending(fs *f, int i, bool item)
{
	if (!f->pending)
		return true;
	f->pending = false;
	ynode *parent = f->pending_parent;
	if (i > f->pending_indent || (f->pending_key && i == f->pending_indent && item)) {
		ynode *c = coll_node(f, item ? Y_SEQ : Y_MAP);
		yaml_kid_push(f->a, parent, c);
		if (!push(f, i, c))
			return false;
		f->st[f->n - 1].indentless = i == f->pending_indent;
		return true;
	}
	yaml_kid_push(f->a, parent, scalar_node(f, "", 0, true));
	return true;
}

/* Where a block scalar's value goes, set by line(). */
typedef struct bstart {
	ynode *parent;
	int parent_indent;
	bool strip;
} bstart;

/* One structural line. Returns false to bail; bs->parent set when a block scalar starts. */
static bool line(fs *f, int i, const char *c, const char *e, bstart *bs)
{
	bs->parent = NULL;
	for (const char *q = c; q < e; q++)
		if (*q == '\t')
			return false;
	bool item = ys_is_item(c, e);
	if (!settle_pending(f, i, item))
		return false;
	while (f->n > 0 && (f->st[f->n - 1].indent > i ||
			    (f->st[f->n - 1].indentless && f->st[f->n - 1].indent == i && !item)))
		f->n--;
	if (f->n == 0) {
		if (f->root || i != 0)
			return false; /* a second root, or an indented one */
		f->root = coll_node(f, item ? Y_SEQ : Y_MAP);
		push(f, 0, f->root);
	}
	frame *fr = &f->st[f->n - 1];
	if (fr->indent != i)
		return false;
	ynode *key, *v;
	bool bail, strip = false;
	const char *rest = c;
	int col = i;
	ynode *into = fr->node;
	if (fr->node->kind == Y_SEQ) {
		if (!item)
			return false;
		rest = ys_skip_sp(c + 1, e);
		if (rest >= e || *rest == '#') {
			f->pending = true;
			f->pending_key = false;
			f->pending_indent = i;
			f->pending_parent = into;
			return true;
		}
		if (ys_is_item(rest, e))
			return false;
		col = i + (int)(rest - c);
		const char *after = parse_key(f, rest, e, &key, &bail);
		if (bail)
			return false;
		if (!after) { /* "- scalar" */
			char k = value_at(f, rest, e, &v, &strip);
			if (k == 's')
				yaml_kid_push(f->a, into, v);
			else if (k == 'b')
				*bs = (bstart){into, i, strip};
			return k == 's' || k == 'b';
		}
		ynode *m = coll_node(f, Y_MAP); /* "- key: ..." opens a map at the key */
		yaml_kid_push(f->a, into, m);
		if (!push(f, col, m))
			return false;
		into = m;
		rest = after;
	} else {
		if (item)
			return false;
		const char *after = parse_key(f, c, e, &key, &bail);
		if (!after)
			return false;
		rest = after;
	}
	yaml_kid_push(f->a, into, key);
	rest = ys_skip_sp(rest, e);
	char k = value_at(f, rest, e, &v, &strip);
	switch (k) {
	case 'n':
		f->pending = f->pending_key = true;
		f->pending_indent = col;
		f->pending_parent = into;
		return true;
	case 'b':
		*bs = (bstart){into, col, strip};
		return true;
	case 's':
		yaml_kid_push(f->a, into, v);
		return true;
	default:
		return false;
	}
}

/* A literal block scalar's value from its lines [s, e), as libyaml reads
 * them; *ok false when the subset refuses them. */
static ynode *block_value(fs *f, const char *s, const char *e, int parent, bool strip, bool *ok)
{
	*ok = false;
	int lead = 0, indent = -1;
	for (const char *p = s; p < e;) { /* the indentation: first content line */
		const char *le = memchr(p, '\n', (size_t)(e - p));
		if (!le)
			le = e;
		const char *c = ys_skip_sp(p, le);
		if (c == le) {
			if ((int)(le - p) > lead)
				lead = (int)(le - p);
		} else {
			if (*c == '\t')
				return NULL; /* libyaml: a tab where the indentation is decided */
			indent = (int)(c - p);
			break;
		}
		p = le < e ? le + 1 : e;
	}
	if (indent < 0) /* no content: "" */
		return *ok = true, scalar_node(f, "", 0, false);
	if (lead > indent || indent <= parent)
		return NULL;
	char *buf = arena_alloc(f->a, (size_t)(e - s) + 1), *o = buf;
	size_t breaks = 0;
	bool any = false, last_broken = false;
	for (const char *p = s; p < e;) {
		const char *le = memchr(p, '\n', (size_t)(e - p));
		bool broken = le != NULL;
		if (!le)
			le = e;
		if (le - p <= indent && ys_skip_sp(p, le) == le) {
			breaks++; /* an empty line */
		} else {
			if (le - p < indent || ys_skip_sp(p, p + indent) != p + indent)
				return NULL; /* less indented, or a tab in the indentation */
			for (size_t b = 0; b < breaks; b++)
				*o++ = '\n';
			if (any)
				*o++ = '\n';
			breaks = 0;
			memcpy(o, p + indent, (size_t)(le - p - indent));
			o += le - p - indent;
			any = true;
			last_broken = broken;
		}
		p = le < e ? le + 1 : e;
	}
	if (!strip && last_broken)
		*o++ = '\n';
	ynode *y = coll_node(f, Y_SCALAR);
	y->val = buf;
	y->len = (size_t)(o - buf);
	*o = 0;
	*ok = true;
	return y;
}

/* Printable UTF-8 as libyaml wants it, without the characters it reads as
 * line breaks (U+0085, U+2028, U+2029) or a byte order mark; no CR. */
static bool text_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char ch = s[i];
		if (ch < 0x80) {
			if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
				return false;
			i++;
			continue;
		}
		uint32_t r;
		size_t w;
		if ((ch & 0xE0) == 0xC0)
			r = ch & 0x1F, w = 2;
		else if ((ch & 0xF0) == 0xE0)
			r = ch & 0x0F, w = 3;
		else if ((ch & 0xF8) == 0xF0)
			r = ch & 0x07, w = 4;
		else
			return false;
		if (i + w > n)
			return false;
		for (size_t k = 1; k < w; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			r = r << 6 | (s[i + k] & 0x3F);
		}
		static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
		if (r < min[w] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF) || r < 0xA0 ||
		    r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF)
			return false;
		i += w;
	}
	return true;
}

int yaml_fast_tree(arena *a, const char *text, size_t len, ynode **root)
{
	if (!text_ok((const unsigned char *)text, len) || memchr(text, 0, len))
		return 0;
	fs f = {.a = a};
	const char *p = text, *end = text + len, *bstart_at = NULL;
	bstart bs = {0};
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		const char *c = ys_skip_sp(p, e);
		int i = (int)(c - p);
		const char *next = e < end ? e + 1 : end;
		if (bs.parent) { /* inside a literal block scalar: does this line end it? */
			if (c == e || i > bs.parent_indent) {
				p = next;
				continue;
			}
			bool ok;
			ynode *v = block_value(&f, bstart_at, p, bs.parent_indent, bs.strip, &ok);
			if (!ok)
				return 0;
			yaml_kid_push(a, bs.parent, v);
			bs.parent = NULL;
		}
		if (c < e && *c == '\t')
			return 0;
		if (c == e || *c == '#') {
			p = next;
			continue;
		}
		if (i == 0 &&
		    (*c == '%' || (e - c >= 3 && (!strncmp(c, "---", 3) || !strncmp(c, "...", 3)))))
			return 0;
		if (!line(&f, i, c, e, &bs))
			return 0;
		if (bs.parent)
			bstart_at = next;
		p = next;
	}
	if (bs.parent) {
		bool ok;
		ynode *v = block_value(&f, bstart_at, end, bs.parent_indent, bs.strip, &ok);
		if (!ok)
			return 0;
		yaml_kid_push(a, bs.parent, v);
	}
	if (f.pending)
		yaml_kid_push(a, f.pending_parent, scalar_node(&f, "", 0, true));
	*root = f.root;
	return 1;
}
