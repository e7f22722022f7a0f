/* Name-based UUIDs (RFC 4122 version 5, SHA-1), as libuuid's uuid_generate_sha1 makes them. */
#ifndef HOTLINE_UTIL_UUID5_H
#define HOTLINE_UTIL_UUID5_H

#include <stddef.h>
#include <stdint.h>

/* SHA-1 (FIPS 180-4) of data, one shot. */
void hotline__sha1(const void *data, size_t len, uint8_t out[20]);
/* The version-5 UUID of name in namespace ns, as 36 lowercase characters and a NUL. */
void hotline__uuid5(const uint8_t ns[16], const void *name, size_t len, char out[37]);

#endif
