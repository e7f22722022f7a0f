/*
 * Deadlines people can act on (DESIGN §6.6): open deadlines in a window
 * with whoever would be charged, and the policy's reminders moved into
 * duty hours.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_fixture.h"
#include <jansson.h>

static hotline_db *with_case(void)
{
	hotline_db *db;
	assert_int_equal(hotline_db_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	/* P1's manager becomes li2 on the 3rd at 12:00 */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li2\","
		"\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\",\"at\":\"2026-11-03T12:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	return db;
}

static json_t *rows(hotline_db *db, int reminders, const char *from, const char *to, const hotline_deadline_filter *f)
{
	hotline_time a, b;
	char *text;
	json_t *doc, *r;
	assert_int_equal(hotline_time_parse(&a, from), 0);
	assert_int_equal(hotline_time_parse(&b, to), 0);
	assert_int_equal((reminders ? hotline_db_reminders : hotline_db_deadlines)(&text, db, a, b, f), 0);
	assert_non_null(doc = json_loads(text, 0, NULL));
	hotline_free(text);
	r = json_incref(json_object_get(doc, reminders ? "reminders" : "deadlines"));
	json_decref(doc);
	return r;
}

static const json_t *find(const json_t *a, const char *rule)
{
	size_t i;
	const json_t *x;
	json_array_foreach(a, i, x)
		if (strcmp(json_string_value(json_object_get(x, "rule")), rule) == 0)
			return x;
	return NULL;
}

static void test_deadlines_with_liable(void **state)
{
	hotline_db *db = with_case();
	hotline_deadline_filter f = HOTLINE_DEADLINE_FILTER_INIT;
	json_t *a;
	const json_t *r;
	(void)state;
	assert_int_equal(hotline_time_parse(&f.as_of, "2026-11-02T09:30:00+08:00"), 0);
	a = rows(db, 0, "2026-11-02T09:30:00+08:00", "2026-11-03T10:00:00+08:00", &f);
	/* R14a due 11:20 (2 h after the dispatch), R14b/R14f due the next day 09:20: li's, the manager then */
	assert_non_null(r = find(a, "R14a"));
	assert_string_equal(json_string_value(json_object_get(r, "due")), "2026-11-02T11:20:00+08:00");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r, "liable"), 0)), "li");
	assert_int_equal(json_integer_value(json_object_get(r, "article")), 14);
	assert_false(json_is_true(json_object_get(r, "overdue")));
	assert_non_null(find(a, "R14b"));
	assert_null(find(a, "R17"));   /* due in 7 days: outside the window */
	/* ordered by due */
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "rule")), "R14a");
	json_decref(a);
	/* R16 is due on the 5th: by then P1 is li2's */
	a = rows(db, 0, "2026-11-02T09:30:00+08:00", "2026-11-10T00:00:00+08:00", NULL);
	assert_non_null(r = find(a, "R16"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(r, "liable"), 0)), "li2");
	json_decref(a);
	/* filters */
	f.as_of = HOTLINE_TIME_NONE;
	f.person = "li2";
	a = rows(db, 0, "2026-11-02T09:30:00+08:00", "2026-11-10T00:00:00+08:00", &f);
	assert_null(find(a, "R14a"));
	assert_non_null(find(a, "R16"));
	json_decref(a);
	f.person = NULL;
	f.property = "P2";
	a = rows(db, 0, "2026-11-02T09:30:00+08:00", "2026-11-10T00:00:00+08:00", &f);
	assert_int_equal(json_array_size(a), 0);
	json_decref(a);
	/* met deadlines are gone (on P2: P1's change is recorded, so li no longer acts there, DESIGN §6.1) */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C2\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P2\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li2\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"C2\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	f.property = "P2";
	a = rows(db, 0, "2026-11-02T09:30:00+08:00", "2026-11-03T10:00:00+08:00", &f);
	assert_non_null(find(a, "R14a"));
	json_decref(a);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"C2\",\"at\":\"2026-11-02T10:00:00+08:00\","
		"\"actor\":\"li2\",\"measures\":\"m\"}"), 0);
	a = rows(db, 0, "2026-11-02T10:00:00+08:00", "2026-11-03T10:00:00+08:00", &f);
	assert_null(find(a, "R14a"));
	json_decref(a);
	hotline_db_close(db);
}

static void test_reminders(void **state)
{
	hotline_db *db = with_case();
	json_t *a;
	const json_t *r;
	(void)state;
	a = rows(db, 1, "2026-11-02T09:00:00+08:00", "2026-11-04T00:00:00+08:00", NULL);
	/* R14a: 1 h before 11:20 */
	assert_non_null(r = find(a, "R14a"));
	assert_string_equal(json_string_value(json_object_get(r, "remind_at")), "2026-11-02T10:20:00+08:00");
	/* R14b: 4 h before 09:20 on the 3rd is 05:20, outside duty hours: back to the 2nd's last minute on duty */
	assert_non_null(r = find(a, "R14b"));
	assert_string_equal(json_string_value(json_object_get(r, "remind_at")), "2026-11-02T17:59:00+08:00");
	assert_string_equal(json_string_value(json_object_get(r, "due")), "2026-11-03T09:20:00+08:00");
	json_decref(a);
	hotline_db_close(db);
}

static json_t *doc_of(hotline_db *db, const char *from, const char *to, const hotline_deadline_filter *f)
{
	hotline_time a, b;
	char *text;
	json_t *doc;
	assert_int_equal(hotline_time_parse(&a, from), 0);
	assert_int_equal(hotline_time_parse(&b, to), 0);
	assert_int_equal(hotline_db_deadlines(&text, db, a, b, f), 0);
	assert_non_null(doc = json_loads(text, 0, NULL));
	hotline_free(text);
	return doc;
}

/* Overdue is judged against an instant ("now"), not against the window: a window in the past lists what is overdue. */
static void test_overdue_against_now(void **state)
{
	hotline_db *db = with_case();
	hotline_deadline_filter f = HOTLINE_DEADLINE_FILTER_INIT;
	json_t *doc;
	const json_t *a;
	(void)state;
	/* at 12:00 on the 2nd, R14a (due 11:20) is overdue, R14b (due the 3rd 09:20) is not */
	assert_int_equal(hotline_time_parse(&f.as_of, "2026-11-02T12:00:00+08:00"), 0);
	doc = doc_of(db, "2026-11-02T09:30:00+08:00", "2026-11-03T10:00:00+08:00", &f);
	a = json_object_get(doc, "deadlines");
	assert_true(json_is_true(json_object_get(find(a, "R14a"), "overdue")));
	assert_true(json_is_false(json_object_get(find(a, "R14b"), "overdue")));
	assert_string_equal(json_string_value(json_object_get(doc, "as_of")), "2026-11-02T12:00:00+08:00");
	json_decref(doc);
	/* due exactly now is on time */
	assert_int_equal(hotline_time_parse(&f.as_of, "2026-11-02T11:20:00+08:00"), 0);
	doc = doc_of(db, "2026-11-02T09:30:00+08:00", "2026-11-03T10:00:00+08:00", &f);
	assert_true(json_is_false(json_object_get(find(json_object_get(doc, "deadlines"), "R14a"), "overdue")));
	json_decref(doc);
	/* without an instant (no filter, or a version 1 filter): the log as it stands, never the clock nor the
	 * window's start alone — a reply at 12:00 puts the case's log past R14a's due */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-02T12:00:00+08:00\","
		"\"actor\":\"zhang\",\"text\":\"t\"}"), 0);
	doc = doc_of(db, "2026-11-02T09:30:00+08:00", "2026-11-03T10:00:00+08:00", NULL);
	assert_true(json_is_true(json_object_get(find(json_object_get(doc, "deadlines"), "R14a"), "overdue")));
	assert_true(json_is_false(json_object_get(find(json_object_get(doc, "deadlines"), "R14b"), "overdue")));
	assert_true(json_is_null(json_object_get(doc, "as_of")));
	json_decref(doc);
	f.version = 1;
	f.as_of = 0;
	doc = doc_of(db, "2026-11-02T09:30:00+08:00", "2026-11-03T10:00:00+08:00", &f);
	assert_true(json_is_true(json_object_get(find(json_object_get(doc, "deadlines"), "R14a"), "overdue")));
	json_decref(doc);
	hotline_db_close(db);
}

static void test_bad_input(void **state)
{
	hotline_db *db = with_case();
	hotline_deadline_filter f;
	char *text = NULL;
	(void)state;
	assert_int_equal(hotline_db_deadlines(&text, db, 100, 50, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_deadlines(NULL, db, 0, 50, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_deadlines(&text, NULL, 0, 50, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_reminders(&text, db, 0, HOTLINE_TIME_NONE, NULL), HOTLINE_EINVALID);
	memset(&f, 0, sizeof(f));
	assert_int_equal(hotline_db_deadlines(&text, db, 0, 50, &f), HOTLINE_EINVALID);
	assert_null(text);
	assert_int_equal(hotline_deadline_filter_init(&f, 1), 0);
	assert_int_equal(hotline_deadline_filter_init(&f, 2), 0);
	assert_true(f.as_of == HOTLINE_TIME_NONE);
	assert_int_equal(hotline_deadline_filter_init(&f, 3), HOTLINE_EINVALID);
	/* an as_of beyond the instants' limits: refused, saying which field */
	assert_int_equal(hotline_deadline_filter_init(&f, 2), 0);
	f.as_of = -1;
	assert_int_equal(hotline_db_deadlines(&text, db, 0, 50, &f), HOTLINE_EINVALID);
	assert_null(text);
	assert_non_null(strstr(hotline_db_errmsg(db), "as_of"));
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadlines_with_liable),
		cmocka_unit_test(test_reminders),
		cmocka_unit_test(test_overdue_against_now),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
