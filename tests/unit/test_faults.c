/*
 * Storage failures leave nothing half-done. A backend that wraps a real one
 * (memory or SQLite) and fails its N-th write (case_put, event_append,
 * dir_put or commit) with HOTLINE_ESTORAGE, for every N over a realistic
 * sequence of commands, one transaction each and in batches: the failing
 * command (or the batch's commit) returns HOTLINE_ESTORAGE, the cases, the
 * directory and the log are exactly as before the command (before the
 * batch), the log verifies, and the same commands then succeed and end
 * where a run without a failure ends.
 */
#include "core_fixture.h"

#include <stdlib.h>
#include <unistd.h>

#include <hotline/sys/storage.h>

/* ------------------------------------------------------------------ */
/* The failing backend                                                 */

typedef struct faulty {
	hotline_storage parent;  /* first: the library sees a hotline_storage */
	hotline_storage *inner;
	long writes;             /* write callbacks so far */
	long fail_at;            /* the write that fails (1-based); 0: none */
	long injected;
	int last_injected;
} faulty;

#define FAULTY(st) ((faulty *)(st))

/* Counts one write; says whether this one fails. */
static int fault_now(hotline_storage *st)
{
	faulty *f = FAULTY(st);
	f->last_injected = ++f->writes == f->fail_at;
	if (f->last_injected)
		f->injected++;
	return f->last_injected;
}

static int w_begin(hotline_storage *st, int write)
{
	return FAULTY(st)->inner->begin(FAULTY(st)->inner, write);
}

static int w_commit(hotline_storage *st)
{
	hotline_storage *in = FAULTY(st)->inner;
	if (fault_now(st)) {
		/* the contract: a commit that fails has rolled back */
		in->rollback(in);
		return HOTLINE_ESTORAGE;
	}
	return in->commit(in);
}

static int w_rollback(hotline_storage *st)
{
	return FAULTY(st)->inner->rollback(FAULTY(st)->inner);
}

static int w_case_get(hotline_storage *st, const char *id, hotline_storage_case_cb cb, void *payload)
{
	return FAULTY(st)->inner->case_get(FAULTY(st)->inner, id, cb, payload);
}

static int w_case_put(hotline_storage *st, const hotline_storage_case *c, int64_t expected_version)
{
	if (fault_now(st))
		return HOTLINE_ESTORAGE;
	return FAULTY(st)->inner->case_put(FAULTY(st)->inner, c, expected_version);
}

static int w_cases_foreach(hotline_storage *st, const hotline_storage_query *q, hotline_storage_case_cb cb, void *payload)
{
	return FAULTY(st)->inner->cases_foreach(FAULTY(st)->inner, q, cb, payload);
}

static int w_event_append(hotline_storage *st, const hotline_storage_event *e, int64_t *seq_out)
{
	if (fault_now(st))
		return HOTLINE_ESTORAGE;
	return FAULTY(st)->inner->event_append(FAULTY(st)->inner, e, seq_out);
}

static int w_events_foreach(hotline_storage *st, const char *stream, hotline_storage_event_cb cb, void *payload)
{
	return FAULTY(st)->inner->events_foreach(FAULTY(st)->inner, stream, cb, payload);
}

static int w_events_since(hotline_storage *st, int64_t after_seq, size_t limit, hotline_storage_event_cb cb,
	void *payload)
{
	return FAULTY(st)->inner->events_since(FAULTY(st)->inner, after_seq, limit, cb, payload);
}

static int w_event_by_id(hotline_storage *st, const char *id, hotline_storage_event_cb cb, void *payload)
{
	return FAULTY(st)->inner->event_by_id(FAULTY(st)->inner, id, cb, payload);
}

static int w_stream_head(hotline_storage *st, const char *stream, int64_t *stream_seq_out, char hash_out[65])
{
	return FAULTY(st)->inner->stream_head(FAULTY(st)->inner, stream, stream_seq_out, hash_out);
}

static int w_dir_put(hotline_storage *st, const char *kind, const char *id, const char *body)
{
	if (fault_now(st))
		return HOTLINE_ESTORAGE;
	return FAULTY(st)->inner->dir_put(FAULTY(st)->inner, kind, id, body);
}

static int w_dir_get(hotline_storage *st, const char *kind, const char *id, hotline_storage_dir_cb cb, void *payload)
{
	return FAULTY(st)->inner->dir_get(FAULTY(st)->inner, kind, id, cb, payload);
}

static int w_dir_foreach(hotline_storage *st, const char *kind, hotline_storage_dir_cb cb, void *payload)
{
	return FAULTY(st)->inner->dir_foreach(FAULTY(st)->inner, kind, cb, payload);
}

static const char *w_errmsg(hotline_storage *st)
{
	hotline_storage *in = FAULTY(st)->inner;
	if (FAULTY(st)->last_injected)
		return "injected write failure";
	return in->errmsg ? in->errmsg(in) : NULL;
}

static void w_free(hotline_storage *st)
{
	hotline_storage *in = FAULTY(st)->inner;
	in->free(in);
	free(st);
}

static int w_data_version(hotline_storage *st, uint64_t *out)
{
	return FAULTY(st)->inner->data_version(FAULTY(st)->inner, out);
}

static int w_events_after(hotline_storage *st, const char *stream, int64_t after_stream_seq, size_t limit,
	hotline_storage_event_cb cb, void *payload)
{
	return FAULTY(st)->inner->events_after(FAULTY(st)->inner, stream, after_stream_seq, limit, cb, payload);
}

/* Wraps `inner` (owned from here on); the optional callbacks only where it has them. */
static faulty *faulty_new(hotline_storage *inner)
{
	faulty *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(hotline_storage_init(&f->parent, HOTLINE_STORAGE_VERSION), 0);
	f->inner = inner;
	f->parent.begin = w_begin;
	f->parent.commit = w_commit;
	f->parent.rollback = w_rollback;
	f->parent.case_get = w_case_get;
	f->parent.case_put = w_case_put;
	f->parent.cases_foreach = w_cases_foreach;
	f->parent.event_append = w_event_append;
	f->parent.events_foreach = w_events_foreach;
	f->parent.events_since = w_events_since;
	f->parent.event_by_id = w_event_by_id;
	f->parent.stream_head = w_stream_head;
	f->parent.dir_put = w_dir_put;
	f->parent.dir_get = w_dir_get;
	f->parent.dir_foreach = w_dir_foreach;
	f->parent.errmsg = w_errmsg;
	f->parent.free = w_free;
	if (inner->data_version)
		f->parent.data_version = w_data_version;
	if (inner->events_after)
		f->parent.events_after = w_events_after;
	return f;
}

/* ------------------------------------------------------------------ */
/* A month's commands: directory, cases along several paths, the organisation */

static const char *const sequence[] = {
	"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
	"{\"cmd\":\"call\",\"at\":\"2026-11-02T09:06:00+08:00\",\"agent\":\"zhang\",\"rings\":3,\"answered\":true}",
	"{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"register\",\"case\":\"C2\",\"at\":\"2026-11-02T09:40:00+08:00\",\"actor\":\"zhang\",\"property\":\"P2\",\"room\":\"1-1102\",\"owner\":\"刘先生\",\"phone\":\"13900000001\",\"matter\":\"地下车库漏水\",\"call_taker\":\"zhang\",\"order_taker\":\"li2\",\"kind\":\"repair\",\"severity\":\"serious\"}",
	"{\"cmd\":\"decide_measures\",\"case\":\"C1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"li\",\"measures\":\"更换灯具\",\"department_head\":\"wu\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C2\",\"at\":\"2026-11-02T10:05:00+08:00\",\"actor\":\"zhang\",\"expect_version\":1}",
	"{\"cmd\":\"person\",\"id\":\"sun\",\"name\":\"孙浩\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"register\",\"case\":\"C3\",\"at\":\"2026-11-02T11:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"5-302\",\"owner\":\"赵女士\",\"phone\":\"13700000002\",\"matter\":\"噪音扰民\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
	"{\"cmd\":\"report_malicious\",\"case\":\"C3\",\"at\":\"2026-11-02T14:00:00+08:00\",\"actor\":\"li\",\"explanation\":\"多次无理投诉\"}",
	"{\"cmd\":\"onsite_visit\",\"case\":\"C1\",\"at\":\"2026-11-02T15:00:00+08:00\",\"actor\":\"wu\"}",
	"{\"cmd\":\"submit_visit_form\",\"case\":\"C1\",\"at\":\"2026-11-02T16:00:00+08:00\",\"actor\":\"li\"}",
	"{\"cmd\":\"complete\",\"case\":\"C1\",\"at\":\"2026-11-02T17:00:00+08:00\",\"actor\":\"li\"}",
	"{\"cmd\":\"reject\",\"case\":\"C3\",\"at\":\"2026-11-03T08:30:00+08:00\",\"actor\":\"gm\",\"note\":\"证据不足\"}",
	"{\"cmd\":\"followup\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"li\",\"satisfied\":true}",
	"{\"cmd\":\"request_escalation\",\"case\":\"C2\",\"at\":\"2026-11-03T09:30:00+08:00\",\"actor\":\"li2\",\"report\":\"需更换防水层，七日内无法完成\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C3\",\"at\":\"2026-11-03T09:45:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"supervisor_check\",\"case\":\"C1\",\"at\":\"2026-11-03T11:00:00+08:00\",\"actor\":\"zhao\"}",
	"{\"cmd\":\"approve\",\"case\":\"C2\",\"at\":\"2026-11-03T12:00:00+08:00\",\"actor\":\"gm\"}",
	"{\"cmd\":\"reply\",\"case\":\"C3\",\"at\":\"2026-11-03T13:00:00+08:00\",\"actor\":\"zhang\",\"text\":\"已安排物业上门\",\"promised_at\":\"2026-11-05T12:00:00+08:00\"}",
	"{\"cmd\":\"verify\",\"case\":\"C1\",\"at\":\"2026-11-03T14:00:00+08:00\",\"actor\":\"zhang\",\"outcome\":\"confirmed\"}",
	"{\"cmd\":\"record_finding\",\"at\":\"2026-11-03T15:00:00+08:00\",\"actor\":\"qa\",\"kind\":\"line_private_use\",\"person\":\"zhang\"}",
	"{\"cmd\":\"decide_measures\",\"case\":\"C2\",\"at\":\"2026-11-04T09:00:00+08:00\",\"actor\":\"li2\",\"measures\":\"请专业防水公司\",\"department_head\":\"wu2\"}",
	"{\"cmd\":\"close\",\"case\":\"C1\",\"at\":\"2026-11-04T10:00:00+08:00\",\"actor\":\"gm\"}",
	"{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2026-11\",\"amount_fen\":18000}",
	"{\"cmd\":\"complete\",\"case\":\"C3\",\"at\":\"2026-11-04T16:00:00+08:00\",\"actor\":\"li\"}",
	"{\"cmd\":\"followup\",\"case\":\"C3\",\"at\":\"2026-11-05T09:00:00+08:00\",\"actor\":\"li\",\"satisfied\":false}",
	"{\"cmd\":\"complete\",\"case\":\"C2\",\"at\":\"2026-11-10T17:00:00+08:00\",\"actor\":\"li2\"}",
	"{\"cmd\":\"followup\",\"case\":\"C2\",\"at\":\"2026-11-11T09:00:00+08:00\",\"actor\":\"li2\",\"satisfied\":true}",
	"{\"cmd\":\"correct_record\",\"case\":\"C3\",\"at\":\"2026-11-11T10:00:00+08:00\",\"actor\":\"zhang\",\"fields\":[\"matter\"],\"values\":{\"matter\":\"夜间施工噪音\"}}",
	"{\"cmd\":\"monthly_summary\",\"at\":\"2026-11-30T17:00:00+08:00\",\"actor\":\"qa\"}",
	NULL
};

static const char *const case_ids[] = { "C1", "C2", "C3", NULL };

static size_t n_commands(void)
{
	size_t n = 0;
	while (sequence[n])
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Everything a command may change, to compare before and after        */

typedef struct seen {
	char *cases[4];       /* each case's snapshot JSON, NULL when absent */
	size_t history[4];    /* each case's number of events */
	size_t org_events;
	char *directory;
	int64_t events;       /* every event, as verify_log counts them */
} seen;

static void see(hotline_db *db, seen *s)
{
	size_t i;
	memset(s, 0, sizeof(*s));
	for (i = 0; case_ids[i]; i++) {
		hotline_case *c;
		int rc = hotline_db_case(&c, db, case_ids[i]);
		if (rc == HOTLINE_ENOT_FOUND) {
			/* no events either (the history of an unknown case: none, or not_found) */
			size_t n = event_count(db, case_ids[i]);
			assert_true(n == 0 || n == (size_t)-1);
			continue;
		}
		assert_int_equal(rc, 0);
		s->cases[i] = strdup(hotline_case_json(c));
		s->history[i] = event_count(db, case_ids[i]);
		/* not torn: the snapshot's version is its number of events */
		assert_int_equal(hotline_case_version(c), (int64_t)s->history[i]);
		hotline_case_free(c);
	}
	s->org_events = event_count(db, NULL);
	assert_int_equal(hotline_db_directory(&s->directory, db, HOTLINE_TIME_NONE), 0);
	if (hotline_db_verify_log(db, NULL, &s->events) != 0)
		fail_msg("verify_log: %s", hotline_db_errmsg(db));
}

static void seen_clear(seen *s)
{
	size_t i;
	for (i = 0; i < 4; i++)
		free(s->cases[i]);
	hotline_free(s->directory);
	memset(s, 0, sizeof(*s));
}

static void assert_same(const seen *a, const seen *b, const char *what)
{
	size_t i;
	for (i = 0; case_ids[i]; i++) {
		if ((a->cases[i] == NULL) != (b->cases[i] == NULL) ||
		    (a->cases[i] && strcmp(a->cases[i], b->cases[i]) != 0))
			fail_msg("%s: case %s differs:\n  %s\n  %s", what, case_ids[i],
				a->cases[i] ? a->cases[i] : "(absent)", b->cases[i] ? b->cases[i] : "(absent)");
		assert_int_equal(a->history[i], b->history[i]);
	}
	assert_int_equal(a->org_events, b->org_events);
	if (strcmp(a->directory, b->directory) != 0)
		fail_msg("%s: the directory differs:\n  %s\n  %s", what, a->directory, b->directory);
	assert_int_equal(a->events, b->events);
}

/* ------------------------------------------------------------------ */
/* Runs                                                                */

typedef struct run {
	int sqlite;
	char path[512];
	hotline_db *db;
	faulty *f;
} run;

static void run_open(run *r, int sqlite, long fail_at)
{
	hotline_storage *inner = NULL;
	memset(r, 0, sizeof(*r));
	r->sqlite = sqlite;
	if (sqlite) {
		const char *tmp = getenv("TMPDIR");
		snprintf(r->path, sizeof(r->path), "%s/faults-%d.db", tmp ? tmp : "/tmp", (int)getpid());
		unlink(r->path);
		assert_int_equal(hotline_storage_sqlite_new(&inner, r->path, NULL), 0);
	} else {
		assert_int_equal(hotline_storage_memory_new(&inner), 0);
	}
	r->f = faulty_new(inner);
	{
		/* storage failures, not encryption, are under test: a database kept in clear on purpose */
		hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
		o.flags = HOTLINE_DB_UNENCRYPTED;
		assert_int_equal(hotline_db_open_storage(&r->db, &r->f->parent, &o), 0);
	}
	fixture_load(r->db);
	/* the N-th write from here on fails */
	r->f->writes = 0;
	r->f->fail_at = fail_at;
}

static void run_close(run *r)
{
	char side[600];
	hotline_db_close(r->db);
	if (r->sqlite) {
		unlink(r->path);
		snprintf(side, sizeof(side), "%s-wal", r->path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", r->path);
		unlink(side);
	}
}

/* What a run ends at, read back through a second handle when on SQLite. */
static void see_end(run *r, seen *out)
{
	if (r->sqlite) {
		hotline_db *other;
		char uri[600];
		snprintf(uri, sizeof(uri), "sqlite:%s", r->path);
		assert_int_equal(hotline_db_open(&other, uri, NULL), 0);
		see(other, out);
		hotline_db_close(other);
	} else {
		see(r->db, out);
	}
}

/*
 * Commands in groups of `batch` (1: no batch, one transaction each). When
 * a write fails, the group is as if never begun and is run again. Returns
 * the number of writes made (with no failure: how many there are to fail).
 */
static long run_sequence(run *r, size_t batch, seen *end)
{
	size_t n = n_commands(), i = 0;
	int recovered = 0;

	while (i < n) {
		size_t j, stop = i + batch < n ? i + batch : n;
		long injected = r->f->injected;
		int failed = 0;
		seen before, after;

		see(r->db, &before);
		if (batch > 1)
			assert_int_equal(hotline_db_begin(r->db), 0);
		for (j = i; j < stop && !failed; j++) {
			int rc = hotline_db_exec_json(r->db, sequence[j], NULL, NULL);
			if (r->f->injected != injected) {
				/* the failure reaches the caller as a storage error */
				if (rc != HOTLINE_ESTORAGE)
					fail_msg("write %ld failed in \"%s\" but it returned %d", r->f->fail_at, sequence[j], rc);
				failed = 1;
			} else if (rc != 0) {
				fail_msg("refused: %s: %s", sequence[j], hotline_db_errmsg(r->db));
			}
		}
		if (batch > 1 && !failed) {
			int rc = hotline_db_commit(r->db);
			if (r->f->injected != injected) {
				assert_int_equal(rc, HOTLINE_ESTORAGE);
				failed = 1;
			} else {
				assert_int_equal(rc, 0);
			}
		}
		if (batch > 1 && failed) {
			/* the batch has ended with the failure */
			assert_int_equal(hotline_db_commit(r->db), HOTLINE_EINVALID);
		}
		if (failed) {
			/* nothing of the command (or of its batch) remains */
			see(r->db, &after);
			assert_same(&before, &after, sequence[j - 1]);
			seen_clear(&after);
			recovered = 1;
		} else {
			i = stop;
		}
		seen_clear(&before);
	}
	if (r->f->fail_at && r->f->fail_at <= r->f->writes)
		assert_true(recovered);
	see_end(r, end);
	return r->f->writes;
}

static void faults_over_sequence(int sqlite, size_t batch)
{
	run r;
	seen reference;
	long writes, n;

	run_open(&r, sqlite, 0);
	writes = run_sequence(&r, batch, &reference);
	run_close(&r);
	assert_true(writes > (long)n_commands());

	for (n = 1; n <= writes + 1; n++) {
		seen end;
		run_open(&r, sqlite, n);
		run_sequence(&r, batch, &end);
		/* one failure, or none past the last write */
		assert_int_equal(r.f->injected, n <= writes ? 1 : 0);
		assert_same(&reference, &end, "the end of the run");
		seen_clear(&end);
		run_close(&r);
	}
	print_message("%s, %s: failed each of %ld writes in turn\n", sqlite ? "sqlite" : "memory",
		batch > 1 ? "batches" : "one transaction per command", writes);
	seen_clear(&reference);
}

static void test_memory_each_command(void **state)
{
	(void)state;
	faults_over_sequence(0, 1);
}

static void test_memory_batches(void **state)
{
	(void)state;
	faults_over_sequence(0, 4);
}

static void test_sqlite_each_command(void **state)
{
	(void)state;
	faults_over_sequence(1, 1);
}

static void test_sqlite_batches(void **state)
{
	(void)state;
	faults_over_sequence(1, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_each_command),
		cmocka_unit_test(test_memory_batches),
		cmocka_unit_test(test_sqlite_each_command),
		cmocka_unit_test(test_sqlite_batches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
