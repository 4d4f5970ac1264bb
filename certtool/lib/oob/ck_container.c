/*
 * ck_container: Full Control on the out of band container (see ck_container.h).
 */
#include "ck_container.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ck_acl.h"

static const char *
trustee(const struct ck_requester *rq, const char *sid)
{
	const char *w;
	size_t i;

	for (i = 0; i < rq->nsids; i++)
		if (strcasecmp(rq->sids[i], sid) == 0 && rq->sid_names[i] != NULL)
			return rq->sid_names[i];
	w = ck_sid_wellknown_name(sid);
	return w ? w : sid;
}

/*
 * The ACL entries (ck_acl.h form) of the ACEs that reach the object itself
 * (children 0) or every child object (children 1).  New reference.
 */
static json_t *
acl_of(const struct ck_sd *sd, const struct ck_requester *rq, int children)
{
	json_t *acl = json_array();
	size_t i;

	for (i = 0; acl != NULL && i < sd->nace; i++) {
		const struct ck_ace *a = &sd->aces[i];
		json_t *e;

		if (!a->has_sid)
			continue;
		if (children ? !(a->flags & CK_ACE_CONTAINER_INHERIT) || (a->flags & CK_ACE_NO_PROPAGATE) ||
		    a->has_inherited_object_type : (a->flags & CK_ACE_INHERIT_ONLY) != 0)
			continue;
		e = json_pack("{s:s,s:s,s:b,s:o,s:b}", "sid", a->sid, "name", trustee(rq, a->sid),
		    "allow", !ck_ace_is_deny(a), "rights", ck_ace_rights_json(a), "inherited",
		    children || (a->flags & CK_ACE_INHERITED));
		if (e != NULL && a->has_object_type)
			json_object_set_new(e, "object_type", json_string(a->object_type));
		json_array_append_new(acl, e);
	}
	return acl;
}

static const char *
rights_text(const json_t *ace, char *buf, size_t size)
{
	const json_t *v;
	size_t i, n = 0;

	buf[0] = '\0';
	json_array_foreach(json_object_get(ace, "rights"), i, v)
		if (json_string_value(v) && strcmp(json_string_value(v), "generic_all") == 0) {
			snprintf(buf, size, "generic_all");
			return buf;
		}
	json_array_foreach(json_object_get(ace, "rights"), i, v)
		n += (size_t)snprintf(buf + (n < size ? n : size), n < size ? size - n : 0, "%s%s",
		    i ? "," : "", json_string_value(v) ? json_string_value(v) : "?");
	return buf;
}

static const char *
js(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "?";
}

enum ck_fc_verdict
ck_container_full_control(const struct ck_sd *sd, const struct ck_requester *rq, char *msg,
    size_t size)
{
	const char *const *sids = (const char *const *)rq->sids;
	struct ck_acl_answer on_obj, on_kids;
	json_t *obj = acl_of(sd, rq, 0), *kids = acl_of(sd, rq, 1), *e;
	enum ck_fc_verdict v = CK_FC_ERROR;
	struct ck_err err;
	char r[256];
	size_t i;
	int ho, hk;

	if (obj == NULL || kids == NULL) {
		snprintf(msg, size, "out of memory");
		goto out;
	}
	ho = ck_acl_effective(obj, sids, rq->nsids, "generic_all", NULL, &on_obj, &err);
	hk = ck_acl_effective(kids, sids, rq->nsids, "generic_all", NULL, &on_kids, &err);
	if (ho < 0 || hk < 0) {
		snprintf(msg, size, "%s", err.msg);
		goto out;
	}
	if (ho && hk) {
		snprintf(msg, size, "the allow ACE for '%s' (%s, %s) grants '%s' Full Control on this "
		    "object and all child objects", js(on_kids.allow, "name"),
		    js(on_kids.allow, "sid"), rights_text(on_kids.allow, r, sizeof(r)), rq->name);
		v = CK_FC_GRANTED;
	} else if (on_obj.deny != NULL || on_kids.deny != NULL) {
		const json_t *d = on_obj.deny ? on_obj.deny : on_kids.deny;

		snprintf(msg, size, "a deny ACE for '%s' (%s, %s, %s) takes Full Control away from "
		    "'%s'%s", js(d, "name"), js(d, "sid"), rights_text(d, r, sizeof(r)),
		    on_obj.deny ? "on this object" : "on child objects", rq->name,
		    strcasecmp(js(d, "sid"), rq->sid) == 0 ? "" : " through its group membership");
		v = CK_FC_DENIED;
	} else if (ho) {
		snprintf(msg, size, "'%s' holds Full Control through '%s' (%s) on this object only; it "
		    "must apply to this object and all child objects", rq->name,
		    js(on_obj.allow, "name"), js(on_obj.allow, "sid"));
		v = CK_FC_OBJECT_ONLY;
	} else {
		v = CK_FC_NONE;
		snprintf(msg, size, "no ACE grants '%s', its groups, Everyone or Authenticated Users "
		    "any right on the container", rq->name);
		json_array_foreach(obj, i, e) {
			size_t k;

			if (!json_is_true(json_object_get(e, "allow")))
				continue;
			for (k = 0; k < rq->nsids; k++)
				if (strcasecmp(rq->sids[k], js(e, "sid")) == 0)
					break;
			if (k == rq->nsids)
				continue;
			snprintf(msg, size, "'%s' holds only %s through '%s' (%s), not Full Control",
			    rq->name, rights_text(e, r, sizeof(r)), js(e, "name"), js(e, "sid"));
			v = CK_FC_PARTIAL;
			break;
		}
	}
out:
	json_decref(obj);
	json_decref(kids);
	return v;
}
