/*
 * The limits a command must keep (DESIGN §6.3): beyond one it is `invalid`,
 * naming the field, before anything is read or written. They keep a
 * hostile or broken client from storing a 100 MB name, an absurd count, or
 * an instant that would freeze a case's clock for good.
 */
#ifndef HOTLINE_CORE_LIMITS_H
#define HOTLINE_CORE_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define HOTLINE__ID_MAX_BYTES 128                  /* case, person, property and command ids */
#define HOTLINE__STRING_MAX_BYTES (64 * 1024)      /* any string of a command */
#define HOTLINE__COMMAND_MAX_BYTES (1024 * 1024)   /* a command as JSON text */
#define HOTLINE__TIME_MIN INT64_C(946684800)       /* 2000-01-01T00:00:00Z */
#define HOTLINE__TIME_END INT64_C(4102444800)      /* 2100-01-01T00:00:00Z, excluded */

/*
 * NULL when s is a valid id, else why not, with the offending code point in
 * *cp (HOTLINE__NO_CODE_POINT when the reason is not one character). An id
 * is 1-128 bytes of well-formed UTF-8 that shows what it holds: no control,
 * format (invisible, direction), private-use or noncharacter code point, no
 * invisible filler, no space but U+0020 and that one not at either end
 * (docs/commands.md, "Limits"). Unassigned code points are let through: a
 * table of them would refuse characters a later Unicode assigns.
 */
#define HOTLINE__NO_CODE_POINT UINT32_MAX
const char *hotline__limits_id(const char *s, uint32_t *cp);
/* 1 when a bonus month "YYYY-MM" (hotline__month_valid) is within 2000-01 and 2099-12, the instants' limits. */
int hotline__limits_month(const char *month);
/* 1 when an instant is within [2000-01-01, 2100-01-01). */
int hotline__limits_time(int64_t t);
/*
 * Walks every string of a command (keys included): NULL when each is at
 * most HOTLINE__STRING_MAX_BYTES and the whole at most
 * HOTLINE__COMMAND_MAX_BYTES; else why not, with the offending top-level
 * field's name in field (a buffer of field_size bytes).
 */
const char *hotline__limits_sizes(const json_t *cmd, char *field, size_t field_size);

#endif
