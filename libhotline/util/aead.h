/*
 * Authenticated encryption of small values: XChaCha20-Poly1305 (libsodium)
 * with associated data, as text "v1:<base64 nonce|ciphertext>". The formats
 * are described in docs/privacy.md.
 */
#ifndef HOTLINE_UTIL_AEAD_H
#define HOTLINE_UTIL_AEAD_H

#include <stddef.h>

/* The prefix of every sealed text. */
#define HOTLINE__AEAD_PREFIX "v1:"

/* Random bytes drawn from one call to the system's generator (one system call rather than one per nonce and key). */
typedef struct hotline__rnd_pool {
	unsigned char buf[256];
	size_t used;               /* 0: empty (set it so before the first take) */
} hotline__rnd_pool;

/* n (at most 256) fresh random bytes from the pool, refilled when it runs short. */
const unsigned char *hotline__rnd_take(hotline__rnd_pool *p, size_t n);
/* Wipes the pool's bytes. */
void hotline__rnd_wipe(hotline__rnd_pool *p);

/*
 * Seals n bytes under a 32-byte key: "v1:" + base64(nonce | ciphertext)
 * (caller frees; NULL when memory is short). The nonce from `pool`, or
 * fresh when pool is NULL.
 */
char *hotline__aead_seal(const unsigned char key[32], const unsigned char *ad, size_t ad_len, const unsigned char *m,
	size_t n, hotline__rnd_pool *pool);
/*
 * Opens what hotline__aead_seal made: *out (malloc'd, NUL-terminated, the
 * caller wipes and frees it) and *n. 0, HOTLINE_EKEY (not such a text, or
 * it does not open under this key and associated data) or HOTLINE_ENOMEM.
 */
int hotline__aead_open(unsigned char **out, size_t *n, const unsigned char key[32], const unsigned char *ad,
	size_t ad_len, const char *text);

/* A 32-byte key sealed under `wrap` with the associated data `ad` (caller frees). */
char *hotline__key_wrap(const unsigned char wrap[32], const char *ad, const unsigned char key[32]);
/* Opens a key hotline__key_wrap made: 0, HOTLINE_EKEY or HOTLINE_ENOMEM. */
int hotline__key_unwrap(unsigned char key[32], const unsigned char wrap[32], const char *ad, const char *wrapped);

#endif
