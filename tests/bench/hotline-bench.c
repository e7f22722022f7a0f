/*
 * hotline-bench — measures libhotline against its storage's own limit and
 * shows how cost grows with work. Every figure is printed beside its
 * baseline and the ratio, all measured in this one run.
 *
 *   hotline-bench [--quick] [--cases N] [--lines N] [--sweep-max N] [--dir DIR]
 *                 [--postgres CONNINFO [--postgres-cases N] [--postgres-only] [--postgres-options "KEY=VALUE ..."]]
 *                 [--only batched|batched-clear|raw|replay|pg|pg2|pg-raw N]
 *
 * See tests/bench/README.md for what each figure means.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <hotline.h>
#include <hotline/sys/storage.h>

#define CMDS_PER_CASE 10

/* Owners' personal data are encrypted, as in a real installation: the benchmark's key-encryption key. */
static const unsigned char bench_key[HOTLINE_KEY_BYTES] = { 0x62, 0x65, 0x6e, 0x63, 0x68, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
	12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27 };

static int open_keyed(hotline_db **db, const char *uri)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	o.key = bench_key;
	o.key_id = "bench";
	return hotline_db_open(db, uri, &o);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char dir[512];

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

/* --assess-db: the assessment's database at a path of the caller's, kept (a second run reuses it) */
static const char *assess_db;
static int keep_assess_db;

static void assess_path(char *buf, size_t n)
{
	if (assess_db)
		snprintf(buf, n, "%s", assess_db);
	else
		path_of(buf, n, "assess.db");
}

static void rm_db(const char *path)
{
	char p[700];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static _Noreturn void die(const char *what, const char *msg)
{
	fprintf(stderr, "hotline-bench: %s: %s\n", what, msg);
	exit(1);
}

/* ---- the workload: one case's full lifecycle, as scenario lines ---- */

static const char *const directory[] = {
	"{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}",
	"{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"wu\",\"name\":\"吴刚\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"zhao\",\"name\":\"赵丽\",\"roles\":[\"quality_supervisor\"]}",
	"{\"cmd\":\"person\",\"id\":\"gm\",\"name\":\"陈总\",\"roles\":[\"group_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"qa\",\"name\":\"钱主任\",\"roles\":[\"qa_director\"]}",
	"{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\",\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\"}",
	NULL
};

/* The k-th command (0..9) of case n; the case is registered on day n % 28 of November. */
static int lifecycle_line(char *buf, size_t size, long n, int k)
{
	static const struct { const char *cmd, *actor, *extra; int minute; } steps[CMDS_PER_CASE] = {
		{ "register", "zhang", ",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"", 0 },
		{ "dispatch", "zhang", "", 10 },
		{ "decide_measures", "li", ",\"measures\":\"更换灯具\"", 40 },
		{ "onsite_visit", "wu", "", 120 },
		{ "submit_visit_form", "li", "", 150 },
		{ "complete", "li", "", 240 },
		{ "followup", "li", ",\"satisfied\":true", 300 },
		{ "supervisor_check", "zhao", "", 330 },
		{ "verify", "zhang", ",\"outcome\":\"confirmed\"", 360 },
		{ "close", "gm", "", 420 },
	};
	int day = 1 + (int)(n % 26), minute = 9 * 60 + steps[k].minute;
	return snprintf(buf, size, "{\"cmd\":\"%s\",\"case\":\"C%ld\",\"at\":\"2026-11-%02dT%02d:%02d:00+08:00\",\"actor\":\"%s\"%s}",
		steps[k].cmd, n, day, minute / 60, minute % 60, steps[k].actor, steps[k].extra);
}

/* ---- 1. command throughput: library vs raw SQLite ---- */

enum { MODE_BATCHED, MODE_NORMAL, MODE_FULL };
static const char *const mode_names[] = { "batched 1000/tx", "1 tx/cmd, WAL NORMAL", "1 tx/cmd, WAL FULL" };

/* clear: a database created unencrypted (HOTLINE_DB_UNENCRYPTED), the baseline of the encryption's cost */
static double lib_throughput(int mode, long cases, int clear)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db;
	char path[600], uri[640], line[1024];
	const char *const *d;
	long n, done = 0;
	int k;
	double t0, t;
	path_of(path, sizeof(path), "lib.db");
	rm_db(path);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	o.synchronous = mode == MODE_FULL ? 2 : 1;
	if (clear) {
		o.flags = HOTLINE_DB_UNENCRYPTED;
	} else {
		o.key = bench_key;
		o.key_id = "bench";
	}
	if (hotline_db_open(&db, uri, &o) != 0)
		die("open", hotline_last_error());
	for (d = directory; *d; d++)
		if (hotline_db_exec_json(db, *d, NULL, NULL) != 0)
			die("directory", hotline_db_errmsg(db));
	t0 = now();
	if (mode == MODE_BATCHED)
		hotline_db_begin(db);
	for (n = 0; n < cases; n++)
		for (k = 0; k < CMDS_PER_CASE; k++) {
			lifecycle_line(line, sizeof(line), n, k);
			if (hotline_db_exec_json(db, line, NULL, NULL) != 0)
				die(line, hotline_db_errmsg(db));
			if (mode == MODE_BATCHED && ++done % 1000 == 0) {
				if (hotline_db_commit(db) != 0 || hotline_db_begin(db) != 0)
					die("batch", hotline_db_errmsg(db));
			}
		}
	if (mode == MODE_BATCHED && hotline_db_commit(db) != 0)
		die("commit", hotline_db_errmsg(db));
	t = now() - t0;
	hotline_db_close(db);
	rm_db(path);
	return cases * CMDS_PER_CASE / t;
}

/*
 * The case snapshots the library writes at each step of a lifecycle, so that
 * the raw baseline writes rows of the same sizes.
 */
static char *snapshot_body[CMDS_PER_CASE];

static void capture_snapshots(void)
{
	hotline_db *db;
	char line[1024];
	const char *const *d;
	int k;
	if (hotline_db_open(&db, "memory:", NULL) != 0)
		die("open", hotline_last_error());
	for (d = directory; *d; d++)
		hotline_db_exec_json(db, *d, NULL, NULL);
	for (k = 0; k < CMDS_PER_CASE; k++) {
		hotline_case *c;
		lifecycle_line(line, sizeof(line), 0, k);
		if (hotline_db_exec_json(db, line, NULL, NULL) != 0 || hotline_db_case(&c, db, "C0") != 0)
			die(line, hotline_db_errmsg(db));
		snapshot_body[k] = strdup(hotline_case_json(c));
		hotline_case_free(c);
	}
	hotline_db_close(db);
}

/*
 * A UUID-shaped id (36 bytes and NUL) spread like the library's name-based
 * ones, so that the baseline's unique index on event ids takes its inserts
 * at scattered places as the library's does.
 */
static void raw_event_id(char out[37], uint64_t n)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t h[2];
	int i, j = 0;
	for (i = 0; i < 2; i++) {   /* splitmix64 */
		uint64_t z = (n = n + 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		h[i] = z ^ (z >> 31);
	}
	for (i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[j++] = '-';
		out[j++] = hex[(h[i / 16] >> (4 * (i % 16))) & 15];
	}
	out[36] = '\0';
}

/*
 * The same writes by hand: per command one event insert (the command's text
 * and an event id, as the library stores one for every event) and one case
 * upsert (the library's snapshot of that step), prepared, same pragmas,
 * schema and indexes.
 */
static double raw_throughput(int mode, long cases)
{
	sqlite3 *s;
	sqlite3_stmt *ins, *ups;
	char path[600], line[1024], hash[65], event_id[37];
	long n, done = 0;
	int k;
	double t0, t;
	path_of(path, sizeof(path), "raw.db");
	rm_db(path);
	if (sqlite3_open(path, &s) != SQLITE_OK)
		die("raw open", sqlite3_errmsg(s));
	sqlite3_exec(s, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	sqlite3_exec(s, mode == MODE_FULL ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	/* the library's other two pragmas: secure_delete overwrites every replaced case row */
	sqlite3_exec(s, "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON", NULL, NULL, NULL);
	sqlite3_exec(s,
		"CREATE TABLE events(seq INTEGER PRIMARY KEY, stream TEXT NOT NULL, stream_seq INTEGER NOT NULL, cmd TEXT NOT NULL, actor TEXT NOT NULL, at INTEGER, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, id TEXT, UNIQUE(stream, stream_seq));"
		"CREATE UNIQUE INDEX events_id ON events(id) WHERE id IS NOT NULL;"
		"CREATE TABLE cases(id TEXT PRIMARY KEY, property TEXT NOT NULL, state INTEGER NOT NULL, approval INTEGER NOT NULL, exempt INTEGER NOT NULL, version INTEGER NOT NULL, registered_at INTEGER NOT NULL, last_at INTEGER NOT NULL, next_due INTEGER, head_hash TEXT NOT NULL, body TEXT NOT NULL);"
		"CREATE INDEX cases_next_due ON cases(next_due, id) WHERE next_due IS NOT NULL;"
		"CREATE INDEX cases_property_state ON cases(property, state);"
		"CREATE INDEX cases_property_registered ON cases(property, registered_at);", NULL, NULL, NULL);
	sqlite3_prepare_v2(s, "INSERT INTO events(stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", -1, &ins, NULL);
	sqlite3_prepare_v2(s, "INSERT INTO cases(id, property, state, approval, exempt, version, registered_at, last_at, next_due, head_hash, body)"
		" VALUES(?1,'P1',?2,0,0,?3,?4,?4,?4,?5,?6) ON CONFLICT(id) DO UPDATE SET state=excluded.state, version=excluded.version,"
		" last_at=excluded.last_at, next_due=excluded.next_due, head_hash=excluded.head_hash, body=excluded.body", -1, &ups, NULL);
	memset(hash, 'a', 64);
	hash[64] = 0;
	t0 = now();
	if (mode == MODE_BATCHED)
		sqlite3_exec(s, "BEGIN", NULL, NULL, NULL);
	for (n = 0; n < cases; n++) {
		char id[32];
		snprintf(id, sizeof(id), "C%ld", n);
		for (k = 0; k < CMDS_PER_CASE; k++) {
			int len = lifecycle_line(line, sizeof(line), n, k);
			if (mode != MODE_BATCHED)
				sqlite3_exec(s, "BEGIN IMMEDIATE", NULL, NULL, NULL);
			sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_int(ins, 2, k + 1);
			sqlite3_bind_text(ins, 3, "cmd", -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 4, "actor", -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 5, 1793581500 + n * 60 + k);
			sqlite3_bind_text(ins, 6, line, len, SQLITE_STATIC);
			sqlite3_bind_text(ins, 7, hash, 64, SQLITE_STATIC);
			sqlite3_bind_text(ins, 8, hash, 64, SQLITE_STATIC);
			raw_event_id(event_id, (uint64_t)n * CMDS_PER_CASE + (uint64_t)k);
			sqlite3_bind_text(ins, 9, event_id, 36, SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE)
				die("raw insert", sqlite3_errmsg(s));
			sqlite3_reset(ins);
			sqlite3_bind_text(ups, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_int(ups, 2, k);
			sqlite3_bind_int(ups, 3, k + 1);
			sqlite3_bind_int64(ups, 4, 1793581500 + n * 60 + k);
			sqlite3_bind_text(ups, 5, hash, 64, SQLITE_STATIC);
			sqlite3_bind_text(ups, 6, snapshot_body[k], -1, SQLITE_STATIC);
			if (sqlite3_step(ups) != SQLITE_DONE)
				die("raw upsert", sqlite3_errmsg(s));
			sqlite3_reset(ups);
			if (mode != MODE_BATCHED)
				sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
			else if (++done % 1000 == 0) {
				sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
				sqlite3_exec(s, "BEGIN", NULL, NULL, NULL);
			}
		}
	}
	if (mode == MODE_BATCHED)
		sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
	t = now() - t0;
	sqlite3_finalize(ins);
	sqlite3_finalize(ups);
	sqlite3_close(s);
	rm_db(path);
	return cases * CMDS_PER_CASE / t;
}

/* ---- 2. sweep latency as the number of open cases grows ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Fills a library database with n open cases written straight into its schema (fast), then times sweeps. */
static double sweep_latency(long n)
{
	hotline_db *db;
	sqlite3 *s;
	sqlite3_stmt *st;
	char path[600], uri[640], id[32];
	double lat[201];
	long i;
	int k;
	path_of(path, sizeof(path), "sweep.db");
	rm_db(path);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	if (open_keyed(&db, uri) != 0) /* creates the schema */
		die("open", hotline_last_error());
	hotline_db_close(db);
	sqlite3_open(path, &s);
	sqlite3_exec(s, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(s, "INSERT INTO cases VALUES(?1,'P1',1,0,0,2,?2,?2,?3,'h','{}')", -1, &st, NULL);
	srand(42);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "S%ld", i);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, 1793581500);
		/* next due instants spread over a month */
		sqlite3_bind_int64(st, 3, 1793581500 + (long)(rand() % (30 * 86400)));
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(s);
	if (open_keyed(&db, uri) != 0)
		die("open", hotline_last_error());
	for (k = 0; k < 201; k++) {
		hotline_case_list *l;
		/* "before" moves through the month; each call returns the first 100 */
		hotline_time before = 1793581500 + (hotline_time)(k % 20 + 10) * 86400;
		double t0 = now();
		if (hotline_db_sweep(&l, db, before, 100) != 0)
			die("sweep", hotline_db_errmsg(db));
		lat[k] = now() - t0;
		if (hotline_case_list_count(l) != 100 && n >= 10000)
			die("sweep", "fewer than 100 cases returned");
		hotline_case_list_free(l);
	}
	hotline_db_close(db);
	rm_db(path);
	qsort(lat, 201, sizeof(double), cmp_double);
	return lat[100] * 1e3; /* median, ms */
}

/* ---- 3 and 4: in a child process, so each peak RSS is its own ---- */

typedef struct child_result {
	double seconds;
	double cpu;      /* user and system time: less moved by other loads than the wall clock */
	long peak_kb;
	int ok;
} child_result;

static child_result in_child(void (*fn)(long), long arg)
{
	child_result r = { 0, 0, 0, 0 };
	struct rusage ru;
	int status;
	double t0;
	pid_t pid;
	fflush(stdout); /* else the child prints the parent's buffered lines again */
	t0 = now();
	pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return r;
	r.seconds = now() - t0;
	r.cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	r.peak_kb = ru.ru_maxrss;
	r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return r;
}

static void build_assess_db(long cases)
{
	hotline_db *db;
	char path[600], uri[640], line[1024];
	const char *const *d;
	long n;
	int k;
	assess_path(path, sizeof(path));
	rm_db(path);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	if (open_keyed(&db, uri) != 0)
		die("open", hotline_last_error());
	for (d = directory; *d; d++)
		hotline_db_exec_json(db, *d, NULL, NULL);
	hotline_db_begin(db);
	for (n = 0; n < cases; n++) {
		/* most cases closed on time, every tenth left open after dispatch (penalties accrue) */
		for (k = 0; k < (n % 10 ? CMDS_PER_CASE : 2); k++) {
			lifecycle_line(line, sizeof(line), n, k);
			if (hotline_db_exec_json(db, line, NULL, NULL) != 0)
				die(line, hotline_db_errmsg(db));
		}
		if (n % 1000 == 999) {
			hotline_db_commit(db);
			hotline_db_begin(db);
		}
	}
	hotline_db_commit(db);
	hotline_db_close(db);
}

/* The assessment's document goes to a sink that only counts it, as a vendor would stream it to a file. */
static int count_sink(void *ctx, const char *data, size_t len)
{
	(void)data;
	*(long *)ctx += (long)len;
	return 0;
}

/* csv = 0: the JSON document; 1: the CSV table payroll imports (streamed the same way). */
static void run_assess(long csv)
{
	hotline_db *db;
	char path[600], uri[640];
	hotline_time as_of;
	long bytes = 0;
	assess_path(path, sizeof(path));
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	hotline_time_parse(&as_of, "2026-11-27T00:00:00+08:00");
	if (open_keyed(&db, uri) != 0 ||
	    hotline_db_assess_write(db, as_of, csv ? HOTLINE_FORMAT_CSV : HOTLINE_FORMAT_JSON, count_sink, &bytes) != 0)
		die("assess", hotline_last_error());
	printf("   (assessment %s: %.1f MB)\n", csv ? "CSV" : "document", bytes / 1e6);
	fflush(stdout);
	hotline_db_close(db);
}

/*
 * The assessment's floor on this storage: what the library must do before
 * any rule runs. parse = 0: read every case's events with SQLite, as the
 * library reads them (one indexed query per case, in id order); parse = 1:
 * and parse each event's body as JSON.
 */
static void run_assess_floor(long parse)
{
	sqlite3 *s;
	sqlite3_stmt *cases, *evs;
	char path[600];
	long n = 0;
	assess_path(path, sizeof(path));
	if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("floor", sqlite3_errmsg(s));
	sqlite3_exec(s, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(s, "SELECT id, body FROM cases ORDER BY id", -1, &cases, NULL);
	sqlite3_prepare_v2(s, "SELECT seq, stream, stream_seq, cmd, actor, at, body, prev_hash, hash FROM events"
		" WHERE stream = ?1 ORDER BY stream_seq", -1, &evs, NULL);
	while (sqlite3_step(cases) == SQLITE_ROW) {
		sqlite3_bind_text(evs, 1, (const char *)sqlite3_column_text(cases, 0), -1, SQLITE_TRANSIENT);
		while (sqlite3_step(evs) == SQLITE_ROW) {
			const char *body = (const char *)sqlite3_column_text(evs, 6);
			n += (long)strlen(body);
			if (parse) {
				json_t *j = json_loads(body, 0, NULL);
				if (!j)
					die("floor", "bad body");
				json_decref(j);
			}
		}
		sqlite3_reset(evs);
	}
	sqlite3_finalize(cases);
	sqlite3_finalize(evs);
	sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(s);
	if (n == 0)
		die("floor", "no events");
}

static void write_scenario(long lines)
{
	char path[600], line[1024];
	const char *const *d;
	long n = 0, i;
	int k;
	FILE *f;
	path_of(path, sizeof(path), "replay.jsonl");
	f = fopen(path, "w");
	if (!f)
		die("scenario", strerror(errno));
	for (d = directory; *d; d++, n++)
		fprintf(f, "%s\n", *d);
	for (i = 0; n < lines; i++)
		for (k = 0; k < CMDS_PER_CASE && n < lines; k++, n++) {
			lifecycle_line(line, sizeof(line), i, k);
			fprintf(f, "%s\n", line);
		}
	fclose(f);
}

static void run_replay(long unused)
{
	char path[600], dbp[600], uri[640], *out;
	const char *files[1];
	hotline_replay_options o = HOTLINE_REPLAY_OPTIONS_INIT;
	(void)unused;
	path_of(path, sizeof(path), "replay.jsonl");
	path_of(dbp, sizeof(dbp), "replay.db");
	rm_db(dbp);
	snprintf(uri, sizeof(uri), "sqlite:%s", dbp);
	files[0] = path;
	o.db_uri = uri;
	o.key = bench_key;
	o.key_id = "bench";
	if (hotline_replay(&out, files, 1, &o) != 0)
		die("replay", hotline_last_error());
	hotline_free(out);
	rm_db(dbp);
}

/* ---- 5. PostgreSQL: the library beside raw libpq, 1 to 8 writer processes ---- */

static const char *pg_base;

static void pg_admin(const char *sql)
{
	PGconn *c = PQconnectdb(pg_base);
	PGresult *r;
	if (PQstatus(c) != CONNECTION_OK)
		die("postgres", PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die(sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

/* A new, empty schema holding the library's tables; its connection string into out. */
static void pg_schema(char *out, size_t n, const char *name)
{
	char sql[256];
	hotline_storage *st;
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
	pg_admin(sql);
	snprintf(out, n, "%s options='-csearch_path=%s'", pg_base, name);
	if (hotline_storage_postgres_new(&st, out, NULL) != 0)
		die("postgres schema", hotline_last_error());
	st->free(st);
}

/* Runs fn(w, per) in `writers` processes at once; the wall time of all of them. */
static double pg_parallel(int writers, long per, void (*fn)(int, long))
{
	double t0 = now();
	int w, failed = 0;
	for (w = 0; w < writers; w++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork", strerror(errno));
		if (pid == 0) {
			fn(w, per);
			_exit(0);
		}
	}
	for (w = 0; w < writers; w++) {
		int status;
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed = 1;
	}
	if (failed)
		die("postgres", "a writer failed");
	return now() - t0;
}

static char pg_conninfo[1024];
/* --postgres-options: the library's own keywords (hotline_notify=off, ...), added to its connection string only */
static const char *pg_lib_options = "";

/* One writer: its own cases, one command per transaction, through the library. */
static void pg_lib_writer(int w, long per)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db;
	char uri[1100], line[1024];
	long n;
	int k;
	snprintf(uri, sizeof(uri), "postgres:%s %s", pg_conninfo, pg_lib_options);
	o.mode = HOTLINE_OPEN_READ_WRITE;
	/* encrypted, as every other figure: the owners' fields need the key */
	o.key = bench_key;
	o.key_id = "bench";
	if (hotline_db_open(&db, uri, &o) != 0)
		die("open", hotline_last_error());
	for (n = w * per; n < (w + 1) * per; n++)
		for (k = 0; k < CMDS_PER_CASE; k++) {
			lifecycle_line(line, sizeof(line), n, k);
			if (hotline_db_exec_json(db, line, NULL, NULL) != 0)
				die(line, hotline_db_errmsg(db));
		}
	hotline_db_close(db);
}

static void pg_check(PGconn *c, PGresult *r, const char *what)
{
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		die(what, PQerrorMessage(c));
	PQclear(r);
}

/*
 * The same writes by hand: per command one transaction with one event
 * insert (the command's text) and one case upsert (the library's snapshot of
 * that step), prepared, into the same schema (tables, indexes, triggers).
 */
static void pg_raw_writer(int w, long per)
{
	PGconn *c = PQconnectdb(pg_conninfo);
	char line[1024], hash[65], id[32], b[4][24];
	long n;
	int k;
	if (PQstatus(c) != CONNECTION_OK)
		die("raw connect", PQerrorMessage(c));
	pg_check(c, PQprepare(c, "ins", "INSERT INTO events(stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id)"
		" VALUES($1, $2, 'cmd', 'actor', $3, $4, $5, $5, $6) RETURNING seq", 6, NULL), "prepare");
	pg_check(c, PQprepare(c, "ups", "INSERT INTO cases(id, property, state, approval, exempt, version, registered_at,"
		" last_at, next_due, head_hash, body) VALUES($1, 'P1', $2, 0, 0, $3, $4, $4, $4, $5, $6)"
		" ON CONFLICT(id) DO UPDATE SET state = excluded.state, version = excluded.version, last_at = excluded.last_at,"
		" next_due = excluded.next_due, head_hash = excluded.head_hash, body = excluded.body", 6, NULL), "prepare");
	memset(hash, 'a', 64);
	hash[64] = 0;
	for (n = w * per; n < (w + 1) * per; n++) {
		snprintf(id, sizeof(id), "C%ld", n);
		for (k = 0; k < CMDS_PER_CASE; k++) {
			char evid[48];
			const char *pi[6], *pu[6];
			lifecycle_line(line, sizeof(line), n, k);
			snprintf(evid, sizeof(evid), "%s-%d", id, k);
			snprintf(b[0], 24, "%d", k + 1);
			snprintf(b[1], 24, "%ld", 1793581500 + n * 60 + k);
			snprintf(b[2], 24, "%d", k);
			pi[0] = id, pi[1] = b[0], pi[2] = b[1], pi[3] = line, pi[4] = hash, pi[5] = evid;
			pu[0] = id, pu[1] = b[2], pu[2] = b[0], pu[3] = b[1], pu[4] = hash, pu[5] = snapshot_body[k];
			pg_check(c, PQexec(c, "BEGIN"), "begin");
			pg_check(c, PQexecPrepared(c, "ins", 6, pi, NULL, NULL, 0), "raw insert");
			pg_check(c, PQexecPrepared(c, "ups", 6, pu, NULL, NULL, 0), "raw upsert");
			pg_check(c, PQexec(c, "COMMIT"), "commit");
		}
	}
	PQfinish(c);
}

/* A fresh library schema with the directory loaded: the library writers' starting point. */
static void pg_lib_schema(void)
{
	hotline_db *db;
	const char *const *d;
	char uri[1100];
	pg_schema(pg_conninfo, sizeof(pg_conninfo), "bench_lib");
	snprintf(uri, sizeof(uri), "postgres:%s %s", pg_conninfo, pg_lib_options);
	if (hotline_db_open(&db, uri, NULL) != 0)
		die("open", hotline_last_error());
	for (d = directory; *d; d++)
		if (hotline_db_exec_json(db, *d, NULL, NULL) != 0)
			die("directory", hotline_db_errmsg(db));
	hotline_db_close(db);
}

static void pg_bench(long cases)
{
	static const int writer_counts[] = { 1, 2, 4, 8 };
	double lib[4], raw[4];
	size_t i;
	printf("5. PostgreSQL, 1 tx/cmd, %ld cases (%ld commands) split between the writer processes\n", cases,
		cases * CMDS_PER_CASE);
	for (i = 0; i < sizeof(writer_counts) / sizeof(writer_counts[0]); i++) {
		int w = writer_counts[i];
		long per = cases / w;
		double t;
		pg_lib_schema();
		t = pg_parallel(w, per, pg_lib_writer);
		lib[i] = per * w * CMDS_PER_CASE / t;
		pg_schema(pg_conninfo, sizeof(pg_conninfo), "bench_raw");
		t = pg_parallel(w, per, pg_raw_writer);
		raw[i] = per * w * CMDS_PER_CASE / t;
		printf("   %d writer%s  library %8.0f cmd/s   raw libpq %8.0f cmd/s   ratio %5.1f%%   library x%.2f of 1 writer\n",
			w, w > 1 ? "s" : " ", lib[i], raw[i], 100 * lib[i] / raw[i], lib[i] / lib[0]);
	}
	pg_admin("DROP SCHEMA IF EXISTS bench_lib CASCADE; DROP SCHEMA IF EXISTS bench_raw CASCADE");
}

int main(int argc, char **argv)
{
	long cases = 5000, assess_cases = 1000000, lines = 1000000, sweep_max = 1000000, sync_cases = 300;
	double lib[3], raw[3], sweep[3], clear_lib[2];
	long sizes[3] = { 10000, 100000, 1000000 };
	child_result ra, rc, rr, fr, fp;
	const char *tmp = getenv("TMPDIR");
	int i, quick = 0, pg_only = 0;
	long pg_cases = 400, only_cases = -1;
	const char *only = NULL;
	for (i = 1; i < argc; i++)
		quick |= !strcmp(argv[i], "--quick");
	if (quick) { /* smaller defaults; sizes given explicitly still win */
		cases = 500;
		sync_cases = 50;
		assess_cases = 2000;
		lines = 20000;
		sweep_max = 100000;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			continue;
		else if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			assess_cases = atol(argv[++i]);
		else if (!strcmp(argv[i], "--lines") && i + 1 < argc)
			lines = atol(argv[++i]);
		else if (!strcmp(argv[i], "--sweep-max") && i + 1 < argc)
			sweep_max = atol(argv[++i]);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			tmp = argv[++i];
		else if (!strcmp(argv[i], "--postgres") && i + 1 < argc)
			pg_base = argv[++i];
		else if (!strcmp(argv[i], "--postgres-cases") && i + 1 < argc)
			pg_cases = atol(argv[++i]);
		else if (!strcmp(argv[i], "--keep"))
			keep_assess_db = 1;
		else if (!strcmp(argv[i], "--assess-db") && i + 1 < argc)
			assess_db = argv[++i];
		else if (!strcmp(argv[i], "--postgres-options") && i + 1 < argc)
			pg_lib_options = argv[++i];
		else if (!strcmp(argv[i], "--postgres-only"))
			pg_only = 1;
		else if (!strcmp(argv[i], "--only") && i + 2 < argc) {
			only = argv[++i];
			only_cases = atol(argv[++i]);
		} else {
			fprintf(stderr, "usage: %s [--quick] [--cases N] [--lines N] [--sweep-max N] [--dir DIR]"
				" [--postgres CONNINFO [--postgres-cases N] [--postgres-only] [--postgres-options \"KEY=VALUE ...\"]]"
				" [--only batched|batched-clear|raw|replay|assess|pg|pg2|pg-raw N]\n", argv[0]);
			return 2;
		}
	}
	snprintf(dir, sizeof(dir), "%s/hotline-bench-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp", strerror(errno));
	for (i = 0; i < 3; i++)
		if (sizes[i] > sweep_max)
			sizes[i] = sweep_max;

	capture_snapshots();
	if (only) {
		/* one workload alone, for a profiler: N cases (batched, 1000 commands a transaction) or N lines */
		if (!strcmp(only, "batched"))
			printf("%.0f cmd/s\n", lib_throughput(MODE_BATCHED, only_cases, 0));
		else if (!strcmp(only, "batched-clear"))
			printf("%.0f cmd/s\n", lib_throughput(MODE_BATCHED, only_cases, 1));
		else if (!strcmp(only, "raw"))
			printf("%.0f cmd/s\n", raw_throughput(MODE_BATCHED, only_cases));
		else if ((!strcmp(only, "pg") || !strcmp(only, "pg-raw")) && pg_base) {
			/* one PostgreSQL writer in this process (1 tx/cmd), for callgrind or strace: N cases */
			double t0;
			if (!strcmp(only, "pg"))
				pg_lib_schema();
			else
				pg_schema(pg_conninfo, sizeof(pg_conninfo), "bench_raw");
			t0 = now();
			(!strcmp(only, "pg") ? pg_lib_writer : pg_raw_writer)(0, only_cases);
			printf("%.0f cmd/s\n", only_cases * CMDS_PER_CASE / (now() - t0));
		} else if (!strcmp(only, "pg2") && pg_base) {
			/* two PostgreSQL writer processes, N cases each, each committing between the other's commands */
			pg_lib_schema();
			printf("%.0f cmd/s\n", 2 * only_cases * CMDS_PER_CASE / pg_parallel(2, only_cases, pg_lib_writer));
		} else if (!strcmp(only, "replay")) {
			double t0;
			write_scenario(only_cases);
			t0 = now();
			run_replay(0);
			printf("%.0f lines/s\n", only_cases / (now() - t0));
		} else if (!strcmp(only, "assess")) {
			/* the database built through the library (timed), then each assessment in a child of its own */
			double t0 = now();
			child_result j, c;
			char p[600];
			if (assess_db && access(assess_db, F_OK) == 0) {
				printf("using %s as it stands\n", assess_db);
			} else {
				build_assess_db(only_cases);
				printf("built %ld cases in %.2f s\n", only_cases, now() - t0);
			}
			j = in_child(run_assess, 0);
			c = in_child(run_assess, 1);
			printf("assessment JSON: %.2f s (CPU %.2f s), peak RSS %ld MB%s\n", j.seconds, j.cpu, j.peak_kb / 1024,
				j.ok ? "" : " (FAILED)");
			printf("assessment CSV: %.2f s (CPU %.2f s), peak RSS %ld MB%s\n", c.seconds, c.cpu, c.peak_kb / 1024,
				c.ok ? "" : " (FAILED)");
			assess_path(p, sizeof(p));
			if (keep_assess_db || assess_db)
				printf("kept %s\n", p);
			else
				rm_db(p);
		} else {
			fprintf(stderr, "--only: batched, batched-clear, raw, replay, assess, or with --postgres pg, pg2 or pg-raw\n");
			rmdir(dir);
			return 2;
		}
		{
			char p[600];
			path_of(p, sizeof(p), "replay.jsonl");
			unlink(p);
		}
		rmdir(dir);
		return 0;
	}
	printf("libhotline %s benchmark (%d commands per case: register ... close)\n\n", hotline_version(NULL, NULL, NULL), CMDS_PER_CASE);
	if (pg_base) {
		pg_bench(pg_cases);
		if (pg_only) {
			rmdir(dir);
			return 0;
		}
	}
	for (i = 0; i < 3; i++) {
		long c = i == MODE_BATCHED ? cases : sync_cases;
		lib[i] = lib_throughput(i, c, 0);
		raw[i] = raw_throughput(i, c);
		printf("1. throughput %-22s library %9.0f cmd/s   raw SQLite %9.0f cmd/s   ratio %5.1f%%  (%ld cases)\n",
			mode_names[i], lib[i], raw[i], 100 * lib[i] / raw[i], c);
	}
	/* what encrypting owners' personal data costs: the same workload into a database created unencrypted */
	for (i = 0; i < 2; i++) {
		long c = i == MODE_BATCHED ? cases : sync_cases;
		clear_lib[i] = lib_throughput(i, c, 1);
		printf("1e. encryption %-21s encrypted %9.0f cmd/s   unencrypted %9.0f cmd/s   ratio %5.1f%%   "
			"+%.1f us per command (+%.1f us per register)\n", mode_names[i], lib[i], clear_lib[i],
			100 * lib[i] / clear_lib[i], 1e6 / lib[i] - 1e6 / clear_lib[i], CMDS_PER_CASE * (1e6 / lib[i] - 1e6 / clear_lib[i]));
	}
	printf("c_commands_per_second_batched=%.0f\n", lib[0]);
	for (i = 0; i < 3; i++) {
		sweep[i] = sweep_latency(sizes[i]);
		printf("2. sweep (first 100 due)   %8ld open cases: median %.3f ms per call\n", sizes[i], sweep[i]);
	}
	printf("   growth %ld -> %ld cases: x%.2f\n", sizes[0], sizes[2], sweep[2] / sweep[0]);
	if (assess_db && access(assess_db, F_OK) == 0) {
		printf("   (the assessment database %s as it stands)\n", assess_db);
	} else {
		double t0 = now();
		build_assess_db(assess_cases);
		printf("   (built the assessment database of %ld cases through the library in %.1f s)\n", assess_cases, now() - t0);
	}
	ra = in_child(run_assess, 0);
	rc = in_child(run_assess, 1);
	fr = in_child(run_assess_floor, 0);
	fp = in_child(run_assess_floor, 1);
	printf("3. monthly assessment of %ld cases: %.2f s, peak RSS %ld MB%s\n", assess_cases, ra.seconds,
		ra.peak_kb / 1024, ra.ok ? "" : " (FAILED)");
	printf("   as CSV: %.2f s, peak RSS %ld MB%s\n", rc.seconds, rc.peak_kb / 1024, rc.ok ? "" : " (FAILED)");
	printf("   floor: SQLite reading every case's events %.2f s (%.1f%% of the library's time);"
		" reading and JSON-parsing them %.2f s (%.1f%%)\n", fr.seconds, 100 * fr.seconds / ra.seconds,
		fp.seconds, 100 * fp.seconds / ra.seconds);
	write_scenario(lines);
	rr = in_child(run_replay, 0);
	printf("4. replay of %ld lines into SQLite: %.0f lines/s, %.2f s, peak RSS %ld MB%s\n", lines, lines / rr.seconds,
		rr.seconds, rr.peak_kb / 1024, rr.ok ? "" : " (FAILED)");

	printf("\n%-44s %14s %14s %8s %14s %5s\n", "figure", "value", "baseline", "ratio", "target", "met");
	for (i = 0; i < 3; i++)
		printf("%-44s %14.0f %14.0f %7.1f%% %14s %5s\n", mode_names[i], lib[i], raw[i], 100 * lib[i] / raw[i],
			">= 70% of raw", lib[i] >= 0.7 * raw[i] ? "yes" : "no");
	for (i = 0; i < 2; i++) {
		char name[64];
		snprintf(name, sizeof(name), "encrypted vs unencrypted, %s", mode_names[i]);
		printf("%-44s %14.0f %14.0f %7.1f%% %14s %5s\n", name, lib[i], clear_lib[i], 100 * lib[i] / clear_lib[i], "-", "-");
	}
	printf("%-44s %12.3fms %12.3fms %7.2fx %14s %5s\n", "sweep at the largest size vs smallest", sweep[2], sweep[0],
		sweep[2] / sweep[0], "flat, < 1 ms", sweep[2] < 1.0 ? "yes" : "no");
	printf("%-44s %13.2fs %14s %8s %14s %5s\n", "assessment time", ra.seconds, "-", "-", "< 2 s at 1M",
		assess_cases >= 1000000 ? (ra.seconds < 2 ? "yes" : "no") : "n/a");
	printf("%-44s %12ldMB %14s %8s %14s %5s\n", "assessment peak RSS", ra.peak_kb / 1024, "-", "-", "< 64 MB",
		ra.peak_kb < 64 * 1024 ? "yes" : "no");
	printf("%-44s %12ldMB %12ldMB %7.1f%% %14s %5s\n", "assessment CSV peak RSS vs JSON", rc.peak_kb / 1024,
		ra.peak_kb / 1024, 100.0 * rc.peak_kb / ra.peak_kb, "same bound", rc.peak_kb < 64 * 1024 ? "yes" : "no");
	printf("%-44s %13.2fs %13.2fs %7.1f%% %14s %5s\n", "assessment CSV time vs JSON", rc.seconds, ra.seconds,
		100 * rc.seconds / ra.seconds, "-", "-");
	printf("%-44s %13.2fs %13.2fs %7.1f%% %14s %5s\n", "assessment vs its floor (read+parse events)", ra.seconds,
		fp.seconds, 100 * fp.seconds / ra.seconds, "-", "-");
	printf("%-44s %14.0f %14s %8s %14s %5s\n", "replay lines/s", lines / rr.seconds, "-", "-", "-", "-");
	rm_db(dir);
	{
		char p[600];
		assess_path(p, sizeof(p));
		if (keep_assess_db || assess_db)
			printf("kept %s\n", p);
		else
			rm_db(p);
		path_of(p, sizeof(p), "replay.jsonl");
		unlink(p);
	}
	rmdir(dir);
	return 0;
}
