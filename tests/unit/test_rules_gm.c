/*
 * The gm-hotline policy, rule by rule, through the public API: commands in,
 * hotline_db_assess out. Every expectation is computed by hand from DESIGN
 * §3.1 (the arithmetic is in the comments), so a changed amount, duration
 * or rounding fails here.
 */
#include "core_fixture.h"

#include <stdlib.h>

#include <jansson.h>

/* Registers case `id` at `at` (P1, call_taker zhang) and optionally dispatches it. */
static void reg(hotline_db *db, const char *id, const char *at)
{
	if (exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"property\":\"P1\","
		"\"room\":\"1-101\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"漏水\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
		id, at) != 0)
		fail_msg("register %s: %s", id, hotline_db_errmsg(db));
}

static void cmd(hotline_db *db, const char *name, const char *id, const char *at, const char *actor, const char *extra)
{
	if (exec_fmt(db, "{\"cmd\":\"%s\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\"%s}", name, id, at, actor,
		extra ? extra : "") != 0)
		fail_msg("%s %s at %s: %s", name, id, at, hotline_db_errmsg(db));
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
	assert_non_null(doc);
	return doc;
}

/* Amount (fen) of penalty (rule, case, person); 0 if none. *at gets its incurred_at. */
static json_int_t pen(json_t *doc, const char *rule, const char *case_id, const char *person, const char **at)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "penalties"), i, p) {
		const char *c = json_string_value(json_object_get(p, "case"));
		const char *who = json_string_value(json_object_get(p, "person"));
		if (strcmp(json_string_value(json_object_get(p, "rule")), rule) != 0)
			continue;
		if ((case_id == NULL) != (c == NULL) || (case_id && strcmp(case_id, c) != 0))
			continue;
		if ((person == NULL) != (who == NULL) || (person && strcmp(person, who) != 0))
			continue;
		if (at)
			*at = json_string_value(json_object_get(p, "incurred_at"));
		return json_integer_value(json_object_get(p, "amount_fen"));
	}
	return 0;
}

static json_int_t rule_total(json_t *doc, const char *rule)
{
	size_t i;
	json_t *p;
	json_int_t sum = 0;
	json_array_foreach(json_object_get(doc, "penalties"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "rule")), rule) == 0)
			sum += json_integer_value(json_object_get(p, "amount_fen"));
	return sum;
}

static int setup(void **state)
{
	hotline_db *db;
	if (hotline_db_open(&db, "memory:", NULL) != 0)
		return -1;
	fixture_load(db);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	hotline_db_close(*state);
	return 0;
}

/* R13 (Art. 13): dispatch within 1 duty hour of the call; ¥5 once, to the call taker. */
static void test_r13(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	const char *at = NULL;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T10:05:00+08:00", "zhang", NULL); /* exactly at the due: on time */
	reg(db, "B", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "B", "2026-11-02T10:06:00+08:00", "zhang", NULL); /* one minute late */
	/* 17:30 + 1 duty hour = 30 min to 18:00, 30 min from 08:30 next day: due 11-03 09:00 */
	reg(db, "C", "2026-11-02T17:30:00+08:00");
	cmd(db, "dispatch", "C", "2026-11-03T09:00:00+08:00", "zhang", NULL);
	reg(db, "D", "2026-11-02T17:30:00+08:00");
	cmd(db, "dispatch", "D", "2026-11-03T09:01:00+08:00", "zhang", NULL);
	/* 20:00 is outside duty hours: counting starts 08:30 next day, due 09:30 */
	reg(db, "E", "2026-11-02T20:00:00+08:00");
	/* 17:00 + 1 h uses its time exactly at 18:00: due 18:00 */
	reg(db, "F", "2026-11-02T17:00:00+08:00");
	cmd(db, "dispatch", "F", "2026-11-02T18:00:00+08:00", "zhang", NULL);
	doc = assess(db, "2026-11-03T12:00:00+08:00");
	assert_int_equal(pen(doc, "R13", "A", "zhang", NULL), 0);
	assert_int_equal(pen(doc, "R13", "B", "zhang", &at), 500);
	assert_string_equal(at, "2026-11-02T10:05:00+08:00");
	assert_int_equal(pen(doc, "R13", "C", "zhang", NULL), 0);
	assert_int_equal(pen(doc, "R13", "D", "zhang", &at), 500);
	assert_string_equal(at, "2026-11-03T09:00:00+08:00");
	assert_int_equal(pen(doc, "R13", "E", "zhang", &at), 500); /* never dispatched by as_of */
	assert_string_equal(at, "2026-11-03T09:30:00+08:00");
	assert_int_equal(pen(doc, "R13", "F", "zhang", NULL), 0);
	json_decref(doc);
}

/* R14a (2 h, ¥5 once) and R14b/R14f (24 h, ¥3 per started day), Art. 14. */
static void test_r14_deadlines(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	const char *at = NULL;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "decide_measures", "A", "2026-11-02T11:20:00+08:00", "li", ",\"measures\":\"m\""); /* at due */
	cmd(db, "onsite_visit", "A", "2026-11-03T09:21:00+08:00", "wu", NULL);    /* 1 min late: 1 day */
	cmd(db, "submit_visit_form", "A", "2026-11-05T09:21:00+08:00", "li", NULL); /* 2 d 1 min: 3 days */
	reg(db, "B", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "B", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "decide_measures", "B", "2026-11-02T11:21:00+08:00", "li", ",\"measures\":\"m\"");
	cmd(db, "onsite_visit", "B", "2026-11-03T09:20:00+08:00", "wu", NULL);    /* exactly at due */
	doc = assess(db, "2026-11-04T12:00:00+08:00");
	assert_int_equal(pen(doc, "R14a", "A", "li", NULL), 0);
	assert_int_equal(pen(doc, "R14a", "B", "li", &at), 500);
	assert_string_equal(at, "2026-11-02T11:20:00+08:00");
	assert_int_equal(pen(doc, "R14b", "A", "li", &at), 300);
	assert_string_equal(at, "2026-11-03T09:20:00+08:00");
	/* A's form comes on 11-05, after as_of: rules see only events up to as_of, so 2 days so far */
	assert_int_equal(pen(doc, "R14f", "A", "li", &at), 600);
	assert_string_equal(at, "2026-11-04T09:20:00+08:00");
	assert_int_equal(pen(doc, "R14b", "B", "li", NULL), 0);
	/* B's visit form is never submitted: as_of 11-04 12:00 is 1 d 2 h 40 min late: 2 days */
	assert_int_equal(pen(doc, "R14f", "B", "li", &at), 600);
	assert_string_equal(at, "2026-11-04T09:20:00+08:00");
	json_decref(doc);
	/* seen from 11-06, A's form was 2 d 1 min late: 3 started days, the last at 11-05 09:20 */
	doc = assess(db, "2026-11-06T12:00:00+08:00");
	assert_int_equal(pen(doc, "R14f", "A", "li", &at), 900);
	assert_string_equal(at, "2026-11-05T09:20:00+08:00");
	json_decref(doc);
}

/* R14e (Art. 14): followup within 24 h of complete, or by agreed_followup_at; ¥3 per started day. */
static void test_r14e(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	const char *at = NULL;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "complete", "A", "2026-11-02T17:00:00+08:00", "li", NULL);
	cmd(db, "followup", "A", "2026-11-04T17:00:00+08:00", "li", ",\"satisfied\":true"); /* exactly 24 h late: 1 day */
	reg(db, "B", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "B", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "complete", "B", "2026-11-02T17:00:00+08:00", "li", ",\"agreed_followup_at\":\"2026-11-05T10:00:00+08:00\"");
	cmd(db, "followup", "B", "2026-11-05T09:00:00+08:00", "li", ",\"satisfied\":true"); /* before the agreed time */
	doc = assess(db, "2026-11-05T12:00:00+08:00");
	assert_int_equal(pen(doc, "R14e", "A", "li", &at), 300);
	assert_string_equal(at, "2026-11-03T17:00:00+08:00");
	assert_int_equal(pen(doc, "R14e", "B", "li", NULL), 0);
	json_decref(doc);
}

/* R15a (quality supervisor) and R15c (call taker): 24 h after a satisfied followup, ¥5 once each. */
static void test_r15(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "complete", "A", "2026-11-02T17:00:00+08:00", "li", NULL);
	cmd(db, "followup", "A", "2026-11-03T09:00:00+08:00", "li", ",\"satisfied\":true");
	cmd(db, "supervisor_check", "A", "2026-11-04T09:00:00+08:00", "zhao", NULL); /* at due */
	cmd(db, "verify", "A", "2026-11-04T09:01:00+08:00", "zhang", ",\"outcome\":\"false_report\""); /* late + false report */
	doc = assess(db, "2026-11-05T12:00:00+08:00");
	assert_int_equal(pen(doc, "R15a", "A", "zhao", NULL), 0);
	assert_int_equal(pen(doc, "R15c", "A", "zhang", NULL), 500);
	assert_int_equal(pen(doc, "R15b", "A", "li", NULL), 500); /* Art. 15: false report costs the manager */
	json_decref(doc);
}

/* R16 (Art. 16): a progress report every 72 h until complete; ¥5 per missed due instant. */
static void test_r16_repeating(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	/* dues: 11-05 09:20, 11-08 09:20, 11-11 09:20 (each 72 h after the last missed one) */
	doc = assess(db, "2026-11-11T09:20:00+08:00"); /* the third due is not yet late */
	assert_int_equal(pen(doc, "R16", "A", "li", NULL), 1000);
	json_decref(doc);
	doc = assess(db, "2026-11-11T09:21:00+08:00");
	assert_int_equal(pen(doc, "R16", "A", "li", NULL), 1500);
	json_decref(doc);
	/* a report on 11-12 resets the clock: next due 11-15 09:00; complete ends the chain */
	cmd(db, "report_progress", "A", "2026-11-12T09:00:00+08:00", "li", ",\"text\":\"t\"");
	cmd(db, "complete", "A", "2026-11-14T09:00:00+08:00", "li", NULL);
	doc = assess(db, "2026-11-26T09:00:00+08:00");
	assert_int_equal(pen(doc, "R16", "A", "li", NULL), 1500);
	json_decref(doc);
}

/* R17 (Art. 17): escalate or complete within 7 days of dispatch; ¥3 per started day. */
static void test_r17(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "complete", "A", "2026-11-10T09:00:00+08:00", "li", NULL); /* due 11-09 09:20, 23 h 40 min late */
	reg(db, "B", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "B", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "request_escalation", "B", "2026-11-05T09:00:00+08:00", "li", ",\"report\":\"r\"");
	cmd(db, "reject", "B", "2026-11-05T10:00:00+08:00", "gm", NULL); /* rejected, still the written report */
	doc = assess(db, "2026-11-20T12:00:00+08:00");
	assert_int_equal(pen(doc, "R17", "A", "li", NULL), 300);
	assert_int_equal(pen(doc, "R17", "B", "li", NULL), 0);
	json_decref(doc);
}

/* Exemption: an approved request stops pending clocks at the request instant; a rejected one pauses nothing. */
static void test_exemption(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	const char *at = NULL;
	/* A: visit due 11-03 09:20; request 11-04 10:00 approved: increments 11-03 09:20, 11-04 09:20 = ¥6 */
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "decide_measures", "A", "2026-11-02T10:00:00+08:00", "li", ",\"measures\":\"m\"");
	cmd(db, "request_escalation", "A", "2026-11-04T10:00:00+08:00", "li", ",\"report\":\"r\"");
	cmd(db, "approve", "A", "2026-11-04T11:00:00+08:00", "gm", NULL);
	cmd(db, "repeat_complaint", "A", "2026-11-05T11:00:00+08:00", "zhang", NULL); /* after exemption: free */
	/* B: request exactly at the second increment's instant: that increment is not incurred */
	reg(db, "B", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "B", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "decide_measures", "B", "2026-11-02T10:00:00+08:00", "li", ",\"measures\":\"m\"");
	cmd(db, "request_escalation", "B", "2026-11-04T09:20:00+08:00", "li", ",\"report\":\"r\"");
	cmd(db, "approve", "B", "2026-11-04T11:00:00+08:00", "gm", NULL);
	/* C: the same as A but rejected: the clock ran on to as_of 11-10 12:00: 7 d 2 h 40 min late = 8 days */
	reg(db, "C", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "C", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "decide_measures", "C", "2026-11-02T10:00:00+08:00", "li", ",\"measures\":\"m\"");
	cmd(db, "request_escalation", "C", "2026-11-04T10:00:00+08:00", "li", ",\"report\":\"r\"");
	cmd(db, "reject", "C", "2026-11-04T11:00:00+08:00", "gm", NULL);
	/* D: exempt (malicious, approved) before any due: nothing at all */
	reg(db, "D", "2026-11-02T09:05:00+08:00");
	cmd(db, "report_malicious", "D", "2026-11-02T09:30:00+08:00", "li", ",\"explanation\":\"e\"");
	cmd(db, "approve", "D", "2026-11-02T09:40:00+08:00", "gm", NULL);
	doc = assess(db, "2026-11-10T12:00:00+08:00");
	assert_int_equal(pen(doc, "R14b", "A", "li", &at), 600);
	assert_string_equal(at, "2026-11-04T09:20:00+08:00");
	assert_int_equal(pen(doc, "R14c", "A", "li", NULL), 0);
	assert_int_equal(pen(doc, "R16", "A", "li", NULL), 0);  /* first report due 11-05, after the request */
	assert_int_equal(pen(doc, "R14b", "B", "li", &at), 300);
	assert_string_equal(at, "2026-11-03T09:20:00+08:00");
	assert_int_equal(pen(doc, "R14b", "C", "li", NULL), 2400);
	assert_int_equal(pen(doc, "R13", "D", "zhang", NULL), 0);
	json_decref(doc);
	/* an approval after as_of is not seen: at 11-04 10:30, A's request is still pending and the clock runs */
	doc = assess(db, "2026-11-04T10:30:00+08:00");
	assert_int_equal(pen(doc, "R14b", "A", "li", NULL), 600);
	json_decref(doc);
}

/* Occurrences: R12 ¥5 per correction (call taker), R14c ¥15 per repeat complaint, R14d/R15d findings. */
static void test_occurrences(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	cmd(db, "correct_record", "A", "2026-11-02T09:30:00+08:00", "zhang", ",\"fields\":[\"phone\"],\"values\":{\"phone\":\"1\"}");
	cmd(db, "correct_record", "A", "2026-11-02T09:31:00+08:00", "zhang", ",\"fields\":[\"room\"]");
	cmd(db, "repeat_complaint", "A", "2026-11-02T09:40:00+08:00", "zhang", NULL);
	cmd(db, "record_finding", "A", "2026-11-02T09:50:00+08:00", "zhao", ",\"kind\":\"falsified_form\"");
	cmd(db, "record_finding", "A", "2026-11-02T09:51:00+08:00", "qa", ",\"kind\":\"supervisor_false_report\"");
	cmd(db, "record_finding", "A", "2026-11-02T09:52:00+08:00", "qa", ",\"kind\":\"archive_lost_copy\"");
	doc = assess(db, "2026-11-02T10:00:00+08:00");
	assert_int_equal(pen(doc, "R12", "A", "zhang", NULL), 1000);
	assert_int_equal(pen(doc, "R14c", "A", "li", NULL), 1500);
	assert_int_equal(pen(doc, "R14d", "A", "li", NULL), 500);
	assert_int_equal(pen(doc, "R15d", "A", "zhao", NULL), 500); /* no person named: the property's supervisor */
	assert_int_equal(pen(doc, "R9", "A", "li", NULL), 500);     /* a lost copy: the case's manager */
	json_decref(doc);
}

/* Organisation level: R8a/R8b calls inside duty hours, R7, R9 originals, R4. */
static void test_org_level(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"qa\",\"agent\":\"zhang\",\"rings\":4,\"answered\":true}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:10:00+08:00\",\"actor\":\"qa\",\"agent\":\"zhang\",\"rings\":3,\"answered\":true}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T19:00:00+08:00\",\"actor\":\"qa\",\"agent\":\"zhang\",\"rings\":6,\"answered\":false}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T11:00:00+08:00\",\"actor\":\"qa\",\"agent\":\"zhang\",\"rings\":1,\"answered\":false,\"connected\":false}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"at\":\"2026-11-02T12:00:00+08:00\",\"actor\":\"qa\",\"kind\":\"line_private_use\",\"person\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"at\":\"2026-11-02T12:01:00+08:00\",\"actor\":\"gm\",\"kind\":\"archive_lost_original\",\"person\":\"zhao\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"at\":\"2026-11-02T12:02:00+08:00\",\"actor\":\"gm\",\"kind\":\"assessment_misreport\"}"), 0);
	doc = assess(db, "2026-11-03T00:00:00+08:00");
	assert_int_equal(pen(doc, "R8a", NULL, "zhang", NULL), 500);  /* only the 4-ring call inside duty hours */
	assert_int_equal(pen(doc, "R8b", NULL, "zhang", NULL), 500);
	assert_int_equal(pen(doc, "R7", NULL, "li", NULL), 500);
	assert_int_equal(pen(doc, "R9", NULL, "zhao", NULL), 500);
	assert_int_equal(pen(doc, "R4", NULL, "qa", NULL), 500);     /* every qa_director */
	json_decref(doc);
}

/* R21 (Art. 21): the monthly summary is given on the 27th; owed only after the log began. */
static void test_r21(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	const char *at = NULL;
	reg(db, "A", "2026-11-02T09:05:00+08:00"); /* the log begins on 11-02: no October summary owed */
	doc = assess(db, "2026-11-28T00:00:01+08:00");
	assert_int_equal(pen(doc, "R21", NULL, "qa", &at), 500);
	assert_string_equal(at, "2026-11-28T00:00:00+08:00");
	assert_int_equal(rule_total(doc, "R21"), 500);
	json_decref(doc);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"monthly_summary\",\"at\":\"2026-11-27T16:00:00+08:00\",\"actor\":\"qa\"}"), 0);
	doc = assess(db, "2026-11-28T00:00:01+08:00");
	assert_int_equal(rule_total(doc, "R21"), 0);
	json_decref(doc);
}

/* R10a (meeting in the quarter's last 7 days), R10b (each absent manager), R11 (report within 72 h). */
static void test_quarterly(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	const char *at = NULL;
	reg(db, "A", "2026-11-02T09:05:00+08:00"); /* the log begins in Q4 */
	/* no meeting in [12-25, 01-01): R10a due at the end of the quarter, ¥5 once */
	doc = assess(db, "2027-01-01T00:00:01+08:00");
	assert_int_equal(pen(doc, "R10a", NULL, "qa", &at), 500);
	assert_string_equal(at, "2027-01-01T00:00:00+08:00");
	json_decref(doc);
	/* a meeting on 12-28 with li absent; its report 72 h + 1 s later: 1 started day, ¥3 */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"quarterly_meeting\",\"at\":\"2026-12-28T10:00:00+08:00\",\"actor\":\"qa\",\"absent\":[\"li\"]}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"quarterly_report\",\"at\":\"2026-12-31T10:00:01+08:00\",\"actor\":\"qa\"}"), 0);
	doc = assess(db, "2027-01-01T00:00:01+08:00");
	assert_int_equal(rule_total(doc, "R10a"), 0);
	assert_int_equal(pen(doc, "R10b", NULL, "li", NULL), 500);
	assert_int_equal(pen(doc, "R11", NULL, "qa", &at), 300);
	assert_string_equal(at, "2026-12-31T10:00:00+08:00");
	json_decref(doc);
}

/* R20a closure rate < 80 %: ¥3 per started point below; exempt cases leave the denominator. */
static void test_r20_rates(void **state)
{
	hotline_db *db = *state;
	json_t *doc, *props;
	int i;
	char id[8];
	/* 4 cases, 3 closed (75 %: 5 points = ¥15), plus one exempt case that does not count */
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "K%d", i);
		reg(db, id, "2026-11-02T09:05:00+08:00");
		cmd(db, "dispatch", id, "2026-11-02T09:20:00+08:00", "zhang", NULL);
		if (i == 3)
			continue;
		cmd(db, "complete", id, "2026-11-02T15:00:00+08:00", "li", NULL);
		cmd(db, "followup", id, "2026-11-02T16:00:00+08:00", "li", ",\"satisfied\":true");
		cmd(db, "supervisor_check", id, "2026-11-02T16:10:00+08:00", "zhao", NULL);
		cmd(db, "verify", id, "2026-11-02T16:20:00+08:00", "zhang", ",\"outcome\":\"confirmed\"");
		cmd(db, "close", id, "2026-11-02T17:00:00+08:00", "gm", NULL);
	}
	reg(db, "X", "2026-11-02T09:05:00+08:00");
	cmd(db, "report_malicious", "X", "2026-11-02T09:10:00+08:00", "li", ",\"explanation\":\"e\"");
	cmd(db, "approve", "X", "2026-11-02T09:15:00+08:00", "gm", NULL);
	doc = assess(db, "2026-11-27T00:00:00+08:00");
	props = json_object_get(json_object_get(doc, "assessment"), "properties");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(props, 0), "closure"), "num")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(props, 0), "closure"), "den")), 4);
	assert_int_equal(pen(doc, "R20a", NULL, "li", NULL), 1500);
	assert_int_equal(rule_total(doc, "R20b"), 0); /* 3/3 confirmed */
	json_decref(doc);
	/* before the period's end R20 is not incurred */
	doc = assess(db, "2026-11-26T23:59:59+08:00");
	assert_int_equal(rule_total(doc, "R20a"), 0);
	json_decref(doc);
}

/* 80 % exactly costs nothing; 79.x % one point (the arithmetic is in integers). */
static void test_r20_threshold(void **state)
{
	hotline_db *db = *state;
	json_t *doc;
	int i;
	char id[8];
	/* 5 cases, 4 closed: exactly 80 % */
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "T%d", i);
		reg(db, id, "2026-11-02T09:05:00+08:00");
		cmd(db, "dispatch", id, "2026-11-02T09:20:00+08:00", "zhang", NULL);
		if (i == 4)
			continue;
		cmd(db, "complete", id, "2026-11-02T15:00:00+08:00", "li", NULL);
		cmd(db, "followup", id, "2026-11-02T16:00:00+08:00", "li", ",\"satisfied\":true");
		cmd(db, "verify", id, "2026-11-02T16:20:00+08:00", "zhang", ",\"outcome\":\"confirmed\"");
		cmd(db, "close", id, "2026-11-02T17:00:00+08:00", "gm", NULL);
	}
	doc = assess(db, "2026-11-27T00:00:00+08:00");
	assert_int_equal(rule_total(doc, "R20a"), 0);
	json_decref(doc);
}

/* R22 (Art. 22): a person's month is capped at the month's bonus; no bonus, no cap. */
static void test_cap(void **state)
{
	hotline_db *db = *state;
	json_t *doc, *people, *p;
	size_t i;
	char at[40];
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	cmd(db, "dispatch", "A", "2026-11-02T09:20:00+08:00", "zhang", NULL);
	/* 14 repeat complaints x ¥15 = ¥210 > li's ¥200 bonus */
	for (i = 0; i < 14; i++) {
		snprintf(at, sizeof(at), "2026-11-02T10:%02zu:00+08:00", i);
		cmd(db, "repeat_complaint", "A", at, "zhang", NULL);
	}
	cmd(db, "correct_record", "A", "2026-11-02T11:00:00+08:00", "zhang", ",\"fields\":[\"room\"]");
	doc = assess(db, "2026-11-02T12:00:00+08:00");
	people = json_object_get(json_object_get(doc, "assessment"), "people");
	json_array_foreach(people, i, p) {
		const char *who = json_string_value(json_object_get(p, "person"));
		if (strcmp(who, "li") == 0) {
			assert_int_equal(json_integer_value(json_object_get(p, "raw_fen")), 21000 + 500 /* R14a */);
			assert_int_equal(json_integer_value(json_object_get(p, "capped_fen")), 20000);
			assert_int_equal(json_integer_value(json_object_get(p, "bonus_fen")), 20000);
		} else if (strcmp(who, "zhang") == 0) {
			assert_int_equal(json_integer_value(json_object_get(p, "raw_fen")), 500);
			assert_int_equal(json_integer_value(json_object_get(p, "capped_fen")), 500);
			assert_true(json_is_null(json_object_get(p, "bonus_fen")));
		}
	}
	assert_int_equal(json_array_size(people), 2);
	json_decref(doc);
}

/* The assessment period: as_of 11-27 00:00 reports 10-27 ... 11-27, month 2026-11. */
static void test_period(void **state)
{
	hotline_db *db = *state;
	json_t *doc, *a;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	doc = assess(db, "2026-11-27T00:00:00+08:00");
	a = json_object_get(doc, "assessment");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "period"), "from")), "2026-10-27T00:00:00+08:00");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "period"), "to")), "2026-11-27T00:00:00+08:00");
	assert_string_equal(json_string_value(json_object_get(a, "month")), "2026-11");
	json_decref(doc);
	doc = assess(db, "2026-11-27T00:00:01+08:00");
	a = json_object_get(doc, "assessment");
	assert_string_equal(json_string_value(json_object_get(a, "month")), "2026-12");
	json_decref(doc);
}

/* Deterministic: the same events and as_of give byte-identical JSON. */
static void test_deterministic(void **state)
{
	hotline_db *db = *state;
	char *a = NULL, *b = NULL;
	hotline_time t;
	reg(db, "A", "2026-11-02T09:05:00+08:00");
	reg(db, "B", "2026-11-02T09:06:00+08:00");
	assert_int_equal(hotline_time_parse(&t, "2026-11-20T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_assess(&a, db, t, HOTLINE_FORMAT_JSON), 0);
	assert_int_equal(hotline_db_assess(&b, db, t, HOTLINE_FORMAT_JSON), 0);
	assert_string_equal(a, b);
	hotline_free(a);
	hotline_free(b);
	assert_int_equal(hotline_db_assess(&a, db, t, HOTLINE_FORMAT_CSV), 0);
	assert_non_null(strstr(a, "R13"));
	hotline_free(a);
	assert_int_equal(hotline_db_explain(&a, db, "A", t), 0);
	assert_non_null(strstr(a, "R13"));
	hotline_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_r13, setup, teardown),
		cmocka_unit_test_setup_teardown(test_r14_deadlines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_r14e, setup, teardown),
		cmocka_unit_test_setup_teardown(test_r15, setup, teardown),
		cmocka_unit_test_setup_teardown(test_r16_repeating, setup, teardown),
		cmocka_unit_test_setup_teardown(test_r17, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exemption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_occurrences, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_r21, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quarterly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_r20_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_r20_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_period, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
