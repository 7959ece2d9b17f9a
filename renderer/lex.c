/* lex.c - Go 1.23 text/template's lexer: text, actions, trim markers, comments,
 * strings, numbers, keywords. Each lex_next call runs the state machine until
 * one item is produced, as Go's nextItem does; positions are byte offsets and
 * each item carries the line it starts on. Delimiters are fixed to {{ and }}.
 * The hot states (spaces, identifiers, fields, strings, text) scan bytes
 * directly: every byte that ends them is ASCII, and UTF-8 never reuses ASCII
 * bytes inside a multi-byte rune, so only letters past ASCII need decoding.
 */
#include <string.h>

#include "../values/gofmt.h"
#include "internal.h"

#define LEOF (-1)

enum lstate {
	S_NONE,
	S_TEXT,
	S_LDELIM,
	S_COMMENT,
	S_RDELIM,
	S_INSIDE,
	S_SPACE,
	S_IDENT,
	S_FIELD,
	S_VARIABLE,
	S_CHAR,
	S_NUMBER,
	S_QUOTE,
	S_RAWQUOTE,
};

typedef struct lx {
	lexer *l;
	item *out;
	int width;
} lx;

static const struct {
	const char *word;
	size_t len;
	enum itype typ;
} keywords[] = {
    /* sorted: a search stops past the word's first letter */
    {".", 1, IT_DOT},
    {"block", 5, IT_BLOCK},
    {"break", 5, IT_BREAK},
    {"continue", 8, IT_CONTINUE},
    {"define", 6, IT_DEFINE},
    {"else", 4, IT_ELSE},
    {"end", 3, IT_END},
    {"if", 2, IT_IF},
    {"nil", 3, IT_NIL},
    {"range", 5, IT_RANGE},
    {"template", 8, IT_TEMPLATE},
    {"with", 4, IT_WITH},
};

void lex_init(lexer *l, arena *a, const char *input, size_t len)
{
	memset(l, 0, sizeof *l);
	l->input = input;
	l->len = (uint32_t)len;
	l->line = l->start_line = 1;
	l->a = a;
	l->break_ok = l->continue_ok = true;
}

static bool is_space(int r)
{
	return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

/* Rough unicode.IsLetter/IsDigit for non-ASCII: the main alphabetic blocks. */
static const struct {
	int lo, hi;
} letter_ranges[] = {
    {0xAA, 0xAA},     {0xB5, 0xB5},	{0xBA, 0xBA},	  {0xC0, 0xD6},	    {0xD8, 0xF6},
    {0xF8, 0x2C1},    {0x370, 0x3FF},	{0x400, 0x52F},	  {0x531, 0x587},   {0x5D0, 0x5EA},
    {0x620, 0x64A},   {0x660, 0x669},	{0x904, 0x939},	  {0xE01, 0xE30},   {0x10A0, 0x10FF},
    {0x1E00, 0x1FFF}, {0x3041, 0x3096}, {0x30A1, 0x30FA}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
    {0xAC00, 0xD7A3}, {0xFF10, 0xFF19}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A},
};

static bool is_ascii_alnum(int r)
{
	return r == '_' || (unsigned)((r | 0x20) - 'a') < 26 || (unsigned)(r - '0') < 10;
}

static bool is_alnum(int r)
{
	if (r < 0x80)
		return is_ascii_alnum(r);
	for (size_t i = 0; r >= 0x80 && i < sizeof letter_ranges / sizeof *letter_ranges; i++)
		if (r >= letter_ranges[i].lo && r <= letter_ranges[i].hi)
			return true;
	return false;
}

/* Decodes one UTF-8 rune; invalid bytes decode as U+FFFD of width 1. */
static int decode_rune(const unsigned char *s, size_t n, int *w)
{
	unsigned c = s[0];
	int need = c < 0x80		   ? 0
		   : c >= 0xF0 && c < 0xF5 ? 3
		   : c >= 0xE0		   ? 2
		   : c >= 0xC2 && c < 0xE0 ? 1
					   : -1;
	if (need == 0) {
		*w = 1;
		return (int)c;
	}
	if (need < 0 || (size_t)need >= n) {
		*w = 1;
		return 0xFFFD;
	}
	int r = (int)(c & (0x3F >> need));
	for (int i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*w = 1;
			return 0xFFFD;
		}
		r = (r << 6) | (s[i] & 0x3F);
	}
	static const int minv[] = {0, 0x80, 0x800, 0x10000};
	if (r < minv[need] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) {
		*w = 1;
		return 0xFFFD;
	}
	*w = need + 1;
	return r;
}

static int lnext(lx *x)
{
	lexer *l = x->l;
	if (l->pos >= l->len) {
		l->at_eof = true;
		x->width = 0;
		return LEOF;
	}
	int r = decode_rune((const unsigned char *)l->input + l->pos, l->len - l->pos, &x->width);
	l->pos += (uint32_t)x->width;
	if (r == '\n')
		l->line++;
	return r;
}

static void lbackup(lx *x)
{
	lexer *l = x->l;
	if (!l->at_eof && l->pos > 0 && x->width > 0) {
		l->pos -= (uint32_t)x->width;
		if (l->input[l->pos] == '\n')
			l->line--;
	}
	l->at_eof = false;
}

static int lpeek(lx *x)
{
	int r = lnext(x);
	lbackup(x);
	return r;
}

static bool has_prefix(const lexer *l, uint32_t at, const char *p)
{
	size_t n = strlen(p);
	return at <= l->len && l->len - at >= n && memcmp(l->input + at, p, n) == 0;
}

static int count_nl(const char *s, uint32_t n)
{
	int c = 0;
	for (uint32_t i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

static enum lstate emit(lx *x, enum itype t)
{
	lexer *l = x->l;
	*x->out = (item){t, l->start, l->input + l->start, l->pos - l->start, l->start_line};
	l->start = l->pos;
	l->start_line = l->line;
	return S_NONE;
}

static void ignore(lexer *l)
{
	l->line += count_nl(l->input + l->start, l->pos - l->start);
	l->start = l->pos;
	l->start_line = l->line;
}

static enum lstate lerrorf(lx *x, const char *msg)
{
	lexer *l = x->l;
	*x->out = (item){IT_ERROR, l->start, msg, (uint32_t)strlen(msg), l->start_line};
	l->done = true;
	return S_NONE;
}

/* Go's %q of a piece of input. */
static const char *quoted(lexer *l, uint32_t from, uint32_t to)
{
	strbuf sb;
	sb_init(&sb, l->a);
	go_quote(&sb, l->input + from, to - from);
	return sb_str(&sb);
}

/* Go's %#U: U+0041 'A'. */
static const char *fmt_rune(arena *a, int r)
{
	if (r >= 0x20 && r != 0x7F && r != 0xFFFD) {
		char u[5] = {0};
		if (r < 0x80)
			u[0] = (char)r;
		else if (r < 0x800) {
			u[0] = (char)(0xC0 | (r >> 6));
			u[1] = (char)(0x80 | (r & 0x3F));
		} else if (r < 0x10000) {
			u[0] = (char)(0xE0 | (r >> 12));
			u[1] = (char)(0x80 | ((r >> 6) & 0x3F));
			u[2] = (char)(0x80 | (r & 0x3F));
		} else {
			u[0] = (char)(0xF0 | (r >> 18));
			u[1] = (char)(0x80 | ((r >> 12) & 0x3F));
			u[2] = (char)(0x80 | ((r >> 6) & 0x3F));
			u[3] = (char)(0x80 | (r & 0x3F));
		}
		return arena_sprintf(a, "U+%04X '%s'", (unsigned)r, u);
	}
	return arena_sprintf(a, "U+%04X", (unsigned)r);
}

static bool left_trim_marker(const lexer *l, uint32_t at)
{
	return at + 2 <= l->len && l->input[at] == '-' && is_space((unsigned char)l->input[at + 1]);
}

static bool right_trim_marker(const lexer *l, uint32_t at)
{
	return at + 2 <= l->len && is_space((unsigned char)l->input[at]) && l->input[at + 1] == '-';
}

static bool is_rdelim(const lexer *l, uint32_t at)
{
	return at <= l->len && l->len - at >= 2 && l->input[at] == '}' && l->input[at + 1] == '}';
}

static bool at_right_delim(const lexer *l, bool *trim)
{
	*trim = false;
	if (l->pos >= l->len)
		return false;
	char c = l->input[l->pos]; /* "}}" or " -}}" */
	if (c == '}')
		return is_rdelim(l, l->pos);
	if (right_trim_marker(l, l->pos) && is_rdelim(l, l->pos + 2))
		return *trim = true;
	return false;
}

/* Advances over letters and digits; returns the rune that stopped the run (LEOF at the end). */
static int scan_alnum(lexer *l)
{
	while (l->pos < l->len) {
		int c = (unsigned char)l->input[l->pos], w = 1;
		if (c < 0x80) {
			if (!is_ascii_alnum(c))
				return c;
			l->pos++;
			continue;
		}
		c = decode_rune((const unsigned char *)l->input + l->pos, l->len - l->pos, &w);
		if (!is_alnum(c))
			return c;
		l->pos += (uint32_t)w;
	}
	return LEOF;
}

static enum lstate st_text(lx *x)
{
	lexer *l = x->l;
	/* memchr is much cheaper than memmem for a two-byte needle */
	const char *p = l->input + l->pos, *end = l->input + l->len;
	while ((p = memchr(p, '{', (size_t)(end - p))) && (p + 1 == end || p[1] != '{'))
		p++;
	if (p) {
		uint32_t at = (uint32_t)(p - l->input);
		if (at > l->pos) {
			l->pos = at;
			uint32_t trim = 0;
			if (left_trim_marker(l, at + 2))
				while (trim < l->pos - l->start &&
				       is_space((unsigned char)l->input[l->pos - trim - 1]))
					trim++;
			l->pos -= trim;
			l->line += count_nl(l->input + l->start, l->pos - l->start);
			item it = {IT_TEXT, l->start, l->input + l->start, l->pos - l->start,
				   l->start_line};
			l->start = l->pos;
			l->start_line = l->line;
			l->pos += trim;
			ignore(l);
			if (it.len > 0) {
				*x->out = it;
				return S_NONE;
			}
		}
		return S_LDELIM;
	}
	l->pos = l->len;
	if (l->pos > l->start) {
		l->line += count_nl(l->input + l->start, l->pos - l->start);
		return emit(x, IT_TEXT);
	}
	return emit(x, IT_EOF);
}

static enum lstate st_ldelim(lx *x)
{
	lexer *l = x->l;
	l->pos += 2;
	uint32_t after = left_trim_marker(l, l->pos) ? 2 : 0;
	if (has_prefix(l, l->pos + after, "/*")) {
		l->pos += after;
		ignore(l);
		return S_COMMENT;
	}
	item it = {IT_LDELIM, l->start, l->input + l->start, l->pos - l->start, l->start_line};
	l->start = l->pos;
	l->start_line = l->line;
	l->inside_action = true;
	l->pos += after;
	ignore(l);
	l->paren_depth = 0;
	*x->out = it;
	return S_NONE;
}

static enum lstate st_comment(lx *x)
{
	lexer *l = x->l;
	l->pos += 2;
	const char *p = memmem(l->input + l->pos, l->len - l->pos, "*/", 2);
	if (!p)
		return lerrorf(x, "unclosed comment");
	l->pos = (uint32_t)(p - l->input) + 2;
	bool trim;
	if (!at_right_delim(l, &trim))
		return lerrorf(x, "comment ends before closing delimiter");
	/* Go's lexComment takes the comment as an item without counting its
	 * newlines: lines after a multi-line comment are reported that much lower */
	l->start = l->pos;
	l->start_line = l->line;
	l->pos += trim ? 4 : 2;
	if (trim)
		while (l->pos < l->len && is_space((unsigned char)l->input[l->pos]))
			l->pos++;
	ignore(l);
	return S_TEXT;
}

static enum lstate st_rdelim(lx *x)
{
	lexer *l = x->l;
	bool trim;
	at_right_delim(l, &trim);
	if (trim) {
		l->pos += 2;
		ignore(l);
	}
	l->pos += 2;
	item it = {IT_RDELIM, l->start, l->input + l->start, l->pos - l->start, l->start_line};
	l->start = l->pos;
	l->start_line = l->line;
	if (trim) {
		while (l->pos < l->len && is_space((unsigned char)l->input[l->pos]))
			l->pos++;
		ignore(l);
	}
	l->inside_action = false;
	*x->out = it;
	return S_NONE;
}

static enum lstate inside_punct(lx *x, int r)
{
	lexer *l = x->l;
	switch (r) {
	case '=':
		return emit(x, IT_ASSIGN);
	case ':':
		if (lnext(x) != '=')
			return lerrorf(x, "expected :=");
		return emit(x, IT_DECLARE);
	case '|':
		return emit(x, IT_PIPE);
	case '"':
		return S_QUOTE;
	case '`':
		return S_RAWQUOTE;
	case '$':
		return S_VARIABLE;
	case '\'':
		return S_CHAR;
	case '(':
		l->paren_depth++;
		return emit(x, IT_LPAREN);
	case ')':
		l->paren_depth--;
		if (l->paren_depth < 0)
			return lerrorf(x, "unexpected right paren");
		return emit(x, IT_RPAREN);
	}
	if (r < 0x80 && r >= 0x20 && r != 0x7F)
		return emit(x, IT_CHAR);
	return lerrorf(
	    x, arena_sprintf(l->a, "unrecognized character in action: %s", fmt_rune(l->a, r)));
}

static enum lstate st_inside(lx *x)
{
	lexer *l = x->l;
	bool trim;
	if (at_right_delim(l, &trim)) {
		if (l->paren_depth == 0)
			return S_RDELIM;
		return lerrorf(x, "unclosed left paren");
	}
	if (l->pos >= l->len)
		return lerrorf(x, "unclosed action");
	/* look at the next rune without taking it; states that want it take it */
	int r = (unsigned char)l->input[l->pos], w = 1;
	if (r >= 0x80)
		r = decode_rune((const unsigned char *)l->input + l->pos, l->len - l->pos, &w);
	if (is_space(r))
		return S_SPACE;
	if (r == '.' && l->pos + 1 < l->len &&
	    (l->input[l->pos + 1] < '0' || l->input[l->pos + 1] > '9')) {
		l->pos++;
		return S_FIELD;
	}
	if (r == '.' || r == '+' || r == '-' || (r >= '0' && r <= '9'))
		return S_NUMBER;
	if (is_alnum(r))
		return S_IDENT;
	l->pos += (uint32_t)w; /* never a newline: that is a space */
	x->width = w;
	return inside_punct(x, r);
}

static enum lstate st_space(lx *x)
{
	lexer *l = x->l;
	int n = 0;
	while (l->pos < l->len && is_space((unsigned char)l->input[l->pos])) {
		l->line += l->input[l->pos] == '\n';
		l->pos++;
		n++;
	}
	if (right_trim_marker(l, l->pos - 1) && is_rdelim(l, l->pos + 1)) {
		l->pos--; /* the space before " -}}" belongs to the delimiter */
		l->line -= l->input[l->pos] == '\n';
		if (n == 1)
			return S_RDELIM;
	}
	return emit(x, IT_SPACE);
}

static bool at_terminator(lx *x)
{
	const lexer *l = x->l;
	if (l->pos >= l->len)
		return true;
	int r = (unsigned char)l->input[l->pos]; /* a rune past ASCII is no terminator */
	if (is_space(r))
		return true;
	switch (r) {
	case '.':
	case ',':
	case '|':
	case ':':
	case ')':
	case '(':
		return true;
	}
	return is_rdelim(l, l->pos);
}

static enum lstate st_ident(lx *x)
{
	lexer *l = x->l;
	int r = scan_alnum(l);
	if (!at_terminator(x))
		return lerrorf(x, arena_sprintf(l->a, "bad character %s", fmt_rune(l->a, r)));
	const char *w = l->input + l->start;
	size_t n = l->pos - l->start;
	for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++) {
		if (keywords[i].word[0] > w[0])
			break;
		if (keywords[i].len == n && memcmp(keywords[i].word, w, n) == 0) {
			enum itype t = keywords[i].typ;
			if ((t == IT_BREAK && !l->break_ok) ||
			    (t == IT_CONTINUE && !l->continue_ok))
				t = IT_IDENT;
			return emit(x, t);
		}
	}
	if (w[0] == '.')
		return emit(x, IT_FIELD);
	if ((n == 4 && !memcmp(w, "true", 4)) || (n == 5 && !memcmp(w, "false", 5)))
		return emit(x, IT_BOOL);
	return emit(x, IT_IDENT);
}

static enum lstate field_or_var(lx *x, enum itype typ)
{
	lexer *l = x->l;
	if (at_terminator(x))
		return emit(x, typ == IT_VARIABLE ? IT_VARIABLE : IT_DOT);
	int r = scan_alnum(l);
	if (!at_terminator(x))
		return lerrorf(x, arena_sprintf(l->a, "bad character %s", fmt_rune(l->a, r)));
	return emit(x, typ);
}

static enum lstate st_variable(lx *x)
{
	if (at_terminator(x))
		return emit(x, IT_VARIABLE);
	return field_or_var(x, IT_VARIABLE);
}

/* Bytewise: the quote, backslash and newline are ASCII, and skipping the
 * first byte of an escaped rune is enough (its other bytes are never special). */
static enum lstate st_quote(lx *x, int q, const char *msg, enum itype t)
{
	lexer *l = x->l;
	for (;;) {
		if (l->pos >= l->len)
			return lerrorf(x, msg);
		int c = (unsigned char)l->input[l->pos++];
		if (c == '\\') {
			if (l->pos < l->len && l->input[l->pos] != '\n') {
				l->pos++;
				continue;
			}
			return lerrorf(x, msg);
		}
		if (c == '\n')
			return lerrorf(x, msg);
		if (c == q)
			return emit(x, t);
	}
}

static enum lstate st_rawquote(lx *x)
{
	lexer *l = x->l;
	const char *p = memchr(l->input + l->pos, '`', l->len - l->pos);
	if (!p) {
		l->pos = l->len;
		return lerrorf(x, "unterminated raw quoted string");
	}
	uint32_t end = (uint32_t)(p - l->input) + 1;
	l->line += count_nl(l->input + l->pos, end - l->pos);
	l->pos = end;
	return emit(x, IT_RAWSTRING);
}

static bool accept(lx *x, const char *valid)
{
	int r = lnext(x);
	if (r > 0 && r < 0x80 && strchr(valid, r))
		return true;
	lbackup(x);
	return false;
}

static void accept_run(lx *x, const char *valid)
{
	while (accept(x, valid))
		;
}

static bool scan_number(lx *x)
{
	accept(x, "+-");
	const char *digits = "0123456789_";
	if (accept(x, "0")) {
		if (accept(x, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (accept(x, "oO"))
			digits = "01234567_";
		else if (accept(x, "bB"))
			digits = "01_";
	}
	accept_run(x, digits);
	if (accept(x, "."))
		accept_run(x, digits);
	if (strlen(digits) == 11 && accept(x, "eE")) {
		accept(x, "+-");
		accept_run(x, "0123456789_");
	}
	if (strlen(digits) == 23 && accept(x, "pP")) {
		accept(x, "+-");
		accept_run(x, "0123456789_");
	}
	accept(x, "i");
	int r = lpeek(x);
	if (is_alnum(r)) {
		lnext(x);
		return false;
	}
	return true;
}

static enum lstate st_number(lx *x)
{
	lexer *l = x->l;
	if (!scan_number(x))
		return lerrorf(
		    x, arena_sprintf(l->a, "bad number syntax: %s", quoted(l, l->start, l->pos)));
	int sign = lpeek(x);
	if (sign == '+' || sign == '-') {
		if (!scan_number(x) || l->input[l->pos - 1] != 'i')
			return lerrorf(x, arena_sprintf(l->a, "bad number syntax: %s",
							quoted(l, l->start, l->pos)));
		return emit(x, IT_COMPLEX);
	}
	return emit(x, IT_NUMBER);
}

static enum lstate run_state(lx *x, enum lstate s)
{
	switch (s) {
	case S_TEXT:
		return st_text(x);
	case S_LDELIM:
		return st_ldelim(x);
	case S_COMMENT:
		return st_comment(x);
	case S_RDELIM:
		return st_rdelim(x);
	case S_INSIDE:
		return st_inside(x);
	case S_SPACE:
		return st_space(x);
	case S_IDENT:
		return st_ident(x);
	case S_FIELD:
		return field_or_var(x, IT_FIELD);
	case S_VARIABLE:
		return st_variable(x);
	case S_CHAR:
		return st_quote(x, '\'', "unterminated character constant", IT_CHARCONST);
	case S_NUMBER:
		return st_number(x);
	case S_QUOTE:
		return st_quote(x, '"', "unterminated quoted string", IT_STRING);
	case S_RAWQUOTE:
		return st_rawquote(x);
	case S_NONE:
		break;
	}
	return S_NONE;
}

void lex_next(lexer *l, item *it)
{
	*it = (item){IT_EOF, l->pos, "EOF", 3, l->start_line};
	if (l->done)
		return;
	lx x = {l, it, 0};
	enum lstate s = l->inside_action ? S_INSIDE : S_TEXT;
	while (s != S_NONE)
		s = run_state(&x, s);
	if (it->typ == IT_EOF)
		l->done = true;
}
