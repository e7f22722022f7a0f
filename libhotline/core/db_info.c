/*
 * What a binding needs beyond the reading calls of cases.c: the policy's
 * zone, and the case lists and histories in pages, so that a caller can
 * walk every case with the memory of one page.
 *
 * The storage interface filters cases by property, state and due instant
 * but has no "after this key" bound, so a page is found by letting the
 * backend's foreach run from the start, skipping what sorts before the
 * key and stopping as soon as the page is full.
 */
#include <stdlib.h>
#include <string.h>

#include "core/db_internal.h"
#include "util/mem.h"

/* Returned by a page's callback to stop the backend's foreach: not an error. */
#define PAGE_FULL 1

int hotline_db_zone_offset(hotline_db *db, int *minutes_out)
{
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!minutes_out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "minutes_out is NULL");
	/* The policy is fixed when the handle is opened: no lock needed. */
	*minutes_out = hotline__policy_zone_offset(db->policy);
	return 0;
}

/* ---- cases ---- */

typedef struct case_page {
	hotline_case_list *l;
	int by_due;                 /* keyed on (next_due, id), the sweep's order; else on id */
	hotline_time after_due;
	const char *after_id;       /* NULL: from the first */
	size_t limit;
} case_page;

static int case_is_after(const case_page *p, const hotline_storage_case *sc)
{
	if (!p->after_id)
		return 1;
	if (p->by_due && sc->next_due != p->after_due)
		return sc->next_due > p->after_due;
	return strcmp(sc->id, p->after_id) > 0;
}

static int case_page_cb(const hotline_storage_case *sc, void *payload)
{
	case_page *p = payload;
	hotline_case_list *l = p->l;
	int rc;
	if (!case_is_after(p, sc))
		return 0;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		hotline_case *items = realloc(l->items, ncap * sizeof(*items));
		if (!items)
			return HOTLINE_ENOMEM;
		l->items = items;
		l->cap = ncap;
	}
	if ((rc = hotline__case_from_storage(&l->items[l->n], sc)) != 0)
		return rc;
	l->n++;
	return (p->limit && l->n == p->limit) ? PAGE_FULL : 0;
}

static int case_page_run(hotline_case_list **out, hotline_db *db, const hotline_storage_query *sq, case_page *p)
{
	int rc;
	if (!(p->l = calloc(1, sizeof(*p->l))))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	rc = db->st->cases_foreach(db->st, sq, case_page_cb, p);
	if (rc == PAGE_FULL)
		rc = 0;
	if (rc)
		hotline__db_storage_fail(db, rc, "listing cases");
	else
		hotline__clearerr(&db->err);
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		hotline_case_list_free(p->l);
		return rc;
	}
	*out = p->l;
	return 0;
}

int hotline_db_cases_after(hotline_case_list **out, hotline_db *db, const hotline_case_query *q, const char *after_id)
{
	hotline_storage_query sq = HOTLINE_STORAGE_QUERY_INIT;
	case_page p = { NULL, 0, HOTLINE_TIME_NONE, NULL, 0 };
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
		p.limit = q->limit;
	}
	/* The limit is applied by the callback: the backend's would count the skipped cases too. */
	p.after_id = after_id;
	return case_page_run(out, db, &sq, &p);
}

int hotline_db_sweep_after(hotline_case_list **out, hotline_db *db, hotline_time before, hotline_time after_due,
	const char *after_id, size_t limit)
{
	hotline_storage_query sq = HOTLINE_STORAGE_QUERY_INIT;
	case_page p = { NULL, 1, HOTLINE_TIME_NONE, NULL, 0 };
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (before == HOTLINE_TIME_NONE)
		return hotline__db_fail(db, HOTLINE_EINVALID, "sweep needs an instant");
	sq.due_before = before;
	p.after_due = after_due;
	p.after_id = after_id;
	p.limit = limit;
	return case_page_run(out, db, &sq, &p);
}

/* ---- events ---- */

typedef struct event_page {
	hotline_event_list *l;
	int64_t after_version;
	size_t limit;
} event_page;

/* The same copy as cases.c's list_event_cb, which that file keeps static. */
static int event_page_cb(const hotline_storage_event *se, void *payload)
{
	event_page *p = payload;
	hotline_event_list *l = p->l;
	hotline_event *e;
	if (se->stream_seq <= p->after_version)
		return 0;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		hotline_event *items = realloc(l->items, ncap * sizeof(*items));
		if (!items)
			return HOTLINE_ENOMEM;
		l->items = items;
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
	l->n++; /* counted even when a copy failed, so that hotline_event_list_free releases it */
	if (!e->stream || !e->cmd_name || !e->actor || !e->body || !e->prev_hash || !e->hash)
		return HOTLINE_ENOMEM;
	return (p->limit && l->n == p->limit) ? PAGE_FULL : 0;
}

static int exists_cb(const hotline_storage_case *sc, void *payload)
{
	(void)sc;
	(void)payload;
	return 0;
}

int hotline_db_history_after(hotline_event_list **out, hotline_db *db, const char *case_id, int64_t after_version,
	size_t limit)
{
	event_page p;
	int rc = 0;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!case_id)
		case_id = "";
	p.after_version = after_version;
	p.limit = limit;
	if (!(p.l = calloc(1, sizeof(*p.l))))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	if (*case_id) {
		rc = db->st->case_get(db->st, case_id, exists_cb, NULL);
		if (rc == HOTLINE_ENOT_FOUND)
			hotline__db_fail(db, rc, "no case '%s'", case_id);
		else if (rc)
			hotline__db_storage_fail(db, rc, "reading the case");
	}
	if (rc == 0) {
		rc = db->st->events_foreach(db->st, case_id, event_page_cb, &p);
		if (rc == PAGE_FULL)
			rc = 0;
		if (rc)
			hotline__db_storage_fail(db, rc, "reading events");
		else
			hotline__clearerr(&db->err);
	}
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		hotline_event_list_free(p.l);
		return rc;
	}
	*out = p.l;
	return 0;
}
