/*
 * ck_amt_targets: the hosts cert-amt discover is allowed to touch, from its
 * operands: HOST (a name, an IPv4 or IPv6 address), CIDR (IPv4, /16 to
 * /32), RANGE (IPv4 A.B.C.D-E.F.G.H or A.B.C.D-H), @FILE (one operand of
 * these kinds per line; blank lines and # comments skipped).
 *
 * Never a target outside what the user listed: a CIDR block of /30 or
 * larger leaves out its network and broadcast addresses (a datagram to the
 * broadcast address would reach every host of the subnet); /31 and /32
 * are taken whole.  Blocks larger than /16 (65 536 addresses) are refused:
 * list them in pieces if that is really meant.
 *
 * Every operand is checked before the first host is probed; the hosts are
 * then produced one at a time, without expanding ranges in memory.
 */
#ifndef CK_AMT_TARGETS_H
#define CK_AMT_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "ck_err.h"

#define CK_AMT_HOST_MAX 256
#define CK_AMT_CIDR_MIN_PREFIX 16

struct ck_amt_targets;

/*
 * Checks operands[0..n) (borrowed: they must outlive the iterator) and
 * reads @FILEs.  Bad operands (and bad lines of a file) become `error`
 * records appended to errors (source: the operand, or FILE:LINE); the
 * good ones are kept.  Returns NULL only when out of memory.
 */
struct ck_amt_targets *ck_amt_targets_new(char *const *operands, size_t n, json_t *errors);
void ck_amt_targets_free(struct ck_amt_targets *t);

/* Number of hosts the operands name (known before probing; for progress). */
uint64_t ck_amt_targets_count(const struct ck_amt_targets *t);

/*
 * The next host: 1 with host (a name or address literal, no brackets) and
 * source (the operand it came from) filled, 0 when there are no more.
 */
int ck_amt_targets_next(struct ck_amt_targets *t, char host[CK_AMT_HOST_MAX],
    const char **source);

#endif /* CK_AMT_TARGETS_H */
