/**
 * @file
 * libhotline — a log that proves itself: the full
 * verification report, and checkpoints the host keeps elsewhere.
 *
 * hotline_db_verify_log() (<hotline/db.h>) names the first problem found;
 * hotline_db_verify_report() lists them all, for machines. A checkpoint is
 * a short printable text that commits to every event of the log up to a
 * sequence number, and to the directory records those events wrote;
 * verifying the database against it later detects any change to what it
 * covers. Signed with an Ed25519 key the host holds (libsodium), it also
 * proves who made it. What each check can and cannot detect:
 * share/doc/hotline/integrity.md.
 */
#ifndef HOTLINE_CHECKPOINT_H
#define HOTLINE_CHECKPOINT_H

#include "common.h"
#include "db.h"

HOTLINE_BEGIN_DECL

/** Longest checkpoint text, without its terminating NUL. */
#define HOTLINE_CHECKPOINT_MAX 200
/** Size of an Ed25519 seed, one form of a signing key. */
#define HOTLINE_CHECKPOINT_SEED_BYTES 32
/** Size of libsodium's Ed25519 secret key (seed and public key), the other form. */
#define HOTLINE_CHECKPOINT_SECRET_KEY_BYTES 64
/** Size of an Ed25519 public key. */
#define HOTLINE_CHECKPOINT_PUBLIC_KEY_BYTES 32

/** Options for hotline_db_checkpoint (versioned: grows only at the end). */
typedef struct hotline_checkpoint_options {
	/** The struct's version: the _VERSION macro, set by the _INIT macro or the _init() function. */
	unsigned int version;
	/** The last global seq covered; 0: the log's last event now. Never beyond it. */
	int64_t up_to_seq;
	/**
	 * Ed25519 key to sign with (NULL: unsigned): secret_key_len bytes,
	 * either a 32-byte seed or a 64-byte libsodium secret key. Borrowed
	 * for the call only; the library keeps no copy.
	 */
	const unsigned char *secret_key;
	/** The length of secret_key: HOTLINE_CHECKPOINT_SEED_BYTES or HOTLINE_CHECKPOINT_SECRET_KEY_BYTES. */
	size_t secret_key_len;
} hotline_checkpoint_options;

/** The version of hotline_checkpoint_options these headers declare. */
#define HOTLINE_CHECKPOINT_OPTIONS_VERSION 1
/** Initialiser of hotline_checkpoint_options: unsigned, up to the log's last event. */
#define HOTLINE_CHECKPOINT_OPTIONS_INIT { HOTLINE_CHECKPOINT_OPTIONS_VERSION, 0, NULL, 0 }
/** Initialise options (for bindings, which cannot use the macro). */
HOTLINE_EXTERN(int) hotline_checkpoint_options_init(hotline_checkpoint_options *opts, unsigned int version);

/**
 * A checkpoint of the log up to opts->up_to_seq, as printable ASCII of at
 * most HOTLINE_CHECKPOINT_MAX bytes:
 *
 *     hlc1:<seq>:<count>:<digest>[:<signature>]
 *
 * seq: the last global seq covered; count: the events covered; digest:
 * SHA-256 (base64url, no padding) over every covered event in seq order
 * (its seq, stream, position and hash recomputed from its content) and over
 * the directory records those events wrote, as stored; signature: Ed25519
 * over the text before it (base64url, no padding). opts may be NULL
 * (unsigned, up to now). The caller frees *out with hotline_free().
 * HOTLINE_EINVALID when up_to_seq is beyond the log or a key has the wrong size.
 * With writers that overlap (PostgreSQL) the call first waits until no
 * write transaction that may hold a seq is in flight, so that it never
 * covers a seq still being written; "the log" then ends at the last seq
 * committed, and an up_to_seq beyond it is HOTLINE_EINVALID
 * (share/doc/hotline/integrity.md).
 */
HOTLINE_EXTERN(int) hotline_db_checkpoint(char **out, hotline_db *db, const hotline_checkpoint_options *opts);

/**
 * Check the database against a checkpoint: 0 when every event and
 * directory record it covers is as it was; HOTLINE_ECORRUPT when anything
 * covered changed (events rewritten, deleted or inserted at or before its
 * seq, a case's tail, a whole case, the organisation stream's tail,
 * directory records) or, with public_key (32 bytes), when the checkpoint
 * is unsigned or its signature is not that key's; HOTLINE_EINVALID when the
 * text is not a checkpoint. public_key NULL checks the digest only.
 */
HOTLINE_EXTERN(int) hotline_db_verify_checkpoint(hotline_db *db, const char *checkpoint, const unsigned char *public_key);

/**
 * The public key (32 bytes) of a signing key given as a 32-byte seed or a
 * 64-byte libsodium secret key: what the host hands to whoever verifies.
 */
HOTLINE_EXTERN(int) hotline_checkpoint_public_key(unsigned char *public_key_out, const unsigned char *secret_key,
	size_t secret_key_len);

/** Options for hotline_db_verify_report (versioned: grows only at the end). */
typedef struct hotline_verify_options {
	/** The struct's version: the _VERSION macro, set by the _INIT macro or the _init() function. */
	unsigned int version;
	/** One case (its stream and snapshot), or NULL: the whole log, every snapshot and the directory. */
	const char *case_id;
	/** Findings listed at most (all are counted); 0: 1000. */
	size_t max_findings;
	/** A checkpoint to check the database against too (NULL: none). */
	const char *checkpoint;
	/** Its signer's public key, 32 bytes (NULL: its signature is not checked). */
	const unsigned char *public_key;
} hotline_verify_options;

/** The version of hotline_verify_options these headers declare. */
#define HOTLINE_VERIFY_OPTIONS_VERSION 1
/** Initialiser of hotline_verify_options: the whole log, no checkpoint. */
#define HOTLINE_VERIFY_OPTIONS_INIT { HOTLINE_VERIFY_OPTIONS_VERSION, NULL, 0, NULL, NULL }
/** Initialise options (for bindings, which cannot use the macro). */
HOTLINE_EXTERN(int) hotline_verify_options_init(hotline_verify_options *opts, unsigned int version);

/**
 * Everything hotline_db_verify_log checks (and the checkpoint, when given),
 * with every problem found, as a JSON document in *out (free with
 * hotline_free()):
 *
 *     {"ok", "scope": "log"|"case", "case"?, "events", "streams", "cases",
 *      "directory_records", "protection": "checked"|"not_available"|"not_checked",
 *      "checkpoint"?: {"seq", "count", "signed", "signature": "valid"|"not_checked", "ok"},
 *      "findings": [{"code", "message", "case"?, "organisation"?, "directory"?: {"kind", "key"},
 *                    "seq"?, "version"?, "differences"?: [{"field", "stored", "rebuilt"}]}],
 *      "findings_total", "truncated"}
 *
 * "protection": the backend's own guard of the log (SQLite's append-only
 * triggers) was checked, the backend cannot tell, or (one case) it was not
 * looked at. Returns 0 when nothing was found, HOTLINE_ECORRUPT when something was (the
 * report is in *out both times; the handle's message names the first
 * finding), another code when verification could not run (*out NULL).
 * Finding codes: event_missing, event_unlinked, event_altered,
 * event_not_allowed, case_unrebuildable, snapshot_stale, snapshot_differs,
 * snapshot_without_events, events_without_snapshot, directory_event_unreadable,
 * directory_record_missing, directory_record_differs,
 * directory_record_unexplained, policy_record_differs, trigger_missing, trigger_changed (or a
 * backend's own protection codes), checkpoint_mismatch, checkpoint_ahead,
 * checkpoint_unsigned, checkpoint_signature_invalid.
 */
HOTLINE_EXTERN(int) hotline_db_verify_report(char **out, hotline_db *db, const hotline_verify_options *opts);

HOTLINE_END_DECL

#endif
