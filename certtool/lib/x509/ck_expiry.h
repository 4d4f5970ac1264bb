/*
 * ck_expiry: judge how long certificates (and CRLs) have left, and render
 * the result for people (a table), Nagios/Icinga (one status line with
 * perfdata) and Prometheus (text exposition for the textfile collector).
 *
 * Rules (documented in cert-expiry(1)):
 *   - a certificate is valid through its notAfter second inclusive (RFC
 *     5280 4.1.2.5): it is "expired" only when now > not_after;
 *   - left = not_after - now; "critical" when left <= crit, "warning" when
 *     left <= warn, else "ok" (the boundaries belong to the worse state);
 *   - a certificate whose notBefore is still in the future is flagged
 *     not_yet_valid and is at least a "warning" (a certificate installed
 *     too early, or a clock that is wrong, needs a look, not a page).
 *
 * Ownership: a struct ck_expiry_set owns copies of every string it keeps;
 * records passed in are only modified (an `expiry` object is added), never
 * stolen.
 */
#ifndef CK_EXPIRY_H
#define CK_EXPIRY_H

#include <stdio.h>
#include <time.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_load.h"
#include "ck_tool.h"

enum ck_expiry_state {
	CK_EXPIRY_OK = 0,
	CK_EXPIRY_WARNING = 1,
	CK_EXPIRY_CRITICAL = 2,
	CK_EXPIRY_EXPIRED = 3
};

struct ck_expiry_policy {
	long long warn;		/* seconds; default 30 days */
	long long crit;		/* seconds, <= warn; default 7 days */
	time_t now;
};

/* Number of certificates the Nagios perfdata lists unless `all` is set. */
#define CK_EXPIRY_PERF_MAX 10
/* Number of problem subjects named in the Nagios status line. */
#define CK_EXPIRY_NAMED_MAX 3

/* Fills p with the defaults (30d / 7d) and now. */
void ck_expiry_policy_init(struct ck_expiry_policy *p, time_t now);

/*
 * The state of a certificate valid from not_before to not_after (pass 0
 * when not_before is unknown).  *not_yet_valid (may be NULL) is set to 1
 * when now < not_before; the state is then at least CK_EXPIRY_WARNING.
 */
int ck_expiry_classify(const struct ck_expiry_policy *p, time_t not_before,
    time_t not_after, int *not_yet_valid);

/* "ok", "warning", "critical", "expired". */
const char *ck_expiry_state_name(int state);

/* The exit status (enum ck_status) for one judged item. */
int ck_expiry_status(int state, int not_yet_valid);

/* One judged certificate or CRL. */
struct ck_expiry_item {
	char *what;		/* "cert" or "crl" */
	char *id;		/* cert id or NULL */
	char *subject_cn;	/* ck_name_label of the subject ("" when none); for a CRL the issuer's */
	char *issuer_cn;	/* ck_name_label of the issuer ("" when none) */
	char *serial;		/* lower-case hex, "" when absent */
	char *source;		/* source.uri, "" when absent */
	long index;		/* source.index, -1 when absent */
	time_t not_before;	/* for a CRL: this_update (0 when absent) */
	time_t not_after;	/* for a CRL: next_update */
	int has_not_before;
	int state;
	int not_yet_valid;
	long long left;		/* not_after - now, seconds */
};

/* A collection of judged items, with duplicate removal. */
struct ck_expiry_set {
	struct ck_expiry_policy policy;
	struct ck_expiry_item *items;
	size_t n, cap;
	json_t *seen;		/* "id\nsource" -> index into items */
	json_t *by_id;		/* cert id -> index into items */
	size_t errors;		/* inputs that could not be judged (counted by the caller) */
	int status;		/* worst enum ck_status so far */
};

/* Initialises s with policy p.  Returns 0 or -1 (CK_E_NOMEM). */
int ck_expiry_set_init(struct ck_expiry_set *s, const struct ck_expiry_policy *p,
    struct ck_err *err);
void ck_expiry_set_release(struct ck_expiry_set *s);

/*
 * Judges one record in place and remembers it in s:
 *   cert   gains `expiry` {status, days_left, not_after, not_yet_valid};
 *   ca     its `cert` gains `expiry`;
 *   crl    gains `expiry` judged on `next_update`;
 *   chain  every embedded certificate (an array `certs`/`certificates` of
 *          cert records) gains `expiry`; the chain gains `expiry` {status,
 *          days_left, not_after, cert} of its soonest certificate, found by
 *          the ids in `path` among the cert records judged before it;
 *   error  counted as an unreadable input (UNKNOWN);
 *   other  untouched.
 * Returns the enum ck_status of this record, or -1 with err set when a
 * record of a judged kind lacks what is needed (no parseable not_after, a
 * chain whose certificates were never seen).  The record is left usable
 * (pass it through) in both cases; the caller counts -1 as UNKNOWN.
 */
int ck_expiry_record(struct ck_expiry_set *s, json_t *rec, struct ck_err *err);

/* Sorts the kept items by time left (expired first), then subject CN. */
void ck_expiry_sort(struct ck_expiry_set *s);

/* Counters over the kept items. */
struct ck_expiry_counts {
	size_t expired, critical, warning, ok, not_yet_valid;
};
void ck_expiry_count(const struct ck_expiry_set *s, struct ck_expiry_counts *c);

/*
 * The table (call ck_expiry_sort first).  all = 0 lists only items that
 * are not ok (and prints nothing at all when every item is ok, so that
 * cron mails only on problems); colour adds ANSI colours.
 * Returns 0 or -1 (CK_E_IO).
 */
int ck_expiry_write_text(FILE *fp, const struct ck_expiry_set *s, int all,
    int colour, struct ck_err *err);

/*
 * The Nagios plugin line (call ck_expiry_sort first) and the exit status
 * it announces in *status.  Perfdata lists the CK_EXPIRY_PERF_MAX soonest
 * items, every item when all is set.  No items and no errors is UNKNOWN
 * ("no certificates found").  Returns 0 or -1 (CK_E_IO).
 */
int ck_expiry_write_nagios(FILE *fp, const struct ck_expiry_set *s, int all,
    int *status, struct ck_err *err);

/*
 * Prometheus text exposition (x509-certificate-exporter names) of the
 * certificate items (CRLs are left out), plus x509_read_errors.
 * Returns 0 or -1 (CK_E_IO).
 */
int ck_expiry_write_prometheus(FILE *fp, const struct ck_expiry_set *s,
    struct ck_err *err);

/* Writes s into buf (cap bytes) escaped as a Prometheus label value. */
void ck_expiry_prom_escape(const char *s, char *buf, size_t cap);

/* Writes s into buf (cap bytes) as a Nagios perfdata label body ('' for ', no = or |). */
void ck_expiry_perf_label(const char *s, char *buf, size_t cap);

/* Hex serial ("01ab") to decimal ("427") as x509-certificate-exporter labels it. New string or NULL. */
char *ck_expiry_serial_dec(const char *hex);

/*
 * Atomic output file: ck_expiry_out_open creates a temporary file in the
 * directory of path (named .NAME.XXXXXX, so the textfile collector, which
 * reads *.prom, never sees it); ck_expiry_out_commit flushes, fsyncs,
 * makes it 0644 and renames it over path; ck_expiry_out_abort removes it.
 * Both close fp.  Return 0 or -1 (CK_E_IO).
 */
FILE *ck_expiry_out_open(const char *path, char **tmp, struct ck_err *err);
int ck_expiry_out_commit(FILE *fp, char *tmp, const char *path, struct ck_err *err);
void ck_expiry_out_abort(FILE *fp, char *tmp);

/*
 * cert-expiry's inputs: every record judged into set (ck_expiry_record)
 * and, when out is set (JSON output), passed through to it in input order.
 * An `error` record made here (an unreadable SOURCE) is said on stderr;
 * one read from a pipeline was said by the stage that made it.  A failed
 * write is said on stderr once and stops the reading (write_failed).
 */
struct ck_expiry_run {
	struct ck_expiry_set *set;
	FILE *out;			/* JSON Lines output, or NULL */
	const struct ck_load_opts *lo;
	struct ck_progress *progress;	/* ticked per record, or NULL */
	int write_failed;
};
/* One SOURCE; "-" is stdin: records or certificates (ck_load_stdin). */
void ck_expiry_run_source(struct ck_expiry_run *r, const char *source);

#endif /* CK_EXPIRY_H */
