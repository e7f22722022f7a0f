/*
 * DESIGN §6.3 limits on ids and bonus months: an id shows what it holds
 * (no control, invisible format, direction or private-use character, no
 * space but U+0020 and none at either end); a bonus month lies within the
 * instants' years. Each refusal is `invalid`, names the field, and changes
 * nothing.
 */
#include <stdlib.h>

#include "core_fixture.h"
#include <jansson.h>

static hotline_db *open_memory(void)
{
	hotline_db *db;
	assert_int_equal(hotline_db_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	return db;
}

static char *directory_text(hotline_db *db)
{
	char *text;
	assert_int_equal(hotline_db_directory(&text, db, HOTLINE_TIME_NONE), 0);
	return text;
}

/* Ids a person could not tell apart from another, or not see at all (as JSON string contents). */
static const struct {
	const char *json;
	const char *code_point;   /* named in the message, or NULL */
} bad_ids[] = {
	{ "\\u202eC1", "U+202E" },        /* right-to-left override */
	{ "C\\u200b1", "U+200B" },        /* zero width space */
	{ "C1\\u200d", "U+200D" },        /* zero width joiner */
	{ "\\u200fC1", "U+200F" },        /* right-to-left mark */
	{ "C\\u2066x\\u2069", "U+2066" }, /* isolates */
	{ "C\\u2060", "U+2060" },         /* word joiner */
	{ "\\ufeffC1", "U+FEFF" },        /* byte order mark */
	{ "C\\u00ad1", "U+00AD" },        /* soft hyphen */
	{ "C\\u061c1", "U+061C" },        /* Arabic letter mark */
	{ "C\\u180e1", "U+180E" },        /* Mongolian vowel separator */
	{ "C\\udb40\\udc41", "U+E0041" }, /* a tag character */
	{ "C\\u0001", "U+0001" },         /* controls, C0 and C1 */
	{ "C\\u0085", "U+0085" },
	{ "C\\u007f", "U+007F" },
	{ " C1", NULL },                  /* spaces at the edges */
	{ "C1 ", NULL },
	{ "   ", NULL },
	{ "\\u00a0C1", "U+00A0" },        /* other spaces, anywhere */
	{ "C1\\u3000", "U+3000" },
	{ "C\\u30001", "U+3000" },
	{ "C\\u20281", "U+2028" },
	{ "\\u3164", "U+3164" },          /* Hangul filler */
	{ "C\\ue000", "U+E000" },         /* private use */
	{ "C\\udb80\\udc00", "U+F0000" },
	{ "C\\uffff", "U+FFFF" },         /* noncharacters */
	{ "C\\ufdd0", "U+FDD0" },
};

/* Every id field of every kind of command, refused as invalid naming it, with nothing changed. */
static void test_invisible_ids_refused(void **state)
{
	hotline_db *db = open_memory();
	size_t i, k;
	(void)state;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C0\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}"), 0);
	for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		const char *id = bad_ids[i].json;
		char *before = directory_text(db), *after;
		size_t org = event_count(db, ""), c0 = event_count(db, "C0");
		struct {
			const char *field;
			char json[1024];
		} cmds[9];
		snprintf(cmds[0].json, sizeof(cmds[0].json), "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"2026-11-02T10:00:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", id);
		cmds[0].field = "case";
		snprintf(cmds[1].json, sizeof(cmds[1].json), "{\"cmd\":\"dispatch\",\"case\":\"C0\",\"at\":\"2026-11-02T10:00:00+08:00\","
			"\"actor\":\"%s\"}", id);
		cmds[1].field = "actor";
		snprintf(cmds[2].json, sizeof(cmds[2].json), "{\"cmd\":\"dispatch\",\"case\":\"C0\",\"at\":\"2026-11-02T10:00:00+08:00\","
			"\"actor\":\"zhang\",\"command_id\":\"%s\"}", id);
		cmds[2].field = "command_id";
		snprintf(cmds[3].json, sizeof(cmds[3].json), "{\"cmd\":\"person\",\"id\":\"%s\",\"name\":\"n\",\"roles\":[]}", id);
		cmds[3].field = "id";
		snprintf(cmds[4].json, sizeof(cmds[4].json), "{\"cmd\":\"property\",\"id\":\"%s\",\"name\":\"n\",\"manager\":\"li\"}", id);
		cmds[4].field = "id";
		snprintf(cmds[5].json, sizeof(cmds[5].json), "{\"cmd\":\"register\",\"case\":\"C9\",\"at\":\"2026-11-02T10:00:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"%s\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", id);
		cmds[5].field = "property";
		snprintf(cmds[6].json, sizeof(cmds[6].json), "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"%s\","
			"\"rings\":1,\"answered\":true}", id);
		cmds[6].field = "agent";
		snprintf(cmds[7].json, sizeof(cmds[7].json), "{\"cmd\":\"quarterly_meeting\",\"at\":\"2026-11-02T10:00:00+08:00\","
			"\"actor\":\"qa\",\"absent\":[\"li\",\"%s\"]}", id);
		cmds[7].field = "absent";
		snprintf(cmds[8].json, sizeof(cmds[8].json), "{\"cmd\":\"bonus\",\"person\":\"%s\",\"month\":\"2026-12\",\"amount_fen\":1}",
			id);
		cmds[8].field = "person";
		for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
			char named[64];
			int rc = hotline_db_exec_json(db, cmds[k].json, NULL, NULL);
			snprintf(named, sizeof(named), "field '%s'", cmds[k].field);
			if (rc != HOTLINE_EINVALID || !strstr(hotline_db_errmsg(db), named) ||
			    (bad_ids[i].code_point && !strstr(hotline_db_errmsg(db), bad_ids[i].code_point)))
				fail_msg("%s: %d %s", cmds[k].json, rc, hotline_db_errmsg(db));
		}
		after = directory_text(db);
		assert_string_equal(before, after);
		assert_int_equal(event_count(db, ""), org);
		assert_int_equal(event_count(db, "C0"), c0);
		assert_int_equal(case_state(db, "C9", NULL, NULL), -1);
		hotline_free(before);
		hotline_free(after);
	}
	hotline_db_close(db);
}

/* What stays an id: Chinese, accents, combining marks, emoji, inner ASCII spaces, 128 bytes. */
static void test_visible_ids_accepted(void **state)
{
	hotline_db *db = open_memory();
	static const char *const good[] = {
		"张三", "翠苑 二期", "Zoë", "e\\u0301", "楼\\ud83d\\ude00", "P 1 a", "a-b_c.d/e:f#1",
		"x\\u20ac", "\\u00e9t\\u00e9",
		"01234567890123456789012345678901234567890123456789012345678901234567890123456789"
		"012345678901234567890123456789012345678901234567",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"%s\",\"name\":\"n\",\"roles\":[\"hotline_specialist\"]}", good[i]) != 0)
			fail_msg("%s refused: %s", good[i], hotline_db_errmsg(db));
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"2026-11 R 001\",\"at\":\"2026-11-02T09:05:00+08:00\","
		"\"actor\":\"张三\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\","
		"\"call_taker\":\"张三\",\"order_taker\":\"li\",\"command_id\":\"req 7 of 张三\"}"), 0);
	hotline_db_close(db);
}

/* A bonus month within the instants' limits [2000-01, 2099-12]. */
static void test_bonus_month_limits(void **state)
{
	hotline_db *db = open_memory();
	static const char *const bad[] = { "0000-01", "1999-12", "2100-01", "9999-12" };
	size_t i;
	char *before;
	(void)state;
	before = directory_text(db);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"%s\",\"amount_fen\":100}", bad[i]);
		if (rc != HOTLINE_EINVALID || !strstr(hotline_db_errmsg(db), "field 'month'"))
			fail_msg("month %s: %d %s", bad[i], rc, hotline_db_errmsg(db));
	}
	{
		char *after = directory_text(db);
		assert_string_equal(before, after);
		hotline_free(after);
	}
	hotline_free(before);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2000-01\",\"amount_fen\":100}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2099-12\",\"amount_fen\":100}"), 0);
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invisible_ids_refused),
		cmocka_unit_test(test_visible_ids_accepted),
		cmocka_unit_test(test_bonus_month_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
