/* fuzz_toml.c - libFuzzer target for fromToml and toToml (functions/toml.c).
 *
 * Arbitrary bytes go through fromToml; whatever it returns (a map, or a map
 * holding "Error") is printed back with toToml, and the input is also encoded
 * as a plain string. Both are called through the function table, as templates
 * call them. Nothing may crash, hang or leak; each run's arena is freed at its end.
 */
#include <stddef.h>
#include <stdint.h>

#include "../functions/functions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const fn_table *t = functions_table();
	const fn_def *from = fn_table_find(t, "fromToml"), *to = fn_table_find(t, "toToml");
	arena *a = arena_new();
	fnctx c = {.a = a, .fn = from};
	value arg = v_str(a, (const char *)data, size);
	value m = from->impl(&c, &arg, 1);
	c.fn = to;
	to->impl(&c, &m, 1);
	to->impl(&c, &arg, 1);
	arena_free(a);
	return 0;
}
