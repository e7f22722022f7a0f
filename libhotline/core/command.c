/*
 * Applying a command: the refusal stages (core/validate.c, core/guards.c)
 * in DESIGN §2's order, then one storage transaction that appends the
 * event and updates the case snapshot (or the directory). A refused command
 * changes nothing. Also the batch API.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/command.h"
#include "core/calendar_record.h"
#include "core/dirstore.h"
#include "core/guards.h"
#include "core/limits.h"
#include "core/pii.h"
#include "core/snapshot.h"
#include "core/snapshot_finish.h"
#include "core/summary.h"
#include "core/validate.h"
#include "storage/caps.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/time.h"

/* The largest event body buffer kept for the next command (commands are a few hundred bytes; up to 1 MiB is allowed). */
#define BODY_KEEP 65536

/*
 * The snapshot's next due instant, from the rules evaluated at the command's
 * instant over the case's events (from the cache when it is current), and
 * the case's rules summary (core/summary.h).
 */
static int compute_next_due(hotline__cmdctx *c, const hotline_storage_event *ev, hotline_time *next_due,
	int *provisional, hotline__summary *summary, int *have_summary)
{
	const hotline__event_vec *vec;
	hotline__err err;
	int rc;

	*next_due = HOTLINE_TIME_NONE;
	rc = hotline__cache_events(&c->db->cache, c->db->st, c->case_id, c->have_case ? c->snap.version : 0,
		c->have_case ? c->snap.head_hash : "", ev, c->obj, &vec);
	if (rc == HOTLINE_ECORRUPT)
		return hotline__db_fail(c->db, rc, "case '%s': an event of it is stored under an id that is not the one its "
			"hashed body holds, or cannot be read: refusing to act on it; run verify-log", c->case_id);
	if (rc)
		return hotline__db_storage_fail(c->db, rc, "reading the case's events");
	hotline__clearerr(&err);
	rc = hotline__case_next_due_summary(c->db->policy, c->db->cal, &c->db->dir, vec->ev, vec->n, c->at,
		hotline__db_summaries_hold(c->db), next_due, provisional, summary, have_summary, &err);
	if (rc)
		hotline__db_fail_err(c->db, &err);
	return rc;
}

/*
 * A calendar line changes the working days: every open case's next due is
 * computed again under the new calendar in the same transaction (DESIGN
 * §6.7). The handle takes the calendar on once the line is written.
 */
/*
 * A recomputation that lost a race to a case's writer (PostgreSQL: the
 * snapshot moved under it, or a serialisation failure) changed nothing:
 * the line runs again, as a command whose own write lost does.
 */
static int recompute_failed(hotline__cmdctx *c, const hotline__err *err)
{
	if (err->code == HOTLINE_ECONFLICT)
		c->db->lost_race = 1;
	return hotline__db_fail_err(c->db, err);
}

static int adopt_calendar(hotline__cmdctx *c)
{
	hotline__err err;
	int rc;
	hotline__clearerr(&err);
	if (!(c->new_cal = hotline__calendar_copy(c->db->cal)))
		return hotline__db_fail(c->db, HOTLINE_ENOMEM, "out of memory");
	if ((rc = hotline__calendar_adopt_line(c->new_cal, c->obj, &err)) != 0 ||
	    (rc = hotline__db_calendar_recompute(c->db, c->new_cal, &err)) != 0)
		return recompute_failed(c, &err);
	return 0;
}

/*
 * A policy line changes the rules from its `at` on: every open case's next
 * due is computed again under the new history in the same transaction
 * (DESIGN §6.7). The handle takes the history on once the line is written.
 */
static int adopt_policy(hotline__cmdctx *c)
{
	hotline__err err;
	hotline__policy *p = c->new_policy;
	int rc;
	hotline__clearerr(&err);
	c->new_policy = NULL;
	if ((rc = hotline__db_policy_history(c->db, c->obj, c->at, p, &c->new_hist, &err)) != 0 ||
	    (rc = hotline__db_recompute_open(c->db, c->new_hist->top, c->db->cal, &err)) != 0)
		return recompute_failed(c, &err);
	return 0;
}

/* The largest snapshot text whose memory is kept for the next one. */
#define SPARE_KEEP 262144

/* Keeps *text's memory for the next snapshot's text (one at a time); *text is taken. */
static void spare_snapshot(hotline_db *db, char **text)
{
	size_t cap = *text ? strlen(*text) + 1 : 0;
	if (!*text)
		return;
	if (db->snap_spare || cap > SPARE_KEEP) {
		free(*text);
	} else {
		db->snap_spare = *text;
		db->snap_spare_cap = cap;
	}
	*text = NULL;
}

/* The body's buffer after a failure: emptied, so that a failed text is not kept. */
static int body_fail(hotline_db *db)
{
	hotline__sbuf_free(&db->body);
	hotline__sbuf_reset(&db->body);
	return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
}

/* The body's buffer after a command: a big command's memory is not kept for the small ones after it. */
static void body_done(hotline_db *db)
{
	if (db->body.cap > BODY_KEEP)
		hotline__sbuf_free(&db->body);
	hotline__sbuf_reset(&db->body);
}

static int apply(hotline__cmdctx *c, int64_t *seq_out)
{
	hotline_storage *st = c->db->st;
	const char *stream = c->case_id ? c->case_id : "";
	const char *body;
	char *snap_text = NULL;
	char hash[65], prev[65];
	int64_t prev_seq = 0, seq = 0;
	json_t *snap = NULL;
	int state = 0, approval = 0, exempt = 0, rc;
	hotline_storage_event ev;

	if (c->have_case) {
		prev_seq = c->snap.version;
		hotline__copy_str(prev, sizeof(prev), c->snap.head_hash);
	} else if (c->t->on == HOTLINE__ON_NEW_CASE) {
		prev_seq = 0;
		prev[0] = '\0';
	} else if ((rc = st->stream_head(st, "", &prev_seq, prev)) != 0) {
		return hotline__db_storage_fail(c->db, rc, "reading the organisation stream");
	}
	/* personal fields encrypted before anything is derived from the body (the event id, the hash) */
	if ((rc = hotline__pii_seal_command(c)) != 0)
		return rc;
	/* the body is written into the handle's buffer, kept from one command to the next */
	if (c->command_id) {
		hotline__sbuf_reset(&c->db->body);
		hotline__json_write(&c->db->body, c->obj);
		if (c->db->body.err)
			return body_fail(c->db);
		c->db->body.p[c->db->body.n] = '\0'; /* the writer leaves room for it */
	} else {
		/* every event carries an id (DESIGN §6.2): one is made, and kept in the body so the chain covers it */
		char id[37];
		if (hotline__event_body_into(&c->db->body, stream, prev_seq + 1, c->obj, id))
			return body_fail(c->db);
		c->command_id = json_string_value(json_object_get(c->obj, "command_id"));
	}
	body = c->db->body.p;
	hotline__event_hash(stream, prev_seq + 1, hotline_command_name(c->kind), c->actor ? c->actor : "",
		c->at, body, prev, hash);
	memset(&ev, 0, sizeof(ev));
	ev.stream = stream;
	ev.stream_seq = prev_seq + 1;
	ev.cmd = hotline_command_name(c->kind);
	ev.actor = c->actor ? c->actor : "";
	ev.at = c->at;
	ev.body = body;
	ev.prev_hash = prev;
	ev.hash = hash;
	ev.id = c->command_id;

	rc = st->event_append(st, &ev, &seq);
	if (rc) {
		rc = hotline__db_storage_fail(c->db, rc == HOTLINE_EDUPLICATE ? HOTLINE_ECONFLICT : rc, "appending the event");
		goto out;
	}
	ev.seq = seq;
	if (!*stream)
		hotline__db_org_appended(c->db, ev.stream_seq, prev, hash);
	if (c->t->on == HOTLINE__ON_DIRECTORY) {
		rc = hotline__dirstore_put(st, c->kind, c->obj, c->dir_first, seq, body, &c->dir_seq);
		if (rc)
			rc = hotline__db_storage_fail(c->db, rc, "storing the directory record");
		else if (c->kind == HOTLINE_CMD_CALENDAR)
			rc = adopt_calendar(c);
		else if (c->kind == HOTLINE_CMD_POLICY)
			rc = adopt_policy(c);
		goto out;
	}
	if (c->case_id && c->t->on != HOTLINE__ON_ORG) {
		hotline_storage_case sc;
		hotline_time next_due;
		const char *ledger = NULL;
		hotline__summary summary;
		size_t ledger_len = 0, ledger_at = 0, summary_at = 0;
		int provisional = 0, have_summary = 0;
		/*
		 * The ledger's text from the previous snapshot, when this handle wrote that text from the object it
		 * edits now and the command leaves the ledger alone: written again, it would come out the same.
		 */
		if (c->have_case && c->snap_cached && c->snap.ledger_len &&
		    (c->t->effect == HOTLINE__EFFECT_NONE || c->t->effect == HOTLINE__EFFECT_DISPATCHED_AT)) {
			ledger = c->snap.body + c->snap.ledger_at;
			ledger_len = c->snap.ledger_len;
		}
		snap = hotline__snapshot_next(c->t, c->obj, c->case_id, c->have_case ? c->snap.property : c->property->id,
			c->have_case ? &c->snap : NULL, &state, &approval, &exempt);
		if (!snap) {
			rc = hotline__db_fail(c->db, HOTLINE_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = compute_next_due(c, &ev, &next_due, &provisional, &summary, &have_summary)) != 0)
			goto out;
		{
			/* written into the memory of a snapshot text the handle no longer needs (spare_snapshot) */
			hotline__sbuf sb;
			hotline__sbuf_init(&sb, NULL, NULL);
			sb.p = c->db->snap_spare;
			sb.cap = c->db->snap_spare_cap;
			c->db->snap_spare = NULL;
			c->db->snap_spare_cap = 0;
			if (hotline__snapshot_finish_into(&sb, snap, prev_seq + 1, state, approval, exempt, &next_due,
				provisional, hotline__policy_zone_offset(c->db->policy), ledger, ledger_len, &ledger_at,
				&ledger_len))
				hotline__sbuf_free(&sb);
			snap_text = hotline__sbuf_take(&sb);
		}
		if (have_summary) {
			snap_text = hotline__snapshot_add_summary(snap_text, &summary, &summary_at);
			hotline__summary_free(&summary);
		}
		if (!snap_text) {
			rc = hotline__db_fail(c->db, HOTLINE_ENOMEM, "out of memory");
			goto out;
		}
		memset(&sc, 0, sizeof(sc));
		sc.id = c->case_id;
		sc.property = c->have_case ? c->snap.property : c->property->id;
		sc.state = state;
		sc.approval = approval;
		sc.exempt = exempt;
		sc.version = prev_seq + 1;
		sc.registered_at = c->have_case ? c->snap.registered_at : c->at;
		sc.last_at = c->at;
		sc.next_due = next_due;
		sc.head_hash = hash;
		sc.body = snap_text;
		rc = st->case_put(st, &sc, c->have_case ? c->snap.version : 0);
		if (rc) {
			rc = hotline__db_storage_fail(c->db, rc, "writing the case snapshot");
		} else {
			/* the handle's copy is the snapshot as readers see it, without the summary (its last member: the
			 * ledger's place in the text does not move) */
			hotline__cache_keep_snapshot(&c->db->cache, &sc, &snap_text, &snap, ledger_at, ledger_len,
				have_summary ? summary_at : HOTLINE__NO_SUMMARY, c->have_case ? &c->snap : NULL);
		}
	}
out:
	if (rc == 0 && seq_out)
		*seq_out = seq;
	json_decref(snap);
	free(snap_text);
	body_done(c->db);
	return rc;
}

typedef struct found_id {
	int64_t seq;
	int agrees;
} found_id;

static int found_id_cb(const hotline_storage_event *e, void *payload)
{
	found_id *f = payload;
	int seen = 0;
	f->seq = e->seq;
	f->agrees = hotline__event_id_agrees(e->id, e->body, NULL, &seen);
	return 1;
}

/*
 * The event found under the command's id as a repeat (or as another
 * command's: duplicate) must hold that id in its hashed body: an id column
 * edited to it would otherwise answer for an event that is not the
 * command's. `rc`: the lookup's outcome, kept when the id holds.
 */
static int confirm_id(hotline__cmdctx *c, int rc)
{
	hotline_storage *st = c->db->st;
	found_id f = { 0, 1 };
	int lrc;
	if (!c->command_id || !(rc == HOTLINE_EDUPLICATE || (rc == 0 && c->repeated)) )
		return rc;
	lrc = st->event_by_id(st, c->command_id, found_id_cb, &f);
	if (lrc != 0 && lrc != 1)
		return lrc == HOTLINE_ENOT_FOUND ? rc : hotline__db_storage_fail(c->db, lrc, "looking up the command id");
	if (f.agrees)
		return rc;
	c->repeated = 0;
	return hotline__db_fail(c->db, HOTLINE_ECORRUPT, "command_id '%s': the event stored under it (seq %" PRId64
		") holds another id in its hashed body: the log was edited; run verify-log", c->command_id, f.seq);
}

/* Ends a batch whose writes were rolled back: the directory cache may hold records that are gone. */
static void batch_abort(hotline_db *db)
{
	db->in_batch = 0;
	hotline__db_policy_settle(db, 0);
	hotline__cache_clear(&db->cache);
	/* the batch's definitions are gone: the next sync reloads the directory */
	db->dir_head_seq = -1;
	db->cache.trusted = 0;
}

int hotline_db_begin(hotline_db *db)
{
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	pthread_mutex_lock(&db->mu);
	rc = hotline__db_batch_begin(db);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline__db_batch_begin(hotline_db *db)
{
	int rc;
	hotline__clearerr(&db->err);
	if (db->read_only)
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "the database was opened read-only");
	else if (db->in_batch)
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "a batch is already open on this handle");
	else if ((rc = hotline__db_begin_write(db, 1)) != 0) /* any command may follow */
		rc = hotline__db_storage_fail(db, rc, "starting a batch");
	else if ((rc = hotline__db_sync(db)) != 0)
		db->st->rollback(db->st);
	else
		db->in_batch = 1;
	return rc;
}

int hotline_db_commit(hotline_db *db)
{
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	pthread_mutex_lock(&db->mu);
	rc = hotline__db_batch_commit(db);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline__db_batch_commit(hotline_db *db)
{
	int rc;
	hotline__clearerr(&db->err);
	if (!db->in_batch) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "no batch is open on this handle");
	} else if ((rc = db->st->commit(db->st)) != 0) {
		char msg[sizeof(db->err.msg)];
		hotline__db_storage_fail(db, rc, "committing the batch");
		snprintf(msg, sizeof(msg), "%s", db->err.msg);
		batch_abort(db);
		hotline__db_fail(db, rc, "%s", msg);
	} else {
		db->in_batch = 0;
		hotline__db_policy_settle(db, 1);
	}
	return rc;
}

int hotline_db_rollback(hotline_db *db)
{
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	pthread_mutex_lock(&db->mu);
	rc = hotline__db_batch_rollback(db);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline__db_batch_rollback(hotline_db *db)
{
	int rc = 0;
	hotline__clearerr(&db->err);
	if (!db->in_batch) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "no batch is open on this handle");
	} else {
		db->st->rollback(db->st);
		batch_abort(db);
	}
	return rc;
}

/*
 * A command with the client's command_id that failed (refused, or its write
 * lost) while another handle applied the same command_id: two retries at
 * once, on a backend whose writers overlap. The first check ran before the
 * twin committed; this one, in a new transaction, sees it, and the command
 * is answered as a retry (DESIGN §6.2): repeated with the twin's seq, or
 * duplicate. Otherwise the failure stands as it was. `orig`: the command
 * as given, when apply() sealed personal fields in c->obj. Not in a batch:
 * its earlier commands are rolled back with it and cannot be retried apart.
 */
static int recheck_repeat(hotline__cmdctx *c, json_t *orig, int rc, int64_t *seq_out, int *repeated_out)
{
	hotline_db *db = c->db;
	hotline__err failed = db->err;
	json_t *obj = c->obj;
	int rc2;
	if (db->in_batch || !c->command_id || rc == HOTLINE_ENOMEM)
		return rc;
	/* it only reads */
	if (hotline__db_begin_write(db, 0) != 0 || hotline__db_sync(db) != 0) {
		db->st->rollback(db->st);
		db->err = failed;
		return rc;
	}
	if (orig)
		c->obj = orig;
	c->repeated = 0;
	rc2 = confirm_id(c, hotline__validate_repeat(c));
	c->obj = obj;
	db->st->rollback(db->st);
	if (rc2 == HOTLINE_EDUPLICATE || rc2 == HOTLINE_ECORRUPT)
		return rc2;
	if (rc2 == 0 && c->repeated) {
		hotline__clearerr(&db->err);
		if (seq_out)
			*seq_out = c->repeat_seq;
		if (repeated_out)
			*repeated_out = 1;
		return 0;
	}
	db->err = failed;
	return rc;
}

/* Puts back the command as given, to run it again: no made id, no sealed fields (orig: the copy taken before apply). */
static void as_given(json_t *obj, json_t *orig, int own_id)
{
	if (orig) {
		json_object_clear(obj);
		json_object_update(obj, orig);
	} else if (!own_id) {
		json_object_del(obj, "command_id");
	}
}

/*
 * Runs one command object once, the handle's lock held. A failure that lost
 * a race to another writer (db->lost_race) has rolled everything back and
 * left obj as it was given, so that the command can run again.
 */
static int exec_once(hotline_db *db, json_t *obj, int64_t *seq_out, int *repeated_out)
{
	hotline__cmdctx c;
	json_t *orig = NULL;
	int rc, repeat_failed, own_id;

	memset(&c, 0, sizeof(c));
	c.db = db;
	c.obj = obj;
	c.kind = -1;
	if (db->read_only) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "the database was opened read-only");
		goto done;
	}
	if ((rc = hotline__validate_shape(&c)) != 0)
		goto done;
	/* One write transaction from the first read to the last write, so the checks see what the writes change. */
	if (!db->in_batch) {
		/* a command without a case appends to the organisation stream (apply) */
		if ((rc = hotline__db_begin_write(db, !c.case_id)) != 0) {
			rc = hotline__db_storage_fail(db, rc, "starting a transaction");
			goto done;
		}
		if ((rc = hotline__db_sync(db)) != 0) {
			db->st->rollback(db->st);
			goto done;
		}
	}
	/* a handle reading under another policy (a what-if) writes nothing (DESIGN §6.7) */
	if ((rc = hotline__db_policy_check_write(db)) != 0) {
		if (!db->in_batch)
			db->st->rollback(db->st);
		goto done;
	}
	if ((rc = confirm_id(&c, hotline__validate_repeat(&c))) == 0 && c.repeated) {
		/* a retry of a command already applied: its original seq, and nothing changes */
		if (!db->in_batch)
			db->st->rollback(db->st);
		if (seq_out)
			*seq_out = c.repeat_seq;
		if (repeated_out)
			*repeated_out = 1;
		goto done;
	}
	repeat_failed = rc != 0; /* then it has answered already */
	own_id = c.command_id != NULL; /* apply() makes one when the client gave none */
	if (rc || (rc = hotline__validate_references(&c)) || (rc = hotline__validate_role(&c)) ||
	    (rc = hotline__validate_transition(&c)) || (rc = hotline__guards_check(&c)) ||
	    (rc = hotline__validate_version(&c)) || (rc = hotline__pii_check(&c))) {
		/* A refusal has written nothing: a batch goes on. */
		if (!db->in_batch)
			db->st->rollback(db->st);
		if (!repeat_failed)
			rc = recheck_repeat(&c, NULL, rc, seq_out, repeated_out);
		goto done;
	}
	/* apply() seals personal fields in place: a recheck compares the command as given, a retry runs it */
	if (!db->in_batch && hotline__pii_will_seal(&c) && !(orig = json_deep_copy(obj))) {
		rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		db->st->rollback(db->st);
		goto done;
	}
	/* the first event of a log records the policy the database runs under (DESIGN §6.7) */
	if ((rc = hotline__db_policy_record(db)) != 0 || (rc = apply(&c, seq_out)) != 0) {
		/* A write failed half-way: nothing of the command (or of its batch) may stay. */
		db->st->rollback(db->st);
		if (!db->in_batch)
			hotline__db_policy_settle(db, 0);
		hotline__cache_clear(&db->cache);
		if (db->in_batch)
			batch_abort(db);
		else if (own_id)
			rc = recheck_repeat(&c, orig, rc, seq_out, repeated_out);
		if (rc && db->lost_race && !db->in_batch)
			as_given(obj, orig, own_id);
		goto done;
	}
	if (!db->in_batch && (rc = db->st->commit(db->st)) != 0) {
		hotline__db_policy_settle(db, 0);
		rc = hotline__db_storage_fail(db, rc, "committing");
		hotline__cache_clear(&db->cache);
		if (db->lost_race)
			as_given(obj, orig, own_id);
		goto done;
	}
	if (!db->in_batch)
		hotline__db_policy_settle(db, 1);
	if (c.t->on == HOTLINE__ON_DIRECTORY) {
		/* Cached once written; a batch that rolls back reloads the cache. */
		int arc = hotline__directory_add(&db->dir, c.kind, obj,
			c.at == HOTLINE_TIME_NONE ? HOTLINE__DIR_ALWAYS : c.at, c.dir_seq);
		if (arc && arc != HOTLINE_EDUPLICATE)
			rc = hotline__db_fail(db, arc, "out of memory");
		if (c.new_cal) {
			hotline__calendar_free(db->cal);
			db->cal = c.new_cal;
			c.new_cal = NULL;
		}
		if (c.new_hist) {
			/* the handle that changed the policy follows the record from then on, as one opened without one */
			db->given_explicit = 0;
			hotline__db_policy_history_install(db, c.new_hist);
			c.new_hist = NULL;
		}
	}
done:
	hotline__calendar_free(c.new_cal);
	hotline__policy_free(c.new_policy);
	hotline__policy_history_free(c.new_hist);
	json_decref(orig);
	if (c.have_case) {
		/* after a write the case's strings have gone to the snapshot kept (hotline__cache_keep_snapshot) */
		if (rc && c.snap_cached && c.snap.id)
			hotline__cache_return_snapshot(&db->cache, &c.snap);
		else {
			/* the text of a snapshot written over: its memory takes the next one */
			if (rc == 0)
				spare_snapshot(db, &c.snap.body);
			hotline__case_clear(&c.snap);
		}
	}
	return rc;
}

/* Runs of a command that lose races to other writers (deadlocks, serialisation failures), and their time. */
#define RETRY_ATTEMPTS 8
#define RETRY_FIRST_US 2000
#define RETRY_MAX_US 200000
#define RETRY_BUDGET_US 10000000

static int64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/*
 * Runs one command object; takes the handle's lock. A run that lost a race
 * to another writer (the backend's deadlock or serialisation failure, or a
 * stream position taken under it) changed nothing and runs again, after a
 * pause that doubles each time, with jitter so that the losers do not meet
 * again (DESIGN §6.5). Not in a batch: its earlier commands are gone with
 * the transaction.
 */
int hotline__db_exec_obj(hotline_db *db, json_t *obj, int64_t *seq_out, int *repeated_out)
{
	int64_t start = 0, pause = RETRY_FIRST_US;
	int rc, attempt;

	pthread_mutex_lock(&db->mu);
	for (attempt = 1;; attempt++) {
		hotline__clearerr(&db->err);
		db->lost_race = 0;
		rc = exec_once(db, obj, seq_out, repeated_out);
		if (rc == 0 || !db->lost_race || db->in_batch)
			break;
		if (!start)
			start = now_us();
		if (attempt == RETRY_ATTEMPTS || now_us() - start + pause > RETRY_BUDGET_US) {
			/* not the caller's conflict (that is expect_version's): the storage stayed too busy */
			char msg[sizeof(db->err.msg)];
			snprintf(msg, sizeof(msg), "%s", db->err.msg);
			rc = hotline__db_fail(db, HOTLINE_EBUSY, "%s (lost to other writers %d times: try again later)", msg,
				attempt);
			break;
		}
		{
			/* between half the pause and the whole of it */
			int64_t us = pause / 2 + (int64_t)randombytes_uniform((uint32_t)(pause / 2 + 1));
			struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };
			nanosleep(&ts, NULL);
		}
		pause = pause * 2 > RETRY_MAX_US ? RETRY_MAX_US : pause * 2;
	}
	db->lost_race = 0;
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_exec_json(hotline_db *db, const char *json, int64_t *seq_out, int *repeated_out)
{
	json_error_t jerr;
	json_t *obj;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!json)
		return hotline__db_fail(db, HOTLINE_EINVALID, "command text is NULL");
	if (repeated_out)
		*repeated_out = 0;
	/* DESIGN §6.3: refused before parsing, so that a 100 MB text costs nothing */
	if (strnlen(json, HOTLINE__COMMAND_MAX_BYTES + 1) > HOTLINE__COMMAND_MAX_BYTES)
		return hotline__db_fail(db, HOTLINE_EINVALID, "the command is larger than 1 MiB");
	obj = hotline__json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return hotline__db_fail(db, HOTLINE_EINVALID, "malformed JSON at column %d: %s", jerr.column, jerr.text);
	rc = hotline__db_exec_obj(db, obj, seq_out, repeated_out);
	json_decref(obj);
	return rc;
}
