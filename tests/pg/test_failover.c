/*
 * Failover without losing a command (DESIGN §6.9): a primary and a
 * synchronous streaming standby (tests/pg/replica.sh), 4 writer processes
 * sending commands with command_ids through a multi-host connection string
 * (target_session_attrs=read-write) and sending a command again, with the
 * same command_id, whenever it fails with `storage`. Three times the primary
 * is stopped at once (pg_ctl stop -m immediate), the standby promoted and
 * the old primary rebuilt as the new standby. At the end every acknowledged
 * command is in the log exactly once, each writer's case holds each of its
 * commands once, the streams are gap-free and the log verifies. Prints the
 * commands lost (0) and the longest stall a writer saw. Before the first
 * failover, a handle whose read_uri is the standby lists cases there while
 * the writers write to the primary (printed: how soon a case registered
 * through the primary is listed on the standby). Exits 77 (skipped)
 * without PostgreSQL's server binaries.
 *
 *   test_failover REPLICA_SH
 */
#include <inttypes.h>
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

#include <hotline.h>
#include <hotline/sys/storage.h>

#include "core_fixture.h"
#include "log_check.h"

#define WRITERS 4
#define FAILOVERS 3
/* a writer gives a command up after this long of `storage` answers (the test fails then) */
#define GIVE_UP_S 60.0

static char script[600], dir[600], conninfo[1400], uri[1500];

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int replica(const char *fmt, ...)
{
	char args[200], cmd[1000];
	va_list ap;
	int rc;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "sh '%s' %s", script, args);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static hotline_db *open_db(int mode)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	o.mode = mode;
	o.key = fixture_key;
	o.key_id = FIXTURE_KEY_ID;
	return hotline_db_open(&db, uri, &o) == 0 ? db : NULL;
}

/*
 * One writer: its own case (registered, then replies) and every fifth
 * command a call (the organisation stream), until the stop file appears.
 * Writes each acknowledged command id, then a line "@ STALL STORAGE_ERRORS
 * WITHOUT_HINT": the longest time between two acknowledgements, how many
 * times `storage` was answered, and how many of those did not say to retry.
 */
static void writer(int w)
{
	char path[700], stop[700], id[64], cmd[1024];
	hotline_db *db = NULL;
	FILE *f;
	double last, stall = 0;
	long storage = 0, no_hint = 0;
	int k;
	snprintf(path, sizeof(path), "%s/acks-%d", dir, w);
	snprintf(stop, sizeof(stop), "%s/stop", dir);
	if (!(f = fopen(path, "w")))
		_exit(2);
	last = now_s();
	for (k = 0; access(stop, F_OK) != 0; k++) {
		double first = now_s();
		int rc;
		snprintf(id, sizeof(id), "f%d-%d", w, k);
		if (k == 0)
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"register\",\"case\":\"F%d\",\"at\":\"2026-11-02T09:00:00+08:00\","
				"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
				"\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"command_id\":\"%s\"}", w, id);
		else if (k % 5 == 0)
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"call\",\"at\":\"2026-11-02T10:00:00+08:00\",\"agent\":\"zhang\","
				"\"rings\":1,\"answered\":true,\"command_id\":\"%s\"}", id);
		else
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"reply\",\"case\":\"F%d\",\"at\":\"2026-11-02T10:00:00+08:00\","
				"\"actor\":\"zhang\",\"text\":\"%d\",\"command_id\":\"%s\"}", w, k, id);
		for (;;) {
			if (!db && !(db = open_db(HOTLINE_OPEN_READ_WRITE))) {
				rc = HOTLINE_ESTORAGE; /* no primary yet: as a refused open, tried again */
			} else {
				rc = hotline_db_exec_json(db, cmd, NULL, NULL);
				if (rc == HOTLINE_ESTORAGE && !strstr(hotline_db_errmsg(db), "retry with the same command_id")) {
					fprintf(stderr, "# writer %d: %s\n", w, hotline_db_errmsg(db));
					no_hint++;
				}
			}
			if (rc != HOTLINE_ESTORAGE)
				break;
			storage++;
			if (now_s() - first > GIVE_UP_S) {
				fprintf(stderr, "# writer %d: %s given up: %s\n", w, id, db ? hotline_db_errmsg(db) : hotline_last_error());
				_exit(3);
			}
			nanosleep(&(struct timespec){ 0, 20000000L }, NULL);
		}
		if (rc != 0) {
			fprintf(stderr, "# writer %d: %s: %s\n", w, id, hotline_db_errmsg(db));
			_exit(4);
		}
		fprintf(f, "%s\n", id);
		fflush(f);
		if (now_s() - last > stall)
			stall = now_s() - last;
		last = now_s();
	}
	fprintf(f, "@ %.3f %ld %ld\n", stall, storage, no_hint);
	fclose(f);
	if (db)
		hotline_db_close(db);
	_exit(0);
}


/* Whether case `id` is in the list hotline_db_cases gives (through the handle's read_uri). */
static int lists_case(hotline_db *db, const char *id, int *reads)
{
	hotline_case_list *l = NULL;
	size_t i;
	int found = 0;
	assert_int_equal(hotline_db_cases(&l, db, NULL), 0);
	(*reads)++;
	for (i = 0; i < hotline_case_list_count(l); i++)
		found |= strcmp(hotline_case_id(hotline_case_list_get(l, i)), id) == 0;
	hotline_case_list_free(l);
	return found;
}

/*
 * read_uri on the standby while the writers write to the primary: case
 * lists read there work, and a case registered through the primary shows up
 * in them after the standby has replayed it (synchronous_commit = on: the
 * standby has the WAL at the acknowledgement, replay follows). Returns that
 * delay in seconds.
 */
static double read_on_standby(int *reads)
{
	char ruri[800];
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	double t, lag;
	const char *u = strstr(conninfo, " dbname=");
	snprintf(ruri, sizeof(ruri), "postgres:host=%s/b port=5432%s", dir, u);
	*strstr(ruri, " target_session_attrs") = '\0';
	o.mode = HOTLINE_OPEN_READ_WRITE;
	o.key = fixture_key;
	o.key_id = FIXTURE_KEY_ID;
	o.read_uri = ruri;
	if (hotline_db_open(&db, uri, &o) != 0)
		fail_msg("open with read_uri: %s", hotline_last_error());
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"R\",\"at\":\"2026-11-02T09:00:00+08:00\","
		"\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
		"\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"command_id\":\"read-R\"}"), 0);
	t = now_s();
	while (!lists_case(db, "R", reads)) {
		assert_true(now_s() - t < 10);
		nanosleep(&(struct timespec){ 0, 1000000L }, NULL);
	}
	lag = now_s() - t;
	/* and it goes on reading there for a while, beside the writers */
	while (now_s() - t < 1)
		assert_true(lists_case(db, "R", reads));
	hotline_db_close(db);
	return lag;
}

static void test_failover(void **state)
{
	char path[700], line[128], stop[700];
	hotline_db *db;
	hotline_storage *st = NULL;
	pid_t pids[WRITERS];
	double t0, stall = 0;
	long storage = 0, no_hint = 0;
	double lag;
	int reads = 0;
	int w, i, acked = 0, lost = 0, twice = 0, calls[WRITERS], cmds[WRITERS];
	int64_t checked = 0;
	log_check org;
	(void)state;
	db = open_db(HOTLINE_OPEN_CREATE);
	if (!db)
		fail_msg("open: %s", hotline_last_error());
	fixture_load(db);
	hotline_db_close(db);
	t0 = now_s();
	for (w = 0; w < WRITERS; w++)
		if ((pids[w] = fork()) == 0)
			writer(w);
	lag = read_on_standby(&reads);
	/* a, then b, then a again is the primary; each time the other is rebuilt as the synchronous standby */
	for (i = 0; i < FAILOVERS; i++) {
		const char *old = i % 2 ? "b" : "a", *new = i % 2 ? "a" : "b";
		nanosleep(&(struct timespec){ 1, 0 }, NULL);
		assert_int_equal(replica("failover '%s' %s %s", dir, old, new), 0);
	}
	nanosleep(&(struct timespec){ 1, 0 }, NULL);
	snprintf(stop, sizeof(stop), "%s/stop", dir);
	fclose(fopen(stop, "w"));
	for (w = 0; w < WRITERS; w++) {
		int status;
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* every acknowledged command's event, once */
	assert_int_equal(hotline_storage_postgres_new(&st, conninfo, NULL), 0);
	for (w = 0; w < WRITERS; w++) {
		FILE *f;
		double s;
		long n, h;
		calls[w] = cmds[w] = 0;
		snprintf(path, sizeof(path), "%s/acks-%d", dir, w);
		assert_non_null(f = fopen(path, "r"));
		while (fgets(line, sizeof(line), f)) {
			int found = 0, k;
			if (sscanf(line, "@ %lf %ld %ld", &s, &n, &h) == 3) {
				stall = s > stall ? s : stall;
				storage += n;
				no_hint += h;
				continue;
			}
			line[strcspn(line, "\n")] = '\0';
			acked++;
			k = atoi(strchr(line, '-') + 1);
			if (k > 0 && k % 5 == 0)
				calls[w]++;
			else
				cmds[w]++;
			if (st->event_by_id(st, line, log_found_ev, &found) != 0 || found == 0)
				lost++;
			else if (found > 1)
				twice++;
		}
		fclose(f);
	}
	/* each writer's case holds each of its commands once, gap-free */
	for (w = 0; w < WRITERS; w++) {
		char stream[16];
		log_check c = { 1, 0, 0 };
		snprintf(stream, sizeof(stream), "F%d", w);
		assert_int_equal(st->events_foreach(st, stream, log_count_ev, &c), 0);
		assert_int_equal(c.gaps, 0);
		assert_int_equal(c.events, cmds[w]);
	}
	memset(&org, 0, sizeof(org));
	org.next = 1;
	assert_int_equal(st->events_foreach(st, "", log_count_ev, &org), 0);
	st->free(st);
	assert_non_null(db = open_db(HOTLINE_OPEN_READ_ONLY));
	assert_int_equal(hotline_db_verify_log(db, NULL, &checked), 0);
	hotline_db_close(db);
	print_message("# read_uri on the standby beside the writers: %d case lists read there, a registered case listed"
		" %.3f s after its acknowledgement\n", reads, lag);
	print_message("# failover: %d writers, %d failovers (stop -m immediate, promote, rebuild), %d commands acknowledged,"
		" %d lost, %d applied twice, %ld storage answers retried, longest stall %.2f s, %" PRId64 " events verified,"
		" %.1f s\n", WRITERS, FAILOVERS, acked, lost, twice, storage, stall, checked, now_s() - t0);
	assert_int_equal(lost, 0);
	assert_int_equal(twice, 0);
	assert_int_equal(no_hint, 0);
	assert_int_equal(org.gaps, 0);
	assert_true(storage > 0); /* the failovers were seen */
	for (w = 0; w < WRITERS; w++)
		acked -= calls[w];
	assert_true(acked > 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failover),
	};
	const char *tmp = getenv("TMPDIR");
	char user_path[700], user[64];
	FILE *f;
	int rc;
	if (argc < 2) {
		fprintf(stderr, "usage: %s REPLICA_SH\n", argv[0]);
		return 2;
	}
	snprintf(script, sizeof(script), "%s", argv[1]);
	snprintf(dir, sizeof(dir), "%s/pg-failover-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 2;
	chmod(dir, 0755);
	if ((rc = replica("init '%s'", dir)) != 0) {
		replica("stop '%s'", dir);
		if (rc == 77)
			printf("# no PostgreSQL server binaries: skipped\n");
		return rc == 77 ? 77 : 1;
	}
	snprintf(user_path, sizeof(user_path), "%s/user", dir);
	if (!(f = fopen(user_path, "r")) || !fgets(user, sizeof(user), f))
		return 1;
	fclose(f);
	user[strcspn(user, "\n")] = '\0';
	snprintf(conninfo, sizeof(conninfo), "host=%s/a,%s/b port=5432,5432 dbname=postgres user=%s"
		" target_session_attrs=read-write", dir, dir, user);
	snprintf(uri, sizeof(uri), "postgres:%s", conninfo);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	replica("stop '%s'", dir);
	return rc;
}
