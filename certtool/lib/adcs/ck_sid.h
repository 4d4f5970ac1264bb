/*
 * ck_sid: Windows security identifiers as certkit uses them: binary <->
 * string form, well-known names, and "privileged or not" for the AD CS
 * rules (the privileged principals Certipy and Certify treat as administrators).
 */
#ifndef CK_SID_H
#define CK_SID_H

#include <stddef.h>

#include "ck_err.h"

#define CK_SID_STR_MAX 192

/*
 * Binary SID (revision, count, 6-byte authority, count x 32-bit LE
 * sub-authorities) to "S-1-5-21-...".  Returns the number of bytes the SID
 * occupies in buf, or -1 (CK_E_PARSE) when buf is too short or malformed.
 */
int ck_sid_to_string(const unsigned char *buf, size_t len, char out[CK_SID_STR_MAX],
    struct ck_err *err);

/* "S-1-..." to binary; returns the length written to out (<= 68) or -1. */
int ck_sid_from_string(const char *s, unsigned char out[68], struct ck_err *err);

/*
 * Name of a well-known SID ("Everyone", "Authenticated Users", "SYSTEM",
 * "Domain Admins" for S-1-5-21-...-512, ...) or NULL.
 */
const char *ck_sid_wellknown_name(const char *sid);

/* Last sub-authority (the RID) of a string SID, or -1. */
long ck_sid_rid(const char *sid);

/*
 * 1 when the SID is one of the well-known privileged principals (well-known SIDs, [MS-DTYP] 2.4.2.4)
 * (RIDs 512, 519, 544, 516, 517, 498, 521, 526, 527, 500; S-1-5-18;
 * S-1-5-9; also S-1-5-32-544), else 0.
 */
int ck_sid_is_privileged(const char *sid);

/*
 * 1 when the SID is a broad group: Everyone S-1-1-0, Authenticated Users
 * S-1-5-11, Users S-1-5-32-545, Domain Users (-513), Domain Computers (-515),
 * Anonymous S-1-5-7, else 0.
 */
int ck_sid_is_broad(const char *sid);

#endif /* CK_SID_H */
