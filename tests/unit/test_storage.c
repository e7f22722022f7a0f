/*
 * The storage conformance suite: every test runs against every built-in
 * backend through include/hotline/sys/storage.h alone. A vendor's backend
 * can be added to `backends` below and must pass the same tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <hotline/sys/storage.h>

typedef struct fx {
	hotline_storage *st;
	char dir[256], path[300];
	int sqlite;
} fx;

static int open_backend(fx *f)
{
	if (!f->sqlite)
		return hotline_storage_memory_new(&f->st);
	return hotline_storage_sqlite_new(&f->st, f->path, NULL);
}

static int setup(void **state, int sqlite)
{
	fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	f->sqlite = sqlite;
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-st-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/s.db", f->dir);
	if (open_backend(f) != 0)
		return -1;
	*state = f;
	return 0;
}

static int setup_memory(void **state) { return setup(state, 0); }
static int setup_sqlite(void **state) { return setup(state, 1); }

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[400];
	if (f->st)
		f->st->free(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

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
	c.body = "{\"owner\":\"王女士\"}";
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
	e.body = "{\"text\":\"已安排\"}";
	e.prev_hash = seq > 1 ? "p" : "";
	e.hash = "hh";
	return e;
}

typedef struct got {
	int n;
	char ids[16][32];
	int64_t version;
	char body[128];
	char property[32];
	hotline_time registered_at;
} got;

static int collect(const hotline_storage_case *c, void *p)
{
	got *g = p;
	if (g->n < 16)
		snprintf(g->ids[g->n], 32, "%s", c->id);
	snprintf(g->property, sizeof(g->property), "%s", c->property);
	g->registered_at = c->registered_at;
	g->n++;
	g->version = c->version;
	snprintf(g->body, sizeof(g->body), "%s", c->body);
	return 0;
}

static int count_events(const hotline_storage_event *e, void *p)
{
	(void)e;
	(*(int *)p)++;
	return 0;
}

static void test_init(void **state)
{
	hotline_storage s;
	hotline_sqlite_options o;
	(void)state;
	assert_int_equal(hotline_storage_init(&s, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_init(&s, HOTLINE_STORAGE_VERSION + 1), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_init(NULL, 1), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_init(&s, HOTLINE_STORAGE_VERSION), 0);
	assert_int_equal(s.version, HOTLINE_STORAGE_VERSION);
	assert_null(s.begin);
	assert_int_equal(hotline_sqlite_options_init(&o, 1), 0);
	assert_int_equal(o.busy_timeout_ms, 5000);
	assert_int_equal(hotline_sqlite_options_init(&o, 9), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_memory_new(NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_sqlite_new(NULL, "x", NULL), HOTLINE_EINVALID);
}

static void test_cases(void **state)
{
	fx *f = *state;
	hotline_storage *st = f->st;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	got g;
	assert_int_equal(st->begin(st, 1), 0);
	assert_int_equal(st->case_put(st, &c, 0), 0);
	assert_int_equal(st->case_put(st, &c, 0), HOTLINE_EDUPLICATE);
	c.version = 2;
	assert_int_equal(st->case_put(st, &c, 1), 0);
	assert_int_equal(st->case_put(st, &c, 1), HOTLINE_ECONFLICT);
	c.id = "nope";
	assert_int_equal(st->case_put(st, &c, 1), HOTLINE_ENOT_FOUND);
	assert_int_equal(st->commit(st), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->case_get(st, "C1", collect, &g), 0);
	assert_int_equal(g.version, 2);
	assert_string_equal(g.body, "{\"owner\":\"王女士\"}");
	assert_int_equal(st->case_get(st, "C9", collect, &g), HOTLINE_ENOT_FOUND);
	/* every field is written, also those that usually stay the same */
	c.id = "C1";
	c.property = "P2";
	c.registered_at += 60;
	c.version = 3;
	assert_int_equal(st->begin(st, 1), 0);
	assert_int_equal(st->case_put(st, &c, 1), HOTLINE_ECONFLICT);
	assert_int_equal(st->case_put(st, &c, 2), 0);
	assert_int_equal(st->commit(st), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->case_get(st, "C1", collect, &g), 0);
	assert_int_equal(g.version, 3);
	assert_string_equal(g.property, "P2");
	assert_int_equal(g.registered_at, c.registered_at);
}

static void test_rollback(void **state)
{
	fx *f = *state;
	hotline_storage *st = f->st;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	hotline_storage_event e = mkev("C1", 1);
	got g;
	int n = 0;
	int64_t seq;
	char hash[65];
	assert_int_equal(st->begin(st, 1), 0);
	assert_int_equal(st->case_put(st, &c, 0), 0);
	assert_int_equal(st->commit(st), 0);
	assert_int_equal(st->begin(st, 1), 0);
	c.version = 2;
	c.state = 5;
	assert_int_equal(st->case_put(st, &c, 1), 0);
	assert_int_equal(st->event_append(st, &e, &seq), 0);
	assert_int_equal(st->dir_put(st, "person", "zhang", "{}"), 0);
	c = mk("C2", "P1", 0, 1, 500, 100);
	assert_int_equal(st->case_put(st, &c, 0), 0);
	assert_int_equal(st->rollback(st), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->case_get(st, "C1", collect, &g), 0);
	assert_int_equal(g.version, 1);
	assert_int_equal(st->case_get(st, "C2", collect, &g), HOTLINE_ENOT_FOUND);
	assert_int_equal(st->events_foreach(st, NULL, count_events, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st->stream_head(st, "C1", &seq, hash), 0);
	assert_int_equal(seq, 0);
	assert_int_equal(st->dir_get(st, "person", "zhang", NULL, NULL), HOTLINE_ENOT_FOUND);
	/* a second begin while one is open is refused */
	assert_int_equal(st->begin(st, 1), 0);
	assert_int_not_equal(st->begin(st, 1), 0);
	assert_int_equal(st->rollback(st), 0);
}

typedef struct evs { int n; int64_t seqs[8]; char streams[8][8]; } evs;
static int collect_ev(const hotline_storage_event *e, void *p)
{
	evs *v = p;
	if (v->n < 8) {
		v->seqs[v->n] = e->stream_seq;
		snprintf(v->streams[v->n], 8, "%s", e->stream);
	}
	v->n++;
	return strcmp(e->body, "{\"text\":\"已安排\"}") == 0 ? 0 : -99;
}

static void test_events(void **state)
{
	fx *f = *state;
	hotline_storage *st = f->st;
	hotline_storage_event a1 = mkev("A", 1), b1 = mkev("B", 1), a2 = mkev("A", 2);
	int64_t s1, s2, s3, head;
	char hash[65];
	evs v;
	assert_int_equal(st->begin(st, 1), 0);
	assert_int_equal(st->event_append(st, &a1, &s1), 0);
	assert_int_equal(st->event_append(st, &b1, &s2), 0);
	assert_int_equal(st->event_append(st, &a2, &s3), 0);
	assert_int_equal(st->event_append(st, &a2, NULL), HOTLINE_EDUPLICATE);
	assert_int_equal(st->commit(st), 0);
	assert_true(s1 < s2 && s2 < s3);
	memset(&v, 0, sizeof(v));
	assert_int_equal(st->events_foreach(st, "A", collect_ev, &v), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.seqs[1], 2);
	memset(&v, 0, sizeof(v));
	assert_int_equal(st->events_foreach(st, NULL, collect_ev, &v), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.streams[1], "B");
	assert_int_equal(st->stream_head(st, "A", &head, hash), 0);
	assert_int_equal(head, 2);
	assert_string_equal(hash, "hh");
	assert_int_equal(st->stream_head(st, "Z", &head, hash), 0);
	assert_int_equal(head, 0);
	assert_string_equal(hash, "");
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

static void test_queries(void **state)
{
	fx *f = *state;
	hotline_storage *st = f->st;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	hotline_storage_case cs[5] = {
		mk("A", "P1", 1, 1, 300, 100), mk("B", "P1", 2, 1, 100, 200), mk("C", "P2", 1, 1, HOTLINE_TIME_NONE, 300),
		mk("D", "P2", 1, 1, 200, 400), mk("E", "P1", 1, 1, 100, 500)
	};
	hotline_storage_event e = mkev("A", 1);
	got g;
	nested n;
	int i, stopped = 0;
	assert_int_equal(st->begin(st, 1), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(st->case_put(st, &cs[i], 0), 0);
	assert_int_equal(st->event_append(st, &e, NULL), 0);
	assert_int_equal(st->commit(st), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->cases_foreach(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 5);
	assert_string_equal(g.ids[0], "A");
	q.property = "P1";
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->cases_foreach(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 3);
	q.state = 1;
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->cases_foreach(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 2);
	/* due: ordered by next_due then id, NONE excluded */
	q = (hotline_storage_query)HOTLINE_STORAGE_QUERY_INIT;
	q.due_before = 301;
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->cases_foreach(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.ids[0], "B");
	assert_string_equal(g.ids[1], "E");
	assert_string_equal(g.ids[2], "D");
	assert_string_equal(g.ids[3], "A");
	q.limit = 2;
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->cases_foreach(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 2);
	/* registered range [200, 400) */
	q = (hotline_storage_query)HOTLINE_STORAGE_QUERY_INIT;
	q.registered_from = 200;
	q.registered_to = 400;
	memset(&g, 0, sizeof(g));
	assert_int_equal(st->cases_foreach(st, &q, collect, &g), 0);
	assert_int_equal(g.n, 2);
	/* a callback's non-zero return stops and is returned */
	q = (hotline_storage_query)HOTLINE_STORAGE_QUERY_INIT;
	assert_int_equal(st->cases_foreach(st, &q, stop_after_one, &stopped), 7);
	assert_int_equal(stopped, 1);
	/* nested iteration: events of each case from inside the case loop */
	n.st = st;
	n.events = 0;
	assert_int_equal(st->cases_foreach(st, &q, nested_cb, &n), 0);
	assert_int_equal(n.events, 1);
}

static int dir_cb(const char *kind, const char *id, const char *body, void *p)
{
	char *out = p;
	strcat(out, kind);
	strcat(out, "/");
	strcat(out, id);
	strcat(out, body);
	strcat(out, ";");
	return 0;
}

static void test_directory(void **state)
{
	fx *f = *state;
	hotline_storage *st = f->st;
	char out[256] = "";
	assert_int_equal(st->begin(st, 1), 0);
	assert_int_equal(st->dir_put(st, "person", "zhang", "{\"name\":\"张敏\"}"), 0);
	assert_int_equal(st->dir_put(st, "person", "li", "{}"), 0);
	assert_int_equal(st->dir_put(st, "property", "P1", "{}"), 0);
	assert_int_equal(st->dir_put(st, "person", "li", "{}"), HOTLINE_EDUPLICATE);
	assert_int_equal(st->commit(st), 0);
	assert_int_equal(st->dir_foreach(st, NULL, dir_cb, out), 0);
	assert_string_equal(out, "person/li{};person/zhang{\"name\":\"张敏\"};property/P1{};");
	out[0] = '\0';
	assert_int_equal(st->dir_foreach(st, "property", dir_cb, out), 0);
	assert_string_equal(out, "property/P1{};");
	out[0] = '\0';
	assert_int_equal(st->dir_get(st, "person", "zhang", dir_cb, out), 0);
	assert_string_equal(out, "person/zhang{\"name\":\"张敏\"};");
	assert_int_equal(st->dir_get(st, "person", "nobody", dir_cb, out), HOTLINE_ENOT_FOUND);
}

/* ---- SQLite specifics ---- */

static int sql_int(const char *path, const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	int v = -1;
	sqlite3_open(path, &s);
	if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return v;
}

static char plan[2048];
static void explain(const char *path, const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	char q[600];
	plan[0] = '\0';
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_open(path, &s);
	if (sqlite3_prepare_v2(s, q, -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2), strcat(plan, "|");
	sqlite3_finalize(st);
	sqlite3_close(s);
}

static void test_sqlite_schema(void **state)
{
	fx *f = *state;
	hotline_storage *other = NULL;
	hotline_sqlite_options o = HOTLINE_SQLITE_OPTIONS_INIT;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	hotline_storage_event e = mkev("C1", 1);
	got g;
	assert_int_equal(f->st->begin(f->st, 1), 0);
	assert_int_equal(f->st->case_put(f->st, &c, 0), 0);
	assert_int_equal(f->st->event_append(f->st, &e, NULL), 0);
	assert_int_equal(f->st->commit(f->st), 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 1);
	assert_int_equal(sql_int(f->path, "PRAGMA application_id"), 0x484C494E);
	/* the log is append-only at the SQL level */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name='events'"), 2);
	/* the sweep and the assessment queries use their indexes */
	explain(f->path, "SELECT id FROM cases WHERE 1 AND next_due IS NOT NULL AND next_due < 5 ORDER BY next_due, id LIMIT 100");
	assert_non_null(strstr(plan, "cases_next_due"));
	assert_null(strstr(plan, "SCAN cases|"));
	explain(f->path, "SELECT id FROM cases WHERE 1 AND property = 'P1' AND registered_at >= 1 AND registered_at < 9 ORDER BY id");
	assert_non_null(strstr(plan, "cases_property_registered"));
	/* survives close and reopen */
	f->st->free(f->st);
	f->st = NULL;
	assert_int_equal(hotline_storage_sqlite_new(&f->st, f->path, NULL), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(f->st->case_get(f->st, "C1", collect, &g), 0);
	/* busy: a second handle cannot take the write lock while the first holds it */
	o.busy_timeout_ms = 100;
	o.synchronous = 2;
	assert_int_equal(hotline_storage_sqlite_new(&other, f->path, &o), 0);
	assert_int_equal(f->st->begin(f->st, 1), 0);
	assert_int_equal(other->begin(other, 1), HOTLINE_ESTORAGE);
	assert_non_null(strstr(other->errmsg(other), "busy"));
	assert_int_equal(f->st->rollback(f->st), 0);
	other->free(other);
	/* a newer schema or another application's file is refused */
	f->st->free(f->st);
	f->st = NULL;
	sql_int(f->path, "PRAGMA user_version = 99");
	assert_int_equal(hotline_storage_sqlite_new(&f->st, f->path, NULL), HOTLINE_ESTORAGE);
	sql_int(f->path, "PRAGMA user_version = 1");
	sql_int(f->path, "PRAGMA application_id = 12345");
	assert_int_equal(hotline_storage_sqlite_new(&f->st, f->path, NULL), HOTLINE_ESTORAGE);
	assert_null(f->st);
}

/* data_version (v2): changes when another connection commits, not on the handle's own commits. */
static void test_data_version(void **state)
{
	fx *f = *state;
	hotline_storage *other = NULL;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	uint64_t a, b;
	assert_true(f->st->version >= 2);
	assert_non_null(f->st->data_version);
	assert_int_equal(f->st->data_version(f->st, &a), 0);
	assert_int_equal(f->st->begin(f->st, 1), 0);
	assert_int_equal(f->st->case_put(f->st, &c, 0), 0);
	assert_int_equal(f->st->commit(f->st), 0);
	assert_int_equal(f->st->data_version(f->st, &b), 0);
	assert_true(a == b); /* its own commit */
	if (!f->sqlite)
		return; /* an in-memory store has no other writer */
	assert_int_equal(hotline_storage_sqlite_new(&other, f->path, NULL), 0);
	c.version = 2;
	assert_int_equal(other->begin(other, 1), 0);
	assert_int_equal(other->case_put(other, &c, 1), 0);
	assert_int_equal(other->commit(other), 0);
	assert_int_equal(f->st->data_version(f->st, &a), 0);
	assert_true(a != b); /* another connection committed */
	other->free(other);
}

int main(void)
{
#define BOTH(t) cmocka_unit_test_setup_teardown(t, setup_memory, teardown), \
	cmocka_unit_test_setup_teardown(t, setup_sqlite, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		BOTH(test_cases),
		BOTH(test_rollback),
		BOTH(test_events),
		BOTH(test_queries),
		BOTH(test_directory),
		cmocka_unit_test_setup_teardown(test_sqlite_schema, setup_sqlite, teardown),
		BOTH(test_data_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
