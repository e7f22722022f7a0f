/*
 * The command reader (util/json_parse.c) answers as jansson's json_loads
 * does for every text: the same value with its members in the same order,
 * or the same refusal with the same message and position.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "util/json.h"

/* Both readers on text under flags: equal answers, else the test fails naming the text. */
static void same(const char *text, size_t flags)
{
	json_error_t e1, e2;
	json_t *a, *b;
	memset(&e1, 0, sizeof(e1));
	memset(&e2, 0, sizeof(e2));
	a = hotline__json_loads(text, flags, &e1);
	b = json_loads(text, flags, &e2);
	if (!a || !b) {
		if (a || b)
			fail_msg("one reader took, the other refused: %s", text);
		assert_string_equal(e1.text, e2.text);
		assert_int_equal(e1.line, e2.line);
		assert_int_equal(e1.column, e2.column);
		assert_int_equal(e1.position, e2.position);
		return;
	}
	{
		/* unsorted: the member order is compared too */
		char *da = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY), *db = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_non_null(da);
		assert_non_null(db);
		if (strcmp(da, db) != 0)
			fail_msg("%s: read %s, jansson %s", text, da, db);
		assert_true(json_equal(a, b));
		free(da);
		free(db);
	}
	json_decref(a);
	json_decref(b);
}

static const char *const texts[] = {
	"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\","
	"\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\"}",
	"  {\"z\": 1, \"a\": [1, -2, 0, -0, true, false, null, \"x\"], \"m\": {\"k\": {}}, \"e\": []}\r\n",
	"[]", "{}", "[[[[[]]]]]", "[1,2,3]", "{\"\":\"\"}",
	"{\"s\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}",
	"{\"u\":\"\\u00e9\\u4e2d\"}", "{\"sur\":\"\\ud83d\\ude00\"}", "{\"lone\":\"\\ud83d\"}", "{\"nul\":\"a\\u0000b\"}",
	"{\"n\":123456789012345678}", "{\"n\":-123456789012345678}", "{\"n\":1234567890123456789}",
	"{\"n\":9223372036854775807}", "{\"n\":9223372036854775808}", "{\"n\":-9223372036854775808}",
	"{\"n\":-9223372036854775809}", "{\"n\":99999999999999999999999}",
	"{\"n\":1.5}", "{\"n\":1e3}", "{\"n\":-0.0}", "{\"n\":1E-2}", "{\"n\":01}", "{\"n\":-}", "{\"n\":+1}", "{\"n\":.5}",
	"{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1,\"b\":2,\"a\":3}",
	"{\"a\":tru}", "{\"a\":truex}", "{\"a\":true1}", "{\"a\":nul}", "{\"a\":True}", "{\"a\":falsey}",
	"{\"a\":1,}", "[1,]", "{,}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1 2]",
	"{\"a\":1}x", "{\"a\":1} {}", "{\"a\":1}}", "", "   ", "1", "\"s\"", "null", "true",
	"{\"a\":\"unterminated", "{\"a\":\"bad\\escape\"}", "{\"a\":\"bad\\", "{\"a\":\"tab\there\"}",
	"{\"a\":\"nl\nhere\"}", "{\"a\":\"\x01\"}",
	"{\"a\":\"\xC3\xA9\"}", "{\"a\":\"\xC3\"}", "{\"a\":\"\xC0\x80\"}", "{\"a\":\"\xE0\x80\x80\"}",
	"{\"a\":\"\xED\xA0\x80\"}", "{\"a\":\"\xF4\x90\x80\x80\"}", "{\"a\":\"\xF0\x9F\x98\x80\"}", "{\"a\":\"\xFF\"}",
	"{\"a\":\"\x80\"}", "{\"\xC3\xA9\":1}", "{\"a\":1}\xC3\xA9", "\xEF\xBB\xBF{}",
	"{\"a\":[{\"b\":[{\"c\":[{\"d\":[{\"e\":[1]}]}]}]}]}",
	"{\"a\tb\":1}", "{\"ke\\\"y\":1}", "{\"k\\u0000\":1}",
	"{\"long_key_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\":1}",
	NULL
};

static void test_reader_matches_jansson(void **state)
{
	const char *const *t;
	(void)state;
	for (t = texts; *t; t++) {
		same(*t, 0);
		same(*t, JSON_REJECT_DUPLICATES);
	}
	same(NULL, 0);
}

/* Nesting beyond the reader's own depth and beyond jansson's limit. */
static void test_reader_deep(void **state)
{
	size_t depth[] = { 10, 33, 100, 2047, 2048, 2049, 3000 }, i, k;
	(void)state;
	for (i = 0; i < sizeof(depth) / sizeof(depth[0]); i++) {
		char *s = malloc(2 * depth[i] + 1);
		assert_non_null(s);
		for (k = 0; k < depth[i]; k++) {
			s[k] = '[';
			s[2 * depth[i] - 1 - k] = ']';
		}
		s[2 * depth[i]] = '\0';
		same(s, 0);
		free(s);
	}
}

/* Every text one byte away from the commands above (replaced, dropped, doubled) reads as jansson reads it. */
static void test_reader_mutations(void **state)
{
	static const unsigned char bytes[] = { '{', '}', '[', ']', '"', ':', ',', '\\', '0', '-', 'e', '.', ' ', 'u',
		't', 0x01, 0x80, 0xC3, 0xE4, 0xF0 };
	const char *const *t;
	(void)state;
	for (t = texts; *t; t++) {
		size_t n = strlen(*t), i, j;
		char *m = malloc(n + 2);
		assert_non_null(m);
		for (i = 0; i < n; i++) {
			for (j = 0; j < sizeof(bytes); j++) {
				memcpy(m, *t, n + 1);
				m[i] = (char)bytes[j];
				same(m, JSON_REJECT_DUPLICATES);
			}
			memcpy(m, *t, i);
			memcpy(m + i, *t + i + 1, n - i);
			same(m, 0);
			memcpy(m, *t, i + 1);
			memcpy(m + i + 1, *t + i, n - i + 1);
			same(m, JSON_REJECT_DUPLICATES);
		}
		free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_matches_jansson),
		cmocka_unit_test(test_reader_deep),
		cmocka_unit_test(test_reader_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
