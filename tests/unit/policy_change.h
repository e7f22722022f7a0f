/*
 * A `policy` line changes the database's policy from its `at` on (DESIGN
 * §6.7), shared by the embedded backends' test (test_policy_change.c) and
 * PostgreSQL's (tests/pg/test_postgres.c). Each test takes a pfx whose
 * handle made the database under service-standard (policy_record.h: the
 * fixture's directory and case A, a serious complaint registered on
 * 2026-11-10 10:00), with an administrator added.
 */
#ifndef HOTLINE_TEST_POLICY_CHANGE_H
#define HOTLINE_TEST_POLICY_CHANGE_H

#include <string.h>

#include "policy_record.h"

#define PC_ADMIN "{\"cmd\":\"person\",\"id\":\"admin\",\"name\":\"管理员\",\"roles\":[\"administrator\"]}"
#define PC_REG "{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"zhang\"," \
	"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\",\"call_taker\":\"zhang\"," \
	"\"order_taker\":\"li\",\"kind\":\"complaint\",\"severity\":\"serious\"}"
/* the middle of the month: the change every test but one makes */
#define PC_CHANGE_AT "2026-11-15T00:00:00+08:00"

/* Another handle reaches the same database (not so for "memory:", one database per handle). */
static int pc_shared(const pfx *f)
{
	return strcmp(f->uri, "memory:") != 0;
}

static void pc_admin(pfx *f)
{
	if (hotline_db_exec_json(f->db, PC_ADMIN, NULL, NULL) != 0)
		fail_msg("admin: %s", hotline_db_errmsg(f->db));
}

/* The policy line for `policy` (a built-in name) with actor and at added; free with free(). */
static char *pc_line_of(const char *text_policy_line, const char *actor, const char *at)
{
	json_t *o = json_loads(text_policy_line, 0, NULL);
	char *s;
	if (!o)
		fail_msg("policy line is not JSON");
	if (actor)
		json_object_set_new(o, "actor", json_string(actor));
	if (at)
		json_object_set_new(o, "at", json_string(at));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static char *pc_line(const char *policy, const char *actor, const char *at)
{
	char *line = NULL, *s;
	if (hotline_policy_line(&line, policy) != 0)
		fail_msg("policy line %s: %s", policy, hotline_last_error());
	s = pc_line_of(line, actor, at);
	hotline_free(line);
	return s;
}

static int pc_run(hotline_db *db, char *line)
{
	int rc = hotline_db_exec_json(db, line, NULL, NULL);
	free(line);
	return rc;
}

/* service-standard with its S1b (on site within 1 hour) given 3 hours, under another name. */
static char *pc_slow_line(void)
{
	char *line = NULL, *s;
	json_t *o, *p, *r;
	size_t i;
	if (hotline_policy_line(&line, "service-standard") != 0)
		fail_msg("policy line: %s", hotline_last_error());
	o = json_loads(line, 0, NULL);
	hotline_free(line);
	p = json_loads(json_string_value(json_object_get(o, "text")), 0, NULL);
	json_object_set_new(p, "name", json_string("service-standard-slow"));
	json_array_foreach(json_object_get(p, "rules"), i, r)
		if (strcmp(json_string_value(json_object_get(r, "id")), "S1b") == 0)
			json_object_set_new(r, "due", json_pack("{s:i}", "hours", 3));
	json_object_set_new(o, "name", json_string("service-standard-slow"));
	json_object_set_new(o, "text", json_string(s = json_dumps(p, JSON_COMPACT)));
	json_object_del(o, "digest");
	free(s);
	json_decref(p);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static json_t *pc_deadlines(hotline_db *db)
{
	char *out = NULL;
	if (hotline_db_deadlines(&out, db, p_T("2026-11-01T00:00:00+08:00"), p_T("2026-12-31T00:00:00+08:00"), NULL) != 0)
		fail_msg("deadlines: %s", hotline_db_errmsg(db));
	return p_parse(out);
}

/* Every deadline of `case_id` is of the policy whose rules start with `letter`; how many there are. */
static size_t pc_rules_of(const json_t *doc, const char *case_id, char letter)
{
	const json_t *d;
	size_t i, n = 0;
	json_array_foreach(json_object_get(doc, "deadlines"), i, d) {
		if (strcmp(json_string_value(json_object_get(d, "case")), case_id) != 0)
			continue;
		if (json_string_value(json_object_get(d, "rule"))[0] != letter)
			fail_msg("case %s: rule %s is not of the policy expected", case_id,
				json_string_value(json_object_get(d, "rule")));
		n++;
	}
	return n;
}

static const json_t *pc_find(const json_t *doc, const char *case_id, const char *rule)
{
	const json_t *d;
	size_t i;
	json_array_foreach(json_object_get(doc, "deadlines"), i, d)
		if (strcmp(json_string_value(json_object_get(d, "case")), case_id) == 0 &&
		    strcmp(json_string_value(json_object_get(d, "rule")), rule) == 0)
			return d;
	return NULL;
}

static char *pc_text(json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	return s;
}

/*
 * Mid-month: service-standard until the 15th, gm-hotline from then on. Case
 * A's clocks started on the 10th: judged under service-standard; case B,
 * registered on the 16th, under gm-hotline; A's dispatch on the 16th starts
 * gm-hotline's dispatch clocks. Every handle agrees, verify-log is clean.
 */
static void test_mid_month_change(void **state)
{
	pfx *f = *state;
	hotline_db *db;
	json_t *doc, *pol;
	char *out = NULL, *a, *b;
	char line[1024];
	assert_int_equal(pc_run(f->db, pc_line("gm-hotline", "admin", PC_CHANGE_AT)), 0);
	assert_string_equal(hotline_db_policy(f->db), "gm-hotline");
	snprintf(line, sizeof(line), PC_REG, "B", "2026-11-16T10:00:00+08:00");
	assert_int_equal(hotline_db_exec_json(f->db, line, NULL, NULL), 0);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"A\",\"at\":\"2026-11-16T11:00:00+08:00\","
		"\"actor\":\"zhang\"}"), 0);
	doc = pc_deadlines(f->db);
	assert_true(pc_rules_of(doc, "B", 'R') > 0);
	/* A: service-standard's clocks from the 10th, gm-hotline's from its dispatch on the 16th */
	assert_non_null(pc_find(doc, "A", "S3b"));
	assert_non_null(pc_find(doc, "A", "S4"));
	assert_non_null(pc_find(doc, "A", "R14a"));
	assert_null(pc_find(doc, "A", "R13"));   /* its clock started at the register, before the change */
	assert_null(pc_find(doc, "B", "S4"));
	assert_string_equal(json_string_value(json_object_get(pc_find(doc, "B", "R13"), "due")),
		"2026-11-16T11:00:00+08:00");
	assert_null(json_object_get(doc, "policy_digest"));
	a = pc_text(doc);
	/* another handle, opened with no policy, computes the same */
	db = pc_shared(f) ? p_open(f, NULL, 1) : f->db;
	assert_string_equal(hotline_db_policy(db), "gm-hotline");
	b = pc_text(pc_deadlines(db));
	assert_string_equal(a, b);
	free(b);
	assert_int_equal(hotline_db_policy_json(&out, db), 0);
	pol = p_parse(out);
	assert_string_equal(json_string_value(json_object_get(json_object_get(pol, "recorded"), "name")), "gm-hotline");
	assert_int_equal(json_array_size(json_object_get(pol, "history")), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(pol, "history"), 0), "name")),
		"service-standard");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(pol, "history"), 1), "from")),
		"2026-11-15T00:00:00+08:00");
	json_decref(pol);
	if (db != f->db)
		hotline_db_close(db);
	/* the assessment lists both policies' rules, each where its clock started */
	assert_int_equal(hotline_db_assess(&out, f->db, p_T("2026-11-27T00:00:00+08:00"), HOTLINE_FORMAT_JSON), 0);
	assert_non_null(strstr(out, "\"S4\""));
	assert_non_null(strstr(out, "\"R13\""));
	hotline_free(out);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
	if (!pc_shared(f)) {
		free(a);
		return;
	}
	/* a writer with the policy recorded before the change now differs from the one in force */
	db = p_open(f, "service-standard", 0);
	snprintf(line, sizeof(line), PC_REG, "C", "2026-11-17T10:00:00+08:00");
	assert_int_equal(hotline_db_exec_json(db, line, NULL, NULL), HOTLINE_EPOLICY);
	assert_non_null(strstr(hotline_db_errmsg(db), "gm-hotline"));
	/* as a reader it is a what-if: service-standard for all time */
	doc = pc_deadlines(db);
	assert_int_equal(pc_rules_of(doc, "B", 'S') > 0, 1);
	assert_int_equal(strlen(json_string_value(json_object_get(doc, "policy_digest"))), 64);
	json_decref(doc);
	hotline_db_close(db);
	db = p_open(f, "gm-hotline", 0);
	assert_int_equal(hotline_db_exec_json(db, line, NULL, NULL), 0);
	hotline_db_close(db);
	free(a);
}

/* A line back-dated before case A's register re-judges A: its next due recomputed in the same transaction. */
static void test_next_due_recomputed(void **state)
{
	pfx *f = *state;
	hotline_case *c = NULL;
	hotline_db *db;
	char *slow;
	assert_int_equal(hotline_db_case(&c, f->db, "A"), 0);
	assert_int_equal(hotline_case_next_due(c), p_T("2026-11-10T11:00:00+08:00"));
	hotline_case_free(c);
	slow = pc_slow_line();
	assert_int_equal(pc_run(f->db, pc_line_of(slow, "admin", "2026-11-10T09:00:00+08:00")), 0);
	free(slow);
	/* S1b now 3 hours: S1c's 4 hours come after it */
	db = pc_shared(f) ? p_open(f, NULL, 1) : f->db;
	assert_int_equal(hotline_db_case(&c, db, "A"), 0);
	assert_int_equal(hotline_case_next_due(c), p_T("2026-11-10T13:00:00+08:00"));
	hotline_case_free(c);
	assert_string_equal(hotline_db_policy(db), "service-standard-slow");
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	if (db != f->db)
		hotline_db_close(db);
}

/* Nothing changed: the policy, its listing, case A's next due. */
static void pc_unchanged(pfx *f)
{
	hotline_case *c = NULL;
	char *out = NULL;
	json_t *pol;
	assert_string_equal(hotline_db_policy(f->db), "service-standard");
	assert_int_equal(hotline_db_policy_json(&out, f->db), 0);
	pol = p_parse(out);
	assert_null(json_object_get(pol, "history"));
	json_decref(pol);
	assert_int_equal(hotline_db_case(&c, f->db, "A"), 0);
	assert_int_equal(hotline_case_next_due(c), p_T("2026-11-10T11:00:00+08:00"));
	hotline_case_free(c);
}

static void pc_refused(pfx *f, char *line, int code, const char *words)
{
	assert_int_equal(pc_run(f->db, line), code);
	if (!strstr(hotline_db_errmsg(f->db), words))
		fail_msg("message '%s' lacks '%s'", hotline_db_errmsg(f->db), words);
	pc_unchanged(f);
}

/* Bad input: a clear code and message, nothing changed. */
static void test_bad_policy_lines(void **state)
{
	pfx *f = *state;
	char *line = NULL, big[200];
	pc_refused(f, pc_line("gm-hotline", "zhang", PC_CHANGE_AT), HOTLINE_EFORBIDDEN, "administrator");
	pc_refused(f, pc_line("gm-hotline", "nobody", PC_CHANGE_AT), HOTLINE_ENOT_FOUND, "nobody");
	pc_refused(f, pc_line("gm-hotline", "admin", NULL), HOTLINE_EINVALID, "'at'");
	pc_refused(f, pc_line_of("{\"cmd\":\"policy\",\"name\":\"x\",\"text\":\"{\"}", "admin", PC_CHANGE_AT),
		HOTLINE_EINVALID, "'text'");
	pc_refused(f, pc_line_of("{\"cmd\":\"policy\",\"name\":\"x\"}", "admin", PC_CHANGE_AT), HOTLINE_EINVALID, "text");
	/* the name must be the text's, the digest the text's */
	line = pc_line("gm-hotline", "admin", PC_CHANGE_AT);
	memcpy(strstr(line, "\"name\":\"gm-hotline\""), "\"name\":\"gm-hotlinX\"", 19);
	pc_refused(f, line, HOTLINE_EINVALID, "'name'");
	line = pc_line("gm-hotline", "admin", PC_CHANGE_AT);
	snprintf(big, sizeof(big), "\"digest\":\"");
	strstr(line, big)[10] ^= 1;
	pc_refused(f, line, HOTLINE_EINVALID, "'digest'");
	/* an unknown policy has no line at all */
	assert_int_equal(hotline_policy_line(&line, "no-such-policy"), HOTLINE_EPOLICY);
	assert_non_null(strstr(hotline_last_error(), "no-such-policy"));
	assert_null(line);
	/* another zone would move every local day of the record */
	{
		json_t *o;
		char *l = pc_line("gm-hotline", "admin", PC_CHANGE_AT), *t;
		json_t *p;
		o = json_loads(l, 0, NULL);
		free(l);
		p = json_loads(json_string_value(json_object_get(o, "text")), 0, NULL);
		json_object_set_new(p, "zone", json_string("+09:00"));
		json_object_set_new(o, "text", json_string(t = json_dumps(p, JSON_COMPACT)));
		json_object_del(o, "digest");
		free(t);
		json_decref(p);
		l = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		pc_refused(f, l, HOTLINE_EINVALID, "zone");
	}
	/* a second change may not take effect before the first */
	assert_int_equal(pc_run(f->db, pc_line("gm-hotline", "admin", PC_CHANGE_AT)), 0);
	assert_int_equal(pc_run(f->db, pc_line("service-standard", "admin", "2026-11-14T00:00:00+08:00")), HOTLINE_EINVALID);
	assert_string_equal(hotline_db_policy(f->db), "gm-hotline");
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
}

#endif
