/* Running one command object on a handle (used by the JSON, builder and replay entry points). */
#ifndef HOTLINE_CORE_COMMAND_H
#define HOTLINE_CORE_COMMAND_H

#include <stdint.h>

#include <jansson.h>

#include "hotline/db.h"

/* Runs one command object under the handle's lock. The library may keep references to obj: the caller must not change it afterwards. */
int hotline__db_exec_obj(hotline_db *db, json_t *obj, int64_t *seq_out);

#endif
