/*
 * Comparing a document with expectations (front ends' tests): the
 * expectations hold only what a test cares about. An object expects its
 * keys (others are ignored); an array expects each of its elements to match
 * some element of the actual array (order aside, each matched once), and an
 * empty array expects an empty one; other values must be equal. Every difference is reported with its JSON path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hotline/assess.h"
#include "util/err.h"
#include "util/json.h"

static void say(hotline__sbuf *out, const char *path, const char *what, const json_t *expected, const json_t *actual)
{
	char *e = expected ? hotline__json_canonical(expected) : NULL, *a = actual ? hotline__json_canonical(actual) : NULL;
	hotline__sbuf_puts(out, path[0] ? path : "(document)");
	hotline__sbuf_puts(out, ": ");
	hotline__sbuf_puts(out, what);
	if (e) {
		hotline__sbuf_puts(out, "\n    expected ");
		hotline__sbuf_put(out, e, strlen(e) > 400 ? 400 : strlen(e));
	}
	if (a) {
		hotline__sbuf_puts(out, "\n    actual   ");
		hotline__sbuf_put(out, a, strlen(a) > 400 ? 400 : strlen(a));
	}
	hotline__sbuf_putc(out, '\n');
	free(e);
	free(a);
}

static int matches(const json_t *actual, const json_t *expected, const char *path, hotline__sbuf *out);

/* A readable label for an array element: its "id", "line" or "rule" when it has one. */
static void element_path(char *buf, size_t size, const char *path, const json_t *e, size_t i)
{
	const json_t *k;
	if ((k = json_object_get(e, "id")) && json_is_string(k))
		snprintf(buf, size, "%s[id=%s]", path, json_string_value(k));
	else if ((k = json_object_get(e, "line")) && json_is_integer(k))
		snprintf(buf, size, "%s[line=%lld]", path, (long long)json_integer_value(k));
	else if ((k = json_object_get(e, "rule")) && json_is_string(k))
		snprintf(buf, size, "%s[rule=%s]", path, json_string_value(k));
	else
		snprintf(buf, size, "%s[%zu]", path, i);
}

static int match_array(const json_t *actual, const json_t *expected, const char *path, hotline__sbuf *out)
{
	size_t n = json_array_size(actual), i, j, bad = 0;
	char *used = calloc(n + 1, 1), sub[512];
	const json_t *e;
	if (!used) {
		out->err = HOTLINE_ENOMEM;
		return 1;
	}
	/* an empty list expects none: `"refused": []` is how a test says "nothing refused" */
	if (json_array_size(expected) == 0 && n > 0) {
		free(used);
		if (out)
			say(out, path, "expected none", NULL, actual);
		return 1;
	}
	json_array_foreach(expected, i, e) {
		int found = 0;
		for (j = 0; j < n && !found; j++)
			if (!used[j] && matches(json_array_get(actual, j), e, "", NULL) == 0)
				found = used[j] = 1;
		if (!found) {
			element_path(sub, sizeof(sub), path, e, i);
			/* the closest element: one with the same label, if any, to show what differs */
			for (j = 0; j < n; j++) {
				char other[512];
				element_path(other, sizeof(other), path, json_array_get(actual, j), j);
				if (strcmp(other, sub) == 0 && strchr(sub, '=')) {
					matches(json_array_get(actual, j), e, sub, out);
					break;
				}
			}
			if (j == n)
				say(out, sub, "no element matches", e, NULL);
			bad++;
		}
	}
	free(used);
	return bad != 0;
}

static int matches(const json_t *actual, const json_t *expected, const char *path, hotline__sbuf *out)
{
	const char *key;
	const json_t *v;
	char sub[512];
	int bad = 0;
	if (json_is_object(expected)) {
		if (!json_is_object(actual)) {
			if (out)
				say(out, path, "expected an object", expected, actual);
			return 1;
		}
		json_object_foreach((json_t *)expected, key, v) {
			const json_t *a = json_object_get(actual, key);
			snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key);
			if (!a) {
				if (out)
					say(out, sub, "missing", v, NULL);
				bad = 1;
				if (!out)
					return 1;
			} else if (matches(a, v, sub, out)) {
				bad = 1;
				if (!out)
					return 1;
			}
		}
		return bad;
	}
	if (json_is_array(expected)) {
		if (!json_is_array(actual)) {
			if (out)
				say(out, path, "expected an array", expected, actual);
			return 1;
		}
		if (!out) {
			hotline__sbuf none;
			hotline__sbuf_init(&none, NULL, NULL);
			bad = match_array(actual, expected, path, &none);
			hotline__sbuf_free(&none);
			return bad;
		}
		return match_array(actual, expected, path, out);
	}
	if (!json_equal((json_t *)actual, (json_t *)expected)) {
		if (out)
			say(out, path, "differs", expected, actual);
		return 1;
	}
	return 0;
}

int hotline_expect(char **differences, const char *document, const char *expected)
{
	json_error_t jerr;
	json_t *doc, *exp;
	hotline__sbuf out;
	int bad;
	if (!differences || !document || !expected)
		return hotline__last_error_set(HOTLINE_EINVALID, "differences, document and expectations are required");
	*differences = NULL;
	if (!(doc = json_loads(document, JSON_DECODE_ANY, &jerr)))
		return hotline__last_error_set(HOTLINE_EINVALID, "the document is not JSON: line %d: %s", jerr.line, jerr.text);
	if (!(exp = json_loads(expected, JSON_DECODE_ANY, &jerr))) {
		json_decref(doc);
		return hotline__last_error_set(HOTLINE_EINVALID, "the expectations are not JSON: line %d: %s", jerr.line, jerr.text);
	}
	hotline__sbuf_init(&out, NULL, NULL);
	bad = matches(doc, exp, "", &out);
	json_decref(doc);
	json_decref(exp);
	if (out.err) {
		hotline__sbuf_free(&out);
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	}
	if (bad && !(*differences = hotline__sbuf_take(&out)))
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	hotline__sbuf_free(&out);
	return 0;
}
