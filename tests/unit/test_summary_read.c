/*
 * Reading rules summaries for an assessment (rules/summary.h,
 * core/snapshot_summary.h) and the assessment's rows: a summary read into
 * the memory of the one before is the summary read fresh; the summary is
 * found at the end of a snapshot whatever '~' the snapshot holds; every row
 * of the document (breaches, open deadlines, penalties, evidence) is its own
 * canonical text, provisional ones included.
 */
#include "core_fixture.h"

#include <jansson.h>

#include "core/snapshot_summary.h"
#include "rules/summary.h"
#include "util/json.h"
#include "util/mem.h"

/* ---- reading into the same memory ---- */

static const char *const texts[] = {
	/* a closed case, one verify, one item without body */
	"[1,1793952000,\"P1\",\"zhang\",1793926800,1793952000,59,-1,0,-1,0,1,1793948400,1,1,"
	"0,0,1,0,1793926800,50,1793930400,1793927400,51,1793952000,59,0,0,1,null]",
	/* another property and call taker, bodies, a chain end, flags, no verify */
	"[1,1793495400,\"P2\",\"li\",1793494800,-1,0,1793495000,7,1793495100,6,0,3,"
	"0,0,2,0,1793494800,8,1793498400,-1,0,-1,0,0,0,5,{\"liable\":\"wu\"},"
	"1,1,3,0,1793495400,9,1793502600,-1,0,-1,0,1793502600,4,3,null,"
	"2,0,7,1,1793495400,9,-1,-1,0,-1,0,-1,0,0,{\"due\":\"2026-11-02T00:00:00+08:00\",\"liable\":[\"a\",\"b\"]}]",
	/* escapes in a string, no call taker, many verifies */
	"[1,5,\"P\\u00e9\",null,1,2,3,4,5,6,7,3,10,1,11,0,12,1,0]",
	/* the same property as the first again */
	"[1,9,\"P1\",\"zhang\",1,-1,0,-1,0,-1,0,0,0]",
};

static void same_summary(const hotline__summary *a, const hotline__summary *b)
{
	size_t i;
	assert_int_equal(a->max_at, b->max_at);
	assert_true((!a->property && !b->property) || (a->property && b->property && !strcmp(a->property, b->property)));
	assert_true((!a->call_taker && !b->call_taker) ||
		(a->call_taker && b->call_taker && !strcmp(a->call_taker, b->call_taker)));
	assert_int_equal(a->registered_at, b->registered_at);
	assert_int_equal(a->closed_at, b->closed_at);
	assert_int_equal(a->close_seq, b->close_seq);
	assert_int_equal(a->approved_at, b->approved_at);
	assert_int_equal(a->approve_seq, b->approve_seq);
	assert_int_equal(a->exempt_from, b->exempt_from);
	assert_int_equal(a->request_seq, b->request_seq);
	assert_int_equal(a->n_verify, b->n_verify);
	for (i = 0; i < a->n_verify; i++) {
		assert_int_equal(a->verify[i].at, b->verify[i].at);
		assert_int_equal(a->verify[i].confirmed, b->verify[i].confirmed);
	}
	assert_int_equal(a->n_items, b->n_items);
	for (i = 0; i < a->n_items; i++) {
		const hotline__sum_item *x = &a->items[i], *y = &b->items[i];
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->era, y->era);
		assert_int_equal(x->rule, y->rule);
		assert_int_equal(x->matcher, y->matcher);
		assert_int_equal(x->started_at, y->started_at);
		assert_int_equal(x->start_seq, y->start_seq);
		assert_int_equal(x->due, y->due);
		assert_int_equal(x->met_at, y->met_at);
		assert_int_equal(x->met_seq, y->met_seq);
		assert_int_equal(x->stop_at, y->stop_at);
		assert_int_equal(x->stop_seq, y->stop_seq);
		assert_int_equal(x->missed_until, y->missed_until);
		assert_int_equal(x->links, y->links);
		assert_int_equal(x->current, y->current);
		assert_int_equal(x->missed, y->missed);
		assert_int_equal(x->provisional, y->provisional);
		assert_true((!x->body && !y->body) || json_equal(x->body, y->body));
	}
}

/* Each text read after the others into the same summary is what a fresh read gives; a bad one leaves nothing. */
static void test_parse_again(void **state)
{
	hotline__summary again, fresh;
	size_t round, i;
	(void)state;
	memset(&again, 0, sizeof(again));
	for (round = 0; round < 3; round++)
		for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
			size_t k = (i + round) % (sizeof(texts) / sizeof(texts[0]));
			assert_int_equal(hotline__summary_parse(texts[k], strlen(texts[k]), &fresh), 0);
			assert_int_equal(hotline__summary_parse_again(texts[k], strlen(texts[k]), &again), 0);
			same_summary(&again, &fresh);
			hotline__summary_free(&fresh);
		}
	/* the text may go on after len; what is not a summary of this version fails and frees */
	{
		static const char *const bad[] = {
			"[1,1.5,null,null,0,0,0,0,0,0,0,0,0]", "[1,12345678901234567890,null,null,0,0,0,0,0,0,0,0,0]",
			"[1,9223372036854775808,null,null,0,0,0,0,0,0,0,0,0]", "[1,-,null,null,0,0,0,0,0,0,0,0,0]",
			"[1,,null,null,0,0,0,0,0,0,0,0,0]", "[2,0,null,null,0,0,0,0,0,0,0,0,0]",
			"[1,0,null,null,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,[]]",
			"[1,0,null,null,0,0,0,0,0,0,0,0,0", "[1,0,null,null,0,0,0,0,0,0,0,0,-1]",
		};
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(hotline__summary_parse_again(texts[1], strlen(texts[1]), &again), 0);
			assert_int_equal(hotline__summary_parse_again(bad[i], strlen(bad[i]), &again), HOTLINE_ECORRUPT);
			assert_null(again.items);
			assert_null(again.property);
			assert_int_equal(again.n_items, 0);
		}
		/* the largest instant there is, and the text going on past len */
		{
			const char *t = "[1,9223372036854775807,null,null,0,0,0,0,0,0,0,0,0]123";
			assert_int_equal(hotline__summary_parse_again(t, strlen(t) - 3, &again), 0);
			assert_int_equal(again.max_at, INT64_MAX);
		}
	}
	hotline__summary_free(&again);
}

/* ---- the summary's place in a snapshot ---- */

static void test_summary_found_past_tildes(void **state)
{
	static const char *const with[] = {
		"{\"a\":\"~\",\"b\":\"x,\\\"~summary\\\":1\",\"c\":{\"~summary\":[0]},\"~summary\":[1,2]}",
		"{\"~x\":1,\"~summary\":[1,\"~~\"]}",
		"{\"~summary\":[1]}",
	};
	static const char *const without[] = { "{\"a\":\"~summary\"}", "{\"a\":1}", "{\"a\":\"~\"}", "~", "" };
	size_t i, len;
	const char *p;
	(void)state;
	p = hotline__snapshot_summary(with[0], &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "[1,2]", 5);
	p = hotline__snapshot_summary(with[1], &len);
	assert_non_null(p);
	assert_int_equal(len, 8);
	assert_memory_equal(p, "[1,\"~~\"]", 8);
	/* the first member is no member after a comma: not a summary the library wrote */
	assert_null(hotline__snapshot_summary(with[2], &len));
	for (i = 0; i < sizeof(without) / sizeof(without[0]); i++)
		assert_null(hotline__snapshot_summary(without[i], &len));
	{
		char *s = hotline__snapshot_with_summary(hotline__strdup("{\"a\":\"~\"}"), "[1]");
		assert_non_null(s);
		p = hotline__snapshot_summary(s, &len);
		assert_non_null(p);
		assert_int_equal(len, 3);
		hotline__snapshot_strip_summary(s);
		assert_string_equal(s, "{\"a\":\"~\"}");
		free(s);
	}
}

/* ---- the rows of the document ---- */

static void exec(hotline_db *db, const char *line)
{
	if (hotline_db_exec_json(db, line, NULL, NULL) != 0)
		fail_msg("%s: %s", line, hotline_db_errmsg(db));
}

/* Every row line of doc (an element of a ROWS array) is the canonical text of its value; returns rows seen. */
static size_t rows_canonical(const char *doc, size_t *provisional)
{
	const char *p = doc;
	size_t rows = 0;
	while ((p = strchr(p, '\n')) != NULL) {
		const char *end;
		size_t n;
		char *line, *canon;
		json_t *v;
		p++;
		if (*p != '{')
			continue;
		end = strchr(p, '\n');
		n = end ? (size_t)(end - p) : strlen(p);
		line = malloc(n + 1);
		assert_non_null(line);
		memcpy(line, p, n);
		line[n] = 0;
		/* the row, without the separator or the ends of arrays and objects after it */
		v = NULL;
		while (n > 1) {
			while (n && line[n - 1] != '}')
				n--;
			line[n] = 0;
			if ((v = json_loads(line, 0, NULL)) != NULL)
				break;
			n--;
		}
		assert_non_null(v);
		canon = hotline__json_canonical(v);
		assert_non_null(canon);
		if (strcmp(canon, line) != 0)
			fail_msg("a row is not its canonical text:\n%s\n%s", line, canon);
		*provisional += json_is_true(json_object_get(v, "provisional"));
		rows++;
		free(canon);
		free(line);
		json_decref(v);
	}
	return rows;
}

static void test_rows_are_canonical(void **state)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_time as_of[3];
	char path[512], uri[600], line[1024];
	hotline_db *db;
	size_t i, rows = 0, provisional = 0;
	int n;
	(void)state;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "summary-read-rows");
	o.policy = "service-standard";
	assert_int_equal(fixture_open(&db, uri, &o), 0);
	fixture_load(db);
	/* cases of late December: their working-day deadlines run into a year without holiday data */
	for (n = 0; n < 12; n++) {
		snprintf(line, sizeof(line), "{\"cmd\":\"register\",\"case\":\"R%d\",\"at\":\"2026-12-%02dT10:00:00+08:00\","
			"\"actor\":\"zhang\",\"property\":\"%s\",\"room\":\"1\",\"owner\":\"王\",\"phone\":\"1\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"kind\":\"complaint\",\"severity\":\"%s\"}",
			n, 18 + n, n % 2 ? "P2" : "P1", n % 3 ? "serious" : "general");
		exec(db, line);
		if (n % 4 == 3)
			continue;
		snprintf(line, sizeof(line), "{\"cmd\":\"dispatch\",\"case\":\"R%d\",\"at\":\"2026-12-%02dT10:20:00+08:00\","
			"\"actor\":\"zhang\"}", n, 18 + n);
		exec(db, line);
		snprintf(line, sizeof(line), "{\"cmd\":\"onsite_visit\",\"case\":\"R%d\",\"at\":\"2026-12-%02dT10:20:00+08:00\","
			"\"actor\":\"%s\"}", n, 18 + n, n % 2 ? "wu2" : "wu");
		exec(db, line);
		snprintf(line, sizeof(line), "{\"cmd\":\"reply\",\"case\":\"R%d\",\"at\":\"2026-12-%02dT10:20:00+08:00\","
			"\"actor\":\"zhang\",\"text\":\"t\"}", n, 18 + n);
		exec(db, line);
	}
	assert_int_equal(hotline_time_parse(&as_of[0], "2026-12-27T00:00:00+08:00"), 0);
	assert_int_equal(hotline_time_parse(&as_of[1], "2027-01-27T00:00:00+08:00"), 0);
	assert_int_equal(hotline_time_parse(&as_of[2], "2027-02-27T00:00:00+08:00"), 0);
	for (i = 0; i < 3; i++) {
		char *doc = NULL;
		assert_int_equal(hotline_db_assess(&doc, db, as_of[i], HOTLINE_FORMAT_JSON), 0);
		rows += rows_canonical(doc, &provisional);
		hotline_free(doc);
	}
	assert_true(rows > 50);
	assert_true(provisional > 0);
	hotline_db_close(db);
	fixture_sqlite_remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_again),
		cmocka_unit_test(test_summary_found_past_tildes),
		cmocka_unit_test(test_rows_are_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
