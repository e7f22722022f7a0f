/* Reading: a case, lists of cases, sweeps, and a stream's events (the public hotline_event). */
#include <stdlib.h>
#include <string.h>

#include "core/case.h"
#include "core/db.h"
#include "core/pii.h"
#include "storage/caps.h"
#include "util/mem.h"
#include "util/vec.h"

struct hotline_event {
	int64_t seq, stream_seq;
	char *stream, *cmd_name, *actor, *body, *prev_hash, *hash;
	char *id;             /* NULL for events logged before ids existed */
	int cmd;
	hotline_time at;
};

struct hotline_event_list {
	hotline_event *items;
	size_t n, cap;
};

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
	/* owners' personal data: clear with the key, masked without (DESIGN §6.4) */
	if (rc == 0 && (rc = hotline__pii_reveal_case(db, c)) != 0)
		hotline__case_clear(c);
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

/* Returned by a page's callback to stop the backend's foreach: not an error. */
#define PAGE_FULL 1

/*
 * One page of cases. A backend with HOTLINE_STORAGE_CAP_KEYSET starts after
 * the key itself (keyset paging); for another one the callback skips what
 * sorts before the key and counts the page.
 */
typedef struct case_page {
	hotline_case_list *l;
	int filter;                 /* the library skips and counts (no keyset ability) */
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

static int list_case_cb(const hotline_storage_case *sc, void *payload)
{
	case_page *p = payload;
	int rc;
	if (p->filter && !case_is_after(p, sc))
		return 0;
	if ((rc = hotline__case_list_add(p->l, sc)) != 0)
		return rc;
	return (p->filter && p->limit && p->l->n == p->limit) ? PAGE_FULL : 0;
}

static int run_query(hotline_case_list **out, hotline_db *db, hotline_storage_query *q, case_page *p)
{
	hotline_storage *st;
	int rc;
	if (!(p->l = calloc(1, sizeof(*p->l))))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	st = hotline__db_reader(db);
	p->filter = !hotline__storage_keyset(st);
	q->limit = p->filter ? 0 : p->limit;
	q->after_id = p->filter ? NULL : p->after_id;
	q->after_due = p->after_due;
	rc = st->cases_foreach(st, q, list_case_cb, p);
	if (rc == PAGE_FULL)
		rc = 0;
	if (rc == 0) {
		size_t i;
		for (i = 0; rc == 0 && i < p->l->n; i++)
			rc = hotline__pii_reveal_case(db, &p->l->items[i]);
	}
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

int hotline_db_cases_after(hotline_case_list **out, hotline_db *db, const hotline_case_query *q, const char *after_id)
{
	hotline_storage_query sq = HOTLINE_STORAGE_QUERY_INIT;
	case_page p;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	memset(&p, 0, sizeof(p));
	if (q) {
		if (q->version == 0 || q->version > HOTLINE_CASE_QUERY_VERSION)
			return hotline__db_fail(db, HOTLINE_EINVALID, "unsupported hotline_case_query version %u", q->version);
		if (q->state < -1 || q->state >= HOTLINE_STATE_COUNT)
			return hotline__db_fail(db, HOTLINE_EINVALID, "unknown state %d", q->state);
		sq.property = q->property;
		sq.state = q->state;
		p.limit = q->limit;
	}
	p.after_id = after_id;
	p.after_due = HOTLINE_TIME_NONE;
	return run_query(out, db, &sq, &p);
}

int hotline_db_cases(hotline_case_list **out, hotline_db *db, const hotline_case_query *q)
{
	return hotline_db_cases_after(out, db, q, NULL);
}

int hotline_db_sweep_after(hotline_case_list **out, hotline_db *db, hotline_time before, hotline_time after_due,
	const char *after_id, size_t limit)
{
	hotline_storage_query sq = HOTLINE_STORAGE_QUERY_INIT;
	case_page p;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (before == HOTLINE_TIME_NONE)
		return hotline__db_fail(db, HOTLINE_EINVALID, "sweep needs an instant");
	if (after_id && after_due == HOTLINE_TIME_NONE)
		return hotline__db_fail(db, HOTLINE_EINVALID, "a sweep page after a case needs that case's due instant");
	memset(&p, 0, sizeof(p));
	sq.due_before = before;
	p.by_due = 1;
	p.after_due = after_due;
	p.after_id = after_id;
	p.limit = limit;
	return run_query(out, db, &sq, &p);
}

int hotline_db_sweep(hotline_case_list **out, hotline_db *db, hotline_time before, size_t limit)
{
	return hotline_db_sweep_after(out, db, before, HOTLINE_TIME_NONE, NULL, limit);
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
		free(e->id);
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
const char *hotline_event_id(const hotline_event *e) { return e ? e->id : NULL; }

typedef struct event_page {
	hotline_event_list *l;
	int ids;                    /* the backend returns events' ids */
	int filter;                 /* the library skips and counts (no events_after) */
	int64_t after_version;
	size_t limit;
} event_page;

/*
 * The event's id, copied: from the backend when it returns ids, else from
 * the body's command_id. NULL when it has none.
 */
static char *event_id(const hotline_storage_event *se, int from_backend)
{
	json_t *b;
	char *id = NULL;
	if (from_backend)
		return se->id ? hotline__strdup(se->id) : NULL;
	if ((b = json_loads(se->body, 0, NULL)) != NULL) {
		id = hotline__strdup(json_string_value(json_object_get(b, "command_id")));
		json_decref(b);
	}
	return id;
}

static int list_event_cb(const hotline_storage_event *se, void *payload)
{
	event_page *p = payload;
	hotline_event_list *l = p->l;
	hotline_event *e;
	if (p->filter && se->stream_seq <= p->after_version)
		return 0;
	if (hotline__vec_grow((void **)&l->items, &l->cap, l->n, sizeof(*l->items)))
		return HOTLINE_ENOMEM;
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
	e->id = event_id(se, p->ids);
	l->n++; /* counted even when a copy failed, so that hotline_event_list_free releases it */
	if (!e->stream || !e->cmd_name || !e->actor || !e->body || !e->prev_hash || !e->hash)
		return HOTLINE_ENOMEM;
	return (p->filter && p->limit && l->n == p->limit) ? PAGE_FULL : 0;
}

/* The case exists; *payload: whether its personal data were erased. */
static int exists_cb(const hotline_storage_case *sc, void *payload)
{
	*(int *)payload = sc->body && strstr(sc->body, "\"erased_at\"") != NULL;
	return 0;
}

int hotline_db_history_after(hotline_event_list **out, hotline_db *db, const char *case_id, int64_t after_version,
	size_t limit)
{
	hotline_storage *st;
	event_page p;
	int rc = 0, erased = 0;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (after_version < 0)
		return hotline__db_fail(db, HOTLINE_EINVALID, "after_version is negative");
	if (!case_id)
		case_id = "";
	memset(&p, 0, sizeof(p));
	p.after_version = after_version;
	p.limit = limit;
	if (!(p.l = calloc(1, sizeof(*p.l))))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	st = db->st;
	p.filter = !st->events_after;
	p.ids = 1;
	pthread_mutex_lock(&db->mu);
	if (*case_id) {
		rc = st->case_get(st, case_id, exists_cb, &erased);
		if (rc == HOTLINE_ENOT_FOUND)
			hotline__db_fail(db, rc, "no case '%s'", case_id);
		else if (rc)
			hotline__db_storage_fail(db, rc, "reading the case");
	}
	if (rc == 0) {
		rc = p.filter ? st->events_foreach(st, case_id, list_event_cb, &p)
			: st->events_after(st, case_id, after_version, limit, list_event_cb, &p);
		if (rc == PAGE_FULL)
			rc = 0;
		if (rc == 0 && *case_id) {
			size_t i;
			for (i = 0; rc == 0 && i < p.l->n; i++)
				rc = hotline__pii_reveal_event(db, case_id, erased, &p.l->items[i].body);
		}
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

int hotline_db_history(hotline_event_list **out, hotline_db *db, const char *case_id)
{
	return hotline_db_history_after(out, db, case_id, 0, 0);
}
