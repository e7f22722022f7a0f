/*
 * Clocks and calendars (DESIGN §3.2): plain elapsed time, duty hours
 * (Art. 8: [08:30, 18:00) local, every day) and the working days of
 * mainland China (Monday-Friday, minus public holidays, plus make-up
 * working days 调休). No global state: a handle builds its calendar from
 * what the database records (core/dirstore.h, DESIGN §6.7).
 */
#ifndef HOTLINE_CALENDAR_H
#define HOTLINE_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/err.h"

typedef enum { HOTLINE__CLOCK_CALENDAR, HOTLINE__CLOCK_DUTY_HOURS, HOTLINE__CLOCK_WORKING_DAYS } hotline__clock;

typedef struct hotline__calendar hotline__calendar;

/* The built-in holiday documents (data/cn-holidays-*.json), NULL-terminated. */
extern const char *const hotline__builtin_holidays[];

hotline__calendar *hotline__calendar_new(int offset_min);
void hotline__calendar_free(hotline__calendar *cal);
/* Duty window in minutes after local midnight; default [08:30, 18:00). */
int hotline__calendar_set_duty(hotline__calendar *cal, int start_min, int end_min);
/* The duty window's length in minutes (at least 1). */
int hotline__calendar_duty_minutes(const hotline__calendar *cal);
int hotline__calendar_load_builtin(hotline__calendar *cal, hotline__err *err);
/* The cn-holidays JSON shape (or an array of such documents). All or nothing. */
int hotline__calendar_load_json(hotline__calendar *cal, const char *text, size_t len, hotline__err *err);
/* An iCalendar feed: all-day events are days off; events whose summary says 班/补班/working day are make-up days. */
int hotline__calendar_load_ical(hotline__calendar *cal, const char *text, size_t len, hotline__err *err);
/*
 * *out = 1 when local_day (days since 1970-01-01 in the zone) is a working
 * day. A day of a year without data counts Monday-Friday and sets
 * *provisional to 1 (when not NULL; it is never cleared). The clocks below
 * take the same flag: set when any day they looked at had no data.
 */
int hotline__calendar_is_working_day(const hotline__calendar *cal, int64_t local_day, int *out, int *provisional,
	hotline__err *err);
/* 1 when the calendar has data for `year`. */
int hotline__calendar_has_year(const hotline__calendar *cal, int year);
/*
 * Due instant of a clock started at `start`: calendar and duty_hours take
 * `amount` seconds; working_days takes a count N and is due at local 24:00
 * of the N-th working day after the start's local date.
 */
int hotline__calendar_add(const hotline__calendar *cal, hotline__clock clock, int64_t start, int64_t amount,
	int64_t *due_out, int *provisional, hotline__err *err);
/*
 * Working days intersecting (due, end]: their count, and in `instants` (if
 * not NULL, at most cap) the instant each increment is incurred:
 * max(due, start of that day).
 */
int hotline__calendar_working_days_begun(const hotline__calendar *cal, int64_t due, int64_t end, int64_t *count_out,
	int64_t *instants, size_t cap, int *provisional, hotline__err *err);
int64_t hotline__calendar_local_day(const hotline__calendar *cal, int64_t t);
int64_t hotline__calendar_day_start(const hotline__calendar *cal, int64_t local_day);
int hotline__calendar_offset(const hotline__calendar *cal);
int hotline__calendar_in_duty(const hotline__calendar *cal, int64_t t);
/* t when it is inside duty hours, else the last instant on duty before it (the second before a window's end). */
int64_t hotline__calendar_last_duty_instant(const hotline__calendar *cal, int64_t t);
int hotline__calendar_years(const hotline__calendar *cal, int *first, int *last);
/* A copy (NULL when memory is short). */
hotline__calendar *hotline__calendar_copy(const hotline__calendar *cal);

/*
 * Calendar lines (DESIGN §6.7): {"year", "holidays": [dates], "workdays":
 * [dates], ...}: holidays are rest days, workdays make-up working days
 * (each a Saturday or Sunday), every date inside the year, at most 366,
 * none twice. Check: HOTLINE_EINVALID with err naming the field.
 */
int hotline__calendar_line_check(const json_t *line, hotline__err *err);
/* Replaces the line's year with its data (checked first; nothing changes on failure). */
int hotline__calendar_adopt_line(hotline__calendar *cal, const json_t *line, hotline__err *err);
/*
 * Holiday data as calendar lines, one per year, in year order: format
 * "json" (the cn-holidays shape), "ical" or "builtin" (text ignored).
 * `source` (may be NULL) goes into each line. *out is a new JSON array.
 */
int hotline__calendar_lines(const char *format, const char *text, size_t len, const char *source, json_t **out,
	hotline__err *err);
/* The digest of what decides a line's working days (year, holidays, workdays), hex. */
void hotline__calendar_line_digest(const json_t *line, char hex[65]);

#endif
