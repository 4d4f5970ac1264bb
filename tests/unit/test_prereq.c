/*
 * Unit tests of the out of band site modules: the namespace rule
 * (ck_forest: TechNet cc161785's computer1.northwindtraders.com case, child
 * domains, workgroup names), the WS-Management Identify reader (ck_winrm: the
 * documented answers, and hostile documents that must be refused without any
 * entity expansion), Full Control on the container (ck_container, deny
 * first, this object and all child objects), and the check ids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ck_container.h"
#include "ck_forest.h"
#include "ck_prereq.h"
#include "ck_winrm.h"

static void
forest(struct ck_forest *f)
{
	struct ck_err err;

	memset(f, 0, sizeof(*f));
	assert_int_equal(ck_forest_add(f, "contoso.com", "DC=contoso,DC=com", &err), 0);
	assert_int_equal(ck_forest_add(f, "sales.contoso.com", "DC=sales,DC=contoso,DC=com", &err), 0);
	assert_int_equal(ck_forest_add(f, "northwindtraders.com.", "DC=northwindtraders,DC=com",
	    &err), 0);
	assert_int_equal(ck_forest_add(f, "NorthwindTraders.com", NULL, &err), 0);	/* duplicate */
	assert_int_equal(f->n, 3);
}

static void
test_namespace(void **state)
{
	static const struct {
		const char *sp, *host;
		enum ck_ns_verdict v;
		const char *says;
	} cases[] = {
		{ "oobsp.contoso.com", "pc1.contoso.com", CK_NS_OK, "in the service point's tree contoso.com" },
		{ "oobsp.contoso.com", "pc1.sales.contoso.com", CK_NS_OK, "domain sales.contoso.com" },
		{ "oobsp.sales.contoso.com", "pc2.contoso.com", CK_NS_OK, "tree contoso.com" },
		{ "oobsp.contoso.com", "PC1.Contoso.COM.", CK_NS_OK, "contoso.com" },
		{ "oobsp.contoso.com", "computer1.northwindtraders.com", CK_NS_NONCONTIGUOUS,
		  "noncontiguous namespace" },
		{ "oobsp.contoso.com", "pc1.fabrikam.com", CK_NS_FOREIGN, "lies in no domain" },
		{ "oobsp.contoso.com", "evilcontoso.com", CK_NS_FOREIGN, "lies in no domain" },
		{ "oobsp.contoso.com", "WKS01", CK_NS_WORKGROUP, "workgroup computer" },
		{ "oobsp.contoso.com", "WKS01.", CK_NS_WORKGROUP, "workgroup computer" },
		{ "oobsp.contoso.com", "bad name.contoso.com", CK_NS_BAD_NAME, "not a host name" },
		{ "oobsp.contoso.com", "", CK_NS_BAD_NAME, "not a host name" },
		{ "oobsp.fabrikam.com", "pc1.contoso.com", CK_NS_FOREIGN, "service point" },
	};
	struct ck_forest f;
	char msg[512];
	size_t i;

	(void)state;
	forest(&f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ck_ns_verdict v = ck_forest_judge(&f, cases[i].sp, cases[i].host, msg, sizeof(msg));

		if (v != cases[i].v || strstr(msg, cases[i].says) == NULL)
			fail_msg("case %zu (%s): verdict %d, '%s'", i, cases[i].host, (int)v, msg);
	}
	assert_string_equal(ck_forest_tree_of(&f, ck_forest_find(&f, "sales.contoso.com"))->dns,
	    "contoso.com");
	ck_forest_release(&f);
}

#define NS "xmlns:wsmid=\"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd\""
#define ANSWER(v) "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" " NS \
	"><s:Header/><s:Body><wsmid:IdentifyResponse><wsmid:ProtocolVersion>" \
	"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd</wsmid:ProtocolVersion>" \
	"<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>" \
	"<wsmid:ProductVersion>" v "</wsmid:ProductVersion></wsmid:IdentifyResponse>" \
	"</s:Body></s:Envelope>"

static void
test_winrm_parse(void **state)
{
	static const struct {
		const char *xml;
		int rv, has_os, os_major, os_minor, sp_major;
		const char *err;
	} cases[] = {
		{ ANSWER("OS: 5.2.3790 SP: 2.0 Stack: 1.1"), 0, 1, 5, 2, 2, NULL },
		{ ANSWER("OS: 5.2.3790 SP: 1.0 Stack: 1.1"), 0, 1, 5, 2, 1, NULL },
		{ ANSWER("OS: 0.0.0 SP: 0.0 Stack: 2.0"), 0, 0, 0, 0, 0, NULL },
		{ ANSWER("OS: 6.3.9600 SP: 0.0 Stack: 3.0"), 0, 1, 6, 3, 0, NULL },
		{ "<?xml version=\"1.0\"?><!-- c --><wsmid:IdentifyResponse " NS "><wsmid:ProductVendor>"
		  "A &amp; B</wsmid:ProductVendor></wsmid:IdentifyResponse>", 0, 0, 0, 0, 0, NULL },
		{ "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><wsmid:IdentifyResponse " NS "/>", -1, 0, 0, 0, 0,
		  "no entity expansion" },
		{ "<wsmid:IdentifyResponse " NS "><wsmid:ProductVendor>&a;</wsmid:ProductVendor>"
		  "</wsmid:IdentifyResponse>", -1, 0, 0, 0, 0, "entity reference '&a;' refused" },
		{ "<wsmid:IdentifyResponse " NS " x=\"&ext;\"/>", -1, 0, 0, 0, 0, "refused" },
		{ "<a><b></a></b>", -1, 0, 0, 0, 0, "mismatched end tag" },
		{ "<wsmid:IdentifyResponse " NS "><wsmid:ProductVendor>M", -1, 0, 0, 0, 0,
		  "document ends inside" },
		{ "<wsmid:IdentifyResponse " NS "><x", -1, 0, 0, 0, 0, "unterminated tag" },
		{ "<r></r>", -1, 0, 0, 0, 0, "no IdentifyResponse" },
		{ "plain text", -1, 0, 0, 0, 0, "no IdentifyResponse" },
		{ "", -1, 0, 0, 0, 0, "no IdentifyResponse" },
	};
	struct ck_winrm_identity id;
	struct ck_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rv = ck_winrm_parse(cases[i].xml, strlen(cases[i].xml), &id, &err);

		if (rv != cases[i].rv || (rv < 0 && strstr(err.msg, cases[i].err) == NULL))
			fail_msg("case %zu: rv %d, '%s'", i, rv, rv < 0 ? err.msg : "");
		if (rv == 0 && (id.has_os != cases[i].has_os || id.os_major != cases[i].os_major ||
		    id.os_minor != cases[i].os_minor || id.sp_major != cases[i].sp_major))
			fail_msg("case %zu: OS %d.%d SP %d has_os %d", i, id.os_major, id.os_minor,
			    id.sp_major, id.has_os);
	}
	assert_int_equal(ck_winrm_parse(ANSWER("x"), strlen(ANSWER("x")), &id, &err), 0);
	assert_string_equal(id.product_vendor, "Microsoft Corporation");
}

static void
test_winrm_limits(void **state)
{
	size_t n = CK_WINRM_MAX_BYTES + 1, i;
	char *big = malloc(n), *deep;
	struct ck_winrm_identity id;
	struct ck_err err;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	assert_int_equal(ck_winrm_parse(big, n, &id, &err), -1);
	assert_int_equal(err.code, CK_E_LIMIT);
	free(big);
	deep = malloc(40 * 3 + 1);
	assert_non_null(deep);
	for (i = 0; i < 40; i++)
		memcpy(deep + 3 * i, "<a>", 3);
	assert_int_equal(ck_winrm_parse(deep, 120, &id, &err), -1);
	assert_non_null(strstr(err.msg, "nested deeper"));
	free(deep);
	assert_int_equal(ck_winrm_parse("<a>\0</a>", 8, &id, &err), -1);
}

/* An SD with the given ACEs (type, flags, mask, SID index into sids[]). */
struct ace_spec {
	unsigned type, flags;
	uint32_t mask;
	int who;
};

static const char *const sids[] = {
	"S-1-5-21-1-2-3-1105",	/* the site server */
	"S-1-5-21-1-2-3-1200",	/* a group it is in */
	"S-1-5-21-1-2-3-1300",	/* someone else */
};

static enum ck_fc_verdict
judge(const struct ace_spec *a, size_t n, char *msg, size_t size)
{
	struct ck_requester rq;
	struct ck_sd sd;
	struct ck_err err;
	json_t *p = json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "name", "CORP\\SITESRV01$", "sid", sids[0],
	    "groups", "sid", sids[1], "name", "CORP\\OOB Admins");
	enum ck_fc_verdict v;
	size_t i;

	memset(&sd, 0, sizeof(sd));
	sd.nace = n;
	sd.aces = calloc(n ? n : 1, sizeof(*sd.aces));
	for (i = 0; i < n; i++) {
		sd.aces[i].type = a[i].type;
		sd.aces[i].flags = a[i].flags;
		sd.aces[i].mask = a[i].mask;
		sd.aces[i].has_sid = 1;
		snprintf(sd.aces[i].sid, sizeof(sd.aces[i].sid), "%s", sids[a[i].who]);
	}
	assert_int_equal(ck_requester_from_principal(&rq, p, &err), 0);
	v = ck_container_full_control(&sd, &rq, msg, size);
	ck_requester_release(&rq);
	ck_sd_release(&sd);
	json_decref(p);
	return v;
}

static void
test_full_control(void **state)
{
	static const struct ace_spec ga_ci[] = { { CK_ACE_ALLOWED, CK_ACE_CONTAINER_INHERIT, CK_GENERIC_ALL, 0 } };
	static const struct ace_spec full_ci_group[] = { { CK_ACE_ALLOWED, CK_ACE_CONTAINER_INHERIT, 0xF01FF, 1 } };
	/* As Samba and Windows store it: an effective ACE and an inherit-only one. */
	static const struct ace_spec split[] = {
		{ CK_ACE_ALLOWED, 0, 0xF01FF, 0 },
		{ CK_ACE_ALLOWED, CK_ACE_CONTAINER_INHERIT | CK_ACE_INHERIT_ONLY, CK_GENERIC_ALL, 0 } };
	static const struct ace_spec object_only[] = { { CK_ACE_ALLOWED, 0, CK_GENERIC_ALL, 0 } };
	static const struct ace_spec no_propagate[] = {
		{ CK_ACE_ALLOWED, CK_ACE_CONTAINER_INHERIT | CK_ACE_NO_PROPAGATE, CK_GENERIC_ALL, 0 } };
	static const struct ace_spec denied[] = {
		{ CK_ACE_DENIED, CK_ACE_CONTAINER_INHERIT, CK_DS_WRITE_PROP, 1 },
		{ CK_ACE_ALLOWED, CK_ACE_CONTAINER_INHERIT, CK_GENERIC_ALL, 0 } };
	static const struct ace_spec partial[] = { { CK_ACE_ALLOWED, CK_ACE_CONTAINER_INHERIT, 0x20014, 0 } };
	static const struct ace_spec other[] = { { CK_ACE_ALLOWED, CK_ACE_CONTAINER_INHERIT, CK_GENERIC_ALL, 2 } };
	static const struct {
		const struct ace_spec *a;
		size_t n;
		enum ck_fc_verdict v;
		const char *says;
	} cases[] = {
		{ ga_ci, 1, CK_FC_GRANTED, "Full Control on this object and all child objects" },
		{ full_ci_group, 1, CK_FC_GRANTED, "CORP\\OOB Admins" },
		{ split, 2, CK_FC_GRANTED, "all child objects" },
		{ object_only, 1, CK_FC_OBJECT_ONLY, "on this object only" },
		{ no_propagate, 1, CK_FC_OBJECT_ONLY, "on this object only" },
		{ denied, 2, CK_FC_DENIED, "through its group membership" },
		{ partial, 1, CK_FC_PARTIAL, "not Full Control" },
		{ other, 1, CK_FC_NONE, "no ACE grants" },
		{ NULL, 0, CK_FC_NONE, "no ACE grants" },
	};
	char msg[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum ck_fc_verdict v = judge(cases[i].a, cases[i].n, msg, sizeof(msg));

		if (v != cases[i].v || strstr(msg, cases[i].says) == NULL)
			fail_msg("case %zu: verdict %d, '%s'", i, (int)v, msg);
	}
}

static void
test_ids(void **state)
{
	unsigned long mask;
	struct ck_err err;
	struct ck_prereq p;
	size_t n;

	(void)state;
	assert_int_equal(ck_prereq_parse_ids("oob.templates, ports", &mask, &err), 0);
	assert_int_equal(mask, (1ul << CK_PR_TEMPLATES) | (1ul << CK_PR_PORTS));
	assert_int_equal(ck_prereq_parse_ids("templates,nope", &mask, &err), -1);
	assert_non_null(strstr(err.msg, "'nope'"));
	assert_int_equal(ck_prereq_rows(&n)[CK_PR_AD_CONTAINER].checkable, 1);
	assert_int_equal(n, CK_PR_NROWS);
	assert_int_equal(ck_prereq_ruleset()->n, CK_PR_NROWS);
	assert_int_equal(ck_prereq_init(&p, &err), 0);
	assert_int_equal(ck_prereq_parse_ports(&p, "16992,16993", &err), 0);
	assert_int_equal(p.n_amt_ports, 2);
	assert_int_equal(ck_prereq_parse_ports(&p, "16992,", &err), 0);
	assert_int_equal(ck_prereq_parse_ports(&p, "70000", &err), -1);
	assert_int_equal(ck_prereq_parse_ports(&p, "", &err), -1);
	ck_prereq_release(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_namespace),
		cmocka_unit_test(test_winrm_parse),
		cmocka_unit_test(test_winrm_limits),
		cmocka_unit_test(test_full_control),
		cmocka_unit_test(test_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
