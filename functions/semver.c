/* semver.c - Sprig's semver and semverCompare (Masterminds/semver v3.3).
 *
 * Versions and constraints are read with the library's own regular expressions
 * (run by regex.c with Go's matching rules), so odd inputs such as `01.2.3`,
 * `1 - 2` ranges, `||` and `x` wildcards parse exactly as in Helm; the checks
 * copy the library's rules, including its treatment of prereleases. A parsed
 * version is a *semver.Version object with the library's methods.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../values/strbuf.h"
#include "functions.h"
#include "semver.h"
#include "regex.h"

typedef struct semver {
	uint64_t major, minor, patch;
	const char *pre, *meta, *orig; /* never NULL */
} semver;

#define CV_RE                                                                                      \
	"v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?(-([0-9A-Za-z\\-]+(\\.[0-9A-"   \
	"Za-z\\-]+)*))?"                                                                           \
	"(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?"
#define OPS_RE "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^"

static const char constraint_re[] = "^\\s*(" OPS_RE ")\\s*(" CV_RE ")\\s*$";
static const char range_re[] = "\\s*(" CV_RE ")\\s+-\\s+(" CV_RE ")\\s*";
static const char find_re[] = "(" OPS_RE ")\\s*(" CV_RE ")";
static const char valid_re[] =
    "^(\\s*(" OPS_RE ")\\s*(" CV_RE ")\\s*)((?:\\s+|,\\s*)(" OPS_RE ")\\s*(" CV_RE ")\\s*)*$";

/* Group g of match i as a string ("" when it did not take part). */
static const char *group(arena *a, const char *s, const size_t *m, uint32_t ncap, long i,
			 uint32_t g)
{
	const size_t *o = m + (size_t)i * 2 * ncap + 2 * g;
	if (o[0] == SIZE_MAX)
		return "";
	return arena_strndup(a, s + o[0], o[1] - o[0]);
}

static const char *parse_segment(arena *a, const char *digits, uint64_t *out)
{
	errno = 0;
	*out = strtoull(digits, NULL, 10);
	if (errno == ERANGE)
		return arena_sprintf(a,
				     "Error parsing version segment: strconv.ParseUint: parsing "
				     "\"%s\": value out of range",
				     digits);
	return NULL;
}

static const char *check_prerelease(const char *pre)
{
	for (const char *p = pre; *p;) {
		size_t n = strcspn(p, ".");
		bool digits = n > 0 && strspn(p, "0123456789") >= n;
		if (digits && n > 1 && p[0] == '0')
			return "Version segment starts with 0";
		p += n + (p[n] == '.');
	}
	return NULL;
}

static bool ident_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-';
}

/* Dot-separated identifiers of ident_char from p; the end, or NULL when empty ones. */
static const char *idents(const char *p, const char *e)
{
	for (;;) {
		const char *q = p;
		while (q < e && ident_char(*q))
			q++;
		if (q == p)
			return NULL;
		if (q == e || *q != '.')
			return q;
		p = q + 1;
	}
}

/* The library's version regular expression,
 *   ^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?
 *   (\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$
 * matched by hand (it needs no backtracking: each optional part
 * starts with a character the one before cannot take), so that loading a
 * chart does not load PCRE2. m holds the start and end of its 10 groups,
 * SIZE_MAX when unset; returns false when there is no match. */
static bool version_match(const char *s, size_t n, size_t m[20])
{
	const char *p = s, *e = s + n;
	for (int i = 0; i < 20; i++)
		m[i] = SIZE_MAX;
	m[0] = 0, m[1] = n;
	if (p < e && *p == 'v')
		p++;
	const char *d = p;
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	if (p == d)
		return false;
	m[2] = (size_t)(d - s), m[3] = (size_t)(p - s);
	for (int g = 2; g <= 3; g++) {
		if (p + 1 < e && *p == '.' && p[1] >= '0' && p[1] <= '9') {
			const char *b = p++;
			while (p < e && *p >= '0' && *p <= '9')
				p++;
			m[2 * g] = (size_t)(b - s), m[2 * g + 1] = (size_t)(p - s);
		}
	}
	for (int g = 4; g <= 7; g += 3) { /* "-pre" (groups 4, 5, 6), "+meta" (7, 8, 9) */
		char lead = g == 4 ? '-' : '+';
		if (p < e && *p == lead) {
			const char *b = p + 1, *q = idents(b, e);
			if (!q)
				return false;
			m[2 * g] = (size_t)(p - s), m[2 * g + 1] = (size_t)(q - s);
			m[2 * g + 2] = (size_t)(b - s), m[2 * g + 3] = (size_t)(q - s);
			const char *last = q;
			while (last > b && last[-1] != '.')
				last--;
			if (last > b) /* the last repetition of (\.ident)* */
				m[2 * g + 4] = (size_t)(last - 1 - s),
					  m[2 * g + 5] = (size_t)(q - s);
			p = q;
		}
	}
	return p == e;
}

/* NewVersion: returns NULL, or the library's error text. */
static const char *sv_parse(arena *a, const char *s, size_t n, semver *v)
{
	size_t m[20];
	uint32_t nc = 10;
	if (!version_match(s, n, m))
		return "Invalid Semantic Version";
	const char *seg[3] = {group(a, s, m, nc, 0, 1), group(a, s, m, nc, 0, 2),
			      group(a, s, m, nc, 0, 3)};
	uint64_t *dst[3] = {&v->major, &v->minor, &v->patch};
	for (int i = 0; i < 3; i++) {
		*dst[i] = 0;
		const char *err = seg[i][0] ? parse_segment(a, seg[i] + (i > 0), dst[i]) : NULL;
		if (err)
			return err;
	}
	v->pre = group(a, s, m, nc, 0, 5);
	v->meta = group(a, s, m, nc, 0, 8);
	v->orig = arena_strndup(a, s, n);
	return check_prerelease(v->pre);
}

static const char *sv_string(arena *a, const semver *v)
{
	return arena_sprintf(a, "%llu.%llu.%llu%s%s%s%s", (unsigned long long)v->major,
			     (unsigned long long)v->minor, (unsigned long long)v->patch,
			     *v->pre ? "-" : "", v->pre, *v->meta ? "+" : "", v->meta);
}

static bool parse_uint(const char *s, size_t n, uint64_t *out)
{
	if (n == 0)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*out = x;
	return true;
}

static int compare_pre_part(const char *s, size_t sn, const char *o, size_t on)
{
	if (sn == on && !memcmp(s, o, sn))
		return 0;
	if (sn == 0)
		return -1;
	if (on == 0)
		return 1;
	uint64_t si = 0, oi = 0;
	bool snum = parse_uint(s, sn, &si), onum = parse_uint(o, on, &oi);
	if (!snum && !onum) {
		int d = memcmp(s, o, sn < on ? sn : on);
		return d > 0 || (d == 0 && sn > on) ? 1 : -1;
	}
	if (!onum)
		return -1;
	if (!snum)
		return 1;
	return si > oi ? 1 : -1;
}

static int compare_pre(const char *s, const char *o)
{
	while (*s || *o) {
		size_t sn = strcspn(s, "."), on = strcspn(o, ".");
		int d = compare_pre_part(s, sn, o, on);
		if (d)
			return d;
		s += sn + (s[sn] == '.');
		o += on + (o[on] == '.');
	}
	return 0;
}

static int cmp_u(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int sv_compare(const semver *v, const semver *o)
{
	int d = cmp_u(v->major, o->major);
	if (!d)
		d = cmp_u(v->minor, o->minor);
	if (!d)
		d = cmp_u(v->patch, o->patch);
	if (d)
		return d;
	if (!*v->pre && !*o->pre)
		return 0;
	if (!*v->pre)
		return 1;
	if (!*o->pre)
		return -1;
	return compare_pre(v->pre, o->pre);
}

/* ---- constraints ---- */

typedef struct constraint {
	semver con;
	const char *op;
	bool dirty, minor_dirty, patch_dirty;
} constraint;

static bool is_x(const char *s)
{
	return !strcmp(s, "x") || !strcmp(s, "X") || !strcmp(s, "*");
}

/* parseConstraint; returns NULL or the error text. */
static const char *parse_constraint(arena *a, const char *s, constraint *c)
{
	size_t *m;
	uint32_t nc;
	if (regex_find_all(a, constraint_re, s, strlen(s), 1, &m, &nc) != 1)
		return arena_sprintf(a, "improper constraint: %s", s);
	const char *major = group(a, s, m, nc, 0, 3), *minor = group(a, s, m, nc, 0, 4);
	const char *patch = group(a, s, m, nc, 0, 5), *pre = group(a, s, m, nc, 0, 6);
	const char *ver = group(a, s, m, nc, 0, 2);
	memset(c, 0, sizeof *c);
	c->op = group(a, s, m, nc, 0, 1);
	if (is_x(major) || !*major) {
		ver = arena_sprintf(a, "0.0.0%s", pre);
		c->dirty = true;
	} else if (!*minor || is_x(minor + 1)) {
		ver = arena_sprintf(a, "%s.0.0%s", major, pre);
		c->dirty = c->minor_dirty = true;
	} else if (!*patch || is_x(patch + 1)) {
		ver = arena_sprintf(a, "%s%s.0%s", major, minor, pre);
		c->dirty = c->patch_dirty = true;
	}
	if (sv_parse(a, ver, strlen(ver), &c->con))
		return "constraint Parser Error";
	return NULL;
}

static bool check_tilde(const semver *v, const constraint *c)
{
	if (sv_compare(v, &c->con) < 0)
		return false;
	if (!c->con.major && !c->con.minor && !c->con.patch && !c->minor_dirty && !c->patch_dirty)
		return true;
	if (v->major != c->con.major)
		return false;
	return v->minor == c->con.minor || c->minor_dirty;
}

static bool check_caret(const semver *v, const constraint *c)
{
	if (sv_compare(v, &c->con) < 0)
		return false;
	if (c->con.major > 0 || c->minor_dirty)
		return v->major == c->con.major;
	if (v->major > 0)
		return false;
	if (c->con.minor > 0 || c->patch_dirty)
		return v->minor == c->con.minor;
	if (v->minor > 0)
		return false;
	return v->patch == c->con.patch;
}

static bool check_not_equal(const semver *v, const constraint *c)
{
	if (c->dirty) {
		if (c->con.major != v->major)
			return true;
		if (c->con.minor != v->minor && !c->minor_dirty)
			return true;
		if (c->minor_dirty)
			return false;
		if (c->con.patch != v->patch && !c->patch_dirty)
			return true;
		if (c->patch_dirty)
			return (*v->pre || *c->con.pre) && compare_pre(v->pre, c->con.pre) != 0;
	}
	return sv_compare(v, &c->con) != 0;
}

static bool check_greater(const semver *v, const constraint *c)
{
	if (!c->dirty)
		return sv_compare(v, &c->con) > 0;
	if (v->major != c->con.major)
		return v->major > c->con.major;
	if (c->minor_dirty)
		return false;
	if (c->patch_dirty)
		return v->minor > c->con.minor;
	return sv_compare(v, &c->con) > 0;
}

static bool check_less_equal(const semver *v, const constraint *c)
{
	if (!c->dirty)
		return sv_compare(v, &c->con) <= 0;
	if (v->major > c->con.major)
		return false;
	return !(v->major == c->con.major && v->minor > c->con.minor && !c->minor_dirty);
}

static bool check_constraint(const semver *v, const constraint *c)
{
	const char *op = c->op;
	if (*v->pre && !*c->con.pre && strcmp(op, "!=") != 0)
		return false;
	if (!strcmp(op, "!="))
		return (*v->pre && !*c->con.pre && c->dirty) ? false : check_not_equal(v, c);
	if (!strcmp(op, "") || !strcmp(op, "="))
		return c->dirty ? check_tilde(v, c) : sv_compare(v, &c->con) == 0;
	if (!strcmp(op, ">"))
		return check_greater(v, c);
	if (!strcmp(op, "<"))
		return sv_compare(v, &c->con) < 0;
	if (!strcmp(op, ">=") || !strcmp(op, "=>"))
		return sv_compare(v, &c->con) >= 0;
	if (!strcmp(op, "<=") || !strcmp(op, "=<"))
		return check_less_equal(v, c);
	if (!strcmp(op, "~") || !strcmp(op, "~>"))
		return check_tilde(v, c);
	return check_caret(v, c);
}

/* rewriteRange: each "A - B" becomes ">= A, <= B" (first occurrence of its text). */
static const char *rewrite_ranges(arena *a, const char *s)
{
	size_t *m;
	uint32_t nc;
	long n = regex_find_all(a, range_re, s, strlen(s), -1, &m, &nc);
	const char *o = s;
	for (long i = 0; i < n; i++) {
		const char *whole = group(a, s, m, nc, i, 0), *at = strstr(o, whole);
		if (!at)
			continue;
		const char *rep = arena_sprintf(a, ">= %s, <= %s", group(a, s, m, nc, i, 1),
						group(a, s, m, nc, i, 11));
		o = arena_sprintf(a, "%.*s%s%s", (int)(at - o), o, rep, at + strlen(whole));
	}
	return o;
}

/* Checks one `||` branch; returns NULL with *ok set, or an error text. */
static const char *check_branch(arena *a, const char *seg, const semver *v, bool *ok)
{
	size_t *m;
	uint32_t nc;
	if (regex_find_all(a, valid_re, seg, strlen(seg), 1, &m, &nc) != 1)
		return arena_sprintf(a, "improper constraint: %s", seg);
	long n = regex_find_all(a, find_re, seg, strlen(seg), -1, &m, &nc);
	*ok = true;
	for (long i = 0; i < (n > 0 ? n : 1); i++) {
		constraint c;
		const char *err = parse_constraint(a, n > 0 ? group(a, seg, m, nc, i, 0) : seg, &c);
		if (err)
			return err;
		if (!check_constraint(v, &c))
			*ok = false;
	}
	return NULL;
}

int semver_check(arena *a, const char *cons, const char *version, bool *ok, const char **err)
{
	const char *cs = rewrite_ranges(a, cons);
	*ok = false;
	for (const char *p = cs;;) {
		const char *bar = strstr(p, "||");
		const char *seg = arena_strndup(a, p, bar ? (size_t)(bar - p) : strlen(p));
		bool any;
		if ((*err =
			 check_branch(a, seg, &(semver){.pre = "", .meta = "", .orig = ""}, &any)))
			return -1;
		if (!bar)
			break;
		p = bar + 2;
	}
	semver v;
	if ((*err = sv_parse(a, version, strlen(version), &v)))
		return -1;
	for (const char *p = cs; !*ok;) {
		const char *bar = strstr(p, "||");
		const char *seg = arena_strndup(a, p, bar ? (size_t)(bar - p) : strlen(p));
		check_branch(a, seg, &v, ok);
		if (!bar)
			break;
		p = bar + 2;
	}
	return 0;
}

static value fn_semverCompare(fnctx *c, value *argv, int argc)
{
	(void)argc;
	bool ok;
	const char *err;
	if (semver_check(c->a, argv[0].u.s, argv[1].u.s, &ok, &err) != 0)
		fn_fail(c, "%s", err);
	return v_bool(ok);
}

/* ---- the *semver.Version object ---- */

static const char *obj_string(arena *a, const vobj *o)
{
	return sv_string(a, o->data);
}

static value obj_plain(arena *a, const vobj *o)
{
	return v_cstr(a, sv_string(a, o->data));
}

static const semver *recv(value v)
{
	return v.kind == V_OBJ ? v.u.o->data : NULL;
}

static value m_major(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_uint64(recv(argv[0])->major);
}

static value m_minor(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_uint64(recv(argv[0])->minor);
}

static value m_patch(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_uint64(recv(argv[0])->patch);
}

static value m_prerelease(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, recv(argv[0])->pre);
}

static value m_metadata(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, recv(argv[0])->meta);
}

static value m_original(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, recv(argv[0])->orig);
}

static value m_string(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, sv_string(c->a, recv(argv[0])));
}

static const semver *other(fnctx *c, value v)
{
	if (v.kind != V_OBJ || v.u.o->cls->to_string != obj_string)
		fn_fail_raw(c, "wrong type for value; expected *semver.Version; got %s",
			    value_gotype(v));
	return v.u.o->data;
}

static value m_compare(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_int(sv_compare(recv(argv[0]), other(c, argv[1])));
}

static value m_less(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_bool(sv_compare(recv(argv[0]), other(c, argv[1])) < 0);
}

static value m_greater(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_bool(sv_compare(recv(argv[0]), other(c, argv[1])) > 0);
}

static value m_equal(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_bool(sv_compare(recv(argv[0]), other(c, argv[1])) == 0);
}

static value m_less_equal(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_bool(sv_compare(recv(argv[0]), other(c, argv[1])) <= 0);
}

static value m_greater_equal(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_bool(sv_compare(recv(argv[0]), other(c, argv[1])) >= 0);
}

static value new_version(arena *a, const semver *v);

/* IncMajor/IncMinor/IncPatch: which = 0, 1, 2. */
static value increment(fnctx *c, value recv_v, int which)
{
	semver *n = arena_alloc(c->a, sizeof *n);
	*n = *recv(recv_v);
	if (which < 2 || !*n->pre) {
		if (which == 0)
			n->major++, n->minor = 0, n->patch = 0;
		else if (which == 1)
			n->minor++, n->patch = 0;
		else
			n->patch++;
	}
	n->pre = n->meta = "";
	n->orig = arena_sprintf(c->a, "%s%s", n->orig[0] == 'v' ? "v" : "", sv_string(c->a, n));
	return new_version(c->a, n);
}

static value m_inc_major(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return increment(c, argv[0], 0);
}

static value m_inc_minor(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return increment(c, argv[0], 1);
}

static value m_inc_patch(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return increment(c, argv[0], 2);
}

static const fn_def version_methods[] = {
    {"Major", m_major, "o"},
    {"Minor", m_minor, "o"},
    {"Patch", m_patch, "o"},
    {"Prerelease", m_prerelease, "o"},
    {"Metadata", m_metadata, "o"},
    {"Original", m_original, "o"},
    {"String", m_string, "o"},
    {"Compare", m_compare, "oo"},
    {"LessThan", m_less, "oo"},
    {"GreaterThan", m_greater, "oo"},
    {"Equal", m_equal, "oo"},
    {"LessThanEqual", m_less_equal, "oo"},
    {"GreaterThanEqual", m_greater_equal, "oo"},
    {"IncMajor", m_inc_major, "o"},
    {"IncMinor", m_inc_minor, "o"},
    {"IncPatch", m_inc_patch, "o"},
    {0},
};

static bool no_field(arena *a, const vobj *o, const char *name, value *out)
{
	(void)a, (void)o, (void)name, (void)out;
	return false;
}

static const vclass version_class = {
    .gotype = "*semver.Version",
    .field = no_field,
    .methods = version_methods,
    .to_plain = obj_plain,
    .to_string = obj_string,
    .kind = "ptr",
};

static value new_version(arena *a, const semver *v)
{
	return v_obj(a, &version_class, (void *)v);
}

static value fn_semver(fnctx *c, value *argv, int argc)
{
	(void)argc;
	semver *v = arena_alloc(c->a, sizeof *v);
	const char *err = sv_parse(c->a, argv[0].u.s, argv[0].len, v);
	if (err)
		fn_fail(c, "%s", err);
	return new_version(c->a, v);
}

const fn_def fn_family_semver[] = {
    {"semver", fn_semver, "s"},
    {"semverCompare", fn_semverCompare, "ss"},
    {0},
};

bool semver_valid(arena *a, const char *version)
{
	semver v;
	return sv_parse(a, version, strlen(version), &v) == NULL;
}

int semver_parse(arena *a, const char *version, const char **canonical, uint64_t *major,
		 uint64_t *minor, const char **err)
{
	semver v;
	if ((*err = sv_parse(a, version, strlen(version), &v)))
		return -1;
	*canonical = sv_string(a, &v);
	*major = v.major;
	*minor = v.minor;
	return 0;
}
