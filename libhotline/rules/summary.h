/*
 * A case's rules summary (DESIGN §3.3): what an assessment needs of a case,
 * kept at write time so that an assessment reads it instead of replaying
 * the case's events.
 *
 * Evaluating a case is, once every event is seen, a list of steps in a
 * fixed order: deadlines with their start, due, met instant or stop,
 * occurrences with their instant, and the open end of a chain of dues
 * (Art. 16) that runs on until as_of. None of them depends on as_of; only
 * settling them does (the lateness of what is still unmet, the persons the
 * directory names, the increments). A summary holds those steps, in the
 * order the evaluation took them, with the facts the rates read; settling
 * them at an as_of at or after the case's latest event gives exactly the
 * evaluation of the events (hotline__eval_summary), which is what makes the
 * assessment from summaries byte-identical to the replay.
 *
 * A summary depends on the policy (every era) and the calendar: a policy
 * or calendar line rebuilds every case's summary in its transaction.
 */
#ifndef HOTLINE_RULES_SUMMARY_H
#define HOTLINE_RULES_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "calendar/calendar.h"
#include "model/directory.h"
#include "model/event.h"
#include "rules/policy.h"
#include "util/err.h"

/* The format's version: a summary of another version is not read (the case is replayed). */
#define HOTLINE__SUMMARY_VERSION 1

enum {
	HOTLINE__SUM_DEADLINE,     /* one deadline, to settle */
	HOTLINE__SUM_CHAIN_END,    /* the open end of a chain of dues: runs on from started_at until as_of */
	HOTLINE__SUM_OCCURRENCE    /* one charged occurrence at started_at */
};

typedef struct hotline__sum_item {
	int kind;
	uint32_t era, rule;            /* the rule: policy era, index in its rules */
	uint32_t matcher;              /* occurrence: the matcher that fit */
	int64_t started_at, start_seq, due;
	int64_t met_at, met_seq, stop_at, stop_seq;
	int64_t missed_until;          /* a chain's missed due: what ended its wait */
	int64_t links;                 /* chain end: missed dues before it */
	int current, missed, provisional;
	json_t *body;                  /* the starting event's fields the rule reads (liable, due), or NULL */
} hotline__sum_item;

typedef struct hotline__sum_verify {
	int64_t at;
	int confirmed;
} hotline__sum_verify;

typedef struct hotline__summary {
	int64_t max_at;                /* latest instant of the case's events: valid for as_of at or after it */
	char *property, *call_taker;   /* of the register event, or NULL */
	int64_t registered_at, closed_at, close_seq, approved_at, approve_seq, exempt_from, request_seq;
	hotline__sum_verify *verify;   /* the verify commands, in order (Art. 20's satisfaction) */
	size_t n_verify, cap_verify;
	hotline__sum_item *items;
	size_t n_items, cap_items;
} hotline__summary;

void hotline__summary_free(hotline__summary *s);

/*
 * Records a case's evaluation (one stream, sorted by stream_seq) as a
 * summary. HOTLINE_ERANGE when a rule's clock cannot be computed: the case
 * then has no summary and is replayed.
 */
int hotline__summary_record(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline__event *events, size_t n, hotline__summary *out,
	hotline__err *err);

/* The summary as compact JSON text (malloc'd), NULL when memory is short. */
char *hotline__summary_text(const hotline__summary *s);
/* The same text appended to b (b->err set when memory is short). */
struct hotline__sbuf;
void hotline__summary_write(struct hotline__sbuf *b, const hotline__summary *s);

/*
 * Reads a summary's text (len bytes; the text may go on after it).
 * HOTLINE_ECORRUPT when it is not one this version reads.
 */
int hotline__summary_parse(const char *text, size_t len, hotline__summary *out);

/*
 * The same into a summary read before (or zeroed): its arrays and equal
 * strings are kept, so that reading case after case allocates next to
 * nothing. On failure *out is freed (zeroed), as by hotline__summary_free.
 */
int hotline__summary_parse_again(const char *text, size_t len, hotline__summary *out);

/*
 * The case's evaluation at as_of from its summary: hotline__eval_case's
 * result over its events, for as_of at or after s->max_at.
 * HOTLINE_ECORRUPT (no message) when the summary names a rule the policy
 * lacks: the caller replays the events instead. The deadlines' and
 * penalties' case_id are case_id itself: it must outlive *out.
 */
struct hotline__eval;
int hotline__eval_summary(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const char *case_id, const hotline__summary *s, int64_t as_of,
	struct hotline__eval *out, hotline__err *err);

/*
 * Of that evaluation the next due and its provisional flag alone (what a
 * command stores in the snapshot): the same settling, with no deadline
 * listed and nothing charged. Fails where hotline__eval_summary fails.
 */
int hotline__summary_next_due(const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const char *case_id, const hotline__summary *s, int64_t as_of,
	int64_t *next_due, int *provisional, hotline__err *err);

#endif
