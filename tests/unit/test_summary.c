/*
 * The assessment from the cases' rules summaries (core/summary.h,
 * rules/summary.h) against the replay of every case's events: the same
 * bytes, JSON and CSV, on the demo month and on generated months under
 * every shipped policy, before and after a policy line and a calendar line;
 * verify-log checks the summaries.
 */
#include <sqlite3.h>

#include "core_fixture.h"

#include "core/db.h"
#include "core/report.h"
#include "core/summary.h"
#include "rules/eval.h"
#include "rules/policy.h"

static hotline_time T(const char *s)
{
	hotline_time t;
	if (hotline_time_parse(&t, s) != 0)
		fail_msg("bad instant %s", s);
	return t;
}

/* ---- the two paths side by side ---- */

static char *assess(hotline_db *db, hotline_time as_of, hotline_format format, int replay)
{
	char *out = NULL;
	if ((replay ? hotline__db_assess_by(&out, db, as_of, format, 1) : hotline_db_assess(&out, db, as_of, format)) != 0)
		fail_msg("assess: %s", hotline_db_errmsg(db));
	return out;
}

static char *statement(hotline_db *db, const char *person, const char *month, int replay)
{
	char *out = NULL;
	if (hotline__db_statement_by(&out, db, person, month, HOTLINE_TIME_NONE, replay) != 0)
		fail_msg("statement: %s", hotline_db_errmsg(db));
	return out;
}

/* The assessment at as_of from the summaries is the replay's, byte for byte, in both formats. */
static void same_at(hotline_db *db, hotline_time as_of)
{
	hotline_format f[2] = { HOTLINE_FORMAT_JSON, HOTLINE_FORMAT_CSV };
	int k;
	for (k = 0; k < 2; k++) {
		char *a = assess(db, as_of, f[k], 0), *b = assess(db, as_of, f[k], 1);
		if (strcmp(a, b) != 0) {
			char at[40];
			hotline_time_format(at, sizeof(at), as_of, 480);
			fail_msg("assessment (%s) at %s differs from the replay's", k ? "CSV" : "JSON", at);
		}
		hotline_free(a);
		hotline_free(b);
	}
}

/* Every 2 days from..to, each period's end, and the instants just around them. */
static void same_over(hotline_db *db, const char *from, const char *to)
{
	hotline_time t, end = T(to);
	for (t = T(from); t <= end; t += 2 * 86400 + 3 * 3600 + 7 * 60)
		same_at(db, t);
	same_at(db, T("2026-11-27T00:00:00+08:00"));
	same_at(db, T("2026-11-27T00:00:00+08:00") - 1);
	same_at(db, T("2026-12-27T00:00:00+08:00"));
	same_at(db, T("2027-01-27T00:00:00+08:00"));
}

static void same_statements(hotline_db *db, const char *const *people, const char *const *months)
{
	size_t i, j;
	for (i = 0; people[i]; i++)
		for (j = 0; months[j]; j++) {
			char *a = statement(db, people[i], months[j], 0), *b = statement(db, people[i], months[j], 1);
			if (strcmp(a, b) != 0)
				fail_msg("statement of %s for %s differs from the replay's", people[i], months[j]);
			hotline_free(a);
			hotline_free(b);
		}
}

/* ---- what the storage holds ---- */

typedef struct count {
	size_t cases, summaries;
} count;

static int count_cb(const hotline_storage_case *c, void *payload)
{
	count *n = payload;
	size_t len;
	n->cases++;
	n->summaries += hotline__snapshot_summary(c->body, &len) != NULL;
	return 0;
}

static count count_summaries(hotline_db *db)
{
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	count n = { 0, 0 };
	assert_int_equal(db->st->cases_foreach(db->st, &q, count_cb, &n), 0);
	return n;
}

/* Penalties, breaches and open deadlines of the month: a generated month has plenty of each kind. */
static size_t busy_month(hotline_db *db)
{
	char *text = assess(db, T("2026-11-27T00:00:00+08:00"), HOTLINE_FORMAT_JSON, 1);
	json_t *doc = json_loads(text, 0, NULL), *a;
	size_t n;
	assert_non_null(doc);
	a = json_object_get(doc, "assessment");
	n = json_array_size(json_object_get(doc, "penalties")) + json_array_size(json_object_get(a, "breaches")) +
		json_array_size(json_object_get(a, "open_deadlines"));
	json_decref(doc);
	hotline_free(text);
	return n;
}

static void verify_clean(hotline_db *db)
{
	int64_t checked = 0;
	if (hotline_db_verify_log(db, NULL, &checked) != 0)
		fail_msg("verify-log: %s", hotline_db_errmsg(db));
}

/* ---- generated months ---- */

static uint64_t rnd_state;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)((rnd_state >> 33) % n);
}

static void fmt_at(char *buf, size_t size, hotline_time t)
{
	hotline_time_format(buf, size, t, 480);
}

/* One command of a case's lifecycle, chosen at random; refusals are part of the month. */
static void random_step(hotline_db *db, const char *id, int p2, hotline_time t)
{
	char at[40], later[40], more[40], line[1024];
	const char *mgr = p2 ? "li2" : "li", *head = p2 ? "wu2" : "wu";
	fmt_at(at, sizeof(at), t);
	fmt_at(later, sizeof(later), t + (hotline_time)(1 + rnd(72)) * 3600);
	fmt_at(more, sizeof(more), t + (hotline_time)(80 + rnd(400)) * 3600);
#define STEP(...) snprintf(line, sizeof(line), __VA_ARGS__)
	switch (rnd(22)) {
	case 0: case 1: STEP("{\"cmd\":\"dispatch\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\"}", id, at); break;
	case 2: STEP("{\"cmd\":\"decide_measures\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\",\"measures\":\"m\"}", id, at, mgr); break;
	case 3: STEP("{\"cmd\":\"onsite_visit\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\"}", id, at, head); break;
	case 4: STEP("{\"cmd\":\"submit_visit_form\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\"}", id, at, mgr); break;
	case 5: STEP("{\"cmd\":\"report_progress\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\",\"text\":\"t\"}", id, at, mgr); break;
	case 6:
		if (rnd(2))
			STEP("{\"cmd\":\"reply\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"text\":\"t\",\"promised_at\":\"%s\"}", id, at, later);
		else
			STEP("{\"cmd\":\"reply\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"text\":\"t\"}", id, at);
		break;
	case 7: STEP("{\"cmd\":\"request_escalation\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\",\"report\":\"r\"}", id, at, mgr); break;
	case 8: STEP("{\"cmd\":\"request_stage_close\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\",\"measures\":\"m\","
		"\"agreed_repair_at\":\"%s\",\"expected_completion_at\":\"%s\"}", id, at, mgr, later, more); break;
	case 9: STEP("{\"cmd\":\"report_malicious\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\",\"explanation\":\"e\"}", id, at, mgr); break;
	case 10: case 11: STEP("{\"cmd\":\"%s\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"gm\",\"note\":\"n\"}",
		rnd(3) ? "approve" : "reject", id, at); break;
	case 12:
		if (rnd(3))
			STEP("{\"cmd\":\"complete\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\"}", id, at, mgr);
		else
			STEP("{\"cmd\":\"complete\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\",\"agreed_followup_at\":\"%s\"}", id, at, mgr, later);
		break;
	case 13: STEP("{\"cmd\":\"followup\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\",\"satisfied\":%s}", id, at, mgr,
		rnd(4) ? "true" : "false"); break;
	case 14: STEP("{\"cmd\":\"supervisor_check\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhao\"}", id, at); break;
	case 15: {
		static const char *const outcome[] = { "confirmed", "false_report", "not_done" };
		STEP("{\"cmd\":\"verify\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"outcome\":\"%s\"}", id, at, outcome[rnd(3)]);
		break;
	}
	case 16: STEP("{\"cmd\":\"close\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"gm\"}", id, at); break;
	case 17: STEP("{\"cmd\":\"correct_record\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"fields\":[\"room\"],"
		"\"values\":{\"room\":\"2\"}}", id, at); break;
	case 18: STEP("{\"cmd\":\"repeat_complaint\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"matter\":\"m\"}", id, at); break;
	case 19: {
		static const char *const kind[] = { "falsified_form", "archive_lost_copy", "supervisor_false_report" };
		STEP("{\"cmd\":\"record_finding\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhao\",\"kind\":\"%s\"%s}", id, at,
			kind[rnd(3)], rnd(2) ? ",\"person\":\"zhao\"" : "");
		break;
	}
	default:
		/* the usual path: the next step a case takes most often */
		STEP("{\"cmd\":\"%s\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\"%s}",
			rnd(2) ? "dispatch" : "complete", id, at, rnd(2) ? "zhang" : mgr, "");
		break;
	}
#undef STEP
	(void)hotline_db_exec_json(db, line, NULL, NULL);
}

/* Cases first..first+n-1 registered in [from, from + 40 days), each walking at random. */
static void random_cases(hotline_db *db, int first, int n, hotline_time from)
{
	static const char *const kinds[] = { "complaint", "repair" };
	static const char *const sev[] = { "general", "serious", "urgent" };
	char id[32], at[40];
	int i, k;
	for (i = first; i < first + n; i++) {
		hotline_time t = from + (hotline_time)rnd(40 * 24 * 60) * 60;
		int p2 = rnd(3) == 0, steps = (int)rnd(14);
		snprintf(id, sizeof(id), "G%04d", i);
		fmt_at(at, sizeof(at), t);
		if (exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"property\":\"%s\","
		    "\"room\":\"1\",\"owner\":\"王\",\"phone\":\"13800000000\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		    "\"order_taker\":\"li\",\"kind\":\"%s\",\"severity\":\"%s\"}", id, at, p2 ? "P2" : "P1", kinds[rnd(2)],
		    sev[rnd(3)]) != 0)
			fail_msg("register %s: %s", id, hotline_db_errmsg(db));
		for (k = 0; k < steps; k++) {
			t += (hotline_time)rnd(rnd(4) ? 30 * 60 : 80 * 60) * 60;
			random_step(db, id, p2, t);
		}
		/* calls now and then: the organisation's events (R8) */
		if (rnd(4) == 0)
			exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"%s\",\"actor\":\"qa\",\"agent\":\"zhang\",\"rings\":%u,"
				"\"answered\":true,\"connected\":%s}", at, 1 + rnd(6), rnd(5) ? "true" : "false");
	}
}

static hotline_db *open_policy(const char *uri, const char *policy)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db;
	o.policy = policy;
	if (fixture_open(&db, uri, &o) != 0)
		fail_msg("open %s: %s", uri, hotline_last_error());
	fixture_load(db);
	return db;
}

static const char *const people[] = { "zhang", "li", "li2", "zhao", "qa", NULL };
static const char *const months[] = { "2026-11", "2026-12", NULL };

/* ---- tests ---- */

/* Under every shipped policy: a generated month, the two paths at every instant looked at. */
static void test_generated_months(void **state)
{
	size_t n, i;
	const char *const *names = hotline__policy_builtin_names(&n);
	(void)state;
	assert_true(n >= 3);
	for (i = 0; i < n; i++) {
		hotline_db *db = open_policy("memory:", names[i]);
		count c;
		rnd_state = 20261102u + i;
		random_cases(db, 0, 160, T("2026-10-20T08:00:00+08:00"));
		c = count_summaries(db);
		assert_int_equal(c.cases, 160);
		assert_true(busy_month(db) > 100);
		assert_int_equal(c.summaries, 160);
		same_over(db, "2026-10-21T00:00:00+08:00", "2027-01-05T00:00:00+08:00");
		same_statements(db, people, months);
		verify_clean(db);
		hotline_db_close(db);
	}
}

/* The demo month (examples/demo-month.jsonl) through hotline_replay into a file. */
static void test_demo_month(void **state)
{
	hotline_replay_options ro = HOTLINE_REPLAY_OPTIONS_INIT;
	const char *files[1] = { HOTLINE_SOURCE_DIR "/examples/demo-month.jsonl" };
	static const char *const demo_people[] = { "zhangmin", "liqiang", "wangwei", "zhaoli", "qianzhuren", NULL };
	char path[512], uri[600], *out = NULL;
	hotline_db *db;
	count c;
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "summary-demo");
	ro.db_uri = uri;
	ro.key = fixture_key;
	ro.key_id = FIXTURE_KEY_ID;
	assert_int_equal(hotline_replay(&out, files, 1, &ro), 0);
	hotline_free(out);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	c = count_summaries(db);
	assert_true(c.cases > 150);
	assert_int_equal(c.summaries, c.cases);
	same_over(db, "2026-10-26T00:00:00+08:00", "2026-12-30T00:00:00+08:00");
	same_statements(db, demo_people, months);
	verify_clean(db);
	hotline_db_close(db);
	fixture_sqlite_remove(path);
}

/* A policy line mid-month rebuilds every summary in its transaction; the paths still agree. */
static void test_after_policy_line(void **state)
{
	hotline_db *db = open_policy("memory:", "gm-hotline");
	char *line = NULL;
	json_t *o;
	count c;
	(void)state;
	rnd_state = 7;
	random_cases(db, 0, 100, T("2026-10-20T08:00:00+08:00"));
	assert_int_equal(hotline_policy_line(&line, "service-standard"), 0);
	assert_non_null(o = json_loads(line, 0, NULL));
	hotline_free(line);
	json_object_set_new(o, "at", json_string("2026-11-15T00:00:00+08:00"));
	line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (hotline_db_exec_json(db, line, NULL, NULL) != 0)
		fail_msg("policy line: %s", hotline_db_errmsg(db));
	free(line);
	random_cases(db, 100, 60, T("2026-11-01T08:00:00+08:00"));
	c = count_summaries(db);
	assert_int_equal(c.summaries, c.cases);
	same_over(db, "2026-10-21T00:00:00+08:00", "2027-01-05T00:00:00+08:00");
	same_statements(db, people, months);
	verify_clean(db);
	hotline_db_close(db);
}

/* A calendar line moves working-day dues of open and closed cases alike; their summaries follow. */
static void test_after_calendar_line(void **state)
{
	hotline_db *db = open_policy("memory:", "service-standard");
	count c;
	(void)state;
	rnd_state = 11;
	random_cases(db, 0, 120, T("2026-10-20T08:00:00+08:00"));
	if (exec_fmt(db, "{\"cmd\":\"calendar\",\"year\":2026,\"holidays\":[\"2026-11-02\",\"2026-11-03\",\"2026-11-16\","
	    "\"2026-11-17\",\"2026-11-18\"],\"workdays\":[\"2026-11-21\"],\"at\":\"2026-11-20T00:00:00+08:00\"}") != 0)
		fail_msg("calendar line: %s", hotline_db_errmsg(db));
	random_cases(db, 120, 40, T("2026-11-05T08:00:00+08:00"));
	c = count_summaries(db);
	assert_int_equal(c.summaries, c.cases);
	same_over(db, "2026-10-21T00:00:00+08:00", "2027-01-05T00:00:00+08:00");
	verify_clean(db);
	hotline_db_close(db);
}

/* ---- the next due a command stores ---- */

typedef struct due_check {
	hotline_db *db;
	size_t cases, open, provisional;
} due_check;

static int due_cb(const hotline_storage_case *sc, void *payload)
{
	due_check *d = payload;
	hotline__summary s;
	const char *text;
	size_t len, k;
	d->cases++;
	assert_non_null(text = hotline__snapshot_summary(sc->body, &len));
	assert_int_equal(hotline__summary_parse(text, len, &s), 0);
	for (k = 0; k < 6; k++) {
		static const int64_t later[6] = { 0, 1, 3600, 86400 + 7, 9 * 86400, 400 * 86400 };
		hotline__eval e;
		hotline__err err1, err2;
		int64_t due = -2;
		int provisional = -1, rc1, rc2;
		hotline__clearerr(&err1);
		hotline__clearerr(&err2);
		memset(&e, 0, sizeof(e));
		rc1 = hotline__eval_summary(d->db->policy, d->db->cal, &d->db->dir, sc->id, &s, s.max_at + later[k], &e, &err1);
		rc2 = hotline__summary_next_due(d->db->policy, d->db->cal, &d->db->dir, sc->id, &s, s.max_at + later[k], &due,
			&provisional, &err2);
		assert_int_equal(rc1, rc2);
		if (rc1 == 0) {
			if (due != e.next_due || provisional != e.next_due_provisional)
				fail_msg("case %s, %lld s after its last event: next due %lld (%d) alone, %lld (%d) in the evaluation",
					sc->id, (long long)later[k], (long long)due, provisional, (long long)e.next_due,
					e.next_due_provisional);
			d->open += k == 0 && due != HOTLINE_TIME_NONE;
			d->provisional += k == 0 && due != HOTLINE_TIME_NONE && provisional;
		}
		hotline__eval_free(&e);
	}
	hotline__summary_free(&s);
	return 0;
}

/*
 * The next due settled alone from a summary (what each command stores) is
 * the full evaluation's, at and after the case's last event, under every
 * shipped policy and in a year without holiday data (provisional dues).
 */
static void test_next_due_alone(void **state)
{
	size_t n, i, provisional = 0;
	const char *const *names = hotline__policy_builtin_names(&n);
	(void)state;
	for (i = 0; i < n; i++) {
		hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
		hotline_db *db = open_policy("memory:", names[i]);
		due_check d = { db, 0, 0, 0 };
		rnd_state = 4242u + i;
		random_cases(db, 0, 80, T("2026-10-20T08:00:00+08:00"));
		random_cases(db, 80, 40, T("2027-12-01T08:00:00+08:00"));
		if (strcmp(names[i], "service-standard") == 0) {
			/* a serious complaint visited and answered: its one open due counts working days of 2027 */
			assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"S1\",\"at\":\"2027-12-01T09:00:00+08:00\","
				"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"13800000000\","
				"\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"kind\":\"complaint\","
				"\"severity\":\"serious\"}"), 0);
			assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2027-12-01T09:05:00+08:00\","
				"\"actor\":\"zhang\"}"), 0);
			assert_int_equal(exec_fmt(db, "{\"cmd\":\"onsite_visit\",\"case\":\"S1\",\"at\":\"2027-12-01T09:30:00+08:00\","
				"\"actor\":\"wu\"}"), 0);
			assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"S1\",\"at\":\"2027-12-01T10:00:00+08:00\","
				"\"actor\":\"zhang\",\"text\":\"t\"}"), 0);
		}
		assert_int_equal(db->st->cases_foreach(db->st, &q, due_cb, &d), 0);
		assert_int_equal(d.cases, strcmp(names[i], "service-standard") == 0 ? 121 : 120);
		assert_true(d.open > 10);
		provisional += d.provisional;
		hotline_db_close(db);
	}
	/* working-day dues in 2028, a year without holiday data */
	assert_true(provisional > 0);
}

/* ---- a summary edited in the file ---- */

static void sql(const char *path, const char *text)
{
	sqlite3 *s;
	char *err = NULL;
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	if (sqlite3_exec(s, text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err ? err : "?");
	sqlite3_free(err);
	sqlite3_close(s);
}

/* The case whose events leave R14b (on site within 24 h) unmet: overdue, and costing per day. */
static hotline_db *overdue_case(const char *uri)
{
	hotline_db *db = open_policy(uri, "gm-hotline");
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"13800000000\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:10:00+08:00\","
		"\"actor\":\"zhang\"}"), 0);
	return db;
}

/*
 * verify-log rebuilds each summary from its case's events: one edited in the
 * file (a due moved a day) is a finding, naming the case and "summary"; the
 * assessment reads the summary (it shows the edit) until the replay is asked for.
 */
static void test_verify_finds_edited_summary(void **state)
{
	char path[512], uri[600], *a, *b;
	hotline_time as_of = T("2026-11-27T00:00:00+08:00");
	hotline_db *db;
	int64_t checked = 0;
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "summary-edit");
	db = overdue_case(uri);
	verify_clean(db);
	a = assess(db, as_of, HOTLINE_FORMAT_JSON, 0);
	hotline_db_close(db);
	/* every due of the case one day later: 2026-11-03T09:10+08:00 is 1793668200 */
	sql(path, "UPDATE cases SET body = replace(body, ',1793668200,', ',1793754600,') WHERE id = 'C1'");
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	assert_int_not_equal(hotline_db_verify_log(db, NULL, &checked), 0);
	assert_non_null(strstr(hotline_db_errmsg(db), "C1"));
	assert_non_null(strstr(hotline_db_errmsg(db), "summary"));
	b = assess(db, as_of, HOTLINE_FORMAT_JSON, 0);
	assert_string_not_equal(a, b);
	hotline_free(b);
	b = assess(db, as_of, HOTLINE_FORMAT_JSON, 1);
	assert_string_equal(a, b);
	hotline_free(a);
	hotline_free(b);
	hotline_db_close(db);
	fixture_sqlite_remove(path);
}

/* Readers of a case never see its summary: hotline_case_json is the snapshot as before. */
static void test_snapshot_hides_summary(void **state)
{
	hotline_db *db = overdue_case("memory:");
	hotline_case *c;
	count n;
	(void)state;
	n = count_summaries(db);
	assert_int_equal(n.summaries, 1);
	assert_int_equal(hotline_db_case(&c, db, "C1"), 0);
	assert_null(strstr(hotline_case_json(c), "summary"));
	assert_non_null(strstr(hotline_case_json(c), "\"next_due\""));
	hotline_case_free(c);
	hotline_db_close(db);
}

/* A case whose events run past as_of is replayed: its summary speaks only for later instants. */
static void test_as_of_before_the_last_event(void **state)
{
	hotline_db *db = overdue_case("memory:");
	(void)state;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"onsite_visit\",\"case\":\"C1\",\"at\":\"2026-11-05T10:00:00+08:00\","
		"\"actor\":\"wu\"}"), 0);
	same_at(db, T("2026-11-04T00:00:00+08:00"));
	same_at(db, T("2026-11-05T10:00:00+08:00"));
	same_at(db, T("2026-11-05T10:00:00+08:00") - 1);
	same_at(db, T("2026-11-27T00:00:00+08:00"));
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_hides_summary),
		cmocka_unit_test(test_as_of_before_the_last_event),
		cmocka_unit_test(test_verify_finds_edited_summary),
		cmocka_unit_test(test_generated_months),
		cmocka_unit_test(test_next_due_alone),
		cmocka_unit_test(test_demo_month),
		cmocka_unit_test(test_after_policy_line),
		cmocka_unit_test(test_after_calendar_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
