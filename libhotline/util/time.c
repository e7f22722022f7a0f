#include "util/time.h"

#include <stdio.h>
#include <string.h>

#include "hotline/errors.h"
#include "hotline/time.h"
#include "util/err.h"

int64_t hotline__floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t hotline__days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = hotline__floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void hotline__civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp, yy;
	z += 719468;
	era = hotline__floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

int hotline__weekday(int64_t days)
{
	/* 1970-01-01 was a Thursday (4). */
	int64_t w = (days + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

int hotline__days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12)
		return 0;
	return dm[m - 1] + (m == 2 && leap);
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0, i;
	for (i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int parse_date(const char **p, int *y, int *m, int *d)
{
	if (digits(p, 4, y) || **p != '-')
		return -1;
	(*p)++;
	if (digits(p, 2, m) || **p != '-')
		return -1;
	(*p)++;
	if (digits(p, 2, d))
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > hotline__days_in_month(*y, *m))
		return -1;
	return 0;
}

int hotline__date_parse(const char *s, int64_t *days_out)
{
	int y, m, d;
	if (!s || parse_date(&s, &y, &m, &d) || *s)
		return HOTLINE_EINVALID;
	*days_out = hotline__days_from_civil(y, m, d);
	return 0;
}

int hotline__time_parse(const char *iso, int64_t *out, int *offset_min_out)
{
	const char *p = iso;
	int y, mo, d, h, mi, s = 0, oh, om, sign, offset;
	if (!p || parse_date(&p, &y, &mo, &d))
		return HOTLINE_EINVALID;
	if (*p != 'T' && *p != 't')
		return HOTLINE_EINVALID;
	p++;
	if (digits(&p, 2, &h) || *p != ':')
		return HOTLINE_EINVALID;
	p++;
	if (digits(&p, 2, &mi))
		return HOTLINE_EINVALID;
	if (*p == ':') {
		p++;
		if (digits(&p, 2, &s))
			return HOTLINE_EINVALID;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return HOTLINE_EINVALID;
			/* whole seconds only: a fraction must be zeros */
			while (*p >= '0' && *p <= '9')
				if (*p++ != '0')
					return HOTLINE_EINVALID;
		}
	}
	if (h > 23 || mi > 59 || s > 59)
		return HOTLINE_EINVALID;
	if (*p == 'Z' || *p == 'z') {
		offset = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(&p, 2, &oh))
			return HOTLINE_EINVALID;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			return HOTLINE_EINVALID;
		offset = sign * (oh * 60 + om);
	} else {
		return HOTLINE_EINVALID;
	}
	if (*p)
		return HOTLINE_EINVALID;
	*out = hotline__days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - (int64_t)offset * 60;
	if (offset_min_out)
		*offset_min_out = offset;
	return 0;
}

/* Two decimal digits of v (0..99). */
static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

void hotline__time_format(int64_t t, int offset_min, char buf[32])
{
	int64_t local = t + (int64_t)offset_min * 60;
	int64_t days = hotline__floor_div(local, 86400);
	int64_t secs = local - days * 86400;
	int y, m, d, off = offset_min < 0 ? -offset_min : offset_min;
	char tmp[96];
	hotline__civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999) {
		/* the usual case, digit by digit: printf is a good part of a command's cost */
		put2(buf, y / 100);
		put2(buf + 2, y % 100);
		buf[4] = '-';
		put2(buf + 5, m);
		buf[7] = '-';
		put2(buf + 8, d);
		buf[10] = 'T';
		put2(buf + 11, (int)(secs / 3600));
		buf[13] = ':';
		put2(buf + 14, (int)(secs / 60 % 60));
		buf[16] = ':';
		put2(buf + 17, (int)(secs % 60));
		buf[19] = offset_min < 0 ? '-' : '+';
		put2(buf + 20, off / 60 % 100);
		buf[22] = ':';
		put2(buf + 23, off % 60);
		buf[25] = '\0';
		return;
	}
	/* years beyond 9999 do not fit ISO-8601's basic form; they are cut, never overflowed */
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d, (int)(secs / 3600),
		(int)(secs / 60 % 60), (int)(secs % 60), offset_min < 0 ? '-' : '+', off / 60 % 100, off % 60);
	memcpy(buf, tmp, 31);
	buf[31] = '\0';
}

/* ---- the public API (include/hotline/time.h) ---- */

int hotline_time_parse(hotline_time *out, const char *iso)
{
	if (!out || !iso)
		return hotline__last_error_set(HOTLINE_EINVALID, "out and text are required");
	if (hotline__time_parse(iso, out, NULL) != 0)
		return hotline__last_error_set(HOTLINE_EINVALID, "'%s' is not an ISO-8601 instant with an offset", iso);
	return 0;
}

int hotline_time_format(char *buf, size_t size, hotline_time t, int offset_minutes)
{
	int64_t days;
	char tmp[32];
	if (!buf || size < HOTLINE_TIME_TEXT_SIZE)
		return hotline__last_error_set(HOTLINE_EINVALID, "buffer too small (needs HOTLINE_TIME_TEXT_SIZE = %d bytes)",
			HOTLINE_TIME_TEXT_SIZE);
	if (offset_minutes <= -24 * 60 || offset_minutes >= 24 * 60 || t == HOTLINE_TIME_NONE)
		return hotline__last_error_set(HOTLINE_EINVALID, "offset or instant out of range");
	/* the local year must have four digits: the text is then exactly 25 characters */
	if (t > INT64_MAX / 2 || t < INT64_MIN / 2)
		return hotline__last_error_set(HOTLINE_ERANGE, "instant out of range");
	days = hotline__floor_div(t + (int64_t)offset_minutes * 60, 86400);
	if (days < hotline__days_from_civil(0, 1, 1) || days > hotline__days_from_civil(9999, 12, 31))
		return hotline__last_error_set(HOTLINE_ERANGE, "the year is not within 0000-9999");
	hotline__time_format(t, offset_minutes, tmp);
	memcpy(buf, tmp, HOTLINE_TIME_TEXT_SIZE);
	buf[HOTLINE_TIME_TEXT_SIZE - 1] = '\0';
	return 0;
}
