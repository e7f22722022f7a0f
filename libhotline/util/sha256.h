/* SHA-256 (FIPS 180-4), for the event log's hash chain. */
#ifndef HOTLINE_UTIL_SHA256_H
#define HOTLINE_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct hotline__sha256 {
	uint32_t h[8];
	uint64_t length;     /* bytes hashed so far */
	uint8_t block[64];
	size_t used;         /* bytes waiting in block */
	int hw;              /* the processor's SHA instructions are used */
} hotline__sha256;

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define HOTLINE__SHA256_HW 1
#else
#define HOTLINE__SHA256_HW 0
#endif

void hotline__sha256_init(hotline__sha256 *s);
void hotline__sha256_update(hotline__sha256 *s, const void *data, size_t len);
void hotline__sha256_final(hotline__sha256 *s, uint8_t out[32]);
/* The block functions behind update (exposed so that tests can compare them). */
void hotline__sha256_blocks_portable(uint32_t h[8], const uint8_t *blocks, size_t n);
#if HOTLINE__SHA256_HW
void hotline__sha256_blocks_hw(uint32_t h[8], const uint8_t *blocks, size_t n);
#endif
/* 1 when this processor has SHA instructions the library uses. */
int hotline__sha256_hw_available(void);
/* Finishes and writes the digest as 64 lowercase hex digits. */
void hotline__sha256_final_hex(hotline__sha256 *s, char out[65]);
/* One-shot, as 64 lowercase hex digits. */
void hotline__sha256_hex(const void *data, size_t len, char out[65]);

#endif
