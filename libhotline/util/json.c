/*
 * Fast JSON writing (see json.h). The canonical form must stay identical to
 * jansson's sorted compact dump: event hashes and byte-identical outputs
 * depend on it, and tests compare the two on many values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hotline/errors.h"
#include "util/json.h"

#define SINK_CHUNK 65536

void hotline__sbuf_init(hotline__sbuf *b, hotline__sink_fn sink, void *ctx)
{
	memset(b, 0, sizeof(*b));
	b->sink = sink;
	b->sink_ctx = ctx;
}

void hotline__sbuf_free(hotline__sbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = b->cap = 0;
}

int hotline__sbuf_flush(hotline__sbuf *b)
{
	if (b->sink && !b->err && b->n) {
		if (b->sink(b->sink_ctx, b->p, b->n) != 0)
			b->err = HOTLINE_EIO;
		b->n = 0;
	}
	return b->err;
}

/* Room for n more bytes and a terminating NUL. */
static int reserve(hotline__sbuf *b, size_t n)
{
	size_t cap;
	char *p;
	if (b->err)
		return -1;
	if (b->sink && b->n + n > SINK_CHUNK && b->n) {
		if (hotline__sbuf_flush(b))
			return -1;
	}
	if (b->n + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->n + n + 1)
		cap *= 2;
	if (!(p = realloc(b->p, cap))) {
		b->err = HOTLINE_ENOMEM;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void hotline__sbuf_put(hotline__sbuf *b, const char *s, size_t n)
{
	if (reserve(b, n))
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

void hotline__sbuf_puts(hotline__sbuf *b, const char *s)
{
	hotline__sbuf_put(b, s, strlen(s));
}

void hotline__sbuf_putc(hotline__sbuf *b, char c)
{
	if (reserve(b, 1))
		return;
	b->p[b->n++] = c;
}

void hotline__sbuf_int(hotline__sbuf *b, int64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--i] = '-';
	hotline__sbuf_put(b, tmp + i, sizeof(tmp) - i);
}

void hotline__sbuf_str(hotline__sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;
	hotline__sbuf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *esc;
		char u[6];
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		hotline__sbuf_put(b, s + run, i - run);
		run = i + 1;
		switch (ch) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			u[0] = '\\';
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hex[ch >> 4];
			u[5] = hex[ch & 15];
			hotline__sbuf_put(b, u, 6);
			continue;
		}
		hotline__sbuf_put(b, esc, 2);
	}
	hotline__sbuf_put(b, s + run, n - run);
	hotline__sbuf_putc(b, '"');
}

char *hotline__sbuf_take(hotline__sbuf *b)
{
	char *p;
	if (reserve(b, 0)) {
		hotline__sbuf_free(b);
		return NULL;
	}
	b->p[b->n] = '\0';
	p = b->p;
	b->p = NULL;
	b->n = b->cap = 0;
	return p;
}

typedef struct member {
	const char *key;
	size_t len;
	json_t *value;
} member;

static int key_less(const member *a, const member *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->key, b->key, n);
	return c < 0 || (c == 0 && a->len < b->len);
}

static void write_object(hotline__sbuf *b, const json_t *v)
{
	member stack[32], *m = stack;
	size_t n = json_object_size(v), i = 0, j;
	void *it;
	if (n > sizeof(stack) / sizeof(stack[0]) && !(m = malloc(n * sizeof(*m)))) {
		b->err = HOTLINE_ENOMEM;
		return;
	}
	/* insertion sort: objects here have a few dozen keys at most */
	for (it = json_object_iter((json_t *)v); it && i < n; it = json_object_iter_next((json_t *)v, it), i++) {
		member x;
		x.key = json_object_iter_key(it);
		x.len = json_object_iter_key_len(it);
		x.value = json_object_iter_value(it);
		for (j = i; j > 0 && key_less(&x, &m[j - 1]); j--)
			m[j] = m[j - 1];
		m[j] = x;
	}
	hotline__sbuf_putc(b, '{');
	for (j = 0; j < i; j++) {
		if (j)
			hotline__sbuf_putc(b, ',');
		hotline__sbuf_str(b, m[j].key, m[j].len);
		hotline__sbuf_putc(b, ':');
		hotline__json_write(b, m[j].value);
	}
	hotline__sbuf_putc(b, '}');
	if (m != stack)
		free(m);
}

void hotline__json_write(hotline__sbuf *b, const json_t *v)
{
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		write_object(b, v);
		break;
	case JSON_ARRAY:
		hotline__sbuf_putc(b, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				hotline__sbuf_putc(b, ',');
			hotline__json_write(b, json_array_get(v, i));
		}
		hotline__sbuf_putc(b, ']');
		break;
	case JSON_STRING:
		hotline__sbuf_str(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		hotline__sbuf_int(b, json_integer_value(v));
		break;
	case JSON_TRUE:
		hotline__sbuf_put(b, "true", 4);
		break;
	case JSON_FALSE:
		hotline__sbuf_put(b, "false", 5);
		break;
	case JSON_NULL:
		hotline__sbuf_put(b, "null", 4);
		break;
	default: {
		/* reals: jansson's own formatting */
		char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!t) {
			b->err = HOTLINE_ENOMEM;
			return;
		}
		hotline__sbuf_puts(b, t);
		free(t);
	}
	}
}

char *hotline__json_canonical(const json_t *v)
{
	hotline__sbuf b;
	if (!v)
		return NULL;
	hotline__sbuf_init(&b, NULL, NULL);
	hotline__json_write(&b, v);
	return hotline__sbuf_take(&b);
}
