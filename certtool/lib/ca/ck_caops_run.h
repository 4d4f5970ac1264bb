/*
 * ck_caops_run: cert-issue's commands from what the command line gave to
 * the exit status: each command opens what it needs, runs through ck_caops
 * (the ledger rules) or ck_enroll, puts `cert` / `request` records, text
 * lines or cfssl JSON on stdout (ck_out), and reports each failure
 * (ck_report: a stderr line and, in JSON, an `error` record).  The main
 * parses options into a struct ck_caops_args, checks them with
 * ck_caops_args_check and calls ck_caops_run.
 *
 *   static struct ck_caops_args a;      option targets point into it
 *   ... ck_opt_start(&tool, argc, argv, &first, &cmd) ...
 *   if (ck_caops_args_finish(&a, &err) == -1) { message; exit 3 }
 *   a.fmt = ...;
 *   return ck_caops_run(&a, cmd, operand);
 */
#ifndef CK_CAOPS_RUN_H
#define CK_CAOPS_RUN_H

#include <stdio.h>
#include <time.h>

#include "ck_err.h"
#include "ck_opt.h"	/* struct ck_strv */

/* The commands, in the order of cert-issue's command table. */
enum ck_caops_cmd {
	CK_CAOPS_INIT, CK_CAOPS_SIGN, CK_CAOPS_LIST, CK_CAOPS_SHOW, CK_CAOPS_APPROVE,
	CK_CAOPS_DENY, CK_CAOPS_REVOKE, CK_CAOPS_CRL, CK_CAOPS_ENROLL
};

/* --format cfssl: {"cert": PEM}; the other values are CK_FMT_JSON and CK_FMT_TEXT. */
#define CK_CAOPS_FMT_CFSSL 2

/* What the command line gave (NULL / 0: not given). */
struct ck_caops_args {
	const char *dir, *subject, *key_type, *parent, *parent_pw_file, *policy;
	const char *pw_file;		/* --key-password-file */
	const char *aia, *crl, *ocsp;	/* init: --aia-url, --crl-url, --ocsp-url */
	const char *tmpl, *templates, *requester, *san;
	const char *status, *reason;
	const char *url, *profile, *label, *cacert;	/* enroll */
	const char *sync;		/* "normal", "full" or NULL/"" */
	const char *at;			/* --at (CERTKIT_NOW when NULL) */
	struct ck_strv csrs;
	long bits, days, lock_s, path_len;
	time_t not_before, not_after;
	int fmt;			/* CK_FMT_JSON, CK_FMT_TEXT, CK_CAOPS_FMT_CFSSL */
};

/*
 * Checks the arguments together (--sync's value, --days against
 * --not-after, the validity's order, --reason): 0, or -1 with the message
 * in err (the caller prints it and exits 3, without the usage text).
 */
int ck_caops_args_check(const struct ck_caops_args *a, struct ck_err *err);

/*
 * Runs command cmd (operand: its ID or SERIAL, or NULL) at --at (else
 * CERTKIT_NOW, else now) as the effective user, and returns the exit
 * status: CK_OK, CK_CRITICAL when the ledger or a policy refused
 * (CK_E_POLICY), else CK_UNKNOWN (a bad --at: its message on stderr).
 */
int ck_caops_run(const struct ck_caops_args *a, enum ck_caops_cmd cmd, const char *operand);

/* CK_OPT_PARSE parsers with cert-issue's messages: a TIME; --status's value. */
int ck_caops_opt_time(const char *arg, void *target, struct ck_err *err);
int ck_caops_opt_status(const char *arg, void *target, struct ck_err *err);

#endif /* CK_CAOPS_RUN_H */
