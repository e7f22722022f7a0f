/* Instants, civil dates and ISO-8601, without the C library's time zone state. */
#ifndef HOTLINE_UTIL_TIME_H
#define HOTLINE_UTIL_TIME_H

#include <stdint.h>

/* Floor division (rounds toward minus infinity); b > 0. */
int64_t hotline__floor_div(int64_t a, int64_t b);
/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
int64_t hotline__days_from_civil(int y, int m, int d);
void hotline__civil_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Sunday ... 6 = Saturday. */
int hotline__weekday(int64_t days);
/* Days in a month (1-12) of a year. */
int hotline__days_in_month(int y, int m);

/*
 * Parses YYYY-MM-DDTHH:MM[:SS[.000]](Z|+HH:MM|-HH:MM|+HHMM). The offset is
 * required: an instant must be unambiguous. A non-zero fraction of a second
 * is refused (instants are whole seconds). 0 or HOTLINE_EINVALID.
 */
int hotline__time_parse(const char *iso, int64_t *out, int *offset_min_out);
/* Formats t at the offset (minutes): 2026-11-02T09:05:00+08:00. */
void hotline__time_format(int64_t t, int offset_min, char buf[32]);
/* Parses YYYY-MM-DD into days since the epoch. 0 or HOTLINE_EINVALID. */
int hotline__date_parse(const char *s, int64_t *days_out);

#endif
