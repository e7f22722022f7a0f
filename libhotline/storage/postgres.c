/*
 * The PostgreSQL backend: one database shared by many processes and
 * machines. libpq, statements prepared once per connection, a schema
 * versioned by the schema_version table with migrations, triggers that make
 * the event log append-only, and claims of due cases for sweep workers.
 *
 * Concurrency (DESIGN §6.5). Write transactions run at READ COMMITTED and
 * every write that could lose an update is conditional:
 *   - event_append inserts with ON CONFLICT DO NOTHING: a (stream,
 *     stream_seq) or id already taken, also by a transaction that commits
 *     while we wait on the unique index, is HOTLINE_EDUPLICATE (the library
 *     runs the command again); stream_seq stays unique and gap-free;
 *   - a deadlock, a serialisation failure or a lock timeout is
 *     HOTLINE_ECONFLICT: the transaction is rolled back and the library runs
 *     the command again, a bounded number of times;
 *   - case_put updates only the row whose version is the expected one;
 *   - inside a write transaction case_get locks the case's row (FOR UPDATE),
 *     so that writers of one case queue and each reads what the previous one
 *     committed (the library reads the case in every write transaction of a
 *     backend with stable_seq, before it appends: never the stream's next
 *     position first and the row second, which deadlocked);
 *   - the organisation stream "" has no row to lock: every write transaction
 *     takes a transaction-scoped advisory lock on it at its BEGIN,
 *     exclusive when it may append to it (calls, directory lines,
 *     batches: HOTLINE_STORAGE_BEGIN_ORG), shared otherwise. Commands on
 *     different cases run at once, against a directory that cannot change
 *     under them; appenders to "" queue instead of failing;
 *   - every write transaction then holds the seq lock shared, before it can
 *     take a seq, to its end; stable_seq takes it exclusively to wait
 *     out every transaction in flight, so that a checkpoint never covers a
 *     seq that a transaction still running may yet commit.
 * Read transactions are REPEATABLE READ READ ONLY: one snapshot per
 * assessment or verification, without waiting for writers.
 *
 * Past one server (DESIGN §6.9): every advisory lock is keyed by the
 * schema's OID (a group per schema waits on no other group); nothing is
 * kept in the server session between transactions (PgBouncer's transaction
 * pooling; hotline_statements=unnamed when the pooler keeps no prepared
 * statements; hotline_notify=off where many groups share a server, as the
 * NOTIFYs that wake the feed's waiters, each in a small transaction after
 * the command's COMMIT, pass one lock of the whole server one at a time);
 * a lost connection fails the call with "connection lost, retry
 * with the same command_id" and the next call connects again, to whichever
 * host of a multi-host string is the primary then.
 */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "hotline/sys/storage.h"
#include "util/err.h"
#include "util/mem.h"

#define SCHEMA_VERSION 2
#define APPLICATION "libhotline"
/* The channel of the feed's wake-ups (hotline_db_feed_wait): this prefix and the schema's OID, one per group. */
#define FEED_CHANNEL "hotline_feed_"
/*
 * Advisory locks (pg_advisory_xact_lock(key1, key2)) are per database; a
 * group per schema must never wait on another's (DESIGN §6.9), so key1 is
 * the OID of the schema the library works in (the first of the search path,
 * unique in its database and the same on every replica) and key2 says which
 * lock: the schema (migrations), the organisation stream, seqs in flight.
 */
#define LOCK_SCHEMA 1
#define LOCK_ORG 2
#define LOCK_SEQ 3

/* The function the append-only triggers run; check_protection compares its body. */
#define GUARD_BODY "BEGIN RAISE EXCEPTION 'events are append-only'; END"

static const struct migration {
	int version;
	const char *sql;
} migrations[] = {
	{ 1,
	  "CREATE TABLE events(seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream TEXT COLLATE \"C\" NOT NULL,"
	  " stream_seq BIGINT NOT NULL, cmd TEXT NOT NULL, actor TEXT NOT NULL, at BIGINT, body TEXT NOT NULL,"
	  " prev_hash TEXT NOT NULL, hash TEXT NOT NULL, id TEXT UNIQUE, UNIQUE(stream, stream_seq));"
	  "CREATE TABLE cases(id TEXT COLLATE \"C\" PRIMARY KEY, property TEXT COLLATE \"C\" NOT NULL, state INTEGER NOT NULL,"
	  " approval INTEGER NOT NULL, exempt INTEGER NOT NULL, version BIGINT NOT NULL,"
	  " registered_at BIGINT NOT NULL, last_at BIGINT NOT NULL, next_due BIGINT,"
	  " head_hash TEXT NOT NULL, body TEXT NOT NULL);"
	  "CREATE INDEX cases_next_due ON cases(next_due, id) WHERE next_due IS NOT NULL;"
	  "CREATE INDEX cases_property_state ON cases(property, state);"
	  "CREATE INDEX cases_property_registered ON cases(property, registered_at);"
	  "CREATE TABLE directory(kind TEXT COLLATE \"C\" NOT NULL, id TEXT COLLATE \"C\" NOT NULL, body TEXT NOT NULL, PRIMARY KEY(kind, id));"
	  /* leases of hotline_db_claim_due: until is in seconds since the epoch, the server's clock */
	  "CREATE TABLE claims(case_id TEXT PRIMARY KEY, worker TEXT NOT NULL, until BIGINT NOT NULL);"
	  "CREATE FUNCTION hotline_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$" GUARD_BODY "$$;"
	  "CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION hotline_events_append_only();"
	  "CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION hotline_events_append_only();"
	  "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT"
	  " EXECUTE FUNCTION hotline_events_append_only();" },
	/* owners' personal data (DESIGN §6.4): settings, wrapped data keys, the phone blind index */
	{ 2,
	  "CREATE TABLE settings(name TEXT COLLATE \"C\" PRIMARY KEY, value TEXT NOT NULL);"
	  "CREATE TABLE case_keys(case_id TEXT COLLATE \"C\" PRIMARY KEY, kek_id TEXT NOT NULL, wrapped TEXT NOT NULL);"
	  "CREATE TABLE phone_index(case_id TEXT COLLATE \"C\" PRIMARY KEY, value TEXT NOT NULL);"
	  "CREATE INDEX phone_index_value ON phone_index(value, case_id);" },
};

/* The current snapshot's xmax and running ids, for data_version. */
#define SQL_SNAPSHOT "SELECT pg_snapshot_xmax(s)::text, coalesce((SELECT string_agg(x::text, ',')" \
	" FROM pg_snapshot_xip(s) x), '') FROM pg_current_snapshot() s"
/* The same and the organisation stream's head (Q_STREAM_HEAD for ""), read with a write transaction's BEGIN. */
#define SQL_SNAPSHOT_ORG_HEAD "SELECT pg_snapshot_xmax(s)::text, coalesce((SELECT string_agg(x::text, ',')" \
	" FROM pg_snapshot_xip(s) x), ''), h.stream_seq, h.hash FROM pg_current_snapshot() s LEFT JOIN LATERAL" \
	" (SELECT stream_seq, hash FROM events WHERE stream = '' ORDER BY stream_seq DESC LIMIT 1) h ON true"

#define CASE_COLS "id, property, state, approval, exempt, version, registered_at, last_at, next_due, head_hash, body"
#define EVENT_COLS "seq, stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id"

enum {
	Q_CASE_GET, Q_CASE_GET_LOCK, Q_CASE_INSERT, Q_CASE_UPDATE, Q_CASE_EXISTS, Q_EVENT_APPEND, Q_EVENTS_STREAM,
	Q_EVENTS_ALL, Q_STREAM_HEAD, Q_DIR_PUT, Q_DIR_GET, Q_DIR_ALL, Q_DIR_KIND, Q_EVENTS_AFTER, Q_EVENT_BY_ID,
	Q_CLAIM, Q_SETTING_GET, Q_SETTING_PUT, Q_KEY_PUT, Q_KEY_GET, Q_KEYS_ALL, Q_KEY_FORGET, Q_INDEX_FORGET,
	Q_INDEX_PUT, Q_INDEX_FIND, Q_EVENTS_SINCE, Q_FIXED_COUNT
};

static const struct fixed {
	const char *sql;
	int nparams;
} fixed[Q_FIXED_COUNT] = {
	{ "SELECT " CASE_COLS " FROM cases WHERE id = $1", 1 },
	{ "SELECT " CASE_COLS " FROM cases WHERE id = $1 FOR UPDATE", 1 },
	{ "INSERT INTO cases(" CASE_COLS ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING", 11 },
	{ "UPDATE cases SET property = $2, state = $3, approval = $4, exempt = $5, version = $6, registered_at = $7,"
	  " last_at = $8, next_due = $9, head_hash = $10, body = $11 WHERE id = $1 AND version = $12", 12 },
	{ "SELECT 1 FROM cases WHERE id = $1", 1 },
	{ "INSERT INTO events(stream, stream_seq, cmd, actor, at, body, prev_hash, hash, id)"
	  " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING seq", 9 },
	{ "SELECT " EVENT_COLS " FROM events WHERE stream = $1 ORDER BY stream_seq", 1 },
	{ "SELECT " EVENT_COLS " FROM events ORDER BY seq", 0 },
	{ "SELECT stream_seq, hash FROM events WHERE stream = $1 ORDER BY stream_seq DESC LIMIT 1", 1 },
	{ "INSERT INTO directory(kind, id, body) VALUES($1, $2, $3) ON CONFLICT DO NOTHING", 3 },
	{ "SELECT kind, id, body FROM directory WHERE kind = $1 AND id = $2", 2 },
	{ "SELECT kind, id, body FROM directory ORDER BY kind, id", 0 },
	{ "SELECT kind, id, body FROM directory WHERE kind = $1 ORDER BY id", 1 },
	{ "SELECT " EVENT_COLS " FROM events WHERE stream = $1 AND stream_seq > $2 ORDER BY stream_seq LIMIT $3", 3 },
	{ "SELECT " EVENT_COLS " FROM events WHERE id = $1", 1 },
	/*
	 * Claims: due cases without a live lease, in the sweep's order; rows
	 * another worker is claiming right now are skipped, not waited for
	 * (SKIP LOCKED). The upsert's WHERE keeps a lease another worker has just
	 * committed: claims of two workers are disjoint whatever their timing.
	 */
	{ "WITH t AS (SELECT extract(epoch FROM now())::bigint AS now),"
	  " due AS (SELECT c.id FROM cases c, t WHERE c.next_due IS NOT NULL AND c.next_due < $1"
	  "   AND NOT EXISTS (SELECT 1 FROM claims l WHERE l.case_id = c.id AND l.until > t.now)"
	  "   ORDER BY c.next_due, c.id LIMIT $2 FOR UPDATE OF c SKIP LOCKED),"
	  " got AS (INSERT INTO claims(case_id, worker, until) SELECT due.id, $3, t.now + $4 FROM due, t"
	  "   ON CONFLICT (case_id) DO UPDATE SET worker = EXCLUDED.worker, until = EXCLUDED.until"
	  "   WHERE claims.until <= extract(epoch FROM now())::bigint RETURNING case_id)"
	  " SELECT c.id, c.property, c.state, c.approval, c.exempt, c.version, c.registered_at, c.last_at, c.next_due,"
	  " c.head_hash, c.body FROM cases c JOIN got ON got.case_id = c.id ORDER BY c.next_due, c.id", 4 },
	{ "SELECT value FROM settings WHERE name = $1", 1 },
	{ "INSERT INTO settings(name, value) VALUES($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", 2 },
	{ "INSERT INTO case_keys(case_id, kek_id, wrapped) VALUES($1, $2, $3)"
	  " ON CONFLICT (case_id) DO UPDATE SET kek_id = EXCLUDED.kek_id, wrapped = EXCLUDED.wrapped", 3 },
	{ "SELECT case_id, kek_id, wrapped FROM case_keys WHERE case_id = $1", 1 },
	{ "SELECT case_id, kek_id, wrapped FROM case_keys ORDER BY case_id", 0 },
	{ "DELETE FROM case_keys WHERE case_id = $1", 1 },
	{ "DELETE FROM phone_index WHERE case_id = $1", 1 },
	{ "INSERT INTO phone_index(case_id, value) VALUES($1, $2) ON CONFLICT (case_id) DO UPDATE SET value = EXCLUDED.value", 2 },
	{ "SELECT case_id FROM phone_index WHERE value = $1 ORDER BY case_id", 1 },
	{ "SELECT " EVENT_COLS " FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", 2 },
};

/* Case queries: one prepared statement per combination of filters, prepared when first used. */
enum { F_PROPERTY = 1, F_STATE = 2, F_DUE = 4, F_REG_FROM = 8, F_REG_TO = 16, F_LIMIT = 32, F_AFTER = 64,
	F_COMBOS = 128 };

typedef struct pg {
	hotline_storage parent;
	PGconn *conn;
	unsigned char prepared[Q_FIXED_COUNT];
	unsigned char prepared_q[F_COMBOS];
	int in_tx, write_tx;
	/* hotline_statements=unnamed: no statement outlives its transaction (PgBouncer's transaction pooling) */
	int unnamed;
	/*
	 * hotline_notify=off: commits send no NOTIFY. PostgreSQL serialises the
	 * commits of notifying transactions on one lock for the whole server, so
	 * groups sharing a server would wait on each other's commits.
	 */
	int no_notify;
	/* READ_ONLY: every transaction READ ONLY (a transaction's property, not the session's: poolers) */
	int read_only;
	/* the connection was lost: the next call connects again */
	int lost;
	/* the schema's OID as the advisory locks' first key, and the statements that take them */
	int32_t lock_key;
	char sql_begin_org[512], sql_begin_write[512], sql_seq_lock[80];
	char sql_commit_notify[256], sql_listen[64]; /* the schema's feed channel: NOTIFY after a COMMIT, LISTEN */
	/* the head of the stream whose case this write transaction locked, read with the lock (p_case_get) */
	int have_head;
	int64_t head_seq;
	char head_hash[65], *head_stream;
	/*
	 * Read in the BEGIN's round trip of a write transaction (p_begin), for
	 * the calls that follow it: the snapshot data_version compares
	 * (used once), and the organisation stream's head, which cannot move
	 * while the transaction holds that stream's lock, until it appends to
	 * the stream itself.
	 */
	int have_pre_snap, have_org_head;
	char *pre_xmax, *pre_xip;
	int64_t org_seq;
	char org_hash[65];
	/* data_version: the snapshot seen last, the ids of our own transactions since */
	int have_snap;
	uint64_t snap_xmax, generation;
	uint64_t *snap_xip, *own;
	size_t n_xip, n_own, cap_own;
	int appended;   /* the transaction appended an event: its commit notifies the feed's listeners */
	int listening;  /* this connection has run LISTEN (p_wait_commit) */
	char errmsg[512];
} pg;

/*
 * The server went away (it stopped, crashed, or failed over): SQLSTATE
 * class 08, the shutdown codes, a connection libpq marked bad, or a failure
 * with no SQLSTATE at all (libpq's own "server closed the connection
 * unexpectedly", reported before it marks the connection bad when the
 * write failed first).
 */
static int connection_lost(pg *s, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return PQstatus(s->conn) == CONNECTION_BAD || (!state && (!r || PQresultStatus(r) == PGRES_FATAL_ERROR)) ||
	       (state && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
			  strcmp(state, "57P03") == 0));
}

static int fail(pg *s, int code, const char *what, const PGresult *r)
{
	const char *m = r ? PQresultErrorMessage(r) : NULL;
	size_t n;
	if (!m || !*m)
		m = PQerrorMessage(s->conn);
	if (connection_lost(s, r)) {
		/*
		 * Whatever was in flight may or may not have committed (a COMMIT
		 * whose answer was lost): only the command's id tells, when it is
		 * sent again. The next call connects again.
		 */
		s->lost = 1;
		snprintf(s->errmsg, sizeof(s->errmsg), "connection lost, retry with the same command_id (%s: %s)", what,
			m && *m ? m : "PostgreSQL failed");
		code = HOTLINE_ESTORAGE;
	} else {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s: %s", what, m && *m ? m : "PostgreSQL failed");
	}
	n = strlen(s->errmsg);
	while (n > 0 && (s->errmsg[n - 1] == '\n' || s->errmsg[n - 1] == ' '))
		s->errmsg[--n] = '\0';
	return code;
}

/* A failed statement's code: what a caller can act on, else HOTLINE_ESTORAGE. */
static int result_code(pg *s, PGresult *r, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	int code = HOTLINE_ESTORAGE;
	if (state && strcmp(state, "23505") == 0)
		code = HOTLINE_EDUPLICATE;
	else if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0) &&
		 !connection_lost(s, r))
		code = HOTLINE_ECONFLICT; /* serialisation failure, deadlock, lock timeout: the library runs the command again */
	return fail(s, code, what, r);
}

static int ok(PGresult *r)
{
	ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

/* Runs a statement without parameters; 0 or the code. */
static int exec_simple(pg *s, const char *sql, const char *what)
{
	PGresult *r = PQexec(s->conn, sql);
	int rc = ok(r) ? 0 : result_code(s, r, what);
	PQclear(r);
	return rc;
}

/* Text of an int64 parameter (every command formats several: no printf). */
static const char *fmt_i64(char buf[24], int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	size_t i = sizeof(tmp), n;
	do
		tmp[--i] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		tmp[--i] = '-';
	n = sizeof(tmp) - i;
	memcpy(buf, tmp + i, n);
	buf[n] = '\0';
	return buf;
}

/* A prepared statement's name: hotline_f<idx> (fixed), hotline_q<idx> (case queries). */
static const char *q_name(char *buf, size_t n, int combo, int idx)
{
	char num[24];
	(void)n; /* 32 bytes at every call */
	memcpy(buf, combo ? "hotline_q" : "hotline_f", 9);
	fmt_i64(num, idx);
	memcpy(buf + 9, num, strlen(num) + 1);
	return buf;
}

/* Prepares a statement on this connection; 0 or the code. */
static int prepare(pg *s, unsigned char *flag, const char *name, const char *sql, int nparams)
{
	PGresult *r = PQprepare(s->conn, name, sql, nparams, NULL);
	int rc = ok(r) ? 0 : result_code(s, r, "preparing a statement");
	PQclear(r);
	if (rc == 0)
		*flag = 1;
	return rc;
}

/* Runs a prepared statement, preparing it on first use on this connection. NULL on failure (errmsg set). */
static int ensure_connection(pg *s);

static PGresult *run(pg *s, int combo, int idx, const char *sql, int nparams, const char *const *params, int *rc_out,
	const char *what)
{
	char name[32];
	unsigned char *flag = combo ? &s->prepared_q[idx] : &s->prepared[idx];
	PGresult *r;
	q_name(name, sizeof(name), combo, idx);
	/* a read outside a transaction after the connection was lost connects again too */
	if (!s->in_tx && (*rc_out = ensure_connection(s)) != 0)
		return NULL;
	if (!s->unnamed && !*flag && (*rc_out = prepare(s, flag, name, sql, nparams)) != 0)
		return NULL;
	r = s->unnamed ? PQexecParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0)
		: PQexecPrepared(s->conn, name, nparams, params, NULL, NULL, 0);
	if (!ok(r)) {
		*rc_out = result_code(s, r, what);
		PQclear(r);
		return NULL;
	}
	*rc_out = 0;
	return r;
}

static PGresult *run_fixed(pg *s, int q, const char *const *params, int *rc, const char *what)
{
	return run(s, 0, q, fixed[q].sql, fixed[q].nparams, params, rc, what);
}

static int64_t get_i64(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static hotline_time get_time(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? HOTLINE_TIME_NONE : get_i64(r, row, col);
}

/* Text of a time parameter; NULL (SQL NULL) for HOTLINE_TIME_NONE. */
static const char *fmt_time(char buf[24], hotline_time t)
{
	return t == HOTLINE_TIME_NONE ? NULL : fmt_i64(buf, t);
}

/* ---- transactions ---- */

static int schema_locks(pg *s);
static void forget_prefetched(pg *s);

/*
 * A connection that broke is opened again at the next call, with the same
 * connection string: with several hosts and target_session_attrs=read-write
 * that is whichever server is the primary now. A few attempts with growing
 * pauses (about 4 s in all, plus libpq's connect_timeout per host tried),
 * then HOTLINE_ESTORAGE: a caller is never kept waiting without end, and
 * its next call tries again. Statements are prepared again on the new
 * connection; data_version says "changed" once (another server's snapshot).
 */
static int ensure_connection(pg *s)
{
	static const long pause_ms[] = { 0, 100, 250, 500, 1000, 2000 };
	size_t i;
	if (!s->lost && PQstatus(s->conn) == CONNECTION_OK)
		return 0;
	s->in_tx = 0;
	s->have_head = 0;
	forget_prefetched(s);
	for (i = 0; i < sizeof(pause_ms) / sizeof(pause_ms[0]); i++) {
		if (pause_ms[i])
			nanosleep(&(struct timespec){ pause_ms[i] / 1000, (pause_ms[i] % 1000) * 1000000L }, NULL);
		PQreset(s->conn);
		if (PQstatus(s->conn) == CONNECTION_OK)
			break;
	}
	if (PQstatus(s->conn) != CONNECTION_OK) {
		char m[300];
		snprintf(m, sizeof(m), "%s", PQerrorMessage(s->conn));
		m[strcspn(m, "\n")] = '\0';
		snprintf(s->errmsg, sizeof(s->errmsg), "connection lost, retry with the same command_id (cannot reconnect to"
			" PostgreSQL after %zu attempts: %s)", i, m);
		return HOTLINE_ESTORAGE;
	}
	s->lost = 0;
	memset(s->prepared, 0, sizeof(s->prepared));
	memset(s->prepared_q, 0, sizeof(s->prepared_q));
	s->have_snap = 0;
	s->listening = 0;
	s->n_own = 0;
	return schema_locks(s);
}

static void end_aborted(pg *s);

static void forget_prefetched(pg *s)
{
	s->have_pre_snap = 0;
	s->have_org_head = 0;
	free(s->pre_xmax);
	free(s->pre_xip);
	s->pre_xmax = s->pre_xip = NULL;
}

/*
 * A write transaction's BEGIN and its locks, and in the same round trip the
 * snapshot for the data_version the library asks for next and the
 * organisation stream's head (its lock is held from here to the end, so
 * the head stays what it is until this transaction appends to it): every
 * command would otherwise spend a round trip on each.
 */
static int begin_write(pg *s, const char *sql)
{
	PGresult *r;
	int rc = 0, i = 0;
	if (!PQsendQuery(s->conn, sql))
		return fail(s, HOTLINE_ESTORAGE, "beginning a transaction", NULL);
	while ((r = PQgetResult(s->conn)) != NULL) {
		if (rc == 0 && !ok(r)) {
			rc = result_code(s, r, "beginning a transaction");
		} else if (rc == 0 && i == 2 && PQntuples(r) == 1) {
			s->pre_xmax = strdup(PQgetvalue(r, 0, 0));
			s->pre_xip = strdup(PQgetvalue(r, 0, 1));
			s->have_pre_snap = s->pre_xmax && s->pre_xip;
			/* an empty stream: no row joined, its head is 0 and "" */
			s->org_seq = PQgetisnull(r, 0, 2) ? 0 : get_i64(r, 0, 2);
			hotline__copy_str(s->org_hash, sizeof(s->org_hash), PQgetvalue(r, 0, 3));
			s->have_org_head = 1;
		}
		PQclear(r);
		i++;
	}
	if (rc)
		forget_prefetched(s);
	return rc;
}

static int p_begin(hotline_storage *base, int write)
{
	pg *s = (pg *)base;
	int rc;
	if (s->in_tx) {
		snprintf(s->errmsg, sizeof(s->errmsg), "a transaction is already open");
		return HOTLINE_ESTORAGE;
	}
	if ((rc = ensure_connection(s)) != 0)
		return rc;
	/*
	 * Same round trip as the BEGIN, in this order, each held to the end:
	 *   - the organisation stream's lock, exclusive for a transaction that may
	 *     append to it (HOTLINE_STORAGE_BEGIN_ORG), shared for any other
	 *     writer: case writers run beside each other and the directory and
	 *     the organisation stream cannot change under them (directory lines
	 *     are appended to it); appenders to it queue. It is taken first, when
	 *     the transaction holds no lock yet, and never asked for again (no
	 *     upgrade), so no transaction waits for it while holding another;
	 *   - the seq lock shared, before the transaction takes any seq or row
	 *     lock: see p_stable_seq. A batch (exclusive here) may then take it
	 *     exclusively: no other writer holds it then, as every writer takes
	 *     it only once it holds the organisation stream's lock.
	 */
	s->have_head = 0;
	s->appended = 0;
	forget_prefetched(s);
	rc = write ? begin_write(s, write == HOTLINE_STORAGE_BEGIN_ORG ? s->sql_begin_org : s->sql_begin_write)
		: exec_simple(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "beginning a transaction");
	if (rc == 0) {
		s->in_tx = 1;
		s->write_tx = write != 0;
	} else {
		end_aborted(s);
	}
	return rc;
}

static int note_own(pg *s, uint64_t xid)
{
	if (s->n_own == s->cap_own) {
		size_t cap = s->cap_own ? s->cap_own * 2 : 16;
		uint64_t *p = realloc(s->own, cap * sizeof(*p));
		if (!p)
			return HOTLINE_ENOMEM;
		s->own = p;
		s->cap_own = cap;
	}
	s->own[s->n_own++] = xid;
	return 0;
}

static void end_aborted(pg *s)
{
	if (PQtransactionStatus(s->conn) == PQTRANS_INERROR || PQtransactionStatus(s->conn) == PQTRANS_INTRANS)
		PQclear(PQexec(s->conn, "ROLLBACK"));
}

/*
 * COMMIT, in the same round trip as reading the transaction's id: our own
 * commits must not change data_version, so it has to know them.
 */
static int p_commit(hotline_storage *base)
{
	pg *s = (pg *)base;
	PGresult *r;
	int rc = 0, i = 0;
	uint64_t xid = 0, notify_xid = 0;
	/*
	 * A transaction that appended tells the feed's listeners, in the same
	 * round trip but in a transaction of its own that follows the COMMIT.
	 * PostgreSQL lets the commits of notifying transactions through one at a
	 * time, across the whole server, holding that lock until the commit is on
	 * disk: a NOTIFY in the command's own transaction made every writer's
	 * fsync wait for every other's (no group commit), so that more writers
	 * were slower. The notifying transaction writes nothing and commits
	 * without waiting for the disk (synchronous_commit off, for it alone):
	 * the lock is held for microseconds. Listeners are woken after the data
	 * committed, so they find it; a crash may lose a wake-up, never data,
	 * and a waiter looks again after its timeout anyway. Its id is our own
	 * (data_version must not count it as another's commit).
	 */
	int notify = s->appended && !s->no_notify;
	s->in_tx = 0;
	s->have_head = 0;
	forget_prefetched(s);
	s->appended = 0;
	if (!PQsendQuery(s->conn, notify ? s->sql_commit_notify : "SELECT pg_current_xact_id_if_assigned()::text; COMMIT"))
		return fail(s, HOTLINE_ESTORAGE, "committing", NULL);
	while ((r = PQgetResult(s->conn)) != NULL) {
		if (i > 1) {
			/* the wake-up's transaction: the command is committed whatever becomes of it */
			if (ok(r) && i == 2 && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
				notify_xid = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
		} else if (rc == 0 && !ok(r)) {
			rc = result_code(s, r, "committing");
		} else if (rc == 0 && i == 0) {
			if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
				xid = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
		} else if (rc == 0 && i == 1 && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
			/* COMMIT of a transaction that had failed answers ROLLBACK */
			rc = HOTLINE_ESTORAGE;
			snprintf(s->errmsg, sizeof(s->errmsg), "committing: the transaction had failed and was rolled back");
		}
		PQclear(r);
		i++;
	}
	end_aborted(s);
	if ((xid && note_own(s, xid) != 0) || (notify_xid && note_own(s, notify_xid) != 0))
		s->have_snap = 0; /* cannot remember it: the next data_version says "changed" */
	return rc;
}

static int p_rollback(hotline_storage *base)
{
	pg *s = (pg *)base;
	s->in_tx = 0;
	s->have_head = 0;
	s->appended = 0;
	forget_prefetched(s);
	/* a lost connection's transaction is gone with it */
	if (s->lost || PQstatus(s->conn) != CONNECTION_OK || PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		return 0;
	return exec_simple(s, "ROLLBACK", "rolling back");
}

/* ---- the stable head (HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS) ---- */

/*
 * Seqs come from a sequence: a transaction may take seq 10, another 11 and
 * commit first. Taking the seq lock exclusively waits until every write
 * transaction that held it shared (so every one that may have taken a seq)
 * has ended, and keeps new ones from starting; the head read then, in a
 * statement begun after the wait (READ COMMITTED), has every seq below it
 * committed or gone for good, and any seq taken later is higher (the
 * identity sequence is not cached per session). The lock is held for one
 * more statement only; inside a batch, to the batch's end.
 */
static int p_stable_seq(hotline_storage *base, int64_t *seq_out)
{
	pg *s = (pg *)base;
	PGresult *r;
	int rc, own_tx = !s->in_tx;
	*seq_out = 0;
	if (s->in_tx && !s->write_tx) {
		snprintf(s->errmsg, sizeof(s->errmsg), "the stable head cannot be read inside a read transaction");
		return HOTLINE_ESTORAGE;
	}
	if (own_tx && ((rc = ensure_connection(s)) != 0 ||
		       (rc = exec_simple(s, "BEGIN ISOLATION LEVEL READ COMMITTED", "beginning a transaction")) != 0)) {
		end_aborted(s);
		return rc;
	}
	rc = exec_simple(s, s->sql_seq_lock, "waiting for the writers in flight");
	if (rc == 0) {
		r = PQexec(s->conn, "SELECT coalesce(max(seq), 0)::text, pg_is_in_recovery() FROM events");
		if (!ok(r) || PQntuples(r) != 1) {
			rc = result_code(s, r, "reading the head of the log");
		} else if (strcmp(PQgetvalue(r, 0, 1), "t") == 0) {
			/* a standby cannot wait for the primary's writers */
			snprintf(s->errmsg, sizeof(s->errmsg), "the head of the log is read on the primary, not on a standby");
			rc = HOTLINE_ESTORAGE;
		} else {
			*seq_out = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		}
		PQclear(r);
	}
	if (own_tx) {
		if (rc == 0)
			rc = exec_simple(s, "COMMIT", "ending the transaction");
		end_aborted(s);
	}
	return rc;
}

/* ---- data_version ---- */

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int is_own(const pg *s, uint64_t xid)
{
	size_t i;
	for (i = 0; i < s->n_own; i++)
		if (s->own[i] == xid)
			return 1;
	return 0;
}

/*
 * A number that changes when another connection may have committed since
 * the previous call, without writing anything (a counter row bumped by
 * every commit would make every writer queue on that row). From the
 * current snapshot: another transaction that committed in between either
 * was running at the previous call (it was in xip then, it is not now) or
 * took its id later (xmax moved past more ids than our own commits took).
 * Aborted transactions, and those of other databases of the cluster, count
 * too: that only costs a re-read, never a stale case.
 */
static int p_data_version(hotline_storage *base, uint64_t *out)
{
	pg *s = (pg *)base;
	PGresult *r = NULL;
	int rc, changed = 0;
	uint64_t xmax, *xip = NULL, others;
	size_t n = 0, i;
	const char *list;
	if (s->in_tx && s->have_pre_snap) {
		/* read with this transaction's BEGIN (begin_write): once */
		s->have_pre_snap = 0;
		xmax = strtoull(s->pre_xmax, NULL, 10);
		list = s->pre_xip;
	} else {
		if (!s->in_tx && (rc = ensure_connection(s)) != 0)
			return rc;
		r = PQexec(s->conn, SQL_SNAPSHOT);
		if (!ok(r) || PQntuples(r) != 1) {
			rc = result_code(s, r, "reading the data version");
			PQclear(r);
			return rc;
		}
		xmax = strtoull(PQgetvalue(r, 0, 0), NULL, 10);
		list = PQgetvalue(r, 0, 1);
	}
	if (*list) {
		const char *p;
		size_t cap = 1;
		for (p = list; *p; p++)
			cap += *p == ',';
		if (!(xip = malloc(cap * sizeof(*xip)))) {
			if (r)
				PQclear(r);
			return HOTLINE_ENOMEM;
		}
		for (p = list; *p;) {
			char *end;
			xip[n++] = strtoull(p, &end, 10);
			p = *end == ',' ? end + 1 : end;
		}
		qsort(xip, n, sizeof(*xip), u64_cmp);
	}
	if (r)
		PQclear(r);
	if (!s->have_snap) {
		changed = 1;
	} else {
		/* ids taken since the previous snapshot by others than us */
		others = xmax - s->snap_xmax;
		for (i = 0; i < s->n_own; i++)
			if (s->own[i] >= s->snap_xmax && s->own[i] < xmax)
				others--;
		changed = others > 0;
		/* transactions running then and finished now */
		for (i = 0; i < s->n_xip && !changed; i++)
			if (!is_own(s, s->snap_xip[i]) &&
			    (n == 0 || !bsearch(&s->snap_xip[i], xip, n, sizeof(*xip), u64_cmp)))
				changed = 1;
	}
	if (changed)
		s->generation++;
	free(s->snap_xip);
	s->snap_xip = xip;
	s->n_xip = n;
	s->snap_xmax = xmax;
	s->have_snap = 1;
	s->n_own = 0;
	*out = s->generation;
	return 0;
}

/* ---- cases ---- */

static void row_case(const PGresult *r, int i, hotline_storage_case *c)
{
	c->id = PQgetvalue(r, i, 0);
	c->property = PQgetvalue(r, i, 1);
	c->state = (int)get_i64(r, i, 2);
	c->approval = (int)get_i64(r, i, 3);
	c->exempt = (int)get_i64(r, i, 4);
	c->version = get_i64(r, i, 5);
	c->registered_at = get_i64(r, i, 6);
	c->last_at = get_i64(r, i, 7);
	c->next_due = get_time(r, i, 8);
	c->head_hash = PQgetvalue(r, i, 9);
	c->body = PQgetvalue(r, i, 10);
}

static int each_case(const PGresult *r, hotline_storage_case_cb cb, void *payload)
{
	int i, rc = 0;
	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		hotline_storage_case c;
		row_case(r, i, &c);
		rc = cb(&c, payload);
	}
	return rc;
}

/*
 * A writer's read of its case: the row locked, and in the same round trip
 * (a pipeline: a second statement, so READ COMMITTED reads after the lock
 * is held) the head of its stream, kept for p_stream_head until this
 * transaction appends to the stream. Every writer of the case appends only
 * while holding its row, so the head cannot move meanwhile; the lock is held
 * for as few round trips as possible, since writers of one case queue on it.
 * NULL when the pipeline could not run (*rc_out 0: read it the plain way).
 */
static PGresult *case_get_locked(pg *s, const char *id, int *rc_out)
{
	const char *params[1] = { id };
	PGresult *r, *res[2] = { NULL, NULL };
	char name[2][32];
	int i, q[2] = { Q_CASE_GET_LOCK, Q_STREAM_HEAD };
	*rc_out = 0;
	for (i = 0; i < 2; i++) {
		q_name(name[i], sizeof(name[i]), 0, q[i]);
		if (!s->unnamed && !s->prepared[q[i]] && (*rc_out = prepare(s, &s->prepared[q[i]], name[i], fixed[q[i]].sql,
			fixed[q[i]].nparams)) != 0)
			return NULL;
	}
	if (!PQenterPipelineMode(s->conn))
		return NULL;
	if (s->unnamed ? !PQsendQueryParams(s->conn, fixed[q[0]].sql, 1, NULL, params, NULL, NULL, 0) ||
			 !PQsendQueryParams(s->conn, fixed[q[1]].sql, 1, NULL, params, NULL, NULL, 0) || !PQpipelineSync(s->conn)
		       : !PQsendQueryPrepared(s->conn, name[0], 1, params, NULL, NULL, 0) ||
			 !PQsendQueryPrepared(s->conn, name[1], 1, params, NULL, NULL, 0) || !PQpipelineSync(s->conn)) {
		*rc_out = fail(s, HOTLINE_ESTORAGE, "reading a case", NULL);
		PQexitPipelineMode(s->conn);
		return NULL;
	}
	/* each statement's results up to a NULL, then the sync */
	for (i = 0; i < 2; i++)
		while ((r = PQgetResult(s->conn)) != NULL) {
			if (!res[i])
				res[i] = r;
			else
				PQclear(r);
		}
	if ((r = PQgetResult(s->conn)) != NULL)
		PQclear(r);
	PQexitPipelineMode(s->conn);
	if (!ok(res[0])) {
		*rc_out = result_code(s, res[0], "reading a case");
		PQclear(res[0]);
		PQclear(res[1]);
		return NULL;
	}
	if (ok(res[1]) && (!s->head_stream || strlen(s->head_stream) < strlen(id))) {
		free(s->head_stream);
		s->head_stream = malloc(strlen(id) + 1);
	}
	if (ok(res[1]) && s->head_stream) {
		strcpy(s->head_stream, id);
		s->head_seq = 0;
		s->head_hash[0] = '\0';
		if (PQntuples(res[1]) == 1) {
			s->head_seq = get_i64(res[1], 0, 0);
			hotline__copy_str(s->head_hash, sizeof(s->head_hash), PQgetvalue(res[1], 0, 1));
		}
		s->have_head = 1;
	}
	PQclear(res[1]);
	return res[0];
}

static int p_case_get(hotline_storage *base, const char *id, hotline_storage_case_cb cb, void *payload)
{
	pg *s = (pg *)base;
	const char *params[1] = { id };
	int rc = 0;
	PGresult *r = NULL;
	/* a writer locks the case: writers of one case queue, each reading what the one before committed */
	s->have_head = 0;
	if (s->in_tx && s->write_tx && !(r = case_get_locked(s, id, &rc)) && rc)
		return rc;
	if (!r && !(r = run_fixed(s, s->in_tx && s->write_tx ? Q_CASE_GET_LOCK : Q_CASE_GET, params, &rc, "reading a case")))
		return rc;
	rc = PQntuples(r) == 0 ? HOTLINE_ENOT_FOUND : each_case(r, cb, payload);
	PQclear(r);
	return rc;
}

static int p_case_put(hotline_storage *base, const hotline_storage_case *c, int64_t expected)
{
	pg *s = (pg *)base;
	char b[6][24];
	const char *params[12];
	PGresult *r;
	int rc;
	params[0] = c->id;
	params[1] = c->property;
	params[2] = fmt_i64(b[0], c->state);
	params[3] = fmt_i64(b[1], c->approval);
	params[4] = fmt_i64(b[2], c->exempt);
	params[5] = fmt_i64(b[3], c->version);
	params[6] = fmt_i64(b[4], c->registered_at);
	{
		char la[24], nd[24];
		params[7] = fmt_i64(la, c->last_at);
		params[8] = fmt_time(nd, c->next_due);
		params[9] = c->head_hash;
		params[10] = c->body;
		params[11] = fmt_i64(b[5], expected);
		r = run_fixed(s, expected == 0 ? Q_CASE_INSERT : Q_CASE_UPDATE, params, &rc, "writing a case");
	}
	if (!r)
		return rc;
	rc = strcmp(PQcmdTuples(r), "0") == 0;
	PQclear(r);
	if (!rc)
		return 0;
	if (expected == 0)
		return HOTLINE_EDUPLICATE;
	/* no row updated: another version, or no such case */
	if (!(r = run_fixed(s, Q_CASE_EXISTS, params, &rc, "reading a case")))
		return rc;
	rc = PQntuples(r) > 0 ? HOTLINE_ECONFLICT : HOTLINE_ENOT_FOUND;
	PQclear(r);
	return rc;
}

static int p_cases_foreach(hotline_storage *base, const hotline_storage_query *q, hotline_storage_case_cb cb, void *payload)
{
	pg *s = (pg *)base;
	char sql[1024], b[6][24];
	const char *params[8];
	int mask = 0, n = 0, rc;
	PGresult *r;
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
	if (q->after_id)
		mask |= F_AFTER;
	snprintf(sql, sizeof(sql), "SELECT " CASE_COLS " FROM cases WHERE true");
	/* parameters numbered in the order they are added */
#define ADD(cond, value) do { \
		char frag[96]; \
		params[n++] = (value); \
		snprintf(frag, sizeof(frag), cond, n); \
		strcat(sql, frag); \
	} while (0)
	if (mask & F_DUE)
		ADD(" AND next_due IS NOT NULL AND next_due < $%d", fmt_i64(b[0], q->due_before));
	if (mask & F_PROPERTY)
		ADD(" AND property = $%d", q->property);
	if (mask & F_STATE)
		ADD(" AND state = $%d", fmt_i64(b[1], q->state));
	if (mask & F_REG_FROM)
		ADD(" AND registered_at >= $%d", fmt_i64(b[2], q->registered_from));
	if (mask & F_REG_TO)
		ADD(" AND registered_at < $%d", fmt_i64(b[3], q->registered_to));
	if ((mask & F_AFTER) && (mask & F_DUE)) {
		/* a row comparison, so that the (next_due, id) index serves it */
		params[n++] = fmt_i64(b[4], q->after_due);
		params[n++] = q->after_id;
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), " AND (next_due, id) > ($%d, $%d)", n - 1, n);
	} else if (mask & F_AFTER) {
		ADD(" AND id > $%d", q->after_id);
	}
	/* ids are COLLATE "C": they compare as bytes (strcmp), whatever the database's collation */
	strcat(sql, mask & F_DUE ? " ORDER BY next_due, id" : " ORDER BY id");
	if (mask & F_LIMIT)
		ADD(" LIMIT $%d", fmt_i64(b[5], (int64_t)q->limit));
#undef ADD
	if (!(r = run(s, 1, mask, sql, n, params, &rc, "listing cases")))
		return rc;
	rc = each_case(r, cb, payload);
	PQclear(r);
	return rc;
}

/* ---- events ---- */

static int p_event_append(hotline_storage *base, const hotline_storage_event *e, int64_t *seq_out)
{
	pg *s = (pg *)base;
	char b[2][24];
	const char *params[9];
	PGresult *r;
	int rc;
	params[0] = e->stream;
	params[1] = fmt_i64(b[0], e->stream_seq);
	params[2] = e->cmd;
	params[3] = e->actor;
	params[4] = fmt_time(b[1], e->at);
	params[5] = e->body;
	params[6] = e->prev_hash;
	params[7] = e->hash;
	params[8] = e->id;
	s->have_head = 0;
	if (!*e->stream)
		s->have_org_head = 0;
	if (!(r = run_fixed(s, Q_EVENT_APPEND, params, &rc, "appending an event")))
		return rc;
	if (PQntuples(r) == 0) {
		/* ON CONFLICT DO NOTHING: the position in the stream, or the id, is taken */
		snprintf(s->errmsg, sizeof(s->errmsg), "appending an event: event %" PRId64 " of stream '%s' or id '%s' exists",
			e->stream_seq, e->stream, e->id ? e->id : "");
		rc = HOTLINE_EDUPLICATE;
	} else {
		s->appended = 1;
		if (seq_out)
			*seq_out = get_i64(r, 0, 0);
	}
	PQclear(r);
	return rc;
}

static int each_event(const PGresult *r, hotline_storage_event_cb cb, void *payload)
{
	int i, rc = 0;
	for (i = 0; i < PQntuples(r) && rc == 0; i++) {
		hotline_storage_event e;
		e.seq = get_i64(r, i, 0);
		e.stream = PQgetvalue(r, i, 1);
		e.stream_seq = get_i64(r, i, 2);
		e.cmd = PQgetvalue(r, i, 3);
		e.actor = PQgetvalue(r, i, 4);
		e.at = get_time(r, i, 5);
		e.body = PQgetvalue(r, i, 6);
		e.prev_hash = PQgetvalue(r, i, 7);
		e.hash = PQgetvalue(r, i, 8);
		e.id = PQgetisnull(r, i, 9) ? NULL : PQgetvalue(r, i, 9);
		rc = cb(&e, payload);
	}
	return rc;
}

static int p_events_foreach(hotline_storage *base, const char *stream, hotline_storage_event_cb cb, void *payload)
{
	pg *s = (pg *)base;
	const char *params[1] = { stream };
	int rc;
	PGresult *r = run_fixed(s, stream ? Q_EVENTS_STREAM : Q_EVENTS_ALL, params, &rc, "reading events");
	if (!r)
		return rc;
	rc = each_event(r, cb, payload);
	PQclear(r);
	return rc;
}

static int p_events_after(hotline_storage *base, const char *stream, int64_t after, size_t limit,
	hotline_storage_event_cb cb, void *payload)
{
	pg *s = (pg *)base;
	char b[2][24];
	const char *params[3];
	int rc;
	PGresult *r;
	params[0] = stream;
	params[1] = fmt_i64(b[0], after);
	params[2] = limit ? fmt_i64(b[1], (int64_t)limit) : NULL; /* LIMIT NULL: all */
	if (!(r = run_fixed(s, Q_EVENTS_AFTER, params, &rc, "reading events")))
		return rc;
	rc = each_event(r, cb, payload);
	PQclear(r);
	return rc;
}

static int p_events_since(hotline_storage *base, int64_t after_seq, size_t limit, hotline_storage_event_cb cb,
	void *payload)
{
	pg *s = (pg *)base;
	char b[2][24];
	const char *params[2];
	int rc;
	PGresult *r;
	params[0] = fmt_i64(b[0], after_seq);
	params[1] = limit ? fmt_i64(b[1], (int64_t)limit) : NULL; /* LIMIT NULL: all */
	if (!(r = run_fixed(s, Q_EVENTS_SINCE, params, &rc, "reading events")))
		return rc;
	rc = each_event(r, cb, payload);
	PQclear(r);
	return rc;
}

static int p_event_by_id(hotline_storage *base, const char *id, hotline_storage_event_cb cb, void *payload)
{
	pg *s = (pg *)base;
	const char *params[1] = { id };
	int rc;
	PGresult *r = run_fixed(s, Q_EVENT_BY_ID, params, &rc, "reading an event");
	if (!r)
		return rc;
	rc = PQntuples(r) == 0 ? HOTLINE_ENOT_FOUND : each_event(r, cb, payload);
	PQclear(r);
	return rc;
}

static int p_stream_head(hotline_storage *base, const char *stream, int64_t *seq_out, char hash_out[65])
{
	pg *s = (pg *)base;
	const char *params[1] = { stream };
	int rc;
	PGresult *r;
	*seq_out = 0;
	hash_out[0] = '\0';
	if (s->have_head && strcmp(stream, s->head_stream) == 0) {
		*seq_out = s->head_seq;
		hotline__copy_str(hash_out, 65, s->head_hash);
		return 0;
	}
	if (s->in_tx && s->have_org_head && !*stream) {
		*seq_out = s->org_seq;
		hotline__copy_str(hash_out, 65, s->org_hash);
		return 0;
	}
	/*
	 * The organisation stream has no row to lock: a write transaction holds
	 * its lock from its BEGIN (p_begin), so this statement (READ COMMITTED)
	 * sees what the previous appender committed and, in a transaction that
	 * appends to it, no other appender is in flight.
	 */
	if (!(r = run_fixed(s, Q_STREAM_HEAD, params, &rc, "reading a stream head")))
		return rc;
	if (PQntuples(r) == 1) {
		*seq_out = get_i64(r, 0, 0);
		hotline__copy_str(hash_out, 65, PQgetvalue(r, 0, 1));
	}
	PQclear(r);
	return 0;
}

/* ---- directory ---- */

static int p_dir_put(hotline_storage *base, const char *kind, const char *id, const char *body)
{
	pg *s = (pg *)base;
	const char *params[3] = { kind, id, body };
	int rc;
	PGresult *r = run_fixed(s, Q_DIR_PUT, params, &rc, "writing the directory");
	if (!r)
		return rc;
	rc = strcmp(PQcmdTuples(r), "0") == 0 ? HOTLINE_EDUPLICATE : 0;
	PQclear(r);
	return rc;
}

static int dir_rows(pg *s, int q, const char *kind, const char *id, hotline_storage_dir_cb cb, void *payload, int need)
{
	const char *params[2] = { kind, id };
	int rc = 0, i;
	PGresult *r = run_fixed(s, q, params, &rc, "reading the directory");
	if (!r)
		return rc;
	for (i = 0; i < PQntuples(r) && rc == 0; i++)
		rc = cb(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), payload);
	if (rc == 0 && need && PQntuples(r) == 0)
		rc = HOTLINE_ENOT_FOUND;
	PQclear(r);
	return rc;
}

static int p_dir_get(hotline_storage *base, const char *kind, const char *id, hotline_storage_dir_cb cb, void *payload)
{
	return dir_rows((pg *)base, Q_DIR_GET, kind, id, cb, payload, 1);
}

static int p_dir_foreach(hotline_storage *base, const char *kind, hotline_storage_dir_cb cb, void *payload)
{
	return dir_rows((pg *)base, kind ? Q_DIR_KIND : Q_DIR_ALL, kind, NULL, cb, payload, 0);
}

/* ---- group claims ---- */

static int p_claim_due(hotline_storage *base, hotline_time before, size_t limit, int lease_seconds, const char *worker,
	hotline_storage_case_cb cb, void *payload)
{
	pg *s = (pg *)base;
	char b[3][24];
	const char *params[4];
	int rc;
	PGresult *r;
	params[0] = fmt_i64(b[0], before);
	params[1] = limit ? fmt_i64(b[1], (int64_t)limit) : NULL;
	params[2] = worker;
	params[3] = fmt_i64(b[2], lease_seconds);
	if (!(r = run_fixed(s, Q_CLAIM, params, &rc, "claiming due cases")))
		return rc;
	rc = each_case(r, cb, payload);
	PQclear(r);
	return rc;
}

/* ---- group keys: owners' personal data ---- */

/* Runs a statement that returns nothing to read. */
static int exec_fixed(pg *s, int q, const char *const *params, const char *what)
{
	int rc;
	PGresult *r = run_fixed(s, q, params, &rc, what);
	if (!r)
		return rc;
	PQclear(r);
	return 0;
}

static int p_setting_get(hotline_storage *base, const char *name, int (*cb)(const char *value, void *payload),
	void *payload)
{
	const char *params[1] = { name };
	int rc;
	PGresult *r = run_fixed((pg *)base, Q_SETTING_GET, params, &rc, "reading a setting");
	if (!r)
		return rc;
	rc = PQntuples(r) ? cb(PQgetvalue(r, 0, 0), payload) : HOTLINE_ENOT_FOUND;
	PQclear(r);
	return rc;
}

static int p_setting_put(hotline_storage *base, const char *name, const char *value)
{
	const char *params[2] = { name, value };
	return exec_fixed((pg *)base, Q_SETTING_PUT, params, "writing a setting");
}

static int p_case_key_put(hotline_storage *base, const char *case_id, const char *kek_id, const char *wrapped)
{
	const char *params[3] = { case_id, kek_id, wrapped };
	return exec_fixed((pg *)base, Q_KEY_PUT, params, "writing a data key");
}

static int key_rows(pg *s, int q, const char *case_id,
	int (*cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload), void *payload, int need)
{
	const char *params[1] = { case_id };
	int rc = 0, i;
	PGresult *r = run_fixed(s, q, params, &rc, "reading data keys");
	if (!r)
		return rc;
	for (i = 0; i < PQntuples(r) && rc == 0; i++)
		rc = cb(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), payload);
	if (rc == 0 && need && PQntuples(r) == 0)
		rc = HOTLINE_ENOT_FOUND;
	PQclear(r);
	return rc;
}

static int p_case_key_get(hotline_storage *base, const char *case_id,
	int (*cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload), void *payload)
{
	return key_rows((pg *)base, Q_KEY_GET, case_id, cb, payload, 1);
}

static int p_case_keys_foreach(hotline_storage *base,
	int (*cb)(const char *case_id, const char *kek_id, const char *wrapped, void *payload), void *payload)
{
	return key_rows((pg *)base, Q_KEYS_ALL, NULL, cb, payload, 0);
}

static int p_case_key_forget(hotline_storage *base, const char *case_id)
{
	const char *params[1] = { case_id };
	int rc = exec_fixed((pg *)base, Q_KEY_FORGET, params, "erasing a data key");
	return rc ? rc : exec_fixed((pg *)base, Q_INDEX_FORGET, params, "erasing a blind-index row");
}

static int p_phone_index_put(hotline_storage *base, const char *case_id, const char *value)
{
	const char *params[2] = { case_id, value };
	return exec_fixed((pg *)base, Q_INDEX_PUT, params, "writing the blind index");
}

static int p_phone_index_find(hotline_storage *base, const char *value, int (*cb)(const char *case_id, void *payload),
	void *payload)
{
	const char *params[1] = { value };
	int rc = 0, i;
	PGresult *r = run_fixed((pg *)base, Q_INDEX_FIND, params, &rc, "reading the blind index");
	if (!r)
		return rc;
	for (i = 0; i < PQntuples(r) && rc == 0; i++)
		rc = cb(PQgetvalue(r, i, 0), payload);
	PQclear(r);
	return rc;
}

/* ---- check_protection: the log's protection ---- */

static const struct protection_trigger {
	const char *name;
	int type;       /* pg_trigger.tgtype: ROW 1, BEFORE 2, DELETE 8, UPDATE 16, TRUNCATE 32 */
	const char *what;
} protection_triggers[] = {
	{ "events_no_update", 1 | 2 | 16, "updated" },
	{ "events_no_delete", 1 | 2 | 8, "deleted" },
	{ "events_no_truncate", 2 | 32, "truncated" },
};

static int p_check_protection(hotline_storage *base, hotline_storage_finding_cb report, void *payload)
{
	pg *s = (pg *)base;
	PGresult *r;
	size_t i;
	int rc = 0, j;
	/* each trigger: its events, whether it fires, and the body of the function it runs */
	r = PQexec(s->conn, "SELECT t.tgname, t.tgtype, t.tgenabled, p.proname, p.prosrc FROM pg_trigger t"
		" JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = 'events'::regclass AND NOT t.tgisinternal");
	if (!ok(r)) {
		rc = result_code(s, r, "reading the schema");
		PQclear(r);
		return rc;
	}
	for (i = 0; i < sizeof(protection_triggers) / sizeof(protection_triggers[0]) && rc == 0; i++) {
		const struct protection_trigger *t = &protection_triggers[i];
		char msg[256];
		for (j = 0; j < PQntuples(r); j++)
			if (strcmp(PQgetvalue(r, j, 0), t->name) == 0)
				break;
		if (j == PQntuples(r)) {
			snprintf(msg, sizeof(msg), "trigger %s is missing: events can be %s", t->name, t->what);
			rc = report("trigger_missing", msg, payload);
		} else if (atoi(PQgetvalue(r, j, 1)) != t->type || strcmp(PQgetvalue(r, j, 3), "hotline_events_append_only") != 0 ||
			   strcmp(PQgetvalue(r, j, 4), GUARD_BODY) != 0) {
			snprintf(msg, sizeof(msg), "trigger %s was replaced: events may be %s", t->name, t->what);
			rc = report("trigger_changed", msg, payload);
		} else if (strcmp(PQgetvalue(r, j, 2), "O") != 0 && strcmp(PQgetvalue(r, j, 2), "A") != 0) {
			snprintf(msg, sizeof(msg), "trigger %s is disabled: events can be %s", t->name, t->what);
			rc = report("trigger_disabled", msg, payload);
		}
	}
	PQclear(r);
	return rc;
}

/* ---- the feed's wake-ups: a commit that appended sends NOTIFY, a waiting handle LISTENs ---- */

/* LISTEN once per connection (outside a transaction), then wait for a NOTIFY up to timeout_ms. */
static int p_wait_commit(hotline_storage *base, int timeout_ms)
{
	pg *s = (pg *)base;
	PGnotify *n;
	struct pollfd p;
	int got = 0, rc;
	if (!s->listening) {
		if (s->in_tx) {
			snprintf(s->errmsg, sizeof(s->errmsg), "cannot listen inside a transaction");
			return HOTLINE_ESTORAGE;
		}
		if ((rc = ensure_connection(s)) != 0)
			return rc;
		if ((rc = exec_simple(s, s->sql_listen, "listening for commits")) != 0)
			return rc;
		s->listening = 1;
	}
	/* what came with earlier results first, then the socket */
	for (;;) {
		if (!PQconsumeInput(s->conn))
			return fail(s, HOTLINE_ESTORAGE, "waiting for commits", NULL);
		while ((n = PQnotifies(s->conn)) != NULL) {
			got = 1;
			PQfreemem(n);
		}
		if (got || timeout_ms <= 0)
			return got;
		p.fd = PQsocket(s->conn);
		p.events = POLLIN;
		p.revents = 0;
		if (p.fd < 0)
			return fail(s, HOTLINE_ESTORAGE, "waiting for commits", NULL);
		if (poll(&p, 1, timeout_ms) <= 0)
			return 0; /* timed out (or a signal: the caller looks again) */
		timeout_ms = 0;
	}
}

static const char *p_errmsg(hotline_storage *base)
{
	return ((pg *)base)->errmsg;
}

static void p_free(hotline_storage *base)
{
	pg *s = (pg *)base;
	if (!s)
		return;
	if (s->conn) {
		if (PQstatus(s->conn) == CONNECTION_OK && PQtransactionStatus(s->conn) != PQTRANS_IDLE)
			PQclear(PQexec(s->conn, "ROLLBACK"));
		PQfinish(s->conn);
	}
	free(s->snap_xip);
	free(s->own);
	free(s->head_stream);
	forget_prefetched(s);
	free(s);
}

/* ---- schema ---- */

/* The schema version in the first schema of the search path: 0 when it has none; -1 on failure. */
static int read_version(pg *s, int *tables_out)
{
	PGresult *r = PQexec(s->conn, "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()),"
		" to_regclass('schema_version') IS NOT NULL");
	int version = 0;
	if (!ok(r) || PQntuples(r) != 1) {
		result_code(s, r, "reading the schema version");
		PQclear(r);
		return -1;
	}
	*tables_out = atoi(PQgetvalue(r, 0, 0));
	if (strcmp(PQgetvalue(r, 0, 1), "t") != 0) {
		PQclear(r);
		return 0;
	}
	PQclear(r);
	r = PQexec(s->conn, "SELECT version FROM schema_version WHERE application = '" APPLICATION "'");
	if (!ok(r)) {
		result_code(s, r, "reading the schema version");
		PQclear(r);
		return -1;
	}
	version = PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -2;
	PQclear(r);
	if (version == -2) {
		snprintf(s->errmsg, sizeof(s->errmsg), "the database's schema_version table is not libhotline's");
		return -1;
	}
	return version;
}

static int check_schema(pg *s, const char *where)
{
	int tables = 0, version = read_version(s, &tables);
	if (version < 0)
		return HOTLINE_ESTORAGE;
	if (version == 0) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s is not a libhotline database%s", where,
			tables ? " (it holds other tables)" : " yet (open it with HOTLINE_OPEN_CREATE)");
		return HOTLINE_ESTORAGE;
	}
	if (version != SCHEMA_VERSION) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s has schema version %d, this library reads %d: %s", where, version,
			SCHEMA_VERSION, version < SCHEMA_VERSION ? "open it read-write once to migrate it" : "upgrade libhotline");
		return HOTLINE_ESTORAGE;
	}
	return 0;
}

/* The schema the library works in (the first of the search path) and its locks' statements. */
static int schema_locks(pg *s)
{
	PGresult *r = PQexec(s->conn, "SELECT oid::int8 FROM pg_namespace WHERE nspname = current_schema()");
	int32_t key;
	if (!ok(r)) {
		int rc = result_code(s, r, "reading the schema");
		PQclear(r);
		return rc;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		snprintf(s->errmsg, sizeof(s->errmsg), "the search path names no existing schema (create the group's schema first)");
		return HOTLINE_ESTORAGE;
	}
	/* an OID is unsigned 32 bits, the lock's key a signed int4 */
	key = (int32_t)(uint32_t)strtoull(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	s->lock_key = key;
	/* the locks, then (statements run in order: after the locks are held) what p_begin keeps for later calls */
	/* (a target list is evaluated in order: the organisation stream's lock first) */
	snprintf(s->sql_begin_org, sizeof(s->sql_begin_org), "BEGIN ISOLATION LEVEL READ COMMITTED%s;"
		" SELECT pg_advisory_xact_lock(%" PRId32 ", %d), pg_advisory_xact_lock_shared(%" PRId32 ", %d);"
		" " SQL_SNAPSHOT_ORG_HEAD, s->read_only ? " READ ONLY" : "", key, LOCK_ORG, key, LOCK_SEQ);
	snprintf(s->sql_begin_write, sizeof(s->sql_begin_write), "BEGIN ISOLATION LEVEL READ COMMITTED%s;"
		" SELECT pg_advisory_xact_lock_shared(%" PRId32 ", %d), pg_advisory_xact_lock_shared(%" PRId32 ", %d);"
		" " SQL_SNAPSHOT_ORG_HEAD, s->read_only ? " READ ONLY" : "", key, LOCK_ORG, key, LOCK_SEQ);
	snprintf(s->sql_seq_lock, sizeof(s->sql_seq_lock), "SELECT pg_advisory_xact_lock(%" PRId32 ", %d)", key, LOCK_SEQ);
	/* after the COMMIT, one statement in a transaction of its own (p_commit) */
	snprintf(s->sql_commit_notify, sizeof(s->sql_commit_notify), "SELECT pg_current_xact_id_if_assigned()::text; COMMIT;"
		" SELECT pg_current_xact_id()::text, set_config('synchronous_commit', 'off', true),"
		" pg_notify('" FEED_CHANNEL "%" PRIu32 "', NULL)", (uint32_t)key);
	snprintf(s->sql_listen, sizeof(s->sql_listen), "LISTEN " FEED_CHANNEL "%" PRIu32, (uint32_t)key);
	return 0;
}

/* Creates (when `create`) or upgrades the schema in one transaction; app servers starting at once queue on a lock. */
static int migrate(pg *s, const char *where, int create)
{
	char sql[96];
	int version, tables = 0, rc;
	size_t i;
	/* quiet, for this transaction only (no session state: poolers hand the session on) */
	if ((rc = exec_simple(s, "BEGIN; SET LOCAL client_min_messages = warning", "opening the schema")) != 0)
		return rc;
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%" PRId32 ", %d)", s->lock_key, LOCK_SCHEMA);
	if ((rc = exec_simple(s, sql, "locking the schema")) != 0)
		goto fail;
	if ((version = read_version(s, &tables)) < 0) {
		rc = HOTLINE_ESTORAGE;
		goto fail;
	}
	if (version == 0 && tables > 0) {
		/* never install the schema among somebody else's tables */
		snprintf(s->errmsg, sizeof(s->errmsg), "%s is not a libhotline database (it holds other tables)", where);
		rc = HOTLINE_ESTORAGE;
		goto fail;
	}
	if (version == 0 && !create) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s is not a libhotline database yet (open it with HOTLINE_OPEN_CREATE)", where);
		rc = HOTLINE_ESTORAGE;
		goto fail;
	}
	if (version > SCHEMA_VERSION) {
		snprintf(s->errmsg, sizeof(s->errmsg), "%s has schema version %d, newer than this library's %d: upgrade libhotline",
			where, version, SCHEMA_VERSION);
		rc = HOTLINE_ESTORAGE;
		goto fail;
	}
	if (version == 0 && (rc = exec_simple(s, "CREATE TABLE schema_version(application TEXT PRIMARY KEY, version INTEGER NOT NULL);"
		"INSERT INTO schema_version VALUES('" APPLICATION "', 0)", "creating the schema")) != 0)
		goto fail;
	for (i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
		if (migrations[i].version <= version)
			continue;
		if ((rc = exec_simple(s, migrations[i].sql, "migrating the schema")) != 0)
			goto fail;
		snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d WHERE application = '" APPLICATION "'",
			migrations[i].version);
		if ((rc = exec_simple(s, sql, "migrating the schema")) != 0)
			goto fail;
	}
	return exec_simple(s, "COMMIT", "writing the schema");
fail:
	PQclear(PQexec(s->conn, "ROLLBACK"));
	return rc ? rc : HOTLINE_ESTORAGE;
}

/* ---- the connection string ---- */

/* The library's own keywords in a connection string (libpq refuses keywords it does not know). */
typedef struct lib_options {
	int unnamed;    /* hotline_statements=unnamed */
	int no_notify;  /* hotline_notify=off */
} lib_options;

#define KW_MESSAGE "hotline_statements is 'named' or 'unnamed', hotline_notify 'on' or 'off'"

static int value_is(const char *v, size_t n, const char *word)
{
	return n == strlen(word) && strncmp(v, word, n) == 0;
}

/* 1: `key` is the library's and its value was taken; 0: libpq's; -1: the library's with a bad value. */
static int lib_keyword(const char *key, size_t key_len, const char *v, size_t nv, lib_options *o)
{
	if (value_is(key, key_len, "hotline_statements")) {
		if (!value_is(v, nv, "named") && !value_is(v, nv, "unnamed"))
			return -1;
		o->unnamed = value_is(v, nv, "unnamed");
		return 1;
	}
	if (value_is(key, key_len, "hotline_notify")) {
		if (!value_is(v, nv, "on") && !value_is(v, nv, "off"))
			return -1;
		o->no_notify = value_is(v, nv, "off");
		return 1;
	}
	return 0;
}

/*
 * The connection string without the library's own keywords
 * (hotline_statements=named|unnamed, hotline_notify=on|off) into *out
 * (malloc'd), their values into *opts. Both forms: a libpq URI's query
 * parameters, or "keyword=value" pairs (values quoted and escaped as libpq
 * reads them). HOTLINE_EINVALID for another value.
 */
static int split_conninfo(const char *in, char **out, lib_options *opts)
{
	size_t n = strlen(in);
	char *o = malloc(n + 1), *w = o;
	const char *p = in;
	int taken;
	memset(opts, 0, sizeof(*opts));
	*out = o;
	if (!o)
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	if (strncmp(in, "postgresql://", 13) == 0 || strncmp(in, "postgres://", 11) == 0) {
		const char *q = strchr(in, '?');
		int first = 1;
		if (!q) {
			memcpy(o, in, n + 1);
			return 0;
		}
		memcpy(w, in, (size_t)(q - in));
		w += q - in;
		for (p = q + 1; *p;) {
			size_t len = strcspn(p, "&"), key_len = strcspn(p, "=&");
			taken = key_len < len ? lib_keyword(p, key_len, p + key_len + 1, len - key_len - 1, opts) : 0;
			if (taken < 0)
				goto bad;
			if (!taken && len) {
				*w++ = first ? '?' : '&';
				memcpy(w, p, len);
				w += len;
				first = 0;
			}
			p += len + (p[len] == '&');
		}
		*w = '\0';
		return 0;
	}
	while (*p) {
		const char *start = p, *key, *val;
		char v[16];
		size_t key_len, nv = 0;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		key = p;
		while (*p && *p != '=' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		key_len = (size_t)(p - key);
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '=') {
			p++;
			while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
				p++;
		}
		val = p;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (nv < sizeof(v))
					v[nv++] = *p;
			}
			if (*p)
				p++;
		} else {
			for (; *p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r'; p++) {
				if (*p == '\\' && p[1])
					p++;
				if (nv < sizeof(v))
					v[nv++] = *p;
			}
		}
		(void)val;
		if ((taken = lib_keyword(key, key_len, v, nv, opts)) < 0)
			goto bad;
		if (!taken) {
			memcpy(w, start, (size_t)(p - start));
			w += p - start;
		}
	}
	*w = '\0';
	return 0;
bad:
	free(o);
	*out = NULL;
	return hotline__last_error_set(HOTLINE_EINVALID, KW_MESSAGE);
}

/*
 * Connects with defaults the connection string may override: a host that
 * does not answer is given up on after connect_timeout, and a server that
 * vanished without closing the connection is noticed by TCP keepalives,
 * instead of a call waiting on it for the system's two hours.
 */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static PGconn *connect_pg(const char *conninfo)
{
	const char *const kw[] = { "connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count", "dbname",
		NULL };
	const char *const val[] = { "10", "30", "10", "3", conninfo, NULL };
	PGconn *c = PQconnectdbParams(kw, val, 1);
	/* a library prints nothing: the server's notices and warnings (a shutdown's) are not the application's output */
	if (c)
		PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

int hotline_postgres_options_init(hotline_postgres_options *opts, unsigned int version)
{
	if (!opts)
		return hotline__last_error_set(HOTLINE_EINVALID, "options pointer is NULL");
	if (version == 0 || version > HOTLINE_POSTGRES_OPTIONS_VERSION)
		return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_postgres_options version %u", version);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return 0;
}

int hotline_storage_postgres_new(hotline_storage **out, const char *conninfo, const hotline_postgres_options *opts)
{
	pg *s;
	int mode = HOTLINE_OPEN_DEFAULT, rc;
	lib_options lib;
	const char *where;
	char *libpq_conninfo = NULL;
	if (!out)
		return hotline__last_error_set(HOTLINE_EINVALID, "out is NULL");
	*out = NULL;
	if (!conninfo)
		return hotline__last_error_set(HOTLINE_EINVALID, "PostgreSQL connection string is NULL");
	if (opts) {
		if (opts->version == 0 || opts->version > HOTLINE_POSTGRES_OPTIONS_VERSION)
			return hotline__last_error_set(HOTLINE_EINVALID, "unsupported hotline_postgres_options version %u", opts->version);
		mode = opts->mode;
		if (mode < HOTLINE_OPEN_DEFAULT || mode > HOTLINE_OPEN_CREATE)
			return hotline__last_error_set(HOTLINE_EINVALID, "unknown open mode %d", mode);
	}
	if ((rc = split_conninfo(conninfo, &libpq_conninfo, &lib)) != 0)
		return rc;
	if (!(s = calloc(1, sizeof(*s)))) {
		free(libpq_conninfo);
		return hotline__last_error_set(HOTLINE_ENOMEM, "out of memory");
	}
	s->unnamed = lib.unnamed;
	s->no_notify = lib.no_notify;
	s->read_only = mode == HOTLINE_OPEN_READ_ONLY;
	s->conn = connect_pg(libpq_conninfo);
	free(libpq_conninfo);
	if (!s->conn || PQstatus(s->conn) != CONNECTION_OK) {
		char msg[400];
		snprintf(msg, sizeof(msg), "%s", s->conn ? PQerrorMessage(s->conn) : "out of memory");
		msg[strcspn(msg, "\n")] = '\0';
		p_free(&s->parent);
		return hotline__last_error_set(HOTLINE_ESTORAGE, "cannot connect to PostgreSQL: %s", msg);
	}
	where = PQdb(s->conn) ? PQdb(s->conn) : "the database";
	/* no SET: a session's state does not survive a pooler handing the session on (PgBouncer's transaction pooling) */
	rc = schema_locks(s);
	if (rc == 0 && mode == HOTLINE_OPEN_READ_ONLY) {
		/* never a write (every transaction READ ONLY), never a migration: also a hot standby will do */
		rc = check_schema(s, where);
	} else if (rc == 0) {
		rc = migrate(s, where, mode != HOTLINE_OPEN_READ_WRITE);
	}
	if (rc) {
		hotline__last_error_set(rc, "%s", s->errmsg);
		p_free(&s->parent);
		return rc;
	}
	static const hotline_storage_keys keys = {
		.setting_get = p_setting_get,
		.setting_put = p_setting_put,
		.case_key_put = p_case_key_put,
		.case_key_get = p_case_key_get,
		.case_keys_foreach = p_case_keys_foreach,
		.case_key_forget = p_case_key_forget,
		.phone_index_put = p_phone_index_put,
		.phone_index_find = p_phone_index_find,
	};
	static const hotline_storage_claims claims = { .claim_due = p_claim_due };
	s->parent.version = HOTLINE_STORAGE_VERSION;
	/* writers of different cases run at once; each case's writers queue on its row */
	s->parent.capabilities = HOTLINE_STORAGE_CAP_KEYSET | HOTLINE_STORAGE_CAP_OVERLAPPING_WRITERS |
		HOTLINE_STORAGE_CAP_CASE_LOCKS;
	s->parent.begin = p_begin;
	s->parent.commit = p_commit;
	s->parent.rollback = p_rollback;
	s->parent.case_get = p_case_get;
	s->parent.case_put = p_case_put;
	s->parent.cases_foreach = p_cases_foreach;
	s->parent.event_append = p_event_append;
	s->parent.events_foreach = p_events_foreach;
	s->parent.events_since = p_events_since;
	s->parent.event_by_id = p_event_by_id;
	s->parent.stream_head = p_stream_head;
	s->parent.dir_put = p_dir_put;
	s->parent.dir_get = p_dir_get;
	s->parent.dir_foreach = p_dir_foreach;
	s->parent.free = p_free;
	s->parent.errmsg = p_errmsg;
	s->parent.data_version = p_data_version;
	s->parent.events_after = p_events_after;
	s->parent.check_protection = p_check_protection;
	s->parent.stable_seq = p_stable_seq;
	/* without NOTIFY a waiting consumer polls data_version instead */
	s->parent.wait_commit = s->no_notify ? NULL : p_wait_commit;
	s->parent.keys = &keys;
	s->parent.claims = &claims;
	*out = &s->parent;
	return 0;
}
