/* yaml_tree.h - the node tree between parsing and decoding (internal to
 * values/): yaml.c builds it from libyaml's events, yaml_fast.c directly from
 * documents in a plain block subset of YAML; yaml.c decodes it either way.
 */
#ifndef RENDER_YAML_TREE_H
#define RENDER_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP, Y_ALIAS };

typedef struct ynode {
	enum ykind kind;
	const char *val; /* scalar value, or the alias's anchor name */
	size_t len;
	const char *tag; /* expanded tag, or NULL */
	bool plain;	 /* a plain scalar (yaml.v2's n.implicit) */
	bool visiting;	 /* an alias being expanded (cycle check) */
	struct ynode *alias;
	struct ynode **kids;
	uint32_t n, cap;
} ynode;

/* Appends k to p's children (map children alternate key, value). */
void yaml_kid_push(arena *a, ynode *p, ynode *k);

/* The tree of libyaml's events for the first document of text; -1 with
 * yaml.v2's error text on a syntax error. */
int yaml_libyaml_tree(arena *a, const char *text, size_t len, ynode **root, const char **err);

/* The tree libyaml would give for text when the document is in the subset
 * yaml_fast.c reads (block maps and sequences, one-line scalars, literal block
 * scalars, one-line flow collections, comments): 1 with *root (NULL for an
 * empty document); 0 when the caller must parse it with libyaml. */
int yaml_fast_tree(arena *a, const char *text, size_t len, ynode **root);

#endif
