/*
 * XChaCha20-Poly1305 of small values and keys (util/aead.h), and the pool of
 * random bytes their nonces and fresh keys come from.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hotline/errors.h"
#include "util/aead.h"
#include "util/base64.h"

const unsigned char *hotline__rnd_take(hotline__rnd_pool *p, size_t n)
{
	if (p->used == 0 || p->used + n > sizeof(p->buf)) {
		randombytes_buf(p->buf, sizeof(p->buf));
		p->used = 0;
	}
	p->used += n;
	return p->buf + p->used - n;
}

void hotline__rnd_wipe(hotline__rnd_pool *p)
{
	sodium_memzero(p, sizeof(*p));
}

char *hotline__aead_seal(const unsigned char key[32], const unsigned char *ad, size_t ad_len, const unsigned char *m,
	size_t n, hotline__rnd_pool *pool)
{
	size_t total = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + n + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	/* nonce and ciphertext (nothing secret) on the stack for the usual short values: one allocation less each */
	unsigned char stack[256], *buf = total <= sizeof(stack) ? stack : malloc(total);
	unsigned long long clen;
	char *out;
	if (!buf)
		return NULL;
	if (pool)
		memcpy(buf, hotline__rnd_take(pool, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES),
			crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	else
		randombytes_buf(buf, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, m, n,
		ad, ad_len, NULL, buf, key);
	out = hotline__b64_public(buf, total, HOTLINE__AEAD_PREFIX);
	if (buf != stack)
		free(buf);
	return out;
}

int hotline__aead_open(unsigned char **out, size_t *n, const unsigned char key[32], const unsigned char *ad,
	size_t ad_len, const char *text)
{
	size_t tlen, blen;
	unsigned char *bin;
	unsigned long long mlen;
	const size_t NB = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, AB = crypto_aead_xchacha20poly1305_ietf_ABYTES;
	*out = NULL;
	if (!text || strncmp(text, HOTLINE__AEAD_PREFIX, strlen(HOTLINE__AEAD_PREFIX)) != 0)
		return HOTLINE_EKEY;
	text += strlen(HOTLINE__AEAD_PREFIX);
	tlen = strlen(text);
	if (!(bin = malloc(tlen + 1)))
		return HOTLINE_ENOMEM;
	if (hotline__b64_public_decode(bin, tlen, text, tlen, &blen) != 0 || blen < NB + AB) {
		free(bin);
		return HOTLINE_EKEY;
	}
	if (!(*out = malloc(blen - NB - AB + 1))) {
		free(bin);
		return HOTLINE_ENOMEM;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(*out, &mlen, NULL, bin + NB, blen - NB, ad, ad_len, bin, key) != 0) {
		free(bin);
		free(*out);
		*out = NULL;
		return HOTLINE_EKEY;
	}
	free(bin);
	(*out)[mlen] = '\0';
	*n = (size_t)mlen;
	return 0;
}

char *hotline__key_wrap(const unsigned char wrap[32], const char *ad, const unsigned char key[32])
{
	return hotline__aead_seal(wrap, (const unsigned char *)ad, strlen(ad), key, 32, NULL);
}

int hotline__key_unwrap(unsigned char key[32], const unsigned char wrap[32], const char *ad, const char *wrapped)
{
	unsigned char *m;
	size_t n;
	int rc = hotline__aead_open(&m, &n, wrap, (const unsigned char *)ad, strlen(ad), wrapped);
	if (rc)
		return rc;
	if (n != 32) {
		sodium_memzero(m, n);
		free(m);
		return HOTLINE_EKEY;
	}
	memcpy(key, m, 32);
	sodium_memzero(m, n);
	free(m);
	return 0;
}
