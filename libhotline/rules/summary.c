/*
 * A case's rules summary as text (rules/summary.h): one flat JSON array of
 * integers, so that reading it back is a scan of numbers, not a JSON
 * document per case:
 *
 *   [1, max_at, property, call_taker, registered_at, closed_at, close_seq,
 *    approved_at, approve_seq, exempt_from, request_seq,
 *    n_verify, (at, confirmed) * n_verify,
 *    n_items, (kind, era, rule, matcher, started_at, start_seq, due, met_at,
 *              met_seq, stop_at, stop_seq, missed_until, links, flags,
 *              body) * n_items]
 *
 * property and call_taker are strings or null, body an object or null,
 * flags 1 current, 2 missed, 4 provisional; instants are UTC seconds,
 * HOTLINE_TIME_NONE written -1 (no field is negative otherwise: the text is
 * written at every command, and most of it is numbers). The text is canonical JSON, so it can sit
 * in a canonical snapshot as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "rules/summary.h"
#include "util/json.h"
#include "util/mem.h"

#define ITEM_FIELDS 15

void hotline__summary_free(hotline__summary *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < s->n_items; i++)
		json_decref(s->items[i].body);
	free(s->items);
	free(s->verify);
	free(s->property);
	free(s->call_taker);
	memset(s, 0, sizeof(*s));
}

/* ",v": an absent instant (INT64_MAX) written -1; o has room for HOTLINE__INT_MAX_LEN + 1 bytes */
static char *put_int(char *o, int64_t v)
{
	*o++ = ',';
	return hotline__fmt_int(o, v == INT64_MAX ? -1 : v);
}

static void put_str(hotline__sbuf *b, const char *s)
{
	hotline__sbuf_putc(b, ',');
	if (s)
		hotline__sbuf_str(b, s, strlen(s));
	else
		hotline__sbuf_put(b, "null", 4);
}

/* the integers of the header after the strings, and of one item: written into room reserved at once */
#define HEAD_ROOM (10 * (HOTLINE__INT_MAX_LEN + 1))
#define ITEM_ROOM ((ITEM_FIELDS - 1) * (HOTLINE__INT_MAX_LEN + 1) + 5)

void hotline__summary_write(hotline__sbuf *b, const hotline__summary *s)
{
	size_t i;
	char *o;
	if (!(o = hotline__sbuf_room(b, 2 + 2 * (HOTLINE__INT_MAX_LEN + 1))))
		return;
	*o++ = '[';
	o = hotline__fmt_int(o, HOTLINE__SUMMARY_VERSION);
	o = put_int(o, s->max_at);
	b->n = (size_t)(o - b->p);
	put_str(b, s->property);
	put_str(b, s->call_taker);
	if (!(o = hotline__sbuf_room(b, HEAD_ROOM)))
		return;
	o = put_int(o, s->registered_at);
	o = put_int(o, s->closed_at);
	o = put_int(o, s->close_seq);
	o = put_int(o, s->approved_at);
	o = put_int(o, s->approve_seq);
	o = put_int(o, s->exempt_from);
	o = put_int(o, s->request_seq);
	o = put_int(o, (int64_t)s->n_verify);
	b->n = (size_t)(o - b->p);
	for (i = 0; i < s->n_verify; i++) {
		if (!(o = hotline__sbuf_room(b, 2 * (HOTLINE__INT_MAX_LEN + 1))))
			return;
		o = put_int(o, s->verify[i].at);
		o = put_int(o, s->verify[i].confirmed);
		b->n = (size_t)(o - b->p);
	}
	if (!(o = hotline__sbuf_room(b, HOTLINE__INT_MAX_LEN + 1)))
		return;
	b->n = (size_t)(put_int(o, (int64_t)s->n_items) - b->p);
	for (i = 0; i < s->n_items; i++) {
		const hotline__sum_item *it = &s->items[i];
		if (!(o = hotline__sbuf_room(b, ITEM_ROOM)))
			return;
		o = put_int(o, it->kind);
		o = put_int(o, it->era);
		o = put_int(o, it->rule);
		o = put_int(o, it->matcher);
		o = put_int(o, it->started_at);
		o = put_int(o, it->start_seq);
		o = put_int(o, it->due);
		o = put_int(o, it->met_at);
		o = put_int(o, it->met_seq);
		o = put_int(o, it->stop_at);
		o = put_int(o, it->stop_seq);
		o = put_int(o, it->missed_until);
		o = put_int(o, it->links);
		o = put_int(o, (it->current ? 1 : 0) | (it->missed ? 2 : 0) | (it->provisional ? 4 : 0));
		*o++ = ',';
		if (!it->body) {
			memcpy(o, "null", 4);
			o += 4;
		}
		b->n = (size_t)(o - b->p);
		if (it->body)
			hotline__json_write(b, it->body);
	}
	hotline__sbuf_putc(b, ']');
}

char *hotline__summary_text(const hotline__summary *s)
{
	hotline__sbuf b;
	hotline__sbuf_init(&b, NULL, NULL);
	hotline__summary_write(&b, s);
	return hotline__sbuf_take(&b);
}

/* ---- reading ---- */

/*
 * The reader runs once per case of an assessment: a pointer over the text
 * and a failure flag, every number read in one pass over its digits.
 */
typedef struct scan {
	const char *p, *end;
	int bad;
} scan;

/* The next element's first byte, past the separator before it. */
static int next(scan *s, int first)
{
	if (s->bad)
		return 0;
	if (!first) {
		if (s->p >= s->end || *s->p != ',') {
			s->bad = 1;
			return 0;
		}
		s->p++;
	}
	if (s->p >= s->end) {
		s->bad = 1;
		return 0;
	}
	return (unsigned char)*s->p;
}

/*
 * ",v": -1 read as the absent instant (INT64_MAX); what is not an integer
 * fails the scan. A failed read leaves s->p where it was, so the reads after
 * it fail too and stay inside the text.
 */
static inline int64_t get_int(scan *s)
{
	const char *p = s->p, *end = s->end, *lim, *first;
	uint64_t u = 0;
	unsigned d;
	int neg = 0;
	if (p >= end || *p != ',')
		goto bad;
	p++;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	/* at most 19 digits: u cannot wrap */
	first = p;
	lim = end - p > 19 ? p + 19 : end;
	for (;;) {
		if (p == lim) {
			/* the text's end, or a twentieth digit: too long */
			if (p < end && (unsigned)(unsigned char)*p - '0' < 10)
				goto bad;
			if (u > (uint64_t)INT64_MAX + (uint64_t)neg)
				goto bad;
			break;
		}
		if ((d = (unsigned)(unsigned char)*p - '0') >= 10)
			break;
		u = u * 10 + d;
		p++;
	}
	if (p == first)
		goto bad;
	s->p = p;
	if (!neg)
		return (int64_t)u;
	if (u == 1)
		return INT64_MAX;
	return u ? -(int64_t)(u - 1) - 1 : 0;
bad:
	s->bad = 1;
	return 0;
}

/* A JSON value (a string or an object) as jansson reads it; null gives NULL. */
static json_t *get_value(scan *s)
{
	json_error_t jerr;
	json_t *v;
	int c = next(s, 0);
	if (!c)
		return NULL;
	if (c == 'n') {
		if (s->end - s->p < 4 || memcmp(s->p, "null", 4) != 0)
			s->bad = 1;
		else
			s->p += 4;
		return NULL;
	}
	if (!(v = json_loadb(s->p, (size_t)(s->end - s->p), JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &jerr))) {
		s->bad = 1;
		return NULL;
	}
	s->p += jerr.position;
	return v;
}

/*
 * A string or null into *out. Strings without escapes are copied as they
 * stand, and not at all when *out (a string read before) holds them already:
 * the cases of an assessment share a few properties and call takers.
 */
static void get_str(scan *s, char **out)
{
	const char *q;
	json_t *v;
	char *copy;
	int c = next(s, 0);
	if (c == '"') {
		for (q = s->p + 1; q < s->end && *q != '"' && *q != '\\'; q++)
			;
		if (q < s->end && *q == '"') {
			size_t n = (size_t)(q - s->p - 1);
			if (!*out || strlen(*out) != n || memcmp(*out, s->p + 1, n) != 0) {
				free(*out);
				if (!(*out = malloc(n + 1))) {
					s->bad = 1;
					return;
				}
				memcpy(*out, s->p + 1, n);
				(*out)[n] = 0;
			}
			s->p = q + 1;
			return;
		}
	}
	free(*out);
	*out = NULL;
	/* s->p is past the separator already: read the value from here */
	if (!c)
		return;
	s->p--;
	v = get_value(s);
	if (v && !json_is_string(v))
		s->bad = 1;
	copy = json_is_string(v) ? hotline__strdup(json_string_value(v)) : NULL;
	if (json_is_string(v) && !copy)
		s->bad = 1;
	*out = copy;
	json_decref(v);
}

/* Room for n elements of size in *a (capacity *cap), grown only when short. */
static int room(void **a, size_t *cap, size_t n, size_t size)
{
	void *b;
	if (n <= *cap)
		return 0;
	if (!(b = realloc(*a, n * size)))
		return HOTLINE_ENOMEM;
	*a = b;
	*cap = n;
	return 0;
}

int hotline__summary_parse_again(const char *text, size_t len, hotline__summary *out)
{
	scan s;
	int64_t n, i;
	for (i = 0; (size_t)i < out->n_items; i++)
		json_decref(out->items[i].body);
	out->n_items = 0;
	out->n_verify = 0;
	s.p = text;
	s.end = text + len;
	s.bad = 0;
	if (len < 2 || *s.p != '[')
		goto bad;
	s.p++;
	if (next(&s, 1) != '1' || s.p + 1 >= s.end || s.p[1] != ',')
		goto bad;
	s.p++;
	out->max_at = get_int(&s);
	get_str(&s, &out->property);
	get_str(&s, &out->call_taker);
	out->registered_at = get_int(&s);
	out->closed_at = get_int(&s);
	out->close_seq = get_int(&s);
	out->approved_at = get_int(&s);
	out->approve_seq = get_int(&s);
	out->exempt_from = get_int(&s);
	out->request_seq = get_int(&s);
	n = get_int(&s);
	if (s.bad || n < 0 || (size_t)n > len / 4)
		goto bad;
	if (room((void **)&out->verify, &out->cap_verify, (size_t)n, sizeof(*out->verify)))
		goto bad;
	for (i = 0; i < n && !s.bad; i++) {
		out->verify[i].at = get_int(&s);
		out->verify[i].confirmed = get_int(&s) != 0;
		out->n_verify++;
	}
	n = get_int(&s);
	if (s.bad || n < 0 || (size_t)n > len / (2 * ITEM_FIELDS))
		goto bad;
	if (room((void **)&out->items, &out->cap_items, (size_t)n, sizeof(*out->items)))
		goto bad;
	for (i = 0; i < n && !s.bad; i++) {
		hotline__sum_item *it = &out->items[i];
		int64_t era, rule, matcher, flags;
		it->kind = (int)get_int(&s);
		era = get_int(&s);
		rule = get_int(&s);
		matcher = get_int(&s);
		it->started_at = get_int(&s);
		it->start_seq = get_int(&s);
		it->due = get_int(&s);
		it->met_at = get_int(&s);
		it->met_seq = get_int(&s);
		it->stop_at = get_int(&s);
		it->stop_seq = get_int(&s);
		it->missed_until = get_int(&s);
		it->links = get_int(&s);
		flags = get_int(&s);
		it->body = get_value(&s);
		out->n_items++;
		if (era < 0 || era > UINT32_MAX || rule < 0 || rule > UINT32_MAX || matcher < 0 || matcher > UINT32_MAX ||
		    (it->body && !json_is_object(it->body)))
			s.bad = 1;
		it->era = (uint32_t)era;
		it->rule = (uint32_t)rule;
		it->matcher = (uint32_t)matcher;
		it->current = (flags & 1) != 0;
		it->missed = (flags & 2) != 0;
		it->provisional = (flags & 4) != 0;
	}
	if (s.bad || s.p >= s.end || *s.p != ']')
		goto bad;
	return 0;
bad:
	hotline__summary_free(out);
	return HOTLINE_ECORRUPT;
}

int hotline__summary_parse(const char *text, size_t len, hotline__summary *out)
{
	memset(out, 0, sizeof(*out));
	return hotline__summary_parse_again(text, len, out);
}
