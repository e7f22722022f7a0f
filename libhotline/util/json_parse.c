/*
 * The JSON reader of commands and stored bodies (util/json.h): the common
 * text read straight into jansson values, without jansson's lexer (which
 * takes every byte through a stream callback and a growable token buffer).
 * Whatever it is not sure of — an error, a \u escape, a real, an integer
 * near the int64 bounds, a duplicate key, deep nesting — goes to jansson's
 * json_loads, so values, member order, refusals and their messages are
 * jansson's in every case.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

#define FAST_DEPTH 32

typedef struct reader {
	const unsigned char *p;
	char *scratch;             /* unescaped strings */
	size_t cap;
} reader;

static void skip_ws(reader *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

/* Bytes of the UTF-8 character at s as jansson accepts it (no overlong form, no surrogate, at most U+10FFFF); 0 when invalid. */
static size_t utf8_char(const unsigned char *s)
{
	unsigned c = s[0];
	if (c < 0xC2 || c > 0xF4)
		return 0;
	if (c < 0xE0)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0))
			return 0;
		return 3;
	}
	if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
		return 0;
	if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
		return 0;
	return 4;
}

/*
 * The string at r->p (past its opening quote): *out points at its bytes,
 * *len their number; in the input when it has no escape, else in the
 * scratch buffer. 0, or -1 to leave the text to jansson.
 */
static int read_string(reader *r, const char **out, size_t *len)
{
	const unsigned char *s = r->p, *start = s;
	size_t n = 0;
	int escaped = 0;
	for (;;) {
		unsigned c = *s;
		if (c == '"')
			break;
		if (c < 0x20)
			return -1; /* a control character, or the end of the text */
		if (c == '\\') {
			if (!strchr("\"\\/bfnrt", s[1]) || !s[1])
				return -1; /* \u (surrogates, NUL), invalid escapes, the end: jansson's */
			escaped = 1;
			s += 2;
			continue;
		}
		if (c < 0x80) {
			s++;
		} else {
			size_t k = utf8_char(s);
			if (!k)
				return -1;
			s += k;
		}
	}
	if (!escaped) {
		*out = (const char *)start;
		*len = (size_t)(s - start);
		r->p = s + 1;
		return 0;
	}
	if ((size_t)(s - start) + 1 > r->cap) {
		size_t cap = (size_t)(s - start) + 64;
		char *p = realloc(r->scratch, cap);
		if (!p)
			return -1;
		r->scratch = p;
		r->cap = cap;
	}
	for (s = start; *s != '"';) {
		if (*s != '\\') {
			r->scratch[n++] = (char)*s++;
			continue;
		}
		switch (s[1]) {
		case '"': r->scratch[n++] = '"'; break;
		case '\\': r->scratch[n++] = '\\'; break;
		case '/': r->scratch[n++] = '/'; break;
		case 'b': r->scratch[n++] = '\b'; break;
		case 'f': r->scratch[n++] = '\f'; break;
		case 'n': r->scratch[n++] = '\n'; break;
		case 'r': r->scratch[n++] = '\r'; break;
		case 't': r->scratch[n++] = '\t'; break;
		default: return -1;
		}
		s += 2;
	}
	*out = r->scratch;
	*len = n;
	r->p = s + 1;
	return 0;
}

/* An integer that is surely within int64 (at most 18 digits); reals and the rest are jansson's. */
static json_t *read_number(reader *r)
{
	const unsigned char *s = r->p;
	int neg = 0, digits = 0;
	int64_t v = 0;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (*s < '0' || *s > '9' || (*s == '0' && s[1] >= '0' && s[1] <= '9'))
		return NULL;
	while (*s >= '0' && *s <= '9') {
		if (++digits > 18)
			return NULL;
		v = v * 10 + (*s++ - '0');
	}
	if (*s == '.' || *s == 'e' || *s == 'E')
		return NULL;
	r->p = s;
	return json_integer(neg ? -v : v);
}

static json_t *read_value(reader *r, int depth);

static json_t *read_object(reader *r, int depth)
{
	json_t *o = json_object();
	char key_buf[128];
	if (!o)
		return NULL;
	r->p++;
	skip_ws(r);
	if (*r->p == '}') {
		r->p++;
		return o;
	}
	for (;;) {
		const char *k;
		char *key;
		size_t klen;
		json_t *v;
		if (*r->p != '"')
			goto fail;
		r->p++;
		if (read_string(r, &k, &klen) || klen >= sizeof(key_buf))
			goto fail;
		memcpy(key_buf, k, klen);
		key_buf[klen] = '\0';
		key = key_buf;
		/* a duplicate is refused or replaced as the caller's flags say: jansson's */
		if (json_object_get(o, key))
			goto fail;
		skip_ws(r);
		if (*r->p != ':')
			goto fail;
		r->p++;
		skip_ws(r);
		if (!(v = read_value(r, depth + 1)))
			goto fail;
		if (json_object_set_new_nocheck(o, key, v))
			goto fail;
		skip_ws(r);
		if (*r->p == ',') {
			r->p++;
			skip_ws(r);
			continue;
		}
		if (*r->p == '}') {
			r->p++;
			return o;
		}
		goto fail;
	}
fail:
	json_decref(o);
	return NULL;
}

static json_t *read_array(reader *r, int depth)
{
	json_t *a = json_array();
	if (!a)
		return NULL;
	r->p++;
	skip_ws(r);
	if (*r->p == ']') {
		r->p++;
		return a;
	}
	for (;;) {
		json_t *v = read_value(r, depth + 1);
		if (!v || json_array_append_new(a, v))
			break;
		skip_ws(r);
		if (*r->p == ',') {
			r->p++;
			skip_ws(r);
			continue;
		}
		if (*r->p == ']') {
			r->p++;
			return a;
		}
		break;
	}
	json_decref(a);
	return NULL;
}

/* After a literal: the next byte must end the token, as jansson's lexer reads letters. */
static int literal(reader *r, const char *word, size_t n)
{
	unsigned char c;
	if (strncmp((const char *)r->p, word, n) != 0)
		return 0;
	c = r->p[n];
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 0;
	r->p += n;
	return 1;
}

static json_t *read_value(reader *r, int depth)
{
	const char *s;
	size_t n;
	if (depth > FAST_DEPTH)
		return NULL;
	switch (*r->p) {
	case '{':
		return read_object(r, depth);
	case '[':
		return read_array(r, depth);
	case '"':
		r->p++;
		return read_string(r, &s, &n) ? NULL : json_stringn_nocheck(s, n);
	case 't':
		return literal(r, "true", 4) ? json_true() : NULL;
	case 'f':
		return literal(r, "false", 5) ? json_false() : NULL;
	case 'n':
		return literal(r, "null", 4) ? json_null() : NULL;
	default:
		return read_number(r);
	}
}

json_t *hotline__json_loads(const char *text, size_t flags, json_error_t *err)
{
	reader r;
	json_t *v = NULL;
	r.p = (const unsigned char *)text;
	r.scratch = NULL;
	r.cap = 0;
	/* the flags this reader keeps to: duplicates (either way) and the top level (an object or an array) */
	if (text && !(flags & ~(size_t)JSON_REJECT_DUPLICATES)) {
		skip_ws(&r);
		if (*r.p == '{' || *r.p == '[')
			v = read_value(&r, 0);
		if (v) {
			skip_ws(&r);
			if (*r.p != '\0') {
				json_decref(v);
				v = NULL;
			}
		}
	}
	free(r.scratch);
	return v ? v : json_loads(text, flags, err);
}
