/* conv.c - Sprig's type conversions: atoi, int, int64, float64, toDecimal, toStrings.
 *
 * int, int64 and float64 are spf13/cast's rules (args.c): `int "010"` is 8 by
 * base-prefix parsing, floats truncate, anything unparsable is 0. atoi is
 * strconv.Atoi (decimal only, clamped on overflow) and toDecimal reads the
 * printed value as octal, so `toDecimal "8"` is 0.
 */
#include <string.h>

#include "args.h"
#include "functions.h"

/* strconv.Atoi with its error ignored: 0 on bad syntax, the nearest limit on overflow. */
static value f_atoi(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	const char *s = argv[0].u.s;
	size_t n = argv[0].len, i = 0;
	bool neg = false;
	if (n > 0 && (s[0] == '+' || s[0] == '-'))
		neg = s[i++] == '-';
	if (i == n)
		return v_int(0);
	uint64_t v = 0, limit = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
	bool over = false;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return v_int(0);
		if (!over && v > (limit - (uint64_t)(s[i] - '0')) / 10)
			over = true;
		else if (!over)
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (over)
		v = limit;
	return v_int(neg ? (int64_t)(0 - v) : (int64_t)v);
}

static value f_int(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int(arg_int64(argv[0]));
}

static value f_int64(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int64(arg_int64(argv[0]));
}

static value f_float64(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_float(arg_float64(argv[0]));
}

/* strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on any error. */
static value f_todecimal(fnctx *c, value *argv, int argc)
{
	(void)argc;
	value s = arg_strval(c->a, argv[0]);
	int64_t r = 0;
	return v_int64(arg_parse_int(s.u.s, s.len, 8, &r) ? r : 0);
}

static value f_tostrings(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return arg_strslice(c->a, argv[0]);
}

const fn_def fn_family_conv[] = {
    {"atoi", f_atoi, "s"},
    {"float64", f_float64, "v"},
    {"int", f_int, "v"},
    {"int64", f_int64, "v"},
    {"toDecimal", f_todecimal, "v"},
    {"toStrings", f_tostrings, "v"},
    {0},
};
