/* A case's snapshot after a command: the lifecycle table's row applied to the snapshot before it. */
#ifndef HOTLINE_CORE_SNAPSHOT_H
#define HOTLINE_CORE_SNAPSHOT_H

#include <jansson.h>

#include "core/case.h"
#include "model/lifecycle.h"

/*
 * The new snapshot body for command `cmd` (its row `t`) on case `old`
 * (NULL when the command opens the case), with the resulting state,
 * approval and exemption in the out parameters. old->json is edited in
 * place (the command owns its copy); the result holds a reference to it.
 * NULL when memory is short.
 */
json_t *hotline__snapshot_next(const hotline__transition *t, json_t *cmd, const char *case_id,
	const char *property_id, const hotline_case *old, int *state, int *approval, int *exempt);

#endif
