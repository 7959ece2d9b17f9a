/* yaml_emit.h - internals of toYaml shared by yaml.c (the libyaml path) and
 * yaml_emit_fast.c (direct writing of a plain subset), and by the fuzz target
 * that checks the two give the same bytes. Users call yaml_emit (yaml.h).
 */
#ifndef RENDER_YAML_EMIT_H
#define RENDER_YAML_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"
#include "value.h"

/* yaml_emit through libyaml alone, for every value (same contract as yaml_emit). */
int yaml_emit_libyaml(strbuf *out, value v, const char **err);

/* Appends yaml_emit's output for v and returns 1 when v lies in the subset the
 * fast writer proves it handles byte for byte as libyaml does; otherwise returns
 * 0 with out as it was (the caller then takes the libyaml path). */
int yaml_emit_fast(strbuf *out, value v);

/* True when yaml.v2 writes the string s as a plain scalar (it reads back as a
 * string and is no base 60 float); false when it double-quotes it. Costly for
 * strings that start like a number or a word of yaml.v2's table. */
bool yaml_plain_string(arena *a, const char *s, size_t n);

/* Fills order[0..m->len) with m's entries in yaml.v2's key order. */
void yaml_key_order(arena *a, const vmap *m, const ventry **order);

/* The decimal digits of i, ending at buf + 24 (snprintf's "%lld" without its
 * cost): returns where they start. */
const char *yaml_int_text(char buf[24], int64_t i);

/* Appends a finite float64 as toYaml prints it (JSON, then yaml.v2). */
void yaml_float_text(arena *a, strbuf *b, double f);

#endif
