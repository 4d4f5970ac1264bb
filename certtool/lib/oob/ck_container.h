/*
 * ck_container: does an account hold Full Control on the out of band
 * management container, applying to this object and all child objects
 * ("How to Prepare Active Directory Domain Services for Out of Band
 * Management"; [MS-DTYP] 2.4.4.1 ACE flags)?
 *
 * The access check itself is ck_acl_effective (the one of certkit), asked
 * for "generic_all" twice: on the ACEs that apply to the container itself
 * (not inherit-only), and on the ACEs its child objects inherit
 * (CONTAINER_INHERIT, not NO_PROPAGATE_INHERIT, no inherited object type).
 * The account holds rights through its own SID and every group of its
 * tokenGroups; a deny ACE for any of them wins.  No globals.
 */
#ifndef CK_CONTAINER_H
#define CK_CONTAINER_H

#include <stddef.h>

#include "ck_approve.h"
#include "ck_sd.h"

enum ck_fc_verdict {
	CK_FC_GRANTED = 0,	/* Full Control on the object and all child objects */
	CK_FC_DENIED,		/* a deny ACE for the account or a group wins */
	CK_FC_OBJECT_ONLY,	/* Full Control, but not inherited by child objects */
	CK_FC_PARTIAL,		/* some rights, not Full Control */
	CK_FC_NONE,		/* no ACE for the account or its groups */
	CK_FC_ERROR		/* out of memory or a malformed ACL (msg says) */
};

/*
 * Judges sd for rq (whose sids include its groups, Everyone and
 * Authenticated Users).  msg (size bytes) gets one sentence naming the ACE
 * that grants Full Control (trustee, SID, rights, reach) or what is
 * missing, or which deny ACE takes it away.
 */
enum ck_fc_verdict ck_container_full_control(const struct ck_sd *sd,
    const struct ck_requester *rq, char *msg, size_t size);

#endif /* CK_CONTAINER_H */
