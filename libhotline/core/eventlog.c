/*
 * The event log's own rules: how an event is hashed into its stream's
 * chain, and the decoded events of a stream as the rules read them.
 */
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "core/eventlog.h"
#include "hotline/lifecycle.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/sha256.h"
#include "util/vec.h"

/* Decimal text of v into buf (at least 21 bytes), not terminated; returns its length. */
static size_t dec(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* One length-prefixed part ("<len>:<bytes>"), so that no two events hash the same text. */
static void hash_part(hotline__sha256 *h, const char *p, size_t len)
{
	char num[24];
	size_t k = dec(num, len);
	num[k++] = ':';
	hotline__sha256_update(h, num, k);
	hotline__sha256_update(h, p, len);
}

/* Decimal of a signed number as a part. */
static void hash_int_part(hotline__sha256 *h, int64_t v)
{
	char num[24];
	size_t k = 0;
	if (v < 0) {
		num[k++] = '-';
		k += dec(num + k, (uint64_t)0 - (uint64_t)v);
	} else {
		k = dec(num, (uint64_t)v);
	}
	hash_part(h, num, k);
}

void hotline__event_hash(const char *stream, int64_t stream_seq, const char *cmd, const char *actor,
	hotline_time at, const char *body, const char *prev_hash, char out[65])
{
	static const char tag[] = "hotline-event-v1";
	hotline__sha256 h;

	hotline__sha256_init(&h);
	hash_part(&h, tag, sizeof(tag) - 1);
	hash_part(&h, stream, strlen(stream));
	hash_int_part(&h, stream_seq);
	hash_part(&h, cmd, strlen(cmd));
	hash_part(&h, actor, strlen(actor));
	if (at == HOTLINE_TIME_NONE)
		hash_part(&h, "", 0);
	else
		hash_int_part(&h, at);
	hash_part(&h, body, strlen(body));
	hash_part(&h, prev_hash, strlen(prev_hash));
	hotline__sha256_final_hex(&h, out);
}

void hotline__event_make_id(const char *stream, int64_t stream_seq, const char *body, char out[37])
{
	/* the namespace of libhotline's event ids (a fixed random UUID) */
	static const uuid_t ns = { 0x6f, 0x0c, 0x1e, 0x5a, 0x9b, 0x2d, 0x4c, 0x61,
		0x8e, 0x37, 0xa4, 0x50, 0xd2, 0x19, 0xc8, 0x7b };
	hotline__sha256 h;
	char num[24], digest[65];
	size_t k;
	uuid_t u;
	/* the name: a digest of the length-prefixed parts, as the event hash is built */
	hotline__sha256_init(&h);
	hash_part(&h, stream, strlen(stream));
	k = dec(num, (uint64_t)stream_seq);
	hash_part(&h, num, k);
	hash_part(&h, body, strlen(body));
	hotline__sha256_final_hex(&h, digest);
	uuid_generate_sha1(u, ns, digest, 64);
	uuid_unparse_lower(u, out);
}

int hotline__event_body_into(hotline__sbuf *b, const char *stream, int64_t stream_seq, json_t *obj, char id[37])
{
	size_t slot;
	int rc;
	if (json_object_get(obj, "command_id")) {
		/* a command_id member that is not the client's (never after validation): the general way, text written twice */
		hotline__sbuf_reset(b);
		hotline__json_write(b, obj);
		if (b->err)
			return HOTLINE_ENOMEM;
		b->p[b->n] = '\0'; /* the writer leaves room for it */
		hotline__event_make_id(stream, stream_seq, b->p, id);
		if (json_object_set_new(obj, "command_id", json_string(id)))
			return HOTLINE_ENOMEM;
		hotline__sbuf_reset(b);
		hotline__json_write(b, obj);
		if (b->err)
			return HOTLINE_ENOMEM;
		b->p[b->n] = '\0';
		return 0;
	}
	/* the id is made from the text without it, then spliced in where sorting puts it: one serialisation */
	if ((rc = hotline__json_canonical_slot_into(b, obj, "command_id", &slot)) != 0)
		return rc;
	hotline__event_make_id(stream, stream_seq, b->p, id);
	/* the id is ASCII (hex digits and dashes): no UTF-8 check */
	if ((rc = hotline__sbuf_insert_str(b, slot, "command_id", id)) != 0)
		return rc;
	if (json_object_set_new_nocheck(obj, "command_id", json_stringn_nocheck(id, strlen(id))))
		return HOTLINE_ENOMEM;
	return 0;
}

int hotline__event_id_agrees(const char *id, const char *body, const json_t *parsed, int *ids_seen)
{
	json_t *own = NULL;
	const char *in_body;
	int agrees;
	if (!parsed)
		parsed = own = hotline__json_loads(body, 0, NULL);
	in_body = json_string_value(json_object_get(parsed, "command_id"));
	if (id)
		agrees = in_body && strcmp(in_body, id) == 0;
	else
		agrees = !*ids_seen && !json_object_get(parsed, "command_id");
	if (id)
		*ids_seen = 1;
	json_decref(own);
	return agrees;
}

/* How many events back a stream or actor is looked for before it is copied (a case's actors repeat). */
#define KEEP_LOOKBACK 4

/* s as a recent event's stream (actor 0) or actor (1) holds it, shared rather than copied again; or a copy kept. */
static const char *vec_keep(hotline__event_vec *v, const char *s, int actor)
{
	char *p;
	size_t i;
	if (!s)
		s = "";
	for (i = v->n; i > 0 && v->n - i < KEEP_LOOKBACK; i--) {
		const char *q = actor ? v->ev[i - 1].actor : v->ev[i - 1].stream;
		if (strcmp(q, s) == 0)
			return q;
	}
	if (hotline__vec_grow((void **)&v->strings, &v->cap_strings, v->n_strings, sizeof(*v->strings)))
		return NULL;
	p = hotline__strdup(s);
	if (p)
		v->strings[v->n_strings++] = p;
	return p;
}

int hotline__event_vec_push(hotline__event_vec *v, const hotline_storage_event *se, json_t *body)
{
	hotline__event *e;
	if (hotline__vec_grow((void **)&v->ev, &v->cap, v->n, sizeof(*v->ev)))
		return HOTLINE_ENOMEM;
	e = &v->ev[v->n];
	memset(e, 0, sizeof(*e));
	e->seq = se->seq;
	e->stream_seq = se->stream_seq;
	e->at = se->at;
	if (hotline_command_from_name(&e->cmd, se->cmd) != 0)
		return HOTLINE_ECORRUPT;
	e->stream = vec_keep(v, se->stream, 0);
	e->actor = vec_keep(v, se->actor, 1);
	e->body = body ? json_incref(body) : hotline__json_loads(se->body, 0, NULL);
	if (!e->stream || !e->actor || !e->body) {
		json_decref(e->body);
		return e->body ? HOTLINE_ENOMEM : HOTLINE_ECORRUPT;
	}
	v->n++;
	return 0;
}

static int vec_cb(const hotline_storage_event *se, void *payload)
{
	return hotline__event_vec_push(payload, se, NULL);
}

int hotline__event_vec_load(hotline_storage *st, const char *stream, hotline__event_vec *out)
{
	int rc = st->events_foreach(st, stream, vec_cb, out);
	if (rc)
		hotline__event_vec_free(out);
	return rc;
}

void hotline__event_vec_free(hotline__event_vec *v)
{
	size_t i;
	for (i = 0; i < v->n; i++)
		json_decref(v->ev[i].body);
	for (i = 0; i < v->n_strings; i++)
		free(v->strings[i]);
	free(v->ev);
	free(v->strings);
	memset(v, 0, sizeof(*v));
}

static int first_work_cb(const hotline_storage_event *e, void *payload)
{
	hotline_time *t = payload;
	if (e->at == HOTLINE_TIME_NONE || strcmp(e->cmd, "calendar") == 0 || strcmp(e->cmd, "policy") == 0)
		return 0;
	*t = e->at;
	return 1; /* stop: the first timed event of the work */
}

int hotline__log_first_work_at(hotline_storage *st, hotline_time *out)
{
	int rc;
	*out = HOTLINE_TIME_NONE;
	rc = st->events_foreach(st, NULL, first_work_cb, out);
	return rc < 0 ? rc : 0;
}
