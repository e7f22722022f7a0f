/*
 * Runs the storage conformance suite on a backend: here the built-in
 * memory backend, as a template for a vendor's own. Replace make() with the
 * constructor of your backend; give the options a reopen() too when your
 * store can be opened a second time (a database, a server), so the suite
 * also checks what another connection sees.
 *
 *   cc conformance.c $(pkg-config --cflags --libs hotline-conformance)
 *   ./a.out            # TAP on stdout; exit status 0 when the backend conforms
 */
#include <stdio.h>

#include <hotline/sys/conformance.h>
#include <hotline/sys/storage.h>

/* A fresh, empty backend for each test case. */
static hotline_storage *make(void *ctx)
{
	hotline_storage *st = NULL;
	(void)ctx;
	if (hotline_storage_memory_new(&st) != 0)
		return NULL;
	return st;
}

int main(void)
{
	hotline_conformance_options opts = HOTLINE_CONFORMANCE_OPTIONS_INIT;
	int failed;
	opts.name = "memory";
	failed = hotline_conformance_run(make, NULL, &opts);
	if (failed != 0)
		fprintf(stderr, "conformance: %d test case(s) failed\n", failed);
	return failed == 0 ? 0 : 1;
}
