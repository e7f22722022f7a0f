/*
 * The storage conformance suite (include/hotline/sys/conformance.h): the
 * contract of include/hotline/sys/storage.h as test cases, run against any
 * backend through its callbacks alone.
 *
 * The runner is self-contained on purpose: a vendor runs the suite with
 * nothing but this library and libhotline (no test framework to install).
 * A check that fails records where and what, and returns from the test
 * case; the runner then frees the case's handles (free rolls back an open
 * transaction) and goes on with the next case.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* nanosleep: lease expiry is measured by the backend's clock */
#endif
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hotline/sys/conformance.h"

#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#include <time.h>
#endif

typedef struct ct {
	hotline_storage *st;      /* the test case's backend (from the factory) */
	hotline_storage *peer;    /* a second handle on its store (opts->reopen) */
	hotline_conformance_make_fn make;
	void *ctx;
	const hotline_conformance_options *opts;
	int failed;
	const char *skip;         /* reason, when the case does not apply */
	char msg[1024];
} ct;

/* ---- checks ---- */

static const char *code_name(int code)
{
	/* from the public X-macro list, so the suite needs no symbol of the library */
	switch (code) {
	case 0:
		return "ok";
#define HOTLINE__CONF_NAME(name, value, json, text) case value: return json;
		HOTLINE_ERRORS(HOTLINE__CONF_NAME)
#undef HOTLINE__CONF_NAME
	default:
		return "not a hotline_error";
	}
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void failf(ct *t, int line, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	if (t->failed++)
		return; /* the first failure says it */
	n = (size_t)snprintf(t->msg, sizeof(t->msg), "conformance.c:%d: ", line);
	if (n >= sizeof(t->msg))
		return;
	va_start(ap, fmt);
	vsnprintf(t->msg + n, sizeof(t->msg) - n, fmt, ap);
	va_end(ap);
}

static const char *errmsg_of(hotline_storage *st)
{
	const char *m = st && st->errmsg ? st->errmsg(st) : NULL;
	return m ? m : "";
}

/* A callback returned `got` where the contract says `want`. */
#define CHECK_RC(t, call, want) do { \
	int got_ = (call); \
	if (got_ != (want)) { \
		failf((t), __LINE__, "%s returned %d (%s), expected %d (%s)%s%s", #call, got_, code_name(got_), \
			(int)(want), code_name(want), *errmsg_of((t)->st) ? "; errmsg: " : "", errmsg_of((t)->st)); \
		return; \
	} \
} while (0)

#define CHECK(t, cond) do { \
	if (!(cond)) { \
		failf((t), __LINE__, "expected %s", #cond); \
		return; \
	} \
} while (0)

#define CHECK_I64(t, got, want) do { \
	int64_t g_ = (int64_t)(got), w_ = (int64_t)(want); \
	if (g_ != w_) { \
		failf((t), __LINE__, "%s is %" PRId64 ", expected %" PRId64, #got, g_, w_); \
		return; \
	} \
} while (0)

#define CHECK_STR(t, got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!g_ || strcmp(g_, w_) != 0) { \
		failf((t), __LINE__, "%s is \"%s\", expected \"%s\"", #got, g_ ? g_ : "(null)", w_); \
		return; \
	} \
} while (0)

/* ---- fixtures ---- */

/* Bodies carry non-ASCII text: the storage must keep UTF-8 byte for byte. */
#define CASE_BODY "{\"owner\":\"王女士\",\"text\":\"漏水\"}"
#define EVENT_BODY "{\"text\":\"已安排\"}"

static hotline_storage_case mk(const char *id, const char *prop, int state, int64_t version, hotline_time due,
	hotline_time reg)
{
	hotline_storage_case c;
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.property = prop;
	c.state = state;
	c.version = version;
	c.registered_at = reg;
	c.last_at = reg;
	c.next_due = due;
	c.head_hash = "h";
	c.body = CASE_BODY;
	return c;
}

static hotline_storage_event mkev(const char *stream, int64_t seq)
{
	hotline_storage_event e;
	memset(&e, 0, sizeof(e));
	e.stream = stream;
	e.stream_seq = seq;
	e.cmd = "reply";
	e.actor = "zhang";
	e.at = 1000 + seq;
	e.body = EVENT_BODY;
	e.prev_hash = seq > 1 ? "p" : "";
	e.hash = "hh";
	return e;
}

/* What a case callback saw: copies, since the strings are borrowed. */
typedef struct got {
	int n;
	char ids[16][32];
	char property[32], head_hash[72], body[128];
	int state, approval, exempt;
	int64_t version;
	hotline_time registered_at, last_at, next_due;
} got;

static int collect(const hotline_storage_case *c, void *p)
{
	got *g = p;
	if (g->n < 16)
		snprintf(g->ids[g->n], sizeof(g->ids[0]), "%s", c->id ? c->id : "(null)");
	g->n++;
	snprintf(g->property, sizeof(g->property), "%s", c->property ? c->property : "(null)");
	snprintf(g->head_hash, sizeof(g->head_hash), "%s", c->head_hash ? c->head_hash : "(null)");
	snprintf(g->body, sizeof(g->body), "%s", c->body ? c->body : "(null)");
	g->state = c->state;
	g->approval = c->approval;
	g->exempt = c->exempt;
	g->version = c->version;
	g->registered_at = c->registered_at;
	g->last_at = c->last_at;
	g->next_due = c->next_due;
	return 0;
}

typedef struct evs {
	int n;
	int64_t seqs[8], stream_seqs[8], at[8];
	char streams[8][8], cmd[8][16], actor[8][16], body[8][64], prev_hash[8][8], hash[8][8];
} evs;

static int collect_ev(const hotline_storage_event *e, void *p)
{
	evs *v = p;
	if (v->n < 8) {
		int i = v->n;
		v->seqs[i] = e->seq;
		v->stream_seqs[i] = e->stream_seq;
		v->at[i] = e->at;
		snprintf(v->streams[i], sizeof(v->streams[i]), "%s", e->stream ? e->stream : "(null)");
		snprintf(v->cmd[i], sizeof(v->cmd[i]), "%s", e->cmd ? e->cmd : "(null)");
		snprintf(v->actor[i], sizeof(v->actor[i]), "%s", e->actor ? e->actor : "(null)");
		snprintf(v->body[i], sizeof(v->body[i]), "%s", e->body ? e->body : "(null)");
		snprintf(v->prev_hash[i], sizeof(v->prev_hash[i]), "%s", e->prev_hash ? e->prev_hash : "(null)");
		snprintf(v->hash[i], sizeof(v->hash[i]), "%s", e->hash ? e->hash : "(null)");
	}
	v->n++;
	return 0;
}

static int count_events(const hotline_storage_event *e, void *p)
{
	(void)e;
	(*(int *)p)++;
	return 0;
}

static int dir_count(const char *kind, const char *id, const char *body, void *p)
{
	(void)kind, (void)id, (void)body;
	(*(int *)p)++;
	return 0;
}

/* ---- test cases ---- */

/*
 * The struct, judged as attaching it judges it (hotline_storage_check): the
 * version, every required callback, each group whole, the ability bits and
 * the callbacks they need. A backend refused here fails this case with the
 * library's message and skips the others.
 */
static void t_struct(ct *t)
{
	if (hotline_storage_check(t->st) != 0)
		failf(t, __LINE__, "refused at attach: %s", hotline_last_error());
}

/* An empty store: nothing found, empty streams, empty iterations. */
static void t_empty(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	got g;
	int n = 0;
	int64_t head = -1;
	char hash[65] = "x";
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->case_get(st, "C1", collect, &g), HOTLINE_ENOT_FOUND);
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 0);
	CHECK_RC(t, st->events_foreach(st, NULL, count_events, &n), 0);
	CHECK_I64(t, n, 0);
	CHECK_RC(t, st->stream_head(st, "C1", &head, hash), 0);
	CHECK_I64(t, head, 0);
	CHECK_STR(t, hash, "");
	CHECK_RC(t, st->dir_get(st, "person", "zhang", dir_count, &n), HOTLINE_ENOT_FOUND);
	/* rollback with no transaction open is a no-op */
	CHECK_RC(t, st->rollback(st), 0);
}

/* case_put: insert, duplicate, conditional update, conflict, absent; every field stored. */
static void t_cases(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	got g;
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), HOTLINE_EDUPLICATE);
	c.version = 2;
	CHECK_RC(t, st->case_put(st, &c, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 1), HOTLINE_ECONFLICT);
	c.id = "nope";
	CHECK_RC(t, st->case_put(st, &c, 1), HOTLINE_ENOT_FOUND);
	CHECK_RC(t, st->commit(st), 0);
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->case_get(st, "C1", collect, &g), 0);
	CHECK_I64(t, g.n, 1);
	CHECK_I64(t, g.version, 2);
	CHECK_STR(t, g.body, CASE_BODY);
	CHECK_RC(t, st->case_get(st, "C9", collect, &g), HOTLINE_ENOT_FOUND);
	/* every field is written, also those that usually stay the same */
	c.id = "C1";
	c.property = "P2";
	c.state = 7;
	c.approval = 2;
	c.exempt = 1;
	c.registered_at += 60;
	c.last_at = 900;
	c.next_due = HOTLINE_TIME_NONE;
	c.head_hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	c.version = 3;
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 1), HOTLINE_ECONFLICT);
	CHECK_RC(t, st->case_put(st, &c, 2), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->case_get(st, "C1", collect, &g), 0);
	CHECK_I64(t, g.version, 3);
	CHECK_STR(t, g.property, "P2");
	CHECK_I64(t, g.state, 7);
	CHECK_I64(t, g.approval, 2);
	CHECK_I64(t, g.exempt, 1);
	CHECK_I64(t, g.registered_at, c.registered_at);
	CHECK_I64(t, g.last_at, 900);
	CHECK_I64(t, g.next_due, HOTLINE_TIME_NONE);
	CHECK_STR(t, g.head_hash, c.head_hash);
	/* instants before 1970 and far ahead are kept */
	c = mk("C2", "P1", 0, 1, INT64_C(253402300799), INT64_C(-86400));
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->case_get(st, "C2", collect, &g), 0);
	CHECK_I64(t, g.registered_at, INT64_C(-86400));
	CHECK_I64(t, g.next_due, INT64_C(253402300799));
}

/* A transaction's reads see its own writes. */
static void t_read_own_writes(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	hotline_storage_event e = mkev("C1", 1);
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	got g;
	int n = 0;
	int64_t head = 0;
	char hash[65];
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->event_append(st, &e, NULL), 0);
	CHECK_RC(t, st->dir_put(st, "person", "zhang", "{}"), 0);
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->case_get(st, "C1", collect, &g), 0);
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 2);
	CHECK_RC(t, st->events_foreach(st, "C1", count_events, &n), 0);
	CHECK_I64(t, n, 1);
	CHECK_RC(t, st->stream_head(st, "C1", &head, hash), 0);
	CHECK_I64(t, head, 1);
	CHECK_RC(t, st->dir_get(st, "person", "zhang", dir_count, &n), 0);
	CHECK_I64(t, n, 2);
	CHECK_RC(t, st->commit(st), 0);
}

/* rollback undoes every kind of write; a second begin is refused. */
static void t_rollback(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	hotline_storage_event e = mkev("C1", 1);
	got g;
	int n = 0;
	int64_t seq;
	char hash[65];
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	c.version = 2;
	c.state = 5;
	CHECK_RC(t, st->case_put(st, &c, 1), 0);
	CHECK_RC(t, st->event_append(st, &e, &seq), 0);
	CHECK_RC(t, st->dir_put(st, "person", "zhang", "{}"), 0);
	c = mk("C2", "P1", 0, 1, 500, 100);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->rollback(st), 0);
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->case_get(st, "C1", collect, &g), 0);
	CHECK_I64(t, g.version, 1);
	CHECK_I64(t, g.state, 0);
	CHECK_RC(t, st->case_get(st, "C2", collect, &g), HOTLINE_ENOT_FOUND);
	CHECK_RC(t, st->events_foreach(st, NULL, count_events, &n), 0);
	CHECK_I64(t, n, 0);
	CHECK_RC(t, st->stream_head(st, "C1", &seq, hash), 0);
	CHECK_I64(t, seq, 0);
	CHECK_RC(t, st->dir_get(st, "person", "zhang", dir_count, &n), HOTLINE_ENOT_FOUND);
	/* a second begin while one is open is refused, and the first stays usable */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK(t, st->begin(st, 1) != 0);
	CHECK_RC(t, st->rollback(st), 0);
	/* after a rollback the next transaction works */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->case_get(st, "C2", collect, &g), 0);
}

/* The log: global order, per-stream order, uniqueness, heads, every field read back. */
static void t_events(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_event a1 = mkev("A", 1), b1 = mkev("B", 1), a2 = mkev("A", 2), org = mkev("", 1);
	int64_t s1 = 0, s2 = 0, s3 = 0, s4 = 0, head;
	char hash[65];
	evs v;
	org.cmd = "person";
	org.actor = "";
	org.at = HOTLINE_TIME_NONE;
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->event_append(st, &a1, &s1), 0);
	CHECK_RC(t, st->event_append(st, &b1, &s2), 0);
	CHECK_RC(t, st->event_append(st, &a2, &s3), 0);
	CHECK_RC(t, st->event_append(st, &org, &s4), 0);
	CHECK_RC(t, st->event_append(st, &a2, NULL), HOTLINE_EDUPLICATE);
	CHECK_RC(t, st->commit(st), 0);
	CHECK(t, s1 < s2 && s2 < s3 && s3 < s4);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_foreach(st, "A", collect_ev, &v), 0);
	CHECK_I64(t, v.n, 2);
	CHECK_I64(t, v.stream_seqs[0], 1);
	CHECK_I64(t, v.stream_seqs[1], 2);
	CHECK_I64(t, v.seqs[0], s1);
	CHECK_I64(t, v.seqs[1], s3);
	CHECK_STR(t, v.cmd[1], "reply");
	CHECK_STR(t, v.actor[1], "zhang");
	CHECK_I64(t, v.at[1], 1002);
	CHECK_STR(t, v.body[1], EVENT_BODY);
	CHECK_STR(t, v.prev_hash[0], "");
	CHECK_STR(t, v.prev_hash[1], "p");
	CHECK_STR(t, v.hash[1], "hh");
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_foreach(st, NULL, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 4);
	CHECK_STR(t, v.streams[0], "A");
	CHECK_STR(t, v.streams[1], "B");
	CHECK_STR(t, v.streams[2], "A");
	CHECK_STR(t, v.streams[3], "");
	/* the organisation stream: "" is a stream like any other */
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_foreach(st, "", collect_ev, &v), 0);
	CHECK_I64(t, v.n, 1);
	CHECK_STR(t, v.cmd[0], "person");
	CHECK_STR(t, v.actor[0], "");
	CHECK_I64(t, v.at[0], HOTLINE_TIME_NONE);
	CHECK_RC(t, st->stream_head(st, "A", &head, hash), 0);
	CHECK_I64(t, head, 2);
	CHECK_STR(t, hash, "hh");
	CHECK_RC(t, st->stream_head(st, "Z", &head, hash), 0);
	CHECK_I64(t, head, 0);
	CHECK_STR(t, hash, "");
}

static int stop_event(const hotline_storage_event *e, void *p)
{
	(void)e;
	(*(int *)p)++;
	return 5;
}

/* events_since: every stream after a seq, in seq order, at most the limit; stopping; the feed's pages. */
static void t_events_since(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_event a1 = mkev("A", 1), b1 = mkev("B", 1), a2 = mkev("A", 2), org = mkev("", 1);
	int64_t s[4], after = 0;
	int n = 0, pages = 0;
	evs v;
	CHECK_RC(t, st->begin(st, HOTLINE_STORAGE_BEGIN_ORG), 0);
	CHECK_RC(t, st->event_append(st, &a1, &s[0]), 0);
	CHECK_RC(t, st->event_append(st, &b1, &s[1]), 0);
	CHECK_RC(t, st->event_append(st, &org, &s[2]), 0);
	CHECK_RC(t, st->event_append(st, &a2, &s[3]), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_since(st, 0, 0, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 4);
	CHECK_I64(t, v.seqs[0], s[0]);
	CHECK_I64(t, v.seqs[3], s[3]);
	CHECK_STR(t, v.streams[1], "B");
	CHECK_STR(t, v.streams[2], "");
	CHECK_STR(t, v.body[3], EVENT_BODY);
	/* after a seq: only later ones, whatever their stream */
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_since(st, s[1], 0, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 2);
	CHECK_I64(t, v.seqs[0], s[2]);
	CHECK_I64(t, v.seqs[1], s[3]);
	CHECK_I64(t, v.stream_seqs[1], 2);
	/* at most `limit`, counted after the bound */
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_since(st, s[0], 2, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 2);
	CHECK_I64(t, v.seqs[0], s[1]);
	CHECK_I64(t, v.seqs[1], s[2]);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_since(st, s[3], 0, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 0);
	/* a callback's non-zero return stops the read and is returned */
	CHECK_RC(t, st->events_since(st, 0, 0, stop_event, &n), 5);
	CHECK_I64(t, n, 1);
	/* pages of one event walk the whole log once */
	for (;;) {
		memset(&v, 0, sizeof(v));
		CHECK_RC(t, st->events_since(st, after, 1, collect_ev, &v), 0);
		if (v.n == 0)
			break;
		CHECK_I64(t, v.n, 1);
		CHECK_I64(t, v.seqs[0], s[pages]);
		after = v.seqs[0];
		if (++pages > 4)
			break;
	}
	CHECK_I64(t, pages, 4);
	/* inside a write transaction it sees the transaction's own event; a rollback takes it back */
	CHECK_RC(t, st->begin(st, 1), 0);
	a1 = mkev("A", 3);
	CHECK_RC(t, st->event_append(st, &a1, NULL), 0);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_since(st, s[3], 0, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 1);
	CHECK_RC(t, st->rollback(st), 0);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_since(st, s[3], 0, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 0);
}

typedef struct idseen { int n; int64_t seq; char id[40]; } idseen;
static int collect_id(const hotline_storage_event *e, void *p)
{
	idseen *d = p;
	d->n++;
	d->seq = e->seq;
	snprintf(d->id, sizeof(d->id), "%s", e->id ? e->id : "(null)");
	return 0;
}

/* Event ids: stored unique, returned by every read, found by event_by_id; NULL stays NULL. */
static void t_event_ids(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_event a1 = mkev("A", 1), a2 = mkev("A", 2), b1 = mkev("B", 1), c1 = mkev("C", 1);
	int64_t s1 = 0;
	idseen d;
	a1.id = "cmd-1";
	a2.id = "cmd-2";
	b1.id = "cmd-1"; /* the same id on another stream */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->event_append(st, &a1, &s1), 0);
	CHECK_RC(t, st->event_append(st, &a2, NULL), 0);
	CHECK_RC(t, st->event_append(st, &b1, NULL), HOTLINE_EDUPLICATE);
	CHECK_RC(t, st->event_append(st, &c1, NULL), 0); /* no id */
	CHECK_RC(t, st->commit(st), 0);
	memset(&d, 0, sizeof(d));
	CHECK_RC(t, st->event_by_id(st, "cmd-1", collect_id, &d), 0);
	CHECK_I64(t, d.n, 1);
	CHECK_I64(t, d.seq, s1);
	CHECK_STR(t, d.id, "cmd-1");
	CHECK_RC(t, st->event_by_id(st, "cmd-9", collect_id, &d), HOTLINE_ENOT_FOUND);
	memset(&d, 0, sizeof(d));
	CHECK_RC(t, st->events_foreach(st, "A", collect_id, &d), 0);
	CHECK_STR(t, d.id, "cmd-2");
	memset(&d, 0, sizeof(d));
	CHECK_RC(t, st->events_foreach(st, "C", collect_id, &d), 0);
	CHECK_STR(t, d.id, "(null)");
	memset(&d, 0, sizeof(d));
	CHECK_RC(t, st->events_since(st, s1, 1, collect_id, &d), 0);
	CHECK_STR(t, d.id, "cmd-2");
}

static int stop_after_one(const hotline_storage_case *c, void *p)
{
	(void)c;
	(*(int *)p)++;
	return 7;
}


typedef struct nested { hotline_storage *st; int events; } nested;
static int nested_cb(const hotline_storage_case *c, void *p)
{
	nested *n = p;
	return n->st->events_foreach(n->st, c->id, count_events, &n->events);
}

/* cases_foreach: filters, the due order, limit, the registered range, stopping, nesting. */
static void t_queries(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	hotline_storage_case cs[5];
	hotline_storage_event e = mkev("A", 1);
	got g;
	nested n;
	int i, stopped = 0;
	cs[0] = mk("E", "P1", 1, 1, 100, 500);
	cs[1] = mk("B", "P1", 2, 1, 100, 200);
	cs[2] = mk("C", "P2", 1, 1, HOTLINE_TIME_NONE, 300);
	cs[3] = mk("D", "P2", 1, 1, 200, 400);
	cs[4] = mk("A", "P1", 1, 1, 300, 100);
	CHECK_RC(t, st->begin(st, 1), 0);
	for (i = 0; i < 5; i++)
		CHECK_RC(t, st->case_put(st, &cs[i], 0), 0);
	CHECK_RC(t, st->event_append(st, &e, NULL), 0);
	CHECK_RC(t, st->commit(st), 0);
	/* ordered by id, whatever the insertion order */
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 5);
	CHECK_STR(t, g.ids[0], "A");
	CHECK_STR(t, g.ids[4], "E");
	q.property = "P1";
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 3);
	q.state = 1;
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 2);
	CHECK_STR(t, g.ids[0], "A");
	CHECK_STR(t, g.ids[1], "E");
	/* due: next_due < due_before, ordered by next_due then id, NONE never due */
	q = (hotline_storage_query)HOTLINE_STORAGE_QUERY_INIT;
	q.due_before = 301;
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 4);
	CHECK_STR(t, g.ids[0], "B");
	CHECK_STR(t, g.ids[1], "E");
	CHECK_STR(t, g.ids[2], "D");
	CHECK_STR(t, g.ids[3], "A");
	q.due_before = 300;
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 3);
	q.due_before = 301;
	q.limit = 2;
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 2);
	CHECK_STR(t, g.ids[1], "E");
	/* registered range [200, 400): from inclusive, to exclusive */
	q = (hotline_storage_query)HOTLINE_STORAGE_QUERY_INIT;
	q.registered_from = 200;
	q.registered_to = 400;
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 2);
	CHECK_STR(t, g.ids[0], "B");
	CHECK_STR(t, g.ids[1], "C");
	/* filters combine */
	q.property = "P2";
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 1);
	CHECK_STR(t, g.ids[0], "C");
	/* a callback's non-zero return stops the iteration and is returned */
	q = (hotline_storage_query)HOTLINE_STORAGE_QUERY_INIT;
	CHECK_RC(t, st->cases_foreach(st, &q, stop_after_one, &stopped), 7);
	CHECK_I64(t, stopped, 1);
	stopped = 0;
	CHECK_RC(t, st->events_foreach(st, NULL, stop_event, &stopped), 5);
	CHECK_I64(t, stopped, 1);
	/* nested iteration: events of each case from inside the case loop */
	n.st = st;
	n.events = 0;
	CHECK_RC(t, st->cases_foreach(st, &q, nested_cb, &n), 0);
	CHECK_I64(t, n.events, 1);
}

typedef struct dirs { char text[256]; } dirs;
static int dir_cb(const char *kind, const char *id, const char *body, void *p)
{
	dirs *d = p;
	size_t len = strlen(d->text);
	snprintf(d->text + len, sizeof(d->text) - len, "%s/%s%s;", kind, id, body);
	return 0;
}

static int dir_stop(const char *kind, const char *id, const char *body, void *p)
{
	(void)kind, (void)id, (void)body;
	(*(int *)p)++;
	return 3;
}

/* The directory: unique (kind, id), ordered by kind then id. */
static void t_directory(ct *t)
{
	hotline_storage *st = t->st;
	dirs d;
	int stopped = 0;
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->dir_put(st, "person", "zhang", "{\"name\":\"张敏\"}"), 0);
	CHECK_RC(t, st->dir_put(st, "property", "P1", "{}"), 0);
	CHECK_RC(t, st->dir_put(st, "person", "li", "{}"), 0);
	CHECK_RC(t, st->dir_put(st, "person", "li", "{}"), HOTLINE_EDUPLICATE);
	/* the same id under another kind is another record */
	CHECK_RC(t, st->dir_put(st, "property", "li", "{}"), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&d, 0, sizeof(d));
	CHECK_RC(t, st->dir_foreach(st, NULL, dir_cb, &d), 0);
	CHECK_STR(t, d.text, "person/li{};person/zhang{\"name\":\"张敏\"};property/P1{};property/li{};");
	memset(&d, 0, sizeof(d));
	CHECK_RC(t, st->dir_foreach(st, "property", dir_cb, &d), 0);
	CHECK_STR(t, d.text, "property/P1{};property/li{};");
	memset(&d, 0, sizeof(d));
	CHECK_RC(t, st->dir_get(st, "person", "zhang", dir_cb, &d), 0);
	CHECK_STR(t, d.text, "person/zhang{\"name\":\"张敏\"};");
	CHECK_RC(t, st->dir_get(st, "person", "nobody", dir_cb, &d), HOTLINE_ENOT_FOUND);
	CHECK_RC(t, st->dir_get(st, "place", "zhang", dir_cb, &d), HOTLINE_ENOT_FOUND);
	CHECK_RC(t, st->dir_foreach(st, NULL, dir_stop, &stopped), 3);
	CHECK_I64(t, stopped, 1);
}

/*
 * Recording a calendar year (DESIGN §6.7) rewrites open cases' snapshots
 * at the same version (a new next due, no new event) and stores the year
 * as a directory record of kind "calendar", later lines under "year<US>seq".
 */
static void t_calendar_record(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	hotline_storage_case c = mk("C1", "P1", 0, 4, 500, 100);
	got g;
	dirs d;
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->commit(st), 0);
	c.next_due = 800;
	c.body = "{\"id\":\"C1\",\"provisional\":true}";
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 4), 0);
	CHECK_RC(t, st->dir_put(st, "calendar", "2027", "{\"year\":2027}"), 0);
	CHECK_RC(t, st->dir_put(st, "calendar", "2027\x1f" "42", "{\"year\":2027,\"holidays\":[]}"), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->case_get(st, "C1", collect, &g), 0);
	CHECK_I64(t, g.version, 4);
	CHECK_I64(t, g.next_due, 800);
	CHECK_STR(t, g.body, c.body);
	/* the sweep's order follows the new due */
	memset(&g, 0, sizeof(g));
	q.due_before = 600;
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 0);
	q.due_before = 900;
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 1);
	memset(&d, 0, sizeof(d));
	CHECK_RC(t, st->dir_foreach(st, "calendar", dir_cb, &d), 0);
	CHECK_STR(t, d.text, "calendar/2027{\"year\":2027};calendar/2027\x1f" "42{\"year\":2027,\"holidays\":[]};");
}

/* HOTLINE_STORAGE_CAP_KEYSET: keyset paging over cases in both orders. */
static void t_keyset(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	hotline_storage_case cs[5];
	got g;
	int i;
	if (!(st->capabilities & HOTLINE_STORAGE_CAP_KEYSET)) {
		t->skip = "no HOTLINE_STORAGE_CAP_KEYSET (optional ability)";
		return;
	}
	cs[0] = mk("E", "P1", 1, 1, 100, 500);
	cs[1] = mk("B", "P1", 2, 1, 100, 200);
	cs[2] = mk("C", "P2", 1, 1, HOTLINE_TIME_NONE, 300);
	cs[3] = mk("D", "P2", 1, 1, 200, 400);
	cs[4] = mk("A", "P1", 1, 1, 300, 100);
	CHECK_RC(t, st->begin(st, 1), 0);
	for (i = 0; i < 5; i++)
		CHECK_RC(t, st->case_put(st, &cs[i], 0), 0);
	for (i = 1; i <= 5; i++) {
		hotline_storage_event e = mkev("A", i);
		CHECK_RC(t, st->event_append(st, &e, NULL), 0);
	}
	CHECK_RC(t, st->commit(st), 0);
	/* id order: after "B", two at a time, with the other filters still applied */
	q.after_id = "B";
	q.limit = 2;
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 2);
	CHECK_STR(t, g.ids[0], "C");
	CHECK_STR(t, g.ids[1], "D");
	q.property = "P1";
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 1);
	CHECK_STR(t, g.ids[0], "E");
	/* due order (B 100, E 100, D 200, A 300): after (100, "B") comes E, then D */
	q = (hotline_storage_query)HOTLINE_STORAGE_QUERY_INIT;
	q.due_before = 1000;
	q.after_due = 100;
	q.after_id = "B";
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->cases_foreach(st, &q, collect, &g), 0);
	CHECK_I64(t, g.n, 3);
	CHECK_STR(t, g.ids[0], "E");
	CHECK_STR(t, g.ids[1], "D");
	CHECK_STR(t, g.ids[2], "A");
}

/* events_after (optional): pages of one stream's events. */
static void t_events_after(ct *t)
{
	hotline_storage *st = t->st;
	evs v;
	int i;
	if (!st->events_after) {
		t->skip = "no events_after callback (optional)";
		return;
	}
	CHECK_RC(t, st->begin(st, 1), 0);
	for (i = 1; i <= 5; i++) {
		hotline_storage_event e = mkev("A", i);
		CHECK_RC(t, st->event_append(st, &e, NULL), 0);
	}
	CHECK_RC(t, st->commit(st), 0);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_after(st, "A", 2, 2, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 2);
	CHECK_I64(t, v.stream_seqs[0], 3);
	CHECK_I64(t, v.stream_seqs[1], 4);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_after(st, "A", 3, 0, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 2);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_after(st, "nobody", 0, 0, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 0);
}

static void t_data_version(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	uint64_t a = 0, b = 1;
	if (!st->data_version) {
		t->skip = "no data_version callback (optional)";
		return;
	}
	CHECK_RC(t, st->data_version(st, &a), 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->data_version(st, &b), 0);
	CHECK(t, a == b);
}

static int open_peer(ct *t)
{
	if (!t->opts->reopen) {
		t->skip = "no reopen in the options (a store without a second handle)";
		return -1;
	}
	t->peer = t->opts->reopen(t->ctx);
	if (!t->peer) {
		failf(t, __LINE__, "opts->reopen returned NULL");
		return -1;
	}
	return 0;
}

/* Another handle on the same store sees commits, not open transactions. */
static void t_peer_visibility(ct *t)
{
	hotline_storage *st = t->st, *other;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	hotline_storage_event e = mkev("C1", 1);
	got g;
	int n = 0;
	if (open_peer(t) != 0)
		return;
	other = t->peer;
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->event_append(st, &e, NULL), 0);
	CHECK_RC(t, st->dir_put(st, "person", "zhang", "{}"), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, other->case_get(other, "C1", collect, &g), 0);
	CHECK_STR(t, g.body, CASE_BODY);
	CHECK_RC(t, other->events_foreach(other, "C1", count_events, &n), 0);
	CHECK_I64(t, n, 1);
	CHECK_RC(t, other->dir_get(other, "person", "zhang", dir_count, &n), 0);
	CHECK_I64(t, n, 2);
	/* a write on one handle conflicts with the other's stale expectation */
	c.version = 2;
	CHECK_RC(t, other->begin(other, 1), 0);
	CHECK_RC(t, other->case_put(other, &c, 1), 0);
	CHECK_RC(t, other->commit(other), 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 1), HOTLINE_ECONFLICT);
	CHECK_RC(t, st->rollback(st), 0);
	/* what one handle committed survives that handle's close */
	st->free(st);
	t->st = NULL;
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, other->case_get(other, "C1", collect, &g), 0);
	CHECK_I64(t, g.version, 2);
}

/* data_version changes when another handle commits. */
static void t_peer_data_version(ct *t)
{
	hotline_storage *st = t->st, *other;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	uint64_t a = 0, b = 0;
	if (!st->data_version) {
		t->skip = "no data_version callback (optional)";
		return;
	}
	if (open_peer(t) != 0)
		return;
	other = t->peer;
	CHECK_RC(t, st->data_version(st, &a), 0);
	CHECK_RC(t, other->begin(other, 1), 0);
	CHECK_RC(t, other->case_put(other, &c, 0), 0);
	CHECK_RC(t, other->commit(other), 0);
	CHECK_RC(t, st->data_version(st, &b), 0);
	CHECK(t, a != b);
}

/* wait_commit (optional): a peer's commit that appended wakes a waiting handle; nothing: a time-out. */
static void t_wait_commit(ct *t)
{
	hotline_storage *st = t->st, *other;
	hotline_storage_event e = mkev("W1", 1);
	int64_t seq;
	if (!st->wait_commit) {
		t->skip = "no wait_commit callback (optional)";
		return;
	}
	if (open_peer(t) != 0)
		return;
	other = t->peer;
	CHECK(t, st->wait_commit(st, 0) >= 0);   /* starts listening */
	CHECK_RC(t, st->wait_commit(st, 50), 0);
	CHECK_RC(t, other->begin(other, 1), 0);
	CHECK_RC(t, other->event_append(other, &e, &seq), 0);
	CHECK_RC(t, other->commit(other), 0);
	CHECK_RC(t, st->wait_commit(st, 5000), 1);
}

/* ---- abilities that two handles show: overlapping writers, case locks ---- */

#ifndef _WIN32
/* One call made on the peer handle from another thread, so that the test can see whether it waits. */
typedef struct waiter {
	hotline_storage *st;
	int write;              /* begin(st, write) */
	const char *case_id;    /* then case_get of it, when set */
	int rc;
	int64_t version;        /* of the case read */
	int done;
	pthread_mutex_t mu;
} waiter;

static int waiter_case(const hotline_storage_case *c, void *p)
{
	((waiter *)p)->version = c->version;
	return 0;
}

static void *waiter_run(void *p)
{
	waiter *w = p;
	int rc = w->st->begin(w->st, w->write);
	if (rc == 0 && w->case_id)
		rc = w->st->case_get(w->st, w->case_id, waiter_case, w);
	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->done = 1;
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int waiter_done(waiter *w)
{
	int d;
	pthread_mutex_lock(&w->mu);
	d = w->done;
	pthread_mutex_unlock(&w->mu);
	return d;
}
#endif

static void sleep_ms(unsigned int ms);

/*
 * HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS: two write transactions begun
 * with 1 run at once on two handles and both commit; one begun with
 * HOTLINE_STORAGE_BEGIN_ORG waits until the other write transaction ends.
 */
static void t_overlapping_writers(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_event a1 = mkev("A", 1), b1 = mkev("B", 1), o1 = mkev("", 1);
	int64_t sa = 0, sb = 0, head = -1;
	evs v;
	if (!(st->capabilities & HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS)) {
		t->skip = "no HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS (optional ability)";
		return;
	}
	if (open_peer(t) != 0)
		return;
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->event_append(st, &a1, &sa), 0);
	CHECK_RC(t, t->peer->begin(t->peer, 1), 0);
	CHECK_RC(t, t->peer->event_append(t->peer, &b1, &sb), 0);
	CHECK_RC(t, t->peer->commit(t->peer), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&v, 0, sizeof(v));
	CHECK_RC(t, st->events_since(st, 0, 0, collect_ev, &v), 0);
	CHECK_I64(t, v.n, 2);
	CHECK_RC(t, st->stable_seq(st, &head), 0);
	CHECK_I64(t, head, sa > sb ? sa : sb);
#ifdef _WIN32
	(void)o1;
#else
	{
		waiter w;
		pthread_t th;
		memset(&w, 0, sizeof(w));
		pthread_mutex_init(&w.mu, NULL);
		w.st = t->peer;
		w.write = HOTLINE_STORAGE_BEGIN_ORG;
		CHECK_RC(t, st->begin(st, 1), 0);
		CHECK(t, pthread_create(&th, NULL, waiter_run, &w) == 0);
		sleep_ms(300);
		if (waiter_done(&w)) {
			st->rollback(st);
			pthread_join(th, NULL);
			failf(t, __LINE__, "begin(peer, HOTLINE_STORAGE_BEGIN_ORG) returned %d while another write transaction was open: "
				"it must wait for it", w.rc);
			return;
		}
		CHECK_RC(t, st->commit(st), 0);
		pthread_join(th, NULL);
		pthread_mutex_destroy(&w.mu);
		CHECK_RC(t, w.rc, 0);
		CHECK_RC(t, t->peer->event_append(t->peer, &o1, NULL), 0);
		CHECK_RC(t, t->peer->commit(t->peer), 0);
	}
#endif
}

/*
 * HOTLINE_STORAGE_CAP_CASE_LOCKS: case_get inside a write transaction locks
 * the case; another handle's write transaction that reads it waits, and
 * then reads what the first one committed.
 */
static void t_case_locks(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	got g;
	if (!(st->capabilities & HOTLINE_STORAGE_CAP_CASE_LOCKS)) {
		t->skip = "no HOTLINE_STORAGE_CAP_CASE_LOCKS (optional ability)";
		return;
	}
#ifdef _WIN32
	(void)c, (void)g;
	t->skip = "the case lock test needs threads";
#else
	if (open_peer(t) != 0)
		return;
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->case_put(st, &c, 0), 0);
	CHECK_RC(t, st->commit(st), 0);
	{
		waiter w;
		pthread_t th;
		memset(&w, 0, sizeof(w));
		pthread_mutex_init(&w.mu, NULL);
		w.st = t->peer;
		w.write = 1;
		w.case_id = "C1";
		memset(&g, 0, sizeof(g));
		CHECK_RC(t, st->begin(st, 1), 0);
		CHECK_RC(t, st->case_get(st, "C1", collect, &g), 0);
		CHECK(t, pthread_create(&th, NULL, waiter_run, &w) == 0);
		sleep_ms(300);
		if (waiter_done(&w)) {
			st->rollback(st);
			pthread_join(th, NULL);
			failf(t, __LINE__, "the peer's case_get of a case locked by a write transaction returned %d at once: "
				"it must wait for the lock", w.rc);
			return;
		}
		c.version = 2;
		CHECK_RC(t, st->case_put(st, &c, 1), 0);
		CHECK_RC(t, st->commit(st), 0);
		pthread_join(th, NULL);
		pthread_mutex_destroy(&w.mu);
		CHECK_RC(t, w.rc, 0);
		CHECK_I64(t, w.version, 2);
		CHECK_RC(t, t->peer->rollback(t->peer), 0);
	}
#endif
}

/* ---- group claims: claims of due cases ---- */

static void sleep_ms(unsigned int ms)
{
#ifdef _WIN32
	Sleep(ms);
#else
	struct timespec ts;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
#endif
}

/* Four cases due at 100, 200, 300 and 400, one never due, one due after the claims' bound. */
static void put_due_cases(ct *t, hotline_storage *st)
{
	hotline_storage_case cs[6];
	int i;
	cs[0] = mk("D3", "P1", 1, 1, 300, 10);
	cs[1] = mk("D1", "P1", 1, 1, 100, 10);
	cs[2] = mk("N", "P1", 1, 1, HOTLINE_TIME_NONE, 10);
	cs[3] = mk("D4", "P2", 1, 1, 400, 10);
	cs[4] = mk("D2", "P2", 1, 1, 200, 10);
	cs[5] = mk("LATE", "P2", 1, 1, 5000, 10);
	CHECK_RC(t, st->begin(st, 1), 0);
	for (i = 0; i < 6; i++)
		CHECK_RC(t, st->case_put(st, &cs[i], 0), 0);
	CHECK_RC(t, st->commit(st), 0);
}

/* claim_due in one write transaction, as the library calls it. */
static int claim(hotline_storage *st, hotline_time before, size_t limit, int lease, const char *worker, got *g)
{
	int rc;
	memset(g, 0, sizeof(*g));
	if ((rc = st->begin(st, 1)) != 0)
		return rc;
	if ((rc = st->claims->claim_due(st, before, limit, lease, worker, collect, g)) != 0) {
		st->rollback(st);
		return rc;
	}
	return st->commit(st);
}

/* Skips a backend without claims, else stores the due cases the claim tests share; 0 when the test must stop. */
static int claims_ready(ct *t)
{
	if (!t->st->claims) {
		t->skip = "no claims group (optional)";
		return 0;
	}
	put_due_cases(t, t->st);
	return !t->failed;
}

/* Only due cases, in the sweep's order, at most `limit`; a leased case is not claimed again. */
static void t_claim_due(ct *t)
{
	hotline_storage *st = t->st;
	got g;
	if (!claims_ready(t))
		return;
	/* before 1000: D1..D4, never N (no deadline) nor LATE (due after the bound) */
	CHECK_RC(t, claim(st, 1000, 2, 60, "w1", &g), 0);
	CHECK_I64(t, g.n, 2);
	CHECK_STR(t, g.ids[0], "D1");
	CHECK_STR(t, g.ids[1], "D2");
	/* the next claim, by another worker, gets the rest: claims are disjoint */
	CHECK_RC(t, claim(st, 1000, 0, 60, "w2", &g), 0);
	CHECK_I64(t, g.n, 2);
	CHECK_STR(t, g.ids[0], "D3");
	CHECK_STR(t, g.ids[1], "D4");
	/* everything due is leased: nothing for anyone, the holder included */
	CHECK_RC(t, claim(st, 1000, 0, 60, "w1", &g), 0);
	CHECK_I64(t, g.n, 0);
	CHECK_RC(t, claim(st, 1000000, 0, 60, "w3", &g), 0);
	CHECK_I64(t, g.n, 1);
	CHECK_STR(t, g.ids[0], "LATE");
}

/* A rolled-back claim takes no lease; claims through another handle are disjoint too. */
static void t_claim_due_rollback(ct *t)
{
	hotline_storage *st = t->st;
	got g;
	if (!claims_ready(t))
		return;
	memset(&g, 0, sizeof(g));
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->claims->claim_due(st, 1000, 1, 60, "w1", collect, &g), 0);
	CHECK_I64(t, g.n, 1);
	CHECK_RC(t, st->rollback(st), 0);
	CHECK_RC(t, claim(st, 1000, 1, 60, "w1", &g), 0);
	CHECK_I64(t, g.n, 1);
	CHECK_STR(t, g.ids[0], "D1");
	/* the others, through a second handle when the store has one (as another process would) */
	if (t->opts->reopen && open_peer(t) != 0)
		return;
	CHECK_RC(t, claim(t->peer ? t->peer : st, 1000, 0, 60, "w2", &g), 0);
	CHECK_I64(t, g.n, 3);
	CHECK_STR(t, g.ids[0], "D2");
	CHECK_STR(t, g.ids[2], "D4");
	CHECK_RC(t, claim(st, 1000, 0, 60, "w1", &g), 0);
	CHECK_I64(t, g.n, 0);
}

/* A lease ends by the backend's clock: then the case comes back to a claim, also to its holder. */
static void t_claim_due_lease(ct *t)
{
	hotline_storage *st = t->st;
	got g;
	if (!claims_ready(t))
		return;
	/* D1, D2 for two seconds: time enough for the next claim on a loaded machine */
	CHECK_RC(t, claim(st, 250, 0, 2, "w1", &g), 0);
	CHECK_I64(t, g.n, 2);
	CHECK_RC(t, claim(st, 1000, 1, 3600, "w2", &g), 0); /* D3 for an hour */
	CHECK_I64(t, g.n, 1);
	CHECK_STR(t, g.ids[0], "D3");
	/* past the two-second lease (a backend keeping whole seconds needs three) */
	sleep_ms(3200);
	CHECK_RC(t, claim(st, 1000, 0, 60, "w1", &g), 0);
	CHECK_I64(t, g.n, 3);
	CHECK_STR(t, g.ids[0], "D1");
	CHECK_STR(t, g.ids[1], "D2");
	CHECK_STR(t, g.ids[2], "D4");
}

/* ---- group keys: settings, case keys, phone index ---- */

typedef struct kv {
	int n;
	char a[8][48], b[8][48], c[8][48];
} kv;

static int kv_value(const char *value, void *p)
{
	kv *k = p;
	if (k->n < 8)
		snprintf(k->a[k->n], sizeof(k->a[0]), "%s", value ? value : "(null)");
	k->n++;
	return 0;
}

static int kv_key(const char *case_id, const char *kek_id, const char *wrapped, void *p)
{
	kv *k = p;
	if (k->n < 8) {
		snprintf(k->a[k->n], sizeof(k->a[0]), "%s", case_id ? case_id : "(null)");
		snprintf(k->b[k->n], sizeof(k->b[0]), "%s", kek_id ? kek_id : "(null)");
		snprintf(k->c[k->n], sizeof(k->c[0]), "%s", wrapped ? wrapped : "(null)");
	}
	k->n++;
	return 0;
}

static int kv_key_stop(const char *case_id, const char *kek_id, const char *wrapped, void *p)
{
	kv_key(case_id, kek_id, wrapped, p);
	return 9;
}

static int kv_case(const char *case_id, void *p)
{
	return kv_value(case_id, p);
}

/* Skips a backend without the keys group (attach has checked that a group it has is whole). */
static int keys_present(ct *t)
{
	if (t->st->keys)
		return 1;
	t->skip = "no keys group (optional)";
	return 0;
}

/* Settings: absent, insert, replace, rolled back with their transaction, UTF-8 kept. */
static void t_settings(ct *t)
{
	hotline_storage *st = t->st;
	kv k;
	if (!keys_present(t))
		return;
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->setting_get(st, "mode", kv_value, &k), HOTLINE_ENOT_FOUND);
	CHECK_I64(t, k.n, 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->setting_put(st, "mode", "encrypted"), 0);
	CHECK_RC(t, st->keys->setting_put(st, "note", "王女士"), 0);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->keys->setting_get(st, "mode", kv_value, &k), 0);
	CHECK_I64(t, k.n, 1);
	CHECK_STR(t, k.a[0], "encrypted");
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->setting_get(st, "note", kv_value, &k), 0);
	CHECK_STR(t, k.a[0], "王女士");
	/* a second put replaces; a rolled-back put leaves the value as it was */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->setting_put(st, "mode", "unencrypted"), 0);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->setting_put(st, "mode", "other"), 0);
	CHECK_RC(t, st->keys->setting_put(st, "fresh", "x"), 0);
	CHECK_RC(t, st->rollback(st), 0);
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->setting_get(st, "mode", kv_value, &k), 0);
	CHECK_I64(t, k.n, 1);
	CHECK_STR(t, k.a[0], "unencrypted");
	CHECK_RC(t, st->keys->setting_get(st, "fresh", kv_value, &k), HOTLINE_ENOT_FOUND);
}

/* Case keys: put, get, replace, foreach by case id, forget, rollback. */
static void t_case_keys(ct *t)
{
	hotline_storage *st = t->st;
	kv k;
	if (!keys_present(t))
		return;
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->case_key_get(st, "C1", kv_key, &k), HOTLINE_ENOT_FOUND);
	CHECK_RC(t, st->keys->case_keys_foreach(st, kv_key, &k), 0);
	CHECK_I64(t, k.n, 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->case_key_put(st, "C2", "k1", "wrapped-2"), 0);
	CHECK_RC(t, st->keys->case_key_put(st, "C1", "k1", "wrapped-1"), 0);
	CHECK_RC(t, st->keys->case_key_put(st, "C3", "k1", "wrapped-3"), 0);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->keys->case_key_get(st, "C1", kv_key, &k), 0);
	CHECK_I64(t, k.n, 1);
	CHECK_STR(t, k.a[0], "C1");
	CHECK_STR(t, k.b[0], "k1");
	CHECK_STR(t, k.c[0], "wrapped-1");
	/* a second put replaces (key rotation re-wraps under another key) */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->case_key_put(st, "C1", "k2", "rewrapped-1"), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->case_keys_foreach(st, kv_key, &k), 0);
	CHECK_I64(t, k.n, 3);
	CHECK_STR(t, k.a[0], "C1");
	CHECK_STR(t, k.b[0], "k2");
	CHECK_STR(t, k.c[0], "rewrapped-1");
	CHECK_STR(t, k.a[1], "C2");
	CHECK_STR(t, k.a[2], "C3");
	/* a non-zero return stops the iteration and is returned */
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->case_keys_foreach(st, kv_key_stop, &k), 9);
	CHECK_I64(t, k.n, 1);
	/* forget deletes; forgetting what is not there is not an error; rollback restores */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->case_key_forget(st, "C2"), 0);
	CHECK_RC(t, st->keys->case_key_forget(st, "nobody"), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->case_key_get(st, "C2", kv_key, &k), HOTLINE_ENOT_FOUND);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->case_key_forget(st, "C3"), 0);
	CHECK_RC(t, st->keys->case_key_put(st, "C4", "k2", "wrapped-4"), 0);
	CHECK_RC(t, st->rollback(st), 0);
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->case_keys_foreach(st, kv_key, &k), 0);
	CHECK_I64(t, k.n, 2);
	CHECK_STR(t, k.a[0], "C1");
	CHECK_STR(t, k.a[1], "C3");
	CHECK_STR(t, k.c[1], "wrapped-3");
}

/* The phone index: one row per case, found by value in case-id order, erased by case_key_forget. */
static void t_phone_index(ct *t)
{
	hotline_storage *st = t->st;
	kv k;
	if (!keys_present(t))
		return;
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->phone_index_find(st, "v1", kv_case, &k), 0);
	CHECK_I64(t, k.n, 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->case_key_put(st, "C3", "k1", "w3"), 0);
	CHECK_RC(t, st->keys->phone_index_put(st, "C3", "v1"), 0);
	CHECK_RC(t, st->keys->phone_index_put(st, "C1", "v1"), 0);
	CHECK_RC(t, st->keys->phone_index_put(st, "C2", "v2"), 0);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->keys->phone_index_find(st, "v1", kv_case, &k), 0);
	CHECK_I64(t, k.n, 2);
	CHECK_STR(t, k.a[0], "C1");
	CHECK_STR(t, k.a[1], "C3");
	/* one row per case: a second put moves the case to its new value */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->phone_index_put(st, "C1", "v2"), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->phone_index_find(st, "v1", kv_case, &k), 0);
	CHECK_I64(t, k.n, 1);
	CHECK_STR(t, k.a[0], "C3");
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->phone_index_find(st, "v2", kv_case, &k), 0);
	CHECK_I64(t, k.n, 2);
	CHECK_STR(t, k.a[0], "C1");
	CHECK_STR(t, k.a[1], "C2");
	/* a rolled-back put leaves the index as it was */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->phone_index_put(st, "C9", "v1"), 0);
	CHECK_RC(t, st->rollback(st), 0);
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->phone_index_find(st, "v1", kv_case, &k), 0);
	CHECK_I64(t, k.n, 1);
	/* forgetting a case erases its index row with its key */
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->keys->case_key_forget(st, "C3"), 0);
	CHECK_RC(t, st->commit(st), 0);
	memset(&k, 0, sizeof(k));
	CHECK_RC(t, st->keys->phone_index_find(st, "v1", kv_case, &k), 0);
	CHECK_I64(t, k.n, 0);
	CHECK_RC(t, st->keys->case_key_get(st, "C3", kv_key, &k), HOTLINE_ENOT_FOUND);
}

/* ---- HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS: the stable head ---- */

/* stable_seq: the highest committed seq; inside its own write transaction, its events count and it does not wait for itself. */
static void t_stable_seq(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_event e1 = mkev("C1", 1), e2 = mkev("C1", 2);
	int64_t s1 = 0, s2 = 0, head = -1;
	if (!(st->capabilities & HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS)) {
		t->skip = "no HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS (optional ability)";
		return;
	}
	CHECK_RC(t, st->stable_seq(st, &head), 0);
	CHECK_I64(t, head, 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->event_append(st, &e1, &s1), 0);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->stable_seq(st, &head), 0);
	CHECK_I64(t, head, s1);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->event_append(st, &e2, &s2), 0);
	CHECK_RC(t, st->stable_seq(st, &head), 0);
	CHECK_I64(t, head, s2);
	CHECK_RC(t, st->rollback(st), 0);
	CHECK_RC(t, st->stable_seq(st, &head), 0);
	CHECK_I64(t, head, s1);
}

/* ---- begin() told what a write transaction appends to ---- */

/* begin(HOTLINE_STORAGE_BEGIN_ORG) is a write transaction; one begun with 1 reads the organisation stream it wrote. */
static void t_begin_org(ct *t)
{
	hotline_storage *st = t->st;
	hotline_storage_event o1 = mkev("", 1), o2 = mkev("", 2), c1 = mkev("C1", 1);
	int64_t seq = 0, head = -1;
	char hash[65];
	CHECK_RC(t, st->begin(st, HOTLINE_STORAGE_BEGIN_ORG), 0);
	CHECK_RC(t, st->stream_head(st, "", &head, hash), 0);
	CHECK_I64(t, head, 0);
	CHECK_RC(t, st->event_append(st, &o1, &seq), 0);
	CHECK_RC(t, st->dir_put(st, "person", "zhang", "{}"), 0);
	CHECK_RC(t, st->begin(st, 1), HOTLINE_ESTORAGE);
	CHECK_RC(t, st->commit(st), 0);
	CHECK_RC(t, st->begin(st, 1), 0);
	CHECK_RC(t, st->stream_head(st, "", &head, hash), 0);
	CHECK_I64(t, head, 1);
	CHECK_STR(t, hash, "hh");
	CHECK_RC(t, st->event_append(st, &c1, NULL), 0);
	CHECK_RC(t, st->commit(st), 0);
	/* rolled back as any write transaction */
	CHECK_RC(t, st->begin(st, HOTLINE_STORAGE_BEGIN_ORG), 0);
	CHECK_RC(t, st->event_append(st, &o2, NULL), 0);
	CHECK_RC(t, st->rollback(st), 0);
	CHECK_RC(t, st->stream_head(st, "", &head, hash), 0);
	CHECK_I64(t, head, 1);
	if (st->capabilities & HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS) {
		/* the library's batches begin so, and may read the stable head inside */
		CHECK_RC(t, st->begin(st, HOTLINE_STORAGE_BEGIN_ORG), 0);
		CHECK_RC(t, st->event_append(st, &o2, &seq), 0);
		CHECK_RC(t, st->stable_seq(st, &head), 0);
		CHECK_I64(t, head, seq);
		CHECK_RC(t, st->rollback(st), 0);
	}
}

static const struct {
	const char *name;
	void (*fn)(ct *t);
} cases[] = {
	{ "struct", t_struct },
	{ "empty", t_empty },
	{ "cases", t_cases },
	{ "read_own_writes", t_read_own_writes },
	{ "rollback", t_rollback },
	{ "events", t_events },
	{ "events_since", t_events_since },
	{ "event_ids", t_event_ids },
	{ "queries", t_queries },
	{ "directory", t_directory },
	{ "keyset", t_keyset },
	{ "events_after", t_events_after },
	{ "data_version", t_data_version },
	{ "peer_visibility", t_peer_visibility },
	{ "peer_data_version", t_peer_data_version },
	{ "wait_commit", t_wait_commit },
	{ "claim_due", t_claim_due },
	{ "claim_due_rollback", t_claim_due_rollback },
	{ "claim_due_lease", t_claim_due_lease },
	{ "settings", t_settings },
	{ "case_keys", t_case_keys },
	{ "phone_index", t_phone_index },
	{ "stable_seq", t_stable_seq },
	{ "begin_org", t_begin_org },
	{ "overlapping_writers", t_overlapping_writers },
	{ "case_locks", t_case_locks },
	{ "calendar_record", t_calendar_record },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ---- runner ---- */

int hotline_conformance_options_init(hotline_conformance_options *opts, unsigned int version)
{
	hotline_conformance_options init = HOTLINE_CONFORMANCE_OPTIONS_INIT;
	if (!opts || version != HOTLINE_CONFORMANCE_OPTIONS_VERSION)
		return HOTLINE_EINVALID;
	*opts = init;
	return 0;
}

int hotline_conformance_run(hotline_conformance_make_fn make, void *ctx, const hotline_conformance_options *opts)
{
	hotline_conformance_options defaults = HOTLINE_CONFORMANCE_OPTIONS_INIT;
	const char *name;
	size_t i, planned = 0, n = 0;
	int failed = 0, skipped = 0;
	if (!opts)
		opts = &defaults;
	if (!make || opts->version != HOTLINE_CONFORMANCE_OPTIONS_VERSION)
		return HOTLINE_EINVALID;
	name = opts->name ? opts->name : "backend";
	for (i = 0; i < N_CASES; i++)
		if (!opts->filter || strstr(cases[i].name, opts->filter))
			planned++;
	printf("# storage conformance: %s\n1..%zu\n", name, planned);
	for (i = 0; i < N_CASES; i++) {
		ct t;
		if (opts->filter && !strstr(cases[i].name, opts->filter))
			continue;
		n++;
		memset(&t, 0, sizeof(t));
		t.make = make;
		t.ctx = ctx;
		t.opts = opts;
		t.st = make(ctx);
		if (!t.st)
			failf(&t, __LINE__, "the factory returned NULL");
		else if (!t.st->free)
			failf(&t, __LINE__, "the backend has no free callback");
		else if (cases[i].fn != t_struct && hotline_storage_check(t.st) != 0)
			t.skip = "refused at attach (see the struct case)";
		else
			cases[i].fn(&t);
		/* free also rolls back what a failed check left open */
		if (t.peer)
			t.peer->free(t.peer);
		if (t.st && t.st->free)
			t.st->free(t.st);
		if (opts->cleanup)
			opts->cleanup(ctx);
		if (t.failed) {
			failed++;
			printf("not ok %zu - %s\n#   %s\n", n, cases[i].name, t.msg);
		} else if (t.skip) {
			skipped++;
			if (!opts->quiet)
				printf("ok %zu - %s # SKIP %s\n", n, cases[i].name, t.skip);
		} else if (!opts->quiet) {
			printf("ok %zu - %s\n", n, cases[i].name);
		}
		fflush(stdout);
	}
	printf("# %s: %zu passed, %d failed, %d skipped\n", name, n - (size_t)failed - (size_t)skipped, failed,
		skipped);
	fflush(stdout);
	return failed;
}
