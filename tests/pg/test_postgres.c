/*
 * The PostgreSQL backend against a real server (tests/pg/start.sh starts a
 * throw-away cluster and writes its connection string): the conformance
 * suite, the schema and its protection, open modes, the library's flows
 * through "postgres:" URIs, read_uri, claims by several workers, and many
 * processes and threads writing at once. Exits 77 (skipped) when no
 * cluster was started (no PostgreSQL server binaries).
 *
 *   test_postgres CONNINFO_FILE [--concurrency-only | --only=TEST_NAME_PATTERN | --writers=P,T,N | --twins=ROUNDS |
 *                                --many-groups=COMMANDS]
 *
 * --writers measures P processes x T threads x N replies on one case against
 * the same on a case per thread (the suite runs 4,4,10); --twins runs the
 * same-command_id race ROUNDS times through 8 handles (the suite runs 48);
 * --many-groups runs test_many_groups with COMMANDS per writer (the suite 60).
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <hotline.h>

/* Owners' data are kept encrypted here too, as a real installation does. */
static const unsigned char pg_key[HOTLINE_KEY_BYTES] = "postgres-test-key-0123456789abcd";
#include <hotline/sys/conformance.h>
#include <hotline/sys/storage.h>

#include "core_fixture.h"
#include "calendar_month.h"
#include "policy_record.h"
#include "feed_fixture.h"
#include "policy_change.h"
#include "log_check.h"

#include "core/report.h"

static char base[512];   /* the cluster's connection string */
static char pooler[512]; /* --pooler: PgBouncer's, without dbname (a database entry per schema) */
static char workdir[512];

/* ---- helpers ---- */

static void admin(const char *fmt, ...)
{
	char sql[1024];
	va_list ap;
	PGconn *c = PQconnectdb(base);
	PGresult *r;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

/* A new, empty schema; its connection string into out (the search path names it). */
static void fresh_schema(char *out, size_t n, const char *name)
{
	admin("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
	if (*pooler)
		snprintf(out, n, "%s dbname=%s", pooler, name);
	else
		snprintf(out, n, "%s options='-csearch_path=%s'", base, name);
}

static void uri_of(char *out, size_t n, const char *conninfo)
{
	snprintf(out, n, "postgres:%s", conninfo);
}

static hotline_db *open_db(const char *conninfo, int mode, const char *read_conninfo)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	char uri[700], ruri[700];
	hotline_db *db = NULL;
	uri_of(uri, sizeof(uri), conninfo);
	o.mode = mode;
	o.key = pg_key;
	o.key_id = "pg-test";
	if (read_conninfo) {
		uri_of(ruri, sizeof(ruri), read_conninfo);
		o.read_uri = ruri;
	}
	if (hotline_db_open(&db, uri, &o) != 0)
		fail_msg("open %s: %s", uri, hotline_last_error());
	return db;
}

/* T(): calendar_month.h */

/* the advisory locks' keys as the library's writers take them: the schema's OID, then the organisation stream's or the seq lock's */
#define SCHEMA_KEY "(SELECT oid::int8::int4 FROM pg_namespace WHERE nspname = current_schema())"
#define ORG_LOCK SCHEMA_KEY ", 2"
#define SEQ_LOCK SCHEMA_KEY ", 3"

/*
 * Round trips, counted where libpq sends: every request it writes to the
 * server (a query, or a pipeline up to its sync) is one send(), answered
 * before the next one that waits. This definition stands in for the C
 * library's in libpq's calls.
 */
static volatile int counting_sends;
static long sends;

__attribute__((visibility("default"))) ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	static ssize_t (*real)(int, const void *, size_t, int);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "send");
	if (counting_sends)
		sends++;
	return real(fd, buf, n, flags);
}

/* ---- the conformance suite ---- */

typedef struct conf_ctx {
	char conninfo[700];
	int n;
} conf_ctx;

static hotline_storage *conf_make(void *p)
{
	conf_ctx *c = p;
	hotline_storage *st = NULL;
	char name[32];
	/* a new schema per test case: the factory's backend starts empty */
	snprintf(name, sizeof(name), "conf_%d", ++c->n);
	fresh_schema(c->conninfo, sizeof(c->conninfo), name);
	return hotline_storage_postgres_new(&st, c->conninfo, NULL) == 0 ? st : NULL;
}

static hotline_storage *conf_reopen(void *p)
{
	conf_ctx *c = p;
	hotline_storage *st = NULL;
	return hotline_storage_postgres_new(&st, c->conninfo, NULL) == 0 ? st : NULL;
}

static void test_conformance(void **state)
{
	conf_ctx c;
	hotline_conformance_options o = HOTLINE_CONFORMANCE_OPTIONS_INIT;
	(void)state;
	memset(&c, 0, sizeof(c));
	o.name = "postgres";
	o.reopen = conf_reopen;
	assert_int_equal(hotline_conformance_run(conf_make, &c, &o), 0);
}

/* ---- the schema, its protection, open modes ---- */

static int count_findings(const char *code, const char *message, void *p)
{
	(void)code;
	(void)message;
	(*(int *)p)++;
	return 0;
}

static void test_schema(void **state)
{
	char ci[700], sql[900];
	hotline_storage *st = NULL, *ro = NULL;
	hotline_postgres_options po = HOTLINE_POSTGRES_OPTIONS_INIT;
	hotline_storage_event e;
	PGconn *c;
	PGresult *r;
	int findings = 0;
	(void)state;
	fresh_schema(ci, sizeof(ci), "schema_t");
	/* the library's own keyword: checked before connecting, and taken out of what libpq reads, in both forms */
	assert_int_equal(hotline_storage_postgres_new(&st, "host=/nonexistent hotline_statements=maybe", NULL), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_last_error(), "hotline_statements is 'named' or 'unnamed'"));
	assert_int_equal(hotline_storage_postgres_new(&st, "postgresql:///x?hotline_statements=&sslmode=disable", NULL),
		HOTLINE_EINVALID);
	assert_null(st);
	assert_int_equal(hotline_storage_postgres_new(&st, "postgresql:///x?hotline_notify=no", NULL), HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_last_error(), "hotline_notify 'on' or 'off'"));
	assert_null(st);
	snprintf(sql, sizeof(sql), "%s hotline_statements = 'unnamed'", ci);
	po.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(hotline_storage_postgres_new(&st, sql, &po), 0);
	assert_non_null(st->wait_commit);
	st->free(st);
	/* without NOTIFY a waiting consumer polls: no wait_commit */
	snprintf(sql, sizeof(sql), "%s hotline_notify=off", ci);
	assert_int_equal(hotline_storage_postgres_new(&st, sql, &po), 0);
	assert_null(st->wait_commit);
	st->free(st);
	admin("DROP SCHEMA schema_t CASCADE; CREATE SCHEMA schema_t");
	st = NULL;
	/* read-only and read-write never create the schema */
	po.mode = HOTLINE_OPEN_READ_ONLY;
	assert_int_equal(hotline_storage_postgres_new(&ro, ci, &po), HOTLINE_ESTORAGE);
	assert_non_null(strstr(hotline_last_error(), "not a libhotline database"));
	po.mode = HOTLINE_OPEN_READ_WRITE;
	assert_int_equal(hotline_storage_postgres_new(&ro, ci, &po), HOTLINE_ESTORAGE);
	po.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(hotline_storage_postgres_new(&st, ci, &po), 0);
	memset(&e, 0, sizeof(e));
	e.stream = "C1";
	e.stream_seq = 1;
	e.cmd = "register";
	e.actor = "zhang";
	e.at = 100;
	e.body = "{}";
	e.prev_hash = "";
	e.hash = "h1";
	e.id = "ev-1";
	assert_int_equal(st->begin(st, 1), 0);
	assert_int_equal(st->event_append(st, &e, NULL), 0);
	assert_int_equal(st->commit(st), 0);
	/* the log is append-only at the SQL level */
	c = PQconnectdb(ci);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	r = PQexec(c, "SELECT version FROM schema_version");
	assert_string_equal(PQgetvalue(r, 0, 0), "2");
	PQclear(r);
	r = PQexec(c, "UPDATE events SET body = 'x'");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	assert_non_null(strstr(PQresultErrorMessage(r), "append-only"));
	PQclear(r);
	r = PQexec(c, "DELETE FROM events");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	r = PQexec(c, "TRUNCATE events");
	assert_int_equal(PQresultStatus(r), PGRES_FATAL_ERROR);
	PQclear(r);
	/* the sweep uses its index (with sequential scans made expensive, as on a large table) */
	r = PQexec(c, "SET enable_seqscan = off");
	PQclear(r);
	r = PQexec(c, "EXPLAIN SELECT id FROM cases WHERE next_due IS NOT NULL AND next_due < 5 ORDER BY next_due, id LIMIT 100");
	sql[0] = '\0';
	for (int i = 0; i < PQntuples(r); i++)
		strncat(sql, PQgetvalue(r, i, 0), sizeof(sql) - strlen(sql) - 1);
	PQclear(r);
	assert_non_null(strstr(sql, "cases_next_due"));
	/* a read-only handle reads, and refuses to write */
	po.mode = HOTLINE_OPEN_READ_ONLY;
	assert_int_equal(hotline_storage_postgres_new(&ro, ci, &po), 0);
	assert_int_equal(ro->begin(ro, 1), 0);
	e.stream_seq = 2;
	e.id = "ev-2";
	assert_int_equal(ro->event_append(ro, &e, NULL), HOTLINE_ESTORAGE);
	assert_non_null(strstr(ro->errmsg(ro), "read-only"));
	assert_int_equal(ro->rollback(ro), 0);
	/* check_protection: nothing to say, then a dropped, a disabled and a replaced trigger */
	assert_int_equal(st->check_protection(st, count_findings, &findings), 0);
	assert_int_equal(findings, 0);
	PQclear(PQexec(c, "DROP TRIGGER events_no_delete ON events"));
	PQclear(PQexec(c, "ALTER TABLE events DISABLE TRIGGER events_no_update"));
	PQclear(PQexec(c, "CREATE OR REPLACE FUNCTION hotline_events_append_only() RETURNS trigger LANGUAGE plpgsql"
		" AS $$BEGIN RETURN NEW; END$$"));
	assert_int_equal(st->check_protection(st, count_findings, &findings), 0);
	assert_int_equal(findings, 3);
	/* a newer schema is refused; so is a schema with somebody else's tables */
	PQclear(PQexec(c, "UPDATE schema_version SET version = 99"));
	PQfinish(c);
	st->free(st);
	ro->free(ro);
	st = NULL;
	assert_int_equal(hotline_storage_postgres_new(&st, ci, NULL), HOTLINE_ESTORAGE);
	assert_non_null(strstr(hotline_last_error(), "newer"));
	fresh_schema(ci, sizeof(ci), "schema_foreign");
	snprintf(sql, sizeof(sql), "CREATE TABLE schema_foreign.invoices(id int)");
	admin("%s", sql);
	assert_int_equal(hotline_storage_postgres_new(&st, ci, NULL), HOTLINE_ESTORAGE);
	assert_non_null(strstr(hotline_last_error(), "other tables"));
	/* a server that is not there */
	assert_int_equal(hotline_storage_postgres_new(&st, "host=/nonexistent dbname=x connect_timeout=2", NULL), HOTLINE_ESTORAGE);
	assert_non_null(strstr(hotline_last_error(), "cannot connect"));
}

/* ---- the library's flows on a postgres: URI ---- */

static void test_db_flow(void **state)
{
	char ci[700], ci_ro[700];
	hotline_db *db, *db2, *ro;
	hotline_case_list *l;
	int64_t checked = 0, v = 0, seq = 0, seq2 = 0;
	int repeated = 0;
	(void)state;
	fresh_schema(ci, sizeof(ci), "flow");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	/* a wrong transition is refused and changes nothing */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"close\",\"case\":\"C1\",\"at\":\"2026-11-02T09:30:00+08:00\",\"actor\":\"gm\"}"),
		HOTLINE_EINVALID_TRANSITION);
	assert_int_equal(case_state(db, "C1", NULL, &v), HOTLINE_STATE_DISPATCHED);
	assert_int_equal(v, 2);
	/* a second handle (another app server) sees it and continues the case; the first notices */
	db2 = open_db(ci, HOTLINE_OPEN_READ_WRITE, NULL);
	assert_int_equal(exec_fmt(db2, "{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"已安排\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-02T10:05:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"再次答复\"}"), 0);
	assert_int_equal(event_count(db2, "C1"), 4);
	/* a stale expect_version is a conflict */
	assert_int_equal(exec_fmt(db2, "{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-02T10:06:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"x\",\"expect_version\":3}"), HOTLINE_ECONFLICT);
	/* a retried command is applied once, from whichever app server */
	assert_int_equal(hotline_db_exec_json(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:10:00+08:00\",\"agent\":\"zhang\","
		"\"rings\":2,\"answered\":true,\"command_id\":\"call-1\"}", &seq, &repeated), 0);
	assert_int_equal(repeated, 0);
	assert_int_equal(hotline_db_exec_json(db2, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:10:00+08:00\",\"agent\":\"zhang\","
		"\"rings\":2,\"answered\":true,\"command_id\":\"call-1\"}", &seq2, &repeated), 0);
	assert_int_equal(repeated, 1);
	assert_int_equal(seq, seq2);
	/* batches: all or nothing */
	assert_int_equal(hotline_db_begin(db), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C2\",\"at\":\"2026-11-03T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P2\",\"room\":\"1-101\",\"owner\":\"李先生\",\"phone\":\"13900000000\",\"matter\":\"漏水\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li2\"}"), 0);
	assert_int_equal(hotline_db_rollback(db), 0);
	assert_int_equal(case_state(db2, "C2", NULL, NULL), -1);
	/* sweeps and lists, also through a read-only connection given as read_uri */
	snprintf(ci_ro, sizeof(ci_ro), "%s", ci);
	ro = open_db(ci, HOTLINE_OPEN_READ_WRITE, ci_ro);
	assert_int_equal(hotline_db_sweep(&l, ro, T("2027-01-01T00:00:00+08:00"), 0), 0);
	assert_int_equal(hotline_case_list_count(l), 1);
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_cases(&l, ro, NULL), 0);
	assert_int_equal(hotline_case_list_count(l), 1);
	hotline_case_list_free(l);
	{
		char *doc = NULL;
		assert_int_equal(hotline_db_assess(&doc, ro, T("2026-11-30T00:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
		assert_non_null(strstr(doc, "\"penalties\""));
		hotline_free(doc);
	}
	hotline_db_close(ro);
	/* a handle opened read-only refuses commands */
	ro = open_db(ci, HOTLINE_OPEN_READ_ONLY, NULL);
	assert_int_equal(exec_fmt(ro, "{\"cmd\":\"reply\",\"case\":\"C1\",\"at\":\"2026-11-02T11:00:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"x\"}"), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_verify_log(ro, NULL, &checked), 0);
	assert_true(checked >= 16);
	hotline_db_close(ro);
	hotline_db_close(db2);
	hotline_db_close(db);
}

/* ---- claims: workers in several processes get disjoint cases ---- */

#define CLAIM_CASES 30
#define CLAIM_WORKERS 3

static void register_cases(hotline_db *db, const char *prefix, int n)
{
	int i;
	for (i = 0; i < n; i++)
		if (exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s%03d\",\"at\":\"2026-11-02T09:%02d:00+08:00\",\"actor\":\"zhang\","
			"\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"灯\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", prefix, i, i % 60) != 0)
			fail_msg("register: %s", hotline_db_errmsg(db));
}

static void test_claims(void **state)
{
	char ci[700], path[600], line[64];
	hotline_db *db;
	hotline_case_list *l;
	int w, seen[CLAIM_CASES], total = 0, i;
	hotline_time before = T("2027-01-01T00:00:00+08:00");
	(void)state;
	fresh_schema(ci, sizeof(ci), "claims");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	register_cases(db, "K", CLAIM_CASES);
	hotline_db_close(db);
	for (w = 0; w < CLAIM_WORKERS; w++) {
		pid_t pid = fork();
		if (pid == 0) {
			char name[16];
			FILE *f;
			hotline_db *wdb = NULL;
			hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
			char uri[700];
			snprintf(name, sizeof(name), "w%d", w);
			snprintf(path, sizeof(path), "%s/claims-%d", workdir, w);
			f = fopen(path, "w");
			uri_of(uri, sizeof(uri), ci);
			o.mode = HOTLINE_OPEN_READ_WRITE;
			o.key = pg_key;
			o.key_id = "pg-test";
			if (!f || hotline_db_open(&wdb, uri, &o) != 0)
				_exit(2);
			/* small pages until nothing is left, all workers at once */
			for (;;) {
				size_t k, n;
				if (hotline_db_claim_due(wdb, before, 4, 60, name, &l) != 0)
					_exit(3);
				n = hotline_case_list_count(l);
				for (k = 0; k < n; k++)
					fprintf(f, "%s\n", hotline_case_id(hotline_case_list_get(l, k)));
				hotline_case_list_free(l);
				if (n == 0)
					break;
				nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
			}
			fclose(f);
			hotline_db_close(wdb);
			_exit(0);
		}
	}
	for (w = 0; w < CLAIM_WORKERS; w++) {
		int status;
		wait(&status);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	memset(seen, 0, sizeof(seen));
	for (w = 0; w < CLAIM_WORKERS; w++) {
		FILE *f;
		snprintf(path, sizeof(path), "%s/claims-%d", workdir, w);
		assert_non_null(f = fopen(path, "r"));
		while (fgets(line, sizeof(line), f)) {
			i = atoi(line + 1);
			assert_true(i >= 0 && i < CLAIM_CASES);
			seen[i]++;
			total++;
		}
		fclose(f);
		unlink(path);
	}
	/* every due case claimed exactly once */
	for (i = 0; i < CLAIM_CASES; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(total, CLAIM_CASES);
	/* leased cases are not claimed again until the lease ends */
	db = open_db(ci, HOTLINE_OPEN_READ_WRITE, NULL);
	assert_int_equal(hotline_db_claim_due(db, before, 0, 60, "late", &l), 0);
	assert_int_equal(hotline_case_list_count(l), 0);
	hotline_case_list_free(l);
	admin("UPDATE claims.claims SET until = until - 120 WHERE case_id < 'K005'");
	assert_int_equal(hotline_db_claim_due(db, before, 0, 60, "late", &l), 0);
	assert_int_equal(hotline_case_list_count(l), 5);
	assert_string_equal(hotline_case_id(hotline_case_list_get(l, 0)), "K000");
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_claim_due(db, before, 0, 0, "late", &l), HOTLINE_EINVALID);
	hotline_db_close(db);
}

/* ---- many processes and threads writing at once ---- */

#define PROCS 4
#define THREADS 3
#define ROUNDS 25

typedef struct worker {
	char conninfo[700];
	int proc, thread;
	int done, conflicts, errors;
	char err[256];
} worker;

static void *write_loop(void *p)
{
	worker *w = p;
	hotline_db *db = NULL;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	char uri[760], path[600];
	FILE *acks;
	int k, rc;
	uri_of(uri, sizeof(uri), w->conninfo);
	o.mode = HOTLINE_OPEN_READ_WRITE;
	o.key = pg_key;
	o.key_id = "pg-test";
	snprintf(path, sizeof(path), "%s/acks-%d-%d", workdir, w->proc, w->thread);
	if (!(acks = fopen(path, "w")) || hotline_db_open(&db, uri, &o) != 0) {
		snprintf(w->err, sizeof(w->err), "open: %s", hotline_last_error());
		w->errors++;
		if (acks)
			fclose(acks);
		return NULL;
	}
	for (k = 0; k < ROUNDS; k++) {
		char cmd[1024], id[64];
		/* its own case: registered, then replies */
		snprintf(id, sizeof(id), "own-%d-%d-%d", w->proc, w->thread, k);
		if (k == 0)
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"register\",\"case\":\"W%d-%d\",\"at\":\"2026-11-02T09:00:00+08:00\","
				"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
				"\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"command_id\":\"%s\"}", w->proc, w->thread, id);
		else
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"reply\",\"case\":\"W%d-%d\",\"at\":\"2026-11-02T10:00:00+08:00\","
				"\"actor\":\"zhang\",\"text\":\"%d\",\"command_id\":\"%s\"}", w->proc, w->thread, k, id);
		rc = hotline_db_exec_json(db, cmd, NULL, NULL);
		if (rc == 0) {
			fprintf(acks, "%s\n", id);
			w->done++;
		} else {
			snprintf(w->err, sizeof(w->err), "%s: %s", id, hotline_db_errmsg(db));
			w->errors++;
		}
		/* the one case everybody writes to; every other time expecting the version just read (a race to lose) */
		snprintf(id, sizeof(id), "shared-%d-%d-%d", w->proc, w->thread, k);
		if (k % 2) {
			int64_t v = 0;
			hotline_case *c = NULL;
			if (hotline_db_case(&c, db, "S") == 0)
				v = hotline_case_version(c);
			hotline_case_free(c);
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"reply\",\"case\":\"S\",\"at\":\"2026-11-02T10:00:00+08:00\","
				"\"actor\":\"zhang\",\"text\":\"%d\",\"command_id\":\"%s\",\"expect_version\":%" PRId64 "}", k, id, v);
		} else {
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"reply\",\"case\":\"S\",\"at\":\"2026-11-02T10:00:00+08:00\","
				"\"actor\":\"zhang\",\"text\":\"%d\",\"command_id\":\"%s\"}", k, id);
		}
		rc = hotline_db_exec_json(db, cmd, NULL, NULL);
		if (rc == 0) {
			fprintf(acks, "%s\n", id);
			w->done++;
		} else if (rc == HOTLINE_ECONFLICT) {
			w->conflicts++;
		} else {
			snprintf(w->err, sizeof(w->err), "%s: %s", id, hotline_db_errmsg(db));
			w->errors++;
		}
		/* calls: the organisation stream, also written by everybody */
		if (k % 5 == 0) {
			snprintf(id, sizeof(id), "call-%d-%d-%d", w->proc, w->thread, k);
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"zhang\","
				"\"rings\":1,\"answered\":true,\"command_id\":\"%s\"}", id);
			rc = hotline_db_exec_json(db, cmd, NULL, NULL);
			if (rc == 0) {
				fprintf(acks, "%s\n", id);
				w->done++;
			} else if (rc == HOTLINE_ECONFLICT) {
				w->conflicts++;
			} else {
				snprintf(w->err, sizeof(w->err), "%s: %s", id, hotline_db_errmsg(db));
				w->errors++;
			}
		}
	}
	fclose(acks);
	hotline_db_close(db);
	return NULL;
}

static void test_concurrency(void **state)
{
	char ci[700], path[700];
	hotline_db *db;
	hotline_storage *st = NULL;
	int p, t, done = 0, conflicts = 0, errors = 0, acked = 0, missing = 0, bad = 0;
	int64_t checked = 0;
	log_check org;
	struct timespec t0, t1;
	(void)state;
	fresh_schema(ci, sizeof(ci), "concurrency");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"S\",\"at\":\"2026-11-02T09:00:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"S\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\"}"), 0);
	hotline_db_close(db);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (p = 0; p < PROCS; p++) {
		if (fork() == 0) {
			pthread_t th[THREADS];
			worker ws[THREADS];
			FILE *f;
			for (t = 0; t < THREADS; t++) {
				memset(&ws[t], 0, sizeof(ws[t]));
				snprintf(ws[t].conninfo, sizeof(ws[t].conninfo), "%s", ci);
				ws[t].proc = p;
				ws[t].thread = t;
				pthread_create(&th[t], NULL, write_loop, &ws[t]);
			}
			snprintf(path, sizeof(path), "%s/counts-%d", workdir, p);
			f = fopen(path, "w");
			for (t = 0; t < THREADS; t++) {
				pthread_join(th[t], NULL);
				fprintf(f, "%d %d %d\n", ws[t].done, ws[t].conflicts, ws[t].errors);
				if (ws[t].errors)
					fprintf(stderr, "# worker %d/%d: %s\n", p, t, ws[t].err);
			}
			fclose(f);
			_exit(0);
		}
	}
	for (p = 0; p < PROCS; p++) {
		int status;
		wait(&status);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (p = 0; p < PROCS; p++) {
		FILE *f;
		int d, c, e;
		snprintf(path, sizeof(path), "%s/counts-%d", workdir, p);
		assert_non_null(f = fopen(path, "r"));
		while (fscanf(f, "%d %d %d", &d, &c, &e) == 3) {
			done += d;
			conflicts += c;
			errors += e;
		}
		fclose(f);
		unlink(path);
	}
	assert_int_equal(hotline_storage_postgres_new(&st, ci, NULL), 0);
	/* every acknowledged command's event is there */
	for (p = 0; p < PROCS; p++)
		for (t = 0; t < THREADS; t++) {
			snprintf(path, sizeof(path), "%s/acks-%d-%d", workdir, p, t);
			assert_int_equal(log_check_acks(st, path, &acked, &missing), 0);
		}
	/* each case's version is its number of events, its stream and the organisation's gap-free */
	assert_int_equal(log_check_streams(st, &bad, &org), 0);
	st->free(st);
	db = open_db(ci, HOTLINE_OPEN_READ_ONLY, NULL);
	assert_int_equal(hotline_db_verify_log(db, NULL, &checked), 0);
	hotline_db_close(db);
	print_message("# concurrency: %d processes x %d threads, %d commands acknowledged, %d conflicts, %d errors,"
		" %d lost updates, %d bad cases, %" PRId64 " events verified, %.2f s\n", PROCS, THREADS, done, conflicts, errors,
		missing, bad, checked, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	assert_int_equal(errors, 0);
	assert_int_equal(acked, done);
	assert_int_equal(missing, 0);
	assert_int_equal(bad, 0);
	assert_int_equal(org.gaps, 0);
	/* own cases never conflict: ROUNDS commands each; the shared case and the calls, what was not a conflict */
	assert_true(done + conflicts == PROCS * THREADS * (ROUNDS + ROUNDS + (ROUNDS + 4) / 5));
	/* the log holds exactly the acknowledged commands, the directory lines and the shared case's first two */
	assert_int_equal(checked, done + 11 + 2);
}

/* ---- checkpoints while others write: never over a seq still in flight ---- */

#define CK_WRITERS 4
#define CK_ROUNDS 30
#define CK_MAX 400

typedef struct ck_shared {
	char conninfo[700];
	pthread_barrier_t quiet, go;
	volatile int writers_left;
	pthread_mutex_t mu;
	char *taken[CK_MAX];
	int n_taken, errors;
	char err[256];
} ck_shared;

typedef struct ck_writer {
	ck_shared *sh;
	int id;
} ck_writer;

static hotline_db *open_thread_db(const char *conninfo)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	char uri[760];
	hotline_db *db = NULL;
	uri_of(uri, sizeof(uri), conninfo);
	o.mode = HOTLINE_OPEN_READ_WRITE;
	o.key = pg_key;
	o.key_id = "pg-test";
	return hotline_db_open(&db, uri, &o) == 0 ? db : NULL;
}

static void ck_error(ck_shared *sh, const char *what, hotline_db *db)
{
	pthread_mutex_lock(&sh->mu);
	sh->errors++;
	snprintf(sh->err, sizeof(sh->err), "%s: %s", what, db ? hotline_db_errmsg(db) : hotline_last_error());
	pthread_mutex_unlock(&sh->mu);
}

/*
 * Its own case, in rounds that all writers start together after a quiet
 * moment, as a burst of requests does: single commands on their own cases
 * run at once, so their seqs and commits interleave freely.
 * Each round a batch of three replies, a pause inside it (a slow app
 * server), or a single reply.
 */
static void *ck_write_loop(void *p)
{
	ck_writer *w = p;
	hotline_db *db = open_thread_db(w->sh->conninfo);
	int k, j;
	if (!db)
		ck_error(w->sh, "open", NULL);
	else if (exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"CK%d\",\"at\":\"2026-11-02T09:00:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}", w->id) != 0)
		ck_error(w->sh, "register", db);
	for (k = 0; k < CK_ROUNDS; k++) {
		int batch = (k + w->id) % 3 != 0, rc = 0;
		pthread_barrier_wait(&w->sh->quiet);
		/* a command refused before it locks anything: this handle has now seen every commit */
		if (db && exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"NONE\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
			"\"text\":\"x\"}") != HOTLINE_ENOT_FOUND)
			ck_error(w->sh, "refresh", db);
		pthread_barrier_wait(&w->sh->go);
		if (!db)
			continue;
		if (batch && hotline_db_begin(db) != 0) {
			ck_error(w->sh, "begin", db);
			continue;
		}
		for (j = 0; j < (batch ? 3 : 1) && rc == 0; j++) {
			rc = exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"CK%d\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
				"\"text\":\"%d-%d\"}", w->id, k, j);
			if (batch)
				nanosleep(&(struct timespec){ 0, (long)(1 + (w->id + k + j) % 4) * 1000000L }, NULL);
		}
		if (rc != 0)
			ck_error(w->sh, "reply", db);
		if (batch && (rc ? hotline_db_rollback(db) : hotline_db_commit(db)) != 0)
			ck_error(w->sh, "commit", db);
	}
	if (db)
		hotline_db_close(db);
	__atomic_sub_fetch(&w->sh->writers_left, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *ck_checkpoint_loop(void *p)
{
	ck_shared *sh = p;
	hotline_db *db = open_thread_db(sh->conninfo);
	if (!db) {
		ck_error(sh, "open", NULL);
		return NULL;
	}
	while (__atomic_load_n(&sh->writers_left, __ATOMIC_SEQ_CST) > 0 && sh->n_taken < CK_MAX) {
		char *text = NULL;
		if (hotline_db_checkpoint(&text, db, NULL) != 0) {
			ck_error(sh, "checkpoint", db);
			break;
		}
		sh->taken[sh->n_taken++] = text;
	}
	hotline_db_close(db);
	return NULL;
}

typedef struct ck_wait {
	hotline_db *db;
	hotline_checkpoint_options o;
	char *text;
	int rc;
	volatile int done;
} ck_wait;

static void *ck_one(void *p)
{
	ck_wait *c = p;
	c->rc = hotline_db_checkpoint(&c->text, c->db, &c->o);
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_checkpoint_writers(void **state)
{
	char ci[700];
	hotline_db *db, *other;
	PGconn *inflight;
	PGresult *r;
	ck_shared sh;
	ck_writer ws[CK_WRITERS];
	ck_wait cw;
	pthread_t th[CK_WRITERS + 1];
	int64_t s1 = 0, s2 = 0, seq = 0;
	int i, verified = 0;
	(void)state;
	fresh_schema(ci, sizeof(ci), "ckpt");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	for (i = 0; i < 2; i++)
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"K%d\",\"at\":\"2026-11-02T09:00:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", i), 0);

	/*
	 * seq s1 taken by a writer still in flight (a connection doing what a
	 * write transaction of the library does: the seq lock shared, then a
	 * seq), s2 > s1 committed by a handle
	 */
	inflight = PQconnectdb(ci);
	assert_int_equal(PQstatus(inflight), CONNECTION_OK);
	r = PQexec(inflight, "BEGIN; SELECT pg_advisory_xact_lock_shared(" SEQ_LOCK ");"
		" SELECT nextval(pg_get_serial_sequence('events', 'seq'))");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	s1 = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	other = open_db(ci, HOTLINE_OPEN_READ_WRITE, NULL);
	assert_int_equal(hotline_db_exec_json(other, "{\"cmd\":\"reply\",\"case\":\"K1\",\"at\":\"2026-11-02T10:00:00+08:00\","
		"\"actor\":\"zhang\",\"text\":\"committed\"}", &s2, NULL), 0);
	assert_true(s2 > s1);
	/* up to s2: waits for the batch, which may still commit s1 below it */
	memset(&cw, 0, sizeof(cw));
	cw.db = db;
	cw.o = (hotline_checkpoint_options)HOTLINE_CHECKPOINT_OPTIONS_INIT;
	cw.o.up_to_seq = s2;
	assert_int_equal(pthread_create(&th[0], NULL, ck_one, &cw), 0);
	nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
	assert_false(__atomic_load_n(&cw.done, __ATOMIC_SEQ_CST));
	r = PQexec(inflight, "ROLLBACK");
	PQclear(r);
	PQfinish(inflight);
	pthread_join(th[0], NULL);
	assert_int_equal(cw.rc, 0);
	assert_int_equal(sscanf(cw.text, "hlc1:%" SCNd64 ":", &seq), 1);
	assert_int_equal(seq, s2);
	assert_int_equal(hotline_db_verify_checkpoint(other, cw.text, NULL), 0);
	hotline_free(cw.text);
	/* inside a batch: its own writes count, and it does not wait for itself */
	assert_int_equal(hotline_db_begin(other), 0);
	assert_int_equal(hotline_db_exec_json(other, "{\"cmd\":\"reply\",\"case\":\"K1\",\"at\":\"2026-11-02T10:01:00+08:00\","
		"\"actor\":\"zhang\",\"text\":\"in a batch\"}", &seq, NULL), 0);
	memset(&cw, 0, sizeof(cw));
	cw.db = other;
	cw.o = (hotline_checkpoint_options)HOTLINE_CHECKPOINT_OPTIONS_INIT;
	ck_one(&cw);
	assert_int_equal(cw.rc, 0);
	assert_int_equal(sscanf(cw.text, "hlc1:%" SCNd64 ":", &s1), 1);
	assert_int_equal(s1, seq);
	hotline_free(cw.text);
	assert_int_equal(hotline_db_rollback(other), 0);
	/* through a handle opened read-only (default_transaction_read_only) too */
	memset(&cw, 0, sizeof(cw));
	cw.db = open_db(ci, HOTLINE_OPEN_READ_ONLY, NULL);
	cw.o = (hotline_checkpoint_options)HOTLINE_CHECKPOINT_OPTIONS_INIT;
	ck_one(&cw);
	assert_int_equal(cw.rc, 0);
	assert_int_equal(hotline_db_verify_checkpoint(cw.db, cw.text, NULL), 0);
	hotline_free(cw.text);
	hotline_db_close(cw.db);
	/* beyond the committed log: refused */
	memset(&cw, 0, sizeof(cw));
	cw.db = db;
	cw.o = (hotline_checkpoint_options)HOTLINE_CHECKPOINT_OPTIONS_INIT;
	cw.o.up_to_seq = s2 + 1;
	ck_one(&cw);
	assert_int_equal(cw.rc, HOTLINE_EINVALID);
	assert_null(cw.text);
	hotline_db_close(other);

	/* writers and batches at full speed, checkpoints taken all the while */
	memset(&sh, 0, sizeof(sh));
	snprintf(sh.conninfo, sizeof(sh.conninfo), "%s", ci);
	pthread_mutex_init(&sh.mu, NULL);
	pthread_barrier_init(&sh.quiet, NULL, CK_WRITERS);
	pthread_barrier_init(&sh.go, NULL, CK_WRITERS);
	sh.writers_left = CK_WRITERS;
	for (i = 0; i < CK_WRITERS; i++) {
		ws[i].sh = &sh;
		ws[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, ck_write_loop, &ws[i]), 0);
	}
	assert_int_equal(pthread_create(&th[CK_WRITERS], NULL, ck_checkpoint_loop, &sh), 0);
	for (i = 0; i <= CK_WRITERS; i++)
		pthread_join(th[i], NULL);
	if (sh.errors)
		fail_msg("%d errors, the last: %s", sh.errors, sh.err);
	/* every checkpoint holds against the final log */
	for (i = 0; i < sh.n_taken; i++) {
		if (hotline_db_verify_checkpoint(db, sh.taken[i], NULL) == 0)
			verified++;
		else
			print_message("# checkpoint %s: %s\n", sh.taken[i], hotline_db_errmsg(db));
		hotline_free(sh.taken[i]);
	}
	print_message("# checkpoints beside %d writers: %d taken, %d verified against the final log\n", CK_WRITERS,
		sh.n_taken, verified);
	assert_true(sh.n_taken >= 5);
	assert_int_equal(verified, sh.n_taken);
	pthread_mutex_destroy(&sh.mu);
	pthread_barrier_destroy(&sh.quiet);
	pthread_barrier_destroy(&sh.go);
	hotline_db_close(db);
}

/* ---- the same command_id sent by many handles at once ---- */

#define TW_THREADS 8
#define TW_ROUNDS 400   /* at most; tw_rounds are run (--twins=ROUNDS) */
static int tw_rounds = 48;

typedef struct twin {
	char conninfo[700];
	pthread_barrier_t *go;
	int idx;
	int rc[TW_ROUNDS], repeated[TW_ROUNDS];
	int64_t seq[TW_ROUNDS];
	char err[TW_ROUNDS][160];
} twin;

/* Round r's command: a reply, a register with personal data, a call, a dispatch; odd threads of every fourth round send other content. */
static void twin_command(char *out, size_t n, int r, int idx)
{
	int other = r % 4 == 3 && idx % 2;
	switch (r % 4) {
	case 0:
		snprintf(out, n, "{\"cmd\":\"reply\",\"case\":\"T\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
			"\"text\":\"r%d\",\"command_id\":\"twin-%d\"}", r, r);
		break;
	case 1:
		snprintf(out, n, "{\"cmd\":\"register\",\"case\":\"TR%d\",\"at\":\"2026-11-02T09:00:00+08:00\",\"actor\":\"zhang\","
			"\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"command_id\":\"twin-%d\"}", r, r);
		break;
	case 2:
		snprintf(out, n, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"zhang\",\"rings\":%d,"
			"\"answered\":true,\"command_id\":\"twin-%d\"}", r % 5 + 1, r);
		break;
	default:
		snprintf(out, n, "{\"cmd\":\"dispatch\",\"case\":\"TD%d\",\"at\":\"2026-11-02T09:%02d:00+08:00\",\"actor\":\"zhang\","
			"\"command_id\":\"twin-%d\"}", r, other ? 30 : 20, r);
		break;
	}
}

static void *twin_loop(void *p)
{
	twin *t = p;
	hotline_db *db = open_thread_db(t->conninfo);
	char cmd[1024];
	int r;
	for (r = 0; r < tw_rounds; r++) {
		twin_command(cmd, sizeof(cmd), r, t->idx);
		pthread_barrier_wait(t->go);
		t->rc[r] = db ? hotline_db_exec_json(db, cmd, &t->seq[r], &t->repeated[r]) : HOTLINE_ESTORAGE;
		snprintf(t->err[r], sizeof(t->err[r]), "%s", db ? hotline_db_errmsg(db) : hotline_last_error());
	}
	if (db)
		hotline_db_close(db);
	return NULL;
}

static void test_concurrent_retries(void **state)
{
	char ci[700];
	hotline_db *db;
	pthread_t th[TW_THREADS];
	pthread_barrier_t go;
	static twin tw[TW_THREADS];
	int r, i, repeated = 0, duplicates = 0, conflicts = 0, applied_total = 0;
	int64_t v = 0;
	(void)state;
	fresh_schema(ci, sizeof(ci), "twins");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"T\",\"at\":\"2026-11-02T09:00:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"T\",\"at\":\"2026-11-02T09:10:00+08:00\",\"actor\":\"zhang\"}"), 0);
	for (r = 3; r < tw_rounds; r += 4)
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"TD%d\",\"at\":\"2026-11-02T09:00:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", r), 0);
	pthread_barrier_init(&go, NULL, TW_THREADS);
	for (i = 0; i < TW_THREADS; i++) {
		memset(&tw[i], 0, sizeof(tw[i]));
		snprintf(tw[i].conninfo, sizeof(tw[i].conninfo), "%s", ci);
		tw[i].go = &go;
		tw[i].idx = i;
		assert_int_equal(pthread_create(&th[i], NULL, twin_loop, &tw[i]), 0);
	}
	for (i = 0; i < TW_THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (r = 0; r < tw_rounds; r++) {
		int winner = -1, applied = 0;
		char line[1024];
		for (i = 0; i < TW_THREADS; i++) {
			if (tw[i].rc[r] == 0 && !tw[i].repeated[r]) {
				applied++;
				winner = i;
			}
			if (tw[i].rc[r] == HOTLINE_ECONFLICT)
				conflicts++;
		}
		if (applied != 1) {
			for (i = 0; i < TW_THREADS; i++)
				print_message("# round %d thread %d: %d %s\n", r, i, tw[i].rc[r], tw[i].err[r]);
			fail_msg("round %d: applied %d times", r, applied);
		}
		applied_total++;
		twin_command(line, sizeof(line), r, winner);
		for (i = 0; i < TW_THREADS; i++) {
			char mine[1024];
			if (i == winner)
				continue;
			twin_command(mine, sizeof(mine), r, i);
			if (strcmp(mine, line) == 0) {
				/* the same command: the winner's seq, nothing applied */
				if (tw[i].rc[r] != 0 || !tw[i].repeated[r] || tw[i].seq[r] != tw[winner].seq[r])
					fail_msg("round %d thread %d: %d (%s), repeated %d, seq %" PRId64 " (winner's %" PRId64 ")", r, i,
						tw[i].rc[r], tw[i].err[r], tw[i].repeated[r], tw[i].seq[r], tw[winner].seq[r]);
				repeated++;
			} else {
				/* other content under the same id */
				if (tw[i].rc[r] != HOTLINE_EDUPLICATE)
					fail_msg("round %d thread %d: %d (%s), expected duplicate", r, i, tw[i].rc[r], tw[i].err[r]);
				duplicates++;
			}
		}
	}
	/* one event per round: the reply case grew by one per reply round, each dispatch case by one */
	assert_int_equal(case_state(db, "T", NULL, &v), HOTLINE_STATE_DISPATCHED);
	assert_int_equal(v, 2 + (tw_rounds + 3) / 4);
	for (r = 3; r < tw_rounds; r += 4) {
		char id[16];
		snprintf(id, sizeof(id), "TD%d", r);
		assert_int_equal(event_count(db, id), 2);
	}
	print_message("# concurrent retries: %d rounds x %d handles, %d applied once each, %d repeated, %d duplicate,"
		" %d conflicts\n", tw_rounds, TW_THREADS, applied_total, repeated, duplicates, conflicts);
	assert_int_equal(conflicts, 0);
	assert_true(duplicates > 0);
	hotline_db_close(db);
}

/* ---- commands on different cases run beside each other (storage version 8) ---- */


typedef struct async_cmd {
	pthread_t th;
	hotline_db *db;
	char cmd[512];
	int rc;
	volatile int done;
} async_cmd;

static void *async_run(void *p)
{
	async_cmd *a = p;
	a->rc = hotline_db_exec_json(a->db, a->cmd, NULL, NULL);
	__atomic_store_n(&a->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void async_start(async_cmd *a, hotline_db *db, const char *cmd)
{
	memset(a, 0, sizeof(*a));
	a->db = db;
	snprintf(a->cmd, sizeof(a->cmd), "%s", cmd);
	assert_int_equal(pthread_create(&a->th, NULL, async_run, a), 0);
}

/* Whether the command ends within `ms` milliseconds. */
static int async_done_within(async_cmd *a, int ms)
{
	int i;
	for (i = 0; i < ms / 10 && !__atomic_load_n(&a->done, __ATOMIC_SEQ_CST); i++)
		nanosleep(&(struct timespec){ 0, 10000000L }, NULL);
	return __atomic_load_n(&a->done, __ATOMIC_SEQ_CST);
}

/* Waits (10 s at most) until some session waits for the organisation stream's lock: 1 when one does. */
static int org_lock_awaited(PGconn *mon)
{
	int i, n = 0;
	for (i = 0; i < 1000 && n == 0; i++) {
		PGresult *r = PQexec(mon, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
			" AND classid = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND objid = 2 AND objsubid = 2");
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		n = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
		if (n == 0)
			nanosleep(&(struct timespec){ 0, 10000000L }, NULL);
	}
	return n > 0;
}

static void raw_exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

#define REPLY_FMT "{\"cmd\":\"reply\",\"case\":\"%s\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"%s\",\"text\":\"%s\"}"

static void test_case_writers_parallel(void **state)
{
	char ci[700], cmd[512];
	hotline_db *db, *h, *d;
	PGconn *holder, *mon;
	async_cmd a;
	int i, parallel;
	(void)state;
	fresh_schema(ci, sizeof(ci), "parallel");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	for (i = 0; i < 2; i++)
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%c\",\"at\":\"2026-11-02T09:00:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", 'A' + i), 0);
	h = open_db(ci, HOTLINE_OPEN_READ_WRITE, NULL); /* writes case A */
	d = open_db(ci, HOTLINE_OPEN_READ_WRITE, NULL); /* calls and directory lines */
	mon = PQconnectdb(ci);
	holder = PQconnectdb(ci);
	assert_int_equal(PQstatus(mon), CONNECTION_OK);
	assert_int_equal(PQstatus(holder), CONNECTION_OK);
	assert_int_equal(exec_fmt(h, REPLY_FMT, "A", "zhang", "first"), 0);
	/* another connection commits: h's next command looks at the organisation stream again */
	assert_int_equal(exec_fmt(db, REPLY_FMT, "B", "zhang", "elsewhere"), 0);

	/* a writer of case B in flight, holding what a case command of the library holds */
	raw_exec(holder, "BEGIN; SELECT pg_advisory_xact_lock_shared(" ORG_LOCK "); SELECT pg_advisory_xact_lock_shared("
		SEQ_LOCK "); SELECT 1 FROM cases WHERE id = 'B' FOR UPDATE");
	/* a command on case A does not wait for it */
	snprintf(cmd, sizeof(cmd), REPLY_FMT, "A", "zhang", "beside");
	async_start(&a, h, cmd);
	parallel = async_done_within(&a, 10000);
	if (!parallel) {
		raw_exec(holder, "ROLLBACK");
		pthread_join(a.th, NULL);
		fail_msg("a command on case A waited for a writer of case B");
	}
	pthread_join(a.th, NULL);
	assert_int_equal(a.rc, 0);
	/* a call (organisation stream) waits for it, and is applied once it ends */
	async_start(&a, d, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"zhang\",\"rings\":2,"
		"\"answered\":true}");
	assert_true(org_lock_awaited(mon));
	assert_false(__atomic_load_n(&a.done, __ATOMIC_SEQ_CST));
	raw_exec(holder, "COMMIT");
	pthread_join(a.th, NULL);
	assert_int_equal(a.rc, 0);

	/*
	 * Directory lines in a batch: a case command begun meanwhile waits for
	 * the batch and then checks against all of its lines, or none.
	 */
	assert_int_equal(hotline_db_begin(d), 0);
	assert_int_equal(hotline_db_exec_json(d, "{\"cmd\":\"person\",\"id\":\"wang\",\"name\":\"王五\","
		"\"roles\":[\"hotline_specialist\"]}", NULL, NULL), 0);
	snprintf(cmd, sizeof(cmd), REPLY_FMT, "A", "wang", "rolled back");
	async_start(&a, h, cmd);
	assert_true(org_lock_awaited(mon));
	assert_false(__atomic_load_n(&a.done, __ATOMIC_SEQ_CST));
	assert_int_equal(hotline_db_rollback(d), 0);
	pthread_join(a.th, NULL);
	assert_int_not_equal(a.rc, 0); /* nobody called wang */
	assert_int_equal(hotline_db_begin(d), 0);
	assert_int_equal(hotline_db_exec_json(d, "{\"cmd\":\"person\",\"id\":\"wang\",\"name\":\"王五\","
		"\"roles\":[\"hotline_specialist\"]}", NULL, NULL), 0);
	snprintf(cmd, sizeof(cmd), REPLY_FMT, "A", "wang", "committed");
	async_start(&a, h, cmd);
	assert_true(org_lock_awaited(mon));
	assert_int_equal(hotline_db_exec_json(d, "{\"cmd\":\"person\",\"id\":\"wang2\",\"name\":\"王六\","
		"\"roles\":[\"hotline_specialist\"]}", NULL, NULL), 0);
	assert_false(__atomic_load_n(&a.done, __ATOMIC_SEQ_CST));
	assert_int_equal(hotline_db_commit(d), 0);
	pthread_join(a.th, NULL);
	assert_int_equal(a.rc, 0);
	assert_int_equal(exec_fmt(h, REPLY_FMT, "A", "wang2", "second line"), 0);
	/* A: registered, then first, beside, committed, second line */
	assert_int_equal(event_count(db, "A"), 5);
	{
		/* the organisation stream: the fixture's 11 lines, the call, wang and wang2 (not the rolled-back wang) */
		PGresult *r = PQexec(mon, "SELECT count(*) FROM events WHERE stream = ''");
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		assert_int_equal(atoi(PQgetvalue(r, 0, 0)), 11 + 1 + 2);
		PQclear(r);
	}
	PQfinish(holder);
	PQfinish(mon);
	hotline_db_close(h);
	hotline_db_close(d);
	hotline_db_close(db);
}

/* ---- many writers on one case, and as many on cases of their own ---- */

/*
 * Every writer sends plain replies (no expect_version): none may fail.
 * Writers of one case queue on its row; a deadlock or a serialisation
 * failure is the library's to retry, never the caller's `conflict`.
 */
typedef struct mw_worker {
	char conninfo[700];
	int proc, thread, n, one_case;
	int done, conflicts, deadlocks, errors;
	char err[256];
} mw_worker;

static void *mw_loop(void *p)
{
	mw_worker *w = p;
	hotline_db *db = open_thread_db(w->conninfo);
	char c[32];
	int k, rc;
	if (!db) {
		snprintf(w->err, sizeof(w->err), "open: %s", hotline_last_error());
		w->errors += w->n;
		return NULL;
	}
	if (w->one_case)
		snprintf(c, sizeof(c), "M");
	else
		snprintf(c, sizeof(c), "M%d-%d", w->proc, w->thread);
	for (k = 0; k < w->n; k++) {
		rc = exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"%s\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
			"\"text\":\"%d\",\"command_id\":\"mw-%d-%d-%d\"}", c, k, w->proc, w->thread, k);
		if (rc == 0) {
			w->done++;
			continue;
		}
		if (rc == HOTLINE_ECONFLICT)
			w->conflicts++;
		else
			w->errors++;
		if (strstr(hotline_db_errmsg(db), "deadlock"))
			w->deadlocks++;
		snprintf(w->err, sizeof(w->err), "%s: %s", c, hotline_db_errmsg(db));
	}
	hotline_db_close(db);
	return NULL;
}

/* The server's count of deadlocks detected in its databases so far. */
static long long server_deadlocks(void)
{
	PGconn *c = PQconnectdb(base);
	PGresult *r;
	long long n = -1;
	/* the sessions that ended have flushed their counts by the time they are gone */
	nanosleep(&(struct timespec){ 0, 500000000L }, NULL);
	r = PQexec(c, "SELECT sum(deadlocks)::bigint FROM pg_stat_database");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		n = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return n;
}

typedef struct mw_result {
	double seconds;
	int done, conflicts, deadlocks, errors;
	long long server_deadlocks;
	int64_t version;   /* the one case's version at the end, or the sum over the own cases */
} mw_result;

/* procs processes x threads handles x n replies, on one case or each on its own; a fresh schema each time. */
static void mw_run(int procs, int threads, int n, int one_case, mw_result *res)
{
	char ci[700], path[700], name[32];
	hotline_db *db;
	struct timespec t0, t1;
	long long dl0;
	int p, t;
	memset(res, 0, sizeof(*res));
	snprintf(name, sizeof(name), "writers_%s", one_case ? "one" : "own");
	fresh_schema(ci, sizeof(ci), name);
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	assert_int_equal(hotline_db_begin(db), 0);
	for (p = 0; p < (one_case ? 1 : procs); p++)
		for (t = 0; t < (one_case ? 1 : threads); t++) {
			char c[32];
			if (one_case)
				snprintf(c, sizeof(c), "M");
			else
				snprintf(c, sizeof(c), "M%d-%d", p, t);
			assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"2026-11-02T09:00:00+08:00\","
				"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
				"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}", c), 0);
			assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"%s\",\"at\":\"2026-11-02T09:10:00+08:00\","
				"\"actor\":\"zhang\"}", c), 0);
		}
	assert_int_equal(hotline_db_commit(db), 0);
	hotline_db_close(db);
	dl0 = server_deadlocks();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (p = 0; p < procs; p++) {
		if (fork() == 0) {
			pthread_t th[64];
			static mw_worker ws[64];
			FILE *f;
			for (t = 0; t < threads; t++) {
				memset(&ws[t], 0, sizeof(ws[t]));
				snprintf(ws[t].conninfo, sizeof(ws[t].conninfo), "%s", ci);
				ws[t].proc = p;
				ws[t].thread = t;
				ws[t].n = n;
				ws[t].one_case = one_case;
				pthread_create(&th[t], NULL, mw_loop, &ws[t]);
			}
			snprintf(path, sizeof(path), "%s/mw-%d", workdir, p);
			f = fopen(path, "w");
			for (t = 0; t < threads; t++) {
				pthread_join(th[t], NULL);
				fprintf(f, "%d %d %d %d\n", ws[t].done, ws[t].conflicts, ws[t].deadlocks, ws[t].errors);
				if (ws[t].conflicts || ws[t].errors)
					fprintf(stderr, "# writer %d/%d: %s\n", p, t, ws[t].err);
			}
			fclose(f);
			_exit(0);
		}
	}
	for (p = 0; p < procs; p++) {
		int status;
		wait(&status);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (p = 0; p < procs; p++) {
		FILE *f;
		int d, c, k, e;
		snprintf(path, sizeof(path), "%s/mw-%d", workdir, p);
		assert_non_null(f = fopen(path, "r"));
		while (fscanf(f, "%d %d %d %d", &d, &c, &k, &e) == 4) {
			res->done += d;
			res->conflicts += c;
			res->deadlocks += k;
			res->errors += e;
		}
		fclose(f);
		unlink(path);
	}
	res->server_deadlocks = server_deadlocks() - dl0;
	db = open_db(ci, HOTLINE_OPEN_READ_ONLY, NULL);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	for (p = 0; p < (one_case ? 1 : procs); p++)
		for (t = 0; t < (one_case ? 1 : threads); t++) {
			char c[32];
			int64_t v = 0;
			if (one_case)
				snprintf(c, sizeof(c), "M");
			else
				snprintf(c, sizeof(c), "M%d-%d", p, t);
			case_state(db, c, NULL, &v);
			res->version += v - 2;
		}
	hotline_db_close(db);
	print_message("# writers on %s: %d processes x %d threads x %d replies: %.2f s, %d applied, %d conflicts"
		" (%d of them deadlocks), %d other errors, %lld deadlocks detected by the server\n",
		one_case ? "one case" : "their own cases", procs, threads, n, res->seconds, res->done, res->conflicts,
		res->deadlocks, res->errors, res->server_deadlocks);
}

/* Sizes of the measuring run (--writers=P,T,N); the suite's own run is smaller. */
static int mw_procs = 4, mw_threads = 4, mw_n = 10;

static void test_one_case_writers(void **state)
{
	mw_result one, own;
	(void)state;
	mw_run(mw_procs, mw_threads, mw_n, 1, &one);
	mw_run(mw_procs, mw_threads, mw_n, 0, &own);
	print_message("# one case / own cases: %.2f\n", one.seconds / own.seconds);
	/* every reply applied exactly once, none refused */
	assert_int_equal(one.conflicts + one.errors, 0);
	assert_int_equal(one.done, mw_procs * mw_threads * mw_n);
	assert_int_equal(one.version, one.done);
	assert_int_equal(own.conflicts + own.errors, 0);
	assert_int_equal(own.version, own.done);
}

/* Waits (10 s at most) until n sessions wait for a row lock: 1 when they do. */
static int row_lock_awaited(PGconn *mon, int n)
{
	int i, got = 0;
	for (i = 0; i < 1000 && got < n; i++) {
		PGresult *r = PQexec(mon, "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted"
			" AND locktype IN ('transactionid', 'tuple')");
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		got = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
		if (got < n)
			nanosleep(&(struct timespec){ 0, 10000000L }, NULL);
	}
	return got >= n;
}

/*
 * Deadlocks between commands and another session: the server aborts the
 * commands' transactions (40P01). The library rolls back and runs each
 * command again; the caller sees it succeed, never `conflict`. The two
 * commands are one command sent twice (the same command_id): one applies
 * it, the other answers repeated with its seq.
 */
static void test_deadlock_retried(void **state)
{
	char ci[700];
	const char *cmd = "{\"cmd\":\"reply\",\"case\":\"A\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"waits\",\"command_id\":\"deadlocked\"}";
	/* and a register with owners' data and no command_id: run again as given, a new id made, its fields sealed anew */
	const char *reg = "{\"cmd\":\"register\",\"case\":\"B\",\"at\":\"2026-11-02T09:00:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}";
	hotline_db *db, *h[3];
	PGconn *other, *mon;
	PGresult *r;
	async_cmd a[3];
	int64_t seq[2];
	int repeated[2], i;
	long long dl0;
	(void)state;
	fresh_schema(ci, sizeof(ci), "deadlock");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"A\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	for (i = 0; i < 3; i++)
		h[i] = open_db(ci, HOTLINE_OPEN_READ_WRITE, NULL);
	other = PQconnectdb(ci);
	mon = PQconnectdb(ci);
	assert_int_equal(PQstatus(other), CONNECTION_OK);
	assert_int_equal(PQstatus(mon), CONNECTION_OK);
	dl0 = server_deadlocks();
	/* the other session holds the case's row; it detects deadlocks late, so the commands' sessions do */
	raw_exec(other, "SET deadlock_timeout = '20s'; BEGIN; SELECT 1 FROM cases WHERE id = 'A' FOR UPDATE");
	/* each command holds the organisation stream's lock (shared) and waits for the row */
	for (i = 0; i < 2; i++)
		async_start(&a[i], h[i], cmd);
	assert_true(row_lock_awaited(mon, 2));
	/* the register of B waits behind the case B row the other session inserts, holding its lock too */
	raw_exec(other, "INSERT INTO cases(id, property, state, approval, exempt, version, registered_at, last_at, head_hash, body)"
		" VALUES('B', 'P1', 0, 0, 0, 0, 0, 0, '', '{}')");
	async_start(&a[2], h[2], reg);
	assert_true(row_lock_awaited(mon, 3));
	/* and the other session now waits for the organisation stream's lock: a cycle with each */
	assert_true(PQsendQuery(other, "SELECT pg_advisory_xact_lock(" ORG_LOCK ")"));
	while ((r = PQgetResult(other)) != NULL) {
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		PQclear(r);
	}
	/* both commands' transactions were aborted; their next runs wait for this one */
	assert_false(async_done_within(&a[0], 100));
	raw_exec(other, "DELETE FROM cases WHERE id = 'B'; COMMIT");
	for (i = 0; i < 3; i++) {
		pthread_join(a[i].th, NULL);
		if (a[i].rc != 0)
			fail_msg("command %d failed: %s", i, hotline_db_errmsg(h[i]));
	}
	assert_true(server_deadlocks() >= dl0 + 3);
	/* applied once; sent again, it is the same command: repeated, with its seq */
	for (i = 0; i < 2; i++)
		assert_int_equal(hotline_db_exec_json(h[i], cmd, &seq[i], &repeated[i]), 0);
	assert_true(repeated[0] && repeated[1]);
	assert_true(seq[0] == seq[1]);
	assert_int_equal(event_count(db, "A"), 2);
	assert_int_equal(event_count(db, "B"), 1);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	PQfinish(other);
	PQfinish(mon);
	for (i = 0; i < 3; i++)
		hotline_db_close(h[i]);
	hotline_db_close(db);
}

/* The New Year month (tests/unit/calendar_month.h) on a fresh schema, then one of its tests. */
static void run_month(void (*test)(void **), const char *schema)
{
	char ci[700];
	fx f;
	void *state = &f;
	memset(&f, 0, sizeof(f));
	fresh_schema(ci, sizeof(ci), schema);
	uri_of(f.uri, sizeof(f.uri), ci);
	open_service_standard(&f, &f.db);
	fixture_load(f.db);
	month(f.db);
	test(&state);
	hotline_db_close(f.db);
}

/* DESIGN §6.7 on PostgreSQL: no deadline lost without 2027, then the year adopted in the record. */
static void test_calendar_month(void **state)
{
	(void)state;
	run_month(test_no_deadline_is_lost, "calmonth");
	run_month(test_sweep_and_claims_hand_them_out, "calmonth");
	run_month(test_documents_mark_it, "calmonth");
	run_month(test_adopting_the_year, "calmonth");
	run_month(test_two_handles_agree, "calmonth");
	run_month(test_who_may_adopt, "calmonth");
	run_month(test_rolled_back_adoption, "calmonth");
}

/* The policy in the record (tests/unit/policy_record.h) on a fresh schema, then one of its tests. */
static void run_policy(void (*test)(void **), const char *schema)
{
	char ci[700];
	pfx f;
	void *state = &f;
	memset(&f, 0, sizeof(f));
	fresh_schema(ci, sizeof(ci), schema);
	uri_of(f.uri, sizeof(f.uri), ci);
	p_create(&f);
	test(&state);
	hotline_db_close(f.db);
}

/* DESIGN §6.7 on PostgreSQL: the recorded policy is every handle's; another one only reads, as a what-if. */
static void test_policy_record(void **state)
{
	(void)state;
	run_policy(test_recorded_policy_is_the_default, "polrec");
	run_policy(test_writer_refuses_another_policy, "polrec");
	run_policy(test_what_if_documents_name_the_policy, "polrec");
}

/* ---- the feed and notifications (DESIGN §6.8; tests/unit/feed_fixture.h) ---- */

typedef struct feed_call {
	hotline_db *db;
	const char *cursor;
	char *out;
	int rc, done;
} feed_call;

static void *feed_one(void *p)
{
	feed_call *c = p;
	c->rc = hotline_db_feed(&c->out, c->db, c->cursor, 0);
	__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * A seq taken by a transaction still in flight, a higher one committed: the
 * feed waits for the first instead of handing out the second (a consumer
 * storing that cursor would skip the first for ever); four writer processes
 * with overlapping transactions beside a paging consumer and a killed one.
 */
static void test_feed_writers(void **state)
{
	char ci[700], uri[800], journal[600], cursor[32];
	feed_target t = { NULL, pg_key, "pg-test" };
	hotline_db *db;
	PGconn *inflight;
	PGresult *r;
	feed_call fc;
	pthread_t th;
	json_t *doc;
	int64_t s1, s2 = 0, head = 0;
	(void)state;
	fresh_schema(ci, sizeof(ci), "feed");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"K1\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(hotline_db_exec_json(db, "{\"cmd\":\"reply\",\"case\":\"K1\",\"at\":\"2026-11-02T09:30:00+08:00\","
		"\"actor\":\"zhang\",\"text\":\"first\"}", &head, NULL), 0);
	inflight = PQconnectdb(ci);
	assert_int_equal(PQstatus(inflight), CONNECTION_OK);
	r = PQexec(inflight, "BEGIN; SELECT pg_advisory_xact_lock_shared(" SEQ_LOCK ");"
		" INSERT INTO events(stream, stream_seq, cmd, actor, at, body, prev_hash, hash)"
		" VALUES('ZZ', 1, 'reply', '', NULL, '{}', '', 'x') RETURNING seq");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	s1 = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	assert_int_equal(hotline_db_exec_json(db, "{\"cmd\":\"reply\",\"case\":\"K1\",\"at\":\"2026-11-02T10:00:00+08:00\","
		"\"actor\":\"zhang\",\"text\":\"committed\"}", &s2, NULL), 0);
	assert_true(s2 > s1);
	snprintf(cursor, sizeof(cursor), "f1.%" PRId64, head);
	memset(&fc, 0, sizeof(fc));
	fc.db = open_db(ci, HOTLINE_OPEN_READ_ONLY, NULL);
	fc.cursor = cursor;
	assert_int_equal(pthread_create(&th, NULL, feed_one, &fc), 0);
	nanosleep(&(struct timespec){ 0, 300000000 }, NULL);
	assert_false(__atomic_load_n(&fc.done, __ATOMIC_SEQ_CST));
	r = PQexec(inflight, "COMMIT");
	PQclear(r);
	PQfinish(inflight);
	pthread_join(th, NULL);
	assert_int_equal(fc.rc, 0);
	doc = json_loads(fc.out, 0, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "events")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(doc, "events"), 0), "seq")), s1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(doc, "events"), 1), "seq")), s2);
	json_decref(doc);
	hotline_free(fc.out);
	hotline_db_close(fc.db);
	hotline_db_close(db);

	/* the writers: a schema of their own */
	fresh_schema(ci, sizeof(ci), "feedw");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	hotline_db_close(db);
	uri_of(uri, sizeof(uri), ci);
	t.uri = uri;
	snprintf(journal, sizeof(journal), "%s/feed.journal", workdir);
	feed_check_writers(&t, 4, 60, 3, journal);
}

/* A consumer waiting on PostgreSQL (LISTEN) woken by another process's commit (NOTIFY) within 100 ms. */
static void test_feed_wait(void **state)
{
	char ci[700], uri[800];
	feed_target t = { NULL, pg_key, "pg-test" };
	hotline_db *db;
	(void)state;
	fresh_schema(ci, sizeof(ci), "feedwait");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	hotline_db_close(db);
	uri_of(uri, sizeof(uri), ci);
	t.uri = uri;
	feed_check_wait(&t);
}

/* The demo month's notifications on PostgreSQL: byte for byte those of memory. */
static void test_notifications_demo(void **state)
{
	char ci[700], *a, *b;
	hotline_db *db, *mem = NULL;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	(void)state;
	fresh_schema(ci, sizeof(ci), "feeddemo");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	feed_load_demo(db);
	o.mode = HOTLINE_OPEN_CREATE;
	assert_int_equal(fixture_open(&mem, "memory:", &o), 0);
	feed_load_demo(mem);
	a = feed_demo_notifications(db);
	b = feed_demo_notifications(mem);
	assert_string_equal(a, b);
	print_message("# demo month on PostgreSQL: %zu bytes of notifications, the same as memory's\n", strlen(a));
	/* after a cursor only some cases are evaluated: every page as evaluating every case gives */
	feed_check_incremental(db, 50, 12 * 3600);
	hotline_free(a);
	hotline_free(b);
	hotline_db_close(mem);
	hotline_db_close(db);
}

/*
 * The demo month on PostgreSQL: the assessment from the cases' rules
 * summaries is the replay's, byte for byte, JSON and CSV, at instants over
 * the month (tests/unit/test_summary.c does the same on the embedded backends).
 */
static void test_summary_demo(void **state)
{
	static const char *const at[] = { "2026-10-30T12:00:00+08:00", "2026-11-10T00:00:00+08:00",
		"2026-11-20T09:30:00+08:00", "2026-11-27T00:00:00+08:00", "2026-12-15T00:00:00+08:00", NULL };
	char ci[700];
	hotline_db *db;
	size_t i;
	int k;
	(void)state;
	fresh_schema(ci, sizeof(ci), "summarydemo");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	feed_load_demo(db);
	for (i = 0; at[i]; i++)
		for (k = 0; k < 2; k++) {
			hotline_format f = k ? HOTLINE_FORMAT_CSV : HOTLINE_FORMAT_JSON;
			hotline_time t;
			char *a = NULL, *b = NULL;
			assert_int_equal(hotline_time_parse(&t, at[i]), 0);
			if (hotline_db_assess(&a, db, t, f) != 0 || hotline__db_assess_by(&b, db, t, f, 1) != 0)
				fail_msg("assess: %s", hotline_db_errmsg(db));
			if (strcmp(a, b) != 0)
				fail_msg("assessment (%s) at %s differs from the replay's", k ? "CSV" : "JSON", at[i]);
			hotline_free(a);
			hotline_free(b);
		}
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	hotline_db_close(db);
}

/* A policy line (tests/unit/policy_change.h) on a fresh schema with an administrator, then one of its tests. */
static void run_policy_change(void (*test)(void **), const char *schema)
{
	char ci[700];
	pfx f;
	void *state = &f;
	memset(&f, 0, sizeof(f));
	fresh_schema(ci, sizeof(ci), schema);
	uri_of(f.uri, sizeof(f.uri), ci);
	p_create(&f);
	pc_admin(&f);
	test(&state);
	hotline_db_close(f.db);
}

/* A case writer beside the lines that recompute every open case. */
typedef struct beside {
	const char *uri;
	volatile int stop;
	int done, errors;
	char err[512];
} beside;

static void *beside_writer(void *arg)
{
	beside *b = arg;
	hotline_db *db = NULL;
	int k = 0;
	if (fixture_open(&db, b->uri, NULL) != 0) {
		snprintf(b->err, sizeof(b->err), "open: %s", hotline_last_error());
		b->errors++;
		return NULL;
	}
	while (!b->stop) {
		int rc = exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"K%d\",\"at\":\"2026-11-20T10:00:00+08:00\","
			"\"actor\":\"zhang\",\"text\":\"%d\"}", k % 32, k);
		if (rc == 0) {
			b->done++;
		} else {
			snprintf(b->err, sizeof(b->err), "%s", hotline_db_errmsg(db));
			b->errors++;
		}
		k++;
	}
	hotline_db_close(db);
	return NULL;
}

/*
 * DESIGN §6.5, §6.7: a calendar or policy line recomputes every open case
 * while a case's writer moves them on; a race it loses runs it again in the
 * library, as commands do, instead of failing with `conflict`.
 */
static void test_lines_beside_a_case_writer(void **state)
{
	char ci[700], line[1024], *cal = NULL, at[64];
	pthread_t th;
	beside b;
	pfx f;
	int i;
	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&b, 0, sizeof(b));
	fresh_schema(ci, sizeof(ci), "beside");
	uri_of(f.uri, sizeof(f.uri), ci);
	p_create(&f);
	pc_admin(&f);
	for (i = 0; i < 32; i++) {
		char id[8];
		snprintf(id, sizeof(id), "K%d", i);
		snprintf(line, sizeof(line), PC_REG, id, "2026-11-20T09:00:00+08:00");
		assert_int_equal(hotline_db_exec_json(f.db, line, NULL, NULL), 0);
	}
	assert_int_equal(hotline_calendar_line(&cal, 2026, "builtin", NULL, 0, NULL), 0);
	b.uri = f.uri;
	assert_int_equal(pthread_create(&th, NULL, beside_writer, &b), 0);
	/* the writer under way first */
	while (b.done < 3 && !b.errors) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	for (i = 0; i < 12; i++) {
		char *l;
		snprintf(at, sizeof(at), "2026-11-%02dT08:00:00+08:00", 15 + i);
		l = pc_line_of(cal, "admin", at);
		if (hotline_db_exec_json(f.db, l, NULL, NULL) != 0)
			fail_msg("calendar line %d: %s", i, hotline_db_errmsg(f.db));
		free(l);
		if (pc_run(f.db, pc_line("service-standard", "admin", at)) != 0)
			fail_msg("policy line %d: %s", i, hotline_db_errmsg(f.db));
	}
	b.stop = 1;
	pthread_join(th, NULL);
	hotline_free(cal);
	if (b.errors)
		fail_msg("the case writer failed %d times: %s", b.errors, b.err);
	print_message("# 12 calendar and 12 policy lines beside a case writer (%d replies)\n", b.done);
	assert_int_equal(hotline_db_verify_log(f.db, NULL, NULL), 0);
	hotline_db_close(f.db);
}

/* DESIGN §6.7 on PostgreSQL: a policy line changes the policy from its `at` on. */
static void test_policy_change(void **state)
{
	(void)state;
	run_policy_change(test_mid_month_change, "polchg");
	run_policy_change(test_next_due_recomputed, "polchg");
	run_policy_change(test_bad_policy_lines, "polchg");
}

/* ---- many groups on one server: a schema each, nothing shared (DESIGN §6.9) ---- */

#define MG_GROUPS 8
#define MG_WRITERS 2
/* commands per writer; --many-groups=N for a measuring run */
static int mg_commands = 60;

/*
 * Group g's connection string, its name as the application's: its schema
 * first in the search path (the library's way), or for a group whose name
 * starts with 'd' a database of its own on the same server (the baseline:
 * nothing shared but the server). No NOTIFY: notifying commits pass one
 * lock of the whole server one at a time (deploying.md).
 */
static void group_conninfo(char *out, size_t n, const char *group)
{
	if (group[0] == 'd')
		snprintf(out, n, "%s dbname=hl_%s application_name=hlgrp_%s hotline_notify=off", base, group, group);
	else
		snprintf(out, n, "%s application_name=hlgrp_%s options='-csearch_path=%s' hotline_notify=off", base, group,
			group);
}

/*
 * One writer of a group, in its own process: its own case, replies, and
 * every fourth command a call (the organisation stream, whose lock is
 * exclusive: the writers of one group queue on it). Starts when `go` is
 * readable; writes the acknowledged command ids, then "START END" seconds.
 */
static void mg_writer(const char *group, int w, int go)
{
	char ci[700], path[700], id[96], b;
	hotline_db *db;
	FILE *f;
	struct timespec t0, t1;
	int k, rc;
	group_conninfo(ci, sizeof(ci), group);
	snprintf(path, sizeof(path), "%s/mg-%s-%d", workdir, group, w);
	if (!(f = fopen(path, "w")) || !(db = open_thread_db(ci)))
		_exit(2);
	if (read(go, &b, 1) < 0)
		_exit(2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (k = 0; k < mg_commands; k++) {
		snprintf(id, sizeof(id), "%s-w%d-%d", group, w, k);
		if (k == 0)
			rc = exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"%s-w%d\",\"at\":\"2026-11-02T09:00:00+08:00\","
				"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
				"\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"command_id\":\"%s\"}", group, w, id);
		else if (k % 4 == 0)
			rc = exec_fmt(db, "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"zhang\",\"rings\":1,"
				"\"answered\":true,\"command_id\":\"%s\"}", id);
		else
			rc = exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"%s-w%d\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\","
				"\"text\":\"%d\",\"command_id\":\"%s\"}", group, w, k, id);
		if (rc != 0) {
			fprintf(stderr, "# %s: %s\n", id, hotline_db_errmsg(db));
			_exit(3);
		}
		fprintf(f, "%s\n", id);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(f, "@ %.6f %.6f\n", t0.tv_sec + t0.tv_nsec / 1e9, t1.tv_sec + t1.tv_nsec / 1e9);
	fclose(f);
	hotline_db_close(db);
	_exit(0);
}

typedef struct mg_sample {
	long samples, waits, cross_waits, locks, foreign_locks;
} mg_sample;

/*
 * One look at the server: every session of a group that waits, and whom it
 * waits for (pg_blocking_pids); every advisory lock a group's session holds
 * or wants, and whether its key is the group's schema.
 */
static void mg_look(PGconn *mon, mg_sample *m)
{
	PGresult *r = PQexec(mon, "SELECT a.application_name, b.application_name, a.wait_event_type, a.wait_event,"
		" left(b.query, 60) FROM pg_stat_activity a"
		" CROSS JOIN LATERAL unnest(pg_blocking_pids(a.pid)) AS bp(pid) JOIN pg_stat_activity b ON b.pid = bp.pid"
		" WHERE a.application_name LIKE 'hlgrp\\_%'");
	int i;
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	for (i = 0; i < PQntuples(r); i++) {
		m->waits++;
		if (strcmp(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1)) != 0) {
			m->cross_waits++;
			fprintf(stderr, "# %s waits (%s %s) on %s (%s)\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 2),
				PQgetvalue(r, i, 3), PQgetvalue(r, i, 1), PQgetvalue(r, i, 4));
		}
	}
	PQclear(r);
	r = PQexec(mon, "SELECT a.application_name, l.classid, l.objsubid, n.oid FROM pg_locks l"
		" JOIN pg_stat_activity a ON a.pid = l.pid LEFT JOIN pg_namespace n ON n.nspname = substr(a.application_name, 7)"
		" WHERE l.locktype = 'advisory' AND a.application_name LIKE 'hlgrp\\_%'");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	for (i = 0; i < PQntuples(r); i++) {
		m->locks++;
		if (strcmp(PQgetvalue(r, i, 2), "2") != 0 || strcmp(PQgetvalue(r, i, 1), PQgetvalue(r, i, 3)) != 0)
			m->foreign_locks++;
	}
	PQclear(r);
	m->samples++;
}

/* Runs the writers of `n` groups at once; each group's commands per second into rate[]. */
static void mg_run(const char *const *groups, int n, double *rate, mg_sample *m)
{
	int go[2], g, w, left = n * MG_WRITERS;
	PGconn *mon = PQconnectdb(base);
	assert_int_equal(PQstatus(mon), CONNECTION_OK);
	assert_int_equal(pipe(go), 0);
	for (g = 0; g < n; g++)
		for (w = 0; w < MG_WRITERS; w++)
			if (fork() == 0) {
				close(go[1]);
				mg_writer(groups[g], w, go[0]);
			}
	close(go[0]);
	close(go[1]); /* every writer reads end-of-file: they start together */
	while (left > 0) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			left--;
			continue;
		}
		if (m)
			mg_look(mon, m);
		nanosleep(&(struct timespec){ 0, 3000000L }, NULL);
	}
	PQfinish(mon);
	for (g = 0; g < n; g++) {
		double start = 1e300, end = 0;
		for (w = 0; w < MG_WRITERS; w++) {
			char path[700], line[128];
			FILE *f;
			double a, b;
			snprintf(path, sizeof(path), "%s/mg-%s-%d", workdir, groups[g], w);
			assert_non_null(f = fopen(path, "r"));
			while (fgets(line, sizeof(line), f))
				if (sscanf(line, "@ %lf %lf", &a, &b) == 2) {
					start = a < start ? a : start;
					end = b > end ? b : end;
				}
			fclose(f);
		}
		rate[g] = MG_WRITERS * mg_commands / (end - start);
	}
}

typedef struct mg_scan {
	const char *group;
	size_t prefix;
	int foreign, n;
} mg_scan;

static int mg_case(const hotline_storage_case *c, void *p)
{
	mg_scan *s = p;
	s->n++;
	if (strncmp(c->id, s->group, s->prefix) != 0 || c->id[s->prefix] != '-')
		s->foreign++;
	return 0;
}

static int mg_event(const hotline_storage_event *e, void *p)
{
	mg_scan *s = p;
	s->n++;
	/* the directory lines are the fixture's (no command_id given: a generated id); commands carry the group's */
	if (e->stream[0] && (strncmp(e->stream, s->group, s->prefix) != 0 || e->stream[s->prefix] != '-'))
		s->foreign++;
	if (strcmp(e->cmd, "call") == 0 && (!e->id || strncmp(e->id, s->group, s->prefix) != 0))
		s->foreign++;
	return 0;
}

/* What group g's handle reads is g's: its cases, its events, every acknowledged command once; the log verifies. */
static void mg_check(const char *group)
{
	char ci[700], path[700];
	hotline_storage *st = NULL;
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	hotline_db *db;
	mg_scan cs = { group, strlen(group), 0, 0 }, es = { group, strlen(group), 0, 0 };
	log_check org;
	int w, acked = 0, missing = 0, bad = 0;
	int64_t checked = 0;
	group_conninfo(ci, sizeof(ci), group);
	assert_int_equal(hotline_storage_postgres_new(&st, ci, NULL), 0);
	assert_int_equal(st->cases_foreach(st, &q, mg_case, &cs), 0);
	assert_int_equal(st->events_foreach(st, NULL, mg_event, &es), 0);
	for (w = 0; w < MG_WRITERS; w++) {
		snprintf(path, sizeof(path), "%s/mg-%s-%d", workdir, group, w);
		assert_int_equal(log_check_acks(st, path, &acked, &missing), 0);
	}
	assert_int_equal(log_check_streams(st, &bad, &org), 0);
	st->free(st);
	db = open_db(ci, HOTLINE_OPEN_READ_ONLY, NULL);
	assert_int_equal(hotline_db_verify_log(db, NULL, &checked), 0);
	hotline_db_close(db);
	assert_int_equal(cs.foreign + es.foreign, 0);
	assert_int_equal(cs.n, MG_WRITERS);
	assert_int_equal(missing, 0);
	assert_int_equal(bad, 0);
	assert_int_equal(org.gaps, 0);
	assert_int_equal(checked, es.n);
}

static void mg_setup(const char *group)
{
	char ci[700];
	hotline_db *db;
	if (group[0] == 'd') {
		/* CREATE DATABASE runs outside a transaction: a statement of its own */
		admin("DROP DATABASE IF EXISTS hl_%s", group);
		admin("CREATE DATABASE hl_%s", group);
	} else {
		admin("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", group, group);
	}
	group_conninfo(ci, sizeof(ci), group);
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	hotline_db_close(db);
}

/* The lowest, highest and mean of n groups' rates. */
static void mg_spread(const double *rate, int n, double *lo, double *hi, double *mean)
{
	int g;
	*lo = 1e300;
	*hi = *mean = 0;
	for (g = 0; g < n; g++) {
		*lo = rate[g] < *lo ? rate[g] : *lo;
		*hi = rate[g] > *hi ? rate[g] : *hi;
		*mean += rate[g] / n;
	}
}

/*
 * 8 groups x 2 writers on one server, a schema each. Sampled while they
 * run: no session of one group ever waits on a session of another, and every
 * advisory lock a group takes is keyed by its own schema. Afterwards each
 * group reads only its own cases and events, and its log verifies.
 *
 * Printed, not asserted (the machine's cores are shared by every group, and
 * with other programs): each group's commands per second (a) as 8 groups in
 * schemas of one database, (b) the same 8 x 2 writers doing the same
 * commands as 8 groups in 8 databases of the same server, where nothing is
 * shared but the server, and (c) one group alone. (a) against (b) is what
 * sharing one database costs a group (locks, catalog); (a) against (c) is
 * mostly the 16 writers and their server processes sharing the cores.
 */
static void test_many_groups(void **state)
{
	static const char *const alone[1] = { "g0" };
	static const char *const groups[MG_GROUPS] = { "g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8" };
	static const char *const dbs[MG_GROUPS] = { "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8" };
	double rate_alone, rate[MG_GROUPS], rate_db[MG_GROUPS], lo, hi, mean, dlo, dhi, dmean;
	mg_sample m_alone, m, m_db;
	int g;
	(void)state;
	memset(&m, 0, sizeof(m));
	memset(&m_db, 0, sizeof(m_db));
	memset(&m_alone, 0, sizeof(m_alone));
	mg_setup(alone[0]);
	for (g = 0; g < MG_GROUPS; g++) {
		mg_setup(groups[g]);
		mg_setup(dbs[g]);
	}
	mg_run(alone, 1, &rate_alone, &m_alone);
	mg_check(alone[0]);
	mg_run(groups, MG_GROUPS, rate, &m);
	for (g = 0; g < MG_GROUPS; g++)
		mg_check(groups[g]);
	/* sampled the same way: the sampler's queries take the server's time too */
	mg_run(dbs, MG_GROUPS, rate_db, &m_db);
	for (g = 0; g < MG_GROUPS; g++) {
		mg_check(dbs[g]);
		admin("DROP DATABASE hl_%s", dbs[g]);
	}
	mg_spread(rate, MG_GROUPS, &lo, &hi, &mean);
	mg_spread(rate_db, MG_GROUPS, &dlo, &dhi, &dmean);
	print_message("# many groups (%d writers x %d commands each): (c) one group alone %.0f commands/s;"
		" (a) %d groups in schemas of one database %.0f to %.0f per group, mean %.0f, %.0f in all;"
		" (b) %d groups in %d databases %.0f to %.0f per group, mean %.0f, %.0f in all\n", MG_WRITERS, mg_commands,
		rate_alone, MG_GROUPS, lo, hi, mean, mean * MG_GROUPS, MG_GROUPS, MG_GROUPS, dlo, dhi, dmean, dmean * MG_GROUPS);
	print_message("# many groups: per group, (a) is %.0f %% of (b) (what sharing one database costs) and %.0f %% of (c)"
		" (the server's cores shared by %d groups: (a) in all is %.0f %% of (c))\n", 100 * mean / dmean,
		100 * mean / rate_alone, MG_GROUPS, 100 * mean * MG_GROUPS / rate_alone);
	print_message("# many groups: %ld samples of pg_locks, %ld waits within a group, %ld across groups;"
		" %ld advisory locks seen, %ld not keyed by their group's schema\n", m.samples, m.waits - m.cross_waits,
		m.cross_waits, m.locks, m.foreign_locks);
	assert_true(m.samples > 0);
	assert_true(m.locks > 0);
	assert_int_equal(m.cross_waits + m_db.cross_waits, 0);
	assert_int_equal(m.foreign_locks + m_alone.foreign_locks, 0);
}

/* One command's round trips to the server: the sends libpq makes for it. */
static long command_round_trips(hotline_db *db, const char *case_id, int k)
{
	long n;
	sends = 0;
	counting_sends = 1;
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"reply\",\"case\":\"%s\",\"at\":\"2026-11-02T10:00:00+08:00\","
		"\"actor\":\"zhang\",\"text\":\"%d\"}", case_id, k), 0);
	counting_sends = 0;
	n = sends;
	return n;
}

/*
 * A command on a case costs five round trips: BEGIN with its locks (and
 * in the same trip the snapshot data_version compares and the organisation
 * stream's head), the case locked with its stream's head, the event, the
 * case's snapshot, COMMIT (with the feed's wake-up). Also when another
 * handle committed in between: the head of the organisation stream the
 * library then checks the directory against came with the BEGIN.
 */
static void test_round_trips(void **state)
{
	char ci[700];
	hotline_db *db, *other;
	long alone, after_other;
	int k;
	(void)state;
	fresh_schema(ci, sizeof(ci), "round_trips");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	other = open_db(ci, HOTLINE_OPEN_READ_WRITE, NULL);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"RT1\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(other, "{\"cmd\":\"register\",\"case\":\"RT2\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"2\",\"owner\":\"李\",\"phone\":\"2\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	/* statements are prepared on first use */
	for (k = 0; k < 2; k++) {
		command_round_trips(db, "RT1", k);
		command_round_trips(other, "RT2", k);
	}
	command_round_trips(db, "RT1", 2);
	alone = command_round_trips(db, "RT1", 3);
	command_round_trips(other, "RT2", 4);
	after_other = command_round_trips(db, "RT1", 5);
	print_message("# round trips per command: %ld alone, %ld after another handle's commit\n", alone, after_other);
	assert_true(alone <= 5);
	assert_true(after_other <= 5);
	hotline_db_close(other);
	hotline_db_close(db);
}

/*
 * A handle keeps the decoded snapshot of each case it wrote and takes it
 * again only when the row it reads under the case's lock is the one it
 * wrote: another handle's command on the case between two of this handle's
 * (a new version), or a row rewritten at the same version, is read, and
 * this handle's next command builds on what the row holds.
 */
static void test_kept_snapshot_other_writer(void **state)
{
	char ci[700];
	hotline_db *db, *other;
	hotline_case *c;
	PGconn *raw;
	(void)state;
	fresh_schema(ci, sizeof(ci), "kept_snapshot");
	db = open_db(ci, HOTLINE_OPEN_CREATE, NULL);
	fixture_load(db);
	other = open_db(ci, HOTLINE_OPEN_READ_WRITE, NULL);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"K1\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1-101\",\"owner\":\"王\",\"phone\":\"1\","
		"\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"K1\",\"at\":\"2026-11-02T09:10:00+08:00\","
		"\"actor\":\"zhang\"}"), 0);
	/* the other handle changes the ledger; this one's next command (which leaves the ledger alone) keeps it */
	assert_int_equal(exec_fmt(other, "{\"cmd\":\"correct_record\",\"case\":\"K1\",\"at\":\"2026-11-02T09:20:00+08:00\","
		"\"actor\":\"zhang\",\"fields\":[\"room\"],\"values\":{\"room\":\"9-909\"}}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"decide_measures\",\"case\":\"K1\",\"at\":\"2026-11-02T09:40:00+08:00\","
		"\"actor\":\"li\",\"measures\":\"x\"}"), 0);
	assert_int_equal(hotline_db_case(&c, other, "K1"), 0);
	assert_string_equal(hotline_case_field(c, "room"), "9-909");
	assert_int_equal(hotline_case_version(c), 4);
	hotline_case_free(c);
	/* the other handle moves the case on: this one continues from the state it left */
	assert_int_equal(exec_fmt(other, "{\"cmd\":\"onsite_visit\",\"case\":\"K1\",\"at\":\"2026-11-02T11:00:00+08:00\","
		"\"actor\":\"wu\"}"), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"submit_visit_form\",\"case\":\"K1\",\"at\":\"2026-11-02T11:30:00+08:00\","
		"\"actor\":\"li\"}"), 0);
	assert_int_equal(hotline_db_case(&c, other, "K1"), 0);
	assert_int_equal(hotline_case_version(c), 6);
	assert_string_equal(hotline_case_field(c, "room"), "9-909");
	hotline_case_free(c);
	/* a row rewritten at the same version (here behind the library's back) is read, not taken from memory */
	raw = PQconnectdb(ci);
	assert_int_equal(PQstatus(raw), CONNECTION_OK);
	raw_exec(raw, "UPDATE cases SET body = replace(body, '\"matter\":\"m\"', '\"matter\":\"m2\"') WHERE id = 'K1'");
	PQfinish(raw);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"complete\",\"case\":\"K1\",\"at\":\"2026-11-02T13:00:00+08:00\","
		"\"actor\":\"li\"}"), 0);
	assert_int_equal(hotline_db_case(&c, other, "K1"), 0);
	assert_int_equal(hotline_case_version(c), 7);
	assert_string_equal(hotline_case_field(c, "matter"), "m2");
	hotline_case_free(c);
	/* and a command of this handle alone after its own builds on its own */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"followup\",\"case\":\"K1\",\"at\":\"2026-11-02T14:00:00+08:00\","
		"\"actor\":\"li\",\"satisfied\":true}"), 0);
	assert_int_equal(hotline_db_case(&c, other, "K1"), 0);
	assert_int_equal(hotline_case_version(c), 8);
	assert_string_equal(hotline_case_field(c, "matter"), "m2");
	assert_string_equal(hotline_case_field(c, "room"), "9-909");
	hotline_case_free(c);
	hotline_db_close(other);
	hotline_db_close(db);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conformance),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_db_flow),
		cmocka_unit_test(test_claims),
		cmocka_unit_test(test_concurrency),
		cmocka_unit_test(test_checkpoint_writers),
		cmocka_unit_test(test_concurrent_retries),
		cmocka_unit_test(test_case_writers_parallel),
		cmocka_unit_test(test_one_case_writers),
		cmocka_unit_test(test_deadlock_retried),
		cmocka_unit_test(test_calendar_month),
		cmocka_unit_test(test_policy_record),
		cmocka_unit_test(test_feed_writers),
		cmocka_unit_test(test_feed_wait),
		cmocka_unit_test(test_notifications_demo),
		cmocka_unit_test(test_summary_demo),
		cmocka_unit_test(test_policy_change),
		cmocka_unit_test(test_lines_beside_a_case_writer),
		cmocka_unit_test(test_many_groups),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_kept_snapshot_other_writer),
	};
	FILE *f;
	const char *tmp = getenv("TMPDIR");
	if (argc < 2) {
		fprintf(stderr, "usage: %s CONNINFO_FILE\n", argv[0]);
		return 2;
	}
	if (!(f = fopen(argv[1], "r")) || !fgets(base, sizeof(base), f)) {
		printf("# no PostgreSQL cluster (%s): skipped\n", argv[1]);
		return 77;
	}
	fclose(f);
	base[strcspn(base, "\n")] = '\0';
	snprintf(workdir, sizeof(workdir), "%s/pg-work-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(workdir))
		return 2;
	if (argc > 2 && strncmp(argv[2], "--pooler=", 9) == 0) {
		/* through PgBouncer (tests/pg/pgbouncer.sh): the conformance suite and the concurrency tests */
		if (!(f = fopen(argv[2] + 9, "r")) || !fgets(pooler, sizeof(pooler), f)) {
			printf("# no PgBouncer (%s): skipped\n", argv[2] + 9);
			rmdir(workdir);
			return 77;
		}
		fclose(f);
		pooler[strcspn(pooler, "\n")] = '\0';
		cmocka_set_test_filter("test_con*");
	} else if (argc > 2 && strcmp(argv[2], "--concurrency-only") == 0)
		cmocka_set_test_filter("test_concurrency");
	else if (argc > 2 && strncmp(argv[2], "--only=", 7) == 0)
		cmocka_set_test_filter(argv[2] + 7);
	else if (argc > 2 && strncmp(argv[2], "--many-groups=", 14) == 0) {
		/* the measuring run: N commands per writer */
		if ((mg_commands = atoi(argv[2] + 14)) < 8) {
			fprintf(stderr, "--many-groups=COMMANDS (8 or more)\n");
			return 2;
		}
		cmocka_set_test_filter("test_many_groups");
	}
	else if (argc > 2 && strncmp(argv[2], "--writers=", 10) == 0) {
		/* the measuring run: P processes x T threads x N replies, on one case and on their own */
		if (sscanf(argv[2] + 10, "%d,%d,%d", &mw_procs, &mw_threads, &mw_n) != 3 || mw_procs < 1 || mw_threads < 1 ||
		    mw_threads > 64 || mw_n < 1) {
			fprintf(stderr, "--writers=PROCESSES,THREADS,COMMANDS\n");
			return 2;
		}
		cmocka_set_test_filter("test_one_case_writers");
	} else if (argc > 2 && strncmp(argv[2], "--twins=", 8) == 0) {
		/* the same command_id sent through TW_THREADS handles at once, ROUNDS times */
		tw_rounds = atoi(argv[2] + 8);
		if (tw_rounds < 1 || tw_rounds > TW_ROUNDS) {
			fprintf(stderr, "--twins=ROUNDS (1..%d)\n", TW_ROUNDS);
			return 2;
		}
		cmocka_set_test_filter("test_concurrent_retries");
	}
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(workdir);
	return rc;
}
