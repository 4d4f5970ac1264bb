/*
 * ck_report: certkit records rendered for people, as one self-contained
 * HTML page (inline CSS and SVG; no scripts, no fonts, nothing fetched: a
 * Content-Security-Policy of default-src 'none' says so to the browser).
 *
 * The page has: a summary (records by kind, states, the exit status the
 * pipeline would give), an expiry timeline (SVG, one mark per certificate
 * or CRL, warn/crit windows shaded) with a table sorted by days left, chain
 * trees (leaf to anchor, the failing link highlighted), findings grouped by
 * rule, approval verdicts, the prerequisite checklist, AMT devices,
 * templates and CAs, and input errors.  Sections without records are left
 * out.  Every string from a record is HTML-escaped.
 *
 * The same records and options give the same bytes: nothing depends on the
 * wall clock, the locale or memory addresses.
 *
 * Ownership: ck_report_add takes its own reference to a record (the caller
 * keeps and releases its own).
 */
#ifndef CK_REPORT_H
#define CK_REPORT_H

#include <stdio.h>
#include <time.h>
#include <jansson.h>

#include "ck_err.h"

struct ck_report_opts {
	const char *title;	/* NULL: "certkit report" */
	time_t now;		/* the time everything is judged at (--at) */
	time_t from, to;	/* the timeline; 0: now - 30 days, now + 2 years */
	long long warn, crit;	/* expiry windows in seconds; 0: 30 and 7 days */
};

struct ck_report;

/* A new, empty report; NULL on ENOMEM.  o is copied (title is not: keep it alive). */
struct ck_report *ck_report_new(const struct ck_report_opts *o);
void ck_report_free(struct ck_report *r);

/*
 * Adds one record of any kind (unknown kinds are counted).  Returns 0, or
 * -1 (CK_E_NOMEM).
 */
int ck_report_add(struct ck_report *r, json_t *rec, struct ck_err *err);

/*
 * The exit status (enum ck_status) the pipeline that made these records
 * would give: expired/critical certificates, invalid chains, critical
 * findings, approvals that are not "issue" and critical prerequisites are
 * CRITICAL; error records and unknown prerequisites UNKNOWN; warnings
 * WARNING.
 */
int ck_report_status(const struct ck_report *r);

/* Number of timeline marks (certificates and CRLs with a date). */
size_t ck_report_marks(const struct ck_report *r);

/* Writes the page.  Returns 0, or -1 with err set (a write error). */
int ck_report_write(const struct ck_report *r, FILE *fp, struct ck_err *err);

#endif /* CK_REPORT_H */
