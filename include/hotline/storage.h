/**
 * @file
 * libhotline — the built-in storage backends, for callers who open a
 * database on one of them explicitly (hotline_db_open_storage) rather than
 * by URI (hotline_db_open). Writing a backend of one's own is in
 * <hotline/sys/storage.h>.
 */
#ifndef HOTLINE_STORAGE_H
#define HOTLINE_STORAGE_H

#include "common.h"

HOTLINE_BEGIN_DECL

/** A storage backend: a versioned struct of callbacks (declared in <hotline/sys/storage.h>). */
typedef struct hotline_storage hotline_storage;

/** Create the built-in in-memory backend (for tests; nothing survives close). */
HOTLINE_EXTERN(int) hotline_storage_memory_new(struct hotline_storage **out);

/** SQLite options (versioned; grows only at the end). */
typedef struct hotline_sqlite_options {
	/** The struct's version: the _VERSION macro, set by the _INIT macro or the _init() function. */
	unsigned int version;
	int busy_timeout_ms;   /**< default 5000; waiting longer for another writer is HOTLINE_EBUSY */
	int synchronous;       /**< 1 = NORMAL (default, WAL), 2 = FULL */
	/* ---- version 2 ---- */
	int mode;              /**< hotline_open_mode (0: HOTLINE_OPEN_DEFAULT) */
} hotline_sqlite_options;

/** The version of hotline_sqlite_options these headers declare. */
#define HOTLINE_SQLITE_OPTIONS_VERSION 2
/** Initialiser of hotline_sqlite_options with every default. */
#define HOTLINE_SQLITE_OPTIONS_INIT { HOTLINE_SQLITE_OPTIONS_VERSION, 5000, 1, HOTLINE_OPEN_DEFAULT }
/** Initialise options (for bindings, which cannot use the macro). */
HOTLINE_EXTERN(int) hotline_sqlite_options_init(hotline_sqlite_options *opts, unsigned int version);

/**
 * Create the SQLite backend on `path` (":memory:" allowed): WAL journal,
 * prepared statements cached on the handle, versioned schema with
 * migrations, busy timeout. opts may be NULL for the defaults. No mode
 * writes to a file before it is known to hold this library's schema (or
 * nothing, when creating); read-only needs no write access to the file or
 * its directory (share/doc/hotline/integrity.md).
 */
HOTLINE_EXTERN(int) hotline_storage_sqlite_new(struct hotline_storage **out, const char *path, const hotline_sqlite_options *opts);

/** PostgreSQL options (versioned; grows only at the end). */
typedef struct hotline_postgres_options {
	unsigned int version;   /**< HOTLINE_POSTGRES_OPTIONS_VERSION */
	/**
	 * hotline_open_mode (0: HOTLINE_OPEN_DEFAULT, which creates the schema in
	 * a database that has no tables). READ_ONLY runs every transaction READ
	 * ONLY and never migrates; READ_WRITE refuses a database without the
	 * schema.
	 */
	int mode;
} hotline_postgres_options;

/** The version of hotline_postgres_options these headers declare. */
#define HOTLINE_POSTGRES_OPTIONS_VERSION 1
/** Initialiser of hotline_postgres_options with every default. */
#define HOTLINE_POSTGRES_OPTIONS_INIT { HOTLINE_POSTGRES_OPTIONS_VERSION, HOTLINE_OPEN_DEFAULT }
/** Initialise PostgreSQL options (for bindings, which cannot use the macro); HOTLINE_EINVALID for an unknown version. */
HOTLINE_EXTERN(int) hotline_postgres_options_init(hotline_postgres_options *opts, unsigned int version);

/**
 * Create the PostgreSQL backend on `conninfo` (a libpq connection string,
 * "host=/run/pg dbname=hotline", or URI, "postgresql://app@db/hotline"):
 * one connection, statements prepared on it, a schema versioned by its
 * schema_version table (in the first schema of the search path) with
 * migrations. Many handles, in many processes and machines, may write at
 * once (share/doc/hotline/storage-backend.md says how). The library's own
 * keyword hotline_statements=unnamed (taken out before libpq reads the
 * string) sends statements unnamed, for PgBouncer's transaction pooling; a
 * lost connection fails the call with HOTLINE_ESTORAGE and the next call
 * reconnects (share/doc/hotline/deploying.md). opts may be NULL
 * for the defaults. HOTLINE_EINVALID when this build has no PostgreSQL.
 */
HOTLINE_EXTERN(int) hotline_storage_postgres_new(struct hotline_storage **out, const char *conninfo,
	const hotline_postgres_options *opts);

HOTLINE_END_DECL

#endif
