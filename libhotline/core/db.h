/* The database handle: what one hotline_db holds, and how its calls record their failures. */
#ifndef HOTLINE_CORE_DB_H
#define HOTLINE_CORE_DB_H

#include <pthread.h>

#include "calendar/calendar.h"
#include "core/cache.h"
#include "core/keys.h"
#include "hotline/db.h"
#include "hotline/sys/storage.h"
#include "model/directory.h"
#include "rules/policy.h"
#include "util/err.h"
#include "util/json.h"

/*
 * A database whose log holds `policy` lines (DESIGN §6.7,
 * core/policy_change.c): its policies over time. `top` is what the handle
 * computes with: a copy of the latest policy's struct (sharing its rules)
 * whose eras are these.
 */
typedef struct hotline__policy_history {
	hotline__policy_era *eras;    /* eras[0]: the policy the database was created under (borrowed) */
	size_t n;
	hotline__policy **owned;      /* the lines' policies, eras[1..n-1] */
	hotline__policy *top;         /* malloc'd; freed with free() */
	char *name;                   /* the latest line's policy: the one in force now */
	char digest[65];
} hotline__policy_history;

struct hotline_db {
	hotline_storage *st;
	hotline_storage *rst;         /* read_uri's storage for the scanning reads (NULL: st) */
	/* Recursive, so that recording a failure can take it from anywhere:
	 * the handle's error is only ever written under the lock. */
	pthread_mutex_t mu;
	hotline__err err;
	hotline__directory dir;       /* cache of the stored directory (immutable records) */
	hotline__policy *policy;      /* the policy in use: the recorded one, or a what-if (core/policy_record.c) */
	hotline__policy *given;       /* the caller's options.policy, or gm-hotline when none was given */
	int given_explicit;           /* options.policy was given */
	char *given_text;             /* its full text, recorded when the database is created */
	char given_digest[65];
	hotline__policy *rec_policy;  /* the recorded policy when its text differs from the given one */
	char *rec_name;               /* the recorded policy's name (NULL: none recorded) */
	char rec_digest[65];
	int rec_pending;              /* recorded in the open transaction, not committed yet */
	int rec_legacy;               /* the log had events before any policy was recorded */
	hotline__policy_history *hist; /* the policy lines, NULL when none (core/policy_change.c) */
	hotline__calendar *cal;
	int in_batch;                 /* between hotline_db_begin and commit/rollback */
	int read_only;                /* opened HOTLINE_OPEN_READ_ONLY: every command is refused */
	/* The organisation stream's head when the directory was loaded: directory lines are events of
	 * that stream, so while it has not moved the directory has not changed */
	int64_t dir_head_seq;
	char dir_head_hash[65];
	hotline__cache cache;
	hotline__keys keys;           /* owners' personal data (core/keystore.c) */
	int internal_cmd;             /* the library records a command of its own (encrypt_record) */
	int lost_race;                /* a storage call failed with HOTLINE_ECONFLICT: another writer won; the command may run again */
	hotline__sbuf body;           /* the event body being written (core/command.c): its memory kept from one command to the next */
	char *snap_spare;             /* a case snapshot's text no longer needed: the next snapshot is written into its memory */
	size_t snap_spare_cap;
};

/* Records a failure on the handle (under its lock) and in the thread's last error; returns code. */
int hotline__db_fail(hotline_db *db, int code, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
/* Copies an internal error to the handle; returns its code. */
int hotline__db_fail_err(hotline_db *db, const hotline__err *e);
/*
 * Maps a backend failure to the handle, with the backend's message. A
 * HOTLINE_ECONFLICT from the backend is a race lost to another writer (a
 * deadlock, a serialisation failure, a position taken): it sets lost_race.
 */
int hotline__db_storage_fail(hotline_db *db, int code, const char *what);
/*
 * At the start of a transaction or a read: forgets the cases and reloads the
 * directory when another connection has committed (or the storage cannot
 * tell). 0 or the loading failure, recorded on the handle.
 */
int hotline__db_sync(hotline_db *db);
/*
 * Begins a write transaction on the handle's storage: `org` when it may
 * append to the organisation stream (HOTLINE_STORAGE_BEGIN_ORG, else 1).
 * The backend's code.
 */
int hotline__db_begin_write(hotline_db *db, int org);
/* (Re)loads the directory from the storage, remembering the organisation stream's head. */
int hotline__db_load_directory(hotline_db *db);
/* After this handle appended event (seq, hash) to the organisation stream on top of prev_hash. */
void hotline__db_org_appended(hotline_db *db, int64_t stream_seq, const char *prev_hash, const char *hash);
/*
 * The policy in the record (DESIGN §6.7, core/policy_record.c). Loads the
 * recorded policy (if any) and chooses the one in use. 0 or the failure in err.
 */
int hotline__db_policy_load(hotline_db *db, hotline__err *err);
/* The directory row that holds it. */
#define HOTLINE__POLICY_RECORD_KIND "policy"
#define HOTLINE__POLICY_RECORD_KEY "created"
/* Sets db->policy: the recorded policy, unless the caller gave another (a what-if) or none is recorded. */
void hotline__db_policy_choose(hotline_db *db);
/* Before a write: HOTLINE_EPOLICY (recorded on the handle) when the handle's policy is not the recorded one. */
int hotline__db_policy_check_write(hotline_db *db);
/* Inside the write transaction, before the first event of the log: records the handle's policy. */
int hotline__db_policy_record(hotline_db *db);
/* After a commit (ok 1) or a rollback (ok 0) of the transaction that recorded it. */
void hotline__db_policy_settle(hotline_db *db, int ok);
/* 1 when the handle reads under a policy other than the recorded one (a what-if). */
int hotline__db_what_if(const hotline_db *db);
/*
 * The database's policy history with the lines of db->dir, plus `line`
 * (in force from `from`, its policy `p` already loaded, taken over) when
 * not NULL. *out is NULL when there is no line.
 */
int hotline__db_policy_history(hotline_db *db, const json_t *line, int64_t from, hotline__policy *p,
	hotline__policy_history **out, hotline__err *err);
void hotline__policy_history_free(hotline__policy_history *h);
/* Takes h on (the previous one is freed) and chooses the policy in use. */
void hotline__db_policy_history_install(hotline_db *db, hotline__policy_history *h);
/* The name and digest of the policy in force now: the latest line's, else the recorded one's (NULL: none). */
const char *hotline__db_policy_now(const hotline_db *db, const char **digest);

/* A policy given as a built-in name or a JSON file's path (NULL or "": gm-hotline), with its text. */
int hotline__db_load_policy_spec(hotline__policy **out, char **text_out, const char *spec, hotline__err *err);
/*
 * A `policy` line's own checks (malformed: HOTLINE_EINVALID in err): its
 * text loads, under its name, with its digest when one is given, in the
 * zone and with the assessment periods of `current`. *out: the policy.
 */
int hotline__policy_line_load(const json_t *line, const hotline__policy *current, hotline__policy **out,
	hotline__err *err);

/* The storage the scanning reads (cases, sweeps, assessments) use: read_uri's, except inside a batch. */
hotline_storage *hotline__db_reader(hotline_db *db);

#endif
