/*
 * Unit tests for ck_policy (versions, loading, overrides), ck_revoke names,
 * and ck_chain (hash lists, one candidate from committed fixtures, the
 * maximum CA key size).  Run from the top of the tree (tests/run.sh does).
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

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ck_cert.h"
#include "ck_chain.h"
#include "ck_chain_cli.h"
#include "ck_clock.h"
#include "ck_policy.h"
#include "ck_revoke.h"

#define FIXDIR "tests/fixtures/chain"

struct vcase {
	const char *a, *b;
	int prefix;
	int want;	/* sign of the result, or -2 for malformed */
};

static const struct vcase vcases[] = {
	{ "3.2.1", "3.2.1", 0, 0 },
	{ "3.2.0", "3.2.1", 0, -1 },
	{ "3.2", "3.2.1", 0, -1 },
	{ "4", "3.2.1", 0, 1 },
	{ "15.0.30", "15", 1, 0 },
	{ "15.0.30", "15", 0, 1 },
	{ "16", "15", 1, 1 },
	{ "11", "16", 0, -1 },
	{ "22", "22", 0, 0 },
	{ "10.5", "9.99", 0, 1 },
	{ "x", "1", 0, -2 },
	{ "1..2", "1", 0, -2 },
	{ "1.2a", "1", 0, -2 },
};

static int
sign(int v)
{
	return v < -1 ? -2 : v < 0 ? -1 : v > 0 ? 1 : 0;
}

static void
test_version_cmp(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		int bad = 0, r = ck_version_cmp(vcases[i].a, vcases[i].b, vcases[i].prefix, &bad);

		if (vcases[i].want == -2) {
			assert_int_equal(bad, 1);
		} else {
			assert_int_equal(bad, 0);
			assert_int_equal(sign(r), vcases[i].want);
		}
	}
}

struct pcase {
	const char *version;
	long max_ca_bits, min_bits, max_depth, expect_min_bits;
	int sha1;
	const char *expect_sig_hash;
	size_t n_leaf;
	long leaf0;
};

static const struct pcase pcases[] = {
	{ "3.2.1", 2048, 0, 3, 0, CK_WARNING, "", 2, 1024 },
	{ "5", 2048, 0, 3, 0, CK_WARNING, "", 2, 1024 },
	{ "11", 2048, 0, 3, 0, CK_WARNING, "", 3, 1024 },
	{ "15.0.42", 2048, 0, 3, 0, CK_WARNING, "", 3, 1024 },
	{ "16", 2048, 2048, 3, 0, CK_CRITICAL, "", 2, 2048 },
	{ "21.1", 2048, 2048, 3, 0, CK_CRITICAL, "", 2, 2048 },
	{ "22", 4096, 2048, 3, 3072, CK_CRITICAL, "SHA384", 3, 2048 },
	{ "23.5", 4096, 2048, 3, 3072, CK_CRITICAL, "SHA384", 3, 2048 },
};

static void
test_amt_policy_versions(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		struct ck_policy p;
		struct ck_err err;

		ck_policy_init(&p);
		assert_int_equal(ck_policy_load(&p, "policy/amt.json", pcases[i].version, &err), 0);
		assert_string_equal(p.name, "amt");
		assert_string_equal(p.version, pcases[i].version);
		assert_int_equal(p.max_ca_bits, pcases[i].max_ca_bits);
		assert_int_equal(p.min_bits, pcases[i].min_bits);
		assert_int_equal(p.max_depth, pcases[i].max_depth);
		assert_int_equal(p.n_leaf_key_bits, pcases[i].n_leaf);
		assert_int_equal(p.leaf_key_bits[0], pcases[i].leaf0);
		assert_string_equal(p.family, "amt");
		assert_int_equal(p.expect_min_bits, pcases[i].expect_min_bits);
		assert_int_equal(p.sha1, pcases[i].sha1);
		assert_string_equal(p.expect_sig_hash, pcases[i].expect_sig_hash);
		assert_string_equal(p.ca_key_alg, "rsa");
	}
}

static void
test_amt_policy_refuses(void **state)
{
	struct ck_policy p;
	struct ck_err err;
	const char *bad[] = { "3.1", "3.2.0", "2", "eleven", "", "11.", ".11", "1.2.3.4.5", "16-1" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_policy_init(&p);
		assert_int_equal(ck_policy_load(&p, "policy/amt.json", bad[i], &err), -1);
		assert_int_equal(err.code, CK_E_USAGE);
	}
	/* The default version (5, ConfigMgr 2007's newest) applies when none is given. */
	ck_policy_init(&p);
	assert_int_equal(ck_policy_load(&p, "policy/amt.json", NULL, &err), 0);
	assert_string_equal(p.version, "5");
	assert_int_equal(p.max_ca_bits, 2048);
	/* Names are looked up in the data directory (the tree of this build). */
	ck_policy_init(&p);
	assert_int_equal(ck_policy_load(&p, "amt", "16", &err), 0);
	assert_int_equal(p.min_bits, 2048);
	assert_int_equal(ck_policy_load(&p, "../etc/passwd", NULL, &err), -1);
	assert_int_equal(ck_policy_load(&p, "no-such-policy", NULL, &err), -1);
	assert_int_equal(err.code, CK_E_NOTFOUND);
}

static void
test_policy_apply(void **state)
{
	struct {
		const char *json;
		int ok;
	} cases[] = {
		{ "{\"max_ca_bits\": 4096}", 1 },
		{ "{\"max_ca_bits\": null}", 1 },
		{ "{\"max_ca_bits\": \"big\"}", 0 },
		{ "{\"max_ca_bits\": -1}", 0 },
		{ "{\"no_sha1\": 1}", 0 },
		{ "{\"no_sha1\": true}", 1 },
		{ "{\"ca_key_alg\": \"an algorithm name that is far too long\"}", 0 },
		{ "[]", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_policy p;
		struct ck_err err;
		json_t *j = json_loads(cases[i].json, 0, NULL);

		assert_non_null(j);
		ck_policy_init(&p);
		p.max_ca_bits = 2048;
		assert_int_equal(ck_policy_apply(&p, j, &err) == 0, cases[i].ok);
		json_decref(j);
	}
}

static void
test_rev_names(void **state)
{
	(void)state;
	assert_string_equal(ck_rev_status_name(CK_REV_GOOD), "good");
	assert_string_equal(ck_rev_status_name(CK_REV_REVOKED), "revoked");
	assert_string_equal(ck_rev_status_name(CK_REV_UNKNOWN), "unknown");
	assert_string_equal(ck_rev_status_name(42), "unknown");
}

/* An array of cert records from a PEM file (leaf first). */
static json_t *
records_of(const char *path)
{
	FILE *fp = fopen(path, "r");
	json_t *arr = json_array();
	X509 *x;
	long i = 0;

	assert_non_null(fp);
	while ((x = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL) {
		unsigned char *der = NULL;
		int len = i2d_X509(x, &der);
		struct ck_source src = { "file", path, i++ };
		struct ck_err err;
		json_t *rec = ck_cert_record(der, (size_t)len, &src, 0, &err);

		assert_non_null(rec);
		json_array_append_new(arr, rec);
		OPENSSL_free(der);
		X509_free(x);
	}
	fclose(fp);
	return arr;
}

static struct ck_chain_ctx *
ctx_with(long max_ca_bits, const char *roots)
{
	struct ck_chain_opts o;
	struct ck_chain_ctx *c;
	struct ck_err err;

	ck_chain_opts_init(&o);
	o.fetch = 0;
	assert_int_equal(ck_time_parse("2026-06-01T00:00:00Z", &o.at, &err), 0);
	o.policy.max_ca_bits = max_ca_bits;
	c = ck_chain_ctx_new(&o, &err);
	assert_non_null(c);
	assert_true(ck_chain_add_roots(c, roots, &err) > 0);
	return c;
}

static const char *
first_rule(const json_t *chain)
{
	return json_string_value(json_object_get(json_array_get(json_object_get(chain,
	    "findings"), 0), "rule"));
}

static void
test_check_max_ca_bits(void **state)
{
	struct {
		const char *file;
		long max;
		int status;
		const char *rule;
	} cases[] = {
		{ FIXDIR "/s/ok.pem", 0, 0, NULL },
		{ FIXDIR "/s/ok.pem", 2048, 0, NULL },
		{ FIXDIR "/s/rsa4096-root.pem", 0, 0, NULL },
		{ FIXDIR "/s/rsa4096-root.pem", 2048, 2, "chain.ca_key_too_large" },
		{ FIXDIR "/s/rsa4096-root.pem", 4096, 0, NULL },
		{ FIXDIR "/s/rsa4096-intermediate.pem", 2048, 2, "chain.ca_key_too_large" },
		{ FIXDIR "/s/rsa3072-chain.pem", 3071, 2, "chain.ca_key_too_large" },
		{ FIXDIR "/s/rsa3072-chain.pem", 3072, 0, NULL },
		{ FIXDIR "/s/ec-chain.pem", 256, 0, NULL },
		{ FIXDIR "/s/expired-leaf.pem", 0, 2, "chain.expired" },
		{ FIXDIR "/s/missing-intermediate.pem", 0, 2, "chain.missing_issuer" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_chain_ctx *c = ctx_with(cases[i].max, FIXDIR "/roots-all.pem");
		json_t *certs = records_of(cases[i].file), *chain;
		struct ck_err err;
		int st = -1;

		chain = ck_chain_check(c, certs, &st, &err);
		assert_non_null(chain);
		assert_int_equal(st, cases[i].status);
		if (cases[i].rule != NULL)
			assert_string_equal(first_rule(chain), cases[i].rule);
		else
			assert_int_equal(json_array_size(json_object_get(chain, "findings")), 0);
		json_decref(chain);
		json_decref(certs);
		ck_chain_ctx_free(c);
	}
}

static void
test_check_refuses_garbage(void **state)
{
	struct ck_chain_ctx *c = ctx_with(0, FIXDIR "/roots-main.pem");
	json_t *certs = json_array(), *chain;
	struct ck_err err;
	int st = -1;

	(void)state;
	chain = ck_chain_check(c, certs, &st, &err);
	assert_null(chain);
	assert_int_equal(st, 3);
	json_array_append_new(certs, json_pack("{s:s,s:i,s:s}", "kind", "cert", "v", 1, "pem", "x"));
	chain = ck_chain_check(c, certs, &st, &err);
	assert_null(chain);
	assert_int_equal(err.code, CK_E_PARSE);
	json_decref(certs);
	ck_chain_ctx_free(c);
}

static void
test_hash_lists(void **state)
{
	char path[] = "/tmp/ck-test-hashes-XXXXXX";
	struct {
		const char *text;
		int n;
	} cases[] = {
		{ "# comment\n742C3192E607E424EB4549542BE1BBC53E6174E2\n", 1 },
		{ "74:2C:31:92:E6:07:E4:24:EB:45:49:54:2B:E1:BB:C5:3E:61:74:E2\n\n", 1 },
		{ "{\"hashes\":[{\"name\":\"a\",\"sha1\":\"742c3192e607e424eb4549542be1bbc53e6174e2\","
		  "\"sha256\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}]}", 2 },
		{ "742C31\n", -1 },
		{ "not hex at all\n", -1 },
		{ "{\"hashes\":[{\"sha1\":42}]}", -1 },
		{ "{\"other\":[]}", -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_chain_ctx *c = ctx_with(0, FIXDIR "/roots-main.pem");
		struct ck_err err;
		int fd = mkstemp(path);
		FILE *fp;

		assert_true(fd >= 0);
		fp = fdopen(fd, "w");
		fputs(cases[i].text, fp);
		fclose(fp);
		assert_int_equal(ck_chain_load_hashes(c, path, &err), cases[i].n);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
		ck_chain_ctx_free(c);
	}
	/* The shipped AMT list loads: 8 SHA-1 hashes (Symantec Connect, "VeriSign and GoDaddy Changes to Root Certificates for vPro Provisioning", 2010). */
	{
		struct ck_chain_ctx *c = ctx_with(0, FIXDIR "/roots-main.pem");
		struct ck_err err;

		assert_int_equal(ck_chain_load_hashes(c, "policy/amt-root-hashes.json", &err), 8);
		ck_chain_ctx_free(c);
	}
}

/* Every id of the verify error map is in the registry (ck_ruledef.h). */
static void
test_verr_rules_registered(void **state)
{
	const struct ck_ruleset *sets[] = { ck_chain_ruleset(), NULL };
	int code;

	(void)state;
	for (code = 0; code < 200; code++)
		if (ck_rules_find(sets, ck_chain_verr_rule(code)) == NULL)
			fail_msg("X509_V_ERR %d -> %s: not in ck_chain_ruleset()", code,
			    ck_chain_verr_rule(code));
	assert_null(ck_rules_find(sets, "chain.no_such_rule"));
}

/* The one --amt-version syntax. */
static void
test_version_syntax(void **state)
{
	const char *good[] = { "3.2.1", "11", "16.1", "0", "1.2.3.4", "999999" };
	const char *bad[] = { "", "11.", ".11", "1..2", "1.2.3.4.5", "16-1", "v11", "1234567", " 11" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!ck_version_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ck_version_valid(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
}

/* The contract cert-chain, cert-lint and cert-amt share: version + path -> findings. */
static void
test_policy_check_path(void **state)
{
	static const struct {
		const char *version;
		const char *certs;	/* JSON array of cert records, leaf first, anchored */
		const char *want;	/* "rule/severity ..." in order, "" for none */
	} cases[] = {
		{ "5", "[{\"key\":{\"alg\":\"rsa\",\"bits\":2048},\"sig_alg\":\"sha256WithRSAEncryption\"},"
		    "{\"key\":{\"alg\":\"rsa\",\"bits\":2048},\"sig_alg\":\"sha256WithRSAEncryption\"}]", "" },
		{ "11", "[{\"key\":{\"alg\":\"rsa\",\"bits\":2048},\"sig_alg\":\"sha1WithRSAEncryption\"},"
		    "{\"key\":{\"alg\":\"rsa\",\"bits\":4096},\"sig_alg\":\"sha256WithRSAEncryption\"}]",
		    "amt.sha1_signature/warning amt.ca_key_too_large/critical" },
		{ "16.1", "[{\"key\":{\"alg\":\"rsa\",\"bits\":1024},\"sig_alg\":\"sha1WithRSAEncryption\"},"
		    "{\"key\":{\"alg\":\"ec\",\"bits\":256},\"sig_alg\":\"ecdsa-with-SHA256\"}]",
		    "amt.key_too_small/critical amt.key_size/critical amt.sha1_signature/critical "
		    "amt.ca_key_not_rsa/critical" },
		{ "22", "[{\"key\":{\"alg\":\"rsa\",\"bits\":2048},\"sig_alg\":\"sha256WithRSAEncryption\"},"
		    "{\"key\":{\"alg\":\"rsa\",\"bits\":4096},\"sig_alg\":\"sha384WithRSAEncryption\"},"
		    "{\"key\":{\"alg\":\"rsa\",\"bits\":4096},\"sig_alg\":\"sha256WithRSAEncryption\"}]",
		    "amt.key_size_expected/warning amt.sig_hash_expected/warning" },
		{ "5", "[{\"key\":{\"alg\":\"rsa\",\"bits\":2048}},{\"key\":{\"alg\":\"rsa\",\"bits\":2048}},"
		    "{\"key\":{\"alg\":\"rsa\",\"bits\":2048}},{\"key\":{\"alg\":\"rsa\",\"bits\":2048}}]",
		    "amt.chain_too_long/critical" },
	};
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_policy p;
		struct ck_err err;
		json_t *certs = json_loads(cases[i].certs, 0, NULL), *f = json_array(), *v;
		const json_t *pc[8];
		char got[512] = "";
		size_t off = 0;
		int worst;

		assert_non_null(certs);
		ck_policy_init(&p);
		assert_int_equal(ck_policy_load(&p, "amt", cases[i].version, &err), 0);
		for (k = 0; k < json_array_size(certs); k++)
			pc[k] = json_array_get(certs, k);
		worst = ck_policy_check_path(&p, pc, k, 1, f);
		json_array_foreach(f, k, v)
			off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s/%s", k ? " " : "",
			    json_string_value(json_object_get(v, "rule")),
			    json_string_value(json_object_get(v, "severity")));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("AMT %s: got '%s', want '%s'", cases[i].version, got, cases[i].want);
		assert_int_equal(worst, strstr(got, "critical") ? CK_CRITICAL :
		    strstr(got, "warning") ? CK_WARNING : CK_OK);
		json_decref(certs);
		json_decref(f);
	}
}

/* cert-chain's option parsers and ck_chain_cli_ctx: the checks and the policy overrides. */
static void
test_chain_cli(void **state)
{
	static const struct {
		const char *arg;
		int rc, purpose;
		const char *oid;
	} purposes[] = {
		{ "server", 0, CK_PURPOSE_SERVER, "" }, { "client", 0, CK_PURPOSE_CLIENT, "" },
		{ "any", 0, CK_PURPOSE_ANY, "" }, { "1.3.6.1.5.5.7.3.4", 0, CK_PURPOSE_OID,
		"1.3.6.1.5.5.7.3.4" }, { "1234", -1, 0, "" }, { "sometimes", -1, 0, "" },
		{ "1.2.x", -1, 0, "" }, { "", -1, 0, "" },
	};
	static const char *const algs[] = { "rsa", "ec", "dsa", "ed25519", "ed448" };
	struct ck_chain_cli c;
	struct ck_chain_ctx *ctx;
	struct ck_err err;
	const char *alg = NULL;
	int usage;

	(void)state;
	for (size_t i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++) {
		struct ck_chain_opts o;

		ck_chain_opts_init(&o);
		if (ck_chain_purpose_opt(purposes[i].arg, &o, &err) != purposes[i].rc)
			fail_msg("--purpose '%s': wrong result", purposes[i].arg);
		if (purposes[i].rc == 0) {
			assert_int_equal(o.purpose, purposes[i].purpose);
			if (o.purpose == CK_PURPOSE_OID)
				assert_string_equal(o.purpose_oid, purposes[i].oid);
		} else {
			assert_int_equal(err.code, CK_E_USAGE);
		}
	}
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		assert_int_equal(ck_chain_key_alg_opt(algs[i], &alg, &err), 0);
		assert_string_equal(alg, algs[i]);
	}
	assert_int_equal(ck_chain_key_alg_opt("rot13", &alg, &err), -1);
	assert_string_equal(alg, "ed448");

	/* Usage errors set *usage; the others do not. */
	ck_chain_cli_init(&c);
	c.amt_version = "11";
	assert_null(ck_chain_cli_ctx(&c, &usage, &err));
	assert_int_equal(usage, 1);
	assert_string_equal(err.msg, "--amt-version needs --policy");
	ck_chain_cli_release(&c);
	ck_chain_cli_init(&c);
	c.bind_pwfile = "/nonexistent/pw";
	assert_null(ck_chain_cli_ctx(&c, &usage, &err));
	assert_int_equal(usage, 1);
	c.o.net.bind_dn = "cn=reader";
	assert_null(ck_chain_cli_ctx(&c, &usage, &err));
	assert_int_equal(usage, 0);
	assert_string_equal(err.msg, "'/nonexistent/pw': No such file or directory");
	ck_chain_cli_release(&c);
	ck_chain_cli_init(&c);
	c.at = "yesterday";
	assert_null(ck_chain_cli_ctx(&c, &usage, &err));
	assert_int_equal(usage, 1);
	ck_chain_cli_release(&c);
	ck_chain_cli_init(&c);
	c.policy = "no-such-policy";
	assert_null(ck_chain_cli_ctx(&c, &usage, &err));
	assert_int_equal(usage, 0);
	assert_memory_equal(err.msg, "--policy: ", 10);
	ck_chain_cli_release(&c);

	/* The command line's limits override the policy file's; --crl implies --crl-check. */
	ck_chain_cli_init(&c);
	c.at = "2026-06-01T00:00:00Z";
	c.policy = "amt";
	c.amt_version = "11";
	c.max_ca_bits = 4096;
	c.min_bits = 3072;
	c.max_depth = 3;
	c.no_sha1 = 1;
	c.ca_key_alg = "ec";
	c.timeout = 7;
	assert_int_equal(ck_strv_push(&c.roots, FIXDIR "/roots-main.pem"), 0);
	assert_int_equal(ck_strv_push(&c.crls, "tests/fixtures/rfc5280/crl/indirect.pem"), 0);
	ctx = ck_chain_cli_ctx(&c, &usage, &err);
	if (ctx == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(c.o.policy.max_ca_bits, 4096);
	assert_int_equal(c.o.policy.min_bits, 3072);
	assert_int_equal(c.o.policy.max_depth, 3);
	assert_int_equal(c.o.policy.sha1, CK_CRITICAL);
	assert_string_equal(c.o.policy.ca_key_alg, "ec");
	assert_int_equal(c.o.net.timeout_ms, 7000);
	assert_int_equal(c.o.crl_check, 1);
	assert_int_equal(c.o.at, 1780272000);
	assert_int_equal(c.lo.cert_flags, CK_CERT_NO_PEM);
	ck_chain_ctx_free(ctx);
	ck_chain_cli_release(&c);
	/* Unusable trust material: no context. */
	ck_chain_cli_init(&c);
	assert_int_equal(ck_strv_push(&c.roots, "/nonexistent/roots.pem"), 0);
	assert_null(ck_chain_cli_ctx(&c, &usage, &err));
	assert_int_equal(usage, 0);
	ck_chain_cli_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_amt_policy_versions),
		cmocka_unit_test(test_amt_policy_refuses),
		cmocka_unit_test(test_policy_apply),
		cmocka_unit_test(test_rev_names),
		cmocka_unit_test(test_check_max_ca_bits),
		cmocka_unit_test(test_check_refuses_garbage),
		cmocka_unit_test(test_hash_lists),
		cmocka_unit_test(test_verr_rules_registered),
		cmocka_unit_test(test_version_syntax),
		cmocka_unit_test(test_policy_check_path),
		cmocka_unit_test(test_chain_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
