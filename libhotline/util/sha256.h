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
} hotline__sha256;

void hotline__sha256_init(hotline__sha256 *s);
void hotline__sha256_update(hotline__sha256 *s, const void *data, size_t len);
void hotline__sha256_final(hotline__sha256 *s, uint8_t out[32]);
/* One-shot, as 64 lowercase hex digits. */
void hotline__sha256_hex(const void *data, size_t len, char out[65]);

#endif
