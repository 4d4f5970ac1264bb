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
 *   struct ck_lint_run r = { .lint = l, .format = CK_FMT_JSON };
 *   ck_lint_run_init(&r);
 *   ck_lint_run_stream(&r, stdin, "stdin");
 *   ... change r.held (e.g. --ca-config on its ca records) ...
 *   ck_lint_run_end(&r);     r.status, r.worst, r.judged, r.counts
 */
#ifndef CK_LINT_RUN_H
#define CK_LINT_RUN_H

#include <stdio.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_lint.h"
#include "ck_tool.h"

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
/* An input that could not be opened: said on stderr, an error record in its place. */
void ck_lint_run_fail(struct ck_lint_run *r, const char *name, const struct ck_err *err);
/* Judges and writes what is held, then frees it. */
void ck_lint_run_end(struct ck_lint_run *r);

/* One judged record as text ("kind 'subject': ok", or its findings). */
void ck_lint_print_text(FILE *fp, const json_t *rec);

/*
 * The rules: every rule the tool has (all), or those l's profiles enable,
 * with their severity: rule records, or (text) one line each and the
 * escalations nothing checks.  Returns 0 or -1 (write error).
 */
int ck_lint_list_rules(FILE *fp, const struct ck_lint *l, int all, int text);

#endif /* CK_LINT_RUN_H */
