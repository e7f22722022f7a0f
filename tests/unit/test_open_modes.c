/*
 * Open modes (DESIGN §6.3): read-only never creates or writes a file and
 * does not wait for a writer; read-write needs an existing database; only
 * an explicit create makes one; a foreign SQLite file is refused.
 */
#define _DEFAULT_SOURCE /* setgroups */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core_fixture.h"
#include <sqlite3.h>

static char path[256], uri[300];

static int setup(void **state)
{
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "modes");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fixture_sqlite_remove(path);
	return 0;
}

static int open_mode(hotline_db **db, int mode)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	o.mode = mode;
	return fixture_open(db, uri, &o);
}

static int exists(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0;
}

/* A mistyped path never becomes an empty database unless creating was asked for. */
static void test_missing_file(void **state)
{
	hotline_db *db = NULL;
	(void)state;
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_READ_ONLY), HOTLINE_ESTORAGE);
	assert_null(db);
	assert_non_null(strstr(hotline_last_error(), "no libhotline database"));
	assert_false(exists(path));
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_READ_WRITE), HOTLINE_ESTORAGE);
	assert_false(exists(path));
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_CREATE), 0);
	hotline_db_close(db);
	assert_true(exists(path));
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_READ_WRITE), 0);
	hotline_db_close(db);
	assert_int_equal(open_mode(&db, 9), HOTLINE_EINVALID);
}

/* Read-only reads, refuses every command, and leaves the file's bytes as they were. */
static void test_read_only(void **state)
{
	hotline_db *db, *ro;
	hotline_case_list *l;
	struct stat before, after;
	char *text;
	hotline_time t;
	(void)state;
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_CREATE), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}"), 0);
	hotline_db_close(db);
	assert_int_equal(open_mode(&ro, HOTLINE_OPEN_READ_ONLY), 0);
	assert_int_equal(case_state(ro, "C1", NULL, NULL), HOTLINE_STATE_RECEIVED);
	assert_int_equal(hotline_time_parse(&t, "2026-11-03T00:00:00+08:00"), 0);
	assert_int_equal(hotline_db_assess(&text, ro, t, HOTLINE_FORMAT_JSON), 0);
	hotline_free(text);
	assert_int_equal(hotline_db_verify_log(ro, NULL, NULL), 0);
	assert_int_equal(exec_fmt(ro, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"),
		HOTLINE_EINVALID);
	assert_non_null(strstr(hotline_db_errmsg(ro), "read-only"));
	assert_int_equal(hotline_db_begin(ro), HOTLINE_EINVALID);
	/* a writer holds its transaction open: the reader does not wait, and sees the last commit */
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_READ_WRITE), 0);
	assert_int_equal(hotline_db_begin(db), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(case_state(ro, "C1", NULL, NULL), HOTLINE_STATE_RECEIVED);
	assert_int_equal(hotline_db_cases(&l, ro, NULL), 0);
	assert_int_equal(hotline_case_list_count(l), 1);
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_commit(db), 0);
	assert_int_equal(case_state(ro, "C1", NULL, NULL), HOTLINE_STATE_DISPATCHED);
	hotline_db_close(db);
	hotline_db_close(ro);
	/* the reader wrote nothing: the checkpointed file is the one the writer left */
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(open_mode(&ro, HOTLINE_OPEN_READ_ONLY), 0);
	assert_int_equal(case_state(ro, "C1", NULL, NULL), HOTLINE_STATE_DISPATCHED);
	hotline_db_close(ro);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_int_equal(before.st_mtime, after.st_mtime);
}

/* The whole content of a file (NULL if it does not exist); *len its size. */
static unsigned char *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	unsigned char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}

static int side_exists(const char *suffix)
{
	char side[300];
	snprintf(side, sizeof(side), "%s%s", path, suffix);
	return exists(side);
}

/*
 * Somebody else's SQLite file is refused in every mode, and left byte for
 * byte as it was: not switched to WAL (header bytes 18-19), no -wal or -shm
 * beside it. So is an empty file that only creating may fill.
 */
static void test_foreign_file(void **state)
{
	static const int modes[] = { HOTLINE_OPEN_DEFAULT, HOTLINE_OPEN_READ_ONLY, HOTLINE_OPEN_READ_WRITE, HOTLINE_OPEN_CREATE };
	sqlite3 *raw;
	hotline_db *db;
	unsigned char *before, *after;
	size_t i, n_before, n_after;
	(void)state;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total INTEGER);"
		"INSERT INTO invoices VALUES(1, 100)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_non_null(before = slurp(path, &n_before));
	assert_int_equal(before[18], 1); /* a rollback journal */
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(open_mode(&db, modes[i]), HOTLINE_ESTORAGE);
		assert_null(db);
		assert_non_null(strstr(hotline_last_error(), "not a libhotline database"));
		assert_non_null(after = slurp(path, &n_after));
		assert_int_equal(n_after, n_before);
		assert_memory_equal(after, before, n_before);
		free(after);
		assert_false(side_exists("-wal"));
		assert_false(side_exists("-shm"));
		assert_false(side_exists("-journal"));
	}
	/* without options: the default mode */
	assert_int_equal(hotline_db_open(&db, uri, NULL), HOTLINE_ESTORAGE);
	assert_non_null(after = slurp(path, &n_after));
	assert_int_equal(n_after, n_before);
	assert_memory_equal(after, before, n_before);
	free(after);
	free(before);
	assert_false(side_exists("-wal"));
	assert_false(side_exists("-shm"));
	/* somebody else's file in WAL mode: the same */
	remove(path);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "PRAGMA journal_mode = WAL; CREATE TABLE invoices(id INTEGER PRIMARY KEY, total INTEGER);"
		"INSERT INTO invoices VALUES(1, 100)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_non_null(before = slurp(path, &n_before));
	assert_int_equal(before[18], 2);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(open_mode(&db, modes[i]), HOTLINE_ESTORAGE);
		assert_non_null(strstr(hotline_last_error(), "not a libhotline database"));
		assert_non_null(after = slurp(path, &n_after));
		assert_int_equal(n_after, n_before);
		assert_memory_equal(after, before, n_before);
		free(after);
	}
	free(before);
	/* an empty file is not a database yet: only creating writes to it */
	remove(path);
	fclose(fopen(path, "wb"));
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_READ_WRITE), HOTLINE_ESTORAGE);
	assert_non_null(strstr(hotline_last_error(), "not a libhotline database yet"));
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_READ_ONLY), HOTLINE_ESTORAGE);
	assert_non_null(after = slurp(path, &n_after));
	assert_int_equal(n_after, 0);
	free(after);
	assert_false(side_exists("-wal"));
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_CREATE), 0);
	hotline_db_close(db);
	assert_int_equal(open_mode(&db, HOTLINE_OPEN_READ_ONLY), 0);
	hotline_db_close(db);
}

/*
 * Read-only use where nothing may be written (DESIGN §6.3): a reporting
 * user, a backup copy. The tests run as root, whom permission bits do not
 * stop: then the reader is a child process that became `nobody`.
 */
#define NOBODY 65534

static char rodir[256], ropath[300], rouri[310];

static int ro_setup(void **state)
{
	(void)state;
	snprintf(rodir, sizeof(rodir), "%s/ro-%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	snprintf(ropath, sizeof(ropath), "%s/h.db", rodir);
	snprintf(rouri, sizeof(rouri), "sqlite:%s", ropath);
	return mkdir(rodir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static int ro_teardown(void **state)
{
	char side[320];
	(void)state;
	chmod(rodir, 0755);
	remove(ropath);
	snprintf(side, sizeof(side), "%s-wal", ropath);
	remove(side);
	snprintf(side, sizeof(side), "%s-shm", ropath);
	remove(side);
	rmdir(rodir);
	return 0;
}

static int ro_side_exists(const char *suffix)
{
	char side[320];
	snprintf(side, sizeof(side), "%s%s", ropath, suffix);
	return exists(side);
}

static int ro_open(hotline_db **db, int mode)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	o.mode = mode;
	return fixture_open(db, rouri, &o);
}

/* Runs fn as another user (as root) or in this process; fn's result, 0 when it held. */
static int as_reader(int (*fn)(void *), void *arg)
{
	pid_t pid;
	int status;
	if (geteuid() != 0)
		return fn(arg);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0 || geteuid() == 0)
			_exit(90);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 99;
	return WEXITSTATUS(status);
}

/* The database is unchanged and nothing appeared beside it. */
static int read_c1(void *want_state)
{
	hotline_db *db;
	hotline_case_list *l;
	hotline_time t;
	char *text;
	int rc = 0;
	if (access(rodir, W_OK) == 0)
		return 10; /* the test would prove nothing */
	if (ro_open(&db, HOTLINE_OPEN_READ_ONLY) != 0) {
		fprintf(stderr, "read-only open: %s\n", hotline_last_error());
		return 11;
	}
	if (case_state(db, "C1", NULL, NULL) != *(int *)want_state)
		rc = 12;
	else if (hotline_db_cases(&l, db, NULL) != 0)
		rc = 13;
	else if (hotline_case_list_count(l) != 1 ? (hotline_case_list_free(l), 1) : (hotline_case_list_free(l), 0))
		rc = 14;
	else if (hotline_db_verify_log(db, NULL, NULL) != 0)
		rc = 15;
	else if (hotline_time_parse(&t, "2026-11-03T00:00:00+08:00") != 0 || hotline_db_assess(&text, db, t, HOTLINE_FORMAT_JSON) != 0)
		rc = 16;
	else
		hotline_free(text);
	if (rc)
		fprintf(stderr, "reading C1: %d: %s\n", rc, hotline_db_errmsg(db));
	hotline_db_close(db);
	return rc;
}

/* A closed database in a directory the reader may not write to: read-only opens read it, and write nothing. */
static void test_read_only_directory(void **state)
{
	hotline_db *db;
	unsigned char *before, *after;
	size_t n_before, n_after;
	int received = HOTLINE_STATE_RECEIVED;
	(void)state;
	assert_int_equal(ro_open(&db, HOTLINE_OPEN_CREATE), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}"), 0);
	hotline_db_close(db);
	/* closed cleanly: the last connection checkpointed and removed its -wal and -shm */
	assert_false(ro_side_exists("-wal"));
	assert_false(ro_side_exists("-shm"));
	assert_int_equal(chmod(ropath, 0444), 0);
	assert_int_equal(chmod(rodir, 0555), 0);
	assert_non_null(before = slurp(ropath, &n_before));
	assert_int_equal(as_reader(read_c1, &received), 0);
	assert_non_null(after = slurp(ropath, &n_after));
	assert_int_equal(n_after, n_before);
	assert_memory_equal(after, before, n_before);
	free(before);
	free(after);
	assert_false(ro_side_exists("-wal"));
	assert_false(ro_side_exists("-shm"));
}

/* Copies file `from` to `to`. */
static void copy_file(const char *from, const char *to)
{
	size_t n;
	unsigned char *buf = slurp(from, &n);
	FILE *f = fopen(to, "wb");
	assert_non_null(buf);
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
	free(buf);
}

static char copy_uri[330];

/* The copy's file alone would be out of date: refused with the reason, never read stale. */
static int read_stale_copy(void *unused)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	int rc;
	(void)unused;
	if (access(rodir, W_OK) == 0)
		return 10;
	o.mode = HOTLINE_OPEN_READ_ONLY;
	rc = fixture_open(&db, copy_uri, &o);
	hotline_db_close(db);
	if (rc != HOTLINE_ESTORAGE || !strstr(hotline_last_error(), "write-ahead log")) {
		fprintf(stderr, "stale copy: %d: %s\n", rc, hotline_last_error());
		return 11;
	}
	return 0;
}

/* A reader that opened the file alone sees what a writer commits later, through the writer's log. */
static int follow_writer(void *fds)
{
	int *p = fds, dispatched = HOTLINE_STATE_DISPATCHED, received = HOTLINE_STATE_RECEIVED, rc = 0;
	hotline_db *db;
	char c = 0;
	if (ro_open(&db, HOTLINE_OPEN_READ_ONLY) != 0) {
		fprintf(stderr, "read-only open: %s\n", hotline_last_error());
		return 11;
	}
	if (case_state(db, "C1", NULL, NULL) != received)
		rc = 12;
	/* tell the writer to go on; wait until it has committed (and still holds the database), then until it closed */
	if (write(p[1], "r", 1) != 1 || read(p[0], &c, 1) != 1)
		rc = 13;
	if (rc == 0 && case_state(db, "C1", NULL, NULL) != dispatched) {
		fprintf(stderr, "after the writer: %s\n", hotline_db_errmsg(db));
		rc = 14;
	}
	if (write(p[1], "r", 1) != 1 || read(p[0], &c, 1) != 1)
		rc = 13;
	if (rc == 0 && case_state(db, "C1", NULL, NULL) != dispatched) {
		fprintf(stderr, "after the writer closed: %s\n", hotline_db_errmsg(db));
		rc = 15;
	}
	hotline_db_close(db);
	return rc;
}

/* The limits of reading without write access (docs/integrity.md): a stale copy, a writer that comes later. */
static void test_read_only_directory_limits(void **state)
{
	hotline_db *db, *writer;
	char copy[320], side[330];
	int to_child[2], to_parent[2];
	pid_t pid;
	int status;
	(void)state;
	assert_int_equal(ro_open(&db, HOTLINE_OPEN_CREATE), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"o\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
		"\"order_taker\":\"li\"}"), 0);
	/* a copy taken while a writer is open: the file and a -wal that holds the last commit, no -shm */
	snprintf(copy, sizeof(copy), "%s/copy.db", rodir);
	snprintf(copy_uri, sizeof(copy_uri), "sqlite:%s", copy);
	copy_file(ropath, copy);
	snprintf(side, sizeof(side), "%s-wal", ropath);
	assert_true(exists(side));
	{
		char to[330];
		snprintf(to, sizeof(to), "%s-wal", copy);
		copy_file(side, to);
	}
	hotline_db_close(db);
	assert_int_equal(chmod(rodir, 0555), 0);
	assert_int_equal(as_reader(read_stale_copy, NULL), 0);
	assert_int_equal(chmod(rodir, 0755), 0);
	{
		char to[330];
		snprintf(to, sizeof(to), "%s-wal", copy);
		remove(to);
		remove(copy);
	}
	if (geteuid() != 0) {
		/* the writer below needs a directory the reader may not write to and it may */
		print_message("not root: the reader that follows a later writer is not tested\n");
		return;
	}
	assert_int_equal(chmod(rodir, 0555), 0);
	assert_int_equal(pipe(to_child), 0);
	assert_int_equal(pipe(to_parent), 0);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fds[2] = { to_child[0], to_parent[1] };
		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
			_exit(90);
		_exit(follow_writer(fds));
	}
	assert_true(pid > 0);
	{
		char c;
		assert_int_equal(read(to_parent[0], &c, 1), 1);
	}
	assert_int_equal(ro_open(&writer, HOTLINE_OPEN_READ_WRITE), 0);
	assert_int_equal(exec_fmt(writer, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(write(to_child[1], "w", 1), 1);
	{
		char c;
		assert_int_equal(read(to_parent[0], &c, 1), 1);
	}
	hotline_db_close(writer);
	assert_int_equal(write(to_child[1], "w", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
}

/* An options struct of version 1 (before modes) keeps its meaning: read-write, creating. */
static void test_options_v1(void **state)
{
	hotline_db_options o;
	hotline_db *db;
	(void)state;
	memset(&o, 0xAB, sizeof(o));
	assert_int_equal(hotline_db_options_init(&o, 1), 0);
	/* init of a version 1 struct writes no member past the version's end */
	assert_int_equal(o.mode, (int)0xABABABAB);
	assert_int_equal(hotline_db_open(&db, uri, &o), 0);
	hotline_db_close(db);
	assert_true(exists(path));
	/* nor of a version 2 struct (before read_uri) */
	memset(&o, 0xAB, sizeof(o));
	assert_int_equal(hotline_db_options_init(&o, 2), 0);
	assert_int_equal(o.mode, 0);
	{
		const char *untouched;
		memset(&untouched, 0xAB, sizeof(untouched));
		assert_ptr_equal(o.read_uri, untouched);
	}
	assert_int_equal(hotline_db_options_init(&o, HOTLINE_DB_OPTIONS_VERSION + 1), HOTLINE_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_options_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_directory, ro_setup, ro_teardown),
		cmocka_unit_test_setup_teardown(test_read_only_directory_limits, ro_setup, ro_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
