/*
 * What a command reads of its case's events when another handle wrote the
 * case since: only the events it has not seen, never the whole stream again,
 * and never its own event twice. Writers of one case (PostgreSQL) each
 * read them while holding the case; re-reading the stream made every command
 * cost as much as the case is long. Counted on a SQLite backend whose
 * event reads are wrapped.
 */
#include "core_fixture.h"

#include <stdlib.h>
#include <unistd.h>

#include <hotline/sys/storage.h>

/* The backend's own readers, and what went through them for case X. */
static int (*inner_foreach)(hotline_storage *, const char *, hotline_storage_event_cb, void *);
static int (*inner_after)(hotline_storage *, const char *, int64_t, size_t, hotline_storage_event_cb, void *);
static int whole_reads, rows_read;
static int64_t last_row;

typedef struct counting {
	hotline_storage_event_cb cb;
	void *payload;
} counting;

static int count_cb(const hotline_storage_event *e, void *p)
{
	counting *c = p;
	rows_read++;
	last_row = e->stream_seq;
	return c->cb(e, c->payload);
}

static int counted_foreach(hotline_storage *st, const char *stream, hotline_storage_event_cb cb, void *payload)
{
	counting c = { cb, payload };
	if (!stream || strcmp(stream, "X") != 0)
		return inner_foreach(st, stream, cb, payload);
	whole_reads++;
	return inner_foreach(st, stream, count_cb, &c);
}

static int counted_after(hotline_storage *st, const char *stream, int64_t after, size_t limit,
	hotline_storage_event_cb cb, void *payload)
{
	counting c = { cb, payload };
	if (strcmp(stream, "X") != 0)
		return inner_after(st, stream, after, limit, cb, payload);
	return inner_after(st, stream, after, limit, count_cb, &c);
}

#define REPLY "{\"cmd\":\"reply\",\"case\":\"X\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\",\"text\":\"%s\"}"

static void test_reads_only_what_others_appended(void **state)
{
	char dir[256], path[300], uri[310], cmd[400];
	const char *tmp = getenv("TMPDIR");
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_storage *st = NULL;
	hotline_db *a = NULL, *b = NULL;
	int64_t v = 0;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/hotline-cache-XXXXXX", tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.db", dir);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	assert_int_equal(fixture_open(&b, uri, NULL), 0);
	fixture_load(b);
	assert_int_equal(exec_fmt(b, "{\"cmd\":\"register\",\"case\":\"X\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(b, "{\"cmd\":\"dispatch\",\"case\":\"X\",\"at\":\"2026-11-02T09:10:00+08:00\","
		"\"actor\":\"zhang\"}"), 0);

	/* handle a, its event reads counted */
	assert_int_equal(hotline_storage_sqlite_new(&st, path, NULL), 0);
	assert_non_null(st->events_after);
	inner_foreach = st->events_foreach;
	inner_after = st->events_after;
	st->events_foreach = counted_foreach;
	st->events_after = counted_after;
	o.mode = HOTLINE_OPEN_READ_WRITE;
	o.key = fixture_key;
	o.key_id = FIXTURE_KEY_ID;
	assert_int_equal(hotline_db_open_storage(&a, st, &o), 0);
	/* a's first command reads the case's stream */
	snprintf(cmd, sizeof(cmd), REPLY, "a1");
	assert_int_equal(hotline_db_exec_json(a, cmd, NULL, NULL), 0);
	assert_int_equal(whole_reads, 1);
	/* b writes three replies; a's next command reads those three and nothing else */
	assert_int_equal(exec_fmt(b, REPLY, "b1"), 0);
	assert_int_equal(exec_fmt(b, REPLY, "b2"), 0);
	assert_int_equal(exec_fmt(b, REPLY, "b3"), 0);
	whole_reads = rows_read = 0;
	snprintf(cmd, sizeof(cmd), REPLY, "a2");
	assert_int_equal(hotline_db_exec_json(a, cmd, NULL, NULL), 0);
	assert_int_equal(whole_reads, 0);
	assert_int_equal(rows_read, 3);
	assert_int_equal(last_row, 6);
	/* and what it wrote is what the events give */
	assert_int_equal(case_state(a, "X", NULL, &v), HOTLINE_STATE_DISPATCHED);
	assert_int_equal(v, 7);
	assert_int_equal(hotline_db_verify_log(a, NULL, NULL), 0);
	hotline_db_close(a);
	hotline_db_close(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_only_what_others_appended),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
