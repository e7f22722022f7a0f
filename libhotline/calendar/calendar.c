/*
 * Clocks and calendars. Holiday data is kept per year as one status per
 * day. A year that was never loaded counts Monday-Friday as working days
 * (DESIGN §6.7): the answer is flagged provisional rather than refused, so
 * that a deadline is never lost for want of next year's notice.
 */
#include "calendar/calendar.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/sha256.h"
#include "util/time.h"

enum { DAY_DEFAULT = 0, DAY_OFF = 1, DAY_WORK = 2 };

typedef struct year_data {
	int year;
	unsigned char status[366];
} year_data;

struct hotline__calendar {
	int offset_min;
	int duty_start, duty_end;   /* minutes after local midnight */
	year_data *years;
	size_t n_years;
};

hotline__calendar *hotline__calendar_new(int offset_min)
{
	hotline__calendar *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->offset_min = offset_min;
	c->duty_start = 8 * 60 + 30; /* Art. 8 */
	c->duty_end = 18 * 60;
	return c;
}

void hotline__calendar_free(hotline__calendar *c)
{
	if (!c)
		return;
	free(c->years);
	free(c);
}

int hotline__calendar_duty_minutes(const hotline__calendar *c)
{
	return c->duty_end - c->duty_start;
}

int hotline__calendar_set_duty(hotline__calendar *c, int start_min, int end_min)
{
	if (!c || start_min < 0 || end_min > 24 * 60 || start_min >= end_min)
		return HOTLINE_EINVALID;
	c->duty_start = start_min;
	c->duty_end = end_min;
	return 0;
}

int hotline__calendar_offset(const hotline__calendar *c)
{
	return c->offset_min;
}

int64_t hotline__calendar_local_day(const hotline__calendar *c, int64_t t)
{
	return hotline__floor_div(t + (int64_t)c->offset_min * 60, 86400);
}

int64_t hotline__calendar_day_start(const hotline__calendar *c, int64_t local_day)
{
	return local_day * 86400 - (int64_t)c->offset_min * 60;
}

int hotline__calendar_in_duty(const hotline__calendar *c, int64_t t)
{
	int64_t sec = t - hotline__calendar_day_start(c, hotline__calendar_local_day(c, t));
	return sec >= (int64_t)c->duty_start * 60 && sec < (int64_t)c->duty_end * 60;
}

int64_t hotline__calendar_last_duty_instant(const hotline__calendar *c, int64_t t)
{
	int64_t day = hotline__calendar_local_day(c, t);
	int64_t sec = t - hotline__calendar_day_start(c, day);
	if (hotline__calendar_in_duty(c, t))
		return t;
	/* before today's window: yesterday's last second on duty; after it: today's */
	if (sec < (int64_t)c->duty_start * 60)
		day--;
	return hotline__calendar_day_start(c, day) + (int64_t)c->duty_end * 60 - 1;
}

int hotline__calendar_years(const hotline__calendar *c, int *first, int *last)
{
	size_t i;
	if (!c->n_years)
		return HOTLINE_ERANGE;
	*first = *last = c->years[0].year;
	for (i = 1; i < c->n_years; i++) {
		if (c->years[i].year < *first)
			*first = c->years[i].year;
		if (c->years[i].year > *last)
			*last = c->years[i].year;
	}
	return 0;
}

static const year_data *find_year(const year_data *ys, size_t n, int year)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (ys[i].year == year)
			return &ys[i];
	return NULL;
}

int hotline__calendar_has_year(const hotline__calendar *c, int year)
{
	return find_year(c->years, c->n_years, year) != NULL;
}

int hotline__calendar_is_working_day(const hotline__calendar *c, int64_t day, int *out, int *provisional,
	hotline__err *err)
{
	int y, m, d, wd;
	const year_data *yd;
	(void)err;
	hotline__civil_from_days(day, &y, &m, &d);
	yd = find_year(c->years, c->n_years, y);
	if (!yd) {
		wd = hotline__weekday(day);
		*out = wd >= 1 && wd <= 5;
		if (provisional)
			*provisional = 1;
		return 0;
	}
	switch (yd->status[day - hotline__days_from_civil(y, 1, 1)]) {
	case DAY_OFF:
		*out = 0;
		break;
	case DAY_WORK:
		*out = 1;
		break;
	default:
		wd = hotline__weekday(day);
		*out = wd >= 1 && wd <= 5;
	}
	return 0;
}

/* ---- loading: parse everything into a scratch list, then commit at once ---- */

static int merge_years(hotline__calendar *c, const year_data *ys, size_t n)
{
	size_t i, add = 0;
	year_data *grown;
	for (i = 0; i < n; i++)
		if (!find_year(c->years, c->n_years, ys[i].year))
			add++;
	grown = realloc(c->years, (c->n_years + add + 1) * sizeof(*grown));
	if (!grown)
		return HOTLINE_ENOMEM;
	c->years = grown;
	for (i = 0; i < n; i++) {
		year_data *have = (year_data *)find_year(c->years, c->n_years, ys[i].year);
		if (have)
			*have = ys[i];   /* loading a year again replaces it */
		else
			c->years[c->n_years++] = ys[i];
	}
	return 0;
}

static year_data *scratch_year(year_data **ys, size_t *n, int year)
{
	year_data *y = (year_data *)find_year(*ys, *n, year), *g;
	if (y)
		return y;
	g = realloc(*ys, (*n + 1) * sizeof(*g));
	if (!g)
		return NULL;
	*ys = g;
	y = &g[(*n)++];
	memset(y, 0, sizeof(*y));
	y->year = year;
	return y;
}

static int load_doc(const json_t *doc, const char *where, year_data **ys, size_t *n, hotline__err *err)
{
	const json_t *year = json_object_get(doc, "year"), *days = json_object_get(doc, "days"), *d;
	year_data *yd;
	size_t i;
	if (!json_is_object(doc))
		return hotline__seterr(err, HOTLINE_EINVALID, "%s: expected an object", *where ? where : "(document)");
	if (!json_is_integer(year) || json_integer_value(year) < 1900 || json_integer_value(year) > 9999)
		return hotline__seterr(err, HOTLINE_EINVALID, "%syear: expected a year (integer)", where);
	if (!json_is_array(days))
		return hotline__seterr(err, HOTLINE_EINVALID, "%sdays: expected an array", where);
	yd = scratch_year(ys, n, (int)json_integer_value(year));
	if (!yd)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	json_array_foreach(days, i, d) {
		const json_t *date = json_object_get(d, "date"), *off = json_object_get(d, "isOffDay");
		int64_t day;
		int y, m, dd;
		if (!json_is_object(d))
			return hotline__seterr(err, HOTLINE_EINVALID, "%sdays[%zu]: expected an object", where, i);
		if (!date)
			return hotline__seterr(err, HOTLINE_EINVALID, "%sdays[%zu]: missing key \"date\"", where, i);
		if (!off)
			return hotline__seterr(err, HOTLINE_EINVALID, "%sdays[%zu]: missing key \"isOffDay\"", where, i);
		if (!json_is_string(date) || hotline__date_parse(json_string_value(date), &day) != 0)
			return hotline__seterr(err, HOTLINE_EINVALID, "%sdays[%zu].date: expected \"YYYY-MM-DD\", got %s",
				where, i, json_is_string(date) ? json_string_value(date) : "a non-string");
		if (!json_is_boolean(off))
			return hotline__seterr(err, HOTLINE_EINVALID, "%sdays[%zu].isOffDay: expected true or false", where, i);
		hotline__civil_from_days(day, &y, &m, &dd);
		if (y != yd->year)
			return hotline__seterr(err, HOTLINE_EINVALID, "%sdays[%zu].date: %s is not in year %d", where, i,
				json_string_value(date), yd->year);
		yd->status[day - hotline__days_from_civil(y, 1, 1)] = json_is_true(off) ? DAY_OFF : DAY_WORK;
	}
	return 0;
}

int hotline__calendar_load_json(hotline__calendar *c, const char *text, size_t len, hotline__err *err)
{
	json_error_t jerr;
	json_t *root;
	year_data *ys = NULL;
	size_t n = 0, i;
	int rc = 0;
	if (!c || !text)
		return hotline__seterr(err, HOTLINE_EINVALID, "no holiday data given");
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return hotline__seterr(err, HOTLINE_EINVALID, "holiday JSON, line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	if (json_is_array(root)) {
		json_t *doc;
		json_array_foreach(root, i, doc) {
			char where[32];
			snprintf(where, sizeof(where), "[%zu].", i);
			/* "[0]." prefix for nested paths; the top-level keys print as [0].year */
			if ((rc = load_doc(doc, where, &ys, &n, err)) != 0)
				break;
		}
	} else {
		rc = load_doc(root, "", &ys, &n, err);
	}
	json_decref(root);
	if (rc == 0)
		rc = merge_years(c, ys, n) ? hotline__seterr(err, HOTLINE_ENOMEM, "out of memory") : 0;
	free(ys);
	return rc;
}

int hotline__calendar_load_builtin(hotline__calendar *c, hotline__err *err)
{
	const char *const *p;
	int rc;
	for (p = hotline__builtin_holidays; *p; p++)
		if ((rc = hotline__calendar_load_json(c, *p, strlen(*p), err)) != 0)
			return rc;
	return 0;
}

/* ---- iCalendar ---- */

static int parse_ymd(const char *s, int64_t *day)
{
	char buf[11];
	int i;
	for (i = 0; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	snprintf(buf, sizeof(buf), "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	return hotline__date_parse(buf, day);
}

/*
 * A make-up working day's event says so: 补班, 上班 (调休上班) or the English
 * words. 班 alone is no sign: 值班 (on duty), 班车 (a shuttle) are not
 * working days, and 不上班 says the opposite.
 */
static int says_work(const char *summary)
{
	char low[512];
	size_t i;
	const char *p;
	for (i = 0; summary[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)summary[i]);
	low[i] = '\0';
	if (strstr(summary, "补班"))
		return 1;
	for (p = strstr(summary, "上班"); p; p = strstr(p + 1, "上班"))
		if (p - summary < 3 || strncmp(p - 3, "不", 3) != 0)
			return 1;
	return strstr(low, "working day") || strstr(low, "make-up") || strstr(low, "makeup") || strstr(low, "workday");
}

/* The longest holiday event accepted from a feed (the longest official break is about a week). */
#define ICAL_MAX_EVENT_DAYS 62

int hotline__calendar_load_ical(hotline__calendar *c, const char *text, size_t len, hotline__err *err)
{
	char *buf, *line, *next;
	size_t i, j, n = 0;
	year_data *ys = NULL;
	int in_event = 0, rc = 0, lineno = 0, ev_line = 0;
	int64_t start = 0, end = 0;
	int have_start = 0, have_end = 0, end_timed = 0;
	char summary[512] = "";

	if (!c || !text)
		return hotline__seterr(err, HOTLINE_EINVALID, "no iCalendar data given");
	/* unfold: CRLF or LF followed by a space or tab continues the previous line */
	buf = malloc(len + 1);
	if (!buf)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	for (i = 0, j = 0; i < len; i++) {
		if (text[i] == '\r')
			continue;
		if (text[i] == '\n' && i + 1 < len && (text[i + 1] == ' ' || text[i + 1] == '\t')) {
			i++;
			buf[j++] = '\x01'; /* keeps line numbers countable */
			continue;
		}
		buf[j++] = text[i];
	}
	buf[j] = '\0';
	for (line = buf; line && rc == 0; line = next) {
		char *colon, *p, *q;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		for (p = q = line; *p; p++) {
			if (*p == '\x01')
				lineno++;
			else
				*q++ = *p;
		}
		*q = '\0';
		if (!*line)
			continue;
		colon = strchr(line, ':');
		if (!colon) {
			rc = hotline__seterr(err, HOTLINE_EINVALID, "iCalendar line %d: no ':' in \"%.40s\"", lineno, line);
			break;
		}
		*colon = '\0';
		if (strcmp(line, "BEGIN") == 0 && strcmp(colon + 1, "VEVENT") == 0) {
			in_event = 1;
			ev_line = lineno;
			have_start = have_end = end_timed = 0;
			summary[0] = '\0';
		} else if (strcmp(line, "END") == 0 && strcmp(colon + 1, "VEVENT") == 0) {
			int64_t d;
			year_data *yd;
			int work = says_work(summary);
			if (!in_event || !have_start) {
				rc = hotline__seterr(err, HOTLINE_EINVALID, "iCalendar line %d: event begun at line %d has no DTSTART", lineno, ev_line);
				break;
			}
			/* DTEND is exclusive: an event without one, or a timed one ending the day it starts, is that day;
			 * a make-up event of several days is each of them, as a break is */
			if (!have_end || (end <= start && end_timed))
				end = start + 1;
			/* a holiday lasts days, not years: a feed with a decades-long event is wrong, and
			 * walking it day by day would take forever */
			if (end <= start || end - start > ICAL_MAX_EVENT_DAYS) {
				rc = hotline__seterr(err, HOTLINE_EINVALID, "iCalendar line %d: event begun at line %d spans %lld days "
					"(at most %d)", lineno, ev_line, (long long)(end - start), ICAL_MAX_EVENT_DAYS);
				break;
			}
			for (d = start; d < end && rc == 0; d++) {
				int y, m, dd;
				hotline__civil_from_days(d, &y, &m, &dd);
				yd = scratch_year(&ys, &n, y);
				if (!yd)
					rc = hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
				else
					yd->status[d - hotline__days_from_civil(y, 1, 1)] = work ? DAY_WORK : DAY_OFF;
			}
			in_event = 0;
		} else if (in_event && (strncmp(line, "DTSTART", 7) == 0 || strncmp(line, "DTEND", 5) == 0)) {
			int64_t d;
			if (parse_ymd(colon + 1, &d) != 0) {
				rc = hotline__seterr(err, HOTLINE_EINVALID, "iCalendar line %d: bad date \"%s\"", lineno, colon + 1);
				break;
			}
			if (line[2] == 'S') {
				start = d;
				have_start = 1;
			} else {
				/* a timed end (…T093000) includes its day unless it is midnight */
				const char *tpart = strchr(colon + 1, 'T');
				end_timed = tpart != NULL;
				end = d + (tpart && strncmp(tpart + 1, "000000", 6) != 0 ? 1 : 0);
				have_end = 1;
			}
		} else if (in_event && strncmp(line, "SUMMARY", 7) == 0) {
			snprintf(summary, sizeof(summary), "%s", colon + 1);
		}
	}
	if (rc == 0 && in_event)
		rc = hotline__seterr(err, HOTLINE_EINVALID, "iCalendar: event begun at line %d never ends", ev_line);
	if (rc == 0 && n == 0)
		rc = hotline__seterr(err, HOTLINE_EINVALID, "iCalendar: no events found");
	if (rc == 0 && merge_years(c, ys, n) != 0)
		rc = hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	free(ys);
	free(buf);
	return rc;
}

/* ---- clocks ---- */

static int64_t duty_add(const hotline__calendar *c, int64_t t, int64_t amount)
{
	for (;;) {
		int64_t day = hotline__calendar_local_day(c, t);
		int64_t ds = hotline__calendar_day_start(c, day);
		int64_t open = ds + (int64_t)c->duty_start * 60, close = ds + (int64_t)c->duty_end * 60;
		if (t < open)
			t = open;
		if (t >= close) {
			t = ds + 86400; /* next local midnight */
			continue;
		}
		/* Art. 8: inside duty hours; a due that uses up its time exactly at closing is due then */
		if (t + amount <= close)
			return t + amount;
		amount -= close - t;
		t = ds + 86400;
	}
}

int hotline__calendar_add(const hotline__calendar *c, hotline__clock clock, int64_t start, int64_t amount,
	int64_t *due_out, int *provisional, hotline__err *err)
{
	if (amount < 0)
		return hotline__seterr(err, HOTLINE_EINVALID, "negative duration");
	switch (clock) {
	case HOTLINE__CLOCK_CALENDAR:
		*due_out = start + amount;
		return 0;
	case HOTLINE__CLOCK_DUTY_HOURS:
		*due_out = duty_add(c, start, amount);
		return 0;
	case HOTLINE__CLOCK_WORKING_DAYS: {
		int64_t day = hotline__calendar_local_day(c, start), left = amount;
		int rc, w;
		if (amount == 0) {
			*due_out = start;
			return 0;
		}
		while (left > 0) {
			day++;
			if ((rc = hotline__calendar_is_working_day(c, day, &w, provisional, err)) != 0)
				return rc;
			left -= w;
		}
		*due_out = hotline__calendar_day_start(c, day + 1);
		return 0;
	}
	}
	return hotline__seterr(err, HOTLINE_EINVALID, "unknown clock %d", (int)clock);
}

int hotline__calendar_working_days_begun(const hotline__calendar *c, int64_t due, int64_t end, int64_t *count_out,
	int64_t *instants, size_t cap, int *provisional, hotline__err *err)
{
	int64_t day, count = 0;
	*count_out = 0;
	if (end <= due)
		return 0;
	for (day = hotline__calendar_local_day(c, due); hotline__calendar_day_start(c, day) < end; day++) {
		int64_t s = hotline__calendar_day_start(c, day);
		int w, rc;
		if (s + 86400 <= due)
			continue;
		if ((rc = hotline__calendar_is_working_day(c, day, &w, provisional, err)) != 0)
			return rc;
		if (!w)
			continue;
		if (instants && (size_t)count < cap)
			instants[count] = s > due ? s : due;
		count++;
	}
	*count_out = count;
	return 0;
}

/* ---- calendar lines (DESIGN §6.7): one year's data as the record keeps it ---- */

#define LINE_MAX_DATES 366

static int line_dates(const json_t *line, const char *key, int year, int want_weekend, unsigned char *seen,
	year_data *yd, size_t *total, hotline__err *err)
{
	const json_t *a = json_object_get(line, key), *v;
	size_t i;
	if (!a)
		return 0;
	if (!json_is_array(a))
		return hotline__seterr(err, HOTLINE_EINVALID, "field '%s' must be an array of dates \"YYYY-MM-DD\"", key);
	json_array_foreach(a, i, v) {
		int64_t day, off;
		int y, m, d, wd;
		if (!json_is_string(v) || json_string_length(v) != 10 || hotline__date_parse(json_string_value(v), &day) != 0)
			return hotline__seterr(err, HOTLINE_EINVALID, "field '%s[%zu]' must be a date \"YYYY-MM-DD\"", key, i);
		hotline__civil_from_days(day, &y, &m, &d);
		if (y != year)
			return hotline__seterr(err, HOTLINE_EINVALID, "field '%s[%zu]': %s is not in year %d", key, i,
				json_string_value(v), year);
		if (++*total > LINE_MAX_DATES)
			return hotline__seterr(err, HOTLINE_EINVALID, "a calendar line lists at most %d dates", LINE_MAX_DATES);
		off = day - hotline__days_from_civil(year, 1, 1);
		if (seen[off])
			return hotline__seterr(err, HOTLINE_EINVALID, "field '%s[%zu]': %s is listed twice", key, i,
				json_string_value(v));
		seen[off] = 1;
		wd = hotline__weekday(day);
		if (want_weekend && wd >= 1 && wd <= 5)
			return hotline__seterr(err, HOTLINE_EINVALID, "field '%s[%zu]': %s is not a Saturday or Sunday "
				"(a make-up working day is a weekend day)", key, i, json_string_value(v));
		if (yd)
			yd->status[off] = want_weekend ? DAY_WORK : DAY_OFF;
	}
	return 0;
}

/* Reads a line's dates into yd (may be NULL: checking only). */
static int line_read(const json_t *line, year_data *yd, hotline__err *err)
{
	const json_t *y = json_object_get(line, "year");
	unsigned char seen[366];
	size_t total = 0;
	int year, rc;
	if (!json_is_object(line))
		return hotline__seterr(err, HOTLINE_EINVALID, "a calendar line must be a JSON object");
	/* the years instants may fall in (DESIGN §6.3) */
	if (!json_is_integer(y) || json_integer_value(y) < 2000 || json_integer_value(y) > 2099)
		return hotline__seterr(err, HOTLINE_EINVALID, "field 'year' must be a year from 2000 to 2099");
	year = (int)json_integer_value(y);
	if (!json_object_get(line, "holidays"))
		return hotline__seterr(err, HOTLINE_EINVALID, "missing field 'holidays'");
	memset(seen, 0, sizeof(seen));
	if (yd) {
		memset(yd, 0, sizeof(*yd));
		yd->year = year;
	}
	if ((rc = line_dates(line, "holidays", year, 0, seen, yd, &total, err)) != 0)
		return rc;
	return line_dates(line, "workdays", year, 1, seen, yd, &total, err);
}

int hotline__calendar_line_check(const json_t *line, hotline__err *err)
{
	return line_read(line, NULL, err);
}

int hotline__calendar_adopt_line(hotline__calendar *c, const json_t *line, hotline__err *err)
{
	year_data yd;
	int rc = line_read(line, &yd, err);
	if (rc)
		return rc;
	return merge_years(c, &yd, 1) ? hotline__seterr(err, HOTLINE_ENOMEM, "out of memory") : 0;
}

hotline__calendar *hotline__calendar_copy(const hotline__calendar *c)
{
	hotline__calendar *n = hotline__calendar_new(c->offset_min);
	if (!n)
		return NULL;
	n->duty_start = c->duty_start;
	n->duty_end = c->duty_end;
	if (c->n_years && merge_years(n, c->years, c->n_years) != 0) {
		hotline__calendar_free(n);
		return NULL;
	}
	return n;
}

/* The line of one year of a calendar: what differs from Monday-Friday, in date order. */
static json_t *year_line(const year_data *yd, const char *source)
{
	json_t *line = json_object(), *off = json_array(), *work = json_array();
	int64_t first = hotline__days_from_civil(yd->year, 1, 1), n = hotline__days_from_civil(yd->year + 1, 1, 1) - first, i;
	if (!line || !off || !work)
		goto fail;
	for (i = 0; i < n; i++) {
		char buf[16];
		int y, m, d, wd = hotline__weekday(first + i);
		int weekend = wd == 0 || wd == 6;
		hotline__civil_from_days(first + i, &y, &m, &d);
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
		/* a rest day the feed lists is kept even on a weekend (a break's days read whole);
		 * a "make-up" weekday changes nothing and is left out */
		if (yd->status[i] == DAY_OFF && json_array_append_new(off, json_string(buf)))
			goto fail;
		if (yd->status[i] == DAY_WORK && weekend && json_array_append_new(work, json_string(buf)))
			goto fail;
	}
	if (json_object_set_new(line, "cmd", json_string("calendar")) || json_object_set_new(line, "year", json_integer(yd->year)) ||
	    json_object_set_new(line, "holidays", off) || json_object_set_new(line, "workdays", work))
		goto fail_line;
	if (source && *source && json_object_set_new(line, "source", json_string(source)))
		goto fail_line;
	return line;
fail:
	json_decref(off);
	json_decref(work);
fail_line:
	json_decref(line);
	return NULL;
}

static int year_cmp(const void *a, const void *b)
{
	const year_data *x = a, *y = b;
	return (x->year > y->year) - (x->year < y->year);
}

/* Every year of a loaded scratch calendar as lines, in year order. */
static int lines_of(hotline__calendar *c, const char *source, json_t **out, hotline__err *err)
{
	json_t *a = json_array();
	size_t i;
	if (!a)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if (c->n_years > 1)
		qsort(c->years, c->n_years, sizeof(*c->years), year_cmp);
	for (i = 0; i < c->n_years; i++)
		if (json_array_append_new(a, year_line(&c->years[i], source))) {
			json_decref(a);
			return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
		}
	*out = a;
	return 0;
}

int hotline__calendar_lines(const char *format, const char *text, size_t len, const char *source, json_t **out,
	hotline__err *err)
{
	hotline__calendar *c = hotline__calendar_new(0);
	int rc;
	*out = NULL;
	if (!c)
		return hotline__seterr(err, HOTLINE_ENOMEM, "out of memory");
	if (format && strcmp(format, "builtin") == 0)
		rc = hotline__calendar_load_builtin(c, err);
	else if (format && strcmp(format, "json") == 0)
		rc = hotline__calendar_load_json(c, text, len, err);
	else if (format && strcmp(format, "ical") == 0)
		rc = hotline__calendar_load_ical(c, text, len, err);
	else
		rc = hotline__seterr(err, HOTLINE_EINVALID, "unknown holiday format '%s' (json, ical, builtin)",
			format ? format : "(null)");
	if (rc == 0 && c->n_years == 0)
		rc = hotline__seterr(err, HOTLINE_EINVALID, "the holiday data names no year");
	if (rc == 0)
		rc = lines_of(c, source, out, err);
	hotline__calendar_free(c);
	return rc;
}

void hotline__calendar_line_digest(const json_t *line, char hex[65])
{
	hotline__sha256 s;
	const json_t *v;
	size_t i;
	char buf[32];
	/* what decides the working days, never who adopted it or why: "year;H:date,…;W:date,…" */
	hotline__sha256_init(&s);
	snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT ";H:", json_integer_value(json_object_get(line, "year")));
	hotline__sha256_update(&s, buf, strlen(buf));
	json_array_foreach(json_object_get(line, "holidays"), i, v) {
		hotline__sha256_update(&s, json_string_value(v), json_string_length(v));
		hotline__sha256_update(&s, ",", 1);
	}
	hotline__sha256_update(&s, ";W:", 3);
	json_array_foreach(json_object_get(line, "workdays"), i, v) {
		hotline__sha256_update(&s, json_string_value(v), json_string_length(v));
		hotline__sha256_update(&s, ",", 1);
	}
	hotline__sha256_final_hex(&s, hex);
}
