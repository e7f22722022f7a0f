/*
 * Nothing applied twice (DESIGN §6.2): a command carrying a command_id that
 * was already accepted with the same content is not applied again; the
 * same id with other content is a duplicate. Also: replay is all or
 * nothing, and a snapshot edited behind the library's back is refused.
 */
#include <stdlib.h>
#include <unistd.h>

#include "core_fixture.h"
#include <jansson.h>
#include <sqlite3.h>

#define REG "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\"," \
	"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\"," \
	"\"order_taker\":\"li\",\"command_id\":\"r-1\"}"
#define DISPATCH "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"," \
	"\"command_id\":\"d-1\"}"
#define REPEAT "{\"cmd\":\"repeat_complaint\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"zhang\"," \
	"\"command_id\":\"rc-1\"}"

static int64_t r14c(hotline_db *db)
{
	hotline_time as_of;
	char *text;
	json_t *doc, *p;
	size_t i;
	int64_t sum = 0;
	assert_int_equal(hotline_time_parse(&as_of, "2026-11-10T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_assess(&text, db, as_of, HOTLINE_FORMAT_JSON), 0);
	assert_non_null(doc = json_loads(text, 0, NULL));
	json_array_foreach(json_object_get(doc, "penalties"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "rule")), "R14c") == 0)
			sum += json_integer_value(json_object_get(p, "amount_fen"));
	json_decref(doc);
	hotline_free(text);
	return sum;
}

static void test_retry_applied_once(void **state)
{
	hotline_db *db;
	int64_t seq = 0, again = 0;
	int repeated = -1, v;
	(void)state;
	assert_int_equal(hotline_db_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, REG, &seq, &repeated), 0);
	assert_int_equal(repeated, 0);
	assert_int_equal(hotline_db_exec_json(db, DISPATCH, NULL, NULL), 0);
	assert_int_equal(hotline_db_exec_json(db, REPEAT, &seq, &repeated), 0);
	assert_int_equal(repeated, 0);
	/* the front end timed out and sends it again: same seq, nothing charged twice */
	assert_int_equal(hotline_db_exec_json(db, REPEAT, &again, &repeated), 0);
	assert_int_equal(repeated, 1);
	assert_int_equal(again, seq);
	assert_int_equal(r14c(db), 1500);
	assert_int_equal(case_state(db, "C1", NULL, NULL), HOTLINE_STATE_DISPATCHED);
	assert_int_equal(event_count(db, "C1"), 3);
	/* key order and top-level nulls do not make another command */
	assert_int_equal(hotline_db_exec_json(db, "{\"command_id\":\"rc-1\",\"actor\":\"zhang\",\"at\":\"2026-11-03T09:00:00+08:00\","
		"\"case\":\"C1\",\"cmd\":\"repeat_complaint\",\"matter\":null}", &again, &repeated), 0);
	assert_int_equal(repeated, 1);
	/* a repeat is recognised before any other check: the register's case exists now, yet its retry succeeds */
	assert_int_equal(hotline_db_exec_json(db, REG, &again, &repeated), 0);
	assert_int_equal(repeated, 1);
	/* the same id with other content */
	assert_int_equal(hotline_db_exec_json(db, "{\"cmd\":\"repeat_complaint\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"command_id\":\"rc-1\",\"matter\":\"again\"}", &again, &repeated), HOTLINE_EDUPLICATE);
	assert_non_null(strstr(hotline_db_errmsg(db), "rc-1"));
	assert_int_equal(r14c(db), 1500);
	case_state(db, "C1", &v, NULL);
	assert_int_equal(event_count(db, "C1"), 3);
	/* a refused command's id is not remembered */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"close\",\"case\":\"C1\",\"at\":\"2026-11-04T09:00:00+08:00\",\"actor\":\"gm\","
		"\"command_id\":\"x-1\"}"), HOTLINE_EINVALID_TRANSITION);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-04T09:00:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"t\",\"command_id\":\"x-1\"}"), 0);
	/* ids are ids: limits apply */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-04T09:00:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"t\",\"command_id\":\"\"}"), HOTLINE_EINVALID);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-04T09:00:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"t\",\"command_id\":7}"), HOTLINE_EINVALID);
	/* bad input */
	assert_int_equal(hotline_db_exec_json(NULL, REG, &seq, &repeated), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_exec_json(db, NULL, &seq, &repeated), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	hotline_db_close(db);
}

/* Inside a batch, and through the command builder; and on SQLite after a reopen. */
static void test_batch_builder_sqlite(void **state)
{
	char path[256], uri[300];
	hotline_db *db;
	hotline_command *cmd;
	hotline_time at;
	int64_t seq = 0, again = 0;
	int repeated = -1;
	(void)state;
	snprintf(path, sizeof(path), "%s/idem-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	remove(path);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_begin(db), 0);
	assert_int_equal(hotline_db_exec_json(db, REG, &seq, &repeated), 0);
	assert_int_equal(hotline_db_exec_json(db, REG, &again, &repeated), 0);
	assert_int_equal(repeated, 1);
	assert_int_equal(again, seq);
	assert_int_equal(hotline_db_commit(db), 0);
	hotline_db_close(db);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	assert_int_equal(hotline_time_parse(&at, "2026-11-02T09:20:00+08:00"), 0);
	assert_int_equal(hotline_command_new(&cmd, HOTLINE_CMD_DISPATCH, "C1", "zhang", at), 0);
	assert_int_equal(hotline_command_set_string(cmd, "command_id", "d-1"), 0);
	assert_int_equal(hotline_db_execute(db, cmd, &seq, &repeated), 0);
	assert_int_equal(repeated, 0);
	assert_int_equal(hotline_db_execute(db, cmd, &again, &repeated), 0);
	assert_int_equal(repeated, 1);
	assert_int_equal(again, seq);
	assert_int_equal(hotline_db_exec_json(db, REG, &again, &repeated), 0);
	assert_int_equal(repeated, 1);
	hotline_command_free(cmd);
	assert_int_equal(event_count(db, "C1"), 2);
	hotline_db_close(db);
	remove(path);
}

/* A replay that stops on a bad line leaves the database as it was. */
static void test_replay_all_or_nothing(void **state)
{
	char dbpath[256], scen[256], uri[300];
	hotline_replay_options o = HOTLINE_REPLAY_OPTIONS_INIT;
	const char *files[1];
	char *out = NULL;
	hotline_db *db;
	hotline_case_list *l;
	FILE *f;
	(void)state;
	snprintf(dbpath, sizeof(dbpath), "%s/aon-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(scen, sizeof(scen), "%s/aon-%d.jsonl", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(uri, sizeof(uri), "sqlite:%s", dbpath);
	remove(dbpath);
	assert_non_null(f = fopen(scen, "w"));
	for (const char *const *l2 = fixture_directory; *l2; l2++)
		fprintf(f, "%s\n", *l2);
	fprintf(f, "%s\n%s\n{not json\n", REG, DISPATCH);
	fclose(f);
	files[0] = scen;
	o.db_uri = uri;
	o.key = fixture_key;
	o.key_id = FIXTURE_KEY_ID;
	assert_int_equal(hotline_replay(&out, files, 1, &o), HOTLINE_EINVALID);
	assert_null(out);
	assert_non_null(strstr(hotline_last_error(), ":14:"));
	assert_non_null(strstr(hotline_last_error(), "nothing of this run was stored"));
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	assert_int_equal(hotline_db_cases(&l, db, NULL), 0);
	assert_int_equal(hotline_case_list_count(l), 0);
	hotline_case_list_free(l);
	assert_int_equal(event_count(db, ""), 0);
	hotline_db_close(db);
	/* the file fixed, the run stores everything; run again, every line repeats or is a duplicate */
	assert_non_null(f = fopen(scen, "w"));
	fprintf(f, "%s\n%s\n", REG, DISPATCH);
	fclose(f);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	fixture_load(db);
	hotline_db_close(db);
	assert_int_equal(hotline_replay(&out, files, 1, &o), 0);
	assert_non_null(strstr(out, "\"repeated\": []"));
	hotline_free(out);
	assert_int_equal(hotline_replay(&out, files, 1, &o), 0);
	assert_non_null(strstr(out, "\"seq\""));
	assert_null(strstr(out, "\"code\""));
	hotline_free(out);
	remove(dbpath);
	remove(scen);
}

/* A snapshot edited with SQL is not trusted, and not extended. */
static void test_edited_snapshot_refused(void **state)
{
	char path[256], uri[300];
	hotline_db *db;
	sqlite3 *raw;
	(void)state;
	snprintf(path, sizeof(path), "%s/edit-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	remove(path);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, REG, NULL, NULL), 0);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	/* the case made VERIFIED behind the library's back, one version on */
	assert_int_equal(sqlite3_exec(raw, "UPDATE cases SET state = 4, version = 2 WHERE id = 'C1'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"close\",\"case\":\"C1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"gm\"}"),
		HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(db), "'C1'"));
	assert_int_equal(event_count(db, "C1"), 1);
	hotline_db_close(db);
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retry_applied_once),
		cmocka_unit_test(test_batch_builder_sqlite),
		cmocka_unit_test(test_replay_all_or_nothing),
		cmocka_unit_test(test_edited_snapshot_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
