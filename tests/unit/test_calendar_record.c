/*
 * The calendar over New Year (DESIGN §6.7): a month spanning 2026-12-15 …
 * 2027-01-31 under service-standard, on memory and SQLite. Without 2027
 * data every deadline is still there (the working-day ones provisional)
 * and the sweep and claim_due hand the cases out.
 */
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>

#include "core_fixture.h"

typedef struct fx {
	char dir[256], uri[300];
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
	if (hotline_db_exec_json(db, buf, NULL) != 0)
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

static int setup(void **state, int sqlite)
{
	fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-calrec-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	if (sqlite)
		snprintf(f->uri, sizeof(f->uri), "sqlite:%s/c.db", f->dir);
	else
		snprintf(f->uri, sizeof(f->uri), "memory:");
	open_service_standard(f, &f->db);
	fixture_load(f->db);
	month(f->db);
	*state = f;
	return 0;
}

static int setup_memory(void **state) { return setup(state, 0); }
static int setup_sqlite(void **state) { return setup(state, 1); }

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[300];
	hotline_db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_deadline_is_lost, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_no_deadline_is_lost, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_and_claims_hand_them_out, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_and_claims_hand_them_out, setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_documents_mark_it, setup_memory, teardown),
		cmocka_unit_test_setup_teardown(test_documents_mark_it, setup_sqlite, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
