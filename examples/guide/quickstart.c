/*
 * The C quick start of docs/guide-c.md, whole: every snippet of the guide is
 * a region of this file, and the test suite builds and runs it.
 *
 *   quickstart [URI]      (default "memory:"; e.g. sqlite:quickstart.db)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hotline.h>

/* [guide:check] */
/* Every call returns 0 or a negative hotline_error; the handle says why. */
static int check(hotline_db *db, int rc, const char *what)
{
	if (rc != 0)
		fprintf(stderr, "%s: %s (%s)\n", what, hotline_error_name(rc),
			db ? hotline_db_errmsg(db) : hotline_last_error());
	return rc;
}
/* [/guide:check] */

int main(int argc, char **argv)
{
	const char *uri = argc > 1 ? argv[1] : "memory:";
	/* [guide:open] */
	hotline_db *db = NULL;
	hotline_db_options opts = HOTLINE_DB_OPTIONS_INIT;
	opts.policy = "gm-hotline";          /* a shipped policy's name, or a policy file's path */
	opts.mode = HOTLINE_OPEN_CREATE;     /* create the database when it does not exist */
	if (hotline_db_open(&db, uri, &opts) != 0) {
		fprintf(stderr, "open: %s\n", hotline_last_error());
		return 1;
	}
	/* [/guide:open] */

	/* [guide:directory] */
	/* The directory first: who may give which command, on which property. */
	static const char *const lines[] = {
		"{\"cmd\":\"person\",\"id\":\"zhang\",\"name\":\"张敏\",\"roles\":[\"hotline_specialist\"]}",
		"{\"cmd\":\"person\",\"id\":\"li\",\"name\":\"李强\",\"roles\":[\"property_manager\"]}",
		"{\"cmd\":\"person\",\"id\":\"wu\",\"name\":\"吴刚\",\"roles\":[\"department_head\"]}",
		"{\"cmd\":\"property\",\"id\":\"P1\",\"name\":\"翠苑\",\"manager\":\"li\",\"department_heads\":[\"wu\"]}",
	};
	/* A batch: one transaction for all of them, durable when commit returns 0. */
	if (check(db, hotline_db_begin(db), "begin"))
		goto fail;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (check(db, hotline_db_exec_json(db, lines[i], NULL, NULL), "directory")) {
			hotline_db_rollback(db);
			goto fail;
		}
	if (check(db, hotline_db_commit(db), "commit"))
		goto fail;
	/* [/guide:directory] */

	/* [guide:register] */
	/* A command as JSON. command_id makes a retry safe: the same id and content
	 * again is not applied twice (repeated = 1, the original seq). */
	const char *reg =
		"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\","
		"\"command_id\":\"front-desk-0001\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\","
		"\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}";
	int64_t seq = 0;
	int repeated = 0;
	for (int attempt = 0; attempt < 2; attempt++) {     /* the second time is a retry */
		if (check(db, hotline_db_exec_json(db, reg, &seq, &repeated), "register"))
			goto fail;
		printf("register: seq %lld%s\n", (long long)seq, repeated ? " (repeated, not applied again)" : "");
	}
	/* [/guide:register] */

	/* [guide:builder] */
	/* The same through the typed builder, with an expected version. */
	hotline_command *cmd = NULL;
	hotline_time at;
	if (check(db, hotline_time_parse(&at, "2026-11-02T09:20:00+08:00"), "time") ||
	    check(db, hotline_command_new(&cmd, HOTLINE_CMD_DISPATCH, "C1", "zhang", at), "dispatch"))
		goto fail;
	hotline_command_expect_version(cmd, 1);             /* refused with HOTLINE_ECONFLICT otherwise */
	int rc = hotline_db_execute(db, cmd, &seq, NULL);
	hotline_command_free(cmd);
	if (check(db, rc, "dispatch"))
		goto fail;
	/* [/guide:builder] */

	/* [guide:refused] */
	/* A refused command changes nothing; its code says why. */
	rc = hotline_db_exec_json(db, "{\"cmd\":\"close\",\"case\":\"C1\",\"at\":\"2026-11-02T10:00:00+08:00\",\"actor\":\"zhang\"}", NULL, NULL);
	printf("close: %s: %s\n", hotline_error_name(rc), hotline_db_errmsg(db));
	/* [/guide:refused] */

	/* [guide:read] */
	hotline_case *c = NULL;
	if (check(db, hotline_db_case(&c, db, "C1"), "case"))
		goto fail;
	char due[HOTLINE_TIME_TEXT_SIZE];
	hotline_time_format(due, sizeof(due), hotline_case_next_due(c), 480);
	printf("case %s: %s, version %lld, next due %s\n", hotline_case_id(c),
		hotline_state_name(hotline_case_state(c)), (long long)hotline_case_version(c), due);
	hotline_case_free(c);                            /* what came through **out is ours to free */

	hotline_event_list *events = NULL;
	if (check(db, hotline_db_history(&events, db, "C1"), "history"))
		goto fail;
	for (size_t i = 0; i < hotline_event_list_count(events); i++) {
		const hotline_event *e = hotline_event_list_get(events, i);   /* borrowed from the list */
		printf("  %lld %s\n", (long long)hotline_event_version(e), hotline_command_name(hotline_event_command(e)));
	}
	hotline_event_list_free(events);
	/* [/guide:read] */

	/* [guide:assess] */
	/* Three days later, nobody went on site: R14b (24 h, ¥3 per started day late) is missed. */
	hotline_time as_of;
	char *doc = NULL;
	if (check(db, hotline_time_parse(&as_of, "2026-11-05T12:00:00+08:00"), "time") ||
	    check(db, hotline_db_explain(&doc, db, "C1", as_of), "explain"))
		goto fail;
	printf("explain: %zu bytes of JSON\n", strlen(doc));
	hotline_free(doc);
	if (check(db, hotline_db_assess(&doc, db, as_of, HOTLINE_FORMAT_CSV), "assess"))
		goto fail;
	fputs(doc, stdout);
	hotline_free(doc);
	/* [/guide:assess] */

	/* [guide:close] */
	hotline_db_close(db);
	return 0;
	/* [/guide:close] */
fail:
	hotline_db_close(db);
	return 1;
}
