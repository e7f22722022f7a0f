/*
 * The directory over time (DESIGN §6.1): dated updates, retirement, checks
 * as of each command's instant, liability as of each increment, the bonus
 * correction, and the administrator's authority.
 */
#include <stdlib.h>
#include <unistd.h>

#include "core_fixture.h"
#include <jansson.h>

static hotline_db *open_memory(void)
{
	hotline_db *db;
	assert_int_equal(hotline_db_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	return db;
}

static int register_case(hotline_db *db, const char *id, const char *property, const char *at)
{
	return exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"property\":\"%s\","
		"\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
		id, at, property);
}

/* Sum of the assessment's penalties of a rule charged to a person ("" for nobody) at as_of. */
static int64_t charged(hotline_db *db, const char *as_of_text, const char *rule, const char *person)
{
	hotline_time as_of;
	char *text;
	json_t *doc, *p;
	size_t i;
	int64_t sum = 0;
	assert_int_equal(hotline_time_parse(&as_of, as_of_text), 0);
	assert_int_equal(hotline_db_assess(&text, db, as_of, HOTLINE_FORMAT_JSON), 0);
	assert_non_null(doc = json_loads(text, 0, NULL));
	json_array_foreach(json_object_get(doc, "penalties"), i, p) {
		const char *who = json_string_value(json_object_get(p, "person"));
		if (strcmp(json_string_value(json_object_get(p, "rule")), rule) == 0 && strcmp(who ? who : "", person) == 0)
			sum += json_integer_value(json_object_get(p, "amount_fen"));
	}
	json_decref(doc);
	hotline_free(text);
	return sum;
}

/* A person's capped total and bonus in the assessment at as_of (-1: not listed / no bonus). */
static void person_totals(hotline_db *db, const char *as_of_text, const char *person, int64_t *capped, int64_t *bonus)
{
	hotline_time as_of;
	char *text;
	json_t *doc, *p;
	size_t i;
	*capped = *bonus = -1;
	assert_int_equal(hotline_time_parse(&as_of, as_of_text), 0);
	assert_int_equal(hotline_db_assess(&text, db, as_of, HOTLINE_FORMAT_JSON), 0);
	assert_non_null(doc = json_loads(text, 0, NULL));
	json_array_foreach(json_object_get(json_object_get(doc, "assessment"), "people"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "person")), person) == 0) {
			*capped = json_integer_value(json_object_get(p, "capped_fen"));
			if (json_is_integer(json_object_get(p, "bonus_fen")))
				*bonus = json_integer_value(json_object_get(p, "bonus_fen"));
		}
	json_decref(doc);
	hotline_free(text);
}

/* P1's manager changes on the 15th: a deadline missed on the 10th is li's, one missed on the 20th li2's. */
static void test_manager_change(void **state)
{
	hotline_db *db = open_memory();
	(void)state;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li2\","
		"\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\",\"at\":\"2026-11-15T00:00:00+08:00\"}"), 0);
	assert_int_equal(register_case(db, "A", "P1", "2026-11-10T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-10T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(register_case(db, "B", "P1", "2026-11-20T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"B\",\"at\":\"2026-11-20T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	/* R14a (2 h, once): A's due 11-10 11:20 is li's, B's due 11-20 11:20 is li2's */
	assert_int_equal(charged(db, "2026-11-21T00:00:00+08:00", "R14a", "li"), 500);
	assert_int_equal(charged(db, "2026-11-21T00:00:00+08:00", "R14a", "li2"), 500);
	/* R14b (per started day from 11-11 09:20): A's increments before the 15th are li's, the rest li2's */
	assert_int_equal(charged(db, "2026-11-21T00:00:00+08:00", "R14b", "li"), 4 * 300);
	assert_int_equal(charged(db, "2026-11-21T00:00:00+08:00", "R14b", "li2"), 6 * 300);
	/* scope follows the directory: li no longer acts on P1 after the 15th */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"B\",\"at\":\"2026-11-20T12:00:00+08:00\","
		"\"actor\":\"li\",\"measures\":\"m\"}"), HOTLINE_EFORBIDDEN);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"B\",\"at\":\"2026-11-20T12:00:00+08:00\","
		"\"actor\":\"li2\",\"measures\":\"m\"}"), 0);
	hotline_db_close(db);
}

/* Retirement, and persons who do not exist yet. */
static void test_retirement_and_existence(void **state)
{
	hotline_db *db = open_memory();
	(void)state;
	assert_int_equal(register_case(db, "A", "P1", "2026-11-09T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[],"
		"\"at\":\"2026-11-10T00:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"sun\",\"name\":\"孙\",\"roles\":[\"hotline_specialist\"],"
		"\"at\":\"2026-11-12T00:00:00+08:00\"}"), 0);
	assert_int_equal(register_case(db, "B", "P1", "2026-11-10T09:05:00+08:00"), HOTLINE_EFORBIDDEN);
	assert_non_null(strstr(hotline_db_errmsg(db), "'zhang' is not a hotline_specialist"));
	/* sun exists from the 12th on */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-11T09:20:00+08:00\",\"actor\":\"sun\"}"),
		HOTLINE_ENOT_FOUND);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-12T09:20:00+08:00\",\"actor\":\"sun\"}"), 0);
	/* a retired person still exists: named as a call's agent, not refused */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-12T10:00:00+08:00\",\"agent\":\"zhang\",\"rings\":1,"
		"\"answered\":true}"), 0);
	hotline_db_close(db);
}

/* Without `at` a redefinition is a duplicate; an update earlier than the latest definition is invalid. */
static void test_update_rules(void **state)
{
	hotline_db *db = open_memory();
	(void)state;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}"),
		HOTLINE_EDUPLICATE);
	assert_non_null(strstr(hotline_db_errmsg(db), "give 'at'"));
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"],"
		"\"at\":\"2026-11-15T00:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强强\",\"roles\":[\"property_manager\"],"
		"\"at\":\"2026-11-14T00:00:00+08:00\"}"), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(db), "earlier than the latest definition"));
	/* the same instant: the later line wins */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P2\",\"name\":\"x\",\"manager\":\"li\","
		"\"at\":\"2026-11-15T00:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P2\",\"name\":\"y\",\"manager\":\"li2\","
		"\"at\":\"2026-11-15T00:00:00+08:00\"}"), 0);
	assert_int_equal(register_case(db, "A", "P2", "2026-11-16T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-16T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"A\",\"at\":\"2026-11-16T10:00:00+08:00\","
		"\"actor\":\"li2\",\"measures\":\"m\"}"), 0);
	/* a bonus correction is an update too */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":1}"),
		HOTLINE_EDUPLICATE);
	hotline_db_close(db);
}

/* The month's cap is the latest bonus definition at as_of. */
static void test_bonus_correction(void **state)
{
	hotline_db *db = open_memory();
	int64_t capped, bonus;
	(void)state;
	assert_int_equal(register_case(db, "A", "P1", "2026-11-02T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":700,"
		"\"at\":\"2026-11-20T00:00:00+08:00\"}"), 0);
	person_totals(db, "2026-11-19T00:00:00+08:00", "li", &capped, &bonus);
	assert_int_equal(bonus, 20000);
	assert_true(capped > 700);
	person_totals(db, "2026-11-26T00:00:00+08:00", "li", &capped, &bonus);
	assert_int_equal(bonus, 700);
	assert_int_equal(capped, 700);
	hotline_db_close(db);
}

/* R20's manager is the one in force just before the period end. */
static void check_r20(const char *change_at, const char *old_pays, const char *new_pays)
{
	hotline_db *db = open_memory();
	assert_int_equal(register_case(db, "A", "P2", "2026-11-02T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P2\",\"name\":\"锦绣华庭\",\"manager\":\"li\","
		"\"department_heads\":[\"wu2\"],\"at\":\"%s\"}", change_at), 0);
	/* closure 0/1 < 80 %: 80 started points at ¥3 */
	assert_int_equal(charged(db, "2026-11-27T00:00:00+08:00", "R20a", old_pays), 80 * 300);
	assert_int_equal(charged(db, "2026-11-27T00:00:00+08:00", "R20a", new_pays), 0);
	hotline_db_close(db);
}

static void test_r20_period_end(void **state)
{
	(void)state;
	check_r20("2026-11-27T00:00:00+08:00", "li2", "li");   /* dated exactly at the end: the next period's */
	check_r20("2026-11-26T23:59:59+08:00", "li", "li2");
}

/* Once an administrator exists, only an administrator changes the directory. */
static void test_authority(void **state)
{
	hotline_db *db = open_memory();
	(void)state;
	/* setting up: no actor needed, also for the first administrator */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"adm\",\"name\":\"管理员\",\"roles\":[\"administrator\"],"
		"\"at\":\"2026-11-05T00:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"x1\",\"name\":\"x\",\"roles\":[\"hotline_specialist\"]}"),
		HOTLINE_EFORBIDDEN);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"x1\",\"name\":\"x\",\"roles\":[\"hotline_specialist\"],"
		"\"actor\":\"zhang\",\"at\":\"2026-11-06T00:00:00+08:00\"}"), HOTLINE_EFORBIDDEN);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"x1\",\"name\":\"x\",\"roles\":[\"hotline_specialist\"],"
		"\"actor\":\"nobody\",\"at\":\"2026-11-06T00:00:00+08:00\"}"), HOTLINE_ENOT_FOUND);
	/* back-dated before the administrator existed: the actor does not exist then */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"x1\",\"name\":\"x\",\"roles\":[\"hotline_specialist\"],"
		"\"actor\":\"adm\",\"at\":\"2026-11-04T00:00:00+08:00\"}"), HOTLINE_ENOT_FOUND);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"x1\",\"name\":\"x\",\"roles\":[\"hotline_specialist\"],"
		"\"actor\":\"adm\",\"at\":\"2026-11-06T00:00:00+08:00\"}"), 0);
	/* a line without `at` is checked against every definition so far */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2026-11\",\"amount_fen\":5,"
		"\"actor\":\"adm\"}"), 0);
	/* the only administrator cannot retire: the directory would lock */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"adm\",\"name\":\"管理员\",\"roles\":[],"
		"\"actor\":\"adm\",\"at\":\"2026-11-07T00:00:00+08:00\"}"), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(db), "administrator"));
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"adm2\",\"name\":\"管理员二\",\"roles\":[\"administrator\"],"
		"\"actor\":\"adm\",\"at\":\"2026-11-07T00:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"adm\",\"name\":\"管理员\",\"roles\":[],"
		"\"actor\":\"adm2\",\"at\":\"2026-11-08T00:00:00+08:00\"}"), 0);
	/* adm is retired from the 8th: no longer an administrator */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"x2\",\"name\":\"x\",\"roles\":[\"hotline_specialist\"],"
		"\"actor\":\"adm\",\"at\":\"2026-11-09T00:00:00+08:00\"}"), HOTLINE_EFORBIDDEN);
	hotline_db_close(db);
}

/* The whole directory, every definition so far (a refusal must leave it as it was). */
static char *directory_text(hotline_db *db)
{
	char *text;
	assert_int_equal(hotline_db_directory(&text, db, HOTLINE_TIME_NONE), 0);
	return text;
}

/* Refused with code and a message holding `why`; the directory and the named case's stream unchanged. */
static void refused_unchanged(hotline_db *db, int code, const char *why, const char *case_id, const char *fmt, ...)
{
	char buf[2048], *before, *after;
	size_t events = case_id ? event_count(db, case_id) : 0, org = event_count(db, "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	before = directory_text(db);
	assert_int_equal(hotline_db_exec_json(db, buf, NULL, NULL), code);
	if (!strstr(hotline_db_errmsg(db), why))
		fail_msg("'%s' does not say '%s'", hotline_db_errmsg(db), why);
	after = directory_text(db);
	assert_string_equal(before, after);
	if (case_id)
		assert_int_equal(event_count(db, case_id), events);
	assert_int_equal(event_count(db, ""), org);
	hotline_free(before);
	hotline_free(after);
}

/*
 * Authority now as well as then (DESIGN §6.1): a1 appoints a2, a2 demotes
 * a1 from 05-01; a1 cannot define an administrator dated 04-30.
 */
static void test_demoted_administrator_backdating(void **state)
{
	hotline_db *db = open_memory();
	(void)state;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"a1\",\"name\":\"甲\",\"roles\":[\"administrator\"]}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"a2\",\"name\":\"乙\",\"roles\":[\"administrator\"],"
		"\"actor\":\"a1\",\"at\":\"2026-04-01T00:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"a1\",\"name\":\"甲\",\"roles\":[],"
		"\"actor\":\"a2\",\"at\":\"2026-05-01T00:00:00+08:00\"}"), 0);
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "'a1' is not an administrator in the latest definitions", NULL,
		"{\"cmd\":\"person\",\"id\":\"z\",\"name\":\"z\",\"roles\":[\"administrator\"],"
		"\"actor\":\"a1\",\"at\":\"2026-04-30T00:00:00+08:00\"}");
	/* nor restore itself or correct a bonus, back-dated */
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "latest definitions", NULL,
		"{\"cmd\":\"person\",\"id\":\"a1\",\"name\":\"甲\",\"roles\":[\"administrator\"],"
		"\"actor\":\"a1\",\"at\":\"2026-04-30T00:00:00+08:00\"}");
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "latest definitions", NULL,
		"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-04\",\"amount_fen\":1,"
		"\"actor\":\"a1\",\"at\":\"2026-04-30T00:00:00+08:00\"}");
	/* as of the line's instant still comes first: after 05-01 a1 is not one then either */
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "'a1' is not an administrator at the line's instant", NULL,
		"{\"cmd\":\"person\",\"id\":\"z\",\"name\":\"z\",\"roles\":[\"administrator\"],"
		"\"actor\":\"a1\",\"at\":\"2026-05-02T00:00:00+08:00\"}");
	/* a2 holds the role then and now */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"z\",\"name\":\"z\",\"roles\":[\"administrator\"],"
		"\"actor\":\"a2\",\"at\":\"2026-04-30T00:00:00+08:00\"}"), 0);
	hotline_db_close(db);
}

/* A retired specialist cannot register a case, or act on one, dated before the retirement. */
static void test_retired_specialist_backdating(void **state)
{
	hotline_db *db = open_memory();
	(void)state;
	assert_int_equal(register_case(db, "A", "P1", "2026-11-09T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[],"
		"\"at\":\"2026-11-10T00:00:00+08:00\"}"), 0);
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "'zhang' is not a hotline_specialist in the latest definitions", "B",
		"{\"cmd\":\"register\",\"case\":\"B\",\"at\":\"2026-11-09T10:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\","
		"\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}");
	assert_int_equal(case_state(db, "B", NULL, NULL), -1);
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "latest definitions", "A",
		"{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-09T09:20:00+08:00\",\"actor\":\"zhang\"}");
	assert_int_equal(case_state(db, "A", NULL, NULL), HOTLINE_STATE_RECEIVED);
	hotline_db_close(db);
}

/* A property's former manager cannot act on its cases with an earlier `at`; the new one only from the change. */
static void test_former_manager_backdating(void **state)
{
	hotline_db *db = open_memory();
	int64_t version = 0;
	(void)state;
	assert_int_equal(register_case(db, "A", "P1", "2026-11-10T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-10T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li2\","
		"\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\",\"at\":\"2026-11-15T00:00:00+08:00\"}"), 0);
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "'li' is not named as property_manager of property 'P1' in the latest definitions",
		"A", "{\"cmd\":\"decide_measures\",\"case\":\"A\",\"at\":\"2026-11-10T10:00:00+08:00\",\"actor\":\"li\",\"measures\":\"m\"}");
	/* the new manager only from the change on */
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "'li2' is not named as property_manager of property 'P1'", "A",
		"{\"cmd\":\"decide_measures\",\"case\":\"A\",\"at\":\"2026-11-10T10:00:00+08:00\",\"actor\":\"li2\",\"measures\":\"m\"}");
	assert_int_equal(case_state(db, "A", NULL, &version), HOTLINE_STATE_DISPATCHED);
	assert_int_equal(version, 2);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"A\",\"at\":\"2026-11-15T10:00:00+08:00\","
		"\"actor\":\"li2\",\"measures\":\"m\"}"), 0);
	/* a role named per property: the department head who stays may still act back-dated */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"onsite_visit\",\"case\":\"A\",\"at\":\"2026-11-15T11:00:00+08:00\",\"actor\":\"wu\"}"), 0);
	hotline_db_close(db);
}

/* A change dated later than a command removes authority as soon as it is recorded, and gives it only from its `at`. */
static void test_future_dated_change(void **state)
{
	hotline_db *db = open_memory();
	(void)state;
	/* zhang retires from January; sun becomes a specialist from December */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[],"
		"\"at\":\"2027-01-01T00:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"sun\",\"name\":\"孙\",\"roles\":[]}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"sun\",\"name\":\"孙\",\"roles\":[\"hotline_specialist\"],"
		"\"at\":\"2026-12-01T00:00:00+08:00\"}"), 0);
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "'zhang' is not a hotline_specialist in the latest definitions", "A",
		"{\"cmd\":\"register\",\"case\":\"A\",\"at\":\"2026-11-20T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\","
		"\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}");
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "'sun' is not a hotline_specialist", "A",
		"{\"cmd\":\"register\",\"case\":\"A\",\"at\":\"2026-11-20T09:05:00+08:00\",\"actor\":\"sun\",\"property\":\"P1\","
		"\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}");
	assert_int_equal(case_state(db, "A", NULL, NULL), -1);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"A\",\"at\":\"2026-12-01T09:05:00+08:00\",\"actor\":\"sun\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}"), 0);
	/* the same for an administrator demoted from a later date */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"a1\",\"name\":\"甲\",\"roles\":[\"administrator\"]}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"a2\",\"name\":\"乙\",\"roles\":[\"administrator\"],"
		"\"actor\":\"a1\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"a1\",\"name\":\"甲\",\"roles\":[],"
		"\"actor\":\"a2\",\"at\":\"2027-01-01T00:00:00+08:00\"}"), 0);
	refused_unchanged(db, HOTLINE_EFORBIDDEN, "'a1' is not an administrator in the latest definitions", NULL,
		"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-12\",\"amount_fen\":1,"
		"\"actor\":\"a1\",\"at\":\"2026-12-01T00:00:00+08:00\"}");
	hotline_db_close(db);
}

/* Every definition survives a reopen, and another handle's update is seen. */
static void test_persisted_and_shared(void **state)
{
	char path[512];
	hotline_db *a, *b;
	(void)state;
	snprintf(path, sizeof(path), "sqlite:%s/dirtime-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	remove(path + 7);
	assert_int_equal(fixture_open(&a, path, NULL), 0);
	fixture_load(a);
	assert_int_equal(fixture_open(&b, path, NULL), 0);
	assert_int_equal(exec_fmt(a, "{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li2\","
		"\"at\":\"2026-11-15T00:00:00+08:00\"}"), 0);
	/* b loaded its directory before the update: it sees it now */
	assert_int_equal(register_case(b, "A", "P1", "2026-11-20T09:05:00+08:00"), 0);
	assert_int_equal(exec_fmt(b, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-20T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(b, "{\"cmd\":\"decide_measures\",\"case\":\"A\",\"at\":\"2026-11-20T10:00:00+08:00\","
		"\"actor\":\"li\",\"measures\":\"m\"}"), HOTLINE_EFORBIDDEN);
	hotline_db_close(a);
	hotline_db_close(b);
	assert_int_equal(fixture_open(&a, path, NULL), 0);
	assert_int_equal(exec_fmt(a, "{\"cmd\":\"decide_measures\",\"case\":\"A\",\"at\":\"2026-11-20T10:00:00+08:00\","
		"\"actor\":\"li2\",\"measures\":\"m\"}"), 0);
	assert_int_equal(exec_fmt(a, "{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\","
		"\"at\":\"2026-11-14T00:00:00+08:00\"}"), HOTLINE_EINVALID);
	hotline_db_close(a);
	remove(path + 7);
}

/* The directory read back as of an instant, with each record's history. */
static void test_readback(void **state)
{
	hotline_db *db = open_memory();
	hotline_time t;
	char *text;
	json_t *doc, *p;
	size_t i;
	int seen = 0;
	(void)state;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li2\","
		"\"at\":\"2026-11-15T00:00:00+08:00\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"sun\",\"name\":\"孙\",\"roles\":[\"hotline_specialist\"],"
		"\"at\":\"2026-11-20T00:00:00+08:00\"}"), 0);
	assert_int_equal(hotline_time_parse(&t, "2026-11-16T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_directory(&text, db, t), 0);
	assert_non_null(doc = json_loads(text, 0, NULL));
	hotline_free(text);
	assert_string_equal(json_string_value(json_object_get(doc, "as_of")), "2026-11-16T00:00:00+08:00");
	json_array_foreach(json_object_get(doc, "properties"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "id")), "P1") == 0) {
			seen = 1;
			assert_string_equal(json_string_value(json_object_get(p, "manager")), "li2");
			assert_string_equal(json_string_value(json_object_get(p, "from")), "2026-11-15T00:00:00+08:00");
			assert_int_equal(json_array_size(json_object_get(p, "history")), 2);
			assert_true(json_is_null(json_object_get(json_array_get(json_object_get(p, "history"), 0), "from")));
		}
	assert_true(seen);
	/* sun does not exist yet on the 16th */
	json_array_foreach(json_object_get(doc, "persons"), i, p)
		assert_string_not_equal(json_string_value(json_object_get(p, "id")), "sun");
	json_decref(doc);
	assert_int_equal(hotline_db_directory(&text, db, HOTLINE_TIME_NONE), 0);
	assert_non_null(strstr(text, "\"sun\""));
	hotline_free(text);
	assert_int_equal(hotline_db_directory(NULL, db, t), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_directory(&text, NULL, t), HOTLINE_EINVALID);
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manager_change),
		cmocka_unit_test(test_retirement_and_existence),
		cmocka_unit_test(test_update_rules),
		cmocka_unit_test(test_bonus_correction),
		cmocka_unit_test(test_r20_period_end),
		cmocka_unit_test(test_authority),
		cmocka_unit_test(test_demoted_administrator_backdating),
		cmocka_unit_test(test_retired_specialist_backdating),
		cmocka_unit_test(test_former_manager_backdating),
		cmocka_unit_test(test_future_dated_change),
		cmocka_unit_test(test_persisted_and_shared),
		cmocka_unit_test(test_readback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
