/*
 * hotline — command-line tool over libhotline.
 *
 *   hotline replay [--policy NAME|FILE] [--as-of INSTANT] [--db URI] FILE...
 *   hotline show CASE --db URI
 *   hotline history CASE --db URI
 *   hotline verify-log [CASE] --db URI
 *   hotline assess --db URI --as-of INSTANT [--format json|csv] [--policy NAME|FILE]
 *   hotline explain CASE --db URI [--as-of INSTANT] [--policy NAME|FILE]
 *   hotline sweep --db URI --before INSTANT [--limit N]
 *   hotline directory --db URI [--as-of INSTANT]
 *   hotline lifecycle
 *
 * Exit status: 0 on success (replay also when some lines were refused),
 * 1 when the command failed, 2 on a usage error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hotline.h>

#define ZONE_MIN 480

static void usage(FILE *f)
{
	fputs("usage:\n"
		"  hotline replay [--policy NAME|FILE] [--as-of INSTANT] [--db URI] FILE...\n"
		"  hotline show CASE --db URI\n"
		"  hotline history CASE --db URI\n"
		"  hotline verify-log [CASE] --db URI\n"
		"  hotline assess --db URI --as-of INSTANT [--format json|csv] [--policy NAME|FILE]\n"
		"  hotline explain CASE --db URI [--as-of INSTANT] [--policy NAME|FILE]\n"
		"  hotline sweep --db URI --before INSTANT [--limit N]\n"
		"  hotline directory --db URI [--as-of INSTANT]\n"
		"  hotline lifecycle\n"
		"  hotline --version\n", f);
}

typedef struct args {
	const char *policy, *db, *as_of, *format, *before, *limit;
	const char **pos;
	int npos;
} args;

static int parse_args(int argc, char **argv, args *a)
{
	int i;
	memset(a, 0, sizeof(*a));
	a->pos = calloc((size_t)argc + 1, sizeof(char *));
	if (!a->pos)
		return -1;
	for (i = 2; i < argc; i++) {
		const char **slot = NULL;
		if (strcmp(argv[i], "--policy") == 0)
			slot = &a->policy;
		else if (strcmp(argv[i], "--db") == 0)
			slot = &a->db;
		else if (strcmp(argv[i], "--as-of") == 0)
			slot = &a->as_of;
		else if (strcmp(argv[i], "--format") == 0)
			slot = &a->format;
		else if (strcmp(argv[i], "--before") == 0)
			slot = &a->before;
		else if (strcmp(argv[i], "--limit") == 0)
			slot = &a->limit;
		else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2]) {
			fprintf(stderr, "hotline: unknown option %s\n", argv[i]);
			return -1;
		} else {
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hotline: %s needs a value\n", argv[i]);
			return -1;
		}
		*slot = argv[++i];
	}
	return 0;
}

static int fail(const char *what)
{
	fprintf(stderr, "hotline: %s\n", what);
	return 1;
}

static int parse_instant(const char *s, hotline_time *t)
{
	if (hotline_time_parse(t, s) != 0) {
		fprintf(stderr, "hotline: %s\n", hotline_last_error());
		return -1;
	}
	return 0;
}

static int open_db(const args *a, hotline_db **db)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	if (!a->db) {
		fputs("hotline: --db URI is required\n", stderr);
		return 2;
	}
	o.policy = a->policy;
	if (hotline_db_open(db, a->db, &o) != 0)
		return fail(hotline_last_error());
	return 0;
}

static int cmd_replay(const args *a)
{
	hotline_replay_options o = HOTLINE_REPLAY_OPTIONS_INIT;
	char *out = NULL;
	if (a->npos == 0) {
		usage(stderr);
		return 2;
	}
	o.policy = a->policy;
	o.db_uri = a->db;
	if (a->as_of && parse_instant(a->as_of, &o.as_of) != 0)
		return 2;
	if (hotline_replay(&out, a->pos, (size_t)a->npos, &o) != 0)
		return fail(hotline_last_error());
	puts(out);
	hotline_free(out);
	return 0;
}

static int cmd_show(const args *a)
{
	hotline_db *db;
	hotline_case *c;
	int rc;
	if (a->npos != 1) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_case(&c, db, a->pos[0]) != 0) {
		rc = fail(hotline_db_errmsg(db));
	} else {
		puts(hotline_case_json(c));
		hotline_case_free(c);
	}
	hotline_db_close(db);
	return rc;
}

static int cmd_history(const args *a)
{
	hotline_db *db;
	hotline_event_list *l;
	size_t i;
	int rc;
	if (a->npos != 1) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_history(&l, db, a->pos[0]) != 0) {
		rc = fail(hotline_db_errmsg(db));
	} else {
		for (i = 0; i < hotline_event_list_count(l); i++) {
			const hotline_event *e = hotline_event_list_get(l, i);
			printf("{\"version\":%" PRId64 ",\"seq\":%" PRId64 ",\"hash\":\"%s\",\"prev_hash\":\"%s\",\"command\":%s}\n",
				hotline_event_version(e), hotline_event_seq(e), hotline_event_hash(e),
				hotline_event_prev_hash(e), hotline_event_json(e));
		}
		hotline_event_list_free(l);
	}
	hotline_db_close(db);
	return rc;
}

static int cmd_verify(const args *a)
{
	hotline_db *db;
	int64_t n = 0;
	int rc;
	if (a->npos > 1) {
		usage(stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_verify_log(db, a->npos ? a->pos[0] : NULL, &n) != 0)
		rc = fail(hotline_db_errmsg(db));
	else
		printf("ok: %" PRId64 " events, every hash chain intact\n", n);
	hotline_db_close(db);
	return rc;
}

static int write_stdout(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static int cmd_assess(const args *a)
{
	hotline_db *db;
	hotline_time as_of;
	hotline_format fmt = HOTLINE_FORMAT_JSON;
	int rc = 0;
	if (!a->as_of || a->npos) {
		usage(stderr);
		return 2;
	}
	if (parse_instant(a->as_of, &as_of) != 0)
		return 2;
	if (a->format && strcmp(a->format, "csv") == 0)
		fmt = HOTLINE_FORMAT_CSV;
	else if (a->format && strcmp(a->format, "json") != 0) {
		fputs("hotline: --format is json or csv\n", stderr);
		return 2;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	/* streamed: a month of any size goes out without being held in memory */
	if (hotline_db_assess_write(db, as_of, fmt, write_stdout, NULL) != 0 || fflush(stdout) != 0)
		rc = fail(hotline_db_errmsg(db));
	hotline_db_close(db);
	return rc;
}

static int cmd_explain(const args *a)
{
	hotline_db *db;
	hotline_time as_of = HOTLINE_TIME_NONE;
	char *out;
	int rc;
	if (a->npos != 1) {
		usage(stderr);
		return 2;
	}
	if (a->as_of && parse_instant(a->as_of, &as_of) != 0)
		return 2;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_explain(&out, db, a->pos[0], as_of) != 0) {
		rc = fail(hotline_db_errmsg(db));
	} else {
		puts(out);
		hotline_free(out);
	}
	hotline_db_close(db);
	return rc;
}

static int cmd_sweep(const args *a)
{
	hotline_db *db;
	hotline_case_list *l;
	hotline_time before;
	size_t i, limit = 0;
	int rc;
	if (!a->before || a->npos) {
		usage(stderr);
		return 2;
	}
	if (parse_instant(a->before, &before) != 0)
		return 2;
	if (a->limit) {
		char *end;
		long long v = strtoll(a->limit, &end, 10);
		if (*end || v < 0) {
			fputs("hotline: --limit needs a non-negative integer\n", stderr);
			return 2;
		}
		limit = (size_t)v;
	}
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_sweep(&l, db, before, limit) != 0) {
		rc = fail(hotline_db_errmsg(db));
	} else {
		for (i = 0; i < hotline_case_list_count(l); i++) {
			const hotline_case *c = hotline_case_list_get(l, i);
			char due[32];
			hotline_time_format(due, sizeof(due), hotline_case_next_due(c), ZONE_MIN);
			printf("%s\t%s\t%s\t%s\n", due, hotline_case_id(c), hotline_case_property(c),
				hotline_state_name(hotline_case_state(c)));
		}
		hotline_case_list_free(l);
	}
	hotline_db_close(db);
	return rc;
}

/* The directory as of an instant (default: every definition so far), with each record's history. */
static int cmd_directory(const args *a)
{
	hotline_db *db;
	hotline_time as_of = HOTLINE_TIME_NONE;
	char *out;
	int rc;
	if (a->npos) {
		usage(stderr);
		return 2;
	}
	if (a->as_of && parse_instant(a->as_of, &as_of) != 0)
		return 2;
	if ((rc = open_db(a, &db)) != 0)
		return rc;
	if (hotline_db_directory(&out, db, as_of) != 0) {
		rc = fail(hotline_db_errmsg(db));
	} else {
		puts(out);
		hotline_free(out);
	}
	hotline_db_close(db);
	return rc;
}

static int cmd_lifecycle(void)
{
	char *out;
	if (hotline_lifecycle_json(&out) != 0)
		return fail(hotline_last_error());
	puts(out);
	hotline_free(out);
	return 0;
}

int main(int argc, char **argv)
{
	args a;
	int rc;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hotline %s\n", hotline_version(NULL, NULL, NULL));
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &a) != 0) {
		free(a.pos);
		return 2;
	}
	if (strcmp(argv[1], "replay") == 0)
		rc = cmd_replay(&a);
	else if (strcmp(argv[1], "show") == 0)
		rc = cmd_show(&a);
	else if (strcmp(argv[1], "history") == 0)
		rc = cmd_history(&a);
	else if (strcmp(argv[1], "verify-log") == 0)
		rc = cmd_verify(&a);
	else if (strcmp(argv[1], "assess") == 0)
		rc = cmd_assess(&a);
	else if (strcmp(argv[1], "explain") == 0)
		rc = cmd_explain(&a);
	else if (strcmp(argv[1], "sweep") == 0)
		rc = cmd_sweep(&a);
	else if (strcmp(argv[1], "directory") == 0)
		rc = cmd_directory(&a);
	else if (strcmp(argv[1], "lifecycle") == 0)
		rc = cmd_lifecycle();
	else {
		fprintf(stderr, "hotline: unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = 2;
	}
	free(a.pos);
	return rc;
}
