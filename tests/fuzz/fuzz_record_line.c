/*
 * libFuzzer target for the lines that change the rules in force (DESIGN
 * §6.7): the input is one command line, run on a database with a
 * directory (an administrator included) and open cases whose working-day
 * clocks reach 2027. Any bytes are refused with a message or accepted;
 * a line of one of the kinds below that is accepted must leave a log that
 * verifies (the next due of every open case recomputed in its transaction)
 * and an assessment that runs. `policy` lines (their text a whole policy,
 * fuzzed with the rest) are checked the same way.
 *   build-fuzz/tests/fuzz_record_line -max_total_time=60 tests/fuzz/corpus/record_line/
 */
#include "fuzz_common.h"

#include <hotline/assess.h>

/* The kinds of line this target is about: others are run too, but only these are checked after. */
static const char *const kinds[] = { "\"cmd\":\"calendar\"", "\"cmd\":\"policy\"", NULL };

static const char *const cases[] = {
	"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-12-30T10:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"电梯\",\"call_taker\":\"zhang\",\"order_taker\":\"li\",\"severity\":\"serious\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-12-30T10:20:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"register\",\"case\":\"C2\",\"at\":\"2027-01-05T10:00:00+08:00\",\"actor\":\"zhang\",\"property\":\"P2\",\"room\":\"1\",\"owner\":\"李\",\"phone\":\"13900000000\",\"matter\":\"漏水\",\"call_taker\":\"zhang\",\"order_taker\":\"li2\",\"severity\":\"serious\"}",
	NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hotline_db_options o = HOTLINE_DB_OPTIONS_INIT;
	hotline_db *db;
	const char *const *l;
	char *line = fuzz_cstr(data, size), *out = NULL;
	int rc, checked = 0;

	o.policy = "service-standard";
	if (hotline_db_open(&db, "memory:", &o) != 0)
		abort();
	fuzz_load_directory(db);
	for (l = cases; *l; l++)
		if (hotline_db_exec_json(db, *l, NULL, NULL) != 0)
			abort();
	rc = hotline_db_exec_json(db, line, NULL, NULL);
	if (rc != 0 && hotline_db_errmsg(db)[0] == '\0')
		__builtin_trap();   /* every refusal says why */
	for (l = kinds; *l && rc == 0; l++)
		checked |= strstr(line, *l) != NULL;
	if (checked) {
		hotline_time as_of = 0;
		if (hotline_db_verify_log(db, NULL, NULL) != 0)
			__builtin_trap();
		hotline_time_parse(&as_of, "2027-01-31T00:00:00+08:00");
		if (hotline_db_assess(&out, db, as_of, HOTLINE_FORMAT_JSON) != 0)
			__builtin_trap();
		hotline_free(out);
	}
	free(line);
	hotline_db_close(db);
	return 0;
}
