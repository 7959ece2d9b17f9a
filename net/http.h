/* http.h - HTTP(S) downloads: the only place render talks to libcurl.
 *
 * A GET into memory or into a file that appears only when complete (and, when a
 * sha256 digest is given, only when it matches). Errors are plain text in the
 * shape Go's net/http gives Helm (`Get "URL": ...`), and never contain
 * credentials: user names and passwords are removed from every URL printed.
 */
#ifndef RENDER_HTTP_H
#define RENDER_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "../values/arena.h"

typedef struct http_opts {
	const char *ca_file, *cert_file, *key_file; /* NULL or "" for none */
	bool insecure;				    /* skip TLS verification */
	const char *username, *password;	    /* basic auth, sent when both are set */
	const char *accept;			    /* Accept header, NULL for curl's default */
	size_t max_size;			    /* 0: 256 MiB */
} http_opts;

/* Downloads url into arena memory (NUL-terminated). Returns 0, or -1 with *err.
 * Any status other than 200 is an error: "failed to fetch URL : 404 Not Found".
 * Timeouts: connect and stall (no byte for N seconds) default to 30 s and come
 * from the environment variable RENDER_HTTP_TIMEOUT (seconds) when set. */
int http_get(arena *a, const char *url, const http_opts *o, char **data, size_t *len,
	     const char **err);

/* Downloads url into a temporary file beside dest, checks its sha256 against
 * sha256_hex when that is non-empty, and renames it to dest (mode 0644).
 * On any failure nothing is left at dest or beside it. */
int http_get_file(arena *a, const char *url, const http_opts *o, const char *dest,
		  const char *sha256_hex, const char **err);

/* The lowercase hex SHA-256 of data (64 characters). */
const char *http_sha256_hex(arena *a, const void *data, size_t len);

/* url with any user:password@ removed, for messages. */
const char *http_redact(arena *a, const char *url);

/* ---- general requests (the Kubernetes client) ---- */

/* One request. PEM data in memory wins over the file of the same role. */
typedef struct http_req {
	const char *method; /* "GET" (NULL), "POST", "PUT", "PATCH", "DELETE" */
	const char *url;
	const char *const *headers; /* "Name: value" lines, NULL-terminated; may be NULL */
	const char *body;	    /* NULL: no body */
	size_t body_len;
	const char *ca_pem, *cert_pem, *key_pem;    /* NUL-terminated PEM, or NULL */
	const char *ca_file, *cert_file, *key_file; /* or files, NULL or "" for none */
	bool insecure;				    /* skip TLS verification */
	const char *proxy;	/* proxy URL; NULL: the environment's (never for loopback) */
	const char *user_agent; /* NULL: Helm/3.17.3 */
	long timeout;		/* connect and stall seconds; 0: RENDER_HTTP_TIMEOUT or 30 */
	size_t max_size;	/* 0: 256 MiB */
} http_req;

typedef struct http_resp {
	long status;		  /* 200, 404... */
	const char *content_type; /* "" when absent */
	char *body;		  /* NUL-terminated, in the arena */
	size_t len;
	const char *headers; /* the last response's header lines, "Name: value\r\n"... */
} http_resp;

/* Sends r and fills out with any status: a non-2xx answer is not an error here.
 * A "HEAD" request reads no body.
 * Returns -1 with *err only when no answer came ("Get \"URL\": dial tcp ..."). */
int http_request(arena *a, const http_req *r, http_resp *out, const char **err);

#endif
