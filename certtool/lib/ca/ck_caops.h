/*
 * ck_caops: the operations of a local CA directory on its ledger, one call
 * per cert-issue command: set up (init), sign (issue or queue for
 * approval), approve, deny, revoke, CRL, list/show.  The rule every
 * operation keeps: a certificate is handed to the caller (printed) only
 * after the ledger committed it, so a printed certificate is always in the
 * ledger.  What an operation produces goes to the caller's out callbacks
 * (request rows, certificates); nothing here prints.
 *
 *   struct ck_caops c;
 *   ck_caops_open(&c, dir, lock_ms, sync_full, 1, &err);
 *   c.now = ...; c.who = "alice"; c.out = (struct ck_caops_out){ ... };
 *   ck_caops_sign(&c, tmpl, pending, &ir, &err);
 *   ck_caops_close(&c);
 */
#ifndef CK_CAOPS_H
#define CK_CAOPS_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "ck_err.h"
#include "ck_fetch.h"	/* struct ck_blobs */
#include "ck_issue.h"
#include "ck_ledger.h"

/* Where results go; each returns 0, or -1 to report a failed write. */
struct ck_caops_out {
	int (*request)(void *arg, const struct ck_ledger_row *r);
	int (*cert)(void *arg, const unsigned char *der, size_t len);
	/* ck_caops_sign_files: a request that failed (where: the file or the CA directory); returns its exit status */
	int (*error)(void *arg, const char *where, const struct ck_err *err);
	void *arg;
};

struct ck_caops {
	struct ck_ledger *ledger;
	struct ck_ca *ca;		/* NULL when opened without it (list, show, deny, revoke) */
	const char *key_pw_file;	/* the CA key's password file, or NULL */
	const char *requester;		/* kept with new requests, or NULL */
	const char *who;		/* the acting user, for the audit trail */
	time_t now;
	struct ck_caops_out out;
	int batch;			/* ck_caops_batch_begin: one transaction */
	struct ck_blobs held;		/* issued in the open batch, printed at commit */
};

/*
 * Batch signing: the ck_caops_sign calls between begin and end share one
 * ledger transaction (a failed request is undone alone).  Certificates are
 * handed to out.cert only after the transaction committed, in order:
 * ck_caops_batch_flush commits and prints what was issued so far and keeps
 * the batch open (call it before reporting an error, so output keeps the
 * order of the requests); ck_caops_batch_end commits, prints and ends it.
 * A failed commit prints nothing of the batch (-1, err set).  Requests
 * queued for approval (pending templates) are not batched.
 */
int ck_caops_batch_begin(struct ck_caops *c, struct ck_err *err);
int ck_caops_batch_flush(struct ck_caops *c, struct ck_err *err);
int ck_caops_batch_end(struct ck_caops *c, struct ck_err *err);

/*
 * Opens DIR's ledger (waiting up to lock_ms for its lock; sync_full: every
 * commit synced to disk) and, with need_ca, its CA certificate and
 * configuration.  The caller sets now, who, requester, key_pw_file and out.
 */
int ck_caops_open(struct ck_caops *c, const char *dir, int lock_ms, int sync_full, int need_ca,
    struct ck_err *err);
void ck_caops_close(struct ck_caops *c);

/* Loads the CA key (once), with the password from key_pw_file when set. */
int ck_caops_key(struct ck_caops *c, struct ck_err *err);

/*
 * Sets up a CA in o->dir (ck_ca_init) and gives its certificate to *der
 * (malloc'd).  A subordinate: parent_dir is the issuing CA (its ledger
 * records the issuance); o->policy decides before the parent's key is
 * read.  On failure *where names the input at fault (the password file,
 * the parent, or the new CA's directory).
 */
int ck_caops_init(struct ck_ca_init_opts *o, const char *pw_file, const char *parent_dir,
    const char *parent_pw_file, int lock_ms, int sync_full, unsigned char **der, size_t *len,
    const char **where, struct ck_err *err);

/*
 * One request: checked against the template (ck_csr_check,
 * ck_issue_precheck); a template that holds requests for approval queues
 * it (out.request: the pending row), else it is issued and committed
 * (out.cert).  The CA key is loaded (ck_caops_key) only when the request
 * is good and is to be signed; -2 when it cannot be: no request can be
 * signed (the caller stops).  ir->tmpl and ir->now are set here.
 */
int ck_caops_sign(struct ck_caops *c, const json_t *tmpl, int pending, struct ck_issue_req *ir,
    struct ck_err *err);

/*
 * cert-issue sign: the requests in files (ck_csr_read, PEM or DER), each
 * with base's parameters, checked and issued as ck_caops_sign does.
 * Without a template that queues, the requests are read, checked and
 * signed on every core (ck_pool workers; the CA key is read by the first
 * good request, as in a single run) while the calling thread records them
 * in the ledger in the order of files; more than one request share one
 * ledger transaction (the certificates print after it commits).  Each
 * failure goes to out.error (where: the file, or dir for the CA itself)
 * after what was issued before it printed, so output keeps the order of
 * files; without the CA key (-2) nothing after it is recorded or reported.
 * out's callbacks run on the calling thread only.  Returns the worst
 * status out.error returned (CK_OK: every request signed or queued).
 */
int ck_caops_sign_files(struct ck_caops *c, const char *dir, const json_t *tmpl,
    const struct ck_issue_req *base, const char *const *files, size_t n);

/*
 * Issues a pending request (by id or serial) with its stored parameters
 * (out.cert); -2 when the CA key cannot be loaded.
 */
int ck_caops_approve(struct ck_caops *c, const char *key, struct ck_err *err);

/* Denies a pending request (out.request: its row after the change). */
int ck_caops_deny(struct ck_caops *c, const char *key, struct ck_err *err);

/* Revokes a certificate by serial; reason: a CRLReason name (out.request: the row). */
int ck_caops_revoke(struct ck_caops *c, const char *serial, const char *reason,
    struct ck_err *err);

/* Signs and commits the next CRL, valid for days (0: 7); *der malloc'd. */
int ck_caops_crl(struct ck_caops *c, long days, unsigned char **der, size_t *len,
    struct ck_err *err);

/*
 * list (key NULL: every row, or those with status) or show (key: one
 * request and, with with_cert, its certificate): out.request per row.
 */
int ck_caops_show(struct ck_caops *c, const char *key, const char *status, int with_cert,
    struct ck_err *err);

#endif /* CK_CAOPS_H */
