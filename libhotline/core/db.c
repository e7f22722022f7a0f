/*
 * Opening and closing a database handle; errors; version.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/dirstore.h"
#include "hotline/errors.h"
#include "storage/caps.h"
#include "util/sha256.h"

const char *hotline_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = HOTLINE_VERSION_MAJOR;
	if (minor)
		*minor = HOTLINE_VERSION_MINOR;
	if (patch)
		*patch = HOTLINE_VERSION_PATCH;
	return HOTLINE_VERSION;
}

void hotline_free(void *p)
{
	free(p);
}

int hotline__db_fail(hotline_db *db, int code, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (db) {
		pthread_mutex_lock(&db->mu);
		hotline__seterr(&db->err, code, "%s", buf);
		pthread_mutex_unlock(&db->mu);
	}
	return hotline__last_error_set(code, "%s", buf);
}

int hotline__db_fail_err(hotline_db *db, const hotline__err *e)
{
	return hotline__db_fail(db, e->code ? e->code : HOTLINE_EINVALID, "%s", e->msg);
}

int hotline__db_storage_fail(hotline_db *db, int code, const char *what)
{
	const char *m = db->st->errmsg ? db->st->errmsg(db->st) : NULL;
	if (code == HOTLINE_ENOMEM)
		return hotline__db_fail(db, code, "%s: out of memory", what);
	if (code == HOTLINE_ECONFLICT)
		db->lost_race = 1;
	return hotline__db_fail(db, code, "%s: %s", what, m && *m ? m : hotline_error_describe(code));
}

const char *hotline_db_errmsg(hotline_db *db)
{
	if (!db)
		return "database handle is NULL";
	return db->err.msg;
}

int hotline_db_errcode(hotline_db *db)
{
	return db ? db->err.code : HOTLINE_EINVALID;
}

int hotline__db_load_directory(hotline_db *db)
{
	hotline__calendar *cal = NULL;
	hotline__policy_history *hist = NULL;
	hotline__err err;
	int rc;
	hotline__directory_clear(&db->dir);
	hotline__directory_init(&db->dir);
	hotline__clearerr(&err);
	if ((rc = db->st->stream_head(db->st, "", &db->dir_head_seq, db->dir_head_hash)) != 0) {
		db->dir_head_seq = -1;
		return hotline__db_storage_fail(db, rc, "reading the organisation stream");
	}
	if ((rc = hotline__dirstore_load(&db->dir, db->st, &err)) != 0) {
		db->dir_head_seq = -1;
		return hotline__db_fail_err(db, &err);
	}
	/* so is the policy, which gives the calendar its zone, and the policy lines */
	if ((rc = hotline__db_policy_load(db, &err)) != 0 || (rc = hotline__db_policy_history(db, NULL, 0, NULL, &hist, &err)) != 0) {
		db->dir_head_seq = -1;
		return hotline__db_fail_err(db, &err);
	}
	hotline__db_policy_history_install(db, hist);
	/* the calendar is recorded beside the directory (DESIGN §6.7): it is reloaded with it */
	if ((rc = hotline__dirstore_calendar(hotline__policy_zone_offset(db->policy), &db->dir, &cal, &err)) != 0) {
		db->dir_head_seq = -1;
		return hotline__db_fail_err(db, &err);
	}
	hotline__calendar_free(db->cal);
	db->cal = cal;
	return 0;
}

void hotline__db_org_appended(hotline_db *db, int64_t stream_seq, const char *prev_hash, const char *hash)
{
	/* the remembered head moves along only when this handle wrote right on top of it */
	if (db->dir_head_seq == stream_seq - 1 && strcmp(db->dir_head_hash, prev_hash) == 0) {
		db->dir_head_seq = stream_seq;
		snprintf(db->dir_head_hash, sizeof(db->dir_head_hash), "%s", hash);
	} else {
		db->dir_head_seq = -1;
	}
}

hotline_storage *hotline__db_reader(hotline_db *db)
{
	/* a batch reads its own writes: only its own storage has them */
	return db->rst && !db->in_batch ? db->rst : db->st;
}

int hotline__db_sync(hotline_db *db)
{
	char hash[65];
	int64_t seq = 0;
	if (!hotline__cache_sync(&db->cache, db->st))
		return 0;
	/* another connection committed: the directory changed only if the organisation stream moved */
	if (db->dir_head_seq >= 0 && db->st->stream_head(db->st, "", &seq, hash) == 0 &&
	    seq == db->dir_head_seq && strcmp(hash, db->dir_head_hash) == 0) {
		/* a database's first event (a case's, maybe) records its policy */
		if (!db->rec_name && !db->rec_legacy) {
			const hotline__policy *was = db->policy;
			hotline__err err;
			hotline__clearerr(&err);
			if (hotline__db_policy_load(db, &err) != 0)
				return hotline__db_fail_err(db, &err);
			if (db->policy != was)
				return hotline__db_load_directory(db); /* the calendar in its zone */
		}
		return 0;
	}
	return hotline__db_load_directory(db);
}

int hotline__db_begin_write(hotline_db *db, int org)
{
	return db->st->begin(db->st, org ? HOTLINE_STORAGE_BEGIN_ORG : 1);
}

int hotline_db_options_init(hotline_db_options *opts, unsigned int version)
{
	if (!opts)
		return hotline__last_error_set(HOTLINE_EINVALID, "options pointer is NULL");
	if (version == 0 || version > HOTLINE_DB_OPTIONS_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_db_options version %u", version);
	/* only the members the caller's version has: an older caller's struct is shorter */
	memset(opts, 0, version == 1 ? offsetof(hotline_db_options, mode)
		: version == 2 ? offsetof(hotline_db_options, read_uri)
		: version == 3 ? offsetof(hotline_db_options, key) : sizeof(*opts));
	opts->version = version;
	return 0;
}

/* Loads the policy spec names into *out; *text_out is its full text (malloc'd). */

static int init_mutex(pthread_mutex_t *mu)
{
	pthread_mutexattr_t a;
	int rc;
	if (pthread_mutexattr_init(&a) != 0)
		return -1;
	rc = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	if (rc == 0)
		rc = pthread_mutex_init(mu, &a);
	pthread_mutexattr_destroy(&a);
	return rc;
}

/* The backend a URI names, opened in `mode`. */
static int open_uri(hotline_storage **st, const char *uri, const hotline_db_options *opts, int mode)
{
	if (strcmp(uri, "memory:") == 0) {
		return hotline_storage_memory_new(st);
	} else if (strncmp(uri, "postgres:", 9) == 0 || strncmp(uri, "postgresql:", 11) == 0) {
		hotline_postgres_options po = HOTLINE_POSTGRES_OPTIONS_INIT;
		/* "postgresql://..." is a libpq URI as it is; "postgres:CONNINFO" hands CONNINFO over */
		const char *conninfo = strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0 ? uri
			: strchr(uri, ':') + 1;
		po.mode = mode;
		return hotline_storage_postgres_new(st, conninfo, &po);
	} else {
		hotline_sqlite_options so = HOTLINE_SQLITE_OPTIONS_INIT;
		const char *path = strncmp(uri, "sqlite:", 7) == 0 ? uri + 7 : uri;
		if (strchr(path, ':') && strcmp(path, ":memory:") != 0 && path == uri)
			return hotline__last_error_set(HOTLINE_EINVALID,
				"unknown storage scheme in '%s' (memory:, sqlite:PATH, postgres:CONNINFO)", uri);
		if (!*path)
			return hotline__last_error_set(HOTLINE_EINVALID, "storage URI '%s' has no path", uri);
		if (opts && opts->busy_timeout_ms > 0)
			so.busy_timeout_ms = opts->busy_timeout_ms;
		if (opts && opts->synchronous)
			so.synchronous = opts->synchronous;
		so.mode = mode;
		return hotline_storage_sqlite_new(st, path, &so);
	}
}

static int open_storage(hotline_db **out, hotline_storage *st, const hotline_db_options *opts, int memory)
{
	hotline_db *db;
	hotline__err err;
	int rc;

	int free_ok;

	/* the one check of the backend; the handle owns it from the call on: free it when its free can be trusted */
	rc = hotline__storage_check(st, 1, &free_ok);
	if (rc || !out) {
		if (free_ok)
			st->free(st);
		if (!out)
			return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
		return rc;
	}
	*out = NULL;
	if (opts && (opts->version == 0 || opts->version > HOTLINE_DB_OPTIONS_VERSION)) {
		st->free(st);
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_db_options version %u", opts->version);
	}
	db = calloc(1, sizeof(*db));
	if (!db) {
		st->free(st);
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	}
	db->st = st;
	hotline__directory_init(&db->dir);
	if (init_mutex(&db->mu) != 0) {
		st->free(st);
		free(db);
		return hotline__last_error_set(HOTLINE_ENOMEM, "cannot create the handle's mutex");
	}
	hotline__clearerr(&err);
	db->read_only = opts && opts->version >= 2 && opts->mode == HOTLINE_OPEN_READ_ONLY;
	/* the caller's policy; the database's recorded one, if any, is loaded with the directory */
	db->given_explicit = opts && opts->policy && *opts->policy;
	rc = hotline__db_load_policy_spec(&db->given, &db->given_text, opts ? opts->policy : NULL, &err);
	if (rc == 0) {
		hotline__sha256_hex(db->given_text, strlen(db->given_text), db->given_digest);
		db->policy = db->given;
	}
	if (rc) {
		hotline__last_error_set(rc, "%s", err.msg);
		hotline_db_close(db);
		return rc;
	}
	/* the calendar comes with the directory: the base years and the database's recorded lines */
	if ((rc = hotline__db_load_directory(db)) != 0) {
		hotline__last_error_set(rc, "%s", db->err.msg);
		hotline_db_close(db);
		return rc;
	}
	if (opts && opts->version >= 3 && opts->read_uri && *opts->read_uri &&
	    ((rc = open_uri(&db->rst, opts->read_uri, opts, HOTLINE_OPEN_READ_ONLY)) != 0 ||
	     (rc = hotline__storage_check(db->rst, 1, NULL)) != 0)) {
		char msg[sizeof(err.msg)];
		snprintf(msg, sizeof(msg), "%s", hotline_last_error());
		hotline_db_close(db);
		return hotline__last_error_set(rc, "read_uri: %s", msg);
	}
	if ((rc = hotline__pii_open(db, opts, memory)) != 0) {
		hotline_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

int hotline_db_open_storage(hotline_db **out, hotline_storage *st, const hotline_db_options *opts)
{
	return open_storage(out, st, opts, 0);
}

int hotline_db_open(hotline_db **out, const char *uri, const hotline_db_options *opts)
{
	hotline_storage *st = NULL;
	int rc;

	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!uri || !*uri)
		return hotline__last_error_set(HOTLINE_EINVALID, "storage URI is empty");
	if (opts && (opts->version == 0 || opts->version > HOTLINE_DB_OPTIONS_VERSION))
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_db_options version %u", opts->version);
	rc = open_uri(&st, uri, opts, opts && opts->version >= 2 ? opts->mode : HOTLINE_OPEN_DEFAULT);
	if (rc)
		return rc;
	return open_storage(out, st, opts, strcmp(uri, "memory:") == 0);
}

void hotline_db_close(hotline_db *db)
{
	if (!db)
		return;
	if (db->st)
		db->st->free(db->st);
	if (db->rst)
		db->rst->free(db->rst);
	hotline__cache_clear(&db->cache);
	hotline__directory_clear(&db->dir);
	if (db->given)
		hotline__policy_free(db->given);
	hotline__policy_history_free(db->hist);
	if (db->rec_policy)
		hotline__policy_free(db->rec_policy);
	free(db->given_text);
	free(db->rec_name);
	if (db->cal)
		hotline__calendar_free(db->cal);
	hotline__pii_close(db);
	hotline__sbuf_free(&db->body);
	free(db->snap_spare);
	pthread_mutex_destroy(&db->mu);
	free(db);
}

int hotline_db_zone_offset(hotline_db *db, int *minutes_out)
{
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!minutes_out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "minutes_out is NULL");
	/* the policy is fixed when the handle is opened */
	*minutes_out = hotline__policy_zone_offset(db->policy);
	return 0;
}

const char *hotline_db_policy(hotline_db *db)
{
	return db ? hotline__policy_name(db->policy) : NULL;
}
