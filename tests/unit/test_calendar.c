/*
 * Clocks and calendars (DESIGN §3.2): duty hours, working days with the
 * official 2024-2026 holidays and make-up days, and the loaders.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "calendar/calendar.h"
#include "util/time.h"

static int64_t T(const char *iso)
{
	int64_t t = 0;
	if (hotline__time_parse(iso, &t, NULL) != 0)
		fail_msg("bad instant %s", iso);
	return t;
}

static int64_t D(const char *date)
{
	int64_t d = 0;
	if (hotline__date_parse(date, &d) != 0)
		fail_msg("bad date %s", date);
	return d;
}

static int setup(void **state)
{
	hotline__calendar *c = hotline__calendar_new(480);
	hotline__err err;
	if (!c || hotline__calendar_load_builtin(c, &err) != 0)
		return -1;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	hotline__calendar_free(*state);
	return 0;
}

static int working(hotline__calendar *c, const char *date)
{
	int w = -1;
	hotline__err err;
	assert_int_equal(hotline__calendar_is_working_day(c, D(date), &w, NULL, &err), 0);
	return w;
}

/* The data README's figures: 2024 → 251, 2025 → 248, 2026 → 248 working days. */
static void test_working_days_per_year(void **state)
{
	static const struct { int year, days; } want[] = { { 2024, 251 }, { 2025, 248 }, { 2026, 248 } };
	size_t i;
	for (i = 0; i < 3; i++) {
		int64_t d, n = 0;
		hotline__err err;
		for (d = hotline__days_from_civil(want[i].year, 1, 1); d < hotline__days_from_civil(want[i].year + 1, 1, 1); d++) {
			int w;
			assert_int_equal(hotline__calendar_is_working_day(*state, d, &w, NULL, &err), 0);
			n += w;
		}
		assert_int_equal(n, want[i].days);
	}
}

static void test_holidays_and_makeup_days(void **state)
{
	hotline__calendar *c = *state;
	assert_int_equal(working(c, "2026-02-14"), 1); /* Saturday, make-up day of the Spring Festival */
	assert_int_equal(working(c, "2026-02-16"), 0); /* Monday inside the Spring Festival */
	assert_int_equal(working(c, "2026-02-24"), 1); /* first Tuesday after it */
	assert_int_equal(working(c, "2026-02-28"), 1); /* Saturday, make-up day */
	assert_int_equal(working(c, "2026-10-01"), 0);
	assert_int_equal(working(c, "2026-10-10"), 1); /* Saturday, make-up day of National Day */
	assert_int_equal(working(c, "2025-01-26"), 1); /* Sunday, make-up day of the 2025 Spring Festival */
	assert_int_equal(working(c, "2025-01-28"), 0);
	assert_int_equal(working(c, "2025-10-08"), 0);
	assert_int_equal(working(c, "2025-10-11"), 1); /* Saturday, make-up day */
	assert_int_equal(working(c, "2026-11-21"), 0); /* an ordinary Saturday */
}

static void test_working_day_additions(void **state)
{
	hotline__calendar *c = *state;
	hotline__err err;
	int64_t due;
	/* 2026-02-13 (Fri) + 1 working day: 02-14 (Sat, make-up) is one: due 02-15 00:00 */
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_WORKING_DAYS, T("2026-02-13T10:00:00+08:00"), 1, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-02-15T00:00:00+08:00"));
	/* + 2: 02-14, then 02-15..02-23 are off: 02-24; due 02-25 00:00 */
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_WORKING_DAYS, T("2026-02-13T10:00:00+08:00"), 2, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-02-25T00:00:00+08:00"));
	/* 2026-09-30 (Wed) + 5: 10-01..07 off, 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, make-up), 10-12, 10-13: due 10-14 */
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_WORKING_DAYS, T("2026-09-30T15:00:00+08:00"), 5, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-10-14T00:00:00+08:00"));
	/* 2025-09-30 (Tue) + 1: 10-01..08 off, 10-09 (Thu): due 10-10 */
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_WORKING_DAYS, T("2025-09-30T15:00:00+08:00"), 1, &due, NULL, &err), 0);
	assert_int_equal(due, T("2025-10-10T00:00:00+08:00"));
	/* 2026-12-30 (Wed) + 5 reaches 2027, which has no data: Monday-Friday count, flagged provisional:
	 * 12-31, 01-01 (Fri), 01-04, 01-05, 01-06: due 01-07 */
	{
		int prov = 0;
		int64_t n;
		assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_WORKING_DAYS, T("2026-12-30T10:00:00+08:00"), 5, &due, &prov, &err), 0);
		assert_int_equal(due, T("2027-01-07T00:00:00+08:00"));
		assert_int_equal(prov, 1);
		/* inside the data: the flag is left as it was */
		prov = 0;
		assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_WORKING_DAYS, T("2026-12-21T10:00:00+08:00"), 5, &due, &prov, &err), 0);
		assert_int_equal(due, T("2026-12-29T00:00:00+08:00"));
		assert_int_equal(prov, 0);
		/* lateness counted into 2027 is provisional as well */
		assert_int_equal(hotline__calendar_working_days_begun(c, T("2026-12-31T00:00:00+08:00"), T("2027-01-05T00:00:00+08:00"), &n, NULL, 0, &prov, &err), 0);
		assert_int_equal(n, 3);   /* 12-31, 01-01, 01-04 */
		assert_int_equal(prov, 1);
		assert_int_equal(hotline__calendar_has_year(c, 2026), 1);
		assert_int_equal(hotline__calendar_has_year(c, 2027), 0);
	}
}

static void test_duty_hours(void **state)
{
	hotline__calendar *c = *state;
	hotline__err err;
	int64_t due;
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_DUTY_HOURS, T("2026-11-02T17:30:00+08:00"), 3600, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-11-03T09:00:00+08:00"));
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_DUTY_HOURS, T("2026-11-02T20:00:00+08:00"), 3600, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-11-03T09:30:00+08:00"));
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_DUTY_HOURS, T("2026-11-02T17:00:00+08:00"), 3600, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-11-02T18:00:00+08:00")); /* exactly at closing */
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_DUTY_HOURS, T("2026-11-02T07:00:00+08:00"), 3600, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-11-02T09:30:00+08:00"));
	/* across midnight: 23:50 is outside duty hours */
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_DUTY_HOURS, T("2026-11-02T23:50:00+08:00"), 600, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-11-03T08:40:00+08:00"));
	/* 10 duty hours from 09:00: 9 h to 18:00, 1 h the next day */
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_DUTY_HOURS, T("2026-11-02T09:00:00+08:00"), 36000, &due, NULL, &err), 0);
	assert_int_equal(due, T("2026-11-03T09:30:00+08:00"));
	assert_int_equal(hotline__calendar_in_duty(c, T("2026-11-02T08:30:00+08:00")), 1);
	assert_int_equal(hotline__calendar_in_duty(c, T("2026-11-02T18:00:00+08:00")), 0);
	assert_int_equal(hotline__calendar_add(c, HOTLINE__CLOCK_CALENDAR, 100, 50, &due, NULL, &err), 0);
	assert_int_equal(due, 150);
}

static void test_working_days_begun(void **state)
{
	hotline__calendar *c = *state;
	hotline__err err;
	int64_t n, at[8];
	/* due Fri 2026-11-20 18:00, end Tue 11-24 10:00: Fri (rest of it), Mon, Tue = 3 */
	assert_int_equal(hotline__calendar_working_days_begun(c, T("2026-11-20T18:00:00+08:00"), T("2026-11-24T10:00:00+08:00"), &n, at, 8, NULL, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(at[0], T("2026-11-20T18:00:00+08:00"));
	assert_int_equal(at[1], T("2026-11-23T00:00:00+08:00"));
	assert_int_equal(at[2], T("2026-11-24T00:00:00+08:00"));
	/* due at a midnight: the day before is not begun after it */
	assert_int_equal(hotline__calendar_working_days_begun(c, T("2026-11-21T00:00:00+08:00"), T("2026-11-23T00:00:01+08:00"), &n, NULL, 0, NULL, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hotline__calendar_working_days_begun(c, 100, 100, &n, NULL, 0, NULL, &err), 0);
	assert_int_equal(n, 0);
}

static void test_json_loader_errors(void **state)
{
	static const struct { const char *doc, *msg; } bad[] = {
		{ "{\"year\":2027,\"days\":[", "line 1" },
		{ "{\"year\":2027,\"days\":[{\"name\":\"x\",\"date\":\"2027-01-01\"}]}", "days[0]: missing key \"isOffDay\"" },
		{ "{\"year\":2027,\"days\":[{\"name\":\"x\",\"date\":\"2027-13-01\",\"isOffDay\":true}]}", "days[0].date: expected \"YYYY-MM-DD\", got 2027-13-01" },
		{ "{\"year\":2027,\"days\":[{\"name\":\"x\",\"date\":\"2027-01-01\",\"isOffDay\":\"yes\"}]}", "days[0].isOffDay" },
		{ "{\"year\":2027,\"days\":[{\"name\":\"x\",\"date\":\"2026-01-01\",\"isOffDay\":true}]}", "not in year 2027" },
		{ "{\"year\":\"2027\",\"days\":[]}", "year" },
		{ "{\"year\":2027}", "days" },
	};
	hotline__calendar *c = *state;
	hotline__err err;
	size_t i;
	int first, last, w;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hotline__calendar_load_json(c, bad[i].doc, strlen(bad[i].doc), &err), HOTLINE_EINVALID);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("message '%s' lacks '%s'", err.msg, bad[i].msg);
	}
	/* nothing was loaded */
	assert_int_equal(hotline__calendar_years(c, &first, &last), 0);
	assert_int_equal(last, 2026);
	{
		int prov = 0;
		assert_int_equal(hotline__calendar_is_working_day(c, D("2027-01-01"), &w, &prov, &err), 0);
		assert_int_equal(w, 1);      /* a Friday, no data: counted as working, provisionally */
		assert_int_equal(prov, 1);
	}
	/* a good 2027 document extends the range */
	{
		const char *good = "{\"year\":2027,\"days\":[{\"name\":\"元旦\",\"date\":\"2027-01-01\",\"isOffDay\":true}]}";
		assert_int_equal(hotline__calendar_load_json(c, good, strlen(good), &err), 0);
		assert_int_equal(working(c, "2027-01-01"), 0);
		assert_int_equal(working(c, "2027-01-04"), 1);
	}
}

static void test_ical(void **state)
{
	const char *feed =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270210\r\nDTEND;VALUE=DATE:20270213\r\nSUMMARY:春节\r\n  放假\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART:20270207T090000\r\nDTEND:20270207T180000\r\nSUMMARY:春节补班\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n";
	hotline__calendar *c = *state;
	hotline__err err;
	assert_int_equal(hotline__calendar_load_ical(c, feed, strlen(feed), &err), 0);
	assert_int_equal(working(c, "2027-02-10"), 0);  /* Wednesday, off */
	assert_int_equal(working(c, "2027-02-12"), 0);  /* Friday, off (DTEND is exclusive) */
	assert_int_equal(working(c, "2027-02-15"), 1);
	assert_int_equal(working(c, "2027-02-07"), 1);  /* Sunday, make-up working day */
	assert_int_equal(hotline__calendar_load_ical(c, "BEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\n", 34, &err), HOTLINE_EINVALID);
	assert_non_null(strstr(err.msg, "DTSTART"));
	assert_int_equal(hotline__calendar_load_ical(c, "garbage", 7, &err), HOTLINE_EINVALID);
	assert_non_null(strstr(err.msg, "line 1"));
}

/* A make-up event of several days is each of them; 班 alone (值班, 班车) is no make-up day. */
static void test_ical_makeup_spans_and_words(void **state)
{
	const char *feed =
		"BEGIN:VCALENDAR\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270208\r\nSUMMARY:春节补班\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270210\r\nSUMMARY:春节值班\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270211\r\nSUMMARY:班车停运\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270212\r\nSUMMARY:放假不上班\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270220\r\nSUMMARY:调休上班\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270221\r\nSUMMARY:Make-up working day\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n";
	hotline__calendar *c = *state;
	hotline__err err;
	assert_int_equal(hotline__calendar_load_ical(c, feed, strlen(feed), &err), 0);
	assert_int_equal(working(c, "2027-02-06"), 1);  /* Saturday, first day of the make-up event */
	assert_int_equal(working(c, "2027-02-07"), 1);  /* Sunday, its second day (DTEND 02-08 exclusive) */
	assert_int_equal(working(c, "2027-02-08"), 1);  /* an ordinary Monday */
	assert_int_equal(working(c, "2027-02-10"), 0);  /* 值班: an event of the feed like any other, a day off */
	assert_int_equal(working(c, "2027-02-11"), 0);  /* 班车 */
	assert_int_equal(working(c, "2027-02-12"), 0);  /* 不上班 */
	assert_int_equal(working(c, "2027-02-20"), 1);  /* Saturday, 调休上班 */
	assert_int_equal(working(c, "2027-02-21"), 1);  /* Sunday, in English */
	assert_int_equal(working(c, "2027-02-27"), 0);  /* an ordinary Saturday */
}

/*
 * The built-in data is the base every database computes with (DESIGN §6.7):
 * a year added to it would change databases that never recorded it. A new
 * year ships as data a database adopts, or is recorded when one is created.
 */
static void test_builtin_years_are_the_base(void **state)
{
	hotline__calendar *c = *state;
	int first, last;
	(void)state;
	assert_int_equal(hotline__calendar_years(c, &first, &last), 0);
	assert_int_equal(first, 2024);
	assert_int_equal(last, 2026);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_working_days_per_year, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holidays_and_makeup_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_working_day_additions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duty_hours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_working_days_begun, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_loader_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ical_makeup_spans_and_words, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_years_are_the_base, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
