/* Event ids' name-based UUIDs (util/uuid5.c): SHA-1 against FIPS 180 examples, UUIDs against libuuid's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <uuid/uuid.h>

#include "util/uuid5.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	size_t i;
	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_sha1_vectors(void **state)
{
	static const struct { const char *in, *want; } v[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "a49b2446a02c645bf419f995b67091253a04a259" },
	};
	uint8_t d[20];
	char h[41];
	size_t i;
	char *million = malloc(1000000);
	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hotline__sha1(v[i].in, strlen(v[i].in), d);
		hex(d, 20, h);
		assert_string_equal(h, v[i].want);
	}
	assert_non_null(million);
	memset(million, 'a', 1000000);
	hotline__sha1(million, 1000000, d);
	hex(d, 20, h);
	assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(million);
}

/* Names of every length around the block boundaries, in two namespaces: libuuid's UUID each time. */
static void test_uuid5_matches_libuuid(void **state)
{
	static const uint8_t ns1[16] = { 0x6f, 0x0c, 0x1e, 0x5a, 0x9b, 0x2d, 0x4c, 0x61,
		0x8e, 0x37, 0xa4, 0x50, 0xd2, 0x19, 0xc8, 0x7b };
	uint8_t ns2[16];
	char name[300], mine[37], theirs[37];
	size_t len, i;
	uuid_t u;
	(void)state;
	for (i = 0; i < 16; i++)
		ns2[i] = (uint8_t)(0xF0 ^ (i * 37));
	for (len = 0; len < sizeof(name); len++) {
		for (i = 0; i < len; i++)
			name[i] = (char)('0' + (i * 7 + len) % 75);
		hotline__uuid5(ns1, name, len, mine);
		uuid_generate_sha1(u, ns1, name, len);
		uuid_unparse_lower(u, theirs);
		assert_string_equal(mine, theirs);
		hotline__uuid5(ns2, name, len, mine);
		uuid_generate_sha1(u, ns2, name, len);
		uuid_unparse_lower(u, theirs);
		assert_string_equal(mine, theirs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_vectors),
		cmocka_unit_test(test_uuid5_matches_libuuid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
