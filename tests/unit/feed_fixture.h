/*
 * The feed and notifications checked the same way on every backend
 * (tests/unit/test_feed.c: memory and SQLite; tests/pg/test_postgres.c):
 * writers in processes of their own beside a consumer that pages with a
 * small limit, a consumer killed between pages, a waiting consumer woken by
 * another process's commit, and the notifications of the demo month.
 */
#ifndef HOTLINE_TEST_FEED_FIXTURE_H
#define HOTLINE_TEST_FEED_FIXTURE_H

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include <hotline.h>

#include "core/feed.h"   /* hotline__db_notifications_full: every case evaluated, the oracle */

typedef struct feed_target {
	const char *uri;
	const unsigned char *key;   /* the key-encryption key (HOTLINE_KEY_BYTES) */
	const char *key_id;
} feed_target;

static inline hotline_db *feed_open(const feed_target *t, int mode)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	o.mode = mode;
	o.key = t->key;
	o.key_id = t->key_id;
	if (hotline_db_open(&db, t->uri, &o) != 0)
		return NULL;
	return db;
}

static inline int64_t feed_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void feed_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* One writer process: registers its case, then replies and calls (the organisation stream) in turn. */
static inline void feed_writer(const feed_target *t, int w, int n)
{
	hotline_db *db = feed_open(t, HOTLINE_OPEN_READ_WRITE);
	char cmd[1024];
	int i, bad = 0;
	if (!db)
		_exit(3);
	snprintf(cmd, sizeof(cmd), "{\"cmd\":\"register\",\"case\":\"FW%d\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1-%d\",\"owner\":\"王\",\"phone\":\"1380000000%d\","
		"\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", w, w, w);
	bad += hotline_db_exec_json(db, cmd, NULL, NULL) != 0;
	for (i = 0; i < n; i++) {
		if (i % 5 == 4)
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:%02d:00+08:00\",\"agent\":\"zhang\","
				"\"rings\":1,\"answered\":true,\"connected\":true}", i % 60);
		else
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"reply\",\"case\":\"FW%d\",\"at\":\"2026-11-02T10:%02d:00+08:00\","
				"\"actor\":\"zhang\",\"text\":\"w%d r%d\"}", w, i % 60, w, i);
		bad += hotline_db_exec_json(db, cmd, NULL, NULL) != 0;
	}
	hotline_db_close(db);
	_exit(bad ? 4 : 0);
}

/* A page of the feed: appends its seqs to seqs (checking they rise) and returns its cursor (malloc'd). */
static inline char *feed_page(hotline_db *db, const char *cursor, size_t limit, int64_t *seqs, size_t *n, size_t cap,
	int *more)
{
	char *out = NULL, *next;
	json_t *doc, *ev;
	size_t i;
	if (hotline_db_feed(&out, db, cursor, limit) != 0)
		fail_msg("feed after %s: %s", cursor ? cursor : "(start)", hotline_db_errmsg(db));
	doc = json_loads(out, 0, NULL);
	assert_non_null(doc);
	assert_true(json_array_size(json_object_get(doc, "events")) <= limit);
	json_array_foreach(json_object_get(doc, "events"), i, ev) {
		int64_t s = json_integer_value(json_object_get(ev, "seq"));
		/* in seq order, never one below what was handed out before */
		if (*n && s <= seqs[*n - 1])
			fail_msg("seq %" PRId64 " after %" PRId64, s, seqs[*n - 1]);
		assert_true(*n < cap);
		seqs[(*n)++] = s;
	}
	*more = json_is_true(json_object_get(doc, "more"));
	next = strdup(json_string_value(json_object_get(doc, "cursor")));
	json_decref(doc);
	hotline_free(out);
	return next;
}

/* Every seq of the log, from each stream's history, sorted. */
static inline int feed_seq_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static inline size_t feed_log_seqs(hotline_db *db, int writers, int64_t *out, size_t cap)
{
	size_t n = 0, i;
	int w;
	for (w = -1; w < writers; w++) {
		hotline_event_list *l;
		char id[16];
		snprintf(id, sizeof(id), "FW%d", w);
		if (hotline_db_history(&l, db, w < 0 ? "" : id) != 0)
			fail_msg("history: %s", hotline_db_errmsg(db));
		for (i = 0; i < hotline_event_list_count(l); i++) {
			assert_true(n < cap);
			out[n++] = hotline_event_seq(hotline_event_list_get(l, i));
		}
		hotline_event_list_free(l);
	}
	qsort(out, n, sizeof(*out), feed_seq_cmp);
	return n;
}

/*
 * The consumer that is killed: after each page it appends one line, "CURSOR
 * SEQ SEQ ...\n", to its journal and syncs it: the page and the cursor are
 * stored together, its own transaction (a line cut short is not one).
 */
static inline void feed_journal_consumer(const feed_target *t, const char *journal, size_t limit)
{
	hotline_db *db = feed_open(t, HOTLINE_OPEN_READ_ONLY);
	char *cursor = NULL;
	if (!db)
		_exit(3);
	for (;;) {
		char *out = NULL;
		json_t *doc, *ev;
		size_t i;
		FILE *f;
		if (hotline_db_feed(&out, db, cursor, limit) != 0)
			_exit(5);
		doc = json_loads(out, 0, NULL);
		hotline_free(out);
		free(cursor);
		cursor = strdup(json_string_value(json_object_get(doc, "cursor")));
		if (json_array_size(json_object_get(doc, "events"))) {
			if (!(f = fopen(journal, "a")))
				_exit(6);
			fputs(cursor, f);
			json_array_foreach(json_object_get(doc, "events"), i, ev)
				fprintf(f, " %" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(ev, "seq")));
			fputc('\n', f);
			fflush(f);
			fsync(fileno(f));
			fclose(f);
		} else {
			hotline_db_feed_wait(db, cursor, 200);
		}
		json_decref(doc);
	}
}

/* Reads the journal's whole lines: their seqs into seqs, the last cursor (malloc'd, NULL: none). */
static inline char *feed_journal_read(const char *journal, int64_t *seqs, size_t *n, size_t cap)
{
	FILE *f = fopen(journal, "r");
	char line[65536], *cursor = NULL;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		size_t len = strlen(line);
		if (len == 0 || line[len - 1] != '\n')
			break; /* cut short by the kill: not stored */
		end = strchr(p, ' ');
		assert_non_null(end);
		*end = '\0';
		free(cursor);
		cursor = strdup(p);
		p = end + 1;
		while (*p && *p != '\n') {
			long long s = strtoll(p, &end, 10);
			assert_true(end != p);
			assert_true(*n < cap);
			seqs[(*n)++] = s;
			p = end;
			while (*p == ' ')
				p++;
		}
	}
	fclose(f);
	return cursor;
}

#define FEED_CAP 20000

/*
 * `writers` processes write `per_writer` commands each; one consumer pages
 * with `limit` all the while; a second consumer is killed (SIGKILL) between
 * or inside pages and resumed from what it stored. Both must hand out every
 * event of the log exactly once, in seq order.
 */
static inline void feed_check_writers(const feed_target *t, int writers, int per_writer, size_t limit, const char *journal)
{
	hotline_db *db = feed_open(t, HOTLINE_OPEN_READ_ONLY);
	int64_t *got = calloc(FEED_CAP, sizeof(int64_t)), *log = calloc(FEED_CAP, sizeof(int64_t));
	int64_t *kgot = calloc(FEED_CAP, sizeof(int64_t));
	size_t ngot = 0, nlog, nk = 0, pages = 0, nk_before;
	pid_t pids[16], killed;
	char *cursor = NULL, *kcursor;
	int w, more = 0, running, status, kills = 0;
	int64_t t0 = feed_now_ms();
	struct stat js;
	assert_non_null(db);
	assert_true(writers <= 16);
	remove(journal);
	/* the consumer that will be killed starts first */
	if ((killed = fork()) == 0)
		feed_journal_consumer(t, journal, limit);
	for (w = 0; w < writers; w++)
		if ((pids[w] = fork()) == 0)
			feed_writer(t, w, per_writer);
	running = writers;
	while (running) {
		char *next = feed_page(db, cursor, limit, got, &ngot, FEED_CAP, &more);
		free(cursor);
		cursor = next;
		pages++;
		/* kill the journalling consumer once, somewhere in the middle: after it stored a few pages */
		if (kills == 0 && stat(journal, &js) == 0 && js.st_size > 300 && feed_now_ms() - t0 > 200) {
			kill(killed, SIGKILL);
			waitpid(killed, &status, 0);
			kills = 1;
		}
		for (w = 0; w < writers; w++)
			if (pids[w] > 0 && waitpid(pids[w], &status, WNOHANG) == pids[w]) {
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
					fail_msg("writer %d: status %d", w, status);
				pids[w] = 0;
				running--;
			}
	}
	if (!kills) {
		kill(killed, SIGKILL);
		waitpid(killed, &status, 0);
	}
	/* drain what the last commits added */
	do {
		char *next = feed_page(db, cursor, limit, got, &ngot, FEED_CAP, &more);
		free(cursor);
		cursor = next;
		pages++;
	} while (more);
	nlog = feed_log_seqs(db, writers, log, FEED_CAP);
	assert_int_equal(ngot, nlog);
	assert_memory_equal(got, log, nlog * sizeof(*log));
	/* the killed consumer resumes from the cursor it stored with its last whole page */
	kcursor = feed_journal_read(journal, kgot, &nk, FEED_CAP);
	nk_before = nk;
	do {
		char *next = feed_page(db, kcursor, limit, kgot, &nk, FEED_CAP, &more);
		free(kcursor);
		kcursor = next;
	} while (more);
	assert_int_equal(nk, nlog);
	assert_memory_equal(kgot, log, nlog * sizeof(*log));
	print_message("# feed beside %d writers: %zu events in %zu pages of at most %zu, each once in seq order;"
		" a consumer killed after storing %zu of them resumed and got the other %zu, none twice, none skipped\n",
		writers, ngot, pages, limit, nk_before, nk - nk_before);
	free(cursor);
	free(kcursor);
	free(got);
	free(kgot);
	free(log);
	hotline_db_close(db);
	remove(journal);
}

/*
 * A consumer waiting in hotline_db_feed_wait is woken by another process's
 * commit within 100 ms: in at least two of three rounds (one round may lose
 * the processor to other work on a loaded machine), and every round within a
 * second, far below the 10 s the wait was given.
 */
static inline void feed_check_wait(const feed_target *t)
{
	hotline_db *db = feed_open(t, HOTLINE_OPEN_READ_ONLY);
	char *out = NULL, *cursor;
	json_t *doc;
	int64_t t0, t1, committed = 0;
	int fds[2], rc, status, round, worst = 0, quick = 0;
	pid_t pid;
	assert_non_null(db);
	assert_int_equal(hotline_db_feed(&out, db, NULL, 0), 0);
	doc = json_loads(out, 0, NULL);
	cursor = strdup(json_string_value(json_object_get(doc, "cursor")));
	json_decref(doc);
	hotline_free(out);
	/* nothing comes: the time runs out */
	t0 = feed_now_ms();
	assert_int_equal(hotline_db_feed_wait(db, cursor, 150), 0);
	assert_true(feed_now_ms() - t0 >= 140);
	for (round = 0; round < 3; round++) {
		assert_int_equal(pipe(fds), 0);
		if ((pid = fork()) == 0) {
			hotline_db *w = feed_open(t, HOTLINE_OPEN_READ_WRITE);
			int64_t done;
			char cmd[256];
			close(fds[0]);
			if (!w)
				_exit(3);
			feed_sleep_ms(300);
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"call\",\"at\":\"2026-11-03T10:0%d:00+08:00\",\"agent\":\"zhang\","
				"\"rings\":1,\"answered\":true,\"connected\":true}", round);
			if (hotline_db_exec_json(w, cmd, NULL, NULL) != 0)
				_exit(4);
			done = feed_now_ms();
			if (write(fds[1], &done, sizeof(done)) != (ssize_t)sizeof(done))
				_exit(5);
			hotline_db_close(w);
			_exit(0);
		}
		close(fds[1]);
		t0 = feed_now_ms();
		rc = hotline_db_feed_wait(db, cursor, 10000);
		t1 = feed_now_ms();
		assert_int_equal(read(fds[0], &committed, sizeof(committed)), (ssize_t)sizeof(committed));
		close(fds[0]);
		waitpid(pid, &status, 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_int_equal(rc, 1);
		assert_true(t1 - t0 >= 250);               /* it did wait for the commit */
		if (t1 - committed > worst)
			worst = (int)(t1 - committed);
		assert_true(t1 - committed < 1000);         /* and woke soon after it */
		if (t1 - committed < 100)
			quick++;
		/* past the new event: waiting again needs another commit */
		assert_int_equal(hotline_db_feed(&out, db, cursor, 0), 0);
		doc = json_loads(out, 0, NULL);
		free(cursor);
		cursor = strdup(json_string_value(json_object_get(doc, "cursor")));
		json_decref(doc);
		hotline_free(out);
	}
	print_message("# feed_wait woken by another process's commit: at most %d ms after it returned (3 rounds, %d within 100 ms)\n",
		worst, quick);
	assert_true(quick >= 2);
	/* bad input: a clear code, nothing waited for */
	assert_int_equal(hotline_db_feed_wait(db, "x", 10), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_feed_wait(db, cursor, -1), HOTLINE_EINVALID);
	free(cursor);
	hotline_db_close(db);
}

/* The demo month (examples/demo-month.jsonl) in one batch; refused lines stay out. */
static inline void feed_load_demo(hotline_db *db)
{
	char path[512], line[1 << 16];
	FILE *f;
	snprintf(path, sizeof(path), "%s/examples/demo-month.jsonl", HOTLINE_SOURCE_DIR);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(hotline_db_begin(db), 0);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] != '{')
			continue;
		hotline_db_exec_json(db, line, NULL, NULL);
	}
	fclose(f);
	assert_int_equal(hotline_db_commit(db), 0);
}

/* just past the month's assessment instant: the rate penalties (Art. 20) of the period it ends come before it */
#define FEED_DEMO_UNTIL "2026-11-27T00:00:01+08:00"

/* The demo month's notifications up to its last instant, whole; the caller frees it. */
static inline char *feed_demo_notifications(hotline_db *db)
{
	hotline_time until;
	char *out = NULL;
	assert_int_equal(hotline_time_parse(&until, FEED_DEMO_UNTIL), 0);
	if (hotline_db_notifications(&out, db, NULL, until, 0) != 0)
		fail_msg("notifications: %s", hotline_db_errmsg(db));
	return out;
}

/* One call both ways, after the same cursor: the same document; returns it (the caller frees it). */
static inline char *feed_notes_both(hotline_db *db, const char *cursor, hotline_time until, size_t limit)
{
	char *fast = NULL, *full = NULL;
	if (hotline_db_notifications(&fast, db, cursor, until, limit) != 0)
		fail_msg("notifications after %s: %s", cursor ? cursor : "(start)", hotline_db_errmsg(db));
	if (hotline__db_notifications_full(&full, db, cursor, until, limit) != 0)
		fail_msg("notifications (every case) after %s: %s", cursor ? cursor : "(start)", hotline_db_errmsg(db));
	if (strcmp(fast, full) != 0)
		fail_msg("after %s up to %" PRId64 " (limit %zu): the cases picked give\n%.2000s\nevery case gives\n%.2000s",
			cursor ? cursor : "(start)", (int64_t)until, limit, fast, full);
	hotline_free(full);
	return fast;
}

/* The cursor of a page (malloc'd); *more and *n (the page's length) too. */
static inline char *feed_notes_cursor(const char *page, int *more, size_t *n)
{
	json_t *doc = json_loads(page, 0, NULL);
	char *c;
	assert_non_null(doc);
	*more = json_is_true(json_object_get(doc, "more"));
	*n = json_array_size(json_object_get(doc, "notifications"));
	c = strdup(json_string_value(json_object_get(doc, "cursor")));
	json_decref(doc);
	return c;
}

/*
 * A consumer paging the demo month with `limit` up to FEED_DEMO_UNTIL, and
 * one that follows the clock (until a step of `step` seconds later each
 * time, from the month before): every call byte for byte what evaluating
 * every case gives. Returns how many notifications the pages held.
 */
static inline size_t feed_check_incremental(hotline_db *db, size_t limit, int64_t step)
{
	hotline_time until, t;
	char *cursor = NULL, *page, *next;
	size_t total = 0, n;
	int more;
	assert_int_equal(hotline_time_parse(&until, FEED_DEMO_UNTIL), 0);
	do {
		page = feed_notes_both(db, cursor, until, limit);
		next = feed_notes_cursor(page, &more, &n);
		total += n;
		hotline_free(page);
		free(cursor);
		cursor = next;
	} while (more);
	free(cursor);
	cursor = NULL;
	for (t = until - 32 * 86400; t < until + 2 * step; t += step) {
		do {
			page = feed_notes_both(db, cursor, t, limit);
			next = feed_notes_cursor(page, &more, &n);
			hotline_free(page);
			free(cursor);
			cursor = next;
		} while (more);
	}
	free(cursor);
	return total;
}

#endif
