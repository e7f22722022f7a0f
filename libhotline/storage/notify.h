/*
 * Wake-ups of the feed (core/feed.c) on the built-in PostgreSQL backend: a
 * write transaction that appended an event sends NOTIFY on this channel in
 * its commit; a waiting handle LISTENs on its own connection.
 */
#ifndef HOTLINE_STORAGE_NOTIFY_H
#define HOTLINE_STORAGE_NOTIFY_H

#include "hotline/sys/storage.h"

#define HOTLINE__PG_CHANNEL "hotline_feed"

/* LISTEN once per connection. HOTLINE_EINVALID when st is not the built-in PostgreSQL backend. */
int hotline__pg_listen(hotline_storage *st);
/* Waits up to timeout_ms for a notification: 1 when one came, 0 when none, or a failure's code. */
int hotline__pg_wait(hotline_storage *st, int timeout_ms);

#endif
