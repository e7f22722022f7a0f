/* Running one command object on a handle (used by the JSON, builder and replay entry points). */
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

#endif
