#include "core/limits.h"

#include <stdio.h>
#include <string.h>

/* One code point of well-formed UTF-8 (shortest form, no surrogates); its length, or 0 when malformed. */
static size_t utf8_next(const unsigned char *p, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Format characters (Unicode category Cf, as of Unicode 15.1): invisible, some reorder the text around them. */
static const uint32_t format_chars[][2] = {
	{ 0x00ad, 0x00ad }, { 0x0600, 0x0605 }, { 0x061c, 0x061c }, { 0x06dd, 0x06dd }, { 0x070f, 0x070f },
	{ 0x0890, 0x0891 }, { 0x08e2, 0x08e2 }, { 0x180e, 0x180e }, { 0x200b, 0x200f }, { 0x202a, 0x202e },
	{ 0x2060, 0x206f }, /* U+2065 is unassigned, kept with its neighbours */
	{ 0xfeff, 0xfeff }, { 0xfff9, 0xfffb }, { 0x110bd, 0x110bd }, { 0x110cd, 0x110cd }, { 0x13430, 0x1343f },
	{ 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 }, { 0xe0020, 0xe007f },
};

static int is_format(uint32_t c)
{
	size_t i;
	for (i = 0; i < sizeof(format_chars) / sizeof(format_chars[0]); i++)
		if (c >= format_chars[i][0] && c <= format_chars[i][1])
			return 1;
	return 0;
}

/* Space separators (Zs) besides U+0020, and the line and paragraph separators. */
static int is_other_space(uint32_t c)
{
	return c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
		c == 0x202f || c == 0x205f || c == 0x3000;
}

const char *hotline__limits_id(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	uint32_t c = 0;
	*cp = HOTLINE__NO_CODE_POINT;
	if (n == 0)
		return "must not be empty";
	if (n > HOTLINE__ID_MAX_BYTES)
		return "is longer than 128 bytes";
	if (p[0] == ' ')
		return "starts with a space";
	if (p[n - 1] == ' ')
		return "ends with a space";
	for (; *p; p += len) {
		/* printable ASCII, the usual id, needs none of the checks below */
		if (*p >= 0x20 && *p < 0x7f) {
			len = 1;
			continue;
		}
		if ((len = utf8_next(p, &c)) == 0)
			return "is not well-formed UTF-8";
		*cp = c;
		/* C0 controls, DEL and the C1 controls (Cc) */
		if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
			return "holds a control character";
		if (is_format(c))
			return "holds an invisible format character";
		if (is_other_space(c))
			return "holds a space other than U+0020";
		/* Hangul fillers and the combining grapheme joiner show nothing */
		if (c == 0x034f || c == 0x115f || c == 0x1160 || c == 0x3164 || c == 0xffa0)
			return "holds an invisible filler";
		if ((c >= 0xe000 && c <= 0xf8ff) || c >= 0xf0000)
			return "holds a private-use character";
		if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
			return "holds a noncharacter";
	}
	*cp = HOTLINE__NO_CODE_POINT;
	return NULL;
}

int hotline__limits_month(const char *month)
{
	/* "YYYY-MM" compares as text */
	return strcmp(month, "2000-01") >= 0 && strcmp(month, "2099-12") <= 0;
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
