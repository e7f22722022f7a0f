/*
 * What an attached backend offers, asked in one way everywhere: the
 * backend was checked whole when it was attached (hotline__storage_check),
 * so a group that is there is complete and a bit that is set has the
 * callbacks it needs. Nothing past attach reads the struct's version.
 */
#ifndef HOTLINE_STORAGE_CAPS_H
#define HOTLINE_STORAGE_CAPS_H

#include "hotline/sys/storage.h"

/* The attach check: the version; with `whole`, everything else too. */
int hotline__storage_check(const hotline_storage *st, int whole, int *free_ok);

/* Group `keys`: owners' personal data. */
static inline int hotline__storage_has_keys(const hotline_storage *st) { return st->keys != NULL; }
/* Group `claims`: hotline_db_claim_due. */
static inline int hotline__storage_has_claims(const hotline_storage *st) { return st->claims != NULL; }
/* cases_foreach honours after_id / after_due. */
static inline int hotline__storage_keyset(const hotline_storage *st)
{
	return (st->capabilities & HOTLINE_STORAGE_CAP_KEYSET) != 0;
}
/* Write transactions overlap: stable_seq is there, BEGIN_ORG excludes the others. */
static inline int hotline__storage_overlapping(const hotline_storage *st)
{
	return (st->capabilities & HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS) != 0;
}
/* case_get in a write transaction locks the case: read it in every write transaction. */
static inline int hotline__storage_case_locks(const hotline_storage *st)
{
	return (st->capabilities & HOTLINE_STORAGE_CAP_CASE_LOCKS) != 0;
}

#endif
