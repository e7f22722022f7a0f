/**
 * @file
 * libhotline — storage conformance suite, for people who write backends.
 *
 * The tests every built-in backend passes, shipped as a small static
 * library (CMake: hotline::conformance; pkg-config: hotline-conformance) so
 * that a backend written outside this tree is held to the same contract as
 * the memory and SQLite backends (<hotline/sys/storage.h>). See
 * share/doc/hotline/storage-backend.md.
 *
 *     static hotline_storage *make(void *ctx) { return my_backend_new(ctx); }
 *     ...
 *     hotline_conformance_options o = HOTLINE_CONFORMANCE_OPTIONS_INIT;
 *     o.name = "my-backend";
 *     return hotline_conformance_run(make, NULL, &o) == 0 ? 0 : 1;
 *
 * The suite calls the backend's callbacks and hotline_storage_check() (its
 * `struct` case: a backend that attaching would refuse fails it with the
 * library's message, and every other case is skipped). It links against
 * neither libhotline flavour, so a program pairs it with the shared or the
 * static library.
 *
 * This header is stable within a minor release, like storage.h. The options
 * struct grows only at the end; its version says which fields exist.
 */
#ifndef HOTLINE_SYS_CONFORMANCE_H
#define HOTLINE_SYS_CONFORMANCE_H

#include "storage.h"

HOTLINE_BEGIN_DECL

/**
 * Factory: a fresh, empty backend for one test case, or NULL on failure
 * (the test case then fails). The suite frees it with its `free` callback.
 */
typedef hotline_storage *(*hotline_conformance_make_fn)(void *ctx);

/** Options of hotline_conformance_run() (versioned; grows only at the end). */
typedef struct hotline_conformance_options {
	/** The struct's version: the _VERSION macro, set by the _INIT macro or the _init() function. */
	unsigned int version;
	/** Name printed in the report; NULL: "backend". */
	const char *name;
	/** Run only the test cases whose name contains this text; NULL: all. */
	const char *filter;
	/** 1: print only failures and the summary; 0 (default): every test case. */
	int quiet;
	/**
	 * may: a second, independent handle on the store that the latest call
	 * of the factory created (another connection, as another process would
	 * open it). With it the suite also checks that commits are visible from
	 * another handle and survive the first handle's close, that
	 * data_version notices another connection's commit, and the abilities
	 * two handles show (overlapping writers, case locks). NULL: those test
	 * cases are skipped (right for a store that lives in one handle only).
	 */
	hotline_storage *(*reopen)(void *ctx);
	/**
	 * may: called after each test case, once its handles are freed (e.g. to
	 * delete the test case's files). NULL: nothing.
	 */
	void (*cleanup)(void *ctx);
} hotline_conformance_options;

/** The version of hotline_conformance_options these headers declare. */
#define HOTLINE_CONFORMANCE_OPTIONS_VERSION 1
/** Initialiser of hotline_conformance_options with every default. */
#define HOTLINE_CONFORMANCE_OPTIONS_INIT { HOTLINE_CONFORMANCE_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL }

/** Initialise an options struct (for bindings, which cannot use macros). */
int hotline_conformance_options_init(hotline_conformance_options *opts, unsigned int version);

/**
 * Run the suite: each test case calls make(ctx) for a fresh backend, checks
 * it through its callbacks, and frees it. Prints a TAP report on stdout
 * ("ok 3 - events", "not ok 4 - queries" followed by "# " lines saying which
 * call returned what, "# SKIP" for optional features the backend lacks, and
 * "# SKIP skipped: backend version N ..." for the callbacks of a storage
 * version above the backend's: claim_due (5), settings, case keys and the
 * phone index (6)).
 * opts may be NULL for the defaults.
 *
 * Returns the number of failed test cases (0: the backend conforms), or
 * HOTLINE_EINVALID (negative) when make is NULL or opts has an unknown
 * version.
 *
 * A test case that crashes the backend ends the program: run the suite in
 * its own process (a CTest test, say).
 */
int hotline_conformance_run(hotline_conformance_make_fn make, void *ctx, const hotline_conformance_options *opts);

HOTLINE_END_DECL

#endif
