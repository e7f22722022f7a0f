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
#include "rules/summary.h"
#include "core/snapshot_summary.h"
#include "util/err.h"

/*
 * The summary text of a case's events (malloc'd). *text is NULL, with 0
 * returned, when the case has none (a rule's clock cannot be computed: it is
 * replayed); a failure of the rules is returned with err set.
 */
int hotline__case_summary_text(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *ev, size_t n, char **text, hotline__err *err);

/*
 * A command's two results of the rules at once: the case's summary (as
 * hotline__case_summary_text records it; *have 0 when the case has none,
 * else free *sum with hotline__summary_free) and its next due at `at` (as
 * hotline__snapshot_next_due), the due settled from the summary when `at`
 * is at or after every event of the case, so the rules run over the events
 * once. with_summary 0: the next due only.
 */
int hotline__case_next_due_summary(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *ev, size_t n, int64_t at, int with_summary,
	int64_t *next_due, int *provisional, hotline__summary *sum, int *have, hotline__err *err);

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
