/*
 * Crash recovery: nothing acknowledged is lost, nothing is torn.
 *
 * Each round forks a writer that opens a SQLite database, makes sure the
 * directory is there and then applies commands one per transaction
 * (hotline_db_exec_json, no batch) on many cases, each command along a
 * valid lifecycle path. Before a command it writes "P" (the command it is
 * about to run) to a pipe, and after the command returned 0 it writes "A"
 * (the case and its version now). The parent SIGKILLs the writer at a
 * random moment, reads what was acknowledged, reopens the database and
 * checks:
 *   - every acknowledged command is there: its case exists at (at least)
 *     the version the writer was told;
 *   - the command in flight at the kill is there entirely or not at all:
 *     the case is at the version before it or just after it; run again with
 *     its expect_version, it is applied only if it was not (never twice);
 *   - no torn case: the snapshot's version equals its number of events,
 *     and hotline_db_verify_log passes over every stream;
 * and the next round's writer goes on on the same database. Rounds
 * alternate between two databases, one with synchronous=NORMAL and one
 * with FULL (in WAL mode NORMAL is durable against a killed process, not
 * against power loss, which a kill does not test). A last round runs to
 * its end without a kill.
 *
 *   crash_recovery [--kills N] [--max-seconds S] [--min-kills M] [--dir DIR]
 *                  [--max-delay-ms D] [--seed X]
 *
 * Prints "crash: N kills, M acknowledged commands checked, L lost, T torn"
 * and exits non-zero when anything was lost or torn, when a writer failed,
 * or when fewer than --min-kills kills fitted in --max-seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <hotline.h>

#define WORKING_SET 48     /* open cases a writer keeps going at once */
#define ID_MAX 48
#define LINE_MAX_LEN 3000  /* a pipe write below PIPE_BUF is atomic: no torn line */

/* The databases keep owners' data encrypted, as a real installation does (any fixed key will do). */
static const unsigned char crash_key[HOTLINE_KEY_BYTES] = "crash-test-key-0123456789abcdef";

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64* */
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 2685821657736338717ULL;
}

static unsigned rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) >> 33) % n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("crash: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ------------------------------------------------------------------ */
/* The writer (child process)                                          */

static const char *const directory_lines[] = {
	"{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}",
	"{\"cmd\":\"person\",\"id\":\"liu\",\"name\":\"刘洋\",\"roles\":[\"hotline_specialist\"]}",
	"{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"li2\",\"name\":\"李二\",\"roles\":[\"property_manager\"]}",
	"{\"cmd\":\"person\",\"id\":\"wu\",\"name\":\"吴刚\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"wu2\",\"name\":\"吴二\",\"roles\":[\"department_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"zhao\",\"name\":\"赵丽\",\"roles\":[\"quality_supervisor\"]}",
	"{\"cmd\":\"person\",\"id\":\"huang\",\"name\":\"黄梅\",\"roles\":[\"quality_supervisor\"]}",
	"{\"cmd\":\"person\",\"id\":\"gm\",\"name\":\"陈总\",\"roles\":[\"group_head\"]}",
	"{\"cmd\":\"person\",\"id\":\"qa\",\"name\":\"钱主任\",\"roles\":[\"qa_director\"]}",
	"{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\",\"department_heads\":[\"wu\"],\"quality_supervisor\":\"zhao\"}",
	"{\"cmd\":\"property\",\"id\":\"P2\",\"name\":\"锦绣华庭\",\"manager\":\"li2\",\"department_heads\":[\"wu2\"],\"quality_supervisor\":\"huang\"}",
	"{\"cmd\":\"bonus\",\"person\":\"li\",\"month\":\"2026-03\",\"amount_fen\":20000}",
	"{\"cmd\":\"bonus\",\"person\":\"li2\",\"month\":\"2026-03\",\"amount_fen\":18000}",
	NULL
};

/* The people acting on a property's cases. */
typedef struct {
	const char *manager, *head, *supervisor;
} staff;

static staff staff_of(const char *property)
{
	staff s = { "li", "wu", "zhao" };
	if (property && strcmp(property, "P2") == 0) {
		s.manager = "li2";
		s.head = "wu2";
		s.supervisor = "huang";
	}
	return s;
}

static int wputs(int fd, const char *line)
{
	size_t len = strlen(line), off = 0;
	while (off < len) {
		ssize_t n = write(fd, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Every command starts with its case, actor, instant and expected version. */
static int head_fmt(char *buf, size_t size, const char *cmd, const char *case_id, const char *actor,
	hotline_time at, int64_t version)
{
	char when[40];
	hotline_time_format(when, sizeof(when), at, 480);
	return snprintf(buf, size, "{\"cmd\":\"%s\",\"case\":\"%s\",\"actor\":\"%s\",\"at\":\"%s\",\"expect_version\":%" PRId64,
		cmd, case_id, actor, when, version);
}

/*
 * The next command on an existing case, chosen by its state along the
 * paths of DESIGN §2. Returns 0 when the case is finished (closed, or an
 * approved malicious report) and should leave the working set.
 */
static int case_command(char *buf, size_t size, const hotline_case *c, uint64_t *rng)
{
	const char *id = hotline_case_id(c);
	staff s = staff_of(hotline_case_property(c));
	int64_t v = hotline_case_version(c);
	hotline_time at = hotline_case_last_at(c) + 60 * (10 + (hotline_time)rng_below(rng, 170));
	int approval = (int)hotline_case_approval(c);
	unsigned r = rng_below(rng, 100);
	size_t n;

#define HEAD(cmd, actor) (n = (size_t)head_fmt(buf, size, cmd, id, actor, at, v))
#define TAIL(...) (snprintf(buf + n, size - n, __VA_ARGS__))
	switch (hotline_case_state(c)) {
	case HOTLINE_STATE_RECEIVED:
		if (r < 85)
			HEAD("dispatch", "zhang"), TAIL("}");
		else if (r < 93)
			HEAD("reply", "liu"), TAIL(",\"text\":\"已登记，尽快处理\"}");
		else if (r < 98)
			HEAD("correct_record", "zhang"), TAIL(",\"fields\":[\"matter\"],\"values\":{\"matter\":\"楼道灯不亮（更正）\"}}");
		else
			HEAD("report_malicious", s.manager), TAIL(",\"explanation\":\"多次无理投诉\"}");
		return 1;
	case HOTLINE_STATE_DISPATCHED:
		if (r < 18)
			HEAD("decide_measures", s.manager), TAIL(",\"measures\":\"更换灯具\",\"department_head\":\"%s\"}", s.head);
		else if (r < 30)
			HEAD("onsite_visit", s.head), TAIL("}");
		else if (r < 40)
			HEAD("submit_visit_form", s.manager), TAIL("}");
		else if (r < 48)
			HEAD("report_progress", s.manager), TAIL(",\"text\":\"材料已到，明日施工\"}");
		else if (r < 52)
			HEAD("repeat_complaint", "zhang"), TAIL(",\"matter\":\"灯还是不亮\"}");
		else if (r < 57)
			HEAD("reply", s.manager), TAIL(",\"text\":\"正在处理\"}");
		else if (r < 61)
			HEAD("request_escalation", s.manager), TAIL(",\"report\":\"七日内无法解决\"}");
		else
			HEAD("complete", s.manager), TAIL("}");
		return 1;
	case HOTLINE_STATE_HANDLED:
		if (r < 75)
			HEAD("followup", s.manager), TAIL(",\"satisfied\":true}");
		else if (r < 85)
			HEAD("followup", s.manager), TAIL(",\"satisfied\":false}");
		else if (r < 93)
			HEAD("onsite_visit", s.head), TAIL("}");
		else
			HEAD("submit_visit_form", s.manager), TAIL("}");
		return 1;
	case HOTLINE_STATE_REVISITED:
		if (r < 30)
			HEAD("supervisor_check", s.supervisor), TAIL("}");
		else if (r < 88)
			HEAD("verify", "zhang"), TAIL(",\"outcome\":\"confirmed\"}");
		else if (r < 95)
			HEAD("verify", "zhang"), TAIL(",\"outcome\":\"not_done\"}");
		else
			HEAD("repeat_complaint", "liu"), TAIL("}");
		return 1;
	case HOTLINE_STATE_VERIFIED:
		if (r < 80)
			HEAD("close", "gm"), TAIL("}");
		else
			HEAD("supervisor_check", s.supervisor), TAIL("}");
		return 1;
	case HOTLINE_STATE_ESCALATED:
	case HOTLINE_STATE_STAGE_CLOSED:
		if (approval == HOTLINE_APPROVAL_PENDING) {
			if (r < 55)
				HEAD("approve", "gm"), TAIL(",\"note\":\"同意\"}");
			else
				HEAD("reject", "gm"), TAIL("}");
		} else if (r < 40) {
			HEAD("decide_measures", s.manager), TAIL(",\"measures\":\"请专业公司\"}");
		} else {
			HEAD("complete", s.manager), TAIL("}");
		}
		return 1;
	case HOTLINE_STATE_MALICIOUS_EXEMPT:
		if (approval != HOTLINE_APPROVAL_PENDING)
			return 0;
		if (r < 30)
			HEAD("approve", "gm"), TAIL("}");
		else
			HEAD("reject", "gm"), TAIL(",\"note\":\"证据不足\"}");
		return 1;
	default:
		return 0;
	}
#undef HEAD
#undef TAIL
}

typedef struct {
	char ids[WORKING_SET][ID_MAX];
	size_t n;
} working_set;

static void ws_remove(working_set *ws, size_t i)
{
	ws->n--;
	if (i != ws->n)
		memcpy(ws->ids[i], ws->ids[ws->n], ID_MAX);
}

static int finished(const hotline_case *c)
{
	int s = (int)hotline_case_state(c);
	return s == HOTLINE_STATE_CLOSED ||
		(s == HOTLINE_STATE_MALICIOUS_EXEMPT && hotline_case_approval(c) != HOTLINE_APPROVAL_PENDING);
}

/*
 * Picks up open cases left by earlier rounds, the furthest along first so
 * that they finish; by state, so that a writer's start does not grow with
 * the number of closed cases.
 */
static void ws_load(working_set *ws, hotline_db *db)
{
	static const int states[] = {
		HOTLINE_STATE_VERIFIED, HOTLINE_STATE_REVISITED, HOTLINE_STATE_HANDLED, HOTLINE_STATE_ESCALATED,
		HOTLINE_STATE_STAGE_CLOSED, HOTLINE_STATE_MALICIOUS_EXEMPT, HOTLINE_STATE_DISPATCHED, HOTLINE_STATE_RECEIVED,
	};
	size_t s, i;
	ws->n = 0;
	for (s = 0; s < sizeof(states) / sizeof(states[0]) && ws->n < WORKING_SET; s++) {
		hotline_case_query q = HOTLINE_CASE_QUERY_INIT;
		hotline_case_list *l;
		q.state = states[s];
		q.limit = WORKING_SET - ws->n;
		if (hotline_db_cases(&l, db, &q) != 0)
			die("writer: listing cases: %s", hotline_db_errmsg(db));
		for (i = 0; i < hotline_case_list_count(l) && ws->n < WORKING_SET; i++) {
			const hotline_case *c = hotline_case_list_get(l, i);
			if (!finished(c))
				snprintf(ws->ids[ws->n++], ID_MAX, "%s", hotline_case_id(c));
		}
		hotline_case_list_free(l);
	}
}

/*
 * Runs until killed, or for max_cmds commands when max_cmds >= 0 (then
 * exits 0). Any unexpected failure exits 3 with a message on stderr.
 */
static void writer(const char *path, int sync, int round, uint64_t seed, int fd, long max_cmds)
{
	hotline_db_options opts = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db;
	char uri[1100], cmd[LINE_MAX_LEN], line[LINE_MAX_LEN + 200];
	const char *const *d;
	working_set ws;
	uint64_t rng = seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(round + 1));
	hotline_time t0;
	long k, registered = 0;

	opts.synchronous = sync;
	opts.key = crash_key;
	opts.key_id = "crash";
	snprintf(uri, sizeof(uri), "sqlite:%s", path);
	if (hotline_db_open(&db, uri, &opts) != 0)
		die("writer: open %s: %s", uri, hotline_last_error());
	/* A writer killed during the first round may have left part of the directory. */
	for (d = directory_lines; *d; d++) {
		int rc = hotline_db_exec_json(db, *d, NULL, NULL);
		if (rc != 0 && rc != HOTLINE_EDUPLICATE)
			die("writer: directory line failed (%d): %s", rc, hotline_db_errmsg(db));
	}
	ws_load(&ws, db);
	/*
	 * Registrations of a round start 20 minutes after those of the round
	 * before, within 2026 (the built-in holiday data) however many rounds.
	 */
	hotline_time_parse(&t0, "2026-03-02T08:00:00+08:00");
	t0 += (hotline_time)(round % 10000) * 1200;

	for (k = 0; max_cmds < 0 || k < max_cmds; k++) {
		char case_id[ID_MAX] = "";
		int64_t pre = 0;
		int rc;
		int64_t seq = 0;
		unsigned r = rng_below(&rng, 100);

		if (r < 3) {
			/* the telephone system logs a call on the organisation stream */
			char when[40];
			hotline_time_format(when, sizeof(when), t0 + k * 20, 480);
			snprintf(cmd, sizeof(cmd), "{\"cmd\":\"call\",\"at\":\"%s\",\"agent\":\"%s\",\"rings\":%u,\"answered\":%s}",
				when, rng_below(&rng, 2) ? "zhang" : "liu", 1 + rng_below(&rng, 6), r < 2 ? "true" : "false");
		} else if (ws.n < WORKING_SET / 2 || r < 12) {
			/* a new case */
			char when[40];
			int p2 = (int)rng_below(&rng, 3) == 0;
			snprintf(case_id, sizeof(case_id), "C%d-%ld", round, registered++);
			hotline_time_format(when, sizeof(when), t0 + k * 20, 480);
			snprintf(cmd, sizeof(cmd),
				"{\"cmd\":\"register\",\"case\":\"%s\",\"at\":\"%s\",\"actor\":\"%s\",\"expect_version\":0,"
				"\"property\":\"%s\",\"room\":\"%u-%u0%u\",\"owner\":\"王女士\",\"phone\":\"138%08u\","
				"\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"%s\"%s}",
				case_id, when, rng_below(&rng, 2) ? "zhang" : "liu", p2 ? "P2" : "P1",
				1 + rng_below(&rng, 9), 1 + rng_below(&rng, 30), 1 + rng_below(&rng, 4),
				rng_below(&rng, 100000000), p2 ? "li2" : "li",
				rng_below(&rng, 4) == 0 ? ",\"kind\":\"repair\",\"severity\":\"serious\"" : "");
			if (ws.n < WORKING_SET)
				snprintf(ws.ids[ws.n++], ID_MAX, "%s", case_id);
		} else {
			size_t i = rng_below(&rng, (unsigned)ws.n);
			hotline_case *c;
			if (hotline_db_case(&c, db, ws.ids[i]) != 0)
				die("writer: case %s: %s", ws.ids[i], hotline_db_errmsg(db));
			snprintf(case_id, sizeof(case_id), "%s", ws.ids[i]);
			pre = hotline_case_version(c);
			if (!case_command(cmd, sizeof(cmd), c, &rng)) {
				hotline_case_free(c);
				ws_remove(&ws, i);
				k--;
				continue;
			}
			hotline_case_free(c);
		}
		/* P <case or -> <version before> <command> */
		snprintf(line, sizeof(line), "P %s %" PRId64 " %s\n", *case_id ? case_id : "-", pre, cmd);
		if (wputs(fd, line) != 0)
			die("writer: pipe: %s", strerror(errno));
		rc = hotline_db_exec_json(db, cmd, &seq, NULL);
		if (rc == 0)
			snprintf(line, sizeof(line), "A %s %" PRId64 " %" PRId64 "\n", *case_id ? case_id : "-",
				*case_id ? pre + 1 : 0, seq);
		else if (rc == HOTLINE_ESTORAGE || rc == HOTLINE_ECORRUPT || rc == HOTLINE_ENOMEM)
			die("writer: %s failed (%d): %s", cmd, rc, hotline_db_errmsg(db));
		else
			snprintf(line, sizeof(line), "R %d %s\n", rc, hotline_db_errmsg(db));
		if (wputs(fd, line) != 0)
			die("writer: pipe: %s", strerror(errno));
	}
	hotline_db_close(db);
	close(fd);
	exit(0);
}

/* ------------------------------------------------------------------ */
/* The checker (parent)                                                */

/* Case id -> highest acknowledged version, over the whole run. */
typedef struct {
	char (*keys)[ID_MAX];
	int64_t *vals;
	size_t cap, n;
} ack_map;

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static void map_put_max(ack_map *m, const char *key, int64_t v);

static void map_grow(ack_map *m)
{
	ack_map old = *m;
	size_t i;
	m->cap = old.cap ? old.cap * 2 : 1024;
	m->n = 0;
	m->keys = calloc(m->cap, ID_MAX);
	m->vals = calloc(m->cap, sizeof(int64_t));
	if (!m->keys || !m->vals)
		die("out of memory");
	for (i = 0; i < old.cap; i++)
		if (old.keys[i][0])
			map_put_max(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

static void map_put_max(ack_map *m, const char *key, int64_t v)
{
	size_t i;
	if ((m->n + 1) * 2 > m->cap)
		map_grow(m);
	for (i = hash_str(key) & (m->cap - 1); m->keys[i][0]; i = (i + 1) & (m->cap - 1)) {
		if (strcmp(m->keys[i], key) == 0) {
			if (v > m->vals[i])
				m->vals[i] = v;
			return;
		}
	}
	snprintf(m->keys[i], ID_MAX, "%s", key);
	m->vals[i] = v;
	m->n++;
}

typedef struct {
	const char *name, *path;
	int sync;
	ack_map acks;
	long kills, rounds;
} database;

typedef struct {
	long kills, acked, checked, lost, torn, refused, inflight_applied, inflight_absent, zero_ack_rounds;
	long failures;
} totals;

static void fail(totals *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("crash: FAIL: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	t->failures++;
}

static hotline_db *open_db(const database *d)
{
	hotline_db_options opts = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db;
	char uri[1100];
	opts.synchronous = d->sync;
	opts.key = crash_key;
	opts.key_id = "crash";
	snprintf(uri, sizeof(uri), "sqlite:%s", d->path);
	if (hotline_db_open(&db, uri, &opts) != 0)
		die("reopen %s: %s", uri, hotline_last_error());
	return db;
}

/* Case version, or -1 when the case does not exist. */
static int64_t version_of(hotline_db *db, const char *id)
{
	hotline_case *c;
	int64_t v;
	int rc = hotline_db_case(&c, db, id);
	if (rc == HOTLINE_ENOT_FOUND)
		return -1;
	if (rc != 0)
		die("reading case %s: %s", id, hotline_db_errmsg(db));
	v = hotline_case_version(c);
	hotline_case_free(c);
	return v;
}

/* The snapshot's version must equal the number of the case's events. */
static void check_not_torn(hotline_db *db, const char *id, totals *t)
{
	hotline_event_list *l;
	int64_t v = version_of(db, id);
	size_t n;
	if (hotline_db_history(&l, db, id) != 0)
		die("history of %s: %s", id, hotline_db_errmsg(db));
	n = hotline_event_list_count(l);
	hotline_event_list_free(l);
	if ((v < 0 && n != 0) || (v >= 0 && (size_t)v != n)) {
		fail(t, "torn case %s: snapshot version %" PRId64 ", %zu events", id, v, n);
		t->torn++;
	}
}

/* What the writer wrote to the pipe during one round. */
typedef struct {
	char *buf;
	size_t len, cap;
} bytes;

static int read_some(int fd, bytes *b)
{
	ssize_t n;
	if (b->cap - b->len < 65536) {
		b->cap = b->cap ? b->cap * 2 : 262144;
		if (!(b->buf = realloc(b->buf, b->cap)))
			die("out of memory");
	}
	n = read(fd, b->buf + b->len, b->cap - b->len - 1);
	if (n < 0 && errno == EINTR)
		return 1;
	if (n < 0)
		die("read: %s", strerror(errno));
	b->len += (size_t)n;
	b->buf[b->len] = '\0';
	return n > 0;
}

/*
 * One round: a writer on d runs until killed after delay_ms (or, when
 * delay_ms < 0, for clean_cmds commands to its end), then the checks.
 */
static void round_run(database *d, int round, uint64_t seed, int delay_ms, long clean_cmds, totals *t)
{
	int fds[2], status;
	pid_t pid;
	bytes out = { NULL, 0, 0 };
	double deadline;
	int eof = 0;
	char *p, *next;
	char pending_case[ID_MAX] = "", *pending_cmd = NULL;
	int64_t pending_pre = 0;
	long acks = 0, case_acks = 0;
	ack_map round_acks = { NULL, NULL, 0, 0 };
	size_t i;
	hotline_db *db;
	int64_t checked_events = 0;

	if (pipe(fds) != 0)
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		writer(d->path, d->sync, round, seed, fds[1], delay_ms < 0 ? clean_cmds : -1);
	}
	close(fds[1]);

	/* Read while the writer runs, so it never waits on a full pipe. */
	deadline = now_s() + (delay_ms < 0 ? 600.0 : delay_ms / 1000.0);
	while (!eof) {
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		int left = (int)((deadline - now_s()) * 1000.0);
		if (left <= 0)
			break;
		if (poll(&pfd, 1, left) > 0 && !read_some(fds[0], &out))
			eof = 1;
	}
	if (delay_ms >= 0)
		kill(pid, SIGKILL);
	while (!eof && read_some(fds[0], &out))
		;
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid: %s", strerror(errno));
	if (delay_ms >= 0) {
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			t->kills++;
			d->kills++;
		} else {
			fail(t, "round %d: the writer ended before the kill (status %d)", round, status);
		}
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fail(t, "round %d: the last writer failed (status %d)", round, status);
	}
	d->rounds++;

	db = open_db(d);
	for (p = out.buf; p && *p; p = next) {
		char kind = *p, id[ID_MAX];
		int64_t v;
		int off = 0;
		next = strchr(p, '\n');
		if (!next)
			die("round %d: a line without its end: %s", round, p);
		*next++ = '\0';
		if (kind == 'P') {
			if (sscanf(p, "P %47s %" SCNd64 " %n", id, &v, &off) != 2 || !off)
				die("round %d: bad line %s", round, p);
			snprintf(pending_case, sizeof(pending_case), "%s", id);
			pending_pre = v;
			pending_cmd = p + off;
		} else if (kind == 'A') {
			if (sscanf(p, "A %47s %" SCNd64, id, &v) != 2)
				die("round %d: bad line %s", round, p);
			acks++;
			t->acked++;
			if (strcmp(id, "-") != 0) {
				/* a case's versions only grow: its latest acknowledgement covers the earlier ones */
				map_put_max(&round_acks, id, v);
				map_put_max(&d->acks, id, v);
				case_acks++;
			}
			pending_cmd = NULL;
		} else if (kind == 'R') {
			t->refused++;
			if (t->refused <= 5)
				fprintf(stderr, "crash: refused (rare is fine): %s\n    command: %s\n", p + 2,
					pending_cmd ? pending_cmd : "?");
			pending_cmd = NULL;
		} else {
			die("round %d: unknown line %s", round, p);
		}
	}
	if (acks == 0)
		t->zero_ack_rounds++;
	for (i = 0; i < round_acks.cap; i++) {
		int64_t now;
		if (!round_acks.keys[i][0])
			continue;
		now = version_of(db, round_acks.keys[i]);
		if (now < round_acks.vals[i]) {
			fail(t, "%s round %d: acknowledged %s at version %" PRId64 ", found %" PRId64,
				d->name, round, round_acks.keys[i], round_acks.vals[i], now);
			t->lost++;
		}
		check_not_torn(db, round_acks.keys[i], t);
	}
	t->checked += case_acks;
	free(round_acks.keys);
	free(round_acks.vals);

	/*
	 * The command in flight at the kill is there entirely or not at all.
	 * Run again (it carries expect_version), it must apply only if it was
	 * not there; either way the case ends just after it, never further.
	 */
	if (pending_cmd && strcmp(pending_case, "-") != 0) {
		int64_t before = version_of(db, pending_case), after;
		int rc;
		if (before < 0)
			before = 0;
		if (before != pending_pre && before != pending_pre + 1) {
			fail(t, "%s round %d: in-flight command on %s: version %" PRId64 ", expected %" PRId64 " or %" PRId64,
				d->name, round, pending_case, before, pending_pre, pending_pre + 1);
			t->torn++;
		}
		rc = hotline_db_exec_json(db, pending_cmd, NULL, NULL);
		after = version_of(db, pending_case);
		if (before == pending_pre + 1) {
			t->inflight_applied++;
			if (rc == 0 || after != before) {
				fail(t, "%s round %d: command on %s applied twice (rc %d, version %" PRId64 " -> %" PRId64 ")",
					d->name, round, pending_case, rc, before, after);
				t->torn++;
			}
		} else {
			t->inflight_absent++;
			if ((rc == 0) != (after == pending_pre + 1))
				fail(t, "%s round %d: retried command on %s: rc %d, version %" PRId64,
					d->name, round, pending_case, rc, after);
			if (rc == HOTLINE_ESTORAGE || rc == HOTLINE_ECORRUPT)
				fail(t, "%s round %d: the retry failed: %s", d->name, round, hotline_db_errmsg(db));
		}
		check_not_torn(db, pending_case, t);
		if (after > 0)
			map_put_max(&d->acks, pending_case, after);
	}
	if (hotline_db_verify_log(db, NULL, &checked_events) != 0) {
		fail(t, "%s round %d: verify_log: %s", d->name, round, hotline_db_errmsg(db));
		t->torn++;
	}
	hotline_db_close(db);
	free(out.buf);
}

/* At the end, every case ever acknowledged, once more. */
static void final_check(database *d, totals *t)
{
	hotline_db *db = open_db(d);
	size_t i;
	for (i = 0; i < d->acks.cap; i++) {
		int64_t now;
		if (!d->acks.keys[i][0])
			continue;
		now = version_of(db, d->acks.keys[i]);
		if (now < d->acks.vals[i]) {
			fail(t, "%s: %s acknowledged at version %" PRId64 ", found %" PRId64 " at the end",
				d->name, d->acks.keys[i], d->acks.vals[i], now);
			t->lost++;
		}
		check_not_torn(db, d->acks.keys[i], t);
	}
	hotline_db_close(db);
}

static void usage(void)
{
	fputs("usage: crash_recovery [--kills N] [--min-kills M] [--max-seconds S] [--max-delay-ms D] [--dir DIR] [--seed X]\n",
		stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	long kills = 240, min_kills = -1, clean_cmds = 200;
	double max_seconds = 60, start;
	int max_delay_ms = 160, i, round;
	const char *dir = NULL;
	char tmpl[1024], path_normal[1100], path_full[1100];
	uint64_t seed = 0, rng;
	database dbs[2];
	totals t;

	for (i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		if (strcmp(a, "--kills") == 0)
			kills = atol(v);
		else if (strcmp(a, "--min-kills") == 0)
			min_kills = atol(v);
		else if (strcmp(a, "--max-seconds") == 0)
			max_seconds = atof(v);
		else if (strcmp(a, "--max-delay-ms") == 0)
			max_delay_ms = atoi(v);
		else if (strcmp(a, "--dir") == 0)
			dir = v;
		else if (strcmp(a, "--seed") == 0)
			seed = strtoull(v, NULL, 0);
		else
			usage();
	}
	if (min_kills < 0)
		min_kills = kills;
	if (kills < 1 || max_delay_ms < 20 || max_seconds <= 0)
		usage();
	if (!seed)
		seed = (uint64_t)time(NULL) * 2654435761u ^ (uint64_t)getpid();
	rng = seed;

	/* A fresh directory of two databases for each run. */
	if (!dir) {
		const char *tmp = getenv("TMPDIR");
		dir = tmp && *tmp ? tmp : "/tmp";
	}
	snprintf(tmpl, sizeof(tmpl), "%s/crash-XXXXXX", dir);
	if (!mkdtemp(tmpl))
		die("mkdtemp %s: %s", tmpl, strerror(errno));
	snprintf(path_normal, sizeof(path_normal), "%s/normal.db", tmpl);
	snprintf(path_full, sizeof(path_full), "%s/full.db", tmpl);
	memset(dbs, 0, sizeof(dbs));
	memset(&t, 0, sizeof(t));
	dbs[0].name = "synchronous=NORMAL";
	dbs[0].path = path_normal;
	dbs[0].sync = 1;
	dbs[1].name = "synchronous=FULL";
	dbs[1].path = path_full;
	dbs[1].sync = 2;
	printf("crash: seed %" PRIu64 ", databases in %s\n", seed, tmpl);

	start = now_s();
	for (round = 0; t.kills < kills && now_s() - start < max_seconds; round++) {
		/* One kill in five comes early: during the open, the recovery or the directory. */
		int delay = rng_below(&rng, 5) == 0 ? (int)rng_below(&rng, 20) : 20 + (int)rng_below(&rng, (unsigned)(max_delay_ms - 19));
		round_run(&dbs[round % 2], round, seed, delay, 0, &t);
		if (t.failures > 20)
			break;
	}
	/* And the writers still go on to a normal end on both. */
	round_run(&dbs[0], round, seed, -1, clean_cmds, &t);
	round_run(&dbs[1], round + 1, seed, -1, clean_cmds, &t);
	final_check(&dbs[0], &t);
	final_check(&dbs[1], &t);

	for (i = 0; i < 2; i++)
		printf("crash: %s: %ld kills, %zu cases acknowledged\n", dbs[i].name, dbs[i].kills, dbs[i].acks.n);
	printf("crash: in flight at the kill: %ld found applied, %ld found absent (then applied once); "
		"%ld refused commands; %ld rounds without an acknowledgement; %.1f s\n",
		t.inflight_applied, t.inflight_absent, t.refused, t.zero_ack_rounds, now_s() - start);
	printf("crash: %ld kills, %ld acknowledged commands checked, %ld lost, %ld torn\n",
		t.kills, t.checked, t.lost, t.torn);
	for (i = 0; i < 2; i++) {
		free(dbs[i].acks.keys);
		free(dbs[i].acks.vals);
	}
	if (t.failures)
		return 1;
	if (t.kills < min_kills) {
		fprintf(stderr, "crash: only %ld kills in %.0f s (wanted %ld)\n", t.kills, max_seconds, min_kills);
		return 1;
	}
	/* Kept only when something failed, to look at. */
	unlink(path_normal);
	unlink(path_full);
	{
		char side[1200];
		snprintf(side, sizeof(side), "%s-wal", path_normal);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path_normal);
		unlink(side);
		snprintf(side, sizeof(side), "%s-wal", path_full);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path_full);
		unlink(side);
	}
	rmdir(tmpl);
	return 0;
}
