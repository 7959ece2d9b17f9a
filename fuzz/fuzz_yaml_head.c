/* fuzz_yaml_head.c - libFuzzer target for the fast manifest head reader.
 *
 * Whatever yaml_head_fast accepts must be valid YAML for yaml_load (libyaml and
 * the JSON trip), with the same top-level shape and the same apiVersion, kind,
 * metadata.name and annotations; a difference aborts, so the fuzzer reports it.
 * The fast reader gets a buffer of the exact size, as the manifest sorter hands
 * it spans of the rendered text: AddressSanitizer reports any read past them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../values/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *field(value m, const char *k)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, k) : NULL;
	return v && v->kind == V_STRING ? v->u.s : v ? (v->kind == V_NIL ? "" : "?") : "";
}

static value sub(value m, const char *k)
{
	value *v = m.kind == V_MAP ? map_getc(m.u.m, k) : NULL;
	return v ? *v : v_nil();
}

static void differ(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "yaml_head_fast differs from yaml_load (%s) on:\n%.*s\n", what, (int)size,
		(const char *)data);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	const char *text = arena_strndup(a, (const char *)data, size);
	char *exact = malloc(size ? size : 1);
	memcpy(exact, data, size);
	value fast, full;
	const char *err = NULL;
	if (strlen(text) == size && yaml_head_fast(a, exact, size, &fast)) {
		if (yaml_load(a, text, size, &full, &err) != 0)
			differ(err, data, size);
		if ((fast.kind == V_MAP) != (full.kind == V_MAP) ||
		    (fast.kind == V_NIL) != (full.kind == V_NIL))
			differ("shape", data, size);
		if (strcmp(field(fast, "kind"), field(full, "kind")) ||
		    strcmp(field(fast, "apiVersion"), field(full, "apiVersion")))
			differ("kind or apiVersion", data, size);
		value fm = sub(fast, "metadata"), um = sub(full, "metadata");
		if (fm.kind != um.kind || strcmp(field(fm, "name"), field(um, "name")))
			differ("metadata", data, size);
		value fa = sub(fm, "annotations"), ua = sub(um, "annotations");
		if (fa.kind != ua.kind || (fa.kind == V_MAP && fa.u.m->len != ua.u.m->len))
			differ("annotations", data, size);
		for (uint32_t i = 0; fa.kind == V_MAP && i < fa.u.m->len; i++) {
			value *o = map_get(ua.u.m, fa.u.m->e[i].key, fa.u.m->e[i].klen);
			value fv = fa.u.m->e[i].val;
			if (!o || o->kind != fv.kind ||
			    (fv.kind == V_STRING &&
			     !strncmp(fa.u.m->e[i].key, "helm.sh/hook", 12) &&
			     strcmp(o->u.s, fv.u.s)))
				differ("annotation", data, size);
		}
	}
	free(exact);
	arena_free(a);
	return 0;
}
