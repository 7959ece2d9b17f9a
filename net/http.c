/* http.c - the one file that uses libcurl: GET into memory or into a file.
 *
 * Helm's HTTP getter in C: TLS options per repository, basic auth (only ever
 * sent to the URL's own host, as curl does by default), proxies from the
 * environment, a size cap, connect and stall timeouts. Errors read like Go's
 * (`Get "URL": dial tcp ...`) but never carry credentials. SHA-256 is here
 * too (FIPS 180-4), so downloads can be checked as they are written.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CURL_DISABLE_TYPECHECK /* the calls below go through pointers */
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>

/* libcurl, and the many libraries it needs, are opened on first use: a
 * command that never goes to the network does not pay for loading them
 * (about 5 ms and 7 MB per run). Every curl_* name below is a pointer of
 * this table, filled once per process. */
#define CURL_SONAME "libcurl.so.4"
#define CURL_FUNCS(X)                                                                              \
	X(CURLcode, curl_global_init, (long))                                                      \
	X(CURL *, curl_easy_init, (void))                                                          \
	X(CURLcode, curl_easy_setopt, (CURL *, CURLoption, ...))                                   \
	X(CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...))                                    \
	X(CURLcode, curl_easy_perform, (CURL *))                                                   \
	X(void, curl_easy_cleanup, (CURL *))                                                       \
	X(const char *, curl_easy_strerror, (CURLcode))                                            \
	X(void, curl_free, (void *))                                                               \
	X(struct curl_slist *, curl_slist_append, (struct curl_slist *, const char *))             \
	X(void, curl_slist_free_all, (struct curl_slist *))                                        \
	X(CURLU *, curl_url, (void))                                                               \
	X(void, curl_url_cleanup, (CURLU *))                                                       \
	X(CURLUcode, curl_url_get, (const CURLU *, CURLUPart, char **, unsigned int))              \
	X(CURLUcode, curl_url_set, (CURLU *, CURLUPart, const char *, unsigned int))

static struct curl_api {
#define X(ret, name, args) ret(*name) args;
	CURL_FUNCS(X)
#undef X
} curl_fns;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_load(void)
{
	void *h = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *missing = h ? NULL : dlerror();
#define X(ret, name, args)                                                                         \
	if (h && !missing && !(*(void **)&curl_fns.name = dlsym(h, #name)))                        \
		missing = #name;
	CURL_FUNCS(X)
#undef X
	if (missing) {
		fprintf(stderr, "Error: cannot load %s: %s\n", CURL_SONAME, missing);
		exit(1);
	}
	curl_fns.curl_global_init(
	    CURL_GLOBAL_DEFAULT); /* once per process, before any thread uses it */
}

static const struct curl_api *curl_api(void)
{
	pthread_once(&curl_once, curl_load);
	return &curl_fns;
}

/* from here on, each curl_* name calls through the table */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init    curl_api()->curl_global_init
#define curl_easy_init	    curl_api()->curl_easy_init
#define curl_easy_setopt    curl_api()->curl_easy_setopt
#define curl_easy_getinfo   curl_api()->curl_easy_getinfo
#define curl_easy_perform   curl_api()->curl_easy_perform
#define curl_easy_cleanup   curl_api()->curl_easy_cleanup
#define curl_easy_strerror  curl_api()->curl_easy_strerror
#define curl_free	    curl_api()->curl_free
#define curl_slist_append   curl_api()->curl_slist_append
#define curl_slist_free_all curl_api()->curl_slist_free_all
#define curl_url	    curl_api()->curl_url
#define curl_url_cleanup    curl_api()->curl_url_cleanup
#define curl_url_get	    curl_api()->curl_url_get
#define curl_url_set	    curl_api()->curl_url_set

#include "../values/hash.h"
#include "../values/strbuf.h"
#include "http.h"

const char *http_sha256_hex(arena *a, const void *data, size_t len)
{
	return sha256_hex(a, data, len);
}

/* ---- URLs in messages ---- */

const char *http_redact(arena *a, const char *url)
{
	const char *sep = strstr(url, "://");
	if (!sep)
		return url;
	const char *host = sep + 3, *end = host + strcspn(host, "/?#");
	const char *at = NULL;
	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return url;
	return arena_sprintf(a, "%.*s%s", (int)(host - url), url, at + 1);
}

/* ---- the transfer ---- */

typedef struct xfer {
	char *buf; /* malloc'd, memory mode */
	size_t len, cap, max;
	FILE *fp; /* file mode */
	sha_ctx sha;
	bool too_big, write_failed, progress, shown;
	char status[160]; /* the last status line's "CODE REASON" */
	const char *name; /* for the progress line */
	char *hdrs;	  /* malloc'd response headers (http_request) */
	size_t hlen, hcap;
} xfer;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n;
	if (x->len + len > x->max) {
		x->too_big = true;
		return 0;
	}
	if (x->fp) {
		if (fwrite(p, 1, len, x->fp) != len) {
			x->write_failed = true;
			return 0;
		}
		sha_update(&x->sha, p, len);
	} else {
		if (x->len + len + 1 > x->cap) {
			x->cap = (x->len + len + 1) * 2;
			x->buf = xrealloc(x->buf, x->cap);
		}
		memcpy(x->buf + x->len, p, len);
	}
	x->len += len;
	return len;
}

/* Keeps the text after "HTTP/x.y " of each status line (the last one wins). */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n;
	if (len > 5 && !memcmp(p, "HTTP/", 5)) {
		const char *sp = memchr(p, ' ', len);
		if (sp) {
			size_t k = len - (size_t)(sp + 1 - p);
			while (k && (sp[k] == '\r' || sp[k] == '\n'))
				k--;
			if (k >= sizeof x->status)
				k = sizeof x->status - 1;
			memcpy(x->status, sp + 1, k);
			x->status[k] = 0;
		}
	}
	return len;
}

static int on_progress(void *ud, curl_off_t total, curl_off_t now, curl_off_t ut, curl_off_t un)
{
	(void)ut;
	(void)un;
	xfer *x = ud;
	if (now <= 0)
		return 0;
	if (total > 0)
		fprintf(stderr, "\rDownloading %s: %lld / %lld KiB", x->name, (long long)now / 1024,
			(long long)total / 1024);
	else
		fprintf(stderr, "\rDownloading %s: %lld KiB", x->name, (long long)now / 1024);
	x->shown = true;
	return 0;
}

static long timeout_seconds(void)
{
	const char *s = getenv("RENDER_HTTP_TIMEOUT");
	if (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (!*end && v > 0)
			return v;
	}
	return 30;
}

/* Go's http.StatusText for the codes a chart repository is likely to give. */
static const char *status_text(long code)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {
	    {301, "Moved Permanently"},
	    {302, "Found"},
	    {304, "Not Modified"},
	    {400, "Bad Request"},
	    {401, "Unauthorized"},
	    {403, "Forbidden"},
	    {404, "Not Found"},
	    {405, "Method Not Allowed"},
	    {408, "Request Timeout"},
	    {429, "Too Many Requests"},
	    {500, "Internal Server Error"},
	    {502, "Bad Gateway"},
	    {503, "Service Unavailable"},
	    {504, "Gateway Timeout"},
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].code == code)
			return t[i].text;
	return "";
}

static const char *lower(arena *a, const char *s)
{
	char *o = arena_strdup(a, s);
	if (*o && isupper((unsigned char)o[0]) && !isupper((unsigned char)o[1]))
		o[0] = (char)tolower((unsigned char)o[0]);
	return o;
}

/* "ip:port" as Go's dial errors name it (the URL's host when no address was reached). */
static const char *host_port(arena *a, CURL *c, const char *ip, long port)
{
	char *host = NULL, *p = NULL, *url = NULL;
	const char *out;
	if (ip && *ip)
		return arena_sprintf(a, strchr(ip, ':') ? "[%s]:%ld" : "%s:%ld", ip, port);
	curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &url);
	CURLU *u = curl_url();
	if (!u || !url || curl_url_set(u, CURLUPART_URL, url, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT))
		out = "";
	else
		out = arena_sprintf(a, "%s:%s", host, p);
	curl_free(host);
	curl_free(p);
	curl_url_cleanup(u);
	return out;
}

/* The text after `Get "URL": ` for a failed transfer, in Go's words where it has them. */
static const char *curl_reason(arena *a, CURL *c, CURLcode rc, const xfer *x, const char *errbuf)
{
	long oserr = 0, verify = 0, port = 0;
	char *ip = NULL;
	curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip);
	curl_easy_getinfo(c, CURLINFO_PRIMARY_PORT, &port);
	curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &verify);
	if (x->too_big)
		return arena_sprintf(a, "response larger than the limit of %zu bytes", x->max);
	if (x->write_failed)
		return arena_sprintf(a, "write: %s", strerror(errno));
	switch (rc) {
	case CURLE_COULDNT_CONNECT: {
		/* curl names the address it tried; when that is not the URL's, it was a proxy */
		char h[256];
		long p;
		const char *target = host_port(a, c, ip, port), *tried = target, *via = "";
		if (sscanf(errbuf, "Failed to connect to %255s port %ld", h, &p) == 2) {
			tried = arena_sprintf(a, strchr(h, ':') ? "[%s]:%ld" : "%s:%ld", h, p);
			if (strcmp(tried, target))
				via = "proxyconnect tcp: ";
			if (!strcmp(h, "localhost")) /* Go names the address it dialled last */
				tried = arena_sprintf(a, "127.0.0.1:%ld", p);
		}
		if (oserr)
			return arena_sprintf(a, "%sdial tcp %s: connect: %s", via, tried,
					     lower(a, strerror((int)oserr)));
		break;
	}
	case CURLE_COULDNT_RESOLVE_HOST: {
		const char *hp = host_port(a, c, NULL, 0), *colon = strrchr(hp, ':');
		return arena_sprintf(a, "dial tcp: lookup %.*s: no such host",
				     colon ? (int)(colon - hp) : 0, hp);
	}
	case CURLE_OPERATION_TIMEDOUT:
		return arena_sprintf(
		    a, "timeout: no response for %ld s (the limit is set by RENDER_HTTP_TIMEOUT)",
		    timeout_seconds());
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		if (verify == 18 || verify == 19 || verify == 20 || verify == 21)
			return "tls: failed to verify certificate: x509: certificate signed by "
			       "unknown authority";
		if (verify == 10)
			return "tls: failed to verify certificate: x509: certificate has expired "
			       "or is not yet valid";
		return arena_sprintf(a, "tls: failed to verify certificate: %s",
				     *errbuf ? errbuf : curl_easy_strerror(rc));
	case CURLE_PARTIAL_FILE:
		return "unexpected EOF";
	default:
		break;
	}
	return lower(a, *errbuf ? errbuf : curl_easy_strerror(rc));
}

static void set_tls(CURL *c, const http_opts *o)
{
	if (o->ca_file && *o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	if (o->cert_file && *o->cert_file)
		curl_easy_setopt(c, CURLOPT_SSLCERT, o->cert_file);
	if (o->key_file && *o->key_file)
		curl_easy_setopt(c, CURLOPT_SSLKEY, o->key_file);
	if (o->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

/* The outcome of a transfer: 0 for a 200, else -1 with Go's or Helm's words in *err. */
static int result(arena *a, CURL *c, CURLcode rc, const xfer *x, const char *shown,
		  const char *errbuf, const char **err)
{
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		*err = arena_sprintf(a, "Get \"%s\": %s", shown, curl_reason(a, c, rc, x, errbuf));
		return -1;
	}
	if (code == 200)
		return 0;
	const char *st = x->status;
	if (!*st || !strchr(st, ' ') || !st[strcspn(st, " ") + 1])
		st = arena_sprintf(a, "%ld %s", code, status_text(code));
	*err = arena_sprintf(a, "failed to fetch %s : %s", shown, st);
	return -1;
}

/* Basic auth, only when both parts are given (Helm's getter rule). curl never
 * sends it on to another host after a redirect. */
static void set_auth(CURL *c, const http_opts *o)
{
	if (o->username && *o->username && o->password && *o->password) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, o->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, o->password);
	}
}

/* curl reads http_proxy, https_proxy, all_proxy and no_proxy itself; Go also reads
 * HTTP_PROXY for http URLs, and never sends loopback traffic through a proxy. */
static void set_proxy(arena *a, CURL *c, const char *url)
{
	const char *up = getenv("HTTP_PROXY"), *np = getenv("no_proxy");
	if (!strncmp(url, "http:", 5) && !getenv("http_proxy") && up && *up)
		curl_easy_setopt(c, CURLOPT_PROXY, up);
	if (!np)
		np = getenv("NO_PROXY");
	curl_easy_setopt(
	    c, CURLOPT_NOPROXY,
	    arena_sprintf(a, "%s%slocalhost,127.0.0.0/8,::1", np ? np : "", np && *np ? "," : ""));
}

/* Runs one GET; returns 0 on a 200, or -1 with *err. */
static int transfer(arena *a, const char *url, const http_opts *o, xfer *x, const char **err)
{
	const char *shown = http_redact(a, url);
	CURL *c = curl_easy_init();
	if (!c) {
		*err = "cannot start an HTTP client";
		return -1;
	}
	char errbuf[CURL_ERROR_SIZE] = "";
	long secs = timeout_seconds();
	struct curl_slist *hdr = NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Helm/3.17.3");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, secs);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, secs);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	if (o->accept) {
		hdr = curl_slist_append(hdr, arena_sprintf(a, "Accept: %s", o->accept));
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	}
	set_auth(c, o);
	set_tls(c, o);
	set_proxy(a, c, url);
	if (isatty(2)) {
		const char *slash = strrchr(shown, '/');
		x->name = slash ? slash + 1 : shown;
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	CURLcode rc = curl_easy_perform(c);
	if (x->shown)
		fputs("\r\033[K", stderr);
	int ret = result(a, c, rc, x, shown, errbuf, err);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return ret;
}

int http_get(arena *a, const char *url, const http_opts *o, char **data, size_t *len,
	     const char **err)
{
	xfer x = {.max = o->max_size ? o->max_size : (size_t)256 << 20};
	int rc = transfer(a, url, o, &x, err);
	if (!rc) {
		*data = arena_strndup(a, x.buf ? x.buf : "", x.len);
		*len = x.len;
	}
	free(x.buf);
	return rc;
}

int http_get_file(arena *a, const char *url, const http_opts *o, const char *dest,
		  const char *sha256_hex, const char **err)
{
	/* dest plus random digits, as Go's os.CreateTemp names it */
	static unsigned seed;
	if (!seed)
		seed = (unsigned)getpid() * 2654435761u ^ (unsigned)time(NULL);
	char *tmp;
	int fd, tries = 0;
	do {
		seed = seed * 1103515245u + 12345u;
		tmp = arena_sprintf(a, "%s%u", dest, seed % 4000000000u);
		fd = open(tmp, O_RDWR | O_CREAT | O_EXCL, 0600);
	} while (fd < 0 && errno == EEXIST && ++tries < 100);
	if (fd < 0) {
		*err = arena_sprintf(a, "open %s: %s", tmp, lower(a, strerror(errno)));
		return -1;
	}
	xfer x = {.max = o->max_size ? o->max_size : (size_t)256 << 20};
	x.fp = fdopen(fd, "wb");
	if (!x.fp) {
		close(fd);
		unlink(tmp);
		*err = arena_sprintf(a, "open %s: %s", tmp, strerror(errno));
		return -1;
	}
	sha256_init(&x.sha);
	int rc = transfer(a, url, o, &x, err);
	if (fclose(x.fp) && !rc) {
		*err = arena_sprintf(a, "write %s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (!rc && sha256_hex && *sha256_hex) {
		const char *got = sha_hex(a, &x.sha);
		if (strcasecmp(got, sha256_hex)) {
			*err = arena_sprintf(a,
					     "digest mismatch for %s: the index says sha256:%s, "
					     "the download is sha256:%s",
					     http_redact(a, url), sha256_hex, got);
			rc = -1;
		}
	}
	if (!rc && (chmod(tmp, 0644) || rename(tmp, dest))) {
		*err = arena_sprintf(a, "rename %s %s: %s", tmp, dest, strerror(errno));
		rc = -1;
	}
	if (rc)
		unlink(tmp);
	return rc;
}

/* ---- general requests (the Kubernetes client): any method, headers, body,
 * TLS material in memory; every status is returned to the caller ---- */

/* Go's url.Error names the method with a capital first letter only: "Get", "Patch". */
static const char *go_method(arena *a, const char *m)
{
	char *o = arena_strdup(a, m);
	for (char *p = o + 1; *o && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

static void set_blob(CURL *c, CURLoption opt, const char *pem)
{
	struct curl_blob b = {.data = (void *)pem, .len = strlen(pem), .flags = CURL_BLOB_COPY};
	curl_easy_setopt(c, opt, &b);
}

static void req_tls(CURL *c, const http_req *r)
{
	if (r->ca_pem && *r->ca_pem)
		set_blob(c, CURLOPT_CAINFO_BLOB, r->ca_pem);
	else if (r->ca_file && *r->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, r->ca_file);
	if (r->cert_pem && *r->cert_pem)
		set_blob(c, CURLOPT_SSLCERT_BLOB, r->cert_pem);
	else if (r->cert_file && *r->cert_file)
		curl_easy_setopt(c, CURLOPT_SSLCERT, r->cert_file);
	if (r->key_pem && *r->key_pem)
		set_blob(c, CURLOPT_SSLKEY_BLOB, r->key_pem);
	else if (r->key_file && *r->key_file)
		curl_easy_setopt(c, CURLOPT_SSLKEY, r->key_file);
	if (r->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

/* Go never proxies loopback addresses; NO_PROXY from the environment is kept. */
static void req_proxy(arena *a, CURL *c, const http_req *r)
{
	if (r->proxy && *r->proxy) {
		curl_easy_setopt(c, CURLOPT_PROXY, r->proxy);
		return;
	}
	const char *np = getenv("NO_PROXY");
	if (!np || !*np)
		np = getenv("no_proxy");
	curl_easy_setopt(
	    c, CURLOPT_NOPROXY,
	    arena_sprintf(a, "%s%slocalhost,127.0.0.1,::1", np ? np : "", np && *np ? "," : ""));
}

static void req_content_type(arena *a, CURL *c, http_resp *out)
{
	char *ct = NULL;
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	out->content_type = arena_strdup(a, ct ? ct : "");
}

/* Keeps the header lines of the last response (a redirect or 100 restarts them). */
static size_t on_req_header(char *p, size_t size, size_t n, void *ud)
{
	xfer *x = ud;
	size_t len = size * n;
	if (len > 5 && !memcmp(p, "HTTP/", 5))
		x->hlen = 0;
	else if (x->hlen + len < 64 * 1024) {
		if (x->hlen + len + 1 > x->hcap) {
			x->hcap = (x->hlen + len + 1) * 2;
			x->hdrs = xrealloc(x->hdrs, x->hcap);
		}
		memcpy(x->hdrs + x->hlen, p, len);
		x->hlen += len;
	}
	return len;
}

int http_request(arena *a, const http_req *r, http_resp *out, const char **err)
{
	const char *method = r->method ? r->method : "GET";
	CURL *c = curl_easy_init();
	if (!c) {
		*err = "cannot start an HTTP client";
		return -1;
	}
	xfer x = {.max = r->max_size ? r->max_size : (size_t)256 << 20};
	char errbuf[CURL_ERROR_SIZE] = "";
	long secs = r->timeout > 0 ? r->timeout : timeout_seconds();
	struct curl_slist *hdr = NULL;
	for (size_t i = 0; r->headers && r->headers[i]; i++)
		hdr = curl_slist_append(hdr, r->headers[i]);
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, r->user_agent ? r->user_agent : "Helm/3.17.3");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, secs);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, secs);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (r->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	} else if (!strcmp(method, "GET")) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_req_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	req_tls(c, r);
	req_proxy(a, c, r);
	CURLcode rc = curl_easy_perform(c);
	int ret = 0;
	if (rc != CURLE_OK) {
		*err = arena_sprintf(a, "%s \"%s\": %s", go_method(a, method),
				     http_redact(a, r->url), curl_reason(a, c, rc, &x, errbuf));
		ret = -1;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		req_content_type(a, c, out);
		out->body = arena_strndup(a, x.buf ? x.buf : "", x.len);
		out->len = x.len;
		out->headers = arena_strndup(a, x.hdrs ? x.hdrs : "", x.hlen);
	}
	free(x.buf);
	free(x.hdrs);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return ret;
}
