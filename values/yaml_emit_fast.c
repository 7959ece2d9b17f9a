/* yaml_emit_fast.c - toYaml without libyaml for the values charts print most:
 * maps and lists of short printable-ASCII strings, numbers, bools and nulls.
 *
 * The writer below is libyaml's emitter cut down to block collections, empty
 * "{}"/"[]" and one-line scalars: the same column, whitespace and indention
 * state and the same indicator rules, so the layout follows from libyaml's own
 * logic. It declines (and yaml.c takes the libyaml path) on anything else: other
 * bytes, a scalar that could fold at column 80, a key over 128 bytes, objects,
 * deep nesting. fuzz/fuzz_yaml_emit.c checks it against libyaml byte for byte.
 */
#include "yaml_emit.h"

#include <math.h>

#define BEST_WIDTH 80  /* yaml_emitter_set_width in yaml.c */
#define MAX_KEY	   128 /* longer keys become "? key" complex keys */
#define MAX_DEPTH  100 /* deeper (or cyclic) values go to the libyaml path */

typedef struct femit {
	strbuf *out;
	int column;
	bool whitespace; /* the last thing written was a space or an indicator allowing one */
	bool indention;	 /* only indentation written on this line so far */
} femit;

enum style { PLAIN, SINGLE, DOUBLE };

static void put(femit *f, char c)
{
	sb_addc(f->out, c);
	f->column++;
}

/* libyaml's yaml_emitter_write_indent. */
static void write_indent(femit *f, int indent)
{
	if (indent < 0)
		indent = 0;
	if (!f->indention || f->column > indent || (f->column == indent && !f->whitespace)) {
		sb_addc(f->out, '\n');
		f->column = 0;
	}
	while (f->column < indent)
		put(f, ' ');
	f->whitespace = f->indention = true;
}

/* libyaml's yaml_emitter_write_indicator, for one-character indicators. */
static void write_indicator(femit *f, char c, bool need_ws, bool is_ws, bool is_indention)
{
	if (need_ws && !f->whitespace)
		put(f, ' ');
	put(f, c);
	f->whitespace = is_ws;
	f->indention = f->indention && is_indention;
}

/* The characters that may not start a block plain scalar (libyaml's analysis). */
static bool is_start_indicator(char c)
{
	static const char ind[] = "#,[]{}&*!|>'\"%@`";
	return memchr(ind, c, sizeof ind - 1) != NULL;
}

/* libyaml's block_plain_allowed (yaml_emitter_analyze_scalar) for a non-empty
 * printable-ASCII string: no indicator where a block plain scalar cannot have
 * one, no leading or trailing space. */
static bool block_plain_ok(const char *s, size_t n)
{
	if (s[0] == ' ' || s[n - 1] == ' ' || is_start_indicator(s[0]))
		return false;
	if (n >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))
		return false;
	bool next_blank = n == 1 || s[1] == ' ';
	if ((s[0] == '?' || s[0] == ':' || s[0] == '-') && next_blank)
		return false;
	for (size_t i = 1; i < n; i++) {
		if (s[i] == ':' && (i + 1 == n || s[i + 1] == ' '))
			return false;
		if (s[i] == '#' && s[i - 1] == ' ')
			return false;
	}
	return true;
}

/* True for a letter that no number or timestamp yaml.v2 reads can hold: those
 * use only hex digits, the prefixes x, o, b, the exponent e and T, t, Z. */
static bool non_numeric_letter(char c)
{
	c = (char)(c | 0x20);
	return c >= 'g' && c <= 'y' && c != 'o' && c != 't' && c != 'x';
}

/* yaml_plain_string without its cost for the usual strings: one starting with a
 * letter is plain unless it is a word of the table; one starting with a digit
 * is plain if a letter no number can hold follows ("100m", "128Mi", "30s": no
 * int, float, timestamp or base 60 float either), quoted if all digits (an int). */
static bool plain_string(arena *a, const char *s, size_t n)
{
	/* the words of yaml.v2's table that start with a letter: bools and nulls */
	static const char *const words[] = {
	    "y",     "Y",   "yes", "Yes", "YES",  "true", "True", "TRUE",  "on",
	    "On",    "ON",  "n",   "N",	  "no",	  "No",	  "NO",	  "false", "False",
	    "FALSE", "off", "Off", "OFF", "null", "Null", "NULL"};
	char h = n ? s[0] : 0;
	if ((h >= 'a' && h <= 'z') || (h >= 'A' && h <= 'Z')) {
		/* resolve_plain: such a string is a bool or null only when it is one of
		 * those words; no number or base 60 float starts with a letter */
		for (size_t i = 0; n <= 5 && i < sizeof words / sizeof words[0]; i++)
			if (words[i][0] == h && strlen(words[i]) == n && !memcmp(words[i], s, n))
				return false;
		return true;
	}
	if (h >= '0' && h <= '9') {
		size_t digits = 1;
		for (size_t i = 1; i < n; i++) {
			if (((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') &&
			    non_numeric_letter(s[i]))
				return true;
			digits += s[i] >= '0' && s[i] <= '9';
		}
		if (digits == n && n <= 18)
			return false; /* an int (or, as "09", a float): quoted */
	}
	return yaml_plain_string(a, s, n);
}

/* The style toYaml gives s, or -1 when s is outside the subset (a byte that is
 * not printable ASCII: tabs, line breaks and UTF-8 need libyaml's analysis). */
static int string_style(arena *a, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
			return -1;
	if (!plain_string(a, s, n))
		return DOUBLE; /* "" reads back as null, so it is here too */
	return block_plain_ok(s, n) ? PLAIN : SINGLE;
}

/* True when the quoted style st writes s as it is (no doubled quote, no escape). */
static bool verbatim(const char *s, size_t n, enum style st)
{
	if (st == PLAIN)
		return true;
	if (st == SINGLE)
		return !memchr(s, '\'', n);
	return !memchr(s, '"', n) && !memchr(s, '\\', n);
}

/* Writes a scalar in its style. A value (not a key) with a space past column 80
 * may be folded by libyaml: -1, decline. */
static int write_scalar(femit *f, const char *s, size_t n, enum style st, bool key)
{
	char q = st == SINGLE ? '\'' : '"';
	if (st == PLAIN) {
		if (!f->whitespace)
			put(f, ' ');
	} else {
		write_indicator(f, q, true, false, false);
	}
	if ((key || f->column + (int)n <= BEST_WIDTH) && verbatim(s, n, st)) {
		sb_add(f->out, s, n); /* no space of it can pass column 80 */
		f->column += (int)n;
	} else {
		for (size_t i = 0; i < n; i++) {
			if (s[i] == ' ' && !key && f->column > BEST_WIDTH)
				return -1;
			if (st == SINGLE && s[i] == '\'')
				put(f, '\'');
			else if (st == DOUBLE && (s[i] == '"' || s[i] == '\\'))
				put(f, '\\');
			put(f, s[i]);
		}
	}
	if (st != PLAIN)
		write_indicator(f, q, false, false, false);
	f->whitespace = f->indention = false;
	return 0;
}

static int write_string(femit *f, arena *a, const char *s, size_t n, bool key)
{
	int st = string_style(a, s, n);
	if (st < 0 || (key && n > MAX_KEY))
		return -1;
	return write_scalar(f, s, n, (enum style)st, key);
}

/* Numbers, bools and null are plain words that never fold (no spaces). */
static void word_start(femit *f)
{
	if (!f->whitespace)
		put(f, ' ');
}

static void word_end(femit *f, size_t start)
{
	f->column += (int)(f->out->len - start);
	f->whitespace = f->indention = false;
}

static void write_word(femit *f, const char *s, size_t n)
{
	word_start(f);
	size_t at = f->out->len;
	sb_add(f->out, s, n);
	word_end(f, at);
}

static void write_int(femit *f, int64_t i)
{
	char d[24];
	const char *p = yaml_int_text(d, i);
	write_word(f, p, (size_t)(d + sizeof d - p));
}

/* The float's text goes straight into the output. */
static void write_float(femit *f, double v)
{
	word_start(f);
	size_t at = f->out->len;
	yaml_float_text(f->out->a, f->out, v);
	word_end(f, at);
}

static int write_node(femit *f, value v, int indent, bool mapping_value, int depth);

static int write_map(femit *f, const vmap *m, int indent, int depth)
{
	arena *a = f->out->a;
	const ventry *obuf[32];
	const ventry **order = m->len <= 32 ? obuf : arena_alloc_raw(a, m->len * sizeof(*order));
	for (uint32_t i = 0; i < m->len; i++)
		for (uint32_t k = 0; k < m->e[i].klen; k++)
			if ((unsigned char)m->e[i].key[k] >= 0x80)
				return -1; /* yaml_key_order would build rune arrays; the slow path
					      does it */
	yaml_key_order(a, m, order);
	indent = indent < 0 ? 0 : indent + 2;
	for (uint32_t i = 0; i < m->len; i++) {
		write_indent(f, indent);
		if (write_string(f, a, order[i]->key, order[i]->klen, true))
			return -1;
		write_indicator(f, ':', false, false, false);
		if (write_node(f, order[i]->val, indent, true, depth + 1))
			return -1;
	}
	return 0;
}

static int write_list(femit *f, const vlist *l, int indent, bool mapping_value, int depth)
{
	/* a list that is a map's value is not indented (yaml.v2's indentless sequence) */
	indent = indent < 0 ? 0 : mapping_value && !f->indention ? indent : indent + 2;
	for (uint32_t i = 0; i < l->len; i++) {
		write_indent(f, indent);
		write_indicator(f, '-', true, false, true);
		if (write_node(f, l->items[i], indent, false, depth + 1))
			return -1;
	}
	return 0;
}

static int write_node(femit *f, value v, int indent, bool mapping_value, int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	switch ((enum vkind)v.kind) {
	case V_NIL:
		write_word(f, "null", 4);
		return 0;
	case V_BOOL:
		write_word(f, v.u.b ? "true" : "false", v.u.b ? 4 : 5);
		return 0;
	case V_INT:
	case V_INT64:
		write_int(f, v.u.i);
		return 0;
	case V_FLOAT:
		if (!isfinite(v.u.f))
			return -1; /* the libyaml path reports json's error */
		write_float(f, v.u.f);
		return 0;
	case V_STRING:
		return write_string(f, f->out->a, v.u.s, v.len, false);
	case V_LIST:
		if (!v.u.l->len)
			break;
		return write_list(f, v.u.l, indent, mapping_value, depth);
	case V_MAP:
		if (!v.u.m->len)
			break;
		return write_map(f, v.u.m, indent, depth);
	case V_OBJ:
		return -1;
	}
	/* an empty list or map: libyaml's flow "[]" or "{}" */
	write_indicator(f, v.kind == V_LIST ? '[' : '{', true, true, false);
	write_indicator(f, v.kind == V_LIST ? ']' : '}', false, false, false);
	return 0;
}

int yaml_emit_fast(strbuf *out, value v)
{
	size_t start = out->len;
	femit f = {.out = out, .whitespace = true, .indention = true};
	if (write_node(&f, v, -1, false, 0)) {
		out->len = start;
		return 0;
	}
	/* the document end: libyaml breaks the last line (a root scalar's "..." is dropped) */
	if (f.column > 0)
		sb_addc(out, '\n');
	return 1;
}
