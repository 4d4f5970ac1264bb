/*
 * ck_container: does an account hold Full Control on the out of band
 * management container, applying to this object and all child objects
 * ("How to Prepare Active Directory Domain Services for Out of Band
 * Management"; [MS-DTYP] 2.4.4.1 ACE flags, 2.4.3 ACCESS_MASK)?
 *
 * Full Control is an allow ACE for the account's SID or one of its groups
 * (tokenGroups) whose mask is GENERIC_ALL or holds every directory right
 * (0xF01FF).  It reaches the object when the ACE is not inherit-only, and
 * the child objects when it carries CONTAINER_INHERIT without
 * NO_PROPAGATE_INHERIT and without an inherited object type.  A deny ACE
 * for the account or any of its groups that takes away any of those
 * rights wins over every allow, as Windows orders them.  No globals.
 */
#ifndef CK_CONTAINER_H
#define CK_CONTAINER_H

#include <stddef.h>

#include "ck_approve.h"
#include "ck_sd.h"

/* Every access right of a directory object: "Full Control" in the ACL editor. */
#define CK_DS_FULL_CONTROL 0x000F01FFu

enum ck_fc_verdict {
	CK_FC_GRANTED = 0,	/* Full Control on the object and all child objects */
	CK_FC_DENIED,		/* a deny ACE for the account or a group wins */
	CK_FC_OBJECT_ONLY,	/* Full Control, but not inherited by child objects */
	CK_FC_PARTIAL,		/* some rights, not Full Control */
	CK_FC_NONE		/* no ACE for the account or its groups */
};

/*
 * Judges sd for rq (whose sids include its groups, Everyone and
 * Authenticated Users).  msg (size bytes) gets one sentence naming the ACE
 * that grants Full Control (trustee, SID, mask, flags) or what is missing
 * or which deny ACE takes it away.
 */
enum ck_fc_verdict ck_container_full_control(const struct ck_sd *sd,
    const struct ck_requester *rq, char *msg, size_t size);

#endif /* CK_CONTAINER_H */
