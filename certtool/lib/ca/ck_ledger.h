/*
 * ck_ledger: the issuance ledger of a cert-issue CA (DIR/ledger.db).
 *
 * SQLite in WAL mode.  Every state change (a request, an issue, an
 * approval, a denial, a revocation, a CRL) is one IMMEDIATE transaction that
 * also appends to the audit trail, so a process killed at any moment leaves
 * either the whole change or none of it.  Serial numbers are unique by
 * schema.  Many processes may use one ledger at once: writers wait up to the
 * busy timeout given to ck_ledger_open(), then fail with CK_E_DB
 * ("ledger is locked").
 *
 * Rows handed to callbacks are valid only during the callback.
 */
#ifndef CK_LEDGER_H
#define CK_LEDGER_H

#include <stddef.h>

#include <jansson.h>

#include "ck_err.h"

#define CK_LEDGER_FILE "ledger.db"
#define CK_LEDGER_SCHEMA 1

struct ck_ledger;

/* One request and, once issued, its certificate (a row of list/show). */
struct ck_ledger_row {
	long long id;			/* request id */
	const char *status;		/* pending|issued|denied|revoked */
	const char *template;		/* template name */
	const char *subject;		/* RFC 4514 DN (of the certificate once issued) */
	const char *requester;		/* may be NULL */
	const char *created;		/* RFC 3339 */
	const char *decided;		/* approval/denial time or NULL */
	const unsigned char *csr;	/* DER, may be NULL */
	size_t csr_len;
	const char *params;		/* JSON text kept for approval, may be NULL */
	const char *serial;		/* lower-case hex, NULL until issued */
	const unsigned char *der;	/* certificate DER, NULL until issued */
	size_t der_len;
	const char *not_after;
	const char *revoked_at;
	const char *reason;		/* revocation reason name */
};

/* A row as a `request` record (new reference; NULL when out of memory). */
json_t *ck_ledger_row_record(const struct ck_ledger_row *r);

/* A revoked certificate, for CRL building. */
struct ck_ledger_revoked {
	const char *serial;
	const char *revoked_at;
	const char *reason;
};

/*
 * Creates a new ledger at path (which must not exist): schema, WAL.
 * Returns a handle or NULL with err set.
 */
struct ck_ledger *ck_ledger_create(const char *path, struct ck_err *err);

/*
 * Opens an existing ledger.  busy_ms: how long a writer waits for a lock.
 * Fails (CK_E_DB) when the file is missing, not SQLite, or not a certkit
 * ledger.
 */
struct ck_ledger *ck_ledger_open(const char *path, int busy_ms, struct ck_err *err);
void ck_ledger_close(struct ck_ledger *l);

/*
 * Durability of commits.  A ledger opens with synchronous=NORMAL: in WAL
 * mode every commit survives the process being killed (kill -9) at any
 * moment, but a power loss or kernel crash may lose the last commits.
 * full != 0 selects synchronous=FULL: every commit is fsynced before it
 * returns, so it also survives a power loss, at the cost of one fsync per
 * state change.
 */
int ck_ledger_set_sync(struct ck_ledger *l, int full, struct ck_err *err);

/* Configuration (e.g. "aia_url").  *value is malloc'd, NULL when unset. */
int ck_ledger_config_set(struct ck_ledger *l, const char *key, const char *value,
    struct ck_err *err);
int ck_ledger_config_get(struct ck_ledger *l, const char *key, char **value,
    struct ck_err *err);

/*
 * Stores a pending request (fields used: template, subject, requester, csr,
 * params).  at: RFC 3339 time; who: the audit actor.  *id receives the new id.
 */
int ck_ledger_request_add(struct ck_ledger *l, const struct ck_ledger_row *r,
    const char *at, const char *who, long long *id, struct ck_err *err);

/*
 * Records an issued certificate in one transaction.  r->id == 0: a new
 * request row is created (fields template, subject, requester, csr,
 * params); otherwise request r->id must be pending (else CK_E_POLICY) and
 * becomes issued.  Fields serial, der, subject, not_after are required.
 * Returns 0; -1 with err; -2 when the serial already exists (the caller
 * draws another serial; nothing was written).  *id may be NULL.
 */
int ck_ledger_issue(struct ck_ledger *l, const struct ck_ledger_row *r,
    const char *at, const char *who, long long *id, struct ck_err *err);

/* Pending request id -> denied.  CK_E_NOTFOUND / CK_E_POLICY when not pending. */
int ck_ledger_deny(struct ck_ledger *l, long long id, const char *at,
    const char *who, struct ck_err *err);

/* Issued serial -> revoked.  CK_E_NOTFOUND, or CK_E_POLICY when already revoked. */
int ck_ledger_revoke(struct ck_ledger *l, const char *serial, const char *reason,
    const char *at, const char *who, struct ck_err *err);

/*
 * CRL issuance in one transaction: draws the next CRL number, calls build
 * with every revoked certificate, stores the DER build returns (malloc'd,
 * freed here) and commits.  build returns 0 or -1 with err set.
 */
typedef int (*ck_ledger_crl_fn)(const struct ck_ledger_revoked *rv, size_t n,
    long long number, void *arg, unsigned char **der, size_t *len,
    struct ck_err *err);
int ck_ledger_crl(struct ck_ledger *l, const char *this_update,
    const char *next_update, const char *who, ck_ledger_crl_fn build, void *arg,
    long long *number, struct ck_err *err);

/*
 * Calls fn for each row, oldest first.  status NULL = all.  fn returns 0
 * to continue, non-zero to stop (ck_ledger_each returns that value).
 */
typedef int (*ck_ledger_row_fn)(const struct ck_ledger_row *r, void *arg);
int ck_ledger_each(struct ck_ledger *l, const char *status, ck_ledger_row_fn fn,
    void *arg, struct ck_err *err);

/*
 * Finds one row by request id (all decimal digits, up to 18) or by serial
 * (hex, case-insensitive).  Returns fn's value, or -1 with CK_E_NOTFOUND.
 */
int ck_ledger_find(struct ck_ledger *l, const char *key, ck_ledger_row_fn fn,
    void *arg, struct ck_err *err);

/* Audit trail, oldest first: fn(at, who, action, object, detail, arg). */
typedef int (*ck_ledger_audit_fn)(const char *at, const char *who,
    const char *action, const char *object, const char *detail, void *arg);
int ck_ledger_audit_each(struct ck_ledger *l, ck_ledger_audit_fn fn, void *arg,
    struct ck_err *err);

/* Revocation reason: canonical snake_case name ("key_compromise") from
 * snake_case or RFC 5280 camelCase; its CRLReason code.  -1 when unknown. */
int ck_ledger_reason_code(const char *name, const char **canonical);

/*
 * A batch: ck_ledger_issue and ck_ledger_request_add calls between begin and
 * commit share one transaction (each is a savepoint in it: a failed one is
 * undone alone).  Nothing of the batch is durable before
 * ck_ledger_batch_commit returns 0, so callers print what the batch issued
 * only then.  A failed commit rolls the whole batch back (-1, err set).
 * Closing the ledger with a batch open rolls it back.
 */
int ck_ledger_batch_begin(struct ck_ledger *l, struct ck_err *err);
int ck_ledger_batch_commit(struct ck_ledger *l, struct ck_err *err);

#endif /* CK_LEDGER_H */
