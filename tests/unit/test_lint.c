/*
 * Unit tests for ck_rules and ck_lint: the rule table is well formed, the
 * shipped profiles load, policy errors are reported, and a table of
 * records judged by single rules gives the expected findings (including
 * the cases that must stay silent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ck_lint.h"
#include "ck_lint_run.h"
#include "ck_rules.h"

static const char *
policy_dir(void)
{
	const char *top = getenv("CK_TOP");
	static char buf[4096];

	if (top == NULL)
		return "policy";
	snprintf(buf, sizeof(buf), "%s/policy", top);
	return buf;
}

static void
test_table_well_formed(void **state)
{
	const struct ck_rule *t;
	size_t n, i, j;

	(void)state;
	t = ck_rules_all(&n);
	assert_true(n >= 40);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].id);
		assert_non_null(strchr(t[i].id, '.'));
		assert_true(ck_severity_level(t[i].severity) >= 0);
		assert_true(t[i].applies_to != 0);
		assert_true(strlen(t[i].ref) > 0);
		assert_true(strlen(t[i].description) > 0);
		assert_non_null(t[i].check);
		assert_ptr_equal(ck_rule_find(t[i].id), &t[i]);
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(t[i].id, t[j].id);
	}
	assert_null(ck_rule_find("rfc5280.nope"));
	assert_null(ck_rule_find(NULL));
}

static void
test_severity_level(void **state)
{
	(void)state;
	assert_int_equal(ck_severity_level("critical"), 2);
	assert_int_equal(ck_severity_level("warning"), 1);
	assert_int_equal(ck_severity_level("notice"), 0);
	assert_int_equal(ck_severity_level("Critical"), -1);
	assert_int_equal(ck_severity_level(NULL), -1);
}

struct eku_case {
	const char *json;
	enum ck_eku e;
	int want;
};

static const struct eku_case eku_cases[] = {
	{ "[\"server_auth\"]", CK_EKU_SERVER_AUTH, 1 },
	{ "[\"1.3.6.1.5.5.7.3.1\"]", CK_EKU_SERVER_AUTH, 1 },
	{ "[\"client_auth\"]", CK_EKU_SERVER_AUTH, 0 },
	{ "[\"2.5.29.37.0\"]", CK_EKU_ANY_PURPOSE, 1 },
	{ "[\"any_purpose\"]", CK_EKU_ANY_PURPOSE, 1 },
	{ "[\"pkinit_client_auth\"]", CK_EKU_PKINIT_CLIENT, 1 },
	{ "[\"smartcard_logon\"]", CK_EKU_SMARTCARD_LOGON, 1 },
	{ "[\"1.3.6.1.4.1.311.20.2.1\"]", CK_EKU_REQUEST_AGENT, 1 },
	{ "[\"amt_provisioning\"]", CK_EKU_AMT_PROVISIONING, 1 },
	{ "[\"2.16.840.1.113741.1.2.3\"]", CK_EKU_AMT_PROVISIONING, 1 },
	{ "[\"2.16.840.1.113741.1.2.30\"]", CK_EKU_AMT_PROVISIONING, 0 },
	{ "[5, null]", CK_EKU_SERVER_AUTH, 0 },
	{ "{\"a\": 1}", CK_EKU_SERVER_AUTH, 0 },
};

static void
test_eku(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(eku_cases) / sizeof(eku_cases[0]); i++) {
		json_t *j = json_loads(eku_cases[i].json, 0, NULL);

		assert_non_null(j);
		if (ck_eku_has(j, eku_cases[i].e) != eku_cases[i].want)
			fail_msg("case %zu: %s", i, eku_cases[i].json);
		json_decref(j);
	}
}

static void
test_profiles_load(void **state)
{
	static const char *const names[] = {
		"rfc5280", "amt-provisioning", "amt-web-server", "amt-8021x", "adcs", "oob-2007",
		"default",
	};
	struct ck_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ck_lint *l = ck_lint_new();

		assert_non_null(l);
		assert_int_equal(ck_lint_add_dir(l, policy_dir(), &err), 0);
		if (ck_lint_add_profile(l, names[i], &err) != 0)
			fail_msg("%s: %s", names[i], err.msg);
		assert_true(ck_lint_count(l) > 0);
		ck_lint_free(l);
	}
}

/* Writes text to a temp file and loads it as a policy; returns the result. */
static int
load_text(struct ck_lint *l, const char *text, struct ck_err *err)
{
	char path[] = "/tmp/test_lint.XXXXXX";
	int fd = mkstemp(path), rv;
	FILE *fp;

	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	rv = ck_lint_add_policy_file(l, path, err);
	unlink(path);
	return rv;
}

struct bad_policy {
	const char *text;
	int code;
	const char *msg;
};

static const struct bad_policy bad_policies[] = {
	{ "{\"rules\": {", CK_E_PARSE, "broken policy file" },
	{ "[1]", CK_E_PARSE, "not a JSON object" },
	{ "{\"rules\": []}", CK_E_PARSE, "\"rules\" must be an object" },
	{ "{\"rules\": {\"x.y\": {}}}", CK_E_PARSE, "unknown rule 'x.y'" },
	{ "{\"rules\": {\"adcs.esc1\": {\"severity\": \"high\"}}}", CK_E_PARSE, "rule 'adcs.esc1'" },
	{ "{\"rules\": {\"adcs.esc1\": 1}}", CK_E_PARSE, "rule 'adcs.esc1'" },
	{ "{\"params\": 3}", CK_E_PARSE, "\"params\" must be an object" },
	{ "{\"amt_versions\": [{\"from\": \"x\"}]}", CK_E_PARSE, "amt_versions[0]" },
	{ "{\"include\": \"adcs\"}", CK_E_PARSE, "\"include\" must be" },
	{ "{\"include\": [\"nope\"]}", CK_E_NOTFOUND, "unknown profile 'nope'" },
	{ "{\"include\": [\"../x\"]}", CK_E_NOTFOUND, "unknown profile '../x'" },
};

static void
test_bad_policies(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_policies) / sizeof(bad_policies[0]); i++) {
		struct ck_lint *l = ck_lint_new();
		struct ck_err err;

		assert_int_equal(ck_lint_add_dir(l, policy_dir(), &err), 0);
		assert_int_equal(load_text(l, bad_policies[i].text, &err), -1);
		if (err.code != bad_policies[i].code || strstr(err.msg, bad_policies[i].msg) == NULL)
			fail_msg("case %zu: code %d msg '%s'", i, err.code, err.msg);
		ck_lint_free(l);
	}
}

/* One record judged by one rule (with params): the expected rule/severity or none. */
struct judge_case {
	const char *rule;
	const char *params;	/* JSON object or NULL */
	const char *record;
	const char *want;	/* expected severity, NULL: silent */
};

#define DU "{\"sid\":\"S-1-5-21-1-2-3-513\",\"name\":\"CORP\\\\Domain Users\",\"allow\":true,\"rights\":[\"enroll\"]}"
#define DA "{\"sid\":\"S-1-5-21-1-2-3-512\",\"name\":\"CORP\\\\Domain Admins\",\"allow\":true,\"rights\":[\"enroll\",\"write_dacl\"]}"
#define SITE "{\"sid\":\"S-1-5-21-1-2-3-1105\",\"name\":\"CORP\\\\SITE$\",\"allow\":true,\"rights\":[\"enroll\"]}"
/* Deny Enroll for Authenticated Users; WriteProperty on msPKI-Certificate-Name-Flag for Domain Users. */
#define AUDENY "{\"sid\":\"S-1-5-11\",\"allow\":false,\"rights\":[\"enroll\"]}"
#define NAMEFLAG_W "{\"sid\":\"S-1-5-21-1-2-3-513\",\"allow\":true,\"rights\":[\"write_property_object\"],\"object_type\":\"ea1dddc4-60ff-416e-8cc0-17cee534bce7\"}"
#define T(x) "{\"kind\":\"template\",\"v\":1,\"name\":\"T\"," x "}"
#define C(x) "{\"kind\":\"cert\",\"v\":1," x "}"
#define CA(x) "{\"kind\":\"ca\",\"v\":1,\"name\":\"CA\"," x "}"
#define SUPPLY "\"name_flag\":{\"raw\":1}"

/* A certificate of a chain's "certs": RSA 2048, SHA-256. */
#define K(id) "{\"id\":\"" id "\",\"key\":{\"alg\":\"rsa\",\"bits\":2048},\"sig_alg\":\"sha256WithRSAEncryption\"}"

static const struct judge_case judge_cases[] = {
	{ "rfc5280.serial_too_long", NULL, C("\"serial\":\"0102030405060708090a0b0c0d0e0f1011121314\""), NULL },
	{ "rfc5280.serial_too_long", NULL, C("\"serial\":\"10102030405060708090a0b0c0d0e0f1011121314\""), "critical" },
	{ "rfc5280.serial_not_positive", NULL, C("\"serial\":\"0\""), "critical" },
	{ "rfc5280.serial_not_positive", NULL, C("\"serial\":\"-1\""), "critical" },
	{ "rfc5280.serial_not_positive", NULL, C("\"serial\":\"01\""), NULL },
	{ "rfc5280.validity_order", NULL, C("\"not_before\":\"2026-01-02T00:00:00Z\",\"not_after\":\"2026-01-01T00:00:00Z\""), "critical" },
	{ "rfc5280.validity_order", NULL, C("\"not_before\":\"2026-01-01T00:00:00Z\",\"not_after\":\"2026-01-01T00:00:00Z\""), NULL },
	{ "rfc5280.weak_key", NULL, C("\"key\":{\"alg\":\"rsa\",\"bits\":2047}"), "critical" },
	{ "rfc5280.weak_key", NULL, C("\"key\":{\"alg\":\"rsa\",\"bits\":2048}"), NULL },
	{ "rfc5280.weak_key", "{\"min_rsa_bits\":3072}", C("\"key\":{\"alg\":\"rsa\",\"bits\":2048}"), "critical" },
	{ "rfc5280.weak_key", NULL, C("\"key\":{\"alg\":\"ec\",\"bits\":256,\"curve\":\"secp256k1\"}"), "warning" },
	{ "rfc5280.weak_key", NULL, C("\"key\":{\"alg\":\"ec\",\"bits\":256,\"curve\":\"P-256\"}"), NULL },
	{ "rfc5280.weak_key", NULL, C("\"key\":{\"alg\":\"dsa\",\"bits\":2048}"), "warning" },
	{ "rfc5280.weak_signature", NULL, C("\"sig_alg\":\"md5WithRSAEncryption\""), "critical" },
	{ "rfc5280.weak_signature", NULL, C("\"sig_alg\":\"ecdsa-with-SHA1\""), "critical" },
	{ "rfc5280.weak_signature", NULL, C("\"sig_alg\":\"sha1WithRSAEncryption\",\"self_signed\":true"), NULL },
	{ "rfc5280.weak_signature", "{\"sha1_self_signed\":false}", C("\"sig_alg\":\"sha1WithRSAEncryption\",\"self_signed\":true"), "critical" },
	{ "rfc5280.weak_signature", NULL, C("\"sig_alg\":\"sha512WithRSAEncryption\""), NULL },
	{ "rfc5280.san_syntax", NULL, C("\"san\":{\"dns\":[\"*.corp.example\"],\"ip\":[\"10.0.0.1\",\"::1\"],\"email\":[\"a@corp.example\"],\"uri\":[\"https://x\"]}"), NULL },
	{ "rfc5280.san_syntax", NULL, C("\"san\":{\"dns\":[\"a.*.example\"]}"), "critical" },
	{ "rfc5280.san_syntax", NULL, C("\"san\":{\"ip\":[\"10.0.0.256\"]}"), "critical" },
	{ "rfc5280.san_syntax", NULL, C("\"san\":{\"email\":[\"nobody\"]}"), "critical" },
	{ "rfc5280.san_syntax", NULL, C("\"san\":{\"uri\":[\"no-scheme\"]}"), "critical" },
	{ "rfc5280.san_syntax", NULL, C("\"san\":{\"dns\":[\"a-.example\"]}"), "critical" },
	/* The AMT policy rules judge with policy/amt.json at amt_version (default 5). */
	{ "amt.key_size", "{\"amt_version\":\"16\"}", C("\"key\":{\"alg\":\"rsa\",\"bits\":1024}"), "critical" },
	{ "amt.key_size", "{\"amt_version\":\"16\"}", C("\"key\":{\"alg\":\"rsa\",\"bits\":4096}"), NULL },
	{ "amt.sha1_signature", "{\"amt_version\":16}", C("\"sig_alg\":\"sha1WithRSAEncryption\""), "critical" },
	{ "amt.sha1_signature", NULL, C("\"sig_alg\":\"sha1WithRSAEncryption\""), "warning" },
	{ "amt.ca_key_too_large", "{\"amt_version\":\"22\"}", C("\"ca\":true,\"key\":{\"alg\":\"rsa\",\"bits\":4096}"), NULL },
	{ "amt.ca_key_too_large", NULL, C("\"ca\":true,\"key\":{\"alg\":\"rsa\",\"bits\":3072}"), "critical" },
	{ "amt.ca_key_too_large", NULL, CA("\"cert\":{\"key\":{\"alg\":\"rsa\",\"bits\":4096}}"), "critical" },
	{ "amt.domain_suffix_mismatch", "{\"domain_suffix\":\"corp.example\"}", C("\"subject\":{\"cn\":\"xcorp.example\"}"), "critical" },
	{ "amt.domain_suffix_mismatch", "{\"domain_suffix\":\"corp.example\"}", C("\"subject\":{\"cn\":\"a.CORP.example\"}"), NULL },
	{ "amt.chain_too_long", NULL, "{\"kind\":\"chain\",\"v\":1,\"path\":[\"a\",\"b\",\"c\",\"d\"],\"anchor\":\"d\","
	    "\"certs\":[" K("a") "," K("b") "," K("c") "," K("d") "]}", "critical" },
	{ "amt.chain_too_long", NULL, "{\"kind\":\"chain\",\"v\":1,\"path\":[\"a\",\"b\",\"d\"],\"anchor\":\"d\","
	    "\"certs\":[" K("a") "," K("b") "," K("d") "]}", NULL },
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"client_auth\"],\"acl\":[" DU "]"), "critical" },
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"client_auth\"],\"acl\":[" DA "]"), NULL },
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"client_auth\"],\"ra_signatures\":1,\"acl\":[" DU "]"), NULL },
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"client_auth\"]"), NULL },
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[],\"application_policies\":[],\"acl\":[" DU "]"), "critical" },
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"server_auth\"],\"acl\":[" DU "]"), NULL },
	{ "adcs.esc17", NULL, T(SUPPLY ",\"eku\":[\"server_auth\"],\"acl\":[" SITE "," DA "]"), "warning" },
	{ "adcs.esc17", NULL, T(SUPPLY ",\"eku\":[\"server_auth\"],\"acl\":[" SITE "," DU "]"), "critical" },
	{ "adcs.esc17", NULL, T(SUPPLY ",\"eku\":[\"server_auth\"],\"acl\":[{\"sid\":\"S-1-1-0\",\"allow\":true,\"rights\":[\"all_extended_rights\"]}]"), "critical" },
	{ "adcs.esc17", NULL, T(SUPPLY ",\"enrollment_flag\":{\"raw\":2},\"eku\":[\"server_auth\"],\"acl\":[" DU "]"), NULL },
	{ "adcs.esc13", NULL, T("\"eku\":[\"client_auth\"],\"issuance_policies\":[{\"oid\":\"1.2.3\",\"group_link\":\"CN=G\"}],\"acl\":[" DU "]"), "critical" },
	/* No oid record read: the group link is unknown, and the finding says so. */
	{ "adcs.esc13", NULL, T("\"eku\":[\"client_auth\"],\"issuance_policies\":[\"1.2.3\"],\"acl\":[" DU "]"), "notice" },
	{ "adcs.esc13", NULL, T("\"eku\":[\"client_auth\"],\"issuance_policies\":[\"1.2.3\"],\"acl\":[" DA "]"), NULL },
	/* Issue 19: unpublished templates are latent (notice), never critical. */
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"client_auth\"],\"published_by\":[],\"acl\":[" DU "]"), "notice" },
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"client_auth\"],\"published_by\":[\"CA\"],\"acl\":[" DU "]"), "critical" },
	{ "adcs.esc1", "{\"include_unpublished\":true}", T(SUPPLY ",\"eku\":[\"client_auth\"],\"published_by\":[],\"acl\":[" DU "]"), "critical" },
	{ "adcs.esc17", NULL, T(SUPPLY ",\"eku\":[\"server_auth\"],\"published_by\":[],\"acl\":[" SITE "," DA "]"), "notice" },
	/* A deny for Authenticated Users takes Enroll from Domain Users too. */
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"client_auth\"],\"acl\":[" AUDENY "," DU "]"), NULL },
	/* Application policy Client Auth beside EKU Server Auth: the application policy counts. */
	{ "adcs.esc1", NULL, T(SUPPLY ",\"eku\":[\"server_auth\"],\"application_policies\":[\"client_auth\"],\"acl\":[" DU "]"), "critical" },
	/* ESC9 honours manager approval and signatures. */
	{ "adcs.esc9", NULL, T("\"enrollment_flag\":{\"raw\":524288},\"eku\":[\"client_auth\"],\"acl\":[" DU "]"), "warning" },
	{ "adcs.esc9", NULL, T("\"enrollment_flag\":{\"raw\":524290},\"eku\":[\"client_auth\"],\"acl\":[" DU "]"), NULL },
	{ "adcs.esc9", NULL, T("\"enrollment_flag\":{\"raw\":524288},\"ra_signatures\":1,\"eku\":[\"client_auth\"],\"acl\":[" DU "]"), NULL },
	/* ESC4: deny ACEs win; single-attribute writes. */
	{ "adcs.esc4", NULL, T("\"acl\":[{\"sid\":\"S-1-5-11\",\"allow\":false,\"rights\":[\"write_dacl\"]},{\"sid\":\"S-1-5-11\",\"allow\":true,\"rights\":[\"write_dacl\"]}]"), NULL },
	{ "adcs.esc4", NULL, T("\"acl\":[{\"sid\":\"S-1-5-11\",\"allow\":false,\"rights\":[\"write_owner\"]},{\"sid\":\"S-1-5-11\",\"allow\":true,\"rights\":[\"write_dacl\"]}]"), "critical" },
	{ "adcs.esc4", NULL, T("\"acl\":[" NAMEFLAG_W "," DU "]"), "critical" },
	{ "adcs.esc4", NULL, T("\"acl\":[" NAMEFLAG_W "]"), "warning" },
	{ "adcs.esc4", NULL, T("\"acl\":[" AUDENY "," NAMEFLAG_W "," DU "]"), "warning" },
	{ "adcs.esc4", NULL, T("\"acl\":[{\"sid\":\"S-1-5-21-1-2-3-513\",\"allow\":true,\"rights\":[\"write_property_object\"],\"object_type\":\"bf967953-0de6-11d0-a285-00aa003049e2\"}," DU "]"), NULL },
	{ "adcs.esc4", NULL, T("\"acl\":[" DA "]"), NULL },
	{ "adcs.esc4", NULL, T("\"acl\":[{\"sid\":\"S-1-5-11\",\"allow\":true,\"rights\":[\"generic_write\"]}]"), "critical" },
	{ "adcs.esc4", NULL, T("\"owner\":\"S-1-5-21-1-2-3-1120\""), "critical" },
	{ "adcs.esc4", NULL, T("\"owner\":\"S-1-5-21-1-2-3-519\""), NULL },
	{ "adcs.esc6", NULL, CA("\"edit_flags\":\"0x40000\""), "critical" },
	{ "adcs.esc6", NULL, CA("\"edit_flags\":262144"), "critical" },
	{ "adcs.esc6", NULL, CA("\"edit_flags\":{\"raw\":1114446}"), NULL },
	{ "adcs.esc11", NULL, CA("\"interface_flags\":{\"raw\":512}"), NULL },
	{ "adcs.esc11", NULL, CA("\"interface_flags\":{\"raw\":1}"), "critical" },
	{ "adcs.esc11", NULL, CA("\"name\":\"X\""), NULL },
	{ "oob.schema_version", "{\"roles\":[\"web_server\"]}", T("\"schema_version\":3,\"eku\":[\"server_auth\"]"), "critical" },
	{ "oob.schema_version", "{\"roles\":[\"8021x\"]}", T("\"schema_version\":3,\"eku\":[\"server_auth\"]"), NULL },
	{ "oob.schema_version", "{\"template_roles\":{\"T\":\"8021x\"},\"roles\":[\"8021x\"]}", T("\"schema_version\":3,\"eku\":[\"server_auth\"]"), "critical" },
	{ "oob.schema_version", NULL, T("\"schema_version\":3,\"eku\":[\"code_signing\"]"), NULL },
	{ "oob.schema_version", NULL, T("\"schema_version\":3,\"flags\":{\"raw\":65536},\"eku\":[\"server_auth\"]"), NULL },
	{ "oob.schema_version", "{\"include_default_templates\":true}", T("\"schema_version\":3,\"flags\":{\"raw\":65536},\"eku\":[\"server_auth\"]"), "critical" },
	{ "oob.amt_oid_missing", NULL, "{\"kind\":\"template\",\"v\":1,\"name\":\"AMTProvisioningCert\",\"eku\":[\"server_auth\"]}", "warning" },
	{ "oob.ca_request_pending", NULL, CA("\"request_disposition\":{\"raw\":1,\"action\":\"issue\"}"), NULL },
	{ "oob.ca_request_pending", NULL, CA("\"request_disposition\":\"0x101\""), "critical" },
	{ "oob.ca_request_pending", NULL, CA("\"request_disposition\":2"), "critical" },
};

static void
test_judge(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(judge_cases) / sizeof(judge_cases[0]); i++) {
		const struct judge_case *c = &judge_cases[i];
		struct ck_lint *l = ck_lint_new();
		struct ck_err err;
		char pol[2048];
		json_t *rec = json_loads(c->record, 0, NULL), *f;
		int worst = 0, n;

		if (rec == NULL)
			fail_msg("case %zu: bad record JSON", i);
		snprintf(pol, sizeof(pol), "{\"amt_policy\": \"amt\", \"params\": %s, "
		    "\"rules\": {\"%s\": {}}}",
		    c->params ? c->params : "{}", c->rule);
		if (load_text(l, pol, &err) != 0)
			fail_msg("case %zu: %s", i, err.msg);
		ck_lint_index(l, rec);
		n = ck_lint_judge(l, rec, &worst);
		f = json_object_get(rec, "findings");
		if (c->want == NULL) {
			if (n != 0)
				fail_msg("case %zu (%s): expected silence, got %s", i, c->rule,
				    json_string_value(json_object_get(json_array_get(f, 0), "message")));
		} else {
			if (n != 1)
				fail_msg("case %zu (%s): expected a finding, got %d", i, c->rule, n);
			assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "rule")), c->rule);
			assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "severity")), c->want);
			assert_int_equal(worst, ck_severity_level(c->want));
		}
		json_decref(rec);
		ck_lint_free(l);
	}
}

static void
test_judge_skips_other_kinds(void **state)
{
	struct ck_lint *l = ck_lint_new();
	struct ck_err err;
	json_t *rec = json_pack("{ss si}", "kind", "approval", "v", 1);
	int worst = 0;

	(void)state;
	assert_int_equal(load_text(l, "{\"rules\": {\"adcs.esc1\": {}}}", &err), 0);
	assert_int_equal(ck_lint_judge(l, rec, &worst), -1);
	assert_null(json_object_get(rec, "findings"));
	json_decref(rec);
	/* A cert record is not judged by a template-only profile either. */
	rec = json_pack("{ss si}", "kind", "cert", "v", 1);
	assert_int_equal(ck_lint_judge(l, rec, &worst), -1);
	json_decref(rec);
	ck_lint_free(l);
}

static void
test_amt_versions(void **state)
{
	static const struct { const char *ver; int bits; int fires; } cases[] = {
		{ "5", 4096, 1 }, { "6", 4096, 0 }, { "16", 1024, 1 }, { "15", 1024, 0 },
		{ "22", 2048, 1 }, { "3.2.1", 2048, 0 }, { "16.1", 4096, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_lint *l = ck_lint_new();
		struct ck_err err;
		char rec_s[256];
		json_t *rec;
		int worst = 0, n;

		assert_int_equal(ck_lint_add_dir(l, policy_dir(), &err), 0);
		ck_lint_set_amt_version(l, cases[i].ver);
		assert_int_equal(ck_lint_add_profile(l, "amt-web-server", &err), 0);
		snprintf(rec_s, sizeof(rec_s), "{\"kind\":\"cert\",\"v\":1,\"key\":{\"alg\":\"rsa\",\"bits\":%d},"
		    "\"eku\":[\"server_auth\"],\"subject\":{\"cn\":\"a.corp.example\"},\"sig_alg\":\"sha256WithRSAEncryption\"}",
		    cases[i].bits);
		rec = json_loads(rec_s, 0, NULL);
		n = ck_lint_judge(l, rec, &worst);
		if ((n > 0) != cases[i].fires)
			fail_msg("AMT %s, %d bits: %d findings", cases[i].ver, cases[i].bits, n);
		json_decref(rec);
		ck_lint_free(l);
	}
}

/* The exit status from the worst finding, --fail-on and the run's own status. */
static void
test_run_status(void **state)
{
	static const struct {
		int status, worst, fail_on_warning, want;
	} cases[] = {
		{ CK_OK, 0, 0, CK_OK }, { CK_OK, 0, 1, CK_OK },
		{ CK_OK, 1, 0, CK_WARNING }, { CK_OK, 1, 1, CK_CRITICAL },
		{ CK_OK, 2, 0, CK_CRITICAL }, { CK_OK, 2, 1, CK_CRITICAL },
		{ CK_UNKNOWN, 0, 0, CK_UNKNOWN }, { CK_UNKNOWN, 1, 0, CK_UNKNOWN },
		{ CK_UNKNOWN, 2, 0, CK_CRITICAL }, { CK_UNKNOWN, 1, 1, CK_CRITICAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_lint_run r = { .status = cases[i].status, .worst = cases[i].worst };

		if (ck_lint_run_status(&r, cases[i].fail_on_warning) != cases[i].want)
			fail_msg("case %zu: status %d", i, ck_lint_run_status(&r, cases[i].fail_on_warning));
	}
}

/* ck_lint_open: the default profile, every rule for --list-rules, a bad name. */
static void
test_lint_open(void **state)
{
	struct ck_strv none = { 0 }, prof = { 0 }, bad = { 0 };
	struct ck_lint *l;
	struct ck_err err;
	int all = -1;

	(void)state;
	unsetenv("CERTKIT_POLICY");
	assert_non_null(l = ck_lint_open(NULL, &none, &none, 1, &all, &err));
	assert_int_equal(all, 1);
	assert_int_equal(ck_lint_count(l), 0);
	ck_lint_free(l);
	assert_non_null(l = ck_lint_open(NULL, &none, &none, 0, &all, &err));
	assert_int_equal(all, 0);
	assert_true(ck_lint_count(l) > 0);	/* the default profile */
	ck_lint_free(l);
	assert_int_equal(ck_strv_push(&prof, "amt-web-server"), 0);
	assert_non_null(l = ck_lint_open("16", &prof, &none, 1, &all, &err));
	assert_int_equal(all, 0);
	assert_true(ck_lint_count(l) > 0);
	ck_lint_free(l);
	assert_int_equal(ck_strv_push(&bad, "no-such-profile"), 0);
	assert_null(ck_lint_open(NULL, &bad, &none, 0, NULL, &err));
	assert_non_null(strstr(err.msg, "no-such-profile"));
	ck_strv_release(&prof);
	ck_strv_release(&bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_well_formed),
		cmocka_unit_test(test_severity_level),
		cmocka_unit_test(test_eku),
		cmocka_unit_test(test_profiles_load),
		cmocka_unit_test(test_bad_policies),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_judge_skips_other_kinds),
		cmocka_unit_test(test_amt_versions),
		cmocka_unit_test(test_run_status),
		cmocka_unit_test(test_lint_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
