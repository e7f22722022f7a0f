/*
 * A `policy` line changes the database's policy from its `at` on (DESIGN
 * §6.7) on memory and SQLite (PostgreSQL: tests/pg/test_postgres.c): the
 * shared tests of policy_change.h.
 */
#include <stdlib.h>
#include <unistd.h>

#include "policy_change.h"

static int setup(void **state, int sqlite)
{
	pfx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-polchg-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	if (sqlite)
		snprintf(f->uri, sizeof(f->uri), "sqlite:%s/p.db", f->dir);
	else
		snprintf(f->uri, sizeof(f->uri), "memory:");
	p_create(f);
	pc_admin(f);
	*state = f;
	return 0;
}

static int setup_memory(void **state) { return setup(state, 0); }
static int setup_sqlite(void **state) { return setup(state, 1); }

static int teardown(void **state)
{
	pfx *f = *state;
	int rc = fixture_close_dir(f->db, f->dir);
	free(f);
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mid_month_change, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_mid_month_change, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_next_due_recomputed, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_next_due_recomputed, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_bad_policy_lines, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_bad_policy_lines, setup_memory, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
