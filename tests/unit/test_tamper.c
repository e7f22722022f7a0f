/*
 * Tampering with a SQLite file the library wrote, with SQL as an attacker
 * with write access to the file would: each test makes one edit and says
 * what detects it — verify-log (the hash chains, the snapshots and the
 * directory rebuilt from the events, the append-only triggers) and/or a
 * checkpoint taken before the edit — and what does not.
 */
#include "core_fixture.h"

#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/eventlog.h"

typedef struct fixture {
	hotline_db *db;
	char dir[256], path[300], uri[310];
	char *ckpt;            /* unsigned, of the whole log before the edit */
	char *signed_ckpt;     /* the same, signed */
	unsigned char pk[32];
} fixture;

static const unsigned char seed[32] = "a host's signing seed, 32 bytes";

static const char *const case_lines[] = {
	/* C1: closed */
	"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"decide_measures\",\"case\":\"C1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"li\",\"measures\":\"更换灯具\",\"department_head\":\"wu\"}",
	"{\"cmd\":\"onsite_visit\",\"case\":\"C1\",\"at\":\"2026-11-02T15:00:00+08:00\",\"actor\":\"wu\"}",
	"{\"cmd\":\"submit_visit_form\",\"case\":\"C1\",\"at\":\"2026-11-02T16:00:00+08:00\",\"actor\":\"li\"}",
	"{\"cmd\":\"complete\",\"case\":\"C1\",\"at\":\"2026-11-02T17:00:00+08:00\",\"actor\":\"li\"}",
	"{\"cmd\":\"followup\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"li\",\"satisfied\":true}",
	"{\"cmd\":\"supervisor_check\",\"case\":\"C1\",\"at\":\"2026-11-03T11:00:00+08:00\",\"actor\":\"zhao\"}",
	"{\"cmd\":\"verify\",\"case\":\"C1\",\"at\":\"2026-11-03T14:00:00+08:00\",\"actor\":\"zhang\",\"outcome\":\"confirmed\"}",
	"{\"cmd\":\"close\",\"case\":\"C1\",\"at\":\"2026-11-04T10:00:00+08:00\",\"actor\":\"gm\"}",
	/* C2: open, with deadlines pending */
	"{\"cmd\":\"register\",\"case\":\"C2\",\"at\":\"2026-11-05T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P2\",\"room\":\"1-101\",\"owner\":\"李先生\",\"phone\":\"13900000000\",\"matter\":\"漏水\",\"call_taker\":\"zhang\",\"order_taker\":\"li2\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C2\",\"at\":\"2026-11-05T09:20:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"decide_measures\",\"case\":\"C2\",\"at\":\"2026-11-05T10:00:00+08:00\",\"actor\":\"li2\",\"measures\":\"维修管道\",\"department_head\":\"wu2\"}",
	/* C3: just registered */
	"{\"cmd\":\"register\",\"case\":\"C3\",\"at\":\"2026-11-06T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"2-302\",\"owner\":\"赵女士\",\"phone\":\"13700000000\",\"matter\":\"噪音\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
	/* the directory over time: an update and a corrected bonus, the organisation stream's tail */
	"{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"],\"at\":\"2026-11-10T00:00:00+08:00\"}",
	"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-11\",\"amount_fen\":30000,\"at\":\"2026-11-20T00:00:00+08:00\"}",
	NULL
};

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	hotline_checkpoint_options o = HOTLINE_CHECKPOINT_OPTIONS_INIT;
	const char *tmp = getenv("TMPDIR");
	const char *const *l;
	snprintf(f->dir, sizeof(f->dir), "%s/hotline-tamper-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	snprintf(f->uri, sizeof(f->uri), "sqlite:%s", f->path);
	if (fixture_open(&f->db, f->uri, NULL) != 0)
		return -1;
	fixture_load(f->db);
	for (l = case_lines; *l; l++)
		if (hotline_db_exec_json(f->db, *l, NULL, NULL) != 0)
			fail_msg("%s: %s", *l, hotline_db_errmsg(f->db));
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), 0);
	assert_int_equal(hotline_db_checkpoint(&f->ckpt, f->db, NULL), 0);
	o.secret_key = seed;
	o.secret_key_len = sizeof(seed);
	assert_int_equal(hotline_db_checkpoint(&f->signed_ckpt, f->db, &o), 0);
	assert_int_equal(hotline_checkpoint_public_key(f->pk, seed, sizeof(seed)), 0);
	hotline_db_close(f->db);
	f->db = NULL;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char cmd[400];
	hotline_db_close(f->db);
	hotline_free(f->ckpt);
	hotline_free(f->signed_ckpt);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

/* The attacker's edit, straight into the file. */
static void sql(fixture *f, const char *text)
{
	sqlite3 *s;
	char *err = NULL;
	assert_int_equal(sqlite3_open(f->path, &s), SQLITE_OK);
	if (sqlite3_exec(s, text, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", text, err ? err : "?");
	sqlite3_free(err);
	sqlite3_close(s);
}

static void drop_triggers(fixture *f)
{
	sql(f, "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete");
}

static void reopen(fixture *f)
{
	hotline_db_close(f->db);
	assert_int_equal(fixture_open(&f->db, f->uri, NULL), 0);
}

/* The report of the whole log; returns its code. */
static int report(fixture *f, json_t **out)
{
	hotline_verify_options o = HOTLINE_VERIFY_OPTIONS_INIT;
	char *text = NULL;
	int rc = hotline_db_verify_report(&text, f->db, &o);
	assert_non_null(text);
	*out = json_loads(text, 0, NULL);
	assert_non_null(*out);
	hotline_free(text);
	return rc;
}

/* The finding of `code` whose case or directory key is `subject` (NULL: any), or NULL. */
static json_t *find(json_t *r, const char *code, const char *subject)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(r, "findings"), i, x) {
		const char *c = json_string_value(json_object_get(x, "case"));
		const char *k = json_string_value(json_object_get(json_object_get(x, "directory"), "key"));
		if (strcmp(json_string_value(json_object_get(x, "code")), code) != 0)
			continue;
		if (!subject || (c && strcmp(c, subject) == 0) || (k && strcmp(k, subject) == 0))
			return x;
	}
	return NULL;
}

static size_t n_findings(json_t *r)
{
	return json_array_size(json_object_get(r, "findings"));
}

/* 1 when a difference of `field` is listed in the finding. */
static int differs_in(json_t *finding, const char *field)
{
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(finding, "differences"), i, d)
		if (strcmp(json_string_value(json_object_get(d, "field")), field) == 0)
			return 1;
	return 0;
}

static void expect_checkpoints_hold(fixture *f)
{
	assert_int_equal(hotline_db_verify_checkpoint(f->db, f->ckpt, NULL), 0);
	assert_int_equal(hotline_db_verify_checkpoint(f->db, f->signed_ckpt, f->pk), 0);
}

static void expect_checkpoints_fail(fixture *f)
{
	assert_int_equal(hotline_db_verify_checkpoint(f->db, f->ckpt, NULL), HOTLINE_ECORRUPT);
	assert_int_equal(hotline_db_verify_checkpoint(f->db, f->signed_ckpt, f->pk), HOTLINE_ECORRUPT);
}

/* Nothing edited: every check passes; the rebuilt snapshots and directory equal the stored ones. */
static void test_untouched(void **state)
{
	fixture *f = *state;
	json_t *r;
	reopen(f);
	assert_int_equal(report(f, &r), 0);
	assert_true(json_is_true(json_object_get(r, "ok")));
	assert_int_equal(n_findings(r), 0);
	assert_int_equal(json_integer_value(json_object_get(r, "cases")), 3);
	assert_int_equal(json_integer_value(json_object_get(r, "directory_records")), 13);
	assert_string_equal(json_string_value(json_object_get(r, "protection")), "checked");
	json_decref(r);
	expect_checkpoints_hold(f);
	assert_true(strlen(f->signed_ckpt) <= HOTLINE_CHECKPOINT_MAX);
	assert_int_equal(strncmp(f->ckpt, "hlc1:", 5), 0);
	/* a signed checkpoint's prefix is the unsigned one */
	assert_int_equal(strncmp(f->ckpt, f->signed_ckpt, strlen(f->ckpt)), 0);
}

/* Event body changed (triggers dropped first, then UPDATE): its hash no longer matches. Detected by both. */
static void test_event_body_changed(void **state)
{
	fixture *f = *state;
	json_t *r, *x;
	/* with the triggers in place the UPDATE is refused */
	{
		sqlite3 *s;
		assert_int_equal(sqlite3_open(f->path, &s), SQLITE_OK);
		assert_int_not_equal(sqlite3_exec(s, "UPDATE events SET body = body WHERE stream = 'C1'", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(s);
	}
	drop_triggers(f);
	sql(f, "UPDATE events SET body = replace(body, '更换灯具', '无') WHERE stream = 'C1' AND stream_seq = 3");
	reopen(f);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "C1"));
	assert_non_null(strstr(hotline_db_errmsg(f->db), "event 3"));
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(x = find(r, "event_altered", "C1"));
	assert_int_equal(json_integer_value(json_object_get(x, "version")), 3);
	assert_non_null(find(r, "trigger_missing", NULL));
	json_decref(r);
	expect_checkpoints_fail(f);
}

/* A case's tail deleted (its snapshot kept): verify-log sees the snapshot ahead of its events; the checkpoint's count. */
static void test_case_tail_deleted(void **state)
{
	fixture *f = *state;
	json_t *r;
	drop_triggers(f);
	sql(f, "DELETE FROM events WHERE stream = 'C2' AND stream_seq = 3");
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "snapshot_stale", "C2"));
	json_decref(r);
	expect_checkpoints_fail(f);
}

/* A whole case deleted, events and snapshot: what is left is consistent, so only the checkpoint detects it. */
static void test_whole_case_deleted(void **state)
{
	fixture *f = *state;
	json_t *r;
	drop_triggers(f);
	sql(f, "DELETE FROM events WHERE stream = 'C3'; DELETE FROM cases WHERE id = 'C3';"
		/* and the triggers put back, so that not even their absence gives it away */
		"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
		"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;");
	reopen(f);
	assert_int_equal(report(f, &r), 0);   /* not detectable by verify-log */
	json_decref(r);
	expect_checkpoints_fail(f);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "deleted"));
	/* half of it is: the events without the snapshot, or the snapshot without the events */
}

/* Only the events of a case deleted, or only its snapshot: verify-log names the case. */
static void test_case_half_deleted(void **state)
{
	fixture *f = *state;
	json_t *r;
	drop_triggers(f);
	sql(f, "DELETE FROM events WHERE stream = 'C3'; DELETE FROM cases WHERE id = 'C2'");
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "snapshot_without_events", "C3"));
	assert_non_null(find(r, "events_without_snapshot", "C2"));
	json_decref(r);
}

/* A snapshot row changed: the snapshot rebuilt from the events differs. The checkpoint covers events, not snapshots. */
static void test_snapshot_changed(void **state)
{
	fixture *f = *state;
	json_t *r, *x;
	sql(f, "UPDATE cases SET state = 5 WHERE id = 'C2'");
	/* the phone is stored encrypted, its mask too: the sealed mask is what is changed */
	sql(f, "UPDATE cases SET body = json_set(body, '$.ledger.phone.mask', 'v1:AAAA'), next_due = NULL WHERE id = 'C3'");
	reopen(f);
	assert_int_equal(hotline_db_verify_log(f->db, "C2", NULL), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "C2"));
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(x = find(r, "snapshot_differs", "C2"));
	assert_true(differs_in(x, "state"));
	assert_non_null(x = find(r, "snapshot_differs", "C3"));
	assert_true(differs_in(x, "body.ledger.phone"));
	assert_true(differs_in(x, "next_due"));
	assert_null(find(r, "snapshot_differs", "C1"));
	assert_int_equal(json_integer_value(json_object_get(r, "findings_total")), 2);
	json_decref(r);
	expect_checkpoints_hold(f);
}

/* The organisation stream's tail deleted with the record it wrote: consistent, so only the checkpoint detects it. */
static void test_org_tail_deleted(void **state)
{
	fixture *f = *state;
	json_t *r;
	drop_triggers(f);
	sql(f, "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events WHERE stream = '');"
		"DELETE FROM directory WHERE kind = 'bonus' AND id LIKE 'li|2026-11' || char(31) || '%'");
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "trigger_missing", NULL));   /* the dropped triggers only */
	assert_null(find(r, "directory_record_unexplained", NULL));
	json_decref(r);
	expect_checkpoints_fail(f);
}

/* The organisation stream's tail deleted but not its record: verify-log finds a record no event wrote. */
static void test_org_tail_event_deleted(void **state)
{
	fixture *f = *state;
	json_t *r;
	drop_triggers(f);
	sql(f, "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events WHERE stream = '')");
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "directory_record_unexplained", NULL));
	json_decref(r);
	expect_checkpoints_fail(f);
}

/* Directory records edited (a specialist made group_head, a bonus changed), deleted, added. */
static void test_directory_edited(void **state)
{
	fixture *f = *state;
	json_t *r, *x;
	sql(f, "UPDATE directory SET body = replace(body, 'hotline_specialist', 'group_head') WHERE kind = 'person' AND id = 'zhang'");
	sql(f, "UPDATE directory SET body = replace(body, '20000', '2000') WHERE kind = 'bonus' AND id = 'li|2026-11'");
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(x = find(r, "directory_record_differs", "zhang"));
	assert_true(differs_in(x, "body.roles"));
	assert_non_null(x = find(r, "directory_record_differs", "li|2026-11"));
	assert_true(differs_in(x, "body.amount_fen"));
	json_decref(r);
	expect_checkpoints_fail(f);
}

static void test_directory_deleted(void **state)
{
	fixture *f = *state;
	json_t *r;
	sql(f, "DELETE FROM directory WHERE kind = 'property' AND id = 'P2'");
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "directory_record_missing", "P2"));
	json_decref(r);
	expect_checkpoints_fail(f);
}

/* A record added with no event: verify-log finds it; a checkpoint covers what events wrote, so it holds. */
static void test_directory_added(void **state)
{
	fixture *f = *state;
	json_t *r;
	sql(f, "INSERT INTO directory(kind, id, body) VALUES('person', 'mole',"
		" '{\"cmd\":\"person\",\"id\":\"mole\",\"name\":\"X\",\"roles\":[\"administrator\"]}')");
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "directory_record_unexplained", "mole"));
	json_decref(r);
	expect_checkpoints_hold(f);
}

/* A dropped trigger, and one replaced by a trigger that lets everything through. Detected by verify-log only. */
static void test_trigger_dropped(void **state)
{
	fixture *f = *state;
	json_t *r, *x;
	sql(f, "DROP TRIGGER events_no_delete; DROP TRIGGER events_no_update;"
		"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END");
	reopen(f);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "events_no_"));
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(x = find(r, "trigger_missing", NULL));
	assert_non_null(strstr(json_string_value(json_object_get(x, "message")), "events_no_delete"));
	assert_non_null(x = find(r, "trigger_changed", NULL));
	assert_non_null(strstr(json_string_value(json_object_get(x, "message")), "events_no_update"));
	assert_int_equal(n_findings(r), 2);
	json_decref(r);
	expect_checkpoints_hold(f);
	/* one case's verification looks at its stream only */
	assert_int_equal(hotline_db_verify_log(f->db, "C1", NULL), 0);
}

/*
 * Appends a forged event to C2 with a valid chain link, computed as the
 * library computes it, under the id `id` (kept in its body too, as the
 * library keeps it; NULL: none, as events logged before ids); returns its hash.
 */
static void forge_id(fixture *f, const char *cmd, const char *actor, const char *at, const char *extra, int64_t seq,
	const char *id, char hash[65])
{
	hotline_event_list *l;
	char body[512], prev[65];
	hotline_time t;
	int64_t n;
	sqlite3 *s;
	sqlite3_stmt *st;
	reopen(f);
	assert_int_equal(hotline_db_history(&l, f->db, "C2"), 0);
	n = (int64_t)hotline_event_list_count(l);
	snprintf(prev, sizeof(prev), "%s", hotline_event_hash(hotline_event_list_get(l, (size_t)n - 1)));
	hotline_event_list_free(l);
	hotline_db_close(f->db);
	f->db = NULL;
	assert_int_equal(hotline_time_parse(&t, at), 0);
	/* canonical: keys sorted */
	snprintf(body, sizeof(body), "{\"actor\":\"%s\",\"at\":\"%s\",\"case\":\"C2\",\"cmd\":\"%s\"%s%s%s%s}", actor, at, cmd,
		id ? ",\"command_id\":\"" : "", id ? id : "", id ? "\"" : "", extra);
	hotline__event_hash("C2", n + 1, cmd, actor, t, body, prev, hash);
	assert_int_equal(sqlite3_open(f->path, &s), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(s, "INSERT INTO events(seq, stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id)"
		" VALUES(?1, 'C2', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", -1, &st, NULL), SQLITE_OK);
	if (seq)
		sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int64(st, 2, n + 1);
	sqlite3_bind_text(st, 3, cmd, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, t);
	sqlite3_bind_text(st, 6, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, hash, -1, SQLITE_STATIC);
	if (id)
		sqlite3_bind_text(st, 9, id, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(s);
}

static void forge(fixture *f, const char *cmd, const char *actor, const char *at, const char *extra, int64_t seq,
	char hash[65])
{
	forge_id(f, cmd, actor, at, extra, seq, "forged-1", hash);
}

/*
 * A forged event appended with a valid chain. With the snapshot left alone,
 * verify-log sees it stale; with the snapshot's version and head moved on
 * but its content not rebuilt as the library would, the rebuilt snapshot
 * differs (its last_at, its body's version). Only a snapshot rewritten
 * exactly as the library would write it hides the forgery from verify-log.
 * Appended after the checkpoint's seq it is outside what the
 * checkpoint covers: the checkpoint still holds.
 */
static void test_forged_event_appended(void **state)
{
	fixture *f = *state;
	char hash[65], upd[300];
	json_t *r, *x;
	forge(f, "onsite_visit", "wu2", "2026-11-05T15:00:00+08:00", "", 0, hash);
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "snapshot_stale", "C2"));
	assert_int_equal(n_findings(r), 1);
	json_decref(r);
	expect_checkpoints_hold(f);
	hotline_db_close(f->db);
	f->db = NULL;
	snprintf(upd, sizeof(upd), "UPDATE cases SET version = 4, head_hash = '%s' WHERE id = 'C2'", hash);
	sql(f, upd);
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(x = find(r, "snapshot_differs", "C2"));
	assert_true(differs_in(x, "last_at"));
	assert_true(differs_in(x, "body.version"));
	json_decref(r);
}

/* A forged event the lifecycle table does not allow (closing a case in progress): named even with the snapshot moved on. */
static void test_forged_event_not_allowed(void **state)
{
	fixture *f = *state;
	char hash[65], upd[300];
	json_t *r;
	forge(f, "close", "gm", "2026-11-05T15:00:00+08:00", "", 0, hash);
	snprintf(upd, sizeof(upd), "UPDATE cases SET version = 4, head_hash = '%s', state = 5 WHERE id = 'C2'", hash);
	sql(f, upd);
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "event_not_allowed", "C2"));
	json_decref(r);
}

/* A forged event given a seq inside the checkpoint's range (here -1, before every event): the count gives it away. */
static void test_forged_event_inside_checkpoint(void **state)
{
	fixture *f = *state;
	char hash[65];
	forge(f, "onsite_visit", "wu2", "2026-11-05T15:00:00+08:00", "", -1, hash);
	reopen(f);
	expect_checkpoints_fail(f);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "inserted"));
}

/* The append-only triggers put back as the schema has them, so that not even their absence gives an edit away. */
#define RESTORE_TRIGGERS \
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;" \
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"

/*
 * Events' ids edited (the id column is outside the event hash; the body
 * holds the id too): one renamed, one removed. verify-log names each event,
 * a checkpoint covering one fails, and a command sent again under its id is
 * not applied a second time; a command under the id an event was renamed
 * to is not answered by that event.
 */
static void test_event_id_edited(void **state)
{
	fixture *f = *state;
	const char *reply = "{\"cmd\":\"reply\",\"case\":\"C2\",\"at\":\"2026-11-05T11:00:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"稍等\",\"command_id\":\"again\"}";
	const char *other = "{\"cmd\":\"reply\",\"case\":\"C2\",\"at\":\"2026-11-05T11:00:00+08:00\",\"actor\":\"zhang\","
		"\"text\":\"另一条\",\"command_id\":\"zzz\"}";
	json_t *r, *x;
	int64_t seq = 0, close_seq = 0, v0 = 0, v1 = 0;
	hotline_event_list *l;
	reopen(f);
	assert_int_equal(hotline_db_exec_json(f->db, reply, &seq, NULL), 0);
	assert_int_equal(hotline_db_history(&l, f->db, "C1"), 0);
	close_seq = hotline_event_seq(hotline_event_list_get(l, hotline_event_list_count(l) - 1));
	hotline_event_list_free(l);
	case_state(f->db, "C2", NULL, &v0);
	hotline_db_close(f->db);
	f->db = NULL;
	drop_triggers(f);
	sql(f, "UPDATE events SET id = 'zzz' WHERE seq = (SELECT max(seq) FROM events WHERE stream = 'C1');"
		"UPDATE events SET id = NULL WHERE id = 'again';" RESTORE_TRIGGERS);
	reopen(f);
	assert_int_equal(hotline_db_verify_log(f->db, NULL, NULL), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "id"));
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(x = find(r, "event_id_differs", "C1"));
	assert_int_equal(json_integer_value(json_object_get(x, "seq")), close_seq);
	assert_non_null(x = find(r, "event_id_differs", "C2"));
	assert_int_equal(json_integer_value(json_object_get(x, "seq")), seq);
	assert_int_equal(n_findings(r), 2);
	json_decref(r);
	/* one case's verification too */
	assert_int_equal(hotline_db_verify_log(f->db, "C1", NULL), HOTLINE_ECORRUPT);
	/* the checkpoint covers C1's last event, not the reply after it */
	expect_checkpoints_fail(f);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "id that is not"));
	/* sent again, the reply is not applied a second time; another command under 'zzz' is not taken for C1's close */
	assert_int_equal(hotline_db_exec_json(f->db, reply, NULL, NULL), HOTLINE_ECORRUPT);
	assert_int_equal(hotline_db_exec_json(f->db, other, NULL, NULL), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "zzz"));
	case_state(f->db, "C2", NULL, &v1);
	assert_int_equal(v1, v0);
}

/* An event given no id after events with ids (as a forger who leaves the column out): verify-log names it. */
static void test_forged_event_without_id(void **state)
{
	fixture *f = *state;
	char hash[65], upd[300];
	json_t *r;
	forge_id(f, "onsite_visit", "wu2", "2026-11-05T15:00:00+08:00", "", 0, NULL, hash);
	snprintf(upd, sizeof(upd), "UPDATE cases SET version = 4, head_hash = '%s' WHERE id = 'C2'", hash);
	sql(f, upd);
	reopen(f);
	assert_int_equal(report(f, &r), HOTLINE_ECORRUPT);
	assert_non_null(find(r, "event_id_differs", "C2"));
	json_decref(r);
}

/* Signatures: the right key verifies; another key, an edited text or signature, or no signature when one is required do not. */
static void test_signatures(void **state)
{
	fixture *f = *state;
	unsigned char other_seed[32] = "another key's seed, not the host", other[32], sk[64], pk2[32];
	char *t;
	size_t n;
	reopen(f);
	assert_int_equal(hotline_checkpoint_public_key(other, other_seed, sizeof(other_seed)), 0);
	assert_int_equal(hotline_db_verify_checkpoint(f->db, f->signed_ckpt, other), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "signature"));
	assert_int_equal(hotline_db_verify_checkpoint(f->db, f->ckpt, f->pk), HOTLINE_ECORRUPT);
	assert_non_null(strstr(hotline_db_errmsg(f->db), "not signed"));
	/* a forged signature: one character changed */
	t = strdup(f->signed_ckpt);
	n = strlen(t);
	t[n - 3] = t[n - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(hotline_db_verify_checkpoint(f->db, t, f->pk), HOTLINE_ECORRUPT);
	free(t);
	/* the count edited under the signature */
	t = strdup(f->signed_ckpt);
	*strchr(strchr(t + 5, ':') + 1, ':') = ':';
	{
		char *c = strchr(t + 5, ':') + 1;
		*c = *c == '9' ? '8' : (char)(*c + 1);
	}
	assert_int_not_equal(hotline_db_verify_checkpoint(f->db, t, f->pk), 0);
	free(t);
	/* a 64-byte secret key signs as its seed does */
	assert_int_equal(sodium_init() >= 0, 1);
	assert_int_equal(crypto_sign_seed_keypair(pk2, sk, seed), 0);
	{
		hotline_checkpoint_options o = HOTLINE_CHECKPOINT_OPTIONS_INIT;
		o.secret_key = sk;
		o.secret_key_len = sizeof(sk);
		assert_int_equal(hotline_db_checkpoint(&t, f->db, &o), 0);
		assert_string_equal(t, f->signed_ckpt);
		hotline_free(t);
		o.secret_key_len = 31;
		assert_int_equal(hotline_db_checkpoint(&t, f->db, &o), HOTLINE_EINVALID);
		assert_null(t);
	}
	assert_memory_equal(pk2, f->pk, 32);
	/* not a checkpoint */
	assert_int_equal(hotline_db_verify_checkpoint(f->db, "hlc1:1:1:abc", NULL), HOTLINE_EINVALID);
	assert_int_equal(hotline_db_verify_checkpoint(f->db, "", NULL), HOTLINE_EINVALID);
}

/* A checkpoint of an earlier seq holds as the log grows; one beyond the log is refused. */
static void test_checkpoint_up_to(void **state)
{
	fixture *f = *state;
	hotline_checkpoint_options o = HOTLINE_CHECKPOINT_OPTIONS_INIT;
	char *early = NULL, *t = NULL;
	hotline_verify_options vo = HOTLINE_VERIFY_OPTIONS_INIT;
	json_t *r;
	reopen(f);
	o.up_to_seq = 12;
	assert_int_equal(hotline_db_checkpoint(&early, f->db, &o), 0);
	assert_int_equal(strncmp(early, "hlc1:12:12:", 11), 0);
	o.up_to_seq = 1000;
	assert_int_equal(hotline_db_checkpoint(&t, f->db, &o), HOTLINE_EINVALID);
	assert_int_equal(exec_fmt(f->db, "{\"cmd\":\"dispatch\",\"case\":\"C3\",\"at\":\"2026-11-06T09:20:00+08:00\",\"actor\":\"zhang\"}"), 0);
	assert_int_equal(hotline_db_verify_checkpoint(f->db, early, NULL), 0);
	assert_int_equal(hotline_db_verify_checkpoint(f->db, f->ckpt, NULL), 0);
	/* the report carries the checkpoint's verdict */
	vo.checkpoint = f->signed_ckpt;
	vo.public_key = f->pk;
	assert_int_equal(hotline_db_verify_report(&t, f->db, &vo), 0);
	r = json_loads(t, 0, NULL);
	assert_true(json_is_true(json_object_get(json_object_get(r, "checkpoint"), "ok")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "checkpoint"), "signature")), "valid");
	json_decref(r);
	hotline_free(t);
	hotline_free(early);
}

/* The in-memory backend has no triggers to check: the report says so. */
static void test_memory_backend(void **state)
{
	hotline_db *db;
	char *t;
	json_t *r;
	(void)state;
	assert_int_equal(hotline_db_open(&db, "memory:", NULL), 0);
	fixture_load(db);
	assert_int_equal(hotline_db_exec_json(db, case_lines[0], NULL, NULL), 0);
	assert_int_equal(hotline_db_verify_report(&t, db, NULL), 0);
	r = json_loads(t, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(r, "protection")), "not_available");
	json_decref(r);
	hotline_free(t);
	assert_int_equal(hotline_db_checkpoint(&t, db, NULL), 0);
	assert_int_equal(hotline_db_verify_checkpoint(db, t, NULL), 0);
	hotline_free(t);
	hotline_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_body_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_tail_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_whole_case_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_half_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org_tail_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_org_tail_event_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_added, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trigger_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_event_appended, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_event_not_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_event_inside_checkpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_id_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_event_without_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signatures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_up_to, setup, teardown),
		cmocka_unit_test(test_memory_backend),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
