/* args.h - Go's conversion rules for template function arguments, written once.
 *
 * Sprig converts its interface{} arguments with spf13/cast (toInt64, toFloat64),
 * prints them with fmt (strval) and flattens lists with strslice; these helpers
 * are those rules in C, so every family applies them the same way. UTF-8 and
 * Unicode case helpers follow Go's unicode package closely enough for Helm charts.
 */
#ifndef RENDER_ARGS_H
#define RENDER_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "../renderer/funcs.h"
#include "../values/strbuf.h"

/* Result caps: repeat, indent, until, seq... fail past these instead of exhausting memory. */
#define ARGS_MAX_BYTES ((size_t)64 << 20)
#define ARGS_MAX_ITEMS 10000000

/* cast.ToInt64: ints as is, floats truncated, bools 1/0, strings parsed with
 * base prefixes (ParseInt(s, 0, 0) after dropping a ".000" tail), nil and
 * anything else 0. */
int64_t arg_int64(value v);
/* cast.ToFloat64: strings through strconv.ParseFloat, failures 0. */
double arg_float64(value v);
/* Go's int64(f) on amd64: out of range and NaN give math.MinInt64. */
int64_t arg_f2i(double f);
/* strconv.ParseInt(s, base, 64) with Go's syntax (base 0: prefixes, underscores). */
bool arg_parse_int(const char *s, size_t n, int base, int64_t *out);
/* strconv.ParseFloat(s, 64), strict Go syntax. */
bool arg_parse_float(const char *s, size_t n, double *out);

/* Sprig's strval: a string as is, anything else as fmt's %v prints it. */
value arg_strval(arena *a, value v);
/* Sprig's strslice: a list's non-nil items as strings ([]string); nil -> empty;
 * anything else a one-item list. */
value arg_strslice(arena *a, value v);

/* reflect's Kind name of v, as Sprig's error messages print it ("string", "map", "ptr"...). */
const char *arg_kind(value v);
/* reflect.DeepEqual: same Go type and equal contents. */
bool arg_deep_equal(value x, value y);

/* Wraps a finished strbuf as a string value. */
value arg_sbval(strbuf *sb);
/* Fails the call when a result of n bytes or items would pass the caps. */
void arg_check_bytes(fnctx *c, uint64_t n);
void arg_check_items(fnctx *c, uint64_t n);

/* UTF-8 as Go decodes it: an invalid byte is rune 0xFFFD of size 1. */
int32_t utf8_decode(const char *s, size_t n, int *size);
void utf8_put(strbuf *sb, int32_t r);

/* The unicode package's predicates and case maps. */
bool uni_is_space(int32_t r);
bool uni_is_upper(int32_t r);
bool uni_is_lower(int32_t r);
bool uni_is_title(int32_t r);
bool uni_is_letter(int32_t r);
bool uni_is_digit(int32_t r);
bool uni_is_number(int32_t r);
bool uni_is_punct(int32_t r);
int32_t uni_to_upper(int32_t r);
int32_t uni_to_lower(int32_t r);
int32_t uni_to_title(int32_t r);

#endif
