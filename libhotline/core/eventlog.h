/* The event log's own rules: the event hash, and a stream's events decoded for the rules. */
#ifndef HOTLINE_CORE_EVENTLOG_H
#define HOTLINE_CORE_EVENTLOG_H

#include <jansson.h>

#include "hotline/sys/storage.h"
#include "model/event.h"
#include "util/json.h"

/*
 * The event hash: SHA-256 over length-prefixed parts (a tag, the stream,
 * position, command, actor, instant, body and previous hash), hex. Its
 * format is pinned by a test: stored logs depend on it.
 */
void hotline__event_hash(const char *stream, int64_t stream_seq, const char *cmd, const char *actor,
	hotline_time at, const char *body, const char *prev_hash, char out[65]);

/*
 * An id for an event whose command came without a command_id: a name-based
 * UUID (version 5, libuuid) of the stream, its position and the command, so
 * that replaying the same scenario gives the same log. out: 37 bytes.
 */
void hotline__event_make_id(const char *stream, int64_t stream_seq, const char *body, char out[37]);

/*
 * The stored body of a command that came without a command_id, written into
 * b (emptied first; its memory reused, as the handle's buffer is from one
 * command to the next): its canonical text with the made id as member
 * "command_id", byte for byte what making the id from the text, setting it
 * on obj and writing obj again gives. Sets the member on obj too; id
 * receives it. b->p holds the text, NUL-terminated, b->n its length. 0,
 * HOTLINE_ENOMEM, or HOTLINE_EINVALID when obj is not an object.
 */
int hotline__event_body_into(hotline__sbuf *b, const char *stream, int64_t stream_seq, json_t *obj, char id[37]);

/*
 * Whether an event's stored id is the one its hashed body holds. The id
 * column is outside the event hash; every event the library writes keeps
 * its id in its body too ("command_id"), inside the hash. An event stored
 * without an id is one logged before ids existed: its body has no
 * command_id, and no event before it has an id. *ids_seen (0 before the
 * first event read, in seq or stream order) records that one had. `body`
 * is the event's text, or NULL with `parsed` its parsed body. 1 when they
 * agree, 0 when the id was edited.
 */
int hotline__event_id_agrees(const char *id, const char *body, const json_t *parsed, int *ids_seen);

/* A stream's events decoded (bodies parsed), and the strings they point to. */
typedef struct hotline__event_vec {
	hotline__event *ev;
	size_t n, cap;
	char **strings;      /* owned strings the events point to */
	size_t n_strings, cap_strings;
} hotline__event_vec;

/* Loads a stream's events ("" the organisation stream); the storage's code on failure (out is then empty). */
int hotline__event_vec_load(hotline_storage *st, const char *stream, hotline__event_vec *out);
/* Appends an event; `body`, when not NULL, is its body already parsed (a reference is taken). */
int hotline__event_vec_push(hotline__event_vec *v, const hotline_storage_event *e, json_t *body);
void hotline__event_vec_free(hotline__event_vec *v);

/*
 * The instant of the log's first event of the hotline's work into *out
 * (HOTLINE_TIME_NONE: none yet): directory, calendar and policy lines are
 * not (DESIGN §6.7), so periodic obligations start with the work. 0, or the
 * storage's code.
 */
int hotline__log_first_work_at(hotline_storage *st, hotline_time *out);

#endif
