/*
 * hotline_command: a typed way to build a command, for callers that would
 * rather not write JSON. It builds the same object a scenario line holds,
 * so both paths run the same validation.
 */
#include <stdlib.h>
#include <string.h>

#include "core/command.h"
#include "core/db.h"
#include "util/json.h"
#include "hotline/assess.h"
#include "util/time.h"

struct hotline_command {
	json_t *obj;
	int offset_min;   /* zone used to render instants; +08:00 */
};

#define DEFAULT_OFFSET_MIN 480

static json_t *time_json(hotline_time t, int offset)
{
	char buf[32];
	hotline__time_format(t, offset, buf);
	return json_string(buf);
}

int hotline_command_new(hotline_command **out, hotline_command_kind kind, const char *case_id,
	const char *actor, hotline_time at)
{
	hotline_command *c;
	const char *name = hotline_command_name((int)kind);
	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!name)
		return hotline__last_error_set(HOTLINE_EINVALID, "unknown command kind %d", (int)kind);
	c = calloc(1, sizeof(*c));
	if (!c || !(c->obj = json_object())) {
		free(c);
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	}
	c->offset_min = DEFAULT_OFFSET_MIN;
	json_object_set_new(c->obj, "cmd", json_string(name));
	if (case_id)
		json_object_set_new(c->obj, "case", json_string(case_id));
	if (actor)
		json_object_set_new(c->obj, "actor", json_string(actor));
	if (kind < HOTLINE_CMD_PERSON && at != HOTLINE_TIME_NONE)
		json_object_set_new(c->obj, "at", time_json(at, c->offset_min));
	*out = c;
	return 0;
}

void hotline_command_free(hotline_command *cmd)
{
	if (!cmd)
		return;
	json_decref(cmd->obj);
	free(cmd);
}

static int check(const hotline_command *cmd, const char *field)
{
	if (!cmd)
		return hotline__last_error_set(HOTLINE_EINVALID, "command is NULL");
	if (!field || !*field)
		return hotline__last_error_set(HOTLINE_EINVALID, "field name is empty");
	if (strcmp(field, "cmd") == 0)
		return hotline__last_error_set(HOTLINE_EINVALID, "the command kind cannot be changed");
	return 0;
}

static int set(hotline_command *cmd, const char *field, json_t *v)
{
	if (!v)
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	if (json_object_set_new(cmd->obj, field, v) != 0)
		return hotline__last_error_set(HOTLINE_EINVALID, "field name '%s' is not valid UTF-8", field);
	return 0;
}

int hotline_command_set_string(hotline_command *cmd, const char *field, const char *value)
{
	json_t *s;
	int rc = check(cmd, field);
	if (rc)
		return rc;
	if (!value)
		return hotline__last_error_set(HOTLINE_EINVALID, "value of '%s' is NULL", field);
	s = json_string(value); /* NULL for invalid UTF-8 */
	if (!s)
		return hotline__last_error_set(HOTLINE_EINVALID, "value of '%s' is not valid UTF-8", field);
	return set(cmd, field, s);
}

int hotline_command_set_bool(hotline_command *cmd, const char *field, int value)
{
	int rc = check(cmd, field);
	return rc ? rc : set(cmd, field, json_boolean(value));
}

int hotline_command_set_int(hotline_command *cmd, const char *field, int64_t value)
{
	int rc = check(cmd, field);
	return rc ? rc : set(cmd, field, json_integer(value));
}

int hotline_command_set_time(hotline_command *cmd, const char *field, hotline_time value)
{
	int rc = check(cmd, field);
	if (rc)
		return rc;
	if (value == HOTLINE_TIME_NONE)
		return hotline__last_error_set(HOTLINE_EINVALID, "instant of '%s' is HOTLINE_TIME_NONE", field);
	return set(cmd, field, time_json(value, cmd->offset_min));
}

int hotline_command_add_string(hotline_command *cmd, const char *field, const char *value)
{
	json_t *arr, *s;
	int rc = check(cmd, field);
	if (rc)
		return rc;
	if (!value || !(s = json_string(value)))
		return hotline__last_error_set(HOTLINE_EINVALID, "value of '%s' is NULL or not UTF-8", field);
	arr = json_object_get(cmd->obj, field);
	if (!arr) {
		arr = json_array();
		if (set(cmd, field, arr) != 0) {
			json_decref(s);
			return HOTLINE_ENOMEM;
		}
	} else if (!json_is_array(arr)) {
		json_decref(s);
		return hotline__last_error_set(HOTLINE_EINVALID, "field '%s' already holds a non-list value", field);
	}
	json_array_append_new(arr, s);
	return 0;
}

int hotline_command_set_entry(hotline_command *cmd, const char *field, const char *key, const char *value)
{
	json_t *o, *s;
	int rc = check(cmd, field);
	if (rc)
		return rc;
	if (!key || !value || !(s = json_string(value)))
		return hotline__last_error_set(HOTLINE_EINVALID, "key and value of '%s' must be UTF-8 strings", field);
	o = json_object_get(cmd->obj, field);
	if (!o) {
		o = json_object();
		if (set(cmd, field, o) != 0) {
			json_decref(s);
			return HOTLINE_ENOMEM;
		}
	} else if (!json_is_object(o)) {
		json_decref(s);
		return hotline__last_error_set(HOTLINE_EINVALID, "field '%s' already holds a non-object value", field);
	}
	json_object_set_new(o, key, s);
	return 0;
}

int hotline_command_expect_version(hotline_command *cmd, int64_t version)
{
	if (!cmd)
		return hotline__last_error_set(HOTLINE_EINVALID, "command is NULL");
	if (version < 0)
		return hotline__last_error_set(HOTLINE_EINVALID, "expected version must be >= 0");
	return set(cmd, "expect_version", json_integer(version));
}

int hotline_command_json(char **out, const hotline_command *cmd)
{
	if (!out || !cmd)
		return hotline__last_error_set(HOTLINE_EINVALID, "out and command are required");
	*out = hotline__json_canonical(cmd->obj);
	return *out ? 0 : hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
}

int hotline_db_execute(hotline_db *db, const hotline_command *cmd, int64_t *seq_out, int *repeated_out)
{
	json_t *copy;
	int rc;
	if (!db)
		return hotline__last_error_set(HOTLINE_EINVALID, "database handle is NULL");
	if (!cmd)
		return hotline__db_fail(db, HOTLINE_EINVALID, "command is NULL");
	if (repeated_out)
		*repeated_out = 0;
	/* the library keeps parts of the accepted command; the caller may go on editing cmd */
	if (!(copy = json_deep_copy(cmd->obj)))
		return hotline__db_fail(db, HOTLINE_ENOMEM, "out of memory");
	rc = hotline__db_exec_obj(db, copy, seq_out, repeated_out);
	json_decref(copy);
	return rc;
}
