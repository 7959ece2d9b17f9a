/* yaml.h - YAML in and out, as Helm reads values and prints toYaml.
 *
 * Loading follows sigs.k8s.io/yaml over yaml.v2 (what Helm's chartutil.ReadValues,
 * fromYaml and Chart.yaml loading use): YAML 1.1 scalar resolution, then a trip
 * through JSON, so every number becomes float64, map keys become strings, and
 * anchors/aliases/merge keys are expanded. Emitting follows sigs.k8s.io/yaml.Marshal
 * (toYaml): JSON encoding, then yaml.v2's emitter (natural key order, yaml.v2 quoting,
 * block scalars, 80-column folding, no indent for list items under a key).
 */
#ifndef RENDER_YAML_H
#define RENDER_YAML_H

#include "strbuf.h"
#include "value.h"

/* Parses one YAML document (the first, as yaml.v2's Unmarshal does). An empty
 * document gives V_NIL. Returns 0, or -1 with *err set to Helm's text, e.g.
 * "error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context". */
int yaml_load(arena *a, const char *text, size_t len, value *out, const char **err);

/* Like yaml_load, but the top level must be a map or empty (Helm's values files and
 * fromYaml): an empty document gives an empty map. On a non-map top level the error is
 * "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type
 * map[string]interface {}" (or the string/number/bool form), as Helm prints it. */
int yaml_load_map(arena *a, const char *text, size_t len, value *out, const char **err);

/* Appends sigs.k8s.io/yaml.Marshal(v) to out, including its final newline.
 * Returns 0, or -1 with *err set when encoding/json would fail (NaN, +Inf, a cycle). */
int yaml_emit(strbuf *out, value v, const char **err);

/* yaml.v3's encoder with indent 2 (toYamlPretty): lists indented under their key. */
int yaml_emit_pretty(strbuf *out, value v, const char **err);

/* yaml.v2's resolution of an untagged plain scalar of n bytes: 's' a string,
 * 'f' an infinity or NaN, 'm' the merge key, 'o' anything else (null, bool, number, timestamp). */
char yaml_plain_class(arena *a, const char *s, size_t n);

/* The head of a rendered manifest (releaseutil.SimpleHead: apiVersion, kind,
 * metadata.name, metadata.annotations) without a full parse, for documents in
 * a plain block subset of YAML that is certainly valid and converts to JSON
 * without error. Returns 1 with *head (a map holding only those fields, or nil
 * for an empty document), or 0 when the document is outside the subset and the
 * caller must use yaml_load. */
int yaml_head_fast(arena *a, const char *text, size_t len, value *head);

#endif
