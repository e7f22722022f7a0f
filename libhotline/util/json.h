/*
 * Writing JSON text fast: a growable buffer that can hand its contents to a
 * sink as it fills (streamed documents), and the canonical form of a value
 * (compact, object keys sorted): byte for byte what jansson's
 * json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) gives.
 */
#ifndef HOTLINE_UTIL_JSON_H
#define HOTLINE_UTIL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Receives full chunks of a streamed document; non-zero stops the writer. */
typedef int (*hotline__sink_fn)(void *ctx, const char *data, size_t len);

typedef struct hotline__sbuf {
	char *p;
	size_t n, cap;
	int err;                  /* HOTLINE_ENOMEM or the sink's failure; sticky */
	hotline__sink_fn sink;    /* NULL: keep everything in p */
	void *sink_ctx;
} hotline__sbuf;

void hotline__sbuf_init(hotline__sbuf *b, hotline__sink_fn sink, void *ctx);
void hotline__sbuf_free(hotline__sbuf *b);
void hotline__sbuf_put(hotline__sbuf *b, const char *s, size_t n);
void hotline__sbuf_puts(hotline__sbuf *b, const char *s);
void hotline__sbuf_putc(hotline__sbuf *b, char c);
void hotline__sbuf_int(hotline__sbuf *b, int64_t v);
/* A JSON string literal of s (n bytes), escaped as jansson escapes it. */
void hotline__sbuf_str(hotline__sbuf *b, const char *s, size_t n);
/* Hands what is buffered to the sink (no-op without one); returns b->err. */
int hotline__sbuf_flush(hotline__sbuf *b);
/* The buffer as a NUL-terminated string owned by the caller (NULL on failure); b is reset. */
char *hotline__sbuf_take(hotline__sbuf *b);

/* Appends the canonical text of v. */
void hotline__json_write(hotline__sbuf *b, const json_t *v);
/* The canonical text of v, malloc'd; NULL when memory is short. */
char *hotline__json_canonical(const json_t *v);

#endif
