/* fuzz_yaml_emit.c - libFuzzer target for yaml_emit_fast.c (toYaml without libyaml).
 *
 * The input bytes drive the building of a value tree (maps, lists, strings made
 * of the awkward pieces of YAML's quoting rules, numbers, bools, nulls); whenever
 * yaml_emit_fast accepts the tree, the libyaml path must succeed and give the
 * same bytes, and when it declines it must leave the buffer as it was.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../values/yaml_emit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct src {
	const uint8_t *p;
	size_t n;
	int nodes;
} src;

static unsigned take(src *s)
{
	if (!s->n)
		return 0;
	s->n--;
	return *s->p++;
}

/* Pieces at the edges of plain, quoted and folded styles and of key order. */
static const char *const pieces[] = {
    "y",     "no",	  "0x1F",
    "1_000", "1:20",	  ".5",
    "- a",   "a: b",	  "a #b",
    "~",     "",	  "-",
    "?",     ":",	  "a:",
    "---",   "...",	  "#x",
    "'q'",   "\"d\"",	  "\\",
    "yes",   "true",	  "null",
    "1e3",   "0755",	  "a10",
    "a9",    "A",	  "_",
    "0",     "00",	  "01",
    " ",     "  x",	  "x ",
    "<<",    ".inf",	  "2001-12-14",
    "+1",    "-.5",	  "1.0",
    "a'b",   "\xc3\xa9",  "\t",
    "\n",    "a,b",	  "[x]",
    "{y}",   "&a",	  "*a",
    "!t",    "|",	  ">",
    "%",     "@",	  "`",
    "a:b",   "?x",	  ":x",
    "-x",    "x#",	  "1:2:3",
    "12:60", "190:20:30", "word ",
    "ab",    "Z",	  "z",
    "9",     "10",	  "1.",
    "+",     "0o7",	  "0b1",
    "1e+06", "m",	  "Mi",
    "s",     "h",	  "G",
    "T",     "t",	  "p",
    "i",     "n",	  "2001-12-14t21:59:43.10Z",
};

static value gen_string(arena *a, src *s)
{
	strbuf b;
	sb_init(&b, a);
	unsigned n = take(s) % 6;
	for (unsigned i = 0; i < n; i++) {
		unsigned c = take(s);
		if (c < 200) {
			sb_adds(&b, pieces[c % (sizeof pieces / sizeof pieces[0])]);
		} else if (c < 230) {
			for (unsigned k = take(s) % 24; k > 0; k--) /* around column 80 */
				sb_adds(&b, "abc ");
		} else {
			sb_addc(&b, (char)take(s)); /* any byte */
		}
	}
	return v_str(a, b.buf ? b.buf : "", b.len);
}

static double gen_float(src *s)
{
	static const double f[] = {0.0,
				   1.0,
				   -3.0,
				   1.5,
				   1e6,
				   1e-5,
				   123456789.0,
				   1e21,
				   1e20,
				   9007199254740992.0,
				   9.3e18,
				   -9.3e18,
				   1e300,
				   0.1,
				   -1e-7,
				   2.5e-5,
				   18446744073709551615.0};
	unsigned c = take(s);
	if (c == 255)
		return NAN;
	if (c == 254)
		return -0.0;
	return f[c % (sizeof f / sizeof f[0])] * (c & 0x80 ? -1 : 1);
}

static value gen(arena *a, src *s, int depth)
{
	unsigned c = take(s);
	if (++s->nodes > 300)
		c = 4;
	switch (depth > 6 ? c % 5 : c % 8) {
	case 0:
		return v_nil();
	case 1:
		return v_bool(c & 0x10);
	case 2:
		return v_int((int64_t)(int8_t)take(s) * (c & 0x10 ? 1000000007LL : 1));
	case 3:
		return v_float(gen_float(s));
	case 4:
		return gen_string(a, s);
	case 5: {
		value l = v_list_new(a, 0);
		for (unsigned n = take(s) % 5; n > 0; n--)
			list_push(a, l.u.l, gen(a, s, depth + 1));
		return l;
	}
	case 6: {
		value m = v_map_new(a);
		for (unsigned n = take(s) % 14; n > 0; n--) {
			value k = gen_string(a, s);
			map_set(a, m.u.m, k.u.s, k.len, gen(a, s, depth + 1));
		}
		return m;
	}
	default:
		return c & 0x10 ? v_list_new(a, 0) : v_map_new(a);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena *a = arena_new();
	src s = {data, size, 0};
	value v = gen(a, &s, 0);
	strbuf fast, slow;
	sb_init(&fast, a);
	sb_init(&slow, a);
	sb_adds(&fast, "prefix\n");
	sb_adds(&slow, "prefix\n");
	const char *err = NULL;
	if (yaml_emit_fast(&fast, v)) {
		if (yaml_emit_libyaml(&slow, v, &err) != 0 || fast.len != slow.len ||
		    memcmp(fast.buf, slow.buf, fast.len)) {
			fprintf(stderr,
				"yaml_emit_fast differs from libyaml (%s):\n--- fast\n%.*s--- "
				"libyaml\n%.*s",
				err ? err : "bytes", (int)fast.len, fast.buf, (int)slow.len,
				slow.buf);
			abort();
		}
	} else if (fast.len != 7) {
		fprintf(stderr, "yaml_emit_fast declined but left %zu bytes\n", fast.len);
		abort();
	}
	arena_free(a);
	return 0;
}
