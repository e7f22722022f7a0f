/*
 * libFuzzer target for the holiday loaders (HOLIDAY_FORMAT: "json", the
 * cn-holidays shape, or "ical"), through hotline_calendar_line: any bytes
 * must make a `calendar` line or fail with a message, never crash or leak;
 * a line made is one the database records. Data that loads is then used: a
 * case is registered and dispatched and its deadlines explained, so the
 * working-day clocks run over the recorded days.
 *   build-fuzz/tests/fuzz_holidays_json -max_total_time=60 tests/fuzz/corpus/holidays_json/
 *   build-fuzz/tests/fuzz_holidays_ical -max_total_time=60 tests/fuzz/corpus/holidays_ical/
 */
#include "fuzz_common.h"

#include <hotline/assess.h>

#ifndef HOLIDAY_FORMAT
#error "HOLIDAY_FORMAT must be \"json\" or \"ical\""
#endif

static const char *const lines[] = {
	"{\"cmd\":\"register\",\"case\":\"C1\",\"at\":\"2026-09-30T17:50:00+08:00\",\"actor\":\"zhang\",\"property\":\"P1\",\"room\":\"3-201\",\"owner\":\"王女士\",\"phone\":\"13800000000\",\"matter\":\"楼道灯不亮\",\"call_taker\":\"zhang\",\"order_taker\":\"li\"}",
	"{\"cmd\":\"dispatch\",\"case\":\"C1\",\"at\":\"2026-10-01T09:20:00+08:00\",\"actor\":\"zhang\"}",
	"{\"cmd\":\"request_escalation\",\"case\":\"C1\",\"at\":\"2026-10-02T09:20:00+08:00\",\"actor\":\"li\",\"report\":\"七日内无法解决\"}",
	NULL
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hotline_db *db;
	const char *const *l;
	int rc;

	char *line = NULL;
	int year;

	if (hotline_db_open(&db, "memory:", NULL) != 0)
		abort();
	/* the loader gets exactly the input's bytes, not NUL-terminated; the years the clocks below reach */
	for (year = 2026, rc = -1; year <= 2027; year++) {
		int r = hotline_calendar_line(&line, year, HOLIDAY_FORMAT, (const char *)data, size, NULL);
		if (r != 0 && hotline_last_error()[0] == '\0')
			__builtin_trap();   /* every failure says why */
		if (r != 0)
			continue;
		/* a line made from data that loaded is a line the database takes (setting up: no actor) */
		if (hotline_db_exec_json(db, line, NULL, NULL) != 0)
			__builtin_trap();
		hotline_free(line);
		rc = 0;
	}
	if (rc == 0) {
		hotline_time as_of = 0;
		char *out = NULL;
		fuzz_load_directory(db);
		for (l = lines; *l; l++)
			hotline_db_exec_json(db, *l, NULL, NULL);
		hotline_time_parse(&as_of, "2026-12-31T00:00:00+08:00");
		if (hotline_db_explain(&out, db, "C1", as_of) == 0)
			hotline_free(out);
	}
	hotline_db_close(db);
	return 0;
}
