/*
 * The calendar over New Year (DESIGN §6.7): a month spanning 2026-12-15 …
 * 2027-01-31 under service-standard, on memory and SQLite. Without 2027
 * data every deadline is still there (the working-day ones provisional)
 * and the sweep and claim_due hand the cases out; after a `calendar` line
 * adopts 2027 (tests/data: invented test data) the open cases' next due is
 * recomputed, the mark is gone, verify-log is clean and a checkpoint taken
 * before still verifies; every handle computes with the same calendar.
 */
#include <stdlib.h>
#include <unistd.h>

#include "calendar_month.h"

static int setup(void **state, int sqlite)
{
	fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-calrec-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	if (sqlite)
		snprintf(f->uri, sizeof(f->uri), "sqlite:%s/c.db", f->dir);
	else
		snprintf(f->uri, sizeof(f->uri), "memory:");
	open_service_standard(f, &f->db);
	fixture_load(f->db);
	month(f->db);
	*state = f;
	return 0;
}

static int setup_memory(void **state) { return setup(state, 0); }
static int setup_sqlite(void **state) { return setup(state, 1); }

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[300];
	hotline_db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_deadline_is_lost, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_no_deadline_is_lost, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_and_claims_hand_them_out, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_and_claims_hand_them_out, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_documents_mark_it, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_documents_mark_it, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_adopting_the_year, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_adopting_the_year, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_two_handles_agree, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_who_may_adopt, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_who_may_adopt, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_adoption, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_adoption, setup_sqlite, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
