/*
 * Requests nest (DESIGN §2): a request made while another is pending or
 * approved stacks on it; approve and reject answer the latest; reject
 * restores state, approval and exemption exactly as before that request.
 * Every combination of two requests, with the penalties of the case.
 */
#include <stdlib.h>

#include "core_fixture.h"
#include <jansson.h>

#define AT(hm) "2026-11-02T" hm ":00+08:00"

static const char *const opening[] = {
	"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"" AT("09:05") "\",\"actor\":\"zhang\",\"property\":\"P1\","
	"\"room\":\"3-201\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"" AT("09:20") "\",\"actor\":\"zhang\"}",
	/* the first request, A, at 10:00 (before R14a's due at 11:20) */
	"{\"cmd\":\"request_escalation\",\"case\":\"C1\",\"at\":\"" AT("10:00") "\",\"actor\":\"li\",\"report\":\"r\"}",
	NULL
};
static const char *const approve_a = "{\"cmd\":\"approve\",\"case\":\"C1\",\"at\":\"" AT("10:30") "\",\"actor\":\"gm\"}";
/* the second request, B, at 12:00 (after R14a's due) */
static const char *const malicious_b = "{\"cmd\":\"report_malicious\",\"case\":\"C1\",\"at\":\"" AT("12:00") "\","
	"\"actor\":\"li\",\"explanation\":\"e\"}";
static const char *const stage_close_b = "{\"cmd\":\"request_stage_close\",\"case\":\"C1\",\"at\":\"" AT("12:00") "\","
	"\"actor\":\"li\",\"measures\":\"m\",\"agreed_repair_at\":\"2026-11-03T10:00:00+08:00\","
	"\"expected_completion_at\":\"2026-12-20T10:00:00+08:00\"}";
static const char *const approve_b = "{\"cmd\":\"approve\",\"case\":\"C1\",\"at\":\"" AT("12:30") "\",\"actor\":\"gm\"}";
static const char *const reject_b = "{\"cmd\":\"reject\",\"case\":\"C1\",\"at\":\"" AT("12:30") "\",\"actor\":\"gm\"}";
static const char *const approve_again = "{\"cmd\":\"approve\",\"case\":\"C1\",\"at\":\"" AT("13:00") "\",\"actor\":\"gm\"}";
static const char *const reject_again = "{\"cmd\":\"reject\",\"case\":\"C1\",\"at\":\"" AT("13:00") "\",\"actor\":\"gm\"}";

static hotline_db *open_case(int a_approved, const char *b)
{
	hotline_db *db;
	const char *const *l;
	assert_int_equal(hotline_db_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	for (l = opening; *l; l++)
		assert_int_equal(hotline_db_exec_json(db, *l, NULL, NULL), 0);
	if (a_approved)
		assert_int_equal(hotline_db_exec_json(db, approve_a, NULL, NULL), 0);
	assert_int_equal(hotline_db_exec_json(db, b, NULL, NULL), 0);
	return db;
}

/* The case's total per rule at 2026-11-20, in fen (0 when the rule charged nothing). */
static int64_t charged(hotline_db *db, const char *rule)
{
	hotline_time as_of;
	char *text;
	json_t *doc, *p;
	size_t i;
	int64_t sum = 0;
	assert_int_equal(hotline_time_parse(&as_of, "2026-11-20T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_assess(&text, db, as_of, HOTLINE_FORMAT_JSON), 0);
	assert_non_null(doc = json_loads(text, 0, NULL));
	json_array_foreach(json_object_get(doc, "penalties"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "rule")), rule) == 0 &&
		    json_is_string(json_object_get(p, "case")))
			sum += json_integer_value(json_object_get(p, "amount_fen"));
	json_decref(doc);
	hotline_free(text);
	return sum;
}

static void expect_case(hotline_db *db, int state, int approval, int exempt, const char *exempt_from)
{
	hotline_case *c;
	char *snap;
	assert_int_equal(hotline_db_case(&c, db, "C1"), 0);
	assert_int_equal(hotline_case_state(c), state);
	assert_int_equal(hotline_case_approval(c), approval);
	assert_int_equal(hotline_case_exempt(c), exempt);
	snap = strstr(hotline_case_json(c), "\"exempt_from\":\"");
	if (exempt_from) {
		assert_non_null(snap);
		assert_memory_equal(snap + 15, exempt_from, strlen(exempt_from));
	} else {
		assert_null(snap);
	}
	hotline_case_free(c);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
}

/* Nothing after the exemption instant is charged; a deadline missed before it stands. */
static void expect_exempt_from_a(hotline_db *db)
{
	assert_int_equal(charged(db, "R14a"), 0);  /* due 11:20, after A at 10:00 */
	assert_int_equal(charged(db, "R14b"), 0);
	assert_int_equal(charged(db, "R14f"), 0);
	assert_int_equal(charged(db, "R16"), 0);
	assert_int_equal(charged(db, "R17"), 0);
}

/* A pending, B approved: exempt from B's instant; R14a (due before B) stands. */
static void test_pending_then_approve(void **state)
{
	hotline_db *db = open_case(0, malicious_b);
	(void)state;
	assert_int_equal(hotline_db_exec_json(db, approve_b, NULL, NULL), 0);
	expect_case(db, HOTLINE_STATE_MALICIOUS_EXEMPT, HOTLINE_APPROVAL_APPROVED, 1, AT("12:00"));
	assert_int_equal(charged(db, "R14a"), 500);
	assert_int_equal(charged(db, "R14b"), 0);
	assert_int_equal(charged(db, "R17"), 0);
	/* closed for good: no second answer */
	assert_int_equal(hotline_db_exec_json(db, reject_again, NULL, NULL), HOTLINE_EINVALID_TRANSITION);
	hotline_db_close(db);
}

/* A pending, B rejected: A is pending again; a second reject returns the case to DISPATCHED. */
static void test_pending_then_reject(void **state)
{
	hotline_db *db = open_case(0, malicious_b);
	(void)state;
	assert_int_equal(hotline_db_exec_json(db, reject_b, NULL, NULL), 0);
	expect_case(db, HOTLINE_STATE_ESCALATED, HOTLINE_APPROVAL_PENDING, 0, NULL);
	assert_int_equal(hotline_db_exec_json(db, reject_again, NULL, NULL), 0);
	expect_case(db, HOTLINE_STATE_DISPATCHED, HOTLINE_APPROVAL_NONE, 0, NULL);
	/* rejected requests pause nothing (every deadline runs), yet count as Art. 17's written report */
	assert_int_equal(charged(db, "R14a"), 500);
	assert_true(charged(db, "R14b") >= 300 * 17);
	assert_true(charged(db, "R14f") >= 300 * 17);
	assert_true(charged(db, "R16") > 0);
	assert_int_equal(charged(db, "R17"), 0);
	assert_int_equal(hotline_db_exec_json(db, reject_again, NULL, NULL), HOTLINE_EINVALID_TRANSITION);
	hotline_db_close(db);
}

/* A pending, B rejected, then A approved: exempt from A's instant. */
static void test_pending_reject_then_approve_first(void **state)
{
	hotline_db *db = open_case(0, malicious_b);
	(void)state;
	assert_int_equal(hotline_db_exec_json(db, reject_b, NULL, NULL), 0);
	assert_int_equal(hotline_db_exec_json(db, approve_again, NULL, NULL), 0);
	expect_case(db, HOTLINE_STATE_ESCALATED, HOTLINE_APPROVAL_APPROVED, 1, AT("10:00"));
	expect_exempt_from_a(db);
	hotline_db_close(db);
}

/* A approved, B approved: stays exempt from A's instant. */
static void test_approved_then_approve(void **state)
{
	hotline_db *db = open_case(1, malicious_b);
	(void)state;
	expect_case(db, HOTLINE_STATE_MALICIOUS_EXEMPT, HOTLINE_APPROVAL_PENDING, 1, AT("10:00"));
	assert_int_equal(hotline_db_exec_json(db, approve_b, NULL, NULL), 0);
	expect_case(db, HOTLINE_STATE_MALICIOUS_EXEMPT, HOTLINE_APPROVAL_APPROVED, 1, AT("10:00"));
	expect_exempt_from_a(db);
	hotline_db_close(db);
}

/* A approved, B rejected: back to the approved escalation, still exempt from A's instant. */
static void test_approved_then_reject(void **state)
{
	hotline_db *db = open_case(1, malicious_b);
	(void)state;
	assert_int_equal(hotline_db_exec_json(db, reject_b, NULL, NULL), 0);
	expect_case(db, HOTLINE_STATE_ESCALATED, HOTLINE_APPROVAL_APPROVED, 1, AT("10:00"));
	expect_exempt_from_a(db);
	/* nothing pending now */
	assert_int_equal(hotline_db_exec_json(db, reject_again, NULL, NULL), HOTLINE_EINVALID_TRANSITION);
	hotline_db_close(db);
}

/* The same two with a stage closure on the approved escalation. */
static void test_stage_close_on_approved(void **state)
{
	hotline_db *db = open_case(1, stage_close_b);
	(void)state;
	assert_int_equal(hotline_db_exec_json(db, reject_b, NULL, NULL), 0);
	expect_case(db, HOTLINE_STATE_ESCALATED, HOTLINE_APPROVAL_APPROVED, 1, AT("10:00"));
	expect_exempt_from_a(db);
	hotline_db_close(db);
	db = open_case(1, stage_close_b);
	assert_int_equal(hotline_db_exec_json(db, approve_b, NULL, NULL), 0);
	expect_case(db, HOTLINE_STATE_STAGE_CLOSED, HOTLINE_APPROVAL_APPROVED, 1, AT("10:00"));
	expect_exempt_from_a(db);
	hotline_db_close(db);
}

/* Leaving the request states ends the requests: a later request starts a new stack. */
static void test_leaving_ends_requests(void **state)
{
	hotline_db *db = open_case(1, malicious_b);
	hotline_case *c;
	(void)state;
	assert_int_equal(hotline_db_exec_json(db, reject_b, NULL, NULL), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"complete\",\"case\":\"C1\",\"at\":\"" AT("14:00") "\",\"actor\":\"li\"}"), 0);
	assert_int_equal(hotline_db_case(&c, db, "C1"), 0);
	assert_null(strstr(hotline_case_json(c), "\"requests\""));
	assert_int_equal(hotline_case_exempt(c), 1);
	hotline_case_free(c);
	expect_exempt_from_a(db);
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_then_approve),
		cmocka_unit_test(test_pending_then_reject),
		cmocka_unit_test(test_pending_reject_then_approve_first),
		cmocka_unit_test(test_approved_then_approve),
		cmocka_unit_test(test_approved_then_reject),
		cmocka_unit_test(test_stage_close_on_approved),
		cmocka_unit_test(test_leaving_ends_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
