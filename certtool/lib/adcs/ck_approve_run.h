/*
 * ck_approve_run: cert-approve(1)'s run.  Loads the CA settings
 * (ck_caconfig_set_load), reads every record of the inputs
 * (ck_approve_input_read), places the settings on the ca records
 * (ck_caconfig_apply_all), passes every record through in order, then
 * judges each (template, CA) pair in scope for the requester
 * (ck_approve_judge_all) and prints its `approval` record: JSON Lines, or
 * (CK_FMT_TEXT) one ck_approval_text line per approval and nothing else.
 *
 * Nothing is judged when a CA setting cannot be read or placed, when the
 * input lacks template or ca records, when --template/--ca name no record,
 * or when the requester cannot be found: each is reported (stderr, and an
 * error record in JSON) and the status is CK_UNKNOWN.
 */
#ifndef CK_APPROVE_RUN_H
#define CK_APPROVE_RUN_H

#include <stddef.h>

struct ck_approve_run {
	const char *requester;		/* --requester: DOMAIN\name, name or SID */
	const char *const *cas;		/* --ca: only these CAs (none: every CA in scope) */
	size_t ncas;
	const char *const *templates;	/* --template: only these templates (none: all) */
	size_t ntemplates;
	const char *const *configs;	/* --ca-config: certutil -getreg output files */
	size_t nconfigs;
	int format;			/* CK_FMT_JSON or CK_FMT_TEXT */
};

/*
 * Runs over files[0..n) (n 0: stdin).  Returns the worst status: the
 * verdicts' (ck_approval_status), CK_UNKNOWN for an input or setting that
 * could not be read (a verdict that is not "issue", CK_CRITICAL, wins).
 */
int ck_approve_run(const struct ck_approve_run *r, char *const *files, size_t n);

#endif /* CK_APPROVE_RUN_H */
