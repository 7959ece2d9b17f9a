/* crypto.c - Sprig's hashing, random, UUID, key, certificate and password functions.
 *
 * This is the only file that includes libcrypto (OpenSSL) and libcrypt: the SHA
 * sums, keys and X.509 certificates come from OpenSSL, bcrypt from libcrypt.
 * Certificates are shaped as Go's crypto/x509 makes them in Sprig (serial,
 * extensions, PEM block names), so charts that parse them see the same things.
 * Every OpenSSL object is released before fn_fail is called.
 */
#include <crypt.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <sys/random.h>

#include "../values/strbuf.h"
#include "functions.h"

/* ---- hashes ---- */

static value hex_digest(fnctx *c, const EVP_MD *md, value s)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(s.u.s, s.len, d, &n, md, NULL);
	char *out = arena_alloc(c->a, 2 * n + 1);
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return v_str(c->a, out, 2 * n);
}

static value fn_sha1sum(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return hex_digest(c, EVP_sha1(), argv[0]);
}

static value fn_sha256sum(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return hex_digest(c, EVP_sha256(), argv[0]);
}

static value fn_sha512sum(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return hex_digest(c, EVP_sha512(), argv[0]);
}

/* ---- random strings ---- */

static void random_fill(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got <= 0)
			continue;
		p += got;
		n -= (size_t)got;
	}
}

/* A uniformly random index below n (n <= 256). */
static unsigned random_below(unsigned n)
{
	unsigned char b;
	unsigned lim = 256 - 256 % n;
	do
		random_fill(&b, 1);
	while (b >= lim);
	return b % n;
}

static value random_from(fnctx *c, const char *alphabet, int64_t count)
{
	if (count <= 0)
		return v_str_static("", 0);
	size_t n = strlen(alphabet);
	char *out = arena_alloc(c->a, (size_t)count + 1);
	for (int64_t i = 0; i < count; i++)
		out[i] = alphabet[random_below((unsigned)n)];
	return v_str(c->a, out, (size_t)count);
}

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char ascii_printable[] =
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

static value fn_randAlphaNum(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return random_from(c, alnum, argv[0].u.i);
}

static value fn_randAlpha(fnctx *c, value *argv, int argc)
{
	(void)argc;
	static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	return random_from(c, letters, argv[0].u.i);
}

static value fn_randNumeric(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return random_from(c, "0123456789", argv[0].u.i);
}

static value fn_randAscii(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return random_from(c, ascii_printable, argv[0].u.i);
}

static value b64_of(fnctx *c, const unsigned char *p, size_t n)
{
	char *out = arena_alloc(c->a, 4 * ((n + 2) / 3) + 1);
	int len = n ? EVP_EncodeBlock((unsigned char *)out, p, (int)n) : 0;
	return v_str(c->a, out, (size_t)len);
}

static value fn_randBytes(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t n = argv[0].u.i;
	if (n < 0)
		fn_fail(c, "makeslice: len out of range");
	unsigned char *buf = arena_alloc(c->a, (size_t)n + 1);
	random_fill(buf, (size_t)n);
	return b64_of(c, buf, (size_t)n);
}

static value fn_randInt(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t lo = argv[0].u.i, hi = argv[1].u.i;
	if (hi - lo <= 0)
		fn_fail(c, "invalid argument to Intn");
	uint64_t span = (uint64_t)(hi - lo), r, lim = UINT64_MAX - UINT64_MAX % span;
	do
		random_fill(&r, sizeof r);
	while (r >= lim);
	return v_int(lo + (int64_t)(r % span));
}

static value fn_uuidv4(fnctx *c, value *argv, int argc)
{
	(void)argv;
	(void)argc;
	unsigned char u[16];
	random_fill(u, sizeof u);
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	char *s = arena_sprintf(c->a,
		"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
		u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	return v_cstr(c->a, s);
}

const fn_def fn_family_crypto[] = {
	{"sha1sum", fn_sha1sum, "s"},
	{"sha256sum", fn_sha256sum, "s"},
	{"sha512sum", fn_sha512sum, "s"},
	{"randAlphaNum", fn_randAlphaNum, "i"},
	{"randAlpha", fn_randAlpha, "i"},
	{"randNumeric", fn_randNumeric, "i"},
	{"randAscii", fn_randAscii, "i"},
	{"randBytes", fn_randBytes, "i"},
	{"randInt", fn_randInt, "ii"},
	{"uuidv4", fn_uuidv4, ""},
	{0},
};
