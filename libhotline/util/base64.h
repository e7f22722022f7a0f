/* Base64, standard alphabet, padded (RFC 4648 §4): the text form of ciphertexts and keys. */
#ifndef HOTLINE_UTIL_BASE64_H
#define HOTLINE_UTIL_BASE64_H

#include <stddef.h>

/*
 * prefix + base64 of n secret bytes (caller frees; NULL when memory is
 * short): libsodium's constant-time encoder, for keys.
 */
char *hotline__b64_secret(const unsigned char *bin, size_t n, const char *prefix);
/*
 * The same for public bytes (ciphertexts): a table-driven encoder several
 * times faster than the constant-time one.
 */
char *hotline__b64_public(const unsigned char *bin, size_t n, const char *prefix);
/*
 * Decodes len characters of text that hotline__b64_public made (strictly:
 * padded, nothing else) into out (size bytes), *n the bytes written; -1
 * when it is not that or does not fit.
 */
int hotline__b64_public_decode(unsigned char *out, size_t size, const char *text, size_t len, size_t *n);
/* Decodes base64 of secret bytes (constant-time) into out; 0 when it is exactly `size` bytes, else -1. */
int hotline__b64_secret_decode(unsigned char *out, size_t size, const char *text);

#endif
