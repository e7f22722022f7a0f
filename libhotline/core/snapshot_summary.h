/*
 * Where a case's rules summary sits in its stored snapshot (core/summary.h):
 * the last member "~summary" of the snapshot's canonical text.
 */
#ifndef HOTLINE_CORE_SNAPSHOT_SUMMARY_H
#define HOTLINE_CORE_SNAPSHOT_SUMMARY_H

#include <stddef.h>

/* The snapshot text `snap` (taken) with summary `sum` as its last member; NULL when memory is short. */
char *hotline__snapshot_with_summary(char *snap, const char *sum);

/*
 * The same with the summary written from s straight into the snapshot's
 * text; *at: where its member begins, for hotline__snapshot_cut_summary.
 */
struct hotline__summary;
char *hotline__snapshot_add_summary(char *snap, const struct hotline__summary *s, size_t *at);

/* Removes the summary that hotline__snapshot_add_summary put at `at`, in place. */
void hotline__snapshot_cut_summary(char *body, size_t at);

/* The summary a stored snapshot text holds: its first byte and *len, or NULL when none. */
const char *hotline__snapshot_summary(const char *body, size_t *len);

/* Removes the summary from a snapshot text, in place. */
void hotline__snapshot_strip_summary(char *body);

#endif
