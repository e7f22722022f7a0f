/*
 * The assessment's CSV as 0.x rendered it: from the JSON document, whole.
 * The streamed CSV must stay byte-identical to it (same rows, order, quoting).
 */
#ifndef HOTLINE_TEST_CSV_REFERENCE_H
#define HOTLINE_TEST_CSV_REFERENCE_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csvref_buf {
	char *p;
	size_t n, cap;
} csvref_buf;

static void csvref_put(csvref_buf *b, const char *s, size_t len)
{
	if (b->n + len + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		while (b->n + len + 1 > ncap)
			ncap *= 2;
		b->p = realloc(b->p, ncap);
		if (!b->p)
			abort();
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void csvref_field(csvref_buf *b, const json_t *v, int first)
{
	char tmp[32];
	const char *s = "";
	size_t i;
	if (!first)
		csvref_put(b, ",", 1);
	if (json_is_string(v))
		s = json_string_value(v);
	else if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = tmp;
	}
	if (!strpbrk(s, ",\"\r\n")) {
		csvref_put(b, s, strlen(s));
		return;
	}
	csvref_put(b, "\"", 1);
	for (i = 0; s[i]; i++) {
		if (s[i] == '"')
			csvref_put(b, "\"", 1);
		csvref_put(b, &s[i], 1);
	}
	csvref_put(b, "\"", 1);
}

/* penalties: the document's "penalties"; assessment: its "assessment". Returns malloc'd text. */
static char *csv_reference(const json_t *penalties, const json_t *assessment)
{
	static const char *const cols[] = { "record", "rule", "article", "case", "person", "property", "amount_fen",
		"incurred_at", "raw_fen", "capped_fen", "bonus_fen", "closure_num", "closure_den",
		"satisfaction_num", "satisfaction_den", "month" };
	enum { N = sizeof(cols) / sizeof(cols[0]) };
	csvref_buf b = { NULL, 0, 0 };
	json_t *v[N], *month = json_object_get(assessment, "month"), *x;
	json_t *pen = json_string("penalty"), *per = json_string("person"), *pro = json_string("property");
	size_t i, k;
	for (i = 0; i < N; i++) {
		if (i)
			csvref_put(&b, ",", 1);
		csvref_put(&b, cols[i], strlen(cols[i]));
	}
	csvref_put(&b, "\r\n", 2);
#define CSVREF_ROW() do { for (k = 0; k < N; k++) csvref_field(&b, v[k], k == 0); csvref_put(&b, "\r\n", 2); } while (0)
	json_array_foreach(penalties, i, x) {
		memset(v, 0, sizeof(v));
		v[0] = pen;
		v[1] = json_object_get(x, "rule");
		v[2] = json_object_get(x, "article");
		v[3] = json_object_get(x, "case");
		v[4] = json_object_get(x, "person");
		v[6] = json_object_get(x, "amount_fen");
		v[7] = json_object_get(x, "incurred_at");
		v[15] = month;
		CSVREF_ROW();
	}
	json_array_foreach(json_object_get(assessment, "people"), i, x) {
		memset(v, 0, sizeof(v));
		v[0] = per;
		v[4] = json_object_get(x, "person");
		v[8] = json_object_get(x, "raw_fen");
		v[9] = json_object_get(x, "capped_fen");
		v[10] = json_object_get(x, "bonus_fen");
		v[15] = month;
		CSVREF_ROW();
	}
	json_array_foreach(json_object_get(assessment, "properties"), i, x) {
		memset(v, 0, sizeof(v));
		v[0] = pro;
		v[5] = json_object_get(x, "id");
		v[11] = json_object_get(json_object_get(x, "closure"), "num");
		v[12] = json_object_get(json_object_get(x, "closure"), "den");
		v[13] = json_object_get(json_object_get(x, "satisfaction"), "num");
		v[14] = json_object_get(json_object_get(x, "satisfaction"), "den");
		v[15] = month;
		CSVREF_ROW();
	}
#undef CSVREF_ROW
	json_decref(pen);
	json_decref(per);
	json_decref(pro);
	return b.p;
}

#endif
