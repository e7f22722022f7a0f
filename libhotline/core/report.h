/* Assessment over the stored events, shared by the assessment API and replay. */
#ifndef HOTLINE_CORE_REPORT_H
#define HOTLINE_CORE_REPORT_H

#include <jansson.h>

#include "hotline/db.h"
#include "util/json.h"

/*
 * Runs the assessment at as_of with the handle's lock held, in one read
 * transaction (or the open batch's): as JSON values (pen, assessment), or
 * as text into doc when doc is not NULL. Failures are recorded on the handle.
 */
int hotline__report_assess_locked(hotline_db *db, hotline_time as_of, json_t **pen, json_t **assessment,
	hotline__sbuf *doc);

#endif
