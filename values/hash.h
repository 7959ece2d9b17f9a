/* hash.h - SHA-1 and SHA-256, written out in C.
 *
 * Charts hash their config into annotations on nearly every render
 * (`sha256sum`); loading libcrypto for that costs about 3.5 MB and a
 * millisecond per run, so these two digests do not go through it. The
 * rest of the crypto functions still use libcrypto (functions/crypto.c).
 */
#ifndef RENDER_HASH_H
#define RENDER_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

typedef struct sha_ctx {
	uint32_t h[8];
	uint64_t n; /* bytes hashed */
	unsigned char blk[64];
	size_t used;
	int sha1; /* 1: SHA-1, 0: SHA-256 */
} sha_ctx;

void sha256_init(sha_ctx *s);
void sha1_init(sha_ctx *s);
void sha_update(sha_ctx *s, const void *data, size_t len);
/* The digest in lowercase hex (64 or 40 characters), from the arena. */
const char *sha_hex(arena *a, sha_ctx *s);

/* One-shot helpers. */
const char *sha256_hex(arena *a, const void *data, size_t len);
const char *sha1_hex(arena *a, const void *data, size_t len);

#endif
