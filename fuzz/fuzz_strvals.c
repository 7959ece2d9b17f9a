/* fuzz_strvals.c - libFuzzer target for the --set family (values/strvals.c).
 *
 * The low four bits of the first byte pick the mode ("0".."4" in a seed: --set,
 * --set-string, --set-json, --set-file, --set-literal); the rest is split at newlines
 * into flag arguments parsed one after another into the same map, as repeated flags
 * are, so later ones meet the lists and maps the earlier ones made. --set-file reads
 * from a fake in-memory reader.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../values/strvals.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A reader that never touches the disk: "missing" fails, anything else is its own name. */
static int fake_reader(arena *a, const char *path, const char **out, size_t *len, const char **err,
		       void *ud)
{
	(void)ud;
	if (!strcmp(path, "missing")) {
		*err = arena_sprintf(a, "open %s: no such file or directory", path);
		return -1;
	}
	*out = path;
	*len = strlen(path);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	arena *a = arena_new();
	enum strvals_mode mode = (enum strvals_mode)((data[0] & 0x0f) % 5);
	char *text = arena_strndup(a, (const char *)data + 1, size - 1);
	value dst = v_map_new(a);
	const char *err = NULL;
	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		strvals_parse(a, line, mode, dst.u.m, fake_reader, NULL, &err);
	}
	arena_free(a);
	return 0;
}
