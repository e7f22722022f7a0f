/*
 * The calendar in the record (DESIGN §6.7): the recomputation a new
 * `calendar` line asks for, and the listing of what a database computes
 * with. (The handle's calendar is built with the directory: core/dirstore.h.)
 */
#ifndef HOTLINE_CORE_CALENDAR_RECORD_H
#define HOTLINE_CORE_CALENDAR_RECORD_H

#include <jansson.h>

#include "calendar/calendar.h"
#include "core/db.h"
#include "model/directory.h"
#include "util/err.h"

/* The source the base years (every database's built-in 2024-2026) are listed with. */
#define BASE_SOURCE "built-in (every database)"
/* The source of a line made from the library's built-in data. */
#define BUILTIN_SOURCE "built-in"

/*
 * Recomputes, inside the open write transaction, the next due instant (and
 * "provisional") of every case that is not closed under cal, and the rules
 * summary of every case that keeps one, closed or not (core/summary.h),
 * rewriting the snapshots that change (same version). Clears the handle's
 * cache.
 */
int hotline__db_calendar_recompute(hotline_db *db, const hotline__calendar *cal, hotline__err *err);
/* The same under policy: a `policy` line's recomputation (core/policy_change.c). */
int hotline__db_recompute_open(hotline_db *db, const hotline__policy *policy, const hotline__calendar *cal,
	hotline__err *err);
/* {"years": [{year, source, digest, holidays, workdays, recorded, at?, actor?}], "first", "last"}. */
int hotline__db_calendar_json(hotline_db *db, json_t **out, hotline__err *err);

#endif
