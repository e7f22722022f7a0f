/* The database handle and helpers shared by the core's source files. */
#ifndef HOTLINE_CORE_DB_INTERNAL_H
#define HOTLINE_CORE_DB_INTERNAL_H

#include <pthread.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "model/directory.h"
#include "model/event.h"
#include "hotline/db.h"
#include "hotline/sys/storage.h"
#include "rules/policy.h"
#include "util/err.h"

/*
 * Decoded events and snapshots of recently used cases, so that a command
 * does not re-read and re-parse its case. The snapshot is used only while
 * the backend's data_version says no other connection has committed since
 * the cache was filled (checked as each write transaction begins); the
 * events only when the command's snapshot has the same version and head
 * hash. Another handle's writes are never missed.
 */
#define HOTLINE__CACHE_SLOTS 256
typedef struct hotline__cache_slot {
	char *case_id;
	int64_t version;
	char head_hash[65];
	struct hotline__event_vec *vec;
	int have_snap;              /* snap is the case's stored snapshot at `version` */
	struct hotline_case *snap;
} hotline__cache_slot;

struct hotline_db {
	hotline_storage *st;
	pthread_mutex_t mu;
	hotline__err err;
	hotline__directory dir;       /* cache of the stored directory (immutable records) */
	hotline__policy *policy;
	hotline__calendar *cal;
	int in_batch;                 /* between hotline_db_begin and commit/rollback */
	hotline__cache_slot cache[HOTLINE__CACHE_SLOTS];
	int cache_trusted;            /* snapshots in the cache are current (this transaction) */
	uint64_t data_version;        /* the backend's data_version when the cache was last checked */
};

/* Forgets every cached history (after a rollback). */
void hotline__cache_clear(hotline_db *db);
/* Right after a write transaction begins: drops the cache if another connection has committed. */
void hotline__cache_sync(hotline_db *db);

/* A case snapshot held in memory (public hotline_case). */
struct hotline_case {
	char *id;
	char *property;
	int state, approval, exempt;
	int64_t version;
	hotline_time registered_at, last_at, next_due;
	char *head_hash;
	char *body;        /* JSON text */
	json_t *json;      /* parsed body (ledger fields...) */
};

struct hotline_case_list {
	hotline_case *items;
	size_t n, cap;
};

struct hotline_event {
	int64_t seq, stream_seq;
	char *stream, *cmd_name, *actor, *body, *prev_hash, *hash;
	int cmd;
	hotline_time at;
};

struct hotline_event_list {
	hotline_event *items;
	size_t n, cap;
};

/* Records a failure on the handle and in the thread's last error; returns code. */
int hotline__db_fail(hotline_db *db, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/* Copies an internal error to the handle; returns its code. */
int hotline__db_fail_err(hotline_db *db, const hotline__err *e);
/* Maps a backend failure to the handle, with the backend's message. */
int hotline__db_storage_fail(hotline_db *db, int code, const char *what);

/* (Re)loads the stored directory into the handle's cache. */
int hotline__db_reload_directory(hotline_db *db);
/* Runs one command object under the handle's lock. The library may keep references to obj: the caller must not change it afterwards. */
int hotline__db_exec_obj(hotline_db *db, json_t *obj, int64_t *seq_out);

/* Fills a hotline_case from a storage record (deep copy). */
int hotline__case_from_storage(hotline_case *dst, const hotline_storage_case *src);
void hotline__case_clear(hotline_case *c);

/* Loads a stream's events as decoded hotline__event (bodies parsed). */
typedef struct hotline__event_vec {
	hotline__event *ev;
	size_t n, cap;
	char **strings;      /* owned strings the events point to */
	size_t n_strings, cap_strings;
} hotline__event_vec;
int hotline__event_vec_load(hotline_db *db, const char *stream, hotline__event_vec *out);
/* Appends an event; `body`, when not NULL, is its body already parsed (a reference is taken). */
int hotline__event_vec_push(hotline__event_vec *v, const hotline_storage_event *e, json_t *body);
void hotline__event_vec_free(hotline__event_vec *v);

/* hotline__json_canonical: canonical JSON text of a value (sorted keys, compact, UTF-8) */
#include "util/json.h"

/* The event hash: SHA-256 over the stream, position, command, actor, instant, body and previous hash. */
void hotline__event_hash(const char *stream, int64_t stream_seq, const char *cmd, const char *actor,
	hotline_time at, const char *body, const char *prev_hash, char out[65]);

#endif
