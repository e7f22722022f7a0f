/*
 * Storage: the conformance suite (libhotline-conformance/, the same one
 * vendors run on their backends) against both built-in backends, and what
 * is particular to this library: the init functions and SQLite's schema.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <hotline.h>
#include <hotline/sys/conformance.h>
#include <hotline/sys/storage.h>

typedef struct fx {
	hotline_storage *st;
	char dir[256], path[300];
	int sqlite;
} fx;

static int open_backend(fx *f)
{
	if (!f->sqlite)
		return hotline_storage_memory_new(&f->st);
	return hotline_storage_sqlite_new(&f->st, f->path, NULL);
}

static int setup(void **state, int sqlite)
{
	fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	f->sqlite = sqlite;
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-st-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/s.db", f->dir);
	if (open_backend(f) != 0)
		return -1;
	*state = f;
	return 0;
}

static int setup_memory(void **state) { return setup(state, 0); }
static int setup_sqlite(void **state) { return setup(state, 1); }

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[400];
	if (f->st)
		f->st->free(f->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static hotline_storage_case mk(const char *id, const char *prop, int state, int64_t version, hotline_time due,
	hotline_time reg)
{
	hotline_storage_case c;
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.property = prop;
	c.state = state;
	c.version = version;
	c.registered_at = reg;
	c.last_at = reg;
	c.next_due = due;
	c.head_hash = "h";
	c.body = "{\"owner\":\"王女士\"}";
	return c;
}

static hotline_storage_event mkev(const char *stream, int64_t seq)
{
	hotline_storage_event e;
	memset(&e, 0, sizeof(e));
	e.stream = stream;
	e.stream_seq = seq;
	e.cmd = "reply";
	e.actor = "zhang";
	e.at = 1000 + seq;
	e.body = "{\"text\":\"已安排\"}";
	e.prev_hash = seq > 1 ? "p" : "";
	e.hash = "hh";
	return e;
}

typedef struct got {
	int n;
	char ids[16][32];
	int64_t version;
	char body[128];
	char property[32];
	hotline_time registered_at;
} got;

static int collect(const hotline_storage_case *c, void *p)
{
	got *g = p;
	if (g->n < 16)
		snprintf(g->ids[g->n], 32, "%s", c->id);
	snprintf(g->property, sizeof(g->property), "%s", c->property);
	g->registered_at = c->registered_at;
	g->n++;
	g->version = c->version;
	snprintf(g->body, sizeof(g->body), "%s", c->body);
	return 0;
}

static void test_init(void **state)
{
	hotline_storage s;
	hotline_sqlite_options o;
	(void)state;
	assert_int_equal(hotline_storage_init(&s, 0), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_init(&s, HOTLINE_STORAGE_VERSION + 1), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_init(NULL, 1), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_init(&s, HOTLINE_STORAGE_VERSION), 0);
	assert_int_equal(s.version, HOTLINE_STORAGE_VERSION);
	assert_null(s.begin);
	assert_int_equal(hotline_sqlite_options_init(&o, 1), 0);
	assert_int_equal(o.busy_timeout_ms, 5000);
	assert_int_equal(hotline_sqlite_options_init(&o, 9), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_memory_new(NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_storage_sqlite_new(NULL, "x", NULL), HOTLINE_EINVALID);
}

/* ---- SQLite specifics ---- */

static int sql_int(const char *path, const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	int v = -1;
	sqlite3_open(path, &s);
	if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return v;
}

static char plan[2048];
static void explain(const char *path, const char *sql)
{
	sqlite3 *s;
	sqlite3_stmt *st;
	char q[600];
	plan[0] = '\0';
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_open(path, &s);
	if (sqlite3_prepare_v2(s, q, -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			strncat(plan, (const char *)sqlite3_column_text(st, 3), sizeof(plan) - strlen(plan) - 2), strcat(plan, "|");
	sqlite3_finalize(st);
	sqlite3_close(s);
}

static void test_sqlite_schema(void **state)
{
	fx *f = *state;
	hotline_storage *other = NULL;
	hotline_sqlite_options o = HOTLINE_SQLITE_OPTIONS_INIT;
	hotline_storage_case c = mk("C1", "P1", 0, 1, 500, 100);
	hotline_storage_event e = mkev("C1", 1);
	got g;
	assert_int_equal(f->st->begin(f->st, 1), 0);
	assert_int_equal(f->st->case_put(f->st, &c, 0), 0);
	assert_int_equal(f->st->event_append(f->st, &e, NULL), 0);
	assert_int_equal(f->st->commit(f->st), 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 4);
	assert_int_equal(sql_int(f->path, "PRAGMA application_id"), 0x484C494E);
	/* the log is append-only at the SQL level */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND tbl_name='events'"), 2);
	/* the sweep and the assessment queries use their indexes */
	explain(f->path, "SELECT id FROM cases WHERE 1 AND next_due IS NOT NULL AND next_due < 5 ORDER BY next_due, id LIMIT 100");
	assert_non_null(strstr(plan, "cases_next_due"));
	assert_null(strstr(plan, "SCAN cases|"));
	explain(f->path, "SELECT id FROM cases WHERE 1 AND property = 'P1' AND registered_at >= 1 AND registered_at < 9 ORDER BY id");
	assert_non_null(strstr(plan, "cases_property_registered"));
	/* survives close and reopen */
	f->st->free(f->st);
	f->st = NULL;
	assert_int_equal(hotline_storage_sqlite_new(&f->st, f->path, NULL), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(f->st->case_get(f->st, "C1", collect, &g), 0);
	/* busy: a second handle cannot take the write lock while the first holds it */
	o.busy_timeout_ms = 100;
	o.synchronous = 2;
	assert_int_equal(hotline_storage_sqlite_new(&other, f->path, &o), 0);
	assert_int_equal(f->st->begin(f->st, 1), 0);
	assert_int_equal(other->begin(other, 1), HOTLINE_EBUSY);
	assert_non_null(strstr(other->errmsg(other), "busy"));
	assert_int_equal(f->st->rollback(f->st), 0);
	other->free(other);
	/* a newer schema or another application's file is refused */
	f->st->free(f->st);
	f->st = NULL;
	sql_int(f->path, "PRAGMA user_version = 99");
	assert_int_equal(hotline_storage_sqlite_new(&f->st, f->path, NULL), HOTLINE_ESTORAGE);
	sql_int(f->path, "PRAGMA user_version = 1");
	sql_int(f->path, "PRAGMA application_id = 12345");
	assert_int_equal(hotline_storage_sqlite_new(&f->st, f->path, NULL), HOTLINE_ESTORAGE);
	assert_null(f->st);
}

/* ---- the conformance suite on the built-in backends ---- */

typedef struct conf_ctx {
	char dir[256], path[300];
	int sqlite, n;
} conf_ctx;

static hotline_storage *conf_make(void *p)
{
	conf_ctx *c = p;
	hotline_storage *st = NULL;
	if (!c->sqlite)
		return hotline_storage_memory_new(&st) == 0 ? st : NULL;
	/* a new file per test case: the factory's backend starts empty */
	snprintf(c->path, sizeof(c->path), "%s/conf-%d.db", c->dir, ++c->n);
	return hotline_storage_sqlite_new(&st, c->path, NULL) == 0 ? st : NULL;
}

static hotline_storage *conf_reopen(void *p)
{
	conf_ctx *c = p;
	hotline_storage *st = NULL;
	return hotline_storage_sqlite_new(&st, c->path, NULL) == 0 ? st : NULL;
}

static void conf_cleanup(void *p)
{
	conf_ctx *c = p;
	char path[320];
	const char *suffix[] = { "", "-wal", "-shm" };
	size_t i;
	if (!c->sqlite)
		return;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", c->path, suffix[i]);
		unlink(path);
	}
}

static void test_conformance(void **state)
{
	fx *f = *state;
	conf_ctx c;
	hotline_conformance_options o = HOTLINE_CONFORMANCE_OPTIONS_INIT;
	memset(&c, 0, sizeof(c));
	c.sqlite = f->sqlite;
	snprintf(c.dir, sizeof(c.dir), "%s", f->dir);
	o.name = f->sqlite ? "sqlite" : "memory";
	o.cleanup = conf_cleanup;
	if (f->sqlite)
		o.reopen = conf_reopen; /* the memory store lives in its one handle */
	assert_int_equal(hotline_conformance_run(conf_make, &c, &o), 0);
}

/* The runner's own contract: arguments, options, a factory that fails, a filter. */
static hotline_storage *null_make(void *p)
{
	(*(int *)p)++;
	return NULL;
}

/* The memory backend with one callback broken, with only what is required, or refused at attach. */
static int (*real_stream_head)(hotline_storage *, const char *, int64_t *, char[65]);
static int wrong_stream_head(hotline_storage *st, const char *stream, int64_t *seq, char hash[65])
{
	int rc = real_stream_head(st, stream, seq, hash);
	*seq += 1;
	return rc;
}

/* Leases that end at once: claims are no longer disjoint. */
static int (*real_claim_due)(hotline_storage *, hotline_time, size_t, int, const char *, hotline_storage_case_cb, void *);
static int leaseless_claim_due(hotline_storage *st, hotline_time before, size_t limit, int lease_seconds,
	const char *worker, hotline_storage_case_cb cb, void *payload)
{
	(void)lease_seconds;
	return real_claim_due(st, before, limit, 0, worker, cb, payload);
}
static const hotline_storage_claims leaseless = { leaseless_claim_due };

static int no_seq(hotline_storage *st, int64_t *seq_out)
{
	(void)st;
	*seq_out = 0;
	return 0;
}

static hotline_storage_keys half_keys;

enum {
	M_STREAM_HEAD = 1, M_REQUIRED_ONLY, M_LEASELESS, /* run, and judged by the suite */
	M_HALF_KEYS, M_VERSION, M_NO_EVENTS_SINCE, M_OVERLAP_NO_SEQ, M_SEQ_NO_OVERLAP, M_UNKNOWN_BIT, M_HALF_CLAIMS
};
static const hotline_storage_claims no_claim = { NULL };

static hotline_storage *mutant_make(void *p)
{
	hotline_storage *st = NULL;
	if (hotline_storage_memory_new(&st) != 0)
		return NULL;
	switch (*(int *)p) {
	case M_STREAM_HEAD:
		real_stream_head = st->stream_head;
		st->stream_head = wrong_stream_head;
		break;
	case M_REQUIRED_ONLY:
		/* no ability, no optional callback, no group */
		st->capabilities = 0;
		st->errmsg = NULL;
		st->data_version = NULL;
		st->events_after = NULL;
		st->keys = NULL;
		st->claims = NULL;
		break;
	case M_LEASELESS:
		real_claim_due = st->claims->claim_due;
		st->claims = &leaseless;
		break;
	case M_HALF_KEYS:
		half_keys = *st->keys;
		half_keys.case_keys_foreach = NULL;
		st->keys = &half_keys;
		break;
	case M_VERSION:
		st->version = 2;
		break;
	case M_NO_EVENTS_SINCE:
		st->events_since = NULL;
		break;
	case M_OVERLAP_NO_SEQ:
		st->capabilities |= HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS;
		break;
	case M_SEQ_NO_OVERLAP:
		st->stable_seq = no_seq;
		break;
	case M_UNKNOWN_BIT:
		st->capabilities |= 1u << 20;
		break;
	case M_HALF_CLAIMS:
		st->claims = &no_claim;
		break;
	}
	return st;
}

/* What attaching each broken backend says: exactly what is missing or wrong. */
static const struct {
	int mode;
	const char *message;
} refused[] = {
	{ M_HALF_KEYS, "storage backend: group 'keys' lacks case_keys_foreach" },
	{ M_HALF_CLAIMS, "storage backend: group 'claims' lacks claim_due" },
	{ M_VERSION, "storage backend: unsupported hotline_storage version 2 (this library knows 1)" },
	{ M_NO_EVENTS_SINCE, "storage backend lacks required callback 'events_since'" },
	{ M_OVERLAP_NO_SEQ, "storage backend: HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS needs the stable_seq callback" },
	{ M_SEQ_NO_OVERLAP, "storage backend: stable_seq is set without HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS "
		"(it serves only backends whose writers overlap)" },
	{ M_UNKNOWN_BIT, "storage backend: unknown capability bits 0x100000" },
};

/*
 * Every check is made when a backend is attached: a broken one is refused
 * there, before any command, with a message naming what is wrong (and the
 * handle frees it when its free can be trusted), hotline_storage_check says
 * the same, and the conformance suite fails its struct case with it.
 */
static void test_attach_refuses(void **state)
{
	hotline_conformance_options o = HOTLINE_CONFORMANCE_OPTIONS_INIT;
	size_t i;
	(void)state;
	o.quiet = 1;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int mode = refused[i].mode;
		hotline_storage *st = mutant_make(&mode);
		hotline_db *db = NULL;
		hotline_db_options dbo = HOTLINE_DB_OPTIONS_INIT;
		assert_non_null(st);
		assert_int_equal(hotline_storage_check(st), HOTLINE_EINVALID);
		assert_string_equal(hotline_last_error(), refused[i].message);
		dbo.flags = HOTLINE_DB_UNENCRYPTED;
		assert_int_equal(hotline_db_open_storage(&db, st, &dbo), HOTLINE_EINVALID);
		assert_null(db);
		assert_string_equal(hotline_last_error(), refused[i].message);
		if (mode == M_VERSION) {
			/* a struct of another version is not trusted, not even its free: the caller keeps it */
			st->version = HOTLINE_STORAGE_VERSION;
			st->free(st);
		}
		/* the suite: its struct case fails with the message, the others are skipped */
		o.name = refused[i].message;
		assert_int_equal(hotline_conformance_run(mutant_make, &mode, &o), 1);
	}
	assert_int_equal(hotline_storage_check(NULL), HOTLINE_EINVALID);
	assert_string_equal(hotline_last_error(), "storage backend is NULL");
	/* the built-in backends pass */
	{
		hotline_storage *st;
		assert_int_equal(hotline_storage_memory_new(&st), 0);
		assert_int_equal(hotline_storage_check(st), 0);
		st->free(st);
	}
}

static void test_conformance_runner(void **state)
{
	hotline_conformance_options o;
	int calls = 0, failures, mode;
	(void)state;
	assert_int_equal(hotline_conformance_options_init(&o, 2), HOTLINE_EINVALID);
	assert_int_equal(hotline_conformance_options_init(NULL, 1), HOTLINE_EINVALID);
	assert_int_equal(hotline_conformance_options_init(&o, HOTLINE_CONFORMANCE_OPTIONS_VERSION), 0);
	assert_null(o.filter);
	assert_null(o.reopen);
	assert_int_equal(hotline_conformance_run(NULL, NULL, &o), HOTLINE_EINVALID);
	o.version = 99;
	assert_int_equal(hotline_conformance_run(null_make, &calls, &o), HOTLINE_EINVALID);
	assert_int_equal(calls, 0);
	/* each test case asks the factory for a fresh backend; NULL fails that case */
	o.version = HOTLINE_CONFORMANCE_OPTIONS_VERSION;
	o.name = "nothing";
	o.filter = "peer_";
	assert_int_equal(hotline_conformance_run(null_make, &calls, &o), 2);
	assert_int_equal(calls, 2);
	calls = 0;
	failures = hotline_conformance_run(null_make, &calls, NULL);
	assert_true(calls >= 11);
	assert_int_equal(failures, calls);
	/* a backend that breaks the contract fails */
	o.name = "broken stream_head";
	o.filter = NULL;
	o.quiet = 1;
	mode = M_STREAM_HEAD;
	assert_int_equal(hotline_conformance_run(mutant_make, &mode, &o), 5); /* empty, read_own_writes, rollback, events, begin_org */
	/* only the required callbacks: every optional case is skipped, none fails */
	o.name = "required only";
	o.quiet = 0;
	mode = M_REQUIRED_ONLY;
	assert_int_equal(hotline_conformance_run(mutant_make, &mode, &o), 0);
	/* leases that do not hold make every claim case fail */
	o.name = "leases that end at once";
	o.filter = "claim_due";
	mode = M_LEASELESS;
	assert_int_equal(hotline_conformance_run(mutant_make, &mode, &o), 3);
	/* half a group is refused at attach: the struct case fails, the rest is skipped */
	o.name = "half of the keys group";
	o.filter = NULL;
	o.quiet = 0;
	mode = M_HALF_KEYS;
	assert_int_equal(hotline_conformance_run(mutant_make, &mode, &o), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_conformance_runner),
		cmocka_unit_test(test_attach_refuses),
		cmocka_unit_test_setup_teardown(test_conformance, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_conformance, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_schema, setup_sqlite, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
