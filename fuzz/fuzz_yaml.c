/* fuzz_yaml.c - libFuzzer target for the YAML loader and both emitters.
 *
 * Arbitrary bytes go through yaml_load (values files, fromYaml); whatever loads
 * is printed back with yaml_emit (toYaml), yaml_emit_pretty and json_emit (toJson). Nothing may
 * crash, hang or leak; each run's arena is freed at its end.
 */
#include <stddef.h>
#include <stdint.h>

#include "../values/json.h"
#include "../values/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	value v;
	const char *err = NULL;
	if (yaml_load(a, (const char *)data, size, &v, &err) == 0) {
		strbuf out;
		sb_init(&out, a);
		yaml_emit(&out, v, &err);
		json_emit(&out, v, &err);
		json_emit_indent(&out, v, "  ", &err);
		yaml_emit_pretty(&out, v, &err);
	}
	yaml_load_map(a, (const char *)data, size, &v, &err);
	arena_free(a);
	return 0;
}
