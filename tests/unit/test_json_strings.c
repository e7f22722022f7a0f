/*
 * The canonical writer's strings (util/json.c) byte for byte as jansson
 * dumps them, whatever the position of a byte to escape: before, inside or
 * after each run the writer scans at once, at every length up to 80 bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/json.h"

static void compare(const char *s, size_t n)
{
	json_t *v = json_stringn(s, n);
	char *want, *got;
	assert_non_null(v);
	want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	got = hotline__json_canonical(v);
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(want);
	free(got);
	json_decref(v);
}

static void test_escape_at_every_position(void **state)
{
	/* bytes to escape, and neighbours of them that are not (0x20, 0x7F, '#', ']', UTF-8 of 中) */
	static const char specials[] = { '"', '\\', '\n', '\t', 0x01, 0x1F, 0x20, 0x7F, '#', ']' };
	char s[96] = { 0 };
	size_t n, at, k;
	(void)state;
	for (n = 0; n <= 80; n++) {
		for (k = 0; k < n; k++)
			s[k] = (char)('a' + k % 26);
		compare(s, n);
		for (at = 0; at < n; at++) {
			for (k = 0; k < sizeof(specials); k++) {
				char keep = s[at];
				s[at] = specials[k];
				compare(s, n);
				/* a second one further on, in the same run or the next */
				if (at + 9 < n) {
					char keep2 = s[at + 9];
					s[at + 9] = '"';
					compare(s, n);
					s[at + 9] = keep2;
				}
				s[at] = keep;
			}
			if (at + 3 <= n) {
				char keep[3];
				memcpy(keep, s + at, 3);
				memcpy(s + at, "\xE4\xB8\xAD", 3);
				compare(s, n);
				memcpy(s + at, keep, 3);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_at_every_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
