/* gofmt.c - Go's fmt and strconv printing: %v of every value kind, Sprint,
 * Sprintf with Go's verbs, flags, widths, argument indexes and error forms,
 * strconv.FormatFloat and strconv.Quote. Float digits come from the C
 * library's correctly rounded %e, trimmed to the shortest form that reads back,
 * then laid out in Go's forms (fmtE/fmtF below mirror strconv's).
 */
#include "gofmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- strconv.FormatFloat ---- */

enum { MAXDIG = 1100 };

/* Decimal digits d[0..nd) of |f|, value = 0.d * 10^dp (nd = 0 for zero). */
typedef struct decimal {
	char d[MAXDIG];
	int nd, dp;
} decimal;

/* Rounds |f| to n significant digits (1 <= n < MAXDIG-10), trailing zeros trimmed. */
static void dec_digits(decimal *dc, double f, int n)
{
	char buf[MAXDIG + 16];
	snprintf(buf, sizeof buf, "%.*e", n - 1, fabs(f));
	dc->nd = 0;
	char *p = buf;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			dc->d[dc->nd++] = *p;
	dc->dp = (*p == 'e' ? atoi(p + 1) : 0) + 1;
	while (dc->nd > 0 && dc->d[dc->nd - 1] == '0')
		dc->nd--;
	if (dc->nd == 0)
		dc->dp = 0;
}

/* The shortest digits that read back as f. */
static void dec_shortest(decimal *dc, double f)
{
	char buf[64];
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, sizeof buf, "%.*e", p - 1, fabs(f));
		if (strtod(buf, NULL) == fabs(f))
			break;
	}
	dec_digits(dc, f, (int)(strchr(buf, 'e') - buf) - (strchr(buf, '.') ? 1 : 0));
}

static void fmt_e(strbuf *out, const decimal *dc, int prec, char fmt)
{
	sb_addc(out, dc->nd ? dc->d[0] : '0');
	if (prec > 0) {
		sb_addc(out, '.');
		for (int i = 1; i <= prec; i++)
			sb_addc(out, i < dc->nd ? dc->d[i] : '0');
	}
	int exp = dc->nd ? dc->dp - 1 : 0;
	sb_addf(out, "%c%c%02d", fmt, exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

static void fmt_f(strbuf *out, const decimal *dc, int prec)
{
	if (dc->dp > 0) {
		for (int i = 0; i < dc->dp; i++)
			sb_addc(out, i < dc->nd ? dc->d[i] : '0');
	} else {
		sb_addc(out, '0');
	}
	if (prec > 0) {
		sb_addc(out, '.');
		for (int i = 0; i < prec; i++) {
			int j = dc->dp + i;
			sb_addc(out, j >= 0 && j < dc->nd ? dc->d[j] : '0');
		}
	}
}

static void fmt_g(strbuf *out, const decimal *dc, int prec, bool shortest, char fmt)
{
	int eprec = prec;
	if (eprec > dc->nd && dc->nd >= dc->dp)
		eprec = dc->nd;
	if (shortest)
		eprec = 6;
	int exp = dc->dp - 1;
	if (exp < -4 || exp >= eprec) {
		if (prec > dc->nd)
			prec = dc->nd;
		fmt_e(out, dc, prec - 1, fmt == 'g' ? 'e' : 'E');
		return;
	}
	if (prec > dc->dp)
		prec = dc->nd;
	fmt_f(out, dc, prec - dc->dp > 0 ? prec - dc->dp : 0);
}

/* strconv's 'b' (-ddddp±ddd) and 'x' (-0x1.hhhp±dd) forms, from the float's bits. */
static void fmt_binary(strbuf *out, double f, char fmt, int prec)
{
	uint64_t bits;
	memcpy(&bits, &f, sizeof bits);
	int exp = (int)((bits >> 52) & 0x7FF);
	uint64_t mant = bits & ((1ULL << 52) - 1);
	if (exp == 0)
		exp++;
	else
		mant |= 1ULL << 52;
	exp -= 1023;
	if (bits >> 63)
		sb_addc(out, '-');
	if (fmt == 'b') {
		sb_addf(out, "%llup%s%d", (unsigned long long)mant, exp - 52 >= 0 ? "+" : "",
			exp - 52);
		return;
	}
	if (mant == 0)
		exp = 0;
	mant <<= 60 - 52;
	while (mant != 0 && (mant & (1ULL << 60)) == 0)
		mant <<= 1, exp--;
	if (prec >= 0 && prec < 15) {
		unsigned shift = (unsigned)prec * 4;
		uint64_t extra = (mant << shift) & ((1ULL << 60) - 1);
		mant >>= 60 - shift;
		if ((extra | (mant & 1)) > (1ULL << 59))
			mant++;
		mant <<= 60 - shift;
		if (mant & (1ULL << 61))
			mant >>= 1, exp++;
	}
	const char *hex = fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	sb_addc(out, '0'), sb_addc(out, fmt), sb_addc(out, (char)('0' + ((mant >> 60) & 1)));
	mant <<= 4;
	if ((prec < 0 && mant != 0) || prec > 0) {
		sb_addc(out, '.');
		for (int i = 0; prec < 0 ? mant != 0 : i < prec; i++, mant <<= 4)
			sb_addc(out, hex[(mant >> 60) & 15]);
	}
	sb_addf(out, "%c%c%02d", fmt == 'X' ? 'P' : 'p', exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

void go_format_float(strbuf *out, double f, char fmt, int prec)
{
	if (isnan(f)) {
		sb_adds(out, "NaN");
		return;
	}
	if (isinf(f)) {
		sb_adds(out, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (fmt == 'F')
		fmt = 'f';
	if (fmt == 'b' || fmt == 'x' || fmt == 'X') {
		fmt_binary(out, f, fmt, prec);
		return;
	}
	if (prec > MAXDIG - 20)
		prec = MAXDIG - 20;
	if (signbit(f))
		sb_addc(out, '-');
	decimal dc;
	bool shortest = prec < 0;
	if (shortest) {
		dec_shortest(&dc, f);
	} else if (fmt == 'e' || fmt == 'E') {
		dec_digits(&dc, f, prec + 1);
	} else if (fmt == 'f') {
		char buf[MAXDIG + 340];
		snprintf(buf, sizeof buf, "%.*f", prec, fabs(f));
		sb_adds(out, buf);
		return;
	} else {
		dec_digits(&dc, f, prec ? prec : 1);
		if (prec == 0)
			prec = 1;
	}
	switch (fmt) {
	case 'e':
	case 'E':
		fmt_e(out, &dc, shortest ? (dc.nd > 1 ? dc.nd - 1 : 0) : prec, fmt);
		break;
	case 'f':
		fmt_f(out, &dc, dc.nd - dc.dp > 0 ? dc.nd - dc.dp : 0);
		break;
	default:
		fmt_g(out, &dc, shortest ? dc.nd : prec, shortest, fmt == 'G' ? 'G' : 'g');
		break;
	}
}

/* ---- strconv.Quote ---- */

/* Decodes one UTF-8 rune at s (n > 0 bytes left); returns its length, *r = -1 when invalid. */
static int utf8_decode(const unsigned char *s, size_t n, int32_t *r)
{
	static const struct {
		unsigned char mask, lead;
		int len;
		int32_t min;
	} forms[] = {{0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
	if (s[0] < 0x80) {
		*r = s[0];
		return 1;
	}
	for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
		if ((s[0] & forms[k].mask) != forms[k].lead)
			continue;
		int len = forms[k].len;
		if ((size_t)len > n)
			break;
		int32_t c = s[0] & (0x7F >> len);
		for (int i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80)
				goto bad;
			c = (c << 6) | (s[i] & 0x3F);
		}
		if (c < forms[k].min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			break;
		*r = c;
		return len;
	}
bad:
	*r = -1;
	return 1;
}

static size_t rune_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; c++) {
		int32_t r;
		i += (size_t)utf8_decode((const unsigned char *)s + i, n - i, &r);
	}
	return c;
}

static void add_rune(strbuf *out, int32_t r)
{
	char b[4];
	if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = 0xFFFD;
	if (r < 0x80) {
		sb_addc(out, (char)r);
	} else if (r < 0x800) {
		b[0] = (char)(0xC0 | (r >> 6)), b[1] = (char)(0x80 | (r & 0x3F));
		sb_add(out, b, 2);
	} else if (r < 0x10000) {
		b[0] = (char)(0xE0 | (r >> 12)), b[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		b[2] = (char)(0x80 | (r & 0x3F));
		sb_add(out, b, 3);
	} else {
		b[0] = (char)(0xF0 | (r >> 18)), b[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((r >> 6) & 0x3F)), b[3] = (char)(0x80 | (r & 0x3F));
		sb_add(out, b, 4);
	}
}

/* Ranges of non-ASCII runes Go's unicode.IsPrint refuses (spaces, controls, formats, private use).
 */
static const int32_t unprintable[][2] = {
    {0x80, 0xA0},	{0xAD, 0xAD},	    {0x600, 0x605},	{0x61C, 0x61C},
    {0x6DD, 0x6DD},	{0x70F, 0x70F},	    {0x1680, 0x1680},	{0x180E, 0x180E},
    {0x2000, 0x200F},	{0x2028, 0x202F},   {0x205F, 0x206F},	{0x3000, 0x3000},
    {0xD800, 0xF8FF},	{0xFEFF, 0xFEFF},   {0xFFF0, 0xFFFB},	{0xFFFE, 0xFFFF},
    {0x110BD, 0x110BD}, {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF}, {0xF0000, 0x10FFFF},
};

static bool is_print(int32_t r)
{
	if (r < 0x80)
		return r >= 0x20 && r < 0x7F;
	for (size_t i = 0; i < sizeof unprintable / sizeof unprintable[0]; i++)
		if (r >= unprintable[i][0] && r <= unprintable[i][1])
			return false;
	return true;
}

static void quote_rune(strbuf *out, int32_t r, char q, bool ascii)
{
	static const char esc[] = "\a\b\f\n\r\t\v", name[] = "abfnrtv";
	if (r == q || r == '\\') {
		sb_addc(out, '\\'), sb_addc(out, (char)r);
	} else if (ascii ? (r < 0x80 && is_print(r)) : is_print(r)) {
		add_rune(out, r);
	} else if (r > 0 && r < 0x80 && strchr(esc, r)) {
		sb_addc(out, '\\'), sb_addc(out, name[strchr(esc, r) - esc]);
	} else if (r < ' ' || r == 0x7F) {
		sb_addf(out, "\\x%02x", (unsigned)r);
	} else if (r < 0x10000) {
		sb_addf(out, "\\u%04x", (unsigned)r);
	} else {
		sb_addf(out, "\\U%08x", (unsigned)r);
	}
}

static void quote_with(strbuf *out, const char *s, size_t n, bool ascii)
{
	sb_addc(out, '"');
	for (size_t i = 0; i < n;) {
		int32_t r;
		int w = utf8_decode((const unsigned char *)s + i, n - i, &r);
		if (r < 0)
			sb_addf(out, "\\x%02x", (unsigned char)s[i]);
		else
			quote_rune(out, r, '"', ascii);
		i += (size_t)w;
	}
	sb_addc(out, '"');
}

void go_quote(strbuf *out, const char *s, size_t n)
{
	quote_with(out, s, n, false);
}

/* ---- fmt's state ---- */

typedef struct pfmt {
	strbuf *out;
	bool plus, minus, sharp, space, zero, plus_v, sharp_v;
	bool wid_present, prec_present;
	int wid, prec;
} pfmt;

static void write_padding(pfmt *f, int n)
{
	for (int i = 0; i < n; i++)
		sb_addc(f->out, f->zero ? '0' : ' ');
}

static void pad(pfmt *f, const char *s, size_t n)
{
	int w = f->wid_present ? f->wid - (int)rune_count(s, n) : 0;
	if (w <= 0) {
		sb_add(f->out, s, n);
	} else if (!f->minus) {
		write_padding(f, w);
		sb_add(f->out, s, n);
	} else {
		sb_add(f->out, s, n);
		bool z = f->zero;
		f->zero = false;
		write_padding(f, w);
		f->zero = z;
	}
}

static void pad_nozero(pfmt *f, const char *s, size_t n)
{
	bool z = f->zero;
	f->zero = false;
	pad(f, s, n);
	f->zero = z;
}

static void pad_sb(pfmt *f, strbuf *b)
{
	pad(f, b->buf ? b->buf : "", b->len);
}

/* A scratch builder in the output's arena. */
static strbuf scratch(pfmt *f)
{
	strbuf b;
	sb_init(&b, f->out->a);
	return b;
}

static void print_value(pfmt *f, value v, char verb, int depth);

static void bad_verb(pfmt *f, value v, int32_t verb)
{
	sb_adds(f->out, "%!");
	add_rune(f->out, verb);
	sb_addc(f->out, '(');
	if (v.kind == V_NIL) {
		sb_adds(f->out, "<nil>");
	} else {
		sb_adds(f->out, value_gotype(v));
		sb_addc(f->out, '=');
		pfmt g = {.out = f->out};
		print_value(&g, v, 'v', 0);
	}
	sb_addc(f->out, ')');
}

/* ---- integers ---- */

static void fmt_integer(pfmt *f, uint64_t u, int base, bool neg, char verb, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEFX" : "0123456789abcdefx";
	char tmp[80];
	int prec = 0;
	if (f->prec_present) {
		prec = f->prec;
		if (prec == 0 && u == 0) {
			bool z = f->zero;
			f->zero = false;
			write_padding(f, f->wid_present ? f->wid : 0);
			f->zero = z;
			return;
		}
	} else if (f->zero && !f->minus && f->wid_present) {
		prec = f->wid;
		if (neg || f->plus || f->space)
			prec--;
	}
	strbuf b = scratch(f);
	int i = (int)sizeof tmp;
	do {
		tmp[--i] = digits[u % (uint64_t)base];
		u /= (uint64_t)base;
	} while (u && i > 0);
	int nd = (int)sizeof tmp - i;
	if (neg)
		sb_addc(&b, '-');
	else if (f->plus)
		sb_addc(&b, '+');
	else if (f->space)
		sb_addc(&b, ' ');
	if (f->sharp && base == 2)
		sb_adds(&b, "0b");
	if (f->sharp && base == 16)
		sb_addc(&b, '0'), sb_addc(&b, digits[16]);
	if (verb == 'O')
		sb_adds(&b, "0o");
	bool octzero = f->sharp && base == 8 && verb != 'O';
	int zeros = prec > nd ? prec - nd : 0;
	if (octzero && zeros == 0 && tmp[i] != '0')
		zeros = 1;
	for (int k = 0; k < zeros; k++)
		sb_addc(&b, '0');
	sb_add(&b, tmp + i, (size_t)nd);
	pad_nozero(f, b.buf, b.len);
}

static void fmt_unicode(pfmt *f, uint64_t u)
{
	strbuf b = scratch(f);
	sb_addf(&b, "U+%0*llX", f->prec_present && f->prec > 4 ? f->prec : 4,
		(unsigned long long)u);
	if (f->sharp && u <= 0x10FFFF && is_print((int32_t)u)) {
		sb_adds(&b, " '");
		add_rune(&b, (int32_t)u);
		sb_addc(&b, '\'');
	}
	pad_nozero(f, b.buf, b.len);
}

static void print_int(pfmt *f, value v, char verb)
{
	int64_t i = v.u.i;
	uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
	strbuf b;
	switch (verb) {
	case 'v':
	case 'd':
		fmt_integer(f, u, 10, i < 0, verb, false);
		break;
	case 'b':
		fmt_integer(f, u, 2, i < 0, verb, false);
		break;
	case 'o':
	case 'O':
		fmt_integer(f, u, 8, i < 0, verb, false);
		break;
	case 'x':
	case 'X':
		fmt_integer(f, u, 16, i < 0, verb, verb == 'X');
		break;
	case 'c':
		b = scratch(f);
		add_rune(&b, i > 0x10FFFF || i < 0 ? 0xFFFD : (int32_t)i);
		pad(f, b.buf, b.len);
		break;
	case 'q':
		b = scratch(f);
		sb_addc(&b, '\'');
		quote_rune(&b, i > 0x10FFFF || i < 0 ? 0xFFFD : (int32_t)i, '\'', f->plus);
		sb_addc(&b, '\'');
		pad(f, b.buf, b.len);
		break;
	case 'U':
		fmt_unicode(f, (uint64_t)i);
		break;
	default:
		bad_verb(f, v, verb);
	}
}

/* ---- floats ---- */

/* The '#' flag: always a decimal point, and %g/%x keep their trailing zeros. */
static const char *sharp_float(pfmt *f, const char *num, char verb, int prec)
{
	int digits = 0;
	if (strchr("vgGx", verb))
		digits = prec == -1 ? 6 : prec;
	strbuf b = scratch(f);
	const char *tail = "";
	bool point = false, nonzero = false;
	size_t i = 0, n = strlen(num);
	for (; i < n; i++) {
		char c = num[i];
		if (c == '.') {
			point = true;
		} else if (c == 'p' || c == 'P' ||
			   ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
			tail = num + i;
			break;
		} else {
			nonzero |= c != '0';
			digits -= nonzero;
		}
	}
	sb_add(&b, num, i);
	if (!point) {
		if (i == 1 && num[0] == '0')
			digits--;
		sb_addc(&b, '.');
	}
	for (; digits > 0; digits--)
		sb_addc(&b, '0');
	sb_adds(&b, tail);
	return sb_str(&b);
}

static void fmt_float(pfmt *f, double x, char verb, int prec)
{
	if (f->prec_present)
		prec = f->prec;
	strbuf b = scratch(f);
	go_format_float(&b, x, verb, prec);
	const char *num = sb_str(&b);
	char sign = num[0] == '-' || num[0] == '+' ? num[0] : '+';
	const char *body = num[0] == '-' || num[0] == '+' ? num + 1 : num;
	if (f->space && sign == '+' && !f->plus)
		sign = ' ';
	if (f->sharp && verb != 'b' && body[0] != 'I' && body[0] != 'N')
		body = sharp_float(f, body, verb, f->prec_present ? f->prec : prec);
	strbuf s = scratch(f);
	if (body[0] == 'I' || body[0] == 'N') {
		if (!(body[0] == 'N' && !f->space && !f->plus))
			sb_addc(&s, sign);
		sb_adds(&s, body);
		pad_nozero(f, s.buf, s.len);
		return;
	}
	if (f->plus || sign != '+') {
		if (f->zero && !f->minus && f->wid_present && f->wid > (int)strlen(body) + 1) {
			sb_addc(f->out, sign);
			write_padding(f, f->wid - (int)strlen(body) - 1);
			sb_adds(f->out, body);
			return;
		}
		sb_addc(&s, sign);
	}
	sb_adds(&s, body);
	pad(f, s.buf, s.len);
}

static void print_float(pfmt *f, value v, char verb)
{
	switch (verb) {
	case 'v':
		fmt_float(f, v.u.f, 'g', -1);
		break;
	case 'b':
	case 'g':
	case 'G':
	case 'x':
	case 'X':
		fmt_float(f, v.u.f, verb, -1);
		break;
	case 'f':
	case 'F':
	case 'e':
	case 'E':
		fmt_float(f, v.u.f, verb, 6);
		break;
	default:
		bad_verb(f, v, verb);
	}
}

/* ---- strings ---- */

/* The first prec runes of s (all of s without a precision). */
static size_t truncate_len(pfmt *f, const char *s, size_t n)
{
	if (!f->prec_present)
		return n;
	size_t i = 0;
	for (int k = 0; k < f->prec && i < n; k++) {
		int32_t r;
		i += (size_t)utf8_decode((const unsigned char *)s + i, n - i, &r);
	}
	return i;
}

static void fmt_sx(pfmt *f, const char *s, size_t n, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	if (f->prec_present && (size_t)f->prec < n)
		n = (size_t)f->prec;
	strbuf b = scratch(f);
	for (size_t i = 0; i < n; i++) {
		if (f->space && i > 0)
			sb_addc(&b, ' ');
		if (f->sharp && (f->space || i == 0))
			sb_addc(&b, '0'), sb_addc(&b, upper ? 'X' : 'x');
		sb_addc(&b, digits[(unsigned char)s[i] >> 4]);
		sb_addc(&b, digits[(unsigned char)s[i] & 15]);
	}
	pad_sb(f, &b);
}

static bool can_backquote(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int32_t r;
		i += (size_t)utf8_decode((const unsigned char *)s + i, n - i, &r);
		if (r < 0 || r == '`' || r == 0xFEFF || (r < ' ' && r != '\t') || r == 0x7F)
			return false;
	}
	return true;
}

static void fmt_q(pfmt *f, const char *s, size_t n)
{
	n = truncate_len(f, s, n);
	strbuf b = scratch(f);
	if (f->sharp && can_backquote(s, n)) {
		sb_addc(&b, '`');
		sb_add(&b, s, n);
		sb_addc(&b, '`');
	} else {
		quote_with(&b, s, n, f->plus);
	}
	pad_sb(f, &b);
}

static void print_string(pfmt *f, value v, char verb)
{
	switch (verb) {
	case 'v':
		if (f->sharp_v)
			fmt_q(f, v.u.s, v.len);
		else
			pad(f, v.u.s, truncate_len(f, v.u.s, v.len));
		break;
	case 's':
		pad(f, v.u.s, truncate_len(f, v.u.s, v.len));
		break;
	case 'x':
	case 'X':
		fmt_sx(f, v.u.s, v.len, verb == 'X');
		break;
	case 'q':
		fmt_q(f, v.u.s, v.len);
		break;
	default:
		bad_verb(f, v, verb);
	}
}

/* ---- composite values ---- */

static void print_list(pfmt *f, value v, char verb, int depth)
{
	vlist *l = v.u.l;
	if (f->sharp_v) {
		sb_adds(f->out, l->gotype);
		sb_addc(f->out, '{');
		for (uint32_t i = 0; i < l->len; i++) {
			if (i)
				sb_adds(f->out, ", ");
			print_value(f, l->items[i], verb, depth + 1);
		}
		sb_addc(f->out, '}');
		return;
	}
	sb_addc(f->out, '[');
	for (uint32_t i = 0; i < l->len; i++) {
		if (i)
			sb_addc(f->out, ' ');
		print_value(f, l->items[i], verb, depth + 1);
	}
	sb_addc(f->out, ']');
}

static void print_map(pfmt *f, value v, char verb, int depth)
{
	vmap *m = v.u.m;
	if (f->sharp_v) {
		sb_adds(f->out, m->gotype);
		sb_addc(f->out, '{');
	} else {
		sb_adds(f->out, "map[");
	}
	for (uint32_t i = 0; i < m->len; i++) {
		if (i)
			sb_adds(f->out, f->sharp_v ? ", " : " ");
		print_value(f, v_str_static(m->e[i].key, m->e[i].klen), verb, depth + 1);
		sb_addc(f->out, ':');
		print_value(f, m->e[i].val, verb, depth + 1);
	}
	sb_addc(f->out, f->sharp_v ? '}' : ']');
}

static void print_obj(pfmt *f, value v, char verb, int depth)
{
	const vclass *cls = v.u.o->cls;
	if (cls->to_string && !f->sharp_v && strchr("vsxXq", verb)) {
		const char *s = cls->to_string(f->out->a, v.u.o);
		print_string(f, v_str_static(s, strlen(s)), verb);
		return;
	}
	value p = cls->to_plain ? cls->to_plain(f->out->a, v.u.o) : v_nil();
	if (p.kind == V_NIL) {
		sb_adds(f->out, "<nil>");
		return;
	}
	print_value(f, p, verb, depth + 1);
}

static void print_value(pfmt *f, value v, char verb, int depth)
{
	if (depth > 1000) { /* a cycle: Go would overflow its stack */
		sb_adds(f->out, "...");
		return;
	}
	switch ((enum vkind)v.kind) {
	case V_NIL:
		if (depth > 0)
			sb_adds(f->out, f->sharp_v ? "interface {}(nil)" : "<nil>");
		else if (verb == 'v' || verb == 'T')
			pad(f, "<nil>", 5);
		else
			bad_verb(f, v, verb);
		break;
	case V_BOOL:
		if (verb == 't' || verb == 'v')
			pad(f, v.u.b ? "true" : "false", v.u.b ? 4 : 5);
		else
			bad_verb(f, v, verb);
		break;
	case V_INT:
	case V_INT64:
		print_int(f, v, verb);
		break;
	case V_FLOAT:
		print_float(f, v, verb);
		break;
	case V_STRING:
		print_string(f, v, verb);
		break;
	case V_LIST:
		print_list(f, v, verb, depth);
		break;
	case V_MAP:
		print_map(f, v, verb, depth);
		break;
	case V_OBJ:
		print_obj(f, v, verb, depth);
		break;
	}
}

/* printArg: the top-level argument of one verb. */
static void print_arg(pfmt *f, value v, char verb)
{
	if (verb == 'T') {
		const char *t = value_gotype(v);
		pad(f, t, strlen(t));
		return;
	}
	if (verb == 'p') {
		bad_verb(f, v, verb);
		return;
	}
	print_value(f, v, verb, 0);
}

void go_print_value(strbuf *out, value v)
{
	pfmt f = {.out = out};
	print_value(&f, v, 'v', 0);
}

void go_print_template(strbuf *out, value v)
{
	if (v.kind == V_NIL)
		sb_adds(out, "<no value>");
	else
		go_print_value(out, v);
}

void go_sprint(strbuf *out, const value *args, int n)
{
	bool prev_string = false;
	for (int i = 0; i < n; i++) {
		bool is_string = args[i].kind == V_STRING;
		if (i > 0 && !is_string && !prev_string)
			sb_addc(out, ' ');
		go_print_value(out, args[i]);
		prev_string = is_string;
	}
}

void go_sprintln(strbuf *out, const value *args, int n)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			sb_addc(out, ' ');
		go_print_value(out, args[i]);
	}
	sb_addc(out, '\n');
}

/* ---- Sprintf ---- */

typedef struct pstate {
	pfmt f;
	const char *fmt;
	size_t end;
	const value *args;
	int nargs, argnum;
	bool reordered, good_argnum;
} pstate;

static bool parsenum(const char *s, size_t start, size_t end, int *num, size_t *newi)
{
	bool isnum = false;
	*num = 0;
	size_t i = start;
	for (; i < end && s[i] >= '0' && s[i] <= '9'; i++) {
		if (*num > 1000000) {
			*num = 0, *newi = end;
			return false;
		}
		*num = *num * 10 + (s[i] - '0');
		isnum = true;
	}
	*newi = i;
	return isnum;
}

/* An argument index [n] at i: returns whether one was found and moves i past it. */
static bool arg_number(pstate *p, size_t *i)
{
	const char *s = p->fmt + *i;
	size_t left = p->end - *i;
	if (*i >= p->end || s[0] != '[')
		return false;
	p->reordered = true;
	size_t wid = 1;
	bool ok = false;
	int index = 0;
	if (left >= 3) {
		for (size_t k = 1; k < left; k++) {
			if (s[k] != ']')
				continue;
			size_t ni;
			int num;
			ok = parsenum(s, 1, k, &num, &ni) && ni == k;
			index = num - 1;
			wid = k + 1;
			break;
		}
	}
	*i += wid;
	if (ok && index >= 0 && index < p->nargs) {
		p->argnum = index;
		return true;
	}
	p->good_argnum = false;
	return ok;
}

/* A `*` width or precision from the next argument. */
static bool int_from_arg(pstate *p, int *num)
{
	*num = 0;
	if (p->argnum >= p->nargs)
		return false;
	value v = p->args[p->argnum++];
	if (!value_is_int(v) || v.u.i > 1000000 || v.u.i < -1000000)
		return false;
	*num = (int)v.u.i;
	return true;
}

static void print_extra(pstate *p)
{
	strbuf *out = p->f.out;
	sb_adds(out, "%!(EXTRA ");
	for (int i = p->argnum; i < p->nargs; i++) {
		if (i > p->argnum)
			sb_adds(out, ", ");
		if (p->args[i].kind == V_NIL) {
			sb_adds(out, "<nil>");
			continue;
		}
		sb_adds(out, value_gotype(p->args[i]));
		sb_addc(out, '=');
		go_print_value(out, p->args[i]);
	}
	sb_addc(out, ')');
}

static size_t parse_flags(pfmt *f, const char *s, size_t i, size_t end)
{
	for (; i < end; i++) {
		switch (s[i]) {
		case '#':
			f->sharp = true;
			break;
		case '0':
			f->zero = !f->minus;
			break;
		case '+':
			f->plus = true;
			break;
		case '-':
			f->minus = true;
			f->zero = false;
			break;
		case ' ':
			f->space = true;
			break;
		default:
			return i;
		}
	}
	return i;
}

static size_t parse_width(pstate *p, size_t i, bool *after_index)
{
	if (i < p->end && p->fmt[i] == '*') {
		i++;
		p->f.wid_present = int_from_arg(p, &p->f.wid);
		if (!p->f.wid_present)
			sb_adds(p->f.out, "%!(BADWIDTH)");
		if (p->f.wid < 0) {
			p->f.wid = -p->f.wid;
			p->f.minus = true;
			p->f.zero = false;
		}
		*after_index = false;
	} else {
		p->f.wid_present = parsenum(p->fmt, i, p->end, &p->f.wid, &i);
		if (*after_index && p->f.wid_present)
			p->good_argnum = false;
	}
	return i;
}

static size_t parse_prec(pstate *p, size_t i, bool *after_index)
{
	if (!(i + 1 < p->end && p->fmt[i] == '.'))
		return i;
	i++;
	if (*after_index)
		p->good_argnum = false;
	*after_index = arg_number(p, &i);
	if (i < p->end && p->fmt[i] == '*') {
		i++;
		p->f.prec_present = int_from_arg(p, &p->f.prec);
		if (p->f.prec < 0) {
			p->f.prec = 0;
			p->f.prec_present = false;
		}
		if (!p->f.prec_present)
			sb_adds(p->f.out, "%!(BADPREC)");
		*after_index = false;
	} else {
		p->f.prec_present = parsenum(p->fmt, i, p->end, &p->f.prec, &i);
		if (!p->f.prec_present) {
			p->f.prec = 0;
			p->f.prec_present = true;
		}
	}
	return i;
}

/* Reads one verb's directive after '%' at i and prints it; returns the next index. */
static size_t do_verb(pstate *p, size_t i)
{
	p->f = (pfmt){.out = p->f.out};
	p->good_argnum = true;
	i = parse_flags(&p->f, p->fmt, i, p->end);
	bool after_index = arg_number(p, &i);
	i = parse_width(p, i, &after_index);
	i = parse_prec(p, i, &after_index);
	if (!after_index)
		after_index = arg_number(p, &i);
	if (i >= p->end) {
		sb_adds(p->f.out, "%!(NOVERB)");
		return i;
	}
	int32_t verb;
	int w = utf8_decode((const unsigned char *)p->fmt + i, p->end - i, &verb);
	i += (size_t)w;
	strbuf *out = p->f.out;
	if (verb == '%') {
		sb_addc(out, '%');
	} else if (!p->good_argnum || p->argnum >= p->nargs) {
		sb_adds(out, "%!");
		add_rune(out, verb < 0 ? 0xFFFD : verb);
		sb_adds(out, p->good_argnum ? "(MISSING)" : "(BADINDEX)");
	} else {
		if (verb == 'v') {
			p->f.sharp_v = p->f.sharp, p->f.sharp = false;
			p->f.plus_v = p->f.plus, p->f.plus = false;
		}
		if (verb < 0x80 && verb > 0)
			print_arg(&p->f, p->args[p->argnum], (char)verb);
		else
			bad_verb(&p->f, p->args[p->argnum], verb);
		p->argnum++;
	}
	return i;
}

void go_sprintf(strbuf *out, const char *fmt, size_t fmtlen, const value *args, int n)
{
	pstate p = {.f = {.out = out}, .fmt = fmt, .end = fmtlen, .args = args, .nargs = n};
	for (size_t i = 0; i < fmtlen;) {
		size_t lasti = i;
		while (i < fmtlen && fmt[i] != '%')
			i++;
		sb_add(out, fmt + lasti, i - lasti);
		if (i >= fmtlen)
			break;
		i = do_verb(&p, i + 1);
	}
	if (!p.reordered && p.argnum < n)
		print_extra(&p);
}
