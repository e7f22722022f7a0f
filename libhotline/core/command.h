/* Running one command object, and batches, on a handle (used by the public entry points and by the library's own commands). */
#ifndef HOTLINE_CORE_COMMAND_H
#define HOTLINE_CORE_COMMAND_H

#include <stdint.h>

#include <jansson.h>

#include "hotline/db.h"

/*
 * Runs one command object under the handle's lock. *repeated_out (may be
 * NULL) is set to 1 when the command repeated one already accepted (its
 * seq in *seq_out, nothing applied), else left alone. The library may keep
 * references to obj and adds its command_id: the caller must not use it afterwards.
 */
int hotline__db_exec_obj(hotline_db *db, json_t *obj, int64_t *seq_out, int *repeated_out);

/*
 * hotline_db_begin, _commit and _rollback for a caller that already holds
 * the handle's lock: the library's own batches (encrypting existing data)
 * go through these rather than back through the public API.
 */
int hotline__db_batch_begin(hotline_db *db);
int hotline__db_batch_commit(hotline_db *db);
int hotline__db_batch_rollback(hotline_db *db);

#endif
