/*
 * Assessment, explanation and scenario replay: the glue between stored
 * events and the rules engine.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/command.h"
#include "core/db.h"
#include "util/json.h"
#include "core/eventlog.h"
#include "hotline/assess.h"
#include "rules/eval.h"
#include "util/time.h"

/* ---- event source over the storage: one case at a time ---- */

typedef struct store_source {
	hotline_db *db;
	hotline__event_vec org;
	int (*cb)(const hotline__event *ev, size_t n, void *payload);
	void *payload;
	int rc;
} store_source;

static int source_case_cb(const hotline_storage_case *c, void *payload)
{
	store_source *s = payload;
	hotline__event_vec v;
	int rc;
	memset(&v, 0, sizeof(v));
	if ((rc = hotline__event_vec_load(s->db->st, c->id, &v)) != 0)
		return hotline__db_storage_fail(s->db, rc, "reading events");
	rc = s->cb(v.ev, v.n, s->payload);
	hotline__event_vec_free(&v);
	return rc;
}

static int source_foreach_case(void *ctx, int (*cb)(const hotline__event *ev, size_t n, void *payload), void *payload)
{
	store_source *s = ctx;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	s->cb = cb;
	s->payload = payload;
	return s->db->st->cases_foreach(s->db->st, &q, source_case_cb, s);
}

static int source_org_events(void *ctx, const hotline__event **ev, size_t *n)
{
	store_source *s = ctx;
	*ev = s->org.ev;
	*n = s->org.n;
	return 0;
}

static int first_at_cb(const hotline_storage_event *e, void *payload)
{
	hotline_time *t = payload;
	if (e->at == HOTLINE_TIME_NONE)
		return 0;
	*t = e->at;
	return 1; /* stop: the first timed event of the log */
}

static int source_open(hotline_db *db, store_source *s, hotline__source *src)
{
	int rc;
	hotline_time first = HOTLINE_TIME_NONE;
	memset(s, 0, sizeof(*s));
	memset(src, 0, sizeof(*src));
	s->db = db;
	if ((rc = hotline__event_vec_load(db->st, "", &s->org)) != 0)
		return hotline__db_storage_fail(db, rc, "reading events");
	rc = db->st->events_foreach(db->st, NULL, first_at_cb, &first);
	if (rc < 0) {
		hotline__event_vec_free(&s->org);
		return hotline__db_storage_fail(db, rc, "reading events");
	}
	src->ctx = s;
	src->foreach_case = source_foreach_case;
	src->org_events = source_org_events;
	src->first_event_at = first;
	return 0;
}

/* Runs the assessment under the lock, in one read transaction: as JSON values, or as text into doc. */
static int assess_locked(hotline_db *db, hotline_time as_of, json_t **pen, json_t **assessment, hotline__sbuf *doc)
{
	store_source s;
	hotline__source src;
	hotline__err err;
	int rc;

	/* inside a batch, read the batch's own view; else one read transaction */
	if (!db->in_batch && (rc = db->st->begin(db->st, 0)) != 0)
		return hotline__db_storage_fail(db, rc, "starting a read transaction");
	if ((rc = source_open(db, &s, &src)) != 0) {
		if (!db->in_batch)
			db->st->rollback(db->st);
		return rc;
	}
	hotline__clearerr(&err);
	if (doc)
		rc = hotline__assess_write(db->policy, db->cal, &db->dir, &src, as_of, doc, NULL, &err);
	else
		rc = hotline__assess(db->policy, db->cal, &db->dir, &src, as_of, pen, assessment, &err);
	if (rc && !db->err.code)
		hotline__db_fail_err(db, &err);
	hotline__event_vec_free(&s.org);
	if (!db->in_batch)
		db->st->rollback(db->st);
	return rc;
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

/* Under the lock: the whole document into b (which may stream to a sink). */
static int assess_into(hotline_db *db, hotline_time as_of, hotline_format format, hotline__sbuf *b)
{
	json_t *pen = NULL, *assessment = NULL;
	char *csv = NULL;
	int rc;
	if (format == HOTLINE_FORMAT_JSON) {
		rc = assess_locked(db, as_of, NULL, NULL, b);
		return rc ? rc : flush_doc(db, b);
	}
	rc = assess_locked(db, as_of, &pen, &assessment, NULL);
	if (rc == 0 && (rc = hotline__assessment_csv(pen, assessment, &csv)) != 0)
		hotline__db_fail(db, rc, "rendering CSV");
	if (rc == 0) {
		hotline__sbuf_puts(b, csv);
		rc = flush_doc(db, b);
	}
	free(csv);
	json_decref(pen);
	json_decref(assessment);
	return rc;
}

int hotline_db_assess(char **out, hotline_db *db, hotline_time as_of, hotline_format format)
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
	rc = assess_into(db, as_of, format, &b);
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
	rc = assess_into(db, as_of, format, &b);
	hotline__sbuf_free(&b);
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
	if ((rc = hotline__event_vec_load(db->st, case_id, &v)) != 0)
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
		else if (!(*out = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2))))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	}
	json_decref(doc);
	hotline__event_vec_free(&v);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

/* ---- replay ---- */

/* Commands per transaction when replaying: durable in steps, fast. */
#define REPLAY_BATCH 1000

int hotline_replay_options_init(hotline_replay_options *opts, unsigned int version)
{
	if (!opts)
		return hotline__last_error_set(HOTLINE_EINVALID, "options pointer is NULL");
	if (version == 0 || version > HOTLINE_REPLAY_OPTIONS_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_replay_options version %u", version);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	opts->as_of = HOTLINE_TIME_NONE;
	return 0;
}

static int cases_cb(const hotline_storage_case *c, void *payload)
{
	json_t *arr = payload;
	json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:b,s:I}", "id", c->id,
		"state", hotline_state_name(c->state), "approval", hotline_approval_name(c->approval),
		"exempt", c->exempt, "version", (json_int_t)c->version));
	return 0;
}

static int is_blank_or_comment(const char *line)
{
	while (*line == ' ' || *line == '\t' || *line == '\r' || *line == '\n')
		line++;
	return *line == '\0' || *line == '#';
}

/* Applies one file; a malformed JSON line fails the whole replay with file:line. */
static int replay_file(hotline_db *db, const char *path, int tag_file, json_t *refused, hotline_time *latest,
	size_t *pending)
{
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int rc = 0;

	if (!f)
		return hotline__last_error_set(HOTLINE_EIO, "%s: cannot open: %s", path, strerror(errno));
	while ((len = getline(&line, &cap, f)) >= 0) {
		json_error_t jerr;
		json_t *obj, *at;
		hotline_time t;
		lineno++;
		if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
			memmove(line, line + 3, (size_t)len - 2); /* UTF-8 byte order mark */
		if (is_blank_or_comment(line))
			continue;
		obj = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
		if (!obj || !json_is_object(obj)) {
			rc = hotline__last_error_set(HOTLINE_EINVALID, "%s:%ld: %s", path, lineno,
				obj ? "a line must hold a JSON object" : jerr.text);
			json_decref(obj);
			break;
		}
		at = json_object_get(obj, "at");
		if (json_is_string(at) && hotline__time_parse(json_string_value(at), &t, NULL) == 0 &&
		    (*latest == HOTLINE_TIME_NONE || t > *latest))
			*latest = t;
		/* Lines are applied in batches of REPLAY_BATCH commands per transaction. */
		if (!db->in_batch && (rc = hotline_db_begin(db)) != 0) {
			rc = hotline__last_error_set(rc, "%s:%ld: %s", path, lineno, hotline_db_errmsg(db));
			json_decref(obj);
			break;
		}
		if (++*pending >= REPLAY_BATCH) {
			*pending = 0;
			if ((rc = hotline_db_commit(db)) != 0) {
				rc = hotline__last_error_set(rc, "%s:%ld: %s", path, lineno, hotline_db_errmsg(db));
				json_decref(obj);
				break;
			}
			if ((rc = hotline_db_begin(db)) != 0) {
				rc = hotline__last_error_set(rc, "%s:%ld: %s", path, lineno, hotline_db_errmsg(db));
				json_decref(obj);
				break;
			}
		}
		if (hotline__db_exec_obj(db, obj, NULL) != 0) {
			int code = hotline_db_errcode(db);
			json_t *r;
			if (code == HOTLINE_ESTORAGE || code == HOTLINE_ENOMEM || code == HOTLINE_ECORRUPT) {
				rc = hotline__last_error_set(code, "%s:%ld: %s", path, lineno, hotline_db_errmsg(db));
				json_decref(obj);
				break;
			}
			r = json_pack("{s:I,s:s,s:s}", "line", (json_int_t)lineno, "code", hotline_error_name(code),
				"message", hotline_db_errmsg(db));
			if (tag_file)
				json_object_set_new(r, "file", json_string(path));
			json_array_append_new(refused, r);
		}
		json_decref(obj);
	}
	if (rc == 0 && ferror(f))
		rc = hotline__last_error_set(HOTLINE_EIO, "%s: read error", path);
	free(line);
	fclose(f);
	return rc;
}

int hotline_replay(char **out, const char *const *files, size_t nfiles, const hotline_replay_options *opts)
{
	hotline_db_options dbo = HOTLINE_DB_OPTIONS_INIT;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	hotline_db *db = NULL;
	json_t *refused = NULL, *cases = NULL, *pen = NULL, *assessment = NULL, *doc;
	hotline_time latest = HOTLINE_TIME_NONE, as_of;
	size_t i, pending = 0;
	int rc;

	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!files || nfiles == 0)
		return hotline__last_error_set(HOTLINE_EINVALID, "no scenario file given");
	for (i = 0; i < nfiles; i++)
		if (!files[i])
			return hotline__last_error_set(HOTLINE_EINVALID, "scenario file %zu is NULL", i);
	if (opts && (opts->version == 0 || opts->version > HOTLINE_REPLAY_OPTIONS_VERSION))
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_replay_options version %u", opts->version);
	dbo.policy = opts ? opts->policy : NULL;
	if ((rc = hotline_db_open(&db, opts && opts->db_uri ? opts->db_uri : "memory:", &dbo)) != 0)
		return rc;
	refused = json_array();
	cases = json_array();
	for (i = 0; i < nfiles && rc == 0; i++)
		rc = replay_file(db, files[i], nfiles > 1, refused, &latest, &pending);
	if (rc == 0 && db->in_batch && (rc = hotline_db_commit(db)) != 0)
		hotline__last_error_set(rc, "%s", hotline_db_errmsg(db));
	if (rc)
		goto out;
	as_of = opts && opts->as_of != HOTLINE_TIME_NONE ? opts->as_of : latest;
	pthread_mutex_lock(&db->mu);
	rc = db->st->cases_foreach(db->st, &q, cases_cb, cases);
	if (rc)
		hotline__db_storage_fail(db, rc, "listing cases");
	else if (as_of != HOTLINE_TIME_NONE)
		rc = assess_locked(db, as_of, &pen, &assessment, NULL);
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		hotline__last_error_set(rc, "%s", hotline_db_errmsg(db));
		goto out;
	}
	doc = json_pack("{s:O,s:O,s:o,s:o}", "cases", cases, "refused", refused,
		"penalties", pen ? json_incref(pen) : json_array(),
		"assessment", assessment ? json_incref(assessment) : json_null());
	*out = doc ? json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2)) : NULL;
	json_decref(doc);
	if (!*out)
		rc = hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
out:
	json_decref(pen);
	json_decref(assessment);
	json_decref(refused);
	json_decref(cases);
	hotline_db_close(db);
	return rc;
}
