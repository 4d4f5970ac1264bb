/*
 * ck_lint_run: cert-lint(1)'s pass over its inputs.  Records are judged
 * with ck_lint_judge and written in input order (JSON Lines, or one text
 * line per record and finding).  Certificates stream straight through;
 * from the first template, ca or chain record on, records are held until
 * the end of the input (ck_lint_run_end), because their rules look at
 * records that may come later (the CAs that publish a template, the
 * certificates of a chain).  Read errors become error records in place
 * and exit 3.
 *
 *   l = ck_lint_open(amt, &profiles, &policies, 0, NULL, &err);
 *   struct ck_lint_run r = { .lint = l, .format = CK_FMT_JSON };
 *   ck_lint_run_init(&r);
 *   ck_lint_run_source(&r, "-");      (or ck_lint_run_stream(&r, fp, name))
 *   ck_lint_run_caconfig(&r, &set, ca);   (--ca-config on the held ca records)
 *   ck_lint_run_end(&r);     r.status, r.worst, r.judged, r.counts
 *   status = ck_lint_run_status(&r, fail_on_warning);
 */
#ifndef CK_LINT_RUN_H
#define CK_LINT_RUN_H

#include <stdio.h>
#include <jansson.h>

#include "ck_caconfig.h"
#include "ck_err.h"
#include "ck_lint.h"
#include "ck_opt.h"
#include "ck_tool.h"

/*
 * cert-lint's linter: the profile directories of ck_datadir, the AMT
 * firmware version amt (NULL: the profiles' own), then the profiles, then
 * the policy files named, in order; CERTKIT_POLICY naming a file (not a
 * directory) is one more policy file after them.  Nothing named: the
 * profile "default", or, with list_all (--list-rules), no profile at all
 * and *all = 1 (the caller lists every rule the tool has; otherwise *all =
 * 0; all may be NULL without list_all).  Returns the linter (ck_lint_free),
 * or NULL with err set (out of memory, or ck_lint_add_profile's errors).
 */
struct ck_lint *ck_lint_open(const char *amt, const struct ck_strv *profiles,
    const struct ck_strv *policies, int list_all, int *all, struct ck_err *err);

struct ck_lint_run {
	struct ck_lint *lint;
	int format;			/* CK_FMT_JSON or CK_FMT_TEXT */
	int hold_cas;			/* ca records wait for the end even when no rule judges them */
	struct ck_progress *progress;	/* ticked per record read, or NULL */
	/* results */
	int status;			/* CK_OK, or CK_UNKNOWN after a read or write error */
	int worst;			/* 0 notice/none, 1 warning, 2 critical */
	unsigned long judged, counts[3];	/* records judged; findings by level */
	json_t *held;			/* records waiting for the end, in order */
};

/* Returns 0, or -1 (out of memory). */
int ck_lint_run_init(struct ck_lint_run *r);
/* Reads fp (name for messages) to its end. */
void ck_lint_run_stream(struct ck_lint_run *r, FILE *fp, const char *name);
/*
 * Reads the records of FILE path ("-": standard input, named "stdin") to
 * its end; a file that cannot be opened is ck_lint_run_fail'ed.
 */
void ck_lint_run_source(struct ck_lint_run *r, const char *path);
/* An input that could not be opened: said on stderr, an error record in its place. */
void ck_lint_run_fail(struct ck_lint_run *r, const char *name, const struct ck_err *err);
/*
 * --ca-config: fills the held ca records with the settings of set before
 * any rule judges them (ck_caconfig_apply_all's one rule: the registry
 * path's CA, else the CA named ca, else the only ca record).  The records
 * change in place, so the linter's index sees the settings too.  Settings
 * that cannot be applied: said on stderr, an error record (JSON), status 3;
 * settings for a CA the input lacks: a warning on stderr.
 */
void ck_lint_run_caconfig(struct ck_lint_run *r, const struct ck_caconfig_set *set,
    const char *ca);
/* Judges and writes what is held, then frees it. */
void ck_lint_run_end(struct ck_lint_run *r);

/*
 * The exit status after ck_lint_run_end: r->status, made worse by the
 * worst finding (critical: 2; warning: 1, or 2 with fail_on_warning).
 */
int ck_lint_run_status(const struct ck_lint_run *r, int fail_on_warning);

/* One judged record as text ("kind 'subject': ok", or its findings). */
void ck_lint_print_text(FILE *fp, const json_t *rec);

/*
 * The rules: every rule the tool has (all), or those l's profiles enable,
 * with their severity: rule records, or (text) one line each and the
 * escalations nothing checks.  Returns 0 or -1 (write error).
 */
int ck_lint_list_rules(FILE *fp, const struct ck_lint *l, int all, int text);

#endif /* CK_LINT_RUN_H */
