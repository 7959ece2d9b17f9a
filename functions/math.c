/* math.c - Sprig's arithmetic: add, sub, mul, div, mod, max, min in int64; the
 * f-forms in float64 through decimal arithmetic; floor, ceil, round.
 *
 * addf, subf, mulf and divf go through shopspring/decimal in Sprig: each float
 * becomes its shortest decimal (0.1 is exactly 0.1), sums and products are exact,
 * quotients are rounded half away from zero to 16 places, and the result is the
 * nearest float64. So `addf 0.1 0.2` is 0.3, not 0.30000000000000004.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../values/gofmt.h"
#include "args.h"
#include "functions.h"

#define DIV_PRECISION 16

static value f_add(fnctx *c, value *argv, int argc)
{
	(void)c;
	uint64_t sum = 0;
	for (int i = 0; i < argc; i++)
		sum += (uint64_t)arg_int64(argv[i]);
	return v_int64((int64_t)sum);
}

static value f_add1(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int64((int64_t)((uint64_t)arg_int64(argv[0]) + 1));
}

static value f_sub(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int64((int64_t)((uint64_t)arg_int64(argv[0]) - (uint64_t)arg_int64(argv[1])));
}

static value f_mul(fnctx *c, value *argv, int argc)
{
	(void)c;
	uint64_t p = (uint64_t)arg_int64(argv[0]);
	for (int i = 1; i < argc; i++)
		p *= (uint64_t)arg_int64(argv[i]);
	return v_int64((int64_t)p);
}

/* Go's / and %: division by zero panics; MinInt64 / -1 wraps instead of trapping. */
static value divmod(fnctx *c, value *argv, bool mod)
{
	int64_t a = arg_int64(argv[0]), b = arg_int64(argv[1]);
	if (b == 0)
		fn_fail(c, "runtime error: integer divide by zero");
	if (b == -1)
		return v_int64(mod ? 0 : (int64_t)(0 - (uint64_t)a));
	return v_int64(mod ? a % b : a / b);
}

static value f_div(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return divmod(c, argv, false);
}

static value f_mod(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return divmod(c, argv, true);
}

static value f_max(fnctx *c, value *argv, int argc)
{
	(void)c;
	int64_t m = arg_int64(argv[0]);
	for (int i = 1; i < argc; i++) {
		int64_t v = arg_int64(argv[i]);
		m = v > m ? v : m;
	}
	return v_int64(m);
}

static value f_min(fnctx *c, value *argv, int argc)
{
	(void)c;
	int64_t m = arg_int64(argv[0]);
	for (int i = 1; i < argc; i++) {
		int64_t v = arg_int64(argv[i]);
		m = v < m ? v : m;
	}
	return v_int64(m);
}

/* math.Max and math.Min: NaN wins, and +0 beats -0 for Max (the reverse for Min). */
static double go_max(double x, double y)
{
	if (isinf(x) && x > 0)
		return x;
	if (isinf(y) && y > 0)
		return y;
	if (isnan(x) || isnan(y))
		return NAN;
	if (x == 0 && x == y)
		return signbit(x) ? y : x;
	return x > y ? x : y;
}

static double go_min(double x, double y)
{
	if (isinf(x) && x < 0)
		return x;
	if (isinf(y) && y < 0)
		return y;
	if (isnan(x) || isnan(y))
		return NAN;
	if (x == 0 && x == y)
		return signbit(x) ? x : y;
	return x < y ? x : y;
}

static value f_maxf(fnctx *c, value *argv, int argc)
{
	(void)c;
	double m = arg_float64(argv[0]);
	for (int i = 1; i < argc; i++)
		m = go_max(m, arg_float64(argv[i]));
	return v_float(m);
}

static value f_minf(fnctx *c, value *argv, int argc)
{
	(void)c;
	double m = arg_float64(argv[0]);
	for (int i = 1; i < argc; i++)
		m = go_min(m, arg_float64(argv[i]));
	return v_float(m);
}

static value f_floor(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_float(floor(arg_float64(argv[0])));
}

static value f_ceil(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_float(ceil(arg_float64(argv[0])));
}

/* Go's math.Pow(10, y) for an integer y, step for step (repeated squaring of
 * frexp's mantissa, the exponent kept apart), so results past 1e22 round as
 * Go's do; and libm is not needed. */
static double go_pow10(int64_t y)
{
	if (y == 0)
		return 1;
	if (y == 1)
		return 10;
	if (y == INT64_MIN) /* |y| >= 1<<63: Go returns 0 for x > 1, y < 0 */
		return 0;
	uint64_t yi = y < 0 ? (uint64_t)-y : (uint64_t)y;
	double a1 = 1;
	long ae = 0;
	int xe;
	double x1 = frexp(10, &xe);
	long xel = xe;
	for (uint64_t i = yi; i != 0; i >>= 1) {
		if (xel < -(1L << 12) || (1L << 12) < xel) {
			ae += xel; /* catastrophic overflow: Ldexp gives 0 or +Inf */
			break;
		}
		if (i & 1) {
			a1 *= x1;
			ae += xel;
		}
		x1 *= x1;
		xel <<= 1;
		if (x1 < .5) {
			x1 += x1;
			xel--;
		}
	}
	if (y < 0) {
		a1 = 1 / a1;
		ae = -ae;
	}
	if (ae > 100000)
		ae = 100000;
	if (ae < -100000)
		ae = -100000;
	return ldexp(a1, (int)ae);
}

/* Sprig's round X PLACES [ROUNDON]: up when the fraction reaches ROUNDON (default .5). */
static value f_round(fnctx *c, value *argv, int argc)
{
	(void)c;
	double on = argc > 2 ? argv[2].u.f : .5;
	double val = arg_float64(argv[0]), p = go_pow10(argv[1].u.i);
	double digit = p * val, ip;
	double frac = modf(digit, &ip);
	return v_float((frac >= on ? ceil(digit) : floor(digit)) / p);
}

/* A decimal: digits (values 0-9, most significant first) times 10^exp. */
typedef struct dec {
	bool neg;
	size_t n;
	unsigned char *d;
	int64_t exp;
} dec;

/* decimal.NewFromFloat: the shortest decimal that reads back as f. */
static dec dec_from_float(fnctx *c, double f)
{
	dec r = {0};
	if (isnan(f) || isinf(f))
		fn_fail(c, "Cannot create a Decimal from %s",
			isnan(f) ? "NaN"
			: f > 0	 ? "+Inf"
				 : "-Inf");
	strbuf sb;
	sb_init(&sb, c->a);
	go_format_float(&sb, f, 'e', -1);
	const char *s = sb_str(&sb);
	r.neg = *s == '-';
	s += r.neg;
	r.d = arena_alloc(c->a, 32);
	int frac = 0;
	bool dot = false;
	for (; *s && *s != 'e'; s++) {
		if (*s == '.') {
			dot = true;
			continue;
		}
		r.d[r.n++] = (unsigned char)(*s - '0');
		frac += dot;
	}
	r.exp = (*s == 'e' ? strtoll(s + 1, NULL, 10) : 0) - frac;
	return r;
}

/* The coefficient of x scaled to exponent e (e <= x.exp): zeros appended. */
static unsigned char *dec_scaled(fnctx *c, dec x, int64_t e, size_t *n)
{
	uint64_t extra = (uint64_t)(x.exp - e);
	arg_check_bytes(c, x.n + extra);
	*n = x.n + (size_t)extra;
	unsigned char *d = arena_alloc(c->a, *n + 1);
	memcpy(d, x.d, x.n);
	return d;
}

/* Compares digit strings of equal length. */
static int mag_cmp(const unsigned char *a, const unsigned char *b, size_t n)
{
	return memcmp(a, b, n);
}

static dec dec_addsub(fnctx *c, dec a, dec b, bool sub)
{
	int64_t e = a.exp < b.exp ? a.exp : b.exp;
	size_t an, bn;
	unsigned char *ad = dec_scaled(c, a, e, &an), *bd = dec_scaled(c, b, e, &bn);
	size_t n = (an > bn ? an : bn) + 1;
	unsigned char *x = arena_alloc(c->a, n), *y = arena_alloc(c->a, n),
		      *r = arena_alloc(c->a, n);
	memcpy(x + n - an, ad, an);
	memcpy(y + n - bn, bd, bn);
	bool bneg = b.neg != sub;
	dec out = {.neg = a.neg, .n = n, .d = r, .exp = e};
	int carry = 0;
	if (a.neg == bneg) {
		for (size_t i = n; i-- > 0;) {
			int s = x[i] + y[i] + carry;
			r[i] = (unsigned char)(s % 10), carry = s / 10;
		}
		return out;
	}
	if (mag_cmp(x, y, n) < 0) {
		unsigned char *t = x;
		x = y, y = t;
		out.neg = bneg;
	}
	for (size_t i = n; i-- > 0;) {
		int s = x[i] - y[i] - carry;
		carry = s < 0;
		r[i] = (unsigned char)(s + (carry ? 10 : 0));
	}
	return out;
}

static dec dec_mul(fnctx *c, dec a, dec b)
{
	size_t n = a.n + b.n;
	arg_check_bytes(c, n);
	uint64_t *acc = arena_alloc(c->a, (n + 1) * sizeof(uint64_t));
	for (size_t i = 0; i < a.n; i++)
		for (size_t j = 0; j < b.n; j++)
			acc[i + j + 1] += (uint64_t)a.d[i] * b.d[j];
	dec r = {.neg = a.neg != b.neg, .n = n, .d = arena_alloc(c->a, n), .exp = a.exp + b.exp};
	uint64_t carry = 0;
	for (size_t i = n; i-- > 0;) {
		uint64_t s = acc[i] + carry;
		r.d[i] = (unsigned char)(s % 10), carry = s / 10;
	}
	return r;
}

/* decimal.DivRound(b, 16): long division by b's coefficient (at most 17 digits). */
static dec dec_div(fnctx *c, dec a, dec b)
{
	uint64_t bc = 0, rem = 0;
	for (size_t i = 0; i < b.n; i++)
		bc = bc * 10 + b.d[i];
	if (bc == 0)
		fn_fail(c, "decimal division by 0");
	int64_t s = a.exp - b.exp + DIV_PRECISION; /* zeros appended to a's digits */
	int64_t steps = (int64_t)a.n + s;
	dec q = {.neg = a.neg != b.neg, .exp = -DIV_PRECISION};
	arg_check_bytes(c, steps > 0 ? (uint64_t)steps : 0);
	q.n = steps > 0 ? (size_t)steps : 0;
	q.d = arena_alloc(c->a, q.n + 2);
	for (size_t i = 0; i < q.n; i++) {
		unsigned __int128 cur = (unsigned __int128)rem * 10 + (i < a.n ? a.d[i] : 0);
		q.d[i] = (unsigned char)(cur / bc);
		rem = (uint64_t)(cur % bc);
	}
	/* Round half away from zero on the remainder, counting the digits of a left unread. */
	int first_rest = (steps >= 0 && (size_t)steps < a.n) ? a.d[steps] : 0;
	bool up = 2 * (unsigned __int128)rem >= bc ||
		  (2 * (unsigned __int128)rem + 1 == bc && first_rest >= 5);
	if (up) {
		dec one = {.neg = q.neg, .n = 1, .d = (unsigned char[]){1}, .exp = -DIV_PRECISION};
		q = dec_addsub(c, q, one, false);
	}
	return q;
}

/* decimal's Float64: the float64 nearest to the exact decimal. */
static double dec_float(fnctx *c, dec x)
{
	strbuf sb;
	sb_init(&sb, c->a);
	bool zero = true;
	for (size_t i = 0; i < x.n && zero; i++)
		zero = x.d[i] == 0;
	if (zero)
		return 0;
	if (x.neg)
		sb_addc(&sb, '-');
	sb_addc(&sb, '0');
	for (size_t i = 0; i < x.n; i++)
		sb_addc(&sb, (char)('0' + x.d[i]));
	sb_addf(&sb, "e%lld", (long long)x.exp);
	return strtod(sb_str(&sb), NULL);
}

enum decop { D_ADD, D_SUB, D_MUL, D_DIV };

/* Sprig's execDecimalOp: fold the operands left to right in decimal. */
static double decimal_fold(fnctx *c, value first, const value *rest, int n, enum decop op)
{
	dec acc = dec_from_float(c, arg_float64(first));
	for (int i = 0; i < n; i++) {
		dec x = dec_from_float(c, arg_float64(rest[i]));
		switch (op) {
		case D_ADD:
		case D_SUB:
			acc = dec_addsub(c, acc, x, op == D_SUB);
			break;
		case D_MUL:
			acc = dec_mul(c, acc, x);
			break;
		case D_DIV:
			acc = dec_div(c, acc, x);
			break;
		}
	}
	return dec_float(c, acc);
}

static value f_addf(fnctx *c, value *argv, int argc)
{
	return v_float(decimal_fold(c, v_float(0), argv, argc, D_ADD));
}

static value f_add1f(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value one = v_int(1);
	return v_float(decimal_fold(c, argv[0], &one, 1, D_ADD));
}

static value f_subf(fnctx *c, value *argv, int argc)
{
	return v_float(decimal_fold(c, argv[0], argv + 1, argc - 1, D_SUB));
}

static value f_mulf(fnctx *c, value *argv, int argc)
{
	return v_float(decimal_fold(c, argv[0], argv + 1, argc - 1, D_MUL));
}

static value f_divf(fnctx *c, value *argv, int argc)
{
	return v_float(decimal_fold(c, argv[0], argv + 1, argc - 1, D_DIV));
}

const fn_def fn_family_math[] = {
    {"add", f_add, "v*"},	{"add1", f_add1, "v"},
    {"add1f", f_add1f, "v"},	{"addf", f_addf, "v*"},
    {"biggest", f_max, "vv*"},	{"ceil", f_ceil, "v"},
    {"div", f_div, "vv"},	{"divf", f_divf, "vv*"},
    {"floor", f_floor, "v"},	{"max", f_max, "vv*"},
    {"maxf", f_maxf, "vv*"},	{"min", f_min, "vv*"},
    {"minf", f_minf, "vv*"},	{"mod", f_mod, "vv"},
    {"mul", f_mul, "vv*"},	{"mulf", f_mulf, "vv*"},
    {"round", f_round, "vif*"}, {"sub", f_sub, "vv"},
    {"subf", f_subf, "vv*"},	{0},
};
