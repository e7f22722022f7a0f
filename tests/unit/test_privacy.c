/*
 * Owners' personal data (docs/privacy.md): encrypted at rest on every
 * backend, masked without the key, found by phone through the blind index,
 * erased by forget, re-wrapped by key rotation, migrated from a database
 * made before encryption; the wrong key and no key are HOTLINE_EKEY.
 */
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "core_fixture.h"
#include <hotline/storage.h>
#include <hotline/sys/storage.h>

static const unsigned char other_key[HOTLINE_KEY_BYTES] = { 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
	9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9 };

static const char *const admin_line =
	"{\"cmd\":\"person\",\"id\":\"adm\",\"name\":\"管理员\",\"roles\":[\"administrator\"]}";

#define REG(id, phone) "{\"cmd\":\"register\",\"case\":\"" id "\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\"," \
	"\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"" phone "\",\"matter\":\"楼道灯不亮\"," \
	"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"

static void tmp_path(char *buf, size_t size, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(buf, size, "%s/privacy-%d-%s.db", tmp ? tmp : "/tmp", (int)getpid(), name);
	remove(buf);
}

static void remove_db(const char *path)
{
	char side[600];
	remove(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	remove(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	remove(side);
}

static int open_key(hotline_db **db, const char *uri, const unsigned char *key, const char *id)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	o.key = key;
	o.key_id = id;
	return hotline_db_open(db, uri, &o);
}

static char *read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long len;
	*n = 0;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len + 1);
	*n = fread(buf, 1, (size_t)len, f);
	fclose(f);
	return buf;
}

static int contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;
	for (i = 0; k && i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

/* The JSON \u escapes of a UTF-8 string ("王" -> "\u738b"), as an ASCII-only encoder writes it. */
static void u_escaped(const char *s, char *out, size_t size, int upper)
{
	json_t *v = json_string(s);
	char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	size_t i;
	snprintf(out, size, "%.*s", (int)strlen(t) - 2, t + 1);
	for (i = 0; upper && out[i]; i++)
		if (out[i] >= 'a' && out[i] <= 'f' && i > 0)
			out[i] = (char)(out[i] - 'a' + 'A');
	free(t);
	json_decref(v);
}

/* After the demo month the file and its WAL hold none of its phone numbers or owner names, in any encoding. */
static void test_demo_month_grep(void **state)
{
	hotline_replay_options ro = HOTLINE_REPLAY_OPTIONS_INIT;
	const char *files[1] = { HOTLINE_SOURCE_DIR "/examples/demo-month.jsonl" };
	char path[512], uri[600], side[600], *out = NULL, line[8192], esc[256];
	FILE *f;
	size_t n[2], checked = 0;
	char *bytes[2];
	hotline_db *db;
	int w;
	(void)state;
	tmp_path(path, sizeof(path), "month");
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	ro.db_uri = uri;
	ro.key = fixture_key;
	ro.key_id = FIXTURE_KEY_ID;
	assert_int_equal(hotline_replay(&out, files, 1, &ro), 0);
	hotline_free(out);
	/* a reader keeps the WAL in place while the files are read */
	assert_int_equal(open_key(&db, uri, NULL, NULL), 0);
	bytes[0] = read_all(path, &n[0]);
	snprintf(side, sizeof(side), "%s-wal", path);
	bytes[1] = read_all(side, &n[1]);
	assert_non_null(bytes[0]);
	assert_non_null(f = fopen(files[0], "r"));
	while (fgets(line, sizeof(line), f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *fields[] = { "phone", "owner" };
		int k;
		const char *cmd = json_string_value(json_object_get(o, "cmd"));
		if (!o || !cmd || strcmp(cmd, "register") != 0) {
			json_decref(o);
			continue;
		}
		for (k = 0; k < 2; k++) {
			const char *v = json_string_value(json_object_get(o, fields[k]));
			if (!v)
				continue;
			for (w = 0; w < 2; w++) {
				if (!bytes[w])
					continue;
				if (contains(bytes[w], n[w], v))
					fail_msg("%s '%s' is in the %s in clear", fields[k], v, w ? "WAL" : "database file");
				u_escaped(v, esc, sizeof(esc), 0);
				assert_false(contains(bytes[w], n[w], esc));
				u_escaped(v, esc, sizeof(esc), 1);
				assert_false(contains(bytes[w], n[w], esc));
			}
			checked++;
		}
		json_decref(o);
	}
	fclose(f);
	assert_true(checked >= 400);
	/* and the log still proves itself without the key */
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	hotline_db_close(db);
	free(bytes[0]);
	free(bytes[1]);
	remove_db(path);
}

static void run_basics(const char *uri)
{
	hotline_db *db, *nokey;
	hotline_case *c;
	hotline_case_list *l;
	hotline_event_list *h;
	char *text;
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, admin_line, NULL, NULL), 0);
	assert_int_equal(exec_fmt(db, REG("C1", "13800000000")), 0);
	assert_int_equal(exec_fmt(db, REG("C2", "+86 138-0000-0000")), 0);
	assert_int_equal(exec_fmt(db, REG("C3", "13911112222")), 0);
	/* with the key: clear values, in the snapshot and in the history */
	assert_int_equal(hotline_db_case(&c, db, "C1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "13800000000");
	assert_string_equal(hotline_case_field(c, "owner"), "王女士");
	assert_string_equal(hotline_case_field(c, "room"), "3-201");
	assert_non_null(strstr(hotline_case_json(c), "13800000000"));
	hotline_case_free(c);
	assert_int_equal(hotline_db_history(&h, db, "C1"), 0);
	assert_non_null(strstr(hotline_event_json(hotline_event_list_get(h, 0)), "\"phone\":\"13800000000\""));
	hotline_event_list_free(h);
	/* the blind index: normalised numbers, ordered by id */
	assert_int_equal(hotline_db_cases_by_phone(&l, db, "0086 138 0000 0000"), 0);
	assert_int_equal(hotline_case_list_count(l), 2);
	assert_string_equal(hotline_case_id(hotline_case_list_get(l, 0)), "C1");
	assert_string_equal(hotline_case_id(hotline_case_list_get(l, 1)), "C2");
	assert_string_equal(hotline_case_field(hotline_case_list_get(l, 1), "phone"), "+86 138-0000-0000");
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_cases_by_phone(&l, db, "13900000000"), 0);
	assert_int_equal(hotline_case_list_count(l), 0);
	hotline_case_list_free(l);
	/* a corrected phone moves the case in the index */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"correct_record\",\"case\":\"C3\",\"at\":\"2026-11-02T10:00:00+08:00\","
		"\"actor\":\"zhang\",\"fields\":[\"phone\"],\"values\":{\"phone\":\"13800000000\"}}"), 0);
	assert_int_equal(hotline_db_cases_by_phone(&l, db, "13800000000"), 0);
	assert_int_equal(hotline_case_list_count(l), 3);
	hotline_case_list_free(l);
	/* a retried register (same command_id, same content) is recognised through the encryption */
	{
		int64_t s1 = 0, s2 = 0;
		int rep = 0;
		const char *cmd = "{\"cmd\":\"register\",\"case\":\"C4\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
			"\"property\":\"P1\",\"room\":\"1\",\"owner\":\"赵先生\",\"phone\":\"13512345678\",\"matter\":\"m\","
			"\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"command_id\":\"reg-c4\"}";
		assert_int_equal(hotline_db_exec_json(db, cmd, &s1, &rep), 0);
		assert_int_equal(rep, 0);
		assert_int_equal(hotline_db_exec_json(db, cmd, &s2, &rep), 0);
		assert_int_equal(rep, 1);
		assert_true(s1 == s2);
	}
	hotline_db_close(db);

	/* without the key: masks, no index, no personal writes; rules still run */
	assert_int_equal(open_key(&nokey, uri, NULL, NULL), 0);
	if (strcmp(uri, "memory:") != 0) {
		assert_int_equal(hotline_db_case(&c, nokey, "C1"), 0);
		assert_string_equal(hotline_case_field(c, "phone"), "138****0000");
		assert_string_equal(hotline_case_field(c, "owner"), "王**");
		assert_string_equal(hotline_case_field(c, "room"), "3-2**");
		assert_null(strstr(hotline_case_json(c), "13800000000"));
		hotline_case_free(c);
		assert_int_equal(hotline_db_cases_by_phone(&l, nokey, "13800000000"), HOTLINE_EKEY);
		assert_int_equal(exec_fmt(nokey, REG("C9", "13700000000")), HOTLINE_EKEY);
		assert_int_equal(hotline_db_errcode(nokey), HOTLINE_EKEY);
		assert_int_equal(exec_fmt(nokey, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
		/* exports carry no personal field */
		assert_int_equal(hotline_db_assess(&text, nokey, 1795708800, HOTLINE_FORMAT_JSON), 0);
		assert_null(strstr(text, "13800000000"));
		assert_null(strstr(text, "王女士"));
		hotline_free(text);
		assert_int_equal(hotline_db_assess(&text, nokey, 1795708800, HOTLINE_FORMAT_CSV), 0);
		assert_null(strstr(text, "13800000000"));
		hotline_free(text);
		assert_int_equal(hotline_db_explain(&text, nokey, "C1", 1795708800), 0);
		assert_null(strstr(text, "13800000000"));
		assert_null(strstr(text, "138****"));
		hotline_free(text);
		/* forget needs no key: the administrator erases */
		assert_int_equal(exec_fmt(nokey, "{\"cmd\":\"forget\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"zhang\"}"),
			HOTLINE_EFORBIDDEN);
		assert_int_equal(exec_fmt(nokey, "{\"cmd\":\"forget\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"adm\","
			"\"reason\":\"PIPL Art. 47\"}"), 0);
		assert_int_equal(hotline_db_verify_log(nokey, NULL, NULL), 0);
		hotline_db_close(nokey);
		/* the wrong key is refused at open, naming the expected key */
		assert_int_equal(open_key(&nokey, uri, other_key, "other"), HOTLINE_EKEY);
		assert_non_null(strstr(hotline_last_error(), FIXTURE_KEY_ID));
		/* after forget: [erased] even with the key, the case leaves the index, and takes no personal data */
		assert_int_equal(fixture_open(&db, uri, NULL), 0);
		assert_int_equal(hotline_db_case(&c, db, "C1"), 0);
		assert_string_equal(hotline_case_field(c, "phone"), "[erased]");
		assert_string_equal(hotline_case_field(c, "owner"), "[erased]");
		hotline_case_free(c);
		assert_int_equal(hotline_db_history(&h, db, "C1"), 0);
		assert_non_null(strstr(hotline_event_json(hotline_event_list_get(h, 0)), "\"phone\":\"[erased]\""));
		hotline_event_list_free(h);
		assert_int_equal(hotline_db_cases_by_phone(&l, db, "13800000000"), 0);
		assert_int_equal(hotline_case_list_count(l), 2);
		hotline_case_list_free(l);
		assert_int_equal(exec_fmt(db, "{\"cmd\":\"correct_record\",\"case\":\"C1\",\"at\":\"2026-11-03T10:00:00+08:00\","
			"\"actor\":\"zhang\",\"fields\":[\"owner\"],\"values\":{\"owner\":\"王女士\"}}"), HOTLINE_EINVALID);
		/* rotation: the old key stops working, the new one reads, events untouched */
		{
			hotline_event_list *before, *after;
			assert_int_equal(hotline_db_history(&before, db, "C2"), 0);
			assert_int_equal(hotline_db_rotate_key(db, other_key, "k2"), 0);
			assert_int_equal(hotline_db_history(&after, db, "C2"), 0);
			assert_string_equal(hotline_event_hash(hotline_event_list_get(before, 0)),
				hotline_event_hash(hotline_event_list_get(after, 0)));
			hotline_event_list_free(before);
			hotline_event_list_free(after);
		}
		hotline_db_close(db);
		assert_int_equal(fixture_open(&db, uri, NULL), HOTLINE_EKEY);
		assert_non_null(strstr(hotline_last_error(), "k2"));
		assert_int_equal(open_key(&db, uri, other_key, "k2"), 0);
		assert_int_equal(hotline_db_case(&c, db, "C2"), 0);
		assert_string_equal(hotline_case_field(c, "owner"), "王女士");
		hotline_case_free(c);
		assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
		hotline_db_close(db);
	} else {
		hotline_db_close(nokey);
	}
}

static void test_sqlite(void **state)
{
	char path[512], uri[600];
	(void)state;
	tmp_path(path, sizeof(path), "basics");
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	run_basics(uri);
	remove_db(path);
}

/* memory: the same through the memory backend's tables, and its rollback */
static void test_memory(void **state)
{
	hotline_db *db;
	hotline_case_list *l;
	hotline_case *c;
	(void)state;
	run_basics("memory:");
	/* a memory database given no key makes one of its own */
	assert_int_equal(hotline_db_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, admin_line, NULL, NULL), 0);
	assert_int_equal(exec_fmt(db, REG("C1", "13800000000")), 0);
	assert_int_equal(hotline_db_cases_by_phone(&l, db, "13800000000"), 0);
	assert_int_equal(hotline_case_list_count(l), 1);
	hotline_case_list_free(l);
	/* a batch rolled back takes the key and index rows with it */
	assert_int_equal(hotline_db_begin(db), 0);
	assert_int_equal(exec_fmt(db, REG("C2", "13800000000")), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"forget\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"adm\"}"), 0);
	assert_int_equal(hotline_db_rollback(db), 0);
	assert_int_equal(hotline_db_cases_by_phone(&l, db, "13800000000"), 0);
	assert_int_equal(hotline_case_list_count(l), 1);
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_case(&c, db, "C1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "13800000000");
	hotline_case_free(c);
	hotline_db_close(db);
}

/* A database created unencrypted on purpose remembers it; forget has nothing to destroy there. */
static void test_unencrypted_on_purpose(void **state)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	char path[512], uri[600], *text;
	hotline_db *db;
	(void)state;
	tmp_path(path, sizeof(path), "clear");
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	o.flags = HOTLINE_DB_UNENCRYPTED;
	assert_int_equal(hotline_db_open(&db, uri, &o), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, admin_line, NULL, NULL), 0);
	assert_int_equal(exec_fmt(db, REG("C1", "13800000000")), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"forget\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"adm\"}"),
		HOTLINE_EINVALID);
	hotline_db_close(db);
	assert_int_equal(hotline_db_open(&db, uri, NULL), 0);
	assert_int_equal(hotline_db_encryption(&text, db), 0);
	assert_non_null(strstr(text, "\"mode\":\"unencrypted\""));
	hotline_free(text);
	hotline_db_close(db);
	/* the choice is made at creation: a database holding encrypted data refuses it */
	assert_int_equal(hotline_db_open(&db, "memory:", &o), 0);
	hotline_db_close(db);
	remove_db(path);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, REG("C1", "13800000000")), 0);
	hotline_db_close(db);
	assert_int_equal(hotline_db_open(&db, uri, &o), HOTLINE_EINVALID);
	remove_db(path);
}

/* A database made before encryption: snapshots encrypted through encrypt_record events; old events reported. */
static void test_migration(void **state)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	char path[512], uri[600], *text;
	hotline_db *db;
	hotline_case *c;
	hotline_case_list *l;
	sqlite3 *s;
	size_t n = 0;
	(void)state;
	tmp_path(path, sizeof(path), "legacy");
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	o.flags = HOTLINE_DB_UNENCRYPTED;
	assert_int_equal(hotline_db_open(&db, uri, &o), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, REG("C1", "13800000000")), 0);
	assert_int_equal(exec_fmt(db, REG("C2", "13911112222")), 0);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	hotline_db_close(db);
	/* as a database written before this library knew encryption: no settings at all */
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_exec(s, "DELETE FROM settings", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	/* without a key nothing personal is written; reads are masked */
	assert_int_equal(hotline_db_open(&db, uri, NULL), 0);
	assert_int_equal(exec_fmt(db, REG("C3", "13700000000")), HOTLINE_EKEY);
	assert_int_equal(hotline_db_case(&c, db, "C1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "138****0000");
	hotline_case_free(c);
	assert_int_equal(hotline_db_encrypt_existing(db, &n), HOTLINE_EKEY);
	hotline_db_close(db);
	/* with the key: the migration, one transaction */
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	assert_int_equal(hotline_db_encrypt_existing(db, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(hotline_db_encrypt_existing(db, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(hotline_db_case(&c, db, "C1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "13800000000");
	assert_string_equal(hotline_case_state(c) == HOTLINE_STATE_DISPATCHED ? "ok" : "state", "ok");
	hotline_case_free(c);
	assert_int_equal(hotline_db_cases_by_phone(&l, db, "13800000000"), 0);
	assert_int_equal(hotline_case_list_count(l), 1);
	hotline_case_list_free(l);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	assert_int_equal(hotline_db_encryption(&text, db), 0);
	assert_non_null(strstr(text, "\"clear_events\":2"));
	assert_non_null(strstr(text, "\"clear_cases\":0"));
	assert_non_null(strstr(text, "\"mode\":\"encrypted\""));
	hotline_free(text);
	/* a client cannot record the migration's event itself */
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"encrypt_record\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\","
		"\"values\":{\"phone\":\"1\"}}"), HOTLINE_EINVALID);
	hotline_db_close(db);
	/* the snapshots no longer hold the clear values */
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	{
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(s, "SELECT count(*) FROM cases WHERE body LIKE '%13800000000%'", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(s);
	remove_db(path);
}

static void test_masks_and_key_files(void **state)
{
	char path[512], id[65];
	unsigned char key[HOTLINE_KEY_BYTES];
	FILE *f;
	hotline_db *db;
	hotline_case *c;
	(void)state;
	tmp_path(path, sizeof(path), "keyfile");
	assert_non_null(f = fopen(path, "w"));
	fputs("  prod-2026:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", f);
	fclose(f);
	assert_int_equal(hotline_key_file_read(path, key, id, sizeof(id)), 0);
	assert_string_equal(id, "prod-2026");
	assert_int_equal(key[31], 0x1f);
	assert_non_null(f = fopen(path, "w"));
	fputs("0001\n", f);
	fclose(f);
	assert_int_equal(hotline_key_file_read(path, key, id, sizeof(id)), HOTLINE_EINVALID);
	remove(path);
	/* masks of short values never show the whole value */
	assert_int_equal(hotline_db_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	assert_int_equal(exec_fmt(db, "{\"cmd\":\"register\",\"case\":\"S\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"property\":\"P1\",\"room\":\"5\",\"owner\":\"王\",\"phone\":\"110\",\"matter\":\"m\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"), 0);
	assert_int_equal(hotline_db_case(&c, db, "S"), 0);
	assert_string_equal(hotline_case_field(c, "owner"), "王");
	hotline_case_free(c);
	hotline_db_close(db);
}

/* The forgotten case of the forget tests: values no other case shares, so any trace of them is its own. */
#define REG_FORGOTTEN "{\"cmd\":\"register\",\"case\":\"F1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\"," \
	"\"property\":\"P1\",\"room\":\"7-808\",\"owner\":\"欧阳娜娜\",\"phone\":\"13612345678\",\"matter\":\"漏水\"," \
	"\"call_taker\":\"zhang\",\"order_taker\":\"li\"}"
#define CORRECT_FORGOTTEN "{\"cmd\":\"correct_record\",\"case\":\"F1\",\"at\":\"2026-11-02T10:00:00+08:00\"," \
	"\"actor\":\"zhang\",\"fields\":[\"phone\"],\"values\":{\"phone\":\"13787654321\"}}"
#define FORGET_F1 "{\"cmd\":\"forget\",\"case\":\"F1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"adm\"}"

/* What must not be found after F1 is forgotten: its clear values and the masks the library showed for them. */
typedef struct traces {
	char *items[16];
	size_t n;
} traces;

static void traces_add(traces *t, const char *s)
{
	char esc[256];
	assert_true(t->n + 3 <= sizeof(t->items) / sizeof(t->items[0]));
	t->items[t->n++] = strdup(s);
	/* an ASCII-only JSON encoder would write the non-ASCII characters as \u escapes */
	u_escaped(s, esc, sizeof(esc), 0);
	if (strcmp(esc, s) != 0) {
		t->items[t->n++] = strdup(esc);
		u_escaped(s, esc, sizeof(esc), 1);
		t->items[t->n++] = strdup(esc);
	}
}

static void traces_free(traces *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		free(t->items[i]);
	t->n = 0;
}

/*
 * F1 registered and its phone corrected, then C2. The masks are the ones the
 * library shows a reader without the key (checked through `nokey` when the
 * backend lets a second handle read).
 */
static void forgotten_setup(hotline_db *db, hotline_db *nokey, traces *t)
{
	static const char *const fields[] = { "owner", "phone", "room" };
	static const char *const masks[] = { "欧***", "136****5678", "7-8**" };
	static const char *const clear[] = { "欧阳娜娜", "13612345678", "7-808", "13787654321" };
	hotline_event_list *h;
	hotline_case *c;
	size_t i;
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, admin_line, NULL, NULL), 0);
	assert_int_equal(exec_fmt(db, REG_FORGOTTEN), 0);
	if (nokey) {
		json_t *b;
		assert_int_equal(hotline_db_history(&h, nokey, "F1"), 0);
		b = json_loads(hotline_event_json(hotline_event_list_get(h, 0)), 0, NULL);
		for (i = 0; i < 3; i++)
			assert_string_equal(json_string_value(json_object_get(b, fields[i])), masks[i]);
		json_decref(b);
		hotline_event_list_free(h);
	}
	for (i = 0; i < 3; i++)
		traces_add(t, masks[i]);
	assert_int_equal(exec_fmt(db, CORRECT_FORGOTTEN), 0);
	if (nokey) {
		assert_int_equal(hotline_db_case(&c, nokey, "F1"), 0);
		assert_string_equal(hotline_case_field(c, "phone"), "137****4321");
		hotline_case_free(c);
	}
	traces_add(t, "137****4321");
	for (i = 0; i < sizeof(clear) / sizeof(clear[0]); i++)
		traces_add(t, clear[i]);
	assert_int_equal(exec_fmt(db, REG("C2", "13911112222")), 0);
}

/* After forget the other case still reads masked without the key and clear with it; the log verifies. */
static void others_intact(hotline_db *db, hotline_db *nokey)
{
	hotline_case *c;
	hotline_event_list *h;
	assert_int_equal(hotline_db_case(&c, nokey, "C2"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "139****2222");
	assert_string_equal(hotline_case_field(c, "owner"), "王**");
	assert_string_equal(hotline_case_field(c, "room"), "3-2**");
	hotline_case_free(c);
	assert_int_equal(hotline_db_history(&h, nokey, "C2"), 0);
	assert_non_null(strstr(hotline_event_json(hotline_event_list_get(h, 0)), "\"phone\":\"139****2222\""));
	hotline_event_list_free(h);
	assert_int_equal(hotline_db_case(&c, db, "C2"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "13911112222");
	assert_string_equal(hotline_case_field(c, "owner"), "王女士");
	hotline_case_free(c);
	assert_int_equal(hotline_db_case(&c, nokey, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "[erased]");
	assert_string_equal(hotline_case_field(c, "owner"), "[erased]");
	hotline_case_free(c);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	assert_int_equal(hotline_db_verify_log(nokey, NULL, NULL), 0);
}

static void assert_no_trace(const char *what, const char *bytes, size_t n, const traces *t)
{
	size_t i;
	for (i = 0; bytes && i < t->n; i++)
		if (contains(bytes, n, t->items[i]))
			fail_msg("'%s' of the forgotten case is still in %s", t->items[i], what);
}

/* forget leaves no mask (and no clear value) of the case in the SQLite file or its WAL. */
static void test_forget_erases_masks_sqlite(void **state)
{
	char path[512], uri[600], side[600], *bytes[2], *record = NULL;
	size_t n[2];
	traces t = { { NULL }, 0 };
	hotline_db *db, *nokey;
	hotline_case *c;
	hotline_event_list *h;
	sqlite3 *s;
	sqlite3_stmt *q;
	(void)state;
	tmp_path(path, sizeof(path), "forget");
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	assert_int_equal(open_key(&nokey, uri, NULL, NULL), 0);
	forgotten_setup(db, nokey, &t);
	/* the case's key record as stored: none of it may outlive forget */
	assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "SELECT wrapped FROM case_keys WHERE case_id = 'F1'", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	record = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(s);
	/* the handle with the key has F1's keys in hand; another handle forgets it */
	assert_int_equal(hotline_db_case(&c, db, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "owner"), "欧阳娜娜");
	hotline_case_free(c);
	assert_int_equal(exec_fmt(nokey, FORGET_F1), 0);
	assert_int_equal(hotline_db_case(&c, db, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "owner"), "[erased]");
	hotline_case_free(c);
	assert_int_equal(hotline_db_history(&h, db, "F1"), 0);
	assert_non_null(strstr(hotline_event_json(hotline_event_list_get(h, 0)), "\"owner\":\"[erased]\""));
	hotline_event_list_free(h);
	others_intact(db, nokey);
	/* both handles still open: the WAL is in place while the files are read */
	bytes[0] = read_all(path, &n[0]);
	snprintf(side, sizeof(side), "%s-wal", path);
	bytes[1] = read_all(side, &n[1]);
	assert_non_null(bytes[0]);
	assert_no_trace("the database file", bytes[0], n[0], &t);
	assert_no_trace("the WAL", bytes[1], n[1], &t);
	assert_false(contains(bytes[0], n[0], record));
	assert_false(bytes[1] && contains(bytes[1], n[1], record));
	free(bytes[0]);
	free(bytes[1]);
	free(record);
	hotline_db_close(nokey);
	hotline_db_close(db);
	/* and after a reopen */
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	assert_int_equal(open_key(&nokey, uri, NULL, NULL), 0);
	others_intact(db, nokey);
	hotline_db_close(nokey);
	hotline_db_close(db);
	bytes[0] = read_all(path, &n[0]);
	assert_no_trace("the database file", bytes[0], n[0], &t);
	free(bytes[0]);
	traces_free(&t);
	remove_db(path);
}

typedef struct mem_scan {
	const traces *t;
	size_t rows;
} mem_scan;

static void scan_text(mem_scan *m, const char *what, const char *text)
{
	if (text)
		assert_no_trace(what, text, strlen(text), m->t);
	m->rows++;
}

static int mem_event_cb(const hotline_storage_event *e, void *payload)
{
	scan_text(payload, "an event row", e->body);
	return 0;
}

static int mem_case_cb(const hotline_storage_case *c, void *payload)
{
	scan_text(payload, "a case row", c->body);
	return 0;
}

static int mem_key_cb(const char *case_id, const char *kek_id, const char *wrapped, void *payload)
{
	(void)kek_id;
	assert_string_not_equal(case_id, "F1");
	scan_text(payload, "a key row", wrapped);
	return 0;
}

/* The same through the memory backend's rows (one handle: a memory database has no second reader). */
static void test_forget_erases_masks_memory(void **state)
{
	hotline_storage_query all = HOTLINE_STORAGE_QUERY_INIT;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_storage *st;
	hotline_db *db;
	hotline_case *c;
	traces t = { { NULL }, 0 };
	mem_scan m;
	(void)state;
	assert_int_equal(hotline_storage_memory_new(&st), 0);
	o.key = fixture_key;
	o.key_id = FIXTURE_KEY_ID;
	assert_int_equal(hotline_db_open_storage(&db, st, &o), 0);
	forgotten_setup(db, NULL, &t);
	assert_int_equal(exec_fmt(db, FORGET_F1), 0);
	memset(&m, 0, sizeof(m));
	m.t = &t;
	assert_int_equal(st->begin(st, 0), 0);
	assert_int_equal(st->events_foreach(st, NULL, mem_event_cb, &m), 0);
	assert_int_equal(st->cases_foreach(st, &all, mem_case_cb, &m), 0);
	assert_int_equal(st->keys->case_keys_foreach(st, mem_key_cb, &m), 0);
	st->rollback(st);
	assert_true(m.rows > 10);
	assert_int_equal(hotline_db_case(&c, db, "C2"), 0);
	assert_string_equal(hotline_case_field(c, "owner"), "王女士");
	hotline_case_free(c);
	assert_int_equal(hotline_db_case(&c, db, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "owner"), "[erased]");
	hotline_case_free(c);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	hotline_db_close(db);
	traces_free(&t);
}

/*
 * A database written before mask keys (tests/data/privacy-v1.db: the
 * replay of privacy-v1.jsonl with tests/data/test.key by the previous
 * release): its values {"enc", "masked"} read as before, a correction adds
 * a mask key to the case's key record, forget erases, verify-log passes.
 * The masks of the old events stay: they are in the clear (privacy.md).
 */
static void test_values_before_mask_keys(void **state)
{
	char path[512], uri[600], *bytes;
	size_t n;
	FILE *out;
	hotline_db *db, *nokey;
	hotline_case *c;
	hotline_event_list *h;
	(void)state;
	tmp_path(path, sizeof(path), "v1");
	assert_non_null(bytes = read_all(HOTLINE_SOURCE_DIR "/tests/data/privacy-v1.db", &n));
	assert_non_null(out = fopen(path, "wb"));
	assert_int_equal(fwrite(bytes, 1, n, out), n);
	fclose(out);
	free(bytes);
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	assert_int_equal(fixture_open(&db, uri, NULL), 0);
	assert_int_equal(open_key(&nokey, uri, NULL, NULL), 0);
	assert_int_equal(hotline_db_case(&c, db, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "13612345678");
	assert_string_equal(hotline_case_field(c, "owner"), "欧阳娜娜");
	hotline_case_free(c);
	assert_int_equal(hotline_db_case(&c, nokey, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "136****5678");
	assert_string_equal(hotline_case_field(c, "owner"), "欧***");
	hotline_case_free(c);
	/* a correction on the old case: its new values' masks are sealed under a mask key the record gains */
	assert_int_equal(hotline_db_begin(db), 0);
	assert_int_equal(exec_fmt(db, CORRECT_FORGOTTEN), 0);
	assert_int_equal(hotline_db_rollback(db), 0); /* the mask key goes with the batch, and this handle knows it */
	assert_int_equal(exec_fmt(db, CORRECT_FORGOTTEN), 0);
	assert_int_equal(hotline_db_case(&c, nokey, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "137****4321");
	assert_string_equal(hotline_case_field(c, "owner"), "欧***");
	hotline_case_free(c);
	assert_int_equal(hotline_db_case(&c, db, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "13787654321");
	assert_string_equal(hotline_case_field(c, "owner"), "欧阳娜娜");
	hotline_case_free(c);
	assert_int_equal(hotline_db_history(&h, nokey, "F1"), 0);
	assert_non_null(strstr(hotline_event_json(hotline_event_list_get(h, 0)), "\"phone\":\"136****5678\""));
	assert_non_null(strstr(hotline_event_json(hotline_event_list_get(h, 1)), "\"phone\":\"137****4321\""));
	hotline_event_list_free(h);
	/* a rotation keeps the mask key */
	assert_int_equal(hotline_db_rotate_key(db, other_key, "k2"), 0);
	hotline_db_close(db);
	assert_int_equal(open_key(&db, uri, other_key, "k2"), 0);
	assert_int_equal(hotline_db_case(&c, nokey, "F1"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "137****4321");
	hotline_case_free(c);
	assert_int_equal(hotline_db_case(&c, db, "C2"), 0);
	assert_string_equal(hotline_case_field(c, "owner"), "王女士");
	hotline_case_free(c);
	assert_int_equal(exec_fmt(db, FORGET_F1), 0);
	assert_int_equal(hotline_db_history(&h, db, "F1"), 0);
	assert_non_null(strstr(hotline_event_json(hotline_event_list_get(h, 0)), "\"phone\":\"[erased]\""));
	assert_non_null(strstr(hotline_event_json(hotline_event_list_get(h, 1)), "\"phone\":\"[erased]\""));
	hotline_event_list_free(h);
	assert_int_equal(hotline_db_case(&c, nokey, "C2"), 0);
	assert_string_equal(hotline_case_field(c, "phone"), "139****2222");
	hotline_case_free(c);
	assert_int_equal(hotline_db_verify_log(db, NULL, NULL), 0);
	hotline_db_close(nokey);
	hotline_db_close(db);
	/* what forget can and cannot take back: the corrected phone's mask is gone, the registered one's stays */
	bytes = read_all(path, &n);
	assert_false(contains(bytes, n, "137****4321"));
	assert_true(contains(bytes, n, "136****5678"));
	free(bytes);
	remove_db(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_month_grep),
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_unencrypted_on_purpose),
		cmocka_unit_test(test_migration),
		cmocka_unit_test(test_masks_and_key_files),
		cmocka_unit_test(test_forget_erases_masks_sqlite),
		cmocka_unit_test(test_forget_erases_masks_memory),
		cmocka_unit_test(test_values_before_mask_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
