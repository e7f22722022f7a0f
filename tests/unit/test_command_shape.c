/*
 * The members every command may carry (command_id, actor, case, at,
 * expect_version) are read once, as the shape check passes over the
 * command: each wrong one is refused with its code and message, a null one
 * is absent, and a refusal changes nothing.
 */
#include "core_fixture.h"

#define REG "{\"cmd\":\"register\",\"case\":\"S1\",\"at\":\"2026-11-02T09:00:00+08:00\",\"actor\":\"zhang\"," \
	"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"13800000000\",\"matter\":\"m\"," \
	"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"

static int64_t version_of(hotline_db *db, const char *id)
{
	hotline_case *c;
	int64_t v;
	assert_int_equal(hotline_db_case(&c, db, id), 0);
	v = hotline_case_version(c);
	hotline_case_free(c);
	return v;
}

static void refused(hotline_db *db, const char *cmd, const char *msg)
{
	int64_t before = version_of(db, "S1");
	assert_int_equal(hotline_db_exec_json(db, cmd, NULL, NULL), HOTLINE_EINVALID);
	assert_string_equal(hotline_db_errmsg(db), msg);
	assert_int_equal(version_of(db, "S1"), before);
}

static void test_common_members(void **state)
{
	hotline_db *db;
	(void)state;
	assert_int_equal(fixture_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, REG, NULL, NULL), 0);

	refused(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\","
		"\"command_id\":7}", "dispatch: field 'command_id' must be a string");
	refused(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":1}",
		"dispatch: field 'actor' must be a person's id (a string)");
	refused(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-11-02T09:10:00+08:00\"}",
		"dispatch: missing field 'actor'");
	refused(db, "{\"cmd\":\"dispatch\",\"case\":[\"S1\"],\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\"}",
		"dispatch: field 'case' must be a string");
	refused(db, "{\"cmd\":\"dispatch\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\"}",
		"dispatch: missing field 'case'");
	refused(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"actor\":\"zhang\"}",
		"dispatch: missing field 'at' (ISO-8601 instant with an offset)");
	refused(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":null,\"actor\":\"zhang\"}",
		"dispatch: missing field 'at' (ISO-8601 instant with an offset)");
	refused(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-11-02 09:10\",\"actor\":\"zhang\"}",
		"dispatch: field 'at' is not an ISO-8601 instant with an offset: '2026-11-02 09:10'");
	refused(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\","
		"\"expect_version\":-1}", "dispatch: field 'expect_version' must be a non-negative integer");
	refused(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\","
		"\"expect_version\":\"1\"}", "dispatch: field 'expect_version' must be a non-negative integer");
	/* a directory line: its `at` is optional, `case` and `expect_version` are not its members */
	refused(db, "{\"cmd\":\"person\",\"id\":\"p9\",\"name\":\"n\",\"roles\":[\"hotline_specialist\"],\"at\":5}",
		"person: field 'at' is not an ISO-8601 instant with an offset");
	refused(db, "{\"cmd\":\"person\",\"id\":\"p9\",\"name\":\"n\",\"roles\":[\"hotline_specialist\"],\"case\":\"S1\"}",
		"person: unknown field 'case'");
	refused(db, "{\"cmd\":\"person\",\"id\":\"p9\",\"name\":\"n\",\"roles\":[\"hotline_specialist\"],"
		"\"expect_version\":1}", "person: unknown field 'expect_version'");

	/* null members are absent; the right ones are taken */
	assert_int_equal(hotline_db_exec_json(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-11-02T09:10:00+08:00\","
		"\"actor\":\"zhang\",\"command_id\":null,\"expect_version\":1}", NULL, NULL), 0);
	assert_int_equal(version_of(db, "S1"), 2);
	assert_int_equal(hotline_db_exec_json(db, "{\"cmd\":\"reply\",\"case\":\"S1\",\"at\":\"2026-11-02T09:20:00+08:00\","
		"\"actor\":\"zhang\",\"text\":\"t\",\"expect_version\":1}", NULL, NULL), HOTLINE_ECONFLICT);
	assert_int_equal(version_of(db, "S1"), 2);
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_common_members),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
