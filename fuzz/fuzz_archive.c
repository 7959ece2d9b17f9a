/* fuzz_archive.c - libFuzzer target for the chart archive reader.
 *
 * Arbitrary bytes go through archive_read_chart (gzip check, tar walk, Helm's
 * name checks, size caps). Nothing may crash, hang or leak; every file that
 * loads must be NUL-terminated and named inside the chart.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../chart/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	chart_file *files;
	size_t n;
	const char *err = NULL;
	if (archive_read_chart(a, "fuzz.tgz", data, size, &files, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			if (files[i].data[files[i].len] != 0 || files[i].name[0] == '/' ||
			    !strncmp(files[i].name, "..", 2))
				abort();
		}
	} else if (!err) {
		abort();
	}
	arena_free(a);
	return 0;
}
