/*
 * cert-issue: a local CA with a durable ledger, and enrollment with a
 * remote CA over the CFSSL API.  See man/cert-issue.1.  The commands are
 * ck_caops_run (over ck_caops, the ledger rules, and ck_enroll); this file
 * is the command line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ck_caops_run.h"
#include "ck_opt.h"
#include "ck_tool.h"

static struct ck_caops_args a;

enum { INIT = 1 << 0, SIGN = 1 << 1, LIST = 1 << 2, SHOW = 1 << 3, APPROVE = 1 << 4,
	DENY = 1 << 5, REVOKE = 1 << 6, CRL = 1 << 7, ENROLL = 1 << 8,
	LEDGER = INIT | SIGN | LIST | SHOW | APPROVE | DENY | REVOKE | CRL };

static const struct ck_cmd cmds[] = {
	{ .name = "init", .desc = "set up a CA in DIR (a root, or under --parent)" },
	{ .name = "sign", .desc = "issue certificates for requests (or queue them)" },
	{ .name = "list", .desc = "the ledger's requests" },
	{ .name = "show", .operands = "ID|SERIAL", .desc = "one request and its certificate" },
	{ .name = "approve", .operands = "ID", .desc = "issue a pending request" },
	{ .name = "deny", .operands = "ID", .desc = "deny a pending request" },
	{ .name = "revoke", .operands = "SERIAL", .desc = "revoke a certificate" },
	{ .name = "crl", .desc = "write a new CRL (PEM)" },
	{ .name = "enroll", .desc = "have a remote CA (CFSSL API) sign a request" },
	{ .name = NULL }
};

static const char *fmt;

static const struct ck_opt opts[] = {
	{ .name = "dir", .arg = "DIR", .desc = "the CA directory", .type = CK_OPT_STR,
	    .target = &a.dir, .cmds = LEDGER, .required = LEDGER,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "subject", .arg = "DN", .desc = "subject DN (init; sign: override)",
	    .type = CK_OPT_STR, .target = &a.subject, .cmds = INIT | SIGN, .required = INIT },
	{ .name = "template", .arg = "FILE|NAME", .desc = "certificate template",
	    .type = CK_OPT_STR, .target = &a.tmpl, .cmds = SIGN, .required = SIGN },
	{ .name = "csr", .arg = "FILE", .desc = "a request (PEM or DER; sign: repeatable)",
	    .type = CK_OPT_LIST, .target = &a.csrs, .cmds = SIGN, .required = SIGN,
	    .synopsis = "--csr FILE ...", .complete = CK_COMPLETE_FILE },
	{ .name = "url", .arg = "URL", .desc = "the remote CA (CFSSL API)", .type = CK_OPT_STR,
	    .target = &a.url, .cmds = ENROLL, .required = ENROLL },
	{ .name = "csr", .arg = "FILE", .type = CK_OPT_LIST, .target = &a.csrs,
	    .cmds = ENROLL, .required = ENROLL, .complete = CK_COMPLETE_FILE },
	{ .name = "key-type", .arg = "rsa|ec", .desc = "the new CA key", .type = CK_OPT_STR,
	    .target = &a.key_type, .cmds = INIT, .complete = "rsa ec" },
	{ .name = "bits", .arg = "N", .desc = "RSA key size", .type = CK_OPT_LONG,
	    .target = &a.bits, .min = 256, .max = 16384, .cmds = INIT },
	{ .name = "days", .arg = "N", .desc = "validity (crl: until the next update)",
	    .type = CK_OPT_LONG, .target = &a.days, .min = 1, .max = 36500,
	    .cmds = INIT | SIGN | CRL },
	{ .name = "not-before", .arg = "TIME", .desc = "start of validity",
	    .type = CK_OPT_PARSE, .target = &a.not_before, .parse = ck_caops_opt_time,
	    .cmds = INIT | SIGN },
	{ .name = "not-after", .arg = "TIME", .desc = "end of validity",
	    .type = CK_OPT_PARSE, .target = &a.not_after, .parse = ck_caops_opt_time,
	    .cmds = INIT | SIGN },
	{ .name = "path-len", .arg = "N", .desc = "pathLenConstraint of the new CA",
	    .type = CK_OPT_LONG, .target = &a.path_len, .min = 0, .max = 255, .cmds = INIT },
	{ .name = "parent", .arg = "DIR", .desc = "the issuing CA of a subordinate",
	    .type = CK_OPT_STR, .target = &a.parent, .cmds = INIT,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "parent-password-file", .arg = "F", .desc = "the parent's key password",
	    .type = CK_OPT_STR, .target = &a.parent_pw_file, .cmds = INIT,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "policy", .arg = "amt", .desc = "refuse what AMT cannot use",
	    .type = CK_OPT_STR, .target = &a.policy, .cmds = INIT, .complete = "amt" },
	{ .name = "key-password-file", .arg = "F", .desc = "the CA key's password",
	    .type = CK_OPT_STR, .target = &a.pw_file, .cmds = INIT | SIGN | APPROVE | CRL,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "aia-url", .arg = "URL", .desc = "caIssuers URL in issued certificates",
	    .type = CK_OPT_STR, .target = &a.aia, .cmds = INIT },
	{ .name = "crl-url", .arg = "URL", .desc = "CRL distribution point",
	    .type = CK_OPT_STR, .target = &a.crl, .cmds = INIT },
	{ .name = "ocsp-url", .arg = "URL", .desc = "OCSP responder URL",
	    .type = CK_OPT_STR, .target = &a.ocsp, .cmds = INIT },
	{ .name = "requester", .arg = "NAME", .desc = "who asked (kept in the ledger)",
	    .type = CK_OPT_STR, .target = &a.requester, .cmds = SIGN },
	{ .name = "san", .arg = "NAMES", .desc = "subject alternative names (override)",
	    .type = CK_OPT_STR, .target = &a.san, .cmds = SIGN },
	{ .name = "templates", .arg = "DIR", .desc = "where template NAMEs are found",
	    .type = CK_OPT_STR, .target = &a.templates, .cmds = SIGN,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "status", .arg = "issued|pending|revoked|denied", .desc = "only these",
	    .type = CK_OPT_PARSE, .target = &a.status, .parse = ck_caops_opt_status, .cmds = LIST,
	    .complete = "issued pending revoked denied" },
	{ .name = "reason", .arg = "NAME", .desc = "CRL reason (e.g. key_compromise)",
	    .type = CK_OPT_STR, .target = &a.reason, .cmds = REVOKE,
	    .complete = "unspecified key_compromise ca_compromise affiliation_changed "
	    "superseded cessation_of_operation certificate_hold privilege_withdrawn "
	    "aa_compromise" },
	{ .name = "profile", .arg = "P", .desc = "the remote CA's profile",
	    .type = CK_OPT_STR, .target = &a.profile, .cmds = ENROLL },
	{ .name = "label", .arg = "L", .desc = "the remote CA's signer label",
	    .type = CK_OPT_STR, .target = &a.label, .cmds = ENROLL },
	{ .name = "cacert", .arg = "F", .desc = "CA certificates for an https URL",
	    .type = CK_OPT_STR, .target = &a.cacert, .cmds = ENROLL,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "at", .arg = "TIME", .desc = "the time to act at instead of now",
	    .type = CK_OPT_STR, .target = &a.at, .cmds = LEDGER },
	{ .name = "format", .arg = "json|text|cfssl", .desc = "output format",
	    .type = CK_OPT_STR, .target = &fmt, .complete = "json text cfssl" },
	{ .name = "lock-timeout", .arg = "SECONDS", .desc = "wait for the ledger lock (30)",
	    .type = CK_OPT_LONG, .target = &a.lock_s, .min = 0, .max = 86400,
	    .cmds = LEDGER },
	{ .name = "sync", .arg = "normal|full", .desc = "ledger durability",
	    .type = CK_OPT_STR, .target = &a.sync, .cmds = LEDGER,
	    .complete = "normal full" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-issue", .opts = opts, .cmds = cmds };

int
main(int argc, char **argv)
{
	static const char *const formats[] = { "json", "text", "cfssl", NULL };
	const char *arg = NULL;
	char msg[300];
	struct ck_err e;
	int first, cmd, st;

	ck_tool_init("cert-issue");
	a.lock_s = 30;
	a.path_len = -1;
	a.sync = getenv("CERTKIT_LEDGER_SYNC");
	if ((st = ck_opt_start(&tool, argc, argv, &first, &cmd)) >= 0)
		return st;
	/* The local CA uses OpenSSL on its own files only; enroll speaks TLS (the system's policy). */
	if ((1 << cmd) != ENROLL && ck_tool_crypto_local() == -1) {
		ck_warnx("cannot initialise OpenSSL");
		return CK_UNKNOWN;
	}
	if (first < argc)
		arg = argv[first++];
	if (first < argc) {
		snprintf(msg, sizeof(msg), "unexpected argument '%s'", argv[first]);
		return ck_opt_usage_error(&tool, cmds[cmd].name, msg);
	}
	if ((a.fmt = ck_format_option(fmt, formats, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	ck_err_clear(&e);
	if (ck_caops_args_check(&a, &e) == -1) {
		ck_warnx("%s", e.msg);
		return CK_UNKNOWN;
	}
	if (cmds[cmd].operands != NULL && arg == NULL) {	/* ck_opt_parse refused the others */
		snprintf(msg, sizeof(msg), "missing %s", cmds[cmd].operands);
		return ck_opt_usage_error(&tool, cmds[cmd].name, msg);
	}
	if ((1 << cmd) == ENROLL && a.csrs.n != 1)
		return ck_opt_usage_error(&tool, cmds[cmd].name, "one --csr");
	/* The command table and enum ck_caops_cmd are in the same order. */
	st = ck_caops_run(&a, (enum ck_caops_cmd)cmd, arg);
	ck_strv_release(&a.csrs);
	return ck_close_stdout() ? CK_UNKNOWN : st;
}
