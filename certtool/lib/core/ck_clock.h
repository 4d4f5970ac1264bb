/*
 * ck_clock: time is an input.  "Now" is --at if given, else CERTKIT_NOW if
 * set, else the system clock.  All times in records are RFC 3339 UTC.
 */
#ifndef CK_CLOCK_H
#define CK_CLOCK_H

#include <time.h>
#include <openssl/asn1.h>

#include "ck_err.h"

#define CK_TIME_LEN 21		/* "2026-08-30T00:00:00Z" + NUL */

struct ck_clock {
	time_t now;
	int fixed;		/* 1 when --at or CERTKIT_NOW decided it */
};

/* at: the --at argument or NULL.  Returns 0, or -1 (CK_E_USAGE) on a bad time. */
int ck_clock_init(struct ck_clock *c, const char *at, struct ck_err *err);
time_t ck_clock_now(const struct ck_clock *c);

/*
 * Parses RFC 3339 ("2026-08-30T00:00:00Z", fractions ignored, "+02:00"
 * offsets, lower-case t/z, a space for T) or a plain date "2026-08-30"
 * (midnight UTC).  Returns 0 or -1 (CK_E_PARSE).
 */
int ck_time_parse(const char *s, time_t *t, struct ck_err *err);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into buf (CK_TIME_LEN bytes). */
void ck_time_format(time_t t, char buf[CK_TIME_LEN]);

/*
 * Milliseconds on the monotonic clock, for deadlines and elapsed times (not
 * "now": --at and CERTKIT_NOW do not touch it, and clock changes do not
 * move it).  The one such clock for the network engine and listeners.
 */
long long ck_mono_ms(void);

/* Converts an ASN1_TIME (UTCTime or GeneralizedTime) to time_t. Returns 0 or -1. */
int ck_asn1_time(const ASN1_TIME *a, time_t *t);

#endif /* CK_CLOCK_H */
