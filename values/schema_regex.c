/* schema_regex.c - the one PCRE2 user in values/: patterns for schema.c.
 *
 * A pattern is first read as Go's regexp/syntax reads it (what RE2 rejects is
 * rejected here, and \s, \v are rewritten to Go's meaning), then handed to PCRE2.
 * PCRE2 allocates through a general context whose allocator is the arena, so a
 * compiled pattern and its match data die with the render like everything else.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "pcre2_lazy.h"

#include <string.h>

#include "schema_regex.h"
#include "strbuf.h"

struct schema_re {
	pcre2_code *code;
	pcre2_general_context *gc;
};

static void *re_alloc(size_t n, void *ud)
{
	return arena_alloc(ud, n);
}
static void re_free(void *p, void *ud)
{
	(void)p, (void)ud;
}

/* Go's unicode.Categories and unicode.Scripts (Unicode 15), plus "Any": the names
 * \p{...} knows. PCRE2 knows more (L&, Xan, Alpha, loose spellings), Go does not. */
static const char *const go_props[] = {
    "Any",
    "C",
    "Cc",
    "Cf",
    "Co",
    "Cs",
    "L",
    "Ll",
    "Lm",
    "Lo",
    "Lt",
    "Lu",
    "M",
    "Mc",
    "Me",
    "Mn",
    "N",
    "Nd",
    "Nl",
    "No",
    "P",
    "Pc",
    "Pd",
    "Pe",
    "Pf",
    "Pi",
    "Po",
    "Ps",
    "S",
    "Sc",
    "Sk",
    "Sm",
    "So",
    "Z",
    "Zl",
    "Zp",
    "Zs",
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Kawi",
    "Katakana",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
    NULL,
};

static bool go_prop(const char *name, size_t n)
{
	if (n && name[0] == '^')
		name++, n--;
	for (size_t i = 0; go_props[i]; i++)
		if (strlen(go_props[i]) == n && !memcmp(go_props[i], name, n))
			return true;
	return false;
}

/* \p{Name} or \pL at p (just after the p); returns its length, 0 when Go rejects it. */
static size_t prop_len(const char *p, size_t n)
{
	if (!n)
		return 0;
	if (p[0] != '{')
		return go_prop(p, 1) ? 1 : 0;
	const char *e = memchr(p, '}', n);
	if (!e || !go_prop(p + 1, (size_t)(e - p - 1)))
		return 0;
	return (size_t)(e - p) + 1;
}

/* A counted repeat {n}, {n,} or {n,m} at p; returns its length (0 when `{` is a
 * literal, as Go reads it), or (size_t)-1 when a count is above Go's 1000. */
static size_t repeat_len(const char *p, size_t n)
{
	size_t i = 1;
	long lo = 0, hi = -1;
	if (i >= n || p[i] < '0' || p[i] > '9')
		return 0;
	while (i < n && p[i] >= '0' && p[i] <= '9' && lo <= 100000)
		lo = lo * 10 + (p[i++] - '0');
	if (i < n && p[i] == ',') {
		i++;
		if (i < n && p[i] >= '0' && p[i] <= '9')
			for (hi = 0; i < n && p[i] >= '0' && p[i] <= '9' && hi <= 100000; i++)
				hi = hi * 10 + (p[i] - '0');
	} else {
		hi = lo;
	}
	if (i >= n || p[i] != '}')
		return 0;
	if (lo > 1000 || hi > 1000 || (hi >= 0 && hi < lo))
		return (size_t)-1;
	return i + 1;
}

/* After "(?" at p: Go takes P<name>, <name>, and flag groups of imsU, (?flags) or
 * (?flags:...). Returns the length up to and with the closing '>', ')' or ':', 0
 * when Go rejects the group. */
static size_t group_len(const char *p, size_t n, bool *flag_only)
{
	size_t i = 0;
	bool neg = false, flag_after_neg = false;
	*flag_only = false;
	if (i < n && p[i] == 'P')
		i++;
	if (i < n && p[i] == '<') {
		if (i + 1 < n && (p[i + 1] == '=' || p[i + 1] == '!'))
			return 0;
		const char *e = memchr(p + i, '>', n - i);
		return e ? (size_t)(e - p) + 1 : 0;
	}
	if (i > 0)
		return 0;
	for (; i < n; i++) {
		if (p[i] == ':' || p[i] == ')') {
			if (neg && !flag_after_neg)
				return 0;
			*flag_only = p[i] == ')';
			return i + 1;
		}
		if (p[i] == '-' && !neg)
			neg = true;
		else if (p[i] && strchr("imsU", p[i]))
			flag_after_neg = neg;
		else
			return 0;
	}
	return 0;
}

/* Escapes Go knows outside a class; inside one \A \z \b \B \Q are not allowed. */
static bool escape_ok(char e, bool in_class)
{
	static const char go_escapes[] = "afnrtvxdDsSwWbBAzpPQ0";
	if (!((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')))
		return true;
	if (e >= '1' && e <= '7')
		return true; /* octal; a lone backreference digit was refused before */
	if (in_class && strchr("AzbBQ", e))
		return false;
	return strchr(go_escapes, e) != NULL;
}

/* The translation state: where the last atom (what a repeat applies to) and a run
 * of flag groups after it start in the output, and the open groups. */
typedef struct gotr {
	strbuf *out;
	arena *a;
	long atom, flags;
	bool last_repeat;
	long *groups;
	size_t depth;
} gotr;

static void atom(gotr *t)
{
	t->atom = (long)t->out->len;
	t->flags = -1;
	t->last_repeat = false;
}

static void no_atom(gotr *t)
{
	t->atom = t->flags = -1;
	t->last_repeat = false;
}

/* A repeat q. Go applies it to the atom before any flag groups ("a(?i)*" repeats
 * a) and refuses a repeat of a repeat or of nothing; PCRE2 gets (?:a)*(?i). */
static bool repeat(gotr *t, const char *q, size_t k)
{
	if (t->atom < 0 || t->last_repeat)
		return false;
	if (t->flags >= 0) {
		size_t blen = (size_t)(t->flags - t->atom), flen = t->out->len - (size_t)t->flags;
		char *body = arena_strndup(t->a, t->out->buf + t->atom, blen);
		char *flags = arena_strndup(t->a, t->out->buf + t->flags, flen);
		t->out->len = (size_t)t->atom;
		sb_adds(t->out, "(?:");
		sb_add(t->out, body, blen);
		sb_addc(t->out, ')');
		sb_add(t->out, q, k);
		t->flags = (long)t->out->len;
		sb_add(t->out, flags, flen);
	} else {
		sb_add(t->out, q, k);
	}
	t->last_repeat = true;
	return true;
}

/* An escape at p[i] == '\\'; returns the bytes consumed, 0 when Go rejects it. */
static size_t escape(gotr *t, const char *p, size_t i, size_t n, bool in_class)
{
	char next = i + 1 < n ? p[i + 1] : 0;
	strbuf *out = t->out;
	if (next >= '1' && next <= '7' && !(i + 2 < n && p[i + 2] >= '0' && p[i + 2] <= '7'))
		return 0;
	if (!escape_ok(next, in_class))
		return 0;
	if (!in_class)
		atom(t);
	if (next == 'p' || next == 'P') {
		size_t k = prop_len(p + i + 2, n - i - 2);
		if (!k)
			return 0;
		sb_add(out, p + i, k + 2);
		return k + 2;
	}
	if (next == 'x') {
		/* \x{10FFFF} or \xFF: the braces are no counted repeat */
		const char *e = i + 2 < n && p[i + 2] == '{' ? memchr(p + i, '}', n - i) : NULL;
		size_t k = e ? (size_t)(e - p) - i + 1 : (i + 4 <= n ? 4 : n - i);
		sb_add(out, p + i, k);
		return k;
	}
	if (next == 's')
		sb_adds(out, in_class ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]");
	else if (next == 'S' && !in_class)
		sb_adds(out, "[^\\t\\n\\f\\r ]");
	else if (next == 'v')
		sb_adds(out, "\\x0B");
	else if (!in_class && next && strchr("AzbB", next))
		sb_addf(out, "(?:\\%c)", next); /* Go repeats assertions, PCRE2 only groups */
	else
		sb_add(out, p + i, next ? 2 : 1);
	return next ? 2 : 1;
}

/* A group opening at p[i] == '('; returns the bytes consumed, 0 when Go rejects it. */
static size_t group(gotr *t, const char *p, size_t i, size_t n)
{
	size_t k = 1;
	bool flag_only = false;
	if (i + 1 < n && p[i + 1] == '*')
		return 0;
	if (i + 1 < n && p[i + 1] == '?') {
		size_t g = group_len(p + i + 2, n - i - 2, &flag_only);
		if (!g)
			return 0;
		k = g + 2;
	}
	if (flag_only) {
		if (t->flags < 0)
			t->flags = (long)t->out->len;
		t->last_repeat = false;
	} else {
		t->groups[t->depth++] = (long)t->out->len;
		no_atom(t);
	}
	sb_add(t->out, p + i, k);
	return k;
}

/* Copies the pattern into out as PCRE2 should see it, or returns false when Go's
 * regexp/syntax rejects it: lookaround, atomic groups, possessive and stacked
 * repeats, backreferences, verbs, unknown escapes, classes and flags. */
static bool go_translate(arena *a, const char *p, size_t n, strbuf *out)
{
	gotr t = {.out = out, .a = a, .atom = -1, .flags = -1};
	bool in_class = false;
	t.groups = arena_alloc(a, (n + 1) * sizeof(long));
	for (size_t i = 0; i < n; i++) {
		char ch = p[i], next = i + 1 < n ? p[i + 1] : 0;
		size_t k = 1;
		if (ch == '\\' && next == 'Q' && !in_class) {
			const char *e = memmem(p + i, n - i, "\\E", 2);
			k = e ? (size_t)(e - p) + 2 - i : n - i;
			atom(&t);
			sb_add(out, p + i, k);
		} else if (ch == '\\') {
			if (!(k = escape(&t, p, i, n, in_class)))
				return false;
		} else if (in_class && ch == '[' && next == ':') {
			const char *e = memmem(p + i, n - i, ":]", 2);
			k = e ? (size_t)(e - p) - i + 2 : 1;
			sb_add(out, p + i, k);
		} else if (in_class && ch == '[' && (next == '=' || next == '.')) {
			sb_adds(out, "\\["); /* Go has no [=a=] nor [.a.]: a plain [ */
		} else if (in_class) {
			in_class = ch != ']';
			sb_addc(out, ch);
		} else if (ch == '[') {
			in_class = true;
			atom(&t);
			sb_addc(out, ch);
			if (next == '^')
				sb_addc(out, p[i + k++]);
			if (i + k < n && p[i + k] == ']')
				sb_addc(out, p[i + k++]);
		} else if (ch == '(') {
			if (!(k = group(&t, p, i, n)))
				return false;
		} else if (ch == ')') {
			sb_addc(out, ch);
			if (t.depth) {
				t.atom = t.groups[--t.depth];
				t.flags = -1, t.last_repeat = false;
			}
		} else if (ch == '|') {
			sb_addc(out, ch);
			no_atom(&t);
		} else if (ch == '^' || ch == '$') {
			atom(&t);
			sb_addf(out, "(?:%c)", ch);
		} else if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
			k = ch == '{' ? repeat_len(p + i, n - i) : 1;
			if (k == (size_t)-1)
				return false;
			if (!k) {
				k = 1;
				atom(&t);
				sb_addc(out, ch);
			} else {
				if (i + k < n && p[i + k] == '+')
					return false;
				if (i + k < n && p[i + k] == '?')
					k++;
				if (!repeat(&t, p + i, k))
					return false;
			}
		} else {
			if (((unsigned char)ch & 0xC0) != 0x80)
				atom(&t);
			sb_addc(out, ch);
		}
		i += k - 1;
	}
	return true;
}

schema_re *schema_re_compile(arena *a, const char *pat, size_t n)
{
	int code;
	PCRE2_SIZE off;
	strbuf tr;
	sb_init(&tr, a);
	if (!go_translate(a, pat, n, &tr))
		return NULL;
	schema_re *re = arena_alloc(a, sizeof *re);
	re->gc = pcre2_general_context_create(re_alloc, re_free, a);
	pcre2_compile_context *cc = pcre2_compile_context_create(re->gc);
	re->code = pcre2_compile((PCRE2_SPTR)sb_str(&tr), tr.len,
				 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY, &code,
				 &off, cc);
	return re->code ? re : NULL;
}

bool schema_re_match(arena *a, const schema_re *re, const char *s, size_t n)
{
	(void)a;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, re->gc);
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	return rc >= 0;
}
