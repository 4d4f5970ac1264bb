/* Unit tests for ck_approve: the CA's decision, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ck_approve.h"
#include "ck_record.h"

#define D "S-1-5-21-7-8-9"
#define ME D "-1105"
#define GRP D "-1110"

static const char principal_json[] =
    "{\"kind\":\"principal\",\"v\":1,\"name\":\"CORP\\\\SITESRV01$\",\"sid\":\"" ME "\","
    "\"groups\":[{\"sid\":\"" GRP "\",\"name\":\"CORP\\\\AMT Site Servers\"},"
    "{\"sid\":\"" D "-515\",\"name\":\"CORP\\\\Domain Computers\"}]}";

struct judge_case {
	const char *name;
	const char *tmpl;	/* JSON of the template record */
	const char *ca;		/* JSON of the ca record */
	int bare_sid;		/* requester given as a SID without principal */
	const char *verdict;
	const char *rules;	/* the reasons' rules, in order, comma-joined */
	int status;
};

#define T(extra) "{\"kind\":\"template\",\"v\":1,\"name\":\"T\"," extra "}"
#define ALLOW(sid, r) "{\"sid\":\"" sid "\",\"allow\":true,\"rights\":[\"" r "\"]}"
#define DENY(sid, r) "{\"sid\":\"" sid "\",\"allow\":false,\"rights\":[\"" r "\"]}"
#define CA_PUB "{\"kind\":\"ca\",\"v\":1,\"name\":\"C\",\"templates\":[\"t\"],\"request_disposition\":{\"raw\":1}}"
#define CA_DISP(d) "{\"kind\":\"ca\",\"v\":1,\"name\":\"C\",\"templates\":[\"T\"],\"request_disposition\":" d "}"

static const struct judge_case cases[] = {
	{ "issue through a group", T("\"acl\":[" ALLOW(GRP, "enroll") "]"), CA_PUB, 0,
	  "issue", "approve.enroll_granted", CK_OK },
	{ "issue through own SID", T("\"acl\":[" ALLOW(ME, "enroll") "]"), CA_PUB, 0,
	  "issue", "approve.enroll_granted", CK_OK },
	{ "Everyone", T("\"acl\":[" ALLOW("S-1-1-0", "enroll") "]"), CA_PUB, 0,
	  "issue", "approve.enroll_granted", CK_OK },
	{ "generic_all counts", T("\"acl\":[" ALLOW("S-1-5-11", "generic_all") "]"), CA_PUB, 0,
	  "issue", "approve.enroll_granted", CK_OK },
	{ "autoenroll alone does not", T("\"acl\":[" ALLOW(GRP, "autoenroll") "]"), CA_PUB, 0,
	  "not_enrollable", "approve.no_enroll_right", CK_CRITICAL },
	{ "someone else's right", T("\"acl\":[" ALLOW(D "-512", "enroll") "]"), CA_PUB, 0,
	  "not_enrollable", "approve.no_enroll_right", CK_CRITICAL },
	{ "deny on a group wins over allow", T("\"acl\":[" ALLOW(ME, "enroll") "," DENY(GRP, "enroll") "]"),
	  CA_PUB, 0, "not_enrollable", "approve.denied_by_ace", CK_CRITICAL },
	{ "deny all_extended_rights on Everyone", T("\"acl\":[" DENY("S-1-1-0", "all_extended_rights") ","
	  ALLOW(GRP, "enroll") "]"), CA_PUB, 0, "not_enrollable", "approve.denied_by_ace", CK_CRITICAL },
	{ "deny autoenroll only: still enrollable", T("\"acl\":[" DENY(GRP, "autoenroll") ","
	  ALLOW(GRP, "enroll") "]"), CA_PUB, 0, "issue", "approve.enroll_granted", CK_OK },
	{ "deny for another SID does not matter", T("\"acl\":[" DENY(D "-999", "enroll") ","
	  ALLOW(GRP, "enroll") "]"), CA_PUB, 0, "issue", "approve.enroll_granted", CK_OK },
	{ "not published", T("\"acl\":[" ALLOW(GRP, "enroll") "]"),
	  "{\"kind\":\"ca\",\"v\":1,\"name\":\"C\",\"templates\":[\"Other\"],\"request_disposition\":1}", 0,
	  "deny", "approve.not_published,approve.enroll_granted", CK_CRITICAL },
	{ "not published and no enroll: deny first", T("\"acl\":[]"),
	  "{\"kind\":\"ca\",\"v\":1,\"name\":\"C\",\"templates\":[],\"request_disposition\":1}", 0,
	  "deny", "approve.not_published,approve.no_enroll_right", CK_CRITICAL },
	{ "published_by when the CA has no list", T("\"published_by\":[\"c\"],\"acl\":[" ALLOW(GRP, "enroll") "]"),
	  "{\"kind\":\"ca\",\"v\":1,\"name\":\"C\",\"request_disposition\":1}", 0,
	  "issue", "approve.enroll_granted", CK_OK },
	{ "publication unknown", T("\"acl\":[" ALLOW(GRP, "enroll") "]"),
	  "{\"kind\":\"ca\",\"v\":1,\"name\":\"C\",\"request_disposition\":1}", 0,
	  "issue", "approve.publication_unknown,approve.enroll_granted", CK_WARNING },
	{ "PEND_ALL_REQUESTS raw", T("\"enrollment_flag\":{\"raw\":34,\"names\":[]},\"acl\":[" ALLOW(GRP, "enroll") "]"),
	  CA_PUB, 0, "pending", "approve.enroll_granted,approve.pend_all_requests", CK_CRITICAL },
	{ "PEND_ALL_REQUESTS bit clear", T("\"enrollment_flag\":{\"raw\":32,\"names\":[\"AUTO_ENROLLMENT\"]},"
	  "\"acl\":[" ALLOW(GRP, "enroll") "]"), CA_PUB, 0, "issue", "approve.enroll_granted", CK_OK },
	{ "RA signatures", T("\"ra_signatures\":2,\"acl\":[" ALLOW(GRP, "enroll") "]"), CA_PUB, 0,
	  "pending", "approve.enroll_granted,approve.ra_signatures", CK_CRITICAL },
	{ "pending first", T("\"acl\":[" ALLOW(GRP, "enroll") "]"), CA_DISP("{\"raw\":257}"), 0,
	  "pending", "approve.enroll_granted,approve.ca_pending_first", CK_CRITICAL },
	{ "pending first over deny byte", T("\"acl\":[" ALLOW(GRP, "enroll") "]"), CA_DISP("258"), 0,
	  "pending", "approve.enroll_granted,approve.ca_pending_first", CK_CRITICAL },
	{ "disposition pending 0x0", T("\"acl\":[" ALLOW(GRP, "enroll") "]"), CA_DISP("0"), 0,
	  "pending", "approve.enroll_granted,approve.ca_disposition", CK_CRITICAL },
	{ "disposition deny 0x2", T("\"ra_signatures\":1,\"acl\":[" ALLOW(GRP, "enroll") "]"), CA_DISP("\"0x2\""), 0,
	  "deny", "approve.enroll_granted,approve.ca_disposition,approve.ra_signatures", CK_CRITICAL },
	{ "disposition unknown", T("\"acl\":[" ALLOW(GRP, "enroll") "]"),
	  "{\"kind\":\"ca\",\"v\":1,\"name\":\"C\",\"templates\":[\"T\"]}", 0,
	  "issue", "approve.enroll_granted,approve.disposition_unknown", CK_WARNING },
	{ "everything at once", T("\"enrollment_flag\":{\"raw\":2},\"ra_signatures\":1,\"acl\":[" DENY(GRP, "enroll") "]"),
	  "{\"kind\":\"ca\",\"v\":1,\"name\":\"C\",\"templates\":[],\"request_disposition\":257}", 0,
	  "deny", "approve.not_published,approve.denied_by_ace,approve.no_enroll_right,"
	  "approve.ca_pending_first,approve.pend_all_requests,approve.ra_signatures", CK_CRITICAL },
	{ "bare SID: group grant does not count", T("\"acl\":[" ALLOW(GRP, "enroll") "]"), CA_PUB, 1,
	  "not_enrollable", "approve.requester_groups_unknown,approve.no_enroll_right", CK_CRITICAL },
	{ "bare SID: Authenticated Users counts", T("\"acl\":[" ALLOW("S-1-5-11", "enroll") "]"), CA_PUB, 1,
	  "issue", "approve.requester_groups_unknown,approve.enroll_granted", CK_WARNING },
	{ "no acl: warning", T("\"ra_signatures\":0"), CA_PUB, 0,
	  "issue", "approve.acl_unknown", CK_WARNING },
};

static char *
joined_rules(const json_t *a)
{
	const json_t *r;
	size_t i, off = 0;
	static char buf[1024];

	buf[0] = '\0';
	json_array_foreach(json_object_get(a, "reasons"), i, r)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? "," : "",
		    json_string_value(json_object_get(r, "rule")));
	return buf;
}

static void
test_judge(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct judge_case *c = &cases[i];
		json_error_t je;
		json_t *t = json_loads(c->tmpl, 0, &je), *ca = json_loads(c->ca, 0, &je);
		json_t *p = json_loads(principal_json, 0, &je), *a;
		struct ck_requester rq;
		struct ck_err err = { 0 };

		if (t == NULL || ca == NULL || p == NULL)
			fail_msg("%s: bad test JSON: %s", c->name, je.text);
		if (c->bare_sid)
			assert_int_equal(ck_requester_from_sid(&rq, ME, &err), 0);
		else
			assert_int_equal(ck_requester_from_principal(&rq, p, &err), 0);
		a = ck_approve_judge(t, ca, &rq, &err);
		if (a == NULL)
			fail_msg("%s: judge failed: %s", c->name, err.msg);
		if (strcmp(json_string_value(json_object_get(a, "verdict")), c->verdict) != 0)
			fail_msg("%s: verdict %s, expected %s", c->name,
			    json_string_value(json_object_get(a, "verdict")), c->verdict);
		if (strcmp(joined_rules(a), c->rules) != 0)
			fail_msg("%s: rules '%s', expected '%s'", c->name, joined_rules(a), c->rules);
		if (ck_approval_status(a) != c->status)
			fail_msg("%s: status %d, expected %d", c->name, ck_approval_status(a), c->status);
		assert_string_equal(json_string_value(json_object_get(a, "kind")), "approval");
		assert_string_equal(json_string_value(json_object_get(a, "template")), "T");
		assert_string_equal(json_string_value(json_object_get(a, "ca")), "C");
		ck_requester_release(&rq);
		json_decref(a);
		json_decref(t);
		json_decref(ca);
		json_decref(p);
	}
}

static void
test_malformed(void **state)
{
	static const char *const tmpls[] = {
		T("\"ra_signatures\":\"one\",\"acl\":[]"),
		T("\"ra_signatures\":-1,\"acl\":[]"),
		T("\"acl\":{}"),
		T("\"acl\":[{\"sid\":\"S-1-1-0\",\"rights\":[\"enroll\"]}]"),
		T("\"enrollment_flag\":{\"raw\":\"x\"},\"acl\":[]"),
		"{\"kind\":\"template\",\"v\":1,\"acl\":[]}",
	};
	json_t *ca = json_loads(CA_PUB, 0, NULL), *bad_ca = json_loads(CA_DISP("\"pending\""), 0, NULL);
	json_t *good = json_loads(T("\"acl\":[]"), 0, NULL);
	struct ck_requester rq;
	struct ck_err err = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(ck_requester_from_sid(&rq, ME, &err), 0);
	for (i = 0; i < sizeof(tmpls) / sizeof(tmpls[0]); i++) {
		json_t *t = json_loads(tmpls[i], 0, NULL);

		assert_non_null(t);
		if (ck_approve_judge(t, ca, &rq, &err) != NULL)
			fail_msg("malformed template %zu judged", i);
		assert_int_equal(err.code, CK_E_PARSE);
		json_decref(t);
	}
	assert_null(ck_approve_judge(good, bad_ca, &rq, &err));
	ck_requester_release(&rq);
	json_decref(ca);
	json_decref(bad_ca);
	json_decref(good);
}

static void
test_principal_match(void **state)
{
	static const struct { const char *q; int m; } t[] = {
		{ "CORP\\SITESRV01$", 3 }, { "corp\\sitesrv01$", 3 }, { ME, 3 }, { "s-1-5-21-7-8-9-1105", 3 },
		{ "SITESRV01$", 2 }, { "sitesrv01", 1 }, { "CORP\\SITESRV01", 1 },
		{ "OTHER\\SITESRV01$", 0 }, { "SITESRV0", 0 }, { "SITESRV01$$", 0 }, { "", 0 },
		{ D "-1106", 0 }, { "\\", 0 },
	};
	json_t *p = json_loads(principal_json, 0, NULL);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (ck_approve_principal_match(p, t[i].q) != t[i].m)
			fail_msg("'%s': %d, expected %d", t[i].q, ck_approve_principal_match(p, t[i].q), t[i].m);
	json_decref(p);
}

static void
test_requester(void **state)
{
	json_t *p = json_loads(principal_json, 0, NULL);
	json_t *nogroups = json_loads("{\"kind\":\"principal\",\"name\":\"X\"}", 0, NULL);
	json_t *badgroup = json_loads("{\"kind\":\"principal\",\"name\":\"X\",\"groups\":[{}]}", 0, NULL);
	struct ck_requester rq;
	struct ck_err err = { 0 };

	(void)state;
	assert_int_equal(ck_requester_from_principal(&rq, p, &err), 0);
	assert_int_equal(rq.nsids, 5);	/* own, 2 groups, Everyone, Authenticated Users */
	assert_int_equal(rq.groups_known, 1);
	ck_requester_release(&rq);
	assert_int_equal(ck_requester_from_principal(&rq, nogroups, &err), 0);
	assert_int_equal(rq.nsids, 2);
	ck_requester_release(&rq);
	assert_int_equal(ck_requester_from_principal(&rq, badgroup, &err), -1);
	assert_int_equal(ck_requester_from_sid(&rq, "CORP\\X", &err), -1);
	assert_int_equal(ck_requester_from_sid(&rq, ME, &err), 0);
	assert_int_equal(rq.nsids, 3);
	assert_int_equal(rq.groups_known, 0);
	ck_requester_release(&rq);
	json_decref(p);
	json_decref(nogroups);
	json_decref(badgroup);
}

static void
test_text(void **state)
{
	json_t *a = json_loads("{\"kind\":\"approval\",\"v\":1,\"template\":\"T\",\"ca\":\"C\","
	    "\"requester\":\"R\",\"verdict\":\"pending\",\"reasons\":[{\"rule\":\"approve.ra_signatures\","
	    "\"severity\":\"critical\",\"message\":\"m\"}]}", 0, NULL);
	char *s = ck_approval_text(a);

	(void)state;
	assert_string_equal(s, "pending        T @ C (requester R): approve.ra_signatures [critical]: m");
	free(s);
	json_decref(a);
}

/* ck_requester_find: the best match, a SID without a record, ambiguity, nothing. */
static void
test_requester_find(void **state)
{
	json_t *p[3];
	struct ck_requester rq;
	struct ck_err err;

	(void)state;
	p[0] = json_pack("{s:s, s:s, s:s, s:[]}", "kind", "principal", "name", "CORP\\WKS01$",
	    "sid", "S-1-5-21-1-2-3-1101", "groups");
	p[1] = json_pack("{s:s, s:s, s:s, s:[]}", "kind", "principal", "name", "LAB\\WKS01$",
	    "sid", "S-1-5-21-9-9-9-1101", "groups");
	p[2] = json_pack("{s:s, s:s, s:s, s:[]}", "kind", "principal", "name", "CORP\\SRV$",
	    "sid", "S-1-5-21-1-2-3-1200", "groups");
	memset(&rq, 0, sizeof(rq));
	assert_int_equal(ck_requester_find(&rq, p, 3, "CORP\\WKS01$", &err), 0);
	assert_string_equal(rq.sid, "S-1-5-21-1-2-3-1101");
	ck_requester_release(&rq);
	/* Two domains, the same account name: not guessed. */
	memset(&rq, 0, sizeof(rq));
	assert_int_equal(ck_requester_find(&rq, p, 3, "WKS01$", &err), -1);
	assert_int_equal(err.code, CK_E_USAGE);
	assert_int_equal(ck_requester_find(&rq, p, 3, "S-1-5-21-7-7-7-500", &err), 0);
	assert_string_equal(rq.sid, "S-1-5-21-7-7-7-500");
	assert_int_equal(rq.groups_known, 0);
	ck_requester_release(&rq);
	memset(&rq, 0, sizeof(rq));
	assert_int_equal(ck_requester_find(&rq, p, 3, "CORP\\NOBODY$", &err), -1);
	assert_int_equal(err.code, CK_E_NOTFOUND);
	json_decref(p[0]);
	json_decref(p[1]);
	json_decref(p[2]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_principal_match),
		cmocka_unit_test(test_requester),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_requester_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
