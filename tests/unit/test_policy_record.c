/*
 * The policy belongs to the record (DESIGN §6.7) on memory and SQLite
 * (PostgreSQL: tests/pg/test_postgres.c): the shared tests of
 * policy_record.h, the record covered by verify-log and checkpoints, and a
 * database made before policies were recorded running as it always did.
 */
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "policy_record.h"

static int setup_memory(void **state) { return p_setup(state, 0, "polrec"); }
static int setup_sqlite(void **state) { return p_setup(state, 1, "polrec"); }
static int teardown(void **state) { return p_teardown(state); }

static void sql(const pfx *f, const char *stmt, int changes)
{
	char path[300];
	sqlite3 *s;
	snprintf(path, sizeof(path), "%s/p.db", f->dir);
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, stmt, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(s), changes);
	sqlite3_close(s);
}

/* One handle: what it recorded is what it computes with; verify-log and a checkpoint agree. */
static void test_memory_records(void **state)
{
	pfx *f = *state;
	json_t *doc = p_deadlines(f->db);
	char *cp = NULL;
	assert_string_equal(hotline_db_policy(f->db), "service-standard");
	assert_int_equal(p_s_rules(doc), 1);
	assert_null(json_object_get(doc, "policy"));
	json_decref(doc);
	assert_int_equal(hotline_db_checkpoint(&cp, f->db, NULL), 0);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
	assert_int_equal(hotline_db_verify_checkpoint(f->db, cp, NULL), 0);
	hotline_free(cp);
}

/* The recorded text is covered: rewriting it is found by verify-log and by a checkpoint taken before. */
static void test_tampered_policy_is_found(void **state)
{
	pfx *f = *state;
	hotline_db *db;
	char *cp = NULL, *out = NULL;
	assert_int_equal(hotline_db_checkpoint(&cp, f->db, NULL), 0);
	/* the 48-hour reply made a week */
	sql(f, "UPDATE directory SET body = replace(body, '\\\"hours\\\": 48', '\\\"hours\\\": 168') "
		"WHERE kind = 'policy'", 1);
	db = p_open(f, NULL, 1);
	assert_int_not_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	assert_int_equal(hotline_db_verify_report(&out, db, NULL), HOTLINE_ECORRUPT);
	assert_non_null(strstr(out, "policy_record_differs"));
	hotline_free(out);
	assert_int_not_equal(hotline_db_verify_checkpoint(db, cp, NULL), 0);
	hotline_db_close(db);
	hotline_free(cp);
}

/*
 * A database made before policies were recorded (no record) runs under the
 * caller's policy, gm-hotline by default, as it always did, and no handle
 * writes a record for it.
 */
static void test_database_without_record(void **state)
{
	pfx *f = *state;
	hotline_db *db;
	json_t *doc;
	char line[1024];
	hotline_db_close(f->db);
	f->db = NULL;
	sql(f, "DELETE FROM directory WHERE kind = 'policy'", 1);
	db = p_open(f, NULL, 0);
	assert_string_equal(hotline_db_policy(db), "gm-hotline");
	doc = p_deadlines(db);
	assert_int_equal(p_s_rules(doc), 0);
	assert_null(json_object_get(doc, "policy"));
	json_decref(doc);
	snprintf(line, sizeof(line), P_REG, "B");
	assert_int_equal(hotline_db_exec_json(db, line, NULL, NULL), 0);
	hotline_db_close(db);
	db = p_open(f, "service-standard", 0);
	assert_string_equal(hotline_db_policy(db), "service-standard");
	snprintf(line, sizeof(line), P_REG, "C");
	assert_int_equal(hotline_db_exec_json(db, line, NULL, NULL), 0);
	doc = p_deadlines(db);
	assert_int_equal(p_s_rules(doc), 1);
	assert_null(json_object_get(doc, "policy"));
	json_decref(doc);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	hotline_db_close(db);
	sql(f, "DELETE FROM directory WHERE kind = 'policy'", 0);
	f->db = p_open(f, NULL, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_memory_records, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_memory_records, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_recorded_policy_is_the_default, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_writer_refuses_another_policy, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_what_if_documents_name_the_policy, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_policy_is_found, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_database_without_record, setup_sqlite, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
