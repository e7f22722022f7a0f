/* A decoded event of the log, as the rules read it. */
#ifndef HOTLINE_MODEL_EVENT_H
#define HOTLINE_MODEL_EVENT_H

#include <stdint.h>

#include <jansson.h>

#include "hotline/common.h"

/*
 * One accepted event. `body` is the accepted command object exactly as it
 * was given (keys "cmd", "case", "actor", "at" and the command's fields;
 * "at" is the original ISO-8601 string). The decoded instant is in `at`.
 */
typedef struct hotline__event {
	int64_t seq;          /* global order */
	const char *stream;   /* case id, "" for organisation/directory */
	int64_t stream_seq;   /* version of the case after this event */
	int cmd;              /* hotline_command_kind */
	const char *actor;    /* "" when none */
	int64_t at;           /* HOTLINE_TIME_NONE for directory events */
	json_t *body;         /* owned by whoever built the array */
} hotline__event;

#endif
