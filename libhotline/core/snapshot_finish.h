/*
 * The last steps of a case snapshot as a command stores it (core/command.c),
 * shared with the rebuild of verify-log (core/rebuild.c), so that a
 * snapshot rebuilt from the events is computed exactly as it was written.
 */
#ifndef HOTLINE_CORE_SNAPSHOT_FINISH_H
#define HOTLINE_CORE_SNAPSHOT_FINISH_H

#include <stddef.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "model/directory.h"
#include "model/event.h"
#include "rules/policy.h"
#include "util/err.h"
#include "util/json.h"

/*
 * The case's next due instant after an event at `at`: the rules over the
 * case's events (ev[0..n-1], the new one last) as of `at`. *provisional is
 * 1 when that due counted a day of a year without holiday data (DESIGN
 * §6.7). A failure of the rules is returned with err set.
 */
int hotline__snapshot_next_due(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *ev, size_t n, hotline_time at,
	hotline_time *next_due, int *provisional, hotline__err *err);

/*
 * Completes a snapshot body (hotline__snapshot_next's result): its
 * "version", and "next_due" in the policy's zone, or none once the case is
 * closed or an approval exempts it (*next_due is set to HOTLINE_TIME_NONE
 * then), and "provisional": true when that due is provisional. Returns the body's canonical text, malloc'd; NULL when memory is short.
 */
char *hotline__snapshot_finish(json_t *snap, int64_t version, int state, int approval, int exempt,
	hotline_time *next_due, int provisional, int zone_offset_min);
/*
 * The same written into b (emptied first, its memory reused; NUL-terminated), with the ledger's text kept
 * from the case's previous snapshot text when the command left the ledger as it was: `ledger` (ledger_len
 * bytes, NULL to write it) is that text. *at and *len: where the ledger's text lies in the result, for the
 * next command. 0 or HOTLINE_ENOMEM.
 */
int hotline__snapshot_finish_into(hotline__sbuf *b, json_t *snap, int64_t version, int state, int approval, int exempt,
	hotline_time *next_due, int provisional, int zone_offset_min, const char *ledger, size_t ledger_len, size_t *at,
	size_t *len);

#endif
