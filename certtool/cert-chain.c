/*
 * cert-chain: build and validate certification paths, with a maximum CA
 * key size (AMT), SHA-1 ban, path length and root hash policies, AIA
 * fetching, CRL and OCSP.  The work is in ck_chain; ck_chain_run reads
 * records and FILE arguments, groups them into candidate chains, runs the
 * checks on worker threads and prints the results in input order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck_cert.h"
#include "ck_chain.h"
#include "ck_chain_run.h"
#include "ck_clock.h"
#include "ck_err.h"
#include "ck_load.h"
#include "ck_net.h"
#include "ck_opt.h"
#include "ck_policy.h"
#include "ck_tool.h"

static struct {
	struct ck_chain_ctx *ctx;
	struct ck_load_opts lo;
	int format;
	long jobs;
} g;

/* stdout's buffer (glibc ignores setvbuf's size without one). */
static char outbuf[1 << 16];

/* --purpose server|client|any|OID */
static int
parse_purpose(const char *arg, void *target, struct ck_err *err)
{
	struct ck_chain_opts *o = target;

	if (strcmp(arg, "server") == 0)
		o->purpose = CK_PURPOSE_SERVER;
	else if (strcmp(arg, "client") == 0)
		o->purpose = CK_PURPOSE_CLIENT;
	else if (strcmp(arg, "any") == 0)
		o->purpose = CK_PURPOSE_ANY;
	else if (strspn(arg, "0123456789.") == strlen(arg) && strchr(arg, '.') != NULL &&
	    strlen(arg) < sizeof(o->purpose_oid)) {
		o->purpose = CK_PURPOSE_OID;
		snprintf(o->purpose_oid, sizeof(o->purpose_oid), "%s", arg);
	} else {
		return ck_err_set(err, CK_E_USAGE, "'%s': not a purpose", arg);
	}
	return 0;
}

/* --ca-key-alg ALG */
static int
parse_caalg(const char *arg, void *target, struct ck_err *err)
{
	if (strcmp(arg, "rsa") != 0 && strcmp(arg, "ec") != 0 && strcmp(arg, "dsa") != 0 &&
	    strcmp(arg, "ed25519") != 0 && strcmp(arg, "ed448") != 0)
		return ck_err_set(err, CK_E_USAGE, "'%s': not a key algorithm", arg);
	*(const char **)target = arg;
	return 0;
}

static struct ck_chain_opts o;
static struct ck_strv roots, untrusted, crls;
static int list_rules;
static struct ck_strv user_policies;
static const char *hashes, *format, *at, *policy, *amtver, *caalg, *bind_pwfile;
static long maxca = -1, minbits = -1, maxdepth = -1, timeout = 10;
static int sysroots, nosha1;

static const struct ck_opt opts[] = {
	{ .name = "roots", .arg = "FILE|DIR", .desc = "trust anchors (repeatable)",
	    .type = CK_OPT_LIST, .target = &roots, .complete = CK_COMPLETE_FILE },
	{ .name = "system-roots", .desc = "also trust the system's roots",
	    .type = CK_OPT_FLAG, .target = &sysroots },
	{ .name = "untrusted", .arg = "FILE", .desc = "extra intermediates (repeatable)",
	    .type = CK_OPT_LIST, .target = &untrusted, .complete = CK_COMPLETE_FILE },
	{ .name = "amt-hashes", .arg = "FILE", .desc = "AMT firmware root hashes",
	    .type = CK_OPT_STR, .target = &hashes, .complete = CK_COMPLETE_FILE },
	{ .name = "purpose", .arg = "server|client|any|OID", .desc = "the leaf's purpose",
	    .type = CK_OPT_PARSE, .target = &o, .parse = parse_purpose,
	    .complete = "server client any" },
	{ .name = "host", .arg = "NAME", .desc = "the name the leaf must match",
	    .type = CK_OPT_STR, .target = &o.host },
	{ .name = "at", .arg = "TIME", .desc = "validate at TIME instead of now",
	    .type = CK_OPT_STR, .target = &at },
	{ .name = "policy", .arg = "NAME", .desc = "a policy file or name (amt)",
	    .type = CK_OPT_STR, .target = &policy, .complete = CK_COMPLETE_PROFILE },
	{ .name = "amt-version", .arg = "V", .desc = "the AMT firmware version (with --policy)",
	    .type = CK_OPT_PARSE, .target = &amtver, .parse = ck_version_opt },
	{ .name = "max-ca-bits", .arg = "N", .desc = "largest CA key size",
	    .type = CK_OPT_LONG, .target = &maxca, .min = 1, .max = 1000000 },
	{ .name = "min-bits", .arg = "N", .desc = "smallest key size",
	    .type = CK_OPT_LONG, .target = &minbits, .min = 1, .max = 1000000 },
	{ .name = "max-depth", .arg = "N", .desc = "longest path",
	    .type = CK_OPT_LONG, .target = &maxdepth, .min = 1, .max = 1000000 },
	{ .name = "no-sha1", .desc = "SHA-1 signatures are critical",
	    .type = CK_OPT_FLAG, .target = &nosha1 },
	{ .name = "ca-key-alg", .arg = "ALG", .desc = "the CA key algorithm required",
	    .type = CK_OPT_PARSE, .target = &caalg, .parse = parse_caalg,
	    .complete = "rsa ec dsa ed25519 ed448" },
	{ .name = "no-fetch", .desc = "fetch nothing: no missing issuers (AIA), no CDP CRLs",
	    .type = CK_OPT_SET, .target = &o.fetch, .value = 0 },
	{ .name = "crl-check", .desc = "check CRLs", .type = CK_OPT_SET,
	    .target = &o.crl_check, .value = 1 },
	{ .name = "crl", .arg = "FILE|DIR", .desc = "local CRLs (repeatable; implies --crl-check)",
	    .type = CK_OPT_LIST, .target = &crls, .complete = CK_COMPLETE_FILE,
	    .synopsis = "[--crl FILE|DIR ...]" },
	{ .name = "ocsp", .desc = "ask OCSP responders", .type = CK_OPT_SET,
	    .target = &o.ocsp, .value = 1 },
	{ .name = "require-revocation", .desc = "unknown revocation status is critical",
	    .type = CK_OPT_SET, .target = &o.require_revocation, .value = 1 },
	{ .name = "timeout", .arg = "SECONDS", .desc = "network timeout (default 10)",
	    .type = CK_OPT_LONG, .target = &timeout, .min = 1, .max = 3600 },
	{ .name = "bind-dn", .arg = "DN", .desc = "LDAP bind DN (with --bind-password-file)",
	    .type = CK_OPT_STR, .target = &o.net.bind_dn,
	    .synopsis = "[--bind-dn DN --bind-password-file F]" },
	{ .name = "bind-password-file", .arg = "F", .desc = "LDAP bind password",
	    .type = CK_OPT_STR, .target = &bind_pwfile, .complete = CK_COMPLETE_FILE,
	    .synopsis = "" },
	{ .name = "jobs", .arg = "N",
	    .desc = "worker threads (default: the CPUs) and URLs fetched at once (default 256)",
	    .type = CK_OPT_LONG, .target = &g.jobs, .min = 1, .max = CK_NET_CONCURRENCY_MAX },
	{ .name = "user-policy", .arg = "OID", .desc = "acceptable certificate policy (repeatable; "
	    "default anyPolicy)", .type = CK_OPT_LIST, .target = &user_policies,
	    .synopsis = "[--user-policy OID ...]" },
	{ .name = "explicit-policy", .desc = "a valid policy is required (RFC 5280 6.1.1 e)",
	    .type = CK_OPT_FLAG, .target = &o.explicit_policy },
	{ .name = "inhibit-policy-mapping", .desc = "policy mapping is not allowed",
	    .type = CK_OPT_FLAG, .target = &o.inhibit_policy_mapping },
	{ .name = "inhibit-any-policy", .desc = "anyPolicy in certificates does not match",
	    .type = CK_OPT_FLAG, .target = &o.inhibit_any_policy },
	{ .name = "list-rules", .desc = "list every finding id this tool emits, and exit",
	    .type = CK_OPT_FLAG, .target = &list_rules },
	{ .name = "format", .arg = "json|text", .desc = "output format",
	    .type = CK_OPT_STR, .target = &format, .complete = "json text" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-chain", .opts = opts,
	.operands = "[FILE ...]" };

/* --roots, --untrusted, --crl, --system-roots, --amt-hashes into g.ctx; -1 said on stderr. */
static int
load_trust(void)
{
	struct ck_chain_trust t = { .roots = roots.v, .nroots = roots.n, .untrusted = untrusted.v,
		.nuntrusted = untrusted.n, .crls = crls.v, .ncrls = crls.n,
		.system_roots = sysroots, .hashes = hashes };
	struct ck_err err;

	if (ck_chain_add_trust(g.ctx, &t, &err) != 0) {
		ck_warnx("%s", err.msg);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct ck_clock clk;
	struct ck_err err;
	struct ck_chain_run *run;
	char *bind_pw = NULL;
	int first, rc, status;

	ck_tool_init("cert-chain");
	ck_chain_opts_init(&o);
	ck_err_clear(&err);
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if ((g.format = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (list_rules) {
		/* The registry (ck_ruledef.h): what ck_chain and ck_policy emit. */
		const struct ck_ruleset *sets[] = { ck_chain_ruleset(), ck_policy_ruleset("chain"),
			ck_policy_ruleset("amt"), NULL };

		if (ck_rules_list(stdout, sets, g.format == CK_FMT_TEXT) != 0)
			return CK_UNKNOWN;
		return ck_close_stdout() ? CK_UNKNOWN : CK_OK;
	}
	/* Chain records are kilobytes: a 4 KiB stdio buffer means one write() per record. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (amtver != NULL && policy == NULL) {
		ck_err_set(&err, CK_E_USAGE, "--amt-version needs --policy");
		return ck_opt_usage_error(&tool, NULL, err.msg);
	}
	if ((o.net.bind_dn != NULL) != (bind_pwfile != NULL)) {
		ck_err_set(&err, CK_E_USAGE, "--bind-dn and --bind-password-file go together");
		return ck_opt_usage_error(&tool, NULL, err.msg);
	}
	if (ck_clock_init(&clk, at, &err) != 0)
		return ck_opt_usage_error(&tool, NULL, err.msg);
	o.at = ck_clock_now(&clk);
	if (policy != NULL && ck_policy_load(&o.policy, policy, amtver, &err) != 0) {
		ck_warnx("--policy: %s", err.msg);
		return CK_UNKNOWN;
	}
	/* Command line options override the policy file. */
	if (maxca > 0)
		o.policy.max_ca_bits = maxca;
	if (minbits > 0)
		o.policy.min_bits = minbits;
	if (maxdepth > 0)
		o.policy.max_depth = maxdepth;
	if (nosha1)
		o.policy.sha1 = CK_CRITICAL;
	if (caalg != NULL)
		snprintf(o.policy.ca_key_alg, sizeof(o.policy.ca_key_alg), "%s", caalg);
	o.net.timeout_ms = timeout * 1000;

	if (bind_pwfile != NULL) {
		if ((bind_pw = ck_secret_from_file(bind_pwfile, &err)) == NULL) {
			ck_warnx("'%s': %s", bind_pwfile, err.msg);
			return CK_UNKNOWN;
		}
		o.net.bind_password = bind_pw;
	}
	ck_chain_fast_keys();
	o.user_policies = user_policies.v;
	o.n_user_policies = user_policies.n;
	if (crls.n > 0)
		o.crl_check = 1;
	if ((g.ctx = ck_chain_ctx_new(&o, &err)) == NULL) {
		ck_warnx("%s", err.msg);
		ck_secret_free(bind_pw);
		return CK_UNKNOWN;
	}
	/* Unusable trust material is a configuration error: nothing can be judged. */
	if (load_trust() != 0) {
		ck_chain_ctx_free(g.ctx);
		ck_secret_free(bind_pw);
		return CK_UNKNOWN;
	}
	ck_load_opts_init(&g.lo);
	g.lo.fetch = o.net;
	/* The DER comes with each record (ck_load_source_der); chain records carry no pem. */
	g.lo.cert_flags = CK_CERT_NO_PEM;
	if ((run = ck_chain_run_new(g.ctx, &g.lo, g.format, g.jobs)) == NULL) {
		ck_warnx("out of memory");
		status = CK_UNKNOWN;
		goto out;
	}
	if (first == argc)
		ck_chain_run_stream(run, stdin, "stdin");
	for (; first < argc; first++)
		if (strcmp(argv[first], "-") == 0)
			ck_chain_run_stream(run, stdin, "stdin");
		else
			ck_chain_run_file(run, argv[first]);
	status = ck_chain_run_end(run);
out:
	ck_chain_ctx_free(g.ctx);
	ck_secret_free(bind_pw);
	ck_strv_release(&roots);
	ck_strv_release(&untrusted);
	ck_strv_release(&crls);
	return ck_close_stdout() != 0 ? ck_status_worse(status, CK_UNKNOWN) : status;
}
