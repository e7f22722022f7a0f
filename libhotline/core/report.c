/*
 * Assessment and explanation over the stored events: the glue between the
 * storage and the rules engine.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/eventlog.h"
#include "core/report.h"
#include "core/summary.h"
#include "hotline/assess.h"
#include "rules/eval.h"
#include "rules/summary.h"
#include "util/time.h"

/* ---- event source over the storage: one case at a time ---- */

typedef struct store_source {
	hotline_db *db;
	hotline_storage *st;          /* the handle's reader (read_uri's storage, if any) */
	hotline__event_vec org;
	int (*cb)(const hotline__event *ev, size_t n, void *payload);
	int (*sum_cb)(const char *case_id, const hotline__event *ev, size_t n, const hotline__summary *sum,
		void *payload);
	void *payload;
	int64_t as_of;
	int summaries;                /* the cases' rules summaries hold: the handle reads under the database's policy */
	hotline_storage_case_cb each; /* handed every case as it is read (replay's list of cases), or NULL */
	void *each_payload;
	hotline__summary sum;         /* the case's summary, read into the same memory case after case */
	int rc;
} store_source;

static int source_case_cb(const hotline_storage_case *c, void *payload)
{
	store_source *s = payload;
	hotline__event_vec v;
	int rc;
	if (s->each && (rc = s->each(c, s->each_payload)) != 0)
		return rc;
	memset(&v, 0, sizeof(v));
	if ((rc = hotline__event_vec_load(s->st, c->id, &v)) != 0)
		return hotline__db_storage_fail(s->db, rc, "reading events");
	rc = s->cb(v.ev, v.n, s->payload);
	hotline__event_vec_free(&v);
	return rc;
}

/* A case from its rules summary when it holds at as_of, else from its events. */
static int source_summary_cb(const hotline_storage_case *c, void *payload)
{
	store_source *s = payload;
	hotline__event_vec v;
	const char *text;
	size_t len;
	int rc;
	if (s->each && (rc = s->each(c, s->each_payload)) != 0)
		return rc;
	if (s->summaries && (text = hotline__snapshot_summary(c->body, &len)) != NULL) {
		/* a summary this version cannot read, or older than an event as_of sees: the events */
		if (hotline__summary_parse_again(text, len, &s->sum) == 0) {
			rc = s->as_of >= s->sum.max_at ? s->sum_cb(c->id, NULL, 0, &s->sum, s->payload) :
				HOTLINE__SUMMARY_UNUSABLE;
			if (rc != HOTLINE__SUMMARY_UNUSABLE)
				return rc;
		}
	}
	memset(&v, 0, sizeof(v));
	if ((rc = hotline__event_vec_load(s->st, c->id, &v)) != 0)
		return hotline__db_storage_fail(s->db, rc, "reading events");
	rc = s->sum_cb(c->id, v.ev, v.n, NULL, s->payload);
	hotline__event_vec_free(&v);
	return rc == HOTLINE__SUMMARY_UNUSABLE ? HOTLINE_EINVALID : rc;
}

static int source_foreach_summary(void *ctx, int64_t as_of, int (*cb)(const char *case_id, const hotline__event *ev,
	size_t n, const hotline__summary *sum, void *payload), void *payload)
{
	store_source *s = ctx;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	int rc;
	s->sum_cb = cb;
	s->payload = payload;
	s->as_of = as_of;
	rc = s->st->cases_foreach(s->st, &q, source_summary_cb, s);
	hotline__summary_free(&s->sum);
	return rc;
}

static int source_foreach_case(void *ctx, int (*cb)(const hotline__event *ev, size_t n, void *payload), void *payload)
{
	store_source *s = ctx;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	s->cb = cb;
	s->payload = payload;
	return s->st->cases_foreach(s->st, &q, source_case_cb, s);
}

static int source_org_events(void *ctx, const hotline__event **ev, size_t *n)
{
	store_source *s = ctx;
	*ev = s->org.ev;
	*n = s->org.n;
	return 0;
}

static int source_open(hotline_db *db, store_source *s, hotline__source *src, int replay)
{
	int rc;
	hotline_time first = HOTLINE_TIME_NONE;
	memset(s, 0, sizeof(*s));
	memset(src, 0, sizeof(*src));
	s->db = db;
	s->st = hotline__db_reader(db);
	if ((rc = hotline__event_vec_load(s->st, "", &s->org)) != 0)
		return hotline__db_storage_fail(db, rc, "reading events");
	rc = hotline__log_first_work_at(s->st, &first);
	if (rc < 0) {
		hotline__event_vec_free(&s->org);
		return hotline__db_storage_fail(db, rc, "reading events");
	}
	src->ctx = s;
	src->foreach_case = source_foreach_case;
	src->org_events = source_org_events;
	src->first_event_at = first;
	/* summaries are the database's policy's (and every era's): a what-if replays the events */
	s->summaries = !replay && hotline__db_summaries_hold(db);
	src->foreach_case_summary = source_foreach_summary;
	return 0;
}

/*
 * The assessment as a JSON document into doc, as the assessment object into
 * doc and the penalties array into pen (pen not NULL), or (csv) as the CSV
 * table into doc. each, when not NULL, is handed every case as it is read.
 */
static int assess_locked(hotline_db *db, hotline_time as_of, hotline__sbuf *doc, hotline__sbuf *pen, int csv,
	int replay, hotline_storage_case_cb each, void *each_payload)
{
	store_source s;
	hotline__source src;
	hotline__err err;
	const char *what_if;
	int rc;

	hotline_storage *rs = hotline__db_reader(db);

	/* inside a batch, read the batch's own view; else one read transaction (on read_uri's storage if given) */
	if (!db->in_batch && (rc = rs->begin(rs, 0)) != 0)
		return hotline__db_storage_fail(db, rc, "starting a read transaction");
	if (!db->in_batch && (rc = hotline__db_sync(db)) != 0) {
		rs->rollback(rs);
		return rc;
	}
	if ((rc = source_open(db, &s, &src, replay)) != 0) {
		if (!db->in_batch)
			rs->rollback(rs);
		return rc;
	}
	s.each = each;
	s.each_payload = each_payload;
	hotline__clearerr(&err);
	/* a what-if names the text it was read under (DESIGN §6.7) */
	what_if = hotline__db_what_if(db) ? db->given_digest : NULL;
	if (csv)
		rc = hotline__assess_write_csv(db->policy, db->cal, &db->dir, &src, as_of, doc, &err);
	else
		rc = hotline__assess_write(db->policy, db->cal, &db->dir, &src, as_of, what_if, doc, pen, &err);
	if (rc && !db->err.code)
		hotline__db_fail_err(db, &err);
	hotline__event_vec_free(&s.org);
	if (!db->in_batch)
		rs->rollback(rs);
	return rc;
}

int hotline__report_assess_locked(hotline_db *db, hotline_time as_of, hotline__sbuf *assessment, hotline__sbuf *pen,
	hotline_storage_case_cb each, void *payload)
{
	return assess_locked(db, as_of, assessment, pen, 0, 0, each, payload);
}

/* Checks the arguments common to both assessment calls. */
static int assess_args(hotline_db *db, hotline_time as_of, hotline_format format)
{
	if (as_of == HOTLINE_TIME_NONE)
		return hotline__db_fail(db, HOTLINE_EINVALID, "an assessment needs an explicit as_of instant");
	if (format != HOTLINE_FORMAT_JSON && format != HOTLINE_FORMAT_CSV)
		return hotline__db_fail(db, HOTLINE_EINVALID, "unknown format %d", (int)format);
	return 0;
}

/* Hands the rest of the document to its sink; a stopped writer or short memory fails the call. */
static int flush_doc(hotline_db *db, hotline__sbuf *b)
{
	int rc = hotline__sbuf_flush(b);
	if (rc)
		rc = hotline__db_fail(db, rc, rc == HOTLINE_EIO ? "the writer stopped the assessment" : "out of memory");
	return rc;
}

/* Under the lock: the whole document into b (which may stream to a sink); JSON and CSV alike. */
static int assess_into(hotline_db *db, hotline_time as_of, hotline_format format, hotline__sbuf *b, int replay)
{
	int rc = assess_locked(db, as_of, b, NULL, format == HOTLINE_FORMAT_CSV, replay, NULL, NULL);
	return rc ? rc : flush_doc(db, b);
}

int hotline_db_assess(char **out, hotline_db *db, hotline_time as_of, hotline_format format)
{
	return hotline__db_assess_by(out, db, as_of, format, 0);
}

int hotline__db_assess_by(char **out, hotline_db *db, hotline_time as_of, hotline_format format, int replay)
{
	hotline__sbuf b;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if ((rc = assess_args(db, as_of, format)) != 0)
		return rc;
	hotline__sbuf_init(&b, NULL, NULL);
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	rc = assess_into(db, as_of, format, &b, replay);
	if (rc == 0 && !(*out = hotline__sbuf_take(&b)))
		rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	hotline__sbuf_free(&b);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_assess_write(hotline_db *db, hotline_time as_of, hotline_format format,
	hotline_write_fn write, void *ctx)
{
	hotline__sbuf b;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!write)
		return hotline__db_fail(db, HOTLINE_EINVALID, "write is NULL");
	if ((rc = assess_args(db, as_of, format)) != 0)
		return rc;
	hotline__sbuf_init(&b, write, ctx);
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	rc = assess_into(db, as_of, format, &b, 0);
	hotline__sbuf_free(&b);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_statement_json(char **out, hotline_db *db, const char *person, const char *month, hotline_time as_of)
{
	return hotline__db_statement_by(out, db, person, month, as_of, 0);
}

int hotline__db_statement_by(char **out, hotline_db *db, const char *person, const char *month, hotline_time as_of,
	int replay)
{
	store_source src_ctx;
	hotline__source src;
	hotline__err err;
	hotline_storage *rs;
	json_t *doc = NULL;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!person || !*person)
		return hotline__db_fail(db, HOTLINE_EINVALID, "statement: a person id is required");
	if (!month || !hotline__month_valid(month))
		return hotline__db_fail(db, HOTLINE_EINVALID, "statement: month \"%s\" is not YYYY-MM", month ? month : "(null)");
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	rs = hotline__db_reader(db);
	/* one read transaction, as an assessment (inside a batch: the batch's own view) */
	if (!db->in_batch && (rc = rs->begin(rs, 0)) != 0) {
		rc = hotline__db_storage_fail(db, rc, "starting a read transaction");
		goto out;
	}
	if (!db->in_batch && (rc = hotline__db_sync(db)) != 0)
		goto done;
	if (!hotline__directory_person(&db->dir, person)) {
		rc = hotline__db_fail(db, HOTLINE_ENOT_FOUND, "no person '%s'", person);
		goto done;
	}
	if ((rc = source_open(db, &src_ctx, &src, replay)) != 0)
		goto done;
	hotline__clearerr(&err);
	rc = hotline__assess_statement(db->policy, db->cal, &db->dir, &src, person, month, as_of,
		hotline__db_what_if(db) ? db->given_digest : NULL, &doc, &err);
	if (rc && !db->err.code)
		hotline__db_fail_err(db, &err);
	hotline__event_vec_free(&src_ctx.org);
	if (rc == 0 && !(*out = hotline__json_pretty(doc, 2)))
		rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
done:
	if (!db->in_batch)
		rs->rollback(rs);
out:
	json_decref(doc);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_explain(char **out, hotline_db *db, const char *case_id, hotline_time as_of)
{
	hotline__event_vec v;
	hotline__err err;
	json_t *doc = NULL;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out || !case_id || !*case_id)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out and a non-empty case id are required");
	*out = NULL;
	memset(&v, 0, sizeof(v));
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	rc = db->in_batch ? 0 : hotline__db_sync(db);
	if (rc == 0 && (rc = hotline__event_vec_load(db->st, case_id, &v)) != 0)
		hotline__db_storage_fail(db, rc, "reading events");
	if (rc == 0 && v.n == 0)
		rc = hotline__db_fail(db, HOTLINE_ENOT_FOUND, "no case '%s'", case_id);
	if (rc == 0) {
		hotline__clearerr(&err);
		if (as_of == HOTLINE_TIME_NONE)
			as_of = v.ev[v.n - 1].at;
		rc = hotline__explain_case(db->policy, db->cal, &db->dir, v.ev, v.n, as_of, &doc, &err);
		if (rc)
			hotline__db_fail_err(db, &err);
		else if (hotline__db_what_if(db) && json_object_set_new(doc, "policy_digest", json_string(db->given_digest)) != 0)
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		else if (!(*out = hotline__json_pretty(doc, 2)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	}
	json_decref(doc);
	hotline__event_vec_free(&v);
	pthread_mutex_unlock(&db->mu);
	return rc;
}
