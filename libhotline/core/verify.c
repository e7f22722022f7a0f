/*
 * Verifying the log (DESIGN §6.3): every stream's hash chain; every case
 * snapshot rebuilt from its events and compared with what is stored; the
 * directory table rebuilt from the organisation stream's directory lines;
 * the backend's own protection of the log (SQLite's append-only triggers);
 * and, for the report, a checkpoint. Every problem is a finding; the first
 * one names the failure of hotline_db_verify_log.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"
#include "core/db.h"
#include "core/eventlog.h"
#include "core/rebuild.h"
#include "core/summary.h"
#include "model/lifecycle.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/sha256.h"
#include "util/time.h"

#define DEFAULT_MAX_FINDINGS 1000

/* Per-stream progress; streams interleave in the global order. */
struct chain {
	char *stream;
	int64_t seq;
	char hash[65];
	int broken;          /* a chain finding was reported: its snapshot is not rebuilt */
	int has_snapshot;
};

typedef struct verify_ctx {
	hotline_db *db;
	/* an open-addressing hash table: case ids come in any order (UUIDs), so no sorted array */
	struct chain *chains;
	size_t n, cap;            /* cap: a power of two, at most half full */
	int64_t checked, cases, dir_records;
	int ids_seen;             /* an event read so far had an id (hotline__event_id_agrees) */
	hotline__dir_rebuild dir;
	/* findings */
	json_t *findings;
	size_t total, max;
	char first[512];
	int failed;               /* a failure that stops verification (memory, storage) */
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

/* The stream's entry; created when `create`, else NULL when the stream has no events. */
static struct chain *chain_of(verify_ctx *v, const char *stream, int create)
{
	size_t j;
	if (create && (v->n + 1) * 2 > v->cap && grow_table(v))
		return NULL;
	if (!v->cap)
		return NULL;
	for (j = hash_str(stream) & (v->cap - 1); v->chains[j].stream; j = (j + 1) & (v->cap - 1))
		if (strcmp(v->chains[j].stream, stream) == 0)
			return &v->chains[j];
	if (!create || !(v->chains[j].stream = hotline__strdup_or_empty(stream)))
		return NULL;
	v->chains[j].seq = 0;
	v->chains[j].hash[0] = '\0';
	v->n++;
	return &v->chains[j];
}

/* ---- findings ---- */

typedef struct subject {
	const char *case_id;      /* a case, or NULL */
	int organisation;         /* the organisation stream */
	const char *kind, *key;   /* a directory record */
	int64_t seq, version;     /* 0: none */
} subject;

/* Records one finding (takes `differences`); 0, or HOTLINE_ENOMEM. */
static int finding(verify_ctx *v, const char *code, const subject *s, json_t *differences, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;
static int finding(verify_ctx *v, const char *code, const subject *s, json_t *differences, const char *fmt, ...)
{
	char msg[512];
	json_t *f;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v->total++ == 0)
		snprintf(v->first, sizeof(v->first), "%s", msg);
	if (json_array_size(v->findings) >= v->max) {
		json_decref(differences);
		return 0;
	}
	f = json_pack("{s:s, s:s}", "code", code, "message", msg);
	if (!f) {
		json_decref(differences);
		return HOTLINE_ENOMEM;
	}
	if (s && s->case_id)
		json_object_set_new(f, "case", json_string(s->case_id));
	if (s && s->organisation)
		json_object_set_new(f, "organisation", json_true());
	if (s && s->kind)
		json_object_set_new(f, "directory", json_pack("{s:s, s:s}", "kind", s->kind, "key", s->key));
	if (s && s->seq)
		json_object_set_new(f, "seq", json_integer(s->seq));
	if (s && s->version)
		json_object_set_new(f, "version", json_integer(s->version));
	if (differences)
		json_object_set_new(f, "differences", differences);
	return json_array_append_new(v->findings, f) ? HOTLINE_ENOMEM : 0;
}

static const char *label_of(const char *stream)
{
	return *stream ? stream : "(organisation)";
}

/* ---- the chains ---- */

static int chain_event(verify_ctx *v, const hotline_storage_event *e)
{
	struct chain *ch = chain_of(v, e->stream, 1);
	subject s;
	char h[65];
	int rc = 0;
	if (!ch)
		return HOTLINE_ENOMEM;
	memset(&s, 0, sizeof(s));
	s.case_id = *e->stream ? e->stream : NULL;
	s.organisation = !*e->stream;
	s.seq = e->seq;
	s.version = e->stream_seq;
	hotline__event_hash(e->stream, e->stream_seq, e->cmd, e->actor, e->at, e->body, e->prev_hash, h);
	/* one finding per break; the next event is checked against this one as stored */
	if (e->stream_seq != ch->seq + 1)
		rc = finding(v, "event_missing", &s, NULL, "stream %s: event %" PRId64 " follows %" PRId64
			" (an event is missing or out of order)", label_of(e->stream), e->stream_seq, ch->seq);
	else if (strcmp(e->prev_hash, ch->hash) != 0)
		rc = finding(v, "event_unlinked", &s, NULL, "stream %s: event %" PRId64
			" does not link to the previous event's hash", label_of(e->stream), e->stream_seq);
	else if (strcmp(h, e->hash) != 0)
		rc = finding(v, "event_altered", &s, NULL, "stream %s: event %" PRId64
			" (seq %" PRId64 ") was altered: its hash does not match its content", label_of(e->stream),
			e->stream_seq, e->seq);
	else
		goto linked;
	ch->broken = 1;
linked:
	ch->seq = e->stream_seq;
	memcpy(ch->hash, e->hash, 65);
	v->checked++;
	/* the id is outside the hash: it must be the one the body holds, or a retry of that command would apply again */
	if (rc == 0 && !hotline__event_id_agrees(e->id, e->body, NULL, &v->ids_seen))
		rc = finding(v, "event_id_differs", &s, NULL, "stream %s: event %" PRId64 " (seq %" PRId64 ") is stored under"
			" an id that is not the one its hashed body holds: its id was edited", label_of(e->stream), e->stream_seq,
			e->seq);
	return rc;
}

/* An organisation event: a directory line (rebuilt) or an organisation-level command. */
static int org_event(verify_ctx *v, const hotline_storage_event *e)
{
	hotline__err err;
	subject s;
	int kind, on, rc;
	memset(&s, 0, sizeof(s));
	s.organisation = 1;
	s.seq = e->seq;
	s.version = e->stream_seq;
	on = hotline_command_from_name(&kind, e->cmd) == 0 ? hotline__transition_of(kind)->on : -1;
	if (on != HOTLINE__ON_DIRECTORY && on != HOTLINE__ON_ORG && on != HOTLINE__ON_CASE_OR_ORG)
		return finding(v, "event_not_allowed", &s, NULL, "stream (organisation): event %" PRId64
			" ('%s') cannot belong to the organisation stream", e->stream_seq, e->cmd);
	hotline__clearerr(&err);
	rc = hotline__dir_rebuild_event(&v->dir, e, &err);
	if (rc == HOTLINE_ENOMEM)
		return rc;
	if (rc)
		return finding(v, "directory_event_unreadable", &s, NULL, "stream (organisation): %s", err.msg);
	return 0;
}

static int log_event_cb(const hotline_storage_event *e, void *payload)
{
	verify_ctx *v = payload;
	int rc = chain_event(v, e);
	if (rc == 0 && !*e->stream)
		rc = org_event(v, e);
	return rc;
}

static int case_chain_cb(const hotline_storage_event *e, void *payload)
{
	return chain_event(payload, e);
}

/* The organisation stream read only to rebuild the directory (one case verified). */
static int dir_only_cb(const hotline_storage_event *e, void *payload)
{
	verify_ctx *v = payload;
	hotline__err err;
	int rc;
	hotline__clearerr(&err);
	rc = hotline__dir_rebuild_event(&v->dir, e, &err);
	return rc == HOTLINE_ENOMEM ? rc : 0;
}

/* ---- the snapshots ---- */

static json_t *time_json(hotline_db *db, hotline_time t)
{
	char buf[32];
	if (t == HOTLINE_TIME_NONE)
		return json_null();
	hotline__time_format(t, hotline__policy_zone_offset(db->policy), buf);
	return json_string(buf);
}

static void diff(json_t *d, const char *field, json_t *stored, json_t *rebuilt)
{
	json_t *o;
	if (json_equal(stored, rebuilt) || (!stored && !rebuilt)) {
		json_decref(stored);
		json_decref(rebuilt);
		return;
	}
	o = json_object();
	json_object_set_new(o, "field", json_string(field));
	json_object_set_new(o, "stored", stored ? stored : json_null());
	json_object_set_new(o, "rebuilt", rebuilt ? rebuilt : json_null());
	json_array_append_new(d, o);
}

/* Every key of two objects (prefix "body." or "body.ledger."); the ledger key by key. */
static void diff_objects(json_t *d, const char *prefix, json_t *stored, json_t *rebuilt)
{
	const char *key;
	json_t *x;
	char field[160];
	json_object_foreach(stored, key, x) {
		json_t *y = json_object_get(rebuilt, key);
		snprintf(field, sizeof(field), "%s%s", prefix, key);
		if (strcmp(prefix, "body.") == 0 && strcmp(key, "ledger") == 0 && json_is_object(x) && json_is_object(y))
			diff_objects(d, "body.ledger.", x, y);
		else
			diff(d, field, json_incref(x), json_incref(y));
	}
	json_object_foreach(rebuilt, key, x)
		if (!json_object_get(stored, key)) {
			snprintf(field, sizeof(field), "%s%s", prefix, key);
			diff(d, field, NULL, json_incref(x));
		}
}

/*
 * A stored rules summary against the one the events give (core/summary.h);
 * a snapshot kept without one (written before summaries) is not a finding.
 */
static int compare_summary(hotline_db *db, const hotline__directory *dir, const char *body,
	const hotline__case_rebuild *r, json_t *d)
{
	hotline__err err;
	const char *stored;
	char *rebuilt = NULL;
	size_t len;
	int rc;
	/* a handle under another policy than the recorded one cannot tell (core/summary.h) */
	if (!(stored = hotline__snapshot_summary(body, &len)) || !hotline__db_summaries_hold(db))
		return 0;
	hotline__clearerr(&err);
	if ((rc = hotline__case_summary_text(db->policy, db->cal, dir, r->events.ev, r->events.n, &rebuilt, &err)) != 0)
		return rc;
	if (!rebuilt || strlen(rebuilt) != len || memcmp(rebuilt, stored, len) != 0) {
		char *copy = malloc(len + 1);
		if (copy) {
			memcpy(copy, stored, len);
			copy[len] = 0;
		}
		diff(d, "summary", copy ? json_string(copy) : NULL, rebuilt ? json_string(rebuilt) : json_null());
		free(copy);
	}
	free(rebuilt);
	return 0;
}

static json_t *compare_case(hotline_db *db, const hotline__directory *dir, const hotline_storage_case *sc,
	const hotline__case_rebuild *r)
{
	const hotline_case *b = &r->snap;
	json_t *d = json_array(), *stored;
	char *plain;
	diff(d, "property", json_string(sc->property), json_string(b->property));
	diff(d, "state", json_string(hotline_state_name(sc->state)), json_string(hotline_state_name(b->state)));
	diff(d, "approval", json_string(hotline_approval_name(sc->approval)), json_string(hotline_approval_name(b->approval)));
	diff(d, "exempt", json_boolean(sc->exempt), json_boolean(b->exempt));
	diff(d, "version", json_integer(sc->version), json_integer(b->version));
	diff(d, "registered_at", time_json(db, sc->registered_at), time_json(db, b->registered_at));
	diff(d, "last_at", time_json(db, sc->last_at), time_json(db, b->last_at));
	diff(d, "next_due", time_json(db, sc->next_due), time_json(db, b->next_due));
	diff(d, "head_hash", json_string(sc->head_hash), json_string(r->head_hash));
	/* the snapshot as readers see it, then its rules summary */
	if (!(plain = hotline__strdup(sc->body ? sc->body : ""))) {
		json_decref(d);
		return NULL;
	}
	hotline__snapshot_strip_summary(plain);
	stored = json_loads(plain, 0, NULL);
	if (json_is_object(stored))
		diff_objects(d, "body.", stored, b->json);
	else
		diff(d, "body", json_string(plain), json_string(b->body));
	json_decref(stored);
	free(plain);
	if (d && compare_summary(db, dir, sc->body, r, d) != 0) {
		json_decref(d);
		return NULL;
	}
	return d;
}

typedef struct rebuild_run {
	verify_ctx *v;
	hotline__case_rebuild r;
	int stopped;              /* an event could not be applied: reported */
	int rc;
} rebuild_run;

static int rebuild_cb(const hotline_storage_event *e, void *payload)
{
	rebuild_run *run = payload;
	hotline_db *db = run->v->db;
	hotline__err err;
	subject s;
	int rc;
	if (run->stopped)
		return 0;
	hotline__clearerr(&err);
	rc = hotline__case_rebuild_event(&run->r, db->policy, db->cal, &run->v->dir.dir, e, &err);
	if (rc == 0)
		return 0;
	if (rc == HOTLINE_ENOMEM)
		return rc;
	run->stopped = 1;
	memset(&s, 0, sizeof(s));
	s.case_id = e->stream;
	s.seq = e->seq;
	s.version = e->stream_seq;
	return finding(run->v, rc == HOTLINE_ECORRUPT ? "event_not_allowed" : "case_unrebuildable", &s, NULL,
		"case %s: %s", e->stream, err.msg);
}

static int verify_case_cb(const hotline_storage_case *c, void *payload)
{
	verify_ctx *v = payload;
	struct chain *ch = chain_of(v, c->id, 0);
	rebuild_run run;
	subject s;
	int rc;
	v->cases++;
	memset(&s, 0, sizeof(s));
	s.case_id = c->id;
	if (!ch)
		return finding(v, "snapshot_without_events", &s, NULL, "case %s: a snapshot (version %" PRId64
			") with no events: its events were deleted", c->id, c->version);
	ch->has_snapshot = 1;
	if (ch->seq != c->version || strcmp(ch->hash, c->head_hash) != 0)
		return finding(v, "snapshot_stale", &s, NULL, "case %s: snapshot is at version %" PRId64
			" but its events end at %" PRId64 " (or their last hash differs)", c->id, c->version, ch->seq);
	if (ch->broken)
		return 0;
	/* rebuilt command by command, as the commands wrote it */
	memset(&run, 0, sizeof(run));
	run.v = v;
	hotline__case_rebuild_init(&run.r);
	rc = v->db->st->events_foreach(v->db->st, c->id, rebuild_cb, &run);
	if (rc == 0 && !run.stopped) {
		json_t *d = compare_case(v->db, &v->dir.dir, c, &run.r);
		if (!d) {
			rc = HOTLINE_ENOMEM;
		} else if (json_array_size(d)) {
			char fields[200] = "";
			size_t i;
			for (i = 0; i < json_array_size(d); i++) {
				const char *f = json_string_value(json_object_get(json_array_get(d, i), "field"));
				if (strlen(fields) + strlen(f) + 8 >= sizeof(fields)) {
					strcat(fields, ", ...");
					break;
				}
				if (i)
					strcat(fields, ", ");
				strcat(fields, f);
			}
			rc = finding(v, "snapshot_differs", &s, d, "case %s: the stored snapshot differs from the one its events"
				" give (%s)", c->id, fields);
		} else {
			json_decref(d);
		}
	}
	hotline__case_rebuild_free(&run.r);
	return rc;
}

/* ---- the directory ---- */

/*
 * The policy the database was created under (core/policy_record.c) has no
 * event: its text must load and give the digest it was recorded with.
 */
static int verify_policy_record(verify_ctx *v, const subject *s, const char *body)
{
	json_t *o = json_loads(body, 0, NULL);
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *digest = json_string_value(json_object_get(o, "digest"));
	const char *text = json_string_value(json_object_get(o, "text"));
	hotline__policy *p = NULL;
	hotline__err err;
	char hex[65];
	int rc = 0;
	hotline__clearerr(&err);
	if (!name || !digest || !text)
		rc = finding(v, "policy_record_differs", s, NULL, "the recorded policy is not readable");
	else if (hotline__sha256_hex(text, strlen(text), hex), strcmp(hex, digest) != 0)
		rc = finding(v, "policy_record_differs", s, NULL, "the recorded policy '%s': its text does not give its"
			" digest %.12s…", name, digest);
	else if (hotline__policy_load(&p, text, strlen(text), &err) != 0 || strcmp(hotline__policy_name(p), name) != 0)
		rc = finding(v, "policy_record_differs", s, NULL, "the recorded policy '%s' does not load under its name", name);
	if (p)
		hotline__policy_free(p);
	json_decref(o);
	return rc;
}

static int verify_dir_cb(const char *kind, const char *key, const char *body, void *payload)
{
	verify_ctx *v = payload;
	hotline__dir_row *row = hotline__dir_rebuild_find(&v->dir, kind, key);
	subject s;
	memset(&s, 0, sizeof(s));
	s.kind = kind;
	s.key = key;
	if (strcmp(kind, "policy") == 0 && strcmp(key, "created") == 0)
		return verify_policy_record(v, &s, body);
	v->dir_records++;
	if (!row)
		return finding(v, "directory_record_unexplained", &s, NULL, "directory %s '%s': no event wrote this record",
			kind, key);
	row->seen = 1;
	s.seq = row->seq;
	if (strcmp(row->body, body) != 0) {
		json_t *stored = json_loads(body, 0, NULL), *rebuilt = json_loads(row->body, 0, NULL), *d = json_array();
		if (json_is_object(stored) && json_is_object(rebuilt))
			diff_objects(d, "body.", stored, rebuilt);
		else
			diff(d, "body", json_string(body), json_string(row->body));
		json_decref(stored);
		json_decref(rebuilt);
		return finding(v, "directory_record_differs", &s, d, "directory %s '%s': the record differs from the event"
			" (seq %" PRId64 ") that wrote it", kind, key, row->seq);
	}
	return 0;
}

static int protection_cb(const char *code, const char *message, void *payload)
{
	return finding(payload, code, NULL, NULL, "%s", message);
}

/* ---- the runs ---- */

typedef struct run_opts {
	const char *case_id;
	size_t max;
	const char *checkpoint;
	const hotline__checkpoint *ckpt;
	const unsigned char *public_key;
} run_opts;

/* Runs every check into v (the handle's lock held, inside a read transaction). */
static int run_checks(verify_ctx *v, const run_opts *o, int *protection_checked, json_t **ckpt_out)
{
	hotline_storage *st = v->db->st;
	int rc;
	size_t i;

	if (o->case_id) {
		rc = st->events_foreach(st, o->case_id, case_chain_cb, v);
		if (rc == 0)
			rc = st->events_foreach(st, "", dir_only_cb, v);
		if (rc == 0) {
			rc = st->case_get(st, o->case_id, verify_case_cb, v);
			if (rc == HOTLINE_ENOT_FOUND && chain_of(v, o->case_id, 0)) {
				subject s;
				memset(&s, 0, sizeof(s));
				s.case_id = o->case_id;
				rc = finding(v, "events_without_snapshot", &s, NULL, "case %s: events with no snapshot", o->case_id);
			} else if (rc == HOTLINE_ENOT_FOUND) {
				return hotline__db_fail(v->db, rc, "no case '%s'", o->case_id);
			}
		}
	} else {
		hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
		rc = st->events_foreach(st, NULL, log_event_cb, v);
		if (rc == 0)
			rc = st->cases_foreach(st, &q, verify_case_cb, v);
		for (i = 0; rc == 0 && i < v->cap; i++) {
			struct chain *ch = &v->chains[i];
			if (ch->stream && *ch->stream && !ch->has_snapshot) {
				subject s;
				memset(&s, 0, sizeof(s));
				s.case_id = ch->stream;
				rc = finding(v, "events_without_snapshot", &s, NULL, "case %s: %" PRId64
					" events with no snapshot: the snapshot was deleted", ch->stream, ch->seq);
			}
		}
		if (rc == 0)
			rc = st->dir_foreach(st, NULL, verify_dir_cb, v);
		for (i = 0; rc == 0 && i < v->dir.n_rows; i++) {
			const hotline__dir_row *row = &v->dir.rows[i];
			subject s;
			if (row->seen)
				continue;
			memset(&s, 0, sizeof(s));
			s.kind = row->kind;
			s.key = row->key;
			s.seq = row->seq;
			rc = finding(v, "directory_record_missing", &s, NULL, "directory %s '%s': the record that event (seq %"
				PRId64 ") wrote is missing", row->kind, row->key, row->seq);
		}
	}
	*protection_checked = o->case_id ? -1 : 0;
	/* the log's protection is the whole database's: checked with the whole log */
	if (rc == 0 && !o->case_id && st->check_protection) {
		rc = st->check_protection(st, protection_cb, v);
		*protection_checked = rc == 0;
	}
	if (rc == 0 && o->ckpt) {
		hotline__err err;
		const char *code = NULL;
		hotline__clearerr(&err);
		rc = hotline__checkpoint_check(st, o->checkpoint, o->ckpt, o->public_key, &code, &err);
		*ckpt_out = json_pack("{s:I, s:I, s:b, s:s, s:b}", "seq", (json_int_t)o->ckpt->seq,
			"count", (json_int_t)o->ckpt->count, "signed", o->ckpt->is_signed,
			"signature", o->public_key && o->ckpt->is_signed && (!code || strcmp(code, "checkpoint_signature_invalid"))
				? "valid" : o->public_key && o->ckpt->is_signed ? "invalid" : "not_checked",
			"ok", rc == 0);
		if (rc == HOTLINE_ECORRUPT)
			rc = finding(v, code, NULL, NULL, "%s", err.msg);
	}
	if (rc && !v->db->err.code)
		hotline__db_storage_fail(v->db, rc, "verifying the log");
	return rc;
}

static int run(hotline_db *db, const run_opts *o, int64_t *checked_out, char **report_out)
{
	verify_ctx v;
	json_t *ckpt = NULL;
	int rc, protection = 0;
	size_t i;

	memset(&v, 0, sizeof(v));
	v.db = db;
	v.max = o->max ? o->max : DEFAULT_MAX_FINDINGS;
	hotline__dir_rebuild_init(&v.dir);
	if (!(v.findings = json_array()))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	/* one read transaction: a consistent view of events, snapshots and the directory */
	rc = db->in_batch ? 0 : db->st->begin(db->st, 0);
	if (rc) {
		hotline__db_storage_fail(db, rc, "starting a read transaction");
		goto out;
	}
	rc = run_checks(&v, o, &protection, &ckpt);
	if (!db->in_batch)
		db->st->rollback(db->st);
	if (rc)
		goto out;
	if (report_out) {
		json_t *r = json_pack("{s:b, s:s, s:I, s:I, s:I, s:I, s:s, s:o, s:I, s:b}",
			"ok", v.total == 0, "scope", o->case_id ? "case" : "log", "events", (json_int_t)v.checked,
			"streams", (json_int_t)v.n, "cases", (json_int_t)v.cases, "directory_records", (json_int_t)v.dir_records,
			"protection", protection > 0 ? "checked" : protection < 0 ? "not_checked" : "not_available", "findings", json_incref(v.findings),
			"findings_total", (json_int_t)v.total, "truncated", v.total > json_array_size(v.findings));
		if (r && o->case_id)
			json_object_set_new(r, "case", json_string(o->case_id));
		if (r && ckpt)
			json_object_set(r, "checkpoint", ckpt);
		*report_out = r ? hotline__json_canonical(r) : NULL;
		json_decref(r);
		if (!*report_out) {
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (v.total == 1)
		rc = hotline__db_fail(db, HOTLINE_ECORRUPT, "%s", v.first);
	else if (v.total > 1)
		rc = hotline__db_fail(db, HOTLINE_ECORRUPT, "%s (and %zu more problems: hotline_db_verify_report lists them)",
			v.first, v.total - 1);
out:
	for (i = 0; i < v.cap; i++)
		free(v.chains[i].stream);
	free(v.chains);
	hotline__dir_rebuild_free(&v.dir);
	json_decref(v.findings);
	json_decref(ckpt);
	if (checked_out)
		*checked_out = v.checked;
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_verify_log(hotline_db *db, const char *case_id, int64_t *checked_out)
{
	run_opts o;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	memset(&o, 0, sizeof(o));
	o.case_id = case_id && *case_id ? case_id : NULL;
	return run(db, &o, checked_out, NULL);
}

int hotline_verify_options_init(hotline_verify_options *opts, unsigned int version)
{
	if (!opts)
		return hotline__last_error_set(HOTLINE_EINVALID, "options pointer is NULL");
	if (version == 0 || version > HOTLINE_VERIFY_OPTIONS_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_verify_options version %u", version);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return 0;
}

int hotline_db_verify_report(char **out, hotline_db *db, const hotline_verify_options *opts)
{
	hotline__checkpoint c;
	run_opts o;
	int rc;
	if (out)
		*out = NULL;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	if (opts && (opts->version == 0 || opts->version > HOTLINE_VERIFY_OPTIONS_VERSION))
		return hotline__db_fail(db, HOTLINE_EINVALID, "unsupported hotline_verify_options version %u", opts->version);
	memset(&o, 0, sizeof(o));
	if (opts) {
		o.case_id = opts->case_id && *opts->case_id ? opts->case_id : NULL;
		o.max = opts->max_findings;
		o.checkpoint = opts->checkpoint;
		o.public_key = opts->public_key;
	}
	if (o.checkpoint) {
		hotline__err err;
		hotline__clearerr(&err);
		if ((rc = hotline__checkpoint_parse(o.checkpoint, &c, &err)) != 0)
			return hotline__db_fail_err(db, &err);
		o.ckpt = &c;
	}
	rc = run(db, &o, NULL, out);
	if (rc && rc != HOTLINE_ECORRUPT && *out) {
		free(*out);
		*out = NULL;
	}
	return rc;
}
