/* gofmt.c - Go's fmt and strconv printing: %v of every value kind, Sprint,
 * Sprintf with Go's verbs, flags, widths, argument indexes and error forms,
 * strconv.FormatFloat and strconv.Quote. Float digits come from the C
 * library's correctly rounded %e, trimmed to the shortest form that reads back,
 * then laid out in Go's forms (fmtE/fmtF below mirror strconv's).
 */
#include "gofmt.h"

#include <math.h>
#include <stdnoreturn.h>
#include <unistd.h>
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
	double a = fabs(f);
	if (a == floor(a) && a < 9007199254740992.0) {
		/* an integer below 2^53: its own digits are the shortest (doubles there are
		 * at most 1 apart), and the common case (ports, replicas) needs no printf */
		uint64_t u = (uint64_t)a;
		char tmp[24];
		int n = 0;
		while (u) {
			tmp[n++] = (char)('0' + u % 10);
			u /= 10;
		}
		int zeros = 0;
		while (zeros < n && tmp[zeros] == '0')
			zeros++;
		dc->nd = n - zeros;
		dc->dp = n;
		for (int i = 0; i < dc->nd; i++)
			dc->d[i] = tmp[n - 1 - i];
		return;
	}
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

/* Ranges of non-ASCII runes Go's strconv.IsPrint refuses: every rune outside the
 * categories L, M, N, P and S of Unicode 15.0.0 (Go 1.23's version), that is spaces,
 * controls, formats, surrogates, private use and unassigned code points. Generated
 * from UnicodeData.txt; sorted, for a binary search. */
static const int32_t unprintable[][2] = {
    {0x80, 0xA0},	{0xAD, 0xAD},	    {0x378, 0x379},	 {0x380, 0x383},
    {0x38B, 0x38B},	{0x38D, 0x38D},	    {0x3A2, 0x3A2},	 {0x530, 0x530},
    {0x557, 0x558},	{0x58B, 0x58C},	    {0x590, 0x590},	 {0x5C8, 0x5CF},
    {0x5EB, 0x5EE},	{0x5F5, 0x605},	    {0x61C, 0x61C},	 {0x6DD, 0x6DD},
    {0x70E, 0x70F},	{0x74B, 0x74C},	    {0x7B2, 0x7BF},	 {0x7FB, 0x7FC},
    {0x82E, 0x82F},	{0x83F, 0x83F},	    {0x85C, 0x85D},	 {0x85F, 0x85F},
    {0x86B, 0x86F},	{0x88F, 0x897},	    {0x8E2, 0x8E2},	 {0x984, 0x984},
    {0x98D, 0x98E},	{0x991, 0x992},	    {0x9A9, 0x9A9},	 {0x9B1, 0x9B1},
    {0x9B3, 0x9B5},	{0x9BA, 0x9BB},	    {0x9C5, 0x9C6},	 {0x9C9, 0x9CA},
    {0x9CF, 0x9D6},	{0x9D8, 0x9DB},	    {0x9DE, 0x9DE},	 {0x9E4, 0x9E5},
    {0x9FF, 0xA00},	{0xA04, 0xA04},	    {0xA0B, 0xA0E},	 {0xA11, 0xA12},
    {0xA29, 0xA29},	{0xA31, 0xA31},	    {0xA34, 0xA34},	 {0xA37, 0xA37},
    {0xA3A, 0xA3B},	{0xA3D, 0xA3D},	    {0xA43, 0xA46},	 {0xA49, 0xA4A},
    {0xA4E, 0xA50},	{0xA52, 0xA58},	    {0xA5D, 0xA5D},	 {0xA5F, 0xA65},
    {0xA77, 0xA80},	{0xA84, 0xA84},	    {0xA8E, 0xA8E},	 {0xA92, 0xA92},
    {0xAA9, 0xAA9},	{0xAB1, 0xAB1},	    {0xAB4, 0xAB4},	 {0xABA, 0xABB},
    {0xAC6, 0xAC6},	{0xACA, 0xACA},	    {0xACE, 0xACF},	 {0xAD1, 0xADF},
    {0xAE4, 0xAE5},	{0xAF2, 0xAF8},	    {0xB00, 0xB00},	 {0xB04, 0xB04},
    {0xB0D, 0xB0E},	{0xB11, 0xB12},	    {0xB29, 0xB29},	 {0xB31, 0xB31},
    {0xB34, 0xB34},	{0xB3A, 0xB3B},	    {0xB45, 0xB46},	 {0xB49, 0xB4A},
    {0xB4E, 0xB54},	{0xB58, 0xB5B},	    {0xB5E, 0xB5E},	 {0xB64, 0xB65},
    {0xB78, 0xB81},	{0xB84, 0xB84},	    {0xB8B, 0xB8D},	 {0xB91, 0xB91},
    {0xB96, 0xB98},	{0xB9B, 0xB9B},	    {0xB9D, 0xB9D},	 {0xBA0, 0xBA2},
    {0xBA5, 0xBA7},	{0xBAB, 0xBAD},	    {0xBBA, 0xBBD},	 {0xBC3, 0xBC5},
    {0xBC9, 0xBC9},	{0xBCE, 0xBCF},	    {0xBD1, 0xBD6},	 {0xBD8, 0xBE5},
    {0xBFB, 0xBFF},	{0xC0D, 0xC0D},	    {0xC11, 0xC11},	 {0xC29, 0xC29},
    {0xC3A, 0xC3B},	{0xC45, 0xC45},	    {0xC49, 0xC49},	 {0xC4E, 0xC54},
    {0xC57, 0xC57},	{0xC5B, 0xC5C},	    {0xC5E, 0xC5F},	 {0xC64, 0xC65},
    {0xC70, 0xC76},	{0xC8D, 0xC8D},	    {0xC91, 0xC91},	 {0xCA9, 0xCA9},
    {0xCB4, 0xCB4},	{0xCBA, 0xCBB},	    {0xCC5, 0xCC5},	 {0xCC9, 0xCC9},
    {0xCCE, 0xCD4},	{0xCD7, 0xCDC},	    {0xCDF, 0xCDF},	 {0xCE4, 0xCE5},
    {0xCF0, 0xCF0},	{0xCF4, 0xCFF},	    {0xD0D, 0xD0D},	 {0xD11, 0xD11},
    {0xD45, 0xD45},	{0xD49, 0xD49},	    {0xD50, 0xD53},	 {0xD64, 0xD65},
    {0xD80, 0xD80},	{0xD84, 0xD84},	    {0xD97, 0xD99},	 {0xDB2, 0xDB2},
    {0xDBC, 0xDBC},	{0xDBE, 0xDBF},	    {0xDC7, 0xDC9},	 {0xDCB, 0xDCE},
    {0xDD5, 0xDD5},	{0xDD7, 0xDD7},	    {0xDE0, 0xDE5},	 {0xDF0, 0xDF1},
    {0xDF5, 0xE00},	{0xE3B, 0xE3E},	    {0xE5C, 0xE80},	 {0xE83, 0xE83},
    {0xE85, 0xE85},	{0xE8B, 0xE8B},	    {0xEA4, 0xEA4},	 {0xEA6, 0xEA6},
    {0xEBE, 0xEBF},	{0xEC5, 0xEC5},	    {0xEC7, 0xEC7},	 {0xECF, 0xECF},
    {0xEDA, 0xEDB},	{0xEE0, 0xEFF},	    {0xF48, 0xF48},	 {0xF6D, 0xF70},
    {0xF98, 0xF98},	{0xFBD, 0xFBD},	    {0xFCD, 0xFCD},	 {0xFDB, 0xFFF},
    {0x10C6, 0x10C6},	{0x10C8, 0x10CC},   {0x10CE, 0x10CF},	 {0x1249, 0x1249},
    {0x124E, 0x124F},	{0x1257, 0x1257},   {0x1259, 0x1259},	 {0x125E, 0x125F},
    {0x1289, 0x1289},	{0x128E, 0x128F},   {0x12B1, 0x12B1},	 {0x12B6, 0x12B7},
    {0x12BF, 0x12BF},	{0x12C1, 0x12C1},   {0x12C6, 0x12C7},	 {0x12D7, 0x12D7},
    {0x1311, 0x1311},	{0x1316, 0x1317},   {0x135B, 0x135C},	 {0x137D, 0x137F},
    {0x139A, 0x139F},	{0x13F6, 0x13F7},   {0x13FE, 0x13FF},	 {0x1680, 0x1680},
    {0x169D, 0x169F},	{0x16F9, 0x16FF},   {0x1716, 0x171E},	 {0x1737, 0x173F},
    {0x1754, 0x175F},	{0x176D, 0x176D},   {0x1771, 0x1771},	 {0x1774, 0x177F},
    {0x17DE, 0x17DF},	{0x17EA, 0x17EF},   {0x17FA, 0x17FF},	 {0x180E, 0x180E},
    {0x181A, 0x181F},	{0x1879, 0x187F},   {0x18AB, 0x18AF},	 {0x18F6, 0x18FF},
    {0x191F, 0x191F},	{0x192C, 0x192F},   {0x193C, 0x193F},	 {0x1941, 0x1943},
    {0x196E, 0x196F},	{0x1975, 0x197F},   {0x19AC, 0x19AF},	 {0x19CA, 0x19CF},
    {0x19DB, 0x19DD},	{0x1A1C, 0x1A1D},   {0x1A5F, 0x1A5F},	 {0x1A7D, 0x1A7E},
    {0x1A8A, 0x1A8F},	{0x1A9A, 0x1A9F},   {0x1AAE, 0x1AAF},	 {0x1ACF, 0x1AFF},
    {0x1B4D, 0x1B4F},	{0x1B7F, 0x1B7F},   {0x1BF4, 0x1BFB},	 {0x1C38, 0x1C3A},
    {0x1C4A, 0x1C4C},	{0x1C89, 0x1C8F},   {0x1CBB, 0x1CBC},	 {0x1CC8, 0x1CCF},
    {0x1CFB, 0x1CFF},	{0x1F16, 0x1F17},   {0x1F1E, 0x1F1F},	 {0x1F46, 0x1F47},
    {0x1F4E, 0x1F4F},	{0x1F58, 0x1F58},   {0x1F5A, 0x1F5A},	 {0x1F5C, 0x1F5C},
    {0x1F5E, 0x1F5E},	{0x1F7E, 0x1F7F},   {0x1FB5, 0x1FB5},	 {0x1FC5, 0x1FC5},
    {0x1FD4, 0x1FD5},	{0x1FDC, 0x1FDC},   {0x1FF0, 0x1FF1},	 {0x1FF5, 0x1FF5},
    {0x1FFF, 0x200F},	{0x2028, 0x202F},   {0x205F, 0x206F},	 {0x2072, 0x2073},
    {0x208F, 0x208F},	{0x209D, 0x209F},   {0x20C1, 0x20CF},	 {0x20F1, 0x20FF},
    {0x218C, 0x218F},	{0x2427, 0x243F},   {0x244B, 0x245F},	 {0x2B74, 0x2B75},
    {0x2B96, 0x2B96},	{0x2CF4, 0x2CF8},   {0x2D26, 0x2D26},	 {0x2D28, 0x2D2C},
    {0x2D2E, 0x2D2F},	{0x2D68, 0x2D6E},   {0x2D71, 0x2D7E},	 {0x2D97, 0x2D9F},
    {0x2DA7, 0x2DA7},	{0x2DAF, 0x2DAF},   {0x2DB7, 0x2DB7},	 {0x2DBF, 0x2DBF},
    {0x2DC7, 0x2DC7},	{0x2DCF, 0x2DCF},   {0x2DD7, 0x2DD7},	 {0x2DDF, 0x2DDF},
    {0x2E5E, 0x2E7F},	{0x2E9A, 0x2E9A},   {0x2EF4, 0x2EFF},	 {0x2FD6, 0x2FEF},
    {0x2FFC, 0x3000},	{0x3040, 0x3040},   {0x3097, 0x3098},	 {0x3100, 0x3104},
    {0x3130, 0x3130},	{0x318F, 0x318F},   {0x31E4, 0x31EF},	 {0x321F, 0x321F},
    {0xA48D, 0xA48F},	{0xA4C7, 0xA4CF},   {0xA62C, 0xA63F},	 {0xA6F8, 0xA6FF},
    {0xA7CB, 0xA7CF},	{0xA7D2, 0xA7D2},   {0xA7D4, 0xA7D4},	 {0xA7DA, 0xA7F1},
    {0xA82D, 0xA82F},	{0xA83A, 0xA83F},   {0xA878, 0xA87F},	 {0xA8C6, 0xA8CD},
    {0xA8DA, 0xA8DF},	{0xA954, 0xA95E},   {0xA97D, 0xA97F},	 {0xA9CE, 0xA9CE},
    {0xA9DA, 0xA9DD},	{0xA9FF, 0xA9FF},   {0xAA37, 0xAA3F},	 {0xAA4E, 0xAA4F},
    {0xAA5A, 0xAA5B},	{0xAAC3, 0xAADA},   {0xAAF7, 0xAB00},	 {0xAB07, 0xAB08},
    {0xAB0F, 0xAB10},	{0xAB17, 0xAB1F},   {0xAB27, 0xAB27},	 {0xAB2F, 0xAB2F},
    {0xAB6C, 0xAB6F},	{0xABEE, 0xABEF},   {0xABFA, 0xABFF},	 {0xD7A4, 0xD7AF},
    {0xD7C7, 0xD7CA},	{0xD7FC, 0xF8FF},   {0xFA6E, 0xFA6F},	 {0xFADA, 0xFAFF},
    {0xFB07, 0xFB12},	{0xFB18, 0xFB1C},   {0xFB37, 0xFB37},	 {0xFB3D, 0xFB3D},
    {0xFB3F, 0xFB3F},	{0xFB42, 0xFB42},   {0xFB45, 0xFB45},	 {0xFBC3, 0xFBD2},
    {0xFD90, 0xFD91},	{0xFDC8, 0xFDCE},   {0xFDD0, 0xFDEF},	 {0xFE1A, 0xFE1F},
    {0xFE53, 0xFE53},	{0xFE67, 0xFE67},   {0xFE6C, 0xFE6F},	 {0xFE75, 0xFE75},
    {0xFEFD, 0xFF00},	{0xFFBF, 0xFFC1},   {0xFFC8, 0xFFC9},	 {0xFFD0, 0xFFD1},
    {0xFFD8, 0xFFD9},	{0xFFDD, 0xFFDF},   {0xFFE7, 0xFFE7},	 {0xFFEF, 0xFFFB},
    {0xFFFE, 0xFFFF},	{0x1000C, 0x1000C}, {0x10027, 0x10027},	 {0x1003B, 0x1003B},
    {0x1003E, 0x1003E}, {0x1004E, 0x1004F}, {0x1005E, 0x1007F},	 {0x100FB, 0x100FF},
    {0x10103, 0x10106}, {0x10134, 0x10136}, {0x1018F, 0x1018F},	 {0x1019D, 0x1019F},
    {0x101A1, 0x101CF}, {0x101FE, 0x1027F}, {0x1029D, 0x1029F},	 {0x102D1, 0x102DF},
    {0x102FC, 0x102FF}, {0x10324, 0x1032C}, {0x1034B, 0x1034F},	 {0x1037B, 0x1037F},
    {0x1039E, 0x1039E}, {0x103C4, 0x103C7}, {0x103D6, 0x103FF},	 {0x1049E, 0x1049F},
    {0x104AA, 0x104AF}, {0x104D4, 0x104D7}, {0x104FC, 0x104FF},	 {0x10528, 0x1052F},
    {0x10564, 0x1056E}, {0x1057B, 0x1057B}, {0x1058B, 0x1058B},	 {0x10593, 0x10593},
    {0x10596, 0x10596}, {0x105A2, 0x105A2}, {0x105B2, 0x105B2},	 {0x105BA, 0x105BA},
    {0x105BD, 0x105FF}, {0x10737, 0x1073F}, {0x10756, 0x1075F},	 {0x10768, 0x1077F},
    {0x10786, 0x10786}, {0x107B1, 0x107B1}, {0x107BB, 0x107FF},	 {0x10806, 0x10807},
    {0x10809, 0x10809}, {0x10836, 0x10836}, {0x10839, 0x1083B},	 {0x1083D, 0x1083E},
    {0x10856, 0x10856}, {0x1089F, 0x108A6}, {0x108B0, 0x108DF},	 {0x108F3, 0x108F3},
    {0x108F6, 0x108FA}, {0x1091C, 0x1091E}, {0x1093A, 0x1093E},	 {0x10940, 0x1097F},
    {0x109B8, 0x109BB}, {0x109D0, 0x109D1}, {0x10A04, 0x10A04},	 {0x10A07, 0x10A0B},
    {0x10A14, 0x10A14}, {0x10A18, 0x10A18}, {0x10A36, 0x10A37},	 {0x10A3B, 0x10A3E},
    {0x10A49, 0x10A4F}, {0x10A59, 0x10A5F}, {0x10AA0, 0x10ABF},	 {0x10AE7, 0x10AEA},
    {0x10AF7, 0x10AFF}, {0x10B36, 0x10B38}, {0x10B56, 0x10B57},	 {0x10B73, 0x10B77},
    {0x10B92, 0x10B98}, {0x10B9D, 0x10BA8}, {0x10BB0, 0x10BFF},	 {0x10C49, 0x10C7F},
    {0x10CB3, 0x10CBF}, {0x10CF3, 0x10CF9}, {0x10D28, 0x10D2F},	 {0x10D3A, 0x10E5F},
    {0x10E7F, 0x10E7F}, {0x10EAA, 0x10EAA}, {0x10EAE, 0x10EAF},	 {0x10EB2, 0x10EFC},
    {0x10F28, 0x10F2F}, {0x10F5A, 0x10F6F}, {0x10F8A, 0x10FAF},	 {0x10FCC, 0x10FDF},
    {0x10FF7, 0x10FFF}, {0x1104E, 0x11051}, {0x11076, 0x1107E},	 {0x110BD, 0x110BD},
    {0x110C3, 0x110CF}, {0x110E9, 0x110EF}, {0x110FA, 0x110FF},	 {0x11135, 0x11135},
    {0x11148, 0x1114F}, {0x11177, 0x1117F}, {0x111E0, 0x111E0},	 {0x111F5, 0x111FF},
    {0x11212, 0x11212}, {0x11242, 0x1127F}, {0x11287, 0x11287},	 {0x11289, 0x11289},
    {0x1128E, 0x1128E}, {0x1129E, 0x1129E}, {0x112AA, 0x112AF},	 {0x112EB, 0x112EF},
    {0x112FA, 0x112FF}, {0x11304, 0x11304}, {0x1130D, 0x1130E},	 {0x11311, 0x11312},
    {0x11329, 0x11329}, {0x11331, 0x11331}, {0x11334, 0x11334},	 {0x1133A, 0x1133A},
    {0x11345, 0x11346}, {0x11349, 0x1134A}, {0x1134E, 0x1134F},	 {0x11351, 0x11356},
    {0x11358, 0x1135C}, {0x11364, 0x11365}, {0x1136D, 0x1136F},	 {0x11375, 0x113FF},
    {0x1145C, 0x1145C}, {0x11462, 0x1147F}, {0x114C8, 0x114CF},	 {0x114DA, 0x1157F},
    {0x115B6, 0x115B7}, {0x115DE, 0x115FF}, {0x11645, 0x1164F},	 {0x1165A, 0x1165F},
    {0x1166D, 0x1167F}, {0x116BA, 0x116BF}, {0x116CA, 0x116FF},	 {0x1171B, 0x1171C},
    {0x1172C, 0x1172F}, {0x11747, 0x117FF}, {0x1183C, 0x1189F},	 {0x118F3, 0x118FE},
    {0x11907, 0x11908}, {0x1190A, 0x1190B}, {0x11914, 0x11914},	 {0x11917, 0x11917},
    {0x11936, 0x11936}, {0x11939, 0x1193A}, {0x11947, 0x1194F},	 {0x1195A, 0x1199F},
    {0x119A8, 0x119A9}, {0x119D8, 0x119D9}, {0x119E5, 0x119FF},	 {0x11A48, 0x11A4F},
    {0x11AA3, 0x11AAF}, {0x11AF9, 0x11AFF}, {0x11B0A, 0x11BFF},	 {0x11C09, 0x11C09},
    {0x11C37, 0x11C37}, {0x11C46, 0x11C4F}, {0x11C6D, 0x11C6F},	 {0x11C90, 0x11C91},
    {0x11CA8, 0x11CA8}, {0x11CB7, 0x11CFF}, {0x11D07, 0x11D07},	 {0x11D0A, 0x11D0A},
    {0x11D37, 0x11D39}, {0x11D3B, 0x11D3B}, {0x11D3E, 0x11D3E},	 {0x11D48, 0x11D4F},
    {0x11D5A, 0x11D5F}, {0x11D66, 0x11D66}, {0x11D69, 0x11D69},	 {0x11D8F, 0x11D8F},
    {0x11D92, 0x11D92}, {0x11D99, 0x11D9F}, {0x11DAA, 0x11EDF},	 {0x11EF9, 0x11EFF},
    {0x11F11, 0x11F11}, {0x11F3B, 0x11F3D}, {0x11F5A, 0x11FAF},	 {0x11FB1, 0x11FBF},
    {0x11FF2, 0x11FFE}, {0x1239A, 0x123FF}, {0x1246F, 0x1246F},	 {0x12475, 0x1247F},
    {0x12544, 0x12F8F}, {0x12FF3, 0x12FFF}, {0x13430, 0x1343F},	 {0x13456, 0x143FF},
    {0x14647, 0x167FF}, {0x16A39, 0x16A3F}, {0x16A5F, 0x16A5F},	 {0x16A6A, 0x16A6D},
    {0x16ABF, 0x16ABF}, {0x16ACA, 0x16ACF}, {0x16AEE, 0x16AEF},	 {0x16AF6, 0x16AFF},
    {0x16B46, 0x16B4F}, {0x16B5A, 0x16B5A}, {0x16B62, 0x16B62},	 {0x16B78, 0x16B7C},
    {0x16B90, 0x16E3F}, {0x16E9B, 0x16EFF}, {0x16F4B, 0x16F4E},	 {0x16F88, 0x16F8E},
    {0x16FA0, 0x16FDF}, {0x16FE5, 0x16FEF}, {0x16FF2, 0x16FFF},	 {0x187F8, 0x187FF},
    {0x18CD6, 0x18CFF}, {0x18D09, 0x1AFEF}, {0x1AFF4, 0x1AFF4},	 {0x1AFFC, 0x1AFFC},
    {0x1AFFF, 0x1AFFF}, {0x1B123, 0x1B131}, {0x1B133, 0x1B14F},	 {0x1B153, 0x1B154},
    {0x1B156, 0x1B163}, {0x1B168, 0x1B16F}, {0x1B2FC, 0x1BBFF},	 {0x1BC6B, 0x1BC6F},
    {0x1BC7D, 0x1BC7F}, {0x1BC89, 0x1BC8F}, {0x1BC9A, 0x1BC9B},	 {0x1BCA0, 0x1CEFF},
    {0x1CF2E, 0x1CF2F}, {0x1CF47, 0x1CF4F}, {0x1CFC4, 0x1CFFF},	 {0x1D0F6, 0x1D0FF},
    {0x1D127, 0x1D128}, {0x1D173, 0x1D17A}, {0x1D1EB, 0x1D1FF},	 {0x1D246, 0x1D2BF},
    {0x1D2D4, 0x1D2DF}, {0x1D2F4, 0x1D2FF}, {0x1D357, 0x1D35F},	 {0x1D379, 0x1D3FF},
    {0x1D455, 0x1D455}, {0x1D49D, 0x1D49D}, {0x1D4A0, 0x1D4A1},	 {0x1D4A3, 0x1D4A4},
    {0x1D4A7, 0x1D4A8}, {0x1D4AD, 0x1D4AD}, {0x1D4BA, 0x1D4BA},	 {0x1D4BC, 0x1D4BC},
    {0x1D4C4, 0x1D4C4}, {0x1D506, 0x1D506}, {0x1D50B, 0x1D50C},	 {0x1D515, 0x1D515},
    {0x1D51D, 0x1D51D}, {0x1D53A, 0x1D53A}, {0x1D53F, 0x1D53F},	 {0x1D545, 0x1D545},
    {0x1D547, 0x1D549}, {0x1D551, 0x1D551}, {0x1D6A6, 0x1D6A7},	 {0x1D7CC, 0x1D7CD},
    {0x1DA8C, 0x1DA9A}, {0x1DAA0, 0x1DAA0}, {0x1DAB0, 0x1DEFF},	 {0x1DF1F, 0x1DF24},
    {0x1DF2B, 0x1DFFF}, {0x1E007, 0x1E007}, {0x1E019, 0x1E01A},	 {0x1E022, 0x1E022},
    {0x1E025, 0x1E025}, {0x1E02B, 0x1E02F}, {0x1E06E, 0x1E08E},	 {0x1E090, 0x1E0FF},
    {0x1E12D, 0x1E12F}, {0x1E13E, 0x1E13F}, {0x1E14A, 0x1E14D},	 {0x1E150, 0x1E28F},
    {0x1E2AF, 0x1E2BF}, {0x1E2FA, 0x1E2FE}, {0x1E300, 0x1E4CF},	 {0x1E4FA, 0x1E7DF},
    {0x1E7E7, 0x1E7E7}, {0x1E7EC, 0x1E7EC}, {0x1E7EF, 0x1E7EF},	 {0x1E7FF, 0x1E7FF},
    {0x1E8C5, 0x1E8C6}, {0x1E8D7, 0x1E8FF}, {0x1E94C, 0x1E94F},	 {0x1E95A, 0x1E95D},
    {0x1E960, 0x1EC70}, {0x1ECB5, 0x1ED00}, {0x1ED3E, 0x1EDFF},	 {0x1EE04, 0x1EE04},
    {0x1EE20, 0x1EE20}, {0x1EE23, 0x1EE23}, {0x1EE25, 0x1EE26},	 {0x1EE28, 0x1EE28},
    {0x1EE33, 0x1EE33}, {0x1EE38, 0x1EE38}, {0x1EE3A, 0x1EE3A},	 {0x1EE3C, 0x1EE41},
    {0x1EE43, 0x1EE46}, {0x1EE48, 0x1EE48}, {0x1EE4A, 0x1EE4A},	 {0x1EE4C, 0x1EE4C},
    {0x1EE50, 0x1EE50}, {0x1EE53, 0x1EE53}, {0x1EE55, 0x1EE56},	 {0x1EE58, 0x1EE58},
    {0x1EE5A, 0x1EE5A}, {0x1EE5C, 0x1EE5C}, {0x1EE5E, 0x1EE5E},	 {0x1EE60, 0x1EE60},
    {0x1EE63, 0x1EE63}, {0x1EE65, 0x1EE66}, {0x1EE6B, 0x1EE6B},	 {0x1EE73, 0x1EE73},
    {0x1EE78, 0x1EE78}, {0x1EE7D, 0x1EE7D}, {0x1EE7F, 0x1EE7F},	 {0x1EE8A, 0x1EE8A},
    {0x1EE9C, 0x1EEA0}, {0x1EEA4, 0x1EEA4}, {0x1EEAA, 0x1EEAA},	 {0x1EEBC, 0x1EEEF},
    {0x1EEF2, 0x1EFFF}, {0x1F02C, 0x1F02F}, {0x1F094, 0x1F09F},	 {0x1F0AF, 0x1F0B0},
    {0x1F0C0, 0x1F0C0}, {0x1F0D0, 0x1F0D0}, {0x1F0F6, 0x1F0FF},	 {0x1F1AE, 0x1F1E5},
    {0x1F203, 0x1F20F}, {0x1F23C, 0x1F23F}, {0x1F249, 0x1F24F},	 {0x1F252, 0x1F25F},
    {0x1F266, 0x1F2FF}, {0x1F6D8, 0x1F6DB}, {0x1F6ED, 0x1F6EF},	 {0x1F6FD, 0x1F6FF},
    {0x1F777, 0x1F77A}, {0x1F7DA, 0x1F7DF}, {0x1F7EC, 0x1F7EF},	 {0x1F7F1, 0x1F7FF},
    {0x1F80C, 0x1F80F}, {0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F},	 {0x1F888, 0x1F88F},
    {0x1F8AE, 0x1F8AF}, {0x1F8B2, 0x1F8FF}, {0x1FA54, 0x1FA5F},	 {0x1FA6E, 0x1FA6F},
    {0x1FA7D, 0x1FA7F}, {0x1FA89, 0x1FA8F}, {0x1FABE, 0x1FABE},	 {0x1FAC6, 0x1FACD},
    {0x1FADC, 0x1FADF}, {0x1FAE9, 0x1FAEF}, {0x1FAF9, 0x1FAFF},	 {0x1FB93, 0x1FB93},
    {0x1FBCB, 0x1FBEF}, {0x1FBFA, 0x1FFFF}, {0x2A6E0, 0x2A6FF},	 {0x2B73A, 0x2B73F},
    {0x2B81E, 0x2B81F}, {0x2CEA2, 0x2CEAF}, {0x2EBE1, 0x2F7FF},	 {0x2FA1E, 0x2FFFF},
    {0x3134B, 0x3134F}, {0x323B0, 0xE00FF}, {0xE01F0, 0x10FFFF},
};

static bool is_print(int32_t r)
{
	if (r < 0x80)
		return r >= 0x20 && r < 0x7F;
	size_t lo = 0, hi = sizeof unprintable / sizeof unprintable[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r < unprintable[mid][0])
			hi = mid;
		else if (r > unprintable[mid][1])
			lo = mid + 1;
		else
			return false;
	}
	return true;
}

int go_rune_at(const char *s, size_t n, int32_t *r)
{
	int w = utf8_decode((const unsigned char *)s, n, r);
	if (*r < 0)
		*r = 0xFFFD;
	return w;
}

bool go_is_print(int32_t r)
{
	return is_print(r);
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
	size_t plain = 0; /* printable ASCII but the quote and the backslash is copied as is */
	while (plain < n && s[plain] >= 0x20 && s[plain] < 0x7F && s[plain] != '"' &&
	       s[plain] != '\\')
		plain++;
	sb_add(out, s, plain);
	for (size_t i = plain; i < n;) {
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
	bool addressable; /* text/template printing a field: pointer-receiver String() applies */
	bool plus, minus, sharp, space, zero, plus_v, sharp_v;
	bool wid_present, prec_present;
	int wid, prec;
	const void *path[16]; /* the outermost maps and lists being printed */
	int npath;
} pfmt;

/* Go's fmt has no cycle check: printing a map that holds itself overflows the
 * goroutine stack and the runtime ends the process, as here. */
static noreturn void stack_overflow(void)
{
	static const char msg[] = "runtime: goroutine stack exceeds 1000000000-byte limit\n"
				  "fatal error: stack overflow\n";
	ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)w;
	_exit(2);
}

/* Enters container p: a cycle is fatal, as in Go. */
static void path_push(pfmt *f, const void *p)
{
	for (int i = 0; i < f->npath && i < 16; i++)
		if (f->path[i] == p)
			stack_overflow();
	if (f->npath < 16)
		f->path[f->npath] = p;
	f->npath++;
}

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
		pfmt g = *f; /* Go prints the operand with the verb's flags */
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
	path_push(f, l);
	if (f->sharp_v) {
		sb_adds(f->out, l->gotype);
		sb_addc(f->out, '{');
		for (uint32_t i = 0; i < l->len; i++) {
			if (i)
				sb_adds(f->out, ", ");
			print_value(f, l->items[i], verb, depth + 1);
		}
		sb_addc(f->out, '}');
		f->npath--;
		return;
	}
	sb_addc(f->out, '[');
	for (uint32_t i = 0; i < l->len; i++) {
		if (i)
			sb_addc(f->out, ' ');
		print_value(f, l->items[i], verb, depth + 1);
	}
	sb_addc(f->out, ']');
	f->npath--;
}

static void print_map(pfmt *f, value v, char verb, int depth)
{
	vmap *m = v.u.m;
	path_push(f, m);
	if (f->sharp_v) {
		sb_adds(f->out, value_gotype(v));
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
	f->npath--;
}

/* fmt's struct printing: "{a b c}", "&{...}" for a pointer printed at the top. */
static void print_struct(pfmt *f, value v, char verb, int depth)
{
	const vclass *cls = v.u.o->cls;
	bool ptr = cls->kind && !strcmp(cls->kind, "ptr");
	if (ptr && depth == 0 && !f->addressable)
		sb_addc(f->out, '&');
	sb_addc(f->out, '{');
	for (const char *const *name = cls->go_fields; *name; name++) {
		value x = v_nil();
		if (name != cls->go_fields)
			sb_addc(f->out, ' ');
		if (cls->field && cls->field(f->out->a, v.u.o, *name, &x))
			print_value(f, x, verb, depth + 1);
	}
	sb_addc(f->out, '}');
}

static void print_obj(pfmt *f, value v, char verb, int depth)
{
	const vclass *cls = v.u.o->cls;
	bool stringer = cls->to_string && (!cls->ptr_stringer || (f->addressable && depth == 0));
	if (cls->go_fields && !stringer && !f->sharp_v && verb == 'v') {
		print_struct(f, v, verb, depth);
		return;
	}
	if (stringer && !f->sharp_v && strchr("vsxXq", verb)) {
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
	if (depth > 100000) /* a cycle longer than the path kept: Go overflows too */
		stack_overflow();
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
	if (verb == 'T') { /* fmtS: a precision truncates the type name, not <nil> */
		const char *t = value_gotype(v);
		pad(f, t, v.kind == V_NIL ? strlen(t) : truncate_len(f, t, strlen(t)));
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
	if (v.kind == V_NIL) {
		sb_adds(out, "<no value>");
		return;
	}
	if (v.kind == V_STRING) { /* the common case: %v of a string is its bytes */
		sb_add(out, v.u.s, v.len);
		return;
	}
	/* printableValue: pointers are dereferenced, and a field's pointer methods apply */
	pfmt f = {.out = out, .addressable = true};
	print_value(&f, v, 'v', 0);
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
