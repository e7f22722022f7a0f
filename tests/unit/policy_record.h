/*
 * The policy belongs to the record (DESIGN §6.7), shared by the embedded
 * backends' test (test_policy_record.c) and PostgreSQL's
 * (tests/pg/test_postgres.c): a database created under service-standard
 * records it with its first event; every handle then computes with it, a
 * writer given another policy is refused, and a reading call with another
 * policy is a what-if whose documents name it and its digest. Each test takes an pfx whose
 * handle made the database (the fixture's directory and one case).
 */
#ifndef HOTLINE_TEST_POLICY_RECORD_H
#define HOTLINE_TEST_POLICY_RECORD_H

#include <stdlib.h>

#include <jansson.h>

#include "core_fixture.h"

typedef struct pfx {
	char dir[256], uri[800];
	hotline_db *db;
} pfx;

#define P_REG "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"2026-11-10T10:00:00+08:00\",\"actor\":\"zhang\"," \
	"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\"," \
	"\"order_taker\":\"li\",\"kind\":\"complaint\",\"severity\":\"serious\"}"

static hotline_time p_T(const char *s)
{
	hotline_time t;
	if (hotline_time_parse(&t, s) != 0)
		fail_msg("bad instant %s", s);
	return t;
}

/* Opens f's database under `policy` (NULL: the database's), read-only when ro. */
static hotline_db *p_open(const pfx *f, const char *policy, int ro)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db = NULL;
	o.policy = policy;
	if (ro)
		o.mode = HOTLINE_OPEN_READ_ONLY;
	if (fixture_open(&db, f->uri, &o) != 0)
		fail_msg("open %s: %s", f->uri, hotline_last_error());
	return db;
}

/* The database made under service-standard: the directory and case A. */
static void p_create(pfx *f)
{
	char line[1024];
	f->db = p_open(f, "service-standard", 0);
	fixture_load(f->db);
	snprintf(line, sizeof(line), P_REG, "A");
	if (hotline_db_exec_json(f->db, line, NULL, NULL) != 0)
		fail_msg("register: %s", hotline_db_errmsg(f->db));
}

/*
 * The embedded backends' fixture (PostgreSQL makes its own schema): a
 * scratch directory, the database made by p_create on memory or SQLite.
 */
static inline int p_setup(void **state, int sqlite, const char *name)
{
	pfx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-%s-XXXXXX", tmp ? tmp : "/tmp", name);
	if (!mkdtemp(f->dir))
		return -1;
	if (sqlite)
		snprintf(f->uri, sizeof(f->uri), "sqlite:%s/p.db", f->dir);
	else
		snprintf(f->uri, sizeof(f->uri), "memory:");
	p_create(f);
	*state = f;
	return 0;
}

static inline int p_teardown(void **state)
{
	pfx *f = *state;
	int rc = fixture_close_dir(f->db, f->dir);
	free(f);
	return rc;
}

static json_t *p_parse(char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	hotline_free(text);
	if (!j)
		fail_msg("not JSON: %s", e.text);
	return j;
}

static json_t *p_deadlines(hotline_db *db)
{
	char *out = NULL;
	if (hotline_db_deadlines(&out, db, p_T("2026-11-01T00:00:00+08:00"), p_T("2026-12-31T00:00:00+08:00"), NULL) != 0)
		fail_msg("deadlines: %s", hotline_db_errmsg(db));
	return p_parse(out);
}

/* 1 when every deadline listed is a service-standard rule (S…), 0 when every one is gm-hotline's (R…). */
static int p_s_rules(const json_t *doc)
{
	const json_t *d;
	size_t i;
	int s = -1;
	json_array_foreach(json_object_get(doc, "deadlines"), i, d) {
		int is_s = json_string_value(json_object_get(d, "rule"))[0] == 'S';
		if (s >= 0 && s != is_s)
			fail_msg("rules of two policies in one list");
		s = is_s;
	}
	if (s < 0)
		fail_msg("no deadline listed");
	return s;
}

/* A handle opened without a policy computes with the recorded one, and its documents say nothing more. */
static void test_recorded_policy_is_the_default(void **state)
{
	pfx *f = *state;
	hotline_db *db = p_open(f, NULL, 1);
	json_t *doc = p_deadlines(db);
	assert_string_equal(hotline_db_policy(db), "service-standard");
	assert_int_equal(p_s_rules(doc), 1);
	assert_null(json_object_get(doc, "policy"));
	json_decref(doc);
	hotline_db_close(db);
	assert_string_equal(hotline_db_policy(f->db), "service-standard");
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

/* A writer given another policy is refused with both names, and writes nothing. */
static void test_writer_refuses_another_policy(void **state)
{
	pfx *f = *state;
	hotline_db *db = p_open(f, "gm-hotline", 0);
	hotline_case *c = NULL;
	char line[1024];
	snprintf(line, sizeof(line), P_REG, "B");
	assert_int_equal(hotline_db_exec_json(db, line, NULL, NULL), HOTLINE_EPOLICY);
	assert_non_null(strstr(hotline_db_errmsg(db), "service-standard"));
	assert_non_null(strstr(hotline_db_errmsg(db), "gm-hotline"));
	assert_int_equal(hotline_db_case(&c, f->db, "B"), HOTLINE_ENOT_FOUND);
	hotline_db_close(db);
	/* naming the recorded policy is no what-if: it writes */
	db = p_open(f, "service-standard", 0);
	assert_int_equal(hotline_db_exec_json(db, line, NULL, NULL), 0);
	hotline_db_close(db);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

/* Reading under another policy is a what-if: allowed read-only, and every document names the policy used. */
static void test_what_if_documents_name_the_policy(void **state)
{
	pfx *f = *state;
	hotline_db *db = p_open(f, "gm-hotline", 1);
	json_t *doc = p_deadlines(db), *a;
	char *out = NULL;
	assert_string_equal(hotline_db_policy(db), "gm-hotline");
	assert_int_equal(p_s_rules(doc), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "policy")), "gm-hotline");
	assert_int_equal(strlen(json_string_value(json_object_get(doc, "policy_digest"))), 64);
	json_decref(doc);
	assert_int_equal(hotline_db_explain(&out, db, "A", p_T("2026-11-20T00:00:00+08:00")), 0);
	doc = p_parse(out);
	assert_string_equal(json_string_value(json_object_get(doc, "policy")), "gm-hotline");
	assert_int_equal(strlen(json_string_value(json_object_get(doc, "policy_digest"))), 64);
	json_decref(doc);
	assert_int_equal(hotline_db_assess(&out, db, p_T("2026-11-20T00:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
	doc = p_parse(out);
	a = json_object_get(doc, "assessment");
	assert_string_equal(json_string_value(json_object_get(a, "policy")), "gm-hotline");
	assert_int_equal(strlen(json_string_value(json_object_get(a, "policy_digest"))), 64);
	json_decref(doc);
	hotline_db_close(db);
	/* the database's own reads say nothing more than before */
	assert_int_equal(hotline_db_assess(&out, f->db, p_T("2026-11-20T00:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
	doc = p_parse(out);
	assert_null(json_object_get(json_object_get(doc, "assessment"), "policy_digest"));
	json_decref(doc);
	assert_int_equal(hotline_db_explain(&out, f->db, "A", p_T("2026-11-20T00:00:00+08:00")), 0);
	doc = p_parse(out);
	assert_string_equal(json_string_value(json_object_get(doc, "policy")), "service-standard");
	assert_null(json_object_get(doc, "policy_digest"));
	json_decref(doc);
}

#endif
