/* SHA-256 against the FIPS 180-4 examples; ISO-8601 instants and civil dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hotline/errors.h"
#include "hotline/lifecycle.h"
#include "model/directory.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/sha256.h"
#include "util/time.h"

static void test_sha256_vectors(void **state)
{
	char hex[65];
	char *million;
	hotline__sha256 s;
	uint8_t d[32];
	size_t i;
	(void)state;
	hotline__sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hotline__sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hotline__sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	hotline__sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112, hex);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	million = malloc(1000000);
	memset(million, 'a', 1000000);
	hotline__sha256_hex(million, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* the same message fed in uneven pieces */
	hotline__sha256_init(&s);
	for (i = 0; i < 1000000; i += 7919)
		hotline__sha256_update(&s, million + i, i + 7919 > 1000000 ? 1000000 - i : 7919);
	hotline__sha256_final(&s, d);
	assert_int_equal(d[0], 0xcd);
	assert_int_equal(d[31], 0xd0);
	free(million);
}

/* The processor's SHA instructions and the portable code agree, block for block. */
static void test_sha256_hw_matches_portable(void **state)
{
	uint8_t data[64 * 9];
	uint32_t a[8], b[8];
	size_t i, n;
	(void)state;
	srand(7);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)rand();
#if HOTLINE__SHA256_HW
	if (!hotline__sha256_hw_available())
		skip();
	for (n = 1; n <= 9; n++) {
		for (i = 0; i < 8; i++)
			a[i] = b[i] = (uint32_t)rand();
		hotline__sha256_blocks_portable(a, data, n);
		hotline__sha256_blocks_hw(b, data, n);
		assert_memory_equal(a, b, sizeof(a));
	}
#else
	(void)a; (void)b; (void)n;
	skip();
#endif
}

/* The portable code alone (the digests above take the SHA instructions where the processor has them). */
static void portable_hex(const char *msg, char hex[65])
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	uint8_t buf[256];
	uint32_t st[8];
	size_t len = strlen(msg), padded = (len + 8) / 64 * 64 + 64, i;
	uint64_t bits = (uint64_t)len * 8;
	assert_true(padded <= sizeof(buf));
	memset(buf, 0, sizeof(buf));
	memcpy(buf, msg, len);
	buf[len] = 0x80;
	for (i = 0; i < 8; i++)
		buf[padded - 1 - i] = (uint8_t)(bits >> (8 * i));
	memcpy(st, iv, sizeof(st));
	hotline__sha256_blocks_portable(st, buf, padded / 64);
	for (i = 0; i < 8; i++)
		snprintf(hex + 8 * i, 9, "%08x", st[i]);
}

static void test_sha256_portable_vectors(void **state)
{
	char hex[65];
	(void)state;
	portable_hex("", hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	portable_hex("abc", hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	portable_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	portable_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		hex);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* Split updates of every length give the one-shot digest (padding across block edges). */
static void test_sha256_split_updates(void **state)
{
	uint8_t data[300], d1[32], d2[32];
	size_t len, cut;
	(void)state;
	for (len = 0; len < sizeof(data); len++)
		data[len] = (uint8_t)(len * 31 + 7);
	for (len = 0; len <= sizeof(data); len += 7) {
		hotline__sha256 s;
		hotline__sha256_init(&s);
		hotline__sha256_update(&s, data, len);
		hotline__sha256_final(&s, d1);
		for (cut = 0; cut <= len; cut += 13) {
			hotline__sha256_init(&s);
			hotline__sha256_update(&s, data, cut);
			hotline__sha256_update(&s, data + cut, len - cut);
			hotline__sha256_final(&s, d2);
			assert_memory_equal(d1, d2, 32);
		}
	}
}

/* The canonical writer is byte for byte jansson's sorted compact dump. */
static void test_json_canonical_matches_jansson(void **state)
{
	static const char *const docs[] = {
		"{}", "[]", "null", "true", "false", "0", "-9223372036854775808", "9223372036854775807", "1.5", "-0.25e-7",
		"\"\"", "\"a\\\"b\\\\c\\/d\"", "\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\"", "\"\\u0000x\"",
		"\"楼道灯不亮 \\ud83d\\ude00\"",
		"{\"b\":1,\"a\":{\"z\":[1,{\"y\":null,\"x\":true}],\"aa\":\"\\u00e9\"},\"ab\":[],\"a\u00e9\":2,\"\":0}",
		"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"owner\":\"王女士\"}",
		NULL
	};
	const char *const *d;
	json_t *big = json_object();
	int i;
	(void)state;
	for (i = 0; i < 100; i++) {
		char k[16];
		snprintf(k, sizeof(k), "k%03d", (i * 37) % 100);
		json_object_set_new(big, k, json_integer(i - 50));
	}
	for (d = docs; *d; d++) {
		json_error_t e;
		json_t *v = json_loads(*d, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		char *want, *got;
		assert_non_null(v);
		want = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		got = hotline__json_canonical(v);
		assert_non_null(got);
		assert_string_equal(got, want);
		free(want);
		free(got);
		json_decref(v);
	}
	{
		char *want = json_dumps(big, JSON_COMPACT | JSON_SORT_KEYS), *got = hotline__json_canonical(big);
		assert_string_equal(got, want);
		free(want);
		free(got);
	}
	json_decref(big);
	{
		/* long strings dense with escapes: the text grows up to six times as it is written */
		char raw[3000];
		for (i = 0; i < (int)sizeof(raw); i++)
			raw[i] = "\x01\"a\\\n\x1f\xe6\x97\xa5" "b"[i % 10];
		for (i = 0; i < 4; i++) {
			/* whole characters only: runs start and end on a multiple of 10 */
			json_t *v = json_pack("{s:s%,s:[s%]}", "k", raw + i * 10, sizeof(raw) - (size_t)i * 700 - (size_t)i * 10,
				"\x02", raw, (size_t)i * 100);
			char *want = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS), *got = hotline__json_canonical(v);
			assert_non_null(want);
			assert_string_equal(got, want);
			free(want);
			free(got);
			json_decref(v);
		}
	}
	{
		/* one byte to escape (or not) at every position of strings of every length around the 8-byte steps */
		static const char specials[] = { '"', '\\', '\x1f', '\x01', '\n', '\x7f', ' ', '!', '#', '[', ']', '~' };
		char str[41];
		size_t len, pos, k;
		for (len = 1; len < sizeof(str); len++)
			for (pos = 0; pos < len; pos++)
				for (k = 0; k < sizeof(specials); k++) {
					json_t *v;
					char *want, *got;
					memset(str, 'x', len);
					str[pos] = specials[k];
					v = json_stringn(str, len);
					want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
					got = hotline__json_canonical(v);
					assert_non_null(want);
					assert_string_equal(got, want);
					free(want);
					free(got);
					json_decref(v);
				}
	}
	assert_null(hotline__json_canonical(NULL));
}

/* A writer with a sink hands over everything, in order, in bounded chunks. */
static int collect(void *ctx, const char *data, size_t len)
{
	hotline__sbuf *all = ctx;
	assert_true(len <= 65536 + 64);
	hotline__sbuf_put(all, data, len);
	return 0;
}

static int refuse(void *ctx, const char *data, size_t len)
{
	(void)ctx; (void)data; (void)len;
	return -1;
}

static void test_sbuf_sink(void **state)
{
	hotline__sbuf all, b;
	char *text;
	int i;
	(void)state;
	hotline__sbuf_init(&all, NULL, NULL);
	hotline__sbuf_init(&b, collect, &all);
	for (i = 0; i < 20000; i++) {
		hotline__sbuf_int(&b, i);
		hotline__sbuf_putc(&b, ',');
	}
	assert_int_equal(hotline__sbuf_flush(&b), 0);
	assert_true(b.cap < 2 * 65536 + 64);
	text = hotline__sbuf_take(&all);
	assert_int_equal(strncmp(text, "0,1,2,", 6), 0);
	assert_non_null(strstr(text, ",19998,19999,"));
	free(text);
	hotline__sbuf_free(&b);
	/* a failing sink is sticky */
	hotline__sbuf_init(&b, refuse, NULL);
	hotline__sbuf_puts(&b, "x");
	assert_int_equal(hotline__sbuf_flush(&b), HOTLINE_EIO);
	hotline__sbuf_puts(&b, "y");
	assert_int_equal(hotline__sbuf_flush(&b), HOTLINE_EIO);
	hotline__sbuf_free(&b);
}

/* Integers as printf writes them: every length, both signs, the ends of int64, in and out of a growing buffer. */
static void test_int_text(void **state)
{
	hotline__sbuf b;
	char want[32], got[32], *text, *p;
	int64_t v[200];
	size_t n = 0, i;
	uint64_t x = 0x9E3779B97F4A7C15ULL, pw = 1;
	(void)state;
	v[n++] = 0;
	v[n++] = INT64_MAX;
	v[n++] = INT64_MIN;
	v[n++] = INT64_MIN + 1;
	v[n++] = (int64_t)UINT32_MAX;
	v[n++] = (int64_t)UINT32_MAX + 1;
	v[n++] = (int64_t)UINT32_MAX * 100 + 99;
	for (i = 0; i < 19; i++, pw *= 10) {
		/* 10^i - 1, 10^i, 10^i + 1 and their negatives */
		v[n++] = (int64_t)pw - 1;
		v[n++] = (int64_t)pw;
		v[n++] = (int64_t)pw + 1;
		v[n++] = -(int64_t)pw;
		v[n++] = -(int64_t)pw + 1;
	}
	while (n < sizeof(v) / sizeof(v[0])) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v[n++] = (int64_t)(x >> (x % 64));
	}
	hotline__sbuf_init(&b, NULL, NULL);
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%" PRId64, v[i]);
		*hotline__fmt_int(got, v[i]) = 0;
		assert_string_equal(got, want);
		hotline__sbuf_int(&b, v[i]);
		hotline__sbuf_putc(&b, ' ');
	}
	text = hotline__sbuf_take(&b);
	assert_non_null(text);
	for (i = 0, p = text; i < n; i++) {
		snprintf(want, sizeof(want), "%" PRId64 " ", v[i]);
		assert_memory_equal(p, want, strlen(want));
		p += strlen(want);
	}
	assert_int_equal(*p, 0);
	free(text);
}

/* ---- the canonical form, rule by rule (util/json.h) ---- */

/* Keys sort by code point: UTF-8 byte order; U+FF5E before U+1F600 (not UTF-16 order). */
static void test_canonical_key_order(void **state)
{
	/* given in scrambled order */
	static const char *const keys[] = { "\xF0\x9F\x98\x80" /* U+1F600 */, "b", "\xEF\xBD\x9E" /* U+FF5E */,
		"aa", "\x7F", "A", "\xC3\xA9" /* U+00E9 */, "", "a", "a\xC3\xA9", "Z", NULL };
	static const char want[] = "{\"\":1,\"A\":1,\"Z\":1,\"a\":1,\"aa\":1,\"a\xC3\xA9\":1,\"b\":1,\"\x7F\":1,"
		"\"\xC3\xA9\":1,\"\xEF\xBD\x9E\":1,\"\xF0\x9F\x98\x80\":1}";
	const char *const *k;
	json_t *o = json_object();
	hotline__sbuf b;
	hotline__jw w;
	char *text;
	(void)state;
	for (k = keys; *k; k++)
		json_object_set_new(o, *k, json_integer(1));
	text = hotline__json_canonical(o);
	assert_string_equal(text, want);
	free(text);
	json_decref(o);
	/* the streaming writer's collected object sorts the same way */
	hotline__sbuf_init(&b, NULL, NULL);
	hotline__jw_init(&w, &b);
	hotline__jw_object(&w);
	for (k = keys; *k; k++) {
		hotline__jw_key(&w, *k);
		hotline__jw_int(&w, 1);
	}
	hotline__jw_end(&w);
	assert_int_equal(hotline__jw_finish(&w), 0);
	text = hotline__sbuf_take(&b);
	assert_string_equal(text, want);
	free(text);
	hotline__jw_free(&w);
}

static char *jw_text(void (*fn)(hotline__jw *w), int *rc)
{
	hotline__sbuf b;
	hotline__jw w;
	char *text;
	hotline__sbuf_init(&b, NULL, NULL);
	hotline__jw_init(&w, &b);
	fn(&w);
	*rc = hotline__jw_finish(&w);
	hotline__jw_free(&w);
	text = hotline__sbuf_take(&b);
	return text;
}

static void write_escapes(hotline__jw *w)
{
	static const char s[] = "\x01\x1f\b\f\n\r\t\"\\/\x7f\xC3\xA9\xF0\x9F\x98\x80<\0>";
	hotline__jw_strn(w, s, sizeof(s) - 1);
}

/* Escapes: control characters only (short forms where JSON has them, else \u00XX upper-case), " and \. */
static void test_canonical_escapes(void **state)
{
	static const char want[] = "\"\\u0001\\u001F\\b\\f\\n\\r\\t\\\"\\\\/\x7f\xC3\xA9\xF0\x9F\x98\x80<\\u0000>\"";
	int rc;
	char *text = jw_text(write_escapes, &rc);
	json_t *v;
	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(text, want);
	free(text);
	/* the same from a jansson value; a non-BMP character given as a surrogate pair is its UTF-8 */
	v = json_loads("\"\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\\\/\\u007f\\u00e9\\ud83d\\ude00<\\u0000>\"",
		JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	assert_non_null(v);
	text = hotline__json_canonical(v);
	assert_string_equal(text, want);
	free(text);
	json_decref(v);
}

static void write_numbers(hotline__jw *w)
{
	hotline__jw_array(w, 0);
	hotline__jw_int(w, 0);
	hotline__jw_int(w, -1);
	hotline__jw_int(w, 10);
	hotline__jw_int(w, INT64_MAX);
	hotline__jw_int(w, INT64_MIN);
	hotline__jw_bool(w, 1);
	hotline__jw_bool(w, 0);
	hotline__jw_null(w);
	hotline__jw_str(w, NULL);
	hotline__jw_end(w);
}

/* Integers in plain decimal; reals as jansson formats them (the library writes none). */
static void test_canonical_numbers(void **state)
{
	int rc;
	char *text = jw_text(write_numbers, &rc);
	json_t *r;
	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(text, "[0,-1,10,9223372036854775807,-9223372036854775808,true,false,null,null]");
	free(text);
	r = json_real(1.5);
	text = hotline__json_canonical(r);
	assert_string_equal(text, "1.5");
	free(text);
	json_decref(r);
}

/* ---- the streaming writer ---- */

static void write_nested(hotline__jw *w)
{
	hotline__jw_object_streamed(w);
	hotline__jw_key(w, "a");
	hotline__jw_array(w, HOTLINE__JW_LINES);
	hotline__jw_object(w);                  /* members in any order */
	hotline__jw_key(w, "z");
	hotline__jw_int(w, 1);
	hotline__jw_key(w, "m");
	hotline__jw_object(w);                  /* nested, unsorted */
	hotline__jw_key(w, "y");
	hotline__jw_array(w, 0);
	hotline__jw_int(w, 1);
	hotline__jw_int(w, 2);
	hotline__jw_end(w);
	hotline__jw_key(w, "x");
	hotline__jw_str(w, "s");
	hotline__jw_end(w);
	hotline__jw_key(w, "b");
	hotline__jw_object(w);                  /* nested, sorted */
	hotline__jw_key(w, "c");
	hotline__jw_null(w);
	hotline__jw_key(w, "d");
	hotline__jw_bool(w, 1);
	hotline__jw_end(w);
	hotline__jw_end(w);
	hotline__jw_object(w);
	hotline__jw_end(w);
	hotline__jw_end(w);
	hotline__jw_key(w, "b");
	hotline__jw_array(w, HOTLINE__JW_LINES);
	hotline__jw_end(w);
	hotline__jw_key(w, "c");
	hotline__jw_object(w);
	hotline__jw_key(w, "k");
	{
		json_t *v = json_pack("{s:i,s:[s,s]}", "q", 1, "p", "x", "y");
		hotline__jw_value(w, v);
		json_decref(v);
	}
	hotline__jw_end(w);
	hotline__jw_end(w);
}

static void test_jw_nested(void **state)
{
	int rc;
	char *text = jw_text(write_nested, &rc);
	(void)state;
	assert_int_equal(rc, 0);
	assert_string_equal(text, "{\"a\":[\n{\"b\":{\"c\":null,\"d\":true},\"m\":{\"x\":\"s\",\"y\":[1,2]},\"z\":1},\n{}],"
		"\"b\":[],\"c\":{\"k\":{\"p\":[\"x\",\"y\"],\"q\":1}}}");
	free(text);
}

/* The writer's text equals the canonical text of the same value, whatever order members come in. */
static void test_jw_matches_canonical(void **state)
{
	json_t *doc = json_object();
	hotline__sbuf b;
	hotline__jw w;
	char *want, *got;
	int i, j;
	(void)state;
	hotline__sbuf_init(&b, NULL, NULL);
	hotline__jw_init(&w, &b);
	hotline__jw_object(&w);
	for (i = 0; i < 40; i++) {
		char k[16];
		json_t *row = json_object();
		snprintf(k, sizeof(k), "k%02d", (i * 17) % 40);
		hotline__jw_key(&w, k);
		hotline__jw_object(&w);
		for (j = 5; j >= 0; j--) {
			char f[8];
			snprintf(f, sizeof(f), "f%d", (j * 7 + i) % 6);
			json_object_set_new(row, f, json_integer(i * j));
			hotline__jw_key(&w, f);
			hotline__jw_int(&w, i * j);
		}
		hotline__jw_end(&w);
		json_object_set_new(doc, k, row);
	}
	hotline__jw_end(&w);
	assert_int_equal(hotline__jw_finish(&w), 0);
	hotline__jw_free(&w);
	got = hotline__sbuf_take(&b);
	want = hotline__json_canonical(doc);
	assert_string_equal(got, want);
	free(got);
	free(want);
	json_decref(doc);
}

static void write_out_of_order(hotline__jw *w)
{
	hotline__jw_object_streamed(w);
	hotline__jw_key(w, "b");
	hotline__jw_int(w, 1);
	hotline__jw_key(w, "a");      /* refused: a streamed member out of order */
	hotline__jw_int(w, 2);
	hotline__jw_end(w);
}

static void write_twice_streamed(hotline__jw *w)
{
	hotline__jw_object_streamed(w);
	hotline__jw_key(w, "a");
	hotline__jw_int(w, 1);
	hotline__jw_key(w, "a");
	hotline__jw_int(w, 2);
	hotline__jw_end(w);
}

static void write_twice_collected(hotline__jw *w)
{
	hotline__jw_object(w);
	hotline__jw_key(w, "b");
	hotline__jw_int(w, 1);
	hotline__jw_key(w, "a");
	hotline__jw_int(w, 1);
	hotline__jw_key(w, "b");
	hotline__jw_int(w, 2);
	hotline__jw_end(w);
}

static void write_no_key(hotline__jw *w)
{
	hotline__jw_object(w);
	hotline__jw_int(w, 1);
	hotline__jw_end(w);
}

static void write_key_in_array(hotline__jw *w)
{
	hotline__jw_array(w, 0);
	hotline__jw_key(w, "a");
	hotline__jw_end(w);
}

static void write_unclosed(hotline__jw *w)
{
	hotline__jw_array(w, 0);
	hotline__jw_object_streamed(w);
}

static void write_dangling_key(hotline__jw *w)
{
	hotline__jw_object_streamed(w);
	hotline__jw_key(w, "a");
	hotline__jw_end(w);
}

static void write_extra_end(hotline__jw *w)
{
	hotline__jw_array(w, 0);
	hotline__jw_end(w);
	hotline__jw_end(w);
}

static void write_too_deep(hotline__jw *w)
{
	int i;
	for (i = 0; i <= HOTLINE__JW_DEPTH; i++)
		hotline__jw_array(w, 0);
}

/* The writer refuses what would not be canonical JSON, and stops writing. */
static void test_jw_refuses(void **state)
{
	void (*const bad[])(hotline__jw *) = { write_twice_streamed, write_twice_collected, write_no_key,
		write_key_in_array, write_unclosed, write_dangling_key, write_extra_end, write_too_deep };
	size_t i;
	int rc;
	char *text;
	(void)state;
	text = jw_text(write_out_of_order, &rc);
	assert_int_equal(rc, HOTLINE_EINVALID);
	assert_string_equal(text, "{\"b\":1");   /* nothing after the refusal */
	free(text);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = jw_text(bad[i], &rc);
		if (rc != HOTLINE_EINVALID)
			fail_msg("case %zu: rc %d, text %s", i, rc, text ? text : "(null)");
		free(text);
	}
}

static int count_bytes(void *ctx, const char *data, size_t len)
{
	(void)data;
	*(size_t *)ctx += len;
	return 0;
}

/* Streamed arrays keep memory flat: only the open row is held. */
static void test_jw_streams_flat(void **state)
{
	hotline__sbuf out, frag;
	hotline__jw w, fw;
	size_t total = 0, i;
	char *text;
	(void)state;
	hotline__sbuf_init(&out, count_bytes, &total);
	hotline__jw_init(&w, &out);
	hotline__jw_object_streamed(&w);
	hotline__jw_key(&w, "rows");
	hotline__jw_array(&w, HOTLINE__JW_LINES);
	for (i = 0; i < 200000; i++) {
		hotline__jw_object(&w);
		hotline__jw_key(&w, "rule");
		hotline__jw_str(&w, "R14b");
		hotline__jw_key(&w, "case");
		hotline__jw_str(&w, "C000001");
		hotline__jw_key(&w, "amount_fen");
		hotline__jw_int(&w, (int64_t)i);
		hotline__jw_end(&w);
	}
	hotline__jw_end(&w);
	hotline__jw_end(&w);
	assert_int_equal(hotline__jw_finish(&w), 0);
	assert_int_equal(hotline__sbuf_flush(&out), 0);
	assert_true(total > 200000 * 40);
	assert_true(out.cap <= 2 * 65536 + 64);
	assert_true(w.scratch.cap <= 4096 && w.keys.cap <= 4096 && w.cap_members <= 64);
	hotline__jw_free(&w);
	hotline__sbuf_free(&out);

	/* fragments written apart and spliced into an array */
	hotline__sbuf_init(&frag, NULL, NULL);
	hotline__jw_init(&fw, &frag);
	hotline__jw_array(&fw, HOTLINE__JW_LINES | HOTLINE__JW_FRAGMENT);
	hotline__jw_int(&fw, 2);
	hotline__jw_int(&fw, 3);
	hotline__jw_end(&fw);
	assert_int_equal(hotline__jw_finish(&fw), 0);
	hotline__sbuf_init(&out, NULL, NULL);
	hotline__jw_init(&w, &out);
	hotline__jw_array(&w, HOTLINE__JW_LINES);
	hotline__jw_int(&w, 1);
	hotline__sbuf_put(hotline__jw_splice(&w, 2), frag.p, frag.n);
	hotline__jw_int(&w, 4);
	hotline__jw_end(&w);
	assert_int_equal(hotline__jw_finish(&w), 0);
	text = hotline__sbuf_take(&out);
	assert_string_equal(text, "[\n1,\n2,\n3,\n4]");
	free(text);
	hotline__jw_free(&w);
	hotline__jw_free(&fw);
	hotline__sbuf_free(&frag);
}

/* ---- directory: bonus months and keys ---- */

static void test_month_valid(void **state)
{
	static const char *const good[] = { "2026-11", "2026-01", "2026-12", "0001-10", "9999-09", NULL };
	static const char *const bad[] = { "+026-11", "2026- 1", "2026-1", "2026-00", "2026-13", "2026-20",
		"2026-11 ", " 2026-11", "2026/11", "20261-1", "2026-111", "202a-11", "2026-1a", "", "2026",
		"-2026-11", NULL };
	const char *const *s;
	(void)state;
	for (s = good; *s; s++)
		if (!hotline__month_valid(*s))
			fail_msg("\"%s\" refused", *s);
	for (s = bad; *s; s++)
		if (hotline__month_valid(*s))
			fail_msg("\"%s\" accepted", *s);
	assert_false(hotline__month_valid(NULL));
}

static int add_bonus(hotline__directory *d, const char *person, const char *month, int64_t amount)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:I}", "cmd", "bonus", "person", person, "month", month,
		"amount_fen", (json_int_t)amount);
	int rc = hotline__directory_add_json(d, HOTLINE_CMD_BONUS, o);
	json_decref(o);
	return rc;
}

/* Two long ids that differ only at the end have two keys and two bonuses. */
static void test_bonus_key_long_ids(void **state)
{
	static const size_t lens[] = { 200, 300, 1000 };
	size_t k;
	(void)state;
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		size_t len = lens[k];
		char *a = malloc(len + 1), *b = malloc(len + 1), *ka, *kb;
		hotline__directory d;
		int64_t amount = 0;
		memset(a, 'p', len);
		memset(b, 'p', len);
		a[len] = b[len] = '\0';
		a[len - 1] = 'a';
		b[len - 1] = 'b';
		ka = hotline__bonus_key(a, "2026-11");
		kb = hotline__bonus_key(b, "2026-11");
		assert_non_null(ka);
		assert_non_null(kb);
		assert_int_equal(strlen(ka), len + 8);
		assert_string_not_equal(ka, kb);
		assert_int_equal(strncmp(ka, a, len), 0);
		assert_string_equal(ka + len, "|2026-11");
		hotline__directory_init(&d);
		assert_int_equal(add_bonus(&d, a, "2026-11", 100), 0);
		assert_int_equal(add_bonus(&d, b, "2026-11", 200), 0);
		assert_true(hotline__directory_bonus(&d, a, "2026-11", &amount));
		assert_int_equal(amount, 100);
		assert_true(hotline__directory_bonus(&d, b, "2026-11", &amount));
		assert_int_equal(amount, 200);
		/* a later definition of the same bonus is a correction: the latest counts */
		assert_int_equal(add_bonus(&d, b, "2026-11", 300), 0);
		assert_true(hotline__directory_bonus(&d, b, "2026-11", &amount));
		assert_int_equal(amount, 300);
		assert_false(hotline__directory_bonus(&d, a, "2026-12", NULL));
		hotline__directory_clear(&d);
		free(ka);
		free(kb);
		free(a);
		free(b);
	}
	assert_null(hotline__bonus_key(NULL, "2026-11"));
}

/* The directory refuses a bonus month that is not exactly YYYY-MM. */
static void test_directory_bonus_month(void **state)
{
	hotline__directory d;
	(void)state;
	hotline__directory_init(&d);
	assert_int_equal(add_bonus(&d, "li", "+026-11", 100), HOTLINE_EINVALID);
	assert_int_equal(add_bonus(&d, "li", "2026- 1", 100), HOTLINE_EINVALID);
	assert_int_equal(add_bonus(&d, "li", "2026-13", 100), HOTLINE_EINVALID);
	assert_int_equal(d.n_bonuses, 0);
	assert_int_equal(add_bonus(&d, "li", "2026-11", 100), 0);
	assert_int_equal(add_bonus(&d, "li", "2026-01", 100), 0);
	assert_int_equal(add_bonus(&d, "ann", "2026-11", 100), 0);
	/* sorted by (person, month) */
	assert_string_equal(d.bonuses[0].person, "ann");
	assert_string_equal(d.bonuses[1].month, "2026-01");
	assert_string_equal(d.bonuses[2].month, "2026-11");
	hotline__directory_clear(&d);
}

static void test_time_parse_format(void **state)
{
	int64_t t, t2;
	int off;
	char buf[32];
	(void)state;
	assert_int_equal(hotline__time_parse("2026-11-02T09:05:00+08:00", &t, &off), 0);
	assert_int_equal(t, 1793581500); /* 2026-11-02T01:05:00Z */
	assert_int_equal(off, 480);
	assert_int_equal(hotline__time_parse("2026-11-02T01:05:00Z", &t2, &off), 0);
	assert_int_equal(t, t2);
	assert_int_equal(off, 0);
	assert_int_equal(hotline__time_parse("2026-11-01T20:05:00-05:00", &t2, NULL), 0);
	assert_int_equal(t, t2);
	assert_int_equal(hotline__time_parse("2026-11-02T09:05+0800", &t2, NULL), 0);
	assert_int_equal(t, t2);
	assert_int_equal(hotline__time_parse("2026-11-02T09:05:00.000+08:00", &t2, NULL), 0);
	assert_int_equal(t, t2);
	hotline__time_format(t, 480, buf);
	assert_string_equal(buf, "2026-11-02T09:05:00+08:00");
	hotline__time_format(t, 0, buf);
	assert_string_equal(buf, "2026-11-02T01:05:00+00:00");
	hotline__time_format(t, -300, buf);
	assert_string_equal(buf, "2026-11-01T20:05:00-05:00");
	/* leap day and before the epoch */
	assert_int_equal(hotline__time_parse("2024-02-29T23:59:59+08:00", &t, NULL), 0);
	hotline__time_format(t, 480, buf);
	assert_string_equal(buf, "2024-02-29T23:59:59+08:00");
	assert_int_equal(hotline__time_parse("1969-12-31T23:59:59Z", &t, NULL), 0);
	assert_int_equal(t, -1);
	hotline__time_format(-1, 0, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59+00:00");
}

/* The printf layout the formatter replaced; years outside 0..9999 still go through it. */
static void time_format_printf(int64_t t, int offset_min, char buf[32])
{
	int64_t local = t + (int64_t)offset_min * 60;
	int64_t days = hotline__floor_div(local, 86400);
	int64_t secs = local - days * 86400;
	int y, m, d, off = offset_min < 0 ? -offset_min : offset_min;
	char tmp[96];
	hotline__civil_from_days(days, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d, (int)(secs / 3600),
		(int)(secs / 60 % 60), (int)(secs % 60), offset_min < 0 ? '-' : '+', off / 60 % 100, off % 60);
	memcpy(buf, tmp, 31);
	buf[31] = '\0';
}

/* The digit-by-digit formatter writes what printf wrote, over every field's range and the years' edges. */
static void test_time_format_matches_printf(void **state)
{
	static const int offsets[] = { 0, 1, -1, 59, 60, -60, 330, 480, -300, 545, 1439, -1439, 6000, -6001 };
	const int64_t edges[] = { hotline__days_from_civil(0, 1, 1) * 86400, hotline__days_from_civil(9999, 12, 31) * 86400 + 86399,
		hotline__days_from_civil(10000, 1, 1) * 86400, hotline__days_from_civil(-1, 12, 31) * 86400, 0, -1, 1793581500 };
	uint64_t x = 88172645463325252ULL;
	size_t i, k;
	(void)state;
	for (i = 0; i < 200000; i++) {
		char want[32], got[32];
		int64_t t;
		int off = offsets[i % (sizeof(offsets) / sizeof(offsets[0]))];
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i % 3 == 0)   /* anywhere from year -2000 to 12000 */
			t = (int64_t)(x % (14000ULL * 366 * 86400)) - (int64_t)3700 * 366 * 86400 - 62167219200LL;
		else              /* near an edge, to the second */
			t = edges[x % (sizeof(edges) / sizeof(edges[0]))] + (int64_t)((x >> 20) % 200001) - 100000;
		time_format_printf(t, off, want);
		hotline__time_format(t, off, got);
		assert_string_equal(got, want);
	}
	for (k = 0; k < sizeof(edges) / sizeof(edges[0]); k++) {
		char want[32], got[32];
		time_format_printf(edges[k], 0, want);
		hotline__time_format(edges[k], 0, got);
		assert_string_equal(got, want);
	}
}

/* hotline__copy_str writes what snprintf "%s" writes: cut to fit, always terminated. */
static void test_copy_str(void **state)
{
	const char *src = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	size_t len, size;
	(void)state;
	for (len = 0; len <= 64; len += 1)
		for (size = 1; size <= 70; size++) {
			char s[65], want[72], got[72];
			memcpy(s, src, len);
			s[len] = '\0';
			memset(want, '#', sizeof(want));
			memset(got, '#', sizeof(got));
			snprintf(want, size, "%s", s);
			hotline__copy_str(got, size, s);
			assert_memory_equal(got, want, sizeof(got));
		}
}

static void test_time_invalid(void **state)
{
	static const char *const bad[] = {
		"2026-02-30T09:00:00+08:00", "2025-02-29T09:00:00+08:00", "2026-11-02T24:00:00+08:00",
		"2026-11-02T09:60:00+08:00", "2026-11-02T09:00:60+08:00", "2026-11-02T09:00:00",
		"2026-11-02 09:00:00+08:00", "2026-13-02T09:00:00+08:00", "garbage", "",
		"2026-11-02T09:00:00.5+08:00", "2026-11-02T09:00:00+24:00", "2026-11-02T09:00:00+08:00x",
		"2026-11-02", NULL
	};
	const char *const *b;
	int64_t t;
	(void)state;
	for (b = bad; *b; b++)
		if (hotline__time_parse(*b, &t, NULL) != HOTLINE_EINVALID)
			fail_msg("accepted '%s'", *b);
	assert_int_equal(hotline__time_parse(NULL, &t, NULL), HOTLINE_EINVALID);
}

static void test_civil(void **state)
{
	int64_t d;
	int y, m, dd;
	(void)state;
	assert_int_equal(hotline__days_from_civil(1970, 1, 1), 0);
	assert_int_equal(hotline__weekday(0), 4); /* Thursday */
	assert_int_equal(hotline__date_parse("2026-02-14", &d), 0);
	assert_int_equal(hotline__weekday(d), 6); /* Saturday */
	hotline__civil_from_days(d, &y, &m, &dd);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 2);
	assert_int_equal(dd, 14);
	assert_int_equal(hotline__date_parse("2026-02-29", &d), HOTLINE_EINVALID);
	assert_int_equal(hotline__date_parse("2026-02-1", &d), HOTLINE_EINVALID);
	assert_int_equal(hotline__floor_div(-1, 86400), -1);
	assert_int_equal(hotline__floor_div(86400, 86400), 1);
	assert_int_equal(hotline__days_in_month(2024, 2), 29);
	assert_int_equal(hotline__days_in_month(1900, 2), 28);
	assert_int_equal(hotline__days_in_month(2000, 2), 29);
}

/* The layout for people is jansson's indented sorted dump, byte for byte, over the canonical form. */
static void test_json_pretty(void **state)
{
	static const char *const docs[] = {
		"{}", "[]", "{\"b\":[],\"a\":{}}",
		"{\"cases\":[{\"id\":\"C1\",\"state\":\"closed\",\"exempt\":false,\"version\":9}],"
		"\"refused\":[],\"assessment\":null,\"z\":{\"\u00e9\":\"\u738b\",\"e\":[1,[2,[]],{\"x\":\"\\n\"}]}}",
		"\"only a string\"", "42", NULL };
	const char *const *d;
	int indent;
	(void)state;
	for (d = docs; *d; d++)
		for (indent = 1; indent <= 4; indent++) {
			json_t *v = json_loads(*d, JSON_DECODE_ANY, NULL);
			char *ours, *theirs;
			assert_non_null(v);
			ours = hotline__json_pretty(v, indent);
			theirs = json_dumps(v, JSON_INDENT(indent) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
			assert_non_null(ours);
			assert_string_equal(ours, theirs);
			free(ours);
			free(theirs);
			json_decref(v);
		}
	assert_null(hotline__json_pretty(NULL, 2));
	{
		json_t *v = json_object();
		assert_null(hotline__json_pretty(v, 0));
		json_decref(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_hw_matches_portable),
		cmocka_unit_test(test_sha256_portable_vectors),
		cmocka_unit_test(test_sha256_split_updates),
		cmocka_unit_test(test_json_canonical_matches_jansson),
		cmocka_unit_test(test_sbuf_sink),
		cmocka_unit_test(test_int_text),
		cmocka_unit_test(test_canonical_key_order),
		cmocka_unit_test(test_canonical_escapes),
		cmocka_unit_test(test_canonical_numbers),
		cmocka_unit_test(test_jw_nested),
		cmocka_unit_test(test_jw_matches_canonical),
		cmocka_unit_test(test_jw_refuses),
		cmocka_unit_test(test_jw_streams_flat),
		cmocka_unit_test(test_month_valid),
		cmocka_unit_test(test_bonus_key_long_ids),
		cmocka_unit_test(test_directory_bonus_month),
		cmocka_unit_test(test_time_parse_format),
		cmocka_unit_test(test_time_format_matches_printf),
		cmocka_unit_test(test_copy_str),
		cmocka_unit_test(test_time_invalid),
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_json_pretty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
