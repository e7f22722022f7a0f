/*
 * hotline policy set FILE|NAME --actor ADMIN --at INSTANT: the `policy`
 * line made by hotline_policy_line (name, full text, digest), run as any
 * command, so it is refused (and nothing changes) when the actor is no
 * administrator, the text is no policy or `at` is earlier than the latest
 * change. From `at` on, new clocks run under it; the open cases' next due
 * is recomputed in the same transaction.
 */
#include "policy_set.h"

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
		fprintf(stderr, "hotline: %s: %s\n", hotline_error_name(hotline_db_errcode(db)), hotline_db_errmsg(db));
		rc = 1;
	} else {
		printf(L("已录入制度 %s，自 %s 起执行 (seq %" PRId64 ")\n", "recorded policy %s in force from %s (seq %" PRId64 ")\n"),
			json_string_value(json_object_get(line, "name")), at, seq);
		printf("sha256 %s\n", json_string_value(json_object_get(line, "digest")));
	}
	free(cmd);
	json_decref(line);
	return rc;
}

void policy_history_print(const json_t *doc, int lang_zh)
{
	const json_t *h = json_object_get(doc, "history"), *r;
	size_t i;
	if (!json_array_size(h))
		return;
	printf("%s\n", L("制度变更:", "policy history:"));
	json_array_foreach(h, i, r) {
		const json_t *from = json_object_get(r, "from");
		printf("  %-25s  %-20s  sha256 %.16s…\n", json_is_string(from) ? json_string_value(from)
			: L("（创建时）", "(since creation)"), json_string_value(json_object_get(r, "name")),
			json_string_value(json_object_get(r, "digest")));
	}
}
