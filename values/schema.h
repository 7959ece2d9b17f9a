/* schema.h - values.schema.json validation, as Helm 3.17.3 does it.
 *
 * Helm 3.17.3 validates with xeipuuv/gojsonschema v1.2.0, so this follows that
 * library rather than the latest drafts: drafts 4, 6 and 7 are known by their
 * $schema URL; any other $schema (2019-09, 2020-12) or none means gojsonschema's
 * "hybrid" mode (draft 7 keywords, `id` or `$id`, boolean or numeric exclusive*).
 * Keywords gojsonschema does not know (prefixItems, $defs as a keyword, $anchor,
 * dependentRequired, unevaluated*, minContains...) are ignored as Helm ignores them;
 * `$ref: "#/$defs/x"` still works as a JSON pointer. `$ref` hides its siblings.
 * format is checked (date-time, email, hostname, ipv4, ipv6, uri, uuid, ...) and,
 * as in gojsonschema, a known format fails for a value that is not a string.
 */
#ifndef RENDER_SCHEMA_H
#define RENDER_SCHEMA_H

#include "strbuf.h"
#include "value.h"

/* Validates instance against schema (the parsed JSON of values.schema.json).
 * Appends one "- FIELD: DESCRIPTION\n" line per error to errors, in gojsonschema's
 * order (Helm's order among an object's properties is random; ours is sorted, or
 * the document order with schema_validate_src, Helm's most frequent one), and
 * returns the number of errors. FIELD is the path joined by dots, "(root)" for the
 * top: "- image.tag: Invalid type. Expected: string, given: integer".
 * When the schema itself is invalid, appends gojsonschema's message alone (no "- ",
 * no newline, e.g. "Object has no key 'definitions'") and returns -1.
 *
 * Helm then reports, for the chart and each subchart (with its coalesced section)
 * that has errors: "values don't meet the specifications of the schema(s) in the
 * following chart(s):\n" followed by "NAME:\n" + this text for each such chart. */
int schema_validate(arena *a, value schema, value instance, strbuf *errors);
/* The same, given also src, the text schema was parsed from (len bytes; NULL for
 * none): an object's "properties" are then checked in document order, the order
 * Helm reports most often (a Go map of up to 8 entries is walked from a random
 * rotation of its insertion order), instead of sorted. */
int schema_validate_src(arena *a, value schema, const char *src, size_t len, value instance,
			strbuf *errors);

#endif
