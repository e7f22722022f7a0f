/**
 * @file
 * libhotline — storage backend interface, for people who write backends.
 *
 * A backend is a struct whose first member is `unsigned int version`,
 * then `capabilities` (HOTLINE_STORAGE_CAP_* bits), then callbacks.
 * Implementations embed `hotline_storage` as the first member of their own
 * struct, fill it with HOTLINE_STORAGE_INIT (or hotline_storage_init()),
 * set every required callback, any optional ones, point the optional
 * groups (`keys`, `claims`) at whole method tables, and hand it to
 * hotline_db_open_storage(). That checks everything once
 * (hotline_storage_check()) and then owns the backend (it calls `free` on
 * close). A wrong version, a missing required callback, a group with a
 * callback missing, an unknown ability bit or an ability without the
 * callback it needs is refused there, with a message naming what is wrong;
 * after that the library asks only "is the group there, is the bit set,
 * is the callback NULL".
 *
 * This header is stable within a minor release. Version 1 is the first
 * one: new callbacks and groups are added at the end, NULL meaning
 * "unsupported", and new abilities as new bits, so the version changes
 * only if a callback's meaning does.
 *
 * Calling model: the library serialises calls on one backend (one handle =
 * one logical connection); a backend need not be thread-safe itself. Every
 * write happens between begin(write != 0) and commit/rollback; reads may run
 * inside or outside a transaction. Strings handed to callbacks are borrowed
 * and valid only for the duration of the callback.
 *
 * Return values: 0 on success, or a negative hotline_error:
 *   HOTLINE_ENOT_FOUND  the record does not exist,
 *   HOTLINE_EDUPLICATE  an insert met an existing key,
 *   HOTLINE_ECONFLICT   a conditional update found another version, or the
 *                       transaction lost a race to another writer that the
 *                       backend could not serialise (a deadlock, a
 *                       serialisation failure): outside a batch the library
 *                       rolls back and runs the command again (bounded),
 *   HOTLINE_EBUSY       another connection held a lock past the backend's
 *                       wait (SQLite: its busy timeout); nothing was done,
 *                       and the caller may retry,
 *   HOTLINE_ESTORAGE    anything else (then `errmsg` says what).
 * Apart from the lost races it runs again, the library passes every code on
 * to its caller as it is.
 * A callback of a foreach that returns non-zero stops the iteration, and the
 * foreach returns that value.
 */
#ifndef HOTLINE_SYS_STORAGE_H
#define HOTLINE_SYS_STORAGE_H

#include "../common.h"
#include "../errors.h"
#include "../storage.h"

HOTLINE_BEGIN_DECL

/** Snapshot of one case, kept up to date by the library on every command. */
typedef struct hotline_storage_case {
	const char *id;            /**< caller's case id */
	const char *property;      /**< property id */
	int state;                 /**< hotline_state */
	int approval;              /**< hotline_approval */
	int exempt;                /**< 1 when out of assessment */
	int64_t version;           /**< number of accepted events of the case */
	hotline_time registered_at;  /**< instant of the case's register command */
	hotline_time last_at;      /**< instant of the case's latest event */
	hotline_time next_due;     /**< earliest pending deadline, HOTLINE_TIME_NONE if none */
	const char *head_hash;     /**< hash of the case's latest event (hex) */
	const char *body;          /**< the full snapshot as JSON text */
} hotline_storage_case;

/**
 * One immutable event. `stream` is the case id, or "" for the
 * organisation stream (directory and organisation-level events).
 */
typedef struct hotline_storage_event {
	int64_t seq;               /**< global order; assigned by the backend on append (ignored on input) */
	const char *stream;  /**< the case id, or "" for the organisation stream */
	int64_t stream_seq;        /**< 1, 2, ... within the stream */
	const char *cmd;  /**< the command's name ("register"...) */
	const char *actor;         /**< "" when none */
	hotline_time at;           /**< HOTLINE_TIME_NONE for directory events */
	const char *body;          /**< the accepted command as canonical JSON */
	const char *prev_hash;     /**< hex SHA-256 of the previous event of the stream, "" for the first */
	const char *hash;          /**< hex SHA-256 of this event */
	/**
	 * The event's id: the command's `command_id`, or one the library made
	 * (a UUID). Backends store it unique and return it; NULL for events
	 * logged before ids existed.
	 */
	const char *id;
} hotline_storage_event;

/** Query over case snapshots. Fields left at their INIT values do not filter. */
typedef struct hotline_storage_query {
	/** The struct's version: the _VERSION macro, set by the _INIT macro or the _init() function. */
	unsigned int version;
	const char *property;        /**< NULL: any */
	int state;                   /**< -1: any */
	hotline_time due_before;     /**< HOTLINE_TIME_NONE: no filter; else next_due < due_before, ordered by next_due, id */
	hotline_time registered_from;/**< inclusive; INT64_MIN: no bound */
	hotline_time registered_to;  /**< exclusive; HOTLINE_TIME_NONE: no bound */
	size_t limit;                /**< 0: no limit */
	/**
	 * Keyset paging, honoured by backends with HOTLINE_STORAGE_CAP_KEYSET
	 * (the library sets it only for them): start after this key (NULL:
	 * from the first), before `limit` counts. In id
	 * order, cases whose id sorts after after_id (strcmp); in due order,
	 * cases whose (next_due, id) sorts after (after_due, after_id).
	 */
	const char *after_id;
	/** With after_id in due order: the next_due of the key to start after. */
	hotline_time after_due;
} hotline_storage_query;

/** The version of hotline_storage_query these headers declare. */
#define HOTLINE_STORAGE_QUERY_VERSION 1
/** Initialiser of hotline_storage_query that filters nothing. */
#define HOTLINE_STORAGE_QUERY_INIT \
	{ HOTLINE_STORAGE_QUERY_VERSION, NULL, -1, HOTLINE_TIME_NONE, INT64_MIN, HOTLINE_TIME_NONE, 0, NULL, HOTLINE_TIME_NONE }

/** Called for each case a query yields; a non-zero return stops it and is returned. */
typedef int (*hotline_storage_case_cb)(const hotline_storage_case *c, void *payload);
/** Called for each event read; a non-zero return stops the read and is returned. */
typedef int (*hotline_storage_event_cb)(const hotline_storage_event *e, void *payload);
/** Called for each directory record (kind, id, JSON body); a non-zero return stops the read. */
typedef int (*hotline_storage_dir_cb)(const char *kind, const char *id, const char *body, void *payload);
/** A problem found by check_protection: a short code ("trigger_missing") and a sentence. */
typedef int (*hotline_storage_finding_cb)(const char *code, const char *message, void *payload);

/** Called with a setting's value. */
typedef int (*hotline_storage_value_cb)(const char *value, void *payload);
/** Called with a case's key record (case id, id of the key that wraps it, the record). */
typedef int (*hotline_storage_key_cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload);
/** Called with a case id. */
typedef int (*hotline_storage_id_cb)(const char *case_id, void *payload);

/**
 * Group `keys`: owners' personal data (share/doc/hotline/privacy.md). Three small tables
 * beside the log: settings (name -> value), the key record of each case
 * (ASCII text the library composes, about 150 characters: its wrapped data
 * key and its mask key; stored and returned verbatim, whatever its length)
 * and the phone blind index (one row per case). All are written inside the
 * command's transaction and rolled back with it. Every callback is "must"
 * when the group is given. A backend without the group serves only
 * databases created unencrypted (HOTLINE_DB_UNENCRYPTED); writing personal
 * data then is HOTLINE_EKEY.
 */
typedef struct hotline_storage_keys {
	/** call cb with the value of setting `name`, or return HOTLINE_ENOT_FOUND. */
	int (*setting_get)(hotline_storage *st, const char *name, hotline_storage_value_cb cb, void *payload);
	/** insert or replace setting `name`. */
	int (*setting_put)(hotline_storage *st, const char *name, const char *value);
	/** insert or replace the key record of a case (`wrapped`, opaque text; kek_id: the key that wraps its data key). */
	int (*case_key_put)(hotline_storage *st, const char *case_id, const char *kek_id, const char *wrapped);
	/** call cb with the case's key record, or return HOTLINE_ENOT_FOUND. */
	int (*case_key_get)(hotline_storage *st, const char *case_id, hotline_storage_key_cb cb, void *payload);
	/** every key record, ordered by case id. */
	int (*case_keys_foreach)(hotline_storage *st, hotline_storage_key_cb cb, void *payload);
	/**
	 * erase a case's personal data: delete its key record and its
	 * blind-index rows, so that no copy stays readable (SQLite:
	 * secure_delete and a WAL checkpoint after the commit; memory: the
	 * rows overwritten). The record holds the key to the masks too, so a
	 * copy left behind would make them readable. 0 also when there was none.
	 */
	int (*case_key_forget)(hotline_storage *st, const char *case_id);
	/** insert or replace the blind-index value of a case (one row per case). */
	int (*phone_index_put)(hotline_storage *st, const char *case_id, const char *value);
	/** call cb with every case whose blind-index value is `value`, ordered by case id. */
	int (*phone_index_find)(hotline_storage *st, const char *value, hotline_storage_id_cb cb, void *payload);
} hotline_storage_keys;

/**
 * Group `claims`: claims of due cases (hotline_db_claim_due). Without it
 * hotline_db_claim_due refuses with HOTLINE_EINVALID.
 */
typedef struct hotline_storage_claims {
	/**
	 * claim at most `limit` (0: all) cases whose next_due is before
	 * `before`, in the sweep's order (next_due, id), skipping every case
	 * that holds an unexpired lease (whoever holds it), and lease each one
	 * claimed to `worker` for `lease_seconds` (> 0) by the backend's clock;
	 * call cb once per claimed case, in that order. Claims made at once
	 * through any number of handles are disjoint. Called inside a write
	 * transaction: the leases are taken when it commits.
	 */
	int (*claim_due)(hotline_storage *st, hotline_time before, size_t limit, int lease_seconds, const char *worker,
		hotline_storage_case_cb cb, void *payload);
} hotline_storage_claims;

/**
 * Abilities, as bits of hotline_storage::capabilities: promises about the
 * required callbacks, and what the library then relies on.
 */
enum {
	/**
	 * cases_foreach honours the keyset fields of the query (after_id,
	 * after_due), so that walking all cases in pages reads each once.
	 * Without it the library reads every page from the start and skips.
	 */
	HOTLINE_STORAGE_CAP_KEYSET = 1u << 0,
	/**
	 * Write transactions overlap (PostgreSQL): those begun with 1 run at
	 * once, and one begun with HOTLINE_STORAGE_BEGIN_ORG waits for every
	 * write transaction in flight and keeps new ones from starting until
	 * it ends. Needs `stable_seq`, which the library then uses for
	 * checkpoints. Without it writers are serialised (SQLite, memory):
	 * every read snapshot holds all events up to its highest seq.
	 */
	HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS = 1u << 1,
	/**
	 * case_get inside a write transaction locks the case to the end of
	 * the transaction (PostgreSQL: FOR UPDATE). The library then reads the
	 * case in every write transaction before it appends, never a cached
	 * snapshot, so writers of one case queue on it in one order.
	 */
	HOTLINE_STORAGE_CAP_CASE_LOCKS = 1u << 2
};

/** Every ability bit this library knows; attaching a backend with another bit set is refused. */
#define HOTLINE_STORAGE_CAP_ALL 0x7u

/* hotline_storage is declared in ../storage.h */
/**
 * A storage backend: `version` and `capabilities` first, then the
 * callbacks every backend must have, the optional ones (NULL: the library
 * does without), and the optional groups, each a whole method table.
 * Implementations embed it as their first member.
 */
struct hotline_storage {
	/** HOTLINE_STORAGE_VERSION; anything else is refused at attach. */
	unsigned int version;
	/** HOTLINE_STORAGE_CAP_* bits: what the backend promises beyond the required contract. */
	unsigned int capabilities;

	/* ---- required ---- */

	/**
	 * start a transaction: 0 reads, 1 a write transaction that appends to
	 * no stream but cases' (it may read the organisation stream and the
	 * directory), HOTLINE_STORAGE_BEGIN_ORG a write transaction that may
	 * append to the organisation stream "" (calls, directory lines,
	 * batches). A write transaction takes the write lock at once. A
	 * backend whose writers are serialised treats both write values alike;
	 * see HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS for one whose writers
	 * overlap. A second begin while one is open fails.
	 */
	int (*begin)(hotline_storage *st, int write);
	/** commit; on failure the transaction is rolled back. Durable when it returns 0. */
	int (*commit)(hotline_storage *st);
	/** roll back the open transaction (no-op when none). */
	int (*rollback)(hotline_storage *st);

	/** call cb once with case `id`, or return HOTLINE_ENOT_FOUND. */
	int (*case_get)(hotline_storage *st, const char *id, hotline_storage_case_cb cb, void *payload);
	/**
	 * write a snapshot. expected_version == 0: insert (HOTLINE_EDUPLICATE
	 * if the id exists); otherwise update only if the stored version equals
	 * expected_version (HOTLINE_ECONFLICT if not, HOTLINE_ENOT_FOUND if absent).
	 */
	int (*case_put)(hotline_storage *st, const hotline_storage_case *c, int64_t expected_version);
	/** cases matching q, ordered by id unless q->due_before is set. */
	int (*cases_foreach)(hotline_storage *st, const hotline_storage_query *q, hotline_storage_case_cb cb, void *payload);

	/**
	 * append an event; (stream, stream_seq) is unique (HOTLINE_EDUPLICATE
	 * if taken), and so is a non-NULL `id` (HOTLINE_EDUPLICATE on a second
	 * event with the same id). Sets *seq_out (may be NULL) to the assigned
	 * global seq. Every read returns the event's id as stored.
	 */
	int (*event_append)(hotline_storage *st, const hotline_storage_event *e, int64_t *seq_out);
	/** events of `stream` (NULL: all streams) in global seq order. */
	int (*events_foreach)(hotline_storage *st, const char *stream, hotline_storage_event_cb cb, void *payload);
	/**
	 * events of every stream whose seq is greater than after_seq, in seq
	 * order, at most `limit` (0: no limit): one page of the whole log (the
	 * event feed).
	 */
	int (*events_since)(hotline_storage *st, int64_t after_seq, size_t limit, hotline_storage_event_cb cb,
		void *payload);
	/** call cb with the event whose id is `id`, or return HOTLINE_ENOT_FOUND. */
	int (*event_by_id)(hotline_storage *st, const char *id, hotline_storage_event_cb cb, void *payload);
	/** last stream_seq and hash of a stream; 0 and "" for an empty stream. */
	int (*stream_head)(hotline_storage *st, const char *stream, int64_t *stream_seq_out, char hash_out[65]);

	/** store a directory record; HOTLINE_EDUPLICATE if (kind, id) exists. */
	int (*dir_put)(hotline_storage *st, const char *kind, const char *id, const char *body);
	/** call cb with record (kind, id) or return HOTLINE_ENOT_FOUND. */
	int (*dir_get)(hotline_storage *st, const char *kind, const char *id, hotline_storage_dir_cb cb, void *payload);
	/** every record of `kind` (NULL: all kinds), ordered by kind, id. */
	int (*dir_foreach)(hotline_storage *st, const char *kind, hotline_storage_dir_cb cb, void *payload);

	/** release everything; an open transaction is rolled back. */
	void (*free)(hotline_storage *st);

	/* ---- optional: NULL, the library does without ---- */

	/** message of the backend's last failure (NULL: none). */
	const char *(*errmsg)(hotline_storage *st);
	/**
	 * set *out to a number that differs from the previous call's whenever
	 * another connection or process has committed to the storage in
	 * between (SQLite: PRAGMA data_version), and not on the handle's own
	 * commits. Called right after a write transaction begins. With it the
	 * library keeps decoded cases from one command to the next; without it
	 * every command re-reads its case.
	 */
	int (*data_version)(hotline_storage *st, uint64_t *out);
	/**
	 * at most `limit` events (0: all) of `stream` whose stream_seq is
	 * greater than after_stream_seq, in stream order: one page of a
	 * stream's history. Without it the library reads the stream from its
	 * start and skips.
	 */
	int (*events_after)(hotline_storage *st, const char *stream, int64_t after_stream_seq, size_t limit,
		hotline_storage_event_cb cb, void *payload);
	/**
	 * check what the backend itself does to keep the log append-only
	 * (SQLite: the triggers that refuse UPDATE and DELETE on events, exactly
	 * as the schema created them) and call `report` once per problem found.
	 * Codes: "trigger_missing", "trigger_changed" (or a backend's own, in
	 * the same snake_case). Returns 0 when the check ran, whatever it
	 * found; a non-zero value from `report` stops it and is returned; a
	 * failure to look is HOTLINE_ESTORAGE. Without it verify-log reports
	 * that the protection was not checked. Called inside a read transaction.
	 */
	int (*check_protection)(hotline_storage *st, hotline_storage_finding_cb report, void *payload);
	/**
	 * must with HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS, and only then: the
	 * log's stable head. Waits until no transaction that may have taken a
	 * seq is in flight and sets *seq_out to the highest seq then committed
	 * (0: none): from then on every event up to it is committed or never
	 * will be, and later appends get higher seqs. Called with no
	 * transaction open (a read transaction begun after it returns sees
	 * every such event), or inside the library's own write transaction (a
	 * batch), whose own events count as written. The wait may make other
	 * writers wait too: keep it short.
	 */
	int (*stable_seq)(hotline_storage *st, int64_t *seq_out);
	/**
	 * wait up to timeout_ms for a commit by another connection: 1 when one
	 * may have come, 0 when none came, or a failure's code. The first call
	 * starts listening (PostgreSQL: LISTEN; the backend's commits that
	 * appended send NOTIFY), so the library calls it once with timeout 0,
	 * outside a transaction, before it looks at the log. Without it
	 * hotline_db_feed_wait polls data_version with a backoff.
	 */
	int (*wait_commit)(hotline_storage *st, int timeout_ms);

	/* ---- optional groups: NULL, or a table with every callback set ---- */

	/** owners' personal data (hotline_storage_keys). */
	const hotline_storage_keys *keys;
	/** claims of due cases (hotline_storage_claims). */
	const hotline_storage_claims *claims;
};

/** begin()'s `write` for a transaction that may append to the organisation stream "". */
#define HOTLINE_STORAGE_BEGIN_ORG 2

/** The version of struct hotline_storage these headers declare. */
#define HOTLINE_STORAGE_VERSION 1
/** Initialiser of struct hotline_storage: the version, no ability, every callback and group NULL. */
#define HOTLINE_STORAGE_INIT { HOTLINE_STORAGE_VERSION, 0 }

/** Initialise a backend struct (for bindings, which cannot use macros). */
HOTLINE_EXTERN(int) hotline_storage_init(hotline_storage *st, unsigned int version);

/**
 * Check a backend as attaching it does, without taking it: the version,
 * every required callback, every optional group whole, the ability bits
 * and the callbacks they need. 0 when it would be attached; otherwise
 * HOTLINE_EINVALID with hotline_last_error() naming what is wrong (e.g.
 * "storage backend: group 'keys' lacks case_keys_foreach"). The
 * conformance suite's `struct` case calls it.
 */
HOTLINE_EXTERN(int) hotline_storage_check(const hotline_storage *st);

HOTLINE_END_DECL

#endif
