/*
 * ck_container: Full Control on the out of band container (see ck_container.h).
 */
#include "ck_container.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static long
sid_index(const struct ck_requester *rq, const char *sid)
{
	size_t i;

	for (i = 0; i < rq->nsids; i++)
		if (strcasecmp(rq->sids[i], sid) == 0)
			return (long)i;
	return -1;
}

static int
is_allow(const struct ck_ace *a)
{
	return a->type == CK_ACE_ALLOWED || a->type == CK_ACE_ALLOWED_OBJECT;
}

/* The rights an ACE really carries: generic bits mapped as Full Control. */
static uint32_t
ds_rights(const struct ck_ace *a)
{
	return (a->mask & CK_GENERIC_ALL) ? CK_DS_FULL_CONTROL : a->mask & CK_DS_FULL_CONTROL;
}

static const char *
trustee(const struct ck_requester *rq, long idx, const char *sid)
{
	const char *w;

	if (idx >= 0 && rq->sid_names[idx] != NULL)
		return rq->sid_names[idx];
	w = ck_sid_wellknown_name(sid);
	return w ? w : sid;
}

static const char *
reach(const struct ck_ace *a)
{
	int obj = !(a->flags & CK_ACE_INHERIT_ONLY);
	int kids = (a->flags & CK_ACE_CONTAINER_INHERIT) && !(a->flags & CK_ACE_NO_PROPAGATE) &&
	    !a->has_inherited_object_type;

	return obj && kids ? "this object and all child objects" : obj ? "this object only" :
	    kids ? "child objects only" : "descendant objects of one class only";
}

enum ck_fc_verdict
ck_container_full_control(const struct ck_sd *sd, const struct ck_requester *rq, char *msg,
    size_t size)
{
	const struct ck_ace *obj_full = NULL, *kid_full = NULL, *some = NULL;
	size_t i;

	/* Deny first: any deny ACE for the account that reaches the object or its children. */
	for (i = 0; i < sd->nace; i++) {
		const struct ck_ace *a = &sd->aces[i];
		long idx;

		if (!a->has_sid || !ck_ace_is_deny(a) || (idx = sid_index(rq, a->sid)) < 0)
			continue;
		if (ds_rights(a) == 0)
			continue;
		snprintf(msg, size, "a deny ACE for '%s' (%s, mask 0x%x, %s) takes rights away from "
		    "'%s'%s", trustee(rq, idx, a->sid), a->sid, a->mask, reach(a), rq->name,
		    strcasecmp(a->sid, rq->sid) == 0 ? "" : " through its group membership");
		return CK_FC_DENIED;
	}
	for (i = 0; i < sd->nace; i++) {
		const struct ck_ace *a = &sd->aces[i];

		if (!a->has_sid || !is_allow(a) || sid_index(rq, a->sid) < 0 || ds_rights(a) == 0)
			continue;
		/* An object ACE limited to one property or right is never Full Control. */
		if (a->has_object_type || ds_rights(a) != CK_DS_FULL_CONTROL) {
			if (some == NULL)
				some = a;
			continue;
		}
		if (!(a->flags & CK_ACE_INHERIT_ONLY) && obj_full == NULL)
			obj_full = a;
		if ((a->flags & CK_ACE_CONTAINER_INHERIT) && !(a->flags & CK_ACE_NO_PROPAGATE) &&
		    !a->has_inherited_object_type && kid_full == NULL)
			kid_full = a;
	}
	if (obj_full != NULL && kid_full != NULL) {
		long idx = sid_index(rq, obj_full->sid);

		if (obj_full == kid_full || strcasecmp(obj_full->sid, kid_full->sid) == 0)
			/* Windows and Samba store a generic ACE as an effective and an inherit-only one. */
			snprintf(msg, size, "an allow ACE for '%s' (%s, mask 0x%x, flags 0x%x) grants "
			    "'%s' Full Control on this object and all child objects",
			    trustee(rq, idx, obj_full->sid), obj_full->sid,
			    obj_full == kid_full ? obj_full->mask : kid_full->mask,
			    obj_full == kid_full ? obj_full->flags : kid_full->flags, rq->name);
		else
			snprintf(msg, size, "allow ACEs for '%s' (this object) and '%s' (child "
			    "objects) grant '%s' Full Control on this object and all child objects",
			    trustee(rq, idx, obj_full->sid),
			    trustee(rq, sid_index(rq, kid_full->sid), kid_full->sid), rq->name);
		return CK_FC_GRANTED;
	}
	if (obj_full != NULL || kid_full != NULL) {
		const struct ck_ace *a = obj_full ? obj_full : kid_full;

		snprintf(msg, size, "'%s' holds Full Control through '%s' (%s) on %s only; it must "
		    "apply to this object and all child objects", rq->name,
		    trustee(rq, sid_index(rq, a->sid), a->sid), a->sid, obj_full ?
		    "this object" : "child objects");
		return CK_FC_OBJECT_ONLY;
	}
	if (some != NULL) {
		snprintf(msg, size, "'%s' holds only mask 0x%x%s through '%s' (%s), not Full "
		    "Control", rq->name, some->mask, some->has_object_type ? " on one object type" :
		    "", trustee(rq, sid_index(rq, some->sid), some->sid), some->sid);
		return CK_FC_PARTIAL;
	}
	snprintf(msg, size, "no ACE grants '%s', its groups, Everyone or Authenticated Users any "
	    "right on the container", rq->name);
	return CK_FC_NONE;
}
