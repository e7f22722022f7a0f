/*
 * The lifecycle table against DESIGN §2, exhaustively: every command in
 * every (state, approval), with the expectations written out here by hand
 * (not read from the table), plus roles, property scope, guards and the
 * order of refusals.
 */
#include "core_fixture.h"
#include "model/lifecycle.h"

#include <stdlib.h>

enum { R, D, H, RV, V, C, EP, EA, SP, SA, MP, MA, NSLOTS };
static const char *const slot_names[NSLOTS] = { "received", "dispatched", "handled", "revisited",
	"verified", "closed", "escalated(pending)", "escalated(approved)", "stage_closed(pending)",
	"stage_closed(approved)", "malicious_exempt(pending)", "malicious_exempt(approved)" };
static const int slot_state[NSLOTS] = { HOTLINE_STATE_RECEIVED, HOTLINE_STATE_DISPATCHED, HOTLINE_STATE_HANDLED,
	HOTLINE_STATE_REVISITED, HOTLINE_STATE_VERIFIED, HOTLINE_STATE_CLOSED, HOTLINE_STATE_ESCALATED,
	HOTLINE_STATE_ESCALATED, HOTLINE_STATE_STAGE_CLOSED, HOTLINE_STATE_STAGE_CLOSED,
	HOTLINE_STATE_MALICIOUS_EXEMPT, HOTLINE_STATE_MALICIOUS_EXEMPT };
static const int slot_approval[NSLOTS] = { 0, 0, 0, 0, 0, 0, 1, 2, 1, 2, 1, 2 };

/* Commands (with a valid payload and the right actor) by name. */
typedef struct sample { const char *cmd; const char *actor; const char *payload; } sample;
static const sample samples[] = {
	{ "correct_record", "zhang", ",\"fields\":[\"phone\"],\"values\":{\"phone\":\"13900000000\"}" },
	{ "dispatch", "zhang", "" },
	{ "decide_measures", "li", ",\"measures\":\"更换灯具\"" },
	{ "onsite_visit", "wu", "" },
	{ "submit_visit_form", "li", "" },
	{ "report_progress", "li", ",\"text\":\"进行中\"" },
	{ "complete", "li", "" },
	{ "followup", "li", ",\"satisfied\":true" },
	{ "supervisor_check", "zhao", "" },
	{ "verify", "zhang", ",\"outcome\":\"confirmed\"" },
	{ "close", "gm", "" },
	{ "request_escalation", "li", ",\"report\":\"七日内无法解决\"" },
	{ "request_stage_close", "li", ",\"measures\":\"分期维修\",\"agreed_repair_at\":\"2026-11-20T09:00:00+08:00\",\"expected_completion_at\":\"2026-12-31T18:00:00+08:00\"" },
	{ "report_malicious", "li", ",\"explanation\":\"多次无理投诉\"" },
	{ "approve", "gm", "" },
	{ "reject", "gm", "" },
	{ "repeat_complaint", "zhang", "" },
	{ "reply", "zhang", ",\"text\":\"已安排\"" },
	{ "record_finding", "zhao", ",\"kind\":\"falsified_form\"" },
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

/* DESIGN §2, by hand: where each command is allowed. */
#define OPEN_SLOTS { R, D, H, RV, V, EP, EA, SP, SA, MP, -1 }
static const int allowed[NSAMPLES][NSLOTS + 1] = {
	OPEN_SLOTS,                         /* correct_record: any open state */
	{ R, -1 },                          /* dispatch */
	{ D, EA, -1 },                      /* decide_measures */
	{ D, EP, EA, H, -1 },               /* onsite_visit */
	{ D, EP, EA, H, -1 },               /* submit_visit_form */
	{ D, EP, EA, SP, SA, -1 },          /* report_progress */
	{ D, EA, SA, -1 },                  /* complete */
	{ H, -1 },                          /* followup */
	{ RV, V, -1 },                      /* supervisor_check */
	{ RV, -1 },                         /* verify */
	{ V, -1 },                          /* close */
	{ D, -1 },                          /* request_escalation */
	{ D, EA, -1 },                      /* request_stage_close */
	{ R, D, EP, EA, -1 },               /* report_malicious */
	{ EP, SP, MP, -1 },                 /* approve */
	{ EP, SP, MP, -1 },                 /* reject */
	{ D, H, RV, EP, EA, -1 },           /* repeat_complaint */
	OPEN_SLOTS,                         /* reply */
	{ R, D, H, RV, V, C, EP, EA, SP, SA, MP, MA, -1 }, /* record_finding: any state */
};

/* The slot a command leads to from a slot (when allowed). */
static int expected_slot(const char *cmd, int from)
{
	if (!strcmp(cmd, "dispatch")) return D;
	if (!strcmp(cmd, "complete")) return H;
	if (!strcmp(cmd, "followup")) return RV;
	if (!strcmp(cmd, "verify")) return V;
	if (!strcmp(cmd, "close")) return C;
	if (!strcmp(cmd, "request_escalation")) return EP;
	if (!strcmp(cmd, "request_stage_close")) return SP;
	if (!strcmp(cmd, "report_malicious")) return MP;
	if (!strcmp(cmd, "approve")) return from + 1;   /* pending -> approved */
	if (!strcmp(cmd, "reject")) return from == MP ? R : D; /* back to the state before the request */
	return from;
}

static const sample *find_sample(const char *cmd)
{
	size_t i;
	for (i = 0; i < NSAMPLES; i++)
		if (!strcmp(samples[i].cmd, cmd))
			return &samples[i];
	return NULL;
}

static int minute;

static int run(hotline_db *db, const char *case_id, const char *cmd)
{
	const sample *s = find_sample(cmd);
	minute++;
	return exec_fmt(db, "{\"cmd\":\"%s\",\"case\":\"%s\",\"actor\":\"%s\",\"at\":\"2026-11-02T%02d:%02d:00+08:00\"%s}",
		cmd, case_id, s->actor, 9 + minute / 60, minute % 60, s->payload);
}

static int do_register(hotline_db *db, const char *case_id, const char *property)
{
	minute++;
	return exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s\",\"actor\":\"zhang\",\"at\":\"2026-11-02T%02d:%02d:00+08:00\","
		"\"property\":\"%s\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\","
		"\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
		case_id, 9 + minute / 60, minute % 60, property);
}

/* Brings a new case into a slot along the lifecycle. */
static void reach(hotline_db *db, const char *id, int slot)
{
	static const char *const paths[NSLOTS][6] = {
		{ NULL },
		{ "dispatch", NULL },
		{ "dispatch", "complete", NULL },
		{ "dispatch", "complete", "followup", NULL },
		{ "dispatch", "complete", "followup", "verify", NULL },
		{ "dispatch", "complete", "followup", "verify", "close", NULL },
		{ "dispatch", "request_escalation", NULL },
		{ "dispatch", "request_escalation", "approve", NULL },
		{ "dispatch", "request_stage_close", NULL },
		{ "dispatch", "request_stage_close", "approve", NULL },
		{ "report_malicious", NULL },
		{ "report_malicious", "approve", NULL },
	};
	const char *const *p;
	int ap;
	minute = 0;
	assert_int_equal(do_register(db, id, "P1"), 0);
	for (p = paths[slot]; *p; p++)
		if (run(db, id, *p) != 0)
			fail_msg("reaching %s: %s: %s", slot_names[slot], *p, hotline_db_errmsg(db));
	assert_int_equal(case_state(db, id, &ap, NULL), slot_state[slot]);
	assert_int_equal(ap, slot_approval[slot]);
}

static int is_allowed(size_t cmd, int slot)
{
	const int *a;
	for (a = allowed[cmd]; *a >= 0; a++)
		if (*a == slot)
			return 1;
	return 0;
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

/* Every command in every (state, approval): allowed exactly where DESIGN says. */
static void test_every_row_every_slot(void **state)
{
	hotline_db *db = *state;
	size_t c;
	int slot, ncase = 0;
	for (c = 0; c < NSAMPLES; c++) {
		for (slot = 0; slot < NSLOTS; slot++) {
			char id[32];
			int64_t v0, v1;
			int rc, ap, st;
			snprintf(id, sizeof(id), "T%d", ncase++);
			reach(db, id, slot);
			case_state(db, id, NULL, &v0);
			rc = run(db, id, samples[c].cmd);
			st = case_state(db, id, &ap, &v1);
			if (is_allowed(c, slot)) {
				int want = expected_slot(samples[c].cmd, slot);
				if (rc != 0)
					fail_msg("%s from %s should be allowed: %s", samples[c].cmd, slot_names[slot], hotline_db_errmsg(db));
				if (st != slot_state[want] || ap != slot_approval[want])
					fail_msg("%s from %s led to %d/%d, expected %s", samples[c].cmd, slot_names[slot], st, ap, slot_names[want]);
				assert_int_equal(v1, v0 + 1);
			} else {
				if (rc != HOTLINE_EINVALID_TRANSITION)
					fail_msg("%s from %s: expected invalid_transition, got %s (%s)", samples[c].cmd,
						slot_names[slot], hotline_error_name(rc), hotline_db_errmsg(db));
				/* refused: nothing changed */
				assert_int_equal(st, slot_state[slot]);
				assert_int_equal(ap, slot_approval[slot]);
				assert_int_equal(v1, v0);
			}
		}
	}
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
}

static void test_branches(void **state)
{
	hotline_db *db = *state;
	int ap;
	/* followup not satisfied goes back to DISPATCHED */
	reach(db, "B1", H);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"followup\",\"case\":\"B1\",\"actor\":\"li\",\"at\":\"2026-11-03T09:00:00+08:00\",\"satisfied\":false}"), 0);
	assert_int_equal(case_state(db, "B1", NULL, NULL), HOTLINE_STATE_DISPATCHED);
	/* verify not_done and false_report go back to DISPATCHED */
	reach(db, "B2", RV);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"verify\",\"case\":\"B2\",\"actor\":\"zhang\",\"at\":\"2026-11-03T09:00:00+08:00\",\"outcome\":\"not_done\"}"), 0);
	assert_int_equal(case_state(db, "B2", NULL, NULL), HOTLINE_STATE_DISPATCHED);
	reach(db, "B3", RV);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"verify\",\"case\":\"B3\",\"actor\":\"zhang\",\"at\":\"2026-11-03T09:00:00+08:00\",\"outcome\":\"false_report\"}"), 0);
	assert_int_equal(case_state(db, "B3", NULL, NULL), HOTLINE_STATE_DISPATCHED);
	/* a stage-close requested from an approved escalation, rejected, is an approved escalation again */
	reach(db, "B4", EA);
	assert_int_equal(run(db, "B4", "request_stage_close"), 0);
	assert_int_equal(case_state(db, "B4", &ap, NULL), HOTLINE_STATE_STAGE_CLOSED);
	assert_int_equal(ap, HOTLINE_APPROVAL_PENDING);
	assert_int_equal(run(db, "B4", "reject"), 0);
	assert_int_equal(case_state(db, "B4", &ap, NULL), HOTLINE_STATE_ESCALATED);
	assert_int_equal(ap, HOTLINE_APPROVAL_APPROVED);
	/* approval makes the case exempt */
	{
		hotline_case *c;
		reach(db, "B5", MA);
		assert_int_equal(hotline_db_case(&c, db, "B5"), 0);
		assert_int_equal(hotline_case_exempt(c), 1);
		hotline_case_free(c);
		reach(db, "B6", EP);
		assert_int_equal(run(db, "B6", "reject"), 0);
		assert_int_equal(hotline_db_case(&c, db, "B6"), 0);
		assert_int_equal(hotline_case_exempt(c), 0);
		assert_int_equal(hotline_case_state(c), HOTLINE_STATE_DISPATCHED);
		hotline_case_free(c);
	}
}

/* Wrong role: for every case command, an actor without an allowed role is forbidden. */
static void test_wrong_role(void **state)
{
	hotline_db *db = *state;
	/* for each command, an actor that holds none of its roles, in a slot where it is allowed */
	static const struct { const char *cmd; const char *bad_actor; int slot; } cases[] = {
		{ "correct_record", "li", D }, { "dispatch", "li", R }, { "decide_measures", "zhang", D },
		{ "onsite_visit", "li", D }, { "submit_visit_form", "wu", D }, { "report_progress", "zhang", D },
		{ "complete", "gm", D }, { "followup", "zhang", H }, { "supervisor_check", "zhang", RV },
		{ "verify", "li", RV }, { "close", "zhang", V }, { "request_escalation", "gm", D },
		{ "request_stage_close", "zhang", D }, { "report_malicious", "zhang", D }, { "approve", "li", EP },
		{ "reject", "zhang", EP }, { "repeat_complaint", "li", D }, { "reply", "wu", D },
		{ "record_finding", "li", D },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char id[16], buf[1024];
		const sample *s = find_sample(cases[i].cmd);
		int64_t v0, v1;
		snprintf(id, sizeof(id), "W%zu", i);
		reach(db, id, cases[i].slot);
		case_state(db, id, NULL, &v0);
		snprintf(buf, sizeof(buf), "{\"cmd\":\"%s\",\"case\":\"%s\",\"actor\":\"%s\",\"at\":\"2026-11-05T09:00:00+08:00\"%s}",
			cases[i].cmd, id, cases[i].bad_actor, s->payload);
		if (hotline_db_exec_json(db, buf, NULL, NULL) != HOTLINE_EFORBIDDEN)
			fail_msg("%s by %s should be forbidden: %s", cases[i].cmd, cases[i].bad_actor, hotline_db_errmsg(db));
		case_state(db, id, NULL, &v1);
		assert_int_equal(v0, v1);
	}
}

/* Wrong property: managers and department heads act only where the directory names them. */
static void test_wrong_property(void **state)
{
	hotline_db *db = *state;
	static const struct { const char *cmd; const char *actor; int slot; } cases[] = {
		{ "decide_measures", "li2", D }, { "onsite_visit", "wu2", D }, { "submit_visit_form", "li2", D },
		{ "report_progress", "li2", D }, { "complete", "li2", D }, { "followup", "li2", H },
		{ "request_escalation", "li2", D }, { "request_stage_close", "li2", D },
		{ "report_malicious", "li2", D }, { "reply", "li2", D },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char id[16], buf[1024];
		const sample *s = find_sample(cases[i].cmd);
		snprintf(id, sizeof(id), "X%zu", i);
		reach(db, id, cases[i].slot);
		snprintf(buf, sizeof(buf), "{\"cmd\":\"%s\",\"case\":\"%s\",\"actor\":\"%s\",\"at\":\"2026-11-05T09:00:00+08:00\"%s}",
			cases[i].cmd, id, cases[i].actor, s->payload);
		if (hotline_db_exec_json(db, buf, NULL, NULL) != HOTLINE_EFORBIDDEN)
			fail_msg("%s by %s on P1 should be forbidden: %s", cases[i].cmd, cases[i].actor, hotline_db_errmsg(db));
		assert_non_null(strstr(hotline_db_errmsg(db), "P1"));
	}
}

/* When several refusals apply, the first of DESIGN's order wins. */
static void test_refusal_order(void **state)
{
	hotline_db *db = *state;
	reach(db, "O1", R);
	/* invalid (malformed) beats not_found: unknown case and a missing field */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"followup\",\"case\":\"nope\",\"actor\":\"li\",\"at\":\"2026-11-05T09:00:00+08:00\"}"), HOTLINE_EINVALID);
	/* not_found beats forbidden: unknown case, wrong role */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"close\",\"case\":\"nope\",\"actor\":\"zhang\",\"at\":\"2026-11-05T09:00:00+08:00\"}"), HOTLINE_ENOT_FOUND);
	/* unknown actor */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"O1\",\"actor\":\"ghost\",\"at\":\"2026-11-05T09:00:00+08:00\"}"), HOTLINE_ENOT_FOUND);
	/* forbidden beats invalid_transition: a specialist closing a RECEIVED case */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"close\",\"case\":\"O1\",\"actor\":\"zhang\",\"at\":\"2026-11-05T09:00:00+08:00\"}"), HOTLINE_EFORBIDDEN);
	/* invalid_transition beats the payload guard: stage close from RECEIVED with too short a plan */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"request_stage_close\",\"case\":\"O1\",\"actor\":\"li\",\"at\":\"2026-11-05T09:00:00+08:00\","
		"\"measures\":\"m\",\"agreed_repair_at\":\"2026-11-06T09:00:00+08:00\",\"expected_completion_at\":\"2026-11-07T09:00:00+08:00\"}"),
		HOTLINE_EINVALID_TRANSITION);
	/* the guard beats conflict */
	assert_int_equal(run(db, "O1", "dispatch"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"request_stage_close\",\"case\":\"O1\",\"actor\":\"li\",\"at\":\"2026-11-05T09:00:00+08:00\",\"expect_version\":99,"
		"\"measures\":\"m\",\"agreed_repair_at\":\"2026-11-06T09:00:00+08:00\",\"expected_completion_at\":\"2026-11-07T09:00:00+08:00\"}"),
		HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(db), "30 days"));
	/* and conflict last */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"O1\",\"actor\":\"zhang\",\"at\":\"2026-11-05T09:00:00+08:00\",\"expect_version\":99,\"text\":\"t\"}"),
		HOTLINE_ECONFLICT);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"O1\",\"actor\":\"zhang\",\"at\":\"2026-11-05T09:00:00+08:00\",\"expect_version\":2,\"text\":\"t\"}"), 0);
}

/* Art. 18: the stage-closure plan must run more than 30 x 24 h after the dispatch instant. */
static void test_stage_close_30_days(void **state)
{
	hotline_db *db = *state;
	reach(db, "S30", D); /* dispatched 2026-11-02T09:02 */
	/* exactly 30 days after the dispatch is not "more than 30 days" */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"request_stage_close\",\"case\":\"S30\",\"actor\":\"li\",\"at\":\"2026-11-05T09:00:00+08:00\","
		"\"measures\":\"m\",\"agreed_repair_at\":\"2026-11-06T09:00:00+08:00\",\"expected_completion_at\":\"2026-12-02T09:02:00+08:00\"}"),
		HOTLINE_EINVALID);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"request_stage_close\",\"case\":\"S30\",\"actor\":\"li\",\"at\":\"2026-11-05T09:00:00+08:00\","
		"\"measures\":\"m\",\"agreed_repair_at\":\"2026-11-06T09:00:00+08:00\",\"expected_completion_at\":\"2026-12-02T09:02:01+08:00\"}"),
		0);
}

/* Art. 12: register needs every ledger field; each missing one is invalid. */
static void test_register_ledger_fields(void **state)
{
	hotline_db *db = *state;
	static const char *const fields[] = { "property", "room", "owner", "phone", "matter", "call_taker", "order_taker" };
	size_t i;
	for (i = 0; i < 7; i++) {
		char buf[1024] = "{\"cmd\":\"register\",\"case\":\"L1\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\"";
		size_t j;
		static const char *const values[] = { "P1", "1-101", "王", "138", "漏水", "zhang", "li" };
		for (j = 0; j < 7; j++)
			if (j != i)
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ",\"%s\":\"%s\"", fields[j], values[j]);
		strcat(buf, "}");
		assert_int_equal(hotline_db_exec_json(db, buf, NULL, NULL), HOTLINE_EINVALID);
		assert_non_null(strstr(hotline_db_errmsg(db), fields[i]));
	}
	assert_int_equal(hotline_db_case(&(hotline_case *){0}, db, "L1"), HOTLINE_ENOT_FOUND);
	/* unknown property / call_taker are not_found */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"L1\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\",\"property\":\"P9\",\"room\":\"r\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), HOTLINE_ENOT_FOUND);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"L1\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\",\"property\":\"P1\",\"room\":\"r\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"nobody\",\"order_taker\":\"li\"}"), HOTLINE_ENOT_FOUND);
	/* a duplicate case id */
	reach(db, "L2", R);
	assert_int_equal(do_register(db, "L2", "P1"), HOTLINE_EDUPLICATE);
	/* unknown kind / severity enums */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"L3\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\",\"property\":\"P1\",\"room\":\"r\",\"owner\":\"o\",\"phone\":\"p\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"severity\":\"huge\"}"), HOTLINE_EINVALID);
}

/* Malformed commands of every kind are invalid and change nothing. */
static void test_malformed(void **state)
{
	hotline_db *db = *state;
	static const char *const bad[] = {
		"[1,2]", "{}", "{\"cmd\":\"fly\"}", "{\"cmd\":\"dispatch\",\"case\":\"M1\",\"actor\":\"zhang\"}",
		"{\"cmd\":\"dispatch\",\"case\":\"M1\",\"actor\":\"zhang\",\"at\":\"2026-11-02 09:00\"}",
		"{\"cmd\":\"dispatch\",\"case\":\"M1\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00\"}",
		"{\"cmd\":\"dispatch\",\"case\":\"M1\",\"actor\":\"zhang\",\"at\":\"2026-02-30T09:00:00+08:00\"}",
		"{\"cmd\":\"dispatch\",\"case\":\"\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\"}",
		"{\"cmd\":\"dispatch\",\"case\":\"M1\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\",\"color\":\"red\"}",
		"{\"cmd\":\"followup\",\"case\":\"M1\",\"actor\":\"li\",\"at\":\"2026-11-02T09:00:00+08:00\",\"satisfied\":\"yes\"}",
		"{\"cmd\":\"verify\",\"case\":\"M1\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\",\"outcome\":\"maybe\"}",
		"{\"cmd\":\"correct_record\",\"case\":\"M1\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\",\"fields\":[]}",
		"{\"cmd\":\"correct_record\",\"case\":\"M1\",\"actor\":\"zhang\",\"at\":\"2026-11-02T09:00:00+08:00\",\"fields\":[\"property\"]}",
		"{\"cmd\":\"record_finding\",\"actor\":\"qa\",\"at\":\"2026-11-02T09:00:00+08:00\",\"kind\":\"bad_kind\"}",
		"{\"cmd\":\"call\",\"actor\":\"qa\",\"at\":\"2026-11-02T09:00:00+08:00\",\"agent\":\"zhang\",\"rings\":-1,\"answered\":true}",
		"{\"cmd\":\"person\",\"id\":\"p\",\"name\":\"n\",\"roles\":[\"king\"]}",
		"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-13\",\"amount_fen\":1}",
		"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-12\",\"amount_fen\":-1}",
		"not json at all", "{\"cmd\":\"dispatch\",\"cmd\":\"close\"}",
		NULL
	};
	const char *const *b;
	int64_t v0, v1;
	reach(db, "M1", H);
	case_state(db, "M1", NULL, &v0);
	for (b = bad; *b; b++) {
		int rc = hotline_db_exec_json(db, *b, NULL, NULL);
		if (rc != HOTLINE_EINVALID)
			fail_msg("expected invalid for %s, got %s: %s", *b, hotline_error_name(rc), hotline_db_errmsg(db));
		assert_true(strlen(hotline_db_errmsg(db)) > 0);
		assert_string_equal(hotline_db_errmsg(db), hotline_last_error());
	}
	case_state(db, "M1", NULL, &v1);
	assert_int_equal(v0, v1);
	/* an instant earlier than the case's last event */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"followup\",\"case\":\"M1\",\"actor\":\"li\",\"at\":\"2026-11-01T09:00:00+08:00\",\"satisfied\":true}"), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(db), "earlier"));
}

static void test_org_and_directory(void **state)
{
	hotline_db *db = *state;
	/* organisation-level events are given by a qa_director */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"actor\":\"qa\",\"at\":\"2026-11-02T09:00:00+08:00\",\"agent\":\"zhang\",\"rings\":5,\"answered\":true}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"monthly_summary\",\"actor\":\"zhang\",\"at\":\"2026-11-27T09:00:00+08:00\"}"), HOTLINE_EFORBIDDEN);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"actor\":\"qa\",\"at\":\"2026-11-02T09:00:00+08:00\",\"agent\":\"nobody\",\"rings\":1,\"answered\":true}"), HOTLINE_ENOT_FOUND);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"quarterly_meeting\",\"actor\":\"qa\",\"at\":\"2026-12-28T09:00:00+08:00\",\"absent\":[\"li2\"]}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"quarterly_meeting\",\"actor\":\"qa\",\"at\":\"2026-12-28T09:00:00+08:00\",\"absent\":[\"zhang\"]}"), HOTLINE_EINVALID);
	/* organisation-level findings; the named person is required for Art. 9 originals and Art. 7 */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"actor\":\"qa\",\"at\":\"2026-11-02T09:00:00+08:00\",\"kind\":\"line_private_use\"}"), HOTLINE_EINVALID);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"actor\":\"qa\",\"at\":\"2026-11-02T09:00:00+08:00\",\"kind\":\"line_private_use\",\"person\":\"zhang\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"actor\":\"qa\",\"at\":\"2026-11-02T09:00:00+08:00\",\"kind\":\"archive_lost_original\",\"person\":\"nobody\"}"), HOTLINE_ENOT_FOUND);
	/* directory: duplicates and references */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"又一个\",\"roles\":[\"hotline_specialist\"]}"), HOTLINE_EDUPLICATE);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"x\",\"manager\":\"li\"}"), HOTLINE_EDUPLICATE);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P3\",\"name\":\"x\",\"manager\":\"ghost\"}"), HOTLINE_ENOT_FOUND);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P3\",\"name\":\"x\",\"manager\":\"zhang\"}"), HOTLINE_EINVALID);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":1}"), HOTLINE_EDUPLICATE);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"ghost\",\"month\":\"2026-11\",\"amount_fen\":1}"), HOTLINE_ENOT_FOUND);
}

static void test_lifecycle_json(void **state)
{
	char *out = NULL;
	(void)state;
	assert_int_equal(hotline_lifecycle_json(&out), 0);
	assert_non_null(strstr(out, "\"request_stage_close\""));
	assert_non_null(strstr(out, "\"stage_closed\""));
	hotline_free(out);
	assert_int_equal(hotline_lifecycle_json(NULL), HOTLINE_EINVALID);
}

static void test_names(void **state)
{
	int v;
	(void)state;
	assert_string_equal(hotline_state_name(HOTLINE_STATE_STAGE_CLOSED), "stage_closed");
	assert_null(hotline_state_name(99));
	assert_int_equal(hotline_state_from_name(&v, "verified"), 0);
	assert_int_equal(v, HOTLINE_STATE_VERIFIED);
	assert_int_equal(hotline_state_from_name(&v, "bogus"), HOTLINE_EINVALID);
	assert_int_equal(hotline_state_from_name(&v, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_command_from_name(&v, "repeat_complaint"), 0);
	assert_string_equal(hotline_command_name(v), "repeat_complaint");
	assert_int_equal(hotline_role_from_name(&v, "qa_director"), 0);
	assert_string_equal(hotline_role_name(v), "qa_director");
	assert_null(hotline_role_name(3));
	assert_string_equal(hotline_error_name(HOTLINE_EINVALID_TRANSITION), "invalid_transition");
	assert_string_equal(hotline_error_name(HOTLINE_EDUPLICATE), "duplicate");
	assert_string_equal(hotline_error_name(0), "ok");
	assert_string_equal(hotline_error_name(-999), "unknown");
	assert_non_null(hotline_error_describe(-999));
}

/* One answer to "which stream does this event live in", read off the table. */
static void test_command_scope(void **state)
{
	(void)state;
	assert_int_equal(hotline__command_scope(HOTLINE_CMD_REGISTER), 0);
	assert_int_equal(hotline__command_scope(HOTLINE_CMD_DISPATCH), 0);
	assert_int_equal(hotline__command_scope(HOTLINE_CMD_CALL), 1);
	assert_int_equal(hotline__command_scope(HOTLINE_CMD_QUARTERLY_REPORT), 1);
	assert_int_equal(hotline__command_scope(HOTLINE_CMD_RECORD_FINDING), 2);
	assert_int_equal(hotline__command_scope(-1), -1);
	assert_int_equal(hotline__command_scope(HOTLINE_CMD_COUNT + 5), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_row_every_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_branches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_role, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_property, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stage_close_30_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_ledger_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org_and_directory, setup, teardown),
		cmocka_unit_test(test_lifecycle_json),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_command_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
