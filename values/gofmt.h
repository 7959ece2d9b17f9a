/* gofmt.h - Go's fmt and strconv printing of values.
 *
 * `{{ . }}`, print, printf and toString all print through Go's fmt, whose
 * choices are the classic traps: float64 in the shortest %g form that round-trips
 * with an exponent from 1e21 or below 1e-4 (`1e+06`, `1.234567e+06`, `1e-05`),
 * maps as `map[a:1 b:2]` in key order, lists as `[a b]`, nil as `<nil>`.
 */
#ifndef RENDER_GOFMT_H
#define RENDER_GOFMT_H

#include "strbuf.h"
#include "value.h"

/* fmt's %v of v. */
void go_print_value(strbuf *out, value v);
/* What the template engine writes for {{ v }}: %v, but a nil prints "<no value>". */
void go_print_template(strbuf *out, value v);
/* strconv.FormatFloat(f, fmt, prec, 64); prec -1 is the shortest that round-trips. */
void go_format_float(strbuf *out, double f, char fmt, int prec);
/* fmt.Sprint: operands separated by a space when neither side is a string. */
void go_sprint(strbuf *out, const value *args, int n);
/* fmt.Sprintln: always spaces, then a newline. */
void go_sprintln(strbuf *out, const value *args, int n);
/* fmt.Sprintf, all of Go's verbs, flags, widths, precisions, argument indexes and
 * its error forms (%!d(string=x), %!(EXTRA ...), %!v(MISSING)). */
void go_sprintf(strbuf *out, const char *fmt, size_t fmtlen, const value *args, int n);
/* strconv.Quote, as %q prints a string. */
void go_quote(strbuf *out, const char *s, size_t n);
/* utf8.DecodeRune of s (n > 0 bytes): the rune in *r (U+FFFD when invalid), its width. */
int go_rune_at(const char *s, size_t n, int32_t *r);
/* unicode.IsPrint (and strconv.IsPrint): letters, marks, numbers, punctuation, symbols, ' '. */
bool go_is_print(int32_t r);

#endif
