/*
 * The two other shipped policies, service-standard (seed 004, breaches
 * only) and sales-office (seed 002, joint liability), through the public API.
 */
#include "core_fixture.h"

#include <jansson.h>

static hotline_db *open_policy(const char *policy)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	o.policy = policy;
	if (hotline_db_open(&db, "memory:", &o) != 0)
		fail_msg("open %s: %s", policy, hotline_last_error());
	fixture_load(db);
	return db;
}

static json_t *assess(hotline_db *db, const char *as_of)
{
	hotline_time t;
	char *out = NULL;
	json_t *doc;
	assert_int_equal(hotline_time_parse(&t, as_of), 0);
	if (hotline_db_assess(&out, db, t, HOTLINE_FORMAT_JSON) != 0)
		fail_msg("assess: %s", hotline_db_errmsg(db));
	doc = json_loads(out, 0, NULL);
	hotline_free(out);
	return doc;
}

#define REG "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"%s}"

/* seed 004: a general complaint needs onsite_visit in 1 h, reply in 4 h, complete in 8 h; no money. */
static void test_service_standard(void **state)
{
	hotline_db *db = open_policy("service-standard");
	json_t *doc;
	(void)state;
	assert_int_equal(exec_fmt(db, REG, "A", "2026-11-02T09:00:00+08:00", ""), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"onsite_visit\",\"case\":\"A\",\"at\":\"2026-11-02T10:30:00+08:00\",\"actor\":\"wu\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"A\",\"at\":\"2026-11-02T13:00:00+08:00\",\"actor\":\"zhang\",\"text\":\"t\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"complete\",\"case\":\"A\",\"at\":\"2026-11-02T17:00:00+08:00\",\"actor\":\"li\"}"), 0);
	/* an urgent repair: onsite within 30 minutes */
	assert_int_equal(exec_fmt(db, REG, "R", "2026-11-02T09:00:00+08:00", ",\"kind\":\"repair\",\"severity\":\"urgent\""), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"R\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"onsite_visit\",\"case\":\"R\",\"at\":\"2026-11-02T09:30:00+08:00\",\"actor\":\"wu\"}"), 0);
	doc = assess(db, "2026-11-03T09:00:00+08:00");
	/* onsite 30 min late; reply at 4 h exactly is on time; complete at 8 h exactly is on time */
	assert_int_equal(json_array_size(json_object_get(doc, "penalties")), 0); /* breaches only */
	{
		size_t i, late_visit = 0;
		json_t *x;
		json_array_foreach(json_object_get(json_object_get(doc, "assessment"), "breaches"), i, x) {
			const char *c = json_string_value(json_object_get(x, "case"));
			if (!strcmp(c, "A"))
				late_visit += json_integer_value(json_object_get(x, "late_seconds")) == 1800;
			if (!strcmp(c, "R"))
				fail_msg("the urgent repair was visited exactly at 30 minutes: no breach");
		}
		assert_int_equal(late_visit, 1);
	}
	json_decref(doc);
	hotline_db_close(db);
}

/* seed 002: same-day solution or a promised date; misses cost the call taker ¥100 and, jointly, ¥50 each. */
static void test_sales_office(void **state)
{
	hotline_db *db = open_policy("sales-office");
	json_t *doc, *p;
	size_t i;
	json_int_t zhang = 0, dir = 0, asst = 0;
	(void)state;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"sd\",\"name\":\"销售总监\",\"roles\":[\"sales_director\"]}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"da\",\"name\":\"总监助理\",\"roles\":[\"director_assistant\"]}"), 0);
	/* A: neither complete nor a promise by the end of the day: missed at 24:00 */
	assert_int_equal(exec_fmt(db, REG, "A", "2026-11-02T09:00:00+08:00", ""), 0);
	/* B: a promise the same day, kept */
	assert_int_equal(exec_fmt(db, REG, "B", "2026-11-02T09:00:00+08:00", ""), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"B\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"B\",\"at\":\"2026-11-02T15:00:00+08:00\",\"actor\":\"zhang\",\"text\":\"t\",\"promised_at\":\"2026-11-04T12:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"complete\",\"case\":\"B\",\"at\":\"2026-11-04T12:00:00+08:00\",\"actor\":\"li\"}"), 0);
	/* C: promised, then late */
	assert_int_equal(exec_fmt(db, REG, "C", "2026-11-02T09:00:00+08:00", ""), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"C\",\"at\":\"2026-11-02T15:00:00+08:00\",\"actor\":\"zhang\",\"text\":\"t\",\"promised_at\":\"2026-11-03T12:00:00+08:00\"}"), 0);
	doc = assess(db, "2026-11-05T00:00:00+08:00");
	json_array_foreach(json_object_get(doc, "penalties"), i, p) {
		const char *who = json_string_value(json_object_get(p, "person"));
		const char *c = json_string_value(json_object_get(p, "case"));
		json_int_t a = json_integer_value(json_object_get(p, "amount_fen"));
		assert_true(strcmp(c, "B") != 0);
		if (!strcmp(who, "zhang"))
			zhang += a;
		else if (!strcmp(who, "sd"))
			dir += a;
		else if (!strcmp(who, "da"))
			asst += a;
	}
	assert_int_equal(zhang, 20000); /* A and C */
	assert_int_equal(dir, 10000);
	assert_int_equal(asst, 10000);
	json_decref(doc);
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_standard),
		cmocka_unit_test(test_sales_office),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
