/*
 * Name-based UUIDs for event ids (core/eventlog.c): SHA-1 of the namespace
 * and the name, version and variant bits set, written in lower case; the
 * bytes libuuid's uuid_generate_sha1 and uuid_unparse_lower give, made here
 * without their per-call setup.
 */
#include <string.h>

#include "util/uuid5.h"

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d;
			k = 0xCA62C1D6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

/* SHA-1 of the two parts one after the other. */
static void sha1_2(const uint8_t *p1, size_t n1, const uint8_t *p2, size_t n2, uint8_t out[20])
{
	uint32_t h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0 };
	uint8_t buf[64];
	uint64_t bits = (uint64_t)(n1 + n2) * 8;
	size_t used = 0, i;
	const uint8_t *parts[2] = { p1, p2 };
	size_t lens[2] = { n1, n2 };
	for (i = 0; i < 2; i++) {
		const uint8_t *p = parts[i];
		size_t n = lens[i];
		while (n) {
			size_t k = 64 - used < n ? 64 - used : n;
			if (used == 0 && n >= 64) {
				block(h, p);
				p += 64;
				n -= 64;
				continue;
			}
			memcpy(buf + used, p, k);
			used += k;
			p += k;
			n -= k;
			if (used == 64) {
				block(h, buf);
				used = 0;
			}
		}
	}
	buf[used++] = 0x80;
	if (used > 56) {
		memset(buf + used, 0, 64 - used);
		block(h, buf);
		used = 0;
	}
	memset(buf + used, 0, 56 - used);
	for (i = 0; i < 8; i++)
		buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	block(h, buf);
	for (i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

void hotline__sha1(const void *data, size_t len, uint8_t out[20])
{
	sha1_2(data, len, NULL, 0, out);
}

void hotline__uuid5(const uint8_t ns[16], const void *name, size_t len, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[20];
	int i, j = 0;
	sha1_2(ns, 16, name, len, d);
	d[6] = (uint8_t)((d[6] & 0x0F) | 0x50); /* version 5 */
	d[8] = (uint8_t)((d[8] & 0x3F) | 0x80); /* the RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[d[i] >> 4];
		out[j++] = hex[d[i] & 15];
	}
	out[36] = '\0';
}
