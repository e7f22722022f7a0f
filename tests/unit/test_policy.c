/*
 * Policy loader: the shipped policies, the gm-hotline table of DESIGN §3.1
 * number by number, and every class of error with the JSON path it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "hotline/lifecycle.h"
#include "model/lifecycle.h"
#include "rules/policy.h"

/* ---- helpers ---- */

/* A valid deadline rule with the given id; the tests break one piece at a time. */
#define RULE(id) \
	"{\"id\":\"" id "\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"}," \
	"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}]," \
	"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":500}," \
	"\"liable\":[{\"role\":\"property_manager\"}]}"

#define HEAD "{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"rules\":["
#define TAIL "]}"

static hotline__policy *load_ok(const char *text)
{
	hotline__policy *p = NULL;
	hotline__err err = { 0, "" };
	int rc = hotline__policy_load(&p, text, strlen(text), &err);
	if (rc)
		fprintf(stderr, "unexpected failure: %s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_non_null(p);
	return p;
}

static void expect_error(const char *text, const char *msg)
{
	hotline__policy *p = (hotline__policy *)1;
	hotline__err err = { 0, "" };
	int rc = hotline__policy_load(&p, text, strlen(text), &err);
	assert_int_equal(rc, HOTLINE_EPOLICY);
	assert_null(p);
	assert_int_equal(err.code, HOTLINE_EPOLICY);
	assert_string_equal(err.msg, msg);
}

static void expect_error_prefix(const char *text, const char *prefix)
{
	hotline__policy *p = NULL;
	hotline__err err = { 0, "" };
	int rc = hotline__policy_load(&p, text, strlen(text), &err);
	assert_int_equal(rc, HOTLINE_EPOLICY);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", err.msg, prefix);
}

/* ---- built-ins ---- */

static void test_builtin_names(void **state)
{
	size_t n = 0, i;
	const char *const *names = hotline__policy_builtin_names(&n);
	(void)state;
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "gm-hotline");
	assert_string_equal(names[1], "sales-office");
	assert_string_equal(names[2], "service-standard");
	assert_null(names[3]);
	for (i = 0; i < n; i++) {
		hotline__policy *p = NULL;
		hotline__err err = { 0, "" };
		size_t len = 0;
		char *text = hotline__policy_builtin_text(names[i], &len);
		json_t *doc;
		assert_non_null(text);
		assert_int_equal(strlen(text), len);
		/* the embedded text is the JSON file itself */
		doc = json_loadb(text, len, 0, NULL);
		assert_non_null(doc);
		assert_string_equal(json_string_value(json_object_get(doc, "name")), names[i]);
		json_decref(doc);
		free(text);
		assert_int_equal(hotline__policy_builtin(&p, names[i], &err), 0);
		assert_string_equal(hotline__policy_name(p), names[i]);
		assert_int_equal(hotline__policy_zone_offset(p), 480);
		assert_int_equal(p->period_day, 27);
		hotline__policy_free(p);
	}
}

/* The compiled-in text is byte for byte the file in policies/ (tools/embed_policies.py). */
static void test_builtin_matches_files(void **state)
{
#ifdef HOTLINE_SOURCE_DIR
	size_t n = 0, i;
	const char *const *names = hotline__policy_builtin_names(&n);
	(void)state;
	for (i = 0; i < n; i++) {
		char path[512];
		FILE *f;
		long size;
		char *file, *text;
		size_t len = 0;
		snprintf(path, sizeof(path), "%s/policies/%s.json", HOTLINE_SOURCE_DIR, names[i]);
		f = fopen(path, "rb");
		if (!f)
			fail_msg("cannot open %s", path);
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		file = malloc((size_t)size + 1);
		assert_non_null(file);
		assert_int_equal(fread(file, 1, (size_t)size, f), (size_t)size);
		file[size] = '\0';
		fclose(f);
		text = hotline__policy_builtin_text(names[i], &len);
		if (len != (size_t)size || memcmp(text, file, len) != 0)
			fail_msg("%s differs from the compiled-in policy: run tools/embed_policies.py", path);
		free(text);
		free(file);
	}
#else
	(void)state;
	skip();
#endif
}

static void test_builtin_unknown(void **state)
{
	hotline__policy *p = NULL;
	hotline__err err = { 0, "" };
	(void)state;
	assert_int_equal(hotline__policy_builtin(&p, "gm-hotlin", &err), HOTLINE_EPOLICY);
	assert_null(p);
	assert_string_equal(err.msg, "unknown policy 'gm-hotlin'");
	assert_null(hotline__policy_builtin_text("nope", NULL));
}

/*
 * DESIGN §3.1, row by row. Any change of a number in policies/gm-hotline.json
 * fails here.
 */
typedef struct expect_rule {
	const char *id;
	int article;
	int kind;
	int per;
	int64_t amount_fen;
	int clock;            /* deadlines */
	int64_t due_seconds;
	const char *liable;   /* "role:x", "every:x", "field:x", "field:x|else:y", "" */
} expect_rule;

#define D HOTLINE__RULE_DEADLINE
#define O HOTLINE__RULE_OCCURRENCE
#define PE HOTLINE__RULE_PERIODIC
#define RA HOTLINE__RULE_RATE
#define CA HOTLINE__RULE_CAP
#define CAL HOTLINE__POLICY_CLOCK_CALENDAR
#define DUTY HOTLINE__POLICY_CLOCK_DUTY_HOURS
#define H INT64_C(3600)

static const expect_rule gm_table[] = {
	{ "R12", 12, O, HOTLINE__PER_EACH, 500, 0, 0, "role:call_taker" },
	{ "R13", 13, D, HOTLINE__PER_ONCE, 500, DUTY, 1 * H, "role:call_taker" },
	{ "R14a", 14, D, HOTLINE__PER_ONCE, 500, CAL, 2 * H, "role:property_manager" },
	{ "R14b", 14, D, HOTLINE__PER_DAY, 300, CAL, 24 * H, "role:property_manager" },
	{ "R14c", 14, O, HOTLINE__PER_EACH, 1500, 0, 0, "role:property_manager" },
	{ "R14d", 14, O, HOTLINE__PER_EACH, 500, 0, 0, "role:property_manager" },
	{ "R14e", 14, D, HOTLINE__PER_DAY, 300, CAL, 24 * H, "role:property_manager" },
	{ "R14f", 14, D, HOTLINE__PER_DAY, 300, CAL, 24 * H, "role:property_manager" },
	{ "R15a", 15, D, HOTLINE__PER_ONCE, 500, CAL, 24 * H, "role:quality_supervisor" },
	{ "R15b", 15, O, HOTLINE__PER_EACH, 500, 0, 0, "role:property_manager" },
	{ "R15c", 15, D, HOTLINE__PER_ONCE, 500, CAL, 24 * H, "role:call_taker" },
	{ "R15d", 15, O, HOTLINE__PER_EACH, 500, 0, 0, "field:person|else:quality_supervisor" },
	{ "R16", 16, D, HOTLINE__PER_ONCE, 500, CAL, 72 * H, "role:property_manager" },
	{ "R17", 17, D, HOTLINE__PER_DAY, 300, CAL, 7 * 24 * H, "role:property_manager" },
	{ "R8a", 8, O, HOTLINE__PER_EACH, 500, 0, 0, "field:agent" },
	{ "R8b", 8, O, HOTLINE__PER_EACH, 500, 0, 0, "field:agent" },
	{ "R9", 9, O, HOTLINE__PER_EACH, 500, 0, 0, "" },
	{ "R7", 7, O, HOTLINE__PER_EACH, 500, 0, 0, "field:person" },
	{ "R4", 4, O, HOTLINE__PER_EACH, 500, 0, 0, "every:qa_director" },
	{ "R10a", 10, PE, HOTLINE__PER_ONCE, 500, 0, 0, "every:qa_director" },
	{ "R10b", 10, O, HOTLINE__PER_EACH, 500, 0, 0, "field:absent" },
	{ "R11", 11, D, HOTLINE__PER_DAY, 300, CAL, 72 * H, "every:qa_director" },
	{ "R20a", 20, RA, HOTLINE__PER_POINT, 300, 0, 0, "role:property_manager" },
	{ "R20b", 20, RA, HOTLINE__PER_POINT, 300, 0, 0, "role:property_manager" },
	{ "R21", 21, PE, HOTLINE__PER_ONCE, 500, 0, 0, "every:qa_director" },
	{ "R22", 22, CA, HOTLINE__PER_NONE, 0, 0, 0, "" },
};

static void liable_text(const hotline__liable *l, size_t n, char *buf, size_t size)
{
	static const char *const roles[] = { "call_taker", "property_manager", "quality_supervisor",
		"department_head" };
	size_t i, used = 0;
	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		const char *sep = i ? ";" : "";
		if (l[i].kind == HOTLINE__LIABLE_ROLE)
			used += (size_t)snprintf(buf + used, size - used, "%srole:%s", sep, roles[l[i].role]);
		else if (l[i].kind == HOTLINE__LIABLE_EVERY)
			used += (size_t)snprintf(buf + used, size - used, "%severy:%s", sep, hotline_role_name(l[i].role));
		else if (l[i].else_role >= 0)
			used += (size_t)snprintf(buf + used, size - used, "%sfield:%s|else:%s", sep, l[i].field,
				roles[l[i].else_role]);
		else
			used += (size_t)snprintf(buf + used, size - used, "%sfield:%s", sep, l[i].field);
	}
}

static void test_gm_hotline_table(void **state)
{
	hotline__policy *p = NULL;
	hotline__err err = { 0, "" };
	size_t i;
	(void)state;
	assert_int_equal(hotline__policy_builtin(&p, "gm-hotline", &err), 0);
	assert_int_equal(p->n_rules, sizeof(gm_table) / sizeof(gm_table[0]));
	for (i = 0; i < p->n_rules; i++) {
		const expect_rule *x = &gm_table[i];
		const hotline__rule *r = hotline__policy_rule(p, x->id);
		char who[128];
		if (!r)
			fail_msg("rule %s missing", x->id);
		assert_string_equal(p->rules[i].id, x->id);   /* table order of DESIGN §3.1 */
		assert_int_equal(r->article, x->article);
		assert_int_equal(r->kind, x->kind);
		assert_int_equal(r->per, x->per);
		assert_int_equal(r->amount_fen, x->amount_fen);
		assert_non_null(r->title_zh);
		assert_non_null(r->title_en);
		if (x->kind == D) {
			assert_int_equal(r->clock, x->clock);
			assert_int_equal(r->due_seconds, x->due_seconds);
		}
		liable_text(r->liable, r->n_liable, who, sizeof(who));
		assert_string_equal(who, x->liable);
	}
	/* the details the table's other columns carry */
	{
		const hotline__rule *r;
		char who[128];
		r = hotline__policy_rule(p, "R13");
		assert_int_equal(r->starts_at.cmd, HOTLINE_CMD_REGISTER);
		assert_int_equal(r->met_by[0].cmd, HOTLINE_CMD_DISPATCH);
		r = hotline__policy_rule(p, "R14e");
		assert_string_equal(r->due_field, "agreed_followup_at");
		r = hotline__policy_rule(p, "R15a");
		assert_int_equal(r->starts_at.cmd, HOTLINE_CMD_FOLLOWUP);
		assert_int_equal(r->starts_at.n_where, 1);
		assert_string_equal(r->starts_at.where[0].field, "satisfied");
		assert_true(json_is_true(r->starts_at.where[0].value));
		r = hotline__policy_rule(p, "R16");
		assert_true(r->repeat);
		assert_int_equal(r->n_met_by, 2);
		assert_int_equal(r->until[0].cmd, HOTLINE_CMD_COMPLETE);
		r = hotline__policy_rule(p, "R17");
		assert_int_equal(r->met_by[0].cmd, HOTLINE_CMD_REQUEST_ESCALATION);
		assert_int_equal(r->met_by[1].cmd, HOTLINE_CMD_COMPLETE);
		r = hotline__policy_rule(p, "R8a");
		assert_int_equal(r->on[0].in_duty_hours, 1);
		assert_int_equal(r->on[0].where[0].op, HOTLINE__OP_GT);
		assert_int_equal(json_integer_value(r->on[0].where[0].value), 3);
		r = hotline__policy_rule(p, "R8b");
		assert_true(json_is_true(r->on[0].where[0].dflt));
		r = hotline__policy_rule(p, "R9");
		assert_int_equal(r->n_on, 2);
		liable_text(r->on[0].liable, r->on[0].n_liable, who, sizeof(who));
		assert_string_equal(who, "field:person");
		liable_text(r->on[1].liable, r->on[1].n_liable, who, sizeof(who));
		assert_string_equal(who, "role:property_manager");
		assert_int_equal(r->on[0].liable[0].amount_fen, 500);
		r = hotline__policy_rule(p, "R10a");
		assert_int_equal(r->every, HOTLINE__EVERY_QUARTER);
		assert_int_equal(r->last_days, 7);
		r = hotline__policy_rule(p, "R11");
		assert_true(r->earliest_unmet);
		r = hotline__policy_rule(p, "R20a");
		assert_int_equal(r->measure, HOTLINE__MEASURE_CLOSURE);
		assert_int_equal(r->threshold_percent, 80);
		r = hotline__policy_rule(p, "R20b");
		assert_int_equal(r->measure, HOTLINE__MEASURE_SATISFACTION);
		assert_int_equal(r->threshold_percent, 98);
		r = hotline__policy_rule(p, "R21");
		assert_int_equal(r->every, HOTLINE__EVERY_MONTH);
		assert_int_equal(r->day, 27);
		assert_int_equal(r->days, 1);
		assert_true(p->cap_by_bonus);
		assert_string_equal(p->cap_rule->id, "R22");
	}
	hotline__policy_free(p);
}

static void test_other_policies(void **state)
{
	hotline__policy *p = NULL;
	hotline__err err = { 0, "" };
	const hotline__rule *r;
	(void)state;
	assert_int_equal(hotline__policy_builtin(&p, "service-standard", &err), 0);
	assert_int_equal(p->n_rules, 6);
	assert_false(p->cap_by_bonus);
	r = hotline__policy_rule(p, "S1a");
	assert_int_equal(r->due_seconds, 30 * 60);
	assert_int_equal(r->per, HOTLINE__PER_NONE);
	assert_int_equal(r->n_liable, 0);
	r = hotline__policy_rule(p, "S3b");
	assert_int_equal(r->clock, HOTLINE__POLICY_CLOCK_WORKING_DAYS);
	assert_int_equal(r->due_working_days, 5);
	assert_int_equal(hotline__policy_rule(p, "S1b")->due_seconds, 3600);
	assert_int_equal(hotline__policy_rule(p, "S1c")->due_seconds, 4 * 3600);
	assert_int_equal(hotline__policy_rule(p, "S3a")->due_seconds, 8 * 3600);
	assert_int_equal(hotline__policy_rule(p, "S4")->due_seconds, 48 * 3600);
	hotline__policy_free(p);

	assert_int_equal(hotline__policy_builtin(&p, "sales-office", &err), 0);
	assert_int_equal(p->n_rules, 2);
	r = hotline__policy_rule(p, "SO2a");
	assert_true(r->due_end_of_day);
	assert_int_equal(r->n_liable, 3);
	assert_int_equal(r->liable[0].amount_fen, 10000);
	assert_int_equal(r->liable[1].kind, HOTLINE__LIABLE_EVERY);
	assert_int_equal(r->liable[1].role, HOTLINE_ROLE_SALES_DIRECTOR);
	assert_int_equal(r->liable[1].amount_fen, 5000);
	assert_int_equal(r->liable[2].role, HOTLINE_ROLE_DIRECTOR_ASSISTANT);
	assert_int_equal(r->liable[2].amount_fen, 5000);
	r = hotline__policy_rule(p, "SO2b");
	assert_string_equal(r->due_field, "promised_at");
	assert_true(r->starts_at.once);
	hotline__policy_free(p);
}

/* ---- a minimal policy and its options ---- */

static void test_minimal_and_zone(void **state)
{
	hotline__policy *p;
	(void)state;
	p = load_ok(HEAD RULE("A") TAIL);
	assert_string_equal(hotline__policy_name(p), "t");
	assert_int_equal(hotline__policy_zone_offset(p), 480);
	assert_int_equal(p->rules[0].due_seconds, 3600);
	assert_int_equal(p->rules[0].liable[0].amount_fen, 500);
	hotline__policy_free(p);
	p = load_ok("{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"zone\":\"-05:30\","
		"\"period_day\":1,\"rules\":[" RULE("A") "]}");
	assert_int_equal(hotline__policy_zone_offset(p), -330);
	assert_int_equal(p->period_day, 1);
	hotline__policy_free(p);
	hotline__policy_free(NULL);
}

/* ---- finding kinds and the stage-closure threshold (Art. 18) ---- */

#define DOC(extra) "{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"}" extra ",\"rules\":[" RULE("A") "]}"
#define FINDING_RULE(kind) \
	"{\"id\":\"F\",\"article\":14,\"kind\":\"occurrence\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"}," \
	"\"on\":[{\"cmd\":\"record_finding\",\"where\":[{\"field\":\"kind\"," kind "}]}]," \
	"\"cost\":{\"per\":\"each\",\"amount_fen\":5},\"liable\":[{\"role\":\"property_manager\"}]}"

static void test_finding_kinds_and_stage_close(void **state)
{
	static const char *const today[] = { "falsified_form", "supervisor_false_report", "archive_lost_original",
		"archive_lost_copy", "line_private_use", "assessment_misreport", NULL };
	const char *const *names;
	size_t n = 0, i, k;
	hotline__policy *p;
	(void)state;

	/* every shipped policy: today's kinds and 30 days, given or by default */
	names = hotline__policy_builtin_names(&n);
	for (i = 0; i < n; i++) {
		hotline__err err = { 0, "" };
		const char *const *kinds;
		assert_int_equal(hotline__policy_builtin(&p, names[i], &err), 0);
		kinds = hotline__policy_finding_kinds(p);
		for (k = 0; today[k]; k++) {
			assert_non_null(kinds[k]);
			assert_string_equal(kinds[k], today[k]);
			assert_true(hotline__policy_is_finding_kind(p, today[k]));
		}
		assert_null(kinds[k]);
		assert_false(hotline__policy_is_finding_kind(p, "falsified"));
		assert_false(hotline__policy_is_finding_kind(p, NULL));
		assert_int_equal(hotline__policy_stage_close_min_seconds(p), 30 * 86400);
		/* Art. 7, 9: these two name their person, stated or by default */
		for (k = 0; today[k]; k++)
			assert_int_equal(hotline__policy_finding_needs_person(p, today[k]),
				strcmp(today[k], "archive_lost_original") == 0 || strcmp(today[k], "line_private_use") == 0);
		assert_false(hotline__policy_finding_needs_person(p, NULL));
		hotline__policy_free(p);
	}
	/* no policy: the defaults */
	assert_true(hotline__policy_is_finding_kind(NULL, "line_private_use"));
	assert_true(hotline__policy_finding_needs_person(NULL, "line_private_use"));
	assert_false(hotline__policy_finding_needs_person(NULL, "falsified_form"));
	assert_int_equal(hotline__policy_stage_close_min_seconds(NULL), 30 * 86400);

	/* a policy of its own */
	p = load_ok(DOC(",\"finding_kinds\":[\"late_report\",\"falsified_form\"],\"stage_close_min_days\":45"));
	assert_int_equal(hotline__policy_stage_close_min_seconds(p), 45 * 86400);
	assert_true(hotline__policy_is_finding_kind(p, "late_report"));
	assert_false(hotline__policy_is_finding_kind(p, "line_private_use"));
	assert_string_equal(hotline__policy_finding_kinds(p)[0], "late_report");
	assert_null(hotline__policy_finding_kinds(p)[2]);
	assert_false(hotline__policy_finding_needs_person(p, "late_report"));
	assert_false(hotline__policy_finding_needs_person(p, "line_private_use"));
	hotline__policy_free(p);
	p = load_ok(DOC(",\"finding_kinds\":[\"late_report\",\"line_private_use\"],"
		"\"finding_kinds_needing_person\":[\"late_report\"]"));
	assert_true(hotline__policy_finding_needs_person(p, "late_report"));
	assert_false(hotline__policy_finding_needs_person(p, "line_private_use"));
	hotline__policy_free(p);
	p = load_ok(DOC(",\"finding_kinds\":[\"line_private_use\"],\"finding_kinds_needing_person\":[]"));
	assert_false(hotline__policy_finding_needs_person(p, "line_private_use"));
	hotline__policy_free(p);
	p = load_ok(DOC(",\"stage_close_min_days\":1"));
	assert_int_equal(hotline__policy_stage_close_min_seconds(p), 86400);
	hotline__policy_free(p);

	/* bad values */
	expect_error(DOC(",\"finding_kinds\":\"falsified_form\""), "finding_kinds: expected array, got string");
	expect_error(DOC(",\"finding_kinds\":[]"), "finding_kinds: empty list");
	expect_error(DOC(",\"finding_kinds\":[\"a\",7]"), "finding_kinds[1]: expected string, got integer");
	expect_error(DOC(",\"finding_kinds\":[\"\"]"), "finding_kinds[0]: empty string");
	expect_error(DOC(",\"finding_kinds\":[\"a\",\"Late Report\"]"),
		"finding_kinds[1]: \"Late Report\": only lower-case letters, digits and '_'");
	expect_error(DOC(",\"finding_kinds\":[\"a\",\"b\",\"a\"]"),
		"finding_kinds[2]: duplicate finding kind \"a\" (also finding_kinds[0])");
	expect_error(DOC(",\"finding_kinds_needing_person\":\"line_private_use\""),
		"finding_kinds_needing_person: expected array, got string");
	expect_error(DOC(",\"finding_kinds_needing_person\":[3]"),
		"finding_kinds_needing_person[0]: expected string, got integer");
	expect_error(DOC(",\"finding_kinds\":[\"a\"],\"finding_kinds_needing_person\":[\"line_private_use\"]"),
		"finding_kinds_needing_person[0]: \"line_private_use\" is not one of finding_kinds");
	expect_error(DOC(",\"finding_kinds_needing_person\":[\"line_private_use\",\"line_private_use\"]"),
		"finding_kinds_needing_person[1]: duplicate finding kind \"line_private_use\"");
	expect_error(DOC(",\"stage_close_min_days\":0"), "stage_close_min_days: 0 is out of range [1, 3650]");
	expect_error(DOC(",\"stage_close_min_days\":3651"), "stage_close_min_days: 3651 is out of range [1, 3650]");
	expect_error(DOC(",\"stage_close_min_days\":30.5"), "stage_close_min_days: expected integer, got number");
	expect_error(DOC(",\"stage_close_min_days\":\"30\""), "stage_close_min_days: expected integer, got string");

	/* a rule may only watch declared kinds: a typo would switch it off */
	p = load_ok(HEAD FINDING_RULE("\"eq\":\"falsified_form\"") TAIL);
	hotline__policy_free(p);
	expect_error(HEAD RULE("A") "," FINDING_RULE("\"eq\":\"falsified_from\"") TAIL,
		"rules[1].on[0].where[0].eq: \"falsified_from\" is not one of finding_kinds");
	expect_error(HEAD FINDING_RULE("\"in\":[\"falsified_form\",\"lost\"]") TAIL,
		"rules[0].on[0].where[0].in[1]: \"lost\" is not one of finding_kinds");
	expect_error("{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"finding_kinds\":[\"late\"],"
		"\"rules\":[" FINDING_RULE("\"eq\":\"falsified_form\"") "]}",
		"rules[0].on[0].where[0].eq: \"falsified_form\" is not one of finding_kinds");
	p = load_ok("{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"finding_kinds\":[\"late\"],"
		"\"rules\":[" FINDING_RULE("\"eq\":\"late\"") "]}");
	hotline__policy_free(p);
}

/* ---- errors, each with its path ---- */

static void test_error_negative_amount(void **state)
{
	(void)state;
	expect_error(HEAD RULE("A") "," RULE("B") "," RULE("C") ","
		"{\"id\":\"D\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":-5},"
		"\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[3].cost.amount_fen: negative amount -5");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"property_manager\",\"amount_fen\":-1}]}" TAIL,
		"rules[0].liable[0].amount_fen: negative amount -1");
}

static void test_error_unknown_key(void **state)
{
	(void)state;
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"dew\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0]: unknown key \"dew\"");
	expect_error("{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"rulez\":[]}",
		"(top level): unknown key \"rulez\"");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\",\"fr\":\"x\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL,
		"rules[0].title: unknown key \"fr\"");
	/* "once" belongs to starts_at only */
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\",\"once\":true}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL,
		"rules[0].met_by[0]: unknown key \"once\"");
	/* keys of another kind are unknown too */
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"occurrence\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"on\":[{\"cmd\":\"repeat_complaint\"}],\"clock\":\"calendar\","
		"\"cost\":{\"per\":\"each\",\"amount_fen\":5},\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0]: unknown key \"clock\"");
}

static void test_error_unknown_event(void **state)
{
	(void)state;
	expect_error(HEAD RULE("A") "," RULE("B") ","
		"{\"id\":\"C\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispach\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL,
		"rules[2].starts_at.cmd: unknown event \"dispach\"");
	/* directory records are not events a rule can watch */
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"occurrence\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"on\":[{\"cmd\":\"bonus\"}],\"cost\":{\"per\":\"each\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0].on[0].cmd: unknown event \"bonus\"");
}

static void test_error_enum(void **state)
{
	(void)state;
	expect_error(HEAD RULE("A") ","
		"{\"id\":\"B\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"wall\",\"due\":{\"hours\":1}}" TAIL,
		"rules[1].clock: expected one of calendar, duty_hours, working_days");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"rule\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"}}" TAIL,
		"rules[0].kind: expected one of deadline, occurrence, periodic, rate, cap");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"week\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0].cost.per: expected one of none, once, day, working_day, each, point");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"each\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0].cost.per: \"each\" does not apply to rules of kind deadline");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"janitor\"}]}" TAIL,
		"rules[0].liable[0].role: expected one of call_taker, property_manager, quality_supervisor, department_head");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":5},"
		"\"liable\":[{\"every\":\"janitor\"}]}" TAIL,
		"rules[0].liable[0].every: unknown role \"janitor\"");
}

static void test_error_types(void **state)
{
	(void)state;
	expect_error(HEAD "{\"id\":\"A\",\"article\":\"12\",\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"}}" TAIL,
		"rules[0].article: expected integer, got string");
	expect_error(HEAD "{\"id\":7,\"article\":1,\"kind\":\"deadline\"}" TAIL,
		"rules[0].id: expected string, got integer");
	expect_error("{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"rules\":{}}",
		"rules: expected array, got object");
	expect_error("[1,2]", "(top level): expected object, got array");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1.5}}" TAIL,
		"rules[0].due.hours: expected integer, got number");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":\"5\"},"
		"\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0].cost.amount_fen: expected integer (fen), got string");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"followup\",\"where\":[{\"field\":\"satisfied\",\"eq\":[true]}]},"
		"\"met_by\":[{\"cmd\":\"verify\"}],\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL,
		"rules[0].starts_at.where[0].eq: expected string, integer, boolean or null, got array");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"occurrence\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"on\":[{\"cmd\":\"call\",\"in_duty_hours\":\"yes\"}],\"cost\":{\"per\":\"each\",\"amount_fen\":5},"
		"\"liable\":[{\"field\":\"agent\"}]}" TAIL,
		"rules[0].on[0].in_duty_hours: expected boolean, got string");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"occurrence\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"on\":[{\"cmd\":\"call\",\"where\":[{\"field\":\"rings\",\"gt\":\"3\"}]}],"
		"\"cost\":{\"per\":\"each\",\"amount_fen\":5},\"liable\":[{\"field\":\"agent\"}]}" TAIL,
		"rules[0].on[0].where[0].gt: expected integer, got string");
}

static void test_error_syntax(void **state)
{
	(void)state;
	expect_error_prefix("{\"format\":1,\n\"name\":\"t\",\n  \"rules\": [,]}", "3:13: syntax error: ");
	expect_error_prefix("", "1:0: syntax error: ");
	/* a key given twice is ambiguous: refused */
	expect_error_prefix("{\"format\":1,\"format\":1}", "1:");
}

static void test_error_missing_and_values(void **state)
{
	(void)state;
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],\"clock\":\"calendar\"}" TAIL,
		"rules[0]: missing key \"due\"");
	expect_error("{\"format\":1,\"name\":\"t\",\"rules\":[]}", "(top level): missing key \"title\"");
	expect_error("{\"format\":2,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"rules\":[" RULE("A") "]}",
		"format: 2 is out of range [1, 1]");
	expect_error("{\"format\":1,\"name\":\"T T\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"rules\":[" RULE("A") "]}",
		"name: \"T T\": only lower-case letters, digits, '-' and '_'");
	expect_error("{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"rules\":[]}",
		"rules: empty list");
	expect_error("{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"zone\":\"+8\",\"rules\":[" RULE("A") "]}",
		"zone: expected an offset like \"+08:00\", got \"+8\"");
	expect_error("{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"测\",\"en\":\"t\"},\"period_day\":29,\"rules\":[" RULE("A") "]}",
		"period_day: 29 is out of range [1, 28]");
	expect_error(HEAD RULE("A") "," RULE("A") TAIL, "rules[1].id: duplicate rule id \"A\" (also rules[0])");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"\"}}" TAIL,
		"rules[0].title.en: empty string");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[],\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL,
		"rules[0].met_by: empty list");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":0}}" TAIL,
		"rules[0].due.hours: 0 is out of range [1, 87600]");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1,\"minutes\":5}}" TAIL,
		"rules[0].due: expected exactly one of minutes, hours, days, working_days, end_of_local_day (and optionally at_field)");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"working_days\":5}}" TAIL,
		"rules[0].due: working_days needs clock working_days");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"working_days\",\"due\":{\"hours\":5}}" TAIL,
		"rules[0].due: clock working_days counts working_days, not time");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":5}}" TAIL,
		"rules[0]: missing key \"liable\"");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"liable\":[{\"role\":\"call_taker\"}]}" TAIL,
		"rules[0].liable: a rule without cost charges no one");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"once\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"call_taker\",\"every\":\"qa_director\"}]}" TAIL,
		"rules[0].liable[0]: expected exactly one of role, every, field");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"followup\",\"where\":[{\"field\":\"satisfied\",\"eq\":true,\"ne\":false}]},"
		"\"met_by\":[{\"cmd\":\"verify\"}],\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL,
		"rules[0].starts_at.where[0]: expected exactly one of eq, ne, gt, ge, lt, le, in, present");
	/* a clock runs within one stream */
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"quarterly_report\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL,
		"rules[0].met_by[0].cmd: \"quarterly_report\" is an organisation-level event but the clock runs on a case");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"periodic\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"schedule\":{\"every\":\"month\",\"day\":27},\"met_by\":[{\"cmd\":\"monthly_summary\"}],"
		"\"cost\":{\"per\":\"once\",\"amount_fen\":5},\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0].liable[0]: a periodic obligation is charged to every holder of a role");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"periodic\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"schedule\":{\"every\":\"month\",\"day\":27,\"last_days\":3},\"met_by\":[{\"cmd\":\"monthly_summary\"}]}" TAIL,
		"rules[0].schedule: expected exactly one of day, last_days");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"rate\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"measure\":\"closure\",\"threshold_percent\":101,\"cost\":{\"per\":\"point\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0].threshold_percent: 101 is out of range [1, 100]");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"repeat\":{\"until\":[{\"cmd\":\"complete\"}]},"
		"\"clock\":\"calendar\",\"due\":{\"hours\":72},\"cost\":{\"per\":\"day\",\"amount_fen\":5},"
		"\"liable\":[{\"role\":\"property_manager\"}]}" TAIL,
		"rules[0].cost.per: a repeating deadline costs once per missed due instant");
	/* breaches only: "per": "none" (or no cost at all), never with an amount */
	{
		hotline__policy *p = load_ok(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
			"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
			"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"none\"}}" TAIL);
		assert_int_equal(p->rules[0].per, HOTLINE__PER_NONE);
		hotline__policy_free(p);
	}
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"starts_at\":{\"cmd\":\"dispatch\"},\"met_by\":[{\"cmd\":\"complete\"}],"
		"\"clock\":\"calendar\",\"due\":{\"hours\":1},\"cost\":{\"per\":\"none\",\"amount_fen\":0}}" TAIL,
		"rules[0].cost.amount_fen: a breach-only rule charges no amount");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"occurrence\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"on\":[{\"cmd\":\"repeat_complaint\"}],\"cost\":{\"per\":\"none\"}}" TAIL,
		"rules[0].cost.per: \"none\" does not apply to rules of kind occurrence");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"periodic\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},"
		"\"schedule\":{\"every\":\"quarter\",\"day\":1},\"met_by\":[{\"cmd\":\"quarterly_meeting\"}]}" TAIL,
		"rules[0].schedule.day: a quarter's window is given by last_days");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"cap\",\"title\":{\"zh\":\"甲\",\"en\":\"a\"},\"by\":\"x\"}" TAIL,
		"rules[0].by: expected one of monthly_bonus");
}

/*
 * Where an event may be watched follows the lifecycle table's `on` column,
 * for every command: directory records by no rule, organisation events
 * only by an organisation's clock, case events only by a case's, findings
 * by both.
 */
static void test_scope_follows_lifecycle_table(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < hotline__n_transitions; i++) {
		const hotline__transition *t = &hotline__transitions[i];
		const char *name = hotline_command_name(t->cmd);
		char text[1024], msg[256];
		hotline__policy *p = NULL;
		hotline__err err = { 0, "" };
		int rc;

		/* an occurrence on it */
		snprintf(text, sizeof(text), HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"occurrence\","
			"\"title\":{\"zh\":\"甲\",\"en\":\"a\"},\"on\":[{\"cmd\":\"%s\"}],"
			"\"cost\":{\"per\":\"each\",\"amount_fen\":5},\"liable\":[{\"every\":\"qa_director\"}]}" TAIL, name);
		if (t->on == HOTLINE__ON_DIRECTORY) {
			snprintf(msg, sizeof(msg), "rules[0].on[0].cmd: unknown event \"%s\"", name);
			expect_error(text, msg);
			continue;
		}
		hotline__policy_free(load_ok(text));

		/* meeting a case's clock */
		snprintf(text, sizeof(text), HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\","
			"\"title\":{\"zh\":\"甲\",\"en\":\"a\"},\"starts_at\":{\"cmd\":\"dispatch\"},"
			"\"met_by\":[{\"cmd\":\"%s\"}],\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL, name);
		rc = hotline__policy_load(&p, text, strlen(text), &err);
		if (t->on == HOTLINE__ON_ORG) {
			assert_int_equal(rc, HOTLINE_EPOLICY);
			snprintf(msg, sizeof(msg), "rules[0].met_by[0].cmd: \"%s\" is an organisation-level event "
				"but the clock runs on a case", name);
			assert_string_equal(err.msg, msg);
		} else {
			assert_int_equal(rc, 0);
		}
		hotline__policy_free(p);
		p = NULL;

		/* meeting an organisation's clock */
		snprintf(text, sizeof(text), HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\","
			"\"title\":{\"zh\":\"甲\",\"en\":\"a\"},\"starts_at\":{\"cmd\":\"quarterly_meeting\"},"
			"\"met_by\":[{\"cmd\":\"%s\"}],\"clock\":\"calendar\",\"due\":{\"hours\":1}}" TAIL, name);
		rc = hotline__policy_load(&p, text, strlen(text), &err);
		if (t->on == HOTLINE__ON_CASE || t->on == HOTLINE__ON_NEW_CASE) {
			assert_int_equal(rc, HOTLINE_EPOLICY);
			snprintf(msg, sizeof(msg), "rules[0].met_by[0].cmd: \"%s\" is a case event "
				"but the clock runs on the organisation", name);
			assert_string_equal(err.msg, msg);
		} else {
			assert_int_equal(rc, 0);
		}
		hotline__policy_free(p);
		p = NULL;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_names),
		cmocka_unit_test(test_builtin_matches_files),
		cmocka_unit_test(test_builtin_unknown),
		cmocka_unit_test(test_gm_hotline_table),
		cmocka_unit_test(test_other_policies),
		cmocka_unit_test(test_minimal_and_zone),
		cmocka_unit_test(test_finding_kinds_and_stage_close),
		cmocka_unit_test(test_error_negative_amount),
		cmocka_unit_test(test_error_unknown_key),
		cmocka_unit_test(test_error_unknown_event),
		cmocka_unit_test(test_error_enum),
		cmocka_unit_test(test_error_types),
		cmocka_unit_test(test_error_syntax),
		cmocka_unit_test(test_error_missing_and_values),
		cmocka_unit_test(test_scope_follows_lifecycle_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
