/*
 * The event feed and notifications (DESIGN §6.8) on memory and SQLite
 * (PostgreSQL: tests/pg/test_postgres.c runs the same checks).
 */
#include <pthread.h>

#include "core_fixture.h"
#include "feed_fixture.h"

#include <hotline/sys/storage.h>

static hotline_db *memory_db(void)
{
	hotline_db *db = NULL;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	o.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(fixture_open(&db, "memory:", &o), 0);
	return db;
}

static json_t *parse(char *text)
{
	json_t *doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	hotline_free(text);
	return doc;
}

/* Memory: pages of two, in seq order, the same events as the streams' histories. */
static void test_feed_memory(void **state)
{
	hotline_db *db = memory_db();
	int64_t got[200], log[200];
	size_t n = 0, nlog = 0, i;
	char *cursor = NULL, *out;
	int more, w;
	json_t *doc, *ev;
	(void)state;
	fixture_load(db);
	for (w = 0; w < 3; w++) {
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"FW%d\",\"at\":\"2026-11-02T09:00:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王小明\",\"phone\":\"13800001234\","
			"\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", w), 0);
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"FW%d\",\"at\":\"2026-11-02T09:10:00+08:00\","
			"\"actor\":\"zhang\",\"text\":\"t\"}", w), 0);
	}
	do {
		char *next = feed_page(db, cursor, 2, got, &n, 200, &more);
		free(cursor);
		cursor = next;
	} while (more);
	nlog = feed_log_seqs(db, 3, log, 200);
	assert_int_equal(n, nlog);
	assert_memory_equal(got, log, n * sizeof(*log));
	/* nothing after the last cursor; the wait times out */
	assert_int_equal(hotline_db_feed(&out, db, cursor, 0), 0);
	doc = parse(out);
	assert_int_equal(json_array_size(json_object_get(doc, "events")), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "cursor")), cursor);
	json_decref(doc);
	assert_int_equal(hotline_db_feed_wait(db, cursor, 20), 0);
	assert_int_equal(hotline_db_feed_wait(db, NULL, 0), 1);
	/* what an event says; personal fields as any reader sees them (clear with the key) */
	assert_int_equal(hotline_db_feed(&out, db, NULL, 0), 0);
	doc = parse(out);
	json_array_foreach(json_object_get(doc, "events"), i, ev) {
		assert_non_null(json_object_get(ev, "seq"));
		assert_non_null(json_object_get(ev, "stream_seq"));
		assert_non_null(json_string_value(json_object_get(ev, "cmd")));
		assert_non_null(json_string_value(json_object_get(ev, "id")));
		assert_int_equal(strlen(json_string_value(json_object_get(ev, "hash"))), 64);
		if (strcmp(json_string_value(json_object_get(ev, "cmd")), "register") == 0)
			assert_string_equal(json_string_value(json_object_get(json_object_get(ev, "body"), "phone")), "13800001234");
	}
	json_decref(doc);
	free(cursor);
	hotline_db_close(db);
}

typedef struct waiter {
	hotline_db *db;
	const char *cursor;
	int rc;
	int64_t ms;
} waiter;

static void *wait_thread(void *p)
{
	waiter *w = p;
	int64_t t0 = feed_now_ms();
	w->rc = hotline_db_feed_wait(w->db, w->cursor, 5000);
	w->ms = feed_now_ms() - t0;
	return NULL;
}

/* A commit through the same handle, from another thread, wakes a waiter too (data_version ignores it). */
static void test_feed_wait_same_handle(void **state)
{
	hotline_db *db = memory_db();
	pthread_t th;
	waiter w;
	char *out;
	json_t *doc;
	char cursor[32];
	(void)state;
	fixture_load(db);
	assert_int_equal(hotline_db_feed(&out, db, NULL, 0), 0);
	doc = parse(out);
	snprintf(cursor, sizeof(cursor), "%s", json_string_value(json_object_get(doc, "cursor")));
	json_decref(doc);
	memset(&w, 0, sizeof(w));
	w.db = db;
	w.cursor = cursor;
	assert_int_equal(pthread_create(&th, NULL, wait_thread, &w), 0);
	feed_sleep_ms(100);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-03T10:00:00+08:00\",\"agent\":\"zhang\","
		"\"rings\":1,\"answered\":true,\"connected\":true}"), 0);
	pthread_join(th, NULL);
	assert_int_equal(w.rc, 1);
	assert_true(w.ms < 2000);
	hotline_db_close(db);
}

/* Without the key the feed shows owners' data masked, as history does. */
static void test_feed_masked(void **state)
{
	char path[256], uri[300], *out;
	hotline_db *db;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	json_t *doc, *ev;
	size_t i;
	int seen = 0;
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "feed-masked");
	o.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(fixture_open(&db, uri, &o), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"M1\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王小明\",\"phone\":\"13800001234\","
		"\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	hotline_db_close(db);
	assert_int_equal(hotline_db_open(&db, uri, NULL), 0);
	assert_int_equal(hotline_db_feed(&out, db, NULL, 0), 0);
	assert_null(strstr(out, "13800001234"));
	doc = parse(out);
	json_array_foreach(json_object_get(doc, "events"), i, ev)
		if (strcmp(json_string_value(json_object_get(ev, "stream")), "M1") == 0) {
			assert_string_equal(json_string_value(json_object_get(json_object_get(ev, "body"), "phone")), "138****1234");
			seen = 1;
		}
	assert_true(seen);
	json_decref(doc);
	hotline_db_close(db);
	fixture_sqlite_remove(path);
}

/* Bad input: a clear code and message, nothing handed out. */
static void test_feed_bad_input(void **state)
{
	hotline_db *db = memory_db();
	char *out = (char *)"x";
	hotline_time until;
	(void)state;
	fixture_load(db);
	assert_int_equal(hotline_db_feed(&out, db, "f1.x", 0), HOTLINE_EINVALID);
	assert_null(out);
	assert_non_null(strstr(hotline_db_errmsg(db), "not a feed cursor"));
	assert_int_equal(hotline_db_feed(&out, db, "n1.5", 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_feed(&out, db, "f1.-1", 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_feed(NULL, db, NULL, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_feed(&out, NULL, NULL, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_feed_wait(db, "f1.1", -1), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_feed_wait(NULL, NULL, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_time_parse(&until, "2026-11-30T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_notifications(&out, db, "f1.1", until, 0), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(db), "not a notifications cursor"));
	assert_int_equal(hotline_db_notifications(&out, db, "n1.1.zz", until, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_notifications(&out, db, NULL, HOTLINE_TIME_NONE, 0), HOTLINE_EINVALID);
	assert_null(out);
	/* inside a batch the feed has nothing committed to say */
	assert_int_equal(hotline_db_begin(db), 0);
	assert_int_equal(hotline_db_feed(&out, db, NULL, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_feed_wait(db, NULL, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_rollback(db), 0);
	hotline_db_close(db);
}

/* SQLite: four writer processes, a consumer paging by three, another killed and resumed. */
static void test_feed_sqlite_writers(void **state)
{
	char path[256], uri[300], journal[300];
	feed_target t = { NULL, fixture_key, FIXTURE_KEY_ID };
	hotline_db *db;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "feed-writers");
	snprintf(journal, sizeof(journal), "%s.journal", path);
	o.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(fixture_open(&db, uri, &o), 0);
	fixture_load(db);
	hotline_db_close(db);
	t.uri = uri;
	feed_check_writers(&t, 4, 60, 3, journal);
	fixture_sqlite_remove(path);
}

/* SQLite: a waiting consumer woken by another process's commit within 100 ms. */
static void test_feed_sqlite_wait(void **state)
{
	char path[256], uri[300];
	feed_target t = { NULL, fixture_key, FIXTURE_KEY_ID };
	hotline_db *db;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "feed-wait");
	o.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(fixture_open(&db, uri, &o), 0);
	fixture_load(db);
	hotline_db_close(db);
	t.uri = uri;
	feed_check_wait(&t);
	fixture_sqlite_remove(path);
}

/* Whether the notifications list a reminder row of hotline_db_reminders (same case, rule, instant, liable). */
static int has_reminder(json_t *notes, json_t *row)
{
	size_t i;
	json_t *n;
	json_array_foreach(notes, i, n) {
		if (strcmp(json_string_value(json_object_get(n, "kind")), "reminder") == 0 &&
		    json_equal(json_object_get(n, "case"), json_object_get(row, "case")) &&
		    json_equal(json_object_get(n, "rule"), json_object_get(row, "rule")) &&
		    json_equal(json_object_get(n, "instant"), json_object_get(row, "remind_at")) &&
		    json_equal(json_object_get(n, "due"), json_object_get(row, "due")) &&
		    json_equal(json_object_get(n, "liable"), json_object_get(row, "liable")))
			return 1;
	}
	return 0;
}

/*
 * The demo month: the same list twice and on both backends, byte for byte;
 * as many breaches as the assessment, its penalties increment by increment,
 * every reminder hotline_db_reminders lists; pages add up to the whole.
 */
static void test_notifications_demo(void **state)
{
	hotline_db *mem = memory_db(), *sq;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	char path[256], uri[300], *a, *b, *c, *out, *cursor = NULL;
	hotline_time until, from, later;
	json_t *doc, *notes, *assess, *rem, *n, *p, *all;
	size_t i, breaches = 0, penalties = 0, reminders = 0, pages = 0, rate_rows = 0;
	(void)state;
	feed_load_demo(mem);
	a = feed_demo_notifications(mem);
	b = feed_demo_notifications(mem);
	assert_string_equal(a, b);
	hotline_free(b);
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "feed-demo");
	o.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(fixture_open(&sq, uri, &o), 0);
	feed_load_demo(sq);
	c = feed_demo_notifications(sq);
	assert_string_equal(a, c);
	hotline_free(c);

	doc = json_loads(a, 0, NULL);
	notes = json_object_get(doc, "notifications");
	assert_int_equal(hotline_time_parse(&until, FEED_DEMO_UNTIL), 0);
	assert_int_equal(hotline_db_assess(&out, mem, until, HOTLINE_FORMAT_JSON), 0);
	assess = parse(out);
	json_array_foreach(notes, i, n) {
		const char *kind = json_string_value(json_object_get(n, "kind"));
		breaches += strcmp(kind, "breach") == 0;
		reminders += strcmp(kind, "reminder") == 0;
		if (strcmp(kind, "penalty") == 0) {
			/* each increment adds to its (rule, case, person) row of the assessment */
			size_t k;
			int found = 0;
			json_array_foreach(json_object_get(assess, "penalties"), k, p)
				if (json_equal(json_object_get(p, "rule"), json_object_get(n, "rule")) &&
				    json_equal(json_object_get(p, "case"), json_object_get(n, "case")) &&
				    json_equal(json_object_get(p, "person"), json_array_get(json_object_get(n, "liable"), 0))) {
					json_object_set_new(p, "left", json_integer((json_object_get(p, "left") ?
						json_integer_value(json_object_get(p, "left")) : json_integer_value(json_object_get(p, "amount_fen"))) -
						json_integer_value(json_object_get(n, "amount_fen"))));
					found = 1;
				}
			assert_true(found);
			penalties++;
		}
	}
	assert_int_equal(breaches, json_array_size(json_object_get(json_object_get(assess, "assessment"), "breaches")));
	/* every row, the rates' (no case) among them, is made of notified increments, to the fen */
	json_array_foreach(json_object_get(assess, "penalties"), i, p) {
		if (!json_object_get(p, "left"))
			fail_msg("penalty row %s %s %s: no notification", json_string_value(json_object_get(p, "rule")),
				json_string_value(json_object_get(p, "case")), json_string_value(json_object_get(p, "person")));
		assert_int_equal(json_integer_value(json_object_get(p, "left")), 0);
		rate_rows += json_is_null(json_object_get(p, "case")) &&
			strncmp(json_string_value(json_object_get(p, "rule")), "R20", 3) == 0;
	}
	assert_true(rate_rows > 0);
	/* every reminder the deadline list gives is among them */
	assert_int_equal(hotline_time_parse(&from, "2026-10-01T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_reminders(&out, mem, from, until + 1, NULL), 0);
	rem = parse(out);
	assert_true(json_array_size(json_object_get(rem, "reminders")) > 0);
	json_array_foreach(json_object_get(rem, "reminders"), i, p)
		if (!has_reminder(notes, p))
			fail_msg("reminder %s %s at %s not notified", json_string_value(json_object_get(p, "case")),
				json_string_value(json_object_get(p, "rule")), json_string_value(json_object_get(p, "remind_at")));
	print_message("# demo month up to %s: %zu notifications: %zu reminders (%zu still open, as hotline_db_reminders), "
		"%zu breaches (assessment: %zu), %zu penalty increments (assessment: %zu rows, %zu of them rates)\n",
		FEED_DEMO_UNTIL, json_array_size(notes), reminders, json_array_size(json_object_get(rem, "reminders")), breaches,
		json_array_size(json_object_get(json_object_get(assess, "assessment"), "breaches")), penalties,
		json_array_size(json_object_get(assess, "penalties")), rate_rows);

	/* pages of 50 add up to the whole list, each notification once */
	all = json_array();
	for (;;) {
		json_t *page;
		assert_int_equal(hotline_db_notifications(&out, sq, cursor, until, 50), 0);
		page = parse(out);
		json_array_extend(all, json_object_get(page, "notifications"));
		free(cursor);
		cursor = strdup(json_string_value(json_object_get(page, "cursor")));
		pages++;
		if (!json_is_true(json_object_get(page, "more"))) {
			json_decref(page);
			break;
		}
		json_decref(page);
	}
	assert_true(json_equal(all, notes));
	assert_true(pages > 2);
	/* nothing more up to the same instant; a later until gives only what came after */
	assert_int_equal(hotline_db_notifications(&out, sq, cursor, until, 0), 0);
	p = parse(out);
	assert_int_equal(json_array_size(json_object_get(p, "notifications")), 0);
	json_decref(p);
	later = until + 3 * 86400;
	assert_int_equal(hotline_db_notifications(&out, sq, cursor, later, 0), 0);
	p = parse(out);
	json_array_foreach(json_object_get(p, "notifications"), i, n) {
		hotline_time t;
		assert_int_equal(hotline_time_parse(&t, json_string_value(json_object_get(n, "instant"))), 0);
		assert_true(t > until && t <= later);
	}
	json_decref(p);

	free(cursor);
	json_decref(all);
	json_decref(rem);
	json_decref(assess);
	json_decref(doc);
	hotline_free(a);
	hotline_db_close(sq);
	fixture_sqlite_remove(path);
	hotline_db_close(mem);
}

/* Memory and SQLite: a consumer paging with small limits, and one following the clock, both ways alike. */
static void test_notifications_incremental(void **state)
{
	hotline_db *mem = memory_db(), *sq;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	char path[256], uri[300];
	size_t n;
	(void)state;
	feed_load_demo(mem);
	n = feed_check_incremental(mem, 13, 8 * 3600);
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "feed-incr");
	o.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(fixture_open(&sq, uri, &o), 0);
	feed_load_demo(sq);
	assert_int_equal(feed_check_incremental(sq, 50, 6 * 3600), n);
	print_message("# demo month: %zu notifications, every page after a cursor as evaluating every case gives\n", n);
	hotline_db_close(sq);
	fixture_sqlite_remove(path);
	hotline_db_close(mem);
}

/* The ids of a notifications page, appended to `ids`; returns its cursor (the caller frees it). */
static char *append_ids(hotline_db *db, const char *cursor, hotline_time until, json_t *ids)
{
	char *out = NULL, *next;
	json_t *doc, *n;
	size_t i;
	if (hotline_db_notifications(&out, db, cursor, until, 0) != 0)
		fail_msg("notifications: %s", hotline_db_errmsg(db));
	doc = parse(out);
	json_array_foreach(json_object_get(doc, "notifications"), i, n)
		json_array_append(ids, json_object_get(n, "id"));
	assert_false(json_is_true(json_object_get(doc, "more")));
	next = strdup(json_string_value(json_object_get(doc, "cursor")));
	json_decref(doc);
	return next;
}

/*
 * A consumer whose until lands exactly on due instants: at a due the
 * deadline can still be met on time, so its breach is not known yet; the
 * next call must tell it. Stepping onto the first breaches' dues, then to
 * the end, tells every notification one call gives, in its order.
 */
static void test_notifications_until_on_a_due(void **state)
{
	hotline_db *db = memory_db();
	hotline_time until, t, steps[24];
	json_t *whole = json_array(), *stepped = json_array(), *doc, *n;
	char *out = NULL, *cursor = NULL, *next;
	size_t i, k, n_steps = 0;
	(void)state;
	feed_load_demo(db);
	assert_int_equal(hotline_time_parse(&until, FEED_DEMO_UNTIL), 0);
	free(append_ids(db, NULL, until, whole));
	assert_int_equal(hotline_db_notifications(&out, db, NULL, until, 0), 0);
	doc = parse(out);
	json_array_foreach(json_object_get(doc, "notifications"), i, n) {
		if (strcmp(json_string_value(json_object_get(n, "kind")), "breach") != 0)
			continue;
		assert_int_equal(hotline_time_parse(&t, json_string_value(json_object_get(n, "instant"))), 0);
		if (n_steps < 24 && (n_steps == 0 || t > steps[n_steps - 1]))
			steps[n_steps++] = t;
	}
	json_decref(doc);
	assert_true(n_steps >= 10);
	for (k = 0; k < n_steps; k++) {
		next = append_ids(db, cursor, steps[k], stepped);
		free(cursor);
		cursor = next;
	}
	next = append_ids(db, cursor, until, stepped);
	free(cursor);
	free(next);
	print_message("# until on %zu breaches' dues, then the end: %zu notifications, as one call gives %zu\n", n_steps,
		json_array_size(stepped), json_array_size(whole));
	/* every one of the whole list, in its order; the stepped consumer may also have been told of
	 * breaches and penalties a later approval took back (an escalation approved stops the clocks from its
	 * request), which the whole list no longer has */
	for (i = 0, k = 0; i < json_array_size(whole) && k < json_array_size(stepped); k++)
		i += json_equal(json_array_get(whole, i), json_array_get(stepped, k));
	if (i < json_array_size(whole))
		fail_msg("lost: %s", json_string_value(json_array_get(whole, i)));
	json_decref(whole);
	json_decref(stepped);
	hotline_db_close(db);
}

/* The case streams a handle reads (its backend's events_foreach, wrapped). */
static int (*inner_events)(hotline_storage *, const char *, hotline_storage_event_cb, void *);
static size_t case_reads;

static int counted_events(hotline_storage *st, const char *stream, hotline_storage_event_cb cb, void *payload)
{
	case_reads += stream && *stream;
	return inner_events(st, stream, cb, payload);
}

/*
 * After a cursor, the notifications read only the cases that can have
 * something new: those with events since, and those with an open clock due
 * soon enough; not every case of the log on every call.
 */
static void test_notifications_read_what_changed(void **state)
{
	hotline_db *w, *r;
	hotline_storage *st = NULL;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	char path[256], uri[300], cursor[40], *fast, *full;
	hotline_time until;
	size_t cases, all;
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "feed-reads");
	o.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(fixture_open(&w, uri, &o), 0);
	feed_load_demo(w);
	hotline_db_close(w);
	assert_int_equal(hotline_storage_sqlite_new(&st, path, NULL), 0);
	inner_events = st->events_foreach;
	st->events_foreach = counted_events;
	o.mode = HOTLINE_OPEN_READ_WRITE;
	o.key = fixture_key;
	o.key_id = FIXTURE_KEY_ID;
	assert_int_equal(hotline_db_open_storage(&r, st, &o), 0);
	assert_int_equal(hotline_time_parse(&until, FEED_DEMO_UNTIL), 0);
	/* the last hour after a cursor: a small part of the cases (the rates, priced at a period's end, read
	 * them all: none ends in this window), and the same document as evaluating every case */
	snprintf(cursor, sizeof(cursor), "n1.%" PRId64, (int64_t)(until - 3600 - 1));
	case_reads = 0;
	assert_int_equal(hotline_db_notifications(&fast, r, cursor, until - 1, 0), 0);
	cases = case_reads;
	case_reads = 0;
	assert_int_equal(hotline__db_notifications_full(&full, r, cursor, until - 1, 0), 0);
	all = case_reads;
	assert_string_equal(fast, full);
	print_message("# notifications of the demo month's last hour: %zu cases read of %zu\n", cases, all);
	assert_true(all > 100);
	assert_true(cases * 4 < all);
	hotline_free(fast);
	hotline_free(full);
	hotline_db_close(r);
	fixture_sqlite_remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feed_memory),
		cmocka_unit_test(test_feed_masked),
		cmocka_unit_test(test_feed_wait_same_handle),
		cmocka_unit_test(test_feed_bad_input),
		cmocka_unit_test(test_feed_sqlite_writers),
		cmocka_unit_test(test_feed_sqlite_wait),
		cmocka_unit_test(test_notifications_demo),
		cmocka_unit_test(test_notifications_incremental),
		cmocka_unit_test(test_notifications_until_on_a_due),
		cmocka_unit_test(test_notifications_read_what_changed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
