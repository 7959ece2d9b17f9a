/* yaml_head.c - the head of a rendered manifest without libyaml, for speed.
 *
 * Helm reads apiVersion, kind, metadata.name and metadata.annotations of every
 * rendered document (releaseutil.SimpleHead) and fails on a document that is
 * not valid YAML. A full parse costs as much as the rendering, so documents in
 * a plain block subset (block maps and sequences, one-line plain and quoted
 * scalars, block scalars, one-line flow collections, comments) are checked and
 * read here. Anything else (anchors, tags, multi-line scalars, tabs outside
 * block scalars, non-ASCII, ...) is left to yaml_load: the subset is narrow on
 * purpose, so that whatever it accepts is valid YAML that converts to JSON.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "yaml.h"
#include "yaml_scan.h"

#define MAX_DEPTH 64
#define MAX_KEY	  1000 /* libyaml's simple keys stop at 1024 characters (to the colon) */

typedef struct frame {
	int indent;
	char kind;	 /* 'M' a block map, 'S' a block sequence */
	bool indentless; /* a sequence at its key's own indentation */
	char role;	 /* 'r' the root, 'm' metadata, 'a' annotations, 0 anything else */
} frame;

/* The keys seen in the root, metadata or annotations map (at most one of each
 * per document): spans into the text, so a duplicate (left to yaml_load) is
 * found without a map or a copy. Other maps are not checked: their keys do
 * not reach the head, and Helm takes duplicates there. */
typedef struct kspan {
	const char *s;
	size_t n;
} kspan;
typedef struct keyset {
	kspan *v; /* inl, or a copy in the arena when a map has more keys */
	size_t len, cap;
	kspan inl[8];
} keyset;

typedef struct hs {
	arena *a;
	frame st[MAX_DEPTH];
	int n;
	bool pending, pending_key; /* a key or a dash with nothing after it */
	int pending_indent;
	char pending_role;
	value head, meta, ann;
	keyset keys[3];	   /* of the root, metadata and annotations maps */
	uint64_t known[8]; /* short plain scalars known to be strings (plain_class_call) */
	unsigned nknown;
	bool tabs;   /* the document has a tab somewhere */
	bool hashes; /* and a '#' (no comment is possible without one) */
} hs;

/* Byte classes: BAD_BYTE outside the subset (controls but tab and newline,
 * DEL, non-ASCII), START not a plain scalar's first character, STOP ':' and
 * '#', WORD a first character yaml_plain_class must look further at (its own
 * first test: a plain scalar starting otherwise is a string). */
enum { BAD_BYTE = 1, START = 2, STOP = 4, WORD = 8 };
static unsigned char byte_class(unsigned char c)
{
	if ((c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f)
		return BAD_BYTE;
	unsigned char k = ys_indicator((char)c) ? START : 0;
	if (c && strchr("yYnNtTfFoO~.+-0123456789", c))
		k |= WORD;
	return (unsigned char)(k | (c == ':' || c == '#' ? STOP : 0));
}

static unsigned char classes[256];
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;
static void classes_init(void)
{
	for (int c = 0; c < 256; c++)
		classes[c] = byte_class((unsigned char)c);
}

/* yaml_plain_class, without the call when its own first tests settle it:
 * most keys start with a letter no YAML 1.1 word or number starts with.
 * Short strings that needed the call ("name", "type") are remembered for
 * the rest of the document, packed with their length in a 64-bit word. */
static char plain_class_call(hs *h, const char *s, size_t n)
{
	uint64_t w = n;
	for (size_t i = 0; i < n && n <= 7; i++)
		w |= (uint64_t)(unsigned char)s[i] << (8 * i + 8);
	for (unsigned i = 0; n <= 7 && i < h->nknown && i < 8; i++)
		if (h->known[i] == w)
			return 's';
	char cl = yaml_plain_class(h->a, s, n);
	if (cl == 's' && n <= 7)
		h->known[h->nknown++ % 8] = w;
	return cl;
}

static inline char plain_class(hs *h, const char *s, size_t n)
{
	unsigned char c = n ? (unsigned char)s[0] : 0;
	bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	if (c && (!(classes[c] & WORD) || (n > 5 && letter)))
		return 's';
	return plain_class_call(h, s, n);
}

static bool bad_plain_start(const char *p, const char *e)
{
	char c = *p;
	if (c == '-')
		return p + 1 >= e || p[1] == ' ';
	return classes[(unsigned char)c] & START;
}

/* A double- or single-quoted scalar on one line from p (at the quote);
 * returns the position after the closing quote, or NULL. *plain_ok is false
 * when the text has escapes (the caller then cannot use it as is). */
static const char *quoted(const char *p, const char *e, bool *plain_ok)
{
	char q = *p++;
	*plain_ok = true;
	while (p < e) {
		if (*p == q) {
			if (q == '\'' && p + 1 < e && p[1] == '\'') {
				*plain_ok = false;
				p += 2;
				continue;
			}
			return p + 1;
		}
		if (q == '"' && *p == '\\') {
			*plain_ok = false;
			if (p + 1 >= e || !strchr("0abtnvfre \"\\N_LP", p[1]))
				return NULL;
			p += 2;
			continue;
		}
		if (*p == '\t')
			return NULL;
		p++;
	}
	return NULL; /* continues on the next line */
}

static value str_value(hs *h, const char *p, size_t n)
{
	return v_str(h->a, p, n);
}

/* The unquoted text of a quoted scalar without escapes. */
static value quoted_value(hs *h, const char *p, const char *end)
{
	return str_value(h, p + 1, (size_t)(end - p - 2));
}

/* A plain scalar in a flow collection: up to , [ ] { } or, for a key, the
 * colon. A colon or '#' anywhere else is left to yaml_load. */
static const char *flow_plain(hs *h, const char *p, const char *e, bool key)
{
	const char *t = ys_flow_plain_end(p, e, key);
	if (!t)
		return NULL;
	char cl = plain_class(h, p, (size_t)(t - p));
	if (cl == 'f' || cl == 'm' || (key && cl != 's'))
		return NULL;
	return t;
}

static const char *flow_node(hs *h, const char *p, const char *e, int depth);

/* A one-line flow collection at p ('[' or '{'); the position after it, or NULL. */
static const char *flow(hs *h, const char *p, const char *e, int depth)
{
	if (depth > 16)
		return NULL;
	char close = *p == '[' ? ']' : '}';
	bool map = *p == '{';
	p = ys_skip_sp(p + 1, e);
	if (p < e && *p == close)
		return p + 1;
	for (;;) {
		if (p >= e)
			return NULL;
		if (map) {
			bool ok;
			const char *k0 = p;
			const char *k =
			    *p == '"' || *p == '\'' ? quoted(p, e, &ok) : flow_plain(h, p, e, true);
			if (!k)
				return NULL;
			p = ys_skip_sp(k, e);
			if (p + 1 >= e || *p != ':' || p[1] != ' ' || p - k0 > MAX_KEY)
				return NULL;
			p = ys_skip_sp(p + 1, e);
		}
		p = flow_node(h, p, e, depth);
		if (!p)
			return NULL;
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

static const char *flow_node(hs *h, const char *p, const char *e, int depth)
{
	if (p >= e)
		return NULL;
	if (*p == '[' || *p == '{')
		return flow(h, p, e, depth + 1);
	if (*p == '"' || *p == '\'') {
		bool ok;
		return quoted(p, e, &ok);
	}
	return flow_plain(h, p, e, false);
}

/* A key at p: "key:" followed by a space or the line end. Sets *ks and *kn to
 * the key's text (usable as is) and returns the position after the colon;
 * NULL when p does not start a key; *bail when it looks like one the subset
 * refuses (escapes, a merge key, a key that is not a string). */
static const char *parse_key(hs *h, const char *p, const char *e, const char **ks, size_t *kn,
			     bool *bail)
{
	*bail = false;
	if (*p == '"' || *p == '\'') {
		bool ok;
		const char *k = quoted(p, e, &ok);
		if (!k)
			return *bail = true, NULL;
		const char *c = ys_skip_sp(k, e);
		if (c >= e || *c != ':' || (c + 1 < e && c[1] != ' '))
			return NULL; /* a quoted scalar value */
		if (!ok || c - p > MAX_KEY)
			return *bail = true, NULL;
		*ks = p + 1;
		*kn = (size_t)(k - p - 2);
		return c + 1;
	}
	/* the first colon ending a key, then no comment (" #") before it: two
	 * memchr calls cost less than a loop over the key's bytes */
	const char *s = p;
	for (;; p++) {
		p = memchr(p, ':', (size_t)(e - p));
		if (!p)
			return NULL;
		if (p + 1 >= e || p[1] == ' ')
			break;
	}
	for (const char *c = s; h->hashes && (c = memchr(c, '#', (size_t)(p - c))); c++)
		if (c > s && c[-1] == ' ')
			return NULL;
	if (bad_plain_start(s, e))
		return *bail = true, NULL;
	const char *t = p;
	while (t > s && t[-1] == ' ')
		t--;
	size_t n = (size_t)(t - s);
	if (!n || p - s > MAX_KEY || (n == 2 && s[0] == '<' && s[1] == '<') ||
	    plain_class(h, s, n) != 's')
		return *bail = true, NULL;
	*ks = s;
	*kn = n;
	return p + 1;
}

/* A scalar or flow value from p to e (after "key: " or "- "). Returns 'n' for
 * nothing (null), 'b' for a block scalar header, 'q' a plain or quoted string
 * (*sv set when usable as is, else nil), 'o' another scalar or a flow
 * collection, 'E' an empty flow map, 0 to leave the document to yaml_load. */
static char scalar(hs *h, const char *p, const char *e, bool want, value *sv)
{
	*sv = v_nil();
	if (p >= e || *p == '#')
		return 'n';
	if (*p == '|' || *p == '>') {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p < e && *p != ' ')
			return 0; /* an indentation indicator, or junk */
		return ys_rest_empty(p, e) ? 'b' : 0;
	}
	if (*p == '[' || *p == '{') {
		bool empty_map = p + 1 < e && p[0] == '{' && p[1] == '}';
		const char *q = flow(h, p, e, 0);
		if (!q || !ys_rest_empty(q, e))
			return 0;
		return empty_map && q == p + 2 ? 'E' : 'o';
	}
	if (*p == '"' || *p == '\'') {
		bool ok;
		const char *q = quoted(p, e, &ok);
		if (!q || !ys_rest_empty(q, e))
			return 0;
		if (ok && want)
			*sv = quoted_value(h, p, q);
		return 'q';
	}
	if (bad_plain_start(p, e))
		return 0;
	const char *s = p;
	for (; h->hashes && p < e; p++) {
		if (!(classes[(unsigned char)*p] & STOP))
			continue;
		if (*p == '#' && p[-1] == ' ')
			break;
		if (*p == ':' && (p + 1 >= e || p[1] == ' '))
			return 0; /* "mapping values are not allowed in this context" */
	}
	for (const char *q = s; !h->hashes && (q = memchr(q, ':', (size_t)(e - q))); q++)
		if (q + 1 >= e || q[1] == ' ')
			return 0; /* the same, when no comment can end the value */
	if (!h->hashes)
		p = e;
	const char *t = p;
	while (t > s && t[-1] == ' ')
		t--;
	size_t n = (size_t)(t - s);
	if (!want) { /* only .inf, .nan (JSON refuses them) and << matter here */
		bool word = (n == 4 && s[0] == '.') || (n == 5 && (s[0] == '+' || s[0] == '-')) ||
			    (n == 2 && s[0] == '<');
		return word && plain_class(h, s, n) != 's' ? 0 : 'q';
	}
	char cl = plain_class(h, s, n);
	if (cl == 'f' || cl == 'm')
		return 0;
	if (cl != 's')
		return 'o';
	*sv = str_value(h, s, n);
	return 'q';
}

static bool push(hs *h, int indent, char kind, char role)
{
	if (h->n == MAX_DEPTH)
		return false;
	h->st[h->n++] = (frame){.indent = indent, .kind = kind, .role = role};
	return true;
}

/* The key set of a map of role r ('r', 'm' or 'a'), or NULL. */
static keyset *role_keys(hs *h, char r)
{
	return r == 'r' ? &h->keys[0] : r == 'm' ? &h->keys[1] : r == 'a' ? &h->keys[2] : NULL;
}

/* Adds key k to ks; false when it is there already. */
static bool key_add(hs *h, keyset *ks, const char *k, size_t n)
{
	for (size_t i = 0; i < ks->len; i++)
		if (ks->v[i].n == n && !memcmp(ks->v[i].s, k, n))
			return false;
	if (!ks->v) {
		ks->v = ks->inl;
		ks->cap = sizeof(ks->inl) / sizeof(ks->inl[0]);
	} else if (ks->len == ks->cap) {
		kspan *v = arena_alloc_raw(h->a, 2 * ks->cap * sizeof(*v));
		memcpy(v, ks->v, ks->len * sizeof(*v));
		ks->v = v;
		ks->cap *= 2;
	}
	ks->v[ks->len++] = (kspan){k, n};
	return true;
}

static bool key_is(const char *k, size_t n, const char *w)
{
	return strlen(w) == n && !memcmp(k, w, n);
}

/* The role of key k's value in a map of role r. */
static char key_role(char r, const char *k, size_t n)
{
	if (r == 'r') {
		if (key_is(k, n, "metadata"))
			return 'm';
		return key_is(k, n, "apiVersion") || key_is(k, n, "kind") ? 'x' : 0;
	}
	if (r == 'm')
		return key_is(k, n, "annotations") ? 'a' : key_is(k, n, "name") ? 'x' : 0;
	return r == 'a' ? 'v' : 0;
}

static bool is_hook_key(const char *k, size_t n)
{
	return n >= 12 && !memcmp(k, "helm.sh/hook", 12);
}

/* The map a head field of role r lives in. */
static vmap *slot_map(hs *h, char r)
{
	return r == 'r' ? h->head.u.m : r == 'm' ? h->meta.u.m : h->ann.u.m;
}

/* metadata (role 'm') or its annotations ('a') as a new map in the head. */
static void head_map(hs *h, char role)
{
	if (role == 'm') {
		h->meta = v_map_new(h->a);
		map_setc(h->a, h->head.u.m, "metadata", h->meta);
	} else {
		h->ann = v_map_new(h->a);
		map_setc(h->a, h->meta.u.m, "annotations", h->ann);
	}
}

/* parse_key and scalar's answer for the common line of a spec, without their
 * general steps: `key: value` where the key starts with a letter and is a
 * string, and the value is nothing, a quoted scalar, or a plain one that
 * starts with no indicator nor with '-', '.', '+' or '<' (so is no block,
 * flow or YAML word), in a document without '#' (so without comments).
 * Returns 'q' (a scalar), 'n' (nothing), or 0 when the general path must
 * read the line. */
static char quick_entry(hs *h, const char *p, const char *e)
{
	const char *col = memchr(p, ':', (size_t)(e - p));
	if (!col || col == p || col[-1] == ' ' || (col + 1 < e && col[1] != ' '))
		return 0;
	unsigned char c = (unsigned char)*p;
	size_t n = (size_t)(col - p);
	if ((c | 0x20) < 'a' || (c | 0x20) > 'z' || n > MAX_KEY || plain_class(h, p, n) != 's')
		return 0;
	const char *v = ys_skip_sp(col + 1, e);
	if (v == e)
		return 'n';
	if (*v == '"' || *v == '\'') {
		bool ok;
		const char *q = quoted(v, e, &ok);
		return q && ys_rest_empty(q, e) ? 'q' : 0;
	}
	if ((classes[(unsigned char)*v] & START) || *v == '-' || *v == '.' || *v == '+' ||
	    *v == '<')
		return 0;
	for (const char *q = v; (q = memchr(q, ':', (size_t)(e - q))); q++)
		if (q + 1 >= e || q[1] == ' ')
			return 0;
	return 'q';
}

/* "key: value" in frame f whose key starts at p. Returns false to bail; *block is
 * set when a block scalar follows. */
static bool key_entry(hs *h, frame *f, const char *p, const char *e, bool *block)
{
	value sv;
	const char *ks;
	size_t kn;
	bool bail;
	*block = false;
	char quick = f->role || h->hashes ? 0 : quick_entry(h, p, e);
	if (quick == 'q')
		return true;
	if (quick == 'n') {
		h->pending = h->pending_key = true;
		h->pending_indent = f->indent;
		h->pending_role = 0;
		return true;
	}
	const char *v = parse_key(h, p, e, &ks, &kn, &bail);
	if (!v)
		return false;
	char role = key_role(f->role, ks, kn);
	keyset *set = role_keys(h, f->role);
	if (set && !key_add(h, set, ks, kn))
		return false;
	v = ys_skip_sp(v, e);
	char c = scalar(h, v, e, role != 0, &sv);
	if (!c)
		return false;
	switch (c) {
	case 'n': /* a null, unless a nested block follows (open_pending) */
		if (role)
			map_set(h->a, slot_map(h, f->role), ks, kn, v_nil());
		h->pending = h->pending_key = true;
		h->pending_indent = f->indent;
		h->pending_role = role;
		return true;
	case 'b':
		if (role == 'm' || role == 'a' || role == 'x' ||
		    (role == 'v' && is_hook_key(ks, kn)))
			return false;
		if (role == 'v')
			map_set(h->a, h->ann.u.m, ks, kn, v_str_static("", 0));
		*block = true;
		return true;
	case 'E':
		if (role == 'm' || role == 'a')
			head_map(h, role);
		return role == 0 || role == 'm' || role == 'a';
	case 'o':
		return !role;
	default: /* 'q' */
		if (role == 'm' || role == 'a')
			return false;
		if (role) {
			if (sv.kind != V_STRING)
				return false;
			map_set(h->a, slot_map(h, f->role), ks, kn, sv);
		}
		return true;
	}
}

/* A nested block opening under a pending key or dash. */
static bool open_pending(hs *h, int indent, char kind)
{
	char role = h->pending_role;
	h->pending = false;
	if (role == 'x' || role == 'v' || ((role == 'm' || role == 'a') && kind != 'M'))
		return false;
	if (!push(h, indent, kind, role))
		return false;
	if (role == 'm' || role == 'a')
		head_map(h, role);
	return true;
}

/* One structural line: indentation i, content c..e (not blank, not a comment).
 * Returns false to bail; *block_parent >= 0 when a block scalar starts. */
static bool line(hs *h, int i, const char *c, const char *e, int *block_parent)
{
	*block_parent = -1;
	if (h->tabs && memchr(c, '\t', (size_t)(e - c)))
		return false;
	bool item = ys_is_item(c, e);
	if (h->pending) {
		if (i > h->pending_indent) {
			if (!open_pending(h, i, item ? 'S' : 'M'))
				return false;
		} else if (h->pending_key && i == h->pending_indent && item) {
			if (!open_pending(h, i, 'S'))
				return false;
			h->st[h->n - 1].indentless = true;
		} else {
			h->pending = false;
		}
	}
	while (h->n > 0 && (h->st[h->n - 1].indent > i ||
			    (h->st[h->n - 1].indentless && h->st[h->n - 1].indent == i && !item)))
		h->n--;
	if (h->n == 0) {
		if (h->head.kind != V_NIL || i != 0 || item)
			return false; /* a second root, an indented root, or a list */
		h->head = v_map_new(h->a);
		push(h, 0, 'M', 'r');
	}
	frame *f = &h->st[h->n - 1];
	if (f->indent != i)
		return false;
	bool block;
	if (f->kind == 'M') {
		if (item || !key_entry(h, f, c, e, &block))
			return false;
		if (block)
			*block_parent = f->indent;
		return true;
	}
	if (!item)
		return false;
	const char *r = ys_skip_sp(c + 1, e);
	if (r >= e || *r == '#') {
		h->pending = true;
		h->pending_key = false;
		h->pending_indent = i;
		h->pending_role = 0;
		return true;
	}
	if (ys_is_item(r, e))
		return false;
	const char *ks;
	size_t kn;
	bool bail;
	if (parse_key(h, r, e, &ks, &kn, &bail)) {
		int col = i + (int)(r - c);
		if (!push(h, col, 'M', 0) || !key_entry(h, &h->st[h->n - 1], r, e, &block))
			return false;
		if (block)
			*block_parent = col;
		return true;
	}
	if (bail)
		return false;
	value sv;
	char s = scalar(h, r, e, false, &sv);
	if (s == 'b')
		*block_parent = i;
	return s != 0;
}

/* False when the text has a byte outside the subset (BAD_BYTE), sixteen bytes
 * at a time (GCC's vector extension: SSE2 on x86-64, NEON on arm64). Signed
 * bytes: non-ASCII ones are negative, so below 0x20 too; of the controls only
 * tab and newline (which xor to 0 when both tests hold) are allowed. */
typedef signed char v16 __attribute__((vector_size(16)));
static bool bytes_ok(const char *s, size_t n)
{
	v16 bad = {0};
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		v16 v;
		memcpy(&v, s + i, 16);
		bad |= ((v < 0x20) ^ (v == '\n') ^ (v == '\t')) | (v == 0x7f);
	}
	uint64_t b[2];
	memcpy(b, &bad, 16);
	bool ok = !(b[0] | b[1]);
	for (; i < n; i++)
		ok = ok && !(classes[(unsigned char)s[i]] & BAD_BYTE);
	return ok;
}

/* The first byte of p..e that is not a space; eight at a time while the line
 * has eight bytes left (the first non-zero byte of the word xor "        "). */
static const char *skip_indent(const char *p, const char *e)
{
	for (; e - p >= 8; p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		w ^= 0x2020202020202020ull;
		if (w) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return p + __builtin_ctzll(w) / 8;
#else
			return p + __builtin_clzll(w) / 8;
#endif
		}
	}
	return ys_skip_sp(p, e);
}

int yaml_head_fast(arena *a, const char *text, size_t len, value *head)
{
	pthread_once(&classes_once, classes_init);
	if (!bytes_ok(text, len))
		return 0;
	hs h = {.a = a,
		.head = v_nil(),
		.tabs = memchr(text, '\t', len) != NULL,
		.hashes = memchr(text, '#', len) != NULL};
	const char *p = text, *end = text + len;
	int block_parent = -1, block_indent = -1, lead_blank = 0;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		const char *c = skip_indent(p, e);
		int i = (int)(c - p);
		const char *next = e < end ? e + 1 : end;
		if (block_parent >= 0) { /* inside a block scalar */
			if (c == e) {	 /* blank: part of it */
				if (block_indent < 0 && i > lead_blank)
					lead_blank = i;
				p = next;
				continue;
			}
			if (block_indent < 0 && i > block_parent) { /* its first line */
				if (*c == '\t' || lead_blank > i)
					return 0;
				block_indent = i;
				p = next;
				continue;
			}
			if (block_indent >= 0 && i >= block_indent) {
				p = next;
				continue;
			}
			block_parent = -1; /* the scalar ended: this line is structure */
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
		int bp;
		if (!line(&h, i, c, e, &bp))
			return 0;
		if (bp >= 0) {
			block_parent = bp;
			block_indent = -1;
			lead_blank = 0;
		}
		p = next;
	}
	*head = h.head;
	return 1;
}
