/*
 * Case summaries in the snapshot store (rules/summary.h): each command
 * writes its case's summary in the same transaction as the event, as the
 * last member "~summary" of the stored snapshot text. Readers of the
 * snapshot never see it (hotline__case_from_storage strips it); the
 * assessment reads it instead of the case's events; verify-log rebuilds it
 * from the events and reports one that differs.
 */
#ifndef HOTLINE_CORE_SUMMARY_H
#define HOTLINE_CORE_SUMMARY_H

#include <stddef.h>

#include "calendar/calendar.h"
#include "model/directory.h"
#include "model/event.h"
#include "rules/policy.h"
#include "util/err.h"

/*
 * The summary text of a case's events (malloc'd). *text is NULL, with 0
 * returned, when the case has none (a rule's clock cannot be computed: it is
 * replayed); a failure of the rules is returned with err set.
 */
int hotline__case_summary_text(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *ev, size_t n, char **text, hotline__err *err);

/* The snapshot text `snap` (taken) with summary `sum` as its last member; NULL when memory is short. */
char *hotline__snapshot_with_summary(char *snap, const char *sum);

/* The summary a stored snapshot text holds: its first byte and *len, or NULL when none. */
const char *hotline__snapshot_summary(const char *body, size_t *len);

/* Removes the summary from a snapshot text, in place. */
void hotline__snapshot_strip_summary(char *body);

/*
 * 1 when the handle computes under the database's recorded policy (being
 * recorded, or changed by policy lines): only then are summaries written,
 * read and checked. A database from before policies were recorded runs
 * under whatever policy each handle is given, and a what-if reads under
 * another: both replay the events.
 */
struct hotline_db;
int hotline__db_summaries_hold(const struct hotline_db *db);

#endif
