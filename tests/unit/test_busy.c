/*
 * A database busy past the timeout is HOTLINE_EBUSY, which a caller may
 * retry, never the generic storage failure; opens wait for a writer as
 * commands do, and many handles open one SQLite file at once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core_fixture.h"
#include <sqlite3.h>

static char path[256], uri[300];

static int setup(void **state)
{
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "busy");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fixture_sqlite_remove(path);
	return 0;
}

static int open_with(hotline_db **db, int mode, int busy_ms)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	o.mode = mode;
	o.busy_timeout_ms = busy_ms;
	return fixture_open(db, uri, &o);
}

#define REGISTER "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\"," \
	"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"13800000000\",\"matter\":\"m\",\"call_taker\":\"zhang\"," \
	"\"order_taker\":\"li\"}"
#define DISPATCH "{\"cmd\":\"dispatch\",\"case\":\"%s\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"

static void make_database(void)
{
	hotline_db *db;
	assert_int_equal(open_with(&db, HOTLINE_OPEN_CREATE, 0), 0);
	fixture_load(db);
	hotline_db_close(db);
}

static int64_t events_in_file(void)
{
	sqlite3 *raw;
	sqlite3_stmt *st;
	int64_t n = -1;
	assert_int_equal(sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(raw, "SELECT count(*) FROM events", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	return n;
}

/* Another connection holds the write lock: the command waits out the timeout, then says busy and changes nothing. */
static void test_busy_command(void **state)
{
	hotline_db *db;
	sqlite3 *raw;
	int64_t before;
	(void)state;
	make_database();
	before = events_in_file();
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	/* a current schema needs no write lock: the open does not wait for the writer */
	if (open_with(&db, HOTLINE_OPEN_READ_WRITE, 100) != 0)
		fail_msg("open: %s", hotline_last_error());
	assert_int_equal(exec_fmt(db, REGISTER, "C1"), HOTLINE_EBUSY);
	assert_int_equal(hotline_db_errcode(db), HOTLINE_EBUSY);
	assert_non_null(strstr(hotline_db_errmsg(db), "busy"));
	assert_non_null(strstr(hotline_db_errmsg(db), "100 ms"));
	assert_string_equal(hotline_error_name(HOTLINE_EBUSY), "busy");
	assert_int_equal(HOTLINE_E__LAST, HOTLINE_EBUSY);
	/* a batch cannot begin either */
	assert_int_equal(hotline_db_begin(db), HOTLINE_EBUSY);
	assert_int_equal(sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(events_in_file(), before);
	assert_int_equal(case_state(db, "C1", NULL, NULL), -1);
	/* the writer gone, the same command goes through */
	assert_int_equal(exec_fmt(db, REGISTER, "C1"), 0);
	assert_int_equal(events_in_file(), before + 1);
	hotline_db_close(db);
	sqlite3_close(raw);
}

/* An open that must write (creating the schema) while another connection holds the lock: busy, not storage. */
static void test_busy_open(void **state)
{
	hotline_db *db = NULL;
	sqlite3 *raw;
	(void)state;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(open_with(&db, HOTLINE_OPEN_CREATE, 100), HOTLINE_EBUSY);
	assert_null(db);
	assert_non_null(strstr(hotline_last_error(), "busy"));
	assert_int_equal(sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(open_with(&db, HOTLINE_OPEN_CREATE, 100), 0);
	hotline_db_close(db);
}

/* Holds the write lock of a new database for a while, then lets go. */
static void *hold_lock(void *arg)
{
	sqlite3 *raw = arg;
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL);
	return NULL;
}

/* An open that must write waits for the writer within the busy timeout, as a command does. */
static void test_open_waits(void **state)
{
	hotline_db *db = NULL;
	sqlite3 *raw;
	pthread_t th;
	(void)state;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(pthread_create(&th, NULL, hold_lock, raw), 0);
	assert_int_equal(open_with(&db, HOTLINE_OPEN_CREATE, 5000), 0);
	pthread_join(th, NULL);
	fixture_load(db);
	hotline_db_close(db);
	sqlite3_close(raw);
}

#define HANDLES 64
#ifndef ROUNDS
#define ROUNDS 5
#endif
#define NOTE "{\"cmd\":\"report_progress\",\"case\":\"%s\",\"at\":\"2026-11-02T09:30:00+08:00\",\"actor\":\"li\",\"text\":\"n%d\"}"

typedef struct worker {
	int n;
	int open_rc, exec_rc;
	char msg[512];
} worker;

/* Opens its own handle and runs two commands on a case of its own. */
static void *work(void *arg)
{
	worker *w = arg;
	hotline_db *db = NULL;
	char id[16];
	snprintf(id, sizeof(id), "W%02d", w->n);
	{
		/* staggered: later handles open while earlier ones write */
		struct timespec ts = { 0, (long)w->n * 3 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if ((w->open_rc = open_with(&db, HOTLINE_OPEN_DEFAULT, 0)) != 0) {
		snprintf(w->msg, sizeof(w->msg), "open: %s", hotline_last_error());
		return NULL;
	}
	if ((w->exec_rc = exec_fmt(db, REGISTER, id)) == 0)
		w->exec_rc = exec_fmt(db, DISPATCH, id);
	{
		int k;
		for (k = 0; k < ROUNDS && w->exec_rc == 0; k++)
			w->exec_rc = exec_fmt(db, NOTE, id, k);
	}
	if (w->exec_rc)
		snprintf(w->msg, sizeof(w->msg), "%s: %s", id, hotline_db_errmsg(db));
	hotline_db_close(db);
	return NULL;
}

/* 64 handles on one file, opened at once, each writing: no open fails, and every command is applied. */
static void test_many_handles(void **state)
{
	pthread_t th[HANDLES];
	worker w[HANDLES];
	hotline_db *db;
	hotline_case_list *l;
	int i, failed = 0;
	(void)state;
	make_database();
	for (i = 0; i < HANDLES; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].n = i;
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	}
	for (i = 0; i < HANDLES; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < HANDLES; i++)
		if (w[i].open_rc || w[i].exec_rc) {
			print_error("handle %d: open %d, command %d: %s\n", i, w[i].open_rc, w[i].exec_rc, w[i].msg);
			failed++;
		}
	assert_int_equal(failed, 0);
	assert_int_equal(open_with(&db, HOTLINE_OPEN_READ_ONLY, 0), 0);
	assert_int_equal(hotline_db_cases(&l, db, NULL), 0);
	assert_int_equal(hotline_case_list_count(l), HANDLES);
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_busy_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_handles, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
