#include "core/summary.h"

#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/snapshot_finish.h"
#include "rules/eval.h"
#include "rules/summary.h"


int hotline__case_summary_text(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *ev, size_t n, char **text, hotline__err *err)
{
	hotline__summary s;
	int rc;
	*text = NULL;
	rc = hotline__summary_record(policy, cal, dir, ev, n, &s, err);
	if (rc == HOTLINE_ERANGE) {
		/* a runaway clock: no summary, the assessment replays the case */
		hotline__clearerr(err);
		return 0;
	}
	if (rc)
		return rc;
	*text = hotline__summary_text(&s);
	hotline__summary_free(&s);
	return *text ? 0 : hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
}

int hotline__case_next_due_summary(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *ev, size_t n, int64_t at, int with_summary,
	int64_t *next_due, int *provisional, hotline__summary *sum, int *have, hotline__err *err)
{
	int rc;
	*have = 0;
	memset(sum, 0, sizeof(*sum));
	if (!with_summary)
		return hotline__snapshot_next_due(policy, cal, dir, ev, n, at, next_due, provisional, err);
	rc = hotline__summary_record(policy, cal, dir, ev, n, sum, err);
	if (rc == HOTLINE_ERANGE) {
		/* a runaway clock: no summary, the assessment replays the case */
		hotline__clearerr(err);
		return hotline__snapshot_next_due(policy, cal, dir, ev, n, at, next_due, provisional, err);
	}
	if (rc)
		return rc;
	*have = 1;
	if (at < sum->max_at)
		/* a command dated before an event of the case: the events as of `at` */
		rc = hotline__snapshot_next_due(policy, cal, dir, ev, n, at, next_due, provisional, err);
	else if ((rc = hotline__summary_next_due(policy, cal, dir, ev[0].stream, sum, at, next_due, provisional,
			err)) == HOTLINE_ECORRUPT && !err->code)
		rc = hotline__seterr(err, rc, "the rules summary just recorded does not fit the policy");
	if (rc) {
		hotline__summary_free(sum);
		*have = 0;
	}
	return rc;
}

int hotline__db_summaries_hold(const hotline_db *db)
{
	return (db->rec_pending || hotline__db_policy_now(db, NULL) != NULL) && !hotline__db_what_if(db);
}
