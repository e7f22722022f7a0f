/*
 * The calendar over New Year (DESIGN §6.7), shared by the embedded backends'
 * test (test_calendar_record.c) and PostgreSQL's (tests/pg/test_postgres.c):
 * a month spanning 2026-12-15 … 2027-01-31 under service-standard; each
 * test takes an fx whose handle has the fixture's directory and the month.
 */
#ifndef HOTLINE_TEST_CALENDAR_MONTH_H
#define HOTLINE_TEST_CALENDAR_MONTH_H

#include <stdlib.h>

#include <jansson.h>

#include "core_fixture.h"

typedef struct fx {
	char dir[256], uri[800];
	hotline_db *db;
} fx;

static hotline_time T(const char *s)
{
	hotline_time t;
	if (hotline_time_parse(&t, s) != 0)
		fail_msg("bad instant %s", s);
	return t;
}

static void open_service_standard(fx *f, hotline_db **db)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	o.policy = "service-standard";
	if (fixture_open(db, f->uri, &o) != 0)
		fail_msg("open %s: %s", f->uri, hotline_last_error());
}

#define REG "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1\"," \
	"\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"kind\":\"complaint\"," \
	"\"severity\":\"%s\"}"

static void run(hotline_db *db, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (hotline_db_exec_json(db, buf, NULL, NULL) != 0)
		fail_msg("%s: %s", buf, hotline_db_errmsg(db));
}

/* A case whose only open clock is the 5-working-day one (S3b): visited and replied to at once. */
static void serious_answered(hotline_db *db, const char *id, const char *at, const char *visit)
{
	run(db, REG, id, at, "serious");
	run(db, "{\"cmd\":\"dispatch\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\"}", id, visit);
	run(db, "{\"cmd\":\"onsite_visit\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"wu\"}", id, visit);
	run(db, "{\"cmd\":\"reply\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\",\"text\":\"在处理\"}", id, visit);
}

/*
 * A: 2026-12-15, inside the data (S3b due 12-23). B: 2026-12-30, its five
 * working days reach 2027. C: 2027-01-05, answered at once: S3b is its only
 * open clock. D: a general complaint the same day. E: 2027-01-26.
 */
static void month(hotline_db *db)
{
	serious_answered(db, "A", "2026-12-15T10:00:00+08:00", "2026-12-15T10:20:00+08:00");
	serious_answered(db, "B", "2026-12-30T10:00:00+08:00", "2026-12-30T10:20:00+08:00");
	serious_answered(db, "C", "2027-01-05T10:00:00+08:00", "2027-01-05T10:20:00+08:00");
	run(db, REG, "D", "2027-01-05T10:05:00+08:00", "general");
	serious_answered(db, "E", "2027-01-26T10:00:00+08:00", "2027-01-26T10:20:00+08:00");
}

static json_t *parse(char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	hotline_free(text);
	if (!j)
		fail_msg("not JSON: %s", e.text);
	return j;
}

/* The deadline of `rule` in case's explanation; fails when absent. */
static json_t *explained(hotline_db *db, const char *id, const char *rule, json_t **doc)
{
	char *out = NULL;
	json_t *d;
	size_t i;
	if (hotline_db_explain(&out, db, id, T("2027-01-31T23:00:00+08:00")) != 0)
		fail_msg("explain %s: %s", id, hotline_db_errmsg(db));
	*doc = parse(out);
	json_array_foreach(json_object_get(*doc, "deadlines"), i, d)
		if (strcmp(json_string_value(json_object_get(d, "rule")), rule) == 0)
			return d;
	fail_msg("case %s has no deadline %s", id, rule);
	return NULL;
}

static int provisional(const json_t *o)
{
	const json_t *p = json_object_get(o, "provisional");
	if (p && !json_is_true(p))
		fail_msg("\"provisional\" is present but not true");
	return p != NULL;
}

static void assert_due(hotline_db *db, const char *id, const char *rule, const char *due, int prov)
{
	json_t *doc, *d = explained(db, id, rule, &doc);
	hotline_time got = T(json_string_value(json_object_get(d, "due")));
	if (got != T(due))
		fail_msg("%s %s: due %s, want %s", id, rule, json_string_value(json_object_get(d, "due")), due);
	assert_int_equal(provisional(d), prov);
	json_decref(doc);
}

static const char *snapshot_field(hotline_db *db, const char *id, json_t **doc, const char *key)
{
	hotline_case *c;
	if (hotline_db_case(&c, db, id) != 0)
		fail_msg("case %s: %s", id, hotline_db_errmsg(db));
	*doc = parse(strdup(hotline_case_json(c)));
	hotline_case_free(c);
	return json_string_value(json_object_get(*doc, key));
}

/* ---- without 2027 data ---- */

static void test_no_deadline_is_lost(void **state)
{
	fx *f = *state;
	json_t *doc;
	const char *due;
	/* inside the data: exact, and said as before */
	assert_due(f->db, "A", "S3b", "2026-12-23T00:00:00+08:00", 0);
	/* 12-31, 01-01, 01-04, 01-05, 01-06 counted Monday-Friday */
	assert_due(f->db, "B", "S3b", "2027-01-07T00:00:00+08:00", 1);
	assert_due(f->db, "C", "S3b", "2027-01-13T00:00:00+08:00", 1);
	assert_due(f->db, "E", "S3b", "2027-02-03T00:00:00+08:00", 1);
	/* the case's other clocks are untouched by the provisional one */
	assert_due(f->db, "C", "S1b", "2027-01-05T11:00:00+08:00", 0);
	assert_due(f->db, "C", "S4", "2027-01-07T10:00:00+08:00", 0);
	assert_due(f->db, "D", "S3a", "2027-01-05T18:05:00+08:00", 0);
	assert_due(f->db, "D", "S1b", "2027-01-05T11:05:00+08:00", 0);
	/* the snapshot keeps C's next due, and says it is provisional */
	due = snapshot_field(f->db, "C", &doc, "next_due");
	assert_non_null(due);
	assert_true(T(due) == T("2027-01-13T00:00:00+08:00"));
	assert_int_equal(provisional(doc), 1);
	json_decref(doc);
	/* D's next due is a calendar clock: no key */
	snapshot_field(f->db, "D", &doc, "next_due");
	assert_int_equal(provisional(doc), 0);
	json_decref(doc);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

static void test_sweep_and_claims_hand_them_out(void **state)
{
	fx *f = *state;
	hotline_case_list *l;
	size_t i;
	int seen_c = 0;
	assert_int_equal(hotline_db_sweep(&l, f->db, T("2027-02-01T00:00:00+08:00"), 0), 0);
	for (i = 0; i < hotline_case_list_count(l); i++)
		if (strcmp(hotline_case_id(hotline_case_list_get(l, i)), "C") == 0) {
			json_t *j = parse(strdup(hotline_case_json(hotline_case_list_get(l, i))));
			assert_int_equal(provisional(j), 1);
			json_decref(j);
			seen_c = 1;
		}
	hotline_case_list_free(l);
	assert_true(seen_c);
	assert_int_equal(hotline_db_claim_due(f->db, T("2027-02-01T00:00:00+08:00"), 0, 60, "w1", &l), 0);
	seen_c = 0;
	for (i = 0; i < hotline_case_list_count(l); i++)
		seen_c |= strcmp(hotline_case_id(hotline_case_list_get(l, i)), "C") == 0;
	hotline_case_list_free(l);
	assert_true(seen_c);
}

static void test_documents_mark_it(void **state)
{
	fx *f = *state;
	char *out = NULL;
	json_t *doc, *row;
	size_t i;
	int c_s3b = 0, d_s3a = 0, breach = 0;
	assert_int_equal(hotline_db_deadlines(&out, f->db, T("2027-01-01T00:00:00+08:00"), T("2027-02-01T00:00:00+08:00"), NULL), 0);
	doc = parse(out);
	json_array_foreach(json_object_get(doc, "deadlines"), i, row) {
		const char *c = json_string_value(json_object_get(row, "case")), *r = json_string_value(json_object_get(row, "rule"));
		if (c && strcmp(c, "C") == 0 && strcmp(r, "S3b") == 0)
			c_s3b = 1 + provisional(row);
		if (c && strcmp(c, "D") == 0 && strcmp(r, "S3a") == 0)
			d_s3a = 1 + provisional(row);
	}
	json_decref(doc);
	assert_int_equal(c_s3b, 2);
	assert_int_equal(d_s3a, 1);
	/* C's S3b was missed by the end of January: a provisional breach */
	assert_int_equal(hotline_db_assess(&out, f->db, T("2027-01-31T23:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
	doc = parse(out);
	json_array_foreach(json_object_get(json_object_get(doc, "assessment"), "breaches"), i, row) {
		const char *c = json_string_value(json_object_get(row, "case")), *r = json_string_value(json_object_get(row, "rule"));
		if (c && strcmp(c, "C") == 0 && strcmp(r, "S3b") == 0)
			breach = 1 + provisional(row);
		if (c && strcmp(c, "A") == 0)
			assert_int_equal(provisional(row), 0);
	}
	json_decref(doc);
	assert_int_equal(breach, 2);
}

/* ---- adopting 2027 ---- */

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("cannot read %s", path);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The 2027 calendar line from the invented test data, with extra keys (",\"actor\":…") spliced in. */
static char *line_2027(const char *extra)
{
	char *data = read_text(HOTLINE_SOURCE_DIR "/tests/data/cn-holidays-2027-TEST-ONLY.json"), *line = NULL, *out;
	size_t n;
	if (hotline_calendar_line(&line, 2027, "json", data, strlen(data), NULL) != 0)
		fail_msg("calendar line: %s", hotline_last_error());
	free(data);
	n = strlen(line) + strlen(extra) + 1;
	out = malloc(n);
	/* line is a JSON object: its closing brace goes after the extra keys */
	snprintf(out, n, "%.*s%s}", (int)(strlen(line) - 1), line, extra);
	hotline_free(line);
	return out;
}

static void adopt(hotline_db *db, const char *extra)
{
	char *line = line_2027(extra);
	if (hotline_db_exec_json(db, line, NULL, NULL) != 0)
		fail_msg("%s: %s", line, hotline_db_errmsg(db));
	free(line);
}

static void test_adopting_the_year(void **state)
{
	fx *f = *state;
	char *cp = NULL, *cal = NULL;
	json_t *doc;
	const char *due;
	hotline_case_list *l;
	size_t i;
	assert_int_equal(hotline_db_checkpoint(&cp, f->db, NULL), 0);
	adopt(f->db, "");
	/* 2027-01-01 is a rest day now: B's fifth working day is 01-07 */
	assert_due(f->db, "B", "S3b", "2027-01-08T00:00:00+08:00", 0);
	assert_due(f->db, "C", "S3b", "2027-01-13T00:00:00+08:00", 0);
	/* 2027-01-31, a Sunday, is a make-up working day */
	assert_due(f->db, "E", "S3b", "2027-02-02T00:00:00+08:00", 0);
	assert_due(f->db, "A", "S3b", "2026-12-23T00:00:00+08:00", 0);
	/* the snapshots were recomputed in the adoption's transaction */
	due = snapshot_field(f->db, "C", &doc, "next_due");
	assert_true(T(due) == T("2027-01-13T00:00:00+08:00"));
	assert_int_equal(provisional(doc), 0);
	json_decref(doc);
	due = snapshot_field(f->db, "E", &doc, "next_due");
	assert_true(T(due) == T("2027-02-02T00:00:00+08:00"));
	assert_int_equal(provisional(doc), 0);
	json_decref(doc);
	assert_int_equal(hotline_db_sweep(&l, f->db, T("2027-03-01T00:00:00+08:00"), 0), 0);
	for (i = 0; i < hotline_case_list_count(l); i++)
		assert_null(strstr(hotline_case_json(hotline_case_list_get(l, i)), "provisional"));
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
	if (hotline_db_verify_checkpoint(f->db, cp, NULL) != 0)
		fail_msg("checkpoint before the adoption: %s", hotline_db_errmsg(f->db));
	hotline_free(cp);
	/* the year is listed as recorded, with its source */
	assert_int_equal(hotline_db_calendar(&cal, f->db), 0);
	doc = parse(cal);
	assert_int_equal(json_integer_value(json_object_get(doc, "first")), 2024);
	assert_int_equal(json_integer_value(json_object_get(doc, "last")), 2027);
	{
		json_t *y = json_array_get(json_object_get(doc, "years"), 3);
		assert_int_equal(json_integer_value(json_object_get(y, "year")), 2027);
		assert_true(json_is_true(json_object_get(y, "recorded")));
		assert_non_null(strstr(json_string_value(json_object_get(y, "source")), "TEST DATA"));
		assert_int_equal(strlen(json_string_value(json_object_get(y, "digest"))), 64);
		y = json_array_get(json_object_get(doc, "years"), 0);
		assert_true(json_is_false(json_object_get(y, "recorded")));
	}
	json_decref(doc);
	/* a later line for the year replaces it (never duplicate): an empty 2027 makes it plain Monday-Friday */
	run(f->db, "{\"cmd\":\"calendar\",\"year\":2027,\"holidays\":[],\"source\":\"none\"}");
	assert_due(f->db, "B", "S3b", "2027-01-07T00:00:00+08:00", 0);
	assert_due(f->db, "E", "S3b", "2027-02-03T00:00:00+08:00", 0);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

/* Two handles on one file: the adoption one of them made is the other's calendar too. */
static void test_two_handles_agree(void **state)
{
	fx *f = *state;
	hotline_db *other;
	char *a = NULL, *b = NULL;
	open_service_standard(f, &other);
	adopt(f->db, "");
	assert_int_equal(hotline_db_assess(&a, f->db, T("2027-01-31T23:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
	assert_int_equal(hotline_db_assess(&b, other, T("2027-01-31T23:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
	assert_string_equal(a, b);
	assert_null(strstr(a, "provisional"));
	hotline_free(a);
	hotline_free(b);
	/* a fresh handle's verify-log on the untouched database finds nothing */
	assert_int_equal(hotline_db_verify_log(other, NULL, NULL), 0);
	hotline_db_close(other);
	open_service_standard(f, &other);
	assert_int_equal(hotline_db_verify_log(other, NULL, NULL), 0);
	assert_due(other, "B", "S3b", "2027-01-08T00:00:00+08:00", 0);
	hotline_db_close(other);
}

/* The authority and refusal order of directory lines (DESIGN §6.1). */
static void test_who_may_adopt(void **state)
{
	fx *f = *state;
	char *line;
	/* setting up: no administrator yet, no actor needed; from the first one on, an administrator */
	run(f->db, "{\"cmd\":\"person\",\"id\":\"admin\",\"name\":\"管理员\",\"roles\":[\"administrator\"]}");
	line = line_2027("");
	assert_int_equal(hotline_db_exec_json(f->db, line, NULL, NULL), HOTLINE_EFORBIDDEN);
	free(line);
	line = line_2027(",\"actor\":\"zhang\"");
	assert_int_equal(hotline_db_exec_json(f->db, line, NULL, NULL), HOTLINE_EFORBIDDEN);
	free(line);
	line = line_2027(",\"actor\":\"nobody\"");
	assert_int_equal(hotline_db_exec_json(f->db, line, NULL, NULL), HOTLINE_ENOT_FOUND);
	free(line);
	/* malformed first, whoever gives it */
	assert_int_equal(hotline_db_exec_json(f->db, "{\"cmd\":\"calendar\",\"year\":2027,\"holidays\":[\"2027-02-30\"],"
		"\"actor\":\"nobody\"}", NULL, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_exec_json(f->db, "{\"cmd\":\"calendar\",\"year\":2027,\"holidays\":[\"2028-01-01\"],"
		"\"actor\":\"zhang\"}", NULL, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_exec_json(f->db, "{\"cmd\":\"calendar\",\"year\":2027,\"holidays\":[],"
		"\"workdays\":[\"2027-01-04\"],\"actor\":\"admin\"}", NULL, NULL), HOTLINE_EINVALID);   /* a Monday */
	assert_int_equal(hotline_db_exec_json(f->db, "{\"cmd\":\"calendar\",\"year\":2027,\"holidays\":[\"2027-01-01\"],"
		"\"workdays\":[\"2027-01-01\"],\"actor\":\"admin\"}", NULL, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_exec_json(f->db, "{\"cmd\":\"calendar\",\"year\":1999,\"holidays\":[],"
		"\"actor\":\"admin\"}", NULL, NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_exec_json(f->db, "{\"cmd\":\"calendar\",\"year\":2027,\"actor\":\"admin\"}", NULL, NULL),
		HOTLINE_EINVALID);
	/* nothing of the refused lines changed anything */
	assert_due(f->db, "B", "S3b", "2027-01-07T00:00:00+08:00", 1);
	adopt(f->db, ",\"actor\":\"admin\",\"at\":\"2026-11-20T09:00:00+08:00\"");
	assert_due(f->db, "B", "S3b", "2027-01-08T00:00:00+08:00", 0);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

/* A batch that adopts a year and rolls back leaves the handle computing as before. */
static void test_rolled_back_adoption(void **state)
{
	fx *f = *state;
	char *line = line_2027("");
	assert_int_equal(hotline_db_begin(f->db), 0);
	assert_int_equal(hotline_db_exec_json(f->db, line, NULL, NULL), 0);
	assert_due(f->db, "B", "S3b", "2027-01-08T00:00:00+08:00", 0);
	assert_int_equal(hotline_db_rollback(f->db), 0);
	free(line);
	assert_due(f->db, "B", "S3b", "2027-01-07T00:00:00+08:00", 1);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

#endif
