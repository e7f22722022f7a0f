/*
 * Contracts of the public API and of the command path's tables that a
 * review found broken or unpinned: the time text's exact size, the bonus
 * month's form, bonus keys of any length, approval names, verify-log over
 * ids in any order, the guard table and the effect column.
 */
#include <pthread.h>
#include <stdlib.h>

#include "core_fixture.h"
#include <hotline/sys/storage.h>
#include "core/guards.h"
#include "model/lifecycle.h"

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

/* The text of an instant is exactly HOTLINE_TIME_TEXT_SIZE bytes; years past 9999 are refused, not overflowed. */
static void test_time_format_size(void **state)
{
	char buf[HOTLINE_TIME_TEXT_SIZE + 8];
	hotline_time t;
	(void)state;
	assert_int_equal(HOTLINE_TIME_TEXT_SIZE, 26);
	assert_int_equal(hotline_time_parse(&t, "2026-11-02T09:05:00+08:00"), 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hotline_time_format(buf, HOTLINE_TIME_TEXT_SIZE, t, 480), 0);
	assert_string_equal(buf, "2026-11-02T09:05:00+08:00");
	assert_int_equal(buf[HOTLINE_TIME_TEXT_SIZE], 'x');
	assert_int_equal(hotline_time_format(buf, HOTLINE_TIME_TEXT_SIZE - 1, t, 480), HOTLINE_EINVALID);
	assert_int_equal(hotline_time_parse(&t, "9999-12-31T23:59:59Z"), 0);
	assert_int_equal(hotline_time_format(buf, HOTLINE_TIME_TEXT_SIZE, t, 0), 0);
	assert_string_equal(buf, "9999-12-31T23:59:59+00:00");
	/* one second later, or the same instant east of Greenwich, is year 10000 */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(hotline_time_format(buf, HOTLINE_TIME_TEXT_SIZE, t + 1, 0), HOTLINE_ERANGE);
	assert_int_equal(hotline_time_format(buf, HOTLINE_TIME_TEXT_SIZE, t, 60), HOTLINE_ERANGE);
	assert_int_equal(buf[0], 'x');
	assert_non_null(strstr(hotline_last_error(), "9999"));
	assert_int_equal(hotline_time_format(buf, HOTLINE_TIME_TEXT_SIZE, (hotline_time)1 << 60, 0), HOTLINE_ERANGE);
	assert_int_equal(hotline_time_format(buf, HOTLINE_TIME_TEXT_SIZE, -((hotline_time)1 << 60), 0), HOTLINE_ERANGE);
	assert_int_equal(hotline_time_format(NULL, 64, 0, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_time_format(buf, sizeof(buf), 0, 24 * 60), HOTLINE_EINVALID);
}

/* Art. 22's month is exactly YYYY-MM: anything else would silently never cap. */
static void test_bonus_month_form(void **state)
{
	static const char *const bad[] = { "+026-11", "2026- 1", "2026-1", "2026-13", "2026-00", "2026/11",
		"2026-11 ", " 2026-11", "20261-1", "2026-1a", "２026-11", NULL };
	hotline_db *db = *state;
	const char *const *m;
	for (m = bad; *m; m++) {
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"%s\",\"amount_fen\":1}", *m),
			HOTLINE_EINVALID);
		assert_non_null(strstr(hotline_db_errmsg(db), "month"));
	}
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2026-12\",\"amount_fen\":1}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2026-12\",\"amount_fen\":2}"),
		HOTLINE_EDUPLICATE);
}

/* Two ids of the longest allowed length that differ only at the end are two bonus records, in both backends. */
static void test_long_bonus_keys(void **state)
{
	static const char *const uris[] = { "memory:", "sqlite::memory:" };
	char a[130], b[129];
	size_t i;
	(void)state;
	memset(a, 'p', 129);
	memcpy(b, a, 128);
	a[128] = b[128] = '\0';
	a[127] = 'a';
	b[127] = 'b';
	for (i = 0; i < 2; i++) {
		hotline_db *db;
		assert_int_equal(fixture_open(&db, uris[i], NULL), 0);
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"%s\",\"name\":\"A\",\"roles\":[\"property_manager\"]}", a), 0);
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"%s\",\"name\":\"B\",\"roles\":[\"property_manager\"]}", b), 0);
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"%s\",\"month\":\"2026-11\",\"amount_fen\":100}", a), 0);
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"%s\",\"month\":\"2026-11\",\"amount_fen\":200}", b), 0);
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"%s\",\"month\":\"2026-11\",\"amount_fen\":300}", b),
			HOTLINE_EDUPLICATE);
		/* one byte more is beyond the id limit */
		a[128] = 'p';
		a[129] = '\0';
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"person\",\"id\":\"%s\",\"name\":\"C\",\"roles\":[\"property_manager\"]}", a),
			HOTLINE_EINVALID);
		assert_non_null(strstr(hotline_db_errmsg(db), "'id' is longer than 128 bytes"));
		a[128] = '\0';
		hotline_db_close(db);
	}
}

static void test_approval_names(void **state)
{
	int a = -1, i;
	(void)state;
	for (i = 0; i <= HOTLINE_APPROVAL_APPROVED; i++) {
		assert_int_equal(hotline_approval_from_name(&a, hotline_approval_name(i)), 0);
		assert_int_equal(a, i);
	}
	a = 7;
	assert_int_equal(hotline_approval_from_name(&a, "accepted"), HOTLINE_EINVALID);
	assert_int_equal(a, 7);
	assert_non_null(strstr(hotline_last_error(), "accepted"));
	assert_int_equal(hotline_approval_from_name(&a, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_approval_from_name(NULL, "none"), HOTLINE_EINVALID);
}

/* verify-log over many cases whose ids arrive in no order (as UUIDs do), with one tampered-free run. */
static void test_verify_unsorted_ids(void **state)
{
	hotline_db *db = *state;
	int64_t checked = 0;
	unsigned x = 12345;
	int i;
	assert_int_equal(hotline_db_begin(db), 0);
	for (i = 0; i < 3000; i++) {
		x = x * 1103515245u + 12345u;
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%08x-%d\",\"at\":\"2026-11-02T09:05:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", x, i), 0);
	}
	assert_int_equal(hotline_db_commit(db), 0);
	assert_int_equal(hotline_db_verify_log(db, NULL, &checked), 0);
	assert_int_equal(checked, 3000 + 11);
}

/* Every guard belongs to a command of the table and cites where it comes from. */
static void test_guard_table(void **state)
{
	size_t i, j;
	(void)state;
	assert_true(hotline__n_guards >= 5);
	for (i = 0; i < hotline__n_guards; i++) {
		assert_non_null(hotline__transition_of(hotline__guards[i].cmd));
		assert_non_null(hotline__guards[i].check);
		assert_true(strlen(hotline__guards[i].article) > 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(hotline__guards[i].cmd, hotline__guards[j].cmd);
	}
}

/* The request states are those the table's request rows lead to; effects are where DESIGN puts them. */
static void test_table_derivations(void **state)
{
	int s;
	(void)state;
	for (s = 0; s < HOTLINE_STATE_COUNT; s++)
		assert_int_equal(hotline__state_is_request(s), s == HOTLINE_STATE_ESCALATED ||
			s == HOTLINE_STATE_STAGE_CLOSED || s == HOTLINE_STATE_MALICIOUS_EXEMPT);
	assert_int_equal(hotline__transition_of(HOTLINE_CMD_REGISTER)->effect, HOTLINE__EFFECT_OPEN_LEDGER);
	assert_int_equal(hotline__transition_of(HOTLINE_CMD_DISPATCH)->effect, HOTLINE__EFFECT_DISPATCHED_AT);
	assert_int_equal(hotline__transition_of(HOTLINE_CMD_CORRECT_RECORD)->effect, HOTLINE__EFFECT_MERGE_LEDGER);
	assert_int_equal(hotline__transition_of(HOTLINE_CMD_CLOSE)->effect, HOTLINE__EFFECT_NONE);
	assert_non_null(hotline__field_of(HOTLINE_CMD_REGISTER, "phone"));
	assert_null(hotline__field_of(HOTLINE_CMD_REGISTER, "phones"));
}

/* A correct_record merges its values into the ledger; a dispatch records its instant (the effect column at work). */
static void test_effects_in_snapshot(void **state)
{
	hotline_db *db = *state;
	hotline_case *c;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"E1\",\"at\":\"2026-11-02T09:05:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"correct_record\",\"case\":\"E1\",\"at\":\"2026-11-02T09:06:00+08:00\","
		"\"actor\":\"zhang\",\"fields\":[\"room\"],\"values\":{\"room\":\"3-201\"}}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"E1\",\"at\":\"2026-11-02T09:20:00+08:00\","
		"\"actor\":\"zhang\"}"), 0);
	assert_int_equal(hotline_db_case(&c, db, "E1"), 0);
	assert_string_equal(hotline_case_field(c, "room"), "3-201");
	assert_string_equal(hotline_case_field(c, "kind"), "complaint");
	assert_non_null(strstr(hotline_case_json(c), "\"dispatched_at\":\"2026-11-02T09:20:00+08:00\""));
	hotline_case_free(c);
}

/* Walks every case, every due case and a long history in pages, on a backend of each storage version. */
static void check_paging(hotline_db *db)
{
	hotline_case_list *all, *page;
	hotline_event_list *hist, *ep;
	char after[64] = "";
	hotline_time due = HOTLINE_TIME_NONE, before;
	hotline_case_query q = HOTLINE_CASE_QUERY_INIT;
	size_t seen = 0, i;
	int64_t version = 0;
	int k;
	fixture_load(db);
	for (k = 0; k < 50; k++) {
		/* registered at different hours, so their next due instants differ; ids in no order */
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"K%02d\",\"at\":\"2026-11-02T%02d:05:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", (k * 37) % 50, 8 + k % 10), 0);
	}
	for (k = 0; k < 20; k++)
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"correct_record\",\"case\":\"K00\",\"at\":\"2026-11-02T20:%02d:00+08:00\","
			"\"actor\":\"zhang\",\"fields\":[\"room\"]}", k), 0);
	assert_int_equal(hotline_db_cases(&all, db, NULL), 0);
	assert_int_equal(hotline_case_list_count(all), 50);
	q.limit = 7;
	do {
		assert_int_equal(hotline_db_cases_after(&page, db, &q, seen ? after : NULL), 0);
		for (i = 0; i < hotline_case_list_count(page); i++, seen++)
			assert_string_equal(hotline_case_id(hotline_case_list_get(page, i)),
				hotline_case_id(hotline_case_list_get(all, seen)));
		if (hotline_case_list_count(page))
			snprintf(after, sizeof(after), "%s", hotline_case_id(hotline_case_list_get(page, hotline_case_list_count(page) - 1)));
		k = (int)hotline_case_list_count(page);
		hotline_case_list_free(page);
	} while (k == 7);
	assert_int_equal(seen, 50);
	hotline_case_list_free(all);

	assert_int_equal(hotline_time_parse(&before, "2026-12-31T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_sweep(&all, db, before, 0), 0);
	assert_int_equal(hotline_case_list_count(all), 50);
	seen = 0;
	do {
		assert_int_equal(hotline_db_sweep_after(&page, db, before, due, seen ? after : NULL, 6), 0);
		for (i = 0; i < hotline_case_list_count(page); i++, seen++)
			assert_string_equal(hotline_case_id(hotline_case_list_get(page, i)),
				hotline_case_id(hotline_case_list_get(all, seen)));
		if (hotline_case_list_count(page)) {
			const hotline_case *last = hotline_case_list_get(page, hotline_case_list_count(page) - 1);
			snprintf(after, sizeof(after), "%s", hotline_case_id(last));
			due = hotline_case_next_due(last);
		}
		k = (int)hotline_case_list_count(page);
		hotline_case_list_free(page);
	} while (k == 6);
	assert_int_equal(seen, 50);
	hotline_case_list_free(all);
	assert_int_equal(hotline_db_sweep_after(&page, db, before, HOTLINE_TIME_NONE, "K01", 6), HOTLINE_EINVALID);

	assert_int_equal(hotline_db_history(&hist, db, "K00"), 0);
	assert_int_equal(hotline_event_list_count(hist), 21);
	seen = 0;
	do {
		assert_int_equal(hotline_db_history_after(&ep, db, "K00", version, 4), 0);
		for (i = 0; i < hotline_event_list_count(ep); i++, seen++)
			assert_string_equal(hotline_event_hash(hotline_event_list_get(ep, i)),
				hotline_event_hash(hotline_event_list_get(hist, seen)));
		if (hotline_event_list_count(ep))
			version = hotline_event_version(hotline_event_list_get(ep, hotline_event_list_count(ep) - 1));
		k = (int)hotline_event_list_count(ep);
		hotline_event_list_free(ep);
	} while (k == 4);
	assert_int_equal(seen, 21);
	hotline_event_list_free(hist);
	assert_int_equal(hotline_db_history_after(&ep, db, "K00", -1, 4), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_history_after(&ep, db, "nope", 0, 4), HOTLINE_ENOT_FOUND);
}

static void test_paging(void **state)
{
	static const char *const uris[] = { "memory:", "sqlite::memory:" };
	size_t i;
	(void)state;
	for (i = 0; i < 2; i++) {
		hotline_db *db;
		assert_int_equal(fixture_open(&db, uris[i], NULL), 0);
		check_paging(db);
		hotline_db_close(db);
	}
}

/* A backend without keyset paging, events_after or the keys group: the library skips and counts itself. */
static void test_paging_plain_backend(void **state)
{
	hotline_storage *st;
	hotline_db *db;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	(void)state;
	assert_int_equal(hotline_storage_memory_new(&st), 0);
	st->capabilities &= ~(unsigned)HOTLINE_STORAGE_CAP_KEYSET;
	st->events_after = NULL;
	st->keys = NULL;
	/* a backend without the keys group keeps no data keys: it serves unencrypted databases only */
	o.flags = HOTLINE_DB_UNENCRYPTED;
	assert_int_equal(hotline_db_open_storage(&db, st, &o), 0);
	check_paging(db);
	hotline_db_close(db);
}

/* A policy's finding kinds and stage-closure threshold are what the command path checks. */
static void test_policy_settings_reach_commands(void **state)
{
	char path[512], *text;
	FILE *in, *out;
	long n;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db;
	(void)state;
	snprintf(path, sizeof(path), "%s/policy-settings.json", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(in = fopen(HOTLINE_SOURCE_DIR "/policies/service-standard.json", "rb"));
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	fseek(in, 0, SEEK_SET);
	assert_non_null(text = calloc(1, (size_t)n + 1));
	assert_int_equal(fread(text, 1, (size_t)n, in), (size_t)n);
	fclose(in);
	/* the same policy, with its own kinds and a 10-day threshold */
	assert_non_null(out = fopen(path, "wb"));
	fprintf(out, "{\"finding_kinds\":[\"noise_at_night\",\"line_private_use\"],"
		"\"finding_kinds_needing_person\":[\"noise_at_night\"],\"stage_close_min_days\":10,%s", strchr(text, '{') + 1);
	fclose(out);
	free(text);
	o.policy = path;
	assert_int_equal(hotline_db_open(&db, "memory:", &o), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"qa\","
		"\"kind\":\"falsified_form\"}"), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(db), "noise_at_night"));
	/* the policy, not the library, says which findings must name their person */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"qa\","
		"\"kind\":\"noise_at_night\"}"), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(db), "needs the 'person'"));
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"qa\","
		"\"kind\":\"noise_at_night\",\"person\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"record_finding\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"qa\","
		"\"kind\":\"line_private_use\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"S1\",\"at\":\"2026-11-02T09:05:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"S1\",\"at\":\"2026-11-02T10:00:00+08:00\","
		"\"actor\":\"zhang\"}"), 0);
	/* exactly 10 days is not more than 10; 10 days and a second is */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"request_stage_close\",\"case\":\"S1\",\"at\":\"2026-11-02T11:00:00+08:00\","
		"\"actor\":\"li\",\"measures\":\"m\",\"agreed_repair_at\":\"2026-11-03T10:00:00+08:00\","
		"\"expected_completion_at\":\"2026-11-12T10:00:00+08:00\"}"), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(db), "more than 10 days"));
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"request_stage_close\",\"case\":\"S1\",\"at\":\"2026-11-02T11:00:00+08:00\","
		"\"actor\":\"li\",\"measures\":\"m\",\"agreed_repair_at\":\"2026-11-03T10:00:00+08:00\","
		"\"expected_completion_at\":\"2026-11-12T10:00:01+08:00\"}"), 0);
	hotline_db_close(db);
	remove(path);
}

#define REG(extra) "{\"cmd\":\"register\",\"case\":\"L1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\"," \
	"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\"," \
	"\"order_taker\":\"li\"" extra "}"

/* Refused as invalid, naming the field; and nothing was stored. */
static void expect_invalid(hotline_db *db, const char *json, const char *field)
{
	hotline_event_list *l;
	size_t before, after;
	assert_int_equal(hotline_db_history(&l, db, NULL), 0);
	before = hotline_event_list_count(l);
	hotline_event_list_free(l);
	assert_int_equal(hotline_db_exec_json(db, json, NULL, NULL), HOTLINE_EINVALID);
	if (!strstr(hotline_db_errmsg(db), field))
		fail_msg("'%s' not named in: %s", field, hotline_db_errmsg(db));
	assert_int_equal(hotline_db_history(&l, db, NULL), 0);
	after = hotline_event_list_count(l);
	hotline_event_list_free(l);
	assert_int_equal(before, after);
}

/* DESIGN §5: an undefined field is invalid; decide_measures needs measures; property and call_taker never change. */
static void test_field_rules(void **state)
{
	hotline_db *db = *state;
	expect_invalid(db, REG(",\"colour\":\"red\""), "'colour'");
	assert_int_equal(hotline_db_exec_json(db, REG(""), NULL, NULL), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"L1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	expect_invalid(db, "{\"cmd\":\"decide_measures\",\"case\":\"L1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"li\"}",
		"'measures'");
	expect_invalid(db, "{\"cmd\":\"correct_record\",\"case\":\"L1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
		"\"fields\":[\"property\"]}", "'property'");
	expect_invalid(db, "{\"cmd\":\"correct_record\",\"case\":\"L1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
		"\"fields\":[\"call_taker\"]}", "'call_taker'");
	/* null means absent: an optional field, and a common one */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"property\",\"id\":\"P9\",\"name\":\"n\",\"manager\":\"li\","
		"\"quality_supervisor\":null,\"department_heads\":null}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"L1\",\"at\":\"2026-11-02T10:00:00+08:00\","
		"\"actor\":\"li\",\"measures\":\"m\",\"department_head\":null,\"expect_version\":null}"), 0);
	expect_invalid(db, "{\"cmd\":\"decide_measures\",\"case\":\"L1\",\"at\":\"2026-11-02T10:00:00+08:00\","
		"\"actor\":\"li\",\"measures\":null}", "'measures'");
	/* a call needs no role and no actor; a given actor must exist */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"zhang\",\"rings\":4,"
		"\"answered\":true}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:01:00+08:00\",\"agent\":\"zhang\",\"rings\":1,"
		"\"answered\":true,\"actor\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:02:00+08:00\",\"agent\":\"zhang\",\"rings\":1,"
		"\"answered\":true,\"actor\":\"nobody\"}"), HOTLINE_ENOT_FOUND);
	expect_invalid(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:02:00+08:00\",\"rings\":1,\"answered\":true}", "'agent'");
}

/* DESIGN §6.3: each limit, refused as invalid naming the field; the value at the limit passes. */
static void test_limits(void **state)
{
	hotline_db *db = *state;
	char *big;
	size_t n;
	expect_invalid(db, "{\"cmd\":\"person\",\"id\":\"a\\u0001b\",\"name\":\"n\",\"roles\":[\"qa_director\"]}", "'id'");
	expect_invalid(db, "{\"cmd\":\"person\",\"id\":\"a\\u0085b\",\"name\":\"n\",\"roles\":[\"qa_director\"]}", "'id'");
	expect_invalid(db, "{\"cmd\":\"person\",\"id\":\"   \",\"name\":\"n\",\"roles\":[\"qa_director\"]}", "'id'");
	expect_invalid(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"zhang\",\"rings\":1001,"
		"\"answered\":true}", "'rings'");
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"zhang\",\"rings\":1000,"
		"\"answered\":true}"), 0);
	expect_invalid(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2026-12\",\"amount_fen\":10000000001}", "'amount_fen'");
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2026-12\",\"amount_fen\":10000000000}"), 0);
	expect_invalid(db, REG(",\"case\":\"L2\""), "duplicate object key near '\"case\"'"); /* a key given twice */
	expect_invalid(db, "{\"cmd\":\"call\",\"at\":\"2100-01-01T08:00:00+08:00\",\"agent\":\"zhang\",\"rings\":1,"
		"\"answered\":true}", "'at'");
	expect_invalid(db, "{\"cmd\":\"call\",\"at\":\"1999-12-31T23:59:59Z\",\"agent\":\"zhang\",\"rings\":1,"
		"\"answered\":true}", "'at'");
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2000-01-01T00:00:00Z\",\"agent\":\"zhang\",\"rings\":1,"
		"\"answered\":true}"), 0);
	/* a string of 64 KiB + 1, and a command over 1 MiB */
	n = 64 * 1024 + 1;
	assert_non_null(big = malloc(2 * 1024 * 1024));
	{
		static const char head1[] = "{\"cmd\":\"person\",\"id\":\"big\",\"roles\":[\"qa_director\"],\"name\":\"";
		static const char head2[] = "{\"cmd\":\"person\",\"id\":\"big\",\"name\":\"n\",\"roles\":[";
		size_t at;
		memcpy(big, head1, sizeof(head1) - 1);
		memset(big + sizeof(head1) - 1, 'x', n);
		memcpy(big + sizeof(head1) - 1 + n, "\"}", 3);
		expect_invalid(db, big, "field 'name' holds a string longer than 64 KiB");
		memcpy(big, head2, sizeof(head2) - 1);
		for (at = sizeof(head2) - 1; at < 1024 * 1024 + 100; at += 14)
			memcpy(big + at, "\"qa_director\",", 14);
		memcpy(big + at, "\"qa_director\"]}", 16);
	}
	expect_invalid(db, big, "1 MiB");
	free(big);
}

typedef struct race_arg {
	hotline_db *db;
	int good;
} race_arg;

/* Half the threads send malformed JSON (the failure is recorded on the shared handle), half valid commands. */
static void *racer(void *p)
{
	race_arg *a = p;
	int i;
	for (i = 0; i < 200; i++) {
		if (a->good)
			exec_fmt(a->db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T09:05:00+08:00\",\"agent\":\"zhang\","
				"\"rings\":1,\"answered\":true}");
		else {
			hotline_db_exec_json(a->db, "{not json", NULL, NULL);
			hotline_db_exec_json(a->db, NULL, NULL, NULL);
			hotline_db_case(NULL, a->db, "x");
			hotline_db_calendar(NULL, a->db);
		}
	}
	return NULL;
}

/* The handle's error is written under its lock (run under ThreadSanitizer by test_contracts_tsan). */
static void test_error_under_lock(void **state)
{
	hotline_db *db = *state;
	pthread_t th[4];
	race_arg args[4];
	int i;
	for (i = 0; i < 4; i++) {
		args[i].db = db;
		args[i].good = i % 2;
		assert_int_equal(pthread_create(&th[i], NULL, racer, &args[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_format_size),
		cmocka_unit_test_setup_teardown(test_bonus_month_form, setup, teardown),
		cmocka_unit_test(test_long_bonus_keys),
		cmocka_unit_test(test_approval_names),
		cmocka_unit_test_setup_teardown(test_verify_unsorted_ids, setup, teardown),
		cmocka_unit_test(test_guard_table),
		cmocka_unit_test(test_table_derivations),
		cmocka_unit_test_setup_teardown(test_effects_in_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_under_lock, setup, teardown),
		cmocka_unit_test(test_paging),
		cmocka_unit_test_setup_teardown(test_field_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test(test_policy_settings_reach_commands),
		cmocka_unit_test(test_paging_plain_backend),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
