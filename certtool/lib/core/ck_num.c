#include "ck_num.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

int
ck_parse_long(const char *s, long min, long max, long *out, struct ck_err *err)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return ck_err_set(err, CK_E_USAGE, "empty number");
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s)
		return ck_err_set(err, CK_E_USAGE, "'%s' is not a whole number", s);
	if (v < min || v > max)
		return ck_err_set(err, CK_E_USAGE, "'%s' is out of range (%ld to %ld)", s,
		    min, max);
	*out = v;
	return 0;
}

int
ck_parse_duration(const char *s, long long *seconds, struct ck_err *err)
{
	char *end;
	long long v, mult;

	if (s == NULL || *s < '0' || *s > '9')
		return ck_err_set(err, CK_E_USAGE, "'%s' is not a duration (e.g. 30, 30d, 12h, 2w, 90m)",
		    s ? s : "");
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0)
		return ck_err_set(err, CK_E_USAGE, "'%s': duration out of range", s);
	switch (*end) {
	case '\0':
	case 'd':
		mult = 86400;
		break;
	case 'w':
		mult = 7 * 86400;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'm':
		mult = 60;
		break;
	case 's':
		mult = 1;
		break;
	default:
		return ck_err_set(err, CK_E_USAGE, "'%s' is not a duration (e.g. 30, 30d, 12h, 2w, 90m)", s);
	}
	if (*end != '\0' && end[1] != '\0')
		return ck_err_set(err, CK_E_USAGE, "'%s' is not a duration (e.g. 30, 30d, 12h, 2w, 90m)", s);
	/* 100 years is far beyond any certificate lifetime we judge. */
	if (v > 100LL * 366 * 86400 / mult)
		return ck_err_set(err, CK_E_USAGE, "'%s': duration too long", s);
	*seconds = v * mult;
	return 0;
}

int
ck_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ck_hex_u32(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;
	int d;

	if (n == 0 || n > 8)
		return -1;
	for (i = 0; i < n; i++) {
		if ((d = ck_hex_digit((unsigned char)s[i])) < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}
