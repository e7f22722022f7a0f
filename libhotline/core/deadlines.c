/*
 * Deadlines people can act on (DESIGN §6.6): every open deadline due in a
 * window, with whoever would be charged if it were missed, and the
 * reminders the policy asks for.
 */
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/deadlines.h"
#include "core/eventlog.h"
#include "core/limits.h"
#include "hotline/assess.h"
#include "rules/eval.h"
#include "util/json.h"
#include "util/time.h"

typedef struct window {
	hotline_db *db;
	hotline_time from, to;
	hotline_time now;                 /* what "overdue" is judged against; NONE: the log as each stream stands */
	int reminders;                    /* list reminder instants instead of dues */
	const hotline_deadline_filter *filter;
	json_t *rows;
	int rc;
} window;

int hotline_deadline_filter_init(hotline_deadline_filter *f, unsigned int version)
{
	if (!f)
		return hotline__last_error_set(HOTLINE_EINVALID, "filter pointer is NULL");
	if (version == 0 || version > HOTLINE_DEADLINE_FILTER_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_deadline_filter version %u", version);
	memset(f, 0, sizeof(*f));
	f->version = version;
	if (version >= 2)
		f->as_of = HOTLINE_TIME_NONE;
	return 0;
}

hotline_time hotline__remind_at(const hotline_db *db, const hotline__rule *r, const hotline__deadline *d)
{
	hotline_time t, moved;
	if (r->remind_before_seconds)
		t = d->due - r->remind_before_seconds;
	else if (r->remind_permille && d->started_at != HOTLINE_TIME_NONE && d->due > d->started_at)
		t = d->started_at + (d->due - d->started_at) / 1000 * r->remind_permille +
			(d->due - d->started_at) % 1000 * r->remind_permille / 1000;
	else
		return HOTLINE_TIME_NONE;
	/* the last duty-hour instant is a second before closing (duty hours are [08:30, 18:00)); a
	 * reminder moved there is given at the start of that last minute, 17:59, not at 17:59:59
	 * (zone offsets are whole minutes, so a UTC minute is a local one) */
	moved = hotline__calendar_last_duty_instant(db->cal, t);
	return moved == t ? t : moved - (moved % 60 + 60) % 60;
}

static const json_t *body_of(const hotline__event *ev, size_t n, int64_t seq)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (ev[i].seq == seq)
			return ev[i].body;
	return NULL;
}

static json_t *instant(const hotline_db *db, hotline_time t)
{
	char buf[32];
	if (t == HOTLINE_TIME_NONE)
		return json_null();
	hotline__time_format(t, hotline__policy_zone_offset(db->policy), buf);
	return json_string(buf);
}

static int names(const json_t *liable, const char *person)
{
	size_t i;
	for (i = 0; i < json_array_size(liable); i++)
		if (json_is_string(json_array_get(liable, i)) && strcmp(json_string_value(json_array_get(liable, i)), person) == 0)
			return 1;
	return 0;
}

/* Adds the open deadlines of one stream's evaluation that fall in the window. */
static int collect(window *w, const hotline__eval *ev, const hotline__event *events, size_t n,
	const char *property, const char *call_taker, hotline_time evaluated_at)
{
	/* the library never reads the clock: without the caller's "now", the instant the stream was evaluated at */
	hotline_time now = w->now != HOTLINE_TIME_NONE ? w->now : evaluated_at;
	size_t i;
	for (i = 0; i < ev->n_dl; i++) {
		const hotline__deadline *d = &ev->dl[i];
		const hotline__rule *r = hotline__policy_rule(w->db->policy, d->rule);
		hotline_time key;
		json_t *liable, *row;
		if (!r || !d->current || d->met_at != HOTLINE_TIME_NONE || d->stopped_at != HOTLINE_TIME_NONE ||
		    (d->state != HOTLINE__DL_PENDING && d->state != HOTLINE__DL_MISSED))
			continue;
		key = w->reminders ? hotline__remind_at(w->db, r, d) : d->due;
		/* an instant in the window; the deadline still open as the log stands */
		if (key == HOTLINE_TIME_NONE || key < w->from || key >= w->to)
			continue;
		if (w->filter && w->filter->property && (!property || strcmp(property, w->filter->property) != 0))
			continue;
		if (!(liable = json_array()))
			return HOTLINE_ENOMEM;
		/* who would be charged: the directory as of the due instant */
		if (hotline__eval_liable(w->db->policy, &w->db->dir, r, property, call_taker,
			body_of(events, n, d->start_seq), d->due, liable)) {
			json_decref(liable);
			return HOTLINE_ENOMEM;
		}
		if (w->filter && w->filter->person && !names(liable, w->filter->person)) {
			json_decref(liable);
			continue;
		}
		row = json_pack("{s:o,s:o,s:s,s:i,s:{s:s,s:s},s:o,s:o,s:b,s:o}",
			"case", d->case_id ? json_string(d->case_id) : json_null(),
			"property", property ? json_string(property) : json_null(),
			"rule", d->rule, "article", d->article, "title", "zh", r->title_zh ? r->title_zh : "",
			"en", r->title_en ? r->title_en : "", "started_at", instant(w->db, d->started_at),
			"due", instant(w->db, d->due), "overdue", d->due < now, "liable", liable);
		if (row && w->reminders)
			json_object_set_new(row, "remind_at", instant(w->db, key));
		if (row && d->provisional)
			json_object_set_new(row, "provisional", json_true());
		if (!row || json_array_append_new(w->rows, row))
			return HOTLINE_ENOMEM;
	}
	return 0;
}

/* The log as it stands: every event, also those after `floor` (a window may start in the past). */
static hotline_time latest(hotline_time floor, const hotline__event_vec *v)
{
	hotline_time t = floor;
	size_t i;
	for (i = 0; i < v->n; i++)
		if (v->ev[i].at != HOTLINE_TIME_NONE && v->ev[i].at > t)
			t = v->ev[i].at;
	return t;
}

int hotline__db_eval_events(hotline_db *db, const char *stream, const hotline__event_vec *v, hotline_time as_of,
	hotline_time floor, hotline__stream_eval_use use, void *payload)
{
	hotline__eval ev;
	hotline__case_facts f;
	hotline__err err;
	hotline_time first = HOTLINE_TIME_NONE;
	int rc;
	memset(&ev, 0, sizeof(ev));
	if (!*stream && (rc = hotline__log_first_work_at(db->st, &first)) < 0)
		return hotline__db_storage_fail(db, rc, "reading events");
	if (as_of == HOTLINE_TIME_NONE)
		as_of = latest(floor, v);
	hotline__clearerr(&err);
	if (*stream) {
		hotline__case_facts_read(v->ev, v->n, as_of, &f);
		rc = hotline__eval_case(db->policy, db->cal, &db->dir, v->ev, v->n, as_of, &ev, &err);
	} else {
		rc = hotline__eval_org(db->policy, db->cal, &db->dir, v->ev, v->n, first, as_of, &ev, &err);
	}
	if (rc)
		hotline__db_fail_err(db, &err);
	else
		rc = use(payload, &ev, v, *stream ? &f : NULL, as_of);
	hotline__eval_free(&ev);
	return rc;
}

int hotline__db_eval_stream(hotline_db *db, const char *stream, hotline_time as_of, hotline_time floor,
	hotline__stream_eval_use use, void *payload)
{
	hotline__event_vec v;
	int rc;
	memset(&v, 0, sizeof(v));
	if ((rc = hotline__event_vec_load(db->st, stream, &v)) != 0)
		return hotline__db_storage_fail(db, rc, "reading events");
	rc = hotline__db_eval_events(db, stream, &v, as_of, floor, use, payload);
	hotline__event_vec_free(&v);
	return rc;
}

static int use_window(void *payload, const hotline__eval *ev, const hotline__event_vec *v,
	const hotline__case_facts *f, hotline_time as_of)
{
	window *w = payload;
	int rc = collect(w, ev, v->ev, v->n, f ? f->property : NULL, f ? f->call_taker : NULL, as_of);
	return rc ? hotline__db_fail(w->db, rc, "out of memory") : 0;
}

static int case_cb(const hotline_storage_case *sc, void *payload)
{
	window *w = payload;
	return hotline__db_eval_stream(w->db, sc->id, HOTLINE_TIME_NONE, w->from, use_window, w);
}

static int org_deadlines(window *w)
{
	return hotline__db_eval_stream(w->db, "", HOTLINE_TIME_NONE, w->from, use_window, w);
}

/* Ordered by the instant listed (due, or reminder), then case (organisation first), then rule. */
static int row_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	const char *key = json_object_get(x, "remind_at") ? "remind_at" : "due";
	const char *cx = json_string_value(json_object_get(x, "case")), *cy = json_string_value(json_object_get(y, "case"));
	hotline_time tx, ty;
	int c;
	hotline__time_parse(json_string_value(json_object_get(x, key)), &tx, NULL);
	hotline__time_parse(json_string_value(json_object_get(y, key)), &ty, NULL);
	if (tx != ty)
		return tx < ty ? -1 : 1;
	if ((cx == NULL) != (cy == NULL))
		return cx ? 1 : -1;
	if (cx && (c = strcmp(cx, cy)) != 0)
		return c;
	return strcmp(json_string_value(json_object_get(x, "rule")), json_string_value(json_object_get(y, "rule")));
}

static int list(char **out, hotline_db *db, hotline_time from, hotline_time to, const hotline_deadline_filter *f,
	int reminders)
{
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	window w;
	json_t *doc = NULL, **rows = NULL, *sorted = NULL;
	size_t i, n;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (from == HOTLINE_TIME_NONE || to == HOTLINE_TIME_NONE || to <= from)
		return hotline__db_fail(db, HOTLINE_EINVALID, "a window needs two instants, from before to");
	if (f && (f->version == 0 || f->version > HOTLINE_DEADLINE_FILTER_VERSION))
		return hotline__db_fail(db, HOTLINE_EINVALID, "unsupported hotline_deadline_filter version %u", f->version);
	if (f && f->version >= 2 && f->as_of != HOTLINE_TIME_NONE && !hotline__limits_time(f->as_of))
		return hotline__db_fail(db, HOTLINE_EINVALID, "filter as_of: an instant within [2000-01-01, 2100-01-01) or HOTLINE_TIME_NONE");
	memset(&w, 0, sizeof(w));
	w.db = db;
	w.from = from;
	w.to = to;
	w.reminders = reminders;
	w.filter = f;
	/* overdue is about an instant, not about the window: a window in the past lists what is overdue now */
	w.now = f && f->version >= 2 ? f->as_of : HOTLINE_TIME_NONE;
	if (!(w.rows = json_array()))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	/* a case with a deadline due before `to` has a next due before it; a reminder comes before its due,
	 * so reminders look at every case with a pending deadline */
	q.due_before = reminders ? HOTLINE_TIME_NONE - 1 : to;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	rc = db->in_batch ? 0 : db->st->begin(db->st, 0);
	if (rc)
		hotline__db_storage_fail(db, rc, "starting a read transaction");
	else {
		if (!db->in_batch)
			rc = hotline__db_sync(db);
		if (rc == 0 && (rc = db->st->cases_foreach(db->st, &q, case_cb, &w)) != 0 && !db->err.code)
			hotline__db_storage_fail(db, rc, "listing cases");
		if (rc == 0)
			rc = org_deadlines(&w);
		if (!db->in_batch)
			db->st->rollback(db->st);
	}
	if (rc == 0) {
		n = json_array_size(w.rows);
		if (n && !(rows = malloc(n * sizeof(*rows))))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		for (i = 0; rc == 0 && i < n; i++)
			rows[i] = json_array_get(w.rows, i);
		if (rc == 0) {
			if (n)
				qsort(rows, n, sizeof(*rows), row_cmp);
			sorted = json_array();
			for (i = 0; sorted && i < n; i++)
				json_array_append(sorted, rows[i]);
			doc = sorted ? json_pack("{s:o,s:o,s:o,s:O}", "from", instant(db, from), "to", instant(db, to),
				"as_of", instant(db, w.now), reminders ? "reminders" : "deadlines", sorted) : NULL;
			/* a what-if names the policy it was read under (DESIGN §6.7) */
			if (doc && hotline__db_what_if(db) && (json_object_set_new(doc, "policy",
				json_string(hotline__policy_name(db->policy))) != 0 ||
				json_object_set_new(doc, "policy_digest", json_string(db->given_digest)) != 0)) {
				json_decref(doc);
				doc = NULL;
			}
			if (!doc || !(*out = hotline__json_pretty(doc, 2)))
				rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		}
	}
	free(rows);
	json_decref(sorted);
	json_decref(doc);
	json_decref(w.rows);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_deadlines(char **out, hotline_db *db, hotline_time from, hotline_time to, const hotline_deadline_filter *filter)
{
	return list(out, db, from, to, filter, 0);
}

int hotline_db_reminders(char **out, hotline_db *db, hotline_time from, hotline_time to, const hotline_deadline_filter *filter)
{
	return list(out, db, from, to, filter, 1);
}
