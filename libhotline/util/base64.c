/* Base64 of ciphertexts and keys (util/base64.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/base64.h"

char *hotline__b64_secret(const unsigned char *bin, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix), blen = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(plen + blen);
	if (!out)
		return NULL;
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, blen, bin, n, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

int hotline__b64_secret_decode(unsigned char *out, size_t size, const char *text)
{
	size_t n = 0;
	if (sodium_base642bin(out, size, text, strlen(text), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || n != size)
		return -1;
	return 0;
}

/*
 * Public bytes (ciphertexts): the table-driven code is several times faster
 * than libsodium's constant-time one, which stays for secret bytes (keys).
 */
static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *hotline__b64_public(const unsigned char *bin, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix), i;
	char *out = malloc(plen + (n + 2) / 3 * 4 + 1), *o;
	if (!out)
		return NULL;
	memcpy(out, prefix, plen);
	o = out + plen;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)bin[i] << 16 | (unsigned long)bin[i + 1] << 8 | bin[i + 2];
		*o++ = b64_chars[v >> 18];
		*o++ = b64_chars[(v >> 12) & 63];
		*o++ = b64_chars[(v >> 6) & 63];
		*o++ = b64_chars[v & 63];
	}
	if (i < n) {
		unsigned long v = (unsigned long)bin[i] << 16 | (i + 1 < n ? (unsigned long)bin[i + 1] << 8 : 0);
		*o++ = b64_chars[v >> 18];
		*o++ = b64_chars[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64_chars[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

int hotline__b64_public_decode(unsigned char *out, size_t size, const char *text, size_t len, size_t *n)
{
	size_t i, o = 0, pad = 0;
	if (len % 4)
		return -1;
	if (len && text[len - 1] == '=')
		pad = text[len - 2] == '=' ? 2 : 1;
	if (len / 4 * 3 - pad > size)
		return -1;
	for (i = 0; i < len; i += 4) {
		int a = b64_value((unsigned char)text[i]), b = b64_value((unsigned char)text[i + 1]);
		int c = b64_value((unsigned char)text[i + 2]), d = b64_value((unsigned char)text[i + 3]);
		int last = i + 4 == len;
		/* '=' only as the padding of the last group */
		if (a < 0 || b < 0 || (c < 0 && !(last && pad == 2)) || (d < 0 && !(last && pad >= 1)))
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		if (!(last && pad == 2))
			out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		if (!(last && pad >= 1))
			out[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	*n = o;
	return 0;
}
