/* Verifying the log: every stream's hash chain, and each snapshot against its stream's head. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/eventlog.h"
#include "util/mem.h"

/* Per-stream progress; streams interleave in the global order. */
struct chain {
	char *stream;
	int64_t seq;
	char hash[65];
};

typedef struct verify_ctx {
	hotline_db *db;
	/* an open-addressing hash table: case ids come in any order (UUIDs), so no sorted array */
	struct chain *chains;
	size_t n, cap;            /* cap: a power of two, at most half full */
	int64_t checked;
} verify_ctx;

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603u;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static int grow_table(verify_ctx *v)
{
	size_t ncap = v->cap ? v->cap * 2 : 256, i;
	struct chain *t = calloc(ncap, sizeof(*t));
	if (!t)
		return HOTLINE_ENOMEM;
	for (i = 0; i < v->cap; i++) {
		size_t j;
		if (!v->chains[i].stream)
			continue;
		for (j = hash_str(v->chains[i].stream) & (ncap - 1); t[j].stream; j = (j + 1) & (ncap - 1))
			;
		t[j] = v->chains[i];
	}
	free(v->chains);
	v->chains = t;
	v->cap = ncap;
	return 0;
}

static struct chain *chain_of(verify_ctx *v, const char *stream)
{
	size_t j;
	if ((v->n + 1) * 2 > v->cap && grow_table(v))
		return NULL;
	for (j = hash_str(stream) & (v->cap - 1); v->chains[j].stream; j = (j + 1) & (v->cap - 1))
		if (strcmp(v->chains[j].stream, stream) == 0)
			return &v->chains[j];
	if (!(v->chains[j].stream = hotline__strdup_or_empty(stream)))
		return NULL;
	v->chains[j].seq = 0;
	v->chains[j].hash[0] = '\0';
	v->n++;
	return &v->chains[j];
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
	for (i = 0; i < v.cap; i++)
		free(v.chains[i].stream);
	free(v.chains);
	if (checked_out)
		*checked_out = v.checked;
	pthread_mutex_unlock(&db->mu);
	return rc;
}
