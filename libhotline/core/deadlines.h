/* What deadlines.c shares with the notifications (core/feed.c). */
#ifndef HOTLINE_CORE_DEADLINES_H
#define HOTLINE_CORE_DEADLINES_H

#include "core/db.h"
#include "rules/eval.h"

/* The reminder instant of a deadline, moved back into duty hours; HOTLINE_TIME_NONE when the rule has none. */
hotline_time hotline__remind_at(const hotline_db *db, const hotline__rule *r, const hotline__deadline *d);

#endif
