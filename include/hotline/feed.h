/**
 * @file
 * libhotline — push, not poll: the event feed and notifications
 * (share/doc/hotline/guide-feed.md).
 *
 * A front end or a worker keeps a cursor (short printable text) and asks
 * for what came after it. A consumer that stores the cursor after handling
 * each page handles every event (or notification) at least once and never
 * skips one, also beside several PostgreSQL writers whose transactions
 * overlap; one that stores it in the same transaction as what it did with
 * the page handles each exactly once.
 */
#ifndef HOTLINE_FEED_H
#define HOTLINE_FEED_H

#include "common.h"
#include "db.h"

HOTLINE_BEGIN_DECL

/**
 * The events committed after `cursor` (NULL or "": from the first), case
 * and organisation streams together, in global seq order, at most `limit`
 * (0: all), as JSON (free *out with hotline_free):
 *
 *     {"cursor": "f1.N", "more": bool,
 *      "events": [{"seq", "stream", "stream_seq", "cmd", "actor", "at",
 *                  "id", "hash", "body"}]}
 *
 * `stream` is the case id, "" for the organisation stream; `at` is null for
 * a directory line; `body` the accepted command as stored, its owners'
 * personal fields clear with the key, masked without, "[erased]" after
 * forget, as for any reader. `cursor` comes after the last event listed
 * (the given cursor when none is); `more` is true when the page is full.
 * The cursor "f1.N" says that every event up to global seq N was handed
 * out. With writers that overlap (PostgreSQL: a transaction may take seq 10,
 * another 11 and commit first) the feed lists only events up to the
 * storage's stable head, so an event never appears after one with a higher
 * seq was handed out. HOTLINE_EINVALID for a text that is not a feed
 * cursor, or inside a batch (the feed reads committed events only).
 */
HOTLINE_EXTERN(int) hotline_db_feed(char **out, hotline_db *db, const char *cursor, size_t limit);

/**
 * Waits until hotline_db_feed(cursor) would list an event, at most
 * `timeout_ms` milliseconds (0: just look). Returns 1 when there is one, 0
 * when the time ran out, or a failure's code. PostgreSQL: the handle
 * LISTENs on its connection and every commit that appended sends NOTIFY;
 * SQLite: PRAGMA data_version, polled with a backoff up to 25 ms; and
 * it looks anyway every 500 ms (a commit through this same handle from
 * another thread, or a pooler that keeps NOTIFY away). Calls
 * through the same handle from other threads wait meanwhile (at most a
 * slice of 100 ms each): give the waiting consumer a handle of its own.
 * HOTLINE_EINVALID inside a batch, or for a bad cursor or a negative timeout.
 */
HOTLINE_EXTERN(int) hotline_db_feed_wait(hotline_db *db, const char *cursor, int timeout_ms);

/**
 * What people must be told, derived from the rules as the log stands:
 * `reminder` (a deadline's reminder instant passed while it was open),
 * `breach` (a deadline passed unmet: its due instant) and `penalty` (an
 * increment incurred: its instant), with an instant after `cursor` (NULL
 * or "": from the first) and before `until` (at `until` itself a due can
 * still be met on time, so what happens there is told by the next call),
 * in instant order (then id), at most `limit` (0: all), as JSON (free *out with hotline_free):
 *
 *     {"cursor", "until", "more",
 *      "notifications": [{"id", "kind", "instant", "case", "property",
 *                         "rule", "article", "title": {"zh", "en"},
 *                         "liable", "due"?, "started_at"?, "amount_fen"?,
 *                         "provisional"?}]}
 *
 * `id` is stable: the case (empty for the organisation), rule, kind and
 * instant (UTC) joined by '/'; the same log gives the same list, byte for
 * byte. `liable`: the person(s) charged, or who would be, as of that
 * instant (null for a role nobody holds). A rate penalty (Art. 20) comes
 * at the end of the period it assesses, once that end is before `until`, priced over every case as the assessment prices it: "case" is
 * null, "property" the property whose rate fell short, and its id starts
 * with that property ("P1/R20b/penalty/2026-11-26T16:00:00Z").
 * `cursor` comes after the last notification listed; when the list is
 * complete up to `until` it says so, and the next call goes on from
 * `until` itself. After a cursor only the cases that can have something after it
 * are evaluated (events since the cursor's instant, or an open clock whose
 * stored next due is near enough), so a consumer that keeps its cursor pays
 * for what changed; the list is the same as evaluating every case.
 * HOTLINE_EINVALID for a text that is not a notifications cursor or an
 * `until` outside the instants the library takes.
 */
HOTLINE_EXTERN(int) hotline_db_notifications(char **out, hotline_db *db, const char *cursor, hotline_time until,
	size_t limit);

HOTLINE_END_DECL

#endif
