/*
 * A case snapshot's text keeps the ledger's text of the snapshot before it
 * when the command leaves the ledger alone, instead of writing it again.
 * Stored snapshots are compared byte for byte by verify-log and by the
 * pinned tests, so the text must be what writing the whole object gives:
 * the writer with a kept member against the plain one, and the snapshots of
 * lifecycles that change the ledger (register, correct_record, forget)
 * between commands that do not, in a batch and one command a transaction.
 */
#include <stdlib.h>
#include <unistd.h>

#include "core_fixture.h"
#include <jansson.h>
#include <sqlite3.h>

#include "util/json.h"

static uint32_t rnd_state = 4242;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static const char *const keys[] = { "", "a", "id", "ledger", "ledge", "ledgers", "ledger\"", "state", "z", "\xe5\x8f\xb0",
	"version", "next_due" };
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static json_t *random_value(int depth)
{
	switch (rnd() % (depth < 2 ? 6 : 4)) {
	case 0: return json_string("text \"quoted\" \\ \n\x01 \xe7\x8e\x8b");
	case 1: return json_integer((json_int_t)(rnd() % 100000) - 50000);
	case 2: return rnd() % 2 ? json_true() : json_null();
	case 3: return json_string("");
	case 4: {
		json_t *a = json_array();
		size_t i, n = rnd() % 4;
		for (i = 0; i < n; i++)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		size_t i, n = rnd() % 6;
		for (i = 0; i < n; i++)
			json_object_set_new(o, keys[rnd() % N_KEYS], random_value(depth + 1));
		return o;
	}
	}
}

/* The plain writer's text; the kept writer's without and with the member's text given; where it lies. */
static void check_object(const json_t *obj, const char *key)
{
	char *want = hotline__json_canonical(obj), *got, *again, *member;
	size_t at = 7, len = 7, at2 = 7, len2 = 7;
	json_t *v = json_object_get(obj, key);
	assert_non_null(want);
	got = hotline__json_canonical_kept(obj, key, NULL, 0, &at, &len);
	assert_non_null(got);
	assert_string_equal(got, want);
	if (!v) {
		assert_int_equal(at, 0);
		assert_int_equal(len, 0);
	} else {
		member = hotline__json_canonical(v);
		assert_non_null(member);
		assert_int_equal(len, strlen(member));
		assert_memory_equal(got + at, member, len);
		/* the value's text given: the same bytes, the same place */
		again = hotline__json_canonical_kept(obj, key, got + at, len, &at2, &len2);
		assert_non_null(again);
		assert_string_equal(again, want);
		assert_int_equal(at2, at);
		assert_int_equal(len2, len);
		free(again);
		free(member);
	}
	free(got);
	free(want);
}

static void test_kept_member_writer(void **state)
{
	int i;
	(void)state;
	for (i = 0; i < 3000; i++) {
		json_t *o = json_object();
		size_t k, n = rnd() % 8;
		for (k = 0; k < n; k++)
			json_object_set_new(o, keys[rnd() % N_KEYS], random_value(0));
		check_object(o, "ledger");
		check_object(o, keys[rnd() % N_KEYS]);
		json_decref(o);
	}
	/* a value given for a member the object lacks is not written */
	{
		json_t *o = json_pack("{s:i, s:s}", "a", 1, "z", "x");
		size_t at = 1, len = 1;
		char *t = hotline__json_canonical_kept(o, "ledger", "{\"kept\":1}", 10, &at, &len);
		assert_string_equal(t, "{\"a\":1,\"z\":\"x\"}");
		assert_int_equal(at, 0);
		assert_int_equal(len, 0);
		free(t);
		json_decref(o);
	}
	/* not an object: its canonical text */
	{
		json_t *a = json_pack("[i, s]", 1, "b");
		size_t at = 1, len = 1;
		char *t = hotline__json_canonical_kept(a, "ledger", NULL, 0, &at, &len);
		assert_string_equal(t, "[1,\"b\"]");
		assert_int_equal(len, 0);
		free(t);
		json_decref(a);
	}
}

/* The stored snapshot of a case, as SQLite holds it. */
static char *stored_body(const char *path, const char *id)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	char *body = NULL;
	assert_int_equal(sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT body FROM cases WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		body = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(s);
	assert_non_null(body);
	return body;
}

/*
 * The case's snapshot: its ledger's member `field` is `want` (NULL: not
 * checked). Outside a batch also: the stored text is the canonical text of
 * itself and the one verify-log rebuilds from the events, written whole.
 * Inside one, through the handle (another connection sees the batch's
 * writes only once committed).
 */
static void check_snapshot(hotline_db *db, const char *path, const char *id, const char *field, const char *want,
	int batched)
{
	char *body, *again;
	json_t *j;
	if (batched) {
		hotline_case *c;
		assert_int_equal(hotline_db_case(&c, db, id), 0);
		body = strdup(hotline_case_json(c));
		hotline_case_free(c);
	} else {
		body = stored_body(path, id);
		assert_int_equal(hotline_db_verify_log(db, id, NULL), 0);
	}
	j = json_loads(body, 0, NULL);
	assert_non_null(j);
	again = hotline__json_canonical(j);
	assert_string_equal(again, body);
	if (field)
		assert_string_equal(json_string_value(json_object_get(json_object_get(j, "ledger"), field)), want);
	free(again);
	json_decref(j);
	free(body);
}

#define AT(h, m) "\"at\":\"2026-11-02T" #h ":" #m ":00+08:00\""

static void lifecycle(hotline_db *db, const char *path, const char *id, int batched)
{
	if (batched)
		assert_int_equal(hotline_db_begin(db), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s\"," AT(09, 00) ",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"13800000000\",\"matter\":\"m1\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", id), 0);
	check_snapshot(db, path, id, NULL, NULL, batched);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"%s\"," AT(09, 10) ",\"actor\":\"zhang\"}", id), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"%s\"," AT(09, 20) ",\"actor\":\"zhang\","
		"\"text\":\"t\"}", id), 0);
	check_snapshot(db, path, id, "matter", "m1", batched);
	/* the ledger changes, then commands that leave it alone follow */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"correct_record\",\"case\":\"%s\"," AT(09, 30) ",\"actor\":\"zhang\","
		"\"fields\":[\"matter\"],\"values\":{\"matter\":\"m2\"}}", id), 0);
	check_snapshot(db, path, id, "matter", "m2", batched);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"%s\"," AT(09, 40) ",\"actor\":\"zhang\","
		"\"text\":\"t\"}", id), 0);
	check_snapshot(db, path, id, "matter", "m2", batched);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"correct_record\",\"case\":\"%s\"," AT(09, 50) ",\"actor\":\"zhang\","
		"\"fields\":[\"matter\"],\"values\":{\"matter\":\"m3\"}}", id), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"%s\"," AT(10, 00) ",\"actor\":\"li\","
		"\"measures\":\"x\"}", id), 0);
	check_snapshot(db, path, id, "matter", "m3", batched);
	/* a refused command between them changes nothing */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"close\",\"case\":\"%s\"," AT(10, 05) ",\"actor\":\"gm\"}", id),
		HOTLINE_EINVALID_TRANSITION);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"forget\",\"case\":\"%s\"," AT(10, 10) ",\"actor\":\"adm\"}", id), 0);
	check_snapshot(db, path, id, "owner", "[erased]", batched);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"%s\"," AT(10, 20) ",\"actor\":\"zhang\","
		"\"text\":\"t\"}", id), 0);
	check_snapshot(db, path, id, "owner", "[erased]", batched);
	check_snapshot(db, path, id, "matter", "m3", batched);
	if (batched)
		assert_int_equal(hotline_db_commit(db), 0);
}

static void test_snapshots_through_lifecycles(void **state)
{
	char path[300], uri[310];
	hotline_db *db = NULL;
	int64_t checked = 0;
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "snapshot-text");
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, "{\"cmd\":\"person\",\"id\":\"adm\",\"name\":\"管理员\","
		"\"roles\":[\"administrator\"]}", NULL, NULL), 0);
	lifecycle(db, path, "B1", 1);
	lifecycle(db, path, "A1", 0);
	/* every stored snapshot is the one rebuilt from the events, written whole */
	assert_int_equal(hotline_db_verify_log(db, NULL, &checked), 0);
	assert_true(checked >= 20);
	hotline_db_close(db);
	fixture_sqlite_remove(path);
}

/* The case through the handle: its id, property, version and canonical text; the ledger's matter has `len` bytes. */
static void check_case(hotline_db *db, const char *id, const char *property, int64_t version, size_t len)
{
	hotline_case *c;
	json_t *j;
	char *again;
	assert_int_equal(hotline_db_case(&c, db, id), 0);
	assert_string_equal(hotline_case_id(c), id);
	assert_string_equal(hotline_case_property(c), property);
	assert_int_equal(hotline_case_version(c), version);
	j = json_loads(hotline_case_json(c), 0, NULL);
	assert_non_null(j);
	again = hotline__json_canonical(j);
	assert_string_equal(again, hotline_case_json(c));
	assert_int_equal(strlen(json_string_value(json_object_get(json_object_get(j, "ledger"), "matter"))), len);
	free(again);
	json_decref(j);
	hotline_case_free(c);
}

/*
 * A case's snapshot text is written into the memory of the text it
 * replaces, which may be another case's, much longer or much shorter: two
 * cases of different sizes and properties, their commands taking turns, in
 * a batch and one command a transaction. Each case keeps its own id,
 * property and version through the handle, and every stored snapshot is
 * the one verify-log rebuilds.
 */
static void test_snapshots_of_cases_taking_turns(void **state)
{
	static const char *const steps[] = {
		"{\"cmd\":\"dispatch\",\"case\":\"%s\",\"at\":\"2026-11-02T10:%02d:00+08:00\",\"actor\":\"zhang\"}",
		"{\"cmd\":\"reply\",\"case\":\"%s\",\"at\":\"2026-11-02T10:%02d:00+08:00\",\"actor\":\"zhang\",\"text\":\"t\"}",
		"{\"cmd\":\"reply\",\"case\":\"%s\",\"at\":\"2026-11-02T10:%02d:00+08:00\",\"actor\":\"zhang\",\"text\":\"u\"}",
	};
	char path[300], uri[310], *big = malloc(6001), *text = malloc(8192);
	hotline_db *db = NULL;
	int batched, i;
	(void)state;
	memset(big, 'x', 6000);
	big[6000] = '\0';
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "snapshot-turns");
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	fixture_load(db);
	for (batched = 1; batched >= 0; batched--) {
		const char *big_id = batched ? "T1" : "T3", *small_id = batched ? "T2" : "T4";
		if (batched)
			assert_int_equal(hotline_db_begin(db), 0);
		snprintf(text, 8192, "{\"cmd\":\"register\",\"case\":\"%s\"," AT(09, 00) ",\"actor\":\"zhang\","
			"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"13800000000\",\"matter\":\"%s\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", big_id, big);
		assert_int_equal(hotline_db_exec_json(db, text, NULL, NULL), 0);
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s\"," AT(09, 01) ",\"actor\":\"zhang\","
			"\"property\":\"P2\",\"room\":\"2\",\"owner\":\"李\",\"phone\":\"13900000000\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li2\"}", small_id), 0);
		for (i = 0; i < 3; i++) {
			assert_int_equal(exec_fmt(db, steps[i], big_id, 2 * i), 0);
			assert_int_equal(exec_fmt(db, steps[i], small_id, 2 * i + 1), 0);
			check_case(db, big_id, "P1", 2 + i, 6000);
			check_case(db, small_id, "P2", 2 + i, 1);
		}
		if (batched)
			assert_int_equal(hotline_db_commit(db), 0);
		check_snapshot(db, path, big_id, NULL, NULL, 0);
		check_snapshot(db, path, small_id, "matter", "m", 0);
	}
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	hotline_db_close(db);
	fixture_sqlite_remove(path);
	free(big);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_member_writer),
		cmocka_unit_test(test_snapshots_through_lifecycles),
		cmocka_unit_test(test_snapshots_of_cases_taking_turns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
