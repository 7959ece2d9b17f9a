/* paths.c - Sprig's path functions (Go's path and path/filepath on Unix) and
 * urlParse/urlJoin (Go's net/url Parse and URL.String).
 *
 * filepath on Unix is path with '/' as separator, so the os* forms share the
 * path implementations. The URL code covers what Go's parser does for absolute,
 * relative and opaque URLs, its escape rules per component, and its errors.
 */
#include <string.h>

#include "../values/gofmt.h"
#include "../values/strbuf.h"
#include "functions.h"

/* Go's path.Clean. */
static value path_clean(arena *a, const char *p, size_t n)
{
	if (n == 0)
		return v_str_static(".", 1);
	bool rooted = p[0] == '/';
	char *out = arena_alloc(a, n + 2);
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted)
		out[w++] = '/', r = 1, dotdot = 1;
	while (r < n) {
		if (p[r] == '/') {
			r++;
		} else if (p[r] == '.' && (r + 1 == n || p[r + 1] == '/')) {
			r++;
		} else if (p[r] == '.' && p[r + 1] == '.' && (r + 2 == n || p[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.', out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && p[r] != '/'; r++)
				out[w++] = p[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	return v_str(a, out, w);
}

const char *go_path_clean(arena *a, const char *p, size_t n)
{
	return path_clean(a, p, n).u.s;
}

static value fn_clean(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return path_clean(c->a, argv[0].u.s, argv[0].len);
}

static value fn_base(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *p = argv[0].u.s;
	size_t n = argv[0].len;
	if (n == 0)
		return v_str_static(".", 1);
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (n == 0)
		return v_str_static("/", 1);
	size_t i = n;
	while (i > 0 && p[i - 1] != '/')
		i--;
	return v_str(c->a, p + i, n - i);
}

static value fn_dir(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *p = argv[0].u.s;
	size_t i = argv[0].len;
	while (i > 0 && p[i - 1] != '/')
		i--;
	return path_clean(c->a, p, i);
}

static value fn_ext(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *p = argv[0].u.s;
	for (size_t i = argv[0].len; i > 0 && p[i - 1] != '/'; i--)
		if (p[i - 1] == '.')
			return v_str(c->a, p + i - 1, argv[0].len - i + 1);
	return v_str_static("", 0);
}

static value fn_isAbs(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_bool(argv[0].len > 0 && argv[0].u.s[0] == '/');
}

/* ---- URLs ---- */

enum url_mode { U_PATH, U_HOST, U_USER, U_FRAGMENT, U_QUERY };

static bool is_alnum(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Go's shouldEscape. */
static bool should_escape(unsigned char ch, enum url_mode mode)
{
	if (is_alnum(ch))
		return false;
	if (mode == U_HOST && strchr("!$&'()*+,;=:[]<>\"", ch) && ch)
		return false;
	if (ch && strchr("-_.~", ch))
		return false;
	if (ch && strchr("$&+,/:;=?@", ch)) {
		switch (mode) {
		case U_PATH:
			return ch == '?';
		case U_USER:
			return ch == '@' || ch == '/' || ch == '?' || ch == ':';
		case U_QUERY:
			return true;
		case U_FRAGMENT:
			return false;
		case U_HOST:
			break;
		}
	}
	if (mode == U_FRAGMENT && ch && strchr("!()*", ch))
		return false;
	return true;
}

static void url_escape(strbuf *sb, const char *s, size_t n, enum url_mode mode)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (should_escape(ch, mode))
			sb_addf(sb, "%%%02X", ch);
		else
			sb_addc(sb, (char)ch);
	}
}

static int unhex(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Go's unescape; returns NULL with *err set on a bad escape. */
static const char *url_unescape(arena *a, const char *s, size_t n, enum url_mode mode,
				const char **err)
{
	strbuf sb;
	sb_init(&sb, a);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n || unhex((unsigned char)s[i + 1]) < 0 ||
			    unhex((unsigned char)s[i + 2]) < 0 ||
			    (mode == U_HOST && unhex((unsigned char)s[i + 1]) < 8 &&
			     memcmp(s + i, "%25", 3) != 0)) {
				size_t k = n - i < 3 ? n - i : 3;
				strbuf q;
				sb_init(&q, a);
				go_quote(&q, s + i, k);
				*err = arena_sprintf(a, "invalid URL escape %s", sb_str(&q));
				return NULL;
			}
			sb_addc(&sb, (char)(unhex((unsigned char)s[i + 1]) << 4 |
					    unhex((unsigned char)s[i + 2])));
			i += 2;
		} else if (mode == U_HOST && (unsigned char)s[i] < 0x80 &&
			   should_escape((unsigned char)s[i], U_HOST)) {
			strbuf q;
			sb_init(&q, a);
			go_quote(&q, s + i, 1);
			*err = arena_sprintf(a, "invalid character %s in host name", sb_str(&q));
			return NULL;
		} else {
			sb_addc(&sb, s[i]);
		}
	}
	return sb_str(&sb);
}

typedef struct url {
	const char *scheme, *opaque, *user, *host, *path, *query, *fragment;
	bool has_user;
} url;

/* Scheme per Go's getScheme; returns its length (0: none), -1 on "missing protocol scheme". */
static long url_scheme(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'))
			continue;
		if ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.') {
			if (i == 0)
				return 0;
			continue;
		}
		if (ch == ':')
			return i == 0 ? -1 : (long)i;
		return 0;
	}
	return 0;
}

static const char *url_authority(arena *a, const char *s, size_t n, url *u)
{
	const char *err = NULL, *at = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	const char *h = at ? at + 1 : s;
	size_t hn = (size_t)(s + n - h);
	for (const char *p = s; at && p < at; p++)
		if (!is_alnum((unsigned char)*p) && !strchr("-._:~!$&'()*+,;=%@", *p))
			return "net/url: invalid userinfo";
	if (at) {
		const char *ucolon = memchr(s, ':', (size_t)(at - s));
		const char *uend = ucolon ? ucolon : at;
		const char *name = url_unescape(a, s, (size_t)(uend - s), U_USER, &err);
		const char *pass =
		    ucolon ? url_unescape(a, ucolon + 1, (size_t)(at - ucolon - 1), U_USER, &err)
			   : "";
		if (!name || !pass)
			return err;
		strbuf sb;
		sb_init(&sb, a);
		url_escape(&sb, name, strlen(name), U_USER);
		if (ucolon) {
			sb_addc(&sb, ':');
			url_escape(&sb, pass, strlen(pass), U_USER);
		}
		u->user = sb_str(&sb);
		u->has_user = true;
	}
	const char *colon = hn && h[0] != '[' ? memrchr(h, ':', hn) : NULL;
	if (colon) {
		for (const char *p = colon + 1; p < h + hn; p++)
			if (*p < '0' || *p > '9')
				return arena_sprintf(a, "invalid port \"%.*s\" after host",
						     (int)(h + hn - colon), colon);
	}
	u->host = url_unescape(a, h, hn, U_HOST, &err);
	return u->host ? NULL : err;
}

static const char *url_main(arena *a, const char *s, size_t rn, url *u);

/* Go's url.Parse: the part before '#' first, then the fragment. *qn is the length of s
 * the error quotes: Go names the part before '#', or all of s for a bad fragment. */
static const char *url_parse(arena *a, const char *s, size_t n, url *u, size_t *qn)
{
	const char *err = NULL;
	*u = (url){"", "", "", "", "", "", "", false};
	const char *hash = memchr(s, '#', n);
	size_t rn = hash ? (size_t)(hash - s) : n;
	*qn = rn;
	if ((err = url_main(a, s, rn, u)))
		return err;
	*qn = n;
	if (hash && !(u->fragment = url_unescape(a, hash + 1, n - rn - 1, U_FRAGMENT, &err)))
		return err;
	return NULL;
}

static const char *url_main(arena *a, const char *s, size_t rn, url *u)
{
	const char *err = NULL;
	for (size_t i = 0; i < rn; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "net/url: invalid control character in URL";
	long sl = url_scheme(s, rn);
	if (sl < 0)
		return "missing protocol scheme";
	char *scheme = arena_strndup(a, s, (size_t)sl);
	for (char *p = scheme; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 32;
	u->scheme = scheme;
	const char *rest = s + (sl ? sl + 1 : 0);
	const char *q = memchr(rest, '?', (size_t)(s + rn - rest));
	const char *rend = q ? q : s + rn;
	if (q)
		u->query = arena_strndup(a, q + 1, (size_t)(s + rn - q - 1));
	size_t len = (size_t)(rend - rest);
	if (len == 0 || rest[0] != '/') {
		if (*u->scheme) {
			u->opaque = arena_strndup(a, rest, len);
			return NULL;
		}
		const char *slash = memchr(rest, '/', len), *colon = memchr(rest, ':', len);
		if (colon && (!slash || colon < slash))
			return "first path segment in URL cannot contain colon";
	}
	if (len >= 2 && rest[0] == '/' && rest[1] == '/' && !(len >= 3 && rest[2] == '/')) {
		const char *auth = rest + 2, *slash = memchr(auth, '/', (size_t)(rend - auth));
		const char *aend = slash ? slash : rend;
		if ((err = url_authority(a, auth, (size_t)(aend - auth), u)))
			return err;
		rest = aend;
		len = (size_t)(rend - rest);
	}
	u->path = url_unescape(a, rest, len, U_PATH, &err);
	return u->path ? NULL : err;
}

static value fn_urlParse(fnctx *c, value *argv, int argc)
{
	(void)argc;
	url u;
	size_t qn;
	const char *err = url_parse(c->a, argv[0].u.s, argv[0].len, &u, &qn);
	if (err) {
		strbuf q;
		sb_init(&q, c->a);
		go_quote(&q, argv[0].u.s, qn);
		fn_fail(c, "unable to parse url: parse %s: %s", sb_str(&q), err);
	}
	const char *hostname = u.host;
	size_t hn = strlen(u.host);
	if (hostname[0] == '[') {
		const char *close = strchr(hostname, ']');
		hn = close ? (size_t)(close - hostname - 1) : hn - 1;
		hostname++;
	} else if (strrchr(hostname, ':')) {
		hn = (size_t)(strrchr(hostname, ':') - hostname);
	}
	value m = v_map_new(c->a);
	const char *keys[] = {"scheme", "host", "path", "query", "opaque", "fragment", "userinfo"};
	const char *vals[] = {u.scheme, u.host, u.path, u.query, u.opaque, u.fragment, u.user};
	for (int i = 0; i < 7; i++)
		map_setc(c->a, m.u.m, keys[i], v_cstr(c->a, vals[i]));
	map_setc(c->a, m.u.m, "hostname", v_str(c->a, hostname, hn));
	return m;
}

static const char *dict_str(fnctx *c, vmap *d, const char *key)
{
	value *v = map_getc(d, key);
	if (!v)
		return "";
	if (v->kind != V_STRING)
		fn_fail(c, "unable to parse %s key, must be of type string, but %s found", key,
			value_kind(*v));
	return v->u.s;
}

static void url_string(strbuf *sb, const url *u)
{
	if (*u->scheme)
		sb_addf(sb, "%s:", u->scheme);
	if (*u->opaque) {
		sb_adds(sb, u->opaque);
	} else {
		if ((*u->scheme || *u->host || u->has_user) &&
		    (*u->host || *u->path || u->has_user))
			sb_adds(sb, "//");
		if ((*u->scheme || *u->host || u->has_user) && u->has_user)
			sb_addf(sb, "%s@", u->user);
		if (*u->host)
			url_escape(sb, u->host, strlen(u->host), U_HOST);
		if (*u->path && u->path[0] != '/' && *u->host)
			sb_addc(sb, '/');
		if (sb->len == 0) {
			size_t seg = strcspn(u->path, "/");
			if (memchr(u->path, ':', seg))
				sb_adds(sb, "./");
		}
		url_escape(sb, u->path, strlen(u->path), U_PATH);
	}
	if (*u->query)
		sb_addf(sb, "?%s", u->query);
	if (*u->fragment) {
		sb_addc(sb, '#');
		url_escape(sb, u->fragment, strlen(u->fragment), U_FRAGMENT);
	}
}

static value fn_urlJoin(fnctx *c, value *argv, int argc)
{
	(void)argc;
	vmap *d = argv[0].u.m;
	url u = {dict_str(c, d, "scheme"),
		 dict_str(c, d, "opaque"),
		 "",
		 dict_str(c, d, "host"),
		 dict_str(c, d, "path"),
		 dict_str(c, d, "query"),
		 dict_str(c, d, "fragment"),
		 false};
	const char *ui = dict_str(c, d, "userinfo");
	if (*ui) {
		url tmp;
		const char *raw = arena_sprintf(c->a, "proto://%s@host", ui);
		size_t qn;
		const char *err = url_parse(c->a, raw, strlen(raw), &tmp, &qn);
		if (err) {
			strbuf q;
			sb_init(&q, c->a);
			go_quote(&q, raw, qn);
			fn_fail(c, "unable to parse userinfo in dict: parse %s: %s", sb_str(&q),
				err);
		}
		u.user = tmp.user;
		u.has_user = tmp.has_user;
	}
	strbuf sb;
	sb_init(&sb, c->a);
	url_string(&sb, &u);
	return v_str(c->a, sb_str(&sb), sb.len);
}

const fn_def fn_family_paths[] = {
    {"base", fn_base, "s"},
    {"dir", fn_dir, "s"},
    {"clean", fn_clean, "s"},
    {"ext", fn_ext, "s"},
    {"isAbs", fn_isAbs, "s"},
    {"osBase", fn_base, "s"},
    {"osDir", fn_dir, "s"},
    {"osClean", fn_clean, "s"},
    {"osExt", fn_ext, "s"},
    {"osIsAbs", fn_isAbs, "s"},
    {"urlParse", fn_urlParse, "s"},
    {"urlJoin", fn_urlJoin, "m"},
    {0},
};
