/*
 * The document hotline_replay returns: its text is the pretty form
 * (hotline__json_pretty, indent 2) of its own values, byte for byte, as
 * when it was built as JSON values and printed; the cases it lists are the
 * stored ones, in id order, and its assessment is the one hotline_db_assess
 * gives over the same database; every refused line is listed, and the
 * document is UTF-8 even where a message was cut short or a file name is
 * not UTF-8.
 */
#include "core_fixture.h"

#include "util/json.h"

static hotline_time T(const char *s)
{
	hotline_time t;
	if (hotline_time_parse(&t, s) != 0)
		fail_msg("bad instant %s", s);
	return t;
}

/* The document's text is the pretty form of its values. */
static json_t *check_layout(const char *out)
{
	json_error_t jerr;
	json_t *doc = json_loads(out, 0, &jerr);
	char *again;
	if (!doc)
		fail_msg("the replay document is not JSON: %s", jerr.text);
	again = hotline__json_pretty(doc, 2);
	assert_non_null(again);
	if (strcmp(again, out) != 0) {
		size_t i = 0;
		while (again[i] && again[i] == out[i])
			i++;
		fail_msg("the document is not laid out as its pretty form, from byte %zu: %.60s", i, out + i);
	}
	free(again);
	return doc;
}

/* Every listed case is the stored one, in id order. */
static void check_cases(hotline_db *db, const json_t *cases)
{
	const char *prev = NULL;
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		hotline_case *hc = NULL;
		assert_non_null(id);
		if (prev)
			assert_true(strcmp(prev, id) < 0);
		prev = id;
		assert_int_equal(hotline_db_case(&hc, db, id), 0);
		assert_string_equal(json_string_value(json_object_get(c, "state")), hotline_state_name(hotline_case_state(hc)));
		assert_string_equal(json_string_value(json_object_get(c, "approval")),
			hotline_approval_name(hotline_case_approval(hc)));
		assert_int_equal(json_is_true(json_object_get(c, "exempt")), hotline_case_exempt(hc) != 0);
		assert_int_equal(json_integer_value(json_object_get(c, "version")), hotline_case_version(hc));
		hotline_case_free(hc);
	}
}

/* Replays files into a scratch database; checks the layout, the cases and the assessment against the database. */
static json_t *replay_checked(const char *const *files, size_t n, hotline_time as_of, size_t *n_cases)
{
	hotline_replay_options ro = HOTLINE_REPLAY_OPTIONS_INIT;
	char path[512], uri[600], *out = NULL, *assessed = NULL;
	hotline_db *db;
	json_t *doc, *ref;
	fixture_sqlite_file(path, sizeof(path), uri, sizeof(uri), "replay-doc");
	ro.db_uri = uri;
	ro.key = fixture_key;
	ro.key_id = FIXTURE_KEY_ID;
	ro.as_of = as_of;
	if (hotline_replay(&out, files, n, &ro) != 0)
		fail_msg("replay: %s", hotline_last_error());
	doc = check_layout(out);
	hotline_free(out);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	check_cases(db, json_object_get(doc, "cases"));
	*n_cases = json_array_size(json_object_get(doc, "cases"));
	if (json_is_null(json_object_get(doc, "assessment"))) {
		assert_int_equal(json_array_size(json_object_get(doc, "penalties")), 0);
	} else {
		const char *at = json_string_value(json_object_get(json_object_get(doc, "assessment"), "as_of"));
		assert_non_null(at);
		assert_int_equal(hotline_db_assess(&assessed, db, T(at), HOTLINE_FORMAT_JSON), 0);
		ref = json_loads(assessed, 0, NULL);
		assert_non_null(ref);
		assert_true(json_equal(json_object_get(ref, "assessment"), json_object_get(doc, "assessment")));
		assert_true(json_equal(json_object_get(ref, "penalties"), json_object_get(doc, "penalties")));
		json_decref(ref);
		hotline_free(assessed);
	}
	hotline_db_close(db);
	fixture_sqlite_remove(path);
	return doc;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The shipped scenarios, alone and together (lines tagged with their files), at their end and earlier. */
static void test_documents(void **state)
{
	static const char *const one[][1] = {
		{ HOTLINE_SOURCE_DIR "/examples/demo-month.jsonl" },
		{ HOTLINE_SOURCE_DIR "/examples/guide/frontend.jsonl" },
		{ HOTLINE_SOURCE_DIR "/tests/docs/requests.jsonl" },
		{ HOTLINE_SOURCE_DIR "/tests/scenarios/new-year.jsonl" },
	};
	static const char *const three[] = {
		HOTLINE_SOURCE_DIR "/examples/guide/frontend.jsonl",
		HOTLINE_SOURCE_DIR "/examples/guide/frontend.jsonl",
		HOTLINE_SOURCE_DIR "/tests/docs/staff-changes.jsonl",
	};
	size_t i, n;
	json_t *doc;
	(void)state;
	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
		json_decref(replay_checked(one[i], 1, HOTLINE_TIME_NONE, &n));
		assert_true(n > 0 || i == 2);
	}
	/* as of a day in the month: cases with later events are assessed from their events */
	doc = replay_checked(one[0], 1, T("2026-11-10T00:00:00+08:00"), &n);
	assert_true(n > 150);
	json_decref(doc);
	/* the same lines twice: refused and repeated lines tagged with their files */
	doc = replay_checked(three, 3, HOTLINE_TIME_NONE, &n);
	assert_true(json_array_size(json_object_get(doc, "refused")) > 0);
	assert_true(json_array_size(json_object_get(doc, "repeated")) > 0);
	assert_non_null(json_object_get(json_array_get(json_object_get(doc, "repeated"), 0), "file"));
	json_decref(doc);
}

/* No line with an instant: no assessment, the cases still listed. */
static void test_no_instant(void **state)
{
	char path[512];
	const char *files[1] = { path };
	char *out = NULL;
	json_t *doc;
	(void)state;
	snprintf(path, sizeof(path), "%s/replay-doc-%d.jsonl", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	write_file(path, "# nothing dated\n{\"cmd\":\"person\",\"id\":\"x\"}\n\n");
	assert_int_equal(hotline_replay(&out, files, 1, NULL), 0);
	doc = check_layout(out);
	assert_true(json_is_null(json_object_get(doc, "assessment")));
	assert_int_equal(json_array_size(json_object_get(doc, "cases")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "refused")), 1);
	json_decref(doc);
	hotline_free(out);
	remove(path);
}

/*
 * A refusal whose message is cut at its buffer's end inside a character is
 * listed, its message up to the last whole character (it was left out of
 * the document).
 */
static void test_message_cut_inside_character(void **state)
{
	char path[512], line[1200];
	const char *files[1] = { path };
	char *out = NULL;
	const char *msg;
	json_t *doc, *refused;
	size_t len, k;
	int shift;
	(void)state;
	snprintf(path, sizeof(path), "%s/replay-cut-%d.jsonl", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	/* one, two and three ASCII letters ahead of the 3-byte characters: one of them cuts inside one */
	for (shift = 0; shift < 3; shift++) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		snprintf(line, sizeof(line), "{\"cmd\":\"%.*s", shift + 1, "xyz");
		for (k = 0; k < 300; k++)
			strcat(line, "\xE4\xB8\xAD");   /* 中 */
		strcat(line, "\",\"at\":\"2026-11-01T09:00:00+08:00\",\"actor\":\"zhang\"}\n");
		fputs(line, f);
		fputs("{\"cmd\":\"close\",\"case_id\":\"c\",\"at\":\"2026-11-01T09:00:00+08:00\",\"actor\":\"zhang\"}\n", f);
		fclose(f);
		assert_int_equal(hotline_replay(&out, files, 1, NULL), 0);
		doc = check_layout(out);
		refused = json_object_get(doc, "refused");
		assert_int_equal(json_array_size(refused), 2);
		msg = json_string_value(json_object_get(json_array_get(refused, 0), "message"));
		assert_non_null(msg);
		len = strlen(msg);
		assert_true(len > 400);
		assert_memory_equal(msg + len - 3, "\xE4\xB8\xAD", 3);
		json_decref(doc);
		hotline_free(out);
	}
	remove(path);
}

/* A file name that is not UTF-8 cannot be a JSON string: that file's lines go untagged, the others keep theirs. */
static void test_file_name_not_utf8(void **state)
{
	char bad[512], good[512];
	const char *files[2] = { bad, good };
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	const char *text = "{\"cmd\":\"close\",\"case_id\":\"c\",\"at\":\"2026-11-01T09:00:00+08:00\",\"actor\":\"zhang\"}\n";
	char *out = NULL;
	json_t *doc, *refused;
	(void)state;
	snprintf(bad, sizeof(bad), "%s/replay-\xFF-%d.jsonl", dir, (int)getpid());
	snprintf(good, sizeof(good), "%s/replay-ok-%d.jsonl", dir, (int)getpid());
	write_file(bad, text);
	write_file(good, text);
	assert_int_equal(hotline_replay(&out, files, 2, NULL), 0);
	doc = check_layout(out);
	refused = json_object_get(doc, "refused");
	assert_int_equal(json_array_size(refused), 2);
	assert_null(json_object_get(json_array_get(refused, 0), "file"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(refused, 1), "file")), good);
	json_decref(doc);
	hotline_free(out);
	remove(bad);
	remove(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_no_instant),
		cmocka_unit_test(test_message_cut_inside_character),
		cmocka_unit_test(test_file_name_not_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
