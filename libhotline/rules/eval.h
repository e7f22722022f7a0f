/*
 * The rules engine: evaluates a policy over events (DESIGN §3).
 *
 * Everything here is a pure function of (policy, calendar, directory,
 * events, as_of): no clock is read, nothing is cached between calls, and
 * only events whose instant is at or before as_of are seen. Money is
 * integer fen, times are int64 UTC seconds; no floating point anywhere.
 */
#ifndef HOTLINE_RULES_EVAL_H
#define HOTLINE_RULES_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "model/directory.h"
#include "model/event.h"
#include "rules/policy.h"
#include "util/err.h"

typedef struct hotline__increment {
	int64_t at;
	int64_t amount_fen;
} hotline__increment;

typedef struct hotline__penalty {
	const char *rule;
	int article;                /* borrowed from the policy */
	char *case_id;              /* NULL: organisation-level */
	char *property;             /* NULL when none */
	char *person;               /* NULL: role has no holder / not named */
	int64_t amount_fen;         /* sum of increments */
	hotline__increment *inc;    /* each increment with its instant, in order */
	size_t n_inc;
	int64_t *evidence;          /* global seqs of the events that prove it, ascending */
	size_t n_evidence;
	size_t cap_inc, cap_evidence;   /* allocated lengths (util/vec.h) */
	int provisional;            /* an increment rests on a year without holiday data */
} hotline__penalty;

enum {
	HOTLINE__DL_PENDING,   /* not met, due at or after as_of */
	HOTLINE__DL_MET,       /* met (on time when late_seconds is 0) */
	HOTLINE__DL_MISSED,    /* not met and overdue as of as_of (or a missed due of a chain) */
	HOTLINE__DL_STOPPED    /* closed or exempted before it was met */
};

typedef struct hotline__deadline {
	const char *rule;
	int article;
	char *case_id;              /* NULL: organisation-level */
	int state;                  /* HOTLINE__DL_* */
	int64_t started_at, due;
	int64_t met_at;             /* HOTLINE_TIME_NONE if not met */
	int64_t stopped_at;         /* HOTLINE_TIME_NONE if not stopped */
	int64_t start_seq, met_seq; /* 0 when none (periodic obligations have no starting event) */
	int64_t late_seconds;       /* max(0, (met, stop or as_of) - due) */
	int current;                /* 1 unless superseded by the next due of its chain (Art. 16) */
	int provisional;            /* due or lateness counted a day of a year without holiday data */
} hotline__deadline;

typedef struct hotline__eval {
	hotline__penalty *pen;
	size_t n_pen;
	hotline__deadline *dl;
	size_t n_dl;
	/* earliest due among deadlines neither met nor stopped as of as_of (for
	 * repeating ones: the current pending due); HOTLINE_TIME_NONE if none */
	int64_t next_due;
	int next_due_provisional;   /* that due rests on a year without holiday data */
	int incomplete;             /* a rule's clock could not be computed (its deadlines are left out) */
	int exempt;                 /* an approved request */
	int64_t exempt_from;        /* its request instant, or HOTLINE_TIME_NONE */
	/* internal bookkeeping */
	size_t cap_pen, cap_dl;
	int ids_borrowed;           /* case_id points at the evaluated case's id (hotline__eval_summary), not a copy */
} hotline__eval;

/* Evaluates one case's events (one stream, sorted by stream_seq). */
int hotline__eval_case(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n, int64_t as_of,
	hotline__eval *out, hotline__err *err);

/*
 * Evaluates the organisation-level rules: occurrences and deadlines on
 * organisation events and periodic obligations due after first_event_at.
 * Rates need every case and are priced in assess.c.
 */
int hotline__eval_org(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n,
	int64_t first_event_at, int64_t as_of, hotline__eval *out, hotline__err *err);

/*
 * Charges a rate rule (Art. 20) for one property: `points` started points
 * below the threshold, incurred at `at` (the end of the period assessed).
 * Appends to out, which must have been filled by hotline__eval_org or be
 * zeroed with next_due = HOTLINE_TIME_NONE.
 */
int hotline__eval_rate(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__rule *r, const char *property, int64_t at,
	int64_t points, hotline__eval *out, hotline__err *err);

void hotline__eval_free(hotline__eval *ev);

/*
 * Who would be charged under rule r for an increment at `at` (DESIGN §6.6:
 * the directory as of then): the persons its liability names, appended to
 * the JSON array `persons` once each; null for a role nobody holds. body is
 * the starting event's (for liability named by a field), may be NULL.
 */
int hotline__eval_liable(const hotline__policy *policy, const hotline__directory *dir, const hotline__rule *r,
	const char *property, const char *call_taker, const json_t *body, int64_t at, json_t *persons);

struct hotline__summary;

/* Event source for the assessment: streams cases one at a time (never all in memory). */
typedef struct hotline__source {
	void *ctx;
	/* calls cb once per case, in case id order, with that case's events (sorted by stream_seq); stops on non-zero */
	int (*foreach_case)(void *ctx, int (*cb)(const hotline__event *ev, size_t n, void *payload), void *payload);
	/* organisation-level events (stream ""; directory events may be included: skipped), in order */
	int (*org_events)(void *ctx, const hotline__event **ev, size_t *n);
	int64_t first_event_at;   /* instant of the first timed event of the log */
	/*
	 * optional, used instead of foreach_case when set: the same cases, but
	 * one whose rules summary holds at as_of (rules/summary.h) comes as it
	 * (ev NULL, n 0), the others with their events (sum NULL). cb returns
	 * HOTLINE__SUMMARY_UNUSABLE for a summary that does not fit the
	 * policy: the source then gives that case's events.
	 */
	int (*foreach_case_summary)(void *ctx, int64_t as_of, int (*cb)(const char *case_id, const hotline__event *ev,
		size_t n, const struct hotline__summary *sum, void *payload), void *payload);
} hotline__source;

#define HOTLINE__SUMMARY_UNUSABLE 1

/*
 * The monthly assessment at as_of (DESIGN §3.3, §5): *penalties_out is the
 * §5 "penalties" array, *assessment_out the "assessment" object.
 * what_if_digest: the policy's digest when it is not the database's (the
 * object then says "policy_digest"), else NULL.
 */
int hotline__assess(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t as_of, const char *what_if_digest,
	json_t **penalties_out, json_t **assessment_out, hotline__err *err);

/*
 * The same, written as JSON text: with penalties == NULL, the whole
 * document {"assessment":...,"penalties":[...]} to out; otherwise the
 * assessment object to out and the penalties array to penalties. The
 * buffers may have sinks (streaming); memory does not grow with the cases.
 */
struct hotline__sbuf;
int hotline__assess_write(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t as_of, const char *what_if_digest,
	struct hotline__sbuf *out, struct hotline__sbuf *penalties, hotline__err *err);

/*
 * The Art. 20 rate penalties of every period whose end is in [from, to]
 * (to at most as_of), priced as the assessment at as_of prices them (each
 * at its period's end, charged to whom the assessment charges it), into out
 * (free with hotline__eval_free). Reads the cases only when such a period
 * end exists.
 */
int hotline__assess_rates(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t from, int64_t to, int64_t as_of,
	hotline__eval *out, hotline__err *err);

/*
 * The assessment as CSV (RFC 4180, CRLF), streamed to out like the JSON:
 * a row per penalty, per person and per property, in the JSON document's
 * order; breaches and open deadlines are not computed into rows at all.
 */
int hotline__assess_write_csv(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, int64_t as_of,
	struct hotline__sbuf *out, hotline__err *err);

/*
 * One person's statement of a month (YYYY-MM): the penalties of the month's
 * assessment period charged to the person (the increments the people totals
 * count), with rule, article, title, case, amount; the raw total, the bonus
 * and the capped total (Art. 22). as_of: NONE for the period's end, else an
 * instant inside the period.
 */
int hotline__assess_statement(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__source *src, const char *person, const char *month,
	int64_t as_of, const char *what_if_digest, json_t **out, hotline__err *err);

/* Every deadline and penalty of one case, with the rules' articles and titles. */
int hotline__explain_case(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n, int64_t as_of,
	json_t **out, hotline__err *err);

/* ---- shared with assess.c and explain.c ---- */

/* What the rates need of a case (Art. 20), read from its events up to as_of. */
typedef struct hotline__case_facts {
	const char *property;       /* borrowed from the register event, or NULL */
	const char *call_taker;     /* idem */
	int64_t registered_at;      /* HOTLINE_TIME_NONE if no register event */
	int64_t closed_at;          /* first CLOSED, or NONE */
	int64_t approved_at;        /* approval of the first approved request, or NONE */
	int64_t exempt_from;        /* that request's instant, or NONE */
	int64_t approve_seq;        /* seq of the approval, 0 if none */
	int64_t request_seq;        /* seq of the approved request, 0 if none */
	int64_t close_seq;          /* seq of the closure, 0 if none */
} hotline__case_facts;

void hotline__case_facts_read(const hotline__event *events, size_t n, int64_t as_of,
	hotline__case_facts *out);

/*
 * Started percentage points below a threshold (Art. 20), in integers:
 * ceil(threshold - 100 num / den) when positive, else 0; 0 when den is 0.
 */
int64_t hotline__rate_points(int threshold, int64_t num, int64_t den);

/* as_of outside years 1..9999 cannot be rendered and would only overflow */
#define HOTLINE__MIN_INSTANT INT64_C(-62135596800)
#define HOTLINE__MAX_INSTANT INT64_C(253402300799)

/* Formats an instant in the policy's zone into a new JSON string. */
json_t *hotline__time_json(const hotline__policy *policy, int64_t t);

#endif
