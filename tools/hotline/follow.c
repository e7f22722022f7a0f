/*
 * hotline follow — the event feed, or the notifications, as JSON lines,
 * waiting for more like `tail -f` (docs/guide-feed.md, docs/cli.md).
 */
/* nanosleep, clock_gettime */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include <hotline.h>

#include "follow.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static int failed(const char *msg)
{
	fprintf(stderr, "hotline: %s\n", msg);
	return 1;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "hotline: %s\nusage: hotline follow [--notifications] [--from CURSOR] [--until INSTANT] [--once] "
		"[--limit N] [--pages] [--db URI]\n(hotline follow --help: its options and an example)\n", msg);
	return 2;
}

static hotline_time now(void)
{
	return (hotline_time)time(NULL);
}

static char *feed_cursor(json_int_t seq)
{
	char *c = malloc(32);
	if (c)
		snprintf(c, 32, "f1.%" JSON_INTEGER_FORMAT, seq);
	return c;
}

/* The notifications' cursor after one of them: "n1.<instant, Unix seconds>.<its id in hex>". */
static char *note_cursor(const char *instant, const char *id)
{
	hotline_time t;
	size_t i, n;
	char *c;
	if (!instant || !id || hotline_time_parse(&t, instant) != 0)
		return NULL;
	n = strlen(id);
	if (!(c = malloc(2 * n + 32)))
		return NULL;
	i = (size_t)snprintf(c, 32, "n1.%lld.", (long long)t);
	for (n = 0; id[n]; n++, i += 2)
		snprintf(c + i, 3, "%02x", (unsigned char)id[n]);
	return c;
}

/* Prints each item of the page's array as one line, with the cursor after it; *cursor becomes the page's. */
static int print_page(const char *text, const char *key, int notifications, int pages, char **cursor, int *more)
{
	json_error_t e;
	json_t *doc = json_loads(text, 0, &e), *items, *it;
	size_t i;
	if (!doc)
		return failed("the library's document is not JSON");
	items = json_object_get(doc, key);
	if (pages) {
		/* the library's document as it is, one a line */
		char *line = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
		if (!line) {
			json_decref(doc);
			return failed("out of memory");
		}
		puts(line);
		free(line);
		items = NULL;
	}
	json_array_foreach(items, i, it) {
		char *line, *c;
		/* the cursor after this item: a consumer that stores it resumes right after it */
		if (notifications)
			c = note_cursor(json_string_value(json_object_get(it, "instant")), json_string_value(json_object_get(it, "id")));
		else
			c = feed_cursor(json_integer_value(json_object_get(it, "seq")));
		if (!c || json_object_set_new(it, "cursor", json_string(c)) != 0 ||
		    !(line = json_dumps(it, JSON_COMPACT | JSON_SORT_KEYS))) {
			free(c);
			json_decref(doc);
			return failed("out of memory");
		}
		free(c);
		puts(line);
		free(line);
	}
	fflush(stdout);
	free(*cursor);
	*cursor = strdup(json_string_value(json_object_get(doc, "cursor")));
	*more = json_is_true(json_object_get(doc, "more"));
	json_decref(doc);
	return *cursor ? 0 : failed("out of memory");
}

static void sleep_ms(int ms)
{
	struct timespec ts;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

int follow_main(int argc, char **argv)
{
	const char *db_uri = getenv("HOTLINE_DB"), *from = NULL, *until_text = NULL, *limit_text = NULL;
	const char *key_path = getenv("HOTLINE_KEY_FILE"), *policy = NULL;
	int notifications = 0, once = 0, pages = 0, i, rc = 0, more = 0;
	hotline_time until = HOTLINE_TIME_NONE;
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	unsigned char key[HOTLINE_KEY_BYTES];
	char key_id[65], *cursor = NULL, *page = NULL;
	size_t limit = 100;
	hotline_db *db = NULL;
	struct sigaction sa;
	for (i = 2; i < argc; i++) {
		const char **v = NULL;
		if (strcmp(argv[i], "--notifications") == 0)
			notifications = 1;
		else if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (strcmp(argv[i], "--pages") == 0)
			pages = 1;
		else if (strcmp(argv[i], "--db") == 0)
			v = &db_uri;
		else if (strcmp(argv[i], "--from") == 0)
			v = &from;
		else if (strcmp(argv[i], "--until") == 0)
			v = &until_text;
		else if (strcmp(argv[i], "--limit") == 0)
			v = &limit_text;
		else if (strcmp(argv[i], "--key-file") == 0)
			v = &key_path;
		else if (strcmp(argv[i], "--policy") == 0)
			v = &policy;
		else {
			fprintf(stderr, "hotline: unknown option %s\n", argv[i]);
			return usage_error("follow takes no positional arguments");
		}
		if (v) {
			if (i + 1 >= argc) {
				fprintf(stderr, "hotline: %s needs a value\n", argv[i]);
				return usage_error("a value is missing");
			}
			*v = argv[++i];
		}
	}
	if (!db_uri || !*db_uri)
		return usage_error("--db URI is required");
	if (until_text && hotline_time_parse(&until, until_text) != 0)
		return failed(hotline_last_error());
	if (limit_text) {
		char *end;
		long n = strtol(limit_text, &end, 10);
		if (*end || n < 1 || n > 100000)
			return usage_error("--limit is a number from 1 to 100000");
		limit = (size_t)n;
	}
	if (key_path && *key_path) {
		if (hotline_key_file_read(key_path, key, key_id, sizeof(key_id)) != 0)
			return failed(hotline_last_error());
		o.key = key;
		o.key_id = key_id;
	}
	o.policy = policy;
	o.mode = HOTLINE_OPEN_READ_ONLY;
	rc = hotline_db_open(&db, db_uri, &o);
	memset(key, 0, sizeof(key));
	if (rc != 0)
		return failed(hotline_last_error());
	if (from && !(cursor = strdup(from)))
		rc = failed("out of memory");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (rc == 0 && !g_stop) {
		/* notifications up to now (and never past --until); the feed up to its stable head */
		hotline_time t = now();
		if (notifications && until != HOTLINE_TIME_NONE && (once || until < t))
			t = until;
		if (notifications ? hotline_db_notifications(&page, db, cursor, t, limit) != 0
				  : hotline_db_feed(&page, db, cursor, limit) != 0) {
			rc = failed(hotline_db_errmsg(db));
			break;
		}
		rc = print_page(page, notifications ? "notifications" : "events", notifications, pages, &cursor, &more);
		hotline_free(page);
		page = NULL;
		if (rc || more)
			continue;
		/* caught up: --once stops, --until stops once its instant has passed */
		if (once || (until != HOTLINE_TIME_NONE && now() >= until))
			break;
		if (notifications) {
			/* new notifications come with time as much as with commits: look again each second */
			sleep_ms(1000);
		} else if (hotline_db_feed_wait(db, cursor, 1000) < 0) {
			rc = failed(hotline_db_errmsg(db));
		}
	}
	free(cursor);
	hotline_db_close(db);
	return rc;
}
