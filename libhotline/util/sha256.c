/* SHA-256 after FIPS 180-4; a small self-contained implementation. */
#include "util/sha256.h"

#include <string.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define BSIG0(x) (ROR(x, 2) ^ ROR(x, 13) ^ ROR(x, 22))
#define BSIG1(x) (ROR(x, 6) ^ ROR(x, 11) ^ ROR(x, 25))
#define SSIG0(x) (ROR(x, 7) ^ ROR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROR(x, 17) ^ ROR(x, 19) ^ ((x) >> 10))
/* Ch and Maj with one operation fewer each than their definitions, same values */
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/*
 * One round, the eight working variables named in their order for it
 * (FIPS 180-4 6.2.2 step 3): d and h take the new e and a, and the next
 * round names them one place on, so nothing is moved. w: the last sixteen
 * words of the schedule, word k of the round's group of sixteen at w[k].
 */
#define ROUND(a, b, c, d, e, f, g, h, k) do { \
		uint32_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + K[i + (k)] + w[k]; \
		(d) += t1_; \
		(h) = t1_ + BSIG0(a) + MAJ(a, b, c); \
	} while (0)
/* The schedule's next word (W[t] from W[t-2], W[t-7], W[t-15] and W[t-16]) in place of W[t-16], then the round. */
#define ROUND_W(a, b, c, d, e, f, g, h, k) do { \
		w[k] += SSIG1(w[((k) + 14) & 15]) + w[((k) + 9) & 15] + SSIG0(w[((k) + 1) & 15]); \
		ROUND(a, b, c, d, e, f, g, h, k); \
	} while (0)
#define SIXTEEN(R) do { \
		R(a, bb, c, d, e, f, g, h, 0); R(h, a, bb, c, d, e, f, g, 1); \
		R(g, h, a, bb, c, d, e, f, 2); R(f, g, h, a, bb, c, d, e, 3); \
		R(e, f, g, h, a, bb, c, d, 4); R(d, e, f, g, h, a, bb, c, 5); \
		R(c, d, e, f, g, h, a, bb, 6); R(bb, c, d, e, f, g, h, a, 7); \
		R(a, bb, c, d, e, f, g, h, 8); R(h, a, bb, c, d, e, f, g, 9); \
		R(g, h, a, bb, c, d, e, f, 10); R(f, g, h, a, bb, c, d, e, 11); \
		R(e, f, g, h, a, bb, c, d, 12); R(d, e, f, g, h, a, bb, c, 13); \
		R(c, d, e, f, g, h, a, bb, 14); R(bb, c, d, e, f, g, h, a, 15); \
	} while (0)

/*
 * The rounds written out sixteen at a time over a sixteen-word schedule:
 * the working variables are not shifted down each round, which is most of
 * what a rolled loop spends where the SHA extensions are missing.
 */
void hotline__sha256_blocks_portable(uint32_t st[8], const uint8_t *b, size_t blocks)
{
	uint32_t w[16], a, bb, c, d, e, f, g, h;
	int i;
	for (; blocks; blocks--, b += 64) {
		for (i = 0; i < 16; i++)
			w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 | (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
		a = st[0]; bb = st[1]; c = st[2]; d = st[3];
		e = st[4]; f = st[5]; g = st[6]; h = st[7];
		i = 0;
		SIXTEEN(ROUND);
		for (i = 16; i < 64; i += 16)
			SIXTEEN(ROUND_W);
		st[0] += a; st[1] += bb; st[2] += c; st[3] += d;
		st[4] += e; st[5] += f; st[6] += g; st[7] += h;
	}
}

#if HOTLINE__SHA256_HW
/*
 * The x86 SHA extensions (SHA-NI), chosen at run time when the processor
 * has them; same results as the portable code (tests compare the two).
 */
#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>

__attribute__((target("sha,sse4.1,ssse3")))
void hotline__sha256_blocks_hw(uint32_t st[8], const uint8_t *data, size_t blocks)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i s0, s1, tmp, msg, w[4], abef, cdgh;
	int g;

	tmp = _mm_loadu_si128((const __m128i *)&st[0]);
	s1 = _mm_loadu_si128((const __m128i *)&st[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);          /* CDAB */
	s1 = _mm_shuffle_epi32(s1, 0x1B);            /* EFGH */
	s0 = _mm_alignr_epi8(tmp, s1, 8);            /* ABEF */
	s1 = _mm_blend_epi16(s1, tmp, 0xF0);         /* CDGH */
	for (; blocks; blocks--, data += 64) {
		abef = s0;
		cdgh = s1;
		for (g = 0; g < 16; g++) {
			if (g < 4) {
				w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * g)), mask);
			} else {
				/* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four words at a time */
				tmp = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
				tmp = _mm_add_epi32(tmp, _mm_alignr_epi8(w[(g + 3) & 3], w[(g + 2) & 3], 4));
				w[g & 3] = _mm_sha256msg2_epu32(tmp, w[(g + 3) & 3]);
			}
			msg = _mm_add_epi32(w[g & 3], _mm_loadu_si128((const __m128i *)&K[4 * g]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
			msg = _mm_shuffle_epi32(msg, 0x0E);
			s0 = _mm_sha256rnds2_epu32(s0, s1, msg);
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	tmp = _mm_shuffle_epi32(s0, 0x1B);           /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);            /* DCHG */
	s0 = _mm_blend_epi16(tmp, s1, 0xF0);         /* DCBA */
	s1 = _mm_alignr_epi8(s1, tmp, 8);            /* ABEF */
	_mm_storeu_si128((__m128i *)&st[0], s0);
	_mm_storeu_si128((__m128i *)&st[4], s1);
}

static pthread_once_t hw_once = PTHREAD_ONCE_INIT;
static int hw_ok;

static void hw_detect(void)
{
	unsigned a, b, c, d;
	int ssse3_sse41 = 0;
	if (__get_cpuid(1, &a, &b, &c, &d))
		ssse3_sse41 = (c & (1u << 9)) && (c & (1u << 19));
	if (ssse3_sse41 && __get_cpuid_count(7, 0, &a, &b, &c, &d))
		hw_ok = (b & (1u << 29)) != 0;
}

int hotline__sha256_hw_available(void)
{
	pthread_once(&hw_once, hw_detect);
	return hw_ok;
}
#else
int hotline__sha256_hw_available(void)
{
	return 0;
}
#endif

static void blocks(hotline__sha256 *s, const uint8_t *b, size_t n)
{
#if HOTLINE__SHA256_HW
	if (s->hw) {
		hotline__sha256_blocks_hw(s->h, b, n);
		return;
	}
#endif
	hotline__sha256_blocks_portable(s->h, b, n);
}

void hotline__sha256_init(hotline__sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, iv, sizeof(iv));
	s->length = 0;
	s->used = 0;
	s->hw = hotline__sha256_hw_available();
}

void hotline__sha256_update(hotline__sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	s->length += len;
	if (s->used) {
		size_t n = 64 - s->used;
		if (n > len)
			n = len;
		memcpy(s->block + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used < 64)
			return;
		blocks(s, s->block, 1);
		s->used = 0;
	}
	if (len >= 64) {
		blocks(s, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	memcpy(s->block, p, len);
	s->used = len;
}

void hotline__sha256_final(hotline__sha256 *s, uint8_t out[32])
{
	uint64_t bits = s->length * 8;
	int i;
	s->block[s->used++] = 0x80;
	if (s->used > 56) {
		memset(s->block + s->used, 0, 64 - s->used);
		blocks(s, s->block, 1);
		s->used = 0;
	}
	memset(s->block + s->used, 0, 56 - s->used);
	for (i = 0; i < 8; i++)
		s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	blocks(s, s->block, 1);
	s->used = 0;
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void hotline__sha256_final_hex(hotline__sha256 *s, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[32];
	int i;
	hotline__sha256_final(s, d);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void hotline__sha256_hex(const void *data, size_t len, char out[65])
{
	hotline__sha256 s;
	hotline__sha256_init(&s);
	hotline__sha256_update(&s, data, len);
	hotline__sha256_final_hex(&s, out);
}
