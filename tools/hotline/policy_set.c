/*
 * hotline policy set FILE|NAME --actor ADMIN --at INSTANT: the `policy`
 * line made by hotline_policy_line (name, full text, digest), run as any
 * command, so it is refused (and nothing changes) when the actor is no
 * administrator, the text is no policy or `at` is earlier than the latest
 * change. From `at` on, new clocks run under it; the open cases' next due
 * is recomputed in the same transaction.
 */
#include "policy_set.h"

#include "errmsg.h"
#include "messages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L(zh_text, en_text) (lang_zh ? (zh_text) : (en_text))

int policy_set_run(hotline_db *db, const char *policy, const char *actor, const char *at, int lang_zh)
{
	char *text = NULL, *cmd;
	json_t *line;
	int64_t seq = 0;
	int rc = 0;
	if (hotline_policy_line(&text, policy) != 0) {
		fprintf(stderr, "hotline: %s\n", hotline_last_error());
		return 1;
	}
	line = json_loads(text, 0, NULL);
	hotline_free(text);
	if (!line)
		return 1;
	if (actor)
		json_object_set_new(line, "actor", json_string(actor));
	json_object_set_new(line, "at", json_string(at));
	cmd = json_dumps(line, JSON_COMPACT | JSON_SORT_KEYS);
	if (!cmd) {
		json_decref(line);
		return 1;
	}
	if (hotline_db_exec_json(db, cmd, &seq, NULL) != 0) {
		char buf[1024];
		const char *code = hotline_error_name(hotline_db_errcode(db));
		fprintf(stderr, T("hotline: %s: %s\n"), code ? T(code) : "?", errmsg_text(buf, sizeof(buf), hotline_db_errmsg(db)));
		rc = 1;
	} else {
		char from[32];
		label_local_time(from, sizeof(from), at);
		printf(L("已录入制度 %s，自 %s 起执行（序号 %" PRId64 "）\n", "recorded policy %s in force from %s (seq %" PRId64 ")\n"),
			json_string_value(json_object_get(line, "name")), lang_zh ? from : at, seq);
		printf("sha256 %s\n", json_string_value(json_object_get(line, "digest")));
	}
	free(cmd);
	json_decref(line);
	return rc;
}

static void pad(const char *s, size_t w)
{
	size_t n = label_width(s);
	fputs(s, stdout);
	for (; n < w + 2; n++)
		putchar(' ');
}

void policy_history_print(const json_t *doc, int lang_zh, const label_names *names)
{
	const json_t *h = json_object_get(doc, "history"), *r;
	enum { COLS = 4 };
	char (*cells)[COLS][256];
	size_t i, k, n = json_array_size(h), w[COLS] = { 0, 0, 0, 0 };
	if (!n || !(cells = calloc(n + 1, sizeof(*cells))))
		return;
	printf("%s\n", L("制度变更:", "policy history:"));
	snprintf(cells[0][0], 256, "%s", L("生效自", "from"));
	snprintf(cells[0][1], 256, "%s", L("制度", "policy"));
	snprintf(cells[0][2], 256, "%s", L("录入人", "by"));
	snprintf(cells[0][3], 256, "%s", L("摘要", "digest"));
	json_array_foreach(h, i, r) {
		const char *from = json_string_value(json_object_get(r, "from"));
		const char *actor = json_string_value(json_object_get(r, "actor"));
		if (from)
			label_local_time(cells[i + 1][0], 256, from);
		else
			snprintf(cells[i + 1][0], 256, "%s", L("（创建时）", "(since creation)"));
		snprintf(cells[i + 1][1], 256, "%s", json_string_value(json_object_get(r, "name")));
		if (actor)
			label_person(cells[i + 1][2], 256, names, actor);
		else
			snprintf(cells[i + 1][2], 256, "—");
		snprintf(cells[i + 1][3], 256, "sha256 %.16s…", json_string_value(json_object_get(r, "digest")));
	}
	for (k = 0; k < COLS; k++)
		for (i = 0; i <= n; i++)
			if (label_width(cells[i][k]) > w[k])
				w[k] = label_width(cells[i][k]);
	for (i = 0; i <= n; i++) {
		fputs("  ", stdout);
		for (k = 0; k + 1 < COLS; k++)
			pad(cells[i][k], w[k]);
		printf("%s\n", cells[i][k]);
	}
	free(cells);
}
