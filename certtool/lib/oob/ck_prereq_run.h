/*
 * ck_prereq_run: cert-prereq(1)'s run.  The option table (in the main)
 * writes into a struct ck_prereq (accounts, templates, DNS, ports, WinRM)
 * and a struct ck_prereq_cli (the directory, the inputs);
 * ck_prereq_cli_run gathers what the rows judge (records from the inputs,
 * the site over LDAP, the AMT host file, the CA settings), runs the rows
 * and prints: `prereq` records (JSON Lines) or the checklist (text), each
 * input failure also said on stderr.
 *
 *   static struct ck_prereq p;  static struct ck_prereq_cli c;
 *   static const struct ck_opt opts[] = { CK_LDAP_CLI_OPTS(c.lc, 0), ... };
 *   ck_prereq_init(&p, &err); ck_prereq_cli_init(&c);  ... ck_opt_start ...
 *   p.at = ...;  status = ck_prereq_cli_run(&p, &c, mask, argv + first, argc - first, fmt);
 *   ck_prereq_cli_release(&c); ck_prereq_release(&p);
 */
#ifndef CK_PREREQ_RUN_H
#define CK_PREREQ_RUN_H

#include <stddef.h>

#include "ck_err.h"
#include "ck_ldap_cli.h"
#include "ck_opt.h"
#include "ck_prereq.h"
#include "ck_site.h"

struct ck_prereq_cli {
	struct ck_ldap_cli lc;		/* --uri and the LDAP options (CK_LDAP_CLI_OPTS) */
	struct ck_site_opts so;		/* --container, --computers-ou */
	struct ck_strv amt_domains;	/* --amt-domain DNS ... */
	struct ck_strv caconfigs;	/* --ca-config FILE ... */
	const char *amt_hosts;		/* --amt-hosts FILE */
	const char *sp_address;		/* --service-point-address */
	const char *winrm_pwfile;	/* --winrm-password-file */
};

void ck_prereq_cli_init(struct ck_prereq_cli *c);
/* Releases the option lists and the LDAP options' password. */
void ck_prereq_cli_release(struct ck_prereq_cli *c);

/* CK_OPT_PARSE parser: --ports PORT,... into a struct ck_prereq (ck_prereq_parse_ports). */
int ck_prereq_ports_opt(const char *arg, void *target, struct ck_err *err);

/*
 * Runs the rows whose bit is set in mask (ck_prereq_parse_ids) on what the
 * inputs give: the records of inputs[0..n) (standard input when n is 0
 * and there is no --uri), records of other kinds passed through on stdout
 * (JSON); the site read over LDAP with --uri (a failure: the rows that
 * need it say why); --amt-hosts; --ca-config (settings for a CA the input
 * lacks: a warning on stderr).  Then, on stdout, every input failure as an
 * `error` record (and on stderr) and the `prereq` records (format
 * CK_FMT_JSON), or the checklist (CK_FMT_TEXT).  p->at must be set.
 * Returns the exit status: the worst row, CK_UNKNOWN when an input failed;
 * an LDAP usage error or an unreadable --winrm-password-file is said on
 * stderr and returns CK_UNKNOWN before any row runs.
 */
int ck_prereq_cli_run(struct ck_prereq *p, struct ck_prereq_cli *c, unsigned long mask,
    char *const *inputs, size_t n, int format);

#endif /* CK_PREREQ_RUN_H */
