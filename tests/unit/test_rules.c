/*
 * The rules engine, rule by rule, on events built in memory from scenario
 * lines (rules_fixture.h). Every expectation is computed by hand from
 * DESIGN §3 and the seeds; the arithmetic is in the comments.
 *
 * Instants are local +08:00. 2026-11-02 is a Monday.
 */
#include "csv_reference.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules_fixture.h"
#include "util/json.h"

#define MIN INT64_C(60)
#define HOUR INT64_C(3600)
#define DAY INT64_C(86400)

/* ---- scenario text ---- */

static char sc[1 << 17];
static size_t sc_n;

static void add(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;

static void add(const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(sc + sc_n, sizeof(sc) - sc_n, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n + 2 < sizeof(sc) - sc_n);
	sc_n += (size_t)n;
	sc[sc_n++] = '\n';
	sc[sc_n] = '\0';
}

static const char *iso(int64_t t)
{
	static char bufs[8][32];
	static int k;
	char *b = bufs[k++ % 8];
	hotline__time_format(t, 480, b);
	return b;
}

static int64_t T(const char *local)
{
	char buf[40];
	snprintf(buf, sizeof(buf), "%s+08:00", local);
	return fx_t(buf);
}

/*
 * The directory every scenario starts with. P1: manager li, department
 * head wu, quality supervisor zhao. P2: manager li2, no quality supervisor.
 */
static void directory(int with_qa)
{
	sc_n = 0;
	sc[0] = '\0';
	add("{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}");
	add("{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}");
	add("{\"cmd\":\"person\",\"id\":\"li2\",\"name\":\"刘洋\",\"roles\":[\"property_manager\"]}");
	add("{\"cmd\":\"person\",\"id\":\"wu\",\"name\":\"吴刚\",\"roles\":[\"department_head\"]}");
	add("{\"cmd\":\"person\",\"id\":\"zhao\",\"name\":\"赵丽\",\"roles\":[\"quality_supervisor\"]}");
	add("{\"cmd\":\"person\",\"id\":\"zhao2\",\"name\":\"赵二\",\"roles\":[\"quality_supervisor\"]}");
	add("{\"cmd\":\"person\",\"id\":\"gm\",\"name\":\"陈总\",\"roles\":[\"group_head\"]}");
	if (with_qa) {
		add("{\"cmd\":\"person\",\"id\":\"qa\",\"name\":\"钱主任\",\"roles\":[\"qa_director\"]}");
		add("{\"cmd\":\"person\",\"id\":\"qb\",\"name\":\"孙主任\",\"roles\":[\"qa_director\"]}");
	}
	add("{\"cmd\":\"person\",\"id\":\"sd1\",\"name\":\"周总监\",\"roles\":[\"sales_director\"]}");
	add("{\"cmd\":\"person\",\"id\":\"sd2\",\"name\":\"吴总监\",\"roles\":[\"sales_director\"]}");
	add("{\"cmd\":\"person\",\"id\":\"da\",\"name\":\"郑助理\",\"roles\":[\"director_assistant\"]}");
	add("{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\",\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\"}");
	add("{\"cmd\":\"property\",\"id\":\"P2\",\"name\":\"竹苑\",\"manager\":\"li2\",\"department_heads\":[]}");
}

static void reg_p(const char *c, int64_t at, const char *property, const char *extra)
{
	add("{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"property\":\"%s\",\"room\":\"3-201\","
		"\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"%s}", c, iso(at), property, extra ? extra : "");
}

static void reg(const char *c, int64_t at)
{
	reg_p(c, at, "P1", NULL);
}

/* A case event; extra is ",\"key\":value..." or NULL. */
static void ev(const char *cmd, const char *c, int64_t at, const char *actor, const char *extra)
{
	add("{\"cmd\":\"%s\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\"%s}", cmd, c, iso(at), actor,
		extra ? extra : "");
}

/* An organisation-level event. */
static void org(const char *cmd, int64_t at, const char *actor, const char *extra)
{
	add("{\"cmd\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\"%s}", cmd, iso(at), actor, extra ? extra : "");
}

static void request(const char *cmd, const char *c, int64_t at)
{
	ev(cmd, c, at, "li", strcmp(cmd, "report_malicious") == 0 ? ",\"explanation\":\"诬告\"" :
		strcmp(cmd, "request_escalation") == 0 ? ",\"report\":\"无法解决\"" :
		",\"measures\":\"m\",\"agreed_repair_at\":\"2027-01-01T09:00:00+08:00\",\"expected_completion_at\":\"2027-03-01T09:00:00+08:00\"");
}

/* ---- evaluation ---- */

static hotline__policy *gm, *ss, *so;
static hotline__calendar *cal;
static rules_fixture fx;
static const hotline__policy *P;
static hotline__eval E;
static int loaded, evaluated;

static void reset(void)
{
	if (evaluated)
		hotline__eval_free(&E);
	if (loaded)
		fx_free(&fx);
	loaded = evaluated = 0;
}

static void load(void)
{
	reset();
	if (fx_load(&fx, sc) != 0)
		fail_msg("scenario: %s", fx.error);
	loaded = 1;
}

static void run_case(const char *c, int64_t as_of)
{
	const hotline__event *e;
	size_t n;
	hotline__err err = { 0, "" };
	load();
	fx_case(&fx, c, &e, &n);
	assert_true(n > 0);
	if (hotline__eval_case(P, cal, &fx.dir, e, n, as_of, &E, &err) != 0)
		fail_msg("eval: %s", err.msg);
	evaluated = 1;
}

static int same(const char *a, const char *b)
{
	return (a && b) ? strcmp(a, b) == 0 : a == b;
}

static const hotline__penalty *pen(const char *rule, const char *person)
{
	size_t i;
	for (i = 0; i < E.n_pen; i++)
		if (strcmp(E.pen[i].rule, rule) == 0 && same(E.pen[i].person, person))
			return &E.pen[i];
	return NULL;
}

static int64_t amt(const char *rule, const char *person)
{
	const hotline__penalty *p = pen(rule, person);
	return p ? p->amount_fen : 0;
}

static int64_t rule_total(const char *rule)
{
	size_t i;
	int64_t t = 0;
	for (i = 0; i < E.n_pen; i++)
		if (strcmp(E.pen[i].rule, rule) == 0)
			t += E.pen[i].amount_fen;
	return t;
}

static void expect_incs(const char *rule, const char *person, size_t n, const int64_t *at)
{
	const hotline__penalty *p = pen(rule, person);
	size_t i;
	if (n == 0) {
		assert_null(p);
		return;
	}
	if (!p)
		fail_msg("no %s penalty for %s", rule, person ? person : "(null)");
	assert_int_equal(p->n_inc, n);
	for (i = 0; i < n; i++)
		if (p->inc[i].at != at[i])
			fail_msg("%s increment %zu at %s, expected %s", rule, i, iso(p->inc[i].at), iso(at[i]));
}

static const hotline__deadline *dl(const char *rule, size_t k)
{
	size_t i;
	for (i = 0; i < E.n_dl; i++)
		if (strcmp(E.dl[i].rule, rule) == 0 && k-- == 0)
			return &E.dl[i];
	return NULL;
}

static size_t n_dl(const char *rule)
{
	size_t i, n = 0;
	for (i = 0; i < E.n_dl; i++)
		n += strcmp(E.dl[i].rule, rule) == 0;
	return n;
}

static int setup_all(void **state)
{
	hotline__err err = { 0, "" };
	(void)state;
	if (hotline__policy_builtin(&gm, "gm-hotline", &err) || hotline__policy_builtin(&ss, "service-standard", &err) ||
	    hotline__policy_builtin(&so, "sales-office", &err))
		return -1;
	cal = hotline__calendar_new(480);
	if (!cal || hotline__calendar_load_builtin(cal, &err) != 0)
		return -1;
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	reset();
	hotline__policy_free(gm);
	hotline__policy_free(ss);
	hotline__policy_free(so);
	hotline__calendar_free(cal);
	return 0;
}

static int per_test(void **state)
{
	(void)state;
	reset();
	P = gm;
	return 0;
}

/* ================================================================== */
/* The deadline battery: the same eight situations for every deadline. */

typedef struct battery {
	const char *rule;
	const char *person;      /* who pays */
	int per_day;             /* 1: per started day, 0: once */
	int64_t amount;          /* per increment */
	void (*setup)(void);     /* the case "C1" up to and including the start */
	int64_t due;             /* computed by hand */
	const char *met_cmd, *met_actor, *met_extra;
	const char *request;     /* the request used for the exemption cases */
	int64_t others;          /* joint liability: what the other parties pay per increment */
	int64_t lead;            /* how long before the due the early requests come (0: an hour) */
} battery;

static void met_at(const battery *b, int64_t at)
{
	ev(b->met_cmd, "C1", at, b->met_actor, b->met_extra);
}

/* What the liable person pays for lateness `late`, the deadline's lateness, and no one else. */
static void check_amount(const battery *b, int64_t late)
{
	int64_t want = 0, n = 0;
	if (late > 0)
		n = b->per_day ? (late + DAY - 1) / DAY : 1;
	want = n * b->amount;
	if (amt(b->rule, b->person) != want)
		fail_msg("%s late %lld s: %lld fen, expected %lld", b->rule, (long long)late,
			(long long)amt(b->rule, b->person), (long long)want);
	assert_int_equal(rule_total(b->rule), want + n * b->others);
	if (dl(b->rule, 0)->late_seconds != late)
		fail_msg("%s: lateness %lld s, expected %lld", b->rule, (long long)dl(b->rule, 0)->late_seconds,
			(long long)late);
}

static void check_incs(const battery *b, size_t n, const int64_t *at)
{
	/* breach-only rules (seed 004) list lateness and charge nothing */
	expect_incs(b->rule, b->person, b->amount ? n : 0, at);
}

static void run_battery(const battery *b)
{
	const hotline__deadline *d;
	int64_t at[4];
	int64_t lead = b->lead ? b->lead : HOUR;

	/* 1. on time */
	directory(1);
	b->setup();
	met_at(b, b->due - lead / 2);
	run_case("C1", b->due + 2 * DAY + 2);
	check_amount(b, 0);
	d = dl(b->rule, 0);
	assert_non_null(d);
	assert_int_equal(d->state, HOTLINE__DL_MET);
	assert_int_equal(d->due, b->due);
	assert_int_equal(d->late_seconds, 0);

	/* 2. met exactly at the due instant: on time */
	directory(1);
	b->setup();
	met_at(b, b->due);
	run_case("C1", b->due + 2 * DAY + 2);
	check_amount(b, 0);
	assert_int_equal(dl(b->rule, 0)->state, HOTLINE__DL_MET);

	/* 3. late by less than a day: one increment, at the due instant */
	directory(1);
	b->setup();
	met_at(b, b->due + 3 * HOUR);
	run_case("C1", b->due + 2 * DAY + 2);
	check_amount(b, 3 * HOUR);
	at[0] = b->due;
	check_incs(b, 1, at);
	if (b->amount)
		assert_int_equal(pen(b->rule, b->person)->evidence[0], dl(b->rule, 0)->start_seq);

	/* 4. late by two days and a second: per day, increments at due, due+1d, due+2d */
	directory(1);
	b->setup();
	met_at(b, b->due + 2 * DAY + 1);
	run_case("C1", b->due + 2 * DAY + 2);
	check_amount(b, 2 * DAY + 1);
	at[0] = b->due;
	at[1] = b->due + DAY;
	at[2] = b->due + 2 * DAY;
	check_incs(b, b->per_day ? 3 : 1, at);

	/* 5. never met: pending at the due instant, then late by exactly three days */
	directory(1);
	b->setup();
	run_case("C1", b->due);
	check_amount(b, 0);
	assert_int_equal(dl(b->rule, 0)->state, HOTLINE__DL_PENDING);
	assert_true(E.next_due <= b->due);
	run_case("C1", b->due + 3 * DAY);
	check_amount(b, 3 * DAY);
	check_incs(b, b->per_day ? 3 : 1, at);
	assert_int_equal(dl(b->rule, 0)->state, HOTLINE__DL_MISSED);
	assert_int_equal(dl(b->rule, 0)->met_at, HOTLINE_TIME_NONE);

	/* 6. exempted before the due instant: the clock stops at the request */
	directory(1);
	b->setup();
	request(b->request, "C1", b->due - lead);
	ev("approve", "C1", b->due + DAY, "gm", NULL);
	run_case("C1", b->due + 5 * DAY);
	check_amount(b, 0);
	d = dl(b->rule, 0);
	assert_int_equal(d->state, HOTLINE__DL_STOPPED);
	assert_int_equal(d->stopped_at, b->due - lead);
	assert_true(E.exempt);
	assert_int_equal(E.exempt_from, b->due - lead);

	/* 7. exempted after the due instant: what was incurred before the request stands */
	directory(1);
	b->setup();
	request(b->request, "C1", b->due + DAY + HOUR);
	ev("approve", "C1", b->due + 2 * DAY, "gm", NULL);
	run_case("C1", b->due + 5 * DAY);
	check_amount(b, DAY + HOUR);
	check_incs(b, b->per_day ? 2 : 1, at);
	/* ... and an increment falling exactly at the request instant is not incurred */
	directory(1);
	b->setup();
	request(b->request, "C1", b->due + DAY);
	ev("approve", "C1", b->due + 2 * DAY, "gm", NULL);
	run_case("C1", b->due + 5 * DAY);
	check_amount(b, DAY);
	check_incs(b, 1, at);
	/* ... nor anything when the request is exactly at the due instant */
	directory(1);
	b->setup();
	request(b->request, "C1", b->due);
	ev("approve", "C1", b->due + 2 * DAY, "gm", NULL);
	run_case("C1", b->due + 5 * DAY);
	check_amount(b, 0);

	/* 8. a rejected request pauses nothing */
	directory(1);
	b->setup();
	request(b->request, "C1", b->due - lead);
	ev("reject", "C1", b->due - lead / 2, "gm", NULL);
	run_case("C1", b->due + 3 * DAY);
	check_amount(b, 3 * DAY);
	assert_false(E.exempt);

	/* 9. an approval after as_of is not seen */
	directory(1);
	b->setup();
	request(b->request, "C1", b->due - lead);
	ev("approve", "C1", b->due + 2 * DAY, "gm", NULL);
	run_case("C1", b->due + DAY + 1);
	check_amount(b, DAY + 1);
	assert_false(E.exempt);
}

/* Case set-ups (call at 09:05, dispatch at 09:20 on Monday 2026-11-02). */

static void s_register_evening(void)
{
	reg("C1", T("2026-11-02T17:50:00"));
}

static void s_dispatched(void)
{
	reg("C1", T("2026-11-02T09:05:00"));
	ev("dispatch", "C1", T("2026-11-02T09:20:00"), "zhang", NULL);
}

static void s_completed(void)
{
	s_dispatched();
	ev("decide_measures", "C1", T("2026-11-02T10:00:00"), "li", ",\"measures\":\"更换灯具\"");
	ev("onsite_visit", "C1", T("2026-11-02T15:00:00"), "wu", NULL);
	ev("submit_visit_form", "C1", T("2026-11-02T16:00:00"), "li", NULL);
	ev("complete", "C1", T("2026-11-02T17:00:00"), "li", NULL);
}

static void s_followed_up(void)
{
	s_completed();
	ev("followup", "C1", T("2026-11-03T09:00:00"), "li", ",\"satisfied\":true");
}

/* R13: 17:50 leaves 10 duty minutes on Monday, 50 more from 08:30 Tuesday. */
static void test_r13_battery(void **state)
{
	battery b = { "R13", "zhang", 0, 500, s_register_evening, 0, "dispatch", "zhang", NULL, "report_malicious", 0, 0 };
	(void)state;
	b.due = T("2026-11-03T09:20:00");
	run_battery(&b);
}

static void test_r14a_battery(void **state)
{
	battery b = { "R14a", "li", 0, 500, s_dispatched, 0, "decide_measures", "li", ",\"measures\":\"m\"",
		"request_escalation", 0, 0 };
	(void)state;
	b.due = T("2026-11-02T11:20:00");
	run_battery(&b);
}

static void test_r14b_battery(void **state)
{
	battery b = { "R14b", "li", 1, 300, s_dispatched, 0, "onsite_visit", "wu", NULL, "request_escalation", 0, 0 };
	(void)state;
	b.due = T("2026-11-03T09:20:00");
	run_battery(&b);
}

static void test_r14f_battery(void **state)
{
	battery b = { "R14f", "li", 1, 300, s_dispatched, 0, "submit_visit_form", "li", NULL, "request_stage_close", 0, 0 };
	(void)state;
	b.due = T("2026-11-03T09:20:00");
	run_battery(&b);
}

/* R14e: complete at 17:00 → follow-up due 24 h later. */
static void test_r14e_battery(void **state)
{
	battery b = { "R14e", "li", 1, 300, s_completed, 0, "followup", "li", ",\"satisfied\":true", "report_malicious", 0, 0 };
	(void)state;
	b.due = T("2026-11-03T17:00:00");
	run_battery(&b);
}

static void test_r15a_battery(void **state)
{
	battery b = { "R15a", "zhao", 0, 500, s_followed_up, 0, "supervisor_check", "zhao", NULL, "report_malicious", 0, 0 };
	(void)state;
	b.due = T("2026-11-04T09:00:00");
	run_battery(&b);
}

static void test_r15c_battery(void **state)
{
	battery b = { "R15c", "zhang", 0, 500, s_followed_up, 0, "verify", "zhang", ",\"outcome\":\"confirmed\"",
		"report_malicious", 0, 0 };
	(void)state;
	b.due = T("2026-11-04T09:00:00");
	run_battery(&b);
}

/* R16's first due behaves as a once-cost deadline (its chain is tested below). */
static void test_r16_battery(void **state)
{
	battery b = { "R16", "li", 0, 500, s_dispatched, 0, "report_progress", "li", NULL, "request_escalation", 0, 0 };
	(void)state;
	b.due = T("2026-11-05T09:20:00");
	run_battery(&b);
}

/* R17 met by complete here; its request meets it too (next test). */
static void test_r17_battery(void **state)
{
	battery b = { "R17", "li", 1, 300, s_dispatched, 0, "complete", "li", NULL, "report_malicious", 0, 0 };
	(void)state;
	b.due = T("2026-11-09T09:20:00");
	run_battery(&b);
}

/* service-standard (seed 004): the same situations, lateness listed, nothing charged. */

static int64_t ss_t0(void)
{
	return T("2026-11-02T10:00:00");
}

static void s_urgent_repair(void)
{
	reg_p("C1", ss_t0(), "P1", ",\"kind\":\"repair\",\"severity\":\"urgent\"");
}

static void s_complaint(void)
{
	reg("C1", ss_t0());
}

static void s_serious(void)
{
	reg_p("C1", ss_t0(), "P1", ",\"severity\":\"serious\"");
}

static void ss_battery(const char *rule, void (*setup)(void), int64_t due, const char *cmd, const char *actor,
	const char *extra)
{
	battery b = { NULL, NULL, 0, 0, NULL, 0, NULL, NULL, NULL, "report_malicious", 0, 20 * MIN };
	b.rule = rule;
	b.person = "li";
	b.setup = setup;
	b.due = due;
	b.met_cmd = cmd;
	b.met_actor = actor;
	b.met_extra = extra;
	P = ss;
	run_battery(&b);
	assert_int_equal(E.n_pen, 0);
}

static void test_service_standard_batteries(void **state)
{
	int64_t t = ss_t0();
	(void)state;
	ss_battery("S1a", s_urgent_repair, t + 30 * MIN, "onsite_visit", "wu", NULL);
	ss_battery("S1b", s_complaint, t + HOUR, "onsite_visit", "wu", NULL);
	ss_battery("S1c", s_complaint, t + 4 * HOUR, "reply", "zhang", ",\"text\":\"处理中\"");
	ss_battery("S3a", s_complaint, t + 8 * HOUR, "complete", "li", NULL);
	/* Monday 11-02: working days 11-03, 04, 05, 06, 09 → due at 24:00 of 11-09 */
	ss_battery("S3b", s_serious, T("2026-11-10T00:00:00"), "complete", "li", NULL);
	ss_battery("S4", s_urgent_repair, t + 48 * HOUR, "reply", "zhang", ",\"text\":\"已修好\"");
}

/* sales-office (seed 002 篇2): ¥100 the call-taker, jointly ¥50 each sales_director and director_assistant. */

static void s_sales_registered(void)
{
	reg("C1", T("2026-11-02T10:00:00"));
}

static void s_sales_promised(void)
{
	reg("C1", T("2026-11-02T10:00:00"));
	ev("reply", "C1", T("2026-11-02T16:00:00"), "zhang", ",\"text\":\"周四前解决\",\"promised_at\":\"2026-11-05T12:00:00+08:00\"");
	ev("dispatch", "C1", T("2026-11-02T16:10:00"), "zhang", NULL);
}

static void test_sales_office_batteries(void **state)
{
	battery a = { "SO2a", "zhang", 0, 10000, s_sales_registered, 0, "complete", "li", NULL, "report_malicious", 15000, 0 };
	battery b = { "SO2b", "zhang", 0, 10000, s_sales_promised, 0, "complete", "li", NULL, "report_malicious", 15000, 0 };
	(void)state;
	P = so;
	/* the end of the local day of the call */
	a.due = T("2026-11-03T00:00:00");
	run_battery(&a);
	b.due = T("2026-11-05T12:00:00");
	run_battery(&b);
}

/* ================================================================== */
/* Deadlines: the particulars. */

/* Art. 17: a written report is a request_escalation, approved or rejected. */
static void test_r17_rejected_request_is_the_report(void **state)
{
	(void)state;
	directory(1);
	s_dispatched();
	/* a day and an hour late: two started days */
	ev("request_escalation", "C1", T("2026-11-10T10:20:00"), "li", ",\"report\":\"无法解决\"");
	ev("reject", "C1", T("2026-11-11T10:00:00"), "gm", NULL);
	run_case("C1", T("2026-11-20T00:00:00"));
	assert_int_equal(amt("R17", "li"), 600);
	assert_int_equal(dl("R17", 0)->state, HOTLINE__DL_MET);
	assert_int_equal(dl("R17", 0)->met_at, T("2026-11-10T10:20:00"));
	assert_false(E.exempt);
	/* the rejection paused nothing: R14b ran on to as_of (due 11-03 09:20, 16 days 14 h 40 min → 17) */
	assert_int_equal(amt("R14b", "li"), 17 * 300);

	/* on time and approved: met, and the case leaves the assessment */
	directory(1);
	s_dispatched();
	ev("request_escalation", "C1", T("2026-11-08T10:00:00"), "li", ",\"report\":\"无法解决\"");
	ev("approve", "C1", T("2026-11-09T10:00:00"), "gm", NULL);
	run_case("C1", T("2026-11-20T00:00:00"));
	assert_int_equal(amt("R17", "li"), 0);
	assert_int_equal(dl("R17", 0)->state, HOTLINE__DL_MET);
	assert_true(E.exempt);
	/* R14b stopped at the request: 11-03 09:20 … 11-08 10:00 is 5 days 40 min → 6 increments */
	assert_int_equal(amt("R14b", "li"), 6 * 300);
	assert_int_equal(dl("R14b", 0)->state, HOTLINE__DL_STOPPED);
	/* R16: dues 11-05 09:20 missed; 11-08 09:20 missed; the next (11-11) stopped */
	assert_int_equal(amt("R16", "li"), 1000);
	/* nothing is due any more */
	assert_int_equal(E.next_due, HOTLINE_TIME_NONE);
}

/* Art. 14: "或未按约定时间": the agreed time replaces the 24 h. */
static void test_r14e_agreed_time(void **state)
{
	int64_t at[2];
	(void)state;
	directory(1);
	s_dispatched();
	ev("complete", "C1", T("2026-11-02T17:00:00"), "li", ",\"agreed_followup_at\":\"2026-11-06T10:00:00+08:00\"");
	ev("followup", "C1", T("2026-11-07T10:00:01"), "li", ",\"satisfied\":true");
	run_case("C1", T("2026-11-20T00:00:00"));
	assert_int_equal(dl("R14e", 0)->due, T("2026-11-06T10:00:00"));
	at[0] = T("2026-11-06T10:00:00");
	at[1] = T("2026-11-07T10:00:00");
	expect_incs("R14e", "li", 2, at);
	assert_int_equal(amt("R14e", "li"), 600);
}

/* Each complete starts its own follow-up clock; a dissatisfied follow-up still meets it. */
static void test_r14e_each_complete(void **state)
{
	(void)state;
	directory(1);
	s_completed();
	ev("followup", "C1", T("2026-11-03T10:00:00"), "li", ",\"satisfied\":false");
	ev("complete", "C1", T("2026-11-04T17:00:00"), "li", NULL);
	run_case("C1", T("2026-11-06T18:00:00"));
	assert_int_equal(n_dl("R14e"), 2);
	assert_int_equal(dl("R14e", 0)->state, HOTLINE__DL_MET);
	/* second: due 11-05 17:00, unmet at 11-06 18:00 → 2 started days */
	assert_int_equal(dl("R14e", 1)->state, HOTLINE__DL_MISSED);
	assert_int_equal(amt("R14e", "li"), 600);
	/* R15a/R15c start only at a satisfied follow-up */
	assert_int_equal(n_dl("R15a"), 0);
	assert_int_equal(n_dl("R15c"), 0);
}

/* Art. 15: the property's quality supervisor; a property without one → person null. */
static void test_r15a_no_supervisor(void **state)
{
	(void)state;
	directory(1);
	reg_p("C1", T("2026-11-02T09:05:00"), "P2", NULL);
	ev("dispatch", "C1", T("2026-11-02T09:20:00"), "zhang", NULL);
	ev("complete", "C1", T("2026-11-02T17:00:00"), "li2", NULL);
	ev("followup", "C1", T("2026-11-03T09:00:00"), "li2", ",\"satisfied\":true");
	ev("verify", "C1", T("2026-11-03T10:00:00"), "zhang", ",\"outcome\":\"confirmed\"");
	run_case("C1", T("2026-11-05T00:00:00"));
	assert_int_equal(amt("R15a", NULL), 500);
	assert_null(pen("R15a", NULL)->person);
	assert_string_equal(pen("R15a", NULL)->property, "P2");
	assert_int_equal(amt("R14b", "li2"), 300 * 2);
}

/* CLOSED stops every deadline still pending at the closing instant. */
static void test_close_stops_deadlines(void **state)
{
	(void)state;
	directory(1);
	s_followed_up();
	ev("verify", "C1", T("2026-11-03T10:00:00"), "zhang", ",\"outcome\":\"confirmed\"");
	ev("close", "C1", T("2026-11-03T11:00:00"), "gm", NULL);
	run_case("C1", T("2026-11-30T00:00:00"));
	assert_int_equal(dl("R15a", 0)->state, HOTLINE__DL_STOPPED);
	assert_int_equal(dl("R15a", 0)->stopped_at, T("2026-11-03T11:00:00"));
	assert_int_equal(amt("R15a", "zhao"), 0);
	/* R16: 11-05 09:20 was never reached */
	assert_int_equal(amt("R16", "li"), 0);
	assert_int_equal(E.next_due, HOTLINE_TIME_NONE);
	assert_false(E.exempt);

	/* closed after the due instant: the miss stands */
	directory(1);
	s_followed_up();
	ev("verify", "C1", T("2026-11-03T10:00:00"), "zhang", ",\"outcome\":\"confirmed\"");
	ev("close", "C1", T("2026-11-04T11:00:00"), "gm", NULL);
	run_case("C1", T("2026-11-30T00:00:00"));
	assert_int_equal(amt("R15a", "zhao"), 500);
	/* and evidence names the start and the closure */
	assert_int_equal(pen("R15a", "zhao")->n_evidence, 2);
}

/* Art. 16: the chain of progress reports. */
static void test_r16_chain(void **state)
{
	int64_t t0 = T("2026-11-02T09:20:00"), at[4];
	(void)state;
	directory(1);
	s_dispatched();
	/* report on time at +2d → next due +5d; +5d and +8d missed; the report at +9d
	 * meets the due +11d (72 h after the miss at +8d); complete at +11d ends it */
	ev("report_progress", "C1", t0 + 2 * DAY, "li", NULL);
	ev("report_progress", "C1", t0 + 9 * DAY, "li", NULL);
	ev("complete", "C1", t0 + 11 * DAY, "li", NULL);
	/* back to DISPATCHED: the chain does not restart */
	ev("followup", "C1", t0 + 12 * DAY, "li", ",\"satisfied\":false");
	run_case("C1", t0 + 40 * DAY);
	at[0] = t0 + 5 * DAY;
	at[1] = t0 + 8 * DAY;
	expect_incs("R16", "li", 2, at);
	assert_int_equal(amt("R16", "li"), 1000);
	assert_int_equal(n_dl("R16"), 5);
	assert_int_equal(dl("R16", 0)->due, t0 + 3 * DAY);
	assert_int_equal(dl("R16", 0)->state, HOTLINE__DL_MET);
	assert_int_equal(dl("R16", 1)->due, t0 + 5 * DAY);
	assert_int_equal(dl("R16", 1)->state, HOTLINE__DL_MISSED);
	assert_int_equal(dl("R16", 2)->due, t0 + 8 * DAY);
	assert_int_equal(dl("R16", 3)->due, t0 + 11 * DAY);
	assert_int_equal(dl("R16", 3)->met_at, t0 + 9 * DAY);
	assert_int_equal(dl("R16", 4)->due, t0 + 12 * DAY);
	assert_int_equal(dl("R16", 4)->met_at, t0 + 11 * DAY);

	/* a report exactly at the due instant is on time; the next is due 72 h later */
	directory(1);
	s_dispatched();
	ev("report_progress", "C1", t0 + 3 * DAY, "li", NULL);
	run_case("C1", t0 + 5 * DAY);
	assert_int_equal(amt("R16", "li"), 0);
	assert_int_equal(dl("R16", 0)->state, HOTLINE__DL_MET);
	assert_int_equal(dl("R16", 1)->due, t0 + 6 * DAY);
	assert_int_equal(dl("R16", 1)->state, HOTLINE__DL_PENDING);

	/* while nothing comes: one miss every 72 h; next_due is the current pending due */
	directory(1);
	s_dispatched();
	ev("decide_measures", "C1", t0 + HOUR, "li", ",\"measures\":\"m\"");
	ev("onsite_visit", "C1", t0 + 2 * HOUR, "wu", NULL);
	ev("submit_visit_form", "C1", t0 + 3 * HOUR, "li", NULL);
	ev("request_escalation", "C1", t0 + 4 * HOUR, "li", ",\"report\":\"r\"");
	ev("reject", "C1", t0 + 5 * HOUR, "gm", NULL);
	run_case("C1", t0 + 10 * DAY);
	assert_int_equal(amt("R16", "li"), 1500);   /* +3d, +6d, +9d */
	assert_int_equal(E.next_due, t0 + 12 * DAY);
	assert_int_equal(n_dl("R16"), 4);
	assert_false(dl("R16", 0)->current);
	assert_true(dl("R16", 3)->current);
	assert_int_equal(amt("R17", "li"), 0);      /* the rejected request was the report */

	/* exempted: the due instant equal to the request instant is not incurred */
	directory(1);
	s_dispatched();
	request("request_escalation", "C1", t0 + 6 * DAY);
	ev("approve", "C1", t0 + 7 * DAY, "gm", NULL);
	run_case("C1", t0 + 20 * DAY);
	assert_int_equal(amt("R16", "li"), 500);    /* +3d only */
	assert_int_equal(dl("R16", 1)->state, HOTLINE__DL_STOPPED);
}

/*
 * A case left alone for decades: every per-day rule owes one increment per
 * started day and the chain of R16 one miss every 72 h. Tens of thousands
 * of increments per penalty must be counted exactly (and not cost time
 * quadratic in their number).
 */
static void test_far_future_as_of(void **state)
{
	int64_t t0 = T("2026-11-02T09:20:00"), as_of = t0 + 20000 * DAY;
	const hotline__penalty *p;
	size_t i;
	(void)state;
	directory(1);
	s_dispatched();
	run_case("C1", as_of);
	/* R14b, R14f: due t0 + 24 h, late 19999 days exactly */
	p = pen("R14b", "li");
	assert_non_null(p);
	assert_int_equal(p->n_inc, 19999);
	assert_int_equal(p->amount_fen, 19999 * 300);
	for (i = 1; i < p->n_inc; i++)
		assert_true(p->inc[i].at == p->inc[i - 1].at + DAY);
	assert_int_equal(p->inc[0].at, t0 + DAY);
	assert_int_equal(p->n_evidence, 1);
	assert_int_equal(amt("R14f", "li"), 19999 * 300);
	/* R17: due t0 + 7 d, late 19993 days */
	assert_int_equal(pen("R17", "li")->n_inc, 19993);
	assert_int_equal(amt("R17", "li"), 19993 * 300);
	/* R16: missed at t0 + 3k days for 3k < 20000, k = 1..6666 */
	assert_int_equal(pen("R16", "li")->n_inc, 6666);
	assert_int_equal(amt("R16", "li"), 6666 * 500);
	assert_int_equal(n_dl("R16"), 6667);
	assert_int_equal(dl("R16", 6666)->due, t0 + 6667 * 3 * DAY);
	assert_int_equal(dl("R16", 6666)->state, HOTLINE__DL_PENDING);
	/* R14a: once */
	assert_int_equal(amt("R14a", "li"), 500);
}

/* ================================================================== */
/* Occurrences. */

static void test_r12_each_correction(void **state)
{
	int64_t at[2];
	(void)state;
	directory(1);
	s_dispatched();
	ev("correct_record", "C1", T("2026-11-02T10:00:00"), "zhang", ",\"fields\":[\"room\"]");
	ev("correct_record", "C1", T("2026-11-02T11:00:00"), "zhang", ",\"fields\":[\"phone\",\"owner\"]");
	request("request_escalation", "C1", T("2026-11-02T12:00:00"));
	ev("approve", "C1", T("2026-11-02T13:00:00"), "gm", NULL);
	/* after the request instant nothing costs */
	ev("correct_record", "C1", T("2026-11-02T14:00:00"), "zhang", ",\"fields\":[\"room\"]");
	run_case("C1", T("2026-11-03T00:00:00"));
	at[0] = T("2026-11-02T10:00:00");
	at[1] = T("2026-11-02T11:00:00");
	expect_incs("R12", "zhang", 2, at);
	assert_int_equal(amt("R12", "zhang"), 1000);
}

static void test_r14c_r14d_r15b(void **state)
{
	(void)state;
	directory(1);
	s_completed();
	ev("repeat_complaint", "C1", T("2026-11-02T18:00:00"), "zhang", NULL);
	ev("repeat_complaint", "C1", T("2026-11-02T19:00:00"), "zhang", ",\"matter\":\"又坏了\"");
	ev("record_finding", "C1", T("2026-11-03T08:00:00"), "zhao", ",\"kind\":\"falsified_form\"");
	ev("followup", "C1", T("2026-11-03T09:00:00"), "li", ",\"satisfied\":true");
	ev("verify", "C1", T("2026-11-03T10:00:00"), "zhang", ",\"outcome\":\"false_report\"");
	ev("complete", "C1", T("2026-11-03T17:00:00"), "li", NULL);
	ev("followup", "C1", T("2026-11-04T09:00:00"), "li", ",\"satisfied\":true");
	ev("verify", "C1", T("2026-11-04T10:00:00"), "zhang", ",\"outcome\":\"not_done\"");
	run_case("C1", T("2026-11-04T12:00:00"));
	assert_int_equal(amt("R14c", "li"), 3000);    /* 3 × 5 yuan, twice */
	assert_int_equal(amt("R14d", "li"), 500);
	assert_int_equal(amt("R15b", "li"), 500);     /* not_done costs nothing */
	assert_int_equal(pen("R15b", "li")->n_inc, 1);
}

static void test_r15d_r9_r7_case_findings(void **state)
{
	(void)state;
	directory(1);
	s_dispatched();
	ev("record_finding", "C1", T("2026-11-02T10:00:00"), "qa", ",\"kind\":\"supervisor_false_report\"");
	ev("record_finding", "C1", T("2026-11-02T10:01:00"), "qa", ",\"kind\":\"supervisor_false_report\",\"person\":\"zhao2\"");
	ev("record_finding", "C1", T("2026-11-02T10:02:00"), "qa", ",\"kind\":\"archive_lost_original\",\"person\":\"zhang\"");
	ev("record_finding", "C1", T("2026-11-02T10:03:00"), "qa", ",\"kind\":\"archive_lost_original\"");
	ev("record_finding", "C1", T("2026-11-02T10:04:00"), "qa", ",\"kind\":\"archive_lost_copy\"");
	ev("record_finding", "C1", T("2026-11-02T10:05:00"), "qa", ",\"kind\":\"line_private_use\",\"person\":\"wu\"");
	ev("record_finding", "C1", T("2026-11-02T10:06:00"), "qa", ",\"kind\":\"assessment_misreport\"");
	run_case("C1", T("2026-11-02T11:00:00"));
	assert_int_equal(amt("R15d", "zhao"), 500);   /* not named: the property's supervisor */
	assert_int_equal(amt("R15d", "zhao2"), 500);  /* named */
	assert_int_equal(amt("R9", "zhang"), 500);    /* original: the person named */
	assert_int_equal(amt("R9", NULL), 500);       /* ... not named: no one */
	assert_int_equal(amt("R9", "li"), 500);       /* copy: the case's property manager */
	assert_int_equal(amt("R7", "wu"), 500);
	assert_int_equal(amt("R4", "qa"), 500);       /* every qa_director */
	assert_int_equal(amt("R4", "qb"), 500);
}

/* ================================================================== */
/* Organisation level, through hotline__assess. */

static json_t *PEN, *ASM;

static void assess_at(int64_t as_of)
{
	hotline__source src;
	hotline__err err = { 0, "" };
	load();
	src = fx_source(&fx);
	json_decref(PEN);
	json_decref(ASM);
	PEN = ASM = NULL;
	if (hotline__assess(P, cal, &fx.dir, &src, as_of, NULL, &PEN, &ASM, &err) != 0)
		fail_msg("assess: %s", err.msg);
}

static int assess_teardown(void **state)
{
	(void)state;
	json_decref(PEN);
	json_decref(ASM);
	PEN = ASM = NULL;
	reset();
	return 0;
}

/* Amount of the penalty (rule, case, person) of the §5 array; *at its incurred_at. */
static int64_t jpen(const char *rule, const char *c, const char *person, const char **at)
{
	size_t i;
	json_t *p;
	json_array_foreach(PEN, i, p) {
		if (strcmp(json_string_value(json_object_get(p, "rule")), rule) != 0 ||
		    !same(json_string_value(json_object_get(p, "case")), c) ||
		    !same(json_string_value(json_object_get(p, "person")), person))
			continue;
		if (at)
			*at = json_string_value(json_object_get(p, "incurred_at"));
		return json_integer_value(json_object_get(p, "amount_fen"));
	}
	return 0;
}

static json_t *jperson(const char *person)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(ASM, "people"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "person")), person) == 0)
			return p;
	return NULL;
}

static json_t *jproperty(const char *id)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(ASM, "properties"), i, p)
		if (strcmp(json_string_value(json_object_get(p, "id")), id) == 0)
			return p;
	return NULL;
}

static void expect_ratio(const char *property, const char *which, int64_t num, int64_t den)
{
	json_t *r = json_object_get(jproperty(property), which);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "num")), num);
	assert_int_equal(json_integer_value(json_object_get(r, "den")), den);
}

static void test_calls_r8(void **state)
{
	const char *at = NULL;
	(void)state;
	directory(1);
	org("call", T("2026-11-02T08:29:59"), "qa", ",\"agent\":\"zhang\",\"rings\":9,\"answered\":false,\"connected\":false");
	org("call", T("2026-11-02T08:30:00"), "qa", ",\"agent\":\"zhang\",\"rings\":4,\"answered\":true");
	org("call", T("2026-11-02T09:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":3,\"answered\":true");
	org("call", T("2026-11-02T10:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":1,\"answered\":true,\"connected\":true");
	org("call", T("2026-11-02T17:59:59"), "qa", ",\"agent\":\"zhang\",\"rings\":5,\"answered\":false,\"connected\":false");
	org("call", T("2026-11-02T18:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":5,\"answered\":false,\"connected\":false");
	assess_at(T("2026-11-03T00:00:00"));
	/* inside [08:30, 18:00): rings > 3 at 08:30 and 17:59:59; not connected at 17:59:59 */
	assert_int_equal(jpen("R8a", NULL, "zhang", &at), 1000);
	assert_string_equal(at, "2026-11-02T17:59:59+08:00");
	assert_int_equal(jpen("R8b", NULL, "zhang", NULL), 500);
}

static void test_org_findings_and_absence(void **state)
{
	(void)state;
	directory(1);
	org("record_finding", T("2026-11-02T10:00:00"), "qa", ",\"kind\":\"falsified_form\"");
	org("record_finding", T("2026-11-02T10:01:00"), "qa", ",\"kind\":\"archive_lost_copy\"");
	org("record_finding", T("2026-11-02T10:02:00"), "qa", ",\"kind\":\"supervisor_false_report\"");
	org("record_finding", T("2026-11-02T10:03:00"), "qa", ",\"kind\":\"supervisor_false_report\",\"person\":\"zhao\"");
	org("record_finding", T("2026-11-02T10:04:00"), "gm", ",\"kind\":\"assessment_misreport\"");
	org("quarterly_meeting", T("2026-11-02T14:00:00"), "qa", ",\"absent\":[\"li\",\"li2\"]");
	assess_at(T("2026-11-03T00:00:00"));
	/* a case's role named by an organisation-level finding: listed with person null */
	assert_int_equal(jpen("R14d", NULL, NULL, NULL), 500);
	assert_int_equal(jpen("R9", NULL, NULL, NULL), 500);
	assert_int_equal(jpen("R15d", NULL, NULL, NULL), 500);
	assert_int_equal(jpen("R15d", NULL, "zhao", NULL), 500);
	assert_int_equal(jpen("R4", NULL, "qa", NULL), 500);
	assert_int_equal(jpen("R4", NULL, "qb", NULL), 500);
	assert_int_equal(jpen("R10b", NULL, "li", NULL), 500);
	assert_int_equal(jpen("R10b", NULL, "li2", NULL), 500);
	/* R11: the meeting's report is pending (due 11-05 14:00) */
	assert_int_equal(json_array_size(json_object_get(ASM, "open_deadlines")), 1);

	/* no qa_director: the penalty is listed with person null and counts for no one */
	directory(0);
	org("record_finding", T("2026-11-02T10:04:00"), "gm", ",\"kind\":\"assessment_misreport\"");
	assess_at(T("2026-11-03T00:00:00"));
	assert_int_equal(jpen("R4", NULL, NULL, NULL), 500);
	assert_int_equal(json_array_size(json_object_get(ASM, "people")), 0);
}

/* Art. 21: the summary is given on the 27th; counted only when due after the first event. */
static void test_r21_monthly_summary(void **state)
{
	const char *at = NULL;
	(void)state;
	/* a log that starts on 11-02 owes no October summary */
	directory(1);
	org("call", T("2026-11-02T10:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":1,\"answered\":true");
	assess_at(T("2026-11-28T00:00:00"));
	assert_int_equal(jpen("R21", NULL, "qa", NULL), 0);    /* due 11-28 00:00 = as_of: not late */
	assess_at(T("2026-11-28T00:00:01"));
	assert_int_equal(jpen("R21", NULL, "qa", &at), 500);
	assert_string_equal(at, "2026-11-28T00:00:00+08:00");
	assert_int_equal(jpen("R21", NULL, "qb", NULL), 500);
	assert_int_equal(json_array_size(PEN), 2);

	/* pending while the 27th runs */
	assess_at(T("2026-11-27T12:00:00"));
	assert_int_equal(jpen("R21", NULL, "qa", NULL), 0);
	assert_int_equal(json_array_size(json_object_get(ASM, "open_deadlines")), 1);

	/* given on the 27th: met; on the 26th or at 28th 00:00: not */
	directory(1);
	org("call", T("2026-11-02T10:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":1,\"answered\":true");
	org("monthly_summary", T("2026-11-27T00:00:00"), "qa", NULL);
	assess_at(T("2026-12-01T00:00:00"));
	assert_int_equal(jpen("R21", NULL, "qa", NULL), 0);
	directory(1);
	org("call", T("2026-11-02T10:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":1,\"answered\":true");
	org("monthly_summary", T("2026-11-26T23:59:59"), "qa", NULL);
	org("monthly_summary", T("2026-11-28T00:00:00"), "qa", NULL);
	assess_at(T("2026-12-01T00:00:00"));
	assert_int_equal(jpen("R21", NULL, "qa", NULL), 500);

	/* a log that starts on 10-27 10:00 owes the October summary (due 10-28 00:00) */
	directory(1);
	org("call", T("2026-10-27T10:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":1,\"answered\":true");
	assess_at(T("2026-10-28T00:00:01"));
	assert_int_equal(jpen("R21", NULL, "qa", NULL), 500);
	/* ... one that starts exactly at that due instant does not */
	directory(1);
	org("call", T("2026-10-28T00:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":1,\"answered\":true");
	assess_at(T("2026-10-28T00:00:01"));
	assert_int_equal(jpen("R21", NULL, "qa", NULL), 0);
}

/* Art. 10 and 11: the quarter's last week, then the report within three days. */
static void test_r10a_r11_quarterly(void **state)
{
	const char *at = NULL;
	(void)state;
	directory(1);
	org("call", T("2026-09-01T10:00:00"), "qa", ",\"agent\":\"zhang\",\"rings\":1,\"answered\":true");
	/* Q3: window [09-24, 10-01): met */
	org("quarterly_meeting", T("2026-09-25T10:00:00"), "qa", NULL);
	/* a second meeting the next day */
	org("quarterly_meeting", T("2026-09-26T10:00:00"), "qa", NULL);
	/* one report: it meets the earliest meeting (due 09-28 10:00) */
	org("quarterly_report", T("2026-09-27T10:00:00"), "qa", NULL);
	/* Q4: a meeting on 12-24 23:59 is before the window [12-25, 01-01) */
	org("quarterly_meeting", T("2026-12-24T23:59:00"), "qa", NULL);
	org("quarterly_report", T("2026-12-30T00:00:00"), "qa", NULL);
	assess_at(T("2027-01-01T00:00:01"));
	assert_int_equal(jpen("R10a", NULL, "qa", &at), 500);
	assert_string_equal(at, "2027-01-01T00:00:00+08:00");
	assert_int_equal(jpen("R10a", NULL, "qb", NULL), 500);
	/* R11: the 09-26 meeting's report (due 09-29 10:00) came with the 12-30 report, which
	 * meets the earliest unmet: 09-26 → late 91 days 14 h → 92 days × 3 yuan; the 12-24
	 * meeting stays unmet: due 12-27 23:59, late at as_of by 4 days 1 min → 5 days */
	assert_int_equal(jpen("R11", NULL, "qa", NULL), (92 + 5) * 300);
	assert_int_equal(jpen("R11", NULL, "qb", NULL), (92 + 5) * 300);
	/* R21 too: Sep, Oct, Nov, Dec 27th summaries all missing (due 09-28 … 12-28) */
	assert_int_equal(jpen("R21", NULL, "qa", NULL), 4 * 500);

	/* a report a day late exactly: one day */
	directory(1);
	org("quarterly_meeting", T("2026-09-25T10:00:00"), "qa", NULL);
	org("quarterly_report", T("2026-09-29T10:00:00"), "qa", NULL);
	assess_at(T("2026-09-30T00:00:00"));
	assert_int_equal(jpen("R11", NULL, "qa", NULL), 300);
	assert_int_equal(jpen("R10a", NULL, "qa", NULL), 0);
}

/* ================================================================== */
/* Rates (Art. 20). */

static void test_rate_points_integers(void **state)
{
	(void)state;
	assert_int_equal(hotline__rate_points(80, 799, 1000), 1);   /* 79.9 % */
	assert_int_equal(hotline__rate_points(80, 3, 4), 5);        /* 75 % */
	assert_int_equal(hotline__rate_points(80, 4, 5), 0);        /* exactly 80 % */
	assert_int_equal(hotline__rate_points(80, 5, 5), 0);
	assert_int_equal(hotline__rate_points(80, 0, 3), 80);
	assert_int_equal(hotline__rate_points(80, 0, 0), 0);        /* no denominator: nothing */
	assert_int_equal(hotline__rate_points(98, 49, 50), 0);      /* exactly 98 % */
	assert_int_equal(hotline__rate_points(98, 48, 50), 2);      /* 96 % */
	assert_int_equal(hotline__rate_points(98, 97, 100), 1);
	assert_int_equal(hotline__rate_points(98, 2, 3), 32);       /* 66.67 % → 31.33 → 32 */
	assert_int_equal(hotline__rate_points(80, 2, 3), 14);       /* 66.67 % → 13.33 → 14 */
}

/* A case that runs to CLOSED with a confirmed verification. */
static void closed_case(const char *c, int64_t t0, int64_t closed)
{
	reg(c, t0);
	ev("dispatch", c, t0 + 10 * MIN, "zhang", NULL);
	ev("complete", c, t0 + HOUR, "li", NULL);
	ev("followup", c, t0 + 2 * HOUR, "li", ",\"satisfied\":true");
	ev("verify", c, t0 + 3 * HOUR, "zhang", ",\"outcome\":\"confirmed\"");
	ev("close", c, closed, "gm", NULL);
}

static void rates_scenario(int64_t c4_approved)
{
	int64_t t = T("2026-11-03T09:00:00");
	directory(1);
	add("{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":1000}");
	add("{\"cmd\":\"bonus\",\"person\":\"zhang\",\"month\":\"2026-12\",\"amount_fen\":1}");
	closed_case("C1", t, t + 4 * HOUR);
	closed_case("C2", t + DAY, t + DAY + 4 * HOUR);
	closed_case("C3", t + 2 * DAY, t + 2 * DAY + 4 * HOUR);
	/* C4: verified not_done, then escalated and approved: out of both rates */
	reg("C4", t + 3 * DAY);
	ev("dispatch", "C4", t + 3 * DAY + 10 * MIN, "zhang", NULL);
	ev("complete", "C4", t + 3 * DAY + HOUR, "li", NULL);
	ev("followup", "C4", t + 3 * DAY + 2 * HOUR, "li", ",\"satisfied\":true");
	ev("verify", "C4", t + 3 * DAY + 3 * HOUR, "zhang", ",\"outcome\":\"not_done\"");
	request("request_escalation", "C4", t + 3 * DAY + 4 * HOUR);
	ev("approve", "C4", c4_approved, "gm", NULL);
	/* C5: open, verified not_done */
	reg("C5", t + 4 * DAY);
	ev("dispatch", "C5", t + 4 * DAY + 10 * MIN, "zhang", NULL);
	ev("complete", "C5", t + 4 * DAY + HOUR, "li", NULL);
	ev("followup", "C5", t + 4 * DAY + 2 * HOUR, "li", ",\"satisfied\":true");
	ev("verify", "C5", t + 4 * DAY + 3 * HOUR, "zhang", ",\"outcome\":\"not_done\"");
}

static void test_rates_exempt_excluded(void **state)
{
	const char *at = NULL;
	json_t *li;
	(void)state;
	rates_scenario(T("2026-11-10T09:00:00"));
	assess_at(T("2026-11-27T00:00:00"));
	assert_string_equal(json_string_value(json_object_get(ASM, "month")), "2026-11");
	assert_string_equal(json_string_value(json_object_get(json_object_get(ASM, "period"), "from")),
		"2026-10-27T00:00:00+08:00");
	assert_string_equal(json_string_value(json_object_get(json_object_get(ASM, "period"), "to")),
		"2026-11-27T00:00:00+08:00");
	/* closure 3/4 = 75 % → 5 points; satisfaction 3/4 (C4's verify excluded) → 23 points */
	expect_ratio("P1", "closure", 3, 4);
	expect_ratio("P1", "satisfaction", 3, 4);
	expect_ratio("P2", "closure", 0, 0);        /* denominators 0: nothing */
	expect_ratio("P2", "satisfaction", 0, 0);
	assert_int_equal(jpen("R20a", NULL, "li", &at), 5 * 300);
	assert_string_equal(at, "2026-11-27T00:00:00+08:00");
	assert_int_equal(jpen("R20b", NULL, "li", NULL), 23 * 300);
	assert_int_equal(jpen("R20a", NULL, "li2", NULL), 0);
	/* li's bonus caps the month (Art. 22); zhang's bonus is for December */
	li = jperson("li");
	assert_non_null(li);
	assert_true(json_integer_value(json_object_get(li, "raw_fen")) >= 1500 + 6900);
	assert_int_equal(json_integer_value(json_object_get(li, "capped_fen")), 1000);
	assert_int_equal(json_integer_value(json_object_get(li, "bonus_fen")), 1000);
	if (jperson("zhang")) {
		assert_true(json_is_null(json_object_get(jperson("zhang"), "bonus_fen")));
		assert_int_equal(json_integer_value(json_object_get(jperson("zhang"), "capped_fen")),
			json_integer_value(json_object_get(jperson("zhang"), "raw_fen")));
	}

	/* approved only after the period end: the case was still in the November rates */
	rates_scenario(T("2026-11-28T09:00:00"));
	assess_at(T("2026-12-01T00:00:00"));
	/* closure 3/5 = 60 % → 20 points; satisfaction 3/5 → 38 points */
	assert_int_equal(jpen("R20a", NULL, "li", NULL), 20 * 300);
	assert_int_equal(jpen("R20b", NULL, "li", NULL), 38 * 300);
	/* December's printed rates: nothing registered or verified yet */
	assert_string_equal(json_string_value(json_object_get(ASM, "month")), "2026-12");
	expect_ratio("P1", "closure", 0, 0);
	/* R20 of November belongs to November: not in December's totals */
	li = jperson("li");
	assert_true(li == NULL || json_integer_value(json_object_get(li, "raw_fen")) < 20 * 300);
}

static void test_rates_thresholds_and_boundaries(void **state)
{
	char id[8];
	int i;
	int64_t t = T("2026-11-02T09:00:00");
	(void)state;

	/* 4 of 5 closed: exactly 80 % → nothing; a 6th registered at the period end is December's */
	directory(1);
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "C%d", i);
		reg(id, t + i * HOUR);
		/* closed exactly at the period end still counts: closed "at" the end */
		if (i < 4)
			ev("close", id, i == 3 ? T("2026-11-27T00:00:00") : t + DAY, "gm", NULL);
	}
	reg("C9", T("2026-11-27T00:00:00"));
	/* 49 of 50 verifications confirmed: exactly 98 % */
	for (i = 0; i < 50; i++)
		ev("verify", "C4", t + 5 * HOUR + i * MIN, "zhang", i ? ",\"outcome\":\"confirmed\"" : ",\"outcome\":\"not_done\"");
	assess_at(T("2026-11-27T00:00:00"));
	expect_ratio("P1", "closure", 4, 5);
	expect_ratio("P1", "satisfaction", 49, 50);
	assert_int_equal(jpen("R20a", NULL, "li", NULL), 0);
	assert_int_equal(jpen("R20b", NULL, "li", NULL), 0);

	/* 19 of 24 closed: 79.17 % → 1 point */
	directory(1);
	for (i = 0; i < 24; i++) {
		snprintf(id, sizeof(id), "K%d", i);
		reg(id, t + i * HOUR);
		if (i < 19)
			ev("close", id, t + 2 * DAY, "gm", NULL);
	}
	assess_at(T("2026-11-27T00:00:00"));
	expect_ratio("P1", "closure", 19, 24);
	assert_int_equal(jpen("R20a", NULL, "li", NULL), 300);
	/* a case closed after the period end does not count for it, as of a later instant */
	directory(1);
	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "C%d", i);
		reg(id, t + i * HOUR);
		ev("close", id, i == 0 ? T("2026-11-27T00:00:01") : t + DAY, "gm", NULL);
	}
	assess_at(T("2026-12-05T00:00:00"));
	/* November: 3/4 → 5 points, incurred at 11-27 00:00 */
	assert_int_equal(jpen("R20a", NULL, "li", NULL), 1500);
}

/* People totals: increments of the reported period up to as_of (DESIGN §3.1). */
static void test_period_boundaries_people(void **state)
{
	json_t *li;
	(void)state;
	directory(1);
	add("{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-12\",\"amount_fen\":100000}");
	reg("C1", T("2026-11-26T21:00:00"));
	/* R14a due exactly at the period end 11-27 00:00: December's */
	ev("dispatch", "C1", T("2026-11-26T22:00:00"), "zhang", NULL);
	reg("C2", T("2026-11-26T21:30:00"));
	/* R14a due 11-26 23:59:59: November's */
	ev("dispatch", "C2", T("2026-11-26T21:59:59"), "zhang", NULL);
	ev("decide_measures", "C1", T("2026-11-27T01:00:00"), "li", ",\"measures\":\"m\"");
	ev("decide_measures", "C2", T("2026-11-27T01:00:00"), "li", ",\"measures\":\"m\"");
	assess_at(T("2026-11-27T00:00:00"));
	/* as_of at the boundary reports November; C1's R14a is not late yet, but
	 * November's R20 is incurred at its end: closure 0/2 → 80 points */
	assert_string_equal(json_string_value(json_object_get(ASM, "month")), "2026-11");
	assert_int_equal(jpen("R20a", NULL, "li", NULL), 80 * 300);
	li = jperson("li");
	assert_non_null(li);
	assert_int_equal(json_integer_value(json_object_get(li, "raw_fen")), 500 + 80 * 300);
	assert_true(json_is_null(json_object_get(li, "bonus_fen")));
	assess_at(T("2026-11-27T00:00:01"));
	assert_string_equal(json_string_value(json_object_get(ASM, "month")), "2026-12");
	/* R20 of November, incurred at 11-27 00:00, stays November's */
	assert_int_equal(jpen("R20a", NULL, "li", NULL), 80 * 300);
	li = jperson("li");
	assert_int_equal(json_integer_value(json_object_get(li, "raw_fen")), 500);
	assert_int_equal(json_integer_value(json_object_get(li, "bonus_fen")), 100000);
	/* both penalties stay listed, over all periods */
	assert_int_equal(jpen("R14a", "C1", "li", NULL), 500);
	assert_int_equal(jpen("R14a", "C2", "li", NULL), 500);
}

/* Same input → byte-identical JSON, whatever order the cases come in. */
static int cmp_text(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The assessment with its breaches and open deadlines put in one fixed order. */
static char *rows_sorted(json_t *asm_)
{
	static const char *const keys[] = { "breaches", "open_deadlines" };
	json_t *copy = json_deep_copy(asm_);
	char *out;
	size_t k, i, n;
	for (k = 0; k < 2; k++) {
		json_t *rows = json_object_get(copy, keys[k]), *sorted = json_array();
		char **t;
		n = json_array_size(rows);
		t = calloc(n + 1, sizeof(*t));
		for (i = 0; i < n; i++)
			t[i] = json_dumps(json_array_get(rows, i), JSON_SORT_KEYS | JSON_COMPACT);
		qsort(t, n, sizeof(*t), cmp_text);
		for (i = 0; i < n; i++) {
			json_array_append_new(sorted, json_loads(t[i], 0, NULL));
			free(t[i]);
		}
		free(t);
		json_object_set_new(copy, keys[k], sorted);
	}
	out = json_dumps(copy, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(copy);
	return out;
}

static void test_deterministic(void **state)
{
	char *a, *b, *c, *d;
	int64_t as_of = T("2026-11-27T00:00:00");
	(void)state;
	rates_scenario(T("2026-11-10T09:00:00"));
	org("quarterly_meeting", T("2026-11-02T14:00:00"), "qa", ",\"absent\":[\"li2\",\"li\"]");
	assess_at(as_of);
	a = json_dumps(PEN, JSON_SORT_KEYS | JSON_COMPACT);
	/* breaches and open deadlines follow the source's case order (by id from the storage): same rows */
	b = rows_sorted(ASM);
	load();
	fx.forward = 1;
	{
		hotline__source src = fx_source(&fx);
		hotline__err err = { 0, "" };
		json_decref(PEN);
		json_decref(ASM);
		assert_int_equal(hotline__assess(P, cal, &fx.dir, &src, as_of, NULL, &PEN, &ASM, &err), 0);
	}
	c = json_dumps(PEN, JSON_SORT_KEYS | JSON_COMPACT);
	d = rows_sorted(ASM);
	assert_string_equal(a, c);
	assert_string_equal(b, d);
	free(a);
	free(b);
	free(c);
	free(d);
	/* sorted by incurred_at, then rule as a string, then case */
	{
		size_t i;
		json_t *p, *q = NULL;
		json_array_foreach(PEN, i, p) {
			if (q) {
				int k = strcmp(json_string_value(json_object_get(q, "incurred_at")),
					json_string_value(json_object_get(p, "incurred_at")));
				if (!k)
					k = strcmp(json_string_value(json_object_get(q, "rule")),
						json_string_value(json_object_get(p, "rule")));
				assert_true(k <= 0);
			}
			q = p;
			assert_int_equal(json_object_size(p), 6);
		}
	}
}

/* ================================================================== */
/* service-standard (seed 004): breaches only. */

static void test_service_standard(void **state)
{
	int64_t t = T("2026-11-02T10:00:00");
	(void)state;
	P = ss;

	/* urgent repair: on site within 30 min */
	directory(1);
	reg_p("C1", t, "P1", ",\"kind\":\"repair\",\"severity\":\"urgent\"");
	ev("dispatch", "C1", t + MIN, "zhang", NULL);
	ev("onsite_visit", "C1", t + 30 * MIN, "wu", NULL);
	ev("reply", "C1", t + 47 * HOUR, "zhang", ",\"text\":\"已修好\"");
	run_case("C1", t + 10 * DAY);
	assert_int_equal(dl("S1a", 0)->state, HOTLINE__DL_MET);
	assert_int_equal(dl("S1a", 0)->late_seconds, 0);
	assert_int_equal(n_dl("S1b"), 0);
	assert_int_equal(n_dl("S1c"), 0);
	assert_int_equal(n_dl("S3a"), 0);
	assert_int_equal(n_dl("S3b"), 0);
	assert_int_equal(dl("S4", 0)->state, HOTLINE__DL_MET);
	assert_int_equal(E.n_pen, 0);

	directory(1);
	reg_p("C1", t, "P1", ",\"kind\":\"repair\",\"severity\":\"urgent\"");
	ev("onsite_visit", "C1", t + 31 * MIN, "wu", NULL);
	run_case("C1", t + 10 * DAY);
	assert_int_equal(dl("S1a", 0)->late_seconds, 60);
	assert_int_equal(dl("S4", 0)->state, HOTLINE__DL_MISSED);
	assert_int_equal(dl("S4", 0)->late_seconds, 8 * DAY);
	assert_int_equal(E.n_pen, 0);

	/* a repair that is not urgent has no 30-minute clock */
	directory(1);
	reg_p("C1", t, "P1", ",\"kind\":\"repair\"");
	run_case("C1", t + DAY);
	assert_int_equal(n_dl("S1a"), 0);
	assert_int_equal(n_dl("S4"), 1);

	/* a complaint (the default), general (the default) */
	directory(1);
	reg("C1", t);
	ev("dispatch", "C1", t + MIN, "zhang", NULL);
	ev("onsite_visit", "C1", t + HOUR, "wu", NULL);
	ev("reply", "C1", t + 4 * HOUR + 1, "zhang", ",\"text\":\"处理中\"");
	ev("complete", "C1", t + 9 * HOUR, "li", NULL);
	run_case("C1", t + 10 * DAY);
	assert_int_equal(n_dl("S1a"), 0);
	assert_int_equal(dl("S1b", 0)->late_seconds, 0);
	assert_int_equal(dl("S1c", 0)->late_seconds, 1);
	assert_int_equal(dl("S3a", 0)->late_seconds, HOUR);
	assert_int_equal(n_dl("S3b"), 0);
	assert_int_equal(dl("S4", 0)->state, HOTLINE__DL_MET);   /* the same reply */
	assert_int_equal(E.n_pen, 0);

	/* serious: 5 working days. Registered Wed 09-30; 10-01…07 are the National Day
	 * holidays; working days 10-08, 10-09, 10-10 (Saturday, make-up day), 10-12, 10-13:
	 * due at 24:00 of 10-13. */
	directory(1);
	reg_p("C1", T("2026-09-30T10:00:00"), "P1", ",\"severity\":\"serious\"");
	run_case("C1", T("2026-10-15T00:00:00"));
	assert_int_equal(n_dl("S3a"), 0);
	assert_int_equal(dl("S3b", 0)->due, T("2026-10-14T00:00:00"));
	assert_int_equal(dl("S3b", 0)->state, HOTLINE__DL_MISSED);
	assert_int_equal(dl("S3b", 0)->late_seconds, DAY);
	directory(1);
	reg_p("C1", T("2026-09-30T10:00:00"), "P1", ",\"severity\":\"serious\"");
	ev("complete", "C1", T("2026-10-13T23:00:00"), "li", NULL);
	run_case("C1", T("2026-10-15T00:00:00"));
	assert_int_equal(dl("S3b", 0)->state, HOTLINE__DL_MET);
	assert_int_equal(dl("S3b", 0)->late_seconds, 0);

	/* the assessment lists breaches with due and lateness, and no penalties */
	directory(1);
	reg_p("C1", t, "P1", ",\"kind\":\"repair\",\"severity\":\"urgent\"");
	ev("onsite_visit", "C1", t + 31 * MIN, "wu", NULL);
	ev("reply", "C1", t + HOUR, "zhang", ",\"text\":\"x\"");
	assess_at(t + DAY);
	assert_int_equal(json_array_size(PEN), 0);
	{
		json_t *b = json_array_get(json_object_get(ASM, "breaches"), 0);
		assert_int_equal(json_array_size(json_object_get(ASM, "breaches")), 1);
		assert_string_equal(json_string_value(json_object_get(b, "rule")), "S1a");
		assert_string_equal(json_string_value(json_object_get(b, "due")), "2026-11-02T10:30:00+08:00");
		assert_string_equal(json_string_value(json_object_get(b, "met_at")), "2026-11-02T10:31:00+08:00");
		assert_int_equal(json_integer_value(json_object_get(b, "late_seconds")), 60);
	}
	assert_string_equal(json_string_value(json_object_get(ASM, "policy")), "service-standard");
}

/* ================================================================== */
/* sales-office (seed 002 篇2): joint liability. */

static void expect_joint(const char *rule, int64_t fen_taker, int64_t fen_each)
{
	assert_int_equal(amt(rule, "zhang"), fen_taker);
	assert_int_equal(amt(rule, "sd1"), fen_each);
	assert_int_equal(amt(rule, "sd2"), fen_each);
	assert_int_equal(amt(rule, "da"), fen_each);
}

static void test_sales_office(void **state)
{
	int64_t t = T("2026-11-02T10:00:00"), at[1];
	(void)state;
	P = so;

	/* solved the same day */
	directory(1);
	reg("C1", t);
	ev("dispatch", "C1", t + MIN, "zhang", NULL);
	ev("complete", "C1", T("2026-11-02T23:59:59"), "li", NULL);
	run_case("C1", t + 10 * DAY);
	assert_int_equal(E.n_pen, 0);
	assert_int_equal(dl("SO2a", 0)->due, T("2026-11-03T00:00:00"));

	/* nothing that day: ¥100 the call-taker, ¥50 each sales_director and director_assistant, at the day's end */
	directory(1);
	reg("C1", t);
	ev("reply", "C1", t + HOUR, "zhang", ",\"text\":\"在处理\"");   /* no promised time: not enough */
	run_case("C1", t + DAY);
	expect_joint("SO2a", 10000, 5000);
	at[0] = T("2026-11-03T00:00:00");
	expect_incs("SO2a", "zhang", 1, at);
	assert_int_equal(n_dl("SO2b"), 0);

	/* promised the same day, solved by the promise: nothing; after it: SO2b */
	directory(1);
	reg("C1", t);
	ev("reply", "C1", t + 6 * HOUR, "zhang", ",\"text\":\"周四前解决\",\"promised_at\":\"2026-11-05T12:00:00+08:00\"");
	ev("reply", "C1", t + 7 * HOUR, "zhang", ",\"text\":\"改到周五\",\"promised_at\":\"2026-11-06T12:00:00+08:00\"");
	ev("dispatch", "C1", t + 8 * HOUR, "zhang", NULL);
	ev("complete", "C1", T("2026-11-05T12:00:00"), "li", NULL);
	run_case("C1", t + 10 * DAY);
	assert_int_equal(E.n_pen, 0);
	assert_int_equal(n_dl("SO2b"), 1);   /* only the first promise starts the clock */
	directory(1);
	reg("C1", t);
	ev("reply", "C1", t + 6 * HOUR, "zhang", ",\"text\":\"周四前解决\",\"promised_at\":\"2026-11-05T12:00:00+08:00\"");
	ev("dispatch", "C1", t + 8 * HOUR, "zhang", NULL);
	ev("complete", "C1", T("2026-11-05T12:00:01"), "li", NULL);
	run_case("C1", t + 10 * DAY);
	expect_joint("SO2b", 10000, 5000);
	assert_int_equal(rule_total("SO2a"), 0);
	at[0] = T("2026-11-05T12:00:00");
	expect_incs("SO2b", "sd1", 1, at);

	/* no one holds the director_assistant role: listed with person null */
	sc_n = 0;
	add("{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}");
	add("{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}");
	add("{\"cmd\":\"person\",\"id\":\"sd1\",\"name\":\"周总监\",\"roles\":[\"sales_director\"]}");
	add("{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\",\"department_heads\":[]}");
	reg("C1", t);
	run_case("C1", t + DAY);
	assert_int_equal(amt("SO2a", "zhang"), 10000);
	assert_int_equal(amt("SO2a", "sd1"), 5000);
	assert_int_equal(amt("SO2a", NULL), 5000);

	/* exempted before the day's end */
	directory(1);
	reg("C1", t);
	request("report_malicious", "C1", t + HOUR);
	ev("approve", "C1", t + 2 * DAY, "gm", NULL);
	run_case("C1", t + 3 * DAY);
	assert_int_equal(E.n_pen, 0);
	assert_int_equal(dl("SO2a", 0)->state, HOTLINE__DL_STOPPED);
}

/* ================================================================== */
/* Explanation and CSV. */

static void test_explain(void **state)
{
	const hotline__event *e;
	size_t n;
	json_t *doc, *d, *p;
	hotline__err err = { 0, "" };
	size_t i;
	int found = 0;
	(void)state;
	directory(1);
	s_dispatched();
	run_case("C1", T("2026-11-04T10:00:00"));
	fx_case(&fx, "C1", &e, &n);
	assert_int_equal(hotline__explain_case(gm, cal, &fx.dir, e, n, T("2026-11-04T10:00:00"), &doc, &err), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "case")), "C1");
	assert_string_equal(json_string_value(json_object_get(doc, "policy")), "gm-hotline");
	assert_int_equal(json_array_size(json_object_get(doc, "deadlines")), E.n_dl);
	json_array_foreach(json_object_get(doc, "deadlines"), i, d) {
		assert_non_null(json_object_get(json_object_get(d, "title"), "zh"));
		assert_non_null(json_object_get(json_object_get(d, "title"), "en"));
		assert_true(json_is_integer(json_object_get(d, "article")));
		assert_non_null(json_object_get(d, "due"));
		assert_non_null(json_object_get(d, "state"));
	}
	json_array_foreach(json_object_get(doc, "penalties"), i, p) {
		if (strcmp(json_string_value(json_object_get(p, "rule")), "R14b") == 0) {
			/* due 11-03 09:20, late 1 day 40 min at as_of: 2 increments */
			found = 1;
			assert_int_equal(json_array_size(json_object_get(p, "increments")), 2);
			assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(p, "increments"), 1), "at")),
				"2026-11-04T09:20:00+08:00");
			assert_int_equal(json_integer_value(json_array_get(json_object_get(p, "evidence"), 0)), e[1].seq);
			assert_string_equal(json_string_value(json_object_get(json_object_get(p, "title"), "zh")),
				"责任部门负责人24小时内亲自上门处理或回访业主");
		}
	}
	assert_true(found);
	json_decref(doc);
}

/* The CSV, streamed: the JSON document's rows, byte for byte as 0.x rendered them from it. */
static char *assess_csv_at(int64_t as_of)
{
	hotline__source src;
	hotline__err err = { 0, "" };
	hotline__sbuf b;
	char *csv, *ref;
	assess_at(as_of);
	src = fx_source(&fx);
	hotline__sbuf_init(&b, NULL, NULL);
	if (hotline__assess_write_csv(P, cal, &fx.dir, &src, as_of, &b, &err) != 0)
		fail_msg("assess csv: %s", err.msg);
	csv = hotline__sbuf_take(&b);
	hotline__sbuf_free(&b);
	assert_non_null(csv);
	ref = csv_reference(PEN, ASM);
	assert_string_equal(csv, ref);
	free(ref);
	return csv;
}

static void test_csv(void **state)
{
	char *csv = NULL;
	(void)state;
	directory(1);
	add("{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":1000}");
	s_dispatched();
	org("record_finding", T("2026-11-02T10:04:00"), "gm", ",\"kind\":\"line_private_use\",\"person\":\"a,\\\"b\"");
	csv = assess_csv_at(T("2026-11-04T10:00:00"));
	{
		const char *head = "record,rule,article,case,person,property,amount_fen,incurred_at,raw_fen,capped_fen,"
			"bonus_fen,closure_num,closure_den,satisfaction_num,satisfaction_den,month\r\n";
		assert_true(strncmp(csv, head, strlen(head)) == 0);
	}
	assert_non_null(strstr(csv, "\r\npenalty,R14b,14,C1,li,,600,2026-11-04T09:20:00+08:00,,,,,,,,2026-11\r\n"));
	/* RFC 4180 quoting */
	assert_non_null(strstr(csv, "penalty,R7,7,,\"a,\"\"b\",,500,"));
	assert_non_null(strstr(csv, "\r\nperson,,,,li,,,,"));
	assert_non_null(strstr(csv, ",1000,"));
	assert_non_null(strstr(csv, "\r\nproperty,,,,,P1,,,,,,0,1,0,0,2026-11\r\n"));
	free(csv);
}

/* Payroll: every bonus holder of the month is a people row, 0 when nothing was charged (Art. 22). */
static void test_people_bonus_holders(void **state)
{
	json_t *p;
	char *csv;
	size_t i;
	const char *last = "";
	(void)state;
	directory(1);
	add("{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":1000}");
	add("{\"cmd\":\"bonus\",\"person\":\"zhao\",\"month\":\"2026-11\",\"amount_fen\":500}");
	add("{\"cmd\":\"bonus\",\"person\":\"wu\",\"month\":\"2026-12\",\"amount_fen\":700}");
	add("{\"cmd\":\"bonus\",\"person\":\"gm\",\"month\":\"2026-11\",\"amount_fen\":900,"
		"\"actor\":\"gm\",\"at\":\"2026-11-20T09:00:00+08:00\"}");
	s_dispatched();
	csv = assess_csv_at(T("2026-11-04T10:00:00"));
	assert_non_null(p = jperson("zhao"));
	assert_int_equal(json_integer_value(json_object_get(p, "raw_fen")), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "capped_fen")), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "bonus_fen")), 500);
	assert_non_null(strstr(csv, "\r\nperson,,,,zhao,,,,0,0,500,,,,,2026-11\r\n"));
	assert_true(json_integer_value(json_object_get(jperson("li"), "raw_fen")) > 0);
	assert_null(jperson("wu"));   /* another month's bonus */
	assert_null(jperson("gm"));   /* defined after as_of */
	json_array_foreach(json_object_get(ASM, "people"), i, p) {
		assert_true(strcmp(last, json_string_value(json_object_get(p, "person"))) < 0);
		last = json_string_value(json_object_get(p, "person"));
	}
	free(csv);
	/* later in the month the correction's holder is there too */
	assess_at(T("2026-11-21T10:00:00"));
	assert_non_null(p = jperson("gm"));
	assert_int_equal(json_integer_value(json_object_get(p, "bonus_fen")), 900);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_r13_battery, per_test),
		cmocka_unit_test_setup(test_r14a_battery, per_test),
		cmocka_unit_test_setup(test_r14b_battery, per_test),
		cmocka_unit_test_setup(test_r14e_battery, per_test),
		cmocka_unit_test_setup(test_r14f_battery, per_test),
		cmocka_unit_test_setup(test_r15a_battery, per_test),
		cmocka_unit_test_setup(test_r15c_battery, per_test),
		cmocka_unit_test_setup(test_r16_battery, per_test),
		cmocka_unit_test_setup(test_r17_battery, per_test),
		cmocka_unit_test_setup(test_service_standard_batteries, per_test),
		cmocka_unit_test_setup(test_sales_office_batteries, per_test),
		cmocka_unit_test_setup(test_r17_rejected_request_is_the_report, per_test),
		cmocka_unit_test_setup(test_r14e_agreed_time, per_test),
		cmocka_unit_test_setup(test_r14e_each_complete, per_test),
		cmocka_unit_test_setup(test_r15a_no_supervisor, per_test),
		cmocka_unit_test_setup(test_close_stops_deadlines, per_test),
		cmocka_unit_test_setup(test_r16_chain, per_test),
		cmocka_unit_test_setup(test_far_future_as_of, per_test),
		cmocka_unit_test_setup(test_r12_each_correction, per_test),
		cmocka_unit_test_setup(test_r14c_r14d_r15b, per_test),
		cmocka_unit_test_setup(test_r15d_r9_r7_case_findings, per_test),
		cmocka_unit_test_setup_teardown(test_calls_r8, per_test, assess_teardown),
		cmocka_unit_test_setup_teardown(test_org_findings_and_absence, per_test, assess_teardown),
		cmocka_unit_test_setup_teardown(test_r21_monthly_summary, per_test, assess_teardown),
		cmocka_unit_test_setup_teardown(test_r10a_r11_quarterly, per_test, assess_teardown),
		cmocka_unit_test(test_rate_points_integers),
		cmocka_unit_test_setup_teardown(test_rates_exempt_excluded, per_test, assess_teardown),
		cmocka_unit_test_setup_teardown(test_rates_thresholds_and_boundaries, per_test, assess_teardown),
		cmocka_unit_test_setup_teardown(test_period_boundaries_people, per_test, assess_teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, per_test, assess_teardown),
		cmocka_unit_test_setup_teardown(test_service_standard, per_test, assess_teardown),
		cmocka_unit_test_setup(test_sales_office, per_test),
		cmocka_unit_test_setup(test_explain, per_test),
		cmocka_unit_test_setup_teardown(test_people_bonus_holders, per_test, assess_teardown),
		cmocka_unit_test_setup_teardown(test_csv, per_test, assess_teardown),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
