/*
 * Rebuilding what the library stores from the events alone (DESIGN §6.3):
 * the directory table from the organisation stream's directory lines, and a
 * case snapshot from its stream, each step computed as the command that
 * wrote it computed it. verify-log compares the result with what is stored.
 */
#ifndef HOTLINE_CORE_REBUILD_H
#define HOTLINE_CORE_REBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "calendar/calendar.h"
#include "core/case.h"
#include "core/eventlog.h"
#include "hotline/sys/storage.h"
#include "model/directory.h"
#include "rules/policy.h"
#include "util/err.h"

/* One row the directory table must hold: (kind, key) -> body, written by event `seq`. */
typedef struct hotline__dir_row {
	char *kind, *key, *body;
	int64_t seq;
	int seen;                 /* matched by a stored row */
} hotline__dir_row;

typedef struct hotline__dir_rebuild {
	hotline__directory dir;   /* every definition so far, as the commands added them */
	hotline__dir_row *rows;
	size_t n_rows, cap_rows;
	int sorted;
} hotline__dir_rebuild;

void hotline__dir_rebuild_init(hotline__dir_rebuild *r);
void hotline__dir_rebuild_free(hotline__dir_rebuild *r);
/*
 * Takes one event of the organisation stream; events that are not
 * directory lines are skipped. HOTLINE_ECORRUPT (err says why) when a
 * directory event cannot be read back; HOTLINE_ENOMEM.
 */
int hotline__dir_rebuild_event(hotline__dir_rebuild *r, const hotline_storage_event *e, hotline__err *err);
/* The row stored under (kind, key), NULL when no event wrote one (sorts the rows on first use). */
hotline__dir_row *hotline__dir_rebuild_find(hotline__dir_rebuild *r, const char *kind, const char *key);

typedef struct hotline__case_rebuild {
	hotline_case snap;        /* after the events so far; head_hash unused */
	hotline__event_vec events;
	char head_hash[65];       /* the last event's stored hash */
} hotline__case_rebuild;

void hotline__case_rebuild_init(hotline__case_rebuild *r);
void hotline__case_rebuild_free(hotline__case_rebuild *r);
/*
 * Applies the case's next event. HOTLINE_ECORRUPT (err says why) when the
 * event could not have been accepted there: not readable, not a case
 * command, `register` anywhere but first, or a transition the lifecycle
 * table does not allow from the state rebuilt so far; or the rules' failure.
 */
int hotline__case_rebuild_event(hotline__case_rebuild *r, const hotline__policy *policy, const hotline__calendar *cal,
	const hotline__directory *dir, const hotline_storage_event *e, hotline__err *err);

#endif
