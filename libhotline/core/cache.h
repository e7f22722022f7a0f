/*
 * Decoded events and snapshots of recently used cases, so that a command
 * does not re-read and re-parse its case. Snapshots are used only while the
 * backend's data_version says no other connection has committed since the
 * cache was filled (checked as each write transaction begins); the events
 * only when the command's snapshot has the same version and head hash.
 * Another handle's writes are never missed. With a backend whose writers
 * overlap (HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS, or a backend with
 * HOTLINE_STORAGE_CAP_CASE_LOCKS) snapshots are never taken from
 * the cache unread: a writer reads its case, which locks it, so that writers
 * of one case queue instead of deadlocking (one holding the case's row, the
 * other the stream's next position). The decoded snapshot is then taken
 * when the row read is, field for field and byte for byte, the one this
 * handle wrote (hotline__cache_take_same): another writer's commit costs
 * only the cases it changed, not the whole cache.
 */
#ifndef HOTLINE_CORE_CACHE_H
#define HOTLINE_CORE_CACHE_H

#include <stdint.h>

#include "core/case.h"
#include "core/eventlog.h"
#include "hotline/sys/storage.h"

#define HOTLINE__CACHE_SLOTS 256

typedef struct hotline__cache_slot {
	char *case_id;
	int64_t version;
	char head_hash[65];
	hotline__event_vec *vec;
	int have_snap;              /* snap is the case's stored snapshot at `version` */
	int ids_seen;               /* an event in vec has an id (hotline__event_id_agrees) */
	hotline_case *snap;
} hotline__cache_slot;

typedef struct hotline__cache {
	hotline__cache_slot slots[HOTLINE__CACHE_SLOTS];
	int trusted;                /* snapshots held are current (this transaction) */
	int overlap;                /* the backend's writers run at once: snapshots are read, never taken from here */
	uint64_t data_version;      /* the backend's data_version when last checked */
	unsigned long generation;   /* counts clears: what was cached beside it (core/pii.c's keys) is stale once it moves */
} hotline__cache;

/* Forgets every cached case (after a rollback, or when another writer committed). */
void hotline__cache_clear(hotline__cache *c);
/*
 * Right after a transaction begins: drops the cache if another connection
 * has committed. 1 when it did, or when the storage cannot tell.
 */
int hotline__cache_sync(hotline__cache *c, hotline_storage *st);

/* Moves the case's current snapshot out of the cache into *out; 1 when it was there. */
int hotline__cache_take_snapshot(hotline__cache *c, const char *case_id, hotline_case *out);
/*
 * The cached snapshot of the case whose row was just read in a write
 * transaction (sc), moved into *out, when that row is the one this handle
 * wrote: its version, head, columns and body text all the same. 1 when it
 * was; otherwise the row is to be decoded.
 */
int hotline__cache_take_same(hotline__cache *c, const hotline_storage_case *sc, hotline_case *out);
/* Gives back a taken snapshot that did not change (a refused command); frees it otherwise. */
void hotline__cache_return_snapshot(hotline__cache *c, hotline_case *snap);
/*
 * Keeps the snapshot just written as the case's current one; takes *body (the row's text, its rules summary
 * included: the copy kept is the snapshot as readers see it, without it) and *json when it does. ledger_at,
 * ledger_len: where the ledger's canonical text lies in *body (0, 0: nowhere known); summary_at: where the
 * summary's member begins in *body (hotline__snapshot_add_summary), HOTLINE__NO_SUMMARY when it has none.
 * prev, when not NULL: the case's snapshot the command started from, whose id, property and head hash
 * buffers are taken (set to NULL) when they fit, rather than copied.
 */
#define HOTLINE__NO_SUMMARY ((size_t)-1)
void hotline__cache_keep_snapshot(hotline__cache *c, const hotline_storage_case *sc, char **body, json_t **json,
	size_t ledger_at, size_t ledger_len, size_t summary_at, hotline_case *prev);

/*
 * The case's decoded events after appending `ev` (its body `body`, already
 * parsed): the cached events when they end at (prev_version, prev_hash),
 * else loaded from st (nothing to load for a new case: prev_version 0).
 * *out is borrowed from the cache. The storage's code on failure;
 * HOTLINE_ECORRUPT when an event read is stored under an id that is not
 * the one its body holds (hotline__event_id_agrees), or cannot be read.
 * With a backend that has events_after, events already cached stay
 * and only the ones after them are read.
 */
int hotline__cache_events(hotline__cache *c, hotline_storage *st, const char *case_id, int64_t prev_version,
	const char *prev_hash, const hotline_storage_event *ev, json_t *body, const hotline__event_vec **out);

#endif
