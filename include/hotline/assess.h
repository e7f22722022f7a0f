/**
 * @file
 * libhotline — rules: assessment, explanation, replay of scenario files.
 */
#ifndef HOTLINE_ASSESS_H
#define HOTLINE_ASSESS_H

#include "db.h"
#include "time.h"

HOTLINE_BEGIN_DECL

/** Output formats of hotline_db_assess. */
typedef enum hotline_format {
	HOTLINE_FORMAT_JSON = 0, /**< the JSON document (keys sorted) */
	HOTLINE_FORMAT_CSV = 1   /**< one RFC 4180 table with a header row, CRLF line ends */
} hotline_format;

/**
 * Monthly assessment at `as_of`: every penalty, open deadlines, per-property
 * rates, per-person raw and capped totals.
 * JSON: {"penalties":[...], "assessment":{...}} with sorted keys,
 * byte-identical for the same events, policy and as_of. Every key and CSV
 * column: share/doc/hotline/documents.md; the rules: share/doc/hotline/policies.md.
 * The caller frees *out with hotline_free.
 */
HOTLINE_EXTERN(int) hotline_db_assess(char **out, hotline_db *db, hotline_time as_of, hotline_format format);

/** Receives a document piece by piece; return 0 to go on, anything else to stop (the call fails with HOTLINE_EIO). */
typedef int (*hotline_write_fn)(void *ctx, const char *data, size_t len);

/**
 * The same assessment, handed to `write` in pieces as it is produced, so
 * that a month of a million cases is never held in memory: each case's
 * breaches and open deadlines are written to a temporary file as soon as
 * the case is reduced; only the penalty totals (sorted over all cases by
 * incurred_at, then rule, then case) and the per-person and per-property counters stay
 * in memory. Same text as hotline_db_assess. CSV streams the same way (it
 * has no deadline rows at all). Nothing is written when the assessment
 * fails before its output.
 */
HOTLINE_EXTERN(int) hotline_db_assess_write(hotline_db *db, hotline_time as_of, hotline_format format,
	hotline_write_fn write, void *ctx);

/**
 * Every deadline and penalty of one case at `as_of` (HOTLINE_TIME_NONE: its
 * latest event), with its article and labels, as JSON; the keys are in
 * share/doc/hotline/documents.md. The caller frees *out with hotline_free.
 */
HOTLINE_EXTERN(int) hotline_db_explain(char **out, hotline_db *db, const char *case_id, hotline_time as_of);

/**
 * One person's statement of a month (工资条), for payroll: the penalties of
 * month `month` ("YYYY-MM": its assessment period, which ends on the
 * policy's period day, the 27th) charged to `person`, one line per rule and
 * case with the article, the rule's title, the amount incurred in the period
 * and its number of increments; then the raw total, the month's bonus
 * (null when none caps it), the capped total and the cap applied
 * (raw - capped, Art. 22). The same totals as the person's row of the
 * month's assessment. `as_of`: HOTLINE_TIME_NONE for the period's end (the
 * month as payroll closes it), else an instant inside the period.
 * JSON with sorted keys (share/doc/hotline/documents.md); free *out with
 * hotline_free(). HOTLINE_EINVALID for a malformed month or an as_of outside
 * the period, HOTLINE_ENOT_FOUND for a person the directory never named.
 */
HOTLINE_EXTERN(int) hotline_db_statement_json(char **out, hotline_db *db, const char *person, const char *month,
	hotline_time as_of);

/** Filter of hotline_db_deadlines and hotline_db_reminders (versioned; NULL: everything). */
typedef struct hotline_deadline_filter {
	unsigned int version;   /**< HOTLINE_DEADLINE_FILTER_VERSION */
	const char *person;     /**< only deadlines this person would be charged for; NULL: anyone */
	const char *property;   /**< only deadlines of this property's cases; NULL: any (organisation deadlines have none) */
	/* ---- version 2 ---- */
	/**
	 * "Now": a row is overdue when its due instant is before it (the tool passes the clock or
	 * --as-of). HOTLINE_TIME_NONE: the log as it stands, the later of `from` and the latest
	 * event of the row's case (or of the organisation); the library never reads the clock.
	 */
	hotline_time as_of;
} hotline_deadline_filter;
/** The version of hotline_deadline_filter these headers declare. */
#define HOTLINE_DEADLINE_FILTER_VERSION 2
/** Initialiser of hotline_deadline_filter: no filter, overdue judged as the log stands. */
#define HOTLINE_DEADLINE_FILTER_INIT { HOTLINE_DEADLINE_FILTER_VERSION, NULL, NULL, HOTLINE_TIME_NONE }
/** Initialise a filter (for bindings, which cannot use the macro). */
HOTLINE_EXTERN(int) hotline_deadline_filter_init(hotline_deadline_filter *filter, unsigned int version);

/**
 * Every open deadline due in [from, to), as the log stands (every event, also
 * those after `from`): for
 * each, the case (null: the organisation), property, rule, article, title,
 * start and due instants, whether it is already overdue (its due instant is
 * before the filter's as_of; without one — also a NULL or version 1 filter —
 * before the log as it stands: see hotline_deadline_filter.as_of), and "liable": the
 * person(s) who would be charged if it were missed, from the policy and the
 * directory as of the due instant (null for a role nobody holds). Ordered
 * by due, then case, then rule. JSON {"from","to","as_of","deadlines":[...]}
 * ("as_of": the instant overdue was judged against, null without one);
 * free *out with hotline_free(). Keys: share/doc/hotline/documents.md.
 */
HOTLINE_EXTERN(int) hotline_db_deadlines(char **out, hotline_db *db, hotline_time from, hotline_time to,
	const hotline_deadline_filter *filter);

/**
 * The reminders due in [from, to): for each open deadline whose rule has a
 * `remind` lead in the policy, the same row as hotline_db_deadlines plus
 * "remind_at" (before the due by the lead, or at the fraction of the way;
 * moved back into duty hours when it falls outside them). Ordered by
 * remind_at. JSON {"from","to","reminders":[...]}.
 */
HOTLINE_EXTERN(int) hotline_db_reminders(char **out, hotline_db *db, hotline_time from, hotline_time to,
	const hotline_deadline_filter *filter);

/** Options of hotline_replay (versioned). */
typedef struct hotline_replay_options {
	/** The struct's version: the _VERSION macro, set by the _INIT macro or the _init() function. */
	unsigned int version;
	const char *policy;     /**< built-in name or policy file; NULL: gm-hotline */
	const char *db_uri;     /**< storage to replay into; NULL: "memory:" */
	hotline_time as_of;     /**< HOTLINE_TIME_NONE: the latest `at` in the files */
	/* ---- version 2 ---- */
	/** Owners' personal data: the key-encryption key (HOTLINE_KEY_BYTES bytes; NULL: none), as in hotline_db_options. */
	const unsigned char *key;
	const char *key_id;     /**< the key's id (NULL: "default") */
	unsigned int db_flags;  /**< hotline_db_options flags (HOTLINE_DB_UNENCRYPTED) */
} hotline_replay_options;
/** The version of hotline_replay_options these headers declare. */
#define HOTLINE_REPLAY_OPTIONS_VERSION 2
/** Initialiser of hotline_replay_options with every default. */
#define HOTLINE_REPLAY_OPTIONS_INIT { HOTLINE_REPLAY_OPTIONS_VERSION, NULL, NULL, HOTLINE_TIME_NONE, NULL, NULL, 0 }
/** Initialise options (for bindings, which cannot use the macro). */
HOTLINE_EXTERN(int) hotline_replay_options_init(hotline_replay_options *opts, unsigned int version);

/**
 * Replay scenario files and produce the document `hotline replay` prints:
 * {"cases", "penalties", "refused", "assessment"} (every key:
 * share/doc/hotline/documents.md). A scenario file is JSON Lines, one
 * command per line (share/doc/hotline/commands.md), applied in order; blank
 * lines and lines starting with '#' are skipped.
 * Lines refused by the rules do not fail the call; an unreadable file,
 * unknown policy, malformed JSON line, storage failure or a database whose
 * owners' data needs a key the options do not give (HOTLINE_EKEY) does
 * (message "file:line: ..."; with db_uri nothing is written). *out is JSON text
 * with sorted keys; free it with hotline_free.
 */
HOTLINE_EXTERN(int) hotline_replay(char **out, const char *const *files, size_t nfiles, const hotline_replay_options *opts);

/**
 * Compare a document (e.g. hotline_replay's) with expectations that hold
 * only what a test cares about: an expected object's keys must be there
 * and match (other keys are ignored); each element of an expected array
 * must match a different element of the actual one, in any order, and an
 * empty array expects an empty one; other values must be equal. Returns 0 with *differences NULL when everything
 * matches, or 0 with a readable report (one difference per entry, with its
 * JSON path, e.g. `penalties[rule=R14b].amount_fen: differs`) to free with
 * hotline_free(); HOTLINE_EINVALID when either text is not JSON.
 */
HOTLINE_EXTERN(int) hotline_expect(char **differences, const char *document, const char *expected);

HOTLINE_END_DECL

#endif
