/*
 * The database handle on both built-in backends: event log and hash chain
 * (with tampering), snapshots, optimistic concurrency, queries, sweeps,
 * the command builder, persistence, threads, and bad input on every public
 * function.
 */
#include "csv_reference.h"
#include "core_fixture.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>
#include <hotline/sys/storage.h>

typedef struct fixture {
	hotline_db *db;
	char dir[256];
	char uri[300];
	int sqlite;
} fixture;

static int open_fixture(void **state, int sqlite)
{
	fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	f->sqlite = sqlite;
	if (sqlite) {
		snprintf(f->dir, sizeof(f->dir), "%s/hotline-db-XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(f->dir))
			return -1;
		snprintf(f->uri, sizeof(f->uri), "sqlite:%s/test.db", f->dir);
	} else {
		snprintf(f->uri, sizeof(f->uri), "memory:");
	}
	if (fixture_open(&f->db, f->uri, NULL) != 0)
		return -1;
	fixture_load(f->db);
	*state = f;
	return 0;
}

static int setup_memory(void **state) { return open_fixture(state, 0); }
static int setup_sqlite(void **state) { return open_fixture(state, 1); }

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[600];
	hotline_db_close(f->db);
	if (f->sqlite) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
		if (system(cmd) != 0)
			return -1;
	}
	free(f);
	return 0;
}

static void full_case(hotline_db *db, const char *id)
{
	static const char *const lines[] = {
		"{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
		"{\"cmd\":\"dispatch\",\"case\":\"%s\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}",
		"{\"cmd\":\"decide_measures\",\"case\":\"%s\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"li\",\"measures\":\"更换灯具\",\"department_head\":\"wu\"}",
		"{\"cmd\":\"onsite_visit\",\"case\":\"%s\",\"at\":\"2026-11-02T15:00:00+08:00\",\"actor\":\"wu\"}",
		"{\"cmd\":\"submit_visit_form\",\"case\":\"%s\",\"at\":\"2026-11-02T16:00:00+08:00\",\"actor\":\"li\"}",
		"{\"cmd\":\"complete\",\"case\":\"%s\",\"at\":\"2026-11-02T17:00:00+08:00\",\"actor\":\"li\"}",
		"{\"cmd\":\"followup\",\"case\":\"%s\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"li\",\"satisfied\":true}",
		"{\"cmd\":\"supervisor_check\",\"case\":\"%s\",\"at\":\"2026-11-03T11:00:00+08:00\",\"actor\":\"zhao\"}",
		"{\"cmd\":\"verify\",\"case\":\"%s\",\"at\":\"2026-11-03T14:00:00+08:00\",\"actor\":\"zhang\",\"outcome\":\"confirmed\"}",
		"{\"cmd\":\"close\",\"case\":\"%s\",\"at\":\"2026-11-04T10:00:00+08:00\",\"actor\":\"gm\"}",
		NULL
	};
	const char *const *l;
	for (l = lines; *l; l++)
		if (exec_fmt(db, *l, id, id) != 0)
			fail_msg("%s: %s", *l, hotline_db_errmsg(db));
}

static void test_history_and_chain(void **state)
{
	fixture *f = *state;
	hotline_event_list *l;
	hotline_case *c;
	int64_t n = 0;
	size_t i;
	full_case(f->db, "C1");
	assert_int_equal(hotline_db_case(&c, f->db, "C1"), 0);
	assert_int_equal(hotline_case_state(c), HOTLINE_STATE_CLOSED);
	assert_int_equal(hotline_case_version(c), 10);
	assert_string_equal(hotline_case_field(c, "owner"), "王女士");
	assert_string_equal(hotline_case_field(c, "matter"), "楼道灯不亮");
	assert_string_equal(hotline_case_property(c), "P1");
	assert_null(hotline_case_field(c, "nope"));
	assert_int_equal(hotline_case_next_due(c), HOTLINE_TIME_NONE); /* closed: nothing pending */
	hotline_case_free(c);

	assert_int_equal(hotline_db_history(&l, f->db, "C1"), 0);
	assert_int_equal(hotline_event_list_count(l), 10);
	for (i = 0; i < 10; i++) {
		const hotline_event *e = hotline_event_list_get(l, i);
		assert_int_equal(hotline_event_version(e), (int64_t)i + 1);
		assert_string_equal(hotline_event_case(e), "C1");
		assert_int_equal(strlen(hotline_event_hash(e)), 64);
		if (i == 0)
			assert_string_equal(hotline_event_prev_hash(e), "");
		else
			assert_string_equal(hotline_event_prev_hash(e), hotline_event_hash(hotline_event_list_get(l, i - 1)));
	}
	assert_int_equal(hotline_event_command(hotline_event_list_get(l, 0)), HOTLINE_CMD_REGISTER);
	assert_int_equal(hotline_event_command(hotline_event_list_get(l, 9)), HOTLINE_CMD_CLOSE);
	assert_string_equal(hotline_event_actor(hotline_event_list_get(l, 9)), "gm");
	assert_non_null(strstr(hotline_event_json(hotline_event_list_get(l, 0)), "楼道灯不亮"));
	assert_null(hotline_event_list_get(l, 10));
	hotline_event_list_free(l);

	assert_int_equal(hotline_db_verify_log(f->db, "C1", &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, &n), 0);
	assert_int_equal(n, 10 + 11); /* plus the directory's organisation stream */
	assert_int_equal(hotline_db_verify_log(f->db, "nope", NULL), HOTLINE_ENOT_FOUND);
	/* the organisation stream holds the directory */
	assert_int_equal(event_count(f->db, NULL), 11);
	assert_int_equal(hotline_db_history(&l, f->db, "nope"), HOTLINE_ENOT_FOUND);
}

static int exec_sql(const char *path, const char *sql)
{
	sqlite3 *s;
	int rc;
	char *err = NULL;
	if (sqlite3_open(path, &s) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(s, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "sql: %s\n", err ? err : "?");
	sqlite3_free(err);
	sqlite3_close(s);
	return rc;
}

static int drop_triggers(const char *path)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	char names[8][128];
	int n = 0, i;
	if (sqlite3_open(path, &s) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(s, "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='events'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW && n < 8)
		snprintf(names[n++], sizeof(names[0]), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	for (i = 0; i < n; i++) {
		char sql[200];
		snprintf(sql, sizeof(sql), "DROP TRIGGER \"%s\"", names[i]);
		sqlite3_exec(s, sql, NULL, NULL, NULL);
	}
	sqlite3_close(s);
	return n;
}

/* A tampered event is detected and named; so is a deleted one. */
static void test_tamper_detected(void **state)
{
	fixture *f = *state;
	char path[320];
	full_case(f->db, "C1");
	full_case(f->db, "C2");
	hotline_db_close(f->db);
	f->db = NULL;
	snprintf(path, sizeof(path), "%s/test.db", f->dir);
	/* the log is append-only at the SQL level too */
	assert_int_not_equal(exec_sql(path, "UPDATE events SET body = replace(body, '更换灯具', '无') WHERE stream='C1'"), SQLITE_OK);
	assert_true(drop_triggers(path) >= 1);
	assert_int_equal(exec_sql(path, "UPDATE events SET body = replace(body, '更换灯具', '无') WHERE stream='C1' AND stream_seq=3"), SQLITE_OK);
	assert_int_equal(fixture_open(&f->db, f->uri, NULL), 0);
	assert_int_equal(hotline_db_verify_log(f->db, "C2", NULL), 0);
	assert_int_equal(hotline_db_verify_log(f->db, "C1", NULL), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "C1"));
	assert_non_null(strstr(hotline_db_errmsg(f->db), "event 3"));
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), HOTLINE_ECORRUPT);
	hotline_db_close(f->db);
	f->db = NULL;
	/* deleting the last event of C2 leaves the snapshot ahead of the log */
	assert_int_equal(exec_sql(path, "DELETE FROM events WHERE stream='C2' AND stream_seq=10"), SQLITE_OK);
	assert_int_equal(fixture_open(&f->db, f->uri, NULL), 0);
	assert_int_equal(hotline_db_verify_log(f->db, "C2", NULL), HOTLINE_ECORRUPT);
	hotline_db_close(f->db);
	f->db = NULL;
	/* deleting one in the middle breaks the chain */
	assert_int_equal(exec_sql(path, "DELETE FROM events WHERE stream='C2' AND stream_seq=4"), SQLITE_OK);
	assert_int_equal(fixture_open(&f->db, f->uri, NULL), 0);
	assert_int_equal(hotline_db_verify_log(f->db, "C2", NULL), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "missing"));
}

static void test_version_conflict(void **state)
{
	fixture *f = *state;
	hotline_command *cmd;
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"V1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"expect_version\":0}"), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"V1\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\",\"expect_version\":2}"), HOTLINE_ECONFLICT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "version 1"));
	assert_int_equal(event_count(f->db, "V1"), 1);
	assert_int_equal(hotline_command_new(&cmd, HOTLINE_CMD_DISPATCH, "V1", "zhang", 1793664000 /* 2026-11-03T00:00Z */), 0);
	assert_int_equal(hotline_command_expect_version(cmd, 1), 0);
	assert_int_equal(hotline_db_execute(f->db, cmd, NULL, NULL), 0);
	hotline_command_free(cmd);
	/* a reply expecting version 2 goes through once; sent again, the case has moved on */
	assert_int_equal(hotline_command_new(&cmd, HOTLINE_CMD_REPLY, "V1", "zhang", 1793664000 + 60), 0);
	assert_int_equal(hotline_command_set_string(cmd, "text", "已派单"), 0);
	assert_int_equal(hotline_command_expect_version(cmd, 2), 0);
	assert_int_equal(hotline_db_execute(f->db, cmd, NULL, NULL), 0);
	assert_int_equal(hotline_db_execute(f->db, cmd, NULL, NULL), HOTLINE_ECONFLICT);
	assert_int_equal(event_count(f->db, "V1"), 3);
	hotline_command_free(cmd);
	assert_int_equal(case_state(f->db, "V1", NULL, NULL), HOTLINE_STATE_DISPATCHED);
}

static void test_builder(void **state)
{
	fixture *f = *state;
	hotline_command *cmd;
	hotline_case *c;
	char *json;
	int64_t seq = 0;
	hotline_time t;
	assert_int_equal(hotline_time_parse(&t, "2026-11-02T09:05:00+08:00"), 0);
	assert_int_equal(hotline_command_new(&cmd, HOTLINE_CMD_REGISTER, "K1", "zhang", t), 0);
	assert_int_equal(hotline_command_set_string(cmd, "property", "P1"), 0);
	assert_int_equal(hotline_command_set_string(cmd, "room", "5-502"), 0);
	assert_int_equal(hotline_command_set_string(cmd, "owner", "刘先生"), 0);
	assert_int_equal(hotline_command_set_string(cmd, "phone", "13900000001"), 0);
	assert_int_equal(hotline_command_set_string(cmd, "matter", "电梯故障"), 0);
	assert_int_equal(hotline_command_set_string(cmd, "call_taker", "zhang"), 0);
	assert_int_equal(hotline_command_set_string(cmd, "order_taker", "li"), 0);
	assert_int_equal(hotline_command_json(&json, cmd), 0);
	assert_non_null(strstr(json, "\"at\":\"2026-11-02T09:05:00+08:00\""));
	hotline_free(json);
	assert_int_equal(hotline_db_execute(f->db, cmd, &seq, NULL), 0);
	assert_true(seq > 0);
	hotline_command_free(cmd);
	assert_int_equal(hotline_db_case(&c, f->db, "K1"), 0);
	assert_string_equal(hotline_case_field(c, "owner"), "刘先生");
	assert_string_equal(hotline_case_field(c, "kind"), "complaint");
	assert_string_equal(hotline_case_field(c, "severity"), "general");
	assert_int_equal(hotline_case_registered_at(c), t);
	assert_int_equal(hotline_case_last_at(c), t);
	hotline_case_free(c);
	/* correct_record through the builder: lists and objects */
	assert_int_equal(hotline_command_new(&cmd, HOTLINE_CMD_CORRECT_RECORD, "K1", "zhang", t + 60), 0);
	assert_int_equal(hotline_command_add_string(cmd, "fields", "phone"), 0);
	assert_int_equal(hotline_command_set_entry(cmd, "values", "phone", "13900000002"), 0);
	assert_int_equal(hotline_db_execute(f->db, cmd, NULL, NULL), 0);
	hotline_command_free(cmd);
	assert_int_equal(hotline_db_case(&c, f->db, "K1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "13900000002");
	hotline_case_free(c);
	/* bool, int and time setters */
	assert_int_equal(hotline_command_new(&cmd, HOTLINE_CMD_CALL, NULL, "qa", t), 0);
	assert_int_equal(hotline_command_set_string(cmd, "agent", "zhang"), 0);
	assert_int_equal(hotline_command_set_int(cmd, "rings", 4), 0);
	assert_int_equal(hotline_command_set_bool(cmd, "answered", 1), 0);
	assert_int_equal(hotline_db_execute(f->db, cmd, NULL, NULL), 0);
	hotline_command_free(cmd);
	/* bad input on the builder */
	assert_int_equal(hotline_command_new(NULL, HOTLINE_CMD_CALL, NULL, "qa", t), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_new(&cmd, (hotline_command_kind)999, NULL, "qa", t), HOTLINE_EINVALID);
	assert_null(cmd);
	assert_int_equal(hotline_command_new(&cmd, HOTLINE_CMD_REPLY, "K1", "zhang", t + 120), 0);
	assert_int_equal(hotline_command_set_string(cmd, NULL, "x"), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_set_string(cmd, "text", NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_set_string(cmd, "text", "\xff\xfe"), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_set_string(cmd, "cmd", "close"), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_set_time(cmd, "promised_at", HOTLINE_TIME_NONE), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_expect_version(cmd, -1), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_set_string(cmd, "text", "好"), 0);
	assert_int_equal(hotline_command_add_string(cmd, "text", "x"), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_set_entry(cmd, "text", "k", "v"), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_set_time(cmd, "promised_at", t + 3600), 0);
	assert_int_equal(hotline_db_execute(f->db, cmd, NULL, NULL), 0);
	assert_int_equal(hotline_db_execute(NULL, cmd, NULL, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_execute(f->db, NULL, NULL, NULL), HOTLINE_EINVALID);
	hotline_command_free(cmd);
	hotline_command_free(NULL);
}

static void test_queries_and_sweep(void **state)
{
	fixture *f = *state;
	hotline_case_list *l;
	hotline_case_query q = HOTLINE_CASE_QUERY_INIT;
	hotline_time t;
	size_t i;
	int k;
	for (k = 0; k < 6; k++) {
		assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"Q%d\",\"at\":\"2026-11-02T09:0%d:00+08:00\",\"actor\":\"zhang\",\"property\":\"%s\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
			k, k, k % 2 ? "P2" : "P1"), 0);
		if (k < 3)
			assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"Q%d\",\"at\":\"2026-11-02T10:0%d:00+08:00\",\"actor\":\"zhang\"}", k, k), 0);
	}
	assert_int_equal(hotline_db_cases(&l, f->db, NULL), 0);
	assert_int_equal(hotline_case_list_count(l), 6);
	assert_string_equal(hotline_case_id(hotline_case_list_get(l, 0)), "Q0");
	hotline_case_list_free(l);
	q.property = "P1";
	assert_int_equal(hotline_db_cases(&l, f->db, &q), 0);
	assert_int_equal(hotline_case_list_count(l), 3);
	hotline_case_list_free(l);
	q.state = HOTLINE_STATE_DISPATCHED;
	assert_int_equal(hotline_db_cases(&l, f->db, &q), 0);
	assert_int_equal(hotline_case_list_count(l), 2); /* Q0, Q2 */
	hotline_case_list_free(l);
	q.property = NULL;
	q.limit = 1;
	assert_int_equal(hotline_db_cases(&l, f->db, &q), 0);
	assert_int_equal(hotline_case_list_count(l), 1);
	hotline_case_list_free(l);
	q.state = 42;
	assert_int_equal(hotline_db_cases(&l, f->db, &q), HOTLINE_EINVALID);
	q.version = 0;
	assert_int_equal(hotline_db_cases(&l, f->db, &q), HOTLINE_EINVALID);

	/* every open case has a deadline pending: the sweep returns them earliest first */
	assert_int_equal(hotline_time_parse(&t, "2026-12-31T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_sweep(&l, f->db, t, 0), 0);
	assert_int_equal(hotline_case_list_count(l), 6);
	for (i = 1; i < hotline_case_list_count(l); i++)
		assert_true(hotline_case_next_due(hotline_case_list_get(l, i - 1)) <=
			hotline_case_next_due(hotline_case_list_get(l, i)));
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_sweep(&l, f->db, t, 2), 0);
	assert_int_equal(hotline_case_list_count(l), 2);
	hotline_case_list_free(l);
	/* nothing is due before the first registration */
	assert_int_equal(hotline_time_parse(&t, "2026-11-02T09:00:00+08:00"), 0);
	assert_int_equal(hotline_db_sweep(&l, f->db, t, 0), 0);
	assert_int_equal(hotline_case_list_count(l), 0);
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_sweep(&l, f->db, HOTLINE_TIME_NONE, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_sweep(NULL, f->db, t, 0), HOTLINE_EINVALID);
}

static void test_persistence(void **state)
{
	fixture *f = *state;
	full_case(f->db, "C1");
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"C2\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P2\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li2\"}"), 0);
	hotline_db_close(f->db);
	assert_int_equal(fixture_open(&f->db, f->uri, NULL), 0);
	assert_int_equal(case_state(f->db, "C1", NULL, NULL), HOTLINE_STATE_CLOSED);
	assert_int_equal(case_state(f->db, "C2", NULL, NULL), HOTLINE_STATE_RECEIVED);
	/* the directory came back: the P2 manager may act, the P1 one may not */
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"C2\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"complete\",\"case\":\"C2\",\"at\":\"2026-11-02T10:10:00+08:00\",\"actor\":\"li\"}"), HOTLINE_EFORBIDDEN);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"complete\",\"case\":\"C2\",\"at\":\"2026-11-02T10:10:00+08:00\",\"actor\":\"li2\"}"), 0);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

/* Two handles on one SQLite file: each sees what the other committed. */
/*
 * The hash of an event is SHA-256 over length-prefixed parts ("<bytes>:<text>"):
 * "hotline-event-v1", stream, stream_seq, cmd, actor, at (Unix seconds), the
 * canonical body and the previous hash. Pinned here from an independent
 * computation, so that no change of the writer can go unnoticed.
 */
typedef struct collected { char *text; size_t n, chunks, max_chunk; int stop_after; } collected;

static int collect_text(void *ctx, const char *data, size_t len)
{
	collected *c = ctx;
	if (c->stop_after && c->chunks == (size_t)c->stop_after)
		return 1;
	c->text = realloc(c->text, c->n + len + 1);
	memcpy(c->text + c->n, data, len);
	c->n += len;
	c->text[c->n] = '\0';
	c->chunks++;
	if (len > c->max_chunk)
		c->max_chunk = len;
	return 0;
}

/* The streamed assessment is the same text as the string one, in bounded pieces; bad input is refused. */
static void test_assess_write(void **state)
{
	fixture *f = *state;
	collected c;
	char *whole, id[16];
	hotline_time t;
	int i;
	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "W%03d", i);
		assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", id), 0);
		if (i % 3)
			assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"%s\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}", id), 0);
	}
	assert_int_equal(hotline_time_parse(&t, "2026-11-27T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_assess(&whole, f->db, t, HOTLINE_FORMAT_JSON), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(hotline_db_assess_write(f->db, t, HOTLINE_FORMAT_JSON, collect_text, &c), 0);
	assert_string_equal(c.text, whole);
	assert_true(c.chunks > 1);
	assert_true(c.max_chunk <= 65536 + 1024);
	{
		json_t *doc = json_loads(c.text, 0, NULL);
		assert_non_null(doc);
		assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "assessment"), "open_deadlines")) > 300, 1);
		json_decref(doc);
	}
	free(c.text);
	hotline_free(whole);
	/* CSV too, byte for byte what 0.x rendered from the JSON document */
	{
		char *json_text, *ref;
		json_t *doc;
		assert_int_equal(hotline_db_assess(&json_text, f->db, t, HOTLINE_FORMAT_JSON), 0);
		assert_non_null(doc = json_loads(json_text, 0, NULL));
		ref = csv_reference(json_object_get(doc, "penalties"), json_object_get(doc, "assessment"));
		assert_int_equal(hotline_db_assess(&whole, f->db, t, HOTLINE_FORMAT_CSV), 0);
		assert_string_equal(whole, ref);
		free(ref);
		json_decref(doc);
		hotline_free(json_text);
	}
	memset(&c, 0, sizeof(c));
	assert_int_equal(hotline_db_assess_write(f->db, t, HOTLINE_FORMAT_CSV, collect_text, &c), 0);
	assert_string_equal(c.text, whole);
	assert_true(c.max_chunk <= 65536 + 1024);
	free(c.text);
	hotline_free(whole);
	/* a writer that stops fails the call with HOTLINE_EIO */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(hotline_db_assess_write(f->db, t, HOTLINE_FORMAT_JSON, collect_text, &c), HOTLINE_EIO);
	assert_int_equal(hotline_db_errcode(f->db), HOTLINE_EIO);
	free(c.text);
	/* bad input */
	memset(&c, 0, sizeof(c));
	assert_int_equal(hotline_db_assess_write(NULL, t, HOTLINE_FORMAT_JSON, collect_text, &c), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_assess_write(f->db, t, HOTLINE_FORMAT_JSON, NULL, &c), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_assess_write(f->db, HOTLINE_TIME_NONE, HOTLINE_FORMAT_JSON, collect_text, &c), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_assess_write(f->db, t, (hotline_format)9, collect_text, &c), HOTLINE_EINVALID);
	assert_int_equal(c.chunks, 0);
	assert_null(c.text);
}

/* The person's row of the month's assessment at the period's end, as JSON (NULL: not listed). */
static json_t *people_row(hotline_db *db, const char *as_of_text, const char *person, json_t **doc)
{
	hotline_time t;
	char *text;
	size_t i;
	json_t *p;
	assert_int_equal(hotline_time_parse(&t, as_of_text), 0);
	assert_int_equal(hotline_db_assess(&text, db, t, HOTLINE_FORMAT_JSON), 0);
	assert_non_null(*doc = json_loads(text, 0, NULL));
	hotline_free(text);
	json_array_foreach(json_object_get(json_object_get(*doc, "assessment"), "people"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "person")), person) == 0)
			return p;
	return NULL;
}

static json_t *statement(hotline_db *db, const char *person, const char *month, hotline_time as_of)
{
	char *text;
	json_t *doc;
	assert_int_equal(hotline_db_statement_json(&text, db, person, month, as_of), 0);
	assert_non_null(doc = json_loads(text, 0, NULL));
	hotline_free(text);
	return doc;
}

static json_t *line_of(json_t *st, const char *rule)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(st, "lines"), i, x)
		if (strcmp(json_string_value(json_object_get(x, "rule")), rule) == 0)
			return x;
	return NULL;
}

/* A person's statement of a month: the increments of that month's period, adding up to the assessment's row. */
static void test_statement(void **state)
{
	fixture *f = *state;
	static const struct { const char *month, *end; int64_t r14b_n; } months[] = {
		{ "2026-10", "2026-10-27T00:00:00+08:00", 1 }, { "2026-11", "2026-11-27T00:00:00+08:00", 3 } };
	json_t *st, *doc, *row, *x;
	hotline_time t;
	char *text = NULL;
	size_t i, k;
	int64_t sum;
	/* R14b (¥3 per started day): due 10-26 09:20, visited 10-29 10:00: increments on 10-26 (October's
	 * period) and 10-27, 10-28, 10-29 (November's) */
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"S1\",\"at\":\"2026-10-25T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-10-25T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"onsite_visit\",\"case\":\"S1\",\"at\":\"2026-10-29T10:00:00+08:00\",\"actor\":\"wu\"}"), 0);
	for (i = 0; i < 2; i++) {
		st = statement(f->db, "li", months[i].month, HOTLINE_TIME_NONE);
		row = people_row(f->db, months[i].end, "li", &doc);
		assert_non_null(row);
		assert_string_equal(json_string_value(json_object_get(st, "name")), "李强");
		assert_string_equal(json_string_value(json_object_get(st, "as_of")), months[i].end);
		assert_string_equal(json_string_value(json_object_get(json_object_get(st, "period"), "to")), months[i].end);
		assert_non_null(x = line_of(st, "R14b"));
		assert_string_equal(json_string_value(json_object_get(x, "case")), "S1");
		assert_int_equal(json_integer_value(json_object_get(x, "increments")), months[i].r14b_n);
		assert_int_equal(json_integer_value(json_object_get(x, "amount_fen")), 300 * months[i].r14b_n);
		sum = 0;
		json_array_foreach(json_object_get(st, "lines"), k, x)
			sum += json_integer_value(json_object_get(x, "amount_fen"));
		assert_int_equal(sum, json_integer_value(json_object_get(st, "raw_fen")));
		assert_int_equal(json_integer_value(json_object_get(st, "raw_fen")), json_integer_value(json_object_get(row, "raw_fen")));
		assert_int_equal(json_integer_value(json_object_get(st, "capped_fen")), json_integer_value(json_object_get(row, "capped_fen")));
		assert_true(json_equal(json_object_get(st, "bonus_fen"), json_object_get(row, "bonus_fen")));
		assert_int_equal(json_integer_value(json_object_get(st, "cap_applied_fen")),
			json_integer_value(json_object_get(st, "raw_fen")) - json_integer_value(json_object_get(st, "capped_fen")));
		json_decref(st);
		json_decref(doc);
	}
	/* November's bonus caps li (20000 fen) */
	st = statement(f->db, "li", "2026-11", HOTLINE_TIME_NONE);
	assert_int_equal(json_integer_value(json_object_get(st, "bonus_fen")), 20000);
	json_decref(st);
	/* someone with nothing: no lines, no bonus */
	st = statement(f->db, "gm", "2026-11", HOTLINE_TIME_NONE);
	assert_int_equal(json_array_size(json_object_get(st, "lines")), 0);
	assert_int_equal(json_integer_value(json_object_get(st, "raw_fen")), 0);
	assert_true(json_is_null(json_object_get(st, "bonus_fen")));
	json_decref(st);
	/* an instant inside the period: only what had happened by then */
	assert_int_equal(hotline_time_parse(&t, "2026-10-28T00:00:00+08:00"), 0);
	st = statement(f->db, "li", "2026-11", t);
	assert_int_equal(json_integer_value(json_object_get(line_of(st, "R14b"), "increments")), 1);
	json_decref(st);
	/* bad input: a clear code and message, nothing out */
	assert_int_equal(hotline_db_statement_json(&text, f->db, "li", "2026-13", HOTLINE_TIME_NONE), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "YYYY-MM"));
	assert_int_equal(hotline_db_statement_json(&text, f->db, "li", NULL, HOTLINE_TIME_NONE), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_statement_json(&text, f->db, NULL, "2026-11", HOTLINE_TIME_NONE), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_statement_json(&text, f->db, "", "2026-11", HOTLINE_TIME_NONE), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_statement_json(&text, f->db, "nobody", "2026-11", HOTLINE_TIME_NONE), HOTLINE_ENOT_FOUND);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "nobody"));
	assert_int_equal(hotline_db_statement_json(&text, f->db, "li", "2026-11", t - 86400 * 2), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "outside"));
	assert_null(text);
	assert_int_equal(hotline_db_statement_json(NULL, f->db, "li", "2026-11", HOTLINE_TIME_NONE), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_statement_json(&text, NULL, "li", "2026-11", HOTLINE_TIME_NONE), HOTLINE_EINVALID);
}

/* The stored log's format: the body, the event hash and the made id, computed independently (Python hashlib, uuid). */
static void test_event_hash_pinned(void **state)
{
	fixture *f = *state;
	hotline_event_list *l;
	const hotline_event *e;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db;
	(void)f;
	/* an unencrypted database, so that the body is known in advance (encrypted fields carry random nonces) */
	o.flags = HOTLINE_DB_UNENCRYPTED;
	assert_int_equal(hotline_db_open(&db, "memory:", &o), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"command_id\":\"c-0001\"}"), 0);
	assert_int_equal(hotline_db_history(&l, db, "C1"), 0);
	e = hotline_event_list_get(l, 0);
	assert_string_equal(hotline_event_json(e),
		"{\"actor\":\"zhang\",\"at\":\"2026-11-02T09:05:00+08:00\",\"call_taker\":\"zhang\",\"case\":\"C1\",\"cmd\":\"register\","
		"\"command_id\":\"c-0001\",\"matter\":\"楼道灯不亮\",\"order_taker\":\"li\",\"owner\":\"王女士\",\"phone\":\"13800000000\","
		"\"property\":\"P1\",\"room\":\"3-201\"}");
	assert_string_equal(hotline_event_hash(e), "88c75536956dbb07e0972b73b757fb102d2f8b41a3e9cd52e096f372bfce41ac");
	assert_string_equal(hotline_event_id(e), "c-0001");
	hotline_event_list_free(l);
	/* without a command_id the library makes a name-based UUID of the stream, position and command */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1b\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(hotline_db_history(&l, db, "C1b"), 0);
	e = hotline_event_list_get(l, 0);
	/* uuid5(namespace, sha256-hex of the length-prefixed "C1b", "1" and the body without command_id) */
	assert_string_equal(hotline_event_id(e), "9843bd41-663b-5fe1-a892-997c74149b58");
	assert_non_null(strstr(hotline_event_json(e), "\"command_id\":\"9843bd41-663b-5fe1-a892-997c74149b58\""));
	hotline_event_list_free(l);
	hotline_db_close(db);
}

static void test_two_handles(void **state)
{
	fixture *f = *state;
	hotline_db *other;
	assert_int_equal(fixture_open(&other, f->uri, NULL), 0);
	/* a person defined through one handle is known to the other */
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"person\",\"id\":\"sun\",\"name\":\"孙\",\"roles\":[\"hotline_specialist\"]}"), 0);
	assert_int_equal(exec_fmt(other, "{\"cmd\":\"register\",\"case\":\"H1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"sun\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"sun\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"H1\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\",\"expect_version\":1}"), 0);
	assert_int_equal(exec_fmt(other, "{\"cmd\":\"reply\",\"case\":\"H1\",\"at\":\"2026-11-02T09:11:00+08:00\",\"actor\":\"zhang\",\"text\":\"t\",\"expect_version\":1}"), HOTLINE_ECONFLICT);
	/* each handle keeps the case it last wrote; the other's commits must still be seen, in and out of batches */
	assert_int_equal(exec_fmt(other, "{\"cmd\":\"decide_measures\",\"case\":\"H1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"li\",\"measures\":\"m\",\"department_head\":\"wu\"}"), 0);
	assert_int_equal(hotline_db_begin(f->db), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"onsite_visit\",\"case\":\"H1\",\"at\":\"2026-11-02T15:00:00+08:00\",\"actor\":\"wu\",\"expect_version\":3}"), 0);
	assert_int_equal(hotline_db_commit(f->db), 0);
	assert_int_equal(exec_fmt(other, "{\"cmd\":\"submit_visit_form\",\"case\":\"H1\",\"at\":\"2026-11-02T16:00:00+08:00\",\"actor\":\"li\",\"expect_version\":4}"), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"complete\",\"case\":\"H1\",\"at\":\"2026-11-02T17:00:00+08:00\",\"actor\":\"li\",\"expect_version\":5}"), 0);
	{
		hotline_case *c;
		assert_int_equal(hotline_db_case(&c, other, "H1"), 0);
		assert_int_equal(hotline_case_version(c), 6);
		assert_int_equal(hotline_case_state(c), HOTLINE_STATE_HANDLED);
		hotline_case_free(c);
	}
	assert_int_equal(hotline_db_verify_log(other, NULL, NULL), 0);
	hotline_db_close(other);
}

typedef struct thread_arg { hotline_db *db; int base; int failures; } thread_arg;

static void *worker(void *p)
{
	thread_arg *a = p;
	int i;
	for (i = 0; i < 25; i++) {
		char buf[600];
		snprintf(buf, sizeof(buf), "{\"cmd\":\"register\",\"case\":\"T%d-%d\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", a->base, i);
		if (hotline_db_exec_json(a->db, buf, NULL, NULL) != 0)
			a->failures++;
	}
	return NULL;
}

/* One handle shared by threads: calls are serialised, nothing is lost. */
static void test_threads(void **state)
{
	fixture *f = *state;
	pthread_t th[4];
	thread_arg args[4];
	hotline_case_list *l;
	int i;
	for (i = 0; i < 4; i++) {
		args[i].db = f->db;
		args[i].base = i;
		args[i].failures = 0;
		assert_int_equal(pthread_create(&th[i], NULL, worker, &args[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	assert_int_equal(hotline_db_cases(&l, f->db, NULL), 0);
	assert_int_equal(hotline_case_list_count(l), 100);
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

/* Every public function given bad input returns a clear code and message and changes nothing. */
static void test_bad_input(void **state)
{
	fixture *f = *state;
	hotline_db *db = NULL;
	hotline_case *c = NULL;
	hotline_event_list *el = NULL;
	hotline_db_options o;
	hotline_replay_options ro;
	hotline_case_query q;
	char *out = NULL;
	char buf[40];
	hotline_time t;
	int major = -1;

	assert_int_equal(hotline_db_open(NULL, "memory:", NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_open(&db, NULL, NULL), HOTLINE_EINVALID);
	assert_null(db);
	assert_int_equal(hotline_db_open(&db, "", NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_open(&db, "ftp://x", NULL), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_last_error(), "scheme"));
	assert_int_equal(hotline_db_open(&db, "sqlite:", NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_open(&db, "sqlite:/nonexistent-dir/x/y.db", NULL), HOTLINE_ESTORAGE);
	o.version = 99;
	assert_int_equal(hotline_db_open(&db, "memory:", &o), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_options_init(&o, 99), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_options_init(NULL, 1), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_options_init(&o, HOTLINE_DB_OPTIONS_VERSION), 0);
	o.policy = "no-such-policy";
	assert_int_equal(hotline_db_open(&db, "memory:", &o), HOTLINE_EPOLICY);
	assert_non_null(strstr(hotline_last_error(), "no-such-policy"));
	o.policy = "/nonexistent/policy.json";
	assert_int_equal(hotline_db_open(&db, "memory:", &o), HOTLINE_EIO);
	assert_null(db);
	assert_int_equal(hotline_db_open_storage(&db, NULL, NULL), HOTLINE_EINVALID);
	{
		hotline_storage fake;
		assert_int_equal(hotline_storage_init(&fake, 0), HOTLINE_EINVALID);
		assert_int_equal(hotline_storage_init(&fake, HOTLINE_STORAGE_VERSION), 0);
		/* no callbacks: refused, and its (absent) free is not called */
		assert_int_equal(hotline_db_open_storage(&db, &fake, NULL), HOTLINE_EINVALID);
		assert_non_null(strstr(hotline_last_error(), "begin"));
	}
	hotline_db_close(NULL);

	assert_int_equal(hotline_db_exec_json(NULL, "{}", NULL, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_exec_json(f->db, NULL, NULL, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_case(NULL, f->db, "C1"), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_case(&c, NULL, "C1"), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_case(&c, f->db, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_case(&c, f->db, "nope"), HOTLINE_ENOT_FOUND);
	assert_null(c);
	assert_int_equal(hotline_db_errcode(f->db), HOTLINE_ENOT_FOUND);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "nope"));
	assert_int_equal(hotline_db_history(NULL, f->db, "x"), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_history(&el, NULL, "x"), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_cases(NULL, f->db, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_verify_log(NULL, NULL, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_assess(NULL, f->db, 0, HOTLINE_FORMAT_JSON), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_assess(&out, f->db, HOTLINE_TIME_NONE, HOTLINE_FORMAT_JSON), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_assess(&out, f->db, 0, (hotline_format)7), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_explain(&out, f->db, NULL, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_explain(&out, f->db, "nope", 0), HOTLINE_ENOT_FOUND);
	assert_int_equal(hotline_db_calendar(&out, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_calendar(NULL, f->db), HOTLINE_EINVALID);
	assert_int_equal(hotline_calendar_line(&out, 2027, "xml", "<x/>", 4, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_calendar_line(&out, 2027, "json", "{\"year\":2027,\"days\":[{\"name\":\"x\",\"date\":\"2027-13-01\",\"isOffDay\":true}]}", 73, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_calendar_line(&out, 2027, "json", NULL, 0, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_calendar_line(&out, 2031, "builtin", NULL, 0, NULL), HOTLINE_ENOT_FOUND);
	assert_int_equal(hotline_calendar_line(NULL, 2026, "builtin", NULL, 0, NULL), HOTLINE_EINVALID);
	assert_string_equal(hotline_db_errmsg(NULL), "database handle is NULL");
	assert_string_equal(hotline_db_policy(f->db), "gm-hotline");
	assert_null(hotline_db_policy(NULL));
	assert_int_equal(hotline_case_query_init(&q, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_case_query_init(&q, 1), 0);
	assert_int_equal(q.state, -1);
	assert_int_equal(hotline_replay_options_init(&ro, 5), HOTLINE_EINVALID);
	assert_int_equal(hotline_replay_options_init(&ro, 1), 0);
	assert_int_equal(ro.as_of, HOTLINE_TIME_NONE);
	assert_int_equal(hotline_replay(&out, NULL, 0, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_replay(NULL, NULL, 0, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_time_parse(&t, "yesterday"), HOTLINE_EINVALID);
	assert_int_equal(hotline_time_parse(NULL, "2026-11-02T09:05:00+08:00"), HOTLINE_EINVALID);
	assert_int_equal(hotline_time_format(buf, 3, 0, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_time_format(buf, sizeof(buf), 0, 480), 0);
	assert_string_equal(buf, "1970-01-01T08:00:00+08:00");
	assert_string_equal(hotline_version(&major, NULL, NULL), HOTLINE_VERSION);
	assert_int_equal(major, HOTLINE_VERSION_MAJOR);
	/* accessors tolerate NULL */
	assert_null(hotline_case_id(NULL));
	assert_int_equal(hotline_case_list_count(NULL), 0);
	assert_null(hotline_case_list_get(NULL, 0));
	assert_int_equal(hotline_event_list_count(NULL), 0);
	hotline_case_free(NULL);
	hotline_case_list_free(NULL);
	hotline_event_list_free(NULL);
	hotline_free(NULL);
	/* nothing above changed the database */
	assert_int_equal(event_count(f->db, NULL), 11);
}

/* A batch is one transaction: refusals inside change nothing, rollback discards all. */
static void test_batches(void **state)
{
	fixture *f = *state;
	hotline_case_list *l;
	assert_int_equal(hotline_db_begin(f->db), 0);
	assert_int_equal(hotline_db_begin(f->db), HOTLINE_EINVALID);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"person\",\"id\":\"sun\",\"name\":\"孙\",\"roles\":[\"hotline_specialist\"]}"), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"B1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"sun\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"sun\",\"order_taker\":\"li\"}"), 0);
	/* refused inside the batch: nothing written, the batch goes on */
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"close\",\"case\":\"B1\",\"at\":\"2026-11-02T09:06:00+08:00\",\"actor\":\"gm\"}"), HOTLINE_EINVALID_TRANSITION);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"B1\",\"at\":\"2026-11-02T09:07:00+08:00\",\"actor\":\"sun\"}"), 0);
	assert_int_equal(hotline_db_commit(f->db), 0);
	assert_int_equal(hotline_db_commit(f->db), HOTLINE_EINVALID);
	assert_int_equal(case_state(f->db, "B1", NULL, NULL), HOTLINE_STATE_DISPATCHED);
	assert_int_equal(event_count(f->db, "B1"), 2);
	/* rollback discards the batch, directory records included */
	assert_int_equal(hotline_db_begin(f->db), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"person\",\"id\":\"zhou\",\"name\":\"周\",\"roles\":[\"hotline_specialist\"]}"), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"B2\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhou\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhou\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(hotline_db_rollback(f->db), 0);
	assert_int_equal(hotline_db_rollback(f->db), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_case(&(hotline_case *){0}, f->db, "B2"), HOTLINE_ENOT_FOUND);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"B3\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhou\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhou\",\"order_taker\":\"li\"}"), HOTLINE_ENOT_FOUND);
	assert_int_equal(hotline_db_cases(&l, f->db, NULL), 0);
	assert_int_equal(hotline_case_list_count(l), 1);
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
	assert_int_equal(hotline_db_begin(NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_commit(NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_rollback(NULL), HOTLINE_EINVALID);
}

static void test_replay_design_example(void **state)
{
	const char *files[] = { HOTLINE_SOURCE_DIR "/tests/scenarios/design-example.jsonl" };
	char *out = NULL;
	(void)state;
	assert_int_equal(hotline_replay(&out, files, 1, NULL), 0);
	assert_non_null(strstr(out, "\"state\": \"closed\""));
	assert_non_null(strstr(out, "\"refused\": []"));
	hotline_free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_history_and_chain, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_history_and_chain, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_tamper_detected, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_version_conflict, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_version_conflict, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_builder, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_builder, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_queries_and_sweep, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_queries_and_sweep, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_persistence, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_assess_write, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_assess_write, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_statement, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_statement, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_event_hash_pinned, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_event_hash_pinned, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_two_handles, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_batches, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_batches, setup_sqlite, teardown),
		cmocka_unit_test(test_replay_design_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
