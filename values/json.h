/* json.h - JSON in and out with Go's encoding/json semantics.
 *
 * Parsing (jansson) gives float64 numbers and string-keyed maps, as
 * json.Unmarshal into interface{} does. Emitting is hand-written because
 * encoding/json's choices must be matched byte for byte: map keys sorted,
 * `<`, `>`, `&`, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD, floats in
 * the shortest form that round-trips, with an exponent only below 1e-6 or from 1e21.
 */
#ifndef RENDER_JSON_H
#define RENDER_JSON_H

#include "strbuf.h"
#include "value.h"

/* Returns 0, or -1 with *err set to Go's json error text
 * ("invalid character 'x' looking for beginning of value", "unexpected end of JSON input"...). */
int json_parse(arena *a, const char *text, size_t len, value *out, const char **err);

/* json.NewDecoder(r).Decode: the first JSON value of text; what follows it is
 * not read. Empty input is "EOF", a value cut short "unexpected EOF". */
int json_parse_first(arena *a, const char *text, size_t len, value *out, const char **err);

/* json.Marshal(v). Returns 0, or -1 with *err ("json: unsupported value: NaN"...). */
int json_emit(strbuf *out, value v, const char **err);
/* json.MarshalIndent(v, "", "  ") (toPrettyJson). */
int json_emit_indent(strbuf *out, value v, const char *indent, const char **err);
/* The JSON type name Go's decoder uses in "cannot unmarshal X into ..." errors:
 * "object", "array", "string", "bool" or "number". */
const char *json_type_name(value v);
/* A JSON string literal of s, escaped as encoding/json does. */
void json_quote(strbuf *out, const char *s, size_t n, bool escape_html);

#endif
