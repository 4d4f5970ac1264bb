/*
 * ck_report internals shared by ck_report.c (the model) and
 * ck_report_html.c (the page).  Not for tools.
 */
#ifndef CK_REPORT_INT_H
#define CK_REPORT_INT_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "ck_expiry.h"
#include "ck_report.h"

/* One mark of the timeline: a certificate (once per id) or a CRL. */
struct ck_report_mark {
	const json_t *rec;	/* the cert/crl object (owned by the report's records) */
	int crl;		/* a CRL's next update */
	size_t seq;		/* order of arrival: the last tie-breaker */
	time_t not_after;
	long long left;		/* seconds from now */
	int state;		/* enum ck_expiry_state */
	int not_yet_valid;
	char name[256];		/* ck_name_label of the subject (of the issuer for a CRL) */
	char issuer[256];
};

struct ck_report {
	struct ck_report_opts o;	/* title, from and to filled in */
	struct ck_expiry_policy pol;
	json_t *recs;		/* every record, in input order */
	json_t *kinds;		/* kind -> count */
	json_t *seen;		/* cert id -> true: one mark per certificate */
	struct ck_report_mark *marks;
	size_t nmarks, capmarks;
};

/* json_string_value of o[key] (NULL when absent or not a string). */
const char *ck_report_str(const json_t *o, const char *key);

/* The exit status of one mark, of a status/verdict word, of one record. */
int ck_report_mark_status(const struct ck_report_mark *m);
int ck_report_word_status(const char *word);
int ck_report_record_status(const json_t *rec);

#endif /* CK_REPORT_INT_H */
