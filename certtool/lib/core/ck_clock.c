#include "ck_clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), no timezone involved. */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static int
num(const char **p, int digits, int *out)
{
	int v = 0;

	for (int i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += digits;
	*out = v;
	return 0;
}

int
ck_time_parse(const char *s, time_t *t, struct ck_err *err)
{
	const char *p = s;
	int Y, M, D, h = 0, m = 0, sec = 0, oh = 0, om = 0, sign = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (s == NULL)
		goto bad;
	if (num(&p, 4, &Y) || *p++ != '-' || num(&p, 2, &M) || *p++ != '-' ||
	    num(&p, 2, &D))
		goto bad;
	if (*p != '\0') {
		if (*p != 'T' && *p != 't' && *p != ' ')
			goto bad;
		p++;
		if (num(&p, 2, &h) || *p++ != ':' || num(&p, 2, &m) || *p++ != ':' ||
		    num(&p, 2, &sec))
			goto bad;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			while (isdigit((unsigned char)*p))
				p++;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '+' ? 1 : -1;
			if (num(&p, 2, &oh) || *p++ != ':' || num(&p, 2, &om))
				goto bad;
		} else {
			goto bad;
		}
		if (*p != '\0')
			goto bad;
	}
	if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || m > 59 ||
	    sec > 60 || oh > 23 || om > 59)
		goto bad;
	if (M == 2 && D == 29 && !((Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0))
		goto bad;
	*t = (time_t)(days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 +
	    h * 3600 + m * 60 + (sec == 60 ? 59 : sec) - sign * (oh * 3600 + om * 60));
	return 0;
bad:
	return ck_err_set(err, CK_E_PARSE,
	    "'%s' is not an RFC 3339 time (e.g. 2026-08-30T00:00:00Z)", s ? s : "");
}

/*
 * Formats without gmtime_r: glibc's gmtime_r takes the process-wide
 * time-zone lock, which serialises threads that format many records.
 */
void
ck_time_format(time_t t, char buf[CK_TIME_LEN])
{
	long long secs = (long long)t, days, era, y;
	unsigned doe, yoe, doy, mp, d, m, sod;

	days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	sod = (unsigned)(secs - days * 86400);
	/* Civil date from days since 1970-01-01 (proleptic Gregorian). */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = (unsigned)(days - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y < 0 || y > 9999) {
		snprintf(buf, CK_TIME_LEN, "%s", y < 0 ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z");
		return;
	}
	{
		/* "YYYY-MM-DDTHH:MM:SSZ", digit by digit. */
		unsigned v[6] = { (unsigned)y, m, d, sod / 3600, sod / 60 % 60, sod % 60 };
		static const char sep[6] = { '-', '-', 'T', ':', ':', 'Z' };
		char *o = buf;

		*o++ = (char)('0' + v[0] / 1000);
		*o++ = (char)('0' + v[0] / 100 % 10);
		*o++ = (char)('0' + v[0] / 10 % 10);
		*o++ = (char)('0' + v[0] % 10);
		*o++ = sep[0];
		for (int i = 1; i < 6; i++) {
			*o++ = (char)('0' + v[i] / 10 % 10);
			*o++ = (char)('0' + v[i] % 10);
			*o++ = sep[i];
		}
		*o = '\0';
	}
}

int
ck_asn1_time(const ASN1_TIME *a, time_t *t)
{
	struct tm tm;

	if (a == NULL || !ASN1_TIME_to_tm(a, &tm))
		return -1;
	*t = (time_t)(days_from_civil(tm.tm_year + 1900LL, (unsigned)tm.tm_mon + 1,
	    (unsigned)tm.tm_mday) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
	return 0;
}

int
ck_clock_init(struct ck_clock *c, const char *at, struct ck_err *err)
{
	const char *env = getenv("CERTKIT_NOW");

	c->fixed = 0;
	c->now = time(NULL);
	if (at != NULL) {
		if (ck_time_parse(at, &c->now, err) != 0)
			return ck_err_set(err, CK_E_USAGE, "--at: '%s' is not an RFC 3339 time", at);
		c->fixed = 1;
	} else if (env != NULL && *env != '\0') {
		if (ck_time_parse(env, &c->now, err) != 0)
			return ck_err_set(err, CK_E_USAGE,
			    "CERTKIT_NOW: '%s' is not an RFC 3339 time", env);
		c->fixed = 1;
	}
	return 0;
}

time_t
ck_clock_now(const struct ck_clock *c)
{
	return c->now;
}

long long
ck_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
