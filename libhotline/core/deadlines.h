/* What deadlines.c shares with the notifications (core/feed.c). */
#ifndef HOTLINE_CORE_DEADLINES_H
#define HOTLINE_CORE_DEADLINES_H

#include "core/db.h"
#include "core/eventlog.h"
#include "rules/eval.h"

/* The reminder instant of a deadline, moved back into duty hours; HOTLINE_TIME_NONE when the rule has none. */
hotline_time hotline__remind_at(const hotline_db *db, const hotline__rule *r, const hotline__deadline *d);

/*
 * What a stream's log says under the handle's policy: the events of `stream`
 * (a case id, or "" for the organisation, whose periodic obligations start
 * with the first event of the work) evaluated as of `as_of`
 * (HOTLINE_TIME_NONE: the later of `floor` and the stream's latest event),
 * handed to `use` with the case's facts (NULL for the organisation) and the
 * instant used. A failure is set on the handle; `use` sets its own.
 */
typedef int (*hotline__stream_eval_use)(void *payload, const hotline__eval *ev, const hotline__event_vec *v,
	const hotline__case_facts *facts, hotline_time as_of);
int hotline__db_eval_stream(hotline_db *db, const char *stream, hotline_time as_of, hotline_time floor,
	hotline__stream_eval_use use, void *payload);
/* The same over the stream's events already read (v). */
int hotline__db_eval_events(hotline_db *db, const char *stream, const hotline__event_vec *v, hotline_time as_of,
	hotline_time floor, hotline__stream_eval_use use, void *payload);

#endif
