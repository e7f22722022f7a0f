/*
 * Reading: case snapshots, lists, event history, sweeps, and the
 * verification of the hash chains.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db_internal.h"
#include "model/lifecycle.h"
#include "util/mem.h"


void hotline__case_clear(hotline_case *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->property);
	free(c->head_hash);
	free(c->body);
	json_decref(c->json);
	memset(c, 0, sizeof(*c));
}

int hotline__case_from_storage(hotline_case *dst, const hotline_storage_case *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->id = hotline__strdup_or_empty(src->id);
	dst->property = hotline__strdup_or_empty(src->property);
	dst->head_hash = hotline__strdup_or_empty(src->head_hash);
	dst->body = hotline__strdup_or_empty(src->body);
	dst->json = json_loads(src->body ? src->body : "", 0, NULL);
	dst->state = src->state;
	dst->approval = src->approval;
	dst->exempt = src->exempt;
	dst->version = src->version;
	dst->registered_at = src->registered_at;
	dst->last_at = src->last_at;
	dst->next_due = src->next_due;
	if (!dst->id || !dst->property || !dst->head_hash || !dst->body) {
		hotline__case_clear(dst);
		return HOTLINE_ENOMEM;
	}
	if (!dst->json) {
		hotline__case_clear(dst);
		return HOTLINE_ECORRUPT;
	}
	return 0;
}

static int get_case_cb(const hotline_storage_case *sc, void *payload)
{
	return hotline__case_from_storage(payload, sc);
}

int hotline_db_case(hotline_case **out, hotline_db *db, const char *case_id)
{
	hotline_case *c;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out || !case_id || !*case_id)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out and a non-empty case id are required");
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	rc = db->st->case_get(db->st, case_id, get_case_cb, c);
	if (rc == HOTLINE_ENOT_FOUND)
		hotline__db_fail(db, rc, "no case '%s'", case_id);
	else if (rc)
		hotline__db_storage_fail(db, rc, "reading the case");
	else
		hotline__clearerr(&db->err);
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void hotline_case_free(hotline_case *c)
{
	if (!c)
		return;
	hotline__case_clear(c);
	free(c);
}

const char *hotline_case_id(const hotline_case *c) { return c ? c->id : NULL; }
const char *hotline_case_property(const hotline_case *c) { return c ? c->property : NULL; }
hotline_state hotline_case_state(const hotline_case *c) { return c ? (hotline_state)c->state : HOTLINE_STATE_RECEIVED; }
hotline_approval hotline_case_approval(const hotline_case *c) { return c ? (hotline_approval)c->approval : HOTLINE_APPROVAL_NONE; }
int hotline_case_exempt(const hotline_case *c) { return c ? c->exempt : 0; }
int64_t hotline_case_version(const hotline_case *c) { return c ? c->version : 0; }
hotline_time hotline_case_registered_at(const hotline_case *c) { return c ? c->registered_at : HOTLINE_TIME_NONE; }
hotline_time hotline_case_last_at(const hotline_case *c) { return c ? c->last_at : HOTLINE_TIME_NONE; }
hotline_time hotline_case_next_due(const hotline_case *c) { return c ? c->next_due : HOTLINE_TIME_NONE; }
const char *hotline_case_json(const hotline_case *c) { return c ? c->body : NULL; }

const char *hotline_case_field(const hotline_case *c, const char *name)
{
	if (!c || !name)
		return NULL;
	return json_string_value(json_object_get(json_object_get(c->json, "ledger"), name));
}

/* ---- lists ---- */

size_t hotline_case_list_count(const hotline_case_list *l) { return l ? l->n : 0; }

const hotline_case *hotline_case_list_get(const hotline_case_list *l, size_t i)
{
	return (l && i < l->n) ? &l->items[i] : NULL;
}

void hotline_case_list_free(hotline_case_list *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		hotline__case_clear(&l->items[i]);
	free(l->items);
	free(l);
}

static int list_case_cb(const hotline_storage_case *sc, void *payload)
{
	hotline_case_list *l = payload;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		hotline_case *p = realloc(l->items, ncap * sizeof(*p));
		if (!p)
			return HOTLINE_ENOMEM;
		l->items = p;
		l->cap = ncap;
	}
	if (hotline__case_from_storage(&l->items[l->n], sc) != 0)
		return HOTLINE_ENOMEM;
	l->n++;
	return 0;
}

static int run_query(hotline_case_list **out, hotline_db *db, const hotline_storage_query *q)
{
	hotline_case_list *l = calloc(1, sizeof(*l));
	int rc;
	if (!l)
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	rc = db->st->cases_foreach(db->st, q, list_case_cb, l);
	if (rc)
		hotline__db_storage_fail(db, rc, "listing cases");
	else
		hotline__clearerr(&db->err);
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		hotline_case_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

int hotline_case_query_init(hotline_case_query *q, unsigned int version)
{
	if (!q)
		return hotline__last_error_set(HOTLINE_EINVALID, "query pointer is NULL");
	if (version == 0 || version > HOTLINE_CASE_QUERY_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_case_query version %u", version);
	memset(q, 0, sizeof(*q));
	q->version = version;
	q->state = -1;
	return 0;
}

int hotline_db_cases(hotline_case_list **out, hotline_db *db, const hotline_case_query *q)
{
	hotline_storage_query sq = HOTLINE_STORAGE_QUERY_INIT;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (q) {
		if (q->version == 0 || q->version > HOTLINE_CASE_QUERY_VERSION)
			return hotline__db_fail(db, HOTLINE_EINVALID, "unsupported hotline_case_query version %u", q->version);
		if (q->state < -1 || q->state >= HOTLINE_STATE_COUNT)
			return hotline__db_fail(db, HOTLINE_EINVALID, "unknown state %d", q->state);
		sq.property = q->property;
		sq.state = q->state;
		sq.limit = q->limit;
	}
	return run_query(out, db, &sq);
}

int hotline_db_sweep(hotline_case_list **out, hotline_db *db, hotline_time before, size_t limit)
{
	hotline_storage_query sq = HOTLINE_STORAGE_QUERY_INIT;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (before == HOTLINE_TIME_NONE)
		return hotline__db_fail(db, HOTLINE_EINVALID, "sweep needs an instant");
	sq.due_before = before;
	sq.limit = limit;
	return run_query(out, db, &sq);
}

/* ---- events ---- */

size_t hotline_event_list_count(const hotline_event_list *l) { return l ? l->n : 0; }

const hotline_event *hotline_event_list_get(const hotline_event_list *l, size_t i)
{
	return (l && i < l->n) ? &l->items[i] : NULL;
}

void hotline_event_list_free(hotline_event_list *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		hotline_event *e = &l->items[i];
		free(e->stream);
		free(e->cmd_name);
		free(e->actor);
		free(e->body);
		free(e->prev_hash);
		free(e->hash);
	}
	free(l->items);
	free(l);
}

int64_t hotline_event_seq(const hotline_event *e) { return e ? e->seq : 0; }
const char *hotline_event_case(const hotline_event *e) { return e ? e->stream : NULL; }
int64_t hotline_event_version(const hotline_event *e) { return e ? e->stream_seq : 0; }
hotline_command_kind hotline_event_command(const hotline_event *e) { return e ? (hotline_command_kind)e->cmd : HOTLINE_CMD_REGISTER; }
const char *hotline_event_actor(const hotline_event *e) { return e ? e->actor : NULL; }
hotline_time hotline_event_at(const hotline_event *e) { return e ? e->at : HOTLINE_TIME_NONE; }
const char *hotline_event_json(const hotline_event *e) { return e ? e->body : NULL; }
const char *hotline_event_prev_hash(const hotline_event *e) { return e ? e->prev_hash : NULL; }
const char *hotline_event_hash(const hotline_event *e) { return e ? e->hash : NULL; }

static int list_event_cb(const hotline_storage_event *se, void *payload)
{
	hotline_event_list *l = payload;
	hotline_event *e;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		hotline_event *p = realloc(l->items, ncap * sizeof(*p));
		if (!p)
			return HOTLINE_ENOMEM;
		l->items = p;
		l->cap = ncap;
	}
	e = &l->items[l->n];
	memset(e, 0, sizeof(*e));
	e->seq = se->seq;
	e->stream_seq = se->stream_seq;
	e->at = se->at;
	e->cmd = -1;
	hotline_command_from_name(&e->cmd, se->cmd);
	e->stream = hotline__strdup_or_empty(se->stream);
	e->cmd_name = hotline__strdup_or_empty(se->cmd);
	e->actor = hotline__strdup_or_empty(se->actor);
	e->body = hotline__strdup_or_empty(se->body);
	e->prev_hash = hotline__strdup_or_empty(se->prev_hash);
	e->hash = hotline__strdup_or_empty(se->hash);
	l->n++;
	if (!e->stream || !e->cmd_name || !e->actor || !e->body || !e->prev_hash || !e->hash)
		return HOTLINE_ENOMEM;
	return 0;
}

int hotline_db_history(hotline_event_list **out, hotline_db *db, const char *case_id)
{
	hotline_event_list *l;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!case_id)
		case_id = "";
	l = calloc(1, sizeof(*l));
	if (!l)
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	rc = 0;
	if (*case_id) {
		hotline_case tmp;
		rc = db->st->case_get(db->st, case_id, get_case_cb, &tmp);
		if (rc == 0)
			hotline__case_clear(&tmp);
		else if (rc == HOTLINE_ENOT_FOUND)
			hotline__db_fail(db, rc, "no case '%s'", case_id);
		else
			hotline__db_storage_fail(db, rc, "reading the case");
	}
	if (rc == 0) {
		rc = db->st->events_foreach(db->st, case_id, list_event_cb, l);
		if (rc)
			hotline__db_storage_fail(db, rc, "reading events");
		else
			hotline__clearerr(&db->err);
	}
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		hotline_event_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* ---- decoded events for the rules ---- */

static char *vec_keep(hotline__event_vec *v, const char *s)
{
	char *p;
	if (v->n_strings == v->cap_strings) {
		size_t ncap = v->cap_strings ? v->cap_strings * 2 : 32;
		char **q = realloc(v->strings, ncap * sizeof(*q));
		if (!q)
			return NULL;
		v->strings = q;
		v->cap_strings = ncap;
	}
	p = hotline__strdup_or_empty(s);
	if (p)
		v->strings[v->n_strings++] = p;
	return p;
}

int hotline__event_vec_push(hotline__event_vec *v, const hotline_storage_event *se, json_t *body)
{
	hotline__event *e;
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 16;
		hotline__event *p = realloc(v->ev, ncap * sizeof(*p));
		if (!p)
			return HOTLINE_ENOMEM;
		v->ev = p;
		v->cap = ncap;
	}
	e = &v->ev[v->n];
	memset(e, 0, sizeof(*e));
	e->seq = se->seq;
	e->stream_seq = se->stream_seq;
	e->at = se->at;
	if (hotline_command_from_name(&e->cmd, se->cmd) != 0)
		return HOTLINE_ECORRUPT;
	e->stream = vec_keep(v, se->stream);
	e->actor = vec_keep(v, se->actor);
	e->body = body ? json_incref(body) : json_loads(se->body, 0, NULL);
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

int hotline__event_vec_load(hotline_db *db, const char *stream, hotline__event_vec *out)
{
	int rc = db->st->events_foreach(db->st, stream, vec_cb, out);
	if (rc) {
		hotline__event_vec_free(out);
		return hotline__db_storage_fail(db, rc, "reading events");
	}
	return 0;
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

/* ---- hash chains ---- */

typedef struct verify_ctx {
	hotline_db *db;
	/* per-stream progress; streams interleave in the global order */
	struct chain { char *stream; int64_t seq; char hash[65]; } *chains;
	size_t n, cap;
	int64_t checked;
	int failed;
} verify_ctx;

static struct chain *chain_of(verify_ctx *v, const char *stream)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(v->chains[mid].stream, stream);
		if (c == 0)
			return &v->chains[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (v->n == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 64;
		struct chain *p = realloc(v->chains, ncap * sizeof(*p));
		if (!p)
			return NULL;
		v->chains = p;
		v->cap = ncap;
	}
	memmove(&v->chains[lo + 1], &v->chains[lo], (v->n - lo) * sizeof(*v->chains));
	v->chains[lo].stream = hotline__strdup_or_empty(stream);
	v->chains[lo].seq = 0;
	v->chains[lo].hash[0] = '\0';
	v->n++;
	return v->chains[lo].stream ? &v->chains[lo] : NULL;
}

static int verify_event_cb(const hotline_storage_event *e, void *payload)
{
	verify_ctx *v = payload;
	struct chain *ch = chain_of(v, e->stream);
	char h[65];
	const char *label = *e->stream ? e->stream : "(organisation)";
	if (!ch)
		return HOTLINE_ENOMEM;
	if (e->stream_seq != ch->seq + 1)
		return hotline__db_fail(v->db, HOTLINE_ECORRUPT, "stream %s: event %" PRId64 " follows %" PRId64
			" (an event is missing or out of order)", label, e->stream_seq, ch->seq);
	if (strcmp(e->prev_hash, ch->hash) != 0)
		return hotline__db_fail(v->db, HOTLINE_ECORRUPT, "stream %s: event %" PRId64
			" does not link to the previous event's hash", label, e->stream_seq);
	hotline__event_hash(e->stream, e->stream_seq, e->cmd, e->actor, e->at, e->body, e->prev_hash, h);
	if (strcmp(h, e->hash) != 0)
		return hotline__db_fail(v->db, HOTLINE_ECORRUPT, "stream %s: event %" PRId64
			" (seq %" PRId64 ") was altered: its hash does not match its content", label, e->stream_seq, e->seq);
	ch->seq = e->stream_seq;
	memcpy(ch->hash, e->hash, 65);
	v->checked++;
	return 0;
}

static int verify_case_cb(const hotline_storage_case *c, void *payload)
{
	verify_ctx *v = payload;
	struct chain *ch = chain_of(v, c->id);
	if (!ch)
		return HOTLINE_ENOMEM;
	if (ch->seq != c->version || strcmp(ch->hash, c->head_hash) != 0)
		return hotline__db_fail(v->db, HOTLINE_ECORRUPT, "case %s: snapshot is at version %" PRId64
			" but its events end at %" PRId64 " (or their last hash differs)", c->id, c->version, ch->seq);
	return 0;
}

int hotline_db_verify_log(hotline_db *db, const char *case_id, int64_t *checked_out)
{
	verify_ctx v;
	size_t i;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	memset(&v, 0, sizeof(v));
	v.db = db;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	/* one read transaction: a consistent view of events and snapshots */
	rc = db->in_batch ? 0 : db->st->begin(db->st, 0);
	if (rc) {
		hotline__db_storage_fail(db, rc, "starting a read transaction");
		goto out;
	}
	rc = db->st->events_foreach(db->st, case_id && *case_id ? case_id : NULL, verify_event_cb, &v);
	if (rc == 0) {
		if (case_id && *case_id) {
			rc = db->st->case_get(db->st, case_id, verify_case_cb, &v);
			if (rc == HOTLINE_ENOT_FOUND)
				hotline__db_fail(db, rc, "no case '%s'", case_id);
		} else {
			hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
			rc = db->st->cases_foreach(db->st, &q, verify_case_cb, &v);
		}
	}
	if (rc && !db->err.code)
		hotline__db_storage_fail(db, rc, "verifying the log");
	if (!db->in_batch)
		db->st->rollback(db->st);
out:
	for (i = 0; i < v.n; i++)
		free(v.chains[i].stream);
	free(v.chains);
	if (checked_out)
		*checked_out = v.checked;
	pthread_mutex_unlock(&db->mu);
	return rc;
}
