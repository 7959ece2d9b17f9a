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
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include "../values/lazylib.h"

/* libcrypto is opened on first use: most renders call no crypto function and
 * should not pay for loading it. Every OpenSSL function below (including the
 * ones OpenSSL's macros expand to) is a pointer of this table, filled once. */
#define CRYPTO_SONAME "libcrypto.so.3"
#define CRYPTO_FUNCS(X)                                                                            \
	X(ASN1_IA5STRING_new)                                                                      \
	X(ASN1_OCTET_STRING_free)                                                                  \
	X(ASN1_STRING_set)                                                                         \
	X(BIO_ctrl)                                                                                \
	X(BIO_free)                                                                                \
	X(BIO_new)                                                                                 \
	X(BIO_new_mem_buf)                                                                         \
	X(BIO_s_mem)                                                                               \
	X(BN_free)                                                                                 \
	X(BN_lshift)                                                                               \
	X(BN_new)                                                                                  \
	X(BN_rand_range)                                                                           \
	X(BN_to_ASN1_INTEGER)                                                                      \
	X(BN_value_one)                                                                            \
	X(EVP_CIPHER_CTX_free)                                                                     \
	X(EVP_CIPHER_CTX_new)                                                                      \
	X(EVP_CIPHER_CTX_set_padding)                                                              \
	X(EVP_CipherInit_ex)                                                                       \
	X(EVP_CipherUpdate)                                                                        \
	X(EVP_Digest)                                                                              \
	X(EVP_EncodeBlock)                                                                         \
	X(EVP_PBE_scrypt)                                                                          \
	X(EVP_PKEY_CTX_free)                                                                       \
	X(EVP_PKEY_CTX_new_from_name)                                                              \
	X(EVP_PKEY_CTX_new_from_pkey)                                                              \
	X(EVP_PKEY_CTX_set_dsa_paramgen_bits)                                                      \
	X(EVP_PKEY_CTX_set_dsa_paramgen_q_bits)                                                    \
	X(EVP_PKEY_Q_keygen)                                                                       \
	X(EVP_PKEY_free)                                                                           \
	X(EVP_PKEY_get_base_id)                                                                    \
	X(EVP_PKEY_keygen)                                                                         \
	X(EVP_PKEY_keygen_init)                                                                    \
	X(EVP_PKEY_paramgen)                                                                       \
	X(EVP_PKEY_paramgen_init)                                                                  \
	X(EVP_aes_256_cbc)                                                                         \
	X(EVP_sha1)                                                                                \
	X(EVP_sha256)                                                                              \
	X(EVP_sha512)                                                                              \
	X(GENERAL_NAMES_free)                                                                      \
	X(GENERAL_NAME_new)                                                                        \
	X(GENERAL_NAME_set0_value)                                                                 \
	X(HMAC)                                                                                    \
	X(OPENSSL_sk_new_null)                                                                     \
	X(OPENSSL_sk_num)                                                                          \
	X(OPENSSL_sk_push)                                                                         \
	X(PEM_read_bio_PrivateKey)                                                                 \
	X(PEM_read_bio_X509)                                                                       \
	X(PEM_write_bio_PrivateKey)                                                                \
	X(PEM_write_bio_PrivateKey_traditional)                                                    \
	X(PEM_write_bio_X509)                                                                      \
	X(X509V3_EXT_conf_nid)                                                                     \
	X(X509V3_set_ctx)                                                                          \
	X(X509_EXTENSION_free)                                                                     \
	X(X509_NAME_add_entry_by_txt)                                                              \
	X(X509_NAME_free)                                                                          \
	X(X509_NAME_new)                                                                           \
	X(X509_add1_ext_i2d)                                                                       \
	X(X509_add_ext)                                                                            \
	X(X509_free)                                                                               \
	X(X509_get0_subject_key_id)                                                                \
	X(X509_get_serialNumber)                                                                   \
	X(X509_get_subject_name)                                                                   \
	X(X509_getm_notAfter)                                                                      \
	X(X509_getm_notBefore)                                                                     \
	X(X509_gmtime_adj)                                                                         \
	X(X509_new)                                                                                \
	X(X509_set_issuer_name)                                                                    \
	X(X509_set_pubkey)                                                                         \
	X(X509_set_subject_name)                                                                   \
	X(X509_set_version)                                                                        \
	X(X509_sign)                                                                               \
	X(X509_time_adj_ex)                                                                        \
	X(a2i_IPADDRESS)

LAZY_LIBRARY(crypto, CRYPTO_SONAME, CRYPTO_FUNCS)

/* from here on, each OpenSSL name calls through the table */
#define ASN1_IA5STRING_new		     crypto_api()->ASN1_IA5STRING_new
#define ASN1_OCTET_STRING_free		     crypto_api()->ASN1_OCTET_STRING_free
#define ASN1_STRING_set			     crypto_api()->ASN1_STRING_set
#define BIO_ctrl			     crypto_api()->BIO_ctrl
#define BIO_free			     crypto_api()->BIO_free
#define BIO_new				     crypto_api()->BIO_new
#define BIO_new_mem_buf			     crypto_api()->BIO_new_mem_buf
#define BIO_s_mem			     crypto_api()->BIO_s_mem
#define BN_free				     crypto_api()->BN_free
#define BN_lshift			     crypto_api()->BN_lshift
#define BN_new				     crypto_api()->BN_new
#define BN_rand_range			     crypto_api()->BN_rand_range
#define BN_to_ASN1_INTEGER		     crypto_api()->BN_to_ASN1_INTEGER
#define BN_value_one			     crypto_api()->BN_value_one
#define EVP_CIPHER_CTX_free		     crypto_api()->EVP_CIPHER_CTX_free
#define EVP_CIPHER_CTX_new		     crypto_api()->EVP_CIPHER_CTX_new
#define EVP_CIPHER_CTX_set_padding	     crypto_api()->EVP_CIPHER_CTX_set_padding
#define EVP_CipherInit_ex		     crypto_api()->EVP_CipherInit_ex
#define EVP_CipherUpdate		     crypto_api()->EVP_CipherUpdate
#define EVP_Digest			     crypto_api()->EVP_Digest
#define EVP_EncodeBlock			     crypto_api()->EVP_EncodeBlock
#define EVP_PBE_scrypt			     crypto_api()->EVP_PBE_scrypt
#define EVP_PKEY_CTX_free		     crypto_api()->EVP_PKEY_CTX_free
#define EVP_PKEY_CTX_new_from_name	     crypto_api()->EVP_PKEY_CTX_new_from_name
#define EVP_PKEY_CTX_new_from_pkey	     crypto_api()->EVP_PKEY_CTX_new_from_pkey
#define EVP_PKEY_CTX_set_dsa_paramgen_bits   crypto_api()->EVP_PKEY_CTX_set_dsa_paramgen_bits
#define EVP_PKEY_CTX_set_dsa_paramgen_q_bits crypto_api()->EVP_PKEY_CTX_set_dsa_paramgen_q_bits
#define EVP_PKEY_Q_keygen		     crypto_api()->EVP_PKEY_Q_keygen
#define EVP_PKEY_free			     crypto_api()->EVP_PKEY_free
#define EVP_PKEY_get_base_id		     crypto_api()->EVP_PKEY_get_base_id
#define EVP_PKEY_keygen			     crypto_api()->EVP_PKEY_keygen
#define EVP_PKEY_keygen_init		     crypto_api()->EVP_PKEY_keygen_init
#define EVP_PKEY_paramgen		     crypto_api()->EVP_PKEY_paramgen
#define EVP_PKEY_paramgen_init		     crypto_api()->EVP_PKEY_paramgen_init
#define EVP_aes_256_cbc			     crypto_api()->EVP_aes_256_cbc
#define EVP_sha1			     crypto_api()->EVP_sha1
#define EVP_sha256			     crypto_api()->EVP_sha256
#define EVP_sha512			     crypto_api()->EVP_sha512
#define GENERAL_NAMES_free		     crypto_api()->GENERAL_NAMES_free
#define GENERAL_NAME_new		     crypto_api()->GENERAL_NAME_new
#define GENERAL_NAME_set0_value		     crypto_api()->GENERAL_NAME_set0_value
#define HMAC				     crypto_api()->HMAC
#define OPENSSL_sk_new_null		     crypto_api()->OPENSSL_sk_new_null
#define OPENSSL_sk_num			     crypto_api()->OPENSSL_sk_num
#define OPENSSL_sk_push			     crypto_api()->OPENSSL_sk_push
#define PEM_read_bio_PrivateKey		     crypto_api()->PEM_read_bio_PrivateKey
#define PEM_read_bio_X509		     crypto_api()->PEM_read_bio_X509
#define PEM_write_bio_PrivateKey	     crypto_api()->PEM_write_bio_PrivateKey
#define PEM_write_bio_PrivateKey_traditional crypto_api()->PEM_write_bio_PrivateKey_traditional
#define PEM_write_bio_X509		     crypto_api()->PEM_write_bio_X509
#define X509V3_EXT_conf_nid		     crypto_api()->X509V3_EXT_conf_nid
#define X509V3_set_ctx			     crypto_api()->X509V3_set_ctx
#define X509_EXTENSION_free		     crypto_api()->X509_EXTENSION_free
#define X509_NAME_add_entry_by_txt	     crypto_api()->X509_NAME_add_entry_by_txt
#define X509_NAME_free			     crypto_api()->X509_NAME_free
#define X509_NAME_new			     crypto_api()->X509_NAME_new
#define X509_add1_ext_i2d		     crypto_api()->X509_add1_ext_i2d
#define X509_add_ext			     crypto_api()->X509_add_ext
#define X509_free			     crypto_api()->X509_free
#define X509_get0_subject_key_id	     crypto_api()->X509_get0_subject_key_id
#define X509_get_serialNumber		     crypto_api()->X509_get_serialNumber
#define X509_get_subject_name		     crypto_api()->X509_get_subject_name
#define X509_getm_notAfter		     crypto_api()->X509_getm_notAfter
#define X509_getm_notBefore		     crypto_api()->X509_getm_notBefore
#define X509_gmtime_adj			     crypto_api()->X509_gmtime_adj
#define X509_new			     crypto_api()->X509_new
#define X509_set_issuer_name		     crypto_api()->X509_set_issuer_name
#define X509_set_pubkey			     crypto_api()->X509_set_pubkey
#define X509_set_subject_name		     crypto_api()->X509_set_subject_name
#define X509_set_version		     crypto_api()->X509_set_version
#define X509_sign			     crypto_api()->X509_sign
#define X509_time_adj_ex		     crypto_api()->X509_time_adj_ex
#define a2i_IPADDRESS			     crypto_api()->a2i_IPADDRESS
#include <string.h>
#include <sys/random.h>

#include "../values/hash.h"
#include "../values/strbuf.h"
#include "functions.h"

/* libcrypt (bcrypt for htpasswd), loaded on first use as well */

#define LIBCRYPT_SONAME "libcrypt.so.1"
#define LIBCRYPT_FUNCS(X)                                                                          \
	X(crypt_gensalt_rn)                                                                        \
	X(crypt_r)

LAZY_LIBRARY(libcrypt, LIBCRYPT_SONAME, LIBCRYPT_FUNCS)

/* from here on, each libcrypt name calls through the table */
#define crypt_gensalt_rn libcrypt_api()->crypt_gensalt_rn
#define crypt_r		 libcrypt_api()->crypt_r

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

/* sha1sum and sha256sum do not load libcrypto (values/hash.h says why). */
static value fn_sha1sum(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, sha1_hex(c->a, argv[0].u.s, argv[0].len));
}

static value fn_sha256sum(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, sha256_hex(c->a, argv[0].u.s, argv[0].len));
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
    " !\"#$%&'()*+,-./"
    "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

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
	char *s = arena_sprintf(
	    c->a, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
	    u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	    u[15]);
	return v_cstr(c->a, s);
}

/* ---- passwords ---- */

static value fn_bcrypt(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (argv[0].len > 72)
		return v_cstr(c->a, "failed to encrypt string with bcrypt: bcrypt: password length "
				    "exceeds 72 bytes");
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = arena_alloc(c->a, sizeof *cd);
	char *pw = arena_strndup(c->a, argv[0].u.s, argv[0].len);
	if (!crypt_gensalt_rn("$2a$", 10, NULL, 0, salt, sizeof salt))
		return v_cstr(c->a, "failed to encrypt string with bcrypt: no salt");
	const char *h = crypt_r(pw, salt, cd);
	return v_cstr(c->a, h && h[0] == '$' ? h : "failed to encrypt string with bcrypt");
}

static value fn_htpasswd(fnctx *c, value *argv, int argc)
{
	if (memchr(argv[0].u.s, ':', argv[0].len))
		return v_cstr(c->a, arena_sprintf(c->a, "invalid username: %s", argv[0].u.s));
	value h = fn_bcrypt(c, argv + 1, argc - 1);
	return v_cstr(c->a, arena_sprintf(c->a, "%s:%s", argv[0].u.s, h.u.s));
}

static const struct {
	const char *type;
	const char *const templates[22];
} password_templates[] = {
    {"maximum", {"anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"}},
    {"long",
     {"CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
      "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
      "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
      "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
      "CvccCvcvCvccno"}},
    {"medium", {"CvcnoCvc", "CvcCvcno"}},
    {"short", {"Cvcn"}},
    {"basic", {"aaanaaan", "aannaaan", "aaannaaa"}},
    {"pin", {"nnnn"}},
};

static const char *template_chars(char ch)
{
	switch (ch) {
	case 'V':
		return "AEIOU";
	case 'C':
		return "BCDFGHJKLMNPQRSTVWXYZ";
	case 'v':
		return "aeiou";
	case 'c':
		return "bcdfghjklmnpqrstvwxyz";
	case 'A':
		return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
	case 'a':
		return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
	case 'n':
		return "0123456789";
	case 'o':
		return "@&%?,=[]_:-+*$#!'^~;()/.";
	default:
		return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()";
	}
}

static void put_be32(strbuf *sb, uint32_t v)
{
	char b[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
	sb_add(sb, b, 4);
}

static const char mp_seed[] = "com.lyndir.masterpassword";

/* derivePassword: the Master Password algorithm (scrypt, then HMAC-SHA256). */
static value fn_derivePassword(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *const *tmpl = NULL;
	for (size_t i = 0; i < sizeof password_templates / sizeof password_templates[0]; i++)
		if (!strcmp(password_templates[i].type, argv[1].u.s))
			tmpl = password_templates[i].templates;
	if (!tmpl)
		return v_cstr(c->a,
			      arena_sprintf(c->a, "cannot find password template %s", argv[1].u.s));
	strbuf salt, msg;
	sb_init(&salt, c->a);
	sb_adds(&salt, mp_seed);
	put_be32(&salt, argv[3].len);
	sb_add(&salt, argv[3].u.s, argv[3].len);
	unsigned char key[64], seed[EVP_MAX_MD_SIZE];
	unsigned int seedn = 0;
	if (!EVP_PBE_scrypt(argv[2].u.s, argv[2].len, (const unsigned char *)salt.buf, salt.len,
			    32768, 8, 2, 64u << 20, key, sizeof key))
		return v_cstr(c->a, "failed to derive password: scrypt failed");
	sb_init(&msg, c->a);
	sb_adds(&msg, mp_seed);
	put_be32(&msg, argv[4].len);
	sb_add(&msg, argv[4].u.s, argv[4].len);
	put_be32(&msg, (uint32_t)argv[0].u.i);
	HMAC(EVP_sha256(), key, sizeof key, (const unsigned char *)msg.buf, msg.len, seed, &seedn);
	size_t nt = 0;
	while (nt < 22 && tmpl[nt])
		nt++;
	const char *t = tmpl[seed[0] % nt];
	size_t n = strlen(t);
	char *out = arena_alloc(c->a, n + 1);
	for (size_t i = 0; i < n; i++) {
		const char *chars = template_chars(t[i]);
		out[i] = chars[seed[i + 1] % strlen(chars)];
	}
	return v_str(c->a, out, n);
}

/* ---- AES ---- */

static void aes_key(value password, unsigned char key[32])
{
	memset(key, 0, 32);
	memcpy(key, password.u.s, password.len < 32 ? password.len : 32);
}

/* AES-256-CBC without OpenSSL's padding (the caller pads as Sprig does). */
static void aes_cbc(const unsigned char key[32], const unsigned char *iv, const unsigned char *in,
		    size_t n, unsigned char *out, int enc)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0;
	EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv, enc);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_CipherUpdate(ctx, out, &len, in, (int)n);
	EVP_CIPHER_CTX_free(ctx);
}

static value fn_encryptAES(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (argv[1].len == 0)
		return v_str_static("", 0);
	unsigned char key[32];
	aes_key(argv[0], key);
	size_t pad = 16 - argv[1].len % 16, n = argv[1].len + pad;
	unsigned char *plain = arena_alloc(c->a, n), *out = arena_alloc(c->a, 16 + n);
	memcpy(plain, argv[1].u.s, argv[1].len);
	memset(plain + argv[1].len, (int)pad, pad);
	random_fill(out, 16);
	aes_cbc(key, out, plain, n, out + 16, 1);
	return b64_of(c, out, 16 + n);
}

static value fn_decryptAES(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (argv[1].len == 0)
		return v_str_static("", 0);
	unsigned char key[32];
	aes_key(argv[0], key);
	const fn_def *b64dec = NULL;
	for (const fn_def *d = fn_family_encoding; d->name; d++)
		if (!strcmp(d->name, "b64dec"))
			b64dec = d;
	value raw = b64dec->impl(c, argv + 1, 1);
	/* b64dec returns Go's error text as its result; a real decoding of that text is not base64
	 * input */
	if (raw.len >= 19 && !memcmp(raw.u.s, "illegal base64 data", 19))
		fn_fail(c, "%s", raw.u.s);
	const unsigned char *in = (const unsigned char *)raw.u.s;
	int n = (int)raw.len;
	if (n < 16)
		fn_fail(c, "runtime error: slice bounds out of range [:16] with capacity %d", n);
	if ((n - 16) % 16)
		fn_fail(c, "crypto/cipher: input not full blocks");
	if (n == 16)
		fn_fail(c, "runtime error: index out of range [-1]");
	unsigned char *out = arena_alloc(c->a, (size_t)n);
	aes_cbc(key, in, in + 16, (size_t)n - 16, out, 0);
	int len = n - 16, cut = out[len - 1];
	if (cut > len)
		fn_fail(c, "runtime error: slice bounds out of range [:%d]", len - cut);
	return v_str(c->a, (const char *)out, (size_t)(len - cut));
}

/* ---- keys ---- */

static EVP_PKEY *gen_dsa(void)
{
	EVP_PKEY *params = NULL, *key = NULL;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
	if (pc && EVP_PKEY_paramgen_init(pc) > 0 &&
	    EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, 2048) > 0 &&
	    EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pc, 256) > 0)
		EVP_PKEY_paramgen(pc, &params);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_CTX *kc = params ? EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL) : NULL;
	if (kc && EVP_PKEY_keygen_init(kc) > 0)
		EVP_PKEY_keygen(kc, &key);
	EVP_PKEY_CTX_free(kc);
	EVP_PKEY_free(params);
	return key;
}

/* A key as Sprig's pemBlockForKey writes it: PKCS#1 RSA, SEC 1 EC, DSA, else PKCS#8. */
static value key_pem(fnctx *c, EVP_PKEY *k)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519)
		PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
	else
		PEM_write_bio_PrivateKey_traditional(bio, k, NULL, NULL, 0, NULL, NULL);
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	value v = v_str(c->a, p, (size_t)n);
	BIO_free(bio);
	return v;
}

static value fn_genPrivateKey(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const char *t = argv[0].u.s;
	EVP_PKEY *k;
	if (!*t || !strcmp(t, "rsa"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	else if (!strcmp(t, "dsa"))
		k = gen_dsa();
	else if (!strcmp(t, "ecdsa"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (!strcmp(t, "ed25519"))
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else
		return v_cstr(c->a, arena_sprintf(c->a, "Unknown type %s", t));
	if (!k)
		return v_cstr(c->a, "failed to generate private key: key generation failed");
	value v = key_pem(c, k);
	EVP_PKEY_free(k);
	return v;
}

/* The type of the first PEM block ("" when there is none). */
static const char *pem_type(arena *a, const char *s)
{
	const char *b = strstr(s, "-----BEGIN ");
	if (!b)
		return "";
	b += 11;
	const char *e = strstr(b, "-----");
	return e ? arena_strndup(a, b, (size_t)(e - b)) : "";
}

/* parsePrivateKeyPEM; returns NULL with *err set on failure. */
static EVP_PKEY *parse_key(arena *a, const char *pem, const char **err)
{
	const char *type = pem_type(a, pem);
	size_t tn = strlen(type);
	if (!*type) {
		*err = "no PEM data in input";
		return NULL;
	}
	if (strcmp(type, "PRIVATE KEY") && (tn < 12 || strcmp(type + tn - 12, " PRIVATE KEY"))) {
		*err = arena_sprintf(a, "no private key data in PEM block of type %s", type);
		return NULL;
	}
	if (strcmp(type, "PRIVATE KEY") && strcmp(type, "RSA PRIVATE KEY") &&
	    strcmp(type, "EC PRIVATE KEY") && strcmp(type, "DSA PRIVATE KEY")) {
		*err = arena_sprintf(a, "invalid private key type %s", type);
		return NULL;
	}
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!k) {
		bool p8 = !strcmp(type, "PRIVATE KEY");
		*err = p8 ? "decoding PEM as PKCS#8: asn1: structure error"
			  : arena_sprintf(
				a, "parsing %.*s private key from PEM: asn1: structure error",
				(int)(tn - 12), type);
	}
	return k;
}

/* ---- certificates ---- */

typedef struct certificate {
	const char *cert, *key;
} certificate;

static bool cert_field(arena *a, const vobj *o, const char *name, value *out)
{
	const certificate *c = o->data;
	if (strcmp(name, "Cert") && strcmp(name, "Key"))
		return false;
	*out = v_cstr(a, name[0] == 'C' ? c->cert : c->key);
	return true;
}

static value cert_plain(arena *a, const vobj *o)
{
	const certificate *c = o->data;
	value m = v_map_new(a);
	map_setc(a, m.u.m, "Cert", v_cstr(a, c->cert));
	map_setc(a, m.u.m, "Key", v_cstr(a, c->key));
	return m;
}

static const char *cert_string(arena *a, const vobj *o)
{
	const certificate *c = o->data;
	return arena_sprintf(a, "{%s %s}", c->cert, c->key);
}

static const vclass cert_class = {
    .gotype = "sprig.certificate",
    .field = cert_field,
    .to_plain = cert_plain,
    .to_string = cert_string,
    .kind = "struct",
};

typedef struct certreq {
	const char *cn;
	vlist *ips, *dns;
	int64_t days;
	bool ca;
	EVP_PKEY *key;	      /* the new certificate's key */
	X509 *issuer;	      /* NULL: self-signed */
	EVP_PKEY *issuer_key; /* NULL: key */
} certreq;

static bool add_ext(X509 *x, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, val);
	if (!e)
		return false;
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return true;
}

static void add_san(X509 *x, const certreq *r)
{
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	for (uint32_t i = 0; r->dns && i < r->dns->len; i++) {
		ASN1_IA5STRING *s = ASN1_IA5STRING_new();
		ASN1_STRING_set(s, r->dns->items[i].u.s, (int)r->dns->items[i].len);
		GENERAL_NAME *g = GENERAL_NAME_new();
		GENERAL_NAME_set0_value(g, GEN_DNS, s);
		sk_GENERAL_NAME_push(gens, g);
	}
	for (uint32_t i = 0; r->ips && i < r->ips->len; i++) {
		ASN1_OCTET_STRING *ip = a2i_IPADDRESS(r->ips->items[i].u.s);
		GENERAL_NAME *g = GENERAL_NAME_new();
		GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
		sk_GENERAL_NAME_push(gens, g);
	}
	if (sk_GENERAL_NAME_num(gens) > 0)
		X509_add1_ext_i2d(x, NID_subject_alt_name, gens, !*r->cn, X509V3_ADD_DEFAULT);
	GENERAL_NAMES_free(gens);
}

/* Builds and signs the certificate as Go's x509.CreateCertificate does for Sprig's template. */
static X509 *make_cert(const certreq *r)
{
	X509 *x = X509_new();
	X509_set_version(x, 2);
	BIGNUM *bn = BN_new(), *top = BN_new();
	BN_lshift(top, BN_value_one(), 128);
	BN_rand_range(bn, top);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	BN_free(top);
	X509_NAME *name = X509_NAME_new();
	if (*r->cn)
		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)r->cn,
					   -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, r->issuer ? X509_get_subject_name(r->issuer) : name);
	X509_NAME_free(name);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_time_adj_ex(X509_getm_notAfter(x), (int)r->days, 0, NULL);
	X509_set_pubkey(x, r->key);
	add_ext(x, r->issuer, NID_key_usage,
		r->ca ? "critical,digitalSignature,keyEncipherment,keyCertSign"
		      : "critical,digitalSignature,keyEncipherment");
	add_ext(x, r->issuer, NID_ext_key_usage, "serverAuth,clientAuth");
	add_ext(x, r->issuer, NID_basic_constraints,
		r->ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	if (r->ca)
		add_ext(x, r->issuer, NID_subject_key_identifier, "hash");
	if (r->issuer && X509_get0_subject_key_id(r->issuer))
		add_ext(x, r->issuer, NID_authority_key_identifier, "keyid");
	add_san(x, r);
	EVP_PKEY *signer = r->issuer_key ? r->issuer_key : r->key;
	int id = EVP_PKEY_get_base_id(signer);
	const EVP_MD *md = id == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
	if (!X509_sign(x, signer, md)) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static const char *x509_pem(arena *a, X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(bio, x);
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	const char *s = arena_strndup(a, p, (size_t)n);
	BIO_free(bio);
	return s;
}

/* Checks the ip and dns lists as Sprig's getNetIPs/getAlternateDNSStrs; NULL or the error. */
static const char *check_names(fnctx *c, const certreq *r)
{
	for (uint32_t i = 0; r->ips && i < r->ips->len; i++) {
		value v = r->ips->items[i];
		if (v.kind != V_STRING)
			return arena_sprintf(c->a, "error parsing ip: %s is not a string",
					     value_gotype(v));
		ASN1_OCTET_STRING *ip = a2i_IPADDRESS(v.u.s);
		if (!ip)
			return arena_sprintf(c->a, "error parsing ip: %s", v.u.s);
		ASN1_OCTET_STRING_free(ip);
	}
	for (uint32_t i = 0; r->dns && i < r->dns->len; i++)
		if (r->dns->items[i].kind != V_STRING)
			return arena_sprintf(
			    c->a, "error processing alternate dns name: %s is not a string",
			    value_gotype(r->dns->items[i]));
	return NULL;
}

/* Makes the certificate; frees every OpenSSL object it was handed, then fails or returns. */
static value issue(fnctx *c, certreq *r)
{
	const char *err = check_names(c, r);
	X509 *x = err ? NULL : make_cert(r);
	if (!x && !err)
		err = "error creating certificate: x509: signing failed";
	certificate *out = arena_alloc(c->a, sizeof *out);
	if (x) {
		out->cert = x509_pem(c->a, x);
		out->key = key_pem(c, r->key).u.s;
	}
	X509_free(x);
	X509_free(r->issuer);
	EVP_PKEY_free(r->issuer_key);
	EVP_PKEY_free(r->key);
	if (err)
		fn_fail(c, "%s", err);
	return v_obj(c->a, &cert_class, out);
}

static EVP_PKEY *new_rsa(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
}

static EVP_PKEY *key_arg(fnctx *c, value pem)
{
	const char *err = NULL;
	EVP_PKEY *k = parse_key(c->a, pem.u.s, &err);
	if (!k)
		fn_fail(c, "parsing private key: %s", err);
	return k;
}

static vlist *list_arg(value v)
{
	return v.kind == V_LIST ? v.u.l : NULL;
}

static value fn_genCA(fnctx *c, value *argv, int argc)
{
	certreq r = {.cn = argv[0].u.s, .days = argv[1].u.i, .ca = true};
	r.key = argc > 2 ? key_arg(c, argv[2]) : new_rsa();
	return issue(c, &r);
}

static value fn_genSelfSignedCert(fnctx *c, value *argv, int argc)
{
	certreq r = {.cn = argv[0].u.s,
		     .ips = list_arg(argv[1]),
		     .dns = list_arg(argv[2]),
		     .days = argv[3].u.i};
	r.key = argc > 4 ? key_arg(c, argv[4]) : new_rsa();
	return issue(c, &r);
}

static const certificate *cert_arg(fnctx *c, value v)
{
	if (v.kind != V_OBJ || v.u.o->cls != &cert_class)
		fn_fail_raw(c, "wrong type for value; expected sprig.certificate; got %s",
			    value_gotype(v));
	return v.u.o->data;
}

static value fn_genSignedCert(fnctx *c, value *argv, int argc)
{
	const certificate *ca = cert_arg(c, argv[4]);
	certreq r = {.cn = argv[0].u.s,
		     .ips = list_arg(argv[1]),
		     .dns = list_arg(argv[2]),
		     .days = argv[3].u.i};
	const char *err = NULL;
	EVP_PKEY *ikey = NULL;
	BIO *bio = BIO_new_mem_buf(ca->cert, -1);
	X509 *issuer =
	    strstr(ca->cert, "-----BEGIN") ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (!strstr(ca->cert, "-----BEGIN"))
		err = "unable to decode certificate";
	else if (!issuer)
		err = "error parsing certificate: decodedSignerCert.Bytes: x509: malformed "
		      "certificate";
	else if (!(ikey = parse_key(c->a, ca->key, &err)))
		err = arena_sprintf(c->a, "error parsing private key: %s", err);
	if (err) {
		X509_free(issuer);
		fn_fail(c, "%s", err);
	}
	r.issuer = issuer;
	r.issuer_key = ikey;
	r.key = argc > 5 ? parse_key(c->a, argv[5].u.s, &err) : new_rsa();
	if (!r.key) {
		X509_free(issuer);
		EVP_PKEY_free(ikey);
		fn_fail(c, "parsing private key: %s", err);
	}
	return issue(c, &r);
}

static value fn_buildCustomCert(fnctx *c, value *argv, int argc)
{
	(void)argc;
	const fn_def *dec = NULL;
	for (const fn_def *d = fn_family_encoding; d->name; d++)
		if (!strcmp(d->name, "b64dec"))
			dec = d;
	value cert = dec->impl(c, argv, 1), key = dec->impl(c, argv + 1, 1);
	if (!strncmp(cert.u.s, "illegal base64 data", 19))
		fn_fail(c, "unable to decode base64 certificate");
	if (!strncmp(key.u.s, "illegal base64 data", 19))
		fn_fail(c, "unable to decode base64 private key");
	if (!strstr(cert.u.s, "-----BEGIN"))
		fn_fail(c, "unable to decode certificate");
	BIO *bio = BIO_new_mem_buf(cert.u.s, (int)cert.len);
	X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!x)
		fn_fail(
		    c, "error parsing certificate: decodedCert.Bytes: x509: malformed certificate");
	X509_free(x);
	const char *err = NULL;
	EVP_PKEY *k = parse_key(c->a, key.u.s, &err);
	if (!k)
		fn_fail(c, "error parsing private key: %s", err);
	EVP_PKEY_free(k);
	certificate *out = arena_alloc(c->a, sizeof *out);
	out->cert = cert.u.s;
	out->key = key.u.s;
	return v_obj(c->a, &cert_class, out);
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
    {"bcrypt", fn_bcrypt, "s"},
    {"htpasswd", fn_htpasswd, "ss"},
    {"derivePassword", fn_derivePassword, "ussss"},
    {"encryptAES", fn_encryptAES, "ss"},
    {"decryptAES", fn_decryptAES, "ss"},
    {"genPrivateKey", fn_genPrivateKey, "s"},
    {"genCA", fn_genCA, "si"},
    {"genCAWithKey", fn_genCA, "sis"},
    {"genSelfSignedCert", fn_genSelfSignedCert, "slli"},
    {"genSelfSignedCertWithKey", fn_genSelfSignedCert, "sllis"},
    {"genSignedCert", fn_genSignedCert, "slliv"},
    {"genSignedCertWithKey", fn_genSignedCert, "sllivs"},
    {"buildCustomCert", fn_buildCustomCert, "ss"},
    {0},
};
