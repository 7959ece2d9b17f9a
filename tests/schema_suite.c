/* schema_suite.c - runs the official JSON-Schema-Test-Suite against values/schema.c.
 *
 * Usage: schema_suite [TESTS_DIR]   (default: the Debian package's
 * /usr/share/json-schema-test-suite/tests). Prints the pass rate per draft; exits 1
 * only when a draft falls below its floor (so regressions fail), 0 otherwise.
 * Our validator follows gojsonschema (Helm's), so the floors are what it reaches, not 100%.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../values/json.h"
#include "../values/schema.h"

typedef struct draft {
	const char *dir;
	const char *meta; /* the $schema added to a schema that has none */
	double floor;     /* minimum pass rate, in percent */
} draft;

static const draft drafts[] = {
	{"draft4", "http://json-schema.org/draft-04/schema#", 96.5},
	{"draft6", "http://json-schema.org/draft-06/schema#", 97.0},
	{"draft7", "http://json-schema.org/draft-07/schema#", 97.0},
	{"draft2019-09", NULL, 0.0},
	{"draft2020-12", NULL, 0.0},
};

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = xmalloc((size_t)len + 1);
	*n = fread(buf, 1, (size_t)len, f);
	buf[*n] = 0;
	fclose(f);
	return buf;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One test file: every group's schema against every test's data. */
static void run_file(const char *path, const draft *d, int *passed, int *total, bool verbose)
{
	size_t n;
	char *text = slurp(path, &n);
	const char *err;
	value groups;
	arena *a = arena_new();
	if (!text || json_parse(a, text, n, &groups, &err) != 0 || groups.kind != V_LIST) {
		fprintf(stderr, "schema_suite: cannot read %s\n", path);
		goto out;
	}
	for (uint32_t g = 0; g < groups.u.l->len; g++) {
		value grp = groups.u.l->items[g];
		value *schema = map_getc(grp.u.m, "schema"), *tests = map_getc(grp.u.m, "tests");
		value *gdesc = map_getc(grp.u.m, "description");
		if (!schema || !tests || tests->kind != V_LIST)
			continue;
		if (schema->kind == V_MAP && d->meta && !map_getc(schema->u.m, "$schema"))
			map_setc(a, schema->u.m, "$schema", v_cstr(a, d->meta));
		for (uint32_t t = 0; t < tests->u.l->len; t++) {
			vmap *tm = tests->u.l->items[t].u.m;
			value *data = map_getc(tm, "data"), *valid = map_getc(tm, "valid");
			value *desc = map_getc(tm, "description");
			strbuf out;
			sb_init(&out, a);
			bool ok = schema_validate(a, *schema, data ? *data : v_nil(), &out) == 0;
			bool pass = valid && valid->kind == V_BOOL && valid->u.b == ok;
			(*total)++;
			*passed += pass;
			if (!pass && verbose)
				printf("FAIL %s: %s: %s\n%s\n", path, gdesc ? gdesc->u.s : "",
				       desc ? desc->u.s : "", sb_str(&out));
		}
	}
out:
	free(text);
	arena_free(a);
}

/* Runs one draft's folder; returns false when it falls below its floor. */
static bool run_draft(const char *root, const draft *d, bool verbose)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", root, d->dir);
	DIR *dir = opendir(path);
	if (!dir)
		return true;
	char **names = NULL;
	size_t nnames = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		size_t l = strlen(e->d_name);
		if (l > 5 && !strcmp(e->d_name + l - 5, ".json")) {
			names = xrealloc(names, (nnames + 1) * sizeof *names);
			names[nnames++] = xstrdup(e->d_name);
		}
	}
	closedir(dir);
	qsort(names, nnames, sizeof *names, cmp_names);
	int passed = 0, total = 0;
	for (size_t i = 0; i < nnames; i++) {
		snprintf(path, sizeof path, "%s/%s/%s", root, d->dir, names[i]);
		run_file(path, d, &passed, &total, verbose);
		free(names[i]);
	}
	free(names);
	double rate = total ? 100.0 * passed / total : 100.0;
	printf("schema %s: %d/%d passed (%.1f%%)\n", d->dir, passed, total, rate);
	if (rate < d->floor) {
		printf("schema %s: below the floor of %.1f%%\n", d->dir, d->floor);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	bool verbose = argc > 1 && !strcmp(argv[1], "-v");
	const char *root = argc > 1 + verbose ? argv[1 + verbose] : "/usr/share/json-schema-test-suite/tests";
	DIR *probe = opendir(root);
	if (!probe) {
		printf("schema suite: %s not found (apt-get install json-schema-test-suite); skipped\n", root);
		return 0;
	}
	closedir(probe);
	bool ok = true;
	for (size_t i = 0; i < sizeof drafts / sizeof drafts[0]; i++)
		ok = run_draft(root, &drafts[i], verbose) && ok;
	return ok ? 0 : 1;
}
