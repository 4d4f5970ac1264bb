/*
 * ck_num: the one checked parser for numbers and durations from the
 * command line (no atoi anywhere).
 */
#ifndef CK_NUM_H
#define CK_NUM_H

#include <stddef.h>
#include <stdint.h>

#include "ck_err.h"

/* Parses a decimal integer in [min, max].  Returns 0 or -1 (CK_E_USAGE). */
int ck_parse_long(const char *s, long min, long max, long *out, struct ck_err *err);

/*
 * Parses a duration: "30" (days), "30d", "12h", "2w", "90m", "45s".
 * Result in seconds, >= 0.  Returns 0 or -1 (CK_E_USAGE).
 */
int ck_parse_duration(const char *s, long long *seconds, struct ck_err *err);

/* Value of one hex digit (0-9, a-f, A-F), or -1 for any other character. */
int ck_hex_digit(int c);

/*
 * The n characters at s as a hexadecimal number of 1 to 8 digits (no
 * prefix, no sign): 0 and *out set, or -1 (empty, too long, not a digit).
 */
int ck_hex_u32(const char *s, size_t n, uint32_t *out);

#endif /* CK_NUM_H */
