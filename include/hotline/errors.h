/**
 * @file
 * libhotline — error codes.
 *
 * Every function that can fail returns 0 (HOTLINE_OK) or a negative
 * hotline_error. After a failure, hotline_db_errmsg() (per handle) or
 * hotline_last_error() (per thread, for calls without a handle) gives a
 * human-readable message; neither ever returns NULL.
 */
#ifndef HOTLINE_ERRORS_H
#define HOTLINE_ERRORS_H

#include "common.h"

HOTLINE_BEGIN_DECL

/**
 * One list generates the enum, the snake-case names used in JSON, the
 * default messages and HOTLINE_E__LAST. New codes are appended with the
 * next value down (-1, -2, ... with no gap: the library checks it when it is
 * built); values never change.
 * X(ENUM, value, "json_name", "default message")
 */
#define HOTLINE_ERRORS(X) \
	X(INVALID_TRANSITION, -1, "invalid_transition", "command not allowed in the case's current state") \
	X(FORBIDDEN,          -2, "forbidden",          "actor's role or property scope does not allow this command") \
	X(INVALID,            -3, "invalid",            "invalid argument or malformed command") \
	X(NOT_FOUND,          -4, "not_found",          "no such case, person, property or record") \
	X(CONFLICT,           -5, "conflict",           "the case's version differs from the expected version") \
	X(DUPLICATE,          -6, "duplicate",          "an object with this id already exists") \
	X(STORAGE,            -7, "storage",            "storage backend failure") \
	X(NOMEM,              -8, "nomem",              "out of memory") \
	X(CORRUPT,            -9, "corrupt",            "stored data failed an integrity check") \
	X(RANGE,             -10, "range",              "outside the range of loaded calendar data") \
	X(IO,                -11, "io",                 "file could not be read or written") \
	X(POLICY,            -12, "policy",             "invalid policy") \
	X(KEY,               -13, "key",                "no key, or not this database's key, for owners' personal data") \
	X(BUSY,              -14, "busy",               "the database is busy: another writer holds it past the timeout; retry")

/**
 * Error codes: 0 for success, a negative value for each failure (one
 * member HOTLINE_E<ENUM> per line of HOTLINE_ERRORS, from
 * HOTLINE_EINVALID_TRANSITION = -1 down to HOTLINE_E__LAST). Values never
 * change.
 */
typedef enum hotline_error {
/** Success. */
	HOTLINE_OK = 0,
#define HOTLINE__ERR_ENUM(name, value, json, msg) HOTLINE_E##name = value,
	HOTLINE_ERRORS(HOTLINE__ERR_ENUM)
#undef HOTLINE__ERR_ENUM
#define HOTLINE__ERR_COUNT(name, value, json, msg) - 1
/** The lowest code defined (the last line of HOTLINE_ERRORS): minus the number of codes. */
	HOTLINE_E__LAST = 0 HOTLINE_ERRORS(HOTLINE__ERR_COUNT)
#undef HOTLINE__ERR_COUNT
} hotline_error;

/** Snake-case name of a code ("invalid_transition"...); "ok" for 0, "unknown" otherwise. */
HOTLINE_EXTERN(const char *) hotline_error_name(int code);

/** Default English description of a code; never NULL. */
HOTLINE_EXTERN(const char *) hotline_error_describe(int code);

/** Message of the last failing call made by this thread (never NULL, "" if none). */
HOTLINE_EXTERN(const char *) hotline_last_error(void);

HOTLINE_END_DECL

#endif
