/*
 * ck_acl: effective rights of a principal on a directory object, judged on
 * the object's `acl` as certkit records carry it (the array ck_ad_acl_json
 * writes: {sid, name, allow, rights[], object_type?, inherited?}).  The one
 * access check of certkit: cert-approve (Enroll), cert-lint (ESC1-4 and the
 * other enrollment rules) and cert-prereq (Full Control) all ask it.
 *
 * The check follows the Windows access check ([MS-DTYP] 2.5.3.2) on a
 * DACL in canonical order ("Order of ACEs in a DACL",
 * https://learn.microsoft.com/windows/win32/secauthz/order-of-aces-in-a-dacl):
 * explicit deny ACEs, then explicit allow, then inherited deny, then
 * inherited allow.  The first of these that speaks about the right for one
 * of the principal's SIDs decides; deny wins over allow at the same level.
 * A principal holds rights through its own SID and every SID of its
 * tokenGroups (its groups, nested, and Everyone / Authenticated Users);
 * the caller passes that set.
 */
#ifndef CK_ACL_H
#define CK_ACL_H

#include <stddef.h>
#include <jansson.h>

#include "ck_err.h"

/* The answer, with the ACEs that decided it (pointers into the acl). */
struct ck_acl_answer {
	int held;		/* 1 when the right is effective */
	const json_t *allow;	/* the allow ACE that grants it (or would, but for a deny) */
	const json_t *deny;	/* when not held: the deny ACE that takes it away, or NULL */
};

/*
 * Does the principal whose SIDs are sids[0..nsids) hold `right` on the
 * object whose DACL is acl?  right is one of the names of
 * ck_ace_rights_json() ("enroll", "write_dacl", "write_owner",
 * "write_property", "generic_all", ...).  For "write_property_object",
 * object_type is the attribute's schemaIDGUID (lower-case string form);
 * write_property (all attributes), generic_write and generic_all grant it
 * too.  A rights name implies the rights it contains (generic_all: all;
 * generic_write: write_property and validated_write; all_extended_rights:
 * enroll and autoenroll), and a deny of any part takes a composite right
 * away (a deny of write_dacl means no generic_all).
 *
 * An entry of sids matches an ACE by its "sid", or, for ACEs written by
 * hand with a "name" only, by that name (case-insensitive).
 *
 * Returns 1 or 0 (also in ans->held when ans is not NULL), or -1
 * (CK_E_PARSE) when acl is not an array or an entry lacks a boolean
 * "allow" or a "rights" array.
 */
int ck_acl_effective(const json_t *acl, const char *const *sids, size_t nsids,
    const char *right, const char *object_type, struct ck_acl_answer *ans,
    struct ck_err *err);

#endif /* CK_ACL_H */
