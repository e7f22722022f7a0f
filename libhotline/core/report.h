/* Assessment over the stored events, shared by the assessment API and replay. */
#ifndef HOTLINE_CORE_REPORT_H
#define HOTLINE_CORE_REPORT_H

#include <jansson.h>

#include "hotline/assess.h"
#include "hotline/db.h"
#include "hotline/sys/storage.h"
#include "util/json.h"

/*
 * Runs the assessment at as_of with the handle's lock held, in one read
 * transaction (or the open batch's): the "assessment" object's canonical
 * text into assessment, the "penalties" array's into pen. each, when not
 * NULL, is handed every case in id order as the assessment reads it (a
 * non-zero return stops it), so that a caller listing the cases reads them
 * once. Failures are recorded on the handle.
 */
int hotline__report_assess_locked(hotline_db *db, hotline_time as_of, hotline__sbuf *assessment, hotline__sbuf *pen,
	hotline_storage_case_cb each, void *payload);

/*
 * hotline_db_assess and hotline_db_statement_json, with replay 1: every
 * case's events replayed instead of the cases' rules summaries read (the
 * oracle the summaries are tested against); 0: as the public calls.
 */
int hotline__db_assess_by(char **out, hotline_db *db, hotline_time as_of, hotline_format format, int replay);
int hotline__db_statement_by(char **out, hotline_db *db, const char *person, const char *month, hotline_time as_of,
	int replay);

#endif
