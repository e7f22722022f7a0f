/*
 * The SQLite backend: WAL journal, prepared statements cached on the
 * handle, a schema versioned by PRAGMA user_version with migrations, and
 * triggers that make the event log append-only at the SQL level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "hotline/sys/storage.h"
#include "util/err.h"

#define APPLICATION_ID 0x484C494E /* "HLIN" */

/* Migrations, applied in order; user_version records the last one applied. */
static const struct migration {
	int version;
	const char *sql;
} migrations[] = {
	{ 1,
	  "CREATE TABLE events(seq INTEGER PRIMARY KEY, stream TEXT NOT NULL, stream_seq INTEGER NOT NULL,"
	  " cmd TEXT NOT NULL, actor TEXT NOT NULL, at INTEGER, body TEXT NOT NULL, prev_hash TEXT NOT NULL,"
	  " hash TEXT NOT NULL, UNIQUE(stream, stream_seq));"
	  "CREATE TABLE cases(id TEXT PRIMARY KEY, property TEXT NOT NULL, state INTEGER NOT NULL,"
	  " approval INTEGER NOT NULL, exempt INTEGER NOT NULL, version INTEGER NOT NULL,"
	  " registered_at INTEGER NOT NULL, last_at INTEGER NOT NULL, next_due INTEGER,"
	  " head_hash TEXT NOT NULL, body TEXT NOT NULL);"
	  "CREATE INDEX cases_next_due ON cases(next_due, id) WHERE next_due IS NOT NULL;"
	  "CREATE INDEX cases_property_state ON cases(property, state);"
	  "CREATE INDEX cases_property_registered ON cases(property, registered_at);"
	  "CREATE TABLE directory(kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY(kind, id));"
	  "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	  "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;" },
	/* event ids (command_id): a repeated command is found by its id; events logged before have none */
	{ 2,
	  "ALTER TABLE events ADD COLUMN id TEXT;"
	  "CREATE UNIQUE INDEX events_id ON events(id) WHERE id IS NOT NULL;" },
	/* leases of hotline_db_claim_due (until: seconds since the epoch) */
	{ 3,
	  "CREATE TABLE claims(case_id TEXT PRIMARY KEY, worker TEXT NOT NULL, until INTEGER NOT NULL);" },
	/* owners' personal data (DESIGN §6.4): settings, wrapped data keys, the phone blind index */
	{ 4,
	  "CREATE TABLE settings(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
	  "CREATE TABLE case_keys(case_id TEXT PRIMARY KEY, kek_id TEXT NOT NULL, wrapped TEXT NOT NULL);"
	  "CREATE TABLE phone_index(case_id TEXT PRIMARY KEY, value TEXT NOT NULL);"
	  "CREATE INDEX phone_index_value ON phone_index(value, case_id);" },
};
#define SCHEMA_VERSION 4

enum {
	Q_BEGIN_W, Q_BEGIN_R, Q_COMMIT, Q_ROLLBACK, Q_CASE_GET, Q_CASE_INSERT, Q_CASE_UPDATE, Q_CASE_UPDATE_SAME, Q_CASE_EXISTS,
	Q_EVENT_APPEND, Q_EVENTS_STREAM, Q_EVENTS_ALL, Q_STREAM_HEAD, Q_DIR_PUT, Q_DIR_GET, Q_DIR_ALL, Q_DIR_KIND,
	Q_DATA_VERSION, Q_EVENTS_AFTER, Q_EVENT_BY_ID,
	Q_SETTING_GET, Q_SETTING_PUT, Q_KEY_PUT, Q_KEY_GET, Q_KEYS_ALL, Q_KEY_DELETE, Q_INDEX_DELETE, Q_INDEX_PUT,
	Q_INDEX_FIND, Q_EVENTS_SINCE, Q_FIXED_COUNT
};

static const char *const fixed_sql[Q_FIXED_COUNT] = {
	"BEGIN IMMEDIATE", "BEGIN", "COMMIT", "ROLLBACK",
	"SELECT id, property, state, approval, exempt, version, registered_at, last_at, next_due, head_hash, body"
	" FROM cases WHERE id = ?1",
	"INSERT INTO cases(id, property, state, approval, exempt, version, registered_at, last_at, next_due, head_hash, body)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	"UPDATE cases SET property = ?2, state = ?3, approval = ?4, exempt = ?5, version = ?6, registered_at = ?7,"
	" last_at = ?8, next_due = ?9, head_hash = ?10, body = ?11 WHERE id = ?1 AND version = ?12",
	/* the usual update leaves property and registered_at (and their indexes) untouched */
	"UPDATE cases SET state = ?3, approval = ?4, exempt = ?5, version = ?6,"
	" last_at = ?8, next_due = ?9, head_hash = ?10, body = ?11"
	" WHERE id = ?1 AND version = ?12 AND property = ?2 AND registered_at = ?7",
	"SELECT 1 FROM cases WHERE id = ?1",
	"INSERT INTO events(stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	"SELECT seq, stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id FROM events WHERE stream = ?1 ORDER BY stream_seq",
	"SELECT seq, stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id FROM events ORDER BY seq",
	"SELECT stream_seq, hash FROM events WHERE stream = ?1 ORDER BY stream_seq DESC LIMIT 1",
	"INSERT INTO directory(kind, id, body) VALUES(?1, ?2, ?3)",
	"SELECT kind, id, body FROM directory WHERE kind = ?1 AND id = ?2",
	"SELECT kind, id, body FROM directory ORDER BY kind, id",
	"SELECT kind, id, body FROM directory WHERE kind = ?1 ORDER BY id",
	"PRAGMA data_version",
	"SELECT seq, stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id FROM events"
	" WHERE stream = ?1 AND stream_seq > ?2 ORDER BY stream_seq LIMIT ?3",
	"SELECT seq, stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id FROM events WHERE id = ?1",
	"SELECT value FROM settings WHERE name = ?1",
	"INSERT OR REPLACE INTO settings(name, value) VALUES(?1, ?2)",
	"INSERT OR REPLACE INTO case_keys(case_id, kek_id, wrapped) VALUES(?1, ?2, ?3)",
	"SELECT case_id, kek_id, wrapped FROM case_keys WHERE case_id = ?1",
	"SELECT case_id, kek_id, wrapped FROM case_keys ORDER BY case_id",
	"DELETE FROM case_keys WHERE case_id = ?1",
	"DELETE FROM phone_index WHERE case_id = ?1",
	"INSERT OR REPLACE INTO phone_index(case_id, value) VALUES(?1, ?2)",
	"SELECT case_id FROM phone_index WHERE value = ?1 ORDER BY case_id",
	"SELECT seq, stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id FROM events"
	" WHERE seq > ?1 ORDER BY seq LIMIT ?2",
};

/* Case queries: one cached statement per combination of filters. */
enum { F_PROPERTY = 1, F_STATE = 2, F_DUE = 4, F_REG_FROM = 8, F_REG_TO = 16, F_LIMIT = 32, F_AFTER = 64,
	F_COMBOS = 128 };

typedef struct cached {
	sqlite3_stmt *st;
	int busy;   /* in use by an iteration that is still running (nested calls get a fresh statement) */
} cached;

typedef struct sq {
	hotline_storage parent;
	sqlite3 *db;
	cached fixed[Q_FIXED_COUNT];
	cached queries[F_COMBOS];
	int in_tx;
	char errmsg[512];
	int erased_key;         /* this transaction deleted a key record: checkpoint the WAL when it commits */
	int failed;             /* the code of the last failure (what an unprepared statement returns) */
	int failed_ext;         /* and SQLite's extended result code of it */
	int busy_ms;            /* the busy timeout */
	int immutable;          /* read-only, opened as an immutable file: its WAL could not be opened (DESIGN §6.3) */
	char *path;             /* the file, for reopening an immutable handle */
} sq;

static int is_busy(int ext)
{
	return (ext & 0xff) == SQLITE_BUSY || (ext & 0xff) == SQLITE_LOCKED;
}

/*
 * Records the connection's last failure. Busy (or locked) here means the
 * busy handler gave up: another connection held the lock past the timeout.
 * That is HOTLINE_EBUSY, which a caller may retry; anything else stays `code`.
 */
static int fail(sq *s, int code, const char *what)
{
	int ext = sqlite3_extended_errcode(s->db);
	s->failed_ext = ext;
	if (code == HOTLINE_ESTORAGE && is_busy(ext)) {
		code = HOTLINE_EBUSY;
		snprintf(s->errmsg, sizeof(s->errmsg),
			"%s: the database is busy: another connection held it past the busy timeout (%d ms): %s", what, s->busy_ms,
			sqlite3_errmsg(s->db));
	} else {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s: %s", what, sqlite3_errmsg(s->db));
	}
	s->failed = code;
	return code;
}

static int map_step(sq *s, int rc, const char *what)
{
	if (rc == SQLITE_DONE || rc == SQLITE_ROW || rc == SQLITE_OK)
		return 0;
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
		return HOTLINE_EDUPLICATE;
	if (rc == SQLITE_NOMEM)
		return HOTLINE_ENOMEM;
	return fail(s, HOTLINE_ESTORAGE, what);
}

static int reopen_if_written(sq *s);

/* Borrows a cached statement, or a fresh one when the cached one is mid-iteration. */
static sqlite3_stmt *acquire(sq *s, cached *c, const char *sql, int *temp)
{
	sqlite3_stmt *st = NULL;
	*temp = 0;
	/* a read outside a transaction is a snapshot of its own: an immutable handle may switch before it */
	if (s->immutable && !s->in_tx && reopen_if_written(s) != 0)
		return NULL;
	if (c->st && !c->busy) {
		c->busy = 1;
		return c->st;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, c->st ? 0 : SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fail(s, HOTLINE_ESTORAGE, "preparing a statement");
		return NULL;
	}
	if (c->st) {
		*temp = 1;
	} else {
		c->st = st;
		c->busy = 1;
	}
	return st;
}

static void release(cached *c, sqlite3_stmt *st, int temp)
{
	if (temp) {
		sqlite3_finalize(st);
		return;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	c->busy = 0;
}

static int exec_fixed(sq *s, int q, const char *what)
{
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[q], fixed_sql[q], &temp);
	if (!st)
		return s->failed;
	rc = map_step(s, sqlite3_step(st), what);
	release(&s->fixed[q], st, temp);
	return rc;
}

static void bind_time(sqlite3_stmt *st, int i, hotline_time t)
{
	if (t == HOTLINE_TIME_NONE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

static hotline_time col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? HOTLINE_TIME_NONE : sqlite3_column_int64(st, i);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static int s_begin(hotline_storage *base, int write)
{
	sq *s = (sq *)base;
	int rc;
	if (s->in_tx) {
		snprintf(s->errmsg, sizeof(s->errmsg), "a transaction is already open");
		return HOTLINE_ESTORAGE;
	}
	if (s->immutable && !write && (rc = reopen_if_written(s)) != 0)
		return rc;
	rc = exec_fixed(s, write ? Q_BEGIN_W : Q_BEGIN_R, "beginning a transaction");
	if (rc == 0)
		s->in_tx = 1;
	return rc;
}

/* Changes when another connection has committed since the previous call. */
static int s_data_version(hotline_storage *base, uint64_t *out)
{
	sq *s = (sq *)base;
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_DATA_VERSION], fixed_sql[Q_DATA_VERSION], &temp);
	if (!st)
		return s->failed;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	rc = map_step(s, rc, "reading the data version");
	release(&s->fixed[Q_DATA_VERSION], st, temp);
	return rc;
}

static int s_commit(hotline_storage *base)
{
	sq *s = (sq *)base;
	int rc = exec_fixed(s, Q_COMMIT, "committing");
	if (rc) {
		/* COMMIT can fail with the transaction still open (e.g. busy): end it */
		if (!sqlite3_get_autocommit(s->db))
			exec_fixed(s, Q_ROLLBACK, "rolling back");
	}
	s->in_tx = 0;
	if (rc == 0 && s->erased_key) {
		/*
		 * The WAL still holds the page images from before the deletion (the
		 * key record among them); copying them back and truncating the WAL
		 * leaves only the secure_delete'd page. Best effort: a reader still
		 * on an older snapshot keeps them until a later checkpoint.
		 */
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	s->erased_key = 0;
	return rc;
}

static int s_rollback(hotline_storage *base)
{
	sq *s = (sq *)base;
	s->in_tx = 0;
	s->erased_key = 0;
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return exec_fixed(s, Q_ROLLBACK, "rolling back");
}

static void row_case(sqlite3_stmt *st, hotline_storage_case *c)
{
	c->id = col_text(st, 0);
	c->property = col_text(st, 1);
	c->state = sqlite3_column_int(st, 2);
	c->approval = sqlite3_column_int(st, 3);
	c->exempt = sqlite3_column_int(st, 4);
	c->version = sqlite3_column_int64(st, 5);
	c->registered_at = sqlite3_column_int64(st, 6);
	c->last_at = sqlite3_column_int64(st, 7);
	c->next_due = col_time(st, 8);
	c->head_hash = col_text(st, 9);
	c->body = col_text(st, 10);
}

static int s_case_get(hotline_storage *base, const char *id, hotline_storage_case_cb cb, void *payload)
{
	sq *s = (sq *)base;
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_CASE_GET], fixed_sql[Q_CASE_GET], &temp);
	if (!st)
		return s->failed;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		hotline_storage_case c;
		row_case(st, &c);
		rc = cb(&c, payload);
	} else if (rc == SQLITE_DONE) {
		rc = HOTLINE_ENOT_FOUND;
	} else {
		rc = map_step(s, rc, "reading a case");
	}
	release(&s->fixed[Q_CASE_GET], st, temp);
	return rc;
}

static void bind_case(sqlite3_stmt *st, const hotline_storage_case *c)
{
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->property, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, c->state);
	sqlite3_bind_int(st, 4, c->approval);
	sqlite3_bind_int(st, 5, c->exempt);
	sqlite3_bind_int64(st, 6, c->version);
	sqlite3_bind_int64(st, 7, c->registered_at);
	sqlite3_bind_int64(st, 8, c->last_at);
	bind_time(st, 9, c->next_due);
	sqlite3_bind_text(st, 10, c->head_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, c->body, -1, SQLITE_STATIC);
}

static int s_case_put(hotline_storage *base, const hotline_storage_case *c, int64_t expected)
{
	sq *s = (sq *)base;
	int q = expected == 0 ? Q_CASE_INSERT : Q_CASE_UPDATE_SAME, temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[q], fixed_sql[q], &temp);
	if (!st)
		return s->failed;
	bind_case(st, c);
	if (expected)
		sqlite3_bind_int64(st, 12, expected);
	rc = map_step(s, sqlite3_step(st), "writing a case");
	release(&s->fixed[q], st, temp);
	if (rc == 0 && expected && sqlite3_changes(s->db) == 0) {
		/* property or registered_at changed (or the version differs): the full update */
		q = Q_CASE_UPDATE;
		if (!(st = acquire(s, &s->fixed[q], fixed_sql[q], &temp)))
			return s->failed;
		bind_case(st, c);
		sqlite3_bind_int64(st, 12, expected);
		rc = map_step(s, sqlite3_step(st), "writing a case");
		release(&s->fixed[q], st, temp);
	}
	if (rc == 0 && expected && sqlite3_changes(s->db) == 0) {
		/* no row updated: another version, or no such case */
		st = acquire(s, &s->fixed[Q_CASE_EXISTS], fixed_sql[Q_CASE_EXISTS], &temp);
		if (!st)
			return s->failed;
		sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_ROW ? HOTLINE_ECONFLICT : rc == SQLITE_DONE ? HOTLINE_ENOT_FOUND : map_step(s, rc, "reading a case");
		release(&s->fixed[Q_CASE_EXISTS], st, temp);
	}
	return rc;
}

static char *query_sql(int mask)
{
	char *sql = malloc(1024);
	if (!sql)
		return NULL;
	snprintf(sql, 1024, "SELECT id, property, state, approval, exempt, version, registered_at, last_at, next_due,"
		" head_hash, body FROM cases WHERE 1");
	if (mask & F_DUE)
		strcat(sql, " AND next_due IS NOT NULL AND next_due < ?3");
	if (mask & F_PROPERTY)
		strcat(sql, " AND property = ?1");
	if (mask & F_STATE)
		strcat(sql, " AND state = ?2");
	if (mask & F_REG_FROM)
		strcat(sql, " AND registered_at >= ?4");
	if (mask & F_REG_TO)
		strcat(sql, " AND registered_at < ?5");
	/* keyset paging: row values, so that the (next_due, id) index serves it */
	if ((mask & F_AFTER) && (mask & F_DUE))
		strcat(sql, " AND (next_due, id) > (?8, ?7)");
	else if (mask & F_AFTER)
		strcat(sql, " AND id > ?7");
	strcat(sql, mask & F_DUE ? " ORDER BY next_due, id" : " ORDER BY id");
	if (mask & F_LIMIT)
		strcat(sql, " LIMIT ?6");
	return sql;
}

static int s_cases_foreach(hotline_storage *base, const hotline_storage_query *q, hotline_storage_case_cb cb, void *payload)
{
	sq *s = (sq *)base;
	int mask = 0, temp, rc = 0, step;
	char *sql;
	sqlite3_stmt *st;
	if (q->property)
		mask |= F_PROPERTY;
	if (q->state >= 0)
		mask |= F_STATE;
	if (q->due_before != HOTLINE_TIME_NONE)
		mask |= F_DUE;
	if (q->registered_from != INT64_MIN)
		mask |= F_REG_FROM;
	if (q->registered_to != HOTLINE_TIME_NONE)
		mask |= F_REG_TO;
	if (q->limit)
		mask |= F_LIMIT;
	if (q->version >= 2 && q->after_id)
		mask |= F_AFTER;
	if (!(sql = query_sql(mask)))
		return HOTLINE_ENOMEM;
	st = acquire(s, &s->queries[mask], sql, &temp);
	free(sql);
	if (!st)
		return s->failed;
	if (mask & F_PROPERTY)
		sqlite3_bind_text(st, 1, q->property, -1, SQLITE_STATIC);
	if (mask & F_STATE)
		sqlite3_bind_int(st, 2, q->state);
	if (mask & F_DUE)
		sqlite3_bind_int64(st, 3, q->due_before);
	if (mask & F_REG_FROM)
		sqlite3_bind_int64(st, 4, q->registered_from);
	if (mask & F_REG_TO)
		sqlite3_bind_int64(st, 5, q->registered_to);
	if (mask & F_LIMIT)
		sqlite3_bind_int64(st, 6, (sqlite3_int64)q->limit);
	if (mask & F_AFTER) {
		sqlite3_bind_text(st, 7, q->after_id, -1, SQLITE_STATIC);
		if (mask & F_DUE)
			bind_time(st, 8, q->after_due);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		hotline_storage_case c;
		row_case(st, &c);
		if ((rc = cb(&c, payload)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = map_step(s, step, "listing cases");
	release(&s->queries[mask], st, temp);
	return rc;
}

static int s_event_append(hotline_storage *base, const hotline_storage_event *e, int64_t *seq_out)
{
	sq *s = (sq *)base;
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_EVENT_APPEND], fixed_sql[Q_EVENT_APPEND], &temp);
	if (!st)
		return s->failed;
	sqlite3_bind_text(st, 1, e->stream, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, e->stream_seq);
	sqlite3_bind_text(st, 3, e->cmd, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->actor, -1, SQLITE_STATIC);
	bind_time(st, 5, e->at);
	sqlite3_bind_text(st, 6, e->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, e->prev_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e->hash, -1, SQLITE_STATIC);
	if (e->id)
		sqlite3_bind_text(st, 9, e->id, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	rc = map_step(s, sqlite3_step(st), "appending an event");
	release(&s->fixed[Q_EVENT_APPEND], st, temp);
	if (rc == 0 && seq_out)
		*seq_out = sqlite3_last_insert_rowid(s->db);
	return rc;
}

/* Runs an events statement whose parameters are bound, handing each row to cb. */
static int run_events(sq *s, sqlite3_stmt *st, hotline_storage_event_cb cb, void *payload)
{
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		hotline_storage_event e;
		e.seq = sqlite3_column_int64(st, 0);
		e.stream = col_text(st, 1);
		e.stream_seq = sqlite3_column_int64(st, 2);
		e.cmd = col_text(st, 3);
		e.actor = col_text(st, 4);
		e.at = col_time(st, 5);
		e.body = col_text(st, 6);
		e.prev_hash = col_text(st, 7);
		e.hash = col_text(st, 8);
		e.id = sqlite3_column_type(st, 9) == SQLITE_NULL ? NULL : col_text(st, 9);
		if ((rc = cb(&e, payload)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = map_step(s, step, "reading events");
	return rc;
}

static int s_events_foreach(hotline_storage *base, const char *stream, hotline_storage_event_cb cb, void *payload)
{
	sq *s = (sq *)base;
	int q = stream ? Q_EVENTS_STREAM : Q_EVENTS_ALL, temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[q], fixed_sql[q], &temp);
	if (!st)
		return s->failed;
	if (stream)
		sqlite3_bind_text(st, 1, stream, -1, SQLITE_STATIC);
	rc = run_events(s, st, cb, payload);
	release(&s->fixed[q], st, temp);
	return rc;
}

static int s_events_after(hotline_storage *base, const char *stream, int64_t after, size_t limit,
	hotline_storage_event_cb cb, void *payload)
{
	sq *s = (sq *)base;
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_EVENTS_AFTER], fixed_sql[Q_EVENTS_AFTER], &temp);
	if (!st)
		return s->failed;
	sqlite3_bind_text(st, 1, stream, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, limit ? (sqlite3_int64)limit : -1);
	rc = run_events(s, st, cb, payload);
	release(&s->fixed[Q_EVENTS_AFTER], st, temp);
	return rc;
}

static int s_events_since(hotline_storage *base, int64_t after, size_t limit, hotline_storage_event_cb cb, void *payload)
{
	sq *s = (sq *)base;
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_EVENTS_SINCE], fixed_sql[Q_EVENTS_SINCE], &temp);
	if (!st)
		return s->failed;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, limit ? (sqlite3_int64)limit : -1);
	rc = run_events(s, st, cb, payload);
	release(&s->fixed[Q_EVENTS_SINCE], st, temp);
	return rc;
}

/* Forwards the one event found, and notes that there was one. */
typedef struct found_ctx {
	hotline_storage_event_cb cb;
	void *payload;
	int seen;
} found_ctx;

static int found_cb(const hotline_storage_event *e, void *payload)
{
	found_ctx *f = payload;
	f->seen = 1;
	return f->cb(e, f->payload);
}

static int s_event_by_id(hotline_storage *base, const char *id, hotline_storage_event_cb cb, void *payload)
{
	sq *s = (sq *)base;
	found_ctx f = { cb, payload, 0 };
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_EVENT_BY_ID], fixed_sql[Q_EVENT_BY_ID], &temp);
	if (!st)
		return s->failed;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = run_events(s, st, found_cb, &f);
	release(&s->fixed[Q_EVENT_BY_ID], st, temp);
	return rc == 0 && !f.seen ? HOTLINE_ENOT_FOUND : rc;
}

static int s_stream_head(hotline_storage *base, const char *stream, int64_t *seq_out, char hash_out[65])
{
	sq *s = (sq *)base;
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_STREAM_HEAD], fixed_sql[Q_STREAM_HEAD], &temp);
	*seq_out = 0;
	hash_out[0] = '\0';
	if (!st)
		return s->failed;
	sqlite3_bind_text(st, 1, stream, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq_out = sqlite3_column_int64(st, 0);
		snprintf(hash_out, 65, "%s", col_text(st, 1));
	}
	rc = map_step(s, rc, "reading a stream head");
	release(&s->fixed[Q_STREAM_HEAD], st, temp);
	return rc;
}

static int s_dir_put(hotline_storage *base, const char *kind, const char *id, const char *body)
{
	sq *s = (sq *)base;
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_DIR_PUT], fixed_sql[Q_DIR_PUT], &temp);
	if (!st)
		return s->failed;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
	rc = map_step(s, sqlite3_step(st), "writing the directory");
	release(&s->fixed[Q_DIR_PUT], st, temp);
	return rc;
}

static int dir_rows(sq *s, int q, const char *kind, const char *id, hotline_storage_dir_cb cb, void *payload, int need)
{
	int temp, rc = 0, step, seen = 0;
	sqlite3_stmt *st = acquire(s, &s->fixed[q], fixed_sql[q], &temp);
	if (!st)
		return s->failed;
	if (kind)
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (id)
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		seen = 1;
		if ((rc = cb(col_text(st, 0), col_text(st, 1), col_text(st, 2), payload)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = map_step(s, step, "reading the directory");
	release(&s->fixed[q], st, temp);
	if (rc == 0 && need && !seen)
		rc = HOTLINE_ENOT_FOUND;
	return rc;
}

static int s_dir_get(hotline_storage *base, const char *kind, const char *id, hotline_storage_dir_cb cb, void *payload)
{
	return dir_rows((sq *)base, Q_DIR_GET, kind, id, cb, payload, 1);
}

static int s_dir_foreach(hotline_storage *base, const char *kind, hotline_storage_dir_cb cb, void *payload)
{
	return dir_rows((sq *)base, kind ? Q_DIR_KIND : Q_DIR_ALL, kind, NULL, cb, payload, 0);
}

/* ---- version 5: owners' personal data ---- */

/* Runs a fixed statement with up to three text parameters and no rows. */
static int exec_text(sq *s, int q, const char *a, const char *b, const char *c, const char *what)
{
	int temp, rc;
	sqlite3_stmt *st = acquire(s, &s->fixed[q], fixed_sql[q], &temp);
	if (!st)
		return s->failed;
	if (a)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (c)
		sqlite3_bind_text(st, 3, c, -1, SQLITE_STATIC);
	rc = map_step(s, sqlite3_step(st), what);
	release(&s->fixed[q], st, temp);
	return rc;
}

static int s_setting_get(hotline_storage *base, const char *name, int (*cb)(const char *value, void *payload),
	void *payload)
{
	sq *s = (sq *)base;
	int temp, rc, step;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_SETTING_GET], fixed_sql[Q_SETTING_GET], &temp);
	if (!st)
		return s->failed;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rc = cb(col_text(st, 0), payload);
	else if (step == SQLITE_DONE)
		rc = HOTLINE_ENOT_FOUND;
	else
		rc = map_step(s, step, "reading a setting");
	release(&s->fixed[Q_SETTING_GET], st, temp);
	return rc;
}

static int s_setting_put(hotline_storage *base, const char *name, const char *value)
{
	return exec_text((sq *)base, Q_SETTING_PUT, name, value, NULL, "writing a setting");
}

static int s_case_key_put(hotline_storage *base, const char *case_id, const char *kek_id, const char *wrapped)
{
	return exec_text((sq *)base, Q_KEY_PUT, case_id, kek_id, wrapped, "writing a case's data key");
}

static int key_rows(sq *s, int q, const char *case_id,
	int (*cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload), void *payload)
{
	int temp, rc = 0, step, seen = 0;
	sqlite3_stmt *st = acquire(s, &s->fixed[q], fixed_sql[q], &temp);
	if (!st)
		return s->failed;
	if (case_id)
		sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		seen = 1;
		if ((rc = cb(col_text(st, 0), col_text(st, 1), col_text(st, 2), payload)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = map_step(s, step, "reading data keys");
	release(&s->fixed[q], st, temp);
	if (rc == 0 && case_id && !seen)
		rc = HOTLINE_ENOT_FOUND;
	return rc;
}

static int s_case_key_get(hotline_storage *base, const char *case_id,
	int (*cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload), void *payload)
{
	return key_rows((sq *)base, Q_KEY_GET, case_id, cb, payload);
}

static int s_case_keys_foreach(hotline_storage *base,
	int (*cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload), void *payload)
{
	return key_rows((sq *)base, Q_KEYS_ALL, NULL, cb, payload);
}

static int s_case_key_forget(hotline_storage *base, const char *case_id)
{
	sq *s = (sq *)base;
	int rc = exec_text(s, Q_KEY_DELETE, case_id, NULL, NULL, "erasing a case's data key");
	if (rc == 0)
		rc = exec_text(s, Q_INDEX_DELETE, case_id, NULL, NULL, "erasing a case's phone index");
	if (rc == 0)
		s->erased_key = 1;
	return rc;
}

static int s_phone_index_put(hotline_storage *base, const char *case_id, const char *value)
{
	return exec_text((sq *)base, Q_INDEX_PUT, case_id, value, NULL, "writing the phone index");
}

static int s_phone_index_find(hotline_storage *base, const char *value, int (*cb)(const char *case_id, void *payload),
	void *payload)
{
	sq *s = (sq *)base;
	int temp, rc = 0, step;
	sqlite3_stmt *st = acquire(s, &s->fixed[Q_INDEX_FIND], fixed_sql[Q_INDEX_FIND], &temp);
	if (!st)
		return s->failed;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = cb(col_text(st, 0), payload)) != 0)
			break;
	if (rc == 0 && step != SQLITE_DONE)
		rc = map_step(s, step, "reading the phone index");
	release(&s->fixed[Q_INDEX_FIND], st, temp);
	return rc;
}

static const char *s_errmsg(hotline_storage *base)
{
	return ((sq *)base)->errmsg;
}

/* Finalizes the cached statements and closes the connection. */
static void disconnect(sq *s)
{
	int i;
	if (s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < Q_FIXED_COUNT; i++) {
		sqlite3_finalize(s->fixed[i].st);
		s->fixed[i].st = NULL;
		s->fixed[i].busy = 0;
	}
	for (i = 0; i < F_COMBOS; i++) {
		sqlite3_finalize(s->queries[i].st);
		s->queries[i].st = NULL;
		s->queries[i].busy = 0;
	}
	sqlite3_close(s->db);
	s->db = NULL;
}

static void s_free(hotline_storage *base)
{
	sq *s = (sq *)base;
	if (!s)
		return;
	disconnect(s);
	free(s->path);
	free(s);
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* What a file holds. */
enum { SCHEMA_EMPTY, SCHEMA_OLDER, SCHEMA_CURRENT };

/* Reads the schema's marks (inside the caller's transaction); writes nothing. */
static int read_schema(sq *s, const char *path, int *state)
{
	int app = 0, version = 0, tables = 0;
	if (pragma_int(s->db, "PRAGMA application_id", &app) || pragma_int(s->db, "PRAGMA user_version", &version) ||
	    pragma_int(s->db, "SELECT count(*) FROM sqlite_master", &tables))
		return fail(s, HOTLINE_ESTORAGE, "reading the schema version");
	if (app != 0 && app != APPLICATION_ID) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s is not a libhotline database (application_id 0x%08x)", path,
			(unsigned)app);
		return s->failed = HOTLINE_ESTORAGE;
	}
	if (app == 0 && version == 0) {
		/* never install the schema into somebody else's database */
		if (tables > 0) {
			snprintf(s->errmsg, sizeof(s->errmsg), "%s is not a libhotline database (it holds other tables)", path);
			return s->failed = HOTLINE_ESTORAGE;
		}
		*state = SCHEMA_EMPTY;
		return 0;
	}
	if (version > SCHEMA_VERSION) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s has schema version %d, newer than this library's %d: upgrade libhotline",
			path, version, SCHEMA_VERSION);
		return s->failed = HOTLINE_ESTORAGE;
	}
	*state = app == APPLICATION_ID && version == SCHEMA_VERSION ? SCHEMA_CURRENT : SCHEMA_OLDER;
	return 0;
}

/*
 * The schema's state, read in a read transaction before anything is
 * configured or written: a foreign file is refused exactly as it was found
 * (DESIGN §6.3), and a current database needs no write lock to be opened.
 */
static int inspect(sq *s, const char *path, int *state)
{
	int rc;
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, HOTLINE_ESTORAGE, "reading the schema version");
	rc = read_schema(s, path, state);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Creates (when `create`) or upgrades the schema in one write transaction. */
static int migrate(sq *s, const char *path, int create)
{
	int state = SCHEMA_EMPTY, version = 0, i, rc;
	char sql[64];
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, HOTLINE_ESTORAGE, "opening the schema");
	/* again under the write lock: another handle may have created or upgraded it meanwhile */
	if ((rc = read_schema(s, path, &state)) != 0 || state == SCHEMA_CURRENT) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	if (state == SCHEMA_EMPTY && !create) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(s->errmsg, sizeof(s->errmsg), "%s is not a libhotline database yet (open it with HOTLINE_OPEN_CREATE)", path);
		return s->failed = HOTLINE_ESTORAGE;
	}
	if (state == SCHEMA_OLDER && pragma_int(s->db, "PRAGMA user_version", &version)) {
		rc = fail(s, HOTLINE_ESTORAGE, "reading the schema version");
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	for (i = 0; i < (int)(sizeof(migrations) / sizeof(migrations[0])); i++) {
		if (migrations[i].version <= version)
			continue;
		if (sqlite3_exec(s->db, migrations[i].sql, NULL, NULL, NULL) != SQLITE_OK) {
			rc = fail(s, HOTLINE_ESTORAGE, "migrating the schema");
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", migrations[i].version);
		sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	}
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", APPLICATION_ID);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = fail(s, HOTLINE_ESTORAGE, "writing the schema");
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return 0;
}

/* ---- version 4: the log's protection, checked by verify-log ---- */

/* The append-only triggers exactly as migration 1 created them (migrations never change). */
static const struct protection_trigger {
	const char *name, *sql;
} protection_triggers[] = {
	{ "events_no_update",
	  "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END" },
	{ "events_no_delete",
	  "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END" },
};

static int s_check_protection(hotline_storage *base, hotline_storage_finding_cb report, void *payload)
{
	sq *s = (sq *)base;
	sqlite3_stmt *st;
	size_t i;
	int rc = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", -1, &st, NULL)
		!= SQLITE_OK)
		return fail(s, HOTLINE_ESTORAGE, "reading the schema");
	for (i = 0; i < sizeof(protection_triggers) / sizeof(protection_triggers[0]) && rc == 0; i++) {
		const struct protection_trigger *t = &protection_triggers[i];
		char msg[256];
		int step;
		sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
		step = sqlite3_step(st);
		if (step == SQLITE_ROW && strcmp(col_text(st, 0), t->sql) != 0) {
			snprintf(msg, sizeof(msg), "trigger %s was replaced: events may be %s", t->name,
				strstr(t->name, "update") ? "updated" : "deleted");
			rc = report("trigger_changed", msg, payload);
		} else if (step == SQLITE_DONE) {
			snprintf(msg, sizeof(msg), "trigger %s is missing: events can be %s", t->name,
				strstr(t->name, "update") ? "updated" : "deleted");
			rc = report("trigger_missing", msg, payload);
		} else if (step != SQLITE_ROW) {
			rc = fail(s, HOTLINE_ESTORAGE, "reading the schema");
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- version 5: claims; the write transaction (BEGIN IMMEDIATE) makes them exclusive ---- */

static int s_claim_due(hotline_storage *base, hotline_time before, size_t limit, int lease_seconds, const char *worker,
	hotline_storage_case_cb cb, void *payload)
{
	sq *s = (sq *)base;
	sqlite3_stmt *sel = NULL, *ins = NULL;
	sqlite3_int64 now = (sqlite3_int64)time(NULL);
	int rc = 0, step;
	if (sqlite3_prepare_v2(s->db, "SELECT id, property, state, approval, exempt, version, registered_at, last_at, next_due,"
		" head_hash, body FROM cases c WHERE next_due IS NOT NULL AND next_due < ?1"
		" AND NOT EXISTS (SELECT 1 FROM claims l WHERE l.case_id = c.id AND l.until > ?3)"
		" ORDER BY next_due, id LIMIT ?2", -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO claims(case_id, worker, until) VALUES(?1, ?2, ?3)", -1, &ins, NULL)
		!= SQLITE_OK) {
		rc = fail(s, HOTLINE_ESTORAGE, "preparing a claim");
		goto out;
	}
	sqlite3_bind_int64(sel, 1, before);
	sqlite3_bind_int64(sel, 2, limit ? (sqlite3_int64)limit : -1);
	sqlite3_bind_int64(sel, 3, now);
	sqlite3_bind_text(ins, 2, worker, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, now + lease_seconds);
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		hotline_storage_case c;
		row_case(sel, &c);
		sqlite3_bind_text(ins, 1, c.id, -1, SQLITE_TRANSIENT);
		if ((rc = map_step(s, sqlite3_step(ins), "claiming a case")) != 0)
			break;
		sqlite3_reset(ins);
		if ((rc = cb(&c, payload)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = map_step(s, step, "claiming due cases");
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc;
}

/* ---- opening ---- */

/* Whether PATH followed by `suffix` exists and holds something. */
static int side_file_used(const char *path, const char *suffix)
{
	struct stat sb;
	size_t n = strlen(path);
	char *side = malloc(n + strlen(suffix) + 1);
	int used;
	if (!side)
		return 1;
	memcpy(side, path, n);
	strcpy(side + n, suffix);
	used = stat(side, &sb) == 0 && sb.st_size > 0;
	free(side);
	return used;
}

/* A "file:" URI naming path, with immutable=1: every byte but unreserved ones and '/' percent-encoded. */
static char *immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *uri = malloc(strlen(path) * 3 + 32), *o;
	const unsigned char *p;
	if (!uri)
		return NULL;
	/* an empty authority: "file:///abs" and "file:rel" */
	o = uri + sprintf(uri, "file:%s", path[0] == '/' ? "//" : "");
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("/-._~", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	strcpy(o, "?immutable=1");
	return uri;
}

/* Opens s->path with `flags` (immutable: as a file nothing changes, read-only). */
static int connect(sq *s, int flags, int immutable)
{
	char *uri = NULL;
	int rc;
	if (immutable && !(uri = immutable_uri(s->path))) {
		snprintf(s->errmsg, sizeof(s->errmsg), "out of memory");
		return s->failed = HOTLINE_ENOMEM;
	}
	rc = sqlite3_open_v2(uri ? uri : s->path, &s->db, flags | SQLITE_OPEN_NOMUTEX | (uri ? SQLITE_OPEN_URI : 0), NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		struct stat sb;
		/* a file that is there but cannot be opened (a permission) is not a missing one */
		if ((rc & 0xff) == SQLITE_CANTOPEN && !(flags & SQLITE_OPEN_CREATE) && stat(s->path, &sb) != 0)
			snprintf(s->errmsg, sizeof(s->errmsg), "no libhotline database at '%s'", s->path);
		else
			snprintf(s->errmsg, sizeof(s->errmsg), "cannot open SQLite database '%s': %s", s->path,
				s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		return s->failed = HOTLINE_ESTORAGE;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/* opens wait for a writer exactly as commands do */
	sqlite3_busy_timeout(s->db, s->busy_ms);
	s->immutable = immutable;
	return 0;
}

/*
 * Read-only: the file must hold this library's current schema; nothing is
 * configured or written, and WAL readers see a snapshot without waiting for
 * the writer. A WAL database needs its -wal and -shm files, which a reader
 * that may not write to the directory (another user, a read-only mount, a
 * backup copy) cannot create once the last writer has closed and removed
 * them. Then the whole database is in the file itself, and it is opened as
 * immutable (SQLite's immutable=1: no locks, no -shm). Not when a -wal or
 * -journal file holds something: the file alone would then be out of date
 * or half-written.
 */
static int open_read_only(sq *s)
{
	int state = SCHEMA_EMPTY, rc = inspect(s, s->path, &state);
	if (rc && ((s->failed_ext & 0xff) == SQLITE_READONLY || (s->failed_ext & 0xff) == SQLITE_CANTOPEN)) {
		if (side_file_used(s->path, "-wal") || side_file_used(s->path, "-journal")) {
			snprintf(s->errmsg, sizeof(s->errmsg), "%s cannot be read from here: its write-ahead log holds changes not yet"
				" in the database file, and this reader can neither open nor create the log's index (-shm) beside it"
				" (open the database read-write once, or let the reader write to its directory)", s->path);
			return s->failed = HOTLINE_ESTORAGE;
		}
		disconnect(s);
		if ((rc = connect(s, SQLITE_OPEN_READONLY, 1)) == 0)
			rc = inspect(s, s->path, &state);
	}
	if (rc == 0 && state != SCHEMA_CURRENT) {
		if (state == SCHEMA_EMPTY)
			snprintf(s->errmsg, sizeof(s->errmsg), "%s is not a libhotline database", s->path);
		else
			snprintf(s->errmsg, sizeof(s->errmsg), "%s has an older schema: open it read-write once to migrate it",
				s->path);
		rc = s->failed = HOTLINE_ESTORAGE;
	}
	return rc;
}

/*
 * An immutable handle's file gained a write-ahead log: a writer has opened
 * it since. The file alone may now be behind (or, during a checkpoint,
 * changing): read through SQLite's WAL handling again, which works while the
 * writer keeps its -wal and -shm.
 */
static int reopen_if_written(sq *s)
{
	int i, state = SCHEMA_EMPTY, rc;
	if (!side_file_used(s->path, "-wal"))
		return 0;
	for (i = 0; i < Q_FIXED_COUNT; i++)
		if (s->fixed[i].busy)
			return 0;
	for (i = 0; i < F_COMBOS; i++)
		if (s->queries[i].busy)
			return 0;
	disconnect(s);
	if ((rc = connect(s, SQLITE_OPEN_READONLY, 0)) == 0 && (rc = inspect(s, s->path, &state)) == 0)
		return 0;
	disconnect(s);
	connect(s, SQLITE_OPEN_READONLY, 1);
	snprintf(s->errmsg, sizeof(s->errmsg), "%s was opened read-only as an immutable file, and a writer has opened it"
		" since: reopen it", s->path);
	return s->failed = HOTLINE_ESTORAGE;
}

int hotline_storage_sqlite_new(hotline_storage **out, const char *path, const hotline_sqlite_options *opts)
{
	sq *s;
	int busy = 5000, sync = 1, mode = HOTLINE_OPEN_DEFAULT, rc, flags, memory, state = SCHEMA_EMPTY;
	char sql[64];
	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!path || !*path)
		return hotline__last_error_set(HOTLINE_EINVALID, "SQLite path is empty");
	if (opts) {
		if (opts->version == 0 || opts->version > HOTLINE_SQLITE_OPTIONS_VERSION)
			return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_sqlite_options version %u", opts->version);
		if (opts->busy_timeout_ms < 0 || opts->synchronous < 0 || opts->synchronous > 2)
			return hotline__last_error_set(HOTLINE_EINVALID, "busy_timeout_ms must be >= 0 and synchronous 0, 1 or 2");
		busy = opts->busy_timeout_ms;
		if (opts->synchronous)
			sync = opts->synchronous;
		if (opts->version >= 2)
			mode = opts->mode;
		if (mode < HOTLINE_OPEN_DEFAULT || mode > HOTLINE_OPEN_CREATE)
			return hotline__last_error_set(HOTLINE_EINVALID, "unknown open mode %d", mode);
	}
	memory = strcmp(path, ":memory:") == 0;
	if (mode == HOTLINE_OPEN_READ_ONLY)
		flags = SQLITE_OPEN_READONLY;
	else if (mode == HOTLINE_OPEN_READ_WRITE && !memory)
		flags = SQLITE_OPEN_READWRITE;
	else
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	}
	s->busy_ms = busy;
	if ((rc = connect(s, flags, 0)) == 0)
		rc = mode == HOTLINE_OPEN_READ_ONLY ? open_read_only(s) : inspect(s, path, &state);
	if (rc == 0 && mode != HOTLINE_OPEN_READ_ONLY) {
		/* nothing was written so far: a file refused above is left exactly as it was */
		if (state == SCHEMA_EMPTY && mode == HOTLINE_OPEN_READ_WRITE && !memory) {
			snprintf(s->errmsg, sizeof(s->errmsg), "%s is not a libhotline database yet (open it with HOTLINE_OPEN_CREATE)",
				path);
			rc = HOTLINE_ESTORAGE;
		}
		snprintf(sql, sizeof(sql), "PRAGMA synchronous = %s", sync == 2 ? "FULL" : "NORMAL");
		/* WAL: readers never block the writer; NORMAL is durable across application crashes */
		if (rc == 0 && (sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK ||
		    /* a forgotten data key is overwritten, not merely unlinked (DESIGN §6.4) */
		    sqlite3_exec(s->db, "PRAGMA secure_delete = ON", NULL, NULL, NULL) != SQLITE_OK))
			rc = fail(s, HOTLINE_ESTORAGE, "configuring the database");
		/* a current schema needs no write lock: many handles open at once without queueing */
		if (rc == 0 && state != SCHEMA_CURRENT)
			rc = migrate(s, path, mode != HOTLINE_OPEN_READ_WRITE || memory);
	}
	if (rc) {
		hotline__last_error_set(rc, "%s", s->errmsg);
		s_free(&s->parent);
		return rc;
	}
	s->parent.version = HOTLINE_STORAGE_VERSION;
	s->parent.begin = s_begin;
	s->parent.commit = s_commit;
	s->parent.rollback = s_rollback;
	s->parent.case_get = s_case_get;
	s->parent.case_put = s_case_put;
	s->parent.cases_foreach = s_cases_foreach;
	s->parent.event_append = s_event_append;
	s->parent.events_foreach = s_events_foreach;
	s->parent.stream_head = s_stream_head;
	s->parent.dir_put = s_dir_put;
	s->parent.dir_get = s_dir_get;
	s->parent.dir_foreach = s_dir_foreach;
	s->parent.errmsg = s_errmsg;
	s->parent.free = s_free;
	s->parent.data_version = s_data_version;
	s->parent.events_after = s_events_after;
	s->parent.events_since = s_events_since;
	s->parent.event_by_id = s_event_by_id;
	s->parent.check_protection = s_check_protection;
	s->parent.claim_due = s_claim_due;
	s->parent.setting_get = s_setting_get;
	s->parent.setting_put = s_setting_put;
	s->parent.case_key_put = s_case_key_put;
	s->parent.case_key_get = s_case_key_get;
	s->parent.case_keys_foreach = s_case_keys_foreach;
	s->parent.case_key_forget = s_case_key_forget;
	s->parent.phone_index_put = s_phone_index_put;
	s->parent.phone_index_find = s_phone_index_find;
	*out = &s->parent;
	return 0;
}
