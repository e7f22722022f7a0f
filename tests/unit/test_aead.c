/* util/base64.c and util/aead.c: the text forms of ciphertexts and keys (docs/privacy.md). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "hotline/errors.h"
#include "util/aead.h"
#include "util/base64.h"

static int setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* RFC 4648 §10 vectors; the fast encoder for ciphertexts agrees with libsodium's for keys at every length. */
static void test_base64(void **state)
{
	static const char *const vec[][2] = { { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" } };
	unsigned char bin[64], back[64];
	size_t i, n;
	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		char *t = hotline__b64_public((const unsigned char *)vec[i][0], strlen(vec[i][0]), "p:");
		assert_non_null(t);
		assert_string_equal(t + 2, vec[i][1]);
		assert_int_equal(hotline__b64_public_decode(back, sizeof(back), t + 2, strlen(t + 2), &n), 0);
		assert_int_equal(n, strlen(vec[i][0]));
		assert_memory_equal(back, vec[i][0], n);
		free(t);
	}
	randombytes_buf(bin, sizeof(bin));
	for (i = 0; i <= sizeof(bin); i++) {
		char *a = hotline__b64_public(bin, i, ""), *b = hotline__b64_secret(bin, i, "");
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	/* strict: no missing padding, no stray '=', no other alphabet, nothing too long for the buffer */
	assert_int_equal(hotline__b64_public_decode(back, sizeof(back), "Zg", 2, &n), -1);
	assert_int_equal(hotline__b64_public_decode(back, sizeof(back), "Z=g=", 4, &n), -1);
	assert_int_equal(hotline__b64_public_decode(back, sizeof(back), "Zm-v", 4, &n), -1);
	assert_int_equal(hotline__b64_public_decode(back, 2, "Zm9v", 4, &n), -1);
	/* a key decodes only at its exact length */
	{
		char *k = hotline__b64_secret(bin, 32, "");
		assert_int_equal(hotline__b64_secret_decode(back, 32, k), 0);
		assert_memory_equal(back, bin, 32);
		assert_int_equal(hotline__b64_secret_decode(back, 31, k), -1);
		free(k);
		k = hotline__b64_secret(bin, 31, "");
		assert_int_equal(hotline__b64_secret_decode(back, 32, k), -1);
		free(k);
	}
}

/* A sealed value opens only under its key and its associated data; a key wraps and unwraps. */
static void test_aead(void **state)
{
	unsigned char key[32], other[32], k2[32], *m = NULL;
	hotline__rnd_pool pool;
	size_t n;
	char *t, *u, *w;
	(void)state;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(other, sizeof(other));
	pool.used = 0;
	t = hotline__aead_seal(key, (const unsigned char *)"ad", 2, (const unsigned char *)"13800000000", 11, &pool);
	u = hotline__aead_seal(key, (const unsigned char *)"ad", 2, (const unsigned char *)"13800000000", 11, NULL);
	assert_non_null(t);
	assert_non_null(u);
	assert_memory_equal(t, HOTLINE__AEAD_PREFIX, strlen(HOTLINE__AEAD_PREFIX));
	assert_string_not_equal(t, u); /* a fresh nonce each time */
	assert_int_equal(hotline__aead_open(&m, &n, key, (const unsigned char *)"ad", 2, t), 0);
	assert_int_equal(n, 11);
	assert_string_equal((char *)m, "13800000000");
	free(m);
	assert_int_equal(hotline__aead_open(&m, &n, other, (const unsigned char *)"ad", 2, t), HOTLINE_EKEY);
	assert_null(m);
	assert_int_equal(hotline__aead_open(&m, &n, key, (const unsigned char *)"ae", 2, t), HOTLINE_EKEY);
	assert_int_equal(hotline__aead_open(&m, &n, key, (const unsigned char *)"ad", 2, t + 3), HOTLINE_EKEY);
	assert_int_equal(hotline__aead_open(&m, &n, key, (const unsigned char *)"ad", 2, "v1:Zm9v"), HOTLINE_EKEY);
	assert_int_equal(hotline__aead_open(&m, &n, key, (const unsigned char *)"ad", 2, NULL), HOTLINE_EKEY);
	w = hotline__key_wrap(key, "C1", other);
	assert_non_null(w);
	assert_int_equal(hotline__key_unwrap(k2, key, "C1", w), 0);
	assert_memory_equal(k2, other, 32);
	assert_int_equal(hotline__key_unwrap(k2, key, "C2", w), HOTLINE_EKEY);
	/* a sealed value of another length is not a key */
	assert_int_equal(hotline__key_unwrap(k2, key, "ad", t), HOTLINE_EKEY);
	hotline__rnd_wipe(&pool);
	free(t);
	free(u);
	free(w);
}

/* Values of every length around the short ones' size and far beyond it seal and open to themselves. */
static void test_aead_lengths(void **state)
{
	unsigned char key[32], *msg = malloc(5000), *m = NULL;
	size_t lens[] = { 0, 1, 200, 215, 216, 217, 218, 255, 256, 257, 1000, 4999 }, i, n;
	(void)state;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(msg, 5000);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *t = hotline__aead_seal(key, (const unsigned char *)"ad", 2, msg, lens[i], NULL);
		assert_non_null(t);
		assert_int_equal(hotline__aead_open(&m, &n, key, (const unsigned char *)"ad", 2, t), 0);
		assert_int_equal(n, lens[i]);
		if (n)
			assert_memory_equal(m, msg, n);
		free(m);
		m = NULL;
		free(t);
	}
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_aead),
		cmocka_unit_test(test_aead_lengths),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
