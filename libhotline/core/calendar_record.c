/*
 * The calendar is part of the record (DESIGN §6.7). The working days a
 * database computes with are the base years every database has had (the
 * built-in 2024-2026 data, frozen) overlaid with the `calendar` lines its
 * log records, the latest line of a year winning. The lines are directory
 * records (kind "calendar", key the year), so every handle loads and
 * reloads them with the directory, verify-log rebuilds them from the events
 * and checkpoints cover them.
 */
#include <stdlib.h>
#include <string.h>

#include "core/calendar_record.h"
#include "core/eventlog.h"
#include "core/snapshot_finish.h"
#include "core/summary.h"
#include "hotline/assess.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/time.h"
#include "util/vec.h"

/* ---- recomputing the open cases' next due ---- */

typedef struct open_case {
	char *id, *property, *head_hash, *body;
	int state, approval, exempt;
	int64_t version;
	hotline_time registered_at, last_at, next_due;
} open_case;

typedef struct open_cases {
	open_case *a;
	size_t n, cap;
} open_cases;

static void open_cases_free(open_cases *l)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		free(l->a[i].id);
		free(l->a[i].property);
		free(l->a[i].head_hash);
		free(l->a[i].body);
	}
	free(l->a);
}

static int collect_cb(const hotline_storage_case *sc, void *payload)
{
	open_cases *l = payload;
	open_case *o;
	size_t len;
	/* a closed case has nothing due, whatever the calendar; its rules summary may change */
	if (sc->state == HOTLINE_STATE_CLOSED && !hotline__snapshot_summary(sc->body, &len))
		return 0;
	if (hotline__vec_grow((void **)&l->a, &l->cap, l->n, sizeof(*l->a)))
		return HOTLINE_ENOMEM;
	o = &l->a[l->n];
	memset(o, 0, sizeof(*o));
	o->id = hotline__strdup(sc->id);
	o->property = hotline__strdup(sc->property);
	o->head_hash = hotline__strdup(sc->head_hash ? sc->head_hash : "");
	o->body = hotline__strdup(sc->body);
	l->n++;
	if (!o->id || !o->property || !o->head_hash || !o->body)
		return HOTLINE_ENOMEM;
	o->state = sc->state;
	o->approval = sc->approval;
	o->exempt = sc->exempt;
	o->version = sc->version;
	o->registered_at = sc->registered_at;
	o->last_at = sc->last_at;
	o->next_due = sc->next_due;
	return 0;
}

/* One case's snapshot as the command that wrote it would have computed it under cal. */
static int recompute_one(hotline_db *db, const hotline__policy *policy, const hotline__calendar *cal,
	const open_case *o, hotline__err *err)
{
	hotline__event_vec v;
	hotline_time next_due;
	json_t *snap;
	char *text = NULL, *summary = NULL, *plain;
	size_t len;
	int provisional = 0, rc;
	memset(&v, 0, sizeof(v));
	if ((rc = hotline__event_vec_load(db->st, o->id, &v)) != 0)
		return hotline__seterr(err, rc, "reading the events of case '%s'", o->id);
	rc = hotline__snapshot_next_due(policy, cal, &db->dir, v.ev, v.n, o->last_at, &next_due, &provisional, err);
	/* the rules summary under the new policy or calendar, where the case keeps one */
	if (rc == 0 && hotline__snapshot_summary(o->body, &len) && hotline__db_summaries_hold(db))
		rc = hotline__case_summary_text(policy, cal, &db->dir, v.ev, v.n, &summary, err);
	hotline__event_vec_free(&v);
	if (rc)
		return rc;
	if (!(plain = hotline__strdup(o->body))) {
		free(summary);
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	}
	hotline__snapshot_strip_summary(plain);
	snap = json_loads(plain, 0, NULL);
	free(plain);
	if (!snap) {
		free(summary);
		return hotline__seterr(err, HOTLINE_ECORRUPT, "the snapshot of case '%s' is not JSON", o->id);
	}
	text = hotline__snapshot_finish(snap, o->version, o->state, o->approval, o->exempt, &next_due, provisional,
		hotline__policy_zone_offset(policy));
	text = hotline__snapshot_with_summary(text, summary);
	free(summary);
	json_decref(snap);
	if (!text)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if (next_due != o->next_due || strcmp(text, o->body) != 0) {
		hotline_storage_case sc;
		memset(&sc, 0, sizeof(sc));
		sc.id = o->id;
		sc.property = o->property;
		sc.state = o->state;
		sc.approval = o->approval;
		sc.exempt = o->exempt;
		sc.version = o->version;
		sc.registered_at = o->registered_at;
		sc.last_at = o->last_at;
		sc.next_due = next_due;
		sc.head_hash = o->head_hash;
		sc.body = text;
		/* the same version: no event of the case was added, only what it is due by changed */
		if ((rc = db->st->case_put(db->st, &sc, o->version)) != 0)
			rc = hotline__seterr(err, rc, "rewriting the snapshot of case '%s'", o->id);
	}
	free(text);
	return rc;
}

int hotline__db_calendar_recompute(hotline_db *db, const hotline__calendar *cal, hotline__err *err)
{
	return hotline__db_recompute_open(db, db->policy, cal, err);
}

int hotline__db_recompute_open(hotline_db *db, const hotline__policy *policy, const hotline__calendar *cal,
	hotline__err *err)
{
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	open_cases l;
	size_t i;
	int rc;
	memset(&l, 0, sizeof(l));
	/* collected first: a backend may not take writes while it walks its cases */
	rc = db->st->cases_foreach(db->st, &q, collect_cb, &l);
	if (rc)
		hotline__seterr(err, rc, "listing the open cases");
	for (i = 0; rc == 0 && i < l.n; i++)
		rc = recompute_one(db, policy, cal, &l.a[i], err);
	open_cases_free(&l);
	/* the snapshots the handle holds may be the ones rewritten */
	hotline__cache_clear(&db->cache);
	return rc;
}

/* ---- what the database computes with ---- */

static json_t *year_row(const json_t *line, int recorded)
{
	char digest[65];
	const json_t *src = json_object_get(line, "source");
	json_t *row;
	hotline__calendar_line_digest(line, digest);
	row = json_pack("{s:O,s:s,s:I,s:I,s:b}", "year", json_object_get(line, "year"), "digest", digest,
		"holidays", (json_int_t)json_array_size(json_object_get(line, "holidays")),
		"workdays", (json_int_t)json_array_size(json_object_get(line, "workdays")), "recorded", recorded);
	if (!row)
		return NULL;
	json_object_set_new(row, "source", json_is_string(src) ? json_string(json_string_value(src)) : json_null());
	if (recorded) {
		const json_t *at = json_object_get(line, "at"), *actor = json_object_get(line, "actor");
		if (json_is_string(at))
			json_object_set_new(row, "at", json_string(json_string_value(at)));
		if (json_is_string(actor))
			json_object_set_new(row, "actor", json_string(json_string_value(actor)));
	}
	return row;
}

static int row_year_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "year"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "year"));
	return (x > y) - (x < y);
}

int hotline__db_calendar_json(hotline_db *db, json_t **out, hotline__err *err)
{
	json_t *base = NULL, *rows = json_array(), *v, **sorted = NULL, *doc = NULL, *years;
	size_t i, n;
	int rc;
	*out = NULL;
	if (!rows)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if ((rc = hotline__calendar_lines("builtin", NULL, 0, BASE_SOURCE, &base, err)) != 0) {
		json_decref(rows);
		return rc;
	}
	/* the base years a recorded line has not replaced, then the recorded years */
	json_array_foreach(base, i, v) {
		int found = 0;
		hotline__directory_latest_from(&db->dir, HOTLINE_CMD_CALENDAR, v, &found);
		if (!found && json_array_append_new(rows, year_row(v, 0)))
			rc = HOTLINE_ENOMEM;
	}
	for (i = 0; rc == 0 && i < db->dir.n_calendars; i++) {
		const json_t *line = hotline__directory_calendar_walk(&db->dir, i);
		if (line && json_array_append_new(rows, year_row(line, 1)))
			rc = HOTLINE_ENOMEM;
	}
	json_decref(base);
	n = json_array_size(rows);
	if (rc == 0 && n && !(sorted = malloc(n * sizeof(*sorted))))
		rc = HOTLINE_ENOMEM;
	if (rc == 0) {
		for (i = 0; i < n; i++)
			sorted[i] = json_array_get(rows, i);
		if (n)
			qsort(sorted, n, sizeof(*sorted), row_year_cmp);
		years = json_array();
		for (i = 0; years && i < n; i++)
			json_array_append(years, sorted[i]);
		doc = years ? json_pack("{s:o}", "years", years) : NULL;
		if (doc && n) {
			json_object_set(doc, "first", json_object_get(sorted[0], "year"));
			json_object_set(doc, "last", json_object_get(sorted[n - 1], "year"));
		}
		if (!doc)
			rc = HOTLINE_ENOMEM;
	}
	free(sorted);
	json_decref(rows);
	if (rc)
		return hotline__seterr(err, rc, "out of memory");
	*out = doc;
	return 0;
}

int hotline_db_calendar(char **out, hotline_db *db)
{
	hotline__err err;
	json_t *doc = NULL;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	hotline__clearerr(&err);
	rc = db->in_batch ? 0 : db->st->begin(db->st, 0);
	if (rc) {
		hotline__db_storage_fail(db, rc, "starting a read transaction");
	} else {
		if (!db->in_batch)
			rc = hotline__db_sync(db);
		if (rc == 0 && (rc = hotline__db_calendar_json(db, &doc, &err)) != 0)
			hotline__db_fail_err(db, &err);
		if (!db->in_batch)
			db->st->rollback(db->st);
	}
	if (rc == 0 && !(*out = hotline__json_pretty(doc, 2)))
		rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	json_decref(doc);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_calendar_line(char **out, int year, const char *format, const char *data, size_t len, const char *source)
{
	hotline__err err;
	json_t *lines = NULL, *v, *found = NULL, *doc = NULL;
	size_t i;
	int rc;
	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!format)
		return hotline__last_error_set(HOTLINE_EINVALID, "format is NULL (json, ical, builtin)");
	if (strcmp(format, "builtin") != 0 && !data)
		return hotline__last_error_set(HOTLINE_EINVALID, "data is NULL");
	hotline__clearerr(&err);
	if (!source && strcmp(format, "builtin") == 0)
		source = BUILTIN_SOURCE;
	/* the cn-holidays shape names its source: the line keeps it unless told otherwise */
	if (!source && strcmp(format, "json") == 0 && (doc = json_loadb(data, len, 0, NULL)) != NULL) {
		json_array_foreach(json_is_array(doc) ? doc : NULL, i, v)
			if (json_integer_value(json_object_get(v, "year")) == year)
				source = json_string_value(json_object_get(v, "source"));
		if (json_is_object(doc))
			source = json_string_value(json_object_get(doc, "source"));
	}
	rc = hotline__calendar_lines(format, data, len, source, &lines, &err);
	json_decref(doc);
	if (rc)
		return hotline__last_error_set(rc, "%s", err.msg);
	json_array_foreach(lines, i, v)
		if (json_integer_value(json_object_get(v, "year")) == year)
			found = v;
	if (!found) {
		json_decref(lines);
		return hotline__last_error_set(HOTLINE_ENOT_FOUND, "the holiday data has nothing for %d", year);
	}
	*out = hotline__json_canonical(found);
	json_decref(lines);
	return *out ? 0 : hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
}
