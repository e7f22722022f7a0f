/* What the notifications (core/feed.c) offer the tests beside the public calls. */
#ifndef HOTLINE_CORE_FEED_H
#define HOTLINE_CORE_FEED_H

#include "hotline/feed.h"

/*
 * hotline_db_notifications evaluating every case, whatever the cursor (the
 * public call evaluates after a cursor only the cases that can have
 * something after it): the same document, byte for byte.
 */
int hotline__db_notifications_full(char **out, hotline_db *db, const char *cursor, hotline_time until, size_t limit);

#endif
