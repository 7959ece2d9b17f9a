/* toml.c - Helm's toToml and fromToml (BurntSushi/toml v1.4.0, as Helm 3.17.3 links it).
 *
 * fromToml follows the library's own design so that what it accepts (odd cases
 * included), its error texts and their line numbers come out the same: a lexer of
 * small states with a state stack feeds a parser that builds the Go mapping with
 * the library's implicit-table and duplicate-key bookkeeping. toToml is its
 * encoder over our values. Input size, key depth and nesting are capped.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../values/gofmt.h"
#include "../values/strbuf.h"
#include "args.h"
#include "functions.h"

#define TOML_MAX_INPUT	   ((size_t)8 << 20) /* bytes of one document */
#define TOML_MAX_STACK	   512		     /* lexer states: bounds array/inline nesting */
#define TOML_MAX_KEY	   128		     /* parts of one table's full key */
#define TOML_MAX_ENC_DEPTH 1000		     /* toToml recursion (values may be cyclic) */

static const char GT_MAPLIST[] = "[]map[string]interface {}";

/* ---- TOML datetimes: Go's time.Time with BurntSushi's local zones ---- */

enum { TT_OFFSET, TT_LOCAL_DATETIME, TT_LOCAL_DATE, TT_LOCAL_TIME };

typedef struct ttime {
	int64_t sec; /* Unix seconds of the instant */
	int32_t nsec;
	int32_t off;	  /* seconds east of UTC of the zone it is shown in */
	const char *zone; /* abbreviation; "" prints the numeric offset */
	int kind;
} ttime;

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floordiv(y, 400), yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = floordiv(z, 146097), doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static void put_year(strbuf *sb, int64_t y)
{
	if (y < 0)
		sb_addc(sb, '-'), y = -y;
	sb_addf(sb, "%04lld", (long long)y);
}

/* Date and time of the wall clock at offset off; parts selects date (1), time (2). */
static void put_wall(strbuf *sb, const ttime *t, int32_t off, int parts, char sep)
{
	int64_t wall = t->sec + off, days = floordiv(wall, 86400), s = wall - days * 86400;
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	if (parts & 1) {
		put_year(sb, y);
		sb_addf(sb, "-%02d-%02d", m, d);
	}
	if (parts == 3)
		sb_addc(sb, sep);
	if (parts & 2) {
		sb_addf(sb, "%02d:%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
		if (t->nsec) {
			char frac[16];
			snprintf(frac, sizeof frac, ".%09d", (int)t->nsec);
			size_t k = strlen(frac);
			while (frac[k - 1] == '0')
				k--;
			sb_add(sb, frac, k);
		}
	}
}

/* Go's Z07:00 (colon true) or -0700 zone forms. */
static void put_offset(strbuf *sb, int32_t off, bool colon, bool z)
{
	if (z && off == 0) {
		sb_addc(sb, 'Z');
		return;
	}
	int32_t a = off < 0 ? -off : off;
	sb_addf(sb, colon ? "%c%02d:%02d" : "%c%02d%02d", off < 0 ? '-' : '+', (int)(a / 3600),
		(int)(a / 60 % 60));
}

static void put_rfc3339(strbuf *sb, const ttime *t)
{
	put_wall(sb, t, t->off, 3, 'T');
	put_offset(sb, t->off, true, true);
}

static const char *ttime_string(arena *a, const vobj *o)
{
	const ttime *t = o->data;
	strbuf sb;
	sb_init(&sb, a);
	put_wall(&sb, t, t->off, 3, ' ');
	sb_addc(&sb, ' ');
	put_offset(&sb, t->off, false, false);
	sb_addc(&sb, ' ');
	if (*t->zone)
		sb_adds(&sb, t->zone);
	else
		put_offset(&sb, t->off, false, false);
	return sb_str(&sb);
}

static value ttime_plain(arena *a, const vobj *o)
{
	strbuf sb;
	sb_init(&sb, a);
	put_rfc3339(&sb, o->data);
	return v_str(a, sb_str(&sb), sb.len);
}

static bool ttime_field(arena *a, const vobj *o, const char *name, value *out)
{
	(void)a, (void)o, (void)name, (void)out;
	return false;
}

/* The wall-clock field i (0 year, 1 day, 2 hour, 3 minute, 4 second) of a TOML local time. */
static value ttime_part(value recv, int i)
{
	const ttime *t = recv.u.o->data;
	int64_t wall = t->sec + t->off, days = floordiv(wall, 86400), s = wall - days * 86400, y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	int64_t parts[] = {y, d, s / 3600, s / 60 % 60, s % 60};
	return v_int(parts[i]);
}

static value m_year(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return ttime_part(argv[0], 0);
}
static value m_day(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return ttime_part(argv[0], 1);
}
static value m_hour(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return ttime_part(argv[0], 2);
}
static value m_minute(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return ttime_part(argv[0], 3);
}
static value m_second(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return ttime_part(argv[0], 4);
}

static value m_unix(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int64(((const ttime *)argv[0].u.o->data)->sec);
}

static value m_string(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, ttime_string(c->a, argv[0].u.o));
}

static const fn_def ttime_methods[] = {
    {"Year", m_year, "o"},     {"Day", m_day, "o"},
    {"Hour", m_hour, "o"},     {"Minute", m_minute, "o"},
    {"Second", m_second, "o"}, {"Unix", m_unix, "o"},
    {"String", m_string, "o"}, {0},
};

static const vclass ttime_class = {
    .gotype = "time.Time",
    .field = ttime_field,
    .methods = ttime_methods,
    .to_plain = ttime_plain,
    .to_string = ttime_string,
    .kind = "struct",
};

/* The process's zone at Unix time t (Go's time.Local). */
static int32_t local_zone(int64_t t, const char **abbr)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm)) {
		*abbr = "UTC";
		return 0;
	}
	*abbr = tm.tm_zone ? tm.tm_zone : "UTC";
	return (int32_t)tm.tm_gmtoff;
}

/* ---- small hash map: 64-bit key -> 32-bit value ---- */

typedef struct imap {
	uint64_t *k;
	uint32_t *v;
	uint32_t cap, len;
} imap;

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* Slot of key (keys are stored +1 so that 0 marks an empty slot). */
static uint32_t imap_slot(const imap *m, uint64_t key)
{
	uint32_t i = (uint32_t)mix64(key) & (m->cap - 1);
	while (m->k[i] && m->k[i] != key + 1)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool imap_get(const imap *m, uint64_t key, uint32_t *out)
{
	if (!m->cap)
		return false;
	uint32_t i = imap_slot(m, key);
	if (!m->k[i])
		return false;
	*out = m->v[i];
	return true;
}

static void imap_put(arena *a, imap *m, uint64_t key, uint32_t val)
{
	if ((m->len + 1) * 10 >= m->cap * 7) {
		imap old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->k = arena_alloc(a, m->cap * sizeof(uint64_t));
		m->v = arena_alloc(a, m->cap * sizeof(uint32_t));
		m->len = 0;
		for (uint32_t i = 0; i < old.cap; i++)
			if (old.k[i])
				imap_put(a, m, old.k[i] - 1, old.v[i]);
	}
	uint32_t i = imap_slot(m, key);
	if (!m->k[i])
		m->k[i] = key + 1, m->len++;
	m->v[i] = val;
}

/* ---- Go's %q of a rune ---- */

/* strconv.IsPrint for non-ASCII runes, close enough: the format, control, space,
 * surrogate and private-use ranges are not printable. */
static bool is_print(int32_t r)
{
	static const int32_t no[][2] = {
	    {0x80, 0xa0},	{0xad, 0xad},	     {0x600, 0x605},	 {0x61c, 0x61c},
	    {0x6dd, 0x6dd},	{0x70f, 0x70f},	     {0x1680, 0x1680},	 {0x180e, 0x180e},
	    {0x2000, 0x200f},	{0x2028, 0x202f},    {0x205f, 0x2064},	 {0x2066, 0x206f},
	    {0x3000, 0x3000},	{0xd800, 0xf8ff},    {0xfeff, 0xfeff},	 {0xfff9, 0xfffb},
	    {0xfffe, 0xffff},	{0x110bd, 0x110bd},  {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},
	    {0xe0001, 0xe007f}, {0xf0000, 0x10ffff},
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (r >= no[i][0] && r <= no[i][1])
			return false;
	return true;
}

static void quote_rune(strbuf *sb, int32_t r)
{
	static const char esc[] = "\a\b\f\n\r\t\v", letters[] = "abfnrtv";
	sb_addc(sb, '\'');
	const char *e = r > 0 && r < 0x80 ? strchr(esc, (int)r) : NULL;
	if (r == '\'' || r == '\\')
		sb_addc(sb, '\\'), sb_addc(sb, (char)r);
	else if (e)
		sb_addc(sb, '\\'), sb_addc(sb, letters[e - esc]);
	else if (r < 0x20 || r == 0x7f)
		sb_addf(sb, "\\x%02x", (unsigned)r);
	else if (!is_print(r))
		sb_addf(sb, r < 0x10000 ? "\\u%04x" : "\\U%08x", (unsigned)r);
	else
		utf8_put(sb, r);
	sb_addc(sb, '\'');
}

/* ---- the lexer ---- */

enum itype {
	IT_ERROR,
	IT_EOF,
	IT_TEXT,
	IT_STRING,
	IT_RAWSTRING,
	IT_MLSTRING,
	IT_RAWMLSTRING,
	IT_BOOL,
	IT_INT,
	IT_FLOAT,
	IT_DATETIME,
	IT_ARRAY,
	IT_ARRAYEND,
	IT_TABLESTART,
	IT_TABLEEND,
	IT_AOTSTART,
	IT_AOTEND,
	IT_KEYSTART,
	IT_KEYEND,
	IT_COMMENT,
	IT_INLSTART,
	IT_INLEND,
};

typedef struct item {
	int typ;
	int line;
	const char *val; /* IT_ERROR: the message */
	size_t len;
} item;

enum lstate {
	L_NONE,
	L_TOP,
	L_TOPEND,
	L_TABLESTART,
	L_TABLEEND,
	L_AOTEND,
	L_TNAMESTART,
	L_TNAMEEND,
	L_BARENAME,
	L_QUOTEDNAME,
	L_KEYSTART,
	L_KEYNAMESTART,
	L_KEYEND,
	L_VALUE,
	L_ARRAYVALUE,
	L_ARRAYVALUEEND,
	L_ARRAYEND,
	L_INLVALUE,
	L_INLVALUEEND,
	L_INLEND,
	L_STRING,
	L_MLSTRING,
	L_RAWSTRING,
	L_RAWMLSTRING,
	L_MLSTRINGESC,
	L_STRINGESC,
	L_SHORTU,
	L_LONGU,
	L_NUMDATESTART,
	L_NUMDATE,
	L_DATETIME,
	L_HEX,
	L_OCT,
	L_BIN,
	L_DECIMAL,
	L_DECIMALSTART,
	L_BASENUMDATE,
	L_FLOAT,
	L_BOOL,
	L_COMMENTSTART,
	L_COMMENT,
	L_COUNT,
};

#define R_EOF 0

typedef struct lexer {
	arena *a;
	const char *in;
	size_t n, start, pos;
	int line;
	int prevw[4], nprev;
	bool at_eof, dead;
	unsigned char stack[TOML_MAX_STACK];
	int sp;
	item *q;
	size_t qhead, qlen, qcap;
	int state;
} lexer;

static void lx_push_item(lexer *lx, item it)
{
	if (lx->dead)
		return;
	if (lx->qlen == lx->qcap) {
		size_t cap = lx->qcap ? lx->qcap * 2 : 16;
		lx->q = arena_realloc(lx->a, lx->q, lx->qcap * sizeof(item), cap * sizeof(item));
		lx->qcap = cap;
	}
	lx->q[lx->qlen++] = it;
}

static void lx_emit(lexer *lx, int typ)
{
	lx_push_item(lx, (item){typ, lx->line, lx->in + lx->start, lx->pos - lx->start});
	lx->start = lx->pos;
}

static void lx_emit_trim(lexer *lx, int typ)
{
	size_t s = lx->start, e = lx->pos;
	while (s < e && strchr(" \t\n\r\v\f", lx->in[s]))
		s++;
	while (e > s && strchr(" \t\n\r\v\f", lx->in[e - 1]))
		e--;
	lx_push_item(lx, (item){typ, lx->line, lx->in + s, e - s});
	lx->start = lx->pos;
}

/* Messages are counted: a few quote the input's runes, NUL among them. */
static int lx_fail_n(lexer *lx, int line, const char *msg, size_t len)
{
	if (!lx->dead) {
		lx_push_item(lx, (item){IT_ERROR, line, msg, len});
		lx->dead = true;
	}
	return L_NONE;
}

static int lx_fail_at(lexer *lx, int line, const char *msg)
{
	return lx_fail_n(lx, line, msg, strlen(msg));
}

/* Go's lx.error/errorf: at EOF the error is placed on the previous line. */
static int lx_fail(lexer *lx, const char *msg)
{
	return lx_fail_at(lx, lx->at_eof ? lx->line - 1 : lx->line, msg);
}

static int lx_failf(lexer *lx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lx_failf(lexer *lx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	const char *m = arena_strdup(lx->a, msg ? msg : "");
	free(msg);
	return lx_fail(lx, m);
}

/* "<prefix><%q of r><suffix>" */
static int lx_fail_rune(lexer *lx, const char *prefix, int32_t r, const char *suffix)
{
	strbuf sb;
	sb_init(&sb, lx->a);
	sb_adds(&sb, prefix);
	quote_rune(&sb, r);
	sb_adds(&sb, suffix);
	return lx_fail(lx, sb_str(&sb));
}

static int lx_fail_str(lexer *lx, const char *prefix, const char *s, size_t n, const char *suffix)
{
	strbuf sb;
	sb_init(&sb, lx->a);
	sb_adds(&sb, prefix);
	go_quote(&sb, s, n);
	sb_adds(&sb, suffix);
	return lx_fail(lx, sb_str(&sb));
}

static bool is_ws(int32_t r)
{
	return r == '\t' || r == ' ';
}
static bool is_nl(int32_t r)
{
	return r == '\n' || r == '\r';
}
static bool is_digit(int32_t r)
{
	return r >= '0' && r <= '9';
}
static bool is_hex(int32_t r)
{
	return is_digit(r) || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F');
}
static bool is_bare(int32_t r)
{
	return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || is_digit(r) || r == '_' ||
	       r == '-';
}

static int32_t lx_next(lexer *lx)
{
	if (lx->dead)
		return R_EOF;
	if (lx->pos >= lx->n) {
		lx->at_eof = true;
		return R_EOF;
	}
	if (lx->in[lx->pos] == '\n')
		lx->line++;
	memmove(lx->prevw + 1, lx->prevw, 3 * sizeof(int));
	if (lx->nprev < 4)
		lx->nprev++;
	int w;
	int32_t r = utf8_decode(lx->in + lx->pos, lx->n - lx->pos, &w);
	if (r == 0xFFFD) {
		char msg[48];
		snprintf(msg, sizeof msg, "invalid UTF-8 byte: 0x%02x",
			 (unsigned char)lx->in[lx->pos]);
		lx_fail(lx, arena_strdup(lx->a, msg));
		return 0xFFFD;
	}
	if ((r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f ||
	    (r == '\r' && (lx->pos + 1 == lx->n || lx->in[lx->pos + 1] != '\n'))) {
		char msg[80];
		snprintf(msg, sizeof msg, "TOML files cannot contain control characters: '0x%02x'",
			 (unsigned)r);
		lx_fail_at(lx, lx->line, arena_strdup(lx->a, msg));
		return 0xFFFD;
	}
	lx->prevw[0] = w;
	lx->pos += (size_t)w;
	return r;
}

static void lx_backup(lexer *lx)
{
	if (lx->dead)
		return;
	if (lx->at_eof) {
		lx->at_eof = false;
		return;
	}
	if (lx->nprev < 1) {
		lx_fail(lx, "BUG in lexer: backed up too far");
		return;
	}
	lx->pos -= (size_t)lx->prevw[0];
	memmove(lx->prevw, lx->prevw + 1, 3 * sizeof(int));
	lx->nprev--;
	if (lx->pos < lx->n && lx->in[lx->pos] == '\n')
		lx->line--;
}

static bool lx_accept(lexer *lx, int32_t want)
{
	if (lx_next(lx) == want)
		return true;
	lx_backup(lx);
	return false;
}

static int32_t lx_peek(lexer *lx)
{
	int32_t r = lx_next(lx);
	lx_backup(lx);
	return r;
}

static void lx_ignore(lexer *lx)
{
	lx->start = lx->pos;
}

static void lx_skip_ws(lexer *lx)
{
	for (;;) {
		int32_t r = lx_next(lx);
		if (is_ws(r))
			continue;
		lx_backup(lx);
		lx_ignore(lx);
		return;
	}
}

static void lx_push(lexer *lx, int state)
{
	if (lx->sp == TOML_MAX_STACK) {
		lx_fail(lx, "document nested too deeply");
		return;
	}
	lx->stack[lx->sp++] = (unsigned char)state;
}

static int lx_pop(lexer *lx)
{
	if (lx->sp == 0)
		return lx_fail(lx, "BUG in lexer: no states to pop");
	return lx->stack[--lx->sp];
}

static int l_top(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_ws(r) || is_nl(r)) {
		lx_ignore(lx);
		return L_TOP;
	}
	if (r == '#') {
		lx_push(lx, L_TOP);
		return L_COMMENTSTART;
	}
	if (r == '[')
		return L_TABLESTART;
	if (r == R_EOF) {
		if (lx->pos > lx->start)
			return lx_fail(lx, "unexpected EOF");
		lx_emit(lx, IT_EOF);
		return L_NONE;
	}
	lx_backup(lx);
	lx_push(lx, L_TOPEND);
	return L_KEYSTART;
}

static int l_topend(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (r == '#') {
		lx_push(lx, L_TOP);
		return L_COMMENTSTART;
	}
	if (is_ws(r))
		return L_TOPEND;
	if (is_nl(r)) {
		lx_ignore(lx);
		return L_TOP;
	}
	if (r == R_EOF) {
		lx_emit(lx, IT_EOF);
		return L_NONE;
	}
	return lx_fail_rune(
	    lx, "expected a top-level item to end with a newline, comment, or EOF, but got ", r,
	    " instead");
}

static int l_tablestart(lexer *lx)
{
	if (lx_peek(lx) == '[') {
		lx_next(lx);
		lx_emit(lx, IT_AOTSTART);
		lx_push(lx, L_AOTEND);
	} else {
		lx_emit(lx, IT_TABLESTART);
		lx_push(lx, L_TABLEEND);
	}
	return L_TNAMESTART;
}

static int l_tableend(lexer *lx)
{
	lx_emit(lx, IT_TABLEEND);
	return L_TOPEND;
}

static int l_aotend(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (r != ']')
		return lx_fail_rune(lx, "expected end of table array name delimiter ']', but got ",
				    r, " instead");
	lx_emit(lx, IT_AOTEND);
	return L_TOPEND;
}

static int l_tnamestart(lexer *lx)
{
	lx_skip_ws(lx);
	int32_t r = lx_peek(lx);
	if (r == ']' || r == R_EOF)
		return lx_fail(lx, "unexpected end of table name (table names cannot be empty)");
	if (r == '.')
		return lx_fail(lx, "unexpected table separator (table names cannot be empty)");
	if (r == '"' || r == '\'') {
		lx_ignore(lx);
		lx_push(lx, L_TNAMEEND);
		return L_QUOTEDNAME;
	}
	lx_push(lx, L_TNAMEEND);
	return L_BARENAME;
}

static int l_tnameend(lexer *lx)
{
	lx_skip_ws(lx);
	int32_t r = lx_next(lx);
	if (is_ws(r))
		return L_TNAMEEND;
	if (r == '.') {
		lx_ignore(lx);
		return L_TNAMESTART;
	}
	if (r == ']')
		return lx_pop(lx);
	return lx_fail_rune(lx, "expected '.' or ']' to end table name, but got ", r, " instead");
}

static int l_barename(lexer *lx)
{
	if (is_bare(lx_next(lx)))
		return L_BARENAME;
	lx_backup(lx);
	lx_emit(lx, IT_TEXT);
	return lx_pop(lx);
}

static int l_quotedname(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_ws(r)) {
		lx_ignore(lx);
		return L_VALUE;
	}
	if (r == '"') {
		lx_ignore(lx);
		return L_STRING;
	}
	if (r == '\'') {
		lx_ignore(lx);
		return L_RAWSTRING;
	}
	if (r == R_EOF)
		return lx_fail(lx, "unexpected EOF; expected value");
	return lx_fail_rune(lx, "expected value but found ", r, " instead");
}

static int l_keystart(lexer *lx)
{
	lx_skip_ws(lx);
	int32_t r = lx_peek(lx);
	if (r == '=' || r == R_EOF)
		return lx_fail(lx, "unexpected '=': key name appears blank");
	if (r == '.')
		return lx_fail(lx, "unexpected '.': keys cannot start with a '.'");
	if (r == '"' || r == '\'')
		lx_ignore(lx);
	lx_emit(lx, IT_KEYSTART);
	return L_KEYNAMESTART;
}

static int l_keynamestart(lexer *lx)
{
	lx_skip_ws(lx);
	int32_t r = lx_peek(lx);
	if (r == '=' || r == R_EOF)
		return lx_fail(lx, "unexpected '='");
	if (r == '.')
		return lx_fail(lx, "unexpected '.'");
	lx_push(lx, L_KEYEND);
	if (r == '"' || r == '\'') {
		lx_ignore(lx);
		return L_QUOTEDNAME;
	}
	return L_BARENAME;
}

static int l_keyend(lexer *lx)
{
	lx_skip_ws(lx);
	int32_t r = lx_next(lx);
	if (is_ws(r)) {
		lx_ignore(lx);
		return L_KEYEND;
	}
	if (r == R_EOF)
		return lx_fail(lx, "unexpected EOF; expected key separator '='");
	if (r == '.') {
		lx_ignore(lx);
		return L_KEYNAMESTART;
	}
	if (r == '=') {
		lx_emit(lx, IT_KEYEND);
		lx_ignore(lx);
		return L_VALUE;
	}
	return lx_fail_rune(lx, "expected '.' or '=', but got ", r, " instead");
}

static int l_value(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_ws(r)) {
		lx_ignore(lx);
		return L_VALUE;
	}
	if (is_digit(r)) {
		lx_backup(lx);
		return L_NUMDATESTART;
	}
	switch (r) {
	case '[':
		lx_ignore(lx);
		lx_emit(lx, IT_ARRAY);
		return L_ARRAYVALUE;
	case '{':
		lx_ignore(lx);
		lx_emit(lx, IT_INLSTART);
		return L_INLVALUE;
	case '"':
	case '\'':
		if (lx_accept(lx, r)) {
			if (lx_accept(lx, r)) {
				lx_ignore(lx);
				return r == '"' ? L_MLSTRING : L_RAWMLSTRING;
			}
			lx_backup(lx);
		}
		lx_ignore(lx);
		return r == '"' ? L_STRING : L_RAWSTRING;
	case '.':
		return lx_fail(lx, "floats must start with a digit, not '.'");
	case 'i':
	case 'n':
		if ((lx_accept(lx, 'n') && lx_accept(lx, 'f')) ||
		    (lx_accept(lx, 'a') && lx_accept(lx, 'n'))) {
			lx_emit(lx, IT_FLOAT);
			return lx_pop(lx);
		}
		break;
	case '-':
	case '+':
		return L_DECIMALSTART;
	}
	if (uni_is_letter(r)) {
		lx_backup(lx);
		return L_BOOL;
	}
	if (r == R_EOF)
		return lx_fail(lx, "unexpected EOF; expected value");
	return lx_fail_rune(lx, "expected value but found ", r, " instead");
}

static int l_arrayvalue(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_ws(r) || is_nl(r)) {
		lx_ignore(lx);
		return L_ARRAYVALUE;
	}
	if (r == '#') {
		lx_push(lx, L_ARRAYVALUE);
		return L_COMMENTSTART;
	}
	if (r == ',')
		return lx_fail(lx, "unexpected comma");
	if (r == ']')
		return L_ARRAYEND;
	lx_backup(lx);
	lx_push(lx, L_ARRAYVALUEEND);
	return L_VALUE;
}

/* Go's runeOrEOF. */
static const char *rune_or_eof(lexer *lx, int32_t r)
{
	if (r == R_EOF)
		return "end of file";
	strbuf sb;
	sb_init(&sb, lx->a);
	sb_addc(&sb, '\'');
	utf8_put(&sb, r);
	sb_addc(&sb, '\'');
	return sb_str(&sb);
}

static int l_arrayvalueend(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_ws(r) || is_nl(r)) {
		lx_ignore(lx);
		return L_ARRAYVALUEEND;
	}
	if (r == '#') {
		lx_push(lx, L_ARRAYVALUEEND);
		return L_COMMENTSTART;
	}
	if (r == ',') {
		lx_ignore(lx);
		return L_ARRAYVALUE;
	}
	if (r == ']')
		return L_ARRAYEND;
	return lx_failf(lx, "expected a comma (',') or array terminator (']'), but got %s",
			rune_or_eof(lx, r));
}

static int l_arrayend(lexer *lx)
{
	lx_ignore(lx);
	lx_emit(lx, IT_ARRAYEND);
	return lx_pop(lx);
}

static int l_inlvalue(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_ws(r)) {
		lx_ignore(lx);
		return L_INLVALUE;
	}
	if (is_nl(r))
		return lx_fail_at(lx, lx->line - 1, "newlines not allowed within inline tables");
	if (r == '#') {
		lx_push(lx, L_INLVALUE);
		return L_COMMENTSTART;
	}
	if (r == ',')
		return lx_fail(lx, "unexpected comma");
	if (r == '}')
		return L_INLEND;
	lx_backup(lx);
	lx_push(lx, L_INLVALUEEND);
	return L_KEYSTART;
}

static int l_inlvalueend(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_ws(r)) {
		lx_ignore(lx);
		return L_INLVALUEEND;
	}
	if (is_nl(r))
		return lx_fail_at(lx, lx->line - 1, "newlines not allowed within inline tables");
	if (r == '#') {
		lx_push(lx, L_INLVALUEEND);
		return L_COMMENTSTART;
	}
	if (r == ',') {
		lx_ignore(lx);
		lx_skip_ws(lx);
		if (lx_peek(lx) == '}')
			return lx_fail(lx, "trailing comma not allowed in inline tables");
		return L_INLVALUE;
	}
	if (r == '}')
		return L_INLEND;
	return lx_failf(lx,
			"expected a comma or an inline table terminator '}', but got %s instead",
			rune_or_eof(lx, r));
}

static int l_inlend(lexer *lx)
{
	lx_ignore(lx);
	lx_emit(lx, IT_INLEND);
	return lx_pop(lx);
}

static int l_string(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (r == R_EOF)
		return lx_fail(lx, "unexpected EOF; expected '\"'");
	if (is_nl(r))
		return lx_fail_at(lx, lx->line - 1, "strings cannot contain newlines");
	if (r == '\\') {
		lx_push(lx, L_STRING);
		return L_STRINGESC;
	}
	if (r == '"') {
		lx_backup(lx);
		lx_emit(lx, IT_STRING);
		lx_next(lx);
		lx_ignore(lx);
		return lx_pop(lx);
	}
	return L_STRING;
}

static int l_rawstring(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (r == R_EOF)
		return lx_fail(lx, "unexpected EOF; expected \"'\"");
	if (is_nl(r))
		return lx_fail_at(lx, lx->line - 1, "strings cannot contain newlines");
	if (r == '\'') {
		lx_backup(lx);
		lx_emit(lx, IT_RAWSTRING);
		lx_next(lx);
		lx_ignore(lx);
		return lx_pop(lx);
	}
	return L_RAWSTRING;
}

/* The end of a multi-line string: q is the quote, self the state to stay in. */
static int ml_quote(lexer *lx, char q, int self, int typ)
{
	if (!lx_accept(lx, q))
		return self;
	if (!lx_accept(lx, q)) {
		lx_backup(lx);
		return self;
	}
	if (lx_peek(lx) == q) {
		char five[5];
		memset(five, q, 5);
		if (lx->pos - lx->start >= 5 && !memcmp(lx->in + lx->pos - 5, five, 5))
			return lx_fail(lx, q == '"' ? "unexpected '\"\"\"\"\"\"'"
						    : "unexpected \"''''''\"");
		lx_backup(lx);
		lx_backup(lx);
		return self;
	}
	lx_backup(lx);
	lx_backup(lx);
	lx_backup(lx);
	lx_emit(lx, typ);
	lx_next(lx);
	lx_next(lx);
	lx_next(lx);
	lx_ignore(lx);
	return lx_pop(lx);
}

static int l_mlstring(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (r == R_EOF)
		return lx_fail(lx, "unexpected EOF; expected '\"\"\"'");
	if (r == '\\')
		return L_MLSTRINGESC;
	if (r == '"')
		return ml_quote(lx, '"', L_MLSTRING, IT_MLSTRING);
	return L_MLSTRING;
}

static int l_rawmlstring(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (r == R_EOF)
		return lx_fail(lx, "unexpected EOF; expected \"'''\"");
	if (r == '\'')
		return ml_quote(lx, '\'', L_RAWMLSTRING, IT_RAWMLSTRING);
	return L_RAWMLSTRING;
}

static int l_stringesc(lexer *lx)
{
	int32_t r = lx_next(lx);
	switch (r) {
	case 'b':
	case 't':
	case 'n':
	case 'f':
	case 'r':
	case '"':
	case ' ':
	case '\t':
	case '\\':
		return lx_pop(lx);
	case 'u':
		return L_SHORTU;
	case 'U':
		return L_LONGU;
	}
	strbuf sb;
	sb_init(&sb, lx->a);
	sb_adds(&sb, "invalid escape in string '\\");
	if (r == R_EOF)
		sb_addc(&sb, 0);
	else
		utf8_put(&sb, r);
	sb_addc(&sb, '\'');
	return lx_fail_n(lx, lx->at_eof ? lx->line - 1 : lx->line, sb.buf, sb.len);
}

static int l_mlstringesc(lexer *lx)
{
	if (is_nl(lx_next(lx)))
		return L_MLSTRING;
	lx_backup(lx);
	lx_push(lx, L_MLSTRING);
	return l_stringesc(lx);
}

static int unicode_esc(lexer *lx, int digits, const char *what)
{
	for (int i = 0; i < digits; i++)
		if (!is_hex(lx_next(lx)))
			return lx_fail_str(lx, what, lx->in + lx->start, lx->pos - lx->start,
					   " instead");
	return lx_pop(lx);
}

static int l_shortu(lexer *lx)
{
	return unicode_esc(lx, 4, "expected four hexadecimal digits after '\\u', but got ");
}

static int l_longu(lexer *lx)
{
	return unicode_esc(lx, 8, "expected eight hexadecimal digits after '\\U', but got ");
}

static int l_numdatestart(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (r == '0')
		return L_BASENUMDATE;
	if (!is_digit(r))
		return lx_fail_rune(lx, "expected a digit but got ", r, "");
	return L_NUMDATE;
}

static int emit_number(lexer *lx, int typ)
{
	lx_backup(lx);
	lx_emit(lx, typ);
	return lx_pop(lx);
}

static int l_numdate(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_digit(r))
		return L_NUMDATE;
	if (r == '-' || r == ':')
		return L_DATETIME;
	if (r == '_')
		return L_DECIMAL;
	if (r == '.' || r == 'e' || r == 'E')
		return L_FLOAT;
	return emit_number(lx, IT_INT);
}

static int l_datetime(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_digit(r) || (r && strchr("-:Tt .Zz+", (int)r) && r < 0x80))
		return L_DATETIME;
	lx_backup(lx);
	lx_emit_trim(lx, IT_DATETIME);
	return lx_pop(lx);
}

static int l_hex(lexer *lx)
{
	int32_t r = lx_next(lx);
	return is_hex(r) || r == '_' ? L_HEX : emit_number(lx, IT_INT);
}

static int l_oct(lexer *lx)
{
	int32_t r = lx_next(lx);
	return (r >= '0' && r <= '7') || r == '_' ? L_OCT : emit_number(lx, IT_INT);
}

static int l_bin(lexer *lx)
{
	int32_t r = lx_next(lx);
	return r == '0' || r == '1' || r == '_' ? L_BIN : emit_number(lx, IT_INT);
}

static int l_decimal(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_digit(r) || r == '_')
		return L_DECIMAL;
	if (r == '.' || r == 'e' || r == 'E')
		return L_FLOAT;
	return emit_number(lx, IT_INT);
}

static int l_decimalstart(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (r == 'i' || r == 'n') {
		bool ok = r == 'i' ? lx_accept(lx, 'n') && lx_accept(lx, 'f')
				   : lx_accept(lx, 'a') && lx_accept(lx, 'n');
		if (!ok)
			return lx_failf(lx, "invalid float: '%.*s'", (int)(lx->pos - lx->start),
					lx->in + lx->start);
		lx_emit(lx, IT_FLOAT);
		return lx_pop(lx);
	}
	if (r == '0') {
		int32_t p = lx_peek(lx);
		if (p == 'b' || p == 'o' || p == 'x')
			return lx_failf(lx, "cannot use sign with non-decimal numbers: '%.*s%c'",
					(int)(lx->pos - lx->start), lx->in + lx->start, (char)p);
	}
	if (r == '.')
		return lx_fail(lx, "floats must start with a digit, not '.'");
	if (is_digit(r))
		return L_DECIMAL;
	return lx_fail_rune(lx, "expected a digit but got ", r, "");
}

static int base_prefix(lexer *lx, bool (*ok)(int32_t), const char *what, int next)
{
	int32_t r = lx_peek(lx);
	if (!ok(r)) {
		strbuf sb;
		sb_init(&sb, lx->a);
		sb_adds(&sb, what);
		sb_add(&sb, lx->in + lx->start, lx->pos - lx->start);
		if (r == R_EOF)
			sb_addc(&sb, 0);
		else
			utf8_put(&sb, r);
		sb_addc(&sb, '\'');
		lx_fail_n(lx, lx->at_eof ? lx->line - 1 : lx->line, sb.buf, sb.len);
	}
	return next;
}

static bool is_bin(int32_t r)
{
	return r == '0' || r == '1';
}
static bool is_oct(int32_t r)
{
	return r >= '0' && r <= '7';
}

static int l_basenumdate(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_digit(r))
		return L_NUMDATE;
	switch (r) {
	case '_':
		return L_DECIMAL;
	case '.':
	case 'e':
	case 'E':
		return L_FLOAT;
	case 'b':
		return base_prefix(lx, is_bin, "not a binary number: '", L_BIN);
	case 'o':
		return base_prefix(lx, is_oct, "not an octal number: '", L_OCT);
	case 'x':
		return base_prefix(lx, is_hex, "not a hexidecimal number: '", L_HEX);
	}
	return emit_number(lx, IT_INT);
}

static int l_float(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_digit(r) || (r && r < 0x80 && strchr("_.-+eE", (int)r)))
		return L_FLOAT;
	return emit_number(lx, IT_FLOAT);
}

static int l_bool(lexer *lx)
{
	size_t from = lx->pos;
	for (;;) {
		int32_t r = lx_next(lx);
		if (!uni_is_letter(r) || r == 0xFFFD) {
			lx_backup(lx);
			break;
		}
	}
	const char *s = lx->in + from;
	size_t n = lx->pos - from;
	if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5))) {
		lx_emit(lx, IT_BOOL);
		return lx_pop(lx);
	}
	return lx_fail_str(lx, "expected value but found ", s, n, " instead");
}

static int l_commentstart(lexer *lx)
{
	lx_ignore(lx);
	lx_emit(lx, IT_COMMENT);
	return L_COMMENT;
}

static int l_comment(lexer *lx)
{
	int32_t r = lx_next(lx);
	if (is_nl(r) || r == R_EOF) {
		lx_backup(lx);
		lx_emit(lx, IT_TEXT);
		return lx_pop(lx);
	}
	return L_COMMENT;
}

static int (*const lstates[L_COUNT])(lexer *) = {
    [L_TOP] = l_top,
    [L_TOPEND] = l_topend,
    [L_TABLESTART] = l_tablestart,
    [L_TABLEEND] = l_tableend,
    [L_AOTEND] = l_aotend,
    [L_TNAMESTART] = l_tnamestart,
    [L_TNAMEEND] = l_tnameend,
    [L_BARENAME] = l_barename,
    [L_QUOTEDNAME] = l_quotedname,
    [L_KEYSTART] = l_keystart,
    [L_KEYNAMESTART] = l_keynamestart,
    [L_KEYEND] = l_keyend,
    [L_VALUE] = l_value,
    [L_ARRAYVALUE] = l_arrayvalue,
    [L_ARRAYVALUEEND] = l_arrayvalueend,
    [L_ARRAYEND] = l_arrayend,
    [L_INLVALUE] = l_inlvalue,
    [L_INLVALUEEND] = l_inlvalueend,
    [L_INLEND] = l_inlend,
    [L_STRING] = l_string,
    [L_MLSTRING] = l_mlstring,
    [L_RAWSTRING] = l_rawstring,
    [L_RAWMLSTRING] = l_rawmlstring,
    [L_MLSTRINGESC] = l_mlstringesc,
    [L_STRINGESC] = l_stringesc,
    [L_SHORTU] = l_shortu,
    [L_LONGU] = l_longu,
    [L_NUMDATESTART] = l_numdatestart,
    [L_NUMDATE] = l_numdate,
    [L_DATETIME] = l_datetime,
    [L_HEX] = l_hex,
    [L_OCT] = l_oct,
    [L_BIN] = l_bin,
    [L_DECIMAL] = l_decimal,
    [L_DECIMALSTART] = l_decimalstart,
    [L_BASENUMDATE] = l_basenumdate,
    [L_FLOAT] = l_float,
    [L_BOOL] = l_bool,
    [L_COMMENTSTART] = l_commentstart,
    [L_COMMENT] = l_comment,
};

static item lx_item(lexer *lx)
{
	while (lx->qhead == lx->qlen) {
		lx->qhead = lx->qlen = 0;
		if (lx->state == L_NONE || lx->dead)
			return (item){IT_EOF, lx->line, "", 0};
		lx->state = lstates[lx->state](lx);
		if (lx->dead)
			lx->state = L_NONE;
	}
	return lx->q[lx->qhead++];
}

/* ---- the parser: Go's mapping with BurntSushi's bookkeeping ---- */

enum { N_TABLE, N_AOT, N_ARRAY, N_SCALAR };

typedef struct tnode {
	int kind;
	uint32_t id;		     /* N_TABLE: its number in the entry map */
	uint32_t *keys, nkeys, kcap; /* N_TABLE: atoms in first-insertion order */
	struct tnode **items;	     /* N_AOT tables, N_ARRAY values */
	uint32_t n, cap;
	value v; /* N_SCALAR */
} tnode;

typedef struct katom {
	const char *s; /* NUL-terminated arena copy */
	uint32_t n;
} katom;

/* A key path: atoms, and for each prefix its path number (for the flag maps). */
typedef struct kpath {
	uint32_t *a;
	int n;
} kpath;

typedef struct parser {
	arena *a;
	fnctx *fc; /* the calling template function, for toDate */
	lexer lx;
	jmp_buf jb;
	value err;
	tnode *root;
	/* atoms: interned key strings */
	katom *atoms;
	uint32_t natoms, acap;
	imap atom_ix; /* hash of bytes -> chain of atoms (we probe linearly by hash) */
	/* entries of every table: (table id << 32 | atom) -> node index */
	imap entries;
	tnode **nodes;
	uint32_t nnodes, ncap, ntables;
	/* paths: (parent path << 32 | atom) -> path number; flags per path */
	imap paths;
	unsigned char *pflags; /* 1 implicit, 2 array */
	uint32_t npaths, pcap;
	kpath ctx;
	const uint32_t *wc_a; /* the last table walk: key, depth, tables, generation */
	int wc_n;
	tnode *wc_nodes[TOML_MAX_KEY + 2];
	uint32_t wc_gen, gen; /* gen changes when a walk could end elsewhere */
	const uint32_t *pc_a; /* p_path's last key and its path number */
	int pc_n;
	uint32_t pc_ids[TOML_MAX_KEY + 2];
	uint32_t cur; /* current key atom; 0 = none (atom 0 is "") */
	bool has_cur;
	int pos_line;
} parser;

#define PF_IMPLICIT 1
#define PF_ARRAY    2

static noreturn void p_fail_line(parser *p, int line, const char *msg);

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* The atom of a key string (interned: equal strings, equal atoms). */
static uint32_t p_atom(parser *p, const char *s, size_t n)
{
	uint64_t h = hash_bytes(s, n) & 0x7fffffffffffffffULL;
	for (uint64_t probe = h;; probe = (probe + 1) & 0x7fffffffffffffffULL) {
		uint32_t ix;
		if (!imap_get(&p->atom_ix, probe, &ix))
			break;
		if (p->atoms[ix].n == n && !memcmp(p->atoms[ix].s, s, n))
			return ix;
	}
	if (p->natoms == p->acap) {
		uint32_t cap = p->acap ? p->acap * 2 : 64;
		p->atoms =
		    arena_realloc(p->a, p->atoms, p->acap * sizeof(katom), cap * sizeof(katom));
		p->acap = cap;
	}
	uint64_t probe = h;
	uint32_t ix;
	while (imap_get(&p->atom_ix, probe, &ix))
		probe = (probe + 1) & 0x7fffffffffffffffULL;
	p->atoms[p->natoms] = (katom){arena_strndup(p->a, s, n), (uint32_t)n};
	imap_put(p->a, &p->atom_ix, probe, p->natoms);
	return p->natoms++;
}

static tnode *new_node(parser *p, int kind)
{
	tnode *t = arena_alloc(p->a, sizeof *t);
	t->kind = kind;
	if (kind == N_TABLE)
		t->id = p->ntables++;
	return t;
}

static tnode *tab_get(parser *p, tnode *t, uint32_t atom)
{
	uint32_t ix;
	if (!imap_get(&p->entries, (uint64_t)t->id << 32 | atom, &ix))
		return NULL;
	return p->nodes[ix];
}

static void tab_set(parser *p, tnode *t, uint32_t atom, tnode *val)
{
	uint64_t key = (uint64_t)t->id << 32 | atom;
	uint32_t ix;
	if (imap_get(&p->entries, key, &ix)) {
		p->nodes[ix] = val;
		p->gen++;
		return;
	}
	if (p->nnodes == p->ncap) {
		uint32_t cap = p->ncap ? p->ncap * 2 : 64;
		p->nodes =
		    arena_realloc(p->a, p->nodes, p->ncap * sizeof(tnode *), cap * sizeof(tnode *));
		p->ncap = cap;
	}
	p->nodes[p->nnodes] = val;
	imap_put(p->a, &p->entries, key, p->nnodes++);
	if (t->nkeys == t->kcap) {
		uint32_t cap = t->kcap ? t->kcap * 2 : 8;
		t->keys = arena_realloc(p->a, t->keys, t->kcap * sizeof(uint32_t),
					cap * sizeof(uint32_t));
		t->kcap = cap;
	}
	t->keys[t->nkeys++] = atom;
}

static void node_push(parser *p, tnode *list, tnode *elem)
{
	p->gen++;
	if (list->n == list->cap) {
		uint32_t cap = list->cap ? list->cap * 2 : 4;
		list->items = arena_realloc(p->a, list->items, list->cap * sizeof(tnode *),
					    cap * sizeof(tnode *));
		list->cap = cap;
	}
	list->items[list->n++] = elem;
}

/* Path number of a key path (path 0 is the root, the empty path). */
static uint32_t path_child(parser *p, uint32_t id, uint32_t atom)
{
	uint64_t key = (uint64_t)id << 32 | atom;
	uint32_t next;
	if (!imap_get(&p->paths, key, &next)) {
		if (p->npaths + 1 >= p->pcap) {
			uint32_t cap = p->pcap ? p->pcap * 2 : 64;
			p->pflags = arena_realloc(p->a, p->pflags, p->pcap, cap);
			p->pcap = cap;
		}
		next = ++p->npaths;
		imap_put(p->a, &p->paths, key, next);
	}
	return next;
}

/* Key arrays are never changed once built, so the last lookup's prefix is reused:
 * a dotted key's parts and the context are walked once, not once per part. */
static uint32_t p_path(parser *p, const uint32_t *k, int n)
{
	bool keep = n <= TOML_MAX_KEY + 1;
	int m = 0;
	if (p->pc_a && keep) {
		int lim = p->pc_n < n ? p->pc_n : n;
		if (p->pc_a == k)
			m = lim;
		else
			while (m < lim && p->pc_a[m] == k[m])
				m++;
	}
	uint32_t id = m ? p->pc_ids[m] : 0;
	for (int i = m; i < n; i++) {
		id = path_child(p, id, k[i]);
		if (keep)
			p->pc_ids[i + 1] = id;
	}
	if (keep)
		p->pc_a = k, p->pc_n = n;
	return id;
}

/* Go's Key.maybeQuoted. */
static void put_key_part(strbuf *sb, const char *s, size_t n);

static const char *key_string(parser *p, const uint32_t *k, int n)
{
	strbuf sb;
	sb_init(&sb, p->a);
	for (int i = 0; i < n; i++) {
		if (i)
			sb_addc(&sb, '.');
		put_key_part(&sb, p->atoms[k[i]].s, p->atoms[k[i]].n);
	}
	return sb_str(&sb);
}

/* Go's parser.current(): the last key, for error messages. */
static const char *p_current(parser *p)
{
	const char *ctx = key_string(p, p->ctx.a, p->ctx.n);
	if (!p->has_cur || p->atoms[p->cur].n == 0)
		return ctx;
	if (p->ctx.n == 0)
		return p->atoms[p->cur].s;
	return arena_sprintf(p->a, "%s.%s", ctx, p->atoms[p->cur].s);
}

static noreturn void p_fail_n(parser *p, int line, const char *msg, size_t len)
{
	const char *last = p_current(p);
	strbuf sb;
	sb_init(&sb, p->a);
	sb_addf(&sb, "toml: line %d", line);
	if (*last) {
		sb_adds(&sb, " (last key ");
		go_quote(&sb, last, strlen(last));
		sb_addc(&sb, ')');
	}
	sb_adds(&sb, ": ");
	sb_add(&sb, msg, len);
	p->err = v_str(p->a, sb.buf, sb.len);
	longjmp(p->jb, 1);
}

static noreturn void p_fail_line(parser *p, int line, const char *msg)
{
	p_fail_n(p, line, msg, strlen(msg));
}

static noreturn void p_failf(parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static noreturn void p_failf(parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	const char *m = arena_strdup(p->a, msg ? msg : "");
	free(msg);
	p_fail_line(p, line, m);
}

static item p_next(parser *p)
{
	item it = lx_item(&p->lx);
	if (it.typ == IT_ERROR)
		p_fail_n(p, it.line, it.val, it.len);
	return it;
}

static kpath kp_copy(parser *p, const uint32_t *k, int n, int extra)
{
	kpath c = {arena_alloc(p->a, (size_t)(n + extra + 1) * sizeof(uint32_t)), n};
	if (n)
		memcpy(c.a, k, (size_t)n * sizeof(uint32_t));
	return c;
}

static void set_id_flag(parser *p, uint32_t id, int flag, bool on)
{
	if (on)
		p->pflags[id] |= (unsigned char)flag;
	else
		p->pflags[id] &= (unsigned char)~flag;
}

static void set_flag(parser *p, const uint32_t *k, int n, int flag, bool on)
{
	set_id_flag(p, p_path(p, k, n), flag, on);
}

/* The key context + key, for messages. */
static const char *ctx_key_string(parser *p, uint32_t key)
{
	kpath k = kp_copy(p, p->ctx.a, p->ctx.n, 1);
	k.a[k.n++] = key;
	return key_string(p, k.a, k.n);
}

/* setType: the type of context + key (key UINT32_MAX: the context itself). */
static void p_set_type(parser *p, uint32_t key, bool is_array)
{
	uint32_t id = p_path(p, p->ctx.a, p->ctx.n);
	if (key != UINT32_MAX && p->atoms[key].n)
		id = path_child(p, id, key);
	else if (p->ctx.n == 0)
		id = path_child(p, 0, p_atom(p, "", 0));
	set_id_flag(p, id, PF_ARRAY, is_array);
}

/* Tables are found by walking a key from the root; a walk starts where the last
 * one left off when the keys share a prefix (the parts and tables are the same). */
static int walk_from(parser *p, const uint32_t *k, int n, tnode **hash)
{
	int m = 0;
	if (p->wc_a && p->wc_gen == p->gen) {
		int lim = p->wc_n < n ? p->wc_n : n;
		if (p->wc_a == k)
			m = lim;
		else
			while (m < lim && p->wc_a[m] == k[m])
				m++;
	}
	*hash = m ? p->wc_nodes[m] : p->root;
	return m;
}

static void walk_done(parser *p, const uint32_t *k, int n)
{
	p->wc_a = k, p->wc_n = n, p->wc_gen = p->gen;
}

static void p_set_value(parser *p, uint32_t key, tnode *val)
{
	tnode *hash;
	for (int i = walk_from(p, p->ctx.a, p->ctx.n, &hash); i < p->ctx.n; i++) {
		tnode *t = tab_get(p, hash, p->ctx.a[i]);
		if (!t)
			p_failf(p, p->pos_line,
				"BUG: context for key '%s' has not been established",
				key_string(p, p->ctx.a, i + 1));
		if (t->kind == N_AOT)
			hash = t->items[t->n - 1];
		else if (t->kind == N_TABLE)
			hash = t;
		else
			p_failf(p, p->pos_line, "Key '%s' has already been defined.",
				key_string(p, p->ctx.a, i + 1));
		p->wc_nodes[i + 1] = hash;
	}
	walk_done(p, p->ctx.a, p->ctx.n);
	if (tab_get(p, hash, key)) {
		uint32_t id = path_child(p, p_path(p, p->ctx.a, p->ctx.n), key);
		if (p->pflags[id] & PF_ARRAY) {
			set_id_flag(p, id, PF_IMPLICIT, false);
			tab_set(p, hash, key, val);
			return;
		}
		if (p->pflags[id] & PF_IMPLICIT) {
			set_id_flag(p, id, PF_IMPLICIT, false);
			return;
		}
		p_failf(p, p->pos_line, "Key '%s' has already been defined.",
			ctx_key_string(p, key));
	}
	tab_set(p, hash, key, val);
}

/* addContext: make key the current table (or a new table of the array at key).
 * The context then shares key's array, which must not change afterwards. */
static void p_add_context(parser *p, uint32_t *key, int n, bool array)
{
	if (n > TOML_MAX_KEY)
		p_fail_line(p, p->pos_line, "key nested too deeply");
	tnode *hash;
	for (int i = walk_from(p, key, n - 1, &hash); i < n - 1; i++) {
		tnode *t = tab_get(p, hash, key[i]);
		if (!t) {
			set_flag(p, key, i + 1, PF_IMPLICIT, true);
			t = new_node(p, N_TABLE);
			tab_set(p, hash, key[i], t);
		}
		if (t->kind == N_AOT)
			hash = t->items[t->n - 1];
		else if (t->kind == N_TABLE)
			hash = t;
		else
			p_failf(p, p->pos_line, "Key '%s' was already created as a hash.",
				key_string(p, key, i + 1));
		p->wc_nodes[i + 1] = hash;
	}
	walk_done(p, key, n - 1);
	p->ctx = (kpath){key, n - 1};
	if (array) {
		tnode *t = tab_get(p, hash, key[n - 1]);
		if (!t) {
			t = new_node(p, N_AOT);
			tab_set(p, hash, key[n - 1], t);
		}
		if (t->kind != N_AOT)
			p_failf(p, p->pos_line,
				"Key '%s' was already created and cannot be used as an array.",
				key_string(p, key, n));
		node_push(p, t, new_node(p, N_TABLE));
	} else {
		p_set_value(p, key[n - 1], new_node(p, N_TABLE));
	}
	p->ctx.n = n;
}

static void p_add_implicit_context(parser *p, uint32_t *key, int n)
{
	set_flag(p, key, n, PF_IMPLICIT, true);
	p_add_context(p, key, n, false);
}

/* ---- values ---- */

static void put_rune_checked(parser *p, const item *it, strbuf *sb, const char *hex, int n)
{
	uint32_t r = 0;
	for (int i = 0; i < n; i++) {
		char c = hex[i];
		r = r * 16 + (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		p_failf(p, it->line, "Escaped character '\\u%.*s' is not valid UTF-8.", n, hex);
	utf8_put(sb, (int32_t)r);
}

/* Go's replaceEscapes (the lexer has checked the escapes' shapes). */
static value p_unescape(parser *p, const item *it, const char *s, size_t n)
{
	strbuf sb;
	sb_init(&sb, p->a);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			sb_addc(&sb, s[i]);
			continue;
		}
		char c = s[++i];
		switch (c) {
		case ' ':
		case '\t':
			p_failf(p, it->line, "invalid escape: '\\%c'", c);
		case 'b':
			sb_addc(&sb, '\b');
			break;
		case 't':
			sb_addc(&sb, '\t');
			break;
		case 'n':
			sb_addc(&sb, '\n');
			break;
		case 'f':
			sb_addc(&sb, '\f');
			break;
		case 'r':
			sb_addc(&sb, '\r');
			break;
		case '"':
			sb_addc(&sb, '"');
			break;
		case '\\':
			sb_addc(&sb, '\\');
			break;
		case 'u':
		case 'U': {
			int k = c == 'u' ? 4 : 8;
			if (i + (size_t)k >= n)
				break;
			put_rune_checked(p, it, &sb, s + i + 1, k);
			i += (size_t)k;
			break;
		}
		default:
			break;
		}
	}
	return v_str(p->a, sb.buf ? sb.buf : "", sb.len);
}

static size_t strip_first_newline(const char **s, size_t n)
{
	if (n > 0 && (*s)[0] == '\n')
		return ++*s, n - 1;
	if (n > 1 && (*s)[0] == '\r' && (*s)[1] == '\n')
		return *s += 2, n - 2;
	return n;
}

/* Go's stripEscapedNewlines: a backslash ending a line eats the whitespace after it. */
static size_t strip_escaped_newlines(parser *p, const char **sp, size_t n)
{
	const char *s = *sp;
	strbuf sb;
	sb_init(&sb, p->a);
	size_t i = 0;
	for (;;) {
		const char *bs = i < n ? memchr(s + i, '\\', n - i) : NULL;
		if (!bs) {
			sb_add(&sb, s, n);
			break;
		}
		i = (size_t)(bs - s);
		if (i + 1 < n && s[i + 1] == '\\') {
			i += 2;
			continue;
		}
		size_t j = i + 1;
		while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n'))
			j++;
		if (j == i + 1 || !memchr(s + i, '\n', j - i)) {
			i++;
			continue;
		}
		sb_add(&sb, s, i);
		s += j, n -= j, i = 0;
	}
	*sp = sb.buf ? sb.buf : "";
	return sb.len;
}

static value p_string(parser *p, const item *it)
{
	const char *s = it->val;
	size_t n = it->len;
	switch (it->typ) {
	case IT_STRING:
		return p_unescape(p, it, s, n);
	case IT_MLSTRING:
		n = strip_first_newline(&s, n);
		n = strip_escaped_newlines(p, &s, n);
		return p_unescape(p, it, s, n);
	case IT_RAWMLSTRING:
		n = strip_first_newline(&s, n);
		return v_str(p->a, s, n);
	default:
		return v_str(p->a, s, n);
	}
}

static bool num_underscores_ok(const char *s, size_t n)
{
	static const char *const special[] = {"nan", "+nan", "-nan", "inf", "-inf", "+inf"};
	for (size_t i = 0; i < 6; i++)
		if (strlen(special[i]) == n && !memcmp(special[i], s, n))
			return true;
	bool accept = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_' && !accept)
			return false;
		accept = is_hex((unsigned char)s[i]);
	}
	return accept;
}

static bool num_leading_zero(const char *s, size_t n)
{
	if (n > 1 && s[0] == '0' && !(s[1] == 'b' || s[1] == 'o' || s[1] == 'x'))
		return true;
	return n > 2 && (s[0] == '-' || s[0] == '+') && s[1] == '0';
}

static tnode *scalar(parser *p, value v)
{
	tnode *t = new_node(p, N_SCALAR);
	t->v = v;
	return t;
}

/* Go's %q of a string, in the arena. */
static const char *qstr(parser *p, const char *s, size_t n)
{
	strbuf sb;
	sb_init(&sb, p->a);
	go_quote(&sb, s, n);
	return sb_str(&sb);
}

static tnode *p_integer(parser *p, const item *it)
{
	const char *s = it->val;
	size_t n = it->len;
	if (!num_underscores_ok(s, n))
		p_failf(p, it->line, "Invalid integer %s: underscores must be surrounded by digits",
			qstr(p, s, n));
	if (num_leading_zero(s, n))
		p_failf(p, it->line, "Invalid integer %s: cannot have leading zeroes",
			qstr(p, s, n));
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	int base = 10;
	if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
		base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
		i += 2;
	}
	uint64_t u = 0, lim = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
	bool any = false, over = false;
	for (; i < n; i++) {
		if (s[i] == '_')
			continue;
		int d = is_digit((unsigned char)s[i]) ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10;
		if (d < 0 || d >= base)
			p_failf(p, it->line, "BUG: Expected integer value, but got '%.*s'.", (int)n,
				s);
		any = true;
		if (u > (lim - (uint64_t)d) / (uint64_t)base)
			over = true;
		else
			u = u * (uint64_t)base + (uint64_t)d;
	}
	if (!any)
		p_failf(p, it->line, "BUG: Expected integer value, but got '%.*s'.", (int)n, s);
	if (over)
		p_failf(p, it->line, "%.*s is out of range for int64", (int)n, s);
	int64_t v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return scalar(p, v_int64(v));
}

static tnode *p_float(parser *p, const item *it)
{
	const char *s = it->val;
	size_t n = it->len;
	size_t start = 0;
	bool first = true;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.' && s[i] != 'e' && s[i] != 'E')
			continue;
		if (i > start) {
			if (!num_underscores_ok(s + start, i - start))
				p_failf(
				    p, it->line,
				    "Invalid float %s: underscores must be surrounded by digits",
				    qstr(p, s, n));
		}
		start = i + 1;
	}
	for (size_t i = 0, from = 0; first && i <= n; i++) {
		if (i < n && s[i] != '.' && s[i] != 'e' && s[i] != 'E')
			continue;
		if (i > from) {
			if (num_leading_zero(s + from, i - from))
				p_failf(p, it->line, "Invalid float %s: cannot have leading zeroes",
					qstr(p, s, n));
			first = false;
		}
		from = i + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.' && (i + 1 == n || !is_digit((unsigned char)s[i + 1])))
			p_failf(p, it->line,
				"Invalid float %s: '.' must be followed by one or more digits",
				qstr(p, s, n));
	char *buf = arena_alloc(p->a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			buf[k++] = s[i];
	bool signbit = false;
	if (k == 4 && (!memcmp(buf, "+nan", 4) || !memcmp(buf, "-nan", 4))) {
		signbit = buf[0] == '-';
		memmove(buf, buf + 1, 4), k = 3;
	}
	double f;
	if (!arg_parse_float(buf, k, &f)) {
		char *end;
		double g = strtod(buf, &end);
		if (end == buf + k && isinf(g))
			p_failf(p, it->line, "%.*s is out of range for float64", (int)n, s);
		p_failf(p, it->line, "Invalid float value: %s", qstr(p, s, n));
	}
	if (signbit)
		f = copysign(f, -1);
	return scalar(p, v_float(f));
}

/* ---- datetimes (Go's time.Parse with the four TOML layouts) ---- */

static bool digits(const char *s, size_t n, size_t at, int k, int *out)
{
	if (at + (size_t)k > n)
		return false;
	int v = 0;
	for (int i = 0; i < k; i++) {
		if (!is_digit((unsigned char)s[at + i]))
			return false;
		v = v * 10 + s[at + i] - '0';
	}
	*out = v;
	return true;
}

static int days_in(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

static bool parse_date(const char *s, size_t n, size_t *at, int *y, int *m, int *d)
{
	size_t i = *at;
	if (!digits(s, n, i, 4, y) || i + 4 >= n || s[i + 4] != '-' || !digits(s, n, i + 5, 2, m) ||
	    i + 7 >= n || s[i + 7] != '-' || !digits(s, n, i + 8, 2, d))
		return false;
	if (*m < 1 || *m > 12 || *d < 1 || *d > days_in(*y, *m))
		return false;
	*at = i + 10;
	return true;
}

static bool parse_clock(const char *s, size_t n, size_t *at, int *hms, int32_t *nsec)
{
	size_t i = *at;
	if (!digits(s, n, i, 2, &hms[0]) || i + 2 >= n || s[i + 2] != ':' ||
	    !digits(s, n, i + 3, 2, &hms[1]) || i + 5 >= n || s[i + 5] != ':' ||
	    !digits(s, n, i + 6, 2, &hms[2]))
		return false;
	if (hms[0] > 23 || hms[1] > 59 || hms[2] > 59)
		return false;
	i += 8;
	*nsec = 0;
	if (i + 1 < n && s[i] == '.' && is_digit((unsigned char)s[i + 1])) {
		int k = 0;
		for (i++; i < n && is_digit((unsigned char)s[i]); i++, k++)
			if (k < 9)
				*nsec = *nsec * 10 + (s[i] - '0');
		for (; k < 9; k++)
			*nsec *= 10;
	}
	*at = i;
	return true;
}

static bool parse_datetime(const char *s, size_t n, ttime *t)
{
	int y = 0, mo = 1, d = 1, hms[3] = {0, 0, 0};
	int32_t nsec = 0;
	size_t i = 0;
	bool has_date = parse_date(s, n, &i, &y, &mo, &d);
	bool has_time = false;
	if (has_date && i < n && s[i] == 'T') {
		i++;
		if (!parse_clock(s, n, &i, hms, &nsec))
			return false;
		has_time = true;
	} else if (!has_date) {
		i = 0;
		if (!parse_clock(s, n, &i, hms, &nsec))
			return false;
		has_time = true;
	}
	int64_t wall = days_from_civil(y, mo, d) * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
	*t = (ttime){.nsec = nsec};
	if (has_date && has_time && i < n) {
		if (s[i] == 'Z') {
			i++;
			t->sec = wall, t->zone = "UTC";
		} else {
			int hh, mm;
			if (i + 6 > n || (s[i] != '+' && s[i] != '-') ||
			    !digits(s, n, i + 1, 2, &hh) || s[i + 3] != ':' ||
			    !digits(s, n, i + 4, 2, &mm) || hh > 24 || mm > 60)
				return false;
			int32_t off = (hh * 60 + mm) * 60 * (s[i] == '-' ? -1 : 1);
			i += 6;
			t->sec = wall - off;
			const char *abbr;
			int32_t loff = local_zone(t->sec, &abbr);
			t->off = off;
			t->zone = loff == off ? abbr : "";
		}
		t->kind = TT_OFFSET;
		return i == n;
	}
	if (i != n)
		return false;
	const char *abbr;
	int32_t loff = local_zone((int64_t)time(NULL), &abbr);
	t->kind = !has_time ? TT_LOCAL_DATE : !has_date ? TT_LOCAL_TIME : TT_LOCAL_DATETIME;
	t->zone = t->kind == TT_LOCAL_DATE   ? "date-local"
		  : t->kind == TT_LOCAL_TIME ? "time-local"
					     : "datetime-local";
	t->off = loff;
	t->sec = wall - loff;
	return true;
}

static tnode *p_datetime(parser *p, const item *it)
{
	char *s = arena_strndup(p->a, it->val, it->len);
	for (size_t i = 0; i < it->len; i++)
		s[i] = s[i] == 'z' ? 'Z' : s[i] == 't' || s[i] == ' ' ? 'T' : s[i];
	ttime *t = arena_alloc(p->a, sizeof *t);
	if (!parse_datetime(s, it->len, t))
		p_failf(p, it->line, "invalid datetime: %s", qstr(p, s, it->len));
	const fn_def *to_date = fn_table_find(functions_table(), "toDate");
	if (t->kind == TT_OFFSET && to_date && p->fc) {
		/* Sprig's toDate is the same time.ParseInLocation(RFC3339Nano, s, Local)
		 * call, and its time has the methods and date functions charts use. */
		static const char rfc3339nano[] = "2006-01-02T15:04:05.999999999Z07:00";
		fnctx c = *p->fc;
		c.fn = to_date;
		value args[2] = {v_str_static(rfc3339nano, sizeof rfc3339nano - 1),
				 v_str(p->a, s, it->len)};
		return scalar(p, to_date->impl(&c, args, 2));
	}
	return scalar(p, v_obj(p->a, &ttime_class, t));
}

/* ---- arrays, inline tables, the top level ---- */

typedef struct pval {
	tnode *node;
	bool is_array; /* the TOML type is an array (setType) */
} pval;

static pval p_value(parser *p, item it, bool parent_is_array);

static uint32_t p_key_part(parser *p, const item *it)
{
	if (it->typ == IT_TEXT)
		return p_atom(p, it->val, it->len);
	if (it->typ == IT_STRING || it->typ == IT_RAWSTRING || it->typ == IT_MLSTRING ||
	    it->typ == IT_RAWMLSTRING) {
		value s = p_string(p, it);
		return p_atom(p, s.u.s, s.len);
	}
	p_failf(p, it->line, "BUG: Unexpected key type");
}

/* Reads the parts of a key up to the item of type end. */
static kpath p_read_key(parser *p, int end, bool set_pos)
{
	kpath k = {NULL, 0};
	int cap = 0;
	item it = p_next(p);
	if (set_pos)
		p->pos_line = it.line;
	for (; it.typ != end && it.typ != IT_EOF; it = p_next(p)) {
		if (k.n == cap) {
			int ncap = cap ? cap * 2 : 4;
			k.a = arena_realloc(p->a, k.a, (size_t)cap * sizeof(uint32_t),
					    (size_t)ncap * sizeof(uint32_t));
			cap = ncap;
		}
		if (k.n >= TOML_MAX_KEY)
			p_fail_line(p, it.line, "key nested too deeply");
		k.a[k.n++] = p_key_part(p, &it);
	}
	if (it.typ != end || k.n == 0)
		p_failf(p, it.line, "BUG: unexpected end of key");
	return k;
}

/* The dotted parts of a key name their tables implicitly. */
static void p_key_context(parser *p, kpath key)
{
	if (key.n < 2)
		return;
	if (p->ctx.n + key.n > TOML_MAX_KEY + 1)
		p_fail_line(p, p->pos_line, "key nested too deeply");
	int base = p->ctx.n;
	kpath c = kp_copy(p, p->ctx.a, base, key.n);
	memcpy(c.a + base, key.a, (size_t)(key.n - 1) * sizeof(uint32_t));
	for (int i = 0; i + 1 < key.n; i++)
		p_add_implicit_context(p, c.a, base + i + 1);
}

static pval p_array(parser *p, const item *start)
{
	(void)start;
	p_set_type(p, p->has_cur ? p->cur : UINT32_MAX, true);
	tnode *arr = new_node(p, N_ARRAY);
	for (item it = p_next(p); it.typ != IT_ARRAYEND; it = p_next(p)) {
		if (it.typ == IT_COMMENT) {
			p_next(p);
			continue;
		}
		if (it.typ == IT_EOF)
			p_failf(p, it.line, "BUG: unexpected EOF in array");
		node_push(p, arr, p_value(p, it, true).node);
	}
	return (pval){arr, true};
}

static pval p_inline_table(parser *p, bool parent_is_array)
{
	tnode *top = new_node(p, N_TABLE);
	kpath outer = p->ctx;
	uint32_t outer_key = p->cur;
	bool outer_has = p->has_cur;
	kpath prev = kp_copy(p, p->ctx.a, p->ctx.n, 1);
	prev.a[prev.n++] = p->has_cur ? p->cur : p_atom(p, "", 0);
	p->ctx = prev;
	p->has_cur = false;
	set_flag(p, prev.a, prev.n, PF_IMPLICIT, true);
	p_add_context(p, prev.a, prev.n, parent_is_array);
	for (item it = p_next(p); it.typ != IT_INLEND; it = p_next(p)) {
		if (it.typ == IT_COMMENT) {
			p_next(p);
			continue;
		}
		if (it.typ == IT_EOF)
			p_failf(p, it.line, "BUG: unexpected EOF in inline table");
		kpath key = p_read_key(p, IT_KEYEND, true);
		p->cur = key.a[key.n - 1];
		p->has_cur = true;
		p_key_context(p, key);
		pval v = p_value(p, p_next(p), false);
		p_set_value(p, p->cur, v.node);
		p_set_type(p, p->cur, v.is_array);
		tnode *hash = top;
		for (int i = 0; i + 1 < key.n; i++) {
			tnode *h = tab_get(p, hash, key.a[i]);
			if (!h) {
				h = new_node(p, N_TABLE);
				tab_set(p, hash, key.a[i], h);
			}
			if (h->kind != N_TABLE)
				p_failf(p, p->pos_line, "%s is not a table",
					qstr(p, key_string(p, p->ctx.a, p->ctx.n),
					     strlen(key_string(p, p->ctx.a, p->ctx.n))));
			hash = h;
		}
		tab_set(p, hash, p->cur, v.node);
		p->ctx = prev;
	}
	p->ctx = outer;
	p->cur = outer_key;
	p->has_cur = outer_has;
	return (pval){top, false};
}

static pval p_value(parser *p, item it, bool parent_is_array)
{
	switch (it.typ) {
	case IT_STRING:
	case IT_RAWSTRING:
	case IT_MLSTRING:
	case IT_RAWMLSTRING:
		return (pval){scalar(p, p_string(p, &it)), false};
	case IT_INT:
		return (pval){p_integer(p, &it), false};
	case IT_FLOAT:
		return (pval){p_float(p, &it), false};
	case IT_BOOL:
		return (pval){scalar(p, v_bool(it.len == 4)), false};
	case IT_DATETIME:
		return (pval){p_datetime(p, &it), false};
	case IT_ARRAY:
		return p_array(p, &it);
	case IT_INLSTART:
		return p_inline_table(p, parent_is_array);
	}
	p_failf(p, it.line, "BUG: Unexpected value type");
}

static void p_top_level(parser *p, item it)
{
	switch (it.typ) {
	case IT_COMMENT:
		p_next(p);
		return;
	case IT_TABLESTART:
	case IT_AOTSTART: {
		bool array = it.typ == IT_AOTSTART;
		kpath key = p_read_key(p, array ? IT_AOTEND : IT_TABLEEND, true);
		p_add_context(p, key.a, key.n, array);
		p_set_type(p, UINT32_MAX, false);
		return;
	}
	case IT_KEYSTART: {
		kpath outer = p->ctx;
		kpath key = p_read_key(p, IT_KEYEND, true);
		p->cur = key.a[key.n - 1];
		p->has_cur = true;
		p_key_context(p, key);
		pval v = p_value(p, p_next(p), false);
		p_set_value(p, p->cur, v.node);
		p_set_type(p, p->cur, v.is_array);
		p->ctx = outer;
		p->has_cur = false;
		return;
	}
	}
	p_failf(p, it.line, "BUG: Unexpected type at top level");
}

/* ---- the mapping as values ---- */

static int ventry_cmp(const void *x, const void *y)
{
	const ventry *a = x, *b = y;
	int c = memcmp(a->key, b->key, a->klen < b->klen ? a->klen : b->klen);
	return c ? c : (a->klen > b->klen) - (a->klen < b->klen);
}

static value to_value(parser *p, const tnode *t)
{
	switch (t->kind) {
	case N_SCALAR:
		return t->v;
	case N_ARRAY:
	case N_AOT: {
		value l = v_list_new(p->a, t->n);
		if (t->kind == N_AOT)
			l.u.l->gotype = GT_MAPLIST;
		for (uint32_t i = 0; i < t->n; i++)
			l.u.l->items[l.u.l->len++] = to_value(p, t->items[i]);
		return l;
	}
	}
	value m = v_map_new(p->a);
	vmap *vm = m.u.m;
	vm->e = t->nkeys ? arena_alloc(p->a, t->nkeys * sizeof(ventry)) : NULL;
	vm->cap = t->nkeys;
	for (uint32_t i = 0; i < t->nkeys; i++) {
		const katom *k = &p->atoms[t->keys[i]];
		vm->e[vm->len++] =
		    (ventry){k->s, k->n, to_value(p, tab_get(p, (tnode *)t, t->keys[i]))};
	}
	if (vm->len > 1)
		qsort(vm->e, vm->len, sizeof(ventry), ventry_cmp);
	return m;
}

/* Go's toml.Unmarshal into map[string]interface{}: 0, or -1 and *err. */
static int toml_parse(fnctx *c, const char *s, size_t n, value *out, value *err)
{
	arena *a = c->a;
	parser *p = arena_alloc(a, sizeof *p);
	p->a = a;
	p->fc = c;
	if (n > TOML_MAX_INPUT) {
		*err = v_cstr(a, "toml: document too large");
		return -1;
	}
	if (n >= 2 && ((s[0] == '\xff' && s[1] == '\xfe') || (s[0] == '\xfe' && s[1] == '\xff')))
		s += 2, n -= 2;
	else if (n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3, n -= 3;
	if (n && memchr(s, 0, n < 6 ? n : 6)) {
		*err = v_cstr(a, "toml: line 1: files cannot contain NULL bytes; probably using "
				 "UTF-16; TOML files must be UTF-8");
		return -1;
	}
	p->lx = (lexer){.a = a, .in = s, .n = n, .line = 1, .state = L_TOP};
	p->pcap = 64;
	p->pflags = arena_alloc(a, p->pcap);
	p->root = new_node(p, N_TABLE);
	p_atom(p, "", 0);
	if (setjmp(p->jb)) {
		*err = p->err;
		return -1;
	}
	for (item it = p_next(p); it.typ != IT_EOF; it = p_next(p))
		p_top_level(p, it);
	*out = to_value(p, p->root);
	return 0;
}

/* ---- toToml: the encoder ---- */

typedef struct tenc {
	arena *a;
	strbuf *out;
	bool written;
	int depth;
	const char *err;
	jmp_buf jb;
} tenc;

typedef struct ekey {
	const char **s;
	uint32_t *n;
	int len;
} ekey;

enum { TY_NIL, TY_TABLE, TY_AOT, TY_OTHER };

static noreturn void enc_fail(tenc *e, const char *msg)
{
	e->err = msg;
	longjmp(e->jb, 1);
}

static void put_quoted(strbuf *sb, const char *s, size_t n)
{
	sb_addc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			sb_adds(sb, "\\\"");
			break;
		case '\\':
			sb_adds(sb, "\\\\");
			break;
		case '\b':
			sb_adds(sb, "\\b");
			break;
		case '\t':
			sb_adds(sb, "\\t");
			break;
		case '\n':
			sb_adds(sb, "\\n");
			break;
		case '\f':
			sb_adds(sb, "\\f");
			break;
		case '\r':
			sb_adds(sb, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				sb_addf(sb, "\\u%04x", c);
			else
				sb_addc(sb, (char)c);
		}
	}
	sb_addc(sb, '"');
}

static void put_key_part(strbuf *sb, const char *s, size_t n)
{
	if (n == 0) {
		sb_adds(sb, "\"\"");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!is_bare((unsigned char)s[i])) {
			put_quoted(sb, s, n);
			return;
		}
	}
	sb_add(sb, s, n);
}

static bool is_time(value v)
{
	return v.kind == V_OBJ && !strcmp(v.u.o->cls->gotype, "time.Time");
}

/* A struct other than time.Time: encoded through its plain form. */
static value plain(tenc *e, value v)
{
	while (v.kind == V_OBJ && !is_time(v))
		v = v.u.o->cls->to_plain ? v.u.o->cls->to_plain(e->a, v.u.o) : v_nil();
	return v;
}

static void enc_enter(tenc *e)
{
	if (++e->depth > TOML_MAX_ENC_DEPTH)
		enc_fail(e, "toml: nesting too deep");
	if (e->out->len > ARGS_MAX_BYTES)
		enc_fail(e, "toml: result too large");
}

/* tomlTypeOfGo, as far as the encoder needs it (a nil in any array is an error). */
static int enc_type(tenc *e, value v)
{
	v = plain(e, v);
	if (v.kind == V_NIL)
		return TY_NIL;
	if (v.kind == V_MAP)
		return TY_TABLE;
	if (v.kind != V_LIST || v.u.l->len == 0)
		return TY_OTHER;
	enc_enter(e);
	bool tables = true;
	for (uint32_t i = 0; i < v.u.l->len; i++) {
		int t = enc_type(e, v.u.l->items[i]);
		if (t == TY_NIL)
			enc_fail(e, "toml: cannot encode array with nil element");
		if (t != TY_TABLE)
			tables = false;
	}
	e->depth--;
	return tables ? TY_AOT : TY_OTHER;
}

static void ew(tenc *e, const char *s)
{
	sb_adds(e->out, s);
	e->written = true;
}

static void enc_newline(tenc *e)
{
	if (e->written)
		ew(e, "\n");
}

static void enc_indent(tenc *e, const ekey *k)
{
	for (int i = 1; i < k->len; i++)
		sb_adds(e->out, "  ");
}

static void enc_key_string(tenc *e, const ekey *k)
{
	for (int i = 0; i < k->len; i++) {
		if (i)
			sb_addc(e->out, '.');
		put_key_part(e->out, k->s[i], k->n[i]);
	}
}

static void enc_time(tenc *e, value v)
{
	if (v.u.o->cls != &ttime_class) {
		value s = v.u.o->cls->to_plain ? v.u.o->cls->to_plain(e->a, v.u.o) : v_nil();
		if (s.kind == V_STRING)
			sb_add(e->out, s.u.s, s.len);
		return;
	}
	const ttime *t = v.u.o->data;
	switch (t->kind) {
	case TT_OFFSET:
		put_rfc3339(e->out, t);
		break;
	case TT_LOCAL_DATETIME:
		put_wall(e->out, t, 0, 3, 'T');
		break;
	case TT_LOCAL_DATE:
		put_wall(e->out, t, 0, 1, 'T');
		break;
	default:
		put_wall(e->out, t, 0, 2, 'T');
	}
}

static void enc_map(tenc *e, const ekey *key, value m, bool inline_);

static void enc_element(tenc *e, value v)
{
	e->written = true;
	if (is_time(v)) {
		enc_time(e, v);
		return;
	}
	v = plain(e, v);
	switch (v.kind) {
	case V_STRING:
		put_quoted(e->out, v.u.s, v.len);
		break;
	case V_BOOL:
		sb_adds(e->out, v.u.b ? "true" : "false");
		break;
	case V_INT:
	case V_INT64:
		sb_addf(e->out, "%lld", (long long)v.u.i);
		break;
	case V_FLOAT:
		if (isnan(v.u.f) || isinf(v.u.f)) {
			sb_adds(e->out, signbit(v.u.f) ? "-" : "");
			sb_adds(e->out, isnan(v.u.f) ? "nan" : "inf");
		} else {
			size_t at = e->out->len;
			go_format_float(e->out, v.u.f, 'f', -1);
			if (!memchr(e->out->buf + at, '.', e->out->len - at))
				sb_adds(e->out, ".0");
		}
		break;
	case V_LIST:
		enc_enter(e);
		sb_addc(e->out, '[');
		for (uint32_t i = 0; i < v.u.l->len; i++) {
			if (i)
				sb_adds(e->out, ", ");
			enc_element(e, v.u.l->items[i]);
		}
		sb_addc(e->out, ']');
		e->depth--;
		break;
	case V_MAP:
		enc_map(e, NULL, v, true);
		break;
	default:
		enc_fail(e, "toml: cannot encode array with nil element");
	}
}

static void enc_key_value(tenc *e, const ekey *key, value v, bool inline_)
{
	if (key->len == 0) {
		enc_element(e, v);
		return;
	}
	enc_indent(e, key);
	put_key_part(e->out, key->s[key->len - 1], key->n[key->len - 1]);
	ew(e, " = ");
	enc_element(e, v);
	if (!inline_)
		enc_newline(e);
}

static ekey key_add(tenc *e, const ekey *k, const char *s, uint32_t n)
{
	ekey r = {arena_alloc(e->a, (size_t)(k->len + 1) * sizeof(char *)),
		  arena_alloc(e->a, (size_t)(k->len + 1) * sizeof(uint32_t)), k->len + 1};
	for (int i = 0; i < k->len; i++)
		r.s[i] = k->s[i], r.n[i] = k->n[i];
	r.s[k->len] = s, r.n[k->len] = n;
	return r;
}

static void enc_table(tenc *e, const ekey *key, value m)
{
	if (key->len == 1)
		enc_newline(e);
	if (key->len > 0) {
		enc_indent(e, key);
		sb_addc(e->out, '[');
		enc_key_string(e, key);
		ew(e, "]");
		enc_newline(e);
	}
	enc_map(e, key, m, false);
}

static void enc_aot(tenc *e, const ekey *key, value l)
{
	if (key->len == 0)
		enc_fail(e, "toml: top-level values must be Go maps or structs");
	for (uint32_t i = 0; i < l.u.l->len; i++) {
		enc_newline(e);
		enc_indent(e, key);
		sb_adds(e->out, "[[");
		enc_key_string(e, key);
		ew(e, "]]");
		enc_newline(e);
		enc_map(e, key, plain(e, l.u.l->items[i]), false);
	}
}

static void enc_value(tenc *e, const ekey *key, value v)
{
	if (is_time(v)) {
		enc_key_value(e, key, v, false);
		return;
	}
	v = plain(e, v);
	switch (v.kind) {
	case V_NIL:
		return;
	case V_MAP:
		enc_table(e, key, v);
		return;
	case V_LIST:
		if (enc_type(e, v) == TY_AOT) {
			enc_aot(e, key, v);
			return;
		}
		break;
	default:
		break;
	}
	enc_key_value(e, key, v, false);
}

static void enc_map(tenc *e, const ekey *key, value m, bool inline_)
{
	enc_enter(e);
	vmap *vm = m.u.m;
	bool *sub = arena_alloc(e->a, vm->len + 1);
	uint32_t nsub = 0, ndirect = 0;
	for (uint32_t i = 0; i < vm->len; i++) {
		int t = enc_type(e, vm->e[i].val);
		sub[i] = t == TY_TABLE || t == TY_AOT;
		nsub += sub[i];
	}
	ndirect = vm->len - nsub;
	if (inline_)
		ew(e, "{");
	for (int pass = 0; pass < 2; pass++) {
		uint32_t total = pass ? nsub : ndirect, seen = 0;
		bool trail = pass == 0 && nsub > 0;
		for (uint32_t i = 0; i < vm->len; i++) {
			if (sub[i] != (pass == 1))
				continue;
			seen++;
			value v = vm->e[i].val;
			if (plain(e, v).kind == V_NIL)
				continue;
			if (inline_) {
				ekey k1 = {&vm->e[i].key, &vm->e[i].klen, 1};
				enc_key_value(e, &k1, v, true);
				if (trail || seen != total)
					ew(e, ", ");
			} else {
				ekey k = key_add(e, key, vm->e[i].key, vm->e[i].klen);
				enc_value(e, &k, v);
			}
		}
	}
	if (inline_)
		ew(e, "}");
	e->depth--;
}

/* Go's toml.NewEncoder(...).Encode(v): 0, or -1 and *err. */
static int toml_encode(arena *a, strbuf *out, value v, const char **err)
{
	tenc *e = arena_alloc(a, sizeof *e);
	e->a = a;
	e->out = out;
	if (setjmp(e->jb)) {
		*err = e->err;
		return -1;
	}
	ekey root = {NULL, NULL, 0};
	enc_value(e, &root, v);
	return 0;
}

/* ---- the template functions ---- */

static value fn_to_toml(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (argv[0].kind == V_NIL)
		fn_fail(c, "reflect: call of reflect.Value.Type on zero Value");
	strbuf sb;
	sb_init(&sb, c->a);
	const char *err;
	if (toml_encode(c->a, &sb, argv[0], &err) != 0)
		return v_cstr(c->a, err);
	return v_str(c->a, sb.buf ? sb.buf : "", sb.len);
}

static value fn_from_toml(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value v, err;
	if (toml_parse(c, argv[0].u.s, argv[0].len, &v, &err) != 0) {
		value m = v_map_new(c->a);
		map_setc(c->a, m.u.m, "Error", err);
		return m;
	}
	return v;
}

const fn_def fn_family_toml[] = {
    {"fromToml", fn_from_toml, "s"},
    {"toToml", fn_to_toml, "v"},
    {0},
};
