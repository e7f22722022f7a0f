/*
 * Policies as data: the loader's errors name the JSON path, and the
 * compiled-in gm-hotline policy holds exactly DESIGN §3.1's table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/policy.h"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;
	char *buf;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* DESIGN §3.1: rule, article, clock, due seconds, per, amount (fen). */
static const struct {
	const char *id;
	int article, kind, clock;
	int64_t due_seconds;
	int per;
	int64_t amount;
} table[] = {
	{ "R12", 12, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R13", 13, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_DUTY_HOURS, 3600, HOTLINE__PER_ONCE, 500 },
	{ "R14a", 14, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 2 * 3600, HOTLINE__PER_ONCE, 500 },
	{ "R14b", 14, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 24 * 3600, HOTLINE__PER_DAY, 300 },
	{ "R14c", 14, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 1500 },
	{ "R14d", 14, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R14e", 14, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 24 * 3600, HOTLINE__PER_DAY, 300 },
	{ "R14f", 14, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 24 * 3600, HOTLINE__PER_DAY, 300 },
	{ "R15a", 15, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 24 * 3600, HOTLINE__PER_ONCE, 500 },
	{ "R15b", 15, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R15c", 15, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 24 * 3600, HOTLINE__PER_ONCE, 500 },
	{ "R15d", 15, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R16", 16, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 72 * 3600, HOTLINE__PER_ONCE, 500 },
	{ "R17", 17, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 7 * 24 * 3600, HOTLINE__PER_DAY, 300 },
	{ "R8a", 8, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R8b", 8, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R9", 9, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R7", 7, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R4", 4, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R10a", 10, HOTLINE__RULE_PERIODIC, -1, 0, HOTLINE__PER_ONCE, 500 },
	{ "R10b", 10, HOTLINE__RULE_OCCURRENCE, -1, 0, HOTLINE__PER_EACH, 500 },
	{ "R11", 11, HOTLINE__RULE_DEADLINE, HOTLINE__POLICY_CLOCK_CALENDAR, 72 * 3600, HOTLINE__PER_DAY, 300 },
	{ "R20a", 20, HOTLINE__RULE_RATE, -1, 0, HOTLINE__PER_POINT, 300 },
	{ "R20b", 20, HOTLINE__RULE_RATE, -1, 0, HOTLINE__PER_POINT, 300 },
	{ "R21", 21, HOTLINE__RULE_PERIODIC, -1, 0, HOTLINE__PER_ONCE, 500 },
	{ "R22", 22, HOTLINE__RULE_CAP, -1, 0, -1, -1 },
};

static void test_gm_hotline_table(void **state)
{
	hotline__policy *p;
	hotline__err err;
	size_t i, j;
	(void)state;
	assert_int_equal(hotline__policy_builtin(&p, "gm-hotline", &err), 0);
	assert_int_equal(p->zone_offset, 480);
	assert_int_equal(p->period_day, 27);
	assert_int_equal(p->n_rules, sizeof(table) / sizeof(table[0]));
	for (i = 0; i < p->n_rules; i++) {
		const hotline__rule *r = &p->rules[i];
		for (j = 0; j < p->n_rules && strcmp(table[j].id, r->id); j++)
			;
		if (j == p->n_rules)
			fail_msg("unexpected rule %s", r->id);
		assert_int_equal(r->article, table[j].article);
		assert_int_equal(r->kind, table[j].kind);
		if (table[j].clock >= 0) {
			assert_int_equal(r->clock, table[j].clock);
			assert_int_equal(r->due_seconds, table[j].due_seconds);
		}
		if (table[j].per >= 0) {
			int64_t amount = r->amount_fen;
			/* an amount may sit on the liable entries instead of the rule */
			if (!amount && r->n_liable)
				amount = r->liable[0].amount_fen;
			if (r->per != table[j].per || amount != table[j].amount)
				fail_msg("%s: per %d amount %lld, expected per %d amount %lld", r->id, r->per,
					(long long)amount, table[j].per, (long long)table[j].amount);
		}
		if (r->kind == HOTLINE__RULE_RATE)
			assert_int_equal(r->threshold_percent, strcmp(r->id, "R20a") == 0 ? 80 : 98);
	}
	assert_true(p->cap_by_bonus);
	assert_string_equal(hotline__policy_name(p), "gm-hotline");
	hotline__policy_free(p);
}

static void test_builtins_load(void **state)
{
	static const char *const names[] = { "gm-hotline", "service-standard", "sales-office" };
	hotline__policy *p;
	hotline__err err;
	size_t i;
	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(hotline__policy_builtin(&p, names[i], &err), 0);
		assert_string_equal(hotline__policy_name(p), names[i]);
		hotline__policy_free(p);
	}
	assert_int_equal(hotline__policy_builtin(&p, "nope", &err), HOTLINE_EPOLICY);
	assert_non_null(strstr(err.msg, "unknown policy 'nope'"));
}

/* The shipped files are what is compiled in. */
static void test_files_match_builtin(void **state)
{
	char *text = read_file(HOTLINE_SOURCE_DIR "/policies/gm-hotline.json");
	hotline__policy *p;
	hotline__err err;
	(void)state;
	assert_non_null(text);
	assert_int_equal(hotline__policy_load(&p, text, strlen(text), &err), 0);
	assert_int_equal(p->n_rules, 26);
	hotline__policy_free(p);
	free(text);
}

static void expect_error(const char *doc, const char *msg)
{
	hotline__policy *p = NULL;
	hotline__err err;
	assert_int_equal(hotline__policy_load(&p, doc, strlen(doc), &err), HOTLINE_EPOLICY);
	assert_null(p);
	if (!strstr(err.msg, msg))
		fail_msg("message '%s' lacks '%s'", err.msg, msg);
}

static void test_loader_errors(void **state)
{
	(void)state;
	expect_error("{\"name\":\"x\"", "syntax error");
	expect_error("[]", "expected");
	/* one rule of each error class, on an otherwise valid minimal policy */
#define HEAD "{\"format\":1,\"name\":\"t\",\"title\":{\"zh\":\"t\",\"en\":\"t\"},\"rules\":["
#define TITLE "\"title\":{\"zh\":\"t\",\"en\":\"t\"}"
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"occurrence\"," TITLE ",\"on\":[{\"cmd\":\"reply\"}],"
		"\"cost\":{\"per\":\"each\",\"amount_fen\":-5},\"liable\":[{\"role\":\"property_manager\"}]}]}",
		"rules[0].cost.amount_fen: negative amount -5");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"occurrence\"," TITLE ",\"on\":[{\"cmd\":\"reply\"}],"
		"\"cost\":{\"per\":\"each\",\"amount_fen\":5},\"liable\":[{\"role\":\"property_manager\"}],\"dew\":1}]}",
		"rules[0]: unknown key \"dew\"");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"deadline\"," TITLE ",\"starts_at\":{\"cmd\":\"dispach\"}}]}",
		"rules[0].starts_at.cmd: unknown event \"dispach\"");
	expect_error(HEAD "{\"id\":\"A\",\"article\":\"1\",\"kind\":\"occurrence\"," TITLE ",\"on\":[{\"cmd\":\"reply\"}],"
		"\"cost\":{\"per\":\"each\",\"amount_fen\":5},\"liable\":[{\"role\":\"property_manager\"}]}]}",
		"rules[0].article: expected integer");
	expect_error(HEAD "{\"id\":\"A\",\"article\":1,\"kind\":\"sometimes\"," TITLE "}]}", "rules[0].kind");
	expect_error(HEAD "{\"id\":\"A\"}]}", "rules[0]: missing key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gm_hotline_table),
		cmocka_unit_test(test_builtins_load),
		cmocka_unit_test(test_files_match_builtin),
		cmocka_unit_test(test_loader_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
