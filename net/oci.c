/* oci.c - the OCI distribution protocol as Helm 3.17.3 uses it for charts.
 *
 * Every request goes through http_request. Authentication answers the
 * registry's challenge: Basic with the stored or given credentials, or Bearer
 * with a token from the realm (anonymous without credentials). Manifests and
 * blobs are checked against their sha256 digests before anything is used or
 * written. Uploads are POST then PUT with the digest; existing blobs are skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../chart/archive.h"
#include "../chart/chart.h"
#include "../functions/semver.h"
#include "../release/record.h"
#include "../values/json.h"
#include "../values/strbuf.h"
#include "oci.h"
#include "repo.h"

#define MT_MANIFEST  "application/vnd.oci.image.manifest.v1+json"
#define MT_INDEX     "application/vnd.oci.image.index.v1+json"
#define MT_CONFIG    "application/vnd.cncf.helm.config.v1+json"
#define MT_CHART     "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
#define MT_LEGACY    "application/tar+gzip"
#define MT_PROV	     "application/vnd.cncf.helm.chart.provenance.v1.prov"
#define MAX_MANIFEST ((size_t)4 << 20)
#define MAX_BLOB     ((size_t)100 << 20)

/* ---- references: host/repository[:tag][@digest] ---- */

typedef struct oref {
	const char *host, *repo, *tag, *digest; /* tag and digest "" when absent */
} oref;

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component of a repository: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool component_ok(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (!lower_alnum(s[i]))
			return false;
		while (i < n && lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += i + 1 < n && s[i + 1] == '_' ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
		if (i == n)
			return false;
	}
	return n > 0;
}

static bool repo_name_ok(const char *s)
{
	while (1) {
		size_t n = strcspn(s, "/");
		if (!component_ok(s, n))
			return false;
		if (!s[n])
			return true;
		s += n + 1;
	}
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool tag_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 128 || !word_char(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!word_char(s[i]) && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

static bool digest_ok(const char *s)
{
	return !strncmp(s, "sha256:", 7) && strlen(s + 7) == 64 &&
	       strspn(s + 7, "0123456789abcdef") == 64;
}

static bool host_ok(const char *s)
{
	return *s &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_") ==
		   strlen(s);
}

/* Helm's newReference: '+' in the tag becomes '_', then oras' ParseReference. */
static int parse_ref(arena *a, const char *raw, oref *r, const char **err)
{
	if (!strncmp(raw, "oci://", 6))
		raw = raw + 6;
	char *s = arena_strdup(a, raw);
	r->tag = r->digest = "";
	if (s[0] == '/') { /* Helm parses "oci:///x" as a URL first */
		*err = "hostname required";
		return -1;
	}
	char *at = strrchr(s, '@');
	if (at) {
		*at = 0;
		r->digest = at + 1;
	}
	char *slash = strchr(s, '/');
	if (!slash) {
		*err = "invalid_reference: missing repository";
		return -1;
	}
	*slash = 0;
	r->host = s;
	char *path = slash + 1, *colon = strchr(path, ':');
	if (colon) {
		*colon = 0;
		char *t = colon + 1;
		for (char *p = t; *p; p++)
			if (*p == '+')
				*p = '_';
		r->tag = t;
	}
	r->repo = path;
	if (!host_ok(r->host)) {
		*err = "invalid_reference: invalid registry";
		return -1;
	}
	if (!repo_name_ok(r->repo)) {
		*err = "invalid_reference: invalid repository";
		return -1;
	}
	if (*r->tag && !tag_ok(r->tag)) {
		*err = "invalid_reference: invalid tag";
		return -1;
	}
	if (at && !digest_ok(r->digest)) {
		*err = "invalid_reference: invalid digest";
		return -1;
	}
	return 0;
}

static const char *ref_string(arena *a, const oref *r)
{
	if (*r->digest && !*r->tag)
		return arena_sprintf(a, "%s/%s@%s", r->host, r->repo, r->digest);
	return arena_sprintf(a, "%s/%s:%s", r->host, r->repo, r->tag);
}

/* Helm 3 (containerd's MatchLocalhost) talks plain HTTP to localhost and loopback IPs. */
static bool is_localhost(arena *a, const char *host)
{
	const char *end = host[0] == '[' ? strchr(host, ']') : strrchr(host, ':');
	size_t n = end ? (size_t)(end - host) : strlen(host);
	if (host[0] == '[')
		return n == 4 && !strncmp(host + 1, "::1", 3);
	if (n == 9 && !strncasecmp(host, "localhost", 9))
		return true;
	int o1, o2, o3, o4;
	char tail;
	const char *ip = arena_strndup(a, host, n);
	return sscanf(ip, "%d.%d.%d.%d%c", &o1, &o2, &o3, &o4, &tail) == 4 && o1 == 127;
}

/* ---- the registry config file (Docker's config.json) ---- */

const char *oci_config_file(arena *a, const char *flag)
{
	if (flag && *flag)
		return flag;
	const char *env = getenv("HELM_REGISTRY_CONFIG");
	if (env && *env)
		return env;
	return arena_sprintf(a, "%s/registry/config.json", repo_config_home(a));
}

static int config_load(arena *a, const char *path, value *out, const char **err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno != ENOENT) {
			*err = arena_sprintf(a, "open %s: %s", path, repo_strerror(a, errno));
			return -1;
		}
		*out = v_map_new(a);
		return 0;
	}
	strbuf sb;
	sb_init(&sb, a);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0 && sb.len < (1u << 24))
		sb_add(&sb, buf, n);
	fclose(f);
	if (!sb.len) {
		*out = v_map_new(a);
		return 0;
	}
	if (json_parse(a, sb.buf, sb.len, out, err) || out->kind != V_MAP) {
		*err = arena_sprintf(a, "%s: invalid config format: %s", path,
				     out->kind != V_MAP ? "not a JSON object" : *err);
		return -1;
	}
	return 0;
}

static int write_atomic(arena *a, const char *path, const char *data, size_t len, int mode,
			const char **err)
{
	char *tmp = arena_sprintf(a, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		*err = arena_sprintf(a, "open %s: %s", path, repo_strerror(a, errno));
		return -1;
	}
	bool ok = fchmod(fd, (mode_t)mode) == 0;
	for (size_t off = 0; ok && off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w <= 0)
			ok = false;
		else
			off += (size_t)w;
	}
	int e = errno;
	if (close(fd) || !ok || rename(tmp, path)) {
		e = errno ? errno : e;
		unlink(tmp);
		*err = arena_sprintf(a, "write %s: %s", path, repo_strerror(a, e));
		return -1;
	}
	return 0;
}

static int mkdir_all(arena *a, const char *dir, int mode)
{
	char *p = arena_strdup(a, dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, (mode_t)mode) && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, (mode_t)mode) && errno != EEXIST ? -1 : 0;
}

static int config_save(arena *a, const char *path, value cfg, const char **err)
{
	const char *slash = strrchr(path, '/');
	if (slash && slash != path &&
	    mkdir_all(a, arena_strndup(a, path, (size_t)(slash - path)), 0700)) {
		*err = arena_sprintf(a, "mkdir %s: %s", path, repo_strerror(a, errno));
		return -1;
	}
	strbuf sb;
	sb_init(&sb, a);
	if (json_emit_indent(&sb, cfg, "\t", err))
		return -1;
	return write_atomic(a, path, sb.buf, sb.len, 0600, err);
}

/* Docker's names for Docker Hub: the key of its credentials, the host of its API. */
static const char *cred_key(const char *host)
{
	return !strcmp(host, "docker.io") ? "https://index.docker.io/v1/" : host;
}

static const char *api_host(const char *host)
{
	return !strcmp(host, "docker.io") ? "registry-1.docker.io" : host;
}

/* The credentials stored for host: auths.HOST.auth (base64 "user:pass") or username/password. */
static void config_creds(arena *a, const char *path, const char *host, const char **user,
			 const char **pass)
{
	value cfg;
	const char *err;
	if (config_load(a, path, &cfg, &err))
		return;
	value *auths = map_getc(cfg.u.m, "auths");
	value *e = auths && auths->kind == V_MAP ? map_getc(auths->u.m, cred_key(host)) : NULL;
	if (!e || e->kind != V_MAP)
		return;
	value *auth = map_getc(e->u.m, "auth"), *u = map_getc(e->u.m, "username"),
	      *p = map_getc(e->u.m, "password");
	char *dec;
	size_t n;
	if (auth && auth->kind == V_STRING && auth->len &&
	    !release_b64_decode(a, auth->u.s, auth->len, &dec, &n, &err)) {
		char *colon = memchr(dec, ':', n);
		if (colon) {
			*user = arena_strndup(a, dec, (size_t)(colon - dec));
			*pass = arena_strndup(a, colon + 1, n - (size_t)(colon + 1 - dec));
		}
		return;
	}
	if (u && u->kind == V_STRING && p && p->kind == V_STRING) {
		*user = u->u.s;
		*pass = p->u.s;
	}
}

/* ---- the client: one registry, one repository, its credentials and token ---- */

typedef struct client {
	arena *a;
	const oci_opts *o;
	const char *host, *base, *repo, *actions; /* repo NULL for login */
	const char *user, *pass;
	const char *authz; /* the Authorization header value in use */
	bool basic_failed; /* a Basic challenge that no credentials could answer */
} client;

static void client_init(arena *a, client *c, const oci_opts *o, const char *host, const char *repo,
			const char *actions)
{
	*c = (client){.a = a, .o = o, .host = host, .repo = repo, .actions = actions};
	bool plain = o->plain_http || is_localhost(a, host);
	c->base = arena_sprintf(a, "%s://%s", plain ? "http" : "https", api_host(host));
	if (o->username && *o->username && o->password && *o->password) {
		c->user = o->username;
		c->pass = o->password;
	} else {
		config_creds(a, oci_config_file(a, o->registry_config), host, &c->user, &c->pass);
	}
}

/* A response header's value, or NULL. */
static const char *header(arena *a, const http_resp *r, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = r->headers ? r->headers : ""; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > n && p[n] == ':' && !strncasecmp(p, name, n)) {
			const char *v = p + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vl = (size_t)(p + len - v);
			while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			return arena_strndup(a, v, vl);
		}
		p += len + (eol ? 1 : 0);
	}
	return NULL;
}

/* A parameter of a WWW-Authenticate challenge (realm="...", service=...). */
static const char *chal_param(arena *a, const char *h, const char *key)
{
	const char *p = h + strcspn(h, " ");
	size_t kn = strlen(key);
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *k = p;
		while (*p && *p != '=' && *p != ',')
			p++;
		size_t klen = (size_t)(p - k);
		if (*p != '=')
			continue;
		p++;
		strbuf v;
		sb_init(&v, a);
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				sb_addc(&v, *p);
			}
			if (*p)
				p++;
		} else {
			while (*p && *p != ',' && *p != ' ')
				sb_addc(&v, *p++);
		}
		if (klen == kn && !strncasecmp(k, key, kn))
			return sb_str(&v);
	}
	return NULL;
}

static const char *url_escape(arena *a, const char *s)
{
	strbuf sb;
	sb_init(&sb, a);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-_.~", c))
			sb_addc(&sb, (char)c);
		else
			sb_addf(&sb, "%%%02X", c);
	}
	return sb_str(&sb);
}

static const char *basic_value(arena *a, const char *user, const char *pass)
{
	strbuf sb;
	sb_init(&sb, a);
	sb_adds(&sb, "Basic ");
	const char *up = arena_sprintf(a, "%s:%s", user, pass);
	release_b64_encode(&sb, up, strlen(up));
	return sb_str(&sb);
}

static void req_init(const client *c, http_req *q, const char *method, const char *url)
{
	*q = (http_req){.method = method,
			.url = url,
			.ca_file = c->o->ca_file,
			.cert_file = c->o->cert_file,
			.key_file = c->o->key_file,
			.insecure = c->o->insecure};
}

/* The registry's error text: "code: message" of each error, as oras prints them. */
static const char *registry_errors(arena *a, const http_resp *r)
{
	value v;
	const char *err;
	strbuf sb;
	sb_init(&sb, a);
	if (r->len && !json_parse(a, r->body, r->len, &v, &err) && v.kind == V_MAP) {
		value *es = map_getc(v.u.m, "errors");
		for (uint32_t i = 0; es && es->kind == V_LIST && i < es->u.l->len; i++) {
			value e = es->u.l->items[i];
			value *code = e.kind == V_MAP ? map_getc(e.u.m, "code") : NULL;
			value *msg = e.kind == V_MAP ? map_getc(e.u.m, "message") : NULL;
			if (sb.len)
				sb_adds(&sb, "; ");
			if (code && code->kind == V_STRING) {
				for (const char *p = code->u.s; *p; p++)
					sb_addc(&sb,
						*p == '_' ? ' ' : (char)tolower((unsigned char)*p));
				sb_adds(&sb, ": ");
			}
			sb_adds(&sb, msg && msg->kind == V_STRING ? msg->u.s : "");
		}
	}
	return sb.len ? sb_str(&sb) : "";
}

/* Go's http.StatusText for the answers a registry gives. */
static const char *status_text(long code)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {{200, "OK"},
		 {201, "Created"},
		 {202, "Accepted"},
		 {400, "Bad Request"},
		 {401, "Unauthorized"},
		 {403, "Forbidden"},
		 {404, "Not Found"},
		 {405, "Method Not Allowed"},
		 {409, "Conflict"},
		 {413, "Request Entity Too Large"},
		 {416, "Requested Range Not Satisfiable"},
		 {429, "Too Many Requests"},
		 {500, "Internal Server Error"},
		 {502, "Bad Gateway"},
		 {503, "Service Unavailable"},
		 {504, "Gateway Timeout"}};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].code == code)
			return t[i].text;
	return "";
}

/* Gets a Bearer token from the challenge's realm (with the credentials, when any). */
static int fetch_token(client *c, const char *chal, const char *method, const char *orig,
		       const char **err)
{
	arena *a = c->a;
	const char *realm = chal_param(a, chal, "realm"), *service = chal_param(a, chal, "service");
	const char *scope = chal_param(a, chal, "scope");
	if (!realm || strncmp(realm, "http", 4)) {
		*err = "invalid_argument: bearer auth: missing or invalid realm";
		return -1;
	}
	if (c->repo)
		scope = arena_sprintf(a, "repository:%s:%s", c->repo, c->actions);
	strbuf u;
	sb_init(&u, a);
	sb_adds(&u, realm);
	char sep = strchr(realm, '?') ? '&' : '?';
	if (service) {
		sb_addf(&u, "%cservice=%s", sep, url_escape(a, service));
		sep = '&';
	}
	if (scope)
		sb_addf(&u, "%cscope=%s", sep, url_escape(a, scope));
	const char *hdr[2] = {NULL, NULL};
	if (c->user)
		hdr[0] = arena_sprintf(a, "Authorization: %s", basic_value(a, c->user, c->pass));
	http_req q;
	req_init(c, &q, "GET", sb_str(&u));
	q.headers = hdr;
	q.max_size = 1 << 20;
	http_resp r = {0};
	if (http_request(a, &q, &r, err)) {
		*err = arena_sprintf(a, "failed to do request: %s", *err);
		return -1;
	}
	value v;
	const char *e2;
	value *tok = NULL;
	if (r.status == 200 && !json_parse(a, r.body, r.len, &v, &e2) && v.kind == V_MAP) {
		tok = map_getc(v.u.m, "token");
		if (!tok || tok->kind != V_STRING || !tok->len)
			tok = map_getc(v.u.m, "access_token");
	}
	if (!tok || tok->kind != V_STRING || !tok->len) {
		size_t n = r.len;
		while (n && isspace((unsigned char)r.body[n - 1]))
			n--;
		char *m = arena_strdup(a, method);
		for (char *p = m + 1; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		*err = r.status == 401
			   ? arena_sprintf(a, "%s \"%s\": unauthorized: %.*s", m,
					   http_redact(a, orig), (int)n, r.body)
			   : arena_sprintf(a, "%s \"%s\": response status code %ld: %s", m,
					   http_redact(a, orig), r.status, registry_errors(a, &r));
		return -1;
	}
	c->authz = arena_sprintf(a, "Bearer %s", tok->u.s);
	return 0;
}

/* Answers a 401: 1 when the request is worth sending again, 0 when not, -1 on error. */
static int authenticate(client *c, const http_resp *r, const char *method, const char *url,
			const char **err)
{
	const char *chal = header(c->a, r, "WWW-Authenticate");
	if (!chal)
		return 0;
	if (!strncasecmp(chal, "Basic", 5)) {
		if (!c->user || c->authz) {
			c->basic_failed = true;
			return 0;
		}
		c->authz = basic_value(c->a, c->user, c->pass);
		return 1;
	}
	if (!strncasecmp(chal, "Bearer", 6))
		return fetch_token(c, chal, method, url, err) ? -1 : 1;
	return 0;
}

/* err without cl_do's "failed to do request: " (login and tag lists print Go's error alone). */
static const char *bare(const char *err)
{
	const char *p = "failed to do request: ";
	return strncmp(err, p, strlen(p)) ? err : err + strlen(p);
}

/* Go's words for a TLS handshake answered in plain HTTP (curl: "wrong version number"). */
static const char *go_reason(arena *a, const char *err)
{
	const char *q = strstr(err, "\": ");
	if (!q || !strstr(err, "wrong version number"))
		return err;
	return arena_sprintf(a, "%.*s: http: server gave HTTP response to HTTPS client",
			     (int)(q + 1 - err), err);
}

/* One request with authentication; any status is returned in *r. */
static int cl_do(client *c, const char *method, const char *url, const char *accept,
		 const char *ctype, const char *body, size_t blen, size_t max, http_resp *r,
		 const char **err)
{
	arena *a = c->a;
	for (int attempt = 0;; attempt++) {
		const char *h[4];
		size_t n = 0;
		if (accept)
			h[n++] = arena_sprintf(a, "Accept: %s", accept);
		if (ctype)
			h[n++] = arena_sprintf(a, "Content-Type: %s", ctype);
		if (c->authz)
			h[n++] = arena_sprintf(a, "Authorization: %s", c->authz);
		h[n] = NULL;
		http_req q;
		req_init(c, &q, method, url);
		q.headers = h;
		q.body = body;
		q.body_len = blen;
		q.max_size = max;
		*r = (http_resp){0};
		if (http_request(a, &q, r, err)) {
			*err = arena_sprintf(a, "failed to do request: %s", go_reason(a, *err));
			return -1;
		}
		if (r->status != 401 || attempt)
			return 0;
		int rc = authenticate(c, r, method, url, err);
		if (rc <= 0)
			return rc;
	}
}

static const char *denied(client *c, const char *op)
{
	return arena_sprintf(
	    c->a,
	    "%s access denied, repository does not exist or may require authorization: "
	    "authorization failed: no basic auth credentials",
	    op);
}

static const char *status_error(client *c, const char *method, const char *url, const http_resp *r)
{
	if (!strcmp(method, "HEAD") || !strcmp(method, "POST"))
		return arena_sprintf(c->a, "unexpected status from %s request to %s: %ld %s",
				     method, http_redact(c->a, url), r->status,
				     status_text(r->status));
	return arena_sprintf(c->a, "%s \"%s\": response status code %ld: %s",
			     !strcmp(method, "GET") ? "GET" : method, http_redact(c->a, url),
			     r->status, registry_errors(c->a, r));
}

static const char *v2_url(client *c, const char *kind, const char *what)
{
	return arena_sprintf(c->a, "%s/v2/%s/%s/%s", c->base, c->repo, kind, what);
}

/* ---- pulling ---- */

typedef struct desc {
	const char *media_type, *digest;
	long long size;
} desc;

static bool desc_read(value v, desc *d)
{
	if (v.kind != V_MAP)
		return false;
	value *mt = map_getc(v.u.m, "mediaType"), *dg = map_getc(v.u.m, "digest"),
	      *sz = map_getc(v.u.m, "size");
	d->media_type = mt && mt->kind == V_STRING ? mt->u.s : "";
	d->digest = dg && dg->kind == V_STRING ? dg->u.s : "";
	d->size = sz && sz->kind == V_FLOAT ? (long long)sz->u.f : -1;
	return true;
}

static int check_digest(arena *a, const char *what, const char *want, const char *data, size_t len,
			const char **err)
{
	if (strncmp(want, "sha256:", 7)) {
		*err = arena_sprintf(a, "%s: unsupported digest algorithm: %s", what, want);
		return -1;
	}
	const char *got = http_sha256_hex(a, data, len);
	if (strcmp(got, want + 7)) {
		*err = arena_sprintf(
		    a, "%s: unexpected commit digest sha256:%s, expected %s: failed precondition",
		    what, got, want);
		return -1;
	}
	return 0;
}

/* Downloads a blob (following one redirect), checks its size and digest. */
static int fetch_blob(client *c, const desc *d, const char **data, size_t *len, const char **err)
{
	arena *a = c->a;
	const char *url = v2_url(c, "blobs", d->digest);
	if (!digest_ok(d->digest)) {
		*err = arena_sprintf(a, "invalid digest %s", d->digest);
		return -1;
	}
	if (d->size < 0 || (size_t)d->size > MAX_BLOB) {
		*err = arena_sprintf(a, "blob %s: size %lld is out of range", d->digest, d->size);
		return -1;
	}
	http_resp r;
	if (cl_do(c, "GET", url, NULL, NULL, NULL, 0, (size_t)d->size + 1, &r, err))
		return -1;
	const char *loc = r.status / 100 == 3 ? header(a, &r, "Location") : NULL;
	if (loc) {
		const char *to = loc[0] == '/' ? arena_sprintf(a, "%s%s", c->base, loc) : loc;
		const char *keep = c->authz;
		if (strncmp(to, c->base, strlen(c->base)))
			c->authz = NULL; /* credentials stay with the registry */
		int rc = cl_do(c, "GET", to, NULL, NULL, NULL, 0, (size_t)d->size + 1, &r, err);
		c->authz = keep;
		if (rc)
			return -1;
		url = to;
	}
	if (r.status == 401) {
		*err = denied(c, "pull");
		return -1;
	}
	if (r.status != 200) {
		*err = status_error(c, "GET", url, &r);
		return -1;
	}
	if (r.len != (size_t)d->size) {
		*err = arena_sprintf(a, "blob %s: size %zu does not match the manifest's %lld",
				     d->digest, r.len, d->size);
		return -1;
	}
	if (check_digest(a, "failed commit on ref \"\"", d->digest, r.body, r.len, err))
		return -1;
	*data = r.body;
	*len = r.len;
	return 0;
}

static int by_version_desc(const void *x, const void *y, void *a)
{
	return repo_version_cmp(a, *(const char *const *)y, *(const char *const *)x);
}

/* A tag list the registry refused, in the words of Helm's oras (not those of manifests). */
static const char *tags_error(client *c, const char *url, const http_resp *r)
{
	const char *u = http_redact(c->a, url), *why = registry_errors(c->a, r);
	if (r->status == 401 && c->basic_failed && !c->user)
		return arena_sprintf(c->a, "GET \"%s\": credential required for basic auth", u);
	return arena_sprintf(c->a, "GET \"%s\": unexpected status code %ld: %s", u, r->status,
			     *why ? why : status_text(r->status));
}

/* One page of the tag list; *next is the Link header's next page or NULL. */
static int tags_page(client *c, const char *url, value *tags, const char **next, const char **err)
{
	arena *a = c->a;
	http_resp r;
	if (cl_do(c, "GET", url, NULL, NULL, NULL, 0, MAX_MANIFEST, &r, err)) {
		*err = bare(*err);
		return -1;
	}
	if (r.status != 200) {
		*err = tags_error(c, url, &r);
		return -1;
	}
	value v;
	if (json_parse(a, r.body, r.len, &v, err))
		return -1;
	value *t = v.kind == V_MAP ? map_getc(v.u.m, "tags") : NULL;
	*tags = t && t->kind == V_LIST ? *t : v_nil();
	const char *link = header(a, &r, "Link");
	*next = NULL;
	if (link && link[0] == '<' && strchr(link, '>') && strstr(link, "rel=\"next\"")) {
		const char *u = arena_strndup(a, link + 1, (size_t)(strchr(link, '>') - link - 1));
		*next = u[0] == '/'
			    ? arena_sprintf(a, "%.*s%s", (int)(strstr(url, "/v2/") - url), url, u)
			    : u;
	}
	return 0;
}

/* The repository's tags that are strict semver versions, newest first, '_' read as '+'. */
static int list_tags(client *c, const char **out[], size_t *n, const char **err)
{
	arena *a = c->a;
	/* Helm 3.17 lists tags over HTTPS even for localhost, unless --plain-http */
	const char *url =
	    arena_sprintf(a, "%s://%s/v2/%s/tags/list", c->o->plain_http ? "http" : "https",
			  api_host(c->host), c->repo);
	size_t cap = 64;
	const char **l = arena_alloc(a, cap * sizeof *l);
	*n = 0;
	for (int page = 0; url && page < 1000; page++) {
		value tags;
		if (tags_page(c, url, &tags, &url, err))
			return -1;
		for (uint32_t i = 0; tags.kind == V_LIST && i < tags.u.l->len; i++) {
			value t = tags.u.l->items[i];
			if (t.kind != V_STRING)
				continue;
			char *s = arena_strdup(a, t.u.s);
			for (char *p = s; *p; p++)
				if (*p == '_')
					*p = '+';
			const char *canon, *e2;
			uint64_t mj, mn;
			if (semver_parse(a, s, &canon, &mj, &mn, &e2) || strcmp(canon, s))
				continue;
			if (*n == cap) {
				l = arena_realloc(a, l, cap * sizeof *l, 2 * cap * sizeof *l);
				cap *= 2;
			}
			l[(*n)++] = s;
		}
	}
	qsort_r(l, *n, sizeof *l, by_version_desc, a);
	*out = l;
	return 0;
}

int oci_tags(arena *a, const char *ref, const oci_opts *o, const char ***tags, size_t *n,
	     const char **err)
{
	oref r;
	client c;
	const char *bare_ref = !strncmp(ref, "oci://", 6) ? ref + 6 : ref;
	if (bare_ref[0] == '/') { /* oras asks anyway, Go refuses */
		*err =
		    arena_sprintf(a, "Get \"%s:///v2%s/tags/list\": http: no Host in request URL",
				  o->plain_http ? "http" : "https", bare_ref);
		return -1;
	}
	if (parse_ref(a, ref, &r, err))
		return -1;
	client_init(a, &c, o, r.host, r.repo, "pull");
	return list_tags(&c, tags, n, err);
}

/* Helm's ValidateReference and GetTagMatchingVersionOrConstraint: the tag to pull. */
static int resolve_tag(client *c, const char *ref, oref *r, const char *version, const char **err)
{
	arena *a = c->a;
	if (!*version) {
		version = r->tag;
	} else if (*r->tag && strcmp(r->tag, version)) {
		*err = arena_sprintf(a, "chart reference and version mismatch: %s is not %s",
				     version, r->tag);
		return -1;
	}
	if (*r->digest && !*version)
		return 0;
	if (!semver_valid(a, version)) {
		const char **tags;
		size_t n;
		if (list_tags(c, &tags, &n, err))
			return -1;
		if (!n) {
			*err = arena_sprintf(
			    a, "unable to locate any tags in provided repository: %s", ref);
			return -1;
		}
		const char *found = NULL;
		for (size_t i = 0; *version && !found && i < n; i++)
			if (!strcmp(tags[i], version))
				found = tags[i];
		for (size_t i = 0; !found && i < n; i++) {
			bool ok = false;
			const char *e2;
			if (!semver_check(a, *version ? version : "*", tags[i], &ok, &e2) && ok)
				found = tags[i];
		}
		if (!found) {
			*err = arena_sprintf(
			    a, "Could not locate a version matching provided version string %s",
			    version);
			return -1;
		}
		version = found;
	}
	char *t = arena_strdup(a, version);
	for (char *p = t; *p; p++)
		if (*p == '+')
			*p = '_';
	r->tag = t;
	return 0;
}

/* HEAD then GET of the manifest, checked against the digest the registry gives. */
static int fetch_manifest(client *c, const oref *r, const char **body, size_t *len,
			  const char **digest, const char **err)
{
	arena *a = c->a;
	const char *accept = MT_MANIFEST ", " MT_INDEX;
	const char *what = *r->tag ? r->tag : r->digest;
	const char *url = v2_url(c, "manifests", what);
	http_resp h;
	if (cl_do(c, "HEAD", url, accept, NULL, NULL, 0, MAX_MANIFEST, &h, err))
		return -1;
	if (h.status == 404) {
		*err = arena_sprintf(a, "%s: not found", ref_string(a, r));
		return -1;
	}
	if (h.status == 401) {
		*err = denied(c, "pull");
		return -1;
	}
	if (h.status != 200) {
		*err = status_error(c, "HEAD", url, &h);
		return -1;
	}
	const char *dg = header(a, &h, "Docker-Content-Digest");
	if (*r->digest)
		dg = r->digest;
	if (dg && digest_ok(dg))
		url = v2_url(c, "manifests", dg);
	http_resp g;
	if (cl_do(c, "GET", url, accept, NULL, NULL, 0, MAX_MANIFEST, &g, err))
		return -1;
	if (g.status != 200) {
		*err = g.status == 401 ? denied(c, "pull") : status_error(c, "GET", url, &g);
		return -1;
	}
	if (dg && digest_ok(dg)) {
		if (check_digest(a, arena_sprintf(a, "manifest %s", ref_string(a, r)), dg, g.body,
				 g.len, err))
			return -1;
	} else {
		dg = arena_sprintf(a, "sha256:%s", http_sha256_hex(a, g.body, g.len));
	}
	*body = g.body;
	*len = g.len;
	*digest = dg;
	return 0;
}

/* The config, chart and provenance descriptors of a Helm chart manifest. */
static int manifest_descs(arena *a, const char *body, size_t len, bool with_prov, desc *cfg,
			  desc *chart_d, desc *prov, const char **err)
{
	value m;
	if (json_parse(a, body, len, &m, err))
		return -1;
	value *mt = m.kind == V_MAP ? map_getc(m.u.m, "mediaType") : NULL;
	if (mt && mt->kind == V_STRING && !strcmp(mt->u.s, MT_INDEX)) {
		*err = "the reference is an image index, not a Helm chart manifest";
		return -1;
	}
	value *c = m.kind == V_MAP ? map_getc(m.u.m, "config") : NULL;
	value *layers = m.kind == V_MAP ? map_getc(m.u.m, "layers") : NULL;
	/* Helm counts the nodes it copied of the media types it asked for: the manifest too */
	size_t nl = layers && layers->kind == V_LIST ? layers->u.l->len : 0, found = 1;
	cfg->digest = chart_d->digest = prov->digest = NULL;
	desc d;
	if (c && desc_read(*c, &d) && !strcmp(d.media_type, MT_CONFIG)) {
		*cfg = d;
		found++;
	}
	for (size_t i = 0; i < nl; i++) {
		if (!desc_read(layers->u.l->items[i], &d))
			continue;
		if (!strcmp(d.media_type, MT_CHART) || !strcmp(d.media_type, MT_LEGACY))
			*chart_d = d;
		else if (with_prov && !strcmp(d.media_type, MT_PROV))
			*prov = d;
		else
			continue;
		found++;
	}
	size_t min = with_prov ? 3 : 2;
	if (found < min)
		*err =
		    arena_sprintf(a,
				  "manifest does not contain minimum number of descriptors (%zu), "
				  "descriptors found: %zu",
				  min, found);
	else if (!cfg->digest)
		*err = "could not load config with mediatype " MT_CONFIG;
	else if (!chart_d->digest)
		*err = "manifest does not contain a layer with mediatype " MT_CHART;
	else if (with_prov && !prov->digest)
		*err = "manifest does not contain a layer with mediatype " MT_PROV;
	else
		return 0;
	return -1;
}

int oci_pull(arena *a, const char *ref, const char *version, const oci_opts *o, oci_chart *out,
	     const char **err)
{
	oref r;
	if (parse_ref(a, ref, &r, err))
		return -1;
	client c;
	client_init(a, &c, o, r.host, r.repo, "pull");
	if (resolve_tag(&c, ref, &r, version ? version : "", err))
		return -1;
	const char *body;
	size_t len;
	*out = (oci_chart){.ref = ref_string(a, &r)};
	if (fetch_manifest(&c, &r, &body, &len, &out->digest, err))
		return -1;
	desc cfg, ch, prov;
	if (manifest_descs(a, body, len, o->with_prov, &cfg, &ch, &prov, err))
		return -1;
	const char *cdata;
	size_t clen;
	if (fetch_blob(&c, &cfg, &cdata, &clen, err))
		return -1;
	value meta;
	if (json_parse(a, cdata, clen, &meta, err))
		return -1;
	value *nm = meta.kind == V_MAP ? map_getc(meta.u.m, "name") : NULL;
	value *vs = meta.kind == V_MAP ? map_getc(meta.u.m, "version") : NULL;
	out->name = nm && nm->kind == V_STRING ? nm->u.s : "";
	out->version = vs && vs->kind == V_STRING ? vs->u.s : "";
	if (fetch_blob(&c, &ch, &out->data, &out->len, err))
		return -1;
	if (o->with_prov && fetch_blob(&c, &prov, &out->prov, &out->prov_len, err))
		return -1;
	return 0;
}

const char *oci_file_name(arena *a, const char *ref)
{
	const char *colon = strrchr(ref, ':'), *slash = strrchr(ref, '/');
	if (!colon || !slash || colon < slash)
		return arena_sprintf(a, "%s.tgz", slash ? slash + 1 : ref);
	char *file =
	    arena_sprintf(a, "%.*s-%s.tgz", (int)(colon - slash - 1), slash + 1, colon + 1);
	for (char *p = file + (colon - slash); *p; p++) /* the tag only: "my_chart" stays */
		if (*p == '_')
			*p = '+';
	return file;
}

void oci_print_result(const char *verb, const char *ref, const char *digest)
{
	const char *colon = strrchr(ref, ':');
	bool note =
	    !strcmp(verb, "Pushed") ? colon && strchr(colon, '_') : strchr(ref, '_') != NULL;
	fprintf(stderr, "%s: %s\nDigest: %s\n", verb, ref, digest);
	if (note)
		fprintf(stderr,
			"%s contains an underscore.\n\n"
			"OCI artifact references (e.g. tags) do not support the plus sign (+). To "
			"support\n"
			"storing semantic versions, Helm adopts the convention of changing plus "
			"(+) to\n"
			"an underscore (_) in chart version tags when pushing to a registry and "
			"back to\n"
			"a plus (+) when pulling from a registry.\n",
			ref);
}

int oci_fetch_chart(arena *a, const char *ref, const char *version, const oci_opts *o,
		    const char **path, const char **err)
{
	return oci_fetch_chart_to(a, ref, version, o, repo_cache_dir(a, NULL), path, err);
}

int oci_fetch_chart_to(arena *a, const char *ref, const char *version, const oci_opts *o,
		       const char *dir, const char **path, const char **err)
{
	oci_chart ch;
	if (oci_pull(a, ref, version, o, &ch, err))
		return -1;
	oci_print_result("Pulled", ch.ref, ch.digest);
	if (mkdir_all(a, dir, 0755)) {
		*err = arena_sprintf(a, "mkdir %s: %s", dir, repo_strerror(a, errno));
		return -1;
	}
	*path = arena_sprintf(a, "%s/%s", dir, oci_file_name(a, ch.ref));
	return write_atomic(a, *path, ch.data, ch.len, 0644, err);
}

/* ---- TLS files ---- */

/* os.ReadFile of a TLS file (at most 1 MiB is looked at): NULL, or Go's error. */
static const char *tls_read(arena *a, const char *path, strbuf *sb)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return arena_sprintf(a, "open %s: %s", path, repo_strerror(a, errno));
	char buf[8192];
	size_t n;
	sb_init(sb, a);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0 && sb->len < (1u << 20))
		sb_add(sb, buf, n);
	bool bad = ferror(f);
	int e = errno;
	fclose(f);
	if (bad)
		return arena_sprintf(a, "read %s: %s", path, repo_strerror(a, e));
	sb_addc(sb, 0);
	return NULL;
}

/* tls.LoadX509KeyPair, as far as reading and finding PEM blocks goes. */
static const char *tls_pair(arena *a, const char *cert, const char *key)
{
	strbuf c, k;
	const char *why = tls_read(a, cert, &c);
	if (!why)
		why = tls_read(a, key, &k);
	if (!why && !strstr(c.buf, "-----BEGIN "))
		why = "tls: failed to find any PEM data in certificate input";
	if (!why && !strstr(k.buf, "-----BEGIN "))
		why = "tls: failed to find any PEM data in key input";
	return why ? arena_sprintf(a, "can't load key pair from cert %s and key %s: %s", cert, key,
				   why)
		   : NULL;
}

int oci_check_tls(arena *a, const oci_opts *o, const char **err)
{
	bool pair = o->cert_file && *o->cert_file && o->key_file && *o->key_file;
	bool ca = o->ca_file && *o->ca_file;
	const char *why = pair ? tls_pair(a, o->cert_file, o->key_file) : NULL;
	strbuf sb;
	if (!why && ca && tls_read(a, o->ca_file, &sb))
		why = arena_sprintf(a, "can't read CA file: %s", o->ca_file);
	else if (!why && ca && !strstr(sb.buf, "-----BEGIN CERTIFICATE-----"))
		why = arena_sprintf(a, "failed to append certificates from file: %s", o->ca_file);
	if (!why)
		return 0;
	*err = arena_sprintf(a, "can't create TLS config for client: %s", why);
	return -1;
}

/* ---- pushing ---- */

/* Fields of chart.Metadata in struct order; 's' string, 'l' []string, 'b' bool,
 * 'a' map[string]string, 'm' maintainers, 'd' dependencies, 'v' any value. */
typedef struct jfield {
	const char *name;
	char kind;
	bool keep; /* no omitempty */
} jfield;

static const jfield meta_fields[] = {
    {"name", 's', 0},	      {"home", 's', 0},	       {"sources", 'l', 0},
    {"version", 's', 0},      {"description", 's', 0}, {"keywords", 'l', 0},
    {"maintainers", 'm', 0},  {"icon", 's', 0},	       {"apiVersion", 's', 0},
    {"condition", 's', 0},    {"tags", 's', 0},	       {"appVersion", 's', 0},
    {"deprecated", 'b', 0},   {"annotations", 'a', 0}, {"kubeVersion", 's', 0},
    {"dependencies", 'd', 0}, {"type", 's', 0},	       {NULL, 0, 0}};
static const jfield maint_fields[] = {
    {"name", 's', 0}, {"email", 's', 0}, {"url", 's', 0}, {NULL, 0, 0}};
static const jfield dep_fields[] = {
    {"name", 's', 1},	       {"version", 's', 0}, {"repository", 's', 1},
    {"condition", 's', 0},     {"tags", 'l', 0},    {"enabled", 'b', 0},
    {"import-values", 'v', 0}, {"alias", 's', 0},   {NULL, 0, 0}};

static void emit_struct(strbuf *sb, value v, const jfield *f);

static bool field_empty(const value *v)
{
	if (!v || v->kind == V_NIL)
		return true;
	if (v->kind == V_STRING)
		return !v->len;
	if (v->kind == V_BOOL)
		return !v->u.b;
	if (v->kind == V_LIST)
		return !v->u.l->len;
	if (v->kind == V_MAP)
		return !v->u.m->len;
	return false;
}

static void emit_str(strbuf *sb, const value *v)
{
	if (v && v->kind == V_STRING)
		json_quote(sb, v->u.s, v->len, true);
	else
		sb_adds(sb, "\"\"");
}

static void emit_field(strbuf *sb, const jfield *f, const value *v)
{
	const char *err;
	json_quote(sb, f->name, strlen(f->name), true);
	sb_addc(sb, ':');
	switch (f->kind) {
	case 's':
		emit_str(sb, v);
		break;
	case 'b':
		sb_adds(sb, v && v->kind == V_BOOL && v->u.b ? "true" : "false");
		break;
	case 'l':
	case 'm':
	case 'd':
		sb_addc(sb, '[');
		for (uint32_t i = 0; v && v->kind == V_LIST && i < v->u.l->len; i++) {
			if (i)
				sb_addc(sb, ',');
			value it = v->u.l->items[i];
			if (f->kind == 'l')
				emit_str(sb, &it);
			else
				emit_struct(sb, it, f->kind == 'm' ? maint_fields : dep_fields);
		}
		sb_addc(sb, ']');
		break;
	case 'a':
		sb_addc(sb, '{');
		for (uint32_t i = 0; v && v->kind == V_MAP && i < v->u.m->len; i++) {
			if (i)
				sb_addc(sb, ',');
			json_quote(sb, v->u.m->e[i].key, v->u.m->e[i].klen, true);
			sb_addc(sb, ':');
			emit_str(sb, &v->u.m->e[i].val);
		}
		sb_addc(sb, '}');
		break;
	default:
		if (json_emit(sb, *v, &err))
			sb_adds(sb, "null");
	}
}

static void emit_struct(strbuf *sb, value v, const jfield *f)
{
	sb_addc(sb, '{');
	bool first = true;
	for (; f->name; f++) {
		value *fv = v.kind == V_MAP ? map_getc(v.u.m, f->name) : NULL;
		if (!f->keep && field_empty(fv))
			continue;
		if (!first)
			sb_addc(sb, ',');
		first = false;
		emit_field(sb, f, fv);
	}
	sb_addc(sb, '}');
}

static const char *meta_str(const chart *c, const char *key)
{
	value *v = map_getc(c->meta.u.m, key);
	return v && v->kind == V_STRING ? v->u.s : "";
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n\v\f")] == 0;
}

/* Helm's generateOCIAnnotations. */
static value annotations(arena *a, const chart *c, const char *created)
{
	value m = v_map_new(a);
	const struct {
		const char *key, *val;
	} std[] = {{"org.opencontainers.image.description", meta_str(c, "description")},
		   {"org.opencontainers.image.title", meta_str(c, "name")},
		   {"org.opencontainers.image.version", meta_str(c, "version")},
		   {"org.opencontainers.image.url", meta_str(c, "home")},
		   {"org.opencontainers.image.created", created}};
	for (size_t i = 0; i < sizeof std / sizeof std[0]; i++)
		if (!blank(std[i].val))
			map_setc(a, m.u.m, std[i].key, v_cstr(a, std[i].val));
	value *src = map_getc(c->meta.u.m, "sources");
	if (src && src->kind == V_LIST && src->u.l->len && src->u.l->items[0].kind == V_STRING &&
	    !blank(src->u.l->items[0].u.s))
		map_setc(a, m.u.m, "org.opencontainers.image.source", src->u.l->items[0]);
	value *ms = map_getc(c->meta.u.m, "maintainers");
	if (ms && ms->kind == V_LIST && ms->u.l->len) {
		strbuf sb;
		sb_init(&sb, a);
		for (uint32_t i = 0; i < ms->u.l->len; i++) {
			value e = ms->u.l->items[i];
			value *n = e.kind == V_MAP ? map_getc(e.u.m, "name") : NULL;
			value *em = e.kind == V_MAP ? map_getc(e.u.m, "email") : NULL;
			if (n && n->kind == V_STRING)
				sb_adds(&sb, n->u.s);
			if (em && em->kind == V_STRING && em->len)
				sb_addf(&sb, " (%s)", em->u.s);
			if (i + 1 < ms->u.l->len)
				sb_adds(&sb, ", ");
		}
		if (!blank(sb_str(&sb)))
			map_setc(a, m.u.m, "org.opencontainers.image.authors",
				 v_cstr(a, sb_str(&sb)));
	}
	value *an = map_getc(c->meta.u.m, "annotations");
	for (uint32_t i = 0; an && an->kind == V_MAP && i < an->u.m->len; i++) {
		const char *k = an->u.m->e[i].key;
		if (!strcmp(k, "org.opencontainers.image.version") ||
		    !strcmp(k, "org.opencontainers.image.title"))
			continue;
		value val = an->u.m->e[i].val;
		map_setc(a, m.u.m, k, val.kind == V_STRING ? val : v_cstr(a, ""));
	}
	return m;
}

static void emit_desc(strbuf *sb, const char *mt, const char *digest, size_t size)
{
	sb_addf(sb, "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%zu}", mt, digest, size);
}

/* HEAD, then POST and PUT when the registry does not have the blob yet. */
static int push_blob(client *c, const char *data, size_t len, const char *digest, const char **err)
{
	arena *a = c->a;
	const char *url = v2_url(c, "blobs", digest);
	http_resp r;
	if (cl_do(c, "HEAD", url, NULL, NULL, NULL, 0, 0, &r, err))
		return -1;
	if (r.status == 200)
		return 0;
	if (r.status == 401) {
		*err = denied(c, "push");
		return -1;
	}
	if (r.status != 404) {
		*err = status_error(c, "HEAD", url, &r);
		return -1;
	}
	url = arena_sprintf(a, "%s/v2/%s/blobs/uploads/", c->base, c->repo);
	if (cl_do(c, "POST", url, NULL, NULL, "", 0, 0, &r, err))
		return -1;
	const char *loc = header(a, &r, "Location");
	if (r.status != 202 || !loc) {
		*err = r.status == 401 && c->basic_failed ? denied(c, "push")
							  : status_error(c, "POST", url, &r);
		return -1;
	}
	if (loc[0] == '/')
		loc = arena_sprintf(a, "%s%s", c->base, loc);
	url = arena_sprintf(a, "%s%cdigest=%s", loc, strchr(loc, '?') ? '&' : '?',
			    url_escape(a, digest));
	if (cl_do(c, "PUT", url, NULL, "application/octet-stream", data, len, 0, &r, err))
		return -1;
	if (r.status != 201) {
		*err = r.status == 401 ? denied(c, "push") : status_error(c, "PUT", url, &r);
		return -1;
	}
	return 0;
}

/* The chart inside the archive, as Helm's extractChartMeta loads it. */
static int archive_chart(arena *a, const char *what, const char *data, size_t len, chart **out,
			 const char **err)
{
	chart_file *files;
	size_t n;
	if (archive_read_chart(a, what, data, len, &files, &n, err))
		return -1;
	return chart_load_files(a, files, n, out, err);
}

int oci_push(arena *a, const char *what, const char *data, size_t len, const char *prov,
	     size_t prov_len, const char *remote, const char *created, const oci_opts *o,
	     const char **ref, const char **digest, const char **err)
{
	chart *ch;
	if (archive_chart(a, what, data, len, &ch, err))
		return -1;
	const char *base = !strncmp(remote, "oci://", 6) ? remote + 6 : remote;
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	const char *raw = arena_sprintf(a, "%.*s/%s:%s", (int)bl, base, ch->name, ch->version);
	oref r;
	if (parse_ref(a, raw, &r, err))
		return -1;
	client c;
	client_init(a, &c, o, r.host, r.repo, "pull,push");
	strbuf cfg;
	sb_init(&cfg, a);
	emit_struct(&cfg, ch->meta, meta_fields);
	struct blob {
		const char *mt, *data, *digest;
		size_t len;
	} b[3] = {{MT_CONFIG, cfg.buf, NULL, cfg.len},
		  {MT_CHART, data, NULL, len},
		  {MT_PROV, prov, NULL, prov_len}};
	size_t nb = prov ? 3 : 2;
	for (size_t i = 0; i < nb; i++)
		b[i].digest =
		    arena_sprintf(a, "sha256:%s", http_sha256_hex(a, b[i].data, b[i].len));
	if (nb == 3 && strcmp(b[2].digest, b[1].digest) < 0) { /* layers sorted by digest */
		struct blob t = b[1];
		b[1] = b[2];
		b[2] = t;
	}
	strbuf m;
	sb_init(&m, a);
	sb_adds(&m, "{\"schemaVersion\":2,\"config\":");
	emit_desc(&m, b[0].mt, b[0].digest, b[0].len);
	sb_adds(&m, ",\"layers\":[");
	for (size_t i = 1; i < nb; i++) {
		if (i > 1)
			sb_addc(&m, ',');
		emit_desc(&m, b[i].mt, b[i].digest, b[i].len);
	}
	sb_adds(&m, "],\"annotations\":");
	if (json_emit(&m, annotations(a, ch, created), err))
		return -1;
	sb_addc(&m, '}');
	for (size_t i = 0; i < nb; i++)
		if (push_blob(&c, b[i].data, b[i].len, b[i].digest, err))
			return -1;
	const char *url = v2_url(&c, "manifests", r.tag);
	http_resp resp;
	if (cl_do(&c, "PUT", url, NULL, MT_MANIFEST, m.buf, m.len, 0, &resp, err))
		return -1;
	if (resp.status != 201) {
		*err =
		    resp.status == 401 ? denied(&c, "push") : status_error(&c, "PUT", url, &resp);
		return -1;
	}
	*ref = ref_string(a, &r);
	*digest = arena_sprintf(a, "sha256:%s", http_sha256_hex(a, m.buf, m.len));
	return 0;
}

/* ---- login and logout ---- */

static int ping(client *c, bool *transport_failed, const char **err)
{
	const char *url = arena_sprintf(c->a, "%s/v2/", c->base);
	http_resp r;
	*transport_failed = false;
	if (cl_do(c, "GET", url, NULL, NULL, NULL, 0, 1 << 20, &r, err)) {
		*transport_failed = true;
		*err = bare(*err);
		return -1;
	}
	if (r.status == 401 && c->basic_failed && !c->user) {
		*err = arena_sprintf(c->a, "Get \"%s\": no basic auth credentials", url);
		return -1;
	}
	if (r.status != 200) {
		*err = arena_sprintf(c->a, "login attempt to %s failed with status: %ld %s", url,
				     r.status, status_text(r.status));
		return -1;
	}
	return 0;
}

int oci_login(arena *a, const char *host, const char *user, const char *pass, const oci_opts *o,
	      const char **err)
{
	oci_opts lo = *o;
	lo.username = user;
	lo.password = pass;
	client c;
	client_init(a, &c, &lo, host, NULL, NULL);
	c.user = *user ? user : NULL; /* never the stored credentials */
	c.pass = pass;
	if (!o->plain_http)
		c.base = arena_sprintf(a, "https://%s", api_host(host));
	bool tf;
	if (ping(&c, &tf, err)) {
		if (!tf || o->plain_http || !is_localhost(a, host))
			return -1;
		c.base = arena_sprintf(a, "http://%s", host); /* Helm falls back for loopback */
		c.authz = NULL;
		if (ping(&c, &tf, err))
			return -1;
	}
	const char *path = oci_config_file(a, o->registry_config);
	value cfg;
	if (config_load(a, path, &cfg, err))
		return -1;
	value *auths = map_getc(cfg.u.m, "auths");
	if (!auths || auths->kind != V_MAP) {
		map_setc(a, cfg.u.m, "auths", v_map_new(a));
		auths = map_getc(cfg.u.m, "auths");
	}
	value e = v_map_new(a);
	strbuf sb;
	sb_init(&sb, a);
	const char *up = arena_sprintf(a, "%s:%s", user, pass);
	release_b64_encode(&sb, up, strlen(up));
	map_setc(a, e.u.m, "auth", v_cstr(a, sb_str(&sb)));
	map_setc(a, auths->u.m, cred_key(host), e);
	return config_save(a, path, cfg, err);
}

int oci_logout(arena *a, const char *host, const oci_opts *o, const char **err)
{
	const char *path = oci_config_file(a, o->registry_config);
	value cfg;
	if (config_load(a, path, &cfg, err))
		return -1;
	value *auths = map_getc(cfg.u.m, "auths");
	if (!auths || auths->kind != V_MAP ||
	    !map_del(auths->u.m, cred_key(host), strlen(cred_key(host)))) {
		*err = "not logged in";
		return -1;
	}
	return config_save(a, path, cfg, err);
}
