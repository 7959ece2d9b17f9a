/* fuzz_ignore.c - libFuzzer target for .helmignore rules and Go's filepath.Match:
 * the input's first line is matched as a pattern against the second, and the
 * whole input is parsed as a .helmignore and applied to a few paths. */
#include <stdint.h>
#include <string.h>

#include "../chart/ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	char *text = arena_strndup(a, (const char *)data, size);
	char *nl = strchr(text, '\n');
	if (nl) {
		*nl = 0;
		(void)go_path_match(text, nl + 1);
		*nl = '\n';
	}
	const char *err;
	ignore_rules *r = ignore_parse(a, text, &err);
	if (r) {
		static const char *const paths[] = {"a", "templates/.x", "dir/sub/f.txt", "x/y",
						    "."};
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			(void)ignore_match(r, paths[i], i % 2);
	}
	arena_free(a);
	return 0;
}
