/* ignore.c - .helmignore: Helm's rule list (pkg/ignore/rules.go) and Go's
 * filepath.Match, which differs from fnmatch(3) in small ways that matter
 * (`[^...]` negation, backslash escapes, errors for malformed patterns, and a
 * trailing `*` that never crosses a '/'). */
#include "ignore.h"

#include <string.h>

typedef struct rule {
	const char *pat; /* without '!', the trailing '/' and (for rooted rules) the leading '/' */
	bool negate, must_dir, rooted, structural;
} rule;

struct ignore_rules {
	rule *r;
	size_t n;
};

/* One UTF-8 rune of s (at least one byte); its value in *r. */
static int rune_at(const char *s, unsigned *r)
{
	const unsigned char *u = (const unsigned char *)s;
	int n = u[0] < 0x80 ? 1 : u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 1;
	unsigned v = n == 1 ? u[0] : u[0] & (0x3Fu >> (n - 1));
	for (int i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*r = 0xFFFD;
			return 1;
		}
		v = v << 6 | (u[i] & 0x3F);
	}
	*r = v;
	return n;
}

/* getEsc: one possibly escaped rune of a character class; -1 on a bad pattern. */
static int get_esc(const char **chunk, const char *end, unsigned *r)
{
	const char *c = *chunk;
	if (c >= end || *c == '-' || *c == ']')
		return -1;
	if (*c == '\\' && ++c >= end)
		return -1;
	c += rune_at(c, r);
	if (c >= end)
		return -1;
	*chunk = c;
	return 0;
}

/* matchChunk: *rest is what s has left after the chunk. 1 match, 0 no, -1 bad pattern. */
static int match_chunk(const char *chunk, const char *end, const char *s, const char **rest)
{
	bool failed = false;
	while (chunk < end) {
		if (!failed && !*s)
			failed = true;
		unsigned r = 0;
		switch (*chunk) {
		case '[': {
			if (!failed)
				s += rune_at(s, &r);
			chunk++;
			bool negated = chunk < end && *chunk == '^', match = false;
			if (negated)
				chunk++;
			for (int nrange = 0;; nrange++) {
				if (chunk < end && *chunk == ']' && nrange > 0) {
					chunk++;
					break;
				}
				unsigned lo, hi;
				if (get_esc(&chunk, end, &lo) != 0)
					return -1;
				hi = lo;
				if (*chunk == '-') {
					chunk++;
					if (get_esc(&chunk, end, &hi) != 0)
						return -1;
				}
				if (lo <= r && r <= hi)
					match = true;
			}
			if (match == negated)
				failed = true;
			break;
		}
		case '?':
			if (!failed) {
				if (*s == '/')
					failed = true;
				s += rune_at(s, &r);
			}
			chunk++;
			break;
		case '\\':
			if (++chunk >= end)
				return -1;
			/* fallthrough */
		default:
			if (!failed) {
				if (*chunk != *s)
					failed = true;
				s++;
			}
			chunk++;
		}
	}
	if (failed)
		return 0;
	*rest = s;
	return 1;
}

/* scanChunk: the stars before the next chunk, and the chunk's end. */
static const char *scan_chunk(const char **pattern, bool *star)
{
	const char *p = *pattern;
	*star = false;
	while (*p == '*') {
		p++;
		*star = true;
	}
	*pattern = p;
	bool in_range = false;
	for (; *p; p++) {
		if (*p == '\\') {
			if (p[1])
				p++;
		} else if (*p == '[') {
			in_range = true;
		} else if (*p == ']') {
			in_range = false;
		} else if (*p == '*' && !in_range) {
			break;
		}
	}
	return p;
}

int go_path_match(const char *pattern, const char *name)
{
	while (*pattern) {
		bool star;
		const char *chunk = pattern, *end, *rest;
		end = scan_chunk(&chunk, &star);
		pattern = end;
		if (star && chunk == end)
			return strchr(name, '/') == NULL;
		int m = match_chunk(chunk, end, name, &rest);
		if (m == 1 && (!*rest || *pattern)) {
			name = rest;
			continue;
		}
		if (m < 0)
			return -1;
		bool matched = false;
		for (const char *n = name; star && *n && *n != '/'; n++) {
			m = match_chunk(chunk, end, n + 1, &rest);
			if (m == 1) {
				if (!*pattern && *rest)
					continue;
				name = rest;
				matched = true;
				break;
			}
			if (m < 0)
				return -1;
		}
		if (matched)
			continue;
		while (*pattern) { /* the rest must still be a valid pattern */
			const char *c = pattern, *e = scan_chunk(&c, &star);
			pattern = e;
			if (match_chunk(c, e, "", &rest) < 0)
				return -1;
		}
		return 0;
	}
	return !*name;
}

static int add_rule(arena *a, ignore_rules *rs, const char *line, size_t len, const char **err)
{
	while (len && strchr(" \t\r\n\v\f", line[len - 1]))
		len--;
	while (len && strchr(" \t\r\n\v\f", *line))
		line++, len--;
	if (!len || line[0] == '#')
		return 0;
	char *p = arena_strndup(a, line, len);
	if (strstr(p, "**")) {
		*err = "double-star (**) syntax is not supported";
		return -1;
	}
	if (go_path_match(p, "abc") < 0) {
		*err = "syntax error in pattern";
		return -1;
	}
	rule r = {0};
	if (*p == '!') {
		r.negate = true;
		p++;
	}
	size_t n = strlen(p);
	if (n && p[n - 1] == '/') {
		r.must_dir = true;
		p[--n] = 0;
	}
	if (*p == '/') {
		r.rooted = true;
		p++;
	} else {
		r.structural = strchr(p, '/') != NULL;
	}
	r.pat = p;
	rs->r = arena_realloc(a, rs->r, rs->n * sizeof(rule), (rs->n + 1) * sizeof(rule));
	rs->r[rs->n++] = r;
	return 0;
}

ignore_rules *ignore_parse(arena *a, const char *text, const char **err)
{
	ignore_rules *rs = arena_alloc(a, sizeof(*rs));
	for (const char *s = text; s && *s;) {
		const char *e = strchrnul(s, '\n');
		if (add_rule(a, rs, s, (size_t)(e - s), err) != 0)
			return NULL;
		s = *e ? e + 1 : e;
	}
	static const char defaults[] = "templates/.?*";
	add_rule(a, rs, defaults, sizeof(defaults) - 1, err);
	return rs;
}

static bool rule_matches(const rule *r, const char *path)
{
	if (r->rooted || r->structural)
		return go_path_match(r->pat, path) == 1;
	const char *base = strrchr(path, '/');
	return go_path_match(r->pat, base ? base + 1 : path) == 1;
}

bool ignore_match(const ignore_rules *rs, const char *path, bool is_dir)
{
	if (!*path || !strcmp(path, ".") || !strcmp(path, "./"))
		return false;
	for (size_t i = 0; i < rs->n; i++) {
		const rule *r = &rs->r[i];
		if (r->negate) {
			if ((r->must_dir && !is_dir) || !rule_matches(r, path))
				return true;
			continue;
		}
		if (r->must_dir && !is_dir)
			continue;
		if (rule_matches(r, path))
			return true;
	}
	return false;
}
