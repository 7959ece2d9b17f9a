/* fuzz_yaml_fast.c - libFuzzer target for yaml_fast.c's node trees.
 *
 * Whatever yaml_fast_tree accepts must parse with libyaml into the very same
 * tree (kinds, scalar bytes, plain flags, no tags, children in order); a
 * difference aborts, so the fuzzer reports it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../values/yaml_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const ynode *x, const ynode *y)
{
	if (!x || !y)
		return x == y;
	if (x->kind != y->kind || x->n != y->n || x->tag || y->tag)
		return false;
	if (x->kind == Y_SCALAR &&
	    (x->len != y->len || x->plain != y->plain || memcmp(x->val, y->val, x->len)))
		return false;
	for (uint32_t i = 0; i < x->n; i++)
		if (!same(x->kids[i], y->kids[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	const char *text = (const char *)data;
	ynode *fast = NULL, *full = NULL;
	const char *err = NULL;
	if (yaml_fast_tree(a, text, size, &fast)) {
		if (yaml_libyaml_tree(a, text, size, &full, &err) != 0 || !same(fast, full)) {
			fprintf(stderr, "yaml_fast_tree differs from libyaml (%s) on:\n%.*s\n",
				err ? err : "tree", (int)size, text);
			abort();
		}
	}
	arena_free(a);
	return 0;
}
