/*
 * cert-issue: a local CA with a durable ledger, and enrollment with a
 * remote CA over the CFSSL API.  See man/cert-issue.1.  The operations are
 * ck_caops (the ledger rules) and ck_enroll; this file parses the command
 * line and prints what they produce.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "ck_caops.h"
#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_enroll.h"
#include "ck_err.h"
#include "ck_opt.h"
#include "ck_path.h"
#include "ck_record.h"
#include "ck_tmpl.h"
#include "ck_text.h"
#include "ck_tool.h"

#define FMT_CFSSL 2	/* --format cfssl: its index for ck_format_option() */

static struct {
	const char *cmd, *dir, *subject, *key_type, *parent, *parent_pw_file;
	const char *policy, *pw_file, *aia, *crl, *ocsp, *tmpl, *requester, *san;
	const char *templates, *status, *reason, *url, *profile, *label, *cacert, *at;
	const char *sync;
	struct ck_strv csrs;
	long bits, days, lock_s, path_len;
	time_t not_before, not_after;
	int fmt;
	struct ck_clock clock;
	char who[64];
} cfg;

static int
fail(const char *src, const struct ck_err *e)
{
	ck_report(cfg.fmt == CK_FMT_JSON ? stdout : NULL, src, e);
	return e->code == CK_E_POLICY ? CK_CRITICAL : CK_UNKNOWN;
}

/* ---- output ---- */

static int
print_error(void *arg, const char *where, const struct ck_err *e)
{
	(void)arg;
	return fail(where, e);
}

static int
put(json_t *rec)
{
	struct ck_err e;
	int rv = 0;

	if (rec == NULL)
		return -1;
	if (ck_record_write(stdout, rec, &e) == -1) {
		ck_warnx("%s", e.msg);
		rv = -1;
	}
	fflush(stdout);
	json_decref(rec);
	return rv;
}

/* A certificate: a cert record (source: the ledger, or the remote CA's URL). */
static int
print_cert(void *arg, const unsigned char *der, size_t len)
{
	struct ck_source src = { "url", cfg.url, 0 };
	char *lp = cfg.dir ? ck_path_join(cfg.dir, CK_LEDGER_FILE) : NULL;
	struct ck_err err;
	json_t *rec;

	(void)arg;
	if (cfg.dir != NULL) {
		src.type = "file";
		src.uri = lp;
	}
	if (cfg.fmt == FMT_CFSSL) {
		char *pem = ck_der_to_pem(der, len);

		rec = json_object();
		if (pem)
			json_object_set_new(rec, "cert", json_string(pem));
		free(pem);
		free(lp);
		return put(rec);
	}
	rec = ck_cert_record(der, len, &src, 0, &err);
	free(lp);
	if (rec == NULL)
		return -1;
	if (cfg.fmt == CK_FMT_TEXT) {
		ck_textf(stdout, "issued %s %s until %s\n",
		    json_string_value(json_object_get(rec, "serial")),
		    json_string_value(json_object_get(json_object_get(rec, "subject"), "dn")),
		    json_string_value(json_object_get(rec, "not_after")));
		fflush(stdout);
		json_decref(rec);
		return 0;
	}
	return put(rec);
}

static int
print_request(void *arg, const struct ck_ledger_row *r)
{
	(void)arg;
	if (cfg.fmt == CK_FMT_TEXT) {
		ck_textf(stdout, "%-6lld %-8s %-32s %-20s %-20s %s\n", r->id, r->status,
		    r->serial ? r->serial : "-", r->not_after ? r->not_after : "-",
		    r->template, r->subject ? r->subject : "");
		return 0;
	}
	return put(ck_ledger_row_record(r));
}

/* ---- commands ---- */

static int
cmd_init(const char *arg)
{
	struct ck_ca_init_opts o = { .dir = cfg.dir, .subject = cfg.subject,
		.key_type = cfg.key_type, .bits = (int)cfg.bits, .days = cfg.days,
		.path_len = (int)cfg.path_len, .not_before = cfg.not_before,
		.not_after = cfg.not_after, .policy = cfg.policy, .aia_url = cfg.aia,
		.crl_url = cfg.crl, .ocsp_url = cfg.ocsp, .now = ck_clock_now(&cfg.clock),
		.who = cfg.who };
	unsigned char *der = NULL;
	size_t len = 0;
	const char *where;
	struct ck_err e;
	int st = CK_OK;

	(void)arg;
	ck_err_clear(&e);
	if (ck_caops_init(&o, cfg.pw_file, cfg.parent, cfg.parent_pw_file,
	    (int)(cfg.lock_s * 1000), cfg.sync != NULL && strcmp(cfg.sync, "full") == 0,
	    &der, &len, &where, &e) == -1 || print_cert(NULL, der, len) == -1)
		st = fail(where, &e);
	free(der);
	return st;
}

/* Opens the CA directory for a command (with its CA certificate when need_ca). */
static int
open_ca(struct ck_caops *c, int need_ca, struct ck_err *e)
{
	if (ck_caops_open(c, cfg.dir, (int)(cfg.lock_s * 1000),
	    cfg.sync != NULL && strcmp(cfg.sync, "full") == 0, need_ca, e) == -1)
		return -1;
	c->now = ck_clock_now(&cfg.clock);
	c->who = cfg.who;
	c->requester = cfg.requester;
	c->key_pw_file = cfg.pw_file;
	c->out.request = print_request;
	c->out.cert = print_cert;
	c->out.error = print_error;
	return 0;
}

static int
cmd_sign(const char *arg)
{
	struct ck_issue_req base = { .subject = cfg.subject, .san = cfg.san, .days = cfg.days,
		.not_before = cfg.not_before, .not_after = cfg.not_after };
	struct ck_caops c;
	struct ck_err e;
	json_t *tmpl;
	int st;

	(void)arg;
	ck_err_clear(&e);
	if ((tmpl = ck_tmpl_open(cfg.templates, cfg.tmpl, &e)) == NULL)
		return fail(cfg.tmpl, &e);
	if (open_ca(&c, 1, &e) == -1) {
		json_decref(tmpl);
		return fail(cfg.dir, &e);
	}
	st = ck_caops_sign_files(&c, cfg.dir, tmpl, &base, cfg.csrs.v, cfg.csrs.n);
	ck_caops_close(&c);
	json_decref(tmpl);
	return st;
}

/*
 * The commands on an open CA (approve, list/show, deny, revoke, crl):
 * each returns NULL, or with e set the input at fault.
 */
static const char *
op_approve(struct ck_caops *c, const char *key, struct ck_err *e)
{
	switch (ck_caops_approve(c, key, e)) {
	case -2: return cfg.dir;
	case -1: return key;
	}
	return NULL;
}

static const char *
op_show(struct ck_caops *c, const char *key, struct ck_err *e)
{
	if (cfg.fmt == CK_FMT_TEXT && key == NULL)
		printf("%-6s %-8s %-32s %-20s %-20s %s\n", "ID", "STATUS", "SERIAL",
		    "NOT_AFTER", "TEMPLATE", "SUBJECT");
	if (ck_caops_show(c, key, cfg.status, key != NULL && cfg.fmt != CK_FMT_TEXT, e) == -1)
		return key ? key : cfg.dir;
	return NULL;
}

static const char *
op_deny(struct ck_caops *c, const char *key, struct ck_err *e)
{
	return ck_caops_deny(c, key, e) == -1 ? key : NULL;
}

static const char *
op_revoke(struct ck_caops *c, const char *serial, struct ck_err *e)
{
	const char *reason = "unspecified";

	if (cfg.reason)
		ck_ledger_reason_code(cfg.reason, &reason);	/* checked in main */
	return ck_caops_revoke(c, serial, reason, e) == -1 ? serial : NULL;
}

static const char *
op_crl(struct ck_caops *c, const char *arg, struct ck_err *e)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t len = 0;
	X509_CRL *crl = NULL;
	const char *where = NULL;

	(void)arg;
	if (ck_caops_key(c, e) == -1 || ck_caops_crl(c, cfg.days, &der, &len, e) == -1) {
		where = cfg.dir;
	} else {
		p = der;
		if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL ||
		    !PEM_write_X509_CRL(stdout, crl)) {
			ck_err_set(e, CK_E_IO, "cannot write the CRL");
			where = cfg.dir;
		}
	}
	X509_CRL_free(crl);
	free(der);
	return where;
}

/* Opens the CA (with its certificate when need_ca), runs op, reports its error. */
static int
on_ca(int need_ca, const char *(*op)(struct ck_caops *, const char *, struct ck_err *),
    const char *key)
{
	struct ck_caops c;
	struct ck_err e;
	const char *where;
	int st = CK_OK;

	ck_err_clear(&e);
	if (open_ca(&c, need_ca, &e) == -1)
		return fail(cfg.dir, &e);
	if ((where = op(&c, key, &e)) != NULL)
		st = fail(where, &e);
	ck_caops_close(&c);
	return st;
}

static int cmd_approve(const char *key) { return on_ca(1, op_approve, key); }
static int cmd_show(const char *key) { return on_ca(0, op_show, key); }
static int cmd_deny(const char *key) { return on_ca(0, op_deny, key); }
static int cmd_revoke(const char *serial) { return on_ca(0, op_revoke, serial); }
static int cmd_crl(const char *arg) { return on_ca(1, op_crl, arg); }

static int
cmd_enroll(const char *arg)
{
	struct ck_enroll_opts o = { .url = cfg.url, .profile = cfg.profile, .label = cfg.label,
		.cacert = cfg.cacert };
	struct ck_err e;
	unsigned char *der = NULL;
	size_t len = 0;
	int st = CK_OK;

	(void)arg;
	ck_err_clear(&e);
	if (ck_enroll_cfssl_file(&o, cfg.csrs.v[0], &der, &len, &e) == -1)
		st = fail(e.code == CK_E_NET ? cfg.url : cfg.csrs.v[0], &e);
	else if (print_cert(NULL, der, len) == -1)
		st = fail(cfg.url, &e);
	free(der);
	return st;
}

/* ---- main ---- */

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

static int
parse_time(const char *arg, void *target, struct ck_err *err)
{
	struct ck_err e;

	if (ck_time_parse(arg, target, &e) == -1)
		return ck_err_set(err, CK_E_USAGE, "bad time '%s': %s", arg, e.msg);
	return 0;
}

static int
parse_status(const char *arg, void *target, struct ck_err *err)
{
	static const char *const statuses[] = { "issued", "pending", "revoked", "denied" };
	size_t i;

	for (i = 0; i < 4; i++)
		if (strcmp(arg, statuses[i]) == 0) {
			*(const char **)target = arg;
			return 0;
		}
	return ck_err_set(err, CK_E_USAGE, "bad --status '%s': issued|pending|revoked|denied",
	    arg);
}

static const char *fmt;

static const struct ck_opt opts[] = {
	{ .name = "dir", .arg = "DIR", .desc = "the CA directory", .type = CK_OPT_STR,
	    .target = &cfg.dir, .cmds = LEDGER, .required = LEDGER,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "subject", .arg = "DN", .desc = "subject DN (init; sign: override)",
	    .type = CK_OPT_STR, .target = &cfg.subject, .cmds = INIT | SIGN, .required = INIT },
	{ .name = "template", .arg = "FILE|NAME", .desc = "certificate template",
	    .type = CK_OPT_STR, .target = &cfg.tmpl, .cmds = SIGN, .required = SIGN },
	{ .name = "csr", .arg = "FILE", .desc = "a request (PEM or DER; sign: repeatable)",
	    .type = CK_OPT_LIST, .target = &cfg.csrs, .cmds = SIGN, .required = SIGN,
	    .synopsis = "--csr FILE ...", .complete = CK_COMPLETE_FILE },
	{ .name = "url", .arg = "URL", .desc = "the remote CA (CFSSL API)", .type = CK_OPT_STR,
	    .target = &cfg.url, .cmds = ENROLL, .required = ENROLL },
	{ .name = "csr", .arg = "FILE", .type = CK_OPT_LIST, .target = &cfg.csrs,
	    .cmds = ENROLL, .required = ENROLL, .complete = CK_COMPLETE_FILE },
	{ .name = "key-type", .arg = "rsa|ec", .desc = "the new CA key", .type = CK_OPT_STR,
	    .target = &cfg.key_type, .cmds = INIT, .complete = "rsa ec" },
	{ .name = "bits", .arg = "N", .desc = "RSA key size", .type = CK_OPT_LONG,
	    .target = &cfg.bits, .min = 256, .max = 16384, .cmds = INIT },
	{ .name = "days", .arg = "N", .desc = "validity (crl: until the next update)",
	    .type = CK_OPT_LONG, .target = &cfg.days, .min = 1, .max = 36500,
	    .cmds = INIT | SIGN | CRL },
	{ .name = "not-before", .arg = "TIME", .desc = "start of validity",
	    .type = CK_OPT_PARSE, .target = &cfg.not_before, .parse = parse_time,
	    .cmds = INIT | SIGN },
	{ .name = "not-after", .arg = "TIME", .desc = "end of validity",
	    .type = CK_OPT_PARSE, .target = &cfg.not_after, .parse = parse_time,
	    .cmds = INIT | SIGN },
	{ .name = "path-len", .arg = "N", .desc = "pathLenConstraint of the new CA",
	    .type = CK_OPT_LONG, .target = &cfg.path_len, .min = 0, .max = 255, .cmds = INIT },
	{ .name = "parent", .arg = "DIR", .desc = "the issuing CA of a subordinate",
	    .type = CK_OPT_STR, .target = &cfg.parent, .cmds = INIT,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "parent-password-file", .arg = "F", .desc = "the parent's key password",
	    .type = CK_OPT_STR, .target = &cfg.parent_pw_file, .cmds = INIT,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "policy", .arg = "amt", .desc = "refuse what AMT cannot use",
	    .type = CK_OPT_STR, .target = &cfg.policy, .cmds = INIT, .complete = "amt" },
	{ .name = "key-password-file", .arg = "F", .desc = "the CA key's password",
	    .type = CK_OPT_STR, .target = &cfg.pw_file, .cmds = INIT | SIGN | APPROVE | CRL,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "aia-url", .arg = "URL", .desc = "caIssuers URL in issued certificates",
	    .type = CK_OPT_STR, .target = &cfg.aia, .cmds = INIT },
	{ .name = "crl-url", .arg = "URL", .desc = "CRL distribution point",
	    .type = CK_OPT_STR, .target = &cfg.crl, .cmds = INIT },
	{ .name = "ocsp-url", .arg = "URL", .desc = "OCSP responder URL",
	    .type = CK_OPT_STR, .target = &cfg.ocsp, .cmds = INIT },
	{ .name = "requester", .arg = "NAME", .desc = "who asked (kept in the ledger)",
	    .type = CK_OPT_STR, .target = &cfg.requester, .cmds = SIGN },
	{ .name = "san", .arg = "NAMES", .desc = "subject alternative names (override)",
	    .type = CK_OPT_STR, .target = &cfg.san, .cmds = SIGN },
	{ .name = "templates", .arg = "DIR", .desc = "where template NAMEs are found",
	    .type = CK_OPT_STR, .target = &cfg.templates, .cmds = SIGN,
	    .complete = CK_COMPLETE_DIR },
	{ .name = "status", .arg = "issued|pending|revoked|denied", .desc = "only these",
	    .type = CK_OPT_PARSE, .target = &cfg.status, .parse = parse_status, .cmds = LIST,
	    .complete = "issued pending revoked denied" },
	{ .name = "reason", .arg = "NAME", .desc = "CRL reason (e.g. key_compromise)",
	    .type = CK_OPT_STR, .target = &cfg.reason, .cmds = REVOKE,
	    .complete = "unspecified key_compromise ca_compromise affiliation_changed "
	    "superseded cessation_of_operation certificate_hold privilege_withdrawn "
	    "aa_compromise" },
	{ .name = "profile", .arg = "P", .desc = "the remote CA's profile",
	    .type = CK_OPT_STR, .target = &cfg.profile, .cmds = ENROLL },
	{ .name = "label", .arg = "L", .desc = "the remote CA's signer label",
	    .type = CK_OPT_STR, .target = &cfg.label, .cmds = ENROLL },
	{ .name = "cacert", .arg = "F", .desc = "CA certificates for an https URL",
	    .type = CK_OPT_STR, .target = &cfg.cacert, .cmds = ENROLL,
	    .complete = CK_COMPLETE_FILE },
	{ .name = "at", .arg = "TIME", .desc = "the time to act at instead of now",
	    .type = CK_OPT_STR, .target = &cfg.at, .cmds = LEDGER },
	{ .name = "format", .arg = "json|text|cfssl", .desc = "output format",
	    .type = CK_OPT_STR, .target = &fmt, .complete = "json text cfssl" },
	{ .name = "lock-timeout", .arg = "SECONDS", .desc = "wait for the ledger lock (30)",
	    .type = CK_OPT_LONG, .target = &cfg.lock_s, .min = 0, .max = 86400,
	    .cmds = LEDGER },
	{ .name = "sync", .arg = "normal|full", .desc = "ledger durability",
	    .type = CK_OPT_STR, .target = &cfg.sync, .cmds = LEDGER,
	    .complete = "normal full" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-issue", .opts = opts, .cmds = cmds };

/* The commands, in the order of cmds[]; list and show are one (show has an ID). */
static int (*const run[])(const char *) = { cmd_init, cmd_sign, cmd_show, cmd_show, cmd_approve,
	cmd_deny, cmd_revoke, cmd_crl, cmd_enroll };

static int
usage_error(const char *msg, const char *arg)
{
	ck_warnx("%s: %s%s%s", cfg.cmd, msg, arg ? " " : "", arg ? arg : "");
	ck_opt_usage(&tool, stderr);
	return CK_UNKNOWN;
}

int
main(int argc, char **argv)
{
	static const char *const formats[] = { "json", "text", "cfssl", NULL };
	const char *arg = NULL;
	struct passwd *pw;
	struct ck_err e;
	int first, cmd, st, code;

	ck_tool_init("cert-issue");
	cfg.lock_s = 30;
	cfg.path_len = -1;
	cfg.sync = getenv("CERTKIT_LEDGER_SYNC");
	switch (ck_opt_parse(&tool, argc, argv, &first, &cmd)) {
	case CK_OPT_OK:
		break;
	case CK_OPT_DONE:
		return CK_OK;
	default:
		return CK_UNKNOWN;
	}
	cfg.cmd = cmds[cmd].name;
	/* The local CA uses OpenSSL on its own files only; enroll speaks TLS (the system's policy). */
	if ((1 << cmd) != ENROLL && ck_tool_crypto_local() == -1) {
		ck_warnx("cannot initialise OpenSSL");
		return CK_UNKNOWN;
	}
	if (first < argc)
		arg = argv[first++];
	if (first < argc)
		return usage_error("unexpected argument", argv[first]);
	if ((cfg.fmt = ck_format_option(fmt, formats, stdout)) < 0) {
		ck_opt_usage(&tool, stderr);
		return CK_UNKNOWN;
	}
	if (cfg.sync && *cfg.sync && strcmp(cfg.sync, "normal") != 0 &&
	    strcmp(cfg.sync, "full") != 0) {
		ck_warnx("bad --sync '%s': normal|full", cfg.sync);
		return CK_UNKNOWN;
	}
	if (cfg.not_after && cfg.days) {
		ck_warnx("--days and --not-after exclude each other");
		return CK_UNKNOWN;
	}
	if (cfg.not_before && cfg.not_after && cfg.not_after <= cfg.not_before) {
		ck_warnx("--not-after must be later than --not-before");
		return CK_UNKNOWN;
	}
	/* removeFromCRL (8) belongs in delta CRLs only (RFC 5280 5.3.1): not a reason to revoke. */
	code = cfg.reason ? ck_ledger_reason_code(cfg.reason, NULL) : 0;
	if (code == -1 || code == 8) {
		ck_warnx("bad --reason '%s' (e.g. key_compromise, superseded, "
		    "cessation_of_operation)", cfg.reason);
		return CK_UNKNOWN;
	}
	if ((cmds[cmd].operands != NULL) != (arg != NULL))
		return usage_error(arg ? "unexpected argument" : "missing",
		    arg ? arg : cmds[cmd].operands);
	if ((1 << cmd) == ENROLL && cfg.csrs.n != 1)
		return usage_error("one --csr", NULL);
	if (ck_clock_init(&cfg.clock, cfg.at, &e) == -1) {
		ck_warnx("%s", e.msg);
		return CK_UNKNOWN;
	}
	pw = getpwuid(geteuid());
	snprintf(cfg.who, sizeof(cfg.who), "%s", pw ? pw->pw_name : "unknown");
	st = run[cmd](arg);
	ck_strv_release(&cfg.csrs);
	return ck_close_stdout() ? CK_UNKNOWN : st;
}
