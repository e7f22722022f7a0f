/*
 * The calendar over New Year (DESIGN §6.7): a month spanning 2026-12-15 …
 * 2027-01-31 under service-standard, on memory and SQLite. Without 2027
 * data every deadline is still there (the working-day ones provisional)
 * and the sweep and claim_due hand the cases out; after a `calendar` line
 * adopts 2027 (tests/data: invented test data) the open cases' next due is
 * recomputed, the mark is gone, verify-log is clean and a checkpoint taken
 * before still verifies; every handle computes with the same calendar.
 */
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "calendar_month.h"

static int setup(void **state, int sqlite)
{
	fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-calrec-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	if (sqlite)
		snprintf(f->uri, sizeof(f->uri), "sqlite:%s/c.db", f->dir);
	else
		snprintf(f->uri, sizeof(f->uri), "memory:");
	open_service_standard(f, &f->db);
	fixture_load(f->db);
	month(f->db);
	*state = f;
	return 0;
}

static int setup_memory(void **state) { return setup(state, 0); }
static int setup_sqlite(void **state) { return setup(state, 1); }

static int teardown(void **state)
{
	fx *f = *state;
	int rc = fixture_close_dir(f->db, f->dir);
	free(f);
	return rc;
}

/* The recorded year is covered: a rewritten or deleted calendar record is found by verify-log and the checkpoint. */
static void test_tampered_calendar_is_found(void **state)
{
	fx *f = *state;
	char path[300], *cp = NULL;
	sqlite3 *s;
	adopt(f->db, "");
	assert_int_equal(hotline_db_checkpoint(&cp, f->db, NULL), 0);
	snprintf(path, sizeof(path), "%s/c.db", f->dir);
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	/* 2027-01-01 quietly made a working day again */
	assert_int_equal(sqlite3_exec(s, "UPDATE directory SET body = replace(body, '\"2027-01-01\",', '') "
		"WHERE kind = 'calendar'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(s), 1);
	sqlite3_close(s);
	hotline_db_close(f->db);
	open_service_standard(f, &f->db);
	assert_int_not_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
	assert_int_not_equal(hotline_db_verify_checkpoint(f->db, cp, NULL), 0);
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "DELETE FROM directory WHERE kind = 'calendar'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	hotline_db_close(f->db);
	open_service_standard(f, &f->db);
	assert_int_not_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
	assert_int_not_equal(hotline_db_verify_checkpoint(f->db, cp, NULL), 0);
	hotline_free(cp);
}

/* Organisation rows of an assessment (periodic obligations): their text, without seqs. */
static char *org_breaches(hotline_db *db)
{
	char *out = NULL, *text;
	json_t *doc, *row, *keep = json_array();
	size_t i;
	assert_int_equal(hotline_db_assess(&out, db, T("2026-11-30T23:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
	doc = parse(out);
	json_array_foreach(json_object_get(json_object_get(doc, "assessment"), "breaches"), i, row)
		if (json_is_null(json_object_get(row, "case")))
			json_array_append(keep, row);
	text = json_dumps(keep, JSON_SORT_KEYS);
	json_decref(keep);
	json_decref(doc);
	return text;
}

/* A calendar line, dated however early, is not the first event of the log for periodic obligations (DESIGN §3.1). */
static void test_calendar_line_starts_no_period(void **state)
{
	hotline_db *a, *b;
	char *ta, *tb;
	(void)state;
	assert_int_equal(fixture_open(&a, "memory:", NULL), 0);
	assert_int_equal(fixture_open(&b, "memory:", NULL), 0);
	run(b, "{\"cmd\":\"calendar\",\"year\":2027,\"holidays\":[],\"at\":\"2026-06-01T00:00:00+08:00\"}");
	fixture_load(a);
	fixture_load(b);
	run(a, REG, "N1", "2026-11-02T09:00:00+08:00", "general");
	run(b, REG, "N1", "2026-11-02T09:00:00+08:00", "general");
	ta = org_breaches(a);
	tb = org_breaches(b);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	hotline_db_close(a);
	hotline_db_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_deadline_is_lost, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_no_deadline_is_lost, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_and_claims_hand_them_out, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_and_claims_hand_them_out, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_documents_mark_it, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_documents_mark_it, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_adopting_the_year, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_adopting_the_year, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_two_handles_agree, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_who_may_adopt, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_who_may_adopt, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_adoption, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_adoption, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_calendar_is_found, setup_sqlite, teardown),
		cmocka_unit_test(test_calendar_line_starts_no_period),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
