#include "core/limits.h"

#include <stdio.h>
#include <string.h>

const char *hotline__limits_id(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int printable = 0;
	if (n == 0)
		return "must not be empty";
	if (n > HOTLINE__ID_MAX_BYTES)
		return "is longer than 128 bytes";
	for (; *p; p++) {
		/* C0 controls and DEL; C1 controls are U+0080-U+009F, encoded C2 80-C2 9F */
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return "holds a control character";
		if (*p != ' ')
			printable = 1;
	}
	return printable ? NULL : "holds only spaces";
}

int hotline__limits_time(int64_t t)
{
	return t >= HOTLINE__TIME_MIN && t < HOTLINE__TIME_END;
}

/* Adds a value's JSON size (an upper estimate) to *total; the reason of the first string over its limit. */
static const char *walk(const json_t *v, size_t *total)
{
	const char *key, *why;
	const json_t *item;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (json_string_length(v) > HOTLINE__STRING_MAX_BYTES)
			return "holds a string longer than 64 KiB";
		*total += json_string_length(v) + 2;
		return NULL;
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, key, item) {
			if (strlen(key) > HOTLINE__STRING_MAX_BYTES)
				return "holds a key longer than 64 KiB";
			*total += strlen(key) + 4;
			if ((why = walk(item, total)) != NULL)
				return why;
		}
		*total += 2;
		return NULL;
	case JSON_ARRAY:
		json_array_foreach(v, i, item)
			if ((why = walk(item, total)) != NULL)
				return why;
		*total += 2 + json_array_size(v);
		return NULL;
	default:
		*total += 24;
		return NULL;
	}
}

const char *hotline__limits_sizes(const json_t *cmd, char *field, size_t field_size)
{
	const char *key, *why;
	const json_t *v;
	size_t total = 2;
	json_object_foreach((json_t *)cmd, key, v) {
		size_t len = strlen(key);
		if (len > HOTLINE__STRING_MAX_BYTES) {
			why = "is a key longer than 64 KiB";
		} else {
			total += len + 4;
			why = walk(v, &total);
			if (!why && total > HOTLINE__COMMAND_MAX_BYTES)
				why = "makes the command larger than 1 MiB";
		}
		if (why) {
			/* the field is named only when refused: formatting every key cost more than the walk */
			snprintf(field, field_size, "%s", key);
			return why;
		}
	}
	return NULL;
}
