/*
 * Claims of due cases for sweep workers running at once (DESIGN §6.5): one
 * write transaction in which the backend picks the due cases nobody holds a
 * lease on and leases them to the worker (the storage's claims group).
 */
#include <stdlib.h>
#include <string.h>

#include "core/case.h"
#include "core/db.h"
#include "storage/caps.h"

#define LEASE_MAX_SECONDS 86400
#define WORKER_MAX_BYTES 128

static int claim_cb(const hotline_storage_case *sc, void *payload)
{
	return hotline__case_list_add(payload, sc);
}

int hotline_db_claim_due(hotline_db *db, hotline_time before, size_t limit, int lease_seconds, const char *worker,
	hotline_case_list **out)
{
	hotline_storage *st;
	hotline_case_list *l;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!out)
		return hotline__db_fail(db, HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (before == HOTLINE_TIME_NONE)
		return hotline__db_fail(db, HOTLINE_EINVALID, "a claim needs an instant");
	if (lease_seconds < 1 || lease_seconds > LEASE_MAX_SECONDS)
		return hotline__db_fail(db, HOTLINE_EINVALID, "lease_seconds must be 1 to %d", LEASE_MAX_SECONDS);
	if (!worker || !*worker || strlen(worker) > WORKER_MAX_BYTES)
		return hotline__db_fail(db, HOTLINE_EINVALID, "worker must be 1 to %d bytes", WORKER_MAX_BYTES);
	if (!(l = calloc(1, sizeof(*l))))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	pthread_mutex_lock(&db->mu);
	hotline__clearerr(&db->err);
	st = db->st;
	if (db->read_only) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "the database was opened read-only");
	} else if (!hotline__storage_has_claims(st)) {
		rc = hotline__db_fail(db, HOTLINE_EINVALID, "this storage cannot claim cases (no 'claims' group)");
	} else if (!db->in_batch && (rc = st->begin(st, 1)) != 0) {
		rc = hotline__db_storage_fail(db, rc, "starting a transaction");
	} else {
		rc = st->claims->claim_due(st, before, limit, lease_seconds, worker, claim_cb, l);
		if (rc) {
			rc = hotline__db_storage_fail(db, rc, "claiming due cases");
			if (!db->in_batch)
				st->rollback(st);
		} else if (!db->in_batch && (rc = st->commit(st)) != 0) {
			rc = hotline__db_storage_fail(db, rc, "committing the claims");
		}
	}
	pthread_mutex_unlock(&db->mu);
	if (rc) {
		hotline_case_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}
