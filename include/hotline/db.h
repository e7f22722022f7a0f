/**
 * @file
 * libhotline — opening a database, running commands, reading cases.
 *
 * Threads: a hotline_db handle may be shared between threads; every call
 * on it takes the handle's mutex, so calls are serialised per handle. For
 * parallelism open one handle per thread on the same storage (SQLite WAL or
 * PostgreSQL). hotline_db_errmsg() is per handle: read it from the thread
 * that made the failing call before another thread uses the handle, or use
 * the thread-local hotline_last_error(), which every failure also sets.
 *
 * Ownership: what comes back through `**out` belongs to the caller and is
 * released with the matching _free function (strings with hotline_free);
 * what a function returns directly is borrowed from its parent object.
 */
#ifndef HOTLINE_DB_H
#define HOTLINE_DB_H

#include "common.h"
#include "errors.h"
#include "lifecycle.h"

HOTLINE_BEGIN_DECL

/** An open database: a storage backend, a policy and the per-handle last error (opaque). */
typedef struct hotline_db hotline_db;
struct hotline_storage; /* <hotline/sys/storage.h> */

/** Options for hotline_db_open (versioned: grows only at the end). */
typedef struct hotline_db_options {
	/** The struct's version: the _VERSION macro, set by the _INIT macro or the _init() function. */
	unsigned int version;
	/**
	 * Policy: a built-in name or a path to a policy JSON file. NULL: the
	 * policy the database records (share/doc/hotline/policies.md), or
	 * "gm-hotline" for a database that records none. A database records the
	 * handle's policy with the first event of its log. Another policy than
	 * the recorded one is a what-if: reading calls use it (their documents
	 * say "policy_digest"), every command is refused with HOTLINE_EPOLICY.
	 */
	const char *policy;
	/**
	 * SQLite busy timeout in milliseconds (0: default 5000): how long a write,
	 * or an open that must write, waits for another writer before it fails
	 * with HOTLINE_EBUSY.
	 */
	int busy_timeout_ms;
	/** SQLite durability: 1 = synchronous NORMAL (default, WAL), 2 = FULL. */
	int synchronous;
	/* ---- version 2 ---- */
	/** hotline_open_mode: read-only, read-write on an existing database, or create (0: the default). */
	int mode;
	/* ---- version 3 ---- */
	/**
	 * A second storage URI for the reading calls that scan many cases:
	 * hotline_db_cases, hotline_db_sweep (and their _after pages) and the
	 * assessments. Opened read-only; typically another connection to the
	 * same PostgreSQL, or a streaming replica of it (which may lag behind
	 * the primary by what it has not replayed yet). NULL: those calls read
	 * through the handle's own storage. Everything else, and every read
	 * inside a batch, uses the handle's own storage.
	 */
	const char *read_uri;
	/* ---- version 4: owners' personal data (share/doc/hotline/privacy.md) ---- */
	/**
	 * The key-encryption key (HOTLINE_KEY_BYTES bytes, NULL: none) that
	 * wraps every case's data key. The library copies it; the caller may
	 * wipe its copy once the open returns. Without it personal fields
	 * (owner, phone, room) read masked and writing them is HOTLINE_EKEY;
	 * a key that is not the database's is HOTLINE_EKEY at open.
	 */
	const unsigned char *key;
	/** The key's id (1-64 printable ASCII bytes; NULL: "default"), recorded beside what it wraps. */
	const char *key_id;
	/** HOTLINE_DB_* flags. */
	unsigned int flags;
} hotline_db_options;

/** The version of hotline_db_options these headers declare. */
#define HOTLINE_DB_OPTIONS_VERSION 4
/** Initialiser of hotline_db_options with every default. */
#define HOTLINE_DB_OPTIONS_INIT { HOTLINE_DB_OPTIONS_VERSION, NULL, 0, 0, HOTLINE_OPEN_DEFAULT, NULL, NULL, NULL, 0 }
/** Size of a key-encryption key. */
#define HOTLINE_KEY_BYTES 32
/**
 * Flag: a database being created keeps personal fields in clear, on
 * purpose (the database remembers it; hotline_db_encryption reports it).
 * Refused on a database that already holds encrypted data.
 */
#define HOTLINE_DB_UNENCRYPTED 0x1u
/** Initialise options (for bindings, which cannot use the macro). */
HOTLINE_EXTERN(int) hotline_db_options_init(hotline_db_options *opts, unsigned int version);

/**
 * Open a database. `uri` is "memory:", "sqlite:PATH", a bare PATH
 * (SQLite), or "postgres:CONNINFO" ("postgresql:" too; CONNINFO is a libpq
 * connection string or URI: "postgres:host=/run/pg dbname=hotline").
 * opts may be NULL. On failure *out is NULL and hotline_last_error() says
 * why.
 */
HOTLINE_EXTERN(int) hotline_db_open(hotline_db **out, const char *uri, const hotline_db_options *opts);

/**
 * Open a database on a caller-supplied backend (<hotline/sys/storage.h>).
 * The handle owns the backend from this call on, also when it fails.
 */
HOTLINE_EXTERN(int) hotline_db_open_storage(hotline_db **out, struct hotline_storage *backend, const hotline_db_options *opts);

/** Close the handle and free everything it owns. NULL is allowed. */
HOTLINE_EXTERN(void) hotline_db_close(hotline_db *db);

/** Message of this handle's last failure (never NULL; "" when none). */
HOTLINE_EXTERN(const char *) hotline_db_errmsg(hotline_db *db);
/** Code of this handle's last failure (0 when none). */
HOTLINE_EXTERN(int) hotline_db_errcode(hotline_db *db);

/**
 * The policy in the record (share/doc/hotline/policy-record.md), as JSON:
 * {"in_use": {"name", "digest"}, "recorded": {"name", "digest"} or null,
 * "what_if": bool, "history"?}. `digest` is the SHA-256 (hex) of the policy's text;
 * `recorded` is null for a database whose log began before policies were
 * recorded (or that has no event yet), and after a `policy` line names the
 * policy in force now (the latest line's); `what_if` is true when the handle
 * reads under another policy than that one. `history` (only once the policy
 * changed): [{"name", "digest", "from" (null: since creation), "actor"?}],
 * oldest first. Free *out with hotline_free.
 */
HOTLINE_EXTERN(int) hotline_db_policy_json(char **out, hotline_db *db);

/** Name of the policy the handle computes with ("gm-hotline"...): the database's, or a what-if's. */
HOTLINE_EXTERN(const char *) hotline_db_policy(hotline_db *db);

/** Free memory the library handed to the caller (strings). NULL is allowed. */
HOTLINE_EXTERN(void) hotline_free(void *p);

/**
 * The working-day calendar is part of the record (share/doc/hotline/calendar.md):
 * no handle keeps one of its own. A database computes with the base years
 * (the built-in 2024-2026 data, which every database has) and the years
 * its log records with `calendar` lines, run like any command:
 * `{"cmd":"calendar","year":2027,"holidays":[...],"workdays":[...],
 * "source":"...","actor":...,"at":...}` (an administrator's, with the
 * authority of directory lines). A day of a year with no data counts
 * Monday-Friday, and what it decides is marked `"provisional": true`.
 *
 * hotline_calendar_line makes the `calendar` line of `year` (its JSON
 * text, without actor or at: add them and run it) from holiday data:
 * `format` "json" (the cn-holidays shape: {"year", "days":[{"name",
 * "date","isOffDay"}]}, or an array of such), "ical" (iCalendar: all-day
 * events are days off, events called 补班/上班/"working day" make-up
 * working days) or "builtin" (the library's data; `data` may be NULL).
 * `source` (may be NULL) is written into the line. HOTLINE_ENOT_FOUND
 * when the data has nothing for `year`; free *out with hotline_free.
 */
HOTLINE_EXTERN(int) hotline_calendar_line(char **out, int year, const char *format, const char *data, size_t len,
	const char *source);

/**
 * The policy can change (share/doc/hotline/policy-record.md): a `policy`
 * line, `{"cmd":"policy","name":...,"text":...,"digest":...,"actor":...,
 * "at":...}` (an administrator's, with the authority of directory lines;
 * `at` required), puts its policy in force from `at` on. Each deadline and
 * occurrence is judged under the policy in force when its clock started;
 * periodic obligations, rates and the cap under the one in force just
 * before the period's end. A writer must then be opened with the new
 * policy (or none). hotline_policy_line makes that line (its JSON text,
 * without actor or at: add them and run it) from `policy`, a built-in name
 * or a policy JSON file's path, as hotline_db_options.policy takes it.
 * Free *out with hotline_free.
 */
HOTLINE_EXTERN(int) hotline_policy_line(char **out, const char *policy);

/**
 * What the database computes with, as JSON: {"years": [{"year", "source",
 * "digest", "holidays", "workdays", "recorded", "at"?, "actor"?}], "first",
 * "last"}, by year; `recorded` is false for a base year no line replaced.
 * `digest` is the SHA-256 (hex) of "YEAR;H:date,...,;W:date,...,".
 */
HOTLINE_EXTERN(int) hotline_db_calendar(char **out, hotline_db *db);

/**
 * The zone of the handle's policy (its `zone`: local days, duty hours and
 * periods are read in it), in minutes east of UTC: 480 for "+08:00".
 * Bindings use it to show instants as the policy's local time.
 */
HOTLINE_EXTERN(int) hotline_db_zone_offset(hotline_db *db, int *minutes_out);

/* ------------------------------------------------------------------ */
/* Commands                                                            */

/**
 * Apply one command given as a JSON object (directory lines included; every
 * command and its keys: share/doc/hotline/commands.md). On success the event's global
 * sequence number goes to *seq_out (may be NULL). A refused command changes
 * nothing and returns its code; hotline_db_errmsg() says why.
 *
 * Retries (command ids): a command may carry "command_id" (the client's
 * id for it, 1-128 bytes; a UUID is usual). When a command with that id was already accepted with the same
 * content (the same JSON object, key order and top-level null fields
 * aside), nothing is applied again: the call returns 0 with the original
 * event's seq in *seq_out and 1 in *repeated_out (may be NULL; 0 when the
 * command was applied). The same id with other content is
 * HOTLINE_EDUPLICATE. A refused command's id is not remembered.
 * Retries sent at once through several handles (PostgreSQL) are answered
 * the same way: one applies, the others return repeated with its seq (or
 * HOTLINE_EDUPLICATE), never conflict. A command whose transaction loses
 * a race to other writers (a deadlock, a serialisation failure) is rolled
 * back and run again by the library, at most 8 times: conflict is only
 * expect_version's; one still losing after that is HOTLINE_EBUSY (retry later).
 * Inside a batch (hotline_db_begin) nothing is run again: a command that
 * loses such a race keeps its failure (conflict, say), and a lost write
 * rolls the batch back as any failed write does: a batch cannot be retried
 * in part; retry it whole.
 */
HOTLINE_EXTERN(int) hotline_db_exec_json(hotline_db *db, const char *json, int64_t *seq_out, int *repeated_out);

/**
 * Batches: the commands applied between hotline_db_begin() and
 * hotline_db_commit() form one storage transaction, durable together when
 * commit returns 0 (much faster than one transaction per command). Inside
 * a batch a refused command still changes nothing and the batch goes on;
 * a storage failure rolls the whole batch back and ends it (the command
 * returns HOTLINE_ESTORAGE). hotline_db_rollback() discards the batch.
 * Without a batch every command is its own transaction.
 */
HOTLINE_EXTERN(int) hotline_db_begin(hotline_db *db);
/** Commit the batch hotline_db_begin() opened: its commands become durable together. */
HOTLINE_EXTERN(int) hotline_db_commit(hotline_db *db);
/** Discard the batch hotline_db_begin() opened: none of its commands is stored. */
HOTLINE_EXTERN(int) hotline_db_rollback(hotline_db *db);

/** A command under construction (typed alternative to JSON). */
typedef struct hotline_command hotline_command;

/**
 * Start a command. case_id is NULL for directory and organisation-level
 * commands; actor is NULL for directory commands; at is ignored for them.
 */
HOTLINE_EXTERN(int) hotline_command_new(hotline_command **out, hotline_command_kind kind,
	const char *case_id, const char *actor, hotline_time at);
/** Free a command made by hotline_command_new(). NULL is allowed. */
HOTLINE_EXTERN(void) hotline_command_free(hotline_command *cmd);
/** Set a field (each command's fields and types: share/doc/hotline/commands.md). */
HOTLINE_EXTERN(int) hotline_command_set_string(hotline_command *cmd, const char *field, const char *value);
/** Set a boolean field (non-zero: true). */
HOTLINE_EXTERN(int) hotline_command_set_bool(hotline_command *cmd, const char *field, int value);
/** Set an integer field (a count, an amount in fen). */
HOTLINE_EXTERN(int) hotline_command_set_int(hotline_command *cmd, const char *field, int64_t value);
/** Set an instant field (written as ISO-8601 text). */
HOTLINE_EXTERN(int) hotline_command_set_time(hotline_command *cmd, const char *field, hotline_time value);
/** Append a string to a list field (roles, department_heads, fields, absent). */
HOTLINE_EXTERN(int) hotline_command_add_string(hotline_command *cmd, const char *field, const char *value);
/** Set one entry of an object field (correct_record's `values`). */
HOTLINE_EXTERN(int) hotline_command_set_entry(hotline_command *cmd, const char *field, const char *key, const char *value);
/** Refuse with HOTLINE_ECONFLICT unless the case's version equals `version`. */
HOTLINE_EXTERN(int) hotline_command_expect_version(hotline_command *cmd, int64_t version);
/** The command as JSON text (caller frees with hotline_free). */
HOTLINE_EXTERN(int) hotline_command_json(char **out, const hotline_command *cmd);
/** Apply a built command; same contract as hotline_db_exec_json (set "command_id" with hotline_command_set_string). */
HOTLINE_EXTERN(int) hotline_db_execute(hotline_db *db, const hotline_command *cmd, int64_t *seq_out, int *repeated_out);

/* ------------------------------------------------------------------ */
/* Cases                                                               */

/** One case's snapshot, read by hotline_db_case() (opaque; free with hotline_case_free()). */
typedef struct hotline_case hotline_case;

/** Read a case's snapshot; HOTLINE_ENOT_FOUND if unknown. Free with hotline_case_free. */
HOTLINE_EXTERN(int) hotline_db_case(hotline_case **out, hotline_db *db, const char *case_id);
/** Free a snapshot from hotline_db_case(). NULL is allowed. */
HOTLINE_EXTERN(void) hotline_case_free(hotline_case *c);
/** The case's id (borrowed, valid while c lives). */
HOTLINE_EXTERN(const char *) hotline_case_id(const hotline_case *c);
/** The id of the case's property (borrowed). */
HOTLINE_EXTERN(const char *) hotline_case_property(const hotline_case *c);
/** The case's state after its latest event. */
HOTLINE_EXTERN(hotline_state) hotline_case_state(const hotline_case *c);
/** The approval of the case's open request (HOTLINE_APPROVAL_NONE without one). */
HOTLINE_EXTERN(hotline_approval) hotline_case_approval(const hotline_case *c);
/** 1 when an approved request took the case out of assessment, else 0. */
HOTLINE_EXTERN(int) hotline_case_exempt(const hotline_case *c);
/** The number of the case's accepted events (1 after register). */
HOTLINE_EXTERN(int64_t) hotline_case_version(const hotline_case *c);
/** The instant of the case's register command. */
HOTLINE_EXTERN(hotline_time) hotline_case_registered_at(const hotline_case *c);
/** The instant of the case's latest event. */
HOTLINE_EXTERN(hotline_time) hotline_case_last_at(const hotline_case *c);
/** Earliest pending deadline (HOTLINE_TIME_NONE if none). */
HOTLINE_EXTERN(hotline_time) hotline_case_next_due(const hotline_case *c);
/** A ledger field (room, owner, phone, matter, call_taker, order_taker, kind, severity); NULL if unset. */
HOTLINE_EXTERN(const char *) hotline_case_field(const hotline_case *c, const char *name);
/** The whole snapshot as JSON (borrowed, valid while c lives; keys: share/doc/hotline/documents.md). */
HOTLINE_EXTERN(const char *) hotline_case_json(const hotline_case *c);

/** A list of case snapshots. */
typedef struct hotline_case_list hotline_case_list;
/** The number of cases in the list. */
HOTLINE_EXTERN(size_t) hotline_case_list_count(const hotline_case_list *l);
/** Borrowed; valid while the list lives. NULL when i is out of range. */
HOTLINE_EXTERN(const hotline_case *) hotline_case_list_get(const hotline_case_list *l, size_t i);
/** Free the list and every snapshot in it. NULL is allowed. */
HOTLINE_EXTERN(void) hotline_case_list_free(hotline_case_list *l);

/** Filter for hotline_db_cases (versioned). */
typedef struct hotline_case_query {
	/** The struct's version: the _VERSION macro, set by the _INIT macro or the _init() function. */
	unsigned int version;
	const char *property;   /**< NULL: any */
	int state;              /**< -1: any */
	size_t limit;           /**< 0: no limit */
} hotline_case_query;
/** The version of hotline_case_query these headers declare. */
#define HOTLINE_CASE_QUERY_VERSION 1
/** Initialiser of hotline_case_query that filters nothing. */
#define HOTLINE_CASE_QUERY_INIT { HOTLINE_CASE_QUERY_VERSION, NULL, -1, 0 }
/** Initialise a query (for bindings, which cannot use the macro). */
HOTLINE_EXTERN(int) hotline_case_query_init(hotline_case_query *q, unsigned int version);

/** Cases by property and/or state, ordered by id. q may be NULL (all cases). */
HOTLINE_EXTERN(int) hotline_db_cases(hotline_case_list **out, hotline_db *db, const hotline_case_query *q);

/**
 * Sweep: cases whose next due instant is before `before`, earliest first,
 * at most `limit` (0: no limit). Served by the storage's index on the
 * snapshot's next-due instant, never by a scan of all cases.
 */
HOTLINE_EXTERN(int) hotline_db_sweep(hotline_case_list **out, hotline_db *db, hotline_time before, size_t limit);

/**
 * Pages, for callers that walk many cases with little memory: pass the
 * last item of one page to get the next. hotline_db_cases_after returns the
 * cases of q (q->limit: the page size; 0: all the rest) whose id sorts
 * after `after_id` (strcmp order; NULL: from the first).
 * hotline_db_sweep_after returns the due cases that come after
 * (after_due, after_id) in the sweep's order (after_id NULL: from the
 * first). A case changed between two calls is seen where it then sorts.
 * The built-in backends start each page at its key (an index seek); a
 * backend without HOTLINE_STORAGE_CAP_KEYSET is read from the start and
 * skipped.
 */
HOTLINE_EXTERN(int) hotline_db_cases_after(hotline_case_list **out, hotline_db *db, const hotline_case_query *q,
	const char *after_id);
/** One page of hotline_db_sweep(): the due cases after (after_due, after_id) in its order. */
HOTLINE_EXTERN(int) hotline_db_sweep_after(hotline_case_list **out, hotline_db *db, hotline_time before,
	hotline_time after_due, const char *after_id, size_t limit);

/**
 * Claims for sweep workers running at once: at most `limit` cases (0: all)
 * whose next due instant is before `before`, earliest first, that no
 * worker holds a lease on; each one returned is leased to `worker` (a name
 * for diagnostics, 1-128 bytes) for `lease_seconds` (1 to 86400) by the
 * storage's clock (PostgreSQL: the server's). Workers claiming at once,
 * through any handles in any processes, get disjoint cases; a case comes
 * back to a claim once its lease has expired (a worker that died gives its
 * cases back that way), also to the same worker. Acting on a case does not
 * end its lease. One write transaction (inside a batch: the batch's). The
 * built-in backends support it (the storage's `claims` group); another
 * backend without it: HOTLINE_EINVALID.
 */
HOTLINE_EXTERN(int) hotline_db_claim_due(hotline_db *db, hotline_time before, size_t limit, int lease_seconds,
	const char *worker, hotline_case_list **out);

/* ------------------------------------------------------------------ */
/* Owners' personal data (share/doc/hotline/privacy.md)                */

/**
 * An owner's cases: every case whose phone (normalised: digits only,
 * without a leading +86/86) is `phone`, found through the keyed blind
 * index, ordered by id. Needs the key (HOTLINE_EKEY without it). Erased
 * cases are not found.
 */
HOTLINE_EXTERN(int) hotline_db_cases_by_phone(hotline_case_list **out, hotline_db *db, const char *phone);

/**
 * Key rotation: re-wrap every case's data key (and the blind-index key)
 * under `new_key` (HOTLINE_KEY_BYTES bytes) with id `new_key_id`, in one
 * transaction; events are not touched. The handle goes on with the new
 * key; opening with the old one is HOTLINE_EKEY from then on.
 */
HOTLINE_EXTERN(int) hotline_db_rotate_key(hotline_db *db, const unsigned char *new_key, const char *new_key_id);

/**
 * Migration of a database whose cases were registered before encryption
 * (or created unencrypted): in one transaction, every case whose snapshot
 * holds clear personal fields gets a data key, its blind-index row, and an
 * `encrypt_record` event carrying its current personal fields encrypted,
 * which its snapshot takes (so verify-log rebuilds it without the key).
 * The events logged before stay as they were (the hash chain covers
 * them): hotline_db_encryption counts them. Needs the key. *cases_out
 * (may be NULL): the number of cases migrated.
 */
HOTLINE_EXTERN(int) hotline_db_encrypt_existing(hotline_db *db, size_t *cases_out);

/**
 * How the database keeps personal data, as JSON (caller frees with
 * hotline_free): {"mode": "encrypted" | "unencrypted" | "not_set",
 * "key_id": the id of the key that wraps the data keys or null,
 * "key_given": whether this handle holds the key,
 * "clear_events": events holding clear personal data (logged before
 * encryption, or in an unencrypted database), "clear_cases": snapshots
 * still holding clear personal data}.
 */
HOTLINE_EXTERN(int) hotline_db_encryption(char **out, hotline_db *db);

/**
 * Read a key file: 64 hexadecimal digits (the key), optionally preceded
 * on the same line by "ID:" (the key id; default "default"); whitespace
 * around is ignored. key_out receives HOTLINE_KEY_BYTES bytes; id_out
 * (at least 65 bytes) the id.
 */
HOTLINE_EXTERN(int) hotline_key_file_read(const char *path, unsigned char *key_out, char *id_out, size_t id_size);

/* ------------------------------------------------------------------ */
/* Events                                                              */

/** One accepted event of the log (opaque; borrowed from its list). */
typedef struct hotline_event hotline_event;
/** The events of one stream, oldest first (free with hotline_event_list_free()). */
typedef struct hotline_event_list hotline_event_list;

/** Events of a case in order (case_id NULL or "": the organisation stream). */
HOTLINE_EXTERN(int) hotline_db_history(hotline_event_list **out, hotline_db *db, const char *case_id);
/**
 * One page of hotline_db_history: at most `limit` events (0: all the rest)
 * of the stream whose position (hotline_event_version) is after
 * `after_version` (0: from the first).
 */
HOTLINE_EXTERN(int) hotline_db_history_after(hotline_event_list **out, hotline_db *db, const char *case_id,
	int64_t after_version, size_t limit);
/** The number of events in the list. */
HOTLINE_EXTERN(size_t) hotline_event_list_count(const hotline_event_list *l);
/** The i-th event (borrowed, valid while the list lives); NULL when i is out of range. */
HOTLINE_EXTERN(const hotline_event *) hotline_event_list_get(const hotline_event_list *l, size_t i);
/** Free the list and its events. NULL is allowed. */
HOTLINE_EXTERN(void) hotline_event_list_free(hotline_event_list *l);
/** The event's global sequence number (increasing over the whole log). */
HOTLINE_EXTERN(int64_t) hotline_event_seq(const hotline_event *e);
/** Case id, or "" for organisation-level and directory events. */
HOTLINE_EXTERN(const char *) hotline_event_case(const hotline_event *e);
/** Position in its stream: the case's version after this event. */
HOTLINE_EXTERN(int64_t) hotline_event_version(const hotline_event *e);
/** The kind of the command the event holds. */
HOTLINE_EXTERN(hotline_command_kind) hotline_event_command(const hotline_event *e);
/** Who gave the command (a person's id); "" when none. */
HOTLINE_EXTERN(const char *) hotline_event_actor(const hotline_event *e);
/** The command's instant; HOTLINE_TIME_NONE for a directory line without one. */
HOTLINE_EXTERN(hotline_time) hotline_event_at(const hotline_event *e);
/** The accepted command as canonical JSON (keys sorted; see share/doc/hotline/commands.md). */
HOTLINE_EXTERN(const char *) hotline_event_json(const hotline_event *e);
/** The hash of the stream's previous event (hex SHA-256); "" for the first. */
HOTLINE_EXTERN(const char *) hotline_event_prev_hash(const hotline_event *e);
/** The event's hash (64 lower-case hex digits), chaining it to the previous one. */
HOTLINE_EXTERN(const char *) hotline_event_hash(const hotline_event *e);
/**
 * The event's id: its command's command_id, or the one the library made
 * when the command came without (a UUID). NULL for events logged before
 * the library gave events ids.
 */
HOTLINE_EXTERN(const char *) hotline_event_id(const hotline_event *e);

/* ------------------------------------------------------------------ */
/* The directory                                                       */

/**
 * The directory as of `as_of` (HOTLINE_TIME_NONE: every definition so far)
 * as JSON: {"as_of", "persons", "properties", "bonuses"}. Each record in
 * force then, with "from" (the instant its definition holds from; null for
 * a line without `at`) and "history": every definition of it, oldest first.
 * Records not yet defined at as_of are left out; a retired person is listed
 * with no roles. The caller frees *out with hotline_free(); the keys are
 * described in share/doc/hotline/documents.md.
 */
HOTLINE_EXTERN(int) hotline_db_directory(char **out, hotline_db *db, hotline_time as_of);

/**
 * Verify the hash chain of one case (case_id) or of every stream (NULL);
 * that each case snapshot's version and head hash match its events and that
 * the snapshot rebuilt from its events equals the stored one; and, for the
 * whole log, the directory table rebuilt from the directory lines and the
 * storage's own protection of the log (SQLite's append-only triggers).
 * HOTLINE_ECORRUPT names the first problem found (every one:
 * hotline_db_verify_report, <hotline/checkpoint.h>). *checked_out (may be
 * NULL) receives the number of events checked.
 */
HOTLINE_EXTERN(int) hotline_db_verify_log(hotline_db *db, const char *case_id, int64_t *checked_out);

HOTLINE_END_DECL

#endif
