/* manifest.h - rendered files to ordered Kubernetes documents (pkg/releaseutil). */
#ifndef RENDER_MANIFEST_H
#define RENDER_MANIFEST_H

#include "engine.h"

typedef struct manifest {
	const char *path;    /* "t/templates/x.yaml" */
	const char *content; /* the document, trimmed */
	const char *kind;
	const char *name;
	bool hook;
	bool test_hook; /* helm.sh/hook includes test or test-success */
	int weight;
} manifest;

typedef struct manifest_set {
	manifest *generic;
	size_t ngeneric;
	manifest *hooks;
	size_t nhooks;
} manifest_set;

/* releaseutil.SplitManifests: the documents of one rendered file. */
size_t manifest_split(arena *a, const char *text, const char ***docs);

/* releaseutil.SortManifests with InstallOrder. Files whose base name starts
 * with '_' and blank files are skipped. Returns 0, or -1 with *err
 * ("YAML parse error on t/templates/x.yaml: ..."). */
int manifest_sort(arena *a, const rendered *files, size_t n, manifest_set *out, const char **err);

#endif
