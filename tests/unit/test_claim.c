/*
 * hotline_db_claim_due on the built-in embedded backends: claims in the
 * sweep's order, disjoint between workers, leases that end, a batch's claim
 * rolled back with it, and the arguments. (PostgreSQL, with workers in
 * several processes: tests/pg/test_postgres.c.)
 */
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core_fixture.h"

typedef struct fx {
	char dir[256], uri[300];
	hotline_db *db;
} fx;

static int setup(void **state, int sqlite)
{
	fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	int i;
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-claim-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	if (sqlite)
		snprintf(f->uri, sizeof(f->uri), "sqlite:%s/c.db", f->dir);
	else
		snprintf(f->uri, sizeof(f->uri), "memory:");
	if (fixture_open(&f->db, f->uri, NULL) != 0)
		return -1;
	fixture_load(f->db);
	for (i = 0; i < 8; i++)
		if (exec_fmt(f->db, "{\"cmd\":\"register\",\"case\":\"C%d\",\"at\":\"2026-11-02T09:0%d:00+08:00\",\"actor\":\"zhang\","
			"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\","
			"\"order_taker\":\"li\"}", i, i) != 0)
			return -1;
	*state = f;
	return 0;
}

static int setup_memory(void **state) { return setup(state, 0); }
static int setup_sqlite(void **state) { return setup(state, 1); }

static int teardown(void **state)
{
	fx *f = *state;
	int rc = fixture_close_dir(f->db, f->dir);
	free(f);
	return rc;
}

static hotline_time before(void)
{
	hotline_time t;
	assert_int_equal(hotline_time_parse(&t, "2027-01-01T00:00:00+08:00"), 0);
	return t;
}

static void ids(hotline_case_list *l, char *out, size_t n)
{
	size_t i;
	out[0] = '\0';
	for (i = 0; i < hotline_case_list_count(l); i++) {
		strncat(out, hotline_case_id(hotline_case_list_get(l, i)), n - strlen(out) - 2);
		strcat(out, " ");
	}
	hotline_case_list_free(l);
}

static void test_claims(void **state)
{
	fx *f = *state;
	hotline_case_list *l;
	char got[128];
	/* earliest due first; a second worker gets the next ones; nothing is claimed twice */
	assert_int_equal(hotline_db_claim_due(f->db, before(), 3, 60, "a", &l), 0);
	ids(l, got, sizeof(got));
	assert_string_equal(got, "C0 C1 C2 ");
	assert_int_equal(hotline_db_claim_due(f->db, before(), 3, 60, "b", &l), 0);
	ids(l, got, sizeof(got));
	assert_string_equal(got, "C3 C4 C5 ");
	/* a batch's claims go with the batch */
	assert_int_equal(hotline_db_begin(f->db), 0);
	assert_int_equal(hotline_db_claim_due(f->db, before(), 1, 60, "c", &l), 0);
	ids(l, got, sizeof(got));
	assert_string_equal(got, "C6 ");
	assert_int_equal(hotline_db_rollback(f->db), 0);
	assert_int_equal(hotline_db_claim_due(f->db, before(), 0, 60, "a", &l), 0);
	ids(l, got, sizeof(got));
	assert_string_equal(got, "C6 C7 ");
	assert_int_equal(hotline_db_claim_due(f->db, before(), 0, 60, "a", &l), 0);
	assert_int_equal(hotline_case_list_count(l), 0);
	hotline_case_list_free(l);
	/* arguments */
	assert_int_equal(hotline_db_claim_due(f->db, before(), 0, 0, "a", &l), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_claim_due(f->db, before(), 0, 60, "", &l), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_claim_due(f->db, HOTLINE_TIME_NONE, 0, 60, "a", &l), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_claim_due(f->db, before(), 0, 60, "a", NULL), HOTLINE_EINVALID);
}

/* SQLite: leases live in the file, end by the clock, and a read-only handle cannot claim. */
static void test_sqlite_leases(void **state)
{
	fx *f = *state;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *ro = NULL;
	hotline_case_list *l;
	sqlite3 *raw;
	char got[128], path[300];
	assert_int_equal(hotline_db_claim_due(f->db, before(), 2, 60, "a", &l), 0);
	ids(l, got, sizeof(got));
	assert_string_equal(got, "C0 C1 ");
	snprintf(path, sizeof(path), "%s/c.db", f->dir);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "UPDATE claims SET until = until - 120 WHERE case_id = 'C1'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_int_equal(hotline_db_claim_due(f->db, before(), 2, 60, "b", &l), 0);
	ids(l, got, sizeof(got));
	assert_string_equal(got, "C1 C2 ");
	o.mode = HOTLINE_OPEN_READ_ONLY;
	assert_int_equal(fixture_open(&ro, f->uri, &o), 0);
	assert_int_equal(hotline_db_claim_due(ro, before(), 2, 60, "c", &l), HOTLINE_EINVALID);
	hotline_db_close(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_claims, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_claims, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_sqlite_leases, setup_sqlite, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
