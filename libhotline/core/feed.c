/*
 * Push, not poll (DESIGN §6.8): the event feed after a cursor, waiting for
 * the next commit, and the notifications the rules derive from the log.
 *
 * The feed's cursor "f1.N" means "every event up to global seq N was handed
 * out". With writers that overlap (PostgreSQL) a later seq may commit before
 * an earlier one; the feed therefore lists only events up to the storage's
 * stable head (stable_seq), below which every seq is committed or never
 * will be. The notifications' cursor "n1.T[.HEX]" means "every notification
 * with an instant before T was handed out, and at T those whose id sorts at
 * or before the one HEX spells (all of them without it)".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/db.h"
#include "core/deadlines.h"
#include "core/eventlog.h"
#include "core/feed.h"
#include "core/pii.h"
#include "hotline/feed.h"
#include "rules/eval.h"
#include "storage/caps.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/time.h"
#include "util/vec.h"

#define STOP 1          /* a callback's "page full" (storage codes are negative) */

/* ---- reading by global seq: the one place that knows the storage's callback ---- */

/* Events of every stream with seq > after, in seq order, at most limit (0: all). */
static int events_since(hotline_storage *st, int64_t after, size_t limit, hotline_storage_event_cb cb, void *payload)
{
	return st->events_since(st, after, limit, cb, payload);
}

/* The stable head: every seq up to it is committed or never will be (INT64_MAX: writers are serialised). */
static int stable_head(hotline_storage *st, int64_t *out)
{
	*out = INT64_MAX;
	if (hotline__storage_overlapping(st))
		return st->stable_seq(st, out);
	return 0;
}

/* ---- cursors ---- */

static int parse_seq(const char *s, int64_t *out)
{
	char *end;
	long long v;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int feed_cursor_parse(hotline_db *db, const char *cursor, int64_t *after)
{
	*after = 0;
	if (!cursor || !*cursor)
		return 0;
	if (strncmp(cursor, "f1.", 3) != 0 || parse_seq(cursor + 3, after) != 0)
		return hotline__db_fail(db, HOTLINE_EINVALID, "not a feed cursor: '%.80s'", cursor);
	return 0;
}

/* ---- the feed ---- */

typedef struct feed_page {
	hotline_db *db;
	int64_t stable;
	json_t *events;
	int64_t last;
	size_t n, limit;
	int rc;
} feed_page;

static int erased_cb(const hotline_storage_case *sc, void *payload)
{
	*(int *)payload = sc->body && strstr(sc->body, "\"erased_at\"") != NULL;
	return 0;
}

static int feed_cb(const hotline_storage_event *e, void *payload)
{
	feed_page *p = payload;
	char *body = NULL;
	json_t *row, *parsed;
	int rc, erased = 0;
	if (e->seq > p->stable)
		return STOP; /* not yet stable: the next page */
	if (!(body = hotline__strdup_or_empty(e->body)))
		return HOTLINE_ENOMEM;
	/* owners' personal data as any reader sees it (DESIGN §6.4) */
	if (e->stream && *e->stream) {
		rc = p->db->st->case_get(p->db->st, e->stream, erased_cb, &erased);
		if ((rc && rc != HOTLINE_ENOT_FOUND) || (rc = hotline__pii_reveal_event(p->db, e->stream, erased, &body)) != 0) {
			free(body);
			return rc;
		}
	}
	parsed = json_loads(body, 0, NULL);
	free(body);
	row = json_pack("{s:I,s:s,s:I,s:s,s:s,s:o,s:o,s:s,s:o}", "seq", (json_int_t)e->seq, "stream",
		e->stream ? e->stream : "", "stream_seq", (json_int_t)e->stream_seq, "cmd", e->cmd ? e->cmd : "",
		"actor", e->actor ? e->actor : "", "at", hotline__time_json(p->db->policy, e->at), "id",
		e->id ? json_string(e->id) : json_null(), "hash", e->hash ? e->hash : "",
		"body", parsed ? parsed : json_null());
	if (!row || json_array_append_new(p->events, row))
		return HOTLINE_ENOMEM;
	p->last = e->seq;
	return (p->limit && ++p->n == p->limit) ? STOP : 0;
}

int hotline_db_feed(char **out, hotline_db *db, const char *cursor, size_t limit)
{
	hotline_storage *st;
	feed_page p;
	json_t *doc;
	char next[32];
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	memset(&p, 0, sizeof(p));
	if ((rc = feed_cursor_parse(db, cursor, &p.last)) != 0)
		return rc;
	p.db = db;
	p.limit = limit;
	if (!(p.events = json_array()))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	st = db->st;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	if (db->in_batch)
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "the feed lists committed events: not inside a batch");
	/* the stable head first, then a read transaction that sees every event up to it */
	else if ((rc = stable_head(st, &p.stable)) != 0)
		hotline__db_storage_fail(db, rc, "reading the stable head of the log");
	else if ((rc = st->begin(st, 0)) != 0)
		hotline__db_storage_fail(db, rc, "starting a read transaction");
	else {
		rc = events_since(st, p.last, limit, feed_cb, &p);
		if (rc == STOP)
			rc = 0;
		if (rc == HOTLINE_ENOMEM)
			hotline__db_fail(db, rc, "out of memory");
		else if (rc && !db->err.code)
			hotline__db_storage_fail(db, rc, "reading events");
		st->rollback(st);
	}
	if (rc == 0) {
		snprintf(next, sizeof(next), "f1.%" PRId64, p.last);
		doc = json_pack("{s:s,s:b,s:O}", "cursor", next, "more", limit && p.n == limit, "events", p.events);
		if (!doc || !(*out = hotline__json_pretty(doc, 2)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		json_decref(doc);
	}
	json_decref(p.events);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

/* ---- waiting for the next commit ---- */

static int found_cb(const hotline_storage_event *e, void *payload)
{
	int64_t *stable = payload;
	return e->seq <= *stable ? 2 : STOP;
}

/* 1 when the feed would list an event after `after`, 0 when not; the failure is recorded. */
static int feed_has(hotline_db *db, int64_t after)
{
	hotline_storage *st = db->st;
	int64_t stable;
	int rc;
	if ((rc = stable_head(st, &stable)) != 0)
		return hotline__db_storage_fail(db, rc, "reading the stable head of the log");
	if ((rc = st->begin(st, 0)) != 0)
		return hotline__db_storage_fail(db, rc, "starting a read transaction");
	rc = events_since(st, after, 1, found_cb, &stable);
	st->rollback(st);
	if (rc < 0)
		return hotline__db_storage_fail(db, rc, "reading events");
	return rc == 2;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

#define WAIT_SLICE_MS 100   /* the longest the handle's lock is held while waiting */
#define POLL_MAX_MS 25      /* the polling backoff's cap: a commit is seen within it */
/* Looks anyway this often: a commit through this very handle (another thread) leaves data_version
 * as it was, and a connection pooler may keep NOTIFY from reaching the handle */
#define RECHECK_MS 500

int hotline_db_feed_wait(hotline_db *db, const char *cursor, int timeout_ms)
{
	hotline_storage *st;
	int64_t after, deadline, checked;
	uint64_t seen = 0, v;
	int rc, pushed, backoff = 1, have_version;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (timeout_ms < 0)
		return hotline__db_fail(db, HOTLINE_EINVALID, "timeout_ms is negative");
	if ((rc = feed_cursor_parse(db, cursor, &after)) != 0)
		return rc;
	deadline = now_ms() + timeout_ms;
	st = db->st;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	if (db->in_batch) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "cannot wait for commits inside a batch");
		pthread_mutex_unlock(&db->mu);
		return rc;
	}
	/* listen before looking, so that a commit in between still wakes us */
	pushed = st->wait_commit != NULL;
	if (pushed && (rc = st->wait_commit(st, 0)) < 0) {
		hotline__db_storage_fail(db, rc, "listening for commits");
		pthread_mutex_unlock(&db->mu);
		return rc;
	}
	have_version = !pushed && st->data_version && st->data_version(st, &seen) == 0;
	rc = feed_has(db, after);
	pthread_mutex_unlock(&db->mu);
	checked = now_ms();
	while (rc == 0) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			break;
		pthread_mutex_lock(&db->mu);
		if (now_ms() - checked >= RECHECK_MS) {
			checked = now_ms();
			rc = feed_has(db, after);
			pthread_mutex_unlock(&db->mu);
			continue;
		}
		if (pushed) {
			/* woken by the backend (NOTIFY); a slice at a time, so that other threads get the handle */
			rc = st->wait_commit(st, left < WAIT_SLICE_MS ? (int)left : WAIT_SLICE_MS);
			if (rc < 0)
				hotline__db_storage_fail(db, rc, "waiting for commits");
			else if (rc > 0)
				rc = feed_has(db, after);
			pthread_mutex_unlock(&db->mu);
			continue;
		}
		/* SQLite: PRAGMA data_version changes when another connection commits */
		if (have_version) {
			if ((rc = st->data_version(st, &v)) != 0)
				hotline__db_storage_fail(db, rc, "reading the data version");
			else if (v != seen) {
				seen = v;
				backoff = 1;
				rc = feed_has(db, after);
			}
		} else {
			rc = feed_has(db, after);
		}
		pthread_mutex_unlock(&db->mu);
		if (rc == 0) {
			sleep_ms(backoff < left ? backoff : (int)left);
			if ((backoff *= 2) > POLL_MAX_MS)
				backoff = POLL_MAX_MS;
		}
	}
	return rc;
}

/* ---- notifications ---- */

enum { K_REMINDER, K_BREACH, K_PENALTY };
static const char *const KIND[] = { "reminder", "breach", "penalty" };

typedef struct note {
	hotline_time t;
	char *id;
	json_t *row;
} note;

typedef struct notes {
	hotline_db *db;
	hotline_time until;
	note *a;
	size_t n, cap;
	/* after a cursor, only the cases that can have a notification after it (pick_case) */
	int pick, all_open;
	hotline_time since, due_to;
	/* set during the rates' pass over every case (hotline__assess_rates): what reads each case's events */
	int (*rates_cb)(const hotline__event *ev, size_t n, void *payload);
	void *rates_payload;
} notes;

static const json_t *body_of(const hotline__event *ev, size_t n, int64_t seq)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (ev[i].seq == seq)
			return ev[i].body;
	return NULL;
}

/* The id: case, rule, kind and instant (UTC), joined by '/'. */
static char *note_id(const char *case_id, const char *rule, int kind, hotline_time t)
{
	char utc[32], *s;
	size_t n;
	hotline__time_format(t, 0, utc);
	/* "+00:00" reads as Z */
	n = strlen(utc);
	if (n > 6 && strcmp(utc + n - 6, "+00:00") == 0)
		strcpy(utc + n - 6, "Z");
	n = strlen(case_id ? case_id : "") + strlen(rule) + strlen(KIND[kind]) + strlen(utc) + 4;
	if (!(s = malloc(n)))
		return NULL;
	snprintf(s, n, "%s/%s/%s/%s", case_id ? case_id : "", rule, KIND[kind], utc);
	return s;
}

static int add_note(notes *ns, const hotline__rule *r, const char *case_id, const char *property, int kind,
	hotline_time t, json_t *liable, const hotline__deadline *d, int64_t amount, int provisional)
{
	const hotline__policy *pol = ns->db->policy;
	note *x;
	json_t *row;
	if (!liable)
		return HOTLINE_ENOMEM;
	row = json_pack("{s:o,s:o,s:o,s:s,s:i,s:{s:s,s:s},s:o}", "case", case_id ? json_string(case_id) : json_null(),
		"property", property ? json_string(property) : json_null(), "instant", hotline__time_json(pol, t),
		"rule", r->id, "article", r->article, "title", "zh", r->title_zh ? r->title_zh : "", "en",
		r->title_en ? r->title_en : "", "liable", liable);
	if (!row)
		return HOTLINE_ENOMEM;
	if (json_object_set_new(row, "kind", json_string(KIND[kind])) != 0 ||
	    (d && (json_object_set_new(row, "due", hotline__time_json(pol, d->due)) != 0 ||
		   json_object_set_new(row, "started_at", hotline__time_json(pol, d->started_at)) != 0)) ||
	    (kind == K_PENALTY && json_object_set_new(row, "amount_fen", json_integer(amount)) != 0) ||
	    (provisional && json_object_set_new(row, "provisional", json_true()) != 0) ||
	    !(x = hotline__vec_push((void **)&ns->a, &ns->n, &ns->cap, sizeof(*ns->a)))) {
		json_decref(row);
		return HOTLINE_ENOMEM;
	}
	x->t = t;
	x->row = row;
	/* a rate penalty belongs to no case: its property heads the id */
	if (!(x->id = note_id(case_id ? case_id : r->kind == HOTLINE__RULE_RATE ? property : NULL, r->id, kind, t)) ||
	    json_object_set_new(row, "id", json_string(x->id)) != 0)
		return HOTLINE_ENOMEM;
	return 0;
}

/* The notifications of one stream's evaluation at `until`. */
static int collect(notes *ns, const hotline__eval *ev, const hotline__event *events, size_t n, const char *property,
	const char *call_taker)
{
	hotline_db *db = ns->db;
	size_t i, k;
	int rc;
	for (i = 0; i < ev->n_dl; i++) {
		const hotline__deadline *d = &ev->dl[i];
		const hotline__rule *r = hotline__policy_rule(db->policy, d->rule);
		const json_t *start = body_of(events, n, d->start_seq);
		hotline_time ra;
		json_t *liable;
		if (!r)
			continue;
		/* a reminder: its instant passed while the deadline was open */
		ra = hotline__remind_at(db, r, d);
		if (ra != HOTLINE_TIME_NONE && ra <= ns->until && (d->met_at == HOTLINE_TIME_NONE || d->met_at > ra) &&
		    (d->stopped_at == HOTLINE_TIME_NONE || d->stopped_at > ra)) {
			/* who would be charged: the directory as of the due instant, as hotline_db_reminders says */
			liable = json_array();
			if (liable && hotline__eval_liable(db->policy, &db->dir, r, property, call_taker, start, d->due, liable)) {
				json_decref(liable);
				return HOTLINE_ENOMEM;
			}
			if ((rc = add_note(ns, r, d->case_id, property, K_REMINDER, ra, liable, d, 0, d->provisional)) != 0)
				return rc;
		}
		/* a breach: the due passed unmet (late, as the assessment counts it) */
		if (d->late_seconds > 0 && d->due <= ns->until) {
			liable = json_array();
			if (liable && hotline__eval_liable(db->policy, &db->dir, r, property, call_taker, start, d->due, liable)) {
				json_decref(liable);
				return HOTLINE_ENOMEM;
			}
			if ((rc = add_note(ns, r, d->case_id, property, K_BREACH, d->due, liable, d, 0, d->provisional)) != 0)
				return rc;
		}
	}
	/* a penalty: each increment, charged to whom the assessment charges it */
	for (i = 0; i < ev->n_pen; i++) {
		const hotline__penalty *p = &ev->pen[i];
		const hotline__rule *r = hotline__policy_rule(db->policy, p->rule);
		if (!r)
			continue;
		for (k = 0; k < p->n_inc; k++) {
			json_t *liable;
			if (p->inc[k].at > ns->until)
				continue;
			liable = json_array();
			if (liable && json_array_append_new(liable, p->person ? json_string(p->person) : json_null())) {
				json_decref(liable);
				return HOTLINE_ENOMEM;
			}
			if ((rc = add_note(ns, r, p->case_id, p->property ? p->property : property, K_PENALTY, p->inc[k].at,
				liable, NULL, p->inc[k].amount_fen, p->provisional)) != 0)
				return rc;
		}
	}
	return 0;
}

static int use_notes(void *payload, const hotline__eval *ev, const hotline__event_vec *v,
	const hotline__case_facts *f, hotline_time as_of)
{
	notes *ns = payload;
	int rc = collect(ns, ev, v->ev, v->n, f ? f->property : NULL, f ? f->call_taker : NULL);
	(void)as_of;
	return rc ? hotline__db_fail(ns->db, rc, "out of memory") : 0;
}

/* ---- after a cursor: the cases that can have something new ---- */

#define DAY INT64_C(86400)

static int64_t add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* The longest a deadline of r can run from its start to its due (-1: no bound, a due an event carries). */
static int64_t span_of(const hotline_db *db, const hotline__rule *r)
{
	int64_t w = (int64_t)hotline__calendar_duty_minutes(db->cal) * 60;
	if (r->due_field)
		return -1;
	if (r->due_end_of_day)
		return DAY;
	if (r->due_seconds && r->clock == HOTLINE__POLICY_CLOCK_DUTY_HOURS)
		return (r->due_seconds / w + 2) * DAY;    /* a window a day, the first and last ones partly */
	if (r->due_seconds)
		return r->due_seconds;
	/* working days: however long the holidays between them, never a fortnight off per day */
	return (r->due_working_days + 1) * 14 * DAY;
}

/*
 * How long before its due a reminder can come, over every rule of every
 * policy the database has had (-1: no bound). Moving a reminder into duty
 * hours takes it back less than a day.
 */
static int64_t remind_horizon(const hotline_db *db)
{
	const hotline__policy *pol = db->policy;
	int64_t h = 0, x;
	size_t e, i;
	for (e = 0; e <= pol->n_eras; e++) {
		const hotline__policy *p = e < pol->n_eras ? pol->eras[e].policy : pol;
		for (i = 0; i < p->n_rules; i++) {
			const hotline__rule *r = &p->rules[i];
			if (r->remind_before_seconds)
				x = add_sat(r->remind_before_seconds, DAY);
			else if (r->remind_permille) {
				if ((x = span_of(db, r)) < 0)
					return -1;
				x = add_sat(x / 1000 * (1000 - r->remind_permille) + 1000, DAY);
			} else
				continue;
			if (x > h)
				h = x;
		}
	}
	return h;
}

/*
 * Whether a case can have a notification at or after the cursor's instant.
 * Events at or after it: yes. Else every clock that can still speak is one
 * open at its last event, and the stored next due (computed over the whole
 * case at that event) is at or before each such due, each later due of its
 * chain and each increment; a reminder comes at most the horizon before
 * its due. So a case whose next due is after until (plus the horizon) has
 * nothing new up to until.
 */
static int pick_case(const notes *ns, const hotline_storage_case *sc)
{
	if (sc->last_at != HOTLINE_TIME_NONE && sc->last_at >= ns->since)
		return 1;
	return sc->next_due != HOTLINE_TIME_NONE && (ns->all_open || sc->next_due <= ns->due_to);
}

/* One case: its notifications when it can have any, or (the rates' pass) its part of the rates. */
static int note_case_cb(const hotline_storage_case *sc, void *payload)
{
	notes *ns = payload;
	hotline__event_vec v;
	int rc, eval = !ns->rates_cb && (!ns->pick || pick_case(ns, sc));
	if (!eval && !ns->rates_cb)
		return 0;
	memset(&v, 0, sizeof(v));
	if ((rc = hotline__event_vec_load(ns->db->st, sc->id, &v)) != 0)
		return hotline__db_storage_fail(ns->db, rc, "reading events");
	if (eval)
		rc = hotline__db_eval_events(ns->db, sc->id, &v, ns->until, HOTLINE_TIME_NONE, use_notes, ns);
	if (rc == 0 && ns->rates_cb)
		rc = ns->rates_cb(v.ev, v.n, ns->rates_payload);
	hotline__event_vec_free(&v);
	return rc;
}

/* Every case once: the notifications' pass, or with cb the rates' reading. */
static int note_cases(notes *ns, int (*cb)(const hotline__event *ev, size_t n, void *payload), void *payload)
{
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	int rc;
	ns->rates_cb = cb;
	ns->rates_payload = payload;
	rc = ns->db->st->cases_foreach(ns->db->st, &q, note_case_cb, ns);
	ns->rates_cb = NULL;
	if (rc && !ns->db->err.code)
		hotline__db_storage_fail(ns->db, rc, "listing cases");
	return rc;
}

static int note_org(notes *ns)
{
	return hotline__db_eval_stream(ns->db, "", ns->until, HOTLINE_TIME_NONE, use_notes, ns);
}

/* ---- Art. 20: the rates' penalties, priced over every case by the assessment ---- */

/* The rates' source: the notifications' own pass over the cases. */
static int rate_foreach_case(void *ctx, int (*cb)(const hotline__event *ev, size_t n, void *payload), void *payload)
{
	return note_cases(ctx, cb, payload);
}

/* The rate penalties of the periods that end in [from, to]: at the period's end, no case. */
static int note_rates(notes *ns, hotline_time from, hotline_time to)
{
	hotline_db *db = ns->db;
	hotline__source src;
	hotline__eval ev;
	hotline__err err;
	size_t i, k;
	int rc;
	memset(&src, 0, sizeof(src));
	src.ctx = ns;
	src.foreach_case = rate_foreach_case;
	src.first_event_at = HOTLINE_TIME_NONE;
	hotline__clearerr(&err);
	if ((rc = hotline__assess_rates(db->policy, db->cal, &db->dir, &src, from, to, ns->until, &ev, &err)) != 0)
		return db->err.code ? rc : hotline__db_fail_err(db, &err);
	for (i = 0; rc == 0 && i < ev.n_pen; i++) {
		const hotline__penalty *p = &ev.pen[i];
		const hotline__rule *r = hotline__policy_rule(db->policy, p->rule);
		for (k = 0; r && rc == 0 && k < p->n_inc; k++) {
			json_t *liable = json_array();
			if (liable && json_array_append_new(liable, p->person ? json_string(p->person) : json_null())) {
				json_decref(liable);
				liable = NULL;
			}
			rc = add_note(ns, r, NULL, p->property, K_PENALTY, p->inc[k].at, liable, NULL, p->inc[k].amount_fen,
				p->provisional);
		}
	}
	hotline__eval_free(&ev);
	return rc ? hotline__db_fail(db, rc, "out of memory") : 0;
}

static int note_cmp(const void *x, const void *y)
{
	const note *a = x, *b = y;
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Two increments of one rule at one instant (people charged together): one notification, amounts added. */
static int merge_same(notes *ns)
{
	size_t i, j = 0;
	for (i = 0; i < ns->n; i++) {
		if (j && strcmp(ns->a[j - 1].id, ns->a[i].id) == 0) {
			json_t *into = ns->a[j - 1].row, *from = ns->a[i].row;
			json_t *liable = json_object_get(into, "liable"), *p;
			size_t k;
			json_array_foreach(json_object_get(from, "liable"), k, p)
				if (json_array_append(liable, p))
					return HOTLINE_ENOMEM;
			if (json_object_get(into, "amount_fen"))
				json_object_set_new(into, "amount_fen", json_integer(json_integer_value(json_object_get(into, "amount_fen")) +
					json_integer_value(json_object_get(from, "amount_fen"))));
			json_decref(from);
			free(ns->a[i].id);
			continue;
		}
		ns->a[j++] = ns->a[i];
	}
	ns->n = j;
	return 0;
}

static char *hex_of(const char *s)
{
	static const char digits[] = "0123456789abcdef";
	size_t i, n = strlen(s);
	char *h = malloc(2 * n + 1);
	if (!h)
		return NULL;
	for (i = 0; i < n; i++) {
		h[2 * i] = digits[(unsigned char)s[i] >> 4];
		h[2 * i + 1] = digits[(unsigned char)s[i] & 15];
	}
	h[2 * n] = '\0';
	return h;
}

static char *unhex(const char *h)
{
	size_t i, n = strlen(h);
	char *s;
	if (n == 0 || n % 2 || !(s = malloc(n / 2 + 1)))
		return NULL;
	for (i = 0; i < n / 2; i++) {
		int hi = h[2 * i], lo = h[2 * i + 1];
		hi = hi >= '0' && hi <= '9' ? hi - '0' : hi >= 'a' && hi <= 'f' ? hi - 'a' + 10 : -1;
		lo = lo >= '0' && lo <= '9' ? lo - '0' : lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(s);
			return NULL;
		}
		s[i] = (char)(hi << 4 | lo);
	}
	s[n / 2] = '\0';
	return s;
}

/* "n1.T" or "n1.T.HEX": *t and *id (malloc'd, NULL: every notification at T). */
static int note_cursor_parse(hotline_db *db, const char *cursor, hotline_time *t, char **id)
{
	const char *p;
	char num[24];
	size_t n;
	int64_t v;
	*t = HOTLINE_TIME_NONE;
	*id = NULL;
	if (!cursor || !*cursor)
		return 0;
	if (strncmp(cursor, "n1.", 3) != 0)
		goto bad;
	p = cursor + 3;
	n = strcspn(p, ".");
	if (n == 0 || n >= sizeof(num))
		goto bad;
	memcpy(num, p, n);
	num[n] = '\0';
	if (num[0] == '-') {
		if (parse_seq(num + 1, &v) != 0)
			goto bad;
		v = -v;
	} else if (parse_seq(num, &v) != 0) {
		goto bad;
	}
	if (v < HOTLINE__MIN_INSTANT || v > HOTLINE__MAX_INSTANT)
		goto bad;
	*t = v;
	if (p[n] == '.' && !(*id = unhex(p + n + 1)))
		goto bad;
	return 0;
bad:
	return hotline__db_fail(db, HOTLINE_EINVALID, "not a notifications cursor: '%.80s'", cursor);
}

/* Whether a notification comes after the cursor. */
static int after_cursor(const note *x, hotline_time t, const char *id)
{
	if (t == HOTLINE_TIME_NONE || x->t > t)
		return 1;
	return x->t == t && id && strcmp(x->id, id) > 0;
}

static int notifications(char **out, hotline_db *db, const char *cursor, hotline_time until, size_t limit, int full)
{
	hotline_storage *st;
	notes ns;
	hotline_time ct;
	char *cid = NULL, *next = NULL;
	json_t *list = NULL, *doc = NULL;
	size_t i, sent = 0;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (until == HOTLINE_TIME_NONE || until < HOTLINE__MIN_INSTANT || until > HOTLINE__MAX_INSTANT)
		return hotline__db_fail(db, HOTLINE_EINVALID, "until is not an instant the library takes");
	if ((rc = note_cursor_parse(db, cursor, &ct, &cid)) != 0)
		return rc;
	memset(&ns, 0, sizeof(ns));
	ns.db = db;
	ns.until = until;
	st = db->st;
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	rc = db->in_batch ? 0 : st->begin(st, 0);
	if (rc)
		hotline__db_storage_fail(db, rc, "starting a read transaction");
	else {
		if (!db->in_batch)
			rc = hotline__db_sync(db);
		/* the stored next dues are the recorded policy's, and a batch's own writes are not all in them yet */
		if (rc == 0 && !full && ct != HOTLINE_TIME_NONE && !db->in_batch && !hotline__db_what_if(db)) {
			int64_t h = remind_horizon(db);
			ns.pick = 1;
			ns.since = ct;
			ns.all_open = h < 0;
			ns.due_to = h < 0 ? until : add_sat(until, h);
		}
		if (rc == 0)
			rc = note_cases(&ns, NULL, NULL);
		if (rc == 0)
			rc = note_org(&ns);
		if (rc == 0) {
			hotline_time to = until - 1;   /* the periods that end before until */
			if (ns.n)   /* qsort of a NULL array, even empty, is undefined */
				qsort(ns.a, ns.n, sizeof(*ns.a), note_cmp);
			/* a page full of notifications before a period's end needs none of its rates: they sort after
			 * the page's last one, and the one after that says there is more either way */
			if (limit && !full) {
				size_t k = 0;
				hotline_time last = HOTLINE_TIME_NONE;
				for (i = 0; i < ns.n && k <= limit; i++) {
					if (!after_cursor(&ns.a[i], ct, cid) || (i && strcmp(ns.a[i].id, ns.a[i - 1].id) == 0))
						continue;   /* increments of one id become one notification */
					if (++k == limit)
						last = ns.a[i].t;
					else if (k == limit + 1)
						to = last;
				}
			}
			rc = note_rates(&ns, ct == HOTLINE_TIME_NONE ? HOTLINE__MIN_INSTANT : ct, to);
		}
		if (!db->in_batch)
			st->rollback(st);
	}
	if (rc == 0) {
		if (ns.n)
			qsort(ns.a, ns.n, sizeof(*ns.a), note_cmp);
		if ((rc = merge_same(&ns)) != 0)
			hotline__db_fail(db, rc, "out of memory");
	}
	if (rc == 0 && !(list = json_array()))
		rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	/*
	 * Only what comes before until is handed out: at until itself a due can
	 * still be met on time, so a breach there (and a penalty that starts with
	 * it) is not known yet; the next call, with a later until, hands it out.
	 */
	for (i = 0; rc == 0 && i < ns.n && ns.a[i].t < until && (!limit || sent < limit); i++) {
		if (!after_cursor(&ns.a[i], ct, cid))
			continue;
		if (json_array_append(list, ns.a[i].row))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
		else
			sent++;
		if (rc == 0 && limit && sent == limit) {
			char *h = hex_of(ns.a[i].id);
			size_t n = h ? strlen(h) + 32 : 0;
			if (!h || !(next = malloc(n)))
				rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
			else
				snprintf(next, n, "n1.%" PRId64 ".%s", ns.a[i].t, h);
			free(h);
		}
	}
	if (rc == 0) {
		/* more only when the page is full and one is left after it */
		int more = limit && sent == limit && i < ns.n && ns.a[i].t < until;
		if (!more) {
			free(next);
			/* everything before until was handed out; a cursor at or beyond until stays where it was */
			if ((next = malloc(32)) != NULL && ct != HOTLINE_TIME_NONE && ct >= until) {
				if (cid) {
					char *h = hex_of(cid);
					free(next);
					next = h ? malloc(strlen(h) + 32) : NULL;
					if (next)
						snprintf(next, strlen(h) + 32, "n1.%" PRId64 ".%s", ct, h);
					free(h);
				} else {
					snprintf(next, 32, "n1.%" PRId64, ct);
				}
			} else if (next) {
				snprintf(next, 32, "n1.%" PRId64, until - 1);   /* instants are whole seconds */
			}
		}
		doc = next ? json_pack("{s:s,s:o,s:b,s:O}", "cursor", next, "until", hotline__time_json(db->policy, until),
			"more", more, "notifications", list) : NULL;
		if (!doc || !(*out = hotline__json_pretty(doc, 2)))
			rc = hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	}
	for (i = 0; i < ns.n; i++) {
		free(ns.a[i].id);
		json_decref(ns.a[i].row);
	}
	free(ns.a);
	free(cid);
	free(next);
	json_decref(list);
	json_decref(doc);
	pthread_mutex_unlock(&db->mu);
	return rc;
}

int hotline_db_notifications(char **out, hotline_db *db, const char *cursor, hotline_time until, size_t limit)
{
	return notifications(out, db, cursor, until, limit, 0);
}

int hotline__db_notifications_full(char **out, hotline_db *db, const char *cursor, hotline_time until, size_t limit)
{
	return notifications(out, db, cursor, until, limit, 1);
}
