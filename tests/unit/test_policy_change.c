/*
 * A `policy` line changes the database's policy from its `at` on (DESIGN
 * §6.7) on memory and SQLite (PostgreSQL: tests/pg/test_postgres.c): the
 * shared tests of policy_change.h.
 */
#include <stdlib.h>
#include <unistd.h>

/* policy_record.h (included by policy_change.h) brings its own tests, run by test_policy_record.c */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "policy_change.h"

/* policy_record.h's database, with an administrator added */
static int setup(void **state, int sqlite)
{
	if (p_setup(state, sqlite, "polchg") != 0)
		return -1;
	pc_admin(*state);
	return 0;
}

static int setup_memory(void **state) { return setup(state, 0); }
static int setup_sqlite(void **state) { return setup(state, 1); }
static int teardown(void **state) { return p_teardown(state); }

/* li's row of the November assessment (as of the period's end) of a gm-hotline database changed at `at`. */
static json_t *li_row(const char *at)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	json_t *doc, *p, *row = NULL;
	char *out = NULL, line[1024];
	size_t i;
	o.policy = "gm-hotline";
	assert_int_equal(fixture_open(&db, "memory:", &o), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, PC_ADMIN, NULL, NULL), 0);
	snprintf(line, sizeof(line), PC_REG, "A", "2026-11-10T10:00:00+08:00");
	assert_int_equal(hotline_db_exec_json(db, line, NULL, NULL), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-10T10:30:00+08:00\","
		"\"actor\":\"zhang\"}"), 0);
	if (at)
		assert_int_equal(pc_run(db, pc_line("service-standard", "admin", at)), 0);
	assert_int_equal(hotline_db_assess(&out, db, p_T("2026-11-27T00:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
	doc = p_parse(out);
	/* A's clocks started under gm-hotline: its misses cost whatever came after */
	out = json_dumps(json_object_get(doc, "penalties"), 0);
	assert_non_null(strstr(out, "\"R14b\""));
	free(out);
	json_array_foreach(json_object_get(json_object_get(doc, "assessment"), "people"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "person")), "li") == 0)
			row = json_deep_copy(p);
	json_decref(doc);
	hotline_db_close(db);
	assert_non_null(row);
	return row;
}

/* The cap (Art. 22) under the policy in force just before the period's end. */
static void test_cap_at_the_period_end(void **state)
{
	json_t *before = li_row(NULL), *mid = li_row("2026-11-20T00:00:00+08:00"),
		*at_end = li_row("2026-11-27T00:00:00+08:00");
	(void)state;
	assert_int_equal(json_integer_value(json_object_get(before, "bonus_fen")), 20000);
	/* service-standard in force at the end: no cap */
	assert_true(json_is_null(json_object_get(mid, "bonus_fen")));
	/* nor Art. 20's rates: R20 (A not closed, 80 points below at ¥3) is gone, A's own misses stay */
	assert_int_equal(json_integer_value(json_object_get(mid, "raw_fen")),
		json_integer_value(json_object_get(before, "raw_fen")) - 80 * 300);
	/* a change dated exactly at the end belongs to the next period */
	assert_int_equal(json_integer_value(json_object_get(at_end, "bonus_fen")), 20000);
	json_decref(before);
	json_decref(mid);
	json_decref(at_end);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mid_month_change, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_mid_month_change, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_next_due_recomputed, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_next_due_recomputed, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_bad_policy_lines, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_bad_policy_lines, setup_memory, teardown),
		cmocka_unit_test(test_cap_at_the_period_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
