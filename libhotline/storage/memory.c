/*
 * The in-memory backend: for tests and throw-away replays. Sorted arrays
 * with binary search; a write transaction keeps an undo log so that a
 * rollback restores exactly what was there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hotline/sys/storage.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/vec.h"

typedef struct mcase {
	char *id, *property, *head_hash, *body;
	int state, approval, exempt;
	int64_t version;
	hotline_time registered_at, last_at, next_due;
} mcase;

typedef struct mevent {
	int64_t seq, stream_seq;
	hotline_time at;
	char *stream, *cmd, *actor, *body, *prev_hash, *hash;
	char *id;         /* NULL when the event came without one */
} mevent;

/* An event id and its position in events[], kept sorted by id. */
typedef struct mid {
	const char *id;   /* the event's own string */
	size_t pos;
} mevent_id;

typedef struct mstream {
	char *name;
	size_t *idx;      /* positions in events[] */
	size_t n, cap;
} mstream;

typedef struct mdir {
	char *kind, *id, *body;
} mdir;

/* A claim's lease (hotline_db_claim_due): unsorted, claims are few. */
typedef struct mlease {
	char *case_id, *worker;
	int64_t until;
} mlease;

enum { UNDO_CASE_INSERT, UNDO_CASE_UPDATE, UNDO_DIR_INSERT, UNDO_LEASE };
typedef struct undo {
	int type;
	mcase old;        /* UNDO_CASE_UPDATE: the previous record; INSERT: old.id names it */
	char *kind, *id;  /* UNDO_DIR_INSERT; UNDO_LEASE: the previous worker (NULL: no lease) and the case */
	int64_t until;    /* UNDO_LEASE: the previous lease's end */
} undo;

/* A row of the small personal-data tables (version 5): key -> (a, b). */
typedef struct mkv {
	char *key, *a, *b;
} mkv;

typedef struct mkv_table {
	mkv *rows;        /* sorted by key */
	size_t n, cap;
} mkv_table;

/* What a write transaction changed in a table: the row as it was (had = 0: absent). */
typedef struct mkv_undo {
	mkv_table *t;
	int had;
	mkv old;          /* old.key always set */
} mkv_undo;

typedef struct mem {
	hotline_storage parent;
	mkv_table settings, keys, phone_index;
	mkv_undo *kv_undo;
	size_t n_kv_undo, cap_kv_undo;
	mcase *cases;
	size_t n_cases, cap_cases;
	mevent *events;
	size_t n_events, cap_events;
	mstream *streams;
	size_t n_streams, cap_streams;
	mdir *dir;
	size_t n_dir, cap_dir;
	mevent_id *ids;
	size_t n_ids, cap_ids;
	mlease *leases;
	size_t n_leases, cap_leases;
	int in_tx, write_tx;
	size_t tx_events;  /* events[] length at begin */
	undo *undo;
	size_t n_undo, cap_undo;
	char errmsg[256];
} mem;



static void case_free(mcase *c)
{
	free(c->id);
	free(c->property);
	free(c->head_hash);
	free(c->body);
}

static int case_copy(mcase *dst, const hotline_storage_case *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->id = hotline__strdup_or_empty(src->id);
	dst->property = hotline__strdup_or_empty(src->property);
	dst->head_hash = hotline__strdup_or_empty(src->head_hash);
	dst->body = hotline__strdup_or_empty(src->body);
	dst->state = src->state;
	dst->approval = src->approval;
	dst->exempt = src->exempt;
	dst->version = src->version;
	dst->registered_at = src->registered_at;
	dst->last_at = src->last_at;
	dst->next_due = src->next_due;
	if (!dst->id || !dst->property || !dst->head_hash || !dst->body) {
		case_free(dst);
		return HOTLINE_ENOMEM;
	}
	return 0;
}

static void case_view(const mcase *c, hotline_storage_case *out)
{
	out->id = c->id;
	out->property = c->property;
	out->state = c->state;
	out->approval = c->approval;
	out->exempt = c->exempt;
	out->version = c->version;
	out->registered_at = c->registered_at;
	out->last_at = c->last_at;
	out->next_due = c->next_due;
	out->head_hash = c->head_hash;
	out->body = c->body;
}

static size_t case_pos(const mem *m, const char *id, int *found)
{
	size_t lo = 0, hi = m->n_cases;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->cases[mid].id, id);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static size_t stream_pos(const mem *m, const char *name, int *found)
{
	size_t lo = 0, hi = m->n_streams;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->streams[mid].name, name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static size_t dir_pos(const mem *m, const char *kind, const char *id, int *found)
{
	size_t lo = 0, hi = m->n_dir;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->dir[mid].kind, kind);
		if (c == 0)
			c = strcmp(m->dir[mid].id, id);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static int push_undo(mem *m, const undo *u)
{
	if (!m->write_tx)
		return 0;
	if (hotline__vec_grow((void **)&m->undo, &m->cap_undo, m->n_undo, sizeof(undo)))
		return HOTLINE_ENOMEM;
	m->undo[m->n_undo++] = *u;
	return 0;
}

/* Overwrites a string before it is freed: key rows hold data keys (wrapped) and mask keys. */
static void wipe_free(char *p)
{
	volatile char *v = p;
	size_t i, n = p ? strlen(p) : 0;
	for (i = 0; i < n; i++)
		v[i] = 0;
	free(p);
}

static void kv_free(mkv *r)
{
	wipe_free(r->key);
	wipe_free(r->a);
	wipe_free(r->b);
}

static int cmp_kv(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const mkv *)elem)->key);
}

static size_t kv_pos(const mkv_table *t, const char *key, int *found)
{
	return hotline__vec_lower_bound(t->rows, t->n, sizeof(mkv), key, cmp_kv, found);
}

/* Sets the row in place (a == NULL: deletes it); takes ownership of nothing. */
static int kv_set_raw(mkv_table *t, const char *key, const char *a, const char *b)
{
	int found;
	size_t p = kv_pos(t, key, &found);
	mkv r;
	if (!a) {
		if (found) {
			kv_free(&t->rows[p]);
			memmove(&t->rows[p], &t->rows[p + 1], (t->n - p - 1) * sizeof(mkv));
			t->n--;
		}
		return 0;
	}
	r.key = hotline__strdup_or_empty(key);
	r.a = hotline__strdup_or_empty(a);
	r.b = b ? hotline__strdup_or_empty(b) : NULL;
	if (!r.key || !r.a || (b && !r.b)) {
		kv_free(&r);
		return HOTLINE_ENOMEM;
	}
	if (found) {
		kv_free(&t->rows[p]);
		t->rows[p] = r;
		return 0;
	}
	if (hotline__vec_grow((void **)&t->rows, &t->cap, t->n, sizeof(mkv))) {
		kv_free(&r);
		return HOTLINE_ENOMEM;
	}
	memmove(&t->rows[p + 1], &t->rows[p], (t->n - p) * sizeof(mkv));
	t->rows[p] = r;
	t->n++;
	return 0;
}

/* Sets (or, a == NULL, deletes) a row, remembering the old one for a rollback. */
static int kv_set(mem *m, mkv_table *t, const char *key, const char *a, const char *b)
{
	if (m->write_tx) {
		int found;
		size_t p = kv_pos(t, key, &found);
		mkv_undo u;
		memset(&u, 0, sizeof(u));
		u.t = t;
		u.had = found;
		u.old.key = hotline__strdup_or_empty(key);
		if (found) {
			u.old.a = hotline__strdup_or_empty(t->rows[p].a);
			u.old.b = t->rows[p].b ? hotline__strdup_or_empty(t->rows[p].b) : NULL;
		}
		if (!u.old.key || (found && (!u.old.a || (t->rows[p].b && !u.old.b))) ||
		    hotline__vec_grow((void **)&m->kv_undo, &m->cap_kv_undo, m->n_kv_undo, sizeof(mkv_undo))) {
			kv_free(&u.old);
			return HOTLINE_ENOMEM;
		}
		m->kv_undo[m->n_kv_undo++] = u;
	}
	return kv_set_raw(t, key, a, b);
}

static void kv_undo_drop(mem *m)
{
	size_t i;
	for (i = 0; i < m->n_kv_undo; i++)
		kv_free(&m->kv_undo[i].old);
	m->n_kv_undo = 0;
}

static void kv_undo_apply(mem *m)
{
	size_t i;
	for (i = m->n_kv_undo; i-- > 0;) {
		mkv_undo *u = &m->kv_undo[i];
		/* restoring a copy cannot fail short of memory; a failed one leaves the newer row */
		kv_set_raw(u->t, u->old.key, u->had ? u->old.a : NULL, u->had ? u->old.b : NULL);
	}
	kv_undo_drop(m);
}

static void kv_table_free(mkv_table *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		kv_free(&t->rows[i]);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static int m_begin(hotline_storage *st, int write)
{
	mem *m = (mem *)st;
	if (m->in_tx) {
		snprintf(m->errmsg, sizeof(m->errmsg), "a transaction is already open");
		return HOTLINE_ESTORAGE;
	}
	m->in_tx = 1;
	m->write_tx = write != 0;
	m->tx_events = m->n_events;
	m->n_undo = 0;
	kv_undo_drop(m);
	return 0;
}

static void drop_undo(mem *m)
{
	size_t i;
	for (i = 0; i < m->n_undo; i++) {
		undo *u = &m->undo[i];
		if (u->type == UNDO_CASE_UPDATE)
			case_free(&u->old);
		else if (u->type == UNDO_CASE_INSERT)
			free(u->old.id);
		free(u->kind);
		free(u->id);
	}
	m->n_undo = 0;
}

static int m_commit(hotline_storage *st)
{
	mem *m = (mem *)st;
	drop_undo(m);
	kv_undo_drop(m);
	m->in_tx = m->write_tx = 0;
	return 0;
}

static int cmp_mid(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const mevent_id *)elem)->id);
}

static void event_free(mevent *e)
{
	free(e->id);
	free(e->stream);
	free(e->cmd);
	free(e->actor);
	free(e->body);
	free(e->prev_hash);
	free(e->hash);
}

static mlease *lease_of(mem *m, const char *case_id)
{
	size_t i;
	for (i = 0; i < m->n_leases; i++)
		if (strcmp(m->leases[i].case_id, case_id) == 0)
			return &m->leases[i];
	return NULL;
}

static int m_rollback(hotline_storage *st)
{
	mem *m = (mem *)st;
	size_t i;
	int found;
	if (!m->in_tx)
		return 0;
	/* events appended in the transaction are the tail of events[] and of their streams */
	while (m->n_events > m->tx_events) {
		mevent *e = &m->events[--m->n_events];
		size_t s = stream_pos(m, e->stream, &found);
		if (found && m->streams[s].n)
			m->streams[s].n--;
		if (e->id) {
			size_t k = hotline__vec_lower_bound(m->ids, m->n_ids, sizeof(mevent_id), e->id, cmp_mid, &found);
			if (found) {
				memmove(&m->ids[k], &m->ids[k + 1], (m->n_ids - k - 1) * sizeof(mevent_id));
				m->n_ids--;
			}
		}
		event_free(e);
	}
	for (i = m->n_undo; i-- > 0;) {
		undo *u = &m->undo[i];
		if (u->type == UNDO_CASE_INSERT) {
			size_t p = case_pos(m, u->old.id, &found);
			if (found) {
				case_free(&m->cases[p]);
				memmove(&m->cases[p], &m->cases[p + 1], (m->n_cases - p - 1) * sizeof(mcase));
				m->n_cases--;
			}
		} else if (u->type == UNDO_CASE_UPDATE) {
			size_t p = case_pos(m, u->old.id, &found);
			if (found) {
				case_free(&m->cases[p]);
				m->cases[p] = u->old;
				u->type = -1; /* ownership moved back */
			}
		} else if (u->type == UNDO_DIR_INSERT) {
			size_t p = dir_pos(m, u->kind, u->id, &found);
			if (found) {
				free(m->dir[p].kind);
				free(m->dir[p].id);
				free(m->dir[p].body);
				memmove(&m->dir[p], &m->dir[p + 1], (m->n_dir - p - 1) * sizeof(mdir));
				m->n_dir--;
			}
		} else if (u->type == UNDO_LEASE) {
			mlease *l = lease_of(m, u->id);
			if (l && u->kind) {
				free(l->worker);
				l->worker = u->kind;
				l->until = u->until;
				u->kind = NULL; /* ownership moved back */
			} else if (l) {
				free(l->case_id);
				free(l->worker);
				*l = m->leases[--m->n_leases];
			}
		}
	}
	drop_undo(m);
	kv_undo_apply(m);
	m->in_tx = m->write_tx = 0;
	return 0;
}

static int m_case_get(hotline_storage *st, const char *id, hotline_storage_case_cb cb, void *payload)
{
	mem *m = (mem *)st;
	hotline_storage_case view;
	int found;
	size_t p = case_pos(m, id, &found);
	if (!found)
		return HOTLINE_ENOT_FOUND;
	case_view(&m->cases[p], &view);
	return cb(&view, payload);
}

static int m_case_put(hotline_storage *st, const hotline_storage_case *c, int64_t expected)
{
	mem *m = (mem *)st;
	int found;
	size_t p = case_pos(m, c->id, &found);
	mcase rec;
	undo u;
	memset(&u, 0, sizeof(u));
	if (expected == 0) {
		if (found)
			return HOTLINE_EDUPLICATE;
		if (hotline__vec_grow((void **)&m->cases, &m->cap_cases, m->n_cases, sizeof(mcase)) || case_copy(&rec, c))
			return HOTLINE_ENOMEM;
		u.type = UNDO_CASE_INSERT;
		if (m->write_tx && !(u.old.id = hotline__strdup_or_empty(c->id))) {
			case_free(&rec);
			return HOTLINE_ENOMEM;
		}
		if (push_undo(m, &u)) {
			free(u.old.id);
			case_free(&rec);
			return HOTLINE_ENOMEM;
		}
		memmove(&m->cases[p + 1], &m->cases[p], (m->n_cases - p) * sizeof(mcase));
		m->cases[p] = rec;
		m->n_cases++;
		return 0;
	}
	if (!found)
		return HOTLINE_ENOT_FOUND;
	if (m->cases[p].version != expected)
		return HOTLINE_ECONFLICT;
	if (case_copy(&rec, c))
		return HOTLINE_ENOMEM;
	if (m->write_tx) {
		u.type = UNDO_CASE_UPDATE;
		u.old = m->cases[p];
		if (push_undo(m, &u)) {
			case_free(&rec);
			return HOTLINE_ENOMEM;
		}
	} else {
		case_free(&m->cases[p]);
	}
	m->cases[p] = rec;
	return 0;
}

static int case_matches(const mcase *c, const hotline_storage_query *q)
{
	if (q->property && strcmp(c->property, q->property) != 0)
		return 0;
	if (q->state >= 0 && c->state != q->state)
		return 0;
	if (q->due_before != HOTLINE_TIME_NONE && (c->next_due == HOTLINE_TIME_NONE || c->next_due >= q->due_before))
		return 0;
	if (c->registered_at < q->registered_from)
		return 0;
	if (q->registered_to != HOTLINE_TIME_NONE && c->registered_at >= q->registered_to)
		return 0;
	if (q->version >= 2 && q->after_id) {
		if (q->due_before != HOTLINE_TIME_NONE && c->next_due != q->after_due)
			return c->next_due > q->after_due;
		return strcmp(c->id, q->after_id) > 0;
	}
	return 1;
}

/* Sort keys carry what they compare, so no shared state is needed. */
typedef struct due_key {
	hotline_time due;
	const char *id;
	size_t pos;
} due_key;

static int by_due(const void *a, const void *b)
{
	const due_key *x = a, *y = b;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int m_cases_foreach(hotline_storage *st, const hotline_storage_query *q, hotline_storage_case_cb cb, void *payload)
{
	mem *m = (mem *)st;
	size_t *sel, n = 0, i;
	int rc = 0;
	if (m->n_cases == 0)
		return 0;
	sel = malloc((m->n_cases ? m->n_cases : 1) * sizeof(size_t));
	if (!sel)
		return HOTLINE_ENOMEM;
	for (i = 0; i < m->n_cases; i++)
		if (case_matches(&m->cases[i], q))
			sel[n++] = i;
	if (q->due_before != HOTLINE_TIME_NONE && n > 1) {
		due_key *keys = malloc(n * sizeof(due_key));
		if (!keys) {
			free(sel);
			return HOTLINE_ENOMEM;
		}
		for (i = 0; i < n; i++) {
			keys[i].due = m->cases[sel[i]].next_due;
			keys[i].id = m->cases[sel[i]].id;
			keys[i].pos = sel[i];
		}
		qsort(keys, n, sizeof(due_key), by_due);
		for (i = 0; i < n; i++)
			sel[i] = keys[i].pos;
		free(keys);
	}
	if (q->limit && n > q->limit)
		n = q->limit;
	/* callbacks may read (not write) the backend; copy each record first so positions can't shift under us */
	for (i = 0; i < n && rc == 0; i++) {
		mcase copy;
		hotline_storage_case view;
		hotline_storage_case src;
		case_view(&m->cases[sel[i]], &src);
		if (case_copy(&copy, &src)) {
			rc = HOTLINE_ENOMEM;
			break;
		}
		case_view(&copy, &view);
		rc = cb(&view, payload);
		case_free(&copy);
	}
	free(sel);
	return rc;
}

static int m_event_append(hotline_storage *st, const hotline_storage_event *e, int64_t *seq_out)
{
	mem *m = (mem *)st;
	mevent ev;
	mstream *s;
	int found;
	size_t sp = stream_pos(m, e->stream, &found);
	if (found && m->streams[sp].n && m->events[m->streams[sp].idx[m->streams[sp].n - 1]].stream_seq >= e->stream_seq) {
		size_t i;
		for (i = 0; i < m->streams[sp].n; i++)
			if (m->events[m->streams[sp].idx[i]].stream_seq == e->stream_seq)
				return HOTLINE_EDUPLICATE;
	}
	if (e->id) {
		int taken;
		hotline__vec_lower_bound(m->ids, m->n_ids, sizeof(mevent_id), e->id, cmp_mid, &taken);
		if (taken)
			return HOTLINE_EDUPLICATE;
	}
	if (hotline__vec_grow((void **)&m->events, &m->cap_events, m->n_events, sizeof(mevent)) ||
	    hotline__vec_grow((void **)&m->ids, &m->cap_ids, m->n_ids, sizeof(mevent_id)))
		return HOTLINE_ENOMEM;
	if (!found) {
		mstream ns;
		if (hotline__vec_grow((void **)&m->streams, &m->cap_streams, m->n_streams, sizeof(mstream)))
			return HOTLINE_ENOMEM;
		memset(&ns, 0, sizeof(ns));
		if (!(ns.name = hotline__strdup_or_empty(e->stream)))
			return HOTLINE_ENOMEM;
		memmove(&m->streams[sp + 1], &m->streams[sp], (m->n_streams - sp) * sizeof(mstream));
		m->streams[sp] = ns;
		m->n_streams++;
	}
	s = &m->streams[sp];
	if (hotline__vec_grow((void **)&s->idx, &s->cap, s->n, sizeof(size_t)))
		return HOTLINE_ENOMEM;
	memset(&ev, 0, sizeof(ev));
	ev.seq = (int64_t)m->n_events + 1;
	ev.stream_seq = e->stream_seq;
	ev.at = e->at;
	ev.stream = hotline__strdup_or_empty(e->stream);
	ev.cmd = hotline__strdup_or_empty(e->cmd);
	ev.actor = hotline__strdup_or_empty(e->actor);
	ev.body = hotline__strdup_or_empty(e->body);
	ev.prev_hash = hotline__strdup_or_empty(e->prev_hash);
	ev.hash = hotline__strdup_or_empty(e->hash);
	ev.id = e->id ? hotline__strdup(e->id) : NULL;
	if (!ev.stream || !ev.cmd || !ev.actor || !ev.body || !ev.prev_hash || !ev.hash || (e->id && !ev.id)) {
		event_free(&ev);
		return HOTLINE_ENOMEM;
	}
	if (ev.id) {
		mevent_id *slot = hotline__vec_sorted_insert((void **)&m->ids, &m->n_ids, &m->cap_ids, sizeof(mevent_id), ev.id,
			cmp_mid, NULL);
		slot->id = ev.id;   /* room was made above: the insert cannot fail */
		slot->pos = m->n_events;
	}
	s->idx[s->n++] = m->n_events;
	m->events[m->n_events++] = ev;
	if (seq_out)
		*seq_out = ev.seq;
	return 0;
}

static void event_view(const mevent *e, hotline_storage_event *v)
{
	v->seq = e->seq;
	v->stream = e->stream;
	v->stream_seq = e->stream_seq;
	v->cmd = e->cmd;
	v->actor = e->actor;
	v->at = e->at;
	v->body = e->body;
	v->prev_hash = e->prev_hash;
	v->hash = e->hash;
	v->id = e->id;
}

static int m_event_by_id(hotline_storage *st, const char *id, hotline_storage_event_cb cb, void *payload)
{
	mem *m = (mem *)st;
	hotline_storage_event v;
	int found;
	size_t k = hotline__vec_lower_bound(m->ids, m->n_ids, sizeof(mevent_id), id, cmp_mid, &found);
	if (!found)
		return HOTLINE_ENOT_FOUND;
	event_view(&m->events[m->ids[k].pos], &v);
	return cb(&v, payload);
}

static int m_events_foreach(hotline_storage *st, const char *stream, hotline_storage_event_cb cb, void *payload)
{
	mem *m = (mem *)st;
	hotline_storage_event v;
	size_t i, n;
	int rc = 0, found;
	if (!stream) {
		n = m->n_events;
		for (i = 0; i < n && i < m->n_events && rc == 0; i++) {
			event_view(&m->events[i], &v);
			rc = cb(&v, payload);
		}
		return rc;
	}
	i = stream_pos(m, stream, &found);
	if (!found)
		return 0;
	{
		const mstream *s = &m->streams[i];
		size_t k;
		for (k = 0; k < s->n && rc == 0; k++) {
			event_view(&m->events[s->idx[k]], &v);
			rc = cb(&v, payload);
		}
	}
	return rc;
}

static int m_events_after(hotline_storage *st, const char *stream, int64_t after, size_t limit,
	hotline_storage_event_cb cb, void *payload)
{
	mem *m = (mem *)st;
	hotline_storage_event v;
	const mstream *s;
	size_t k, sent = 0;
	int rc = 0, found;
	size_t i = stream_pos(m, stream, &found);
	if (!found)
		return 0;
	s = &m->streams[i];
	/* a stream's events are its versions 1..n in order */
	for (k = after > 0 ? (size_t)after : 0; k < s->n && rc == 0 && (!limit || sent < limit); k++, sent++) {
		event_view(&m->events[s->idx[k]], &v);
		rc = cb(&v, payload);
	}
	return rc;
}

/* Events are kept in seq order and seq is their position + 1. */
static int m_events_since(hotline_storage *st, int64_t after, size_t limit, hotline_storage_event_cb cb, void *payload)
{
	mem *m = (mem *)st;
	hotline_storage_event v;
	size_t k, sent = 0;
	int rc = 0;
	for (k = after > 0 ? (size_t)after : 0; k < m->n_events && rc == 0 && (!limit || sent < limit); k++, sent++) {
		event_view(&m->events[k], &v);
		rc = cb(&v, payload);
	}
	return rc;
}

static int m_stream_head(hotline_storage *st, const char *stream, int64_t *seq_out, char hash_out[65])
{
	mem *m = (mem *)st;
	int found;
	size_t i = stream_pos(m, stream, &found);
	*seq_out = 0;
	hash_out[0] = '\0';
	if (found && m->streams[i].n) {
		const mevent *e = &m->events[m->streams[i].idx[m->streams[i].n - 1]];
		*seq_out = e->stream_seq;
		snprintf(hash_out, 65, "%s", e->hash);
	}
	return 0;
}

static int m_dir_put(hotline_storage *st, const char *kind, const char *id, const char *body)
{
	mem *m = (mem *)st;
	int found;
	size_t p = dir_pos(m, kind, id, &found);
	mdir d;
	undo u;
	if (found)
		return HOTLINE_EDUPLICATE;
	if (hotline__vec_grow((void **)&m->dir, &m->cap_dir, m->n_dir, sizeof(mdir)))
		return HOTLINE_ENOMEM;
	d.kind = hotline__strdup_or_empty(kind);
	d.id = hotline__strdup_or_empty(id);
	d.body = hotline__strdup_or_empty(body);
	memset(&u, 0, sizeof(u));
	u.type = UNDO_DIR_INSERT;
	if (m->write_tx) {
		u.kind = hotline__strdup_or_empty(kind);
		u.id = hotline__strdup_or_empty(id);
	}
	if (!d.kind || !d.id || !d.body || (m->write_tx && (!u.kind || !u.id)) || push_undo(m, &u)) {
		free(d.kind);
		free(d.id);
		free(d.body);
		free(u.kind);
		free(u.id);
		return HOTLINE_ENOMEM;
	}
	memmove(&m->dir[p + 1], &m->dir[p], (m->n_dir - p) * sizeof(mdir));
	m->dir[p] = d;
	m->n_dir++;
	return 0;
}

static int m_dir_get(hotline_storage *st, const char *kind, const char *id, hotline_storage_dir_cb cb, void *payload)
{
	mem *m = (mem *)st;
	int found;
	size_t p = dir_pos(m, kind, id, &found);
	if (!found)
		return HOTLINE_ENOT_FOUND;
	return cb(m->dir[p].kind, m->dir[p].id, m->dir[p].body, payload);
}

static int m_dir_foreach(hotline_storage *st, const char *kind, hotline_storage_dir_cb cb, void *payload)
{
	mem *m = (mem *)st;
	size_t i;
	int rc = 0;
	for (i = 0; i < m->n_dir && rc == 0; i++)
		if (!kind || strcmp(m->dir[i].kind, kind) == 0)
			rc = cb(m->dir[i].kind, m->dir[i].id, m->dir[i].body, payload);
	return rc;
}

/* ---- version 5: owners' personal data ---- */

static int m_setting_get(hotline_storage *st, const char *name, int (*cb)(const char *value, void *payload), void *payload)
{
	mem *m = (mem *)st;
	int found;
	size_t p = kv_pos(&m->settings, name, &found);
	return found ? cb(m->settings.rows[p].a, payload) : HOTLINE_ENOT_FOUND;
}

static int m_setting_put(hotline_storage *st, const char *name, const char *value)
{
	mem *m = (mem *)st;
	return kv_set(m, &m->settings, name, value ? value : "", NULL);
}

static int m_case_key_put(hotline_storage *st, const char *case_id, const char *kek_id, const char *wrapped)
{
	mem *m = (mem *)st;
	return kv_set(m, &m->keys, case_id, kek_id ? kek_id : "", wrapped ? wrapped : "");
}

static int m_case_key_get(hotline_storage *st, const char *case_id,
	int (*cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload), void *payload)
{
	mem *m = (mem *)st;
	int found;
	size_t p = kv_pos(&m->keys, case_id, &found);
	return found ? cb(m->keys.rows[p].key, m->keys.rows[p].a, m->keys.rows[p].b, payload) : HOTLINE_ENOT_FOUND;
}

static int m_case_keys_foreach(hotline_storage *st,
	int (*cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload), void *payload)
{
	mem *m = (mem *)st;
	size_t i;
	int rc = 0;
	for (i = 0; i < m->keys.n && rc == 0; i++)
		rc = cb(m->keys.rows[i].key, m->keys.rows[i].a, m->keys.rows[i].b, payload);
	return rc;
}

static int m_case_key_forget(hotline_storage *st, const char *case_id)
{
	mem *m = (mem *)st;
	int rc = kv_set(m, &m->keys, case_id, NULL, NULL);
	return rc ? rc : kv_set(m, &m->phone_index, case_id, NULL, NULL);
}

static int m_phone_index_put(hotline_storage *st, const char *case_id, const char *value)
{
	mem *m = (mem *)st;
	return kv_set(m, &m->phone_index, case_id, value ? value : "", NULL);
}

static int m_phone_index_find(hotline_storage *st, const char *value, int (*cb)(const char *case_id, void *payload),
	void *payload)
{
	mem *m = (mem *)st;
	size_t i;
	int rc = 0;
	for (i = 0; i < m->phone_index.n && rc == 0; i++)
		if (strcmp(m->phone_index.rows[i].a, value) == 0)
			rc = cb(m->phone_index.rows[i].key, payload);
	return rc;
}

static const char *m_errmsg(hotline_storage *st)
{
	return ((mem *)st)->errmsg;
}

static void m_free(hotline_storage *st)
{
	mem *m = (mem *)st;
	size_t i;
	if (!m)
		return;
	m_rollback(st);
	for (i = 0; i < m->n_cases; i++)
		case_free(&m->cases[i]);
	for (i = 0; i < m->n_events; i++)
		event_free(&m->events[i]);
	for (i = 0; i < m->n_streams; i++) {
		free(m->streams[i].name);
		free(m->streams[i].idx);
	}
	for (i = 0; i < m->n_dir; i++) {
		free(m->dir[i].kind);
		free(m->dir[i].id);
		free(m->dir[i].body);
	}
	free(m->cases);
	free(m->events);
	free(m->ids);
	free(m->streams);
	for (i = 0; i < m->n_leases; i++) {
		free(m->leases[i].case_id);
		free(m->leases[i].worker);
	}
	free(m->dir);
	free(m->undo);
	free(m->leases);
	kv_table_free(&m->settings);
	kv_table_free(&m->keys);
	kv_table_free(&m->phone_index);
	free(m->kv_undo);
	free(m);
}

/* Nothing but its own handle writes to an in-memory store. */
static int m_data_version(hotline_storage *st, uint64_t *out)
{
	(void)st;
	*out = 0;
	return 0;
}

/* Claims: the due cases in the sweep's order, those with a live lease skipped, by the wall clock. */
typedef struct claim_ctx {
	mem *m;
	size_t limit, n;
	int64_t now, lease;
	const char *worker;
	hotline_storage_case_cb cb;
	void *payload;
} claim_ctx;

static int claim_cb(const hotline_storage_case *c, void *payload)
{
	claim_ctx *k = payload;
	mem *m = k->m;
	mlease *l = lease_of(m, c->id);
	undo u;
	char *worker;
	int rc;
	if (l && l->until > k->now)
		return 0;
	if (k->limit && k->n == k->limit)
		return 1; /* the page is full: stop */
	memset(&u, 0, sizeof(u));
	u.type = UNDO_LEASE;
	if (!(worker = hotline__strdup(k->worker)) || !(u.id = hotline__strdup(c->id))) {
		free(worker);
		return HOTLINE_ENOMEM;
	}
	if (!l) {
		if (hotline__vec_grow((void **)&m->leases, &m->cap_leases, m->n_leases, sizeof(mlease)) ||
		    !(m->leases[m->n_leases].case_id = hotline__strdup(c->id))) {
			free(worker);
			free(u.id);
			return HOTLINE_ENOMEM;
		}
		l = &m->leases[m->n_leases++];
		l->worker = NULL;
	}
	u.kind = l->worker; /* NULL for a new lease */
	u.until = l->until;
	l->worker = worker;
	l->until = k->now + k->lease;
	if ((rc = push_undo(m, &u)) != 0) {
		free(u.id);
		free(u.kind);
		return rc;
	}
	if (!m->write_tx) {
		free(u.id);
		free(u.kind);
	}
	k->n++;
	return k->cb(c, k->payload);
}

static int m_claim_due(hotline_storage *st, hotline_time before, size_t limit, int lease_seconds, const char *worker,
	hotline_storage_case_cb cb, void *payload)
{
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	claim_ctx k;
	int rc;
	k.m = (mem *)st;
	k.limit = limit;
	k.n = 0;
	k.now = (int64_t)time(NULL);
	k.lease = lease_seconds;
	k.worker = worker;
	k.cb = cb;
	k.payload = payload;
	q.due_before = before;
	rc = m_cases_foreach(st, &q, claim_cb, &k);
	return rc == 1 && limit && k.n == limit ? 0 : rc;
}

int hotline_storage_memory_new(hotline_storage **out)
{
	mem *m;
	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	m = calloc(1, sizeof(*m));
	if (!m)
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	m->parent.version = HOTLINE_STORAGE_VERSION;
	m->parent.begin = m_begin;
	m->parent.commit = m_commit;
	m->parent.rollback = m_rollback;
	m->parent.case_get = m_case_get;
	m->parent.case_put = m_case_put;
	m->parent.cases_foreach = m_cases_foreach;
	m->parent.event_append = m_event_append;
	m->parent.events_foreach = m_events_foreach;
	m->parent.stream_head = m_stream_head;
	m->parent.dir_put = m_dir_put;
	m->parent.dir_get = m_dir_get;
	m->parent.dir_foreach = m_dir_foreach;
	m->parent.errmsg = m_errmsg;
	m->parent.free = m_free;
	m->parent.data_version = m_data_version;
	m->parent.events_after = m_events_after;
	m->parent.events_since = m_events_since;
	m->parent.event_by_id = m_event_by_id;
	m->parent.claim_due = m_claim_due;
	m->parent.setting_get = m_setting_get;
	m->parent.setting_put = m_setting_put;
	m->parent.case_key_put = m_case_key_put;
	m->parent.case_key_get = m_case_key_get;
	m->parent.case_keys_foreach = m_case_keys_foreach;
	m->parent.case_key_forget = m_case_key_forget;
	m->parent.phone_index_put = m_phone_index_put;
	m->parent.phone_index_find = m_phone_index_find;
	*out = &m->parent;
	return 0;
}
