/*
 * ck_acl: effective rights on a record's acl; see ck_acl.h for the
 * algorithm and its sources.
 */
#include <string.h>
#include <strings.h>

#include "ck_acl.h"

static int
has(const json_t *rights, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach(rights, i, v)
		if (json_is_string(v) && strcasecmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

static int
is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/*
 * 1 when an ACE with these rights speaks about `right`: an allow ACE grants
 * it, a deny ACE takes it away.  Only a deny takes a composite right away
 * through one of its parts.
 */
static int
covers(const json_t *ace, const json_t *rights, const char *right, const char *ot, int deny)
{
	const json_t *aot = json_object_get(ace, "object_type");

	if (has(rights, "generic_all"))
		return 1;
	if (has(rights, right)) {
		if (!is(right, "write_property_object") || ot == NULL)
			return 1;
		/* An object-specific write names one attribute (or property set). */
		if (json_is_string(aot) && strcasecmp(json_string_value(aot), ot) == 0)
			return 1;
	}
	if ((is(right, "write_property") || is(right, "write_property_object") ||
	    is(right, "validated_write")) && has(rights, "generic_write"))
		return 1;
	if (is(right, "write_property_object") && has(rights, "write_property"))
		return 1;
	if ((is(right, "enroll") || is(right, "autoenroll") || is(right, "extended_right")) &&
	    has(rights, "all_extended_rights"))
		return 1;
	if (!deny)
		return 0;
	if (is(right, "generic_all"))
		return json_array_size(rights) > 0;
	if (is(right, "generic_write"))
		return has(rights, "write_property") || has(rights, "write_property_object") ||
		    has(rights, "validated_write");
	if (is(right, "write_property"))
		return has(rights, "write_property_object");
	if (is(right, "all_extended_rights"))
		return has(rights, "enroll") || has(rights, "autoenroll") ||
		    has(rights, "extended_right");
	return 0;
}

static int
names_principal(const json_t *ace, const char *const *sids, size_t nsids)
{
	const json_t *sid = json_object_get(ace, "sid"), *name = json_object_get(ace, "name");
	const char *s = json_is_string(sid) ? json_string_value(sid) : NULL;
	const char *n = json_is_string(name) ? json_string_value(name) : NULL;
	size_t i;

	for (i = 0; i < nsids; i++) {
		if (sids[i] == NULL)
			continue;
		if (s != NULL && *s != '\0') {
			if (strcasecmp(s, sids[i]) == 0)
				return 1;
		} else if (n != NULL && strcasecmp(n, sids[i]) == 0) {
			return 1;
		}
	}
	return 0;
}

int
ck_acl_effective(const json_t *acl, const char *const *sids, size_t nsids,
    const char *right, const char *object_type, struct ck_acl_answer *ans,
    struct ck_err *err)
{
	const json_t *ace, *best_allow = NULL, *best_deny = NULL;
	int ra = 4, rd = 4, held;
	size_t i;

	if (ans != NULL)
		memset(ans, 0, sizeof(*ans));
	if (!json_is_array(acl))
		return ck_err_set(err, CK_E_PARSE, "\"acl\" is not an array");
	json_array_foreach(acl, i, ace) {
		const json_t *allow = json_object_get(ace, "allow");
		const json_t *rights = json_object_get(ace, "rights");
		int rank;

		if (!json_is_object(ace) || !json_is_boolean(allow) || !json_is_array(rights))
			return ck_err_set(err, CK_E_PARSE, "acl entry %zu needs \"allow\" and "
			    "\"rights\"", i);
		if (!names_principal(ace, sids, nsids) ||
		    !covers(ace, rights, right, object_type, !json_is_true(allow)))
			continue;
		/* Canonical order: explicit deny 0, explicit allow 1, inherited deny 2, allow 3. */
		rank = (json_is_true(json_object_get(ace, "inherited")) ? 2 : 0) +
		    (json_is_true(allow) ? 1 : 0);
		if (json_is_true(allow) && rank < ra) {
			ra = rank;
			best_allow = ace;
		} else if (!json_is_true(allow) && rank < rd) {
			rd = rank;
			best_deny = ace;
		}
	}
	held = best_allow != NULL && ra < rd;
	if (ans != NULL) {
		ans->held = held;
		ans->allow = best_allow;
		ans->deny = held ? NULL : best_deny;
	}
	return held;
}
