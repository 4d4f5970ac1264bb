/*
 * cert-chain: build and validate certification paths, with a maximum CA
 * key size (AMT), SHA-1 ban, path length and root hash policies, AIA
 * fetching, CRL and OCSP.  The work is in ck_chain; ck_chain_cli turns the
 * options into a context, ck_chain_run reads records and FILE arguments,
 * groups them into candidate chains, runs the checks on worker threads and
 * prints the results in input order.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ck_chain.h"
#include "ck_chain_cli.h"
#include "ck_chain_run.h"
#include "ck_err.h"
#include "ck_ldap_cli.h"
#include "ck_net.h"
#include "ck_opt.h"
#include "ck_policy.h"
#include "ck_tool.h"

/* stdout's buffer (glibc ignores setvbuf's size without one). */
static char outbuf[1 << 16];

static struct ck_chain_cli cc;
static const char *format;
static long jobs;		/* 0: ck_chain_run_new's defaults */
static int list_rules;

static const struct ck_opt opts[] = {
	{ .name = "roots", .arg = "FILE|DIR", .desc = "trust anchors (repeatable)",
	    .type = CK_OPT_LIST, .target = &cc.roots, .complete = CK_COMPLETE_FILE },
	{ .name = "system-roots", .desc = "also trust the system's roots",
	    .type = CK_OPT_FLAG, .target = &cc.system_roots },
	{ .name = "untrusted", .arg = "FILE", .desc = "extra intermediates (repeatable)",
	    .type = CK_OPT_LIST, .target = &cc.untrusted, .complete = CK_COMPLETE_FILE },
	{ .name = "amt-hashes", .arg = "FILE", .desc = "AMT firmware root hashes",
	    .type = CK_OPT_STR, .target = &cc.hashes, .complete = CK_COMPLETE_FILE },
	{ .name = "purpose", .arg = "server|client|any|OID", .desc = "the leaf's purpose",
	    .type = CK_OPT_PARSE, .target = &cc.o, .parse = ck_chain_purpose_opt,
	    .complete = "server client any" },
	{ .name = "host", .arg = "NAME", .desc = "the name the leaf must match",
	    .type = CK_OPT_STR, .target = &cc.o.host },
	{ .name = "at", .arg = "TIME", .desc = "validate at TIME instead of now",
	    .type = CK_OPT_STR, .target = &cc.at },
	{ .name = "policy", .arg = "NAME", .desc = "a policy file or name (amt)",
	    .type = CK_OPT_STR, .target = &cc.policy, .complete = CK_COMPLETE_PROFILE },
	{ .name = "amt-version", .arg = "V", .desc = "the AMT firmware version (with --policy)",
	    .type = CK_OPT_PARSE, .target = &cc.amt_version, .parse = ck_version_opt },
	{ .name = "max-ca-bits", .arg = "N", .desc = "largest CA key size",
	    .type = CK_OPT_LONG, .target = &cc.max_ca_bits, .min = 1, .max = 1000000 },
	{ .name = "min-bits", .arg = "N", .desc = "smallest key size",
	    .type = CK_OPT_LONG, .target = &cc.min_bits, .min = 1, .max = 1000000 },
	{ .name = "max-depth", .arg = "N", .desc = "longest path",
	    .type = CK_OPT_LONG, .target = &cc.max_depth, .min = 1, .max = 1000000 },
	{ .name = "no-sha1", .desc = "SHA-1 signatures are critical",
	    .type = CK_OPT_FLAG, .target = &cc.no_sha1 },
	{ .name = "ca-key-alg", .arg = "ALG", .desc = "the CA key algorithm required",
	    .type = CK_OPT_PARSE, .target = &cc.ca_key_alg, .parse = ck_chain_key_alg_opt,
	    .complete = "rsa ec dsa ed25519 ed448" },
	{ .name = "no-fetch", .desc = "fetch nothing: no missing issuers (AIA), no CDP CRLs",
	    .type = CK_OPT_SET, .target = &cc.o.fetch, .value = 0 },
	{ .name = "crl-check", .desc = "check CRLs", .type = CK_OPT_SET,
	    .target = &cc.o.crl_check, .value = 1 },
	{ .name = "crl", .arg = "FILE|DIR", .desc = "local CRLs (repeatable; implies --crl-check)",
	    .type = CK_OPT_LIST, .target = &cc.crls, .complete = CK_COMPLETE_FILE,
	    .synopsis = "[--crl FILE|DIR ...]" },
	{ .name = "ocsp", .desc = "ask OCSP responders", .type = CK_OPT_SET,
	    .target = &cc.o.ocsp, .value = 1 },
	{ .name = "require-revocation", .desc = "unknown revocation status is critical",
	    .type = CK_OPT_SET, .target = &cc.o.require_revocation, .value = 1 },
	{ .name = "timeout", .arg = "SECONDS", .desc = "network timeout (default 10)",
	    .type = CK_OPT_LONG, .target = &cc.timeout, .min = 1, .max = 3600 },
	CK_LDAP_BIND_OPTS(cc.o.net.bind_dn, cc.bind_pwfile),
	{ .name = "jobs", .arg = "N",
	    .desc = "worker threads (default: the CPUs) and URLs fetched at once (default "
		CK_NET_CONCURRENCY_DEFAULT_STR ")",
	    .type = CK_OPT_LONG, .target = &jobs, .min = 1, .max = CK_NET_CONCURRENCY_MAX },
	{ .name = "user-policy", .arg = "OID", .desc = "acceptable certificate policy (repeatable; "
	    "default anyPolicy)", .type = CK_OPT_LIST, .target = &cc.user_policies,
	    .synopsis = "[--user-policy OID ...]" },
	{ .name = "explicit-policy", .desc = "a valid policy is required (RFC 5280 6.1.1 e)",
	    .type = CK_OPT_FLAG, .target = &cc.o.explicit_policy },
	{ .name = "inhibit-policy-mapping", .desc = "policy mapping is not allowed",
	    .type = CK_OPT_FLAG, .target = &cc.o.inhibit_policy_mapping },
	{ .name = "inhibit-any-policy", .desc = "anyPolicy in certificates does not match",
	    .type = CK_OPT_FLAG, .target = &cc.o.inhibit_any_policy },
	{ .name = "list-rules", .desc = "list every finding id this tool emits, and exit",
	    .type = CK_OPT_FLAG, .target = &list_rules },
	CK_OPT_FORMAT(format),
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-chain", .opts = opts,
	.operands = "[FILE ...]" };

int
main(int argc, char **argv)
{
	struct ck_chain_ctx *ctx;
	struct ck_chain_run *run;
	struct ck_err err;
	int first, fmt, rc, usage, status = CK_UNKNOWN;

	ck_tool_init("cert-chain");
	ck_chain_cli_init(&cc);
	ck_err_clear(&err);
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if ((fmt = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	if (list_rules) {
		/* The registry (ck_ruledef.h): what ck_chain and ck_policy emit. */
		const struct ck_ruleset *sets[] = { ck_chain_ruleset(), ck_policy_ruleset("chain"),
			ck_policy_ruleset("amt"), NULL };

		return ck_rules_list_stdout(sets, fmt);
	}
	/* Chain records are kilobytes: a 4 KiB stdio buffer means one write() per record. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if ((ctx = ck_chain_cli_ctx(&cc, &usage, &err)) == NULL) {
		if (usage)
			return ck_opt_usage_error(&tool, NULL, err.msg);
		ck_warnx("%s", err.msg);
		ck_chain_cli_release(&cc);
		return CK_UNKNOWN;
	}
	if ((run = ck_chain_run_new(ctx, &cc.lo, fmt, jobs)) == NULL) {
		ck_warnx("out of memory");
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
	ck_chain_ctx_free(ctx);
	ck_chain_cli_release(&cc);
	return ck_close_stdout() != 0 ? ck_status_worse(status, CK_UNKNOWN) : status;
}
