#include "core/snapshot_finish.h"

#include <string.h>

#include "hotline/lifecycle.h"
#include "rules/eval.h"
#include "util/json.h"
#include "util/time.h"

int hotline__snapshot_next_due(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *ev, size_t n, hotline_time at,
	hotline_time *next_due, int *provisional, hotline__err *err)
{
	hotline__eval eval;
	int rc;

	*next_due = HOTLINE_TIME_NONE;
	*provisional = 0;
	memset(&eval, 0, sizeof(eval));
	rc = hotline__eval_case(policy, cal, dir, ev, n, at, &eval, err);
	if (rc == 0) {
		*next_due = eval.next_due;
		*provisional = eval.next_due_provisional;
	}
	hotline__eval_free(&eval);
	return rc;
}

char *hotline__snapshot_finish(json_t *snap, int64_t version, int state, int approval, int exempt,
	hotline_time *next_due, int provisional, int zone_offset_min)
{
	hotline__sbuf b;
	size_t at, len;
	hotline__sbuf_init(&b, NULL, NULL);
	if (hotline__snapshot_finish_into(&b, snap, version, state, approval, exempt, next_due, provisional,
		zone_offset_min, NULL, 0, &at, &len)) {
		hotline__sbuf_free(&b);
		return NULL;
	}
	return hotline__sbuf_take(&b);
}

int hotline__snapshot_finish_into(hotline__sbuf *b, json_t *snap, int64_t version, int state, int approval, int exempt,
	hotline_time *next_due, int provisional, int zone_offset_min, const char *ledger, size_t ledger_len, size_t *at,
	size_t *len)
{
	json_t *v = json_object_get(snap, "version");
	/* the members rewritten each command are set in place when the snapshot alone holds them */
	if (json_is_integer(v) && v->refcount == 1)
		json_integer_set(v, version);
	else
		json_object_set_new_nocheck(snap, "version", json_integer(version));
	if (state == HOTLINE_STATE_CLOSED || (exempt && approval == HOTLINE_APPROVAL_APPROVED))
		*next_due = HOTLINE_TIME_NONE;
	/* present only when true: snapshots without it stay as they were */
	if (*next_due == HOTLINE_TIME_NONE || !provisional)
		json_object_del(snap, "provisional");
	else
		json_object_set_new(snap, "provisional", json_true());
	if (*next_due == HOTLINE_TIME_NONE) {
		json_object_del(snap, "next_due");
	} else {
		char due[32];
		hotline__time_format(*next_due, zone_offset_min, due);
		size_t n = strlen(due);
		v = json_object_get(snap, "next_due");
		/* the same instant as before is left as it is; the instant is ASCII: no UTF-8 check */
		if (json_is_string(v) && json_string_length(v) == n && memcmp(json_string_value(v), due, n) == 0)
			;
		else if (!(json_is_string(v) && v->refcount == 1 && json_string_setn_nocheck(v, due, n) == 0))
			json_object_set_new_nocheck(snap, "next_due", json_stringn_nocheck(due, n));
	}
	return hotline__json_canonical_kept_into(b, snap, "ledger", ledger, ledger_len, at, len);
}
