/*
 * Checks of a log after writers ran, shared by test_postgres and
 * test_failover: every stream gap-free, every case as long as its version,
 * every acknowledged command logged exactly once.
 */
#ifndef HOTLINE_TEST_LOG_CHECK_H
#define HOTLINE_TEST_LOG_CHECK_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hotline/sys/storage.h>

typedef struct log_check {
	int64_t next;       /* the stream_seq expected next: set to 1 before the first event */
	int gaps;
	int64_t events;
} log_check;

/* events_foreach callback: counts a stream's events and the gaps in its stream_seq. */
static inline int log_count_ev(const hotline_storage_event *e, void *p)
{
	log_check *c = p;
	if (e->stream_seq != c->next)
		c->gaps++;
	c->next = e->stream_seq + 1;
	c->events++;
	return 0;
}

/* event_by_id callback: counts the events found. */
static inline int log_found_ev(const hotline_storage_event *e, void *p)
{
	(void)e;
	(*(int *)p)++;
	return 0;
}

/* cases_foreach callback, payload {storage, int *bad}: a case whose stream has a gap or not `version` events is bad. */
static inline int log_check_case(const hotline_storage_case *c, void *p)
{
	hotline_storage *st = ((void **)p)[0];
	int *bad = ((void **)p)[1];
	log_check e = { 1, 0, 0 };
	if (st->events_foreach(st, c->id, log_count_ev, &e) != 0 || e.gaps || e.events != c->version)
		(*bad)++;
	return 0;
}

/*
 * Every case's stream gap-free and as long as its version (the others
 * counted in *bad), and the organisation's stream counted into *org.
 * 0, or the storage's error.
 */
static inline int log_check_streams(hotline_storage *st, int *bad, log_check *org)
{
	hotline_storage_query q = HOTLINE_STORAGE_QUERY_INIT;
	void *args[2];
	int rc;
	args[0] = st;
	args[1] = bad;
	if ((rc = st->cases_foreach(st, &q, log_check_case, args)) != 0)
		return rc;
	memset(org, 0, sizeof(*org));
	org->next = 1;
	return st->events_foreach(st, "", log_count_ev, org);
}

/*
 * A writer's acknowledgements (a command_id a line; lines starting with '@'
 * are its figures): adds them to *acked, and to *missing those not logged
 * exactly once; the file is removed. 0, or -1 when it cannot be read.
 */
static inline int log_check_acks(hotline_storage *st, const char *path, int *acked, int *missing)
{
	char line[128];
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int n = 0;
		if (line[0] == '@')
			continue;
		line[strcspn(line, "\n")] = '\0';
		++*acked;
		if (st->event_by_id(st, line, log_found_ev, &n) != 0 || n != 1)
			++*missing;
	}
	fclose(f);
	unlink(path);
	return 0;
}

#endif
