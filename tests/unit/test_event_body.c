/*
 * The stored body of a command without a command_id: the made id is
 * spliced into the canonical text instead of writing the command twice.
 * Stored logs and their hashes depend on those bytes, so they must be what
 * the two writes gave: the text of the command, the id made from it, the
 * command with the id written again.
 */
#include <stdlib.h>
#include <unistd.h>

#include "core_fixture.h"
#include <jansson.h>
#include <sqlite3.h>

#include "core/eventlog.h"
#include "util/json.h"

/* The body and id as made before the splice: two serialisations. */
static char *two_writes(const char *stream, int64_t seq, json_t *obj, char id[37])
{
	char *body = hotline__json_canonical(obj);
	assert_non_null(body);
	hotline__event_make_id(stream, seq, body, id);
	free(body);
	assert_int_equal(json_object_set_new(obj, "command_id", json_string(id)), 0);
	return hotline__json_canonical(obj);
}

/* One buffer for every body written into one, as the handle keeps it: what an earlier body left must not show. */
static hotline__sbuf reused;

static void check_same(const char *stream, int64_t seq, const json_t *cmd)
{
	json_t *a = json_deep_copy(cmd), *b = json_deep_copy(cmd), *c = json_deep_copy(cmd);
	char ida[37], idb[37], idc[37], *want, *got, *ta, *tb;
	want = two_writes(stream, seq, a, ida);
	{
		/* a fresh buffer, as well as the reused one below */
		hotline__sbuf fresh;
		hotline__sbuf_init(&fresh, NULL, NULL);
		if (hotline__event_body_into(&fresh, stream, seq, b, idb) == 0) {
			got = hotline__sbuf_take(&fresh);
		} else {
			hotline__sbuf_free(&fresh);
			got = NULL;
		}
	}
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_string_equal(idb, ida);
	assert_int_equal(hotline__event_body_into(&reused, stream, seq, c, idc), 0);
	assert_int_equal(reused.n, strlen(want));
	assert_string_equal(reused.p, want);
	assert_string_equal(idc, ida);
	tb = hotline__json_canonical(c);
	ta = hotline__json_canonical(a);
	assert_string_equal(tb, ta);
	free(ta);
	free(tb);
	json_decref(c);
	/* the command object is left as before too (the rules read it) */
	ta = hotline__json_canonical(a);
	tb = hotline__json_canonical(b);
	assert_string_equal(tb, ta);
	free(ta);
	free(tb);
	free(want);
	free(got);
	json_decref(a);
	json_decref(b);
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

/* Keys around "command_id" in sort order, and unicode, empty and escaped ones. */
static const char *const keys[] = {
	"", "a", "actor", "at", "case", "cmd", "comm", "command", "command_i", "command_ic", "command_id_",
	"command_idx", "command_ie", "commandid", "command_j", "commanc", "comment", "d", "matter", "owner",
	"values", "z", "Z", "\xc3\xa9", "\xe5\xbc\xa0", "\xf0\x9f\x98\x80", "q\"uote", "tab\t", "ctl\x01",
	"~", "command", NULL
};

static const char *const strings[] = {
	"", "3-201", "\xe6\xa5\xbc\xe9\x81\x93\xe7\x81\xaf\xe4\xb8\x8d\xe4\xba\xae", "\xf0\x9f\x98\x80 ok",
	"a\"b\\c/d", "line\nbreak\r\t", "\x1f\x7f", "2026-11-02T09:05:00+08:00", "}", "{\"x\":1}", ",", NULL
};

static size_t count(const char *const *l)
{
	size_t n = 0;
	while (l[n])
		n++;
	return n;
}

static json_t *random_value(int depth);

static json_t *random_object(int depth, size_t max_members)
{
	json_t *o = json_object();
	size_t i, n = rnd() % (max_members + 1);
	for (i = 0; i < n; i++) {
		const char *k = keys[rnd() % count(keys)];
		if (strcmp(k, "command_id") == 0)
			continue;
		json_object_set_new(o, k, random_value(depth + 1));
	}
	return o;
}

static json_t *random_value(int depth)
{
	size_t i, n;
	json_t *a;
	switch (rnd() % (depth < 3 ? 8 : 6)) {
	case 0: return json_string(strings[rnd() % count(strings)]);
	case 1: return json_integer((json_int_t)rnd() - (json_int_t)(1u << 23));
	case 2: return json_true();
	case 3: return json_false();
	case 4: return json_null();
	case 5: return json_integer(INT64_MIN);
	case 6:
		a = json_array();
		n = rnd() % 4;
		for (i = 0; i < n; i++)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	default:
		return random_object(depth, 5);
	}
}

/* Thousands of commands of every shape: members before, after and around where command_id sorts. */
static void test_body_matches_two_writes(void **state)
{
	int i;
	(void)state;
	for (i = 0; i < 5000; i++) {
		json_t *o = random_object(0, 12);
		char stream[16];
		snprintf(stream, sizeof(stream), i % 7 ? "C%d" : "", i);
		check_same(stream, 1 + i % 40, o);
		json_decref(o);
	}
}

/*
 * A member spliced into a text in place is the text of the object with the
 * member, written again: for keys and values that need escapes, at every
 * place in the order, into a buffer that holds an earlier text.
 */
static void test_insert_matches_write(void **state)
{
	hotline__sbuf b;
	int i;
	(void)state;
	hotline__sbuf_init(&b, NULL, NULL);
	for (i = 0; i < 5000; i++) {
		json_t *o = random_object(0, 8);
		const char *k = keys[rnd() % count(keys)], *v = strings[rnd() % count(strings)];
		char *want;
		size_t slot;
		if (json_object_get(o, k)) {
			assert_int_equal(hotline__json_canonical_slot_into(&b, o, k, &slot), HOTLINE_EINVALID);
			json_decref(o);
			continue;
		}
		assert_int_equal(hotline__json_canonical_slot_into(&b, o, k, &slot), 0);
		assert_int_equal(hotline__sbuf_insert_str(&b, slot, k, v), 0);
		json_object_set_new(o, k, json_string(v));
		want = hotline__json_canonical(o);
		assert_int_equal(b.n, strlen(want));
		assert_string_equal(b.p, want);
		free(want);
		json_decref(o);
	}
	hotline__sbuf_free(&b);
}

/*
 * A stream's decoded events share the text of a stream or actor that an
 * event shortly before had: each event still reads its own, whatever the
 * order (actors coming back after more than the look-back, none, "").
 */
static void test_vec_strings(void **state)
{
	static const char *const actors[] = { "zhang", "li", NULL, "wu", "zhang", "", "zhao", "gm", "qa", "li2", "li",
		"zhang", "wu2", "zhang", NULL, "\xe5\xbc\xa0" };
	static const char *const streams[] = { "C1", "C1", "C1", "", "C2", "C1" };
	hotline__event_vec v;
	size_t i, n = 3 * (sizeof(actors) / sizeof(actors[0]));
	(void)state;
	memset(&v, 0, sizeof(v));
	for (i = 0; i < n; i++) {
		hotline_storage_event e;
		memset(&e, 0, sizeof(e));
		e.seq = (int64_t)i + 1;
		e.stream_seq = (int64_t)i + 1;
		e.stream = streams[i % 6];
		e.actor = actors[i % 16];
		e.cmd = "reply";
		e.at = HOTLINE_TIME_NONE;
		e.body = "{\"cmd\":\"reply\"}";
		assert_int_equal(hotline__event_vec_push(&v, &e, NULL), 0);
	}
	assert_int_equal(v.n, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(v.ev[i].stream, streams[i % 6]);
		assert_string_equal(v.ev[i].actor, actors[i % 16] ? actors[i % 16] : "");
	}
	hotline__event_vec_free(&v);
}

/* The edges: empty, only members before or after, the first or last member, real commands. */
static void test_body_edges(void **state)
{
	static const char *const docs[] = {
		"{}",
		"{\"a\":1}",
		"{\"z\":1}",
		"{\"command\":true}",
		"{\"command_idx\":[]}",
		"{\"a\":{\"command_id\":\"nested\"},\"z\":[{\"command_id\":1}]}",
		"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
			"\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"\xe7\x8e\x8b\xe5\xa5\xb3\xe5\xa3\xab\","
			"\"phone\":\"13800000000\",\"matter\":\"\xe6\xa5\xbc\xe9\x81\x93\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
		"{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}",
		"{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"\xe5\xbc\xa0\xe6\x95\x8f\",\"roles\":[\"hotline_specialist\"]}",
		"{\"cmd\":\"correct_record\",\"case\":\"C1\",\"values\":{\"owner\":{\"enc\":\"x\",\"key\":\"k\"}},\"fields\":[\"owner\"]}",
		/* a command_id member already there (not a client's string): replaced, as before */
		"{\"cmd\":\"dispatch\",\"command_id\":null}",
		"{\"command_id\":7,\"z\":1}",
		NULL
	};
	const char *const *d;
	(void)state;
	for (d = docs; *d; d++) {
		json_error_t e;
		json_t *o = json_loads(*d, 0, &e);
		assert_non_null(o);
		check_same("C1", 1, o);
		check_same("", 12345678901LL, o);
		json_decref(o);
	}
}

/*
 * Through the library: every stored body (as SQLite holds it, personal
 * fields sealed) of a command that came without an id is the two-write body
 * of that command, and the event's id is the one made from it; a client's
 * command_id is kept as given.
 */
static void test_stored_bodies(void **state)
{
	hotline_db *db;
	sqlite3 *s;
	sqlite3_stmt *q;
	char path[512], uri[600];
	size_t made = 0, rows = 0, sealed = 0;
	(void)state;
	snprintf(path, sizeof(path), "%s/event-body-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	remove(path);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"\xe7\x8e\x8b\",\"phone\":\"1\",\"matter\":\"m \\\"q\\\" \xf0\x9f\x98\x80\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\","
		"\"command_id\":\"client-1\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"C1\",\"at\":\"2026-11-02T09:40:00+08:00\","
		"\"actor\":\"li\",\"measures\":\"\xe6\x9b\xb4\xe6\x8d\xa2\",\"nothing\":null}"), 0);
	hotline_db_close(db);

	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT stream, stream_seq, body, id FROM events ORDER BY seq", -1, &q, NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *stream = (const char *)sqlite3_column_text(q, 0), *body = (const char *)sqlite3_column_text(q, 2);
		const char *id = (const char *)sqlite3_column_text(q, 3);
		json_t *o = json_loads(body, 0, NULL);
		char made_id[37], *want;
		assert_non_null(o);
		assert_non_null(id);
		assert_string_equal(json_string_value(json_object_get(o, "command_id")), id);
		if (strcmp(id, "client-1") == 0) {
			want = hotline__json_canonical(o);
		} else {
			json_object_del(o, "command_id");
			want = two_writes(stream, sqlite3_column_int64(q, 1), o, made_id);
			assert_string_equal(made_id, id);
			made++;
		}
		assert_string_equal(body, want);
		free(want);
		json_decref(o);
		sealed += strstr(body, "\"enc\"") != NULL;
		rows++;
	}
	sqlite3_finalize(q);
	sqlite3_close(s);
	/* the directory's eleven, the case's three; all but the client's made here */
	assert_int_equal(rows, 14);
	assert_int_equal(made, 13);
	assert_int_equal(sealed, 1);   /* the register's owner and phone, as stored */
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_body_matches_two_writes),
		cmocka_unit_test(test_body_edges),
		cmocka_unit_test(test_insert_matches_write),
		cmocka_unit_test(test_vec_strings),
		cmocka_unit_test(test_stored_bodies),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	hotline__sbuf_free(&reused);
	return rc;
}
