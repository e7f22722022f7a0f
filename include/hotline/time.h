/**
 * @file
 * libhotline — instants: UTC seconds since 1970 (hotline_time, common.h)
 * and their ISO-8601 text with an offset, "2026-11-02T09:05:00+08:00".
 */
#ifndef HOTLINE_TIME_H
#define HOTLINE_TIME_H

#include <stddef.h>

#include "common.h"

HOTLINE_BEGIN_DECL

/** Bytes hotline_time_format needs: 25 characters ("2026-11-02T09:05:00+08:00") and the NUL. */
#define HOTLINE_TIME_TEXT_SIZE 26

/**
 * Parse an ISO-8601 instant with an offset: YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM).
 * The offset is required (an instant must be unambiguous). 0, or
 * HOTLINE_EINVALID when out or iso is NULL or the text is not such an instant.
 */
HOTLINE_EXTERN(int) hotline_time_parse(hotline_time *out, const char *iso);

/**
 * Format t at a UTC offset (minutes, strictly between -24 h and +24 h) into
 * buf, which must hold HOTLINE_TIME_TEXT_SIZE bytes: exactly 25 characters
 * and a NUL are written. HOTLINE_EINVALID when buf is NULL, size is smaller
 * than HOTLINE_TIME_TEXT_SIZE, the offset is out of range or t is
 * HOTLINE_TIME_NONE; HOTLINE_ERANGE when the local year is not within
 * 0000-9999. Nothing is written on failure.
 */
HOTLINE_EXTERN(int) hotline_time_format(char *buf, size_t size, hotline_time t, int offset_minutes);

HOTLINE_END_DECL

#endif
