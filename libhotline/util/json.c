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
#include "util/vec.h"

#define SINK_CHUNK 65536
#define CANONICAL_START 1024

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
	/* the usual case without a call: room left, no sink to hand chunks to */
	if (!b->sink && !b->err && b->n + 2 <= b->cap) {
		b->p[b->n++] = c;
		return;
	}
	if (reserve(b, 1))
		return;
	b->p[b->n++] = c;
}

/* "00".."99": two digits per division */
static const char digits2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* The number of decimal digits of u. */
static int ndigits(uint64_t u)
{
	static const uint64_t pow10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
		1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL,
		1000000000000000000ULL, 10000000000000000000ULL
	};
#if defined(__GNUC__)
	/* log10 from log2 (1233/4096 ~ log10(2)), then one comparison to correct it */
	int t = ((64 - __builtin_clzll(u | 1)) * 1233) >> 12;
	return t + (u >= pow10[t]);
#else
	int t = 1;
	while (t < 20 && u >= pow10[t])
		t++;
	return t;
#endif
}

char *hotline__fmt_int(char *dst, int64_t v)
{
	uint64_t u = (uint64_t)v;
	char *end;
	if (v < 0) {
		*dst++ = '-';
		u = (uint64_t)0 - u;
	}
	if (u < 10) {
		*dst = (char)('0' + u);
		return dst + 1;
	}
	end = dst + ndigits(u);
	dst = end;
	/* below 2^32 the divisions are 32-bit ones */
	while (u > UINT32_MAX) {
		uint64_t q = u / 100;
		dst -= 2;
		memcpy(dst, digits2 + 2 * (u - q * 100), 2);
		u = q;
	}
	{
		uint32_t w = (uint32_t)u;
		while (w >= 100) {
			uint32_t q = w / 100;
			dst -= 2;
			memcpy(dst, digits2 + 2 * (w - q * 100), 2);
			w = q;
		}
		if (w >= 10) {
			dst -= 2;
			memcpy(dst, digits2 + 2 * w, 2);
		} else {
			*--dst = (char)('0' + w);
		}
	}
	return end;
}

char *hotline__sbuf_room(hotline__sbuf *b, size_t n)
{
	if (!b->sink && !b->err && b->n + n + 1 <= b->cap)
		return b->p + b->n;
	return reserve(b, n) ? NULL : b->p + b->n;
}

void hotline__sbuf_int(hotline__sbuf *b, int64_t v)
{
	char tmp[HOTLINE__INT_MAX_LEN], *o;
	if (b->sink) {
		/* the exact length reserved: a streamed document's chunks end where they did */
		hotline__sbuf_put(b, tmp, (size_t)(hotline__fmt_int(tmp, v) - tmp));
		return;
	}
	if ((o = hotline__sbuf_room(b, HOTLINE__INT_MAX_LEN)) != NULL)
		b->n = (size_t)(hotline__fmt_int(o, v) - b->p);
}

/*
 * Whether any of the 8 bytes of w is below 0x20, '"' or '\\' (the bytes
 * JSON escapes): the classic "has a zero / a smaller byte" bit tricks,
 * exact as to whether one is there.
 */
static int needs_escape8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
	uint64_t lt = (w - ones * 0x20) & ~w;
	uint64_t zq = (q - ones) & ~q, zb = (bs - ones) & ~bs;
	return ((lt | zq | zb) & highs) != 0;
}

/* Text kept in memory (no sink): the string's bytes copied in runs straight into the buffer. */
static void str_direct(hotline__sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0, run;
	char *o;
	/* room for the quotes and the text unescaped; an escape makes more as it comes */
	if (reserve(b, n + 2))
		return;
	o = b->p + b->n;
	*o++ = '"';
	for (;;) {
		run = i;
		/* eight bytes at a time while none of them needs an escape */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (needs_escape8(w))
				break;
			i += 8;
		}
		while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
			i++;
		memcpy(o, s + run, i - run);
		o += i - run;
		if (i == n)
			break;
		b->n = (size_t)(o - b->p);
		/* the escape (at most 6 bytes) and the rest of the text, unescaped, and the closing quote */
		if (reserve(b, 6 + (n - i - 1) + 1))
			return;
		o = b->p + b->n;
		*o++ = '\\';
		switch (s[i]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[(unsigned char)s[i] >> 4];
			*o++ = hex[(unsigned char)s[i] & 15];
			break;
		}
		i++;
	}
	*o++ = '"';
	b->n = (size_t)(o - b->p);
}

void hotline__sbuf_str(hotline__sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;
	if (!b->sink) {
		str_direct(b, s, n);
		return;
	}
	/* with a sink, piece by piece: the chunks it receives stay as they were */
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

void hotline__sbuf_reset(hotline__sbuf *b)
{
	b->n = 0;
	b->err = 0;
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

static void newline(hotline__sbuf *b, int indent, int depth)
{
	int i;
	hotline__sbuf_putc(b, '\n');
	for (i = 0; i < indent * depth; i++)
		hotline__sbuf_putc(b, ' ');
}

static void write_value(hotline__sbuf *b, const json_t *v, int indent, int depth);

/* Where a member named key would go in an object being written (see hotline__json_canonical_slot_into). */
typedef struct slot_req {
	member key;
	size_t at;         /* SLOT_NONE until found */
} slot_req;

#define SLOT_NONE ((size_t)-1)

/* A member whose value's text is given rather than written, and where that value lands (see hotline__json_canonical_kept). */
typedef struct span_req {
	member key;
	const char *kept;  /* NULL: written */
	size_t kept_len;
	size_t at, len;    /* 0, 0 until found */
} span_req;

static void write_object(hotline__sbuf *b, const json_t *v, int indent, int depth, slot_req *slot, span_req *span)
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
		if (slot && slot->at == SLOT_NONE && key_less(&slot->key, &m[j]))
			slot->at = b->n;
		if (indent)
			newline(b, indent, depth + 1);
		hotline__sbuf_str(b, m[j].key, m[j].len);
		if (indent)
			hotline__sbuf_put(b, ": ", 2);
		else
			hotline__sbuf_putc(b, ':');
		if (span && m[j].len == span->key.len && memcmp(m[j].key, span->key.key, m[j].len) == 0) {
			span->at = b->n;
			if (span->kept)
				hotline__sbuf_put(b, span->kept, span->kept_len);
			else
				write_value(b, m[j].value, indent, depth + 1);
			span->len = b->n - span->at;
			continue;
		}
		write_value(b, m[j].value, indent, depth + 1);
	}
	if (indent && i)
		newline(b, indent, depth);
	if (slot && slot->at == SLOT_NONE)
		slot->at = b->n;
	hotline__sbuf_putc(b, '}');
	if (m != stack)
		free(m);
}

static void write_value(hotline__sbuf *b, const json_t *v, int indent, int depth)
{
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		write_object(b, v, indent, depth, NULL, NULL);
		break;
	case JSON_ARRAY:
		hotline__sbuf_putc(b, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				hotline__sbuf_putc(b, ',');
			if (indent)
				newline(b, indent, depth + 1);
			write_value(b, json_array_get(v, i), indent, depth + 1);
		}
		if (indent && json_array_size(v))
			newline(b, indent, depth);
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

void hotline__json_write(hotline__sbuf *b, const json_t *v)
{
	write_value(b, v, 0, 0);
}

/* A buffer for one canonical text: commands and snapshots fit in 1 KiB, grown once rather than twice. */
static void canonical_init(hotline__sbuf *b)
{
	hotline__sbuf_init(b, NULL, NULL);
	reserve(b, CANONICAL_START - 1);
}

char *hotline__json_canonical(const json_t *v)
{
	hotline__sbuf b;
	if (!v)
		return NULL;
	canonical_init(&b);
	hotline__json_write(&b, v);
	return hotline__sbuf_take(&b);
}

int hotline__json_canonical_slot_into(hotline__sbuf *b, const json_t *v, const char *key, size_t *slot)
{
	slot_req r;
	*slot = SLOT_NONE;
	hotline__sbuf_reset(b);
	if (!json_is_object(v) || json_object_get(v, key))
		return HOTLINE_EINVALID;
	r.key.key = key;
	r.key.len = strlen(key);
	r.key.value = NULL;
	r.at = SLOT_NONE;
	if (b->cap < CANONICAL_START)
		reserve(b, CANONICAL_START - 1);
	write_object(b, v, 0, 0, &r, NULL);
	if (b->err || reserve(b, 0))
		return HOTLINE_ENOMEM;
	b->p[b->n] = '\0';
	*slot = r.at;
	return 0;
}

int hotline__json_canonical_kept_into(hotline__sbuf *b, const json_t *v, const char *key, const char *kept,
	size_t kept_len, size_t *at, size_t *len)
{
	span_req r;
	*at = *len = 0;
	hotline__sbuf_reset(b);
	if (b->cap < CANONICAL_START)
		reserve(b, CANONICAL_START - 1);
	if (!json_is_object(v)) {
		hotline__json_write(b, v);
	} else {
		r.key.key = key;
		r.key.len = strlen(key);
		r.key.value = NULL;
		r.kept = kept;
		r.kept_len = kept_len;
		r.at = r.len = 0;
		write_object(b, v, 0, 0, NULL, &r);
		*at = r.at;
		*len = r.len;
	}
	if (b->err || reserve(b, 0)) {
		*at = *len = 0;
		return HOTLINE_ENOMEM;
	}
	b->p[b->n] = '\0';
	return 0;
}

char *hotline__json_canonical_kept(const json_t *v, const char *key, const char *kept, size_t kept_len, size_t *at,
	size_t *len)
{
	hotline__sbuf b;
	hotline__sbuf_init(&b, NULL, NULL);
	if (hotline__json_canonical_kept_into(&b, v, key, kept, kept_len, at, len)) {
		hotline__sbuf_free(&b);
		return NULL;
	}
	return hotline__sbuf_take(&b);
}

int hotline__sbuf_insert_str(hotline__sbuf *b, size_t slot, const char *key, const char *value)
{
	size_t n = b->n, m, tail = n - slot;
	/* the member's separator: before it when it goes last in a non-empty object, else after it */
	int last = b->p[slot] == '}', first = slot > 0 && b->p[slot - 1] == '{';
	if (b->err)
		return HOTLINE_ENOMEM;
	/* the member is written at the end, then the text after the slot moved past it: no second buffer */
	if (last && !first)
		hotline__sbuf_putc(b, ',');
	hotline__sbuf_str(b, key, strlen(key));
	hotline__sbuf_putc(b, ':');
	hotline__sbuf_str(b, value, strlen(value));
	if (!last)
		hotline__sbuf_putc(b, ',');
	m = b->n - n;
	if (b->err || reserve(b, tail)) {
		b->n = n;
		b->err = 0;
		return HOTLINE_ENOMEM;
	}
	/* [slot, n) is the tail, [n, n + m) the member: the tail is copied after the member, then both moved down */
	memcpy(b->p + n + m, b->p + slot, tail);
	memmove(b->p + slot, b->p + n, m + tail);
	b->n = n + m;
	b->p[b->n] = '\0';
	return 0;
}

char *hotline__json_pretty(const json_t *v, int indent)
{
	hotline__sbuf b;
	if (!v || indent < 1)
		return NULL;
	hotline__sbuf_init(&b, NULL, NULL);
	write_value(&b, v, indent, 0);
	return hotline__sbuf_take(&b);
}

/* ---- the streaming writer ---- */

enum { JW_ARRAY, JW_COLLECTED, JW_STREAMED };

static int jw_fail(hotline__jw *w, int code)
{
	if (!w->err)
		w->err = code;
	return w->err;
}

void hotline__jw_init(hotline__jw *w, hotline__sbuf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	hotline__sbuf_init(&w->scratch, NULL, NULL);
	hotline__sbuf_init(&w->keys, NULL, NULL);
	hotline__sbuf_init(&w->tmp, NULL, NULL);
}

void hotline__jw_free(hotline__jw *w)
{
	size_t i;
	for (i = 0; i < HOTLINE__JW_DEPTH; i++)
		free(w->frames[i].last);
	hotline__sbuf_free(&w->scratch);
	hotline__sbuf_free(&w->keys);
	hotline__sbuf_free(&w->tmp);
	free(w->members);
	memset(w, 0, sizeof(*w));
}

int hotline__jw_error(const hotline__jw *w)
{
	if (w->err)
		return w->err;
	if (w->scratch.err)
		return w->scratch.err;
	if (w->keys.err)
		return w->keys.err;
	if (w->tmp.err)
		return w->tmp.err;
	return w->out ? w->out->err : HOTLINE_EINVALID;
}

/* Where text goes now: the open collected objects' scratch, else the output. */
static hotline__sbuf *jw_dst(hotline__jw *w)
{
	return w->collected ? &w->scratch : w->out;
}

static hotline__jw_frame *jw_top(hotline__jw *w)
{
	return w->depth ? &w->frames[w->depth - 1] : NULL;
}

/* Before a value: its separator in an array, its key in an object. 0 or the error. */
static int jw_begin_value(hotline__jw *w)
{
	hotline__jw_frame *f = jw_top(w);
	hotline__sbuf *d;
	if (hotline__jw_error(w))
		return -1;
	if (!f)
		return 0;
	if (f->kind == JW_ARRAY) {
		d = jw_dst(w);
		if (f->count++)
			hotline__sbuf_putc(d, ',');
		if (f->flags & HOTLINE__JW_LINES)
			hotline__sbuf_putc(d, '\n');
		return 0;
	}
	if (!f->keyed)
		return jw_fail(w, HOTLINE_EINVALID);   /* a member without its key */
	f->keyed = 0;
	return 0;
}

static int key_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);
	return c ? c : (na > nb) - (na < nb);
}

/* The end of the current member of a collected object (its value is written). */
static void jw_close_member(hotline__jw *w, hotline__jw_frame *f)
{
	if (f->kind == JW_COLLECTED && w->n_members > f->m0)
		w->members[w->n_members - 1].text_end = w->scratch.n;
}

void hotline__jw_key(hotline__jw *w, const char *key)
{
	hotline__jw_frame *f = jw_top(w);
	size_t n;
	if (hotline__jw_error(w))
		return;
	if (!f || f->kind == JW_ARRAY || f->keyed || !key) {
		jw_fail(w, HOTLINE_EINVALID);
		return;
	}
	n = strlen(key);
	if (f->kind == JW_STREAMED) {
		/* written through: the caller's order must already be canonical */
		if (f->count && key_cmp(key, n, f->last, f->last_len) <= 0) {
			jw_fail(w, HOTLINE_EINVALID);
			return;
		}
		if (n + 1 > f->last_cap) {
			char *p = realloc(f->last, n + 1);
			if (!p) {
				jw_fail(w, HOTLINE_ENOMEM);
				return;
			}
			f->last = p;
			f->last_cap = n + 1;
		}
		memcpy(f->last, key, n + 1);
		f->last_len = n;
		if (f->count)
			hotline__sbuf_putc(jw_dst(w), ',');
		hotline__sbuf_str(jw_dst(w), key, n);
		hotline__sbuf_putc(jw_dst(w), ':');
	} else {
		hotline__jw_member *m;
		jw_close_member(w, f);
		if (w->n_members > f->m0) {
			const hotline__jw_member *prev = &w->members[w->n_members - 1];
			if (key_cmp(key, n, w->keys.p + prev->key, prev->key_len) <= 0)
				f->sorted = 0;
		}
		if (!(m = hotline__vec_push((void **)&w->members, &w->n_members, &w->cap_members, sizeof(*m)))) {
			jw_fail(w, HOTLINE_ENOMEM);
			return;
		}
		m->key = w->keys.n;
		m->key_len = n;
		hotline__sbuf_put(&w->keys, key, n);
		if (f->count)
			hotline__sbuf_putc(&w->scratch, ',');
		m->text = w->scratch.n;
		hotline__sbuf_str(&w->scratch, key, n);
		hotline__sbuf_putc(&w->scratch, ':');
	}
	f->count++;
	f->keyed = 1;
}

static hotline__jw_frame *jw_push(hotline__jw *w, int kind)
{
	hotline__jw_frame *f;
	char *last;
	size_t cap;
	if (jw_begin_value(w))
		return NULL;
	if (w->depth == HOTLINE__JW_DEPTH) {
		jw_fail(w, HOTLINE_EINVALID);
		return NULL;
	}
	f = &w->frames[w->depth++];
	last = f->last;   /* keep the key buffer for the next streamed object */
	cap = f->last_cap;
	memset(f, 0, sizeof(*f));
	f->last = last;
	f->last_cap = cap;
	f->kind = kind;
	return f;
}

void hotline__jw_object(hotline__jw *w)
{
	hotline__jw_frame *f = jw_push(w, JW_COLLECTED);
	if (!f)
		return;
	w->collected++;
	f->sorted = 1;
	f->start = w->scratch.n;
	f->m0 = w->n_members;
	f->k0 = w->keys.n;
	hotline__sbuf_putc(&w->scratch, '{');
}

void hotline__jw_object_streamed(hotline__jw *w)
{
	if (jw_push(w, JW_STREAMED))
		hotline__sbuf_putc(jw_dst(w), '{');
}

void hotline__jw_array(hotline__jw *w, int flags)
{
	hotline__jw_frame *f = jw_push(w, JW_ARRAY);
	if (!f)
		return;
	f->flags = flags;
	if (!(flags & HOTLINE__JW_FRAGMENT))
		hotline__sbuf_putc(jw_dst(w), '[');
}

static int cmp_member(const hotline__jw *w, const hotline__jw_member *a, const hotline__jw_member *b)
{
	return key_cmp(w->keys.p + a->key, a->key_len, w->keys.p + b->key, b->key_len);
}

/* A collected object is done: its members go out sorted, where its parent writes. */
static void jw_end_collected(hotline__jw *w, hotline__jw_frame *f)
{
	hotline__jw_member *m = w->members + f->m0;
	size_t n = w->n_members - f->m0, i, j;

	jw_close_member(w, f);
	if (!f->sorted && !hotline__jw_error(w)) {
		/* insertion sort: rows have a few dozen members at most */
		for (i = 1; i < n; i++) {
			hotline__jw_member x = m[i];
			for (j = i; j > 0 && cmp_member(w, &x, &m[j - 1]) < 0; j--)
				m[j] = m[j - 1];
			m[j] = x;
		}
		w->tmp.n = 0;
		hotline__sbuf_putc(&w->tmp, '{');
		for (i = 0; i < n; i++) {
			if (i && cmp_member(w, &m[i - 1], &m[i]) == 0) {
				jw_fail(w, HOTLINE_EINVALID);   /* a key given twice */
				break;
			}
			if (i)
				hotline__sbuf_putc(&w->tmp, ',');
			hotline__sbuf_put(&w->tmp, w->scratch.p + m[i].text, m[i].text_end - m[i].text);
		}
		w->scratch.n = f->start;
		hotline__sbuf_put(&w->scratch, w->tmp.p, w->tmp.n);
	}
	hotline__sbuf_putc(&w->scratch, '}');
	w->n_members = f->m0;
	w->keys.n = f->k0;
	w->collected--;
	if (!w->collected) {
		/* the outermost one: its text goes to the output */
		hotline__sbuf_put(w->out, w->scratch.p + f->start, w->scratch.n - f->start);
		w->scratch.n = f->start;
	}
}

void hotline__jw_end(hotline__jw *w)
{
	hotline__jw_frame *f = jw_top(w);
	if (hotline__jw_error(w))
		return;
	if (!f || f->keyed) {
		jw_fail(w, HOTLINE_EINVALID);
		return;
	}
	switch (f->kind) {
	case JW_COLLECTED:
		jw_end_collected(w, f);
		break;
	case JW_STREAMED:
		hotline__sbuf_putc(jw_dst(w), '}');
		break;
	default:
		if (!(f->flags & HOTLINE__JW_FRAGMENT))
			hotline__sbuf_putc(jw_dst(w), ']');
		break;
	}
	w->depth--;
}

void hotline__jw_strn(hotline__jw *w, const char *s, size_t n)
{
	if (!jw_begin_value(w))
		hotline__sbuf_str(jw_dst(w), s, n);
}

void hotline__jw_str(hotline__jw *w, const char *s)
{
	if (s)
		hotline__jw_strn(w, s, strlen(s));
	else
		hotline__jw_null(w);
}

void hotline__jw_int(hotline__jw *w, int64_t v)
{
	if (!jw_begin_value(w))
		hotline__sbuf_int(jw_dst(w), v);
}

void hotline__jw_bool(hotline__jw *w, int v)
{
	if (!jw_begin_value(w))
		hotline__sbuf_put(jw_dst(w), v ? "true" : "false", v ? 4 : 5);
}

void hotline__jw_null(hotline__jw *w)
{
	if (!jw_begin_value(w))
		hotline__sbuf_put(jw_dst(w), "null", 4);
}

void hotline__jw_value(hotline__jw *w, const json_t *v)
{
	if (!v) {
		hotline__jw_null(w);
		return;
	}
	if (!jw_begin_value(w))
		hotline__json_write(jw_dst(w), v);
}

hotline__sbuf *hotline__jw_splice(hotline__jw *w, size_t n)
{
	hotline__jw_frame *f = jw_top(w);
	hotline__sbuf *d = jw_dst(w);
	if (hotline__jw_error(w))
		return NULL;
	if (!f || f->kind != JW_ARRAY) {
		jw_fail(w, HOTLINE_EINVALID);
		return NULL;
	}
	if (n && f->count)
		hotline__sbuf_putc(d, ',');
	f->count += n;
	return d;
}

int hotline__jw_finish(hotline__jw *w)
{
	if (!hotline__jw_error(w) && w->depth)
		jw_fail(w, HOTLINE_EINVALID);   /* a container left open */
	return hotline__jw_error(w);
}
