/* Shared helpers of the core tests: a directory and scenario lines. */
#ifndef HOTLINE_TEST_CORE_FIXTURE_H
#define HOTLINE_TEST_CORE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <hotline.h>

/* Two properties; every role held once per property, plus outsiders. */
static const char *const fixture_directory[] = {
	"{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}",
	"{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"li2\",\"name\":\"李二\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"wu\",\"name\":\"吴刚\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"wu2\",\"name\":\"吴二\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"zhao\",\"name\":\"赵丽\",\"roles\":[\"quality_supervisor\"]}",
	"{\"cmd\":\"person\",\"id\":\"gm\",\"name\":\"陈总\",\"roles\":[\"group_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"qa\",\"name\":\"钱主任\",\"roles\":[\"qa_director\"]}",
	"{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\",\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\"}",
	"{\"cmd\":\"property\",\"id\":\"P2\",\"name\":\"锦绣华庭\",\"manager\":\"li2\",\"department_heads\":[\"wu2\"]}",
	"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":20000}",
	NULL
};

/*
 * The tests' key-encryption key: databases the tests create keep owners'
 * personal data encrypted, as a real installation does ("memory:" gets a
 * key of its own when given none).
 */
static const unsigned char fixture_key[HOTLINE_KEY_BYTES] = {
	0x74, 0x65, 0x73, 0x74, 0x2d, 0x6b, 0x65, 0x79, 0x2d, 0x6f, 0x6e, 0x6c, 0x79, 0x01, 0x02, 0x03,
	0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13 };
#define FIXTURE_KEY_ID "test-key"

/* hotline_db_open with the tests' key (opts may be NULL; its key members are overwritten). */
static inline int fixture_open(hotline_db **db, const char *uri, const hotline_db_options *opts)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	if (opts)
		o = *opts;
	o.version = HOTLINE_DB_OPTIONS_VERSION;
	o.key = fixture_key;
	o.key_id = FIXTURE_KEY_ID;
	return hotline_db_open(db, uri, &o);
}

static inline void fixture_load(hotline_db *db)
{
	const char *const *l;
	for (l = fixture_directory; *l; l++) {
		int rc = hotline_db_exec_json(db, *l, NULL, NULL);
		if (rc != 0)
			fail_msg("directory line failed: %s: %s", *l, hotline_db_errmsg(db));
	}
}

/* Formats and runs one command; returns its code. */
static inline int exec_fmt(hotline_db *db, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return hotline_db_exec_json(db, buf, NULL, NULL);
}

static inline int case_state(hotline_db *db, const char *id, int *approval, int64_t *version)
{
	hotline_case *c;
	int s;
	if (hotline_db_case(&c, db, id) != 0)
		return -1;
	s = (int)hotline_case_state(c);
	if (approval)
		*approval = (int)hotline_case_approval(c);
	if (version)
		*version = hotline_case_version(c);
	hotline_case_free(c);
	return s;
}

static inline size_t event_count(hotline_db *db, const char *id)
{
	hotline_event_list *l;
	size_t n;
	if (hotline_db_history(&l, db, id) != 0)
		return (size_t)-1;
	n = hotline_event_list_count(l);
	hotline_event_list_free(l);
	return n;
}

/* A scratch SQLite database under $TMPDIR named after the test and the process: its path and URI. */
static inline void fixture_sqlite_file(char *path, size_t path_size, char *uri, size_t uri_size, const char *name)
{
	snprintf(path, path_size, "%s/%s-%d.db", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name, (int)getpid());
	snprintf(uri, uri_size, "sqlite:%s", path);
	remove(path);
}

/* Removes it with its WAL and shared-memory files. */
static inline void fixture_sqlite_remove(const char *path)
{
	char side[300];
	remove(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	remove(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	remove(side);
}

/* Closes a test's database and removes its scratch directory: 0, or -1 when the removal failed. */
static inline int fixture_close_dir(hotline_db *db, const char *dir)
{
	char cmd[300];
	hotline_db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) != 0 ? -1 : 0;
}

#endif
