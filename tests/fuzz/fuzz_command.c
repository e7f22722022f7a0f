/*
 * libFuzzer target for the command path: one command (JSON text) applied
 * to a memory database holding a directory and cases in several states.
 * Any bytes must be applied or refused with a code and a message, never
 * crash or leak; applied or not, the log verifies. The command runs in a
 * batch that is then rolled back, so every input meets the same database.
 *   build-fuzz/tests/fuzz_command -max_total_time=60 tests/fuzz/corpus/command/
 */
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

static void init(void)
{
	const char *const *l;
	if (hotline_db_open(&db, "memory:", NULL) != 0)
		abort();
	fuzz_load_directory(db);
	for (l = cases; *l; l++)
		if (hotline_db_exec_json(db, *l, NULL) != 0)
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
	rc = hotline_db_exec_json(db, json, &seq);
	if (rc != 0 && hotline_db_errmsg(db)[0] == '\0')
		__builtin_trap();   /* every refusal says why */
	if (rc == 0 && seq <= 0)
		__builtin_trap();
	fuzz_check_log(db);
	if (hotline_db_rollback(db) != 0)
		__builtin_trap();
	free(json);
	return 0;
}
