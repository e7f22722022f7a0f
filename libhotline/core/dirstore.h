/*
 * The handle's copy of the directory and the storage's directory table.
 * The table keeps every definition: the first of an id under the id itself
 * (as databases made before the directory had a history do), each later
 * one under "id<US>seq" (US: the unit separator, which no id may hold),
 * seq being the event's global sequence number that orders same-instant
 * definitions. The copy is reloaded whole when another connection commits.
 */
#ifndef HOTLINE_CORE_DIRSTORE_H
#define HOTLINE_CORE_DIRSTORE_H

#include <stdint.h>

#include <jansson.h>

#include "hotline/sys/storage.h"
#include "calendar/calendar.h"
#include "model/directory.h"
#include "util/err.h"

/*
 * The calendar a directory gives (DESIGN §6.7): the base years every
 * database has (the built-in 2024-2026 data), then each year's latest
 * recorded `calendar` line. *out is new.
 */
int hotline__dirstore_calendar(int zone_offset_min, const hotline__directory *dir, hotline__calendar **out,
	hotline__err *err);
/* Loads every stored definition into d (definitions already there are kept). */
int hotline__dirstore_load(hotline__directory *d, hotline_storage *st, hotline__err *err);
/*
 * The key a definition is stored under: its id (a bonus: person and month;
 * a calendar: its year)
 * when it is the first of that id, else "id<US>seq". malloc'd; NULL when
 * memory is short or the object lacks its id.
 */
char *hotline__dirstore_key(int cmd, const json_t *obj, int first, int64_t seq);
/*
 * Stores a definition given by the event `seq`; `first` says whether its id
 * (or person and month) had no definition before. *seq_out receives the seq
 * the definition is ordered by (0 for a first one).
 */
int hotline__dirstore_put(hotline_storage *st, int cmd, const json_t *obj, int first, int64_t seq,
	const char *body, int64_t *seq_out);

#endif
