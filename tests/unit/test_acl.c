/* Unit tests for ck_acl: effective rights, deny before allow, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ck_acl.h"

#define ME "S-1-5-21-7-8-9-1105"
#define GRP "S-1-5-21-7-8-9-1110"
#define OTHER "S-1-5-21-7-8-9-1200"
#define AU "S-1-5-11"
/* msPKI-Certificate-Name-Flag's schemaIDGUID, as the Samba DC serves it. */
#define NAMEFLAG "ea1dddc4-60ff-416e-8cc0-17cee534bce7"
#define EKU "18976af6-3b9e-11d2-90cc-00c04fd91ab1"

#define A(sid, r) "{\"sid\":\"" sid "\",\"allow\":true,\"rights\":[" r "]}"
#define D(sid, r) "{\"sid\":\"" sid "\",\"allow\":false,\"rights\":[" r "]}"
#define AI(sid, r) "{\"sid\":\"" sid "\",\"allow\":true,\"inherited\":true,\"rights\":[" r "]}"
#define DI(sid, r) "{\"sid\":\"" sid "\",\"allow\":false,\"inherited\":true,\"rights\":[" r "]}"
#define AO(sid, r, ot) "{\"sid\":\"" sid "\",\"allow\":true,\"object_type\":\"" ot "\",\"rights\":[" r "]}"
#define DO(sid, r, ot) "{\"sid\":\"" sid "\",\"allow\":false,\"object_type\":\"" ot "\",\"rights\":[" r "]}"

struct acl_case {
	const char *name;
	const char *acl;
	const char *right;
	const char *object_type;
	int held;
	int allow_idx;		/* index of ans.allow in the acl, -1 for NULL */
	int deny_idx;		/* index of ans.deny, -1 for NULL */
};

static const struct acl_case cases[] = {
	{ "allow through own sid", "[" A(ME, "\"enroll\"") "]", "enroll", NULL, 1, 0, -1 },
	{ "allow through a group", "[" A(GRP, "\"enroll\"") "]", "enroll", NULL, 1, 0, -1 },
	{ "allow through Authenticated Users", "[" A(AU, "\"enroll\"") "]", "enroll", NULL, 1, 0, -1 },
	{ "someone else's allow", "[" A(OTHER, "\"enroll\"") "]", "enroll", NULL, 0, -1, -1 },
	{ "deny wins, deny first", "[" D(AU, "\"write_dacl\"") "," A(AU, "\"write_dacl\"") "]",
	  "write_dacl", NULL, 0, 1, 0 },
	{ "deny wins, deny written last", "[" A(GRP, "\"enroll\"") "," D(ME, "\"enroll\"") "]",
	  "enroll", NULL, 0, 0, 1 },
	{ "a group's deny takes a personal allow away", "[" A(ME, "\"enroll\"") "," D(GRP, "\"enroll\"") "]",
	  "enroll", NULL, 0, 0, 1 },
	{ "a deny of another right does not matter", "[" D(ME, "\"write_owner\"") "," A(ME, "\"write_dacl\"") "]",
	  "write_dacl", NULL, 1, 1, -1 },
	{ "explicit allow beats inherited deny", "[" A(ME, "\"enroll\"") "," DI(GRP, "\"enroll\"") "]",
	  "enroll", NULL, 1, 0, -1 },
	{ "inherited deny beats inherited allow", "[" AI(ME, "\"enroll\"") "," DI(GRP, "\"enroll\"") "]",
	  "enroll", NULL, 0, 0, 1 },
	{ "generic_all implies enroll", "[" A(GRP, "\"generic_all\"") "]", "enroll", NULL, 1, 0, -1 },
	{ "all_extended_rights implies enroll", "[" A(GRP, "\"all_extended_rights\"") "]", "enroll", NULL, 1, 0, -1 },
	{ "deny all_extended_rights takes enroll", "[" D(GRP, "\"all_extended_rights\"") "," A(GRP, "\"generic_all\"") "]",
	  "enroll", NULL, 0, 1, 0 },
	{ "deny of a part takes generic_all away", "[" D(ME, "\"write_dacl\"") "," A(GRP, "\"generic_all\"") "]",
	  "generic_all", NULL, 0, 1, 0 },
	{ "generic_all held", "[" A(GRP, "\"generic_all\"") "]", "generic_all", NULL, 1, 0, -1 },
	{ "write to one attribute", "[" AO(ME, "\"write_property_object\"", NAMEFLAG) "]",
	  "write_property_object", NAMEFLAG, 1, 0, -1 },
	{ "write to another attribute", "[" AO(ME, "\"write_property_object\"", EKU) "]",
	  "write_property_object", NAMEFLAG, 0, -1, -1 },
	{ "write_property covers every attribute", "[" A(ME, "\"write_property\"") "]",
	  "write_property_object", NAMEFLAG, 1, 0, -1 },
	{ "generic_write covers every attribute", "[" A(ME, "\"generic_write\"") "]",
	  "write_property_object", NAMEFLAG, 1, 0, -1 },
	{ "a deny on the attribute beats write_property",
	  "[" DO(AU, "\"write_property_object\"", NAMEFLAG) "," A(ME, "\"write_property\"") "]",
	  "write_property_object", NAMEFLAG, 0, 1, 0 },
	{ "a deny on one attribute takes write_property away",
	  "[" DO(AU, "\"write_property_object\"", NAMEFLAG) "," A(ME, "\"write_property\"") "]",
	  "write_property", NULL, 0, 1, 0 },
	{ "a name-only ACE matches by name",
	  "[{\"name\":\"CORP\\\\bob\",\"allow\":true,\"rights\":[\"enroll\"]}]", "enroll", NULL, 1, 0, -1 },
	{ "empty acl", "[]", "enroll", NULL, 0, -1, -1 },
};

static void
test_effective(void **state)
{
	const char *sids[] = { ME, GRP, "S-1-1-0", AU, "CORP\\bob" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct acl_case *c = &cases[i];
		struct ck_acl_answer ans;
		struct ck_err err;
		json_error_t je;
		json_t *acl = json_loads(c->acl, 0, &je);
		int rv;

		if (acl == NULL)
			fail_msg("%s: bad JSON: %s", c->name, je.text);
		rv = ck_acl_effective(acl, sids, 5, c->right, c->object_type, &ans, &err);
		if (rv != c->held || ans.held != c->held)
			fail_msg("%s: held %d, want %d", c->name, rv, c->held);
		if (ans.allow != (c->allow_idx < 0 ? NULL : json_array_get(acl, (size_t)c->allow_idx)))
			fail_msg("%s: wrong allow ACE", c->name);
		if (ans.deny != (c->deny_idx < 0 ? NULL : json_array_get(acl, (size_t)c->deny_idx)))
			fail_msg("%s: wrong deny ACE", c->name);
		json_decref(acl);
	}
}

static void
test_malformed(void **state)
{
	static const char *const bad[] = {
		"{}", "[1]", "[{\"sid\":\"" ME "\",\"rights\":[\"enroll\"]}]",
		"[{\"sid\":\"" ME "\",\"allow\":true,\"rights\":\"enroll\"}]",
	};
	const char *sids[] = { ME };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ck_err err;
		struct ck_acl_answer ans;
		json_t *acl = json_loads(bad[i], 0, NULL);

		assert_non_null(acl);
		assert_int_equal(ck_acl_effective(acl, sids, 1, "enroll", NULL, &ans, &err), -1);
		assert_int_equal(err.code, CK_E_PARSE);
		assert_int_equal(ans.held, 0);
		json_decref(acl);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
