/*
 * hotline policy set — change the database's policy from an instant on
 * (a `policy` line, docs/policy-record.md), and the policy history that
 * `hotline policy` shows once it changed.
 */
#ifndef HOTLINE_TOOL_POLICY_SET_H
#define HOTLINE_TOOL_POLICY_SET_H

#include <hotline.h>
#include <jansson.h>

#include "labels.h"

/**
 * Records the `policy` line for `policy` (a built-in name or a policy JSON
 * file) by `actor` (NULL while the directory has no administrator), in
 * force from `at`, on db (opened read-write, without a policy of its own).
 * Prints what it recorded; 0, or 1 with the reason on stderr.
 */
int policy_set_run(hotline_db *db, const char *policy, const char *actor, const char *at, int lang_zh);

/**
 * Prints hotline_db_policy_json's "history" as a table (nothing when the
 * policy never changed): from when, the policy, who recorded it (names beside
 * ids) and its digest.
 */
void policy_history_print(const json_t *doc, int lang_zh, const label_names *names);

#endif
