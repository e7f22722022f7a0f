/*
 * libFuzzer target for the command path: one command (JSON text) applied
 * to a memory database holding a directory and cases in several states.
 * Any bytes must be applied or refused with a code and a message, never
 * crash or leak; applied or not, the log verifies. The command runs in a
 * batch that is then rolled back, so every input meets the same database.
 *   build-fuzz/tests/fuzz_command -max_total_time=60 tests/fuzz/corpus/command/
 */
#include <jansson.h>

#include "fuzz_common.h"

static const char *const cases[] = {
	/* C1: closed along the design example */
	"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-11-02T09:05:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-11-02T09:20:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"complete\",\"case\":\"C1\",\"at\":\"2026-11-02T17:00:00+08:00\",\"actor\":\"li\"}",
	"{\"cmd\":\"followup\",\"case\":\"C1\",\"at\":\"2026-11-03T09:00:00+08:00\",\"actor\":\"li\",\"satisfied\":true}",
	"{\"cmd\":\"verify\",\"case\":\"C1\",\"at\":\"2026-11-03T14:00:00+08:00\",\"actor\":\"zhang\",\"outcome\":\"confirmed\"}",
	"{\"cmd\":\"close\",\"case\":\"C1\",\"at\":\"2026-11-04T10:00:00+08:00\",\"actor\":\"gm\"}",
	/* C2: dispatched */
	"{\"cmd\":\"register\",\"case\":\"C2\",\"at\":\"2026-11-05T10:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"1-101\",\"owner\":\"刘先生\",\"phone\":\"13900000001\",\"matter\":\"漏水\",\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"kind\":\"repair\",\"severity\":\"urgent\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C2\",\"at\":\"2026-11-05T10:10:00+08:00\",\"actor\":\"zhang\"}",
	/* C3: escalation pending */
	"{\"cmd\":\"register\",\"case\":\"C3\",\"at\":\"2026-11-06T10:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P2\",\"room\":\"2-202\",\"owner\":\"赵女士\",\"phone\":\"13700000002\",\"matter\":\"噪音\",\"call_taker\":\"zhang\",\"order_taker\":\"li2\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C3\",\"at\":\"2026-11-06T10:10:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"request_escalation\",\"case\":\"C3\",\"at\":\"2026-11-07T10:00:00+08:00\",\"actor\":\"li2\",\"report\":\"无法解决\"}",
	/* C4: revisited; C5: received */
	"{\"cmd\":\"register\",\"case\":\"C4\",\"at\":\"2026-11-08T10:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"4-404\",\"owner\":\"孙先生\",\"phone\":\"13600000003\",\"matter\":\"电梯故障\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C4\",\"at\":\"2026-11-08T10:10:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"complete\",\"case\":\"C4\",\"at\":\"2026-11-09T10:00:00+08:00\",\"actor\":\"li\"}",
	"{\"cmd\":\"followup\",\"case\":\"C4\",\"at\":\"2026-11-09T15:00:00+08:00\",\"actor\":\"li\",\"satisfied\":true}",
	"{\"cmd\":\"register\",\"case\":\"C5\",\"at\":\"2026-11-10T10:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P2\",\"room\":\"5-505\",\"owner\":\"周女士\",\"phone\":\"13500000004\",\"matter\":\"绿化\",\"call_taker\":\"zhang\",\"order_taker\":\"li2\"}",
	"{\"cmd\":\"call\",\"at\":\"2026-11-10T11:00:00+08:00\",\"agent\":\"zhang\",\"rings\":4,\"answered\":true}",
	NULL
};

static hotline_db *db;

/* An accepted command's ids show what they hold: none edged with a space, none with a control or an invisible character. */
static int id_shows_itself(const char *s)
{
	static const char *const hidden[] = { "\xe2\x80\xae", "\xe2\x80\x8b", "\xe2\x80\x8f", "\xe2\x81\xa6",
		"\xef\xbb\xbf", "\xc2\xad", "\xc2\xa0", "\xe3\x80\x80", "\xe3\x85\xa4", "\xee\x80\x80", NULL };
	const char *const *h;
	size_t n = strlen(s), i;
	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	for (h = hidden; *h; h++)
		if (strstr(s, *h))
			return 0;
	return 1;
}

static void check_ids(const char *json)
{
	static const char *const keys[] = { "case", "actor", "command_id", "id", "person", "agent", "property", NULL };
	const char *const *k;
	json_t *o = json_loads(json, 0, NULL);
	for (k = keys; o && *k; k++) {
		const json_t *v = json_object_get(o, *k);
		if (json_is_string(v) && !id_shows_itself(json_string_value(v)))
			__builtin_trap();
	}
	json_decref(o);
}

static void init(void)
{
	const char *const *l;
	if (hotline_db_open(&db, "memory:", NULL) != 0)
		abort();
	fuzz_load_directory(db);
	for (l = cases; *l; l++)
		if (hotline_db_exec_json(db, *l, NULL, NULL) != 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	int64_t seq = 0;
	int rc;

	if (!db)
		init();
	if (hotline_db_begin(db) != 0)
		__builtin_trap();
	rc = hotline_db_exec_json(db, json, &seq, NULL);
	if (rc != 0 && hotline_db_errmsg(db)[0] == '\0')
		__builtin_trap();   /* every refusal says why */
	if (rc == 0 && seq <= 0)
		__builtin_trap();
	if (rc == 0)
		check_ids(json);
	fuzz_check_log(db);
	if (hotline_db_rollback(db) != 0)
		__builtin_trap();
	free(json);
	return 0;
}
